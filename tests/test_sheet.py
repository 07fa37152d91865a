"""The borrower's one-page comparison (repayplan.sheet.comparison_sheet), PDF and xlsx.

Oracles: every figure on the sheet is read back (pypdf for the PDF text, openpyxl for the
xlsx cells) and compared with figures the test computes itself from the plans' cent-exact
schedules (first non-zero instalment, the lower median, the same plan at the contract rate
with nothing waived), with the :func:`repayplan.evaluate` frame and with the marks and
reasons of :func:`repayplan.compare`; the closed-form level payment
``P r / (1 - (1 + r)^-n)`` pins one case by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import subprocess
import sys
import warnings
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

import repayplan as rp
from repayplan.compare import ROW_LABELS
from repayplan.evaluate import format_metric
from repayplan.report import GlyphWarning, plan_name
from repayplan.sheet import MAX_PLANS, SHEET_LABELS, comparison_sheet

CASE = rp.Case.sample()
PLANS = list(CASE.plans.values())
SIX = PLANS + [
    rp.Plan(term=24, name="24 months", penalty_waiver=1.0),
    rp.Plan(term=60, method="equal_principal", name="Plan 6", grace=6),
]
CENT = Decimal("0.01")


def money_text(amount: Decimal, lang: str) -> str:
    """The oracle's own formatting: separators, two decimals, the currency."""
    return f"人民币{amount:,.2f}元" if lang == "zh" else f"CNY {amount:,.2f}"


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), " ".join(text.split())


def sheet(plans=PLANS, **kw):
    kw.setdefault("borrower", CASE.borrower)
    kw.setdefault("creditor_party", CASE.creditor_party)
    return comparison_sheet(plans, CASE.claim, CASE.cashflow, CASE.creditor, **kw)


