"""Plans: immutable descriptions of the offers on the table.

A :class:`Plan` says how a :class:`~repayplan.claim.Claim` is to be repaid: the structure
and term of the new schedule, its rate, a grace period, waivers of penalty and interest,
a principal haircut, whether arrears are capitalised or paid at signing, a down payment,
a balloon, step-up or seasonal payments, or a lump-sum settlement at a discount.
``plan.schedule(claim)`` applies it and returns a cent-exact
:class:`~repayplan.schedule.Schedule` whose period 0 is the signing date.

Reconciliation
--------------
For every plan and claim, exactly::

    sum(payments) + waived == claim.total + sum(interest charged by the plan)

because the schedule's principal column sums to what is owed after the waivers.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _value as _v
from . import money
from ._memo import Memo
from ._validate import (
    as_decimal,
    check_choice,
    check_claim,
    check_date,
    check_fraction,
    check_instance,
    check_int,
    check_items,
)
from .errors import InputError
from .text import by_language

if TYPE_CHECKING:
    from .claim import Claim
    from .schedule import Schedule

__all__ = [
    "Plan",
    "PlanTerms",
    "PlanBatch",
    "apply_terms",
    "plan_batch",
    "schedules",
    "OPTION_NAMES",
]

PLAN_METHODS = ("level", "equal_principal", "interest_only")

#: The option keywords of :class:`Plan` (also the dimensions a search space may vary).
OPTION_NAMES = (
    "method",
    "term",
    "annual_rate",
    "grace",
    "grace_kind",
    "penalty_waiver",
    "interest_waiver",
    "haircut",
    "capitalize_arrears",
    "down_payment",
    "balloon",
    "step_up",
    "seasonal",
    "settlement_discount",
    "settlement_by",
)


def _step_up(name: str, value: Any) -> float:
    su = float(as_decimal(name, value))
    if not -0.5 <= su <= 1.0:
        raise InputError(
            name,
            value,
            "a yearly change from -0.5 to 1.0 (0.05 is +5% a year)",
            "a rate is a fraction" if su > 1 else None,
        )
    return su


def _seasonal(name: str, value: Any) -> tuple[float, ...]:
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        raise InputError(name, value, "None or 12 monthly weights (January..December)")
    w = tuple(float(as_decimal(f"{name}[{i}]", x)) for i, x in enumerate(value))
    if len(w) != 12:
        raise InputError(name, value, "12 monthly weights (January..December)")
    if min(w) < 0 or abs(sum(w) - 12) > 1e-9:
        raise InputError(name, value, f"12 weights >= 0 summing to 12 (these sum to {sum(w):g})")
    return w


def _fraction_below_one(name: str, value: Any) -> float:
    d = check_fraction(name, value)
    if d >= 1:
        raise InputError(name, value, "a fraction from 0 to below 1")
    return d


def _settlement_by(name: str, value: Any) -> int | _dt.date:
    if isinstance(value, (int, np.integer)):
        return check_int(name, value, low=0, high=1200)
    return check_date(name, value)


class Plan(_v.Value):
    """An offer: how a claim is to be repaid.  Defaults grant no concession.

    Parameters
    ----------
    method : {"level", "equal_principal", "interest_only"}
        Structure of the new schedule: level instalments (等额本息), equal principal
        (等额本金) or interest only with the principal at the end.
    term : int
        Months of the new schedule, grace included (1..1200).
    annual_rate : float, optional
        The plan's contract rate; ``None`` keeps the claim's rate.
    grace : int
        Months at the start with no principal repaid.
    grace_kind : {"interest_only", "deferral"}
        During grace the borrower pays the interest, or pays nothing and the interest is
        capitalised.
    penalty_waiver, interest_waiver, haircut : float
        Fractions (0..1) of the penalty interest (compound interest included), of the
        unpaid contract interest and of the principal that the creditor waives.
    capitalize_arrears : bool
        ``True``: unpaid interest, penalty and fees (after waivers) join the new principal.
        ``False``: they are paid at signing, with the down payment.
    down_payment : number
        Paid at signing (period 0), applied first to the arrears.  Kept exact, as a
        :class:`repayplan.money.Amount` (a ``Decimal`` that prints as typed: ``50000``,
        ``16666.67``); at most two decimals and 15 significant digits.
    balloon : float
        Fraction (0..1) of the balance at the end of grace left to the last instalment
        (level method only).
    step_up : float
        Yearly growth of the level payment (0.05: +5% each year after grace).
    seasonal : sequence of 12 weights, optional
        Monthly weights (January..December) summing to 12 that shape the level payment:
        a borrower paid in Q4 pays more in Q4.
    settlement_discount : float
        Lump-sum settlement: the borrower pays ``(1 - discount)`` of what is owed after
        waivers, once, at ``settlement_by``; no schedule, no further interest.
    settlement_by : int or date, optional
        Months after the claim date (or the date) of the settlement payment; default 1
        when a discount is given.
    name : str
        A label for tables and the notebook.
    waivers_conditional : bool
        Waivers are granted on condition of performance (revoked if the borrower
        defaults), as restructuring agreements usually say.
    kind : {"restructuring", "extension", "refinancing"}
        What the rule set treats the plan as.  A plan for an overdue loan is a
        restructuring (重组) by default: an extension (展期) must be applied for before
        maturity (《贷款通则》 Art. 12) and is held to the extension limits of its rule
        set; a restructuring is not, but starts an observation period under ``cn-bank``.

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000, fees=0,
    ...                  annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> plan = rp.Plan(method="level", term=36, annual_rate=0.05, penalty_waiver=0.5)
    >>> s = plan.schedule(claim)
    >>> s.payment, s.table["principal"].sum()       # 1,036,000 financed after the waiver
    (Decimal('31049.85'), Decimal('1036000.00'))
    >>> plan.replace(term=48).describe()
    'level instalments over 48 months at 5.00%, waives 50% of penalty interest'
    """

    method: str = _v.field(default="level", check=_v.choice(*PLAN_METHODS))
    term: int = _v.field(default=36, check=_v.int_in(1, 1200))
    annual_rate: float | None = _v.field(default=None, check=_v.optional(_v.rate()))
    grace: int = _v.field(default=0, check=_v.int_in(0, 1199))
    grace_kind: str = _v.field(
        default="interest_only", check=_v.choice("interest_only", "deferral")
    )
    penalty_waiver: float = _v.field(default=0.0, check=_v.fraction)
    interest_waiver: float = _v.field(default=0.0, check=_v.fraction)
    haircut: float = _v.field(default=0.0, check=_v.fraction)
    capitalize_arrears: bool = True
    down_payment: float = 0.0
    balloon: float = 0.0
    step_up: float = _v.field(default=0.0, check=_step_up)
    seasonal: tuple | None = _v.field(default=None, check=_v.optional(_seasonal))
    settlement_discount: float = _v.field(default=0.0, check=_fraction_below_one)
    settlement_by: int | _dt.date | None = _v.field(default=None, check=_v.optional(_settlement_by))
    name: str = _v.field(default="", check=_v.text())
    waivers_conditional: bool = _v.field(default=True, check=_v.flag)
    kind: str = _v.field(
        default="restructuring", check=_v.choice("restructuring", "extension", "refinancing")
    )

    #: Payments a year (plans are monthly).
    frequency = 12

    def _check(self) -> None:
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        if self.grace >= self.term:
            raise InputError("grace", self.grace, f"fewer months than the term ({self.term})")
        if not isinstance(self.capitalize_arrears, (bool, np.bool_)):
            raise InputError("capitalize_arrears", self.capitalize_arrears, "True or False")
        dp = as_decimal("down_payment", self.down_payment)
        if dp < 0:
            raise InputError("down_payment", self.down_payment, "an amount >= 0")
        _check_plan_amount("down_payment", self.down_payment, dp)
        put("down_payment", money.Amount(dp))  # exact: a Decimal that reads as typed
        b = check_fraction("balloon", self.balloon)
        if b >= 1:
            raise InputError("balloon", self.balloon, "a fraction from 0 to below 1")
        put("balloon", b)
        if (b or self.step_up or self.seasonal is not None) and self.method != "level":
            raise InputError(
                "method", self.method, "'level' with balloon, step_up or seasonal shaping"
            )

    # ------------------------------------------------------------------------------------
    @property
    def is_settlement(self) -> bool:
        """A lump-sum settlement rather than a schedule of instalments.

        A settlement discount or a settlement date makes one:

        >>> from datetime import date
        >>> Plan(settlement_discount=0.2).is_settlement, Plan(term=24).is_settlement
        (True, False)
        >>> Plan(settlement_by=date(2027, 3, 31)).is_settlement
        True
        """
        return self.settlement_discount > 0 or self.settlement_by is not None

    def options(self) -> dict:
        """The option values, by name (for tables, case files and the search).

        The keys are :data:`OPTION_NAMES`, in that order:

        >>> opts = Plan(term=24, grace=3).options()
        >>> list(opts) == list(OPTION_NAMES), opts["term"], opts["grace"], opts["annual_rate"]
        (True, 24, 3, None)
        """
        return {k: getattr(self, k) for k in OPTION_NAMES}

    def schedule(self, claim) -> Schedule:
        """The cent-exact schedule of this plan applied to ``claim`` (period 0 = signing).

        Parameters
        ----------
        claim : Claim
            What is owed, as of the signing date.

        Returns
        -------
        Schedule
            Row 0 is what is paid at signing (the down payment, arrears not capitalised);
            rows 1… are the monthly instalments from one month after ``claim.as_of``.

        Notes
        -----
        The schedule finances ``financed = owed − signing`` of :meth:`terms` at the plan's
        rate (the claim's when ``annual_rate`` is None) by :func:`repayplan.amortize`'s
        rules: interest ``round(balance × rate / 12)`` a month, the last payment clearing
        the balance.

        Examples
        --------
        The penalty interest waived, the 30,000.00 of overdue interest paid at signing and
        the 1,000,000.00 of principal repaid over 12 months at 4.35 %: the first month's
        interest is ``1,000,000 × 0.0435 / 12 = 3,625.00``.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> claim = Claim(principal=1_000_000, interest=30_000, penalty=12_000,
        ...               annual_rate=0.0435, as_of=date(2026, 12, 1))
        >>> s = Plan(term=12, penalty_waiver=1, capitalize_arrears=False).schedule(claim)
        >>> s.table.loc[:2, ["period", "date", "payment", "interest", "principal", "closing_balance"]]
           period       date   payment interest principal closing_balance
        0       0 2026-12-01  30000.00     0.00  30000.00      1000000.00
        1       1 2027-01-01  85309.90  3625.00  81684.90       918315.10
        2       2 2027-02-01  85309.90  3328.89  81981.01       836334.09
        >>> s.total_paid - s.total_interest           # the claim less the 12,000.00 waived
        Decimal('1030000.00')
        """
        check_claim("claim", claim)
        return schedules([self], claim)[0]

    def terms(self, claim) -> PlanTerms:
        """What the plan does to the claim before any schedule: waivers, signing payment.

        The same as :func:`apply_terms` ``(plan, claim)``; see there for the equations.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> claim = Claim(principal=100_000, interest=3_000, penalty=1_000,
        ...               annual_rate=0.0435, as_of=date(2026, 12, 1))
        >>> t = Plan(haircut=0.1).terms(claim)             # 10 % of the principal waived
        >>> t.waived, t.owed                               # in fen
        (1000000, 9400000)
        """
        check_claim("claim", claim)
        return apply_terms(self, claim)

    def describe(self, lang: str = "en") -> str:
        """The plan in a sentence, in English (``"en"``) or Chinese (``"zh"``).

        >>> Plan(term=48, grace=6, penalty_waiver=0.5).describe()
        'level instalments over 48 months, 6 months interest-only grace, waives 50% of penalty interest'
        >>> Plan(term=48, grace=6, penalty_waiver=0.5).describe("zh")
        '等额本息，分48个月，宽限期6个月（只付利息），减免罚息50%'
        """
        t = _DESCRIBE[check_choice("lang", lang, tuple(_DESCRIBE))]
        parts = []
        rate = (
            ""
            if self.annual_rate is None
            else t["rate"].format(money.format_rate(self.annual_rate))
        )
        if self.is_settlement:
            when = self.settlement_by if self.settlement_by is not None else 1
            when = t["within"].format(when) if isinstance(when, int) else t["by"].format(when)
            parts.append(
                t["settlement"].format(money.format_percent(self.settlement_discount, 0), when)
            )
        else:
            parts.append(t["structure"].format(t[self.method], self.term, rate))
            if self.grace:
                parts.append(t["grace_" + self.grace_kind].format(self.grace))
            if self.balloon:
                parts.append(t["balloon"].format(money.format_percent(self.balloon, 0)))
            if self.step_up:
                parts.append(t["step_up"].format(money.format_percent(self.step_up, 0, sign=True)))
            if self.seasonal is not None:
                parts.append(t["seasonal"].format(t["months"][int(np.argmax(self.seasonal))]))
        for k in ("penalty_waiver", "interest_waiver", "haircut"):
            v = getattr(self, k)
            if v:
                parts.append(t[k].format(money.format_percent(v, 0)))
        if not self.capitalize_arrears:
            parts.append(t["arrears_at_signing"])
        if self.down_payment:
            parts.append(t["down_payment"].format(self.down_payment))
        return t["sep"].join(parts)

    def __repr__(self) -> str:
        changed = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != f.default and f.name != "name"
        }
        inner = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        label = f"{self.name!r}" + (": " if inner else "") if self.name else ""
        return f"Plan({label}{inner})"

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
            for k, v in self.options().items()
        )
        return f"<div><b>{escape(self.name or 'Plan')}</b>: {escape(self.describe())}<table>{rows}</table></div>"


#: The texts of :meth:`Plan.describe`, by language (views of :mod:`repayplan.text`'s tables
#: ``plans.describe`` and ``plans.months``); percents are formatted by
#: :func:`repayplan.money.format_percent` before they are filled in (the down payment, an
#: exact :class:`repayplan.money.Amount`, is grouped as typed by ``{:,}``).
_DESCRIBE: dict[str, dict[str, Any]] = {
    lang: {**words, "months": tuple(by_language("plans.months")[lang].values())}
    for lang, words in by_language("plans.describe").items()
}


@dataclass(frozen=True)
class PlanTerms:
    """What a plan does to a claim before the schedule (amounts in minor units).

    ``owed`` is the claim total after waivers; ``signing`` is paid at period 0; the new
    schedule finances ``financed = owed - signing``; ``waived`` is what the creditor gives up.

    Attributes
    ----------
    owed : int
        The claim total less the waivers (and less a settlement discount).
    waived : int
        Everything the creditor gives up; ``waived_parts`` splits it into ``"penalty"``,
        ``"interest"``, ``"principal"`` (the haircut) and, for a settlement,
        ``"settlement"``.
    signing : int
        Paid at signing (period 0): the down payment, plus the arrears when they are not
        capitalised (or the whole settlement when it is due at once).
    financed : int
        What the new schedule repays (or the settlement paid later).
    rate : Decimal
        The plan's annual rate, or the claim's.
    settlement_month : int or None
        Month of the settlement payment; ``None`` for a schedule.
    units : int
        Minor units of the currency.
    arrears : int
        Interest, penalty and fees owed after the waivers.

    Examples
    --------
    A claim of 1,000,000.00 principal, 30,000.00 interest and 12,000.00 penalty interest:
    half the penalty waived (6,000.00), the remaining arrears ``30,000 + 6,000 = 36,000``
    paid at signing with a down payment of 50,000.00, so 86,000.00 at signing and
    ``1,036,000 − 86,000 = 950,000.00`` financed.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=1_000_000, interest=30_000, penalty=12_000,
    ...               annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> t = apply_terms(Plan(penalty_waiver=0.5, capitalize_arrears=False, down_payment=50_000),
    ...                 claim)
    >>> t.waived, t.owed, t.arrears, t.signing, t.financed
    (600000, 103600000, 3600000, 8600000, 95000000)
    """

    owed: int
    waived: int
    waived_parts: dict
    signing: int
    financed: int
    rate: Decimal
    settlement_month: int | None
    units: int
    arrears: int = 0
    components: dict = field(default_factory=dict)


def _share(amount: Decimal, frac: float, units: int) -> int:
    """round(amount * frac) in minor units, with the fraction read as its decimal."""
    f = Fraction(as_decimal("fraction", frac))
    cents = money.to_minor(amount, units)
    return money.div_round(cents * f.numerator, f.denominator)


def apply_terms(plan: Plan, claim) -> PlanTerms:
    """Waivers, arrears and signing payment of ``plan`` on ``claim``, exact to the fen.

    Parameters
    ----------
    plan : Plan
    claim : Claim

    Returns
    -------
    PlanTerms
        Amounts in minor units.

    Notes
    -----
    Each waiver is rounded half-up to the fen, with the fraction read as its decimal:
    ``w_pen = round(penalty × penalty_waiver)``, ``w_int = round(interest ×
    interest_waiver)``, ``w_hair = round(principal × haircut)``.  Then

    * ``owed = principal + interest + penalty + fees − w_pen − w_int − w_hair``;
    * ``arrears = interest − w_int + penalty − w_pen + fees``;
    * ``signing = down_payment + (0 if capitalize_arrears else arrears)``;
    * ``financed = owed − signing`` (it must be positive).

    A settlement takes ``round(owed × settlement_discount)`` off as well, and the rest
    falls due in month ``settlement_by`` (at signing when that is 0).

    Examples
    --------
    A 20 % discount on 1,042,000.00 owed, for payment within three months:
    ``1,042,000 × 0.2 = 208,400`` waived, 833,600.00 due in month 3.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=1_000_000, interest=30_000, penalty=12_000,
    ...               annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> t = apply_terms(Plan(settlement_discount=0.2, settlement_by=3), claim)
    >>> t.waived_parts["settlement"], t.owed, t.settlement_month
    (20840000, 83360000, 3)
    """
    check_instance("plan", plan, Plan, "a repayplan.Plan")
    check_claim("claim", claim)
    u = claim.minor_units
    to = lambda d: money.to_minor(d, u)  # noqa: E731
    principal, interest, penalty, fees = (
        to(claim.principal),
        to(claim.interest),
        to(claim.penalty),
        to(claim.fees),
    )
    w_pen = _share(claim.penalty, plan.penalty_waiver, u)
    w_int = _share(claim.interest, plan.interest_waiver, u)
    w_hair = _share(claim.principal, plan.haircut, u)
    owed = principal + interest + penalty + fees - w_pen - w_int - w_hair
    arrears = interest - w_int + penalty - w_pen + fees
    _check_engine_bound(claim, principal + interest + penalty + fees, u)
    # more decimals than the currency has is an error, never rounded away
    down = money.to_minor(
        as_decimal("down_payment", plan.down_payment), u, field="plan.down_payment", exact=True
    )
    waived_parts = {"penalty": w_pen, "interest": w_int, "principal": w_hair}
    rate = Decimal(repr(plan.annual_rate)) if plan.annual_rate is not None else claim.annual_rate
    settlement = None
    if plan.is_settlement:
        disc = _share(money.from_minor(owed, u), plan.settlement_discount, u)
        waived_parts["settlement"] = disc
        owed_after = owed - disc
        sb = plan.settlement_by if plan.settlement_by is not None else 1
        if isinstance(sb, _dt.date):
            if sb < claim.as_of:
                raise InputError(
                    "settlement_by", sb, f"a date on or after the claim date {claim.as_of}"
                )
            sb = _months_until(claim.as_of, sb)
        settlement = int(sb)
        return PlanTerms(
            owed=owed_after,
            waived=w_pen + w_int + w_hair + disc,
            waived_parts=waived_parts,
            signing=owed_after if settlement == 0 else 0,
            financed=0 if settlement == 0 else owed_after,
            rate=rate,
            settlement_month=settlement,
            units=u,
            arrears=arrears,
        )
    signing = down + (0 if plan.capitalize_arrears else arrears)
    if signing > owed:
        raise InputError(
            "down_payment",
            plan.down_payment,
            f"at most what is owed after waivers ({money.from_minor(owed - (signing - down), u)})",
        )
    financed = owed - signing
    if financed <= 0 and down == 0:  # the waivers, not a down payment, left nothing to schedule
        if plan.haircut:
            raise InputError(
                "haircut",
                plan.haircut,
                "a haircut that leaves something to schedule "
                "(a full write-off is not a repayment plan)",
            )
        raise InputError(
            "capitalize_arrears",
            plan.capitalize_arrears,
            "True here: with the arrears paid at signing nothing would be left to schedule",
        )
    if financed <= 0:
        raise InputError(
            "down_payment",
            plan.down_payment,
            "less than what is owed (nothing would be left to schedule)",
        )
    return PlanTerms(
        owed=owed,
        waived=w_pen + w_int + w_hair,
        waived_parts=waived_parts,
        signing=signing,
        financed=financed,
        rate=rate,
        settlement_month=None,
        units=u,
        arrears=arrears,
    )


#: The most decimals an amount of a :class:`Plan` may have: a plan does not know its currency,
#: so it refuses at construction what no currency repayplan knows could hold (the most minor
#: units of :data:`repayplan.money.CURRENCIES`, 2); the claim's currency is checked when the
#: plan is applied (``down_payment=1000.5`` for a JPY claim is refused then, naming
#: ``plan.down_payment``).
PLAN_MAX_DECIMALS = max(money.CURRENCIES.values())
#: The most significant digits of an amount of a :class:`Plan`: it is kept exactly (a
#: :class:`repayplan.money.Amount`), and 15 significant digits keep it exact in the float
#: analytics too (``123456789012345678.91`` would lose its cents there) and within the engine's
#: int64 bound (:data:`repayplan.kernel.MAX_AMOUNT_MINOR`: 15 digits are below ``10**17`` fen).
PLAN_MAX_SIGNIFICANT = 15


def _check_plan_amount(field: str, value, d: Decimal) -> None:
    """Refuse an amount of a Plan that would be rounded: too many decimals or digits for a float."""
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 100
        scaled = d.scaleb(PLAN_MAX_DECIMALS)
        if scaled != scaled.to_integral_value():
            raise InputError(
                field,
                value,
                f"an amount with at most {PLAN_MAX_DECIMALS} decimal places "
                "(more than any currency has; the claim's currency is checked when the "
                "plan is applied)",
            )
        if Decimal(repr(float(d))) != d:
            raise InputError(
                field,
                value,
                f"an amount of at most {PLAN_MAX_SIGNIFICANT} significant "
                "digits (exact in the float analytics and the engine's int64 minor units)",
            )


def _check_engine_bound(claim, total: int, units: int) -> None:
    """Refuse a claim whose total passes the engine's int64 bound, before any int64 array holds it.

    The bound is :data:`repayplan.kernel.MAX_AMOUNT_MINOR` (``10**17`` minor units): beyond it
    an :class:`InputError` naming ``claim.total``, never a wrapped negative number.
    """
    from .kernel import MAX_AMOUNT_MINOR

    if total > MAX_AMOUNT_MINOR:
        raise InputError(
            "claim.total",
            claim.total,
            f"at most {money.from_minor(MAX_AMOUNT_MINOR, units)} to apply a plan "
            "(10**17 minor units, the engine's int64 bound)",
        )


def _check_rows_bound(plan, i: int, columns) -> None:
    """Refuse a plan whose schedule passes int64 (the engine ran it in Python integers).

    A batch keeps every plan's rows in int64 minor units: an amount beyond ``2**63 - 1`` (a
    long deferral at a high rate on a huge claim) is an :class:`InputError` naming the plan,
    never an ``OverflowError`` or a wrapped negative number.
    """
    for col in columns:
        if (
            col.dtype == object
            and col.size
            and max(abs(int(x)) for x in col) > money.MAX_EXACT_MINOR
        ):
            raise InputError(
                f"plans[{i}]",
                plan,
                "a plan whose payments and balances stay within the engine's int64 bound "
                f"({money.MAX_EXACT_MINOR:,} minor units): a shorter grace or term, or a lower rate",
            )


def _months_until(start: _dt.date, end: _dt.date) -> int:
    m = (end.year - start.year) * 12 + end.month - start.month
    return m + (1 if end.day > start.day else 0)


# --------------------------------------------------------------------------------------
# Schedules for many plans at once
# --------------------------------------------------------------------------------------
def schedules(plans, claim) -> list:
    """Schedules of several plans on one claim, computed in one batch through the engine.

    Returns a list of :class:`~repayplan.schedule.Schedule`, one per plan, each with a
    period-0 row for what is paid at signing (the down payment, arrears not capitalised,
    or an immediate settlement).

    Parameters
    ----------
    plans : sequence of Plan
    claim : Claim

    Returns
    -------
    list of Schedule
        Identical, plan by plan, to ``plan.schedule(claim)``.

    Examples
    --------
    A year of level instalments against a 20 % discount paid in three months, on
    120,000.00 at 6 %: the level payment is ``120,000 × 0.005 / (1 − 1.005^−12) =
    10,327.97``; the settlement is ``0.8 × 120,000 = 96,000.00``.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> level, settle = schedules([Plan(term=12), Plan(settlement_discount=0.2, settlement_by=3)],
    ...                           claim)
    >>> level.payment, level.periods
    (Decimal('10327.97'), 13)
    >>> settle.table[["period", "date", "payment"]]
       period       date    payment
    0       0 2026-12-01       0.00
    1       3 2027-03-01   96000.00
    """
    plans = check_items("plans", plans, Plan, "a repayplan.Plan")
    batch = plan_batch(plans, claim)
    return [batch.schedule(i) for i in range(len(plans))]


@dataclass
class PlanBatch:
    """The schedules of many plans as arrays (minor units), for evaluation.

    ``payments[i, k]`` is what plan ``i`` asks at the end of month ``k`` (``k = 0``:
    signing); ``balance[i, k]`` what remains owed under the plan after that payment;
    ``interest[i, k]`` the interest charged in month ``k``.

    Attributes
    ----------
    plans : list of Plan
    claim : Claim
    terms : list of PlanTerms
        :func:`apply_terms` of each plan.
    payments, balance, interest : numpy.ndarray of int64, shape (n_plans, horizon + 1)
        Minor units, month 0 (signing) to the longest plan's last month; zero after a
        plan ends.
    nrows : numpy.ndarray of int64
        The last month of each plan.
    units : int
        Minor units of the currency.

    Examples
    --------
    120,000.00 at 6 % (0.5 % a month) repaid over three months, the same with two months
    of interest only first, and a 20 % discount paid in month 2.  The three-month level
    payment is ``120,000 × 0.005 / (1 − 1.005^−3) = 40,400.67``; a month's interest on
    120,000.00 is 600.00; the settlement is 96,000.00.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> b = plan_batch([Plan(term=3), Plan(term=5, grace=2),
    ...                 Plan(settlement_discount=0.2, settlement_by=2)], claim)
    >>> b.horizon, b.nrows.tolist()
    (5, [3, 5, 2])
    >>> b.payments
    array([[      0, 4040067, 4040067, 4040066,       0,       0],
           [      0,   60000,   60000, 4040067, 4040067, 4040066],
           [      0,       0, 9600000,       0,       0,       0]])
    >>> b.balance[:, -1].tolist()
    [0, 0, 0]
    """

    plans: list
    claim: Claim
    terms: list
    payments: np.ndarray
    balance: np.ndarray
    interest: np.ndarray
    nrows: np.ndarray
    units: int

    @property
    def horizon(self) -> int:
        """Months covered by the arrays: the last month of the longest plan."""
        return self.payments.shape[1] - 1

    def schedule(self, i: int):
        """Plan ``i`` as a :class:`~repayplan.schedule.Schedule` (months with nothing due left out).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> b = plan_batch([Plan(term=3), Plan(settlement_discount=0.2, settlement_by=2)], claim)
        >>> b.schedule(0).payment, b.schedule(0).last_payment
        (Decimal('40400.67'), Decimal('40400.66'))
        >>> b.schedule(1).table["period"].tolist()            # signing, then month 2
        [0, 2]
        """
        from .schedule import Schedule

        u = self.units
        k = int(self.nrows[i])
        pay = self.payments[i, : k + 1]
        intr = self.interest[i, : k + 1]
        bal = self.balance[i, : k + 1]
        opening = np.concatenate([[self.terms[i].owed], bal[:-1]])
        principal = pay - intr
        table = pd.DataFrame({"period": np.arange(0, k + 1, dtype=np.int64)})
        table["date"] = _plan_dates(self.claim.as_of, k)
        minor = pd.DataFrame(
            {
                "period": table["period"],
                "opening_balance": opening,
                "payment": pay,
                "interest": intr,
                "principal": principal,
                "closing_balance": bal,
                "fee": np.zeros(k + 1, np.int64),
            }
        )
        # drop months with nothing due and nothing happening (settlement waits, deferral shows)
        keep = (pay != 0) | (intr != 0) | (minor["period"] == 0)
        minor = minor[keep].reset_index(drop=True)
        table = table[keep].reset_index(drop=True)
        for c in ("opening_balance", "payment", "interest", "principal", "closing_balance", "fee"):
            table[c] = money.decimals_array(minor[c].to_numpy(), u)
        plan = self.plans[i]
        t = self.terms[i]
        regular = _regular_payment(minor, plan)
        f = lambda x: money.from_minor(int(x), u)  # noqa: E731
        return Schedule(
            table=table,
            payment=f(regular),
            # sums in exact integers: each amount is within int64, a sum of 1,200 may not be
            total_interest=f(money.sum_minor(intr)),
            total_principal=f(money.sum_minor(principal)),
            total_fees=f(0),
            total_paid=f(money.sum_minor(pay)),
            principal=f(t.owed),
            currency=self.claim.currency,
            minor_units=u,
            terms={
                "plan": plan,
                "method": plan.method,
                "waived": f(t.waived),
                "signing": f(t.signing),
            },
            minor=minor,
        )


def _regular_payment(minor: pd.DataFrame, plan: Plan) -> int:
    rows = minor[minor["period"] > plan.grace]
    if plan.is_settlement or rows.empty:
        return int(minor["payment"].iloc[-1])
    return int(rows["payment"].iloc[0])


def _plan_dates(as_of: _dt.date, k: int) -> np.ndarray:
    from .calendar import payment_dates

    first = np.array([np.datetime64(as_of, "D")])
    if k == 0:
        return first
    return np.concatenate([first, payment_dates(as_of, k, 12)])


def plan_batch(plans, claim) -> PlanBatch:
    """Run every plan through the engine in one vectorised batch.

    Parameters
    ----------
    plans : sequence of Plan
        At least one.
    claim : Claim

    Returns
    -------
    PlanBatch
        Payments, balances and interest of every plan by month, in minor units.

    Notes
    -----
    Every plan's schedule is built by the same kernel as :func:`repayplan.amortize` (one
    batch for all the plans), after :func:`apply_terms`; a settlement is one payment of
    ``financed`` in month ``settlement_month``.

    Examples
    --------
    Two terms for 120,000.00 at 6 %: over 3 months the level payment is
    ``120,000 × 0.005 / (1 − 1.005^−3) = 40,400.67`` (the last one 40,400.66), over 6
    months ``120,000 × 0.005 / (1 − 1.005^−6) = 20,351.45``; each schedule repays the
    120,000.00 exactly.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> b = plan_batch([Plan(term=3), Plan(term=6)], claim)
    >>> b.payments[:, 1].tolist()
    [4040067, 2035145]
    >>> (b.payments - b.interest).sum(axis=1).tolist()
    [12000000, 12000000]
    """
    from .kernel import Batch, LoanSpec, check_payment_vectors, run
    from .schedule import AMORTIZE_DEFAULTS

    check_claim("claim", claim)
    if isinstance(plans, (str, bytes, dict)) or not hasattr(plans, "__iter__"):
        raise InputError("plans", plans, "a list of repayplan.Plan")
    plans = list(plans)
    if not plans:
        raise InputError("plans", plans, "at least one Plan")
    for i, p in enumerate(plans):
        if not isinstance(p, Plan):
            raise InputError(f"plans[{i}]", p, "a repayplan.Plan")
    u = claim.minor_units
    terms = [apply_terms(p, claim) for p in plans]
    sched_idx = [i for i, t in enumerate(terms) if t.settlement_month is None]
    H = max([plans[i].term for i in sched_idx] + [t.settlement_month or 0 for t in terms] + [1])
    n = len(plans)
    payments = np.zeros((n, H + 1), dtype=np.int64)
    interest = np.zeros((n, H + 1), dtype=np.int64)
    balance = np.zeros((n, H + 1), dtype=np.int64)
    nrows = np.zeros(n, dtype=np.int64)
    for i, t in enumerate(terms):
        payments[i, 0] = t.signing
        balance[i, :] = t.owed - t.signing
        if t.settlement_month is not None:
            m = t.settlement_month
            if m > 0:
                payments[i, m] = t.financed
                balance[i, m:] = 0
            nrows[i] = m
    # a plan's schedule is a pure function of the (frozen) plan and the claim: one already
    # built for this claim is reused (the dashboard asks for the same plans several times per
    # update), the others are built in one batch
    rows = {}
    todo = []
    for i in sched_idx:
        hit = _SCHEDULES.get(plans[i], claim)
        if hit is None:
            todo.append(i)
        else:
            rows[i] = hit
    if todo:
        # balances at the end of grace, for the shaped plans (balloon, step-up, seasonal)
        shaped = [
            i for i in todo if plans[i].balloon or plans[i].step_up or plans[i].seasonal is not None
        ]
        end_of_grace = _end_of_grace_balances([(i, plans[i], terms[i]) for i in shaped], claim)
        specs = []
        for i in todo:
            p, t = plans[i], terms[i]
            kw = dict(
                AMORTIZE_DEFAULTS,
                principal=money.from_minor(t.financed, u),
                annual_rate=t.rate,
                periods=p.term,
                method=p.method,
                start=claim.as_of,
                grace=p.grace,
                grace_kind=p.grace_kind,
                currency=claim.currency,
            )
            if i in end_of_grace:
                kw.update(_shaped_payments(p, t, end_of_grace[i], claim))
            specs.append(LoanSpec.from_terms(**kw))
        batch = Batch.from_specs(specs)
        res = run(batch, keep_rows=True)
        check_payment_vectors(res, batch, prefix="plans")
        table = res.table
        if table is None:  # keep_rows=True always returns the rows
            raise RuntimeError("the kernel returned no rows for plan_batch")
        for j, i in enumerate(todo):
            k = int(res.nrows[j])
            _check_rows_bound(
                plans[i], i, [table[c][j, :k] for c in ("payment", "closing_balance")]
            )
            rows[i] = tuple(
                table[c][j, :k].astype(np.int64) for c in ("payment", "interest", "closing_balance")
            )
            for a in rows[i]:
                a.setflags(write=False)
            _SCHEDULES.put(plans[i], claim, value=rows[i])
    for i in sched_idx:
        pay, intr, bal = rows[i]
        k = len(pay)
        payments[i, 1 : k + 1] = pay
        interest[i, 1 : k + 1] = intr
        balance[i, 1 : k + 1] = bal
        balance[i, k + 1 :] = 0
        nrows[i] = k
    return PlanBatch(
        plans=plans,
        claim=claim,
        terms=terms,
        payments=payments,
        balance=balance,
        interest=interest,
        nrows=nrows,
        units=u,
    )


#: The schedule rows of recently built plans, keyed on the plan's value and the claim object
#: (:class:`repayplan._memo.Memo`); rows are stored read-only and copied into each batch.
_SCHEDULES = Memo(maxsize=512)


def _end_of_grace_balances(items, claim) -> dict:
    """Balance owed when amortisation starts, for ``items`` of ``(index, plan, terms)``.

    After an interest-only grace it is what was financed; after a deferral it has grown
    by the capitalised interest, rounded month by month as the engine rounds it.
    """
    from .schedule import amortize

    out = {}
    for i, p, t in items:
        if p.grace and p.grace_kind == "deferral":
            s = amortize(
                money.from_minor(t.financed, t.units),
                t.rate,
                p.grace + 1,
                grace=p.grace,
                grace_kind="deferral",
                method="interest_only",
                currency=claim.currency,
            )
            out[i] = money.to_minor(s.table["opening_balance"].iloc[p.grace], t.units)
        else:
            out[i] = t.financed
    return out


def _shaped_payments(plan: Plan, t: PlanTerms, B: int, claim) -> dict:
    """Payments of a level plan with a balloon, a yearly step-up or seasonal weights.

    With periodic rate :math:`\\rho = a/c` (the plan's rate over 12, exactly), discount
    :math:`v = 1/(1+\\rho)`, weights :math:`w_k = (1+s)^{\\lfloor (k-1)/12 \\rfloor}\\,\\sigma_{j(k)}`
    (step-up :math:`s`, the seasonal weight of the calendar month of period *k*) over the
    :math:`m` amortising months and balloon share :math:`b` of the balance :math:`B` (minor
    units) at the end of grace, the base payment solves

    .. math:: B = P_0 \\sum_{k=1}^{m} w_k v^k + b B v^m,

    and each payment but the last is :math:`\\mathrm{round}_{\\text{half up}}(P_0 w_k)`; the
    last one clears the loan (the engine).  Everything is exact integer arithmetic: with
    :math:`g = c + a` and the weights scaled to integers :math:`W_k = w_k\\,q^Y f`,
    :math:`N = \\sum_k W_k c^k g^{m-k}` (Horner's rule in Python integers) and
    :math:`P_0 w_k = B\\,(b_d g^m - b_n c^m)\\,W_k / (b_d N)`, divided and rounded half-up
    by :func:`repayplan.money.div_round` (ties decided exactly, no float involved).  The
    step-up, weights and balloon are read by their decimal text, as typed.
    """
    from math import lcm

    from .kernel import MAX_AMOUNT_MINOR

    m = plan.term - plan.grace
    rho = Fraction(as_decimal("rate", t.rate)) / 12
    a, c = rho.numerator, rho.denominator
    g = c + a
    su = Fraction(Decimal(repr(float(plan.step_up))))
    sp, sq = su.numerator, su.denominator  # 1 + s = (sq + sp) / sq
    years = (m - 1) // 12
    if plan.seasonal is not None:
        sig = [Fraction(Decimal(repr(float(x)))) for x in plan.seasonal]
        f = lcm(*(x.denominator for x in sig))
        e = [int(x * f) for x in sig]
        first_month = (claim.as_of.month + plan.grace) % 12  # 0=Jan: the month of period grace+1
    else:
        f, e, first_month = 1, [1] * 12, 0
    up = [(sq + sp) ** y * sq ** (years - y) for y in range(years + 1)]
    W = [up[(k - 1) // 12] * e[(first_month + k - 1) % 12] for k in range(1, m + 1)]
    N, ck = 0, 1
    for Wk in W:  # N = sum_k W_k c^k g^(m-k), by Horner's rule
        ck *= c
        N = N * g + Wk * ck
    bal = Fraction(Decimal(repr(float(plan.balloon))))
    bn, bd = bal.numerator, bal.denominator
    num = B * (bd * g**m - bn * c**m)
    den = bd * N
    level = plan.step_up == 0 and plan.seasonal is None  # one level payment (with a balloon)
    rounded: dict[int, int] = {}  # a weight repeats (12 months a year): divide once per value
    minor = []
    for Wk in W[:1] if level else W[:-1]:
        if Wk not in rounded:
            rounded[Wk] = int(money.div_round(num * Wk, den))
        minor.append(rounded[Wk])
    if max(minor, default=0) > MAX_AMOUNT_MINOR:
        raise InputError(
            "plan",
            plan,
            f"a plan whose payments stay within {money.from_minor(MAX_AMOUNT_MINOR, t.units)} "
            "(10**17 minor units, the engine's int64 bound): a shorter grace, a lower rate",
        )
    if level:
        return {"payment": money.from_minor(minor[0], t.units)}
    return {"method": [*(money.from_minor(x, t.units) for x in minor), None], "periods": None}
