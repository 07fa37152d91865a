"""Published penalty-interest (罚息) and daily-accrual computations, pinned with their sources.

Each case states the source, its figures and how it counts days; the library computes the
same amounts through the one ledger (:meth:`repayplan.Claim.accrue`, which replays a stated
claim with :func:`repayplan.ledger.replay`).  Where a source counts days or rounds
differently from the rule set's default (ACT/360, half-up), the test says so and sets the
library to the source's convention (``accrual_day_count``), or pins both figures.  The list
is also in ``tests/published_sources.md``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN
from decimal import Decimal as D

import repayplan as rp
from repayplan import rules

DAY0 = dt.date(2026, 1, 1)


def overdue(amount, penalty_rate, days, *, day_count="ACT/360", rs=None, start=DAY0):
    """Penalty on an overdue principal over ``days`` days, by the ledger."""
    rs = rs or rules.generic()
    c = rp.Claim(
        principal=amount,
        overdue_principal=amount,
        annual_rate=0,
        penalty_rate=penalty_rate,
        rules=rs,
        as_of=start,
        accrual_day_count=day_count,
    )
    return c.accrue(start + dt.timedelta(days=days)).penalty


def test_youqianhua_commercial_loan_one_day_at_contract_rate_plus_30_percent():
    # lnmlw.com/Loanintermediary/kopzvfpugw.html (有钱花 / Du Xiaoman): 2,500 overdue, loan rate
    # 4.9 %, penalty at 130 %: 2,500 x (4.9 % / 365 x 130 %) x 1 = 0.43.  The source counts a
    # year of 365 days and truncates: the exact amount is 0.43630..., half-up 0.44.
    c = rp.Claim(
        principal=2500,
        overdue_principal=2500,
        annual_rate=D("0.049"),
        penalty_markup=D("0.3"),
        rules="cn-bank",
        as_of=DAY0,
        accrual_day_count="ACT/365F",
    )
    got = c.accrue(DAY0 + dt.timedelta(days=1)).penalty
    exact = D(2500) * D("0.049") * D("1.3") / 365
    assert got == D("0.44")
    assert exact.quantize(D("0.01"), rounding=ROUND_DOWN) == D("0.43")  # the source's figure


def test_youqianhua_provident_fund_loan_one_day_at_150_percent():
    # Same source: provident-fund loan, 2,500 overdue at 3.25 % x 150 %, one day: 0.33 (365 days).
    assert overdue(2500, D("0.0325") * D("1.5"), 1, day_count="ACT/365F") == D("0.33")


def test_daily_rate_of_one_per_mille_on_ten_thousand():
    # hongjibp.com/laws-1943866.html: 10,000 x 0.1 % x 1 day = 10 yuan.  A daily rate d is the
    # annual rate 360 d on ACT/360 (银发〔2005〕129号: daily rate = annual rate / 360).
    assert overdue(10_000, D("0.001") * 360, 1) == D("10.00")


def test_three_per_ten_thousand_a_day_is_three_yuan_a_day_and_1095_a_year():
    # lnmlw.com/Loanconsultation/efjiytbhui.html: 3/10,000 a day on 10,000 is 3 yuan a day,
    # 1,095 yuan a year, i.e. 10.95 % a year -- the source converts with 365 days.
    assert overdue(10_000, D("0.1095"), 1, day_count="ACT/365F") == D("3.00")
    assert overdue(10_000, D("0.1095"), 365, day_count="ACT/365F") == D("1095.00")


def test_daily_interest_of_150_a_year_is_041():
    # lnmlw.com/Loanconsultation/chsgzuumwl.html: 10,000 at 1.5 % a year, 150 a year,
    # daily 150 / 365 = 0.41 (365-day year).
    assert overdue(10_000, D("0.015"), 1, day_count="ACT/365F") == D("0.41")


def test_huabei_overdue_month_at_five_per_ten_thousand_a_day():
    # en.4hw.com.cn/646/36784.html: 2,000 overdue for a month at 0.05 % a day:
    # 2,000 x 0.05 % x 30 = 30 yuan (0.05 % a day = 18 % a year on 360 days).
    assert overdue(2000, D("0.18"), 30) == D("30.00")


def test_penalty_of_ten_thousand_at_five_per_ten_thousand_for_thirty_days():
    # kksj.yq98.cn/article/53442.html: 10,000 x 0.0005 x 30 = 150 yuan of 罚息.  (Its "复利"
    # figure of about 1,563 compounds the principal and is not the PRC rule, under which
    # compound interest is charged on unpaid interest: 银发〔2003〕251号 三.  Not pinned.)
    assert overdue(10_000, D("0.0005") * 360, 30) == D("150.00")


def test_pboc_1999_overdue_rate_of_2_1_per_ten_thousand_a_day_is_7_56_percent():
    # 银发〔1999〕192号 (from 1999-06-10 overdue loans at 2.1/10,000 a day, 7.56 % a year) as
    # listed in the PBoC adjustment history (prolaywers.daiwa-hotcom.com); czqahb.com/article/
    # 200229181.html computes 罚息 = principal x days x 7.56 / 36,000.  On 10,000: 2.10 a day,
    # 39.90 for 19 days.
    assert D("0.00021") * 360 == D("0.0756")
    assert overdue(10_000, D("0.0756"), 1) == D("2.10")
    assert overdue(10_000, D("0.0756"), 19) == D("39.90")


def test_judgment_claim_of_late_payment_damages_at_lpr_plus_50_percent_for_half_a_year():
    # electedteal.com/wenda/detail/nofollow/xt/10111486 (a claim in a judgment): 6,973,215.42
    # unpaid from 2023-09-01 at 3.45 % + 50 %, "暂计算至 2024 年 2 月 29 日": 180,431 yuan,
    # i.e. principal x 5.175 % x 0.5 year (half a year counted as 180/360, as 30/360 counts
    # 2023-09-01 to 2024-03-01; ACT/360 would give 181 days) = 180,431.95, stated in whole yuan
    # (truncated).
    got = overdue(
        D("6973215.42"), D("0.0345") * D("1.5"), 182, day_count="30/360", start=dt.date(2023, 9, 1)
    )
    assert (dt.date(2023, 9, 1) + dt.timedelta(days=182)) == dt.date(2024, 3, 1)
    assert got == D("180431.95")
    assert got.quantize(D(1), rounding=ROUND_DOWN) == D(180431)
    act = overdue(D("6973215.42"), D("0.0345") * D("1.5"), 182, start=dt.date(2023, 9, 1))
    assert act == D("182436.75")  # the same stretch on ACT/360 (182 actual days)


def test_cn_bank_penalty_rate_range_of_the_2003_notice():
    # 银发〔2003〕251号 三 (text quoted by lnmlw.com/Bankloan/vsoobbydkt.html): the penalty rate
    # of an overdue loan is the contract rate + 30 % to 50 %.  At 4.35 % +50 % (6.525 %),
    # 1,000,000 overdue for 30 days on ACT/360: 5,437.50.
    c = rp.Claim(
        principal=1_000_000,
        overdue_principal=1_000_000,
        annual_rate=D("0.0435"),
        penalty_markup=D("0.5"),
        rules="cn-bank",
        as_of=DAY0,
    )
    assert c.penalty_rate == D("0.06525")
    assert c.accrue(DAY0 + dt.timedelta(days=30)).penalty == D("5437.50")


def test_delayed_performance_interest_of_the_2014_interpretation():
    # 法释〔2014〕8号 (SPC interpretation on interest for delayed performance in enforcement),
    # as summarised at mondaq.com/china/financial-services/337338: "Outstanding principal
    # amount x 0.0175% x Number of delinquent days", on the principal only (no compounding).
    # 0.0175 % a day is 6.3 % a year on 360 days; 1,000,000 outstanding for 100 days: 17,500.
    assert D("0.000175") * 360 == D("0.063")
    assert overdue(1_000_000, D("0.063"), 100) == D("17500.00")
    no_compound = rp.Claim(
        principal=1_000_000,
        overdue_principal=1_000_000,
        interest=50_000,
        annual_rate=0,
        penalty_rate=D("0.063"),
        rules=rules.generic(),
        as_of=DAY0,
    ).accrue(DAY0 + dt.timedelta(days=100))
    assert no_compound.penalty == D("17500.00") and no_compound.compound == 0
