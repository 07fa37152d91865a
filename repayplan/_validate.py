"""One place for validating public arguments (in the spirit of sklearn.utils.validation).

Every public entry point calls these; each raises :class:`~repayplan.errors.InputError`
naming the field, the value and what is allowed.  Nothing is clipped or coerced silently.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import numpy as np

from .errors import InputError, shorten

__all__ = [
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_TEXT",
    "as_decimal",
    "check_bool",
    "check_text",
    "check_instance",
    "check_seed",
    "check_like",
    "check_claim",
    "check_items",
    "check_sequence",
    "check_sheet",
    "check_encoding",
    "check_id",
    "check_loan_columns",
    "MAX_BATCH_MINOR",
    "shorten",
    "check_amount",
    "check_rate",
    "check_int",
    "check_choice",
    "check_date",
    "check_fraction",
    "parse_percent",
    "parse_amount",
]


#: The most significant digits a number may have (a 5,000-digit integer is a typing error,
#: and converting one would take time or fail deep inside).
MAX_DIGITS = 40
#: Numbers above ``1E+30`` in magnitude are refused (``1E+999999`` would make exact
#: arithmetic take minutes before failing); below ``1E-30`` they are read as 0.
MAX_EXPONENT = 30
#: The longest text a field takes (names, titles, notes), in characters.
MAX_TEXT = 10_000


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def as_decimal(field: str, value) -> Decimal:
    """Return ``value`` as an exact Decimal, reading floats by their shortest repr.

    ``0.0435`` becomes ``Decimal("0.0435")`` (not the binary expansion), which is what
    the person who typed the number meant.  Bools (also ``numpy.bool_``), ``None``, NaN,
    infinities, arrays, integers of more than :data:`MAX_DIGITS` digits and magnitudes
    above ``1E+30`` (:data:`MAX_EXPONENT`) are refused; magnitudes below ``1E-30``, far
    below the resolution of any rate or amount, are read as 0.

    Examples
    --------
    >>> as_decimal("rate", 0.0435)
    Decimal('0.0435')
    >>> as_decimal("rate", True)
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: rate == True, must be a number (not a bool)
    """
    if _is_bool(value):
        raise InputError(field, value, "a number (not a bool)")
    if value is None:
        raise InputError(field, value, "a number")
    if isinstance(value, Decimal):
        d = value
        if d.is_snan() or d.is_qnan():
            raise InputError(field, value, "a finite number")
    elif isinstance(value, numbers.Integral):
        v = int(value)
        if v.bit_length() > MAX_DIGITS * 3.33:
            raise InputError(field, value, f"a number of at most {MAX_DIGITS} digits")
        d = Decimal(v)
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise InputError(field, value, "a finite number")
        d = Decimal(repr(float(value)))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if len(text) > 2 * MAX_DIGITS:
            raise InputError(field, value, f"a number of at most {MAX_DIGITS} digits")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise InputError(field, value, "a number") from None
    elif isinstance(value, numbers.Real) and not isinstance(value, np.ndarray):
        try:
            d = Decimal(repr(float(value)))
        except (TypeError, ValueError, OverflowError):
            raise InputError(field, value, "a number") from None
    else:
        raise InputError(field, value, "a number")
    if not d.is_finite():
        raise InputError(field, value, "a finite number")
    if d and d.adjusted() > MAX_EXPONENT:
        raise InputError(field, value, f"a number below 1E+{MAX_EXPONENT} in size")
    if d and d.adjusted() < -MAX_EXPONENT:
        # below the resolution of any rate or amount; exact arithmetic on 1E-999999 would
        # overflow deep inside (a float such as 7.9e-222 is still a valid share)
        d = Decimal(0)
    if len(d.as_tuple().digits) > MAX_DIGITS:
        raise InputError(field, value, f"a number of at most {MAX_DIGITS} digits")
    return d


def check_amount(field: str, value, *, allow_zero: bool = False) -> Decimal:
    """A finite amount of money, > 0 (or >= 0 with ``allow_zero``), as Decimal."""
    d = as_decimal(field, value)
    if d < 0 or (d == 0 and not allow_zero):
        raise InputError(
            field, value, "a finite amount >= 0" if allow_zero else "a finite amount > 0"
        )
    return d


def check_rate(field: str, value, *, low=0, high=1, low_open: bool = False) -> Decimal:
    """An annual rate as a fraction in [low, high] (0.0435, not 4.35)."""
    d = as_decimal(field, value)
    lo, hi = Decimal(str(low)), Decimal(str(high))
    if d < lo or d > hi or (low_open and d == lo):
        hint = None
        if d > hi and d <= 100:
            hint = f"a rate is a fraction: {d}% is {d / 100}"
        lo_txt = f"> {lo}" if low_open else f">= {lo}"
        raise InputError(field, value, f"a rate {lo_txt} and <= {hi} a year, as a fraction", hint)
    return d


def check_fraction(field: str, value) -> float:
    """A share in [0, 1] such as a waiver or a recovery rate."""
    d = as_decimal(field, value)
    if d < 0 or d > 1:
        raise InputError(field, value, "a fraction from 0 to 1")
    return float(d)


def check_int(field: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """A whole number in [low, high] (never a bool, NaN or a fraction such as 2.5).

    Without bounds it must still fit in 64 bits.

    Examples
    --------
    >>> check_int("term", 36.0, low=1, high=1200)
    36
    >>> check_int("term", 2.5, low=1)
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: term == 2.5, must be a whole number >= 1
    """
    if _is_bool(value) or not isinstance(value, (numbers.Integral, float, np.floating, Decimal)):
        raise InputError(field, value, _int_range(low, high))
    if isinstance(value, (float, np.floating, Decimal)):
        try:
            ok = math.isfinite(value) and value == int(value)
        except (ValueError, OverflowError, InvalidOperation):
            ok = False
        if not ok:
            raise InputError(field, value, _int_range(low, high))
    v = int(value)
    lo = low if low is not None else -(2**63)
    hi = high if high is not None else 2**63 - 1
    if v < lo or v > hi:
        raise InputError(field, value, _int_range(low, high))
    return v


def check_bool(field: str, value) -> bool:
    """A flag: ``True`` or ``False`` (``numpy.bool_`` too), never a truthy stand-in.

    ``"False"`` is a non-empty string and would count as true; 1 and 0 are numbers.  All
    are refused rather than read by their truth value.

    Examples
    --------
    >>> check_bool("carry_precision", False)
    False
    >>> check_bool("carry_precision", "False")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: carry_precision == 'False', must be True or False
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InputError(field, value, "True or False")


