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
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import numpy as np
import pandas as pd

from ._validate import (
    as_decimal,
    check_amount,
    check_bool,
    check_claim,
    check_fraction,
    check_int,
    check_items,
    check_rate,
    check_text,
)
from .errors import InputError
from .plans import Plan, PlanBatch, plan_batch

__all__ = ["Borrower", "Creditor", "Enforcement", "Evaluation", "evaluate", "format_metric", "METRICS",
           "align_cashflow"]

#: The columns of :func:`evaluate`, with units and the side that prefers higher values.
METRICS = {
    "creditor_npv": ("creditor", "currency", "higher", "NPV of the plan's payments if all are made"),
    "expected_npv": ("creditor", "currency", "higher", "NPV expected across scenarios, defaults and enforcement included"),
    "enforcement_npv": ("creditor", "currency", None, "NPV of enforcing the claim now (the creditor's alternative)"),
    "margin": ("creditor", "currency", "higher", "expected_npv - enforcement_npv"),
    "recovery_rate": ("creditor", "fraction", "higher", "expected_npv / claim total"),
    "irr": ("creditor", "fraction a year", "higher", "yield on the claim if every payment is made (monthly IRR x 12)"),
    "default_probability": ("borrower", "fraction", "lower", "share of scenarios where the borrower runs out of cash"),
    "min_dscr": ("borrower", "ratio", "higher", "lowest monthly cash / payment on the mean cash flow"),
    "dscr_p5": ("borrower", "ratio", "higher", "lowest monthly 5th-percentile cash / payment"),
    "months_short": ("borrower", "months", "lower", "expected months whose cash flow does not cover the payment"),
    "burden": ("borrower", "fraction", "lower", "PV of payments / PV of the borrower's cash flow over the term"),
    "peak_payment": ("borrower", "currency", "lower", "largest single payment"),
    "total_paid": ("borrower", "currency", "lower", "sum of all payments"),
    "total_waived": ("both", "currency", None, "what the creditor gives up"),
    "term": ("both", "months", None, "month of the last payment"),
    "rule_findings": ("both", "count", "lower", "rule-set findings (warnings and errors)"),
    "borrower_cost": ("borrower", "currency", "lower", "PV at the borrower's rate of what it expects to pay, defaults included"),
    "borrower_alternative": ("borrower", "currency", None, "PV at the borrower's rate of what enforcement would cost it"),
}


@dataclass(frozen=True)
class Enforcement:
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

    recovery_rate: float = 0.5
    delay_months: int = 18
    costs: Decimal = Decimal(0)

    def __post_init__(self):
        object.__setattr__(self, "recovery_rate", check_fraction("recovery_rate", self.recovery_rate))
        object.__setattr__(self, "delay_months", check_int("delay_months", self.delay_months, low=0, high=600))
        c = as_decimal("costs", self.costs)
        if c < 0:
            raise InputError("costs", self.costs, "an amount >= 0")
        object.__setattr__(self, "costs", c)

    def value(self, owed, discount_rate: float) -> float:
        """Present value today of enforcing on ``owed``: ``(R owed - C) v^D``."""
        owed = check_amount("owed", owed, allow_zero=True)
        discount_rate = check_rate("discount_rate", discount_rate)
        v = 1.0 / (1.0 + float(discount_rate) / 12.0)
        return (self.recovery_rate * float(owed) - float(self.costs)) * v**self.delay_months

    def replace(self, **changes) -> Enforcement:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Creditor:
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

    discount_rate: float = 0.06
    enforcement: Enforcement = Enforcement()
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "discount_rate", float(check_rate("discount_rate", self.discount_rate)))
        if not isinstance(self.enforcement, Enforcement):
            raise InputError("enforcement", self.enforcement, "a repayplan.Enforcement")
        check_text("name", self.name)

    def replace(self, **changes) -> Creditor:
        return dataclasses.replace(self, **changes)

    def enforcement_npv(self, claim) -> float:
        """``recovery_rate × claim.total − costs``, discounted over the delay."""
        check_claim("claim", claim)
        return self.enforcement.value(claim.total, self.discount_rate)


