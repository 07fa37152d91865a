"""Case files: the sample case, exact round trips in TOML and JSON, and every problem reported."""

from __future__ import annotations

import datetime as _dt
import json
import os
import pickle
import tomllib
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.case import Case, CaseError, Party, Projection, Settings, sample_text
from repayplan.errors import InputError
from repayplan.evaluate import Borrower
from repayplan.negotiate import Constraints

SAMPLE = Case.sample()


def small_case(**changes) -> Case:
    base = dict(
        borrower=Party("Acme Ltd", other_name="艾克米有限公司"),
        creditor=rp.Creditor(0.06, rp.Enforcement(0.5, 12, Decimal("1000.00")), name="First Bank"),
        claim=rp.Claim(
            principal=100_000,
            overdue_principal=20_000,
            interest=1_500,
            penalty=250.75,
            compound=10.5,
            annual_rate=0.06,
            as_of=date(2026, 6, 30),
        ),
        cashflow=Projection(base=9_000, months=24, start="2026-07", seed=3),
        plans=[rp.Plan(term=12, name="twelve"), rp.Plan(term=24, grace=3, name="grace")],
    )
    base.update(changes)
    return Case(**base)


# ----------------------------------------------------------------------------------------
# the sample case
# ----------------------------------------------------------------------------------------
def test_sample_case_is_the_manufacturer_of_the_readme():
    c = SAMPLE
    assert c.borrower.name == "华东精密机械有限公司"
    assert c.borrower.other_name == "Huadong Precision Machinery Co., Ltd."
    assert "Branch" in c.creditor_party.other_name and c.creditor.name == c.creditor_party.name
    assert c.rules == "cn-bank" and c.claim.rules.name == "cn-bank"
    assert list(c.plans) == ["Bank proposal", "Borrower proposal", "Seasonal 48", "Settlement"]
    assert c.claim.loan is not None and c.claim.loan.principal == Decimal("1200000.00")
    assert c.creditor.discount_rate == 0.06
    # the alternative is built from the factory, the CNC line and the owner's guarantee ([security])
    assert [x.kind for x in c.security.collateral] == ["real_estate", "equipment"]
    assert [g.kind for g in c.security.guarantees] == ["joint"]
    assert c.creditor.enforcement.path is not None and c.creditor.enforcement.path.seed == 17
    p = c.projection
    assert (
        p.trend == Decimal("-0.05")
        and p.volatility > 0
        and p.shocks[0].label == "loss of main customer"
    )
    weights = np.array([float(w) for w in p.seasonality])
    assert weights[9:].min() > weights[:9].max()  # the fourth quarter is the strongest
    assert p.buffer > 0 and p.minimum_cash > 0
    assert 1_100_000 < c.claim.total < 1_300_000  # about 1.2 million overdue


def test_sample_claim_has_closed_forms():
    """Penalty on the principal since maturity and compound interest on untouched instalments.

    Principal 1,200,000 due 2026-03-20, unpaid; penalty rate 4.35% x 1.5 = 6.525%, ACT/360,
    102 days to 2026-06-30 (11 + 30 + 31 + 30): 1,200,000 x 0.06525 x 102 / 360 = 22,185.00.
    Instalments 9-12 (4,350.00 of interest each, nothing paid) bear compound interest for
    192, 161, 130 and 102 days: 4,350 x 0.06525 / 360 = 0.7884375 a day.
    """
    c = SAMPLE.claim
    assert c.penalty_rate == Decimal("0.06525")
    assert c.overdue_principal == c.principal == Decimal("1200000.00")
    assert c.penalty - c.compound == Decimal("22185.00")
    b = c.breakdown.set_index("period")
    per_day = Decimal("4350") * Decimal("0.06525") / 360
    for period, days in ((9, 192), (10, 161), (11, 130), (12, 102)):
        expected = (per_day * days).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        assert b.loc[period, "compound_accrued"] == expected
    # conservation: every yuan paid went to interest or compound interest (nothing else was due)
    paid = sum(Decimal(str(a)) for a in (4350,) * 7) + Decimal("2000")
    compound_paid = c.allocations["compound"].sum() + c.allocations["penalty"].sum()
    assert c.allocations["amount"].sum() == paid
    assert c.interest == 12 * Decimal("4350.00") - (paid - compound_paid)


