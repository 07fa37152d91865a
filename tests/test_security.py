"""Collateral, guarantees and the enforcement path (repayplan.security).

Oracles: the auction waterfall worked by hand in Decimal on a deterministic case (the
sale certain in round 2), with the interest from the claim's own accrual formula (the
Claim.accrue docstring), the court fees from the article's bands and the doubled
interest from 法释〔2014〕8号 Art. 1 (debt × 1.75/10,000 × days); the distribution's mean
against its closed form (the probability tree of the auction rounds) and against the
exact enumeration; monotonicity by hypothesis in the domain where it is a theorem, and a
pinned counterexample outside it.
"""

import dataclasses
import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.errors import InputError
from repayplan.security import (
    Collateral,
    EnforcementPath,
    Guarantee,
    Procedure,
    Security,
    delay_interest,
)

C = Decimal("0.01")


def cents(x) -> Decimal:
    return Decimal(x).quantize(C, rounding=ROUND_HALF_UP)


# -- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: Collateral("a", appraisal=0, kind="real_estate"), "appraisal"),
        (lambda: Collateral("a", appraisal=-100, kind="real_estate"), "appraisal"),
        (lambda: Collateral("a", appraisal="lots", kind="real_estate"), "appraisal"),
        (lambda: Collateral("a", appraisal=100, kind="boat"), "kind"),
        (lambda: Collateral("a", appraisal=100, kind="equipment", lien_rank=0), "lien_rank"),
        (lambda: Collateral("a", appraisal=100, kind="equipment", lien_rank=1.5), "lien_rank"),
        (lambda: Collateral("a", appraisal=100, kind="equipment", prior_claims=-1), "prior_claims"),
        (lambda: Collateral("a", appraisal=100, kind="equipment", haircut=1.2), "haircut"),
        (lambda: Collateral("a", appraisal=100, kind="equipment", time_to_sell=-1), "time_to_sell"),
        (
            lambda: Collateral("a", appraisal=100, kind="equipment", time_to_sell=2.5),
            "time_to_sell",
        ),
        (
            lambda: Collateral(
                "a", appraisal=100, kind="equipment", sale_probabilities=(0.5, 1.5, 0)
            ),
            "sale_probabilities[1]",
        ),
        (
            lambda: Collateral("a", appraisal=100, kind="equipment", sale_probabilities=(0.5,)),
            "sale_probabilities",
        ),
        (lambda: Guarantee("g", capacity=-1), "capacity"),
        (lambda: Guarantee("g", capacity=10, recovery_rate=-0.1), "recovery_rate"),
        (lambda: Guarantee("g", capacity=10, kind="several"), "kind"),
        (lambda: Guarantee("g", capacity=10, collection_months=-3), "collection_months"),
        (lambda: Procedure(judgment_months=-1), "judgment_months"),
        (lambda: Procedure(sale_months=1.5), "sale_months"),
        (lambda: Procedure(judgment_probability=1.1), "judgment_probability"),
        (lambda: Procedure(appeal_probability=-0.2), "appeal_probability"),
        (lambda: Procedure(second_cut=0.25), "second_cut"),
        (lambda: Procedure(lawyer_fee=-5), "lawyer_fee"),
        (lambda: Security(collateral=[Guarantee("g", capacity=1)]), "collateral[0]"),
        (lambda: Security(unsecured_recovery=2), "unsecured_recovery"),
        (
            lambda: Security(collateral=[Collateral("a", appraisal=1, kind="deposits")] * 2),
            "collateral",
        ),
    ],
)
def test_bad_input_is_an_input_error_naming_the_field(make, field):
    with pytest.raises(InputError) as e:
        make()
    assert e.value.field == field
    assert "must be" in str(e.value)


def test_from_security_checks_its_arguments():
    claim = rp.Claim(principal=1_000, annual_rate=0.05, as_of=date(2026, 1, 1))
    with pytest.raises(InputError, match="security"):
        rp.Enforcement.from_security("factory", claim)
    with pytest.raises(InputError, match="claim"):
        rp.Enforcement.from_security(Security(), 1_000)
    with pytest.raises(InputError, match="scenarios"):
        rp.Enforcement.from_security(Security(), claim, scenarios=0)


# -- the auction's reserve prices ---------------------------------------------------------
def test_reserves_follow_the_online_auction_rules():
    # Art. 10: the first reserve is at least 70% of the appraisal; Art. 26: the second at most 20% lower
    deep = Collateral("press", appraisal=1_000_000, kind="equipment", haircut=0.5)
    assert deep.reserves() == (
        Decimal("700000.00"),
        Decimal("560000.00"),
    )  # the legal floor: 56% of appraisal
    light = Collateral("flat", appraisal=1_000_000, kind="real_estate", haircut=0.1)
    assert light.reserves(0.15) == (Decimal("900000.00"), Decimal("765000.00"))
    cash = Collateral("account", appraisal=1_000_000, kind="receivables", haircut=0.4)
    assert cash.reserves() == (Decimal("600000.00"), Decimal("600000.00"))  # collected, no auction
    assert {k: v["haircut"] for k, v in rp.security.KINDS.items()}["deposits"] == 0.0


def test_delay_interest_is_one_point_seven_five_per_ten_thousand_a_day():
    assert delay_interest(1_122_030, date(2026, 8, 11), date(2027, 6, 1)) == Decimal("57728.44")
    assert delay_interest(10_000, date(2027, 1, 1), date(2027, 1, 1)) == Decimal("0.00")
    with pytest.raises(InputError):
        delay_interest(10_000, date(2027, 1, 2), date(2027, 1, 1))


