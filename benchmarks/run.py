"""Run every benchmark in this folder and print its table (times in seconds, ratios against
the naive baseline).  Usage: ``python benchmarks/run.py [name ...]``; single core is
enforced through the BLAS/OpenMP thread variables so figures are comparable."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import pandas as pd  # noqa: E402


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(p.stem for p in here.glob("bench_*.py"))
    for name in names:
        path = here / (name if name.endswith(".py") else f"{name}.py")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        print(f"\n== {path.stem}")
        rows = mod.main()
        print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