def test_sample_cash_flow_is_the_projection_it_states():
    cf = rp.CashFlow.project(
        60_000,
        120,
        trend=-0.05,
        seasonality=[0.75, 0.55, 0.85, 0.9, 0.95, 0.95, 0.9, 0.9, 1.0, 1.2, 1.4, 1.65],
        volatility=0.25,
        scenarios=500,
        seed=2026,
        start="2026-07",
        buffer=180_000,
        minimum_cash=60_000,
        shocks=[rp.Shock(0.25, 0.35, end=35, label="loss of main customer")],
    )
    assert SAMPLE.cashflow == cf
    assert SAMPLE.cashflow.start == pd.Period("2026-07", freq="M")  # the month after the claim


def test_sample_plans_schedule_and_compare_on_the_case():
    c = SAMPLE
    s = c.schedule("Seasonal 48")
    direct = c.plans["Seasonal 48"].schedule(c.claim)
    assert s.table.equals(direct.table)
    assert s.table["principal"].sum() + s.terms["waived"] == c.claim.total
    cmp = c.compare(["Bank proposal", "Settlement"])
    assert list(cmp.table.columns) == ["Bank proposal", "Settlement"]
    assert cmp.table.loc["term", "Settlement"] == 6


def test_sample_round_trips_through_toml_and_json_files(tmp_path):
    for suffix in (".toml", ".json"):
        path = tmp_path / f"case{suffix}"
        SAMPLE.save(path)
        assert Case.load(path) == SAMPLE
    assert sorted(os.listdir(tmp_path)) == ["case.json", "case.toml"]  # no temporary files left


def test_the_shipped_file_is_plain_toml_with_exact_amounts():
    plain = tomllib.loads(sample_text())  # any TOML reader can read it
    assert plain["borrower"]["name"] == "华东精密机械有限公司"
    exact = tomllib.loads(sample_text(), parse_float=Decimal)
    assert exact["loan"]["principal"] == Decimal("1200000.00")
    assert [p["name"] for p in plain["plans"]] == list(SAMPLE.plans)


def test_money_is_written_digit_for_digit():
    case = small_case(
        claim=rp.Claim(
            principal="1234567.89", interest="0.01", annual_rate="0.0435", as_of=date(2026, 6, 30)
        )
    )
    text = case.dumps("toml")
    assert "principal = 1234567.89\n" in text and "annual_rate = 0.0435\n" in text
    assert tomllib.loads(text, parse_float=Decimal)["claim"]["principal"] == Decimal("1234567.89")
    doc = json.loads(case.dumps("json"))
    assert doc["claim"]["principal"] == "1234567.89"  # JSON: Decimals as strings
    assert Case.loads(case.dumps("json"), "json").claim.principal == Decimal("1234567.89")


def test_amounts_may_be_given_as_strings_or_numbers():
    text = small_case().dumps("toml").replace("principal = 100000.00", 'principal = "100000.00"')
    assert Case.loads(text).claim.principal == Decimal("100000.00")


def test_data_cash_flow_is_saved_month_by_month():
    idx = pd.period_range("2026-07", periods=3, freq="M")
    cf = rp.CashFlow.from_series(
        pd.Series([1000.5, -20.25, 0.1], index=idx), buffer=50, minimum_cash=5
    )
    case = small_case(cashflow=cf)
    text = case.dumps("toml")
    # tomli-w writes no comments (the month of each value was a comment before): the start and
    # the values in order say the same
    saved = tomllib.loads(text, parse_float=Decimal)["cashflow"]
    assert saved["start"] == "2026-07"
    assert saved["values"] == [Decimal("1000.5"), Decimal("-20.25"), Decimal("0.1")]
    again = Case.loads(text)
    assert again.projection is None and again.cashflow == cf and again == case


def test_negotiation_settings_lift_a_constraint_with_none():
    case = small_case(
        negotiation=Settings(
            objective="creditor", seed=4, constraints=Constraints(min_dscr=None, max_term=60)
        )
    )
    text = case.dumps("toml")
    assert 'min_dscr = "none"' in text
    again = Case.loads(text)
    assert again.negotiation.constraints.min_dscr is None and again == case