def check_text(
    field: str,
    value,
    *,
    max_length: int = MAX_TEXT,
    allow_empty: bool = True,
    allow_nul: bool = True,
) -> str:
    """Text of at most ``max_length`` characters, without NUL or unpaired surrogates.

    A NUL breaks spreadsheets and C libraries: ``allow_nul=False`` refuses it (names are
    stored as given and the exports refuse control characters, naming the field); a lone surrogate (``"\\ud800"``) cannot be
    encoded as UTF-8, so no file with it can be written.

    Examples
    --------
    >>> check_text("name", "Acme Ltd")
    'Acme Ltd'
    >>> check_text("name", "Acme\\x00Ltd", allow_nul=False)
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: name == 'Acme\\x00Ltd', must be text without NUL characters
    >>> check_text("name", "Acme\\ud800")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: name == 'Acme\\ud800', must be text without unpaired surrogate characters
    """
    if not isinstance(value, str):
        raise InputError(field, value, "text")
    if len(value) > max_length:
        raise InputError(field, value, f"text of at most {max_length:,} characters")
    if not value and not allow_empty:
        raise InputError(field, value, "non-empty text")
    if not allow_nul and "\x00" in value:
        raise InputError(field, value, "text without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(field, value, "text without unpaired surrogate characters") from None
    return value


def check_instance(field: str, value, kind, what: str):
    """An object of the given class (or tuple of classes), named in words as ``what``.

    Catches ``claim=None`` or ``borrower={}`` at the boundary instead of an
    ``AttributeError`` deep inside, and a falsy stand-in never becomes the default.

    Examples
    --------
    >>> from repayplan.plans import Plan
    >>> check_instance("plan", {}, Plan, "a Plan")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: plan == {}, must be a Plan
    """
    if not isinstance(value, kind):
        raise InputError(field, value, what)
    return value


def check_like(field: str, value, attrs: tuple, what: str):
    """An object with the given attributes (duck typing, without importing its class).

    A claim is read by its fields (``principal``, ``as_of``...) in modules that must not
    import :mod:`repayplan.claim`; this catches ``claim=None`` or ``claim={}`` at the
    boundary instead of an ``AttributeError`` deep inside.

    Examples
    --------
    >>> check_like("claim", {}, ("principal", "as_of"), "a Claim")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: claim == {}, must be a Claim
    """
    if (
        isinstance(value, (str, bytes, numbers.Number, Mapping, np.ndarray))
        or value is None
        or not all(hasattr(value, a) for a in attrs)
    ):
        raise InputError(field, value, what)
    return value


def check_items(field: str, value, kind, what: str) -> list:
    """One object of ``kind`` or a non-empty sequence of them, as a list.

    Examples
    --------
    >>> check_items("plans", [1, "a"], int, "a whole number")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: plans[1] == 'a', must be a whole number
    """
    if isinstance(value, kind):
        return [value]
    if (
        isinstance(value, (str, bytes, Mapping, numbers.Number))
        or value is None
        or not hasattr(value, "__iter__")
    ):
        raise InputError(field, value, f"{what}, or a non-empty list of them")
    items = list(value)
    if not items:
        raise InputError(field, value, f"{what}, or a non-empty list of them")
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            raise InputError(f"{field}[{i}]", item, what)
    return items


def check_sequence(field: str, value, what: str, *, allow_empty: bool = True) -> list:
    """A sequence (list, tuple, array, Series...) of items, as a list; text and mappings refused.

    ``what`` names the items in words.  A string is iterable but never meant as a sequence
    of items here, nor a mapping (its keys would be read); a number or ``None`` is not a
    sequence.  The items themselves are checked by the caller (under ``field[i]``).

    Examples
    --------
    >>> check_sequence("agreements", (1, 2), "agreements")
    [1, 2]
    >>> check_sequence("agreements", 5, "agreements")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: agreements == 5, must be a list of agreements
    """
    allowed = f"a list of {what}" if allow_empty else f"a non-empty list of {what}"
    if (
        isinstance(value, (str, bytes, Mapping, numbers.Number, np.bool_))
        or value is None
        or (isinstance(value, np.ndarray) and value.ndim != 1)
        or not hasattr(value, "__iter__")
    ):
        raise InputError(field, value, allowed)
    items = list(value)
    if not items and not allow_empty:
        raise InputError(field, value, allowed)
    return items


#: Excel's limit on the length of a sheet's name; a sheet given by position is below MAX_SHEETS.
MAX_SHEET_NAME = 31
MAX_SHEETS = 10_000


def check_sheet(field: str, value, *, csv_name: str | None = None):
    """A worksheet: its 0-based position or its name (at most 31 characters, as Excel allows).

    With ``csv_name`` (the file is read as CSV, which has no sheets) only the default 0 is
    allowed: a sheet given for a CSV file is a sign of the wrong file.

    Examples
    --------
    >>> check_sheet("sheet", "Statement"), check_sheet("sheet", 0)
    ('Statement', 0)
    >>> check_sheet("sheet", 2, csv_name="bank.csv")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: sheet == 2, must be 0 (the default): bank.csv is read as CSV, which has no sheets
    """
    if isinstance(value, str):
        check_text(field, value, max_length=MAX_SHEET_NAME, allow_empty=False, allow_nul=False)
    elif isinstance(value, (float, np.floating, Decimal)):
        raise InputError(field, value, f"a sheet position from 0 to {MAX_SHEETS} or a sheet name")
    else:
        check_int(field, value, low=0, high=MAX_SHEETS)
    if csv_name is not None and (isinstance(value, str) or value != 0):
        raise InputError(
            field, value, f"0 (the default): {csv_name} is read as CSV, which has no sheets"
        )
    return value


def check_encoding(field: str, value) -> str:
    """The name of a text encoding Python knows (``"gbk"``, ``"gb18030"``, ``"utf-8-sig"``).

    Examples
    --------
    >>> check_encoding("encoding", "GBK")
    'GBK'
    >>> check_encoding("encoding", "utf-99")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: encoding == 'utf-99', must be the name of a text encoding (e.g. 'gbk', 'gb18030', 'utf-8')
    """
    import codecs

    check_text(field, value, max_length=100, allow_empty=False, allow_nul=False)
    try:
        codecs.lookup(value)
    except LookupError:
        raise InputError(
            field, value, "the name of a text encoding (e.g. 'gbk', 'gb18030', 'utf-8')"
        ) from None
    return value


def check_id(field: str, value) -> int:
    """The id of a row in a register: a whole number >= 1 (never a bool, text or 2.5).

    Examples
    --------
    >>> check_id("case_id", 3)
    3
    >>> check_id("case_id", "3")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: case_id == '3', must be a whole number from 1 to 9223372036854775807
    """
    if isinstance(value, (float, np.floating, Decimal)) and not isinstance(value, bool):
        # an id is never a fraction, and 3.0 is a sign of a number read from elsewhere
        raise InputError(field, value, f"a whole number from 1 to {2**63 - 1}")
    return check_int(field, value, low=1, high=2**63 - 1)


#: The largest amount a batch (int64) path takes, in minor units: 2**53, exact in a float
#: too (90,071,992,547,409.91 yuan).  Larger amounts would wrap int64 in the batch engine.
MAX_BATCH_MINOR = 2**53


def check_loan_columns(
    df, *, prefix: str = "loans", ints=(), amounts=(), rates=(), currencies: Mapping | None = None
) -> None:
    """Vectorised checks of the numeric columns of a frame of loans, before any arithmetic.

    Columns of a numeric dtype are checked at once (object columns are left to the
    row-by-row validation): bools are refused as numbers; ``ints`` must be finite whole
    numbers (grace 2.5 is not 2; NaN is not -9223372036854775808); ``amounts`` finite,
    >= 0, with no more decimals than the row's currency (a fee of 0.005 yuan is not 0) and
    at most :data:`MAX_BATCH_MINOR` minor units; ``rates`` finite.  The message names the
    column and the first bad row: ``loans.grace[1] == nan, must be a whole number``.
    ``currencies`` maps ISO codes to minor units, for a ``currency`` column (default:
    2 decimals unless a ``minor_units`` column says otherwise).

    Examples
    --------
    >>> import pandas as pd
    >>> check_loan_columns(pd.DataFrame({"grace": [0, 2.5]}), ints=("grace",))
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: loans.grace[1] == 2.5, must be a whole number
    >>> check_loan_columns(pd.DataFrame({"fee": [0.005]}), amounts=("fee",))
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: loans.fee[0] == 0.005, must be an amount with at most 2 decimal places
    """
    units = _frame_units(df, currencies or {})

    def fail(name, values, ok, allowed):
        pos = int(np.flatnonzero(~ok)[0])
        v = values[pos]
        raise InputError(f"{prefix}.{name}[{pos}]", v.item() if hasattr(v, "item") else v, allowed)

    for name in (*ints, *amounts, *rates):
        if name not in df.columns:
            continue
        col = df[name]
        if col.dtype == bool or col.dtype.kind == "b":
            raise InputError(f"{prefix}.{name}[0]", bool(col.iloc[0]), "a number (not a bool)")
        if col.dtype.kind not in "iuf":
            continue
        v = col.to_numpy(dtype=float)
        finite = np.isfinite(v)
        if not finite.all():
            fail(
                name,
                col.to_numpy(),
                finite,
                "a whole number" if name in ints else "a finite number",
            )
        if name in ints:
            ok = (v == np.floor(v)) & (np.abs(v) < 2**53)
            if not ok.all():
                fail(name, col.to_numpy(), ok, "a whole number")
        elif name in amounts and units is not None:
            scale = 10.0**units
            scaled = v * scale
            ok = np.abs(scaled - np.rint(scaled)) <= 1e-6 * np.maximum(1, np.abs(scaled))
            if not ok.all():
                pos = int(np.flatnonzero(~ok)[0])
                raise InputError(
                    f"{prefix}.{name}[{pos}]",
                    col.to_numpy()[pos].item(),
                    f"an amount with at most {int(np.asarray(units).flat[pos] if np.ndim(units) else units)} "
                    "decimal places",
                )
            ok = np.abs(scaled) <= MAX_BATCH_MINOR
            if not ok.all():
                fail(
                    name,
                    col.to_numpy(),
                    ok,
                    f"an amount of at most {MAX_BATCH_MINOR:,} minor units "
                    "(the batch engine computes in 64-bit integers)",
                )


def _frame_units(df, currencies: Mapping):
    """Minor units per row from ``minor_units`` or ``currency`` columns (None: unknown)."""
    if "minor_units" in df.columns:
        u = df["minor_units"]
        if u.dtype.kind in "iu":
            return u.to_numpy(np.int64)
        return None
    if "currency" in df.columns:
        codes = df["currency"].astype(str).str.upper()
        if not codes.isin(list(currencies)).all():
            return None
        return codes.map(currencies).to_numpy(np.int64)
    return 2


CLAIM_ATTRS = ("principal", "as_of", "annual_rate", "total", "currency")


def check_claim(field: str, value):
    """A :class:`~repayplan.claim.Claim` (read by its fields, as :mod:`repayplan.rules` does).

    Examples
    --------
    >>> check_claim("claim", None)
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: claim == None, must be a Claim (what is owed as of a date)
    """
    return check_like(field, value, CLAIM_ATTRS, "a Claim (what is owed as of a date)")


def check_seed(field: str, value):
    """A seed: ``None``, a whole number >= 0 or a ``numpy.random.Generator``.

    Examples
    --------
    >>> check_seed("seed", 7)
    7
    >>> check_seed("seed", "abc")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: seed == 'abc', must be None, a whole number >= 0 or a numpy Generator
    """
    allowed = "None, a whole number >= 0 or a numpy Generator"
    if value is None or isinstance(
        value, (np.random.Generator, np.random.SeedSequence, np.random.BitGenerator)
    ):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):  # numpy takes a sequence of entropy
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError):
            raise InputError(field, value, allowed) from None
        if arr.size and arr.dtype.kind in "iu" and (arr >= 0).all():
            return value
        raise InputError(field, value, allowed)
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise InputError(field, value, allowed)
    v = int(value)
    if v < 0 or v.bit_length() > 128:
        raise InputError(field, value, allowed)
    return v