@dataclass(frozen=True)
class Borrower:
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

    discount_rate: float = 0.10
    going_concern_loss: Decimal | None = None

    def __post_init__(self):
        object.__setattr__(self, "discount_rate", float(check_rate("discount_rate", self.discount_rate)))
        if self.going_concern_loss is not None:
            g = as_decimal("going_concern_loss", self.going_concern_loss)
            if g < 0:
                raise InputError("going_concern_loss", self.going_concern_loss, "an amount >= 0")
            object.__setattr__(self, "going_concern_loss", g)

    def loss(self, claim) -> float:
        check_claim("claim", claim)
        return float(claim.total) * 0.2 if self.going_concern_loss is None else float(self.going_concern_loss)


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
            raise InputError("cashflow", f"starts {cashflow.start}",
                             f"a cash flow that covers the months from {first} (the month after the claim date)")
    if cashflow.months - offset < months:
        have = max(0, cashflow.months - offset)
        raise InputError("cashflow", f"{cashflow.months} months from {cashflow.start}",
                         f"at least {months} months from {first} to cover the longest plan ({have} given)")
    return np.asarray(cashflow.values[:, offset : offset + months], dtype=float)


# --------------------------------------------------------------------------------------
def evaluate(plans, claim, cashflow, creditor, *, borrower: Borrower | None = None, check_rules: bool = True,
             chunk: int | None = None):
    """Measure plans for both sides, vectorised across plans × scenarios × months.

    Parameters
    ----------
    plans : Plan or sequence of Plan
        One plan gives an :class:`Evaluation` (a rich object); a sequence a DataFrame.
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

    Returns
    -------
    pandas.DataFrame or Evaluation
        One row per plan (index: plan names), the columns of :data:`METRICS`: currency
        amounts as floats in currency units (analytics), fractions as fractions.

    Notes
    -----
    See the module docstring for the default model.  ``min_dscr`` is
    :math:`\\min_k \\bar{cf}_k / p_k` and ``dscr_p5`` is :math:`\\min_k q_{5\\%}(cf_{\\cdot,k}) / p_k`
    over months with a payment; ``burden`` is
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
    >>> out[["default_probability", "min_dscr", "expected_npv"]].round(2)
            default_probability  min_dscr  expected_npv
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
    batch = plan_batch(plan_list, claim)
    frame, months = _evaluate_batch(batch, claim, cashflow, creditor, borrower, chunk=chunk, monthly=single)
    if check_rules:
        frame["rule_findings"] = [_findings(p, claim) for p in plan_list]
    else:
        frame["rule_findings"] = 0
    frame.index = plan_names(plan_list)
    frame.index.name = "plan"
    if single:
        return Evaluation(plan=plan_list[0], claim=claim, cashflow=cashflow, creditor=creditor,
                          metrics=frame.iloc[0], monthly=months[0], schedule=batch.schedule(0),
                          findings=_finding_list(plan_list[0], claim) if check_rules else [])
    return frame


def plan_names(plans) -> list[str]:
    """Names for table columns: the plan's own name, else ``plan 1``, ``plan 2`` …; unique."""
    out, seen = [], {}
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


