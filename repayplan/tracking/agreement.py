"""The signed agreement and its status: :class:`Agreement`, :class:`Status`, :class:`Observation`.

:meth:`Agreement.status` replays the payments against the agreed schedule with the one
ledger (:func:`repayplan.ledger.replay`) and judges the breach clauses of
:mod:`repayplan.tracking.clauses`; :meth:`Agreement.claim` states what is owed as a new
:class:`~repayplan.claim.Claim` for a renegotiation.  The conventions (due dates, grace
days, penalty, allocation, breach) are those of :mod:`repayplan.tracking`.

:func:`ledger_of`, :func:`read_payments`, :func:`first_breach` and :func:`observation_of`
are the internal interface :mod:`repayplan.tracking.batch` shares (not exported).
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import ledger as _ledger
from .. import money
from .._validate import (
    check_choice,
    check_date,
    check_int,
    check_rate,
    check_text,
)
from ..calendar import add_months
from ..errors import InputError
from ..money import percent as _pct
from .clauses import Breach, ConsecutiveMisses, History, read_clauses

if TYPE_CHECKING:
    from ..claim import Claim
    from ..plans import Plan, PlanTerms
    from ..schedule import Schedule
    from .statement import Statement


__all__ = [
    "Agreement",
    "Status",
    "Observation",
    "STATES",
    "INSTALMENT_STATES",
    "OVERPAYMENT",
]

#: States of an agreement, best first.
STATES: tuple[str, ...] = ("performing", "in_arrears", "breached")

#: States of one instalment in :attr:`Status.table`.
INSTALMENT_STATES: tuple[str, ...] = ("paid", "late", "partial", "missed", "due", "not yet due")

#: Where money beyond what is due goes.
OVERPAYMENT: tuple[str, ...] = ("next", "principal")

_GRACE_CITATION = "《中国人民银行关于信用卡业务有关事项的通知》(银发〔2016〕111号) 三(三)"
_DAY = np.timedelta64(1, "D")
#: The default breach clause: two consecutive missed instalments.
_DEFAULT_BREACH = (ConsecutiveMisses(2),)


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


def observation_of(h: History, rs, as_of: _dt.date) -> Observation | None:
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
# the agreed schedule replayed against the payments
# ----------------------------------------------------------------------------------------
def ledger_of(ag: Agreement, as_of: _dt.date, payments) -> _ledger.Ledger:
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


def _history(led: _ledger.Ledger, rows: dict, as_of: _dt.date) -> History:
    end = np.datetime64(as_of, "D")
    p = led.payable
    judged = led.grace[p] < end
    missed = judged & (np.isnat(led.paid_on[p]) | (led.paid_on[p] > led.grace[p]))
    return History(
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
def read_payments(
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
        breach=_DEFAULT_BREACH,
        overpayment="next",
        name="",
        accrual_rounding="exact",
    ):
        from ..claim import Claim
        from ..plans import Plan

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
        from ..calendar import payment_dates

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
        pays = read_payments(payments, self.signed, day, self.minor_units)
        return day, pays, ledger_of(self, day, pays)

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
        return _new_claim(self, day, rp, first_breach(self, _history(rp, self._rows, day)))

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
        from .statement import Statement  # which imports this module

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
    breach = first_breach(ag, h)
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
        observation=observation_of(h, ag.rules, as_of),
        currency=ag.currency,
    )


def first_breach(ag: Agreement, h: History) -> Breach | None:
    """The earliest breach among the agreement's clauses (the first listed on a tie)."""
    found = [b for b in (c.trigger(h) for c in ag.breach) if b is not None]
    return min(found, key=lambda b: b.date) if found else None


def _balance(rp: _ledger.Ledger, end) -> int:
    """Principal still owed under the plan: unpaid principal less interest yet to be capitalised."""
    return int(rp.p_out.sum()) - int(rp.cap[rp.due > end].sum())


def _new_claim(ag: Agreement, as_of: _dt.date, rp: _ledger.Ledger, breach: Breach | None):
    from ..claim import Claim

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
