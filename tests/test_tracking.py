"""Following up an agreed plan: every figure recomputed by hand in Decimal arithmetic.

The scenarios use one small agreement whose schedule can be read off by eye: a claim of
120,000 yuan at 6 % restructured on 1 December 2026 into 12 equal-principal (等额本金)
instalments: principal 10,000 each, interest on the balance ``B × 6 % / 12`` (600, 550,
500, ... 50), due on the 1st of each month from January 2027.  Sources of the conventions:

* 银发〔2003〕251号 三: overdue principal bears penalty interest at the contract rate
  + 30 % to 50 % (cn-bank default +50 %: 6 % -> 9 %); unpaid interest bears compound
  interest at the penalty rate.
* 银发〔2005〕129号: daily rate = annual rate / 360 (ACT/360).
* Civil Code Art. 561 (and Art. 560 within a class): interest (penalty and compound
  interest included) before principal, the debt due first paid first.
* 银发〔2016〕111号 三(三): a payment within the grace period counts as on time.
* 《商业银行金融资产风险分类办法》(2023) 第二十条: observation from the first repayment date,
  at least 2 repayment periods and 1 year, restarting on non-performance.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repayplan import rules
from repayplan.calendar import add_months
from repayplan.cashflow import CashFlow
from repayplan.claim import Claim
from repayplan.errors import InputError
from repayplan.evaluate import Creditor, Enforcement
from repayplan.negotiate import SearchSpace, negotiate
from repayplan.plans import Plan
from repayplan.tracking import (
    Agreement,
    ConsecutiveMisses,
    CumulativeShortfall,
    DaysPastDue,
    Statement,
)

D = Decimal
CENT = D("0.01")
SIGNED = dt.date(2026, 12, 1)
PEN = D("0.09")  # 6 % + 50 %


def q(x: Decimal) -> Decimal:
    """Round half-up to the cent, as banks do."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def daily(amount, days) -> Decimal:
    """Penalty (or compound) interest at 9 % over ``days`` days, ACT/360."""
    return q(D(amount) * PEN * days / 360)


def claim(**kw) -> Claim:
    args = dict(principal=120_000, annual_rate=0.06, as_of=SIGNED, rules="cn-bank")
    args.update(kw)
    return Claim(**args)


def plan(**kw) -> Plan:
    return Plan(**{"method": "equal_principal", "term": 12, **kw})


def due(k: int) -> dt.date:
    return add_months(SIGNED, k)


def instalment(k: int) -> Decimal:
    """Instalment k of the small agreement: 10,000 + (120,000 − 10,000 (k − 1)) × 0.5 %."""
    return D(10_000) + (D(120_000) - 10_000 * (k - 1)) * D("0.005")


def on_time(n: int) -> list:
    return [(due(k), instalment(k)) for k in range(1, n + 1)]


# ----------------------------------------------------------------------------------------
# the calls of the issue
# ----------------------------------------------------------------------------------------
def test_acceptance_calls():
    ag = Agreement(plan(), claim(), signed=dt.date(2026, 12, 1))
    assert ag.breach == (ConsecutiveMisses(2),)
    pays = on_time(6)
    st_ = ag.status(dt.date(2027, 6, 15), payments=pays)
    assert st_.state in ("performing", "in_arrears", "breached")
    assert {"due_date", "due", "paid", "days_past_due", "state"} <= set(st_.table.columns)
    assert len(st_.table) == 12
    assert all(isinstance(x, Decimal) for x in (st_.paid, st_.arrears, st_.penalty))
    new = ag.claim(dt.date(2027, 6, 15), payments=pays)
    assert isinstance(new, Claim) and new.as_of == dt.date(2027, 6, 15)
    assert ag.original_claim == claim()


