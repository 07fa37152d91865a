"""The one ledger (issue 13): an independent exact reference, and a test per audit finding.

The reference below (:class:`Ref`) is written from the documented rules alone (the module
docstrings of ``repayplan.ledger`` and ``repayplan.claim``), in :class:`fractions.Fraction`
and plain Python lists; it imports nothing from repayplan but the obligations it replays
(the due dates and amounts of the contractual schedule, which are data, not the ledger).

Rules it implements:

* Events by date; on one day the acceleration first, then payments in the order given.
* From the day after its due date, the unpaid principal of an instalment bears penalty at
  ``rp × days / 360`` and (where the rule set charges compound interest) its unpaid contract
  interest bears compound interest at the same rate; both carried exactly, stated rounded
  half-up; a penalty paid exactly as stated is settled (its sub-fen remainder dropped).
* A payment (plus credit) pays what is due on its date: costs of realising the claim first
  (Art. 561, in every order), oldest first; then by class (fees; penalty, compound, interest;
  principal), oldest first within a class and in that kind order on one date — or, by
  instalment, oldest instalment first and by class within it.
* What is left pays the current period's interest accrued to date (``I_k × elapsed / days``,
  half-up), then principal of the remaining instalments, which shrink pro rata (largest
  remainders), their interest still to accrue scaled by ``left / balance`` (half-up).
  Anything beyond is credit.
* Acceleration: the current period's accrued interest and all principal fall due that day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import rules
from repayplan.errors import InputError
from repayplan.tracking import Agreement


# ----------------------------------------------------------------------------------------
# the independent reference
# ----------------------------------------------------------------------------------------
def rnd(x: F) -> int:
    """Half-up to an integer (x >= 0 here, but written for any sign)."""
    if x < 0:
        return -rnd(-x)
    return int((x * 2 + 1) // 2)


def cents(amount) -> int:
    return int(F(str(amount)) * 100)


class Ref:
    """A loan's instalments replayed against dated payments in exact fractions."""

    CLASS_ORDER = [["fees"], ["penalty", "compound", "interest"], ["principal"]]

    def __init__(
        self,
        start,
        rows,
        penalty_rate,
        compound,
        by="class",
        costs=(),
        fees=(),
        policy="exact",
        grace=0,
        overpayment="principal",
    ):
        self.rp = F(str(penalty_rate))
        self.policy = policy
        self.grace = dt.timedelta(days=grace)
        self.overpayment = overpayment
        self.compound = compound
        self.by = by
        self.t = start
        prev = start
        self.rows = []
        for due, interest, principal in rows:
            self.rows.append(
                {
                    "due": due,
                    "begin": prev,
                    "acc0": 0,
                    "I": interest,
                    "ip": 0,
                    "P": principal,
                    "pen": F(0),
                    "comp": F(0),
                    "wpen": F(0),
                    "wcomp": F(0),
                }
            )
            prev = due
        self.charges = [{"date": d, "kind": "costs", "amt": a, "paid": 0} for d, a in costs]
        self.charges += [{"date": d, "kind": "fees", "amt": a, "paid": 0} for d, a in fees]
        self.charges.sort(key=lambda c: c["date"])
        self.credit = 0
        self.paid_in = 0

    # time
    def accrued(self, r, t) -> int:
        span = (r["due"] - r["begin"]).days
        gone = (t - r["begin"]).days
        return r["acc0"] + rnd(F(r["I"] - r["acc0"]) * gone / span)

    def accrue(self, t):
        if t <= self.t:
            return
        for r in self.rows:
            if r["due"] < t:
                days = (t - max(r["due"], self.t)).days
                r["wpen"] += self.grow(F(r["P"]), days)  # waits while within grace days
                if self.compound:
                    r["wcomp"] += self.grow(F(r["I"] - r["ip"]), days)
        self.t = t
        self.charge(t)

    def charge(self, t):
        """Grace days over before t: what waited is owed."""
        for r in self.rows:
            if r["due"] + self.grace < t:
                r["pen"] += r["wpen"]
                r["comp"] += r["wcomp"]
                r["wpen"] = r["wcomp"] = F(0)

    def grow(self, amount, days):
        """exact: carried; per_stretch: this stretch rounded; per_day: each day rounded."""
        if self.policy == "per_day":
            return days * rnd(amount * self.rp / 360)
        exact = amount * self.rp * days / 360
        return F(rnd(exact)) if self.policy == "per_stretch" else exact

    def current(self, t):
        for j, r in enumerate(self.rows):
            if r["due"] > t:
                return j
        return len(self.rows)

    # events
    def accelerate(self, t):
        self.accrue(t)
        k = self.current(t)
        if k >= len(self.rows):
            return
        r = self.rows[k]
        r["I"] = self.accrued(r, t)
        r["P"] = sum(x["P"] for x in self.rows[k:])
        r["due"] = t
        del self.rows[k + 1 :]

    def pay(self, t, amount):
        self.accrue(t)
        self.paid_in += amount
        money = amount + self.credit
        # costs first, in every order
        for c in self.charges:
            if c["kind"] == "costs" and c["date"] <= t:
                x = min(money, c["amt"] - c["paid"])
                c["paid"] += x
                money -= x
        buckets = []  # (sort key, kind, object)
        for c in self.charges:
            if c["kind"] == "fees" and c["date"] <= t:
                buckets.append((c["date"], 0, 0, "fees", c))
        for r in self.rows:
            if r["due"] <= t:
                for pos, kind in enumerate(["penalty", "compound", "interest"]):
                    buckets.append((r["due"], 1, pos, kind, r))
                buckets.append((r["due"], 2, 0, "principal", r))
        if self.by == "class":
            buckets.sort(key=lambda b: (b[1], b[0], b[2]))
        else:
            buckets.sort(key=lambda b: (b[0], b[1], b[2]))
        for _, _, _, kind, obj in buckets:
            if kind == "fees":
                x = min(money, obj["amt"] - obj["paid"])
                obj["paid"] += x
            elif kind in ("penalty", "compound"):
                owed = rnd(obj["pen" if kind == "penalty" else "comp"])
                x = min(money, owed)
                key = "pen" if kind == "penalty" else "comp"
                obj[key] = F(0) if (x == owed and x > 0) else obj[key] - x
            elif kind == "interest":
                x = min(money, obj["I"] - obj["ip"])
                obj["ip"] += x
            else:
                x = min(money, obj["P"])
                obj["P"] -= x
            money -= x
        k = self.current(t)
        if money > 0 and k < len(self.rows) and self.overpayment == "next":
            for q in self.rows[k:]:  # the next instalments in full, one after another
                x = min(money, q["I"] - q["ip"])
                q["ip"] += x
                money -= x
                x = min(money, q["P"])
                q["P"] -= x
                money -= x
        elif money > 0 and k < len(self.rows):
            r = self.rows[k]
            a = self.accrued(r, t)
            x = min(money, max(0, a - r["ip"]))
            r["ip"] += x
            money -= x
            balance = sum(q["P"] for q in self.rows[k:])
            if money > 0 and balance > 0:
                xp = min(money, balance)
                money -= xp
                left = balance - xp
                r["I"] = a + rnd(F(r["I"] - a) * left / balance)
                r["begin"], r["acc0"] = t, a
                for q in self.rows[k + 1 :]:
                    q["I"] = rnd(F(q["I"]) * left / balance)
                parts = [q["P"] for q in self.rows[k:]]
                exact = [F(p * left, balance) for p in parts]
                new = [int(e) for e in exact]
                short = left - sum(new)
                order = sorted(range(len(parts)), key=lambda j: (-(exact[j] - new[j]), j))
                for j in order[:short]:
                    new[j] += 1
                for q, v in zip(self.rows[k:], new, strict=True):
                    q["P"] = v
        self.credit = money
        for q in self.rows:  # paid in full within its grace days: what waited is waived
            if q["I"] == q["ip"] and q["P"] == 0 and q["due"] + self.grace >= t:
                q["wpen"] = q["wcomp"] = F(0)

    def run(self, as_of, payments, accelerate=None):
        events = [(d, 1, i, a) for i, (d, a) in enumerate(payments)]
        if accelerate is not None:
            events.append((accelerate, 0, 0, None))
        for d, kind, _, a in sorted(events, key=lambda e: (e[0], e[1], e[2])):
            if kind == 0:
                self.accelerate(d)
            else:
                self.pay(d, a)
        self.accrue(as_of)
        if self.credit and any(c["amt"] > c["paid"] for c in self.charges if c["date"] <= as_of):
            self.pay(as_of, 0)
        return self

    def figures(self, as_of) -> dict:
        due = [r for r in self.rows if r["due"] <= as_of]
        k = self.current(as_of)
        i_cur = self.accrued(self.rows[k], as_of) - self.rows[k]["ip"] if k < len(self.rows) else 0
        overdue_i = sum(r["I"] - r["ip"] for r in due)
        unearned = 0
        if self.overpayment == "next":  # interest paid ahead and not yet earned pays principal
            ahead = sum(r["ip"] for r in self.rows[k:])
            earned = (
                min(self.rows[k]["ip"], self.accrued(self.rows[k], as_of))
                if k < len(self.rows)
                else 0
            )
            unearned = ahead - earned
            i_cur = max(0, i_cur)
        pen = sum(rnd(r["pen"]) for r in self.rows)
        comp = sum(rnd(r["comp"]) for r in self.rows)
        live = [c for c in self.charges if c["date"] <= as_of]
        principal, credit = sum(r["P"] for r in self.rows) - unearned, self.credit
        if principal < 0:
            credit, principal = credit - principal, 0
        return {
            "principal": principal,
            "overdue_principal": min(sum(r["P"] for r in due), principal),
            "interest": overdue_i + i_cur,
            "overdue_interest": overdue_i,
            "penalty": pen + comp,
            "compound": comp,
            "fees": sum(c["amt"] - c["paid"] for c in live),
            "credit": credit,
        }


