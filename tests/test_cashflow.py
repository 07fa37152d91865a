"""Tests of repayplan.cashflow: the borrower's monthly cash available for debt service.

Oracles: hand-computed sums of cash-flow lines; the closed form of the projection's expected
path ``base * (1 + trend) ** (t / 12) * w[calendar month]`` evaluated independently in plain
Python; the moments of the lognormal distribution (mean ``exp(mu + s^2/2)``, variance
``(exp(s^2) - 1) exp(2 mu + s^2)``, Aitchison & Brown 1957); binomial and geometric
probabilities for shocks.  Statistical checks use a fixed seed and a tolerance of several
standard errors, each derived in the test.
"""

from __future__ import annotations

import dataclasses
import doctest
import io
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repayplan import cashflow as cashflow_module
from repayplan.cashflow import DEFAULT_PROJECTION_START, CashFlow, Shock
from repayplan.errors import InputError

SEASONS = [0.8, 0.7, 1.0, 1.0, 1.1, 1.1, 1.0, 1.0, 1.1, 1.1, 1.0, 1.1]  # sums to 12


def closed_form(base, months, trend=0.0, seasonality=None, start=DEFAULT_PROJECTION_START):
    """The expected path in plain Python floats, written independently of the library."""
    w = [1.0] * 12 if seasonality is None else [float(x) for x in seasonality]
    first = pd.Period(start, freq="M")
    return [base * (1 + trend) ** (t / 12) * w[(first.month - 1 + t) % 12] for t in range(months)]


def monthly(values, start="2027-01"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


# --------------------------------------------------------------------------------------------
# the calls of the issue, exactly
# --------------------------------------------------------------------------------------------


def test_issue_call_from_series_with_period_range():
    values = [45_000.0 + 100.0 * i for i in range(48)]
    cf = CashFlow.from_series(
        pd.Series(values, index=pd.period_range("2027-01", periods=48, freq="M"))
    )
    assert cf.values.shape == (1, 48)
    assert cf.values[0].tolist() == values
    assert cf.start == pd.Period("2027-01", freq="M")
    assert str(cf.end) == "2030-12"
    assert (cf.buffer, cf.minimum_cash, cf.currency) == (0.0, 0.0, "CNY")


def test_issue_call_project():
    cf = CashFlow.project(
        base=45_000, months=120, trend=-0.10, seasonality=SEASONS, volatility=0.25,
        scenarios=500, seed=7,
    )  # fmt: skip
    assert cf.values.shape == (500, 120)
    assert (cf.n_scenarios, cf.months) == (500, 120)
    assert cf.start == DEFAULT_PROJECTION_START
    assert np.all(cf.values > 0)  # multiplicative lognormal noise keeps cash positive


# --------------------------------------------------------------------------------------------
# constructors and round trips
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=60,
    ),
    year=st.integers(1990, 2090),
    month=st.integers(1, 12),
)
def test_series_round_trips_through_frame_and_csv(values, year, month):
    s = monthly(values, f"{year}-{month:02d}")
    cf = CashFlow.from_series(s)
    frame = cf.to_frame()
    assert list(frame.columns) == ["available"]
    assert frame.index.equals(s.index)
    assert frame["available"].tolist() == values
    pd.testing.assert_series_equal(cf.to_series(), s.rename("available"), check_names=False)
    assert CashFlow.from_frame(frame) == cf
    text = io.StringIO(frame.to_csv())
    assert CashFlow.read_csv(text) == cf


def test_scenario_frame_round_trip_and_csv():
    cf = CashFlow.project(45_000, 18, volatility=0.3, scenarios=5, seed=1, start="2027-03")
    frame = cf.to_frame()
    assert frame.shape == (18, 5) and frame.columns.name == "scenario"
    np.testing.assert_array_equal(frame.to_numpy().T, cf.values)
    assert CashFlow.from_frame(frame, scenarios=True) == cf
    assert CashFlow.read_csv(io.StringIO(frame.to_csv()), scenarios=True) == cf


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2027-01-01", periods=14, freq="MS"),
        pd.date_range("2027-01-31", periods=14, freq="ME"),
        pd.date_range("2027-01-01", periods=14, freq="MS", tz="Asia/Shanghai"),
        pd.Index([str(p) for p in pd.period_range("2027-01", periods=14, freq="M")]),
    ],
    ids=["month-starts", "month-ends", "month-starts-tz", "text"],
)
def test_month_index_forms_give_the_same_cashflow(index):
    values = [float(i) for i in range(14)]
    expected = CashFlow.from_series(monthly(values, "2027-01"))
    assert CashFlow.from_series(pd.Series(values, index=index)) == expected


def test_from_series_keeps_deficit_months_and_amount_arguments():
    cf = CashFlow.from_series(
        monthly([10_000.0, -2_500.0, 7_000.0]), buffer=50_000, minimum_cash="20000.00",
        currency="USD",
    )  # fmt: skip
    assert cf.values[0].tolist() == [10_000.0, -2_500.0, 7_000.0]
    assert (cf.buffer, cf.minimum_cash, cf.currency) == (50_000.0, 20_000.0, "USD")


