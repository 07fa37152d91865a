"""The borrower's one-page comparison: the plans on the table side by side, to print.

:func:`comparison_sheet` lays out, on one A4 landscape page (PDF) or one spreadsheet sheet
(xlsx) set to print on one landscape page, what a borrower reads at the table:

* the parties, the date the claim is stated as of, what is owed by part and in total;
* one column per plan (at most :data:`MAX_PLANS`): the repayment structure as the annex
  names it, the term, the grace period, the rate, the down payment, the waivers, the first,
  typical and largest payment, the total paid, the total on the contract's terms and the
  saving against it, the months short of cash, the lowest monthly cover, the probability
  of default, whether the plan can be offered (and why not);
* whose view each figure serves (borrower, creditor, both sides) and, marked ``*``, the
  best value of each row among the feasible plans, exactly as :func:`repayplan.compare`
  marks it;
* a note line saying what the marks and the derived figures mean.

Definitions
-----------
first instalment
    The first payment after signing that is not zero (under an interest-only grace period
    it is the interest of the first month).
typical instalment
    The median instalment (the lower middle one when their number is even), an amount
    actually due; for level plans it is the regular instalment.
total on the contract's terms
    :math:`C = \\sum_t P'_t`, what the same plan (structure, term, grace, down payment)
    would cost at the contract rate with nothing waived: ``plan.replace(annual_rate=None,
    penalty_waiver=0, interest_waiver=0, haircut=0, settlement_discount=0)``.
saving vs the contract
    :math:`C - \\sum_t P_t`, the total on the contract's terms less the plan's total paid:
    what the concessions (rate, waivers, haircut, settlement discount) are worth to the
    borrower in cash, exact to the cent.

Every figure comes from the library: the plans' cent-exact schedules and
:func:`repayplan.evaluate` (reused from ``metrics`` when given), the marks and the reasons
from :func:`repayplan.compare`.  Amounts carry separators and the currency
(``CNY 1,320,733.05``, ``人民币1,320,733.05元``), probabilities are printed as
:func:`repayplan.evaluate.format_probability` prints them, and the row names are the
comparison's (:data:`repayplan.compare.ROW_LABELS`).

Safety and limits
-----------------
Text in the PDF is HTML-escaped (reportlab reads a mini-markup); in the xlsx every text cell
is an explicit string, with Excel's quote prefix when it would start a formula
(:func:`repayplan.report.neutralise_formula`).  Characters the PDF font lacks (emoji) print
as blanks with a :class:`repayplan.report.GlyphWarning` naming the field.  A sheet holds 1 to
:data:`MAX_PLANS` plans (more is refused rather than printed too small to read); with
ordinary names it is one page.  A text too long for the page (a plan name of thousands of
characters) wraps and the PDF continues on a second page, numbered "Page 1 of 2", never
cut; a text longer than an xlsx cell holds is refused in the xlsx, like the annex.
"""

from __future__ import annotations

import datetime as _dt
import io
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from . import report as _report
from ._validate import check_choice, check_claim, check_items
from .errors import InputError
from .report import fonts as _fonts  # the CJK font lookup the annex and the sheet share
from .text import pairs

__all__ = ["comparison_sheet", "SHEET_FORMATS", "MAX_PLANS", "SHEET_LABELS"]

#: Formats of :func:`comparison_sheet`.
SHEET_FORMATS: tuple[str, ...] = ("pdf", "xlsx")

#: The most plans one sheet holds (six columns are what an A4 landscape page prints legibly).
MAX_PLANS = 6

_TEXT: dict[str, tuple[str, str]] = pairs("sheet")  # key -> (en, zh), from repayplan.text

#: The sheet's own labels by language (the rest are :data:`repayplan.report.LABELS` and
#: :data:`repayplan.compare.ROW_LABELS`): ``SHEET_LABELS["zh"]["saving"] == "较原合同节省"``.
SHEET_LABELS = {lang: {k: v[i] for k, v in _TEXT.items()} for i, lang in enumerate(("en", "zh"))}

