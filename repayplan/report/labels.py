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

#: Repayment method -> how the annex states it, (en, zh).
METHOD_NAMES = pairs("annex.methods")  # from the text catalogue, repayplan.text
#: Payments a year -> the cycle in words, (en, zh).
CYCLES = {int(k): v for k, v in pairs("annex.cycles").items()}


def _name_pattern(template: str) -> str:
    """The regular expression of an English plan-name form of the catalogue: ``{n}`` a whole
    number, ``{name}`` any name, the rest literal."""
    out = re.escape(template)
    return out.replace(r"\{n\}", r"(?P<n>\d+)").replace(r"\{name\}", r"(?P<name>.+)")


#: Default plan names (the sample case's, the dashboard's and :func:`repayplan.negotiate`'s)
#: in Chinese: ``(pattern, template)``, from the catalogue's ``plans.names``; the named
#: groups of the pattern fill the template.
_PLAN_NAMES_ZH: tuple[tuple[str, str], ...] = tuple(
    (_name_pattern(en), zh) for en, zh in pairs("plans.names").values()
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
            return template.format(**{k: plan_name(g, "zh") for k, g in m.groupdict().items()})
    return name


def check_lang(lang) -> str:
    return check_choice("lang", lang, LANGUAGES)
