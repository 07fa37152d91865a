"""The dashboard's state in plain Python: the plans on the table, what was typed, the record.

A :class:`Session` holds a :class:`repayplan.case.Case` and two to four plan columns
(:class:`PlanSlot`).  Every change goes through the library: a typed value is handed to
:class:`repayplan.Plan` (or :class:`~repayplan.case.Projection`,
:class:`~repayplan.Creditor`) which validates it; an :class:`~repayplan.errors.InputError`
becomes the message shown next to the control, and the last valid state stays in force
(nothing is clipped or coerced).  :meth:`Session.refresh` evaluates and compares the plans
(:func:`repayplan.evaluate`, :func:`repayplan.compare`) and records each plan shown in the
:class:`~repayplan.notebook.minutes.MeetingRecord`.

The session holds no financial logic: it only parses text into the arguments of library
calls and keeps their results.  It does not import ipywidgets, so it is tested in plain
pytest.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from .. import money
from .._validate import check_choice, parse_amount, parse_percent
from ..errors import InputError
from ..evaluate import Borrower, Creditor, Enforcement, evaluate
from ..plans import PLAN_METHODS, Plan, plan_batch
from .charts import ChartData, chart_data
from .labels import LANGS
from .minutes import MeetingRecord

if TYPE_CHECKING:  # annotations only: the functions that need these modules import them inside
    from ..case import Case, Party, Projection
    from ..cashflow import CashFlow
    from ..compare import Comparison
    from ..negotiate import Negotiation

__all__ = [
    "PLAN_OPTIONS",
    "CASH_FIELDS",
    "CREDITOR_FIELDS",
    "BORROWER_FIELDS",
    "PlanSlot",
    "View",
    "Session",
    "option_text",
    "option_shown",
    "parse_option",
    "KEYS_ZH",
    "WORDS_ZH",
    "translate_pairs",
]

#: The plan options the dashboard shows, in order: ``(option, kind, choices)``.
#: Kinds: ``choice`` (a dropdown), ``bool`` (a checkbox), ``int``/``number`` (typed text;
#: a number typed with ``%`` is a percentage), ``optional_int``/``optional_number`` (blank is
#: ``None``), ``optional_percent`` (a rate typed in percent, ``"4.35"`` or ``"4.35%"``; blank
#: is ``None``), ``amount`` (money, separators and ``¥`` allowed), ``weights`` (12 numbers).
PLAN_OPTIONS: tuple[tuple[str, str, tuple], ...] = (
    ("method", "choice", PLAN_METHODS),
    ("term", "int", ()),
    ("grace", "int", ()),
    ("grace_kind", "choice", ("interest_only", "deferral")),
    ("annual_rate", "optional_percent", ()),
    ("penalty_waiver", "number", ()),
    ("interest_waiver", "number", ()),
    ("haircut", "number", ()),
    ("down_payment", "amount", ()),
    ("capitalize_arrears", "bool", ()),
    ("balloon", "number", ()),
    ("step_up", "number", ()),
    ("seasonal", "weights", ()),
    ("settlement_discount", "number", ()),
    ("settlement_by", "optional_int", ()),
)
_KIND = {name: kind for name, kind, _ in PLAN_OPTIONS}

#: The borrower's cash-flow projection fields (:class:`repayplan.case.Projection`).
CASH_FIELDS: tuple[tuple[str, str], ...] = (
    ("base", "amount"),
    ("months", "int"),
    ("start", "text"),
    ("trend", "number"),
    ("seasonality", "weights"),
    ("volatility", "number"),
    ("persistence", "number"),
    ("scenarios", "int"),
    ("seed", "int"),
    ("buffer", "amount"),
    ("minimum_cash", "amount"),
    ("shocks", "shocks"),
)
#: The creditor's settings.
CREDITOR_FIELDS: tuple[tuple[str, str], ...] = (
    ("discount_rate", "number"),
    ("recovery_rate", "number"),
    ("delay_months", "int"),
    ("costs", "amount"),
)
#: What secures the claim (:class:`repayplan.Security`): collateral and guarantees one a line
#: (``key=value`` pairs), and the share recovered from the debtor's other assets.
SECURITY_FIELDS: tuple[tuple[str, str], ...] = (
    ("collateral", "items"),
    ("guarantees", "items"),
    ("unsecured_recovery", "number"),
)
_COLLATERAL_KEYS = (
    "name",
    "kind",
    "appraisal",
    "lien_rank",
    "prior_claims",
    "haircut",
    "time_to_sell",
    "sale_probabilities",
)
_GUARANTEE_KEYS = ("name", "kind", "capacity", "recovery_rate", "collection_months")
#: The borrower's side of the bargain (:class:`repayplan.evaluate.Borrower`).
BORROWER_FIELDS: tuple[tuple[str, str], ...] = (
    ("discount_rate", "number"),
    ("going_concern_loss", "optional_number"),
)

_INT_TEXT = re.compile(r"^[+-]?\d+$")


# ---------------------------------------------------------------------------------------
# text <-> values
# ---------------------------------------------------------------------------------------
def _num_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        r = repr(v)
        if "e" in r:
            from decimal import Decimal

            r = format(Decimal(r), "f")
        return r
    if isinstance(v, (list, tuple)):
        return ", ".join(_num_text(x) for x in v)
    if isinstance(v, (_dt.date, pd.Period)):
        return str(v)
    from decimal import Decimal

    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def option_text(value):
    """How a plan option's value is shown in its control (booleans stay booleans).

    Examples
    --------
    >>> option_text(0.0435), option_text(None), option_text(36), option_text(True)
    ('0.0435', '', '36', True)
    """
    if isinstance(value, bool):
        return value
    return _num_text(value)


def option_shown(option: str, value):
    """How plan option ``option`` is shown in its control: rates in percent, amounts grouped.

    Examples
    --------
    >>> option_shown("annual_rate", 0.0435), option_shown("annual_rate", None)
    ('4.35%', '')
    >>> option_shown("down_payment", 50000), option_shown("term", 36)
    ('50,000', '36')
    """
    kind = _KIND.get(option)
    if kind == "optional_percent" and value is not None:
        return money.percent(value)
    if kind == "amount" and value is not None and not isinstance(value, bool):
        return money.grouped(value)
    return option_text(value)


def _parse(kind: str, raw, field: str = "value"):
    """Typed text as the argument of a library call; the library validates it.

    Whole numbers become ``int``; other numbers stay text (the library reads text exactly,
    as Decimal, and names the field and the text in its error); blank is ``None`` for the
    optional kinds and stays blank (an error) for the others.  Rates of kind
    ``optional_percent`` are read as percent (:func:`repayplan._validate.parse_percent`),
    amounts with separators and currency marks (:func:`repayplan._validate.parse_amount`),
    and a number typed with ``%`` is a percentage.
    """
    if isinstance(raw, bool) or not isinstance(raw, str):
        return raw
    s = raw.strip()
    if kind in ("optional_number", "optional_int", "optional_percent") and s == "":
        return None
    if kind == "optional_percent":
        return parse_percent(field, s)
    if kind == "amount":
        return parse_amount(field, s)
    if kind in ("number", "optional_number") and s.endswith(("%", "％")):
        return parse_percent(field, s)
    if kind in ("int", "optional_int"):
        t = s.replace(",", "").replace("_", "")
        return int(t) if _INT_TEXT.match(t) else s
    if kind == "weights":
        if s == "":
            return None
        return tuple(x for x in re.split(r"[\s,;，；]+", s) if x)
    return s


def parse_option(option: str, raw):
    """The value of plan option ``option`` from the text typed into its control.

    Examples
    --------
    >>> parse_option("term", " 48 "), parse_option("annual_rate", ""), parse_option("haircut", "0.1")
    (48, None, '0.1')
    >>> parse_option("annual_rate", "4.35%"), parse_option("down_payment", "¥50,000")
    (Decimal('0.0435'), Decimal('50000'))
    >>> parse_option("penalty_waiver", "50%")
    Decimal('0.5')
    >>> parse_option("seasonal", "1, 1, 1")
    ('1', '1', '1')
    """
    check_choice("option", option, tuple(_KIND))
    return _parse(_KIND[option], raw, option)


#: The keys of the typed ``key=value`` boxes (collateral, guarantees, shocks) in Chinese; a
#: box reads either language's keys and shows the interface language's.
KEYS_ZH = {
    "name": "名称",
    "kind": "类别",
    "appraisal": "评估价值",
    "lien_rank": "抵押顺位",
    "prior_claims": "在先债权",
    "haircut": "变现折扣",
    "time_to_sell": "变现月数",
    "sale_probabilities": "拍卖成交概率",
    "capacity": "代偿能力",
    "recovery_rate": "回收率",
    "collection_months": "追偿月数",
    "probability": "概率",
    "impact": "降幅",
    "start": "开始月",
    "duration": "持续月数",
    "end": "结束月",
    "per": "概率口径",
    "label": "说明",
}
#: The words some keys take (``kind``, ``per``) in Chinese.
WORDS_ZH = {
    "real_estate": "不动产",
    "equipment": "设备",
    "receivables": "应收账款",
    "equity": "股权",
    "deposits": "存款",
    "joint": "连带责任保证",
    "general": "一般保证",
    "horizon": "整个期间",
    "month": "每月",
}
_KEYS_EN = {zh: en for en, zh in KEYS_ZH.items()}
_WORDS_EN = {zh: en for en, zh in WORDS_ZH.items()}
_WORD_KEYS = ("kind", "per")
_KEY_AHEAD = r"[^,;，；=＝]+[=＝]"  # a key (any word, either language) and its "="


def _split_pairs(line: str, anywhere: bool) -> list[str]:
    """A line of ``key=value`` pairs cut at its separators (``,``, ``;``, ``，``, ``；``); with
    ``anywhere=False`` only where a key follows (a name may hold a comma)."""
    sep = r"[,;，；]\s*" if anywhere else r"[,;，；]\s*(?=" + _KEY_AHEAD + ")"
    return re.split(sep, line)


def _pair(part: str):
    """``"key=value"`` (either language, ``=`` or ``＝``) -> ``(English key, value)``, values of
    ``kind`` and ``per`` in English; None when the part has no ``=``."""
    m = re.match(r"^\s*([^=＝]+?)\s*[=＝]\s*(.*?)\s*$", part)
    if m is None:
        return None
    k, v = m.group(1), m.group(2)
    k = _KEYS_EN.get(k, k)
    if k in _WORD_KEYS:
        v = _WORDS_EN.get(v, v)
    return k, v


def _pairs_text(pairs, lang: str) -> str:
    """``[(key, value), ...]`` (English) as a line in ``lang``."""
    zh = lang == "zh"
    out = []
    for k, v in pairs:
        if zh and k in _WORD_KEYS:
            v = WORDS_ZH.get(v, v)
        out.append(f"{KEYS_ZH.get(k, k) if zh else k}={v}")
    return ("，" if zh else ", ").join(out)


def translate_pairs(raw: str, lang: str, *, anywhere: bool = False) -> str:
    """The text of a ``key=value`` box with its keys (and the words of ``kind`` and ``per``)
    in ``lang``; a part that is not ``key=value`` is kept as typed.

    >>> translate_pairs("name=shed, kind=equipment, appraisal=50000", "zh")
    '名称=shed，类别=设备，评估价值=50000'
    >>> translate_pairs("概率=0.25，降幅=0.35，结束月=35", "en", anywhere=True)
    'probability=0.25, impact=0.35, end=35'
    """
    lines = []
    for line in str(raw).splitlines():
        if not line.strip():
            lines.append(line)
            continue
        parts = [p for p in _split_pairs(line.strip(), anywhere) if p.strip()]
        pairs = [_pair(p) for p in parts]
        if any(p is None for p in pairs):  # not key=value: leave the line as typed
            lines.append(line)
            continue
        lines.append(_pairs_text(pairs, lang))
    return "\n".join(lines)


#: The CSV upload's column names in Chinese (``月份,可用现金`` reads as ``month,available``).
CSV_COLUMNS_ZH = {"month": "月份", "available": "可用现金"}


def _csv_columns_en(content: bytes) -> bytes:
    r"""A CSV file's bytes with the Chinese column names of its header line in English.

    >>> _csv_columns_en("月份,可用现金\n2026-07,20000\n".encode())
    b'month,available\n2026-07,20000\n'
    >>> _csv_columns_en(b"month,available\n")
    b'month,available\n'
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:  # the reader names the problem
        return content
    head, sep, rest = text.partition("\n")
    names = {zh: en for en, zh in CSV_COLUMNS_ZH.items()}
    cells = [c.strip() for c in re.split(r"[,，]", head.rstrip("\r"))]
    if not any(c in names for c in cells):
        return content
    return (",".join(names.get(c, c) for c in cells) + sep + rest).encode("utf-8")


