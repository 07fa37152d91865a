"""Plans: every option, alone and combined, cent-exact and reconciled with the claim."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.errors import InputError

CLAIM = rp.Claim(
    principal=1_000_000,
    overdue_principal=200_000,
    interest=30_000,
    penalty=12_000,
    fees=3_000,
    annual_rate=0.0435,
    as_of=date(2026, 12, 1),
)
SEASONAL_Q4 = [0.8] * 9 + [1.6] * 3


def reconciles(plan, claim=CLAIM):
    s = plan.schedule(claim)
    t = s.table
    waived = s.terms["waived"]
    assert s.total_paid + waived == claim.total + s.total_interest
    assert (t["opening_balance"] - t["principal"] == t["closing_balance"]).all()
    assert (t["payment"] == t["interest"] + t["principal"]).all()
    assert t["closing_balance"].iloc[-1] == 0
    assert t["principal"].sum() == claim.total - waived
    return s


def test_level_plan_is_the_engine_on_what_is_owed():
    plan = rp.Plan(method="level", term=36, annual_rate=0.05)
    s = reconciles(plan)
    direct = rp.amortize(CLAIM.total, 0.05, 36, start=CLAIM.as_of)
    assert s.table["payment"].iloc[1:].tolist() == direct.table["payment"].tolist()
    assert s.table["period"].iloc[0] == 0 and s.table["payment"].iloc[0] == 0
    assert s.table["date"].iloc[1] == direct.table["date"].iloc[0]


def test_waivers_are_exact_shares_of_each_part():
    plan = rp.Plan(term=24, penalty_waiver=0.5, interest_waiver=0.25, haircut=0.1)
    t = plan.terms(CLAIM)
    assert t.waived_parts == {"penalty": 600_000, "interest": 750_000, "principal": 10_000_000}
    s = reconciles(plan)
    assert s.terms["waived"] == Decimal("113500.00")


def test_arrears_paid_at_signing_instead_of_capitalised():
    plan = rp.Plan(term=24, capitalize_arrears=False, down_payment=50_000)
    s = reconciles(plan)
    # signing pays interest 30,000 + penalty 12,000 + fees 3,000 + the down payment
    assert s.table["payment"].iloc[0] == Decimal("95000.00")
    assert s.table["closing_balance"].iloc[0] == Decimal("950000.00")


def test_interest_only_and_deferral_grace():
    s = reconciles(rp.Plan(term=36, grace=6))
    assert s.table["principal"].iloc[1:7].tolist() == [Decimal(0)] * 6
    s = reconciles(rp.Plan(term=36, grace=6, grace_kind="deferral"))
    assert s.table["payment"].iloc[1:7].tolist() == [Decimal(0)] * 6
    assert s.table["closing_balance"].iloc[6] > CLAIM.total


def test_balloon_leaves_the_share_to_the_last_instalment():
    s = reconciles(rp.Plan(term=36, balloon=0.4))
    last = s.table["payment"].iloc[-1]
    regular = s.payment
    # last = regular + about 40% of what was financed (plus its last month of interest)
    assert abs(last - regular - Decimal("0.4") * CLAIM.total) < Decimal("0.005") * CLAIM.total


def test_step_up_payments_grow_each_year():
    s = reconciles(rp.Plan(term=36, step_up=0.10))
    p = s.table["payment"]
    y1, y2 = p.iloc[1], p.iloc[13]
    assert (y2 / y1).quantize(Decimal("0.001")) == Decimal("1.100")


def test_seasonal_payments_follow_the_weights_by_calendar_month():
    s = reconciles(rp.Plan(term=24, seasonal=SEASONAL_Q4))
    t = s.table.iloc[1:-1]
    months = [d.month for d in t["date"]]
    q4 = [p for p, m in zip(t["payment"], months, strict=True) if m >= 10]
    rest = [p for p, m in zip(t["payment"], months, strict=True) if m < 10]
    assert min(q4) > max(rest)
    assert (q4[0] / rest[0]).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("2.00")


def test_settlement_is_one_discounted_payment():
    s = reconciles(rp.Plan(settlement_discount=0.2, settlement_by=3))
    assert len(s.table) == 2
    owed = CLAIM.total
    assert s.table["payment"].iloc[-1] == (owed * Decimal("0.8")).quantize(Decimal("0.01"))
    assert s.table["period"].iloc[-1] == 3
    s = reconciles(rp.Plan(settlement_discount=0.1, settlement_by=date(2027, 2, 15)))
    assert s.table["period"].iloc[-1] == 3  # 1 Dec -> 15 Feb is within 3 months


def test_replace_makes_variants_and_plans_are_immutable():
    p = rp.Plan(term=36)
    q = p.replace(term=48, name="longer")
    assert (p.term, q.term, q.name) == (36, 48, "longer")
    with pytest.raises(AttributeError):
        p.term = 12  # type: ignore[misc]


@st.composite
def plans(draw):
    term = draw(st.integers(2, 120))
    return draw(_plans(term, draw(st.integers(0, min(12, term - 1)))))


def _plans(term, grace):
    return st.builds(
        rp.Plan,
        method=st.sampled_from(["level", "equal_principal", "interest_only"]),
        term=st.just(term),
        annual_rate=st.one_of(st.none(), st.sampled_from([0.0, 0.03, 0.0435, 0.08])),
        grace=st.just(grace),
        grace_kind=st.sampled_from(["interest_only", "deferral"]),
        penalty_waiver=st.sampled_from([0.0, 0.3, 0.5, 1.0]),
        interest_waiver=st.sampled_from([0.0, 0.5]),
        haircut=st.sampled_from([0.0, 0.05, 0.2]),
        capitalize_arrears=st.booleans(),
        down_payment=st.sampled_from([0, 10_000, 123_456.78]),
    )


shaped = st.builds(
    rp.Plan,
    term=st.integers(13, 96),
    grace=st.integers(0, 6),
    balloon=st.sampled_from([0.0, 0.2, 0.5]),
    step_up=st.sampled_from([0.0, 0.05, -0.1]),
    seasonal=st.sampled_from([None, SEASONAL_Q4, [1.5, 1.5] + [0.9] * 10]),
    grace_kind=st.sampled_from(["interest_only", "deferral"]),
)


@settings(max_examples=60, deadline=None)
@given(plan=plans())
def test_every_combination_reconciles_to_the_cent(plan):
    reconciles(plan)


@settings(max_examples=40, deadline=None)
@given(plan=shaped)
def test_shaped_plans_reconcile_to_the_cent(plan):
    reconciles(plan)


def test_many_plans_in_one_batch_equal_one_by_one():
    ps = [
        rp.Plan(term=24),
        rp.Plan(term=48, grace=3, seasonal=SEASONAL_Q4),
        rp.Plan(settlement_discount=0.3),
        rp.Plan(method="equal_principal", term=12, haircut=0.1),
    ]
    together = rp.plans.schedules(ps, CLAIM)
    for p, s in zip(ps, together, strict=True):
        assert s.table["payment"].tolist() == p.schedule(CLAIM).table["payment"].tolist()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"term": -6}, "term"),
        ({"term": 0}, "term"),
        ({"grace": 36}, "grace"),
        ({"penalty_waiver": 1.5}, "penalty_waiver"),
        ({"haircut": -0.1}, "haircut"),
        ({"seasonal": [1] * 11}, "seasonal"),
        ({"seasonal": [2] * 12}, "seasonal"),
        ({"method": "balloon"}, "method"),
        ({"annual_rate": 5.0}, "annual_rate"),
        ({"down_payment": -1}, "down_payment"),
        ({"balloon": 1.0}, "balloon"),
        ({"settlement_discount": 1.0}, "settlement_discount"),
        ({"step_up": 5}, "step_up"),
        ({"method": "equal_principal", "seasonal": SEASONAL_Q4}, "method"),
    ],
)
def test_bad_plan_options_are_named(kwargs, field):
    with pytest.raises(InputError) as exc:
        rp.Plan(**kwargs)
    assert exc.value.field == field


def test_down_payment_above_what_is_owed():
    with pytest.raises(InputError, match="down_payment"):
        rp.Plan(down_payment=2_000_000).schedule(CLAIM)
