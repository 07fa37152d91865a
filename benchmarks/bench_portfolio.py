"""Portfolio scale: rp.portfolio.evaluate on a whole book, and amortize_many against its peers.

Tables (``main()`` returns the rows; ``python benchmarks/run.py bench_portfolio`` prints them):

* ``rp.portfolio.evaluate`` on 100,000 accounts × 3 standard offers × 60 months × 64 cash
  scenarios, single core, against a per-account loop over ``rp.evaluate`` (timed on a sample
  and scaled) — the figures of the sample are checked equal first;
* the peak of traced memory (numpy and pandas allocations, ``tracemalloc``) of that run;
* how time grows from 10,000 to 100,000 accounts, and to 1,000,000 on a Dask
  ``LocalCluster`` of worker processes (opt-in: ``REPAYPLAN_BENCH_1M=1``; minutes on a
  2-core machine);
* ``amortize_many`` against a per-loan loop over ``rp.amortize`` and against the peer
  libraries a user might pick instead, ``amortization`` (floats) and ``pyloan`` (Decimal),
  installed only for benchmarks (``pip install amortization pyloan``); the same loans, their
  figures compared with ours before timing (the ``results`` column says how they compare).

* the same book on pandas and on a 2-worker Dask ``LocalCluster`` (``dask_vs_pandas_rows``;
  200,000 accounts, ``REPAYPLAN_BENCH_DASK_N``): CPU seconds and page faults per account on
  each, with distributed's default worker environment, with ``MALLOC_MMAP_THRESHOLD_`` set,
  and on :func:`repayplan.portfolio.local_cluster`; results checked identical first.

Environment: ``REPAYPLAN_BENCH_N`` overrides the 100,000 accounts; ``REPAYPLAN_BENCH_1M=1``
adds the million-account Dask run; ``REPAYPLAN_BENCH_WORKERS`` sets its workers (default 2).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from importlib.metadata import version

import numpy as np
import pandas as pd

import repayplan as rp
from repayplan import portfolio as pf
from repayplan.cashflow import DEFAULT_PROJECTION_START


def timed(f, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def per_account_loop(book: pd.DataFrame, offers, paths) -> pd.DataFrame:
    """What a caller without the portfolio module would write: rp.evaluate account by account."""
    frames = []
    for i, (_, r) in enumerate(book.iterrows()):
        claim = rp.Claim(
            principal=r["principal"],
            interest=r["interest"],
            penalty=r["penalty"],
            fees=r["fees"],
            annual_rate=r["annual_rate"],
            as_of=r["as_of"].date(),
        )
        cf = rp.CashFlow(
            paths[i],
            start=DEFAULT_PROJECTION_START,
            buffer=r["cash_buffer"],
            minimum_cash=r["minimum_cash"],
        )
        creditor = rp.Creditor(
            0.06,
            rp.Enforcement(
                recovery_rate=r["recovery_rate"],
                delay_months=int(r["enforcement_delay_months"]),
                costs=r["enforcement_costs"],
            ),
        )
        out = rp.evaluate(offers, claim, cf, creditor, check_rules=False)
        frames.append(out.assign(account_id=r["account_id"]))
    return pd.concat(frames)


def portfolio_rows(n: int, sample: int = 200) -> list[dict]:
    offers = pf.standard_offers()
    months = max(p.term for p in offers)
    book = pf.synthetic_book(n, seed=1)
    pf.evaluate(book.iloc[:500], offers, progress=False)  # warm up (pool, imports)
    # the figures first: a sample through the per-account loop equals the vectorised run
    head = book.iloc[:sample]
    loop_out = per_account_loop(head, offers, pf.scenario_cash(head, months))
    vec = pf.evaluate(head, offers, progress=False).results
    for col in (
        "expected_npv",
        "default_probability",
        "dscr_p5",
        "months_short",
        "irr",
        "borrower_cost",
    ):
        np.testing.assert_allclose(
            vec[col].to_numpy(), loop_out[col].to_numpy(), rtol=1e-12, atol=1e-9
        )
    t_loop_sample, _ = timed(lambda: per_account_loop(head, offers, pf.scenario_cash(head, months)))
    t_loop = t_loop_sample * n / sample
    rows = []
    for size in sorted({10_000, n}):
        part = book.iloc[:size]
        t, res = timed(lambda part=part: pf.evaluate(part, offers, progress=False))
        assert res.results["account_id"].nunique() + len(res.errors) == size
        rows.append(
            {
                "case": f"portfolio.evaluate, {size:,} accounts × 3 offers × {months} months × 64 scenarios",
                "seconds": t,
                "ms_per_1k_accounts": 1000 * t / size * 1000,
                "ratio_vs_loop": t_loop * size / n / t,
            }
        )
    rows.append(
        {
            "case": f"per-account loop over rp.evaluate (timed on {sample}, scaled to {n:,})",
            "seconds": t_loop,
            "ms_per_1k_accounts": 1000 * t_loop / n * 1000,
            "ratio_vs_loop": 1.0,
        }
    )
    # peak memory of the large run (traced numpy/pandas allocations; a separate, untimed run)
    tracemalloc.start()
    pf.evaluate(book, offers, progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append(
        {
            "case": f"peak traced memory of the {n:,}-account run (MB)",
            "seconds": float("nan"),
            "peak_mb": peak / 2**20,
        }
    )
    return rows


def dask_rows(n: int, workers: int) -> list[dict]:
    """The same evaluation on a local Dask cluster of worker processes, partition by partition.

    The book is generated on the workers, partition by partition (as a real book would be read
    from shared storage there), and reduced to totals without a shuffle.
    """
    import dask.dataframe as dd
    from distributed import Client

    offers = pf.standard_offers()
    parts = max(workers * 4, n // 50_000)
    per = n // parts

    def partition(i: int) -> pd.DataFrame:
        book = pf.synthetic_book(per, seed=1_000 + i)
        book["account_id"] = f"P{i:04d}-" + book["account_id"]  # unique across partitions
        book.index = book.index + i * per
        return book

    with pf.local_cluster(workers, dashboard_address=None) as cluster, Client(cluster) as client:
        ddf = dd.from_map(partition, range(parts), meta=partition(0).iloc[:0])
        client.compute(
            pf.evaluate(ddf.partitions[:workers], offers, progress=False).results["term"].sum(),
            sync=True,
        )  # warm the workers (imports, pool)

        def run():
            res = pf.evaluate(ddf, offers, progress=False)
            out = [
                res.results["expected_npv"].sum(),
                res.results["expected_npv"].count(),
                res.errors["index"].count(),
            ]
            return client.compute(out, sync=True)

        t, (total, rows, n_err) = timed(run)
    assert rows + 3 * n_err == 3 * parts * per
    return [
        {
            "case": f"portfolio.evaluate on Dask, {parts * per:,} accounts, {workers} local worker processes "
            f"(rp.portfolio.local_cluster; {parts} partitions built on the workers)",
            "seconds": t,
            "ms_per_1k_accounts": 1000 * t / (parts * per) * 1000,
        }
    ]


def _warm_worker() -> None:
    """Run on each worker before timing: the imports and the first small evaluation."""
    from repayplan import portfolio

    portfolio.evaluate(
        portfolio.synthetic_book(500, seed=7), portfolio.standard_offers(), progress=False
    )


def _usage() -> tuple[float, int]:
    """This process's CPU seconds and minor page faults so far (run on each worker)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_minflt


