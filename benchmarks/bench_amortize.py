"""amortize_many against a per-loan Python loop and numpy-financial's ipmt/ppmt.

Same loans for all three; the figures are checked before timing.  Run through
``python benchmarks/run.py`` (or directly).  Prints a table with ratios.
"""

from __future__ import annotations

import time

import numpy as np
import numpy_financial as npf
import pandas as pd

import repayplan as rp


def book(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "principal": rng.integers(10_000, 5_000_000, n) / 1.0,
        "annual_rate": rng.integers(200, 1500, n) / 10_000,
        "periods": rng.integers(12, 361, n),
    })


def best_of(f, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(n: int = 100_000, loop_sample: int = 1_000) -> list[dict]:
    df = book(n)
    # correctness first: the batch equals the per-loan engine on a sample
    summary = rp.amortize_many(df.iloc[:200])
    for i, r in df.iloc[:200].iterrows():
        s = rp.amortize(r.principal, r.annual_rate, int(r.periods))
        assert s.total_interest == summary.loc[i, "total_interest"] and s.payment == summary.loc[i, "payment"]

    t_dec, _ = best_of(lambda: rp.amortize_many(df))
    t_min, _ = best_of(lambda: rp.amortize_many(df, amounts="minor"))
    sample = df.iloc[:loop_sample]
    t_loop_sample, _ = best_of(
        lambda: [rp.amortize(r.principal, r.annual_rate, int(r.periods)) for r in sample.itertuples()], repeat=1
    )
    t_loop = t_loop_sample * n / loop_sample

    def with_npf():
        T = int(df["periods"].max())
        per = np.arange(1, T + 1)[None, :]
        rate = (df["annual_rate"].to_numpy() / 12)[:, None]
        nper = df["periods"].to_numpy()[:, None]
        pv = df["principal"].to_numpy()[:, None]
        live = per <= nper
        ip = np.where(live, -npf.ipmt(rate, np.minimum(per, nper), nper, pv), 0.0)
        pp = np.where(live, -npf.ppmt(rate, np.minimum(per, nper), nper, pv), 0.0)
        return ip.sum(axis=1), pp.sum(axis=1)

    t_npf, (ip, pp) = best_of(with_npf, repeat=1)
    # numpy-financial never rounds: the same loans, its unrounded payment is within half a
    # cent of ours and its principal column sums to the principal
    ours = rp.amortize_many(df, amounts="minor")
    unrounded = -npf.pmt(df["annual_rate"].to_numpy() / 12, df["periods"].to_numpy(), df["principal"].to_numpy())
    assert np.all(np.abs(ours["payment"].to_numpy() / 100 - unrounded) <= 0.005 + 1e-9 * unrounded)
    assert np.allclose(pp, df["principal"].to_numpy(), rtol=1e-9)
    # total interest: each period's half-cent roundings (payment and interest) compound at
    # the loan rate until the last payment absorbs them, so the gap is bounded by
    # 0.01 * ((1 + r)^n - 1) / r
    r = df["annual_rate"].to_numpy() / 12
    periods = df["periods"].to_numpy()
    bound = 0.01 * np.expm1(periods * np.log1p(r)) / r + 0.01
    assert np.all(np.abs(ours["total_interest"].to_numpy() / 100 - ip) <= bound)
    return [
        {"case": f"amortize_many, {n:,} loans (Decimal amounts)", "seconds": t_dec, "ratio_vs_loop": t_loop / t_dec},
        {"case": f"amortize_many, {n:,} loans (minor units)", "seconds": t_min, "ratio_vs_loop": t_loop / t_min},
        {"case": f"numpy-financial ipmt/ppmt, {n:,} loans (floats, unrounded)", "seconds": t_npf, "ratio_vs_loop": t_loop / t_npf},
        {"case": f"per-loan loop over rp.amortize (timed on {loop_sample:,}, scaled)", "seconds": t_loop, "ratio_vs_loop": 1.0},
    ]


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
