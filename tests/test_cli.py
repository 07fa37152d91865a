"""The ``repayplan`` command, run as a user runs it: in a subprocess, on case files.

The subprocesses of the module are started together (a thread pool) so that the interpreter
start-ups overlap; each test then reads the result of its own run.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy_financial as npf
import openpyxl
import pytest

import repayplan as rp
from repayplan.case import Case, Party, Projection, sample_text
from repayplan.cli import main
from repayplan.evaluate import ALL_METRICS
from repayplan.report import LABELS

SAMPLE = Case.sample()
PLAN = "Seasonal 48"
INJECT_BORROWER = '=HYPERLINK("http://x","y")'
INJECT_CREDITOR = "<script>alert(1)</script>"


def small_case(**changes) -> Case:
    """100,000 at 6 % repaid in 12 level instalments: payment = pmt(0.5 %, 12, 100,000)."""
    kw = dict(
        borrower=Party("Acme Ltd"),
        creditor=rp.Creditor(0.06, rp.Enforcement(0.5, 12, Decimal("1000.00")), name="First Bank"),
        claim=rp.Claim(principal=100_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        cashflow=Projection(base=12_000, months=120, start="2026-07", seed=3),
        plans=[
            rp.Plan(term=12, annual_rate=0.06, name="twelve"),
            rp.Plan(term=24, name="two years"),
        ],
    )
    kw.update(changes)
    return Case(**kw)


def run(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "repayplan.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    (d / "case.toml").write_text(sample_text(), encoding="utf-8")
    small_case().save(d / "small.json")
    (d / "malformed.toml").write_text('[borrower]\nname = "Acme\n', encoding="utf-8")
    wrong = (
        sample_text()
        .replace("term = 36\n", 'term = "36"\n')
        .replace("discount_rate = 0.06 ", "discount_rate = 6 ")
    )
    (d / "wrong.toml").write_text(wrong, encoding="utf-8")
    commands = {
        "help": ["--help"],
        "demo": ["demo"],
        "write": ["demo", "--write-case", "written.toml"],
        "schedule": ["schedule", "small.json", "--plan", "twelve"],
        "compare": ["compare", "small.json"],
        "suggest": ["suggest", "case.toml"],
        "xlsx": ["export", "case.toml", "--plan", PLAN, "--format", "xlsx", "-o", "annex.xlsx"],
        "pdf": [
            "export",
            "case.toml",
            "--plan",
            PLAN,
            "--format",
            "pdf",
            "--lang",
            "zh",
            "-o",
            "annex.pdf",
        ],
        "missing": ["compare", "nothere.toml"],
        "malformed": ["schedule", "malformed.toml", "--plan", "x"],
        "wrong": ["suggest", "wrong.toml"],
        "usage": ["schedule", "case.toml"],
    }
    workers = max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {k: pool.submit(run, v, d) for k, v in commands.items()}
        script = Path(sys.executable).with_name("repayplan")
        if script.exists():  # the installed entry point, when the package is installed
            futures["script"] = pool.submit(
                subprocess.run,
                [str(script), "--version"],
                cwd=d,
                capture_output=True,
                text=True,
                timeout=300,
            )
        out = {k: f.result() for k, f in futures.items()}
    return d, out


def ok(result):
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def user_error(result):
    """Exit code 1, one line per problem on stderr, nothing on stdout, no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("repayplan: ") for line in lines)
    return lines


# ----------------------------------------------------------------------------------------
# help, usage, the entry point
# ----------------------------------------------------------------------------------------
def test_help_lists_every_command(runs):
    _, r = runs
    text = ok(r["help"]).stdout
    for command in ("demo", "schedule", "compare", "suggest", "export"):
        assert command in text
    assert "Exit codes: 0 done, 1 a problem with the input, 2 usage" in text


