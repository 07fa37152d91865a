"""The annex's labels in English and Chinese, the names of repayment methods and cycles, plan names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from .._validate import check_choice
from ..text import pairs
from .safety import check_annex_text

#: Languages of the labels.
LANGUAGES: tuple[str, ...] = ("en", "zh")

# -----------------------------------------------------------------------------------------
# The one table of translations
# -----------------------------------------------------------------------------------------
_LABELS: dict[str, tuple[str, str]] = pairs("annex")  # key -> (en, zh), from repayplan.text

#: Labels by language: ``LABELS["zh"]["col_period"] == "期数"``.
LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        lang: MappingProxyType({k: v[i] for k, v in _LABELS.items()})
        for i, lang in enumerate(LANGUAGES)
    }
)

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
CYCLES = {
    12: ("monthly", "按月"),
    4: ("quarterly", "按季"),
    2: ("half-yearly", "按半年"),
    1: ("yearly", "按年"),
    52: ("weekly", "按周"),
    26: ("every two weeks", "每两周"),
    24: ("twice a month", "每半月"),
}

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
    lang = check_lang(lang)
    if lang != "zh":
        return name
    for pattern, template in _PLAN_NAMES_ZH:
        m = re.fullmatch(pattern, name)
        if m:
            return template.format(*(plan_name(g, "zh") for g in m.groups()))
    return name


def check_lang(lang) -> str:
    return check_choice("lang", lang, LANGUAGES)