def _pandas_share(args) -> tuple[float, int]:
    """One plain process's share of the book (no Dask): its CPU seconds and page faults.

    Run in several processes at once by :func:`dask_vs_pandas_rows`; each builds partitions
    ``lo..hi-1``, evaluates them once untimed (as pandas' own timed runs come after others),
    then waits at ``barrier`` for the others and times a second run.
    """
    per, lo, hi, barrier = args
    book = pd.concat([_book_partition(i, per) for i in range(lo, hi)])
    offers = pf.standard_offers()
    pf.evaluate(book, offers, progress=False)
    barrier.wait()
    c0, f0 = _usage()
    pf.evaluate(book, offers, progress=False)
    c1, f1 = _usage()
    return c1 - c0, f1 - f0


def _book_partition(i: int, per: int) -> pd.DataFrame:
    """Partition ``i`` of the benchmark's book: ``per`` accounts, ids unique across partitions."""
    book = pf.synthetic_book(per, seed=1_000 + i)
    book["account_id"] = f"P{i:04d}-" + book["account_id"]
    book.index = book.index + i * per
    return book


def dask_vs_pandas_rows(
    n: int, workers: int, repeat: int = 3, baselines: bool = True
) -> list[dict]:
    """The same book on pandas (this process, one core) and on a Dask ``LocalCluster``.

    The book's partitions are built and held on the workers first (``persist``), so only the
    evaluation is timed; pandas gets the same accounts as one frame.  Three clusters:
    distributed's default worker environment (``MALLOC_TRIM_THRESHOLD_`` of 64 KiB, which
    also freezes glibc's mmap threshold at 128 KiB and trims every freed top of the heap, so
    each temporary array is page-faulted in again), the mmap threshold alone set to 32 MiB,
    and :func:`repayplan.portfolio.local_cluster` (:func:`~repayplan.portfolio.worker_config`:
    that threshold, a 64 MiB top pad, no statistical profiler).
    "Per core" compares CPU seconds: the workers' user + system time (``getrusage``, summed
    over workers, less what idle workers use per second over the same wall time) against
    pandas' own; page faults (``ru_minflt``) likewise, per 10,000 accounts.  Pandas and the
    cluster run in turn, ``repeat`` times each, so that both see the same load on a machine
    whose cores other jobs may share: the ratio is the median of each cluster run against
    the pandas run just before it (wall times shown too); ``baselines=False`` runs the last
    cluster only.
    The figures are checked first: every column of the cluster's results and errors equals
    pandas' to the last bit.  A control row runs the book without Dask in ``workers`` plain
    processes at once (each on its share): what running side by side costs by itself.
    """
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster, wait

    offers = pf.standard_offers()
    parts = workers * 4
    per = n // parts

    def partition(i: int) -> pd.DataFrame:
        return _book_partition(i, per)

    book = pd.concat([partition(i) for i in range(parts)])
    pf.evaluate(book.iloc[:500], offers, progress=False)

    def on_pandas():
        (c0, f0), w0 = _usage(), time.perf_counter()
        res = pf.evaluate(book, offers, progress=False)
        wall = time.perf_counter() - w0
        c1, f1 = _usage()
        return res, (c1 - c0, wall, f1 - f0)

    want, _ = on_pandas()
    plain = dict(processes=True, threads_per_worker=1, dashboard_address=None)
    mmap_only = {"distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": str(32 * 2**20)}
    clusters = (
        ("distributed's default worker environment (MALLOC_TRIM_THRESHOLD_=65536)", {}, None),
        ("MALLOC_MMAP_THRESHOLD_=32 MiB only", mmap_only, None),
        (
            "rp.portfolio.local_cluster (worker_config: + MALLOC_TOP_PAD_=64 MiB, no profiler, gc.freeze preload)",
            {},
            1,
        ),
    )
    pandas_runs, rows = [], []
    for label, conf, ours in clusters if baselines else clusters[-1:]:
        with dask.config.set(conf):
            cluster = (
                pf.local_cluster(workers, dashboard_address=None)
                if ours
                else LocalCluster(n_workers=workers, **plain)
            )
        with cluster, Client(cluster) as client:
            ddf = dd.from_map(partition, range(parts), meta=partition(0).iloc[:0]).persist()
            wait(ddf)
            client.run(_warm_worker)  # every worker: imports, caches
            got = pf.evaluate(ddf, offers, progress=False).compute()  # the figures first
            for g, w in ((got.results, want.results), (got.errors, want.errors)):
                assert g["account_id"].tolist() == w["account_id"].tolist()
                pd.testing.assert_frame_equal(
                    g.drop(columns="account_id"), w.drop(columns="account_id"), check_exact=True
                )

            def usage():
                u = client.run(_usage).values()
                return sum(c for c, _ in u), sum(f for _, f in u)

            # what idle workers burn per second (heartbeats, the event loop): subtracted
            (c0, _), w0 = usage(), time.perf_counter()
            time.sleep(5)
            idle = (usage()[0] - c0) / (time.perf_counter() - w0)
            runs = []
            for _ in range(repeat):  # pandas and the cluster in turn: the same load on both
                pandas_runs.append(on_pandas()[1])
                (c0, f0), w0 = usage(), time.perf_counter()
                out = pf.evaluate(ddf, offers, progress=False).results
                client.compute([out["expected_npv"].sum(), out["expected_npv"].count()], sync=True)
                wall = time.perf_counter() - w0
                c1, f1 = usage()
                runs.append((c1 - c0 - idle * wall, wall, f1 - f0, pandas_runs[-1][0]))
        used, wall, flt, _ = (float(np.median([r[i] for r in runs])) for i in range(4))
        rows.append(
            {
                "case": f"  on Dask, {workers} local worker processes, {label}",
                "seconds": wall,
                "cpu_seconds": used,
                "accounts_per_cpu_second": parts * per / used,
                "minflt_per_10k_accounts": flt / (parts * per) * 10_000,
                # each run against the pandas run just before it, the median of those ratios
                "ratio_vs_pandas_per_core": float(np.median([r[3] / r[0] for r in runs])),
                "goal": "at least as fast as pandas per core",
                "met": bool(np.median([r[3] / r[0] for r in runs]) >= 1.0),
                "results": "identical to pandas (every column, checked first)",
            }
        )
    t_cpu, t_wall, t_flt = (float(np.median([r[i] for r in pandas_runs])) for i in range(3))
    pandas_row = {
        "case": f"portfolio.evaluate on pandas, {parts * per:,} accounts (one process; "
        f"median of {len(pandas_runs)} runs, one before each cluster run)",
        "seconds": t_wall,
        "cpu_seconds": t_cpu,
        "accounts_per_cpu_second": parts * per / t_cpu,
        "minflt_per_10k_accounts": t_flt / (parts * per) * 10_000,
        "ratio_vs_pandas_per_core": 1.0,
    }
    # the control: no Dask, two plain processes at once, each on half of the partitions
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager, ProcessPoolExecutor(workers, mp_context=spawn) as ex:
        barrier = manager.Barrier(workers)  # the timed runs start together
        bounds = np.linspace(0, parts, workers + 1).astype(int)
        shares = list(
            ex.map(
                _pandas_share,
                [(per, a, b, barrier) for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
            )
        )
    used, flt = sum(c for c, _ in shares), sum(f for _, f in shares)
    rows.append(
        {
            "case": f"  control, no Dask: {workers} plain processes at once, each on 1/{workers} "
            "of the book (pandas)",
            "seconds": float("nan"),
            "cpu_seconds": used,
            "accounts_per_cpu_second": parts * per / used,
            "minflt_per_10k_accounts": flt / (parts * per) * 10_000,
            "ratio_vs_pandas_per_core": t_cpu / used,
        }
    )
    return [pandas_row, *rows]


# --------------------------------------------------------------------------------------
# amortize_many against the per-loan loop and the peer libraries
# --------------------------------------------------------------------------------------
def loans(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "principal": rng.integers(10_000, 5_000_000, n) / 1.0,
            "annual_rate": rng.integers(200, 1500, n) / 10_000,
            "periods": rng.integers(1, 31, n)
            * 12,  # whole years: pyloan counts int(months / 12 * 12)
        }
    )


