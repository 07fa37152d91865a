"""Published worked examples, pinned to the cent against :func:`repayplan.schedule.amortize`.

Every test cites where its figures come from (a URL, or a library's own docstring or test
suite) and states the convention the source uses.  Sources fall into three families:

* **rounded-row tables** (HP 12C, Chinese bank calculators, most loan statements): the
  payment is rounded to the cent, each period's interest is rounded, and the balance
  carries the rounded amounts.  This is the engine's default; figures must match exactly.
* **carried-precision tables** (spreadsheets, numpy-financial's ``ipmt``/``ppmt``, Excel
  ``PPMT``): the balance is carried unrounded and only the amounts shown are rounded.
  These are pinned with ``carry_precision=True``; figures must match exactly.
* **unrounded totals** ("total interest = payment x n - principal" with the unrounded
  payment).  No cent-exact schedule can reproduce such a total, so these are checked
  with a stated tolerance, and the engine's own total is then checked exactly against an
  independent Decimal computation written here (:func:`_oracle_rows`).

The list of sources is also kept in ``tests/published_sources.md``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal, localcontext

import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repayplan.schedule import amortize

CENT = Decimal("0.01")


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def _d(text: str) -> Decimal:
    return Decimal(text)


def _row(s, period: int):
    """The table row of a 1-based period."""
    row = s.table.iloc[period - 1]
    assert int(row["period"]) == period
    return row


def _assert_amount(got, expected: str, what: str = "") -> None:
    assert isinstance(got, Decimal), f"{what}: {got!r} is {type(got).__name__}, not Decimal"
    assert got == Decimal(expected), f"{what}: got {got}, source says {expected}"


def _assert_row(s, period: int, **expected: str) -> None:
    """Compare the named columns of one row with the source's figures."""
    row = _row(s, period)
    for column, value in expected.items():
        _assert_amount(row[column], value, f"period {period} {column}")


def _column_sum(s, column: str, first: int, last: int) -> Decimal:
    """Sum of a column over periods first..last (1-based, inclusive)."""
    return sum((Decimal(v) for v in s.table[column].iloc[first - 1 : last]), Decimal(0))


def _cents(x: Decimal, rounding=ROUND_HALF_UP) -> Decimal:
    return x.quantize(CENT, rounding=rounding)


def _exact_level_payment(principal, periodic_rate: Decimal, n: int) -> Decimal:
    """The unrounded annuity payment B * i / (1 - (1 + i)^-n), to 40 digits."""
    with localcontext() as ctx:
        ctx.prec = 40
        b = Decimal(principal)
        if periodic_rate == 0:
            return b / n
        return b * periodic_rate / (1 - (1 + periodic_rate) ** -n)


def _oracle_rows(principal, annual_rate: str, n, *, frequency=12, payment=None, method="level"):
    """Independent cent-exact schedule under the default convention (DESIGN.md).

    Level: payment rounded half-up; interest ``round(balance * r / frequency)``; principal
    = payment - interest; the last payment (or the first that would overpay) clears the
    balance.  Equal principal: ``round(principal / n)`` each period, the last clears.
    Returns a list of ``(payment, interest, principal, closing)`` tuples.
    """
    with localcontext() as ctx:
        ctx.prec = 40
        balance = Decimal(principal)
        annual = Decimal(annual_rate)
        if method == "level" and payment is None:
            payment = _cents(_exact_level_payment(balance, annual / frequency, n))
        part = _cents(balance / n) if method == "equal_principal" else None
        rows, k = [], 0
        while balance > 0 and (n is None or k < n):
            k += 1
            # multiply before dividing: 241500 * 0.049 / 12 is exactly 986.125 (a tie)
            interest = _cents(balance * annual / frequency)
            if method == "equal_principal":
                principal_k = part if k < n else balance
            elif (n is not None and k == n) or payment >= balance + interest:
                principal_k = balance
            else:
                principal_k = Decimal(payment) - interest
            balance -= principal_k
            rows.append((interest + principal_k, interest, principal_k, balance))
        return rows


# --------------------------------------------------------------------------------------
# numpy-financial: docstrings and test suite (numpy_financial/_financial.py,
# numpy_financial/tests/test_financial.py, version 1.0.0 as installed here)
# --------------------------------------------------------------------------------------
def test_numpy_financial_pmt_docstring_200000_at_7_5pct_over_15_years():
    # numpy_financial.pmt docstring: "What is the monthly payment needed to pay off a
    # $200,000 loan in 15 years at an annual interest rate of 7.5%?" -> -1854.0247200054619,
    # "a monthly payment of $1,854.02 would be required".
    s = amortize(200_000, 0.075, 180, currency="USD")
    _assert_amount(s.payment, "1854.02")
    assert len(s.table) == 180


def test_numpy_financial_ipmt_docstring_2500_at_8_24pct_full_table():
    # numpy_financial.ipmt docstring: "What is the amortization schedule for a 1 year loan
    # of $2500 at 8.24% interest per year compounded monthly?"  The printed table is
    # ppmt/ipmt (unrounded floats) shown to 2 decimals, balance carried unrounded:
    # carry_precision=True reproduces all twelve rows, including the last.
    table = [  # period, principal, interest, balance
        (1, "200.58", "17.17", "2299.42"),
        (2, "201.96", "15.79", "2097.46"),
        (3, "203.35", "14.40", "1894.11"),
        (4, "204.74", "13.01", "1689.37"),
        (5, "206.15", "11.60", "1483.22"),
        (6, "207.56", "10.18", "1275.66"),
        (7, "208.99", "8.76", "1066.67"),
        (8, "210.42", "7.32", "856.25"),
        (9, "211.87", "5.88", "644.38"),
        (10, "213.32", "4.42", "431.05"),
        (11, "214.79", "2.96", "216.26"),
        (12, "216.26", "1.49", "0.00"),
    ]
    s = amortize(2500, 0.0824, 12, currency="USD", carry_precision=True)
    _assert_amount(s.payment, "217.75")
    assert len(s.table) == 12
    for period, principal, interest, balance in table:
        _assert_row(s, period, principal=principal, interest=interest, closing_balance=balance)

    # In the default (rounded-row) mode the first five rows are the same figures; from
    # period 6 the rounded balance drifts a cent from numpy-financial's unrounded one.
    r = amortize(2500, 0.0824, 12, currency="USD")
    for period, principal, interest, balance in table[:5]:
        _assert_row(r, period, principal=principal, interest=interest, closing_balance=balance)


def test_numpy_financial_test_pmt_15000_at_8pct_over_5_years():
    # test_financial.py::test_pmt: npf.pmt(0.08 / 12, 5 * 12, 15000) == -304.145914.
    s = amortize(15_000, 0.08, 60, currency="USD")
    _assert_amount(s.payment, "304.15")


