"""Suggest repayment plans for a case file: the plans worth offering, with the reasons.

Usage::

    python examples/suggest_plans.py CASE.toml [--objective nash|creditor|borrower] [--save OUT.toml]

Without a case file it uses the sample case shipped with repayplan.  ``--save`` writes the
case back with the recommended plan added (as "Recommended").
"""

from __future__ import annotations

import argparse

from repayplan.case import Case
from repayplan.errors import InfeasibleError, InputError


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "case",
        nargs="?",
        default=None,
        help="a case file (.toml or .json); default the sample case",
    )
    p.add_argument(
        "--objective",
        choices=("nash", "creditor", "borrower"),
        default=None,
        help="default the case's own setting",
    )
    p.add_argument("--save", default=None, help="write the case with the recommended plan added")
    args = p.parse_args(argv)
    try:
        case = Case.load(args.case) if args.case else Case.sample()
        kwargs = {"objective": args.objective} if args.objective else {}
        result = case.negotiate(**kwargs)
    except (InfeasibleError, InputError) as e:
        print(f"no suggestion: {e}")
        return 1
    print(result.explain())
    cols = ["expected_npv", "default_probability", "dscr_p5", "burden", "total_paid"]
    print(result.candidates[cols].to_string(float_format=lambda x: f"{x:,.2f}"))
    if args.save:
        case.with_plan(result.best, "Recommended").save(args.save)
        print(f"-> {args.save}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
