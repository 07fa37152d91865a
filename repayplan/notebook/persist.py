"""The dashboard kept in the case register: autosave, restore, case picker, follow-up.

:class:`RegisterDashboard` wraps a :class:`~repayplan.notebook.app.Dashboard`.  After every
change (each :meth:`~repayplan.notebook.app.Dashboard.update`) the session's case (:meth:`~repayplan.notebook.state.Session.to_case`: the
plans as typed, the cash flow and creditor as set, the meeting record) is saved into the
register as a new version when it differs from the last one, with the plans on the table
and the language; the minutes of the meeting are stored with it
(:meth:`repayplan.register.Register.meeting`).  Opening the same case again (a reload, a
closed tab) restores the latest version.  A case picker opens any case of the register; a
second tab lists the agreements due and in arrears (:class:`~repayplan.notebook.followup.FollowUp`).

The register is the one named by ``REPAYPLAN_REGISTER`` (or given); with none configured
the dashboard works as before, without persistence.  ``python -m repayplan.notebook.serve``
sets ``REPAYPLAN_REGISTER`` to the per-user file when it is not set.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import os

import ipywidgets as w

from ..errors import RepayplanError
from ..text import by_language
from .app import Dashboard
from .followup import FollowUp

__all__ = ["RegisterDashboard"]

_TEXT = by_language("persist")  # from the text catalogue, repayplan.text


def _open_register(register):
    """The register to use: the one given, ``REPAYPLAN_REGISTER``, or None (not configured)."""
    if register is not None and not isinstance(register, (str, os.PathLike)):
        return register, None
    url = register if register is not None else os.environ.get("REPAYPLAN_REGISTER")
    if not url:
        return None, None
    try:
        from ..register import Register

        return Register(url), None
    except (RepayplanError, ImportError) as e:  # the dashboard still works, unsaved
        return None, str(e)


def _origin(case) -> str:
    return hashlib.sha256(case.dumps("toml").encode("utf-8")).hexdigest()


class RegisterDashboard:
    """A negotiation dashboard saved into the case register on every change.

    Parameters
    ----------
    case : repayplan.case.Case
        The case the notebook opens.  When the register holds a session started from the
        same case (the same case-file text), its latest version is restored instead.
    plans : sequence of str, optional
        The plans on the table for a new session (as for :class:`~repayplan.notebook.app.Dashboard`).
    register : Register, str or path, optional
        Default ``REPAYPLAN_REGISTER``; none configured: no persistence.
    lang : {"en", "zh"}
    clock : callable, optional
        The meeting record's clock (as for :class:`~repayplan.notebook.app.Dashboard`).
    today : date, optional
        The follow-up tab's starting date.

    Attributes
    ----------
    dashboard : Dashboard
        The dashboard shown (replaced when another case is opened).
    case_id : int or None
        The case in the register.
    widget : ipywidgets.VBox

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from repayplan.case import Case
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "r.sqlite"
    >>> one = RegisterDashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"], register=path)
    >>> one.dashboard.columns[0].controls["term"].value = "48"      # saved at once
    >>> two = RegisterDashboard(Case.sample(), plans=["Bank proposal", "Seasonal 48"], register=path)
    >>> two.case_id == one.case_id, two.dashboard.session.slots[0].plan.term   # the reload
    (True, 48)
    >>> one.close(); two.close(); folder.cleanup()
    """

    def __init__(
        self,
        case,
        plans=None,
        *,
        register=None,
        lang: str = "en",
        clock=None,
        today: _dt.date | None = None,
    ):
        self.register, problem = _open_register(register)
        self._own = register is None or isinstance(register, (str, os.PathLike))
        self.origin = _origin(case)
        self.clock = clock
        self.case_id = None
        self.meeting_id = None
        self._last: tuple[str, dict] | None = None
        self.message = w.HTML()
        self.message.add_class("rp-register-status")
        self.picker = w.Dropdown(
            options=[], description=_TEXT["en"]["case"], layout={"width": "460px"}
        )
        self.picker.add_class("rp-case-picker")
        self.open_button = w.Button(description=_TEXT["en"]["open"], icon="folder-open")
        self.open_button.add_class("rp-case-open")
        self.open_button.on_click(lambda _b: self.open(self.picker.value))
        start, table, lang0, state = case, plans, lang, None
        if self.register is not None:
            found = self._find(case)
            if found is not None:
                self.case_id, start, state = found
                table = _table(state, start) or plans
                lang0 = (state or {}).get("lang", lang)
        self.dashboard = self._make(
            start, table, lang0, (state or {}).get("accepted") if self.case_id else None
        )
        self.followup = FollowUp(self.register, today=today, lang=self.dashboard.session.lang)
        self.tabs = w.Tab(children=[self.dashboard.widget, self.followup.widget])
        self.tabs.add_class("rp-register-tabs")
        self._titles()
        bar = w.HBox(
            [self.picker, self.open_button, self.message], layout={"align_items": "center"}
        )
        self.widget = w.VBox([bar, self.tabs], layout={"width": "100%"})
        if self.register is None:
            self.message.value = html.escape(problem or self._t("off"))
            self.picker.disabled = self.open_button.disabled = True
        else:
            if self.case_id is not None:  # restored: saved again at the first change
                self.message.value = html.escape(
                    self._t("restored", cid=self.case_id, v=self.register.version(self.case_id))
                )
            else:  # a new session: in the register (and the picker) at once
                self.save()
            self._fill_picker()

    # -- display ---------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def _t(self, key: str, **kw) -> str:
        lang = self.dashboard.session.lang if hasattr(self, "dashboard") else "en"
        return _TEXT.get(lang, _TEXT["en"])[key].format(**kw)

    def _titles(self) -> None:
        """The tabs, the case picker and its button in the dashboard's language."""
        self.tabs.titles = (self._t("negotiation"), self._t("followup"))
        self.picker.description = self._t("case")
        self.open_button.description = self._t("open")

    def close(self) -> None:
        """Close the register opened here (one given by the caller stays open)."""
        if self.register is not None and self._own:
            self.register.close()

    # -- the register ----------------------------------------------------------------------
    def _find(self, case):
        """The latest session started from this case: (case id, case, session) or None."""
        reg = self.register
        cases = reg.cases()
        for cid in reversed(cases.loc[cases["borrower"] == case.borrower_name, "case"].tolist()):
            state = reg.session(cid)
            if state and state.get("origin") == self.origin:
                return int(cid), reg.case(cid), state
        return None

    def _make(self, case, plans, lang, accepted=None) -> Dashboard:
        try:
            dash = Dashboard(case, plans, lang=lang, clock=self.clock)
        except RepayplanError:  # a session naming plans the case no longer has
            dash = Dashboard(case, lang=lang, clock=self.clock)
        if accepted:  # the Accept toggle as it was saved
            dash.restore_accepted(accepted)
        dash.on_update.append(lambda _d: self.save())
        dash.lang.observe(lambda _change: self._titles(), names="value")
        return dash

    def _fill_picker(self) -> None:
        cases = self.register.cases()
        opts = [
            (f"{r.case}: {r.title or r.borrower} — {r.borrower} (v{r.version})", int(r.case))
            for r in cases.itertuples()
        ]
        self.picker.options = opts
        if self.case_id is not None:
            self.picker.value = self.case_id

    def state(self) -> dict:
        """What is kept with each version besides the case: the plans on the table, the
        language, and where the session started (to find it again)."""
        s = self.dashboard.session
        state = {"table": s.names, "lang": s.lang, "origin": self.origin}
        if s.accepted is not None:
            state["accepted"] = s.accepted.name
        return state

    def save(self) -> bool:
        """Save the session now if it changed (the dashboard calls it after every change);
        returns True when a version was written."""
        if self.register is None:
            return False
        s = self.dashboard.session
        case = s.to_case()
        text, state = case.dumps("toml"), self.state()
        if self._last == (text, state):
            return False
        try:
            self.case_id = self.register.save(case, case_id=self.case_id, session=state)
            entries = [dict(e) for e in case.meeting]
            self.meeting_id = self.register.meeting(
                self.case_id,
                entries,
                minutes=s.minutes_text("md"),
                meeting_id=self.meeting_id,
                held_on=(self.clock or _dt.datetime.now)().date(),
            )
        except RepayplanError as e:
            from ..register import ConflictError

            key = "conflict" if isinstance(e, ConflictError) else "failed"
            self.message.value = (
                f"<span class='rp-error'>{html.escape(self._t(key, msg=str(e)))}</span>"
            )
            return False
        self._last = (text, state)
        self.message.value = html.escape(
            self._t("saved", cid=self.case_id, v=self.register.version(self.case_id))
        )
        return True

    def open(self, case_id) -> None:
        """Open a case of the register (the case picker): its latest version and session."""
        if self.register is None or case_id is None:
            return
        try:
            case = self.register.case(case_id)
            state = self.register.session(case_id) or {}
        except RepayplanError as e:
            self.message.value = f"<span class='rp-error'>{html.escape(str(e))}</span>"
            return
        self.case_id, self.meeting_id = int(case_id), None
        self.origin = state.get("origin") or _origin(case)
        lang = state.get("lang", self.dashboard.session.lang)
        self.dashboard = self._make(case, _table(state, case), lang, state.get("accepted"))
        self._last = (self.dashboard.session.to_case().dumps("toml"), self.state())
        self.tabs.children = [self.dashboard.widget, self.followup.widget]
        self._titles()
        self.message.value = html.escape(
            self._t("restored", cid=self.case_id, v=self.register.version(self.case_id))
        )
        self.followup.refresh()


def _table(state, case):
    names = (state or {}).get("table")
    if not names or not all(n in case.plans for n in names):
        return None
    return names
