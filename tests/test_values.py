"""The value objects: declared field checks, one ``__post_init__`` and one ``replace``.

Every value object of the package (:class:`repayplan._value.Value`) is frozen; ``replace``
runs the same checks as construction (a bad value names its field), refuses an unknown
field with an :class:`InputError` (not the ``TypeError`` of ``dataclasses.replace``), keeps
equality and hashing consistent, and copies without pickling.  The oracles are the messages
the hand-written ``__post_init__`` methods gave before the declared checks replaced them
(pinned literally), Python's own ``Decimal``/``float`` reading of the values, and the
hypothesis properties below.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import _value as _v
from repayplan.books import Books
from repayplan.cashflow import CashFlow, Provenance, Shock
from repayplan.claim import Claim, Loan
from repayplan.errors import InputError
from repayplan.evaluate import Borrower, Creditor, Enforcement
from repayplan.negotiate import Constraints, Range, Waterfall
from repayplan.plans import Plan
from repayplan.rules import RuleSet, get
from repayplan.security import Collateral, Guarantee, Procedure, Security

AS_OF = dt.date(2026, 12, 1)

# class: (a valid value, a field, a bad value for it, a good new value, how it is stored)
CASES = {
    Plan: (lambda: Plan(term=36, penalty_waiver=0.5), "term", 0, 48.0, 48),
    Claim: (
        lambda: Claim(principal=1_000_000, interest=30_000, annual_rate=0.0435, as_of=AS_OF),
        "annual_rate",
        4.35,
        0.05,
        Decimal("0.05"),
    ),
    Loan: (
        lambda: Loan(120_000, 0.06, 12, dt.date(2025, 1, 31)),
        "periods",
        0,
        24.0,
        24,
    ),
    Creditor: (lambda: Creditor(0.06), "discount_rate", -0.01, Decimal("0.08"), 0.08),
    Enforcement: (lambda: Enforcement(costs=50_000), "delay_months", 601, 12.0, 12),
    Borrower: (lambda: Borrower(0.12), "going_concern_loss", -1, 300_000, Decimal(300_000)),
    Constraints: (lambda: Constraints(max_term=60), "max_term", 0, 48.0, 48),
    RuleSet: (lambda: get("cn-bank"), "compound_rate", "simple", "contract", "contract"),
    Books: (lambda: Books(), "days_past_due", -1, 95.0, 95),
    Provenance: (lambda: Provenance("data", "typed in"), "kind", "guess", "history", "history"),
    CashFlow: (
        lambda: CashFlow([50_000.0, 42_000.0], start="2027-01"),
        "buffer",
        -1,
        5_000,
        5_000.0,
    ),
    Collateral: (
        lambda: Collateral("factory", appraisal=2_000_000, kind="real_estate"),
        "lien_rank",
        0,
        1.0,
        1,
    ),
    Guarantee: (
        lambda: Guarantee("owner", capacity=500_000, recovery_rate=0.4),
        "recovery_rate",
        1.5,
        "0.25",
        0.25,
    ),
    Security: (lambda: Security(unsecured_recovery=0.1), "unsecured_recovery", -0.1, 0.2, 0.2),
    Procedure: (lambda: Procedure(judgment_months=9), "sale_months", -1, 3.0, 3),
    Shock: (lambda: Shock(0.3, 0.4, start=6, duration=12), "probability", 1.5, "0.25", 0.25),
    Waterfall: (lambda: Waterfall(target="reduction", value=0.2), "max_term", 0, 60.0, 60),
    Range: (lambda: Range(0.03, 0.05, n=3), "n", 0, 5.0, 5),
}
CLASSES = list(CASES)
IDS = [c.__name__ for c in CLASSES]


def test_every_value_object_is_a_value():
    """One mechanism: each class subclasses Value and declares checked fields."""
    for cls in CLASSES:
        assert issubclass(cls, _v.Value) and dataclasses.is_dataclass(cls), cls
        assert cls._value_checks, f"{cls.__name__} declares no field check"
        # replace is Value's; Loan and Claim add their rules (markup, history) and delegate
        assert cls.replace is _v.Value.replace or cls in (Loan, Claim), cls
        assert "__post_init__" not in vars(cls), f"{cls.__name__} has its own __post_init__"


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_frozen(cls):
    make, name, *_ = CASES[cls]
    obj = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, name, getattr(obj, name))
    with pytest.raises(dataclasses.FrozenInstanceError):
        obj.brand_new_attribute = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_replace_checks_again_and_names_the_field(cls):
    make, name, bad, _, _ = CASES[cls]
    obj = make()
    with pytest.raises(InputError) as e:
        obj.replace(**{name: bad})
    assert e.value.field == name and str(e.value).startswith(f"{name} == ")
    # the same error as construction gives
    with pytest.raises(InputError) as built:
        dataclasses.replace(obj, **{name: bad})
    assert str(built.value) == str(e.value)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_replace_stores_the_new_value_normalised_and_leaves_the_original(cls):
    make, name, _, good, stored = CASES[cls]
    obj = make()
    before = getattr(obj, name)
    new = obj.replace(**{name: good})
    assert getattr(new, name) == stored and type(getattr(new, name)) is type(stored)
    assert getattr(obj, name) == before
    assert type(new) is cls and new is not obj


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_replace_of_an_unknown_field_is_an_input_error(cls):
    obj = CASES[cls][0]()
    with pytest.raises(InputError) as e:
        obj.replace(no_such_field=1)
    assert not isinstance(e.value, TypeError)
    assert e.value.field == "no_such_field"
    assert f"a field of {cls.__name__}: " in str(e.value)


def test_replace_of_a_derived_field_is_an_input_error():
    """``Claim.total`` is computed (``init=False``): dataclasses.replace would raise
    ValueError; replace names the field instead."""
    c = CASES[Claim][0]()
    with pytest.raises(InputError) as e:
        c.replace(total=5)
    assert e.value.field == "total"


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_equality_and_hash_are_consistent(cls):
    make, name, _, good, _ = CASES[cls]
    a, b = make(), make()
    assert a == b and a.replace() == a
    changed = a.replace(**{name: good})
    if getattr(changed, name) != getattr(a, name):
        assert changed != a
    if cls.__hash__ is None:  # Books (a dict of rates) and CashFlow (an array) on purpose
        with pytest.raises(TypeError):
            hash(a)
    else:
        assert hash(a) == hash(b) == hash(a.replace())
        assert len({a, b, a.replace()}) == 1


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_replace_does_not_go_through_pickle(cls, monkeypatch):
    """replace builds a new value through __init__ (checked again), never by pickling: with
    pickling disabled on the class it still gives a new, equal value."""
    obj = CASES[cls][0]()

    def refuse(self, protocol=None):
        raise AssertionError("pickled")

    for name in ("__reduce_ex__", "__reduce__", "__getstate__"):
        monkeypatch.setattr(cls, name, refuse, raising=False)
    new = obj.replace()
    assert new == obj and new is not obj


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_a_copy_is_the_value_itself(cls):
    """Immutable, so copy and deepcopy give the value back without pickling it (a Loan's
    read-only options mapping made deepcopy raise TypeError before)."""
    obj = CASES[cls][0]()
    assert copy.copy(obj) is obj and copy.deepcopy(obj) is obj
    box = copy.deepcopy({"v": [obj]})
    assert box["v"][0] is obj


def test_the_messages_are_those_of_the_hand_written_checks():
    """Pinned literally from the __post_init__ methods the declared checks replace."""
    cases = [
        (lambda: Plan(term=0), "term == 0, must be a whole number from 1 to 1200"),
        (lambda: Plan(grace=36), "grace == 36, must be fewer months than the term (36)"),
        (
            lambda: Plan(balloon=0.2, method="equal_principal"),
            "method == 'equal_principal', must be 'level' with balloon, step_up or seasonal "
            "shaping",
        ),
        (
            lambda: Plan(step_up=2),
            "step_up == 2, must be a yearly change from -0.5 to 1.0 (0.05 is +5% a year) "
            "(a rate is a fraction)",
        ),
        (
            lambda: Plan(seasonal=[1] * 11),
            "seasonal == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], must be 12 monthly weights "
            "(January..December)",
        ),
        (
            lambda: Plan(settlement_discount=1),
            "settlement_discount == 1, must be a fraction from 0 to below 1",
        ),
        (lambda: Constraints(min_dscr=-1), "min_dscr == -1, must be a ratio >= 0"),
        (lambda: Range(1, 0), "high == 0, must be a value >= low (1.0)"),
        (lambda: Enforcement(costs=-5), "costs == -5, must be an amount >= 0"),
        (
            lambda: Creditor(enforcement=None),
            "enforcement == None, must be a repayplan.Enforcement",
        ),
        (
            lambda: Collateral("x", appraisal=0, kind="deposits"),
            "appraisal == 0, must be a positive amount (the appraised value)",
        ),
        (
            lambda: Guarantee(" ", capacity=1),
            "name == ' ', must be a non-empty name for the guarantor",
        ),
        (lambda: Procedure(preserve=1), "preserve == 1, must be true or false"),
        (
            lambda: Provenance("history", history=(1.0,)),
            "history_start == None, must be the first month of history",
        ),
        (
            lambda: RuleSet("x", penalty_markup_range=(0.5, 0.3)),
            "penalty_markup_range == (0.5, 0.3), must be a pair (low, high) with 0 <= low <= high",
        ),
        (
            lambda: Claim(principal=100, annual_rate=0.05, as_of=AS_OF, origin=1),
            "origin == 'int', must be None or the repayplan.Claim this one was derived from",
        ),
        (
            lambda: Claim(
                principal=100, interest=5, overdue_interest=6, annual_rate=0.05, as_of=AS_OF
            ),
            "overdue_interest == Decimal('6.00'), must be an amount from 0 to interest (5.00)",
        ),
        (
            lambda: Loan(0, 0.05, 12, dt.date(2025, 1, 1)),
            "principal == Decimal('0.00'), must be an amount > 0",
        ),
    ]
    for make, message in cases:
        with pytest.raises(InputError) as e:
            make()
        assert str(e.value) == message


def test_the_reprs_are_as_before():
    """Pinned from the classes as they were before the declared checks (same normalisation,
    hence the same repr)."""
    cases = [
        (
            Plan(term=48, annual_rate=0.05, penalty_waiver=0.5, name="x"),
            "Plan('x': term=48, annual_rate=0.05, penalty_waiver=0.5)",
        ),
        (
            Borrower(0.12, going_concern_loss=300_000),
            "Borrower(discount_rate=0.12, going_concern_loss=Decimal('300000'))",
        ),
        (Range(0.03, 0.05, n=3), "Range(low=0.03, high=0.05, n=3)"),
        (
            Shock(0.3, 0.4, start=6),
            "Shock(probability=0.3, impact=0.4, start=6, duration=None, end=None, per='horizon', "
            "label='')",
        ),
        (
            Guarantee("owner", capacity=500_000),
            "Guarantee(name='owner', capacity=Decimal('500000.00'), recovery_rate=0.5, "
            "kind='joint', collection_months=6)",
        ),
        (
            Collateral("f", appraisal=2_000_000, kind="real_estate"),
            "Collateral(name='f', appraisal=Decimal('2000000.00'), kind='real_estate', lien_rank=1, "
            "prior_claims=Decimal('0.00'), haircut=0.2, time_to_sell=4, "
            "sale_probabilities=(0.4, 0.45, 0.35))",
        ),
        (
            Security(unsecured_recovery=0.1),
            "Security(collateral=(), guarantees=(), unsecured_recovery=0.1)",
        ),
        (
            Creditor(0.06, name="Bank"),
            "Creditor(discount_rate=0.06, enforcement=Enforcement(recovery_rate=0.5, "
            "delay_months=18, costs=Decimal('0')), name='Bank')",
        ),
        (
            Loan(1000, 0.05, 12, dt.date(2025, 1, 1)),
            "Loan(1,000.00 CNY at 5.00%, 12 level instalments (12 a year) from 2025-01-01, "
            "penalty 5.00%, rules 'generic')",
        ),
    ]
    for obj, text in cases:
        assert repr(obj) == text


def test_normalisation_is_as_before():
    p = Plan(term=36.0, annual_rate=Decimal("0.05"), haircut="0.1", waivers_conditional=np.True_)
    assert (p.term, p.annual_rate, p.haircut) == (36, 0.05, 0.1)
    assert type(p.term) is int and type(p.annual_rate) is float and type(p.haircut) is float
    assert p.waivers_conditional is True
    assert Plan(settlement_by="2027-03-31").settlement_by == dt.date(2027, 3, 31)
    assert Plan(settlement_by=np.int64(3)).settlement_by == 3
    assert Plan(seasonal=[1] * 12).seasonal == (1.0,) * 12
    c = Claim(principal=1_000, interest=10, annual_rate=0.06, as_of="2026-01-01", currency="cny")
    assert c.currency == "CNY" and c.as_of == dt.date(2026, 1, 1)
    assert c.annual_rate == Decimal("0.06") and c.principal == Decimal("1000.00")
    assert c.total == Decimal("1010.00") and c.rules is get("generic")
    assert Loan(1_000, 0.06, 12, dt.date(2025, 1, 1)).signed == dt.date(2025, 1, 1)
    k = Constraints(min_dscr=Decimal("1.1"), max_term=60.0, hard_rules=np.False_)
    assert (k.min_dscr, k.max_term, k.hard_rules) == (1.1, 60, False)
    assert type(k.max_term) is int and k.hard_rules is False
    assert Security(collateral=[]).collateral == ()
    assert Collateral("f", appraisal="100.005", kind="deposits").appraisal == Decimal("100.01")


# --------------------------------------------------------------------------------------------
# the mechanism itself
# --------------------------------------------------------------------------------------------
class _Offer(_v.Value):
    term: int = _v.field(default=36, check=_v.int_in(1, 1200))
    grace: int = _v.field(default=0, check=_v.int_in(0, 1199))
    rate: float | None = _v.field(default=None, check=_v.optional(_v.rate()))
    note: str = ""  # no check: stored as given

    def _check(self) -> None:
        if self.grace >= self.term:
            raise InputError("grace", self.grace, f"fewer months than the term ({self.term})")


def test_checks_run_in_declaration_order_then_the_hook():
    with pytest.raises(InputError) as e:
        _Offer(term=0, grace=-1)
    assert e.value.field == "term"  # declared first
    with pytest.raises(InputError) as e:
        _Offer(term=12, grace=12)
    assert e.value.field == "grace" and "fewer months than the term (12)" in str(e.value)
    o = _Offer(term=24.0, rate=Decimal("0.05"), note=5)  # type: ignore[arg-type]
    assert (o.term, o.rate, o.note) == (24, 0.05, 5) and type(o.rate) is float


def test_a_default_is_checked_once_but_an_equal_given_value_every_time():
    checked = []

    def spy(name, value):
        checked.append(value)
        return float(value)

    class Spied(_v.Value):
        share: float = _v.field(default=0.5, check=spy)  # stored unchanged: skipped later
        count: float = _v.field(default=1, check=spy)  # stored as 1.0: checked every time

    assert checked == [0.5, 1]  # at class creation
    checked.clear()
    Spied()
    assert checked == [1]
    checked.clear()
    s = Spied(share=0.25, count=2)
    assert checked == [0.25, 2] and (s.share, s.count) == (0.25, 2.0)


def test_a_default_the_check_would_restate_is_checked_every_time():
    """A fee default of ``Decimal(0)`` is stored as ``Decimal("0.00")`` (cents): equal, but
    not the same value to show, so it is never skipped; a float default the check returns
    as an equal new float is skipped (stored as the default object itself)."""
    assert str(Procedure().lawyer_fee) == "0.00" and str(Procedure().appraisal_fee) == "0.00"
    skipped = {name for name, _, d in Procedure._value_checks if d is not _v._UNCHECKED}
    assert "lawyer_fee" not in skipped and "second_cut" in skipped
    assert Plan().haircut == 0.0 and type(Plan().haircut) is float


def test_class_options_reach_the_dataclass():
    class Keyed(_v.Value, kw_only=True, eq=False):
        a: int = _v.field(check=_v.int_in(0))

    with pytest.raises(TypeError):
        Keyed(1)  # type: ignore[misc]
    assert Keyed(a=1) != Keyed(a=1)  # eq=False: identity


def test_value_replace_is_documented_once_with_an_example():
    assert ">>>" in (_v.Value.replace.__doc__ or "")


# --------------------------------------------------------------------------------------------
# hypothesis over the fields of Plan and Claim
# --------------------------------------------------------------------------------------------
fractions = st.floats(0, 1, allow_nan=False)


@st.composite
def plan_options(draw):
    term = draw(st.integers(1, 1200))
    kw = {
        "term": draw(st.sampled_from([term, float(term), Decimal(term)])),
        "grace": draw(st.integers(0, term - 1)),
        "annual_rate": draw(st.none() | st.floats(0, 1, allow_nan=False)),
        "penalty_waiver": draw(fractions),
        "interest_waiver": draw(fractions),
        "haircut": draw(fractions),
        "grace_kind": draw(st.sampled_from(["interest_only", "deferral"])),
        "name": draw(st.text(max_size=20)),
        "kind": draw(st.sampled_from(["restructuring", "extension", "refinancing"])),
    }
    return kw


def read(x: float) -> float:
    """A float as the library reads it: by its shortest repr, below 1E-30 as 0 (documented
    in ``repayplan._validate.as_decimal``)."""
    d = Decimal(repr(x))
    return 0.0 if d and d.adjusted() < -30 else float(d)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_options())
def test_plan_stores_what_was_given_normalised(kw):
    p = Plan(**kw)
    assert p.term == int(kw["term"]) and type(p.term) is int
    assert p.grace == kw["grace"] < p.term
    for k in ("penalty_waiver", "interest_waiver", "haircut"):
        assert getattr(p, k) == read(kw[k]) and type(getattr(p, k)) is float
    if kw["annual_rate"] is None:
        assert p.annual_rate is None
    else:
        assert p.annual_rate == read(kw["annual_rate"]) and type(p.annual_rate) is float
    # replacing every option by its own value is the same plan, with the same hash
    same = p.replace(**p.options())
    assert same == p and hash(same) == hash(p)
    assert Plan(**p.options(), name=p.name, kind=p.kind) == p


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 1200),
    st.sampled_from(["term", "grace", "penalty_waiver", "haircut", "annual_rate"]),
    st.one_of(
        st.integers(-(10**6), -1),
        st.integers(1201, 10**6),
        st.floats(1.0001, 1e6).filter(lambda x: x != int(x)),
        st.just(float("nan")),
        st.booleans(),
        st.just("x"),
    ),
)
def test_plan_replace_refuses_bad_values_by_name(term, name, bad):
    p = Plan(term=term)  # a grace >= the term is refused by the cross-field hook, by name
    with pytest.raises(InputError) as e:
        p.replace(**{name: bad})
    assert e.value.field == name


amounts = st.integers(0, 10**10).map(lambda c: Decimal(c).scaleb(-2))


@settings(max_examples=150, deadline=None)
@given(
    principal=st.integers(1, 10**10).map(lambda c: Decimal(c).scaleb(-2)),
    interest=amounts,
    penalty=amounts,
    fees=amounts,
    rate=st.decimals(0, 1, places=6),
)
def test_claim_total_and_replace(principal, interest, penalty, fees, rate):
    c = Claim(
        principal=principal,
        interest=interest,
        penalty=penalty,
        fees=fees,
        annual_rate=rate,
        as_of=AS_OF,
    )
    assert c.total == principal + interest + penalty + fees  # exact, to the cent
    assert c.annual_rate == rate
    assert c.replace() == c and hash(c.replace()) == hash(c)
    d = c.replace(penalty=0)
    assert d.total == c.total - penalty and c.penalty == penalty
    with pytest.raises(InputError) as e:
        c.replace(principal=-principal)
    assert e.value.field == "principal"
    with pytest.raises(InputError) as e:
        c.replace(interest=Decimal("0.001"))  # more decimals than CNY has
    assert e.value.field == "interest"


def test_the_package_exports_are_value_objects():
    for name in ("Plan", "Claim", "Loan", "Creditor", "Enforcement", "Borrower", "Constraints"):
        assert issubclass(getattr(rp, name), _v.Value), name


def test_a_claim_or_loan_at_rate_zero_replaces_to_an_equal_value():
    """Found by the property above: at a 0 contract rate the derived markup (0) became
    ``None`` on ``replace()``, so a claim was not equal to its own copy."""
    c = Claim(principal=100, annual_rate=0, as_of=AS_OF)
    assert c.penalty_markup == 0 and c.replace() == c and c.replace().penalty_markup == 0
    loan = Loan(1_000, 0, 12, dt.date(2025, 1, 1))
    assert loan.replace() == loan and hash(loan.replace()) == hash(loan)
    assert loan.replace(annual_rate=0.06).penalty_rate == Decimal("0.06")  # markup 0 kept
