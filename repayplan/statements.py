"""The borrower's own numbers: bank statement lines (银行流水) and accounts, to the cent.

Two sources of the cash a borrower has for debt service, both computed exactly in integer minor
units and handed out as :class:`decimal.Decimal`:

- :func:`read_statement` reads a bank statement export (CSV or xlsx, Chinese or English column
  headers, header lines above the table) into lines with standard column names, and
  :func:`monthly` aggregates the lines to monthly net cash, leaving out transfers between the
  borrower's own accounts and loan proceeds, and reconciles the balances month by month
  (``opening + net of every line = closing``).
- :func:`cfads` computes cash flow available for debt service from monthly or annual accounts:
  ``CFADS = EBITDA - tax - maintenance capex - increase in working capital``, and the part of it
  left for this creditor after the borrower's other debt service (paid first, or pro rata).

:meth:`repayplan.CashFlow.from_transactions` and :meth:`repayplan.CashFlow.from_accounts` turn
the results into a :class:`~repayplan.CashFlow` that records where it came from.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from . import money
from ._io import MAX_CSV_COLUMNS, check_path
from ._validate import (
    check_choice,
    check_encoding,
    check_fraction,
    check_int,
    check_sheet,
)
from .errors import InputError

__all__ = ["STATEMENT_HEADERS", "read_statement", "monthly", "cfads"]

#: Column headers of bank statement exports, by the standard name :func:`read_statement` gives
#: them.  A header is matched after removing spaces and any part in brackets, so
#: ``借方发生额（支取）`` is ``借方发生额``.  The Chinese headers are those of the transaction
#: detail (交易明细/对账单) exports of the large Chinese banks: 交易日期 / 交易时间 / 记账日期;
#: 借方发生额 / 借方金额 / 支出金额 (money out); 贷方发生额 / 贷方金额 / 收入金额 (money in);
#: 交易金额 (signed, or with a 借贷标志 column); 余额 / 账户余额 / 交易后余额; 对方户名 /
#: 对方账户名称; 对方账号; 摘要 / 用途 / 附言.
STATEMENT_HEADERS: Mapping[str, tuple[str, ...]] = {
    "date": ("交易日期", "交易时间", "记账日期", "入账日期", "交易日", "日期", "date",
             "transactiondate", "postingdate", "bookingdate", "valuedate"),
    "debit": ("借方发生额", "借方金额", "支出金额", "付款金额", "支取金额", "借方", "支出", "支取",
              "debit", "debits", "withdrawal", "withdrawals", "paidout", "moneyout"),
    "credit": ("贷方发生额", "贷方金额", "收入金额", "存入金额", "收款金额", "贷方", "收入", "存入",
               "credit", "credits", "deposit", "deposits", "paidin", "moneyin"),
    "amount": ("交易金额", "发生额", "金额", "amount", "transactionamount"),
    "direction": ("借贷标志", "借贷方向", "收支标志", "收支方向", "借贷", "direction", "drcr"),
    "balance": ("余额", "账户余额", "本次余额", "交易后余额", "联机余额", "当前余额", "balance",
                "runningbalance"),
    "counterparty": ("对方户名", "对方账户名称", "对方名称", "对方账户名", "对方单位", "收付方名称",
                     "counterparty", "payee", "payer", "payeepayer"),
    "counterparty_account": ("对方账号", "对方账户", "对方帐号", "收付方帐号", "收付方账号",
                             "counterpartyaccount"),
    "description": ("摘要", "交易摘要", "摘要说明", "用途", "附言", "备注", "description", "memo",
                    "narrative", "details", "reference"),
    "tag": ("标签", "分类", "类别", "tag", "category"),
}  # fmt: skip

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_SPACES = re.compile(r"[\s_/\\\-:：]+")
_DATE = re.compile(
    r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))"
)
_PLAIN = re.compile(r"^([+-]?)(\d+)(?:\.(\d*))?$")
_SUMMARY_ROW = ("合计", "总计", "小计", "本页合计", "total", "subtotal")
_DEBIT_MARKS = frozenset({"借", "d", "dr", "debit", "支", "支出", "出", "-"})
_CREDIT_MARKS = frozenset({"贷", "c", "cr", "credit", "收", "收入", "入", "+"})


def _norm_header(text) -> str:
    return _SPACES.sub("", _BRACKETS.sub("", str(text))).casefold()


_HEADER_OF = {_norm_header(a): k for k, aliases in STATEMENT_HEADERS.items() for a in aliases}


def _norm_name(text) -> str:
    """A counterparty or tag for matching: spaces removed, case folded."""
    return re.sub(r"\s+", "", str(text)).casefold()


# --------------------------------------------------------------------------------------------
# reading an export
# --------------------------------------------------------------------------------------------


def read_statement(path, *, sheet=0, encoding=None, header_row=None) -> pd.DataFrame:
    """Read a bank statement export (CSV or xlsx) into lines with standard column names.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The export.  A name ending in ``.xlsx``/``.xlsm`` (or bytes that open as a zip) is read
        as a workbook with openpyxl; anything else as CSV.
    sheet : int or str, default 0
        The worksheet of a workbook.
    encoding : str, optional
        The text encoding of a CSV.  Default: UTF-8 (with or without BOM), then GB18030 (the
        superset of GBK in which Chinese bank exports are often written).
    header_row : int, optional
        The 0-based row of the column headers.  Default: the first of the first 30 rows with a
        date header and an amount header (debit/credit or amount): exports often have lines
        above the table (account name, account number, period).

    Returns
    -------
    pandas.DataFrame
        Every cell as text (``""`` when empty), so amounts stay exact.  The columns recognised by
        :data:`STATEMENT_HEADERS` are renamed to ``date``, ``debit``, ``credit``, ``amount``,
        ``balance``, ``counterparty``, ``counterparty_account``, ``description``, ``tag`` (the
        first column of each kind; later ones keep their header); other columns keep their
        header.  An unsigned ``amount`` with a ``direction`` column (借/贷, D/C, 收/支) is
        signed: money out negative.  Rows without a date and summary rows (合计, total) are
        dropped; ``line`` holds the row number in the file (1-based, as a spreadsheet shows).

    Raises
    ------
    InputError
        The file cannot be read, or no header row with a date and an amount column is found.

    Examples
    --------
    >>> text = '''账号: 6222 0000 1234
    ... 交易日期,摘要,借方发生额（支取）,贷方发生额（收入）,余额,对方户名
    ... 2026-01-05,货款,,"12,000.00","62,000.00",甲公司
    ... 2026-01-20,工资,"8,000.50",,"53,999.50",
    ... 合计,,"8,000.50","12,000.00",,
    ... '''
    >>> lines = read_statement(io.StringIO(text))
    >>> lines[["line", "date", "debit", "credit", "balance", "counterparty"]]
       line        date     debit     credit    balance counterparty
    0     3  2026-01-05            12,000.00  62,000.00          甲公司
    1     4  2026-01-20  8,000.50             53,999.50
    """
    if header_row is not None:
        check_int("header_row", header_row, low=0)
    raw = _read_raw(path, sheet=sheet, encoding=encoding)
    name = source_name(path)
    if header_row is None:
        header_row = _find_header(raw, name)
    else:
        header_row = check_int("header_row", header_row, low=0, high=len(raw) - 1)
    headers = [str(h).strip() for h in raw.iloc[header_row].tolist()]
    body = raw.iloc[header_row + 1 :].reset_index(drop=True)
    names, seen = [], set()
    for h in headers:
        std = _HEADER_OF.get(_norm_header(h))
        if std is not None and std not in seen:
            seen.add(std)
            names.append(std)
        else:
            names.append(h or f"column {len(names) + 1}")
    body.columns = names
    body = body.loc[:, ~pd.Index(names).duplicated()]
    body.insert(0, "line", np.arange(header_row + 2, header_row + 2 + len(body)))
    if "date" not in body.columns:
        raise InputError(f"{name}: header row {header_row}", headers, "a row with a date column")
    dates = body["date"].str.strip()
    keep = (dates != "") & ~dates.str.casefold().str.startswith(_SUMMARY_ROW)
    body = body[keep].reset_index(drop=True)
    if "direction" in body.columns and "amount" in body.columns:
        body["amount"] = [
            _signed(a, d, name, ln)
            for a, d, ln in zip(body["amount"], body["direction"], body["line"], strict=True)
        ]
    return body


def source_name(path) -> str:
    if isinstance(path, (str, os.PathLike)):
        return os.path.basename(os.fspath(path))
    return str(getattr(path, "name", "<statement>"))


#: The largest statement file read, in bytes (about 800,000 lines of a bank's CSV export);
#: a larger one is refused before it is read.
MAX_STATEMENT_BYTES = 20_000_000


def _check_source(path, sheet, encoding):
    """The path (or file object), the sheet and the encoding of a statement, checked."""
    if isinstance(path, (str, os.PathLike)):
        check_path(path)
    elif not callable(getattr(path, "read", None)):
        raise InputError(
            "path",
            path,
            "a statement file: a path (str or os.PathLike) or a file object open for reading",
        )
    check_sheet("sheet", sheet)
    if encoding is not None:
        check_encoding("encoding", encoding)


def _read_raw(path, *, sheet, encoding) -> pd.DataFrame:
    _check_source(path, sheet, encoding)
    name = source_name(path)
    is_path = isinstance(path, (str, os.PathLike))
    text_name = os.fspath(path).lower() if is_path else str(getattr(path, "name", "")).lower()
    data = None
    too_big = f"a statement file of at most {MAX_STATEMENT_BYTES:,} bytes"
    try:
        if is_path:
            size = os.path.getsize(path)
            if size > MAX_STATEMENT_BYTES:
                raise InputError("path", name, too_big, f"it has {size:,} bytes")
            with open(path, "rb") as f:
                data = f.read(MAX_STATEMENT_BYTES + 1)
        else:
            data = path.read(MAX_STATEMENT_BYTES + 1)
    except OSError as e:
        raise InputError("path", name, "a readable statement file (CSV or xlsx)", str(e)) from None
    if isinstance(data, (str, bytes)) and len(data) > MAX_STATEMENT_BYTES:
        raise InputError("path", name, too_big)
    if isinstance(data, str):
        _csv_sheet(sheet, name)
        return _read_csv_text(data, name)
    if not isinstance(data, bytes):
        raise InputError("path", name, "a file object that reads text or bytes")
    if text_name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        try:
            raw = pd.read_excel(
                io.BytesIO(data), sheet_name=sheet, header=None, dtype=str, engine="openpyxl"
            )
        except ImportError:
            raise InputError(
                "path",
                name,
                "a CSV file",
                "reading xlsx needs openpyxl: pip install 'repayplan[report]'",
            ) from None
        except (ValueError, KeyError, IndexError) as e:
            if "worksheet" in str(e).lower() or isinstance(e, IndexError):
                raise InputError(
                    "sheet", sheet, f"a worksheet of {name} (its name, or its 0-based position)"
                ) from None
            raise InputError(
                "path", name, "a readable xlsx workbook", f"{type(e).__name__}: {e}"
            ) from None
        except OSError as e:
            raise InputError(
                "path", name, "a readable xlsx workbook", f"{type(e).__name__}: {e}"
            ) from None
        return raw.fillna("").map(lambda x: str(x).strip())
    _csv_sheet(sheet, name)
    encodings = [encoding] if encoding is not None else ["utf-8-sig", "gb18030"]
    for enc in encodings:
        try:
            return _read_csv_text(data.decode(enc), name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(
        "encoding",
        encoding or "utf-8/gb18030",
        f"the text encoding of {name} (e.g. 'gbk', 'utf-8')",
    )


def _csv_sheet(sheet, name: str) -> None:
    check_sheet("sheet", sheet, csv_name=name)


def _read_csv_text(text: str, name: str) -> pd.DataFrame:
    import csv

    rows = list(csv.reader(io.StringIO(text)))
    width = max((len(r) for r in rows), default=0)
    if width > MAX_CSV_COLUMNS:  # before the table is built (200,000 columns took minutes)
        raise InputError(
            "path",
            name,
            f"a statement of at most {MAX_CSV_COLUMNS:,} columns",
            f"a line has {width:,}",
        )
    if width == 0:
        raise InputError("path", name, "a statement with a header row and transaction lines")
    return pd.DataFrame([[c.strip() for c in r] + [""] * (width - len(r)) for r in rows])


def _find_header(raw: pd.DataFrame, name: str) -> int:
    for i in range(min(30, len(raw))):
        kinds = {_HEADER_OF.get(_norm_header(c)) for c in raw.iloc[i].tolist()}
        if "date" in kinds and kinds & {"debit", "credit", "amount"}:
            return i
    raise InputError(
        f"{name}: header", "no header row found",
        "a row of column headers within the first 30 rows with a date column (交易日期, date) "
        "and amount columns (借方/贷方金额, 交易金额, debit/credit, amount)",
        "pass header_row= or rename the columns",
    )  # fmt: skip


def _signed(amount: str, direction: str, name: str, line) -> str:
    mark = _norm_name(direction)
    a = str(amount).strip()
    if a in ("", "-", "--"):
        return a
    if a.startswith("-"):
        return a  # already signed
    if mark in _DEBIT_MARKS:
        return "-" + a
    if mark in _CREDIT_MARKS:
        return a
    raise InputError(
        f"{name}: line {line}, direction",
        direction,
        "借 or 贷 (D/C, 支/收): which way the money went",
    )


# --------------------------------------------------------------------------------------------
# exact amounts and dates
# --------------------------------------------------------------------------------------------


def _minor(value, field: str, units: int, *, blank_zero: bool) -> int:
    """One amount as integer minor units; text may carry thousands separators and ¥."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    else:
        try:
            return money.to_minor(value, units, field=field, exact=True)
        except InputError:
            raise InputError(
                field, value, f"an amount with at most {units} decimal places"
            ) from None
    if text in ("", "-", "--", "—"):
        if blank_zero:
            return 0
        raise InputError(field, value, "an amount (the cell is empty)")
    m = _PLAIN.match(text.replace(",", ""))
    if m is not None and len(m.group(3) or "") <= units:
        # the common case, exactly in integers: sign, whole part, up to `units` decimals
        whole = int(m.group(2)) * 10**units + int((m.group(3) or "").ljust(units, "0") or 0)
        return -whole if m.group(1) == "-" else whole
    neg = text.startswith("(") and text.endswith(")")
    t = text.strip("()").replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    t = t.replace("元", "").replace("CNY", "").replace("RMB", "").strip()
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise InputError(field, value, "an amount such as 12,000.00 or -350.5") from None
    if not d.is_finite():
        raise InputError(field, value, "a finite amount")
    try:
        return money.to_minor(-d if neg else d, units, field=field, exact=True)
    except InputError:
        raise InputError(field, value, f"an amount with at most {units} decimal places") from None