# ----------------------------------------------------------------------------------------
# scenarios, hand-computed
# ----------------------------------------------------------------------------------------
def test_always_on_time():
    ag = Agreement(plan(), claim(), signed=SIGNED)
    pays = on_time(6)
    s = ag.status(dt.date(2027, 6, 15), pays)
    # 6 × 10,000 principal + interest 600 + 550 + 500 + 450 + 400 + 350 = 62,850
    assert s.paid == D("62850.00") == s.allocated
    assert (s.arrears, s.penalty, s.credit) == (D(0), D(0), D(0))
    assert s.state == "performing" and s.breach is None
    assert s.balance == D("60000.00")
    assert s.due_to_date == D("62850.00")
    assert s.table["state"].tolist() == ["paid"] * 6 + ["not yet due"] * 6
    assert s.table["days_past_due"].tolist() == [0] * 12
    assert s.table["paid"].tolist()[:6] == [instalment(k) for k in range(1, 7)]
    assert s.table["interest_paid"].tolist()[:3] == [D(600), D(550), D(500)]
    assert s.table["paid_on"].iloc[0] == pd.Timestamp("2027-01-01")
    # the claim then: 60,000 principal and 14 of the 30 days of July's interest
    # (60,000 × 0.5 % = 300 for June 1 -> July 1; 300 × 14 / 30 = 140.00)
    c = ag.claim(dt.date(2027, 6, 15), pays)
    assert (c.principal, c.overdue_principal, c.interest, c.overdue_interest, c.penalty) == (
        D("60000.00"),
        D(0),
        D("140.00"),
        D(0),
        D(0),
    )
    assert c.annual_rate == D("0.06") and c.penalty_rate == PEN
    assert c.contract_date == SIGNED and c.maturity == dt.date(2027, 12, 1)


def test_nothing_due_yet_on_signing_day():
    s = Agreement(plan(), claim()).status(SIGNED)
    assert (s.state, s.paid, s.arrears, s.balance) == ("performing", D(0), D(0), D("120000.00"))
    assert set(s.table["state"]) == {"not yet due"}


def test_late_payment_cured_within_grace():
    ag = Agreement(plan(), claim(), signed=SIGNED, grace_days=5)
    # within grace, not yet paid: due, performing; the penalty waits:
    # 10,000 × 9 % × 2 / 360 = 5.00 and compound 500 × 9 % × 2 / 360 = 0.25
    s = ag.status(dt.date(2027, 3, 3), on_time(2))
    assert s.table["state"].iloc[2] == "due"
    assert s.state == "performing"
    assert s.arrears == D("10500.00") and s.table["days_past_due"].iloc[2] == 2
    assert s.penalty == 0 and s.penalty_in_grace == daily(10_000, 2) + daily(500, 2) == D("5.25")
    # paid on 4 March, day 3 of 5: on time, the waiting penalty is waived
    # (10,000 × 9 % × 3 / 360 = 7.50; 500 × 9 % × 3 / 360 = 0.375 -> 0.38)
    s = ag.status(dt.date(2027, 3, 20), on_time(2) + [(dt.date(2027, 3, 4), D(10_500))])
    assert s.table["state"].iloc[2] == "paid"
    assert s.state == "performing"
    assert (s.arrears, s.penalty, s.penalty_accrued) == (D(0), D(0), D(0))
    assert s.penalty_waived == D("7.50") + D("0.38")
    # paid on the last day of grace (6 March) still counts
    s = ag.status(dt.date(2027, 3, 20), on_time(2) + [(dt.date(2027, 3, 6), D(10_500))])
    assert s.table["state"].iloc[2] == "paid" and s.penalty == 0


def test_payment_after_grace_pays_penalty_from_the_due_date_first():
    ag = Agreement(plan(), claim(), signed=SIGNED, grace_days=5)
    s = ag.status(dt.date(2027, 3, 20), on_time(2) + [(dt.date(2027, 3, 8), D(10_500))])
    # grace over on 6 March: penalty from the due date, 7 days:
    # 10,000 × 9 % × 7 / 360 = 17.50; compound 500 × 9 % × 7 / 360 = 0.875 -> 0.88.
    # Art. 561: penalty, compound and interest before principal, so principal gets
    # 10,500 − 17.50 − 0.88 − 500 = 9,981.62 and 18.38 stays unpaid; on it, 12 more days
    # to 20 March: 18.38 × 9 % × 12 / 360 = 0.05514 -> 0.06.
    row = s.table.iloc[2]
    assert (
        row["penalty_paid"],
        row["compound_paid"],
        row["interest_paid"],
        row["principal_paid"],
    ) == (D("17.50"), D("0.88"), D("500.00"), D("9981.62"))
    assert row["state"] == "partial" and row["outstanding"] == D("18.38")
    assert row["days_past_due"] == 19
    assert s.penalty == daily(D("18.38"), 12) == D("0.06")
    assert s.penalty_accrued == D("17.50") + D("0.88") + D("0.06")
    assert s.state == "in_arrears" and s.arrears == D("18.38")


