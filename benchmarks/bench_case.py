"""Reading case files: the sample case (TOML, JSON) and a case with 100 plans.

Times ``Case.loads`` end to end, the schema's part of it (``repayplan.case.schema.check``:
pydantic validating the document's shape and mapping its errors), and the one-off cost of
the first read in a fresh process (importing pydantic and building the schema models).  The
``ratio`` of the schema rows is their share of the read.  Each read is checked to give the
sample case back first.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tomllib
from decimal import Decimal

from repayplan.case import Case, sample_text, schema


def best(f, repeat: int = 5, number: int = 1) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            f()
        times.append((time.perf_counter() - t) / number)
    return min(times)


def first_read_import() -> float:
    code = (
        "import time, repayplan.case; t = time.perf_counter(); "
        "import repayplan.case.schema; print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> list[dict]:
    sample = Case.sample()
    toml, json_text = sample_text(), sample.dumps("json")
    assert Case.loads(toml) == sample == Case.loads(json_text, "json")
    doc = tomllib.loads(toml, parse_float=Decimal)
    t_toml = best(lambda: Case.loads(toml))
    t_json = best(lambda: Case.loads(json_text, "json"))
    t_check = best(lambda: schema.check(doc), number=50)
    big_doc = sample.to_dict()
    big_doc["plans"] = [
        {**p, "name": f"{p['name']} {i}"} for i in range(25) for p in big_doc["plans"]
    ]
    big = Case.from_dict(big_doc)
    assert len(big.plans) == 100
    t_big = best(lambda: Case.from_dict(big_doc), repeat=3)
    t_big_check = best(lambda: schema.check(big_doc), number=20)
    rows = [
        ("Case.loads, sample case (TOML)", t_toml, 1.0),
        ("Case.loads, sample case (JSON)", t_json, t_json / t_toml),
        ("schema.check, sample case (share of the read)", t_check, t_check / t_toml),
        ("Case.from_dict, 100 plans", t_big, 1.0),
        ("schema.check, 100 plans (share of the read)", t_big_check, t_big_check / t_big),
        ("first read: import pydantic + schema models", first_read_import(), 1.0),
    ]
    return [{"case": c, "seconds": t, "ms": t * 1e3, "ratio": r} for c, t, r in rows]


if __name__ == "__main__":
    import pandas as pd

    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.4f}"))