# the rows of the plan table, in order: (key, kind)
#   kind: "text", "amount", "rate", "months" or "metric" (formatted by evaluate.format_metric)
_ROWS = (
    ("structure", "text"),
    ("term", "months"),
    ("grace", "text"),
    ("rate", "rate"),
    ("down_payment", "amount"),
    ("waivers", "amount"),
    ("first_instalment", "amount"),
    ("typical_instalment", "amount"),
    ("peak_payment", "amount"),
    ("total_paid", "amount"),
    ("contract_cost", "amount"),
    ("saving", "amount"),
    ("months_short", "metric"),
    ("monthly_dscr", "metric"),
    ("default_probability", "metric"),
    ("feasible", "text"),
)


@dataclass(frozen=True)
class _Cell:
    value: object  # Decimal (amount), float (rate, metric), int (months) or str
    text: str
    best: bool = False


@dataclass(frozen=True)
class _Row:
    key: str
    label: str
    kind: str
    cells: tuple
    side: str  # "" for the terms of the plan


@dataclass(frozen=True)
class _Content:
    lang: str
    title: str
    currency: str
    units: int
    parties: tuple  # of report.Item
    owed: tuple  # of report.Item (parts that are not zero, then the total)
    plans: tuple  # column names as shown
    rows: tuple  # of _Row
    note: str
    author: str
    subject: str
    # the attributes report's font helpers read
    labels: Any = None  # a mapping of report's labels

    @property
    def header(self):
        return self.parties + tuple(
            _report.Item(f"plans[{j}].name", self.t("plans"), n, n)
            for j, n in enumerate(self.plans)
        )

    composition = property(lambda self: self.owed)
    words = property(lambda self: ())

    @property
    def clauses(self):
        out = []
        for r in self.rows:
            if r.kind == "text":
                out += [
                    _report.Item(f"{r.key}[{j}]", r.label, c.text, c.text)
                    for j, c in enumerate(r.cells)
                ]
        out.append(_report.Item("note", "", self.note, self.note))
        return tuple(out)

    def t(self, key: str) -> str:
        return SHEET_LABELS[self.lang][key]

    def texts(self) -> list[str]:
        out = [self.title, self.note, *self.plans]
        out += [x for it in self.parties + self.owed for x in (it.label, it.text)]
        out += [x for r in self.rows for x in (r.label, *(c.text for c in r.cells))]
        out += list(SHEET_LABELS[self.lang].values())
        return out


def _party_name(field: str, party, default: str | None = None) -> str | None:
    if party is None:
        return default
    if isinstance(party, str):
        return _report.check_annex_text(field, party)
    name = getattr(party, "name", None)
    if not isinstance(name, str):
        raise InputError(field, party, "a name (str), a repayplan.case.Party or None")
    return _report.check_annex_text(f"{field}.name", name)


def _money(amount: Decimal, currency: str, units: int, lang: str) -> str:
    return _report.format_money(amount, currency, units, lang)


def _months(n: int, lang: str) -> str:
    if n == 1:
        return SHEET_LABELS[lang]["one_month"]
    return SHEET_LABELS[lang]["months"].format(n=n)


def _structure_name(plan, lang: str) -> str:
    text = _report.METHOD_NAMES[_report.structure_of(plan)][1 if lang == "zh" else 0]
    # the annex refers to its own table of weights; the sheet has none
    return text.replace(" (weights below)", "").replace("，权重见下", "")


def _instalments(schedule) -> list[Decimal]:
    t = schedule.table
    return [
        Decimal(p) for per, p in zip(t["period"], t["payment"], strict=True) if per >= 1 and p != 0
    ]