# ----------------------------------------------------------------------------------------
# round trips of generated cases
# ----------------------------------------------------------------------------------------
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
NAME = TEXT.filter(lambda s: bool(s.strip()))
DAYS = st.dates(date(2005, 1, 1), date(2045, 12, 31))


def money(lo=0, hi=10**11):
    return st.integers(lo, hi).map(lambda c: Decimal(c).scaleb(-2))


def frac(places=2, hi="1"):
    return st.decimals(0, hi, places=places)


@st.composite
def penalties(draw, rules: str, rate: Decimal) -> dict:
    low, high = rp.rules.get(rules).penalty_markup_range or (Decimal(0), Decimal(2))
    markup = draw(st.decimals(low, high, places=2))
    if draw(st.booleans()) or rate == 0:
        return {"penalty_markup": markup}
    return {"penalty_rate": rate * (1 + markup)}


@st.composite
def stated_claims(draw) -> rp.Claim:
    c = lambda lo, hi: draw(st.integers(lo, hi))  # noqa: E731
    p, i, pen, fees = c(1, 10**11), c(0, 10**9), c(0, 10**9), c(0, 10**8)
    rules = draw(st.sampled_from(["generic", "cn-bank", "cn-private"]))
    rate = draw(st.decimals("0", "0.24", places=4))
    kw = dict(
        principal=Decimal(p).scaleb(-2),
        overdue_principal=Decimal(c(0, p)).scaleb(-2),
        interest=Decimal(i).scaleb(-2),
        overdue_interest=Decimal(c(0, i)).scaleb(-2),
        penalty=Decimal(pen).scaleb(-2),
        compound=Decimal(c(0, pen)).scaleb(-2),
        fees=Decimal(fees).scaleb(-2),
        enforcement_costs=Decimal(c(0, fees)).scaleb(-2),
        annual_rate=rate,
        as_of=draw(DAYS),
        rules=rules,
        **draw(penalties(rules, rate)),
    )
    for k in ("contract_date", "maturity", "accelerated"):
        if draw(st.booleans()):
            kw[k] = draw(DAYS)
    if draw(st.booleans()):
        kw["term_months"] = c(1, 360)
        kw["credit"] = draw(money(0, 10**6))
        kw["product"] = draw(st.sampled_from(["loan", "credit_card"]))
        kw["accrual_day_count"] = draw(st.sampled_from(["ACT/360", "ACT/365F"]))
    return rp.Claim(**kw)


@st.composite
def loan_claims(draw) -> rp.Claim:
    rules = draw(st.sampled_from(["generic", "cn-bank"]))
    rate = draw(st.decimals("0.01", "0.2", places=4))
    periods = draw(st.integers(1, 18))
    start = draw(st.dates(date(2015, 1, 1), date(2030, 12, 31)))
    loan = rp.Loan(
        principal=draw(money(100_00, 10**8)),
        annual_rate=rate,
        periods=periods,
        start=start,
        method=draw(st.sampled_from(["level", "equal_principal", "interest_only"])),
        rules=rules,
        **draw(penalties(rules, rate)),
    )
    as_of = start + _dt.timedelta(days=draw(st.integers(0, 31 * periods + 200)))
    span = (as_of - start).days
    pays = sorted(
        (start + _dt.timedelta(days=draw(st.integers(0, span))), draw(money(0, 10**6)))
        for _ in range(draw(st.integers(0, 4)))
    )
    costs = [(as_of, draw(money(1, 10**5)))] if draw(st.booleans()) else []
    acc = start + _dt.timedelta(days=draw(st.integers(0, span))) if draw(st.booleans()) else None
    return loan.claim(as_of, pays, costs=costs, accelerate=acc)


@st.composite
def shocks(draw, months: int) -> rp.Shock:
    start = draw(st.integers(0, months - 1))
    end = draw(st.none() | st.integers(start, months - 1))
    return rp.Shock(
        float(draw(frac())),
        float(draw(frac())),
        start=start,
        end=end,
        duration=draw(st.none() | st.integers(1, 12)),
        per=draw(st.sampled_from(["horizon", "month"])),
        label=draw(TEXT),
    )


