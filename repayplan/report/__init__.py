"""Agreement tables: a repayment schedule as the annex of a restructuring agreement.

One content model, five renderers.  :func:`annex` turns a
:class:`~repayplan.schedule.Schedule` (with, optionally, the :class:`~repayplan.claim.Claim`
and the :class:`~repayplan.plans.Plan` it came from, the parties and the agreement date)
into an :class:`Annex`: header items, the balance owed and its composition, the
instalment table, its totals, the totals in words and the clauses of the agreement.
:func:`render` draws that annex as ``"xlsx"`` (openpyxl), ``"pdf"`` (reportlab, A4),
``"html"``, ``"csv"`` or ``"md"``; :func:`write` renders and saves it atomically.

What the annex states
---------------------
《商业银行信用卡业务监督管理办法》(原中国银监会令2011年第2号) 第七十条 lists what a
personalised instalment agreement (个性化分期还款协议) must at least contain; the annex
states each item, for any restructured loan:

(一) 欠款余额、结构、币种 -- the balance owed, its composition (``claim.components()``)
     and the currency;
(二) 还款周期、方式、币种、日期和每期还款金额 -- the repayment cycle and method, the
     currency, each due date and each amount (the instalment table);
(三) 还款期间是否计收年费、利息和其他费用 -- whether interest and fees continue to accrue:
     the plan's rate, and that penalty and compound interest stop while the plan is kept;
(四) the cardholder's undertaking not to apply for a credit card until everything is
     repaid -- stated for a claim whose ``product`` is ``"credit_card"``;
(五) 双方的权利义务和违约责任 -- what was waived (and whether on condition of performance)
     and the consequence of a missed instalment (``default_clause``; by default penalty
     interest at the claim's penalty rate, waivers revoked, the creditor may accelerate);
(六) 与还款有关的其他事项 -- the ``notes``.

Conventions
-----------
* Amounts are exact: ``Decimal`` in the content model, numbers written from their decimal
  text in the xlsx (never a formula), plain decimals in CSV (``1036500.00``), and
  ``1,036,500.00`` with thousands separators in the text formats.  Totals are exact sums
  of the columns.
* Layout.  The xlsx has two A4-ready sheets: "Terms" (协议要素: the header block, the
  balance owed and its composition, the clauses) and "Schedule" (还款计划表: the table
  under a frozen header row that also repeats on every printed page, the totals row,
  the totals in words); column widths fit the figures, amounts carry ``#,##0.00``
  (``#,##0`` for a currency without minor units), and the footer numbers the pages.
  PDF and HTML print on A4 with the table header repeated on each page; the PDF numbers
  its pages "Page 1 of 3" / "第1页 共3页".  CSV lays the annex out as the sheets read
  (header items, claim, table with totals, words, clauses); Markdown like the PDF.
* Dates: real date cells in the xlsx, ISO ``2027-01-01`` in CSV, ``1 Jan 2027`` (en) or
  ``2027年1月1日`` (zh) in HTML, Markdown and PDF.
* Safety.  Every text in HTML, Markdown and PDF is HTML-escaped (``<script>`` prints as
  text).  Against spreadsheet formula injection (OWASP "CSV Injection"; CWE-1236; OWASP
  ASVS 4.0 1.2.10) a text cell starting with ``=``, ``+``, ``-``, ``@``, tab, CR, LF or
  NUL (or their full-width forms, or any of them after leading spaces) is written in CSV
  with a leading apostrophe ``'`` (:func:`neutralise_formula`), and in the xlsx as an
  explicit string cell with Excel's hidden leading apostrophe (``quotePrefix``), so the
  cell shows the text exactly as given and never becomes a formula.  Amounts and dates
  are the library's own numbers and are written as numbers.
* :func:`write` renders everything in memory first, then writes a temporary file in the
  target folder and renames it over the target (``os.replace``): the target is either the
  old file, untouched, or the complete new one.
* PDF text is set in a CJK TrueType font embedded as a subset (with a ToUnicode map, so
  text can be extracted): ``font=`` a ``.ttf``/``.ttc`` path, else ``$REPAYPLAN_CJK_FONT``,
  else the first of :data:`CJK_FONT_CANDIDATES` installed (Debian ``fonts-wqy-microhei``
  first).  Without one, an annex whose text is all Latin-1 uses Helvetica; any other
  raises :class:`~repayplan.errors.RepayplanError` naming the package to install.

The package
-----------
``model`` (:class:`Item`, :class:`Annex`, :func:`annex`, the clauses), ``labels`` (the labels
of the annex, read from the text catalogue, method and cycle names, plan names),
``formats`` (amounts, dates, rates, percents, currencies), ``safety`` (formula neutralisation,
checks of user text), one module per renderer (``html``, ``markdown``, ``csv``, ``xlsx``,
``pdf``) and ``fonts`` (the CJK font lookup the PDF annex and the comparison sheet share).
This module holds the entry points :func:`render` and :func:`write` and re-exports the names
above.
"""

