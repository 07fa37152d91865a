"""Loan and Claim: what is owed, checked against figures computed by hand.

Every worked example recomputes its figures here in Decimal arithmetic, from the
contract terms and the conventions of the sources:

* 银发〔2003〕251号 三: overdue principal bears interest at the penalty rate (contract rate
  + 30 % to 50 %) from the day it is overdue; unpaid interest bears compound interest at
  the penalty rate.
* 银发〔2005〕129号: daily rate = annual rate / 360 (ACT/360).
* Civil Code Art. 561: costs of realising the claim -> interest -> principal.

The contractual schedule of a level (等额本息) loan is recomputed by :func:`level_rows`
from the annuity formula, independently of the engine.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repayplan import rules
from repayplan.claim import Claim, Loan
from repayplan.errors import InputError

D = Decimal
CENT = D("0.01")


def q(x: Decimal) -> Decimal:
    """Round half-up to the cent, as banks do."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def level_rows(principal, rate, n):
    """(interest, principal) of each month of a level loan, by the annuity formula, 30/360."""
    with localcontext() as ctx:
        ctx.prec = 50
        i = D(rate) / 12
        pay = q(D(principal) * i / (1 - (1 + i) ** -n))
        bal, rows = D(principal), []
        for k in range(n):
            interest = q(bal * i)
            part = bal if k == n - 1 else pay - interest
            rows.append((interest, part))
            bal -= part
    return pay, rows


