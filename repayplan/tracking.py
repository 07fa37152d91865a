"""Following up an agreed plan: payments, arrears, penalty, breach and renegotiation.

An :class:`Agreement` is a :class:`~repayplan.plans.Plan` signed on a
:class:`~repayplan.claim.Claim`, with its clauses: grace days, the penalty rate on
missed instalments and the breach (acceleration) clauses.  ``agreement.status(as_of,
payments)`` replays the payments received against the agreed schedule and returns a
:class:`Status`: one row per instalment (due, paid, what each payment went to, days past
due, state), the totals, and the agreement's state (performing, in arrears, breached with
the clause that triggered it).  ``agreement.claim(as_of, payments)`` states what is owed
then as a new :class:`~repayplan.claim.Claim`, ready for a renegotiation.

Conventions (all exact, in integer minor units)
-----------------------------------------------
* **Due dates.**  The schedule of ``plan.schedule(claim)`` is counted from the signing
  date: period 0 (what is paid at signing) is due on ``signed``, period *k* on
  ``add_months(signed, k)``.  A period with nothing to pay (a deferral month) is not an
  instalment; its interest is capitalised into the balance.
* **Grace days.**  An instalment is *late* when it is not paid in full (interest and
  principal) by the end of ``due + grace_days``; a payment on that day is in time.  Grace
  days decide lateness only: penalty interest runs from the due date, and is waived when
  the instalment is paid in full within the grace days, as the People's Bank treats
  payments within a card issuer's grace period as made on time (《中国人民银行关于信用卡业务
  有关事项的通知》 银发〔2016〕111号 三(三): 还款宽限期内还款视同按时还款).  If the grace
  days pass without full payment, penalty is charged from the due date.
* **Penalty.**  From the day after the due date, the unpaid principal part of an
  instalment bears penalty interest at the agreement's penalty rate, and where the rule set
  says so (``compound_interest``) its unpaid interest part bears compound interest at the
  same rate (银发〔2003〕251号 三).  Accrual is daily on the rule set's day count (ACT/360,
  银发〔2005〕129号), ``amount × rate × days / 360``, by the one ledger
  (:func:`repayplan.ledger.replay`, shared with :meth:`repayplan.Loan.claim`): carried
  exactly and rounded half-up once where it is stated, unless the agreement's
  ``accrual_rounding`` says per stretch or per day.  The default penalty rate is the plan's
  rate with the claim's penalty markup (cn-bank: +30 % to +50 %); for an interest-free plan
  the original contract's penalty rate.
* **Allocation.**  A payment first pays what is due on its date (instalments, penalty
  and compound interest) in the rule set's order by :func:`repayplan.rules.allocate_minor`
  (Civil Code Art. 561 by default: interest with penalty and compound interest before
  principal, the oldest first).  What is left (``overpayment``) goes to the next
  instalments, each in full in turn (``"next"``, the default), or pays the interest accrued
  to date and reduces the principal of the remaining instalments pro rata, keeping the
  term (``"principal"``).  Beyond the whole debt it is held as ``credit``.  Every payment is
  accounted for once: ``paid == allocated + credit``.
* **Breach.**  An instalment is *missed* when it is not paid in full within its grace
  days.  The clauses (:class:`ConsecutiveMisses`, :class:`DaysPastDue`,
  :class:`CumulativeShortfall`) are judged from the payment history; the first to trigger
  gives the breach date.  The default clause is two consecutive missed instalments (or a
  missed last instalment, which no later one can follow).  A breach does not accelerate the
  schedule by itself (that is the creditor's decision); :meth:`Agreement.claim` states the
  whole balance anyway, with conditional waivers revoked.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import ledger as _ledger
from . import money
from ._io import check_path, write_atomic
from ._validate import (
    as_decimal,
    check_bool,
    check_choice,
    check_date,
    check_int,
    check_rate,
    check_sequence,
    check_text,
)
from .calendar import add_months
from .errors import InputError
from .money import percent as _pct

if TYPE_CHECKING:
    from .claim import Claim
    from .plans import Plan, PlanTerms
    from .schedule import Schedule

__all__ = [
    "Agreement",
    "Status",
    "Breach",
    "Observation",
    "Statement",
    "ConsecutiveMisses",
    "DaysPastDue",
    "CumulativeShortfall",
    "STATES",
    "INSTALMENT_STATES",
    "OVERPAYMENT",
    "figures_many",
    "status_many",
]

#: States of an agreement, best first.
STATES: tuple[str, ...] = ("performing", "in_arrears", "breached")

#: States of one instalment in :attr:`Status.table`.
INSTALMENT_STATES: tuple[str, ...] = ("paid", "late", "partial", "missed", "due", "not yet due")

#: Where money beyond what is due goes.
OVERPAYMENT: tuple[str, ...] = ("next", "principal")

_GRACE_CITATION = "《中国人民银行关于信用卡业务有关事项的通知》(银发〔2016〕111号) 三(三)"
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

    def trigger(self, h: _History) -> Breach | None:
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

    def trigger(self, h: _History) -> Breach | None:
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

    def trigger(self, h: _History) -> Breach | None:
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
# the restructured-asset observation period (cn-bank)
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Observation:
    """The observation period of a restructured asset, as of a date.

    《商业银行金融资产风险分类办法》(2023) 第二十条: the period starts on the first repayment
    date under the new terms and lasts at least two consecutive repayment periods and at
    least one year; if the debtor does not repay in full and on time, it starts again from
    the point of non-performance.

    Attributes
    ----------
    first_repayment : date
        Due date of the first instalment after signing.
    start, end : date
        The current observation period, ``[start, end)``; ``start`` moves to the day an
        instalment became late each time one is not paid in full within its grace days.
    completed : bool
        ``as_of >= end`` and every instalment due in ``[start, end)`` was paid in full
        within its grace days.
    restarts : tuple of date
        The days the period started again.
    citation : str

    Examples
    --------
    The history of :class:`Breach`'s example under cn-bank (two repayment periods and at
    least a year): the period starts on the first due date, 1 January 2027, and starts
    again when instalment 3 becomes late (2 March) and when instalment 4 does (2 April),
    so it now runs a year from 2 April 2027.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
    >>> ag.status(date(2027, 2, 15), paid).observation.start
    datetime.date(2027, 1, 1)
    >>> obs = ag.status(date(2027, 4, 15), paid).observation
    >>> print(obs)
    observation 2027-04-02 to 2028-04-02: running, restarted 2 time(s)
    >>> obs.restarts
    (datetime.date(2027, 3, 2), datetime.date(2027, 4, 2))
    """

    first_repayment: _dt.date
    start: _dt.date
    end: _dt.date
    completed: bool
    restarts: tuple
    citation: str

    def __str__(self) -> str:
        state = "completed" if self.completed else "running"
        again = f", restarted {len(self.restarts)} time(s)" if self.restarts else ""
        return f"observation {self.start} to {self.end}: {state}{again}"


def _observation(h: _History, rs, as_of: _dt.date) -> Observation | None:
    if rs.observation is None:
        return None
    periods, months = rs.observation
    span = max(periods, months)  # plans are monthly: a repayment period is a month
    regular = h.period >= 1
    if not regular.any():
        return None
    due = h.due_day[regular]
    late_from = h.grace_day[regular] + _DAY
    failed = (h.grace_day[regular] < np.datetime64(as_of, "D")) & (
        np.isnat(h.paid_on[regular]) | (h.paid_on[regular] > h.grace_day[regular])
    )
    first = due[0].astype(_dt.date)
    start, restarts = first, []
    while True:
        end = add_months(start, span, eom=False)
        window = (due >= np.datetime64(start, "D")) & (due < np.datetime64(end, "D"))
        bad = np.flatnonzero(window & failed)
        if not bad.size:
            break
        start = late_from[bad[0]].astype(_dt.date)
        restarts.append(start)
    settled = window & ~failed & ~np.isnat(h.paid_on[regular])
    settled &= h.paid_on[regular] <= h.grace_day[regular]
    completed = as_of >= end and bool((settled == window).all())
    return Observation(
        first, start, end, completed, tuple(restarts), rs.rule("restructuring-observation").citation
    )


# ----------------------------------------------------------------------------------------
# the payment history, replayed
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _History:
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


def _ledger_of(ag: Agreement, as_of: _dt.date, payments) -> _ledger.Ledger:
    """The agreed schedule replayed against the payments by :func:`repayplan.ledger.replay`."""
    r, rs = ag._rows, ag.rules
    terms = _ledger.Terms(
        ag.penalty_rate,
        ag.terms.rate,
        rs.compound_interest,
        rs.compound_rate,
        rs.accrual_day_count,
        rs.allocation_order,
        rs.allocation_by,
        ag.overpayment,
        ag.grace_days,
        ag.accrual_rounding,
        ag.minor_units,
    )
    return _ledger.replay(
        start=ag.signed,
        due=r["due"],
        interest=r["interest"],
        principal=r["principal"],
        interest_full=r["interest_full"],
        payable=r["payable"],
        begin=r["begin"],
        terms=terms,
        as_of=as_of,
        payments=payments,
    )


def _history(led: _ledger.Ledger, rows: dict, as_of: _dt.date) -> _History:
    end = np.datetime64(as_of, "D")
    p = led.payable
    judged = led.grace[p] < end
    missed = judged & (np.isnat(led.paid_on[p]) | (led.paid_on[p] > led.grace[p]))
    return _History(
        period=rows["period"][p],
        due_day=led.due[p],
        grace_day=led.grace[p],
        paid_on=led.paid_on[p],
        missed=missed,
        judged=judged,
        short_unpaid=led.short_unpaid[p],
        short_due=led.short_due[p],
        as_of=end,
        units=led.terms.units,
    )


# ----------------------------------------------------------------------------------------
# payments
# ----------------------------------------------------------------------------------------
def _read_payments(
    items, signed: _dt.date, as_of: _dt.date, units: int, name: str = "payments"
) -> tuple:
    """Payments as ((date, minor units), ...) by the one rule of :func:`repayplan.ledger.read_payments`.

    An agreement also refuses a payment listed twice (same date and amount, both > 0): a
    statement imported twice would otherwise be counted twice.
    """
    out = _ledger.read_payments(
        items,
        signed,
        as_of,
        units,
        name=name,
        since="the signing date",
        hint="a payment made before the agreement belongs to the claim it restructures",
    )
    seen: dict = {}
    for i, key in enumerate(out):
        if key in seen and key[1] > 0:
            raise InputError(
                f"{name}[{i}]",
                (key[0].isoformat(), str(money.from_minor(key[1], units))),
                f"a payment not already listed ({name}[{seen[key]}] has the same date and amount)",
                "if both were received, give them as one payment of the sum",
            )
        seen.setdefault(key, i)
    return out


# ----------------------------------------------------------------------------------------
# Agreement
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, init=False)
class Agreement:
    """An agreed repayment plan with its clauses, to be followed up.

    Parameters
    ----------
    plan : Plan
        The plan agreed.
    claim : Claim
        The claim it restructures (kept as :attr:`original_claim`; ``ag.claim(as_of,
        payments)`` is the claim at a later date).
    signed : date, optional
        Signing date, on or after the claim date; default the claim date.  Period 0 of the
        schedule (what is paid at signing) falls due on it, period *k* *k* months later.
    grace_days : int
        Days after a due date within which a payment still counts as on time (0..365);
        default 0.
    penalty_rate : number, optional
        Annual penalty rate on missed instalments.  Default: the plan's rate with the
        claim's penalty markup (cn-bank: +30 % to +50 % of the contract rate); for an
        interest-free plan (rate 0, 停息挂账-style instalments) the original contract's
        penalty rate under the rule set, so a missed instalment is never silently free.
        Checked against the rule set's range; give ``0`` to agree no penalty at all.
    breach : clause, sequence of clauses or mapping
        The breach (acceleration) clauses; default two consecutive missed instalments.
        ``{"consecutive_misses": 2, "days_past_due": 60, "shortfall": 0.25}`` builds
        :class:`ConsecutiveMisses`, :class:`DaysPastDue`, :class:`CumulativeShortfall`.
    overpayment : {"next", "principal"}
        Money beyond what is due pays the next instalments (default) or, after the interest
        accrued to date, reduces the principal of the remaining instalments pro rata.
    name : str
        A label for statements.
    accrual_rounding : {"exact", "per_stretch", "per_day"}
        The accrual-rounding policy of penalty and compound interest
        (:data:`repayplan.ledger.ACCRUAL_ROUNDING`; default carried exactly, rounded once
        where stated).

    Attributes
    ----------
    original_claim : Claim
        The claim the plan restructures, as given.
    claim_at_signing : Claim
        That claim on the signing date (``claim.accrue(signed)`` when signed later): the
        plan applies to it.
    schedule : Schedule
        The agreed schedule (``plan.schedule(claim_at_signing)``; period 0 on ``signed``,
        see :meth:`instalments`) — the one to attach to the agreement.
    terms : PlanTerms
        The plan's waivers and amounts (minor units).
    rules : RuleSet
        The claim's rule set: allocation order, compound interest, day count, observation.

    Examples
    --------
    A claim of 120,000 yuan at 6 %, restructured into 12 equal-principal instalments from
    1 December 2026 (10,000 principal and 120,000 × 6 % / 12 = 600 interest first).  The
    borrower pays the first two and then nothing; under cn-bank the penalty rate is 6 % +
    50 % = 9 %.  On 15 April 2027 instalments 3 and 4 are missed: breach on 2 April.
    Penalty to 15 April: 10,000 × 9 % × 45 / 360 = 112.50 and 10,000 × 9 % × 14 / 360 = 35.00,
    compound on their interest 500 × 9 % × 45 / 360 = 5.63 and 450 × 9 % × 14 / 360 = 1.58.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim, signed=date(2026, 12, 1))
    >>> st = ag.status(date(2027, 4, 15), payments=[(date(2027, 1, 1), 10_600),
    ...                                             (date(2027, 2, 1), 10_550)])
    >>> st.state, st.breach.date, st.arrears, st.penalty
    ('breached', datetime.date(2027, 4, 2), Decimal('20950.00'), Decimal('154.71'))
    >>> st.table["state"].tolist()[:5]
    ['paid', 'paid', 'missed', 'missed', 'not yet due']
    >>> ag.claim(date(2027, 4, 15), payments=[(date(2027, 1, 1), 10_600),
    ...                                       (date(2027, 2, 1), 10_550)]).overdue_principal
    Decimal('20000.00')
    """

    plan: Plan
    original_claim: Claim
    claim_at_signing: Claim
    signed: _dt.date
    grace_days: int
    penalty_rate: Decimal
    breach: tuple
    overpayment: str
    name: str
    accrual_rounding: str = "exact"
    schedule: Schedule = field(
        init=False, repr=False, compare=False
    )  # (the class has its own __init__)
    terms: PlanTerms = field(init=False, repr=False, compare=False)
    _rows: dict = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        plan,
        claim,
        signed=None,
        *,
        grace_days=0,
        penalty_rate=None,
        breach=(ConsecutiveMisses(2),),
        overpayment="next",
        name="",
        accrual_rounding="exact",
    ):
        from .claim import Claim
        from .plans import Plan

        def put(key, value):
            object.__setattr__(self, key, value)

        if not isinstance(plan, Plan):
            raise InputError("plan", plan, "a repayplan.Plan")
        if not isinstance(claim, Claim):
            raise InputError("claim", claim, "a repayplan.Claim")
        put("plan", plan)
        put("original_claim", claim)
        day = claim.as_of if signed is None else check_date("signed", signed)
        if day < claim.as_of:
            raise InputError("signed", day, f"a date on or after the claim date {claim.as_of}")
        put("signed", day)
        put("grace_days", check_int("grace_days", grace_days, low=0, high=365))
        put("breach", read_clauses(breach))
        put("overpayment", check_choice("overpayment", overpayment, OVERPAYMENT))
        check_text("name", name)
        put("name", name)
        put(
            "accrual_rounding",
            check_choice("accrual_rounding", accrual_rounding, _ledger.ACCRUAL_ROUNDING),
        )
        # signed after the claim date: what is owed has grown in between, and the plan
        # applies to the claim as it stands on the signing date (so the annex, drawn from
        # ``schedule``, and the tracking agree on amounts and due dates)
        at_signing = claim if day == claim.as_of else claim.accrue(day)
        put("claim_at_signing", at_signing)
        terms = plan.terms(at_signing)
        put("terms", terms)
        put("penalty_rate", self._resolve_penalty(terms.rate, penalty_rate))
        schedule = plan.schedule(at_signing)
        put("schedule", schedule)
        put("_rows", self._build_rows(schedule))
        if overpayment == "principal" and (self._rows["capitalised"] > 0).any():
            raise InputError(
                "overpayment",
                overpayment,
                "'next' for a plan that capitalises interest (deferral grace)",
            )

    def _resolve_penalty(self, rate: Decimal, given) -> Decimal:
        rs = self.rules
        if given is None:
            markup = self.original_claim.penalty_markup
            if markup is None or rate == 0:
                # a claim at 0 % states its penalty rate absolutely; an interest-free plan
                # (停息挂账) keeps the original contract's penalty rate, never a silent 0
                return self.original_claim.penalty_rate
            return rate * (1 + markup)
        p = check_rate("penalty_rate", given)
        if rate > 0 and not rs.markup_allowed(p / rate - 1):
            low, high = rs.penalty_markup_range
            raise InputError(
                "penalty_rate",
                given,
                f"a rate from {rate * (1 + low)} to {rate * (1 + high)}, i.e. " + rs.markup_text(),
            )
        return p

    def _build_rows(self, schedule) -> dict:
        from .calendar import payment_dates

        m = schedule.minor
        period = m["period"].to_numpy().astype(np.int64)
        base = np.datetime64(self.signed, "D")
        horizon = int(period.max())
        dates = payment_dates(self.signed, horizon, 12) if horizon else np.array([base])
        due = np.where(period == 0, base, dates[np.maximum(period - 1, 0)]).astype("datetime64[D]")
        pay = m["payment"].to_numpy().astype(np.int64)
        interest = m["interest"].to_numpy().astype(np.int64)
        principal = m["principal"].to_numpy().astype(np.int64)
        p_pay = np.maximum(principal, 0)
        i_pay = pay - p_pay
        return {
            "period": period,
            "due": due,
            "begin": np.concatenate([[base], due[:-1]]).astype("datetime64[D]"),
            "payment": pay,
            "interest": i_pay,
            "interest_full": interest,
            "principal": p_pay,
            "capitalised": interest - i_pay,
            "payable": pay > 0,
        }

    # -- the agreement ---------------------------------------------------------------------
    @property
    def rules(self):
        """The claim's rule set (allocation order, compound interest, day count, observation).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> ag.rules, ag.rules.compound_interest
        (RuleSet('cn-bank'), True)
        """
        return self.original_claim.rules

    @property
    def currency(self) -> str:
        """The claim's currency (an ISO code)."""
        return self.original_claim.currency

    @property
    def minor_units(self) -> int:
        """Minor units of the claim's currency (CNY 2)."""
        return self.original_claim.minor_units

    @property
    def maturity(self) -> _dt.date:
        """Due date of the last instalment.

        Twelve monthly instalments from 1 December 2026:

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> ag.maturity
        datetime.date(2027, 12, 1)
        """
        return self._rows["due"][-1].astype(_dt.date)

    def instalments(self) -> pd.DataFrame:
        """The instalments agreed: ``period``, ``due_date``, ``due``, ``interest``, ``principal``.

        Equal principal of ``120,000 / 12 = 10,000.00`` a month and interest at 0.5 % on
        the falling balance: 600.00, 550.00, 500.00, …

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> ag.instalments().head(3)
           period   due_date       due interest principal
        0       1 2027-01-01  10600.00   600.00  10000.00
        1       2 2027-02-01  10550.00   550.00  10000.00
        2       3 2027-03-01  10500.00   500.00  10000.00
        """
        r, u = self._rows, self.minor_units
        p = r["payable"]
        return pd.DataFrame(
            {
                "period": r["period"][p],
                "due_date": r["due"][p].astype("datetime64[s]"),
                "due": money.decimals_array(r["payment"][p], u),
                "interest": money.decimals_array(r["interest"][p], u),
                "principal": money.decimals_array(r["principal"][p], u),
            }
        )

    def replace(self, **changes) -> Agreement:
        """A copy with some terms changed (``ag.replace(grace_days=5)``).

        A penalty rate given explicitly is kept; a default one follows the new terms.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> ag.replace(grace_days=5, name="workout 2026-17").grace_days
        5
        >>> ag.grace_days
        0
        """
        args = {
            "plan": self.plan,
            "claim": self.original_claim,
            "signed": self.signed,
            "grace_days": self.grace_days,
            "penalty_rate": None,
            "breach": self.breach,
            "overpayment": self.overpayment,
            "name": self.name,
            "accrual_rounding": self.accrual_rounding,
        }
        unknown = set(changes) - set(args)
        if unknown:
            key = sorted(unknown)[0]
            raise InputError(key, changes[key], "one of " + ", ".join(args))
        if self.penalty_rate != self._resolve_penalty(self.terms.rate, None):
            args["penalty_rate"] = self.penalty_rate
        args.update(changes)
        return Agreement(**args)

    def describe(self) -> str:
        """The agreement in a sentence.

        Under cn-bank the default penalty rate is the plan's 6 % plus 50 %, 9 %:

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> print(ag.describe())
        signed 2026-12-01: equal principal instalments over 12 months; 0 grace days; penalty
        9.00% a year; breach on 2 consecutive instalments missed, or the last one; overpayments
        pay the next instalments
        """
        clauses = "; ".join(c.describe() for c in self.breach) or "no breach clause"
        return (
            f"signed {self.signed}: {self.plan.describe()}; {self.grace_days} grace days; penalty "
            f"{_pct(self.penalty_rate)} a year; breach on {clauses}; overpayments "
            + ("pay the next instalments" if self.overpayment == "next" else "reduce principal")
        )

    def __repr__(self) -> str:
        label = f"{self.name!r}: " if self.name else ""
        return f"Agreement({label}{self.describe()})"

    def _repr_html_(self) -> str:
        return (
            f"<div><b>Agreement</b> {html.escape(self.name)}: {html.escape(self.describe())}"
            f"{self.instalments().to_html(index=False)}</div>"
        )

    # -- following up ----------------------------------------------------------------------
    def _replay(self, as_of, payments) -> tuple[_dt.date, tuple, _ledger.Ledger]:
        day = check_date("as_of", as_of)
        if day < self.signed:
            raise InputError("as_of", day, f"a date on or after the signing date {self.signed}")
        pays = _read_payments(payments, self.signed, day, self.minor_units)
        return day, pays, _ledger_of(self, day, pays)

    def ledger(self, as_of, payments=()):
        """The agreement replayed to ``as_of``: the :class:`repayplan.ledger.Ledger` behind
        :meth:`status`, :meth:`claim` and :meth:`statement`.

        For callers that keep their own records (a case register) and want the figures
        without the tables: :func:`repayplan.ledger.figures` states them in minor units.

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan import ledger
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> f = ledger.figures(ag.ledger(date(2027, 4, 15), paid), date(2027, 4, 15))
        >>> f["penalty"], f["overdue_principal"]     # as Status.penalty: 154.71
        (15471, 2000000)
        """
        return self._replay(as_of, payments)[2]

    def status(self, as_of, payments=()) -> Status:
        """Where the agreement stands on ``as_of``, given the payments received.

        Parameters
        ----------
        as_of : date
            On or after ``signed``.
        payments : sequence of (date, amount), Mapping, Series or DataFrame(date, amount)
            Payments received, each dated from ``signed`` to ``as_of``, amount >= 0 (a
            payment of zero pays nothing, as for a loan), no two with the same date and
            amount > 0.  Same-day payments are applied in the order given.

        Returns
        -------
        Status

        Raises
        ------
        InputError
            ``as_of`` before signing; a payment before signing or after ``as_of``; a
            negative payment, one with more decimals than the currency, or one listed twice.

        Notes
        -----
        Penalty on the unpaid principal :math:`P` of an instalment over a stretch of
        :math:`n` days between payments is :math:`\\mathrm{round}(P\\, r_p\\, n / 360)`;
        compound interest on its unpaid interest :math:`I` is
        :math:`\\mathrm{round}(I\\, r_p\\, n / 360)` where the rule set charges it.  Both
        are waived when the instalment is paid in full within its grace days.

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=1_200, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> ag = Agreement(Plan(method="equal_principal", term=2), claim)
        >>> st = ag.status(date(2027, 1, 5), [(date(2027, 1, 1), 606)])   # 600 + 1,200 × 0.5 %
        >>> st.state, st.paid, st.arrears, st.balance
        ('performing', Decimal('606.00'), Decimal('0.00'), Decimal('600.00'))
        """
        day, pays, rp = self._replay(as_of, payments)
        return _status(self, day, pays, rp)

    def claim(self, as_of, payments=()):
        """What is owed on ``as_of``: a new :class:`~repayplan.claim.Claim`, ready for a renegotiation.

        Parameters
        ----------
        as_of : date
        payments : as for :meth:`status`

        Returns
        -------
        Claim
            ``principal``: the balance still to be repaid under the plan (overdue
            instalments' principal as ``overdue_principal``); ``interest``: unpaid interest
            of instalments due (``overdue_interest``) plus interest accrued in the current
            period; ``penalty``/``compound``: penalty and compound interest charged and
            unpaid; ``annual_rate`` the plan's rate, ``penalty_rate`` the agreement's;
            ``contract_date`` the signing date, ``maturity`` the last due date; ``credit``
            what was received beyond the whole debt.  When the agreement is breached and the
            plan's waivers are conditional (``plan.waivers_conditional``), the waived penalty
            and interest come back as overdue penalty and interest, and a waived principal
            (haircut, settlement discount) as overdue principal.

        Notes
        -----
        Interest accrued in the current period is :math:`I_k \\times` elapsed days / days
        of the period, rounded half-up.  Interest paid ahead on instalments not yet due,
        beyond what had accrued by ``as_of``, was not earned: it is credited against the
        principal.  Penalty still within grace days is contingent and not claimed.

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> c = ag.claim(date(2027, 1, 16), [(date(2027, 1, 1), 10_600)])
        >>> c.principal, c.interest              # 110,000 × 6 % / 12 × 15 / 31 days
        (Decimal('110000.00'), Decimal('266.13'))
        """
        day, _, rp = self._replay(as_of, payments)
        return _new_claim(self, day, rp, _first_breach(self, _history(rp, self._rows, day)))

    def statement(self, as_of, payments=()) -> Statement:
        """The statement of account on ``as_of`` (instalments, payments and totals).

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=1_200, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> ag = Agreement(Plan(method="equal_principal", term=2), claim)
        >>> s = ag.statement(date(2027, 1, 5), [(date(2027, 1, 1), 606)])
        >>> s.totals["paid"], s.totals["balance"], s.totals["state"]
        (Decimal('606.00'), Decimal('600.00'), 'performing')
        """
        day, pays, rp = self._replay(as_of, payments)
        return Statement.from_status(self, _status(self, day, pays, rp))


