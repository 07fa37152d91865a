"""Amounts in words: Chinese financial capitals and English cheque style.

Oracles
-------
* Chinese: 中国人民银行《支付结算办法》(银发〔1997〕393号) 附一《正确填写票据和结算凭证的基本规定》,
  section 四 (zeros) with its worked examples (¥1,409.50, ¥6,007.14, ¥1,680.32, ¥107,000.53,
  ¥16,409.02, ¥325.04), sections 一 (characters) and 二 (整).  Text as quoted e.g. at
  http://iask.sina.com.cn/b/18733053.html and
  https://00.wendadaohang.com/zd/DIrZjjIn0nBI00nnDT0.html.  Every other expected string
  was written by hand from those rules; the comment names the rule.
* English: cheque-writing guides, e.g.
  http://number-word.calculators.ro/how-to-write-checks-amounts-USD-currency-in-words.php
  ("one thousand five hundred sixty-seven and 00/100"; no "and" after hundred/thousand/
  million; hyphens in twenty-one … ninety-nine) and
  https://en.sorumatik.co/t/how-to-write-cents-on-a-check/98490 ("One hundred forty-three
  and 07/100").
* Properties: independent parsers written here read every string back to its amount, and
  a digit-by-digit restatement of the zero rules (independent of the library's section
  recursion) gives the exact Chinese string.
"""

from __future__ import annotations

import doctest
import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import repayplan._words as words_module
from repayplan._words import amount_in_words, chinese_capitals, english_words
from repayplan.errors import InputError

# ---------------------------------------------------------------------------------------------
# Independent oracles
# ---------------------------------------------------------------------------------------------

ZH_DIGITS = "零壹贰叁肆伍陆柒捌玖"
ZH_VALUE = {c: i for i, c in enumerate(ZH_DIGITS)}
ZH_POSITION = {"拾": 10, "佰": 100, "仟": 1000}


def parse_zh_section(text: str) -> int:
    """Value of a section below 10**4 such as 壹仟零柒 (零 only marks a gap)."""
    body = text.replace("零", "")
    pairs = re.fullmatch(r"(?:[壹贰叁肆伍陆柒捌玖][拾佰仟]?)*", body)
    assert pairs is not None, text
    total = 0
    for digit, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([拾佰仟]?)", body):
        total += ZH_VALUE[digit] * ZH_POSITION.get(unit, 1)
    return total


def parse_zh_integer(text: str) -> int:
    """Value of whole yuan written with 万 and 亿 (亿 multiplies everything before it)."""
    if "亿" in text:
        high, low = text.split("亿")
        return parse_zh_integer(high) * 10**8 + parse_zh_integer(low)
    if "万" in text:
        high, low = text.split("万")
        return parse_zh_section(high) * 10**4 + parse_zh_section(low)
    return parse_zh_section(text)


def parse_zh(text: str) -> Decimal:
    """Read Chinese financial capitals back to a Decimal amount in yuan."""
    negative = text.startswith("负")
    body = text[1:] if negative else text
    if body == "零元整":
        assert not negative
        return Decimal(0)
    whole_text, _, frac_text = body.rpartition("元")
    whole = parse_zh_integer(whole_text) if whole_text else 0
    if frac_text == "整":
        cents = 0
    else:
        m = re.fullmatch(
            r"零?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?", frac_text
        )
        assert m is not None and frac_text, text
        cents = 10 * ZH_VALUE.get(m.group(1) or "零") + ZH_VALUE.get(m.group(2) or "零")
    value = Decimal(whole * 100 + cents).scaleb(-2)
    return -value if negative else value


