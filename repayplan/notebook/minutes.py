"""The meeting record: every plan put on the table, when it was shown, and which was accepted.

A :class:`MeetingRecord` is filled by the dashboard each time a plan is shown with new terms
(:meth:`MeetingRecord.shown`) and when the analyst marks a plan accepted
(:meth:`MeetingRecord.accept`).  It exports the negotiation's minutes as Markdown, HTML or
CSV, and as the ``[[meeting]]`` entries of a case file, so the record is saved with the case.

Every text taken from the session (plan names, terms) is escaped for HTML and Markdown, and
neutralised against spreadsheet formulas in CSV with
:func:`repayplan.report.neutralise_formula`.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from .labels import text

__all__ = ["Offer", "MeetingRecord", "MINUTES_FORMATS"]

#: Formats of :meth:`MeetingRecord.render`.
MINUTES_FORMATS = ("md", "html", "csv")

_COLUMNS = (
    "time",
    "plan",
    "description",
    "term",
    "total_paid",
    "total_waived",
    "expected_npv",
    "default_probability",
    "accepted",
)
_LABEL_KEYS = {
    "time": "min_time",
    "plan": "min_plan",
    "description": "min_description",
    "term": "min_term",
    "total_paid": "min_total_paid",
    "total_waived": "min_total_waived",
    "expected_npv": "min_expected_npv",
    "default_probability": "min_default_probability",
    "accepted": "min_accepted",
}


@dataclass(frozen=True)
class Offer:
    """One plan as it was shown at the table.

    Parameters
    ----------
    shown_at : datetime
        When the plan was first shown with these terms.
    slot : int
        The column's identity in the session (a plan renamed or edited keeps it).
    plan : str
        The plan's name.
    description : str
        The plan in a sentence (:meth:`repayplan.Plan.describe`).
    term : int
        Month of the last payment.
    total_paid, total_waived : Decimal
        Exact sums (from the plan's cent-exact schedule and terms).
    expected_npv : Decimal
        The creditor's expected NPV, rounded to the cent for the record.
    default_probability : Decimal
        Share of scenarios in which the borrower defaults (4 decimals).
    accepted : bool
        Marked accepted by the analyst.
    accepted_at : datetime, optional

    Examples
    --------
    Made by :meth:`MeetingRecord.shown`, which rounds the creditor's NPV to the cent and
    the default probability to four decimals:

    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> rec = MeetingRecord()
    >>> _ = rec.shown(dt.datetime(2026, 7, 8, 10, 30), 1, "24 months",
    ...               "level instalments over 24 months", 24, Decimal("127643.39"),
    ...               Decimal("0.00"), 120000.0151, 0.03124)
    >>> offer = rec.offers[0]
    >>> offer.expected_npv, offer.default_probability, offer.accepted
    (Decimal('120000.02'), Decimal('0.0312'), False)
    """

    shown_at: _dt.datetime
    slot: int
    plan: str
    description: str
    term: int
    total_paid: Decimal
    total_waived: Decimal
    expected_npv: Decimal
    default_probability: Decimal
    accepted: bool = False
    accepted_at: _dt.datetime | None = None

    def row(self) -> dict:
        """The offer as a row of the minutes (``time`` as ``YYYY-MM-DD HH:MM:SS``).

        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> offer = Offer(dt.datetime(2026, 7, 8, 10, 30), 1, "24 months", "level instalments over 24 months",
        ...               24, Decimal("127643.39"), Decimal("0.00"), Decimal("120000.02"), Decimal("0"))
        >>> offer.row()["time"], offer.row()["total_paid"], offer.row()["accepted"]
        ('2026-07-08 10:30:00', Decimal('127643.39'), False)
        """
        return {
            "time": self.shown_at.strftime("%Y-%m-%d %H:%M:%S"),
            "plan": self.plan,
            "description": self.description,
            "term": self.term,
            "total_paid": self.total_paid,
            "total_waived": self.total_waived,
            "expected_npv": self.expected_npv,
            "default_probability": self.default_probability,
            "accepted": self.accepted,
        }


@dataclass
class MeetingRecord:
    """The offers made during a session, in the order they were shown.

    Parameters
    ----------
    earlier : sequence of mappings
        Entries of earlier sessions, as read from a case file's ``[[meeting]]`` tables;
        kept unchanged and written back first.

    Examples
    --------
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> rec = MeetingRecord()
    >>> t = dt.datetime(2026, 7, 8, 10, 30)
    >>> rec.shown(t, 1, "Bank proposal", "level instalments over 36 months", 36,
    ...           Decimal("1320733.20"), Decimal("0.00"), 1068384.12, 0.596)
    True
    >>> rec.shown(t, 1, "Bank proposal", "level instalments over 36 months", 36,
    ...           Decimal("1320733.20"), Decimal("0.00"), 1068384.12, 0.596)   # the same again
    False
    >>> rec.accept(1, t).accepted, len(rec.offers)
    (True, 1)
    """

    earlier: tuple = ()
    offers: list[Offer] = field(default_factory=list)

    def __post_init__(self):
        self.earlier = tuple(dict(e) for e in self.earlier)

    # -- recording -----------------------------------------------------------------------
    def last(self, slot: int) -> Offer | None:
        """The latest offer shown in column ``slot`` (``None`` if it has shown none).

        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> rec = MeetingRecord()
        >>> t = dt.datetime(2026, 7, 8, 10, 30)
        >>> _ = rec.shown(t, 1, "12 months", "level instalments over 12 months", 12,
        ...               Decimal("123935.66"), Decimal("0.00"), 120000.0, 0.0)
        >>> _ = rec.shown(t, 2, "24 months", "level instalments over 24 months", 24,
        ...               Decimal("127643.39"), Decimal("0.00"), 120000.02, 0.0)
        >>> rec.last(2).plan, rec.last(3)
        ('24 months', None)
        """
        for o in reversed(self.offers):
            if o.slot == slot:
                return o
        return None

    def shown(
        self,
        when: _dt.datetime,
        slot: int,
        plan: str,
        description: str,
        term: int,
        total_paid: Decimal,
        total_waived: Decimal,
        expected_npv: float,
        default_probability: float,
    ) -> bool:
        """Record a plan shown at ``when``; ``False`` (nothing recorded) if column ``slot``
        last showed the same plan under the same name.

        Parameters
        ----------
        when : datetime
        slot : int
            The column's identity (:attr:`repayplan.notebook.session.PlanSlot.uid`).
        plan, description : str
            The plan's name and its terms in a sentence.
        term : int
        total_paid, total_waived : Decimal
            Exact amounts.
        expected_npv, default_probability : float
            Recorded rounded to the cent and to four decimals.

        Returns
        -------
        bool

        Examples
        --------
        See the class example.
        """
        prev = self.last(slot)
        if (
            prev is not None
            and prev.plan == plan
            and prev.description == description
            and prev.total_paid == total_paid
            and prev.term == term
        ):
            return False
        self.offers.append(
            Offer(
                shown_at=when,
                slot=slot,
                plan=plan,
                description=description,
                term=int(term),
                total_paid=total_paid,
                total_waived=total_waived,
                expected_npv=Decimal(repr(float(expected_npv))).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                ),
                default_probability=Decimal(repr(float(default_probability))).quantize(
                    Decimal("0.0001"), rounding=ROUND_HALF_UP
                ),
            )
        )
        return True

    def accept(self, slot: int, when: _dt.datetime) -> Offer:
        """Mark the latest offer of column ``slot`` accepted (and no other); returns it.

        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> rec = MeetingRecord()
        >>> t = dt.datetime(2026, 7, 8, 10, 30)
        >>> _ = rec.shown(t, 1, "12 months", "level instalments over 12 months", 12,
        ...               Decimal("123935.66"), Decimal("0.00"), 120000.0, 0.0)
        >>> _ = rec.shown(t, 2, "24 months", "level instalments over 24 months", 24,
        ...               Decimal("127643.39"), Decimal("0.00"), 120000.02, 0.0)
        >>> rec.accept(1, t).plan
        '12 months'
        >>> rec.accept(2, t).plan, [o.accepted for o in rec.offers]
        ('24 months', [False, True])
        """
        target = self.last(slot)
        if target is None:
            raise LookupError(f"no plan of column {slot} has been shown")
        self.offers = [
            replace(o, accepted=False, accepted_at=None) if o.accepted else o for o in self.offers
        ]
        self._withdraw_earlier()
        i = max(i for i, o in enumerate(self.offers) if o.slot == slot)
        self.offers[i] = replace(self.offers[i], accepted=True, accepted_at=when)
        return self.offers[i]

    def withdraw(self) -> None:
        """No plan is accepted any more.

        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> rec = MeetingRecord()
        >>> t = dt.datetime(2026, 7, 8, 10, 30)
        >>> _ = rec.shown(t, 1, "12 months", "level instalments over 12 months", 12,
        ...               Decimal("123935.66"), Decimal("0.00"), 120000.0, 0.0)
        >>> _ = rec.shown(t, 2, "24 months", "level instalments over 24 months", 24,
        ...               Decimal("127643.39"), Decimal("0.00"), 120000.02, 0.0)
        >>> _ = rec.accept(1, t)
        >>> rec.withdraw()
        >>> rec.accepted is None
        True

        An acceptance kept from an earlier part of the session (a reload restores the
        record as earlier entries) is withdrawn too, so at most one plan reads accepted:

        >>> rec = MeetingRecord(earlier=[{"plan": "12 months", "accepted": True,
        ...                               "accepted_time": "2026-07-08 10:30:00"}])
        >>> rec.withdraw()
        >>> rec.earlier
        ({'plan': '12 months', 'accepted': False},)
        """
        self.offers = [
            replace(o, accepted=False, accepted_at=None) if o.accepted else o for o in self.offers
        ]
        self._withdraw_earlier()

    def _withdraw_earlier(self) -> None:
        if any(e.get("accepted") for e in self.earlier):
            self.earlier = tuple(
                {**{k: v for k, v in e.items() if k != "accepted_time"}, "accepted": False}
                if e.get("accepted")
                else e
                for e in self.earlier
            )

    @property
    def accepted(self) -> Offer | None:
        """The accepted offer, if any.

        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> rec = MeetingRecord()
        >>> t = dt.datetime(2026, 7, 8, 10, 30)
        >>> _ = rec.shown(t, 1, "12 months", "level instalments over 12 months", 12,
        ...               Decimal("123935.66"), Decimal("0.00"), 120000.0, 0.0)
        >>> _ = rec.shown(t, 2, "24 months", "level instalments over 24 months", 24,
        ...               Decimal("127643.39"), Decimal("0.00"), 120000.02, 0.0)
        >>> rec.accepted is None, rec.accept(2, t) == rec.accepted
        (True, True)
        """
        return next((o for o in self.offers if o.accepted), None)

    # -- export --------------------------------------------------------------------------
    def entries(self) -> tuple[dict, ...]:
        """Earlier entries, then this session's offers, as ``[[meeting]]`` tables of a case file.

        Each offer is ``{"date": date, "time": "HH:MM:SS", "event": "shown", "plan": ...,
        "terms": ..., "term": int, "total_paid": "1320733.05", ...}`` (amounts and shares as
        exact decimal text, as case files keep them); an accepted offer has
        ``accepted = true`` and ``accepted_time``.

        Examples
        --------
        An entry of an earlier meeting comes first, as it was read:

        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> rec = MeetingRecord(earlier=[{"date": dt.date(2026, 6, 2), "text": "first meeting"}])
        >>> t = dt.datetime(2026, 7, 8, 10, 30)
        >>> _ = rec.shown(t, 1, "12 months", "level instalments over 12 months", 12,
        ...               Decimal("123935.66"), Decimal("0.00"), 120000.0, 0.0)
        >>> _ = rec.shown(t, 2, "24 months", "level instalments over 24 months", 24,
        ...               Decimal("127643.39"), Decimal("0.00"), 120000.02, 0.0)
        >>> _ = rec.accept(2, t)
        >>> entries = rec.entries()
        >>> entries[0]
        {'date': datetime.date(2026, 6, 2), 'text': 'first meeting'}
        >>> {k: entries[2][k] for k in ("date", "time", "plan", "total_paid", "accepted", "accepted_time")}
        {'date': datetime.date(2026, 7, 8), 'time': '10:30:00', 'plan': '24 months', 'total_paid': '127643.39', 'accepted': True, 'accepted_time': '2026-07-08 10:30:00'}
        """
        out = [dict(e) for e in self.earlier]
        for o in self.offers:
            e = {
                "date": o.shown_at.date(),
                "time": o.shown_at.strftime("%H:%M:%S"),
                "event": "shown",
                "plan": o.plan,
                "terms": o.description,
                "term": o.term,
                "total_paid": format(o.total_paid, "f"),
                "total_waived": format(o.total_waived, "f"),
                "expected_npv": format(o.expected_npv, "f"),
                "default_probability": format(o.default_probability, "f"),
                "accepted": o.accepted,
            }
            if o.accepted_at is not None:
                e["accepted_time"] = o.accepted_at.strftime("%Y-%m-%d %H:%M:%S")
            out.append(e)
        return tuple(out)

    def rows(self) -> list[dict]:
        """Earlier entries (as far as they have the columns) and this session's offers.

        An earlier entry's ``terms`` (or its ``text``) is the description:

        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> rec = MeetingRecord(earlier=[{"date": dt.date(2026, 6, 2), "text": "first meeting"}])
        >>> t = dt.datetime(2026, 7, 8, 10, 30)
        >>> _ = rec.shown(t, 1, "12 months", "level instalments over 12 months", 12,
        ...               Decimal("123935.66"), Decimal("0.00"), 120000.0, 0.0)
        >>> _ = rec.shown(t, 2, "24 months", "level instalments over 24 months", 24,
        ...               Decimal("127643.39"), Decimal("0.00"), 120000.02, 0.0)
        >>> [(r["time"], r["plan"], r["description"]) for r in rec.rows()]
        [('2026-06-02', '', 'first meeting'), ('2026-07-08 10:30:00', '12 months', 'level instalments over 12 months'), ('2026-07-08 10:30:00', '24 months', 'level instalments over 24 months')]
        """
        out = []
        for e in self.earlier:
            t = f"{e.get('date', '')} {e.get('time', '')}".strip()
            out.append(
                {
                    "time": t,
                    "plan": e.get("plan", ""),
                    "description": e.get("terms", e.get("text", "")),
                    "term": e.get("term", ""),
                    "total_paid": _number(e.get("total_paid", "")),
                    "total_waived": _number(e.get("total_waived", "")),
                    "expected_npv": _number(e.get("expected_npv", "")),
                    "default_probability": _number(e.get("default_probability", "")),
                    "accepted": bool(e.get("accepted", False)),
                }
            )
        out += [o.row() for o in self.offers]
        return out

    def render(
        self,
        format: str = "md",
        *,
        lang: str = "en",
        title: str = "",
        parties: str = "",
        source: str = "",
    ) -> str:
        """The minutes as Markdown, HTML or CSV text.

        Parameters
        ----------
        format : {"md", "html", "csv"}
        lang : {"en", "zh"}
            Language of the headers.
        title, parties : str
            The case's title and a line naming the parties, printed above the table.
        source : str
            Where the borrower's cash flow came from (its provenance), printed below the
            parties.

        Examples
        --------
        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> rec = MeetingRecord()
        >>> _ = rec.shown(dt.datetime(2026, 7, 8, 10, 30), 1, "=cmd|' /C calc'!A0", "x", 36,
        ...               Decimal("100.00"), Decimal("0.00"), 90.0, 0.1)
        >>> print(rec.render("csv").splitlines()[-1])       # a formula is neutralised
        2026-07-08 10:30:00,'=cmd|' /C calc'!A0,x,36,100.00,0.00,90.00,0.1000,
        """
        from .._validate import check_choice

        check_choice("format", format, MINUTES_FORMATS)
        heads = [text(_LABEL_KEYS[c], lang) for c in _COLUMNS]
        # for reading (md, html) amounts and probabilities as the comparison shows them;
        # the CSV keeps plain numbers for a spreadsheet
        human = format != "csv"
        rows = [[_cell(r[c], c, lang, human=human) for c in _COLUMNS] for r in self.rows()]
        _check_cells(rows)
        head = text("minutes_title", lang) + (f": {title}" if title else "")
        if format == "csv":  # the one formula-safe writer: every cell guarded, CRLF line ends
            from .._io import csv_text

            return csv_text([[line] for line in (head, parties, source) if line] + [heads] + rows)
        if format == "html":
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in r) + "</tr>" for r in rows
            )
            empty = f"<p>{html.escape(text('minutes_empty', lang))}</p>" if not rows else ""
            return (
                f"<h3>{html.escape(head)}</h3>"
                + (f"<p>{html.escape(parties)}</p>" if parties else "")
                + (f"<p class='rp-minutes-source'>{html.escape(source)}</p>" if source else "")
                + "<table class='rp-minutes-table'><thead><tr>"
                + "".join(f"<th>{html.escape(h)}</th>" for h in heads)
                + f"</tr></thead><tbody>{body}</tbody></table>{empty}"
            )
        lines = [f"# {_md(head)}", ""]
        if parties:
            lines += [_md(parties), ""]
        if source:
            lines += [_md(source), ""]
        lines.append("| " + " | ".join(_md(h) for h in heads) + " |")
        lines.append("|" + "---|" * len(heads))
        lines += ["| " + " | ".join(_md(x) for x in r) + " |" for r in rows]
        if not rows:
            lines += ["", _md(text("minutes_empty", lang))]
        return "\n".join(lines) + "\n"


def _number(value):
    """An earlier entry's figure (kept as decimal text in the case file) as a Decimal, so it is
    shown like this session's; any other value as it was.

    >>> _number("1320733.05"), _number(0.5), _number("n/a")
    (Decimal('1320733.05'), Decimal('0.5'), 'n/a')
    """
    from decimal import InvalidOperation

    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return value
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return value
    return d if d.is_finite() else value


def _cell(value, column: str, lang: str, *, human: bool = False) -> str:
    """A cell of the minutes; ``human``: amounts with separators, the probability in percent.

    >>> from decimal import Decimal
    >>> _cell(Decimal("1320733.05"), "total_paid", "en", human=True), _cell(Decimal("1320733.05"), "total_paid", "en")
    ('1,320,733.05', '1320733.05')
    >>> _cell(Decimal("0.5680"), "default_probability", "zh", human=True), _cell(Decimal("0.0012"),
    ...       "default_probability", "en", human=True)
    ('56.8%', '0.12%')
    """
    if column == "accepted":
        return text("yes", lang) if value else ""
    if (
        human
        and isinstance(value, Decimal)
        and column in ("total_paid", "total_waived", "expected_npv")
    ):
        return f"{value.quantize(Decimal('0.01')):,f}"
    if human and isinstance(value, Decimal) and column == "default_probability":
        from ..evaluate import format_probability

        return format_probability(float(value))
    if isinstance(value, Decimal) and column in ("total_paid", "total_waived", "expected_npv"):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


_MD_SPECIAL = set("\\`*_[]|~#<>&")


def _md(s: str) -> str:
    """Markdown-safe text: specials backslash-escaped, HTML characters as entities, one line."""
    s = " ".join(str(s).split())
    out = []
    for c in s:
        if c in "<>&":
            out.append(html.escape(c))
        elif c in _MD_SPECIAL:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def _check_cells(rows) -> None:
    """Every cell can be written in every format: no NUL or other control characters (an
    xlsx or a terminal would break on them) and no lone surrogates (no UTF-8 file could
    hold them).  Refused naming the row and the column, before anything is written."""
    import unicodedata

    from ..errors import InputError

    for i, row in enumerate(rows):
        for column, cell in zip(_COLUMNS, row, strict=True):
            bad = [
                ch for ch in cell if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\r\n"
            ]
            if bad:
                raise InputError(
                    f"minutes[{i}].{column}",
                    cell,
                    "text without control characters or unpaired surrogates",
                    hint=f"contains {bad[0]!r}",
                )