def test_two_consecutive_misses_breach():
    ag = Agreement(plan(), claim(), signed=SIGNED)
    # one miss: in arrears, not breached.  Penalty on instalment 3 to 15 March, 14 days:
    # 10,000 × 9 % × 14 / 360 = 35.00, compound 500 × 9 % × 14 / 360 = 1.75
    s = ag.status(dt.date(2027, 3, 15), on_time(2))
    assert s.state == "in_arrears" and s.breach is None
    assert s.table["state"].iloc[2] == "missed" and s.table["days_past_due"].iloc[2] == 14
    assert (s.arrears, s.penalty) == (D(10_500), D("36.75"))
    # the second miss on 1 April: breached from 2 April (grace 0: late the day after)
    assert ag.status(dt.date(2027, 4, 1), on_time(2)).state == "in_arrears"
    s = ag.status(dt.date(2027, 4, 15), on_time(2))
    assert s.state == "breached"
    assert s.breach.clause == ConsecutiveMisses(2)
    assert (s.breach.date, s.breach.period) == (dt.date(2027, 4, 2), 4)
    # instalment 3 overdue 45 days (1 March -> 15 April), instalment 4 14 days
    penalty = daily(10_000, 45) + daily(500, 45) + daily(10_000, 14) + daily(450, 14)
    assert penalty == D("112.50") + D("5.63") + D("35.00") + D("1.58")
    assert s.penalty == penalty
    assert s.arrears == D(10_500) + D(10_450)
    assert s.table["days_past_due"].tolist()[2:4] == [45, 14]


def test_a_miss_paid_late_still_counts_toward_the_consecutive_rule():
    ag = Agreement(plan(), claim(), signed=SIGNED)
    # instalment 3 paid on 10 March with its penalty (9 days: 22.50 + 1.125 -> 1.13)
    pays = on_time(2) + [(dt.date(2027, 3, 10), D(10_500) + D("22.50") + D("1.13"))]
    s = ag.status(dt.date(2027, 4, 1), pays)
    assert s.table["state"].iloc[2] == "late" and s.state == "performing"
    assert s.penalty_paid == D("23.63")
    s = ag.status(dt.date(2027, 4, 2), pays)
    assert s.state == "breached" and s.breach.date == dt.date(2027, 4, 2)


def test_partial_payments_are_allocated_by_civil_code_561():
    ag = Agreement(plan(), claim(), signed=SIGNED, breach=DaysPastDue(60))
    s = ag.status(dt.date(2027, 4, 15), on_time(2) + [(dt.date(2027, 4, 10), D(5_000))])
    # On 10 April: instalment 3 is 40 days late (penalty 100.00, compound 5.00), instalment
    # 4 is 9 days late (22.50, compound 450 × 9 % × 9 / 360 = 1.0125 -> 1.01).  The class
    # (penalty, compound, interest) oldest first: 100 + 5 + 500 + 22.50 + 1.01 + 450 =
    # 1,078.51; principal, oldest first: 5,000 − 1,078.51 = 3,921.49 to instalment 3.
    t = s.table
    assert t["penalty_paid"].tolist()[2:4] == [D("100.00"), D("22.50")]
    assert t["compound_paid"].tolist()[2:4] == [D("5.00"), D("1.01")]
    assert t["interest_paid"].tolist()[2:4] == [D(500), D(450)]
    assert t["principal_paid"].tolist()[2:4] == [D("3921.49"), D(0)]
    assert t["state"].tolist()[2:4] == ["partial", "partial"]
    a = s.allocations.iloc[-1]
    assert (a["penalty"], a["compound"], a["interest"], a["principal"]) == (
        D("122.50"),
        D("6.01"),
        D("950.00"),
        D("3921.49"),
    )
    # then 5 days to 15 April on what is left (no unpaid interest, so no compound):
    # 6,078.51 × 9 % × 5 / 360 = 7.598 -> 7.60 and 10,000 × 9 % × 5 / 360 = 12.50
    assert s.penalty == daily(D("6078.51"), 5) + daily(10_000, 5) == D("20.10")
    assert s.arrears == D("6078.51") + D(10_000)
    assert s.state == "in_arrears"  # 45 days past due is within the 60-day clause


