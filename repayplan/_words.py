"""Amounts in words for agreement annexes: Chinese financial capitals and English cheque style.

An agreement states each total twice, in figures and in words, and the two must agree to
the fen.  The amount is therefore read exactly (``Decimal``, ``int`` or text; a float by its
shortest repr) and is never rounded: an amount with more decimals than the currency has
minor units is an error.

Chinese capitals follow 中国人民银行《支付结算办法》(银发〔1997〕393号) 附一
《正确填写票据和结算凭证的基本规定》, cited below by its section numbers:

* 一  the characters 零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分零整(正);
* 二  整 after 元 when the amount ends at 元; nothing is required after 角; never 整 after 分;
* 三  the words follow "人民币" with no gap (the caller or the printed form supplies 人民币);
* 四  zeros: (一) a 0 inside the figures is written 零; (二) a run of 0s is one 零;
  (三) when the 万位 or 元位 is 0 (alone or ending a run) but the 千位 or 角位 is not, one 零
  may be written or none: ¥1,680.32 "应写成人民币壹仟陆佰捌拾元零叁角贰分，或者写成人民币
  壹仟陆佰捌拾元叁角贰分"; ¥107,000.53 "应写成人民币壹拾万柒仟元零伍角叁分，或者写成人民币
  壹拾万零柒仟元伍角叁分"; (四) when the 角位 is 0 and the 分位 is not, 零 follows 元
  (¥16,409.02 → 壹万陆仟肆佰零玖元零贰分; ¥325.04 → 叁佰贰拾伍元零肆分).

Where 四(三) leaves a choice this module writes the first form of the rule's own examples,
so both examples come out exactly as the rule writes them first: 零 after 元 when the 元位 is
0 and the 角位 is not (壹仟陆佰捌拾元零叁角贰分), and no 零 after 万 when the 万位 is 0 and the
千位 is not (壹拾万柒仟元零伍角叁分).  The 万 omission is applied only where 万 itself is
written; a 0 at the 亿位 (which 四(三) does not name) and an empty 万 section are written
零 under 四(一)/(二): 壹拾亿零柒仟万元整, 壹亿零伍仟元整.  After 角 no 整 is written, as in
the rule's example ¥1,409.50 → 壹仟肆佰零玖元伍角.
"""

from __future__ import annotations

from ._validate import as_decimal, check_choice
from .errors import InputError

__all__ = ["amount_in_words", "chinese_capitals", "english_words"]

#: Minor units of the currencies that can be put in words (ISO 4217 exponents).
_MINOR_UNITS = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "GBP": 2, "JPY": 0, "KRW": 0}

#: Languages of :func:`amount_in_words`.
_LANGUAGES = ("en", "zh")

#: Amounts are put in words while ``abs(amount) < _LIMIT`` (one quadrillion; 1000万亿).
_LIMIT = 10**15

_ZH_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_ZH_POSITIONS = ("", "拾", "佰", "仟")

_EN_ONES = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))


def _check_currency(currency) -> str:
    """The ISO code of a currency that can be put in words, upper case."""
    code = currency.upper() if isinstance(currency, str) else None
    if code not in _MINOR_UNITS:
        raise InputError("currency", currency, "an ISO code, one of " + ", ".join(_MINOR_UNITS))
    return code


def _split_amount(amount, currency: str) -> tuple[bool, int, int, int]:
    """Split an exact amount into (negative, whole units, minor units, number of minor digits).

    Integer arithmetic on the decimal digits, so no context precision can round a long
    input such as ``"1.000000000000000000000000000001"`` into an acceptable one.
    """
    minor = _MINOR_UNITS[currency]
    d = as_decimal("amount", amount)
    if abs(d) >= _LIMIT:
        raise InputError("amount", amount, "an amount whose absolute value is below 10**15")
    sign, digits, exponent = d.as_tuple()
    coefficient = int("".join(map(str, digits)))
    shift = (
        int(exponent) + minor
    )  # (finite: an int) the amount in minor units is coefficient * 10**shift
    if shift >= 0:
        total = coefficient * 10**shift
    else:
        total, rest = divmod(coefficient, 10**-shift)
        if rest:
            allowed = f"an exact amount with at most {minor} decimal places for {currency}"
            raise InputError("amount", amount, allowed, "amounts in words are never rounded")
    whole, fraction = divmod(total, 10**minor)
    return bool(sign) and total != 0, whole, fraction, minor