def _date(value, field: str) -> pd.Timestamp:
    if isinstance(value, pd.Timestamp) and not pd.isna(value):
        return value.normalize()
    if hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day"):
        return pd.Timestamp(year=value.year, month=value.month, day=value.day)
    m = _DATE.match(str(value))
    if m is None:
        raise InputError(
            field, value, "a date such as 2026-01-05, 2026/1/5, 20260105 or 2026年1月5日"
        )
    y = int(m.group(1))
    mo, d = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
    try:
        return pd.Timestamp(year=y, month=int(mo), day=int(d))
    except ValueError:
        raise InputError(field, value, "a real calendar date") from None


def _names(field: str, value) -> frozenset:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (Sequence, set, frozenset)) or isinstance(value, bytes):
        raise InputError(field, value, "a list of names")
    out = set()
    for i, x in enumerate(value):
        if not isinstance(x, str) or not x.strip():
            raise InputError(f"{field}[{i}]", x, "a non-empty name")
        out.add(_norm_name(x))
    return frozenset(out)


# --------------------------------------------------------------------------------------------
# monthly net cash
# --------------------------------------------------------------------------------------------


def monthly(
    frame,
    *,
    date="date",
    amount="amount",
    debit="debit",
    credit="credit",
    balance="balance",
    counterparty="counterparty",
    tag="tag",
    own_accounts=(),
    loan_proceeds=(),
    exclude_tags=(),
    opening_balance=None,
    currency="CNY",
    reconcile="month",
) -> pd.DataFrame:
    """Statement lines aggregated to monthly net cash, exactly, with balances reconciled.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per statement line (as from :func:`read_statement`, or your own).
    date : str, default "date"
        The column of transaction dates (dates, or text such as ``2026-01-05``, ``2026/1/5``,
        ``20260105``, ``2026年1月5日``; a time of day is ignored).
    amount : str or None, default "amount"
        The column of signed amounts (money in positive, money out negative).  Used when the
        frame has it; otherwise the ``debit`` (money out) and ``credit`` (money in) columns.
    debit, credit : str, default "debit", "credit"
        Unsigned amounts out and in; an empty cell is zero.
    balance : str or None, default "balance"
        The running balance after each line; when the column exists, every month is reconciled.
    counterparty : str, default "counterparty"
        The column naming the other party (对方户名), used by ``own_accounts``/``loan_proceeds``.
    tag : str, default "tag"
        A column of tags or descriptions, used by ``exclude_tags`` (``tag="description"`` matches
        the 摘要 of a Chinese statement).
    own_accounts : list of str (or one name as a str)
        Counterparties that are the borrower's own accounts: every line with them is left out
        (a transfer between own accounts is not cash earned or spent).
    loan_proceeds : list of str (or one name as a str)
        Lenders whose payments *into* the account are loan proceeds: those lines are left out
        (borrowed money is not cash available for debt service).
    exclude_tags : list of str
        Lines whose ``tag`` is one of these are left out.
    opening_balance : amount, optional
        The balance before the first line.  Default: the first line's balance less its amount.
    currency : str, default "CNY"
        Sets the minor units (CNY: 2 decimals).  An amount with more decimals is an error.
    reconcile : {"month", "line"}, default "month"
        ``"month"``: each month's last balance must be the previous month's plus the month's
        lines.  ``"line"``: every line's balance must be the previous line's plus its amount
        (stricter: it also catches errors inside a month that cancel out by its end, but it
        needs the lines of a day in the bank's own order).

    Returns
    -------
    pandas.DataFrame
        Indexed by month (consecutive; a month without lines has zero cash), columns of
        :class:`~decimal.Decimal`: ``inflows`` and ``outflows`` (kept lines), ``net``
        (``inflows - outflows``), ``excluded`` (net of the lines left out), ``opening`` and
        ``closing`` balances (when there is a balance column), and ``lines`` (int).

    Raises
    ------
    InputError
        A missing column, a bad date or amount (naming the file line), lines out of date order,
        or a month whose balances do not reconcile, naming the first such month:
        ``opening + net + excluded != closing``.

    Notes
    -----
    Lines may be in date order oldest first or newest first (then they are reversed; within a
    day the file's order is kept).  Every sum is of integer minor units, never of floats.  The
    reconciliation uses every line, kept or left out, since all of them moved the balance:

    .. math:: \\text{closing}_m = \\text{opening}_m + \\sum_{i \\in m} a_i,
              \\qquad \\text{opening}_{m+1} = \\text{closing}_m.

    Examples
    --------
    >>> lines = pd.DataFrame({
    ...     "date": ["2026-01-05", "2026-01-09", "2026-01-20", "2026-03-02"],
    ...     "amount": ["12000.00", "30000.00", "-8000.50", "5000.00"],
    ...     "balance": ["62000.00", "92000.00", "83999.50", "88999.50"],
    ...     "counterparty": ["甲公司", "本公司基本户", "", "甲公司"]})
    >>> m = monthly(lines, own_accounts=["本公司基本户"])
    >>> m[["inflows", "outflows", "net", "excluded", "closing"]]
              inflows outflows      net  excluded   closing
    month
    2026-01  12000.00  8000.50  3999.50  30000.00  83999.50
    2026-02      0.00     0.00     0.00      0.00  83999.50
    2026-03   5000.00     0.00  5000.00      0.00  88999.50
    """
    from .cashflow import check_currency_code

    if not isinstance(frame, pd.DataFrame):
        raise InputError("frame", type(frame).__name__, "a pandas DataFrame of statement lines")
    units = money.minor_units_for(check_currency_code(currency))
    if len(frame) == 0:
        raise InputError("frame", "0 lines", "at least one statement line")
    cols = frame.columns

    def need(field, col):
        if not isinstance(col, str) or col not in cols:
            raise InputError(field, col, f"a column of the statement: one of {list(cols)}")
        return col

    need("date", date)
    where = (
        [f"line {x}" for x in frame["line"]]
        if "line" in cols
        else [f"row {i}" for i in range(len(frame))]
    )
    seen: dict = {}  # a statement repeats its dates: parse each text once

    def day(v, w):
        key = v if isinstance(v, str) else None
        if key is not None and key in seen:
            return seen[key]
        out = _date(v, f"{date} at {w}")
        if key is not None:
            seen[key] = out
        return out

    days = [day(v, w) for v, w in zip(frame[date], where, strict=True)]
    use_amount = amount is not None and amount in cols
    if use_amount:
        amt = [
            _minor(v, f"{amount} at {w}", units, blank_zero=False)
            for v, w in zip(frame[amount], where, strict=True)
        ]
    else:
        have = [c for c in (debit, credit) if isinstance(c, str) and c in cols]
        if not have:
            raise InputError(
                "amount",
                amount,
                "a column of signed amounts, or debit/credit "
                f"columns; the statement has {list(cols)}",
            )
        zero = [0] * len(frame)
        debits = (
            [
                _minor(v, f"{debit} at {w}", units, blank_zero=True)
                for v, w in zip(frame[debit], where, strict=True)
            ]
            if debit in have
            else zero
        )
        inn = (
            [
                _minor(v, f"{credit} at {w}", units, blank_zero=True)
                for v, w in zip(frame[credit], where, strict=True)
            ]
            if credit in have
            else zero
        )
        for o, i, w in zip(debits, inn, where, strict=True):
            if o < 0 or i < 0:
                raise InputError(
                    f"{debit if o < 0 else credit} at {w}",
                    money.from_minor(min(o, i), units),
                    "an unsigned amount (debit is money out, credit money in)",
                )
        amt = [i - o for o, i in zip(debits, inn, strict=True)]
    a = np.array(amt, dtype=np.int64)
    ts = pd.DatetimeIndex(days)
    order = np.arange(len(a))
    diffs = np.diff(ts.asi8)
    if (diffs < 0).any():
        if (diffs <= 0).all():
            order = order[::-1]  # newest first: read it oldest first
        else:
            i = int(np.flatnonzero(diffs < 0)[0]) + 1
            raise InputError(
                f"{date} at {where[i]}",
                str(ts[i].date()),
                "lines in date order (oldest first or newest first)",
                f"it comes after {ts[i - 1].date()}",
            )
    a, ts = a[order], ts[order]
    where0, where = where, [where[i] for i in order]
    keep = np.ones(len(a), dtype=bool)
    for field, names, col, only_in in (
        ("own_accounts", own_accounts, counterparty, False),
        ("loan_proceeds", loan_proceeds, counterparty, True),
        ("exclude_tags", exclude_tags, tag, False),
    ):
        wanted = _names(field, names)
        if not wanted:
            continue
        if col not in cols:
            what = "counterparty" if field != "exclude_tags" else "tag"
            raise InputError(
                what, col, f"a column of the statement for {field}= (one of {list(cols)})"
            )
        vals = np.array([_norm_name(v) if isinstance(v, str) else "" for v in frame[col]])[order]
        hit = np.isin(vals, list(wanted))
        if only_in:
            hit &= a > 0
        keep &= ~hit
    months = ts.to_period("M")
    ordinals = months.asi8
    first, last = int(ordinals.min()), int(ordinals.max())
    k = ordinals - first
    n = last - first + 1
    inflows = _sum_by(k, np.where(keep & (a > 0), a, 0), n)
    outflows = _sum_by(k, np.where(keep & (a < 0), -a, 0), n)
    excluded = _sum_by(k, np.where(~keep, a, 0), n)
    count = np.bincount(k, minlength=n)
    index = pd.period_range(pd.Period(ordinal=first, freq="M"), periods=n, freq="M", name="month")
    dec = money.decimals_array
    out = pd.DataFrame({
        "inflows": dec(inflows, units), "outflows": dec(outflows, units),
        "net": dec(inflows - outflows, units), "excluded": dec(excluded, units),
    }, index=index)  # fmt: skip
    if balance is not None and balance in cols:
        bal = np.array(
            [
                _minor(v, f"{balance} at {w}", units, blank_zero=False)
                for v, w in zip(frame[balance], where0, strict=True)
            ],
            dtype=np.int64,
        )[order]
        if opening_balance is None:
            opening0 = int(bal[0] - a[0])
        else:
            opening0 = _minor(opening_balance, "opening_balance", units, blank_zero=False)
        check_choice("reconcile", reconcile, ("month", "line"))
        if reconcile == "line":
            expect_line = opening0 + np.cumsum(a)
            off = np.flatnonzero(bal != expect_line)
            if off.size:
                i = int(off[0])
                before = opening0 if i == 0 else int(bal[i - 1])
                raise InputError(
                    f"{balance} at {where[i]}", str(money.from_minor(int(bal[i]), units)),
                    f"the balance before it {money.from_minor(before, units)} + its amount "
                    f"{money.from_minor(int(a[i]), units)} = "
                    f"{money.from_minor(before + int(a[i]), units)}",
                    f"in {ts[i].to_period('M')}; difference "
                    f"{money.from_minor(int(bal[i]) - before - int(a[i]), units)}",
                )  # fmt: skip
        total = inflows - outflows + excluded
        closing_stated = np.full(n, np.iinfo(np.int64).min)
        last_line = np.zeros(n, dtype=np.int64) - 1
        last_line[k] = np.arange(len(a))  # later lines overwrite: the month's last line
        has = last_line >= 0
        closing_stated[has] = bal[last_line[has]]
        opening = np.empty(n, dtype=np.int64)
        closing = np.empty(n, dtype=np.int64)
        prev = opening0
        for m in range(n):  # sequential: each month opens at the last one's close
            opening[m] = prev
            expect = prev + total[m]
            stated = closing_stated[m] if has[m] else expect
            if stated != expect and m == 0 and opening_balance is not None:
                raise InputError(
                    "opening_balance", opening_balance,
                    f"the balance before the first line for {index[0]} to reconcile: "
                    f"{money.from_minor(stated - total[0], units)} (the month's last balance "
                    f"{money.from_minor(stated, units)} less the net of its lines "
                    f"{money.from_minor(total[0], units)})",
                )  # fmt: skip
            if stated != expect:
                raise InputError(
                    f"balance in {index[m]}", str(money.from_minor(stated, units)),
                    f"opening {money.from_minor(prev, units)} + net of the month's lines "
                    f"{money.from_minor(total[m], units)} = {money.from_minor(expect, units)}",
                    f"the month's last line ({where[last_line[m]]}) does not reconcile; "
                    f"difference {money.from_minor(stated - expect, units)}",
                )  # fmt: skip
            closing[m] = stated
            prev = stated
        out["opening"] = dec(opening, units)
        out["closing"] = dec(closing, units)
    elif opening_balance is not None:
        raise InputError(
            "opening_balance",
            opening_balance,
            "given only with a balance column to reconcile against",
        )
    out["lines"] = count
    return out