def test_overpayment_carried_forward_to_the_next_instalment():
    ag = Agreement(plan(), claim(), signed=SIGNED)
    # 15,000 on 1 January: 10,600 for instalment 1, 4,400 ahead for instalment 2
    # (its interest 550, then 3,850 principal); 6,150 on 1 February completes it.
    pays = [(dt.date(2027, 1, 1), 15_000), (dt.date(2027, 2, 1), 6_150)]
    s = ag.status(dt.date(2027, 2, 15), pays)
    a = s.allocations.iloc[0]
    assert (a["interest"], a["principal"], a["interest_ahead"], a["principal_ahead"]) == (
        D(600),
        D(10_000),
        D(550),
        D(3_850),
    )
    assert s.table["paid_ahead"].iloc[1] == D(4_400)
    assert s.table["state"].tolist()[:2] == ["paid", "paid"]
    assert (s.state, s.arrears, s.paid, s.credit) == ("performing", D(0), D(21_150), D(0))
    # paying two instalments at once: the second is paid on time without a payment in February
    s = ag.status(dt.date(2027, 2, 15), [(dt.date(2027, 1, 1), D(21_150))])
    assert s.state == "performing" and s.table["paid_on"].iloc[1] == pd.Timestamp("2027-01-01")


def test_overpayment_reducing_principal_keeps_the_term():
    ag = Agreement(plan(), claim(), signed=SIGNED, overpayment="principal")
    # 4,400 beyond instalment 1 on 1 January: no interest accrued yet in February's period,
    # so it all prepays principal: 110,000 -> 105,600 = 0.96 of it.  Each remaining
    # principal part 10,000 -> 9,600; interest on the lower balance 105,600 × 0.5 % = 528.
    s = ag.status(dt.date(2027, 1, 15), [(dt.date(2027, 1, 1), 15_000)])
    assert s.balance == D(105_600)
    assert s.table["interest_due"].tolist()[1:3] == [D(528), D(480)]
    assert s.table["outstanding"].tolist()[1:3] == [D(9_600) + D(528), D(9_600) + D(480)]
    s = ag.status(
        dt.date(2027, 2, 15), [(dt.date(2027, 1, 1), 15_000), (dt.date(2027, 2, 1), 10_128)]
    )
    assert s.state == "performing" and s.balance == D(96_000)
    c = ag.claim(
        dt.date(2027, 2, 15), [(dt.date(2027, 1, 1), 15_000), (dt.date(2027, 2, 1), 10_128)]
    )
    assert c.principal == D(96_000)


def test_overpayment_beyond_the_whole_debt_is_held_as_credit():
    ag = Agreement(plan(term=2), claim(principal=1_200))
    # 606 + 603 = 1,209 owed in all; 1,300 paid on 1 January leaves 91 of credit
    s = ag.status(dt.date(2027, 2, 5), [(dt.date(2027, 1, 1), 1_300)])
    assert (s.allocated, s.credit, s.balance, s.state) == (D(1_209), D(91), D(0), "performing")
    assert ag.claim(dt.date(2027, 2, 5), [(dt.date(2027, 1, 1), 1_300)]).credit == D(91)


def test_days_past_due_clause():
    ag = Agreement(plan(), claim(), signed=SIGNED, breach=DaysPastDue(60))
    pays = on_time(1)
    # instalment 2 due 1 February; 60 days later is 2 April; more than 60 days on 3 April
    assert ag.status(dt.date(2027, 4, 2), pays).state == "in_arrears"
    s = ag.status(dt.date(2027, 4, 3), pays)
    assert s.state == "breached" and (s.breach.date, s.breach.period) == (dt.date(2027, 4, 3), 2)


def test_cumulative_shortfall_clause():
    pays = on_time(1) + [(dt.date(2027, 2, 1), 5_000)]
    # after instalment 2: 5,550 unpaid of 10,600 + 10,550 = 21,150 due, 26.2 %
    ag = Agreement(plan(), claim(), breach=CumulativeShortfall(0.25))
    s = ag.status(dt.date(2027, 2, 2), pays)
    assert s.state == "breached" and s.breach.date == dt.date(2027, 2, 2)
    assert "5550.00 unpaid of 21150.00" in s.breach.reason
    # at 30 %: not yet; after instalment 3, 5,550 + 10,500 of 31,650 is 50.7 %
    ag = Agreement(plan(), claim(), breach={"shortfall": 0.3})
    assert ag.status(dt.date(2027, 3, 1), pays).state == "in_arrears"
    s = ag.status(dt.date(2027, 3, 2), pays)
    assert s.state == "breached" and "16050.00 unpaid of 31650.00" in s.breach.reason


