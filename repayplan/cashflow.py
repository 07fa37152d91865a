"""The borrower's cash flow: cash available for debt service, month by month.

A :class:`CashFlow` holds the borrower's monthly cash available for debt service (after
operating costs and taxes, before any payment to the creditor) as one path or as an array of
scenarios, ``values[scenario, month]``.  It is built from data (:meth:`CashFlow.from_series`,
:meth:`CashFlow.from_frame`, :meth:`CashFlow.read_csv`) or from a seeded parametric projection
(:meth:`CashFlow.project`: level, trend, 12-month seasonality, lognormal volatility with optional
AR(1) persistence, and :class:`Shock` events such as the loss of a main customer).

Cash here is a *forecast*, so it is held as float64 in currency units per month; amounts that are
stated to a user as exact figures (the schedule, the claim) live elsewhere in integer minor units.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import io
import math
import numbers
import os
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from . import _value as _v
from ._io import read_bounded
from ._validate import (
    as_decimal,
    check_amount,
    check_bool,
    check_choice,
    check_encoding,
    check_fraction,
    check_int,
    check_text,
)
from .errors import InputError

__all__ = [
    "CashFlow",
    "Shock",
    "Provenance",
    "backtest",
    "DEFAULT_PROJECTION_START",
    "INFLOW_WORDS",
    "OUTFLOW_WORDS",
]

#: The first month of a projection when ``start`` is not given.  A fixed month (not "next month")
#: keeps a seeded projection reproducible on any day; January makes ``values[:, t]`` fall in
#: calendar month ``t % 12 + 1``, so the seasonal pattern reads straight off the array.
DEFAULT_PROJECTION_START = pd.Period("2000-01", freq="M")

#: Words that mark a column of a frame as an inflow under the naming rule of
#: :meth:`CashFlow.from_frame` (matched against the words of the column name, case-insensitive).
INFLOW_WORDS = frozenset(
    {
        "revenue", "revenues", "sales", "receipts", "receipt", "income", "inflow", "inflows",
        "collections", "refund", "refunds", "rebate", "rebates", "subsidy", "subsidies",
        "收入", "营业收入", "销售收入", "主营业务收入", "回款", "销售回款", "收款",
    }
)  # fmt: skip

#: Words that mark a column as an outflow under the naming rule of :meth:`CashFlow.from_frame`.
OUTFLOW_WORDS = frozenset(
    {
        "cost", "costs", "expense", "expenses", "tax", "taxes", "capex", "opex", "cogs",
        "wages", "salaries", "payroll", "rent", "utilities", "purchases", "outflow", "outflows",
        "成本", "营业成本", "费用", "税", "税费", "税金", "支出", "工资", "租金", "资本支出",
    }
)  # fmt: skip

# pandas 3 parses decimal text to the nearest float by default (and deprecates the option);
# pandas 2's default "high" parser can be an ulp off, so ask it for "round_trip".
_EXACT_FLOATS: dict[str, Any] = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)
_MAX_CELLS = 50_000_000  # scenarios × months; 400 MB of float64, a guard against typos
_MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_FINITE_CASH = "a finite amount of cash (negative allowed for a month with a deficit)"


# --------------------------------------------------------------------------------------------
# small validators private to this module
# --------------------------------------------------------------------------------------------


def _as_month(field: str, value) -> pd.Period:
    """A calendar month: monthly ``pandas.Period``, ``"YYYY-MM"``, or a date (its month)."""
    if isinstance(value, pd.Period):
        if value.freqstr != "M":
            raise InputError(field, value, "a monthly period (freq 'M') or 'YYYY-MM'")
        return value
    if isinstance(value, str):
        m = _MONTH_TEXT.match(value)
        if m is None or not 1 <= int(m.group(2)) <= 12:
            raise InputError(field, value, "a month written 'YYYY-MM'")
        return pd.Period(year=int(m.group(1)), month=int(m.group(2)), freq="M")
    if isinstance(value, (_dt.date, np.datetime64, pd.Timestamp)):
        if pd.isna(value):
            raise InputError(field, value, "a month (pandas.Period, 'YYYY-MM' or a date)")
        ts = pd.Timestamp(value)
        return pd.Period(year=ts.year, month=ts.month, freq="M")
    raise InputError(field, value, "a month (pandas.Period, 'YYYY-MM' or a date)")


def check_currency_code(value) -> str:
    if not isinstance(value, str) or _CURRENCY.match(value) is None:
        raise InputError("currency", value, "an ISO 4217 code of three capital letters ('CNY')")
    return value


def _check_float(field: str, value, *, low: float, high: float, allowed: str, hint=None) -> float:
    """A finite number in the closed range [low, high]."""
    try:
        d = as_decimal(field, value)
    except InputError:
        raise InputError(field, value, allowed) from None
    if not low <= d <= high:
        raise InputError(field, value, allowed, hint(d) if hint else None)
    return float(d)


def generator(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if (
        isinstance(seed, numbers.Integral)
        and not isinstance(seed, bool)
        and 0 <= int(seed) < 2**128
    ):
        return np.random.default_rng(int(seed))
    raise InputError("seed", seed, "None, a whole number >= 0, or a numpy.random.Generator")


def _fmt(x: float) -> str:
    """A forecast amount for display: two decimals, rounded half-up, thousands separated."""
    d = Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{d:,}"


def month_index(index: pd.Index, field: str) -> pd.PeriodIndex:
    """Validate ``index`` as consecutive calendar months; return it as a monthly PeriodIndex."""
    allowed = (
        "consecutive months: a PeriodIndex with freq 'M', a DatetimeIndex of month starts or "
        "of month ends, or labels 'YYYY-MM'"
    )
    if len(index) == 0:
        raise InputError(field, "0 months", "at least one month of cash")
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr != "M":
            raise InputError(f"{field}.index", f"freq {index.freqstr!r}", allowed)
        if index.hasnans:
            raise InputError(f"{field}.index", "NaT", allowed)
        months = index
    elif isinstance(index, pd.DatetimeIndex):
        if index.hasnans:
            raise InputError(f"{field}.index", "NaT", allowed)
        if index.tz is not None:
            index = index.tz_localize(None)  # the wall-clock date is the month meant
        bad = index != index.normalize()
        if bad.any():
            raise InputError(f"{field}.index", str(index[bad][0]), allowed, "a time of day is set")
        if not (index.is_month_start.all() or index.is_month_end.all()):
            first = index[~(index.is_month_start | index.is_month_end)]
            example = first[0] if len(first) else index[0]
            raise InputError(
                f"{field}.index",
                str(example.date()),
                allowed,
                "dates must all be the first day of their month or all the last day",
            )
        months = index.to_period("M")
    elif index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        parsed = []
        for label in index:
            if not isinstance(label, str):
                raise InputError(f"{field}.index", label, allowed)
            parsed.append(_as_month(f"{field}.index", label))
        months = pd.PeriodIndex(parsed, freq="M")
    else:
        raise InputError(f"{field}.index", f"{type(index).__name__} ({index.dtype})", allowed)
    steps = np.diff(months.asi8)
    if steps.size and (steps != 1).any():
        i = int(np.flatnonzero(steps != 1)[0])
        here, nxt = months[i], months[i + 1]
        if steps[i] == 0:
            raise InputError(f"{field}.index", str(nxt), allowed, "this month appears twice")
        if steps[i] < 0:
            raise InputError(f"{field}.index", str(nxt), allowed, f"{nxt} comes after {here}")
        raise InputError(f"{field}.index", str(here + 1), allowed, f"month {here + 1} is missing")
    return months


def column_values(col: pd.Series, field: str, months: pd.PeriodIndex) -> np.ndarray:
    """One column of cash as float64, every value finite; errors name the month."""
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise InputError(field, f"dtype {dtype}", "numbers (cash per month)")
    if pd.api.types.is_numeric_dtype(dtype):
        arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        out = np.empty(len(col), dtype=np.float64)
        for i, x in enumerate(col.tolist()):
            if x is None:
                out[i] = np.nan
            elif isinstance(x, (numbers.Real, Decimal)) and not isinstance(x, bool):
                out[i] = float(x)
            else:
                raise InputError(f"{field} at {months[i]}", x, "a number (cash per month)")
        arr = out
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{field} at {months[i]}", float(arr[i]), _FINITE_CASH)
    return arr


def _words(name) -> set[str]:
    text = str(name).strip().lower()
    return {w for w in re.split(r"[^0-9a-z\u4e00-\u9fff]+", text) if w}


def _classify(columns: Sequence, source: str) -> tuple[list, list]:
    """Split columns into inflows and outflows by :data:`INFLOW_WORDS` / :data:`OUTFLOW_WORDS`."""
    inflows: list = []
    outflows: list = []
    for c in columns:
        words = _words(c)
        is_in, is_out = bool(words & INFLOW_WORDS), bool(words & OUTFLOW_WORDS)
        if is_in == is_out:
            why = "both an inflow and an outflow word" if is_in else "no inflow or outflow word"
            raise InputError(
                f"{source}[{c!r}]",
                c,
                "a column named as an inflow (revenue, sales, receipts, income, ...) or an "
                "outflow (cost, expense, tax, capex, wages, ...), or listed in inflows=/outflows=",
                f"the name has {why}; pass inflows=[...] and outflows=[...] explicitly",
            )
        (inflows if is_in else outflows).append(c)
    if not inflows:
        raise InputError(
            f"{source}.columns", list(columns), "at least one inflow column (revenue, sales, ...)"
        )
    return inflows, outflows


def _as_columns(field: str, value, columns: pd.Index, source: str) -> list:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, Sequence) or isinstance(names, (bytes, Mapping)):
        raise InputError(field, value, f"a list of column names of {source}")
    for name in names:
        if name not in columns:
            raise InputError(field, name, f"a column of {source}: one of {list(columns)}")
    return list(names)


def _frame_values(
    df: pd.DataFrame, *, inflows, outflows, scenarios: bool, source: str
) -> tuple[np.ndarray, pd.Period]:
    """The (scenarios, months) array and first month of a frame (see ``CashFlow.from_frame``)."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(source, type(df).__name__, "a pandas DataFrame")
    check_bool("scenarios", scenarios)
    hint_col = "set the months as the index: df.set_index('month')" if "month" in df else None
    try:
        months = month_index(df.index, source)
    except InputError as e:
        raise InputError(e.field, e.value, e.allowed, e.hint or hint_col) from None
    if not df.columns.is_unique:
        dup = df.columns[df.columns.duplicated()][0]
        raise InputError(f"{source}.columns", dup, "distinct column names")
    if df.shape[1] == 0:
        raise InputError(f"{source}.columns", [], "at least one column of cash")

    def col(c):
        return column_values(df[c], f"{source}[{c!r}]", months)

    if scenarios:
        if inflows is not None or outflows is not None:
            raise InputError("scenarios", scenarios, "False when inflows= or outflows= are given")
        return np.stack([col(c) for c in df.columns]), months[0]
    if inflows is None and outflows is None:
        if "available" in df.columns:
            others = [c for c in df.columns if c != "available"]
            if others:
                raise InputError(
                    f"{source}.columns",
                    list(df.columns),
                    "either one 'available' column, or revenue and cost line columns",
                    "select df[['available']] or pass inflows=/outflows=",
                )
            return col("available")[None, :], months[0]
        inflows, outflows = _classify(list(df.columns), source)
    else:
        inflows = _as_columns("inflows", [] if inflows is None else inflows, df.columns, source)
        outflows = _as_columns("outflows", [] if outflows is None else outflows, df.columns, source)
        if not inflows:
            raise InputError("inflows", inflows, "at least one inflow column")
        both = [c for c in outflows if c in inflows]
        if both:
            raise InputError("outflows", both[0], "a column not also listed in inflows")
    total = np.zeros(len(months))
    for c in inflows:
        total = total + col(c)
    for c in outflows:
        total = total - col(c)
    return total[None, :], months[0]