@pytest.mark.parametrize("command", ["demo", "schedule", "compare", "suggest", "export"])
def test_help_everywhere(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: repayplan {command}")


def test_usage_errors_exit_2(runs, capsys):
    _, r = runs
    assert r["usage"].returncode == 2
    assert "the following arguments are required: --plan" in r["usage"].stderr
    assert "Traceback" not in r["usage"].stderr
    for argv in (
        [],
        ["frobnicate"],
        ["export", "c.toml", "--plan", "x", "--format", "docx", "-o", "x"],
        ["suggest", "c.toml", "--seed", "-1"],
        ["suggest", "c.toml", "--beta", "2"],
        ["export", "c.toml", "--plan", "x", "-o", "x", "--agreement-date", "soon"],
        ["compare", "c.toml", "--lang", "fr"],
    ):
        assert main(argv) == 2, argv
    assert "invalid choice: 'docx'" in capsys.readouterr().err


def test_export_without_a_known_suffix_or_format_is_a_usage_error(tmp_path, capsys):
    SAMPLE.save(tmp_path / "c.toml")
    assert (
        main(["export", str(tmp_path / "c.toml"), "--plan", PLAN, "-o", str(tmp_path / "x.txt")])
        == 2
    )
    assert "pass --format xlsx|pdf|html|csv|md" in capsys.readouterr().err


def test_the_installed_command_is_the_entry_point(runs):
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert eps["repayplan"] == "repayplan.cli:main"
    _, r = runs
    if "script" in r:
        assert ok(r["script"]).stdout.strip() == f"repayplan {rp.__version__}"


# ----------------------------------------------------------------------------------------
# demo
# ----------------------------------------------------------------------------------------
def test_demo_prints_the_claim_the_comparison_and_the_suggestion(runs):
    _, r = runs
    res = ok(r["demo"])
    out = res.stdout
    c = SAMPLE.claim
    # the claim: penalty on 1,200,000 at 6.525 % for 102 days (ACT/360) = 22,185.00
    assert re.search(r"Penalty interest\s+22,185\.00", out)
    assert re.search(rf"Total\s+{c.total:,}", out)
    for name in SAMPLE.plans:
        assert name in out
    # enforcement NPV: the sample's enforcement path on the claim (tests/test_security.py pins
    # the path by hand), the same for every plan
    enf = SAMPLE.creditor.enforcement.path.value(float(c.total), 0.06)
    assert re.search(
        r"Enforcement NPV \(alternative\)\s+" + (f"{enf:,.2f}  +" * 4).rstrip(" +"), out
    )
    assert "Suggested plan: " in out and "Objective: Nash bargaining solution" in out
    assert "100%" in res.stderr  # the progress bar


def test_demo_writes_the_sample_case_to_edit(runs, tmp_path, capsys):
    d, r = runs
    assert ok(r["write"]).stdout == "wrote written.toml\n"
    assert (d / "written.toml").read_text(encoding="utf-8") == sample_text()  # comments kept
    assert Case.load(d / "written.toml") == SAMPLE
    target = tmp_path / "written.json"
    assert main(["demo", "--write-case", str(target), "--lang", "zh"]) == 0
    assert capsys.readouterr().out == f"已写入 {target}\n"
    assert Case.load(target) == SAMPLE


def test_demo_does_not_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "mine.toml"
    target.write_text("keep me", encoding="utf-8")
    assert main(["demo", "--write-case", str(target)]) == 1
    assert (
        capsys.readouterr().err
        == f"repayplan: {target}: exists already; pass --force to replace it\n"
    )
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main(["demo", "--write-case", str(target), "--force"]) == 0
    assert Case.load(target) == SAMPLE


# ----------------------------------------------------------------------------------------
# schedule and compare
# ----------------------------------------------------------------------------------------
def parse_table(text: str, first_col: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first_col))
    body = []
    for line in lines[start + 2 :]:
        if not line.strip() or line.startswith("*"):
            break
        body.append(re.split(r"\s{2,}", line.strip()))
    return re.split(r"\s{2,}", lines[start].strip()), body