def test_a_missed_settlement_is_a_breach_and_revokes_the_discount():
    # settle 120,000 at a 20 % discount within 2 months: 96,000 due on 1 February 2027
    ag = Agreement(Plan(settlement_discount=0.2, settlement_by=2), claim())
    assert ag.instalments()["due"].tolist() == [D(96_000)]
    s = ag.status(dt.date(2027, 2, 1), [(dt.date(2027, 2, 1), 96_000)])
    assert (s.state, s.balance, s.table["state"].iloc[0]) == ("performing", D(0), "paid")
    s = ag.status(dt.date(2027, 2, 2))
    assert s.state == "breached" and s.breach.date == dt.date(2027, 2, 2)
    assert "last instalment" in s.breach.reason
    # one day of penalty: 96,000 × 9 % / 360 = 24.00; the 24,000 discount comes back
    c = ag.claim(dt.date(2027, 2, 2))
    assert (c.principal, c.overdue_principal, c.penalty) == (D(120_000), D(120_000), D(24))
    # without the final-instalment rule, a single instalment can never be two misses
    ag = Agreement(
        Plan(settlement_discount=0.2, settlement_by=2),
        claim(),
        breach=ConsecutiveMisses(2, final=False),
    )
    assert ag.status(dt.date(2027, 6, 1)).state == "in_arrears"


def test_first_clause_to_trigger_wins():
    ag = Agreement(plan(), claim(), breach=[DaysPastDue(10), ConsecutiveMisses(2)])
    s = ag.status(dt.date(2027, 4, 15), on_time(2))
    # instalment 3: more than 10 days past due on 12 March, before the second miss
    assert s.breach.clause == DaysPastDue(10) and s.breach.date == dt.date(2027, 3, 12)


def test_breach_revokes_conditional_waivers_in_the_new_claim():
    base = claim(penalty=12_000)
    p = plan(penalty_waiver=0.5, capitalize_arrears=False)  # 6,000 penalty due at signing
    ag = Agreement(p, base, signed=SIGNED)
    assert ag.instalments()["due"].iloc[0] == D(6_000)
    pays = [(SIGNED, 6_000)] + on_time(2)
    s = ag.status(dt.date(2027, 4, 15), pays)
    assert s.state == "breached" and s.paid == D(27_150)
    c = ag.claim(dt.date(2027, 4, 15), pays)
    # principal 120,000 − 20,000; interest 500 + 450 overdue and instalment 5's 400 accrued
    # over 14 of its 30 days (186.666.. -> 186.67); penalty as in the breach scenario
    # (154.71, compound 5.63 + 1.58) plus the 6,000 waived, revoked
    assert (c.principal, c.overdue_principal) == (D(100_000), D(20_000))
    assert (c.interest, c.overdue_interest) == (D(950) + D("186.67"), D(950))
    assert (c.penalty, c.compound) == (D("154.71") + D(6_000), D("7.21"))
    # unconditional waivers stay waived
    c2 = Agreement(p.replace(waivers_conditional=False), base).claim(dt.date(2027, 4, 15), pays)
    assert c2.penalty == D("154.71")
    # the claim feeds straight back into a new plan, and into the negotiation
    s2 = Plan(method="equal_principal", term=24).schedule(c)
    assert s2.table["principal"].sum() == c.total
    cash = CashFlow.from_series(
        pd.Series(12_000.0, index=pd.period_range("2027-05", periods=60, freq="M"))
    )
    creditor = Creditor(0.06, Enforcement(recovery_rate=0.5, delay_months=18, costs=5_000))
    res = negotiate(
        c, cash, creditor, space=SearchSpace(term=[12, 24], grace=[0]), objective="creditor"
    )
    assert isinstance(res.best, Plan)


def test_signing_later_than_the_claim_counts_due_dates_from_signing():
    ag = Agreement(plan(), claim(), signed=dt.date(2026, 12, 15))
    assert ag.instalments()["due_date"].iloc[:2].tolist() == [
        pd.Timestamp("2027-01-15"),
        pd.Timestamp("2027-02-15"),
    ]