# ----------------------------------------------------------------------------------------
# Status
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Status:
    """Where an agreement stands on a date.

    Attributes
    ----------
    as_of : date
    state : {"performing", "in_arrears", "breached"}
        ``"breached"`` when a breach clause triggered on or before ``as_of``;
        ``"in_arrears"`` when an instalment is unpaid past its grace days or penalty is owed;
        else ``"performing"``.
    breach : Breach or None
        The clause that triggered, when, and why.
    table : DataFrame
        One row per instalment: ``period``, ``due_date``, ``grace_end``, ``due``,
        ``interest_due``, ``principal_due``, ``paid`` (toward the instalment),
        ``interest_paid``, ``principal_paid``, ``paid_ahead`` (part of ``paid`` received
        before the due date), ``penalty_paid``, ``compound_paid``, ``penalty_accrued``,
        ``compound_accrued``, ``penalty_in_grace`` (waiting; waived if paid within grace),
        ``outstanding`` (``due - paid``), ``penalty_outstanding`` (penalty and compound),
        ``paid_on`` (date paid in full), ``days_past_due``, ``state`` (one of
        :data:`INSTALMENT_STATES`).  The allocation columns are disjoint.
    allocations : DataFrame
        One row per payment: what it paid (``penalty``, ``compound``, ``interest``,
        ``principal``, ``interest_ahead``, ``principal_ahead``) and the credit left.
    paid : Decimal
        All payments received to ``as_of``.
    allocated : Decimal
        What the payments were applied to; ``paid == allocated + credit``.
    arrears : Decimal
        Instalments due on or before ``as_of`` and unpaid (interest and principal).
    penalty : Decimal
        Penalty and compound interest charged and unpaid.
    penalty_accrued, penalty_paid, penalty_in_grace, penalty_waived : Decimal
        Penalty and compound interest charged in all, paid, waiting in grace days, and
        waived because an instalment was paid within its grace days.
    due_to_date : Decimal
        Sum of the instalments due on or before ``as_of``.
    balance : Decimal
        Principal still to be repaid under the plan.
    credit : Decimal
        Received beyond the whole debt.
    observation : Observation or None
        The restructured-asset observation period (rule sets with one, e.g. cn-bank).

    Examples
    --------
    The history of :class:`Breach`'s example on 15 April 2027: 21,150.00 paid of the
    ``10,600 + 10,550 + 10,500 + 10,450 = 42,100.00`` due, so 20,950.00 in arrears; the
    principal still to repay is ``120,000 − 2 × 10,000 = 100,000.00``.  Penalty at 9 % on
    the principal of instalments 3 and 4 and compound interest on their interest, to
    15 April (45 and 14 days, ACT/360): ``112.50 + 35.00 + 5.63 + 1.58 = 154.71``.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> st = Agreement(Plan(method="equal_principal", term=12), claim).status(date(2027, 4, 15), paid)
    >>> st.state, st.paid, st.due_to_date, st.arrears, st.penalty, st.balance
    ('breached', Decimal('21150.00'), Decimal('42100.00'), Decimal('20950.00'), Decimal('154.71'), Decimal('100000.00'))
    >>> st.table.loc[:3, ["period", "due_date", "due", "paid", "days_past_due", "state"]]
       period   due_date       due      paid  days_past_due   state
    0       1 2027-01-01  10600.00  10600.00              0    paid
    1       2 2027-02-01  10550.00  10550.00              0    paid
    2       3 2027-03-01  10500.00      0.00             45  missed
    3       4 2027-04-01  10450.00      0.00             14  missed
    """

    as_of: _dt.date
    state: str
    breach: Breach | None
    table: pd.DataFrame = field(repr=False, compare=False)
    allocations: pd.DataFrame = field(repr=False, compare=False)
    paid: Decimal
    allocated: Decimal
    arrears: Decimal
    penalty: Decimal
    penalty_accrued: Decimal
    penalty_paid: Decimal
    penalty_in_grace: Decimal
    penalty_waived: Decimal
    due_to_date: Decimal
    balance: Decimal
    credit: Decimal
    observation: Observation | None = None
    currency: str = "CNY"

    @property
    def breached(self) -> bool:
        """True when a breach clause has triggered (``state == "breached"``)."""
        return self.state == "breached"

    def totals(self) -> pd.Series:
        """The headline figures as a Series (the head of a statement).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> st = Agreement(Plan(method="equal_principal", term=12), claim).status(date(2027, 2, 15), paid)
        >>> st.totals()[["state", "paid", "due_to_date", "arrears", "balance", "observation"]]
        state                                         performing
        paid                                            21150.00
        due_to_date                                     21150.00
        arrears                                             0.00
        balance                                        100000.00
        observation    observation 2027-01-01 to 2028-01-01: ...
        Name: status as of 2027-02-15, dtype: object
        """
        return pd.Series(
            {
                "state": self.state,
                "paid": self.paid,
                "allocated": self.allocated,
                "credit": self.credit,
                "due_to_date": self.due_to_date,
                "arrears": self.arrears,
                "penalty": self.penalty,
                "penalty_accrued": self.penalty_accrued,
                "penalty_paid": self.penalty_paid,
                "penalty_in_grace": self.penalty_in_grace,
                "penalty_waived": self.penalty_waived,
                "balance": self.balance,
                "breach": "" if self.breach is None else str(self.breach),
                "observation": "" if self.observation is None else str(self.observation),
            },
            name=f"status as of {self.as_of}",
        )

    def __repr__(self) -> str:
        why = f" ({self.breach})" if self.breach is not None else ""
        return (
            f"Status(as of {self.as_of}: {self.state}{why}; paid {self.paid:,}, arrears "
            f"{self.arrears:,}, penalty {self.penalty:,}, balance {self.balance:,} {self.currency})"
        )

    def _repr_html_(self) -> str:
        head = self.totals().to_frame().to_html(header=False)
        return f"<div><b>{html.escape(repr(self))}</b>{head}{self.table.to_html(index=False)}</div>"


