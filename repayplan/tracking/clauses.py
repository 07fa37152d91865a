"""Breach (acceleration) clauses of an agreement, and the payment history they judge.

A clause looks at the :class:`History` of an agreement's instalments (due dates, grace
ends, the day each was paid in full, which are missed) and says whether and when it
triggers a :class:`Breach`: :class:`ConsecutiveMisses` (the default, two consecutive
missed instalments), :class:`DaysPastDue` and :class:`CumulativeShortfall`.
:func:`read_clauses` reads the clauses of a case file or a register row.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from .. import money
from .._validate import as_decimal, check_int
from ..errors import InputError

__all__ = [
    "Breach",
    "ConsecutiveMisses",
    "DaysPastDue",
    "CumulativeShortfall",
]

_DAY = np.timedelta64(1, "D")


# ----------------------------------------------------------------------------------------
# breach clauses
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Breach:
    """The event of default found in a payment history.

    Attributes
    ----------
    clause : ConsecutiveMisses, DaysPastDue or CumulativeShortfall
        The clause that triggered first.
    date : date
        The day the breach occurred (the first day the condition held).
    period : int
        The instalment whose default completed the condition.
    reason : str
        What happened, with the figures.

    Examples
    --------
    120,000.00 at 6 % in 12 equal-principal instalments from 1 December 2026 (cn-bank); the
    borrower pays the first two (10,600.00 and 10,550.00), then nothing.  Instalments 3
    and 4 (due 1 March and 1 April, no grace days) are missed, so the default clause of two
    consecutive misses triggers the day after the second one fell due:

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> from repayplan.tracking import Agreement
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> st = Agreement(Plan(method="equal_principal", term=12), claim).status(date(2027, 4, 15), paid)
    >>> b = st.breach
    >>> b.date, b.period, b.clause
    (datetime.date(2027, 4, 2), 4, ConsecutiveMisses(count=2, final=True))
    >>> print(b)
    breached on 2027-04-02 (2 consecutive instalments missed, or the last one): instalments 3, 4
    not paid in full within their grace days
    """

    clause: ConsecutiveMisses | DaysPastDue | CumulativeShortfall
    date: _dt.date
    period: int
    reason: str

    def __str__(self) -> str:
        return f"breached on {self.date} ({self.clause.describe()}): {self.reason}"


@dataclass(frozen=True)
class ConsecutiveMisses:
    """Breach when ``count`` consecutive instalments are missed.

    An instalment is missed when it is not paid in full (interest and principal) by the end
    of its grace days, even if it is paid later.  The breach occurs the day after the grace
    days of the last of the run expire.

    Parameters
    ----------
    count : int
        Length of the run of misses (default 2).
    final : bool
        A missed last instalment is a breach too (default ``True``): no later instalment
        can complete the run, and the agreement has then run its course unpaid.  This is
        what makes a missed lump-sum settlement a breach.

    Examples
    --------
    >>> ConsecutiveMisses(2).describe()
    '2 consecutive instalments missed, or the last one'
    >>> ConsecutiveMisses(3, final=False).describe()
    '3 consecutive instalments missed'
    """

    count: int = 2
    final: bool = True

    def __post_init__(self):
        object.__setattr__(
            self, "count", check_int("ConsecutiveMisses.count", self.count, low=1, high=1200)
        )
        if not isinstance(self.final, (bool, np.bool_)):
            raise InputError("ConsecutiveMisses.final", self.final, "True or False")

    def describe(self) -> str:
        """The clause in words (for statements and breach reasons); see the class example."""
        text = f"{self.count} consecutive instalment{'s' if self.count > 1 else ''} missed"
        return text + (", or the last one" if self.final and self.count > 1 else "")

    def trigger(self, h: History) -> Breach | None:
        """The breach this clause finds in a payment history, or None.

        Called by :meth:`Agreement.status` with the history it replays; the example of
        :class:`Breach` shows the result.
        """
        missed = h.missed
        if not missed.any():
            return None
        # length of the run of misses ending at each instalment, without a Python loop
        idx = np.arange(len(missed))
        last_ok = np.maximum.accumulate(np.where(missed, -1, idx))
        run = idx - last_ok
        hit = run >= self.count
        if self.final:
            hit[-1] |= bool(missed[-1])
        hits = np.flatnonzero(hit)
        if not hits.size:
            return None
        j = int(hits[0])
        first = j - min(self.count, int(run[j])) + 1
        periods = ", ".join(str(p) for p in h.period[first : j + 1])
        what = (
            f"instalments {periods} not paid in full within their grace days"
            if j > first
            else f"instalment {periods} not paid in full within its grace days"
        )
        if run[j] < self.count:
            what += " (the last instalment)"
        return Breach(self, h.grace_end[j] + _dt.timedelta(days=1), int(h.period[j]), what)


@dataclass(frozen=True)
class DaysPastDue:
    """Breach when any instalment is unpaid more than ``days`` days after its due date.

    Examples
    --------
    >>> DaysPastDue(60).describe()
    'an instalment more than 60 days past due'

    The history of :class:`Breach`'s example under a 30-day clause: instalment 3, due on
    1 March, is still unpaid 30 days later, so the breach is on 1 April (day 31).

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> from repayplan.tracking import Agreement
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim, breach=DaysPastDue(30))
    >>> print(ag.status(date(2027, 4, 15), paid).breach.reason)
    instalment 3 due on 2027-03-01 still unpaid on 2027-04-01
    """

    days: int = 60

    def __post_init__(self):
        object.__setattr__(self, "days", check_int("DaysPastDue.days", self.days, low=0, high=3650))

    def describe(self) -> str:
        """The clause in words (for statements and breach reasons); see the class example."""
        return f"an instalment more than {self.days} days past due"

    def trigger(self, h: History) -> Breach | None:
        """The breach this clause finds in a payment history (from :meth:`Agreement.status`), or None."""
        limit = h.due_day + np.timedelta64(self.days, "D")
        hit = (limit < h.as_of) & (np.isnat(h.paid_on) | (h.paid_on > limit))
        if not hit.any():
            return None
        when = np.where(hit, limit, np.datetime64("NaT", "D"))
        j = int(np.argmin(_nat_as_max(when)))
        day = (limit[j] + _DAY).astype(_dt.date)
        return Breach(
            self,
            day,
            int(h.period[j]),
            f"instalment {h.period[j]} due on {h.due_date[j]} still unpaid on {day}",
        )


@dataclass(frozen=True)
class CumulativeShortfall:
    """Breach when the cumulative shortfall exceeds ``share`` of the amount due.

    Judged when the grace days of each instalment expire: the unpaid part of every
    instalment whose grace days have expired, against the sum of those instalments.

    Notes
    -----
    At the end of the grace days :math:`g_k` of instalment :math:`k`, with :math:`D_j` the
    instalments and :math:`P_j(g_k)` what has been paid toward them,

    .. math:: \\sum_{g_j \\le g_k} \\big(D_j - P_j(g_k)\\big) > s \\sum_{g_j \\le g_k} D_j .

    Examples
    --------
    >>> CumulativeShortfall(0.25).describe()
    'cumulative shortfall above 25% of the amount due'

    The history of :class:`Breach`'s example: when instalment 3 (10,500.00) passes unpaid,
    ``10,500 / (10,600 + 10,550 + 10,500) = 33 %`` of what has fallen due is unpaid, above
    25 %; at 40 % the clause waits for instalment 4: ``20,950 / 42,100 = 50 %``.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> from repayplan.tracking import Agreement
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> plan = Plan(method="equal_principal", term=12)
    >>> for share in (0.25, 0.4):
    ...     st = Agreement(plan, claim, breach=CumulativeShortfall(share)).status(date(2027, 4, 15), paid)
    ...     print(st.breach.date, st.breach.reason)
    2027-03-02 10500.00 unpaid of 31650.00 due after instalment 3
    2027-04-02 20950.00 unpaid of 42100.00 due after instalment 4
    """

    share: Decimal = Decimal("0.25")

    def __post_init__(self):
        d = as_decimal("CumulativeShortfall.share", self.share)
        if not Decimal(0) <= d < Decimal(1):
            raise InputError(
                "CumulativeShortfall.share", self.share, "a fraction from 0 to below 1"
            )
        object.__setattr__(self, "share", d)

    def describe(self) -> str:
        """The clause in words (for statements and breach reasons); see the class example."""
        return f"cumulative shortfall above {format((self.share * 100).normalize(), 'f')}% of the amount due"

    def trigger(self, h: History) -> Breach | None:
        """The breach this clause finds in a payment history (from :meth:`Agreement.status`), or None."""
        judged = h.judged
        if not judged.any():
            return None
        s = Fraction(self.share)
        # the batched histories that lack these never carry this clause (_batchable)
        assert h.short_unpaid is not None and h.short_due is not None
        # shortfall × denominator > numerator × due, exactly in integers
        hit = judged & (h.short_unpaid * s.denominator > h.short_due * s.numerator)
        if not hit.any():
            return None
        j = int(np.flatnonzero(hit)[0])
        u = h.units
        return Breach(
            self,
            h.grace_end[j] + _dt.timedelta(days=1),
            int(h.period[j]),
            f"{money.from_minor(int(h.short_unpaid[j]), u)} unpaid of "
            f"{money.from_minor(int(h.short_due[j]), u)} due after instalment {h.period[j]}",
        )


_CLAUSES = (ConsecutiveMisses, DaysPastDue, CumulativeShortfall)
_CLAUSE_KEYS = {
    "consecutive_misses": ConsecutiveMisses,
    "days_past_due": DaysPastDue,
    "shortfall": CumulativeShortfall,
}


def _nat_as_max(days: np.ndarray) -> np.ndarray:
    """Day numbers with NaT as the largest value, for an argmin over dates."""
    d = days.astype("datetime64[D]")
    return np.where(np.isnat(d), np.iinfo(np.int64).max, d.astype(np.int64))


def read_clauses(breach) -> tuple:
    allowed = (
        "a clause (ConsecutiveMisses, DaysPastDue, CumulativeShortfall), a sequence of "
        "them, or a mapping such as {'consecutive_misses': 2, 'days_past_due': 60}"
    )
    if breach is None:
        return ()
    if isinstance(breach, _CLAUSES):
        return (breach,)
    if isinstance(breach, Mapping):
        out = []
        for key, value in breach.items():
            if key not in _CLAUSE_KEYS:
                raise InputError(
                    f"breach[{key!r}]",
                    value,
                    "one of the keys " + ", ".join(map(repr, _CLAUSE_KEYS)),
                )
            out.append(_CLAUSE_KEYS[key](value))
        return tuple(out)
    if isinstance(breach, str):
        raise InputError("breach", breach, allowed)
    try:
        items = tuple(breach)
    except TypeError:
        raise InputError("breach", breach, allowed) from None
    for i, c in enumerate(items):
        if not isinstance(c, _CLAUSES):
            raise InputError(f"breach[{i}]", c, allowed)
    return items


# ----------------------------------------------------------------------------------------
# the payment history, replayed
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class History:
    """What the clauses judge: one entry per instalment (rows with something to pay)."""

    period: np.ndarray
    due_day: np.ndarray  # datetime64[D]
    grace_day: np.ndarray  # datetime64[D]
    paid_on: np.ndarray  # datetime64[D], NaT while not paid in full
    missed: np.ndarray  # bool: grace over by as_of and not paid in full by then
    judged: np.ndarray  # bool: grace over by as_of
    short_unpaid: np.ndarray | None  # int: cumulative unpaid at the end of the grace days
    short_due: np.ndarray | None  # int: cumulative due at the end of the grace days
    as_of: np.datetime64
    units: int

    @property
    def due_date(self) -> list:
        return self.due_day.astype(_dt.date).tolist()

    @property
    def grace_end(self) -> list:
        return self.grace_day.astype(_dt.date).tolist()
