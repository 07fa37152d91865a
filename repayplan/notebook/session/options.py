"""The dashboard's options as text: parsing what is typed and showing values back.

What a control shows and what is typed into it, in either language: the plan options
(:data:`PLAN_OPTIONS`, :func:`parse_option`, :func:`option_text`, :func:`option_shown`),
the fields of the cash flow, creditor, security and borrower editors, ``key=value`` pairs
(:func:`translate_pairs`, :data:`KEYS_ZH`, :data:`WORDS_ZH`), shocks and the Chinese column
names of an uploaded cash-flow CSV.  Text only: every value is validated by the library call
it is handed to.

``parse_value``, ``num_text``, ``parse_items``, ``items_text``, ``parse_shocks``,
``shock_text``, ``csv_columns_en``, ``OPTION_KIND``, ``COLLATERAL_KEYS`` and
``GUARANTEE_KEYS`` are the session's internal interface (not exported).
"""

from __future__ import annotations

import datetime as _dt
import re

import pandas as pd

from ... import money
from ..._validate import check_choice, parse_amount, parse_percent
from ...errors import InputError
from ...plans import PLAN_METHODS
from ...text import pairs

__all__ = [
    "PLAN_OPTIONS",
    "CASH_FIELDS",
    "CREDITOR_FIELDS",
    "SECURITY_FIELDS",
    "BORROWER_FIELDS",
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
OPTION_KIND = {name: kind for name, kind, _ in PLAN_OPTIONS}

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
COLLATERAL_KEYS = (
    "name",
    "kind",
    "appraisal",
    "lien_rank",
    "prior_claims",
    "haircut",
    "time_to_sell",
    "sale_probabilities",
)
GUARANTEE_KEYS = ("name", "kind", "capacity", "recovery_rate", "collection_months")
#: The borrower's side of the bargain (:class:`repayplan.evaluate.Borrower`).
BORROWER_FIELDS: tuple[tuple[str, str], ...] = (
    ("discount_rate", "number"),
    ("going_concern_loss", "optional_number"),
)

_INT_TEXT = re.compile(r"^[+-]?\d+$")


# ---------------------------------------------------------------------------------------
# text <-> values
# ---------------------------------------------------------------------------------------
def num_text(v) -> str:
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
        return ", ".join(num_text(x) for x in v)
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
    return num_text(value)


def option_shown(option: str, value):
    """How plan option ``option`` is shown in its control: rates in percent, amounts grouped.

    Examples
    --------
    >>> option_shown("annual_rate", 0.0435), option_shown("annual_rate", None)
    ('4.35%', '')
    >>> option_shown("down_payment", 50000), option_shown("term", 36)
    ('50,000', '36')
    """
    kind = OPTION_KIND.get(option)
    if kind == "optional_percent" and value is not None:
        return money.percent(value)
    if kind == "amount" and value is not None and not isinstance(value, bool):
        return money.grouped(value)
    return option_text(value)


def parse_value(kind: str, raw, field: str = "value"):
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
    check_choice("option", option, tuple(OPTION_KIND))
    return parse_value(OPTION_KIND[option], raw, option)


#: The keys of the typed ``key=value`` boxes (collateral, guarantees, shocks) in Chinese; a
#: box reads either language's keys and shows the interface language's.
KEYS_ZH = {k: zh for k, (_, zh) in pairs("session.keys").items()}
#: The words some keys take (``kind``, ``per``) in Chinese.
WORDS_ZH = {k: zh for k, (_, zh) in pairs("session.words").items()}
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
CSV_COLUMNS_ZH = {k: zh for k, (_, zh) in pairs("session.csv").items()}


def csv_columns_en(content: bytes) -> bytes:
    r"""A CSV file's bytes with the Chinese column names of its header line in English.

    >>> csv_columns_en("月份,可用现金\n2026-07,20000\n".encode())
    b'month,available\n2026-07,20000\n'
    >>> csv_columns_en(b"month,available\n")
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


def parse_shocks(raw: str):
    """``probability=0.25, impact=0.35, end=35`` a line -> Shock keyword dicts (Chinese keys
    as :data:`KEYS_ZH` accepted).

    >>> parse_shocks("概率=0.25，降幅=0.35，结束月=35，概率口径=每月")
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


def parse_items(raw: str, what: str, keys: tuple) -> list[dict]:
    """``name=factory, kind=real_estate, appraisal=1380000`` a line -> keyword dicts.

    ``sale_probabilities`` is written ``0.4|0.45|0.35``; the keys (and the kinds) may be
    typed in Chinese (:data:`KEYS_ZH`, :data:`WORDS_ZH`).

    >>> parse_items("name=shed, kind=equipment, appraisal=50000, lien_rank=2", "collateral", COLLATERAL_KEYS)
    [{'name': 'shed', 'kind': 'equipment', 'appraisal': 50000, 'lien_rank': 2}]
    >>> parse_items("name=Chen, the owner, capacity=10", "guarantees", GUARANTEE_KEYS)   # a comma in a name
    [{'name': 'Chen, the owner', 'capacity': 10}]
    >>> parse_items("名称=厂房，类别=不动产，评估价值=50000，抵押顺位=2", "collateral", COLLATERAL_KEYS)
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


def items_text(items, keys: tuple, lang: str = "en") -> str:
    lines = []
    for it in items:
        pairs = []
        for k in keys:
            v = getattr(it, k)
            if k == "sale_probabilities":
                pairs.append((k, "|".join(num_text(x) for x in v)))
            else:
                pairs.append((k, num_text(v) if not isinstance(v, str) else v))
        lines.append(_pairs_text(pairs, lang))
    return "\n".join(lines)


def shock_text(shocks, lang: str = "en") -> str:
    lines = []
    for s in shocks:
        pairs = [("probability", num_text(s.probability)), ("impact", num_text(s.impact))]
        for k in ("start", "duration", "end"):
            v = getattr(s, k)
            if v is not None and not (k == "start" and v == 0):
                pairs.append((k, num_text(v)))
        if s.per != "horizon":
            pairs.append(("per", s.per))
        if s.label:
            pairs.append(("label", s.label))
        lines.append(_pairs_text(pairs, lang))
    return "\n".join(lines)
