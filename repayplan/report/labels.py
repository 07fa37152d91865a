"""The annex's labels in English and Chinese, the names of repayment methods and cycles, plan names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from .._validate import check_choice
from .safety import check_annex_text

#: Languages of the labels.
LANGUAGES: tuple[str, ...] = ("en", "zh")

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
