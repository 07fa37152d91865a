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
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import html
import io
import math
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import money
from ._io import neutralise, write_atomic
from ._validate import MAX_TEXT, check_choice, check_date, check_text
from .errors import InputError, RepayplanError

if TYPE_CHECKING:
    from collections.abc import Callable

    from .claim import Claim
    from .plans import Plan, PlanTerms
    from .schedule import Schedule

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

#: Languages of the labels.
LANGUAGES: tuple[str, ...] = ("en", "zh")

#: Debian font files tried, in order, for the PDF (TrueType outlines: reportlab embeds
#: TrueType, not the CFF outlines of Noto CJK).
CJK_FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming"),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", "fonts-arphic-ukai"),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
)

# -----------------------------------------------------------------------------------------
# The one table of translations
# -----------------------------------------------------------------------------------------
_LABELS: dict[str, tuple[str, str]] = {
    # document
    "title": ("Annex: repayment schedule", "附件：还款计划表"),
    "header": ("Parties and terms", "当事人及还款安排"),
    "claim": ("Balance owed and its composition", "欠款余额及构成"),
    "schedule": ("Instalment schedule", "分期还款明细"),
    "in_words": ("Amount in words", "大写金额"),
    "clauses": ("Terms of repayment", "还款条款"),
    "unit": ("Amounts in {currency}", "金额单位：{currency}"),
    "page": ("Page {page} of {pages}", "第{page}页 共{pages}页"),
    "signature_borrower": ("Borrower (signature)", "借款人（签字/盖章）"),
    "signature_creditor": ("Creditor (seal)", "债权人（盖章）"),
    "signature_date": ("Date", "日期"),
    "sheet_terms": ("Terms", "协议要素"),
    "sheet_schedule": ("Schedule", "还款计划表"),
    # header items
    "creditor": ("Creditor", "债权人"),
    "borrower": ("Borrower", "借款人"),
    "agreement_date": ("Agreement date", "协议签订日期"),
    "contract": ("Loan contract No.", "借款合同编号"),
    "registration": ("Borrower's registration No.", "借款人统一社会信用代码"),
    "representative": ("Borrower's legal representative", "借款人法定代表人"),
    "address": ("Borrower's registered address", "借款人住所"),
    "account": ("Repayment account", "还款账户"),
    "as_of": ("Claim stated as of", "欠款计算截止日"),
    "currency": ("Currency", "币种"),
    "contract_rate": ("Contract rate", "原合同利率"),
    "penalty_rate": ("Penalty rate", "罚息利率"),
    "plan_name": ("Plan", "方案"),
    "method": ("Repayment method", "还款方式"),
    "cycle": ("Repayment cycle", "还款周期"),
    "term": ("Term", "期限"),
    "instalments": ("Number of instalments", "还款期数"),
    "grace": ("Grace period", "宽限期"),
    "rate": ("Interest rate under the plan", "还款期间执行利率"),
    "first_due": ("First due date", "首期还款日"),
    "last_due": ("Last due date", "末期还款日"),
    "financed": ("Balance to be repaid", "应偿还余额"),
    "signing": ("Payable on signing", "签约时应付"),
    "regular_payment": ("Regular instalment", "每期还款额"),
    "first_payment": ("First instalment (amounts vary)", "首期还款额（各期金额不同）"),
    "balloon": ("Balloon at maturity", "到期一次偿还比例"),
    "step_up": ("Yearly change of the instalment", "还款额每年调整"),
    "seasonal": ("Seasonal weights (Jan-Dec)", "季节性还款权重（1-12月）"),
    "waived_penalty": ("Penalty interest waived", "减免罚息、复利"),
    "waived_interest": ("Interest waived", "减免利息"),
    "waived_principal": ("Principal waived", "减免本金"),
    "waived_settlement": ("Settlement discount", "一次性结清减让"),
    "waived_total": ("Total waived", "减免合计"),
    "waiver_condition": ("Waivers granted", "减免条件"),
    # claim components (keys of Claim.components())
    "principal_not_due": ("Principal not yet due", "未到期本金"),
    "overdue_principal": ("Overdue principal", "逾期本金"),
    "overdue_interest": ("Overdue interest", "逾期利息"),
    "accrued_interest": ("Interest accrued, not yet due", "应计未到期利息"),
    "penalty_interest": ("Penalty interest", "罚息"),
    "compound_interest": ("Compound interest", "复利"),
    "contract_fees": ("Fees", "费用"),
    "enforcement_costs": ("Enforcement costs", "实现债权的费用"),
    "total": ("Total", "合计"),
    # table columns
    "col_period": ("No.", "期数"),
    "col_date": ("Due date", "还款日期"),
    "col_opening_balance": ("Opening balance", "期初本金余额"),
    "col_payment": ("Amount due", "应还金额"),
    "col_interest": ("Interest", "利息"),
    "col_principal": ("Principal", "本金"),
    "col_closing_balance": ("Closing balance", "期末本金余额"),
    "col_fee": ("Fee", "费用"),
    # totals in words
    "total_payable": ("Total payable", "应还总额"),
    "total_principal": ("Total principal", "本金合计"),
    "total_interest": ("Total interest", "利息合计"),
    "total_fees": ("Total fees", "费用合计"),
    "balance_owed": ("Balance owed", "欠款余额"),
    # clause headings (Art. 70 items)
    "clause_balance": ("Balance owed", "欠款余额、结构、币种"),
    "clause_repayment": ("Repayment", "还款周期、方式、币种、日期和每期还款金额"),
    "clause_interest": ("Interest and fees", "还款期间的利息和费用"),
    "clause_waivers": ("Waivers", "减免"),
    "clause_card": ("Credit cards", "信用卡申领"),
    "clause_default": ("Missed instalments", "违约责任"),
    "clause_other": ("Other matters", "其他事项"),
    "clause_security": ("Security", "担保"),
}

#: Labels by language: ``LABELS["zh"]["col_period"] == "期数"``.
LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        lang: MappingProxyType({k: v[i] for k, v in _LABELS.items()})
        for i, lang in enumerate(LANGUAGES)
    }
)

_COLUMNS = (
    "period",
    "date",
    "opening_balance",
    "payment",
    "interest",
    "principal",
    "closing_balance",
    "fee",
)
_AMOUNT_COLUMNS = frozenset(_COLUMNS[2:])
_TOTALLED = ("payment", "interest", "principal", "fee")