# -- the waterfall by hand ------------------------------------------------------------------
def hand_case(appraisal):
    claim = rp.Claim(
        principal=1_000_000,
        overdue_principal=1_000_000,
        interest=20_000,
        annual_rate=0.05,
        penalty_markup=0.5,
        rules="cn-bank",
        as_of=date(2026, 1, 1),
    )
    proc = Procedure(
        judgment_probability=1,
        appeal_probability=0,
        lawyer_fee=30_000,
        lawyer_fee_on_debtor=True,
        appraisal_fee=8_000,
    )
    house = Collateral(
        "house",
        appraisal=appraisal,
        kind="real_estate",
        prior_claims=100_000,
        time_to_sell=4,
        sale_probabilities=(0, 1, 0),
    )
    return claim, proc, EnforcementPath(Security(collateral=[house]), claim, proc, exact=True)


def hand_waterfall(appraisal):
    """The case worked in Decimal from the rules, without the library."""
    a = Decimal(appraisal)
    r2 = cents(cents(a * Decimal("0.8")) * Decimal("0.8"))  # reserve 80%, then 20% lower
    net = r2 - 100_000  # after the prior claim
    acceptance = Decimal(13_800) + cents(Decimal("0.009") * 20_000)  # on 1,020,000 (Art. 13)
    costs = acceptance + 5_000 + 30_000 + 8_000  # preservation capped; lawyer, appraisal
    pen = lambda base, days: cents(Decimal(base) * Decimal("0.075") * days / 360)  # noqa: E731 cn-bank ACT/360
    judgment = date(2026, 8, 1)  # 1 + 6 months
    n_j = (judgment - date(2026, 1, 1)).days
    int_j = 20_000 + pen(1_000_000, n_j) + pen(20_000, n_j)  # penalty + compound to the judgment
    judgment_debt = costs + 1_000_000 + int_j
    fee = cents(judgment_debt * Decimal("0.01") + 2_400)  # execution fee, 500k-5m band
    sale = date(2027, 6, 1)  # + 3 execution + 4 to sell + 2 + 1 rounds
    n_s = (sale - date(2026, 1, 1)).days
    int_g = pen(1_000_000, n_s) + pen(20_000, n_s) - (int_j - 20_000)
    days = (sale - date(2026, 8, 11)).days  # after the 10-day deadline
    di = cents(judgment_debt * Decimal("0.000175") * days)
    owed = costs + int_j + int_g + 1_000_000 + di
    credit = min(net - fee, owed)
    left = credit
    split = {}
    for k, bucket in (
        ("costs", costs),
        ("interest", int_j + int_g),
        ("principal", Decimal(1_000_000)),
        ("delay", di),
    ):
        split[k] = min(left, bucket)
        left -= split[k]
    v = 1 / (1 + 0.06 / 12)
    npv = float(credit) * v**18 - float(acceptance + 5_000 + 30_000) - 8_000 * v**10
    return {"r2": r2, "fee": fee, "credit": credit, "split": split, "npv": npv, "costs": costs}


@pytest.mark.parametrize("appraisal", [2_500_000, 2_000_000])  # over- and under-secured
def test_auction_waterfall_by_hand_when_the_sale_is_certain_in_round_two(appraisal):
    claim, proc, path = hand_case(appraisal)
    hand = hand_waterfall(appraisal)
    w = path.waterfall()
    row = w.loc["house"]
    assert row["proceeds"] == float(hand["r2"])
    assert row["prior_claims"] == 100_000.0
    assert row["execution_fee"] == float(hand["fee"])
    assert row["to_creditor"] == float(hand["credit"])
    assert row["to_costs"] == float(hand["split"]["costs"])
    assert row["to_interest"] == float(hand["split"]["interest"])
    assert row["to_principal"] == float(hand["split"]["principal"])
    assert row["to_delay_interest"] == float(hand["split"]["delay"])
    assert path.value(discount_rate=0.06) == pytest.approx(hand["npv"], abs=1e-6)
    assert path.distribution()["months"].tolist() == [18]
    assert path.summary()["costs"] == hand["costs"]
    if (
        appraisal == 2_000_000
    ):  # short of the claim: the doubled interest is paid last and not at all
        assert hand["split"]["delay"] == 0 and hand["split"]["principal"] < 1_000_000
    else:
        assert hand["split"]["delay"] > 0


# -- the distribution and its closed form ------------------------------------------------------
def tree_case(seed=None, exact=False, scenarios=1000):
    claim = rp.Claim(principal=3_000_000, annual_rate=0.05, as_of=date(2026, 3, 15))
    proc = Procedure(
        judgment_probability=0.9,
        appeal_probability=0.4,
        takeover_probability=0.6,
        takeover_discount=0.1,
        lawyer_fee=20_000,
    )
    item = Collateral("plant", appraisal=1_000_000, kind="equipment", prior_claims=50_000)
    return (
        claim,
        proc,
        item,
        EnforcementPath(
            Security(collateral=[item]), claim, proc, seed=seed, exact=exact, scenarios=scenarios
        ),
    )


