"""Concessions costed: each equals the difference of two evaluate runs; transfers; the shortlist."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import repayplan as rp
from repayplan.concessions import TRANSFER_TOLERANCE, withdrawals

CLAIM = rp.Claim(
    principal=1_000_000,
    interest=30_000,
    penalty=12_000,
    annual_rate=0.0435,
    as_of=date(2026, 12, 1),
    term_months=24,
)
CREDITOR = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))
RISKY = rp.CashFlow.project(
    base=38_000, months=120, volatility=0.3, scenarios=300, seed=5, buffer=40_000
)


def test_each_concession_costs_the_difference_of_two_evaluate_runs():
    plan = rp.Plan(term=48, annual_rate=0.03, grace=6, penalty_waiver=1.0, haircut=0.05)
    got = rp.concessions(plan, CLAIM, RISKY, CREDITOR)
    assert list(got.index) == ["rate_cut", "penalty_waiver", "haircut", "grace", "extra_term"]
    base = rp.evaluate([plan], CLAIM, RISKY, CREDITOR).iloc[0]
    for name, variant in withdrawals(plan, CLAIM).items():
        other = rp.evaluate([variant], CLAIM, RISKY, CREDITOR).iloc[0]
        row = got.loc[name]
        assert row["creditor_cost"] == pytest.approx(
            other["expected_npv"] - base["expected_npv"], abs=1e-6
        )
        assert row["borrower_saving"] == pytest.approx(
            other["borrower_cost"] - base["borrower_cost"], abs=1e-6
        )
        assert (
            row["default_probability_change"]
            == other["default_probability"] - base["default_probability"]
        )
        assert row["dscr_change"] == pytest.approx(other["dscr"] - base["dscr"], rel=1e-12)
    assert got.loc["extra_term", "plan_without"].term == 24  # back to the original term


def test_a_concession_that_buys_nothing_is_a_transfer():
    rich = rp.CashFlow([80_000.0] * 60, start="2027-01")
    got = rp.concessions(
        rp.Plan(term=36, penalty_waiver=1.0, annual_rate=0.03), CLAIM, rich, CREDITOR
    )
    assert got["transfer"].all() and (got["default_probability_change"] == 0).all()
    assert (got["creditor_cost"] > 0).all()
    # a grace period that keeps a fragile borrower alive is no transfer
    fragile = rp.concessions(rp.Plan(term=30, grace=6), CLAIM, RISKY, CREDITOR)
    row = fragile.loc["grace"]
    assert row["default_probability_change"] >= TRANSFER_TOLERANCE and not row["transfer"]
    assert row["creditor_cost"] < 0  # withdrawing it would cost the bank


def test_the_creditor_objective_never_grants_a_transfer():
    space = rp.SearchSpace(
        term=[36, 48, 60], grace=[0, 6], penalty_waiver=[0.0, 1.0], interest_waiver=[0.0, 0.5]
    )
    cons = rp.Constraints(min_dscr=1.0, min_dscr_p5=None)
    res = rp.negotiate(CLAIM, RISKY, CREDITOR, space=space, objective="creditor", constraints=cons)
    assert res.concessions is not None
    assert not res.concessions["transfer"].any()
    # and the best is what an exhaustive evaluation of the grid finds
    every = rp.evaluate(list(space.plans()), CLAIM, RISKY, CREDITOR)
    every = every[(every["dscr"] >= 1.0) & (every["margin"] >= 0)]
    assert res.candidates["expected_npv"].iloc[0] == pytest.approx(
        every["expected_npv"].max(), rel=1e-12
    )


def test_nash_says_who_gives_what_and_the_costs_are_the_tables():
    case = rp.Case.sample()
    res = case.negotiate()
    text = res.explain()
    c = res.concessions
    assert not c.empty
    first = res.candidates.index[0]
    for _, row in c.xs(first, level="candidate").iterrows():
        if row["creditor_cost"] >= 0:
            assert f"the bank gives up {row['creditor_cost']:,.0f} of expected value" in text
        assert f"the borrower saves {row['borrower_saving']:,.0f}" in text
    assert "a transfer that buys nothing" in text


def test_the_shortlist_gives_reasons_and_ties_go_to_fewer_concessions():
    claim = CLAIM.replace(penalty=0)  # a penalty waiver is then worth nothing to anyone
    space = rp.SearchSpace(term=[36, 48, 60], penalty_waiver=[0.0, 1.0])
    res = rp.negotiate(
        claim,
        RISKY,
        CREDITOR,
        space=space,
        objective="creditor",
        constraints=rp.Constraints(min_dscr=1.0, min_dscr_p5=None),
    )
    assert res.best.penalty_waiver == 0.0
    assert res.candidates["reason"].iloc[0] == "best by the objective"
    assert all(isinstance(r, str) and r for r in res.candidates["reason"])
    plans = list(res.candidates["plan"])
    assert len({(p.term, p.grace, p.seasonal) for p in plans}) == len(plans)  # distinct structures
    shortest = res.evaluated[res.evaluated["feasible"]]["term"].min()
    assert shortest in set(res.candidates["term"])


def test_concessions_of_the_shortlist_are_one_batch():
    calls = []
    import sys

    neg = sys.modules["repayplan.negotiate"]

    real = neg.SearchContext.evaluate

    def spy(self, plans, *a, **k):
        calls.append(len(plans))
        return real(self, plans, *a, **k)

    neg.SearchContext.evaluate = spy
    try:
        res = rp.negotiate(
            CLAIM,
            RISKY,
            CREDITOR,
            space=rp.SearchSpace(term=[36, 60], grace=[0, 6]),
            objective="nash",
            constraints=rp.Constraints(min_dscr=1.0, min_dscr_p5=None),
            refine=False,
        )
    finally:
        neg.SearchContext.evaluate = real
    n = len(res.candidates) + len(res.concessions)
    assert calls[-1] == n and n > len(
        res.candidates
    )  # every candidate and every variant in one call
    assert np.isfinite(res.concessions["creditor_cost"]).all()


def test_the_waterfalls_result_is_on_the_shortlist_when_it_is_feasible():
    cash = rp.CashFlow([40_000.0] * 150, start="2027-01")
    res = rp.negotiate(
        CLAIM,
        cash,
        CREDITOR,
        space=rp.SearchSpace(term=[36, 48, 60, 84], penalty_waiver=[0, 1]),
        constraints=rp.Constraints(min_rate=0.0),
    )
    wf = rp.negotiate(CLAIM, cash, CREDITOR, objective="waterfall").best
    row = res.evaluated[[p == wf for p in res.evaluated["plan"]]]
    assert row["feasible"].all()  # 60 months at 2 %: cover 2.19
    assert res.candidates.loc["waterfall", "reason"] == "the modification waterfall's result"
    assert res.candidates.loc["waterfall", "plan"] == wf
