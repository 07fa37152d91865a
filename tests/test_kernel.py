"""The engine kernel: one interface, no private corridors, and every frame like ``amortize``.

* An ``ast`` scan of the package fails on any private name (``_x``) taken from another
  module, by ``from .m import _x`` or ``m._x`` on an imported module; the few that remain in
  modules this work does not own are listed in ``ALLOWED`` so that the list can only shrink.
* ``amortize_many`` refuses what ``amortize`` refuses, with the same message, and gives,
  loan by loan, exactly what ``amortize`` gives for every mix of columns (the oracle is
  ``amortize`` itself, which the Decimal reference of ``test_schedule.py`` pins).
"""

from __future__ import annotations

import ast
import inspect
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import kernel
from repayplan.errors import InputError
from repayplan.schedule import AMORTIZE_DEFAULTS

ROOT = Path(rp.__file__).parent

# (importing module, providing module, private name): still crossing, in modules owned by
# other work; shrink this list, never grow it.
ALLOWED: set[tuple[str, str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "repayplan"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_crossings() -> set[tuple[str, str, str]]:
    """Every private name one repayplan module takes from another."""
    found = set()
    for path in sorted(ROOT.rglob("*.py")):
        me = _module_name(path)
        package = list(path.relative_to(ROOT).parts[:-1])
        aliases = {}  # local name -> repayplan module, for ``from . import rules as _rules``
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.level):
                continue
            base = package[: len(package) - node.level + 1]
            source = ".".join(base + (node.module.split(".") if node.module else []))
            for a in node.names:
                if node.module is None:
                    aliases[a.asname or a.name] = ".".join(base + [a.name])
                    continue
                if _private(a.name) and source != me:
                    found.add((me, source, a.name))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
            ):
                found.add((me, aliases[node.value.id], node.attr))
    # modules that only re-export from a private module of their own are fine
    return {(a, b, n) for a, b, n in found if not b.startswith("_") and b not in ("", "repayplan")}


def test_no_private_name_crosses_modules_beyond_the_allow_list():
    crossings = private_crossings()
    assert not crossings - ALLOWED, (
        f"private names imported across modules: {sorted(crossings - ALLOWED)}"
    )
    assert not ALLOWED - crossings, (
        f"no longer crossing, remove from ALLOWED: {sorted(ALLOWED - crossings)}"
    )


def test_the_engine_callers_go_through_the_kernel_interface():
    # amortize, amortize_many, plan_batch and the portfolio's schedules all call kernel.run
    from repayplan import plans, portfolio, schedule

    for fn in (schedule.amortize, schedule.amortize_many, plans.plan_batch, portfolio._schedules):
        src = inspect.getsource(fn)
        assert "run(" in src, fn.__name__
    for name in kernel.__all__:
        assert not name.startswith("_") and getattr(kernel, name) is not None


def test_amortize_defaults_are_read_from_its_signature_once():
    sig = inspect.signature(rp.amortize)
    kw = {n: p.default for n, p in sig.parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert dict(AMORTIZE_DEFAULTS) == kw
    assert (
        AMORTIZE_DEFAULTS["day_count"] == "30/360" and AMORTIZE_DEFAULTS["carry_precision"] is False
    )
    with pytest.raises(TypeError):
        AMORTIZE_DEFAULTS["frequency"] = 4  # read-only


# --------------------------------------------------------------------------------------
# amortize_many refuses what amortize refuses (issue 13)
# --------------------------------------------------------------------------------------
BASE = {"principal": [1000, 2000], "annual_rate": [0.05, 0.06], "periods": [12, 12]}
REFUSED = [
    ("principal", 1_000_000.125),  # half-even np.rint made it 1,000,000.12
    ("fee", 0.005),  # became 0.00
    ("fee", -1.0),
    ("grace", 2.5),  # truncated to 2
    ("frequency", 12.7),  # truncated to 12
    ("periods", True),
    ("principal", True),
    ("principal", 1e17),  # 10**19 fen would wrap int64
    ("payment", 0.001),
    ("annual_rate", 1.5),
    ("day_count", "30E/360"),
    ("method", "balloon"),
    ("currency", "XYZ"),
]


@pytest.mark.parametrize(("field", "value"), REFUSED, ids=[f"{f}={v!r}" for f, v in REFUSED])
def test_amortize_many_refuses_what_amortize_refuses_with_the_same_message(field, value):
    terms = {"principal": 1000, "annual_rate": 0.05, "periods": 12, field: value}
    with pytest.raises(InputError) as single:
        rp.amortize(terms.pop("principal"), terms.pop("annual_rate"), terms.pop("periods"), **terms)
    frame = dict(BASE)
    frame[field] = pd.Series(
        [frame.get(field, [None])[0] if field in frame else None, value], dtype=object
    )
    if field not in BASE:
        frame[field] = pd.Series([None, value], dtype=object)
    with pytest.raises(InputError) as many:
        rp.amortize_many(pd.DataFrame(frame))
    assert many.value.field == f"loans.{single.value.field}[1]"
    assert many.value.allowed == single.value.allowed
    assert many.value.value == single.value.value or str(many.value.value) == str(
        single.value.value
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("principal", 1_000_000.125), ("fee", 0.005), ("grace", 2.5), ("frequency", 12.7)],
)
def test_numeric_columns_are_refused_too_not_only_object_columns(field, value):
    frame = pd.DataFrame(BASE)
    first = {"frequency": 12, "grace": 0, "fee": 0.0}.get(
        field, frame[field][0] if field in frame else 0
    )
    frame[field] = [first, value]
    with pytest.raises(InputError, match=rf"loans\.{field}\[1\]"):
        rp.amortize_many(frame)