def claim_figures(c) -> dict:
    return {
        k: cents(getattr(c, k))
        for k in (
            "principal",
            "overdue_principal",
            "interest",
            "overdue_interest",
            "penalty",
            "compound",
            "fees",
            "credit",
        )
    }


def schedule_rows(table, dates="date"):
    return [
        (d.date(), cents(i), cents(p))
        for d, i, p in zip(table[dates], table["interest"], table["principal"], strict=True)
    ]


# ----------------------------------------------------------------------------------------
# random histories
# ----------------------------------------------------------------------------------------
@st.composite
def histories(draw, with_charges=True):
    periods = draw(st.integers(1, 12))
    method = draw(st.sampled_from(["level", "equal_principal", "interest_only"]))
    rate = D(draw(st.integers(0, 1800))) / 10000
    ruleset = draw(st.sampled_from(["cn-bank", "generic", "generic-by-instalment"]))
    rs = {
        "cn-bank": "cn-bank",
        "generic": "generic",
        "generic-by-instalment": rules.generic(allocation_by="installment"),
    }[ruleset]
    markup = (
        draw(st.sampled_from([D("0.3"), D("0.4"), D("0.5")]))
        if ruleset == "cn-bank"
        else draw(st.sampled_from([D("0"), D("0.5"), D("1")]))
    )
    start = draw(st.dates(dt.date(2021, 1, 1), dt.date(2026, 6, 30)))
    policy = draw(st.sampled_from(["exact", "exact", "per_stretch", "per_day"]))
    loan = rp.Loan(
        principal=D(draw(st.integers(1_00, 500_000_00))) / 100,
        annual_rate=rate,
        periods=periods,
        start=start,
        method=method,
        penalty_markup=markup,
        rules=rs,
        accrual_rounding=policy,
    )
    table = loan.schedule().table
    span = periods * 31 + 200
    as_of = start + dt.timedelta(days=draw(st.integers(0, span)))
    days = (as_of - start).days
    pays = []
    for _ in range(draw(st.integers(0, 8))):
        d = start + dt.timedelta(days=draw(st.integers(0, days)))
        kind = draw(st.sampled_from(["instalment", "partial", "zero", "fen", "over", "random"]))
        inst = cents(table["payment"].iloc[draw(st.integers(0, periods - 1))])
        amount = {
            "instalment": inst,
            "partial": inst // 3,
            "zero": 0,
            "fen": 1,
            "over": 2 * inst + 77,
            "random": draw(st.integers(0, 3 * inst + 1)),
        }[kind]
        pays.append((d, D(amount) / 100))
    costs, fees = [], []
    if with_charges:
        for _ in range(draw(st.integers(0, 2))):
            costs.append(
                (
                    start + dt.timedelta(days=draw(st.integers(0, days))),
                    D(draw(st.integers(0, 300_00))) / 100,
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            fees.append(
                (
                    start + dt.timedelta(days=draw(st.integers(0, days))),
                    D(draw(st.integers(0, 100_00))) / 100,
                )
            )
    acc = draw(st.one_of(st.none(), st.integers(0, days)))
    acc = None if acc is None or not with_charges else start + dt.timedelta(days=acc)
    return loan, as_of, pays, costs, fees, acc


def reference_for_loan(loan, as_of, pays, costs, fees, acc):
    ref = Ref(
        loan.start,
        schedule_rows(loan.schedule().table),
        loan.penalty_rate,
        loan.rules.compound_interest,
        by=loan.rules.allocation_by,
        costs=[(d, cents(a)) for d, a in costs],
        fees=[(d, cents(a)) for d, a in fees],
        policy=loan.accrual_rounding,
    )
    return ref.run(as_of, [(d, cents(a)) for d, a in pays], acc).figures(as_of)


@settings(max_examples=150, deadline=None)
@given(case=histories())
@example(
    case=(
        rp.Loan(
            1000,
            D("0.0435"),
            1,
            dt.date(2025, 12, 1),
            method="interest_only",
            penalty_markup=D("0.5"),
            rules="cn-bank",
        ),
        dt.date(2026, 1, 31),
        [(dt.date(2026, 1, 1), D("0.01")), (dt.date(2026, 1, 1), 0)],
        [(dt.date(2026, 1, 20), D("50"))],
        [],
        None,
    )
)
def test_loan_claim_equals_the_exact_reference_to_the_fen(case):
    loan, as_of, pays, costs, fees, acc = case
    c = loan.claim(as_of, pays, costs=costs, fees=fees, accelerate=acc)
    assert claim_figures(c) == reference_for_loan(loan, as_of, pays, costs, fees, acc)


def agreement_like(loan):
    claim = rp.Claim(
        principal=loan.principal,
        annual_rate=loan.annual_rate,
        as_of=loan.start,
        penalty_rate=loan.penalty_rate,
        rules=loan.rules,
    )
    plan = rp.Plan(method=loan.method, term=loan.periods, annual_rate=loan.annual_rate)
    return Agreement(plan, claim, overpayment="principal", accrual_rounding=loan.accrual_rounding)


@settings(max_examples=100, deadline=None)
@given(case=histories(with_charges=False))
def test_agreement_status_and_loan_claim_agree_with_the_reference(case):
    loan, as_of, pays, _, _, _ = case
    positive = [p for p in pays if p[1] > 0]
    assume(len(set(positive)) == len(positive))  # an agreement refuses a payment listed twice
    ag = agreement_like(loan)
    rows = schedule_rows(ag.instalments(), dates="due_date")
    assume(rows == schedule_rows(loan.schedule().table))  # the same obligations
    ref = (
        Ref(
            loan.start,
            rows,
            ag.penalty_rate,
            ag.rules.compound_interest,
            by=ag.rules.allocation_by,
            policy=ag.accrual_rounding,
        )
        .run(as_of, [(d, cents(a)) for d, a in pays])
        .figures(as_of)
    )
    from_loan = claim_figures(loan.claim(as_of, pays))
    from_agreement = claim_figures(ag.claim(as_of, pays))
    assert from_loan == from_agreement == ref
    st_ = ag.status(as_of, pays)
    assert cents(st_.penalty) == ref["penalty"]
    assert cents(st_.credit) == ref["credit"]
    assert cents(st_.arrears) == ref["overdue_principal"] + ref["overdue_interest"]


@settings(max_examples=100, deadline=None)
@given(case=histories(with_charges=False), grace=st.sampled_from([0, 3, 10]))
def test_agreement_with_grace_days_and_overpayments_to_the_next_instalments_equals_the_reference(
    case, grace
):
    loan, as_of, pays, _, _, _ = case
    positive = [p for p in pays if p[1] > 0]
    assume(len(set(positive)) == len(positive))
    claim = rp.Claim(
        principal=loan.principal,
        annual_rate=loan.annual_rate,
        as_of=loan.start,
        penalty_rate=loan.penalty_rate,
        rules=loan.rules,
    )
    ag = Agreement(
        rp.Plan(method=loan.method, term=loan.periods, annual_rate=loan.annual_rate),
        claim,
        grace_days=grace,
        accrual_rounding=loan.accrual_rounding,
    )  # overpayment "next"
    rows = schedule_rows(ag.instalments(), dates="due_date")
    ref = Ref(
        loan.start,
        rows,
        ag.penalty_rate,
        ag.rules.compound_interest,
        by=ag.rules.allocation_by,
        policy=ag.accrual_rounding,
        grace=grace,
        overpayment="next",
    )
    fig = ref.run(as_of, [(d, cents(a)) for d, a in pays]).figures(as_of)
    assert claim_figures(ag.claim(as_of, pays)) == fig
    st_ = ag.status(as_of, pays)
    assert cents(st_.penalty) == fig["penalty"]
    assert cents(st_.arrears) == sum(
        r["I"] - r["ip"] + r["P"] for r in ref.rows if r["due"] <= as_of
    )


@settings(max_examples=40, deadline=None)
@given(
    cases=st.lists(
        st.tuples(
            histories(with_charges=False),
            st.sampled_from([0, 3, 10]),
            st.sampled_from(["next", "next", "principal"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_many_agreements_replayed_at_once_equal_each_replayed_alone(cases):
    from repayplan import ledger
    from repayplan.tracking import figures_many

    ags, pays = [], []
    as_of = max(c[0][1] for c in cases)
    for (loan, _, p, _, _, _), grace, over in cases:
        positive = [x for x in p if x[1] > 0]
        if len(set(positive)) != len(positive):
            continue
        claim = rp.Claim(
            principal=loan.principal,
            annual_rate=loan.annual_rate,
            as_of=loan.start,
            penalty_rate=loan.penalty_rate,
            rules=loan.rules,
        )
        ags.append(
            Agreement(
                rp.Plan(method=loan.method, term=loan.periods, annual_rate=loan.annual_rate),
                claim,
                grace_days=grace,
                overpayment=over,
                accrual_rounding=loan.accrual_rounding,
            )
        )
        pays.append(p)
    assume(ags)
    got = figures_many(ags, as_of, pays)
    for i, (ag, p) in enumerate(zip(ags, pays, strict=True)):
        alone = ledger.figures(ag.ledger(as_of, p), as_of)
        row = {
            k: cents(got.loc[i, k])
            for k in (
                "principal",
                "overdue_principal",
                "interest",
                "overdue_interest",
                "penalty",
                "compound",
                "credit",
            )
        }
        assert row == {k: alone[k] for k in row}
        st_ = ag.status(as_of, p)
        assert cents(got.loc[i, "arrears"]) == cents(st_.arrears)
        assert cents(got.loc[i, "penalty"]) == cents(st_.penalty)


# ----------------------------------------------------------------------------------------
# stated claims: the reference in closed form
# ----------------------------------------------------------------------------------------
def stated_reference(P, Po, Int, Io, pen, comp, r, rp_, as_of, maturity, to, compound):
    """A stated claim rolled forward: contract interest on principal not due until maturity,
    then everything overdue; penalty on overdue principal, compound on overdue interest."""
    r, rp_ = F(str(r)), F(str(rp_))
    nd, acc = P - Po, Int - Io
    if maturity is None or maturity <= as_of or to <= maturity:
        n = (to - as_of).days
        dI = (
            rnd(F(nd) * r * n / 360)
            if (maturity is None or maturity <= as_of or to <= maturity)
            else 0
        )
        S = F(pen - comp) + F(Po) * rp_ * n / 360
        C = F(comp) + (F(Io) * rp_ * n / 360 if compound else 0)
        overdue_p = Po
        overdue_i = Io
        if maturity is not None and maturity > as_of and to == maturity:
            overdue_p, overdue_i = P, Int + dI
        return {
            "interest": Int + dI,
            "penalty": rnd(S) + rnd(C),
            "compound": rnd(C),
            "overdue_principal": overdue_p,
            "overdue_interest": overdue_i,
        }
    n1, n2, n = (maturity - as_of).days, (to - maturity).days, (to - as_of).days
    dI = rnd(F(nd) * r * n1 / 360)
    # two obligations (what was overdue, and what fell due at maturity), each stated rounded
    S0, S1 = F(pen - comp) + F(Po) * rp_ * n / 360, F(nd) * rp_ * n2 / 360
    C0 = F(comp) + (F(Io) * rp_ * n / 360 if compound else 0)
    C1 = F(acc + dI) * rp_ * n2 / 360 if compound else F(0)
    return {
        "interest": Int + dI,
        "penalty": rnd(S0) + rnd(S1) + rnd(C0) + rnd(C1),
        "compound": rnd(C0) + rnd(C1),
        "overdue_principal": P,
        "overdue_interest": Int + dI,
    }


@settings(max_examples=100, deadline=None)
@given(
    P=st.integers(1, 10**9),
    share=st.fractions(0, 1),
    Int=st.integers(0, 10**7),
    ishare=st.fractions(0, 1),
    pen=st.integers(0, 10**6),
    cshare=st.fractions(0, 1),
    rate=st.integers(0, 2000),
    markup=st.sampled_from([D("0.3"), D("0.5")]),
    mat=st.one_of(st.none(), st.integers(-30, 400)),
    steps=st.lists(st.integers(0, 90), min_size=1, max_size=5),
    ruleset=st.sampled_from(["cn-bank", "generic"]),
)
def test_stated_claims_roll_forward_as_the_reference_in_any_steps(
    P, share, Int, ishare, pen, cshare, rate, markup, mat, steps, ruleset
):
    as_of = dt.date(2026, 1, 1)
    Po, Io, comp = int(P * share), int(Int * ishare), int(pen * cshare)
    r = D(rate) / 10000
    maturity = None if mat is None else as_of + dt.timedelta(days=mat)
    c = rp.Claim(
        principal=D(P) / 100,
        overdue_principal=D(Po) / 100,
        interest=D(Int) / 100,
        overdue_interest=D(Io) / 100,
        penalty=D(pen) / 100,
        compound=D(comp) / 100,
        annual_rate=r,
        penalty_markup=markup if ruleset == "cn-bank" else None,
        rules=ruleset,
        as_of=as_of,
        maturity=maturity,
    )
    stepped, day = c, as_of
    for s in steps:
        day += dt.timedelta(days=s)
        stepped = stepped.accrue(day)
    once = c.accrue(day)
    ref = stated_reference(
        P,
        Po,
        Int,
        Io,
        pen,
        comp,
        r,
        c.penalty_rate,
        as_of,
        maturity,
        day,
        c.rules.compound_interest,
    )
    got = {k: cents(getattr(once, k)) for k in ref}
    assert got == ref
    assert {k: cents(getattr(stepped, k)) for k in ref} == ref  # path independent


# ----------------------------------------------------------------------------------------
# the audit findings, one regression test each
# ----------------------------------------------------------------------------------------
def test_a_stated_claim_falls_overdue_at_its_maturity():
    c = rp.Claim(
        principal=100000,
        annual_rate=D("0.06"),
        penalty_markup=D("0.5"),
        rules="cn-bank",
        as_of=dt.date(2026, 1, 1),
        maturity=dt.date(2026, 1, 15),
    ).accrue(dt.date(2026, 3, 1))
    # 14 days of contract interest: 100,000 x 6 % x 14 / 360 = 233.333 -> 233.33; then 45 days
    # (15 Jan to 1 Mar) of penalty at 9 %: 100,000 x 9 % x 45 / 360 = 1,125.00, and compound
    # interest on the 233.33: 233.33 x 9 % x 45 / 360 = 2.6250 -> 2.62 (half-up of 2.62496...)
    assert c.interest == D("233.33") and c.overdue_interest == D("233.33")
    assert c.overdue_principal == D("100000.00")
    assert c.penalty - c.compound == D("1125.00") and c.compound == D("2.62")


def test_accrual_is_path_independent_thirty_one_day_steps_equal_one_thirty_day_step():
    c = rp.Claim(
        principal=1000,
        overdue_principal=1000,
        annual_rate=D("0.0435"),
        penalty_markup=D("0.5"),
        rules="cn-bank",
        as_of=dt.date(2026, 1, 1),
    )
    stepped = c
    for _ in range(30):
        stepped = stepped.accrue(stepped.as_of + dt.timedelta(days=1))
    # 1,000 x 6.525 % x 30 / 360 = 5.4375 -> 5.44, whichever way
    assert stepped.penalty == c.accrue(dt.date(2026, 1, 31)).penalty == D("5.44")


def test_the_rounding_policy_is_named_and_per_day_or_per_stretch_on_request():
    base = dict(
        principal=1000,
        overdue_principal=1000,
        annual_rate=D("0.0435"),
        penalty_markup=D("0.5"),
        rules="cn-bank",
        as_of=dt.date(2026, 1, 1),
    )
    assert rp.Claim(**base).accrual_rounding == "exact"
    # per day: round(100,000 fen x 0.06525 / 360) = round(18.125) = 18 fen a day, 30 days: 5.40
    per_day = rp.Claim(**base, accrual_rounding="per_day").accrue(dt.date(2026, 1, 31))
    assert per_day.penalty == D("5.40")
    # per stretch: one stretch of 30 days is rounded once (5.44)
    assert rp.Claim(**base, accrual_rounding="per_stretch").accrue(
        dt.date(2026, 1, 31)
    ).penalty == D("5.44")
    with pytest.raises(InputError) as e:
        rp.Claim(**base, accrual_rounding="daily")
    assert e.value.field == "accrual_rounding"


def test_an_interest_free_plan_keeps_the_contract_penalty_rate():
    claim = rp.Claim(
        principal=120_000,
        annual_rate=D("0.0435"),
        penalty_markup=D("0.5"),
        rules="cn-bank",
        as_of=dt.date(2026, 12, 1),
    )
    ag = Agreement(rp.Plan(method="equal_principal", term=12, annual_rate=0), claim)
    assert ag.penalty_rate == claim.penalty_rate == D("0.06525")
    st_ = ag.status(dt.date(2027, 1, 31))  # instalment 1 (10,000.00) missed for 30 days
    assert st_.penalty == D("54.38")  # 10,000 x 6.525 % x 30 / 360 = 54.375 -> 54.38
    assert (
        Agreement(rp.Plan(method="equal_principal", term=12, annual_rate=0), claim, penalty_rate=0)
        .status(dt.date(2027, 1, 31))
        .penalty
        == 0
    )  # only when agreed


def test_the_annex_default_clause_is_generated_from_the_agreement():
    claim = rp.Claim(
        principal=120_000,
        annual_rate=D("0.0435"),
        penalty_markup=D("0.5"),
        rules="cn-bank",
        as_of=dt.date(2026, 12, 1),
    )
    ag = Agreement(
        rp.Plan(method="equal_principal", term=12, annual_rate=0),
        claim,
        grace_days=5,
        breach={"consecutive_misses": 3, "days_past_due": 60},
    )
    [en] = [
        c.text for c in rp.report.annex(ag.schedule, agreement=ag).clauses if c.key == "default"
    ]
    assert "6.525% a year" in en and "within 5 days" in en and "compound interest at 6.525%" in en
    assert "3 consecutive instalments missed" in en and "more than 60 days past due" in en
    [zh] = [
        c.text
        for c in rp.report.annex(ag.schedule, agreement=ag, lang="zh").clauses
        if c.key == "default"
    ]
    assert "年利率6.525%" in zh and "5日" in zh and "连续3期" in zh and "逾期超过60日" in zh
    # what the clause says is what the tracking charges: paid on day 5 of grace, no penalty
    on_time = ag.status(dt.date(2027, 1, 20), [(dt.date(2027, 1, 6), 10_000)])
    # (10,000 x 6.525 % x 5 / 360 = 9.0625 -> 9.06 waited in the grace days and is waived)
    assert on_time.penalty == 0 and on_time.penalty_waived == D("9.06")
    generic = rp.rules.generic(compound_interest=True, compound_rate="contract")
    c2 = rp.Claim(
        principal=1200,
        annual_rate=D("0.06"),
        rules=generic,
        penalty_rate=D("0.09"),
        as_of=dt.date(2026, 12, 1),
    )
    ag2 = Agreement(rp.Plan(method="equal_principal", term=2), c2)
    [text] = [
        c.text for c in rp.report.annex(ag2.schedule, agreement=ag2).clauses if c.key == "default"
    ]
    assert "compound interest at 6.00% a year until the last due date" in text


def test_compound_interest_at_the_contract_rate_during_the_term_then_penalty_rate():
    rs = rules.generic(compound_interest=True, compound_rate="contract")
    loan = rp.Loan(
        12_000,
        D("0.06"),
        2,
        dt.date(2026, 1, 1),
        method="equal_principal",
        penalty_rate=D("0.09"),
        rules=rs,
    )
    # instalment 1 (6,000 + 60.00 interest) unpaid from 1 Feb; the loan matures 1 Mar.
    # Compound on the 60.00: at 6 % for 28 days (to 1 Mar), at 9 % for 31 days (to 1 Apr);
    # instalment 2's 30.00 of interest at 9 % for 31 days.
    c = loan.claim(dt.date(2026, 4, 1))
    expect = (
        F(6000, 1) * F(6, 100) * 28 / 360
        + F(6000) * F(9, 100) * 31 / 360
        + F(3000) * F(9, 100) * 31 / 360
    )
    assert cents(c.compound) == rnd(expect)  # 0.28 + 0.465 + 0.2325 = 0.9775 -> 0.98
    default = rp.Loan(
        12_000,
        D("0.06"),
        2,
        dt.date(2026, 1, 1),
        method="equal_principal",
        penalty_rate=D("0.09"),
        rules=rules.generic(compound_interest=True),
    )
    assert default.rules.compound_rate == "penalty"  # the cn-bank default (银发〔2003〕251号 三)
    expect_p = F(6000) * F(9, 100) * 59 / 360 + F(3000) * F(9, 100) * 31 / 360
    assert cents(default.claim(dt.date(2026, 4, 1)).compound) == rnd(expect_p)
    assert rules.get("cn-bank").compound_rate == "penalty"


def test_costs_of_realising_the_claim_come_first_in_instalment_order_too():
    rs = rules.generic(allocation_by="installment")
    loan = rp.Loan(12_000, D("0.06"), 2, dt.date(2026, 1, 1), method="equal_principal", rules=rs)
    # instalment 1 due 1 Feb unpaid; litigation costs of 500 on 1 Mar; 600 paid on 2 Mar
    c = loan.claim(
        dt.date(2026, 3, 2), [(dt.date(2026, 3, 2), 600)], costs=[(dt.date(2026, 3, 1), 500)]
    )
    row = c.allocations.iloc[0]
    assert row["costs"] == D("500.00")  # Art. 561: costs first, although dated later
    assert c.enforcement_costs == 0


def test_a_zero_payment_is_one_rule_for_loans_and_agreements():
    loan = rp.Loan(
        12_000,
        D("0.06"),
        2,
        dt.date(2026, 1, 1),
        method="equal_principal",
        penalty_markup=D("0.5"),
        rules="cn-bank",
    )
    with_zero = loan.claim(dt.date(2026, 3, 1), [(dt.date(2026, 2, 10), 0)])
    assert claim_figures(with_zero) == claim_figures(loan.claim(dt.date(2026, 3, 1)))
    ag = agreement_like(loan)
    st0 = ag.status(dt.date(2026, 3, 1), [(dt.date(2026, 2, 10), 0)])
    assert st0.penalty == ag.status(dt.date(2026, 3, 1)).penalty == with_zero.penalty
    for call in (
        lambda p: loan.claim(dt.date(2026, 3, 1), p),
        lambda p: ag.status(dt.date(2026, 3, 1), p),
    ):
        with pytest.raises(InputError) as e:
            call([(dt.date(2026, 2, 10), -1)])
        assert e.value.field == "payments[0].amount"


def test_a_capped_rule_set_states_the_supported_claim_and_the_excess_apart():
    # cn-private, signed 2025-06-01 when the one-year LPR was 3.00 %: cap 12 %.  Interest-only
    # month at 15 % (1,250.00) supported at 12 % (1,000.00); 30 days overdue at 15 % penalty
    # (the contract rate, no overdue rate agreed: Art. 28) supported at 12 %: 1,000 not 1,250.
    loan = rp.Loan(
        100_000, D("0.15"), 1, dt.date(2025, 6, 1), method="interest_only", rules="cn-private"
    )
    c = loan.claim(dt.date(2025, 7, 31))
    assert c.annual_rate == D("0.1200") and c.penalty_rate == D("0.1200")
    assert c.interest == D("1000.00") and c.penalty == D("1000.00")
    assert c.excess_interest == D("500.00")
    assert c.total == D("102000.00")
    found = rules.check(c)
    assert any(
        f.rule == "cn-private.rate-cap" and "500.00" in f.message and "excess" in f.message
        for f in found
    )
    assert "第二十五条" in rules.get("cn-private").rule("rate-cap").citation
    # under cn-bank (no cap) nothing is set apart
    assert (
        rp.Loan(100_000, D("0.15"), 1, dt.date(2025, 6, 1), method="interest_only", rules="cn-bank")
        .claim(dt.date(2025, 7, 31))
        .excess_interest
        == 0
    )


def test_a_stated_claim_under_a_cap_accrues_at_the_supported_rates():
    # contract 2024-01-01 (LPR 3.45 %: cap 13.80 %), stated at 20 %: 31 days of interest to
    # maturity and 28 days of penalty (no overdue rate agreed: the contract rate, Art. 28)
    c = rp.Claim(
        principal=1000,
        annual_rate=D("0.2"),
        rules="cn-private",
        as_of=dt.date(2025, 1, 1),
        maturity=dt.date(2025, 2, 1),
        contract_date=dt.date(2024, 1, 1),
    )
    d = c.accrue(dt.date(2025, 3, 1))
    assert cents(d.interest) == rnd(F(100_000) * F(138, 1000) * 31 / 360) == 1188
    assert cents(d.penalty) == rnd(F(100_000) * F(138, 1000) * 28 / 360) == 1073
    contract = rnd(F(100_000) * F(2, 10) * 31 / 360) + rnd(F(100_000) * F(2, 10) * 28 / 360)
    assert cents(d.excess_interest) == contract - 1188 - 1073
    assert d.annual_rate == D("0.1380")
    stepped = c.accrue(dt.date(2025, 2, 10)).accrue(dt.date(2025, 3, 1))
    assert (stepped.penalty, stepped.excess_interest) == (d.penalty, d.excess_interest)


def test_a_private_loan_straddling_2020_08_20_is_split_at_that_date():
    # Signed 2020-07-01 at 30 %, interest-only month due 2020-08-01, unpaid to 2020-09-30.
    # Up to 2020-08-19 the old rules support 24 % (法释〔2015〕18号 Arts. 26, 29); from 2020-08-20
    # 4 x the LPR at the claim date, 4 x 3.85 % = 15.40 % (法释〔2020〕17号 Art. 31).
    loan = rp.Loan(
        100_000, D("0.30"), 1, dt.date(2020, 7, 1), method="interest_only", rules="cn-private"
    )
    c = loan.claim(dt.date(2020, 9, 30))
    interest = F(10_000_000) * F(24, 100) * 30 / 360 / 100  # July at 24 % (30/360 month)
    penalty = F(10_000_000) * (F(24, 100) * 19 + F(154, 1000) * 41) / 360  # 19 days, then 41
    assert cents(c.interest) == rnd(interest * 100) and c.interest == D("2000.00")
    assert cents(c.penalty) == rnd(penalty) == 302056
    assert c.annual_rate == c.penalty_rate == D("0.1540")
    contract = 250_000 + rnd(F(10_000_000) * F(30, 100) * 60 / 360)  # 2,500 + 5,000
    assert cents(c.excess_interest) == contract - cents(c.interest) - cents(c.penalty)
    assert "cn-private.transitional" in [f.rule for f in rules.check(c)]
    before = loan.claim(dt.date(2020, 8, 10))  # all before the change
    assert before.annual_rate == D("0.24") and before.penalty == D("600.00")  # 9 days at 24 %


def test_penalty_and_fees_together_are_flagged_under_art_29():
    c = rp.Claim(
        principal=100_000,
        overdue_principal=100_000,
        penalty=1_000,
        fees=500,
        annual_rate=D("0.10"),
        rules="cn-private",
        as_of=dt.date(2025, 9, 1),
        contract_date=dt.date(2025, 6, 1),
    )
    found = [f for f in rules.check(c) if f.rule == "cn-private.overdue-rate-cap"]
    assert found and "Art. 29" in found[0].message and found[0].value == D("1500.00")


def test_a_date_past_the_lpr_table_is_a_finding_naming_the_date():
    rs = rules.get("cn-private")
    late = rp.Claim(
        principal=1000,
        annual_rate=D("0.05"),
        rules="cn-private",
        as_of=dt.date(2030, 3, 1),
        contract_date=dt.date(2030, 1, 2),
    )
    found = [f for f in rules.check(late) if f.rule == "cn-private.lpr-table"]
    assert found and "2030-01-02" in found[0].message and "2026-01-20" in found[0].message
    extended = rs.with_lpr([("2029-12-20", D("0.028"))], through=dt.date(2030, 1, 20))
    ok = late.replace(rules=extended)
    assert not [f for f in rules.check(ok) if f.rule == "cn-private.lpr-table"]
    assert extended.rate_cap("2030-01-02") == D("0.112")
    covered = rp.Claim(
        principal=1000,
        annual_rate=D("0.05"),
        rules="cn-private",
        as_of=dt.date(2026, 2, 1),
        contract_date=dt.date(2025, 12, 1),
    )
    assert not [f for f in rules.check(covered) if f.rule == "cn-private.lpr-table"]


def test_the_lpr_table_can_be_extended_from_a_file(tmp_path):
    path = tmp_path / "lpr.csv"
    path.write_text(
        "# verified_through: 2030-06-20\ndate,lpr_1y\n2019-08-20,0.0425\n2030-05-20,0.0250\n",
        encoding="utf-8",
    )
    table = rules.load_lpr(path)
    assert table.attrs["through"] == dt.date(2030, 6, 20)
    rs = rules.get("cn-private").with_lpr(table, through=table.attrs["through"])
    assert rs.lpr_covers("2030-07-01") and rs.lpr_on("2030-07-01") == D("0.0250")


def test_the_shipped_lpr_fixings_match_the_published_announcements():
    # NIFC announcements (中国人民银行公告〔2019〕第15号 onward); the last checked: 2026-01-20,
    # unchanged at 3.00 % / 3.50 % since 2025-05-20 (Xinhua, 2025-12-22 and 2026-01-20).
    published = {
        "2019-08-20": "0.0425",
        "2019-09-20": "0.0420",
        "2019-11-20": "0.0415",
        "2020-02-20": "0.0405",
        "2020-04-20": "0.0385",
        "2021-12-20": "0.0380",
        "2022-01-20": "0.0370",
        "2022-08-22": "0.0365",
        "2023-06-20": "0.0355",
        "2023-08-21": "0.0345",
        "2024-07-22": "0.0335",
        "2024-10-21": "0.0310",
        "2025-05-20": "0.0300",
        "2025-12-22": "0.0300",
        "2026-01-20": "0.0300",
    }
    for day, rate in published.items():
        assert rules.lpr(day) == D(rate), day
    assert rules.get("cn-private").lpr_through == dt.date(2026, 1, 20)


def test_claim_and_rules_modules_no_longer_import_each_other():
    import ast
    import pathlib

    src = pathlib.Path(rules.__file__).read_text(encoding="utf-8")
    imported = {n.module for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ImportFrom)}
    assert "claim" not in imported
    from repayplan.calendar import months_between
    from repayplan.money import percent

    assert months_between(dt.date(2025, 1, 15), dt.date(2026, 7, 15)) == 18
    assert percent(D("0.06525")) == "6.525%"


def test_the_ledger_state_is_declared():
    import dataclasses

    from repayplan import ledger

    names = {f.name for f in dataclasses.fields(ledger.Ledger)}
    assert {"pen_n", "comp_n", "p_out", "i_paid", "credit", "ch_paid"} <= names
    assert set(ledger.Ledger._ROWS) <= names