def _evaluate_batch(batch: PlanBatch, claim, cashflow, creditor: Creditor, borrower: Borrower, *, chunk=None,
                    monthly=False):
    u = batch.units
    scale = 10.0**u
    pay = batch.payments.astype(float) / scale                     # P × (H+1)
    P, H1 = pay.shape
    H = H1 - 1
    cf = align_cashflow(cashflow, claim, H)                        # S × H
    S = cf.shape[0]
    d = creditor.discount_rate
    v = 1.0 / (1.0 + d / 12.0)
    total = float(claim.total)
    waived = np.array([t.waived for t in batch.terms], dtype=float) / scale
    conditional = np.array([p.waivers_conditional for p in batch.plans])
    owed_after = batch.balance.astype(float) / scale + np.where(conditional, waived, 0.0)[:, None]  # P × (H+1)
    enf = creditor.enforcement
    w = 1.0 / (1.0 + borrower.discount_rate / 12.0)
    values = plan_values(pay, owed_after, total, v=v, recovery=enf.recovery_rate, costs=float(enf.costs),
                         delay=enf.delay_months, w=w, going_concern_loss=borrower.loss(claim))

    cum_cf = np.concatenate([np.zeros((S, 1)), np.cumsum(cf, axis=1)], axis=1)                 # S × (H+1)
    buffer, minimum = float(cashflow.buffer), float(cashflow.minimum_cash)
    chunk = chunk or max(1, int(4e7 // max(1, S * H1)))
    out = {k: np.empty(P) for k in ("expected_npv", "borrower_cost", "default_probability", "months_short")}
    hazard = np.zeros((P, H1)) if monthly else None
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

    mean_cf = cf.mean(axis=0)                                                 # H
    q5 = np.quantile(cf, 0.05, axis=0) if S > 1 else cf[0]
    q95 = np.quantile(cf, 0.95, axis=0) if S > 1 else cf[0]
    cover = coverage(pay, mean_cf, q5, values["disc"], batch.nrows, values["creditor_npv"])
    terms = batch.nrows
    frame = pd.DataFrame({
        "creditor_npv": values["creditor_npv"],
        "expected_npv": out["expected_npv"],
        "enforcement_npv": values["enforcement_npv"],
        "margin": out["expected_npv"] - values["enforcement_npv"],
        "recovery_rate": out["expected_npv"] / total,
        "irr": _irr(pay, total),
        "default_probability": out["default_probability"],
        "min_dscr": cover["min_dscr"],
        "dscr_p5": cover["dscr_p5"],
        "months_short": out["months_short"],
        "burden": cover["burden"],
        "peak_payment": pay.max(axis=1),
        "total_paid": pay.sum(axis=1),
        "total_waived": waived,
        "term": terms,
        "borrower_cost": out["borrower_cost"],
        "borrower_alternative": values["borrower_alternative"],
    })
    months = []
    dscr_mean = cover["dscr_mean"]
    for i in range(P if monthly else 0):
        n = int(terms[i]) + 1
        months.append(pd.DataFrame({
            "month": np.arange(n),
            "date": pd.period_range(pd.Period(claim.as_of, freq="M"), periods=n, freq="M"),
            "payment": pay[i, :n],
            "balance": batch.balance[i, :n] / scale,
            "cash_mean": np.concatenate([[np.nan], mean_cf[: n - 1]]),
            "cash_p5": np.concatenate([[np.nan], q5[: n - 1]]),
            "cash_p95": np.concatenate([[np.nan], q95[: n - 1]]),
            "dscr_mean": np.concatenate([[np.nan], dscr_mean[i, : n - 1]]),
            "default_in_month": hazard[i, :n],
        }))
    return frame, months


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


def plan_values(pay, owed_after, total, *, v, recovery, costs, delay, w, going_concern_loss) -> dict:
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
    cum_pv = np.concatenate([np.zeros(edge), np.cumsum(pv_pay, axis=1)[:, :-1]], axis=1)    # sum_{j<k}
    owed_prev = np.concatenate([np.broadcast_to(total, edge), owed_after[:, :-1]], axis=1)    # o_{k-1}
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
    return {"disc": disc, "creditor_npv": creditor_npv, "enforcement_npv": enforcement_npv,
            "default_value": default_value, "borrower_contract": borrower_contract,
            "default_cost_b": default_cost_b, "borrower_alternative": borrower_alternative}


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
    paid, not_due = np.cumsum(pay, axis=1)[:, :, None], ~due[:, :, None]         # P × (H+1) × 1 × ...
    # a month with nothing due never counts as short: compare with -inf there
    owed = np.where(due, pay, -np.inf)[:, :, None]
    # the plans with something due in month k lie in [lo_k, hi_k): work on that slice only
    due_plans = due.reshape(P, H1, -1).any(axis=2)                                # P × (H+1)
    lo = np.argmax(due_plans, axis=0)
    hi = P - np.argmax(due_plans[::-1], axis=0)
    every_due = due.reshape(P, H1, -1).all(axis=2)
    plain = not np.any(minimum)  # then c - paid >= 0 is exactly c >= paid (IEEE subtraction keeps the sign)
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
                np.less(cf[None], owed[a:b, k], out=part)
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
    val = np.where(defaulted, np.take_along_axis(values["default_value"], month, axis=1),
                   values["creditor_npv"][:, None])
    val_b = np.where(defaulted, np.take_along_axis(values["default_cost_b"], month, axis=1),
                     values["borrower_contract"][:, None])
    return {"expected_npv": val.mean(axis=1), "borrower_cost": val_b.mean(axis=1),
            "default_probability": defaulted.mean(axis=1),
            "months_short": short_months.mean(axis=1) if count_short else None,
            "defaulted": defaulted, "default_month": month}


def coverage(pay, mean_cf, q5, disc, terms, creditor_npv) -> dict:
    """Debt-service coverage and burden of each plan.

    ``pay`` is ``(P, H+1, ...)``; ``mean_cf`` and ``q5`` the mean and 5th percentile of cash
    for months 1..H, ``(H, ...)``; ``disc`` the creditor's :math:`v^k` from :func:`plan_values`;
    ``terms`` the month of each plan's last payment, ``(P, ...)``.  Returns ``min_dscr``
    :math:`\\min_k \\bar{cf}_k / p_k`, ``dscr_p5`` :math:`\\min_k q_{5\\%,k} / p_k` (months with a
    payment; ``inf`` without), ``burden`` :math:`\\sum_k p_k v^k / \\sum_{1 \\le k \\le \\text{term}}
    \\bar{cf}_k v^k` and ``dscr_mean`` (per month).
    """
    monthly_pay = pay[:, 1:]                                                  # (P, H, ...)
    with np.errstate(divide="ignore", invalid="ignore"):
        dscr_mean = np.where(monthly_pay > 0, mean_cf[None] / monthly_pay, np.inf)
        dscr_q5 = np.where(monthly_pay > 0, q5[None] / monthly_pay, np.inf)
    k_idx = _months_axis(pay.shape[1], pay.ndim)[1:]
    in_term = k_idx <= np.asarray(terms)[:, None]
    pv_cf = np.where(in_term, mean_cf[None] * disc[1:][None], 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        burden = np.where(pv_cf > 0, creditor_npv / pv_cf, np.inf)
    return {"min_dscr": dscr_mean.min(axis=1), "dscr_p5": dscr_q5.min(axis=1), "burden": burden,
            "dscr_mean": dscr_mean}


def _irr(pay: np.ndarray, total, guess=None) -> np.ndarray:
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
    F = np.ascontiguousarray(np.moveaxis(flows, 1, 0)).reshape(H1, -1)   # months × (plans, claims)
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
    200,000 a month: no default, and the lowest DSCR is 200,000 / 86,833.37 (the last
    instalment trues up).

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=42_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> cf = rp.CashFlow.from_series(pd.Series(200_000.0, index=pd.period_range("2027-01", periods=12, freq="M")))
    >>> ev = rp.evaluate(rp.Plan(term=12, annual_rate=0.0), claim, cf, rp.Creditor(0.06))
    >>> float(ev.default_probability), round(float(ev.min_dscr), 4)
    (0.0, 2.3033)
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

    def __getitem__(self, key):
        return self.metrics[key]

    def __getattr__(self, key):
        metrics = object.__getattribute__(self, "metrics")
        if key in metrics.index:
            return metrics[key]
        raise AttributeError(key)

    def __repr__(self) -> str:
        m = self.metrics
        return (f"Evaluation({self.plan.describe()}: expected NPV {m['expected_npv']:,.2f} vs enforcement "
                f"{m['enforcement_npv']:,.2f}; default probability {m['default_probability']:.1%}; "
                f"min DSCR {m['min_dscr']:.2f})")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{escape(k)}</th><td>{_fmt_metric(k, v)}</td><td>{escape(METRICS.get(k, ('', '', '', ''))[3])}</td></tr>"
            for k, v in self.metrics.items()
        )
        finds = "".join(f"<li>{escape(str(f))}</li>" for f in self.findings)
        return (f"<div><b>{escape(self.plan.name or 'Plan')}</b>: {escape(self.plan.describe())}"
                f"<table>{rows}</table>{'<ul>' + finds + '</ul>' if finds else ''}</div>")


def format_metric(key: str, value) -> str:
    """A metric of :data:`METRICS` as text: amounts with separators, fractions as percent.

    >>> format_metric("expected_npv", 1234567.891), format_metric("recovery_rate", 0.9123)
    ('1,234,567.89', '91.2%')
    >>> format_metric("irr", 0.0435), format_metric("term", 48.0), format_metric("months_short", 2.5)
    ('4.35%', '48', '2.5')
    """
    import math

    unit = METRICS.get(key, (None, None))[1]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    value = float(value) if isinstance(value, (float, np.floating)) else int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "—" if math.isnan(value) else "∞"
    if unit == "currency":
        return f"{value:,.2f}"
    if unit == "fraction a year":
        return f"{value:.2%}"
    if unit and unit.startswith("fraction"):
        return f"{value:.1%}"
    if unit in ("months", "count"):
        return f"{value:,.1f}" if isinstance(value, float) and value != int(value) else f"{int(value)}"
    return f"{value:,.2f}"


def _fmt_metric(key: str, value) -> str:
    return escape(format_metric(key, value))