def test_the_int64_bound_is_documented_and_refused_beyond():
    top = Decimal(kernel.MAX_AMOUNT_MINOR) / 100
    s = rp.amortize(top, 0.05, 12)  # the bound itself runs, exact
    assert s.table["principal"].sum() == top and s.table["closing_balance"].iloc[-1] == 0
    with pytest.raises(InputError, match="int64 bound"):
        rp.amortize(top + Decimal("0.01"), 0.05, 12)
    with pytest.raises(InputError, match=r"loans\.principal\[0\]"):
        rp.amortize_many(
            pd.DataFrame({"principal": [1e17], "annual_rate": [0.05], "periods": [12]})
        )


def test_an_empty_frame_has_the_columns_of_a_full_one():
    full = rp.amortize_many(pd.DataFrame(BASE))
    empty = rp.amortize_many(pd.DataFrame({c: [] for c in BASE}))
    assert list(empty.columns) == list(full.columns) and "last_payment" in empty.columns
    assert len(empty) == 0
    rows_full = rp.amortize_many(pd.DataFrame(BASE), rows=True)
    rows_empty = rp.amortize_many(pd.DataFrame({c: [] for c in BASE}), rows=True)
    assert list(rows_empty.columns) == list(rows_full.columns) and len(rows_empty) == 0


# --------------------------------------------------------------------------------------
# every column mix, vectorised, equals amortize loan by loan
# --------------------------------------------------------------------------------------
def mixed_book(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "principal": rng.integers(100_000, 10_000_000, n) / 100,
            "annual_rate": rng.integers(0, 1500, n) / 10_000 + 0.0035,  # float noise on some
            "periods": rng.integers(4, 90, n),
            "start": pd.to_datetime("2025-01-31") + pd.to_timedelta(rng.integers(0, 400, n), "D"),
            "day_count": rng.choice(["30/360", "ACT/360", "ACT/365F", "ACT/ACT", "Bond Basis"], n),
            "method": rng.choice(list(kernel.METHODS), n),
            "fee": rng.integers(0, 3, n) * 1.5,
            "grace": rng.integers(0, 2, n),
            "grace_kind": rng.choice(list(kernel.GRACE_KINDS), n),
            "business_day": rng.choice(["unadjusted", "following", "modified_following"], n),
            "frequency": rng.choice([12, 4, 26], n),
            "compounding": np.where(rng.random(n) < 0.2, 2, np.nan),
            "payment": np.where(rng.random(n) < 0.15, 3000.0, np.nan),
            "amortization_periods": np.where(rng.random(n) < 0.15, 200, np.nan),
            "rate_changes": [({3: 0.07} if rng.random() < 0.3 else None) for _ in range(n)],
            "currency": rng.choice(["CNY", "USD", "JPY"], n),
        }
    )
    df.loc[df["currency"] == "JPY", "principal"] = np.floor(df["principal"])
    df.loc[df["currency"] == "JPY", "fee"] = 0.0
    df.loc[df.compounding.notna(), "day_count"] = "30/360"
    df.loc[df.payment.notna() | df.amortization_periods.notna(), "method"] = "level"
    df.loc[df.payment.notna(), "amortization_periods"] = np.nan
    df.loc[df.payment.notna(), "periods"] = 90
    return df