def test_deferral_months_are_not_instalments_and_the_balance_grows():
    ag = Agreement(Plan(method="level", term=6, grace=2, grace_kind="deferral"), claim())
    table = ag.schedule.table
    assert ag.instalments()["period"].tolist() == [3, 4, 5, 6]
    # the balance follows the schedule's closing balance: 120,000 + 600, + 603 capitalised
    assert ag.status(dt.date(2027, 1, 1)).balance == table["closing_balance"].iloc[1] == D(120_600)
    assert ag.status(dt.date(2027, 2, 1)).balance == D(121_203)
    # mid-March period: 606.02 × 14 / 28 days accrued = 303.01
    assert ag.claim(dt.date(2027, 2, 15)).interest == D("303.01")
    pays = [(dt.date(2027, 3, 1), table["payment"].iloc[3])]
    assert ag.status(dt.date(2027, 3, 1), pays).balance == table["closing_balance"].iloc[3]
    with pytest.raises(InputError, match="overpayment"):
        Agreement(
            Plan(method="level", term=6, grace=2, grace_kind="deferral"),
            claim(),
            overpayment="principal",
        )


# ----------------------------------------------------------------------------------------
# restructured-asset observation (cn-bank)
# ----------------------------------------------------------------------------------------
def test_observation_completed_after_a_year_of_timely_payment():
    ag = Agreement(plan(), claim())
    pays = on_time(12)
    o = ag.status(dt.date(2027, 12, 31), pays).observation
    assert (o.first_repayment, o.start, o.end, o.completed) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 1),
        dt.date(2028, 1, 1),
        False,
    )
    o = ag.status(dt.date(2028, 1, 1), pays).observation
    assert o.completed and o.restarts == ()
    assert "第二十条" in o.citation


def test_observation_restarts_on_a_late_instalment():
    ag = Agreement(plan(), claim())
    pays = on_time(12)
    pays[2] = (dt.date(2027, 3, 10), D(10_500) + D("22.50") + D("1.13"))  # late, penalty paid
    s = ag.status(dt.date(2028, 3, 1), pays)
    # late from 2 March 2027: a new year from then
    assert s.observation.restarts == (dt.date(2027, 3, 2),)
    assert s.observation.end == dt.date(2028, 3, 2) and not s.observation.completed
    assert ag.status(dt.date(2028, 3, 2), pays).observation.completed


def test_no_observation_outside_cn_bank():
    ag = Agreement(plan(), claim(rules="generic"))
    assert ag.status(dt.date(2027, 2, 1), on_time(2)).observation is None


