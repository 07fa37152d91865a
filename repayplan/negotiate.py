"""The negotiation engine: search the option space for plans that balance both sides.

:func:`negotiate` evaluates a grid of the :class:`SearchSpace` in one vectorised batch
(through :func:`repayplan.evaluate`), keeps the plans that meet the :class:`Constraints`,
refines the continuous dimensions around the best points (a shrinking local grid, then
:func:`scipy.optimize.minimize` with Powell's bounded method), and returns a
:class:`Negotiation`: the recommended plan, a shortlist of distinct candidates, the
Pareto frontier of creditor value against borrower burden, and reasons in words.

Objectives
----------
``"nash"``
    Maximise :math:`(C - C_0)^{\\beta} (B_0 - B)^{1-\\beta}` where :math:`C` is the creditor's
    expected NPV, :math:`C_0` its enforcement NPV, :math:`B` the borrower's expected cost
    (PV at its own rate, defaults included) and :math:`B_0` what enforcement would cost the
    borrower (see :class:`repayplan.evaluate.Borrower`).  :math:`\\beta` is the creditor's
    bargaining power.
``"creditor"``
    Maximise :math:`C` subject to the constraints.
``"borrower"``
    Minimise the burden (PV of payments over PV of cash flow) subject to the constraints,
    the creditor's floor among them.
``"waterfall"``
    The mortgage-modification waterfall of HAMP and the GSE Flex Modification: capitalise
    arrears, cut the rate in steps to a floor, extend the term, then forbear principal as a
    balloon, stopping at the first step that meets the target (see :class:`Waterfall`).

Feasibility
-----------
A plan may be offered when it meets every :class:`Constraints`: the lenders' annual DSCR
(``dscr ≥ min_dscr``, 1.2) and stress DSCR (``dscr_p5 ≥ min_dscr_p5``, 1.0), the default
probability, the term, the creditor's floor over enforcement, the burden, the rate floor
(the creditor's cost of funds, at most the contract rate), a signing payment within the
cash at hand and no hard rule finding.

The shortlist and its concessions
---------------------------------
The candidates are distinct structures, each with its ``reason`` (the objective's best; the
fewest concessions; the shortest term; the modification waterfall's result; a settlement
worth more than the rest; the next best), ties going to fewer concessions.  Their
concessions are costed in one batch of variant plans (:mod:`repayplan.concessions`,
``Negotiation.concessions``); under ``"creditor"`` none keeps a transfer (a concession
that costs the creditor and buys less than half a point of default probability).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import _value as _v
from ._validate import (
    as_decimal,
    check_bool,
    check_choice,
    check_claim,
    check_fraction,
    check_int,
    check_seed,
)
from .errors import InfeasibleError, InputError
from .evaluate import Borrower, Creditor, evaluate, plan_names
from .money import format_number, format_percent
from .plans import OPTION_NAMES, Plan
from .text import by_language, pairs

if TYPE_CHECKING:
    from .cashflow import CashFlow
    from .claim import Claim

__all__ = [
    "Range",
    "SearchSpace",
    "Constraints",
    "Waterfall",
    "Negotiation",
    "negotiate",
    "score",
    "OBJECTIVES",
]

#: What :func:`negotiate` optimises: ``"nash"`` (the Nash bargaining product of the creditor's
#: gain over enforcement and the borrower's saving), ``"creditor"`` (the creditor's expected
#: NPV), ``"borrower"`` (the lightest burden) and ``"waterfall"`` (the first step of the
#: modification waterfall that meets its target); see the module docstring for the equations.
OBJECTIVES = ("nash", "creditor", "borrower", "waterfall")
_CONTINUOUS_OK = {
    "annual_rate",
    "penalty_waiver",
    "interest_waiver",
    "haircut",
    "down_payment",
    "balloon",
    "step_up",
    "settlement_discount",
}
_INTEGER_DIMS = {"term", "grace", "settlement_by"}
_PLAN_FIELDS = tuple(f.name for f in dataclasses.fields(Plan) if f.name != "name")
#: What :func:`repayplan.rules.check` reads of a plan (see ``rules._Context.build``).
_RULE_FIELDS = (
    "annual_rate",
    "penalty_rate",
    "signed",
    "contract_date",
    "term",
    "is_settlement",
    "settlement_by",
    "frequency",
    "product",
    "kind",
    "rules",
    "periods",
    "total",
    "as_of",
    "overdue_principal",
    "start",
    "maturity",
    "term_months",
)


def _to_cents(v: float) -> float:
    """A down payment proposed by the search, to the cent (half-up), as a Plan holds it."""
    from decimal import ROUND_HALF_UP, Decimal

    from .plans import PLAN_MAX_DECIMALS

    d = Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-PLAN_MAX_DECIMALS), ROUND_HALF_UP)
    return float(d)


class Range(_v.Value):
    """A continuous dimension from ``low`` to ``high``: searched on ``n`` grid points, then refined.

    >>> Range(0.03, 0.05, n=3).grid()
    [0.03, 0.04, 0.05]
    """

    low: float = _v.field(check=_v.number())
    high: float  # checked against low in _check, the refused value shown as given
    n: int = _v.field(default=5, check=_v.int_in(1, 1000))

    def _check(self) -> None:
        hi = float(as_decimal("high", self.high))
        if hi < self.low:
            raise InputError("high", self.high, f"a value >= low ({self.low})")
        object.__setattr__(self, "high", hi)

    def grid(self) -> list[float]:
        """The ``n`` evenly spaced grid points from ``low`` to ``high`` (rounded to 12 decimals).

        >>> Range(0.0, 1.0, n=5).grid()
        [0.0, 0.25, 0.5, 0.75, 1.0]
        >>> Range(0.0435, 0.0435).grid()
        [0.0435]
        """
        if self.n == 1 or self.low == self.high:
            return [self.low]
        return [float(x) for x in np.round(np.linspace(self.low, self.high, self.n), 12)]


class SearchSpace:
    """The option dimensions to search, each a list of values or a :class:`Range`.

    Any :class:`~repayplan.plans.Plan` option is a dimension; options not named keep the
    value of ``base``.  ``space.plans()`` enumerates the grid as plans (combinations that
    are not valid plans, such as a grace as long as the term, are skipped).

    Examples
    --------
    >>> space = SearchSpace(term=[24, 36, 48, 60], grace=[0, 3, 6], annual_rate=[0.03, 0.0435],
    ...                     penalty_waiver=[0.0, 0.5, 1.0])
    >>> space.size, len(list(space.plans()))
    (72, 72)
    """

    def __init__(self, base: Plan | None = None, **dims):
        self.base = Plan() if base is None else base
        if not isinstance(self.base, Plan):
            raise InputError("base", base, "a repayplan.Plan")
        self.dims: dict[str, list | Range] = {}
        for name, values in dims.items():
            if name not in OPTION_NAMES:
                raise InputError(
                    f"space.{name}", values, "a Plan option: " + ", ".join(OPTION_NAMES)
                )
            if isinstance(values, Range):
                if name not in _CONTINUOUS_OK:
                    raise InputError(
                        f"space.{name}", values, "a list of values (this option is not continuous)"
                    )
                self.dims[name] = values
            else:
                vals = (
                    list(values)
                    if isinstance(values, (Sequence, np.ndarray)) and not isinstance(values, str)
                    else [values]
                )
                if not vals:
                    raise InputError(f"space.{name}", values, "at least one value")
                self.dims[name] = vals

    @property
    def continuous(self) -> dict[str, Range]:
        """The dimensions given as a :class:`Range` (refined after the grid), by name.

        >>> SearchSpace(term=[24, 36], annual_rate=Range(0.03, 0.05, n=3)).continuous
        {'annual_rate': Range(low=0.03, high=0.05, n=3)}
        """
        return {k: v for k, v in self.dims.items() if isinstance(v, Range)}

    @property
    def size(self) -> int:
        """The number of grid points: the product of the dimensions' sizes.

        >>> SearchSpace(term=[24, 36], annual_rate=Range(0.03, 0.05, n=3)).size   # 2 × 3
        6
        """
        return math.prod(len(self._values(k)) for k in self.dims) if self.dims else 1

    def _values(self, name):
        v = self.dims[name]
        return v.grid() if isinstance(v, Range) else v

    def points(self):
        """Every grid point as a dict of option values (the last dimension varies fastest).

        >>> space = SearchSpace(term=[24, 36], annual_rate=Range(0.03, 0.05, n=3))
        >>> for point in list(space.points())[:3]:
        ...     print(point)
        {'term': 24, 'annual_rate': 0.03}
        {'term': 24, 'annual_rate': 0.04}
        {'term': 24, 'annual_rate': 0.05}
        """
        names = list(self.dims)
        for combo in itertools.product(*(self._values(k) for k in names)):
            yield dict(zip(names, combo, strict=True))

    def plans(self):
        """The grid as plans (invalid combinations skipped).

        A grace of 12 months cannot go with a 12-month term, so 3 of the 4 points are plans:

        >>> list(SearchSpace(term=[12, 24], grace=[0, 12]).plans())
        [Plan(term=12), Plan(term=24), Plan(term=24, grace=12)]
        """
        for point in self.points():
            plan = self.make(point)
            if plan is not None:
                yield plan

    def make(self, point: dict) -> Plan | None:
        """The plan at one point of the space: ``base`` with the point's options, or None.

        Whole-month options (``term``, ``grace``, ``settlement_by``) are rounded to whole
        numbers, as a continuous optimiser proposes them, and a ``down_payment`` to the cent
        (half-up; :data:`repayplan.plans.PLAN_MAX_DECIMALS`): a grid point such as
        16,666.666... is the search's own proposal, not an amount typed.  A combination that
        is not a valid plan gives None.

        >>> space = SearchSpace(base=Plan(penalty_waiver=0.5), term=[48])
        >>> space.make({"term": 47.6, "grace": 6})
        Plan(term=48, grace=6, penalty_waiver=0.5)
        >>> space.make({"term": 12, "grace": 12}) is None
        True
        """
        if not isinstance(point, dict):
            raise InputError("point", point, "a dict of Plan options, e.g. {'term': 36}")
        values = {}
        for k, v in point.items():
            if k in _INTEGER_DIMS and v is not None and not hasattr(v, "year"):
                try:  # a whole-month option, as a continuous optimiser proposes it
                    v = int(round(float(as_decimal(f"point[{k!r}]", v))))
                except (TypeError, ValueError, OverflowError):
                    raise InputError(f"point[{k!r}]", v, "a number of months") from None
            if (
                k == "down_payment"
                and isinstance(v, (float, np.floating))
                and math.isfinite(v)
                and abs(float(v)) < 1e15
            ):  # larger ones are refused by the Plan, as typed
                v = _to_cents(float(v))
            values[k] = v
        if isinstance(values.get("seasonal"), list):
            values["seasonal"] = tuple(values["seasonal"])
        try:
            return self.base.replace(**values)
        except InputError:
            return None

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.dims.items())
        return f"SearchSpace({inner}; {self.size} grid points)"

    @classmethod
    def default(cls, claim, cashflow=None, rules=None) -> SearchSpace:
        """A sensible space derived from the claim, the rule set and the cash flow.

        Terms of 1 to 10 years, interest-only grace up to a year, the contract rate or a
        cut of a quarter or a half (within the rule set's caps, which the constraints
        enforce), penalty waivers of none, half or all, and seasonal shaping that follows
        the borrower's own average cash by calendar month when it is seasonal.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> claim = Claim(principal=1_000_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
        >>> space = SearchSpace.default(claim)
        >>> space.dims["annual_rate"], space.size               # 7 × 3 × 3 × 3
        ([0.02175, 0.032625, 0.0435], 189)
        """
        check_claim("claim", claim)
        if cashflow is not None and not hasattr(cashflow, "mean"):
            raise InputError("cashflow", cashflow, "None or a repayplan.CashFlow")
        if rules is not None:
            from . import rules as _rules

            _rules.get(rules)
        rate = float(claim.annual_rate)
        dims = {
            "term": [12, 24, 36, 48, 60, 84, 120],
            "grace": [0, 6, 12],
            "annual_rate": sorted({round(rate, 6), round(rate * 0.75, 6), round(rate * 0.5, 6)}),
            "penalty_waiver": [0.0, 0.5, 1.0],
        }
        if cashflow is not None:
            w = seasonal_weights(cashflow)
            if w is not None:
                dims["seasonal"] = [None, w]
        return cls(base=Plan(kind="restructuring"), **dims)


def seasonal_weights(cashflow) -> tuple | None:
    """12 weights (sum 12) following the mean cash by calendar month, or None if flat (<10% swing)."""
    mean = cashflow.mean()
    by_month = mean.groupby(mean.index.month).mean().reindex(range(1, 13))
    if by_month.isna().any() or (by_month <= 0).any():
        return None
    w = by_month.to_numpy() / by_month.mean()
    if w.max() / w.min() < 1.1:
        return None
    w = np.round(w, 4)
    w[-1] = 12 - w[:-1].sum()
    return tuple(float(x) for x in np.round(w, 4))


class Constraints(_v.Value):
    """What a plan must satisfy to be offered: the figures a credit committee writes down.

    Parameters
    ----------
    min_dscr : float
        Minimum lenders' DSCR, applied to ``dscr`` (per plan year, mean cash available over
        debt service due, lowest year; see :func:`repayplan.evaluate.annual_dscr`).  1.2 by
        default, as lenders use.
    max_default_probability : float, optional
    max_term : int, optional
        Longest term in months.
    min_margin : number
        The creditor's floor: expected NPV at least the enforcement NPV plus this amount.
    hard_rules : bool
        Exclude plans that break a hard rule of the rule set (extension limits, rate caps).
    max_burden : float, optional
        Largest PV of payments over PV of cash flow.
    min_dscr_p5 : float, optional
        Minimum stress DSCR, applied to ``dscr_p5`` (the same ratio on each plan year's 5th
        percentile of cash).  1.0 by default: in a bad year the cash still covers what is due.
        ``None``: no stress constraint (only ``min_dscr`` on the mean cash applies).
    min_rate : float, optional
        The rate floor.  Default (``None``): the creditor's cost of funds
        (``Creditor.discount_rate``) or the rule set's ``rate_floor`` if higher, but never above
        the claim's contract rate (a workout does not raise the rate); ``0`` allows any cut.
    cash_at_hand : bool
        Exclude plans whose signing payment (down payment) exceeds the borrower's cash at hand.

    Notes
    -----
    A plan is feasible when every constraint set holds: ``dscr ≥ min_dscr``,
    ``dscr_p5 ≥ min_dscr_p5``, ``default_probability ≤ max_default_probability``,
    ``term ≤ max_term``, ``expected_npv − enforcement_npv ≥ min_margin``,
    ``burden ≤ max_burden``, rate ``≥`` the floor, ``upfront_shortfall = 0`` and no hard
    finding of the rule set (see :meth:`checks`).  A frame without the annual ``dscr`` (the
    portfolio's, month by month) has ``min_dscr`` applied to its ``dscr_p5`` as before and no
    separate stress test.

    Examples
    --------
    A borrower with a steady 40,000.00 a month and a claim of 1,042,000.00 at 4.35 %: the
    24-month level payment is ``1,042,000 × 0.3625 % / (1 − 1.003625^−24) = 45,411.27``, a
    coverage of 0.88; over 36 months it is 30,926.49, a coverage of 1.29.  With the usual
    1.2 only the longer plans are feasible:

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000,
    ...                  annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([40_000.0] * 60, start="2027-01")
    >>> res = rp.negotiate(claim, cash, rp.Creditor(0.06), space=rp.SearchSpace(term=[24, 36, 48]),
    ...                    constraints=Constraints(min_dscr=1.2), objective="creditor")
    >>> res.evaluated[["term", "dscr", "ok_min_dscr", "feasible"]].round(2)
       term  dscr  ok_min_dscr  feasible
    0    24  0.88        False     False
    1    36  1.29         True      True
    2    48  1.69         True      True
    """

    min_dscr: float | None = _v.field(default=1.2, check=_v.optional(_v.number(0, "a ratio >= 0")))
    max_default_probability: float | None = _v.field(default=None, check=_v.optional(_v.fraction))
    max_term: int | None = _v.field(default=None, check=_v.optional(_v.int_in(1, 1200)))
    min_margin: float = _v.field(default=0.0, check=_v.number())
    hard_rules: bool = _v.field(default=True, check=_v.flag)
    max_burden: float | None = _v.field(
        default=None, check=_v.optional(_v.number(0, "a share of cash >= 0"))
    )
    min_dscr_p5: float | None = _v.field(
        default=1.0, check=_v.optional(_v.number(0, "a ratio >= 0"))
    )
    min_rate: float | None = _v.field(default=None, check=_v.optional(_v.rate()))
    cash_at_hand: bool = _v.field(default=True, check=_v.flag)

    def rate_floor(self, claim, creditor=None) -> float:
        """The lowest rate a plan may carry (see ``min_rate``).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> claim = Claim(principal=1_000_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
        >>> Constraints().rate_floor(claim, Creditor(0.06)), Constraints().rate_floor(claim, Creditor(0.03))
        (0.0435, 0.03)
        >>> Constraints(min_rate=0.02).rate_floor(claim, Creditor(0.06))
        0.02
        """
        if self.min_rate is not None:
            return self.min_rate
        from . import rules

        check_claim("claim", claim)
        if creditor is not None and not isinstance(creditor, Creditor):
            raise InputError("creditor", type(creditor).__name__, "None or a repayplan.Creditor")
        contract = float(claim.annual_rate)
        floor = float(creditor.discount_rate) if creditor is not None else 0.0
        try:
            rs_floor = getattr(
                rules.get(getattr(claim, "rules", None) or "generic"), "rate_floor", None
            )
        except InputError:
            rs_floor = None
        if rs_floor is not None:
            floor = max(floor, float(rs_floor))
        return min(contract, floor)

    def checks(
        self, frame: pd.DataFrame, hard: np.ndarray, *, claim=None, creditor=None
    ) -> dict[str, np.ndarray]:
        """One boolean array per constraint: does each plan meet it?

        Parameters
        ----------
        frame : DataFrame
            Metrics of :func:`repayplan.evaluate`, one row per plan (the columns the set
            constraints read: ``dscr``, ``dscr_p5``, ``default_probability``, ``term``,
            ``margin``, ``burden``, ``upfront_shortfall``; ``plan`` for the rate floor).
        hard : array of bool
            Whether each plan breaks a hard rule of the rule set.
        claim, creditor : optional
            For the rate floor (checked when given and ``frame`` has a ``plan`` column).

        Returns
        -------
        dict of str to numpy.ndarray of bool
            Keyed by constraint name; a plan is feasible when it meets all of them.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> frame = pd.DataFrame({"dscr": [1.5, 1.1], "dscr_p5": [1.1, 0.9], "term": [36, 60],
        ...                       "margin": [10.0, -5.0]})
        >>> ok = Constraints(min_dscr=1.2, max_term=48).checks(frame, np.array([False, True]))
        >>> {name: a.tolist() for name, a in ok.items()}
        {'min_dscr': [True, False], 'min_dscr_p5': [True, False], 'max_term': [True, False], 'min_margin': [True, False], 'hard_rules': [True, False]}
        """
        out = {}
        annual = "dscr" in frame.columns
        if self.min_dscr is not None:
            out["min_dscr"] = frame["dscr" if annual else "dscr_p5"].to_numpy() >= self.min_dscr
        if self.min_dscr_p5 is not None and annual:
            out["min_dscr_p5"] = frame["dscr_p5"].to_numpy() >= self.min_dscr_p5
        if self.max_default_probability is not None:
            out["max_default_probability"] = (
                frame["default_probability"].to_numpy() <= self.max_default_probability + 1e-12
            )
        if self.max_term is not None:
            out["max_term"] = frame["term"].to_numpy() <= self.max_term
        out["min_margin"] = frame["margin"].to_numpy() >= self.min_margin
        if self.max_burden is not None:
            out["max_burden"] = frame["burden"].to_numpy() <= self.max_burden
        if self.cash_at_hand and "upfront_shortfall" in frame.columns:
            out["cash_at_hand"] = frame["upfront_shortfall"].to_numpy() <= 0
        if claim is not None and "plan" in frame.columns:
            floor = self.rate_floor(claim, creditor)
            rate = np.array(
                [
                    float(claim.annual_rate) if p.annual_rate is None else p.annual_rate
                    for p in frame["plan"]
                ]
            )
            out["min_rate"] = rate >= floor - 1e-12
        if self.hard_rules:
            out["hard_rules"] = ~hard
        return out

    def describe(self, name: str, lang: str = "en") -> str:
        """One constraint (a key of :meth:`checks`) in words, for messages and reasons.

        >>> Constraints(min_dscr=1.2, max_term=48).describe("max_term")
        'a term of at most 48 months'
        >>> Constraints(min_dscr=1.2).describe("min_dscr")
        'DSCR (lowest plan year, mean cash) of at least 1.2'
        >>> Constraints(min_dscr=1.2).describe("min_dscr", "zh")
        '按平均现金计最弱计划年度的 DSCR 不低于 1.2'
        """
        t = _CONSTRAINT_TEXT[check_choice("lang", lang, ("en", "zh"))]
        name = check_choice("name", name, _CONSTRAINT_NAMES)
        if name == "min_rate":
            floor = (
                t["cost_of_funds"] if self.min_rate is None else format_percent(self.min_rate, 3)
            )
            return t[name].format(value=floor)
        if name == "min_margin":
            return t[name].format(value=format_number(self.min_margin))
        if name in ("hard_rules", "cash_at_hand"):
            return t[name]
        return t[name].format(value=getattr(self, name))

    def explain(self, name: str, row, lang: str = "en") -> str:
        """Why one evaluated plan fails constraint ``name``: the constraint and the figure reached.

        >>> Constraints().explain("min_dscr", {"dscr": 0.876})
        'DSCR (lowest plan year, mean cash) of at least 1.2 (it reaches 0.88)'
        >>> Constraints().explain("min_dscr", {"dscr": 0.876}, "zh")
        '按平均现金计最弱计划年度的 DSCR 不低于 1.2（实际 0.88）'
        """
        text = self.describe(name, lang)
        col = _CONSTRAINT_METRIC.get(name)
        if col is None or col not in row:
            return text
        value = row[col]
        shown = format_percent(value, 3) if name == "min_rate" else _num(value)
        said = "offers" if name == "min_rate" else "reaches"
        return text + _CONSTRAINT_TEXT[lang][said].format(value=shown)


#: The constraints :meth:`Constraints.describe` names, in the order its error lists them.
_CONSTRAINT_NAMES = (
    "min_dscr",
    "min_dscr_p5",
    "max_default_probability",
    "max_term",
    "min_margin",
    "max_burden",
    "hard_rules",
    "cash_at_hand",
    "min_rate",
)

#: The words of :meth:`Constraints.describe` and :meth:`Constraints.explain`, by language (a
#: view of :mod:`repayplan.text`'s table ``negotiate.constraints``).
_CONSTRAINT_TEXT = by_language("negotiate.constraints")

_CONSTRAINT_METRIC = {
    "min_dscr": "dscr",
    "min_dscr_p5": "dscr_p5",
    "max_default_probability": "default_probability",
    "max_term": "term",
    "min_margin": "margin",
    "max_burden": "burden",
    "cash_at_hand": "upfront_shortfall",
    "min_rate": "rate",
}


def _balloon_step(name: str, value) -> float:
    step = check_fraction(name, value)
    if step <= 0:
        raise InputError(name, value, "a fraction > 0 and <= 1")
    return step


def _max_balloon(name: str, value) -> float:
    b = check_fraction(name, value)
    if b >= 1:  # else the last step's plan would fail, naming its balloon
        raise InputError(name, b, "a fraction from 0 to below 1")
    return b


class Waterfall(_v.Value):
    """The modification waterfall (HAMP; Fannie Mae / Freddie Mac Flex Modification).

    Steps, each tried in order until the target is met: (1) capitalise the arrears over
    ``base_term`` months at the contract rate; (2) cut the rate by ``rate_step`` down to
    ``rate_floor``; (3) extend the term by ``term_step`` months up to ``max_term``;
    (4) forbear principal as a non-interest-bearing balloon, ``balloon_step`` at a time up
    to ``max_balloon`` of the balance.

    Parameters
    ----------
    target : {"ratio", "reduction"}
        ``"ratio"``: the regular payment at most ``value`` × the borrower's mean monthly
        cash over the first 12 months (HAMP's 31% housing-expense ratio is the analogue).
        ``"reduction"``: the payment at least ``value`` below the payment of step 1 (Flex
        Modification targets a 20% reduction).
    value : float
    base_term : int, optional
        Default: the claim's remaining original term if known, else 36 months.

    Notes
    -----
    HAMP reduced the rate in 0.125% steps to a 2% floor, then extended the term to 40
    years, then forbore principal (U.S. Treasury, *Making Home Affordable Handbook*,
    ch. II §6.3); the GSE Flex Modification capitalises arrears, sets the rate, extends to
    480 months and forbears up to 30% of the unpaid balance to reach a 20% payment
    reduction (Fannie Mae Servicing Guide D2-3.2-07).  Here the balloon stands for the
    forborne principal (it bears the plan's interest; the creditor can waive that
    separately with ``interest_waiver``).

    Examples
    --------
    A borrower with 40,000.00 a month who can give at most 60 % of it, 24,000.00, to a
    claim of 1,042,000.00 at 4.35 %.  Capitalised over 24 months the payment is 45,411.27;
    cut to 3 % in steps of 0.5 % it is still 44,786.42 (24 months), then 30,302.62 over 36
    months and ``1,042,000 × 0.25 % / (1 − 1.0025^−48) = 23,063.97`` over 48, the first
    step under 24,000:

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000,
    ...                  annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([40_000.0] * 120, start="2027-01")
    >>> wf = Waterfall(target="ratio", value=0.6, base_term=24, rate_step=0.005, rate_floor=0.03,
    ...                term_step=12, max_term=60)
    >>> res = rp.negotiate(claim, cash, rp.Creditor(0.06), objective="waterfall", waterfall=wf)
    >>> res.best, res.best.schedule(claim).payment
    (Plan('waterfall': term=48, annual_rate=0.03), Decimal('23063.97'))
    >>> [name for name, met in res.steps]
    ['capitalise arrears', 'rate cut to 3.850%', 'rate cut to 3.350%', 'rate cut to 3.000%',
     'term extended to 36 months', 'term extended to 48 months']
    """

    target: str = _v.field(default="ratio", check=_v.choice("ratio", "reduction"))
    value: float = _v.field(default=0.5, check=_v.number())
    base_term: int | None = _v.field(default=None, check=_v.optional(_v.int_in(1, 1200)))
    # a step of 0 would loop for ever: each step must move
    rate_step: float = _v.field(default=0.00125, check=_v.rate(low_open=True))
    rate_floor: float = _v.field(default=0.02, check=_v.rate())
    term_step: int = _v.field(default=12, check=_v.int_in(1, 1200))
    max_term: int = _v.field(default=120, check=_v.int_in(1, 1200))
    balloon_step: float = _v.field(default=0.05, check=_balloon_step)
    max_balloon: float = _v.field(default=0.3, check=_max_balloon)

    def _check(self) -> None:
        if self.target == "reduction" and not 0 < self.value < 1:
            raise InputError("value", self.value, "a payment reduction between 0 and 1 (0.2 = 20%)")
        if self.target == "ratio" and self.value <= 0:
            raise InputError("value", self.value, "a payment-to-cash ratio > 0")

    def steps(self, claim) -> list[tuple[str, Plan]]:
        """The sequence of plans the waterfall tries, each with the step's name.

        Each step keeps what the steps before it did: the rate cut stays when the term is
        extended, and so on.

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> claim = Claim(principal=1_000_000, annual_rate=0.0435, as_of=date(2026, 12, 1))
        >>> wf = Waterfall(base_term=24, rate_step=0.01, rate_floor=0.03, term_step=24,
        ...                max_term=72, balloon_step=0.1, max_balloon=0.2)
        >>> for name, plan in wf.steps(claim):
        ...     print(f"{name:40} {plan!r}")
        capitalise arrears                       Plan('waterfall': term=24)
        rate cut to 3.350%                       Plan('waterfall': term=24, annual_rate=0.0335)
        rate cut to 3.000%                       Plan('waterfall': term=24, annual_rate=0.03)
        term extended to 48 months               Plan('waterfall': term=48, annual_rate=0.03)
        term extended to 72 months               Plan('waterfall': term=72, annual_rate=0.03)
        10% of principal forborne to a balloon   Plan('waterfall': term=72, annual_rate=0.03, balloon=0.1)
        20% of principal forborne to a balloon   Plan('waterfall': term=72, annual_rate=0.03, balloon=0.2)
        """
        check_claim("claim", claim)
        rate = float(claim.annual_rate)
        term = self.base_term or _remaining_term(claim) or 36
        plan = Plan(term=term, capitalize_arrears=True, kind="restructuring", name="waterfall")
        out = [("capitalise arrears", plan)]
        r = rate
        while r - self.rate_step >= self.rate_floor - 1e-12:
            r = round(r - self.rate_step, 8)
            plan = plan.replace(annual_rate=r)
            out.append((f"rate cut to {format_percent(r, 3)}", plan))
        if r > self.rate_floor + 1e-12:
            plan = plan.replace(annual_rate=self.rate_floor)
            out.append((f"rate cut to {format_percent(self.rate_floor, 3)}", plan))
        t = term
        while t + self.term_step <= self.max_term:
            t += self.term_step
            plan = plan.replace(term=t)
            out.append((f"term extended to {t} months", plan))
        b = 0.0
        while b + self.balloon_step <= self.max_balloon + 1e-12:
            b = round(b + self.balloon_step, 8)
            plan = plan.replace(balloon=b)
            out.append((f"{b:.0%} of principal forborne to a balloon", plan))
        return out


def _remaining_term(claim) -> int | None:
    if claim.maturity is None:
        return None
    m = (claim.maturity.year - claim.as_of.year) * 12 + claim.maturity.month - claim.as_of.month
    return m if m >= 6 else None


# --------------------------------------------------------------------------------------
@dataclass(eq=False)
class Negotiation:
    """The result of :func:`negotiate`.

    Attributes
    ----------
    best : Plan
        The recommended plan.
    candidates : DataFrame
        The ranked shortlist of distinct plans worth offering (column ``plan`` holds the
        Plan objects; metric columns as :func:`repayplan.evaluate`).
    frontier : DataFrame
        Feasible plans on the Pareto frontier of creditor expected NPV (higher) against
        borrower burden (lower), sorted by burden.
    evaluated : DataFrame
        Every plan evaluated, with ``feasible`` and ``objective`` columns.
    objective : str
    steps : list
        For the waterfall: the steps tried and whether each met the target.

    Examples
    --------
    The creditor's best plan for a borrower with a steady 40,000.00 a month: 24 months
    asks 45,411.27 a month (coverage 0.88, below 1.2); 36 months asks 30,926.49
    (coverage ``40,000 / 30,926.49 = 1.29``) and is worth more to the creditor than 48
    months.  Enforcement would recover half the claim after 18 months,
    ``0.5 / 1.005^18 = 46 %`` of it in present value.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000,
    ...                  annual_rate=0.0435, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([40_000.0] * 60, start="2027-01")
    >>> res = rp.negotiate(claim, cash, rp.Creditor(0.06), objective="creditor",
    ...                    space=rp.SearchSpace(term=[24, 36, 48], penalty_waiver=[0, 1]))
    >>> res
    Negotiation(creditor: best level instalments over 36 months; 2 candidates)
    >>> res.best.term, res.best.penalty_waiver, len(res.evaluated), int(res.evaluated["feasible"].sum())
    (36, 0.0, 6, 4)
    >>> res.candidates["term"].tolist()
    [36, 48]
    """

    best: Plan
    candidates: pd.DataFrame
    frontier: pd.DataFrame
    evaluated: pd.DataFrame
    objective: str
    claim: Claim
    constraints: Constraints
    steps: list = field(default_factory=list)
    beta: float = 0.5
    cashflow: CashFlow | None = None
    creditor: Creditor | None = None
    borrower: Borrower | None = None
    concessions: pd.DataFrame | None = None

    def sensitivity(self, pushes: dict | None = None):
        """How the recommended plan's figures move with each assumption, and whether the
        recommendation changes: :func:`repayplan.concessions.sensitivity` of this result.

        Examples
        --------
        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000,
        ...                  annual_rate=0.0435, as_of=date(2026, 12, 1))
        >>> cash = rp.CashFlow.project(base=45_000, months=60, volatility=0.1, scenarios=100, seed=7)
        >>> res = rp.negotiate(claim, cash, rp.Creditor(0.06), objective="creditor",
        ...                    space=rp.SearchSpace(term=[36, 48], penalty_waiver=[0, 1]))
        >>> s = res.sensitivity()
        >>> res.candidates.index.tolist(), res.best.term
        (['option 1', 'option 2'], 36)

        With 20 % less cash the 36-month plan no longer meets the DSCR and the 48-month one
        takes its place; the recovery rate does not matter to a borrower who never defaults:

        >>> s.recommendation_changes, s.table.loc[("cash_level", "low"), "recommended"]
        (True, 'option 2')
        >>> float(s.table.loc[("recovery_rate", "high"), "expected_npv_change"])
        0.0
        """
        from .concessions import sensitivity

        return sensitivity(self, pushes=pushes)

    def explain(self, lang: str = "en") -> str:
        """Plain-language reasons for each candidate, in English or Chinese.

        Parameters
        ----------
        lang : {"en", "zh"}

        Returns
        -------
        str
            The objective, then one numbered line per candidate: what the plan gives, the
            coverage of its payments, the probability of default and what each side
            recovers (then, for the waterfall, the steps tried).

        Examples
        --------
        The negotiation of :class:`Negotiation`'s example, whose coverage figures are
        ``40,000 / 30,926.49 = 1.29`` and ``40,000 / 23,690.92 = 1.69``:

        >>> from datetime import date
        >>> import repayplan as rp
        >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000,
        ...                  annual_rate=0.0435, as_of=date(2026, 12, 1))
        >>> cash = rp.CashFlow([40_000.0] * 60, start="2027-01")
        >>> res = rp.negotiate(claim, cash, rp.Creditor(0.06), objective="creditor",
        ...                    space=rp.SearchSpace(term=[24, 36, 48], penalty_waiver=[0, 1]))
        >>> print(res.explain())
        Objective: the creditor's expected NPV, within the borrower constraints.
        1. Best by the objective: level instalments over 36 months; DSCR 1.29 in the weakest
        plan year on mean cash (1.29 at the 5th percentile); probability of default 0%; creditor
        recovers 98% of the claim in expectation against 46% through enforcement.
        2. Next best by the objective, a different structure: level instalments over 48 months;
        DSCR 1.69 in the weakest plan year on mean cash (1.69 at the 5th percentile);
        probability of default 0%; creditor recovers 97% of the claim in expectation against
        46% through enforcement.
        >>> print(res.explain("zh").splitlines()[1])
        1. 目标最优：等额本息，分36个月；均值现金流下最弱计划年度偿债覆盖率1.29（5%分位1.29）；违约概率0%；债权人预期回收债权的98%，强制执行仅回收46%。
        """
        t = _OBJECTIVE_TEXT[check_choice("lang", lang, tuple(_OBJECTIVE_TEXT))]
        lines = [t["objective"].format(t[self.objective].format(beta=self.beta))]
        for i, (name, row) in enumerate(self.candidates.iterrows(), start=1):
            why = _REASON_TEXT[lang].get(row["reason"], row["reason"]) if "reason" in row else ""
            why = (why[0].upper() + why[1:] + (": " if lang == "en" else "：")) if why else ""
            text = explain_plan(row["plan"], row, lang)
            lines.append(f"{i}. {why}{text[0].lower() + text[1:] if why else text}")
            if self.concessions is not None and name in self.concessions.index.get_level_values(
                "candidate"
            ):
                for c, cost in self.concessions.xs(name, level="candidate").iterrows():
                    lines.append("   " + explain_concession(str(c), cost, lang))
        if self.steps:
            lines.append(
                t["waterfall_steps"]
                + "; ".join(
                    f"{name} ({t['meets'] if ok else t['misses']})" for name, ok in self.steps
                )
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Negotiation({self.objective}: best {self.best.describe()}; {len(self.candidates)} candidates)"

    def _repr_html_(self) -> str:
        from html import escape

        items = "".join(f"<li>{escape(line)}</li>" for line in self.explain().splitlines()[1:])
        return f"<div><b>{escape(self.explain().splitlines()[0])}</b><ol>{items}</ol></div>"


_OBJECTIVE_TEXT = by_language("negotiate.objective")  # from repayplan.text

#: The sentences of :func:`explain_plan`, by language (a view of :mod:`repayplan.text`'s
#: table ``negotiate.explain``); the figures are formatted by :mod:`repayplan.money`.
_EXPLAIN = by_language("negotiate.explain")


# the reasons are English phrases; their Chinese comes from the text catalogue
_REASON_TEXT: dict[str, dict[str, str]] = {
    "en": {},
    "zh": dict(pairs("negotiate.reasons").values()),
}

#: The concessions' names in :func:`explain_concession`, by language (a view of
#: :mod:`repayplan.text`'s table ``negotiate.concessions``).
_CONCESSION_NAMES = by_language("negotiate.concessions")

#: The sentence of :func:`explain_concession`, by language (a view of :mod:`repayplan.text`'s
#: table ``negotiate.costs``); amounts through :func:`repayplan.money.format_number`,
#: the change in percentage points to three significant figures (``format(x, ".3g")``).
_CONCESSION_TEXT = by_language("negotiate.costs")


def explain_concession(name: str, cost, lang: str = "en") -> str:
    """One concession in words: who gives what, and what it buys.

    >>> print(explain_concession("rate_cut", {"creditor_cost": 41_000.0, "borrower_saving": 52_000.0,
    ...                                       "default_probability_change": 0.0, "transfer": True}))
    the rate cut: the bank gives up 41,000 of expected value, the borrower saves 52,000; it lowers the probability of default by 0 points — a transfer that buys nothing
    >>> print(explain_concession("haircut", {"creditor_cost": -1_234.5, "borrower_saving": 9_876.5,
    ...                                      "default_probability_change": 0.01234, "transfer": False}, "zh"))
    减免本金：银行因此多得预期价值1,234，借款人节省9,876；违约概率降低1.23个百分点
    """
    t = _CONCESSION_TEXT[check_choice("lang", lang, tuple(_CONCESSION_TEXT))]
    label = _CONCESSION_NAMES[lang].get(name, name)
    c, b = float(cost["creditor_cost"]), float(cost["borrower_saving"])
    dpd = 100 * float(cost["default_probability_change"])
    give = (
        t["gives"].format(amount=format_number(c, 0))
        if c >= 0
        else t["gains"].format(amount=format_number(-c, 0))
    )
    text = t["sentence"].format(
        label=label, give=give, saving=format_number(b, 0), points=format(dpd, ".3g")
    )
    return text + (t["transfer"] if cost["transfer"] else "")


def explain_plan(plan: Plan, row, lang: str = "en") -> str:
    """One plan's reasons: what it gives, what it asks, and what each side gets."""
    from .evaluate import format_probability

    t = _EXPLAIN[check_choice("lang", lang, tuple(_EXPLAIN))]
    text = plan.describe(lang)
    enf = (
        row["enforcement_npv"] / float(row["claim_total"]) if "claim_total" in row else float("nan")
    )
    bits = [
        text[0].upper() + text[1:],
        t["dscr"].format(
            dscr=format_number(row["dscr"], 2, grouping=False),
            dscr_p5=format_number(row["dscr_p5"], 2, grouping=False),
        ),
        t["probability"].format(probability=format_probability(row["default_probability"])),
        t["recovery"].format(
            recovery=format_percent(row["recovery_rate"], 0),
            enforcement=format_percent(enf, 0),
        ),
    ]
    return t["sep"].join(bits) + t["end"]


# --------------------------------------------------------------------------------------
def negotiate(
    claim,
    cashflow,
    creditor,
    *,
    space: SearchSpace | None = None,
    constraints: Constraints | None = None,
    objective: str = "nash",
    rules=None,
    seed=None,
    beta: float = 0.5,
    borrower: Borrower | None = None,
    waterfall: Waterfall | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_plans: int = 20_000,
    refine: bool = True,
) -> Negotiation:
    """Find the plans worth offering.

    Parameters
    ----------
    claim : Claim
    cashflow : CashFlow
    creditor : Creditor
    space : SearchSpace, optional
        Default :meth:`SearchSpace.default`.
    constraints : Constraints, optional
        Default ``Constraints()`` (DSCR 1.2 on the 5th percentile, creditor floor, hard rules).
    objective : {"nash", "creditor", "borrower", "waterfall"}
    rules : str or RuleSet, optional
        Rule set for the hard-rule check; default the claim's.
    seed : int, optional
        Used when the grid is larger than ``max_plans`` and is sampled.
    beta : float
        The creditor's bargaining power for ``"nash"`` (0..1).
    borrower : Borrower, optional
        The borrower's discount rate and going-concern loss.
    waterfall : Waterfall, optional
        The waterfall's target and steps for ``"waterfall"``.
    progress : callable, optional
        Called as ``progress(done, total)`` as batches of plans are evaluated.
    max_plans : int
        Largest grid evaluated exhaustively, from 1 to :data:`MAX_PLANS`.  A grid of up
        to :data:`ENUMERATED_POINTS` points is listed and ``max_plans`` of its valid plans
        are sampled (with ``seed``); a larger grid is never listed in full: ``max_plans``
        of its points are drawn (invalid combinations among them are skipped).
    refine : bool
        Refine the continuous dimensions after the grid.

    Returns
    -------
    Negotiation

    Raises
    ------
    InfeasibleError
        When no plan meets the constraints: says which constraint binds and how close the
        best plan came.

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_000_000, interest=30_000, penalty=12_000, annual_rate=0.0435,
    ...                  as_of=date(2026, 12, 1))
    >>> cf = rp.CashFlow.project(base=45_000, months=120, volatility=0.1, scenarios=200, seed=7)
    >>> space = rp.SearchSpace(term=[24, 36, 48, 60], grace=[0, 3, 6], annual_rate=[0.03, 0.0435],
    ...                        penalty_waiver=[0.0, 0.5, 1.0])
    >>> cons = rp.Constraints(min_dscr=1.1, max_default_probability=0.25)
    >>> res = rp.negotiate(claim, cf, rp.Creditor(0.06), space=space, constraints=cons,
    ...                    objective="creditor", seed=1)
    >>> res.best.term, res.best.annual_rate, res.best.penalty_waiver
    (36, 0.0435, 0.0)
    """
    check_choice("objective", objective, OBJECTIVES)
    check_claim("claim", claim)
    if not isinstance(creditor, Creditor):
        raise InputError("creditor", type(creditor).__name__, "a repayplan.Creditor")
    beta = check_fraction("beta", beta)
    seed = check_seed("seed", seed)
    max_plans = check_int("max_plans", max_plans, low=1, high=MAX_PLANS)
    check_bool("refine", refine)
    if progress is not None and not callable(progress):
        raise InputError("progress", progress, "None or a function progress(done, total)")
    # a falsy stand-in (0, "", {}) is refused, never read as "the default"
    constraints = Constraints() if constraints is None else constraints
    if not isinstance(constraints, Constraints):
        raise InputError("constraints", constraints, "a repayplan.Constraints")
    borrower = Borrower() if borrower is None else borrower
    if not isinstance(borrower, Borrower):
        raise InputError("borrower", borrower, "a repayplan.Borrower")
    if waterfall is not None and not isinstance(waterfall, Waterfall):
        raise InputError("waterfall", waterfall, "a repayplan.Waterfall")
    if space is not None and not isinstance(space, SearchSpace):
        raise InputError("space", space, "a repayplan.SearchSpace")
    if rules is not None:
        claim = claim.replace(rules=rules) if getattr(claim, "rules", None) is not rules else claim
    if objective == "waterfall":
        return _waterfall(
            claim, cashflow, creditor, borrower, constraints, waterfall or Waterfall(), progress
        )
    space = SearchSpace.default(claim, cashflow) if space is None else space
    if space.size > ENUMERATED_POINTS:
        plans = _sample_plans(space, max_plans, seed)
    else:
        plans = list(space.plans())
    if not plans:
        raise InputError("space", space, "a space with at least one valid plan")
    if len(plans) > max_plans:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(len(plans), size=max_plans, replace=False))
        plans = [plans[i] for i in keep]
    ctx = SearchContext(claim, cashflow, creditor, borrower, constraints, objective, beta, progress)
    frame = ctx.evaluate(plans, total=len(plans))
    if refine and space.continuous and frame["feasible"].any():
        frame = _refine(ctx, space, frame)
    feasible = frame[frame["feasible"]]
    if feasible.empty:
        raise InfeasibleError(_infeasible_message(frame, constraints, space))
    frame, ctx.waterfall_plan = _with_waterfall(ctx, frame, cashflow)
    candidates, costs, frame = _judged_shortlist(ctx, frame)
    feasible = frame[frame["feasible"]]
    best = candidates.pop("search_plan").iloc[0]
    return Negotiation(
        best=best,
        candidates=candidates,
        frontier=pareto_frontier(feasible),
        evaluated=frame,
        objective=objective,
        claim=claim,
        constraints=constraints,
        beta=beta,
        cashflow=cashflow,
        creditor=creditor,
        borrower=borrower,
        concessions=costs,
    )


