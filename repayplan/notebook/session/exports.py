"""The exports of the dashboard session: the case file, the agreement annex, the meeting minutes.

:class:`Exports` holds the :class:`~repayplan.notebook.session.Session` methods that state
the session as files: ``case_text`` (the case file of
:meth:`~repayplan.notebook.session.Session.to_case`), ``annex_arguments``,
``annex`` and ``minutes_text``.  Each calls the library
(:class:`~repayplan.case.Case`, :func:`repayplan.report.annex`,
:class:`~repayplan.notebook.minutes.MeetingRecord`); nothing is computed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..minutes import MeetingRecord
from .slots import PlanSlot

if TYPE_CHECKING:  # annotations only: the functions that need these modules import them inside
    from ...case import Case, Party


__all__ = [
    "Exports",
]


class Exports:
    """The exports of a :class:`~repayplan.notebook.session.Session` (a base class).

    Examples
    --------
    >>> from repayplan.case import Case
    >>> from repayplan.notebook.session import Session
    >>> s = Session(Case.sample())
    >>> isinstance(s, Exports), s.minutes_text().startswith("#")
    (True, True)
    >>> from repayplan.case import Case as C
    >>> C.loads(s.case_text("toml")).plans.keys() == s.to_case().plans.keys()
    True
    """

    if TYPE_CHECKING:  # what the exports read on the session (set by Session.__init__)
        case: Case
        original: Case
        lang: str
        slots: list[PlanSlot]
        minutes: MeetingRecord

        def _slot(self, i: int) -> PlanSlot: ...

        def to_case(self) -> Case: ...

    # -- the case and the exports ---------------------------------------------------------
    def case_text(self, format: str = "toml") -> str:
        """The case file's text (:meth:`repayplan.case.Case.dumps`), ``"toml"`` or ``"json"``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> _ = s.set_option(1, "term", "18")
        >>> Case.loads(s.case_text()).plan("24 months").term
        18
        """
        return self.to_case().dumps(format)

    def annex_arguments(self, i: int, lang: str = "en") -> tuple:
        """``(schedule, keywords)`` of :func:`repayplan.report.render` for column ``i``'s annex:
        the claim, the plan and the parties' names (the English names for an English annex).

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> schedule, kw = s.annex_arguments(0)
        >>> schedule.payment, kw["plan"], kw["borrower"], kw["creditor"], kw["lang"]
        (Decimal('10327.97'), Plan('12 months': term=12), 'Acme Ltd', 'First Bank', 'en')
        """
        slot = self._slot(i)
        case = self.case
        creditor_party = _creditor_party(case)
        borrower, creditor = case.borrower.name, creditor_party.name
        if lang == "en":
            borrower = case.borrower.other_name or borrower
            creditor = creditor_party.other_name or creditor
        kw = {
            "lang": lang,
            "claim": case.claim,
            "plan": slot.plan,
            "borrower": borrower,
            "creditor": creditor,
            "security": case.security,
            "borrower_party": case.borrower,
            "contract": case.contract or None,
        }
        if case.cashflow.provenance is not None:  # where the cash the plan was judged on came from
            kw["notes"] = [f"The borrower's cash flow: {case.cashflow.provenance.summary()}."]
        return slot.plan.schedule(case.claim), kw

    def annex(self, i: int, format: str = "xlsx", *, lang: str = "en"):
        """The agreement annex of column ``i`` (:func:`repayplan.report.render`).

        Text for ``"html"``, ``"csv"`` and ``"md"``, bytes for ``"xlsx"`` and ``"pdf"``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> md = s.annex(0, "md")
        >>> print("\\n".join(line for line in md.splitlines() if "Regular instalment" in line))
        | Regular instalment | CNY 10,327.97 |
        """
        from ... import report

        schedule, kw = self.annex_arguments(i, lang)
        return report.render(schedule, format, **kw)

    def minutes_text(self, format: str = "md", *, lang: str | None = None) -> str:
        """The negotiation's minutes: which offers were made, when, and which was accepted.

        ``format`` is one of :data:`repayplan.notebook.minutes.MINUTES_FORMATS`.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> from repayplan.notebook.session import Session
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> _ = s.refresh()
        >>> print(s.minutes_text("csv", lang="zh"))
        谈判会议纪要
        Acme Ltd / First Bank
        展示时间,方案,条款,期限（月）,还款总额,减免总额,债权人预期净现值,违约概率,已接受
        2026-07-08 10:30:00,12 months,level instalments over 12 months,12,123935.66,0.00,120000.00,0.0000,
        2026-07-08 10:30:00,24 months,level instalments over 24 months,24,127643.39,0.00,120000.02,0.0000,
        <BLANKLINE>
        """
        lang = lang or self.lang
        case = self.case
        parties = f"{case.borrower.name} / {_creditor_party(case).name}"
        p = case.cashflow.provenance
        source = f"Cash flow: {p.summary()}" if p is not None else ""
        return self.minutes.render(
            format, lang=lang, title=case.title, parties=parties, source=source
        )


def _creditor_party(case: Case) -> Party:
    """The case's creditor as a Party: ``Case.__post_init__`` always sets ``creditor_party``."""
    party = case.creditor_party
    assert party is not None, "Case.__post_init__ sets creditor_party"
    return party
