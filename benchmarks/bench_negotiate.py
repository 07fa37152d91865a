"""rp.negotiate on the sample manufacturer case with 1,000 cash-flow scenarios.

Prints the time of the whole call (default space, default constraints, Nash objective)
and the optimality gap against an exhaustive evaluation of a fine grid of the same space
(the continuous rate dimension at 41 points instead of 3 plus refinement).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import repayplan as rp


def setup(scenarios=1_000):
    case = rp.Case.sample()
    cf = case.projection.replace(scenarios=scenarios).cashflow()
    return case, cf


def main(scenarios=1_000) -> list[dict]:
    case, cf = setup(scenarios)
    claim, creditor = case.claim, case.creditor
    borrower = case.borrower_side
    cons = case.negotiation.constraints or rp.Constraints()
    rate = float(claim.annual_rate)
    from repayplan.negotiate import seasonal_weights

    base = dict(
        term=[36, 48, 60, 72, 84],
        grace=[0, 6, 12],
        penalty_waiver=[0.0, 0.5, 1.0],
        seasonal=[None, seasonal_weights(cf)],
    )
    coarse = rp.SearchSpace(annual_rate=rp.Range(rate * 0.5, rate, n=3), **base)
    fine = rp.SearchSpace(annual_rate=rp.Range(rate * 0.5, rate, n=41), **base)
    rp.negotiate(
        claim, cf, creditor, space=coarse, constraints=cons, borrower=borrower, refine=False
    )  # warm-up
    t = time.perf_counter()
    res = rp.negotiate(claim, cf, creditor, space=coarse, constraints=cons, borrower=borrower)
    t_search = time.perf_counter() - t
    t = time.perf_counter()
    every = rp.negotiate(
        claim, cf, creditor, space=fine, constraints=cons, borrower=borrower, refine=False
    )
    t_fine = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    default = rp.negotiate(claim, cf, creditor, constraints=cons, borrower=borrower)
    t_default, c_default = time.perf_counter() - t, time.process_time() - c
    found = float(np.exp(res.evaluated["objective"].max()))
    best = float(np.exp(every.evaluated["objective"].max()))
    gap = (best - found) / best
    return [
        {
            "case": f"negotiate, sample case, {scenarios:,} scenarios, default space ({len(default.evaluated)} plans)",
            "seconds": t_default,
            "cpu_seconds": c_default,
            "gap_vs_exhaustive": np.nan,
            "ratio_vs_exhaustive": np.nan,
        },
        {
            "case": f"negotiate, coarse grid + refinement ({len(res.evaluated)} plans)",
            "seconds": t_search,
            "gap_vs_exhaustive": gap,
            "ratio_vs_exhaustive": t_fine / t_search,
        },
        {
            "case": f"exhaustive fine grid ({len(every.evaluated)} plans)",
            "seconds": t_fine,
            "gap_vs_exhaustive": 0.0,
            "ratio_vs_exhaustive": 1.0,
        },
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.4f}"))