def _content(
    plans, claim, cashflow, creditor, *, lang, borrower, creditor_party, title, metrics, constraints
) -> _Content:
    from .compare import ROW_LABELS, compare
    from .evaluate import ALL_METRICS, evaluate, format_metric
    from .plans import Plan

    L, R, RL = SHEET_LABELS[lang], _report.LABELS[lang], ROW_LABELS[lang]
    plans = check_items("plans", plans, Plan, "a repayplan.Plan")
    if len(plans) > MAX_PLANS:
        raise InputError(
            "plans",
            f"{len(plans)} plans",
            f"1 to {MAX_PLANS} plans (one printed page; compare the others on a second sheet)",
        )
    check_claim("claim", claim)
    borrower = _party_name("borrower", borrower)
    creditor_name = _party_name(
        "creditor_party", creditor_party, getattr(creditor, "name", None) or None
    )
    title = _report.check_annex_text("title", title)
    if metrics is not None:
        if not isinstance(metrics, pd.DataFrame):
            raise InputError(
                "metrics", metrics, "None or the DataFrame of evaluate() for these plans"
            )
        if len(metrics) != len(plans) or any(
            c not in metrics.columns
            for c in (
                "total_paid",
                "peak_payment",
                "total_waived",
                "term",
                "months_short",
                "monthly_dscr",
                "default_probability",
            )
        ):
            raise InputError(
                "metrics",
                f"a frame of {len(metrics)} rows",
                f"the DataFrame of evaluate() for these {len(plans)} plans (one row each)",
            )
    else:
        metrics = evaluate(plans, claim, cashflow, creditor)
    cmp = compare(
        plans, claim, cashflow, creditor, lang=lang, metrics=metrics, constraints=constraints
    )

    schedules = [p.schedule(claim) for p in plans]
    cur, units = schedules[0].currency, schedules[0].minor_units
    q = Decimal(1).scaleb(-units)
    fm = lambda d: _money(d, cur, units, lang)  # noqa: E731
    names = [_report.plan_name(p.name or f"Plan {j + 1}", lang) for j, p in enumerate(plans)]

    def best(key, j):
        return bool(
            key in cmp.better.index and cmp.better.loc[key].iloc[j]
        )  # by position: names may repeat

    cells: dict[str, list[_Cell]] = {k: [] for k, _ in _ROWS}
    for j, (plan, s) in enumerate(zip(plans, schedules, strict=True)):
        m = metrics.iloc[j]
        terms = plan.terms(claim)
        inst = _instalments(s)
        signing = sum(
            (
                Decimal(p)
                for per, p in zip(s.table["period"], s.table["payment"], strict=True)
                if per == 0
            ),
            Decimal(0),
        )
        base = plan.replace(
            annual_rate=None,
            penalty_waiver=0.0,
            interest_waiver=0.0,
            haircut=0.0,
            settlement_discount=0.0,
            name="",
        )
        contract_cost = base.schedule(claim).total_paid
        total = s.total_paid
        rate = claim.annual_rate if plan.annual_rate is None else plan.annual_rate
        waived = Decimal(terms.waived).scaleb(-terms.units)
        parts = [
            f"{L['w_' + k]} {_report.format_amount(Decimal(v).scaleb(-terms.units), units)}"
            for k, v in terms.waived_parts.items()
            if v
        ]
        parts_sep = "；" if lang == "zh" else "; "
        grace = (
            L["none"]
            if not plan.grace
            else f"{_months(plan.grace, lang)}"
            + (f"（{L[plan.grace_kind]}）" if lang == "zh" else f", {L[plan.grace_kind]}")
        )
        reason = cmp.reasons.iloc[j] if cmp.reasons is not None else ""
        term = int(m["term"])
        add = cells.__getitem__
        add("structure").append(_Cell(_structure_name(plan, lang), _structure_name(plan, lang)))
        add("term").append(_Cell(term, _months(term, lang)))
        add("grace").append(_Cell(grace, grace))
        add("rate").append(_Cell(float(rate), _report.format_rate(rate)))
        add("down_payment").append(_Cell(signing, fm(signing) if signing else L["none"]))
        add("waivers").append(
            _Cell(
                waived,
                (fm(waived) + ("\n" + parts_sep.join(parts) if parts else ""))
                if waived
                else L["none"],
            )
        )
        first = inst[0] if inst else Decimal(0)
        typical = statistics.median_low(inst) if inst else Decimal(0)
        add("first_instalment").append(_Cell(first, fm(first)))
        add("typical_instalment").append(_Cell(typical, fm(typical)))
        peak = Decimal(repr(float(m["peak_payment"]))).quantize(q)
        add("peak_payment").append(_Cell(peak, fm(peak), best("peak_payment", j)))
        add("total_paid").append(_Cell(total, fm(total), best("total_paid", j)))
        add("contract_cost").append(_Cell(contract_cost, fm(contract_cost)))
        add("saving").append(_Cell(contract_cost - total, fm(contract_cost - total)))
        for key in ("months_short", "monthly_dscr", "default_probability"):
            v = float(m[key])
            add(key).append(_Cell(v, format_metric(key, v), best(key, j)))
        add("feasible").append(_Cell(reason, L["no"].format(reason=reason) if reason else L["yes"]))

    rows = []
    for key, kind in _ROWS:
        label = (
            RL[key]
            if key
            in (
                "term",
                "peak_payment",
                "total_paid",
                "months_short",
                "monthly_dscr",
                "default_probability",
                "feasible",
            )
            else L[key]
        )
        side = ALL_METRICS[key][0] if key in ALL_METRICS else ""
        if key in (
            "saving",
            "contract_cost",
            "first_instalment",
            "typical_instalment",
            "down_payment",
        ):
            side = "borrower"
        if key in ("waivers", "structure", "grace", "rate"):  # terms both sides sign
            side = "both"
        rows.append(_Row(key, label, kind, tuple(cells[key]), side))

    parties = [
        it
        for it in (
            _report.text_item("creditor", R, creditor_name),
            _report.text_item("borrower", R, borrower),
            _report.date_item("as_of", R, claim.as_of, lang),
            _report.text_item("currency", R, _report.currency_name(cur, lang)),
        )
        if it is not None
    ]
    owed = tuple(
        _report.Item(k, R[k], a, fm(a), "amount")
        for k, a in claim.components().items()
        if a != 0 or k == "total"
    )
    as_of = _report.format_date(claim.as_of, lang)
    title = title or L["title"]
    return _Content(
        lang=lang,
        title=title,
        currency=cur,
        units=units,
        parties=tuple(parties),
        owed=owed,
        plans=tuple(names),
        rows=tuple(rows),
        note=L["note"].format(as_of=as_of),
        author=creditor_name or "",
        subject=L["subject"].format(borrower=borrower) if borrower else title,
        labels=R,
    )