METHOD_NAMES = {
    "level": ("level instalments of principal and interest", "等额本息"),
    "seasonal": (
        "instalments of principal and interest varying by calendar month with the "
        "borrower's seasonal cash flow (weights below)",
        "按月份调整的分期还本付息（随借款人季节性现金流，权重见下）",
    ),
    "balloon": (
        "level instalments of principal and interest with a final balloon payment",
        "等额本息加期末一次性大额还款",
    ),
    "step_up": ("instalments of principal and interest rising each year", "逐年递增的分期还本付息"),
    "equal_principal": ("equal instalments of principal, with interest", "等额本金"),
    "interest_only": ("interest only, the principal at maturity", "按期付息、到期还本"),
    "settlement": ("lump-sum settlement", "一次性结清"),
    "custom": ("the amounts scheduled", "按计划表所列金额偿还"),
}
_CYCLES = {
    12: ("monthly", "按月"),
    4: ("quarterly", "按季"),
    2: ("half-yearly", "按半年"),
    1: ("yearly", "按年"),
    52: ("weekly", "按周"),
    26: ("every two weeks", "每两周"),
    24: ("twice a month", "每半月"),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# first characters that make a spreadsheet read a cell as a formula (OWASP CSV Injection,
# ASVS 1.2.10), with the full-width forms a Chinese input method types
_FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0＝＋－＠")


# -----------------------------------------------------------------------------------------
# Value objects
# -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One labelled value of the annex.

    ``value`` is typed (``Decimal`` for an amount, ``datetime.date``, ``int``, ``Decimal``
    rate or ``str``) for the xlsx; ``text`` is its display form in the annex's language.
    ``kind`` is one of ``"text"``, ``"amount"``, ``"date"``, ``"rate"``, ``"int"``.

    Examples
    --------
    The contract rate and the agreement date of an annex:

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> s = Plan(method="equal_principal", term=3).schedule(claim)
    >>> a = annex(s, claim=claim, agreement_date=date(2026, 12, 1))
    >>> items = {it.key: it for it in a.header}
    >>> items["contract_rate"]
    Item(key='contract_rate', label='Contract rate', value=Decimal('0.06'), text='6.00%', kind='rate')
    >>> items["agreement_date"].value, items["agreement_date"].text
    (datetime.date(2026, 12, 1), '1 Dec 2026')
    """

    key: str
    label: str
    value: Any  # by kind: Decimal (amount, rate), date, int or str
    text: str
    kind: str = "text"


@dataclass(frozen=True, eq=False)
class Annex:
    """The content of an agreement annex, ready for any renderer.

    Attributes
    ----------
    lang, currency, minor_units, title : str, str, int, str
    header : tuple of Item
        Parties, dates, rates, plan terms and waivers, in order.
    composition : tuple of Item
        The balance owed by part (``Claim.components()``, parts that are not zero) and its
        total; empty without a claim.
    table : pandas.DataFrame
        The instalment table with localized column headers: period (int), due date
        (``datetime.date`` or ``None``) and amounts (``Decimal``).
    columns : tuple of str
        The canonical keys of ``table``'s columns (``"period"``, ``"date"``, ...).
    totals : dict
        Exact column sums by key (``"payment"``, ``"interest"``, ``"principal"`` and
        ``"fee"`` when the table has fees).
    words : tuple of Item
        Totals in words (``value`` the amount, ``text`` the words).
    clauses : tuple of Item
        The clauses (``label`` the heading, ``text`` the sentence).
    labels : Mapping
        The language's labels (:data:`LABELS`).
    created : datetime
        When the annex was made (UTC, to the second): the PDF's creation date.

    Examples
    --------
    120,000.00 at 6 % repaid in three equal principal instalments of 40,000.00, with
    interest of 0.5 % on the falling balance: 600.00, 400.00 and 200.00, so 121,200.00 is
    payable in all.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> s = Plan(method="equal_principal", term=3).schedule(claim)
    >>> a = annex(s, claim=claim, borrower="Huadong Precision Manufacturing Co., Ltd.")
    >>> a
    Annex(en, CNY, 4 rows, total payable 121,200.00)
    >>> a.columns
    ('period', 'date', 'opening_balance', 'payment', 'interest', 'principal', 'closing_balance')
    >>> a.totals
    {'payment': Decimal('121200.00'), 'interest': Decimal('1200.00'), 'principal': Decimal('120000.00')}
    >>> a.words[0].label, a.words[0].text
    ('Total payable', 'CNY one hundred twenty-one thousand two hundred and 00/100')
    """

    lang: str
    currency: str
    minor_units: int
    title: str
    header: tuple
    composition: tuple
    table: pd.DataFrame
    columns: tuple
    totals: dict
    words: tuple
    clauses: tuple
    labels: Mapping = field(repr=False)
    created: _dt.datetime | None = field(default=None, repr=False)

    def amount_text(self, amount: Decimal) -> str:
        """An amount with thousands separators and the currency's decimals.

        >>> from decimal import Decimal
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> annex(s, lang="zh").amount_text(Decimal("1234567.5"))
        '1,234,567.50'
        """
        return format_amount(amount, self.minor_units)

    def date_text(self, day) -> str:
        """A date in the annex's language (empty for a missing date).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> annex(s).date_text(date(2027, 1, 1)), annex(s, lang="zh").date_text(date(2027, 1, 1))
        ('1 Jan 2027', '2027年1月1日')
        >>> annex(s).date_text(None)
        ''
        """
        return format_date(day, self.lang)

    def cell_text(self, key: str, value) -> str:
        """The display text of one table cell, by the column's canonical key (:attr:`columns`).

        >>> from decimal import Decimal
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> a = annex(s)
        >>> a.cell_text("payment", Decimal("40600")), a.cell_text("date", date(2027, 1, 1)), a.cell_text("period", 1)
        ('40,600.00', '1 Jan 2027', '1')
        """
        if key in _AMOUNT_COLUMNS:
            return self.amount_text(value)
        if key == "date":
            return self.date_text(value)
        return str(value)

    def texts(self) -> list[str]:
        """Every text of the annex (for font coverage checks and tests).

        The title, the unit line, then each label and its text, then the column headers:

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> annex(s, lang="zh").texts()[:2]
        ['附件：还款计划表', '金额单位：人民币元']
        """
        out = [
            self.title,
            self.labels["unit"].format(currency=currency_name(self.currency, self.lang)),
        ]
        for group in (self.header, self.composition, self.words, self.clauses):
            out += [x for it in group for x in (it.label, it.text)]
        out += list(self.table.columns)
        return out

    def __repr__(self) -> str:
        return (
            f"Annex({self.lang}, {self.currency}, {len(self.table)} rows, total payable "
            f"{self.amount_text(self.totals['payment'] + self.totals.get('fee', Decimal(0)))})"
        )

    def _repr_html_(self) -> str:
        return _html_body(self)


# -----------------------------------------------------------------------------------------
# Formatting
# -----------------------------------------------------------------------------------------
#: Default plan names (the sample case's, the dashboard's and :func:`repayplan.negotiate`'s)
#: in Chinese: ``(pattern, template)``; the groups of the pattern fill the template.
_PLAN_NAMES_ZH: tuple[tuple[str, str], ...] = (
    (r"Bank proposal", "银行方案"),
    (r"Borrower proposal", "借款人方案"),
    (r"Settlement", "一次性结清方案"),
    (r"Seasonal (\d+)", "季节性{0}期方案"),
    (r"Suggested (\d+)", "推荐方案{0}"),
    (r"Plan (\d+)", "方案{0}"),
    (r"(\d+) months", "{0}个月方案"),
    (r"(.+) \(copy\)", "{0}（副本）"),
    (r"(.+) \(copy (\d+)\)", "{0}（副本{1}）"),
)


def plan_name(name: str, lang: str = "en") -> str:
    """A plan's name as the annex (or the dashboard) shows it in ``lang``.

    Names the library and the dashboard give (``"Bank proposal"``, ``"Suggested 2"``,
    ``"Seasonal 48"``, ``"Plan 3"``, ``"… (copy)"``) have Chinese forms; a name the user
    typed is shown as typed.

    Examples
    --------
    >>> plan_name("Suggested 2", "zh"), plan_name("Seasonal 48", "zh"), plan_name("Bank proposal (copy)", "zh")
    ('推荐方案2', '季节性48期方案', '银行方案（副本）')
    >>> plan_name("Suggested 2"), plan_name("两年方案", "zh"), plan_name("Workout A", "zh")
    ('Suggested 2', '两年方案', 'Workout A')
    """
    name = check_annex_text("plan.name", name) or ""  # the field as the annex reads it
    lang = _check_lang(lang)
    if lang != "zh":
        return name
    for pattern, template in _PLAN_NAMES_ZH:
        m = re.fullmatch(pattern, name)
        if m:
            return template.format(*(plan_name(g, "zh") for g in m.groups()))
    return name


def format_amount(amount: Decimal, units: int) -> str:
    return f"{Decimal(amount):,.{units}f}"


def format_date(day, lang: str) -> str:
    if day is None or (not isinstance(day, _dt.date) and pd.isna(day)):
        return ""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_rate(rate) -> str:
    """A rate as a percent with at least two decimals: 0.05 -> 5.00%, 0.06525 -> 6.525%."""
    pct = (Decimal(str(rate)) * 100).normalize()
    exponent = pct.as_tuple().exponent  # an int unless rate is not finite
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{pct:.{places}f}%"


def currency_name(currency: str, lang: str) -> str:
    """The currency as a unit of amounts: 人民币元 in a Chinese annex, else the ISO code."""
    return "人民币元" if (lang == "zh" and currency == "CNY") else currency


def _currency_word(currency: str, lang: str) -> str:
    """The currency in a sentence: 人民币 in a Chinese annex, else the ISO code."""
    return "人民币" if (lang == "zh" and currency == "CNY") else currency


def format_money(amount: Decimal, currency: str, units: int, lang: str) -> str:
    if lang == "zh" and currency == "CNY":
        return f"人民币{format_amount(amount, units)}元"
    return f"{currency} {format_amount(amount, units)}"


def _in_words(amount: Decimal, currency: str, lang: str) -> str | None:
    """The amount in words, or ``None`` for a currency :mod:`repayplan._words` cannot write.

    Chinese capitals are for renminbi; a Chinese annex in another currency states its
    totals in English cheque words.
    """
    try:
        if lang == "zh" and currency == "CNY":
            return "人民币" + money.chinese_capitals(amount)
        return money.english_words(amount, currency)
    except InputError:
        return None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def neutralise_formula(text: str) -> str:
    """Text made safe for a spreadsheet cell: a leading apostrophe before a formula trigger.

    A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula;
    tab, CR, LF and NUL can hide one (OWASP "CSV Injection", ASVS 1.2.10).  Such text,
    also after leading spaces or with a full-width trigger (``＝``), gets a ``'`` in front,
    which the spreadsheet shows as text; anything else is returned unchanged.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``"'" + text`` when the first character that is not a space is a trigger, else
        ``text``.

    Notes
    -----
    ``neutralise_formula(t)[1:] == t`` whenever a quote was added, so the original text
    is always recoverable.

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_formula("Acme Ltd."), neutralise_formula("-5% off"), neutralise_formula("")
    ('Acme Ltd.', "'-5% off", '')
    """
    if not isinstance(text, str):
        raise InputError("text", text, "text (str)")
    return neutralise(text)  # the one guard, shared with the CSV writer of repayplan._io


# -----------------------------------------------------------------------------------------
# Validation of the arguments
# -----------------------------------------------------------------------------------------
def check_annex_text(name: str, value) -> str | None:
    """User text: a str without control characters other than tab, CR and LF (or None).

    NUL and the other C0/C1 controls cannot be stored in an xlsx (XML) and print as
    nothing in a PDF, so they are refused rather than dropped.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(name, value, "text (str) or None")
    check_text(name, value, max_length=MAX_TEXT)  # no lone surrogates: nothing could be written
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in "\t\r\n"]
    if bad:
        raise InputError(
            name,
            value,
            "text without control characters other than tab, CR and LF",
            hint=f"contains {bad[0]!r}",
        )
    return value


