"""Court fees under 《诉讼费用交纳办法》 (国务院令第481号), pinned on published examples.

Oracles (each cited; see tests/published_sources.md, "Court fees"):

- The quick-calculation tables courts and lawyers publish (速算表: amount × band rate +
  a constant per band), which are a different formula from the band-by-band sum the code
  computes:
  * acceptance fee: xintinglawyer.com/a/servers/s7/2643.html and
    uianet.net/dictionary/b14065540.html (1万-10万 ×2.5% −200, …, 2000万以上 ×0.5% +41800);
  * execution fee: 乐陵市人民法院 (jinanzy.sdcourt.gov.cn …/811362/index.html) and
    龙口市人民法院 (ytlkfy.sdcourt.gov.cn …/575967/index.html) (1万~50万 ×1.5% −100,
    50万~500万 ×1% +2400, 500万~1000万 ×0.5% +27400, 1000万以上 ×0.1% +67400);
  * preservation fee: 977y.com/know/39236.html (1000-10万 ×1% +20, above ×0.5% +520,
    at most 5,000).
- Worked examples: m.8netcn.com/zige/122734.html (100,000 → 2,300; 200,000 → 4,300).
- The article text read band by band in exact fractions (Art. 13(1), Art. 14(1), (2)).
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import repayplan as rp
from repayplan.errors import InputError

# (lower bound, upper bound, rate, constant): the published quick-calculation tables
ACCEPTANCE_QUICK = [
    (10_000, 100_000, "0.025", -200),
    (100_000, 200_000, "0.02", 300),
    (200_000, 500_000, "0.015", 1300),
    (500_000, 1_000_000, "0.01", 3800),
    (1_000_000, 2_000_000, "0.009", 4800),
    (2_000_000, 5_000_000, "0.008", 6800),
    (5_000_000, 10_000_000, "0.007", 11800),
    (10_000_000, 20_000_000, "0.006", 21800),
    (20_000_000, None, "0.005", 41800),
]
EXECUTION_QUICK = [
    (10_000, 500_000, "0.015", -100),
    (500_000, 5_000_000, "0.01", 2400),
    (5_000_000, 10_000_000, "0.005", 27400),
    (10_000_000, None, "0.001", 67400),
]
PRESERVATION_QUICK = [(1_000, 100_000, "0.01", 20), (100_000, None, "0.005", 520)]


def quick(amount: Decimal, table, flat) -> Decimal:
    for lo, hi, rate, const in table:
        if amount > lo and (hi is None or amount <= hi):
            return (amount * Decimal(rate) + const).quantize(
                Decimal("0.01"), rounding="ROUND_HALF_UP"
            )
    return Decimal(flat)


def by_article(amount: Decimal, flat: int, bands) -> Fraction:
    """The article's words: a flat fee for the first band, then each rate on the part of the
    amount within its band (分段累计)."""
    a = Fraction(amount)
    total = Fraction(flat)
    for lo, hi, rate in bands:
        top = a if hi is None else min(a, hi)
        if top > lo:
            total += (top - lo) * Fraction(rate)
    return total


ART13 = [
    (10_000, 100_000, "0.025"),
    (100_000, 200_000, "0.02"),
    (200_000, 500_000, "0.015"),
    (500_000, 1_000_000, "0.01"),
    (1_000_000, 2_000_000, "0.009"),
    (2_000_000, 5_000_000, "0.008"),
    (5_000_000, 10_000_000, "0.007"),
    (10_000_000, 20_000_000, "0.006"),
    (20_000_000, None, "0.005"),
]
ART14_EXEC = [
    (10_000, 500_000, "0.015"),
    (500_000, 5_000_000, "0.01"),
    (5_000_000, 10_000_000, "0.005"),
    (10_000_000, None, "0.001"),
]
ART14_PRES = [(1_000, 100_000, "0.01"), (100_000, None, "0.005")]


def test_published_worked_examples():
    # m.8netcn.com: 100,000 x 2.5% - 200 = 2,300; 200,000 x 2% + 300 = 4,300
    assert rp.court_fees(100_000)["acceptance"] == Decimal("2300.00")
    assert rp.court_fees(200_000)["acceptance"] == Decimal("4300.00")
    # 1 million: 1% + 3,800 = 13,800 (uianet quick table); execution 1% + 2,400 = 12,400 (court tables)
    fees = rp.court_fees(1_000_000)
    assert fees == {
        "acceptance": Decimal("13800.00"),
        "preservation": Decimal("5000.00"),
        "execution": Decimal("12400.00"),
    }
    # 10 million executed: 0.5% + 27,400 = 77,400 (乐陵 / 龙口 court tables)
    assert rp.court_fees(10_000_000)["execution"] == Decimal("77400.00")
    # the first bands are flat: 50 to file up to 10,000, 30 to preserve up to 1,000, 50 to execute up to 10,000
    assert rp.court_fees(800) == {
        "acceptance": Decimal("50.00"),
        "preservation": Decimal("30.00"),
        "execution": Decimal("50.00"),
    }


@pytest.mark.parametrize(
    "amount",
    [
        10_000.01,
        99_999.99,
        100_000,
        150_000,
        500_000,
        999_999.99,
        1_500_000,
        4_321_000,
        9_999_999,
        15_000_000,
        20_000_000,
        123_456_789.12,
    ],
)
def test_acceptance_fee_matches_the_quick_table_at_every_band(amount):
    a = Decimal(str(amount))
    assert rp.court_fees(a)["acceptance"] == quick(a, ACCEPTANCE_QUICK, 50)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500000000"), places=2))
@example(Decimal("10000.00"))
@example(Decimal("20000000.01"))
@example(Decimal("896000.00"))  # where the preservation fee reaches its cap
def test_fees_agree_with_the_quick_tables_and_the_article_text(a):
    fees = rp.court_fees(a)
    assert fees["acceptance"] == quick(a, ACCEPTANCE_QUICK, 50)
    assert fees["execution"] == quick(a, EXECUTION_QUICK, 50)
    assert fees["preservation"] == min(quick(a, PRESERVATION_QUICK, 30), Decimal(5000))
    half_up = lambda f: Decimal(f.numerator) / Decimal(f.denominator)  # noqa: E731
    for key, flat, bands in (("acceptance", 50, ART13), ("execution", 50, ART14_EXEC)):
        exact = half_up(by_article(a, flat, bands)).quantize(
            Decimal("0.01"), rounding="ROUND_HALF_UP"
        )
        assert fees[key] == exact
    pres = half_up(min(by_article(a, 30, ART14_PRES), Fraction(5000))).quantize(
        Decimal("0.01"), rounding="ROUND_HALF_UP"
    )
    assert fees["preservation"] == pres
    assert all(isinstance(v, Decimal) for v in fees.values())


def test_preservation_fee_is_capped_at_5000():
    assert rp.court_fees(895_998)["preservation"] == Decimal("4999.99")  # 0.5% x 895,998 + 520
    assert rp.court_fees(896_000)["preservation"] == Decimal("5000.00")
    assert rp.court_fees(1e9)["preservation"] == Decimal("5000.00")


def test_summary_procedure_and_mediation_halve_the_acceptance_fee_only():
    full = rp.court_fees(1_234_567)
    for proc in ("summary", "mediated"):
        half = rp.court_fees(1_234_567, procedure=proc)
        assert half["acceptance"] == (full["acceptance"] / 2).quantize(
            Decimal("0.01"), rounding="ROUND_HALF_UP"
        )
        assert (
            half["preservation"] == full["preservation"] and half["execution"] == full["execution"]
        )


def test_preserved_and_executed_amounts_can_differ_from_the_claim():
    fees = rp.court_fees(1_000_000, preserved=50_000, executed=600_000)
    assert fees["preservation"] == Decimal("520.00")  # 50,000 x 1% + 20
    assert fees["execution"] == Decimal("8400.00")  # 600,000 x 1% + 2,400
    assert rp.court_fees(1_000_000, preserved=0)["preservation"] == Decimal("0.00")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": 100, "kind": "divorce"}, "kind"),
        ({"amount": 100, "procedure": "fast"}, "procedure"),
        ({"amount": 100, "preserved": -1}, "preserved"),
        ({"amount": 100, "executed": 0}, "executed"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    amount = kwargs.pop("amount")
    with pytest.raises(InputError) as e:
        rp.court_fees(amount, **kwargs)
    assert e.value.field == field
