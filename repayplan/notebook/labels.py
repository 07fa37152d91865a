"""Every text of the dashboard in English and Chinese, in one table.

The people at the table are often both: every label, button, table header and chart
caption is looked up here by key, so switching the language relabels the whole dashboard.
Row labels of the comparison table come from :data:`repayplan.compare.ROW_LABELS`.
"""

from __future__ import annotations

import re

from .._validate import check_choice

__all__ = ["LANGS", "TEXT", "text", "option_label", "input_message"]

#: Languages of the dashboard.
LANGS = ("en", "zh")

#: ``key -> (English, Chinese)``.
TEXT: dict[str, tuple[str, str]] = {
    # header
    "language": ("Language", "语言"),
    "plans": ("Plans on the table", "谈判方案"),
    "comparison": ("Comparison", "方案比较"),
    "charts": ("Charts", "图表"),
    "borrower": ("Borrower's cash flow", "借款人现金流"),
    "creditor": ("Creditor", "债权人"),
    "export": ("Export", "导出"),
    "minutes": ("Meeting record", "会谈记录"),
    "suggest": ("Suggest", "推荐方案"),
    "status_ready": ("Ready", "就绪"),
    "title_zh": ("{title}", "{borrower} — 还款方案谈判"),
    "guide_head": ("How the meeting runs", "会谈流程"),
    "guide": (
        "<ol><li><b>The opening positions</b> are the plans on the table; change any term in a "
        "card (press Enter to apply) and both sides see at once what it does.</li>"
        "<li>The <b>comparison</b> marks the better value of each row among feasible plans; "
        "rule findings appear under the plan that raises them.</li>"
        "<li><b>Suggest</b> searches for plans both sides should prefer to enforcement and adds "
        "them with the reasons (on a full table, choose the column each replaces).</li>"
        "<li><b>Accept</b> the plan agreed, then <b>Export</b>: the agreement annex, the minutes "
        "and the whole case file.</li></ol>",
        "<ol><li>桌面上的方案即双方的<b>初始立场</b>；在方案卡片中修改任一条款（按回车生效），"
        "双方立即看到其影响。</li>"
        "<li><b>方案比较</b>在可行方案中标出每一行的较优值；合规提示显示在相应方案下方。</li>"
        "<li><b>推荐方案</b>搜索双方都优于强制执行的方案，并附上理由加入桌面"
        "（方案已满时，请选择替换的列）。</li>"
        "<li><b>接受</b>达成一致的方案，然后<b>导出</b>：协议附件、会谈纪要和完整的案件文件。</li></ol>",
    ),
    "updated_in": ("updated in {ms:.0f} ms", "已更新（{ms:.0f} 毫秒）"),
    "claim_line": (
        "{borrower} owes {creditor} {total} {currency} as of {as_of}",
        "{borrower} 截至 {as_of} 欠 {creditor} {total} {currency}",
    ),
    # plan columns
    "plan_name": ("Name", "名称"),
    "add_plan": ("Add plan", "新增方案"),
    "duplicate": ("Duplicate", "复制"),
    "more": ("More terms", "更多条款"),
    "hint_annual_rate": ("blank: the contract rate", "空白：原合同利率"),
    "hint_fraction": ("0–1 or a percentage (50%)", "0–1 或百分比（50%）"),
    "remove": ("Remove", "删除"),
    "accept": ("Accept", "接受"),
    "accepted": ("Accepted", "已接受"),
    "from_cash": ("Follow cash", "按现金流"),
    "not_updated": ("Not applied: fix the value marked below.", "未生效：请更正下方标出的数值。"),
    "findings": ("Rule findings", "合规提示"),
    "severity_error": ("error", "错误"),
    "severity_warning": ("warning", "警告"),
    "severity_info": ("info", "提示"),
    "suggested_because": ("Why", "推荐理由"),
    # plan options
    "opt_method": ("Structure", "还款方式"),
    "opt_term": ("Term (months)", "期限（月）"),
    "opt_grace": ("Grace (months)", "宽限期（月）"),
    "opt_grace_kind": ("Grace kind", "宽限方式"),
    "opt_annual_rate": ("Rate, % a year", "年利率（%）"),
    "opt_penalty_waiver": ("Penalty waiver", "罚息减免"),
    "opt_interest_waiver": ("Interest waiver", "利息减免"),
    "opt_haircut": ("Principal haircut", "本金减免"),
    "opt_down_payment": ("Down payment", "首付款（¥）"),
    "opt_capitalize_arrears": ("Capitalise arrears", "欠息计入本金"),
    "opt_balloon": ("Balloon (0–1)", "尾款比例（0–1）"),
    "opt_step_up": ("Step-up a year", "每年递增"),
    "opt_seasonal": ("Seasonal weights (12; blank: none)", "季节权重（12个；空：无）"),
    "opt_settlement_discount": ("Settlement discount (0–1)", "一次性结清折扣（0–1）"),
    "opt_settlement_by": ("Settle within (months)", "结清期限（月）"),
    # choices
    "level": ("Level instalments (等额本息)", "等额本息"),
    "equal_principal": ("Equal principal (等额本金)", "等额本金"),
    "interest_only": ("Interest only", "先息后本"),
    "grace_interest_only": ("Interest-only", "只付利息"),
    "grace_deferral": ("Deferral (capitalised)", "延期（利息资本化）"),
    # borrower
    "cash_source": ("Source", "来源"),
    "source_projection": ("Projection", "预测"),
    "source_data": ("Uploaded data", "上传数据"),
    "cf_base": ("Base month", "基准月现金"),
    "cf_months": ("Months", "月数"),
    "cf_start": ("First month (YYYY-MM)", "起始月（YYYY-MM）"),
    "cf_trend": ("Trend a year", "年增长率"),
    "cf_seasonality": ("Seasonality (12; blank: flat)", "季节性（12个；空：平均）"),
    "cf_volatility": ("Volatility", "波动率"),
    "cf_persistence": ("Persistence", "持续性"),
    "cf_scenarios": ("Scenarios", "情景数"),
    "cf_seed": ("Seed", "随机种子"),
    "cf_buffer": ("Cash at hand", "现有现金"),
    "cf_minimum_cash": ("Minimum cash", "最低现金"),
    "cf_shocks": (
        "Shocks (one a line: probability=…, impact=…, end=…)",
        "冲击（每行一个：概率=…，降幅=…，结束月=…）",
    ),
    "upload_csv": ("Upload CSV (month, available)", "上传CSV（列：月份，可用现金）"),
    "cash_from_data": (
        "Cash flow from uploaded data: {n} scenario(s) × {m} months from {start}",
        "现金流来自上传数据：{n} 个情景 × {m} 个月，自 {start} 起",
    ),
    "upload_history": (
        "Upload statement or history (CSV, xlsx)",
        "上传银行流水或历史数据（CSV、xlsx）",
    ),
    "forecast_model": ("Model", "模型"),
    "own_accounts": ("Own accounts (leave out)", "本单位账户（剔除）"),
    "loan_proceeds": ("Lenders (leave out proceeds)", "贷款机构（剔除放款）"),
    "fm_auto": ("Auto (AICc)", "自动（AICc）"),
    "fm_ets": ("ETS, damped trend", "ETS（阻尼趋势）"),
    "fm_sarima": ("SARIMA", "SARIMA"),
    "fm_level": ("Level only (ETS(A,N,N))", "仅水平（ETS(A,N,N)）"),
    "fm_seasonal_naive": ("Seasonal naive", "季节性朴素"),
    "backtest": ("Backtest", "回测"),
    "backtest_head": (
        "Backtest: {h} months ahead from {k} origin(s)",
        "回测：自 {k} 个起点向前预测 {h} 个月",
    ),
    "bt_forecast": ("Forecast", "预测"),
    "bt_model": ("Fitted model", "拟合模型"),
    "bt_naive": ("Seasonal naive", "季节性朴素"),
    "bt_coverage": ("Months inside the 90% band", "落入90%区间的月份"),
    "bt_mape": ("MAPE", "平均绝对百分比误差"),
    "forecast_chart": ("History and forecast (median, 90% band)", "历史与预测（中位数，90%区间）"),
    "forecast_history": ("History", "历史"),
    "forecast_median": ("Forecast median", "预测中位数"),
    "forecast_band": ("90% band", "90%区间"),
    "bs_discount_rate": ("Borrower's discount rate", "借款人折现率"),
    "bs_going_concern_loss": (
        "Going-concern loss (blank: 20% of claim)",
        "持续经营损失（空：债权的20%）",
    ),
    # creditor
    "cr_discount_rate": ("Discount rate", "折现率"),
    "cr_recovery_rate": ("Enforcement recovery (0–1)", "强制执行回收率（0–1）"),
    "cr_delay_months": ("Enforcement delay (months)", "执行周期（月）"),
    "cr_costs": ("Enforcement costs", "执行费用"),
    "security": ("Security (the alternative is built from it)", "担保（据此计算强制执行价值）"),
    "sec_collateral": (
        "Collateral (one a line: name=…, kind=…, appraisal=…, lien_rank=…, prior_claims=…)",
        "抵质押物（每行一个：名称=…，类别=…，评估价值=…，抵押顺位=…，在先债权=…）",
    ),
    "sec_guarantees": (
        "Guarantees (one a line: name=…, kind=joint|general, capacity=…, recovery_rate=…)",
        "保证（每行一个：名称=…，类别=连带责任保证|一般保证，代偿能力=…，回收率=…）",
    ),
    "sec_unsecured_recovery": ("Recovery from other assets (0–1)", "其他财产回收率（0–1）"),
    "waterfall": ("Enforcement waterfall (expected)", "强制执行分配（期望值）"),
    "chart_recovery": ("Value of enforcing, by scenario", "强制执行价值分布"),
    "wf_source": ("Source", "来源"),
    "wf_proceeds": ("Proceeds", "变现所得"),
    "wf_prior_claims": ("Prior claims", "在先债权"),
    "wf_execution_fee": ("Execution fee", "执行费"),
    "wf_to_creditor": ("To the claim", "清偿债权"),
    "wf_cash": ("Cash to creditor", "债权人实收"),
    "wf_other_assets": ("other assets", "其他财产"),
    "wf_total": ("total", "合计"),
    "wf_value": ("Expected value now: {value}", "现值期望：{value}"),
    # suggest
    "objective": ("Objective", "目标"),
    "obj_nash": ("Nash bargain", "纳什议价"),
    "obj_creditor": ("Creditor's value", "债权人价值最大"),
    "obj_borrower": ("Borrower's burden", "借款人负担最小"),
    "min_dscr": ("Min DSCR (5th pct.)", "最低偿债覆盖率（5%分位）"),
    "max_default_probability": ("Max default probability", "最高违约概率"),
    "max_term": ("Max term (months)", "最长期限（月）"),
    "suggest_running": ("Searching the plan space…", "正在搜索方案…"),
    "suggest_done": ("{n} plan(s) added; {m} evaluated.", "已添加 {n} 个方案；共评估 {m} 个。"),
    "suggest_no_room": (
        "The table is full: choose the column a suggestion replaces.",
        "方案已满：请选择推荐方案替换的列。",
    ),
    "add_suggestion": ("Add", "添加"),
    "replace_suggestion": ("Replace", "替换"),
    "replace_which": ("Column", "替换列"),
    "suggest_ranking": ("Why this order", "排序理由"),
    # export
    "export_plan": ("Plan", "方案"),
    "export_format": ("Format", "格式"),
    "export_lang": ("Annex language", "附件语言"),
    "minutes_format": ("Minutes format", "记录格式"),
    "prepare": ("Prepare downloads", "生成下载文件"),
    "download_annex": ("Agreement annex", "协议附件"),
    "download_minutes": ("Meeting minutes", "会谈纪要"),
    "download_case": ("Case file (TOML)", "案件文件（TOML）"),
    "sheet": ("Comparison for the borrower (PDF/xlsx)", "给借款人的方案比较（pdf/xlsx）"),
    "sheet_format": ("Sheet format", "比较表格式"),
    "sheet_file": ("Comparison for the borrower", "方案比较"),
    "download_sheet": ("Comparison for the borrower", "方案比较"),
    # minutes
    "min_time": ("Shown at", "展示时间"),
    "min_plan": ("Plan", "方案"),
    "min_description": ("Terms", "条款"),
    "min_term": ("Term (months)", "期限（月）"),
    "min_total_paid": ("Total paid", "还款总额"),
    "min_total_waived": ("Total waived", "减免总额"),
    "min_expected_npv": ("Creditor expected NPV", "债权人预期净现值"),
    "min_default_probability": ("Probability of default", "违约概率"),
    "min_accepted": ("Accepted", "已接受"),
    "minutes_title": ("Negotiation minutes", "谈判会议纪要"),
    "minutes_empty": ("No plan shown yet.", "尚未展示方案。"),
    "yes": ("yes", "是"),
    # charts
    "chart_payments": ("Payments against the borrower's cash", "还款额与借款人现金流"),
    "chart_balance": ("Outstanding balance", "剩余欠款"),
    "chart_tradeoff": ("Creditor recovery against borrower burden", "债权人回收与借款人负担"),
    "axis_month": ("Month", "月份"),
    "axis_amount": ("Amount ({currency})", "金额（{currency}）"),
    "axis_burden": ("Burden: PV payments / PV cash", "负担：还款现值/现金流现值"),
    "axis_recovery": ("Expected recovery (share of claim)", "预期回收率（占债权）"),
    "cash_band": ("Cash 5th–95th percentile", "现金流 5%–95% 区间"),
    "cash_mean": ("Mean cash", "平均现金流"),
    "frontier": ("Pareto frontier", "帕累托前沿"),
    "evaluated": ("Plans searched", "已搜索方案"),
    "enforcement": ("Enforcement", "强制执行"),
    "frontier_hint": ("(Suggest draws the frontier)", "（点击“推荐方案”后显示前沿）"),
    # errors
    "internal_error": (
        "Something went wrong ({kind}): {msg}. The dashboard kept the last good state.",
        "出现错误（{kind}）：{msg}。仪表板保留了上一次有效状态。",
    ),
    "min_plans": ("At least {n} plans stay on the table.", "至少保留 {n} 个方案。"),
    "refused": (
        "{label}: {value} is not accepted; it must be {allowed}.",
        "{label}：“{value}”无效，应为{allowed}。",
    ),
    "refused_other": ("{label}: not applied; {detail}.", "{label}：未生效；{detail}。"),
    "blank_value": ("a blank", "空白"),
    "refused_field": ("{what} must be {allowed}", "{what}应为{allowed}"),
    "field_cashflow": ("the cash flow", "现金流"),
    "field_down_payment": ("the down payment", "首付款"),
    "field_grace": ("the grace period", "宽限期"),
    "field_method": ("the structure", "还款方式"),
    "max_plans": ("At most {n} plans fit on the table.", "最多 {n} 个方案。"),
}


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