def _check_notes(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        text = check_annex_text("notes", value)  # a str in, the same str out
        return (text,) if text is not None else ()
    if isinstance(value, Sequence):
        for i, v in enumerate(value):
            if not isinstance(v, str):
                raise InputError(f"notes[{i}]", v, "text (str)")
            check_annex_text(f"notes[{i}]", v)
        return tuple(value)
    raise InputError("notes", value, "text, a sequence of texts, or None")


def _check_format(fmt) -> str:
    return check_choice("format", fmt, FORMATS)


def _check_lang(lang) -> str:
    return check_choice("lang", lang, LANGUAGES)


# -----------------------------------------------------------------------------------------
# The content model
# -----------------------------------------------------------------------------------------
def annex(
    schedule,
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
    agreement=None,
    security=None,
    contract: str | None = None,
    borrower_party=None,
) -> Annex:
    """The content of the agreement annex for ``schedule``, in one structured object.

    Parameters
    ----------
    schedule : Schedule
        From :func:`repayplan.amortize` or :meth:`repayplan.Plan.schedule`.
    lang : {"en", "zh"}
        Language of the labels, dates and amounts in words.
    claim : Claim, optional
        What was owed: the balance and its composition, the currency, the penalty rate.
        Must be in the schedule's currency and, with a plan, the claim the schedule was
        made from.
    plan : Plan, optional
        The plan; default the one the schedule was made from (``schedule.terms["plan"]``).
    borrower, creditor : str, optional
        Names of the parties (user text: escaped and neutralised in every format).
    agreement_date : date, optional
        Date of signing.
    notes : str or sequence of str, optional
        Other matters agreed (Art. 70 item (六)), one clause each.
    title : str, optional
        Replaces the default title ("Annex: repayment schedule" / "附件：还款计划表").
    default_clause : str, optional
        The consequence of a missed instalment, replacing the default sentence (penalty
        interest at the claim's penalty rate, waivers revoked, acceleration).
    agreement : Agreement, optional
        The agreement the annex belongs to (its ``schedule``, plan and claim at signing
        are then the defaults).  The default clause is generated from it — penalty rate,
        grace days, day count, compound interest and the breach (acceleration) clauses —
        so the signed text states exactly what :meth:`repayplan.Agreement.status` charges.
    security : repayplan.Security, optional
        The collateral and guarantees that continue to secure the claim: one clause each,
        after the other matters (names escaped and neutralised like all user text).
    contract : str, optional
        The number of the loan contract the plan restructures.
    borrower_party : repayplan.case.Party, optional
        The borrower's registration number, legal representative, registered address and
        repayment account (its ``registration``, ``representative``, ``address`` and
        ``account``; empty fields are left out).

    Returns
    -------
    Annex

    Raises
    ------
    InputError
        An unknown language, a non-text name or note, a claim in another currency, a
        plan or claim that is not the one the schedule was made from.

    Notes
    -----
    The totals are exact column sums,
    ``totals[c] = sum(table[c])`` for ``c`` in payment, interest, principal (and fee), and
    the total payable is ``totals["payment"] + totals["fee"]`` (= ``schedule.total_paid``).
    The clauses state the items of 《商业银行信用卡业务监督管理办法》 Art. 70 (see the
    module docstring).

    Examples
    --------
    A 1.2 million yuan claim restructured over 24 months at 5 %, half the penalty waived:

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_150_000, overdue_principal=150_000, interest=38_000,
    ...                  penalty=12_000, annual_rate=0.0435, penalty_markup=0.5,
    ...                  rules="cn-bank", as_of=date(2026, 12, 1))
    >>> s = rp.Plan(term=24, annual_rate=0.05, penalty_waiver=0.5).schedule(claim)
    >>> a = annex(s, lang="zh", claim=claim, borrower="华东精密制造有限公司")
    >>> a.totals["principal"], s.principal      # the schedule repays all that is owed
    (Decimal('1194000.00'), Decimal('1194000.00'))
    >>> a.words[0].label, a.words[0].text     # 24 x 52,382.44 in closed form, to the fen
    ('应还总额', '人民币壹佰贰拾伍万柒仟壹佰柒拾捌元伍角叁分')
    >>> list(a.table.columns[:4])
    ['期数', '还款日期', '期初本金余额', '应还金额']
    """
    from .schedule import Schedule

    if not isinstance(schedule, Schedule):
        raise InputError(
            "schedule", schedule, "a repayplan Schedule (from amortize or Plan.schedule)"
        )
    lang = _check_lang(lang)
    L = LABELS[lang]
    borrower = check_annex_text("borrower", borrower)
    creditor = check_annex_text("creditor", creditor)
    contract = check_annex_text("contract", contract)
    details = _party_details(borrower_party)
    title = check_annex_text("title", title)
    default_clause = check_annex_text("default_clause", default_clause)
    notes = _check_notes(notes)
    if agreement_date is not None:
        agreement_date = check_date("agreement_date", agreement_date)
    if agreement is not None:
        # read by its fields (report does not import tracking, which imports report)
        if not all(
            hasattr(agreement, a)
            for a in (
                "schedule",
                "breach",
                "penalty_rate",
                "grace_days",
                "claim_at_signing",
                "plan",
            )
        ):
            raise InputError("agreement", agreement, "a repayplan Agreement or None")
        if schedule is not agreement.schedule and not schedule.table.equals(
            agreement.schedule.table
        ):
            raise InputError("schedule", schedule, "the agreement's schedule (agreement.schedule)")
        plan = agreement.plan if plan is None else plan
        claim = agreement.claim_at_signing if claim is None else claim
    plan, claim, terms = _resolve_plan_claim(schedule, plan, claim)

    cur, units = schedule.currency, schedule.minor_units
    fm = lambda d: format_money(d, cur, units, lang)  # noqa: E731
    table, columns = _table(schedule, lang)
    totals = {k: sum(schedule.table[k], Decimal(0)) for k in _TOTALLED if k in columns}
    payable = totals["payment"] + totals.get("fee", Decimal(0))
    ctx = _Context(
        schedule=schedule,
        plan=plan,
        claim=claim,
        terms=terms,
        lang=lang,
        cur=cur,
        units=units,
        fm=fm,
    )

    header = [
        it
        for it in (
            text_item("contract", L, contract),
            text_item("creditor", L, creditor),
            text_item("borrower", L, borrower),
            *(text_item(k, L, v) for k, v in details),
            date_item("agreement_date", L, agreement_date, lang),
        )
        if it is not None
    ]
    header += _claim_items(ctx)
    header += _plan_items(ctx)

    composition = []
    if claim is not None:
        for key, amount in claim.components().items():
            if amount != 0 or key == "total":
                composition.append(
                    Item(key, L[key], amount, format_amount(amount, units), "amount")
                )

    words = []
    for key, amount in (
        ("total_payable", payable),
        ("total_principal", totals["principal"]),
        ("total_interest", totals["interest"]),
        ("total_fees", totals.get("fee")),
    ):
        if amount is None or (key == "total_fees" and amount == 0):
            continue
        text = _in_words(amount, cur, lang)
        if text is not None:
            words.append(Item(key, L[key], amount, text, "amount"))

    clauses = _clauses(ctx, notes, default_clause, agreement)
    clauses += _security_clauses(ctx, security)
    return Annex(
        lang=lang,
        currency=cur,
        minor_units=units,
        title=title or L["title"],
        header=tuple(header),
        composition=tuple(composition),
        table=table,
        columns=columns,
        totals=totals,
        words=tuple(words),
        clauses=tuple(clauses),
        labels=L,
        created=_dt.datetime.now(_dt.UTC).replace(microsecond=0),
    )


def _party_details(party) -> list[tuple[str, str]]:
    """``(key, text)`` of the borrower's registration, representative, address and account."""
    if party is None:
        return []
    keys = ("registration", "representative", "address", "account")
    if not hasattr(party, "name"):
        raise InputError(
            "borrower_party",
            party,
            "a repayplan.case.Party (registration, representative, address, account) or None",
        )
    out = []
    for k in keys:
        v = check_annex_text(f"borrower_party.{k}", getattr(party, k, "") or None)
        if v:
            out.append((k, v))
    return out


@dataclass(frozen=True)
class _Context:
    schedule: Schedule
    plan: Plan | None
    claim: Claim | None
    terms: PlanTerms | None
    lang: str
    cur: str
    units: int
    fm: Callable[[Decimal], str]

    def pick(self, en: str, zh: str) -> str:
        return zh if self.lang == "zh" else en


def _resolve_plan_claim(schedule, plan, claim):
    from .claim import Claim
    from .plans import Plan

    made_from = schedule.terms.get("plan") if isinstance(schedule.terms, Mapping) else None
    if plan is None:
        plan = made_from if isinstance(made_from, Plan) else None
    elif not isinstance(plan, Plan):
        raise InputError("plan", plan, "a repayplan Plan or None")
    elif isinstance(made_from, Plan) and made_from != plan:
        raise InputError("plan", plan, f"the plan the schedule was made from ({made_from!r})")
    if claim is not None and not isinstance(claim, Claim):
        raise InputError("claim", claim, "a repayplan Claim or None")
    if claim is not None and claim.currency != schedule.currency:
        raise InputError("claim", claim, f"a claim in the schedule's currency {schedule.currency}")
    terms = None
    if claim is not None and plan is not None:
        terms = plan.terms(claim)
        owed = money.from_minor(terms.owed, terms.units)
        if owed != schedule.principal:
            raise InputError(
                "claim",
                claim,
                f"the claim the schedule was made from (under the plan this claim leaves "
                f"{owed} to repay; the schedule repays {schedule.principal})",
            )
    return plan, claim, terms


def _table(schedule, lang: str) -> tuple[pd.DataFrame, tuple]:
    src = schedule.table
    fees = "fee" in src.columns and any(v != 0 for v in src["fee"])
    columns = tuple(c for c in _COLUMNS if c in src.columns and (c != "fee" or fees))
    data: dict[str, list] = {}
    for c in columns:
        if c == "date":
            data[c] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in src["date"]]
        elif c == "period":
            data[c] = [int(p) for p in src["period"]]
        else:
            data[c] = [Decimal(v) for v in src[c]]
    L = LABELS[lang]
    frame = pd.DataFrame({L[f"col_{c}"]: data[c] for c in columns})
    return frame, columns


