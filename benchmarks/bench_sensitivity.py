"""res.sensitivity() and rp.break_even on the sample manufacturer case with 1,000 scenarios.

Prints the time of the default negotiation (concessions of the shortlist costed in one batch),
of its sensitivity table (seven assumptions pushed down and up, the search re-run for each
push on every plan the negotiation evaluated, on the same seeded scenarios) and of one
break-even search (brentq); wall-clock seconds and the process's CPU seconds (on a shared
machine the CPU time is the steadier figure).
"""

from __future__ import annotations

import time

import pandas as pd

import repayplan as rp


def main(scenarios=1_000) -> list[dict]:
    case = rp.Case.sample()
    cf = case.projection.replace(scenarios=scenarios).cashflow()
    kw = case.negotiation.kwargs()
    rp.negotiate(case.claim, cf, case.creditor, borrower=case.borrower_side, **kw)  # warm-up
    t, c = time.perf_counter(), time.process_time()
    res = rp.negotiate(case.claim, cf, case.creditor, borrower=case.borrower_side, **kw)
    t_neg, c_neg = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    s = res.sensitivity()
    t_sens, c_sens = time.perf_counter() - t, time.process_time() - c
    # the settlement against suing (it defaults on this cash, so it has no break-even)
    settle = case.plan("Settlement")
    t, c = time.perf_counter(), time.process_time()
    try:
        x = rp.break_even(settle, case.claim, cf, case.creditor, "recovery_rate")
    except rp.InfeasibleError:
        x = float("nan")
    t_be, c_be = time.perf_counter() - t, time.process_time() - c
    # the recommended plan against the security-based path: above which unsecured recovery
    # does suing win (the path pushed on the same drawn scenarios)
    t, c = time.perf_counter(), time.process_time()
    y = rp.break_even(res.best, case.claim, cf, case.creditor, "recovery_rate")
    t_rec, c_rec = time.perf_counter() - t, time.process_time() - c
    return [
        {
            "case": f"negotiate, sample case, {scenarios:,} scenarios, concessions costed "
            f"({len(res.evaluated)} plans, {len(res.concessions)} concessions)",
            "seconds": t_neg,
            "cpu_seconds": c_neg,
        },
        {
            "case": f"res.sensitivity() ({len(s.table)} pushes, search re-run on {len(res.evaluated)} plans; "
            f"recommendation changes: {s.recommendation_changes})",
            "seconds": t_sens,
            "cpu_seconds": c_sens,
        },
        {
            "case": f"rp.break_even(settlement, recovery_rate) = {x:.4f}",
            "seconds": t_be,
            "cpu_seconds": c_be,
        },
        {
            "case": f"rp.break_even(recommended, recovery_rate) = {y:.4f} (unsecured recovery on the path)",
            "seconds": t_rec,
            "cpu_seconds": c_rec,
        },
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.4f}"))
