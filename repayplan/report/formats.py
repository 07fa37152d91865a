"""Formatting of amounts, dates, rates and currencies as the annex and the sheet print them.

:func:`format_number` (defined in :mod:`repayplan.money`, the ground floor, and re-exported
here) is the one formatter of figures: an amount with thousands separators
(``1,036,500.00``), a plain decimal for CSV (``1036500.00``), a percent (``4.35%``) or a
signed change (``+1.2``).  The annex's amounts and rates (:func:`format_amount`,
:func:`plain_amount`, :func:`format_rate`), the command line's amounts and the changes the
comparison shows (:func:`repayplan.compare.delta_text`) are all drawn by it.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from decimal import Decimal

import pandas as pd

from .. import money
from ..errors import InputError
from ..money import format_number, format_percent, format_rate

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


__all__ = ["format_number", "format_percent", "format_amount", "plain_amount", "format_rate"]


def format_amount(amount: Decimal, units: int) -> str:
    """An amount with thousands separators and its minor units: ``1,036,500.00``.

    Examples
    --------
    >>> format_amount(Decimal("1036500"), 2), format_amount(Decimal("-5"), 0)
    ('1,036,500.00', '-5')
    """
    return format_number(Decimal(amount), units)


def format_date(day, lang: str) -> str:
    if day is None or (not isinstance(day, _dt.date) and pd.isna(day)):
        return ""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def currency_name(currency: str, lang: str) -> str:
    """The currency as a unit of amounts: 人民币元 in a Chinese annex, else the ISO code."""
    return "人民币元" if (lang == "zh" and currency == "CNY") else currency


def currency_word(currency: str, lang: str) -> str:
    """The currency in a sentence: 人民币 in a Chinese annex, else the ISO code."""
    return "人民币" if (lang == "zh" and currency == "CNY") else currency


def format_money(amount: Decimal, currency: str, units: int, lang: str) -> str:
    if lang == "zh" and currency == "CNY":
        return f"人民币{format_amount(amount, units)}元"
    return f"{currency} {format_amount(amount, units)}"


def in_words(amount: Decimal, currency: str, lang: str) -> str | None:
    """The amount in words, or ``None`` for a currency :mod:`repayplan._words` cannot write.

    Chinese capitals are for renminbi; a Chinese annex in another currency states its
    totals in English cheque words.
    """
    try:
        if lang == "zh" and currency == "CNY":
            return "人民币" + money.chinese_capitals(amount)
        return money.english_words(amount, currency)
    except InputError:
        return None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def colon(lang: str) -> str:
    """The colon after a heading: full-width in Chinese."""
    return "：" if lang == "zh" else ": "


def plain_amount(amount: Decimal, units: int) -> str:
    """An amount as a plain decimal, as CSV writes it: ``1036500.00``.

    Examples
    --------
    >>> plain_amount(Decimal("1036500"), 2)
    '1036500.00'
    """
    return format_number(Decimal(amount), units, grouping=False)
