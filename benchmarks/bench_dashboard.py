"""The dashboard's live update: a control change re-evaluates and redraws 4 plans × 500 scenarios.

The target is about 100 ms from a changed term to the new comparison and charts.  Timed on
the sample case (four plans, 500 cash-flow scenarios over 120 months):

* the whole control change in the dashboard (Python side: validation, evaluation of the
  four plans in one batch, the comparison, the rule findings, the charts' data and the
  bqplot update, the meeting record);
* the session's refresh alone (the library's work);
* the naive baseline: each plan evaluated separately (``rp.evaluate(plan)``, which also
  builds its monthly table and schedule) and then compared;
* drawing the same three charts with matplotlib on the server (why the live charts are
  bqplot: the browser draws them).

The figures are checked before timing: the dashboard's table equals the library's
comparison of the same plans.  Run through ``python benchmarks/run.py`` (or directly).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import repayplan as rp
from repayplan.case import Case
from repayplan.notebook import Dashboard
from repayplan.notebook.charts import render_png


def timed(f, repeat: int = 7) -> float:
    """Median wall time of ``f()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main(repeat: int = 7) -> list[dict]:
    case = Case.sample()
    dash = Dashboard(case)
    session = dash.session
    assert len(session.plans) == 4 and case.cashflow.n_scenarios == 500
    term = dash.columns[0].controls["term"]
    terms = iter(["48", "36"] * (repeat + 2))

    def change():
        term.value = next(terms)

    change()
    # correctness first: the dashboard shows what the library computes for these plans
    expected = rp.compare(
        session.plans,
        case.claim,
        case.cashflow,
        case.creditor,
        metrics=rp.evaluate(
            session.plans, case.claim, case.cashflow, case.creditor, borrower=case.borrower_side
        ),
    )
    got = session.view.comparison.table
    assert np.allclose(
        got.drop(index="rule_findings").to_numpy(float),
        expected.table.drop(index="rule_findings").to_numpy(float),
        rtol=1e-12,
        equal_nan=True,
    )

    t_change = timed(change, repeat)
    t_refresh = timed(session.refresh, repeat)

    def naive():
        singles = [
            rp.evaluate(p, case.claim, case.cashflow, case.creditor, borrower=case.borrower_side)
            for p in session.plans
        ]
        frame = pd.DataFrame([e.metrics for e in singles])
        rp.compare(session.plans, case.claim, case.cashflow, case.creditor, metrics=frame)

    t_naive = timed(naive, repeat)
    t_mpl = timed(lambda: render_png(session.view.charts), max(3, repeat // 2))
    label = "4 plans × 500 scenarios × 120 months"
    return [
        {
            "case": f"dashboard: term changed -> evaluate, compare, charts ({label})",
            "seconds": t_change,
            "ratio_vs_naive": t_naive / t_change,
        },
        {
            "case": f"session refresh only (library: evaluate + compare + chart data, {label})",
            "seconds": t_refresh,
            "ratio_vs_naive": t_naive / t_refresh,
        },
        {
            "case": "naive: each plan evaluated separately, then compared",
            "seconds": t_naive,
            "ratio_vs_naive": 1.0,
        },
        {
            "case": "matplotlib redraw of the three charts on the server (not used live)",
            "seconds": t_mpl,
            "ratio_vs_naive": t_naive / t_mpl,
        },
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