def _with_waterfall(ctx: SearchContext, frame: pd.DataFrame, cashflow):
    """The default modification waterfall's result, evaluated under this negotiation's constraints.

    Added to the evaluated plans so that the shortlist can show it; ``None`` when no step of
    the waterfall meets its target or the cash flow is too short for its longest step.
    """
    ctx.progress = None  # the search is done: what follows is not part of it
    try:
        _, plans, _, meets, _, _ = _waterfall_steps(ctx.claim, cashflow, Waterfall())
    except (InfeasibleError, InputError):
        return frame, None
    if not meets.any():
        return frame, None
    plan = plans[
        int(np.argmax(meets))
    ]  # the first step that meets the target: the waterfall's result
    if any(p == plan for p in frame["plan"]):
        return frame, plan
    return pd.concat([frame, ctx.evaluate([plan])], ignore_index=True), plan


def _rank(frame: pd.DataFrame, claim, counts: dict | None = None) -> pd.DataFrame:
    """Feasible plans, best objective first; ties (to 1e-9) go to fewer concessions
    (``counts`` keeps each plan's number of concessions between calls)."""
    from .concessions import count

    feasible = frame[frame["feasible"]].copy()
    counts = {} if counts is None else counts
    n = []
    for p in feasible["plan"]:
        k = SearchContext.key(p)
        if k not in counts:
            counts[k] = count(p, claim)
        n.append(counts[k])
    feasible["concessions"] = n
    obj = feasible["objective"].to_numpy(dtype=float)
    feasible["_key"] = np.where(np.isfinite(obj), np.round(obj, 9), obj)
    return feasible.sort_values(
        ["_key", "concessions"], ascending=[False, True], kind="stable"
    ).drop(columns="_key")


