"""The follow-up tab: the agreements due and in arrears, from the case register.

Every figure comes from :meth:`repayplan.register.Register.due`; this module only lays the
table out (escaped HTML) and holds the controls.
"""

from __future__ import annotations

import datetime as _dt
import html

import ipywidgets as w

from ..text import by_language

__all__ = ["FollowUp", "FOLLOWUP_COLUMNS"]

FOLLOWUP_COLUMNS = [
    "agreement",
    "case",
    "borrower",
    "plan",
    "state",
    "arrears",
    "days_past_due",
    "next_due",
    "next_amount",
    "breach_date",
    "observation_end",
]
"""The columns of :meth:`repayplan.register.Register.due` the tab shows."""

_LABELS = by_language("followup")  # from the text catalogue, repayplan.text


_NUMBERS = {"agreement", "case", "arrears", "days_past_due", "next_amount"}
_RIGHT = " style='text-align:right;padding:2px 8px'"
_LEFT = " style='text-align:left;padding:2px 8px'"


def _cell(v) -> str:
    if v is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return f"{v:,}" if hasattr(v, "quantize") else str(v)


class FollowUp:
    """The follow-up tab on a register: ``reg.due(as_of, within_days)`` as a table.

    Parameters
    ----------
    register : repayplan.register.Register or None
        None shows that no register is configured.
    today : date, optional
        The starting ``as_of`` (default today).
    lang : {"en", "zh"}

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import date
    >>> import repayplan as rp
    >>> from repayplan.register import Register
    >>> folder = tempfile.TemporaryDirectory()
    >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
    >>> case = rp.Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
    ...                claim=rp.Claim(principal=1_200, annual_rate=0.06, as_of=date(2026, 12, 1)),
    ...                cashflow=rp.CashFlow([1_000.0] * 6, start="2026-12"),
    ...                plans=[rp.Plan(method="equal_principal", term=2, name="2 months")])
    >>> aid = reg.sign(reg.save(case), plan="2 months", signed=date(2026, 12, 1))
    >>> tab = FollowUp(reg, today=date(2027, 1, 10))
    >>> tab.frame[["agreement", "state", "arrears", "days_past_due"]]
       agreement       state arrears  days_past_due
    0          1  in_arrears  606.00              9
    >>> "Acme Ltd" in tab.table.value
    True
    >>> reg.close(); folder.cleanup()
    """

    def __init__(self, register, *, today: _dt.date | None = None, lang: str = "en"):
        self.register = register
        self.lang = lang if lang in _LABELS else "en"
        L = _LABELS[self.lang]
        self.title = w.HTML(f"<b>{html.escape(L['title'])}</b>")
        self.as_of = w.DatePicker(value=today or _dt.date.today(), description=L["as_of"])
        self.as_of.add_class("rp-followup-as-of")
        self.within = w.BoundedIntText(
            value=30,
            min=0,
            max=3660,
            description=L["within"],
            style={"description_width": "initial"},
        )
        self.within.add_class("rp-followup-within")
        self.refresh_button = w.Button(description=L["refresh"], icon="refresh")
        self.refresh_button.add_class("rp-followup-refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.summary = w.HTML()
        self.summary.add_class("rp-followup-summary")
        self.table = w.HTML()
        self.table.add_class("rp-followup")
        self.frame = None
        self.widget = w.VBox(
            [
                self.title,
                w.HBox([self.as_of, self.within, self.refresh_button]),
                self.summary,
                self.table,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        """Read the register again and redraw the table (the Refresh button)."""
        L = _LABELS[self.lang]
        if self.register is None:
            self.summary.value = html.escape(L["off"])
            self.table.value = ""
            return
        from ..errors import RepayplanError

        try:
            frame = self.register.due(self.as_of.value or _dt.date.today(), self.within.value)
        except RepayplanError as e:
            self.summary.value = f"<span class='rp-error'>{html.escape(str(e))}</span>"
            return
        self.frame = frame
        if frame.empty:
            self.summary.value = html.escape(L["none"])
            self.table.value = ""
            return
        late = int((frame["state"] != "performing").sum())
        self.summary.value = html.escape(L["count"].format(n=len(frame), late=late))
        head = "".join(f"<th>{html.escape(c)}</th>" for c in FOLLOWUP_COLUMNS)
        body = "".join(
            f"<tr class='rp-followup-{html.escape(str(r['state']))}'>"
            + "".join(
                f"<td{_RIGHT if c in _NUMBERS else _LEFT}>{html.escape(_cell(r[c]))}</td>"
                for c in FOLLOWUP_COLUMNS
            )
            + "</tr>"
            for _, r in frame.iterrows()
        )
        self.table.value = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