from __future__ import annotations  # noqa: I001 (the re-exports below are grouped apart)

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._io import check_path as _io_check_path
from .._io import write_atomic
from .._validate import check_choice
from ..errors import InputError
from .csv import render_csv
from .fonts import CJK_FONT_CANDIDATES, find_cjk_font
from .html import render_html
from .labels import LABELS, LANGUAGES
from .markdown import render_md
from .model import Annex, Item, annex
from .pdf import GlyphWarning, render_pdf
from .safety import check_annex_texts, neutralise_formula
from .xlsx import XLSX_CELL_MAX, render_xlsx

# The services the package's other modules used as ``report.<name>`` before the split stay
# importable from here; they live in the modules named.
from .fonts import pdf_font as pdf_font
from .formats import currency_name as currency_name
from .formats import display_width as display_width
from .formats import format_amount as format_amount
from .formats import format_date as format_date
from .formats import format_money as format_money
from .formats import format_rate as format_rate
from .labels import METHOD_NAMES as METHOD_NAMES
from .labels import plan_name as plan_name
from .model import date_item as date_item
from .model import structure_of as structure_of
from .model import text_item as text_item
from .pdf import CANNOT_START_ZH as CANNOT_START_ZH
from .pdf import numbered_canvas as numbered_canvas
from .pdf import warn_missing_glyphs as warn_missing_glyphs
from .safety import check_annex_text as check_annex_text
from .safety import field_texts as field_texts
from .xlsx import print_setup as print_setup

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
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

#: Output formats, and the file suffixes :func:`write` reads them from.
FORMATS: tuple[str, ...] = ("xlsx", "pdf", "html", "csv", "md")
_SUFFIXES = {
    ".xlsx": "xlsx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
}


def _check_format(fmt) -> str:
    return check_choice("format", fmt, FORMATS)


_RENDERERS: dict[str, Callable[[Annex], str | bytes]] = {
    "html": render_html,
    "md": render_md,
    "csv": render_csv,
    "xlsx": render_xlsx,
}


# -----------------------------------------------------------------------------------------
# Public entry points
# -----------------------------------------------------------------------------------------
def render(
    schedule,
    format: str,
    *,
    lang: str = "en",
    claim=None,
    plan=None,
    borrower: str | None = None,
    creditor: str | None = None,
    agreement_date=None,
    notes=None,
    title: str | None = None,
    default_clause: str | None = None,
    font=None,
    security=None,
    contract: str | None = None,
    borrower_party=None,
) -> bytes | str:
    """The agreement annex of ``schedule`` in one format, in memory.

    Parameters
    ----------
    schedule : Schedule or Annex
        A schedule (then the other keywords are those of :func:`annex`), or an
        :class:`Annex` already built (then only ``format`` and ``font`` may be given).
    format : {"xlsx", "pdf", "html", "csv", "md"}
    lang, claim, plan, borrower, creditor, agreement_date, notes, title, default_clause, security
    contract, borrower_party
        See :func:`annex`.
    font : str or Path, optional
        TrueType font for the PDF (see :func:`find_cjk_font`).

    Returns
    -------
    bytes or str
        ``bytes`` for xlsx and pdf; ``str`` for html, csv and md.

    Raises
    ------
    InputError
        Unknown format or language, or any invalid argument of :func:`annex`.

    Notes
    -----
    Every format is drawn from the same :class:`Annex`; the table's figures are the
    schedule's own, and its totals row is ``sum(column)`` exactly.

    Examples
    --------
    >>> import repayplan as rp
    >>> s = rp.amortize(1_000, 0.06, 3)
    >>> lines = render(s, "csv").splitlines()
    >>> start = lines.index("Amounts in CNY")
    >>> print("\\n".join(lines[start : start + 6]))
    Amounts in CNY
    No.,Due date,Opening balance,Amount due,Interest,Principal,Closing balance
    1,,1000.00,336.67,5.00,331.67,668.33
    2,,668.33,336.67,3.34,333.33,335.00
    3,,335.00,336.68,1.68,335.00,0.00
    Total,,,1010.02,10.02,1000.00,
    """
    fmt = _check_format(format)
    if isinstance(schedule, Annex):
        given = {
            k: v
            for k, v in dict(
                claim=claim,
                plan=plan,
                borrower=borrower,
                creditor=creditor,
                agreement_date=agreement_date,
                notes=notes,
                title=title,
                default_clause=default_clause,
                security=security,
                contract=contract,
                borrower_party=borrower_party,
            ).items()
            if v is not None
        }
        if lang != "en" and lang != schedule.lang:
            given["lang"] = lang
        if given:
            name = next(iter(given))
            raise InputError(
                name, given[name], "not given when rendering an Annex that is already built"
            )
        a = schedule
    else:
        a = annex(
            schedule,
            lang=lang,
            claim=claim,
            plan=plan,
            borrower=borrower,
            creditor=creditor,
            agreement_date=agreement_date,
            notes=notes,
            title=title,
            default_clause=default_clause,
            security=security,
            contract=contract,
            borrower_party=borrower_party,
        )
    check_annex_texts(a)
    if fmt == "pdf":
        return render_pdf(a, font)
    return _RENDERERS[fmt](a)


