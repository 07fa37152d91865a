"""The borrower's cash from its own numbers: a statsmodels fit plus 1,000 scenarios x 120
months (target: within a second on one core), and a bank statement of 50,000 lines to monthly
net cash.

``python benchmarks/bench_forecast.py --calibration [SEEDS]`` measures instead how well the
90% band of each calibration covers held-out months on synthetic histories with a known truth
(the figures quoted in docs/concepts/forecast.md).
"""

from __future__ import annotations

import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # one core, as benchmarks/run.py does

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import repayplan as rp  # noqa: E402
from repayplan import forecast  # noqa: E402

SHAPE = np.array([0.6, 0.5, 0.9, 1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.3, 1.6, 2.2])
SHAPE = SHAPE * 12 / SHAPE.sum()


def synth(seed, n=60, sigma=0.12, trend=-0.05, phi=0.0):
    """Known truth: 50,000 (1+trend)^(t/12) w[t mod 12] exp(sigma z_t), z an AR(phi) N(0,1)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    e = rng.standard_normal(n)
    z = np.empty(n)
    z[0] = e[0]
    for i in range(1, n):
        z[i] = phi * z[i - 1] + np.sqrt(1 - phi**2) * e[i]
    y = 50_000 * (1 + trend) ** (t / 12) * SHAPE[t % 12] * np.exp(sigma * z)
    return pd.Series(y, index=pd.period_range("2021-01", periods=n, freq="M"))


def _best_of(f, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(repeat=5) -> list[dict]:
    history = synth(1, n=60)
    rp.CashFlow.from_history(history, months=12, scenarios=10, seed=0)  # imports statsmodels
    rows = []
    for model in ("auto", "ets", "level"):
        t, cf = _best_of(
            lambda m=model: rp.CashFlow.from_history(
                history, months=120, scenarios=1000, seed=1, model=m
            ),
            repeat,
        )
        assert cf.values.shape == (1000, 120)
        rows.append(
            {
                "case": f"from_history model={model!r} (60 months; fit, conformal "
                f"backtests, 1,000 x 120)",
                "seconds": t,
                "target_s": 1.0,
                "ratio_vs_target": 1.0 / t,
            }
        )
    t, _ = _best_of(
        lambda: rp.CashFlow.from_history(
            history, months=120, scenarios=1000, seed=1, calibration="none"
        ),
        repeat,
    )
    rows.append(
        {
            "case": "from_history auto, plain simulation (no backtests)",
            "seconds": t,
            "target_s": 1.0,
            "ratio_vs_target": 1.0 / t,
        }
    )
    # a statement of 50,000 lines over five years, exact monthly sums
    rng = np.random.default_rng(0)
    n = 50_000
    days = np.sort(rng.integers(0, 5 * 365, n))
    fen = rng.integers(-5_000_000, 5_000_000, n)
    lines = pd.DataFrame({
        "date": (pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d"),
        "amount": [f"{x / 100:.2f}" for x in fen],
        "balance": [f"{x / 100:.2f}" for x in 10**9 + np.cumsum(fen)],
        "counterparty": rng.choice(["客户甲", "供应商乙", "本公司一般户"], n),
    })  # fmt: skip
    t, cf = _best_of(
        lambda: rp.CashFlow.from_transactions(lines, own_accounts=["本公司一般户"]),
        max(1, repeat // 2),
    )
    rows.append(
        {
            "case": f"from_transactions {n:,} lines, balances reconciled",
            "seconds": t,
            "target_s": float("nan"),
            "ratio_vs_target": float("nan"),
        }
    )
    return rows


def calibration(seeds=60, n=60, held_out=12) -> pd.DataFrame:
    """Coverage of the 90% band and MAPE over held-out months, per calibration and noise."""
    out = []
    for phi in (0.0, 0.5):
        cover = {c: [] for c in forecast.CALIBRATIONS}
        mape = {c: [] for c in forecast.CALIBRATIONS}
        naive_cover, naive_mape = [], []
        for seed in range(seeds):
            s = synth(seed, n=n, phi=phi)
            train, test = s.iloc[: n - held_out], s.iloc[n - held_out :].to_numpy()
            fit = forecast.fit_history(train)
            for c in forecast.CALIBRATIONS:
                if c == "bootstrap" and fit.model not in ("ets", "level"):
                    continue
                v, _ = forecast.simulate(
                    fit,
                    held_out,
                    scenarios=1000,
                    rng=np.random.default_rng(seed + 1000),
                    calibration=c,
                )
                lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95], axis=0)
                cover[c].append(np.mean((lo <= test) & (test <= hi)))
                mape[c].append(np.mean(np.abs(test - med) / test))
            lo, p, hi = forecast._naive_band(train.to_numpy(), held_out, True)
            naive_cover.append(np.mean((lo <= test) & (test <= hi)))
            naive_mape.append(np.mean(np.abs(test - p) / test))
        for c in forecast.CALIBRATIONS:
            out.append(
                {
                    "noise": f"AR({phi})",
                    "forecast": f"auto, {c}",
                    "coverage_90": np.mean(cover[c]),
                    "mape": np.mean(mape[c]),
                }
            )
        out.append(
            {
                "noise": f"AR({phi})",
                "forecast": "seasonal naive",
                "coverage_90": np.mean(naive_cover),
                "mape": np.mean(naive_mape),
            }
        )
    return pd.DataFrame(out)


if __name__ == "__main__":
    fmt = {"float_format": lambda x: f"{x:,.3f}", "index": False}
    if "--calibration" in sys.argv:
        rest = [a for a in sys.argv[1:] if a != "--calibration"]
        print(calibration(int(rest[0]) if rest else 60).to_string(**fmt))
    else:
        print(pd.DataFrame(main()).to_string(**fmt))