@st.composite
def projections(draw) -> Projection:
    months = draw(st.integers(1, 30))
    seasonality = None
    if draw(st.booleans()):
        k = draw(st.lists(st.integers(1, 20), min_size=12, max_size=12))
        seasonality = [Decimal(x) * 12 / Decimal(sum(k)) for x in k]
    return Projection(
        base=draw(money(1, 10**9)),
        months=months,
        trend=draw(st.decimals("-0.5", "0.5", places=3)),
        seasonality=seasonality,
        volatility=draw(frac(hi="0.5")),
        scenarios=draw(st.integers(1, 4)),
        shocks=draw(st.lists(shocks(months), max_size=2)),
        seed=draw(st.integers(0, 2**40)),
        start=draw(st.none() | st.sampled_from(["2026-07", "2031-01"])),
        buffer=draw(money(0, 10**8)),
        minimum_cash=draw(money(0, 10**7)),
        persistence=draw(st.sampled_from([Decimal(0), Decimal("-0.3")])),
    )


@st.composite
def data_cashflows(draw) -> rp.CashFlow:
    months, n = draw(st.integers(1, 24)), draw(st.integers(1, 3))
    values = draw(
        st.lists(
            st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=months, max_size=months),
            min_size=n,
            max_size=n,
        )
    )
    return rp.CashFlow(
        values,
        start=draw(st.sampled_from(["2026-07", "1999-12"])),
        buffer=draw(money(0, 10**8)),
        minimum_cash=draw(money(0, 10**7)),
    )


@st.composite
def plans(draw, name: str) -> rp.Plan:
    method = draw(st.sampled_from(["level", "equal_principal", "interest_only"]))
    term = draw(st.integers(1, 120))
    kw = dict(
        name=name,
        method=method,
        term=term,
        grace=draw(st.integers(0, term - 1)),
        annual_rate=draw(st.none() | st.decimals("0", "0.2", places=4)),
        grace_kind=draw(st.sampled_from(["interest_only", "deferral"])),
        penalty_waiver=draw(frac()),
        interest_waiver=draw(frac()),
        haircut=draw(frac()),
        capitalize_arrears=draw(st.booleans()),
        down_payment=draw(st.integers(0, 10**6) | money(0, 10**6)),
        waivers_conditional=draw(st.booleans()),
        kind=draw(st.sampled_from(["extension", "restructuring", "refinancing"])),
    )
    if method == "level":
        kw["balloon"] = draw(frac(hi="0.9"))
        kw["step_up"] = draw(st.decimals("-0.5", "1", places=2))
        if draw(st.booleans()):
            kw["seasonal"] = [0.5] * 6 + [1.5] * 6
    if draw(st.booleans()):
        kw["settlement_discount"] = draw(frac(hi="0.9"))
        kw["settlement_by"] = draw(st.integers(0, 24) | DAYS)
    return rp.Plan(**kw)


@st.composite
def cases(draw) -> Case:
    claim = draw(stated_claims() | loan_claims())
    names = draw(st.lists(NAME, max_size=3, unique=True))
    meeting = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "text": TEXT,
                    "amount": money(0, 10**6).map(str),
                    "count": st.integers(-5, 5),
                    "agreed": st.booleans(),
                },
                optional={"date": DAYS, "who": st.lists(TEXT, max_size=2)},
            ),
            max_size=2,
        )
    )
    side = draw(
        st.none()
        | st.builds(
            Borrower, discount_rate=frac(hi="0.3"), going_concern_loss=st.none() | money(0, 10**8)
        )
    )
    constraints = draw(
        st.none()
        | st.builds(
            Constraints,
            min_dscr=st.none() | frac(hi="3"),
            max_default_probability=st.none() | frac(),
            max_term=st.none() | st.integers(1, 240),
            min_margin=st.decimals("-1000", "1000", places=2),
            hard_rules=st.booleans(),
            max_burden=st.none() | frac(hi="2"),
        )
    )
    return Case(
        borrower=Party(
            draw(NAME),
            other_name=draw(TEXT),
            registration=draw(TEXT),
            address=draw(TEXT),
            representative=draw(TEXT),
        ),
        creditor=rp.Creditor(
            draw(frac(4, "0.3")),
            rp.Enforcement(draw(frac()), draw(st.integers(0, 60)), draw(money(0, 10**7))),
        ),
        creditor_party=Party(draw(NAME), address=draw(TEXT)),
        claim=claim,
        cashflow=draw(projections() | data_cashflows()),
        plans=[draw(plans(n)) for n in names],
        borrower_side=side,
        negotiation=Settings(
            objective=draw(st.sampled_from(["nash", "creditor", "borrower", "waterfall"])),
            beta=draw(frac()),
            seed=draw(st.none() | st.integers(0, 10**6)),
            constraints=constraints,
        ),
        rules=draw(st.none() | st.sampled_from(["generic", "cn-bank", "cn-private"])),
        title=draw(TEXT),
        notes=draw(TEXT | st.text(max_size=200)),
        meeting=meeting,
    )