def test_from_series_accepts_nullable_and_decimal_values():
    from decimal import Decimal

    s = monthly([1, 2, 3]).astype("Int64")
    assert CashFlow.from_series(s).values.tolist() == [[1.0, 2.0, 3.0]]
    d = monthly([Decimal("1.5"), Decimal("-2.25")])
    assert CashFlow.from_series(d).values.tolist() == [[1.5, -2.25]]


def test_from_frame_lines_by_naming_rule_hand_computed():
    df = pd.DataFrame(
        {
            "sales_revenue": [120_000.0, 110_000.0, 90_000.0],
            "Other income": [5_000.0, 0.0, 2_000.0],
            "operating_costs": [70_000.0, 68_000.0, 66_000.0],
            "wages": [20_000.0, 20_000.0, 20_000.0],
            "VAT tax": [6_000.0, 5_500.0, 4_000.0],
        },
        index=pd.period_range("2027-01", periods=3, freq="M"),
    )
    # by hand: 125000-96000, 110000-93500, 92000-90000
    assert CashFlow.from_frame(df).values.tolist() == [[29_000.0, 16_500.0, 2_000.0]]


def test_from_frame_chinese_line_names():
    df = pd.DataFrame(
        {"营业收入": [300.0, 200.0], "营业成本": [150.0, 120.0], "税费": [20.0, 10.0]},
        index=pd.period_range("2027-01", periods=2, freq="M"),
    )
    assert CashFlow.from_frame(df).values.tolist() == [[130.0, 70.0]]


def test_from_frame_explicit_lines_override_naming_rule():
    df = pd.DataFrame(
        {"a": [100.0, 80.0], "b": [30.0, 20.0], "tax_refund": [5.0, 0.0], "note": ["x", "y"]},
        index=pd.period_range("2027-01", periods=2, freq="M"),
    )
    cf = CashFlow.from_frame(df, inflows=["a", "tax_refund"], outflows=["b"])
    assert cf.values.tolist() == [[75.0, 60.0]]  # 100+5-30, 80+0-20
    assert CashFlow.from_frame(df, inflows="a").values.tolist() == [[100.0, 80.0]]


def test_read_csv_lines_and_path(tmp_path):
    path = tmp_path / "cash.csv"
    path.write_text(
        "month,receipts,cost_of_goods,capex\n2027-11,500,300,50\n2027-12,400,250,0\n"
        "2028-01,450,260,10\n",
        encoding="utf-8",
    )
    cf = CashFlow.read_csv(path, buffer=1_000)
    assert cf.values.tolist() == [[150.0, 150.0, 180.0]]
    assert str(cf.start) == "2027-11" and cf.buffer == 1_000.0