# --------------------------------------------------------------------------------------------
# Shock
# --------------------------------------------------------------------------------------------


class Shock(_v.Value):
    """A random event that cuts the borrower's cash, such as the loss of a main customer.

    Parameters
    ----------
    probability : float
        With ``per="horizon"`` (default): the probability, in each scenario, that the event
        happens at all within its window.  With ``per="month"``: the probability that it starts
        in any one month of the window, given that it has not started yet (a monthly hazard).
    impact : float
        The fraction of cash lost while the event lasts (0.3: cash falls by 30%), from 0 to 1.
    start : int, pandas.Period, str or date, default 0
        The first month in which the event can start: a month offset from the projection's first
        month (0 = first month) or a calendar month (``"2028-01"``).
    duration : int or None, default None
        How many months the cut lasts; ``None`` keeps it to the end of the horizon (permanent).
        A cut that would run past the horizon is truncated there.
    end : int, pandas.Period, str, date or None, default None
        The last month in which the event can start (inclusive); ``None`` is the last month of
        the projection.
    per : {"horizon", "month"}, default "horizon"
        How ``probability`` is read (see above).
    label : str, default ""
        A name for charts and reports ("loss of main customer").

    Notes
    -----
    In scenario ``s`` the event happens with probability ``P`` and starts in month ``u_s``; the
    projected cash is multiplied by ``1 - impact`` in months ``u_s <= t < u_s + duration``.

    - ``per="horizon"``: it happens with probability ``P = probability``; ``u_s`` is uniform on
      ``start..end``.  So month ``t`` is hit with probability
      ``probability * #{u in start..end : u <= t < u + duration} / (end - start + 1)``.
    - ``per="month"``: ``u_s = start + G - 1`` with ``G ~ Geometric(probability)`` and the event
      happens if ``u_s <= end``, so ``P = 1 - (1 - probability) ** (end - start + 1)``.

    Each shock strikes at most once per scenario; list several shocks for repeated events.
    Several shocks compound: cash is multiplied by the product of ``1 - impact`` of those active.

    Examples
    --------
    Loss of a main customer some time in the first three years, with probability 20%:

    >>> Shock(0.2, 0.35, end=35, label="loss of main customer")
    Shock(probability=0.2, impact=0.35, start=0, duration=None, end=35, per='horizon', label='loss of main customer')
    """

    probability: float = _v.field(check=_v.fraction)
    impact: float = _v.field(check=_v.fraction)
    start: int | pd.Period = _v.field(default=0, check=lambda n, v: _shock_month(n, v))
    duration: int | None = _v.field(default=None, check=_v.optional(_v.int_in(1)))
    end: int | pd.Period | None = _v.field(
        default=None, check=_v.optional(lambda n, v: _shock_month(n, v))
    )
    per: str = _v.field(default="horizon", check=_v.choice("horizon", "month"))
    label: str = _v.field(default="", check=_v.text())

    def _check(self) -> None:
        if isinstance(self.start, int) and isinstance(self.end, int) and self.end < self.start:
            raise InputError("end", self.end, f"a month offset >= start ({self.start})")
        if isinstance(self.start, pd.Period) and isinstance(self.end, pd.Period):
            if self.end < self.start:
                raise InputError("end", str(self.end), f"a month from start ({self.start}) on")

    def _window(self, first: pd.Period, months: int, k: int) -> tuple[int, int]:
        """The offsets ``(a, b)`` of the months in which the shock can start."""

        def offset(v):
            return v if isinstance(v, int) else (v.ordinal - first.ordinal)

        last = months - 1
        a = offset(self.start)
        b = last if self.end is None else offset(self.end)
        span = f"a month of the projection: offset 0..{last} ({first}..{first + last})"
        if not 0 <= a <= last:
            raise InputError(f"shocks[{k}].start", _show(self.start), span)
        if not a <= b <= last:
            raise InputError(f"shocks[{k}].end", _show(self.end), f"{span}, from start on")
        return a, b

    def _active(self, rng: np.random.Generator, n: int, months: int, a: int, b: int) -> np.ndarray:
        """Boolean (n, months): the months in which the shock is active, per scenario."""
        if self.per == "horizon":
            happens = rng.random(n) < self.probability
            onset = rng.integers(a, b + 1, size=n)
        elif self.probability > 0:
            onset = a + rng.geometric(self.probability, size=n) - 1
            happens = onset <= b
        else:
            return np.zeros((n, months), dtype=bool)
        t = np.arange(months)
        stop = onset + (months if self.duration is None else self.duration)
        return happens[:, None] & (t >= onset[:, None]) & (t < stop[:, None])


def _shock_month(field: str, value):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return check_int(field, value, low=0)
    return _as_month(field, value)


def _show(v):
    return str(v) if isinstance(v, pd.Period) else v


# --------------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------------

_KINDS = ("data", "statement", "accounts", "history", "projection")


#: The figures a :class:`Provenance` records of a backtest (:func:`backtest`).
BACKTEST_FIGURES = ("coverage_90", "mape", "naive_coverage_90", "naive_mape")


def _texts(name: str, value: Any) -> tuple[str, ...]:
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or not all(isinstance(x, str) for x in value)
    ):
        raise InputError(name, value, "a list of texts")
    for i, x in enumerate(value):
        check_text(f"{name}[{i}]", x, allow_nul=False)
    return tuple(value)


def _history(name: str, value: Any) -> tuple[float, ...]:
    try:
        h = tuple(float(x) for x in value)
    except (TypeError, ValueError):
        raise InputError(name, value, "a list of monthly amounts") from None
    if not all(math.isfinite(x) for x in h):
        raise InputError(name, list(h), "finite amounts")
    return h


def _backtest(name: str, bt: Any) -> tuple[tuple[str, float], ...]:
    pairs = bt.items() if isinstance(bt, Mapping) else bt
    try:
        out = tuple(sorted((str(k), float(v)) for k, v in pairs))
    except (TypeError, ValueError):
        raise InputError(name, bt, "a mapping of figure names to numbers") from None
    if any(k not in BACKTEST_FIGURES for k, _ in out):
        raise InputError(
            name,
            bt,
            "a mapping of figure names to numbers, names among " + ", ".join(BACKTEST_FIGURES),
        )
    return out


_NOTE = _v.text(allow_nul=False)