ROUND_TRIP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(cases())
def test_save_then_load_gives_an_equal_case_in_toml(case):
    text = case.dumps("toml")
    again = Case.loads(text, "toml")
    assert again == case
    assert again.dumps("toml") == text  # and writes the same file again


@ROUND_TRIP
@given(cases())
def test_save_then_load_gives_an_equal_case_in_json(case):
    text = case.dumps("json")
    again = Case.loads(text, "json")
    assert again == case
    assert again.dumps("json") == text


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1))
def test_any_name_survives_the_toml_writer(name):
    case = small_case(borrower=Party(name) if name.strip() else Party("x", address=name))
    assert Case.loads(case.dumps()) == case


def test_equality_sees_every_part():
    case = small_case()
    assert case == small_case()
    for change in (
        dict(title="t"),
        dict(notes="n"),
        dict(rules="cn-private"),
        dict(borrower=Party("Other")),
        dict(meeting=[{"text": "hello"}]),
        dict(plans=[rp.Plan(term=12, name="twelve")]),
        dict(cashflow=Projection(base=9_000, months=24, start="2026-07", seed=4)),
        dict(negotiation=Settings(seed=1)),
        dict(borrower_side=Borrower(0.2)),
    ):
        assert case.replace(**change) != case, change


def test_a_loan_history_is_part_of_the_case():
    loan = rp.Loan(120_000, 0.06, 12, date(2025, 1, 1), method="equal_principal")
    with_history = small_case(claim=loan.claim(date(2025, 6, 1), [(date(2025, 2, 1), 10_600)]))
    stated = with_history.replace(claim=with_history.claim.replace())  # same figures, no loan
    assert with_history.claim == stated.claim and with_history != stated
    doc = tomllib.loads(with_history.dumps())
    assert doc["loan"]["payments"] == [{"date": date(2025, 2, 1), "amount": 10600.0}]
    assert doc["claim"] == {"as_of": date(2025, 6, 1)}


def test_loan_options_and_history_round_trip_in_both_formats():
    loan = rp.Loan(
        120_000,
        0.06,
        12,
        date(2025, 1, 1),
        options={
            "grace": 3,
            "fee": Decimal("10.00"),
            "rate_changes": {6: 0.05},
            "business_day": "following",
            "holidays": [date(2025, 5, 1)],
        },
    )
    claim = loan.claim(
        date(2025, 9, 1),
        [(date(2025, 2, 1), 600)],
        fees=[(date(2025, 3, 1), 50)],
        costs=[(date(2025, 8, 1), "1234.56")],
    )
    case = small_case(claim=claim)
    for fmt in ("toml", "json"):
        again = Case.loads(case.dumps(fmt), fmt)
        assert again == case and again.claim.loan.options["rate_changes"] == {6: Decimal("0.05")}
    options = tomllib.loads(case.dumps(), parse_float=Decimal)["loan"]["options"]
    assert options["grace"] == 3 and options["fee"] == Decimal("10.00")
    assert options["rate_changes"] == {"6": Decimal("0.05")}


def test_what_a_case_file_cannot_hold_is_refused_on_save():
    custom = rp.Loan(1_000, 0.06, 3, date(2025, 1, 1), method=[400, 300, None])
    with pytest.raises(InputError, match=r"loan.method == None, must be numbers only"):
        small_case(claim=custom.claim(date(2025, 3, 1))).dumps()


