"""Sensitivity and break-even when the creditor's alternative is an enforcement path.

On a path (``Enforcement.from_security``) the recovery rate is the recovery on what the
security does not cover, the delay the path's months to the money and the costs the creditor's
own lawyer and appraisal fees (``EnforcementPath.with_assumption``).  Oracles: closed forms of
the path (a fee paid at filing comes straight off the value; a later procedure discounts a
fixed recovery by ``v^s``), ``rp.evaluate`` with the pushed creditor, and the break-even value
re-evaluated.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.errors import InfeasibleError, InputError
from repayplan.evaluate import format_metric
from repayplan.security import Collateral, EnforcementPath, Procedure, Security

CLAIM = rp.Claim(principal=1_000_000, annual_rate=0.05, as_of=date(2026, 1, 1))
FLAT = Collateral("flat", appraisal=600_000, kind="real_estate")


def path_of(security, claim=CLAIM, **procedure):
    return EnforcementPath(security, claim, Procedure(**procedure), exact=True)


# ----------------------------------------------------------------------------------------
# the pushed path against closed forms
# ----------------------------------------------------------------------------------------
def test_creditors_own_fees_come_off_the_value_as_they_are_paid():
    # neither fee on the debtor: the lawyer is paid at filing (month 0), the appraisal when
    # execution starts in a won case: V(L', A') = V(L, A) - (L' - L) - (A' - A) E[won v^t_exec]
    proc = dict(
        lawyer_fee=20_000,
        appraisal_fee=5_000,
        appraisal_fee_on_debtor=False,
        appeal_probability=0.3,
    )
    path = path_of(Security(collateral=[FLAT], unsecured_recovery=0.05), **proc)
    pushed = path.with_assumption("costs", 50_000)  # twice: 40,000 and 10,000
    assert pushed.procedure.lawyer_fee == 40_000 and pushed.procedure.appraisal_fee == 10_000
    v = 1 / 1.005
    p = Procedure(**proc)
    t = p.filing_months + p.judgment_months + p.execution_months
    e_won_v = p.judgment_probability * (
        (1 - p.appeal_probability) * v**t + p.appeal_probability * v ** (t + p.appeal_months)
    )
    expected = path.value(discount_rate=0.06) - 20_000 - 5_000 * e_won_v
    assert pushed.value(discount_rate=0.06) == pytest.approx(expected, rel=1e-12)
    # both 0: the whole amount on the lawyer, at filing
    bare = path_of(Security(collateral=[FLAT]))
    assert bare.with_assumption("costs", 7_000).procedure.lawyer_fee == 7_000
    assert bare.with_assumption("costs", 7_000).value() == pytest.approx(
        bare.value() - 7_000, rel=1e-12
    )


def test_a_longer_procedure_discounts_a_fixed_recovery():
    # no interest before the judgment (rate 0), a deposit smaller than what is owed, won for
    # certain: the creditor gets the deposit less the execution fee, whenever it comes, and has
    # advanced the court fees F at filing: V(D + s) + F = (V(D) + F) v^s
    claim = rp.Claim(principal=1_000_000, annual_rate=0.0, as_of=date(2026, 1, 1))
    sec = Security(collateral=[Collateral("cash", appraisal=300_000, kind="deposits")])
    path = path_of(sec, claim, judgment_probability=1, appeal_probability=0)
    fees = rp.court_fees(claim.total)
    F = float(fees["acceptance"] + fees["preservation"])
    base = path.summary()["delay_months"]
    v = 1 / 1.005
    for s in (-7, -1, 1, 6, 30):
        later = path.with_assumption("delay_months", base + s)
        assert later.summary()["delay_months"] == base + s
        assert later.value() + F == pytest.approx((path.value() + F) * v**s, rel=1e-12)
    # shorter: the judgment first, then execution, then filing; the shortest is all three at 0
    p = path.procedure
    shortest = base - p.judgment_months - p.execution_months - p.filing_months
    cut = path.with_assumption("delay_months", base - p.judgment_months - 1).procedure
    assert (cut.judgment_months, cut.execution_months, cut.filing_months) == (
        0,
        p.execution_months - 1,
        p.filing_months,
    )
    assert path.with_assumption("delay_months", shortest).summary()["delay_months"] == shortest
    with pytest.raises(InputError, match="delay_months"):
        path.with_assumption("delay_months", shortest - 1)
    with pytest.raises(InputError, match="delay_months"):
        path.with_assumption("delay_months", base + 0.5)


def test_the_pushed_path_keeps_the_drawn_scenarios():
    rng = np.random.default_rng(5)
    path = EnforcementPath(
        Security(collateral=[FLAT], unsecured_recovery=0.1), CLAIM, scenarios=200, seed=rng
    )
    for name, value in (("recovery_rate", 0.3), ("costs", 10_000), ("delay_months", 30)):
        pushed = path.with_assumption(name, value)
        a, b = path.distribution(), pushed.distribution()
        assert a[["weight", "won", "appeal", "assets_reached", "flat"]].equals(
            b[["weight", "won", "appeal", "assets_reached", "flat"]]
        ), name
    assert path.with_assumption("recovery_rate", 0.1) == path  # nothing changed: the same inputs


def test_with_assumption_refuses_bad_input_by_name():
    path = path_of(Security(collateral=[FLAT]))
    for name, value, field in (
        ("recovery_rate", 1.5, "recovery_rate"),
        ("recovery_rate", "a", "recovery_rate"),
        ("costs", -1, "costs"),
        ("costs", float("nan"), "costs"),
        ("delay_months", "x", "delay_months"),
        ("weather", 1, "name"),
    ):
        with pytest.raises(InputError, match=field):
            path.with_assumption(name, value)


def test_an_unsecured_recovery_with_many_digits_stays_exact():
    # its exact fraction has a denominator of 10^14: the waterfall's integer products overflow
    # int64 unless they are carried as Python integers
    sec = Security(collateral=[FLAT], unsecured_recovery=0.12345678901234)
    path = path_of(sec)
    near = path_of(Security(collateral=[FLAT], unsecured_recovery=0.123456789))
    assert 0 <= path.value() - near.value() < 1.0  # 1.2e-11 more of the remainder: cents at most
    lo, hi = (
        path_of(Security(collateral=[FLAT], unsecured_recovery=u)).value() for u in (0.1234, 0.1235)
    )
    assert lo < path.value() < hi
    assert path.with_assumption("recovery_rate", 0.123456789).value() == near.value()


# ----------------------------------------------------------------------------------------
# monotonicity on a small path
# ----------------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(
    appraisal=st.integers(100_000, 1_500_000),
    kind=st.sampled_from(["real_estate", "equipment", "deposits"]),
    u=st.floats(0, 0.9),
    du=st.floats(0.01, 0.1),
    guarantee=st.booleans(),
)
def test_more_recovery_on_the_remainder_never_lowers_the_alternative(
    appraisal, kind, u, du, guarantee
):
    sec = Security(
        collateral=[Collateral("c", appraisal=appraisal, kind=kind)],
        unsecured_recovery=round(u, 4),
        guarantees=[rp.Guarantee("g", capacity=200_000, recovery_rate=0.5)] if guarantee else [],
    )
    path = path_of(sec)
    more = path.with_assumption("recovery_rate", round(u, 4) + round(du, 4))
    assert more.value() >= path.value() - 1e-9
    owed = np.array([0.0, 300_000.0, 800_000.0, 1_000_000.0])
    assert np.all(more.value(owed) >= path.value(owed) - 1e-9)


@settings(max_examples=12, deadline=None)
@given(
    appraisal=st.integers(50_000, 450_000),
    kind=st.sampled_from(["real_estate", "equipment", "deposits"]),
    shift=st.integers(-6, 12),
    fee=st.integers(0, 50_000),
    more=st.integers(1, 20_000),
)
def test_a_later_or_dearer_procedure_never_raises_the_alternative(
    appraisal, kind, shift, fee, more
):
    # what is owed exceeds what the collateral fetches, nothing else pays: time only discounts it
    claim = rp.Claim(principal=1_000_000, annual_rate=0.04, as_of=date(2026, 1, 1))
    path = path_of(
        Security(collateral=[Collateral("c", appraisal=appraisal, kind=kind)]),
        claim,
        lawyer_fee=fee,
    )
    base = path.summary()["delay_months"]
    later = path.with_assumption("delay_months", base + abs(shift) + 1)
    sooner = path.with_assumption("delay_months", base - min(abs(shift), 9))
    assert later.value() <= path.value() + 1e-9 <= sooner.value() + 2e-9
    assert path.with_assumption("costs", fee + more).value() < path.value()


# ----------------------------------------------------------------------------------------
# the sample case: its alternative is a path
# ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    case = rp.Case.sample()
    res = case.negotiate()
    return case, res, res.sensitivity()


def test_the_sample_cases_enforcement_pushes_move_its_value_the_right_way(sample):
    case, res, s = sample
    t = s.table
    assert case.creditor.enforcement.path is not None
    change = t["enforcement_npv_change"]
    assert change[("recovery_rate", "high")] > 0
    assert ("recovery_rate", "low") not in t.index  # 3% - 10% is no recovery rate
    assert change[("delay_months", "low")] > 0 > change[("delay_months", "high")]
    assert change[("costs", "low")] > 0 > change[("costs", "high")]
    assert t.loc[("delay_months", "high"), "value"] == case.creditor.enforcement.delay_months + 6
    assert t.loc[("costs", "high"), "value"] == pytest.approx(1.5 * (36_000 + 9_500))
    # each row is what evaluate gives with the pushed creditor (the same drawn scenarios)
    for name in ("recovery_rate", "delay_months", "costs"):
        for side in ("low", "high"):
            if (name, side) not in t.index:
                continue
            row = t.loc[(name, side)]
            pushed = case.creditor.replace(
                enforcement=case.creditor.enforcement.pushed(name, row["value"])
            )
            other = rp.evaluate([res.best], case.claim, res.cashflow, pushed).iloc[0]
            for k in ("expected_npv", "enforcement_npv", "margin"):
                assert row[k] == pytest.approx(other[k], rel=1e-12), (name, side, k)
    base = rp.evaluate([res.best], case.claim, res.cashflow, case.creditor).iloc[0]
    assert s.base["enforcement_npv"] == pytest.approx(base["enforcement_npv"], rel=1e-12)
    ax = s.tornado("enforcement_npv")  # one bar per assumption and side that was pushed
    assert len(ax.patches) == 2 * len({a for a, _ in t.index})


def test_the_sample_cases_break_even_recovery_gives_equal_values(sample):
    case, res, _ = sample
    x = rp.break_even(res.best, case.claim, res.cashflow, case.creditor, "recovery_rate")
    assert 0.03 < x < 1 and x == round(x, 9)
    pushed = case.creditor.replace(enforcement=case.creditor.enforcement.pushed("recovery_rate", x))
    row = rp.evaluate([res.best], case.claim, res.cashflow, pushed).iloc[0]
    assert row["expected_npv"] == pytest.approx(row["enforcement_npv"], rel=1e-6)
    # and it is a crossing: enforcement below it loses, above it wins
    for y, sign in ((x - 0.01, 1), (x + 0.01, -1)):
        c = case.creditor.replace(enforcement=case.creditor.enforcement.pushed("recovery_rate", y))
        r = rp.evaluate([res.best], case.claim, res.cashflow, c).iloc[0]
        assert sign * (r["expected_npv"] - r["enforcement_npv"]) > 0


# a settlement against a path that collects a deposit: which wins depends on every assumption
SETTLE = rp.Plan(settlement_discount=0.3, settlement_by=3)
AMPLE = rp.CashFlow([400_000.0] * 6, start="2026-02")


def bank(**procedure):
    sec = Security(
        collateral=[Collateral("cash", appraisal=700_000, kind="deposits")], unsecured_recovery=0.5
    )
    return rp.Creditor(
        0.06, rp.Enforcement.from_security(sec, CLAIM, exact=True, procedure=Procedure(**procedure))
    )


def gap(creditor, claim=CLAIM):
    row = rp.evaluate([SETTLE], claim, AMPLE, creditor).iloc[0]
    return row["expected_npv"] - row["enforcement_npv"]


@pytest.mark.parametrize("assumption", ["recovery_rate", "costs", "delay_months"])
def test_break_even_on_a_path_re_evaluated_gives_equal_values(assumption):
    creditor = bank(lawyer_fee=10_000)
    x = rp.break_even(SETTLE, CLAIM, AMPLE, creditor, assumption)
    enf = creditor.enforcement
    if assumption == "delay_months":
        # between whole months the path is the mixture of the two: linear in the fraction
        lo, f = math.floor(x), x - math.floor(x)
        a, b = (gap(creditor.replace(enforcement=enf.pushed(assumption, m))) for m in (lo, lo + 1))
        assert a * b <= 0 and (1 - f) * a + f * b == pytest.approx(0, abs=1e-6 * float(CLAIM.total))
    else:
        assert abs(gap(creditor.replace(enforcement=enf.pushed(assumption, x)))) < 1e-6 * float(
            CLAIM.total
        )
        step = 0.01 if assumption == "recovery_rate" else 1_000.0
        below, above = (
            gap(creditor.replace(enforcement=enf.pushed(assumption, x + d))) for d in (-step, step)
        )
        # more recovery helps enforcement (the gap falls); dearer enforcement helps the plan
        assert (below > 0 > above) if assumption == "recovery_rate" else (below < 0 < above)


def test_break_even_on_a_path_says_when_there_is_none():
    weak = rp.Creditor(
        0.06, rp.Enforcement.from_security(Security(collateral=[FLAT]), CLAIM, exact=True)
    )
    with pytest.raises(InfeasibleError, match="stays above"):
        rp.break_even(SETTLE, CLAIM, AMPLE, weak, "costs")
    with pytest.raises(InputError, match="delay_months"):  # shorter than the procedure can be
        rp.break_even(SETTLE, CLAIM, AMPLE, bank(), "delay_months", bracket=(0, 40))


def test_the_quick_form_reads_its_fields():
    enf = rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000)
    for name, value in (("recovery_rate", 0.6), ("delay_months", 24), ("costs", 70_000)):
        assert enf.pushed(name, value) == enf.replace(**{name: value})
        assert enf.pushed(name, value).assumption(name) == value
    with pytest.raises(InputError, match="name"):
        enf.pushed("discount_rate", 0.1)


# ----------------------------------------------------------------------------------------
# a figure that rounds to zero has no sign
# ----------------------------------------------------------------------------------------
def test_a_negative_zero_prints_without_its_sign():
    assert format_metric("modification_gain", -0.0017) == "0.00"
    assert format_metric("expected_npv", -1e-9) == "0.00"
    assert format_metric("irr", -1e-7) == "0.00%"
    assert format_metric("recovery_rate", -1e-5) == "0.0%"
    assert format_metric("months_short", -0.01) == "0.0"
    assert format_metric("modification_gain", -0.01) == "-0.01"


def test_suggest_prints_no_negative_zero(tmp_path, capsys):
    from repayplan.cli import main

    case = tmp_path / "case.toml"
    assert main(["demo", "--write-case", str(case)]) == 0
    capsys.readouterr()
    assert main(["suggest", str(case)]) == 0
    out = capsys.readouterr().out
    assert "Modification gain" in out
    assert not any(w.strip("*") in ("-0.00", "-0.0%", "-0.00%") for w in out.split())