def test_mean_against_the_closed_form_of_the_auction_tree():
    claim, proc, item, path = tree_case(exact=True)
    d = 0.06
    v = 1 / (1 + d / 12)
    # the claim is far above the collateral, so each outcome pays its net price less the execution fee
    fees = rp.court_fees(claim.total)
    r1, r2 = (float(x) for x in item.reserves())
    path_exe = path.waterfall().loc["plant", "execution_fee"]
    p1, p2, p3 = item.sale_probabilities
    q = proc.takeover_probability
    probs = [p1, (1 - p1) * p2, (1 - p1) * (1 - p2) * p3, (1 - p1) * (1 - p2) * (1 - p3) * q]
    prices = [r1, r2, r2, r2]
    offsets = [2, 3, 5, 6]  # rounds: 2, +1, +2 (sale), +1 (ruling on taking it)
    ev = 0.0
    for appeal, pa in ((0, 1 - proc.appeal_probability), (1, proc.appeal_probability)):
        t_exec = 1 + 6 + 4 * appeal + 3 + item.time_to_sell
        fee = float(
            rp.court_fees(
                float(
                    claim.accrue(
                        rp.calendar.add_months(claim.as_of, 7 + 4 * appeal, eom=False)
                    ).total
                    + fees["acceptance"]
                    + fees["preservation"]
                )
            )["execution"]
        )
        for k, (p, price, off) in enumerate(zip(probs, prices, offsets, strict=True)):
            net = price - 50_000 - fee
            if k == 3:  # taken in payment: resold at 10% less, 6 months on
                ev += pa * p * net * 0.9 * v ** (t_exec + off + 6)
            else:
                ev += pa * p * net * v ** (t_exec + off + 1)
    ev *= proc.judgment_probability
    ev -= float(fees["acceptance"] + fees["preservation"]) + 20_000
    assert path_exe > 0
    assert path.value(discount_rate=d) == pytest.approx(ev, rel=1e-9)
    assert path.weights.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("pres, found", [(0.9, 0.57), (0.0, 0.57), (0.3, 0.0), (0.5, 1.0)])
def test_the_execution_step_reaches_the_other_assets_with_its_own_probability(pres, found):
    """Closed form of the mixture: the debtor's other assets are reached with probability
    q = p_s + (1 - p_s) p_x (preserved, or found in execution; else 终结本次执行), and every
    other outcome is independent of it, so V = q V(reached) + (1 - q) V(not reached)."""
    claim, proc, item, _ = tree_case()
    sec = Security(collateral=[item], unsecured_recovery=0.25)
    at = lambda ps, px: EnforcementPath(  # noqa: E731
        sec,
        claim,
        proc.replace(
            preservation_probability=ps,
            execution_probability=px,
        ),
        exact=True,
    ).value()
    q = pres + (1 - pres) * found
    assert at(pres, found) == pytest.approx(q * at(1.0, 0.0) + (1 - q) * at(0.0, 0.0), rel=1e-12)
    assert at(1.0, 0.0) > at(0.0, 0.0)
    # the collateral is charged: the execution probability does not touch it
    alone = Security(collateral=[item])
    one = EnforcementPath(
        alone, claim, proc.replace(execution_probability=found), exact=True
    ).value()
    assert (
        one
        == EnforcementPath(
            alone, claim, proc.replace(execution_probability=0.0), exact=True
        ).value()
    )
    # drawn: found is drawn after the other outcomes, on its own
    drawn = EnforcementPath(
        sec,
        claim,
        proc.replace(preservation_probability=pres, execution_probability=found),
        seed=3,
        scenarios=20_000,
    ).distribution()
    assert drawn["assets_reached"].mean() == pytest.approx(
        q, abs=4 * math.sqrt(q * (1 - q) / 20_000) + 1e-12
    )


def test_drawn_scenarios_converge_to_the_exact_distribution():
    *_, exact = tree_case(exact=True)
    *_, drawn = tree_case(seed=7, scenarios=40_000)
    dist = drawn.distribution()
    se = dist["npv"].std() / np.sqrt(len(dist))
    assert abs(drawn.value() - exact.value()) < 4 * se
    again = tree_case(seed=7, scenarios=40_000)[-1]
    assert again.value() == drawn.value()  # seeded: reproducible
    assert again == drawn


# -- the guarantors ------------------------------------------------------------------------------
def test_a_general_guarantor_pays_only_after_execution_against_the_debtor():
    claim = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
    proc = Procedure(judgment_probability=1, appeal_probability=0)
    item = Collateral("cash", appraisal=200_000, kind="deposits")
    joint = Security(
        collateral=[item], guarantees=[Guarantee("g", capacity=300_000, recovery_rate=1.0)]
    )
    general = joint.replace(
        guarantees=[Guarantee("g", capacity=300_000, recovery_rate=1.0, kind="general")]
    )
    pj = EnforcementPath(joint, claim, proc, exact=True)
    pg = EnforcementPath(general, claim, proc, exact=True)
    # the deposit is collected at 1 + 6 + 3 + 1 = 11; joint: + 6; general: + 6 (other assets) + 6
    assert pj.distribution()["months"].tolist() == [18]
    assert pg.distribution()["months"].tolist() == [24]
    assert pj.waterfall().loc["g", "to_creditor"] == 300_000.0
    assert pg.waterfall().loc["g", "to_creditor"] == 300_000.0
    assert pj.value(discount_rate=0.06) > pg.value(discount_rate=0.06)