# ----------------------------------------------------------------------------------------
# problems: every one, with its location
# ----------------------------------------------------------------------------------------
def sample_doc() -> dict:
    return tomllib.loads(sample_text(), parse_float=Decimal)


def problems_of(doc) -> dict[str, str]:
    with pytest.raises(CaseError) as info:
        Case.from_dict(doc, source="case.toml")
    return dict(info.value.problems)


def test_every_problem_is_reported_with_its_location():
    doc = sample_doc()
    doc["plans"][2]["term"] = -6
    doc["plans"][1]["grace"] = "six"
    doc["plans"][3]["colour"] = "red"
    doc["creditor"]["discount_rate"] = Decimal("6")
    doc["loan"]["payments"][1]["amount"] = Decimal("-5")
    doc["cashflow"]["seasonality"] = [1] * 11
    del doc["borrower"]["name"]
    found = problems_of(doc)
    assert found["plans[2].term"] == "-6 is not a whole number from 1 to 1200"
    assert found["plans[1].grace"].startswith('"six" is not a whole number')
    assert found["plans[3].colour"].startswith("is not a key of [plans]; allowed: method, term, ")
    assert found["creditor.discount_rate"].startswith("6 is not a rate >= 0 and <= 1")
    assert "6% is 0.06" in found["creditor.discount_rate"]  # the hint
    assert found["loan.payments[1].amount"] == "-5 is not a finite amount >= 0"
    assert "12 weights" in found["cashflow.seasonality"]
    assert found["borrower.name"] == "is missing (required)"
    assert len(found) == 7


def test_the_error_message_names_the_file_and_each_location():
    doc = sample_doc()
    doc["plans"][2]["term"] = -6
    doc["cashflow"]["months"] = 0
    with pytest.raises(CaseError) as info:
        Case.from_dict(doc, source="case.toml")
    e = info.value
    assert e.lines() == [
        "case.toml: cashflow.months: 0 is not a whole number from 1 to 1200",
        "case.toml: plans[2].term: -6 is not a whole number from 1 to 1200",
    ]
    assert str(e) == "\n".join(e.lines())
    assert isinstance(e, InputError) and isinstance(e, ValueError)
    assert pickle.loads(pickle.dumps(e)).lines() == e.lines()


def test_cross_field_problems_are_found_once_the_fields_are_valid():
    doc = sample_doc()
    doc["plans"][0].update(term=12, grace=12)
    doc["plans"][1]["name"] = "Bank proposal"
    doc["cashflow"]["shocks"][0].update(start=200, end=210)
    found = problems_of(doc)
    assert found["plans[0].grace"] == "12 is not fewer months than the term (12)"
    assert found["plans[1].name"].endswith("is the name of an earlier plan; plan names must differ")
    assert found["cashflow.shocks[0].start"].startswith("200 is not a month of the projection")


def test_penalty_outside_the_rule_set_names_the_loan():
    doc = sample_doc()
    doc["loan"]["penalty_markup"] = Decimal("0.8")
    found = problems_of(doc)
    assert found["loan.penalty_markup"].startswith("0.8 is not a markup from +30.00% to +50.00%")


def test_a_payment_after_the_claim_date_names_the_payment():
    doc = sample_doc()
    doc["loan"]["payments"][7]["date"] = date(2026, 7, 1)
    found = problems_of(doc)
    assert found == {
        "loan.payments[7].date": "2026-07-01 is not a date from the loan start "
        "2025-03-20 to the claim date 2026-06-30"
    }