def test_read_csv_with_excel_byte_order_mark(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("month,available\r\n2027-01,1.5\r\n2027-02,2.5\r\n".encode("utf-8-sig"))
    assert CashFlow.read_csv(path).values.tolist() == [[1.5, 2.5]]


def test_read_csv_never_evaluates_cell_text(tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text("month,available\n2027-01,\"__import__('os').getcwd()\"\n")
    with pytest.raises(InputError) as e:
        CashFlow.read_csv(path)
    assert e.value.field == f"{path}['available'] at 2027-01"


# --------------------------------------------------------------------------------------------
# the value object
# --------------------------------------------------------------------------------------------


def test_cashflow_is_immutable_and_replace_validates():
    cf = CashFlow([1.0, 2.0], start="2027-01")
    with pytest.raises(ValueError):
        cf.values[0, 0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        cf.buffer = 3.0
    raw = np.array([1.0, 2.0])
    cf2 = CashFlow(raw, start="2027-01")
    raw[0] = 99.0  # the caller's array is copied, not shared
    assert cf2.values[0, 0] == 1.0
    assert cf.replace(buffer=7).buffer == 7.0 and cf.buffer == 0.0
    with pytest.raises(InputError) as e:
        cf.replace(minimum_cash=-1)
    assert e.value.field == "minimum_cash"


def test_cashflow_pickles_to_an_equal_read_only_value():
    import pickle

    cf = CashFlow.project(1_000, 6, volatility=0.2, scenarios=3, seed=1, buffer=5, minimum_cash=2)
    back = pickle.loads(pickle.dumps(cf))
    assert back == cf and not back.values.flags.writeable


def test_summaries_against_hand_computed_figures():
    cf = CashFlow([[1.0, 10.0], [3.0, 30.0], [2.0, 50.0]], start="2027-12")
    assert cf.index.tolist() == [pd.Period("2027-12", "M"), pd.Period("2028-01", "M")]
    assert cf.mean().tolist() == [2.0, 30.0]
    assert cf.quantile(0.5).tolist() == [2.0, 30.0]
    q = cf.quantile([0.0, 1.0])
    assert q[0.0].tolist() == [1.0, 10.0] and q[1.0].tolist() == [3.0, 50.0]
    band = cf.band(0.0, 1.0)
    assert list(band.columns) == ["lower", "median", "mean", "upper"]
    assert band.loc["2028-01"].tolist() == [10.0, 30.0, 30.0, 50.0]
    # default band: linear interpolation, 5% of the way from 1 to 2 (sorted 1, 2, 3) is 1.1
    assert math.isclose(cf.band()["lower"].iloc[0], 1.1, rel_tol=1e-12)


def test_repr_and_html_show_the_summary():
    cf = CashFlow([1_000.0, 3_000.0], start="2027-01", buffer=12_345.675, currency="CNY")
    r = repr(cf)
    assert "1 scenario × 2 months" in r and "2027-01..2027-02" in r
    assert "mean 2,000.00" in r
    assert "buffer 12,345.68" in r  # half-up at the cent
    h = cf._repr_html_()
    assert h.startswith("<table>") and "2,000.00" in h and "12,345.68" in h
    assert "2 (2027-01 to 2027-02)" in h


def test_window_selects_the_plan_months():
    cf = CashFlow.project(1_000, 24, volatility=0.2, scenarios=3, seed=2, start="2027-01")
    w = cf.window("2027-04", 6)
    assert str(w.start) == "2027-04" and w.months == 6
    np.testing.assert_array_equal(w.values, cf.values[:, 3:9])
    assert cf.window(3, 6) == w
    assert cf.window(pd.Timestamp("2027-04-15"), 6) == w
    assert cf.window("2027-01", 24) == cf


@pytest.mark.parametrize(
    ("start", "months", "needed"),
    [("2027-06", 24, "5 months needed beyond 2028-12"), ("2026-11", 4, "2 months needed before")],
)
def test_window_too_short_names_cashflow_and_lengths(start, months, needed):
    cf = CashFlow(np.ones(24), start="2027-01")
    with pytest.raises(InputError) as e:
        cf.window(start, months)
    assert e.value.field == "cashflow"
    msg = str(e.value)
    assert "24 months 2027-01..2028-12" in msg  # given
    assert f"plan's {months} months" in msg and needed in msg  # needed


# --------------------------------------------------------------------------------------------
# the projection: closed form, moments, seasonality
# --------------------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    base=st.floats(1.0, 1e9),
    trend=st.floats(-0.9, 2.0),
    months=st.integers(1, 60),
    start_month=st.integers(1, 12),
    raw=st.lists(st.integers(0, 20), min_size=12, max_size=12).filter(lambda w: sum(w) > 0),
)
def test_projection_without_noise_is_exactly_the_closed_form(base, trend, months, start_month, raw):
    seasonality = [12 * x / sum(raw) for x in raw]  # sums to 12 within a few ulp
    start = f"2027-{start_month:02d}"
    cf = CashFlow.project(
        base, months, trend=trend, seasonality=seasonality, start=start, seed=3, scenarios=2
    )
    expected = closed_form(base, months, trend, seasonality, start)
    assert cf.values[0].tolist() == expected
    assert cf.values[1].tolist() == expected


def test_seasonality_follows_the_calendar_month():
    cf = CashFlow.project(1_200, 24, seasonality=SEASONS, start="2027-04")
    # April is weight 1.0, May 1.1, ..., the January after is 0.8
    assert cf.values[0, :12].tolist() == [1_200 * w for w in SEASONS[3:] + SEASONS[:3]]
    assert cf.values[0, 12:].tolist() == cf.values[0, :12].tolist()


def test_seasonality_shape_survives_noise_on_average():
    n = 20_000
    cf = CashFlow.project(1_000, 12, seasonality=SEASONS, volatility=0.2, scenarios=n, seed=11)
    # mean of month t estimates 1000*w[t] with standard error 0.2*1000*w[t]/sqrt(n)
    se = 0.2 * 1_000 * np.array(SEASONS) / math.sqrt(n)
    assert np.all(np.abs(cf.mean().to_numpy() - 1_000 * np.array(SEASONS)) < 5 * se)


@pytest.mark.parametrize("persistence", [0.0, 0.6, -0.4])
def test_mean_over_scenarios_converges_to_the_closed_form(persistence):
    n, months, vol = 20_000, 24, 0.25
    cf = CashFlow.project(
        45_000, months, trend=-0.15, seasonality=SEASONS, volatility=vol, scenarios=n, seed=7,
        persistence=persistence, start="2027-01",
    )  # fmt: skip
    m = np.array(closed_form(45_000, months, -0.15, SEASONS, "2027-01"))
    # Scenarios are independent, so each month's sample mean has standard error vol*m/sqrt(n)
    # (about 0.18% of m here) whatever the persistence.  4.5 standard errors: a two-sided
    # normal tail of 7e-6 per month (lognormal skew 0.77 is negligible at n = 20,000).
    se = vol * m / math.sqrt(n)
    assert np.all(np.abs(cf.mean().to_numpy() - m) < 4.5 * se)


def test_noise_has_the_stated_standard_deviation_and_persistence():
    n, months, vol, phi = 20_000, 24, 0.25, 0.6
    m = np.array(closed_form(10_000, months))
    iid = CashFlow.project(10_000, months, volatility=vol, scenarios=n, seed=5).values / m
    # Pooled sd of 480,000 iid lognormal factors: the se of a sample sd is about
    # sd*sqrt((kurtosis - 1)/(4n)); lognormal kurtosis at vol 0.25 is about 4.06 -> se 3.2e-4.
    assert abs(iid.std() - vol) < 5 * 3.2e-4
    assert abs(iid.mean() - 1.0) < 5 * vol / math.sqrt(iid.size)
    logs = np.log(
        CashFlow.project(10_000, months, volatility=vol, scenarios=n, seed=5, persistence=phi)
        .values / m
    )  # fmt: skip
    sigma = math.sqrt(math.log1p(vol**2))
    # stationary: every month's log-factor has sd sigma (se sigma/sqrt(2n) = 0.0012)
    assert np.all(np.abs(logs.std(axis=0) - sigma) < 5 * sigma / math.sqrt(2 * n))
    # lag-1 correlation phi; se of a sample correlation about (1 - phi^2)/sqrt(pairs)
    x, y = logs[:, :-1].ravel(), logs[:, 1:].ravel()
    r = np.corrcoef(x, y)[0, 1]
    assert abs(r - phi) < 5 * (1 - phi**2) / math.sqrt(x.size)


# --------------------------------------------------------------------------------------------
# shocks
# --------------------------------------------------------------------------------------------


def hits(cf: CashFlow, impact: float, base: float = 1_000.0) -> np.ndarray:
    """Months under a shock, read off a noiseless flat projection: cash is base*(1-impact)."""
    v = cf.values
    assert np.all((v == base) | (v == base * (1 - impact)))
    return v == base * (1 - impact)


def test_shock_over_horizon_happens_at_the_stated_frequency():
    n, months, p, a, b, d = 20_000, 36, 0.3, 0, 23, 6
    shock = Shock(p, 0.5, start=a, end=b, duration=d)
    hit = hits(CashFlow.project(1_000, months, scenarios=n, shocks=[shock], seed=9), 0.5)
    happened = hit.any(axis=1)
    # binomial: se = sqrt(p(1-p)/n) = 0.0032
    assert abs(happened.mean() - p) < 5 * math.sqrt(p * (1 - p) / n)
    # every event lasts exactly d consecutive months (onsets <= 23, so none is truncated)
    onset = hit.argmax(axis=1)[happened]
    assert np.all(hit[happened].sum(axis=1) == d)
    rows = np.flatnonzero(happened)
    assert np.all(hit[rows[:, None], onset[:, None] + np.arange(d)])
    # onset uniform on 0..23: mean 11.5, sd sqrt((24^2 - 1)/12) = 6.92
    assert abs(onset.mean() - 11.5) < 5 * 6.92 / math.sqrt(onset.size)
    # P(hit in month t) = p * #{u in a..b : u <= t < u + d} / (b - a + 1)
    for t in (0, 3, 10, 23, 28, 35):
        count = sum(1 for u in range(a, b + 1) if u <= t < u + d)
        expected = p * count / (b - a + 1)
        assert abs(hit[:, t].mean() - expected) < 5 * math.sqrt(0.25 / n) + 1e-12


def test_permanent_shock_per_month_hazard():
    n, months, h = 20_000, 36, 0.04
    shock = Shock(h, 0.25, per="month", label="loss of main customer")
    hit = hits(CashFlow.project(1_000, months, scenarios=n, shocks=[shock], seed=4), 0.25)
    happened = hit.any(axis=1)
    expected = 1 - (1 - h) ** months  # geometric: P(first success within 36 trials) = 0.770
    assert abs(happened.mean() - expected) < 5 * math.sqrt(expected * (1 - expected) / n)
    # permanent: once hit, every later month is hit
    assert np.all(np.diff(hit.astype(int), axis=1) >= 0)
    # first month: P(onset = 0) = h
    assert abs(hit[:, 0].mean() - h) < 5 * math.sqrt(h * (1 - h) / n)


def test_shock_start_as_calendar_month():
    shock = Shock(1.0, 0.5, start="2027-07", end="2027-09", duration=2)
    hit = hits(CashFlow.project(1_000, 12, scenarios=500, shocks=[shock], seed=0,
                                start="2027-01"), 0.5)  # fmt: skip
    onset = hit.argmax(axis=1)
    assert hit.any(axis=1).all()  # probability 1
    assert set(onset.tolist()) == {6, 7, 8}
    assert np.all(hit.sum(axis=1) == 2)


def test_probability_zero_or_one():
    never = CashFlow.project(1_000, 12, scenarios=200, shocks=[Shock(0, 0.5)], seed=1)
    assert np.all(never.values == 1_000.0)
    never_m = CashFlow.project(1_000, 12, scenarios=200, shocks=[Shock(0, 0.5, per="month")])
    assert np.all(never_m.values == 1_000.0)
    always = CashFlow.project(1_000, 12, scenarios=200, shocks=[Shock(1, 0.5, start=0, end=0)])
    assert np.all(always.values == 500.0)


def test_shocks_compound_and_leave_the_noise_unchanged():
    kw = dict(months=24, volatility=0.3, scenarios=400, seed=21, persistence=0.3)
    plain = CashFlow.project(1_000, **kw)
    shocks = [Shock(0.5, 0.2, duration=3), Shock(0.5, 0.5)]
    hit = CashFlow.project(1_000, shocks=shocks, **kw)
    ratio = hit.values / plain.values
    allowed = np.array([1.0, 0.8, 0.5, 0.4])
    assert np.all(np.min(np.abs(ratio[..., None] - allowed), axis=-1) < 1e-12)
    assert np.any(np.isclose(ratio, 0.4))  # both at once does happen
    # the first shock's realisation does not depend on the second being listed
    first_hit = np.isclose(ratio, 0.8) | np.isclose(ratio, 0.4)
    first_only = CashFlow.project(1_000, shocks=shocks[:1], **kw).values / plain.values
    np.testing.assert_allclose(first_only, np.where(first_hit, 0.8, 1.0), rtol=1e-12)


# --------------------------------------------------------------------------------------------
# seeds
# --------------------------------------------------------------------------------------------


def test_seeds_are_reproducible():
    kw = dict(
        base=45_000, months=60, trend=-0.1, seasonality=SEASONS, volatility=0.25, scenarios=50,
        shocks=[Shock(0.3, 0.4)], persistence=0.5,
    )  # fmt: skip
    a = CashFlow.project(**kw, seed=7)
    assert a == CashFlow.project(**kw, seed=7)
    assert a == CashFlow.project(**kw, seed=np.random.default_rng(7))
    assert a == CashFlow.project(**kw, seed=np.random.SeedSequence(7))
    assert a != CashFlow.project(**kw, seed=8)
    g = np.random.default_rng(7)
    assert CashFlow.project(**kw, seed=g) != CashFlow.project(**kw, seed=g)  # advanced


# --------------------------------------------------------------------------------------------
# invariants
# --------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    base=st.floats(1.0, 1e7),
    k=st.floats(1e-3, 1e3),
    vol=st.floats(0.0, 1.0),
    phi=st.floats(-0.9, 0.9),
    seed=st.integers(0, 2**32),
)
def test_scaling_base_scales_every_value(base, k, vol, phi, seed):
    kw = dict(months=30, trend=-0.1, seasonality=SEASONS, volatility=vol, persistence=phi,
              scenarios=8, seed=seed, shocks=[Shock(0.5, 0.3, duration=4)])  # fmt: skip
    one = CashFlow.project(base, **kw).values
    scaled = CashFlow.project(base * k, **kw).values
    np.testing.assert_allclose(scaled, k * one, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    vol=st.floats(0.0, 1.5),
    p=st.floats(0.0, 1.0),
    impact=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32),
)
def test_shocks_never_raise_cash_and_quantiles_are_ordered(vol, p, impact, seed):
    kw = dict(months=24, volatility=vol, scenarios=16, seed=seed)
    plain = CashFlow.project(1_000, **kw)
    shocked = CashFlow.project(1_000, shocks=[Shock(p, impact)], **kw)
    assert np.all(shocked.values <= plain.values)
    assert np.all(shocked.values >= (1 - impact) * plain.values * (1 - 1e-12))
    band = shocked.band()
    assert np.all(band["lower"] <= band["median"]) and np.all(band["median"] <= band["upper"])