def _parse_shocks(raw: str):
    """``probability=0.25, impact=0.35, end=35`` a line -> Shock keyword dicts (Chinese keys
    as :data:`KEYS_ZH` accepted).

    >>> _parse_shocks("概率=0.25，降幅=0.35，结束月=35，概率口径=每月")
    [{'probability': '0.25', 'impact': '0.35', 'end': 35, 'per': 'month'}]
    """
    out = []
    for n, line in enumerate(raw.splitlines()):
        line = line.strip()
        if not line:
            continue
        kw = {}
        for part in _split_pairs(line, True):
            if not part.strip():
                continue
            pair = _pair(part)
            if pair is None:
                raise InputError(
                    f"shocks line {n + 1}",
                    part,
                    "key=value pairs such as probability=0.25, impact=0.35",
                )
            k, v = pair
            kw[k] = int(v) if _INT_TEXT.match(v) else v
        out.append(kw)
    return out


def _parse_items(raw: str, what: str, keys: tuple) -> list[dict]:
    """``name=factory, kind=real_estate, appraisal=1380000`` a line -> keyword dicts.

    ``sale_probabilities`` is written ``0.4|0.45|0.35``; the keys (and the kinds) may be
    typed in Chinese (:data:`KEYS_ZH`, :data:`WORDS_ZH`).

    >>> _parse_items("name=shed, kind=equipment, appraisal=50000, lien_rank=2", "collateral", _COLLATERAL_KEYS)
    [{'name': 'shed', 'kind': 'equipment', 'appraisal': 50000, 'lien_rank': 2}]
    >>> _parse_items("name=Chen, the owner, capacity=10", "guarantees", _GUARANTEE_KEYS)   # a comma in a name
    [{'name': 'Chen, the owner', 'capacity': 10}]
    >>> _parse_items("名称=厂房，类别=不动产，评估价值=50000，抵押顺位=2", "collateral", _COLLATERAL_KEYS)
    [{'name': '厂房', 'kind': 'real_estate', 'appraisal': 50000, 'lien_rank': 2}]
    """
    out = []
    for n, line in enumerate(raw.splitlines()):
        line = line.strip()
        if not line:
            continue
        kw: dict[str, object] = {}
        for part in _split_pairs(line, False):  # a name may hold a comma
            if not part.strip():
                continue
            pair = _pair(part)
            if pair is None:
                raise InputError(
                    f"{what} line {n + 1}", part, "key=value pairs such as name=..., appraisal=..."
                )
            k, v = pair
            if k not in keys:
                raise InputError(f"{what} line {n + 1}", k, "one of " + ", ".join(keys))
            if k == "sale_probabilities":
                kw[k] = tuple(x.strip() for x in v.split("|"))
            else:
                kw[k] = int(v) if _INT_TEXT.match(v) and k not in ("name",) else v
        out.append(kw)
    return out


def _items_text(items, keys: tuple, lang: str = "en") -> str:
    lines = []
    for it in items:
        pairs = []
        for k in keys:
            v = getattr(it, k)
            if k == "sale_probabilities":
                pairs.append((k, "|".join(_num_text(x) for x in v)))
            else:
                pairs.append((k, _num_text(v) if not isinstance(v, str) else v))
        lines.append(_pairs_text(pairs, lang))
    return "\n".join(lines)