@pytest.mark.parametrize(
    "change, location, text",
    [
        (
            lambda d: d.update(borrower="Acme"),
            "borrower",
            '"Acme" is not a table [borrower] with name',
        ),
        (
            lambda d: d.update(plans={"name": "x"}),
            "plans",
            '{name = "x"} is not an array of tables',
        ),
        (lambda d: d["plans"][0].update(term="36"), "plans[0].term", '"36" is not a whole number'),
        (
            lambda d: d["plans"][0].update(capitalize_arrears="yes"),
            "plans[0].capitalize_arrears",
            '"yes" is not True or False',
        ),
        (
            lambda d: d["claim"].update(as_of="30/06/2026"),
            "claim.as_of",
            '"30/06/2026" is not a real date',
        ),
        (lambda d: d.update(format_version=2), "format_version", "2 is not 1"),
        (lambda d: d.update(rules="cn-banks"), "rules", "\"cn-banks\" is not one of 'cn-bank'"),
        (lambda d: d.pop("cashflow"), "cashflow", "is missing (required)"),
        (lambda d: d["cashflow"].pop("seed"), "cashflow.seed", "is missing (required)"),
        (lambda d: d["cashflow"].update(values=[1.0]), "cashflow", "has both base"),
        (
            lambda d: d.update(meeting=[{"date": "soon"}]),
            "meeting[0].date",
            '"soon" is not a real date',
        ),
        (
            lambda d: d.update(meeting=[{"offer": Decimal("5.5")}]),
            "meeting[0].offer",
            "5.5 is not text, a whole number",
        ),
        (
            lambda d: d["negotiation"].update(objective="win"),
            "negotiation.objective",
            "\"win\" is not one of 'nash'",
        ),
        (lambda d: d.update(colour="red"), "colour", "is not a key of a case file"),
    ],
)
def test_wrong_types_and_values_are_named(change, location, text):
    doc = sample_doc()
    change(doc)
    found = problems_of(doc)
    assert location in found, found
    assert found[location].startswith(text), found[location]


def test_data_cash_flow_problems_name_the_month():
    doc = tomllib.loads(
        small_case(cashflow=rp.CashFlow([1.0, 2.0, 3.0], start="2026-07")).dumps(),
        parse_float=Decimal,
    )
    doc["cashflow"]["values"][1] = "n/a"
    doc["cashflow"]["values"][2] = True
    found = problems_of(doc)
    assert found == {
        "cashflow.values[1]": '"n/a" is not a number (cash of the month)',
        "cashflow.values[2]": "true is not a number (cash of the month)",
    }