def zh_oracle(cents: int) -> str:
    """The capitals of ``cents`` fen (>= 0), digit by digit from the rules.

    Walk the digits of the whole yuan from the top; a run of zeros between written digits is
    one 零 (四(一), 四(二)) unless the run ends at the 万位 (position 4, or 12 = the 万位 of
    the number of 亿) with that 万 section non-zero (四(三), first form of ¥107,000.53).
    万 closes positions 4..7 and 12..15, 亿 closes 8..15, each when not all zero.
    """
    if cents == 0:
        return "零元整"
    whole, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    d = [int(c) for c in reversed(str(whole))] if whole else []
    out = ""
    pending_zero = False
    for p in range(len(d) - 1, -1, -1):
        if d[p] == 0:
            pending_zero = True
        else:
            if pending_zero:
                lowest_zero = p + 1
                if not (lowest_zero in (4, 12) and any(d[lowest_zero : lowest_zero + 4])):
                    out += "零"
                pending_zero = False
            out += ZH_DIGITS[d[p]] + ["", "拾", "佰", "仟"][p % 4]
        if p in (4, 12) and any(d[p : p + 4]):
            out += "万"
        if p == 8 and any(d[8:]):
            out += "亿"
    if whole:
        out += "元"
    if fraction == 0:
        return out + "整"
    if whole and (d[0] == 0 or jiao == 0):  # 四(三) first form / 四(四)
        out += "零"
    if jiao:
        out += ZH_DIGITS[jiao] + "角"
    if fen:
        out += ZH_DIGITS[fen] + "分"
    return out


EN_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
EN_TENS = {
    w: 10 * i
    for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if i >= 2
}
EN_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def parse_en_number(tokens: list[str]) -> int:
    """Value of short-scale American number words; scales must strictly decrease."""
    total, current, last_scale = 0, 0, None
    for token in tokens:
        if token == "hundred":
            assert 0 < current < 10, tokens
            current *= 100
        elif token in EN_SCALE:
            scale = EN_SCALE[token]
            assert 0 < current < 1000 and (last_scale is None or scale < last_scale), tokens
            total += current * scale
            current, last_scale = 0, scale
        elif "-" in token:
            tens, ones = token.split("-")
            assert 1 <= EN_SMALL[ones] <= 9, tokens
            current += EN_TENS[tens] + EN_SMALL[ones]
        elif token in EN_TENS:
            current += EN_TENS[token]
        else:
            current += EN_SMALL[token]
    return total + current


def parse_en(text: str) -> tuple[str, Decimal]:
    """Read ``"<CODE> [minus] words [and NN/100]"`` back to (code, amount)."""
    code, *tokens = text.split(" ")
    negative = tokens[0] == "minus"
    if negative:
        tokens = tokens[1:]
    cents, places = 0, 0
    if "and" in tokens:
        i = tokens.index("and")
        m = re.fullmatch(r"(\d\d)/100", tokens[i + 1])
        assert m is not None and len(tokens) == i + 2, text
        cents, places = int(m.group(1)), 2
        tokens = tokens[:i]
    value = Decimal(parse_en_number(tokens) * 10**places + cents).scaleb(-places)
    return code, -value if negative else value


# ---------------------------------------------------------------------------------------------
# Chinese capitals: hand-checked cases, each traced to its rule
# ---------------------------------------------------------------------------------------------