# ----------------------------------------------------------------------------------------
# statement
# ----------------------------------------------------------------------------------------
def test_statement_content_and_safe_files(tmp_path):
    ag = Agreement(plan(name='=HYPERLINK("http://x")'), claim(), name="<script>alert(1)</script>")
    stmt = ag.statement(dt.date(2027, 3, 15), on_time(2))
    assert isinstance(stmt, Statement)
    assert stmt.totals["arrears"] == D(10_500) and stmt.totals["state"] == "in_arrears"
    assert list(stmt.to_frame()["state"])[:3] == ["paid", "paid", "missed"]
    assert "<script>" not in stmt._repr_html_()
    page = stmt.write(tmp_path / "s.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page and "<script>" not in page
    path = stmt.write(tmp_path / "s.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][0].startswith("<script>")  # the title is text, not a formula
    assert ["paid", "21150.00"] in rows and ["state", "in_arrears"] in rows
    ag2 = Agreement(plan(name="=1+2"), claim())
    rows = list(csv.reader(ag2.statement(SIGNED).write(tmp_path / "t.csv").open(encoding="utf-8")))
    assert rows[0][0].startswith("'=1+2")
    assert ["arrears", "0.00"] in rows
    with pytest.raises(InputError, match="format"):
        stmt.write(tmp_path / "s.pdf")


# ----------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "payments, field",
    [
        ([(dt.date(2026, 11, 30), 100)], "payments[0].date"),
        ([(dt.date(2027, 5, 1), 100)], "payments[0].date"),  # after as_of
        ([(dt.date(2027, 1, 1), -5)], "payments[0].amount"),
        ([(dt.date(2027, 1, 1), "10.001")], "payments[0].amount"),
        ([(dt.date(2027, 1, 1), 100), (dt.date(2027, 1, 1), "100.00")], "payments[1]"),
        ([(dt.date(2027, 1, 1),)], "payments[0]"),
        ("2027-01-01", "payments"),
    ],
)
def test_bad_payments_are_named(payments, field):
    ag = Agreement(plan(), claim())
    with pytest.raises(InputError) as e:
        ag.status(dt.date(2027, 4, 1), payments)
    assert e.value.field == field


def test_bad_dates_and_clauses():
    ag = Agreement(plan(), claim())
    with pytest.raises(InputError) as e:
        ag.status(dt.date(2026, 11, 30))
    assert e.value.field == "as_of"
    with pytest.raises(InputError) as e:
        ag.claim(dt.date(2026, 11, 30))
    assert e.value.field == "as_of"
    for kw, field in [
        ({"signed": dt.date(2026, 11, 1)}, "signed"),
        ({"grace_days": -1}, "grace_days"),
        ({"overpayment": "later"}, "overpayment"),
        ({"breach": "two misses"}, "breach"),
        ({"breach": {"misses": 2}}, "breach['misses']"),
        ({"breach": [ConsecutiveMisses(2), 3]}, "breach[1]"),
        ({"penalty_rate": 0.10}, "penalty_rate"),
    ]:  # cn-bank: 7.8 % to 9 %
        with pytest.raises(InputError) as e:
            Agreement(plan(), claim(), **kw)
        assert e.value.field == field, kw
    with pytest.raises(InputError):
        ConsecutiveMisses(0)
    with pytest.raises(InputError):
        CumulativeShortfall(1)
    with pytest.raises(InputError):
        Agreement("plan", claim())


def test_payments_as_frame_or_mapping():
    ag = Agreement(plan(), claim())
    frame = pd.DataFrame({"date": [dt.date(2027, 1, 1)], "amount": [10_600]})
    a = ag.status(dt.date(2027, 1, 5), frame)
    b = ag.status(dt.date(2027, 1, 5), {dt.date(2027, 1, 1): "10600.00"})
    assert a.paid == b.paid == D(10_600) and a.state == b.state == "performing"


def test_penalty_rate_and_replace():
    ag = Agreement(plan(annual_rate=0.05), claim())
    assert ag.penalty_rate == D("0.075")  # the plan's 5 % with the claim's +50 %
    ag2 = ag.replace(grace_days=3, penalty_rate=0.065)
    assert (ag2.grace_days, ag2.penalty_rate, ag2.original_claim) == (
        3,
        D("0.065"),
        ag.original_claim,
    )
    assert ag2.replace(name="x").penalty_rate == D("0.065")
    assert "3 grace days" in repr(ag2)


# ----------------------------------------------------------------------------------------
# properties
# ----------------------------------------------------------------------------------------
PLANS = st.builds(
    lambda method, term, rate, down: Plan(
        method=method, term=term, annual_rate=rate, down_payment=down
    ),
    st.sampled_from(["level", "equal_principal", "interest_only"]),
    st.integers(1, 24),
    st.sampled_from([0.0, 0.035, 0.0435, 0.08]),
    st.sampled_from([0, 1_000]),
)
CLAIMS = st.builds(
    lambda principal, interest, penalty, rs: Claim(
        principal=principal,
        interest=interest,
        penalty=penalty,
        annual_rate=0.0435,
        as_of=SIGNED,
        rules=rs,
    ),
    st.integers(5_000, 2_000_000),
    st.sampled_from([0, 3_000]),
    st.sampled_from([0, 1_234.56]),
    st.sampled_from(["cn-bank", "generic"]),
)


@settings(max_examples=25, deadline=None)
@given(PLANS, CLAIMS, st.integers(0, 30), st.integers(0, 800))
def test_paying_every_instalment_on_time_leaves_nothing_in_arrears(p, c, grace, days):
    ag = Agreement(p, c, grace_days=grace)
    as_of = SIGNED + dt.timedelta(days=days)
    inst = ag.instalments()
    paid = inst[inst["due_date"] <= pd.Timestamp(as_of)]
    pays = list(zip(paid["due_date"].dt.date, paid["due"], strict=True))
    s = ag.status(as_of, pays)
    assert (s.arrears, s.penalty, s.credit, s.state) == (D(0), D(0), D(0), "performing")
    assert s.paid == s.allocated == sum(paid["due"], D(0))
    assert set(s.table["state"]) <= {"paid", "not yet due"}
    # the balance is the schedule's closing balance after the last instalment paid
    closing = ag.schedule.table["closing_balance"]
    last = paid["period"].max() if len(paid) else 0
    assert s.balance == closing[ag.schedule.table["period"] == last].iloc[0]


@st.composite
def histories(draw):
    p, c = draw(PLANS), draw(CLAIMS)
    n = draw(st.integers(0, 8))
    days = draw(st.lists(st.integers(0, 720), min_size=n, max_size=n))
    cents = draw(st.lists(st.integers(1, 30_000_000), min_size=n, max_size=n))
    pays = list(
        {(SIGNED + dt.timedelta(days=d), D(x) / 100) for d, x in zip(days, cents, strict=True)}
    )
    as_of = SIGNED + dt.timedelta(days=draw(st.integers(max(days, default=0), 760)))
    return p, c, pays, as_of, draw(st.sampled_from(["next", "principal"])), draw(st.integers(0, 10))


@settings(max_examples=40, deadline=None)
@given(histories())
def test_every_payment_is_allocated_once(h):
    p, c, pays, as_of, over, grace = h
    ag = Agreement(
        p,
        c,
        grace_days=grace,
        overpayment=over,
        breach=[ConsecutiveMisses(2), DaysPastDue(60), CumulativeShortfall(0.2)],
    )
    s = ag.status(as_of, pays)
    total = sum((a for _, a in pays), D(0))
    assert s.paid == total == s.allocated + s.credit
    t = s.table
    on_rows = (
        sum(t["interest_paid"])
        + sum(t["principal_paid"])
        + sum(t["penalty_paid"])
        + sum(t["compound_paid"])
    )
    assert on_rows == s.allocated
    a = s.allocations
    parts = ["penalty", "compound", "interest", "principal", "interest_ahead", "principal_ahead"]
    assert (a[parts].sum(axis=1) + a["credit_out"] == a["amount"] + a["credit_in"]).all()
    assert (t["outstanding"] >= 0).all() and (t["penalty_outstanding"] >= 0).all()
    assert s.arrears >= 0 and s.penalty >= 0 and s.balance >= 0
    # penalty charged is either paid or still owed
    assert s.penalty_accrued == s.penalty_paid + s.penalty
    assert s.penalty_paid == sum(t["penalty_paid"]) + sum(t["compound_paid"])
    # the new claim states the same debt (these plans waive nothing, so nothing is revived)
    new = ag.claim(as_of, pays)
    assert new.penalty == s.penalty and new.credit >= s.credit
    assert new.overdue_principal + new.overdue_interest == s.arrears
    if s.state == "breached":
        assert s.breach.date <= as_of


def test_rules_allocation_is_the_one_used():
    """A rule set paying principal first changes the split (the allocation comes from rules)."""
    rs = rules.generic(
        allocation_order=["costs", "fees", "principal", "interest", "penalty", "compound"],
        default_penalty_markup=0.5,
    )
    ag = Agreement(plan(), claim(rules=rs))
    s = ag.status(dt.date(2027, 3, 15), on_time(2) + [(dt.date(2027, 3, 10), 10_000)])
    row = s.table.iloc[2]
    assert (row["principal_paid"], row["interest_paid"], row["penalty_paid"]) == (
        D(10_000),
        D(0),
        D(0),
    )


def test_signed_after_the_claim_date_applies_the_plan_to_the_claim_then():
    # 19 days pass between the claim date and signing: 1,000,000 x 4.35% x 19/360 of interest
    from datetime import date as _date
    from decimal import Decimal as _D

    import repayplan as _rp

    c = _rp.Claim(
        principal=1_000_000, interest=30_000, annual_rate=0.0435, as_of=_date(2026, 12, 1)
    )
    ag = _rp.Agreement(_rp.Plan(term=12), c, signed=_date(2026, 12, 20))
    grown = (_D("1000000") * _D("0.0435") * 19 / 360).quantize(_D("0.01"))
    assert ag.claim_at_signing.total == c.total + grown
    assert ag.schedule.table["date"].iloc[0].date() == _date(2026, 12, 20)
    assert ag.schedule.table["date"].iloc[1].date() == _date(2027, 1, 20)
    assert ag.schedule.table["principal"].sum() == ag.claim_at_signing.total
    due = ag.status(_date(2027, 1, 25)).table["due_date"].iloc[0]
    assert _date.fromisoformat(str(due)[:10]) == _date(2027, 1, 20)