def test_schedule_prints_every_row_to_the_cent(runs):
    _, r = runs
    out = ok(r["schedule"]).stdout
    assert out.startswith("Plan 'twelve': level instalments over 12 months at 6.00%")
    L = LABELS["en"]
    head, rows = parse_table(out, L["col_period"])
    assert head == [
        L[f"col_{c}"]
        for c in (
            "period",
            "date",
            "opening_balance",
            "payment",
            "interest",
            "principal",
            "closing_balance",
        )
    ]
    num = lambda s: Decimal(s.replace(",", ""))  # noqa: E731
    total = rows.pop()
    rows = rows[1:]  # period 0: signing, nothing paid
    pmt = Decimal(str(round(-npf.pmt(0.06 / 12, 12, 100_000), 2)))
    assert pmt == Decimal("8606.64")  # the closed form
    assert [num(x[3]) for x in rows[:-1]] == [pmt] * 11
    balance = Decimal("100000.00")
    for k, row in enumerate(rows, start=1):
        opening, payment, interest, principal, closing = map(num, row[2:])
        assert row[0] == str(k) and opening == balance
        assert interest == (opening * Decimal("0.005")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        assert payment == interest + principal and closing == opening - principal
        balance = closing
    assert balance == 0
    assert total[0] == "Total"
    assert [num(x) for x in total[1:]] == [
        sum(num(x[3]) for x in rows),
        sum(num(x[4]) for x in rows),
        Decimal("100000.00"),
    ]


def test_schedule_in_chinese(tmp_path, capsys):
    SAMPLE.save(tmp_path / "c.json")
    assert main(["schedule", str(tmp_path / "c.json"), "--plan", PLAN, "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    L = LABELS["zh"]
    assert out.startswith("方案“Seasonal 48”：")
    head, rows = parse_table(out, L["col_period"])
    assert head[:4] == [L["col_period"], L["col_date"], L["col_opening_balance"], L["col_payment"]]
    s = SAMPLE.schedule(PLAN)
    assert len(rows) == len(s.table) + 1 and rows[-1][0] == "合计"
    assert [Decimal(x[3].replace(",", "")) for x in rows[:-1]] == list(s.table["payment"])


def test_compare_prints_the_library_comparison(runs):
    _, r = runs
    out = ok(r["compare"]).stdout
    case = small_case()
    cmp = case.compare()
    head, rows = parse_table(out, "")
    assert head == ["twelve", "two years", "serves"]
    labels = cmp.labelled("en").index
    assert [row[0] for row in rows] == list(labels)
    # the last column says whose view each row serves (repayplan.evaluate.ALL_METRICS)
    assert [row[-1] for row in rows] == [ALL_METRICS[k][0] for k in cmp.table.index]
    by_label = {row[0]: row[1:-1] for row in rows}
    total = case.claim.total
    enf = (0.5 * float(total) - 1000) / (1 + 0.06 / 12) ** 12  # closed form of the alternative
    assert by_label["Enforcement NPV (alternative)"] == [f"{enf:,.2f}"] * 2
    paid = case.schedule("twelve").table["payment"].sum()
    assert by_label["Total paid"][0] == f"{paid:,}*"  # shorter plan pays less: marked
    assert by_label["Term (months)"] == ["12", "24"]
    assert out.rstrip().endswith("* best of the row")


def test_compare_a_subset_in_chinese(tmp_path, capsys):
    small_case().save(tmp_path / "c.toml")
    assert main(["compare", str(tmp_path / "c.toml"), "--plan", "two years", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "two years" in out and "twelve" not in out and "违约概率" in out


# ----------------------------------------------------------------------------------------
# suggest
# ----------------------------------------------------------------------------------------
def test_suggest_runs_the_engine_with_the_case_settings(runs):
    _, r = runs
    res = ok(r["suggest"])
    best = SAMPLE.negotiate().best
    assert res.stdout.startswith(f"Suggested plan: {best.describe()}\n")
    assert "searching plans: 100%" in res.stderr


def test_suggest_shows_the_candidates_side_by_side_with_whose_view_each_row_serves(
    tmp_path, capsys
):
    small_case().save(tmp_path / "c.toml")
    assert (
        main(["suggest", str(tmp_path / "c.toml"), "--objective", "creditor", "--no-progress"]) == 0
    )
    out = capsys.readouterr().out
    res = small_case().negotiate(objective="creditor")
    head, rows = parse_table(out.split("\nCandidates\n", 1)[1], "")
    assert head == list(res.candidates.index) + ["serves"]
    from repayplan.cli import SUGGEST_ROWS

    shown = [k for k in res.evaluated.columns if k in SUGGEST_ROWS]  # in evaluate()'s order
    assert [row[-1] for row in rows] == [ALL_METRICS[k][0] for k in shown]
    by_label = {row[0]: row[1:-1] for row in rows}
    assert by_label["Term (months)"] == [str(t) for t in res.candidates["term"]]


def test_compare_marks_an_infeasible_plan_with_the_reason(tmp_path, capsys):
    case = small_case()
    case = case.replace(
        plans=list(case.plans.values()) + [rp.Plan(term=12, down_payment=50_000, name="all down")]
    )
    case.save(tmp_path / "c.toml")
    assert main(["compare", str(tmp_path / "c.toml")]) == 0
    out = capsys.readouterr().out
    assert "all down✗" in out.splitlines()[0]
    assert re.search(r"✗ all down: signing payment 50,000\.00 above the cash at hand", out)


def test_suggest_options_override_the_case(tmp_path, capsys):
    small_case().save(tmp_path / "c.toml")
    assert (
        main(
            [
                "suggest",
                str(tmp_path / "c.toml"),
                "--objective",
                "creditor",
                "--seed",
                "2",
                "--no-progress",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    best = small_case().negotiate(objective="creditor", seed=2).best
    assert out.startswith(f"Suggested plan: {best.describe()}") and err == ""
    assert "Objective: the creditor's expected NPV" in out


def test_an_infeasible_search_says_what_binds(tmp_path, capsys):
    from repayplan.case import Settings
    from repayplan.negotiate import Constraints

    case = small_case(
        cashflow=Projection(base=100, months=120, start="2026-07", seed=1),
        negotiation=Settings(constraints=Constraints(max_default_probability=0.01)),
    )
    case.save(tmp_path / "c.toml")
    assert main(["suggest", str(tmp_path / "c.toml"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"repayplan: {tmp_path / 'c.toml'}: no plan meets the constraints: ")
    assert len(err.splitlines()) == 1


# ----------------------------------------------------------------------------------------
# export
# ----------------------------------------------------------------------------------------
def schedule_sheet(path, lang="en"):
    ws = openpyxl.load_workbook(path)[LABELS[lang]["sheet_schedule"]]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = rows[0]
    body = []
    for row in rows[1:]:
        if row[0] == LABELS[lang]["total"]:
            return head, body, row
        body.append(row)
    raise AssertionError("no totals row")


def test_export_xlsx_states_every_amount_and_the_totals(runs):
    d, r = runs
    assert ok(r["xlsx"]).stdout == "wrote annex.xlsx\n"
    L = LABELS["en"]
    cols = [
        "period",
        "date",
        "opening_balance",
        "payment",
        "interest",
        "principal",
        "closing_balance",
    ]
    head, body, total = schedule_sheet(d / "annex.xlsx")
    assert head == [L[f"col_{c}"] for c in cols]
    t = SAMPLE.schedule(PLAN).table
    assert len(body) == len(t)
    cents = Decimal("0.01")
    for row, (_, want) in zip(body, t.iterrows(), strict=True):
        assert row[0] == want["period"] and row[1].date() == want["date"].date()
        for c, v in zip(cols[2:], row[2:], strict=True):
            assert isinstance(v, (int, float)) and Decimal(str(v)).quantize(cents) == want[c], c
    sums = {c: sum(Decimal(str(row[i])) for row in body) for i, c in enumerate(cols) if i >= 3}
    # the totals are SUM formulas over exactly the schedule's cells of their column
    last = len(body) + 1
    assert [v for v in total[1:] if v is not None] == [f"=SUM({c}2:{c}{last})" for c in "DEF"]
    assert sums["payment"] == SAMPLE.schedule(PLAN).total_paid
    # the principal repaid is what was owed after the waivers, exactly
    assert sums["principal"] == SAMPLE.claim.total - SAMPLE.schedule(PLAN).terms["waived"]


def pdf_text(path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        ).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_export_pdf_shows_the_amounts_and_chinese_labels(runs):
    d, r = runs
    assert ok(r["pdf"]).stdout == "已写入 annex.pdf\n"
    text = pdf_text(d / "annex.pdf")
    L = LABELS["zh"]
    for label in ("title", "col_payment", "col_interest", "col_principal", "borrower", "creditor"):
        assert L[label] in text, label
    assert SAMPLE.borrower.name in text and SAMPLE.creditor.name in text
    t = SAMPLE.schedule(PLAN).table
    for amount in set(t["payment"]) | {t["payment"].sum(), t["interest"].sum()}:
        assert f"{amount:,}" in text, amount


@pytest.mark.parametrize("fmt", ["html", "csv", "md"])
def test_export_text_formats(fmt, tmp_path, capsys):
    SAMPLE.save(tmp_path / "c.toml")
    out = tmp_path / f"annex.{fmt}"
    assert (
        main(
            [
                "export",
                str(tmp_path / "c.toml"),
                "--plan",
                PLAN,
                "-o",
                str(out),
                "--lang",
                "zh",
                "--agreement-date",
                "2026-07-15",
                "--note",
                "按月还款",
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8-sig")
    t = SAMPLE.schedule(PLAN).table
    shown = (lambda a: f"{a}") if fmt == "csv" else (lambda a: f"{a:,}")
    for amount in list(t["payment"]) + list(t["closing_balance"]) + [t["payment"].sum()]:
        assert shown(amount) in text, amount
    assert LABELS["zh"]["col_payment"] in text and "按月还款" in text


def test_export_refuses_a_missing_folder_naming_the_output(tmp_path, capsys):
    SAMPLE.save(tmp_path / "c.toml")
    target = tmp_path / "no" / "annex.csv"
    assert main(["export", str(tmp_path / "c.toml"), "--plan", PLAN, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"repayplan: {target}: ") and "does not exist" in err


def test_injection_is_neutralised_in_csv_excel_and_html(tmp_path, capsys):
    case = small_case(
        borrower=Party(INJECT_BORROWER), creditor=rp.Creditor(0.06, name=INJECT_CREDITOR)
    )
    case.save(tmp_path / "evil.toml")
    assert Case.load(tmp_path / "evil.toml").borrower.name == INJECT_BORROWER
    for fmt in ("csv", "xlsx", "html"):
        assert (
            main(
                [
                    "export",
                    str(tmp_path / "evil.toml"),
                    "--plan",
                    "twelve",
                    "-o",
                    str(tmp_path / f"a.{fmt}"),
                ]
            )
            == 0
        )
    # CSV: the cell starts with an apostrophe, so no spreadsheet reads it as a formula
    cells = [
        c
        for row in csv.reader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8-sig")))
        for c in row
    ]
    assert "'" + INJECT_BORROWER in cells
    assert not any(c.lstrip().startswith(("=", "+", "-", "@")) for c in cells if not _is_number(c))
    # Excel: a string cell showing the text as given, never a formula
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    found = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value == INJECT_BORROWER
    ]
    assert found and all(c.data_type == "s" for c in found)
    # the only formulas are the totals' SUMs over cell references
    formulas = [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas and all(re.fullmatch(r"=SUM\(([A-Z])2:\1\d+\)", f) for f in formulas)
    # HTML: the script is text, escaped
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


# ----------------------------------------------------------------------------------------
# bad files: exit 1, the file and the field named, no traceback
# ----------------------------------------------------------------------------------------
def test_a_missing_file(runs):
    _, r = runs
    assert user_error(r["missing"]) == [
        "repayplan: nothere.toml: cannot read the file (No such file or directory)"
    ]


def test_malformed_toml(runs):
    _, r = runs
    lines = user_error(r["malformed"])
    assert len(lines) == 1 and lines[0].startswith("repayplan: malformed.toml: is not valid TOML: ")
    assert "line 2" in lines[0]


def test_wrong_types_name_each_field(runs):
    _, r = runs
    lines = user_error(r["wrong"])
    assert lines == [
        "repayplan: wrong.toml: creditor.discount_rate: 6 is not a rate >= 0 and <= 1 a year, as a "
        "fraction (a rate is a fraction: 6% is 0.06)",
        'repayplan: wrong.toml: plans[0].term: "36" is not a whole number from 1 to 1200',
    ]


def test_an_unknown_plan_names_the_ones_there_are(tmp_path, capsys):
    SAMPLE.save(tmp_path / "case.toml")
    assert main(["export", str(tmp_path / "case.toml"), "--plan", "Nope", "-o", "x.csv"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == (
        f'repayplan: {tmp_path / "case.toml"}: plan: "Nope" is not the name of a plan of the case '
        "('Bank proposal', 'Borrower proposal', 'Seasonal 48', 'Settlement')\n"
    )


def test_bad_json_and_a_cash_flow_too_short(tmp_path, capsys):
    (tmp_path / "c.json").write_text("{", encoding="utf-8")
    assert main(["compare", str(tmp_path / "c.json")]) == 1
    assert "c.json: is not valid JSON: Expecting property name" in capsys.readouterr().err
    short = small_case(cashflow=Projection(base=12_000, months=6, start="2026-07", seed=3))
    short.save(tmp_path / "short.toml")
    assert main(["compare", str(tmp_path / "short.toml")]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"repayplan: {tmp_path / 'short.toml'}: cashflow: ")
    assert "at least 24 months" in line


def test_suggest_save_writes_the_ranked_suggestions_so_export_can_take_one(tmp_path, capsys):
    path = tmp_path / "small.json"
    case = small_case()
    case.save(path)
    assert main(["suggest", str(path), "--save", "--no-progress"]) == 0
    out = capsys.readouterr().out
    # the same search run in the library: its ranked shortlist, renamed, after the case's plans
    result = case.negotiate()
    ranked = list(result.candidates["plan"])
    saved = Case.load(path)
    names = [f"Suggested {k}" for k in range(1, len(ranked) + 1)]
    assert list(saved.plans) == ["twelve", "two years", *names]
    assert [saved.plan(n) for n in names] == [
        p.replace(name=n) for p, n in zip(ranked, names, strict=True)
    ]
    assert 'export one with --plan "Suggested 1"' in out
    # a second --save replaces the suggestions instead of piling them up
    assert main(["suggest", str(path), "--save", "--no-progress"]) == 0
    assert list(Case.load(path).plans) == ["twelve", "two years", *names]
    # and the annex of a suggestion is its schedule, to the cent
    assert (
        main(
            [
                "export",
                str(path),
                "--plan",
                "Suggested 1",
                "--format",
                "csv",
                "-o",
                str(tmp_path / "s1.csv"),
            ]
        )
        == 0
    )
    text = (tmp_path / "s1.csv").read_text(encoding="utf-8-sig")
    sched = saved.schedule("Suggested 1")
    assert f"Total,,,{sched.total_paid},{sched.total_interest}," in text
