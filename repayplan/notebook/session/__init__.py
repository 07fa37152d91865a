"""The dashboard's state in plain Python: the plans on the table, what was typed, the record.

A :class:`Session` holds a :class:`repayplan.case.Case` and two to four plan columns
(:class:`PlanSlot`).  Every change goes through the library: a typed value is handed to
:class:`repayplan.Plan` (or :class:`~repayplan.case.Projection`,
:class:`~repayplan.Creditor`) which validates it; an :class:`~repayplan.errors.InputError`
becomes the message shown next to the control, and the last valid state stays in force
(nothing is clipped or coerced).  :meth:`Session.refresh` evaluates and compares the plans
(:func:`repayplan.evaluate`, :func:`repayplan.compare`) and records each plan shown in the
:class:`~repayplan.notebook.minutes.MeetingRecord`.

The session holds no financial logic: it only parses text into the arguments of library
calls and keeps their results.  It does not import ipywidgets, so it is tested in plain
pytest.

The package
-----------
* :mod:`repayplan.notebook.session.options`: what is typed and shown, in either language;
* :mod:`repayplan.notebook.session.slots`: :class:`PlanSlot` (a plan column), :class:`View`;
* :mod:`repayplan.notebook.session.editors`: the settings editors (cash flow, forecast,
  creditor, security, borrower), a base class of :class:`Session`;
* :mod:`repayplan.notebook.session.exports`: the case file, the annex and the minutes, a base
  class of :class:`Session`;
* this module: :class:`Session` itself (the plans on the table, evaluation, suggestions).

``repayplan.notebook.state`` re-exports these names for code written before the split.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from ... import money
from ..._validate import check_choice
from ...errors import InputError
from ...evaluate import Borrower, evaluate
from ...plans import Plan, plan_batch
from ..charts import chart_data
from ..labels import LANGS
from ..minutes import MeetingRecord
from .editors import SettingsEditors
from .exports import Exports
from .options import (
    BORROWER_FIELDS,
    CASH_FIELDS,
    COLLATERAL_KEYS,
    CREDITOR_FIELDS,
    GUARANTEE_KEYS,
    KEYS_ZH,
    OPTION_KIND,
    PLAN_OPTIONS,
    SECURITY_FIELDS,
    WORDS_ZH,
    items_text,
    num_text,
    option_shown,
    option_text,
    parse_option,
    shock_text,
    translate_pairs,
)
from .slots import PlanSlot, View

if TYPE_CHECKING:  # annotations only: the functions that need these modules import them inside
    from ...negotiate import Negotiation


__all__ = [
    "PLAN_OPTIONS",
    "CASH_FIELDS",
    "CREDITOR_FIELDS",
    "SECURITY_FIELDS",
    "BORROWER_FIELDS",
    "PlanSlot",
    "View",
    "Session",
    "option_text",
    "option_shown",
    "parse_option",
    "KEYS_ZH",
    "WORDS_ZH",
    "translate_pairs",
]


class Session(SettingsEditors, Exports):
    """The state of one negotiation session.

    Parameters
    ----------
    case : repayplan.case.Case
        The case negotiated: claim, cash flow, creditor, candidate plans, earlier record.
    plans : sequence of str or Plan, optional
        The plans put on the table first (names of the case's plans, or plans); default the
        case's plans, at most :attr:`MAX_PLANS`.  Fewer than :attr:`MIN_PLANS` are made up
        with the contract's terms (a plan with no concession).
    lang : {"en", "zh"}
    clock : callable, optional
        Returns the current ``datetime`` (for the meeting record); default ``datetime.now``.

    Examples
    --------
    >>> from repayplan.case import Case
    >>> s = Session(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
    >>> s.set_option(0, "term", "48") is None, s.slots[0].plan.term
    (True, 48)
    >>> print(s.set_option(0, "term", "-6"))
    Term (months): -6 is not accepted; it must be a whole number from 1 to 1200.
    >>> s.slots[0].plan.term                      # the last valid value stays in force
    48
    """

    MIN_PLANS = 2
    """Fewest plans on the table: a comparison needs two."""
    MAX_PLANS = 4
    """Most plans on the table at once."""

    def __init__(
        self, case, plans=None, *, lang: str = "en", clock: Callable[[], _dt.datetime] | None = None
    ):
        from ...case import Case

        if not isinstance(case, Case):
            raise InputError("case", type(case).__name__, "a repayplan.case.Case")
        self.lang = check_choice("lang", lang, LANGS)
        self.clock = clock or _dt.datetime.now
        self.case = case
        self.original = case
        self._uid = 0
        if plans is None:
            chosen = list(case.plans.values())[: self.MAX_PLANS]
        else:
            chosen = [case.plan(p) if isinstance(p, str) else p for p in plans]
            for i, p in enumerate(chosen):
                if not isinstance(p, Plan):
                    raise InputError(
                        f"plans[{i}]", p, "a plan of the case (its name) or a repayplan.Plan"
                    )
            if len(chosen) > self.MAX_PLANS:
                raise InputError(
                    "plans",
                    [getattr(p, "name", p) for p in chosen],
                    f"at most {self.MAX_PLANS} plans",
                )
        self.slots: list[PlanSlot] = []
        for p in chosen:
            self._append(p if p.name else p.replace(name=self._free_name("Plan")), "case")
        while len(self.slots) < self.MIN_PLANS:
            self._append(Plan(name=self._free_name("Contract terms")), "new")
        self.minutes = MeetingRecord(earlier=case.meeting)
        # the borrower's and the creditor's inputs, as typed
        self.projection = case.projection or _starting_projection(case.cashflow)
        self.cash_source = "projection" if case.projection is not None else "data"
        self.cash_texts = {
            k: num_text(getattr(self.projection, k)) for k, _ in CASH_FIELDS if k != "shocks"
        }
        self.cash_texts["shocks"] = shock_text(self.projection.shocks, self.lang)
        self.data_cashflow = case.cashflow if case.projection is None else None
        # the borrower's own history and the forecast fitted to it (upload_history)
        self.history_cashflow = _history_of(case.cashflow)
        self.forecast_model = "auto"
        self.backtest = None
        cr = case.creditor
        self.creditor_texts = {
            "discount_rate": num_text(cr.discount_rate),
            "recovery_rate": num_text(cr.enforcement.recovery_rate),
            "delay_months": num_text(cr.enforcement.delay_months),
            "costs": num_text(cr.enforcement.costs),
        }
        sec = case.security
        self.security_texts = {
            "collateral": items_text(sec.collateral, COLLATERAL_KEYS, self.lang) if sec else "",
            "guarantees": items_text(sec.guarantees, GUARANTEE_KEYS, self.lang) if sec else "",
            "unsecured_recovery": num_text(sec.unsecured_recovery) if sec else "0",
        }
        side = self.borrower_side
        self.borrower_texts = {
            "discount_rate": num_text(side.discount_rate),
            "going_concern_loss": num_text(side.going_concern_loss),
        }
        self.errors: dict[tuple[str, str], str] = {}
        self.negotiation: Negotiation | None = None
        self.suggestions: list[PlanSlot] = []
        self.view: View | None = None
        self._shown: dict = {}  # uid -> (plan, its figures) as last shown
        self._before: dict = {}  # uid -> the figures of the plan's version before its last edit

    # -- the plans ----------------------------------------------------------------------
    @property
    def plans(self) -> list[Plan]:
        """The plans in force, column by column.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.plans
        [Plan('12 months': term=12), Plan('24 months': term=24)]
        """
        return [s.plan for s in self.slots]

    @property
    def names(self) -> list[str]:
        """The plans' names, column by column (unique on the table)."""
        return [s.name for s in self.slots]

    @property
    def borrower_side(self) -> Borrower:
        """The borrower's side of the bargain: the case's, or the library's default.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.borrower_side
        Borrower(discount_rate=0.1, going_concern_loss=None)
        """
        return getattr(self.case, "borrower_side", None) or Borrower()

    def _next_uid(self) -> int:
        self._uid += 1
        return self._uid

    def _append(self, plan: Plan, origin: str, explanation: str = "") -> PlanSlot:
        slot = PlanSlot.of(self._next_uid(), plan, origin=origin, explanation=explanation)
        self.slots.append(slot)
        return slot

    def _free_name(self, stem: str, taken=None) -> str:
        taken = set(self.names if taken is None else taken)
        if stem not in taken:
            return stem
        k = 2
        while f"{stem} ({k})" in taken:
            k += 1
        return f"{stem} ({k})"

    def _slot(self, i: int) -> PlanSlot:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.slots):
            raise InputError("column", i, f"a plan column from 0 to {len(self.slots) - 1}")
        return self.slots[i]

    def set_option(self, i: int, option: str, raw) -> str | None:
        """Set plan option ``option`` of column ``i`` from what was typed.

        Returns
        -------
        str or None
            The library's message when the value is refused (the plan in force is kept and
            the message is kept in ``slots[i].errors``), else ``None``.

        Examples
        --------
        A plan must fit the cash flow the case has: 120 months of cash cover a 120-month
        plan, not a 150-month one.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_option(1, "term", "120") is None, s.slots[1].plan.term
        (True, 120)
        >>> print(s.set_option(1, "term", "150"))
        Term (months): not applied; the cash flow must be at least 150 months from 2026-07 to cover
        the longest plan (120 given).
        >>> s.slots[1].plan.term, s.slots[1].texts["term"], list(s.slots[1].errors)
        (120, '150', ['term'])
        """
        slot = self._slot(i)
        check_choice("option", option, tuple(OPTION_KIND))
        slot.texts[option] = raw
        try:
            plan = slot.plan.replace(**{option: parse_option(option, raw)})
            self._check([plan], self.case.cashflow)
        except InputError as e:
            msg = self._message(e, option, raw)
            slot.errors[option] = msg
            return msg
        slot.errors.pop(option, None)
        slot.plan = plan
        # a cross-field message elsewhere in the column may no longer hold
        for other in list(slot.errors):
            if other != option and self._text_ok(slot, other):
                slot.errors.pop(other)
                slot.plan = slot.plan.replace(**{other: parse_option(other, slot.texts[other])})
        return None

    def _message(self, error: InputError, option: str, raw) -> str:
        """The refusal of plan option ``option`` in the interface language, naming its label."""
        from ..labels import input_message, option_label

        if (
            OPTION_KIND[option] == "optional_percent"
            and error.field == option
            and "percentage" not in error.allowed
        ):
            error = InputError(option, raw, "a rate >= 0 and <= 1 a year, as a fraction")
            if self.lang == "en":
                error.allowed = "a percentage from 0 to 100 (% a year)"
            else:
                error.allowed = "0 到 100 之间的百分比"
        return input_message(error, option_label(option, self.lang), raw, self.lang, field=option)

    def _text_ok(self, slot: PlanSlot, option: str) -> bool:
        """Does the text shown for ``option`` give a valid plan now?"""
        if option not in OPTION_KIND:
            return False
        try:
            self._check(
                [slot.plan.replace(**{option: parse_option(option, slot.texts.get(option, ""))})],
                self.case.cashflow,
            )
        except InputError:
            return False
        return True

    def set_name(self, i: int, name) -> str | None:
        """Rename the plan of column ``i`` (names are unique on the table).

        Returns the message when the name is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> print(s.set_name(1, "12 months"))
        name == '12 months', must be a name no other plan on the table has
        >>> s.set_name(1, " Two years "), s.names
        (None, ['12 months', 'Two years'])
        """
        slot = self._slot(i)
        slot.texts["name"] = name
        if not isinstance(name, str) or not name.strip():
            msg = str(InputError("name", name, "a name for the plan (text)"))
        elif name.strip() in [s.name for s in self.slots if s is not slot]:
            msg = str(InputError("name", name, "a name no other plan on the table has"))
        else:
            slot.plan = slot.plan.replace(name=name.strip())
            slot.texts["name"] = slot.plan.name
            slot.errors.pop("name", None)
            return None
        slot.errors["name"] = msg
        return msg

    def add(self, plan: Plan | None = None, *, origin: str = "new", explanation: str = "") -> int:
        """Put a plan on the table (default: the contract's terms); returns its column.

        The plan's name is made unique; at most :attr:`MAX_PLANS` plans fit.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.add(rp.Plan(term=6)), s.add(rp.Plan(term=6, name="12 months"))
        (2, 3)
        >>> s.names
        ['12 months', '24 months', 'New plan', '12 months (2)']
        >>> s.add()
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: plans == 5, must be at most 4 plans on the table
        """
        if len(self.slots) >= self.MAX_PLANS:
            raise InputError(
                "plans", len(self.slots) + 1, f"at most {self.MAX_PLANS} plans on the table"
            )
        stem = "New plan" if self.lang == "en" else "新方案"
        plan = plan or Plan(name=stem)
        if not isinstance(plan, Plan):
            raise InputError("plan", plan, "a repayplan.Plan")
        plan = plan.replace(name=self._free_name(plan.name or stem))
        self._check([plan], self.case.cashflow)
        self._append(plan, origin, explanation)
        return len(self.slots) - 1

    def duplicate(self, i: int) -> int:
        """A copy of column ``i`` (named ``"<name> (2)"``), placed after it; returns its column.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.duplicate(0), s.names
        (1, ['12 months', '12 months (2)', '24 months'])
        >>> s.slots[1].plan.term, s.slots[1].origin
        (12, 'duplicate')
        """
        slot = self._slot(i)
        if len(self.slots) >= self.MAX_PLANS:
            raise InputError(
                "plans", len(self.slots) + 1, f"at most {self.MAX_PLANS} plans on the table"
            )
        copy = PlanSlot.of(
            self._next_uid(), slot.plan.replace(name=self._free_name(slot.name)), origin="duplicate"
        )
        self.slots.insert(i + 1, copy)
        return i + 1

    def remove(self, i: int) -> None:
        """Take column ``i`` off the table (it stays in the meeting record).

        At least :attr:`MIN_PLANS` plans stay on the table.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.add(rp.Plan(term=36, name="36 months"))
        2
        >>> s.remove(0)
        >>> s.names
        ['24 months', '36 months']
        >>> s.remove(0)
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: plans == 1, must be at least 2 plans on the table
        """
        slot = self._slot(i)
        if len(self.slots) <= self.MIN_PLANS:
            raise InputError(
                "plans", len(self.slots) - 1, f"at least {self.MIN_PLANS} plans on the table"
            )
        if slot.accepted:
            self.minutes.withdraw()
        del self.slots[i]

    def accept(self, i: int, accepted: bool = True) -> None:
        """Mark the plan of column ``i`` accepted (at most one is) -- or withdraw it.

        The meeting record marks the offer accepted, at the session's clock:

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.accept(1)
        >>> s.accepted.name, s.minutes.accepted.plan, s.minutes.accepted.accepted_at
        ('24 months', '24 months', datetime.datetime(2026, 7, 8, 10, 30))
        >>> s.accept(1, False)
        >>> s.accepted is None, s.minutes.accepted is None
        (True, True)
        """
        slot = self._slot(i)
        if not accepted:
            slot.accepted = False
            self.minutes.withdraw()
            return
        if self.view is None or slot.name not in self.view.comparison.table.columns:
            self.refresh()
        for s in self.slots:
            s.accepted = s is slot
        self.minutes.accept(slot.uid, self.clock())

    def restore_accepted(self, name: str) -> bool:
        """Show the plan ``name`` accepted again, as it was when the session was saved (a
        reload): the meeting record already holds the acceptance among its earlier entries,
        so nothing is recorded anew.  Returns whether a plan of that name is on the table.

        >>> from repayplan.case import Case
        >>> s = Session(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> s.restore_accepted("Seasonal 48"), s.accepted.name, s.minutes.offers
        (True, 'Seasonal 48', [])
        >>> s.restore_accepted("Settlement")
        False
        """
        for slot in self.slots:
            if slot.name == name:
                for other in self.slots:
                    other.accepted = other is slot
                return True
        return False

    @property
    def accepted(self) -> PlanSlot | None:
        """The column of the accepted plan, or ``None`` (see :meth:`accept`)."""
        return next((s for s in self.slots if s.accepted), None)

    def set_lang(self, lang: str) -> None:
        """Switch the language of the comparison's labels, suggestions and minutes.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_lang("zh")
        >>> "还款总额" in s.refresh().comparison.labelled().index
        True
        """
        self.lang = check_choice("lang", lang, LANGS)
        self._explain_again()
        # the typed key=value boxes show their keys in the new language (read in either)
        for key in ("collateral", "guarantees"):
            self.security_texts[key] = translate_pairs(self.security_texts[key], self.lang)
        self.cash_texts["shocks"] = translate_pairs(
            self.cash_texts["shocks"], self.lang, anywhere=True
        )

    def _explain_again(self) -> None:
        """The reasons of suggested plans (on the table and waiting) in the session's language."""
        negotiation = getattr(self, "negotiation", None)
        if negotiation is None:
            return
        from ...negotiate import explain_plan

        rows = [row for _, row in negotiation.candidates.iterrows()]
        for slot in [*self.slots, *self.suggestions]:
            if slot.origin != "suggested":
                continue
            for row in rows:
                if row["plan"].replace(name=slot.plan.name) == slot.plan:
                    slot.explanation = explain_plan(slot.plan, row, self.lang)
                    break

    # -- evaluation ---------------------------------------------------------------------
    def refresh(self) -> View:
        """Evaluate and compare the plans on the table; record the ones shown anew.

        Returns the :class:`View`.  12 and 24 months at 6 % cost ``11 × 10,327.97 +
        10,327.99 = 123,935.66`` and 127,643.39 in all; a plan shown again with the same
        terms is not recorded twice.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> view = s.refresh()
        >>> view.comparison.table.loc["total_paid"].round(2).tolist()
        [Decimal('123935.66'), Decimal('127643.39')]
        >>> _ = s.refresh()
        >>> [(o.plan, str(o.total_paid)) for o in s.minutes.offers]
        [('12 months', '123935.66'), ('24 months', '127643.39')]
        """
        from ... import rules
        from ...compare import compare

        t0 = time.perf_counter()
        case, plans = self.case, self.plans
        batch = plan_batch(plans, case.claim)
        frame = evaluate(
            plans, case.claim, case.cashflow, case.creditor, borrower=self.borrower_side
        )
        findings = [rules.check(p, case.claim) for p in plans]  # shown under each plan
        comparison = compare(
            plans,
            case.claim,
            case.cashflow,
            case.creditor,
            lang=self.lang,
            metrics=frame,
            constraints=getattr(case.negotiation, "constraints", None),
        )
        charts = chart_data(batch, frame, case.claim, case.cashflow, self.negotiation)
        self.view = View(
            plans=plans,
            frame=frame,
            comparison=comparison,
            findings=findings,
            charts=charts,
            seconds=time.perf_counter() - t0,
        )
        self._record(batch, frame)
        self._keep_versions(comparison.table)
        return self.view

    def _keep_versions(self, table: pd.DataFrame) -> None:
        """Remember each column's figures; when a plan's terms changed since it was last
        shown, its figures then become :meth:`previous` (the Δ of the comparison)."""
        shown, before = self._shown, self._before
        for slot, col in zip(self.slots, table.columns, strict=True):
            last = shown.get(slot.uid)
            if last is not None and last[0].replace(name=slot.plan.name) != slot.plan:
                before[slot.uid] = last[1]
            shown[slot.uid] = (slot.plan, table[col].copy())

    def previous(self) -> dict:
        """The figures of the previous version of each plan edited since the session began:
        ``{plan name: Series}`` (rows as :attr:`repayplan.compare.Comparison.table`).

        A plan shown with new terms keeps the figures of its version before the edit; a
        plan never edited has none.  The dashboard shows the change (Δ) under each figure.

        >>> from repayplan.case import Case
        >>> s = Session(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> _ = s.refresh()
        >>> s.previous()
        {}
        >>> _ = s.set_option(0, "term", "48")
        >>> now = s.refresh().comparison.table
        >>> before = s.previous()["Bank proposal"]
        >>> int(before["term"]), int(now.loc["term", "Bank proposal"])
        (36, 48)
        """
        return {
            slot.name: self._before[slot.uid] for slot in self.slots if slot.uid in self._before
        }

    def _check(self, plans, cashflow) -> None:
        """Raise the library's InputError unless ``plans`` can be evaluated on ``cashflow``:
        each must fit the claim (waivers, signing payment, schedule) and the cash flow must
        cover the longest."""
        from ...evaluate import align_cashflow

        batch = plan_batch(plans, self.case.claim)
        align_cashflow(cashflow, self.case.claim, batch.horizon)

    def _record(self, batch, frame: pd.DataFrame) -> None:
        now = self.clock()
        u = batch.units
        for i, slot in enumerate(self.slots):
            row = frame.iloc[i]
            paid = money.from_minor(int(batch.payments[i].sum()), u)
            prev = self.minutes.last(slot.uid)
            if (
                prev is not None
                and prev.plan == slot.name
                and prev.term == int(row["term"])
                and prev.total_paid == paid
                and prev.description in {slot.plan.describe(x) for x in LANGS}
            ):
                continue  # the same plan, shown again in the other language
            self.minutes.shown(
                now,
                slot.uid,
                slot.name,
                slot.plan.describe(self.lang),
                int(row["term"]),
                money.from_minor(int(batch.payments[i].sum()), u),
                money.from_minor(int(batch.terms[i].waived), u),
                float(row["expected_npv"]),
                float(row["default_probability"]),
            )

    # -- suggestions --------------------------------------------------------------------
    def suggest(
        self,
        *,
        objective: str | None = None,
        constraints=None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[int]:
        """Run :func:`repayplan.negotiate` on the case as it stands and put the recommended
        plans on the free columns, best first.

        Parameters
        ----------
        objective : str, optional
            Default the case's (``case.negotiation``).
        constraints : repayplan.Constraints, optional
            Default the case's.
        progress : callable, optional
            ``progress(done, total)``, passed to :func:`repayplan.negotiate`.

        Returns
        -------
        list of int
            The columns added (none if the table is full: :attr:`suggestions` holds them).

        Raises
        ------
        InfeasibleError
            No plan meets the constraints (the message says which binds and by how much).

        Examples
        --------
        Two free columns take the two best candidates; the others wait in
        :attr:`suggestions`:

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.suggest()
        [2, 3]
        >>> s.names, [slot.origin for slot in s.slots]
        (['12 months', '24 months', 'Suggested 1', 'Suggested 2'], ['case', 'case', 'suggested', 'suggested'])
        >>> s.slots[2].plan.replace(name="") == s.negotiation.best
        True
        >>> len(s.suggestions) == len(s.negotiation.candidates) - 2
        True
        """
        from ...negotiate import explain_plan

        kw: dict[str, object] = {}
        if objective is not None:
            kw["objective"] = objective
        if constraints is not None:
            kw["constraints"] = constraints
        if progress is not None:
            kw["progress"] = progress
        result = self.case.negotiate(**kw)
        self.negotiation = result
        taken = set(self.names)
        self.suggestions = []
        for k, (_, row) in enumerate(result.candidates.iterrows(), start=1):
            stem = ("Suggested" if self.lang == "en" else "推荐方案") + f" {k}"
            name = self._free_name(stem, taken)
            taken.add(name)
            plan = row["plan"].replace(name=name)
            self.suggestions.append(
                PlanSlot.of(
                    0, plan, origin="suggested", explanation=explain_plan(plan, row, self.lang)
                )
            )
        added = []
        while self.suggestions and len(self.slots) < self.MAX_PLANS:
            added.append(self.add_suggestion(0))
        return added

    def add_suggestion(self, k: int) -> int:
        """Put suggestion ``k`` on the table; returns its column.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.suggest()
        [2, 3]
        >>> s.remove(3)
        >>> waiting = s.suggestions[0].plan
        >>> s.add_suggestion(0), s.slots[3].plan == waiting, s.slots[3].origin
        (3, True, 'suggested')
        """
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self.suggestions):
            raise InputError("suggestion", k, f"a suggestion from 0 to {len(self.suggestions) - 1}")
        s = self.suggestions.pop(k)
        return self.add(s.plan, origin="suggested", explanation=s.explanation)

    def replace_with_suggestion(self, k: int, i: int) -> int:
        """Put suggestion ``k`` on the table in place of column ``i`` (for a full table).

        The plan of column ``i`` goes back to nothing (an accepted plan is withdrawn from
        the record); the suggestion takes the column, with its reasons.  Returns ``i``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months"),
        ...                    rp.Plan(term=36, name="36 months"), rp.Plan(term=48, name="48 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.suggest()                       # the table is full: nothing added
        []
        >>> best = s.suggestions[0].plan
        >>> s.replace_with_suggestion(0, 1), s.names[:2], s.slots[1].plan == best, s.slots[1].origin
        (1, ['12 months', 'Suggested 1'], True, 'suggested')
        """
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self.suggestions):
            raise InputError(
                "suggestion", k, f"a suggestion from 0 to {max(len(self.suggestions) - 1, 0)}"
            )
        old = self._slot(i)
        taken = [n for j, n in enumerate(self.names) if j != i]
        new = self.suggestions[k]
        plan = new.plan.replace(name=self._free_name(new.plan.name, taken))
        self._check([plan], self.case.cashflow)
        if old.accepted:
            self.minutes.withdraw()
        self.suggestions.pop(k)
        self.slots[i] = PlanSlot.of(
            self._next_uid(), plan, origin="suggested", explanation=new.explanation
        )
        return i

    def ranking(self) -> str:
        """Why the suggestions rank as they do (:meth:`repayplan.Negotiation.explain`), in the
        session's language; empty before :meth:`suggest`.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.ranking()
        ''
        >>> _ = s.suggest()
        >>> s.ranking() == s.negotiation.explain("en") and s.ranking().splitlines()[1].startswith("1. ")
        True
        """
        return "" if self.negotiation is None else self.negotiation.explain(self.lang)

    # -- the case -----------------------------------------------------------------------
    def to_case(self):
        """The case as it stands: the plans on the table first (then the case's other plans),
        the cash flow and creditor as set, and the meeting record.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.add(rp.Plan(term=36, name="36 months"))
        2
        >>> _ = s.refresh()
        >>> case2 = s.to_case()
        >>> list(case2.plans), len(case2.meeting), case2.meeting[0]["plan"]
        (['12 months', '24 months', '36 months'], 3, '12 months')
        """
        plans = {s.name: s.plan for s in self.slots}
        for name, p in self.original.plans.items():
            if name not in plans and all(p != s.plan.replace(name=name) for s in self.slots):
                plans[name] = p
        return self.case.replace(plans=plans, meeting=self.minutes.entries())


def _history_of(cashflow):
    """The history a forecast was fitted to, as a one-path CashFlow (None if there is none)."""
    from ...cashflow import CashFlow

    p = cashflow.provenance
    if p is None or p.kind != "history" or not p.history:
        return None
    return CashFlow.from_series(p.history_series(), currency=cashflow.currency)


def _starting_projection(cashflow):
    """A projection to start the form from when the case's cash is data (not applied until
    a field is changed): the data's months, start, buffer and minimum cash, and its mean."""
    from decimal import Decimal

    from ...case import Projection

    mean = cashflow.mean()
    base = max(float(mean.iloc[: min(12, len(mean))].mean()), 1.0)
    cents = Decimal("0.01")
    return Projection(
        base=Decimal(round(base)),
        months=cashflow.months,
        start=cashflow.start,
        scenarios=max(cashflow.n_scenarios, 1),
        seed=0,
        buffer=Decimal(repr(cashflow.buffer)).quantize(cents),
        minimum_cash=Decimal(repr(cashflow.minimum_cash)).quantize(cents),
        currency=cashflow.currency,
    )
