"""Compute once: the library reuses a plan's schedule and its rule findings.

Counted with monkeypatched counters on the library's own functions: the kernel's ``run``
(every schedule of ``plan_batch`` goes through it, so the loans it runs are the schedules
built) and ``rules._evaluate_rules`` (the work behind ``rules.check``).  The oracle for the
figures is a cold computation: the memos cleared, the same plans evaluated again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pandas as pd
import pytest

import repayplan as rp
from repayplan import kernel, plans, rules
from repayplan.case import Case


@pytest.fixture
def counters(monkeypatch):
    """Loans run by the kernel (one per schedule built) and rule evaluations, per object."""
    built: list = []
    checked: Counter = Counter()
    real_run, real_eval = kernel.run, rules._evaluate_rules

    def run(b, **kw):
        built.append(b.n)
        return real_run(b, **kw)

    def evaluate_rules(obj, claim, rs):
        checked[id(obj)] += 1
        return real_eval(obj, claim, rs)

    monkeypatch.setattr(kernel, "run", run)
    monkeypatch.setattr(rules, "_evaluate_rules", evaluate_rules)
    return built, checked


def cold():
    plans._SCHEDULES.clear()
    rules._FINDINGS.clear()


def test_dashboard_update_builds_the_changed_plan_once_and_checks_it_once(counters):
    pytest.importorskip("ipywidgets")
    from repayplan.notebook import Dashboard

    built, checked = counters
    case = Case.sample()
    dash = Dashboard(case)
    session = dash.session
    n_plans = len(session.plans)
    term = dash.columns[0].controls["term"]
    for value in ("41", "43"):  # terms no plan had: the changed plan is new each time
        built.clear()
        checked.clear()
        term.value = value
        assert session.plans[0].term == int(value)
        # one schedule built per changed plan (the kernel ran one loan), none for the others
        assert sum(built) == 1
        # each plan's rules evaluated at most once per update (only the changed one is new)
        assert max(checked.values()) == 1 and sum(checked.values()) <= n_plans
        assert sum(checked.values()) == 1
    # the figures shown are the library's, computed cold
    shown = session.view.frame
    cold()
    fresh = rp.evaluate(
        session.plans, case.claim, case.cashflow, case.creditor, borrower=session.borrower_side
    )
    pd.testing.assert_frame_equal(shown, fresh)
    assert [rules.check(p, case.claim) for p in session.plans] == session.view.findings


def test_plan_batch_reuses_schedules_and_hands_out_fresh_arrays(counters):
    built, _ = counters
    cold()
    claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    offers = [
        rp.Plan(term=12),
        rp.Plan(term=24, grace=3, grace_kind="deferral"),
        rp.Plan(term=36, balloon=0.3),
    ]
    first = plans.plan_batch(offers, claim)
    assert sum(built) == 3
    built.clear()
    again = plans.plan_batch(offers, claim)
    assert built == []  # nothing rebuilt
    for name in ("payments", "interest", "balance", "nrows"):
        np.testing.assert_array_equal(getattr(again, name), getattr(first, name))
    # each batch owns its arrays: writing into one leaves the memo and the other alone
    first.payments[0, 1] += 1
    assert again.payments[0, 1] == first.payments[0, 1] - 1
    assert plans.plan_batch(offers, claim).payments[0, 1] == again.payments[0, 1]
    # an equal plan built anew (a new object) is the same schedule: reused
    built.clear()
    plans.plan_batch([rp.Plan(term=12)], claim)
    assert built == []
    # one changed plan among unchanged ones: only it is built
    plans.plan_batch([offers[0], offers[1].replace(term=30), offers[2]], claim)
    assert built == [1]
    # the oracle: 120,000.00 over 12 months at 0.5 % a month, 10,327.97 a month
    # (120,000 x 0.005 / (1 - 1.005^-12) = 10,327.97), the same after the memo is cleared
    assert int(again.payments[0, 1]) == 1_032_797
    cold()
    np.testing.assert_array_equal(plans.plan_batch(offers, claim).payments, again.payments)


def test_a_different_claim_object_is_not_mistaken_for_the_first(counters):
    built, _ = counters
    cold()
    a = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    b = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    plans.plan_batch([rp.Plan(term=12)], a)
    built.clear()
    plans.plan_batch([rp.Plan(term=12)], b)  # equal by value, but a claim is matched by identity
    assert built == [1]


def test_rule_findings_are_reused_and_each_call_gets_its_own_list(counters):
    _, checked = counters
    cold()
    claim = rp.Claim(
        principal=100_000,
        annual_rate=0.24,
        penalty_rate=0.24,
        as_of=date(2026, 6, 30),
        rules="cn-private",
    )
    plan = rp.Plan(term=24)
    first = rules.check(plan, claim)
    assert first and checked[id(plan)] == 1
    first.clear()  # the caller's list, not the memo
    second = rules.check(rp.Plan(term=24), claim)  # an equal plan: reused
    assert sum(checked.values()) == 1 and second
    cold()
    assert rules.check(plan, claim) == second  # the cold computation agrees
    hard = [f for f in second if f.hard]
    if hard:  # strict still raises from the memo
        with pytest.raises(rp.errors.RuleViolation):
            rules.check(plan, claim, strict=True)
