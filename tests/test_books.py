"""The bank's books: risk classification against the cited articles, provisions, and the IFRS 9
modification gain against a published worked example and closed forms."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.books import (
    PROVISION_RATES,
    RISK_CLASSES,
    Books,
    gross_carrying_amount,
    modification_gain,
    risk_class,
    term_limit_findings,
)
from repayplan.errors import InputError

CLAIM = rp.Claim(
    principal=1_000_000,
    interest=30_000,
    penalty=12_000,
    annual_rate=0.0435,
    as_of=date(2026, 12, 1),
)
NO_PENALTY = rp.Claim(
    principal=1_000_000, interest=30_000, annual_rate=0.0435, as_of=date(2026, 12, 1)
)
CREDITOR = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))
CASH = rp.CashFlow([200_000.0] * 120, start="2027-01")
MONTHLY = np.array([[0.0] + [1_000.0] * 36])


# ----------------------------------------------------------------------------------------
# classification: 《商业银行金融资产风险分类办法》 (银保监会 中国人民银行令2023年第1号):
# 第六条 the five classes; 第二章's criteria: more than 90 / 270 / 360 days past due at least
# substandard / doubtful / loss, any overdue amount at least special mention; 第十七条-第十九条
# a restructured asset (extension, grace, rate cut ... for a borrower in difficulty) at least
# special mention; 第二十条 observed from the first repayment date under the new terms for two
# consecutive periods and at least a year (text read at jianbiaoku.com, book 171906)
# ----------------------------------------------------------------------------------------
def test_the_five_classes_are_those_of_article_6_and_every_rule_names_its_article():
    from repayplan.books import CLASSIFICATION_ARTICLES, CLASSIFICATION_CITATION

    assert RISK_CLASSES == (
        "normal",
        "special_mention",
        "substandard",
        "doubtful",
        "loss",
    )  # 第六条, best first
    assert "2023年第1号" in CLASSIFICATION_CITATION
    assert CLASSIFICATION_ARTICLES["classes"] == "第六条"
    assert CLASSIFICATION_ARTICLES["restructured_asset"] == "第十七条"
    assert CLASSIFICATION_ARTICLES["observation_period"] == "第二十条"
    cite = rp.rules.get("cn-bank").rule("restructuring-observation").citation
    assert cite.startswith(CLASSIFICATION_CITATION) and cite.endswith("第二十条")
    import repayplan.books as books

    for article in ("第六条", "第十七条", "第十九条", "第二十条"):
        assert article in books.__doc__


def test_provision_rates_are_the_specific_provisions_of_the_2002_guidelines():
    # 《银行贷款损失准备计提指引》(银发〔2002〕98号): special mention 2 %, substandard 25 %,
    # doubtful 50 %, loss 100 % (the substandard and doubtful rates may float by 20 %)
    from repayplan.books import PROVISION_CITATION

    assert PROVISION_RATES == {
        "normal": 0.0,
        "special_mention": 0.02,
        "substandard": 0.25,
        "doubtful": 0.5,
        "loss": 1.0,
    }
    assert "银发〔2002〕98号" in PROVISION_CITATION


def test_a_restructuring_never_leaves_the_loan_normal_and_never_upgrades_it():
    # 第十七条/第二十条: at least special mention, the days-past-due class kept through the
    # observation period (no upgrade however well the plan is paid)
    for days, want in [(0, "special_mention"), (200, "substandard"), (300, "doubtful")]:
        classes, ends = risk_class(
            np.array([[0.0] + [1_000.0] * 36] * 2), CLAIM, Books(days_past_due=days)
        )
        assert classes == [want, want] and ends[0] == date(2028, 1, 1)  # month 1 + 12 months


@pytest.mark.parametrize(
    ("days", "want"),
    [
        (0, "special_mention"),
        (1, "special_mention"),
        (90, "special_mention"),
        (91, "substandard"),
        (270, "substandard"),
        (271, "doubtful"),
        (360, "doubtful"),
        (361, "loss"),
        (2_000, "loss"),
    ],
)
def test_days_past_due_set_the_floor_of_the_class(days, want):
    classes, _ = risk_class(MONTHLY, CLAIM, Books(days_past_due=days))
    assert classes == [want]


def test_the_sample_claim_is_substandard_from_its_oldest_unpaid_instalment():
    case = rp.Case.sample()
    # the November 2025 interest instalment is the oldest unpaid: 2025-11-20 to 2026-06-30
    days = (date(2026, 6, 30) - date(2025, 11, 20)).days
    assert days == 222 and int(case.claim.breakdown["days_past_due"].max()) == days
    assert set(case.evaluate()["risk_class"]) == {"substandard"}  # 90 < 222 <= 270


@pytest.mark.parametrize(
    ("due_months", "end"),
    [
        ((1, 2, 3), date(2028, 1, 1)),  # monthly from month 1: twelve months after the first
        ((9, 21), date(2028, 9, 1)),  # two payments a year apart: the second
        ((1, 20), date(2028, 8, 1)),  # the second payment is later than a year after the first
        ((6,), date(2028, 6, 1)),  # one payment (a settlement): a year after it
    ],
)
def test_observation_lasts_two_payments_and_a_year_from_the_first(due_months, end):
    pay = np.zeros((1, 25))
    pay[0, list(due_months)] = 1_000.0
    _, ends = risk_class(pay, CLAIM, Books(days_past_due=0))
    assert ends == [end]


def test_provision_cost_is_the_rate_of_the_class_times_the_gross_carrying_amount():
    ev = rp.evaluate([rp.Plan(term=36)], CLAIM, CASH, CREDITOR, books=Books(days_past_due=100))
    assert ev["risk_class"].iloc[0] == "substandard"
    assert ev["provision_cost"].iloc[0] == pytest.approx(0.25 * 1_030_000)
    mine = Books(days_past_due=100, provision_rates=dict(PROVISION_RATES, substandard=0.4))
    assert rp.evaluate([rp.Plan(term=36)], CLAIM, CASH, CREDITOR, books=mine)[
        "provision_cost"
    ].iloc[0] == pytest.approx(0.4 * 1_030_000)


def test_books_refuse_bad_input_by_name():
    with pytest.raises(InputError, match="provision_rates"):
        Books(provision_rates={"normal": 0.0})
    with pytest.raises(InputError, match="provision_rates.loss"):
        Books(provision_rates=dict(PROVISION_RATES, loss=1.5))
    with pytest.raises(InputError, match="product"):
        Books(product="mortgage")
    with pytest.raises(InputError, match="days_past_due"):
        Books(days_past_due=-1)
    assert RISK_CLASSES[0] == "normal" and RISK_CLASSES[-1] == "loss"


# ----------------------------------------------------------------------------------------
# IFRS 9 5.4.3 / B5.4.3 modification gain
# ----------------------------------------------------------------------------------------
def test_modification_loss_matches_kpmgs_worked_example():
    # KPMG, "AASB 9 loan modifications" (2021): 10,000,000 at 7 %, monthly interest, bullet in
    # five years; the present value at the original 7 % of the revised cash flows is 9,158,333
    # for a 5 % rate and 8,316,615 for 3 % (both stated by KPMG to the dollar)
    for rate, kpmg in ((0.05, 9_158_333), (0.03, 8_316_615)):
        coupon = 10_000_000 * rate / 12
        flows = np.array([0.0] + [coupon] * 59 + [10_000_000 + coupon])
        pv = float(modification_gain(flows, 0.0, 0.07))
        assert pv == pytest.approx(kpmg, rel=5e-6)
        assert float(modification_gain(flows, 10_000_000, 0.07)) == pytest.approx(pv - 10_000_000)


@settings(max_examples=30, deadline=None)
@given(term=st.integers(6, 120), grace=st.integers(0, 5))
def test_a_plan_at_the_original_rate_has_no_modification_gain(term, grace):
    ev = rp.evaluate([rp.Plan(term=term, grace=grace)], NO_PENALTY, CASH, CREDITOR)
    # only the rounding of each payment to the fen is left
    assert abs(ev["modification_gain"].iloc[0]) <= 0.005 * (term + 1)


def test_penalty_interest_paid_is_a_gain_unless_it_is_on_the_books():
    plan = rp.Plan(term=36)
    off = rp.evaluate([plan], CLAIM, CASH, CREDITOR)["modification_gain"].iloc[0]
    on = rp.evaluate([plan], CLAIM, CASH, CREDITOR, books=Books(penalty_on_books=True))[
        "modification_gain"
    ].iloc[0]
    assert abs(on) <= 0.005 * 37
    assert off == pytest.approx(12_000, abs=0.005 * 37)  # financed at the contract rate: PV = face
    assert (
        gross_carrying_amount(CLAIM) == 1_030_000
        and gross_carrying_amount(CLAIM, Books(penalty_on_books=True)) == 1_042_000
    )


def test_a_rate_cut_loses_the_closed_form_amount():
    # 1,030,000 over 48 months at 3 % instead of 4.35 %: the level payment at 3 % discounted at 4.35 %
    plan = rp.Plan(term=48, annual_rate=0.03)
    r, i, n = 0.03 / 12, 0.0435 / 12, 48
    pay = 1_030_000 * r / (1 - (1 + r) ** -n)
    want = pay * (1 - (1 + i) ** -n) / i - 1_030_000
    got = rp.evaluate([plan], NO_PENALTY, CASH, CREDITOR)["modification_gain"].iloc[0]
    assert got == pytest.approx(want, abs=0.005 * 49 + 1e-6)
    assert got < -20_000


# ----------------------------------------------------------------------------------------
# working-capital term limits (2024 measures: 3 years, at most 5 with a long cash cycle)
# ----------------------------------------------------------------------------------------
def test_working_capital_term_limits_count_the_loans_whole_life():
    claim = SimpleNamespace(
        as_of=date(2026, 6, 30), contract_date=date(2025, 3, 20)
    )  # 15 months old
    assert term_limit_findings(SimpleNamespace(term=21), claim) == []  # 36 months in all
    [w] = term_limit_findings(SimpleNamespace(term=22), claim)
    assert (w.severity, w.value, w.limit) == ("warning", 37, 36) and "2024年第2号" in w.citation
    [e] = term_limit_findings(SimpleNamespace(term=46), claim)
    assert (e.severity, e.value, e.limit, e.hard) == ("error", 61, 60, True)
    assert term_limit_findings(SimpleNamespace(term=100), claim, product="loan") == []


def test_evaluate_reports_the_term_limit_as_a_rule_finding():
    case = rp.Case.sample()
    books = Books(product="working_capital")
    one = rp.evaluate(rp.Plan(term=60), case.claim, case.cashflow, case.creditor, books=books)
    assert [f.rule for f in one.findings if f.rule.startswith("working-capital")] == [
        "working-capital.term-limit"
    ]
    frame = rp.evaluate(
        [rp.Plan(term=12), rp.Plan(term=60)], case.claim, case.cashflow, case.creditor, books=books
    )
    assert frame["rule_findings"].iloc[1] == frame["rule_findings"].iloc[0] + 1


# ----------------------------------------------------------------------------------------
# the product on the claim: rules.check holds a working-capital plan to the 2024 limits, and
# everything that reads rules.check (evaluate, compare, negotiate's feasibility) sees it
# ----------------------------------------------------------------------------------------
WC = rp.Case.sample().claim.replace(
    product="working_capital"
)  # signed 2025-03-20, claim 2026-06-30


@pytest.mark.parametrize(
    ("term", "want"),
    [(21, []), (22, [("warning", 37, 36)]), (45, [("warning", 60, 36)]), (46, [("error", 61, 60)])],
)
def test_rules_check_applies_the_working_capital_limits_to_the_loans_whole_life(term, want):
    # 15 months from the contract date to the claim date, then the plan's term
    got = [
        (f.severity, f.value, f.limit)
        for f in rp.rules.check(rp.Plan(term=term), WC)
        if f.rule == "working-capital.term-limit"
    ]
    assert got == want
    assert all(
        "国家金融监督管理总局令2024年第2号" in f.citation
        for f in rp.rules.check(rp.Plan(term=term), WC)
        if f.rule == "working-capital.term-limit"
    )


def test_a_term_loan_or_a_loan_has_no_working_capital_limit():
    claim = WC.replace(product="loan")
    assert not [
        f for f in rp.rules.check(rp.Plan(term=120), claim) if f.rule.startswith("working-capital")
    ]


def test_the_product_is_validated_and_read_and_written_in_the_case_file():
    with pytest.raises(InputError, match="product"):
        WC.replace(product="overdraft")
    case = rp.Case.sample()
    case = case.replace(claim=case.claim.replace(product="working_capital"))
    text = case.dumps()
    assert 'product = "working_capital"' in text
    assert rp.Case.loads(text).claim.product == "working_capital"


def test_the_term_limit_excludes_plans_from_negotiate_and_marks_them_in_compare():
    case = rp.Case.sample()
    cash = case.cashflow
    plans = [rp.Plan(term=36, name="36"), rp.Plan(term=60, name="60")]
    cmp = rp.compare(plans, WC, cash, case.creditor)
    assert cmp.reasons["36"] == "" or "working-capital" not in cmp.reasons["36"]
    assert "working-capital.term-limit" in cmp.reasons["60"] and not cmp.feasible["60"]
    # evaluate counts it once (rules.check), also with Books(product="working_capital")
    one = rp.evaluate(
        rp.Plan(term=60), WC, cash, case.creditor, books=Books(product="working_capital")
    )
    assert [f.rule for f in one.findings].count("working-capital.term-limit") == 1
    res = rp.negotiate(
        WC,
        cash,
        case.creditor,
        objective="creditor",
        borrower=case.borrower_side,
        constraints=rp.Constraints(min_dscr=0.5, min_dscr_p5=None),
        space=rp.SearchSpace(term=[24, 36, 48, 60]),
    )
    ev = res.evaluated.set_index("term")
    assert bool(ev.loc[60, "hard_rule"]) and not bool(ev.loc[60, "feasible"])
    assert not bool(ev.loc[24, "hard_rule"])
    assert (res.candidates["term"] <= 45).all()


def test_term_limit_findings_refuses_bad_input_by_name():
    claim = SimpleNamespace(as_of=date(2026, 6, 30), contract_date=date(2025, 3, 20))
    for kwargs, field in [
        (dict(plan=0, claim=claim), "plan"),
        (dict(plan=None, claim=claim), "plan"),
        (dict(plan=SimpleNamespace(term=12), claim={}), "claim"),
        (dict(plan=SimpleNamespace(term=12), claim=claim, product=None), "product"),
        (dict(plan=SimpleNamespace(term=12), claim=claim, product="lease"), "product"),
        (dict(plan=SimpleNamespace(term=2.5), claim=claim), "plan.term"),
    ]:
        with pytest.raises(InputError, match=field.replace(".", r"\.")):
            term_limit_findings(**kwargs)


def test_a_single_plans_evaluation_states_its_risk_class_with_the_articles():
    # 第十七条 (restructured asset) and 第二十条 (observation period) of the 2023 measures
    from repayplan.books import CLASSIFICATION_CITATION

    case = rp.Case.sample()
    ev = rp.evaluate(case.plan("Bank proposal"), case.claim, case.cashflow, case.creditor)
    [f] = [f for f in ev.findings if f.rule == "books.risk-class"]
    assert f.severity == "info" and f.citation == f"{CLASSIFICATION_CITATION} 第十七条, 第二十条"
    assert "classed substandard (222 days past due set the floor)" in f.message
    assert str(ev.metrics["observation_end"]) in f.message
    assert (
        ev.metrics["rule_findings"]
        == rp.evaluate([case.plan("Bank proposal")], case.claim, case.cashflow, case.creditor)[
            "rule_findings"
        ].iloc[0]
    )  # info: not counted
