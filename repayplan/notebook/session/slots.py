"""A plan column of the dashboard (:class:`PlanSlot`) and what the dashboard shows (:class:`View`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ...plans import Plan
from ..charts import ChartData
from .options import PLAN_OPTIONS, option_shown

if TYPE_CHECKING:  # annotations only: the functions that need these modules import them inside
    from ...compare import Comparison


__all__ = [
    "PlanSlot",
    "View",
]


@dataclass
class PlanSlot:
    """One plan column: the plan in force, what was typed, and the messages to show.

    Attributes
    ----------
    uid : int
        The column's identity for the meeting record (kept through renames and edits).
    plan : Plan
        The last valid plan; the comparison and charts show it.
    texts : dict
        What each control shows (the typed text, valid or not).
    errors : dict
        Option -> message for values the library refused.
    origin : {"case", "new", "duplicate", "suggested"}
    explanation : str
        Why :func:`repayplan.negotiate` recommended it (suggested plans).
    accepted : bool

    Examples
    --------
    >>> from repayplan.plans import Plan
    >>> slot = PlanSlot.of(7, Plan(term=24, grace=3, name="Two years"))
    >>> slot.name, slot.texts["term"], slot.texts["grace"], slot.texts["annual_rate"]
    ('Two years', '24', '3', '')
    >>> slot.errors, slot.accepted
    ({}, False)
    """

    uid: int
    plan: Plan
    texts: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    origin: str = "case"
    explanation: str = ""
    accepted: bool = False

    @property
    def name(self) -> str:
        """The name of the plan in force (the column's heading)."""
        return self.plan.name

    @classmethod
    def of(cls, uid: int, plan: Plan, **kw) -> PlanSlot:
        """A column showing ``plan``: each control's text is the plan's value (:func:`option_text`).

        Keywords set the other attributes (``origin``, ``explanation``, ``accepted``).

        >>> from repayplan.plans import Plan
        >>> slot = PlanSlot.of(1, Plan(annual_rate=0.0435, name="Bank proposal"), origin="new")
        >>> slot.texts["annual_rate"], slot.texts["name"], slot.origin
        ('4.35%', 'Bank proposal', 'new')
        """
        slot = cls(uid=uid, plan=plan, **kw)
        slot.texts = {name: option_shown(name, getattr(plan, name)) for name, _, _ in PLAN_OPTIONS}
        slot.texts["name"] = plan.name
        return slot


@dataclass(frozen=True, eq=False)
class View:
    """What the dashboard shows after a refresh.

    Attributes
    ----------
    plans : list of Plan
    frame : DataFrame
        :func:`repayplan.evaluate` of the plans (index: names).
    comparison : repayplan.Comparison
        :func:`repayplan.compare` of the plans, labelled in the session's language.
    findings : list of list of Finding
        :func:`repayplan.rules.check` of each plan.
    charts : ChartData
    seconds : float
        Time the evaluation and comparison took.

    Examples
    --------
    :meth:`Session.refresh` returns it.  120,000.00 at 6 % over 12 or 24 months: level
    payments of 10,327.97 and 5,318.47 (``120,000 × 0.005 / (1 − 1.005^−n)``).

    >>> from datetime import date, datetime
    >>> import repayplan as rp
    >>> from repayplan.case import Case
    >>> from repayplan.notebook.session import Session
    >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
    ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
    ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
    ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
    >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
    >>> view = s.refresh()
    >>> list(view.frame.index), view.findings
    (['12 months', '24 months'], [[], []])
    >>> view.charts.payments.iloc[:3]
           12 months  24 months
    month
    2026-06      0.00       0.00
    2026-07  10327.97    5318.47
    2026-08  10327.97    5318.47
    """

    plans: list
    frame: pd.DataFrame
    comparison: Comparison
    findings: list
    charts: ChartData
    seconds: float