def test_numpy_financial_test_pmt_rate_zero_15000_over_60():
    # test_financial.py::test_pmt, "the edge case where rate == 0.0":
    # npf.pmt(0.0, 5 * 12, 15000) == -250.0.  Every payment is 250.00, no interest.
    s = amortize(15_000, 0, 60, currency="USD")
    _assert_amount(s.payment, "250.00")
    assert all(Decimal(p) == Decimal("250.00") for p in s.table["payment"])
    _assert_amount(s.total_interest, "0.00")
    _assert_amount(s.total_paid, "15000.00")


def test_numpy_financial_test_pmt_broadcast_rate_zero_2000_over_12():
    # test_financial.py::test_pmt broadcast case: npf.pmt(0.0, 12, 2000) == -166.66667.
    # Cent-exact: eleven payments of 166.67 and a last one of 2000 - 11 * 166.67 = 166.63.
    s = amortize(2000, 0, 12, currency="USD")
    _assert_amount(s.payment, "166.67")
    _assert_amount(_row(s, 11)["payment"], "166.67")
    _assert_amount(_row(s, 12)["payment"], "166.63")
    _assert_amount(s.total_paid, "2000.00")


@pytest.mark.parametrize(
    ("rate", "periods", "principal", "expected"),
    [
        # test_financial.py::test_pmt broadcast: npf.pmt(0.8, 3, 20000) == -19311.258
        (0.8, 3, 20_000, "19311.26"),
        # test_financial.py::test_pmt broadcast: npf.pmt(0.3, 12, 2000) == -626.90814
        (0.3, 12, 2000, "626.91"),
    ],
)
def test_numpy_financial_test_pmt_broadcast_per_period_rates(rate, periods, principal, expected):
    # numpy-financial's rate is per period; with one payment a year (frequency=1) the
    # annual rate *is* the periodic rate.
    s = amortize(principal, rate, periods, frequency=1, currency="USD")
    _assert_amount(s.payment, expected)


def test_numpy_financial_test_ppmt_55000_at_10pct_first_principal():
    # test_financial.py::test_ppmt: round(npf.ppmt(0.1 / 12, 1, 60, 55000), 2) == -710.25
    # (test_ppmt_decimal: -710.2541257864217612489830917).  ppmt is the unrounded payment
    # (1168.5874...) less the unrounded interest (458.3333...): carry_precision=True.
    s = amortize(55_000, 0.10, 60, currency="USD", carry_precision=True)
    _assert_row(s, 1, principal="710.25", interest="458.33")
    # Rounded rows (the default) pay 1168.59 - 458.33 = 710.26 of principal instead:
    # the cent belongs to the rounding of the payment, not to the interest.
    r = amortize(55_000, 0.10, 60, currency="USD")
    _assert_row(r, 1, payment="1168.59", interest="458.33", principal="710.26")


def test_numpy_financial_ipmt_ppmt_broadcast_2000_at_10pct_over_24_months():
    # test_financial.py::test_broadcast: npf.ipmt(0.1/12, [1..4], 24, 2000) ==
    # [-16.66666667, -16.03647345, -15.40102862, -14.76028842] and npf.ppmt(...) ==
    # [-75.62318601, -76.25337923, -76.88882405, -77.52956425].  The same first-month
    # principal, $75.62, is Excel's PPMT example (https://support.microsoft.com/en-us/
    # Excel/functions/ppmt-function: "=PPMT(A2/12, 1, A3*12, A4) ... ($75.62)") and SAS's
    # (https://support.sas.com/documentation/cdl/en/lefunctionsref/63354/HTML/default/
    # p1m2s8u7i0jfo6n1c0siw2vinb9t.htm: "PPMT(0.1/12, 1, 24, 2000) ... returns 75.62").
    s = amortize(2000, 0.10, 24, currency="USD")
    expected = [("16.67", "75.62"), ("16.04", "76.25"), ("15.40", "76.89"), ("14.76", "77.53")]
    for period, (interest, principal) in enumerate(expected, start=1):
        _assert_row(s, period, interest=interest, principal=principal)


@settings(max_examples=30, deadline=None)
@given(
    principal=st.integers(min_value=1_000, max_value=5_000_000),
    rate_bp=st.integers(min_value=1, max_value=2400),
    periods=st.integers(min_value=1, max_value=480),
)
def test_level_payment_matches_numpy_financial_decimal_pmt(principal, rate_bp, periods):
    # numpy-financial computes pmt in exact Decimal arithmetic when given Decimals
    # (test_financial.py::test_pmt_decimal); rounded half-up to the cent it is the
    # published payment of every example above.  Use it as an oracle across the domain.
    rate = Decimal(rate_bp) / 10_000
    with localcontext() as ctx:
        ctx.prec = 40
        oracle = -npf.pmt(rate / 12, Decimal(periods), Decimal(principal))
    s = amortize(principal, rate, periods)
    assert s.payment == _cents(oracle)


# --------------------------------------------------------------------------------------
# Spreadsheet and calculator documentation
# --------------------------------------------------------------------------------------
def test_excel_pmt_example_10000_at_8pct_over_10_months():
    # https://support.microsoft.com/en-US/excel/functions/pmt-function (example table):
    # 8% annual, 10 months, $10,000: =PMT(A2/12,A3,A4) -> ($1,037.03).
    s = amortize(10_000, 0.08, 10, currency="USD")
    _assert_amount(s.payment, "1037.03")


def test_excel_and_sas_ipmt_first_month_interest_8000_at_10pct_over_3_years():
    # https://support.microsoft.com/en-us/excel/ipmt-function: =IPMT(A2/12, A3, A4*12, A5)
    # with 10%, period 1, 3 years, $8,000 -> ($66.67); SAS IPMT(0.1/12, 1, 36, 8000)
    # "returns a value of 66.67" (support.sas.com .../n1rvxwjd03blfhn1jygaqulo866b.htm).
    s = amortize(8000, 0.10, 36, currency="USD")
    _assert_row(s, 1, interest="66.67")


def test_excel_ipmt_annual_payments_interest_in_last_year():
    # https://support.microsoft.com/en-us/excel/ipmt-function: =IPMT(A2, 3, A4, A5), "the
    # interest due in the last year for a loan with the same terms, where payments are made
    # yearly" -> ($292.45).  DAX docs give the unrounded -292.447129909366.
    s = amortize(8000, 0.10, 3, frequency=1, currency="USD")
    _assert_row(s, 3, interest="292.45")


def test_excel_ppmt_annual_payments_principal_in_year_10():
    # https://support.microsoft.com/en-us/Excel/functions/ppmt-function: 8%, 10 years,
    # $200,000, =PPMT(A8, A9, 10, A10) "principal payment for year 10" -> ($27,598.05)
    # (DAX docs: -27598.0534624214).  PPMT carries precision; rounded rows put the 3-cent
    # residual of the rounded payment into the last year (27,598.02).
    s = amortize(200_000, 0.08, 10, frequency=1, currency="USD", carry_precision=True)
    _assert_amount(s.payment, "29805.90")
    _assert_row(s, 10, principal="27598.05")