def _one(row: dict):
    kw = {k: v for k, v in row.items() if not (v is None or (isinstance(v, float) and np.isnan(v)))}
    for k in ("compounding", "amortization_periods"):
        if k in kw:
            kw[k] = int(kw[k])
    return rp.amortize(kw.pop("principal"), kw.pop("annual_rate"), kw.pop("periods"), **kw)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_every_column_mix_equals_amortize_loan_by_loan(seed):
    df = mixed_book(25, seed)
    out = rp.amortize_many(df)
    rows = rp.amortize_many(df, rows=True, amounts="decimal")
    cols = ["date", "opening_balance", "payment", "interest", "principal", "closing_balance", "fee"]
    for i, row in enumerate(df.to_dict("records")):
        s = _one(row)
        assert (
            out["payment"][i],
            out["total_interest"][i],
            out["total_paid"][i],
            out["periods"][i],
            out["last_payment"][i],
        ) == (s.payment, s.total_interest, s.total_paid, s.periods, s.last_payment)
        got = rows[rows["loan"] == i].reset_index(drop=True)
        pd.testing.assert_frame_equal(got[cols], s.table[cols], check_dtype=False)


def test_minor_units_rows_are_int64_by_default_and_decimal_on_request():
    df = mixed_book(10, 3)
    minor = rp.amortize_many(df, rows=True, amounts="minor")
    assert minor["payment"].dtype == np.int64
    dec = rp.amortize_many(df, rows=True, amounts="decimal")
    units = np.array([{"JPY": 0}.get(c, 2) for c in df["currency"]])[minor["loan"]]
    back = [Decimal(int(m)).scaleb(-int(u)) for m, u in zip(minor["payment"], units, strict=True)]
    assert back == list(dec["payment"])


def test_float_noise_rates_stay_int64_and_exact():
    # 0.1 + 0.2 is 0.30000000000000004: read exactly (17 decimals), the batch stays int64 and
    # the interest equals the exact product rounded once (Fraction oracle)
    from fractions import Fraction

    rate = 0.1 + 0.2
    df = pd.DataFrame(
        {"principal": [123_456.78, 99_999.99], "annual_rate": [rate, 0.0435], "periods": [24, 36]}
    )
    b = kernel.Batch.from_frame(df, rounding="half_up", defaults=AMORTIZE_DEFAULTS)
    assert b.dtype is np.int64 and not b.exact64
    rows = rp.amortize_many(df, rows=True, amounts="minor")
    first = rows[rows["loan"] == 0].iloc[0]
    exact = Fraction(12_345_678) * Fraction(repr(rate)) / 12
    assert first["interest"] == int(exact + Fraction(1, 2))
    s = rp.amortize(123_456.78, rate, 24)
    assert s.total_interest == rp.amortize_many(df)["total_interest"][0]


# --------------------------------------------------------------------------------------
# the scalar path (one loan in Python integers) is the batch kernel, term for term
# --------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(
    principal=st.integers(1, 10**12),
    rate_bp=st.integers(0, 3000),
    n=st.integers(1, 400),
    method=st.sampled_from(kernel.METHODS),
    grace=st.integers(0, 6),
    grace_kind=st.sampled_from(kernel.GRACE_KINDS),
    freq=st.sampled_from(kernel.FREQUENCIES),
    mode=st.sampled_from(["half_up", "half_even", "up", "down"]),
    change=st.one_of(st.none(), st.tuples(st.integers(1, 400), st.integers(0, 3000))),
    balloon=st.booleans(),
    pay=st.one_of(st.none(), st.integers(1, 10**9)),
    units=st.sampled_from([0, 2, 3]),
)
# a given payment below the interest at 30 % a year for 400 years: the balance grows past
# int64, and both paths must stay exact (the batch once wrapped around)
@example(
    principal=69482,
    rate_bp=3000,
    n=400,
    method="level",
    grace=6,
    grace_kind="deferral",
    freq=1,
    mode="up",
    change=None,
    balloon=False,
    pay=71,
    units=3,
)
def test_run_one_equals_the_batch_kernel(
    principal, rate_bp, n, method, grace, grace_kind, freq, mode, change, balloon, pay, units
):
    grace = min(grace, n - 1)
    terms = dict(
        AMORTIZE_DEFAULTS,
        principal=principal,
        annual_rate=Decimal(rate_bp) / 10_000 + Decimal("0.00005"),
        periods=n,
        method=method,
        grace=grace,
        grace_kind=grace_kind,
        frequency=freq,
        rounding=mode,
        minor_units=units,
    )
    if change is not None and change[0] <= n:
        terms["rate_changes"] = {change[0]: Decimal(change[1]) / 10_000}
    if balloon and method != "interest_only":
        terms["amortization_periods"] = n + 24
    elif pay is not None and method == "level":
        terms["payment"] = pay
    spec = kernel.LoanSpec.from_terms(**terms)
    assert kernel.scalar_ok(spec)
    one = kernel.run_one(spec)
    b = kernel.Batch.from_specs([spec])
    many = kernel.run(b, keep_rows=True)
    for name in (
        "payment",
        "nrows",
        "tot_interest",
        "tot_principal",
        "tot_payment",
        "tot_fee",
        "last_payment",
    ):
        assert np.array_equal(
            np.asarray(getattr(one, name), dtype=object),
            np.asarray(getattr(many, name), dtype=object),
        ), name
    k = int(many.nrows[0])
    for c, v in one.table.items():
        assert list(v[0]) == list(many.table[c][0, :k]), c