def comparison_sheet(
    plans,
    claim,
    cashflow,
    creditor,
    *,
    format: str = "pdf",
    lang: str = "en",
    borrower=None,
    creditor_party=None,
    title: str | None = None,
    metrics: pd.DataFrame | None = None,
    constraints=None,
) -> bytes:
    """The borrower's one-page side-by-side comparison of the plans, as PDF or xlsx bytes.

    Parameters
    ----------
    plans : sequence of Plan
        1 to :data:`MAX_PLANS` plans, one column each, in order.
    claim, cashflow, creditor
        As for :func:`repayplan.evaluate`.
    format : {"pdf", "xlsx"}
        A4 landscape PDF (one page), or one xlsx sheet set to print on one landscape page.
    lang : {"en", "zh"}
        Language of every label, date and plan name (``repayplan.report.plan_name``).
    borrower, creditor_party : str or repayplan.case.Party, optional
        The parties (a Party's ``name`` is printed); the creditor defaults to
        ``creditor.name``.
    title : str, optional
        Replaces "Repayment plans compared" / "还款方案比较".
    metrics : DataFrame, optional
        The :func:`repayplan.evaluate` frame of these plans, reused (else computed).
    constraints : Constraints, optional
        As for :func:`repayplan.compare`: also mark infeasible the plans that break them.

    Returns
    -------
    bytes

    Raises
    ------
    InputError
        An unknown format or language, no plan or more than :data:`MAX_PLANS`, a party or
        title that is not text, a metrics frame that is not these plans', a text longer
        than an xlsx cell in the xlsx.

    Notes
    -----
    Per plan with payments :math:`P_t` (:math:`t = 0` the signing payment), the sheet states
    the first non-zero :math:`P_t, t \\ge 1`, the median instalment, :math:`\\max_t P_t`,
    :math:`\\sum_t P_t`, the total :math:`C` of the same plan at the contract rate with
    nothing waived, and the saving :math:`C - \\sum_t P_t`; the metrics and marks are
    :func:`repayplan.compare`'s.  In the xlsx the owed total and the saving are formulas
    (``=SUM(...)`` over the parts, ``=contract − total``) with the exact values beside them
    in the cells they reference.

    Examples
    --------
    120,000.00 at 6 % over 12 or 24 months, for a borrower with 15,000.00 a month; the
    level payment over 12 months is ``120,000 × 0.005 / (1 − 1.005^−12) = 10,327.97``:

    >>> import io
    >>> from datetime import date
    >>> import repayplan as rp
    >>> from pypdf import PdfReader
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([15_000.0] * 24, start="2027-01")
    >>> pdf = comparison_sheet([rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")],
    ...                        claim, cash, rp.Creditor(0.06, name="First Bank"), borrower="Acme Ltd")
    >>> reader = PdfReader(io.BytesIO(pdf))
    >>> len(reader.pages), "CNY 10,327.97" in reader.pages[0].extract_text()
    (1, True)
    >>> reader.metadata.title, reader.metadata.author
    ('Repayment plans compared', 'First Bank')
    """
    format = check_choice("format", format, SHEET_FORMATS)
    lang = check_choice("lang", lang, _report.LANGUAGES)
    c = _content(
        plans,
        claim,
        cashflow,
        creditor,
        lang=lang,
        borrower=borrower,
        creditor_party=creditor_party,
        title=title,
        metrics=metrics,
        constraints=constraints,
    )
    return _render_pdf(c) if format == "pdf" else _render_xlsx(c)