def _judged_shortlist(ctx: SearchContext, frame: pd.DataFrame):
    """The shortlist with its reasons and its concessions costed in one batch.

    Under ``objective="creditor"`` a shortlisted plan never keeps a transfer: the plan
    without it (as feasible, worth more to the creditor) takes its place and the list is
    drawn again, until no shortlisted plan carries one (at most 12 rounds of one batch each).
    """
    from .concessions import cost_concessions

    ctx.progress = None  # the search is done: costing the concessions is not part of it
    judge = lambda plans: ctx.evaluate(list(plans))  # noqa: E731
    judge.claim = ctx.claim  # type: ignore[attr-defined]  # cost_concessions reads judge.claim
    seen_transfer: set = set()
    counts: dict = {}
    for _ in range(12):
        ranked = _rank(frame, ctx.claim, counts)
        if seen_transfer:
            ranked = ranked[[p.replace(name="") not in seen_transfer for p in ranked["plan"]]]
        candidates = _shortlist(
            ranked, None, claim=ctx.claim, waterfall=getattr(ctx, "waterfall_plan", None)
        )
        items = list(zip(candidates.index, candidates["plan"], strict=True))
        costs = cost_concessions(items, judge)
        if ctx.objective != "creditor" or costs.empty or not costs["transfer"].any():
            break
        tr = costs[costs["transfer"]]
        owners = {name: plan for name, plan in items}
        seen_transfer |= {
            owners[c].replace(name="") for c in tr.index.get_level_values("candidate")
        }
        # the plans without the transfers: all the transfers of a candidate withdrawn together
        better = []
        for cand, rows in tr.groupby(level="candidate", sort=False):
            plan = owners[cand]
            for _, row in rows.iterrows():
                changes = {
                    k: getattr(row["plan_without"], k)
                    for k in (
                        "annual_rate",
                        "penalty_waiver",
                        "interest_waiver",
                        "haircut",
                        "settlement_discount",
                        "grace",
                        "term",
                        "balloon",
                    )
                    if getattr(row["plan_without"], k) != getattr(plan, k)
                }
                try:
                    plan = plan.replace(**changes)
                except InputError:
                    continue
            better.append(plan.replace(name=""))
        frame = pd.concat([frame, ctx.evaluate(better)], ignore_index=True)
    return candidates, costs, frame


