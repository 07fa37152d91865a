"""``repayplan register ...``: the case register on the command line.

::

    repayplan register init            [--db PATH_OR_URL]   create (or migrate) the register
    repayplan register save CASE       [--case ID]          save a case file (a new version)
    repayplan register list                                 the cases
    repayplan register sign --case ID --plan NAME --signed DATE
    repayplan register pay --agreement ID --date DATE --amount AMOUNT [--reference REF]
    repayplan register import-payments FILE [--map FIELD=COLUMN ...]
    repayplan register status [--as-of DATE] [-o FILE.csv|FILE.xlsx]
    repayplan register due [--as-of DATE] [--within-days 30] [-o FILE]
    repayplan register export -o FILE [--what status|due|cases|agreements|audit] [--as-of DATE]

``--db`` defaults to ``$REPAYPLAN_REGISTER``, else the per-user file
(:func:`repayplan.register.default_location`).  Tables go to the terminal; ``-o`` writes CSV or
xlsx (text that a spreadsheet would read as a formula is neutralised).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
from decimal import Decimal

__all__ = ["add_parser", "write_table"]

WHATS = ("status", "due", "cases", "agreements", "audit")


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _mapping(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"not FIELD=COLUMN: {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), v.strip()


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``register`` command and its sub-commands to the ``repayplan`` parser.

    >>> import argparse
    >>> p = argparse.ArgumentParser(prog="repayplan")
    >>> _ = add_parser(p.add_subparsers(dest="command"))
    >>> args = p.parse_args(["register", "pay", "--db", "r.sqlite", "--agreement", "3",
    ...                      "--date", "2027-01-01", "--amount", "606.00", "--reference", "B1"])
    >>> args.action, args.agreement, args.date, args.amount
    ('pay', 3, datetime.date(2027, 1, 1), '606.00')
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="the register: an SQLite file or a postgresql+psycopg:// URL "
        "(default $REPAYPLAN_REGISTER, else the per-user file)",
    )
    common.add_argument("--user", help="who makes the change (the audit log); default the login")
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("-o", "--output", metavar="FILE", help="write a .csv or .xlsx file instead")
    r = sub.add_parser(
        "register",
        help="the case register: cases, agreements, payments, follow-up",
        description="Keep cases, agreements and payments, and follow them up.",
    )
    acts = r.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = acts.add_parser("init", parents=[common], help="create or migrate the register")
    a = acts.add_parser("save", parents=[common], help="save a case file (a new case or version)")
    a.add_argument("case", metavar="CASE", help="the case file (.toml or .json)")
    a.add_argument(
        "--case", dest="case_id", type=int, metavar="ID", help="add a version to case ID"
    )
    a.add_argument(
        "--base",
        type=int,
        metavar="V",
        help="the version the file was made from (refused when the case was saved since)",
    )
    acts.add_parser("list", parents=[common, out], help="the cases")
    a = acts.add_parser("sign", parents=[common], help="sign an agreement on a plan of a case")
    a.add_argument("--case", dest="case_id", type=int, required=True, metavar="ID")
    a.add_argument("--plan", required=True, metavar="NAME")
    a.add_argument("--signed", type=_date, required=True, metavar="YYYY-MM-DD")
    a.add_argument("--grace-days", type=int, default=0, metavar="N")
    a.add_argument("--version", type=int, metavar="V", help="the case version (default the latest)")
    a = acts.add_parser("pay", parents=[common], help="book a payment")
    a.add_argument("--agreement", type=int, required=True, metavar="ID")
    a.add_argument("--date", type=_date, required=True, metavar="YYYY-MM-DD")
    a.add_argument("--amount", required=True, metavar="AMOUNT")
    a.add_argument("--reference", metavar="REF")
    a.add_argument("--currency", metavar="CODE")
    a = acts.add_parser("reverse", parents=[common], help="reverse a payment booked in error")
    a.add_argument("--payment", type=int, required=True, metavar="ID")
    a.add_argument("--memo", default="", metavar="TEXT")
    a = acts.add_parser(
        "import-payments",
        parents=[common],
        help="book a bank statement (CSV or xlsx), all or nothing",
    )
    a.add_argument("file", metavar="FILE")
    a.add_argument(
        "--map",
        type=_mapping,
        action="append",
        metavar="FIELD=COLUMN",
        help="the file's column for a field (agreement, date, amount, reference, "
        "currency, memo); repeatable",
    )
    for name, what in (
        ("status", "where every agreement stands"),
        ("due", "agreements in arrears or falling due"),
    ):
        a = acts.add_parser(name, parents=[common, out], help=what)
        a.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="default today")
        if name == "due":
            a.add_argument("--within-days", type=int, default=30, metavar="N")
    a = acts.add_parser("export", parents=[common], help="write a table of the register to a file")
    a.add_argument("-o", "--output", required=True, metavar="FILE")
    a.add_argument("--what", choices=WHATS, default="status")
    a.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="default today")
    a.add_argument("--within-days", type=int, default=30, metavar="N")
    r.set_defaults(func=run)
    return r


def _show(frame) -> str:
    from ..cli import text_table

    if frame.empty:
        return "(none)"
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    text_cols = {
        i
        for i, c in enumerate(frame.columns)
        if frame[c].map(lambda v: isinstance(v, str) or v is None).all()
    }
    right = set(range(len(frame.columns))) - text_cols
    return text_table([str(c) for c in frame.columns], rows, right)


def _cell(v) -> str:
    if v is None or (not isinstance(v, str) and _isna(v)):
        return ""
    if isinstance(v, Decimal):
        return f"{v:,}"
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return " ".join(str(v).split())


def _isna(v) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def write_table(frame, path: str) -> str:
    """Write a table to ``.csv`` or ``.xlsx``, text safe from formula injection; returns the path.

    >>> import tempfile, pathlib, pandas as pd
    >>> from decimal import Decimal
    >>> folder = tempfile.TemporaryDirectory()
    >>> f = str(pathlib.Path(folder.name) / "t.csv")
    >>> _ = write_table(pd.DataFrame({"borrower": ["=cmd|' /C calc'!A0"], "paid": [Decimal("606.00")]}), f)
    >>> print(pathlib.Path(f).read_text(encoding="utf-8"), end="")
    borrower,paid
    '=cmd|' /C calc'!A0,606.00
    >>> folder.cleanup()
    """
    import csv
    import io

    from .._io import neutralise, write_atomic
    from ..errors import InputError

    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError("output", path, "a .csv or .xlsx file")
    cols = [str(c) for c in frame.columns]
    if suffix == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for row in frame.itertuples(index=False):
            w.writerow([neutralise(_cell(v)) if isinstance(v, str) else _plain(v) for v in row])
        write_atomic(path, buf.getvalue())
        return path
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "register"
    for j, c in enumerate(cols, 1):
        ws.cell(row=1, column=j, value=c)
    for i, row in enumerate(frame.itertuples(index=False), 2):
        for j, v in enumerate(row, 1):
            cell = ws.cell(row=i, column=j)
            if isinstance(v, str):
                cell.value = v
                cell.data_type = "s"  # never a formula
                if neutralise(v) != v:
                    cell.quotePrefix = True
            elif isinstance(v, (Decimal, int, float, _dt.date)) and not _isna(v):
                cell.value = v
            elif v is not None and not _isna(v):
                cell.value = str(v)
                cell.data_type = "s"
    data = io.BytesIO()
    wb.save(data)
    write_atomic(path, data.getvalue())
    return path


def _plain(v) -> str:
    if v is None or _isna(v):
        return ""
    if isinstance(v, _dt.datetime):
        return v.isoformat(sep=" ")
    return str(v)


def run(args) -> int:
    """Run ``repayplan register ACTION`` (from :func:`repayplan.cli.main`); returns 0."""
    from ..case import Case
    from . import Register

    reg = Register(args.db, user=args.user)
    try:
        return _run(reg, args, Case)
    finally:
        reg.close()


_BRIEF = [
    "agreement",
    "case",
    "borrower",
    "plan",
    "state",
    "paid",
    "arrears",
    "days_past_due",
    "next_due",
    "next_amount",
    "breach_date",
    "observation_end",
]


def _emit(frame, args, brief: bool = False) -> None:
    if getattr(args, "output", None):
        print(f"wrote {write_table(frame, args.output)}")
    else:
        print(_show(frame[_BRIEF] if brief and not frame.empty else frame))


def _run(reg, args, Case) -> int:
    today = _dt.date.today()
    act = args.action
    if act == "init":
        print(f"register ready: {reg.location} (schema {reg.revision})")
    elif act == "save":
        case = Case.load(args.case)
        cid = reg.save(case, case_id=args.case_id, base=args.base)
        print(f"case {cid} version {reg.version(cid)}")
    elif act == "list":
        _emit(reg.cases(), args)
    elif act == "sign":
        aid = reg.sign(
            args.case_id, args.plan, args.signed, version=args.version, grace_days=args.grace_days
        )
        print(f"agreement {aid}")
    elif act == "pay":
        pid = reg.pay(
            args.agreement, args.date, args.amount, reference=args.reference, currency=args.currency
        )
        print(f"payment {pid}")
    elif act == "reverse":
        print(f"reversal {reg.reverse(args.payment, memo=args.memo)}")
    elif act == "import-payments":
        res = reg.import_payments(args.file, columns=dict(args.map) if args.map else None)
        print(f"booked {res.booked} of {res.rows} line(s); {len(res.skipped)} seen before")
    elif act in ("status", "due"):
        day = args.as_of or today
        frame = reg.status(day) if act == "status" else reg.due(day, args.within_days)
        _emit(frame, args, brief=True)
    elif act == "export":
        day = args.as_of or today
        frame = {
            "status": lambda: reg.status(day),
            "due": lambda: reg.due(day, args.within_days),
            "cases": reg.cases,
            "agreements": reg.agreements,
            "audit": reg.audit,
        }[args.what]()
        print(f"wrote {write_table(frame, args.output)}")
    return 0