def _shock_text(shocks, lang: str = "en") -> str:
    lines = []
    for s in shocks:
        pairs = [("probability", _num_text(s.probability)), ("impact", _num_text(s.impact))]
        for k in ("start", "duration", "end"):
            v = getattr(s, k)
            if v is not None and not (k == "start" and v == 0):
                pairs.append((k, _num_text(v)))
        if s.per != "horizon":
            pairs.append(("per", s.per))
        if s.label:
            pairs.append(("label", s.label))
        lines.append(_pairs_text(pairs, lang))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# state
# ---------------------------------------------------------------------------------------
@dataclass
class PlanSlot:
    """One plan column: the plan in force, what was typed, and the messages to show.

    Attributes
    ----------
    uid : int
        The column's identity for the meeting record (kept through renames and edits).
    plan : Plan
        The last valid plan; the comparison and charts show it.
    texts : dict
        What each control shows (the typed text, valid or not).
    errors : dict
        Option -> message for values the library refused.
    origin : {"case", "new", "duplicate", "suggested"}
    explanation : str
        Why :func:`repayplan.negotiate` recommended it (suggested plans).
    accepted : bool

    Examples
    --------
    >>> from repayplan.plans import Plan
    >>> slot = PlanSlot.of(7, Plan(term=24, grace=3, name="Two years"))
    >>> slot.name, slot.texts["term"], slot.texts["grace"], slot.texts["annual_rate"]
    ('Two years', '24', '3', '')
    >>> slot.errors, slot.accepted
    ({}, False)
    """

    uid: int
    plan: Plan
    texts: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    origin: str = "case"
    explanation: str = ""
    accepted: bool = False

    @property
    def name(self) -> str:
        """The name of the plan in force (the column's heading)."""
        return self.plan.name

    @classmethod
    def of(cls, uid: int, plan: Plan, **kw) -> PlanSlot:
        """A column showing ``plan``: each control's text is the plan's value (:func:`option_text`).

        Keywords set the other attributes (``origin``, ``explanation``, ``accepted``).

        >>> from repayplan.plans import Plan
        >>> slot = PlanSlot.of(1, Plan(annual_rate=0.0435, name="Bank proposal"), origin="new")
        >>> slot.texts["annual_rate"], slot.texts["name"], slot.origin
        ('4.35%', 'Bank proposal', 'new')
        """
        slot = cls(uid=uid, plan=plan, **kw)
        slot.texts = {name: option_shown(name, getattr(plan, name)) for name, _, _ in PLAN_OPTIONS}
        slot.texts["name"] = plan.name
        return slot


@dataclass(frozen=True, eq=False)
class View:
    """What the dashboard shows after a refresh.

    Attributes
    ----------
    plans : list of Plan
    frame : DataFrame
        :func:`repayplan.evaluate` of the plans (index: names).
    comparison : repayplan.Comparison
        :func:`repayplan.compare` of the plans, labelled in the session's language.
    findings : list of list of Finding
        :func:`repayplan.rules.check` of each plan.
    charts : ChartData
    seconds : float
        Time the evaluation and comparison took.

    Examples
    --------
    :meth:`Session.refresh` returns it.  120,000.00 at 6 % over 12 or 24 months: level
    payments of 10,327.97 and 5,318.47 (``120,000 × 0.005 / (1 − 1.005^−n)``).

    >>> from datetime import date, datetime
    >>> import repayplan as rp
    >>> from repayplan.case import Case
    >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
    ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
    ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
    ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
    >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
    >>> view = s.refresh()
    >>> list(view.frame.index), view.findings
    (['12 months', '24 months'], [[], []])
    >>> view.charts.payments.iloc[:3]
           12 months  24 months
    month
    2026-06      0.00       0.00
    2026-07  10327.97    5318.47
    2026-08  10327.97    5318.47
    """

    plans: list
    frame: pd.DataFrame
    comparison: Comparison
    findings: list
    charts: ChartData
    seconds: float


def _creditor_party(case: Case) -> Party:
    """The case's creditor as a Party: ``Case.__post_init__`` always sets ``creditor_party``."""
    party = case.creditor_party
    assert party is not None, "Case.__post_init__ sets creditor_party"
    return party


def _history_of(cashflow):
    """The history a forecast was fitted to, as a one-path CashFlow (None if there is none)."""
    from ..cashflow import CashFlow

    p = cashflow.provenance
    if p is None or p.kind != "history" or not p.history:
        return None
    return CashFlow.from_series(p.history_series(), currency=cashflow.currency)


def _read_history(content: bytes, filename: str, currency: str, **exclude):
    """A bank statement export, or else a CSV of months and cash, as one path of monthly cash."""
    from ..cashflow import CashFlow

    data = io.BytesIO(content)
    data.name = filename
    try:
        return CashFlow.read_statement(data, currency=currency, source=filename, **exclude)
    except InputError as e:
        if not e.field.endswith(": header") or filename.lower().endswith((".xlsx", ".xlsm")):
            raise
    return CashFlow.read_csv(io.BytesIO(content), currency=currency)


