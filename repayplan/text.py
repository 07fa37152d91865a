"""The one bilingual text catalogue: every label the package prints, in English and Chinese.

The annex, the borrower's comparison sheet, the command line, the comparison table, the
metric words, the plans' descriptions, :func:`repayplan.negotiate`'s explanations and the
dashboard read their text from here.  The catalogue is a set of tables, one per place the text is shown, each
``key -> (English, Chinese)``:

========================== =================================================================
table                      where the text is shown
========================== =================================================================
``annex``                  the agreement annex (:data:`repayplan.report.LABELS`)
``annex.methods``          the repayment methods the annex states
``annex.cycles``           the repayment cycles, by payments a year (``"12"``: monthly)
``sheet``                  the borrower's comparison sheet (:data:`repayplan.sheet.SHEET_LABELS`)
``cli``                    the ``repayplan`` command
``cli.sides``              whose view a row of the command's tables serves
``compare.rows``           the comparison's rows (:data:`repayplan.compare.ROW_LABELS`)
``compare.reasons``        why a plan is not feasible
``metric_words``           the words of :func:`repayplan.evaluate.format_metric`
``negotiate.objective``    the objectives in :meth:`repayplan.negotiate.Negotiation.explain`
``negotiate.reasons``      why a candidate is listed
``negotiate.explain``      the sentences of :func:`repayplan.negotiate.explain_plan`
``negotiate.concessions``  the concessions :func:`repayplan.negotiate.explain_concession` names
``negotiate.costs``        what a concession costs whom, in words (``explain_concession``)
``negotiate.constraints``  the constraints in words (``Constraints.describe``, ``explain``)
``plans.describe``         the sentence of :meth:`repayplan.plans.Plan.describe`
``plans.months``           the month a seasonal plan peaks in
``plans.names``            the names given to plans (``Suggested 2`` → 推荐方案2)
``dashboard``              the dashboard (:data:`repayplan.notebook.labels.TEXT`)
``comparison.definitions`` the metrics' definitions on hover in the dashboard
``comparison.words``       the dashboard comparison's own words
``comparison.sides``       which side a metric serves
``followup``               the dashboard's follow-up tab
``persist``                the dashboard's register bar
========================== =================================================================

The tables the modules used to hold (``report.LABELS``, ``sheet.SHEET_LABELS``,
``compare.ROW_LABELS``, ``notebook.labels.TEXT`` ...) are views of this catalogue, in the
shape each had: :func:`pairs` gives ``key -> (en, zh)``, :func:`by_language` gives
``{"en": {key: text}, "zh": {key: text}}``.  Texts may hold ``str.format`` fields
(``"{currency}"``), filled where they are shown.

Every entry has both languages (one English text is empty on purpose: the corner cell of
the sheet's English table, ``sheet.row``).  The same English text means the same Chinese
text wherever it appears, with six exceptions that are different terms in Chinese for
different things: ``Terms`` (the annex's 协议要素 sheet, the minutes' 条款 column), ``Total
waived`` (the annex's totals line 减免合计, the comparison's metric 减免总额), ``Enforcement
costs`` (the contract term 实现债权的费用 in the annex, the creditor's 执行费用 in the
dashboard) and ``Balance owed`` (the annex's item 欠款余额 and its clause heading, which
quotes 第七十条(一) 欠款余额、结构、币种); the typed word ``month`` is 每月 as a shock's
probability period (``per=month``) but 月份 as the column of an uploaded cash-flow CSV; and
``{n} months`` is 个月 as a length in the sheet but 个月方案 as a plan's name.
``tests/test_text.py`` holds both properties.

Examples
--------
>>> from repayplan import text
>>> text.lookup("annex", "col_period", "zh"), text.pairs("annex")["col_period"]
('期数', ('No.', '期数'))
>>> text.by_language("followup")["zh"]["refresh"]
'刷新'
>>> text.CATALOGUE["compare.rows"]["total_paid"]
('Total paid', '还款总额')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._validate import check_choice

__all__ = ["LANGUAGES", "CATALOGUE", "pairs", "by_language", "lookup"]

#: The languages of the catalogue, in the order of each entry's pair.
LANGUAGES: tuple[str, ...] = ("en", "zh")

_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    # the agreement annex (:data:`repayplan.report.LABELS`)
    "annex": {
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
        "principal_not_due": ("Principal not yet due", "未到期本金"),
        "overdue_principal": ("Overdue principal", "逾期本金"),
        "overdue_interest": ("Overdue interest", "逾期利息"),
        "accrued_interest": ("Interest accrued, not yet due", "应计未到期利息"),
        "penalty_interest": ("Penalty interest", "罚息"),
        "compound_interest": ("Compound interest", "复利"),
        "contract_fees": ("Fees", "费用"),
        "enforcement_costs": ("Enforcement costs", "实现债权的费用"),
        "total": ("Total", "合计"),
        "col_period": ("No.", "期数"),
        "col_date": ("Due date", "还款日期"),
        "col_opening_balance": ("Opening balance", "期初本金余额"),
        "col_payment": ("Amount due", "应还金额"),
        "col_interest": ("Interest", "利息"),
        "col_principal": ("Principal", "本金"),
        "col_closing_balance": ("Closing balance", "期末本金余额"),
        "col_fee": ("Fee", "费用"),
        "total_payable": ("Total payable", "应还总额"),
        "total_principal": ("Total principal", "本金合计"),
        "total_interest": ("Total interest", "利息合计"),
        "total_fees": ("Total fees", "费用合计"),
        "balance_owed": ("Balance owed", "欠款余额"),
        "clause_balance": ("Balance owed", "欠款余额、结构、币种"),
        "clause_repayment": ("Repayment", "还款周期、方式、币种、日期和每期还款金额"),
        "clause_interest": ("Interest and fees", "还款期间的利息和费用"),
        "clause_waivers": ("Waivers", "减免"),
        "clause_card": ("Credit cards", "信用卡申领"),
        "clause_default": ("Missed instalments", "违约责任"),
        "clause_other": ("Other matters", "其他事项"),
        "clause_security": ("Security", "担保"),
    },
    # the repayment methods as the annex states them (:data:`repayplan.report.METHOD_NAMES`)
    "annex.methods": {
        "level": ("level instalments of principal and interest", "等额本息"),
        "seasonal": (
            "instalments of principal and interest varying by calendar month with the borrower's seasonal cash flow (weights below)",
            "按月份调整的分期还本付息（随借款人季节性现金流，权重见下）",
        ),
        "balloon": (
            "level instalments of principal and interest with a final balloon payment",
            "等额本息加期末一次性大额还款",
        ),
        "step_up": (
            "instalments of principal and interest rising each year",
            "逐年递增的分期还本付息",
        ),
        "equal_principal": ("equal instalments of principal, with interest", "等额本金"),
        "interest_only": ("interest only, the principal at maturity", "按期付息、到期还本"),
        "settlement": ("lump-sum settlement", "一次性结清"),
        "custom": ("the amounts scheduled", "按计划表所列金额偿还"),
    },
    # the repayment cycles by payments a year, as the annex states them
    "annex.cycles": {
        "12": ("monthly", "按月"),
        "4": ("quarterly", "按季"),
        "2": ("half-yearly", "按半年"),
        "1": ("yearly", "按年"),
        "52": ("weekly", "按周"),
        "26": ("every two weeks", "每两周"),
        "24": ("twice a month", "每半月"),
    },
    # the borrower's comparison sheet (:data:`repayplan.sheet.SHEET_LABELS`)
    "sheet": {
        "title": ("Repayment plans compared", "还款方案比较"),
        "parties": ("Parties", "当事人"),
        "owed": ("What is owed", "欠款构成"),
        "plans": ("The plans", "方案对比"),
        "for": ("For", "关注方"),
        "row": ("", "项目"),
        "structure": ("Repayment structure", "还款方式"),
        "grace": ("Grace period", "宽限期"),
        "rate": ("Interest rate", "执行利率"),
        "down_payment": ("Down payment (on signing)", "首付款（签约时）"),
        "waivers": ("Waived", "减免"),
        "waiver_parts": ("Waived, by part", "减免明细"),
        "first_instalment": ("First instalment", "首期还款额"),
        "typical_instalment": ("Typical instalment", "常规每期还款额"),
        "contract_cost": ("Total on the contract's terms", "按原合同条件还款总额"),
        "saving": ("Saving vs the contract", "较原合同节省"),
        "none": ("none", "无"),
        "months": ("{n} months", "{n}个月"),
        "one_month": ("1 month", "1个月"),
        "interest_only": ("interest only", "只付息"),
        "deferral": ("payments deferred", "暂停还款"),
        "w_penalty": ("penalty", "罚息"),
        "w_interest": ("interest", "利息"),
        "w_principal": ("principal", "本金"),
        "w_settlement": ("settlement discount", "结清减让"),
        "yes": ("yes", "是"),
        "no": ("no: {reason}", "否：{reason}"),
        "note": (
            "* best of the row among the feasible plans (the comparison's marks; an infeasible plan is never marked). Typical instalment: the median instalment. Saving: the total the same plan would cost at the contract rate with nothing waived, less its total paid. Figures as of {as_of}, computed by repayplan; for discussion, not an offer.",
            "* 为可行方案中该行最优（与方案比较表一致；不可行方案不参与比较）。常规每期还款额：各期还款额的中位数。较原合同节省：同一方案按原合同利率且不作任何减免时的还款总额减去本方案还款总额。数据截至{as_of}，由 repayplan 计算；仅供协商参考，不构成要约。",
        ),
        "green": ("Green: best of the row among the feasible plans.", "绿色：可行方案中该行最优。"),
        "sheet": ("Comparison", "方案比较"),
        "subject": ("Repayment plans for {borrower}", "{borrower}还款方案"),
        "side_borrower": ("borrower", "借款人"),
        "side_creditor": ("creditor", "债权人"),
        "side_both": ("both", "双方"),
    },
    # the ``repayplan`` command's headings and messages
    "cli": {
        "claim": ("Claim as of {date} ({currency})", "截至{date}的欠款（{currency}）"),
        "plans": ("The case's plans", "备选方案比较"),
        "suggested": ("Suggested plan", "建议方案"),
        "candidates": ("Candidates", "候选方案"),
        "better": (
            "✗ infeasible, never marked; among the feasible plans * best of the row",
            "✗ 不可行，不参与比较；* 为可行方案中该行最优",
        ),
        "plan": ("Plan {name!r}: {text}", "方案“{name}”：{text}"),
        "totals": ("Total", "合计"),
        "no_plans": (
            "The case has no plans; add [[plans]] tables.",
            "案件中没有方案，请添加 [[plans]]。",
        ),
        "wrote": ("wrote {path}", "已写入 {path}"),
        "saved_suggestions": (
            'saved {names} to {path}; export one with --plan "{first}"',
            '已将 {names} 保存到 {path}；导出请用 --plan "{first}"',
        ),
        "searching": ("searching plans", "搜索方案"),
        "serves": ("serves", "立场"),
    },
    # whose view a row serves, as the last column of the command line's tables says it
    "cli.sides": {
        "creditor": ("creditor", "债权人"),
        "borrower": ("borrower", "借款人"),
        "both": ("both", "双方"),
    },
    # the rows of the comparison table (:data:`repayplan.compare.ROW_LABELS`)
    "compare.rows": {
        "creditor_npv": ("Creditor NPV if all paid", "全额履约净现值"),
        "expected_npv": ("Creditor expected NPV", "债权人预期净现值"),
        "enforcement_npv": ("Enforcement NPV (alternative)", "强制执行净现值（替代方案）"),
        "margin": ("Margin over enforcement", "较强制执行增益"),
        "recovery_rate": ("Expected recovery rate", "预期回收率"),
        "irr": ("Yield on the claim (IRR)", "债权收益率（IRR）"),
        "default_probability": ("Probability of default", "违约概率"),
        "min_dscr": ("Lowest monthly cover (mean cash)", "最低月度覆盖（均值现金流）"),
        "dscr_p5": (
            "Stress DSCR (lowest plan year, 5th pct.)",
            "压力偿债覆盖率（最低年度，5%分位）",
        ),
        "months_short": ("Months short of cash", "现金不足月数"),
        "burden": ("Payments / cash flow (PV)", "还款额/现金流（现值）"),
        "peak_payment": ("Largest payment", "最大单期还款"),
        "total_paid": ("Total paid", "还款总额"),
        "total_waived": ("Total waived", "减免总额"),
        "term": ("Term (months)", "期限（月）"),
        "rule_findings": ("Rule findings", "合规提示"),
        "borrower_cost": ("Borrower's expected cost (PV)", "借款人预期还款成本（现值）"),
        "borrower_alternative": (
            "Borrower's cost of enforcement (PV)",
            "借款人被强制执行成本（现值）",
        ),
        "dscr": ("DSCR (lowest plan year, mean cash)", "偿债覆盖率（最低年度，均值现金流）"),
        "monthly_dscr": ("Lowest monthly cover (mean cash)", "最低月度覆盖（均值现金流）"),
        "monthly_dscr_p5": ("Lowest monthly cover (5th percentile)", "最低月度覆盖（5%分位）"),
        "min_cash": ("Lowest cash balance (mean)", "最低现金余额（均值）"),
        "min_cash_p5": ("Lowest cash balance (5th percentile)", "最低现金余额（5%分位）"),
        "first_month_below_minimum": ("First month below minimum cash", "首次低于最低现金的月份"),
        "upfront_shortfall": ("Signing payment above cash", "签约付款超出现金"),
        "modification_gain": ("Modification gain (IFRS 9)", "合同修改利得（IFRS 9）"),
        "provision_cost": ("Provision for the risk class", "风险分类拨备"),
        "risk_class": ("Risk class", "风险分类"),
        "observation_end": ("Observation period ends", "观察期届满"),
        "feasible": ("Feasible", "是否可行"),
    },
    # why a plan is not feasible (:func:`repayplan.compare.feasibility`)
    "compare.reasons": {
        "rule": ("rule error: {}", "违反规则：{}"),
        "cash": (
            "signing payment {:,.2f} above the cash at hand {:,.2f}",
            "签约付款 {:,.2f} 超过手头现金 {:,.2f}",
        ),
        "certain": ("certain to default (every scenario)", "必然违约（所有情景）"),
    },
    # the words :func:`repayplan.evaluate.format_metric` prints: the risk classes (the 2023 measures' names) and "never"; the English is the key
    "metric_words": {
        "normal": ("normal", "正常类"),
        "special_mention": ("special_mention", "关注类"),
        "substandard": ("substandard", "次级类"),
        "doubtful": ("doubtful", "可疑类"),
        "loss": ("loss", "损失类"),
        "never": ("never", "从不"),
    },
    # the objectives of :meth:`repayplan.negotiate.Negotiation.explain`
    "negotiate.objective": {
        "nash": (
            "Nash bargaining solution (creditor bargaining power {beta:.2f})",
            "纳什议价解（债权人议价能力 {beta:.2f}）",
        ),
        "creditor": (
            "the creditor's expected NPV, within the borrower constraints",
            "在借款人约束内使债权人预期净现值最大",
        ),
        "borrower": (
            "the lightest burden on the borrower, within the creditor's floor",
            "在债权人底线内使借款人负担最轻",
        ),
        "waterfall": (
            "the modification waterfall, first step meeting the target",
            "贷款修改瀑布法，取第一个达到目标的步骤",
        ),
        "objective": ("Objective: {}.", "目标：{}。"),
        "waterfall_steps": ("Waterfall: ", "瀑布法："),
        "meets": ("meets the target", "达到目标"),
        "misses": ("misses the target", "未达目标"),
    },
    # why a candidate of :func:`repayplan.negotiate` is listed
    "negotiate.reasons": {
        "best by the objective": ("best by the objective", "目标最优"),
        "next best by the objective, a different structure": (
            "next best by the objective, a different structure",
            "结构不同的次优方案",
        ),
    },
    # the sentence of :meth:`repayplan.plans.Plan.describe` (figures filled in formatted)
    "plans.describe": {
        "sep": (", ", "，"),
        "rate": (" at {}", "，年利率{}"),
        "within": ("within {} months", "{}个月内"),
        "by": ("by {}", "{}前"),
        "settlement": ("lump-sum settlement at a {} discount {}", "一次性结清，折让{}，{}付清"),
        "structure": ("{} over {} months{}", "{}，分{}个月{}"),
        "level": ("level instalments", "等额本息"),
        "equal_principal": ("equal principal instalments", "等额本金"),
        "interest_only": ("interest only, principal at the end", "按月付息、到期还本"),
        "grace_interest_only": ("{} months interest-only grace", "宽限期{}个月（只付利息）"),
        "grace_deferral": (
            "{} months deferred (interest capitalised) grace",
            "宽限期{}个月（利息资本化）",
        ),
        "balloon": ("{} balloon at the end", "期末一次偿还{}（气球贷）"),
        "step_up": ("payments {} a year", "还款额每年递增{}"),
        "seasonal": ("seasonal payments (peak in {})", "季节性还款（{}最高）"),
        "penalty_waiver": ("waives {} of penalty interest", "减免罚息{}"),
        "interest_waiver": ("waives {} of overdue interest", "减免欠息{}"),
        "haircut": ("waives {} of principal", "减免本金{}"),
        "arrears_at_signing": ("arrears paid at signing", "欠息于签约时付清"),
        "down_payment": ("down payment {:,}", "首付{:,}"),
    },
    # the months a seasonal plan peaks in, by number
    "plans.months": {
        "1": ("January", "1月"),
        "2": ("February", "2月"),
        "3": ("March", "3月"),
        "4": ("April", "4月"),
        "5": ("May", "5月"),
        "6": ("June", "6月"),
        "7": ("July", "7月"),
        "8": ("August", "8月"),
        "9": ("September", "9月"),
        "10": ("October", "10月"),
        "11": ("November", "11月"),
        "12": ("December", "12月"),
    },
    # the names the library and the dashboard give plans (:func:`repayplan.report.plan_name`):
    # ``{n}`` is a whole number, ``{name}`` any name (itself translated); a name matching an
    # English form is shown in its Chinese form, in this order
    "plans.names": {
        "bank": ("Bank proposal", "银行方案"),
        "borrower": ("Borrower proposal", "借款人方案"),
        "settlement": ("Settlement", "一次性结清方案"),
        "seasonal": ("Seasonal {n}", "季节性{n}期方案"),
        "suggested": ("Suggested {n}", "推荐方案{n}"),
        "numbered": ("Plan {n}", "方案{n}"),
        "months": ("{n} months", "{n}个月方案"),
        "copy": ("{name} (copy)", "{name}（副本）"),
        "copy_n": ("{name} (copy {n})", "{name}（副本{n}）"),
    },
    # the sentences of :func:`repayplan.negotiate.explain_plan` (figures filled in formatted)
    "negotiate.explain": {
        "dscr": (
            "DSCR {dscr} in the weakest plan year on mean cash ({dscr_p5} at the 5th percentile)",
            "均值现金流下最弱计划年度偿债覆盖率{dscr}（5%分位{dscr_p5}）",
        ),
        "probability": ("probability of default {probability}", "违约概率{probability}"),
        "recovery": (
            "creditor recovers {recovery} of the claim in expectation against {enforcement} "
            "through enforcement",
            "债权人预期回收债权的{recovery}，强制执行仅回收{enforcement}",
        ),
        "sep": ("; ", "；"),
        "end": (".", "。"),
    },
    # the sentence of :func:`repayplan.negotiate.explain_concession` (figures filled in formatted)
    "negotiate.costs": {
        "gives": ("the bank gives up {amount} of expected value", "银行让出预期价值{amount}"),
        "gains": (
            "the bank gains {amount} of expected value by it",
            "银行因此多得预期价值{amount}",
        ),
        "sentence": (
            "{label}: {give}, the borrower saves {saving}; it lowers the probability of default "
            "by {points} points",
            "{label}：{give}，借款人节省{saving}；违约概率降低{points}个百分点",
        ),
        "transfer": (" — a transfer that buys nothing", "——纯属利益转移"),
    },
    # :meth:`repayplan.negotiate.Constraints.describe` and ``explain`` (figures filled in formatted)
    "negotiate.constraints": {
        "min_dscr": (
            "DSCR (lowest plan year, mean cash) of at least {value}",
            "按平均现金计最弱计划年度的 DSCR 不低于 {value}",
        ),
        "min_dscr_p5": (
            "stress DSCR (lowest plan year, 5th percentile) of at least {value}",
            "压力 DSCR（最弱计划年度，5%分位现金）不低于 {value}",
        ),
        "max_default_probability": (
            "probability of default at most {value}",
            "违约概率不高于 {value}",
        ),
        "max_term": ("a term of at most {value} months", "期限不超过 {value} 个月"),
        "min_margin": (
            "creditor expected NPV at least the enforcement NPV + {value}",
            "债权人预期净现值不低于强制执行净现值加 {value}",
        ),
        "max_burden": ("burden at most {value}", "还款负担不高于 {value}"),
        "hard_rules": ("no breach of a hard rule of the rule set", "不违反规则集的强制性规定"),
        "cash_at_hand": (
            "a signing payment within the borrower's cash at hand",
            "签约付款不超过借款人手头现金",
        ),
        "min_rate": ("a rate of at least {value}", "利率不低于{value}"),
        "cost_of_funds": (
            "the creditor's cost of funds (at most the contract rate)",
            "债权人的资金成本（不高于合同利率）",
        ),
        "reaches": (" (it reaches {value})", "（实际 {value}）"),
        "offers": (" (it offers {value})", "（实际 {value}）"),
    },
    # the concessions of :func:`repayplan.negotiate.explain_concession`
    "negotiate.concessions": {
        "rate_cut": ("the rate cut", "降低利率"),
        "penalty_waiver": ("the penalty-interest waiver", "减免罚息"),
        "interest_waiver": ("the interest waiver", "减免利息"),
        "haircut": ("the haircut", "减免本金"),
        "settlement_discount": ("the settlement discount", "和解折让"),
        "grace": ("the grace period", "宽限期"),
        "extra_term": ("the extra term", "延长期限"),
        "balloon": ("the balloon", "尾款"),
    },
    # every text of the dashboard (:data:`repayplan.notebook.labels.TEXT`)
    "dashboard": {
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
            "<ol><li><b>The opening positions</b> are the plans on the table; change any term in a card (press Enter to apply) and both sides see at once what it does.</li><li>The <b>comparison</b> marks the better value of each row among feasible plans; rule findings appear under the plan that raises them.</li><li><b>Suggest</b> searches for plans both sides should prefer to enforcement and adds them with the reasons (on a full table, choose the column each replaces).</li><li><b>Accept</b> the plan agreed, then <b>Export</b>: the agreement annex, the minutes and the whole case file.</li></ol>",
            "<ol><li>桌面上的方案即双方的<b>初始立场</b>；在方案卡片中修改任一条款（按回车生效），双方立即看到其影响。</li><li><b>方案比较</b>在可行方案中标出每一行的较优值；合规提示显示在相应方案下方。</li><li><b>推荐方案</b>搜索双方都优于强制执行的方案，并附上理由加入桌面（方案已满时，请选择替换的列）。</li><li><b>接受</b>达成一致的方案，然后<b>导出</b>：协议附件、会谈纪要和完整的案件文件。</li></ol>",
        ),
        "updated_in": ("updated in {ms:.0f} ms", "已更新（{ms:.0f} 毫秒）"),
        "claim_line": (
            "{borrower} owes {creditor} {total} {currency} as of {as_of}",
            "{borrower} 截至 {as_of} 欠 {creditor} {total} {currency}",
        ),
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
        "not_updated": (
            "Not applied: fix the value marked below.",
            "未生效：请更正下方标出的数值。",
        ),
        "findings": ("Rule findings", "合规提示"),
        "severity_error": ("error", "错误"),
        "severity_warning": ("warning", "警告"),
        "severity_info": ("info", "提示"),
        "suggested_because": ("Why", "推荐理由"),
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
        "level": ("Level instalments (等额本息)", "等额本息"),
        "equal_principal": ("Equal principal (等额本金)", "等额本金"),
        "interest_only": ("Interest only", "先息后本"),
        "grace_interest_only": ("Interest-only", "只付利息"),
        "grace_deferral": ("Deferral (capitalised)", "延期（利息资本化）"),
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
        "forecast_chart": (
            "History and forecast (median, 90% band)",
            "历史与预测（中位数，90%区间）",
        ),
        "forecast_history": ("History", "历史"),
        "forecast_median": ("Forecast median", "预测中位数"),
        "forecast_band": ("90% band", "90%区间"),
        "bs_discount_rate": ("Borrower's discount rate", "借款人折现率"),
        "bs_going_concern_loss": (
            "Going-concern loss (blank: 20% of claim)",
            "持续经营损失（空：债权的20%）",
        ),
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
    },
    # the metrics' definitions shown on hover in the dashboard's comparison (the English ones are those of :data:`repayplan.evaluate.ALL_METRICS`; a test keeps them equal)
    "comparison.definitions": {
        "creditor_npv": (
            "NPV of the plan's payments if all are made",
            "全部按期还款时，还款额按债权人资金成本折现的净现值",
        ),
        "expected_npv": (
            "NPV expected across scenarios, defaults and enforcement included",
            "各情景下的预期净现值，计入违约及违约后的强制执行",
        ),
        "enforcement_npv": (
            "NPV of enforcing the claim now (the creditor's alternative)",
            "现在强制执行债权的净现值（债权人的替代方案）",
        ),
        "margin": ("expected_npv - enforcement_npv", "债权人预期净现值减去强制执行净现值"),
        "recovery_rate": ("expected_npv / claim total", "债权人预期净现值 / 债权总额"),
        "irr": (
            "yield on the claim if every payment is made (monthly IRR x 12)",
            "全部按期还款时的债权收益率（月内部收益率 × 12）",
        ),
        "default_probability": (
            "share of scenarios where the borrower runs out of cash",
            "借款人现金耗尽的情景所占比例",
        ),
        "min_dscr": (
            "lowest monthly mean cash / payment (evaluate: monthly_dscr)",
            "最低月度均值现金流 / 当月还款额",
        ),
        "dscr": (
            "lenders' DSCR: lowest plan year's mean cash available / debt service due that year",
            "贷款人口径的偿债覆盖率：方案各年中最低的年度均值可用现金 / 当年应还本息",
        ),
        "dscr_p5": (
            "stress DSCR: lowest plan year's cash on the 5th-percentile path / debt service due that year",
            "压力偿债覆盖率：5%分位现金流路径下，方案各年中最低的年度现金 / 当年应还本息",
        ),
        "monthly_dscr": ("lowest monthly mean cash / payment", "最低月度均值现金流 / 当月还款额"),
        "monthly_dscr_p5": (
            "lowest monthly 5th-percentile cash / payment",
            "最低月度5%分位现金流 / 当月还款额",
        ),
        "min_cash": (
            "lowest projected cash balance on the mean cash flow",
            "均值现金流下预计的最低现金余额",
        ),
        "min_cash_p5": (
            "lowest 5th-percentile cash balance over the term",
            "期限内5%分位的最低现金余额",
        ),
        "first_month_below_minimum": (
            "first month the mean cash balance falls below the minimum (never: none)",
            "均值现金余额首次低于最低现金要求的月份（从不：不会低于）",
        ),
        "upfront_shortfall": (
            "what the month-0 payment (down payment) exceeds the cash at hand by",
            "签约时（第0月）付款超出手头现金的金额",
        ),
        "months_short": (
            "expected months, up to the default, whose cash flow does not cover the payment",
            "违约前现金流不足以支付当期还款的预期月数",
        ),
        "burden": (
            "PV of payments / PV of the borrower's cash flow over the term",
            "还款额现值 / 期限内借款人现金流现值",
        ),
        "peak_payment": ("largest single payment", "单期最大还款额"),
        "total_paid": ("sum of all payments", "全部还款额之和"),
        "total_waived": ("what the creditor gives up", "债权人放弃的金额"),
        "term": ("month of the last payment", "最后一期还款所在的月份"),
        "rule_findings": (
            "rule-set findings (warnings and errors)",
            "规则检查的提示数（警告和错误）",
        ),
        "borrower_cost": (
            "PV at the borrower's rate of what it expects to pay, defaults included",
            "按借款人折现率计算的预期还款现值（计入违约）",
        ),
        "borrower_alternative": (
            "PV at the borrower's rate of what enforcement would cost it",
            "按借款人折现率计算的被强制执行成本现值",
        ),
        "modification_gain": (
            "IFRS 9 5.4.3 modification gain (loss < 0): plan cash flows at the original EIR less the gross carrying amount",
            "IFRS 9 第5.4.3段合同修改利得（负数为损失）：按原实际利率折现的方案现金流减账面余额",
        ),
        "risk_class": (
            "five-class risk classification after the plan (2023 measures)",
            "方案实施后的五级风险分类（2023年办法）",
        ),
        "observation_end": (
            "end of the restructured asset's observation period",
            "重组资产观察期的届满日",
        ),
        "provision_cost": (
            "provision the class requires (rate x gross carrying amount)",
            "风险分类要求计提的拨备（拨备率 × 账面余额）",
        ),
    },
    # the dashboard comparison's own words
    "comparison.words": {
        "delta": ("Δ {} against the previous version", "与上一版本相比 Δ {}"),
        "feasible": ("Feasible", "是否可行"),
    },
    # which side a metric serves, in the dashboard comparison
    "comparison.sides": {
        "creditor": ("creditor", "债权人"),
        "borrower": ("borrower", "借款人"),
        "both": ("both sides", "双方"),
    },
    # the dashboard's follow-up tab
    "followup": {
        "title": ("Follow-up: agreements due and in arrears", "贷后跟踪：到期及逾期的协议"),
        "as_of": ("As of", "截至"),
        "within": ("Due within (days)", "未来天数"),
        "refresh": ("Refresh", "刷新"),
        "none": ("Nothing due.", "暂无到期款项。"),
        "count": (
            "{n} agreement(s) to follow up ({late} in arrears or breached)",
            "{n} 份协议需跟进（{late} 份逾期或违约）",
        ),
        "off": (
            "No case register is configured (set REPAYPLAN_REGISTER).",
            "未配置案件登记库（请设置 REPAYPLAN_REGISTER）。",
        ),
    },
    # the dashboard's register bar (autosave, open a case)
    "persist": {
        "saved": ("saved: case {cid}, version {v}", "已保存：案件 {cid}，第 {v} 版"),
        "off": ("not saved: no case register configured", "未保存：未配置案件登记库"),
        "conflict": ("NOT SAVED: {msg}", "未保存：{msg}"),
        "failed": ("not saved: {msg}", "未保存：{msg}"),
        "open": ("Open", "打开"),
        "case": ("Case", "案件"),
        "negotiation": ("Negotiation", "谈判"),
        "followup": ("Follow-up", "贷后跟踪"),
        "restored": ("restored case {cid}, version {v}", "已恢复案件 {cid}，第 {v} 版"),
    },
    # the dashboard's settings boxes: the keys typed in them and the words some keys take
    # (the English is what is typed; repayplan.notebook.session.options.KEYS_ZH, WORDS_ZH)
    "session.keys": {
        "name": ("name", "名称"),
        "kind": ("kind", "类别"),
        "appraisal": ("appraisal", "评估价值"),
        "lien_rank": ("lien_rank", "抵押顺位"),
        "prior_claims": ("prior_claims", "在先债权"),
        "haircut": ("haircut", "变现折扣"),
        "time_to_sell": ("time_to_sell", "变现月数"),
        "sale_probabilities": ("sale_probabilities", "拍卖成交概率"),
        "capacity": ("capacity", "代偿能力"),
        "recovery_rate": ("recovery_rate", "回收率"),
        "collection_months": ("collection_months", "追偿月数"),
        "probability": ("probability", "概率"),
        "impact": ("impact", "降幅"),
        "start": ("start", "开始月"),
        "duration": ("duration", "持续月数"),
        "end": ("end", "结束月"),
        "per": ("per", "概率口径"),
        "label": ("label", "说明"),
    },
    "session.words": {
        "real_estate": ("real_estate", "不动产"),
        "equipment": ("equipment", "设备"),
        "receivables": ("receivables", "应收账款"),
        "equity": ("equity", "股权"),
        "deposits": ("deposits", "存款"),
        "joint": ("joint", "连带责任保证"),
        "general": ("general", "一般保证"),
        "horizon": ("horizon", "整个期间"),
        "month": ("month", "每月"),
    },
    # the columns of an uploaded cash-flow CSV (CSV_COLUMNS_ZH)
    "session.csv": {
        "month": ("month", "月份"),
        "available": ("available", "可用现金"),
    },
}

#: The catalogue, read-only: ``CATALOGUE[table][key] == (english, chinese)``.
CATALOGUE: Mapping[str, Mapping[str, tuple[str, str]]] = MappingProxyType(
    {t: MappingProxyType(rows) for t, rows in _TABLES.items()}
)


def _table(table: str) -> Mapping[str, tuple[str, str]]:
    return CATALOGUE[check_choice("table", table, tuple(CATALOGUE))]


def pairs(table: str) -> dict[str, tuple[str, str]]:
    """One table of the catalogue as a new dict ``key -> (english, chinese)``.

    Parameters
    ----------
    table : str
        A table of :data:`CATALOGUE` (``"annex"``, ``"sheet"``, ``"cli"``, ``"dashboard"`` ...).

    Raises
    ------
    InputError
        An unknown table.

    Examples
    --------
    >>> pairs("cli")["totals"]
    ('Total', '合计')
    """
    return dict(_table(table))


def by_language(table: str) -> dict[str, dict[str, str]]:
    """One table of the catalogue by language: ``{"en": {key: text}, "zh": {key: text}}``.

    Examples
    --------
    >>> words = by_language("comparison.sides")
    >>> words["en"]["both"], words["zh"]["both"]
    ('both sides', '双方')
    """
    rows = _table(table)
    return {lang: {k: v[i] for k, v in rows.items()} for i, lang in enumerate(LANGUAGES)}


def lookup(table: str, key: str, lang: str = "en") -> str:
    """The text of ``key`` in ``table`` in ``lang`` (``"en"`` or ``"zh"``).

    Raises
    ------
    InputError
        An unknown table, key or language.

    Examples
    --------
    >>> lookup("sheet", "saving", "zh"), lookup("sheet", "saving")
    ('较原合同节省', 'Saving vs the contract')
    """
    rows = _table(table)
    key = check_choice("key", key, tuple(rows))
    return rows[key][LANGUAGES.index(check_choice("lang", lang, LANGUAGES))]
