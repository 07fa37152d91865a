"""res.sensitivity() and rp.break_even on the sample manufacturer case with 1,000 scenarios.

Prints the time of the default negotiation (concessions of the shortlist costed in one batch),
of its sensitivity table (seven assumptions pushed down and up, the shortlist re-evaluated on
the same seeded scenarios for each push) and of one break-even search (brentq).
"""

from __future__ import annotations

import time

import pandas as pd

import repayplan as rp


def main(scenarios=1_000) -> list[dict]:
    case = rp.Case.sample()
    cf = case.projection.replace(scenarios=scenarios).cashflow()
    kw = case.negotiation.kwargs()
    rp.negotiate(case.claim, cf, case.creditor, borrower=case.borrower_side, **kw)       # warm-up
    t = time.perf_counter()
    res = rp.negotiate(case.claim, cf, case.creditor, borrower=case.borrower_side, **kw)
    t_neg = time.perf_counter() - t
    t = time.perf_counter()
    s = res.sensitivity()
    t_sens = time.perf_counter() - t
    # the discounted pay-off of the case against suing (the recommended plan beats enforcement
    # at any recovery rate, so it has no break-even)
    settle = case.plan("Settlement")
    t = time.perf_counter()
    try:
        x = rp.break_even(settle, case.claim, cf, case.creditor, "recovery_rate")
    except rp.InfeasibleError:
        x = float("nan")
    t_be = time.perf_counter() - t
    return [
        {"case": f"negotiate, sample case, {scenarios:,} scenarios, concessions costed "
                 f"({len(res.evaluated)} plans, {len(res.concessions)} concessions)", "seconds": t_neg},
        {"case": f"res.sensitivity() ({len(s.table)} pushes)", "seconds": t_sens},
        {"case": f"rp.break_even(settlement, recovery_rate) = {x:.4f}", "seconds": t_be},
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.4f}"))