START = dt.date(2025, 1, 1)
PAID_TO_2026 = [(dt.date(2025 + (m // 12), m % 12 + 1, 1), None) for m in range(1, 13)]


def flagship(**kw):
    """The project's typical case: 1.2 million yuan, 3 years, 4.35 %, penalty +50 %, cn-bank."""
    args = dict(
        principal=1_200_000,
        annual_rate=0.0435,
        periods=36,
        start=START,
        method="level",
        penalty_rate=0.0435 * 1.5,
        rules="cn-bank",
    )
    args.update(kw)
    return Loan(**args)


def first_twelve_paid():
    pay, _ = level_rows(1_200_000, "0.0435", 36)
    return [(d, pay) for d, _ in PAID_TO_2026]


# ----------------------------------------------------------------------------------------
# the calls of the issue
# ----------------------------------------------------------------------------------------
def test_acceptance_calls():
    loan = flagship()
    table = loan.schedule().table
    assert list(table.columns[:7]) == [
        "period",
        "date",
        "opening_balance",
        "payment",
        "interest",
        "principal",
        "closing_balance",
    ]
    claim = loan.claim(dt.date(2026, 3, 20), payments=first_twelve_paid())
    parts = (
        claim.principal,
        claim.overdue_principal,
        claim.interest,
        claim.penalty,
        claim.fees,
        claim.total,
    )
    assert all(isinstance(p, Decimal) and p == p.quantize(CENT) for p in parts)
    assert claim.total == claim.principal + claim.interest + claim.penalty + claim.fees
    stated = Claim(
        principal=1_000_000,
        interest=30_000,
        penalty=12_000,
        fees=0,
        annual_rate=0.0435,
        as_of=dt.date(2026, 12, 1),
    )
    assert stated.total == D("1042000.00")
    assert (stated.annual_rate, stated.as_of, stated.currency) == (
        D("0.0435"),
        dt.date(2026, 12, 1),
        "CNY",
    )


def test_schedule_matches_the_annuity_formula():
    pay, rows = level_rows(1_200_000, "0.0435", 36)
    table = flagship().schedule().table
    assert pay == D("35615.92")
    assert list(table["interest"]) == [r[0] for r in rows]
    assert list(table["principal"]) == [r[1] for r in rows]


# ----------------------------------------------------------------------------------------
# worked examples
# ----------------------------------------------------------------------------------------
def test_two_instalments_overdue_with_penalty_and_compound_interest():
    # Instalments 1-12 paid on their due dates; 13 (due 2026-02-01) and 14 (due 2026-03-01)
    # unpaid.  On 2026-03-20 they are 47 days (28 of February + 19) and 19 days overdue.
    _, rows = level_rows(1_200_000, "0.0435", 36)
    (i13, p13), (i14, p14), (i15, _) = rows[12], rows[13], rows[14]
    rp = D("0.0435") * D("1.5")  # 6.525 %
    pen13 = q(p13 * rp * 47 / 360)
    pen14 = q(p14 * rp * 19 / 360)
    comp13 = q(i13 * rp * 47 / 360)
    comp14 = q(i14 * rp * 19 / 360)
    accrued15 = q(i15 * 19 / 31)  # 2026-03-01 -> 03-20 of the 31 days to 2026-04-01
    remaining = sum(p for _, p in rows[12:])
    # by hand, to the cent: 32,653.43 x 6.525 % x 47 / 360 = 278.17 ...
    assert (pen13, pen14, comp13, comp14, accrued15) == (
        D("278.17"),
        D("112.86"),
        D("25.24"),
        D("9.79"),
        D("1670.36"),
    )

    claim = flagship().claim(dt.date(2026, 3, 20), payments=first_twelve_paid())
    assert claim.principal == remaining == D("817237.45")
    assert claim.overdue_principal == p13 + p14
    assert claim.overdue_interest == i13 + i14
    assert claim.accrued_interest == accrued15
    assert claim.interest == i13 + i14 + accrued15
    assert claim.compound == comp13 + comp14
    assert claim.penalty == pen13 + pen14 + comp13 + comp14
    assert claim.fees == 0
    assert claim.total == remaining + i13 + i14 + accrued15 + pen13 + pen14 + comp13 + comp14

    b = claim.breakdown.set_index("period")
    assert list(b.loc[[12, 13, 14, 15], "status"]) == ["paid", "overdue", "overdue", "current"]
    assert list(b.loc[[13, 14], "days_past_due"]) == [47, 19]
    assert list(b.loc[[13, 14], "penalty_accrued"]) == [pen13, pen14]
    assert list(b.loc[[13, 14], "compound_accrued"]) == [comp13, comp14]
    assert b["outstanding"].sum() == claim.total


def test_partial_payment_is_allocated_by_art_561():
    # Same loan.  A lawyer's letter costs 3,000.00 on 2026-02-05; on 2026-02-10 the borrower
    # pays 20,000.00.  Instalment 13 is then 9 days overdue.  Art. 561: costs, then interest
    # (penalty, compound, contract interest of instalment 13), then its principal.
    _, rows = level_rows(1_200_000, "0.0435", 36)
    (i13, p13), (i14, p14), (i15, _) = rows[12], rows[13], rows[14]
    rp = D("0.06525")
    pen_a = q(p13 * rp * 9 / 360)
    comp_a = q(i13 * rp * 9 / 360)
    to_principal = D(20000) - D(3000) - pen_a - comp_a - i13
    assert (pen_a, comp_a, to_principal) == (D("53.27"), D("4.83"), D("13979.41"))
    p13_left = p13 - to_principal
    pen13_b = q(p13_left * rp * 38 / 360)  # 2026-02-10 -> 03-20
    pen14 = q(p14 * rp * 19 / 360)
    comp14 = q(i14 * rp * 19 / 360)

    claim = flagship().claim(
        dt.date(2026, 3, 20),
        payments=first_twelve_paid() + [(dt.date(2026, 2, 10), 20_000)],
        costs=[(dt.date(2026, 2, 5), 3_000)],
    )
    row = claim.allocations.iloc[-1]
    assert (row["costs"], row["penalty"], row["compound"], row["interest"], row["principal"]) == (
        D("3000.00"),
        pen_a,
        comp_a,
        i13,
        to_principal,
    )
    assert row["amount"] == sum(
        row[c]
        for c in (
            "costs",
            "fees",
            "penalty",
            "compound",
            "interest",
            "principal",
            "interest_ahead",
            "principal_ahead",
            "credit_out",
        )
    )
    assert claim.fees == 0 and claim.enforcement_costs == 0
    assert claim.overdue_principal == p13_left + p14
    assert claim.overdue_interest == i14
    assert claim.penalty == pen13_b + pen14 + comp14
    assert claim.interest == i14 + q(i15 * 19 / 31)
    assert list(claim.charges["paid"]) == [D("3000.00")]


def test_unpaid_costs_come_first_and_stay_in_fees():
    # Only 1,000.00 paid against 3,000.00 of costs: all of it goes to the costs.
    claim = flagship().claim(
        dt.date(2026, 3, 20),
        payments=first_twelve_paid() + [(dt.date(2026, 2, 10), 1_000)],
        costs=[(dt.date(2026, 2, 5), 3_000)],
    )
    assert claim.fees == claim.enforcement_costs == D("2000.00")
    assert claim.allocations.iloc[-1]["costs"] == D("1000.00")
    base = flagship().claim(dt.date(2026, 3, 20), payments=first_twelve_paid())
    assert claim.total == base.total + D(2000)


def test_acceleration_makes_the_whole_loan_due():
    # 120,000 yuan, 12 months at 6 %, 等额本金 (10,000 principal a month), penalty +50 % = 9 %.
    # Instalments 1-2 paid; instalment 3 (due 2025-04-01: 10,000 + interest 100,000 x 0.5 % =
    # 500) unpaid; the bank accelerates on 2025-04-15.  April's interest 90,000 x 0.5 % = 450
    # accrues 14 of 30 days -> 210.00, and falls due with the 90,000 principal on 04-15.
    loan = Loan(
        120_000,
        0.06,
        12,
        dt.date(2025, 1, 1),
        method="equal_principal",
        penalty_markup=0.5,
        rules="cn-bank",
    )
    pays = [(dt.date(2025, 2, 1), 10_600), (dt.date(2025, 3, 1), 10_550)]
    claim = loan.claim(dt.date(2025, 5, 15), payments=pays, accelerate=dt.date(2025, 4, 15))
    r = D("0.09")
    pen3 = q(10_000 * r * 44 / 360)  # 2025-04-01 -> 05-15: 44 days, 110.00
    comp3 = q(500 * r * 44 / 360)  # 5.50
    pen_acc = q(90_000 * r * 30 / 360)  # 675.00
    comp_acc = q(210 * r * 30 / 360)  # 1.575 -> 1.58
    assert claim.principal == claim.overdue_principal == D("100000.00")
    assert claim.interest == claim.overdue_interest == D("710.00")
    assert claim.compound == comp3 + comp_acc == D("7.08")
    assert claim.penalty == pen3 + pen_acc + comp3 + comp_acc == D("792.08")
    assert len(claim.breakdown) == 4
    assert claim.breakdown["due_date"].iloc[-1] == dt.datetime(2025, 4, 15)
    assert claim.accelerated == dt.date(2025, 4, 15)


def test_payment_ahead_of_schedule_reduces_the_instalments_pro_rata():
    # 120,000 at 6 %, 等额本金.  On 2025-01-16 the borrower pays 60,290.32: January's interest
    # accrued over 15 of 31 days (600 x 15 / 31 = 290.32), then 60,000 of principal.  The
    # balance halves, so every instalment halves (5,000 principal a month), and January's
    # interest becomes 290.32 + (600 - 290.32) / 2 = 445.16 -- the same as 120,000 x 0.5 % x
    # 15/31 + 60,000 x 0.5 % x 16/31, interest on the actual balances.
    loan = Loan(120_000, 0.06, 12, dt.date(2025, 1, 1), method="equal_principal", rules="cn-bank")
    accrued = q(D(600) * 15 / 31)
    assert accrued == D("290.32")
    claim = loan.claim(dt.date(2025, 2, 1), payments=[(dt.date(2025, 1, 16), accrued + 60_000)])
    assert claim.allocations.iloc[0]["interest_ahead"] == accrued
    assert claim.allocations.iloc[0]["principal_ahead"] == D("60000.00")
    assert claim.principal == D("60000.00")
    assert claim.overdue_principal == D("5000.00")
    assert claim.overdue_interest == q(D(600) * 15 / 31 + D(300) * 16 / 31) - accrued == D("154.84")
    b = claim.breakdown
    assert list(b["principal_outstanding"])[:3] == [D("5000.00")] * 3
    assert b["interest_due"].iloc[1] == D("275.00")  # February: 55,000 x 0.5 %
    assert claim.accrued_interest == 0 and claim.penalty == 0


def test_fees_of_the_schedule_are_owed_on_their_due_dates():
    loan = Loan(
        12_000, 0.06, 12, START, method="equal_principal", rules="cn-bank", options={"fee": 15}
    )
    # Two due dates passed, nothing paid: fees 2 x 15.00
    claim = loan.claim(dt.date(2025, 3, 1))
    assert claim.fees == D("30.00") and claim.enforcement_costs == 0
    assert list(claim.charges["kind"]) == ["fees", "fees"]
    # Art. 561 ranks agreed fees with the costs: a 20.00 payment pays the first fee and 5.00
    # of the second, nothing of the interest.
    paid = loan.claim(dt.date(2025, 3, 1), payments=[(dt.date(2025, 3, 1), 20)])
    assert paid.fees == D("10.00")
    assert paid.overdue_interest == claim.overdue_interest


def test_an_agreed_order_changes_the_allocation():
    order = ["costs", "fees", "principal", "interest", "penalty", "compound"]
    principal_first = rules.generic(allocation_order=order)
    loan = Loan(12_000, 0.06, 12, START, method="equal_principal", rules=principal_first)
    claim = loan.claim(dt.date(2025, 2, 1), payments=[(dt.date(2025, 2, 1), 1_000)])
    # Instalment 1: principal 1,000, interest 60: all of the payment goes to principal.
    assert claim.overdue_principal == 0 and claim.overdue_interest == D("60.00")


# ----------------------------------------------------------------------------------------
# stated claims and accrual
# ----------------------------------------------------------------------------------------
def test_stated_claim_accrues_contract_penalty_and_compound_interest():
    # 30 days on ACT/360: contract interest on 600,000 not yet due at 4.35 %; penalty on the
    # 400,000 overdue at 6.525 %; compound on 30,000 overdue interest at 6.525 %.
    c = Claim(
        principal=1_000_000,
        overdue_principal=400_000,
        interest=30_000,
        penalty=12_000,
        fees=0,
        annual_rate=0.0435,
        penalty_markup=0.5,
        rules="cn-bank",
        as_of=dt.date(2026, 12, 1),
    )
    d = c.accrue(dt.date(2026, 12, 31))
    assert d.interest - c.interest == q(D(600_000) * D("0.0435") * 30 / 360) == D("2175.00")
    assert d.compound == q(D(30_000) * D("0.06525") * 30 / 360) == D("163.13")
    assert d.penalty - c.penalty == q(D(400_000) * D("0.06525") * 30 / 360) + d.compound
    assert d.penalty - c.penalty == D("2175.00") + D("163.13")
    assert d.as_of == dt.date(2026, 12, 31)
    assert d.overdue_interest == c.overdue_interest


def test_stated_claim_under_generic_rules_has_no_compound_interest():
    c = Claim(
        principal=100,
        overdue_principal=100,
        interest=50,
        annual_rate=0.1,
        as_of=dt.date(2026, 1, 1),
    )
    assert c.accrue(dt.date(2027, 1, 1)).compound == 0


def test_claim_from_a_loan_accrues_by_replaying_its_history():
    loan = flagship()
    c = loan.claim(dt.date(2026, 3, 20), payments=first_twelve_paid())
    later = c.accrue(dt.date(2026, 4, 20))
    direct = loan.claim(dt.date(2026, 4, 20), payments=first_twelve_paid())
    assert later == direct
    assert later.overdue_principal > c.overdue_principal  # instalment 15 fell due


def test_components_add_up_and_report_order():
    c = flagship().claim(
        dt.date(2026, 3, 20), payments=first_twelve_paid(), costs=[(dt.date(2026, 3, 1), 500)]
    )
    comp = c.components()
    assert list(comp) == [
        "principal_not_due",
        "overdue_principal",
        "overdue_interest",
        "accrued_interest",
        "penalty_interest",
        "compound_interest",
        "contract_fees",
        "enforcement_costs",
        "total",
    ]
    assert sum(v for k, v in comp.items() if k != "total") == comp["total"] == c.total
    assert comp["enforcement_costs"] == D("500.00")
    assert "817,237.45" in repr(c)
    assert "<table" in c._repr_html_() and "overdue interest" in c._repr_html_()


def test_replace_makes_variants_and_keeps_the_penalty_markup():
    c = flagship().claim(dt.date(2026, 3, 20), payments=first_twelve_paid())
    waived = c.replace(penalty=0)
    assert waived.total == c.total - c.penalty and waived.compound == 0
    assert waived.breakdown is None and waived.loan is None
    cheaper = c.replace(annual_rate=D("0.03"))
    assert cheaper.penalty_rate == D("0.045")


# ----------------------------------------------------------------------------------------
# rules.check on real loans and claims
# ----------------------------------------------------------------------------------------
def test_check_on_the_flagship_loan_and_an_extension_plan():
    loan = flagship()
    assert rules.check(loan) == []
    claim = loan.claim(dt.date(2026, 3, 20), payments=first_twelve_paid())
    assert (claim.maturity, claim.term_months) == (dt.date(2028, 1, 1), 36)
    found = rules.check(SimpleNamespace(term=40, annual_rate=None, frequency=12), claim)
    assert [f.rule for f in found if f.hard] == ["cn-bank.extension-limit"]


def test_private_loan_above_the_cap_is_a_finding_not_an_error():
    loan = Loan(500_000, 0.18, 12, dt.date(2023, 9, 1), rules="cn-private")
    assert loan.penalty_rate == D("0.18")  # Art. 28: no overdue rate agreed -> contract rate
    found = rules.check(loan)
    assert {f.rule for f in found} == {"cn-private.rate-cap", "cn-private.overdue-rate-cap"}
    assert all(f.limit == D("0.1380") for f in found)
    claim = loan.claim(dt.date(2024, 3, 1))
    assert claim.total > 0  # the claim is computed as contracted; the finding reports the cap


# ----------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"penalty_rate": None, "penalty_markup": 0.6}, "penalty_markup"),
        ({"penalty_rate": 0.0435 * 1.2}, "penalty_rate"),
        ({"penalty_rate": 0.0435 * 1.6}, "penalty_rate"),
        ({"penalty_rate": None, "penalty_markup": -0.1}, "penalty_markup"),
        ({"penalty_rate": 0.06, "penalty_markup": 0.5}, "penalty_rate"),
        ({"rules": "cn-shadow"}, "rules"),
        ({"principal": -5}, "principal"),
        ({"principal": "100.001"}, "principal"),
        ({"annual_rate": 4.35}, "annual_rate"),
        ({"product": "mortgage"}, "product"),
        ({"options": {"grace": 2, "grace_kind": "deferral"}}, "options['grace_kind']"),
        ({"options": {"periods": 2}}, "options['periods']"),
    ],
)
def test_bad_loans_raise_input_errors_naming_the_field(kwargs, field):
    with pytest.raises(InputError) as e:
        flagship(**kwargs)
    assert e.value.field == field
    assert e.value.allowed


def test_penalty_markup_error_says_what_is_allowed():
    with pytest.raises(InputError) as e:
        flagship(penalty_rate=0.0435 * 1.2)
    assert "+30.00% to +50.00%" in e.value.allowed and "251号" in e.value.allowed


def test_float_products_for_the_bounds_are_accepted():
    assert flagship(penalty_rate=0.0435 * 1.3).penalty_markup == pytest.approx(
        D("0.3"), abs=D("1e-9")
    )
    assert flagship(penalty_rate=0.0435 * 1.6, rules="generic").penalty_rate == D(
        repr(0.0435 * 1.6)
    )


@pytest.mark.parametrize(
    ("as_of", "kw", "field"),
    [
        (dt.date(2024, 12, 31), {}, "as_of"),
        (dt.date(2026, 3, 20), {"payments": [(dt.date(2024, 12, 1), 100)]}, "payments[0].date"),
        (
            dt.date(2026, 3, 20),
            {"payments": [(dt.date(2025, 2, 1), 1), (dt.date(2026, 3, 21), 1)]},
            "payments[1].date",
        ),
        (dt.date(2026, 3, 20), {"payments": [(dt.date(2025, 2, 1), -100)]}, "payments[0].amount"),
        (
            dt.date(2026, 3, 20),
            {"payments": [(dt.date(2025, 2, 1), "1.005")]},
            "payments[0].amount",
        ),
        (dt.date(2026, 3, 20), {"payments": [(dt.date(2025, 2, 1),)]}, "payments[0]"),
        (dt.date(2026, 3, 20), {"costs": [(dt.date(2026, 4, 1), 100)]}, "costs[0].date"),
        (dt.date(2026, 3, 20), {"fees": [(dt.date(2026, 1, 1), -1)]}, "fees[0].amount"),
        (dt.date(2026, 3, 20), {"accelerate": dt.date(2026, 3, 21)}, "accelerate"),
        ("2026-02-30", {}, "as_of"),
    ],
)
def test_bad_claim_input_raises_naming_field_value_and_allowed(as_of, kw, field):
    with pytest.raises(InputError) as e:
        flagship().claim(as_of, **kw)
    assert e.value.field == field
    assert "must be" in str(e.value)


def test_bad_stated_claims():
    ok = dict(principal=100, annual_rate=0.05, as_of=dt.date(2026, 1, 1))
    with pytest.raises(InputError) as e:
        Claim(**ok, overdue_principal=101)
    assert e.value.field == "overdue_principal"
    with pytest.raises(InputError) as e:
        Claim(**ok, interest=-1)
    assert e.value.field == "interest"
    with pytest.raises(InputError) as e:
        Claim(**ok, penalty=5, compound=6)
    assert e.value.field == "compound"
    with pytest.raises(InputError) as e:
        Claim(**ok, rules="cn-bank", penalty_rate=0.09)  # +80 %
    assert e.value.field == "penalty_rate"
    with pytest.raises(InputError) as e:
        Claim(**ok).accrue(dt.date(2025, 12, 31))
    assert e.value.field == "to_date"


def test_payments_may_be_given_as_a_dataframe_or_mapping():
    import pandas as pd

    pays = first_twelve_paid()
    frame = pd.DataFrame({"date": [d for d, _ in pays], "amount": [a for _, a in pays]})
    a = flagship().claim(dt.date(2026, 3, 20), payments=frame)
    b = flagship().claim(dt.date(2026, 3, 20), payments=dict(pays))
    c = flagship().claim(dt.date(2026, 3, 20), payments=pays)
    assert a == b == c


# ----------------------------------------------------------------------------------------
# properties
# ----------------------------------------------------------------------------------------
@st.composite
def loans_and_payments(draw):
    periods = draw(st.integers(1, 18))
    loan = Loan(
        principal=D(draw(st.integers(100_00, 2_000_000_00))) / 100,
        annual_rate=D(draw(st.integers(0, 2400))) / 10000,
        periods=periods,
        start=draw(st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31))),
        method=draw(st.sampled_from(["level", "equal_principal", "interest_only"])),
        penalty_markup=draw(st.sampled_from([D("0.3"), D("0.4"), D("0.5")])),
        rules=draw(st.sampled_from(["cn-bank", "cn-private", "generic"])),
    )
    span = periods * 31 + 120
    as_of = loan.start + dt.timedelta(days=draw(st.integers(0, span)))
    days = (as_of - loan.start).days
    scale = int(loan.schedule().payment * 100) + 1
    pays = draw(st.lists(st.tuples(st.integers(0, days), st.integers(0, 2 * scale)), max_size=8))
    payments = [(loan.start + dt.timedelta(days=d), D(c) / 100) for d, c in pays]
    costs = draw(st.lists(st.tuples(st.integers(0, days), st.integers(0, 500_00)), max_size=2))
    costs = [(loan.start + dt.timedelta(days=d), D(c) / 100) for d, c in costs]
    accelerate = draw(st.one_of(st.none(), st.integers(0, days)))
    accelerate = None if accelerate is None else loan.start + dt.timedelta(days=accelerate)
    return loan, as_of, payments, costs, accelerate