def test_a_guarantor_pays_its_recovery_share_up_to_its_capacity():
    claim = rp.Claim(principal=1_000_000, annual_rate=0.0, as_of=date(2026, 1, 1))
    proc = Procedure(
        judgment_probability=1,
        appeal_probability=0,
        preserve=False,
        preservation_probability=1,
        execution_probability=0,
    )
    sec = Security(
        guarantees=[Guarantee("g", capacity=400_000, recovery_rate=0.5)], unsecured_recovery=0.1
    )
    w = EnforcementPath(sec, claim, proc, exact=True).waterfall()
    # the guarantor: half of its 400,000 capacity; the execution fee comes out of its payment
    assert w.loc["g", "proceeds"] == 200_000.0
    fee = w.loc["g", "execution_fee"]
    assert fee == float(rp.court_fees(1_000_000 + 13_800)["execution"])
    owed_after = 1_000_000 + 13_800 - (200_000 - fee)
    # the debtor's other assets: 10% of what is still owed, doubled interest included
    assert w.loc["other assets", "proceeds"] >= round(0.1 * owed_after, 2)
    # preservation fails half the time: the other assets then yield nothing
    half = EnforcementPath(sec, claim, proc.replace(preservation_probability=0.5), exact=True)
    assert half.weights.tolist() == [0.5, 0.5]
    assert half.waterfall().loc["other assets", "proceeds"] == pytest.approx(
        w.loc["other assets", "proceeds"] / 2, abs=0.01
    )
    assert half.waterfall().loc["g", "proceeds"] == w.loc["g", "proceeds"]


# -- monotonicity ----------------------------------------------------------------------------------
# Where it is a theorem: money received earlier is worth at least money received later, i.e. the
# creditor's discount rate is at least the rate at which the unpaid claim grows (contract or
# penalty interest plus 6.39% a year of doubled interest), and an asset taken in payment is worth
# its credited price.  Then a higher price, one more asset or an earlier sale can only help.
GROWTH_SAFE = 0.30
items = st.builds(
    lambda kind, appraisal, prior, tts, p: Collateral(
        kind,
        appraisal=appraisal,
        kind=kind,
        prior_claims=prior,
        time_to_sell=tts,
        sale_probabilities=p if rp.security.KINDS[kind]["auction"] else p[:1],
    ),
    st.sampled_from(sorted(rp.security.KINDS)),
    st.integers(10_000, 3_000_000),
    st.integers(0, 500_000),
    st.integers(0, 12),
    st.tuples(*[st.sampled_from([0.0, 0.3, 0.7, 1.0])] * 3),
)
guarantees = st.lists(
    st.builds(
        lambda cap, r, kind: Guarantee(f"g-{kind}", capacity=cap, recovery_rate=r, kind=kind),
        st.integers(0, 2_000_000),
        st.sampled_from([0.0, 0.4, 1.0]),
        st.sampled_from(["joint", "general"]),
    ),
    max_size=1,
)
CLAIM = rp.Claim(
    principal=1_500_000,
    overdue_principal=1_500_000,
    interest=40_000,
    annual_rate=0.05,
    penalty_markup=0.5,
    rules="cn-bank",
    as_of=date(2026, 6, 30),
)
PROC = Procedure(takeover_discount=0.0, appraisal_fee=5_000, lawyer_fee=10_000)


def _tol(x):
    # float noise of summing the same cash flows in another order (1e-9 of the value), and the
    # interest the one ledger states to the fen at each event of the path: an item that sells
    # for nothing still adds an event, so one more rounding of at most half a fen (0.005)
    return 1e-9 * abs(x) + 0.005


def _value(coll, guar=(), unsecured=0.0):
    sec = Security(collateral=coll, guarantees=guar, unsecured_recovery=unsecured)
    return EnforcementPath(sec, CLAIM, PROC, exact=True).value(discount_rate=GROWTH_SAFE)


@settings(max_examples=40, deadline=None)
@given(items, st.integers(1, 1_000_000), guarantees, st.sampled_from([0.0, 0.2]))
def test_a_higher_appraisal_never_lowers_the_alternative(item, more, guar, unsecured):
    low = _value([item], guar, unsecured)
    high = _value([item.replace(appraisal=item.appraisal + more)], guar, unsecured)
    assert high >= low - _tol(low)


@settings(max_examples=40, deadline=None)
@given(items, items)
def test_more_collateral_never_lowers_the_alternative(a, b):
    b = b.replace(name="second " + b.name)
    one = _value([a])
    assert _value([a, b]) >= one - _tol(one)


@settings(max_examples=40, deadline=None)
@given(items, st.integers(1, 24), guarantees, st.sampled_from([0.0, 0.2]))
def test_a_later_sale_never_raises_the_alternative(item, later, guar, unsecured):
    early = _value([item], guar, unsecured)
    late = _value([item.replace(time_to_sell=item.time_to_sell + later)], guar, unsecured)
    assert late <= early + _tol(early)


def test_outside_the_theorem_a_higher_price_can_cost_an_oversecured_creditor():
    # at a 6% discount the unpaid claim grows faster (7.5% penalty + 6.39% doubled interest) than the
    # creditor discounts; a solvent guarantor pays whatever the auction leaves, with interest, later.
    # A better price now displaces more of that later, larger payment.  Not a bug: the model says so.
    sec = lambda a: Security(  # noqa: E731
        collateral=[
            Collateral(
                "flat",
                appraisal=a,
                kind="real_estate",
                sale_probabilities=(1, 0, 0),
            )
        ],
        guarantees=[Guarantee("rich", capacity=5_000_000, recovery_rate=1.0, collection_months=24)],
    )
    proc = dataclasses.replace(PROC, judgment_probability=1, appeal_probability=0)
    low = EnforcementPath(sec(1_000_000), CLAIM, proc, exact=True).value(discount_rate=0.06)
    high = EnforcementPath(sec(1_200_000), CLAIM, proc, exact=True).value(discount_rate=0.06)
    assert high < low