def _status(ag: Agreement, as_of: _dt.date, pays, rp: _ledger.Ledger) -> Status:
    r, u = ag._rows, ag.minor_units
    end = np.datetime64(as_of, "D")
    p = r["payable"]
    out = rp.outstanding()
    paid = rp.i_paid + rp.p_paid
    due_now = rp.due <= end
    over_grace = rp.grace < end
    full = out == 0
    state = np.where(
        ~due_now,
        np.where(full, "paid", "not yet due"),
        np.where(
            full,
            np.where(rp.paid_on <= rp.grace, "paid", "late"),
            np.where(paid > 0, "partial", np.where(over_grace, "missed", "due")),
        ),
    ).astype(object)
    days = np.where(due_now & ~full, (end - rp.due).astype(np.int64), 0)
    pen_out = rp.pen + rp.comp
    dec = lambda a: money.decimals_array(np.asarray(a, dtype=object)[p], u)  # noqa: E731
    table = pd.DataFrame(
        {
            "period": r["period"][p],
            "due_date": rp.due[p].astype("datetime64[s]"),
            "grace_end": rp.grace[p].astype("datetime64[s]"),
            "due": dec(rp.i_sched + rp.p_due),
            "interest_due": dec(rp.i_sched),
            "principal_due": dec(rp.p_due),
            "paid": dec(paid),
            "interest_paid": dec(rp.i_paid),
            "principal_paid": dec(rp.p_paid),
            "paid_ahead": dec(rp.i_ahead + rp.p_ahead),
            "penalty_paid": dec(rp.pen_paid),
            "compound_paid": dec(rp.comp_paid),
            "penalty_accrued": dec(rp.pen_paid + rp.pen),
            "compound_accrued": dec(rp.comp_paid + rp.comp),
            "penalty_in_grace": dec(rp.pen_wait),
            "outstanding": dec(out),
            "penalty_outstanding": dec(pen_out),
            "paid_on": rp.paid_on[p].astype("datetime64[s]"),
            "days_past_due": days[p],
            "state": state[p],
        }
    )
    h = _history(rp, r, as_of)
    breach = _first_breach(ag, h)
    late = (p & due_now & over_grace & ~full).any() or int(pen_out.sum()) > 0
    st = "breached" if breach is not None else ("in_arrears" if late else "performing")
    cols = [
        "date",
        "amount",
        "credit_in",
        "penalty",
        "compound",
        "interest",
        "principal",
        "interest_ahead",
        "principal_ahead",
        "credit_out",
    ]
    alloc = pd.DataFrame(rp.log, columns=cols)
    for c in cols[1:]:
        alloc[c] = money.decimals_array(alloc[c].to_numpy(dtype=object), u)
    alloc["date"] = alloc["date"].astype("datetime64[s]")
    total_paid = sum(a for _, a in pays)
    f = lambda x: money.from_minor(int(x), u)  # noqa: E731
    return Status(
        as_of=as_of,
        state=st,
        breach=breach,
        table=table,
        allocations=alloc,
        paid=f(total_paid),
        allocated=f(total_paid - rp.credit),
        arrears=f(out[due_now].sum()),
        penalty=f(pen_out.sum()),
        penalty_accrued=f((rp.pen_paid + rp.pen + rp.comp_paid + rp.comp).sum()),
        penalty_paid=f((rp.pen_paid + rp.comp_paid).sum()),
        penalty_in_grace=f(rp.pen_wait.sum()),
        penalty_waived=f(rp.waived.sum()),
        due_to_date=f((rp.i_sched + rp.p_due)[due_now & p].sum()),
        balance=f(_balance(rp, end)),
        credit=f(rp.credit),
        observation=_observation(h, ag.rules, as_of),
        currency=ag.currency,
    )