# -----------------------------------------------------------------------------------------
# PDF
# -----------------------------------------------------------------------------------------
#: Type sizes tried, largest first, until the sheet fits one page (8 pt, down to 6 pt).
_PDF_SCALES = (1.0, 0.92, 0.85, 0.78)


def _render_pdf(c: _Content) -> bytes:
    """The PDF at the largest type size that fits one page (long reasons shrink the type a
    little, as the xlsx is fitted to its page); text too long even at the smallest size goes
    on to further pages, at the full size."""
    fname = _fonts.pdf_font(c, None)
    _report.warn_missing_glyphs(c, fname)
    first = None
    for scale in _PDF_SCALES:
        data, pages = _build_pdf(c, fname, scale)
        if pages == 1:
            return data
        first = first or data
    if first is None:  # _PDF_SCALES is not empty: the loop ran
        raise RuntimeError("no PDF was built")
    return first  # more than a page whatever the size: at the full size, easiest to read


def _build_pdf(c: _Content, fname: str, k: float) -> tuple[bytes, int]:
    from html import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    page = landscape(A4)
    wrap = "CJK" if c.lang == "zh" else None
    base = ParagraphStyle("sheet", fontName=fname, fontSize=8 * k, leading=10 * k, wordWrap=wrap)
    bold = ParagraphStyle("sheet-b", parent=base, fontName=fname)
    num = ParagraphStyle("sheet-num", parent=base, alignment=TA_RIGHT)
    small = ParagraphStyle("sheet-small", parent=base, fontSize=6.5 * k, leading=8 * k)
    h1 = ParagraphStyle("sheet-h1", parent=base, fontSize=14 * k, leading=18 * k, spaceAfter=3)
    h2 = ParagraphStyle(
        "sheet-h2", parent=base, fontSize=9.5 * k, leading=12 * k, spaceBefore=2, spaceAfter=2
    )

    def para(text, style=base):
        return Paragraph(escape(str(text), quote=False).replace("\n", "<br/>"), style)

    frame_w = page[0] - 24 * mm
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]

    # the head: parties (left) and what is owed (right), one flat table so that even a very
    # long name can split across pages (a table nested in a cell cannot)
    head_rows = [[para(c.t("parties"), h2), "", para(c.t("owed"), h2), ""]]
    for k in range(max(len(c.parties), len(c.owed))):
        p_ = c.parties[k] if k < len(c.parties) else None
        o_ = c.owed[k] if k < len(c.owed) else None
        head_rows.append(
            [
                para(p_.label) if p_ else "",
                para(p_.text) if p_ else "",
                para(o_.label) if o_ else "",
                para(o_.text, num) if o_ else "",
            ]
        )
    head = Table(
        head_rows,
        colWidths=[frame_w * 0.14, frame_w * 0.34, frame_w * 0.27, frame_w * 0.25],
        splitInRow=1,
    )
    np_, no_ = len(c.parties), len(c.owed)
    head_style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("SPAN", (0, 0), (1, 0)),
        ("SPAN", (2, 0), (3, 0)),
    ]
    if np_:
        head_style += [
            ("GRID", (0, 1), (1, np_), 0.4, colors.grey),
            ("BACKGROUND", (0, 1), (0, np_), colors.HexColor("#F4F4F4")),
        ]
    if no_:
        head_style += [
            ("GRID", (2, 1), (3, no_), 0.4, colors.grey),
            ("BACKGROUND", (2, 1), (2, no_), colors.HexColor("#F4F4F4")),
            ("LINEABOVE", (2, no_), (3, no_), 1, colors.black),
        ]
    head.setStyle(TableStyle(head_style))

    n = len(c.plans)
    label_w, side_w = frame_w * 0.15, frame_w * 0.065  # "borrower" on one line
    col_w = (frame_w - label_w - side_w) / n
    rows = [
        [para(c.t("row"), bold)]
        + [para(name, bold) for name in c.plans]
        + [para(c.t("for"), small)]
    ]
    style = list(grid) + [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
        ("BACKGROUND", (0, 1), (0, -1), colors.HexColor("#F4F4F4")),
    ]
    for i, r in enumerate(c.rows, 1):
        line = [para(r.label)]
        for j, cell in enumerate(r.cells, 1):
            right_aligned = r.kind in ("amount", "rate", "months", "metric")
            line.append(
                para(cell.text + (" *" if cell.best else ""), num if right_aligned else base)
            )
            if cell.best:
                style.append(("BACKGROUND", (j, i), (j, i), colors.HexColor("#D9F2D9")))
        line.append(para(c.t("side_" + r.side) if r.side else "", small))
        rows.append(line)
        if r.key in ("waivers", "saving"):
            style.append(("LINEBELOW", (0, i), (-1, i), 0.9, colors.black))
    # the plans' names head the table on every page, unless a name is itself too long for one
    repeat = 1 if max(len(name) for name in c.plans) <= 200 else 0
    table = Table(
        rows, colWidths=[label_w] + [col_w] * n + [side_w], repeatRows=repeat, splitInRow=1
    )
    table.setStyle(TableStyle(style))

    story = [
        para(c.title, h1),
        head,
        Spacer(1, 2 * mm),
        para(c.t("plans"), h2),
        table,
        Spacer(1, 2 * mm),
        para(c.note, small),
    ]

    page_label = c.labels["page"]

    counted: list[int] = []
    _NumberedCanvas = _report.numbered_canvas(
        page_label, fname, size=7, x=page[0] / 2, y=6 * mm, counted=counted
    )
    stamp = _dt.datetime.now(_dt.UTC).replace(microsecond=0)

    def dated(canvas, _doc):
        canvas.setDateFormatter(lambda *_: stamp.strftime("D:%Y%m%d%H%M%S+00'00'"))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=10 * mm,
        bottomMargin=11 * mm,
        title=c.title,
        author=c.author,
        subject=c.subject,
        creator="repayplan",
        lang="zh-CN" if c.lang == "zh" else "en",
        invariant=1,
    )
    from reportlab.lib import textsplit as rl_textsplit
    from reportlab.platypus import paragraph as rl_paragraph

    # as in the annex: Chinese full-width punctuation never starts a line
    modules = (rl_paragraph, rl_textsplit)
    saved = [m.ALL_CANNOT_START for m in modules]
    for m, old in zip(modules, saved, strict=True):
        m.ALL_CANNOT_START = old + "".join(ch for ch in _report.CANNOT_START_ZH if ch not in old)
    try:
        doc.build(story, onFirstPage=dated, onLaterPages=dated, canvasmaker=_NumberedCanvas)
    finally:
        for m, old in zip(modules, saved, strict=True):
            m.ALL_CANNOT_START = old
    return buf.getvalue(), counted[0]