# -- how it plugs into the creditor --------------------------------------------------------------
def sample_security():
    return Security(
        collateral=[
            Collateral("factory", appraisal=1_500_000, kind="real_estate"),
            Collateral("CNC line", appraisal=400_000, kind="equipment"),
        ],
        guarantees=[Guarantee("Chen", capacity=600_000, recovery_rate=0.5)],
        unsecured_recovery=0.05,
    )


def test_from_security_plugs_into_creditor_and_evaluate():
    case = rp.Case.sample()
    enf = rp.Enforcement.from_security(sample_security(), case.claim, seed=3)
    creditor = case.creditor.replace(enforcement=enf)
    path = enf.path
    assert creditor.enforcement_npv(case.claim) == pytest.approx(path.value(discount_rate=0.06))
    plan = rp.Plan(term=24, name="24")
    ev = rp.evaluate([plan], case.claim, case.cashflow, creditor)
    assert ev.loc["24", "enforcement_npv"] == pytest.approx(path.value(discount_rate=0.06))
    # a default in month k enforces on what is owed then: check against the path directly
    batch = rp.plans.plan_batch([plan], case.claim)
    pay = batch.payments.astype(float) / 100
    owed = batch.balance.astype(float) / 100
    vals = path.plan_values(pay, owed, float(case.claim.total), discount_rate=0.06)
    v = 1 / 1.005
    k = 5
    by_hand = sum(pay[0, j] * v**j for j in range(k)) + v ** (k - 1) * path.value(
        owed[0, k - 1], 0.06
    )
    assert vals["default_value"][0, k] == pytest.approx(by_hand, rel=1e-9)
    assert vals["default_value"][0, 0] == pytest.approx(path.value(discount_rate=0.06))
    # the quick form is untouched
    quick = rp.Enforcement(0.5, 18, 50_000)
    assert quick.path is None and quick.value(1_042_000, 0.06) == pytest.approx(430558.13, abs=0.01)


def test_value_on_many_owed_amounts_uses_a_grid_close_to_exact():
    claim = rp.Case.sample().claim
    path = EnforcementPath(sample_security(), claim, seed=1)
    x = np.linspace(0, 1_300_000, 3000)
    exact = np.array([path.value(float(a)) for a in x[::150]])
    assert np.abs(path.value(x)[::150] - exact).max() < 50.0  # yuan, on claims around 1.2 million


# -- the case file ----------------------------------------------------------------------------------
def test_the_sample_case_carries_its_security_through_toml_and_json():
    case = rp.Case.sample()
    sec = case.security
    assert [c.name for c in sec.collateral] == [
        "厂房及土地使用权 (factory and land)",
        "数控加工中心 (CNC machining line)",
    ]
    factory = sec.collateral[0]
    assert (factory.lien_rank, factory.prior_claims, factory.appraisal) == (
        2,
        Decimal("650000.00"),
        Decimal("1380000.00"),
    )
    assert sec.guarantees[0].kind == "joint" and sec.guarantees[0].capacity == Decimal("600000.00")
    assert case.creditor.enforcement.path.procedure.lawyer_fee_on_debtor is True
    text = case.dumps("toml")
    assert (
        "[security]" in text
        and "[[security.collateral]]" in text
        and "[creditor.enforcement]" not in text
    )
    for fmt in ("toml", "json"):
        back = rp.Case.loads(case.dumps(fmt), fmt)
        assert back == case
        assert back.creditor.enforcement_npv(back.claim) == case.creditor.enforcement_npv(
            case.claim
        )


def test_a_bad_security_section_names_its_location():
    text = rp.case.sample_text().replace("appraisal = 420000.00", "appraisal = 0")
    text = text.replace("lien_rank = 2", "lien_rank = 0")
    with pytest.raises(rp.CaseError) as e:
        rp.Case.loads(text)
    msg = str(e.value)
    assert "security.collateral[1].appraisal" in msg and "security.collateral[0].lien_rank" in msg
    no_seed = rp.case.sample_text().replace("seed = 17\n", "")
    with pytest.raises(rp.CaseError, match="security.seed"):
        rp.Case.loads(no_seed)


def test_a_case_with_a_new_claim_rebuilds_the_path_on_it():
    case = rp.Case.sample()
    later = case.claim.accrue(date(2026, 12, 31))
    moved = case.replace(claim=later)
    path = moved.creditor.enforcement.path
    assert path.claim == later and path.security == case.security and path.seed == 17
    assert moved.creditor.enforcement_npv(later) != case.creditor.enforcement_npv(case.claim)


def test_the_annex_lists_the_security_in_both_languages():
    case = rp.Case.sample()
    plan = case.plan("Seasonal 48")
    for lang, words in (
        ("en", ["second-ranking mortgage", "650,000.00", "joint and several"]),
        ("zh", ["第二顺位抵押", "在先债权", "连带责任保证"]),
    ):
        a = rp.report.annex(
            plan.schedule(case.claim), claim=case.claim, lang=lang, security=case.security
        )
        texts = " ".join(c.text for c in a.clauses if c.key.startswith("security"))
        assert all(w in texts for w in words), (lang, texts)
        assert len([c for c in a.clauses if c.key.startswith("security")]) == 3
    html = rp.report.render(
        plan.schedule(case.claim),
        "html",
        claim=case.claim,
        security=Security(collateral=[Collateral("<b>x</b>", appraisal=1, kind="deposits")]),
    )
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


