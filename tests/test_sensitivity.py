"""Sensitivity of the recommendation and break-even values, against re-evaluation."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import repayplan as rp
from repayplan.errors import InfeasibleError, InputError

CLAIM = rp.Claim(
    principal=1_000_000,
    interest=30_000,
    penalty=12_000,
    annual_rate=0.0435,
    as_of=date(2026, 12, 1),
)
BANK = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))
AMPLE = rp.CashFlow([200_000.0] * 12, start="2027-01")
SETTLE = rp.Plan(settlement_discount=0.25, settlement_by=6)
CASH = [36_000.0 + 4_000 * np.sin(k) for k in range(60)]


def gap(plan, cash, creditor):
    row = rp.evaluate([plan], CLAIM, cash, creditor).iloc[0]
    return row["expected_npv"] - row["enforcement_npv"]


@pytest.mark.parametrize("field", ["recovery_rate", "costs"])
def test_break_even_re_evaluated_gives_equal_values(field):
    bank = BANK.replace(
        enforcement=BANK.enforcement.replace(recovery_rate=0.9)
    )  # suing beats settling at 0 costs
    x = rp.break_even(SETTLE, CLAIM, AMPLE, bank, field)
    creditor = bank.replace(
        enforcement=bank.enforcement.replace(**{field: round(x, 12) if field == "costs" else x})
    )
    assert abs(gap(SETTLE, AMPLE, creditor)) < 1e-6 * float(CLAIM.total)
    if field == "costs":  # (0.9 x 1,042,000 - C) / 1.005^18 = 781,500 / 1.005^6
        assert x == pytest.approx(0.9 * 1_042_000 - 781_500 * 1.005**12, rel=1e-9)


def test_break_even_of_the_recovery_rate_is_the_closed_form():
    x = rp.break_even(SETTLE, CLAIM, AMPLE, BANK, "recovery_rate")
    assert x == pytest.approx((781_500 / 1.005**6 * 1.005**18 + 50_000) / 1_042_000, rel=1e-9)


def test_break_even_of_the_delay_and_the_discount_rate():
    strong = BANK.replace(enforcement=BANK.enforcement.replace(recovery_rate=0.9))
    d = rp.break_even(SETTLE, CLAIM, AMPLE, strong, "delay_months")
    # closed form: (0.9 x 1,042,000 - 50,000) v^D = 781,500 v^6
    v = 1 / 1.005
    assert d == pytest.approx(
        6 + np.log((0.9 * 1_042_000 - 50_000) / 781_500) / -np.log(v), rel=1e-9
    )
    r = rp.break_even(SETTLE, CLAIM, AMPLE, strong, "discount_rate")
    again = strong.replace(discount_rate=r)
    assert abs(gap(SETTLE, AMPLE, again)) < 1e-6 * float(CLAIM.total)


def test_break_even_of_the_cash_level_brackets_the_crossing():
    cash = rp.CashFlow.project(
        base=30_000, months=60, volatility=0.3, scenarios=100, seed=2, buffer=20_000
    )
    plan = rp.Plan(
        term=36, haircut=0.3, waivers_conditional=False
    )  # the haircut stands even on default
    lam = rp.break_even(plan, CLAIM, cash, BANK, "cash_level", bracket=(0.05, 3.0))
    below = rp.CashFlow(cash.values * (lam * 0.999), start=cash.start, buffer=cash.buffer)
    above = rp.CashFlow(cash.values * (lam * 1.001), start=cash.start, buffer=cash.buffer)
    assert gap(plan, below, BANK) <= 1e-6 <= gap(plan, above, BANK) or gap(
        plan, below, BANK
    ) >= -1e-6 >= gap(plan, above, BANK)


def test_break_even_says_when_there_is_none():
    with pytest.raises(InfeasibleError, match="stays above"):
        rp.break_even(rp.Plan(term=12), CLAIM, AMPLE, BANK, "delay_months")
    with pytest.raises(InputError, match="assumption"):
        rp.break_even(SETTLE, CLAIM, AMPLE, BANK, "volatility")


def test_sensitivity_equals_re_evaluation_with_the_assumption_changed():
    cash = rp.CashFlow(CASH, start="2027-01", buffer=30_000)
    res = rp.negotiate(
        CLAIM,
        cash,
        BANK,
        objective="creditor",
        space=rp.SearchSpace(term=[36, 48, 60]),
        constraints=rp.Constraints(min_dscr=1.1, min_dscr_p5=None),
    )
    s = res.sensitivity()
    base = rp.evaluate([res.best], CLAIM, cash, BANK).iloc[0]
    for (name, _side), row in s.table.iterrows():
        if name == "discount_rate":
            other = rp.evaluate(
                [res.best], CLAIM, cash, BANK.replace(discount_rate=row["value"])
            ).iloc[0]
        elif name == "recovery_rate":
            other = rp.evaluate(
                [res.best],
                CLAIM,
                cash,
                BANK.replace(enforcement=BANK.enforcement.replace(recovery_rate=row["value"])),
            ).iloc[0]
        elif name == "cash_level":
            scaled = rp.CashFlow([c * row["value"] for c in CASH], start="2027-01", buffer=30_000)
            other = rp.evaluate([res.best], CLAIM, scaled, BANK).iloc[0]
        else:
            continue
        assert row["expected_npv"] == pytest.approx(other["expected_npv"], rel=1e-12)
        assert row["expected_npv_change"] == pytest.approx(
            other["expected_npv"] - base["expected_npv"], abs=1e-6
        )
        assert row["dscr"] == pytest.approx(other["dscr"], rel=1e-12)
    # less cash: the shortest plan no longer covers 1.1 and the recommendation moves
    low = s.table.loc[("cash_level", "low")]
    assert low["changes"] == (low["recommended"] != res.candidates.index[0])
    ax = s.tornado("expected_npv")
    assert len(ax.patches) == 2 * len({a for a, _ in s.table.index})


def test_sensitivity_of_the_sample_case_runs_on_every_assumption():
    res = rp.Case.sample().negotiate()
    s = res.sensitivity()
    names = set(s.table.index.get_level_values("assumption"))
    assert names == {
        "cash_level",
        "cash_trend",
        "cash_volatility",
        "recovery_rate",
        "delay_months",
        "costs",
        "discount_rate",
    }
    assert isinstance(s.recommendation_changes, bool)


# ----------------------------------------------------------------------------------------
# the search re-run under each push: the oracle is negotiate itself, run again from scratch
# with the assumption changed in its inputs (deterministic cash, a discrete space: nothing
# for a refinement to add)
# ----------------------------------------------------------------------------------------
SPACE = dict(term=[24, 36, 48, 60], grace=[0, 6], penalty_waiver=[0.0, 1.0])


@pytest.mark.parametrize("objective", ["creditor", "nash", "borrower"])
def test_each_push_re_runs_the_search_and_finds_what_negotiate_finds(objective):
    cash = rp.CashFlow(CASH, start="2027-01", buffer=30_000)
    kw = dict(objective=objective, space=rp.SearchSpace(**SPACE), constraints=rp.Constraints())
    res = rp.negotiate(CLAIM, cash, BANK, **kw)
    s = res.sensitivity()
    key = rp.negotiate.__globals__["SearchContext"].key
    for (name, _side), row in s.table.iterrows():
        if name == "cash_level":
            pushed = dict(
                cashflow=rp.CashFlow(
                    [c * row["value"] for c in CASH], start="2027-01", buffer=30_000
                ),
                creditor=BANK,
            )
        elif name == "discount_rate":
            pushed = dict(cashflow=cash, creditor=BANK.replace(discount_rate=row["value"]))
        elif name == "recovery_rate":
            pushed = dict(
                cashflow=cash,
                creditor=BANK.replace(
                    enforcement=BANK.enforcement.replace(recovery_rate=row["value"])
                ),
            )
        else:
            continue
        try:
            again = rp.negotiate(CLAIM, pushed["cashflow"], pushed["creditor"], **kw).best
        except InfeasibleError:
            assert row["recommended"] == "none feasible" and row["recommended_plan"] is None
            continue
        assert key(row["recommended_plan"]) == key(again), (name, _side)
        assert row["changes"] == (key(again) != key(res.best))


def test_the_recommendation_moves_when_the_cash_rises():
    # about 36,000 a month: 48 months is the shortest plan that covers 1.2 (the creditor's best);
    # with 20 % more cash 36 months covers it too and is worth more to the creditor
    cash = rp.CashFlow(CASH, start="2027-01", buffer=30_000)
    res = rp.negotiate(CLAIM, cash, BANK, objective="creditor", space=rp.SearchSpace(**SPACE))
    t = res.sensitivity().table
    assert res.best.term == 48 and not t.loc[("cash_level", "low"), "changes"]
    high = t.loc[("cash_level", "high")]
    assert high["changes"] and high["recommended_plan"].term == 36
    assert (
        high["recommended"] == "level instalments over 36 months"
    )  # not on the shortlist: described


def test_sensitivity_refuses_bad_input_by_name():
    res = rp.negotiate(
        CLAIM,
        rp.CashFlow(CASH, start="2027-01"),
        BANK,
        objective="creditor",
        space=rp.SearchSpace(term=[36, 48]),
        constraints=rp.Constraints(min_dscr=1.0),
    )
    for bad in (
        0,
        "",
        {},
        "cash",
        3,
        float("nan"),
        {"cash_level": 0.8},
        {"cash_level": ("a", 1)},
        {"weather": (0, 1)},
    ):
        with pytest.raises(InputError, match="pushes"):
            res.sensitivity(pushes=bad)
    from repayplan.concessions import sensitivity

    for bad in (None, 0, "", {}, float("nan")):
        with pytest.raises(InputError, match="result"):
            sensitivity(bad)


def test_a_discount_rate_push_moves_the_rate_floor_as_negotiate_would():
    # the rate floor is the creditor's cost of funds (3 %, below the 4.35 % contract rate), so
    # Nash picks 3.5 %: pushed to 2 % the floor lets in 2.5 %, pushed to 4 % only the contract
    # rate is left; the oracle is negotiate run again with the pushed creditor
    bank = BANK.replace(discount_rate=0.03)
    cash = rp.CashFlow(CASH, start="2027-01", buffer=30_000)
    kw = dict(
        objective="nash",
        space=rp.SearchSpace(term=[36, 48, 60], annual_rate=[0.025, 0.035, 0.0435]),
        constraints=rp.Constraints(),
    )
    res = rp.negotiate(CLAIM, cash, bank, **kw)
    s = res.sensitivity(pushes={"discount_rate": (-0.01, 0.01)})
    key = rp.negotiate.__globals__["SearchContext"].key
    for side in ("low", "high"):
        row = s.table.loc[("discount_rate", side)]
        again = rp.negotiate(CLAIM, cash, bank.replace(discount_rate=row["value"]), **kw).best
        assert key(row["recommended_plan"]) == key(again)
    assert res.best.annual_rate == 0.035
    assert s.table.loc[("discount_rate", "low"), "recommended_plan"].annual_rate == 0.025
    assert s.table.loc[("discount_rate", "high"), "recommended_plan"].annual_rate in (None, 0.0435)
    assert s.table["changes"].all()
