"""One loan runs in Python integers (``kernel.run_one``); it must be the batch engine exactly.

``rp.amortize`` takes the scalar path whenever ``kernel.scalar_ok`` says so; these tests build
the same schedules a second time with the scalar path switched off (every loan then goes
through ``Batch.from_specs`` and ``kernel.run``, the engine ``amortize_many`` runs) and compare
every row, due date and total.  The oracle is the batch engine, itself checked against
closed forms, Fractions and the peers in ``test_kernel.py`` and ``test_schedule.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_kernel import _one, mixed_book  # the every-column book and amortize of one of its rows

import repayplan as rp
from repayplan import kernel, schedule


def _through_the_batch(*args, **kw) -> rp.Schedule:
    with mock.patch.object(schedule, "scalar_ok", lambda spec: False):
        return rp.amortize(*args, **kw)


def _assert_same(a: rp.Schedule, b: rp.Schedule):
    for name in (
        "payment",
        "total_interest",
        "total_principal",
        "total_fees",
        "total_paid",
        "principal",
        "last_payment",
        "periods",
    ):
        x, y = getattr(a, name), getattr(b, name)
        assert x == y and type(x) is type(y), name
    assert list(a.minor.columns) == list(b.minor.columns)
    for c in a.minor.columns:
        assert [int(v) for v in a.minor[c]] == [int(v) for v in b.minor[c]], c
    assert a.table["date"].equals(b.table["date"])
    assert repr(a) == repr(b)


@settings(max_examples=120, deadline=None)
@given(
    principal=st.one_of(
        st.integers(1, 10**9), st.decimals(Decimal("0.01"), Decimal("9999999.99"), places=2)
    ),
    rate=st.one_of(
        st.integers(0, 3000).map(lambda bp: bp / 10_000),  # floats read by their repr
        st.integers(0, 300_000).map(lambda x: Decimal(x) / 1_000_000),
    ),
    n=st.integers(1, 420),
    method=st.sampled_from(kernel.METHODS),
    freq=st.sampled_from(kernel.FREQUENCIES),
    grace=st.integers(0, 6),
    grace_kind=st.sampled_from(kernel.GRACE_KINDS),
    mode=st.sampled_from(["half_up", "half_even", "up", "down"]),
    fee=st.one_of(st.none(), st.integers(0, 500).map(lambda c: Decimal(c) / 100)),
    start=st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))),
    business_day=st.sampled_from(["unadjusted", "following", "modified_following", "preceding"]),
    holidays=st.sampled_from([None, "CN"]),
    extra=st.sampled_from(["none", "balloon", "payment", "change"]),
    currency=st.sampled_from(["CNY", "JPY", "USD"]),
)
# a principal of 2.00 over 360 months at 0 %: 0.01 a month clears it after 200 payments, so
# the level loop stops well before the term (the early-clearing branch)
@example(
    principal=Decimal("2.00"),
    rate=0,
    n=360,
    method="level",
    freq=12,
    grace=0,
    grace_kind="interest_only",
    mode="half_up",
    fee=None,
    start=None,
    business_day="unadjusted",
    holidays=None,
    extra="none",
    currency="CNY",
)
def test_the_scalar_path_is_the_batch_engine(
    principal,
    rate,
    n,
    method,
    freq,
    grace,
    grace_kind,
    mode,
    fee,
    start,
    business_day,
    holidays,
    extra,
    currency,
):
    if currency == "JPY":  # no minor units: whole yen
        principal = int(principal) or 1
        fee = None if fee is None else int(fee)
    grace = min(grace, n - 1)
    kw = dict(
        frequency=freq,
        method=method,
        grace=grace,
        grace_kind=grace_kind,
        rounding=mode,
        fee=fee,
        start=start,
        business_day=business_day,
        holidays=holidays,
        currency=currency,
    )
    if extra == "balloon" and method != "interest_only":
        kw["amortization_periods"] = n + 36
    elif extra == "payment" and method == "level":
        # a given payment: a tenth of the principal, or less than the interest
        kw["payment"] = max(int(principal) // 10, 1)
    elif extra == "change" and n > 1:
        kw["rate_changes"] = {n // 2 + 1: Decimal("0.0725")}
    spec = kernel.LoanSpec.from_terms(
        **dict(schedule.AMORTIZE_DEFAULTS, principal=principal, annual_rate=rate, periods=n, **kw)
    )
    assert kernel.scalar_ok(spec)
    _assert_same(
        rp.amortize(principal, rate, n, **kw), _through_the_batch(principal, rate, n, **kw)
    )


def test_a_tiny_loan_is_cleared_early_by_its_rounded_payment():
    # hand count: 200 fen over 360 months at 0 %: the payment rounds to 1 fen, the balance
    # falls a fen a month and the 200th payment clears it
    s = rp.amortize("2.00", 0, 360)
    assert s.periods == 200
    assert set(s.minor["payment"]) == {1}
    assert s.total_paid == Decimal("2.00") and s.last_payment == Decimal("0.01")
    assert int(s.minor["closing_balance"].iloc[-1]) == 0


def test_the_level_loop_matches_the_rounded_recurrence_term_for_term():
    # oracle: the recurrence written out in Fractions, I_k = round_half_up(B_{k-1} * r / 12),
    # B_k = B_{k-1} - (P - I_k), with P the published 599.55 of 100,000 at 6 % over 30 years
    from fractions import Fraction

    s = rp.amortize(100_000, 0.06, 360)
    assert s.payment == Decimal("599.55")
    rho = Fraction(6, 100) / 12
    B = 10_000_000
    for k, row in enumerate(s.minor.itertuples()):
        i = int(B * rho + Fraction(1, 2))
        assert row.interest == i, k
        p = B if k == 359 else 59955 - i
        assert row.principal == p, k
        B -= p
        assert row.closing_balance == B, k
    assert B == 0


def test_a_balance_past_int64_stays_exact():
    # a given payment far below the interest: the balance grows by about 30 % a year for a
    # century, beyond 2**63 minor units; both paths keep Python integers (object arrays)
    kw = dict(frequency=1, payment=1, currency="JPY")
    a = rp.amortize(10**12, 0.3, 100, **kw)
    b = _through_the_batch(10**12, 0.3, 100, **kw)
    _assert_same(a, b)
    assert int(a.minor["opening_balance"].max()) > 2**63
    assert a.total_principal == 10**12
    assert np.asarray(a.minor["payment"], dtype=object).sum() == int(
        a.total_paid.scaleb(a.minor_units)
    )


# --------------------------------------------------------------------------------------
# Schedule.table: built in one conversion, the same frame as a cell-by-cell conversion
# --------------------------------------------------------------------------------------
def _table_cell_by_cell(s: rp.Schedule) -> pd.DataFrame:
    # oracle: every cell through money.from_minor, the frame column by column
    from repayplan import money

    m = s.minor
    t = pd.DataFrame({"period": m["period"]})
    t["date"] = s.table["date"]
    for c in ("opening_balance", "payment", "interest", "principal", "closing_balance", "fee"):
        t[c] = pd.Series([money.from_minor(int(v), s.minor_units) for v in m[c]], dtype=object)
    return t


@pytest.mark.parametrize(
    "args, kw",
    [
        ((100_000, 0.06, 360), {}),
        ((12_000, 0.12, 12), dict(method="equal_principal", start="2025-01-31", fee=5)),
        ((1_000_000, 0.049, 240), dict(grace=6, grace_kind="deferral", currency="JPY")),
        ((10**12, 0.3, 100), dict(frequency=1, payment=1, currency="JPY")),  # past int64
        ((5_000, 0.0435, 36), dict(method=[100] * 35 + [None])),  # a payment vector
        ((250_000, 0.05, 120), dict(carry_precision=True)),
        ((1_000, 0.12, 2), {}),
    ],
)
def test_the_table_is_the_cell_by_cell_conversion(args, kw):
    s = rp.amortize(*args, **kw)
    got, want = s.table, _table_cell_by_cell(s)
    assert list(got.columns) == list(want.columns)
    assert (got.dtypes == want.dtypes).all()
    for c in got.columns[2:]:
        # equal values with equal exponents: '0.00' stays '0.00', not '0'
        assert [str(x) for x in got[c]] == [str(x) for x in want[c]], c
        assert all(type(x) is Decimal for x in got[c]), c
    assert got["period"].tolist() == list(range(1, s.periods + 1))
    assert s.table is got  # built once


def test_a_schedule_made_from_its_minor_frame_builds_the_same_table():
    s = rp.amortize(12_000, 0.12, 12, method="equal_principal")
    t = rp.Schedule(
        payment=s.payment,
        total_interest=s.total_interest,
        total_principal=s.total_principal,
        total_fees=s.total_fees,
        total_paid=s.total_paid,
        principal=s.principal,
        minor=s.minor,
    )
    assert t.table.drop(columns="date").equals(s.table.drop(columns="date"))


# --------------------------------------------------------------------------------------
# amortize_many(rows=True): int64 minor units by default, no Decimal built
# --------------------------------------------------------------------------------------
def test_the_long_form_is_int64_minor_units_by_default_and_builds_no_decimal(monkeypatch):
    from repayplan import money

    df = mixed_book(30, 7)  # several representation groups, three currencies
    dec = rp.amortize_many(df, rows=True, amounts="decimal")

    def no_objects(*a, **k):
        raise AssertionError("a Decimal object was built")

    monkeypatch.setattr(money, "decimals_array", no_objects)
    monkeypatch.setattr(money, "from_minor", no_objects)
    long = rp.amortize_many(df, rows=True)
    monkeypatch.undo()
    amounts = ["opening_balance", "payment", "interest", "principal", "closing_balance", "fee"]
    assert all(long[c].dtype == np.int64 for c in amounts)
    assert long.equals(rp.amortize_many(df, rows=True, amounts="minor"))
    # oracle: the Decimal rows, scaled by each loan's currency decimals
    units = np.array([{"JPY": 0}.get(c, 2) for c in df["currency"]])[long["loan"]]
    for c in amounts:
        back = [Decimal(int(m)).scaleb(-int(u)) for m, u in zip(long[c], units, strict=True)]
        assert back == list(dec[c]), c
    assert (long[["loan", "period", "date"]] == dec[["loan", "period", "date"]]).all().all()
    # the one row per loan keeps its Decimal default
    assert type(rp.amortize_many(df)["payment"].iloc[0]) is Decimal


def test_several_groups_land_in_the_frames_order_loan_by_loan_period_by_period():
    # oracle: amortize loan by loan; the frame's labels are kept, rows ordered by loan, period
    df = mixed_book(24, 11)
    df.index = [f"L{i:02d}" for i in range(len(df))][::-1]
    long = rp.amortize_many(df, rows=True)
    assert list(pd.unique(long["loan"])) == list(df.index)
    for label, row in zip(df.index, df.to_dict("records"), strict=True):
        s = _one(row)
        got = long[long["loan"] == label]
        assert got["period"].tolist() == list(range(1, s.periods + 1))
        for c in ("payment", "interest", "principal", "closing_balance", "fee"):
            assert got[c].tolist() == s.minor[c].tolist(), (label, c)
        assert got["date"].reset_index(drop=True).equals(s.table["date"].astype(got["date"].dtype))


def test_arrow_rows_of_several_groups_equal_the_decimal_rows():
    pytest.importorskip("pyarrow")
    df = mixed_book(20, 3)
    arrow = rp.amortize_many(df, rows=True, amounts="arrow")
    dec = rp.amortize_many(df, rows=True, amounts="decimal")
    for c in ("opening_balance", "payment", "interest", "principal", "closing_balance", "fee"):
        assert arrow[c].tolist() == dec[c].tolist(), c


@pytest.mark.parametrize("carry", [True, "reconciled"])
def test_carried_precision_rows_of_several_groups_equal_amortize(carry):
    # plain, float-noise and compounded rates (three representation groups, which the kernel
    # now runs as one batch with a scale per loan), carried precision
    df = pd.DataFrame(
        {
            "principal": [2500, 3000, 1_790_000, 50_000],
            "annual_rate": [0.0824, 0.1 + 0.2 - 0.25, 0.0785, 0.06],
            "periods": [12, 139, 132, 60],
            "method": ["level", "level", "equal_principal", "level"],
            "compounding": [None, None, None, 2],
            "currency": ["USD", "USD", "CNY", "JPY"],
            "carry_precision": [carry] * 4,
        }
    )
    parts = kernel.Batch.parts_from_frame(
        df, rounding="half_up", defaults=schedule.AMORTIZE_DEFAULTS
    )
    assert len(parts) == 1 and len(parts[0][0]) == 4
    long = rp.amortize_many(df, rows=True)
    for i, r in enumerate(df.to_dict("records")):
        s = _one(r)
        got = long[long["loan"] == i]
        for c in ("opening_balance", "payment", "interest", "principal", "closing_balance"):
            assert got[c].tolist() == s.minor[c].tolist(), (i, c)


@pytest.mark.parametrize(
    "kw",
    [
        dict(method=[2500] * 11 + [None]),  # a payment vector
        dict(carry_precision=True),
        dict(carry_precision="reconciled"),
        dict(day_count="ACT/365F", start="2025-01-31"),
        dict(compounding=2),
    ],
)
def test_what_the_scalar_path_does_not_take_goes_through_the_batch(kw):
    # oracle: the long form of amortize_many over a frame of this one loan (the batch engine)
    spec = kernel.LoanSpec.from_terms(
        **dict(schedule.AMORTIZE_DEFAULTS, principal=30_000, annual_rate=0.0435, periods=12, **kw)
    )
    assert not kernel.scalar_ok(spec)
    s = rp.amortize(30_000, 0.0435, 12, **kw)
    frame = pd.DataFrame({"principal": [30_000], "annual_rate": [0.0435], "periods": [12]})
    for c, v in kw.items():
        frame[c] = [v]
    long = rp.amortize_many(frame, rows=True)
    for c in ("opening_balance", "payment", "interest", "principal", "closing_balance"):
        assert long[c].tolist() == s.minor[c].tolist(), c


@pytest.mark.parametrize(
    "args, kw",
    [
        ((100_000, 0.06, 360), {}),
        ((10**12, 0.3, 100), dict(frequency=1, payment=1, currency="JPY")),
    ],
)
def test_the_minor_frame_is_the_table_in_minor_units(args, kw):
    # oracle: the Decimal table scaled by hand (int64 block, or object columns past int64)
    s = rp.amortize(*args, **kw)
    m = s.minor
    assert list(m.columns) == ["period", *schedule._AMOUNT_COLUMNS]
    assert m["period"].tolist() == list(range(1, s.periods + 1))
    for c in schedule._AMOUNT_COLUMNS:
        assert [int(v) for v in m[c]] == [int(d.scaleb(s.minor_units)) for d in s.table[c]], c


def test_a_payment_on_the_actual_rate_path_is_the_batchs_and_the_closed_form():
    # 100,000 over 24 months, 6 % for 12 months then 8 %: the level payment P that clears the
    # balance on that rate path solves
    #   (B0 a - P (a - 1) / r1) b - P (b - 1) / r2 = 0,  a = (1 + r1)^12, b = (1 + r2)^12,
    # P = 4,454.964..., so 4,454.96 (the scalar path used to solve on 6 % alone: 4,432.06)
    r1, r2 = Fraction(6, 1200), Fraction(8, 1200)
    a, b = (1 + r1) ** 12, (1 + r2) ** 12
    p = 100_000 * a * b / ((a - 1) / r1 * b + (b - 1) / r2)
    kw = dict(
        principal=100_000,
        annual_rate=0.06,
        periods=24,
        payment_basis="actual",
        rate_changes={13: 0.08},
    )
    one = rp.amortize(**kw)
    frame = pd.DataFrame([kw])
    frame["rate_changes"] = [kw["rate_changes"]]
    many = rp.amortize_many(frame)
    assert one.payment == Decimal("4454.96") == many.loc[0, "payment"]
    assert abs(Fraction(one.payment) - p) < Fraction(1, 200)
    assert one.total_interest == many.loc[0, "total_interest"]