def test_filemaker_pmt_example_sports_car_21000_at_6_9pct_over_48_months():
    # https://help.claris.com/en/pro-help/content/pmt.html, Example 1: "purchasing a sports
    # car costing $21,000, at an annual rate of 6.9% over 48 monthly payments.
    # PMT(21000;.069/12;48) returns the payment amount $501.90."
    s = amortize(21_000, 0.069, 48, currency="USD")
    _assert_amount(s.payment, "501.90")


def test_mescius_spread_pmt_example_5000_at_6pct_over_15_months():
    # https://developer.mescius.com/spreadnet/docs/latest/online-formula/FunctionPMT.html:
    # "PMT(6%/12, 15, 5000) gives the result -$346.82".
    s = amortize(5000, 0.06, 15, currency="USD")
    _assert_amount(s.payment, "346.82")


def test_adobe_formcalc_pmt_examples_monthly_and_annual():
    # https://help.adobe.com/ja_JP/livecycle/10.0/DesignerFormCalcRef/
    # WS92d06802c76abadb-32254d55129f5ee7c98-7fb0.html: Pmt(150000, 0.0475 / 12, 25 * 12)
    # = 855.17604207164 ($150,000 at 4.75% over 25 years, monthly) and
    # Pmt(25000, 0.085, 12) = 3403.82145169876 ($25,000 at 8.5% over 12 years, yearly).
    monthly = amortize(150_000, 0.0475, 300, currency="USD")
    _assert_amount(monthly.payment, "855.18")
    yearly = amortize(25_000, 0.085, 12, frequency=1, currency="USD")
    _assert_amount(yearly.payment, "3403.82")


def test_adobe_formcalc_ipmt_ppmt_with_given_payment_months_7_to_9():
    # https://help.adobe.com/en_US/AEMForms/6.1/DesignerFormCalcRef/
    # WS92d06802c76abadb-32254d55129f5ee7c98-7fc8.2.html: IPmt(30000, 0.085, 295.50, 7, 3)
    # = 624.8839283142, "interest repaid on a $30000 loan at 8.5% for the three months"
    # from the seventh; PPmt(...) = 261.6160716858 (...-7fae.2.html).  FormCalc sums
    # unrounded amounts; a statement adds three rounded rows (208.91 + 208.30 + 207.68 =
    # 624.89), so the sums may differ by a cent: tolerance 0.01, and the engine's rows are
    # then checked exactly against the independent rounded-row computation.
    s = amortize(30_000, 0.085, None, payment=295.50, currency="USD")
    interest = _column_sum(s, "interest", 7, 9)
    principal = _column_sum(s, "principal", 7, 9)
    assert abs(interest - _d("624.8839283142")) <= CENT
    assert abs(principal - _d("261.6160716858")) <= CENT
    assert interest + principal == _d("886.50")  # three payments of 295.50, exactly
    oracle = _oracle_rows(30_000, "0.085", None, payment=_d("295.50"))
    assert len(s.table) == len(oracle) == 180
    assert interest == sum(r[1] for r in oracle[6:9])
    assert principal == sum(r[2] for r in oracle[6:9])
    _assert_amount(_row(s, 180)["payment"], str(oracle[-1][0]))


def test_oracle_peoplesoft_pmt_example_50000_at_14pct_over_120_months():
    # https://docs.oracle.com/en/applications/peoplesoft/peopletools/8.63/
    # analytic-calculation-engine/pmt.html: "a loan for 50000 USD at a rate of 14 percent
    # per year and 120 monthly payments ... PMT(0.14 / 12, 120, 50000, 0) = -776.33".
    s = amortize(50_000, 0.14, 120, currency="USD")
    _assert_amount(s.payment, "776.33")


def test_matlab_amortize_example_100000_at_12pct_over_30_years():
    # https://ww2.mathworks.cn/help/finance/amortize.html: "a conventional 30-year,
    # fixed-rate mortgage ... 12% APR and an initial loan amount of $100,000" -> Payment
    # 1028.61; "total interest paid over the life of the mortgage exceeds $270,000".
    s = amortize(100_000, 0.12, 360, currency="USD")
    _assert_amount(s.payment, "1028.61")
    assert s.total_interest > 270_000
    oracle = _oracle_rows(100_000, "0.12", 360)
    assert s.total_interest == sum(r[1] for r in oracle)


# --------------------------------------------------------------------------------------
# HP 12C owner's handbooks (rounded rows: "All amounts calculated when f AMORT is pressed
# are automatically rounded to the number of decimal places specified by the display
# format. This rounding affects the number inside the calculator")
# --------------------------------------------------------------------------------------
def test_hp12c_handbook_50000_at_13_25pct_over_25_years():
    # HP 12C Owner's Handbook, Section 3 "Amortization", p. 54-56
    # (https://manualsdump.com/en/manuals/hp-12c_financial_.../291580/54 and
    # https://www.easymanua.ls/hp/12c-platinum/manual/491174?p=54): 25-year mortgage for
    # $50,000 at 13 1/4%: payments of $573.35; second year's payments: interest 6,570.72,
    # principal 309.48, balance 49,419.21; first payment 552.08 / 21.27, second 551.85 /
    # 21.50.
    s = amortize(50_000, 0.1325, 300, currency="USD")
    _assert_amount(s.payment, "573.35")
    _assert_row(s, 1, interest="552.08", principal="21.27")
    _assert_row(s, 2, interest="551.85", principal="21.50")
    assert _column_sum(s, "interest", 13, 24) == _d("6570.72")
    assert _column_sum(s, "principal", 13, 24) == _d("309.48")
    _assert_row(s, 24, closing_balance="49419.21")


def test_hp12c_platinum_handbook_250000_at_5_25pct_25_and_30_years():
    # HP 12c platinum user's guide, Section 3, p. 69-71
    # (http://compsource.manualsonline.com/user-manual/hewlettpackard_1/calculator/12c/
    # page/69 and /page/71): $250,000 at 5.25% over 25 years "requires payments of
    # $1,498.12"; first payment interest 1,093.75, principal 404.37; second 1,091.98 /
    # 406.14.  Over 30 years: payment 1,380.51; first 1,093.75 / 286.76; balance 249,713.24.
    s25 = amortize(250_000, 0.0525, 300, currency="USD")
    _assert_amount(s25.payment, "1498.12")
    _assert_row(s25, 1, interest="1093.75", principal="404.37")
    _assert_row(s25, 2, interest="1091.98", principal="406.14")
    s30 = amortize(250_000, 0.0525, 360, currency="USD")
    _assert_amount(s30.payment, "1380.51")
    _assert_row(s30, 1, interest="1093.75", principal="286.76", closing_balance="249713.24")


def test_hp12c_loan_amortizations_180000_at_7_75pct_first_year():
    # "HP 12C Loan Amortizations" (hp calculators learning module, p. 3,
    # https://www.formsbirds.com/free-hp-12c-loan-amortizations-3): 180,000 at 7.75% over
    # 30 years; "After one year, the loan balance is $178,420.18. The amount of principal
    # paid so far is $1,579.82 and $13,894.66 interest has been paid."
    s = amortize(180_000, 0.0775, 360, currency="USD")
    assert _column_sum(s, "interest", 1, 12) == _d("13894.66")
    assert _column_sum(s, "principal", 1, 12) == _d("1579.82")
    _assert_row(s, 12, closing_balance="178420.18")


