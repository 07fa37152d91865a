"""The annex as an A4 PDF (reportlab), with page numbers and glyph warnings."""

from __future__ import annotations

import datetime as _dt
import html
import io
from typing import Any

from .fonts import pdf_font
from .formats import colon, currency_name
from .model import AMOUNT_COLUMNS, Annex, total_cell
from .safety import field_texts


def numbered_canvas(
    label: str, font: str, *, size: float, x: float, y: float, counted: list | None = None
):
    """A reportlab canvas class that draws ``label.format(page=n, pages=N)`` centred at
    ``(x, y)`` on each page once the number of pages is known (the annex and the borrower's
    comparison sheet); the number of pages is appended to ``counted`` when given.
    """
    from reportlab.pdfgen import canvas as rl_canvas

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            if counted is not None:
                counted.append(total)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, size)
                self.drawCentredString(x, y, label.format(page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


class GlyphWarning(UserWarning):
    """Some text of a PDF annex cannot be drawn as written: the font has no glyph for some
    characters (emoji, scripts it does not cover), or the text runs right to left (Arabic,
    Hebrew), which the PDF draws left to right, unshaped.  The warning names the field and
    the characters, so nothing vanishes from the page without a word.

    Examples
    --------
    >>> import warnings
    >>> import repayplan as rp
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = rp.report.render(rp.amortize(1_000, 0.06, 3), "pdf", borrower="Acme 😀 Ltd")
    >>> print(caught[0].message)
    borrower: the PDF font has no glyph for '😀' (U+1F600); it prints as a blank
    """


def warn_missing_glyphs(a: Any, fname: str) -> None:
    import unicodedata as ud
    import warnings

    from reportlab.pdfbase import pdfmetrics

    face = getattr(pdfmetrics.getFont(fname), "face", None)
    cmap = getattr(face, "charToGlyph", None)

    def has(c: str) -> bool:
        if c in "\t\r\n" or ud.category(c) in ("Cc", "Cf", "Zl", "Zp"):
            return True
        if cmap is not None:
            return ord(c) in cmap
        try:  # a standard PDF font: Latin-1 only
            c.encode("latin-1")
            return True
        except UnicodeEncodeError:
            return False

    for key, text in field_texts(a):
        missing = sorted({c for c in text if not has(c)})
        if missing:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            one = len(missing) == 1
            warnings.warn(
                GlyphWarning(
                    f"{key}: the PDF font has no glyph for {shown}{more}; "
                    f"{'it prints' if one else 'they print'} as {'a blank' if one else 'blanks'}"
                ),
                stacklevel=4,
            )
        if any(ud.bidirectional(c) in ("R", "AL") for c in text):
            warnings.warn(
                GlyphWarning(
                    f"{key}: right-to-left text is drawn left to right and unshaped in the PDF; "
                    "use the html or xlsx annex for it"
                ),
                stacklevel=4,
            )


#: Full-width punctuation that never starts a line of Chinese text (GB/T 15834, 标点符号用法).
CANNOT_START_ZH = "，。、；：！？）》」』】％"


def render_pdf(a: Annex, font=None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fname = pdf_font(a, font)
    warn_missing_glyphs(a, fname)
    L = a.labels
    wrapmode = "CJK" if a.lang == "zh" else None
    base = ParagraphStyle("annex", fontName=fname, fontSize=9, leading=12, wordWrap=wrapmode)
    small = ParagraphStyle("annex-small", parent=base, fontSize=7.5, leading=9.5)
    num = ParagraphStyle("annex-num", parent=small, alignment=TA_RIGHT)
    head = ParagraphStyle("annex-head", parent=small, alignment=TA_CENTER)
    num_base = ParagraphStyle("annex-num-base", parent=base, alignment=TA_RIGHT)
    h1 = ParagraphStyle("annex-h1", parent=base, fontSize=15, leading=20, spaceAfter=6)
    h2 = ParagraphStyle(
        "annex-h2", parent=base, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4
    )

    def para(text, style=base):
        # user text is escaped: Paragraph reads a mini-markup, so "<script>" must stay text
        return Paragraph(html.escape(str(text), quote=False).replace("\n", "<br/>"), style)

    page_label = L["page"]

    _NumberedCanvas = numbered_canvas(page_label, fname, size=8, x=A4[0] / 2, y=10 * mm)

    frame_w = A4[0] - 36 * mm
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F4F4F4")),
        ]
    )

    def items_table(items, right=False):
        rows = [
            [para(it.label), para(it.text, num_base if right and it.kind == "amount" else base)]
            for it in items
        ]
        # a long name wraps and its row may continue on the next page (never a LayoutError)
        t = Table(rows, colWidths=[frame_w * 0.34, frame_w * 0.66], splitInRow=1)
        t.setStyle(grid)
        return t

    story = [para(a.title, h1), para(L["header"], h2), items_table(a.header)]
    if a.composition:
        story += [para(L["claim"], h2), items_table(a.composition, right=True)]
    story += [
        para(L["schedule"], h2),
        para(L["unit"].format(currency=currency_name(a.currency, a.lang)), small),
        Spacer(1, 2 * mm),
    ]
    header = [para(h, head) for h in a.table.columns]
    body = [
        [
            para(a.cell_text(k, v), num if k in AMOUNT_COLUMNS or k == "period" else small)
            for k, v in zip(a.columns, row, strict=True)
        ]
        for row in a.table.itertuples(index=False, name=None)
    ]
    totals = [para(total_cell(a, k), num if k in AMOUNT_COLUMNS else small) for k in a.columns]
    weights = {"period": 0.55, "date": 1.25}
    wsum = sum(weights.get(k, 1.3) for k in a.columns)
    widths = [frame_w * weights.get(k, 1.3) / wsum for k in a.columns]
    sched = Table([header, *body, totals], colWidths=widths, repeatRows=1)
    sched.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                ("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    story.append(sched)
    if a.words:
        story.append(para(L["in_words"], h2))
        rows = [[para(w.label), para(a.amount_text(w.value), num), para(w.text)] for w in a.words]
        t = Table(rows, colWidths=[frame_w * 0.22, frame_w * 0.2, frame_w * 0.58], splitInRow=1)
        t.setStyle(grid)
        story.append(t)
    story.append(para(L["clauses"], h2))
    for k, c in enumerate(a.clauses, 1):
        story.append(para(f"{k}. {c.label}{colon(a.lang)}{c.text}"))
        story.append(Spacer(1, 1.5 * mm))
    story.append(Spacer(1, 14 * mm))
    sep = colon(a.lang)
    sig = Table(
        [
            [para(L["signature_creditor"] + sep), para(L["signature_borrower"] + sep)],
            [para(L["signature_date"] + sep), para(L["signature_date"] + sep)],
        ],
        colWidths=[frame_w / 2, frame_w / 2],
        rowHeights=[16 * mm, 8 * mm],
    )
    story.append(sig)

    buf = io.BytesIO()
    head = {it.key: it.text for it in a.header}
    author = head.get("creditor", "")
    subject = " — ".join(
        x for x in (head.get("contract"), head.get("borrower"), head.get("plan_name")) if x
    )
    created = a.created or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    # invariant mode keeps the file identifier a function of the content (the same Annex
    # renders to the same bytes); the dates are the annex's own, not reportlab's 2000-01-01
    stamp = created.astimezone(_dt.UTC)
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=a.title,
        author=author,
        subject=subject,
        creator="repayplan",
        lang="zh-CN" if a.lang == "zh" else "en",
        invariant=1,
    )

    def dated(canvas, _doc):
        canvas.setDateFormatter(lambda *_: stamp.strftime("D:%Y%m%d%H%M%S+00'00'"))

    from reportlab.lib import textsplit as rl_textsplit
    from reportlab.platypus import paragraph as rl_paragraph

    # reportlab's list of characters that cannot start a line lacks the full-width
    # punctuation of Chinese (，；：！？): add them while this document wraps its lines
    modules = (rl_paragraph, rl_textsplit)
    saved = [m.ALL_CANNOT_START for m in modules]
    for m, old in zip(modules, saved, strict=True):
        m.ALL_CANNOT_START = old + "".join(c for c in CANNOT_START_ZH if c not in old)
    try:
        doc.build(story, onFirstPage=dated, onLaterPages=dated, canvasmaker=_NumberedCanvas)
    finally:
        for m, old in zip(modules, saved, strict=True):
            m.ALL_CANNOT_START = old
    return buf.getvalue()