def text_item(key, L, value):
    return None if value is None else Item(key, L[key], value, value, "text")


def date_item(key, L, value, lang):
    return None if value is None else Item(key, L[key], value, format_date(value, lang), "date")


def _rate_item(key, L, rate):
    return Item(key, L[key], Decimal(str(rate)), format_rate(rate), "rate")


def _amount_item(key, L, amount, ctx):
    return Item(key, L[key], amount, ctx.fm(amount), "amount")


def _claim_items(ctx: _Context) -> list[Item]:
    L = LABELS[ctx.lang]
    shown = f"人民币（{ctx.cur}）" if (ctx.lang == "zh" and ctx.cur == "CNY") else ctx.cur
    out = [Item("currency", L["currency"], ctx.cur, shown, "text")]
    c = ctx.claim
    if c is not None:
        out.insert(0, date_item("as_of", L, c.as_of, ctx.lang))
        out.append(_rate_item("contract_rate", L, c.annual_rate))
        out.append(_rate_item("penalty_rate", L, c.penalty_rate))
    return out


def _plan_rate(ctx: _Context):
    """The plan's annual rate, or ``None`` when the annex cannot know it."""
    if ctx.terms is not None:
        return ctx.terms.rate
    if ctx.plan is not None:
        return None if ctx.plan.annual_rate is None else Decimal(repr(ctx.plan.annual_rate))
    rate = ctx.schedule.terms.get("annual_rate")
    return None if rate is None else Decimal(str(rate))


def _rate_text(ctx: _Context, rate) -> str:
    """The plan's rate, with the changes of a schedule built with ``rate_changes``."""
    text = format_rate(rate)
    changes = ctx.schedule.terms.get("rate_changes") if ctx.plan is None else None
    for period, new in sorted((changes or {}).items()):
        text += ctx.pick(
            f"; {format_rate(new)} from instalment {period}",
            f"；自第{period}期起{format_rate(new)}",
        )
    return text


def _frequency(ctx: _Context) -> int:
    return 12 if ctx.plan is not None else int(ctx.schedule.terms.get("frequency", 12))


def _instalment_rows(ctx: _Context) -> pd.DataFrame:
    t = ctx.schedule.table
    return t[t["period"] >= 1]


def _plan_items(ctx: _Context) -> list[Item]:
    L, s, p, pick = LABELS[ctx.lang], ctx.schedule, ctx.plan, ctx.pick
    i = 0 if ctx.lang == "en" else 1
    out = []
    if p is not None and p.name:
        out.append(text_item("plan_name", L, plan_name(p.name, ctx.lang)))
    if p is not None:
        method = structure_of(p)
    else:
        m = s.terms.get("method")
        method = m if isinstance(m, str) and m in METHOD_NAMES else "custom"
    out.append(Item("method", L["method"], method, METHOD_NAMES[method][i], "text"))
    freq = _frequency(ctx)
    cycle = _CYCLES.get(freq, (f"{freq} times a year", f"每年{freq}次"))[i]
    out.append(Item("cycle", L["cycle"], cycle, cycle, "text"))
    rows = _instalment_rows(ctx)
    n = len(rows)
    if p is not None and not p.is_settlement:
        out.append(
            Item("term", L["term"], p.term, pick(f"{p.term} months", f"{p.term}个月"), "int")
        )
    out.append(Item("instalments", L["instalments"], n, str(n), "int"))
    if p is not None and p.grace:
        kind = pick(
            "interest only" if p.grace_kind == "interest_only" else "interest capitalised",
            "只付利息" if p.grace_kind == "interest_only" else "利息计入本金",
        )
        out.append(
            Item(
                "grace",
                L["grace"],
                p.grace,
                pick(f"{p.grace} months, {kind}", f"{p.grace}个月（{kind}）"),
                "int",
            )
        )
    elif p is None and s.terms.get("grace"):
        g = int(s.terms["grace"])
        out.append(Item("grace", L["grace"], g, pick(f"{g} periods", f"{g}期"), "int"))
    rate = _plan_rate(ctx)
    if rate is not None and not (p is not None and p.is_settlement):
        out.append(
            Item(
                "rate",
                L["rate"],
                Decimal(str(rate)),
                _rate_text(ctx, rate),
                "rate" if _rate_text(ctx, rate) == format_rate(rate) else "text",
            )
        )
    if p is not None and p.balloon:
        out.append(
            Item("balloon", L["balloon"], Decimal(repr(p.balloon)), format_rate(p.balloon), "rate")
        )
    if p is not None and p.step_up:
        out.append(
            Item("step_up", L["step_up"], Decimal(repr(p.step_up)), format_rate(p.step_up), "rate")
        )
    if p is not None and p.seasonal is not None:
        w = " / ".join(f"{x:g}" for x in p.seasonal)
        out.append(Item("seasonal", L["seasonal"], w, w, "text"))
    out.append(_amount_item("financed", L, s.principal, ctx))
    signing = _signing(ctx)
    if signing:
        out.append(_amount_item("signing", L, signing, ctx))
    if n and not (p is not None and p.is_settlement):
        out.append(_amount_item(_payment_key(ctx, rows), L, s.payment, ctx))
    if n:
        out.append(date_item("first_due", L, _first_date(rows), ctx.lang))
        out.append(date_item("last_due", L, _last_date(rows), ctx.lang))
    out = [it for it in out if it is not None]
    out += _waiver_items(ctx)
    return out