# --------------------------------------------------------------------------------------
# US mortgage tables
# --------------------------------------------------------------------------------------
def test_freddie_mac_135000_at_4_5pct_over_30_years():
    # Freddie Mac, "Getting Down to Brass Tacks: The Amortization Schedule" (2015-07-22),
    # http://www.freddiemac.com/blog/homeownership/20150722_amortization_schedule.html:
    # $135,000, 4.5%, 30 years, payment $684.03.  Its table carries the balance unrounded
    # (period 2: 684.03 - 505.58 would be 178.45, the table says 178.44):
    # carry_precision=True.  The highlight labelled "Month 180" (335.31 / 348.72 /
    # 89,067.12) is the row after month 180 (payment 181); pinned there.
    s = amortize(135_000, 0.045, 360, currency="USD", carry_precision=True)
    _assert_amount(s.payment, "684.03")
    _assert_row(s, 1, interest="506.25", principal="177.78", closing_balance="134822.22")
    _assert_row(s, 2, interest="505.58", principal="178.44", closing_balance="134643.78")
    _assert_row(s, 24, interest="490.27", principal="193.76", closing_balance="130544.24")
    _assert_row(s, 48, interest="472.06", principal="211.97", closing_balance="125669.68")
    _assert_row(s, 72, interest="452.13", principal="231.89", closing_balance="120336.96")
    _assert_row(s, 96, interest="430.34", principal="253.69", closing_balance="114503.01")
    _assert_row(s, 181, interest="335.31", principal="348.72", closing_balance="89067.12")
    _assert_row(s, 360, interest="2.56", principal="681.47", closing_balance="0.00")


def test_wikimedia_sample_amortization_table_100000_at_8pct():
    # Wikimedia Commons, File:Amortization table (example).gif (public domain sample,
    # http://simple.wiktionary.org/wiki/File:Amortization_table_(example).gif):
    # $100,000, payment 733.76 (8%, 30 years), rows 1-5 and 359-360, total interest
    # 164,160.46.  Rows 1-5 are rounded rows and match exactly.  The tail differs by one
    # cent from any rounded-row schedule (the table has 735.72 left after payment 359;
    # rounding each row half-up leaves 735.73), so the tail is held to 0.01 and the
    # engine's tail is checked exactly against the independent computation.
    s = amortize(100_000, 0.08, 360, currency="USD")
    _assert_amount(s.payment, "733.76")
    expected = [  # period, principal, interest, balance
        (1, "67.09", "666.67", "99932.91"),
        (2, "67.54", "666.22", "99865.37"),
        (3, "67.99", "665.77", "99797.38"),
        (4, "68.44", "665.32", "99728.94"),
        (5, "68.90", "664.86", "99660.04"),
    ]
    for period, principal, interest, balance in expected:
        _assert_row(s, period, principal=principal, interest=interest, closing_balance=balance)
    _assert_row(s, 359, principal="724.03", interest="9.73")
    assert abs(_row(s, 359)["closing_balance"] - _d("735.72")) <= CENT
    _assert_row(s, 360, interest="4.90")
    assert abs(s.total_interest - _d("164160.46")) <= CENT
    oracle = _oracle_rows(100_000, "0.08", 360)
    assert _row(s, 360)["payment"] == oracle[-1][0]
    assert s.total_interest == sum(r[1] for r in oracle)


def test_math_352_theory_of_interest_150000_at_3_625pct_half_up():
    # "Math 352 - Theory of Interest - Amortization Project" (Scribd document 360526230):
    # $150,000, 360 months, 3.625%: payment 684.08; first ten rows.  The first interest,
    # 150000 * 0.03625 / 12 = 453.125, is shown as 453.13 (half-up, not half-even); rows
    # 9-10 (236.59 / 147,896.14) show the balance is carried unrounded.
    s = amortize(150_000, 0.03625, 360, currency="USD", carry_precision=True)
    _assert_amount(s.payment, "684.08")
    rows = [  # period, interest, principal, balance
        (1, "453.13", "230.95", "149769.05"),
        (2, "452.43", "231.65", "149537.40"),
        (3, "451.73", "232.35", "149305.05"),
        (4, "451.03", "233.05", "149072.00"),
        (5, "450.32", "233.76", "148838.24"),
        (6, "449.62", "234.46", "148603.78"),
        (7, "448.91", "235.17", "148368.61"),
        (8, "448.20", "235.88", "148132.73"),
        (9, "447.48", "236.59", "147896.14"),
        (10, "446.77", "237.31", "147658.83"),
    ]
    for period, interest, principal, balance in rows:
        _assert_row(s, period, interest=interest, principal=principal, closing_balance=balance)
    # Half-even would round the first interest down to 453.12.
    even = amortize(150_000, 0.03625, 360, currency="USD", rounding="half_even")
    _assert_row(even, 1, interest="453.12")


def test_calculatorplus_table_with_whole_dollar_payment_1432():
    # https://www.calculatorplus.com/30-year-mortgage-amortization-table/ "Interest 4%
    # principal 300.000$": the payment shown is a whole $1432 (the annuity is 1432.25),
    # so payment=1432.  The balance is carried unrounded (row 4: 298,699.68 - 436.33 would
    # be 298,263.35, the table says 298,263.34): carry_precision=True.
    s = amortize(300_000, 0.04, 360, payment=1432, currency="USD", carry_precision=True)
    rows = [  # period, interest, principal, balance
        (1, "1000.00", "432.00", "299568.00"),
        (2, "998.56", "433.44", "299134.56"),
        (3, "997.12", "434.88", "298699.68"),
        (4, "995.67", "436.33", "298263.34"),
        (5, "994.21", "437.79", "297825.55"),
        (10, "986.87", "445.13", "295614.62"),
        (12, "983.89", "448.11", "294719.90"),
        (20, "971.80", "460.20", "291080.85"),
        (30, "956.23", "475.77", "286393.67"),
    ]
    for period, interest, principal, balance in rows:
        _assert_row(
            s,
            period,
            payment="1432.00",
            interest=interest,
            principal=principal,
            closing_balance=balance,
        )


def test_bankrate_style_400000_at_7pct_over_30_years():
    # A $400,000 30-year fixed-rate mortgage at 7%: "The monthly payment for that loan
    # would be $2,661.21" (biweekly-vs-monthly comparison quoted at
    # https://www.luxist.com/content?q=biweekly+vs+monthly+payment+calculator...).
    s = amortize(400_000, 0.07, 360, currency="USD")
    _assert_amount(s.payment, "2661.21")


