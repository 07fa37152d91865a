"""Every column mix in one batch: per-loan rate scales, due dates made period by period, and
the compiled loop (numba) against the numpy loop and ``amortize``.

Oracles:

* :class:`repayplan.calendar.DueDateColumns` column ``t`` equals ``payment_dates_grid``'s
  column ``t`` (itself checked against ``payment_dates_many`` and ISDA examples in
  ``test_calendar.py``); its ACT/ACT serial differences equal ``period_numerators``.
* A mixed frame runs as **one** batch, and each loan's totals and rows equal ``amortize`` of
  that loan alone (the scalar path, pinned to Decimal references in ``test_schedule.py``).
* The compiled loop (forced on small batches) gives bit-identical totals and rows to the
  numpy loop, in every rounding mode; near ties of float-noise rates are decided exactly
  (a ``Fraction`` of the typed decimal rate is the oracle).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_kernel import _one, mixed_book  # noqa: E402  (rootdir-relative, as pytest imports tests)

import repayplan as rp
from repayplan import kernel, kernel_jit
from repayplan.calendar import DueDateColumns, payment_dates_grid, period_numerators
from repayplan.errors import InputError
from repayplan.schedule import AMORTIZE_DEFAULTS

jit = pytest.mark.skipif(not kernel_jit.available(), reason="numba not installed")


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(1, 40),
    T=st.integers(1, 60),
    eom=st.booleans(),
    holidays=st.sampled_from([None, "CN"]),
)
def test_due_date_columns_equal_the_grid(seed, n, T, eom, holidays):
    rng = np.random.default_rng(seed)
    starts = (np.datetime64("2019-01-01") + rng.integers(0, 3000, n)).astype("datetime64[D]")
    starts[: n // 3] = np.datetime64("2024-01-31")  # month ends: the end-of-month rule
    freq = rng.choice([1, 2, 4, 12, 26, 52], n)
    conv = rng.choice(["unadjusted", "following", "modified_following", "preceding"], n)
    try:
        grid = payment_dates_grid(starts, T, freq, conv, eom=eom, holidays=holidays)
    except InputError as e:
        # a backward roll put a weekly due date on or before the one before it (a week of
        # holidays): both refuse it, by the same name
        assert e.field == "business_day"
        with pytest.raises(InputError) as again:
            DueDateColumns(starts, T, freq, conv, eom=eom, holidays=holidays)
        assert again.value.field == "business_day"
        return
    due = DueDateColumns(starts, T, freq, conv, eom=eom, holidays=holidays)
    aa = period_numerators(starts, grid, "ACT/ACT")
    prev = due.act_act(starts.view(np.int64))
    for t in range(T):
        col = due.column(t)
        assert (col == grid[:, t].view(np.int64)).all()
        assert (due.column(t, max(1, n // 2)) == col[: max(1, n // 2)]).all()
        serial = due.act_act(col)
        assert (serial - prev == aa[:, t]).all()
        prev = serial


def test_a_mixed_frame_is_one_batch_with_per_loan_scales():
    df = mixed_book(60, 11)
    parts = kernel.Batch.parts_from_frame(df, rounding="half_up", defaults=AMORTIZE_DEFAULTS)
    assert len(parts) == 1
    (pos, b) = parts[0]
    assert pos.tolist() == list(range(60))
    assert b.stream is not None and np.ndim(b.RD) == 1 and b.dtype is np.int64
    # no (loans, periods) rate grid: period 0's rates, one column
    assert b.RN.shape == (60, 1) and b.changes.shape == (60, 1)


def _book(n, seed):
    df = mixed_book(n, seed)
    # float-noise rates beside plain ones, and plain ones that tie: the exact checks
    rng = np.random.default_rng(seed)
    df.loc[df.index[::5], "annual_rate"] = 0.05 + (0.1 + 0.2 - 0.3)
    ties = df.index[::7]
    df.loc[ties, "principal"] = (240 * rng.integers(10_000, 10**6, len(ties)) + 120) / 100
    df.loc[ties, "currency"] = "CNY"
    return df


@jit
@pytest.mark.parametrize("rounding", ["half_up", "half_even", "down", "up"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compiled_loop_equals_numpy_loop(monkeypatch, rounding, seed):
    df = _book(150, seed)
    ((_, b),) = kernel.Batch.parts_from_frame(df, rounding=rounding, defaults=AMORTIZE_DEFAULTS)
    monkeypatch.setattr(kernel, "JIT_MIN_LOANS", 1)
    assert kernel._jit_ok(b)
    for keep in (False, True, ("interest", "principal")):
        a = kernel._run_numpy(b, keep_rows=keep)
        c = kernel._run_jit(b, keep_rows=keep)
        for f in ("payment", "nrows", "tot_interest", "tot_principal", "tot_payment", "tot_fee"):
            assert (getattr(a, f) == getattr(c, f)).all(), f
        assert (a.last_payment == c.last_payment).all()
        if keep:
            assert set(a.table) == set(c.table)
            for col in a.table:
                assert (np.asarray(a.table[col]) == np.asarray(c.table[col])).all(), col


@jit
@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_compiled_loop_equals_amortize_loan_by_loan(seed):
    df = _book(30, seed)
    old = kernel.JIT_MIN_LOANS
    kernel.JIT_MIN_LOANS = 1
    try:
        out = rp.amortize_many(df)
        rows = rp.amortize_many(df, rows=True, amounts="decimal")
    finally:
        kernel.JIT_MIN_LOANS = old
    cols = ["date", "opening_balance", "payment", "interest", "principal", "closing_balance", "fee"]
    for i, row in enumerate(df.to_dict("records")):
        s = _one(row)
        assert (out["payment"][i], out["total_interest"][i], out["periods"][i]) == (
            s.payment,
            s.total_interest,
            s.periods,
        )
        got = rows[rows["loan"] == i].reset_index(drop=True)
        pd.testing.assert_frame_equal(got[cols], s.table[cols], check_dtype=False)


@pytest.mark.parametrize("force_jit", [False, True])
def test_near_tie_of_a_float_noise_rate_is_decided_exactly(monkeypatch, force_jit):
    # 2,400,001.20 at 5 %/12 is exactly 1,000,000.5 fen of interest: a tie; with the rate
    # 0.05 + 5.55e-17 (read exactly as 0.05000000000000006) the interest is just above it
    if force_jit and not kernel_jit.available():
        pytest.skip("numba not installed")
    noisy = 0.05 + (0.1 + 0.2 - 0.3)
    df = pd.DataFrame(
        {
            "principal": [2_400_001.20, 2_400_001.20, 1_000.0],
            "annual_rate": [noisy, 0.05, 0.0435],
            "periods": [12, 12, 12],
            "day_count": ["30/360", "30/360", "ACT/360"],
            "start": pd.to_datetime(["2025-01-15"] * 3),
        }
    )
    if force_jit:
        monkeypatch.setattr(kernel, "JIT_MIN_LOANS", 1)
    for mode in ("half_even", "down", "half_up"):
        rows = rp.amortize_many(df, rows=True, amounts="minor", rounding=mode)
        first = rows.groupby("loan")["interest"].first()
        for i, rate in ((0, Fraction(repr(noisy))), (1, Fraction(5, 100))):
            exact = Fraction(240_000_120) * rate / 12
            want = {
                "half_even": round(exact),
                "down": int(exact),
                "half_up": int(exact + Fraction(1, 2)),
            }[mode]
            assert first[i] == want, (mode, i)
        if mode == "half_even":  # the tie goes to the even fen, the noisy rate just above it
            assert first[0] == first[1] + 1


@settings(max_examples=300, deadline=None)
@given(
    c=st.sampled_from([1, 2, 3, 4, 12, 52, 365]),
    f=st.sampled_from([1, 2, 4, 12, 26, 52]),
    e=st.integers(18, 22),
    u=st.floats(0, 1),
)
def test_compounded_rate_equals_the_decimal_power(c, f, e, u):
    # oracle: the Decimal power at 60 digits that the common-scale batch (and amortize) uses
    from decimal import Decimal, localcontext

    r0 = int(u * 10**e)
    with localcontext() as ctx:
        ctx.prec = 60
        r = Decimal(r0) / Decimal(10) ** e
        want = int((((1 + r / c) ** (Decimal(c) / f) - 1) * Decimal(10) ** e).to_integral_value())
    assert kernel._compounded_rate(r0, c, f, e) == want


@pytest.mark.parametrize("keep", [False, True])
def test_a_level_payment_tie_is_settled_exactly_and_run_again(monkeypatch, keep):
    # 1,000.00 at 1.05 % over one month: the payment is 100,087.5 fen, an exact tie the
    # compiled loop cannot settle in floating point; it stops the loan, the caller decides
    # the payment in exact rational arithmetic (kernel_jit.level_exact) and runs that loan
    # again with it, without the numpy loop.  A float-noise loan beside it makes the batch
    # per-loan, and the loans' rows must come back in place
    if not kernel_jit.available():
        pytest.skip("numba not installed")
    df = pd.DataFrame(
        {
            "principal": [1000.0, 5000.0, 1000.0],
            "annual_rate": [0.0105, 0.1 + 0.2, 0.0105],
            "periods": [1, 6, 3],
        }
    )
    ((_, b),) = kernel.Batch.parts_from_frame(df, rounding="half_even", defaults=AMORTIZE_DEFAULTS)
    monkeypatch.setattr(kernel, "JIT_MIN_LOANS", 1)
    calls = []
    real = kernel._run_numpy

    def spy(batch, *, keep_rows):
        calls.append(batch.n)
        return real(batch, keep_rows=keep_rows)

    monkeypatch.setattr(kernel, "_run_numpy", spy)
    exact = []
    real_exact = kernel_jit.level_exact

    def spy_exact(*a):
        exact.append(a)
        return real_exact(*a)

    monkeypatch.setattr(kernel_jit, "level_exact", spy_exact)
    c = kernel._run_jit(b, keep_rows=keep)
    assert calls == []  # nothing went back to the numpy loop
    assert [a[:4] for a in exact] == [(100_000, 105, 120_000, 1)]  # the tied payment alone
    a = real(b, keep_rows=keep)
    for f in ("payment", "nrows", "tot_interest", "tot_payment", "last_payment"):
        assert (getattr(a, f) == getattr(c, f)).all(), f
    if keep:
        for col in a.table:
            assert (np.asarray(a.table[col]) == np.asarray(c.table[col])).all(), col
    # oracle: the exact tie 100,087.5 rounds half-even to 100,088
    assert int(c.payment[0]) == 100_088 == round(Fraction(100_000) * (1 + Fraction(105, 120_000)))


@pytest.mark.parametrize("T", [1, 2])
def test_compiled_loop_keeps_only_the_asked_columns(monkeypatch, T):
    # one-period (and two-period) books: the kept columns come back, each as the numpy loop's
    if not kernel_jit.available():
        pytest.skip("numba not installed")
    df = pd.DataFrame(
        {
            "principal": [1000.0, 2500.0, 777.77],
            "annual_rate": [0.06, 0.1 + 0.2, 0.0435],
            "periods": [T, T, T],
            "day_count": ["30/360", "30/360", "ACT/365F"],
            "start": pd.to_datetime(["2025-03-31"] * 3),
        }
    )
    ((_, b),) = kernel.Batch.parts_from_frame(df, rounding="half_up", defaults=AMORTIZE_DEFAULTS)
    monkeypatch.setattr(kernel, "JIT_MIN_LOANS", 1)
    for keep in (("interest",), ("payment", "closing_balance"), True):
        a = kernel._run_numpy(b, keep_rows=keep)
        c = kernel._run_jit(b, keep_rows=keep)
        assert set(a.table) == set(c.table)
        for col in a.table:
            assert (np.asarray(a.table[col]) == np.asarray(c.table[col])).all(), (keep, col)


def test_actual_basis_on_a_constant_periodic_rate_is_the_nominal_payment():
    # payment_basis="actual" solves the level payment on each period's own rate; for a
    # nominal periodic rate without changes every period's rate is the same, so the payment
    # is the nominal one (closed form), balloon or not.  Beside an actual-day loan (a mixed
    # batch) this used to read past the one-column rate row (IndexError) or past the term.
    df = pd.DataFrame(
        {
            "principal": [120_000.0, 120_000.0, 50_000.0],
            "annual_rate": [0.06, 0.06, 0.05],
            "periods": [24, 24, 36],
            "amortization_periods": [200, np.nan, np.nan],
            "day_count": ["30/360", "30/360", "ACT/360"],
            "start": pd.to_datetime(["2025-01-15"] * 3),
            "payment_basis": ["actual", "actual", "actual"],
        }
    )
    out = rp.amortize_many(df)
    balloon = rp.amortize(120_000, 0.06, 24, amortization_periods=200)
    level = rp.amortize(120_000, 0.06, 24)
    assert out["payment"][0] == balloon.payment
    assert out["payment"][1] == level.payment
    # the closed form B r / (1 - (1 + r)^-m), rounded half-up to the cent
    from decimal import ROUND_HALF_UP, Decimal

    r = Fraction(6, 1200)
    for m, want in ((200, balloon.payment), (24, level.payment)):
        exact = Fraction(120_000) * r / (1 - (1 + r) ** -m)
        cents = Decimal(exact.numerator * 100) / Decimal(exact.denominator)
        assert want == cents.quantize(Decimal(1), ROUND_HALF_UP) / 100


def test_a_due_date_rolled_back_before_the_start_is_refused_on_every_path(monkeypatch):
    # a weekly loan from 1 October 2025 with 'preceding' over China's National Day week
    # (1-8 October): due date 1, 8 October, would roll back to 30 September, before the
    # start; every path refuses it by the convention's name instead of printing that date
    from datetime import date

    kw = dict(start=date(2025, 10, 1), frequency=52, business_day="preceding", holidays="CN")
    msg = "due date 1 of loan .* rolls to 2025-09-30, not after 2025-10-01"
    for dc in ("30/360", "ACT/365F"):
        with pytest.raises(InputError, match=msg) as e:
            rp.amortize(1000, 0.05, 3, day_count=dc, **kw)
        assert e.value.field == "business_day" and e.value.value == "preceding"
    with pytest.raises(InputError, match=msg):
        rp.calendar.payment_dates("2025-10-01", 3, 52, convention="preceding", holidays="CN")
    df = pd.DataFrame(
        {
            "principal": [1000.0, 2000.0, 1000.0],
            "annual_rate": [0.05, 0.1 + 0.2, 0.05],
            "periods": 3,
            "start": pd.to_datetime(["2025-09-01", "2025-10-01", "2025-09-01"]),
            "frequency": [12, 52, 12],
            "business_day": "preceding",
            "day_count": "ACT/365F",
        }
    )
    df["holidays"] = "CN"
    for jit_min in (10**9, 1):  # the numpy loop, then the compiled loop
        monkeypatch.setattr(kernel, "JIT_MIN_LOANS", jit_min)
        with pytest.raises(InputError, match="due date 1 of loan 1 rolls to 2025-09-30"):
            rp.amortize_many(df)
    # 'following' keeps the dates in order: 9 October
    s = rp.amortize(
        1000,
        0.05,
        3,
        start=date(2025, 10, 1),
        frequency=52,
        business_day="following",
        holidays="CN",
    )
    assert str(s.table["date"].iloc[0])[:10] == "2025-10-09"


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    decimals=st.sampled_from([4, 6, 17, 18]),
)
def test_compounded_rates_at_once_equal_the_exact_power_one_by_one(seed, decimals):
    # the extended-precision estimate is taken only away from a rounding boundary: every
    # figure equals the exact Decimal power of _compounded_rate
    rng = np.random.default_rng(seed)
    n = 400
    top = 10**decimals
    r0 = rng.integers(0, top // 2, n, dtype=np.int64)  # up to 50 % a year
    r0[:20] = (rng.integers(1, 3000, 20) * (top // 10_000)).astype(np.int64)  # typed rates
    c = rng.choice([1, 2, 4, 12, 52, 360, 365], n)
    f = rng.choice([1, 2, 4, 12, 26, 52], n)
    e = np.full(n, decimals)
    got = kernel._compounded_rates(r0, c, f, e)
    want = [
        kernel._compounded_rate(int(a), int(b), int(d), decimals)
        for a, b, d in zip(r0, c, f, strict=True)
    ]
    assert got.tolist() == want


def test_compounded_rates_fall_back_to_the_exact_power_when_the_estimate_is_not_trusted(
    monkeypatch,
):
    # the estimates are the exact figures, and with no estimate trusted every figure is the
    # Decimal power, the same
    calls = []
    real = kernel._compounded_rate
    monkeypatch.setattr(kernel, "_compounded_rate", lambda *a: calls.append(a) or real(*a))
    # 12 % compounded monthly, paid monthly: exactly 1 % a month (10**16 at 18 decimals);
    # 5 % compounded half-yearly, paid monthly: 0.4123915465144271 % (the docstring's figure)
    out = kernel._compounded_rates(
        np.array([12 * 10**16, 5 * 10**16]),
        np.array([12, 2]),
        np.array([12, 12]),
        np.array([18, 18]),
    )
    assert out.tolist() == [10**16, 4123915465144271]
    monkeypatch.setattr(kernel, "_LD_ULPS", 10**30)  # no estimate trusted: all exact
    calls.clear()
    again = kernel._compounded_rates(
        np.array([12 * 10**16, 5 * 10**16]),
        np.array([12, 2]),
        np.array([12, 12]),
        np.array([18, 18]),
    )
    assert again.tolist() == out.tolist() and len(calls) == 2