def _payment_key(ctx: _Context, rows: pd.DataFrame) -> str:
    """``"regular_payment"`` when every instalment after grace but the last is the payment."""
    grace = ctx.plan.grace if ctx.plan is not None else int(ctx.schedule.terms.get("grace") or 0)
    after = rows[rows["period"] > grace]["payment"].iloc[:-1]
    return "regular_payment" if all(v == ctx.schedule.payment for v in after) else "first_payment"


def _first_date(rows):
    d = rows["date"].iloc[0]
    return None if pd.isna(d) else pd.Timestamp(d).date()


def _last_date(rows):
    d = rows["date"].iloc[-1]
    return None if pd.isna(d) else pd.Timestamp(d).date()


def _signing(ctx: _Context) -> Decimal:
    t = ctx.schedule.table
    zero = t[t["period"] == 0]
    return Decimal(0) if zero.empty else Decimal(zero["payment"].iloc[0])


def _waived(ctx: _Context) -> tuple[list[tuple[str, Decimal]], Decimal | None]:
    """Waived amounts by part (with a claim) and in total (``None``: not known)."""
    if ctx.terms is not None:
        parts = [
            (f"waived_{k}", money.from_minor(v, ctx.units))
            for k, v in ctx.terms.waived_parts.items()
        ]
        return [(k, v) for k, v in parts if v], money.from_minor(ctx.terms.waived, ctx.units)
    w = ctx.schedule.terms.get("waived") if ctx.plan is not None else None
    return [], (None if w is None else Decimal(w))


def _waiver_items(ctx: _Context) -> list[Item]:
    L = LABELS[ctx.lang]
    parts, total = _waived(ctx)
    out = [_amount_item(k, L, v, ctx) for k, v in parts]
    if total is not None:
        out.append(_amount_item("waived_total", L, total, ctx))
        if total and ctx.plan is not None:
            cond = (
                ctx.pick("on condition of performance", "以按约履行为条件")
                if ctx.plan.waivers_conditional
                else ctx.pick("unconditionally", "无条件")
            )
            out.append(Item("waiver_condition", L["waiver_condition"], cond, cond, "text"))
    return out


def _breach_zh(clause) -> str:
    """A breach clause of :mod:`repayplan.tracking` in Chinese (the English is ``describe()``)."""
    name = type(clause).__name__
    if name == "ConsecutiveMisses":
        text = f"连续{clause.count}期未在宽限期内足额还款"
        return text + ("，或末期未在宽限期内足额还款" if clause.final and clause.count > 1 else "")
    if name == "DaysPastDue":
        return f"任何一期款项逾期超过{clause.days}日"
    return f"累计未还金额超过累计应还金额的{format_rate(clause.share)}"


def _agreement_default_clause(ctx: _Context, ag, revoke: bool) -> str:
    """The consequence of a missed instalment, stated from the Agreement's own terms."""
    rs, pick = ag.rules, ctx.pick
    rate = format_rate(ag.penalty_rate)
    g = ag.grace_days
    dc = rs.accrual_day_count
    denom = {"ACT/360": "360", "ACT/365F": "365"}.get(dc)
    daily_en = (
        f"counted daily ({dc}: the annual rate / {denom} per actual day)"
        if denom
        else f"counted daily ({dc})"
    )
    daily_zh = f"按日计算（{dc}：日利率 = 年利率 / {denom}）" if denom else f"按日计算（{dc}）"
    if g:
        late_en = (
            f"An instalment not paid in full within {g} days after its due date is overdue; a payment "
            f"within those grace days counts as made on time and no penalty is charged on it. "
            f"Once the grace days pass, "
        )
        late_zh = (
            f"任何一期款项应于还款日后{g}日（宽限期）内足额支付，宽限期内还款视同按时还款，不计罚息；"
            f"宽限期届满仍未足额支付的，即为逾期，"
        )
    else:
        late_en, late_zh = (
            "An instalment not paid in full on its due date is overdue; ",
            "任何一期款项未于还款日足额支付的，即为逾期，",
        )
    pen_en = (
        f"the unpaid principal of the instalment bears penalty interest at {rate} a year from the "
        f"day after the due date until it is paid, {daily_en}"
    )
    pen_zh = f"该期未还本金自还款日次日起按年利率{rate}计收罚息至实际清偿之日，{daily_zh}"
    if not rs.compound_interest:
        comp_en, comp_zh = "; unpaid interest bears no compound interest", "；未付利息不计复利"
    elif rs.compound_rate == "contract":
        crate = format_rate(ag.terms.rate)
        comp_en = (
            f"; its unpaid interest bears compound interest at {crate} a year until the last due "
            f"date ({format_date(ag.maturity, 'en')}) and at {rate} a year after"
        )
        comp_zh = (
            f"；该期未付利息于末期还款日（{format_date(ag.maturity, 'zh')}）前按年利率{crate}、"
            f"其后按年利率{rate}计收复利"
        )
    else:
        comp_en = f"; its unpaid interest bears compound interest at {rate} a year, likewise"
        comp_zh = f"；该期未付利息按年利率{rate}计收复利"
    clauses = [c.describe() for c in ag.breach]
    if clauses:
        acc_en = (
            "; and if "
            + " or ".join(clauses)
            + " (each instalment counted as missed when not paid in "
            "full within its grace days), the Creditor may declare the whole outstanding balance due "
            "at once."
        )
        acc_zh = (
            "；出现下列情形之一的，债权人有权宣布全部未偿余额立即到期："
            + "；".join(_breach_zh(c) for c in ag.breach)
            + "。"
        )
    else:
        acc_en, acc_zh = ".", "。"
    return pick(
        late_en + pen_en + comp_en + ("; the waivers are revoked" if revoke else "") + acc_en,
        late_zh + pen_zh + comp_zh + ("；已减免款项恢复计收" if revoke else "") + acc_zh,
    )


