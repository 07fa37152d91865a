"""One place for validating public arguments (in the spirit of sklearn.utils.validation).

Every public entry point calls these; each raises :class:`~repayplan.errors.InputError`
naming the field, the value and what is allowed.  Nothing is clipped or coerced silently.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from decimal import Decimal, InvalidOperation

import numpy as np

from .errors import InputError

__all__ = [
    "as_decimal",
    "check_amount",
    "check_rate",
    "check_int",
    "check_choice",
    "check_date",
    "check_fraction",
    "parse_percent",
    "parse_amount",
]


def as_decimal(field: str, value) -> Decimal:
    """Return ``value`` as an exact Decimal, reading floats by their shortest repr.

    ``0.0435`` becomes ``Decimal("0.0435")`` (not the binary expansion), which is what
    the person who typed the number meant.
    """
    if isinstance(value, bool) or value is None:
        raise InputError(field, value, "a number")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, numbers.Integral):
        d = Decimal(int(value))
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise InputError(field, value, "a finite number")
        d = Decimal(repr(float(value)))
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip().replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise InputError(field, value, "a number") from None
    else:
        try:
            d = Decimal(repr(float(value)))
        except (TypeError, ValueError):
            raise InputError(field, value, "a number") from None
    if not d.is_finite():
        raise InputError(field, value, "a finite number")
    return d


def check_amount(field: str, value, *, allow_zero: bool = False) -> Decimal:
    """A finite amount of money, > 0 (or >= 0 with ``allow_zero``), as Decimal."""
    d = as_decimal(field, value)
    if d < 0 or (d == 0 and not allow_zero):
        raise InputError(field, value, "a finite amount >= 0" if allow_zero else "a finite amount > 0")
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
    """A whole number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, float, np.floating)):
        raise InputError(field, value, _int_range(low, high))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)) or float(value) != int(value):
            raise InputError(field, value, _int_range(low, high))
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise InputError(field, value, _int_range(low, high))
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
    """One of a fixed set of choices."""
    if value not in choices:
        allowed = "one of " + ", ".join(repr(c) for c in choices)
        raise InputError(field, value, allowed)
    return value


def check_date(field: str, value) -> _dt.date:
    """A calendar date: ``datetime.date``, ``numpy.datetime64``, ``pandas.Timestamp`` or ISO text.

    Missing dates (``None``, ``NaT``) are errors, never passed through.
    """
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
    t = t.replace(",", "").replace("_", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not t:
        raise InputError(field, value, allowed)
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise InputError(field, value, allowed) from None
    if not d.is_finite():
        raise InputError(field, value, allowed)
    return d