def _first_breach(ag: Agreement, h: _History) -> Breach | None:
    """The earliest breach among the agreement's clauses (the first listed on a tie)."""
    found = [b for b in (c.trigger(h) for c in ag.breach) if b is not None]
    return min(found, key=lambda b: b.date) if found else None


def _balance(rp: _ledger.Ledger, end) -> int:
    """Principal still owed under the plan: unpaid principal less interest yet to be capitalised."""
    return int(rp.p_out.sum()) - int(rp.cap[rp.due > end].sum())


def _new_claim(ag: Agreement, as_of: _dt.date, rp: _ledger.Ledger, breach: Breach | None):
    from .claim import Claim

    u = ag.minor_units
    end = np.datetime64(as_of, "D")
    due_now = rp.due <= end
    overdue_p = int(rp.p_out[due_now].sum())
    overdue_i = int((rp.i_sched - rp.i_paid)[due_now].sum())
    principal = _balance(rp, end)
    k = rp.current(end)
    accrued_unpaid, unearned = 0, int(rp.i_paid[~due_now].sum())
    if k < rp.n:
        a = rp.accrued(k, end)
        earned = min(rp.i_paid[k], a)
        accrued_unpaid = a - earned
        unearned -= earned
    credit = rp.credit
    principal -= unearned
    if principal < 0:
        credit, principal = credit - principal, 0
    penalty, compound = int((rp.pen + rp.comp).sum()), int(rp.comp.sum())
    interest, overdue_interest = overdue_i + accrued_unpaid, overdue_i
    revived = ag.plan.waivers_conditional and breach is not None
    if revived:
        w = ag.terms.waived_parts
        penalty += w.get("penalty", 0)
        interest += w.get("interest", 0)
        overdue_interest += w.get("interest", 0)
        back = w.get("principal", 0) + w.get("settlement", 0)
        principal += back
        overdue_p += back
    f = lambda x: money.from_minor(int(x), u)  # noqa: E731
    maturity = ag.maturity
    return Claim(
        principal=f(principal),
        overdue_principal=f(min(overdue_p, principal)),
        interest=f(interest),
        overdue_interest=f(overdue_interest),
        penalty=f(penalty),
        compound=f(compound),
        fees=f(0),
        annual_rate=ag.terms.rate,
        penalty_rate=ag.penalty_rate,
        as_of=as_of,
        currency=ag.currency,
        rules=ag.rules,
        accrual_day_count=ag.rules.accrual_day_count,
        contract_date=ag.signed,
        maturity=maturity,
        term_months=max(1, int(ag._rows["period"].max())),
        product=ag.original_claim.product,
        credit=f(credit),
    )


