"""Tests of repayplan.statements and the CashFlow doors built on it.

Oracles: monthly sums of statement lines recomputed here by hand with :class:`decimal.Decimal`
in plain Python loops (no numpy, no pandas groupby); balances rebuilt line by line; CFADS by
its definition ``EBITDA - tax - maintenance capex - increase in working capital`` computed with
Decimal; the even spread of an annual figure checked against ``divmod``.  Hypothesis generates
statements of random lines in whole fen.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repayplan import CashFlow
from repayplan.errors import InputError
from repayplan.statements import cfads, monthly, read_statement

# A current-account export as Chinese banks write it: account lines above the table,
# bracketed headers, thousands separators, a 合计 row at the end.
ICBC_STYLE = """\
账户名称,华东精密机械有限公司
账号,1001 2345 6789 0123 456
起止日期,2026-01-01至2026-03-31
交易日期,摘要,借方发生额（支取）,贷方发生额（收入）,余额,对方户名,对方账号
2026-01-05,货款,,"120,000.00","620,000.00",甲机械厂,6222001
2026-01-09,转账,"50,000.00",,"570,000.00",华东精密机械有限公司,6222999
2026-01-18,工资,"85,300.50",,"484,699.50",,
2026-01-28,贷款发放,,"300,000.00","784,699.50",某农村商业银行,8888
2026-02-10,货款,,"98,000.00","882,699.50",乙贸易公司,6222002
2026-02-20,还款,"30,000.00",,"852,699.50",某农村商业银行,8888
2026-03-15,货款,,"101,000.01","953,699.51",甲机械厂,6222001
2026-03-25,税费,"12,345.67",,"941,353.84",国家金库,
合计,,"177,646.17","619,000.01",,,
"""

# The same lines by hand: (month, signed amount, counterparty)
HAND = [
    ("2026-01", "120000.00", "甲机械厂"),
    ("2026-01", "-50000.00", "华东精密机械有限公司"),
    ("2026-01", "-85300.50", ""),
    ("2026-01", "300000.00", "某农村商业银行"),
    ("2026-02", "98000.00", "乙贸易公司"),
    ("2026-02", "-30000.00", "某农村商业银行"),
    ("2026-03", "101000.01", "甲机械厂"),
    ("2026-03", "-12345.67", "国家金库"),
]
OWN = "华东精密机械有限公司"
LENDER = "某农村商业银行"


def hand_net(own=(), lenders=()):
    net = defaultdict(Decimal)
    for month, amount, who in HAND:
        a = Decimal(amount)
        if who in own or (who in lenders and a > 0):
            continue
        net[month] += a
    return net


def test_read_statement_finds_the_header_below_account_lines_and_drops_the_total_row():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    assert list(lines["date"]) == [
        "2026-01-05", "2026-01-09", "2026-01-18", "2026-01-28",
        "2026-02-10", "2026-02-20", "2026-03-15", "2026-03-25",
    ]  # fmt: skip
    assert {
        "debit",
        "credit",
        "balance",
        "counterparty",
        "counterparty_account",
        "description",
    } <= set(lines.columns)
    assert lines["line"].tolist() == list(range(5, 13))  # the spreadsheet's row numbers
    assert lines["credit"].iloc[0] == "120,000.00"  # text: nothing converted to float


def test_monthly_net_by_hand_excluding_own_accounts_and_loan_proceeds():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    m = monthly(lines, own_accounts=[OWN], loan_proceeds=[LENDER])
    net = hand_net(own={OWN}, lenders={LENDER})
    assert [str(x) for x in m.index] == ["2026-01", "2026-02", "2026-03"]
    assert list(m["net"]) == [net["2026-01"], net["2026-02"], net["2026-03"]]
    assert list(m["net"]) == [Decimal("34699.50"), Decimal("68000.00"), Decimal("88654.34")]
    # the excluded lines still moved the balance: -50,000 transfer, +300,000 proceeds in January
    assert m["excluded"].tolist() == [Decimal("250000.00"), Decimal("0.00"), Decimal("0.00")]
    assert m["opening"].iloc[0] == Decimal("500000.00")  # 620,000.00 - 120,000.00
    assert m["closing"].tolist() == [
        Decimal("784699.50"),
        Decimal("852699.50"),
        Decimal("941353.84"),
    ]
    assert m["lines"].tolist() == [4, 2, 2]
    # inflows and outflows of kept lines, by hand
    assert m["inflows"].iloc[0] == Decimal("120000.00")
    assert m["outflows"].iloc[0] == Decimal("85300.50")


def test_repayment_to_a_lender_stays_as_an_outflow_only_proceeds_are_left_out():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    m = monthly(lines, loan_proceeds=[LENDER])
    assert m["net"].iloc[1] == Decimal("98000.00") - Decimal("30000.00")


def test_cashflow_from_transactions_is_the_exact_monthly_net_and_records_provenance():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    cf = CashFlow.from_transactions(
        lines, own_accounts=[OWN], loan_proceeds=[LENDER], source="icbc.csv"
    )
    net = hand_net(own={OWN}, lenders={LENDER})
    assert cf.to_series().tolist() == [float(net[k]) for k in ("2026-01", "2026-02", "2026-03")]
    assert str(cf.start) == "2026-01"
    p = cf.provenance
    assert p.kind == "statement" and "icbc.csv" in p.description and "8 lines" in p.description
    assert any("reconcile" in n for n in p.notes)
    assert any("loan proceeds" in n for n in p.notes)


def test_read_statement_on_a_path_reads_gbk_and_the_classmethod_reads_the_file(tmp_path):
    path = tmp_path / "流水.csv"
    path.write_bytes(ICBC_STYLE.encode("gbk"))
    cf = CashFlow.read_statement(path, own_accounts=[OWN], loan_proceeds=[LENDER])
    assert cf.to_series().tolist() == [34699.5, 68000.0, 88654.34]
    assert "流水.csv" in cf.provenance.description


def test_xlsx_export_with_signed_amount_and_direction_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["中国农业银行账户交易明细"])
    ws.append(["交易日期", "交易金额", "借贷标志", "本次余额", "对方户名", "交易摘要"])
    ws.append(["20260105", 1200.5, "贷", 11200.5, "甲", "货款"])
    ws.append(["20260107", 200.25, "借", 11000.25, "乙", "电费"])
    ws.append(["20260203", 999, "贷", 11999.25, "甲", "货款"])
    path = tmp_path / "abc.xlsx"
    wb.save(path)
    lines = read_statement(path)
    assert lines["amount"].tolist() == ["1200.5", "-200.25", "999"]
    m = monthly(lines)
    assert m["net"].tolist() == [Decimal("1000.25"), Decimal("999.00")]
    assert m["opening"].iloc[0] == Decimal("10000.00")


def test_first_month_that_does_not_reconcile_is_named():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    lines.loc[5, "balance"] = "852,699.49"  # February's last line, one fen off
    with pytest.raises(InputError) as e:
        monthly(lines)
    assert e.value.field == "balance in 2026-02"
    assert "line 10" in str(e.value) and "-0.01" in str(e.value)


def test_newest_first_statement_gives_the_same_months():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    a = monthly(lines, own_accounts=[OWN])
    b = monthly(lines.iloc[::-1].reset_index(drop=True), own_accounts=[OWN])
    pd.testing.assert_frame_equal(a, b)


def test_lines_out_of_order_are_an_error_naming_the_line():
    lines = pd.DataFrame(
        {"date": ["2026-01-05", "2026-03-01", "2026-02-01"], "amount": ["1", "2", "3"]}
    )
    with pytest.raises(InputError, match="date order") as e:
        monthly(lines)
    assert e.value.field == "date at row 2"


def test_a_month_without_lines_is_zero_cash_and_the_balance_carries_over():
    lines = pd.DataFrame(
        {
            "date": ["2026-01-31", "2026-04-01"],
            "amount": ["10.00", "-4.00"],
            "balance": ["110.00", "106.00"],
        }
    )
    m = monthly(lines)
    assert m["net"].tolist() == [
        Decimal("10.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("-4.00"),
    ]
    assert m["opening"].tolist()[1:] == m["closing"].tolist()[:-1]
    cf = CashFlow.from_transactions(lines)
    assert any("2 months without lines" in n for n in cf.provenance.notes)


def test_exclude_tags_on_the_description_column():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    m = monthly(lines, tag="description", exclude_tags=["贷款发放", "转账"])
    assert m["net"].iloc[0] == Decimal("120000.00") - Decimal("85300.50")


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"amount": ["1.005"]}, "amount at row 0", "at most 2 decimal places"),
        ({"amount": ["abc"]}, "amount at row 0", "an amount"),
        ({"date": ["2026-02-30"]}, "date at row 0", "real calendar date"),
        ({"date": ["yesterday"]}, "date at row 0", "a date such as"),
        ({"amount": [""]}, "amount at row 0", "empty"),
    ],
)
def test_bad_cells_are_input_errors_naming_the_cell(change, field, message):
    frame = pd.DataFrame({"date": ["2026-01-05"], "amount": ["1.00"]} | change)
    with pytest.raises(InputError, match=message) as e:
        monthly(frame)
    assert e.value.field == field


def test_missing_columns_and_bad_options():
    frame = pd.DataFrame({"when": ["2026-01-05"], "amount": ["1.00"]})
    with pytest.raises(InputError, match="a column of the statement"):
        monthly(frame)
    frame = pd.DataFrame({"date": ["2026-01-05"], "value": ["1.00"]})
    with pytest.raises(InputError, match="signed amounts, or debit/credit"):
        monthly(frame)
    frame = pd.DataFrame({"date": ["2026-01-05"], "amount": ["1.00"]})
    with pytest.raises(InputError, match="for own_accounts="):
        monthly(frame, own_accounts=["x"])
    with pytest.raises(InputError, match="opening_balance"):
        monthly(frame, opening_balance="5")
    with pytest.raises(InputError):
        monthly(frame, own_accounts=[""])
    with pytest.raises(InputError):
        monthly("not a frame")
    with pytest.raises(InputError, match="unsigned"):
        monthly(pd.DataFrame({"date": ["2026-01-05"], "debit": ["-5"], "credit": [""]}))


def test_a_file_without_a_header_row_is_a_clear_error():
    with pytest.raises(InputError, match="row of column headers"):
        read_statement(io.StringIO("a,b\n1,2\n"))
    with pytest.raises(InputError, match="readable"):
        read_statement("/nonexistent/statement.csv")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 120), st.integers(-(10**9), 10**9), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    st.integers(-(10**9), 10**9),
)
def test_monthly_sums_and_balances_are_exact_for_any_lines(raw, opening):
    raw = sorted(raw, key=lambda r: r[0])
    day0 = pd.Timestamp("2024-01-01")
    dates, amounts, balances, who = [], [], [], []
    bal = opening
    for d, a, own in raw:
        bal += a
        dates.append((day0 + pd.Timedelta(days=d)).strftime("%Y/%m/%d"))
        amounts.append(str(Decimal(a).scaleb(-2)))
        balances.append(str(Decimal(bal).scaleb(-2)))
        who.append("own" if own else "client")
    frame = pd.DataFrame(
        {"date": dates, "amount": amounts, "balance": balances, "counterparty": who}
    )
    m = monthly(frame, own_accounts=["OWN"])  # matching ignores case
    by_month = defaultdict(int)
    for d, a, own in raw:
        if not own:
            by_month[str((day0 + pd.Timedelta(days=d)).to_period("M"))] += a
    for month, row in m.iterrows():
        assert row["net"] == Decimal(by_month.get(str(month), 0)).scaleb(-2)
    assert m["closing"].iloc[-1] == Decimal(bal).scaleb(-2)
    assert m["opening"].iloc[0] == Decimal(opening).scaleb(-2)
    assert sum(m["net"]) + sum(m["excluded"]) == Decimal(bal - opening).scaleb(-2)


# --------------------------------------------------------------------------------------------
# CFADS from accounts
# --------------------------------------------------------------------------------------------


def test_cfads_monthly_by_definition_with_other_creditors_first():
    acc = pd.DataFrame({
        "revenue": ["250000.00", "180000.00"], "operating_costs": ["190000.00", "150000.00"],
        "tax": ["6000.00", "3000.00"], "maintenance_capex": ["4000.00", "4000.00"],
        "working_capital_change": ["5000.00", "-2500.50"],
        "other_debt_service": ["20000.00", "20000.00"],
    }, index=pd.period_range("2026-01", periods=2, freq="M"))  # fmt: skip
    t = cfads(acc)
    for i in range(2):
        r = {k: Decimal(v.iloc[i]) for k, v in acc.items()}
        c = (
            r["revenue"]
            - r["operating_costs"]
            - r["tax"]
            - r["maintenance_capex"]
            - r["working_capital_change"]
        )
        assert t["cfads"].iloc[i] == c
        assert t["available"].iloc[i] == c - r["other_debt_service"]
    assert t["cfads"].tolist() == [Decimal("45000.00"), Decimal("25500.50")]


def test_cfads_pro_rata_shares_a_shortfall_and_pays_others_in_full_when_cash_suffices():
    acc = pd.DataFrame(
        {"ebitda": ["100.00", "10.00", "-5.00"], "other_debt_service": ["30.00", "30.00", "30.00"]},
        index=pd.period_range("2026-01", periods=3, freq="M"),
    )
    t = cfads(acc, ebitda="ebitda", priority="pro_rata", share=0.6)
    # others' cap (1 - 0.6) * max(CFADS, 0): 40.00, 4.00, 0.00; they are owed 30.00
    assert t["other_paid"].tolist() == [Decimal("30.00"), Decimal("4.00"), Decimal("0.00")]
    assert t["available"].tolist() == [Decimal("70.00"), Decimal("6.00"), Decimal("-5.00")]
    with pytest.raises(InputError, match="share"):
        cfads(acc, ebitda="ebitda", priority="pro_rata")


def test_cfads_annual_spread_sums_exactly_to_each_year():
    acc = pd.DataFrame(
        {"ebitda": ["1000000.07", "-999.99"], "tax": ["0.00", "0.00"]}, index=[2025, 2026]
    )
    t = cfads(acc, ebitda="ebitda", frequency="annual")
    assert len(t) == 24 and str(t.index[0]) == "2025-01" and str(t.index[-1]) == "2026-12"
    assert sum(t["cfads"].iloc[:12]) == Decimal("1000000.07")
    assert sum(t["cfads"].iloc[12:]) == Decimal("-999.99")
    q, r = divmod(100000007, 12)
    assert t["cfads"].iloc[0] == Decimal(q + 1).scaleb(-2)  # the remainder in the first months
    assert t["cfads"].iloc[r] == Decimal(q).scaleb(-2)
    cf = CashFlow.from_accounts(acc, ebitda="ebitda", frequency="annual", source="audited")
    assert cf.months == 24 and cf.provenance.kind == "accounts"
    assert "audited" in cf.provenance.description


def test_cfads_errors_name_the_field():
    acc = pd.DataFrame({"ebitda": ["1.00"]}, index=pd.period_range("2026-01", periods=1, freq="M"))
    with pytest.raises(InputError, match="a column of accounts"):
        cfads(acc)  # revenue is required without ebitda=
    with pytest.raises(InputError, match="a column of accounts"):
        cfads(acc, ebitda="ebitda", tax="taxes")  # a name given explicitly must exist
    with pytest.raises(InputError):
        cfads(acc, ebitda="ebitda", frequency="weekly")
    with pytest.raises(InputError, match="at most 2 decimal places"):
        cfads(pd.DataFrame({"ebitda": ["1.001"]}, index=acc.index), ebitda="ebitda")
    with pytest.raises(InputError, match="the year after 2025"):
        cfads(
            pd.DataFrame({"ebitda": ["1", "2"]}, index=[2025, 2027]),
            ebitda="ebitda",
            frequency="annual",
        )
    with pytest.raises(InputError, match="keyword of CashFlow.from_accounts"):
        CashFlow.from_accounts(acc, ebitdaa="ebitda")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=5),
    st.lists(st.integers(0, 10**11), min_size=5, max_size=5),
    st.fractions(0, 1).map(lambda f: float(f)),
)
def test_cfads_annual_spread_and_pro_rata_invariants(ebitda, other, share):
    years = list(range(2025, 2025 + len(ebitda)))
    acc = pd.DataFrame(
        {
            "ebitda": [str(Decimal(x).scaleb(-2)) for x in ebitda],
            "other_debt_service": [str(Decimal(x).scaleb(-2)) for x in other[: len(ebitda)]],
        },
        index=years,
    )
    t = cfads(acc, ebitda="ebitda", frequency="annual", priority="pro_rata", share=share)
    for k, x in enumerate(ebitda):
        months = t["cfads"].iloc[12 * k : 12 * k + 12]
        assert sum(months) == Decimal(x).scaleb(-2)  # every year to the fen
        assert max(months) - min(months) <= Decimal("0.01")  # equal parts
    paid, due, c = t["other_paid"], t["other_debt_service"], t["cfads"]
    assert ((paid >= 0) & (paid <= due)).all()
    assert (t["available"] == c - paid).all()
    assert (
        (paid == due) | (paid <= (1 - Decimal(repr(share))) * c.clip(lower=0) + Decimal("0.005"))
    ).all()


def test_line_by_line_reconciliation_catches_an_error_that_the_month_end_hides():
    lines = read_statement(io.StringIO(ICBC_STYLE))
    lines.loc[4, "balance"] = "882,699.00"  # February's first line 0.50 off; its last line right
    monthly(lines)  # the month-end check cannot see it
    with pytest.raises(InputError) as e:
        monthly(lines, reconcile="line")
    assert e.value.field == "balance at line 9"
    assert "784699.50 + its amount 98000.00 = 882699.50" in str(e.value)
    assert "-0.50" in str(e.value)
    good = read_statement(io.StringIO(ICBC_STYLE))
    pd.testing.assert_frame_equal(monthly(good, reconcile="line"), monthly(good))
    cf = CashFlow.from_transactions(good, reconcile="line")
    assert any("reconcile every line" in n for n in cf.provenance.notes)
    with pytest.raises(InputError):
        monthly(good, reconcile="daily")