class Provenance(_v.Value):
    """Where a :class:`CashFlow` came from: its source, the model, the analyst's overrides.

    Parameters
    ----------
    kind : {"data", "statement", "accounts", "history", "projection"}
        The source: monthly data typed or read, a bank statement, accounts (CFADS), a forecast
        fitted to a history, or a parametric projection.
    description : str
        The source in words ("bank statement acme.csv: 412 lines 2024-07-01..2026-06-28").
    model : str, default ""
        The forecasting model and how it was chosen (a history forecast only).
    calibration : str, default ""
        How the forecast's band was calibrated.
    history_start : pandas.Period or str, optional
        The first month of ``history``.
    history : tuple of float, default ()
        The monthly history a forecast was fitted to (for the chart of the forecast against it).
    backtest : mapping of str to float, default ()
        Backtest figures (``coverage_90``, ``mape``, ``naive_coverage_90``, ``naive_mape``),
        stored as sorted ``(name, value)`` pairs.
    notes : tuple of str, default ()
        What the reader should know (a short history, months left out, a fallback).
    overrides : tuple of str, default ()
        The analyst's changes on top of the source, in the order applied.

    Examples
    --------
    >>> p = Provenance("history", "36 months of bank statements", model="ETS(A,Ad,A)",
    ...                overrides=("loss of main customer from 2027-03: cash x0.70",))
    >>> print(p.summary())
    history: 36 months of bank statements; model ETS(A,Ad,A); overrides: loss of main customer from 2027-03: cash x0.70
    """

    kind: str = _v.field(check=_v.choice(*_KINDS))
    description: str = _v.field(default="", check=_NOTE)
    model: str = _v.field(default="", check=_NOTE)
    calibration: str = _v.field(default="", check=_NOTE)
    history_start: pd.Period | None = _v.field(default=None, check=_v.optional(_as_month))
    history: tuple[float, ...] = _v.field(default=(), check=_history)
    backtest: tuple[tuple[str, float], ...] = _v.field(default=(), check=_backtest)
    notes: tuple[str, ...] = _v.field(default=(), check=_texts)
    overrides: tuple[str, ...] = _v.field(default=(), check=_texts)

    def _check(self) -> None:
        if self.history and self.history_start is None:
            raise InputError("history_start", None, "the first month of history")

    def with_override(self, text: str) -> Provenance:
        """A copy with one more override recorded.

        >>> Provenance("data").with_override("cash x0.9 from 2027-01").overrides
        ('cash x0.9 from 2027-01',)
        """
        check_text("text", text, allow_empty=False, allow_nul=False)
        return self.replace(overrides=self.overrides + (text,))

    def history_series(self) -> pd.Series | None:
        """The history as a Series indexed by month (None when there is none).

        >>> Provenance("history", history_start="2026-01", history=(1.0, 2.0)).history_series()
        month
        2026-01    1.0
        2026-02    2.0
        Freq: M, Name: history, dtype: float64
        """
        if not self.history:
            return None
        idx = pd.period_range(self.history_start, periods=len(self.history), freq="M", name="month")
        return pd.Series(self.history, index=idx, name="history")

    def lines(self) -> list[str]:
        """The provenance as sentences, for the annex and the minutes.

        >>> Provenance("accounts", "annual accounts 2025", notes=("spread evenly",)).lines()
        ['Source (accounts): annual accounts 2025', 'Note: spread evenly']
        """
        out = [
            f"Source ({self.kind}): {self.description}"
            if self.description
            else f"Source: {self.kind}"
        ]
        if self.model:
            out.append(f"Model: {self.model}")
        if self.calibration:
            out.append(f"Band: {self.calibration}")
        if self.backtest:
            out.append("Backtest: " + ", ".join(f"{k} {v:.3f}" for k, v in self.backtest))
        out += [f"Note: {n}" for n in self.notes]
        out += [f"Override: {o}" for o in self.overrides]
        return out

    def summary(self) -> str:
        """One line: kind, description, model and overrides."""
        parts = [f"{self.kind}: {self.description}" if self.description else self.kind]
        if self.model:
            parts.append(f"model {self.model}")
        if self.overrides:
            parts.append("overrides: " + "; ".join(self.overrides))
        return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# CashFlow
# --------------------------------------------------------------------------------------------