# -- the dashboard's creditor tab (widget logic; the browser test and a screenshot cover the page) ---
def test_creditor_tab_shows_the_waterfall_and_edits_the_security():
    pytest.importorskip("ipywidgets")
    from repayplan.notebook.app import Dashboard

    case = rp.Case.sample()
    d = Dashboard(case)
    path = case.creditor.enforcement.path
    wf = path.waterfall(0.06)
    assert "厂房及土地使用权 (factory and land)" in d.waterfall.value
    assert f"{wf.loc['total', 'cash']:,.2f}" in d.waterfall.value
    assert f"{path.value(discount_rate=0.06):,.2f}" in d.waterfall.value
    assert d.recovery_chart.value[1:4] == b"PNG"
    # a higher appraisal of the factory: the library's path on the new security
    coll = d.security_controls["collateral"]
    coll.value = coll.value.replace("appraisal=1380000.00", "appraisal=1800000.00")
    new = d.session.case.creditor.enforcement
    assert new.path.security.collateral[0].appraisal == Decimal("1800000.00")
    assert f"{new.path.value(discount_rate=0.06):,.2f}" in d.waterfall.value
    assert d.creditor_controls["recovery_rate"].value == str(new.recovery_rate)
    # bad input: the library's message, the case unchanged
    d.security_controls["guarantees"].value = "name=陈建国 (Chen, owner), capacity=-1"
    assert "capacity == -1" in d.security_errors["guarantees"].value
    assert d.session.case.creditor.enforcement is new
    # no collateral and no guarantees: the quick form, no waterfall
    d.security_controls["guarantees"].value = ""
    d.security_controls["collateral"].value = ""
    assert d.session.case.creditor.enforcement.path is None and d.waterfall.value == ""


# -- interest between events, by the one ledger (issue 17) -------------------------------------
def _half_up(f: Fraction) -> int:
    """Round a Fraction of minor units half-up (the library's money rule, by hand)."""
    return math.floor(f + Fraction(1, 2))