class Session:
    """The state of one negotiation session.

    Parameters
    ----------
    case : repayplan.case.Case
        The case negotiated: claim, cash flow, creditor, candidate plans, earlier record.
    plans : sequence of str or Plan, optional
        The plans put on the table first (names of the case's plans, or plans); default the
        case's plans, at most :attr:`MAX_PLANS`.  Fewer than :attr:`MIN_PLANS` are made up
        with the contract's terms (a plan with no concession).
    lang : {"en", "zh"}
    clock : callable, optional
        Returns the current ``datetime`` (for the meeting record); default ``datetime.now``.

    Examples
    --------
    >>> from repayplan.case import Case
    >>> s = Session(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
    >>> s.set_option(0, "term", "48") is None, s.slots[0].plan.term
    (True, 48)
    >>> print(s.set_option(0, "term", "-6"))
    Term (months): -6 is not accepted; it must be a whole number from 1 to 1200.
    >>> s.slots[0].plan.term                      # the last valid value stays in force
    48
    """

    MIN_PLANS = 2
    """Fewest plans on the table: a comparison needs two."""
    MAX_PLANS = 4
    """Most plans on the table at once."""

    def __init__(
        self, case, plans=None, *, lang: str = "en", clock: Callable[[], _dt.datetime] | None = None
    ):
        from ..case import Case

        if not isinstance(case, Case):
            raise InputError("case", type(case).__name__, "a repayplan.case.Case")
        self.lang = check_choice("lang", lang, LANGS)
        self.clock = clock or _dt.datetime.now
        self.case = case
        self.original = case
        self._uid = 0
        if plans is None:
            chosen = list(case.plans.values())[: self.MAX_PLANS]
        else:
            chosen = [case.plan(p) if isinstance(p, str) else p for p in plans]
            for i, p in enumerate(chosen):
                if not isinstance(p, Plan):
                    raise InputError(
                        f"plans[{i}]", p, "a plan of the case (its name) or a repayplan.Plan"
                    )
            if len(chosen) > self.MAX_PLANS:
                raise InputError(
                    "plans",
                    [getattr(p, "name", p) for p in chosen],
                    f"at most {self.MAX_PLANS} plans",
                )
        self.slots: list[PlanSlot] = []
        for p in chosen:
            self._append(p if p.name else p.replace(name=self._free_name("Plan")), "case")
        while len(self.slots) < self.MIN_PLANS:
            self._append(Plan(name=self._free_name("Contract terms")), "new")
        self.minutes = MeetingRecord(earlier=case.meeting)
        # the borrower's and the creditor's inputs, as typed
        self.projection = case.projection or _starting_projection(case.cashflow)
        self.cash_source = "projection" if case.projection is not None else "data"
        self.cash_texts = {
            k: _num_text(getattr(self.projection, k)) for k, _ in CASH_FIELDS if k != "shocks"
        }
        self.cash_texts["shocks"] = _shock_text(self.projection.shocks, self.lang)
        self.data_cashflow = case.cashflow if case.projection is None else None
        # the borrower's own history and the forecast fitted to it (upload_history)
        self.history_cashflow = _history_of(case.cashflow)
        self.forecast_model = "auto"
        self.backtest = None
        cr = case.creditor
        self.creditor_texts = {
            "discount_rate": _num_text(cr.discount_rate),
            "recovery_rate": _num_text(cr.enforcement.recovery_rate),
            "delay_months": _num_text(cr.enforcement.delay_months),
            "costs": _num_text(cr.enforcement.costs),
        }
        sec = case.security
        self.security_texts = {
            "collateral": _items_text(sec.collateral, _COLLATERAL_KEYS, self.lang) if sec else "",
            "guarantees": _items_text(sec.guarantees, _GUARANTEE_KEYS, self.lang) if sec else "",
            "unsecured_recovery": _num_text(sec.unsecured_recovery) if sec else "0",
        }
        side = self.borrower_side
        self.borrower_texts = {
            "discount_rate": _num_text(side.discount_rate),
            "going_concern_loss": _num_text(side.going_concern_loss),
        }
        self.errors: dict[tuple[str, str], str] = {}
        self.negotiation: Negotiation | None = None
        self.suggestions: list[PlanSlot] = []
        self.view: View | None = None
        self._shown: dict = {}  # uid -> (plan, its figures) as last shown
        self._before: dict = {}  # uid -> the figures of the plan's version before its last edit

    # -- the plans ----------------------------------------------------------------------
    @property
    def plans(self) -> list[Plan]:
        """The plans in force, column by column.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.plans
        [Plan('12 months': term=12), Plan('24 months': term=24)]
        """
        return [s.plan for s in self.slots]

    @property
    def names(self) -> list[str]:
        """The plans' names, column by column (unique on the table)."""
        return [s.name for s in self.slots]

    @property
    def borrower_side(self) -> Borrower:
        """The borrower's side of the bargain: the case's, or the library's default.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.borrower_side
        Borrower(discount_rate=0.1, going_concern_loss=None)
        """
        return getattr(self.case, "borrower_side", None) or Borrower()

    def _next_uid(self) -> int:
        self._uid += 1
        return self._uid

    def _append(self, plan: Plan, origin: str, explanation: str = "") -> PlanSlot:
        slot = PlanSlot.of(self._next_uid(), plan, origin=origin, explanation=explanation)
        self.slots.append(slot)
        return slot

    def _free_name(self, stem: str, taken=None) -> str:
        taken = set(self.names if taken is None else taken)
        if stem not in taken:
            return stem
        k = 2
        while f"{stem} ({k})" in taken:
            k += 1
        return f"{stem} ({k})"

    def _slot(self, i: int) -> PlanSlot:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.slots):
            raise InputError("column", i, f"a plan column from 0 to {len(self.slots) - 1}")
        return self.slots[i]

    def set_option(self, i: int, option: str, raw) -> str | None:
        """Set plan option ``option`` of column ``i`` from what was typed.

        Returns
        -------
        str or None
            The library's message when the value is refused (the plan in force is kept and
            the message is kept in ``slots[i].errors``), else ``None``.

        Examples
        --------
        A plan must fit the cash flow the case has: 120 months of cash cover a 120-month
        plan, not a 150-month one.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_option(1, "term", "120") is None, s.slots[1].plan.term
        (True, 120)
        >>> print(s.set_option(1, "term", "150"))
        Term (months): not applied; the cash flow must be at least 150 months from 2026-07 to cover
        the longest plan (120 given).
        >>> s.slots[1].plan.term, s.slots[1].texts["term"], list(s.slots[1].errors)
        (120, '150', ['term'])
        """
        slot = self._slot(i)
        check_choice("option", option, tuple(_KIND))
        slot.texts[option] = raw
        try:
            plan = slot.plan.replace(**{option: parse_option(option, raw)})
            self._check([plan], self.case.cashflow)
        except InputError as e:
            msg = self._message(e, option, raw)
            slot.errors[option] = msg
            return msg
        slot.errors.pop(option, None)
        slot.plan = plan
        # a cross-field message elsewhere in the column may no longer hold
        for other in list(slot.errors):
            if other != option and self._text_ok(slot, other):
                slot.errors.pop(other)
                slot.plan = slot.plan.replace(**{other: parse_option(other, slot.texts[other])})
        return None

    def _message(self, error: InputError, option: str, raw) -> str:
        """The refusal of plan option ``option`` in the interface language, naming its label."""
        from .labels import input_message, option_label

        if (
            _KIND[option] == "optional_percent"
            and error.field == option
            and "percentage" not in error.allowed
        ):
            error = InputError(option, raw, "a rate >= 0 and <= 1 a year, as a fraction")
            if self.lang == "en":
                error.allowed = "a percentage from 0 to 100 (% a year)"
            else:
                error.allowed = "0 到 100 之间的百分比"
        return input_message(error, option_label(option, self.lang), raw, self.lang, field=option)

    def _text_ok(self, slot: PlanSlot, option: str) -> bool:
        """Does the text shown for ``option`` give a valid plan now?"""
        if option not in _KIND:
            return False
        try:
            self._check(
                [slot.plan.replace(**{option: parse_option(option, slot.texts.get(option, ""))})],
                self.case.cashflow,
            )
        except InputError:
            return False
        return True

    def set_name(self, i: int, name) -> str | None:
        """Rename the plan of column ``i`` (names are unique on the table).

        Returns the message when the name is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> print(s.set_name(1, "12 months"))
        name == '12 months', must be a name no other plan on the table has
        >>> s.set_name(1, " Two years "), s.names
        (None, ['12 months', 'Two years'])
        """
        slot = self._slot(i)
        slot.texts["name"] = name
        if not isinstance(name, str) or not name.strip():
            msg = str(InputError("name", name, "a name for the plan (text)"))
        elif name.strip() in [s.name for s in self.slots if s is not slot]:
            msg = str(InputError("name", name, "a name no other plan on the table has"))
        else:
            slot.plan = slot.plan.replace(name=name.strip())
            slot.texts["name"] = slot.plan.name
            slot.errors.pop("name", None)
            return None
        slot.errors["name"] = msg
        return msg

    def add(self, plan: Plan | None = None, *, origin: str = "new", explanation: str = "") -> int:
        """Put a plan on the table (default: the contract's terms); returns its column.

        The plan's name is made unique; at most :attr:`MAX_PLANS` plans fit.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.add(rp.Plan(term=6)), s.add(rp.Plan(term=6, name="12 months"))
        (2, 3)
        >>> s.names
        ['12 months', '24 months', 'New plan', '12 months (2)']
        >>> s.add()
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: plans == 5, must be at most 4 plans on the table
        """
        if len(self.slots) >= self.MAX_PLANS:
            raise InputError(
                "plans", len(self.slots) + 1, f"at most {self.MAX_PLANS} plans on the table"
            )
        stem = "New plan" if self.lang == "en" else "新方案"
        plan = plan or Plan(name=stem)
        if not isinstance(plan, Plan):
            raise InputError("plan", plan, "a repayplan.Plan")
        plan = plan.replace(name=self._free_name(plan.name or stem))
        self._check([plan], self.case.cashflow)
        self._append(plan, origin, explanation)
        return len(self.slots) - 1

    def duplicate(self, i: int) -> int:
        """A copy of column ``i`` (named ``"<name> (2)"``), placed after it; returns its column.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.duplicate(0), s.names
        (1, ['12 months', '12 months (2)', '24 months'])
        >>> s.slots[1].plan.term, s.slots[1].origin
        (12, 'duplicate')
        """
        slot = self._slot(i)
        if len(self.slots) >= self.MAX_PLANS:
            raise InputError(
                "plans", len(self.slots) + 1, f"at most {self.MAX_PLANS} plans on the table"
            )
        copy = PlanSlot.of(
            self._next_uid(), slot.plan.replace(name=self._free_name(slot.name)), origin="duplicate"
        )
        self.slots.insert(i + 1, copy)
        return i + 1

    def remove(self, i: int) -> None:
        """Take column ``i`` off the table (it stays in the meeting record).

        At least :attr:`MIN_PLANS` plans stay on the table.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.add(rp.Plan(term=36, name="36 months"))
        2
        >>> s.remove(0)
        >>> s.names
        ['24 months', '36 months']
        >>> s.remove(0)
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: plans == 1, must be at least 2 plans on the table
        """
        slot = self._slot(i)
        if len(self.slots) <= self.MIN_PLANS:
            raise InputError(
                "plans", len(self.slots) - 1, f"at least {self.MIN_PLANS} plans on the table"
            )
        if slot.accepted:
            self.minutes.withdraw()
        del self.slots[i]

    def accept(self, i: int, accepted: bool = True) -> None:
        """Mark the plan of column ``i`` accepted (at most one is) -- or withdraw it.

        The meeting record marks the offer accepted, at the session's clock:

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.accept(1)
        >>> s.accepted.name, s.minutes.accepted.plan, s.minutes.accepted.accepted_at
        ('24 months', '24 months', datetime.datetime(2026, 7, 8, 10, 30))
        >>> s.accept(1, False)
        >>> s.accepted is None, s.minutes.accepted is None
        (True, True)
        """
        slot = self._slot(i)
        if not accepted:
            slot.accepted = False
            self.minutes.withdraw()
            return
        if self.view is None or slot.name not in self.view.comparison.table.columns:
            self.refresh()
        for s in self.slots:
            s.accepted = s is slot
        self.minutes.accept(slot.uid, self.clock())

    def restore_accepted(self, name: str) -> bool:
        """Show the plan ``name`` accepted again, as it was when the session was saved (a
        reload): the meeting record already holds the acceptance among its earlier entries,
        so nothing is recorded anew.  Returns whether a plan of that name is on the table.

        >>> from repayplan.case import Case
        >>> s = Session(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> s.restore_accepted("Seasonal 48"), s.accepted.name, s.minutes.offers
        (True, 'Seasonal 48', [])
        >>> s.restore_accepted("Settlement")
        False
        """
        for slot in self.slots:
            if slot.name == name:
                for other in self.slots:
                    other.accepted = other is slot
                return True
        return False

    @property
    def accepted(self) -> PlanSlot | None:
        """The column of the accepted plan, or ``None`` (see :meth:`accept`)."""
        return next((s for s in self.slots if s.accepted), None)

    def set_lang(self, lang: str) -> None:
        """Switch the language of the comparison's labels, suggestions and minutes.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_lang("zh")
        >>> "还款总额" in s.refresh().comparison.labelled().index
        True
        """
        self.lang = check_choice("lang", lang, LANGS)
        self._explain_again()
        # the typed key=value boxes show their keys in the new language (read in either)
        for key in ("collateral", "guarantees"):
            self.security_texts[key] = translate_pairs(self.security_texts[key], self.lang)
        self.cash_texts["shocks"] = translate_pairs(
            self.cash_texts["shocks"], self.lang, anywhere=True
        )

    def _explain_again(self) -> None:
        """The reasons of suggested plans (on the table and waiting) in the session's language."""
        negotiation = getattr(self, "negotiation", None)
        if negotiation is None:
            return
        from ..negotiate import explain_plan

        rows = [row for _, row in negotiation.candidates.iterrows()]
        for slot in [*self.slots, *self.suggestions]:
            if slot.origin != "suggested":
                continue
            for row in rows:
                if row["plan"].replace(name=slot.plan.name) == slot.plan:
                    slot.explanation = explain_plan(slot.plan, row, self.lang)
                    break

    # -- borrower and creditor ---------------------------------------------------------------
    def set_cash(self, key: str, raw) -> str | None:
        """Change a field of the cash-flow projection (and use the projection).

        Returns the library's message when the value is refused, else ``None``; a refused
        value leaves the cash flow in force as it was.

        Examples
        --------
        A case with monthly data starts the form from a flat projection at the data's mean;
        changing a field switches to the projection:

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.cash_source, s.cash_texts["base"]
        ('data', '15000')
        >>> s.set_cash("base", "12000"), s.cash_source, float(s.case.cashflow.mean().iloc[0])
        (None, 'projection', 12000.0)
        >>> print(s.set_cash("volatility", "high"))
        volatility == 'high', must be a number
        """
        kinds = dict(CASH_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.cash_texts[key] = raw
        try:
            if kinds[key] == "shocks":
                from ..cashflow import Shock

                value = tuple(Shock(**kw) for kw in _parse_shocks(raw))
            else:
                value = _parse(kinds[key], raw, key)
            projection = self.projection.replace(**{key: value})
            self._check(self.plans, projection.cashflow())
            self.case = self.case.replace(cashflow=projection)
        except InputError as e:
            self.errors[("cash", key)] = str(e)
            return str(e)
        self.errors.pop(("cash", key), None)
        self.projection = projection
        self.cash_source = "projection"
        return None

    def set_cash_source(self, source: str) -> str | None:
        """Use the projection or the uploaded data (``"projection"`` or ``"data"``).

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_cash("base", "12000"), s.cash_source
        (None, 'projection')
        >>> s.set_cash_source("data"), float(s.case.cashflow.mean().iloc[0])   # the case's data again
        (None, 15000.0)
        """
        check_choice("source", source, ("projection", "data"))
        try:
            new: CashFlow | Projection
            if source == "data":
                if self.data_cashflow is None:
                    raise InputError("source", source, "'projection' until a CSV has been uploaded")
                new = self.data_cashflow
                self._check(self.plans, self.data_cashflow)
            else:
                new = self.projection
                self._check(self.plans, self.projection.cashflow())
            self.case = self.case.replace(cashflow=new)
        except InputError as e:
            self.errors[("cash", "source")] = str(e)
            return str(e)
        self.errors.pop(("cash", "source"), None)
        self.cash_source = source
        return None

    def upload_cash(self, content: bytes, filename: str = "upload.csv") -> str | None:
        """Read the borrower's monthly cash from a CSV file's bytes and use it.

        The file is read by :meth:`repayplan.CashFlow.read_csv` (columns ``month`` and
        ``available``); it must cover the longest plan on the table.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> print(s.upload_cash(b"month,available\\n2026-07,20000\\n2026-08,20000\\n", "acme.csv"))
        cashflow == '2 months from 2026-07', must be at least 24 months from 2026-07 to cover
        the longest plan (2 given)
        >>> rows = "".join(f"{m},20000\\n" for m in pd.period_range("2026-07", periods=24, freq="M"))
        >>> s.upload_cash(("month,available\\n" + rows).encode(), "acme.csv"), s.cash_source
        (None, 'data')
        >>> s.case.cashflow.months, float(s.case.cashflow.mean().iloc[0])
        (24, 20000.0)
        """
        from ..cashflow import CashFlow

        try:
            if not isinstance(content, (bytes, bytearray, memoryview)):
                raise InputError("upload", type(content).__name__, "the bytes of a CSV file")
            upload = io.BytesIO(_csv_columns_en(bytes(content)))
            upload.name = str(filename)  # errors name the file, not "<csv>"
            cf = CashFlow.read_csv(
                upload,
                buffer=self.case.cashflow.buffer,
                minimum_cash=self.case.cashflow.minimum_cash,
                currency=self.case.claim.currency,
            )
            self._check(self.plans, cf)
            self.case = self.case.replace(cashflow=cf)
        except InputError as e:
            msg = str(e).replace("<stream>", filename)
            self.errors[("cash", "upload")] = msg
            return msg
        self.errors.pop(("cash", "upload"), None)
        self.data_cashflow = cf
        self.cash_source = "data"
        return None

    # -- the borrower's own history: statement or monthly figures, and the forecast -------
    #: Forecast models offered (see :func:`repayplan.forecast.fit_history`).
    FORECAST_MODELS = ("auto", "ets", "sarima", "level", "seasonal_naive")

    def upload_history(
        self, content: bytes, filename: str = "history.csv", *, own_accounts=(), loan_proceeds=()
    ) -> str | None:
        """Read the borrower's history, fit a forecast to it and use the forecast.

        ``content`` is a bank statement export (CSV or xlsx, read by
        :meth:`repayplan.CashFlow.read_statement`) or a CSV of months and cash (``month``,
        ``available``, read by :meth:`repayplan.CashFlow.read_csv`).  The forecast
        (:meth:`repayplan.CashFlow.from_history`, model :attr:`forecast_model`, seed 1) runs
        from the month after the history to the end of the longest plan (at least as far as
        the cash flow in force), keeping the buffer and the minimum cash.  Statement lines with
        the counterparties ``own_accounts`` are left out, and so are payments in from
        ``loan_proceeds`` (see :meth:`repayplan.CashFlow.from_transactions`).  Returns the
        library's message when the file or the forecast is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import numpy as np
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> months = pd.period_range("2023-07", periods=36, freq="M")
        >>> cash = 20_000 + 5_000 * np.cos(2 * np.pi * np.arange(36) / 12)
        >>> rows = "".join(f"{m},{c:.2f}\\n" for m, c in zip(months, cash))
        >>> s.upload_history(("month,available\\n" + rows).encode(), "acme.csv") is None
        True
        >>> s.case.cashflow.provenance.kind, str(s.case.cashflow.start), s.case.cashflow.months
        ('history', '2026-07', 24)
        """
        try:
            if not isinstance(content, (bytes, bytearray, memoryview)):
                raise InputError(
                    "upload", type(content).__name__, "the bytes of a CSV or xlsx file"
                )
            history = _read_history(
                bytes(content),
                filename,
                self.case.claim.currency,
                own_accounts=own_accounts,
                loan_proceeds=loan_proceeds,
            )
            cf = self._forecast(history, self.forecast_model)
        except InputError as e:
            msg = str(e).replace("<stream>", filename)
            self.errors[("cash", "history")] = msg
            return msg
        self.errors.pop(("cash", "history"), None)
        self.history_cashflow = history
        self.backtest = None
        self._use_forecast(cf)
        return None

    def set_forecast_model(self, model: str) -> str | None:
        """Fit the uploaded history again with another model (``"auto"``, ``"ets"`` ...).

        Returns the library's message when refused (no history yet, an unknown model).
        """
        try:
            check_choice("model", model, self.FORECAST_MODELS)
            if self.history_cashflow is None:
                raise InputError(
                    "model", model, "chosen after a statement or a history is uploaded"
                )
            cf = self._forecast(self.history_cashflow, model)
        except InputError as e:
            self.errors[("cash", "model")] = str(e)
            return str(e)
        self.errors.pop(("cash", "model"), None)
        self.forecast_model = model
        self.backtest = None
        self._use_forecast(cf)
        return None

    def run_backtest(self) -> str | None:
        """Backtest the forecast on the uploaded history (:func:`repayplan.cashflow.backtest`)
        and keep the figures with the cash flow's provenance.  Returns a message when refused."""
        from ..cashflow import backtest

        try:
            if self.history_cashflow is None:
                raise InputError("backtest", None, "run after a statement or a history is uploaded")
            series = self.history_cashflow.to_series()
            # up to 12 months ahead, shortened so that a short history still has 4 origins
            # (24 months to fit at the first); below 30 months, one origin is all there is
            n = len(series)
            horizon = min(12, n - 27) if n - 27 >= 3 else n - 24
            if horizon < 1:
                raise InputError(
                    "history",
                    f"{len(series)} months",
                    "at least 25 months for a backtest (24 to fit, 1 to compare)",
                )
            bt = backtest(
                series, horizon=horizon, model=self.forecast_model, origins=4, scenarios=300, seed=1
            )
        except InputError as e:
            self.errors[("cash", "backtest")] = str(e)
            return str(e)
        self.errors.pop(("cash", "backtest"), None)
        self.backtest = bt
        cf = self.case.cashflow
        if cf.provenance is not None and cf.provenance.kind == "history":
            figures = {
                "coverage_90": bt.coverage_90,
                "mape": bt.mape,
                "naive_coverage_90": bt.seasonal_naive["coverage_90"],
                "naive_mape": bt.seasonal_naive["mape"],
            }
            cf = cf.replace(provenance=cf.provenance.replace(backtest=figures))
            self.case = self.case.replace(cashflow=cf)
            self.data_cashflow = cf
        return None

    def _forecast(self, history, model: str):
        from ..cashflow import CashFlow

        old = self.case.cashflow
        first = pd.Period(self.case.claim.as_of, freq="M") + 1
        start = history.end + 1
        gap = max(0, (first - start).n)
        horizon = plan_batch(self.plans, self.case.claim).horizon
        covered = old.months - max(0, (first - old.start).n)
        months = gap + max(horizon, covered, 12)
        cf = CashFlow.from_history(
            history,
            months=min(months, 1200),
            scenarios=old.n_scenarios if old.n_scenarios > 1 else 1000,
            seed=1,
            model=model,
            buffer=old.buffer,
            minimum_cash=old.minimum_cash,
            currency=old.currency,
        )
        self._check(self.plans, cf)
        return cf

    def _use_forecast(self, cf) -> None:
        self.case = self.case.replace(cashflow=cf)
        self.data_cashflow = cf
        self.cash_source = "data"

    def set_creditor(self, key: str, raw) -> str | None:
        """Change the creditor's discount rate or its enforcement alternative.

        ``key`` is one of :data:`CREDITOR_FIELDS`; returns the library's message when the
        value is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_creditor("recovery_rate", "0.4"), s.case.creditor.enforcement.recovery_rate
        (None, 0.4)
        >>> print(s.set_creditor("delay_months", "-1"))
        delay_months == -1, must be a whole number from 0 to 600
        """
        kinds = dict(CREDITOR_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.creditor_texts[key] = raw
        cr = self.case.creditor
        try:
            value = _parse(kinds[key], raw, key)
            if key == "discount_rate":
                new = Creditor(discount_rate=value, enforcement=cr.enforcement, name=cr.name)
            else:
                enf = dataclasses.replace(cr.enforcement, **{key: value})
                new = Creditor(
                    discount_rate=cr.discount_rate,
                    enforcement=Enforcement(enf.recovery_rate, enf.delay_months, enf.costs),
                    name=cr.name,
                )
            self.case = self.case.replace(creditor=new)
        except InputError as e:
            self.errors[("creditor", key)] = str(e)
            return str(e)
        self.errors.pop(("creditor", key), None)
        return None

    def set_security(self, key: str, raw) -> str | None:
        """Change the collateral, the guarantees or the unsecured recovery behind the
        creditor's alternative (:meth:`repayplan.Enforcement.from_security`).

        ``key`` is one of :data:`SECURITY_FIELDS`; collateral and guarantees are one a line,
        ``key=value`` pairs.  Both empty: the quick form of the alternative (its summary
        figures).  Returns the library's message when a value is refused, else ``None``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_security("collateral", "name=shed, kind=real_estate, appraisal=90000")
        >>> [c.name for c in s.case.security.collateral]
        ['shed']
        >>> print(s.set_security("collateral", "name=shed, kind=real_estate, appraisal=0"))
        appraisal == 0, must be a positive amount (the appraised value)
        """
        from ..security import Collateral, Guarantee, Security

        kinds = dict(SECURITY_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.security_texts[key] = raw
        cr = self.case.creditor
        try:
            texts = self.security_texts
            coll = [
                Collateral(**kw)
                for kw in _parse_items(texts["collateral"], "collateral", _COLLATERAL_KEYS)
            ]
            guar = [
                Guarantee(**kw)
                for kw in _parse_items(texts["guarantees"], "guarantees", _GUARANTEE_KEYS)
            ]
            unsecured = _parse("number", texts["unsecured_recovery"]) or 0
            old = cr.enforcement.path
            if not coll and not guar:
                e = cr.enforcement
                enf = Enforcement(e.recovery_rate, e.delay_months, e.costs)
            else:
                enf = Enforcement.from_security(
                    Security(collateral=coll, guarantees=guar, unsecured_recovery=unsecured),
                    self.case.claim,
                    seed=old.seed if old is not None else 1,
                    scenarios=old.scenarios if old is not None else 1000,
                    procedure=old.procedure if old is not None else None,
                    exact=old.exact if old is not None else False,
                )
            self.case = self.case.replace(creditor=cr.replace(enforcement=enf))
            for k in (
                "recovery_rate",
                "delay_months",
                "costs",
            ):  # the quick form's fields show its summary
                self.creditor_texts[k] = _num_text(getattr(enf, k))
        except (InputError, TypeError) as e:
            msg = str(e) if isinstance(e, InputError) else f"{key}: {e}"
            self.errors[("security", key)] = msg
            return msg
        for k in kinds:
            self.errors.pop(("security", k), None)
        return None

    def enforcement_view(self) -> dict | None:
        """The creditor's enforcement path for the creditor tab: the expected waterfall
        (:meth:`repayplan.security.EnforcementPath.waterfall`) and the distribution of its
        value over the scenarios; ``None`` for the quick form.

        >>> from repayplan.case import Case
        >>> v = Session(Case.sample()).enforcement_view()
        >>> list(v["waterfall"].columns[:3]), len(v["distribution"])
        (['proceeds', 'prior_claims', 'execution_fee'], 1000)
        """
        cr = self.case.creditor
        path = cr.enforcement.path
        if path is None:
            return None
        return {
            "waterfall": path.waterfall(cr.discount_rate),
            "distribution": path.distribution(cr.discount_rate),
            "value": path.value(discount_rate=cr.discount_rate),
            "currency": self.case.claim.currency,
        }

    def set_borrower(self, key: str, raw) -> str | None:
        """Change the borrower's discount rate or going-concern loss (the Nash bargain).

        ``key`` is one of :data:`BORROWER_FIELDS`; a blank going-concern loss is the
        library's default.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.set_borrower("discount_rate", "0.12"), s.borrower_side
        (None, Borrower(discount_rate=0.12, going_concern_loss=None))
        """
        kinds = dict(BORROWER_FIELDS)
        check_choice("field", key, tuple(kinds))
        self.borrower_texts[key] = raw
        try:
            side = dataclasses.replace(self.borrower_side, **{key: _parse(kinds[key], raw)})
            self.case = self.case.replace(borrower_side=side)
        except InputError as e:
            self.errors[("borrower", key)] = str(e)
            return str(e)
        self.errors.pop(("borrower", key), None)
        return None

    # -- evaluation ---------------------------------------------------------------------
    def refresh(self) -> View:
        """Evaluate and compare the plans on the table; record the ones shown anew.

        Returns the :class:`View`.  12 and 24 months at 6 % cost ``11 × 10,327.97 +
        10,327.99 = 123,935.66`` and 127,643.39 in all; a plan shown again with the same
        terms is not recorded twice.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> view = s.refresh()
        >>> view.comparison.table.loc["total_paid"].round(2).tolist()
        [123935.66, 127643.39]
        >>> _ = s.refresh()
        >>> [(o.plan, str(o.total_paid)) for o in s.minutes.offers]
        [('12 months', '123935.66'), ('24 months', '127643.39')]
        """
        from .. import rules
        from ..compare import compare

        t0 = time.perf_counter()
        case, plans = self.case, self.plans
        batch = plan_batch(plans, case.claim)
        frame = evaluate(
            plans, case.claim, case.cashflow, case.creditor, borrower=self.borrower_side
        )
        findings = [rules.check(p, case.claim) for p in plans]  # shown under each plan
        comparison = compare(
            plans,
            case.claim,
            case.cashflow,
            case.creditor,
            lang=self.lang,
            metrics=frame,
            constraints=getattr(case.negotiation, "constraints", None),
        )
        charts = chart_data(batch, frame, case.claim, case.cashflow, self.negotiation)
        self.view = View(
            plans=plans,
            frame=frame,
            comparison=comparison,
            findings=findings,
            charts=charts,
            seconds=time.perf_counter() - t0,
        )
        self._record(batch, frame)
        self._keep_versions(comparison.table)
        return self.view

    def _keep_versions(self, table: pd.DataFrame) -> None:
        """Remember each column's figures; when a plan's terms changed since it was last
        shown, its figures then become :meth:`previous` (the Δ of the comparison)."""
        shown, before = self._shown, self._before
        for slot, col in zip(self.slots, table.columns, strict=True):
            last = shown.get(slot.uid)
            if last is not None and last[0].replace(name=slot.plan.name) != slot.plan:
                before[slot.uid] = last[1]
            shown[slot.uid] = (slot.plan, table[col].copy())

    def previous(self) -> dict:
        """The figures of the previous version of each plan edited since the session began:
        ``{plan name: Series}`` (rows as :attr:`repayplan.compare.Comparison.table`).

        A plan shown with new terms keeps the figures of its version before the edit; a
        plan never edited has none.  The dashboard shows the change (Δ) under each figure.

        >>> from repayplan.case import Case
        >>> s = Session(Case.sample(), plans=["Bank proposal", "Seasonal 48"])
        >>> _ = s.refresh()
        >>> s.previous()
        {}
        >>> _ = s.set_option(0, "term", "48")
        >>> now = s.refresh().comparison.table
        >>> before = s.previous()["Bank proposal"]
        >>> int(before["term"]), int(now.loc["term", "Bank proposal"])
        (36, 48)
        """
        return {
            slot.name: self._before[slot.uid] for slot in self.slots if slot.uid in self._before
        }

    def _check(self, plans, cashflow) -> None:
        """Raise the library's InputError unless ``plans`` can be evaluated on ``cashflow``:
        each must fit the claim (waivers, signing payment, schedule) and the cash flow must
        cover the longest."""
        from ..evaluate import align_cashflow

        batch = plan_batch(plans, self.case.claim)
        align_cashflow(cashflow, self.case.claim, batch.horizon)

    def _record(self, batch, frame: pd.DataFrame) -> None:
        now = self.clock()
        u = batch.units
        for i, slot in enumerate(self.slots):
            row = frame.iloc[i]
            paid = money.from_minor(int(batch.payments[i].sum()), u)
            prev = self.minutes.last(slot.uid)
            if (
                prev is not None
                and prev.plan == slot.name
                and prev.term == int(row["term"])
                and prev.total_paid == paid
                and prev.description in {slot.plan.describe(x) for x in LANGS}
            ):
                continue  # the same plan, shown again in the other language
            self.minutes.shown(
                now,
                slot.uid,
                slot.name,
                slot.plan.describe(self.lang),
                int(row["term"]),
                money.from_minor(int(batch.payments[i].sum()), u),
                money.from_minor(int(batch.terms[i].waived), u),
                float(row["expected_npv"]),
                float(row["default_probability"]),
            )

    # -- suggestions --------------------------------------------------------------------
    def suggest(
        self,
        *,
        objective: str | None = None,
        constraints=None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[int]:
        """Run :func:`repayplan.negotiate` on the case as it stands and put the recommended
        plans on the free columns, best first.

        Parameters
        ----------
        objective : str, optional
            Default the case's (``case.negotiation``).
        constraints : repayplan.Constraints, optional
            Default the case's.
        progress : callable, optional
            ``progress(done, total)``, passed to :func:`repayplan.negotiate`.

        Returns
        -------
        list of int
            The columns added (none if the table is full: :attr:`suggestions` holds them).

        Raises
        ------
        InfeasibleError
            No plan meets the constraints (the message says which binds and by how much).

        Examples
        --------
        Two free columns take the two best candidates; the others wait in
        :attr:`suggestions`:

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.suggest()
        [2, 3]
        >>> s.names, [slot.origin for slot in s.slots]
        (['12 months', '24 months', 'Suggested 1', 'Suggested 2'], ['case', 'case', 'suggested', 'suggested'])
        >>> s.slots[2].plan.replace(name="") == s.negotiation.best
        True
        >>> len(s.suggestions) == len(s.negotiation.candidates) - 2
        True
        """
        from ..negotiate import explain_plan

        kw: dict[str, object] = {}
        if objective is not None:
            kw["objective"] = objective
        if constraints is not None:
            kw["constraints"] = constraints
        if progress is not None:
            kw["progress"] = progress
        result = self.case.negotiate(**kw)
        self.negotiation = result
        taken = set(self.names)
        self.suggestions = []
        for k, (_, row) in enumerate(result.candidates.iterrows(), start=1):
            stem = ("Suggested" if self.lang == "en" else "推荐方案") + f" {k}"
            name = self._free_name(stem, taken)
            taken.add(name)
            plan = row["plan"].replace(name=name)
            self.suggestions.append(
                PlanSlot.of(
                    0, plan, origin="suggested", explanation=explain_plan(plan, row, self.lang)
                )
            )
        added = []
        while self.suggestions and len(self.slots) < self.MAX_PLANS:
            added.append(self.add_suggestion(0))
        return added

    def add_suggestion(self, k: int) -> int:
        """Put suggestion ``k`` on the table; returns its column.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.suggest()
        [2, 3]
        >>> s.remove(3)
        >>> waiting = s.suggestions[0].plan
        >>> s.add_suggestion(0), s.slots[3].plan == waiting, s.slots[3].origin
        (3, True, 'suggested')
        """
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self.suggestions):
            raise InputError("suggestion", k, f"a suggestion from 0 to {len(self.suggestions) - 1}")
        s = self.suggestions.pop(k)
        return self.add(s.plan, origin="suggested", explanation=s.explanation)

    def replace_with_suggestion(self, k: int, i: int) -> int:
        """Put suggestion ``k`` on the table in place of column ``i`` (for a full table).

        The plan of column ``i`` goes back to nothing (an accepted plan is withdrawn from
        the record); the suggestion takes the column, with its reasons.  Returns ``i``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months"),
        ...                    rp.Plan(term=36, name="36 months"), rp.Plan(term=48, name="48 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.suggest()                       # the table is full: nothing added
        []
        >>> best = s.suggestions[0].plan
        >>> s.replace_with_suggestion(0, 1), s.names[:2], s.slots[1].plan == best, s.slots[1].origin
        (1, ['12 months', 'Suggested 1'], True, 'suggested')
        """
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self.suggestions):
            raise InputError(
                "suggestion", k, f"a suggestion from 0 to {max(len(self.suggestions) - 1, 0)}"
            )
        old = self._slot(i)
        taken = [n for j, n in enumerate(self.names) if j != i]
        new = self.suggestions[k]
        plan = new.plan.replace(name=self._free_name(new.plan.name, taken))
        self._check([plan], self.case.cashflow)
        if old.accepted:
            self.minutes.withdraw()
        self.suggestions.pop(k)
        self.slots[i] = PlanSlot.of(
            self._next_uid(), plan, origin="suggested", explanation=new.explanation
        )
        return i

    def ranking(self) -> str:
        """Why the suggestions rank as they do (:meth:`repayplan.Negotiation.explain`), in the
        session's language; empty before :meth:`suggest`.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.ranking()
        ''
        >>> _ = s.suggest()
        >>> s.ranking() == s.negotiation.explain("en") and s.ranking().splitlines()[1].startswith("1. ")
        True
        """
        return "" if self.negotiation is None else self.negotiation.explain(self.lang)

    # -- the case and the exports ---------------------------------------------------------
    def to_case(self):
        """The case as it stands: the plans on the table first (then the case's other plans),
        the cash flow and creditor as set, and the meeting record.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> s.add(rp.Plan(term=36, name="36 months"))
        2
        >>> _ = s.refresh()
        >>> case2 = s.to_case()
        >>> list(case2.plans), len(case2.meeting), case2.meeting[0]["plan"]
        (['12 months', '24 months', '36 months'], 3, '12 months')
        """
        plans = {s.name: s.plan for s in self.slots}
        for name, p in self.original.plans.items():
            if name not in plans and all(p != s.plan.replace(name=name) for s in self.slots):
                plans[name] = p
        return self.case.replace(plans=plans, meeting=self.minutes.entries())

    def case_text(self, format: str = "toml") -> str:
        """The case file's text (:meth:`repayplan.case.Case.dumps`), ``"toml"`` or ``"json"``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> _ = s.set_option(1, "term", "18")
        >>> Case.loads(s.case_text()).plan("24 months").term
        18
        """
        return self.to_case().dumps(format)

    def annex_arguments(self, i: int, lang: str = "en") -> tuple:
        """``(schedule, keywords)`` of :func:`repayplan.report.render` for column ``i``'s annex:
        the claim, the plan and the parties' names (the English names for an English annex).

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> schedule, kw = s.annex_arguments(0)
        >>> schedule.payment, kw["plan"], kw["borrower"], kw["creditor"], kw["lang"]
        (Decimal('10327.97'), Plan('12 months': term=12), 'Acme Ltd', 'First Bank', 'en')
        """
        slot = self._slot(i)
        case = self.case
        creditor_party = _creditor_party(case)
        borrower, creditor = case.borrower.name, creditor_party.name
        if lang == "en":
            borrower = case.borrower.other_name or borrower
            creditor = creditor_party.other_name or creditor
        kw = {
            "lang": lang,
            "claim": case.claim,
            "plan": slot.plan,
            "borrower": borrower,
            "creditor": creditor,
            "security": case.security,
            "borrower_party": case.borrower,
            "contract": case.contract or None,
        }
        if case.cashflow.provenance is not None:  # where the cash the plan was judged on came from
            kw["notes"] = [f"The borrower's cash flow: {case.cashflow.provenance.summary()}."]
        return slot.plan.schedule(case.claim), kw

    def annex(self, i: int, format: str = "xlsx", *, lang: str = "en"):
        """The agreement annex of column ``i`` (:func:`repayplan.report.render`).

        Text for ``"html"``, ``"csv"`` and ``"md"``, bytes for ``"xlsx"`` and ``"pdf"``.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> md = s.annex(0, "md")
        >>> print("\\n".join(line for line in md.splitlines() if "Regular instalment" in line))
        | Regular instalment | CNY 10,327.97 |
        """
        from .. import report

        schedule, kw = self.annex_arguments(i, lang)
        return report.render(schedule, format, **kw)

    def minutes_text(self, format: str = "md", *, lang: str | None = None) -> str:
        """The negotiation's minutes: which offers were made, when, and which was accepted.

        ``format`` is one of :data:`repayplan.notebook.minutes.MINUTES_FORMATS`.

        >>> from datetime import date, datetime
        >>> import repayplan as rp
        >>> from repayplan.case import Case
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 120, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> s = Session(case, clock=lambda: datetime(2026, 7, 8, 10, 30))
        >>> _ = s.refresh()
        >>> print(s.minutes_text("csv", lang="zh"))
        谈判会议纪要
        Acme Ltd / First Bank
        展示时间,方案,条款,期限（月）,还款总额,减免总额,债权人预期净现值,违约概率,已接受
        2026-07-08 10:30:00,12 months,level instalments over 12 months,12,123935.66,0.00,120000.00,0.0000,
        2026-07-08 10:30:00,24 months,level instalments over 24 months,24,127643.39,0.00,120000.02,0.0000,
        <BLANKLINE>
        """
        lang = lang or self.lang
        case = self.case
        parties = f"{case.borrower.name} / {_creditor_party(case).name}"
        p = case.cashflow.provenance
        source = f"Cash flow: {p.summary()}" if p is not None else ""
        return self.minutes.render(
            format, lang=lang, title=case.title, parties=parties, source=source
        )


def _starting_projection(cashflow):
    """A projection to start the form from when the case's cash is data (not applied until
    a field is changed): the data's months, start, buffer and minimum cash, and its mean."""
    from decimal import Decimal

    from ..case import Projection

    mean = cashflow.mean()
    base = max(float(mean.iloc[: min(12, len(mean))].mean()), 1.0)
    cents = Decimal("0.01")
    return Projection(
        base=Decimal(round(base)),
        months=cashflow.months,
        start=cashflow.start,
        scenarios=max(cashflow.n_scenarios, 1),
        seed=0,
        buffer=Decimal(repr(cashflow.buffer)).quantize(cents),
        minimum_cash=Decimal(repr(cashflow.minimum_cash)).quantize(cents),
        currency=cashflow.currency,
    )