@settings(max_examples=40, deadline=None)
@given(data=st.data(), total=st.integers(1, 48))
def test_window_of_window_is_the_slice(data, total):
    cf = CashFlow(np.arange(2.0 * total).reshape(2, total), start="2030-05")
    a = data.draw(st.integers(0, total - 1))
    n = data.draw(st.integers(1, total - a))
    w = cf.window(a, n)
    np.testing.assert_array_equal(w.values, cf.values[:, a : a + n])
    assert w.start == cf.start + a and w.end == cf.start + (a + n - 1)
    b = data.draw(st.integers(0, n - 1))
    assert w.window(b, n - b) == cf.window(a + b, n - b)


# --------------------------------------------------------------------------------------------
# bad input: InputError naming the field
# --------------------------------------------------------------------------------------------

P = pd.period_range("2027-01", periods=3, freq="M")


def _csv(text):
    return lambda: CashFlow.read_csv(io.StringIO(text))


BAD = {
    # wrong length
    "empty series": (lambda: CashFlow.from_series(pd.Series([], dtype=float, index=P[:0])), "series"),
    "csv without rows": (_csv("month,available\n"), "<csv>"),
    "months 0": (lambda: CashFlow.project(1_000, 0), "months"),
    "empty values": (lambda: CashFlow([], start="2027-01"), "values"),
    "3-d values": (lambda: CashFlow(np.ones((2, 2, 2)), start="2027-01"), "values"),
    # wrong frequency
    "quarterly": (
        lambda: CashFlow.from_series(pd.Series([1.0, 2.0], index=pd.period_range("2027Q1", periods=2, freq="Q"))),
        "series.index",
    ),
    "daily dates": (
        lambda: CashFlow.from_series(pd.Series([1.0, 2.0], index=pd.date_range("2027-01-01", periods=2))),
        "series.index",
    ),
    "mid-month dates": (
        lambda: CashFlow.from_series(pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2027-01-15", "2027-02-15"]))),
        "series.index",
    ),
    "numbered index": (lambda: CashFlow.from_series(pd.Series([1.0, 2.0])), "series.index"),
    "gap": (
        lambda: CashFlow.from_series(pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2027-01", "2027-03"], freq="M"))),
        "series.index",
    ),
    "duplicate": (
        lambda: CashFlow.from_series(pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2027-01", "2027-01"], freq="M"))),
        "series.index",
    ),
    "unsorted": (
        lambda: CashFlow.from_series(pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2027-02", "2027-01"], freq="M"))),
        "series.index",
    ),
    "frame months as column": (
        lambda: CashFlow.from_frame(pd.DataFrame({"month": ["2027-01"], "available": [1.0]})),
        "df.index",
    ),
    "csv month with day": (_csv("month,available\n2027-01-01,5\n"), "<csv>: column 'month', line 2"),
    "csv month 13": (_csv("month,available\n2027-13,5\n"), "<csv>: column 'month', line 2"),
    "csv gap": (_csv("month,available\n2027-01,5\n2027-03,5\n"), "<csv>.index"),
    "daily period start": (lambda: CashFlow([1.0], start=pd.Period("2027-01-05", "D")), "start"),
    # NaN and other bad cells
    "NaN in series": (lambda: CashFlow.from_series(pd.Series([1.0, np.nan, 3.0], index=P)), "series at 2027-02"),
    "inf in series": (lambda: CashFlow.from_series(pd.Series([1.0, 2.0, np.inf], index=P)), "series at 2027-03"),
    "pd.NA in series": (
        lambda: CashFlow.from_series(pd.Series([1, None, 3], index=P, dtype="Int64")),
        "series at 2027-02",
    ),
    "text in series": (lambda: CashFlow.from_series(pd.Series(["1", "2", "3"], index=P)), "series at 2027-01"),
    "bool series": (lambda: CashFlow.from_series(pd.Series([True] * 3, index=P)), "series"),
    "NaN in frame line": (
        lambda: CashFlow.from_frame(pd.DataFrame({"revenue": [1.0, np.nan, 1.0], "cost": [0.0] * 3}, index=P)),
        "df['revenue'] at 2027-02",
    ),
    "NaN in scenario": (
        lambda: CashFlow.from_frame(pd.DataFrame({0: [1.0] * 3, 1: [1.0, 1.0, np.nan]}, index=P), scenarios=True),
        "df[1] at 2027-03",
    ),
    "empty csv cell": (_csv("month,available\n2027-01,5\n2027-02,\n"), "<csv>['available'] at 2027-02"),
    "csv thousands": (_csv('month,available\n2027-01,"1,200"\n'), "<csv>['available'] at 2027-01"),
    "NaN in values": (lambda: CashFlow([[1.0, 2.0], [np.nan, 1.0]], start="2027-01"), "values[1, 0]"),
    # seasonality
    "seasonality sum 13.2": (lambda: CashFlow.project(1_000, 12, seasonality=[1.1] * 12), "seasonality"),
    "seasonality 11 weights": (lambda: CashFlow.project(1_000, 12, seasonality=[12 / 11] * 11), "seasonality"),
    "seasonality negative": (
        lambda: CashFlow.project(1_000, 12, seasonality=[-1.0, 3.0] + [1.0] * 10),
        "seasonality",
    ),
    "seasonality NaN": (lambda: CashFlow.project(1_000, 12, seasonality=[np.nan] + [1.0] * 11), "seasonality"),
    "seasonality percent": (lambda: CashFlow.project(1_000, 12, seasonality=[100 / 12] * 12), "seasonality"),
    # frames and files
    "ambiguous column": (
        lambda: CashFlow.from_frame(pd.DataFrame({"revenue": [1.0] * 3, "tax_refund": [1.0] * 3}, index=P)),
        "df['tax_refund']",
    ),
    "unknown column": (
        lambda: CashFlow.from_frame(pd.DataFrame({"revenue": [1.0] * 3, "misc": [1.0] * 3}, index=P)),
        "df['misc']",
    ),
    "available plus lines": (
        lambda: CashFlow.from_frame(pd.DataFrame({"available": [1.0] * 3, "cost": [1.0] * 3}, index=P)),
        "df.columns",
    ),
    "only outflows": (
        lambda: CashFlow.from_frame(pd.DataFrame({"cost": [1.0] * 3, "tax": [1.0] * 3}, index=P)),
        "df.columns",
    ),
    "missing inflow column": (
        lambda: CashFlow.from_frame(pd.DataFrame({"a": [1.0] * 3}, index=P), inflows=["b"]),
        "inflows",
    ),
    "column in and out": (
        lambda: CashFlow.from_frame(pd.DataFrame({"a": [1.0] * 3}, index=P), inflows=["a"], outflows=["a"]),
        "outflows",
    ),
    "no inflows": (
        lambda: CashFlow.from_frame(pd.DataFrame({"a": [1.0] * 3}, index=P), outflows=["a"]),
        "inflows",
    ),
    "scenarios with lines": (
        lambda: CashFlow.from_frame(pd.DataFrame({"a": [1.0] * 3}, index=P), inflows=["a"], scenarios=True),
        "scenarios",
    ),
    "not a frame": (lambda: CashFlow.from_frame([1.0, 2.0]), "df"),
    "not a series": (lambda: CashFlow.from_series([1.0, 2.0]), "series"),
    "missing file": (lambda: CashFlow.read_csv("/nonexistent/cash.csv"), "path"),
    "empty file": (_csv(""), "path"),
    "no month column": (_csv("date,available\n2027-01,5\n"), "<csv>: column 'month'"),
    # projection parameters
    "base 0": (lambda: CashFlow.project(0, 12), "base"),
    "base NaN": (lambda: CashFlow.project(float("nan"), 12), "base"),
    "trend -1": (lambda: CashFlow.project(1_000, 12, trend=-1), "trend"),
    "trend percent": (lambda: CashFlow.project(1_000, 12, trend=-15), "trend"),
    "volatility percent": (lambda: CashFlow.project(1_000, 12, volatility=25), "volatility"),
    "volatility negative": (lambda: CashFlow.project(1_000, 12, volatility=-0.1), "volatility"),
    "persistence 1": (lambda: CashFlow.project(1_000, 12, persistence=1.0), "persistence"),
    "scenarios 0": (lambda: CashFlow.project(1_000, 12, scenarios=0), "scenarios"),
    "scenarios 2.5": (lambda: CashFlow.project(1_000, 12, scenarios=2.5), "scenarios"),
    "too many cells": (lambda: CashFlow.project(1_000, 1200, scenarios=10**6), "scenarios"),
    "seed float": (lambda: CashFlow.project(1_000, 12, seed=1.5), "seed"),
    "seed negative": (lambda: CashFlow.project(1_000, 12, seed=-1), "seed"),
    "start bad text": (lambda: CashFlow.project(1_000, 12, start="Jan 2027"), "start"),
    "shocks not Shock": (lambda: CashFlow.project(1_000, 12, shocks=[(0.3, 0.5)]), "shocks[0]"),
    "shock beyond horizon": (lambda: CashFlow.project(1_000, 12, shocks=[Shock(0.3, 0.5, start=12)]), "shocks[0].start"),
    "shock before start": (
        lambda: CashFlow.project(1_000, 12, start="2027-01", shocks=[Shock(0.3, 0.5, start="2026-12")]),
        "shocks[0].start",
    ),
    "shock end beyond": (lambda: CashFlow.project(1_000, 12, shocks=[Shock(0.3, 0.5, end=12)]), "shocks[0].end"),
    "shock probability": (lambda: Shock(1.5, 0.3), "probability"),
    "shock impact": (lambda: Shock(0.5, -0.3), "impact"),
    "shock duration": (lambda: Shock(0.5, 0.3, duration=0), "duration"),
    "shock per": (lambda: Shock(0.5, 0.3, per="year"), "per"),
    "shock end before start": (lambda: Shock(0.5, 0.3, start=5, end=2), "end"),
    # value object
    "negative buffer": (lambda: CashFlow([1.0], start="2027-01", buffer=-1), "buffer"),
    "currency lower": (lambda: CashFlow([1.0], start="2027-01", currency="cny"), "currency"),
    "series as values": (lambda: CashFlow(pd.Series([1.0]), start="2027-01"), "values"),
    "quantile 1.5": (lambda: CashFlow([1.0], start="2027-01").quantile(1.5), "q"),
    "band reversed": (lambda: CashFlow([1.0], start="2027-01").band(0.9, 0.1), "lo"),
    "to_series of scenarios": (lambda: CashFlow(np.ones((2, 3)), start="2027-01").to_series(), "cashflow"),
    "window months 0": (lambda: CashFlow([1.0], start="2027-01").window("2027-01", 0), "months"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_raises_input_error_naming_the_field(case):
    call, field = BAD[case]
    with pytest.raises(InputError) as e:
        call()
    assert e.value.field == field
    assert e.value.allowed  # says what is allowed
    assert str(e.value).startswith(f"{field} == ")


def test_error_messages_say_what_is_wrong():
    with pytest.raises(InputError, match=r"month 2027-02 is missing"):
        CashFlow.from_series(
            pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2027-01", "2027-03"], freq="M"))
        )
    with pytest.raises(InputError, match=r"appears twice"):
        CashFlow.from_series(pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2027-01"] * 2, freq="M")))
    with pytest.raises(InputError, match=r"they sum to 13.2"):
        CashFlow.project(1_000, 12, seasonality=[1.1] * 12)
    with pytest.raises(InputError, match=r"-15% is -0.15"):
        CashFlow.project(1_000, 12, trend=-15)
    with pytest.raises(InputError, match=r"df.set_index\('month'\)"):
        CashFlow.from_frame(pd.DataFrame({"month": ["2027-01"], "available": [1.0]}))
    with pytest.raises(InputError, match=r"FileNotFoundError"):
        CashFlow.read_csv("/nonexistent/cash.csv")
    with pytest.raises(InputError) as e:
        CashFlow.from_series(pd.Series([1.0, np.nan, 3.0], index=P))
    assert math.isnan(e.value.value) and "finite" in e.value.allowed


def test_csv_errors_name_the_file_and_column(tmp_path):
    path = tmp_path / "borrower.csv"
    path.write_text("date,available\n2027-01,5\n")
    with pytest.raises(InputError) as e:
        CashFlow.read_csv(path)
    assert e.value.field == f"{path}: column 'month'" and e.value.value == ["date", "available"]
    path.write_text("month,revenue,cost\n2027-01,5,\n")
    with pytest.raises(InputError) as e:
        CashFlow.read_csv(path)
    assert e.value.field == f"{path}['cost'] at 2027-01"


def test_docstring_examples_run():
    result = doctest.testmod(cashflow_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0


# --------------------------------------------------------------------------------------------
# provenance and the analyst's overrides
# --------------------------------------------------------------------------------------------


def test_provenance_is_validated_and_kept_through_variants_and_pickling():
    import pickle

    from repayplan.cashflow import Provenance

    p = Provenance(
        "history",
        "x",
        history_start="2026-01",
        history=[1, 2.5],
        backtest={"mape": 0.1, "coverage_90": 0.9},
        notes=["n"],
    )
    assert p.history == (1.0, 2.5) and p.backtest == (("coverage_90", 0.9), ("mape", 0.1))
    cf = CashFlow([1.0, 2.0, 3.0], start="2027-01", provenance=p)
    assert cf.window("2027-02", 2).provenance == p
    assert pickle.loads(pickle.dumps(cf)).provenance == p
    assert cf == CashFlow([1.0, 2.0, 3.0], start="2027-01")  # provenance is not part of equality
    assert "source" in cf._summary() and "history: x" in cf._repr_html_()
    for bad in (
        {"kind": "guess"},
        {"kind": "data", "notes": "one text"},
        {"kind": "data", "history": [1.0]},
        {"kind": "data", "history_start": "2026-1"},
        {"kind": "data", "history": ["a"], "history_start": "2026-01"},
        {"kind": "data", "backtest": {"mape": "x"}},
        {"kind": "data", "model": 3},
    ):
        with pytest.raises(InputError):
            Provenance(**bad)
    with pytest.raises(InputError, match="Provenance"):
        CashFlow([1.0], start="2027-01", provenance="from the bank")


def test_adjust_is_exact_arithmetic_on_the_months_named_and_errors_name_the_field():
    cf = CashFlow([[100.0, 100.0, 100.0, 100.0], [50.0, -20.0, 50.0, 50.0]], start="2027-01")
    new = cf.adjust(1, months=2, factor=0.5, amount="10.25", label="strike")
    assert new.values.tolist() == [[100.0, 60.25, 60.25, 100.0], [50.0, 0.25, 35.25, 50.0]]
    assert new.provenance.kind == "data"
    assert new.provenance.overrides == ("strike: cash x0.5 +10.25 in 2027-02..2027-03",)
    assert cf.adjust("2027-04", factor=0).values[:, 3].tolist() == [0.0, 0.0]
    for kw in (
        {"start": "2026-12"},
        {"start": 4},
        {"start": 0, "months": 5},
        {"start": 0, "factor": -1},
        {"start": 0, "amount": "abc"},
        {"start": 0, "label": 5},
    ):
        with pytest.raises(InputError):
            cf.adjust(**kw)


def test_with_shocks_random_events_use_the_seed_and_each_is_recorded():
    cf = CashFlow(np.full((2000, 24), 10.0), start="2027-01")
    a = cf.with_shocks([Shock(0.5, 0.4, end=11, label="A"), Shock(0.2, 1.0, duration=3)], seed=3)
    b = cf.with_shocks([Shock(0.5, 0.4, end=11, label="A"), Shock(0.2, 1.0, duration=3)], seed=3)
    assert np.array_equal(a.values, b.values)
    # the last month is cut if A struck (permanent, probability 0.5) or B is active then
    # (probability 0.2 x 3 of its 24 possible starts): 1 - 0.5 x (1 - 0.025) = 0.5125
    hit = (a.values[:, -1] < 10.0).mean()
    assert abs(hit - 0.5125) < 4 * math.sqrt(0.5125 * 0.4875 / 2000)
    assert len(a.provenance.overrides) == 2 and a.provenance.overrides[0].startswith("A:")
    with pytest.raises(InputError):
        cf.with_shocks(["not a shock"])