@pytest.mark.parametrize("carry", [True, "reconciled"])
def test_a_carried_precision_frame_equals_amortize(carry):
    df = pd.DataFrame(
        {
            "principal": [2500, 3000, 1_790_000],
            "annual_rate": [0.0824, 0.06, 0.0785],
            "periods": [12, 139, 132],
            "method": ["level", "level", "equal_principal"],
            "currency": ["USD", "USD", "CNY"],
            "carry_precision": [carry] * 3,
        }
    )
    rows = rp.amortize_many(df, rows=True, amounts="decimal")
    out = rp.amortize_many(df)
    for i, r in enumerate(df.to_dict("records")):
        s = _one(r)
        got = rows[rows["loan"] == i].reset_index(drop=True)
        cols = list(s.table.columns[2:])
        assert (got[cols].to_numpy() == s.table[cols].to_numpy()).all()
        assert out["total_interest"][i] == s.total_interest and out["payment"][i] == s.payment


@pytest.mark.parametrize("day_count", ["ACT/360", "ACT/365F", "ACT/ACT"])
def test_float_noise_rates_on_actual_day_counts_charge_the_exact_interest(day_count):
    # rate_int * day numerator overflows int64 here (the factored path); every row's interest
    # must still be the exact product of its opening balance, the rate as typed and the
    # year fraction, rounded half-up once (Fraction oracle, calendar's day count)
    from fractions import Fraction

    from repayplan.calendar import day_count_fraction

    rates = [0.1 + 0.2, 0.0435 + 1e-17, 0.049]
    df = pd.DataFrame(
        {
            "principal": [123_456.78, 99_999.99, 5_000_000.0],
            "annual_rate": rates,
            "periods": [36, 24, 120],
            "start": [pd.Timestamp("2024-01-31")] * 3,
            "day_count": [day_count] * 3,
            "frequency": [12, 4, 12],
        }
    )
    rows = rp.amortize_many(df, rows=True, amounts="decimal")
    for i, rate in enumerate(rates):
        mine = rows[rows["loan"] == i]
        prev = pd.Timestamp("2024-01-31").date()
        for r in mine.itertuples():
            d = r.date.date()
            exact = (
                Fraction(r.opening_balance)
                * Fraction(repr(rate))
                * day_count_fraction(prev, d, day_count)
            )
            assert r.interest == (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                Decimal("0.01"), rounding="ROUND_HALF_UP"
            ), (i, r.period)
            prev = d
        assert mine["principal"].sum() == Decimal(str(df["principal"][i])).quantize(Decimal("0.01"))
        s = rp.amortize(
            df["principal"][i],
            rate,
            int(df["periods"][i]),
            start="2024-01-31",
            day_count=day_count,
            frequency=int(df["frequency"][i]),
        )
        assert list(s.table["interest"]) == list(mine["interest"])


def test_arrow_decimal_rows_equal_the_decimal_rows_without_building_decimals(monkeypatch):
    import pyarrow as pa

    from repayplan import money

    df = mixed_book(12, 5)
    dec = rp.amortize_many(df, rows=True, amounts="decimal")
    dec_totals = rp.amortize_many(df)

    def no_objects(*a, **k):
        raise AssertionError("a Decimal object was built")

    monkeypatch.setattr(money, "decimals_array", no_objects)
    monkeypatch.setattr(money, "from_minor", no_objects)
    arrow = rp.amortize_many(df, rows=True, amounts="arrow")
    totals = rp.amortize_many(df, amounts="arrow")
    monkeypatch.undo()
    scale = max({"JPY": 0}.get(c, 2) for c in df["currency"])
    for c in ("opening_balance", "payment", "interest", "principal", "closing_balance", "fee"):
        assert arrow[c].dtype == pd.ArrowDtype(pa.decimal128(38, scale))
        assert arrow[c].tolist() == dec[c].tolist()  # Decimal elements, equal values
    for c in ("payment", "total_interest", "total_paid", "last_payment"):
        assert totals[c].tolist() == dec_totals[c].tolist()
    assert (arrow[["loan", "period"]] == dec[["loan", "period"]]).all().all()
    # exact at the int64 bound and for negative amounts (two's complement high word)
    from repayplan.schedule import _arrow_decimals

    got = _arrow_decimals(np.array([10**17, -5, 0]), 2, 2).tolist()
    assert got == [Decimal("1000000000000000.00"), Decimal("-0.05"), Decimal("0.00")]
