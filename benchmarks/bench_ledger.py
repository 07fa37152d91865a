"""The one ledger (repayplan.ledger.replay): time per replay, and what 10,000 would take.

``Loan.claim`` and ``Agreement.status`` on 36-instalment contracts with 12 payments each
(on time, late, partial), as a case register replays its agreements.  The ledger loops over
events and computes over instalments; a register of 10,000 agreements replayed one by one
takes 10,000 × the time per replay (the "extrapolated" column), which is the baseline a
batched replay must beat.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

import repayplan as rp
from repayplan import ledger
from repayplan.tracking import Agreement


def setup(n=200, seed=0):
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        start = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 300)))
        rate = Decimal(int(rng.integers(300, 800))) / 10000
        principal = int(rng.integers(50_000, 2_000_000))
        loan = rp.Loan(principal, rate, 36, start, penalty_markup=Decimal("0.5"), rules="cn-bank")
        claim = rp.Claim(
            principal=principal,
            annual_rate=rate,
            penalty_markup=Decimal("0.5"),
            rules="cn-bank",
            as_of=start,
        )
        ag = Agreement(
            rp.Plan(term=36, annual_rate=float(rate)),
            claim,
            grace_days=int(i % 5),
            name=f"case {i}",
        )
        pay = int(loan.schedule().payment)
        pays = [
            (
                start + timedelta(days=31 * k + int(rng.integers(0, 20))),
                int(pay * rng.choice([1, 1, 1, 0.5, 0])),
            )
            for k in range(1, 13)
        ]
        cases.append((loan, ag, pays, start + timedelta(days=400)))
    return cases


def main(n=200, register=10_000) -> list[dict]:
    cases = setup(n)
    rows = []
    from repayplan.tracking import figures_many

    ags = [cases[i % n][1] for i in range(register)]
    pays = [cases[i % n][2] for i in range(register)]
    day = max(c[3] for c in cases)
    figures_many(ags[:10], day, pays[:10])
    t = time.perf_counter()
    batch = figures_many(ags, day, pays)
    t_batch = time.perf_counter() - t
    alone = [ledger.figures(c[1].ledger(day, c[2]), day) for c in cases[:20]]
    assert all(int(batch.loc[i, "penalty"] * 100) == alone[i]["penalty"] for i in range(20))
    rows.append(
        {
            "replay": f"figures_many ({register:,} agreements, batched)",
            "n": register,
            "seconds per replay": t_batch / register,
            "extrapolated 10,000 (s)": t_batch / register * 10_000,
        }
    )
    for name, call in (
        ("Loan.claim", lambda c: c[0].claim(c[3], c[2])),
        ("Agreement.status", lambda c: c[1].status(c[3], c[2])),
        ("Agreement.ledger + figures", lambda c: ledger.figures(c[1].ledger(c[3], c[2]), c[3])),
    ):
        call(cases[0])
        t = time.perf_counter()
        for c in cases:
            call(c)
        per = (time.perf_counter() - t) / n
        rows.append(
            {
                "replay": name,
                "n": n,
                "seconds per replay": per,
                "extrapolated 10,000 (s)": per * 10_000,
            }
        )
    return rows


if __name__ == "__main__":
    import pandas as pd

    print(pd.DataFrame(main()).to_string(index=False))
