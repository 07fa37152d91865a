"""The negotiation dashboard: ipywidgets over a :class:`~repayplan.notebook.session.Session`.

Layout, top to bottom: the case and the language switch; the plans side by side (two to
four columns, each with its controls, rule findings and, for suggested plans, the reasons);
the Suggest bar; the :func:`repayplan.compare` table; the live charts; and tabs for the
borrower's cash flow and the creditor's settings, the exports and the meeting record.

Every widget the browser test looks for has a CSS class (``rp-plan-col``,
``rp-field-term``, ``rp-compare``, ``rp-suggest`` ...).  Every callback is guarded: a value
the library refuses shows the library's message next to the control, and anything
unexpected shows a message in the status line; the dashboard never dies with a traceback.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import logging
import os
import re
import time
from pathlib import Path

import ipywidgets as w

from .._validate import check_choice
from ..errors import InfeasibleError, InputError, RepayplanError
from ..money import format_number, format_percent
from .charts import forecast_png
from .comparison import comparison_html
from .labels import LANGS, TEXT, text
from .live import COLORS, LiveCharts
from .session import (
    BORROWER_FIELDS,
    CASH_FIELDS,
    CREDITOR_FIELDS,
    PLAN_OPTIONS,
    SECURITY_FIELDS,
    Session,
    option_text,
)

__all__ = ["Dashboard"]

log = logging.getLogger(__name__)

_ANNEX_FORMATS = ("xlsx", "pdf", "html", "csv", "md")
_MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html",
    "csv": "text/csv",
    "md": "text/markdown",
    "toml": "application/toml",
}
_LABEL_WIDTH = {"description_width": "52%"}
#: The plan options each card shows up front (the rest are behind "more").
UP_FRONT = (
    "method",
    "term",
    "grace",
    "annual_rate",
    "penalty_waiver",
    "interest_waiver",
    "haircut",
    "down_payment",
)
_STYLE = """<style>
.rp-dashboard .rp-error { color: #b00020; font-size: 12px; line-height: 1.3; }
.rp-dashboard .rp-title { font-size: 13px; line-height: 1.3; }
.rp-dashboard .rp-title b { font-size: 16px; margin-right: 10px; }
.rp-dashboard .rp-claim-line { color: #444; }
.rp-dashboard .rp-section { font-weight: bold; font-size: 14px; margin: 2px 0; }
.rp-dashboard .rp-status { font-size: 12px; color: #555; margin-right: 16px; }
.rp-dashboard .rp-guide { font-size: 12px; }
.rp-dashboard .rp-lang .widget-toggle-button { width: 80px; height: 26px; }
.rp-dashboard .widget-html, .rp-dashboard .widget-html-content { line-height: 1.3; }
.rp-dashboard .rp-legend { font-size: 12px; margin: 0 0 4px 86px; }
.rp-dashboard .rp-legend-item { margin-right: 12px; white-space: nowrap; }
.rp-dashboard .rp-plan-col { border: 1px solid #ccc; border-radius: 6px; padding: 4px; margin: 3px; }
.rp-dashboard .rp-plan-col .jupyter-button, .rp-dashboard .rp-plan-col .widget-toggle-button {
  height: 24px; line-height: 24px; padding: 0 6px; font-size: 12px; margin: 1px; }
.rp-dashboard .rp-compare td.rp-delta-cell { white-space: nowrap; }
.rp-dashboard .rp-delta { display: block; font-size: 10px; color: #666; line-height: 1.1; }
.rp-dashboard .rp-compare table.repayplan-compare tbody th { white-space: nowrap; font-size: 11.5px; }
.rp-dashboard .rp-compare table.repayplan-compare td.rp-infeasible-reason { font-size: 10.5px; line-height: 1.2;
  min-width: 80px; }
.rp-dashboard .rp-compare table.repayplan-compare td.rp-side { color: #888; font-size: 10px; white-space: nowrap; padding: 2px 2px; }
.rp-dashboard .rp-plan-col .widget-label { font-size: 12px; }
.rp-dashboard .rp-plan-col .widget-inline-hbox { height: 24px; margin: 1px 0; }
.rp-dashboard .rp-plan-col .widget-inline-hbox input, .rp-dashboard .rp-plan-col .widget-inline-hbox select {
  height: 24px; }
.rp-dashboard .rp-narrow .rp-plan-col .widget-label { font-size: 11px; }
.rp-dashboard .rp-compare.rp-narrow table.repayplan-compare td, .rp-dashboard .rp-compare.rp-narrow table.repayplan-compare th {
  font-size: 11px; padding: 2px 3px; }
.rp-dashboard .rp-suggest-bar .widget-text input { width: 72px; flex: 0 0 72px; }
.rp-dashboard .rp-suggest-bar .widget-text { width: auto; }
.rp-dashboard .rp-plan-col .rp-why { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical;
  overflow: hidden; }
.rp-dashboard .rp-plan-col .rp-desc { font-size: 11px; line-height: 1.25; display: -webkit-box;
  -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.rp-dashboard .rp-plan-col input, .rp-dashboard .rp-plan-col select { font-size: 12px; min-width: 0; }
.rp-dashboard .rp-plan-col .rp-plan-desc { font-size: 12px; line-height: 1.3; }
.rp-dashboard .rp-plan-col .widget-html { height: auto; min-height: 0; margin: 0; }
.rp-dashboard .rp-plan-col .widget-html-content { height: auto; line-height: 1.3; align-self: auto; }
.rp-dashboard .rp-plan-col .widget-vbox { margin: 0; }
.rp-dashboard .rp-more .jupyter-widget-Collapse-header, .rp-dashboard .rp-more .p-Collapse-header {
  padding: 2px 6px; font-size: 12px; }
.rp-dashboard .rp-compare { overflow-x: auto; }
.rp-dashboard .rp-compare table.repayplan-compare { font-size: 12px; }
.rp-dashboard .rp-compare table.repayplan-compare td, .rp-dashboard .rp-compare table.repayplan-compare th {
  padding: 2px 5px; }
.rp-dashboard .rp-findings, .rp-dashboard .rp-explanation { font-size: 12px; line-height: 1.35; }
.rp-dashboard .rp-finding-error { color: #b00020; } .rp-dashboard .rp-finding-warning { color: #8a5a00; }
.rp-dashboard .rp-finding-info { color: #666; }
.rp-dashboard table.repayplan-compare { border-collapse: collapse; font-size: 13px; }
.rp-dashboard table.repayplan-compare td, .rp-dashboard table.repayplan-compare th {
  border-bottom: 1px solid #e5e5e5; padding: 3px 8px; text-align: right; }
.rp-dashboard table.repayplan-compare tbody th { text-align: left; font-weight: normal; }
.rp-dashboard table.rp-minutes-table { border-collapse: collapse; font-size: 12px; }
.rp-dashboard table.rp-minutes-table td, .rp-dashboard table.rp-minutes-table th {
  border-bottom: 1px solid #e5e5e5; padding: 2px 6px; }
</style>"""


def _guarded(method):
    """Run a callback; an unexpected error becomes a message in the status line."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        if self._muted:
            return None
        try:
            return method(self, *args, **kwargs)
        except Exception as e:  # noqa: BLE001 - the dashboard must never die with a traceback
            log.exception("dashboard callback %s failed", method.__name__)
            self._fail(e)
            return None

    return run


def _choice_options(option: str, choices, lang: str):
    if option == "grace_kind":
        return [(text(f"grace_{c}", lang), c) for c in choices]
    return [(text(c, lang), c) for c in choices]


class _Column:
    """The widgets of one plan column."""

    def __init__(self, dash: Dashboard, uid: int):
        self.dash, self.uid = dash, uid
        lang = dash.session.lang
        slot = dash._slot_of(uid)
        self.name = w.Text(
            value=slot.name,
            description=text("plan_name", lang),
            continuous_update=False,
            style=_LABEL_WIDTH,
            layout={"width": "100%"},
        )
        self.name.add_class("rp-field-name")
        self.name.observe(functools.partial(dash._on_name, uid), names="value")
        self.name_error = self._error("name")
        self.title = w.HTML()
        self.title.add_class("rp-plan-desc")
        self.warning = w.HTML()
        self.warning.add_class("rp-plan-warning")
        self.controls: dict[str, w.Widget] = {}
        self.errors: dict[str, w.HTML] = {}
        rows: list[w.Widget] = []
        more_rows: list[w.Widget] = []
        for option, kind, choices in PLAN_OPTIONS:
            target = rows if option in UP_FRONT else more_rows
            value = slot.texts.get(option)
            if kind == "choice":
                c = w.Dropdown(
                    options=_choice_options(option, choices, lang),
                    value=getattr(slot.plan, option),
                    description=text(f"opt_{option}", lang),
                    style=_LABEL_WIDTH,
                    layout={"width": "100%"},
                )
            elif kind == "bool":
                c = w.Checkbox(
                    value=bool(value), description=text(f"opt_{option}", lang), indent=False
                )
            else:
                c = w.Text(
                    value=str(value),
                    description=text(f"opt_{option}", lang),
                    continuous_update=False,
                    style=_LABEL_WIDTH,
                    layout={"width": "100%"},
                )
            c.add_class(f"rp-field-{option}")
            c.tooltip = _hint(option, lang)
            if option == "annual_rate":
                c.placeholder = text("hint_annual_rate", lang)
            c.observe(functools.partial(dash._on_option, uid, option), names="value")
            self.controls[option] = c
            self.errors[option] = self._error(option)
            if option == "seasonal":
                follow = w.Button(description=text("from_cash", lang), layout={"width": "auto"})
                follow.add_class("rp-follow-cash")
                follow.on_click(functools.partial(dash._on_follow_cash, uid))
                self.follow = follow
                target.append(w.VBox([c, follow, self.errors[option]]))
            else:
                target.append(w.VBox([c, self.errors[option]]))
        # the terms that matter up front; the rest behind "more"
        self.more = w.Accordion(
            children=[w.VBox(more_rows)], selected_index=None, titles=(text("more", lang),)
        )
        self.more.add_class("rp-more")
        self.duplicate = w.Button(
            description="", tooltip=text("duplicate", lang), icon="copy", layout={"width": "auto"}
        )
        self.duplicate.add_class("rp-duplicate")
        self.duplicate.on_click(functools.partial(dash._on_duplicate, uid))
        self.remove = w.Button(
            description="", tooltip=text("remove", lang), icon="trash", layout={"width": "auto"}
        )
        self.remove.add_class("rp-remove")
        self.remove.on_click(functools.partial(dash._on_remove, uid))
        self.accept = w.ToggleButton(
            value=slot.accepted,
            description=text("accept", lang),
            icon="check",
            layout={"width": "auto"},
        )
        self.accept.add_class("rp-accept")
        self.accept.observe(functools.partial(dash._on_accept, uid), names="value")
        self.findings = w.HTML()
        self.findings.add_class("rp-findings")
        self.explanation = w.HTML()
        self.explanation.add_class("rp-explanation")
        self.box = w.VBox(
            [
                self.name,
                self.name_error,
                self.title,
                self.warning,
                *rows,
                self.more,
                w.HBox(
                    [self.duplicate, self.remove, self.accept], layout={"flex_flow": "row wrap"}
                ),
                self.findings,
                self.explanation,
            ],
            layout={"width": "200px", "min_width": "190px"},
        )
        self.box.add_class("rp-plan-col")
        self.refresh()

    @staticmethod
    def _error(option: str) -> w.HTML:
        h = w.HTML()
        h.add_class("rp-error")
        h.add_class(f"rp-error-{option}")
        return h

    def refresh(self) -> None:
        """Show the slot's state: typed texts, messages, description, findings."""
        dash = self.dash
        slot = dash._slot_of(self.uid)
        lang = dash.session.lang
        index = dash.session.slots.index(slot)
        color = COLORS[index % len(COLORS)]
        with dash._mute():
            if self.name.value != slot.texts.get("name", slot.name):
                self.name.value = slot.texts.get("name", slot.name)
            for option, kind, _ in PLAN_OPTIONS:
                c = self.controls[option]
                want = getattr(slot.plan, option) if kind == "choice" else slot.texts.get(option)
                if kind == "bool":
                    want = bool(want)
                elif kind != "choice":
                    want = str(want)
                if c.value != want:
                    c.value = want
                self.errors[option].value = _message(slot.errors.get(option))
            self.name_error.value = _message(slot.errors.get("name"))
            self.accept.value = slot.accepted
            self.accept.description = text("accepted" if slot.accepted else "accept", lang)
            self.accept.button_style = "success" if slot.accepted else ""
        desc = html.escape(slot.plan.describe(lang))
        self.title.value = (
            f"<div class='rp-desc' title='{desc}' style='border-left:6px solid {color};"
            f"padding-left:6px'>{desc}</div>"
        )
        bad = [o for o in slot.errors if o != "name"]
        self.warning.value = _message(text("not_updated", lang)) if bad else ""
        why = html.escape(slot.explanation)
        self.explanation.value = (
            f"<div class='rp-why' title='{why}'><b>{html.escape(text('suggested_because', lang))}:"
            f"</b> {why}</div>"
            if slot.explanation
            else ""
        )

    def show_findings(self, findings) -> None:
        lang = self.dash.session.lang
        if not findings:
            self.findings.value = ""
            return

        def items(fs):
            return "".join(
                f"<li class='rp-finding-{html.escape(f.severity)}'>"
                f"[{html.escape(_severity(f.severity, lang))}] "
                f"{html.escape(f.message)}</li>"
                for f in fs
            )

        serious = [f for f in findings if f.severity in ("error", "warning")]
        info = [f for f in findings if f.severity not in ("error", "warning")]
        head = f"{html.escape(text('findings', lang))} ({len(findings)})"
        out = f"<b>{head}</b><ul>{items(serious)}</ul>" if serious else ""
        if info:
            out += (
                f"<details><summary>{'' if serious else head + ': '}{_severity('info', lang)} ({len(info)})</summary>"
                f"<ul>{items(info)}</ul></details>"
            )
        self.findings.value = out

    def relabel(self, lang: str) -> None:
        with self.dash._mute():
            self.name.description = text("plan_name", lang)
            for option, kind, choices in PLAN_OPTIONS:
                c = self.controls[option]
                c.description = text(f"opt_{option}", lang)
                c.tooltip = _hint(option, lang)
                if option == "annual_rate":
                    c.placeholder = text("hint_annual_rate", lang)
                if kind == "choice":
                    value = c.value
                    c.options = _choice_options(option, choices, lang)
                    c.value = value
            self.follow.description = text("from_cash", lang)
            self.more.titles = (text("more", lang),)
            self.duplicate.tooltip = text("duplicate", lang)
            self.remove.tooltip = text("remove", lang)
        self.refresh()


def _message(msg: str | None) -> str:
    return f"<span>{html.escape(msg)}</span>" if msg else ""


def _safe_filename(name: str) -> str:
    """A file name from text: path separators and characters Windows refuses replaced by ``_``."""
    out = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return out or "plan"


def _in_chinese(text: str) -> bool:
    """Whether a text has Chinese characters (a case title may be written in either language)."""
    return any("\u4e00" <= c <= "\u9fff" for c in text)


class Dashboard:
    """A live side-by-side negotiation dashboard on a case.

    Parameters
    ----------
    case : repayplan.case.Case
        The case: claim, cash flow, creditor, candidate plans (see :meth:`from_file`).
    plans : sequence of str or Plan, optional
        The plans put on the table first (default the case's, at most four).
    lang : {"en", "zh"}
        Language of every label, table header and chart caption (switchable).
    clock : callable, optional
        The clock of the meeting record (default ``datetime.now``).

    Attributes
    ----------
    session : Session
        The state (plans, typed values, meeting record); everything the dashboard shows.
    widget : ipywidgets.VBox
        The dashboard (displaying the Dashboard displays it).
    charts : LiveCharts
        The bqplot figures.

    Examples
    --------
    >>> from repayplan.case import Case
    >>> dash = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
    >>> dash.columns[0].controls["term"].value = "48"          # what typing 48 does
    >>> int(dash.session.view.comparison.table.loc["term", "Bank proposal"])
    48
    >>> dash.columns[0].controls["term"].value = "forty"
    >>> print(dash.columns[0].errors["term"].value)
    <span>Term (months): forty is not accepted; it must be a whole number from 1 to 1200.</span>
    """

    def __init__(self, case, plans=None, *, lang: str = "en", clock=None):
        self.session = Session(case, plans, lang=check_choice("lang", lang, LANGS), clock=clock)
        self._muted = 0
        self.columns: list[_Column] = []
        self.last_seconds = 0.0
        self.on_update: list = []  # called with the dashboard after each update (the register's autosave)
        self._build()
        self.update()

    @classmethod
    def from_file(cls, path, **kwargs) -> Dashboard:
        """A dashboard on the case file at ``path`` (TOML or JSON, :meth:`repayplan.case.Case.load`).

        Keywords are those of :class:`Dashboard` (``plans``, ``lang``, ``clock``).

        >>> import pathlib, tempfile
        >>> from repayplan.case import Case
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "huadong.toml"
        ...     Case.sample().save(path)
        ...     dash = Dashboard.from_file(path, plans=["Bank proposal", "Settlement"], lang="zh")
        >>> dash.session.names, dash.session.lang
        (['Bank proposal', 'Settlement'], 'zh')
        """
        from ..case import Case

        return cls(Case.load(path), **kwargs)

    # -- display -------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):  # IPython < 8 and nbclient without mimebundle support
        from IPython.display import display

        display(self.widget)

    @contextlib.contextmanager
    def _mute(self):
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def _slot_of(self, uid: int):
        for s in self.session.slots:
            if s.uid == uid:
                return s
        raise LookupError(uid)

    def _index_of(self, uid: int) -> int:
        return [s.uid for s in self.session.slots].index(uid)

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        s = self.session
        lang = s.lang
        self.style = w.HTML(_STYLE)
        self.header = w.HTML()
        self.header.add_class("rp-header")
        self.lang = w.ToggleButtons(options=[("English", "en"), ("中文", "zh")], value=lang)
        self.lang.add_class("rp-lang")
        self.lang.observe(self._on_lang, names="value")
        self.guide = w.HTML()  # how the meeting runs (the notebook's own text), in either language
        self.guide.add_class("rp-guide")
        self.status = w.HTML(text("status_ready", lang))
        self.status.add_class("rp-status")
        self.plans_title = w.HTML()
        self.plans_box = w.HBox(layout={"flex_flow": "row wrap"})
        self.plans_box.add_class("rp-plans")
        self.add_button = w.Button(
            description=text("add_plan", lang),
            icon="plus",
            layout={"width": "auto", "height": "24px", "margin": "0 0 0 16px"},
        )
        self.add_button.add_class("rp-add-plan")
        self.add_button.on_click(self._on_add)
        self.plans_message = w.HTML()
        self.plans_message.add_class("rp-error")
        # suggest
        cons = getattr(getattr(s.case, "negotiation", None), "constraints", None)
        objective = getattr(getattr(s.case, "negotiation", None), "objective", "nash")
        objective = objective if objective in ("nash", "creditor", "borrower") else "nash"
        self.objective = w.Dropdown(
            options=self._objective_options(lang),
            value=objective,
            description=text("objective", lang),
        )
        self.objective.add_class("rp-objective")
        self.cons_texts = {}
        self.cons_errors = {}
        for key in ("min_dscr", "max_default_probability", "max_term"):
            value = (
                getattr(cons, key, None)
                if cons is not None
                else (1.2 if key == "min_dscr" else None)
            )
            t = w.Text(
                value=str(option_text(value)),
                description=text(key, lang),
                continuous_update=False,
                style={"description_width": "initial"},
                layout={"width": "auto", "margin": "2px 12px 2px 0"},
            )
            t.add_class(f"rp-cons-{key}")
            self.cons_texts[key] = t
            self.cons_errors[key] = _Column._error(f"cons-{key}")
        self.suggest_button = w.Button(
            description=text("suggest", lang), icon="magic", button_style="primary"
        )
        self.suggest_button.add_class("rp-suggest")
        self.suggest_button.on_click(self._on_suggest)
        self.progress = w.IntProgress(value=0, min=0, max=1, layout={"width": "200px"})
        self.progress.add_class("rp-progress")
        self.suggest_message = w.HTML()
        self.suggest_message.add_class("rp-suggest-msg")
        self.suggestions_box = w.VBox()
        self.suggestions_box.add_class("rp-suggestions")
        suggest_bar = w.VBox(
            [
                w.HBox(
                    [self.objective, *self.cons_texts.values(), self.suggest_button, self.progress],
                    layout={"flex_flow": "row wrap", "align_items": "center"},
                ),
                w.HBox(list(self.cons_errors.values())),
                self.suggest_message,
                self.suggestions_box,
            ]
        )
        suggest_bar.add_class("rp-suggest-bar")
        # comparison and charts
        self.compare_title = w.HTML()
        self.compare = w.HTML()
        self.compare.add_class("rp-compare")
        self.charts_title = w.HTML()
        self.charts = LiveCharts()
        # borrower and creditor
        self.cash_source = w.Dropdown(
            options=self._source_options(lang),
            value=s.cash_source,
            description=text("cash_source", lang),
        )
        self.cash_source.add_class("rp-cash-source")
        self.cash_source.observe(self._on_cash_source, names="value")
        self.cash_source_error = _Column._error("cash-source")
        self.upload = w.FileUpload(
            accept=".csv",
            multiple=False,
            description=text("upload_csv", lang),
            layout={"width": "auto"},
        )
        self.upload.add_class("rp-upload")
        self.upload.observe(self._on_upload, names="value")
        self.upload_error = _Column._error("upload")
        self.cash_info = w.HTML()
        # the borrower's own history (a statement or monthly figures) and its forecast
        self.upload_history = w.FileUpload(
            accept=".csv,.xlsx",
            multiple=False,
            description=text("upload_history", lang),
            layout={"width": "auto"},
        )
        self.upload_history.add_class("rp-upload-history")
        self.upload_history.observe(self._on_upload_history, names="value")
        self.forecast_model = w.Dropdown(
            options=self._model_options(lang),
            value=s.forecast_model,
            description=text("forecast_model", lang),
        )
        self.forecast_model.add_class("rp-forecast-model")
        self.forecast_model.observe(self._on_forecast_model, names="value")
        self.backtest_button = w.Button(
            description=text("backtest", lang), layout={"width": "auto"}
        )
        self.backtest_button.add_class("rp-backtest")
        self.backtest_button.on_click(self._on_backtest)
        self.own_accounts = w.Text(
            description=text("own_accounts", lang),
            layout={"width": "48%"},
            style={"description_width": "initial"},
        )
        self.own_accounts.add_class("rp-own-accounts")
        self.loan_proceeds = w.Text(
            description=text("loan_proceeds", lang),
            layout={"width": "48%"},
            style={"description_width": "initial"},
        )
        self.loan_proceeds.add_class("rp-loan-proceeds")
        self.forecast_error = _Column._error("forecast")
        self.forecast_info = w.HTML()
        self.forecast_info.add_class("rp-forecast-info")
        self.forecast_chart = w.Image(
            format="png", layout={"width": "100%", "max_width": "720px", "display": "none"}
        )
        self.forecast_chart.add_class("rp-forecast-chart")
        self._forecast_drawn: object = None  # the cash flow last drawn (compared by identity)
        forecast_rows = [
            w.HBox(
                [self.upload_history, self.forecast_model, self.backtest_button],
                layout={"flex_flow": "row wrap", "align_items": "center"},
            ),
            w.HBox([self.own_accounts, self.loan_proceeds]),
            self.forecast_error,
            self.forecast_info,
            self.forecast_chart,
        ]
        self.cash_controls, self.cash_errors, cash_rows = self._text_fields(
            CASH_FIELDS, s.cash_texts, "cash", "cf", self._on_cash, lang, areas=("shocks",)
        )
        self.creditor_controls, self.creditor_errors, creditor_rows = self._text_fields(
            CREDITOR_FIELDS, s.creditor_texts, "creditor", "cr", self._on_creditor, lang
        )
        self.borrower_controls, self.borrower_errors, borrower_rows = self._text_fields(
            BORROWER_FIELDS, s.borrower_texts, "borrower", "bs", self._on_borrower, lang
        )
        creditor_rows += borrower_rows
        self.creditor_title = w.HTML()
        # the security behind the creditor's alternative: editable, its waterfall and distribution
        self.security_controls, self.security_errors, security_rows = self._text_fields(
            SECURITY_FIELDS,
            s.security_texts,
            "security",
            "sec",
            self._on_security,
            lang,
            areas=("collateral", "guarantees"),
        )
        self.security_title = w.HTML()
        self.waterfall = w.HTML()
        self.waterfall.add_class("rp-waterfall")
        self.recovery_chart = w.Image(format="png", layout={"width": "100%", "max_width": "520px"})
        self.recovery_chart.add_class("rp-recovery-chart")
        creditor_rows += [self.security_title, *security_rows, self.waterfall, self.recovery_chart]
        settings = w.HBox(
            [
                w.VBox(
                    [
                        w.HBox([self.cash_source, self.upload]),
                        self.cash_source_error,
                        self.upload_error,
                        self.cash_info,
                        *forecast_rows,
                        *cash_rows,
                    ],
                    layout={"width": "55%"},
                ),
                w.VBox([self.creditor_title, *creditor_rows], layout={"width": "45%"}),
            ]
        )
        # export
        self.export_plan = w.Dropdown(
            options=s.names,
            value=s.names[0],
            description=text("export_plan", lang),
            style={"description_width": "initial"},
        )
        self.export_plan.add_class("rp-export-plan")
        self.export_format = w.Dropdown(
            options=list(_ANNEX_FORMATS),
            value="xlsx",
            description=text("export_format", lang),
            style={"description_width": "initial"},
        )
        self.export_format.add_class("rp-export-format")
        self.export_lang = w.Dropdown(
            options=[("English", "en"), ("中文", "zh")],
            value=lang,
            description=text("export_lang", lang),
            style={"description_width": "initial"},
        )
        self.export_lang.add_class("rp-export-lang")
        self.minutes_format = w.Dropdown(
            options=["md", "html", "csv"],
            value="md",
            description=text("minutes_format", lang),
            style={"description_width": "initial"},
        )
        self.minutes_format.add_class("rp-minutes-format")
        self.prepare = w.Button(
            description=text("prepare", lang), icon="download", layout={"width": "auto"}
        )
        self.prepare.add_class("rp-prepare")
        self.prepare.on_click(self._on_prepare)
        self.downloads = w.HTML()
        self.downloads.add_class("rp-downloads")
        # the borrower's one-page comparison of the plans on the table (repayplan.report.comparison_sheet)
        self.sheet_format = w.Dropdown(
            options=["pdf", "xlsx"],
            value="pdf",
            description=text("sheet_format", lang),
            style={"description_width": "initial"},
            layout={"width": "auto"},
        )
        self.sheet_format.add_class("rp-sheet-format")
        self.sheet_button = w.Button(
            description=text("sheet", lang), icon="file", layout={"width": "auto"}
        )
        self.sheet_button.add_class("rp-sheet")
        self.sheet_button.on_click(self._on_sheet)
        self.sheet_link = w.HTML()
        self.sheet_link.add_class("rp-sheet-link")
        export = w.VBox(
            [
                w.HBox([self.export_plan, self.export_format, self.export_lang]),
                w.HBox([self.minutes_format, self.prepare]),
                self.downloads,
                w.HBox([self.sheet_format, self.sheet_button]),
                self.sheet_link,
            ]
        )
        # minutes
        self.minutes = w.HTML()
        self.minutes.add_class("rp-minutes")
        self.tabs = w.Tab(children=[settings, export, w.VBox([self.minutes])])
        self.tabs.add_class("rp-tabs")
        # the cards and, beneath them, the key chart: as wide as the cards (_rebuild_columns)
        self.left_column = w.VBox(
            [
                w.HBox(
                    [self.plans_title, self.add_button, self.plans_message],
                    layout={"align_items": "center"},
                ),
                self.plans_box,
                self.charts.key,
            ],
            layout={"flex": "0 0 auto"},
        )
        self.left_column.add_class("rp-left")
        self.widget = w.VBox(
            [
                self.style,
                # one line: the case, the status, the guide and the language
                w.HBox(
                    [self.header, self.lang],
                    layout={
                        "justify_content": "space-between",
                        "width": "100%",
                        "align_items": "center",
                    },
                ),
                w.HBox(
                    [self.status, self.guide], layout={"width": "100%", "align_items": "flex-start"}
                ),
                # one screen for the meeting: the plan cards with the key chart beneath them, and
                # the comparison beside them
                w.HBox(
                    [
                        self.left_column,
                        w.VBox(
                            [self.compare_title, self.compare],
                            layout={"flex": "1 1 480px", "min_width": "420px"},
                        ),
                    ],
                    layout={"width": "100%", "align_items": "flex-start"},
                ),
                suggest_bar,
                self.charts_title,
                self.charts.others,
                self.tabs,
            ],
            layout={"width": "100%"},
        )
        self.widget.add_class("rp-dashboard")
        self._rebuild_columns()
        self._relabel_static()

    def _objective_options(self, lang):
        return [(text(f"obj_{o}", lang), o) for o in ("nash", "creditor", "borrower")]

    def _model_options(self, lang):
        return [(text(f"fm_{m}", lang), m) for m in self.session.FORECAST_MODELS]

    def _source_options(self, lang):
        return [
            (text("source_projection", lang), "projection"),
            (text("source_data", lang), "data"),
        ]

    def _rebuild_columns(self) -> None:
        self.columns = [_Column(self, slot.uid) for slot in self.session.slots]
        narrow = len(self.columns) >= 4  # four cards leave the comparison room beside them
        card = 172 if narrow else 200
        for c in self.columns:
            c.box.layout.width = c.box.layout.min_width = f"{card}px"
            if narrow:  # the labels keep their words: a wider label, a smaller font
                for control in [c.name, *c.controls.values()]:
                    if hasattr(control.style, "description_width"):
                        control.style.description_width = "58%"
        for box in (self.plans_box, self.compare):
            (box.add_class if narrow else box.remove_class)("rp-narrow")
        if hasattr(self, "left_column"):
            self.left_column.layout.width = f"{max(len(self.columns), 3) * (card + 8) + 8}px"
        self.plans_box.children = [c.box for c in self.columns]
        full = len(self.session.slots) >= self.session.MAX_PLANS
        self.add_button.disabled = full
        for c in self.columns:
            c.duplicate.disabled = full
            c.remove.disabled = len(self.session.slots) <= self.session.MIN_PLANS

    def _relabel_static(self) -> None:
        s, lang = self.session, self.session.lang
        case = s.case
        u = case.claim.minor_units
        creditor = case.creditor_party
        assert creditor is not None, "Case.__post_init__ sets creditor_party"
        claim_line = text(
            "claim_line",
            lang,
            borrower=case.borrower.name,
            creditor=creditor.name,
            total=f"{case.claim.total:,.{u}f}",
            currency=case.claim.currency,
            as_of=case.claim.as_of.isoformat(),
        )
        title = case.title or text("plans", lang)
        if lang == "zh" and not _in_chinese(title):  # an English title
            title = text("title_zh", lang, title=title, borrower=case.borrower.name)
        self.header.value = (
            f"<div class='rp-title'><b>{html.escape(title)}</b> "
            f"<span class='rp-claim-line'>{html.escape(claim_line)}</span></div>"
        )
        self.guide.value = (
            f"<details class='rp-guide-details'><summary>{html.escape(text('guide_head', lang))}"
            f"</summary>{text('guide', lang)}</details>"
        )
        self.plans_title.value = f"<div class='rp-section'>{html.escape(text('plans', lang))}</div>"
        self.compare_title.value = (
            f"<div class='rp-section'>{html.escape(text('comparison', lang))}</div>"
        )
        self.charts_title.value = (
            f"<div class='rp-section'>{html.escape(text('charts', lang))}</div>"
        )
        self.creditor_title.value = f"<b>{html.escape(text('creditor', lang))}</b>"
        self.security_title.value = f"<b>{html.escape(text('security', lang))}</b>"
        for key, c in self.security_controls.items():
            c.description = text(f"sec_{key}", lang)
        self.add_button.description = text("add_plan", lang)
        with self._mute():
            self.objective.options = self._objective_options(lang)
            self.objective.value = self.objective.value or "nash"
            value = self.cash_source.value
            self.cash_source.options = self._source_options(lang)
            self.cash_source.value = value
        self.objective.description = text("objective", lang)
        for key, t in self.cons_texts.items():
            t.description = text(key, lang)
        self.suggest_button.description = text("suggest", lang)
        self.cash_source.description = text("cash_source", lang)
        self.upload.description = text("upload_csv", lang)
        self.upload_history.description = text("upload_history", lang)
        self.backtest_button.description = text("backtest", lang)
        self.own_accounts.description = text("own_accounts", lang)
        self.loan_proceeds.description = text("loan_proceeds", lang)
        self.forecast_model.description = text("forecast_model", lang)
        with self._mute():
            model = self.forecast_model.value
            self.forecast_model.options = self._model_options(lang)
            self.forecast_model.value = model
        self._forecast_drawn = None  # the chart's labels change with the language
        for key, c in self.cash_controls.items():
            c.description = text(f"cf_{key}", lang)
        for key, c in self.creditor_controls.items():
            c.description = text(f"cr_{key}", lang)
        for key, c in self.borrower_controls.items():
            c.description = text(f"bs_{key}", lang)
        self.export_plan.description = text("export_plan", lang)
        self.export_format.description = text("export_format", lang)
        self.export_lang.description = text("export_lang", lang)
        self.minutes_format.description = text("minutes_format", lang)
        self.prepare.description = text("prepare", lang)
        self.sheet_format.description = text("sheet_format", lang)
        self.sheet_button.description = text("sheet", lang)
        self.tabs.titles = (
            text("borrower", lang) + " / " + text("creditor", lang),
            text("export", lang),
            text("minutes", lang),
        )

    # -- refresh -------------------------------------------------------------------------
    def update(self) -> None:
        """Re-evaluate the plans and redraw the comparison, the charts and the record.

        The controls call it; a script that changes :attr:`session` calls it to show the
        change.

        >>> from repayplan.case import Case
        >>> dash = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> _ = dash.session.set_option(0, "term", "60")
        >>> dash.update()
        >>> int(dash.session.view.comparison.table.loc["term", "Bank proposal"])
        60
        >>> dash.last_seconds < 5
        True
        """
        t0 = time.perf_counter()
        s = self.session
        view = s.refresh()
        lang = s.lang
        self.compare.value = comparison_html(view.comparison, lang, s.previous())
        for col, findings in zip(self.columns, view.findings, strict=True):
            col.refresh()
            col.show_findings(findings)
        self.charts.update(view.charts, lang)
        self.minutes.value = (
            s.minutes_text("html", lang=lang)
            if s.case.cashflow.provenance
            else s.minutes.render("html", lang=lang, title=s.case.title)
        )
        with self._mute():
            current = self.export_plan.value
            self.export_plan.options = s.names
            self.export_plan.value = current if current in s.names else s.names[0]
        self._show_side_errors()
        self._show_enforcement()
        self.last_seconds = time.perf_counter() - t0
        self.status.value = html.escape(text("updated_in", lang, ms=self.last_seconds * 1000))
        for hook in self.on_update:
            hook(self)

    def _show_enforcement(self) -> None:
        """The creditor tab's waterfall table and recovery chart (empty for the quick form)."""
        from .charts import recovery_png

        s, lang = self.session, self.session.lang
        with self._mute():  # the quick-form fields show the summary of the path
            for k, c in self.creditor_controls.items():
                if c.value != s.creditor_texts[k] and ("creditor", k) not in s.errors:
                    c.value = s.creditor_texts[k]
        view = s.enforcement_view()
        key = (
            None
            if view is None
            else (id(s.case.creditor.enforcement), s.case.creditor.discount_rate, lang)
        )
        if key == getattr(self, "_enforcement_key", "none"):
            return
        self._enforcement_key = key
        if view is None:
            self.waterfall.value = ""
            self.recovery_chart.layout.display = "none"
            return
        cols = ["proceeds", "prior_claims", "execution_fee", "to_creditor", "cash"]
        head = "".join(f"<th>{html.escape(text('wf_' + c, lang))}</th>" for c in ["source", *cols])
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(_source_name(str(name), lang))}</th>"
            + "".join(f"<td style='text-align:right'>{format_number(row[c])}</td>" for c in cols)
            + "</tr>"
            for name, row in view["waterfall"].iterrows()
        )
        value = html.escape(
            text("wf_value", lang, value=f"{format_number(view['value'])} {view['currency']}")
        )
        self.waterfall.value = (
            f"<b>{html.escape(text('waterfall', lang))}</b><div>{value}</div>"
            f"<table class='rp-waterfall-table'><tr>{head}</tr>{body}</table>"
        )
        self.recovery_chart.value = recovery_png(
            view["distribution"], view["value"], view["currency"], lang
        )
        self.recovery_chart.layout.display = None

    def _show_side_errors(self) -> None:
        s = self.session
        for key, h in self.cash_errors.items():
            h.value = _message(s.errors.get(("cash", key)))
        for key, h in self.creditor_errors.items():
            h.value = _message(s.errors.get(("creditor", key)))
        for key, h in self.borrower_errors.items():
            h.value = _message(s.errors.get(("borrower", key)))
        for key, h in self.security_errors.items():
            h.value = _message(s.errors.get(("security", key)))
        self.cash_source_error.value = _message(s.errors.get(("cash", "source")))
        self.upload_error.value = _message(s.errors.get(("cash", "upload")))
        cf = s.case.cashflow
        self.cash_info.value = (
            html.escape(
                text("cash_from_data", s.lang, n=cf.n_scenarios, m=cf.months, start=str(cf.start))
            )
            if s.cash_source == "data"
            else ""
        )
        self._show_forecast()
        with self._mute():
            self.cash_source.value = s.cash_source

    def _fail(self, error: Exception) -> None:
        kind = type(error).__name__
        self.status.value = _message(
            text("internal_error", self.session.lang, kind=kind, msg=str(error))
        )

    # -- callbacks: plans ----------------------------------------------------------------------
    @_guarded
    def _on_option(self, uid: int, option: str, change) -> None:
        i = self._index_of(uid)
        msg = self.session.set_option(i, option, change["new"])
        if msg is None:
            self.update()
        else:
            self.columns[i].refresh()

    @_guarded
    def _on_name(self, uid: int, change) -> None:
        i = self._index_of(uid)
        msg = self.session.set_name(i, change["new"])
        if msg is None:
            self.update()
        else:
            self.columns[i].refresh()

    @_guarded
    def _on_follow_cash(self, uid: int, _button=None) -> None:
        from ..negotiate import seasonal_weights

        i = self._index_of(uid)
        weights = seasonal_weights(self.session.case.cashflow)
        if weights is None:
            slot = self.session.slots[i]
            slot.errors["seasonal"] = str(
                InputError(
                    "seasonal",
                    "follow cash",
                    "a borrower's cash flow with a seasonal swing of 10% or more",
                )
            )
            self.columns[i].refresh()
            return
        self.columns[i].controls["seasonal"].value = option_text(weights)

    @_guarded
    def _on_duplicate(self, uid: int, _button=None) -> None:
        self._structural(lambda: self.session.duplicate(self._index_of(uid)))

    @_guarded
    def _on_remove(self, uid: int, _button=None) -> None:
        self._structural(lambda: self.session.remove(self._index_of(uid)))

    @_guarded
    def _on_add(self, _button=None) -> None:
        self._structural(lambda: self.session.add())

    def _structural(self, change) -> None:
        try:
            change()
        except InputError as e:
            self.plans_message.value = _message(str(e))
            return
        self.plans_message.value = ""
        self._rebuild_columns()
        self.update()

    @_guarded
    def _on_accept(self, uid: int, change) -> None:
        self.session.accept(self._index_of(uid), bool(change["new"]))
        for col in self.columns:
            col.refresh()
        s = self.session
        self.minutes.value = (
            s.minutes_text("html", lang=s.lang)
            if s.case.cashflow.provenance
            else s.minutes.render("html", lang=s.lang, title=s.case.title)
        )
        accepted = s.accepted
        if accepted is not None:
            with self._mute():
                self.export_plan.value = accepted.name
        for hook in self.on_update:  # the register keeps the acceptance at once
            hook(self)

    def restore_accepted(self, name: str) -> bool:
        """Show the plan ``name`` accepted, as saved (:meth:`Session.restore_accepted`).

        >>> from repayplan.case import Case
        >>> dash = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> dash.restore_accepted("Seasonal 48"), dash.columns[1].accept.value, dash.export_plan.value
        (True, True, 'Seasonal 48')
        """
        if not self.session.restore_accepted(name):
            return False
        for col in self.columns:
            col.refresh()
        with self._mute():
            self.export_plan.value = name
        return True

    @_guarded
    def _on_lang(self, change) -> None:
        self.session.set_lang(change["new"])
        with self._mute():  # the exports follow the interface language
            self.export_lang.value = change["new"]
            # the key=value boxes with their keys in the new language
            for key, c in self.security_controls.items():
                c.value = self.session.security_texts[key]
            self.cash_controls["shocks"].value = self.session.cash_texts["shocks"]
        self._relabel_static()
        for col in self.columns:
            col.relabel(change["new"])
        self.charts.relabel(change["new"])
        if self.session.negotiation is not None:  # the waiting suggestions and their reasons too
            self._show_suggest_message()
            self._show_suggestions()
        self.update()

    # -- callbacks: suggest ----------------------------------------------------------------
    def _constraints(self):
        from ..negotiate import Constraints

        base = (
            getattr(getattr(self.session.case, "negotiation", None), "constraints", None)
            or Constraints()
        )
        values, ok = {}, True
        for key, t in self.cons_texts.items():
            raw = t.value.strip()
            values[key] = (
                None if raw == "" else (int(raw) if key == "max_term" and raw.isdigit() else raw)
            )
        try:
            cons = base.replace(**values)
        except InputError as e:
            ok = False
            for key, h in self.cons_errors.items():
                h.value = _message(str(e)) if e.field == key else ""
            return None, ok
        for h in self.cons_errors.values():
            h.value = ""
        return cons, ok

    @_guarded
    def _on_suggest(self, _button=None) -> None:
        s = self.session
        cons, ok = self._constraints()
        if not ok:
            return
        self.suggest_button.disabled = True
        self.progress.value = 0
        self.suggest_message.value = html.escape(text("suggest_running", s.lang))

        def progress(done, total):
            self.progress.max = max(int(total), 1)
            self.progress.value = int(done)

        try:
            added = s.suggest(objective=self.objective.value, constraints=cons, progress=progress)
        except (InfeasibleError, InputError) as e:
            self.suggest_message.value = _message(str(e))
            return
        finally:
            self.suggest_button.disabled = False
        negotiation = s.negotiation
        assert negotiation is not None, "Session.suggest sets the negotiation"
        self._suggested = (len(added), len(negotiation.evaluated))
        self._show_suggest_message()
        self._show_suggestions()
        self._rebuild_columns()
        self.update()

    def _show_suggest_message(self) -> None:
        """What the last search did, in the interface language."""
        s = self.session
        done = getattr(self, "_suggested", None)
        if done is None:
            return
        msg = text("suggest_done", s.lang, n=done[0], m=done[1])
        if s.suggestions and len(s.slots) >= s.MAX_PLANS:
            msg += " " + text("suggest_no_room", s.lang)
        self.suggest_message.value = html.escape(msg)

    def _show_suggestions(self) -> None:
        """The waiting suggestions: "Add" while a column is free, else "Replace" a chosen column;
        then why the search ranks them as it does."""
        s = self.session
        rows = []
        full = len(s.slots) >= s.MAX_PLANS
        for k, slot in enumerate(s.suggestions):
            why = w.HTML(f"<b>{html.escape(slot.name)}</b>: {html.escape(slot.explanation)}")
            if full:
                which = w.Dropdown(
                    options=[(n, i) for i, n in enumerate(s.names)],
                    value=len(s.slots) - 1,
                    description=text("replace_which", s.lang),
                    layout={"width": "220px"},
                )
                which.add_class("rp-replace-which")
                b = w.Button(
                    description=text("replace_suggestion", s.lang), layout={"min_width": "80px"}
                )
                b.add_class("rp-replace-suggestion")
                b.on_click(functools.partial(self._on_replace_suggestion, k, which))
                rows.append(w.HBox([which, b, why]))
            else:
                b = w.Button(
                    description=text("add_suggestion", s.lang), layout={"min_width": "80px"}
                )
                b.add_class("rp-add-suggestion")
                b.on_click(functools.partial(self._on_add_suggestion, k))
                rows.append(w.HBox([b, why]))
        ranking = s.ranking()
        if ranking:
            body = "<br>".join(html.escape(line) for line in ranking.splitlines())
            box = w.HTML(
                f"<details class='rp-suggest-ranking'><summary>{html.escape(text('suggest_ranking', s.lang))}"
                f"</summary><div style='font-size:12px'>{body}</div></details>"
            )
            rows.append(box)
        self.suggestions_box.children = rows

    @_guarded
    def _on_add_suggestion(self, k: int, _button=None) -> None:
        self._structural(lambda: self.session.add_suggestion(k))
        self._show_suggestions()

    @_guarded
    def _on_replace_suggestion(self, k: int, which, _button=None) -> None:
        self._structural(lambda: self.session.replace_with_suggestion(k, which.value))
        self._show_suggestions()

    # -- callbacks: borrower and creditor ---------------------------------------------------
    def _side_change(self, result: str | None) -> None:
        if result is None:
            self.update()
        else:
            self._show_side_errors()

    @_guarded
    def _on_cash(self, key: str, change) -> None:
        self._side_change(self.session.set_cash(key, change["new"]))

    @_guarded
    def _on_cash_source(self, change) -> None:
        self._side_change(self.session.set_cash_source(change["new"]))

    @_guarded
    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        self._side_change(
            self.session.upload_cash(bytes(f["content"]), f.get("name", "upload.csv"))
        )

    @_guarded
    def _on_upload_history(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]

        def names(t):
            return [x.strip() for x in re.split(r"[,，;；\n]", t.value) if x.strip()]

        self._side_change(
            self.session.upload_history(
                bytes(f["content"]),
                f.get("name", "history.csv"),
                own_accounts=names(self.own_accounts),
                loan_proceeds=names(self.loan_proceeds),
            )
        )

    @_guarded
    def _on_forecast_model(self, change) -> None:
        self._side_change(self.session.set_forecast_model(change["new"]))

    @_guarded
    def _on_backtest(self, _button=None) -> None:
        self._side_change(self.session.run_backtest())

    def _show_forecast(self) -> None:
        """The forecast's provenance, its backtest figures and its chart (drawn when it changes)."""
        s, lang = self.session, self.session.lang
        errors = [s.errors.get(("cash", k)) for k in ("history", "model", "backtest")]
        self.forecast_error.value = _message(next((e for e in errors if e), None))
        cf = s.case.cashflow
        p = cf.provenance
        parts = []
        if p is not None and s.cash_source == "data":
            listed = [
                x for x in p.lines() if not (s.backtest is not None and x.startswith("Backtest:"))
            ]
            parts.append("<br>".join(html.escape(line) for line in listed))
        bt = s.backtest
        if bt is not None:
            head = html.escape(text("backtest_head", lang, h=bt.horizon, k=len(bt.origins)))
            rows = "".join(
                f"<tr><th style='text-align:left;padding:2px 12px'>{html.escape(text(label, lang))}</th>"
                f"<td style='text-align:right;padding:2px 12px'>{format_percent(cov, 0)}</td>"
                f"<td style='text-align:right;padding:2px 12px'>{format_percent(mape)}</td></tr>"
                for label, cov, mape in (
                    ("bt_model", bt.coverage_90, bt.mape),
                    ("bt_naive", bt.seasonal_naive["coverage_90"], bt.seasonal_naive["mape"]),
                )
            )
            th = "<th style='padding:2px 12px'>"
            parts.append(
                f"<table class='rp-backtest-table'><caption style='text-align:left'>{head}"
                f"</caption><tr>{th}{html.escape(text('bt_forecast', lang))}</th>{th}"
                f"{html.escape(text('bt_coverage', lang))}</th>{th}"
                f"{html.escape(text('bt_mape', lang))}</th></tr>{rows}</table>"
            )
        self.forecast_info.value = "".join(f"<div>{x}</div>" for x in parts)
        with self._mute():
            if self.forecast_model.value != s.forecast_model:
                self.forecast_model.value = s.forecast_model
        shown = cf if (p is not None and p.history and s.cash_source == "data") else None
        if shown is not self._forecast_drawn:
            png = forecast_png(shown, lang) if shown is not None else None
            self.forecast_chart.value = png or b""
            self.forecast_chart.layout.display = None if png else "none"
            self._forecast_drawn = shown

    @staticmethod
    def _text_fields(fields, texts, kind: str, label: str, handler, lang: str, areas=()):
        """One text box (with its error line) per field: controls, errors and rows to lay out.

        Each box carries the CSS class ``rp-{kind}-{key}`` for tests and calls
        ``handler(key, change)`` when its value changes.
        """
        controls, errors, rows = {}, {}, []
        for key, _kind in fields:
            if key in areas:
                c = w.Textarea(
                    value=texts[key],
                    description=text(f"{label}_{key}", lang),
                    continuous_update=False,
                    style={"description_width": "30%"},
                    layout={"width": "100%", "height": "70px"},
                )
            else:
                c = w.Text(
                    value=texts[key],
                    description=text(f"{label}_{key}", lang),
                    continuous_update=False,
                    style=_LABEL_WIDTH,
                    layout={"width": "100%"},
                )
            c.add_class(f"rp-{kind}-{key}")
            c.observe(functools.partial(handler, key), names="value")
            controls[key] = c
            errors[key] = _Column._error(f"{kind}-{key}")
            rows.append(w.VBox([c, errors[key]]))
        return controls, errors, rows

    @_guarded
    def _on_creditor(self, key: str, change) -> None:
        self._side_change(self.session.set_creditor(key, change["new"]))

    @_guarded
    def _on_security(self, key: str, change) -> None:
        self._side_change(self.session.set_security(key, change["new"]))

    @_guarded
    def _on_borrower(self, key: str, change) -> None:
        self._side_change(self.session.set_borrower(key, change["new"]))

    # -- exports ------------------------------------------------------------------------
    def annex(self, plan: str | None = None, format: str = "xlsx", *, lang: str = "en"):
        """The agreement annex of the named plan (default the accepted plan, else the first).

        ``format`` as :func:`repayplan.report.render`: text for ``"html"``, ``"csv"`` and
        ``"md"``, bytes for ``"xlsx"`` and ``"pdf"``.

        >>> from repayplan.case import Case
        >>> dash = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> print(dash.annex(format="csv").splitlines()[0])
        Annex: repayment schedule
        >>> dash.annex("Settlement")
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: plan == 'Settlement', must be the name of a plan on the table: 'Bank proposal', 'Seasonal 48'
        """
        s = self.session
        name = plan or (s.accepted.name if s.accepted is not None else s.names[0])
        if name not in s.names:
            raise InputError(
                "plan", name, "the name of a plan on the table: " + ", ".join(map(repr, s.names))
            )
        return s.annex(s.names.index(name), format, lang=lang)

    def downloads_html(
        self,
        plan: str | None = None,
        format: str = "xlsx",
        *,
        lang: str = "en",
        minutes_format: str = "md",
    ) -> str:
        """Links that download the annex, the minutes and the case file (data URIs).

        >>> import re
        >>> from repayplan.case import Case
        >>> dash = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> re.findall(r'download="([^"]+)"', dash.downloads_html("Seasonal 48", "csv"))
        ['Seasonal 48 annex (en).csv', 'minutes.md', 'case.toml']
        """
        s = self.session
        name = plan or (s.accepted.name if s.accepted is not None else s.names[0])
        data = self.annex(name, format, lang=lang)
        files = [
            ("download_annex", f"{_safe_filename(name)} annex ({lang}).{format}", data, format),
            (
                "download_minutes",
                f"minutes.{minutes_format}",
                s.minutes_text(minutes_format),
                minutes_format,
            ),
            ("download_case", "case.toml", s.case_text("toml"), "toml"),
        ]
        links = []
        for key, fname, content, fmt in files:
            raw = (
                content
                if isinstance(content, bytes)
                else content.encode("utf-8-sig" if fmt == "csv" else "utf-8")
            )
            b64 = base64.b64encode(raw).decode("ascii")
            links.append(
                f"<li><a class='rp-download-{key[9:]}' download=\"{html.escape(fname)}\" "
                f'href="data:{_MIME[fmt]};base64,{b64}">{html.escape(text(key, s.lang))}: '
                f"{html.escape(fname)}</a></li>"
            )
        return "<ul>" + "".join(links) + "</ul>"

    @_guarded
    def _on_prepare(self, _button=None) -> None:
        try:
            self.downloads.value = self.downloads_html(
                self.export_plan.value,
                self.export_format.value,
                lang=self.export_lang.value,
                minutes_format=self.minutes_format.value,
            )
        except RepayplanError as e:  # e.g. no CJK font for a Chinese PDF: say which to install
            self.downloads.value = _message(str(e))

    def comparison_sheet(self, format: str = "pdf", *, lang: str | None = None) -> bytes:
        """The borrower's one-page comparison of the plans on the table
        (:func:`repayplan.report.comparison_sheet`), in ``lang`` (default the interface's),
        feasibility judged under the case's negotiation constraints as the comparison is.

        >>> from repayplan.case import Case
        >>> dash = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> dash.comparison_sheet("xlsx")[:2]
        b'PK'
        """
        from ..report import comparison_sheet

        s = self.session
        case = s.case
        lang = lang or s.lang
        # the case's title when it is in the sheet's language, else the sheet's own heading
        title = case.title if case.title and (lang == "en" or _in_chinese(case.title)) else None
        return comparison_sheet(
            s.plans,
            case.claim,
            case.cashflow,
            case.creditor,
            format=format,
            lang=lang,
            borrower=case.borrower,
            creditor_party=case.creditor_party,
            title=title,
            constraints=case.negotiation.constraints,
        )

    @_guarded
    def _on_sheet(self, _button=None) -> None:
        s = self.session
        fmt = self.sheet_format.value
        try:
            data = self.comparison_sheet(fmt)
        except RepayplanError as e:  # e.g. no CJK font for a Chinese PDF: say which to install
            self.sheet_link.value = _message(str(e))
            return
        fname = f"{text('sheet_file', s.lang)} ({s.lang}).{fmt}"
        b64 = base64.b64encode(data).decode("ascii")
        self.sheet_link.value = (
            f"<a class='rp-download-sheet' download=\"{html.escape(_safe_filename(fname))}\" "
            f'href="data:{_MIME[fmt]};base64,{b64}">{html.escape(text("download_sheet", s.lang))}: '
            f"{html.escape(_safe_filename(fname))}</a>"
        )

    def export(
        self,
        folder,
        *,
        plan: str | None = None,
        format: str = "xlsx",
        lang: str = "en",
        minutes_format: str = "md",
    ) -> dict[str, Path]:
        """Write the annex, the minutes and the case file into ``folder`` (atomically each).

        Returns
        -------
        dict
            ``{"annex": path, "minutes": path, "case": path}``.

        Examples
        --------
        >>> import tempfile
        >>> from repayplan.case import Case
        >>> dash = Dashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     paths = dash.export(folder, plan="Seasonal 48", format="md")
        ...     print({k: p.name for k, p in paths.items()})
        ...     print(Case.load(paths["case"]).plan("Seasonal 48") == dash.session.plans[1])
        {'annex': 'Seasonal 48 annex (en).md', 'minutes': 'minutes.md', 'case': 'case.toml'}
        True
        """
        from .. import report
        from .._io import write_atomic

        folder = Path(folder)
        if not folder.is_dir():
            raise InputError("folder", os.fspath(folder), "an existing folder")
        s = self.session
        name = plan or (s.accepted.name if s.accepted is not None else s.names[0])
        if name not in s.names:
            raise InputError(
                "plan", name, "the name of a plan on the table: " + ", ".join(map(repr, s.names))
            )
        schedule, kw = s.annex_arguments(s.names.index(name), lang)
        annex_path = report.write(
            schedule,
            folder / f"{_safe_filename(name)} annex ({lang}).{format}",
            format=format,
            **kw,
        )
        minutes_path = folder / f"minutes.{minutes_format}"
        write_atomic(str(minutes_path), s.minutes_text(minutes_format))
        case_path = folder / "case.toml"
        s.to_case().save(case_path)
        return {"annex": annex_path, "minutes": minutes_path, "case": case_path}

    def __repr__(self) -> str:
        return f"Dashboard({self.session.case.title or 'case'}: {', '.join(self.session.names)})"


def _severity(severity: str, lang: str) -> str:
    """A finding's severity in the interface language (``"warning"`` -> ``"警告"``).

    >>> _severity("warning", "zh"), _severity("info", "en")
    ('警告', 'info')
    """
    key = f"severity_{severity}"
    return text(key, lang) if key in TEXT else severity


def _source_name(name: str, lang: str) -> str:
    """A row of the enforcement waterfall: the library's own rows in the interface language,
    the collateral's and guarantors' names as the case spells them.

    >>> _source_name("other assets", "zh"), _source_name("total", "zh"), _source_name("Workshop", "zh")
    ('其他财产', '合计', 'Workshop')
    """
    key = {"other assets": "wf_other_assets", "total": "wf_total"}.get(name)
    return text(key, lang) if key else name


def _hint(option: str, lang: str) -> str:
    """The tooltip of a plan option's box: its full label and what it takes.

    >>> _hint("penalty_waiver", "en"), _hint("term", "zh")
    ('Penalty waiver: 0–1 or a percentage (50%)', '期限（月）')
    """
    label = text(f"opt_{option}", lang)
    if option in ("penalty_waiver", "interest_waiver", "haircut", "settlement_discount", "balloon"):
        return label + ("：" if lang == "zh" else ": ") + text("hint_fraction", lang)
    if option == "annual_rate":
        return label + ("：" if lang == "zh" else ": ") + text("hint_annual_rate", lang)
    return label
