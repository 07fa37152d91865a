"""The enforcement path: building it, and evaluating plans against it.

Times ``Enforcement.from_security`` on the sample case's security (1,000 scenarios), the
value on one owed amount, on 250 distinct owed amounts (blocks of the exact path) and on
100,000 (a grid of 1,025 points, kept per discount rate), and ``rp.evaluate`` of 200 plans with the path against the same
plans with the quick form.  The grid is checked against the exact values first.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import repayplan as rp
from repayplan.case import Case


def main(n_plans=200) -> list[dict]:
    case = Case.sample()
    sec, claim = case.security, case.claim
    t = time.perf_counter()
    enf = rp.Enforcement.from_security(sec, claim, seed=17)
    t_build = time.perf_counter() - t
    path = enf.path
    t = time.perf_counter()
    path.value(float(claim.total), 0.06)
    t_one = time.perf_counter() - t
    x = np.linspace(0, float(claim.total), 250)
    t = time.perf_counter()
    exact = path.value(x, 0.06)
    t_exact = time.perf_counter() - t
    many = np.linspace(0, float(claim.total), 100_000)
    t = time.perf_counter()
    grid = path.value(many, 0.07)
    t_grid = time.perf_counter() - t
    assert np.abs(np.interp(x, many, grid) - path.value(x, 0.07)).max() < 50.0
    assert exact.shape == (250,)
    rng = np.random.default_rng(1)
    plans = [
        rp.Plan(term=int(t_), grace=int(g), annual_rate=float(r))
        for t_, g, r in zip(
            rng.integers(24, 85, n_plans),
            rng.integers(0, 13, n_plans),
            rng.choice([0.02, 0.0325, 0.0435], n_plans),
            strict=True,
        )
    ]
    creditor = case.creditor
    quick = creditor.replace(
        enforcement=rp.Enforcement(enf.recovery_rate, enf.delay_months, enf.costs)
    )
    rp.evaluate(plans[:3], claim, case.cashflow, creditor, check_rules=False)
    t = time.perf_counter()
    rp.evaluate(plans, claim, case.cashflow, quick, check_rules=False)
    t_quick = time.perf_counter() - t
    t = time.perf_counter()
    rp.evaluate(
        plans, claim, case.cashflow, creditor.replace(discount_rate=0.065), check_rules=False
    )
    t_path = time.perf_counter() - t
    return [
        {"case": "from_security, sample case, 1,000 scenarios", "seconds": t_build, "ratio": 1.0},
        {"case": "value on the claim", "seconds": t_one, "ratio": 1.0},
        {"case": "value on 250 owed amounts (exact)", "seconds": t_exact, "ratio": 1.0},
        {"case": "value on 100,000 owed amounts (grid, new rate)", "seconds": t_grid, "ratio": 1.0},
        {"case": f"evaluate {n_plans} plans, quick form", "seconds": t_quick, "ratio": 1.0},
        {
            "case": f"evaluate {n_plans} plans, path (grid built)",
            "seconds": t_path,
            "ratio": t_path / t_quick,
        },
        *portfolio_rows(),
    ]


def portfolio_rows(n: int | None = None) -> list[dict]:
    """100,000 accounts with a security each (``REPAYPLAN_BENCH_N`` overrides): the enforcement
    value of all of them by ``security.values_many``, and ``portfolio.evaluate`` (3 standard
    offers, 64 scenarios) on the secured book against the same book in the quick form.  Every
    account gets one collateral item (kinds in turn) and every other one a guarantee; the
    values of a sample are checked against ``Enforcement.from_security`` first."""
    import os

    from repayplan import portfolio as pf
    from repayplan import security

    n = int(os.environ.get("REPAYPLAN_BENCH_N", 100_000)) if n is None else n
    book = pf.synthetic_book(n, seed=3)
    kinds = np.array(list(security.KINDS))
    sec = book.assign(
        collateral_appraisal=(book["principal"] * 0.8).round(2),
        collateral_kind=kinds[np.arange(n) % len(kinds)],
        guarantee_capacity=np.where(
            np.arange(n) % 2 == 0, (book["principal"] * 0.3).round(2), np.nan
        ),
    )
    sample = sec.iloc[:5]
    got = security.values_many(sample)
    for i, r in sample.iterrows():
        claim = rp.Claim(
            principal=r["principal"],
            interest=r["interest"],
            penalty=r["penalty"],
            fees=r["fees"],
            annual_rate=r["annual_rate"],
            as_of=r["as_of"].date(),
        )
        gua = (
            [rp.Guarantee("g", capacity=r["guarantee_capacity"])]
            if r["guarantee_capacity"] == r["guarantee_capacity"]
            else []
        )
        s = rp.Security(
            collateral=[
                rp.Collateral("c", appraisal=r["collateral_appraisal"], kind=r["collateral_kind"])
            ],
            guarantees=gua,
            unsecured_recovery=r["recovery_rate"],
        )
        want = rp.Enforcement.from_security(s, claim, exact=True).path.value(discount_rate=0.06)
        assert abs(got[i] - want) <= 1e-9 * abs(want) + 1e-6
    offers = pf.standard_offers()
    t = time.perf_counter()
    security.values_many(sec)
    t_values = time.perf_counter() - t
    t = time.perf_counter()
    pf.evaluate(book, offers, progress=False)
    t_quick = time.perf_counter() - t
    t = time.perf_counter()
    pf.evaluate(sec, offers, progress=False)
    t_sec = time.perf_counter() - t
    return [
        {
            "case": f"values_many, {n:,} secured accounts (claim total, exact)",
            "seconds": t_values,
            "ratio": 1.0,
        },
        {
            "case": f"portfolio.evaluate, {n:,} accounts, quick form",
            "seconds": t_quick,
            "ratio": 1.0,
        },
        {
            "case": f"portfolio.evaluate, {n:,} accounts, each secured",
            "seconds": t_sec,
            "ratio": t_sec / t_quick,
        },
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
