"""Suggest an offer for every account of a book: a CSV of accounts in, a CSV of offers out.

Usage::

    python examples/batch_accounts.py [ACCOUNTS.csv] [--out offers.csv] [--errors errors.csv]
                                      [--objective creditor|nash|borrower]

The accounts file has the columns of ``repayplan.portfolio.ACCOUNT_COLUMNS`` (one row per
account: the claim as of ``as_of``, the borrower's cash, the creditor's alternative).  Without
a file, a synthetic book of 200 accounts is used.  Each account gets the best of the standard
offer menu, or "enforce" with the constraint no offer met; accounts with bad data are listed
in the errors file with the reason, and every other account is processed.
"""

from __future__ import annotations

import argparse

import pandas as pd

from repayplan import portfolio
from repayplan.report import neutralise_formula

TEXT_COLUMNS = ("account_id", "action", "offer", "binding", "index", "field", "value", "reason")


def safe_csv(frame: pd.DataFrame, path: str) -> None:
    """Write a table for Excel: UTF-8 with a byte-order mark, text cells that start like a
    formula (``=``, ``+``, ``-``, ``@``) quoted with an apostrophe."""
    out = frame.copy()
    for col in TEXT_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda v: neutralise_formula(v) if isinstance(v, str) else v)
    out.to_csv(path, index=False, encoding="utf-8-sig")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "accounts", nargs="?", default=None, help="CSV of accounts (default: a synthetic book)"
    )
    p.add_argument(
        "--out", default="offers.csv", help="the offers, one row per account (default offers.csv)"
    )
    p.add_argument("--errors", default="errors.csv", help="accounts that could not be processed")
    p.add_argument("--objective", choices=("creditor", "nash", "borrower"), default="creditor")
    args = p.parse_args(argv)

    if args.accounts:
        book = pd.read_csv(
            args.accounts, dtype={"account_id": str, "as_of": str}, encoding="utf-8-sig"
        )
    else:
        book = portfolio.synthetic_book(200, seed=1)
    results, errors = portfolio.suggest(book, objective=args.objective, progress=False)
    safe_csv(results, args.out)
    safe_csv(errors, args.errors)
    counts = results["action"].value_counts().to_dict()
    print(
        f"{len(book):,} accounts: {counts.get('offer', 0):,} offers, {counts.get('enforce', 0):,} to enforce, "
        f"{len(errors):,} with bad data -> {args.out}, {args.errors}"
    )
    print(
        results.groupby("offer")["expected_npv"]
        .agg(["count", "sum"])
        .to_string(float_format=lambda x: f"{x:,.2f}")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