#: The most plans :func:`negotiate` evaluates (``max_plans``).
MAX_PLANS = 1_000_000
#: Grids up to this many points are listed in full; larger ones are sampled by point.
ENUMERATED_POINTS = 1_000_000


def _sample_plans(space: SearchSpace, n: int, seed) -> list:
    """``n`` points of a large grid, drawn without listing the grid (121 million points
    would take minutes and gigabytes), as plans in grid order."""
    names = list(space.dims)
    values = [space._values(k) for k in names]
    shape = tuple(len(v) for v in values)
    rng = np.random.default_rng(seed)
    flat = np.sort(rng.choice(space.size, size=min(n, space.size), replace=False))
    idx = np.unravel_index(flat, shape)
    plans = []
    for j in range(len(flat)):
        plan = space.make({k: values[d][int(idx[d][j])] for d, k in enumerate(names)})
        if plan is not None:
            plans.append(plan)
    return plans


class SearchContext:
    """Evaluates plans for one negotiation: metrics, rule findings, constraints and objective.

    Each distinct plan (its name aside) is evaluated once per context: a plan asked for again
    (a concession's variant that is also a grid point, the waterfall's result, a plan of the
    transfer rounds) is taken from the context's cache, its rule findings with it.
    """

    def __init__(self, claim, cashflow, creditor, borrower, constraints, objective, beta, progress):
        self.claim, self.cashflow, self.creditor, self.borrower = (
            claim,
            cashflow,
            creditor,
            borrower,
        )
        self.constraints, self.objective, self.beta, self.progress = (
            constraints,
            objective,
            beta,
            progress,
        )
        self.done = 0
        self.waterfall_plan = None  # the waterfall's result, once the search has run it
        self.seen: dict = {}  # plan key -> (batch, row) of the plans evaluated
        self._frames: list = []  # the evaluated batches
        self._hard: dict = {}

    @staticmethod
    def key(plan) -> tuple:
        """What identifies a plan's evaluation: every field but its name."""
        return tuple(getattr(plan, f) for f in _PLAN_FIELDS)

    def evaluate(self, plans, total=None, batch=100) -> pd.DataFrame:
        plans = list(plans)
        keys = [self.key(p) for p in plans]
        fresh: dict = {}
        for k, p in zip(keys, plans, strict=True):
            if k not in self.seen and k not in fresh:
                fresh[k] = p
        todo, todo_keys = list(fresh.values()), list(fresh)
        total = total or len(todo)
        for a in range(0, len(todo), batch):
            part = todo[a : a + batch]
            f = self._evaluate(part)
            fi = len(self._frames)
            self._frames.append(f)
            for j, k in enumerate(todo_keys[a : a + batch]):
                self.seen[k] = (fi, j)
            self.done += len(part)
            if self.progress is not None:
                self.progress(min(self.done, total), total)
        loc = [self.seen[k] for k in keys]
        used = sorted({fi for fi, _ in loc})
        if len(used) == 1:  # the usual case (a batch just evaluated, or one earlier batch)
            out = self._frames[used[0]].iloc[[j for _, j in loc]]
        else:  # rows of several batches: only those batches joined
            offset, at = {}, 0
            for fi in used:
                offset[fi] = at
                at += len(self._frames[fi])
            joined = pd.concat([self._frames[fi] for fi in used], ignore_index=True)
            out = joined.iloc[[offset[fi] + j for fi, j in loc]]
        out = out.reset_index(drop=True)
        out["plan"] = plans
        return out

    def hard(self, plans) -> np.ndarray:
        """Whether each plan breaks a hard rule: :func:`repayplan.rules.check`, once per distinct
        set of the fields it reads (the rate, the term, the kind and the settlement's date: a
        grid's waivers and shapes share the findings)."""
        out = []
        for p in plans:
            k = tuple(getattr(p, a, None) for a in _RULE_FIELDS)
            if k not in self._hard:
                self._hard[k] = has_hard_finding(p, self.claim)
            out.append(self._hard[k])
        return np.array(out, dtype=bool)

    def _evaluate(self, part) -> pd.DataFrame:
        f = evaluate(
            part,
            self.claim,
            self.cashflow,
            self.creditor,
            borrower=self.borrower,
            check_rules=False,
        )
        f = f.reset_index(drop=True)
        f["plan"] = part
        f["rate"] = [
            float(self.claim.annual_rate) if p.annual_rate is None else p.annual_rate for p in part
        ]
        hard = self.hard(part) if self.constraints.hard_rules else np.zeros(len(part), bool)
        checks = self.constraints.checks(f, hard, claim=self.claim, creditor=self.creditor)
        f["hard_rule"] = hard
        for name, ok in checks.items():
            f[f"ok_{name}"] = ok
        f["feasible"] = np.logical_and.reduce(list(checks.values())) if checks else True
        f["objective"] = self.score(f)
        f["claim_total"] = float(self.claim.total)
        return f

    def score(self, f: pd.DataFrame) -> np.ndarray:
        return score(f, self.objective, self.beta)


