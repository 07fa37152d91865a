"""Rule sets, payment allocation and rules.check, against hand-computed figures.

Legal sources (the oracles for the limits):
* 《中华人民共和国民法典》第五百六十一条: costs of realising the claim → interest → principal.
* 银发〔2003〕251号 三: penalty rate = contract rate + 30 % to 50 %; compound interest at the
  penalty rate on interest not paid when due.
* 《贷款通则》第九条/第十二条: short-term (<= 1 year) extension <= original term; medium-term
  (1-5 years) <= half of it; long-term <= 3 years.
* 《商业银行信用卡业务监督管理办法》第七十条: personalised instalments at most 5 years.
* 《商业银行金融资产风险分类办法》(2023) 第二十条: observation >= 2 repayment periods and >= 1 year.
* SPC private-lending provisions (法释〔2020〕17号) Arts. 25, 28: 4 x one-year LPR at contract date.
* One-year LPR fixings (National Interbank Funding Center): 3.45 % from 2023-08-21
  (Xinhua/People's Daily 2023-08-21), 3.10 % from 2024-10-21, 3.00 % from 2025-05-20
  (S&P Global Market Intelligence, "China cuts key lending reference rates", 2025-05-20).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repayplan import rules
from repayplan.errors import InputError
from repayplan.rules import CIVIL_CODE_561, KINDS, Finding, RuleSet, allocate, allocate_minor

D = Decimal


def plan(**kw):
    """A stand-in for the future rp.Plan: only the attributes check() reads."""
    base = {"term": 12, "annual_rate": None, "frequency": 12}
    base.update(kw)
    return SimpleNamespace(**base)


def claim_stub(**kw):
    base = {
        "total": D(1),
        "as_of": dt.date(2026, 3, 20),
        "annual_rate": D("0.0435"),
        "penalty_rate": D("0.06525"),
        "maturity": dt.date(2028, 1, 1),
        "term_months": 36,
        "product": "loan",
        "contract_date": dt.date(2025, 1, 1),
    }
    base.update(kw)
    return SimpleNamespace(**base)


# ----------------------------------------------------------------------------------------
# rule sets as data
# ----------------------------------------------------------------------------------------
def test_shipped_rule_sets_are_named_and_every_rule_has_a_citation():
    assert set(rules.names()) == {"cn-bank", "cn-private", "generic"}
    for name in rules.names():
        rs = rules.get(name)
        assert rs.name == name and rs.rules
        assert all(r.citation and r.text for r in rs.rules)


def test_cn_bank_holds_the_figures_of_its_sources():
    rs = rules.get("cn-bank")
    assert rs.penalty_markup_range == (D("0.3"), D("0.5"))
    assert "251号" in rs.rule("penalty-markup").citation
    assert rs.compound_interest is True
    assert rs.accrual_day_count == "ACT/360"
    assert rs.card_instalment_max_months == 60
    assert "第七十条" in rs.rule("card-instalments").citation
    assert rs.observation == (2, 12)
    assert "第二十条" in rs.rule("restructuring-observation").citation
    assert "第十二条" in rs.rule("extension-limit").citation
    assert rs.allocation_order == CIVIL_CODE_561
    assert "第五百六十一条" in rs.rule("allocation-order").citation


def test_unknown_rule_set_names_what_is_allowed():
    with pytest.raises(InputError) as e:
        rules.get("cn-shadow")
    assert e.value.field == "rules" and e.value.value == "cn-shadow"
    assert "'cn-bank'" in e.value.allowed


def test_a_rule_set_object_passes_through_get():
    rs = rules.generic(compound_interest=True)
    assert rules.get(rs) is rs


def test_generic_is_configurable_and_validated():
    rs = rules.generic(
        penalty_markup_range=(0.1, 0.2),
        default_penalty_markup=0.1,
        allocation_order=["principal", "interest", "penalty", "compound", "fees", "costs"],
        allocation_by="installment",
        accrual_day_count="ACT/365",
    )
    assert rs.penalty_markup_range == (D("0.1"), D("0.2"))
    assert rs.allocation_order[0] == ("principal",)
    assert rs.accrual_day_count == "ACT/365F"
    with pytest.raises(InputError) as e:
        rules.generic(allocation_order=["interest", "principal"])
    assert e.value.field == "allocation_order"
    with pytest.raises(InputError):
        rules.generic(penalty_markup_range=(0.5, 0.3))
    with pytest.raises(InputError):
        rules.generic(allocation_by="random")


def test_markup_range_tolerates_float_noise_only():
    rs = rules.get("cn-bank")
    # 0.0435 * 1.3 == 0.056549999999999996 in binary floating point: the +30 % it means.
    assert rs.markup_allowed(Decimal(repr(0.0435 * 1.3)) / D("0.0435") - 1)
    assert not rs.markup_allowed(D("0.2999"))
    assert not rs.markup_allowed(D("0.5001"))


# ----------------------------------------------------------------------------------------
# LPR table
# ----------------------------------------------------------------------------------------
def test_lpr_table_ships_with_the_published_fixings():
    assert rules.lpr("2019-08-20") == D("0.0425")  # first LPR after the 2019 reform
    assert rules.lpr("2023-08-20") == D("0.0355")
    assert rules.lpr("2023-08-21") == D("0.0345")
    assert rules.lpr("2024-10-21") == D("0.0310")
    assert rules.lpr("2025-05-19") == D("0.0310")
    assert rules.lpr("2025-05-20") == D("0.0300")
    assert rules.lpr("2026-03-20") == D("0.0300")
    assert rules.lpr("2025-05-20", tenor="5y") == D("0.0350")


def test_lpr_before_the_first_fixing_is_an_input_error():
    with pytest.raises(InputError) as e:
        rules.lpr("2019-08-19")
    assert "2019-08-20" in e.value.allowed


def test_users_extend_the_lpr_table():
    rs = rules.get("cn-private").with_lpr([(dt.date(2030, 1, 20), 0.025)])
    assert rs.lpr_on("2030-01-19") == D("0.0300")
    assert rs.lpr_on("2030-01-20") == D("0.025")
    assert rs.rate_cap("2030-02-01") == 4 * D("0.025")
    assert rules.get("cn-private").lpr_on("2030-01-20") == D(
        "0.0300"
    )  # the shipped set is unchanged


def test_load_lpr_reads_a_user_csv(tmp_path):
    path = tmp_path / "lpr.csv"
    path.write_text(
        "# my fixings\ndate,lpr_1y\n2031-01-20,0.0280\n2030-01-20,0.0290\n", encoding="utf-8"
    )
    table = rules.load_lpr(path)
    assert list(table["date"]) == [dt.date(2030, 1, 20), dt.date(2031, 1, 20)]
    assert rules.lpr("2030-06-01", table=table) == D("0.0290")
    bad = tmp_path / "bad.csv"
    bad.write_text("day,rate\n2030-01-20,0.03\n", encoding="utf-8")
    with pytest.raises(InputError):
        rules.load_lpr(bad)
    pct = tmp_path / "pct.csv"
    pct.write_text("date,lpr_1y\n2030-01-20,3.0\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        rules.load_lpr(pct)
    assert "fraction" in str(e.value)


# ----------------------------------------------------------------------------------------
# allocation
# ----------------------------------------------------------------------------------------
def test_art_561_partial_payment_worked_example():
    # Owed on 2026-03-01: enforcement costs 2,000.00 (incurred 2026-02-15); instalment due
    # 2026-01-01 with interest 3,000.00, penalty 150.00, compound 20.00, principal 30,000.00;
    # instalment due 2026-02-01 with interest 2,900.00, penalty 60.00, principal 30,100.00.
    # Payment 7,000.00.  Art. 561: costs first (2,000.00 -> 5,000.00 left), then the interest
    # class oldest first: 2026-01 penalty 150, compound 20, interest 3,000 (-> 1,830.00 left),
    # then 2026-02 penalty 60 (-> 1,770.00), then 2026-02 interest 1,770.00 of 2,900.00.
    # Principal gets nothing.
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    buckets = [
        ("principal", jan, "30000"),
        ("interest", jan, "3000"),
        ("penalty", jan, "150"),
        ("compound", jan, "20"),
        ("principal", feb, "30100"),
        ("interest", feb, "2900"),
        ("penalty", feb, "60"),
        ("costs", dt.date(2026, 2, 15), "2000"),
    ]
    a = allocate("7000", buckets, "cn-bank")
    assert a.applied == (
        D("0.00"),
        D("3000.00"),
        D("150.00"),
        D("20.00"),
        D("0.00"),
        D("1770.00"),
        D("60.00"),
        D("2000.00"),
    )
    assert a.unapplied == D("0.00")
    assert a.by_kind() == {
        "costs": D("2000.00"),
        "penalty": D("210.00"),
        "compound": D("20.00"),
        "interest": D("4770.00"),
        "principal": D("0.00"),
    }


def test_installment_order_pays_the_oldest_instalment_in_full_first():
    # Same debts, an agreed vertical order (逐期清偿): January fully (costs have no
    # instalment, here dated after January), then February by class.
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    buckets = [
        ("principal", jan, "1000"),
        ("interest", jan, "100"),
        ("penalty", jan, "10"),
        ("principal", feb, "1000"),
        ("interest", feb, "90"),
    ]
    vertical = allocate("1150", buckets, CIVIL_CODE_561, by="installment")
    # January: penalty 10, interest 100, principal 1,000 = 1,110; February interest 40 of 90.
    assert vertical.applied == (D("1000.00"), D("100.00"), D("10.00"), D("0.00"), D("40.00"))
    horizontal = allocate("1150", buckets)
    # Interest class first (10 + 100 + 90 = 200), then principal oldest first: 950 of January's.
    assert horizontal.applied == (D("950.00"), D("100.00"), D("10.00"), D("0.00"), D("90.00"))


def test_overpayment_is_held_not_lost():
    a = allocate("100.05", [("interest", None, "40"), ("principal", None, "50")])
    assert a.applied == (D("40.00"), D("50.00")) and a.unapplied == D("10.05")


def test_allocate_accepts_a_dataframe_and_reports_ranks():
    df = pd.DataFrame(
        {
            "kind": ["principal", "costs"],
            "due": [dt.date(2026, 1, 1), None],
            "owed": [D("10"), D("5")],
        }
    )
    a = allocate(6, df)
    assert list(a.table["rank"]) == [1, 0]
    assert a.applied == (D("1.00"), D("5.00"))


@pytest.mark.parametrize(
    ("amount", "buckets", "field"),
    [
        (-1, [("interest", None, 1)], "amount"),
        ("0.001", [("interest", None, 1)], "amount"),
        (1, [("interest", None, -1)], "buckets[0].owed"),
        (1, [("late fee", None, 1)], "buckets[0].kind"),
        (1, [("interest", "yesterday", 1)], "buckets[0].due"),
        (1, [("interest", None)], "buckets[0]"),
    ],
)
def test_allocate_rejects_bad_input_naming_the_field(amount, buckets, field):
    with pytest.raises(InputError) as e:
        allocate(amount, buckets)
    assert e.value.field == field


bucket_st = st.tuples(
    st.sampled_from(KINDS),
    st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))),
    st.integers(0, 10**9),
)


@settings(max_examples=100, deadline=None)
@given(
    amount=st.integers(0, 3 * 10**9),
    buckets=st.lists(bucket_st, max_size=12),
    by=st.sampled_from(["class", "installment"]),
    order=st.permutations(KINDS),
)
def test_allocation_conserves_money_and_respects_the_order(amount, buckets, by, order):
    kinds = [b[0] for b in buckets]
    due = np.array(
        [np.datetime64("NaT") if b[1] is None else np.datetime64(b[1], "D") for b in buckets],
        dtype="datetime64[D]",
    )
    owed = np.array([b[2] for b in buckets], dtype=np.int64)
    classes = rules.normalize_order(order)
    applied, rank = allocate_minor(amount, kinds, due, owed, classes, by)
    unapplied = amount - int(applied.sum())
    assert int(applied.sum()) + unapplied == amount  # nothing created, nothing lost
    assert (applied >= 0).all() and (applied <= owed).all()
    assert unapplied >= 0
    assert unapplied == 0 or (applied == owed).all()  # money is left over only when all is paid
    # in paying order, once a bucket is not paid in full nothing later gets anything
    seq = applied[np.argsort(rank)]
    full = (applied == owed)[np.argsort(rank)]
    first_short = np.flatnonzero(~full)
    if first_short.size:
        assert (seq[first_short[0] + 1 :] == 0).all()


# ----------------------------------------------------------------------------------------
# check: penalty markup (cn-bank)
# ----------------------------------------------------------------------------------------
def test_check_reports_a_penalty_markup_outside_the_range():
    obj = SimpleNamespace(
        annual_rate=D("0.04"), penalty_rate=D("0.064"), total=D(1), as_of=dt.date(2026, 1, 1)
    )
    found = rules.check(obj, ruleset="cn-bank")
    f = next(f for f in found if f.rule == "cn-bank.penalty-markup")
    # 0.064 / 0.04 - 1 = 0.6 > 0.5
    assert f.severity == "error" and f.hard
    assert f.value == D("0.6") and f.limit == D("0.5")
    assert "251号" in f.citation
    ok = SimpleNamespace(
        annual_rate=D("0.04"), penalty_rate=D("0.052"), total=D(1), as_of=dt.date(2026, 1, 1)
    )
    assert rules.check(ok, ruleset="cn-bank") == []  # +30 % exactly


def test_generic_reports_nothing_for_any_penalty():
    obj = SimpleNamespace(
        annual_rate=D("0.04"), penalty_rate=D("0.40"), total=D(1), as_of=dt.date(2026, 1, 1)
    )
    assert rules.check(obj, ruleset="generic") == []


# ----------------------------------------------------------------------------------------
# check: 4 x LPR (cn-private)
# ----------------------------------------------------------------------------------------
def test_private_loan_above_four_times_lpr_worked_example():
    # Contract of 2023-09-01 at 18 %: the one-year LPR then was 3.45 % (fixing of 2023-08-21),
    # so the cap is 4 x 3.45 % = 13.80 %.  Overdue rate 24 % also above the cap.
    loan = SimpleNamespace(
        annual_rate=D("0.18"), penalty_rate=D("0.24"), signed=dt.date(2023, 9, 1)
    )
    found = rules.check(loan, ruleset="cn-private")
    by_rule = {f.rule: f for f in found}
    cap = 4 * D("0.0345")
    assert cap == D("0.1380")
    assert by_rule["cn-private.rate-cap"].limit == cap
    assert by_rule["cn-private.rate-cap"].value == D("0.18")
    assert by_rule["cn-private.overdue-rate-cap"].value == D("0.24")
    assert all(f.severity == "error" for f in found)
    assert "第二十五条" in by_rule["cn-private.rate-cap"].citation
    assert "13.80%" in by_rule["cn-private.rate-cap"].message


def test_private_loan_at_the_cap_is_fine_and_a_cent_above_is_not():
    # 2025-06-01: LPR 3.00 % -> cap 12.00 %.
    at = SimpleNamespace(annual_rate=D("0.12"), penalty_rate=D("0.12"), signed=dt.date(2025, 6, 1))
    assert rules.check(at, ruleset="cn-private") == []
    above = SimpleNamespace(
        annual_rate=D("0.1201"), penalty_rate=D("0.12"), signed=dt.date(2025, 6, 1)
    )
    assert [f.rule for f in rules.check(above, ruleset="cn-private")] == ["cn-private.rate-cap"]


def test_a_plan_setting_a_new_rate_is_capped_at_the_lpr_of_the_claim_date():
    claim = claim_stub(as_of=dt.date(2024, 11, 1), rules="cn-private")  # LPR 3.10 % -> cap 12.40 %
    found = rules.check(plan(annual_rate=D("0.125")), claim)
    assert [f.rule for f in found] == ["cn-private.rate-cap"]
    assert found[0].limit == D("0.1240")
    assert rules.check(plan(annual_rate=D("0.124")), claim) == []


def test_contracts_before_2020_08_20_get_the_transitional_rule():
    # Art. 31: later interest capped at 4 x LPR at suing (the claim date stands for it).
    loan = SimpleNamespace(
        annual_rate=D("0.15"), penalty_rate=D("0.15"), signed=dt.date(2019, 3, 1)
    )
    claim = claim_stub(as_of=dt.date(2026, 3, 20))  # LPR 3.00 % -> 12.00 %
    found = rules.check(loan, claim, "cn-private")
    # 2026-03-20 is after the last fixing verified (2026-01-20): issue 13 makes that a finding
    assert [f.rule for f in found] == [
        "cn-private.rate-cap",
        "cn-private.overdue-rate-cap",
        "cn-private.transitional",
        "cn-private.lpr-table",
    ]
    assert found[0].limit == D("0.1200")
    no_claim = rules.check(loan, ruleset="cn-private")
    assert [f.rule for f in no_claim] == ["cn-private.transitional"]
    assert no_claim[0].severity == "warning"


# ----------------------------------------------------------------------------------------
# check: extension limits (《贷款通则》 Art. 12), cards, restructuring flag
# ----------------------------------------------------------------------------------------
def test_extension_beyond_the_general_loan_rules_limit_worked_example():
    # A 36-month (medium-term) loan maturing 2028-01-01: extension at most 36 / 2 = 18 months,
    # i.e. to 2029-07-01.  A plan from 2026-03-20 over 40 months ends 2029-07-20: 18 months
    # and 19 of July's 31 days beyond maturity -> too long.  39 months ends 2029-06-20: fine.
    claim = claim_stub()
    found = rules.check(plan(term=40), claim, "cn-bank")
    ext = [f for f in found if f.rule == "cn-bank.extension-limit"]
    assert len(ext) == 1 and ext[0].severity == "error"
    assert ext[0].limit == 18
    assert ext[0].value == 18 + Fraction(19, 31)
    assert "第十二条" in ext[0].citation
    ok = rules.check(plan(term=39), claim, "cn-bank")
    assert [f.rule for f in ok] == ["cn-bank.restructuring-observation"]


@pytest.mark.parametrize(
    ("original", "maturity", "longest_ok", "too_long"),
    [
        # Plans start on 2025-03-01, a year before maturity, so term = 12 + extension.
        # short-term, 12 months: extension <= 12 months -> a plan may end 2027-03-01
        (12, dt.date(2026, 3, 1), 24, 25),
        # medium-term, 60 months: <= 30 months -> may end 2028-09-01
        (60, dt.date(2026, 3, 1), 42, 43),
        # long-term, 120 months: <= 36 months (3 years) -> may end 2029-03-01
        (120, dt.date(2026, 3, 1), 48, 49),
    ],
)
def test_extension_tiers(original, maturity, longest_ok, too_long):
    claim = claim_stub(as_of=dt.date(2025, 3, 1), maturity=maturity, term_months=original)
    assert not [f for f in rules.check(plan(term=longest_ok), claim, "cn-bank") if f.hard]
    hard = [f for f in rules.check(plan(term=too_long), claim, "cn-bank") if f.hard]
    assert [f.rule for f in hard] == ["cn-bank.extension-limit"]


def test_restructuring_plans_are_not_held_to_the_extension_limit_but_are_flagged():
    found = rules.check(plan(term=120, kind="restructuring"), claim_stub(), "cn-bank")
    assert [(f.rule, f.severity) for f in found] == [("cn-bank.restructuring-observation", "info")]


def test_extension_limit_needs_the_original_term():
    found = rules.check(plan(term=40), claim_stub(maturity=None), "cn-bank")
    assert any(f.rule == "cn-bank.extension-limit" and f.severity == "warning" for f in found)


def test_credit_card_instalments_at_most_60_months():
    card = claim_stub(product="credit_card", maturity=None, term_months=None)
    assert not [
        f for f in rules.check(plan(term=60, kind="restructuring"), card, "cn-bank") if f.hard
    ]
    hard = [f for f in rules.check(plan(term=61, kind="restructuring"), card, "cn-bank") if f.hard]
    assert [(f.rule, f.value, f.limit) for f in hard] == [("cn-bank.card-instalments", 61, 60)]


def test_observation_period_is_two_periods_and_at_least_a_year():
    monthly = rules.check(plan(term=6, frequency=12), claim_stub(), "cn-bank")
    annual = rules.check(plan(term=36, frequency=1, kind="restructuring"), claim_stub(), "cn-bank")
    flag_m = next(f for f in monthly if f.rule == "cn-bank.restructuring-observation")
    flag_a = next(f for f in annual if f.rule == "cn-bank.restructuring-observation")
    assert flag_m.limit == 12  # max(2 months, 12 months)
    assert flag_a.limit == 24  # max(2 years, 12 months)
    assert "第二十条" in flag_m.citation


def test_findings_are_sorted_errors_first_and_print_with_their_source():
    found = rules.check(
        plan(term=120, penalty_rate=D("0.09"), annual_rate=D("0.04")), claim_stub(), "cn-bank"
    )
    sev = [f.severity for f in found]
    assert sev == sorted(sev, key=rules.SEVERITIES.index)
    assert isinstance(found[0], Finding) and "(《" in str(found[0])


def test_rule_set_validates_its_data():
    with pytest.raises(InputError):
        RuleSet(name="")
    with pytest.raises(InputError):
        RuleSet(name="x", rate_cap_lpr_multiple=-4)
    with pytest.raises(InputError):
        RuleSet(name="x", accrual_day_count="ACT/999")


def test_strict_check_raises_rule_violation_listing_the_hard_findings():
    from types import SimpleNamespace

    import pytest

    from repayplan.errors import RuleViolation
    from repayplan.rules import check

    loan = SimpleNamespace(annual_rate=0.18, penalty_rate=0.18, signed="2023-09-01")
    with pytest.raises(RuleViolation, match="cn-private.rate-cap") as exc:
        check(loan, ruleset="cn-private", strict=True)
    assert "cn-private.overdue-rate-cap" in str(exc.value)
    ok = SimpleNamespace(annual_rate=0.10, penalty_rate=0.10, signed="2023-09-01")
    assert all(not f.hard for f in check(ok, ruleset="cn-private", strict=True))
