"""What is owed: the original contract (:class:`Loan`) and the claim as of a date (:class:`Claim`).

A :class:`Loan` is the contract as signed; ``loan.claim(as_of, payments)`` replays its
contractual schedule against the payments actually made and states, to the cent, what
the borrower owes on ``as_of`` and why.  A :class:`Claim` can also be stated directly
when the history is not available.  Both are replayed by the one ledger,
:func:`repayplan.ledger.replay`, which agreements use too.

Under a rule set with a rate cap (cn-private: 4 × the one-year LPR at the contract date,
法释〔2020〕17号 Arts. 25, 28, 29; for contracts made before 2020-08-20, 24 % to 2020-08-19
and 4 × the LPR at the claim date after, Art. 31) the claim states what a court supports:
interest and penalty at the capped rates, payments applied to them, and
``excess_interest`` apart.

Conventions (all exact, in integer minor units)
-----------------------------------------------
* An instalment falls due on its due date; from the next day its unpaid principal bears
  penalty interest at the penalty rate (which replaces the contract rate, as
  银发〔2003〕251号 三 says), and, where the rule set says so, its unpaid contract interest
  bears compound interest at the penalty rate.  Accrual is daily on the rule set's day
  count (ACT/360: ``amount × rate × days / 360``).  Accrual is carried exactly and rounded
  half-up to the cent only where it is shown or paid (``accrual_rounding="exact"``, the
  default; ``"per_stretch"`` and ``"per_day"`` on request), so a payment that does not
  touch the penalty does not move it; a penalty paid in full is settled (its sub-cent
  remainder is dropped).  Compound interest is not charged on penalty or compound
  interest; it runs at the penalty rate, or under a rule set with
  ``compound_rate="contract"`` at the contract rate until maturity.
* The costs of realising the claim are paid first in every order (Civil Code Art. 561).
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
from dataclasses import field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _value as _v
from . import ledger as _ledger
from . import money
from . import rules as _rules
from ._validate import (
    as_decimal,
    check_amount,
    check_date,
    check_rate,
)
from .calendar import accrual_numerators, months_between, normalize_day_count
from .errors import InputError
from .money import percent

if TYPE_CHECKING:
    from .schedule import Schedule

__all__ = ["Loan", "Claim", "PRODUCTS"]

#: Products a loan can be (credit-card debt has its own instalment rule under cn-bank; a
#: working-capital loan the term limits of the 2024 measures, :func:`repayplan.books.term_limit_findings`).
PRODUCTS: tuple[str, ...] = ("loan", "credit_card", "working_capital")

_LOAN_FIELDS = (
    "principal",
    "annual_rate",
    "periods",
    "frequency",
    "method",
    "start",
    "day_count",
    "currency",
)
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
def _resolve_penalty(
    annual_rate: Decimal, penalty_rate, penalty_markup, rs
) -> tuple[Decimal, Decimal | None]:
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
            raise InputError(
                "penalty_markup",
                penalty_markup,
                f"a markup that keeps the penalty rate at most 1 (100% a year): at most "
                f"{(1 / annual_rate - 1).quantize(Decimal('0.0001'), rounding='ROUND_DOWN')}",
            )
        return annual_rate * (1 + markup), markup
    rate = check_rate("penalty_rate", penalty_rate)
    if markup is not None:
        expected = annual_rate * (1 + markup)
        if abs(rate - expected) > Decimal("1e-9"):
            raise InputError(
                "penalty_rate",
                penalty_rate,
                f"the contract rate x (1 + penalty_markup) = {expected} when both are given",
            )
    if annual_rate == 0:  # no markup is implied; one given (or derived before) is kept
        return rate, markup
    implied = rate / annual_rate - 1
    if not rs.markup_allowed(implied):
        low, high = rs.penalty_markup_range
        raise InputError(
            "penalty_rate",
            penalty_rate,
            f"a rate from {annual_rate * (1 + low)} to {annual_rate * (1 + high)}, i.e. "
            + rs.markup_text(),
            hint=f"{rate} is the contract rate {'+' if implied >= 0 else '-'}{percent(abs(implied))}",
        )
    return rate, (markup if markup is not None else implied)


def _minor(field_name: str, value, units: int) -> int:
    """An amount >= 0 in exact minor units; more decimals than the currency has is an error."""
    check_amount(field_name, value, allow_zero=True)
    return money.to_minor(value, units, field=field_name, exact=True)


def _accrual_day_count(value, rs) -> str:
    return (
        rs.accrual_day_count
        if value is None
        else normalize_day_count(value, field="accrual_day_count")
    )


def _read_dated(name: str, items, start: _dt.date, as_of: _dt.date, units: int) -> tuple:
    """Dated amounts as ((date, minor units), ...), each date from ``start`` to ``as_of``."""
    return _ledger.read_payments(
        items,
        start,
        as_of,
        units,
        name=name,
        allowed=f"a date from the loan start {start} to the claim date {as_of}",
    )


def _fmt(amount: Decimal, units: int) -> str:
    return money.format_number(amount, units)


def _currency(name: str, value) -> str:
    money.minor_units_for(value)  # a code the library knows (the error names the currency)
    return value.upper()


_RULES: _v.Check = lambda _, value: _rules.get(value)  # noqa: E731  # a name or a RuleSet
_PRODUCT = _v.choice(*PRODUCTS)
_ROUNDING = _v.choice(*_ledger.ACCRUAL_ROUNDING)
_DATE = _v.optional(_v.date)


# ----------------------------------------------------------------------------------------
# Loan
# ----------------------------------------------------------------------------------------
class Loan(_v.Value):
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
    product : {"loan", "credit_card", "working_capital"}
        ``"working_capital"`` (流动资金贷款): :func:`repayplan.rules.check` holds a plan to the
        term limits of the 2024 working-capital loan measures.
    accrual_day_count : str, optional
        Day count of daily penalty and compound accrual; default the rule set's (ACT/360).
    options : mapping, optional
        Further keywords of :func:`repayplan.amortize` (``grace``, ``fee``,
        ``amortization_periods``, ``rate_changes``, ``business_day``, ``holidays`` ...).
        A ``"deferral"`` grace (capitalised interest) is not supported in a claim.
    accrual_rounding : {"exact", "per_stretch", "per_day"}
        The accrual-rounding policy of penalty and compound interest
        (:data:`repayplan.ledger.ACCRUAL_ROUNDING`): carried exactly and rounded once where
        stated (default), or rounded per stretch between events or per day.

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

    principal: Decimal  # in the currency's minor units: checked in _check, after the currency
    annual_rate: Decimal = _v.field(check=_v.rate(exact=True))
    periods: int = _v.field(check=_v.int_in(1, 1200))
    start: _dt.date = _v.field(check=_v.date)
    method: object = "level"
    frequency: int = 12
    day_count: str = "30/360"
    penalty_rate: Decimal = None  # type: ignore[assignment]  # None: derived in _check
    penalty_markup: Decimal | None = None
    #: a RuleSet once made (a rule-set name is accepted)
    rules: _rules.RuleSet | Any = _v.field(default="generic", check=_RULES)
    currency: str = _v.field(default="CNY", check=_currency)
    signed: _dt.date = _v.field(default=None, check=_DATE)  # None: the start date
    product: str = _v.field(default="loan", check=_PRODUCT)
    accrual_day_count: str = None  # type: ignore[assignment]  # None: from the rules
    options: Mapping = field(default_factory=dict, hash=False)
    accrual_rounding: str = _v.field(default="exact", check=_ROUNDING)

    def _check(self) -> None:
        def put(name, value):
            object.__setattr__(self, name, value)

        units = money.minor_units_for(self.currency)
        put("principal", money.from_minor(_minor("principal", self.principal, units), units))
        if self.principal <= 0:
            raise InputError("principal", self.principal, "an amount > 0")
        rs = self.rules
        rate, markup = _resolve_penalty(
            self.annual_rate, self.penalty_rate, self.penalty_markup, rs
        )
        put("penalty_rate", rate)
        put("penalty_markup", markup)
        if self.signed is None:
            put("signed", self.start)
        put("accrual_day_count", _accrual_day_count(self.accrual_day_count, rs))
        if not isinstance(self.options, Mapping):
            raise InputError("options", self.options, "a mapping of further amortize keywords")
        clash = sorted(set(self.options) & set(_LOAN_FIELDS))
        if clash:
            raise InputError(
                f"options[{clash[0]!r}]",
                self.options[clash[0]],
                "given as a Loan argument, not in options",
            )
        if self.options.get("grace") and self.options.get("grace_kind") == "deferral":
            raise InputError(
                "options['grace_kind']",
                "deferral",
                "'interest_only' (a claim does not replay capitalised interest)",
            )
        put("options", MappingProxyType(dict(self.options)))
        if TYPE_CHECKING:  # set by object.__setattr__, not a dataclass field
            self._schedule: Schedule
        put("_schedule", self._build_schedule())

    def _build_schedule(self) -> Schedule:
        from .schedule import amortize

        return amortize(
            self.principal,
            self.annual_rate,
            self.periods,
            frequency=self.frequency,
            method=self.method,
            start=self.start,
            day_count=self.day_count,
            currency=self.currency,
            **self.options,
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
        return math.ceil(months_between(self.start, self.maturity))

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
        return super().replace(**changes)

    def __repr__(self) -> str:
        method = self.method if isinstance(self.method, str) else "custom"
        return (
            f"Loan({_fmt(self.principal, self.minor_units)} {self.currency} at "
            f"{percent(self.annual_rate)}, {self.periods} {method} instalments "
            f"({self.frequency} a year) from {self.start}, penalty "
            f"{percent(self.penalty_rate)}, rules {self.rules.name!r})"
        )

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
                raise InputError(
                    "accelerate",
                    acc,
                    f"a date from the loan start {self.start} to the claim date {day}",
                )
        return _stated_from_loan(self, day, pays, cost_items, fee_items, acc)


# ----------------------------------------------------------------------------------------
# what a court supports
# ----------------------------------------------------------------------------------------
def _supported_rates(
    rs, annual_rate: Decimal, penalty_rate: Decimal, signed: _dt.date, as_of: _dt.date
) -> tuple[Decimal, Decimal]:
    """The contract and penalty rates a court supports under the rule set's cap.

    ``cap = k × LPR_1y(contract date)`` (法释〔2020〕17号 Arts. 25, 28, 29: the overdue rate,
    liquidated damages and fees together no higher).  A contract made before
    ``rate_cap_since`` (2020-08-20) is capped at ``k × LPR_1y(as_of)`` (Art. 31, the claim
    date standing for the date of suing) when all of its accrual lies after that date, and
    is left as agreed otherwise (with the transitional finding of :func:`repayplan.rules.check`).
    Without an LPR fixing for the date the rates are left as agreed (a finding says why).
    """
    if rs.rate_cap_lpr_multiple is None:
        return annual_rate, penalty_rate
    on = signed
    if rs.rate_cap_since is not None and signed < rs.rate_cap_since:
        on = as_of
    try:
        cap = rs.rate_cap(on)
    except InputError:
        return annual_rate, penalty_rate
    return min(annual_rate, cap), min(penalty_rate, cap)


def _stated_from_loan(loan: Loan, day: _dt.date, pays, costs, fees, acc) -> Claim:
    rs = loan.rules
    rates = _supported_rates(rs, loan.annual_rate, loan.penalty_rate, loan.signed, day)
    switch = None
    if rs.rate_cap_since is not None and loan.signed < rs.rate_cap_since:
        # a contract straddling the change of the rules (法释〔2020〕17号 第三十一条): the old
        # cap on interest to the day before, the cap at the claim date from it
        if rs.rate_cap_before is None:
            rates = (loan.annual_rate, loan.penalty_rate)
        else:
            old = (
                min(loan.annual_rate, rs.rate_cap_before),
                min(loan.penalty_rate, rs.rate_cap_before),
            )
            if day >= rs.rate_cap_since:
                switch = (rs.rate_cap_since, *rates)
            rates = old
    led = _loan_ledger(loan, day, pays, costs, fees, acc, rates=rates, switch=switch)
    if switch is not None:
        rates = switch[1:]
    excess = 0
    if rates != (loan.annual_rate, loan.penalty_rate) or switch is not None:
        full = _ledger.figures(_loan_ledger(loan, day, pays, costs, fees, acc), day)
        sup = _ledger.figures(led, day)
        owed = lambda f: (  # noqa: E731
            sum(f[k] for k in ("principal", "interest", "penalty", "fees")) - f["credit"]
        )
        excess = max(0, owed(full) - owed(sup))
    return _claim_from_ledger(led, loan, day, pays, costs, fees, acc, excess=excess, rates=rates)


# ----------------------------------------------------------------------------------------
# a loan's ledger: its schedule as the ledger's obligations, the ledger's state as a Claim
# ----------------------------------------------------------------------------------------
def _loan_ledger(loan: Loan, as_of: _dt.date, pays, costs, fees, acc, rates=None, switch=None):
    """The loan's instalments, fees and costs replayed by :func:`repayplan.ledger.replay`."""
    s = loan.schedule()
    m = s.minor
    due: np.ndarray = s.table["date"].to_numpy().astype("datetime64[D]")
    principal = m["principal"].to_numpy()
    if (principal < 0).any():
        raise InputError("options", dict(loan.options), "a schedule without capitalised interest")
    interest = m["interest"].to_numpy()
    charges = [(d, "costs", a, False) for d, a in costs] + [(d, "fees", a, False) for d, a in fees]
    fee = m["fee"].to_numpy()
    charges += [
        (d, "fees", int(a), True) for d, a in zip(due.astype(_dt.date), fee, strict=True) if a
    ]
    contract, penalty = (loan.annual_rate, loan.penalty_rate) if rates is None else rates
    if (contract != loan.annual_rate or switch is not None) and loan.annual_rate > 0:
        # the supported contract rate: each period's interest scaled to the capped rate, by
        # its days before and after a switch of the rules
        begin = np.concatenate([[np.datetime64(loan.start, "D")], due[:-1]])
        span = np.asarray(due - begin).astype(np.int64)
        r1 = contract if switch is None else switch[1]
        sw = due[-1] if switch is None else np.datetime64(switch[0], "D")
        n1 = np.clip(np.asarray(sw - begin).astype(np.int64), 0, span)
        weight = [
            Fraction(int(a)) * Fraction(contract) + Fraction(int(b - a)) * Fraction(r1)
            for a, b in zip(n1, span, strict=True)
        ]
        interest = money.object_ints(
            [
                money.div_round(
                    int(i) * (w / (int(n) * Fraction(loan.annual_rate))).numerator,
                    (w / (int(n) * Fraction(loan.annual_rate))).denominator,
                )
                if n
                else int(i)
                for i, w, n in zip(interest, weight, span, strict=True)
            ]
        )
    rs = loan.rules
    terms = _ledger.Terms(
        penalty,
        contract,
        rs.compound_interest,
        rs.compound_rate,
        loan.accrual_day_count,
        rs.allocation_order,
        rs.allocation_by,
        "principal",
        0,
        loan.accrual_rounding,
        loan.minor_units,
        switch,
    )
    return _ledger.replay(
        start=loan.start,
        due=due,
        interest=interest,
        principal=principal,
        terms=terms,
        as_of=as_of,
        payments=pays,
        charges=charges,
        accelerate=acc,
    )


