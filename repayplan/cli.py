"""The ``repayplan`` command."""

from __future__ import annotations

import argparse
import sys

from .errors import RepayplanError

__all__ = ["main"]


def _demo(args) -> int:
    import pandas as pd

    from .schedule import amortize

    principal, rate, term = 1_200_000, 0.0435, 36
    print(f"Sample: {principal:,} CNY at {rate:.2%} over {term} months\n")
    level = amortize(principal, rate, term)
    print("Level instalments (等额本息), first and last rows:")
    print(pd.concat([level.table.head(3), level.table.tail(2)]).to_string(index=False))
    plans = {
        "level 36": level,
        "equal principal 36": amortize(principal, rate, term, method="equal_principal"),
        "level 48, 6 interest-only": amortize(principal, rate, 48, grace=6),
        "level 36, balloon (amortised over 120)": amortize(principal, rate, term, amortization_periods=120),
    }
    rows = {
        name: {
            "first payment": s.table["payment"].iloc[0],
            "regular payment": s.payment,
            "last payment": s.last_payment,
            "total interest": s.total_interest,
            "total paid": s.total_paid,
            "periods": s.periods,
        }
        for name, s in plans.items()
    }
    print("\nComparison:")
    print(pd.DataFrame(rows).to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="repayplan", description="Repayment plans for overdue loans.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run the built-in sample case")
    d.set_defaults(func=_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RepayplanError as e:
        print(f"repayplan: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
