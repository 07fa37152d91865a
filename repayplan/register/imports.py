"""Reading a bank statement (CSV or xlsx) into payments, checking every line.

Used by :meth:`repayplan.register.Register.import_payments`; nothing here writes.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .._validate import check_date, check_sheet
from ..errors import InputError

__all__ = ["FIELDS", "read_statement"]

FIELDS = ("agreement", "date", "amount", "reference", "currency", "memo")
"""The fields of a statement line; the first four are required."""
_REQUIRED = FIELDS[:4]
_SUFFIXES = (".csv", ".xlsx")


def _agreement_id(where: str, v) -> int:
    if isinstance(v, bool):
        raise InputError(where, v, "an agreement id (a whole number)")
    if isinstance(v, int) and v > 0:
        return v
    if isinstance(v, float) and v.is_integer() and v > 0:
        return int(v)
    if isinstance(v, str) and v.strip().isdigit() and int(v) > 0:
        return int(v.strip())
    raise InputError(where, v, "an agreement id (a whole number)")


def _reference(where: str, v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = str(int(v))
    elif isinstance(v, int) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str) or not v.strip() or "\x00" in v:
        raise InputError(where, v, "a non-empty reference (the bank's, to book each payment once)")
    return v.strip()


def read_statement(path, columns: Mapping | None = None, sheet=0):
    """Read and check a statement: ``(path, data, sha256, names)``.

    ``data`` has lists ``line`` (the line or row number in the file, the header being 1),
    ``agreement`` (int), ``date`` (date), ``amount`` (as read), ``reference`` (str), and
    ``currency``/``memo`` (lists, or None when the file has no such column); ``names`` maps
    each field to the file's column.

    >>> import tempfile, pathlib
    >>> folder = tempfile.TemporaryDirectory()
    >>> f = pathlib.Path(folder.name) / "st.csv"
    >>> _ = f.write_text("Contract,Value date,Credit,Ref\\n1,2027-01-01,606.00,B-1\\n", encoding="utf-8")
    >>> _, data, _, _ = read_statement(f, {"agreement": "Contract", "date": "Value date",
    ...                                    "amount": "Credit", "reference": "Ref"})
    >>> data["agreement"], data["date"], data["amount"], data["reference"]
    ([1], [datetime.date(2027, 1, 1)], ['606.00'], ['B-1'])
    >>> folder.cleanup()
    """
    if not isinstance(path, (str, Path)):
        raise InputError("path", path, "the path of a .csv or .xlsx statement")
    p = Path(path)
    if p.suffix.lower() not in _SUFFIXES:
        raise InputError("path", str(p), "a .csv or .xlsx statement")
    check_sheet("sheet", sheet, csv_name=p.name if p.suffix.lower() == ".csv" else None)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise InputError("path", str(p), "a statement file that can be read", e.strerror) from None
    names = {f: f for f in FIELDS}
    if columns is not None:
        if not isinstance(columns, Mapping):
            raise InputError(
                "columns", columns, "a mapping of field to column, e.g. {'amount': 'Credit'}"
            )
        for k, v in columns.items():
            if k not in FIELDS:
                raise InputError(
                    f"columns[{k!r}]", v, "a mapping whose keys are among " + ", ".join(FIELDS)
                )
            if not isinstance(v, str):
                raise InputError(f"columns[{k!r}]", v, "the name of a column of the file")
            names[k] = v
    try:
        if p.suffix.lower() == ".csv":
            frame = pd.read_csv(
                io.BytesIO(raw),
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skipinitialspace=True,
            )
        else:
            frame = pd.read_excel(
                io.BytesIO(raw), sheet_name=sheet, dtype=object, engine="openpyxl"
            )
    except (
        ValueError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        KeyError,
        OSError,
        IndexError,
    ) as e:
        if p.suffix.lower() != ".csv" and (
            "worksheet" in str(e).lower() or isinstance(e, IndexError)
        ):
            raise InputError(
                "sheet", sheet, f"a worksheet of {p.name} (its name, or its 0-based position)"
            ) from None
        what = (
            "a CSV file in UTF-8 with a header line"
            if p.suffix.lower() == ".csv"
            else "an xlsx workbook with a header row"
        )
        raise InputError("path", str(p), what, " ".join(str(e).split())[:200]) from None
    except Exception as e:  # openpyxl raises its own on a corrupt workbook (zipfile, XML)
        raise InputError(
            "path",
            str(p),
            "an xlsx workbook with a header row",
            f"{type(e).__name__}: {' '.join(str(e).split())[:200]}",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    have = set(frame.columns)
    for f in _REQUIRED:
        if names[f] not in have:
            raise InputError(
                f"column {names[f]!r}",
                sorted(have),
                f"a column {names[f]!r} in {p.name} (the {f}); map another with columns={{...}}",
            )
    n = len(frame)
    lines = list(range(2, n + 2))
    data: dict = {"line": lines}

    def cells(f):
        col = frame[names[f]].tolist()
        return [None if (v is None or (isinstance(v, float) and v != v)) else v for v in col]

    ag, day, amt, ref = cells("agreement"), cells("date"), cells("amount"), cells("reference")
    data["agreement"] = [
        _agreement_id(f"line {ln}: {names['agreement']}", v)
        for ln, v in zip(lines, ag, strict=True)
    ]
    data["date"] = [
        _day(f"line {ln}: {names['date']}", v) for ln, v in zip(lines, day, strict=True)
    ]
    data["amount"] = [
        _amount(f"line {ln}: {names['amount']}", v) for ln, v in zip(lines, amt, strict=True)
    ]
    data["reference"] = [
        _reference(f"line {ln}: {names['reference']}", v) for ln, v in zip(lines, ref, strict=True)
    ]
    for f in ("currency", "memo"):
        if names[f] in have:
            vals = cells(f)
            data[f] = ["" if v is None else str(v).strip() for v in vals]
        else:
            data[f] = None
    return p, data, hashlib.sha256(raw).hexdigest(), names


def _day(where: str, v) -> _dt.date:
    if isinstance(v, str) and len(v) == 10:  # the common YYYY-MM-DD, read in C
        try:
            return _dt.date.fromisoformat(v)
        except ValueError:
            pass
    return check_date(where, v if not isinstance(v, str) or v else None)


def _amount(where: str, v):
    if v is None or (isinstance(v, str) and not v.strip()):
        raise InputError(where, v, "an amount > 0")
    if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v.strip()
    raise InputError(where, v, "an amount > 0")
