"""Round-3 hardening: a plan's amounts, sequences, ids, sheets and texts at the boundary.

The oracles: exact Decimal arithmetic for what a plan may hold (an amount with at most 2
decimals and 15 significant digits survives the float a Plan keeps, digit for digit), the
hand-computed delay interest of the ledger's docstring (100,000.00 yuan for 365 days at
1.75 per 10,000 a day: 6,387.50), and the library's own error naming the field.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import ledger, money, statements, tracking
from repayplan._validate import check_id, check_sequence, check_sheet
from repayplan.errors import InputError
from repayplan.plans import PLAN_MAX_DECIMALS, PLAN_MAX_SIGNIFICANT

AS_OF = dt.date(2026, 12, 1)
CLAIM = rp.Claim(principal=120_000, annual_rate=0.06, as_of=AS_OF)


# ---------------------------------------------------------------------------------------
# a plan's down payment: refused at construction when no currency could hold it
# ---------------------------------------------------------------------------------------
def test_plan_refuses_a_third_decimal_at_construction():
    with pytest.raises(
        InputError, match=r"^down_payment == 1000\.005, must be an amount with at most 2 "
    ):
        rp.Plan(down_payment=1000.005)
    for v in (Decimal("1000.005"), "1000.005", Decimal("0.001")):
        with pytest.raises(InputError, match="down_payment"):
            rp.Plan(down_payment=v)


def test_plan_keeps_an_amount_of_cents_exactly():
    p = rp.Plan(term=12, down_payment=Decimal("1000.010"))
    assert Decimal(repr(p.down_payment)) == Decimal("1000.01")
    # the schedule's signing payment is the down payment to the fen (arrears capitalised)
    assert p.terms(CLAIM).signing == 100_001


def test_plan_refuses_digits_a_float_would_lose():
    with pytest.raises(InputError, match="15 significant digits"):
        rp.Plan(down_payment=Decimal("123456789012345678.91"))


def test_currency_with_fewer_decimals_is_checked_when_applied():
    yen = rp.Claim(principal=1_200_000, annual_rate=0.03, as_of=AS_OF, currency="JPY")
    plan = rp.Plan(term=12, down_payment=1000.5)  # valid for a plan: 2 decimals at most
    with pytest.raises(InputError, match=r"^plan\.down_payment == .*at most 0 decimal places"):
        plan.schedule(yen)
    assert rp.Plan(term=12, down_payment=1000).terms(yen).signing == 1000


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**PLAN_MAX_SIGNIFICANT - 1),
    st.integers(min_value=0, max_value=PLAN_MAX_DECIMALS),
)
def test_every_amount_of_cents_survives_the_plan(digits, places):
    d = Decimal(digits).scaleb(-places)
    p = rp.Plan(down_payment=d)
    assert Decimal(repr(float(p.down_payment))) == d  # exact: nothing was rounded


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=9))
def test_every_third_decimal_is_refused(units, third):
    d = Decimal(units).scaleb(-2) + Decimal(third).scaleb(-3)  # e.g. 1234.56 + 0.007
    with pytest.raises(InputError, match="down_payment"):
        rp.Plan(down_payment=d)


def test_search_takes_its_down_payments_to_the_cent():
    space = rp.SearchSpace(term=[12], down_payment=rp.Range(0, 50_000, 4))
    got = [p.down_payment for p in space.plans()]
    # 50,000 / 3 = 16,666.666... -> 16,666.67 and 33,333.333... -> 33,333.33 (half-up)
    assert got == [0, 16_666.67, 33_333.33, 50_000]
    assert space.make({"down_payment": 16_666.665}).down_payment == 16_666.67


# ---------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["abc", {"a": 1}, 5, None, np.bool_(True), np.zeros((2, 2))])
def test_check_sequence_refuses_what_is_not_a_list(bad):
    with pytest.raises(InputError, match=r"(?s)^agreements == .*must be a list of"):
        check_sequence("agreements", bad, "agreements")


def test_check_sequence_takes_lists_tuples_arrays_and_series():
    assert check_sequence("x", (1, 2), "x") == [1, 2]
    assert check_sequence("x", np.array([3]), "x") == [3]
    assert check_sequence("x", pd.Series([4]), "x") == [4]
    with pytest.raises(InputError, match="non-empty"):
        check_sequence("x", [], "x", allow_empty=False)


@pytest.mark.parametrize("bad", [0, -1, 2.5, 3.0, True, "abc", None, Decimal("NaN"), 2**63])
def test_check_id_refuses_what_is_not_an_id(bad):
    with pytest.raises(InputError, match="^case_id == "):
        check_id("case_id", bad)


@pytest.mark.parametrize("bad", [-1, 2.5, True, float("nan"), "", "x" * 32, [0], None])
def test_check_sheet_refuses_bad_sheets(bad):
    with pytest.raises(InputError, match="^sheet == "):
        check_sheet("sheet", bad)


# ---------------------------------------------------------------------------------------
# statements
# ---------------------------------------------------------------------------------------
TEXT = "交易日期,借方金额,贷方金额,余额,对方户名\n2026-01-05,,12000.00,62000.00,甲公司\n"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sheet": 1}, "sheet"),
        ({"sheet": "Sheet1"}, "sheet"),
        ({"encoding": ""}, "encoding"),
        ({"encoding": "no-such-codec"}, "encoding"),
        ({"encoding": 5}, "encoding"),
        ({"header_row": -1}, "header_row"),
        ({"header_row": 2.5}, "header_row"),
        ({"header_row": 9}, "header_row"),
    ],
)
def test_read_statement_checks_its_options(kwargs, field):
    with pytest.raises(InputError, match=f"^{field} == "):
        statements.read_statement(io.StringIO(TEXT), **kwargs)


@pytest.mark.parametrize("bad", [None, 5, {}, float("nan")])
def test_read_statement_refuses_what_is_not_a_file(bad):
    with pytest.raises(InputError, match="^path == "):
        statements.read_statement(bad)


def test_read_statement_is_bounded_before_parsing():
    wide = ",".join(["x"] * 200_000) + "\n" + TEXT  # took minutes to refuse before
    with pytest.raises(InputError, match="at most 2,000 columns"):
        statements.read_statement(io.StringIO(wide))
    with pytest.raises(InputError, match="at most 20,000,000 bytes"):
        statements.read_statement(io.BytesIO(b"x" * (statements.MAX_STATEMENT_BYTES + 1)))


def test_read_statement_names_a_missing_worksheet():
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["date", "amount"])
    wb.active.append(["2026-01-05", "12.00"])
    buf = io.BytesIO()
    wb.save(buf)
    assert len(statements.read_statement(io.BytesIO(buf.getvalue()), sheet="Sheet")) == 1
    for sheet in (3, "nope"):
        with pytest.raises(InputError, match="^sheet == "):
            statements.read_statement(io.BytesIO(buf.getvalue()), sheet=sheet)


def test_opening_balance_is_named_when_it_does_not_reconcile():
    lines = pd.DataFrame({"date": ["2026-01-05"], "amount": ["12000.00"], "balance": ["62000.00"]})
    # the balance before the line is 62,000.00 - 12,000.00 = 50,000.00
    assert statements.monthly(lines, opening_balance="50000.00")["opening"].iloc[0] == Decimal(
        "50000.00"
    )
    with pytest.raises(InputError, match=r"^opening_balance == 0, must be .*: 50000\.00"):
        statements.monthly(lines, opening_balance=0)


# ---------------------------------------------------------------------------------------
# ledger, tracking, money
# ---------------------------------------------------------------------------------------
def test_delay_accrual_takes_whole_numbers_only():
    # 10,000,000 fen x 175/1,000,000 a day x 365 days = 638,750 fen (hand computed)
    assert ledger.delay_accrual(10_000_000, 365) // ledger.DELAY_RATE.denominator == 638_750
    assert ledger.delay_interest(100_000, dt.date(2027, 1, 1), dt.date(2028, 1, 1)) == Decimal(
        "6387.50"
    )
    for field, kwargs in (
        ("debt", {"debt": None, "days": 1}),
        ("days", {"debt": 1, "days": {}}),
        ("debt", {"debt": 10**5000, "days": 1}),
        ("days", {"debt": 1, "days": 2.5}),
        ("debt", {"debt": True, "days": 1}),
        ("days", {"debt": 1, "days": -1}),
        ("debt", {"debt": "5", "days": 1}),
    ):
        with pytest.raises(InputError, match=f"^{field}"):
            ledger.delay_accrual(**kwargs)


def test_read_payments_checks_its_dates():
    with pytest.raises(InputError, match="^start == "):
        ledger.read_payments([], 4.35, AS_OF, 2)
    with pytest.raises(InputError, match="^as_of == "):
        ledger.read_payments([], AS_OF, "2026-13-45", 2)


def test_many_agreements_are_a_sequence():
    ag = rp.Agreement(rp.Plan(term=12), CLAIM, signed=AS_OF)
    day = dt.date(2027, 3, 1)
    for fn in (tracking.status_many, tracking.figures_many):
        for bad in ("abc", 5, None, {}):
            with pytest.raises(InputError, match="^agreements == "):
                fn(bad, day, [[]])
            with pytest.raises(InputError, match="^payments == "):
                fn([ag], day, bad)
    with pytest.raises(InputError, match="^minor == "):
        tracking.status_many([ag], day, [[]], minor="False")
    assert len(tracking.status_many([], day, [])) == 0
    # the i-th payment list is named as such
    with pytest.raises(InputError, match=r"^payments\[0\] == 5"):
        tracking.figures_many([ag], day, [5])


def test_read_csv_checks_its_encoding():
    for bad in (5, "", "utf-99"):
        with pytest.raises(InputError, match="^encoding == "):
            rp.CashFlow.read_csv(io.BytesIO(b"month,sales_revenue\n2026-01,1\n"), encoding=bad)
    cf = rp.CashFlow.read_csv(
        io.BytesIO("month,sales_revenue\n2026-01,1\n".encode("gbk")), encoding="GBK"
    )
    assert cf.months == 1


@pytest.mark.parametrize("bad", ["", "abc", None, {}, float("nan"), True])
def test_grouped_refuses_what_is_not_a_number(bad):
    with pytest.raises(InputError, match="^amount == "):
        money.grouped(bad)


def test_grouped_shows_the_amount_exactly():
    assert money.grouped(Decimal("-1200.50")) == "-1,200.50"
    assert money.grouped("1234567.89") == "1,234,567.89"


# ---------------------------------------------------------------------------------------
# cashflow provenance and texts
# ---------------------------------------------------------------------------------------
def test_provenance_texts_and_backtest_names():
    from repayplan.cashflow import BACKTEST_FIGURES, Provenance

    assert Provenance("data", backtest={"mape": 0.1}).backtest == (("mape", 0.1),)
    with pytest.raises(InputError, match="^backtest == "):
        Provenance("data", backtest={"mapee": 0.1})
    for field in ("description", "model", "calibration"):
        with pytest.raises(InputError, match=f"^{field} == "):
            Provenance("data", **{field: "\ud800"})
    with pytest.raises(InputError, match=r"^notes\[1\] == "):
        Provenance("data", notes=("ok", "a\x00b"))
    with pytest.raises(InputError, match="^text == "):
        Provenance("data").with_override("")
    assert set(BACKTEST_FIGURES) == {"coverage_90", "mape", "naive_coverage_90", "naive_mape"}


def test_adjust_label_and_statement_source_are_text():
    cf = rp.CashFlow([100.0, 100.0, 100.0], start="2027-01")
    with pytest.raises(InputError, match="^label == "):
        cf.adjust(0, label="x" * 20_000)
    lines = pd.DataFrame({"date": ["2026-01-05"], "amount": ["12.00"]})
    with pytest.raises(InputError, match="^source == "):
        rp.CashFlow.from_transactions(lines, source=5)


# ---------------------------------------------------------------------------------------
# the register
# ---------------------------------------------------------------------------------------
@pytest.fixture()
def register(tmp_path):
    from repayplan.register import Register

    reg = Register(tmp_path / "r.sqlite", user="ana")
    cid = reg.save(rp.Case.sample())
    aid = reg.sign(cid, plan="Bank proposal", signed=dt.date(2026, 7, 15))
    yield reg, cid, aid
    reg.close()


def test_register_checks_before_any_query(register):
    reg, cid, aid = register
    calls = [
        ("base", lambda: reg.save(rp.Case.sample(), base=1)),  # base without case_id
        ("session", lambda: reg.save(rp.Case.sample(), session="abc")),
        ("format", lambda: reg.save(rp.Case.sample(), format=np.array(["toml"]))),
        ("minutes", lambda: reg.meeting(cid, [], minutes="x" * 200_001)),
        ("text", lambda: reg.note(cid, "\ud800")),
        ("entity", lambda: reg.audit(entity="cases")),
        ("signed", lambda: reg.sign(cid, plan="Bank proposal", signed=None)),
        (
            "name",
            lambda: reg.sign(cid, plan="Bank proposal", signed=dt.date(2026, 7, 15), name="a\x00b"),
        ),
        ("currency", lambda: reg.pay(aid, dt.date(2026, 8, 1), 100, currency=np.array(["CNY"]))),
        ("memo", lambda: reg.pay(aid, dt.date(2026, 8, 1), 100, memo="\ud800")),
        ("reference", lambda: reg.pay(aid, dt.date(2026, 8, 1), 100, reference="r" * 10_001)),
        ("agreements", lambda: reg.status(dt.date(2026, 8, 1), agreements="1")),
        ("agreements[0]", lambda: reg.status(dt.date(2026, 8, 1), agreements=[0])),
        ("case_id", lambda: reg.version(2.5)),
        ("case_id", lambda: reg.version(10**12)),
    ]
    before = len(reg.audit())
    for field, call in calls:
        with pytest.raises(InputError) as e:
            call()
        assert str(e.value).startswith(f"{field} == "), str(e.value)
    assert len(reg.audit()) == before  # nothing was written
    assert len(reg.payments(aid)) == 0


def test_register_user_is_bounded_text(tmp_path):
    from repayplan.register import Register

    for bad in ("u" * 201, "\ud800", "", 5):
        with pytest.raises(InputError, match="^user == "):
            Register(tmp_path / "r.sqlite", user=bad)


def test_register_import_refuses_a_sheet_for_a_csv(tmp_path, register):
    reg, _, aid = register
    f = tmp_path / "st.csv"
    f.write_text(
        f"agreement,date,amount,reference\n{aid},2026-08-01,606.00,B-1\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="^sheet == 1, must be 0 .*st.csv is read as CSV"):
        reg.import_payments(f, sheet=1)
    assert reg.import_payments(f).booked == 1