def _sum_by(k: np.ndarray, x: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, k, x.astype(np.int64))
    return out


# --------------------------------------------------------------------------------------------
# CFADS from accounts
# --------------------------------------------------------------------------------------------

_ACCOUNT_LINES = (
    "revenue",
    "operating_costs",
    "ebitda",
    "tax",
    "maintenance_capex",
    "working_capital_change",
    "other_debt_service",
)


def cfads(
    accounts,
    *,
    revenue="revenue",
    operating_costs="operating_costs",
    ebitda=None,
    tax="tax",
    maintenance_capex="maintenance_capex",
    working_capital_change="working_capital_change",
    other_debt_service="other_debt_service",
    priority="first",
    share=None,
    frequency="monthly",
    currency="CNY",
) -> pd.DataFrame:
    """Cash flow available for debt service (CFADS) from accounts, exactly.

    Parameters
    ----------
    accounts : pandas.DataFrame
        One row per month (index of consecutive months, as for
        :meth:`repayplan.CashFlow.from_series`) or per year (``frequency="annual"``: an index of
        consecutive years, ``2025`` or ``pandas.Period("2025", "Y")``).  Amounts as Decimal, int,
        text or float (read by its shortest repr), at most the currency's decimals.
    revenue, operating_costs : str
        Columns of revenue and operating costs (cash costs: EBITDA = revenue - operating costs).
    ebitda : str, optional
        A column of EBITDA, used instead of revenue and operating costs.
    tax, maintenance_capex, working_capital_change : str or None
        Columns of tax paid, maintenance capital expenditure and the *increase* in working
        capital (a decrease is negative and adds cash).  ``None``, or a column the frame lacks,
        counts as zero for that line; a name given explicitly must exist.
    other_debt_service : str or None
        Column of the borrower's instalments due to other creditors.
    priority : {"first", "pro_rata"}, default "first"
        ``"first"``: other creditors are paid before this one.  ``"pro_rata"``: when cash is
        short the creditors share it, this one in proportion ``share``.
    share : float, optional
        This creditor's share of the debt, from 0 to 1 (required with ``"pro_rata"``).
    frequency : {"monthly", "annual"}, default "monthly"
        Annual figures are spread over the year's twelve months in equal parts to the cent, the
        remainder cents going to the first months, so every year sums exactly.
    currency : str, default "CNY"

    Returns
    -------
    pandas.DataFrame
        Indexed by month, :class:`~decimal.Decimal` columns ``ebitda``, ``tax``,
        ``maintenance_capex``, ``working_capital_change``, ``cfads``, ``other_debt_service``,
        ``other_paid`` and ``available`` (the cash for this creditor).

    Notes
    -----
    .. math::

        \\text{CFADS} = \\text{EBITDA} - \\text{tax} - \\text{maintenance capex}
                        - \\Delta\\text{working capital}

    the definition of project-finance practice (the numerator of the DSCR, e.g. Gatti,
    *Project Finance in Theory and Practice*, ch. 5).  With other debt service ``D`` paid first,
    ``available = CFADS - D``.  Pro rata with share ``s``, the others receive
    ``min(D, round((1 - s) * max(CFADS, 0)))`` and this creditor the rest:
    ``available = CFADS - other_paid`` (when cash covers everyone, the others get exactly ``D``).

    Examples
    --------
    >>> acc = pd.DataFrame({"revenue": ["1200000.00"], "operating_costs": ["840000.00"],
    ...                     "tax": ["36000.00"], "maintenance_capex": ["60000.00"],
    ...                     "working_capital_change": ["-12000.00"],
    ...                     "other_debt_service": ["120000.00"]}, index=[2025])
    >>> y = cfads(acc, frequency="annual")
    >>> y["cfads"].sum(), y["available"].sum(), y["available"].iloc[0]
    (Decimal('276000.00'), Decimal('156000.00'), Decimal('13000.00'))
    """
    from .cashflow import check_currency_code, month_index

    if not isinstance(accounts, pd.DataFrame):
        raise InputError("accounts", type(accounts).__name__, "a pandas DataFrame of accounts")
    units = money.minor_units_for(check_currency_code(currency))
    check_choice("priority", priority, ("first", "pro_rata"))
    check_choice("frequency", frequency, ("monthly", "annual"))
    if priority == "pro_rata":
        if share is None:
            raise InputError(
                "share",
                share,
                "this creditor's share of the debt, 0 to 1, with priority='pro_rata'",
            )
        share_f = check_fraction("share", share)
    elif share is not None:
        raise InputError("share", share, "given only with priority='pro_rata'")
    if len(accounts) == 0:
        raise InputError("accounts", "0 rows", "at least one month or year of accounts")
    cols = accounts.columns

    def column(field, name, *, required):
        if name is None:
            return np.zeros(len(accounts), dtype=np.int64)
        if not isinstance(name, str) or name not in cols:
            if required or name != _DEFAULTS[field]:
                raise InputError(field, name, f"a column of accounts: one of {list(cols)}")
            return np.zeros(len(accounts), dtype=np.int64)
        return np.array(
            [
                _minor(v, f"accounts[{name!r}] at {ix}", units, blank_zero=False)
                for v, ix in zip(accounts[name], accounts.index, strict=True)
            ],
            dtype=np.int64,
        )

    if ebitda is not None:
        e = column("ebitda", ebitda, required=True)
    else:
        e = column("revenue", revenue, required=True) - column(
            "operating_costs", operating_costs, required=True
        )
    lines = {
        "ebitda": e,
        "tax": column("tax", tax, required=False),
        "maintenance_capex": column("maintenance_capex", maintenance_capex, required=False),
        "working_capital_change": column(
            "working_capital_change", working_capital_change, required=False
        ),
        "other_debt_service": column("other_debt_service", other_debt_service, required=False),
    }
    if frequency == "annual":
        years = _year_index(accounts.index)
        index = pd.period_range(f"{years[0]}-01", periods=12 * len(years), freq="M", name="month")
        lines = {k: _spread(v) for k, v in lines.items()}
    else:
        index = month_index(accounts.index, "accounts").rename("month")
    c = (
        lines["ebitda"]
        - lines["tax"]
        - lines["maintenance_capex"]
        - lines["working_capital_change"]
    )
    d = lines["other_debt_service"]
    if (d < 0).any():
        i = int(np.flatnonzero(d < 0)[0])
        raise InputError(
            f"other_debt_service in {index[i]}", money.from_minor(d[i], units), "an instalment >= 0"
        )
    if priority == "first":
        paid = d
    else:
        # (1 - s) * max(CFADS, 0) rounded half-up in minor units, exactly (s read by its repr)
        q = Decimal(1) - Decimal(repr(share_f))
        cap = np.array(
            [
                int((Decimal(int(x)) * q).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
                for x in np.maximum(c, 0)
            ],
            dtype=np.int64,
        )
        paid = np.minimum(d, cap)
    dec = money.decimals_array
    out = pd.DataFrame(
        {k: dec(v, units) for k, v in lines.items() if k != "other_debt_service"}, index=index
    )
    out["cfads"] = dec(c, units)
    out["other_debt_service"] = dec(d, units)
    out["other_paid"] = dec(paid, units)
    out["available"] = dec(c - paid, units)
    return out


_DEFAULTS = {
    "revenue": "revenue",
    "operating_costs": "operating_costs",
    "tax": "tax",
    "maintenance_capex": "maintenance_capex",
    "working_capital_change": "working_capital_change",
    "other_debt_service": "other_debt_service",
    "ebitda": None,
}


def _year_index(index: pd.Index) -> list[int]:
    allowed = "consecutive years: 2025, '2025' or pandas.Period('2025', 'Y')"
    years = []
    for x in index:
        if isinstance(x, pd.Period):
            if not x.freqstr.startswith(("Y", "A")):
                raise InputError("accounts.index", str(x), allowed)
            years.append(x.year)
        elif isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            years.append(int(x))
        elif isinstance(x, str) and re.fullmatch(r"\s*\d{4}\s*", x):
            years.append(int(x))
        else:
            raise InputError("accounts.index", x, allowed)
    steps = np.diff(years)
    if steps.size and (steps != 1).any():
        i = int(np.flatnonzero(steps != 1)[0])
        raise InputError(
            "accounts.index",
            years[i + 1],
            allowed,
            f"the year after {years[i]} must be {years[i] + 1}",
        )
    return years


def _spread(yearly: np.ndarray) -> np.ndarray:
    """Each year's amount in 12 monthly parts to the minor unit, summing exactly.

    Floor division plus the remainder's units in the first months (negative years mirrored)."""
    sign = np.where(yearly < 0, -1, 1)
    mag = np.abs(yearly)
    base, rem = np.divmod(mag, 12)
    parts = base[:, None] + (np.arange(12)[None, :] < rem[:, None])
    return (sign[:, None] * parts).reshape(-1).astype(np.int64)
