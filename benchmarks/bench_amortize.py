"""The engine against its peers and a compiled reference loop, in one run.

Every comparison runs the same loans through each contender and checks the figures first:

* **one 360-month schedule** (100,000 at 6 %): ``rp.amortize`` against mortgagemath (Decimal,
  rows equal to ours cent for cent), amortization (floats; rows within a cent), numpy-financial
  ``ipmt``/``ppmt`` arrays (floats, unrounded; payment within half a cent, principal summing to
  the loan) and a C loop compiled here with gcc (``reference_loop.c``, called through ctypes;
  rows equal to ours).  Goal: ``rp.amortize`` faster than the fastest peer; the ratios
  against every peer are printed (``peer/ours``: above 1, ours is faster), for the schedule
  and for its Decimal table read the first time.
* **100,000 loans, plain columns** (principal, rate, periods): ``amortize_many`` against the
  C loop over the same loans (payments and total interest equal).  Goal: within 3×.
* **100,000 loans, every column type** (start dates, four day counts, business-day rolling,
  grace of both kinds, fees, given payments, mixed methods and frequencies, rate changes,
  balloons, compounding, currencies, float-noise rates) and **float-noise rates alone**,
  against the plain batch.  Goal: within 2×.  A sample is checked equal to ``rp.amortize``.
* **rows output** of the 100,000 plain loans in the default int64 minor units and as Arrow
  decimals (``amounts="arrow"``), and of the 100,000 every-column loans (several
  representation groups) in the default: CPU time, and the peak resident memory of a fresh
  process (``ru_maxrss``).  Goal: within 2 GB.

Times are CPU seconds (process time, best of a few runs): every contender is
single-threaded, and CPU time keeps the ratios honest on a shared machine.

``python benchmarks/run.py bench_amortize`` prints the table; ``REPAYPLAN_BENCH_N`` sets the
number of loans (default 100,000).  Peers are installed for benchmarks only
(``pip install mortgagemath amortization``, the ``bench`` extra).
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pandas as pd

import repayplan as rp

HERE = Path(__file__).parent
N = int(os.environ.get("REPAYPLAN_BENCH_N", "100000"))


def best_of(f, repeat=5, number=1):
    """Best CPU time (process time) of ``f``: every contender is single-threaded, and CPU
    time keeps the ratios honest on a machine whose cores other jobs share."""
    times, out = [], None
    for _ in range(repeat):
        t = time.process_time()
        for _ in range(number):
            out = f()
        times.append((time.process_time() - t) / number)
    return min(times), out


def compiled_loop():
    """Build ``reference_loop.c`` with gcc into a temporary folder and load it (None without gcc)."""
    out = Path(tempfile.mkdtemp()) / "reference_loop.so"
    try:
        subprocess.run(
            [
                "gcc",
                "-O2",
                "-shared",
                "-fPIC",
                "-o",
                str(out),
                str(HERE / "reference_loop.c"),
                "-lm",
            ],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    lib = ctypes.CDLL(str(out))
    i64, p64 = ctypes.c_int64, ctypes.POINTER(ctypes.c_int64)
    lib.level_schedule.argtypes = [i64, i64, i64, i64, p64, p64, p64]
    lib.level_schedule.restype = i64
    lib.level_batch.argtypes = [i64, p64, p64, p64, p64, p64, p64, p64]
    lib.level_batch.restype = None
    return lib


def ptr(a: np.ndarray):
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))


# --------------------------------------------------------------------------------------
# one schedule
# --------------------------------------------------------------------------------------
def single(lib) -> list[dict]:
    import mortgagemath as mm
    from amortization.schedule import amortization_schedule

    B, r, n = 100_000, 0.06, 360
    s = rp.amortize(B, r, n)
    ours = s.minor
    # mortgagemath with half-up payment rounding and rounded balances: our convention, exactly
    loan = mm.LoanParams(
        principal=Decimal(B),
        annual_rate=Decimal("6"),
        term_months=n,
        payment_rounding=mm.PaymentRounding.ROUND_HALF_UP,
    )
    rows = mm.amortization_schedule(loan)[1:]
    assert [(x.interest, x.principal, x.balance) for x in rows] == list(
        zip(s.table["interest"], s.table["principal"], s.table["closing_balance"], strict=True)
    )
    # amortization: float payment (unrounded), interest rounded with round(): within a cent
    am = list(amortization_schedule(B, r, n))
    assert len(am) == n and abs(am[-1].balance) < 1e-6
    assert (
        max(abs(x.interest - float(y)) for x, y in zip(am, s.table["interest"], strict=True))
        <= 0.011
    )
    # numpy-financial: unrounded floats; the payment within half a cent, principal sums to B
    per = np.arange(1, n + 1)
    ip, pp = npf.ipmt(r / 12, per, n, B), npf.ppmt(r / 12, per, n, B)
    assert abs(-(ip[0] + pp[0]) - float(s.payment)) <= 0.005 and abs(-pp.sum() - B) < 1e-6
    out = []
    t_rp, _ = best_of(lambda: rp.amortize(B, r, n), number=20)
    t_minor, _ = best_of(lambda: rp.amortize(B, r, n).minor, number=20)
    t_table, _ = best_of(lambda: rp.amortize(B, r, n).table, number=5)
    t_mm, _ = best_of(lambda: mm.amortization_schedule(loan), number=5)
    t_am, _ = best_of(lambda: list(amortization_schedule(B, r, n)), number=20)
    t_npf, _ = best_of(
        lambda: (npf.ipmt(r / 12, per, n, B), npf.ppmt(r / 12, per, n, B)), number=20
    )
    peers = {
        "mortgagemath (Decimal rows)": t_mm,
        "amortization (float rows, list)": t_am,
        "numpy-financial ipmt+ppmt (float arrays)": t_npf,
    }
    if lib is not None:
        ib, pb, pay = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(1, np.int64)
        k = lib.level_schedule(B * 100, 6, 1200, n, ptr(ib), ptr(pb), ptr(pay))
        assert k == n and int(pay[0]) == int(ours["payment"][0])
        assert (ib == ours["interest"].to_numpy()).all() and (
            pb == ours["principal"].to_numpy()
        ).all()
        t_c, _ = best_of(
            lambda: lib.level_schedule(B * 100, 6, 1200, n, ptr(ib), ptr(pb), ptr(pay)), number=200
        )
        peers["compiled C loop (ctypes)"] = t_c
    real = {name: t for name, t in peers.items() if "C loop" not in name}
    fastest_name = min(real, key=real.__getitem__)
    fastest = real[fastest_name]
    out.append(
        {
            "case": "one 360-month schedule: rp.amortize (Schedule; table built on use)",
            "seconds": t_rp,
            "ratio": 1.0,
            "goal": f"faster than the fastest peer ({fastest_name.split(' ')[0]})",
            "met": t_rp < fastest,
            # ratios against every peer: its time over ours (above 1: we are faster)
            **{f"peer/ours {name.split(' ')[0]}": t / t_rp for name, t in peers.items()},
        }
    )
    out.append(
        {
            "case": "  rp.amortize(...).minor (int64 rows as a DataFrame)",
            "seconds": t_minor,
            "ratio": t_minor / t_rp,
            "goal": "",
            "met": "",
        }
    )
    out.append(
        {
            "case": "  rp.amortize(...).table, first read (Decimal rows as a DataFrame)",
            "seconds": t_table,
            "ratio": t_table / t_rp,
            "goal": "faster than every peer's whole schedule",
            "met": t_table < fastest,
            **{f"peer/ours {name.split(' ')[0]}": t / t_table for name, t in real.items()},
        }
    )
    for name, t in peers.items():
        out.append({"case": f"  {name}", "seconds": t, "ratio": t / t_rp, "goal": "", "met": ""})
    return out


# --------------------------------------------------------------------------------------
# batches
# --------------------------------------------------------------------------------------
def plain_book(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "principal": rng.integers(10_000, 5_000_000, n) / 1.0,
            "annual_rate": rng.integers(200, 1500, n) / 10_000,
            "periods": rng.integers(12, 361, n),
        }
    )


def every_column_book(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = plain_book(n, seed)
    df["annual_rate"] = df["annual_rate"] + rng.choice(
        [0.0, 0.0035, 0.1 + 0.2 - 0.3], n
    )  # float noise
    df["start"] = pd.to_datetime("2025-01-31") + pd.to_timedelta(rng.integers(0, 700, n), "D")
    df["day_count"] = rng.choice(["30/360", "ACT/360", "ACT/365F", "ACT/ACT"], n)
    df["business_day"] = rng.choice(["unadjusted", "following", "modified_following"], n)
    df["method"] = rng.choice(["level", "equal_principal", "interest_only"], n, p=[0.6, 0.3, 0.1])
    df["frequency"] = rng.choice([12, 4, 26], n, p=[0.8, 0.1, 0.1])
    df["grace"] = rng.choice([0, 0, 3, 6], n)
    df["grace_kind"] = rng.choice(["interest_only", "deferral"], n)
    df["fee"] = rng.integers(0, 4, n) * 2.5
    df["payment"] = np.where(rng.random(n) < 0.1, df["principal"] / 50, np.nan).round(2)
    df["amortization_periods"] = np.where(rng.random(n) < 0.1, 480, np.nan)
    df["compounding"] = np.where(rng.random(n) < 0.05, 2, np.nan)
    df["rate_changes"] = [({24: 0.05} if x < 0.2 else None) for x in rng.random(n)]
    df["currency"] = rng.choice(["CNY", "USD"], n)
    # combinations amortize refuses are left out
    df.loc[df["compounding"].notna(), "day_count"] = "30/360"
    given = df["payment"].notna() | df["amortization_periods"].notna()
    df.loc[given, "method"] = "level"
    df.loc[df["payment"].notna(), "amortization_periods"] = np.nan
    df.loc[df["payment"].notna(), "periods"] = 360
    df.loc[df["periods"] <= 24, "rate_changes"] = None
    df["grace"] = np.minimum(df["grace"], df["periods"] - 1)
    return df


def check_sample(df: pd.DataFrame, out: pd.DataFrame, k: int = 40):
    for i, row in enumerate(df.iloc[:k].to_dict("records")):
        kw = {
            c: v
            for c, v in row.items()
            if not (v is None or (isinstance(v, float) and np.isnan(v)))
        }
        for c in ("compounding", "amortization_periods"):
            if c in kw:
                kw[c] = int(kw[c])
        s = rp.amortize(kw.pop("principal"), kw.pop("annual_rate"), kw.pop("periods"), **kw)
        assert (s.payment, s.total_interest, s.periods) == (
            out["payment"].iloc[i],
            out["total_interest"].iloc[i],
            out["periods"].iloc[i],
        ), i


def batches(lib) -> list[dict]:
    plain = plain_book(N)
    check_sample(plain, rp.amortize_many(plain.iloc[:200]))
    t_plain, out_plain = best_of(lambda: rp.amortize_many(plain, amounts="minor"), repeat=3)
    t_dec, _ = best_of(lambda: rp.amortize_many(plain), repeat=2)
    rows = [
        {
            "case": f"amortize_many, {N:,} loans, plain columns (minor units)",
            "seconds": t_plain,
            "ratio": 1.0,
            "goal": "",
            "met": "",
        },
        {
            "case": "  the same, Decimal amounts",
            "seconds": t_dec,
            "ratio": t_dec / t_plain,
            "goal": "",
            "met": "",
        },
    ]
    if lib is not None:
        B0 = np.rint(plain["principal"].to_numpy() * 100).astype(np.int64)
        num = np.rint(plain["annual_rate"].to_numpy() * 10_000).astype(np.int64)
        den = np.full(N, 120_000, np.int64)
        per = plain["periods"].to_numpy(np.int64)
        pay, tot, k = np.zeros(N, np.int64), np.zeros(N, np.int64), np.zeros(N, np.int64)
        lib.level_batch(N, ptr(B0), ptr(num), ptr(den), ptr(per), ptr(pay), ptr(tot), ptr(k))
        assert (pay == out_plain["payment"].to_numpy()).all()
        assert (tot == out_plain["total_interest"].to_numpy()).all() and (
            k == out_plain["periods"].to_numpy()
        ).all()
        t_c, _ = best_of(
            lambda: lib.level_batch(
                N, ptr(B0), ptr(num), ptr(den), ptr(per), ptr(pay), ptr(tot), ptr(k)
            )
        )
        rows.append(
            {
                "case": f"  compiled C loop over the {N:,} loans",
                "seconds": t_c,
                "ratio": t_c / t_plain,
                "goal": "amortize_many within 3x of it",
                "met": t_plain <= 3 * t_c,
            }
        )
        rows[0]["ratio_vs_C"] = t_plain / t_c
    mixed = every_column_book(N)
    check_sample(mixed, rp.amortize_many(mixed.iloc[:200]))
    t_mixed, out_mixed = best_of(lambda: rp.amortize_many(mixed, amounts="minor"), repeat=3)
    rows.append(
        {
            "case": f"amortize_many, {N:,} loans, every column type",
            "seconds": t_mixed,
            "ratio": t_mixed / t_plain,
            "goal": "within 2x of the plain batch",
            "met": t_mixed <= 2 * t_plain,
        }
    )
    # the same book through the numpy period loop (the compiled loop switched off): the
    # figures must be equal, the time shows what the compiled loop buys
    from repayplan import kernel

    old = kernel.JIT_MIN_LOANS
    kernel.JIT_MIN_LOANS = 10**12
    try:
        t_np, out_np = best_of(lambda: rp.amortize_many(mixed, amounts="minor"), repeat=2)
    finally:
        kernel.JIT_MIN_LOANS = old
    pd.testing.assert_frame_equal(out_np, out_mixed)
    rows.append(
        {
            "case": "  the same through the numpy period loop (compiled loop off)",
            "seconds": t_np,
            "ratio": t_np / t_plain,
            "goal": "",
            "met": "",
        }
    )
    rows.extend(jit_costs())
    noisy = plain.copy()
    noisy["annual_rate"] = noisy["annual_rate"] + (0.1 + 0.2 - 0.3)  # 5.55e-17 on every rate
    check_sample(noisy, rp.amortize_many(noisy.iloc[:200]))
    t_noisy, _ = best_of(lambda: rp.amortize_many(noisy, amounts="minor"), repeat=2)
    rows.append(
        {
            "case": f"amortize_many, {N:,} loans, float-noise rates",
            "seconds": t_noisy,
            "ratio": t_noisy / t_plain,
            "goal": "within 2x of the plain batch",
            "met": t_noisy <= 2 * t_plain,
        }
    )
    return rows


JIT_CHILD = """
import os, sys, time
t0 = time.perf_counter()
import numba
t_import = time.perf_counter() - t0
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
import repayplan as rp
from repayplan import kernel
from bench_amortize import every_column_book
kernel.JIT_MIN_LOANS = 1
df = every_column_book(50)
t0 = time.perf_counter()
rp.amortize_many(df, amounts="minor")
t_first = time.perf_counter() - t0
print(t_import, t_first)
"""


def jit_costs() -> list[dict]:
    """What numba costs: its import, and the first call in a fresh process with an empty
    cache (compiling) and with the cache ``cache=True`` wrote (loading)."""
    from repayplan import kernel_jit

    if not kernel_jit.available():
        return [{"case": "  numba not installed: the numpy loop runs", "seconds": float("nan")}]
    out = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        code = JIT_CHILD.format(root=str(HERE.parent), here=str(HERE))
        for label in ("compile (empty cache)", "load (cache written)"):
            res = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            )
            t_import, t_first = (float(x) for x in res.stdout.split())
            out.append(
                {
                    "case": f"  numba: first call of a fresh process, {label}; import {t_import:.2f} s",
                    "seconds": t_first,
                    "ratio": float("nan"),
                    "goal": "",
                    "met": "",
                }
            )
    return out


ROWS_CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
import repayplan as rp
from bench_amortize import {book}
df = {book}({n})
t = time.process_time()
out = rp.amortize_many(df, rows=True{amounts})
dt = time.process_time() - t
print(len(out), dt, out.memory_usage(deep=True).sum(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def rows_output() -> list[dict]:
    """The long form in a fresh process each: CPU time and the peak resident memory
    (``ru_maxrss``, the book included: about 0.12 GB plain, 0.16 GB every column)."""
    out = []
    for book, amounts, label in (
        ("plain_book", None, "the default: int64 minor units"),
        ("plain_book", "arrow", 'amounts="arrow": Arrow decimal128 columns'),
        ("every_column_book", None, "every column type, the default: int64 minor units"),
    ):
        code = ROWS_CHILD.format(
            root=str(HERE.parent),
            here=str(HERE),
            n=N,
            book=book,
            amounts="" if amounts is None else f", amounts={amounts!r}",
        )
        res = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        nrows, dt, size, peak = res.stdout.split()
        out.append(
            {
                "case": f"amortize_many rows=True, {N:,} loans ({int(nrows):,} rows, {label}, "
                f"frame {int(size) / 1e9:.2f} GB)",
                "seconds": float(dt),
                "ratio": float("nan"),
                "goal": "peak within 2 GB",
                "met": int(peak) <= 2 * 1024**3,
                "peak_GB": int(peak) / 1e9,
            }
        )
    return out


def main() -> list[dict]:
    lib = compiled_loop()
    out = single(lib) + batches(lib) + rows_output()
    if lib is None:
        out.append(
            {"case": "compiled C loop: gcc not available, not measured", "seconds": float("nan")}
        )
    for row in out:  # a single schedule takes microseconds: show milliseconds too
        row["ms"] = row["seconds"] * 1e3
    return out


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.5f}"))
