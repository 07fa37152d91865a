"""Evaluation of both sides against independent oracles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.errors import InputError

CLAIM = rp.Claim(
    principal=1_000_000,
    interest=30_000,
    penalty=12_000,
    fees=0,
    annual_rate=0.0435,
    as_of=date(2026, 12, 1),
)
CREDITOR = rp.Creditor(
    discount_rate=0.06, enforcement=rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000)
)


def flat(level, months=120, **kw):
    idx = pd.period_range("2027-01", periods=months, freq="M")
    return rp.CashFlow.from_series(pd.Series(float(level), index=idx), **kw)


def payments(plan, claim=CLAIM):
    return plan.schedule(claim).minor["payment"].to_numpy() / 100


def test_the_calls_of_the_issue_work_exactly_like_this():
    plan = rp.Plan(method="level", term=36, annual_rate=0.05)
    assert len(plan.schedule(CLAIM).table) == 37
    values = np.linspace(50_000, 40_000, 48)
    cf = rp.CashFlow.from_series(
        pd.Series(values, index=pd.period_range("2027-01", periods=48, freq="M"))
    )
    out = rp.evaluate([plan], CLAIM, cf, CREDITOR)
    for col in (
        "creditor_npv",
        "expected_npv",
        "enforcement_npv",
        "recovery_rate",
        "default_probability",
        "dscr",
        "dscr_p5",
        "monthly_dscr",
        "monthly_dscr_p5",
        "min_cash",
        "months_short",
        "burden",
        "total_paid",
        "term",
    ):
        assert col in out.columns
    cf = rp.CashFlow.project(
        base=45_000,
        months=120,
        trend=-0.10,
        seasonality=[0.9] * 8 + [1.2] * 4,
        volatility=0.25,
        scenarios=500,
        seed=7,
    )
    assert rp.evaluate([plan, plan.replace(term=60)], CLAIM, cf, CREDITOR).shape[0] == 2


def test_contractual_npv_equals_numpy_financial_npv():
    plans = [
        rp.Plan(term=36, annual_rate=0.05),
        rp.Plan(term=48, grace=6, penalty_waiver=1),
        rp.Plan(term=24, capitalize_arrears=False),
        rp.Plan(settlement_discount=0.25, settlement_by=4),
    ]
    out = rp.evaluate(plans, CLAIM, flat(10_000_000), CREDITOR)
    for name, p in zip(out.index, plans, strict=True):
        pays = payments(p)
        full = np.zeros(p.schedule(CLAIM).minor["period"].max() + 1)
        full[p.schedule(CLAIM).minor["period"].to_numpy()] = pays
        assert out.loc[name, "creditor_npv"] == pytest.approx(npf.npv(0.06 / 12, full), rel=1e-12)


def test_ample_cash_never_defaults_and_expected_equals_contractual():
    out = rp.evaluate([rp.Plan(term=36), rp.Plan(term=12)], CLAIM, flat(10_000_000), CREDITOR)
    assert (out["default_probability"] == 0).all()
    assert np.allclose(out["expected_npv"], out["creditor_npv"], rtol=0, atol=1e-6)
    assert (out["months_short"] == 0).all()


def test_no_cash_defaults_at_once_and_yields_the_enforcement_value():
    enforcement_npv = (0.5 * 1_042_000 - 50_000) / (1 + 0.06 / 12) ** 18
    for plan in (
        rp.Plan(term=36),
        rp.Plan(term=24, down_payment=10_000),
        rp.Plan(term=24, grace=3),
    ):
        out = rp.evaluate([plan], CLAIM, flat(0), CREDITOR)
        assert out["default_probability"].iloc[0] == 1.0
        assert out["expected_npv"].iloc[0] == pytest.approx(enforcement_npv, rel=1e-12)
        assert out["enforcement_npv"].iloc[0] == pytest.approx(enforcement_npv, rel=1e-12)


def test_default_in_a_later_month_by_hand():
    # a buffer that covers exactly three payments of a 12-month plan, no income
    plan = rp.Plan(term=12, annual_rate=0.0)
    pay = 1_042_000 / 12  # 86,833.33 a month
    cf = flat(0, buffer=86_833.33 * 3 + 1)
    out = rp.evaluate([plan], CLAIM, cf, CREDITOR)
    v = 1 / (1 + 0.005)
    paid = sum(86_833.33 * v**k for k in (1, 2, 3))
    owed = 1_042_000 - 3 * 86_833.33
    expect = paid + v**3 * (0.5 * owed - 50_000) * v**18
    assert out["expected_npv"].iloc[0] == pytest.approx(expect, rel=1e-12)
    assert pay > 0


def test_conditional_waivers_are_revoked_on_default():
    plan = rp.Plan(term=36, penalty_waiver=1.0)
    revoked = rp.evaluate([plan], CLAIM, flat(0), CREDITOR)["expected_npv"].iloc[0]
    kept = rp.evaluate([plan.replace(waivers_conditional=False)], CLAIM, flat(0), CREDITOR)[
        "expected_npv"
    ].iloc[0]
    assert revoked - kept == pytest.approx(0.5 * 12_000 / 1.005**18, rel=1e-12)


def test_dscr_and_burden_by_hand():
    plan = rp.Plan(term=12, annual_rate=0.0)
    out = rp.evaluate([plan], CLAIM, flat(173_666.66), CREDITOR).iloc[0]
    assert out["monthly_dscr"] == pytest.approx(
        173_666.66 / 86_833.37, rel=1e-12
    )  # last payment trues up
    v = 1 / 1.005
    pv_pay = sum(p * v**k for k, p in enumerate(payments(plan)))
    pv_cf = sum(173_666.66 * v**k for k in range(1, 13))
    assert out["burden"] == pytest.approx(pv_pay / pv_cf, rel=1e-12)
    assert out["term"] == 12
    assert out["irr"] == pytest.approx(0.0, abs=1e-9)


def test_irr_equals_the_plan_rate_when_nothing_is_waived():
    out = rp.evaluate([rp.Plan(term=36, annual_rate=0.05)], CLAIM, flat(1e7), CREDITOR)
    assert out["irr"].iloc[0] == pytest.approx(0.05, abs=1e-6)
    assert npf.irr(
        np.r_[-1_042_000, payments(rp.Plan(term=36, annual_rate=0.05))[1:]]
    ) * 12 == pytest.approx(out["irr"].iloc[0], abs=1e-6)


def test_single_plan_gives_a_rich_object():
    cf = rp.CashFlow.project(base=45_000, months=60, volatility=0.2, scenarios=200, seed=3)
    e = rp.evaluate(rp.Plan(term=36, name="base"), CLAIM, cf, CREDITOR)
    assert isinstance(e, rp.Evaluation)
    assert e.expected_npv == e.metrics["expected_npv"]
    assert "<table" in e._repr_html_() and "base" in e._repr_html_()
    assert e.monthly["default_in_month"].sum() == pytest.approx(e.default_probability)
    assert list(e.monthly["payment"]) == list(payments(rp.Plan(term=36)))


@settings(max_examples=25, deadline=None)
@given(
    term=st.integers(6, 60),
    w1=st.floats(0, 1),
    w2=st.floats(0, 1),
    which=st.sampled_from(["penalty_waiver", "interest_waiver", "haircut"]),
)
def test_more_waiver_never_raises_contractual_npv(term, w1, w2, which):
    lo, hi = sorted([w1, w2])
    p = rp.Plan(term=term, **{which: lo})
    q = rp.Plan(term=term, **{which: hi})
    out = rp.evaluate([p, q], CLAIM, flat(1e7), CREDITOR, check_rules=False)
    assert out["creditor_npv"].iloc[1] <= out["creditor_npv"].iloc[0] + 1e-9


@settings(max_examples=25, deadline=None)
@given(
    term=st.integers(6, 60),
    r1=st.integers(0, 1500),
    r2=st.integers(0, 1500),
    grace=st.integers(0, 5),
)
def test_lower_rate_never_lowers_the_monthly_dscr(term, r1, r2, grace):
    lo, hi = sorted([r1, r2])
    cf = rp.CashFlow.project(base=40_000, months=60, seasonality=[0.7] * 6 + [1.3] * 6, seed=1)
    plans = [
        rp.Plan(term=term, grace=min(grace, term - 1), annual_rate=hi / 10000),
        rp.Plan(term=term, grace=min(grace, term - 1), annual_rate=lo / 10000),
    ]
    out = rp.evaluate(plans, CLAIM, cf, CREDITOR, check_rules=False)
    assert out["monthly_dscr"].iloc[1] >= out["monthly_dscr"].iloc[0] - 1e-12


@settings(max_examples=20, deadline=None)
@given(level=st.floats(0, 200_000), buffer=st.floats(0, 500_000), term=st.integers(6, 60))
def test_expected_npv_lies_between_enforcement_floor_and_contract(level, buffer, term):
    out = rp.evaluate(
        [rp.Plan(term=term)], CLAIM, flat(level, buffer=buffer), CREDITOR, check_rules=False
    ).iloc[0]
    assert 0 <= out["default_probability"] <= 1
    assert out["expected_npv"] <= out["creditor_npv"] + 1e-6


def test_vectorised_equals_plan_by_plan():
    cf = rp.CashFlow.project(
        base=45_000, months=72, volatility=0.3, scenarios=300, seed=11, shocks=[rp.Shock(0.3, 0.4)]
    )
    plans = [rp.Plan(term=t, grace=g) for t in (24, 48, 60) for g in (0, 6)]
    together = rp.evaluate(plans, CLAIM, cf, CREDITOR)
    for i, p in enumerate(plans):
        alone = rp.evaluate([p], CLAIM, cf, CREDITOR)
        pd.testing.assert_series_equal(together.iloc[i], alone.iloc[0], check_names=False)


def test_compare_marks_the_better_value_of_each_row():
    cf = rp.CashFlow.project(base=60_000, months=60, seed=1)
    c = rp.compare(
        [rp.Plan(term=24, name="short"), rp.Plan(term=48, name="long")], CLAIM, cf, CREDITOR
    )
    assert list(c.table.columns) == ["short", "long"]
    assert c.better.loc["monthly_dscr", "long"] and not c.better.loc["monthly_dscr", "short"]
    assert c.better.loc["total_paid", "short"]
    assert not c.better.loc["term"].any()
    html = c._repr_html_()
    assert "font-weight:bold" in html
    assert (
        "违约概率"
        in rp.compare(
            [rp.Plan(term=24), rp.Plan(term=36)], CLAIM, cf, CREDITOR, lang="zh"
        )._repr_html_()
    )


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: rp.Creditor(discount_rate=1.5), "discount_rate"),
        (lambda: rp.Creditor(discount_rate=-0.01), "discount_rate"),
        (lambda: rp.Enforcement(recovery_rate=1.2), "recovery_rate"),
        (lambda: rp.Enforcement(recovery_rate=-0.1), "recovery_rate"),
        (lambda: rp.Enforcement(costs=-1), "costs"),
        (lambda: rp.Enforcement(delay_months=-3), "delay_months"),
        (
            lambda: rp.evaluate([rp.Plan(term=60)], CLAIM, flat(1000, months=48), CREDITOR),
            "cashflow",
        ),
        (lambda: rp.evaluate([rp.Plan(term=12)], CLAIM, "cash", CREDITOR), "cashflow"),
        (lambda: rp.evaluate([rp.Plan(term=12)], CLAIM, flat(1000), 0.06), "creditor"),
        (lambda: rp.evaluate([], CLAIM, flat(1000), CREDITOR), "plans"),
    ],
)
def test_bad_input_is_named(make, field):
    with pytest.raises(InputError) as exc:
        make()
    assert exc.value.field == field


def test_cash_flow_that_starts_after_the_claim_is_refused():
    late = rp.CashFlow.from_series(
        pd.Series(1000.0, index=pd.period_range("2027-06", periods=60, freq="M"))
    )
    with pytest.raises(InputError, match="2027-01"):
        rp.evaluate([rp.Plan(term=12)], CLAIM, late, CREDITOR)


# --------------------------------------------------------------------------------------
# lenders' measures by hand on deterministic cash flows
# --------------------------------------------------------------------------------------
def test_annual_dscr_is_each_plan_years_cash_over_its_debt_service_by_hand():
    months = 30
    cash = np.array([30_000.0 + 1_000 * (k % 7) for k in range(months)])  # months 1..30
    cf = rp.CashFlow(list(cash), start="2027-01")
    plan = rp.Plan(term=30, annual_rate=0.05)
    pay = payments(plan)  # months 0..30
    years = [range(1, 13), range(13, 25), range(25, 31)]  # the last year is short
    by_hand = min(sum(cash[k - 1] for k in y) / sum(pay[k] for k in y) for y in years)
    out = rp.evaluate([plan], CLAIM, cf, CREDITOR).iloc[0]
    assert out["dscr"] == pytest.approx(by_hand, rel=1e-12)
    assert out["dscr_p5"] == pytest.approx(by_hand, rel=1e-12)  # one path: p5 = mean
    assert out["monthly_dscr"] == pytest.approx(
        min(cash[k - 1] / pay[k] for k in range(1, 31)), rel=1e-12
    )


def test_stress_dscr_uses_the_5th_percentile_path():
    cf = rp.CashFlow.project(base=40_000, months=48, volatility=0.3, scenarios=50, seed=3)
    plan = rp.Plan(term=36)
    pay = payments(plan)
    q5 = np.quantile(cf.values[:, :36], 0.05, axis=0)
    by_hand = min(q5[a : a + 12].sum() / pay[a + 1 : a + 13].sum() for a in (0, 12, 24))
    assert rp.evaluate([plan], CLAIM, cf, CREDITOR)["dscr_p5"].iloc[0] == pytest.approx(
        by_hand, rel=1e-12
    )


def test_down_payment_counts_against_cash_at_hand_and_liquidity_by_hand():
    cash = [20_000.0] * 24
    cf = rp.CashFlow(cash, start="2027-01", buffer=150_000, minimum_cash=60_000)
    plan = rp.Plan(term=24, down_payment=100_000)
    pay = payments(plan)
    balance = 150_000 + np.concatenate([[0.0], np.cumsum(cash)]) - np.cumsum(pay)
    out = rp.evaluate([plan], CLAIM, cf, CREDITOR).iloc[0]
    assert out["min_cash"] == pytest.approx(balance.min(), abs=1e-6)
    below = np.flatnonzero(balance < 60_000)
    assert out["first_month_below_minimum"] == below[0] == 0  # 50,000 left on signing
    assert out["upfront_shortfall"] == pytest.approx(100_000 - (150_000 - 60_000))
    assert out["default_probability"] == 1.0  # it defaults at once
    ev = rp.evaluate(plan, CLAIM, cf, CREDITOR)
    [f] = [f for f in ev.findings if f.rule == "repayplan.cash-at-hand"]
    assert (
        f.severity == "error" and f.value == Decimal("10000.00") and f.limit == Decimal("90000.00")
    )
    ok = rp.evaluate(plan.replace(down_payment=80_000), CLAIM, cf, CREDITOR)
    assert ok["upfront_shortfall"] == 0 and not [
        f for f in ok.findings if f.rule == "repayplan.cash-at-hand"
    ]


def test_months_short_stop_at_the_default():
    # no income and a buffer for three payments: short in months 1..4, default in month 4
    plan = rp.Plan(term=12, annual_rate=0.0)
    cf = flat(0, buffer=86_833.33 * 3 + 1)
    out = rp.evaluate([plan], CLAIM, cf, CREDITOR).iloc[0]
    assert out["default_probability"] == 1.0
    assert out["months_short"] == 4  # not 12: after the default nothing is due


def test_probabilities_are_printed_with_their_precision():
    from repayplan.evaluate import format_metric, format_probability

    assert format_metric("default_probability", 0.002) == "0.2%"
    assert (
        format_probability(0.0004) == "0.04%" and format_probability(0.0004, scenarios=1000) == "0%"
    )
    assert format_probability(0, scenarios=500) == "0% (0 of 500)"
    ev = rp.evaluate(rp.Plan(term=36), CLAIM, flat(60_000), CREDITOR)
    assert "default probability 0%" in repr(ev)


def test_a_rate_below_the_banks_cost_of_funds_is_a_finding():
    ev = rp.evaluate(rp.Plan(term=36, annual_rate=0.03), CLAIM, flat(60_000), CREDITOR)
    [f] = [f for f in ev.findings if f.rule == "repayplan.rate-floor"]
    assert f.severity == "warning" and f.limit == Decimal("0.0435") and f.value == Decimal("0.03")
    frame = rp.evaluate(
        [rp.Plan(term=36), rp.Plan(term=36, annual_rate=0.03)], CLAIM, flat(60_000), CREDITOR
    )
    assert frame["rule_findings"].iloc[1] == frame["rule_findings"].iloc[0] + 1
    assert not [
        f
        for f in rp.evaluate(
            rp.Plan(term=36, annual_rate=0.03), CLAIM, flat(60_000), rp.Creditor(0.02)
        ).findings
        if f.rule == "repayplan.rate-floor"
    ]


def test_one_plan_and_a_list_of_it_give_the_same_figures_and_types():
    # evaluate's type follows its argument's (typing.overload): a Plan gives an Evaluation,
    # a sequence a DataFrame; Evaluation.frame is the one-row frame evaluate([plan]) gives,
    # the same values of the same types (Decimal money, floats, ints, strings)
    import typing

    claim, creditor = CLAIM, CREDITOR
    cf = rp.CashFlow.project(base=60_000, months=60, seed=1)
    plan = rp.Plan(term=24, grace=3, name="grace")
    ev = rp.evaluate(plan, claim, cf, creditor)
    frame = rp.evaluate([plan], claim, cf, creditor)
    assert isinstance(ev, rp.Evaluation) and isinstance(frame, pd.DataFrame)
    pd.testing.assert_frame_equal(ev.frame, frame, check_exact=True)
    for key in frame.columns:
        assert type(ev[key]) is type(frame[key].iloc[0]), key
        assert ev[key] == frame[key].iloc[0] or (ev[key] != ev[key]), key  # NaN stays NaN
    assert ev.metrics.equals(ev.frame.iloc[0])
    assert isinstance(ev["total_paid"], Decimal)
    one, many = typing.get_overloads(rp.evaluate)
    assert typing.get_type_hints(one)["return"] is rp.Evaluation
    assert typing.get_type_hints(many)["return"] is pd.DataFrame