def test_files_that_cannot_be_read(tmp_path):
    with pytest.raises(CaseError, match=r"nothere\.toml: cannot read the file \(No such file"):
        Case.load(tmp_path / "nothere.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[borrower\nname = "x"\n', encoding="utf-8")
    with pytest.raises(CaseError, match=r"bad\.toml: is not valid TOML: .*line 1"):
        Case.load(bad)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"borrower": }', encoding="utf-8")
    with pytest.raises(CaseError, match=r"bad\.json: is not valid JSON: Expecting value \(line 1"):
        Case.load(bad_json)
    other = tmp_path / "case.yaml"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(
        CaseError, match=r"case\.yaml: has the suffix '\.yaml'; a case file is \.toml or \.json"
    ):
        Case.load(other)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('title = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(CaseError, match="is not UTF-8 text"):
        Case.load(latin)


# ----------------------------------------------------------------------------------------
# saving never loses what was saved
# ----------------------------------------------------------------------------------------
def test_a_failed_save_leaves_the_old_file_untouched(tmp_path):
    path = tmp_path / "case.toml"
    SAMPLE.save(path)
    before = path.read_bytes()
    custom = rp.rules.generic(compound_interest=True)
    broken = small_case(
        claim=rp.Claim(principal=1_000, annual_rate=0.05, as_of=date(2026, 1, 1), rules=custom)
    )
    with pytest.raises(InputError, match="a custom RuleSet cannot be written"):
        broken.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["case.toml"]


def test_save_replaces_the_file_atomically(tmp_path, monkeypatch):
    path = tmp_path / "case.json"
    small_case().save(path)
    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((os.path.dirname(src), os.fspath(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    SAMPLE.save(path)
    assert replaced == [(str(tmp_path), str(path))]  # written beside it, then renamed over it
    assert Case.load(path) == SAMPLE


# ----------------------------------------------------------------------------------------
# the Case object
# ----------------------------------------------------------------------------------------
def test_case_validates_its_parts():
    with pytest.raises(
        InputError, match="creditor.name == 'Other Bank', must be the name of creditor_party"
    ):
        small_case(creditor=rp.Creditor(0.06, name="Other Bank"), creditor_party="First Bank")
    with pytest.raises(InputError, match=r"plans\[1\].name == 'a', must be a name no other plan"):
        small_case(plans=[rp.Plan(name="a"), rp.Plan(name="a")])
    with pytest.raises(InputError, match=r"plans\[0\].name == '', must be a non-empty name"):
        small_case(plans=[rp.Plan()])
    with pytest.raises(
        InputError, match=r"plans\[0\].name == 'b', must be the key it is listed under"
    ):
        small_case(plans={"a": rp.Plan(name="b")})
    with pytest.raises(
        InputError, match="cashflow.currency == 'USD', must be the claim's currency"
    ):
        small_case(cashflow=rp.CashFlow([1.0], start="2026-07", currency="USD"))
    with pytest.raises(InputError, match="seed == None, must be a whole number >= 0"):
        Projection(base=1, months=1, seed=None)
    with pytest.raises(InputError, match="creditor.name == '', must be the creditor's name"):
        small_case(creditor=rp.Creditor(0.06))
    with pytest.raises(InputError, match="rules == 'nowhere'"):
        small_case(rules="nowhere")


def test_replace_keeps_the_creditor_and_its_party_together():
    case = small_case()
    renamed = case.replace(creditor_party=Party("Second Bank", address="Main St 1"))
    assert renamed.creditor.name == "Second Bank" and renamed.creditor.discount_rate == 0.06
    cheaper = case.replace(creditor=rp.Creditor(0.04, name="Third Bank"))
    assert cheaper.creditor_party.name == "Third Bank"


def test_plans_from_a_mapping_take_their_keys_as_names():
    case = small_case(plans={"short": rp.Plan(term=6), "long": rp.Plan(term=48)})
    assert [p.name for p in case.plans.values()] == ["short", "long"]
    assert case.with_plan(rp.Plan(term=7), "short").plans["short"].term == 7
    with pytest.raises(InputError, match="plan == 'nope', must be the name of a plan of the case"):
        case.plan("nope")
    with pytest.raises(TypeError):
        case.plans["x"] = rp.Plan()  # read-only


def test_a_new_cash_flow_drops_the_old_projection():
    case = small_case()
    cf = rp.CashFlow([1.0] * 24, start="2026-07")
    assert case.replace(cashflow=cf).projection is None
    with pytest.raises(InputError, match="projection"):
        Case(
            **{
                **{f: getattr(case, f) for f in ("borrower", "creditor", "claim", "plans")},
                "cashflow": cf,
                "projection": case.projection,
            }
        )


def test_negotiate_uses_the_settings_of_the_case():
    res = SAMPLE.negotiate()
    again = rp.negotiate(
        SAMPLE.claim,
        SAMPLE.cashflow,
        SAMPLE.creditor,
        **SAMPLE.negotiation.kwargs(),
        borrower=SAMPLE.borrower_side,
    )
    assert res.best == again.best
    assert res.best.term <= SAMPLE.negotiation.constraints.max_term
    row = res.candidates.iloc[0]
    cons = SAMPLE.negotiation.constraints
    assert (
        row["default_probability"] <= 0.1
        and row["dscr"] >= cons.min_dscr
        and row["dscr_p5"] >= cons.min_dscr_p5
    )


def test_repr_names_the_parties_and_the_plans():
    text = repr(SAMPLE)
    assert f"华东精密机械有限公司 owes 江南商业银行苏州分行 {SAMPLE.claim.total:,} CNY" in text
    assert "'Settlement'" in text
    html = small_case(borrower=Party("<b>x</b>"))._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_decimal_is_written_digit_for_digit(d):
    # tomllib (the reader) is the oracle for what tomli-w wrote
    from repayplan.case import _toml_dumps

    back = tomllib.loads(_toml_dumps({"x": d, "t": {"y": [d]}}), parse_float=Decimal)
    for got in (back["x"], back["t"]["y"][0]):
        if d.as_tuple().exponent >= 0:  # no fraction digits: the integer it is
            assert type(got) is int and got == d
        else:
            assert type(got) is Decimal and got.as_tuple() == d.as_tuple()


@pytest.mark.parametrize(
    "bad", [Decimal("NaN"), Decimal("-Infinity"), float("inf"), None, object()]
)
def test_what_toml_cannot_hold_is_named(bad):
    from repayplan.case import _toml_dumps

    with pytest.raises(InputError, match=r"loan\.options\.x"):
        _toml_dumps({"loan": {"options": {"x": bad}}})