ZH_CASES = [
    # the rule's own examples, section 四
    ("1409.50", "壹仟肆佰零玖元伍角"),  # 四(一): inner 0 → 零; 二: no 整 needed after 角
    ("6007.14", "陆仟零柒元壹角肆分"),  # 四(二): a run of 0s → one 零
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),  # 四(三): 元位 0, 角位 not → first form, with 零
    ("107000.53", "壹拾万柒仟元零伍角叁分"),  # 四(三): first form, no 零 after 万, 零 after 元
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # 四(四): 角位 0, 分位 not → 元零
    ("325.04", "叁佰贰拾伍元零肆分"),  # 四(四)
    # the brief's cases
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),  # no zeros at all
    ("1000000.00", "壹佰万元整"),  # 二: 整 after 元; trailing zeros not written
    ("0.05", "伍分"),  # no whole yuan: neither 元 nor 零 written; 二: no 整 after 分
    ("100000000.01", "壹亿元零壹分"),  # 四(四) above 亿
    ("0", "零元整"),  # zero
    # more zeros, hand-written from the rules
    ("10", "壹拾元整"),  # 一: 拾 always with its digit (壹拾, as in 壹拾万柒仟)
    ("1200000", "壹佰贰拾万元整"),  # the typical 1.2M CNY claim; 二
    ("1001", "壹仟零壹元整"),  # 四(二)
    ("1000.50", "壹仟元零伍角"),  # 四(三): several 0s ending at 元位, 角位 not 0 → first form
    ("10.01", "壹拾元零壹分"),  # 四(四)
    ("100000.10", "壹拾万元零壹角"),  # 四(三) at 元位 after a whole 万
    ("10700", "壹万零柒佰元整"),  # 四(一): 千位 0 between 万位 1 and 百位 7
    ("100700", "壹拾万零柒佰元整"),  # 四(二): 万位 and 千位 0 → 四(三) does not apply
    ("100010", "壹拾万零壹拾元整"),  # 四(二) across the 万 boundary
    ("110000", "壹拾壹万元整"),  # zeros after the last digit are not written
    ("1007000", "壹佰万柒仟元整"),  # 四(三): run of 0s ending at 万位, 千位 7 → first form
    ("1070000", "壹佰零柒万元整"),  # 四(一) inside the 万 section
    ("0.50", "伍角"),  # 二: 整 may be left out after 角
    ("0.55", "伍角伍分"),
    ("20.00", "贰拾元整"),
    # 亿 and above (四(三) names only 万位 and 元位, so a 0 at 亿位 follows 四(一))
    ("200000000", "贰亿元整"),
    ("10000000000", "壹佰亿元整"),
    ("100005000", "壹亿零伍仟元整"),  # 四(二): empty 万 section, no 万 written → 零
    ("1070000000", "壹拾亿零柒仟万元整"),  # 四(一): 亿位 0
    ("1000070000", "壹拾亿零柒万元整"),  # 四(二)
    ("1100000000", "壹拾壹亿元整"),
    ("123456789", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整"),
    ("1000000000000", "壹万亿元整"),  # 万 of 亿
    ("1000100000000", "壹万零壹亿元整"),  # 四(一) inside the number of 亿
    ("123456789000123.45", "壹佰贰拾叁万肆仟伍佰陆拾柒亿捌仟玖佰万零壹佰贰拾叁元肆角伍分"),
    ("999999999999999.99", "玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # negative amounts
    ("-1680.32", "负壹仟陆佰捌拾元零叁角贰分"),
    ("-0.05", "负伍分"),
    ("-0.00", "零元整"),  # minus zero is zero
]


@pytest.mark.parametrize(("amount", "expected"), ZH_CASES)
def test_chinese_capitals_follow_pboc_rules(amount, expected):
    assert chinese_capitals(amount) == expected
    assert chinese_capitals(Decimal(amount)) == expected
    assert amount_in_words(amount, lang="zh") == expected


@pytest.mark.parametrize(("amount", "expected"), ZH_CASES)
def test_oracle_and_parser_agree_with_hand_cases(amount, expected):
    # pins the independent oracles used by the properties below to the same hand cases
    value = Decimal(amount)
    assert parse_zh(expected) == value
    if value >= 0:
        assert zh_oracle(int(value * 100)) == expected


def test_rule_alternative_forms_are_not_produced():
    # 四(三) allows 壹仟陆佰捌拾元叁角贰分 and 壹拾万零柒仟元伍角叁分; the first forms are chosen
    assert chinese_capitals("1680.32") != "壹仟陆佰捌拾元叁角贰分"
    assert chinese_capitals("107000.53") != "壹拾万零柒仟元伍角叁分"
    assert parse_zh("壹拾万零柒仟元伍角叁分") == Decimal("107000.53")


@pytest.mark.parametrize(
    "amount", [1680, 1680.32, Decimal("1680.32"), "1680.32", " 1,680.32 ", "1680.320", 0.05]
)
def test_amount_types_are_read_exactly(amount):
    expected = {1680: "壹仟陆佰捌拾元整", 0.05: "伍分"}.get(amount, "壹仟陆佰捌拾元零叁角贰分")
    assert chinese_capitals(amount) == expected


# ---------------------------------------------------------------------------------------------
# English cheque style
# ---------------------------------------------------------------------------------------------

EN_CASES = [
    # brief: currency code first, cheque fraction
    (
        "1234567.89",
        "CNY",
        "CNY one million two hundred thirty-four thousand five hundred sixty-seven and 89/100",
    ),
    # calculators.ro: "one thousand five hundred sixty-seven and 00/100"
    ("1567", "USD", "USD one thousand five hundred sixty-seven and 00/100"),
    # sorumatik: "One hundred forty-three and 07/100"; trendsmask: "One hundred thirty and 45/100"
    ("143.07", "USD", "USD one hundred forty-three and 07/100"),
    ("130.45", "USD", "USD one hundred thirty and 45/100"),
    ("25.50", "EUR", "EUR twenty-five and 50/100"),
    # hand-written
    ("0", "CNY", "CNY zero and 00/100"),
    ("0.05", "GBP", "GBP zero and 05/100"),
    ("1200000", "CNY", "CNY one million two hundred thousand and 00/100"),
    ("1200000", "JPY", "JPY one million two hundred thousand"),
    ("0", "KRW", "KRW zero"),
    ("15", "HKD", "HKD fifteen and 00/100"),
    ("90", "KRW", "KRW ninety"),
    ("100", "KRW", "KRW one hundred"),
    ("101", "KRW", "KRW one hundred one"),
    ("1000001", "KRW", "KRW one million one"),
    ("1000000000001", "KRW", "KRW one trillion one"),
    ("20000000000.10", "CNY", "CNY twenty billion and 10/100"),
    (
        "999999999999999.99",
        "CNY",
        "CNY nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred "
        "ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine and 99/100",
    ),
    ("-250.5", "CNY", "CNY minus two hundred fifty and 50/100"),
    ("-0", "USD", "USD zero and 00/100"),
]


@pytest.mark.parametrize(("amount", "currency", "expected"), EN_CASES)
def test_english_cheque_style(amount, currency, expected):
    assert english_words(amount, currency) == expected
    assert amount_in_words(amount, currency=currency) == expected
    assert amount_in_words(amount, "en", currency) == expected
    assert parse_en(expected) == (currency, Decimal(amount))


def test_english_defaults_to_cny():
    assert english_words("1.5") == "CNY one and 50/100"
    assert amount_in_words("1.5") == "CNY one and 50/100"


def test_currency_code_case_is_normalised_to_iso():
    # as repayplan.money.minor_units_for accepts "cny"
    assert english_words(1, "usd") == "USD one and 00/100"
    assert amount_in_words(1, "zh", "cny") == "壹元整"


# ---------------------------------------------------------------------------------------------
# Errors name field, value and what is allowed; nothing is rounded
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: chinese_capitals("1.234"), "amount"),  # three decimals for CNY
        (lambda: chinese_capitals(0.1 + 0.2), "amount"),  # repr 0.30000000000000004
        (lambda: chinese_capitals("1.000000000000000000000000000001"), "amount"),  # beyond prec
        (lambda: chinese_capitals(10**15), "amount"),
        (lambda: chinese_capitals("-1e15"), "amount"),
        (lambda: chinese_capitals(None), "amount"),
        (lambda: chinese_capitals(True), "amount"),
        (lambda: chinese_capitals("abc"), "amount"),
        (lambda: chinese_capitals(float("nan")), "amount"),
        (lambda: chinese_capitals(Decimal("Infinity")), "amount"),
        (lambda: english_words("1.5", "JPY"), "amount"),  # JPY has no minor units
        (lambda: english_words("0.001", "USD"), "amount"),
        (lambda: english_words(1, "XYZ"), "currency"),
        (lambda: english_words(1, None), "currency"),
        (lambda: amount_in_words(1, lang="fr"), "lang"),
        (lambda: amount_in_words(1, lang="zh", currency="USD"), "currency"),
        (lambda: amount_in_words(1, lang="zh", currency="XYZ"), "currency"),
    ],
)
def test_bad_input_raises_input_error_naming_the_field(call, field):
    with pytest.raises(InputError) as info:
        call()
    err = info.value
    assert err.field == field
    assert err.allowed and f"{field} == " in str(err)