def test_thomas_goebel_canadian_versus_us_payment_300000_at_4pct_over_30_years():
    # https://thomas-goebel.ca/tools-of-the-trade/: "Canadian payments $1,426.56 (on
    # 30-year, 4%, $300K loan) are slightly lower than on a USA by $6 in this example
    # ($1,432.25)".  Canadian fixed-rate mortgages compound semi-annually (Interest Act):
    # periodic rate (1 + 0.04/2)**(2/12) - 1.
    canada = amortize(300_000, 0.04, 360, compounding=2, currency="CAD")
    _assert_amount(canada.payment, "1426.56")
    usa = amortize(300_000, 0.04, 360, currency="USD")
    _assert_amount(usa.payment, "1432.25")


def test_canadian_semi_annual_500000_at_5pct_over_25_years():
    # https://mortgagecomparecalculator.com/learn/guides/canadian-mortgage-semi-annual-
    # compounding: $500,000, 5.00%, 25 years: "Canadian semi-annual compounding produces a
    # payment of about $2,908/month. US-style monthly compounding produces about
    # $2,923/month"; effective monthly rate (1 + r/2)^(1/6) - 1 "about 0.41239%".
    # The page rounds to whole dollars: tolerance 0.50, then exact against the closed form.
    canada = amortize(500_000, 0.05, 300, compounding=2, currency="CAD")
    usa = amortize(500_000, 0.05, 300, currency="USD")
    assert abs(canada.payment - 2908) <= Decimal("0.50")
    assert abs(usa.payment - 2923) <= Decimal("0.50")
    with localcontext() as ctx:
        ctx.prec = 40
        j = Decimal("1.025") ** (Decimal(1) / 6) - 1
    assert _cents(j * 100, ROUND_HALF_UP) == _d("0.41")
    assert abs(j * 100 - _d("0.41239")) < _d("0.000005")
    assert canada.payment == _cents(_exact_level_payment(500_000, j, 300))
    _assert_row(canada, 1, interest=str(_cents(500_000 * j)))


# --------------------------------------------------------------------------------------
# Chinese bank examples (等额本息 / 等额本金)
# --------------------------------------------------------------------------------------
def test_china_1_million_30_years_4_9pct_both_methods():
    # The standard benchmark case (人行5年期以上基准利率 4.90%): 100万, 30年, 等额本息
    # 月供 5307.27; 等额本金 首月 6861.11, 此后每月递减 11.34.  These are the figures every
    # Chinese bank calculator gives (also pinned in public code, e.g. a mortgage_utils
    # test suite found by code search: "100万，4.9%，30年 ... 5307.27 ... 6861.11").
    level = amortize(1_000_000, 0.049, 360)
    _assert_amount(level.payment, "5307.27")
    _assert_row(level, 1, interest="4083.33", principal="1223.94")
    ep = amortize(1_000_000, 0.049, 360, method="equal_principal")
    _assert_row(ep, 1, payment="6861.11", principal="2777.78", interest="4083.33")
    assert _row(ep, 1)["payment"] - _row(ep, 2)["payment"] == _d("11.34")


def test_china_300k_30_years_4_9pct_level():
    # https://13l.net/index.php/l/1771868819402209700.html: "贷款本金:30万,期限:30年,按照
    # 人行5年期以上贷款基准年利率:4.90% ... 等额本息还款法,月供:1592.18,还款总额:573184.86,
    # 利息总额:273184.86".  The totals are the unrounded payment x 360 (1592.18 x 360 would
    # be 573184.80): tolerance = 360 half-cents; then exact against the oracle.
    s = amortize(300_000, 0.049, 360)
    _assert_amount(s.payment, "1592.18")
    assert abs(s.total_interest - _d("273184.86")) <= Decimal("1.80")
    exact = _exact_level_payment(300_000, Decimal("0.049") / 12, 360) * 360 - 300_000
    assert _cents(exact) == _d("273184.86")  # the source's own convention
    assert s.total_interest == sum(r[1] for r in _oracle_rows(300_000, "0.049", 360))
    assert s.total_paid == s.total_interest + 300_000


def test_china_630k_30_years_4_9pct_both_methods():
    # http://vdgb.cn/wenda/220578.html (same text at http://ccv168.com/wenda/220578.html):
    # 63万, 30年, 4.90%: 等额本息 月供 3343.58, 利息总额 573688.2; 等额本金 第一期 4322.50,
    # 随后每期逐笔递减 7.15, 利息总额 464336.25.  Totals are closed forms (unrounded payment
    # x n; P*r*(n+1)/2): tolerances stated, then exact against the oracle.
    level = amortize(630_000, 0.049, 360)
    _assert_amount(level.payment, "3343.58")
    assert abs(level.total_interest - _d("573688.20")) <= Decimal("1.80")
    assert level.total_interest == sum(r[1] for r in _oracle_rows(630_000, "0.049", 360))

    ep = amortize(630_000, 0.049, 360, method="equal_principal")
    _assert_row(ep, 1, payment="4322.50", principal="1750.00", interest="2572.50")
    assert _row(ep, 1)["payment"] - _row(ep, 2)["payment"] == _d("7.15")
    closed_form = _d("630000") * _d("0.049") / 12 * 361 / 2
    assert closed_form == _d("464336.25")
    assert abs(ep.total_interest - closed_form) <= Decimal("1.80")
    oracle = _oracle_rows(630_000, "0.049", 360, method="equal_principal")
    assert ep.total_interest == sum(r[1] for r in oracle)
    assert all(Decimal(p) == _d("1750.00") for p in ep.table["principal"])


def test_china_100k_2_years_11pct_level():
    # http://m.wwwbz417.com/wenda/238820.html: "贷款本金:100000 假定年利率:11.000% 贷款年限:2
    # 年: 每月月供还款本息额是: 4660.78元、总还款金额是: 111858.72元、共应还利息: 11858.72元。
    # 第1个月还利息为:916.67; 第1个月还本金为:3744.11".  The total is 24 x 4660.78; a
    # cent-exact schedule's last payment is 4660.92 (total 11858.86): tolerance 0.24.
    s = amortize(100_000, 0.11, 24)
    _assert_amount(s.payment, "4660.78")
    _assert_row(s, 1, interest="916.67", principal="3744.11")
    assert abs(s.total_interest - _d("11858.72")) <= Decimal("0.24")
    oracle = _oracle_rows(100_000, "0.11", 24)
    assert s.total_interest == sum(r[1] for r in oracle)
    _assert_amount(_row(s, 24)["payment"], str(oracle[-1][0]))


def test_china_1_million_20_years_6_14pct_equal_principal_first_and_last():
    # https://51a.net/211653696.html: "贷款100万,贷20年(240个月) 利率 6.14% ... 首月还款:
    # 1000000/240+1000000*6.14%/12=9283.33  最后一个月(240个月)还款:1000000/240+(1000000-
    # 1000000/240*239)6.14%/12=4187.99".  Exact P/n every month, amounts rounded only when
    # shown: carry_precision=True.  With rounded rows the parts are rounded first (4166.67
    # + 5116.67 = 9283.34) and the 0.80 residual of 239 instalments of 4166.67 falls on the
    # last one (4165.87 + 21.32 = 4187.19).
    s = amortize(1_000_000, 0.0614, 240, method="equal_principal", carry_precision=True)
    _assert_row(s, 1, payment="9283.33")
    _assert_row(s, 240, payment="4187.99")
    r = amortize(1_000_000, 0.0614, 240, method="equal_principal")
    _assert_row(r, 1, principal="4166.67", interest="5116.67", payment="9283.34")
    _assert_row(r, 240, principal="4165.87", interest="21.32", payment="4187.19")


