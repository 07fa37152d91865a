r"""What each concession costs and buys, how the judgement moves with the assumptions, and break-even values.

Definitions
-----------
Concession
    A term of a plan that gives the borrower something the contract does not: a rate below
    the contract rate (``rate_cut``), a waiver of penalty or contract interest
    (``penalty_waiver``, ``interest_waiver``), a ``haircut`` of principal, a settlement
    discount (``settlement_discount``), interest-only ``grace``, an ``extra_term`` beyond the
    loan's remaining (or, once matured, original) term, a ``balloon``.  Withdrawing it gives
    the plan :math:`p^{-c}` with that one term reset (rate ``None``: the contract rate; a
    share 0; grace 0; the term cut back).
Cost and what it buys
    With :math:`E[\cdot]` the seeded expected NPV of :func:`repayplan.evaluate`,
    ``creditor_cost`` :math:`= E[p^{-c}] - E[p]` (positive: the concession costs the
    creditor), ``borrower_saving`` :math:`= B(p^{-c}) - B(p)` (the borrower's expected cost
    at its own rate), ``default_probability_change`` :math:`= PD(p^{-c}) - PD(p)` and
    ``dscr_change`` :math:`= DSCR(p^{-c}) - DSCR(p)`: what withdrawing it would do.
Transfer
    A concession that costs the creditor (``creditor_cost > 0``) while the plan without it
    is as feasible as with it and its default probability moves by less than
    :data:`TRANSFER_TOLERANCE`: it buys (almost) nothing, it only moves value from the
    creditor to the borrower.  ``negotiate(objective="creditor")`` never grants one.
Sensitivity
    The recommended plan's key figures with one assumption pushed down and up
    (:data:`PUSHES`), on the same seeded scenarios: cash level :math:`\lambda\,cf_{s,k}`,
    trend :math:`cf_{s,k} (1+g)^{k/12}`, volatility
    :math:`\overline{cf}_k + \phi\,(cf_{s,k} - \overline{cf}_k)`, the recovery rate, the
    enforcement delay and costs, the creditor's discount rate; and whether the
    recommendation itself changes: the search is re-run under each push on every plan the
    negotiation evaluated (one schedule batch, one evaluation per push, the constraints and
    the objective applied again; see :func:`sensitivity`).
Break-even
    The value :math:`x^*` of one assumption at which
    :math:`E[\text{NPV}](x^*) = \text{enforcement NPV}(x^*)`, found by
    :func:`scipy.optimize.brentq` on the seeded evaluation.
The creditor's assumptions on an enforcement path
    When the alternative is built from security
    (:meth:`repayplan.evaluate.Enforcement.from_security`), the recovery rate is the recovery on
    what the security does not cover (the unsecured recovery :math:`u`), the delay the
    path's months to the money :math:`D` (every step after filing moved by
    :math:`s = D' - D` months) and the costs the creditor's own lawyer and appraisal fees;
    the pushed path keeps the drawn scenarios
    (:meth:`repayplan.security.EnforcementPath.with_assumption`).  Between whole months
    :math:`n < x < n+1` the path is the mixture of the two with weights
    :math:`n + 1 - x` and :math:`x - n`, so every value is linear in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InfeasibleError, InputError
from .money import format_number

__all__ = [
    "CONCESSIONS",
    "TRANSFER_TOLERANCE",
    "PUSHES",
    "ASSUMPTIONS",
    "withdrawals",
    "concessions",
    "cost_concessions",
    "Sensitivity",
    "sensitivity",
    "break_even",
]

#: The concessions a plan can carry, in the order they are listed.
CONCESSIONS = (
    "rate_cut",
    "penalty_waiver",
    "interest_waiver",
    "haircut",
    "settlement_discount",
    "grace",
    "extra_term",
    "balloon",
)

#: A concession that moves the default probability by less than this buys (almost) nothing.
TRANSFER_TOLERANCE = 0.005

#: How :func:`sensitivity` pushes each assumption: (low, high), as a factor of the cash
#: (level, volatility), an annual growth rate (trend), or an absolute value or change.
PUSHES = {
    "cash_level": (0.8, 1.2),
    "cash_trend": (-0.05, 0.05),
    "cash_volatility": (0.5, 1.5),
    "recovery_rate": (-0.1, 0.1),
    "delay_months": (-6, 6),
    "costs": (0.5, 1.5),
    "discount_rate": (-0.01, 0.01),
}

#: The assumptions :func:`break_even` solves for, with the interval it searches.
ASSUMPTIONS = {
    "recovery_rate": (0.0, 1.0),
    "delay_months": (0.0, 600.0),
    "costs": None,  # 0 .. the claim
    "discount_rate": (0.0, 1.0),
    "cash_level": (0.0, 10.0),
    "cash_trend": (-0.95, 1.0),
}


def _base_term(claim) -> int | None:
    if claim.maturity is not None:
        m = (claim.maturity.year - claim.as_of.year) * 12 + claim.maturity.month - claim.as_of.month
        if m >= 1:
            return m
    return getattr(claim, "term_months", None)


def withdrawals(plan, claim) -> dict:
    """The plan with each of its concessions withdrawn, one at a time.

    Examples
    --------
    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=1_000_000, annual_rate=0.0435, as_of=date(2026, 12, 1), term_months=24)
    >>> for name, p in withdrawals(Plan(term=48, annual_rate=0.03, grace=6, penalty_waiver=1), claim).items():
    ...     print(f"{name:15} {p!r}")
    rate_cut        Plan(term=48, grace=6, penalty_waiver=1.0)
    penalty_waiver  Plan(term=48, annual_rate=0.03, grace=6)
    grace           Plan(term=48, annual_rate=0.03, penalty_waiver=1.0)
    extra_term      Plan(term=24, annual_rate=0.03, grace=6, penalty_waiver=1.0)
    """
    _check_plan_claim(plan, claim)
    out = {}
    rate = float(claim.annual_rate)

    def put(name, **changes):
        try:
            out[name] = plan.replace(**changes)
        except (
            InputError
        ):  # the plan cannot lose this one concession alone (e.g. grace >= the shorter term)
            pass

    if plan.annual_rate is not None and plan.annual_rate < rate - 1e-12:
        put("rate_cut", annual_rate=None)
    for name in ("penalty_waiver", "interest_waiver", "haircut", "settlement_discount"):
        if getattr(plan, name) > 0:
            put(name, **{name: 0.0})
    if plan.grace > 0:
        put("grace", grace=0)
    base = _base_term(claim)
    if base is not None and plan.term > base and not plan.is_settlement:
        put("extra_term", term=base)
    if plan.balloon > 0:
        put("balloon", balloon=0.0)
    return out


def count(plan, claim) -> int:
    """How many concessions a plan carries (for ties: fewer is better)."""
    return len(withdrawals(plan, claim))


_COLUMNS = [
    "creditor_cost",
    "borrower_saving",
    "default_probability_change",
    "dscr_change",
    "feasible_without",
    "transfer",
    "plan_without",
]


def cost_concessions(items, judge) -> pd.DataFrame:
    """The concessions of several plans costed in one batch of variant plans.

    Parameters
    ----------
    items : sequence of (name, Plan)
    judge : callable
        ``judge(plans)`` returns the evaluated frame of the plans (``expected_npv``,
        ``borrower_cost``, ``default_probability``, ``dscr``, ``feasible``), one row per plan
        in order: one call for all the plans and all their variants.

    Returns
    -------
    DataFrame
        Indexed by (candidate, concession), the columns of :func:`concessions`.

    Examples
    --------
    Two offers to a borrower with a steady 60,000 a month, costed together (three plans and
    their two variants in one evaluation):

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000, annual_rate=0.0435,
    ...                  as_of=date(2026, 12, 1))
    >>> judge = _Judge(claim, rp.CashFlow([60_000.0] * 60, start="2027-01"), rp.Creditor(0.06))
    >>> t = cost_concessions([("a", rp.Plan(term=48, penalty_waiver=1)), ("b", rp.Plan(term=36, grace=6))], judge)
    >>> t.index.tolist(), t["transfer"].tolist()
    ([('a', 'penalty_waiver'), ('b', 'grace')], [True, True])
    """
    claim = judge.claim
    plans, owners = [], []
    for name, plan in items:
        plans.append(plan)
        owners.append((name, None))
        for c, variant in withdrawals(plan, claim).items():
            plans.append(variant)
            owners.append((name, c))
    index = pd.MultiIndex.from_tuples(
        [o for o in owners if o[1] is not None], names=["candidate", "concession"]
    )
    if len(index) == 0:
        return pd.DataFrame(columns=_COLUMNS, index=index)
    f = judge(plans).reset_index(drop=True)
    base = {}
    rows: list = []
    for i, (name, c) in enumerate(owners):
        if c is None:
            base[name] = f.iloc[i]
            continue
        b, w = base[name], f.iloc[i]
        cost = float(w["expected_npv"] - b["expected_npv"])
        dpd = float(w["default_probability"] - b["default_probability"])
        feasible = bool(w["feasible"])
        keeps = feasible or not bool(
            b["feasible"]
        )  # withdrawing it does not cost the plan its feasibility
        rows.append(
            {
                "creditor_cost": cost,
                "borrower_saving": float(w["borrower_cost"] - b["borrower_cost"]),
                "default_probability_change": dpd,
                "dscr_change": float(w["dscr"] - b["dscr"]),
                "feasible_without": feasible,
                "transfer": bool(cost > 0 and keeps and abs(dpd) < TRANSFER_TOLERANCE),
                "plan_without": plans[i],
            }
        )
    return pd.DataFrame(rows, index=index, columns=_COLUMNS)


class _Judge:
    """Evaluate plans as :func:`repayplan.negotiate` does (constraints, feasibility, objective)."""

    def __init__(
        self,
        claim,
        cashflow,
        creditor,
        borrower=None,
        constraints=None,
        objective="creditor",
        beta=0.5,
    ):
        from .evaluate import Borrower
        from .negotiate import Constraints, SearchContext

        self.claim = claim
        self.ctx = SearchContext(
            claim,
            cashflow,
            creditor,
            borrower or Borrower(),
            constraints or Constraints(),
            objective,
            beta,
            None,
        )

    def __call__(self, plans) -> pd.DataFrame:
        return self.ctx.evaluate(list(plans))


def concessions(
    plan, claim, cashflow, creditor, *, borrower=None, constraints=None
) -> pd.DataFrame:
    """What each concession of ``plan`` costs the creditor and what it buys.

    Parameters
    ----------
    plan : Plan
    claim, cashflow, creditor
        As for :func:`repayplan.evaluate`.
    borrower : Borrower, optional
    constraints : Constraints, optional
        For ``feasible_without`` (default ``Constraints()``).

    Returns
    -------
    DataFrame
        Indexed by concession (see :data:`CONCESSIONS`): ``creditor_cost``,
        ``borrower_saving``, ``default_probability_change``, ``dscr_change`` (each the plan
        without the concession less the plan), ``feasible_without``, ``transfer`` and
        ``plan_without``.  Each row is the difference of two :func:`repayplan.evaluate` runs.

    Examples
    --------
    A borrower with a steady 60,000 a month is offered 48 months at 3 % with the penalty
    interest waived.  Neither concession buys anything (it never defaults either way): the
    rate cut costs the bank 26,389 and the waiver 11,310 of expected value — both transfers.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000, annual_rate=0.0435,
    ...                  as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([60_000.0] * 60, start="2027-01")
    >>> t = concessions(rp.Plan(term=48, annual_rate=0.03, penalty_waiver=1), claim, cash, rp.Creditor(0.06))
    >>> t["creditor_cost"].round(0).to_dict(), t["default_probability_change"].to_dict()
    ({'rate_cut': 26389.0, 'penalty_waiver': 11310.0}, {'rate_cut': 0.0, 'penalty_waiver': 0.0})
    >>> t["transfer"].to_dict()
    {'rate_cut': True, 'penalty_waiver': True}
    """
    _check_plan_claim(plan, claim)
    from .evaluate import Borrower
    from .negotiate import Constraints

    if borrower is not None and not isinstance(borrower, Borrower):
        raise InputError("borrower", type(borrower).__name__, "None or a repayplan.Borrower")
    if constraints is not None and not isinstance(constraints, Constraints):
        raise InputError(
            "constraints", type(constraints).__name__, "None or a repayplan.Constraints"
        )
    judge = _Judge(claim, cashflow, creditor, borrower, constraints)
    out = cost_concessions([("plan", plan)], judge)
    out.index = out.index.droplevel("candidate")  # type: ignore[arg-type]  # a MultiIndex; the stubs see Index
    return out


# --------------------------------------------------------------------------------------
# the seeded evaluation with one assumption changed
# --------------------------------------------------------------------------------------
class _Seeded:
    """Plans evaluated on fixed scenarios with the assumptions overridden (common random numbers)."""

    def __init__(self, plans, claim, cashflow, creditor, borrower=None):
        from .evaluate import Borrower, align_cashflow
        from .plans import plan_batch

        self.plans, self.claim, self.cashflow, self.creditor = (
            list(plans),
            claim,
            cashflow,
            creditor,
        )
        self.borrower = borrower or Borrower()
        self.batch = plan_batch(self.plans, claim)
        self.cf = align_cashflow(cashflow, claim, self.batch.payments.shape[1] - 1)
        enf = creditor.enforcement
        # what evaluate_batch reads (the quick form's figures; on a path its summary, for the
        # borrower's side) and the assumptions as they are pushed (on a path: the unsecured
        # recovery, the months to the money, the creditor's own fees; Enforcement.pushed)
        self.params = {
            "recovery_rate": enf.recovery_rate,
            "delay_months": float(enf.delay_months),
            "costs": float(enf.costs),
            "discount_rate": creditor.discount_rate,
        }
        self.base = {
            **{k: enf.assumption(k) for k in _PATH_SIDE},
            "discount_rate": creditor.discount_rate,
        }
        self.pushed = {}  # pushed creditors, shared by the subsets (the same claim)

    def subset(self, idx) -> _Seeded:
        """The same evaluation restricted to the plans ``idx`` (their schedules reused)."""
        from .plans import PlanBatch

        idx = [int(i) for i in idx]
        b = self.batch
        out = object.__new__(_Seeded)
        out.__dict__.update(self.__dict__)
        out.plans = [self.plans[i] for i in idx]
        out.batch = PlanBatch(
            plans=out.plans,
            claim=b.claim,
            terms=[b.terms[i] for i in idx],
            payments=b.payments[idx],
            balance=b.balance[idx],
            interest=b.interest[idx],
            nrows=b.nrows[idx],
            units=b.units,
        )
        return out

    def cash(self, level=1.0, trend=0.0, volatility=1.0):
        cf = self.cf
        if volatility != 1.0:
            mean = cf.mean(axis=0)
            cf = mean + volatility * (cf - mean)
        if trend != 0.0:
            cf = cf * (1.0 + trend) ** (np.arange(1, cf.shape[1] + 1) / 12.0)
        return cf * level if level != 1.0 else cf

    def creditor_with(self, changes: dict):
        """The creditor with its enforcement path pushed (:meth:`repayplan.evaluate.Enforcement.pushed`)."""
        key = tuple(sorted(changes.items()))
        if key not in self.pushed:
            enf = self.creditor.enforcement
            for name, value in changes.items():
                enf = enf.pushed(name, value)
            self.pushed[key] = self.creditor.replace(enforcement=enf)
        return self.pushed[key]

    def bounds(self, name: str) -> tuple:
        """The values ``name`` can take: a share from 0 to 1; on a path the months to the money
        from the shortest the procedure allows (judgment, execution and filing cut to 0) to
        600 months of judgment (:meth:`EnforcementPath.with_assumption`); else from 0."""
        enf = self.creditor.enforcement
        if name == "recovery_rate":
            return (0.0, 1.0)
        if name == "delay_months" and enf.path is not None:
            p = enf.path.procedure
            return (
                float(enf.delay_months - p.judgment_months - p.execution_months - p.filing_months),
                float(enf.delay_months + 600 - p.judgment_months),
            )
        return (0.0, np.inf)

    def frame(self, **assume) -> pd.DataFrame:
        from .evaluate import evaluate_batch

        assume = dict(assume)
        cash = {
            k: assume.pop(k) for k in ("cash_level", "cash_trend", "cash_volatility") if k in assume
        }
        params = {**self.params, **assume}
        cf = self.cash(
            cash.get("cash_level", 1.0),
            cash.get("cash_trend", 0.0),
            cash.get("cash_volatility", 1.0),
        )
        creditor = self.creditor
        on_path = (
            {k: float(assume.pop(k)) for k in _PATH_SIDE if k in assume}
            if creditor.enforcement.path is not None
            else {}
        )
        delay = on_path.get("delay_months")
        if delay is not None and delay != np.floor(delay):
            # between whole months: the mixture of the two (value linear in the path's value)
            lo = float(np.floor(delay))
            f = delay - lo
            a = self.frame(**cash, **assume, **{**on_path, "delay_months": lo})
            b = self.frame(**cash, **assume, **{**on_path, "delay_months": lo + 1.0})
            cols = [c for c in a.columns if a[c].dtype == np.float64]
            out = a.copy()
            out[cols] = (1.0 - f) * a[cols] + f * b[cols]
            return out
        if on_path:
            creditor = self.creditor_with(on_path)
            e = creditor.enforcement
            params.update(
                recovery_rate=e.recovery_rate,
                delay_months=float(e.delay_months),
                costs=float(e.costs),
            )
        frame, _ = evaluate_batch(
            self.batch, self.claim, self.cashflow, creditor, self.borrower, cf=cf, params=params
        )
        return frame


#: The assumptions that move only the creditor's figures (see :func:`sensitivity`).
_CREDITOR_SIDE = ("recovery_rate", "delay_months", "costs", "discount_rate")
#: Those of them that an enforcement path reads its own way (:meth:`repayplan.evaluate.Enforcement.pushed`).
_PATH_SIDE = ("recovery_rate", "delay_months", "costs")


def _pushed(name, base, push, bounds=(0.0, np.inf)):
    """The assumption's value after a push (absolute for rates and the delay, a factor otherwise);
    ``None`` outside ``bounds``."""
    if name in ("recovery_rate", "delay_months", "discount_rate"):
        value = base + push
        low, high = bounds
        return value if low <= value <= high else None
    if name == "costs":
        return base * push
    return push  # cash: the factor or the trend itself


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """How the recommended plan's figures move with each assumption (see :func:`sensitivity`).

    Attributes
    ----------
    table : DataFrame
        One row per (assumption, side) with ``side`` "low" or "high": the assumption's
        ``value`` (on an enforcement path as
        :meth:`repayplan.evaluate.Enforcement.assumption` reads it), the plan's ``expected_npv``,
        ``enforcement_npv``, ``margin``, ``default_probability``,
        ``dscr``, their changes from the base (``*_change``), the plan the search
        recommends under that assumption (``recommended``: its shortlist name, else its
        description or "none feasible"; ``recommended_plan``: the Plan) and ``changes``
        (whether it differs from the recommendation under the case's assumptions).
    base : Series
        The figures under the case's own assumptions.
    plan : Plan
        The recommended plan.

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> res = rp.negotiate(claim, rp.CashFlow([60_000.0] * 60, start="2027-01"), rp.Creditor(0.06),
    ...                    objective="creditor", space=rp.SearchSpace(term=[24, 36]))
    >>> s = res.sensitivity()
    >>> s.recommendation_changes, s.table.index.get_level_values("assumption").unique().tolist()[:3]
    (True, ['cash_level', 'cash_trend', 'cash_volatility'])
    """

    table: pd.DataFrame
    base: pd.Series
    plan: object

    @property
    def recommendation_changes(self) -> bool:
        """Whether some push of one assumption changes the recommended plan."""
        return bool(self.table["changes"].any())

    def tornado(self, metric: str = "expected_npv", ax=None):
        """A tornado chart of ``metric``: one bar per assumption from its low to its high push.

        Drawn with pandas' plotting (matplotlib, loaded by pandas only when a chart is asked
        for); returns the matplotlib Axes.
        """
        col = f"{metric}_change"
        if col not in self.table.columns:
            raise InputError(
                "metric",
                metric,
                "one of expected_npv, enforcement_npv, margin, default_probability, dscr",
            )
        t = self.table[col].unstack("side").reindex(columns=["low", "high"])
        order = t.abs().max(axis=1).sort_values().index
        t = t.loc[order].fillna(0.0).rename(columns={"low": "pushed down", "high": "pushed up"})
        ax = t.plot.barh(
            ax=ax,
            stacked=True,
            color=["#c0504d", "#4f81bd"],
            width=0.7,
            figsize=None if ax is not None else (7, 0.5 + 0.45 * len(t)),
        )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"change of {metric}")
        ax.set_ylabel("")
        return ax

    def _repr_html_(self) -> str:
        return self.table.drop(columns=["recommended"], errors="ignore")._repr_html_()  # type: ignore[operator]  # not in pandas-stubs


def _check_pushes(pushes) -> dict:
    """``pushes`` as a dict of known assumptions to (low, high) numbers, or the error naming it."""
    from ._validate import as_decimal

    if pushes is None:
        return dict(PUSHES)
    if not isinstance(pushes, dict) or not pushes:
        raise InputError(
            "pushes",
            pushes,
            "None or a dict of assumptions to (low, high), e.g. "
            "{'cash_level': (0.8, 1.2)}; assumptions: " + ", ".join(PUSHES),
        )
    out = {}
    for name, pair in pushes.items():
        if name not in PUSHES:
            raise InputError("pushes", name, "one of " + ", ".join(PUSHES))
        if isinstance(pair, (str, bytes, dict)) or np.ndim(pair) != 1 or len(pair) != 2:
            raise InputError(f"pushes[{name!r}]", pair, "a pair (low, high) of numbers")
        lo, hi = (float(as_decimal(f"pushes[{name!r}]", v)) for v in pair)
        out[name] = (lo, hi)
    return out


def sensitivity(result, *, pushes: dict | None = None) -> Sensitivity:
    """The recommended plan's key figures with each assumption pushed down and up, and the
    search re-run under each push.

    Parameters
    ----------
    result : Negotiation
        A result of :func:`repayplan.negotiate` (its claim, cash flow, creditor, borrower,
        constraints, objective and every plan it evaluated).
    pushes : dict, optional
        Replaces :data:`PUSHES` (name to (low, high)).

    Returns
    -------
    Sensitivity

    Notes
    -----
    Each push re-runs the search on the same seeded scenarios: every plan the negotiation
    evaluated (the grid, its refinement points, the waterfall's result, the plans without
    the transfers) is evaluated again with the assumption pushed — one schedule batch
    built once, one evaluation per push — the constraints applied again (a discount-rate
    push moves the rate floor with the cost of funds), and the recommendation is the
    feasible plan best by the negotiation's objective, ties to fewer concessions, as
    :func:`repayplan.negotiate` ranks them.  The creditor's assumptions (recovery rate,
    delay, costs, discount rate) cannot move a plan's DSCR, default probability, cash at
    hand, term, burden or rule findings, so their pushes evaluate only the plans that meet
    every constraint on those — the same recommendation, fewer plans.  On an enforcement
    path the recovery, delay and costs pushes push the path
    (:meth:`repayplan.evaluate.Enforcement.pushed`: the unsecured recovery, the months to the
    money, the creditor's own fees), on the same drawn scenarios; a push outside what the
    assumption can be (a recovery below 0, a procedure shorter than its steps allow) is
    left out of the table.  What is not re-run: the local
    refinement of continuous dimensions around a new optimum (a :class:`Range` is searched
    on the points the negotiation visited) and, for ``"waterfall"``, the steps (the
    evaluated plans are ranked by the creditor's value).  ``recommended`` names the plan
    chosen under the push (its shortlist name when it is on the shortlist, else its
    description) and ``changes`` says whether it differs from the plan the same ranking
    chooses under the case's own assumptions.

    Examples
    --------
    A borrower with a steady 60,000 a month who never defaults: a higher discount rate lowers
    the plan's NPV, the recovery rate does not move it.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> res = rp.negotiate(claim, rp.CashFlow([60_000.0] * 60, start="2027-01"), rp.Creditor(0.06),
    ...                    objective="creditor", space=rp.SearchSpace(term=[24, 36]))
    >>> t = sensitivity(res).table
    >>> bool(t.loc[("discount_rate", "high"), "expected_npv_change"] < 0)
    True
    >>> float(t.loc[("recovery_rate", "high"), "expected_npv_change"])
    0.0
    """
    from .negotiate import Negotiation, SearchContext, score

    if not isinstance(result, Negotiation):
        raise InputError(
            "result", type(result).__name__, "a repayplan.Negotiation (the result of negotiate)"
        )
    pushes = _check_pushes(pushes)
    claim, cons = result.claim, result.constraints
    if result.creditor is None or result.cashflow is None:  # negotiate always records them
        raise InputError(
            "result",
            "a Negotiation without its creditor or cash flow",
            "the result of repayplan.negotiate",
        )
    # the search's candidate set: every distinct plan the negotiation evaluated, the
    # recommended plan first (its figures are the table's)
    best_key = SearchContext.key(result.best)
    plans, seen = [result.best], {best_key}
    for p in result.evaluated["plan"]:
        k = SearchContext.key(p)
        if k not in seen:
            seen.add(k)
            plans.append(p)
    seeded = _Seeded(plans, claim, result.cashflow, result.creditor, result.borrower)
    ctx = SearchContext(
        claim,
        result.cashflow,
        result.creditor,
        result.borrower,
        cons,
        "creditor",
        result.beta,
        None,
    )
    hard = ctx.hard(plans) if cons.hard_rules else np.zeros(len(plans), bool)
    rates = np.array(
        [float(claim.annual_rate) if p.annual_rate is None else p.annual_rate for p in plans]
    )
    objective = (
        result.objective if result.objective in ("nash", "creditor", "borrower") else "creditor"
    )
    short = {
        SearchContext.key(p): name
        for name, p in zip(result.candidates.index, result.candidates["plan"], strict=True)
    }
    n_conc: dict = {}

    def checks_of(frame, idx, creditor):
        f = frame.reset_index(drop=True).assign(plan=[plans[i] for i in idx], rate=rates[idx])
        return f, cons.checks(f, hard[idx], claim=claim, creditor=creditor)

    def choose(frame, idx=None, creditor=None) -> int | None:
        idx = np.arange(len(plans)) if idx is None else np.asarray(idx)
        f, checks = checks_of(frame, idx, creditor or result.creditor)
        ok = np.logical_and.reduce(list(checks.values())) if checks else np.ones(len(f), bool)
        obj = np.where(ok, score(f, objective, result.beta), -np.inf)
        if not np.isfinite(obj).any():
            return None
        top = np.round(obj, 9) == np.round(obj[np.isfinite(obj)].max(), 9)
        tied = [int(idx[j]) for j in np.flatnonzero(top & np.isfinite(obj))]
        for i in tied:  # ties go to fewer concessions, as negotiate ranks them
            if i not in n_conc:
                n_conc[i] = count(plans[i], claim)
        return min(tied, key=lambda i: (n_conc[i], i))

    def name_of(i) -> str:
        if i is None:
            return "none feasible"
        return short.get(SearchContext.key(plans[i]), plans[i].describe())

    keys = ["expected_npv", "enforcement_npv", "margin", "default_probability", "dscr"]
    base_frame = seeded.frame()
    base = base_frame.iloc[0][keys]
    base_choice = choose(base_frame)
    # the creditor's assumptions (recovery, delay, costs, discount rate) move only the
    # creditor's figures: a plan that fails a constraint on the cash (DSCR, default
    # probability, cash at hand, term, burden, hard rules) fails it under those pushes too,
    # so they re-run the search on the plans that pass every such constraint
    _, base_checks = checks_of(base_frame, np.arange(len(plans)), result.creditor)
    cash_side = [ok for name, ok in base_checks.items() if name not in ("min_margin", "min_rate")]
    keep = np.logical_and.reduce(cash_side) if cash_side else np.ones(len(plans), bool)
    keep[0] = True  # the recommended plan: its figures are the table's
    creditor_idx = np.flatnonzero(keep)
    creditor_side = seeded.subset(creditor_idx)
    rows, index = [], []
    for name, (lo, hi) in pushes.items():
        ref = seeded.base.get(name)
        for side, push in (("low", lo), ("high", hi)):
            value = _pushed(name, ref, push, seeded.bounds(name)) if ref is not None else push
            if value is None or (ref is not None and value == ref):
                continue  # out of range, or no change (half of zero costs)
            if name in _CREDITOR_SIDE:
                f = creditor_side.frame(**{name: value})
                pushed = (
                    result.creditor.replace(discount_rate=value)
                    if name == "discount_rate"
                    else None
                )
                choice = choose(f, creditor_idx, pushed)
            else:
                f = seeded.frame(**{name: value})
                choice = choose(f)
            row = f.iloc[0][keys]
            rec = {
                "value": value,
                **{k: float(row[k]) for k in keys},
                **{f"{k}_change": float(row[k] - base[k]) for k in keys},
                "recommended": name_of(choice),
                "recommended_plan": None if choice is None else plans[choice],
                "changes": choice != base_choice,
            }
            rows.append(rec)
            index.append((name, side))
    table = pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["assumption", "side"]))
    return Sensitivity(table=table, base=base, plan=result.best)


def break_even(
    plan,
    claim,
    cashflow,
    creditor,
    assumption: str,
    *,
    borrower=None,
    bracket=None,
    xtol: float = 1e-10,
) -> float:
    r"""The value of one assumption at which the plan's expected NPV equals the enforcement NPV.

    Parameters
    ----------
    plan : Plan
    claim, cashflow, creditor
        As for :func:`repayplan.evaluate`.
    assumption : str
        ``"recovery_rate"``, ``"delay_months"``, ``"costs"``, ``"discount_rate"`` (the
        creditor's fields), ``"cash_level"`` (a factor on the cash) or ``"cash_trend"`` (an
        annual growth applied month by month, :math:`cf_k (1+g)^{k/12}`).  When the
        creditor's enforcement is a path
        (:meth:`repayplan.evaluate.Enforcement.from_security`): the unsecured recovery (searched
        to 1e-9, the waterfall takes it as an exact fraction), the path's months to the
        money (between whole months the mixture of the two) and the creditor's own lawyer
        and appraisal fees (:meth:`repayplan.evaluate.Enforcement.pushed`).
    bracket : (low, high), optional
        Where to look (default :data:`ASSUMPTIONS`; costs from 0 to the claim; on a path the
        delay from the shortest procedure, judgment, execution and filing cut to 0, to 120
        months beyond the path's own).

    Returns
    -------
    float
        :math:`x^*` with :math:`E[\text{NPV}](x^*) = \text{enforcement NPV}(x^*)`, by
        :func:`scipy.optimize.brentq` on the seeded evaluation (the same scenarios for every
        :math:`x`; the delay may come out fractional).

    Raises
    ------
    InfeasibleError
        When the two values do not cross within the bracket.

    Examples
    --------
    A settlement of 75 % of a 1,042,000 claim paid in month 6 by a borrower who can pay it is
    worth :math:`781{,}500 / 1.005^{6} = 758{,}459.88` to a bank whose money costs 6 %; suing
    is worth :math:`(R \cdot 1{,}042{,}000 - 50{,}000) / 1.005^{18}`, so enforcement wins above
    a recovery rate of :math:`(758{,}459.88 \cdot 1.005^{18} + 50{,}000) / 1{,}042{,}000 = 84.4\%`:

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000, annual_rate=0.0435,
    ...                  as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([200_000.0] * 12, start="2027-01")
    >>> bank = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))
    >>> x = break_even(rp.Plan(settlement_discount=0.25, settlement_by=6), claim, cash, bank, "recovery_rate")
    >>> round(x, 6), round((781_500 / 1.005**6 * 1.005**18 + 50_000) / 1_042_000, 6)
    (0.844243, 0.844243)

    On the sample case the alternative is a path (the factory, the CNC line, the owner's
    guarantee): the recommended plan beats suing unless the company's other assets would
    yield more than 91.7 % of what the security leaves unpaid (3 % is assumed):

    >>> case = rp.Case.sample()
    >>> res = case.negotiate()
    >>> break_even(res.best, case.claim, res.cashflow, case.creditor, "recovery_rate")
    0.916950282
    """
    from scipy.optimize import brentq

    from ._validate import as_decimal, check_choice, check_claim
    from .evaluate import Borrower, Creditor

    check_choice("assumption", assumption, tuple(ASSUMPTIONS))
    check_claim("claim", claim)
    if not isinstance(creditor, Creditor):
        raise InputError("creditor", type(creditor).__name__, "a repayplan.Creditor")
    if borrower is not None and not isinstance(borrower, Borrower):
        raise InputError("borrower", type(borrower).__name__, "None or a repayplan.Borrower")
    xtol = float(as_decimal("xtol", xtol))
    if not xtol > 0:
        raise InputError("xtol", xtol, "a tolerance > 0")
    if bracket is not None and (
        isinstance(bracket, (str, bytes, dict)) or np.ndim(bracket) != 1 or len(bracket) != 2
    ):
        raise InputError("bracket", bracket, "None or a pair (low, high)")
    seeded = _Seeded([plan], claim, cashflow, creditor, borrower)
    on_path = creditor.enforcement.path is not None and assumption in _PATH_SIDE
    default = ASSUMPTIONS[assumption] or (0.0, float(claim.total))
    if on_path and assumption == "delay_months":  # from the shortest procedure to ten more years
        low, high = seeded.bounds(assumption)
        default = (max(0.0, low), min(high, creditor.enforcement.delay_months + 120.0))
    lo, hi = bracket if bracket is not None else default
    lo, hi = float(as_decimal("bracket", lo)), float(as_decimal("bracket", hi))
    if not hi > lo:
        raise InputError("bracket", bracket, "(low, high) with low < high")
    # a path's unsecured recovery is an exact fraction in its waterfall: searched to 1e-9
    exact = (lambda x: round(x, 9)) if on_path and assumption == "recovery_rate" else float

    def gap(x):
        f = seeded.frame(**{assumption: exact(x)})
        return float(f["expected_npv"].iloc[0] - f["enforcement_npv"].iloc[0])

    a, b = gap(lo), gap(hi)
    if a == 0:
        return lo
    if b == 0:
        return hi
    if np.sign(a) == np.sign(b):
        raise InfeasibleError(
            f"the plan's expected NPV stays {'above' if a > 0 else 'below'} the enforcement NPV "
            f"for {assumption} from {lo:g} to {hi:g} (gap {format_number(a)} and {format_number(b)})"
        )
    return exact(brentq(gap, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps))


def _check_plan_claim(plan, claim) -> None:
    """``plan`` a :class:`~repayplan.plans.Plan` and ``claim`` a claim, or the error naming it."""
    from ._validate import check_claim
    from .plans import Plan

    if not isinstance(plan, Plan):
        raise InputError("plan", type(plan).__name__, "a repayplan.Plan")
    check_claim("claim", claim)
