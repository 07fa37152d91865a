"""The dashboard's comparison table: :func:`repayplan.compare` as HTML, in either language.

The figures, the marks and the feasibility are the library's
(:class:`repayplan.compare.Comparison`): a cell is marked when it is the best of its row
among the feasible plans (``Comparison.better``), an infeasible plan's column is greyed and
says why.  This module only lays them out for the meeting: row labels in the interface
language with the metric's definition on hover (a ``title`` attribute), whose view each row
serves, the words of :func:`repayplan.evaluate.format_metric` in the interface language, and
under each figure its change against the previous version of the same plan (Δ) after an
edit.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from ..compare import ROW_LABELS
from ..evaluate import ALL_METRICS, format_metric

__all__ = ["comparison_html", "delta_text", "DEFINITIONS_ZH"]

#: The metrics' definitions in Chinese (the English ones are those of
#: :data:`repayplan.evaluate.ALL_METRICS`), shown on hover over a row's label.
DEFINITIONS_ZH = {
    "creditor_npv": "全部按期还款时，还款额按债权人资金成本折现的净现值",
    "expected_npv": "各情景下的预期净现值，计入违约及违约后的强制执行",
    "enforcement_npv": "现在强制执行债权的净现值（债权人的替代方案）",
    "margin": "债权人预期净现值减去强制执行净现值",
    "recovery_rate": "债权人预期净现值 / 债权总额",
    "irr": "全部按期还款时的债权收益率（月内部收益率 × 12）",
    "default_probability": "借款人现金耗尽的情景所占比例",
    "min_dscr": "最低月度均值现金流 / 当月还款额",
    "dscr": "贷款人口径的偿债覆盖率：方案各年中最低的年度均值可用现金 / 当年应还本息",
    "dscr_p5": "压力偿债覆盖率：5%分位现金流路径下，方案各年中最低的年度现金 / 当年应还本息",
    "monthly_dscr": "最低月度均值现金流 / 当月还款额",
    "monthly_dscr_p5": "最低月度5%分位现金流 / 当月还款额",
    "min_cash": "均值现金流下预计的最低现金余额",
    "min_cash_p5": "期限内5%分位的最低现金余额",
    "first_month_below_minimum": "均值现金余额首次低于最低现金要求的月份（从不：不会低于）",
    "upfront_shortfall": "签约时（第0月）付款超出手头现金的金额",
    "months_short": "违约前现金流不足以支付当期还款的预期月数",
    "burden": "还款额现值 / 期限内借款人现金流现值",
    "peak_payment": "单期最大还款额",
    "total_paid": "全部还款额之和",
    "total_waived": "债权人放弃的金额",
    "term": "最后一期还款所在的月份",
    "rule_findings": "规则检查的提示数（警告和错误）",
    "borrower_cost": "按借款人折现率计算的预期还款现值（计入违约）",
    "borrower_alternative": "按借款人折现率计算的被强制执行成本现值",
    "modification_gain": "IFRS 9 第5.4.3段合同修改利得（负数为损失）：按原实际利率折现的方案现金流减账面余额",
    "risk_class": "方案实施后的五级风险分类（2023年办法）",
    "observation_end": "重组资产观察期的届满日",
    "provision_cost": "风险分类要求计提的拨备（拨备率 × 账面余额）",
}

_SIDES = {
    "en": {"creditor": "creditor", "borrower": "borrower", "both": "both sides"},
    "zh": {"creditor": "债权人", "borrower": "借款人", "both": "双方"},
}
_WORDS = {
    "en": {"delta": "Δ {} against the previous version", "feasible": "Feasible"},
    "zh": {"delta": "与上一版本相比 Δ {}", "feasible": "是否可行"},
}


def delta_text(key: str, change: float, lang: str = "en") -> str:
    """A change of a metric as text: signed, in the metric's unit (fractions in percentage points).

    >>> delta_text("total_paid", -1234.5), delta_text("recovery_rate", 0.0123), delta_text("term", 12.0)
    ('−1,234.50', '+1.2 pp', '+12')
    >>> delta_text("default_probability", -0.05, "zh"), delta_text("dscr", 0.104)
    ('−5.0 个百分点', '+0.10')
    """
    unit = ALL_METRICS.get(key, (None, None))[1] or ""
    sign = "+" if change > 0 else "−"
    size = abs(change)
    if unit == "currency":
        body = f"{size:,.2f}"
    elif unit == "probability" or unit.startswith("fraction"):
        body = f"{size * 100:.2f}" if unit == "fraction a year" else f"{size * 100:.1f}"
        body += " 个百分点" if lang == "zh" else " pp"
    elif unit in ("months", "count", "month"):
        body = f"{size:,.1f}" if size != int(size) else f"{int(size)}"
    else:
        body = f"{size:,.2f}"
    return sign + body


def _changed(a, b) -> float | None:
    """``a - b`` when both are finite numbers that differ, else None."""
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(a) and math.isfinite(b)) or a == b:
        return None
    return a - b


def comparison_html(comparison, lang: str = "en", previous: dict | None = None) -> str:
    """The comparison as an HTML table for the dashboard.

    Parameters
    ----------
    comparison : repayplan.compare.Comparison
    lang : {"en", "zh"}
        Row labels, definitions (on hover), sides and words.
    previous : dict, optional
        ``{plan name: Series}``: the table's column of the previous version of a plan; each
        figure that changed shows its change ``Δ = now − before`` beneath it.

    Returns
    -------
    str
        ``<table class="repayplan-compare">``: a row per metric (its label's ``title`` is the
        definition), a column per plan, the marked cells (the best of the row among feasible
        plans, as :attr:`repayplan.compare.Comparison.better`) with the class ``rp-best``, and
        a last column naming whose view the row serves.

    Examples
    --------
    12 against 24 months on 120,000.00 at 6 % (as :func:`repayplan.compare`): the longer plan
    costs ``127,643.39 − 123,935.66 = 3,707.73`` more in all.

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> cash = rp.CashFlow([15_000.0] * 24, start="2027-01")
    >>> c = rp.compare([rp.Plan(term=12, name="A"), rp.Plan(term=24, name="B")], claim, cash, rp.Creditor(0.06))
    >>> page = comparison_html(c, "zh", previous={"B": c.table["A"]})
    >>> "还款总额" in page, "+3,707.73" in page, "全部还款额之和" in page
    (True, True, True)
    """
    labels = ROW_LABELS[lang]
    sides = _SIDES[lang]
    previous = previous or {}
    table = comparison.table
    ok = (
        comparison.feasible
        if comparison.feasible is not None
        else pd.Series(True, index=table.columns)
    )

    def definition(key):
        return DEFINITIONS_ZH.get(key, ALL_METRICS[key][3]) if lang == "zh" else ALL_METRICS[key][3]

    reasons = (
        comparison.reasons if comparison.reasons is not None else pd.Series("", index=table.columns)
    )
    head = "".join(
        f"<th>{escape(str(c))}</th>"
        if ok[c]
        else f"<th class='rp-infeasible' title='{escape(str(reasons.get(c, '')), quote=True)}' "
        f"style='color:#a33'>{escape(str(c))} ✗</th>"
        for c in table.columns
    )
    body = []
    for key, row in table.iterrows():
        cells = []
        for col, v in row.items():
            best = bool(comparison.better.loc[key, col])
            style = (
                ' style="background:#d9f2d9;font-weight:bold"'
                if best
                else (' style="color:#888"' if not ok[col] else "")
            )
            cls = "rp-best rp-delta-cell" if best else "rp-delta-cell"
            before = previous.get(col)
            change = (
                _changed(v, before[key]) if before is not None and key in before.index else None
            )
            delta = ""
            shown = delta_text(key, change, lang) if change is not None else ""
            if any(
                ch in "123456789" for ch in shown
            ):  # a change that rounds to nothing is not shown
                words = escape(_WORDS[lang]["delta"].format(shown))
                delta = f"<span class='rp-delta' title='{words}'>Δ {escape(shown)}</span>"
            cells.append(
                f"<td class='{cls}'{style}><span class='rp-value'>{escape(format_metric(key, v, lang))}"
                f"</span>{delta}</td>"
            )
        side = comparison.sides[key] if comparison.sides is not None else ALL_METRICS[key][0]
        title = f"{definition(key)} ({sides[side]})"
        body.append(
            f"<tr class='rp-row-{escape(key)}'><th title='{escape(title, quote=True)}'>"
            f"{escape(labels[key])}</th>{''.join(cells)}<td class='rp-side'>{escape(sides[side])}</td></tr>"
        )
    for key in ("risk_class", "observation_end"):
        if key in comparison.metrics.columns:
            values = "".join(
                f"<td>{escape(format_metric(key, v, lang))}</td>" for v in comparison.metrics[key]
            )
            title = f"{definition(key)} ({sides['creditor']})"
            body.append(
                f"<tr class='rp-row-{key}'><th title='{escape(title, quote=True)}'>{escape(labels[key])}</th>"
                f"{values}<td class='rp-side'>{escape(sides['creditor'])}</td></tr>"
            )
    if comparison.reasons is not None and (comparison.reasons != "").any():
        reasons = "".join(
            f"<td class='rp-infeasible-reason' style='color:#a33'>{escape(r)}</td>"
            if r
            else "<td>✓</td>"
            for r in comparison.reasons
        )
        body.append(
            f"<tr class='rp-row-feasible'><th>{escape(labels['feasible'])}</th>{reasons}<td></td></tr>"
        )
    return (
        f"<table class='repayplan-compare'><thead><tr><th></th>{head}<th></th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
