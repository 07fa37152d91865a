"""Set-up of a Dask worker process for the portfolio (a ``distributed`` preload module).

:func:`repayplan.portfolio.worker_config` lists this module in
``distributed.worker.preload``: when a worker process starts, :func:`dask_setup` imports
what a partition's evaluation needs (repayplan's portfolio, pandas, numpy) and then calls
``gc.freeze()``, which moves every object alive at that moment — the worker's own machinery
and the imported modules, long-lived by nature — out of the cyclic garbage collector's scans.
A partition's evaluation allocates many short-lived containers, and each full collection
otherwise walks the whole heap of a worker process, several times a plain process's:
measured here (``benchmarks/bench_portfolio.py``), the same eight partitions of 25,000
accounts took 7.69 CPU seconds in two workers without it and 7.05 with it.

Examples
--------
>>> import gc
>>> before = gc.get_freeze_count()
>>> dask_setup(None)
>>> gc.get_freeze_count() >= before
True
>>> gc.unfreeze()
"""

from __future__ import annotations

import gc

__all__ = ["dask_setup"]


def dask_setup(worker) -> None:
    """Import the portfolio's modules, then freeze the objects alive (``gc.freeze``).

    Called by ``distributed`` with the starting ``Worker`` (unused).

    >>> import gc
    >>> dask_setup(None)
    >>> gc.get_freeze_count() > 0
    True
    >>> gc.unfreeze()
    """
    from . import portfolio  # noqa: F401  (pandas, numpy and the engine with it)

    gc.collect()
    gc.freeze()
