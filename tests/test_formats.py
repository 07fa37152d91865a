"""The one formatter of figures (:func:`repayplan.report.formats.format_number`).

Oracles: the f-strings it replaced (``f"{x:,.2f}"``, ``f"{x:.1%}"``), and for rates an
independent exact computation with :class:`fractions.Fraction` (the percent is ``100 r``
with every decimal it has, at least two).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repayplan.compare import delta_text
from repayplan.errors import InputError
from repayplan.report.formats import (
    format_amount,
    format_number,
    format_percent,
    format_rate,
    plain_amount,
)

AMOUNTS = st.decimals(min_value=-(10**12), max_value=10**12, places=2)
FLOATS = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@settings(max_examples=500)
@given(AMOUNTS, st.integers(0, 4))
def test_amounts_are_the_fstrings_they_replace(x, places):
    assert format_number(x, places) == f"{x:,.{places}f}"
    assert format_number(x, places, grouping=False) == f"{x:.{places}f}"
    assert format_amount(x, places) == f"{x:,.{places}f}"
    assert plain_amount(x, places) == f"{x:.{places}f}"


@settings(max_examples=500)
@given(FLOATS, st.integers(0, 3))
def test_floats_and_percents_are_the_fstrings_they_replace(x, places):
    assert format_number(x, places) == f"{x:,.{places}f}"
    assert format_number(x / 1e12, places, percent=True) == f"{x / 1e12:.{places}%}"
    assert format_percent(x / 1e12, places) == f"{x / 1e12:.{places}%}"


@settings(max_examples=300)
@given(FLOATS, st.integers(0, 3), st.booleans())
def test_signed_figures_are_the_fstrings_they_replace(x, places, grouping):
    comma = "," if grouping else ""
    assert format_number(x, places, grouping=grouping, sign=True) == f"{x:+{comma}.{places}f}"
    assert format_percent(x / 1e12, places, sign=True) == f"{x / 1e12:+.{places}%}"


def test_the_formatter_lives_in_money_and_the_report_re_exports_it():
    from repayplan import money
    from repayplan.report import formats

    assert formats.format_number is money.format_number
    assert formats.format_percent is money.format_percent


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": "12.5"}, "value"),
        ({"value": None}, "value"),
        ({"value": True}, "value"),
        ({"value": Fraction(1, 3)}, "value"),
        ({"value": Decimal("1"), "places": -1}, "places"),
        ({"value": Decimal("1"), "places": 2.5}, "places"),
        ({"value": Decimal("1"), "places": 31}, "places"),
    ],
)
def test_what_is_not_a_figure_is_refused_by_name(kwargs, field):
    with pytest.raises(InputError) as err:
        format_number(**kwargs)
    assert err.value.field == field


def test_numpy_figures_are_the_fstrings_they_replace():
    import numpy as np

    for x in (np.float64(1234.565), np.float32(0.1), np.int64(-1036500), 7):
        assert format_number(x) == f"{x:,.2f}"
        assert format_percent(x, 1) == f"{x:.1%}"


def test_hand_computed_figures():
    assert format_number(Decimal("1036500")) == "1,036,500.00"
    assert format_number(Decimal("-1234.5"), 1) == "-1,234.5"
    assert format_number(Decimal("0.06525"), 3, percent=True) == "6.525%"  # exact: 100 x 0.06525
    assert format_percent(0.9123) == "91.2%"
    assert format_number(2.675, 2) == "2.67"  # the float 2.675 is 2.67499999... exactly
    assert format_percent(Decimal("0.05"), 0, sign=True) == "+5%"  # 100 x 0.05 = 5 exactly
    assert format_number(Decimal("0"), 2, sign=True) == "+0.00"
    assert format_number(Decimal("-1036500.5"), 2, sign=True) == "-1,036,500.50"


def _rate_oracle(rate: Decimal) -> str:
    pct = Fraction(rate) * 100
    places = 2
    while (pct * 10**places).denominator != 1:
        places += 1
    digits = abs(pct) * 10**places
    whole, frac = divmod(int(digits), 10**places)
    return ("-" if pct < 0 else "") + f"{whole}.{frac:0{places}d}%"


@settings(max_examples=500)
@given(st.decimals(min_value=-1, max_value=1, places=8))
def test_rates_show_every_decimal_and_at_least_two(rate):
    assert format_rate(rate) == _rate_oracle(rate) or (rate == 0 and format_rate(rate) == "0.00%")


@pytest.mark.parametrize(
    ("key", "change", "lang", "want"),
    [
        ("total_paid", -1234.5, "en", "−1,234.50"),
        ("recovery_rate", 0.0123, "en", "+1.2 pp"),
        ("term", 12.0, "en", "+12"),
        ("months_short", 2.5, "en", "+2.5"),
        ("default_probability", -0.05, "zh", "−5.0 个百分点"),
        ("dscr", 0.104, "en", "+0.10"),
    ],
)
def test_the_comparisons_changes_go_through_the_formatter(key, change, lang, want):
    assert delta_text(key, change, lang) == want


@pytest.mark.parametrize(
    "bad",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("1E+999999"),
        10**30,
        -(10**400),
        1e30,
    ],
)
def test_a_figure_that_is_not_finite_or_beyond_the_bound_is_refused_by_name(bad):
    from repayplan.errors import InputError
    from repayplan.money import FORMAT_BOUND, format_number, format_percent

    with pytest.raises(InputError, match=r"^value == .*finite number below 1e\+30"):
        format_number(bad)
    with pytest.raises(InputError, match=r"^fraction == "):
        format_percent(bad)
    # just inside the bound still prints, exactly
    assert format_number(Decimal(FORMAT_BOUND - 1), 0) == f"{FORMAT_BOUND - 1:,}"