# mz51.vip 房贷计算器 tables (http://mz51.vip/FangDaiJiSuanQi/Index?Interest=0.0785&Number=
# 11&Present=179.0): 179万, 11 years (132 months), 7.85%, 等额本息 and 等额本金 side by side,
# columns 金额 / 本金 / 利息 / 累计本金 / 累计利息.  Row 2 of 等额本息 shows 8635.92 + 11653.46
# = 20289.38 against a payment of 20289.37: amounts are rounded for display from unrounded
# values (carry_precision=True).  The closing balance is 1,790,000 - 累计本金.
MZ51_LEVEL_0785 = [  # payment, principal, interest, cumulative principal
    ("20289.37", "8579.79", "11709.58", "8579.79"),
    ("20289.37", "8635.92", "11653.46", "17215.70"),
    ("20289.37", "8692.41", "11596.96", "25908.11"),
    ("20289.37", "8749.27", "11540.10", "34657.38"),
    ("20289.37", "8806.51", "11482.87", "43463.89"),
    ("20289.37", "8864.12", "11425.26", "52328.01"),
    ("20289.37", "8922.10", "11367.27", "61250.11"),
    ("20289.37", "8980.47", "11308.91", "70230.57"),
    ("20289.37", "9039.21", "11250.16", "79269.79"),
    ("20289.37", "9098.35", "11191.03", "88368.13"),
    ("20289.37", "9157.86", "11131.51", "97526.00"),
    ("20289.37", "9217.77", "11071.60", "106743.77"),
    ("20289.37", "9278.07", "11011.30", "116021.84"),
    ("20289.37", "9338.77", "10950.61", "125360.61"),
    ("20289.37", "9399.86", "10889.52", "134760.46"),
]
MZ51_EQUAL_0785 = [
    ("25270.19", "13560.61", "11709.58", "13560.61"),
    ("25181.48", "13560.61", "11620.87", "27121.21"),
    ("25092.77", "13560.61", "11532.17", "40681.82"),
    ("25004.06", "13560.61", "11443.46", "54242.42"),
    ("24915.35", "13560.61", "11354.75", "67803.03"),
    ("24826.64", "13560.61", "11266.04", "81363.64"),
    ("24737.94", "13560.61", "11177.33", "94924.24"),
    ("24649.23", "13560.61", "11088.62", "108484.85"),
    ("24560.52", "13560.61", "10999.91", "122045.45"),
    ("24471.81", "13560.61", "10911.20", "135606.06"),
    ("24383.10", "13560.61", "10822.49", "149166.67"),
    ("24294.39", "13560.61", "10733.78", "162727.27"),
    ("24205.68", "13560.61", "10645.08", "176287.88"),
    ("24116.97", "13560.61", "10556.37", "189848.48"),
    ("24028.26", "13560.61", "10467.66", "203409.09"),
]


@pytest.mark.parametrize(
    ("method", "rows"), [("level", MZ51_LEVEL_0785), ("equal_principal", MZ51_EQUAL_0785)]
)
def test_mz51_calculator_table_1_79_million_7_85pct_11_years(method, rows):
    principal = Decimal(1_790_000)
    s = amortize(principal, 0.0785, 132, method=method, carry_precision=True)
    for period, (payment, part, interest, cumulative) in enumerate(rows, start=1):
        _assert_row(
            s,
            period,
            payment=payment,
            principal=part,
            interest=interest,
            closing_balance=str(principal - Decimal(cumulative)),
        )


@pytest.mark.parametrize(
    ("rate", "principal", "level_row_1", "equal_row_1", "level_row_2", "equal_row_2"),
    [
        # http://mz51.vip/FangDaiJiSuanQi/Index?Interest=0.1060&Number=11&Present=168.0
        (
            "0.1060",
            1_680_000,
            ("21607.78", "6767.78", "14840.00"),
            ("27567.27", "12727.27", "14840.00"),
            ("21607.78", "6827.56", "14780.22"),
            ("27454.85", "12727.27", "14727.58"),
        ),
        # http://mz51.vip/FangDaiJiSuanQi/Index?Interest=0.0275&Number=11&Present=237.0
        (
            "0.0275",
            2_370_000,
            ("20827.28", "15396.03", "5431.25"),
            ("23385.80", "17954.55", "5431.25"),
            ("20827.28", "15431.32", "5395.97"),
            ("23344.65", "17954.55", "5390.10"),
        ),
        # http://mz51.vip/FangDaiJiSuanQi/Index?Interest=0.0365&Number=11&Present=301.0
        # (row 1 principal 18565.03: the rounded-row schedule would show 18565.02)
        (
            "0.0365",
            3_010_000,
            ("27720.44", "18565.03", "9155.42"),
            ("31958.45", "22803.03", "9155.42"),
            ("27720.44", "18621.50", "9098.95"),
            ("31889.09", "22803.03", "9086.06"),
        ),
    ],
)
def test_mz51_calculator_first_rows_other_rates(
    rate, principal, level_row_1, equal_row_1, level_row_2, equal_row_2
):
    # Same calculator, 11 years (132 months), carry-precision display as above.
    level = amortize(principal, rate, 132, carry_precision=True)
    equal = amortize(principal, rate, 132, method="equal_principal", carry_precision=True)
    for s, rows in ((level, (level_row_1, level_row_2)), (equal, (equal_row_1, equal_row_2))):
        for period, (payment, part, interest) in enumerate(rows, start=1):
            _assert_row(s, period, payment=payment, principal=part, interest=interest)


# --------------------------------------------------------------------------------------
# Weekly payments, interest-only, rounding up, balloon, ACT/360
# --------------------------------------------------------------------------------------
def test_calculatorlib_weekly_loan_10000_at_6pct_over_52_weeks():
    # https://calculatorlib.com/weekly-loan-payment-calculator: "Borrow $10,000 at 6% APR
    # over 52 weeks. The weekly rate is r = 0.06 / 52"; the calculator's result panel:
    # "Weekly Payment 198.25 ... Total of Payments 10,308.77, Total Interest 308.77".  (The
    # worked-example prose on the same page says "approximately $198.45", a slip: 0.06/52
    # over 52 weeks gives 198.2455.)  The total is 52 unrounded payments; with rounded rows
    # the last payment is 198.00 (total interest 308.75): tolerance 52 half-cents.
    s = amortize(10_000, 0.06, 52, frequency=52, currency="USD")
    _assert_amount(s.payment, "198.25")
    assert abs(s.total_interest - _d("308.77")) <= Decimal("0.26")
    oracle = _oracle_rows(10_000, "0.06", 52, frequency=52)
    assert s.total_interest == sum(r[1] for r in oracle)
    _assert_amount(_row(s, 52)["payment"], str(oracle[-1][0]))


