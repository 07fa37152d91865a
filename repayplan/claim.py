"""What is owed: the original contract (:class:`Loan`) and the claim as of a date (:class:`Claim`).

A :class:`Loan` is the contract as signed; ``loan.claim(as_of, payments)`` replays its
contractual schedule against the payments actually made and states, to the cent, what
the borrower owes on ``as_of`` and why.  A :class:`Claim` can also be stated directly
when the history is not available.

Conventions (all exact, in integer minor units)
-----------------------------------------------
* An instalment falls due on its due date; from the next day its unpaid principal bears
  penalty interest at the penalty rate (which replaces the contract rate, as
  银发〔2003〕251号 三 says), and, where the rule set says so, its unpaid contract interest
  bears compound interest at the penalty rate.  Accrual is daily on the rule set's day
  count (ACT/360: ``amount × rate × days / 360``).  Accrual is carried exactly and rounded
  half-up to the cent only where it is shown or paid, so a payment that does not touch the
  penalty does not move it; a penalty paid in full is settled (its sub-cent remainder is
  dropped).  Compound interest is not charged on penalty or compound interest.
* The contract interest of the current period accrues evenly over its actual days:
  ``accrued = I_k × elapsed days / days of the period``, rounded half-up, so that on the
  due date it is exactly the scheduled ``I_k``.
* A payment is first applied to what is due on its date, in the rule set's order
  (:func:`repayplan.rules.allocate`; by default Civil Code Art. 561: costs, then interest
  with penalty and compound interest, then principal, oldest first within a class).
  What is left pays the interest accrued in the current period and then principal not
  yet due; the remaining instalments are then reduced pro rata, keeping the term (the
  contract schedule recomputed on the lower balance, exact for level and equal-principal
  schedules up to rounding).  Anything beyond the whole debt is held as ``credit``.
  What is paid always equals what is applied plus the credit.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import money
from . import rules as _rules
from ._validate import (
    MAX_BATCH_MINOR,
    as_decimal,
    check_amount,
    check_choice,
    check_date,
    check_int,
    check_rate,
)
from .calendar import DAY_COUNT_DENOMINATOR, accrual_numerators, normalize_day_count
from .errors import InputError

__all__ = ["Loan", "Claim", "PRODUCTS"]

#: Products a loan can be (credit-card debt has its own instalment rule under cn-bank).
PRODUCTS: tuple[str, ...] = ("loan", "credit_card")

_LOAN_FIELDS = ("principal", "annual_rate", "periods", "frequency", "method", "start", "day_count",
                "currency")
_COMPONENTS = (
    ("principal_not_due", "principal not yet due"),
    ("overdue_principal", "overdue principal"),
    ("overdue_interest", "overdue interest"),
    ("accrued_interest", "interest accrued, not yet due"),
    ("penalty_interest", "penalty interest"),
    ("compound_interest", "compound interest"),
    ("contract_fees", "fees"),
    ("enforcement_costs", "enforcement costs"),
)


# ----------------------------------------------------------------------------------------
# shared validation
# ----------------------------------------------------------------------------------------
def _resolve_penalty(annual_rate: Decimal, penalty_rate, penalty_markup, rs) -> tuple[Decimal, Decimal | None]:
    """The penalty rate and its markup over the contract rate, checked against the rule set."""
    markup = None
    if penalty_markup is not None:
        markup = as_decimal("penalty_markup", penalty_markup)
        if markup < 0:
            raise InputError("penalty_markup", penalty_markup, "a markup >= 0 (0.5 for +50%)")
    if penalty_rate is None:
        if markup is None:
            markup = rs.default_penalty_markup
        elif not rs.markup_allowed(markup):
            raise InputError("penalty_markup", penalty_markup, rs.markup_text())
        if annual_rate * (1 + markup) > 1:  # the same bound as a penalty_rate given directly
            raise InputError("penalty_markup", penalty_markup,
                             f"a markup that keeps the penalty rate at most 1 (100% a year): at most "
                             f"{(1 / annual_rate - 1).quantize(Decimal('0.0001'), rounding='ROUND_DOWN')}")
        return annual_rate * (1 + markup), markup
    rate = check_rate("penalty_rate", penalty_rate)
    if markup is not None:
        expected = annual_rate * (1 + markup)
        if abs(rate - expected) > Decimal("1e-9"):
            raise InputError("penalty_rate", penalty_rate,
                             f"the contract rate x (1 + penalty_markup) = {expected} when both are given")
    if annual_rate == 0:
        return rate, None
    implied = rate / annual_rate - 1
    if not rs.markup_allowed(implied):
        low, high = rs.penalty_markup_range
        raise InputError(
            "penalty_rate", penalty_rate,
            f"a rate from {annual_rate * (1 + low)} to {annual_rate * (1 + high)}, i.e. "
            + rs.markup_text(),
            hint=f"{rate} is the contract rate {'+' if implied >= 0 else '-'}{_rules._pct(abs(implied))}",
        )
    return rate, (markup if markup is not None else implied)


def _minor(field_name: str, value, units: int) -> int:
    """An amount >= 0 in exact minor units; more decimals than the currency has is an error."""
    check_amount(field_name, value, allow_zero=True)
    return money.to_minor(value, units, field=field_name, exact=True)


def _accrual_day_count(value, rs) -> str:
    return rs.accrual_day_count if value is None else normalize_day_count(value, field="accrual_day_count")


def _read_dated(name: str, items, start: _dt.date, as_of: _dt.date, units: int) -> tuple:
    """Dated amounts as ((date, minor units), ...), each date from ``start`` to ``as_of``."""
    if items is None:
        return ()
    if isinstance(items, pd.DataFrame):
        if not {"date", "amount"} <= set(items.columns):
            raise InputError(name, list(items.columns), "a DataFrame with columns date and amount")
        pairs = list(zip(items["date"], items["amount"], strict=True))
    elif isinstance(items, pd.Series):
        pairs = list(items.items())
    elif isinstance(items, Mapping):
        pairs = list(items.items())
    else:
        try:
            pairs = [tuple(p) for p in items]
        except TypeError:
            raise InputError(name, items, "a sequence of (date, amount) pairs") from None
    out = []
    for i, pair in enumerate(pairs):
        if len(pair) != 2:
            raise InputError(f"{name}[{i}]", pair, "a pair (date, amount)")
        day = check_date(f"{name}[{i}].date", pair[0])
        if not start <= day <= as_of:
            raise InputError(f"{name}[{i}].date", day,
                             f"a date from the loan start {start} to the claim date {as_of}")
        minor = _minor(f"{name}[{i}].amount", pair[1], units)
        if minor > MAX_BATCH_MINOR:  # replayed in int64 arrays
            raise InputError(f"{name}[{i}].amount", pair[1], f"an amount of at most {MAX_BATCH_MINOR:,} minor units")
        out.append((day, minor))
    return tuple(out)


def _fmt(amount: Decimal, units: int) -> str:
    return f"{amount:,.{units}f}"


# ----------------------------------------------------------------------------------------
# Loan
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loan:
    """The original loan contract.

    Parameters
    ----------
    principal : number
        Amount lent, > 0, with at most the currency's decimals.
    annual_rate : number
        Contract rate, annual, as a fraction (0.0435).
    periods : int
        Number of instalments.
    start : date
        Drawdown date; the first instalment falls due one period later.
    method : str or sequence
        Any method of :func:`repayplan.amortize` (``"level"`` 等额本息,
        ``"equal_principal"`` 等额本金, ``"interest_only"``, or the payments).
    frequency : int
        Instalments a year (12).
    day_count : str
        Day count of the contractual schedule (``"30/360"``).
    penalty_rate : number, optional
        Absolute penalty (overdue) rate.
    penalty_markup : number, optional
        The penalty rate as a markup over the contract rate (0.5 for +50 %).  With neither
        given, the rule set's default markup applies (cn-bank +50 %, others +0 %).
    rules : str or RuleSet
        ``"cn-bank"``, ``"cn-private"``, ``"generic"`` (default) or a RuleSet.
    currency : str
        ISO code (CNY).
    signed : date, optional
        Contract date (for rate caps); default ``start``.
    product : {"loan", "credit_card"}
    accrual_day_count : str, optional
        Day count of daily penalty and compound accrual; default the rule set's (ACT/360).
    options : mapping, optional
        Further keywords of :func:`repayplan.amortize` (``grace``, ``fee``,
        ``amortization_periods``, ``rate_changes``, ``business_day``, ``holidays`` ...).
        A ``"deferral"`` grace (capitalised interest) is not supported in a claim.

    Raises
    ------
    InputError
        A penalty markup outside the rule set's range (cn-bank: +30 % to +50 %) or any
        invalid argument.  Rate caps are legal matters: see :func:`repayplan.rules.check`.

    Examples
    --------
    A 1.2 million yuan, 3-year 等额本息 loan at 4.35 % with penalty at +50 %:

    >>> from datetime import date
    >>> loan = Loan(principal=1_200_000, annual_rate=0.0435, periods=36, start=date(2025, 1, 1),
    ...             method="level", penalty_rate=0.0435 * 1.5, rules="cn-bank")
    >>> loan.schedule().payment, loan.penalty_markup, loan.maturity
    (Decimal('35615.92'), Decimal('0.5'), datetime.date(2028, 1, 1))
    """

    principal: Decimal
    annual_rate: Decimal
    periods: int
    start: _dt.date
    method: object = "level"
    frequency: int = 12
    day_count: str = "30/360"
    penalty_rate: Decimal | None = None
    penalty_markup: Decimal | None = None
    rules: object = "generic"
    currency: str = "CNY"
    signed: _dt.date | None = None
    product: str = "loan"
    accrual_day_count: str | None = None
    options: Mapping = field(default_factory=dict, hash=False)

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        units = money.minor_units_for(self.currency)
        put("currency", self.currency.upper())
        put("principal", money.from_minor(_minor("principal", self.principal, units), units))
        if self.principal <= 0:
            raise InputError("principal", self.principal, "an amount > 0")
        put("annual_rate", check_rate("annual_rate", self.annual_rate))
        put("periods", check_int("periods", self.periods, low=1, high=1200))
        put("start", check_date("start", self.start))
        rs = _rules.get(self.rules)
        put("rules", rs)
        rate, markup = _resolve_penalty(self.annual_rate, self.penalty_rate, self.penalty_markup, rs)
        put("penalty_rate", rate)
        put("penalty_markup", markup)
        put("signed", self.start if self.signed is None else check_date("signed", self.signed))
        check_choice("product", self.product, PRODUCTS)
        put("accrual_day_count", _accrual_day_count(self.accrual_day_count, rs))
        if not isinstance(self.options, Mapping):
            raise InputError("options", self.options, "a mapping of further amortize keywords")
        clash = sorted(set(self.options) & set(_LOAN_FIELDS))
        if clash:
            raise InputError(f"options[{clash[0]!r}]", self.options[clash[0]],
                             "given as a Loan argument, not in options")
        if self.options.get("grace") and self.options.get("grace_kind") == "deferral":
            raise InputError("options['grace_kind']", "deferral",
                             "'interest_only' (a claim does not replay capitalised interest)")
        put("options", MappingProxyType(dict(self.options)))
        put("_schedule", self._build_schedule())

    def _build_schedule(self):
        from .schedule import amortize

        return amortize(
            self.principal, self.annual_rate, self.periods, frequency=self.frequency,
            method=self.method, start=self.start, day_count=self.day_count,
            currency=self.currency, **self.options,
        )

    # -- the contract ----------------------------------------------------------------------
    def schedule(self):
        """The contractual schedule (a :class:`repayplan.schedule.Schedule` with due dates).

        A 120,000 yuan loan at 6 % drawn on 31 January, repaid monthly over a year: the
        first instalment falls due on the last day of February (end-of-month rule) with
        ``120,000 × 0.5 % = 600.00`` of interest, and the level payment is
        ``120,000 × 0.005 / (1 − 1.005^−12) = 10,327.97``.

        >>> from datetime import date
        >>> loan = Loan(principal=120_000, annual_rate=0.06, periods=12, start=date(2025, 1, 31))
        >>> loan.schedule().table.loc[:1, ["period", "date", "payment", "interest", "principal"]]
           period       date   payment interest principal
        0       1 2025-02-28  10327.97   600.00   9727.97
        1       2 2025-03-31  10327.97   551.36   9776.61
        """
        return self._schedule

    @property
    def minor_units(self) -> int:
        """Minor units of the loan's currency (CNY 2, JPY 0).

        >>> from datetime import date
        >>> Loan(principal=5_000_000, annual_rate=0.02, periods=12, start=date(2025, 1, 1),
        ...      currency="JPY").minor_units
        0
        """
        return money.minor_units_for(self.currency)

    @property
    def maturity(self) -> _dt.date:
        """Due date of the last instalment.

        Six quarterly instalments from 15 January 2025: the last falls due 18 months
        later.

        >>> from datetime import date
        >>> Loan(principal=100_000, annual_rate=0.06, periods=6, frequency=4,
        ...      start=date(2025, 1, 15)).maturity
        datetime.date(2026, 7, 15)
        """
        return self._schedule.table["date"].iloc[-1].date()

    @property
    def term_months(self) -> int:
        """Original term in whole months, from ``start`` to ``maturity`` (rounded up).

        The term the 展期 (extension) limits of ``cn-bank`` are measured against:

        >>> from datetime import date
        >>> Loan(principal=100_000, annual_rate=0.06, periods=6, frequency=4,
        ...      start=date(2025, 1, 15)).term_months
        18
        """
        return math.ceil(_rules._months_between(self.start, self.maturity))

    def replace(self, **changes) -> Loan:
        """A copy with some terms changed; a new rate keeps the penalty markup.

        Examples
        --------
        >>> from datetime import date
        >>> loan = Loan(100_000, 0.06, 12, date(2025, 1, 1), penalty_markup=0.5, rules="cn-bank")
        >>> loan.replace(annual_rate=0.04).penalty_rate
        Decimal('0.060')
        """
        if "annual_rate" in changes and not {"penalty_rate", "penalty_markup"} & set(changes):
            if self.penalty_markup is not None:
                changes = {**changes, "penalty_rate": None, "penalty_markup": self.penalty_markup}
        elif "penalty_markup" in changes and "penalty_rate" not in changes:
            changes = {**changes, "penalty_rate": None}
        elif "penalty_rate" in changes and "penalty_markup" not in changes:
            changes = {**changes, "penalty_markup": None}
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        method = self.method if isinstance(self.method, str) else "custom"
        return (f"Loan({_fmt(self.principal, self.minor_units)} {self.currency} at "
                f"{_rules._pct(self.annual_rate)}, {self.periods} {method} instalments "
                f"({self.frequency} a year) from {self.start}, penalty "
                f"{_rules._pct(self.penalty_rate)}, rules {self.rules.name!r})")

    def _repr_html_(self) -> str:
        return f"<div><b>{self!r}</b>{self._schedule._repr_html_()}</div>"

    # -- what is owed -------------------------------------------------------------------------
    def claim(self, as_of, payments=(), *, costs=(), fees=(), accelerate=None) -> Claim:
        """What the borrower owes on ``as_of``, given the payments made.

        Parameters
        ----------
        as_of : date
            The claim date, on or after ``start``.
        payments : sequence of (date, amount), Mapping, Series or DataFrame(date, amount)
            Payments received, each dated from ``start`` to ``as_of``, amount >= 0.
            Same-day payments are applied in the order given.
        costs : sequence of (date, amount)
            Costs of enforcing the claim (litigation, preservation, lawyers) incurred on
            those dates (实现债权的有关费用: first in the Art. 561 order).
        fees : sequence of (date, amount)
            Other fees agreed in the contract, due on those dates (with the schedule's own
            ``fee`` column, if any).
        accelerate : date, optional
            The lender declared the whole loan due on this date (加速到期): the
            interest accrued in the current period and all principal not yet due fall due
            then, and from the next day bear penalty interest.

        Returns
        -------
        Claim
            With ``breakdown`` (one row per instalment), ``charges`` and ``allocations``
            (one row per payment) that explain every figure.

        Raises
        ------
        InputError
            ``as_of`` before ``start``; a payment, cost or fee dated before ``start`` or
            after ``as_of``; a negative amount or one with more decimals than the currency.

        Notes
        -----
        The penalty owed on an instalment is the exact sum, over the stretches between
        events, of its unpaid principal :math:`P_j` times the penalty rate times the days
        :math:`n_j` (ACT/360), less what was paid, rounded half-up once:

        .. math:: S = \\mathrm{round}\\Big(\\sum_j P_j \\, r_p \\, n_j / 360\\Big) - \\text{paid},

        and compound interest likewise on its unpaid contract interest :math:`I_j`.  With
        nothing paid since the due date this is :math:`\\mathrm{round}(P \\, r_p \\, n / 360)`.

        Examples
        --------
        A 120,000 yuan loan at 6 % over 12 months (等额本金: 10,000 principal a month), nothing
        paid after the first two instalments; on 2025-05-11 instalments 3 and 4 are overdue
        by 40 and 10 days (penalty at 9 %: 100.00 + 25.00; compound on their interest of 500
        and 450: 5.00 + 1.13):

        >>> from datetime import date
        >>> loan = Loan(120_000, 0.06, 12, date(2025, 1, 1), method="equal_principal",
        ...             penalty_markup=0.5, rules="cn-bank")
        >>> c = loan.claim(date(2025, 5, 11), payments=[(date(2025, 2, 1), 10_600),
        ...                                              (date(2025, 3, 1), 10_550)])
        >>> c.overdue_principal, c.overdue_interest, c.penalty, c.compound
        (Decimal('20000.00'), Decimal('950.00'), Decimal('131.13'), Decimal('6.13'))
        """
        day = check_date("as_of", as_of)
        if day < self.start:
            raise InputError("as_of", day, f"a date on or after the loan start {self.start}")
        units = self.minor_units
        pays = _read_dated("payments", payments, self.start, day, units)
        cost_items = _read_dated("costs", costs, self.start, day, units)
        fee_items = _read_dated("fees", fees, self.start, day, units)
        acc = None
        if accelerate is not None:
            acc = check_date("accelerate", accelerate)
            if not self.start <= acc <= day:
                raise InputError("accelerate", acc,
                                 f"a date from the loan start {self.start} to the claim date {day}")
        ledger = _Ledger.from_loan(self, cost_items, fee_items)
        ledger.run(day, pays, acc)
        return ledger.claim(self, day, pays, cost_items, fee_items, acc)


# ----------------------------------------------------------------------------------------
# the ledger: a loan's instalments replayed against payments, in minor units
# ----------------------------------------------------------------------------------------
_zeros = money.object_zeros
_ints = money.object_ints
_split = money.apportion


def pay_ahead(ledger, t, k: int, rest: int, row: dict) -> tuple[int, int | None]:
    """Money beyond what is due: interest accrued to date on instalment ``k``, then principal.

    Shared by the loan ledger here and the agreement replay in :mod:`repayplan.tracking`;
    ``ledger`` has the per-instalment arrays ``i_paid, i_ahead, i_sched, p_out, p_paid,
    p_ahead, begin, acc0`` and ``accrued(k, t)``.  The remaining instalments keep their
    dates and shrink pro rata: with balance :math:`B` and prepayment :math:`x`, principal
    parts scale by :math:`(B - x) / B` (largest remainders, exact in sum) and so does the
    interest still to accrue.  Returns what is left of ``rest`` and the principal left after
    a prepayment (``None`` when no principal was prepaid); ``row`` records both amounts.
    """
    a = ledger.accrued(k, t)
    x = min(rest, max(0, a - ledger.i_paid[k]))
    ledger.i_paid[k] += x
    ledger.i_ahead[k] += x
    rest -= x
    row["interest_ahead"] = x
    balance = int(ledger.p_out[k:].sum())
    if rest <= 0 or balance <= 0:
        return rest, None
    xp = min(rest, balance)
    rest -= xp
    row["principal_ahead"] = xp
    left = balance - xp
    ledger.i_sched[k] = a + money.div_round((ledger.i_sched[k] - a) * left, balance)
    ledger.begin[k], ledger.acc0[k] = t, a
    ledger.i_sched[k + 1:] = money.div_round(ledger.i_sched[k + 1:] * left, balance)
    new = _split(ledger.p_out[k:], left, balance)
    ledger.p_paid[k:] += ledger.p_out[k:] - new
    ledger.p_ahead[k:] += ledger.p_out[k:] - new
    ledger.p_out[k:] = new
    return rest, left


class _Ledger:
    """Per-instalment state; the loop is over events (payments), the arithmetic over instalments."""

    def __init__(self, *, start, due, interest, principal, charges, penalty_rate, compound, day_count,
                 order, by, units):
        n = len(due)
        self.units = units
        self.t = np.datetime64(start, "D")
        self.due = due.copy()
        self.begin = np.concatenate([[self.t], due[:-1]]).astype("datetime64[D]")
        self.acc0 = _zeros(n)  # contract interest accrued at ``begin`` (moves after a prepayment)
        self.i_sched, self.p_out = _ints(interest), _ints(principal)
        self.p_due = self.p_out.copy()
        # pen_n, comp_n: penalty and compound interest carried exactly, in 1/den minor units
        for name in ("i_paid", "p_paid", "p_ahead", "i_ahead", "pen_n", "comp_n", "pen_paid",
                     "comp_paid"):
            setattr(self, name, _zeros(n))
        self.ch_day = np.array([np.datetime64(d, "D") for d, _, _, _ in charges], dtype="datetime64[D]")
        self.ch_kind = np.array([k for _, k, _, _ in charges], dtype=object)
        self.ch_amt = _ints([a for _, _, a, _ in charges])
        self.ch_sched = np.array([s for _, _, _, s in charges], dtype=bool)  # from the schedule
        self.ch_paid = _zeros(len(charges))
        r = Fraction(penalty_rate)
        self.num, self.den = r.numerator, r.denominator * DAY_COUNT_DENOMINATOR[day_count]
        self.compound, self.day_count = compound, day_count
        self.order, self.by = order, by
        self.credit = 0
        self.log: list[dict] = []
        self.accelerated = None

    @classmethod
    def from_loan(cls, loan: Loan, costs, fees) -> _Ledger:
        s = loan.schedule()
        m = s.minor
        due = s.table["date"].to_numpy().astype("datetime64[D]")
        principal = m["principal"].to_numpy()
        if (principal < 0).any():
            raise InputError("options", dict(loan.options), "a schedule without capitalised interest")
        charges = [(d, "costs", a, False) for d, a in costs] + [(d, "fees", a, False) for d, a in fees]
        fee = m["fee"].to_numpy()
        charges += [(d, "fees", int(a), True) for d, a in zip(due.astype(_dt.date), fee, strict=True)
                    if a]
        charges.sort(key=lambda c: c[0])
        rs = loan.rules
        return cls(start=loan.start, due=due, interest=m["interest"].to_numpy(), principal=principal,
                   charges=charges, penalty_rate=loan.penalty_rate, compound=rs.compound_interest,
                   day_count=loan.accrual_day_count, order=rs.allocation_order, by=rs.allocation_by,
                   units=loan.minor_units)

    # -- time ------------------------------------------------------------------------------------
    def current(self, t) -> int:
        """Index of the first instalment not yet due on ``t`` (``len`` when all are due)."""
        return int(np.searchsorted(self.due, t, side="right"))

    def accrued(self, k: int, t) -> int:
        """Contract interest of period ``k`` accrued by ``t``, evenly over its actual days."""
        span = int((self.due[k] - self.begin[k]).astype(np.int64))
        gone = int((t - self.begin[k]).astype(np.int64))
        return self.acc0[k] + money.div_round((self.i_sched[k] - self.acc0[k]) * gone, span)

    def accrue_to(self, t) -> None:
        """Penalty (and compound) interest on what is overdue, from the last event to ``t``."""
        if t <= self.t:
            return
        late = self.due < t
        if late.any():
            since = np.maximum(self.due[late], self.t)
            days = accrual_numerators(since, t, self.day_count).astype(object)
            self.pen_n[late] += self.p_out[late] * self.num * days
            if self.compound:
                self.comp_n[late] += (self.i_sched[late] - self.i_paid[late]) * self.num * days
        self.t = t

    @property
    def pen(self) -> np.ndarray:
        return money.div_round(self.pen_n, self.den)

    @property
    def comp(self) -> np.ndarray:
        return money.div_round(self.comp_n, self.den)

    def drop_scheduled_fees_after(self, t) -> None:
        """Periodic fees of the schedule stop when the loan is accelerated or repaid."""
        gone = self.ch_sched & (self.ch_day > t)
        self.ch_amt[gone] = 0

    # -- events ----------------------------------------------------------------------------------
    def run(self, as_of: _dt.date, payments, accelerate) -> None:
        events = [(d, 1, i, a) for i, (d, a) in enumerate(payments)]
        if accelerate is not None:
            events.append((accelerate, 0, 0, None))
        for d, kind, _, amount in sorted(events, key=lambda e: (e[0], e[1], e[2])):
            t = np.datetime64(d, "D")
            if kind == 0:
                self.accelerate(t)
            else:
                self.pay(t, amount)
        end = np.datetime64(as_of, "D")
        self.accrue_to(end)
        if self.credit and (self.ch_amt - self.ch_paid)[self.ch_day <= end].sum() > 0:
            self.pay(end, 0)

    def _settle(self, name: str, idx, owed, got) -> None:
        """Take a payment off exactly carried accrual; paid in full, the sub-cent rest goes too."""
        exact = getattr(self, name)
        settled = (got == owed) & (got > 0)
        exact[idx] = np.where(settled, 0, exact[idx] - got * self.den)

    def accelerate(self, t) -> None:
        self.accrue_to(t)
        k = self.current(t)
        if k >= len(self.due):
            return
        a = self.accrued(k, t)
        self.i_sched[k] = a
        self.due[k] = t
        for name in ("p_out", "p_due", "p_paid", "p_ahead"):
            arr = getattr(self, name)
            arr[k] = arr[k:].sum()
        keep = k + 1
        for name in ("due", "begin", "acc0", "i_sched", "p_out", "p_due", "i_paid", "p_paid", "p_ahead",
                     "i_ahead", "pen_n", "comp_n", "pen_paid", "comp_paid"):
            setattr(self, name, getattr(self, name)[:keep].copy())
        self.drop_scheduled_fees_after(t)
        self.accelerated = t

    def pay(self, t, amount: int) -> None:
        self.accrue_to(t)
        credit_in, total = self.credit, amount + self.credit
        n = len(self.due)
        idx = np.flatnonzero(self.due <= t)
        ch = np.flatnonzero(self.ch_day <= t)
        owed = {
            "penalty": self.pen[idx],
            "compound": self.comp[idx],
            "interest": self.i_sched[idx] - self.i_paid[idx],
            "principal": self.p_out[idx],
        }
        kinds = [k for k in owed for _ in idx] + list(self.ch_kind[ch])
        due = np.concatenate([np.tile(self.due[idx], len(owed)), self.ch_day[ch]])
        amounts = np.concatenate([*owed.values(), self.ch_amt[ch] - self.ch_paid[ch]]).astype(np.int64)
        applied, _ = _rules.allocate_minor(total, kinds, due, amounts, self.order, self.by)
        applied = applied.astype(object)
        m = len(idx)
        got = {k: applied[j * m:(j + 1) * m] for j, k in enumerate(owed)}
        self._settle("pen_n", idx, owed["penalty"], got["penalty"])
        self.pen_paid[idx] += got["penalty"]
        self._settle("comp_n", idx, owed["compound"], got["compound"])
        self.comp_paid[idx] += got["compound"]
        self.i_paid[idx] += got["interest"]
        self.p_out[idx] -= got["principal"]
        self.p_paid[idx] += got["principal"]
        on_charges = applied[4 * m:]
        self.ch_paid[ch] += on_charges
        rest = total - int(applied.sum())
        row = {
            "date": t, "amount": amount, "credit_in": credit_in,
            "costs": int(on_charges[self.ch_kind[ch] == "costs"].sum()),
            "fees": int(on_charges[self.ch_kind[ch] == "fees"].sum()),
            **{k: int(v.sum()) for k, v in got.items()},
            "interest_ahead": 0, "principal_ahead": 0,
        }
        k = self.current(t)
        if rest > 0 and k < n:
            rest, left = pay_ahead(self, t, k, rest, row)
            if left == 0:
                self.drop_scheduled_fees_after(t)
        self.credit = rest
        row["credit_out"] = rest
        self.log.append(row)

    # -- the result --------------------------------------------------------------------------------
    def claim(self, loan: Loan, as_of: _dt.date, pays, costs, fees, acc) -> Claim:
        u = self.units
        end = np.datetime64(as_of, "D")
        n = len(self.due)
        due_now = self.due <= end
        pen, comp = self.pen, self.comp
        k = self.current(end)
        i_out = _zeros(n)
        i_out[due_now] = self.i_sched[due_now] - self.i_paid[due_now]
        if k < n:
            i_out[k] = self.accrued(k, end) - self.i_paid[k]
        arrears = (self.p_out + i_out) > 0
        days = np.where(due_now & arrears, (end - self.due).astype(np.int64), 0)
        status = np.where(due_now, np.where(self.p_out + i_out + pen + comp > 0,
                                            np.where(self.due < end, "overdue", "due"), "paid"),
                          "future").astype(object)
        if k < n:
            status[k] = "current"
        dec = lambda a: money.decimals_array(np.asarray(a, dtype=object), u)  # noqa: E731
        breakdown = pd.DataFrame({
            "period": np.arange(1, n + 1),
            "due_date": self.due.astype("datetime64[s]"),
            "status": status,
            "principal_due": dec(self.p_due),
            "interest_due": dec(self.i_sched),
            "principal_paid": dec(self.p_paid),
            "interest_paid": dec(self.i_paid),
            "paid_ahead": dec(self.p_ahead + self.i_ahead),
            "days_past_due": days,
            "penalty_accrued": dec(self.pen_paid + pen),
            "compound_accrued": dec(self.comp_paid + comp),
            "penalty_paid": dec(self.pen_paid + self.comp_paid),
            "principal_outstanding": dec(self.p_out),
            "interest_outstanding": dec(i_out),
            "penalty_outstanding": dec(pen + comp),
            "outstanding": dec(self.p_out + i_out + pen + comp),
        })
        live = (self.ch_day <= end) & ~(self.ch_sched & (self.ch_amt == 0))
        ch_kind, ch_amt, ch_paid = self.ch_kind[live], self.ch_amt[live], self.ch_paid[live]
        ch_out = ch_amt - ch_paid
        charges = pd.DataFrame({
            "date": self.ch_day[live].astype("datetime64[s]"),
            "kind": ch_kind,
            "amount": dec(ch_amt),
            "paid": dec(ch_paid),
            "outstanding": dec(ch_out),
        })
        cols = ["date", "amount", "credit_in", "costs", "fees", "penalty", "compound", "interest",
                "principal", "interest_ahead", "principal_ahead", "credit_out"]
        allocations = pd.DataFrame(self.log, columns=cols)
        for c in cols[1:]:
            allocations[c] = dec(allocations[c].to_numpy())
        allocations["date"] = allocations["date"].astype("datetime64[s]")
        is_cost = ch_kind == "costs"
        return Claim(
            principal=money.from_minor(int(self.p_out.sum()), u),
            overdue_principal=money.from_minor(int(self.p_out[due_now].sum()), u),
            interest=money.from_minor(int(i_out.sum()), u),
            overdue_interest=money.from_minor(int(i_out[due_now].sum()), u),
            penalty=money.from_minor(int((pen + comp).sum()), u),
            compound=money.from_minor(int(comp.sum()), u),
            fees=money.from_minor(int(ch_out.sum()), u),
            enforcement_costs=money.from_minor(int(ch_out[is_cost].sum()), u),
            credit=money.from_minor(self.credit, u),
            annual_rate=loan.annual_rate,
            penalty_rate=loan.penalty_rate,
            penalty_markup=loan.penalty_markup,
            as_of=as_of,
            currency=loan.currency,
            rules=loan.rules,
            accrual_day_count=loan.accrual_day_count,
            contract_date=loan.signed,
            maturity=loan.maturity,
            term_months=loan.term_months,
            product=loan.product,
            accelerated=acc,
            breakdown=breakdown,
            charges=charges,
            allocations=allocations,
            loan=loan,
            history=(pays, costs, fees),
        )


# ----------------------------------------------------------------------------------------
# Claim
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Claim:
    """What is owed as of a date, exact to the minor unit.

    Built by :meth:`Loan.claim` from the contract and the payments, or stated directly
    (amounts in currency units, e.g. from a court judgment or a bank statement).

    Parameters
    ----------
    principal : number
        All unpaid principal, overdue or not.
    interest : number
        Unpaid contract interest: overdue, plus accrued in the current period.
    penalty : number
        Penalty interest, compound interest included.
    fees : number
        Fees and enforcement costs.
    annual_rate : number
        Contract rate.
    as_of : date
    currency : str
    overdue_principal : number
        The part of ``principal`` that is past due (default 0).
    overdue_interest : number, optional
        The part of ``interest`` past due (default all of it); it bears compound interest
        where the rule set says so.
    compound : number
        The part of ``penalty`` that is compound interest.
    enforcement_costs : number
        The part of ``fees`` that is costs of enforcement.
    penalty_rate, penalty_markup : number, optional
        As for :class:`Loan`; default the rule set's markup over ``annual_rate``.
    rules : str or RuleSet
    accrual_day_count : str, optional
    contract_date, maturity : date, optional
        Contract date and original maturity (rate caps, extension limits).
    term_months : int, optional
        Original term.
    product : {"loan", "credit_card"}
    credit : number
        Money received beyond the whole debt, held for the payer.
    accelerated : date, optional
        Date the loan was declared due in full.

    Attributes
    ----------
    total : Decimal
        ``principal + interest + penalty + fees``.
    accrued_interest : Decimal
        ``interest - overdue_interest``.
    breakdown, charges, allocations : DataFrame or None
        For a claim built from a loan: one row per instalment, per fee or cost, per payment.

    Examples
    --------
    >>> from datetime import date
    >>> c = Claim(principal=1_000_000, interest=30_000, penalty=12_000, fees=0,
    ...           annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> c.total
    Decimal('1042000.00')
    >>> c.accrue(date(2026, 12, 31)).interest     # 1,000,000 x 4.35 % x 30 / 360
    Decimal('33625.00')
    """

    principal: Decimal
    interest: Decimal = Decimal(0)
    penalty: Decimal = Decimal(0)
    fees: Decimal = Decimal(0)
    annual_rate: Decimal
    as_of: _dt.date
    currency: str = "CNY"
    overdue_principal: Decimal = Decimal(0)
    overdue_interest: Decimal | None = None
    compound: Decimal = Decimal(0)
    enforcement_costs: Decimal = Decimal(0)
    penalty_rate: Decimal | None = None
    penalty_markup: Decimal | None = None
    rules: object = "generic"
    accrual_day_count: str | None = None
    contract_date: _dt.date | None = None
    maturity: _dt.date | None = None
    term_months: int | None = None
    product: str = "loan"
    credit: Decimal = Decimal(0)
    accelerated: _dt.date | None = None
    breakdown: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    charges: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    allocations: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    loan: Loan | None = field(default=None, compare=False, repr=False)
    history: tuple = field(default=(), compare=False, repr=False)
    total: Decimal = field(init=False)
    accrued_interest: Decimal = field(init=False)

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        units = money.minor_units_for(self.currency)
        put("currency", self.currency.upper())

        def amount(name):
            v = getattr(self, name)
            put(name, money.from_minor(_minor(name, v, units), units))

        for name in ("principal", "interest", "penalty", "fees", "overdue_principal", "compound",
                     "enforcement_costs", "credit"):
            amount(name)
        if self.overdue_interest is None:
            put("overdue_interest", self.interest)
        amount("overdue_interest")
        for part, whole in (("overdue_principal", "principal"), ("overdue_interest", "interest"),
                            ("compound", "penalty"), ("enforcement_costs", "fees")):
            if getattr(self, part) > getattr(self, whole):
                raise InputError(part, getattr(self, part),
                                 f"an amount from 0 to {whole} ({getattr(self, whole)})")
        put("annual_rate", check_rate("annual_rate", self.annual_rate))
        put("as_of", check_date("as_of", self.as_of))
        rs = _rules.get(self.rules)
        put("rules", rs)
        rate, markup = _resolve_penalty(self.annual_rate, self.penalty_rate, self.penalty_markup, rs)
        put("penalty_rate", rate)
        put("penalty_markup", markup)
        put("accrual_day_count", _accrual_day_count(self.accrual_day_count, rs))
        for name in ("contract_date", "maturity", "accelerated"):
            if getattr(self, name) is not None:
                put(name, check_date(name, getattr(self, name)))
        if self.term_months is not None:
            put("term_months", check_int("term_months", self.term_months, low=1))
        check_choice("product", self.product, PRODUCTS)
        put("total", self.principal + self.interest + self.penalty + self.fees)
        put("accrued_interest", self.interest - self.overdue_interest)

    @property
    def minor_units(self) -> int:
        """Minor units of the claim's currency (CNY 2, JPY 0).

        >>> from datetime import date
        >>> Claim(principal=1_000, annual_rate=0.06, as_of=date(2026, 1, 1)).minor_units
        2
        """
        return money.minor_units_for(self.currency)

    # -- variants ---------------------------------------------------------------------------
    def replace(self, **changes) -> Claim:
        """A copy with some fields changed (a stated claim: the loan history is dropped).

        A new ``annual_rate`` keeps the penalty markup; a new ``interest`` without a new
        ``overdue_interest`` keeps the accrued part as it was.

        Examples
        --------
        >>> from datetime import date
        >>> c = Claim(principal=1_000, penalty=50, annual_rate=0.06, as_of=date(2026, 1, 1))
        >>> c.replace(penalty=0).total
        Decimal('1000.00')
        """
        if "annual_rate" in changes and not {"penalty_rate", "penalty_markup"} & set(changes):
            if self.penalty_markup is not None:
                changes = {**changes, "penalty_rate": None, "penalty_markup": self.penalty_markup}
        elif "penalty_markup" in changes and "penalty_rate" not in changes:
            changes = {**changes, "penalty_rate": None}
        elif "penalty_rate" in changes and "penalty_markup" not in changes:
            changes = {**changes, "penalty_markup": None}
        if "interest" in changes and "overdue_interest" not in changes:
            new = as_decimal("interest", changes["interest"])
            changes = {**changes, "overdue_interest": max(Decimal(0), new - self.accrued_interest)}
        if "penalty" in changes and "compound" not in changes:
            changes = {**changes, "compound": min(self.compound, as_decimal("penalty", changes["penalty"]))}
        if "fees" in changes and "enforcement_costs" not in changes:
            changes = {**changes,
                       "enforcement_costs": min(self.enforcement_costs, as_decimal("fees", changes["fees"]))}
        history = {"breakdown": None, "charges": None, "allocations": None, "loan": None, "history": ()}
        return dataclasses.replace(self, **{**history, **changes})

    def accrue(self, to_date) -> Claim:
        """The claim rolled forward to ``to_date``.

        A claim built from a loan is replayed from its history (instalments that fall due
        in between become overdue).  A stated claim accrues, over :math:`n` days of its
        accrual day count with denominator :math:`D` (360 for ACT/360),

        .. math::

            \\Delta I = \\mathrm{round}\\big((P - P_o)\\, r\\, n / D\\big), \\quad
            \\Delta S = \\mathrm{round}\\big(P_o\\, r_p\\, n / D\\big), \\quad
            \\Delta C = \\mathrm{round}\\big(I_o\\, r_p\\, n / D\\big)

        (contract interest on principal not yet due, penalty on overdue principal, and
        compound interest on overdue interest where the rule set charges it).

        Examples
        --------
        >>> from datetime import date
        >>> c = Claim(principal=100_000, overdue_principal=40_000, interest=2_000,
        ...           annual_rate=0.06, penalty_markup=0.5, rules="cn-bank", as_of=date(2026, 1, 1))
        >>> d = c.accrue(date(2026, 1, 31))   # 30 days: 60,000 x 6 % / 12; 40,000 x 9 % / 12; 2,000 x 9 % / 12
        >>> d.interest - c.interest, d.penalty - d.compound, d.compound
        (Decimal('300.00'), Decimal('300.00'), Decimal('15.00'))
        """
        day = check_date("to_date", to_date)
        if day < self.as_of:
            raise InputError("to_date", day, f"a date on or after the claim date {self.as_of}")
        if self.loan is not None:
            pays, costs, fees = self.history
            units = self.minor_units
            back = lambda items: [(d, money.from_minor(a, units)) for d, a in items]  # noqa: E731
            return self.loan.claim(day, back(pays), costs=back(costs), fees=back(fees),
                                   accelerate=self.accelerated)
        units = self.minor_units
        n = int(accrual_numerators(np.datetime64(self.as_of, "D"), np.datetime64(day, "D"),
                                   self.accrual_day_count))
        den = DAY_COUNT_DENOMINATOR[self.accrual_day_count]

        def grow(amount: Decimal, rate: Decimal) -> int:
            r = Fraction(rate)
            cents = money.to_minor(amount, units)
            return money.div_round(cents * r.numerator * n, r.denominator * den)

        d_interest = grow(self.principal - self.overdue_principal, self.annual_rate)
        d_penalty = grow(self.overdue_principal, self.penalty_rate)
        d_compound = grow(self.overdue_interest, self.penalty_rate) if self.rules.compound_interest else 0
        f = lambda m: money.from_minor(m, units)  # noqa: E731
        return dataclasses.replace(
            self,
            as_of=day,
            interest=self.interest + f(d_interest),
            penalty=self.penalty + f(d_penalty + d_compound),
            compound=self.compound + f(d_compound),
        )

    # -- reports ----------------------------------------------------------------------------
    def components(self) -> dict[str, Decimal]:
        """The claim's parts in report order; all but ``total`` add up to ``total``.

        Examples
        --------
        >>> from datetime import date
        >>> c = Claim(principal=1_000, overdue_principal=400, interest=30, penalty=12, compound=2,
        ...           fees=5, annual_rate=0.06, as_of=date(2026, 1, 1))
        >>> {k: str(v) for k, v in c.components().items()}  # doctest: +NORMALIZE_WHITESPACE
        {'principal_not_due': '600.00', 'overdue_principal': '400.00', 'overdue_interest': '30.00',
         'accrued_interest': '0.00', 'penalty_interest': '10.00', 'compound_interest': '2.00',
         'contract_fees': '5.00', 'enforcement_costs': '0.00', 'total': '1047.00'}
        """
        return {
            "principal_not_due": self.principal - self.overdue_principal,
            "overdue_principal": self.overdue_principal,
            "overdue_interest": self.overdue_interest,
            "accrued_interest": self.accrued_interest,
            "penalty_interest": self.penalty - self.compound,
            "compound_interest": self.compound,
            "contract_fees": self.fees - self.enforcement_costs,
            "enforcement_costs": self.enforcement_costs,
            "total": self.total,
        }

    def to_series(self) -> pd.Series:
        """The components as a Series with readable labels (see :meth:`components`).

        >>> from datetime import date
        >>> c = Claim(principal=1_000, overdue_principal=400, interest=30, penalty=12, compound=2,
        ...           fees=5, annual_rate=0.06, as_of=date(2026, 1, 1))
        >>> c.to_series()
        principal not yet due             600.00
        overdue principal                 400.00
        overdue interest                   30.00
        interest accrued, not yet due       0.00
        penalty interest                   10.00
        compound interest                   2.00
        fees                                5.00
        enforcement costs                   0.00
        total                            1047.00
        Name: claim as of 2026-01-01, dtype: object
        """
        labels = dict(_COMPONENTS) | {"total": "total"}
        comp = self.components()
        return pd.Series({labels[k]: v for k, v in comp.items()}, name=f"claim as of {self.as_of}")

    def __repr__(self) -> str:
        u = self.minor_units
        return (f"Claim(as of {self.as_of}, {self.currency}: principal {_fmt(self.principal, u)} "
                f"(overdue {_fmt(self.overdue_principal, u)}), interest {_fmt(self.interest, u)}, "
                f"penalty {_fmt(self.penalty, u)}, fees {_fmt(self.fees, u)}, "
                f"total {_fmt(self.total, u)}; rules {self.rules.name!r})")

    def _repr_html_(self) -> str:
        head = self.to_series().to_frame().to_html(header=False)
        body = "" if self.breakdown is None else self.breakdown.to_html(index=False)
        return f"<div><b>{self!r}</b>{head}{body}</div>"
