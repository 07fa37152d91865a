"""Every notebook executed headless, and every example script run (layer 2 of the front-end tests).

The notebooks run in a fresh kernel with nbclient, with HOME and the Jupyter, IPython and
matplotlib folders in a temporary directory; a cell that raises fails the test.  The
examples run through their ``main(argv)`` and are checked against the library.
"""

from __future__ import annotations

import importlib.util
import os
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import repayplan as rp
from repayplan.case import Case

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture()
def private_home(tmp_path, monkeypatch):
    """Jupyter, IPython and matplotlib write into a temporary folder, not the user's home."""
    for var, sub in (
        ("HOME", "home"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "mpl"),
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
    ):
        path = tmp_path / sub
        path.mkdir()
        monkeypatch.setenv(var, str(path))
    (tmp_path / "out").mkdir()
    monkeypatch.setenv(
        "REPAYPLAN_OUT", str(tmp_path / "out")
    )  # where analysis.ipynb writes its files
    return tmp_path


def test_the_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == ["analysis.ipynb", "negotiation.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_errors(path, private_home):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    if path.name == "negotiation.ipynb":
        # the dashboard is displayed as a widget
        views = [
            o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        ]
        assert len(views) == 1
    else:
        texts = "".join(
            o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in outputs
        )
        assert "['annex-en.xlsx', 'annex-zh.xlsx', 'case.toml']" in texts
        saved = Case.load(private_home / "out" / "case.toml")
        assert saved.plan("Recommended") == Case.sample().negotiate().best.replace(
            name="Recommended"
        )
        assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
        assert "Objective: Nash bargaining solution" in texts


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_example_plan_table_to_excel(tmp_path, capsys):
    import openpyxl

    out = tmp_path / "annex.xlsx"
    assert load_example("plan_table_to_excel").main([str(out), "--term", "24", "--grace", "3"]) == 0
    claim = rp.Claim(
        principal=1_200_000,
        interest="19762.63",
        penalty="22734.88",
        annual_rate="0.0435",
        as_of=__import__("datetime").date(2026, 6, 30),
    )
    s = rp.Plan(term=24, grace=3, penalty_waiver=0.5).schedule(claim)
    assert f"regular payment {s.payment} CNY" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    numbers = {
        c.value
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, (int, float))
    }
    assert float(s.payment) in numbers and float(s.table["payment"].iloc[-1]) in numbers


def test_example_compare_three_offers(tmp_path, capsys):
    mod = load_example("compare_three_offers")
    out = tmp_path / "c.html"
    assert mod.main(["--html", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Bank: 36 months" in printed and "Seasonal 48" in printed
    assert out.read_text(encoding="utf-8").startswith("<table class='repayplan-compare'>")
    assert mod.fmt("recovery_rate", 0.8889) == "88.9%" and mod.fmt("term", 36.0) == "36"
    assert mod.fmt("total_paid", Decimal("1320733.05")) == "1,320,733.05"


def test_example_suggest_plans(tmp_path, capsys):
    mod = load_example("suggest_plans")
    case_file = tmp_path / "case.toml"
    Case.sample().save(case_file)
    out = tmp_path / "out.toml"
    assert mod.main([str(case_file), "--objective", "creditor", "--save", str(out)]) == 0
    best = Case.sample().negotiate(objective="creditor").best
    assert Case.load(out).plan("Recommended") == best.replace(name="Recommended")
    assert "Objective: the creditor's expected NPV" in capsys.readouterr().out
    assert mod.main([str(tmp_path / "missing.toml")]) == 1


def test_example_batch_accounts(tmp_path, capsys):
    import pandas as pd

    from repayplan import portfolio

    book = portfolio.synthetic_book(40, seed=3, bad_rows=2)
    book.loc[1, "account_id"] = "=1+1"  # text that a spreadsheet would run
    book.to_csv(tmp_path / "book.csv", index=False)
    out, err = tmp_path / "offers.csv", tmp_path / "errors.csv"
    assert (
        load_example("batch_accounts").main(
            [str(tmp_path / "book.csv"), "--out", str(out), "--errors", str(err)]
        )
        == 0
    )
    got = pd.read_csv(out, dtype={"account_id": str}, encoding="utf-8-sig")
    errors = pd.read_csv(err, dtype={"account_id": str}, encoding="utf-8-sig")
    want, want_errors = portfolio.suggest(
        pd.read_csv(tmp_path / "book.csv", dtype={"account_id": str, "as_of": str}), progress=False
    )
    assert len(got) + len(errors) == len(book) and len(errors) == len(want_errors) == 2
    assert got["action"].tolist() == want["action"].tolist()
    assert got["offer"].fillna("").tolist() == want["offer"].fillna("").tolist()
    assert got["expected_npv"].fillna(0).tolist() == pytest.approx(
        want["expected_npv"].fillna(0).tolist(), rel=1e-12
    )
    assert "'=1+1" in got["account_id"].tolist()
    assert f"{len(book):,} accounts" in capsys.readouterr().out


def test_examples_folder_holds_only_tested_scripts():
    assert sorted(p.stem for p in (ROOT / "examples").glob("*.py")) == [
        "batch_accounts",
        "compare_three_offers",
        "plan_table_to_excel",
        "suggest_plans",
    ]
    assert os.access(ROOT / "examples" / "suggest_plans.py", os.R_OK)
