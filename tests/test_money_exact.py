"""One money representation (#14): exact amounts where a user sees them, and the int64 bound.

Oracles: the plans' own cent-exact schedules summed in ``Decimal`` (what evaluate reports must
be those sums, digit for digit); the shaped-payment equation solved in ``Fraction`` by direct
summation and rounded half-up in ``Decimal`` (independent of the engine's integer Horner
evaluation); Python's unbounded integers for sums past int64.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import money
from repayplan.errors import InputError
from repayplan.evaluate import format_metric
from repayplan.kernel import MAX_AMOUNT_MINOR

CLAIM = rp.Claim(
    principal=1_000_000,
    interest=30_000,
    penalty=12_000,
    fees=3_000,
    annual_rate=0.0435,
    as_of=date(2026, 12, 1),
)
CF = rp.CashFlow.project(base=60_000, months=120, seed=1)
BANK = rp.Creditor(0.06, rp.Enforcement(recovery_rate=0.5, delay_months=18, costs=50_000))
MONEY_COLUMNS = ("peak_payment", "total_paid", "total_waived")

plans = st.builds(
    rp.Plan,
    term=st.integers(2, 72),
    annual_rate=st.one_of(st.none(), st.sampled_from([0.0, 0.0365, 0.0435, 0.1234])),
    penalty_waiver=st.sampled_from([0.0, 0.3, 1.0]),
    interest_waiver=st.sampled_from([0.0, 0.5]),
    haircut=st.sampled_from([0.0, 0.05]),
    capitalize_arrears=st.booleans(),
    down_payment=st.sampled_from([0, 10_000, 123_456.78, Decimal("0.01")]),
    method=st.sampled_from(["level", "equal_principal"]),
)


# ---------------------------------------------------------------------------------------
# 1. evaluate: amounts paid and waived are exact Decimals, the sums of the schedules
# ---------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.lists(plans, min_size=1, max_size=4))
def test_amounts_paid_and_waived_are_the_schedules_sums_to_the_cent(plan_list):
    out = rp.evaluate(plan_list, CLAIM, CF, BANK, check_rules=False)
    for i, plan in enumerate(plan_list):
        s = plan.schedule(CLAIM)
        pays = list(s.table["payment"])  # Decimal, period 0 (signing) included
        row = out.iloc[i]
        for key in MONEY_COLUMNS:
            assert type(row[key]) is Decimal, key
        assert row["total_paid"] == sum(pays, Decimal(0)) == s.total_paid
        assert row["peak_payment"] == max(pays)
        assert row["total_waived"] == s.terms["waived"]
        # the claim reconciles: what is paid plus what is waived is the claim plus the interest
        assert row["total_paid"] + row["total_waived"] == CLAIM.total + s.total_interest


def test_one_evaluation_reads_the_same_exact_amounts():
    plan = rp.Plan(term=24, penalty_waiver=0.5)
    ev = rp.evaluate(plan, CLAIM, CF, BANK)
    s = plan.schedule(CLAIM)
    assert type(ev.total_paid) is Decimal and ev.total_paid == s.total_paid
    assert ev["total_waived"] == Decimal("6000.00")  # half the 12,000.00 penalty, by hand
    assert ev.peak_payment == max(s.table["payment"])
    # the analytics stay floats
    assert isinstance(ev.expected_npv, float) and isinstance(ev.min_cash, float)


def test_the_columns_are_decimal_columns_and_convert_to_float_deliberately():
    out = rp.evaluate([rp.Plan(term=12), rp.Plan(term=36)], CLAIM, CF, BANK)
    for key in MONEY_COLUMNS:
        assert isinstance(out[key].dtype, pd.ArrowDtype), key
        assert str(out[key].dtype) == "decimal128(38, 2)[pyarrow]"
    exact = [
        s.total_paid for s in (rp.Plan(term=12).schedule(CLAIM), rp.Plan(term=36).schedule(CLAIM))
    ]
    assert out["total_paid"].astype(float).tolist() == [float(x) for x in exact]
    # pytest.approx with an int works on Decimal; with a float it raises (float - Decimal)
    assert out["total_waived"].iloc[0] == pytest.approx(0)
    with pytest.raises(TypeError):
        assert out["total_paid"].iloc[0] == pytest.approx(float(exact[0]))


def test_a_float_would_lose_the_cents_the_decimal_column_keeps():
    # 90 trillion at 18 %: the total paid is above 2**53 fen, where a float cannot hold cents
    claim = rp.Claim(
        principal=Decimal("90000000000000.37"), annual_rate=0.18, as_of=date(2026, 12, 1)
    )
    cf = rp.CashFlow([1e13] * 60, start="2027-01")
    plan = rp.Plan(term=60)
    out = rp.evaluate([plan], claim, cf, rp.Creditor(), check_rules=False)
    exact = plan.schedule(claim).total_paid
    assert exact * 100 > 2**53
    assert out["total_paid"].iloc[0] == exact == sum(plan.schedule(claim).table["payment"])
    as_float = plan_batch_float_sum(plan, claim)
    assert Decimal(repr(as_float)).quantize(Decimal("0.01")) != exact  # what the float gave


def plan_batch_float_sum(plan, claim) -> float:
    b = rp.plans.plan_batch([plan], claim)
    return float((b.payments.astype(float) / 100).sum())


def test_format_metric_prints_an_exact_amount_exactly():
    assert format_metric("total_paid", Decimal("1234567.89")) == "1,234,567.89"
    assert format_metric("total_waived", Decimal("-0.00")) == "0.00"
    assert format_metric("recovery_rate", Decimal("0.9123")) == "91.2%"
    # 2**53 + 1 fen: a float would print ...992.00
    assert format_metric("total_paid", Decimal(2**53 + 1) / 100) == "90,071,992,547,409.93"


def test_compare_and_negotiate_read_the_exact_columns():
    c = rp.compare([rp.Plan(term=24, name="a"), rp.Plan(term=48, name="b")], CLAIM, CF, BANK)
    assert c.table.loc["total_paid", "a"] == rp.Plan(term=24).schedule(CLAIM).total_paid
    assert c.better.loc["total_paid", "a"] and not c.better.loc["total_paid", "b"]


# ---------------------------------------------------------------------------------------
# 2. Plan.down_payment exact; shaped payments in integers
# ---------------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15 - 1), st.integers(min_value=0, max_value=2))
def test_the_down_payment_is_the_decimal_typed(digits, places):
    d = Decimal(digits).scaleb(-places)
    p = rp.Plan(down_payment=d)
    assert isinstance(p.down_payment, Decimal) and p.down_payment == d
    # a plan with the same amount typed as text or as a float is the same plan
    assert rp.Plan(down_payment=str(d)) == p and hash(rp.Plan(down_payment=str(d))) == hash(p)
    assert eval(repr(p), {"Plan": rp.Plan}) == p  # repr prints the digits, as typed


def test_the_down_payment_reads_as_typed():
    p = rp.Plan(term=12, down_payment=16_666.67)
    assert type(p.down_payment) is money.Amount and repr(p.down_payment) == "16666.67"
    assert p.down_payment == Decimal("16666.67") and p.down_payment == 16_666.67
    assert repr(p) == "Plan(term=12, down_payment=16666.67)"
    assert repr(rp.Plan(down_payment=50_000.0)) == "Plan(down_payment=50000)"
    assert p.terms(CLAIM).signing == 1_666_667  # fen, exactly
    assert p.down_payment + 1 == Decimal("16667.67")


def test_amount_by_hand():
    a = money.Amount("1000.010")
    assert str(a) == "1000.01" and a == Decimal("1000.01") and a != 1000.02 and a != float("nan")
    assert money.Amount(0.1) == Decimal("0.1") and money.Amount(0.1) == 0.1  # by its text
    assert Decimal(0.1) != money.Amount(0.1)
    assert money.Amount(7) == 7 and hash(money.Amount(7)) == hash(7)
    assert f"{money.Amount(1234567.5):,}" == "1,234,567.5"
    # the order agrees with the equality (the binary 16666.67 is a hair above 16666.67)
    b = money.Amount(16666.67)
    assert b <= 16666.67 and b >= 16666.67 and not b < 16666.67 and not b > 16666.67
    assert b < 16666.68 and b > 16666.66 and b < float("inf") and not b > float("inf")
    assert sorted([16666.68, b, 16666.66]) == [16666.66, b, 16666.68]
    with pytest.raises(InputError):
        money.Amount("abc")


def _half_up(x: Fraction) -> int:
    with localcontext() as ctx:
        ctx.prec = 120
        return int(
            (Decimal(x.numerator) / Decimal(x.denominator)).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )


def shaped_oracle(plan, claim, B: int) -> list[int]:
    """The payments of months grace+1 .. term-1 by the plan's equation, in Fraction."""
    rate = plan.annual_rate if plan.annual_rate is not None else claim.annual_rate
    rho = Fraction(Decimal(str(rate))) / 12
    v = 1 / (1 + rho)
    m = plan.term - plan.grace
    s = Fraction(Decimal(repr(plan.step_up)))
    first = (claim.as_of.month + plan.grace) % 12
    weights = []
    for k in range(1, m + 1):
        w = (1 + s) ** ((k - 1) // 12)
        if plan.seasonal is not None:
            w *= Fraction(Decimal(repr(plan.seasonal[(first + k - 1) % 12])))
        weights.append(w)
    pv = sum(w * v**k for k, w in enumerate(weights, start=1))
    b = Fraction(Decimal(repr(plan.balloon)))
    p0 = (B - b * B * v**m) / pv
    return [_half_up(p0 * w) for w in weights[:-1]]


SEASONS = [None, tuple([0.8] * 9 + [1.6] * 3), tuple([1.5, 1.5] + [0.9] * 10)]


@settings(max_examples=60, deadline=None)
@given(
    principal=st.integers(1_000_00, 50_000_000_00),
    month=st.integers(1, 12),
    term=st.integers(2, 60),
    grace=st.integers(0, 4),
    grace_kind=st.sampled_from(["interest_only", "deferral"]),
    rate=st.sampled_from([0.0, 0.0365, 0.0435, 0.06, 0.1234]),
    balloon=st.sampled_from([0.0, 0.2, 0.5, 0.35]),
    step_up=st.sampled_from([0.0, 0.05, -0.1, 0.03]),
    seasonal=st.sampled_from(SEASONS),
)
def test_shaped_payments_are_the_exact_equation_rounded_half_up(
    principal, month, term, grace, grace_kind, rate, balloon, step_up, seasonal
):
    assume(grace < term - 1)
    assume(balloon or step_up or seasonal is not None)
    claim = rp.Claim(
        principal=Decimal(principal).scaleb(-2), annual_rate=0.05, as_of=date(2026, month, 1)
    )
    plan = rp.Plan(
        term=term,
        grace=grace,
        grace_kind=grace_kind,
        annual_rate=rate,
        balloon=balloon,
        step_up=step_up,
        seasonal=seasonal,
    )
    t = plan.schedule(claim).table
    pay = {int(p): x for p, x in zip(t["period"], t["payment"], strict=True)}
    opening = {int(p): x for p, x in zip(t["period"], t["opening_balance"], strict=True)}
    B = int(opening[grace + 1] * 100)  # the balance when amortisation starts (after deferral)
    want = shaped_oracle(plan, claim, B)
    got = [int(pay[grace + k] * 100) for k in range(1, term - grace)]
    assert got == want
    assert t["closing_balance"].iloc[-1] == 0


def test_a_shaped_tie_is_rounded_half_up_by_hand():
    # 0.10 at 0 % over 2 months with half left as a balloon: P0 = (10 - 5) / 2 = 2.5 fen,
    # half-up 3 fen (half-even would give 2); the last payment is the other 7 fen
    claim = rp.Claim(principal=Decimal("0.10"), annual_rate=0.05, as_of=date(2026, 12, 1))
    t = rp.Plan(term=2, annual_rate=0.0, balloon=0.5).schedule(claim).table
    assert list(t["payment"]) == [Decimal("0.00"), Decimal("0.03"), Decimal("0.07")]


def test_a_published_style_balloon_by_hand():
    # 120,000.00 at 6 % over 12 months, 30 % balloon: P0 = (120,000 - 36,000 / 1.005^12) / a_12
    claim = rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    s = rp.Plan(term=12, annual_rate=0.06, balloon=0.3).schedule(claim)
    v = 1 / Fraction(1005, 1000)
    p0 = (120_000_00 - Fraction(3, 10) * 120_000_00 * v**12) / sum(v**k for k in range(1, 13))
    assert s.payment == Decimal(_half_up(p0)).scaleb(-2) == Decimal("7409.58")
    assert s.table["principal"].sum() == 120_000


# ---------------------------------------------------------------------------------------
# 3. the int64 bound: an InputError beyond it, never a wrapped negative number
# ---------------------------------------------------------------------------------------
def test_sum_minor_is_exact_past_int64():
    a = np.full((2, 3), 2**62, dtype=np.int64)
    out = money.sum_minor(a, axis=1)
    assert [int(x) for x in out] == [3 * 2**62] * 2
    assert a.sum(axis=1)[0] < 0  # what int64 does
    assert money.sum_minor(np.array([[1, 2], [3, 4]])).dtype == np.int64


def test_decimal_column_holds_python_ints_and_refuses_beyond_38_digits():
    col = pd.Series(money.decimal_column(np.array([3 * 2**62, -1], dtype=object), 2))
    assert col.iloc[0] == Decimal(3 * 2**62).scaleb(-2) and col.iloc[1] == Decimal("-0.01")
    with pytest.raises(InputError, match="38 digits"):
        money.decimal_column(np.array([10**38], dtype=object), 2)
    with pytest.raises(InputError):
        money.decimal_column(np.array([1.5]), 2)


def test_total_paid_past_int64_is_exact_not_wrapped():
    # a quadrillion at 95 % over 100 years: 9.6 * 10**18 fen paid, past int64 (9.22 * 10**18)
    claim = rp.Claim(principal=10**15, annual_rate=0.05, as_of=date(2026, 12, 1))
    plan = rp.Plan(term=1200, annual_rate=0.95)
    b = rp.plans.plan_batch([plan], claim)
    assert b.payments.sum() < 0  # int64 wraps
    exact = sum(int(x) for x in b.payments[0])
    assert exact > 2**63
    out = rp.evaluate(
        [plan], claim, rp.CashFlow([1e14] * 1200, start="2027-01"), rp.Creditor(), check_rules=False
    )
    assert out["total_paid"].iloc[0] == Decimal(exact).scaleb(-2) > 0
    assert plan.schedule(claim).total_paid == Decimal(exact).scaleb(-2)


def test_a_claim_at_the_bound_is_planned_and_one_fen_beyond_is_refused():
    top = money.from_minor(MAX_AMOUNT_MINOR, 2)  # 1,000,000,000,000,000.00
    at = rp.Claim(principal=top, annual_rate=0.05, as_of=date(2026, 12, 1))
    s = rp.Plan(term=12).schedule(at)
    assert s.table["principal"].sum() == top
    beyond = rp.Claim(principal=top + Decimal("0.01"), annual_rate=0.05, as_of=date(2026, 12, 1))
    with pytest.raises(InputError, match=r"^claim\.total == .*int64 bound"):
        rp.Plan(term=12).schedule(beyond)
    with pytest.raises(InputError, match=r"^claim\.total"):
        rp.evaluate([rp.Plan(term=12)], beyond, CF, BANK)


def test_a_plan_whose_rows_pass_int64_is_refused_by_name():
    claim = rp.Claim(principal=10**15, annual_rate=0.05, as_of=date(2026, 12, 1))
    with pytest.raises(InputError, match=r"^plans\[0\] == .*int64 bound"):
        rp.plans.plan_batch(
            [rp.Plan(term=1200, annual_rate=0.24, grace=600, grace_kind="deferral")], claim
        )
    with pytest.raises(InputError, match=r"^plan == .*int64 bound"):
        rp.plans.plan_batch(
            [rp.Plan(term=1200, annual_rate=0.24, balloon=0.9, grace=300, grace_kind="deferral")],
            claim,
        )


def test_a_down_payment_at_and_beyond_its_bound():
    rp.Plan(down_payment=Decimal("9999999999999.99"))  # 15 significant digits
    rp.Plan(down_payment=Decimal("999999999999999"))
    with pytest.raises(InputError, match="15 significant digits"):
        rp.Plan(down_payment=Decimal("1000000000000000.01"))


def test_a_portfolio_principal_at_and_beyond_its_bound():
    # the book's amounts are float columns: below 10**13 yuan every fen is exact in a float;
    # a row beyond is reported in the errors table by name (the other rows are measured)
    from repayplan.portfolio import evaluate as evaluate_book
    from repayplan.portfolio import synthetic_book

    book = synthetic_book(2, seed=1)
    book.loc[0, "principal"] = 9_999_999_999_999.99
    res, err = evaluate_book(book, [rp.Plan(term=12)], progress=False, scenarios=4)
    assert len(res) == 2 and len(err) == 0
    paid = res.set_index("account_id")["total_paid"]
    assert float(paid.iloc[0]) > 9_999_999_999_999.99  # positive, not wrapped
    book.loc[0, "principal"] = 10_000_000_000_000.0
    res, err = evaluate_book(book, [rp.Plan(term=12)], progress=False, scenarios=4)
    assert len(res) == 1 and err["field"].tolist() == ["principal"]
    assert "below 10,000,000,000,000" in err["reason"].iloc[0]


@pytest.mark.parametrize(
    ("plan", "principal", "as_of"),
    [
        # plans where the float formula that was replaced is a fen off (bench_money.py)
        (rp.Plan(term=295, annual_rate=0.06, balloon=0.3), "406950301000.00", date(2026, 9, 1)),
        (rp.Plan(term=261, annual_rate=0.12, step_up=0.05), "842347117000.00", date(2026, 9, 1)),
    ],
)
def test_where_the_float_formula_was_a_fen_off_the_integers_match_the_fraction_oracle(
    plan, principal, as_of
):
    claim = rp.Claim(principal=Decimal(principal), annual_rate=0.05, as_of=as_of)
    t = plan.schedule(claim).table
    B = int(Decimal(principal) * 100)
    want = shaped_oracle(plan, claim, B)
    got = [int(x * 100) for x in t["payment"].iloc[1 : plan.term]]
    assert got == want


def test_amortize_many_says_what_its_amount_columns_hold():
    # rows=True defaults to int64 minor units: the frame says so (attrs), as do the others
    loans = pd.DataFrame(
        {"principal": [1200.0, 2400.0], "annual_rate": [0.12, 0.06], "periods": [12, 24]}
    )
    rows = rp.amortize_many(loans, rows=True)
    assert rows.attrs["amounts"] == "minor" and rows["payment"].dtype == np.int64
    assert int(rows["payment"].iloc[0]) == 10662  # 106.62 yuan in fen
    assert rp.amortize_many(loans).attrs["amounts"] == "decimal"
    assert rp.amortize_many(loans, amounts="minor").attrs["amounts"] == "minor"
    assert rp.amortize_many(loans, rows=True, amounts="arrow").attrs["amounts"] == "arrow"
    assert rp.amortize_many(loans.iloc[:0], rows=True).attrs["amounts"] == "minor"
