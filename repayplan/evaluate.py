"""What each plan does to both sides: the creditor's recovery and the borrower's burden.

:func:`evaluate` runs plans × cash-flow scenarios × months in one vectorised pass.

Definitions (all monthly; month 0 is the claim date, payment *k* at the end of month *k*)
------------------------------------------------------------------------------------------
Discount factor
    :math:`v^k` with :math:`v = 1/(1 + d/12)` and :math:`d` the creditor's annual discount rate.
Enforcement value of an amount owed :math:`x`, starting the clock at month :math:`j`
    :math:`EV_j(x) = v^{j}\\,(R\\,x - C)\\,v^{D}` with recovery rate :math:`R`, costs :math:`C`
    and delay :math:`D` months.  ``enforcement_npv`` is :math:`EV_0(\\text{claim.total})`.
Borrower cash
    :math:`c_{s,k} = \\text{buffer} + \\sum_{j=1}^{k} \\text{cf}_{s,j} - \\sum_{j=0}^{k} p_j`
    in scenario :math:`s`.  The borrower defaults at the first month :math:`k` with a payment
    due (:math:`p_k > 0`) where :math:`c_{s,k} < \\text{minimum\\_cash}`.
Value of a scenario
    No default: :math:`\\sum_k p_k v^k` (the contractual NPV, ``creditor_npv``).  Default in
    month :math:`k`: :math:`\\sum_{j<k} p_j v^j + EV_{\\max(k-1, 0)}(o_{k-1})` where
    :math:`o_{k-1}` is what is owed after the last payment made: the plan's balance plus,
    when the plan's waivers are conditional, the waived amounts (revoked); :math:`o_{-1}`
    is the whole claim.  A borrower who cannot make the first payment therefore gives the
    creditor exactly ``enforcement_npv``.
Lenders' DSCR (``dscr``, ``dscr_p5``)
    Per plan year *y* (months :math:`12y+1 .. \\min(12y+12, T)`, *T* the last payment),
    :math:`\\min_y CF_y / DS_y` with :math:`CF_y` the year's cash available for debt service
    (the mean; for ``dscr_p5`` each month's 5th percentile across scenarios) and
    :math:`DS_y` the payments due in it (:func:`annual_dscr`).  The monthly ratios are
    ``monthly_dscr`` (``min_dscr``) and ``monthly_dscr_p5``.
Liquidity (``min_cash``, ``min_cash_p5``, ``first_month_below_minimum``)
    The balance :math:`\\text{buffer} + \\sum_{j \\le k} cf_j - \\sum_{j \\le k} p_j` for
    :math:`0 \\le k \\le T`, its lowest value and the first month below ``minimum_cash``
    (:func:`liquidity`); a down payment comes out of the cash at hand
    (``upfront_shortfall``, a rule finding when positive).
Months short
    The expected number of months :math:`k \\ge 1` with :math:`cf_{s,k} < p_k`, counted up to
    and including the month of default (none after it).
The bank's books
    ``modification_gain`` (IFRS 9 5.4.3), ``risk_class``, ``observation_end`` and
    ``provision_cost``: see :mod:`repayplan.books`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, cast, overload

import numpy as np
import pandas as pd

from . import _value as _v
from . import money
from ._validate import (
    check_amount,
    check_bool,
    check_choice,
    check_claim,
    check_int,
    check_items,
    check_rate,
)
from .errors import InputError
from .plans import Plan, PlanBatch, plan_batch
from .text import by_language

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .security import EnforcementPath

__all__ = [
    "Borrower",
    "Creditor",
    "Enforcement",
    "Evaluation",
    "evaluate",
    "format_metric",
    "METRICS",
    "align_cashflow",
    "ALL_METRICS",
    "LENDER_METRICS",
    "format_probability",
    "annual_dscr",
    "liquidity",
    "plan_findings",
]

#: The metrics :func:`evaluate` shares with :mod:`repayplan.portfolio`, each as (side it serves,
#: unit, the direction that is better, description).  ``min_dscr`` is the monthly ratio under
#: its old name (the same as ``monthly_dscr``); ``dscr_p5`` is the lenders' annual stress DSCR.
METRICS = {
    "creditor_npv": (
        "creditor",
        "currency",
        "higher",
        "NPV of the plan's payments if all are made",
    ),
    "expected_npv": (
        "creditor",
        "currency",
        "higher",
        "NPV expected across scenarios, defaults and enforcement included",
    ),
    "enforcement_npv": (
        "creditor",
        "currency",
        None,
        "NPV of enforcing the claim now (the creditor's alternative)",
    ),
    "margin": ("creditor", "currency", "higher", "expected_npv - enforcement_npv"),
    "recovery_rate": ("creditor", "fraction", "higher", "expected_npv / claim total"),
    "irr": (
        "creditor",
        "fraction a year",
        "higher",
        "yield on the claim if every payment is made (monthly IRR x 12)",
    ),
    "default_probability": (
        "both",
        "probability",
        "lower",
        "share of scenarios where the borrower runs out of cash",
    ),
    "min_dscr": (
        "borrower",
        "ratio",
        "higher",
        "lowest monthly mean cash / payment (evaluate: monthly_dscr)",
    ),
    "dscr_p5": (
        "both",
        "ratio",
        "higher",
        "stress DSCR: lowest plan year's cash on the 5th-percentile path / debt service due that year",
    ),
    "months_short": (
        "borrower",
        "months",
        "lower",
        "expected months, up to the default, whose cash flow does not cover the payment",
    ),
    "burden": (
        "borrower",
        "fraction",
        "lower",
        "PV of payments / PV of the borrower's cash flow over the term",
    ),
    "peak_payment": ("borrower", "currency", "lower", "largest single payment"),
    "total_paid": ("borrower", "currency", "lower", "sum of all payments"),
    "total_waived": ("both", "currency", None, "what the creditor gives up"),
    "term": ("both", "months", None, "month of the last payment"),
    "rule_findings": ("both", "count", "lower", "rule-set findings (warnings and errors)"),
    "borrower_cost": (
        "borrower",
        "currency",
        "lower",
        "PV at the borrower's rate of what it expects to pay, defaults included",
    ),
    "borrower_alternative": (
        "borrower",
        "currency",
        None,
        "PV at the borrower's rate of what enforcement would cost it",
    ),
}

#: The lenders' measures and the bank's books that :func:`evaluate` adds (same layout as :data:`METRICS`).
LENDER_METRICS = {
    "dscr": (
        "both",
        "ratio",
        "higher",
        "lenders' DSCR: lowest plan year's mean cash available / debt service due that year",
    ),
    "monthly_dscr": ("borrower", "ratio", "higher", "lowest monthly mean cash / payment"),
    "monthly_dscr_p5": (
        "borrower",
        "ratio",
        "higher",
        "lowest monthly 5th-percentile cash / payment",
    ),
    "min_cash": (
        "borrower",
        "currency",
        "higher",
        "lowest projected cash balance on the mean cash flow",
    ),
    "min_cash_p5": (
        "borrower",
        "currency",
        "higher",
        "lowest 5th-percentile cash balance over the term",
    ),
    "first_month_below_minimum": (
        "borrower",
        "month",
        "higher",
        "first month the mean cash balance falls below the minimum (never: none)",
    ),
    "upfront_shortfall": (
        "borrower",
        "currency",
        "lower",
        "what the month-0 payment (down payment) exceeds the cash at hand by",
    ),
    "modification_gain": (
        "creditor",
        "currency",
        "higher",
        "IFRS 9 5.4.3 modification gain (loss < 0): plan cash flows at the original EIR "
        "less the gross carrying amount",
    ),
    "risk_class": (
        "creditor",
        "class",
        None,
        "five-class risk classification after the plan (2023 measures)",
    ),
    "observation_end": (
        "creditor",
        "date",
        None,
        "end of the restructured asset's observation period",
    ),
    "provision_cost": (
        "creditor",
        "currency",
        "lower",
        "provision the class requires (rate x gross carrying amount)",
    ),
}

#: Every column of :func:`evaluate`, with its side, unit, better direction and description.
ALL_METRICS = {**METRICS, **LENDER_METRICS}


def _enforcement_path(name: str, value: object) -> object:
    if value is not None and not hasattr(value, "plan_values"):
        raise InputError(
            name, value, "a repayplan.security.EnforcementPath (see Enforcement.from_security)"
        )
    return value


class Enforcement(_v.Value):
    """The creditor's alternative to agreeing: enforcement or litigation.

    Parameters
    ----------
    recovery_rate : float
        Share (0..1) of what is owed that enforcement recovers (collateral, judgment).
    delay_months : int
        Months until the recovery is received.
    costs : number
        Costs of enforcement, paid out of the recovery (currency units).

    Examples
    --------
    What is suing worth today on a 1,042,000 claim, recovering half after 18 months at a
    cost of 50,000, for a creditor whose money costs 6% a year?
    :math:`(0.5 \times 1{,}042{,}000 - 50{,}000) / 1.005^{18}`:

    >>> round(Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000).value(1_042_000, 0.06), 2)
    430558.13
    """

    recovery_rate: float = _v.field(default=0.5, check=_v.fraction)
    delay_months: int = _v.field(default=18, check=_v.int_in(0, 600))
    costs: Decimal = _v.field(default=Decimal(0), check=_v.number(0, "an amount >= 0", exact=True))
    #: the enforcement path built from collateral and guarantees (:meth:`from_security`);
    #: ``None`` for the quick form
    path: EnforcementPath | None = _v.field(default=None, check=_enforcement_path, repr=False)

    def value(self, owed, discount_rate: float | Decimal) -> float:
        """Present value today of enforcing on ``owed``: ``(R owed - C) v^D``.

        Built :meth:`from_security`, the expected value of the enforcement path on ``owed``
        (:meth:`repayplan.security.EnforcementPath.value`).
        """
        owed = check_amount("owed", owed, allow_zero=True)
        discount_rate = check_rate("discount_rate", discount_rate)
        if self.path is not None:
            return self.path.value(owed, discount_rate)
        v = 1.0 / (1.0 + float(discount_rate) / 12.0)
        return (self.recovery_rate * float(owed) - float(self.costs)) * v**self.delay_months

    @classmethod
    def from_security(
        cls,
        security,
        claim,
        *,
        seed=None,
        scenarios: int = 1000,
        procedure=None,
        exact: bool = False,
    ) -> Enforcement:
        """The creditor's alternative built from collateral, guarantees and court procedure.

        Parameters
        ----------
        security : repayplan.Security
        claim : repayplan.Claim
            What is owed when enforcement starts; its ledger accrues the interest while
            the case runs.
        seed : int or numpy.random.Generator, optional
        scenarios : int
            Scenarios drawn of the enforcement path.
        procedure : repayplan.security.Procedure, optional
            Durations, probabilities and costs of each step (default ``Procedure()``).
        exact : bool
            Enumerate every combination of outcomes instead of drawing.

        Returns
        -------
        Enforcement
            With ``path`` set: :meth:`value`, :func:`evaluate`, :func:`negotiate` and the
            dashboard use the path (discounting at the creditor's rate); a default in month
            *k* enforces on what is owed then.  ``recovery_rate``, ``delay_months`` and
            ``costs`` hold the path's quick-form summary
            (:meth:`repayplan.security.EnforcementPath.summary`), which the borrower's side
            of :func:`evaluate` uses.

        Examples
        --------
        A 1,000,000 claim secured on a workshop appraised at 900,000, with a joint guarantor
        good for 200,000:

        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
        >>> security = rp.Security(collateral=[rp.Collateral("workshop", appraisal=900_000, kind="real_estate")],
        ...                        guarantees=[rp.Guarantee("owner", capacity=200_000, recovery_rate=0.5)])
        >>> enf = Enforcement.from_security(security, claim, seed=1)
        >>> bank = Creditor(0.06, enf, name="Bank")
        >>> round(bank.enforcement_npv(claim)) == round(enf.path.value(discount_rate=0.06))
        True
        """
        from .security import EnforcementPath, Procedure

        path = EnforcementPath(
            security,
            claim,
            procedure if procedure is not None else Procedure(),
            scenarios=scenarios,
            seed=seed,
            exact=exact,
        )
        s = path.summary()
        return cls(
            recovery_rate=s["recovery_rate"],
            delay_months=s["delay_months"],
            costs=s["costs"],
            path=path,
        )

    def pushed(self, name: str, value) -> Enforcement:
        """The same alternative with one assumption changed, meaning the same on both forms.

        ``name`` is ``"recovery_rate"``, ``"delay_months"`` or ``"costs"``.  On the quick
        form the field itself (``replace``).  Built :meth:`from_security`, the path
        pushed by :meth:`repayplan.security.EnforcementPath.with_assumption` (the recovery
        on what the security does not cover, the months to the money, the creditor's own
        lawyer and appraisal fees), on the same drawn scenarios, with its quick-form
        summary stated again; :meth:`assumption` gives the value pushed.

        Examples
        --------
        >>> Enforcement(recovery_rate=0.5, delay_months=18).pushed("recovery_rate", 0.6).recovery_rate
        0.6
        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
        >>> enf = Enforcement.from_security(rp.Security(collateral=[rp.Collateral("flat", appraisal=600_000,
        ...                                 kind="real_estate")], unsecured_recovery=0.1), claim, seed=1)
        >>> enf.assumption("recovery_rate"), enf.pushed("recovery_rate", 0.3).assumption("recovery_rate")
        (0.1, 0.3)
        >>> enf.delay_months, enf.pushed("delay_months", 30).delay_months
        (24, 30)
        """
        check_choice("name", name, ("recovery_rate", "delay_months", "costs"))
        if self.path is None:
            return self.replace(**{name: value})
        path = self.path.with_assumption(name, value)
        s = path.summary()
        return Enforcement(
            recovery_rate=s["recovery_rate"],
            delay_months=s["delay_months"],
            costs=s["costs"],
            path=path,
        )

    def assumption(self, name: str) -> float:
        """The value of one assumption as :meth:`pushed` reads it.

        The quick form's field; on a path the security's ``unsecured_recovery``, the
        summary's ``delay_months``, the creditor's lawyer plus appraisal fees.

        >>> Enforcement(costs=50_000).assumption("costs")
        50000.0
        """
        check_choice("name", name, ("recovery_rate", "delay_months", "costs"))
        if self.path is None:
            return float(getattr(self, name))
        if name == "recovery_rate":
            return float(self.path.security.unsecured_recovery)
        if name == "costs":
            return float(self.path.procedure.lawyer_fee + self.path.procedure.appraisal_fee)
        return float(self.delay_months)


class Creditor(_v.Value):
    """The creditor's cost of money and its alternative to agreeing.

    Parameters
    ----------
    discount_rate : float
        Annual rate (fraction) at which the creditor discounts future payments, monthly
        at ``discount_rate / 12``.
    enforcement : Enforcement
        What enforcement would yield (the creditor's BATNA).
    name : str

    Examples
    --------
    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> bank = Creditor(0.06, Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000), name="Bank")
    >>> claim = Claim(principal=1_000_000, interest=30_000, penalty=12_000, annual_rate=0.0435,
    ...               as_of=date(2026, 12, 1))
    >>> round(bank.enforcement_npv(claim), 2)      # (0.5 x 1,042,000 - 50,000) / 1.005^18
    430558.13
    >>> bank.replace(discount_rate=0.08).discount_rate
    0.08
    """

    discount_rate: float = _v.field(default=0.06, check=_v.rate())
    enforcement: Enforcement = _v.field(
        default=Enforcement(), check=_v.instance(Enforcement, "a repayplan.Enforcement")
    )
    name: str = _v.field(default="", check=_v.text())

    def enforcement_npv(self, claim) -> float:
        """``recovery_rate × claim.total − costs``, discounted over the delay."""
        check_claim("claim", claim)
        return self.enforcement.value(claim.total, self.discount_rate)


class Borrower(_v.Value):
    r"""The borrower's side of the bargain, for the Nash solution.

    Parameters
    ----------
    discount_rate : float
        The borrower's annual cost of money (a firm in distress discounts heavily).
    going_concern_loss : number or None
        What enforcement destroys for the borrower beyond the claim itself (assets sold
        below value, customers and credit lost, 失信 listing), currency units.  ``None``:
        20% of the claim.

    Notes
    -----
    Enforcement leaves the whole claim owed (the unrecovered part survives as a
    deficiency) and adds its costs and the going-concern loss, all at the end of the
    enforcement delay: the borrower's alternative costs
    :math:`A_B = (\text{total} + C + G)\, w^{D}` with :math:`w = 1/(1 + r_B/12)`.  Under a plan
    it expects to pay :math:`\mathbb{E}[\sum_k p_k w^k]`, with the same enforcement cost on
    what is owed if it defaults.  These are assumptions the analyst sets, stated in the docs.

    Examples
    --------
    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=1_000_000, interest=42_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> Borrower(discount_rate=0.12).loss(claim)                 # 20% of the claim by default
    208400.0
    >>> Borrower(going_concern_loss=300_000).loss(claim)
    300000.0
    """

    discount_rate: float = _v.field(default=0.10, check=_v.rate())
    going_concern_loss: Decimal | None = _v.field(
        default=None, check=_v.optional(_v.number(0, "an amount >= 0", exact=True))
    )

    def loss(self, claim) -> float:
        check_claim("claim", claim)
        return (
            float(claim.total) * 0.2
            if self.going_concern_loss is None
            else float(self.going_concern_loss)
        )


def align_cashflow(cashflow, claim, months: int) -> np.ndarray:
    """The borrower's cash for months 1..``months`` after the claim date (scenarios × months).

    A cash flow dated from the month after the claim date or earlier is taken by date; an
    undated projection (one that starts at the library's default month) is taken from its
    first month.  Too few months is an :class:`InputError`, never padded.

    Examples
    --------
    A claim of 1 December 2026 is paid from January 2027 on, so a cash flow that starts in
    November 2026 is read from its third month:

    >>> from datetime import date
    >>> from repayplan.cashflow import CashFlow
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=1_000, annual_rate=0.05, as_of=date(2026, 12, 1))
    >>> cf = CashFlow.from_series(pd.Series([10.0, 20, 30, 40],
    ...                                     index=pd.period_range("2026-11", periods=4, freq="M")))
    >>> align_cashflow(cf, claim, 2)
    array([[30., 40.]])
    >>> align_cashflow(cf, claim, 3)
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: cashflow == '4 months from 2026-11', must be at least 3 months from 2027-01 to cover the longest plan (2 given)
    """
    from .cashflow import DEFAULT_PROJECTION_START, CashFlow

    check_claim("claim", claim)
    months = check_int("months", months, low=0, high=100_000)

    if not isinstance(cashflow, CashFlow):
        raise InputError("cashflow", type(cashflow).__name__, "a repayplan.CashFlow")
    first = pd.Period(claim.as_of, freq="M") + 1
    if cashflow.start == DEFAULT_PROJECTION_START:
        offset = 0
    else:
        offset = (first - cashflow.start).n
        if offset < 0:
            raise InputError(
                "cashflow",
                f"starts {cashflow.start}",
                f"a cash flow that covers the months from {first} (the month after the claim date)",
            )
    if cashflow.months - offset < months:
        have = max(0, cashflow.months - offset)
        raise InputError(
            "cashflow",
            f"{cashflow.months} months from {cashflow.start}",
            f"at least {months} months from {first} to cover the longest plan ({have} given)",
        )
    return np.asarray(cashflow.values[:, offset : offset + months], dtype=float)


# --------------------------------------------------------------------------------------
@overload
def evaluate(
    plans: Plan,
    claim,
    cashflow,
    creditor,
    *,
    borrower: Borrower | None = None,
    check_rules: bool = True,
    chunk: int | None = None,
    books=None,
) -> Evaluation: ...
@overload
def evaluate(
    plans: Sequence[Plan],
    claim,
    cashflow,
    creditor,
    *,
    borrower: Borrower | None = None,
    check_rules: bool = True,
    chunk: int | None = None,
    books=None,
) -> pd.DataFrame: ...
def evaluate(
    plans,
    claim,
    cashflow,
    creditor,
    *,
    borrower: Borrower | None = None,
    check_rules: bool = True,
    chunk: int | None = None,
    books=None,
):
    """Measure plans for both sides, vectorised across plans × scenarios × months.

    Parameters
    ----------
    plans : Plan or sequence of Plan
        One plan gives an :class:`Evaluation` (a rich object); a sequence a DataFrame.  The
        type follows the argument's type, declared by ``typing.overload`` (a type checker
        knows which it gets), and the figures are the same objects either way:
        ``evaluate(plan).frame`` equals ``evaluate([plan])`` column for column and type for
        type (the one-row frame the Evaluation was read from).
    claim : Claim
    cashflow : CashFlow
        The borrower's monthly cash available for debt service, one path or scenarios.
    creditor : Creditor
    borrower : Borrower, optional
        The borrower's discount rate and going-concern loss (columns ``borrower_cost`` and
        ``borrower_alternative``); default ``Borrower()``.
    check_rules : bool
        Run :func:`repayplan.rules.check` on each plan (column ``rule_findings``).
    chunk : int, optional
        Plans per block of the plans × scenarios × months array (memory bound).
    books : repayplan.books.Books, optional
        How the creditor books the loan (provision rates, penalty interest on the books,
        days past due, original EIR, product term limits); default ``Books()``.

    Returns
    -------
    pandas.DataFrame or Evaluation
        One row per plan (index: plan names), the columns of :data:`METRICS`.  The amounts
        a plan makes the borrower pay or the creditor give up (``peak_payment``,
        ``total_paid``, ``total_waived``) are exact: ``Decimal`` elements of a decimal
        column (Arrow ``decimal128(38, units)``), summed from the plans' minor units.  Present
        values, expectations and the projected cash (``creditor_npv``, ``expected_npv``,
        ``min_cash``, ``upfront_shortfall`` ...) are analytics, floats in currency units;
        fractions as fractions.  See ``docs/concepts/money.md``.

    Notes
    -----
    See the module docstring for the default model.  ``dscr`` and ``dscr_p5`` are the
    lenders' annual ratios of :func:`annual_dscr`; ``monthly_dscr`` is
    :math:`\\min_k \\bar{cf}_k / p_k` and ``monthly_dscr_p5`` :math:`\\min_k q_{5\\%}(cf_{\\cdot,k}) / p_k`
    over months with a payment; ``min_cash``, ``min_cash_p5`` and
    ``first_month_below_minimum`` are those of :func:`liquidity`; the bank's books
    (``modification_gain``, ``risk_class``, ``observation_end``, ``provision_cost``) those of
    :mod:`repayplan.books`; ``burden`` is
    :math:`\\sum_k p_k v^k / \\sum_{k \\ge 1} \\bar{cf}_k v^k` over the plan's term; ``irr`` solves
    :math:`\\sum_k p_k (1+i/12)^{-k} = \\text{claim.total}`.

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000, annual_rate=0.0435,
    ...                  as_of=date(2026, 12, 1))
    >>> cf = rp.CashFlow.project(base=60_000, months=60, seed=1)
    >>> creditor = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))
    >>> out = rp.evaluate([rp.Plan(term=24), rp.Plan(term=48)], claim, cf, creditor)
    >>> out[["default_probability", "monthly_dscr", "expected_npv"]].round(2)
            default_probability  monthly_dscr  expected_npv
    plan
    plan 1                  0.0      1.32    1024608.38
    plan 2                  0.0      2.53    1008767.05
    """
    from .cashflow import CashFlow

    single = isinstance(plans, Plan)
    plan_list = check_items("plans", plans, Plan, "a repayplan.Plan")
    check_claim("claim", claim)
    check_bool("check_rules", check_rules)
    if chunk is not None:
        chunk = check_int("chunk", chunk, low=1)
    if not isinstance(creditor, Creditor):
        raise InputError("creditor", type(creditor).__name__, "a repayplan.Creditor")
    if not isinstance(cashflow, CashFlow):
        raise InputError("cashflow", type(cashflow).__name__, "a repayplan.CashFlow")
    borrower = Borrower() if borrower is None else borrower
    if not isinstance(borrower, Borrower):
        raise InputError("borrower", type(borrower).__name__, "a repayplan.Borrower")
    from . import books as _books
    from .books import Books

    books = Books() if books is None else books
    if not isinstance(books, Books):
        raise InputError("books", type(books).__name__, "a repayplan.books.Books")
    batch = plan_batch(plan_list, claim)
    frame, months = evaluate_batch(
        batch, claim, cashflow, creditor, borrower, chunk=chunk, monthly=single, books=books
    )
    extra = plan_findings(
        plan_list, claim, frame["upfront_shortfall"].to_numpy(), cashflow, books, creditor
    )
    if check_rules:
        frame["rule_findings"] = [
            _findings(p, claim) + sum(f.severity != "info" for f in e)
            for p, e in zip(plan_list, extra, strict=True)
        ]
    else:
        frame["rule_findings"] = [sum(f.severity != "info" for f in e) for e in extra]
    frame.index = plan_names(plan_list)
    frame.index.name = "plan"
    if single:
        return Evaluation(
            plan=plan_list[0],
            claim=claim,
            cashflow=cashflow,
            creditor=creditor,
            metrics=frame.iloc[0],
            frame=frame,
            monthly=months[0],
            schedule=batch.schedule(0),
            findings=(_finding_list(plan_list[0], claim) if check_rules else [])
            + extra[0]
            + _books.classification_findings(frame.iloc[0], claim, books),
        )
    return frame


def plan_findings(
    plans, claim, upfront_shortfall, cashflow, books=None, creditor=None
) -> list[list]:
    """Findings beyond the rule set that :func:`evaluate` adds, one list per plan.

    A down payment above the cash at hand (``buffer − minimum_cash``) is an error: the plan
    defaults on signing.  With a ``creditor``, a rate below the bank's floor (its cost of
    funds, at most the contract rate: :meth:`repayplan.negotiate.Constraints.rate_floor`) is
    a warning.  With ``Books(product="working_capital")`` the term limits of
    :func:`repayplan.books.term_limit_findings`.

    Examples
    --------
    >>> from datetime import date
    >>> from repayplan.cashflow import CashFlow
    >>> from repayplan.claim import Claim
    >>> claim = Claim(principal=100_000, annual_rate=0.05, as_of=date(2026, 12, 1))
    >>> cf = CashFlow([5_000.0] * 24, start="2027-01", buffer=20_000)
    >>> [[f.rule for f in fs] for fs in plan_findings([Plan(term=24, down_payment=30_000)], claim, [10_000.0], cf)]
    [['repayplan.cash-at-hand']]
    """
    from .books import term_limit_findings
    from .rules import Finding

    out = []
    for plan, gap in zip(plans, np.asarray(upfront_shortfall, dtype=float), strict=True):
        found = []
        if gap > 0:
            have = float(cashflow.buffer) - float(cashflow.minimum_cash)
            found.append(
                Finding(
                    "repayplan.cash-at-hand",
                    "error",
                    "the borrower's cash at hand (CashFlow.buffer)",
                    f"the payment on signing exceeds the cash at hand ({money.format_number(have)} after the minimum "
                    f"cash) by {money.format_number(gap)}: the plan defaults at once",
                    value=Decimal(f"{gap:.2f}"),
                    limit=Decimal(f"{have:.2f}"),
                )
            )
        if creditor is not None and plan.annual_rate is not None:
            floor = min(float(claim.annual_rate), float(creditor.discount_rate))
            if plan.annual_rate < floor - 1e-12:
                found.append(
                    Finding(
                        "repayplan.rate-floor",
                        "warning",
                        "the creditor's cost of funds (Creditor.discount_rate)",
                        f"rate {money.format_percent(plan.annual_rate, 3)} is below the bank's floor "
                        f"{money.format_percent(floor, 3)} (its cost "
                        f"of funds, at most the contract rate): the cut is a concession to price",
                        value=Decimal(repr(plan.annual_rate)),
                        limit=Decimal(repr(floor)),
                    )
                )
        if books is not None and getattr(claim, "product", None) != "working_capital":
            # a working-capital claim has them from rules.check already
            found.extend(term_limit_findings(plan, claim, books.product))
        out.append(found)
    return out


def plan_names(plans) -> list[str]:
    """Names for table columns: the plan's own name, else ``plan 1``, ``plan 2`` …; unique."""
    out: list = []
    seen: dict = {}
    for i, p in enumerate(plans):
        name = p.name or f"plan {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _finding_list(plan, claim):
    from . import rules

    return rules.check(plan, claim)