def _zh_section(n: int) -> str:
    """Capitals of 0 < n < 10**4: one 零 for each run of inner zeros (四(一), 四(二))."""
    out: list[str] = []
    gap = False
    for position in (3, 2, 1, 0):
        digit = n // 10**position % 10
        if digit == 0:
            gap = gap or bool(out)  # zeros before the first digit are not written
        else:
            if gap:
                out.append("零")
                gap = False
            out.append(_ZH_DIGITS[digit] + _ZH_POSITIONS[position])
    return "".join(out)  # trailing zeros are not written either


def _zh_integer(n: int) -> str:
    """Capitals of the whole units 0 < n < 10**16, sections of four digits under 万 and 亿."""
    if n < 10**4:
        return _zh_section(n)
    if n < 10**8:
        high, low = divmod(n, 10**4)
        head = _zh_section(high) + "万"
        if low == 0:
            return head
        # 千位 not 0: no gap, or a 0 at the 万位 that 四(三) lets us leave out (壹拾万柒仟)
        return head + ("" if low >= 1000 else "零") + _zh_section(low)
    high, low = divmod(n, 10**8)
    head = _zh_integer(high) + "亿"
    if low == 0:
        return head
    gap = high % 10 == 0 or low < 10**7  # a 0 at the 亿位 or at the 千万位
    return head + ("零" if gap else "") + _zh_integer(low)


def chinese_capitals(amount) -> str:
    """Write a renminbi amount in Chinese financial capitals (中文大写金额).

    Parameters
    ----------
    amount : Decimal, int or str
        The amount in yuan, exact, with at most two decimal places (角, 分); a float is read
        by its shortest repr (``1680.32`` is ``Decimal("1680.32")``).  ``abs(amount)``
        must be below 10**15.

    Returns
    -------
    str
        The capitals without the 人民币 prefix (the printed form or the caller adds it,
        rule 三): ``负`` before a negative amount, ``零元整`` for zero.

    Raises
    ------
    InputError
        ``amount`` is not a finite number, has more than two decimal places, or is too large.

    Notes
    -----
    With ``amount = Σ_k d_k·10^k + j/10 + f/100`` (digits ``d_k`` of the whole yuan, 角 ``j``,
    分 ``f``) each non-zero ``d_k`` is written as its capital followed by 拾, 佰 or 仟 for
    ``k mod 4 = 1, 2, 3``, with 万 after the 万 section (``k = 4..7``) and 亿 after the
    higher digits (``k >= 8``) when those are not all zero.  Zeros follow the PBoC rules
    quoted in the module docstring: one 零 for each run of zeros between written digits
    (四(一), 四(二)), except a run ending at the 万位 when the 千位 is not 0 (四(三), first
    form); 零 after 元 when the 元位 is 0 and the 角位 is not (四(三), first form) and when
    the 角位 is 0 and the 分位 is not (四(四)); 整 after 元 when there are no 角 or 分 (二).

    Examples
    --------
    The rule's own examples (¥1,409.50, ¥6,007.14, ¥1,680.32, ¥107,000.53, ¥16,409.02):

    >>> chinese_capitals("1409.50")
    '壹仟肆佰零玖元伍角'
    >>> chinese_capitals("6007.14")
    '陆仟零柒元壹角肆分'
    >>> chinese_capitals("1680.32")
    '壹仟陆佰捌拾元零叁角贰分'
    >>> chinese_capitals("107000.53")
    '壹拾万柒仟元零伍角叁分'
    >>> chinese_capitals("16409.02")
    '壹万陆仟肆佰零玖元零贰分'

    A 1.2M CNY overdue claim, a fee of five fen, and a refund:

    >>> chinese_capitals(1_200_000)
    '壹佰贰拾万元整'
    >>> chinese_capitals("0.05")
    '伍分'
    >>> chinese_capitals("-100000000.01")
    '负壹亿元零壹分'
    """
    negative, whole, fraction, _ = _split_amount(amount, "CNY")
    if whole == 0 and fraction == 0:
        return "零元整"
    jiao, fen = divmod(fraction, 10)
    out = [_zh_integer(whole) + "元"] if whole else []
    if fraction == 0:
        out.append("整")
    else:
        if whole and (jiao == 0 or whole % 10 == 0):
            out.append("零")  # 四(四) when the 角位 is 0; 四(三) first form when the 元位 is 0
        if jiao:
            out.append(_ZH_DIGITS[jiao] + "角")
        if fen:
            out.append(_ZH_DIGITS[fen] + "分")
    return ("负" if negative else "") + "".join(out)