def test_interest_only_300000_at_6pct_for_a_year():
    # http://www.mortgageqna.com/calculate-mortgage/interest-only-mortgage-formula-
    # calculation.html: "for a mortgage loan amount of $300,000 at 6% the interest only
    # payment is ... $300,000 x 0.06 / 12 = $1500 a month"; https://calculatorlib.com/
    # interest-only-mortgage-calculator: "Over one year that is $18,000 in interest, with
    # the $300,000 balance still owed at the end".
    s = amortize(300_000, 0.06, 12, method="interest_only", currency="USD")
    for period in range(1, 12):
        _assert_row(
            s,
            period,
            payment="1500.00",
            interest="1500.00",
            principal="0.00",
            closing_balance="300000.00",
        )
    _assert_row(s, 12, payment="301500.00", interest="1500.00", principal="300000.00")
    _assert_amount(s.total_interest, "18000.00")


def test_powerofinterest_interest_only_versus_amortizing_rounded_up():
    # http://powerofinterest.com/free/mortgage_calculators/whats_missing.htm: $100,000 at
    # 6.25%: "$6,250 (Annual Interest) divided by 12 = Total Monthly Payment of $520.84";
    # "the fixed rate, amortization payment would be $615.72, of which $94.88 is
    # principal".  6250 / 12 = 520.8333...: the page rounds up, so rounding="up" (the
    # payment 615.7172 rounds up to 615.72 too).
    io = amortize(100_000, 0.0625, 12, method="interest_only", currency="USD", rounding="up")
    _assert_row(io, 1, payment="520.84", interest="520.84")
    s = amortize(100_000, 0.0625, 360, currency="USD", rounding="up")
    _assert_amount(s.payment, "615.72")
    _assert_row(s, 1, interest="520.84", principal="94.88")
    assert _cents(_exact_level_payment(100_000, Decimal("0.0625") / 12, 360), ROUND_UP) == _d(
        "615.72"
    )
    # Half-up (the default) shows 520.83 of interest and 94.89 of principal.
    _assert_row(
        amortize(100_000, 0.0625, 360, currency="USD"), 1, interest="520.83", principal="94.89"
    )


def test_mortgagevox_five_year_balloon_100000_at_7_5pct_30_year_amortization():
    # https://www.mortgagevox.com/real-estate/amortization.html: "the conforming five-year
    # balloon has an amortization of 30 years and a term of five years ... $100,000 ...
    # 7.500%, for monthly payments of $699.21. At the conclusion of the five-year term, the
    # remaining loan balance will be $94,617."  Table rows 1-3 (74.21 / 625.00 / 99,925.79;
    # 74.68 / 624.54 / 99,851.11; 75.15 / 624.07 / 99,775.96) carry the balance unrounded.
    # The balance is quoted in whole dollars: tolerance 0.50.
    s = amortize(100_000, 0.075, 60, amortization_periods=360, currency="USD", carry_precision=True)
    _assert_amount(s.payment, "699.21")
    _assert_row(s, 1, principal="74.21", interest="625.00", closing_balance="99925.79")
    _assert_row(s, 2, principal="74.68", interest="624.54", closing_balance="99851.11")
    _assert_row(s, 3, principal="75.15", interest="624.07", closing_balance="99775.96")
    assert len(s.table) == 60
    balloon = _row(s, 60)["payment"] - s.payment  # what is due on top of the 60th payment
    assert abs(balloon - 94_617) <= Decimal("0.50")
    _assert_row(s, 60, closing_balance="0.00")
    # Independent: the unrounded balance after 60 payments of the exact annuity.
    with localcontext() as ctx:
        ctx.prec = 40
        i = Decimal("0.075") / 12
        pmt = _exact_level_payment(100_000, i, 360)
        remaining = 100_000 * (1 + i) ** 60 - pmt * ((1 + i) ** 60 - 1) / i
    assert abs(balloon - remaining) <= CENT


def test_actual_360_one_year_of_interest_on_1000_at_10pct():
    # http://www.sdmesasvo.org/actual-360-day-interest-calculation/: "Actual/360 ... counts
    # the actual number of days during which a loan is outstanding and calculates the
    # interest rate based on a 360-day year. So, over one year, a $1,000 loan at 10% will
    # yield $101.39 in interest (365/360)".  One annual period, 2025-01-01 to 2026-01-01
    # (365 days): 1000 x 0.10 x 365 / 360 = 101.3888...
    s = amortize(
        1000, 0.10, 1, frequency=1, start=dt.date(2025, 1, 1), day_count="ACT/360", currency="USD"
    )
    _assert_row(s, 1, interest="101.39", principal="1000.00", payment="1101.39")
    assert s.table["date"].iloc[0] == dt.datetime(2026, 1, 1)
    # Under 30/360 the same year earns exactly 100.00.
    _assert_row(amortize(1000, 0.10, 1, frequency=1, currency="USD"), 1, interest="100.00")