# -----------------------------------------------------------------------------------------
# xlsx
# -----------------------------------------------------------------------------------------
def _render_xlsx(c: _Content) -> bytes:
    for key, text in _report.field_texts(c):
        if len(text) > _report.XLSX_CELL_MAX:
            raise InputError(
                key,
                text,
                f"text of at most {_report.XLSX_CELL_MAX:,} characters in an xlsx "
                "cell (use the pdf sheet for longer text)",
            )
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    u = c.units
    digits = "#,##0" + ("." + "0" * u if u else "")
    if c.lang == "zh" and c.currency == "CNY":
        amount_fmt = f'"人民币"{digits}"元"'
    else:
        amount_fmt = f'"{c.currency} "{digits}'
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    shade = PatternFill("solid", fgColor="E8E8E8")
    green = PatternFill("solid", fgColor="D9F2D9")
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)

    wb = Workbook()
    ws = wb.active
    ws.title = c.t("sheet")

    def text_cell(row, col, text, **style):
        cell = ws.cell(row=row, column=col)
        cell.value = text
        cell.data_type = "s"
        if _report.neutralise_formula(text) != text:
            cell.quotePrefix = True
        for k, v in style.items():
            setattr(cell, k, v)
        return cell

    n = len(c.plans)
    last = n + 2  # label, plans, "for"
    text_cell(1, 1, c.title, font=Font(bold=True, size=14))
    r = 3
    text_cell(r, 1, c.t("parties"), font=bold)
    text_cell(r, 4 if n >= 3 else 3, c.t("owed"), font=bold)
    owed_col = 4 if n >= 3 else 3
    r0 = r + 1
    for k, it in enumerate(c.parties):
        text_cell(r0 + k, 1, it.label, border=box, fill=shade)
        if it.kind == "date":
            cell = ws.cell(row=r0 + k, column=2, value=it.value)
            cell.number_format = 'yyyy"年"m"月"d"日"' if c.lang == "zh" else "d mmm yyyy"
            cell.alignment = Alignment(horizontal="left")
        else:
            cell = text_cell(r0 + k, 2, it.text, alignment=wrap)
        cell.border = box
    for k, it in enumerate(c.owed):
        row = r0 + k
        text_cell(row, owed_col, it.label, border=box, fill=shade)
        if it.key == "total":
            col = get_column_letter(owed_col + 1)
            # a formula over the parts' cells (cell references only, nothing typed by a user)
            cell = ws.cell(row=row, column=owed_col + 1, value=f"=SUM({col}{r0}:{col}{row - 1})")
            cell.font = bold
            ws.cell(row=row, column=owed_col).font = bold
        else:
            cell = ws.cell(row=row, column=owed_col + 1, value=Decimal(it.value))
        cell.number_format = amount_fmt
        cell.border = box
    r = r0 + max(len(c.parties), len(c.owed)) + 1

    text_cell(r, 1, c.t("plans"), font=bold)
    r += 1
    head = r
    text_cell(head, 1, c.t("row"), font=bold, fill=shade, border=box)
    for j, name in enumerate(c.plans, 2):
        text_cell(head, j, name, font=bold, fill=shade, border=box, alignment=wrap)
    text_cell(head, last, c.t("for"), font=bold, fill=shade, border=box)
    where: dict[str, int] = {}
    for row in c.rows:
        r += 1
        where[row.key] = r
        text_cell(r, 1, row.label, fill=shade, border=box, alignment=wrap)
        for j, cell in enumerate(row.cells, 2):
            v = cell.value
            if row.key == "saving":
                col = get_column_letter(j)
                x = ws.cell(
                    row=r,
                    column=j,
                    value=f"={col}{where['contract_cost']}-{col}{where['total_paid']}",
                )
                x.number_format = amount_fmt
            elif row.kind == "amount":
                x = ws.cell(row=r, column=j, value=Decimal(v))
                x.number_format = amount_fmt
            elif row.kind == "rate":
                x = ws.cell(row=r, column=j, value=float(v))
                places = max(2, len(cell.text.rstrip("%").partition(".")[2]))
                x.number_format = "0." + "0" * places + "%"
            elif row.kind == "months":
                x = ws.cell(row=r, column=j, value=int(v))
                x.number_format = '0"个月"' if c.lang == "zh" else '0" months"'
            elif row.kind == "metric":
                x = ws.cell(row=r, column=j, value=float(v))
                x.number_format = _metric_format(row.key, cell.text)
            else:
                x = text_cell(r, j, cell.text, alignment=wrap)
            x.border = box
            if row.kind != "text":
                x.alignment = Alignment(horizontal="right", vertical="top")
            if cell.best:
                x.fill, x.font = green, bold
        text_cell(r, last, c.t("side_" + row.side) if row.side else "", border=box)
        if (
            row.key == "waivers"
        ):  # the parts under the amount, as text (the PDF has them in the cell)
            r += 1
            text_cell(r, 1, c.t("waiver_parts"), fill=shade, border=box, alignment=wrap)
            for j, cell in enumerate(row.cells, 2):
                text_cell(r, j, cell.text.partition("\n")[2] or "—", border=box, alignment=wrap)
            text_cell(r, last, c.t("side_" + row.side), border=box)
    r += 2
    text_cell(r, 1, c.note, alignment=wrap)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
    width = 30 + 22 * n + 10  # the columns' widths below, in characters
    ws.row_dimensions[r].height = 15 * max(
        2, -(-_report.display_width(c.note) * 11 // (width * 10))
    )
    text_cell(r + 1, 1, c.t("green"))

    ws.column_dimensions["A"].width = 30
    for j in range(2, last):
        ws.column_dimensions[get_column_letter(j)].width = 22
    ws.column_dimensions[get_column_letter(last)].width = 10
    _report.print_setup(ws, c.labels, landscape=True)
    ws.page_setup.fitToHeight = 1  # one page: fit to one page wide and one tall
    ws.print_area = f"A1:{get_column_letter(last)}{r + 1}"
    wb.properties.title = c.title
    wb.properties.creator = c.author or "repayplan"
    wb.properties.subject = c.subject
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _metric_format(key: str, text: str) -> str:
    """The number format that shows a metric as :func:`repayplan.evaluate.format_metric` prints it."""
    if text.endswith("%"):
        places = len(text.rstrip("%").partition(".")[2].split(" ")[0])
        return "0" + ("." + "0" * places if places else "") + "%"
    places = len(text.partition(".")[2])
    return "#,##0" + ("." + "0" * places if places else "")