# ----------------------------------------------------------------------------------------
# Statement
# ----------------------------------------------------------------------------------------
_STATEMENT_COLUMNS = [
    "period",
    "due_date",
    "due",
    "interest_due",
    "principal_due",
    "paid",
    "interest_paid",
    "principal_paid",
    "penalty_paid",
    "compound_paid",
    "outstanding",
    "penalty_outstanding",
    "paid_on",
    "days_past_due",
    "state",
]


@dataclass(frozen=True)
class Statement:
    """A statement of account for an agreement on a date.

    Attributes
    ----------
    title : str
    as_of : date
    table : DataFrame
        One row per instalment (a subset of :attr:`Status.table`).
    payments : DataFrame
        One row per payment and what it was applied to (:attr:`Status.allocations`).
    totals : Series
        The headline figures (:meth:`Status.totals`).

    Examples
    --------
    The statement of :class:`Breach`'s example on 15 April 2027 (see :class:`Status` for
    the figures):

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim, name="Workout 2026-17")
    >>> s = ag.statement(date(2027, 4, 15), paid)
    >>> s
    Statement(Workout 2026-17: statement as of 2027-04-15 (CNY), signed 2026-12-01: breached,
              paid 21150.00, arrears 20950.00, penalty 154.71)
    >>> s.payments[["date", "amount", "interest", "principal"]]
            date    amount interest principal
    0 2027-01-01  10600.00   600.00  10000.00
    1 2027-02-01  10550.00   550.00  10000.00
    """

    title: str
    as_of: _dt.date
    table: pd.DataFrame = field(repr=False)
    payments: pd.DataFrame = field(repr=False)
    totals: pd.Series = field(repr=False)

    @classmethod
    def from_status(cls, ag: Agreement, st: Status) -> Statement:
        """The statement of ``st``, a status of ``ag`` (what :meth:`Agreement.statement` returns).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> s = Statement.from_status(ag, ag.status(date(2027, 4, 15), paid))
        >>> s.title
        'Agreement: statement as of 2027-04-15 (CNY), signed 2026-12-01'
        >>> s.totals["arrears"] == ag.statement(date(2027, 4, 15), paid).totals["arrears"]
        True
        """
        if not isinstance(ag, Agreement):
            raise InputError("agreement", ag, "a repayplan.Agreement")
        if not isinstance(st, Status):
            raise InputError("status", st, "a repayplan.Status (from Agreement.status)")
        label = ag.name or ag.plan.name or "Agreement"
        title = f"{label}: statement as of {st.as_of} ({ag.currency}), signed {ag.signed}"
        return cls(
            title=title,
            as_of=st.as_of,
            table=st.table[_STATEMENT_COLUMNS].copy(),
            payments=st.allocations.copy(),
            totals=st.totals(),
        )

    def to_frame(self) -> pd.DataFrame:
        """The instalment table (a copy).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> t = ag.statement(date(2027, 4, 15), paid).to_frame()
        >>> t.loc[:3, ["period", "due", "outstanding", "penalty_outstanding", "state"]]
           period       due outstanding penalty_outstanding   state
        0       1  10600.00        0.00                0.00    paid
        1       2  10550.00        0.00                0.00    paid
        2       3  10500.00    10500.00              118.13  missed
        3       4  10450.00    10450.00               36.58  missed
        """
        return self.table.copy()

    def __repr__(self) -> str:
        t = self.totals
        return (
            f"Statement({self.title}: {t['state']}, paid {t['paid']}, arrears {t['arrears']}, "
            f"penalty {t['penalty']})"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The statement as an HTML fragment; every text is escaped.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim, name="<Workout & Co>")
        >>> ag.statement(date(2027, 4, 15), paid).to_html()[:70]
        '<div><h3>&lt;Workout &amp; Co&gt;: statement as of 2027-04-15 (CNY), s'
        """
        totals = self.totals.to_frame().to_html(header=False, escape=True)
        return (
            f"<div><h3>{html.escape(self.title)}</h3>{totals}"
            f"<h4>Instalments</h4>{self.table.to_html(index=False, escape=True)}"
            f"<h4>Payments</h4>{self.payments.to_html(index=False, escape=True)}</div>"
        )

    def write(self, path, format: str | None = None) -> Path:
        """Write the statement to ``path`` as CSV or HTML, atomically.

        Parameters
        ----------
        path : str or path-like
        format : {"csv", "html"}, optional
            Default from the file's suffix.

        Returns
        -------
        Path

        Notes
        -----
        :mod:`repayplan.report` renders agreement annexes from a schedule and offers no
        generic table writer, so the statement is written here, with the same safety:
        CSV text cells that a spreadsheet would read as a formula get a leading ``'``
        (:func:`repayplan.report.neutralise_formula`); amounts are plain decimals and
        dates ISO; HTML is escaped.  The text is rendered in memory, written to a
        temporary file in the target folder and renamed over the target.

        Examples
        --------
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> import tempfile, pathlib
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = ag.statement(date(2027, 4, 15), paid).write(pathlib.Path(folder) / "st.csv")
        ...     print(path.name, path.read_text(encoding="utf-8").splitlines()[1:3])
        st.csv ['state,breached', 'paid,21150.00']
        """
        p = check_path(path)
        fmt = format if format is not None else p.suffix.lstrip(".").lower()
        if format is None and fmt not in ("csv", "html"):
            raise InputError(
                "path", str(path), "a file name ending in .csv or .html (or give format=)"
            )
        check_choice("format", fmt, ("csv", "html"))
        text = (
            self.to_csv()
            if fmt == "csv"
            else (
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(self.title)}'
                f"</title></head><body>{self.to_html()}</body></html>"
            )
        )
        return write_atomic(p, text)

    def to_csv(self) -> str:
        """The statement as CSV text: title, totals, instalments, payments.

        Amounts are plain decimals, dates ISO; a blank line separates the parts.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
        >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
        >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
        >>> lines = ag.statement(date(2027, 4, 15), paid).to_csv().splitlines()
        >>> lines[:3]
        ['"Agreement: statement as of 2027-04-15 (CNY), signed 2026-12-01"', 'state,breached', 'paid,21150.00']
        >>> lines[16]
        'period,due_date,due,interest_due,principal_due,paid,interest_paid,principal_paid,penalty_paid,compound_paid,outstanding,penalty_outstanding,paid_on,days_past_due,state'
        >>> lines[19]
        '3,2027-03-01,10500.00,500.00,10000.00,0.00,0.00,0.00,0.00,0.00,10500.00,118.13,,45,missed'
        """
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")  # CRLF: a CR inside a cell cannot end a row
        w.writerow([_safe(self.title)])
        for key, value in self.totals.items():
            w.writerow([_safe(key), _safe(value)])
        for frame in (self.table, self.payments):
            w.writerow([])
            w.writerow(list(frame.columns))
            for row in frame.itertuples(index=False):
                w.writerow([_safe(v) for v in row])
        return buf.getvalue()


def _safe(value) -> str:
    """A CSV cell: amounts as plain decimals, dates ISO, text neutralised against formulas."""
    from .report import neutralise_formula

    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (Decimal, int, np.integer)):
        return str(value)
    return neutralise_formula(str(value))


# ----------------------------------------------------------------------------------------
# many agreements at once (a case register)
# ----------------------------------------------------------------------------------------
_FIGURES = (
    "principal",
    "overdue_principal",
    "interest",
    "overdue_interest",
    "penalty",
    "compound",
    "credit",
    "arrears",
)


def figures_many(agreements, as_of, payments) -> pd.DataFrame:
    """What is owed under many agreements on one date, by the one ledger, batched.

    Agreements with the default terms of the ledger's batch (overpayments to the next
    instalments, ``accrual_rounding="exact"``, compound interest at the penalty rate) are
    grouped by rule set, grace days and currency and replayed together by
    :func:`repayplan.ledger.replay_many`; any other is replayed alone by
    :meth:`Agreement.ledger`.  Both give :func:`repayplan.ledger.figures` exactly.

    Parameters
    ----------
    agreements : sequence of Agreement
    as_of : date
        On or after every signing date.
    payments : sequence of payment lists
        One per agreement, as for :meth:`Agreement.status`.

    Returns
    -------
    DataFrame
        One row per agreement (in the order given): ``principal``, ``overdue_principal``,
        ``interest``, ``overdue_interest``, ``penalty``, ``compound``, ``credit``,
        ``arrears`` as Decimals.

    Examples
    --------
    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> figures_many([ag, ag], date(2027, 4, 15), [paid, []])[["penalty", "arrears"]]
      penalty   arrears
    0  154.71  20950.00
    1  622.85  42100.00
    """
    day = check_date("as_of", as_of)
    ags = check_sequence("agreements", agreements, "Agreements")
    pays = check_sequence("payments", payments, "payment lists, one per agreement")
    if len(pays) != len(ags):
        raise InputError("payments", len(pays), f"one payment list per agreement ({len(ags)})")
    for i, ag in enumerate(ags):
        if not isinstance(ag, Agreement):
            raise InputError(f"agreements[{i}]", ag, "a repayplan Agreement")
        if day < ag.signed:
            raise InputError(
                "as_of", day, f"a date on or after the signing date {ag.signed} of agreements[{i}]"
            )
    read = [
        _read_payments(p, ag.signed, day, ag.minor_units, f"payments[{i}]")
        for i, (ag, p) in enumerate(zip(ags, pays, strict=True))
    ]
    out: dict[str, list] = {k: [None] * len(ags) for k in _FIGURES}
    groups: dict = {}
    for i, ag in enumerate(ags):
        rs = ag.rules
        if (
            ag.overpayment == "next"
            and ag.accrual_rounding == "exact"
            and (not rs.compound_interest or rs.compound_rate == "penalty")
        ):
            key = (
                rs.allocation_order,
                rs.allocation_by,
                rs.compound_interest,
                rs.accrual_day_count,
                ag.grace_days,
                ag.minor_units,
            )
            groups.setdefault(key, []).append(i)
        else:
            f = _ledger.figures(_ledger_of(ag, day, read[i]), day)
            f["arrears"] = int(
                np.where(f["due_now"], _ledger_of(ag, day, read[i]).outstanding(), 0).sum()
            )
            for k in _FIGURES:
                out[k][i] = money.from_minor(f[k], ag.minor_units)
    far = np.datetime64("9999-12-31", "D")
    for (order, by, compound, dc, grace, units), idx in groups.items():
        n = max(len(ags[i]._rows["due"]) for i in idx)
        e = max(1, max(len(read[i]) for i in idx))
        b = len(idx)
        due = np.full((b, n), far, dtype="datetime64[D]")
        interest, interest_full, principal = (np.zeros((b, n), dtype=np.int64) for _ in range(3))
        payable = np.zeros((b, n), dtype=bool)
        dates = np.full((b, e), np.datetime64("NaT", "D"), dtype="datetime64[D]")
        amounts = np.zeros((b, e), dtype=np.int64)
        for r, i in enumerate(idx):
            rows = ags[i]._rows
            m = len(rows["due"])
            due[r, :m] = rows["due"]
            if m < n:  # padding after the last due date, strictly increasing
                due[r, m:] = far - np.arange(n - m, 0, -1)
            interest[r, :m], interest_full[r, :m] = rows["interest"], rows["interest_full"]
            principal[r, :m], payable[r, :m] = rows["principal"], rows["payable"]
            for j, (d, a) in enumerate(read[i]):
                dates[r, j], amounts[r, j] = np.datetime64(d, "D"), a
        first = ags[idx[0]]
        terms = _ledger.Terms(
            first.penalty_rate,
            first.terms.rate,
            compound,
            "penalty",
            dc,
            order,
            by,
            "next",
            grace,
            "exact",
            units,
        )
        res = _ledger.replay_many(
            start=np.array([np.datetime64(ags[i].signed, "D") for i in idx]),
            due=due,
            interest=interest,
            principal=principal,
            penalty_rate=[ags[i].penalty_rate for i in idx],
            terms=terms,
            as_of=day,
            pay_dates=dates,
            pay_amounts=amounts,
            interest_full=interest_full,
            payable=payable,
        )
        for k in _FIGURES:
            vals = money.decimals_array(np.asarray(res[k]), units)
            for r, i in enumerate(idx):
                out[k][i] = vals[r]
    return pd.DataFrame(out, columns=list(_FIGURES))


_STATUS_MANY = (
    "state",
    "paid",
    "arrears",
    "penalty",
    "balance",
    "days_past_due",
    "next_due",
    "next_amount",
    "breach",
    "observation",
)


def _status_fields(st: Status) -> dict:
    """The columns of :func:`status_many` read off one :class:`Status`."""
    table = st.table
    as_of = np.datetime64(st.as_of, "D")
    due = table["due_date"].to_numpy().astype("datetime64[D]")
    out = table["outstanding"].to_numpy()
    ahead = np.flatnonzero((due > as_of) & np.array([o > 0 for o in out], dtype=bool))
    nxt = int(ahead[0]) if ahead.size else None
    dpd = table["days_past_due"].to_numpy()
    return {
        "state": st.state,
        "paid": st.paid,
        "arrears": st.arrears,
        "penalty": st.penalty,
        "balance": st.balance,
        "days_past_due": int(dpd.max()) if dpd.size else 0,
        "next_due": None if nxt is None else due[nxt].astype(_dt.date),
        "next_amount": None if nxt is None else out[nxt],
        "breach": st.breach,
        "observation": st.observation,
    }


def _batchable(ag: Agreement) -> bool:
    """The terms :func:`repayplan.ledger.replay_many` covers, and clauses judged by due and
    paid-in-full days alone (a cumulative shortfall needs the ledger's running totals)."""
    rs = ag.rules
    return (
        ag.overpayment == "next"
        and ag.accrual_rounding == "exact"
        and (not rs.compound_interest or rs.compound_rate == "penalty")
        and all(isinstance(c, (ConsecutiveMisses, DaysPastDue)) for c in ag.breach)
    )


def _read_minor(items, signed: _dt.date, as_of: _dt.date, name: str) -> tuple:
    """Payments already in minor units, ``((date, int), ...)``, by the rules of
    :func:`_read_payments`: dates from the signing date to ``as_of``, whole amounts >= 0,
    none listed twice."""
    try:
        items = list(() if items is None else items)
    except TypeError:
        raise InputError(name, items, "a sequence of (date, minor units) pairs") from None
    out, seen = [], set()
    for j, pair in enumerate(items):
        where = f"{name}[{j}]"
        try:
            day, amount = pair
        except (TypeError, ValueError):
            raise InputError(where, pair, "a (date, minor units) pair") from None
        if not isinstance(day, _dt.date) or isinstance(day, _dt.datetime):
            raise InputError(f"{where}.date", day, "a datetime.date")
        if not signed <= day <= as_of:
            raise InputError(
                f"{where}.date", day, f"a date from the signing date {signed} to {as_of}"
            )
        if (
            isinstance(amount, (bool, np.bool_))
            or not isinstance(amount, (int, np.integer))
            or amount < 0
        ):
            raise InputError(f"{where}.amount", amount, "a whole number of minor units, 0 or more")
        amount = int(amount)
        if (day, amount) in seen and amount > 0:
            raise InputError(
                where,
                (day.isoformat(), amount),
                "a payment not already listed",
                "if both were received, give them as one payment of the sum",
            )
        seen.add((day, amount))
        out.append((day, amount))
    return tuple(out)


def status_many(agreements, as_of, payments, *, minor: bool = False) -> pd.DataFrame:
    """The headline of :meth:`Agreement.status` for many agreements on one date, batched.

    Agreements with the terms of the ledger's batch (overpayments to the next instalments,
    ``accrual_rounding="exact"``, compound interest at the penalty rate) and breach clauses
    :class:`ConsecutiveMisses` or :class:`DaysPastDue` are grouped by rule set, grace days
    and currency and replayed together by :func:`repayplan.ledger.replay_many`; from each
    instalment's unpaid amount and the day it was paid in full the state, the breach and
    the observation period are judged by the same clauses as :meth:`Agreement.status`.
    Any other agreement is replayed alone by :meth:`Agreement.status`.  Every figure equals
    what :meth:`Agreement.status` gives (the tests check it).

    Parameters
    ----------
    agreements : sequence of Agreement
    as_of : date
        On or after every signing date.
    payments : sequence of payment lists
        One per agreement, as for :meth:`Agreement.status`.
    minor : bool
        The amounts are whole minor units (``(date, int)`` pairs, as a register keeps
        them) rather than amounts in the currency; default False.

    Returns
    -------
    DataFrame
        One row per agreement (in the order given): ``state``, ``paid``, ``arrears``,
        ``penalty``, ``balance`` (Decimals, as :class:`Status`), ``days_past_due`` (of the
        oldest instalment unpaid), ``next_due`` and ``next_amount`` (the first instalment
        not yet due with something unpaid, or None), ``breach`` (:class:`Breach` or None)
        and ``observation`` (:class:`Observation` or None).

    Examples
    --------
    The history of :class:`Breach`'s example, and the same agreement with nothing paid (its
    first instalment, due 1 January, is 104 days past due on 15 April):

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> s = status_many([ag, ag], date(2027, 4, 15), [paid, []])
    >>> s[["state", "arrears", "penalty", "days_past_due", "next_due"]]
          state   arrears penalty  days_past_due    next_due
    0  breached  20950.00  154.71             45  2027-05-01
    1  breached  42100.00  622.85            104  2027-05-01
    >>> s.loc[0, "breach"].date, s.loc[1, "breach"].date
    (datetime.date(2027, 4, 2), datetime.date(2027, 2, 2))

    The same payments in fen, as a register keeps them:

    >>> fen = [(date(2027, 1, 1), 1_060_000), (date(2027, 2, 1), 1_055_000)]
    >>> status_many([ag], date(2027, 4, 15), [fen], minor=True).loc[0, "penalty"]
    Decimal('154.71')
    """
    day = check_date("as_of", as_of)
    ags = check_sequence("agreements", agreements, "Agreements")
    pays = check_sequence("payments", payments, "payment lists, one per agreement")
    if len(pays) != len(ags):
        raise InputError("payments", len(pays), f"one payment list per agreement ({len(ags)})")
    for i, ag in enumerate(ags):
        if not isinstance(ag, Agreement):
            raise InputError(f"agreements[{i}]", ag, "a repayplan Agreement")
        if day < ag.signed:
            raise InputError(
                "as_of", day, f"a date on or after the signing date {ag.signed} of agreements[{i}]"
            )
    minor = check_bool("minor", minor)
    rows: list = [None] * len(ags)
    read: list = [None] * len(ags)
    groups: dict = {}
    for i, ag in enumerate(ags):
        if minor:
            read[i] = _read_minor(pays[i], ag.signed, day, f"payments[{i}]")
        if _batchable(ag):
            if not minor:
                read[i] = _read_payments(pays[i], ag.signed, day, ag.minor_units, f"payments[{i}]")
            rs = ag.rules
            key = (
                rs.allocation_order,
                rs.allocation_by,
                rs.compound_interest,
                rs.accrual_day_count,
                ag.grace_days,
                ag.minor_units,
            )
            groups.setdefault(key, []).append(i)
        elif minor:
            u = ag.minor_units
            rows[i] = _status_fields(
                ag.status(day, [(d, money.from_minor(a, u)) for d, a in read[i]])
            )
        else:
            rows[i] = _status_fields(ag.status(day, pays[i]))
    end = np.datetime64(day, "D")
    far = np.datetime64("9999-12-31", "D")
    for (order, by, compound, dc, grace, units), idx in groups.items():
        n = max(len(ags[i]._rows["due"]) for i in idx)
        e = max(1, max(len(read[i]) for i in idx))
        b = len(idx)
        due = np.full((b, n), far, dtype="datetime64[D]")
        interest, interest_full, principal = (np.zeros((b, n), dtype=np.int64) for _ in range(3))
        payable = np.zeros((b, n), dtype=bool)
        dates = np.full((b, e), np.datetime64("NaT", "D"), dtype="datetime64[D]")
        amounts = np.zeros((b, e), dtype=np.int64)
        for r, i in enumerate(idx):
            ro = ags[i]._rows
            m = len(ro["due"])
            due[r, :m] = ro["due"]
            if m < n:  # padding after the last due date, strictly increasing
                due[r, m:] = far - np.arange(n - m, 0, -1)
            interest[r, :m], interest_full[r, :m] = ro["interest"], ro["interest_full"]
            principal[r, :m], payable[r, :m] = ro["principal"], ro["payable"]
            if read[i]:
                dates[r, : len(read[i])] = [np.datetime64(d, "D") for d, _ in read[i]]
                amounts[r, : len(read[i])] = [a for _, a in read[i]]
        first = ags[idx[0]]
        terms = _ledger.Terms(
            first.penalty_rate,
            first.terms.rate,
            compound,
            "penalty",
            dc,
            order,
            by,
            "next",
            grace,
            "exact",
            units,
        )
        res = _ledger.replay_many(
            start=np.array([np.datetime64(ags[i].signed, "D") for i in idx]),
            due=due,
            interest=interest,
            principal=principal,
            penalty_rate=[ags[i].penalty_rate for i in idx],
            terms=terms,
            as_of=day,
            pay_dates=dates,
            pay_amounts=amounts,
            interest_full=interest_full,
            payable=payable,
        )
        gap = np.timedelta64(grace, "D")
        f = lambda x, u=units: money.from_minor(int(x), u)  # noqa: E731
        for r, i in enumerate(idx):
            ag = ags[i]
            ro = ag._rows
            m = len(ro["due"])
            p = ro["payable"]
            d = ro["due"]
            g = d + gap
            out = res["outstanding"][r, :m]
            paid_on = res["paid_on"][r, :m]
            open_ = out != 0
            due_now = d <= end
            dpd = np.where(due_now & open_, (end - d).astype(np.int64), 0)[p]
            ahead = np.flatnonzero(p & ~due_now & open_)
            judged = g[p] < end
            h = _History(
                period=ro["period"][p],
                due_day=d[p],
                grace_day=g[p],
                paid_on=paid_on[p],
                missed=judged & (np.isnat(paid_on[p]) | (paid_on[p] > g[p])),
                judged=judged,
                short_unpaid=None,
                short_due=None,
                as_of=end,
                units=units,
            )
            breach = _first_breach(ag, h)
            pen = int(res["penalty"][r])
            late = bool((p & due_now & (g < end) & open_).any()) or pen > 0
            rows[i] = {
                "state": "breached"
                if breach is not None
                else ("in_arrears" if late else "performing"),
                "paid": f(sum(a for _, a in read[i])),
                "arrears": f(res["arrears"][r]),
                "penalty": f(pen),
                "balance": f(int(res["principal"][r]) - int(ro["capitalised"][~due_now].sum())),
                "days_past_due": int(dpd.max()) if dpd.size else 0,
                "next_due": d[ahead[0]].astype(_dt.date) if ahead.size else None,
                "next_amount": f(out[ahead[0]]) if ahead.size else None,
                "breach": breach,
                "observation": _observation(h, ag.rules, day),
            }
    return pd.DataFrame(rows, columns=list(_STATUS_MANY))
