"""Building value objects: what the declared field checks cost.

``negotiate`` builds thousands of ``Plan`` objects (every candidate of the search space, every
refinement step), so a plan must be cheap to make and to vary.  Times, per object (best of 7
rounds of 2,000, CPU time): ``Plan()``, a plan with nine options given, ``plan.replace(term=48)``,
``Claim``, ``Creditor``, ``Constraints()``.  The ratio is against a plain frozen dataclass
with the same fields and no checks at all (the floor any checked value object sits above).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import timeit

import repayplan as rp
from repayplan.negotiate import Constraints

OPTIONS = {
    "method": "level",
    "term": 48,
    "annual_rate": 0.05,
    "grace": 3,
    "penalty_waiver": 0.5,
    "interest_waiver": 0.2,
    "haircut": 0.1,
    "down_payment": 1000,
    "name": "counter-offer",
}


def _plain(cls: type) -> type:
    """A frozen dataclass with the fields (and defaults) of ``cls``, without any check."""
    fields = [
        (f.name, object, dataclasses.field(default=f.default))
        if f.default is not dataclasses.MISSING
        else (f.name, object)
        for f in dataclasses.fields(cls)
        if f.init
    ]
    return dataclasses.make_dataclass(f"Plain{cls.__name__}", fields, frozen=True, kw_only=True)


def _best(fn, number: int = 2_000, repeat: int = 7) -> float:
    timer = timeit.Timer(fn, timer=time.process_time)
    return min(timer.repeat(repeat=repeat, number=number)) / number


def main() -> list[dict]:
    plan = rp.Plan(term=36)
    plain_plan = _plain(rp.Plan)
    claim_kw = {
        "principal": 1_000_000,
        "interest": 30_000,
        "penalty": 12_000,
        "annual_rate": 0.0435,
        "as_of": dt.date(2026, 12, 1),
    }
    plain_claim, plain_creditor, plain_constraints = (
        _plain(c) for c in (rp.Claim, rp.Creditor, Constraints)
    )
    pp = plain_plan()
    cases = [
        ("Plan()", lambda: rp.Plan(), lambda: plain_plan()),
        ("Plan(nine options)", lambda: rp.Plan(**OPTIONS), lambda: plain_plan(**OPTIONS)),
        (
            "plan.replace(term=48)",
            lambda: plan.replace(term=48),
            lambda: dataclasses.replace(pp, term=48),
        ),
        ("Claim(five fields)", lambda: rp.Claim(**claim_kw), lambda: plain_claim(**claim_kw)),
        (
            "Creditor(0.06)",
            lambda: rp.Creditor(0.06),
            lambda: plain_creditor(discount_rate=0.06),
        ),
        ("Constraints()", lambda: Constraints(), lambda: plain_constraints()),
    ]
    rows = []
    for name, checked, unchecked in cases:
        assert checked() is not None and unchecked() is not None
        t, t0 = _best(checked), _best(unchecked)
        rows.append({"case": name, "seconds": t, "microseconds": t * 1e6, "ratio": t / t0})
    return rows


if __name__ == "__main__":
    for row in main():
        print(f"{row['case']:24s} {row['seconds'] * 1e6:8.2f} us  {row['ratio']:6.2f}x unchecked")
