"""Every text of the dashboard in English and Chinese, in one table.

The people at the table are often both: every label, button, table header and chart
caption is looked up here by key, so switching the language relabels the whole dashboard.
Row labels of the comparison table come from :data:`repayplan.compare.ROW_LABELS`.
:data:`TEXT` is the ``dashboard`` table of the package's one text catalogue
(:mod:`repayplan.text`), where a label is changed or a translation added.
"""

from __future__ import annotations

import re

from .._validate import check_choice
from ..text import pairs

__all__ = ["LANGS", "TEXT", "text", "option_label", "input_message"]

#: Languages of the dashboard.
LANGS = ("en", "zh")

#: ``key -> (English, Chinese)``.
TEXT: dict[str, tuple[str, str]] = pairs("dashboard")  # from the text catalogue, repayplan.text


def text(key: str, lang: str = "en", **fmt) -> str:
    """The text of ``key`` in ``lang``, formatted with ``fmt``.

    Examples
    --------
    >>> text("accept", "zh"), text("updated_in", "en", ms=42.0)
    ('接受', 'updated in 42 ms')
    """
    check_choice("lang", lang, LANGS)
    en, zh = TEXT[key]
    out = zh if lang == "zh" else en
    return out.format(**fmt) if fmt else out


def option_label(option: str, lang: str = "en") -> str:
    """The label of a plan option's control (``"term"`` -> ``"Term (months)"``).

    >>> option_label("term"), option_label("penalty_waiver", "zh")
    ('Term (months)', '罚息减免')
    """
    return text(f"opt_{option}", lang)


#: What an :class:`~repayplan.errors.InputError` allows, in Chinese: ``(pattern, template)``;
#: the groups of the pattern fill the template.  Text no pattern matches stays as it is.
_ALLOWED_ZH: tuple[tuple[str, str], ...] = (
    (r"a whole number from (-?\d+) to (-?\d+)", "{0} 到 {1} 之间的整数"),
    (r"a whole number >= (-?\d+)", "不小于 {0} 的整数"),
    (r"a whole number <= (-?\d+)", "不大于 {0} 的整数"),
    (r"a whole number", "整数"),
    (r"a percentage such as 4\.35 or 4\.35%", "百分比，例如 4.35 或 4.35%"),
    (r"an amount such as 50,000 or ¥50,000\.00", "金额，例如 50,000 或 ¥50,000.00"),
    (r"a rate >= (\S+) and <= (\S+) a year, as a fraction", "年利率 {0} 至 {1}（小数）"),
    (r"a fraction from 0 to below 1", "0 到 1 之间（不含 1）的比例"),
    (r"a fraction from 0 to 1", "0 到 1 之间的比例（或百分比）"),
    (r"a finite amount >= 0|an amount >= 0", "不小于 0 的金额"),
    (r"a finite amount > 0", "大于 0 的金额"),
    (r"a finite number", "有限的数字"),
    (r"a number", "数字"),
    (r"fewer months than the term \((\d+)\)", "少于期限（{0} 个月）的月数"),
    (r"12 monthly weights \(January\.\.December\)", "12 个月度权重（1 月至 12 月）"),
    (
        r"12 weights >= 0 summing to 12 \(these sum to (\S+)\)",
        "12 个不小于 0 且合计为 12 的权重（现合计 {0}）",
    ),
    (r"at most what is owed after waivers \((\S+)\)", "不超过减免后欠款（{0}）"),
    (
        r"'level' with balloon, step_up or seasonal shaping",
        "等额本息（尾款、递增或季节性安排只适用于等额本息）",
    ),
    (r"one of (.+)", "以下之一：{0}"),
    (
        r"at least (\d+) months from (\S+) to cover the longest plan \((\d+) given\)",
        "自 {1} 起至少 {0} 个月，才能覆盖最长的方案（现有 {2} 个月）",
    ),
)


def _allowed(allowed: str, lang: str) -> str:
    if lang != "zh":
        return allowed
    for pattern, template in _ALLOWED_ZH:
        m = re.fullmatch(pattern, allowed)
        if m:
            return template.format(*m.groups())
    return allowed


def input_message(error, label: str, typed, lang: str = "en", *, field: str | None = None) -> str:
    """An :class:`~repayplan.errors.InputError` in the interface's words, naming the control's label.

    The library's message names its argument (``annual_rate == '4x', must be ...``); the
    analyst sees the label of the box they typed into and what they typed.  When the error
    is about another field (``field`` is the control's own field; a cross-field check such
    as a term longer than the cash flow) the library's explanation follows the label.

    Examples
    --------
    >>> from repayplan.errors import InputError
    >>> e = InputError("annual_rate", "4x", "a percentage such as 4.35 or 4.35%")
    >>> input_message(e, option_label("annual_rate"), "4x", field="annual_rate")
    'Rate, % a year: 4x is not accepted; it must be a percentage such as 4.35 or 4.35%.'
    >>> input_message(e, option_label("annual_rate", "zh"), "4x", "zh", field="annual_rate")
    '年利率（%）：“4x”无效，应为百分比，例如 4.35 或 4.35%。'
    >>> e = InputError("term", "forty", "a whole number from 1 to 1200")
    >>> input_message(e, option_label("term", "zh"), "forty", "zh", field="term")
    '期限（月）：“forty”无效，应为1 到 1200 之间的整数。'
    >>> e = InputError("cashflow", "120 months from 2026-07",
    ...                "at least 150 months from 2026-07 to cover the longest plan (120 given)")
    >>> input_message(e, option_label("term", "zh"), "150", "zh", field="term")
    '期限（月）：未生效；现金流应为自 2026-07 起至少 150 个月，才能覆盖最长的方案（现有 120 个月）。'
    """
    check_choice("lang", lang, LANGS)
    if not hasattr(error, "allowed"):
        return text("refused_other", lang, label=label, detail=str(error))
    if field is not None and error.field != field:
        key = f"field_{error.field}"
        if key not in TEXT:
            return text("refused_other", lang, label=label, detail=str(error))
        detail = text(
            "refused_field", lang, what=text(key, lang), allowed=_allowed(error.allowed, lang)
        )
        return text("refused_other", lang, label=label, detail=detail)
    shown = str(typed).strip() or text("blank_value", lang)
    return text("refused", lang, label=label, value=shown, allowed=_allowed(error.allowed, lang))
