"""The annex as an xlsx workbook (openpyxl): the Terms and the Schedule sheets."""

from __future__ import annotations

import io
import math
from decimal import Decimal

from ..errors import InputError
from .formats import display_width
from .model import AMOUNT_COLUMNS, Annex, Item
from .safety import field_texts, neutralise_formula

#: The most characters one xlsx cell holds (Excel's limit: it cuts longer text without a
#: word); a longer text is refused before anything is written.
XLSX_CELL_MAX = 32_767


def render_xlsx(a: Annex) -> bytes:
    for key, text in field_texts(a):  # refused before anything is written, never cut
        if len(text) > XLSX_CELL_MAX:
            raise InputError(
                key,
                text,
                f"text of at most {XLSX_CELL_MAX:,} characters in an xlsx "
                "cell (use the pdf, html or md annex for longer text)",
            )
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    L, u = a.labels, a.minor_units
    amount_fmt = "#,##0" + ("." + "0" * u if u else "")
    date_fmt = 'yyyy"年"m"月"d"日"' if a.lang == "zh" else "d mmm yyyy"
    bold = Font(bold=True)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E8E8E8")
    wrap = Alignment(wrap_text=True, vertical="top")

    def text_cell(ws, row, col, text, **style):
        """A string cell that can never be a formula: explicit string type, quote prefix."""
        c = ws.cell(row=row, column=col)
        c.value = text
        c.data_type = "s"
        if neutralise_formula(text) != text:
            c.quotePrefix = True
        for k, v in style.items():
            setattr(c, k, v)
        return c

    def typed_cell(ws, row, col, it: Item):
        if it.kind == "amount":
            c = ws.cell(row=row, column=col, value=Decimal(it.value))
            c.number_format = amount_fmt
        elif it.kind == "date":
            c = ws.cell(row=row, column=col, value=it.value)
            c.number_format = date_fmt
        elif it.kind == "int" and it.text == str(it.value):
            c = ws.cell(row=row, column=col, value=int(it.value))
        elif it.kind == "rate":
            c = ws.cell(row=row, column=col, value=float(it.value))
            places = max(2, len(it.text.rstrip("%").partition(".")[2]))
            c.number_format = "0." + "0" * places + "%"
        else:
            c = text_cell(ws, row, col, it.text)
        c.alignment = Alignment(
            vertical="top", horizontal="left" if it.kind in ("text", "int") else None
        )
        return c

    wb = Workbook()
    # -- sheet 1: terms --------------------------------------------------------------------
    ws = wb.active
    ws.title = L["sheet_terms"]
    text_cell(ws, 1, 1, a.title, font=Font(bold=True, size=14))
    r = 3
    label_w, value_w = 30, 70
    sections = [(L["header"], a.header)]
    if a.composition:
        sections.append((L["claim"], a.composition))
    for heading, items in sections:
        text_cell(ws, r, 1, heading, font=Font(bold=True, size=12))
        r += 1
        for it in items:
            text_cell(ws, r, 1, it.label, alignment=wrap, border=box)
            c = typed_cell(ws, r, 2, it)
            c.border = box
            if it.key == "total":
                ws.cell(row=r, column=1).font = bold
                c.font = bold
            r += 1
        r += 1
    text_cell(ws, r, 1, L["clauses"], font=Font(bold=True, size=12))
    r += 1
    for k, cl in enumerate(a.clauses, 1):
        text_cell(ws, r, 1, f"{k}. {cl.label}", alignment=wrap, font=bold)
        text_cell(ws, r, 2, cl.text, alignment=wrap)
        lines = max(
            math.ceil(display_width(cl.text) / (value_w * 1.1)),
            math.ceil(display_width(cl.label) / label_w),
            1,
        )
        ws.row_dimensions[r].height = 15 * lines
        r += 1
    ws.column_dimensions["A"].width = label_w
    ws.column_dimensions["B"].width = value_w
    print_setup(ws, L, landscape=False)

    # -- sheet 2: the instalment table -------------------------------------------------------
    ws = wb.create_sheet(L["sheet_schedule"])
    ncol = len(a.columns)
    for j, h in enumerate(a.table.columns, 1):
        text_cell(
            ws,
            1,
            j,
            h,
            font=bold,
            fill=head_fill,
            border=box,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    widths = [display_width(h) + 2 for h in a.table.columns]
    for i, row in enumerate(a.table.itertuples(index=False, name=None), 2):
        for j, (k, v) in enumerate(zip(a.columns, row, strict=True), 1):
            c = ws.cell(row=i, column=j, value=(Decimal(v) if k in AMOUNT_COLUMNS else v))
            c.border = box
            if k in AMOUNT_COLUMNS:
                c.number_format = amount_fmt
            elif k == "date":
                c.number_format = date_fmt
            widths[j - 1] = max(widths[j - 1], display_width(a.cell_text(k, v)) + 2)
    total_row = len(a.table) + 2
    top = Border(left=thin, right=thin, top=Side(style="medium"), bottom=Side(style="double"))
    for j, k in enumerate(a.columns, 1):
        if k == "period":
            c = text_cell(ws, total_row, j, L["total"])
        elif k in a.totals:
            # a formula over the schedule's cells (built here from cell references only:
            # nothing typed by a user reaches a formula), with the exact total cached
            col = get_column_letter(j)
            c = ws.cell(row=total_row, column=j, value=f"=SUM({col}2:{col}{total_row - 1})")
            c.number_format = amount_fmt
            widths[j - 1] = max(widths[j - 1], len(a.amount_text(a.totals[k])) + 2)
        else:
            c = ws.cell(row=total_row, column=j)
        c.font, c.border = bold, top
    r = total_row + 2
    if a.words:
        text_cell(ws, r, 1, L["in_words"], font=bold)
        r += 1
        last = get_column_letter(max(ncol, 3))
        for it in a.words:
            text_cell(ws, r, 1, it.label)
            c = ws.cell(row=r, column=2, value=Decimal(it.value))
            c.number_format = amount_fmt
            text_cell(ws, r, 3, it.text)
            if ncol > 3:
                ws.merge_cells(f"C{r}:{last}{r}")
            r += 1
    for j, wdt in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(wdt, 8), 40)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_setup(ws, L, landscape=False)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def print_setup(ws, L, *, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = L["page"].format(page="&P", pages="&N")