def _int_range(low, high) -> str:
    if low is not None and high is not None:
        return f"a whole number from {low} to {high}"
    if low is not None:
        return f"a whole number >= {low}"
    if high is not None:
        return f"a whole number <= {high}"
    return "a whole number"


def check_choice(field: str, value, choices):
    """One of a fixed set of choices (arrays and other unhashable values are refused)."""
    if (type(value) is str or type(value) is int) and value in choices:
        return value  # the usual case: no message to build
    allowed = "one of " + ", ".join(repr(c) for c in choices)
    if (
        isinstance(value, (np.ndarray, list, dict, set))
        or _is_bool(value)
        or (isinstance(value, float) and math.isnan(value))
    ):
        raise InputError(field, value, allowed)
    try:
        ok = value in choices
    except (TypeError, ValueError, ArithmeticError):  # unhashable; Decimal('sNaN') signals
        ok = False
    if not ok:
        raise InputError(field, value, allowed)
    return value


def check_date(field: str, value) -> _dt.date:
    """A calendar date: ``datetime.date``, ``numpy.datetime64``, ``pandas.Timestamp`` or ISO text.

    Missing dates (``None``, ``NaT``) are errors, never passed through.
    """
    if isinstance(value, (numbers.Number, np.bool_)) and not isinstance(value, np.datetime64):
        raise InputError(field, value, "a date (datetime.date or YYYY-MM-DD), not a number")
    if value is None or (not isinstance(value, str) and _is_nat(value)):
        raise InputError(field, value, "a date (datetime.date or YYYY-MM-DD), not a missing value")
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").astype(_dt.date)
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    if isinstance(value, str):
        if len(value) > 40:
            raise InputError(field, value, "a real date in ISO form YYYY-MM-DD")
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(field, value, "a real date in ISO form YYYY-MM-DD") from None
    raise InputError(field, value, "a date (datetime.date or YYYY-MM-DD)")