# --------------------------------------------------------------------------------------
# Federal Home Loan Bank Board, 1935: a printed table whose rows reconcile across
# --------------------------------------------------------------------------------------
# Federal Home Loan Bank Board, "Direct-Reduction Plan vs. Share-Accumulation Plan",
# Federal Home Loan Bank Review, Vol. 1 No. 6 (March 1935), pp. 187-198, Plan A
# (https://fraser.stlouisfed.org/title/federal-home-loan-bank-review-116/march-1935-2083):
# 3,000.00 at 6 % a year (0.5 % a month), a chosen payment of 30.00 a month (1 % of the
# principal), 138 full payments and a 139th of 29.27.  The rows below (payment, principal,
# interest, balance) are the published table as transcribed in mortgagemath's test fixture
# tests/schedules/fhlbb_1935_plan_a_3k_6pct_30_per_mo.csv.  The balance is carried
# unrounded; the interest and the balance are shown rounded; the principal shown is the
# payment less the interest shown (row 2: 30.00 - 14.93 = 15.07, while the unrounded
# principal 15.075 would round to 15.08; row 139: 29.27 - 0.15 = 29.12, not 29.13):
# carry_precision="reconciled".
FHLBB_1935_PLAN_A = """
    30.00,15.00,15.00,2985.00 30.00,15.07,14.93,2969.93 30.00,15.15,14.85,2954.77 30.00,15.23,14.77,2939.55
    30.00,15.30,14.70,2924.25 30.00,15.38,14.62,2908.87 30.00,15.46,14.54,2893.41 30.00,15.53,14.47,2877.88
    30.00,15.61,14.39,2862.27 30.00,15.69,14.31,2846.58 30.00,15.77,14.23,2830.81 30.00,15.85,14.15,2814.97
    30.00,15.93,14.07,2799.04 30.00,16.00,14.00,2783.04 30.00,16.08,13.92,2766.95 30.00,16.17,13.83,2750.79
    30.00,16.25,13.75,2734.54 30.00,16.33,13.67,2718.21 30.00,16.41,13.59,2701.80 30.00,16.49,13.51,2685.31
    30.00,16.57,13.43,2668.74 30.00,16.66,13.34,2652.08 30.00,16.74,13.26,2635.34 30.00,16.82,13.18,2618.52
    30.00,16.91,13.09,2601.61 30.00,16.99,13.01,2584.62 30.00,17.08,12.92,2567.54 30.00,17.16,12.84,2550.38
    30.00,17.25,12.75,2533.13 30.00,17.33,12.67,2515.80 30.00,17.42,12.58,2498.38 30.00,17.51,12.49,2480.87
    30.00,17.60,12.40,2463.27 30.00,17.68,12.32,2445.59 30.00,17.77,12.23,2427.82 30.00,17.86,12.14,2409.96
    30.00,17.95,12.05,2392.01 30.00,18.04,11.96,2373.97 30.00,18.13,11.87,2355.84 30.00,18.22,11.78,2337.62
    30.00,18.31,11.69,2319.31 30.00,18.40,11.60,2300.90 30.00,18.50,11.50,2282.41 30.00,18.59,11.41,2263.82
    30.00,18.68,11.32,2245.14 30.00,18.77,11.23,2226.36 30.00,18.87,11.13,2207.50 30.00,18.96,11.04,2188.53
    30.00,19.06,10.94,2169.48 30.00,19.15,10.85,2150.32 30.00,19.25,10.75,2131.07 30.00,19.34,10.66,2111.73
    30.00,19.44,10.56,2092.29 30.00,19.54,10.46,2072.75 30.00,19.64,10.36,2053.11 30.00,19.73,10.27,2033.38
    30.00,19.83,10.17,2013.55 30.00,19.93,10.07,1993.61 30.00,20.03,9.97,1973.58 30.00,20.13,9.87,1953.45
    30.00,20.23,9.77,1933.22 30.00,20.33,9.67,1912.88 30.00,20.44,9.56,1892.45 30.00,20.54,9.46,1871.91
    30.00,20.64,9.36,1851.27 30.00,20.74,9.26,1830.53 30.00,20.85,9.15,1809.68 30.00,20.95,9.05,1788.73
    30.00,21.06,8.94,1767.67 30.00,21.16,8.84,1746.51 30.00,21.27,8.73,1725.24 30.00,21.37,8.63,1703.87
    30.00,21.48,8.52,1682.39 30.00,21.59,8.41,1660.80 30.00,21.70,8.30,1639.10 30.00,21.80,8.20,1617.30
    30.00,21.91,8.09,1595.38 30.00,22.02,7.98,1573.36 30.00,22.13,7.87,1551.23 30.00,22.24,7.76,1528.98
    30.00,22.36,7.64,1506.63 30.00,22.47,7.53,1484.16 30.00,22.58,7.42,1461.58 30.00,22.69,7.31,1438.89
    30.00,22.81,7.19,1416.09 30.00,22.92,7.08,1393.17 30.00,23.03,6.97,1370.13 30.00,23.15,6.85,1346.98
    30.00,23.27,6.73,1323.72 30.00,23.38,6.62,1300.34 30.00,23.50,6.50,1276.84 30.00,23.62,6.38,1253.22
    30.00,23.73,6.27,1229.49 30.00,23.85,6.15,1205.64 30.00,23.97,6.03,1181.66 30.00,24.09,5.91,1157.57
    30.00,24.21,5.79,1133.36 30.00,24.33,5.67,1109.03 30.00,24.45,5.55,1084.57 30.00,24.58,5.42,1059.99
    30.00,24.70,5.30,1035.29 30.00,24.82,5.18,1010.47 30.00,24.95,5.05,985.52 30.00,25.07,4.93,960.45
    30.00,25.20,4.80,935.25 30.00,25.32,4.68,909.93 30.00,25.45,4.55,884.48 30.00,25.58,4.42,858.90
    30.00,25.71,4.29,833.20 30.00,25.83,4.17,807.36 30.00,25.96,4.04,781.40 30.00,26.09,3.91,755.31
    30.00,26.22,3.78,729.08 30.00,26.35,3.65,702.73 30.00,26.49,3.51,676.24 30.00,26.62,3.38,649.62
    30.00,26.75,3.25,622.87 30.00,26.89,3.11,595.99 30.00,27.02,2.98,568.96 30.00,27.16,2.84,541.81
    30.00,27.29,2.71,514.52 30.00,27.43,2.57,487.09 30.00,27.56,2.44,459.53 30.00,27.70,2.30,431.82
    30.00,27.84,2.16,403.98 30.00,27.98,2.02,376.00 30.00,28.12,1.88,347.88 30.00,28.26,1.74,319.62
    30.00,28.40,1.60,291.22 30.00,28.54,1.46,262.68 30.00,28.69,1.31,233.99 30.00,28.83,1.17,205.16
    30.00,28.97,1.03,176.19 30.00,29.12,0.88,147.07 30.00,29.26,0.74,117.80 30.00,29.41,0.59,88.39
    30.00,29.56,0.44,58.83 30.00,29.71,0.29,29.13 29.27,29.12,0.15,0.00
"""


def test_fhlbb_1935_direct_reduction_plan_a_every_row_reconciled():
    expected = [tuple(row.split(",")) for row in FHLBB_1935_PLAN_A.split()]
    assert len(expected) == 139
    s = amortize(3000, 0.06, None, payment=30, currency="USD", carry_precision="reconciled")
    assert len(s.table) == 139
    for period, (payment, principal, interest, balance) in enumerate(expected, start=1):
        _assert_row(
            s,
            period,
            payment=payment,
            principal=principal,
            interest=interest,
            closing_balance=balance,
        )
    # every row reads payment = interest + principal; down the column the shown principal
    # (like the printed one) sums to 2,999.95, not 3,000: carried precision foots only
    # approximately, the default rounded rows exactly
    assert (s.table["payment"] == s.table["interest"] + s.table["principal"]).all()
    assert s.table["principal"].sum() == sum(_d(row[1]) for row in expected) == _d("2999.95")
    assert amortize(3000, 0.06, None, payment=30, currency="USD").table["principal"].sum() == 3000
    # the same table with each amount rounded on its own (carry_precision=True) misses
    # rows 2 and 139 by a cent: the convention matters
    t = amortize(3000, 0.06, None, payment=30, currency="USD", carry_precision=True)
    off = [k for k, row in enumerate(expected, start=1) if _row(t, k)["principal"] != _d(row[1])]
    assert off == [2, 139]
    # independent check of the last row: the carried balance after 138 payments, grown by
    # a month's interest and rounded once (Decimal, 40 digits)
    with localcontext() as ctx:
        ctx.prec = 40
        bal = _d("3000")
        for _ in range(138):
            bal = bal * _d("1.005") - 30
        _assert_amount(_cents(bal * _d("1.005")), "29.27")