def _findings(plan, claim) -> int:
    return sum(1 for f in _finding_list(plan, claim) if f.severity != "info")


def evaluate_batch(
    batch: PlanBatch,
    claim,
    cashflow,
    creditor: Creditor,
    borrower: Borrower,
    *,
    chunk=None,
    monthly=False,
    cf=None,
    params=None,
    books=None,
):
    """The metrics of a batch of plans.

    ``cf`` (scenarios × months) replaces the cash flow's aligned values and ``params``
    (``discount_rate``, ``recovery_rate``, ``delay_months``, ``costs``; ``delay_months`` may
    be fractional) the creditor's figures: the seeded evaluation that
    :func:`repayplan.concessions.sensitivity` and :func:`repayplan.concessions.break_even`
    push one assumption at a time.
    """
    from . import books as _books

    params = params or {}
    u = batch.units
    scale = 10.0**u
    pay = batch.payments.astype(float) / scale  # P × (H+1)
    P, H1 = pay.shape
    H = H1 - 1
    if cf is None:
        cf = align_cashflow(cashflow, claim, H)  # S × H
    else:
        cf = np.asarray(cf, dtype=float)[:, :H]
    S = cf.shape[0]
    d = float(params.get("discount_rate", creditor.discount_rate))
    v = 1.0 / (1.0 + d / 12.0)
    total = float(claim.total)
    waived_minor = np.array([t.waived for t in batch.terms], dtype=np.int64)
    waived = waived_minor / scale
    conditional = np.array([p.waivers_conditional for p in batch.plans])
    owed_after = (
        batch.balance.astype(float) / scale + np.where(conditional, waived, 0.0)[:, None]
    )  # P × (H+1)
    enf = creditor.enforcement
    w = 1.0 / (1.0 + borrower.discount_rate / 12.0)
    values = plan_values(
        pay,
        owed_after,
        total,
        v=v,
        recovery=float(params.get("recovery_rate", enf.recovery_rate)),
        costs=float(params.get("costs", enf.costs)),
        delay=float(params.get("delay_months", enf.delay_months)),
        w=w,
        going_concern_loss=borrower.loss(claim),
    )
    if (
        enf.path is not None
    ):  # built from security: a default in month k enforces on what is owed then
        values.update(enf.path.plan_values(pay, owed_after, total, discount_rate=d))

    cum_cf = np.concatenate([np.zeros((S, 1)), np.cumsum(cf, axis=1)], axis=1)  # S × (H+1)
    buffer, minimum = float(cashflow.buffer), float(cashflow.minimum_cash)
    chunk = chunk or max(1, int(4e7 // max(1, S * H1)))
    out = {
        k: np.empty(P)
        for k in ("expected_npv", "borrower_cost", "default_probability", "months_short")
    }
    hazard = np.zeros((P, H1)) if monthly else np.zeros((0, H1))  # filled only when monthly
    start_cash = buffer + cum_cf
    for a in range(0, P, chunk):
        b = min(P, a + chunk)
        part = {k: x[a:b] for k, x in values.items() if k in _PER_PLAN}
        res = scenario_outcomes(month_slices(cf, start_cash), pay[a:b], minimum, part)
        for k in out:
            out[k][a:b] = res[k]
        if monthly:  # distribution of default months, per plan over scenarios
            flat = (np.arange(b - a)[:, None] * H1 + res["default_month"])[res["defaulted"]]
            hazard[a:b] = np.bincount(flat, minlength=(b - a) * H1).reshape(b - a, H1) / S

    mean_cf = cf.mean(axis=0)  # H
    q5 = np.quantile(cf, 0.05, axis=0) if S > 1 else cf[0]
    q95 = np.quantile(cf, 0.95, axis=0) if S > 1 else cf[0]
    terms = batch.nrows
    cover = coverage(pay, mean_cf, q5, values["disc"], terms, values["creditor_npv"])
    liquid = liquidity(pay, start_cash, terms, minimum)
    book = _books.book_metrics(batch, claim, pay, books)
    frame = pd.DataFrame(
        {
            "creditor_npv": values["creditor_npv"],
            "expected_npv": out["expected_npv"],
            "enforcement_npv": values["enforcement_npv"],
            "margin": out["expected_npv"] - values["enforcement_npv"],
            "recovery_rate": out["expected_npv"] / total,
            "irr": irr_of_payments(pay, total),
            "default_probability": out["default_probability"],
            "dscr": cover["dscr"],
            "dscr_p5": cover["dscr_p5"],
            "monthly_dscr": cover["min_dscr"],
            "monthly_dscr_p5": cover["monthly_dscr_p5"],
            "min_dscr": cover["min_dscr"],
            "min_cash": liquid["min_cash"],
            "min_cash_p5": liquid["min_cash_p5"],
            "first_month_below_minimum": liquid["first_month_below_minimum"],
            "upfront_shortfall": np.maximum(pay[:, 0] - (buffer - minimum), 0.0),
            "months_short": out["months_short"],
            "burden": cover["burden"],
            # amounts paid and waived are money: exact, from the minor units (Decimal elements)
            "peak_payment": money.decimal_column(batch.payments.max(axis=1), u),
            "total_paid": money.decimal_column(money.sum_minor(batch.payments, axis=1), u),
            "total_waived": money.decimal_column(waived_minor, u),
            "term": terms,
            "borrower_cost": out["borrower_cost"],
            "borrower_alternative": values["borrower_alternative"],
            **book,
        }
    )
    months = []
    dscr_mean = cover["dscr_mean"]
    for i in range(P if monthly else 0):
        n = int(terms[i]) + 1
        months.append(
            pd.DataFrame(
                {
                    "month": np.arange(n),
                    "date": pd.period_range(pd.Period(claim.as_of, freq="M"), periods=n, freq="M"),
                    "payment": pay[i, :n],
                    "balance": batch.balance[i, :n] / scale,
                    "cash_mean": np.concatenate([[np.nan], mean_cf[: n - 1]]),
                    "cash_p5": np.concatenate([[np.nan], q5[: n - 1]]),
                    "cash_p95": np.concatenate([[np.nan], q95[: n - 1]]),
                    "cash_balance": buffer + cum_cf[:, :n].mean(axis=0) - np.cumsum(pay[i, :n]),
                    "monthly_dscr": np.concatenate([[np.nan], dscr_mean[i, : n - 1]]),
                    "default_in_month": hazard[i, :n],
                }
            )
        )
    return frame, months


def annual_dscr(pay, cash, terms) -> np.ndarray:
    r"""Lenders' debt-service coverage: per plan year, cash available over debt service due; the lowest year.

    Parameters
    ----------
    pay : ndarray, shape (P, H+1, ...)
        Payments of months 0..H (month 0, a down payment, comes out of cash at hand and is
        left to the liquidity measures).
    cash : ndarray, shape (H, ...)
        A path of cash available for debt service, months 1..H (the mean, or each month's
        5th percentile).
    terms : ndarray, shape (P, ...)
        Month of each plan's last payment.

    Returns
    -------
    ndarray, shape (P, ...)
        :math:`\min_y CF_y / DS_y` with plan year *y* the months
        :math:`12y+1 .. \min(12y+12, T)`, :math:`CF_y` the cash of those months and
        :math:`DS_y` the payments due in them; years with nothing due are skipped (``inf``
        when no year has a payment).

    Examples
    --------
    Two years of 10,000 a month against 8,000 then 12,000 a month: 120,000 / 96,000 = 1.25
    in the first year and 120,000 / 144,000 = 0.83 in the second.

    >>> pay = np.array([[0.0] + [8_000.0] * 12 + [12_000.0] * 12])
    >>> annual_dscr(pay, np.full(24, 10_000.0), np.array([24])).round(4).tolist()
    [0.8333]
    """
    P, H1 = pay.shape[:2]
    H = H1 - 1
    terms = np.asarray(terms, dtype=np.int64)
    cum_pay = np.cumsum(pay, axis=1)  # (P, H+1, ...)
    cum_cash = np.concatenate([np.zeros((1,) + cash.shape[1:]), np.cumsum(cash, axis=0)], axis=0)
    cum_cash = np.broadcast_to(cum_cash[None], (P,) + cum_cash.shape)
    best = np.full(pay[:, 0].shape, np.inf)
    for start in range(0, max(H, 1), 12):  # plan years (at most H / 12)
        live = start < terms
        end = np.where(live, np.minimum(start + 12, terms), start)[:, None]
        ds = np.take_along_axis(cum_pay, end, axis=1)[:, 0] - cum_pay[:, start]
        cf = np.take_along_axis(cum_cash, end, axis=1)[:, 0] - cum_cash[:, start]
        due = live & (ds > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(due, cf / np.where(due, ds, 1.0), np.inf)
        np.minimum(best, ratio, out=best)
    return best


def liquidity(pay, start_cash, terms, minimum) -> dict:
    r"""The borrower's cash balance under each plan: its lowest point and the first month below the minimum.

    Parameters
    ----------
    pay : ndarray, shape (P, H+1)
    start_cash : ndarray, shape (S, H+1)
        :math:`\text{buffer} + \sum_{j \le k} cf_{s,j}` (cash at hand in month 0).
    terms : ndarray (P,)
    minimum : float
        The cash the borrower must keep.

    Returns
    -------
    dict
        ``min_cash`` :math:`\min_{0 \le k \le T} (\overline{c}_k - \sum_{j \le k} p_j)` on the
        mean cash, ``min_cash_p5`` the same on the 5th percentile of the cumulative cash of
        each month (the payments are certain, so the quantile of the balance is the quantile of
        the cash less what has been paid), and ``first_month_below_minimum``, the first month
        the mean balance is below ``minimum`` (``nan``: never).  Payments are counted as if
        made (the balance a plan asks for, defaults aside).

    Examples
    --------
    A down payment of 30,000 against 20,000 at hand: the balance is -10,000 in month 0.

    >>> pay = np.array([[30_000.0, 5_000.0, 5_000.0]])
    >>> cash = 20_000.0 + np.array([[0.0, 6_000.0, 12_000.0]])
    >>> out = liquidity(pay, cash, np.array([2]), 0.0)
    >>> float(out["min_cash"][0]), float(out["first_month_below_minimum"][0])
    (-10000.0, 0.0)
    """
    P, H1 = pay.shape
    paid = np.cumsum(pay, axis=1)
    mean = start_cash.mean(axis=0)
    p5 = np.quantile(start_cash, 0.05, axis=0) if start_cash.shape[0] > 1 else start_cash[0]
    in_term = np.arange(H1)[None] <= np.asarray(terms)[:, None]
    bal = np.where(in_term, mean[None] - paid, np.inf)
    bal5 = np.where(in_term, p5[None] - paid, np.inf)
    below = in_term & (bal < minimum)
    first = np.where(below.any(axis=1), np.argmax(below, axis=1), np.nan)
    return {
        "min_cash": bal.min(axis=1),
        "min_cash_p5": bal5.min(axis=1),
        "first_month_below_minimum": first,
    }


# --------------------------------------------------------------------------------------
# The model's arithmetic, shared by :func:`evaluate` (one claim × many plans) and
# :mod:`repayplan.portfolio` (many claims × a few offers).  Claim axes come last: ``pay`` is
# ``(plans, months, ...)`` and a per-claim parameter is a scalar (one claim: the arithmetic is
# then exactly scalar arithmetic) or an array of shape ``(...)``, broadcast as numpy does.
# Last is also where they are cheapest: the inner loops then run over the claims.
# --------------------------------------------------------------------------------------
_PER_PLAN = ("creditor_npv", "default_value", "borrower_contract", "default_cost_b")


def _months_axis(H1: int, ndim: int) -> np.ndarray:
    """0..H1-1 shaped to broadcast along axis 1 of a ``(plans, months, ...)`` array."""
    return np.arange(H1).reshape((H1,) + (1,) * (ndim - 2))


def plan_values(
    pay, owed_after, total, *, v, recovery, costs, delay, w, going_concern_loss
) -> dict:
    """What each plan is worth to each side if paid in full, and if the borrower defaults in month k.

    Parameters
    ----------
    pay, owed_after : ndarray, shape (P, H+1, ...)
        Payments :math:`p_k` and what is owed after month *k*'s payment :math:`o_k`, currency
        units, for P plans, months 0..H and any claim axes.
    total : float or ndarray (...)
        The claim's total, :math:`o_{-1}`.
    v, w : float or ndarray (...)
        Monthly discount factors of the creditor and the borrower.
    recovery, costs, delay : float or ndarray (...)
        The enforcement alternative: :math:`R`, :math:`C`, :math:`D` months.
    going_concern_loss : float or ndarray (...)
        :math:`G`, what enforcement costs the borrower beyond the claim.

    Returns
    -------
    dict
        ``disc`` (:math:`v^k`), ``creditor_npv`` :math:`\\sum_k p_k v^k`, ``enforcement_npv``
        :math:`(R\\,\\text{total} - C) v^D`, ``default_value[:, k]``
        :math:`\\sum_{j<k} p_j v^j + v^{\\max(k-1,0)} (R\\, o_{k-1} - C) v^D`, and the borrower's
        ``borrower_contract`` :math:`\\sum_k p_k w^k`, ``default_cost_b[:, k]``
        :math:`\\sum_{j<k} p_j w^j + w^{\\max(k-1,0)} (o_{k-1} + C + G) w^D` and
        ``borrower_alternative`` :math:`(\\text{total} + C + G) w^D`.
    """
    k = _months_axis(pay.shape[1], pay.ndim)
    clock_k = np.maximum(k - 1, 0)
    edge = pay[:, :1].shape
    ev_factor = v**delay
    enforcement_npv = (recovery * total - costs) * ev_factor
    disc = v**k
    pv_pay = pay * disc
    creditor_npv = pv_pay.sum(axis=1)
    # value if default in month k: PV of payments before k + EV of what was owed after k-1
    cum_pv = np.concatenate(
        [np.zeros(edge), np.cumsum(pv_pay, axis=1)[:, :-1]], axis=1
    )  # sum_{j<k}
    owed_prev = np.concatenate(
        [np.broadcast_to(total, edge), owed_after[:, :-1]], axis=1
    )  # o_{k-1}
    clock = v**clock_k
    default_value = cum_pv + clock * (recovery * owed_prev - costs) * ev_factor
    # the borrower's side: what it pays, at its own rate, and what enforcement costs it
    disc_b = w**k
    pv_pay_b = pay * disc_b
    borrower_contract = pv_pay_b.sum(axis=1)
    cum_pv_b = np.concatenate([np.zeros(edge), np.cumsum(pv_pay_b, axis=1)[:, :-1]], axis=1)
    clock_b = w**clock_k
    default_cost_b = cum_pv_b + clock_b * (owed_prev + costs + going_concern_loss) * w**delay
    borrower_alternative = (total + costs + going_concern_loss) * w**delay
    return {
        "disc": disc,
        "creditor_npv": creditor_npv,
        "enforcement_npv": enforcement_npv,
        "default_value": default_value,
        "borrower_contract": borrower_contract,
        "default_cost_b": default_cost_b,
        "borrower_alternative": borrower_alternative,
    }


def month_slices(cf, start_cash):
    """The months of :func:`scenario_outcomes` from whole arrays.

    ``cf`` is ``(S, H)`` (months 1..H) and ``start_cash`` ``(S, H+1)``; yields
    ``(start_cash[:, k], cf[:, k-1])`` for k = 0..H (``None`` for the cash of month 0).
    """
    cash_k = np.ascontiguousarray(start_cash.T)
    cf_k = np.ascontiguousarray(cf.T)
    yield cash_k[0], None
    for k in range(1, cash_k.shape[0]):
        yield cash_k[k], cf_k[k - 1]


def scenario_outcomes(months, pay, minimum, values, *, count_short: bool = True) -> dict:
    """Defaults, expected values and short months of each plan across cash-flow scenarios.

    Parameters
    ----------
    months : iterable
        For k = 0..H, ``(cash_k, cf_k)``, each of shape ``(S, ...)``: ``cash_k`` is
        :math:`\\text{buffer} + \\sum_{1 \\le j \\le k} \\text{cf}_{s,j}` and ``cf_k`` month *k*'s cash
        (``None`` for k = 0).  Each pair is used before the next is asked for, so a producer
        may reuse its buffers (see :func:`month_slices` for whole arrays).
    pay : ndarray, shape (P, H+1, ...)
    minimum : float or ndarray (...)
        Cash the borrower must keep.
    values : dict
        ``creditor_npv``, ``default_value``, ``borrower_contract``, ``default_cost_b`` from
        :func:`plan_values` for the same plans.
    count_short : bool
        Count ``months_short`` (``False`` leaves it ``None``).

    Returns
    -------
    dict
        ``expected_npv``, ``borrower_cost``, ``default_probability``, ``months_short``
        (shape ``(P, ...)``), and per scenario ``defaulted`` and ``default_month`` (shape
        ``(P, S, ...)``; month 0 where there is no default).

    Notes
    -----
    The borrower defaults at the first month *k* with :math:`p_k > 0` and
    :math:`c_{s,k} - \\sum_{j \\le k} p_j < \\text{minimum}`.  The months run in an outer loop
    over arrays of shape ``(P, S, ...)``, restricted to the plans with something due that
    month: memory stays proportional to plans × scenarios.
    """
    P, H1 = pay.shape[:2]
    months = iter(months)
    cash0, _ = next(months)
    lead = (P,) + cash0.shape
    due = pay > 0
    paid, not_due = np.cumsum(pay, axis=1)[:, :, None], ~due[:, :, None]  # P × (H+1) × 1 × ...
    # a month with nothing due never counts as short: compare with -inf there
    owed = np.where(due, pay, -np.inf)[:, :, None]
    # the plans with something due in month k lie in [lo_k, hi_k): work on that slice only
    due_plans = due.reshape(P, H1, -1).any(axis=2)  # P × (H+1)
    lo = np.argmax(due_plans, axis=0)
    hi = P - np.argmax(due_plans[::-1], axis=0)
    every_due = due.reshape(P, H1, -1).all(axis=2)
    plain = not np.any(
        minimum
    )  # then c - paid >= 0 is exactly c >= paid (IEEE subtraction keeps the sign)
    # months run forward; `alive` is "no default yet".  The default month is the number of
    # months survived (H+1 when there is none), counted in uint8 and carried every 255 months.
    alive = np.ones(lead, dtype=bool)
    ok = np.empty(lead, dtype=bool)
    first, short_months = np.zeros(lead, dtype=np.int32), np.zeros(lead, dtype=np.int32)
    lived, short8 = np.zeros(lead, dtype=np.uint8), np.zeros(lead, dtype=np.uint8)
    for k in range(H1):
        cash, cf = (cash0, None) if k == 0 else next(months)
        if due_plans[:, k].any():
            a, b = int(lo[k]), int(hi[k])
            part = ok[a:b]
            if count_short and k >= 1:
                np.less(cf[None], owed[a:b, k], out=part)  # type: ignore[index]  # k >= 1: a month's cash
                part &= alive[
                    a:b
                ]  # a month after the default is not a month short: the plan is over
                short8[a:b] += part.view(np.uint8)
            if plain:  # part = "not short": the cash covers what has been paid so far
                np.greater_equal(cash[None], paid[a:b, k], out=part)
            else:
                np.greater_equal(cash[None] - paid[a:b, k], minimum, out=part)
            if not every_due[a:b, k].all():
                part |= not_due[a:b, k]
            alive[a:b] &= part
        lived += alive.view(np.uint8)
        if k % 255 == 254 or k == H1 - 1:
            first += lived
            short_months += short8
            lived[...] = 0
            short8[...] = 0
    for _ in months:  # let the producer finish its last month
        pass
    defaulted = first < H1
    month = np.where(defaulted, first, 0).astype(np.intp)
    val = np.where(
        defaulted,
        np.take_along_axis(values["default_value"], month, axis=1),
        values["creditor_npv"][:, None],
    )
    val_b = np.where(
        defaulted,
        np.take_along_axis(values["default_cost_b"], month, axis=1),
        values["borrower_contract"][:, None],
    )
    return {
        "expected_npv": val.mean(axis=1),
        "borrower_cost": val_b.mean(axis=1),
        "default_probability": defaulted.mean(axis=1),
        "months_short": short_months.mean(axis=1) if count_short else None,
        "defaulted": defaulted,
        "default_month": month,
    }


def coverage(pay, mean_cf, q5, disc, terms, creditor_npv) -> dict:
    """Debt-service coverage and burden of each plan.

    ``pay`` is ``(P, H+1, ...)``; ``mean_cf`` and ``q5`` the mean and 5th percentile of cash
    for months 1..H, ``(H, ...)``; ``disc`` the creditor's :math:`v^k` from :func:`plan_values`;
    ``terms`` the month of each plan's last payment, ``(P, ...)``.  Returns the lenders' annual
    ``dscr`` and ``dscr_p5`` (:func:`annual_dscr` on the mean and on the 5th-percentile path),
    the monthly ``min_dscr`` :math:`\\min_k \\bar{cf}_k / p_k` and ``monthly_dscr_p5``
    :math:`\\min_k q_{5\\%,k} / p_k` (months with a payment; ``inf`` without), ``burden`` :math:`\\sum_k p_k v^k / \\sum_{1 \\le k \\le \\text{term}}
    \\bar{cf}_k v^k` and ``dscr_mean`` (per month).
    """
    monthly_pay = pay[:, 1:]  # (P, H, ...)
    with np.errstate(divide="ignore", invalid="ignore"):
        dscr_mean = np.where(monthly_pay > 0, mean_cf[None] / monthly_pay, np.inf)
        dscr_q5 = np.where(monthly_pay > 0, q5[None] / monthly_pay, np.inf)
    k_idx = _months_axis(pay.shape[1], pay.ndim)[1:]
    in_term = k_idx <= np.asarray(terms)[:, None]
    pv_cf = np.where(in_term, mean_cf[None] * disc[1:][None], 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        burden = np.where(pv_cf > 0, creditor_npv / pv_cf, np.inf)
    return {
        "min_dscr": dscr_mean.min(axis=1),
        "monthly_dscr_p5": dscr_q5.min(axis=1),
        "burden": burden,
        "dscr_mean": dscr_mean,
        "dscr": annual_dscr(pay, mean_cf, terms),
        "dscr_p5": annual_dscr(pay, q5, terms),
    }


def irr_of_payments(pay: np.ndarray, total, guess=None) -> np.ndarray:
    """Annualised monthly IRR of ``-total`` at month 0 then the plan's payments, per plan.

    ``pay`` is ``(P, H+1, ...)`` and ``total`` a scalar or ``(...)``.  With :math:`d = 1/(1+i)`
    the NPV is the polynomial :math:`f = \\sum_k F_k d^k` (:math:`F_0 \\le 0`, :math:`F_k \\ge 0`
    after); in :math:`x = \\ln(1 + i)` it is decreasing and convex, so the root is unique when
    it lies in :math:`i \\in (-0.99, 1)`, and Newton's method
    :math:`x \\leftarrow x + f / \\sum_k k F_k d^k` from :math:`x = 0` (or from ``guess``, an
    annual rate, scalar or ``(P, ...)``) lands left of it after one step and then climbs to it
    monotonically.  Both sums come from Horner's rule over the months, vectorised over plans
    (converged plans drop out).
    """
    H1 = pay.shape[1]
    shape = pay[:, 0].shape
    flows = np.array(pay, dtype=float)
    flows[:, 0] -= total
    F = np.ascontiguousarray(np.moveaxis(flows, 1, 0)).reshape(H1, -1)  # months × (plans, claims)
    lo, hi = np.log1p(-0.99), np.log1p(1.0)

    def npv_and_slope(x, cols):
        """f = sum_k F_k d^k and sum_k k F_k d^k = d f'(d), by Horner's rule."""
        d = np.exp(-x)
        Fc = F if cols is None else F[:, cols]
        f, g = Fc[H1 - 1].copy(), np.zeros(len(x))
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(H1 - 2, -1, -1):
                g *= d
                g += f
                f *= d
                f += Fc[k]
        return f, g * d

    n = F.shape[1]
    ok = (npv_and_slope(np.full(n, lo), None)[0] > 0) & (npv_and_slope(np.full(n, hi), None)[0] < 0)
    x = np.zeros(n) if guess is None else np.log1p(np.broadcast_to(guess, shape).reshape(-1) / 12.0)
    live = np.flatnonzero(ok)
    for _ in range(200):
        if live.size == 0:
            break
        f, slope = npv_and_slope(x[live], None if live.size == n else live)
        new = np.clip(x[live] + f / slope, lo, hi)
        moved = np.abs(new - x[live]) > 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(new))
        x[live] = new
        live = live[moved & np.isfinite(new)]
    return np.where(ok, np.expm1(x) * 12, np.nan).reshape(shape)


# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Evaluation:
    """One plan measured for both sides: ``metrics`` (Series), ``monthly`` (DataFrame of
    payments, balance, cash band, DSCR and the distribution of default months) and the
    plan's ``schedule``.

    Examples
    --------
    A 1,042,000 claim repaid over 12 months at 0% (86,833.33 a month) by a borrower with
    200,000 a month: no default; the lenders' DSCR of the one plan year is
    2,400,000 / 1,042,000 = 2.30326 and the lowest monthly ratio 200,000 / 86,833.37 = 2.30325
    (the last instalment trues up).

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=42_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> cf = rp.CashFlow.from_series(pd.Series(200_000.0, index=pd.period_range("2027-01", periods=12, freq="M")))
    >>> ev = rp.evaluate(rp.Plan(term=12, annual_rate=0.0), claim, cf, rp.Creditor(0.06))
    >>> float(ev.default_probability), round(float(ev.dscr), 4), round(float(ev.monthly_dscr), 4)
    (0.0, 2.3033, 2.3033)
    >>> ev.monthly[["month", "payment"]].head(3)
       month   payment
    0      0      0.00
    1      1  86833.33
    2      2  86833.33
    """

    plan: Plan
    claim: object
    cashflow: object
    creditor: Creditor
    metrics: pd.Series
    monthly: pd.DataFrame
    schedule: object
    findings: list
    #: The one-row DataFrame ``metrics`` is read from: what ``evaluate([plan])`` returns
    #: (index ``plan``, the columns of :data:`METRICS` with their dtypes), so that code
    #: written for frames takes one plan too.
    frame: pd.DataFrame | None = None

    def __getitem__(self, key):
        return self.metrics[key]

    def __getattr__(self, key):
        metrics = object.__getattribute__(self, "metrics")
        if key in metrics.index:
            return metrics[key]
        raise AttributeError(key)

    def __repr__(self) -> str:
        m = self.metrics
        return (
            f"Evaluation({self.plan.describe()}: expected NPV "
            f"{money.format_number(m['expected_npv'])} vs enforcement "
            f"{money.format_number(m['enforcement_npv'])}; default probability "
            f"{format_probability(m['default_probability'])}; "
            f"DSCR {money.format_number(m['dscr'], 2, grouping=False)})"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{escape(k)}</th><td>{metric_text(k, v)}</td><td>{escape(ALL_METRICS.get(k, ('', '', '', ''))[3])}</td></tr>"
            for k, v in cast("Iterable[tuple[str, object]]", self.metrics.items())
        )
        finds = "".join(f"<li>{escape(str(f))}</li>" for f in self.findings)
        return (
            f"<div><b>{escape(self.plan.name or 'Plan')}</b>: {escape(self.plan.describe())}"
            f"<table>{rows}</table>{'<ul>' + finds + '</ul>' if finds else ''}</div>"
        )


def format_probability(p, scenarios: int | None = None) -> str:
    """A probability as percent with the precision it has.

    Two significant figures below 10% (0.2% is not "0%"), one decimal above; with the
    number of ``scenarios`` a Monte Carlo estimate is never shown finer than one scenario
    (:math:`1/S`), and 0 reads "0 of S".

    >>> format_probability(0.002), format_probability(0.0), format_probability(0.25), format_probability(1.0)
    ('0.2%', '0%', '25.0%', '100%')
    >>> format_probability(0.05), format_probability(0.0999)
    ('5%', '10%')
    >>> format_probability(0.00123), format_probability(0.001, scenarios=1000), format_probability(0, scenarios=1000)
    ('0.12%', '0.1%', '0% (0 of 1,000)')
    """
    import math

    from ._validate import check_fraction

    if isinstance(p, float) and math.isnan(p):  # a figure that is missing
        return "—"
    p = float(check_fraction("p", p))
    if scenarios is not None:
        scenarios = check_int("scenarios", scenarios, low=1)
    if p <= 0:
        return "0%" + (f" (0 of {scenarios:,})" if scenarios else "")
    if p >= 1:
        return "100%"
    pct = 100 * p
    decimals = 1 if pct >= 10 else max(1, 1 - math.floor(math.log10(pct)))
    if scenarios:
        decimals = min(decimals, max(0, math.ceil(math.log10(scenarios)) - 2))
    text = money.format_number(pct, decimals, grouping=False)
    if pct < 10 and "." in text:  # two significant figures, not trailing zeros
        text = text.rstrip("0").rstrip(".")
    return text + "%"


#: The words :func:`format_metric` prints, in Chinese: the five risk classes (the 2023
#: measures' names, 正常类 ... 损失类) and "never".
_METRIC_WORDS_ZH = by_language("metric_words")["zh"]  # from repayplan.text


def format_metric(key: str, value, lang: str = "en") -> str:
    """A metric of :data:`METRICS` as text: amounts with separators, fractions as percent.

    ``lang="zh"`` prints the words in Chinese: the risk class by the names of the 2023
    measures (``"substandard"`` -> ``"次级类"``) and "never" (``"从不"``); numbers are the same.

    >>> format_metric("expected_npv", 1234567.891), format_metric("recovery_rate", 0.9123)
    ('1,234,567.89', '91.2%')
    >>> format_metric("irr", 0.0435), format_metric("term", 48.0), format_metric("months_short", 2.5)
    ('4.35%', '48', '2.5')
    >>> format_metric("default_probability", 0.002), format_metric("first_month_below_minimum", float("nan"))
    ('0.2%', 'never')
    >>> format_metric("risk_class", "substandard", "zh"), format_metric("first_month_below_minimum", float("nan"), "zh")
    ('次级类', '从不')
    >>> format_metric("modification_gain", -0.0017)          # a negative zero has no sign
    '0.00'
    >>> format_metric("total_paid", Decimal("1234567.89"))   # exact amounts print exactly
    '1,234,567.89'
    """
    import math

    from ._validate import check_choice

    zh = check_choice("lang", lang, ("en", "zh")) == "zh"
    unit = ALL_METRICS.get(key, (None, None))[1]
    if value is None:
        return "—"
    if isinstance(value, Decimal):  # an exact amount (total_paid ...): printed as it is
        if unit == "currency" and value.is_finite():
            return _unsigned_zero(money.format_number(value))
        value = float(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        return _METRIC_WORDS_ZH.get(str(value), str(value)) if zh else str(value)
    value = float(value) if isinstance(value, (float, np.floating)) else int(value)
    if unit == "month" and isinstance(value, float) and math.isnan(value):
        return _METRIC_WORDS_ZH["never"] if zh else "never"
    if isinstance(value, float) and not math.isfinite(value):
        return "—" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if unit == "probability":
        return format_probability(value)
    if unit == "currency":
        return _unsigned_zero(money.format_number(value))
    if unit == "fraction a year":
        return _unsigned_zero(money.format_percent(value, 2))
    if unit and unit.startswith("fraction"):
        return _unsigned_zero(money.format_percent(value, 1))
    if unit in ("months", "count", "month"):
        return (
            _unsigned_zero(money.format_number(value, 1))
            if isinstance(value, float) and value != int(value)
            else f"{int(value)}"
        )
    return _unsigned_zero(money.format_number(value))


def _unsigned_zero(text: str) -> str:
    """A figure that rounds to zero, without its sign: ``"-0.00"`` reads ``"0.00"``.

    >>> _unsigned_zero(f"{-0.001:,.2f}"), _unsigned_zero(f"{-0.0004:.1%}"), _unsigned_zero("-1.00")
    ('0.00', '0.0%', '-1.00')
    """
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def metric_text(key: str, value) -> str:
    return escape(format_metric(key, value))