def _is_nat(value) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％－＋", "0123456789.,%-+")


def parse_percent(field: str, value) -> Decimal:
    """A rate typed as a percentage, as the exact fraction: ``"4.35"`` and ``"4.35%"`` -> 0.0435.

    People type rates as percent.  Text with or without a ``%`` sign (half- or full-width)
    is read as a percentage and divided by 100 exactly (``fraction = percent / 100``);
    numbers that are not text are read the same way.  Nothing is clipped: the range is
    checked by whoever uses the rate (:func:`check_rate`).

    Examples
    --------
    >>> parse_percent("annual_rate", "4.35"), parse_percent("annual_rate", " 4.35 % ")
    (Decimal('0.0435'), Decimal('0.0435'))
    >>> parse_percent("annual_rate", "３.５％"), parse_percent("annual_rate", 12)
    (Decimal('0.035'), Decimal('0.12'))
    >>> parse_percent("annual_rate", "4x")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: annual_rate == '4x', must be a percentage such as 4.35 or 4.35%
    """
    allowed = "a percentage such as 4.35 or 4.35%"
    if isinstance(value, str):
        t = value.translate(_FULLWIDTH).strip()
        if t.endswith("%"):
            t = t[:-1].strip()
        if not t or t.count("%"):
            raise InputError(field, value, allowed)
        try:
            d = Decimal(t.replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise InputError(field, value, allowed) from None
        if not d.is_finite():
            raise InputError(field, value, allowed)
    else:
        d = as_decimal(field, value)
    return d / 100


_CURRENCY_MARKS = ("¥", "￥", "CNY", "RMB", "元")


def parse_amount(field: str, value) -> Decimal:
    """An amount of money typed as people type it: separators and a currency mark allowed.

    ``"¥1,234,567.89"``, ``"1 234 567.89"``, ``"1,234,567.89元"`` and ``"CNY 1234567.89"``
    all mean ``Decimal("1234567.89")``.  The text is read exactly (no float); anything
    else that is not a number is refused, never guessed.

    Examples
    --------
    >>> parse_amount("down_payment", "¥50,000"), parse_amount("down_payment", "1 234.5元")
    (Decimal('50000'), Decimal('1234.5'))
    >>> parse_amount("down_payment", "５０，０００"), parse_amount("down_payment", 1200)
    (Decimal('50000'), Decimal('1200'))
    >>> parse_amount("down_payment", "50k")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: down_payment == '50k', must be an amount such as 50,000 or ¥50,000.00
    """
    allowed = "an amount such as 50,000 or ¥50,000.00"
    if not isinstance(value, str):
        return as_decimal(field, value)
    t = value.translate(_FULLWIDTH).strip()
    for mark in _CURRENCY_MARKS:
        t = t.replace(mark, "")
    t = (
        t.replace(",", "")
        .replace("_", "")
        .replace(" ", "")
        .replace("\u00a0", "")
        .replace("\u202f", "")
    )
    if not t:
        raise InputError(field, value, allowed)
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise InputError(field, value, allowed) from None
    if not d.is_finite():
        raise InputError(field, value, allowed)
    return d