PAID_COLUMNS = (
    "costs",
    "fees",
    "penalty",
    "compound",
    "interest",
    "principal",
    "interest_ahead",
    "principal_ahead",
)


@settings(max_examples=40, deadline=None)
@given(case=loans_and_payments())
def test_payments_are_conserved_and_the_claim_explains_itself(case):
    loan, as_of, payments, costs, accelerate = case
    c = loan.claim(as_of, payments, costs=costs, accelerate=accelerate)
    applied = sum((c.allocations[col].sum() for col in PAID_COLUMNS), D(0))
    assert sum((a for _, a in payments), D(0)) == applied + c.credit  # what is paid is allocated
    assert (
        loan.principal
        == c.principal + c.allocations["principal"].sum() + c.allocations["principal_ahead"].sum()
    )
    assert c.breakdown["outstanding"].sum() + c.charges["outstanding"].sum() == c.total
    assert sum(v for k, v in c.components().items() if k != "total") == c.total
    assert min(c.principal, c.interest, c.penalty, c.fees, c.credit) >= 0
    assert c.credit == 0 or c.total == 0


@settings(max_examples=40, deadline=None)
@given(case=loans_and_payments(), extra=st.integers(0, 400))
def test_claims_accrue_monotonically(case, extra):
    loan, as_of, payments, costs, accelerate = case
    c1 = loan.claim(as_of, payments, costs=costs, accelerate=accelerate)
    c2 = c1.accrue(as_of + dt.timedelta(days=extra))
    assert c2.total >= c1.total
    assert c2.penalty >= c1.penalty and c2.compound >= c1.compound
    assert c2.overdue_principal >= c1.overdue_principal
    assert c2.principal == c1.principal
    stated = c1.replace(fees=c1.fees)  # the same figures without the history
    s2 = stated.accrue(as_of + dt.timedelta(days=extra))
    assert s2.total >= stated.total and s2.penalty >= stated.penalty


@settings(max_examples=40, deadline=None)
@given(case=loans_and_payments(), over=st.integers(0, 10_000))
def test_a_claim_paid_in_full_is_zero(case, over):
    loan, as_of, payments, costs, accelerate = case
    c = loan.claim(as_of, payments, costs=costs, accelerate=accelerate)
    extra = D(over) / 100
    settled = loan.claim(
        as_of, payments + [(as_of, c.total + extra)], costs=costs, accelerate=accelerate
    )
    assert settled.total == 0
    assert settled.credit == c.credit + extra
    assert set(settled.breakdown["status"]) <= {"paid", "current", "future"}