def test_decimal_places_error_says_what_is_allowed():
    with pytest.raises(InputError, match=r"at most 0 decimal places for JPY"):
        english_words("100.5", "JPY")
    # trailing zeros are exact, not rounding: accepted
    assert english_words("100.00", "JPY") == "JPY one hundred"


def test_docstring_examples_run():
    result = doctest.testmod(words_module)
    assert result.attempted >= 10 and result.failed == 0


# ---------------------------------------------------------------------------------------------
# Properties over 0 .. 10**12 yuan with two decimals
# ---------------------------------------------------------------------------------------------

cents_strategy = st.integers(min_value=0, max_value=10**14)
# amounts with many zeros, where the rules bite
sparse_cents = st.lists(st.sampled_from([0, 0, 0, 0, 1, 5, 9]), min_size=1, max_size=15).map(
    lambda ds: int("".join(map(str, ds)))
)
any_cents = st.one_of(cents_strategy, sparse_cents)


def as_amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@settings(max_examples=250, deadline=None)
@given(any_cents)
@example(10700000053)  # 107,000,000.53
@example(1000000001)  # 10,000,000.01
@example(100000000000000)  # 10**12 yuan
def test_chinese_round_trips_and_matches_digitwise_oracle(cents):
    amount = as_amount(cents)
    text = chinese_capitals(amount)
    assert parse_zh(text) == amount
    assert zh_oracle(cents) == text
    # well-formed by 一, 二, 四: only the allowed characters, no doubled 零, no 零 before a unit
    assert set(text) <= set(ZH_DIGITS + "拾佰仟万亿元角分整")
    assert "零零" not in text
    if cents:
        assert not re.search("零[元万亿角分整]", text) and not text.endswith("零")
    else:
        assert text == "零元整"
    assert text.endswith("整") == (cents % 100 == 0)
    assert ("元" in text) == (cents >= 100 or cents == 0)