def _clauses(
    ctx: _Context, notes: tuple[str, ...], default_clause: str | None, agreement=None
) -> list[Item]:
    L, s, p, c, pick, fm = LABELS[ctx.lang], ctx.schedule, ctx.plan, ctx.claim, ctx.pick, ctx.fm
    out = []
    # (一) balance owed, composition, currency
    if c is not None:
        words = _in_words(c.total, ctx.cur, ctx.lang)
        w_en = f" ({words})" if words else ""
        w_zh = f"（大写：{words}）" if words else ""
        text = pick(
            f"As of {format_date(c.as_of, 'en')} the Borrower owes {fm(c.total)}{w_en}, made up as "
            f'set out under "{L["claim"]}". All amounts are in {ctx.cur}.',
            f"截至{format_date(c.as_of, 'zh')}，借款人欠款合计{fm(c.total)}{w_zh}，其构成见"
            f"“{L['claim']}”。本协议所有金额的币种为{_currency_word(ctx.cur, 'zh')}。",
        )
    else:
        text = pick(
            f"The Borrower repays {fm(s.principal)} under this plan. All amounts are in {ctx.cur}.",
            f"借款人按本计划偿还{fm(s.principal)}。本协议所有金额的币种为"
            f"{_currency_word(ctx.cur, 'zh')}。",
        )
    out.append(Item("balance", L["clause_balance"], None, text))

    # (二) cycle, method, currency, dates and amounts
    rows = _instalment_rows(ctx)
    n, signing = len(rows), _signing(ctx)
    i = 0 if ctx.lang == "en" else 1
    freq = _frequency(ctx)
    cycle = _CYCLES.get(freq, (f"{freq} times a year", f"每年{freq}次"))[i]
    parts_en, parts_zh = [], []
    if signing:
        when_en = (
            f"on signing ({format_date(_signing_date(ctx), 'en')})"
            if _signing_date(ctx)
            else "on signing"
        )
        when_zh = (
            f"签约时（{format_date(_signing_date(ctx), 'zh')}）" if _signing_date(ctx) else "签约时"
        )
        parts_en.append(f"{fm(signing)} is payable {when_en}.")
        parts_zh.append(f"{when_zh}应支付{fm(signing)}。")
    if n:
        first, last = _first_date(rows), _last_date(rows)
        span_en = (
            f" The first falls due on {format_date(first, 'en')}, the last on {format_date(last, 'en')}."
            if first
            else ""
        )
        span_zh = (
            f"首期还款日为{format_date(first, 'zh')}，末期还款日为{format_date(last, 'zh')}。"
            if first
            else ""
        )
        if p is not None and p.is_settlement:
            parts_en.append(
                f"The Borrower pays {fm(rows['payment'].iloc[-1])} in one payment in {ctx.cur}, "
                f"due as the schedule below states.{span_en}"
            )
            parts_zh.append(
                f"借款人以{_currency_word(ctx.cur, 'zh')}一次性支付{fm(rows['payment'].iloc[-1])}，"
                f"还款日期见下表。{span_zh}"
            )
        else:
            method = METHOD_NAMES[_method_key(ctx)]
            parts_en.append(
                f"Repayment is {cycle}, by {method[0]}, in {n} instalments in {ctx.cur}, on the "
                f"due dates and in the amounts of the schedule below.{span_en}"
            )
            parts_zh.append(
                f"借款人{cycle}还款，还款方式为{method[1]}，共{n}期，以"
                f"{_currency_word(ctx.cur, 'zh')}支付，各期还款日期和金额见下表。{span_zh}"
            )
    out.append(
        Item("repayment", L["clause_repayment"], None, pick(" ".join(parts_en), "".join(parts_zh)))
    )

    # (三) interest and fees while the plan runs
    rate = _plan_rate(ctx)
    fee_total = sum(s.table["fee"], Decimal(0)) if "fee" in s.table.columns else Decimal(0)
    if p is not None and p.is_settlement:
        i_en = "The settlement amount bears no interest."
        i_zh = "一次性结清金额不再计收利息。"
    elif rate is None:
        i_en = "The outstanding balance bears interest at the rate stated in the schedule, included in each instalment."
        i_zh = "未偿余额按本计划表所列利息计息，利息包含在每期还款金额中。"
    elif rate == 0:
        i_en, i_zh = "The outstanding balance bears no interest.", "未偿余额不计利息。"
    else:
        dc = "30/360" if p is not None else str(s.terms.get("day_count", "30/360"))
        changes = (
            sorted((ctx.schedule.terms.get("rate_changes") or {}).items()) if p is None else []
        )
        ch_en = "".join(f", and at {format_rate(r)} a year from instalment {k}" for k, r in changes)
        ch_zh = "".join(f"，自第{k}期起按年利率{format_rate(r)}计息" for k, r in changes)
        i_en = (
            f"The outstanding balance bears interest at {format_rate(rate)} a year{ch_en} ({dc}), "
            f"included in each instalment."
        )
        i_zh = f"未偿余额按年利率{format_rate(rate)}计息{ch_zh}（{dc}），利息包含在每期还款金额中。"
    if fee_total:
        f_en = f" A fee is payable with the instalments as the schedule states ({fm(fee_total)} in all)."
        f_zh = f"另按计划表收取费用，合计{fm(fee_total)}。"
    else:
        f_en, f_zh = " No annual fee or other fee is charged.", "不收取年费及其他费用。"
    stop_en = (
        " While the Borrower keeps to this plan, no penalty interest or compound interest accrues."
    )
    stop_zh = "借款人按本计划履行期间，停止计收罚息和复利。"
    out.append(
        Item(
            "interest",
            L["clause_interest"],
            None,
            pick(i_en + f_en + stop_en, i_zh + f_zh + stop_zh),
        )
    )

    # what was waived
    parts, total = _waived(ctx)
    if total:
        names = {
            "waived_penalty": ("penalty and compound interest", "罚息、复利"),
            "waived_interest": ("contract interest", "利息"),
            "waived_principal": ("principal", "本金"),
            "waived_settlement": ("as a settlement discount", "一次性结清减让"),
        }
        if parts:
            listed_en = ", ".join(
                f"{fm(v)} of {names[k][0]}"
                if k != "waived_settlement"
                else f"{fm(v)} {names[k][0]}"
                for k, v in parts
            )
            listed_zh = "、".join(f"{names[k][1]}{fm(v)}" for k, v in parts)
            w_en = f"The Creditor waives {listed_en}; {fm(total)} in all."
            w_zh = f"债权人减免{listed_zh}，合计{fm(total)}。"
        else:
            w_en, w_zh = f"The Creditor waives {fm(total)}.", f"债权人减免{fm(total)}。"
        if p is not None and p.waivers_conditional:
            w_en += (
                " The waivers are conditional on the Borrower's full and punctual performance of this "
                "plan: if the Borrower defaults, they are revoked and the waived amounts fall due again."
            )
            w_zh += "上述减免以借款人按期足额履行本计划为条件；借款人违约的，减免撤销，已减免款项恢复计收。"
        else:
            w_en += " The waivers are unconditional."
            w_zh += "上述减免不附条件。"
    else:
        w_en, w_zh = "Nothing is waived.", "本计划不减免任何款项。"
    if total is not None:  # a bare schedule (no plan) says nothing about waivers
        out.append(Item("waivers", L["clause_waivers"], None, pick(w_en, w_zh)))

    # (四) credit cards
    if c is not None and c.product == "credit_card":
        out.append(
            Item(
                "card",
                L["clause_card"],
                None,
                pick(
                    "Until everything due under this instalment agreement is repaid, the cardholder undertakes not "
                    "to apply to any bank for a credit card.",
                    "在本个性化分期还款协议相关款项全部结清前，持卡人承诺不向任何银行申领信用卡。",
                ),
            )
        )

    # (五) consequence of a missed instalment
    if default_clause is not None:
        d_text = default_clause
    elif agreement is not None:
        revoke = bool(total) and p is not None and p.waivers_conditional
        d_text = _agreement_default_clause(ctx, agreement, revoke)
    else:
        pen_en = (
            f"at the penalty rate of {format_rate(c.penalty_rate)} a year"
            if c is not None
            else "at the penalty rate of the original contract"
        )
        pen_zh = (
            f"按年利率{format_rate(c.penalty_rate)}" if c is not None else "按原合同约定的罚息利率"
        )
        revoke = bool(total) and p is not None and p.waivers_conditional
        d_text = pick(
            f"An instalment not paid in full on its due date is overdue: the overdue amount bears penalty "
            f"interest {pen_en} from the day after the due date until it is paid"
            + ("; the waivers are revoked" if revoke else "")
            + "; and the Creditor may declare the whole outstanding balance due at once.",
            f"任何一期款项未于还款日足额支付的，即为逾期，逾期款项自还款日次日起{pen_zh}计收罚息至实际清偿之日"
            + ("；已减免款项恢复计收" if revoke else "")
            + "；债权人有权宣布全部未偿余额立即到期。",
        )
    out.append(Item("default", L["clause_default"], None, d_text))

    # (六) other matters
    for k, note in enumerate(notes):
        out.append(Item(f"note_{k + 1}", L["clause_other"], None, note))
    return out


_LIEN = {
    "real_estate": ("mortgage", "抵押"),
    "equipment": ("mortgage", "抵押"),
    "equity": ("pledge", "质押"),
    "receivables": ("pledge", "质押"),
    "deposits": ("pledge", "质押"),
}
_KIND_WORDS = {
    "real_estate": ("real estate", "不动产"),
    "equipment": ("equipment", "设备"),
    "equity": ("equity", "股权"),
    "receivables": ("receivables", "应收账款"),
    "deposits": ("deposits", "存款"),
}