def _claim_from_ledger(
    led, loan: Loan, as_of: _dt.date, pays, costs, fees, acc, excess: int = 0, rates=None
) -> Claim:
    u = loan.minor_units
    end = np.datetime64(as_of, "D")
    n = len(led.due)
    due_now = led.due <= end
    pen, comp = led.pen, led.comp
    k = led.current(end)
    i_out = money.object_zeros(n)
    i_out[due_now] = led.i_sched[due_now] - led.i_paid[due_now]
    if k < n:
        i_out[k] = led.accrued(k, end) - led.i_paid[k]
    arrears = (led.p_out + i_out) > 0
    days = np.where(due_now & arrears, (end - led.due).astype(np.int64), 0)
    status = np.where(
        due_now,
        np.where(
            led.p_out + i_out + pen + comp > 0, np.where(led.due < end, "overdue", "due"), "paid"
        ),
        "future",
    ).astype(object)
    if k < n:
        status[k] = "current"
    dec = lambda a: money.decimals_array(np.asarray(a, dtype=object), u)  # noqa: E731
    breakdown = pd.DataFrame(
        {
            "period": np.arange(1, n + 1),
            "due_date": led.due.astype("datetime64[s]"),
            "status": status,
            "principal_due": dec(led.p_due),
            "interest_due": dec(led.i_sched),
            "principal_paid": dec(led.p_paid),
            "interest_paid": dec(led.i_paid),
            "paid_ahead": dec(led.p_ahead + led.i_ahead),
            "days_past_due": days,
            "penalty_accrued": dec(led.pen_paid + pen),
            "compound_accrued": dec(led.comp_paid + comp),
            "penalty_paid": dec(led.pen_paid + led.comp_paid),
            "principal_outstanding": dec(led.p_out),
            "interest_outstanding": dec(i_out),
            "penalty_outstanding": dec(pen + comp),
            "outstanding": dec(led.p_out + i_out + pen + comp),
        }
    )
    live = (led.ch_day <= end) & ~(led.ch_sched & (led.ch_amt == 0))
    ch_kind, ch_amt, ch_paid = led.ch_kind[live], led.ch_amt[live], led.ch_paid[live]
    ch_out = ch_amt - ch_paid
    charges = pd.DataFrame(
        {
            "date": led.ch_day[live].astype("datetime64[s]"),
            "kind": ch_kind,
            "amount": dec(ch_amt),
            "paid": dec(ch_paid),
            "outstanding": dec(ch_out),
        }
    )
    cols = [
        "date",
        "amount",
        "credit_in",
        "costs",
        "fees",
        "penalty",
        "compound",
        "interest",
        "principal",
        "interest_ahead",
        "principal_ahead",
        "credit_out",
    ]
    allocations = pd.DataFrame(led.log, columns=cols)
    for c in cols[1:]:
        allocations[c] = dec(allocations[c].to_numpy())
    allocations["date"] = allocations["date"].astype("datetime64[s]")
    is_cost = ch_kind == "costs"
    return Claim(
        principal=money.from_minor(int(led.p_out.sum()), u),
        overdue_principal=money.from_minor(int(led.p_out[due_now].sum()), u),
        interest=money.from_minor(int(i_out.sum()), u),
        overdue_interest=money.from_minor(int(i_out[due_now].sum()), u),
        penalty=money.from_minor(int((pen + comp).sum()), u),
        compound=money.from_minor(int(comp.sum()), u),
        fees=money.from_minor(int(ch_out.sum()), u),
        enforcement_costs=money.from_minor(int(ch_out[is_cost].sum()), u),
        credit=money.from_minor(led.credit, u),
        annual_rate=loan.annual_rate if rates is None else rates[0],
        penalty_rate=loan.penalty_rate if rates is None else rates[1],
        penalty_markup=(
            loan.penalty_markup
            if rates is None or rates == (loan.annual_rate, loan.penalty_rate)
            else None
        ),
        as_of=as_of,
        accrual_rounding=loan.accrual_rounding,
        excess_interest=money.from_minor(excess, u),
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
def _origin(name: str, value) -> Claim | None:
    if value is not None and not isinstance(value, Claim):
        raise InputError(
            name, type(value).__name__, "None or the repayplan.Claim this one was derived from"
        )
    return value


class Claim(_v.Value, kw_only=True):
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
    product : {"loan", "credit_card", "working_capital"}
        What the loan is: credit-card debt has the instalment limit of its rule, a
        working-capital loan (流动资金贷款) the term limits of the 2024 measures
        (:func:`repayplan.books.term_limit_findings`), both through :func:`repayplan.rules.check`.
    credit : number
        Money received beyond the whole debt, held for the payer.
    accelerated : date, optional
        Date the loan was declared due in full.
    accrual_rounding : {"exact", "per_stretch", "per_day"}
        The accrual-rounding policy of :meth:`accrue` (:data:`repayplan.ledger.ACCRUAL_ROUNDING`).
    excess_interest : number
        Interest, penalty and fees the contract charges beyond what the rule set's cap
        supports (cn-private: 4 × the one-year LPR).  The other amounts are the supported
        ones, so everything that reads ``total`` uses what a court supports; the excess is
        stated apart (and :func:`repayplan.rules.check` reports it with the rule).

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
    annual_rate: Decimal = _v.field(check=_v.rate(exact=True))
    as_of: _dt.date = _v.field(check=_v.date)
    currency: str = _v.field(default="CNY", check=_currency)
    overdue_principal: Decimal = Decimal(0)
    overdue_interest: Decimal = None  # type: ignore[assignment]  # None: all the interest
    compound: Decimal = Decimal(0)
    enforcement_costs: Decimal = Decimal(0)
    penalty_rate: Decimal = None  # type: ignore[assignment]  # None: derived in _check
    penalty_markup: Decimal | None = None
    #: a RuleSet once made (a rule-set name is accepted)
    rules: _rules.RuleSet | Any = _v.field(default="generic", check=_RULES)
    accrual_day_count: str = None  # type: ignore[assignment]  # None: from the rules
    contract_date: _dt.date | None = _v.field(default=None, check=_DATE)
    maturity: _dt.date | None = _v.field(default=None, check=_DATE)
    term_months: int | None = _v.field(default=None, check=_v.optional(_v.int_in(1)))
    product: str = _v.field(default="loan", check=_PRODUCT)
    credit: Decimal = Decimal(0)
    accelerated: _dt.date | None = _v.field(default=None, check=_DATE)
    accrual_rounding: str = _v.field(default="exact", check=_ROUNDING)
    excess_interest: Decimal = Decimal(0)
    breakdown: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    charges: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    allocations: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    loan: Loan | None = field(default=None, compare=False, repr=False)
    history: tuple = field(default=(), compare=False, repr=False)
    origin: Claim | None = _v.field(default=None, check=_origin, compare=False, repr=False)
    total: Decimal = field(init=False)
    accrued_interest: Decimal = field(init=False)

    def _check(self) -> None:  # the amounts are in the currency's minor units
        def put(name, value):
            object.__setattr__(self, name, value)

        units = money.minor_units_for(self.currency)

        def amount(name):
            v = getattr(self, name)
            put(name, money.from_minor(_minor(name, v, units), units))

        for name in (
            "principal",
            "interest",
            "penalty",
            "fees",
            "overdue_principal",
            "compound",
            "enforcement_costs",
            "credit",
            "excess_interest",
        ):
            amount(name)
        if self.overdue_interest is None:
            put("overdue_interest", self.interest)
        amount("overdue_interest")
        for part, whole in (
            ("overdue_principal", "principal"),
            ("overdue_interest", "interest"),
            ("compound", "penalty"),
            ("enforcement_costs", "fees"),
        ):
            if getattr(self, part) > getattr(self, whole):
                raise InputError(
                    part,
                    getattr(self, part),
                    f"an amount from 0 to {whole} ({getattr(self, whole)})",
                )
        rs = self.rules
        rate, markup = _resolve_penalty(
            self.annual_rate, self.penalty_rate, self.penalty_markup, rs
        )
        put("penalty_rate", rate)
        put("penalty_markup", markup)
        put("accrual_day_count", _accrual_day_count(self.accrual_day_count, rs))
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
            changes = {
                **changes,
                "compound": min(self.compound, as_decimal("penalty", changes["penalty"])),
            }
        if "fees" in changes and "enforcement_costs" not in changes:
            changes = {
                **changes,
                "enforcement_costs": min(
                    self.enforcement_costs, as_decimal("fees", changes["fees"])
                ),
            }
        history = {
            "breakdown": None,
            "charges": None,
            "allocations": None,
            "loan": None,
            "history": (),
            "origin": None,
        }
        return super().replace(**{**history, **changes})

    def accrue(self, to_date) -> Claim:
        """The claim rolled forward to ``to_date``.

        A claim built from a loan is replayed from its history (instalments that fall due
        in between become overdue).  A stated claim is replayed by the same ledger
        (:func:`repayplan.ledger.replay`) from the date it was stated, so rolling it forward
        in steps gives what one step gives.  Its principal not yet due falls due at
        ``maturity`` (with the interest accrued to then); until then it accrues contract
        interest, after it penalty interest, and overdue interest bears compound interest
        where the rule set says so.  Over :math:`n` days of its accrual day count with
        denominator :math:`D` (360 for ACT/360), carried exactly and rounded once,

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
            return self.loan.claim(
                day, back(pays), costs=back(costs), fees=back(fees), accelerate=self.accelerated
            )
        base = self.origin if self.origin is not None else self
        return _accrue_stated(base, day)

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
        return (
            f"Claim(as of {self.as_of}, {self.currency}: principal {_fmt(self.principal, u)} "
            f"(overdue {_fmt(self.overdue_principal, u)}), interest {_fmt(self.interest, u)}, "
            f"penalty {_fmt(self.penalty, u)}, fees {_fmt(self.fees, u)}, "
            f"total {_fmt(self.total, u)}; rules {self.rules.name!r})"
        )

    def _repr_html_(self) -> str:
        head = self.to_series().to_frame().to_html(header=False)
        body = "" if self.breakdown is None else self.breakdown.to_html(index=False)
        return f"<div><b>{self!r}</b>{head}{body}</div>"


def _accrue_stated(c: Claim, day: _dt.date) -> Claim:
    """A stated claim replayed by the ledger from its date to ``day``.

    Under a rule set with a rate cap, interest and penalty accrue at the supported rates
    (the cap at the contract date, or at the claim date for a contract made before the
    rule set's ``rate_cap_since``) and what the stated rates would add is set apart in
    ``excess_interest``.
    """
    rs = c.rules
    rates = (c.annual_rate, c.penalty_rate)
    if rs.rate_cap_lpr_multiple is not None and c.contract_date is not None:
        rates = _supported_rates(rs, c.annual_rate, c.penalty_rate, c.contract_date, day)
    f = _stated_figures(c, day, *rates)
    excess = 0
    if rates != (c.annual_rate, c.penalty_rate):
        full = _stated_figures(c, day, c.annual_rate, c.penalty_rate)
        owed = lambda x: x["interest"] + x["penalty"]  # noqa: E731
        excess = max(0, owed(full) - owed(f))
    u = c.minor_units
    g = lambda k: money.from_minor(f[k], u)  # noqa: E731
    changed: dict[str, Any] = (
        {}
        if rates == (c.annual_rate, c.penalty_rate)
        else {"annual_rate": rates[0], "penalty_rate": rates[1], "penalty_markup": None}
    )
    return dataclasses.replace(
        c,
        as_of=day,
        principal=g("principal"),
        overdue_principal=g("overdue_principal"),
        interest=g("interest"),
        overdue_interest=g("overdue_interest"),
        penalty=g("penalty"),
        compound=g("compound"),
        excess_interest=c.excess_interest + money.from_minor(excess, u),
        origin=c,
        **changed,
    )


def _stated_figures(c: Claim, day: _dt.date, annual_rate, penalty_rate) -> dict:
    u = c.minor_units
    m = lambda d: money.to_minor(d, u)  # noqa: E731
    rs = c.rules
    t0 = np.datetime64(c.as_of, "D")
    mat = c.maturity if c.maturity is not None and c.maturity > c.as_of else None
    end = np.datetime64(mat, "D") if mat is not None else np.datetime64("9999-12-31", "D")
    terms = _ledger.Terms(
        penalty_rate,
        annual_rate,
        rs.compound_interest,
        rs.compound_rate,
        c.accrual_day_count,
        rs.allocation_order,
        rs.allocation_by,
        "principal",
        0,
        c.accrual_rounding,
        u,
    )
    p_nd = m(c.principal - c.overdue_principal)
    i_acc = m(c.accrued_interest)
    to_maturity = 0
    if mat is not None:
        n = int(accrual_numerators(t0, end, c.accrual_day_count))
        to_maturity = money.div_round(p_nd * terms.num(annual_rate) * n, terms.den)
    overdue_since = c.accelerated or (c.as_of if c.overdue_principal > 0 or mat is None else mat)
    led = _ledger.replay(
        start=c.as_of,
        due=np.array([t0, end], dtype="datetime64[D]"),
        interest=[m(c.overdue_interest), i_acc + to_maturity],
        principal=[m(c.overdue_principal), p_nd],
        terms=terms,
        as_of=day,
        begin=[t0, t0],
        accrued=[0, i_acc],
        daily=[False, True],
        penalty=[m(c.penalty - c.compound), 0],
        compound=[m(c.compound), 0],
        maturity=overdue_since,
    )
    return _ledger.figures(led, day)
