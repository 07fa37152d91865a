"""Due dates, day counts and business-day rolling.

The vocabulary is QuantLib's (day counter, business-day convention, end-of-month rule);
each convention is one small vectorised function over ``datetime64[D]`` arrays.

* Day counts are exact: :func:`accrual_numerators` gives integer numerators over the fixed
  denominators in :data:`DAY_COUNT_DENOMINATOR`, so interest can be computed in integer
  minor units without any float, and :func:`day_count_fraction` returns a
  :class:`fractions.Fraction`.
* Due dates are counted from the start date (never chained), so a loan drawn on 30 January
  falls due on 28 February and again on 30 March.
* Business days are Monday to Friday, less holidays.  A country code (``"CN"``, ``"US"``)
  uses the ``holidays`` package, including the official weekend make-up working days that
  China announces with its holidays (调休, e.g. Saturday 2026-02-14); those days are business
  days here.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterable
from fractions import Fraction

import numpy as np

from ._validate import check_choice, check_date, check_int
from .errors import InputError

__all__ = [
    "DAY_COUNTS",
    "DAY_COUNT_DENOMINATOR",
    "FREQUENCIES",
    "BUSINESS_DAY_CONVENTIONS",
    "normalize_day_count",
    "day_count_fraction",
    "accrual_numerators",
    "period_numerators",
    "add_months",
    "months_between",
    "payment_dates",
    "payment_dates_many",
    "payment_dates_grid",
    "DueDateColumns",
    "roll",
    "is_business_day",
]

#: The day-count conventions, by canonical name: 30/360 (Bond Basis), ACT/360, ACT/365F
#: (Fixed) and ACT/ACT (ISDA).  Other spellings are read by :func:`normalize_day_count`.
#: "30/360" here is the Bond Basis *day count* between two dates; it is not the per-period
#: rate of a monthly schedule (``amortize(..., day_count="30/360")`` charges 年利率 / 12 a
#: month, 月利率 = 年利率 / 12, without counting days) — two meanings of one label.
DAY_COUNTS: tuple[str, ...] = ("30/360", "ACT/360", "ACT/365F", "ACT/ACT")

#: The fixed denominator of each day count: a period's year fraction is exactly
#: ``accrual_numerators(start, end, dc) / DAY_COUNT_DENOMINATOR[dc]``.  ACT/ACT (ISDA) counts
#: ``366 × days in non-leap years + 365 × days in leap years`` over ``365 × 366 = 133590``, so
#: that every fraction is a whole numerator over one denominator (no float).
DAY_COUNT_DENOMINATOR: dict[str, int] = {
    "30/360": 360,
    "ACT/360": 360,
    "ACT/365F": 365,
    "ACT/ACT": 365 * 366,
}

#: Payments per year that due dates can follow: annual, semi-annual, quarterly, monthly
#: (whole months from the start, end-of-month rule), fortnightly and weekly (every 14 and 7
#: days).
FREQUENCIES: tuple[int, ...] = (1, 2, 4, 12, 26, 52)

#: The business-day conventions of :func:`roll` (ISDA 2006 §4.12): leave the date, move it to
#: the next or the previous business day, or to the next (previous) one unless that falls in
#: another month, then the previous (next) one.
BUSINESS_DAY_CONVENTIONS: tuple[str, ...] = (
    "unadjusted",
    "following",
    "modified_following",
    "preceding",
    "modified_preceding",
)

MAX_PERIODS = 1200

# Spellings after upper-casing, "ACTUAL" -> "ACT", parentheses and runs of spaces removed.
_DAY_COUNT_ALIASES: dict[str, str] = {
    "30/360": "30/360",
    "360/360": "30/360",
    "BOND BASIS": "30/360",
    "30/360 BOND BASIS": "30/360",
    "ACT/360": "ACT/360",
    "A/360": "ACT/360",
    "ACT/365F": "ACT/365F",
    "ACT/365 FIXED": "ACT/365F",
    "ACT/365": "ACT/365F",
    "ACT/ACT": "ACT/ACT",
    "ACT/ACT ISDA": "ACT/ACT",
}

_DAY_COUNT_ALLOWED = (
    "one of '30/360', 'ACT/360', 'ACT/365F', 'ACT/ACT' (aliases: '360/360', 'Bond Basis', "
    "'A/360', 'ACT/365', 'ACT/365 Fixed', 'ACT/ACT ISDA'; 'Actual' for 'ACT')"
)

_DAY = np.timedelta64(1, "D")
_MIN_DAY = np.datetime64("0001-01-01", "D")
_MAX_DAY = np.datetime64("9999-12-31", "D")


# --------------------------------------------------------------------------------------------
# input conversion
# --------------------------------------------------------------------------------------------


def _as_days(field: str, value) -> np.ndarray:
    """``value`` (one date or an array-like of dates) as a ``datetime64[D]`` ndarray.

    datetime64 input is taken as it is (no Python loop); anything else goes through
    :func:`~repayplan._validate.check_date` element by element, so ``"2026-02-30"`` is an
    :class:`InputError`, never a rolled-over date.
    """
    if isinstance(value, (str, _dt.date)):
        return _check_span(field, np.asarray(_one_day(field, value)))
    arr = np.asarray(value)
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise InputError(field, value, "dates, with no NaT among them")
        return _check_span(field, arr.astype("datetime64[D]", copy=False))
    if arr.size == 0 and arr.ndim > 0:
        return np.empty(arr.shape, dtype="datetime64[D]")
    if arr.dtype.kind not in "OU":
        raise InputError(field, value, "a date or an array of dates")
    flat = arr.reshape(-1)
    if arr.ndim == 0:
        days = [_one_day(field, flat[0])]
    else:
        days = [_one_day(f"{field}[{i}]", v) for i, v in enumerate(flat)]
    return _check_span(field, np.array(days, dtype="datetime64[D]").reshape(arr.shape))


def _one_day(field: str, value) -> np.datetime64:
    try:
        day = check_date(field, value)
    except InputError:
        raise
    except (TypeError, ValueError):  # e.g. pandas.NaT.date()
        raise InputError(field, value, "a real date") from None
    if not isinstance(day, _dt.date) or day != day:  # NaT comes out of check_date as None/NaT
        raise InputError(field, value, "a real date, not NaT")
    return np.datetime64(day, "D")


def _check_span(field: str, days: np.ndarray) -> np.ndarray:
    if days.size and (days.min() < _MIN_DAY or days.max() > _MAX_DAY):
        outside = (days < _MIN_DAY) | (days > _MAX_DAY)
        raise InputError(field, str(days[outside][0]), "a date from 0001-01-01 to 9999-12-31")
    return days


def _by_day(fn, days: np.ndarray) -> tuple[np.ndarray, ...]:
    """``fn(days)`` (a tuple of arrays), evaluated once per calendar day when that is cheaper.

    Date conversions in numpy cost far more than integer indexing, so for a large array
    whose dates span fewer days than it has elements, ``fn`` runs over the span and the
    results are gathered; otherwise it runs on ``days`` directly.  Same values either way.
    """
    flat = days.reshape(-1)
    if flat.size >= 1024:
        lo, hi = flat.min(), flat.max()
        if int((hi - lo).astype(np.int64)) < flat.size:
            idx = (flat - lo).view(np.int64)
            table = fn(np.arange(lo, hi + _DAY, dtype="datetime64[D]"))
            return tuple(col[idx].reshape(days.shape) for col in table)
    return fn(days)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day of month (1-31) of ``datetime64[D]`` values, as int64."""
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _month_start_and_length(months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First day (days since 1970-01-01) and length of int64 months since 1970-01."""
    if months.size == 0:
        return months.copy(), months.copy()
    lo, hi = int(months.min()), int(months.max())
    firsts = np.arange(lo, hi + 2).astype("datetime64[M]").astype("datetime64[D]")
    firsts = firsts.astype(np.int64)
    idx = months - lo
    first = firsts[idx]
    return first, firsts[idx + 1] - first


# --------------------------------------------------------------------------------------------
# day counts
# --------------------------------------------------------------------------------------------


def normalize_day_count(day_count: str, *, field: str = "day_count") -> str:
    """The canonical name of a day-count convention.

    Parameters
    ----------
    day_count : str
        A name from :data:`DAY_COUNTS` or an alias, in any case: ``"30/360"``,
        ``"360/360"`` and ``"Bond Basis"`` (ISDA 2006 §4.16(f)); ``"ACT/360"``, ``"A/360"``;
        ``"ACT/365F"``, ``"ACT/365 Fixed"``, ``"ACT/365"``; ``"ACT/ACT"``, ``"ACT/ACT ISDA"``.
        ``"Actual"`` may be spelled out and the qualifier put in parentheses.

    Returns
    -------
    str
        One of ``"30/360"``, ``"ACT/360"``, ``"ACT/365F"``, ``"ACT/ACT"``.

    Notes
    -----
    ``"ACT/365"`` is read as ACT/365 Fixed, as loan agreements use it.  The 2006 ISDA
    Definitions instead make "Actual/365" a name of Actual/Actual (ISDA); a swap
    confirmation saying "Actual/365" should be entered here as ``"ACT/ACT"``.
    ``"30E/360"`` (Eurobond basis) and the US (NASD) 30/360 with its February rules are
    different conventions and are not accepted.

    Examples
    --------
    >>> normalize_day_count("actual/365 (fixed)")
    'ACT/365F'
    >>> normalize_day_count("A/360")
    'ACT/360'
    """
    if not isinstance(day_count, str):
        raise InputError(field, day_count, _DAY_COUNT_ALLOWED)
    key = day_count.upper().replace("ACTUAL", "ACT").replace("(", " ").replace(")", " ")
    key = " ".join(key.split()).replace(" /", "/").replace("/ ", "/")
    try:
        return _DAY_COUNT_ALIASES[key]
    except KeyError:
        raise InputError(field, day_count, _DAY_COUNT_ALLOWED) from None


def _thirty_360_start(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    year, month, day = _ymd(days)
    return 360 * year + 30 * month + np.minimum(day, 30), day >= 30


def _thirty_360_end(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    year, month, day = _ymd(days)
    return 360 * year + 30 * month + day, day == 31


def _thirty_360(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """30/360 Bond Basis day count (ISDA 2006 §4.16(f)), over a denominator of 360.

    ``360 Y + 30 M + D`` of the end less that of the start with ``D1 = min(D1, 30)``, less
    one more when ``D2 = 31`` and ``D1 >= 30`` (then ``D2`` counts as 30).
    """
    start, start_30 = _by_day(_thirty_360_start, starts)
    end, end_31 = _by_day(_thirty_360_end, ends)
    return end - start - (end_31 & start_30)


def _actual_days(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    return (ends - starts).view(np.int64)


def _act_360(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Actual/360 (ISDA 2006 §4.16(e)): actual days, over a denominator of 360."""
    return _actual_days(starts, ends)


def _act_365f(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Actual/365 Fixed (ISDA 2006 §4.16(d)): actual days, over a denominator of 365."""
    return _actual_days(starts, ends)


def _act_act_serial(days: np.ndarray) -> tuple[np.ndarray]:
    """``366 × day number - days in leap years before``: ACT/ACT numerators are differences.

    Each day of a non-leap year adds 366 and each day of a leap year 365, so the difference
    between two dates is ``366 × non-leap days + 365 × leap days``.
    """
    year = days.astype("datetime64[Y]")
    y = year.astype(np.int64) + 1969  # the year before, as a calendar year number
    leap_years_before = y // 4 - y // 100 + y // 400  # leap years from year 1 to y
    y += 1
    is_leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    day_of_year = (days - year.astype("datetime64[D]")).astype(np.int64)
    leap_days = 366 * leap_years_before + np.where(is_leap, day_of_year, 0)
    return (366 * days.astype(np.int64) - leap_days,)


def _act_act_isda(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Actual/Actual ISDA (ISDA 2006 §4.16(b)), over a denominator of 365 × 366."""
    return _by_day(_act_act_serial, ends)[0] - _by_day(_act_act_serial, starts)[0]


_NUMERATORS = {
    "30/360": _thirty_360,
    "ACT/360": _act_360,
    "ACT/365F": _act_365f,
    "ACT/ACT": _act_act_isda,
}


def accrual_numerators(starts, ends, day_count) -> np.ndarray:
    """Exact accrual numerators of many periods at once.

    Parameters
    ----------
    starts, ends : date or array_like of dates
        Accrual start and end dates, broadcast against each other (``datetime64[D]`` arrays
        are used without any Python loop; dates, Timestamps and ISO strings are accepted).
        Every end must be on or after its start.
    day_count : str
        A day-count name or alias (see :func:`normalize_day_count`).

    Returns
    -------
    numpy.ndarray of int64
        ``n`` such that the year fraction is exactly ``n / DAY_COUNT_DENOMINATOR[dc]``.

    Notes
    -----
    With ``Y, M, D`` the year, month and day of each date and ``days`` the actual days:

    * 30/360 (Bond Basis): ``D1 = min(D1, 30)``; ``D2 = 30`` if ``D2 = 31`` and ``D1 = 30``;
      ``n = 360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1)`` over 360.
    * ACT/360 and ACT/365F: ``n = days`` over 360 and 365.
    * ACT/ACT (ISDA): ``days_nonleap / 365 + days_leap / 366``, that is
      ``n = 366 days_nonleap + 365 days_leap`` over ``365 × 366 = 133590``, where
      ``days_leap`` counts the days of the period that fall in leap years.

    Examples
    --------
    Interest on 1,200,000.00 CNY at 4.35 % a year from 2024-01-15 to 2024-04-15 under
    ACT/360, in exact cents: 91 days, so ``120000000 × 0.0435 × 91 / 360`` = 1,319,500 cents.

    >>> import numpy as np
    >>> n = accrual_numerators(np.datetime64("2024-01-15"), np.datetime64("2024-04-15"),
    ...                        "ACT/360")
    >>> int(n)
    91
    >>> from fractions import Fraction
    >>> Fraction(120_000_000) * Fraction("0.0435") * int(n) / DAY_COUNT_DENOMINATOR["ACT/360"]
    Fraction(1319500, 1)
    >>> accrual_numerators(np.array(["2023-12-31", "2024-01-31"], dtype="datetime64[D]"),
    ...                    np.array(["2024-01-31", "2024-02-29"], dtype="datetime64[D]"),
    ...                    "30/360").tolist()
    [30, 29]
    """
    dc = normalize_day_count(day_count)
    s = _as_days("starts", starts)
    e = _as_days("ends", ends)
    try:
        s, e = np.broadcast_arrays(s, e)
    except ValueError:
        raise InputError(
            "ends", np.shape(e), f"an array broadcastable with starts of shape {np.shape(s)}"
        ) from None
    backwards = e < s
    if backwards.any():
        i = np.flatnonzero(backwards.reshape(-1))[0]
        raise InputError(
            "ends",
            str(e.reshape(-1)[i]),
            f"a date on or after its start {s.reshape(-1)[i]}",
        )
    return np.asarray(_NUMERATORS[dc](s, e), dtype=np.int64)


def period_numerators(starts, dates, day_count) -> np.ndarray:
    """Accrual numerators of consecutive periods: from each start to its first date, then
    from each date to the next.

    Parameters
    ----------
    starts : array_like of dates, shape (n,)
        The start (drawdown) date of each row.
    dates : array_like of dates, shape (n, periods)
        Due dates of each row, in order.
    day_count : str
        A day-count name or alias (see :func:`normalize_day_count`).

    Returns
    -------
    numpy.ndarray of int64, shape (n, periods)
        Equal to ``accrual_numerators(prev, dates, day_count)`` with
        ``prev = [starts, dates[:, :-1]]``, over ``DAY_COUNT_DENOMINATOR[dc]``.

    Notes
    -----
    The actual-day counts are differences of day numbers, so a whole schedule's numerators
    are one subtraction over the grid of due dates: ``days`` for ACT/360 and ACT/365F,
    differences of the ACT/ACT serial ``366 × day number − leap days before`` for ACT/ACT
    (ISDA 2006 §4.16(b)), with no copy of the dates shifted by one period.

    Examples
    --------
    >>> import numpy as np
    >>> due = np.array([["2024-02-15", "2024-03-15"]], dtype="datetime64[D]")
    >>> period_numerators(np.array(["2024-01-15"], dtype="datetime64[D]"), due, "ACT/360").tolist()
    [[31, 29]]
    >>> start = np.array(["2023-12-15"], dtype="datetime64[D]")
    >>> n = period_numerators(start, np.array([["2024-01-15"]], dtype="datetime64[D]"), "ACT/ACT")
    >>> Fraction(int(n[0, 0]), DAY_COUNT_DENOMINATOR["ACT/ACT"]) == Fraction(17, 365) + Fraction(14, 366)
    True
    """
    dc = normalize_day_count(day_count)
    s = np.atleast_1d(_as_days("starts", starts))
    d = _as_days("dates", dates)
    if s.ndim != 1 or d.ndim != 2 or d.shape[0] != s.shape[0]:
        raise InputError(
            "dates",
            np.shape(d),
            f"an array of shape ({s.shape[0]}, periods) for {s.shape[0]} starts",
        )
    if dc == "30/360" or d.shape[1] == 0:
        prev = np.concatenate([s[:, None], d[:, :-1]], axis=1)
        return accrual_numerators(prev, d, dc)
    if dc == "ACT/ACT":
        serial_d = _by_day(_act_act_serial, d)[0]
        serial_s = _act_act_serial(s)[0]
    else:
        serial_d, serial_s = d.view(np.int64), s.view(np.int64)
    out = np.empty(d.shape, dtype=np.int64)
    np.subtract(serial_d[:, 0], serial_s, out=out[:, 0])
    np.subtract(serial_d[:, 1:], serial_d[:, :-1], out=out[:, 1:])
    if (out < 0).any():
        i, j = (int(x[0]) for x in np.nonzero(out < 0))
        start = s[i] if j == 0 else d[i, j - 1]
        raise InputError("dates", str(d[i, j]), f"a date on or after its start {start}")
    return out


def day_count_fraction(start, end, day_count) -> Fraction:
    """The exact year fraction from ``start`` to ``end``.

    Parameters
    ----------
    start, end : date-like
        ``datetime.date``, ``numpy.datetime64``, ``pandas.Timestamp`` or ISO text;
        ``end`` on or after ``start``.
    day_count : str
        A day-count name or alias (see :func:`normalize_day_count`).

    Returns
    -------
    fractions.Fraction
        ``accrual_numerators(start, end, dc) / DAY_COUNT_DENOMINATOR[dc]``.

    Notes
    -----
    ACT/ACT (ISDA 2006 §4.16(b)) is ``days in non-leap years / 365 + days in leap
    years / 366``; see :func:`accrual_numerators` for the other conventions.

    Examples
    --------
    The first example of ISDA's "EMU and market conventions" (1998): 1 Nov 2003 to
    1 May 2004 is 61 days of 2003 and 121 days of 2004.

    >>> f = day_count_fraction("2003-11-01", "2004-05-01", "ACT/ACT")
    >>> f == Fraction(61, 365) + Fraction(121, 366)
    True
    >>> round(float(f), 12)
    0.497724380567
    >>> day_count_fraction("2006-08-31", "2007-02-28", "30/360")
    Fraction(89, 180)
    """
    dc = normalize_day_count(day_count)
    s = _one_day("start", start)
    e = _one_day("end", end)
    n = accrual_numerators(s, e, dc)
    return Fraction(int(n), DAY_COUNT_DENOMINATOR[dc])


# --------------------------------------------------------------------------------------------
# month arithmetic and due dates
# --------------------------------------------------------------------------------------------


def _add_months(
    days: np.ndarray | np.datetime64, n: np.ndarray | np.integer, eom: bool
) -> np.ndarray:
    """Vectorised :func:`add_months` over broadcastable ``datetime64[D]`` days and month counts."""
    source = days.astype("datetime64[M]").astype(np.int64)
    source_first, source_length = _month_start_and_length(source)
    day0 = days.astype(np.int64) - source_first  # 0-based day of month
    first, length = _month_start_and_length(source + np.asarray(n, dtype=np.int64))
    out = np.minimum(day0, length - 1)
    if eom:
        out = np.where(day0 == source_length - 1, length - 1, out)
    return np.asarray(first + out).view("datetime64[D]")


def add_months(d, n: int, eom: bool = True) -> _dt.date:
    """The date ``n`` months after ``d``.

    Parameters
    ----------
    d : date-like
        The starting date.
    n : int
        Number of months, negative to go back.
    eom : bool, default True
        End-of-month rule: when ``d`` is the last day of its month the result is the last
        day of its month (28 Feb 2026 + 1 month = 31 Mar 2026).

    Returns
    -------
    datetime.date

    Notes
    -----
    With ``Y, M, D`` the date and ``L(y, m)`` the length of a month, the target month is
    ``(Y, M) + n`` and the day is ``min(D, L(target))``, or ``L(target)`` when ``eom`` and
    ``D = L(Y, M)``.

    Examples
    --------
    >>> import datetime as dt
    >>> add_months(dt.date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
    >>> add_months(dt.date(2026, 2, 28), 1), add_months(dt.date(2026, 2, 28), 1, eom=False)
    (datetime.date(2026, 3, 31), datetime.date(2026, 3, 28))
    >>> add_months("2024-02-29", -12)
    datetime.date(2023, 2, 28)
    """
    day = _one_day("d", d)
    months = check_int("n", n)
    if not isinstance(eom, (bool, np.bool_)):
        raise InputError("eom", eom, "True or False")
    span = (day.astype("datetime64[M]").astype(np.int64) + 1970 * 12) + months
    if not 12 <= span <= 9999 * 12 + 11:
        raise InputError("n", n, "a number of months keeping the date within years 1 to 9999")
    return _add_months(day, np.int64(months), bool(eom)).item()


def months_between(start, end) -> Fraction:
    """Months from ``start`` to ``end``: whole calendar months plus the rest as a share.

    Notes
    -----
    With :math:`w` the most whole months such that ``add_months(start, w) <= end`` (no
    end-of-month rule), :math:`m = w + (end - b) / (b' - b)` in days, where
    :math:`b = start + w` months and :math:`b' = start + (w + 1)` months.  The term of a
    loan and the extension (展期) limits are measured in these months.

    Examples
    --------
    >>> months_between(_dt.date(2025, 1, 15), _dt.date(2026, 7, 15))
    Fraction(18, 1)
    >>> months_between(_dt.date(2025, 1, 15), _dt.date(2025, 3, 1))   # 1 + 14 / 28
    Fraction(3, 2)
    """
    start, end = check_date("start", start), check_date("end", end)
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    while whole > 0 and add_months(start, whole, eom=False) > end:
        whole -= 1
    base = add_months(start, whole, eom=False)
    nxt = add_months(start, whole + 1, eom=False)
    return whole + Fraction((end - base).days, (nxt - base).days)


def _check_frequency(frequency) -> int:
    if isinstance(frequency, (bool, np.bool_)) or not isinstance(
        frequency, (int, np.integer, float, np.floating)
    ):
        raise InputError("frequency", frequency, _frequency_allowed())
    if isinstance(frequency, (float, np.floating)) and not float(frequency).is_integer():
        raise InputError("frequency", frequency, _frequency_allowed())
    if int(frequency) not in FREQUENCIES:
        raise InputError("frequency", frequency, _frequency_allowed())
    return int(frequency)


def _frequency_allowed() -> str:
    return "payments per year, one of " + ", ".join(str(f) for f in FREQUENCIES)


def payment_dates_many(
    starts,
    periods: int,
    frequency: int = 12,
    *,
    eom: bool = True,
    convention: str = "unadjusted",
    holidays=None,
) -> np.ndarray:
    """Due dates of many loans at once.

    Parameters
    ----------
    starts : array_like of dates, shape (n_loans,)
        Start (drawdown or restructuring) date of each loan; one date is one loan.
    periods : int
        Number of payments, a whole number from 1 to 1200.
    frequency : int, default 12
        Payments per year: 1, 2, 4, 12 (every 12, 6, 3, 1 months), 26 or 52 (every 14 or
        7 days).
    eom : bool, default True
        End-of-month rule (see :func:`add_months`); ignored for 26 and 52.
    convention : str, default "unadjusted"
        Business-day convention, see :func:`roll`.
    holidays : None, str, holidays.HolidayBase or iterable of dates, default None
        Holiday calendar, see :func:`is_business_day`.

    Returns
    -------
    numpy.ndarray of datetime64[D], shape (n_loans, periods)

    Notes
    -----
    Due date ``k = 1 … periods`` is ``add_months(start, k × 12 / frequency)`` (from the
    start, not chained from the previous date) or ``start + 14 k`` / ``start + 7 k`` days,
    then rolled by ``convention``.  Row ``i`` equals ``payment_dates(starts[i], …)``.

    Examples
    --------
    >>> import numpy as np
    >>> payment_dates_many(np.array(["2026-01-30", "2026-01-31"], dtype="datetime64[D]"), 3)
    array([['2026-02-28', '2026-03-30', '2026-04-30'],
           ['2026-02-28', '2026-03-31', '2026-04-30']], dtype='datetime64[D]')
    """
    days = np.atleast_1d(_as_days("starts", starts))
    if days.ndim != 1:
        raise InputError("starts", starts, "a one-dimensional array of start dates")
    n = check_int("periods", periods, low=1, high=MAX_PERIODS)
    freq = _check_frequency(frequency)
    if not isinstance(eom, (bool, np.bool_)):
        raise InputError("eom", eom, "True or False")
    conv = _check_convention(convention)
    cal = _calendar(holidays)
    k = np.arange(1, n + 1, dtype=np.int64)
    if freq in (26, 52):
        step = 14 if freq == 26 else 7
        if days.size and days.max() + np.timedelta64(step * n, "D") > _MAX_DAY:
            raise InputError("periods", periods, "a number of periods ending by 9999-12-31")
        due = days[:, None] + (step * k)[None, :].astype("timedelta64[D]")
    else:
        step = 12 // freq
        if days.size and days.max().astype("datetime64[M]") + np.timedelta64(
            step * n, "M"
        ) > _MAX_DAY.astype("datetime64[M]"):
            raise InputError("periods", periods, "a number of periods ending by 9999-12-31")
        due = _due_months(days, step * k, bool(eom))
    rolled = _roll(due, conv, cal)
    if conv != "unadjusted" and rolled.size:
        _check_rolled_order(
            days.astype("datetime64[D]").view(np.int64),
            np.asarray(rolled, dtype="datetime64[D]").view(np.int64),
            np.zeros(days.size, np.int64),
            [conv],
        )
    return rolled


def payment_dates_grid(
    starts,
    periods: int,
    frequency=12,
    convention="unadjusted",
    *,
    eom: bool = True,
    holidays=None,
) -> np.ndarray:
    """Due dates of many loans with a frequency and a business-day convention each.

    Parameters
    ----------
    starts : array_like of dates, shape (n_loans,)
        Start date of each loan.
    periods : int
        Number of due dates per loan (the grid's width), 1 to 1200.
    frequency : int or array_like of int, shape (n_loans,)
        Payments per year of each loan (see :data:`FREQUENCIES`).
    convention : str or array_like of str, shape (n_loans,)
        Business-day convention of each loan (see :func:`roll`).
    eom, holidays
        As in :func:`payment_dates_many` (one holiday calendar for the grid).

    Returns
    -------
    numpy.ndarray of datetime64[D], shape (n_loans, periods)
        Row ``i`` equals ``payment_dates_many(starts[i:i+1], periods, frequency[i],
        convention=convention[i])[0]``.

    Notes
    -----
    One pass for the whole grid instead of one per (frequency, convention): month-based
    loans get month ``m_i + k × 12 / f_i`` and day ``min(d_i, length - 1)`` (see
    :func:`add_months`), fortnightly and weekly loans ``start + 14 k`` / ``7 k`` days; then
    each day is rolled through a table of the days spanned, one row per convention
    (a convention moves a date by the calendar alone), in one gather.

    Examples
    --------
    >>> import numpy as np
    >>> starts = np.array(["2025-01-31", "2025-05-02"], dtype="datetime64[D]")
    >>> payment_dates_grid(starts, 2, [12, 26], ["modified_following", "unadjusted"])
    array([['2025-02-28', '2025-03-31'],
           ['2025-05-16', '2025-05-30']], dtype='datetime64[D]')
    """
    return _grid(starts, periods, frequency, convention, eom=eom, holidays=holidays)


def _grid(starts, periods, frequency, convention, *, eom, holidays, positions=None) -> np.ndarray:
    """:func:`payment_dates_grid`; ``positions`` are the loans' places named by an error
    (a caller passing a subset of its loans)."""
    days = np.atleast_1d(_as_days("starts", starts))
    if days.ndim != 1:
        raise InputError("starts", starts, "a one-dimensional array of start dates")
    n_loans = days.size
    T = check_int("periods", periods, low=1, high=MAX_PERIODS)
    freq_in = _per_loan("frequency", frequency, n_loans, _frequency_allowed())
    conv_in = _per_loan("convention", convention, n_loans, f"one of {BUSINESS_DAY_CONVENTIONS}")
    freq = np.empty(n_loans, dtype=np.int64)
    f_vals = _distinct(freq_in)
    f_checked = [_check_frequency(f) for f in f_vals]  # every value checked before use
    conv_vals = _distinct(conv_in)
    conv_checked = [_check_convention(c) for c in conv_vals]
    names = sorted(set(conv_checked))
    code = np.zeros(n_loans, dtype=np.int64)
    if len(f_vals) == 1:
        freq[:] = f_checked[0]
    else:
        for f, checked in zip(f_vals, f_checked, strict=True):
            freq[freq_in == f] = checked
    if len(conv_vals) > 1:
        for c, name in zip(conv_vals, conv_checked, strict=True):
            code[conv_in == c] = names.index(name)
    if not isinstance(eom, (bool, np.bool_)):
        raise InputError("eom", eom, "True or False")
    cal = _calendar(holidays)
    if n_loans == 0:
        return np.empty((0, T), dtype="datetime64[D]")
    k = np.arange(1, T + 1, dtype=np.int64)
    by_days = (freq == 26) | (freq == 52)
    out: np.ndarray = np.empty((n_loans, T), dtype=np.int64)
    for rows, day_steps in ((~by_days, False), (by_days, True)):
        if not rows.any():
            continue
        sub = days if rows.all() else days[rows]
        f = freq if rows.all() else freq[rows]
        if day_steps:
            step = np.where(f == 26, 14, 7)
            if int(sub.view(np.int64).max() + (step * T).max()) > int(_MAX_DAY.view(np.int64)):
                raise InputError("periods", periods, "a number of periods ending by 9999-12-31")
            grid = sub.view(np.int64)[:, None] + step[:, None] * k[None, :]
        else:
            step = 12 // f
            last_month = sub.astype("datetime64[M]").astype(np.int64) + step * T
            if int(last_month.max()) > int(_MAX_DAY.astype("datetime64[M]").astype(np.int64)):
                raise InputError("periods", periods, "a number of periods ending by 9999-12-31")
            grid = _due_months(sub, k, bool(eom), step=step).view(np.int64)
        if rows.all():
            out = grid
        else:
            out[rows] = grid
    if names == ["unadjusted"]:
        return out.view("datetime64[D]")
    lo, hi = int(out.min()), int(out.max())
    span = np.arange(lo, hi + 1, dtype=np.int64).view("datetime64[D]")
    table = np.stack([np.asarray(_ROLLS[name](span, cal)).view(np.int64) for name in names])
    out -= lo
    rolled = table[0][out] if len(names) == 1 else table[code[:, None], out]
    _check_rolled_order(days.view(np.int64), rolled, code, names, positions=positions)
    return rolled.view("datetime64[D]")


def _check_rolled_order(
    start: np.ndarray, rolled: np.ndarray, code: np.ndarray, names, *, positions=None
) -> None:
    """Refuse due dates that a roll puts on or before the start, or before the due date
    before (a weekly loan over a week of holidays rolled ``preceding``, or ``modified_*``
    moving one date forward and the next back).  Two due dates rolled onto the same day
    stay: both instalments are paid that day.

    >>> _check_rolled_order(np.array([0]), np.array([[-1, 14]]), np.array([0]), ["preceding"])
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: business_day == 'preceding', must be a convention that keeps every due date after the start and the due date before it (due date 1 of loan 0 rolls to 1969-12-31, not after 1970-01-01); use 'following'
    """
    # compared in place (views of the grid, one boolean array): no copy of the dates
    first = rolled[:, 0] <= start
    later = rolled[:, 1:] < rolled[:, :-1]
    if first.any() or later.any():
        bad = np.concatenate([first[:, None], later], axis=1)
        prev = np.concatenate([start[:, None], rolled[:, :-1]], axis=1)
        i, k = (int(v) for v in np.argwhere(bad)[0])
        day = lambda x: str(np.int64(x).astype("datetime64[D]"))  # noqa: E731
        where = i if positions is None else int(positions[i])
        raise InputError(
            "business_day",
            names[int(code[i])],
            "a convention that keeps every due date after the start and the due date "
            f"before it (due date {k + 1} of loan {where} rolls to {day(rolled[i, k])}, "
            f"{'not after' if k == 0 else 'before'} "
            f"{day(prev[i, k])}); use 'following'",
        )


class DueDateColumns:
    """The due dates of :func:`payment_dates_grid`, one period (column) at a time.

    A schedule engine that runs period by period needs, at period ``t``, the due date of
    each loan still running, not the whole ``(loans, periods)`` grid: for 100,000 loans
    over 360 periods the grid is 288 MB of fresh memory for every array made from it.
    This class keeps a few numbers per loan (start month and day, months or days per
    period, convention code) and small tables over the months and days spanned, and makes
    column ``t`` on demand: ``column(t)`` equals ``payment_dates_grid(...)[:, t]``.

    Parameters
    ----------
    starts, periods, frequency, convention, eom, holidays
        As in :func:`payment_dates_grid` (every start a date; one holiday calendar).

    Notes
    -----
    Due date ``k = t + 1`` of a month-based loan is month ``m_i + k × 12 / f_i``, day
    ``min(d_i, length - 1)`` (``d_i = 31`` under the end-of-month rule when the start is
    its month's last day); of a fortnightly or weekly loan ``start + 14 k`` / ``7 k``
    days; then rolled by the loan's convention through a table of the days spanned.
    :meth:`act_act` gives the ACT/ACT (ISDA) serial of :func:`period_numerators`, whose
    differences are that count's numerators.

    Examples
    --------
    >>> import numpy as np
    >>> starts = np.array(["2025-01-31", "2025-05-02"], dtype="datetime64[D]")
    >>> due = DueDateColumns(starts, 2, [12, 26], ["modified_following", "unadjusted"])
    >>> due.column(1).view("datetime64[D]")
    array(['2025-03-31', '2025-05-30'], dtype='datetime64[D]')
    >>> bool((due.column(0).view("datetime64[D]") == payment_dates_grid(
    ...     starts, 2, [12, 26], ["modified_following", "unadjusted"])[:, 0]).all())
    True
    """

    def __init__(
        self,
        starts,
        periods: int,
        frequency=12,
        convention="unadjusted",
        *,
        eom=True,
        holidays=None,
    ):
        days = np.atleast_1d(_as_days("starts", starts))
        if days.ndim != 1:
            raise InputError("starts", starts, "a one-dimensional array of start dates")
        n = days.size
        T = check_int("periods", periods, low=1, high=MAX_PERIODS)
        freq_in = (
            frequency  # one whole number per loan: kept as is (distinct values found by sorting)
            if isinstance(frequency, np.ndarray)
            and frequency.dtype.kind in "iu"
            and frequency.shape == (n,)
            else _per_loan("frequency", frequency, n, _frequency_allowed())
        )
        conv_in = _per_loan("convention", convention, n, f"one of {BUSINESS_DAY_CONVENTIONS}")
        # each distinct frequency and convention checked once, then spread by its code
        f_codes, f_vals = _codes(freq_in)
        f_checked = [_check_frequency(f) for f in f_vals]
        c_codes, conv_vals = _codes(conv_in)
        conv_checked = [_check_convention(c) for c in conv_vals]
        names = sorted(set(conv_checked))
        freq = np.array(f_checked, dtype=np.int64)[f_codes]
        code = np.array([names.index(c) for c in conv_checked], dtype=np.int64)[c_codes]
        if not isinstance(eom, (bool, np.bool_)):
            raise InputError("eom", eom, "True or False")
        cal = _calendar(holidays)
        self.n, self.T = n, T
        d64 = days.view(np.int64)
        self._days = d64
        by_days = (freq == 26) | (freq == 52)
        self._by_days = by_days if by_days.any() else None
        self._step_d = np.where(freq == 26, 14, 7)
        step_m = np.where(by_days, 0, 12 // np.where(by_days, 12, freq))
        self._step_m = step_m
        src = days.astype("datetime64[M]").astype(np.int64)
        if n and (~by_days).any():
            last_month = src + step_m * T
            if int(last_month[~by_days].max()) > int(
                _MAX_DAY.astype("datetime64[M]").astype(np.int64)
            ):
                raise InputError("periods", periods, "a number of periods ending by 9999-12-31")
        if n and by_days.any():
            if int((d64 + self._step_d * T)[by_days].max()) > int(_MAX_DAY.view(np.int64)):
                raise InputError("periods", periods, "a number of periods ending by 9999-12-31")
        lo_m = int(src.min()) if n else 0
        hi_m = int((src + step_m * T).max()) if n else 0
        firsts = np.arange(lo_m, hi_m + 2).astype("datetime64[M]").astype("datetime64[D]")
        self._firsts = firsts.astype(np.int64)
        self._last_day = np.diff(self._firsts) - 1
        src_first = self._firsts[src - lo_m]
        src_length = self._firsts[src - lo_m + 1] - src_first
        day0 = d64 - src_first
        if eom:
            day0 = np.where(day0 == src_length - 1, 31, day0)
        self._day0 = day0
        self._midx = src - lo_m
        # the span of days the due dates can take, for the roll and ACT/ACT tables
        lo = int(d64.min()) if n else 0
        hi_month = int(self._firsts[-1]) + 31
        hi = max(hi_month, int((d64 + self._step_d * T).max()) if n else 0)
        self._lo = lo
        self._span = None
        self._roll = None
        self._code = None
        self._aa: tuple[np.ndarray, int] | None = None
        self._names = names
        if n and names != ["unadjusted"]:
            span = np.arange(lo, hi + 1, dtype=np.int64).view("datetime64[D]")
            table = np.stack([np.asarray(_ROLLS[nm](span, cal)).view(np.int64) for nm in names])
            self._width = table.shape[1]
            self._roll = table.reshape(-1)
            self._code = code * self._width - lo if len(names) > 1 else None
            if self._code is None:
                self._roll = table[0]
            # a roll moves a date back by at most `back` days and forward by at most `fwd`:
            # only loans whose periods are no longer than back + fwd can have a due date
            # rolled onto the start or before the one before (weekly loans over a week of
            # holidays); their dates are checked on the grid, which refuses them
            shift = table - span.view(np.int64)[None, :]
            reach = np.maximum(-shift, 0).max(axis=1) + np.maximum(shift, 0).max(axis=1)
            shortest = np.where(freq == 52, 7, np.where(freq == 26, 14, 28 * step_m))
            risky = shortest <= reach[code]
            if risky.any():
                _grid(
                    days[risky],
                    T,
                    freq[risky],
                    np.array(names, dtype=object)[code[risky]],
                    eom=bool(eom),
                    holidays=holidays,
                    positions=np.flatnonzero(risky),
                )
        self._hi = hi

    def column(self, t: int, k: int | None = None) -> np.ndarray:
        """Due date ``t`` (0-based) of the first ``k`` loans (all by default), as int64 days
        since 1970-01-01 (``.view("datetime64[D]")`` shows them as dates)."""
        k = self.n if k is None else k
        kk = t + 1
        m = self._step_m[:k] * kk
        m += self._midx[:k]
        d = self._last_day[m]
        np.minimum(d, self._day0[:k], out=d)
        d += self._firsts[m]
        if self._by_days is not None:
            d = np.where(self._by_days[:k], self._days[:k] + self._step_d[:k] * kk, d)
        if self._roll is not None:
            if self._code is None:
                d = self._roll[d - self._lo]
            else:
                d = self._roll[d + self._code[:k]]
        return d

    def tables(self) -> dict:
        """The per-loan numbers and tables :meth:`column` and :meth:`act_act` read, for a
        compiled loop that makes the same dates (see :mod:`repayplan.kernel_jit`).

        ``roll_kind`` is 0 (no rolling), 1 (one convention: ``roll[d - lo]``) or 2
        (several: ``roll[d + code[i]]``); ACT/ACT serials are ``aa_tab[d - aa_lo]``.

        >>> import numpy as np
        >>> t = DueDateColumns(np.array(["2025-01-31"], dtype="datetime64[D]"), 3).tables()
        >>> int(t["roll_kind"]), int(t["step_m"][0])
        (0, 1)
        """
        self.act_act(self._days[:1])  # makes the ACT/ACT table
        assert self._aa is not None
        n = self.n
        return {
            "days": self._days,
            "by_days": np.zeros(n, bool) if self._by_days is None else self._by_days,
            "step_d": self._step_d,
            "step_m": self._step_m,
            "midx": self._midx,
            "day0": self._day0,
            "firsts": self._firsts,
            "last_day": self._last_day,
            "roll": np.zeros(1, np.int64) if self._roll is None else self._roll,
            "roll_kind": 0 if self._roll is None else 1 if self._code is None else 2,
            "code": np.zeros(n, np.int64) if self._code is None else self._code,
            "lo": self._lo,
            "aa_tab": self._aa[0],
            "aa_lo": self._aa[1],
        }

    def act_act(self, days: np.ndarray) -> np.ndarray:
        """The ACT/ACT (ISDA) serial ``366 × day - leap days before`` of int64 day numbers
        (a start or a due date of these loans): differences are the ACT/ACT numerators."""
        if self._aa is None:
            lo = min(self._lo, int(self._days.min()) if self.n else 0) - 7
            hi = self._hi + 7
            if self._roll is not None:
                hi = max(hi, int(self._roll.max()) + 1)
                lo = min(lo, int(self._roll.min()))
            span = np.arange(lo, hi + 1, dtype=np.int64).view("datetime64[D]")
            self._aa = (_act_act_serial(span)[0], lo)
        table, lo = self._aa
        return table[days - lo]


def _per_loan(field: str, value, n: int, allowed: str) -> np.ndarray:
    """``value`` as an object array of one value per loan (one value is every loan's)."""
    try:
        arr = np.asarray(value, dtype=object)
        return (
            np.broadcast_to(arr, (n,))
            if arr.ndim <= 1
            else np.broadcast_to(arr, (n,) + arr.shape[1:])
        )
    except ValueError:
        raise InputError(field, value, f"{allowed}: one value, or one per start ({n})") from None


def _codes(values: np.ndarray) -> tuple[np.ndarray, list]:
    """``(codes, distinct)`` of a per-loan object array: ``values[i] == distinct[codes[i]]``,
    each distinct value once when the values hash (else every value is its own).

    >>> codes, vals = _codes(np.array([12, 4, 12], dtype=object))
    >>> codes.tolist(), vals
    ([0, 1, 0], [12, 4])
    """
    n = values.shape[0] if values.ndim else 1
    if n and values.ndim == 1 and values.strides[0] == 0:  # one value broadcast to every loan
        return np.zeros(n, np.intp), [values[0]]
    if values.dtype.kind in "iu":  # whole numbers: sorted distinct values, no hashing
        uniq, inv = np.unique(values, return_inverse=True)
        return inv.reshape(-1).astype(np.intp), uniq.tolist()
    import pandas as pd

    try:
        codes, uniq = pd.factorize(
            np.asarray(values, dtype=object).reshape(-1), use_na_sentinel=False
        )
    except TypeError:
        flat = values.tolist()
        return np.arange(len(flat)), flat
    return np.asarray(codes, dtype=np.intp), list(uniq)


def _distinct(values: np.ndarray) -> list:
    """The distinct values of an object array, in order of appearance (each value once when
    they hash; else every value, so that each is still checked)."""
    flat = values.tolist()
    try:
        return list(dict.fromkeys(flat))
    except TypeError:
        return flat


def _due_months(days: np.ndarray, offsets: np.ndarray, eom: bool, *, step=None) -> np.ndarray:
    """``_add_months(days[:, None], offsets[None, :], eom)`` for a (loans, periods) grid.

    Month arithmetic on month numbers and two small tables over the months spanned (first
    day and length of each month): the target of loan ``i`` and period ``k`` is month
    ``m_i + offsets[k]``, day ``min(d_i, length - 1)`` (``length - 1`` under the
    end-of-month rule when ``d_i`` was its month's last day).  Two gathers and one
    ``minimum`` over the grid, in place; the same dates as :func:`_add_months`.
    """
    days = days.astype("datetime64[D]", copy=False)
    src = days.astype("datetime64[M]").astype(np.int64)
    if days.size == 0 or offsets.size == 0:
        return np.empty((days.size, offsets.size), dtype="datetime64[D]")
    src_first, src_length = _month_start_and_length(src)
    day0 = days.astype(np.int64) - src_first  # 0-based day of month
    if eom:
        day0 = np.where(day0 == src_length - 1, 31, day0)  # min(31, length - 1): the last day
    offsets = np.asarray(offsets, dtype=np.int64)
    # with ``step`` (months per period, per loan) the offsets are ``step_i * offsets``
    mult = np.ones(1, np.int64) if step is None else np.asarray(step, dtype=np.int64)
    lo = int(src.min()) + int(offsets.min()) * int(mult.min())
    hi = int(src.max()) + int(offsets.max()) * int(mult.max())
    firsts = np.arange(lo, hi + 2).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    last_day = np.diff(firsts) - 1
    if step is None:
        idx = (src - lo)[:, None] + offsets[None, :]
    else:
        idx = mult[:, None] * offsets[None, :]
        idx += (src - lo)[:, None]
    out = last_day[idx]
    np.minimum(out, day0[:, None], out=out)
    out += firsts[idx]
    return out.view("datetime64[D]")


def payment_dates(
    start,
    periods: int,
    frequency: int = 12,
    *,
    eom: bool = True,
    convention: str = "unadjusted",
    holidays=None,
) -> np.ndarray:
    """Due dates of one loan.

    Parameters
    ----------
    start : date-like
        Start (drawdown or restructuring) date; the first payment falls one period later.
    periods, frequency, eom, convention, holidays
        As in :func:`payment_dates_many`.

    Returns
    -------
    numpy.ndarray of datetime64[D], shape (periods,)

    Notes
    -----
    Due date ``k`` is ``add_months(start, k × 12 / frequency)``, or ``start + 14 k`` /
    ``start + 7 k`` days for frequencies 26 and 52, rolled by ``convention``; this is row 0
    of :func:`payment_dates_many` for a batch of one.

    Examples
    --------
    A monthly plan agreed on 31 December 2024, due on business days in China with the
    modified-following convention: 31 January 2025 is in the Spring Festival holiday
    (28 January to 4 February), so the payment moves back to Monday 27 January.

    >>> payment_dates("2024-12-31", 3, convention="modified_following", holidays="CN")
    array(['2025-01-27', '2025-02-28', '2025-03-31'], dtype='datetime64[D]')
    >>> payment_dates("2026-01-30", 3)
    array(['2026-02-28', '2026-03-30', '2026-04-30'], dtype='datetime64[D]')
    """
    day = _one_day("start", start)
    return payment_dates_many(
        np.asarray(day)[None],
        periods,
        frequency,
        eom=eom,
        convention=convention,
        holidays=holidays,
    )[0]


# --------------------------------------------------------------------------------------------
# holiday calendars and business days
# --------------------------------------------------------------------------------------------

_HOLIDAYS_ALLOWED = (
    "None, a country code of the holidays package (e.g. 'CN', 'US'), a financial market code "
    "(e.g. 'XSHG', 'NYSE'), a holidays.HolidayBase object, or an iterable of dates"
)
_NO_DAYS = np.empty(0, dtype="datetime64[D]")


class _Calendar:
    """Holidays and weekend working days, looked up by year range (internal).

    ``source`` is None (fixed lists), a market code of the ``holidays`` package, or a
    ``holidays.HolidayBase`` object.
    """

    __slots__ = ("source", "holidays", "workdays")

    def __init__(self, source=None, holidays=_NO_DAYS, workdays=_NO_DAYS):
        self.source = source
        self.holidays = holidays
        self.workdays = workdays

    def days(self, lo: np.datetime64, hi: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
        """(holidays, weekend working days) covering every date in [lo, hi]."""
        if self.source is None:
            return self.holidays, self.workdays
        y0 = int(lo.astype("datetime64[Y]").astype(np.int64)) + 1970
        y1 = int(hi.astype("datetime64[Y]").astype(np.int64)) + 1970
        # a year's list can hold days of its neighbours (an observed New Year's Day on
        # 31 December, a make-up working day in late December before New Year)
        years = range(max(y0 - 1, 1), min(y1 + 1, 9999) + 1)
        if isinstance(self.source, str):
            parts = [_market_year(self.source, y) for y in years]
            return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        if getattr(self.source, "expand", False):
            for y in years:  # a HolidayBase fills in a whole year when asked about one day
                _ = _dt.date(y, 1, 1) in self.source
        return _holiday_arrays(self.source)


def _holiday_arrays(cal) -> tuple[np.ndarray, np.ndarray]:
    hol = np.array(sorted(cal.keys()), dtype="datetime64[D]")
    work = np.array(sorted(getattr(cal, "weekend_workdays", ())), dtype="datetime64[D]")
    hol.setflags(write=False)
    work.setflags(write=False)
    return hol, work


@functools.lru_cache(maxsize=8192)
def _market_year(code: str, year: int) -> tuple[np.ndarray, np.ndarray]:
    import holidays as holidays_pkg

    if code in holidays_pkg.list_supported_countries():
        return _holiday_arrays(holidays_pkg.country_holidays(code, years=year))
    return _holiday_arrays(holidays_pkg.financial_holidays(code, years=year))


@functools.lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    import holidays as holidays_pkg

    return frozenset(holidays_pkg.list_supported_countries()) | frozenset(
        holidays_pkg.list_supported_financial()
    )


def _calendar(holidays) -> _Calendar:
    if holidays is None:
        return _Calendar()
    if isinstance(holidays, str):
        code = holidays.strip().upper()
        if code not in _known_codes():
            raise InputError("holidays", holidays, _HOLIDAYS_ALLOWED)
        return _Calendar(code)
    if hasattr(holidays, "weekend_workdays") and hasattr(holidays, "keys"):
        return _Calendar(holidays)
    if isinstance(holidays, (np.ndarray, Iterable)):
        days = _as_days(
            "holidays", holidays if isinstance(holidays, np.ndarray) else list(holidays)
        )
        return _Calendar(None, np.unique(days.reshape(-1)))
    raise InputError("holidays", holidays, _HOLIDAYS_ALLOWED)


def _business_days(days: np.ndarray, cal: _Calendar) -> tuple[np.ndarray]:
    if days.size == 0:
        return (np.zeros(days.shape, dtype=bool),)
    hol, work = cal.days(days.min(), days.max())
    weekend = (days.astype(np.int64) + 3) % 7 >= 5  # 1970-01-01 was a Thursday (Mon = 0)
    return (np.where(weekend, np.isin(days, work), ~np.isin(days, hol)),)


def _business_mask(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    return _by_day(functools.partial(_business_days, cal=cal), days)[0]


def is_business_day(dates, holidays=None) -> np.ndarray:
    """Whether each date is a business day.

    Parameters
    ----------
    dates : date or array_like of dates
    holidays : None, str, holidays.HolidayBase or iterable of dates, default None
        ``None``: Monday to Friday are business days.  A country code (``"CN"``, ``"US"``)
        or a market code (``"XSHG"``, ``"NYSE"``) of the ``holidays`` package: its public
        holidays (observed and substituted days included) are not business days, and its
        weekend working days are.  A ``holidays.HolidayBase`` object (e.g. with a
        subdivision, ``holidays.US(subdiv="NY")``) is used the same way.  An iterable of
        dates: those dates are holidays.

    Returns
    -------
    numpy.ndarray of bool, the shape of ``dates``

    Notes
    -----
    A date is a business day when it is Monday to Friday and not a holiday, or when it is
    a Saturday or Sunday that the calendar lists as a working day.  This is the rule of
    ``holidays.HolidayBase.is_working_day``.  The ``holidays`` package exposes China's
    make-up working days (调休) as ``weekend_workdays``, filled from the State Council
    notices; they are business days here.  Years after the last published notice get the
    package's estimated holidays and no make-up days; years it does not cover get weekends
    only.

    Examples
    --------
    Saturday 2026-02-14 is a make-up working day before the 2026 Spring Festival;
    Monday 2026-02-16 is New Year's Eve, a holiday.

    >>> is_business_day(["2026-02-14", "2026-02-16"], holidays="CN").tolist()
    [True, False]
    >>> is_business_day(["2026-02-14", "2026-02-16"]).tolist()
    [False, True]
    """
    days = _as_days("dates", dates)
    return _business_mask(days.reshape(-1), _calendar(holidays)).reshape(days.shape)


def _check_convention(convention) -> str:
    if isinstance(convention, str):
        key = re.sub(r"[^a-z]", "", convention.lower())
        for name in BUSINESS_DAY_CONVENTIONS:
            if key == name.replace("_", ""):
                return name
    check_choice("convention", convention, BUSINESS_DAY_CONVENTIONS)
    raise AssertionError("unreachable")  # check_choice raised


_MAX_ROLL_DAYS = 3660


def _roll_direction(days: np.ndarray, cal: _Calendar, forward: bool) -> np.ndarray:
    """Nearest business day on or after (``forward``) or on or before each date."""
    if days.size == 0:
        return days
    lo, hi = days.min(), days.max()
    pad = 16
    while True:
        first = lo if forward else max(lo - pad * _DAY, _MIN_DAY)
        last = min(hi + pad * _DAY, _MAX_DAY) if forward else hi
        grid = np.arange(first, last + _DAY, dtype="datetime64[D]")
        idx = np.arange(grid.size)
        if forward:
            marks = np.where(_business_days(grid, cal)[0], idx, grid.size)
            nearest = np.minimum.accumulate(marks[::-1])[::-1]
        else:
            marks = np.where(_business_days(grid, cal)[0], idx, -1)
            nearest = np.maximum.accumulate(marks)
        pos = nearest[(days - first).view(np.int64)]
        if ((pos >= 0) & (pos < grid.size)).all():
            return grid[pos]
        if pad >= _MAX_ROLL_DAYS or first == _MIN_DAY or last == _MAX_DAY:
            stuck = days[(pos < 0) | (pos >= grid.size)][0]
            raise InputError(
                "dates",
                str(stuck),
                f"a date with a business day within {_MAX_ROLL_DAYS} days "
                f"{'after' if forward else 'before'} it, between 0001-01-01 and 9999-12-31",
            )
        pad *= 4


def _unadjusted(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    return days


def _following(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    return _roll_direction(days, cal, forward=True)


def _preceding(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    return _roll_direction(days, cal, forward=False)


def _month_of(days: np.ndarray) -> tuple[np.ndarray]:
    return (days.astype("datetime64[M]").astype(np.int64),)


def _modified(days: np.ndarray, cal: _Calendar, first, second) -> np.ndarray:
    out = first(days, cal)
    moved = _by_day(_month_of, out)[0] != _by_day(_month_of, days)[0]
    if moved.any():
        out = out.copy()
        out[moved] = second(days[moved], cal)
    return out


def _modified_following(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    return _modified(days, cal, _following, _preceding)


def _modified_preceding(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    return _modified(days, cal, _preceding, _following)


_ROLLS = {
    "unadjusted": _unadjusted,
    "following": _following,
    "modified_following": _modified_following,
    "preceding": _preceding,
    "modified_preceding": _modified_preceding,
}


def _roll(days: np.ndarray, convention: str, cal: _Calendar) -> np.ndarray:
    flat = np.asarray(days, dtype="datetime64[D]").reshape(-1)
    if convention == "unadjusted":
        return flat.reshape(np.shape(days))
    if flat.size >= 1024:
        # a convention moves a date by the calendar alone: roll each day of the span once
        # and gather (one subtraction and one gather over a large grid of due dates)
        lo, hi = flat.min(), flat.max()
        if int((hi - lo).astype(np.int64)) < flat.size:
            table = np.asarray(
                _ROLLS[convention](np.arange(lo, hi + _DAY, dtype="datetime64[D]"), cal)
            )
            idx = flat.view(np.int64) - lo.astype(np.int64)
            return table[idx].reshape(np.shape(days))
    return np.asarray(_ROLLS[convention](flat, cal)).reshape(np.shape(days))


def roll(dates, convention: str, holidays=None) -> np.ndarray:
    """Move dates that are not business days by a business-day convention.

    Parameters
    ----------
    dates : date or array_like of dates
    convention : str
        ``"unadjusted"`` (leave as is); ``"following"`` (next business day);
        ``"modified_following"`` (next business day unless that is in the next month, then
        the previous one); ``"preceding"`` (previous business day); ``"modified_preceding"``
        (previous unless in the previous month, then the next).  Case and separators are
        free (``"ModifiedFollowing"``).
    holidays : None, str, holidays.HolidayBase or iterable of dates, default None
        See :func:`is_business_day`.

    Returns
    -------
    numpy.ndarray of datetime64[D], the shape of ``dates``

    Notes
    -----
    ISDA 2006 §4.12 and QuantLib's ``BusinessDayConvention``.  A business day is returned
    unchanged by every convention.

    Examples
    --------
    Saturday 2025-05-31 under three conventions (no holidays):

    >>> [str(roll("2025-05-31", c)) for c in ("following", "modified_following", "preceding")]
    ['2025-06-02', '2025-05-30', '2025-05-30']

    National Day 2025 in China: 1 to 8 October off; Saturday 11 October is a working day.

    >>> roll(["2025-10-01", "2025-10-11"], "following", holidays="CN")
    array(['2025-10-09', '2025-10-11'], dtype='datetime64[D]')
    """
    conv = _check_convention(convention)
    cal = _calendar(holidays)
    days = _as_days("dates", dates)
    return _roll(days, conv, cal)