def write(
    schedule,
    path,
    *,
    format: str | None = None,
    lang: str = "en",
    claim=None,
    plan=None,
    borrower: str | None = None,
    creditor: str | None = None,
    agreement_date=None,
    notes=None,
    title: str | None = None,
    default_clause: str | None = None,
    font=None,
    security=None,
    contract: str | None = None,
    borrower_party=None,
) -> Path:
    """Write the agreement annex of ``schedule`` to ``path``, atomically.

    Parameters
    ----------
    schedule : Schedule or Annex
    path : str or PathLike
        The file to write, in an existing folder; an existing file is replaced only once
        the new one is complete.
    format : {"xlsx", "pdf", "html", "csv", "md"}, optional
        Default from the suffix: ``.xlsx``, ``.pdf``, ``.html``/``.htm``, ``.csv``,
        ``.md``/``.markdown``.
    lang, claim, plan, borrower, creditor, agreement_date, notes, title, default_clause, font, security,
    contract, borrower_party
        See :func:`render` and :func:`annex`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        An unknown format or suffix, an unknown language, or a path that cannot be written
        (missing folder, a folder itself, no permission) -- the error names the path.

    Notes
    -----
    The annex is rendered in memory first; it is then written to a temporary file in the
    target's folder, flushed to disk and renamed over the target with :func:`os.replace`,
    so a reader sees the old file or the complete new one, never a part.  If anything
    fails, the temporary file is removed and an existing target is left as it was.
    Text is written as UTF-8; CSV with a byte-order mark, which Excel needs to read
    Chinese.

    Examples
    --------
    >>> import tempfile, pathlib, repayplan as rp
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write(rp.amortize(1_000, 0.06, 3), pathlib.Path(folder) / "annex.md")
    ...     print(path.name, sorted(p.name for p in path.parent.iterdir()))   # no temporary file left
    annex.md ['annex.md']
    """
    target = _check_path(path)
    if format is None:
        fmt = _SUFFIXES.get(target.suffix.lower())
        if fmt is None:
            raise InputError(
                "format",
                None,
                "one of "
                + ", ".join(map(repr, FORMATS))
                + " or a path ending in "
                + ", ".join(_SUFFIXES),
                hint=f"cannot tell the format of {str(target)!r} from its suffix",
            )
    else:
        fmt = _check_format(format)
    data = render(
        schedule,
        fmt,
        lang=lang,
        claim=claim,
        plan=plan,
        borrower=borrower,
        creditor=creditor,
        agreement_date=agreement_date,
        notes=notes,
        title=title,
        default_clause=default_clause,
        font=font,
        security=security,
        contract=contract,
        borrower_party=borrower_party,
    )
    if isinstance(data, str):
        data = data.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    write_atomic(target, data)  # the library's one atomic writer: fsync, mode kept, no temp left
    return target


def _check_path(path) -> Path:
    target = _io_check_path(path)  # str or os.PathLike, non-empty, without NUL
    allowed = "a file path in an existing folder that can be written"
    if target.is_dir():
        raise InputError("path", str(path), allowed, hint="it is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise InputError(
            "path", str(path), allowed, hint=f"the folder {str(folder)!r} does not exist"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            "path", str(path), allowed, hint=f"the folder {str(folder)!r} is not writable"
        )
    return target


# -----------------------------------------------------------------------------------------
# The borrower's one-page comparison (implemented in repayplan.sheet)
# -----------------------------------------------------------------------------------------
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
    metrics=None,
    constraints=None,
) -> bytes:
    """The plans side by side on one printable page for the borrower (PDF or xlsx bytes).

    The parties, the as-of date, what is owed by part, then one column per plan (at most
    six): structure, term, grace, rate, down payment, waivers, first, typical and largest
    payment, total paid, saving against the contract, months short, lowest monthly cover,
    probability of default and feasibility with the reason, the best of each row among the
    feasible plans marked as :func:`repayplan.compare` marks it.  See
    :func:`repayplan.sheet.comparison_sheet` for the parameters and the definitions.

    Examples
    --------
    >>> import io
    >>> from datetime import date
    >>> import openpyxl
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> xlsx = comparison_sheet([rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")],
    ...                         claim, rp.CashFlow([15_000.0] * 24, start="2027-01"), rp.Creditor(0.06),
    ...                         format="xlsx", lang="zh")
    >>> ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    >>> ws.title, ws.page_setup.orientation, ws["B8"].value, ws["B19"].value
    ('方案比较', 'landscape', '12个月方案', 123935.66)
    >>> ws["A21"].value, ws["B21"].value     # the saving: total on the contract's terms less total paid
    ('较原合同节省', '=B20-B19')
    """
    from ..sheet import comparison_sheet as _sheet

    return _sheet(
        plans,
        claim,
        cashflow,
        creditor,
        format=format,
        lang=lang,
        borrower=borrower,
        creditor_party=creditor_party,
        title=title,
        metrics=metrics,
        constraints=constraints,
    )