def _security_clauses(ctx: _Context, security) -> list[Item]:
    """The annex's security block: each collateral item and guarantee continues to secure the claim.

    >>> import repayplan as rp
    >>> from datetime import date
    >>> claim = rp.Claim(principal=100_000, annual_rate=0.05, as_of=date(2026, 6, 30))
    >>> sec = rp.Security(collateral=[rp.Collateral("Workshop", appraisal=150_000, kind="real_estate",
    ...                                             lien_rank=2, prior_claims=40_000)],
    ...                   guarantees=[rp.Guarantee("Chen", capacity=50_000)])
    >>> a = annex(rp.Plan(term=12).schedule(claim), claim=claim, security=sec)
    >>> [it.text for it in a.clauses if it.key.startswith("security")]  # doctest: +NORMALIZE_WHITESPACE
    ['The second-ranking mortgage over Workshop (real estate, appraised at CNY 150,000.00; prior claims
      CNY 40,000.00) continues to secure the whole balance owed until it is repaid.',
     'Chen continues to guarantee the balance owed (joint and several liability, up to CNY 50,000.00).']
    """
    if security is None:
        return []
    from .security import Security

    if not isinstance(security, Security):
        raise InputError("security", security, "a repayplan.Security")
    L, pick, fm = LABELS[ctx.lang], ctx.pick, ctx.fm
    ranks = {1: ("first", "第一顺位"), 2: ("second", "第二顺位"), 3: ("third", "第三顺位")}
    out = []
    for k, c in enumerate(security.collateral):
        name = check_annex_text("security.collateral.name", c.name)
        rank_en, rank_zh = ranks.get(c.lien_rank, (f"rank-{c.lien_rank}", f"第{c.lien_rank}顺位"))
        lien_en, lien_zh = _LIEN[c.kind]
        kind_en, kind_zh = _KIND_WORDS[c.kind]
        prior_en = f"; prior claims {fm(c.prior_claims)}" if c.prior_claims else ""
        prior_zh = f"，在先债权{fm(c.prior_claims)}" if c.prior_claims else ""
        text = pick(
            f"The {rank_en}-ranking {lien_en} over {name} ({kind_en}, appraised at {fm(c.appraisal)}"
            f"{prior_en}) continues to secure the whole balance owed until it is repaid.",
            f"{name}（{kind_zh}，评估价{fm(c.appraisal)}{prior_zh}）上设立的{rank_zh}{lien_zh}"
            f"继续担保全部欠款，至清偿之日止。",
        )
        out.append(Item(f"security_{k + 1}", L["clause_security"], None, text))
    for k, g in enumerate(security.guarantees):
        name = check_annex_text("security.guarantees.name", g.name)
        kind_en = "joint and several liability" if g.kind == "joint" else "general guarantee"
        kind_zh = "连带责任保证" if g.kind == "joint" else "一般保证"
        text = pick(
            f"{name} continues to guarantee the balance owed ({kind_en}, up to {fm(g.capacity)}).",
            f"{name}继续为全部欠款提供保证（{kind_zh}，最高{fm(g.capacity)}）。",
        )
        out.append(Item(f"security_g{k + 1}", L["clause_security"], None, text))
    return out


def structure_of(plan) -> str:
    """The key of the repayment structure a plan actually has (its method and its shaping).

    >>> from repayplan.plans import Plan
    >>> [structure_of(p) for p in (Plan(), Plan(seasonal=[0.5] * 6 + [1.5] * 6), Plan(balloon=0.3),
    ...                          Plan(step_up=0.05), Plan(method="equal_principal"), Plan(settlement_by=3))]
    ['level', 'seasonal', 'balloon', 'step_up', 'equal_principal', 'settlement']
    """
    if plan.is_settlement:
        return "settlement"
    if plan.method == "level":
        if plan.seasonal is not None:
            return "seasonal"
        if plan.balloon:
            return "balloon"
        if plan.step_up:
            return "step_up"
    return plan.method


def _method_key(ctx: _Context) -> str:
    if ctx.plan is not None:
        return structure_of(ctx.plan)
    m = ctx.schedule.terms.get("method")
    return m if isinstance(m, str) and m in METHOD_NAMES else "custom"


def _signing_date(ctx: _Context):
    t = ctx.schedule.table
    zero = t[t["period"] == 0]
    if zero.empty or pd.isna(zero["date"].iloc[0]):
        return None
    return pd.Timestamp(zero["date"].iloc[0]).date()


# -----------------------------------------------------------------------------------------
# Renderers
# -----------------------------------------------------------------------------------------
def _sep(lang: str) -> str:
    """The colon after a heading: full-width in Chinese."""
    return "：" if lang == "zh" else ": "


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