def _cash_values(name: str, values: Any) -> np.ndarray:
    if isinstance(values, (pd.Series, pd.DataFrame)):
        raise InputError(
            name,
            type(values).__name__,
            "a numpy array (use CashFlow.from_series / from_frame for pandas data)",
        )
    try:
        is_bool = np.asarray(values).dtype.kind == "b"  # True is not an amount of cash
    except (TypeError, ValueError, OverflowError):
        is_bool = False  # ragged or odd: refused just below
    if is_bool:
        raise InputError(
            name, values, "numbers (not bools), shape (months,) or (scenarios, months)"
        )
    try:
        arr = np.array(values, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError):
        raise InputError(name, values, "numbers, shape (months,) or (scenarios, months)") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise InputError(
            name, f"shape {np.shape(values)}", "shape (months,) or (scenarios, months)"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        s, t = (int(i) for i in np.argwhere(bad)[0])
        raise InputError(f"{name}[{s}, {t}]", float(arr[s, t]), _FINITE_CASH)
    arr.setflags(write=False)
    return arr


class CashFlow(_v.Value, eq=False):
    """The borrower's monthly cash available for debt service, as one path or many scenarios.

    Parameters
    ----------
    values : array_like of float, shape (months,) or (scenarios, months)
        Cash available for debt service in each month, in currency units (after operating costs
        and taxes, before any payment to creditors).  A month may be negative (a cash deficit the
        borrower must cover from its buffer); every value must be finite.  Stored as a read-only
        float64 array of shape ``(scenarios, months)``.
    start : pandas.Period, str or date
        The first month (``"2027-01"``; a date stands for its month).
    buffer : float, default 0
        Opening cash the borrower holds before the first month, >= 0.
    minimum_cash : float, default 0
        Operating cash the borrower must always keep, >= 0 (not available for debt service).
    currency : str, default "CNY"
        ISO 4217 code of the amounts.
    provenance : Provenance, optional
        Where the cash came from (a statement, accounts, a forecast fitted to a history, the
        analyst's overrides), for the annex and the minutes.  Set by the constructors that
        read the borrower's numbers; it is not part of equality (two cash flows with the same
        numbers are equal).

    Notes
    -----
    Cash is a forecast, so it is held as float64 (analytics); ``buffer`` and ``minimum_cash``
    are validated as exact amounts and stored as floats beside it.  Scenario ``s`` in month ``t``
    is ``values[s, t]``, the month ``start + t``.  Cash that can go to the creditor up to month
    ``T`` of a path is ``buffer + sum(values[s, :T+1]) - minimum_cash`` (how a plan uses it is
    for :mod:`repayplan.evaluate` to decide).

    Examples
    --------
    >>> cf = CashFlow([50_000.0, 42_000.0, -3_000.0], start="2027-01", buffer=20_000)
    >>> cf.months, cf.n_scenarios
    (3, 1)
    >>> cf.index
    PeriodIndex(['2027-01', '2027-02', '2027-03'], dtype='period[M]', name='month')
    >>> cf
    CashFlow(1 scenario × 3 months, 2027-01..2027-03, CNY; monthly cash mean 29,666.67, p5 1,500.00, p95 49,200.00; buffer 20,000.00, minimum cash 0.00)
    """

    values: np.ndarray = _v.field(check=_cash_values)
    start: pd.Period = _v.field(check=_as_month)
    buffer: float = _v.field(default=0.0, check=_v.amount(allow_zero=True, exact=False))
    minimum_cash: float = _v.field(default=0.0, check=_v.amount(allow_zero=True, exact=False))
    currency: str = _v.field(default="CNY", check=lambda _, v: check_currency_code(v))
    provenance: Provenance | None = _v.field(
        default=None,
        check=_v.optional(_v.instance(Provenance, "a repayplan.cashflow.Provenance or None")),
    )

    # ---- shape and labels ------------------------------------------------------------------

    @property
    def months(self) -> int:
        """Number of months covered."""
        return self.values.shape[1]

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios (1 for a single path)."""
        return self.values.shape[0]

    @property
    def end(self) -> pd.Period:
        """The last month covered: ``start + months - 1``.

        >>> CashFlow([10.0] * 24, start="2027-01").end
        Period('2028-12', 'M')
        """
        return self.start + (self.months - 1)

    @property
    def index(self) -> pd.PeriodIndex:
        """The months, as a monthly ``PeriodIndex`` named ``"month"``."""
        return pd.period_range(self.start, periods=self.months, freq="M", name="month")

    # ---- summaries for tables and charts ---------------------------------------------------

    def mean(self) -> pd.Series:
        """Mean cash of each month across scenarios (a Series indexed by month).

        >>> cf = CashFlow([[1.0, 10.0], [3.0, 30.0]], start="2027-01")
        >>> cf.mean()
        month
        2027-01     2.0
        2027-02    20.0
        Freq: M, Name: mean, dtype: float64
        """
        return pd.Series(self.values.mean(axis=0), index=self.index, name="mean")

    def quantile(self, q=0.5) -> pd.Series | pd.DataFrame:
        """Quantile(s) across scenarios of each month's cash.

        Parameters
        ----------
        q : float or sequence of float
            Quantiles from 0 to 1 (linear interpolation between scenarios).

        Returns
        -------
        pandas.Series (one ``q``) or pandas.DataFrame (one column per ``q``), indexed by month.

        Examples
        --------
        >>> cf = CashFlow([[1.0, 10.0], [3.0, 30.0]], start="2027-01")
        >>> cf.quantile(0.5).tolist()
        [2.0, 20.0]
        """
        if np.ndim(q) == 0:
            qf = check_fraction("q", q)
            return pd.Series(np.quantile(self.values, qf, axis=0), index=self.index, name=qf)
        qs = [check_fraction(f"q[{i}]", x) for i, x in enumerate(q)]
        if not qs:
            raise InputError("q", q, "a quantile or a non-empty list of quantiles from 0 to 1")
        table = np.quantile(self.values, qs, axis=0).T
        return pd.DataFrame(table, index=self.index, columns=pd.Index(qs, name="quantile"))

    def band(self, lo: float = 0.05, hi: float = 0.95) -> pd.DataFrame:
        """A fan-chart band: columns ``lower`` (quantile ``lo``), ``median``, ``mean``, ``upper``.

        Examples
        --------
        >>> cf = CashFlow([[1.0, 10.0], [3.0, 30.0]], start="2027-01")
        >>> cf.band(0.0, 1.0)  # doctest: +NORMALIZE_WHITESPACE
                 lower  median  mean  upper
        month
        2027-01    1.0     2.0   2.0    3.0
        2027-02   10.0    20.0  20.0   30.0
        """
        lo_f, hi_f = check_fraction("lo", lo), check_fraction("hi", hi)
        if lo_f > hi_f:
            raise InputError("lo", lo, f"a quantile <= hi ({hi})")
        qs = np.quantile(self.values, [lo_f, 0.5, hi_f], axis=0)
        return pd.DataFrame(
            {"lower": qs[0], "median": qs[1], "mean": self.values.mean(axis=0), "upper": qs[2]},
            index=self.index,
        )

    def to_frame(self) -> pd.DataFrame:
        """The cash as a DataFrame indexed by month.

        One path gives one column ``available``; several scenarios give one column per scenario
        (``0 .. n_scenarios - 1``, columns named ``"scenario"``).  Either form reads back with
        :meth:`from_frame` (``scenarios=True`` for the second).

        >>> CashFlow([[1.0, 10.0], [3.0, 30.0]], start="2027-01").to_frame()  # doctest: +NORMALIZE_WHITESPACE
        scenario    0     1
        month
        2027-01   1.0   3.0
        2027-02  10.0  30.0
        >>> CashFlow([50_000.0, 42_000.0], start="2027-01").to_frame()  # doctest: +NORMALIZE_WHITESPACE
                 available
        month
        2027-01    50000.0
        2027-02    42000.0
        """
        if self.n_scenarios == 1:
            return pd.DataFrame({"available": self.values[0]}, index=self.index)
        cols = pd.RangeIndex(self.n_scenarios, name="scenario")
        return pd.DataFrame(self.values.T.copy(), index=self.index, columns=cols)

    def to_series(self) -> pd.Series:
        """The single path as a Series named ``available`` (one scenario only).

        >>> CashFlow([50_000.0, 42_000.0], start="2027-01").to_series()
        month
        2027-01    50000.0
        2027-02    42000.0
        Freq: M, Name: available, dtype: float64
        """
        if self.n_scenarios != 1:
            raise InputError(
                "cashflow", f"{self.n_scenarios} scenarios", "one scenario for to_series()",
                "use to_frame(), mean() or quantile()",
            )  # fmt: skip
        return pd.Series(self.values[0], index=self.index, name="available")

    # ---- variants --------------------------------------------------------------------------

    def window(self, start, months) -> CashFlow:
        """The cash of the months a plan covers, as a new CashFlow.

        Parameters
        ----------
        start : pandas.Period, str, date or int
            The plan's first month; an int is an offset from ``self.start`` (0 = first month).
        months : int
            How many months the plan runs; one value per month is needed.

        Raises
        ------
        InputError
            Naming ``cashflow`` when it does not cover every month from ``start`` for ``months``.

        Notes
        -----
        ``buffer`` and ``minimum_cash`` are carried over unchanged: the buffer is the cash held
        before the window's first month.

        Examples
        --------
        >>> cf = CashFlow([1.0, 2.0, 3.0, 4.0], start="2027-01")
        >>> cf.window("2027-02", 2).values
        array([[2., 3.]])
        >>> cf.window("2027-03", 6)
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: cashflow == '4 months 2027-01..2027-04', must be one value for each of the plan's 6 months 2027-03..2027-08 (4 months needed beyond 2027-04)
        """
        n = check_int("months", months, low=1)
        if isinstance(start, numbers.Integral) and not isinstance(start, bool):
            first = self.start + check_int("start", start, low=0)
        else:
            first = _as_month("start", start)
        a = first.ordinal - self.start.ordinal
        b = a + n
        if a < 0 or b > self.months:
            gaps = []
            if a < 0:
                gaps.append(f"{-a} months needed before {self.start}")
            if b > self.months:
                gaps.append(f"{b - self.months} months needed beyond {self.end}")
            raise InputError(
                "cashflow",
                f"{self.months} months {self.start}..{self.end}",
                f"one value for each of the plan's {n} months {first}..{first + (n - 1)}",
                "; ".join(gaps),
            )
        return dataclasses.replace(self, values=self.values[:, a:b], start=first)

    def __reduce__(self):  # rebuild through __init__: validated, read-only values after pickling
        return (
            type(self),
            (
                self.values,
                self.start,
                self.buffer,
                self.minimum_cash,
                self.currency,
                self.provenance,
            ),
        )

    def __eq__(self, other):
        if not isinstance(other, CashFlow):
            return NotImplemented
        return (
            self.start == other.start
            and self.buffer == other.buffer
            and self.minimum_cash == other.minimum_cash
            and self.currency == other.currency
            and np.array_equal(self.values, other.values)
        )

    # ---- display ---------------------------------------------------------------------------

    def _summary(self) -> dict[str, str]:
        p5, p95 = np.quantile(self.values, [0.05, 0.95])
        s = "scenario" if self.n_scenarios == 1 else "scenarios"
        return {
            "months": f"{self.months} ({self.start} to {self.end})",
            "scenarios": f"{self.n_scenarios:,} {s}",
            "mean monthly cash": _fmt(self.values.mean()),
            "p5 monthly cash": _fmt(p5),
            "p95 monthly cash": _fmt(p95),
            "opening buffer": _fmt(self.buffer),
            "minimum cash": _fmt(self.minimum_cash),
        } | ({"source": self.provenance.summary()} if self.provenance is not None else {})

    def __repr__(self) -> str:
        d = self._summary()
        s = "scenario" if self.n_scenarios == 1 else "scenarios"
        return (
            f"CashFlow({self.n_scenarios:,} {s} × {self.months} months, "
            f"{self.start}..{self.end}, {self.currency}; monthly cash mean "
            f"{d['mean monthly cash']}, p5 {d['p5 monthly cash']}, p95 {d['p95 monthly cash']}; "
            f"buffer {d['opening buffer']}, minimum cash {d['minimum cash']})"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(v)}</td></tr>"
            for k, v in self._summary().items()
        )
        cap = html.escape(f"CashFlow ({self.currency} per month, available for debt service)")
        return f"<table><caption>{cap}</caption><tbody>{rows}</tbody></table>"

    # ---- constructors ----------------------------------------------------------------------

    @classmethod
    def from_series(cls, series, *, buffer=0.0, minimum_cash=0.0, currency="CNY") -> CashFlow:
        """One path of monthly cash from a pandas Series.

        Parameters
        ----------
        series : pandas.Series
            Cash available for debt service per month.  The index must be consecutive months
            without gaps or repeats, in order: a ``PeriodIndex`` with freq ``"M"``, a
            ``DatetimeIndex`` of month starts (or of month ends), or labels ``"YYYY-MM"``.
            Values must be finite numbers; negative months (deficits) are allowed.
        buffer, minimum_cash, currency
            See :class:`CashFlow`.

        Raises
        ------
        InputError
            An empty series, a non-monthly index, a gap, a repeated or out-of-order month, or a
            value that is NaN, infinite or not a number.  Nothing is filled or sorted silently.

        Examples
        --------
        >>> s = pd.Series([48_000.0, 51_500.0, 39_000.0],
        ...               index=pd.period_range("2027-01", periods=3, freq="M"))
        >>> cf = CashFlow.from_series(s, buffer=30_000)
        >>> cf.to_series().tolist(), str(cf.start), cf.buffer
        ([48000.0, 51500.0, 39000.0], '2027-01', 30000.0)
        """
        if not isinstance(series, pd.Series):
            hint = (
                "use CashFlow.from_frame for a DataFrame"
                if isinstance(series, pd.DataFrame)
                else None
            )
            raise InputError("series", type(series).__name__, "a pandas Series", hint)
        months = month_index(series.index, "series")
        values = column_values(series, "series", months)
        return cls(values, months[0], buffer, minimum_cash, currency)

    @classmethod
    def from_frame(
        cls,
        df,
        *,
        inflows=None,
        outflows=None,
        scenarios: bool = False,
        buffer=0.0,
        minimum_cash=0.0,
        currency="CNY",
    ) -> CashFlow:
        """Monthly cash from a DataFrame of cash-flow lines or of scenarios.

        Parameters
        ----------
        df : pandas.DataFrame
            Indexed by consecutive months (as in :meth:`from_series`).  Its columns are either
            one ``available`` column, revenue and cost lines, or (``scenarios=True``) one column
            per scenario.
        inflows, outflows : list of column names, optional
            The line columns to add and to subtract.  When either is given, exactly these columns
            are used (others are ignored) and ``inflows`` must name at least one.  When neither
            is given, a frame with a single ``available`` column is read as it is; otherwise every
            column is classified by the naming rule below, and a column it cannot classify is an
            error (nothing is dropped silently).
        scenarios : bool, default False
            Read every column as one scenario of available cash.
        buffer, minimum_cash, currency
            See :class:`CashFlow`.

        Notes
        -----
        ``available[t] = sum(inflows[t]) - sum(outflows[t])``.

        Naming rule: a column name is split into words (lower case, at every character that is not
        a letter or digit); it is an inflow if a word is in :data:`INFLOW_WORDS` (revenue, sales,
        receipts, income, collections, refund, subsidy, 收入, 回款, ...), an outflow if a word is
        in :data:`OUTFLOW_WORDS` (cost, expense, tax, capex, opex, wages, rent, 成本, 费用, 税费,
        ...).  A name with words of both kinds (``tax_refund``) or of neither is an error asking
        for explicit ``inflows=`` / ``outflows=``.

        Examples
        --------
        >>> df = pd.DataFrame(
        ...     {"sales_revenue": [120_000.0, 110_000.0], "operating_costs": [70_000.0, 68_000.0],
        ...      "taxes": [6_000.0, 5_500.0]},
        ...     index=pd.period_range("2027-01", periods=2, freq="M"))
        >>> CashFlow.from_frame(df).to_series().tolist()
        [44000.0, 36500.0]
        >>> CashFlow.from_frame(df, inflows=["sales_revenue"], outflows=["operating_costs"]).values
        array([[50000., 42000.]])
        """
        values, first = _frame_values(
            df, inflows=inflows, outflows=outflows, scenarios=scenarios, source="df"
        )
        return cls(values, first, buffer, minimum_cash, currency)

    @classmethod
    def read_csv(
        cls,
        path,
        *,
        inflows=None,
        outflows=None,
        scenarios: bool = False,
        month_column: str = "month",
        encoding: str = "utf-8-sig",
        buffer=0.0,
        minimum_cash=0.0,
        currency="CNY",
    ) -> CashFlow:
        """Monthly cash from a CSV file with a ``month`` column (``YYYY-MM``).

        Parameters
        ----------
        path : str, os.PathLike or file-like
            The CSV file, at most 5,000,000 bytes and 2,000 columns
            (``repayplan._io.MAX_CSV_BYTES``, ``MAX_CSV_COLUMNS``), checked before it is
            parsed.  The other columns are read as in :meth:`from_frame`: one
            ``available`` column, revenue/cost line columns, or scenario columns.
        inflows, outflows, scenarios
            As in :meth:`from_frame`.
        month_column : str, default "month"
            The column of months, written ``YYYY-MM``, consecutive and in order.
        encoding : str, default "utf-8-sig"
            Text encoding (UTF-8, with or without the byte-order mark that Excel writes).
        buffer, minimum_cash, currency
            See :class:`CashFlow`.

        Raises
        ------
        InputError
            The file cannot be read (field ``path``); the month column is missing (field
            ``"<file>: column 'month'"``); a month or a cell is not valid (the field names the
            file, the column and the month or line).

        Notes
        -----
        The file is parsed as plain data by :func:`pandas.read_csv`; nothing in it is evaluated.
        Numbers must not carry thousands separators; empty cells are errors, not zeros.
        Decimal text is read to the nearest float, so
        ``cf.to_frame().to_csv(path)`` writes a file that reads back to an equal CashFlow
        (apart from ``buffer``, ``minimum_cash`` and ``currency``, which are arguments).

        Examples
        --------
        >>> import io
        >>> text = "month,available\\n2027-01,45000\\n2027-02,47000.5\\n"
        >>> CashFlow.read_csv(io.StringIO(text)).to_series().tolist()
        [45000.0, 47000.5]
        """
        name = _source_name(path)
        check_encoding("encoding", encoding)
        data = read_bounded(path, name=name, encoding=encoding)  # size bound before parsing
        try:
            raw = pd.read_csv(
                io.BytesIO(data), dtype={month_column: str}, encoding=encoding, **_EXACT_FLOATS
            )
        except (OSError, UnicodeError, ValueError, pd.errors.ParserError) as e:
            raise InputError(
                "path",
                name,
                f"a readable CSV file ({encoding}) with a {month_column!r} column (YYYY-MM)",
                f"{type(e).__name__}: {e}",
            ) from None
        if month_column not in raw.columns:
            raise InputError(
                f"{name}: column {month_column!r}",
                list(raw.columns),
                f"a CSV with a {month_column!r} column of months YYYY-MM",
            )
        months = []
        for i, text in enumerate(raw[month_column].tolist()):
            field = f"{name}: column {month_column!r}, line {i + 2}"
            if not isinstance(text, str):
                raise InputError(field, text, "a month written 'YYYY-MM'")
            months.append(_as_month(field, text))
        df = raw.drop(columns=[month_column])
        df.index = pd.PeriodIndex(months, freq="M") if months else pd.PeriodIndex([], freq="M")
        values, first = _frame_values(
            df, inflows=inflows, outflows=outflows, scenarios=scenarios, source=name
        )
        return cls(values, first, buffer, minimum_cash, currency)

    @classmethod
    def project(
        cls,
        base,
        months,
        *,
        trend=0.0,
        seasonality=None,
        volatility=0.0,
        scenarios=1,
        shocks=(),
        seed=None,
        start=None,
        buffer=0.0,
        minimum_cash=0.0,
        persistence=0.0,
        currency="CNY",
    ) -> CashFlow:
        """A seeded parametric projection of monthly cash: trend, seasons, noise and shocks.

        Parameters
        ----------
        base : float
            The expected cash of the first month before seasonality, currency units, > 0.
        months : int
            Length of the projection, 1 to 1200 months.
        trend : float, default 0
            Annual growth rate as a fraction (-0.15: cash falls 15% a year), > -1 and <= 10.
        seasonality : sequence of 12 floats, optional
            Weights of the calendar months January..December, each >= 0, summing to 12 (1 is
            an average month).  Default all 1.  They are not rescaled for you.
        volatility : float, default 0
            Standard deviation of the multiplicative monthly noise (0.25 for 25%), 0 to 5.
        scenarios : int, default 1
            Number of scenarios (rows of ``values``).
        shocks : sequence of Shock, default ()
            Random events that cut cash (see :class:`Shock`).
        seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
            The same seed gives identical values.  ``None`` draws fresh entropy (not
            reproducible); a Generator is used (and advanced) as given.
        start : pandas.Period, str or date, optional
            The first month.  Default :data:`DEFAULT_PROJECTION_START` (January 2000), a fixed
            rule so that a seeded projection is the same on any day; pass the plan's first month
            to place the projection on the calendar (seasonality follows the calendar month).
        buffer, minimum_cash, currency
            See :class:`CashFlow`.
        persistence : float, default 0
            AR(1) coefficient of the log-noise from month to month, -1 < persistence < 1.

        Returns
        -------
        CashFlow
            ``values`` of shape ``(scenarios, months)``.

        Notes
        -----
        The expected path, month ``t = 0 .. months-1`` falling in calendar month ``c(t)``::

            m[t] = base * (1 + trend) ** (t / 12) * seasonality[c(t)]

        Scenario ``s``::

            values[s, t] = m[t] * eps[s, t] * prod_k (1 - impact_k * hit_k[s, t])
            eps[s, t]    = exp(sigma * Z[s, t] - sigma**2 / 2),  sigma**2 = ln(1 + volatility**2)
            Z[s, 0] = e[s, 0],  Z[s, t] = phi * Z[s, t-1] + sqrt(1 - phi**2) * e[s, t]

        with ``e`` independent standard normals and ``phi = persistence``.  ``Z`` is stationary
        N(0, 1), so every ``eps`` is lognormal with mean exactly 1 and standard deviation
        ``volatility`` (Aitchison & Brown 1957: ``E = exp(mu + sigma**2/2)``,
        ``Var = (exp(sigma**2) - 1) exp(2 mu + sigma**2)``), and ``E[values[s, t]] = m[t]``
        without shocks.  ``hit_k[s, t]`` is 1 while shock ``k`` is active (see :class:`Shock`).

        The noise and each shock draw from their own child stream of ``seed``
        (``Generator.spawn``), so adding a shock or changing ``volatility`` leaves the other
        draws unchanged (common random numbers when comparing settings).  Work is vectorised over
        scenarios × months; the AR(1) recursion runs in :func:`scipy.signal.lfilter`.

        Examples
        --------
        Without noise the projection is the closed form: 10% lower after a year.

        >>> cf = CashFlow.project(base=45_000, months=24, trend=-0.10, start="2027-01")
        >>> float(cf.values[0, 0]), float(cf.values[0, 12])
        (45000.0, 40500.0)

        The call of the issue: 500 scenarios over ten years, reproducible by seed.

        >>> weights = [0.8, 0.7, 1.0, 1.0, 1.1, 1.1, 1.0, 1.0, 1.1, 1.1, 1.0, 1.1]
        >>> cf = CashFlow.project(base=45_000, months=120, trend=-0.10, seasonality=weights,
        ...                       volatility=0.25, scenarios=500, seed=7)
        >>> cf.values.shape, str(cf.start)
        ((500, 120), '2000-01')
        >>> cf == CashFlow.project(base=45_000, months=120, trend=-0.10, seasonality=weights,
        ...                        volatility=0.25, scenarios=500, seed=7)
        True
        """
        base_f = float(check_amount("base", base))
        n_months = check_int("months", months, low=1, high=1200)
        n = check_int("scenarios", scenarios, low=1)
        if n * n_months > _MAX_CELLS:
            raise InputError(
                "scenarios",
                scenarios,
                f"at most {_MAX_CELLS // n_months:,} scenarios for {n_months} months "
                f"({_MAX_CELLS:,} values in all)",
            )
        trend_f = _check_float(
            "trend", trend, low=-1, high=10,
            allowed="an annual growth rate as a fraction, > -1 and <= 10",
            hint=lambda d: f"a rate is a fraction: {d}% is {d / 100}" if abs(d) <= 100 else None,
        )  # fmt: skip
        if trend_f == -1.0:
            raise InputError("trend", trend, "an annual growth rate as a fraction, > -1 and <= 10")
        vol = _check_float(
            "volatility", volatility, low=0, high=5,
            allowed="a standard deviation as a fraction from 0 to 5 (0.25 for 25%)",
            hint=lambda d: f"a volatility is a fraction: {d}% is {d / 100}" if d > 5 else None,
        )  # fmt: skip
        phi = _check_float(
            "persistence", persistence, low=-1, high=1,
            allowed="an AR(1) coefficient strictly between -1 and 1",
        )  # fmt: skip
        if abs(phi) == 1.0:
            raise InputError(
                "persistence", persistence, "an AR(1) coefficient strictly between -1 and 1"
            )
        weights = _check_seasonality(seasonality)
        shock_list = _check_shocks(shocks)
        first = DEFAULT_PROJECTION_START if start is None else _as_month("start", start)
        windows = [sh._window(first, n_months, k) for k, sh in enumerate(shock_list)]
        rng = generator(seed)
        noise_rng, *shock_rngs = rng.spawn(1 + len(shock_list))

        t = np.arange(n_months)
        calendar = (first.month - 1 + t) % 12
        # Python's float power (the C library's pow) rather than numpy's vectorised power, which
        # can differ in the last bit: the noiseless path is then exactly the closed form as
        # anyone would evaluate it.  At most 1200 scalars, once per call.
        growth = np.array([(1.0 + trend_f) ** (k / 12.0) for k in range(n_months)])
        path = base_f * growth * weights[calendar]
        values = np.broadcast_to(path, (n, n_months))
        if vol > 0:
            values = values * _lognormal_noise(noise_rng, n, n_months, vol, phi)
        if shock_list:
            factor = np.ones((n, n_months))
            for sh, g, (a, b) in zip(shock_list, shock_rngs, windows, strict=True):
                factor *= np.where(sh._active(g, n, n_months, a, b), 1.0 - sh.impact, 1.0)
            values = values * factor
        return cls(values, first, buffer, minimum_cash, currency)

    # ---- the borrower's own numbers ----------------------------------------------------------

    @classmethod
    def from_transactions(
        cls,
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
        buffer=0.0,
        minimum_cash=0.0,
        currency="CNY",
        source="",
        reconcile="month",
    ) -> CashFlow:
        """Monthly net cash from bank statement lines (银行流水).

        Parameters
        ----------
        frame : pandas.DataFrame
            One row per statement line; :func:`repayplan.statements.read_statement` reads a CSV
            or xlsx export (Chinese headers 交易日期, 借方金额, 贷方金额, 余额, 对方户名 ...) into
            this form.
        date, amount, debit, credit, balance, counterparty, tag
            Column names: the date; a signed amount (money in positive), or unsigned ``debit``
            (out) and ``credit`` (in) columns when there is no ``amount`` column; the running
            balance (reconciled when present); the counterparty; a tag or description.
        own_accounts : list of str
            Counterparties that are the borrower's own accounts: those lines are left out.
        loan_proceeds : list of str
            Lenders whose payments in are loan proceeds: those lines are left out.
        exclude_tags : list of str
            Lines with one of these tags are left out (``tag="description"`` matches 摘要).
        opening_balance : amount, optional
            The balance before the first line (default: first balance less first amount).
        buffer, minimum_cash, currency
            See :class:`CashFlow`.  ``buffer`` is not taken from the statement: pass the
            closing balance if that is the cash at hand.
        source : str, default ""
            The name of the statement, for the provenance.
        reconcile : {"month", "line"}, default "month"
            Check each month's closing balance, or every line's balance
            (see :func:`repayplan.statements.monthly`).

        Returns
        -------
        CashFlow
            One path, one value per month from the first line's month to the last one's (a
            month without lines is zero), with a :class:`Provenance` of kind ``"statement"``.

        Raises
        ------
        InputError
            As :func:`repayplan.statements.monthly`: a bad date or amount (naming the line),
            lines out of date order, or the first month whose balances do not reconcile.

        Notes
        -----
        The aggregation is exact (integer minor units, :func:`repayplan.statements.monthly`);
        only the monthly totals become floats:
        ``net_m = sum(credits kept in m) - sum(debits kept in m)``.

        Examples
        --------
        >>> lines = pd.DataFrame({
        ...     "date": ["2026-01-05", "2026-01-09", "2026-01-20", "2026-02-03"],
        ...     "debit": ["", "", "8000.50", ""], "credit": ["12000.00", "300000.00", "", "9000"],
        ...     "balance": ["62000.00", "362000.00", "353999.50", "362999.50"],
        ...     "counterparty": ["甲公司", "某农商行", "", "乙公司"]})
        >>> cf = CashFlow.from_transactions(lines, loan_proceeds=["某农商行"])
        >>> cf.to_series().tolist(), cf.provenance.kind
        ([3999.5, 9000.0], 'statement')
        """
        from . import statements

        table = statements.monthly(
            frame, date=date, amount=amount, debit=debit, credit=credit, balance=balance,
            counterparty=counterparty, tag=tag, own_accounts=own_accounts,
            loan_proceeds=loan_proceeds, exclude_tags=exclude_tags,
            opening_balance=opening_balance, currency=currency, reconcile=reconcile,
        )  # fmt: skip
        check_text("source", source, allow_nul=False)
        net = np.array([float(x) for x in table["net"]])
        kept = f"{len(frame)} lines"
        notes = []
        excluded = [x for x in table["excluded"] if x != 0]
        if own_accounts or loan_proceeds or exclude_tags:
            what = [
                f"own accounts {list(own_accounts)}" if own_accounts else "",
                f"loan proceeds from {list(loan_proceeds)}" if loan_proceeds else "",
                f"tags {list(exclude_tags)}" if exclude_tags else "",
            ]
            notes.append(
                "left out: "
                + ", ".join(w for w in what if w)
                + f" (net {sum(table['excluded'], Decimal(0))} in {len(excluded)} months)"
            )
        if "closing" in table:
            every = "line" if reconcile == "line" else "month"
            notes.append(
                f"balances reconcile every {every}; closing balance "
                f"{table['closing'].iloc[-1]} in {table.index[-1]}"
            )
        empty = int((table["lines"] == 0).sum())
        if empty:
            notes.append(f"{empty} months without lines count as zero cash")
        name = f"bank statement {source}" if source else "bank statement"
        prov = Provenance(
            "statement", f"{name}: {kept}, {table.index[0]}..{table.index[-1]}", notes=tuple(notes)
        )
        return cls(net, table.index[0], buffer, minimum_cash, currency, prov)

    @classmethod
    def read_statement(cls, path, *, sheet=0, encoding=None, **options) -> CashFlow:
        """Monthly net cash from a bank statement export (CSV or xlsx): read, then aggregate.

        Parameters
        ----------
        path : str, os.PathLike or file-like
            The export (see :func:`repayplan.statements.read_statement`).
        sheet, encoding
            As :func:`repayplan.statements.read_statement`.
        **options
            Keywords of :meth:`from_transactions` (``own_accounts=``, ``loan_proceeds=`` ...).

        Examples
        --------
        >>> import io
        >>> text = ("交易日期,借方金额,贷方金额,余额,对方户名\\n"
        ...         "2026-01-05,,12000.00,62000.00,甲公司\\n"
        ...         "2026-01-20,8000.50,,53999.50,\\n")
        >>> CashFlow.read_statement(io.StringIO(text)).to_series().tolist()
        [3999.5]
        """
        from . import statements

        lines = statements.read_statement(path, sheet=sheet, encoding=encoding)
        options.setdefault("source", statements.source_name(path))
        return cls.from_transactions(lines, **options)

    @classmethod
    def from_accounts(
        cls,
        accounts,
        *,
        frequency="monthly",
        priority="first",
        share=None,
        buffer=0.0,
        minimum_cash=0.0,
        currency="CNY",
        source="",
        **columns,
    ) -> CashFlow:
        """Cash available for debt service (CFADS, after other creditors) from accounts.

        Parameters
        ----------
        accounts : pandas.DataFrame
            Monthly or annual accounts (see :func:`repayplan.statements.cfads`).
        frequency : {"monthly", "annual"}
            Annual figures are spread over the months in equal parts to the cent.
        priority : {"first", "pro_rata"}, default "first"
            Whether the borrower's other creditors are paid first or share the cash pro rata.
        share : float, optional
            This creditor's share of the debt (with ``"pro_rata"``).
        buffer, minimum_cash, currency
            See :class:`CashFlow`.
        source : str
            The accounts' name, for the provenance.
        **columns
            Column names: ``revenue``, ``operating_costs``, ``ebitda``, ``tax``,
            ``maintenance_capex``, ``working_capital_change``, ``other_debt_service``.

        Notes
        -----
        ``available = CFADS - other creditors' share``, with
        ``CFADS = EBITDA - tax - maintenance capex - increase in working capital``
        (:func:`repayplan.statements.cfads`).  The annual DSCR of a plan divides the year's sum
        of these months by the year's debt service.

        Examples
        --------
        >>> acc = pd.DataFrame({"ebitda": [30_000, 34_000], "tax": [3_000, 3_400],
        ...                     "other_debt_service": [10_000, 10_000]},
        ...                    index=pd.period_range("2026-01", periods=2, freq="M"))
        >>> cf = CashFlow.from_accounts(acc, ebitda="ebitda")
        >>> cf.to_series().tolist(), cf.provenance.kind
        ([17000.0, 20600.0], 'accounts')
        """
        from . import statements

        unknown = set(columns) - {
            "revenue",
            "operating_costs",
            "ebitda",
            "tax",
            "maintenance_capex",
            "working_capital_change",
            "other_debt_service",
        }
        if unknown:
            raise InputError(
                sorted(unknown)[0],
                columns[sorted(unknown)[0]],
                "a keyword of CashFlow.from_accounts (revenue, operating_costs, "
                "ebitda, tax, maintenance_capex, working_capital_change, "
                "other_debt_service, frequency, priority, share ...)",
            )
        check_text("source", source, allow_nul=False)
        table = statements.cfads(
            accounts,
            frequency=frequency,
            priority=priority,
            share=share,
            currency=currency,
            **columns,
        )
        values = np.array([float(x) for x in table["available"]])
        rule = (
            "other creditors paid first"
            if priority == "first"
            else f"other creditors pro rata, this creditor's share {share}"
        )
        name = f"{frequency} accounts {source}".strip() if source else f"{frequency} accounts"
        prov = Provenance(
            "accounts",
            f"{name}, {table.index[0]}..{table.index[-1]}: CFADS = EBITDA - tax - maintenance "
            f"capex - increase in working capital; {rule}",
            notes=(
                f"CFADS {sum(table['cfads'], Decimal(0))}, other debt service paid "
                f"{sum(table['other_paid'], Decimal(0))}",
            )
            + (
                ("annual figures spread over 12 months in equal parts",)
                if frequency == "annual"
                else ()
            ),
        )
        return cls(values, table.index[0], buffer, minimum_cash, currency, prov)

    @classmethod
    def from_history(
        cls,
        series,
        *,
        months,
        scenarios=1000,
        seed=None,
        model="auto",
        calibration="conformal",
        log=None,
        buffer=0.0,
        minimum_cash=0.0,
        currency="CNY",
    ) -> CashFlow:
        """Scenarios of future cash from a model fitted to the borrower's own history.

        Parameters
        ----------
        series : pandas.Series or CashFlow
            Monthly cash of the past, consecutive months (a one-path CashFlow, e.g. from
            :meth:`from_transactions`, is read with its provenance).  A gap, a repeated month
            or a NaN is an error, never filled.  At least 6 months.
        months : int
            Months to forecast, 1 to 1200; the forecast starts the month after the history.
        scenarios : int, default 1000
            Number of simulated paths.
        seed : None, int or numpy.random.Generator
            The same seed gives the same scenarios.
        model : {"auto", "ets", "sarima", "level", "seasonal_naive"}, default "auto"
            See :func:`repayplan.forecast.fit_history`: ``"auto"`` picks by AICc among four
            statsmodels exponential-smoothing models.  A history shorter than two seasons
            falls back to simple exponential smoothing, ETS(A,N,N), with a note.
        calibration : {"conformal", "bootstrap", "none"}, default "conformal"
            ``"conformal"`` widens the simulated band by the factor that makes it cover 90% of
            the months held out in rolling backtests inside the history; ``"none"`` is the
            plain simulation, ``"bootstrap"`` resamples the residuals.  The measured coverage of
            each is in ``docs/concepts/forecast.md`` (the plain simulation covers about 80%).
        log : bool or None, default None
            Fit to ``ln(cash)``: by default when every month is positive; otherwise the model is
            fitted to cash itself with a note.  ``True`` with a month <= 0 is an error.
        buffer, minimum_cash, currency
            See :class:`CashFlow`.

        Returns
        -------
        CashFlow
            ``values`` of shape ``(scenarios, months)`` from the month after the history, with
            a :class:`Provenance` of kind ``"history"``: the history, the model, the band's
            calibration and the notes.

        Notes
        -----
        On ``z_t = ln(cash_t)`` the ETS(A,Ad,A) model (Hyndman et al. 2008, table 2.3) is

        .. math::

            z_t = \\ell_{t-1} + \\phi b_{t-1} + s_{t-12} + \\varepsilon_t,\\quad
            \\ell_t = \\ell_{t-1} + \\phi b_{t-1} + \\alpha\\varepsilon_t,\\quad
            b_t = \\phi b_{t-1} + \\beta\\varepsilon_t,\\quad
            s_t = s_{t-12} + \\gamma\\varepsilon_t

        with ``eps ~ N(0, sigma^2)``, fitted by maximum likelihood in statsmodels; scenarios are
        simulated from the end of the history and, with the conformal calibration, each month's
        ``z`` deviations from its median are multiplied by the factor ``c >= 1`` (see
        :func:`repayplan.forecast.conformal_factor`).

        Examples
        --------
        >>> t = np.arange(48)
        >>> noise = np.random.default_rng(3).normal(0, 0.08, 48)
        >>> past = pd.Series(60_000 * np.exp(0.3 * np.cos(2 * np.pi * t / 12) + noise),
        ...                  index=pd.period_range("2022-07", periods=48, freq="M"))
        >>> cf = CashFlow.from_history(past, months=24, scenarios=500, seed=1)
        >>> cf.values.shape, str(cf.start), cf.provenance.kind
        ((500, 24), '2026-07', 'history')
        >>> cf == CashFlow.from_history(past, months=24, scenarios=500, seed=1)
        True
        """
        from . import forecast

        n_months = check_int("months", months, low=1, high=1200)
        n = check_int("scenarios", scenarios, low=1)
        if n * n_months > _MAX_CELLS:
            raise InputError(
                "scenarios",
                scenarios,
                f"at most {_MAX_CELLS // n_months:,} scenarios for {n_months} months",
            )
        origin = ""
        if isinstance(series, CashFlow):
            origin = series.provenance.description if series.provenance is not None else ""
            series = series.to_series()
        # checked before the fit, which takes seconds (the CashFlow checks them again)
        check_choice("calibration", calibration, forecast.CALIBRATIONS)
        check_amount("buffer", buffer, allow_zero=True)
        check_amount("minimum_cash", minimum_cash, allow_zero=True)
        check_currency_code(currency)
        rng = generator(seed)
        fit = forecast.fit_history(series, model=model, log=log)
        values, how = forecast.simulate(
            fit, n_months, scenarios=n, rng=rng, calibration=calibration
        )
        bad = ~np.isfinite(values)
        if bad.any():
            raise InputError(
                "model",
                model,
                "a model whose simulation stays finite",
                "the fitted model explodes over this horizon; try model='level' or fewer months",
            )
        desc = f"forecast from {len(fit.history)} months of history {fit.start}..{fit.end}"
        if origin:
            desc += f" ({origin})"
        prov = Provenance(
            "history",
            desc,
            model=fit.describe(),
            calibration=how,
            history_start=fit.start,
            history=tuple(fit.history.tolist()),
            notes=fit.notes,
        )
        return cls(values, fit.end + 1, buffer, minimum_cash, currency, prov)

    # ---- the analyst's overrides -------------------------------------------------------------

    def with_shocks(self, shocks, *, seed=None) -> CashFlow:
        """The cash with random events (:class:`Shock`) on top, recorded in the provenance.

        Parameters
        ----------
        shocks : Shock or sequence of Shock
            Events as for :meth:`project`; their months are offsets from ``self.start`` or
            calendar months.  ``Shock(1.0, 0.3, start="2027-03", end="2027-03")`` is a
            known event: from March 2027 cash falls by 30% in every scenario.
        seed : None, int or numpy.random.Generator
            For the timing of events with probability below 1.

        Notes
        -----
        ``values'[s, t] = values[s, t] * prod_k (1 - impact_k * hit_k[s, t])``, as in
        :meth:`project`, so a month's deficit (a negative value) shrinks too.

        Examples
        --------
        >>> cf = CashFlow([100.0, 100.0, 100.0], start="2027-01")
        >>> known = Shock(1.0, 0.3, start="2027-02", end="2027-02", label="loss of main customer")
        >>> lost = cf.with_shocks(known)
        >>> lost.values.tolist(), lost.provenance.overrides
        ([[100.0, 70.0, 70.0]], ('loss of main customer: cash -30% from 2027-02 (probability 100%)',))
        """
        shock_list = _check_shocks(shocks)
        windows = [sh._window(self.start, self.months, k) for k, sh in enumerate(shock_list)]
        rngs = generator(seed).spawn(len(shock_list)) if shock_list else []
        n, m = self.values.shape
        factor = np.ones((n, m))
        prov = self.provenance or Provenance("data", f"{self.months} months of cash")
        for sh, g, (a, b) in zip(shock_list, rngs, windows, strict=True):
            factor *= np.where(sh._active(g, n, m, a, b), 1.0 - sh.impact, 1.0)
            when = f"from {self.start + a}" + (f" to {self.start + b}" if b > a else "")
            last = f", for {sh.duration} months" if sh.duration else ""
            prov = prov.with_override(
                f"{sh.label or 'shock'}: cash -{sh.impact:.0%} {when}{last} "
                f"(probability {sh.probability:.0%})"
            )
        return dataclasses.replace(self, values=self.values * factor, provenance=prov)

    def adjust(self, start, *, months=None, factor=1.0, amount=0, label="") -> CashFlow:
        """A known change of cash in some months, on every scenario, recorded in the provenance.

        Parameters
        ----------
        start : pandas.Period, str, date or int
            The first month changed (an int is an offset from ``self.start``).
        months : int, optional
            How many months; default to the end.
        factor : float, default 1
            Cash of those months is multiplied by it (0.7: 30% less), >= 0.
        amount : amount, default 0
            Then this amount (currency units, exact, may be negative) is added each month.
        label : str
            What the change is ("new contract with Acme").

        Examples
        --------
        >>> cf = CashFlow([100.0, 100.0, 100.0], start="2027-01")
        >>> new = cf.adjust("2027-02", months=1, amount=25, label="tax refund")
        >>> new.values.tolist(), new.provenance.overrides
        ([[100.0, 125.0, 100.0]], ('tax refund: cash +25 in 2027-02..2027-02',))
        """
        if isinstance(start, numbers.Integral) and not isinstance(start, bool):
            a = check_int("start", start, low=0, high=self.months - 1)
        else:
            first = _as_month("start", start)
            a = first.ordinal - self.start.ordinal
            if not 0 <= a < self.months:
                raise InputError("start", str(first), f"a month from {self.start} to {self.end}")
        b = (
            self.months
            if months is None
            else a + check_int("months", months, low=1, high=self.months - a)
        )
        f = _check_float("factor", factor, low=0, high=1e6, allowed="a factor >= 0 (0.7: 30% less)")
        add = as_decimal("amount", amount)
        check_text("label", label, allow_nul=False)
        values = np.array(self.values)
        values[:, a:b] = values[:, a:b] * f + float(add)
        what = []
        if f != 1.0:
            what.append(f"x{f:g}")
        if add:
            what.append(f"{add:+}")
        text = (
            f"{label or 'adjustment'}: cash {' '.join(what) or 'unchanged'} in "
            f"{self.start + a}..{self.start + (b - 1)}"
        )
        prov = self.provenance or Provenance("data", f"{self.months} months of cash")
        return dataclasses.replace(self, values=values, provenance=prov.with_override(text))


def _source_name(path) -> str:
    if isinstance(path, (str, os.PathLike)):
        return os.fspath(path)
    return str(getattr(path, "name", "<csv>"))


def _check_seasonality(seasonality) -> np.ndarray:
    if seasonality is None:
        return np.ones(12)
    allowed = "12 weights for January..December, each finite and >= 0, summing to 12"
    if isinstance(seasonality, (str, bytes, Mapping)):
        raise InputError("seasonality", seasonality, allowed)
    try:
        w = np.array([as_decimal("seasonality", x) for x in seasonality], dtype=np.float64)
    except (TypeError, InputError):
        raise InputError("seasonality", seasonality, allowed) from None
    if w.shape != (12,):
        raise InputError("seasonality", list(seasonality), allowed, f"{w.size} weights given")
    if (w < 0).any():
        raise InputError("seasonality", list(seasonality), allowed, "a weight is negative")
    total = math.fsum(w)
    if abs(total - 12.0) > 1e-9:
        raise InputError(
            "seasonality",
            list(seasonality),
            allowed,
            f"they sum to {total:.6g}; divide each by {total / 12:.6g} to keep the pattern",
        )
    return w


def _check_shocks(shocks) -> list[Shock]:
    if isinstance(shocks, Shock):
        return [shocks]
    if not isinstance(shocks, Sequence) or isinstance(shocks, (str, bytes)):
        raise InputError("shocks", shocks, "a list of repayplan.Shock")
    for k, sh in enumerate(shocks):
        if not isinstance(sh, Shock):
            raise InputError(f"shocks[{k}]", sh, "a repayplan.Shock(probability, impact, ...)")
    return list(shocks)


def _lognormal_noise(
    rng: np.random.Generator, n: int, months: int, vol: float, phi: float
) -> np.ndarray:
    """Multiplicative noise with mean 1, sd ``vol``, AR(1) log-correlation ``phi`` (see project)."""
    sigma = math.sqrt(math.log1p(vol * vol))
    e = rng.standard_normal((n, months))
    if phi != 0.0:
        from scipy.signal import lfilter

        # y[0] = e[0] (stationary start), y[t] = phi*y[t-1] + sqrt(1-phi^2)*e[t]
        c = math.sqrt(1.0 - phi * phi)
        e[:, 0] /= c
        e = lfilter([c], [1.0, -phi], e, axis=1)
    return np.exp(sigma * e - 0.5 * sigma * sigma)


def backtest(
    series,
    *,
    horizon=12,
    model="auto",
    calibration="conformal",
    origins=6,
    scenarios=500,
    seed=0,
    log=None,
):
    """Rolling-origin backtest of the forecast fitted to a history, against seasonal naive.

    Parameters
    ----------
    series : pandas.Series or CashFlow
        Monthly cash of the past (as for :meth:`CashFlow.from_history`).
    horizon : int, default 12
        Months forecast from each origin and compared with what happened.
    model, calibration, log
        As for :meth:`CashFlow.from_history`.
    origins : int, default 6
        How many forecast origins, evenly spaced from the first one with enough history
        (24 months; 14 for ``"level"``/``"seasonal_naive"``) to the last one that leaves
        ``horizon`` months to compare with.
    scenarios : int, default 500
        Scenarios simulated at each origin.
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    repayplan.forecast.Backtest
        ``coverage_90`` (share of held-out months inside the 5%-95% band), ``mape`` (of the
        median), ``seasonal_naive`` (the same two figures for the seasonal-naive forecast),
        the origins and the table of every forecast.

    Notes
    -----
    At origin ``o`` the model is fitted (and its band calibrated) on months ``< o`` only, so
    no held-out month is seen.  ``MAPE = mean |y - median| / |y|`` over months with ``y != 0``.
    The seasonal-naive forecast of ``y_{T+h}`` is ``y_{T+h-12(k+1)}``, ``k = floor((h-1)/12)``,
    with the band ``+- 1.645 sigma sqrt(k+1)`` on ln cash (Hyndman & Athanasopoulos,
    *Forecasting: Principles and Practice*, 3rd ed., section 5.5).

    Examples
    --------
    >>> t = np.arange(60)
    >>> noise = np.random.default_rng(5).normal(0, 0.1, 60)
    >>> past = pd.Series(40_000 * np.exp(0.4 * np.sin(2 * np.pi * t / 12) + noise),
    ...                  index=pd.period_range("2021-01", periods=60, freq="M"))
    >>> bt = backtest(past, horizon=12, origins=3, scenarios=200)
    >>> sorted(bt.to_frame().columns), len(bt.origins), bt.horizon
    (['coverage_90', 'mape'], 3, 12)
    >>> 0 <= bt["coverage_90"] <= 1 and 0 <= bt.seasonal_naive["mape"]
    True
    """
    from . import forecast

    if isinstance(series, CashFlow):
        series = series.to_series()
    return forecast.backtest(
        series,
        horizon=horizon,
        model=model,
        calibration=calibration,
        origins=origins,
        scenarios=scenarios,
        seed=seed,
        log=log,
    )
