"""The amortization engine against an independent Decimal reference and invariants."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.errors import InputError

CENT = Decimal("0.01")
MODES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_CEILING,
    "down": ROUND_DOWN,
}


# --------------------------------------------------------------------------------------
# An independent reference: plain Decimal arithmetic, one row at a time, written from the
# conventions in DESIGN.md without looking at the engine's integer kernel.
# --------------------------------------------------------------------------------------
def ref_schedule(
    principal,
    rate,
    n,
    *,
    method="level",
    freq=12,
    grace=0,
    grace_kind="interest_only",
    amort=None,
    payment=None,
    rate_changes=None,
    pay_mode="half_up",
    int_mode="half_up",
):
    with localcontext() as ctx:
        ctx.prec = 80
        bal = Decimal(str(principal))
        rates = {1: Decimal(str(rate))}
        for k, v in (rate_changes or {}).items():
            rates[k] = Decimal(str(v))
        amort = amort or n
        rows = []
        P = Decimal(str(payment)) if payment is not None else None
        given = payment is not None
        ep = None
        r = rates[1]
        for k in range(1, n + 1):
            if k in rates:
                r = rates[k]
            rho = Fraction(r) / freq
            # multiply before dividing: bal * r / freq is exact whenever it terminates, so a
            # tie such as 24.00 * 1.75% / 12 = 0.035 stays a tie
            interest = (bal * r / freq).quantize(CENT, MODES[int_mode])
            if k <= grace:
                if grace_kind == "deferral":
                    rows.append((bal, Decimal(0), interest, -interest, bal + interest))
                    bal += interest
                else:
                    rows.append((bal, interest, interest, Decimal(0), bal))
                continue
            m = amort - k + 1
            if method == "level" and not given and (k == grace + 1 or k in rates):
                # exact rational payment, rounded on its exact value (ties included)
                x = Fraction(bal) / m if rho == 0 else Fraction(bal) * rho / (1 - (1 + rho) ** (-m))
                P = round_fraction(x, pay_mode)
            if method == "equal_principal" and k == grace + 1:
                ep = (bal / m).quantize(CENT, MODES[pay_mode])
            if method == "level":
                prin = P - interest
            elif method == "equal_principal":
                prin = ep
            else:
                prin = Decimal(0)
            if k == n or prin >= bal:
                prin = bal
            rows.append((bal, interest + prin, interest, prin, bal - prin))
            bal -= prin
            if bal == 0:
                break
        return pd.DataFrame(
            rows, columns=["opening_balance", "payment", "interest", "principal", "closing_balance"]
        )


def round_fraction(x: Fraction, mode: str) -> Decimal:
    cents = x * 100
    lo = cents.numerator // cents.denominator
    rest = cents - lo
    if mode == "down" or rest == 0:
        up = False
    elif mode == "up":
        up = True
    elif rest == Fraction(1, 2):
        up = mode == "half_up" or lo % 2 == 1
    else:
        up = rest > Fraction(1, 2)
    return Decimal(lo + up) / 100


def assert_matches_reference(s, ref):
    got = s.table[["opening_balance", "payment", "interest", "principal", "closing_balance"]]
    assert len(got) == len(ref)
    for col in ref.columns:
        assert got[col].tolist() == ref[col].tolist(), col


def assert_reconciles(s, principal):
    t = s.table
    assert (t["opening_balance"] - t["principal"] == t["closing_balance"]).all()
    assert (t["payment"] == t["interest"] + t["principal"]).all()
    assert t["principal"].sum() == Decimal(str(principal))
    assert t["closing_balance"].iloc[-1] == 0
    assert s.total_interest == t["interest"].sum()
    assert s.total_paid == t["payment"].sum() + t["fee"].sum()


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000000"), places=2)
rates = st.integers(min_value=0, max_value=3000).map(lambda x: Decimal(x) / 10000)


# --------------------------------------------------------------------------------------
# The reference, the invariants and numpy-financial
# --------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(
    p=amounts,
    r=rates,
    n=st.integers(1, 480),
    method=st.sampled_from(["level", "equal_principal", "interest_only"]),
    freq=st.sampled_from([1, 2, 4, 12, 26, 52]),
)
@example(p=Decimal("100000"), r=Decimal("0.06"), n=360, method="level", freq=12)
@example(p=Decimal("0.01"), r=Decimal("0.3"), n=1, method="level", freq=12)
@example(p=Decimal("1001"), r=Decimal("0"), n=7, method="equal_principal", freq=12)
def test_engine_equals_decimal_reference(p, r, n, method, freq):
    s = rp.amortize(p, r, n, method=method, frequency=freq)
    assert_matches_reference(s, ref_schedule(p, r, n, method=method, freq=freq))
    assert_reconciles(s, p)


@settings(max_examples=80, deadline=None)
@given(
    p=amounts,
    r=rates,
    n=st.integers(2, 240),
    grace=st.integers(0, 12),
    kind=st.sampled_from(["interest_only", "deferral"]),
    method=st.sampled_from(["level", "equal_principal"]),
    extra=st.integers(0, 120),
)
def test_grace_and_balloon_equal_reference(p, r, n, grace, kind, method, extra):
    grace = min(grace, n - 1)
    amort = n + extra if extra else None
    s = rp.amortize(
        p, r, n, method=method, grace=grace, grace_kind=kind, amortization_periods=amort
    )
    assert_matches_reference(
        s, ref_schedule(p, r, n, method=method, grace=grace, grace_kind=kind, amort=amort)
    )
    assert_reconciles(s, p)


@settings(max_examples=60, deadline=None)
@given(p=amounts, r=rates, r2=rates, n=st.integers(2, 360), at=st.integers(2, 360))
def test_rate_changes_recompute_over_remaining_term(p, r, r2, n, at):
    at = min(at, n)
    s = rp.amortize(p, r, n, rate_changes={at: r2})
    assert_matches_reference(s, ref_schedule(p, r, n, rate_changes={at: r2}))
    assert_reconciles(s, p)


@settings(max_examples=60, deadline=None)
@given(
    p=amounts,
    r=rates,
    n=st.integers(1, 360),
    pm=st.sampled_from(["half_up", "half_even", "up", "down"]),
    im=st.sampled_from(["half_up", "half_even", "up", "down"]),
)
def test_rounding_modes_equal_reference(p, r, n, pm, im):
    s = rp.amortize(p, r, n, rounding={"payment": pm, "interest": im})
    assert_matches_reference(s, ref_schedule(p, r, n, pay_mode=pm, int_mode=im))
    assert_reconciles(s, p)


@settings(max_examples=100, deadline=None)
@given(p=st.integers(1_000, 10_000_000), r=st.integers(1, 3000), n=st.integers(1, 600))
def test_payment_agrees_with_numpy_financial(p, r, n):
    rate = r / 10000
    s = rp.amortize(p, rate, n)
    unrounded = -npf.pmt(rate / 12, n, p)
    assert abs(float(s.payment) - unrounded) <= 0.005 + 1e-9 * unrounded


def test_extremes_one_period_1200_periods_tiny_and_huge():
    assert_reconciles(rp.amortize("0.01", 0.99, 1), Decimal("0.01"))
    s = rp.amortize(1_000_000, 0.05, 1200)
    assert s.periods == 1200
    assert_reconciles(s, 1_000_000)
    huge = Decimal("98765432109876.54")
    s = rp.amortize(huge, 0.0435, 360)
    assert_matches_reference(s, ref_schedule(huge, Decimal("0.0435"), 360))
    assert_reconciles(s, huge)


def test_exact_half_cent_ties_round_as_decimal_does():
    # 1003.00 * 6% / 12 = 5.015 exactly; in binary floats 1003 * 0.06 / 12 * 100 is
    # 501.49999..., so floor(x + 0.5) gives 5.01: the tie is lost.
    import math

    assert math.floor(1003.00 * 0.06 / 12 * 100 + 0.5) == 501
    s = rp.amortize(1003, 0.06, 1)
    assert s.table["interest"].iloc[0] == Decimal("5.02")
    s = rp.amortize(1003, 0.06, 1, rounding="half_even")
    assert s.table["interest"].iloc[0] == Decimal("5.02")
    s = rp.amortize(1001, 0.06, 1, rounding="half_even")  # 5.005 -> 5.00 (even)
    assert s.table["interest"].iloc[0] == Decimal("5.00")
    # 0.0435 read exactly: 100,100.00 * 0.0435 / 12 = 362.8625 -> 362.86 (no tie, but a float
    # product 362.86249999999995 would also round down; check against Decimal directly)
    s = rp.amortize(100_100, 0.0435, 12)
    exact = (Decimal("100100") * Decimal("0.0435") / 12).quantize(CENT, ROUND_HALF_UP)
    assert s.table["interest"].iloc[0] == exact


def test_rate_zero_and_level_payment_ties_are_exact():
    s = rp.amortize("10.05", 0, 2)  # 5.025 per period: a tie, half-up -> 5.03
    assert s.payment == Decimal("5.03")
    assert s.table["payment"].tolist() == [Decimal("5.03"), Decimal("5.02")]
    s = rp.amortize("10.05", 0, 2, rounding="half_even")
    assert s.payment == Decimal("5.02")


def test_given_payment_runs_until_repaid_and_last_trues_up():
    s = rp.amortize(100_000, 0.06, None, payment=20_000)
    ref = ref_schedule(100_000, Decimal("0.06"), 1200, payment=20_000)
    assert_matches_reference(s, ref)
    assert s.periods == 6
    assert s.table["payment"].iloc[-1] == Decimal("1527.72")
    assert_reconciles(s, 100_000)


def test_payment_that_would_overpay_ends_early():
    s = rp.amortize(10_000, 0.06, 24, payment=5_000)
    assert s.periods == 3
    assert_reconciles(s, 10_000)


def test_given_payment_that_never_repays_is_an_error():
    with pytest.raises(InputError, match="payment"):
        rp.amortize(100_000, 0.12, None, payment=1_000)  # interest alone is 1,000 a month


def test_custom_payment_vector():
    s = rp.amortize(100_000, 0.06, None, method=[30_000, 30_000, "41056.76"])
    assert s.table["payment"].tolist() == [
        Decimal("30000.00"),
        Decimal("30000.00"),
        Decimal("41056.76"),
    ]
    assert_reconciles(s, 100_000)
    with pytest.raises(InputError, match="leaves 52.80 outstanding"):
        rp.amortize(100_000, 0.06, None, method=[30_000, 30_000, "41003.96"])
    with pytest.raises(InputError, match="overpays"):
        rp.amortize(100_000, 0.06, None, method=[30_000, 30_000, 45_000])
    with pytest.raises(InputError, match="overpays"):
        rp.amortize(100_000, 0.06, None, method=[101_000, 0, 5])


def test_interest_only_is_a_bullet():
    s = rp.amortize(100_000, 0.06, 12, method="interest_only")
    assert s.table["principal"].tolist()[:-1] == [Decimal(0)] * 11
    assert s.table["payment"].iloc[-1] == Decimal("100500.00")


def test_fee_has_its_own_column_and_counts_in_total_paid():
    s = rp.amortize(100_000, 0.06, 12, fee=15)
    assert (s.table["fee"] == Decimal("15.00")).all()
    assert (s.table["payment"] == s.table["interest"] + s.table["principal"]).all()
    assert s.total_paid == s.table["payment"].sum() + 12 * 15


def test_currencies_set_minor_units():
    s = rp.amortize(1_000_000, 0.02, 12, currency="JPY")
    assert s.payment == Decimal("84239")  # whole yen
    assert all(v == v.to_integral_value() for v in s.table["interest"])
    s = rp.amortize(1_000_000, 0.02, 12, minor_units=0)
    assert s.payment == Decimal("84239")


def test_canadian_semi_annual_compounding():
    # periodic rate (1 + 0.06/2)^(2/12) - 1; $100,000 over 25 years -> $639.81 (the standard
    # Canadian answer; see test_published_examples for the citation)
    s = rp.amortize(100_000, 0.06, 300, compounding=2)
    assert s.payment == Decimal("639.81")
    assert_reconciles(s, 100_000)
    with localcontext() as ctx:
        ctx.prec = 50
        rho = (1 + Decimal("0.03")) ** (Decimal(1) / 6) - 1
        assert s.table["interest"].iloc[0] == (Decimal(100_000) * rho).quantize(CENT, ROUND_HALF_UP)


def test_actual_360_uses_days_between_due_dates():
    s = rp.amortize(1_000_000, 0.06, 12, start=date(2026, 1, 15), day_count="ACT/360")
    t = s.table
    prev = [pd.Timestamp("2026-01-15")] + list(t["date"].iloc[:-1])
    for (_, row), p0 in zip(t.iterrows(), prev, strict=True):
        days = (row["date"] - p0).days
        expect = (row["opening_balance"] * Decimal("0.06") * days / 360).quantize(
            CENT, ROUND_HALF_UP
        )
        assert row["interest"] == expect
    assert s.payment == rp.amortize(1_000_000, 0.06, 12).payment  # level payment as for 30/360
    assert_reconciles(s, 1_000_000)


def test_actual_basis_solves_level_payment_on_actual_days():
    s = rp.amortize(
        1_000_000, 0.06, 12, start=date(2026, 1, 15), day_count="ACT/360", payment_basis="actual"
    )
    pays = s.table["payment"]
    assert abs(pays.iloc[-1] - pays.iloc[0]) <= Decimal("0.12")  # only rounding residue is left
    assert_reconciles(s, 1_000_000)


def test_end_of_month_dates_and_business_day_rolling():
    s = rp.amortize(100_000, 0.06, 3, start=date(2026, 1, 31))
    assert [d.date() for d in s.table["date"]] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    s = rp.amortize(
        100_000, 0.06, 1, start=date(2026, 1, 15), business_day="following", holidays="CN"
    )
    assert s.table["date"].iloc[0].date() == date(
        2026, 2, 24
    )  # 2026-02-15 falls in the Spring Festival


def test_carry_precision_follows_the_unrounded_balance():
    s = rp.amortize(100_000, 0.06, 360, carry_precision=True)
    rho = 0.005
    P = 100_000 * rho / (1 - (1 + rho) ** -360)
    bal = 100_000.0
    for _, row in s.table.head(24).iterrows():
        i = bal * rho
        assert row["interest"] == Decimal(f"{i:.2f}")
        bal -= P - i
    assert s.payment == Decimal("599.55")
    assert s.table["closing_balance"].iloc[-1] == 0


def test_schedule_displays_itself():
    s = rp.amortize(100_000, 0.06, 36)
    assert "Schedule(level, 36 periods, payment 3042.19 CNY" in repr(s)
    assert "<table" in s._repr_html_()


# --------------------------------------------------------------------------------------
# The batch form
# --------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            amounts,
            rates,
            st.integers(1, 360),
            st.sampled_from(["level", "equal_principal", "interest_only"]),
            st.integers(0, 6),
            st.sampled_from(["interest_only", "deferral"]),
            st.sampled_from([1, 4, 12, 52]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_amortize_many_equals_amortize_loan_by_loan(rows):
    df = pd.DataFrame(
        rows,
        columns=[
            "principal",
            "annual_rate",
            "periods",
            "method",
            "grace",
            "grace_kind",
            "frequency",
        ],
    )
    df["grace"] = np.minimum(df["grace"], df["periods"] - 1)
    df["principal"] = df["principal"].astype(float)
    df["annual_rate"] = df["annual_rate"].astype(float)
    out = rp.amortize_many(df)
    long = rp.amortize_many(df, rows=True, amounts="decimal")
    for i, r in df.iterrows():
        s = rp.amortize(
            r.principal,
            r.annual_rate,
            int(r.periods),
            method=r.method,
            grace=int(r.grace),
            grace_kind=r.grace_kind,
            frequency=int(r.frequency),
        )
        assert out.loc[i, "payment"] == s.payment
        assert out.loc[i, "total_interest"] == s.total_interest
        assert out.loc[i, "total_paid"] == s.total_paid
        assert out.loc[i, "periods"] == s.periods
        mine = long[long["loan"] == i]
        assert mine["interest"].tolist() == s.table["interest"].tolist()
        assert mine["closing_balance"].tolist() == s.table["closing_balance"].tolist()


def test_amortize_many_with_dates_and_minor_amounts():
    df = pd.DataFrame(
        {
            "principal": [100_000, 250_000.5],
            "annual_rate": [0.0435, 0.049],
            "periods": [12, 24],
            "start": [date(2026, 1, 31), date(2026, 3, 10)],
            "day_count": ["ACT/360", "ACT/360"],
        }
    )
    out = rp.amortize_many(df)
    minor = rp.amortize_many(df, amounts="minor")
    for i, r in df.iterrows():
        s = rp.amortize(r.principal, r.annual_rate, r.periods, start=r.start, day_count="ACT/360")
        assert out.loc[i, "total_interest"] == s.total_interest
        assert minor.loc[i, "total_interest"] == int(s.total_interest * 100)


def test_float_rates_are_read_by_their_repr_in_both_paths():
    for r in [0.0435, 0.049, 0.1 + 0.2, 0.07125, 1e-7, 0.123456789]:
        df = pd.DataFrame({"principal": [123_456.78], "annual_rate": [r], "periods": [37]})
        assert (
            rp.amortize_many(df).loc[0, "total_interest"]
            == rp.amortize(123_456.78, r, 37).total_interest
        )


# --------------------------------------------------------------------------------------
# Bad input: named field, value and what is allowed
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, kwargs, field",
    [
        ((-5, 0.05, 12), {}, "principal"),
        ((0, 0.05, 12), {}, "principal"),
        ((float("nan"), 0.05, 12), {}, "principal"),
        ((float("inf"), 0.05, 12), {}, "principal"),
        (("abc", 0.05, 12), {}, "principal"),
        ((100.001, 0.05, 12), {}, "principal"),
        ((1000, -0.01, 12), {}, "annual_rate"),
        ((1000, 4.35, 12), {}, "annual_rate"),
        ((1000, 0.05, 0), {}, "periods"),
        ((1000, 0.05, 1201), {}, "periods"),
        ((1000, 0.05, 12.5), {}, "periods"),
        ((1000, 0.05, 12), {"method": "balloon"}, "method"),
        ((1000, 0.05, 12), {"frequency": 3}, "frequency"),
        ((1000, 0.05, 12), {"day_count": "ACT/364"}, "day_count"),
        ((1000, 0.05, 12), {"day_count": "ACT/360"}, "start"),
        ((1000, 0.05, 12), {"rounding": "bankers"}, "rounding"),
        ((1000, 0.05, 12), {"currency": "XYZ"}, "currency"),
        ((1000, 0.05, 12), {"grace": 12}, "grace"),
        ((1000, 0.05, 12), {"grace_kind": "holiday"}, "grace_kind"),
        ((1000, 0.05, 12), {"amortization_periods": 6}, "amortization_periods"),
        ((1000, 0.05, 12), {"rate_changes": {13: 0.04}}, "rate_changes period"),
        ((1000, 0.05, 12), {"rate_changes": {3: 2.0}}, "rate_changes[3]"),
        ((1000, 0.05, None), {}, "periods"),
        ((1000, 0.05, 12), {"start": "2026-02-30"}, "start"),
    ],
)
def test_bad_input_names_field_value_and_allowed(args, kwargs, field):
    with pytest.raises(InputError) as exc:
        rp.amortize(*args, **kwargs)
    assert exc.value.field == field
    assert "must be" in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_percent_for_fraction_hint():
    with pytest.raises(InputError, match="a rate is a fraction: 4.35% is 0.0435"):
        rp.amortize(1000, 4.35, 12)


def test_amortize_many_bad_rows_name_the_row():
    df = pd.DataFrame({"principal": [1000, -1], "annual_rate": [0.05, 0.05], "periods": [12, 12]})
    with pytest.raises(InputError, match=r"loans.principal\[1\]"):
        rp.amortize_many(df)
    df = pd.DataFrame({"principal": [1000], "annual_rate": [5.0], "periods": [12]})
    with pytest.raises(InputError, match=r"loans.annual_rate\[0\]"):
        rp.amortize_many(df)
    with pytest.raises(InputError, match="loans"):
        rp.amortize_many(pd.DataFrame({"principal": [1]}))


def test_payment_vector_after_grace_and_a_last_payment_that_clears():
    s = rp.amortize(100_000, 0.06, None, grace=2, method=[30_000, 30_000, None])
    assert s.table["payment"].tolist()[:2] == [Decimal("500.00"), Decimal("500.00")]
    assert s.table["payment"].iloc[-1] == Decimal(
        "41056.76"
    )  # as without grace: interest-only kept the balance
    assert_reconciles(s, 100_000)
    s = rp.amortize(
        100_000, 0.06, None, grace=2, grace_kind="deferral", method=[30_000, 30_000, None]
    )
    assert s.table["closing_balance"].iloc[1] == Decimal("101002.50")
    assert_reconciles(s, 100_000)
    with pytest.raises(InputError, match="periods"):
        rp.amortize(100_000, 0.06, 4, grace=2, method=[30_000, 30_000, None])
