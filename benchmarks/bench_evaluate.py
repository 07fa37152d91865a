"""rp.evaluate on 1,000 plans x 1,000 scenarios x 60 months against a per-plan loop.

The per-plan loop calls rp.evaluate on one plan at a time (what a naive caller would
write); it is timed on a sample of plans and scaled.  Results are checked equal first.
"""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import pandas as pd

import repayplan as rp


def setup(n_plans=1_000, scenarios=1_000, months=60, seed=0):
    claim = rp.Claim(
        principal=1_200_000,
        interest=36_000,
        penalty=14_000,
        annual_rate=0.0435,
        as_of=date(2026, 12, 1),
    )
    cf = rp.CashFlow.project(
        base=45_000,
        months=months,
        trend=-0.15,
        seasonality=[0.8] * 9 + [1.6] * 3,
        volatility=0.25,
        scenarios=scenarios,
        seed=7,
    )
    creditor = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.55, delay_months=18, costs=60_000))
    rng = np.random.default_rng(seed)
    plans = [
        rp.Plan(term=int(t), grace=int(g), annual_rate=float(r), penalty_waiver=float(w))
        for t, g, r, w in zip(
            rng.integers(24, months + 1, n_plans),
            rng.integers(0, 7, n_plans),
            rng.choice([0.03, 0.0435, 0.05], n_plans),
            rng.choice([0, 0.5, 1], n_plans),
            strict=True,
        )
    ]
    return claim, cf, creditor, plans


def main(n_plans=1_000, scenarios=1_000, months=60, loop_sample=50) -> list[dict]:
    claim, cf, creditor, plans = setup(n_plans, scenarios, months)
    rp.evaluate(plans[:5], claim, cf, creditor)  # warm-up (imports, calendars)
    t = time.perf_counter()
    together = rp.evaluate(plans, claim, cf, creditor, check_rules=False)
    t_batch = time.perf_counter() - t
    t = time.perf_counter()
    alone = pd.concat(
        [rp.evaluate([p], claim, cf, creditor, check_rules=False) for p in plans[:loop_sample]]
    )
    t_loop = (time.perf_counter() - t) * n_plans / loop_sample
    cols = ["expected_npv", "default_probability", "dscr_p5", "burden"]
    assert np.allclose(
        together[cols].iloc[:loop_sample].to_numpy(), alone[cols].to_numpy(), rtol=1e-12
    )
    return [
        {
            "case": f"evaluate {n_plans:,} plans x {scenarios:,} scenarios x {months} months",
            "seconds": t_batch,
            "ratio_vs_loop": t_loop / t_batch,
        },
        {
            "case": f"per-plan loop (timed on {loop_sample}, scaled)",
            "seconds": t_loop,
            "ratio_vs_loop": 1.0,
        },
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
