"""Honest marks: whose view each row serves, best only among feasible plans, reasons shown."""

from __future__ import annotations

from datetime import date

import numpy as np

import repayplan as rp
from repayplan.evaluate import ALL_METRICS

CLAIM = rp.Claim(
    principal=1_000_000,
    interest=30_000,
    penalty=12_000,
    annual_rate=0.0435,
    as_of=date(2026, 12, 1),
)
CREDITOR = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))
CASH = rp.CashFlow([40_000.0] * 60, start="2027-01", buffer=50_000)
PLANS = [
    rp.Plan(term=36, name="36"),
    rp.Plan(term=48, name="48"),
    rp.Plan(term=36, down_payment=400_000, name="big down"),
]  # 400,000 > the 50,000 at hand


def test_a_plan_certain_to_default_gets_no_mark_and_says_why():
    c = rp.compare(PLANS, CLAIM, CASH, CREDITOR)
    assert c.metrics.loc["big down", "default_probability"] == 1.0
    # its DSCR on the remaining payments is the best of the three, and it is not marked
    assert c.table.loc["dscr", "big down"] > c.table.loc["dscr", "48"]
    assert not c.better["big down"].any()
    assert c.better.loc["dscr", "48"] and not c.better.loc["dscr", "36"]
    assert list(c.feasible) == [True, True, False]
    assert "above the cash at hand 50,000.00" in c.reasons["big down"]
    assert "certain to default" in c.reasons["big down"]
    html = c._repr_html_()
    assert "big down ✗" in html and "rp-infeasible-reason" in html
    assert c.formatted().loc["Feasible", "36"] == "yes"


def test_marks_follow_only_the_feasible_plans_and_each_row_names_its_side():
    c = rp.compare(PLANS, CLAIM, CASH, CREDITOR)
    feasible = c.table.loc[:, c.feasible]
    for key in c.table.index:
        side, _, direction, _ = ALL_METRICS[key]
        assert c.sides[key] == side and side in ("creditor", "borrower", "both")
        if direction is None:
            assert not c.better.loc[key].any()
            continue
        vals = feasible.loc[key].astype(float).to_numpy()
        best = vals.max() if direction == "higher" else vals.min()
        want = np.isclose(vals, best, rtol=1e-4, atol=0.01)
        if want.all():
            assert not c.better.loc[key].any()
        else:
            assert list(c.better.loc[key, c.feasible]) == list(want)


def test_constraints_make_more_plans_infeasible_with_the_figure_that_misses():
    c = rp.compare(PLANS[:2], CLAIM, CASH, CREDITOR, constraints=rp.Constraints(max_term=40))
    assert list(c.feasible) == [True, False]
    assert c.reasons["48"] == "a term of at most 40 months (it reaches 48)"
    assert not c.better["48"].any()


def test_the_case_and_the_cli_use_the_cases_constraints(tmp_path, capsys):
    from repayplan.cli import main

    case = rp.Case.sample()
    cmp = case.compare()
    assert not cmp.feasible["Settlement"] and "certain to default" in cmp.reasons["Settlement"]
    case.save(tmp_path / "c.toml")
    assert main(["compare", str(tmp_path / "c.toml")]) == 0
    out = capsys.readouterr().out
    assert "✗ Settlement: certain to default" in out


def test_the_dashboard_marks_with_the_cases_constraints():
    from repayplan.notebook.state import Session

    case = rp.Case.sample()
    view = Session(case).refresh()
    want = case.compare()
    assert (view.comparison.reasons == want.reasons).all()
    assert (view.comparison.better == want.better).all().all()
    assert "rp-infeasible-reason" in view.comparison._repr_html_()