def score(frame: pd.DataFrame, objective: str = "nash", beta: float = 0.5) -> np.ndarray:
    r"""The objective of each evaluated plan (higher is better), from :func:`repayplan.evaluate` columns.

    ``"creditor"``: ``expected_npv``; ``"borrower"``: ``-burden``; ``"nash"``: the log Nash
    product :math:`\beta \log(C - C_0) + (1 - \beta) \log(B_0 - B)`, and :math:`-\infty`
    where either side would be worse off than without agreement.

    Examples
    --------
    >>> f = pd.DataFrame({"expected_npv": [900.0, 700.0], "enforcement_npv": [500.0, 500.0],
    ...                   "borrower_alternative": [1000.0, 1000.0], "borrower_cost": [950.0, 600.0],
    ...                   "burden": [0.5, 0.4]})
    >>> score(f, "nash").round(3).tolist()     # log(400)/2 + log(50)/2 vs log(200)/2 + log(400)/2
    [4.952, 5.645]
    >>> score(f, "creditor").tolist(), score(f, "borrower").tolist()
    ([900.0, 700.0], [-0.5, -0.4])
    """
    check_choice("objective", objective, ("nash", "creditor", "borrower"))
    if not isinstance(frame, pd.DataFrame):
        raise InputError("frame", frame, "the DataFrame of evaluate()")
    beta = check_fraction("beta", beta)
    need = {"creditor": ["expected_npv"], "borrower": ["burden"]}.get(
        objective, ["expected_npv", "enforcement_npv", "borrower_alternative", "borrower_cost"]
    )
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError(
            "frame", f"columns {list(frame.columns)[:8]}", f"a frame of evaluate() with {missing}"
        )
    if objective == "creditor":
        return frame["expected_npv"].to_numpy()
    if objective == "borrower":
        return -frame["burden"].to_numpy()
    sc = frame["expected_npv"].to_numpy() - frame["enforcement_npv"].to_numpy()
    sb = frame["borrower_alternative"].to_numpy() - frame["borrower_cost"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        val = beta * np.log(np.maximum(sc, 0)) + (1 - beta) * np.log(np.maximum(sb, 0))
    return np.where((sc > 0) & (sb > 0), val, -np.inf)


def has_hard_finding(plan, claim) -> bool:
    from . import rules

    return any(
        getattr(f, "hard", False) or getattr(f, "severity", "") == "error"
        for f in rules.check(plan, claim)
    )


def _refine(
    ctx: SearchContext, space: SearchSpace, frame: pd.DataFrame, rounds: int = 4, starts: int = 3
) -> pd.DataFrame:
    """Refine the continuous dimensions around the best feasible grid points.

    A shrinking local grid (3 points a dimension, half the spacing each round), then
    Powell's method within the dimension's bounds on the best point found.
    """
    from scipy.optimize import minimize

    cont = space.continuous
    names = list(cont)
    spacing = {k: (r.high - r.low) / max(r.n - 1, 1) for k, r in cont.items()}
    feas = frame[frame["feasible"] & np.isfinite(frame["objective"])]
    if feas.empty:
        return frame
    tops = feas.sort_values("objective", ascending=False).head(starts)
    for _, row in tops.iterrows():
        center = row["plan"]
        step = dict(spacing)
        for _ in range(rounds):
            step = {k: v / 2 for k, v in step.items()}
            axes = []
            for k in names:
                c = getattr(center, k) or 0.0
                axes.append(
                    sorted(
                        {min(cont[k].high, max(cont[k].low, c + d * step[k])) for d in (-1, 0, 1)}
                    )
                )
            cands = []
            for combo in itertools.product(*axes):
                p = _variant(center, dict(zip(names, combo, strict=True)))
                if p is not None:
                    cands.append(p)
            f = ctx.evaluate(cands)
            frame = pd.concat([frame, f], ignore_index=True)
            ok = f[f["feasible"] & np.isfinite(f["objective"])]
            if not ok.empty:
                top = ok.sort_values("objective", ascending=False).iloc[0]
                if top["objective"] >= _objective_of(frame, center):
                    center = top["plan"]
        # Powell on the continuous coordinates, infeasible points penalised
        x0 = np.array([getattr(center, k) or 0.0 for k in names], dtype=float)
        bounds = [(cont[k].low, cont[k].high) for k in names]
        found: list[pd.DataFrame] = []

        def fun(x, center=center, found=found):
            p = _variant(center, dict(zip(names, map(float, x), strict=True)))
            if p is None:
                return 1e30
            f = ctx.evaluate([p])
            found.append(f)
            val = f["objective"].iloc[0]
            return -val if (f["feasible"].iloc[0] and np.isfinite(val)) else 1e30

        if all(hi > lo for lo, hi in bounds):
            minimize(
                fun,
                x0,
                method="Powell",
                bounds=bounds,
                options={"maxfev": 40, "xtol": 1e-4, "ftol": 1e-7},
            )
        if found:
            frame = pd.concat([frame, *found], ignore_index=True)
    return frame


def _objective_of(frame, plan) -> float:
    same = frame[frame["plan"].map(lambda p: p == plan)]
    return float(same["objective"].max()) if not same.empty else -np.inf


def _variant(plan: Plan, values: dict) -> Plan | None:
    try:
        return plan.replace(**{k: round(float(v), 8) for k, v in values.items()})
    except InputError:
        return None


def pareto_frontier(frame: pd.DataFrame) -> pd.DataFrame:
    """Plans not dominated in (expected NPV higher, burden lower), sorted by burden."""
    f = frame.sort_values(["burden", "expected_npv"], ascending=[True, False], kind="stable")
    best = -np.inf
    keep = []
    for idx, v in zip(f.index, f["expected_npv"].to_numpy(), strict=True):
        if v > best + 1e-9:
            keep.append(idx)
            best = v
    out = f.loc[keep]
    return out.drop_duplicates(subset=["burden", "expected_npv"]).reset_index(drop=True)


def _shortlist(
    ranked: pd.DataFrame,
    space: SearchSpace | None = None,
    k: int = 5,
    *,
    claim=None,
    waterfall=None,
) -> pd.DataFrame:
    """Distinct plans worth offering, each with the reason it is on the list.

    In order: the objective's best; the feasible plan with the fewest concessions (the most
    creditor value among those); the shortest feasible term; the modification waterfall's
    result when it is feasible; a settlement if it is worth more
    to the creditor than every plan so far; then the next best by the objective that differ
    in structure or outcome (see :func:`_distinct`).  ``ranked`` is feasible, best first,
    ties already given to fewer concessions.
    """
    picked: list = []
    reasons: list = []
    tol = 0.02 * float(ranked["claim_total"].iloc[0])
    n_conc = ranked["concessions"] if "concessions" in ranked else pd.Series(0, index=ranked.index)

    def add(idx, reason):
        if idx is None or idx in picked or len(picked) >= k:
            return
        if all(_distinct(ranked.loc[idx], ranked.loc[j], tol) for j in picked):
            picked.append(idx)
            reasons.append(reason)

    add(ranked.index[0], "best by the objective")
    fewest = ranked.assign(_n=n_conc).sort_values(
        ["_n", "expected_npv"], ascending=[True, False], kind="stable"
    )
    add(fewest.index[0], f"the fewest concessions of a feasible plan ({int(fewest['_n'].iloc[0])})")
    shortest = ranked.sort_values(["term", "objective"], ascending=[True, False], kind="stable")
    add(shortest.index[0], f"the shortest feasible term ({int(shortest['term'].iloc[0])} months)")
    if waterfall is not None:
        hits = [i for i, p in zip(ranked.index, ranked["plan"], strict=True) if p == waterfall]
        if hits:
            add(hits[0], "the modification waterfall's result")
    settle = ranked[[p.is_settlement for p in ranked["plan"]]]
    if not settle.empty and picked:
        top = settle.sort_values("expected_npv", ascending=False).index[0]
        if ranked.loc[top, "expected_npv"] > ranked.loc[picked, "expected_npv"].max():
            add(top, "a settlement worth more to the creditor than the plans above")
    for idx in ranked.index:
        if len(picked) >= k:
            break
        add(idx, "next best by the objective, a different structure")
    out = ranked.loc[picked].copy()
    out["reason"] = reasons
    out["search_plan"] = list(out["plan"])  # as the search made it (unnamed): Negotiation.best
    names = plan_names(
        [p.replace(name=p.name or f"option {i + 1}") for i, p in enumerate(out["plan"])]
    )
    out["plan"] = [p.replace(name=n) for p, n in zip(out["plan"], names, strict=True)]
    out.index = names
    return out


_STRUCTURE = (
    "method",
    "term",
    "grace",
    "grace_kind",
    "seasonal",
    "capitalize_arrears",
    "settlement_by",
)


def _distinct(a, b, tol: float) -> bool:
    """Different structure (term, grace, shape, settlement), or outcomes more than 2% of the claim apart.

    Two plans that differ only by a small concession (half the penalty interest on a large
    claim) are near-duplicates: they look the same to both sides.
    """
    pa, pb = a["plan"], b["plan"]
    if any(getattr(pa, k) != getattr(pb, k) for k in _STRUCTURE):
        return True
    if pa.is_settlement != pb.is_settlement:
        return True
    return (
        abs(a["expected_npv"] - b["expected_npv"]) > tol
        or abs(a["total_paid"] - b["total_paid"]) > tol
    )


def _infeasible_message(frame: pd.DataFrame, cons: Constraints, space: SearchSpace) -> str:
    """Which constraint binds, and how close the closest plan came.

    A constraint no plan meets at all binds on its own: say so with the best value reached.
    Otherwise the constraints bind together: take the plan that breaks the fewest (the
    better objective on ties) and say what it misses, by how much.
    """
    names = [c[3:] for c in frame.columns if c.startswith("ok_")]
    metric = {
        "min_dscr": ("dscr", max, cons.min_dscr),
        "max_default_probability": ("default_probability", min, cons.max_default_probability),
        "max_term": ("term", min, cons.max_term),
        "min_margin": ("margin", max, cons.min_margin),
        "max_burden": ("burden", min, cons.max_burden),
        "hard_rules": ("hard_rule", min, None),
        "min_dscr_p5": ("dscr_p5", max, cons.min_dscr_p5),
        "cash_at_hand": ("upfront_shortfall", min, 0.0),
        "min_rate": ("rate", max, None),
    }
    longest = max(p.term for p in frame["plan"])
    parts = []
    for name in names:
        if frame[f"ok_{name}"].any():
            continue
        if name == "hard_rules":
            parts.append("every plan breaks a hard rule of the rule set")
            continue
        col, agg, _ = metric[name]
        parts.append(
            f"no plan within {longest} months reaches {cons.describe(name)}; best {_num(agg(frame[col]))}"
        )
    if not parts:
        broken = sum((~frame[f"ok_{n}"]).astype(int) for n in names)
        score = frame["objective"].where(np.isfinite(frame["objective"]), -1e300)
        closest = (
            frame.assign(_broken=broken, _score=score)
            .sort_values(["_broken", "_score"], ascending=[True, False])
            .iloc[0]
        )
        misses = []
        for n in names:
            if closest[f"ok_{n}"]:
                continue
            if n == "hard_rules":
                misses.append("it breaks a hard rule of the rule set")
            else:
                col, _, limit = metric[n]
                misses.append(f"{cons.describe(n)} (it reaches {_num(closest[col])})")
        parts.append(
            "no plan meets every constraint at once; the closest, "
            f"{closest['plan'].describe()}, misses " + " and ".join(misses)
        )
    return "; ".join(parts) + f" ({len(frame)} plans evaluated)"


def _num(v) -> str:
    return format_number(float(v)) if isinstance(v, (float, np.floating)) else str(v)


def _waterfall_steps(claim, cashflow, wf: Waterfall):
    """The waterfall's steps, their regular payments, whether each meets the target and the
    measure of the target (payment over mean cash, or the payment reduction), and the mean
    cash of the first twelve months.  The payments come from one batch of the steps' plans
    (a waterfall step has no grace: its regular payment is that of month 1)."""
    from .evaluate import align_cashflow
    from .plans import plan_batch

    steps = wf.steps(claim)
    plans = [p for _, p in steps]
    horizon = max(p.term for p in plans)
    cf = align_cashflow(cashflow, claim, horizon)
    cash12 = float(cf[:, :12].mean())
    batch = plan_batch(plans, claim)
    pays = batch.payments[:, 1].astype(float) / 10.0**batch.units
    base = pays[0]
    if wf.target == "ratio":
        meets = pays <= wf.value * cash12
        measure = pays / cash12
    else:
        meets = pays <= (1 - wf.value) * base
        measure = 1 - pays / base
    return steps, plans, pays, meets, measure, cash12


def _waterfall(
    claim, cashflow, creditor, borrower, constraints, wf: Waterfall, progress
) -> Negotiation:
    steps, plans, pays, meets, measure, cash12 = _waterfall_steps(claim, cashflow, wf)
    ctx = SearchContext(claim, cashflow, creditor, borrower, constraints, "creditor", 0.5, progress)
    frame = ctx.evaluate(plans)
    frame["waterfall_step"] = [name for name, _ in steps]
    frame["target_measure"] = measure
    frame["meets_target"] = meets
    frame["objective"] = -np.arange(len(plans), dtype=float)
    trail = []
    for i, (name, _) in enumerate(steps):
        trail.append((name, bool(meets[i])))
        if meets[i]:
            chosen = frame.iloc[[i]].copy()
            chosen.index = [plans[i].name or "waterfall"]
            return Negotiation(
                best=plans[i],
                candidates=chosen,
                frontier=pareto_frontier(frame.iloc[: i + 1]),
                evaluated=frame,
                objective="waterfall",
                claim=claim,
                constraints=constraints,
                steps=trail,
            )
    what = (
        f"payment at most {format_percent(wf.value, 0)} of mean monthly cash ({format_number(wf.value * cash12)})"
        if wf.target == "ratio"
        else f"a payment reduction of {format_percent(wf.value, 0)}"
    )
    best = float(measure.min()) if wf.target == "ratio" else float(measure.max())
    raise InfeasibleError(
        f"no waterfall step reaches {what}; best {format_percent(best)} after the last step "
        f"({steps[-1][0]}, payment {format_number(pays[-1])})"
    )
