"""The negotiation engine on constructed cases with known answers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
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
CREDITOR = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))


def flat(level, months=150, **kw):
    idx = pd.period_range("2027-01", periods=months, freq="M")
    return rp.CashFlow.from_series(pd.Series(float(level), index=idx), **kw)


SEASONAL_CF = rp.CashFlow.project(
    base=45_000,
    months=150,
    trend=-0.05,
    seasonality=[0.8] * 9 + [1.6] * 3,
    volatility=0.15,
    scenarios=300,
    seed=7,
)


def test_the_calls_of_the_issue_work_exactly_like_this():
    space = rp.SearchSpace(
        term=[24, 36, 48, 60],
        grace=[0, 3, 6],
        annual_rate=[0.03, 0.0435],
        penalty_waiver=[0.0, 0.5, 1.0],
    )
    cons = rp.Constraints(min_dscr=1.1, max_default_probability=0.25)
    res = rp.negotiate(
        CLAIM, flat(60_000), CREDITOR, space=space, constraints=cons, objective="creditor", seed=1
    )
    assert isinstance(res.best, rp.Plan)
    assert isinstance(res.frontier, pd.DataFrame) and isinstance(res.candidates, pd.DataFrame)
    assert isinstance(res.explain(), str)
    grid = list(space.plans())
    assert len(grid) == 72 and all(isinstance(p, rp.Plan) for p in grid)


def test_a_borrower_who_can_pay_gets_no_concession_from_the_creditor_objective():
    space = rp.SearchSpace(
        term=[36, 48, 60],
        grace=[0, 6],
        annual_rate=[0.03, 0.0435],
        penalty_waiver=[0.0, 0.5, 1.0],
        haircut=[0.0, 0.1],
    )
    res = rp.negotiate(
        CLAIM,
        flat(500_000),
        CREDITOR,
        space=space,
        objective="creditor",
        constraints=rp.Constraints(min_dscr=1.2),
    )
    b = res.best
    assert (b.annual_rate, b.penalty_waiver, b.haircut, b.grace) == (0.0435, 0.0, 0.0, 0)
    # and the search agrees with an exhaustive evaluation of the same grid
    every = rp.evaluate(list(space.plans()), CLAIM, flat(500_000), CREDITOR)
    assert res.evaluated["objective"].max() == pytest.approx(every["expected_npv"].max(), rel=1e-12)


def test_a_borrower_with_no_cash_is_infeasible_and_the_message_says_how_close():
    with pytest.raises(InfeasibleError) as exc:
        rp.negotiate(
            CLAIM,
            flat(0),
            CREDITOR,
            space=rp.SearchSpace(term=[24, 60], grace=[0, 6]),
            objective="creditor",
        )
    msg = str(exc.value)
    assert "DSCR" in msg and "best 0.00" in msg and "60 months" in msg


def test_waterfall_stops_at_the_first_step_that_meets_its_target():
    cf = flat(40_000)
    wf = rp.Waterfall(target="ratio", value=0.6, base_term=36, rate_floor=0.02, max_term=120)
    res = rp.negotiate(CLAIM, cf, CREDITOR, objective="waterfall", waterfall=wf)
    flags = [ok for _, ok in res.steps]
    assert flags[-1] and not any(flags[:-1])
    pay = float(res.best.schedule(CLAIM).payment)
    assert pay <= 0.6 * 40_000
    steps = wf.steps(CLAIM)
    previous = steps[len(flags) - 2][1]
    assert float(previous.schedule(CLAIM).payment) > 0.6 * 40_000
    # the order of the steps: rate first (to the floor), then term, then balloon
    names = [n for n, _ in steps]
    assert names[0] == "capitalise arrears" and names[1].startswith("rate cut")
    assert names.index("term extended to 48 months") > names.index("rate cut to 2.000%")


def test_waterfall_reduction_target_and_infeasible():
    res = rp.negotiate(
        CLAIM,
        flat(40_000),
        CREDITOR,
        objective="waterfall",
        waterfall=rp.Waterfall(target="reduction", value=0.2, base_term=36),
    )
    base = float(rp.Plan(term=36).schedule(CLAIM).payment)
    assert float(res.best.schedule(CLAIM).payment) <= 0.8 * base
    with pytest.raises(InfeasibleError, match="no waterfall step reaches"):
        rp.negotiate(
            CLAIM,
            flat(1_000),
            CREDITOR,
            objective="waterfall",
            waterfall=rp.Waterfall(target="ratio", value=0.3, base_term=36),
        )


def test_nash_solution_moves_toward_the_creditor_as_beta_rises():
    space = rp.SearchSpace(
        term=[36, 48, 60, 84],
        grace=[0, 6],
        annual_rate=[0.02, 0.03, 0.0435],
        penalty_waiver=[0.0, 1.0],
    )
    values = []
    for beta in (0.1, 0.5, 0.9):
        res = rp.negotiate(
            CLAIM,
            SEASONAL_CF,
            CREDITOR,
            space=space,
            objective="nash",
            beta=beta,
            constraints=rp.Constraints(min_dscr=0.5),
        )
        values.append(res.candidates["expected_npv"].iloc[0])
    assert values[0] <= values[1] <= values[2]
    assert values[0] < values[2]


def test_borrower_objective_minimises_burden_within_the_creditor_floor():
    space = rp.SearchSpace(term=[36, 60, 84], grace=[0, 6], annual_rate=[0.02, 0.0435])
    res = rp.negotiate(
        CLAIM,
        SEASONAL_CF,
        CREDITOR,
        space=space,
        objective="borrower",
        constraints=rp.Constraints(
            min_dscr=0.5, min_dscr_p5=None, min_rate=0.0, min_margin=300_000
        ),
    )
    every = rp.evaluate(list(space.plans()), CLAIM, SEASONAL_CF, CREDITOR)
    ok = every[(every["margin"] >= 300_000) & (every["dscr"] >= 0.5)]
    assert res.candidates["burden"].iloc[0] == pytest.approx(ok["burden"].min(), rel=1e-12)


def test_search_reaches_the_optimum_of_a_fine_grid_within_half_a_percent():
    space = rp.SearchSpace(
        term=[48, 60],
        grace=[0, 6],
        annual_rate=rp.Range(0.02, 0.06, n=3),
        penalty_waiver=rp.Range(0.0, 1.0, n=2),
    )
    cons = rp.Constraints(min_dscr=0.6)
    res = rp.negotiate(
        CLAIM, SEASONAL_CF, CREDITOR, space=space, objective="nash", constraints=cons
    )
    fine = rp.SearchSpace(
        term=[48, 60],
        grace=[0, 6],
        annual_rate=rp.Range(0.02, 0.06, n=41),
        penalty_waiver=rp.Range(0.0, 1.0, n=11),
    )
    exhaustive = rp.negotiate(
        CLAIM, SEASONAL_CF, CREDITOR, space=fine, objective="nash", constraints=cons, refine=False
    )
    found, target = res.evaluated["objective"].max(), exhaustive.evaluated["objective"].max()
    # the Nash objective is a log; compare the Nash products themselves
    assert np.exp(found) >= 0.995 * np.exp(target)


def test_deterministic_for_a_seed_and_reports_progress():
    calls = []
    space = rp.SearchSpace(
        term=[24, 36, 48, 60, 72, 84], grace=[0, 3, 6], penalty_waiver=[0, 0.5, 1]
    )
    a = rp.negotiate(
        CLAIM,
        SEASONAL_CF,
        CREDITOR,
        space=space,
        seed=3,
        max_plans=20,
        constraints=rp.Constraints(min_dscr=0.5),
        progress=lambda d, t: calls.append((d, t)),
    )
    b = rp.negotiate(
        CLAIM,
        SEASONAL_CF,
        CREDITOR,
        space=space,
        seed=3,
        max_plans=20,
        constraints=rp.Constraints(min_dscr=0.5),
    )
    assert a.best == b.best
    assert calls and calls[-1] == (20, 20)


def test_candidates_are_distinct_and_the_frontier_is_not_dominated():
    res = rp.negotiate(CLAIM, SEASONAL_CF, CREDITOR, constraints=rp.Constraints(min_dscr=0.5))
    c = res.candidates
    assert len(c) >= 2
    f = res.frontier
    assert (np.diff(f["burden"]) >= 0).all() and (np.diff(f["expected_npv"]) > 0).all()
    text = res.explain()
    assert "creditor recovers" in text and "through enforcement" in text and "DSCR" in text


def test_default_space_follows_the_claim_and_the_cash_flow():
    space = rp.SearchSpace.default(CLAIM, SEASONAL_CF)
    assert 0.0435 in space.dims["annual_rate"]
    w = space.dims["seasonal"][1]
    assert len(w) == 12 and abs(sum(w) - 12) < 1e-9 and w[11] > w[0]
    assert "seasonal" not in rp.SearchSpace.default(CLAIM, flat(10_000)).dims


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: rp.SearchSpace(colour=[1]), "space.colour"),
        (lambda: rp.SearchSpace(term=rp.Range(12, 24)), "space.term"),
        (lambda: rp.Range(0.05, 0.01), "high"),
        (lambda: rp.Constraints(min_dscr=-1), "min_dscr"),
        (lambda: rp.Constraints(max_default_probability=2), "max_default_probability"),
        (lambda: rp.negotiate(CLAIM, flat(1), CREDITOR, objective="fair"), "objective"),
        (lambda: rp.negotiate(CLAIM, flat(1), CREDITOR, beta=1.5), "beta"),
        (lambda: rp.Waterfall(target="reduction", value=1.5), "value"),
    ],
)
def test_bad_input_is_named(make, field):
    with pytest.raises(InputError) as exc:
        make()
    assert exc.value.field == field


def test_explain_concession_refuses_an_unknown_language_by_name():
    from repayplan.negotiate import explain_concession

    cost = {
        "creditor_cost": 1.0,
        "borrower_saving": 1.0,
        "default_probability_change": 0.0,
        "transfer": False,
    }
    with pytest.raises(InputError) as err:
        explain_concession("rate_cut", cost, "fr")
    assert err.value.field == "lang"