def peer_rows(n: int = 2_000, loop_sample: int = 200, pyloan_sample: int = 50) -> list[dict]:
    df = loans(n)
    ours = rp.amortize_many(df, amounts="minor")
    t_many, _ = timed(lambda: rp.amortize_many(df, amounts="minor"), repeat=3)
    head = df.iloc[:loop_sample]
    t_loop, _ = timed(
        lambda: [rp.amortize(r.principal, r.annual_rate, int(r.periods)) for r in head.itertuples()]
    )
    t_loop = t_loop * n / loop_sample
    for i, r in enumerate(head.itertuples()):  # the loop's figures are the batch's
        s = rp.amortize(r.principal, r.annual_rate, int(r.periods))
        assert s.minor["payment"].iloc[0] == ours["payment"].iloc[i]
        assert int(s.minor["interest"].sum()) == ours["total_interest"].iloc[i]
    rows = [
        {
            "case": f"amortize_many, {n:,} loans (minor units)",
            "seconds": t_many,
            "ratio_vs_loop": t_loop / t_many,
            "results": "reference",
        },
        {
            "case": f"per-loan loop over rp.amortize (timed on {loop_sample}, scaled)",
            "seconds": t_loop,
            "ratio_vs_loop": 1.0,
            "results": "identical (checked above)",
        },
    ]
    try:
        import amortization
    except ImportError:
        rows.append(
            {
                "case": "amortization: not installed (pip install amortization)",
                "seconds": float("nan"),
            }
        )
    else:

        def with_amortization():
            return [
                list(amortization.amortization_schedule(r.principal, r.annual_rate, int(r.periods)))
                for r in df.itertuples()
            ]

        t_am, scheds = timed(with_amortization)
        pay = np.array([round(s[0].amount * 100) for s in scheds])
        tot = np.array([round(sum(x.interest for x in s) * 100) for s in scheds])
        assert (pay == ours["payment"].to_numpy()).all()  # every payment to the fen
        d_tot = np.abs(tot - ours["total_interest"].to_numpy())
        assert d_tot.max() <= 100  # float drift, under 1.00
        rows.append(
            {
                "case": f"amortization {version('amortization')} (floats, Python loop), {n:,} loans",
                "seconds": t_am,
                "ratio_vs_loop": t_loop / t_am,
                "results": f"payments identical; total interest identical for {np.mean(d_tot == 0):.0%} "
                f"(max {d_tot.max() / 100:.2f} off: float balance, round() half-even)",
            }
        )
    try:
        import pyloan
    except ImportError:
        rows.append({"case": "pyloan: not installed (pip install pyloan)", "seconds": float("nan")})
    else:
        head = df.iloc[:pyloan_sample]

        def with_pyloan():
            return [
                pyloan.Loan(
                    loan_amount=r.principal,
                    interest_rate=r.annual_rate * 100,
                    loan_term=int(r.periods),
                    loan_term_period="M",
                    start_date="2026-01-31",
                ).get_payment_schedule()[1:]
                for r in head.itertuples()
            ]

        t_py, scheds = timed(with_pyloan)
        t_py = t_py * n / pyloan_sample
        ref = ours.iloc[:pyloan_sample]
        count = np.array([len(s) for s in scheds]) == ref["periods"].to_numpy()
        principal = np.array(
            [sum(p.total_principal_amount for p in s) for s in scheds], dtype=float
        )
        assert count.all() and np.allclose(
            principal, head["principal"].to_numpy(), rtol=0, atol=1e-9
        )
        d_pay = np.abs(
            np.array([int(s[0].payment_amount * 100) for s in scheds]) - ref["payment"].to_numpy()
        )
        rows.append(
            {
                "case": f"pyloan {version('pyloan')} (Decimal, Python loop; timed on {pyloan_sample}, scaled to {n:,})",
                "seconds": t_py,
                "ratio_vs_loop": t_loop / t_py,
                "results": f"same number of payments and principal; payment identical for {np.mean(d_pay == 0):.0%} "
                f"(max {d_pay.max() / 100:.2f} off: pyloan solves the payment by Newton in 1.00 steps)",
            }
        )
    return rows


def main(n: int | None = None, million: bool | None = None) -> list[dict]:
    n = n or int(os.environ.get("REPAYPLAN_BENCH_N", "100000"))
    million = os.environ.get("REPAYPLAN_BENCH_1M") == "1" if million is None else million
    rows = portfolio_rows(n)
    workers = int(os.environ.get("REPAYPLAN_BENCH_WORKERS", "2"))
    rows += dask_vs_pandas_rows(int(os.environ.get("REPAYPLAN_BENCH_DASK_N", "200000")), workers)
    if million:
        rows += dask_rows(1_000_000, workers)
    rows += peer_rows()
    return rows


if __name__ == "__main__":
    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
