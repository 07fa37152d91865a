"""One plan's repayment table to Excel, ready to attach to the agreement as its annex.

Usage::

    python examples/plan_table_to_excel.py [OUT.xlsx] [--lang zh|en] [--term 48] [--grace 6]

Copy it and put in your own claim, plan and parties.
"""

from __future__ import annotations

import argparse
from datetime import date

import repayplan as rp
from repayplan import report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "out", nargs="?", default="annex.xlsx", help="the workbook to write (default annex.xlsx)"
    )
    p.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of the annex (default zh)"
    )
    p.add_argument("--term", type=int, default=48, help="months of the new schedule (default 48)")
    p.add_argument("--grace", type=int, default=6, help="months of interest-only grace (default 6)")
    args = p.parse_args(argv)

    # What is owed on the claim date: from a bank statement or a judgment.
    claim = rp.Claim(
        principal=1_200_000,
        interest="19762.63",
        penalty="22734.88",
        annual_rate="0.0435",
        as_of=date(2026, 6, 30),
    )
    # The offer: level instalments after an interest-only grace, half the penalty interest waived.
    plan = rp.Plan(
        method="level",
        term=args.term,
        grace=args.grace,
        penalty_waiver=0.5,
        name=f"{args.term} months, {args.grace} months grace",
    )
    schedule = plan.schedule(claim)
    borrower, creditor = (
        ("华东精密机械有限公司", "江南商业银行苏州分行")
        if args.lang == "zh"
        else ("Huadong Precision Machinery Co., Ltd.", "Jiangnan Commercial Bank, Suzhou Branch")
    )
    path = report.write(
        schedule,
        args.out,
        lang=args.lang,
        claim=claim,
        plan=plan,
        borrower=borrower,
        creditor=creditor,
    )
    print(
        f"{plan.describe()}: regular payment {schedule.payment} {claim.currency}, "
        f"total paid {schedule.total_paid} -> {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