def _en_below_thousand(n: int) -> str:
    """English words of 0 < n < 1000, American style (no "and" after hundred)."""
    hundreds, rest = divmod(n, 100)
    words = [f"{_EN_ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_EN_ONES[rest])
    return " ".join(words)


def _en_integer(n: int) -> str:
    """English words of 0 <= n < 10**15 on the short scale (thousand, million, billion, trillion)."""
    if n == 0:
        return "zero"
    words = []
    for scale, name in _EN_SCALES:
        count, n = divmod(n, scale)
        if count:
            words.append(f"{_en_below_thousand(count)} {name}")
    if n:
        words.append(_en_below_thousand(n))
    return " ".join(words)


def english_words(amount, currency: str = "CNY") -> str:
    """Write an amount in English in the bank-cheque style used on agreements.

    Parameters
    ----------
    amount : Decimal, int or str
        The amount in major units (yuan, dollars), exact, with at most as many decimal
        places as the currency has minor units; a float is read by its shortest repr.
        ``abs(amount)`` must be below 10**15.
    currency : str, default "CNY"
        ISO code: CNY, USD, EUR, HKD, GBP (two minor units) or JPY, KRW (none).

    Returns
    -------
    str
        ``"<CODE> [minus] <whole units in words> and <minor units>/100"``; for a currency
        without minor units the fraction is left out.

    Raises
    ------
    InputError
        Unknown currency; ``amount`` not a finite number, with more decimal places than
        the currency allows, or too large.

    Notes
    -----
    The whole units are written on the short scale in American cheque style: hyphens in
    twenty-one … ninety-nine and no "and" inside the number ("one million two hundred
    thirty-four thousand five hundred sixty-seven"); the minor units follow as a two-digit
    fraction, ``"and 00/100"`` when there are none, as cheque-writing guides show
    ("one thousand five hundred sixty-seven and 00/100").  For
    ``amount = W + c/100`` the text is ``words(W) + " and " + f"{c:02d}/100"``.  The ISO
    code comes first, so the sentence names its currency without a unit name per currency
    (yuan/fen, dollars/cents); "minus" follows the code for a negative amount, and zero is
    "zero and 00/100".

    Examples
    --------
    >>> english_words("1234567.89")
    'CNY one million two hundred thirty-four thousand five hundred sixty-seven and 89/100'
    >>> english_words(1_200_000, currency="JPY")
    'JPY one million two hundred thousand'
    >>> english_words("-143.07", currency="USD")
    'USD minus one hundred forty-three and 07/100'
    >>> english_words(0)
    'CNY zero and 00/100'
    """
    code = _check_currency(currency)
    negative, whole, fraction, minor = _split_amount(amount, code)
    words = [code] + (["minus"] if negative else []) + [_en_integer(whole)]
    if minor:
        words.append(f"and {fraction:0{minor}d}/{10**minor}")
    return " ".join(words)


def amount_in_words(amount, lang: str = "en", currency: str = "CNY") -> str:
    """Write an amount in words: English cheque style or Chinese financial capitals.

    Parameters
    ----------
    amount : Decimal, int or str
        The exact amount in major units; see :func:`english_words`.
    lang : {"en", "zh"}, default "en"
        ``"en"``: :func:`english_words`; ``"zh"``: :func:`chinese_capitals`.
    currency : str, default "CNY"
        ISO code (see :func:`english_words`); Chinese capitals (元角分) are for CNY only.

    Returns
    -------
    str
        The amount in words.

    Raises
    ------
    InputError
        Unknown language or currency, Chinese for a currency other than CNY, or an amount
        that cannot be written exactly.

    Notes
    -----
    ``amount_in_words(a, "en", c) == english_words(a, c)`` and
    ``amount_in_words(a, "zh") == chinese_capitals(a)``; the rules are in those functions.

    Examples
    --------
    >>> from decimal import Decimal
    >>> amount_in_words(Decimal("1200000.00"), lang="zh")
    '壹佰贰拾万元整'
    >>> amount_in_words(1200000.5, currency="USD")
    'USD one million two hundred thousand and 50/100'
    """
    check_choice("lang", lang, _LANGUAGES)
    code = _check_currency(currency)
    if lang == "en":
        return english_words(amount, code)
    if code != "CNY":
        raise InputError(
            "currency", currency, "'CNY' when lang='zh' (Chinese capitals 元角分 are for renminbi)"
        )
    return chinese_capitals(amount)