def test_interest_between_two_sales_is_the_ledger_on_what_the_first_left():
    """Two items certain to sell in round 1, months apart: after the first sale the remainder
    (principal, by Art. 561 interest and costs are paid first) accrues penalty at the cn-bank
    rate, ACT/360, from the first sale to the second; the doubled interest is carried exactly
    on the unpaid judgment debt and rounded once when it is paid.  Worked in Fraction from the
    documented rules, not from the library."""
    claim = rp.Claim(
        principal=1_000_000,
        overdue_principal=1_000_000,
        interest=20_000,
        annual_rate=0.05,
        penalty_markup=0.5,
        rules="cn-bank",
        as_of=date(2026, 1, 1),
    )
    proc = Procedure(judgment_probability=1, appeal_probability=0, distribution_months=0)
    lathe = Collateral(
        "lathe", appraisal=400_000, kind="equipment", time_to_sell=2, sale_probabilities=(1, 0, 0)
    )
    house = Collateral(
        "house",
        appraisal=2_000_000,
        kind="real_estate",
        time_to_sell=8,
        sale_probabilities=(1, 0, 0),
    )
    w = EnforcementPath(Security(collateral=[lathe, house]), claim, proc, exact=True).waterfall()
    assert claim.accrual_day_count == "ACT/360" and claim.penalty_rate == Decimal("0.075")

    rate, delay = (
        Fraction(75, 1000),
        Fraction(175, 1_000_000),
    )  # penalty rate; 法释〔2014〕8号 Art. 1
    pen = lambda base, days: _half_up(Fraction(base) * rate * days / 360)  # noqa: E731 (fen)
    judgment, first, second = (
        date(2026, 8, 1),
        date(2027, 3, 1),
        date(2027, 9, 1),
    )  # months 7, 14, 20
    deadline = date(2026, 8, 11)  # 10 days to perform
    P, I0 = 100_000_000, 2_000_000  # fen
    # to the judgment: penalty on the principal, compound on the unpaid interest (ledger rounding each)
    n_j = (judgment - claim.as_of).days
    int_j = I0 + pen(P, n_j) + pen(I0, n_j)
    costs = 1_398_000 + 500_000  # acceptance on 1,020,000; preservation cap
    J = costs + P + int_j  # the judgment debt
    fee = _half_up(Fraction(J, 100)) + 240_000  # execution fee, 500k-5m band (Art. 14)
    # first sale: 70% of 400,000; the remainder stated at the judgment accrues to it
    n_1 = (first - judgment).days
    int_1 = pen(P, n_1) + pen(I0, n_1)
    credit_1 = 28_000_000 - fee
    principal_1 = credit_1 - costs - int_j - int_1
    assert 0 < principal_1 < P
    P1 = P - principal_1  # what the first sale left
    # second sale: the ledger on the remainder only (the interest was paid: no compound on it)
    int_2 = pen(P1, (second - first).days)
    di = _half_up(J * delay * (first - deadline).days + P1 * delay * (second - first).days)
    fen = lambda x: x / 100  # noqa: E731
    assert w.loc[
        "lathe", ["execution_fee", "to_costs", "to_interest", "to_principal", "to_delay_interest"]
    ].tolist() == [fen(fee), fen(costs), fen(int_j + int_1), fen(principal_1), 0.0]
    assert w.loc[
        "house", ["execution_fee", "to_costs", "to_interest", "to_principal", "to_delay_interest"]
    ].tolist() == [0.0, 0.0, fen(int_2), fen(P1), fen(di)]
    # the old scaling would have kept charging compound on the 20,000 interest paid at the first sale
    assert int_2 < pen(P1, (second - first).days) + pen(I0 * P1 // P, (second - first).days)


def test_doubled_interest_by_hand_under_each_rounding_policy():
    """123.45 yuan for 7 days: 12,345 fen x 175/1,000,000 x 7 = 15.12 fen; rounded once 15 fen
    (exact and per stretch), rounded each day 2.16 -> 2 fen x 7 = 14 fen (Fraction by hand)."""
    from repayplan import ledger, security

    assert security.delay_interest is ledger.delay_interest
    exact = Fraction(12_345) * Fraction(175, 1_000_000) * 7
    assert _half_up(exact) == 15 and _half_up(Fraction(12_345 * 175, 1_000_000)) * 7 == 14
    a, b = date(2027, 1, 1), date(2027, 1, 8)
    assert ledger.delay_interest("123.45", a, b) == Decimal("0.15")
    assert ledger.delay_interest("123.45", a, b, rounding="per_stretch") == Decimal("0.15")
    assert ledger.delay_interest("123.45", a, b, rounding="per_day") == Decimal("0.14")
    # carried exactly across stretches: 12,345 fen for 3 days then 4 days is the 7 days at once
    parts = ledger.delay_accrual(12_345, 3) + ledger.delay_accrual(12_345, 4)
    assert parts == ledger.delay_accrual(12_345, 7)
    assert Fraction(parts, ledger.DELAY_RATE.denominator) == exact
    got = ledger.delay_accrual(np.array([12_345, 0]), np.array([7, 7]), rounding="per_day")
    assert (got // ledger.DELAY_RATE.denominator).tolist() == [14, 0]
    for bad in ({"debt": -1, "days": 1}, {"debt": 1, "days": -1}, {"debt": 1.5, "days": 1}):
        with pytest.raises(InputError):
            ledger.delay_accrual(bad["debt"], bad["days"])
    with pytest.raises(InputError, match="rounding"):
        ledger.delay_accrual(1, 1, rounding="daily")
    with pytest.raises(InputError, match="end"):
        ledger.delay_interest(100, b, a)


# -- a default part-way through a plan: what is owed then, by its parts, by the ledger ----------
PART_CLAIM = dict(
    principal=1_000_000,
    overdue_principal=400_000,
    interest=30_000,
    penalty=8_000,
    fees=2_000,
    annual_rate=0.05,
    penalty_markup=0.5,
    as_of=date(2026, 1, 1),
)


def _part_path(rules):
    claim = rp.Claim(**PART_CLAIM, rules=rules)
    proc = Procedure(judgment_probability=1, appeal_probability=0, distribution_months=0)
    lathe = Collateral(
        "lathe", appraisal=400_000, kind="equipment", time_to_sell=2, sale_probabilities=(1, 0, 0)
    )
    return claim, EnforcementPath(Security(collateral=[lathe]), claim, proc, exact=True)


def test_what_a_plan_leaves_unpaid_is_the_claim_filled_from_the_last_class_paid():
    """Art. 561 pays costs, then interest, then principal: what is left is principal first."""
    _, path = _part_path("cn-bank")
    x = np.array([[70_000_000], [102_000_000], [103_900_000], [104_000_000], [110_000_000]])
    got = path._owed_parts(x)
    assert got["pr"][:, 0].tolist() == [
        70_000_000,
        100_000_000,
        100_000_000,
        100_000_000,
        106_000_000,
    ]
    assert got["ci"][:, 0].tolist() == [0, 2_000_000, 3_000_000, 3_000_000, 3_000_000]
    assert got["pe"][:, 0].tolist() == [0, 0, 800_000, 800_000, 800_000]
    assert got["co"][:, 0].tolist() == [0, 0, 100_000, 200_000, 200_000]


@pytest.mark.parametrize("rules", ["generic", "cn-bank"])
@settings(max_examples=25, deadline=None)
@given(owed=st.integers(1_000_000, 104_000_000 - 1))
def test_a_default_part_way_enforces_on_what_is_owed_then_by_the_ledger(rules, owed):
    """The judgment on an amount owed part-way through a plan is the Decimal ledger replay
    (Claim.accrue) of its parts, all due, from the start of enforcement to the judgment
    (month 7: 1 month filing + 6 judgment), plus the court fees on it: to the fen."""
    claim, path = _part_path(rules)
    _, _, info = path._run(np.array([owed]), 0.06, detail=True)
    p = {k: Decimal(int(v[0, 0])) / 100 for k, v in path._owed_parts(np.array([[owed]])).items()}
    assert sum(p.values()) == Decimal(owed) / 100
    stated = rp.Claim(
        principal=p["pr"],
        overdue_principal=p["pr"],
        interest=p["ci"],
        penalty=p["pe"],
        fees=p["co"],
        annual_rate=claim.annual_rate,
        penalty_markup=0.5,
        rules=rules,
        as_of=claim.as_of,
    )
    judged = stated.accrue(date(2026, 8, 1))
    fees = rp.court_fees(Decimal(owed) / 100)
    want = judged.total + fees["acceptance"] + fees["preservation"]
    assert Decimal(int(info["judgment_debt"][0, 0])) / 100 == want


def test_the_claim_itself_keeps_its_own_ledger_and_plan_values_use_the_parts():
    """On the whole claim the path replays the claim (its principal not yet due earns contract
    interest); on less, the parts are due.  plan_values enforces on what each month leaves."""
    claim, path = _part_path("cn-bank")
    total = int(claim.total * 100)
    _, _, info = path._run(np.array([total]), 0.06, detail=True)
    fees = rp.court_fees(claim.total)
    assert Decimal(int(info["judgment_debt"][0, 0])) / 100 == (
        claim.accrue(date(2026, 8, 1)).total + fees["acceptance"] + fees["preservation"]
    )
    pay = np.array([[0.0, 300_000.0, 300_000.0]])
    owed_after = np.array([[1_040_000.0, 740_000.0, 440_000.0]])
    out = path.plan_values(pay, owed_after, 1_040_000.0, discount_rate=0.06)
    v = 1 / 1.005
    want = [
        path.value(1_040_000.0),
        path.value(1_040_000.0),
        300_000 * v + v * path.value(740_000.0),
    ]
    assert out["default_value"][0].tolist() == pytest.approx(want, rel=1e-12)


# -- lien ranks ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kw, field, words",
    [
        (dict(lien_rank=2), "prior_claims", "rank 2"),
        (dict(lien_rank=2, prior_claims=[0]), "prior_claims", "rank 2"),
        (dict(lien_rank=3, prior_claims=[100]), "prior_claims", "2 amounts"),
        (dict(prior_claims=[100]), "prior_claims", "first charge"),
        (dict(lien_rank=3, prior_claims=[100, -1]), "prior_claims[1]", ">= 0"),
        (dict(lien_rank=3, prior_claims=[100, "x"]), "prior_claims[1]", ""),
    ],
)
def test_a_later_rank_needs_what_ranks_ahead_of_it(kw, field, words):
    with pytest.raises(InputError) as e:
        Collateral("a", appraisal=1_000, kind="real_estate", **kw)
    assert e.value.field == field and words in str(e.value)


def test_proceeds_are_paid_in_rank_order_by_hand():
    """A third charge behind 300,000 and 200,000: a price of 450,000 pays rank 1 in full,
    150,000 of rank 2 and nothing to the creditor; 720,000 leaves it 220,000.  A first charge
    behind a builder's priority (Art. 807) of 10,000: the rest is the creditor's."""
    shed = Collateral(
        "shed", appraisal=900_000, kind="real_estate", lien_rank=3, prior_claims=[300_000, 200_000]
    )
    assert shed.prior_claims == Decimal("500000.00")
    r = shed.ranks(450_000)
    assert r["paid"].tolist() == [Decimal("300000.00"), Decimal("150000.00"), Decimal("0.00")]
    assert r.index.tolist() == [1, 2, 3]
    assert shed.ranks()["paid"].tolist()[-1] == Decimal("720000.00") - Decimal(
        "500000.00"
    )  # first reserve 80%
    first = Collateral("flat", appraisal=500_000, kind="real_estate", prior_claims=10_000)
    assert first.ranks(400_000)["paid"].tolist() == [Decimal("10000.00"), Decimal("390000.00")]
    with pytest.raises(InputError, match="price"):
        shed.ranks(-1)


@pytest.mark.parametrize("shed_appraisal", [900_000, 600_000])
def test_several_items_at_several_ranks_pay_the_creditor_after_their_prior_ranks(shed_appraisal):
    """A first charge on a flat and a third charge on a shed, both certain to sell in round 1
    at 80% of the appraisal in the same month: the flat (listed first) pays the execution fee;
    the shed pays what its price leaves after ranks 1 and 2 (nothing when 480,000 < 500,000)."""
    claim = rp.Claim(principal=5_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
    proc = Procedure(judgment_probability=1, appeal_probability=0)
    flat = Collateral("flat", appraisal=500_000, kind="real_estate", sale_probabilities=(1, 0, 0))
    shed = Collateral(
        "shed",
        appraisal=shed_appraisal,
        kind="real_estate",
        lien_rank=3,
        prior_claims=(300_000, 200_000),
        sale_probabilities=(1, 0, 0),
    )
    w = EnforcementPath(Security(collateral=[flat, shed]), claim, proc, exact=True).waterfall()
    price = shed_appraisal * Decimal("0.8")
    assert w.loc["shed", "proceeds"] == float(price)
    assert w.loc["shed", "prior_claims"] == float(min(price, 500_000))
    assert w.loc["shed", "execution_fee"] == 0.0
    assert w.loc["shed", "to_creditor"] == float(max(price - 500_000, 0))
    assert w.loc["flat", "to_creditor"] + w.loc["flat", "execution_fee"] == 400_000.0
    assert w.loc["flat", "prior_claims"] == 0.0


def test_prior_ranks_survive_the_case_file():
    case = rp.Case.sample()
    sec = case.security
    shed = Collateral(
        "shed", appraisal=900_000, kind="real_estate", lien_rank=3, prior_claims=[300_000, 200_000]
    )
    enf = rp.Enforcement.from_security(
        sec.replace(collateral=[*sec.collateral, shed]), case.claim, seed=1, scenarios=50
    )
    text = case.replace(creditor=case.creditor.replace(enforcement=enf)).dumps()
    assert "prior_claims = [" in text
    again = rp.Case.loads(text)
    got = again.security.collateral[-1]
    assert (got.lien_rank, got.prior_ranks) == (3, (Decimal("300000.00"), Decimal("200000.00")))


@settings(max_examples=30, deadline=None)
@given(items, st.integers(1, 1_000_000), guarantees, st.sampled_from([0.0, 0.2]))
def test_more_ahead_of_the_creditor_never_raises_the_alternative(item, more, guar, unsecured):
    """The mirror of a higher appraisal: what earlier ranks take comes out of the same price."""
    low = _value(
        [item.replace(lien_rank=2, prior_claims=item.prior_claims + more)], guar, unsecured
    )
    high = _value([item], guar, unsecured)
    assert low <= high + _tol(high)
