"""The annex as a package: every name importable as before, one module per job.

* ``from repayplan.report import X`` works for every name of the module's ``__all__`` before
  the split and for every service the package's other modules took from it.
* Each name lives in the module of its job (the content model, labels, formats, safety,
  fonts, one renderer per format), and :func:`repayplan.report.render` is that renderer.
* The annex's CSV is written by the library's one formula-safe writer (``_io.csv_text``).
"""

from __future__ import annotations

import importlib

import pytest

import repayplan as rp
from repayplan import _io, report

BEFORE_ALL = [
    "FORMATS",
    "LANGUAGES",
    "LABELS",
    "CJK_FONT_CANDIDATES",
    "Item",
    "Annex",
    "annex",
    "render",
    "write",
    "neutralise_formula",
    "find_cjk_font",
    "GlyphWarning",
    "XLSX_CELL_MAX",
    "comparison_sheet",
]

# where each name lives now
HOME = {
    "Item": "model",
    "Annex": "model",
    "annex": "model",
    "structure_of": "model",
    "text_item": "model",
    "date_item": "model",
    "LABELS": "labels",
    "LANGUAGES": "labels",
    "METHOD_NAMES": "labels",
    "plan_name": "labels",
    "format_amount": "formats",
    "format_date": "formats",
    "format_rate": "formats",
    "format_money": "formats",
    "currency_name": "formats",
    "display_width": "formats",
    "neutralise_formula": "safety",
    "check_annex_text": "safety",
    "field_texts": "safety",
    "CJK_FONT_CANDIDATES": "fonts",
    "find_cjk_font": "fonts",
    "pdf_font": "fonts",
    "GlyphWarning": "pdf",
    "numbered_canvas": "pdf",
    "warn_missing_glyphs": "pdf",
    "CANNOT_START_ZH": "pdf",
    "XLSX_CELL_MAX": "xlsx",
    "print_setup": "xlsx",
}


def test_every_name_of_before_is_importable_from_the_package():
    assert report.__all__ == BEFORE_ALL
    for name in BEFORE_ALL + list(HOME):
        assert hasattr(report, name), name


@pytest.mark.parametrize(("name", "module"), sorted(HOME.items()))
def test_each_name_lives_in_the_module_of_its_job(name, module):
    sub = importlib.import_module(f"repayplan.report.{module}")
    assert getattr(report, name) is getattr(sub, name)


@pytest.mark.parametrize(
    ("fmt", "module", "renderer"),
    [
        ("html", "html", "render_html"),
        ("md", "markdown", "render_md"),
        ("csv", "csv", "render_csv"),
        ("xlsx", "xlsx", "render_xlsx"),
    ],
)
def test_render_is_the_formats_own_renderer(fmt, module, renderer):
    a = report.annex(rp.amortize(1_000, 0.06, 3), borrower="=HYPERLINK()")
    draw = getattr(importlib.import_module(f"repayplan.report.{module}"), renderer)
    if fmt == "xlsx":  # the workbook's zip carries a time stamp: compare the cells
        import io

        import openpyxl

        def cells(data):
            wb = openpyxl.load_workbook(io.BytesIO(data))
            return [[c.value for c in row] for ws in wb for row in ws.iter_rows()]

        assert cells(report.render(a, fmt)) == cells(draw(a))
    else:
        assert report.render(a, fmt) == draw(a)


def test_the_annex_csv_is_the_one_formula_safe_writers_text():
    a = report.annex(rp.amortize(1_000, 0.06, 3), borrower="@Acme", notes=["-1 day", "=1+1"])
    csv = report.render(a, "csv")
    rows = [[c.label, c.text] for c in a.clauses]
    # the clauses close the file: the writer's own text of those rows, byte for byte
    assert csv.endswith(_io.csv_text([[a.labels["clauses"]]] + rows))
    assert "Borrower,'@Acme\r\n" in csv and "'=1+1" in csv and "'-1 day" in csv


def test_write_refuses_the_paths_the_atomic_writer_refuses(tmp_path):
    # one check of a path: a NUL (which open() would raise ValueError on), an empty or blank
    # path and bytes are InputErrors naming the path, before anything is rendered
    a = report.annex(rp.amortize(1_000, 0.06, 3))
    for bad in (str(tmp_path / "a\x00b.pdf"), "", "   ", b"annex.pdf"):
        with pytest.raises(rp.errors.InputError) as e:
            report.write(a, bad)
        assert e.value.field == "path"
    assert not list(tmp_path.iterdir())  # nothing written
    assert report.write(a, tmp_path / "annex.html").read_text(encoding="utf-8").startswith("<")
