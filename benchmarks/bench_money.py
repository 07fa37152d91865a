"""Exact money (#14): what the integer shaped payments and the decimal columns cost.

* Shaped payments (balloon, step-up, seasonal): the exact integer solution of the plan's
  equation (``plans._shaped_payments``) against the float formula it replaced (written out
  here), on the same plans; the two are checked to agree within one fen first, and the number
  of plans where they differ is printed.
* Money columns: ``money.decimal_column`` (an Arrow ``decimal128`` column from int64 minor
  units) and ``money.sum_minor`` against the float columns ``evaluate`` used to build
  (``minor / 100`` and ``.sum``), for one million amounts.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

import repayplan as rp
from repayplan import money
from repayplan import plans as plans_mod


def float_shaped(plan, t, B, claim) -> list[int]:
    """The float formula the integer solution replaced (minor units of months 1..m-1)."""
    m = plan.term - plan.grace
    rho = float(t.rate) / 12
    k = np.arange(1, m + 1)
    w = (1.0 + plan.step_up) ** ((k - 1) // 12)
    if plan.seasonal is not None:
        months = ((claim.as_of.month + plan.grace) % 12 + k - 1) % 12
        w = w * np.asarray(plan.seasonal)[months]
    p0 = (B - plan.balloon * B * (1.0 + rho) ** -m) / float((w * (1.0 + rho) ** -k).sum())
    ws = w[:1] if plan.step_up == 0 and plan.seasonal is None else w[:-1]
    return [
        int(Decimal(repr(float(p0 * x))).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for x in ws
    ]


def exact_shaped(plan, t, B, claim) -> list[int]:
    out = plans_mod._shaped_payments(plan, t, B, claim)
    pays = [out["payment"]] if "payment" in out else out["method"][:-1]
    return [int(p * 10**t.units) for p in pays]


def main(n_plans=2_000, n_amounts=1_000_000) -> list[dict]:
    rng = np.random.default_rng(0)
    cases = []
    for i in range(n_plans):
        cents = int(rng.integers(1, 10**9)) * 10 ** int(rng.integers(0, 6))  # 0.01 .. 10**12
        claim = rp.Claim(
            principal=money.from_minor(cents, 2),
            annual_rate=0.05,
            as_of=date(2026, int(rng.integers(1, 13)), 1),
        )
        kind = i % 3
        plan = rp.Plan(
            term=int(rng.integers(2, 361)),
            annual_rate=float(rng.choice([0.0, 0.0365, 0.0435, 0.06, 0.12, 0.18])),
            balloon=0.3 if kind == 0 else 0.0,
            step_up=0.05 if kind == 1 else 0.0,
            seasonal=tuple([1.5] * 6 + [0.5] * 6) if kind == 2 else None,
        )
        t = plans_mod.apply_terms(plan, claim)
        cases.append((plan, t, t.financed, claim))
    exact = [exact_shaped(*c) for c in cases]
    approx = [float_shaped(*c) for c in cases]
    worst = max(
        max(abs(a - b) for a, b in zip(x, y, strict=True))
        for x, y in zip(exact, approx, strict=True)
    )
    assert worst <= 1, worst  # they agree within a fen
    differ = sum(x != y for x, y in zip(exact, approx, strict=True))
    t0 = time.perf_counter()
    for c in cases:
        exact_shaped(*c)
    t_exact = time.perf_counter() - t0
    t0 = time.perf_counter()
    for c in cases:
        float_shaped(*c)
    t_float = time.perf_counter() - t0

    minor = rng.integers(0, 10**12, size=n_amounts, dtype=np.int64)
    matrix = rng.integers(0, 10**9, size=(n_amounts // 100, 101), dtype=np.int64)
    money.decimal_column(minor[:10], 2)  # warm-up: pyarrow's import is not the column's cost
    t0 = time.perf_counter()
    col = pd.Series(money.decimal_column(minor, 2))
    t_dec = time.perf_counter() - t0
    t0 = time.perf_counter()
    pd.Series(minor / 100.0)
    t_flt = time.perf_counter() - t0
    assert col.iloc[7] == money.from_minor(int(minor[7]), 2)
    t0 = time.perf_counter()
    sums = money.sum_minor(matrix, axis=1)
    t_sum = time.perf_counter() - t0
    t0 = time.perf_counter()
    (matrix / 100.0).sum(axis=1)
    t_fsum = time.perf_counter() - t0
    assert int(sums[3]) == sum(int(x) for x in matrix[3])
    return [
        {
            "case": f"shaped payments, {n_plans:,} plans of 2-360 months: exact integers",
            "seconds": t_exact,
            "ratio_vs_float": t_exact / t_float,
            "note": f"{differ} of {n_plans} plans differ by a fen from the float formula",
        },
        {
            "case": "shaped payments: the float formula replaced",
            "seconds": t_float,
            "ratio_vs_float": 1.0,
            "note": "",
        },
        {
            "case": f"decimal_column of {n_amounts:,} int64 amounts",
            "seconds": t_dec,
            "ratio_vs_float": t_dec / t_flt,
            "note": "Arrow decimal128(38, 2)",
        },
        {
            "case": f"sum_minor of {n_amounts // 100:,} x 101 payments",
            "seconds": t_sum,
            "ratio_vs_float": t_sum / t_fsum,
            "note": "int64, exact",
        },
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
