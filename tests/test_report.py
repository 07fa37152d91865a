"""Agreement tables (repayplan.report): xlsx, pdf, html, csv and markdown annexes.

Oracles
-------
* A 3-month loan of 1,000.00 at 6 % (level), computed by hand: payment
  ``1000 × 0.005 / (1 − 1.005⁻³) = 336.672…`` → 336.67; interest 5.00, 3.34165 → 3.34,
  1.675 → 1.68 (half-up); principal 331.67, 333.33, 335.00; balances 668.33, 335.00, 0.00;
  the last payment 336.68 absorbs the residual.  Totals: paid 1,010.02, interest 10.02,
  principal 1,000.00.
* Amounts in words of those totals written by hand from the PBoC rules (银发〔1997〕393号
  附一 四(四): 零 after 元 when the 角位 is 0): 1,010.02 → 壹仟零壹拾元零贰分; and in English
  cheque style: "one thousand ten and 02/100".
* The restructuring case (a 1.2M CNY claim of a manufacturer) by hand: penalty waived
  12,000 × 50 % = 6,000.00; interest waived 38,000 × 20 % = 7,600.00; arrears paid at
  signing (38,000 − 7,600) + (12,000 − 6,000) + 2,000 = 38,400, plus a 10,000 down
  payment = 48,400.00; claim total 1,150,000 + 38,000 + 12,000 + 2,000 = 1,202,000.00;
  penalty rate 4.35 % × 1.5 = 6.525 %.  After 3 months of interest-only grace on
  1,140,000.00 at 5 % (4,750.00 a month = 1,140,000 × 0.05 / 12), the level payment over
  33 months is ``1140000 × r / (1 − (1 + r)⁻³³)``, r = 0.05/12, = 37,046.671… → 37,046.67.
* Every other figure in a rendered annex is checked against the schedule it was rendered
  from, cell by cell, to the cent; every total against the exact sum of its column and
  against the engine's own totals (``total_paid``, ``total_interest``).
* Formula injection: OWASP "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection)
  and OWASP ASVS 4.0 requirement 1.2.10: no cell may begin with ``=``, ``+``, ``-``, ``@``,
  tab or CR; a leading ``'`` makes the spreadsheet read the cell as text.
* Art. 70 of 《商业银行信用卡业务监督管理办法》 (银监会令2011年第2号): the agreement states
  (一) 欠款余额、结构、币种; (二) 还款周期、方式、币种、日期和每期还款金额; (三) 还款期间是否
  计收年费、利息和其他费用; (四) the credit-card undertaking; (五) 违约责任; (六) 其他事项.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pypdf
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from repayplan import report
from repayplan.claim import Claim
from repayplan.errors import InputError, RepayplanError
from repayplan.plans import Plan
from repayplan.report import annex, neutralise_formula, render, write
from repayplan.schedule import amortize

EVIL = '=HYPERLINK("http://x","y") <script>alert(1)</script>'
TRIGGERS = set("=+-@\t\r")


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------
def small_schedule(**kw):
    return amortize(1_000, 0.06, 3, start=dt.date(2027, 1, 1), **kw)


SMALL = small_schedule()
CLAIM = Claim(
    principal=1_150_000,
    overdue_principal=150_000,
    interest=38_000,
    overdue_interest=30_000,
    penalty=12_000,
    compound=1_500,
    fees=2_000,
    annual_rate=0.0435,
    penalty_markup=0.5,
    rules="cn-bank",
    as_of=dt.date(2026, 12, 1),
)
PLAN = Plan(
    term=36,
    annual_rate=0.05,
    penalty_waiver=0.5,
    interest_waiver=0.2,
    capitalize_arrears=False,
    down_payment=10_000,
    grace=3,
    name="Workout A",
)
SCHED = PLAN.schedule(CLAIM)
PARTIES = dict(
    claim=CLAIM,
    borrower="华东精密制造有限公司",
    creditor="Bank of Example, Shanghai Branch",
    agreement_date=dt.date(2026, 12, 1),
)


def D(x) -> Decimal:
    return Decimal(str(x))


def cents(x) -> Decimal:
    """A number read from a spreadsheet cell, to the cent."""
    return D(x).quantize(Decimal("0.01"))


def fmt(x) -> str:
    return f"{Decimal(x):,.2f}"


# ---------------------------------------------------------------------------------------------
# The content model
# ---------------------------------------------------------------------------------------------
def test_hand_computed_small_schedule_and_its_totals():
    a = annex(SMALL)
    t = a.table
    assert list(t["Amount due"]) == [D("336.67"), D("336.67"), D("336.68")]
    assert list(t["Interest"]) == [D("5.00"), D("3.34"), D("1.68")]
    assert list(t["Principal"]) == [D("331.67"), D("333.33"), D("335.00")]
    assert list(t["Closing balance"]) == [D("668.33"), D("335.00"), D("0.00")]
    assert a.totals == {"payment": D("1010.02"), "interest": D("10.02"), "principal": D("1000.00")}
    words = {w.key: w.text for w in a.words}
    assert words["total_payable"] == "CNY one thousand ten and 02/100"
    assert words["total_interest"] == "CNY ten and 02/100"
    zh = {w.key: w.text for w in annex(SMALL, lang="zh").words}
    assert zh["total_payable"] == "人民币壹仟零壹拾元零贰分"
    assert zh["total_interest"] == "人民币壹拾元零贰分"
    assert zh["total_principal"] == "人民币壹仟元整"


def test_labels_in_english_and_chinese():
    assert list(annex(SMALL).table.columns) == [
        "No.",
        "Due date",
        "Opening balance",
        "Amount due",
        "Interest",
        "Principal",
        "Closing balance",
    ]
    assert list(annex(SMALL, lang="zh").table.columns) == [
        "期数",
        "还款日期",
        "期初本金余额",
        "应还金额",
        "利息",
        "本金",
        "期末本金余额",
    ]
    a = annex(SCHED, lang="zh", plan=PLAN, **PARTIES)
    labels = {it.key: it.label for it in a.header}
    assert labels["borrower"] == "借款人" and labels["creditor"] == "债权人"
    assert {it.key: it.label for it in a.words}["total_payable"] == "应还总额"


def test_restructuring_case_by_hand():
    a = annex(SCHED, **PARTIES)
    h = {it.key: it for it in a.header}
    assert h["waived_penalty"].value == D("6000.00")
    assert h["waived_interest"].value == D("7600.00")
    assert h["waived_total"].value == D("13600.00")
    assert h["signing"].value == D("48400.00")
    assert h["penalty_rate"].text == "6.525%"
    r = 0.05 / 12
    closed_form = 1_140_000 * r / (1 - (1 + r) ** -33)
    assert h["regular_payment"].value == D(closed_form).quantize(Decimal("0.01"), ROUND_HALF_UP)
    grace = a.table[a.table["No."].between(1, 3)]
    assert list(grace["Interest"]) == [D("4750.00")] * 3  # 1,140,000 x 5 % / 12
    comp = {it.key: it.value for it in a.composition}
    assert comp["total"] == D("1202000.00")
    assert sum(v for k, v in comp.items() if k != "total") == comp["total"]
    assert comp == {k: v for k, v in CLAIM.components().items() if v != 0}


def test_dates_and_amounts_formatted_for_the_locale():
    en = annex(SCHED, **PARTIES)
    zh = annex(SCHED, lang="zh", **PARTIES)
    assert en.date_text(dt.date(2027, 1, 1)) == "1 Jan 2027"
    assert zh.date_text(dt.date(2027, 1, 1)) == "2027年1月1日"
    assert {i.key: i.text for i in en.header}["first_due"] == "1 Jan 2027"
    assert {i.key: i.text for i in zh.header}["last_due"] == "2029年12月1日"
    assert {i.key: i.text for i in en.header}["signing"] == "CNY 48,400.00"
    assert {i.key: i.text for i in zh.header}["signing"] == "人民币48,400.00元"
    jpy = annex(amortize(1_000_000, 0.05, 12, currency="JPY", start=dt.date(2027, 1, 1)))
    assert jpy.amount_text(Decimal(1234567)) == "1,234,567"
    assert jpy.words[0].text.startswith("JPY ")


def test_clauses_state_the_items_of_article_70():
    a = annex(SCHED, **PARTIES)
    c = {it.key: it.text for it in a.clauses}
    # (一) balance owed, composition, currency
    assert (
        "CNY 1,202,000.00" in c["balance"]
        and "one million two hundred two thousand" in c["balance"]
    )
    # (二) cycle, method, currency, dates, amounts
    assert "monthly" in c["repayment"] and "36 instalments in CNY" in c["repayment"]
    assert "1 Jan 2027" in c["repayment"] and "1 Dec 2029" in c["repayment"]
    assert "CNY 48,400.00 is payable on signing" in c["repayment"]
    # (三) interest and fees while the plan runs; penalty interest stops
    assert "5.00% a year" in c["interest"] and "no penalty interest" in c["interest"]
    assert "No annual fee" in c["interest"]
    # what was waived, per part, conditional on performance
    assert (
        "CNY 6,000.00 of penalty" in c["waivers"]
        and "CNY 7,600.00 of contract interest" in c["waivers"]
    )
    assert "conditional" in c["waivers"] and "revoked" in c["waivers"]
    # (五) consequence of a missed instalment
    assert (
        "6.525% a year" in c["default"]
        and "revoked" in c["default"]
        and "due at once" in c["default"]
    )
    assert "card" not in c
    zh = {it.key: it.text for it in annex(SCHED, lang="zh", **PARTIES).clauses}
    assert "人民币壹佰贰拾万贰仟元整" in zh["balance"]
    assert "按月还款" in zh["repayment"] and "共36期" in zh["repayment"]
    assert "停止计收罚息和复利" in zh["interest"]
    assert "减免撤销" in zh["waivers"]
    assert "按年利率6.525%计收罚息" in zh["default"]


def test_unconditional_waivers_custom_default_clause_notes_and_credit_card():
    plan = PLAN.replace(waivers_conditional=False)
    a = annex(
        plan.schedule(CLAIM),
        claim=CLAIM,
        default_clause="Clause 9 of the loan contract applies.",
        notes=["Guarantor 张三 keeps his guarantee.", "+ second note"],
    )
    c = {it.key: it.text for it in a.clauses}
    assert "unconditional" in c["waivers"]
    assert c["default"] == "Clause 9 of the loan contract applies."
    assert c["note_1"] == "Guarantor 张三 keeps his guarantee." and c["note_2"] == "+ second note"
    card = CLAIM.replace(product="credit_card")
    zh = {it.key: it.text for it in annex(PLAN.schedule(card), lang="zh", claim=card).clauses}
    assert "不向任何银行申领信用卡" in zh["card"]


def test_no_waiver_plan_says_nothing_is_waived():
    plan = Plan(term=12, annual_rate=0.05)
    c = {it.key: it.text for it in annex(plan.schedule(CLAIM), claim=CLAIM).clauses}
    assert c["waivers"] == "Nothing is waived."
    assert "revoked" not in c["default"]


def test_rate_changes_of_a_bare_schedule_are_stated():
    s = amortize(10_000, 0.06, 24, rate_changes={13: 0.07}, start=dt.date(2027, 1, 1))
    c = {it.key: it.text for it in annex(s).clauses}
    assert "6.00% a year, and at 7.00% a year from instalment 13" in c["interest"]
    assert "waivers" not in c  # a bare schedule knows of no waiver
    zh = {it.key: it.text for it in annex(s, lang="zh").header}
    assert zh["rate"] == "6.00%；自第13期起7.00%"


def test_settlement_plan():
    claim = Claim(
        principal=50_000,
        interest=2_000,
        penalty=1_000,
        annual_rate=0.18,
        as_of=dt.date(2026, 6, 15),
        rules="cn-bank",
        penalty_markup=0.5,
    )
    plan = Plan(settlement_discount=0.2, settlement_by=2)
    s = plan.schedule(claim)
    a = annex(s, claim=claim)
    h = {it.key: it for it in a.header}
    assert h["method"].text == "lump-sum settlement"
    assert h["waived_settlement"].value == D("10600.00")  # 20 % of 53,000.00
    c = {it.key: it.text for it in a.clauses}
    assert "CNY 42,400.00 in one payment" in c["repayment"]
    assert "no interest" in c["interest"]
    for fmt_ in report.FORMATS:
        assert render(s, fmt_, claim=claim)


def test_varying_instalments_are_labelled_as_first_instalment():
    a = annex(amortize(12_000, 0.06, 12, method="equal_principal", start=dt.date(2027, 1, 1)))
    keys = {it.key: it for it in a.header}
    assert "first_payment" in keys and "regular_payment" not in keys
    assert keys["first_payment"].value == D("1060.00")  # 1,000 + 12,000 x 0.5 %


def test_fee_column_and_total_payable_include_fees():
    s = small_schedule(fee=10)
    a = annex(s)
    assert a.columns[-1] == "fee"
    assert a.totals["fee"] == D("30.00")
    words = {w.key: w for w in a.words}
    assert words["total_payable"].value == D("1040.02") == s.total_paid
    assert words["total_fees"].value == D("30.00")


def test_schedule_without_dates_renders():
    s = amortize(1_000, 0.06, 3)
    for fmt_ in report.FORMATS:
        assert render(s, fmt_)
    assert annex(s).table["Due date"].tolist() == [None, None, None]


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------
def load_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def column_sum(ws, column, total_row):
    """What the totals row's SUM formula of ``column`` adds up: the schedule's cells above it."""
    return sum(
        (cents(ws.cell(row=r, column=column).value) for r in range(2, total_row)), Decimal(0)
    )


def check_xlsx_table(ws, schedule, totals_label="Total"):
    """Every amount and date of the table and the totals row, to the cent."""
    t = schedule.table
    cols = [
        "period",
        "date",
        "opening_balance",
        "payment",
        "interest",
        "principal",
        "closing_balance",
    ]
    if any(v != 0 for v in t["fee"]):
        cols.append("fee")
    for i, row in enumerate(t.itertuples(index=False), start=2):
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(row=i, column=j)
            expected = getattr(row, col)
            if col == "period":
                assert cell.value == expected
            elif col == "date":
                assert cell.value.date() == expected.date()
            else:
                assert cents(cell.value) == expected, (i, col)
                assert cell.data_type == "n"
    total_row = len(t) + 2
    assert ws.cell(row=total_row, column=1).value == totals_label
    sums = {c: sum(t[c], Decimal(0)) for c in cols[2:]}
    for j, col in enumerate(cols, start=1):
        v = ws.cell(row=total_row, column=j).value
        if col in ("payment", "interest", "principal", "fee"):
            # a SUM over exactly the schedule's cells of the column; what it sums is the total
            letter = get_column_letter(j)
            assert v == f"=SUM({letter}2:{letter}{total_row - 1})"
            assert ws.cell(row=total_row, column=j).data_type == "f"
            assert column_sum(ws, j, total_row) == sums[col]
        else:
            assert v in (None, totals_label)
    return total_row


def test_xlsx_every_amount_and_the_totals_match_the_schedule():
    wb = load_xlsx(render(SCHED, "xlsx", **PARTIES))
    assert wb.sheetnames == ["Terms", "Schedule"]
    ws = wb["Schedule"]
    total_row = check_xlsx_table(ws, SCHED)
    assert column_sum(ws, 4, total_row) == SCHED.total_paid
    assert column_sum(ws, 5, total_row) == SCHED.total_interest
    assert ws.freeze_panes == "A2"
    assert ws.cell(row=2, column=4).number_format == "#,##0.00"
    assert ws.column_dimensions["C"].width >= len("1,188,400.00")
    # amounts in words below the totals
    words = {
        ws.cell(row=r, column=1).value: (
            ws.cell(row=r, column=2).value,
            ws.cell(row=r, column=3).value,
        )
        for r in range(total_row + 1, ws.max_row + 1)
    }
    amount, text = words["Total payable"]
    assert cents(amount) == SCHED.total_paid
    assert text.startswith("CNY one million two hundred eighty-five thousand one hundred ninety")
    # header block on the terms sheet
    terms = wb["Terms"]
    rows = {
        terms.cell(row=r, column=1).value: terms.cell(row=r, column=2)
        for r in range(1, terms.max_row + 1)
    }
    assert rows["Borrower"].value == "华东精密制造有限公司"
    assert cents(rows["Total waived"].value) == D("13600.00")
    assert rows["Agreement date"].value.date() == dt.date(2026, 12, 1)
    assert cents(rows["Total"].value) == D("1202000.00")


def test_xlsx_in_chinese_and_yen():
    wb = load_xlsx(render(SCHED, "xlsx", lang="zh", **PARTIES))
    ws = wb["还款计划表"]
    assert [c.value for c in ws[1]] == [
        "期数",
        "还款日期",
        "期初本金余额",
        "应还金额",
        "利息",
        "本金",
        "期末本金余额",
    ]
    check_xlsx_table(ws, SCHED, totals_label="合计")
    s = amortize(1_000_000, 0.05, 12, currency="JPY", start=dt.date(2027, 1, 1))
    ws = load_xlsx(render(s, "xlsx"))["Schedule"]
    assert ws.cell(row=2, column=4).number_format == "#,##0"
    check_xlsx_table(ws, s)


def test_xlsx_the_only_formulas_are_the_totals_sums_over_the_schedule():
    data = render(SCHED, "xlsx", **PARTIES | {"borrower": EVIL, "notes": ["@SUM(A1:A2)", "-1+1"]})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")}
    formulas = [f for x in sheets.values() for f in re.findall(r"<f>(.*?)</f>", x)]
    total_row = len(SCHED.table) + 2
    assert formulas == [
        f"SUM({c}2:{c}{total_row - 1})" for c in "DEF"
    ]  # payment, interest, principal
    assert all(
        len(re.findall(r"<f[ >]", x)) == 0 for n, x in sheets.items() if n.endswith("sheet1.xml")
    )
    wb = load_xlsx(data)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":  # never built from user text: a SUM of cell references
                    assert ws.title == "Schedule" and c.row == total_row
                    assert re.fullmatch(r"=SUM\(([A-Z])2:\1\d+\)", c.value)


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------
def pdf_text(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def test_pdf_text_has_every_amount_chinese_labels_and_page_numbers():
    data = render(SCHED, "pdf", lang="zh", **PARTIES)
    reader, text = pdf_text(data)
    flat = text.replace(" ", "").replace("\n", "")
    for label in (
        "附件：还款计划表",
        "期数",
        "还款日期",
        "应还金额",
        "期末本金余额",
        "合计",
        "大写金额",
        "借款人",
        "债权人",
        "华东精密制造有限公司",
        "违约责任",
        "人民币壹佰贰拾捌万伍仟壹佰玖拾元零壹角柒分",
    ):
        assert label in flat, label
    for row in SCHED.table.itertuples(index=False):
        for amount in (row.payment, row.interest, row.principal, row.closing_balance):
            assert fmt(amount) in text
    for total in (SCHED.total_paid, SCHED.total_interest, SCHED.principal):
        assert fmt(total) in text
    n = len(reader.pages)
    assert n >= 2
    for k in range(1, n + 1):
        assert f"第{k}页共{n}页" in flat
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_pdf_embeds_its_cjk_font():
    reader, _ = pdf_text(render(SMALL, "pdf", lang="zh"))
    embedded = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if desc is not None and "/FontFile2" in desc.get_object():
                embedded.append(str(font["/BaseFont"]))
    assert embedded and all("+" in name for name in embedded)  # subset-embedded TrueType


def test_pdf_english_page_numbers_and_determinism():
    a = annex(SCHED, **PARTIES)
    first = render(a, "pdf")
    assert first == render(a, "pdf")
    reader, text = pdf_text(first)
    n = len(reader.pages)
    assert f"Page 1 of {n}" in text and f"Page {n} of {n}" in text
    assert "1 Jan 2027" in text and "CNY 48,400.00" in text


def test_pdf_without_a_cjk_font(monkeypatch):
    monkeypatch.setattr(report.fonts, "CJK_FONT_CANDIDATES", ())
    monkeypatch.delenv("REPAYPLAN_CJK_FONT", raising=False)
    _, text = pdf_text(render(SMALL, "pdf"))  # English, Latin-1: Helvetica
    assert "336.68" in text and "Page 1 of 1" in text
    with pytest.raises(RepayplanError, match="fonts-wqy-microhei"):
        render(SMALL, "pdf", lang="zh")
    with pytest.raises(InputError, match="font"):
        render(SMALL, "pdf", font="/nonexistent/font.ttf")


# ---------------------------------------------------------------------------------------------
# HTML, CSV, Markdown
# ---------------------------------------------------------------------------------------------
class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.rows, self._row, self._cell = [], [], None, None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr":
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_html_table_matches_the_schedule():
    p = Cells()
    p.feed(render(SCHED, "html", **PARTIES))
    head = [
        "No.",
        "Due date",
        "Opening balance",
        "Amount due",
        "Interest",
        "Principal",
        "Closing balance",
    ]
    start = p.rows.index(head)
    body = p.rows[start + 1 : start + 1 + len(SCHED.table)]
    for row, src in zip(body, SCHED.table.itertuples(index=False), strict=True):
        assert row == [
            str(src.period),
            f"{src.date.day} {src.date:%b} {src.date.year}",
            fmt(src.opening_balance),
            fmt(src.payment),
            fmt(src.interest),
            fmt(src.principal),
            fmt(src.closing_balance),
        ]
    assert p.rows[start + 1 + len(SCHED.table)] == [
        "Total",
        "",
        "",
        fmt(SCHED.total_paid),
        fmt(SCHED.total_interest),
        fmt(SCHED.principal),
        "",
    ]


def test_csv_table_matches_the_schedule():
    text = render(SCHED, "csv", lang="zh", **PARTIES)
    rows = list(csv.reader(io.StringIO(text)))
    start = rows.index(
        ["期数", "还款日期", "期初本金余额", "应还金额", "利息", "本金", "期末本金余额"]
    )
    for row, src in zip(rows[start + 1 :], SCHED.table.itertuples(index=False), strict=False):
        assert row == [
            str(src.period),
            src.date.date().isoformat(),
            str(src.opening_balance),
            str(src.payment),
            str(src.interest),
            str(src.principal),
            str(src.closing_balance),
        ]
    total = rows[start + 1 + len(SCHED.table)]
    assert total == [
        "合计",
        "",
        "",
        str(SCHED.total_paid),
        str(SCHED.total_interest),
        str(SCHED.principal),
        "",
    ]


def test_markdown_table_matches_the_schedule():
    text = render(SMALL, "md", lang="zh")
    assert "| 期数 | 还款日期 | 期初本金余额 | 应还金额 | 利息 | 本金 | 期末本金余额 |" in text
    assert "| 3 | 2027年4月1日 | 335.00 | 336.68 | 1.68 | 335.00 | 0.00 |" in text
    assert "| **合计** |  |  | **1,010.02** | **10.02** | **1,000.00** |  |" in text
    assert "人民币壹仟零壹拾元零贰分" in text


# ---------------------------------------------------------------------------------------------
# Safety: injection, escaping
# ---------------------------------------------------------------------------------------------
def test_injection_borrower_in_every_format():
    kw = dict(claim=CLAIM, borrower=EVIL, creditor="<b>Bank</b> & Co", notes="\t=cmd|' /C calc'!A0")
    # CSV: the cell is neutralised with a leading apostrophe, the text otherwise intact
    rows = list(csv.reader(io.StringIO(render(SCHED, "csv", **kw))))
    cells = {r[0]: r[1] for r in rows if len(r) >= 2}
    assert cells["Borrower"] == "'" + EVIL
    assert cells["Other matters"] == "'\t=cmd|' /C calc'!A0"
    for r in rows:
        for cell in r:
            assert not cell or cell[0] not in TRIGGERS or re.fullmatch(r"-?\d+(\.\d+)?", cell), cell
    # Excel: an explicit string cell with the quote prefix, exactly the given text
    terms = load_xlsx(render(SCHED, "xlsx", **kw))["Terms"]
    cell = next(
        terms.cell(row=r, column=2)
        for r in range(1, terms.max_row + 1)
        if terms.cell(row=r, column=1).value == "Borrower"
    )
    assert (cell.value, cell.data_type, cell.quotePrefix) == (EVIL, "s", True)
    # HTML: no script element, the name printed as text
    p = Cells()
    page = render(SCHED, "html", **kw)
    p.feed(page)
    assert "script" not in p.tags and "b" not in p.tags
    assert ["Borrower", EVIL] in p.rows and ["Creditor", "<b>Bank</b> & Co"] in p.rows
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Markdown: escaped the same way (a Markdown viewer passes raw HTML through)
    md = render(SCHED, "md", **kw)
    assert "<script>" not in md and "&lt;script&gt;" in md
    # PDF: the markup is printed, not interpreted
    _, text = pdf_text(render(SCHED, "pdf", **kw))
    assert "<script>alert(1)</script>" in text and "<b>Bank</b> & Co" in text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
@example("=1+1")
@example("  @SUM(A1)")
@example("\r=x")
@example("＝HYPERLINK()")
def test_neutralise_formula_property(text):
    out = neutralise_formula(text)
    assert out == text or out == "'" + text
    stripped = out.lstrip(" ")
    assert not stripped or stripped[0] not in TRIGGERS | set("\n\0＝＋－＠")
    if text and text.lstrip(" ")[:1] in {"=", "+", "-", "@"}:
        assert out == "'" + text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t=+-@"),
        min_size=1,
        max_size=20,
    )
)
def test_any_borrower_name_survives_every_format_as_text(name):
    rows = list(csv.reader(io.StringIO(render(SMALL, "csv", borrower=name))))
    got = next(r[1] for r in rows if r and r[0] == "Borrower")
    assert got in (name, "'" + name) and got[0] not in TRIGGERS
    terms = load_xlsx(render(SMALL, "xlsx", borrower=name))["Terms"]
    cell = next(
        terms.cell(row=r, column=2)
        for r in range(1, terms.max_row + 1)
        if terms.cell(row=r, column=1).value == "Borrower"
    )
    assert cell.data_type == "s" and cell.value == name
    p = Cells()
    p.feed(render(SMALL, "html", borrower=name))
    assert ["Borrower", name] in p.rows


# ---------------------------------------------------------------------------------------------
# Property: any schedule, every format, to the cent
# ---------------------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(
    principal=st.integers(100, 10**9).map(lambda c: Decimal(c) / 100),
    rate=st.integers(0, 3000).map(lambda bp: Decimal(bp) / 10000),
    periods=st.integers(1, 60),
    method=st.sampled_from(["level", "equal_principal"]),
    fee=st.sampled_from([None, 0, "12.50"]),
)
def test_any_schedule_renders_to_the_cent(principal, rate, periods, method, fee):
    s = amortize(principal, rate, periods, method=method, fee=fee, start=dt.date(2027, 1, 31))
    ws = load_xlsx(render(s, "xlsx"))["Schedule"]
    total_row = check_xlsx_table(ws, s)
    assert column_sum(ws, 6, total_row) == principal  # sum(principal) == principal
    rows = list(csv.reader(io.StringIO(render(s, "csv"))))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "No.")
    assert [D(r[3]) for r in rows[start + 1 : start + 1 + len(s.table)]] == list(s.table["payment"])
    total = rows[start + 1 + len(s.table)]
    assert D(total[3]) + (D(total[7]) if len(total) > 7 else 0) == s.total_paid


# ---------------------------------------------------------------------------------------------
# Writing files
# ---------------------------------------------------------------------------------------------
def undated(pdf: bytes) -> bytes:
    """A PDF without its creation dates and identifier (which follows from them)."""
    pdf = re.sub(rb"D:\d{14}\+00'00'", b"D:0", pdf)
    return re.sub(rb"/ID\s*\[.*?\]", b"/ID[]", pdf, flags=re.S)


def test_pdf_metadata_is_true_created_now_titled_and_authored():
    import datetime as _dt

    before = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    data = render(SCHED, "pdf", lang="zh", **PARTIES, contract="JNB-2025-0318")
    after = _dt.datetime.now(_dt.UTC)
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert before <= meta.creation_date <= after and meta.modification_date == meta.creation_date
    assert meta.title == "附件：还款计划表"
    assert meta.author == PARTIES["creditor"]
    assert "JNB-2025-0318" in meta.subject and PARTIES["borrower"] in meta.subject


def test_write_every_format_from_the_suffix(tmp_path):
    for suffix, kind in (
        (".xlsx", "xlsx"),
        (".pdf", "pdf"),
        (".html", "html"),
        (".htm", "html"),
        (".csv", "csv"),
        (".md", "md"),
        (".markdown", "md"),
    ):
        path = write(SCHED, tmp_path / f"annex{suffix}", lang="zh", **PARTIES)
        data = path.read_bytes()
        expected = render(SCHED, kind, lang="zh", **PARTIES)
        if kind == "csv":
            assert data == b"\xef\xbb\xbf" + expected.encode()  # BOM for Excel
        elif isinstance(expected, str):
            assert data == expected.encode()
        elif kind == "pdf":  # the same document, made a moment apart
            assert undated(data) == undated(expected)
        else:
            check_xlsx_table(load_xlsx(data)["还款计划表"], SCHED, totals_label="合计")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    path = write(SMALL, tmp_path / "table.txt", format="csv")
    assert path.read_bytes().decode("utf-8-sig") == render(SMALL, "csv")


def test_write_uses_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        path = write(SMALL, tmp_path / "a.md")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640


def test_existing_file_untouched_when_rendering_fails(tmp_path, monkeypatch):
    target = tmp_path / "annex.csv"
    target.write_text("old contents")

    def boom(a):
        raise RuntimeError("renderer failed")

    monkeypatch.setitem(report._RENDERERS, "csv", boom)
    with pytest.raises(RuntimeError, match="renderer failed"):
        write(SMALL, target)
    assert target.read_text() == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["annex.csv"]


def test_existing_file_untouched_when_the_rename_fails(tmp_path, monkeypatch):
    target = tmp_path / "annex.html"
    target.write_text("old contents")

    def no_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(report.os, "replace", no_replace)
    with pytest.raises(InputError) as err:
        write(SMALL, target)
    assert err.value.field == "path" and str(target) in str(err.value)
    assert target.read_text() == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["annex.html"]


def test_unwritable_paths_are_input_errors_naming_the_path(tmp_path):
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    for bad in (tmp_path / "missing" / "annex.pdf", tmp_path, a_file / "annex.csv"):
        with pytest.raises(InputError) as err:
            write(SMALL, bad, format="csv")
        assert err.value.field == "path" and str(bad) in str(err.value)
    with pytest.raises(InputError, match="path"):
        write(SMALL, 42)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
def test_unknown_format_language_and_suffix(tmp_path):
    with pytest.raises(InputError, match="format == 'docx'"):
        render(SMALL, "docx")
    with pytest.raises(InputError, match="lang == 'fr'"):
        render(SMALL, "html", lang="fr")
    with pytest.raises(InputError) as err:
        write(SMALL, tmp_path / "annex.docx")
    assert err.value.field == "format" and "annex.docx" in str(err.value)
    assert not (tmp_path / "annex.docx").exists()


def test_invalid_arguments():
    with pytest.raises(InputError, match="schedule"):
        annex("not a schedule")
    with pytest.raises(InputError, match="borrower"):
        annex(SMALL, borrower=42)
    with pytest.raises(InputError, match="control characters"):
        annex(SMALL, borrower="Acme\x00Ltd")
    with pytest.raises(InputError, match=r"notes\[1\]"):
        annex(SMALL, notes=["ok", 3])
    with pytest.raises(InputError, match="agreement_date"):
        annex(SMALL, agreement_date="2026-13-01")
    with pytest.raises(InputError, match="claim"):
        annex(SCHED, claim=CLAIM.replace(penalty=0))  # not the claim the schedule came from
    with pytest.raises(InputError, match="claim"):
        annex(amortize(1_000, 0.06, 3, currency="USD"), claim=CLAIM)
    with pytest.raises(InputError, match="plan"):
        annex(SCHED, claim=CLAIM, plan=PLAN.replace(term=24))
    with pytest.raises(InputError, match="lang"):
        render(annex(SMALL), "csv", lang="zh")  # an Annex already has its language


def test_render_an_annex_built_once_is_the_same_as_from_the_schedule():
    a = annex(SCHED, lang="zh", **PARTIES)
    for fmt_ in ("html", "csv", "md"):
        assert render(a, fmt_) == render(SCHED, fmt_, lang="zh", **PARTIES)
    assert "Annex(zh, CNY, 37 rows" in repr(a)
    assert a._repr_html_().startswith('<div class="repayplan-annex">')


def test_paths_are_given_as_path_objects_or_text(tmp_path):
    assert write(SMALL, str(tmp_path / "x.md")) == Path(tmp_path / "x.md")


# ---------------------------------------------------------------------------------------------
# The annex a bank officer signs: the case's parties, the structure, Chinese names, wrapping
# ---------------------------------------------------------------------------------------------
def sample_annex(plan: str, lang: str):
    from repayplan.case import Case

    case = Case.sample()
    return case, annex(
        case.schedule(plan),
        lang=lang,
        claim=case.claim,
        plan=case.plan(plan),
        borrower=case.borrower.name,
        creditor=case.creditor_party.name,
        security=case.security,
        contract=case.contract,
        borrower_party=case.borrower,
    )


def test_the_annex_states_the_contract_account_and_the_borrowers_registration_from_the_case():
    case, a = sample_annex("Seasonal 48", "zh")
    head = {it.key: it for it in a.header}
    # the sample case file's own text (repayplan/data/sample_case.toml), exactly
    assert head["contract"].text == case.contract == "JNB-SZ-2025-LD-0318"
    assert head["registration"].text == "91320506MA1W8KQ37N"
    assert head["representative"].text == "陈建国"
    assert head["address"].text == "江苏省苏州市吴中区（示例地址）"
    assert head["account"].text == case.borrower.account == "6222 0211 0203 4567 890"
    assert (head["contract"].label, head["account"].label) == ("借款合同编号", "还款账户")
    # guarantors and collateral stay in the clauses
    security = [c.text for c in a.clauses if c.key.startswith("security")]
    assert any("陈建国" in t and "连带责任保证" in t for t in security) and len(security) == 3
    # round trip of the new fields through the case file
    from repayplan.case import Case

    again = Case.loads(case.dumps("toml"))
    assert (again.contract, again.borrower.account) == (case.contract, case.borrower.account)
    assert Case.loads(case.dumps("json"), "json") == case


def test_the_annex_names_the_structure_the_plan_really_has_and_the_plan_in_chinese():
    _, a = sample_annex("Seasonal 48", "zh")
    head = {it.key: it for it in a.header}
    assert head["method"].value == "seasonal" and "等额本息" not in head["method"].text
    assert head["method"].text.startswith("按月份调整的分期还本付息")
    assert head["plan_name"].text == "季节性48期方案"
    repayment = next(c.text for c in a.clauses if c.key == "repayment")
    assert "还款方式为按月份调整的分期还本付息" in repayment and "等额本息" not in repayment
    _, en = sample_annex("Seasonal 48", "en")
    assert {it.key: it.text for it in en.header}["plan_name"] == "Seasonal 48"
    assert "varying by calendar month" in {it.key: it.text for it in en.header}["method"]
    _, bank = sample_annex("Bank proposal", "zh")
    head = {it.key: it.text for it in bank.header}
    assert (head["plan_name"], head["method"]) == (
        "银行方案",
        "等额本息",
    )  # a level plan stays 等额本息


@pytest.mark.parametrize(
    "plan", ["Bank proposal", "Borrower proposal", "Seasonal 48", "Settlement"]
)
def test_no_line_of_the_chinese_pdf_starts_with_a_comma(plan):
    case, a = sample_annex(plan, "zh")
    _, text = pdf_text(render(a, "pdf"))
    starts = [
        line for line in text.splitlines() if line.lstrip().startswith(("，", "；", "：", "、"))
    ]
    assert starts == []
    assert "JNB-SZ-2025-LD-0318" in text and "91320506MA1W8KQ37N" in text