_HTML_STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       font-size: 10pt; color: #000; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 1.2em; }
table { border-collapse: collapse; margin: 0.4em 0; }
th, td { border: 1px solid #888; padding: 2px 6px; vertical-align: top; }
thead th { background: #e8e8e8; } thead { display: table-header-group; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: bold; border-top: 2px solid #000; }
table.items th { text-align: left; font-weight: normal; background: #f4f4f4; }
p.unit { margin: 0; font-size: 9pt; }
ol.clauses li { margin: 0.3em 0; }
div.signatures { margin-top: 2.5em; display: flex; gap: 4em; }
div.signatures p { min-width: 18em; border-top: 1px solid #000; padding-top: 0.3em; }
""".strip()


def _html_items(items) -> str:
    num = ' class="num"'
    rows = "".join(
        f'<tr><th scope="row">{_esc(it.label)}</th>'
        f"<td{num if it.kind == 'amount' else ''}>{_esc(it.text)}</td></tr>"
        for it in items
    )
    return f'<table class="items"><tbody>{rows}</tbody></table>'


def _html_body(a: Annex) -> str:
    L = a.labels
    out = [f"<h1>{_esc(a.title)}</h1>", f"<h2>{_esc(L['header'])}</h2>", _html_items(a.header)]
    if a.composition:
        out += [f"<h2>{_esc(L['claim'])}</h2>", _html_items(a.composition)]
    num = lambda k: ' class="num"' if k in _AMOUNT_COLUMNS or k == "period" else ""  # noqa: E731
    head = "".join(
        f'<th scope="col"{num(k)}>{_esc(h)}</th>'
        for k, h in zip(a.columns, a.table.columns, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{num(k)}>{_esc(a.cell_text(k, v))}</td>"
            for k, v in zip(a.columns, row, strict=True)
        )
        + "</tr>"
        for row in a.table.itertuples(index=False, name=None)
    )
    foot = "".join(f"<td{num(k)}>{_esc(_total_cell(a, k))}</td>" for k in a.columns)
    out += [
        f"<h2>{_esc(L['schedule'])}</h2>",
        f'<p class="unit">{_esc(L["unit"].format(currency=currency_name(a.currency, a.lang)))}</p>',
        f'<table class="schedule"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
        f"<tfoot><tr>{foot}</tr></tfoot></table>",
    ]
    if a.words:
        rows = "".join(
            f'<tr><th scope="row">{_esc(w.label)}</th><td class="num">{_esc(a.amount_text(w.value))}'
            f"</td><td>{_esc(w.text)}</td></tr>"
            for w in a.words
        )
        out += [
            f"<h2>{_esc(L['in_words'])}</h2>",
            f'<table class="items words"><tbody>{rows}</tbody></table>',
        ]
    sep = _sep(a.lang)
    items = "".join(
        f"<li><strong>{_esc(c.label)}</strong>{sep}{_esc(c.text)}</li>" for c in a.clauses
    )
    out += [f"<h2>{_esc(L['clauses'])}</h2>", f'<ol class="clauses">{items}</ol>']
    sig = "".join(
        f"<p>{_esc(L[k])} &nbsp; {_esc(L['signature_date'])}{sep}</p>"
        for k in ("signature_creditor", "signature_borrower")
    )
    out.append(f'<div class="signatures">{sig}</div>')
    return '<div class="repayplan-annex">' + "\n".join(out) + "</div>"


def _total_cell(a: Annex, key: str) -> str:
    if key == "period":
        return a.labels["total"]
    if key in a.totals:
        return a.amount_text(a.totals[key])
    return ""


def _render_html(a: Annex) -> str:
    lang = "zh-CN" if a.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(a.title)}</title>\n<style>\n{_HTML_STYLE}\n</style>\n</head>\n<body>\n"
        f"{_html_body(a)}\n</body>\n</html>\n"
    )


_MD_SPECIAL = set("\\`*_[]|~")  # inside table cells and after a list marker; <>& are HTML-escaped


def _md(text: str) -> str:
    """Text safe in Markdown: HTML-escaped, Markdown punctuation backslash-escaped, one line."""
    flat = " ".join(str(text).split())
    escaped = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in flat)
    return html.escape(escaped, quote=False)


def _render_md(a: Annex) -> str:
    L = a.labels
    out = [f"# {_md(a.title)}", "", f"## {_md(L['header'])}", "", "| | |", "|---|---|"]
    out += [f"| {_md(it.label)} | {_md(it.text)} |" for it in a.header]
    if a.composition:
        out += ["", f"## {_md(L['claim'])}", "", "| | |", "|---|---:|"]
        out += [f"| {_md(it.label)} | {_md(it.text)} |" for it in a.composition]
    align = ["---:" if k in _AMOUNT_COLUMNS or k == "period" else "---" for k in a.columns]
    out += [
        "",
        f"## {_md(L['schedule'])}",
        "",
        _md(L["unit"].format(currency=currency_name(a.currency, a.lang))),
        "",
        "| " + " | ".join(_md(h) for h in a.table.columns) + " |",
        "|" + "|".join(align) + "|",
    ]
    for row in a.table.itertuples(index=False, name=None):
        out.append(
            "| "
            + " | ".join(_md(a.cell_text(k, v)) for k, v in zip(a.columns, row, strict=True))
            + " |"
        )
    out.append(
        "| "
        + " | ".join(f"**{_md(t)}**" if t else "" for t in (_total_cell(a, k) for k in a.columns))
        + " |"
    )
    if a.words:
        out += ["", f"## {_md(L['in_words'])}", ""]
        out += [
            f"- {_md(w.label)}{_sep(a.lang)}{_md(a.amount_text(w.value))} ({_md(w.text)})"
            for w in a.words
        ]
    out += ["", f"## {_md(L['clauses'])}", ""]
    out += [
        f"{k}. **{_md(c.label)}**{_sep(a.lang)}{_md(c.text)}" for k, c in enumerate(a.clauses, 1)
    ]
    return "\n".join(out) + "\n"


def _plain_amount(amount: Decimal, units: int) -> str:
    return f"{Decimal(amount):.{units}f}"


def _render_csv(a: Annex) -> str:
    """The annex as the sheet reads: header items, claim, table with totals, words, clauses.

    Amounts are plain decimals (``1036500.00``), dates ISO; every text goes through
    :func:`neutralise_formula`.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    t = neutralise_formula
    u = a.minor_units

    def value(it: Item) -> str:
        if it.kind == "amount":
            return _plain_amount(it.value, u)
        if it.kind == "date":
            return it.value.isoformat()
        return t(it.text)

    w.writerow([t(a.title)])
    for it in a.header:
        w.writerow([t(it.label), value(it)])
    if a.composition:
        w.writerow([])
        w.writerow([t(a.labels["claim"])])
        for it in a.composition:
            w.writerow([t(it.label), value(it)])
    w.writerow([])
    w.writerow([t(a.labels["unit"].format(currency=currency_name(a.currency, a.lang)))])
    w.writerow([t(h) for h in a.table.columns])
    for row in a.table.itertuples(index=False, name=None):
        cells = []
        for k, v in zip(a.columns, row, strict=True):
            if k in _AMOUNT_COLUMNS:
                cells.append(_plain_amount(v, u))
            elif k == "date":
                cells.append("" if v is None else v.isoformat())
            else:
                cells.append(str(v))
        w.writerow(cells)
    w.writerow(
        [
            t(a.labels["total"])
            if k == "period"
            else (_plain_amount(a.totals[k], u) if k in a.totals else "")
            for k in a.columns
        ]
    )
    if a.words:
        w.writerow([])
        w.writerow([t(a.labels["in_words"])])
        for it in a.words:
            w.writerow([t(it.label), _plain_amount(it.value, u), t(it.text)])
    w.writerow([])
    w.writerow([t(a.labels["clauses"])])
    for c in a.clauses:
        w.writerow([t(c.label), t(c.text)])
    return buf.getvalue()


#: The most characters one xlsx cell holds (Excel's limit: it cuts longer text without a
#: word); a longer text is refused before anything is written.
XLSX_CELL_MAX = 32_767


def _render_xlsx(a: Annex) -> bytes:
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
            c = ws.cell(row=i, column=j, value=(Decimal(v) if k in _AMOUNT_COLUMNS else v))
            c.border = box
            if k in _AMOUNT_COLUMNS:
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


# -- PDF ---------------------------------------------------------------------------------------
_REGISTERED_FONTS: dict[str, str] = {}


def find_cjk_font(font=None) -> Path | None:
    """The TrueType file that PDF annexes are set in, or ``None`` when there is none.

    ``font`` (a ``.ttf``/``.ttc`` path) if given, else ``$REPAYPLAN_CJK_FONT``, else the
    first installed of :data:`CJK_FONT_CANDIDATES` (install Debian ``fonts-wqy-microhei``).

    Raises
    ------
    InputError
        ``font`` (or the environment variable) names a file that does not exist.

    Examples
    --------
    >>> path = find_cjk_font()
    >>> path is None or path.suffix.lower() in (".ttf", ".ttc")
    True
    """
    for name, given in (
        ("font", font),
        ("REPAYPLAN_CJK_FONT", os.environ.get("REPAYPLAN_CJK_FONT")),
    ):
        if given:
            p = Path(given)
            if not p.is_file():
                raise InputError(
                    name, str(given), "the path of an existing TrueType font file (.ttf or .ttc)"
                )
            return p
    for path, _package in CJK_FONT_CANDIDATES:
        if Path(path).is_file():
            return Path(path)
    return None


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


def pdf_font(a: Any, font) -> str:
    # ``a``: an Annex, or an object with its text fields (the borrower's comparison sheet)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = find_cjk_font(font)
    if path is None:
        texts = a.texts() + [
            a.labels[k] for k in ("page", "signature_borrower", "signature_creditor")
        ]
        try:
            "".join(texts).encode("latin-1")
        except UnicodeEncodeError:
            raise RepayplanError(
                "no CJK font for the PDF: install the Debian package fonts-wqy-microhei, or pass "
                "font= (or set REPAYPLAN_CJK_FONT to) a TrueType .ttf/.ttc file"
            ) from None
        return "Helvetica"
    key = str(path.resolve())
    if key not in _REGISTERED_FONTS:
        name = "RepayplanCJK-" + hashlib.sha1(key.encode()).hexdigest()[:10]
        try:
            ttf = (
                TTFont(name, key, subfontIndex=0)
                if key.lower().endswith(".ttc")
                else TTFont(name, key)
            )
        except Exception as exc:  # reportlab raises its own TTFError and others
            raise InputError(
                "font",
                key,
                "a TrueType font file (.ttf or .ttc with TrueType outlines)",
                hint=str(exc),
            ) from None
        pdfmetrics.registerFont(ttf)
        _REGISTERED_FONTS[key] = name
    return _REGISTERED_FONTS[key]


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
    ...     _ = render(rp.amortize(1_000, 0.06, 3), "pdf", borrower="Acme 😀 Ltd")
    >>> print(caught[0].message)
    borrower: the PDF font has no glyph for '😀' (U+1F600); it prints as a blank
    """


def field_texts(a: Any):
    """(field, text) for every text of the annex, the field as the user named it."""
    yield "title", a.title
    for group in (a.header, a.composition, a.words, a.clauses):
        for it in group:
            yield it.key, it.text


def _check_annex_texts(a: Annex) -> None:
    """Every text of the annex (a plan's name too, not only the arguments) can be written in
    every format: no NUL or other control characters, no lone surrogates."""
    for key, text in field_texts(a):
        bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\r\n"]
        if bad:
            raise InputError(
                key,
                text,
                "text without control characters other than tab, CR and LF",
                hint=f"contains {bad[0]!r}",
            )


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


def _render_pdf(a: Annex, font=None) -> bytes:
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
            para(a.cell_text(k, v), num if k in _AMOUNT_COLUMNS or k == "period" else small)
            for k, v in zip(a.columns, row, strict=True)
        ]
        for row in a.table.itertuples(index=False, name=None)
    ]
    totals = [para(_total_cell(a, k), num if k in _AMOUNT_COLUMNS else small) for k in a.columns]
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
        story.append(para(f"{k}. {c.label}{_sep(a.lang)}{c.text}"))
        story.append(Spacer(1, 1.5 * mm))
    story.append(Spacer(1, 14 * mm))
    sep = _sep(a.lang)
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


_RENDERERS: dict[str, Callable[[Annex], str | bytes]] = {
    "html": _render_html,
    "md": _render_md,
    "csv": _render_csv,
    "xlsx": _render_xlsx,
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
    _check_annex_texts(a)
    if fmt == "pdf":
        return _render_pdf(a, font)
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
    _atomic_write(target, data, path)
    return target


def _check_path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)) or (isinstance(path, str) and not path.strip()):
        raise InputError("path", path, "a file path (str or os.PathLike)")
    target = Path(path)
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


def _atomic_write(target: Path, data: bytes, given) -> None:
    """Write ``data`` with the library's one atomic writer (:func:`repayplan._io.write_atomic`)."""
    write_atomic(target, data)


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
    from .sheet import comparison_sheet as _sheet

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