@settings(max_examples=200, deadline=None)
@given(any_cents)
def test_negative_chinese_is_prefixed(cents):
    amount = as_amount(cents)
    if cents == 0:
        assert chinese_capitals(-amount) == "零元整"
    else:
        assert chinese_capitals(-amount) == "负" + chinese_capitals(amount)


@settings(max_examples=250, deadline=None)
@given(any_cents, st.sampled_from(["CNY", "USD", "EUR", "HKD", "GBP"]), st.booleans())
def test_english_round_trips(cents, currency, negative):
    amount = -as_amount(cents) if negative else as_amount(cents)
    text = english_words(amount, currency)
    assert parse_en(text) == (currency, amount)
    assert text.startswith(currency + " ")
    assert re.search(r" and \d\d/100$", text)
    assert (" minus " in text) == (negative and cents != 0)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["JPY", "KRW"]))
def test_zero_minor_unit_currencies_round_trip_without_fraction(units, currency):
    text = english_words(units, currency)
    assert "/" not in text and " and " not in text
    assert parse_en(text) == (currency, Decimal(units))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1), st.integers(min_value=0, max_value=99))
def test_every_amount_type_gives_the_same_words(units, cents):
    text = f"{units}.{cents:02d}"
    # a float with at most 14 significant digits is read by its repr, which is this decimal
    forms = [text, Decimal(text), float(text)]
    if cents == 0:
        forms.append(units)
    assert len({chinese_capitals(f) for f in forms}) == 1
    assert len({english_words(f) for f in forms}) == 1