def expected(plans, lang: str, constraints=None) -> dict[str, list[str]]:
    """The text of each figure row, computed independently of the sheet."""
    frame = rp.evaluate(plans, CASE.claim, CASE.cashflow, CASE.creditor)
    cmp = rp.compare(
        plans,
        CASE.claim,
        CASE.cashflow,
        CASE.creditor,
        lang=lang,
        metrics=frame,
        constraints=constraints,
    )
    rows: dict[str, list[str]] = {
        k: []
        for k in (
            "first",
            "typical",
            "peak",
            "total",
            "contract",
            "saving",
            "months_short",
            "monthly_dscr",
            "default_probability",
        )
    }
    for j, plan in enumerate(plans):
        col = cmp.table.columns[j]
        mark = lambda key, col=col: " *" if bool(cmp.better.loc[key, col]) else ""  # noqa: E731
        t = plan.schedule(CASE.claim).table
        pays = [
            Decimal(p) for k, p in zip(t["period"], t["payment"], strict=True) if k >= 1 and p != 0
        ]
        total = sum((Decimal(p) for p in t["payment"]), Decimal(0))
        # the figures of evaluate are the schedule's, to the cent
        assert Decimal(repr(float(frame["total_paid"].iloc[j]))).quantize(CENT) == total
        peak = max(Decimal(p) for p in t["payment"])
        assert Decimal(repr(float(frame["peak_payment"].iloc[j]))).quantize(CENT) == peak
        base = rp.Plan(
            **{
                **{
                    f: getattr(plan, f)
                    for f in (
                        "method",
                        "term",
                        "grace",
                        "grace_kind",
                        "capitalize_arrears",
                        "down_payment",
                        "balloon",
                        "step_up",
                        "seasonal",
                        "settlement_by",
                        "waivers_conditional",
                        "kind",
                    )
                }
            }
        )
        contract = sum((Decimal(p) for p in base.schedule(CASE.claim).table["payment"]), Decimal(0))
        rows["first"].append(money_text(pays[0], lang))
        rows["typical"].append(money_text(sorted(pays)[(len(pays) - 1) // 2], lang))
        rows["peak"].append(money_text(peak, lang) + mark("peak_payment"))
        rows["total"].append(money_text(total, lang) + mark("total_paid"))
        rows["contract"].append(money_text(contract, lang))
        rows["saving"].append(money_text(contract - total, lang))
        for key in ("months_short", "monthly_dscr", "default_probability"):
            rows[key].append(format_metric(key, frame[key].iloc[j]) + mark(key))
    return rows, cmp


LABEL_OF = {
    "first": "first_instalment",
    "typical": "typical_instalment",
    "contract": "contract_cost",
    "saving": "saving",
}


def label(key: str, lang: str) -> str:
    if key in LABEL_OF:
        return SHEET_LABELS[lang][LABEL_OF[key]]
    return ROW_LABELS[lang][{"peak": "peak_payment", "total": "total_paid"}.get(key, key)]


# ------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("plans", [PLANS, SIX], ids=["four", "six"])
def test_pdf_is_one_page_and_every_figure_is_the_evaluation(lang, plans):
    pages, text = pdf_text(sheet(plans, lang=lang))
    assert pages == 1
    rows, cmp = expected(plans, lang)
    for key, cells in rows.items():
        line = f"{label(key, lang)} {' '.join(cells)}"
        assert line in text, (key, line)
    # what is owed, by part and in total, as Claim.components() states it
    for part, amount in CASE.claim.components().items():
        if amount:
            assert f"{rp.report.LABELS[lang][part]} {money_text(amount, lang)}" in text
    # plan names as the annex shows them, feasibility as compare() says it
    for j, plan in enumerate(plans):
        assert plan_name(plan.name, lang) in text
        reason = cmp.reasons.iloc[j]
        if reason:  # wrapped in its cell: compared without the line breaks' spaces
            assert "".join(SHEET_LABELS[lang]["no"].format(reason=reason).split()) in "".join(
                text.split()
            )


def test_pdf_hand_computed_case():
    # 120,000.00 at 6 %: 120,000 x 0.005 / (1 - 1.005^-12) = 10,327.97 a month, the last one
    # 10,327.99; at the contract rate with nothing waived the saving is zero
    def level_payment(r):
        return (Decimal(120_000) * r / (1 - (1 + r) ** -12)).quantize(CENT, rounding=ROUND_HALF_UP)

    level, cut = level_payment(Decimal("0.005")), level_payment(Decimal("0.0025"))
    assert level == Decimal("10327.97")
    claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    data = comparison_sheet(
        [rp.Plan(term=12, name="12 months"), rp.Plan(term=12, annual_rate=0.03, name="cut")],
        claim,
        rp.CashFlow([15_000.0] * 24, start="2027-01"),
        rp.Creditor(0.06, name="Bank"),
    )
    _, text = pdf_text(data)
    assert f"First instalment CNY {level:,.2f} CNY {cut:,.2f}" in text
    assert "Saving vs the contract CNY 0.00" in text
    assert "Interest rate 6.00% 3.00%" in text


def test_pdf_zh_is_chinese_and_en_has_no_chinese_labels():
    _, zh = pdf_text(sheet(lang="zh"))
    for word in (
        "还款方案比较",
        "银行方案",
        "借款人方案",
        "季节性48期方案",
        "一次性结清方案",
        "等额本息",
        "一次性结清",
        "欠款计算截止日",
        "2026年6月30日",
        "还款总额",
        "较原合同节省",
        "违约概率",
        "第1页 共1页",
    ):
        assert word in zh
    for english in ("Total paid", "Bank proposal", "months", "Page"):
        assert english not in zh
    _, en = pdf_text(sheet(lang="en"))
    assert "Repayment plans compared" in en and "30 Jun 2026" in en and "还款总额" not in en
    # the terms as the plans state them: grace, down payment, rate
    assert "Grace period none 12 months, interest only none none" in en
    assert "宽限期 无 12个月（只付息） 无 无" in zh
    downs = " ".join(
        money_text(Decimal(p.down_payment), "en") if p.down_payment else "none" for p in PLANS
    )
    assert f"Down payment (on signing) {downs}" in en
    rates = " ".join(
        f"{Decimal(str(CASE.claim.annual_rate if p.annual_rate is None else p.annual_rate)) * 100:.2f}%"
        for p in PLANS
    )
    assert f"Interest rate {rates}" in en
    assert (
        "Repayment structure level instalments of principal and interest level instalments of principal "
        "and interest instalments of principal and interest varying by calendar month" in en
    )


def test_pdf_metadata_is_true():
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    reader = PdfReader(io.BytesIO(sheet(lang="zh", title="华东精密 重组方案")))
    meta = reader.metadata
    assert meta.title == "华东精密 重组方案"
    assert meta.author == CASE.creditor_party.name
    assert CASE.borrower.name in meta.subject
    created = meta.creation_date.astimezone(dt.UTC)
    assert (
        before - dt.timedelta(seconds=5)
        <= created
        <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    )


def test_pdf_escapes_markup_and_warns_of_missing_glyphs():
    plans = [PLANS[0].replace(name="<b>A&B</b> 😀"), PLANS[1]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = sheet(plans, borrower="<script>x</script>")
    pages, text = pdf_text(data)
    assert pages == 1
    assert "<b>A&B</b>" in text and "<script>x</script>" in text
    msgs = [str(w.message) for w in caught if issubclass(w.category, GlyphWarning)]
    assert any(m.startswith("plans[0].name:") and "U+1F600" in m for m in msgs), msgs


def test_a_name_too_long_for_the_page_wraps_onto_more_pages_never_cut():
    name = "Long " * 2_000  # 10,000 characters, the most a plan's name may have
    data = sheet([PLANS[0].replace(name=name.strip()), PLANS[1]])
    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) > 1
    assert "".join(text.split()).count("Long") == 2_000
    assert f"Page 1 of {len(reader.pages)}" in text
    # in the xlsx it fits a cell (32,767 characters)
    ws = openpyxl.load_workbook(
        io.BytesIO(sheet([PLANS[0].replace(name=name.strip())], format="xlsx"))
    ).active
    assert name.strip() in [c.value for row in ws.iter_rows() for c in row]


def test_text_beyond_what_the_annex_takes_is_refused_like_the_annex():
    with pytest.raises(rp.InputError) as e:
        rp.Plan(name="W" * 40_000)
    assert e.value.field == "name"
    for kw in ({"borrower": "W" * 40_000}, {"title": "W" * 40_000}):
        with pytest.raises(rp.InputError) as e:
            sheet(**kw)
        assert e.value.field == next(iter(kw))
        with pytest.raises(rp.InputError):
            rp.report.annex(PLANS[0].schedule(CASE.claim), **kw)


# ------------------------------------------------------------------------------------------
# xlsx
# ------------------------------------------------------------------------------------------
def cells_by_label(ws) -> dict:
    return {row[0].value: row for row in ws.iter_rows() if isinstance(row[0].value, str)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_values_formats_and_print_setup(lang):
    wb = openpyxl.load_workbook(io.BytesIO(sheet(SIX, lang=lang, format="xlsx")))
    assert len(wb.worksheets) == 1
    ws = wb.active
    ps = ws.page_setup
    assert ps.orientation == "landscape" and int(ps.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1 and ps.fitToHeight == 1
    assert ws.print_area
    rows = cells_by_label(ws)
    L, RL = SHEET_LABELS[lang], ROW_LABELS[lang]
    head = (
        rows[L["row"]]
        if L["row"]
        else next(r for r in ws.iter_rows() if r[1].value == plan_name(SIX[0].name, lang))
    )
    assert [c.value for c in head[1 : 1 + len(SIX)]] == [plan_name(p.name, lang) for p in SIX]
    frame = rp.evaluate(SIX, CASE.claim, CASE.cashflow, CASE.creditor)
    cmp = rp.compare(SIX, CASE.claim, CASE.cashflow, CASE.creditor, metrics=frame)
    money_fmt = '"人民币"#,##0.00"元"' if lang == "zh" else '"CNY "#,##0.00'
    for j, plan in enumerate(SIX):
        s = plan.schedule(CASE.claim)
        total = rows[RL["total_paid"]][1 + j]
        assert Decimal(str(total.value)) == s.total_paid and total.number_format == money_fmt
        assert (total.fill.fgColor.rgb == "00D9F2D9") == bool(
            cmp.better.loc["total_paid", cmp.table.columns[j]]
        )
        rate = rows[L["rate"]][1 + j]
        want = CASE.claim.annual_rate if plan.annual_rate is None else plan.annual_rate
        assert rate.value == pytest.approx(float(want)) and rate.number_format.endswith("%")
        term = rows[RL["term"]][1 + j]
        assert term.value == int(frame["term"].iloc[j]) and isinstance(term.value, int)
        p = rows[RL["default_probability"]][1 + j]
        assert p.value == pytest.approx(
            frame["default_probability"].iloc[j]
        ) and p.number_format.endswith("%")
        # the saving is a formula over the two cells above it
        saving = rows[L["saving"]][1 + j]
        contract = rows[L["contract_cost"]][1 + j]
        col = saving.column_letter
        assert saving.value == f"={col}{contract.row}-{col}{total.row}"
        assert saving.number_format == money_fmt
    # what is owed: the parts as numbers, the total a SUM over them equal to the claim's total
    owed = [
        r for r in ws.iter_rows() if any(c.value == rp.report.LABELS[lang]["total"] for c in r)
    ][0]
    tcell = next(c for c in owed if isinstance(c.value, str) and c.value.startswith("=SUM("))
    rng = tcell.value[5:-1]
    parts = [c.value for row in ws[rng] for c in row]
    assert sum(Decimal(str(v)) for v in parts) == CASE.claim.total


def test_xlsx_neutralises_formulas_in_every_text():
    evil = '=HYPERLINK("http://x","y")'
    ws = openpyxl.load_workbook(
        io.BytesIO(
            sheet(
                [PLANS[0].replace(name="@SUM(1+1)*cmd|' /C calc'!A0"), PLANS[1]],
                borrower=evil,
                title="+1-2",
                format="xlsx",
            )
        )
    ).active
    guarded = {}
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.data_type != "f" and c.value.lstrip()[:1] in "=+-@":
                assert c.data_type == "s" and c.quotePrefix, c.coordinate
                guarded[c.value] = c.coordinate
    assert {evil, "+1-2", "@SUM(1+1)*cmd|' /C calc'!A0"} <= set(guarded)
    # the only formulas are the sheet's own, built from cell references
    formulas = [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas and all(f.startswith(("=SUM(", "=")) and "HYPERLINK" not in f for f in formulas)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    term=st.integers(6, 60),
    rate=st.sampled_from([None, 0.02, 0.0435, 0.08]),
    waiver=st.sampled_from([0.0, 0.5, 1.0]),
    down=st.sampled_from([0, 20_000]),
    grace=st.integers(0, 3),
)
def test_xlsx_saving_and_totals_reconcile_to_the_cent(term, rate, waiver, down, grace):
    plan = rp.Plan(
        term=term, annual_rate=rate, penalty_waiver=waiver, down_payment=down, grace=grace, name="p"
    )
    ws = openpyxl.load_workbook(io.BytesIO(sheet([plan], format="xlsx"))).active
    rows = cells_by_label(ws)
    L, RL = SHEET_LABELS["en"], ROW_LABELS["en"]
    s = plan.schedule(CASE.claim)
    total = Decimal(str(rows[RL["total_paid"]][1].value))
    contract = Decimal(str(rows[L["contract_cost"]][1].value))
    assert total == s.total_paid
    pays = [
        Decimal(p)
        for k, p in zip(s.table["period"], s.table["payment"], strict=True)
        if k >= 1 and p
    ]
    assert Decimal(str(rows[L["typical_instalment"]][1].value)) == statistics.median_low(pays)
    assert min(pays) <= Decimal(str(rows[L["first_instalment"]][1].value)) <= max(pays)
    # a concession never costs the borrower more than the contract: the saving is >= 0
    if rate is None or rate <= CASE.claim.annual_rate:
        assert contract >= total
    assert Decimal(str(rows[L["down_payment"]][1].value)) == Decimal(down)


# ------------------------------------------------------------------------------------------
# arguments
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"format": "html"}, "format"),
        ({"lang": "fr"}, "lang"),
        ({"plans": []}, "plans"),
        ({"plans": SIX + [PLANS[0]]}, "plans"),
        ({"plans": [PLANS[0], "x"]}, "plans[1]"),
        ({"borrower": 42}, "borrower"),
        ({"creditor_party": 3.5}, "creditor_party"),
        ({"title": 1}, "title"),
        ({"metrics": "frame"}, "metrics"),
        ({"borrower": "a\x00b"}, "borrower"),
    ],
)
def test_bad_input_is_an_input_error_naming_the_field(kw, field):
    plans = kw.pop("plans", PLANS)
    with pytest.raises(rp.InputError) as e:
        sheet(plans, **kw)
    assert e.value.field == field


def test_more_plans_than_a_page_holds_is_refused_in_both_formats():
    assert MAX_PLANS == 6
    for fmt in ("pdf", "xlsx"):
        with pytest.raises(rp.InputError, match="1 to 6 plans"):
            sheet(SIX + [PLANS[0]], format=fmt)


def test_metrics_are_reused_not_recomputed(monkeypatch):
    frame = CASE.evaluate()
    ev = sys.modules["repayplan.evaluate"]  # the module (the package attribute is the function)

    def boom(*a, **k):
        raise AssertionError("evaluate() called although metrics were given")

    monkeypatch.setattr(ev, "evaluate", boom)
    assert pdf_text(sheet(metrics=frame))[0] == 1
    with pytest.raises(rp.InputError) as e:
        sheet(metrics=frame.iloc[:2])
    assert e.value.field == "metrics"


def test_report_and_package_export_the_same_sheet():
    assert rp.comparison_sheet is rp.report.comparison_sheet
    data = rp.comparison_sheet(
        PLANS[:2], CASE.claim, CASE.cashflow, CASE.creditor, format="xlsx", lang="zh"
    )
    assert openpyxl.load_workbook(io.BytesIO(data)).active.title == "方案比较"


# ------------------------------------------------------------------------------------------
# the command line
# ------------------------------------------------------------------------------------------
def run_cli(*args, cwd):
    root = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [sys.executable, "-m", "repayplan.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def test_cli_compare_writes_the_sheet(tmp_path):
    case = tmp_path / "case.toml"
    CASE.save(case)
    out = run_cli("compare", str(case), "--sheet", "sheet.pdf", "--lang", "zh", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "已写入 sheet.pdf" in out.stdout
    pages, text = pdf_text((tmp_path / "sheet.pdf").read_bytes())
    assert pages == 1 and "还款方案比较" in text and "银行方案" in text
    out = run_cli(
        "compare", str(case), "--sheet", "sheet.xlsx", "--plan", "Bank proposal", cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    ws = openpyxl.load_workbook(tmp_path / "sheet.xlsx").active
    assert "Bank proposal" in [c.value for r in ws.iter_rows() for c in r]
    bad = run_cli("compare", str(case), "--sheet", "sheet.txt", cwd=tmp_path)
    assert bad.returncode == 2 and "name it .pdf or .xlsx" in bad.stderr and bad.stdout == ""
    nowhere = run_cli("compare", str(case), "--sheet", str(tmp_path / "no" / "s.pdf"), cwd=tmp_path)
    assert nowhere.returncode == 1 and "Traceback" not in nowhere.stderr


# ------------------------------------------------------------------------------------------
# the minutes, formatted like the comparison
# ------------------------------------------------------------------------------------------
def test_minutes_read_back_from_a_case_file_are_formatted_like_this_sessions():
    from repayplan.notebook.minutes import MeetingRecord

    rec = MeetingRecord()
    rec.shown(
        dt.datetime(2026, 7, 8, 10, 30),
        1,
        "Bank proposal",
        "level instalments over 36 months",
        36,
        Decimal("1320733.05"),
        Decimal("0.00"),
        1068384.12,
        0.5683,
    )
    again = MeetingRecord(
        earlier=rp.Case.loads(CASE.replace(meeting=rec.entries()).dumps("toml")).meeting
    )
    for r in (rec, again):
        md = r.render("md", lang="zh")
        assert "1,320,733.05" in md and "1,068,384.12" in md
        assert format_metric("default_probability", 0.5683) == "56.8%" and "56.8%" in md
        assert "0.5683" not in md
        # the column names are the comparison's
        for key in ("total_paid", "total_waived", "expected_npv", "default_probability", "term"):
            assert ROW_LABELS["zh"][key] in md
    # the CSV keeps plain numbers for a spreadsheet
    assert "1320733.05" in again.render("csv") and "0.5683" in again.render("csv")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_with_the_cases_constraints_states_every_reason_on_one_page(lang):
    constraints = CASE.negotiation.constraints
    pages, text = pdf_text(
        sheet(SIX, lang=lang, constraints=constraints, metrics=CASE.replace(plans=SIX).evaluate())
    )
    assert pages == 1
    rows, cmp = expected(SIX, lang, constraints)
    assert (cmp.reasons != "").sum() >= 4  # long reasons, wrapped in their cells
    flat = "".join(text.split())
    for reason in cmp.reasons:
        if reason:
            assert "".join(SHEET_LABELS[lang]["no"].format(reason=reason).split()) in flat
    for key, cells in rows.items():
        assert f"{label(key, lang)} {' '.join(cells)}" in text, key


def test_xlsx_states_the_waived_parts_as_text_under_the_amount():
    ws = openpyxl.load_workbook(io.BytesIO(sheet(format="xlsx"))).active
    rows = cells_by_label(ws)
    amounts = rows[SHEET_LABELS["en"]["waivers"]]
    parts = rows[SHEET_LABELS["en"]["waiver_parts"]]
    assert parts[0].row == amounts[0].row + 1
    for j, plan in enumerate(PLANS):
        t = plan.terms(CASE.claim)
        assert Decimal(str(amounts[1 + j].value)) == Decimal(t.waived).scaleb(-t.units)
        if t.waived:
            for v in t.waived_parts.values():
                if v:
                    assert f"{Decimal(v).scaleb(-t.units):,.2f}" in parts[1 + j].value
        else:
            assert parts[1 + j].value == "—"


def test_plans_with_the_same_name_or_none_are_shown_in_order():
    plans = [rp.Plan(term=24, name="A"), rp.Plan(term=36, name="A"), rp.Plan(term=48)]
    pages, text = pdf_text(sheet(plans, borrower=None))
    assert pages == 1 and "A A Plan 3" in text
    rows, _ = expected(plans, "en")
    assert f"{label('total', 'en')} {' '.join(rows['total'])}" in text
    meta = PdfReader(io.BytesIO(sheet(plans, borrower=None))).metadata
    assert meta.subject == meta.title == "Repayment plans compared"


def test_without_a_cjk_font_latin_text_is_set_in_helvetica_and_chinese_is_refused(monkeypatch):
    monkeypatch.setattr(rp.report.fonts, "find_cjk_font", lambda font=None: None)
    claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    args = (
        [rp.Plan(term=12, name="12 months")],
        claim,
        rp.CashFlow([15_000.0] * 24, start="2027-01"),
        rp.Creditor(0.06, name="First Bank"),
    )
    reader = PdfReader(io.BytesIO(comparison_sheet(*args, borrower="Acme Ltd")))
    fonts = {f["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts == {"/Helvetica"} and "CNY 10,327.99" in reader.pages[0].extract_text()
    with pytest.raises(rp.RepayplanError, match="fonts-wqy-microhei"):
        comparison_sheet(*args, lang="zh")
