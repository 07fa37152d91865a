"""Money: minor units, explicit rounding, and amounts in words.

Every amount shown to a user is an integer number of minor units (fen, cents) inside
the library and a :class:`decimal.Decimal` at the boundary.  Rounding is explicit and
exact: ``half_up`` (the default, ties away from zero as banks round), ``half_even``,
``up`` (away from zero) and ``down`` (toward zero).  ``numpy.round`` is half-even on
binary floats and is never used for money.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from typing import TYPE_CHECKING

import numpy as np

from ._validate import as_decimal, check_bool, check_choice, check_int
from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CURRENCIES",
    "ROUNDING_MODES",
    "minor_units_for",
    "rounding_modes",
    "div_round",
    "to_minor",
    "from_minor",
    "decimals_array",
    "quantize",
    "object_ints",
    "object_zeros",
    "apportion",
    "percent",
    "format_rate",
    "MAX_EXACT_MINOR",
    "Amount",
    "sum_minor",
    "decimal_column",
]

#: Minor units of the currencies repayplan knows (ISO 4217).
CURRENCIES: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "CAD": 2,
    "AUD": 2,
    "SGD": 2,
    "CHF": 2,
    "TWD": 2,
    "MOP": 2,
    "NZD": 2,
    "INR": 2,
    "THB": 2,
    "MYR": 2,
    "RUB": 2,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "IDR": 2,
}

#: The rounding modes for money, as :mod:`decimal` defines them: ``"half_up"`` (ties away
#: from zero, the default, as banks round), ``"half_even"`` (ties to the even digit),
#: ``"up"`` (away from zero) and ``"down"`` (toward zero, truncation).
ROUNDING_MODES = ("half_up", "half_even", "up", "down")

_DECIMAL_MODES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
}


def _check_units(units) -> int:
    return check_int("units", units, low=0, high=18)


def minor_units_for(currency: str = "CNY", minor_units: int | None = None) -> int:
    """Minor units of ``currency`` (CNY 2, JPY 0), or ``minor_units`` when given.

    >>> minor_units_for("CNY"), minor_units_for("JPY"), minor_units_for("CNY", 0)
    (2, 0, 0)
    """
    if not isinstance(currency, str) or currency.upper() not in CURRENCIES:
        raise InputError(
            "currency", currency, "an ISO code, one of " + ", ".join(sorted(CURRENCIES))
        )
    if minor_units is not None:
        return check_int("minor_units", minor_units, low=0, high=6)
    return CURRENCIES[currency.upper()]


def rounding_modes(rounding) -> dict[str, str]:
    """Normalise ``rounding`` to ``{"payment": mode, "interest": mode}``.

    A single mode applies to both; a mapping may name either (the other stays half-up).

    >>> rounding_modes("up")
    {'payment': 'up', 'interest': 'up'}
    >>> rounding_modes({"payment": "up"})
    {'payment': 'up', 'interest': 'half_up'}
    """
    if isinstance(rounding, str):
        check_choice("rounding", rounding, ROUNDING_MODES)
        return {"payment": rounding, "interest": rounding}
    if isinstance(rounding, Mapping):
        unknown = set(rounding) - {"payment", "interest"}
        if unknown:
            raise InputError(
                "rounding", dict(rounding), "a mode or a mapping with keys 'payment' and 'interest'"
            )
        out = {"payment": "half_up", "interest": "half_up"}
        for key, mode in rounding.items():
            check_choice(f"rounding[{key!r}]", mode, ROUNDING_MODES)
            out[key] = mode
        return out
    raise InputError(
        "rounding", rounding, "one of " + ", ".join(map(repr, ROUNDING_MODES)) + " or a mapping"
    )


def div_round(num, den, mode: str = "half_up", *, nonneg: bool = False):
    """Exact integer quotient ``num / den`` rounded by ``mode``.

    Works elementwise on Python ints and on numpy integer or object arrays; ``den`` must
    be positive.  No floating point is involved, so ties are decided exactly.

    Notes
    -----
    With ``a = |num|``: ``down = a // den``, ``up = ceil(a / den)``,
    ``half_up = (2a + den) // (2 den)``, and ``half_even`` rounds exact ties to the even
    quotient; the sign of ``num`` is then restored (so ``up``/``down`` are away from /
    toward zero, as :mod:`decimal` defines them).

    ``nonneg=True`` promises ``num >= 0`` and skips the sign handling (the engine's hot
    path: balances and rates are never negative).

    Examples
    --------
    >>> div_round(5, 2), div_round(5, 2, "half_even"), div_round(-5, 2), div_round(7, 2, "down")
    (3, 2, -3, 3)
    """
    check_choice("mode", mode, ROUNDING_MODES)
    check_bool("nonneg", nonneg)
    if nonneg and mode == "half_up":
        return (2 * num + den) // (2 * den)
    if isinstance(num, np.ndarray) or isinstance(den, np.ndarray):
        neg = num < 0
        a = np.where(neg, -num, num)
    else:
        neg = num < 0
        a = -num if neg else num
    if mode == "half_up":
        q = (2 * a + den) // (2 * den)
    elif mode == "down":
        q = a // den
    elif mode == "up":
        q = -((-a) // den)
    elif mode == "half_even":
        q = a // den
        r2 = 2 * (a - q * den)
        bump = (r2 > den) | ((r2 == den) & (q % 2 == 1))
        q = q + bump if isinstance(q, np.ndarray) else q + int(bump)
    else:
        raise InputError("rounding", mode, "one of " + ", ".join(map(repr, ROUNDING_MODES)))
    if isinstance(q, np.ndarray):
        return np.where(neg, -q, q)
    return -q if neg else q


def to_minor(
    amount, units: int = 2, mode: str = "half_up", *, field: str = "amount", exact: bool = False
) -> int:
    """An amount (Decimal, int, str, float read by its repr) as integer minor units.

    With ``exact=True`` an amount with more decimals than the currency has is an error
    instead of being rounded.

    >>> to_minor(Decimal("1234.565")), to_minor("0.005", mode="half_even"), to_minor(12, 0)
    (123457, 0, 12)
    """
    from ._validate import as_decimal

    units = _check_units(units)
    check_choice("mode", mode, ROUNDING_MODES)
    check_bool("exact", exact)
    d = as_decimal(field, amount)
    with localcontext() as ctx:  # enough digits for any amount: never an InvalidOperation
        ctx.prec = max(28, d.adjusted() + units + 4)
        scaled = d.scaleb(units)
        if exact and scaled != scaled.to_integral_value():
            raise InputError(field, amount, f"an amount with at most {units} decimal places")
        return int(scaled.quantize(Decimal(1), rounding=_DECIMAL_MODES[mode]))


def from_minor(minor, units: int = 2) -> Decimal:
    """Integer minor units as a Decimal in currency units: ``59955 -> Decimal('599.55')``.

    >>> from_minor(59955), from_minor(-5, 2), from_minor(7, 0)
    (Decimal('599.55'), Decimal('-0.05'), Decimal('7'))
    """
    if (
        isinstance(minor, (bool, np.bool_))
        or not isinstance(minor, (int, np.integer))
        or int(minor).bit_length() > 256
    ):
        raise InputError("minor", minor, "a whole number of minor units")
    return Decimal(int(minor)).scaleb(-_check_units(units))


def decimals_array(minor: np.ndarray, units: int = 2) -> np.ndarray:
    """An array of minor units as an object array of Decimals in currency units.

    Parameters
    ----------
    minor : array_like of int
        Amounts in minor units (int64 or an object array of Python ints), any shape.
    units : int, default 2
        Minor units of the currency (2 for fen and cents, 0 for yen).

    Returns
    -------
    numpy.ndarray of object, the shape of ``minor``
        ``Decimal(minor) × 10^−units``, exact (no float is involved).

    Examples
    --------
    >>> import numpy as np
    >>> decimals_array(np.array([[59955, -5], [100, 0]]))
    array([[Decimal('599.55'), Decimal('-0.05')],
           [Decimal('1.00'), Decimal('0.00')]], dtype=object)
    >>> decimals_array([1200], units=0)
    array([Decimal('1200')], dtype=object)
    """
    flat = np.asarray(minor).ravel()
    out = np.empty(flat.shape, dtype=object)
    vals = (
        flat.astype(np.int64).tolist() if flat.dtype != object else [int(v) for v in flat.tolist()]
    )
    out[:] = [d.scaleb(-units) for d in map(Decimal, vals)]
    return out.reshape(np.shape(minor))


def quantize(amount: Decimal, units: int = 2, mode: str = "half_up") -> Decimal:
    """Round a Decimal to the currency's minor units by ``mode``.

    >>> quantize(Decimal("2.675")), quantize(Decimal("2.675"), mode="half_even")
    (Decimal('2.68'), Decimal('2.68'))
    """
    from ._validate import as_decimal

    amount = as_decimal("amount", amount)
    check_choice("mode", mode, ROUNDING_MODES)
    units = _check_units(units)
    with localcontext() as ctx:  # enough digits for any amount as_decimal lets through
        ctx.prec = max(28, amount.adjusted() + units + 4)
        return amount.quantize(Decimal(1).scaleb(-units), rounding=_DECIMAL_MODES[mode])


def object_ints(values) -> np.ndarray:
    """An object array of Python ints (exact, unbounded) from any sequence of whole numbers.

    >>> object_ints([1, 2**70])[1] == 2**70
    True
    """
    out = np.empty(len(values), dtype=object)
    out[:] = [int(v) for v in values]
    return out


def object_zeros(n: int) -> np.ndarray:
    """An object array of ``n`` Python int zeros (exact accumulators, never overflowing).

    >>> z = object_zeros(3)
    >>> z += object_ints([2**70, 1, 2])
    >>> z.tolist() == [2**70, 1, 2], z.dtype
    (True, dtype('O'))
    """
    return object_ints([0] * n)


def apportion(parts: np.ndarray, new_total: int, old_total: int) -> np.ndarray:
    """``parts`` scaled by ``new_total / old_total`` in whole minor units, exact in sum.

    Largest-remainder (Hamilton) apportionment: each part is rounded down, and the units
    still missing go to the largest remainders (ties to the earlier part), so
    ``sum(result) == new_total`` whenever ``sum(parts) == old_total``.

    >>> apportion(object_ints([1, 1, 1]), 100, 3).tolist()
    [34, 33, 33]
    """
    scaled = parts * new_total
    q = scaled // old_total
    r = scaled - q * old_total
    short = new_total - int(q.sum())
    if short:
        for j in sorted(range(len(parts)), key=lambda j: (-r[j], j))[:short]:
            q[j] += 1
    return q


def percent(rate) -> str:
    """A rate (a fraction) as a percentage with two to four decimals (:func:`format_rate`
    with ``max_places=4``: a short display, in a ``repr`` or a settings field).

    >>> percent(Decimal("0.138")), percent(0.0435), percent(Decimal("0.065250"))
    ('13.80%', '4.35%', '6.525%')
    """
    return format_rate(rate, max_places=4)


def grouped(amount) -> str:
    """An amount with thousands separators, exactly as given (no rounding): ``50000`` -> ``"50,000"``.

    Floats are read by their shortest repr, so ``1234.5`` shows ``"1,234.5"``.

    >>> grouped(50000), grouped(1234567.89), grouped(Decimal("-1200.50")), grouped(0)
    ('50,000', '1,234,567.89', '-1,200.50', '0')
    """
    from ._validate import as_decimal

    d = as_decimal("amount", amount)
    exponent = d.as_tuple().exponent  # an int: as_decimal refuses NaN and infinities
    if d == d.to_integral_value() and isinstance(exponent, int) and exponent >= 0:
        return f"{int(d):,}"
    return f"{d:,f}"


#: What :func:`format_number` formats: exact amounts, whole numbers and floats.
_FIGURE_TYPES = (Decimal, int, float, np.integer, np.floating)


#: The largest figure :func:`format_number` shows, exclusive: ``10**30``, far above any
#: amount the engine holds (``kernel.MAX_AMOUNT_MINOR`` is ``10**17`` minor units), so a
#: figure this large is a mistake, not a sum to print (a million-digit text).
FORMAT_BOUND = 10**30


def format_number(
    value: Decimal | float,
    places: int = 2,
    *,
    grouping: bool = True,
    percent: bool = False,
    sign: bool = False,
) -> str:
    """A figure with ``places`` decimals: the one formatter of amounts and percents.

    Parameters
    ----------
    value : Decimal, int or float
        A ``Decimal`` is formatted exactly (an amount of the library is one); a float (a
        rate or an analytic figure) by Python's correctly rounded float formatting.
    places : int
        Decimals shown, rounded half to even on the exact value (a ``Decimal`` amount
        already has its minor units, so nothing is rounded there).
    grouping : bool
        Thousands separators (``1,234.50``); ``False`` for a plain decimal (CSV).
    percent : bool
        ``value`` is a fraction, shown times 100 with a ``%`` sign: for a ``Decimal``
        :math:`100 \\cdot v` is exact (``0.06525`` -> ``6.525%``).

    sign : bool
        A ``+`` before a positive figure (and zero), as a change is shown (``+5%``).

    Returns
    -------
    str
        ``format(value, ",.{places}f")`` (or ``".{places}%"``, ``"+"`` first with
        ``sign``): the same text the f-strings it replaces wrote.

    Examples
    --------
    >>> from decimal import Decimal
    >>> format_number(Decimal("1036500.00")), format_number(Decimal("1036500.00"), grouping=False)
    ('1,036,500.00', '1036500.00')
    >>> format_number(Decimal("0.06525"), 3, percent=True), format_number(0.0123, 1, percent=True)
    ('6.525%', '1.2%')
    >>> format_number(1234.5, 0), format_number(Decimal("5"), 0)
    ('1,234', '5')
    >>> format_number(0.05, 0, percent=True, sign=True), format_number(-1234.5, 1, sign=True)
    ('+5%', '-1,234.5')

    Raises
    ------
    InputError
        ``value`` is not a number (a text, ``None``, a bool), not finite (NaN, ±∞: callers
        show a missing figure in their own words) or not below :data:`FORMAT_BOUND` in size,
        or ``places`` is not a whole number from 0 to 30.
    """
    return _format(value, places, grouping=grouping, percent=percent, sign=sign)


def _format(
    value,
    places: int,
    *,
    grouping: bool = True,
    percent: bool = False,
    sign: bool = False,
    name: str = "value",
) -> str:
    """:func:`format_number` reporting a refused value under ``name``."""
    if isinstance(value, bool) or not isinstance(value, _FIGURE_TYPES):
        raise InputError(name, value, "a number to format (a Decimal, an int or a float)")
    if isinstance(value, Decimal):
        finite = value.is_finite() and value.copy_abs() < FORMAT_BOUND  # no context rounding
    elif isinstance(value, (int, np.integer)):
        finite = abs(int(value)) < FORMAT_BOUND
    else:
        number = float(value)  # a float or a numpy floating
        finite = math.isfinite(number) and abs(number) < FORMAT_BOUND
    if not finite:
        raise InputError(name, value, f"a finite number below {FORMAT_BOUND:.0e} in size to format")
    if type(places) is not int or not 0 <= places <= 30:
        places = check_int("places", places, low=0, high=30)
    spec = (
        ("+" if sign else "")
        + ("," if grouping and not percent else "")
        + f".{places}"
        + ("%" if percent else "f")
    )
    return format(value, spec)


def format_rate(rate, *, max_places: int | None = None) -> str:
    """A contract rate as a percent with every decimal it has, at least two: the one
    formatter of rates that are terms (a plan's, a loan's, a penalty rate, a step-up).

    A rate is read by its shortest text (``0.06525`` is 6.525 %, not its binary expansion),
    so what a person typed is what is printed; ``max_places`` rounds half-up beyond that many
    decimals (for a short display; a contract shows them all).

    Examples
    --------
    >>> format_rate(0.05), format_rate(0.06525), format_rate(Decimal("0.0435"))
    ('5.00%', '6.525%', '4.35%')
    >>> format_rate(0.043575), format_rate(0.043575, max_places=3)
    ('4.3575%', '4.358%')
    """
    pct = (as_decimal("rate", rate) * 100).normalize()
    exponent = pct.as_tuple().exponent  # an int: as_decimal refuses NaN and infinities
    places = max(2, -int(exponent)) if isinstance(exponent, int) else 2
    if max_places is not None:
        max_places = check_int("max_places", max_places, low=2, high=28)
    if max_places is not None and places > max_places:
        pct = pct.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP).normalize()
        exponent = pct.as_tuple().exponent
        places = max(2, -int(exponent)) if isinstance(exponent, int) else 2
    return format_number(pct, places, grouping=False) + "%"


def format_percent(fraction: Decimal | float, places: int = 1, *, sign: bool = False) -> str:
    """A fraction as a percent with ``places`` decimals: ``0.9123`` -> ``91.2%``.

    :func:`format_number` with ``percent=True`` (``sign=True``: ``+`` before a positive one).

    Examples
    --------
    >>> format_percent(0.9123), format_percent(Decimal("0.0435"), 2)
    ('91.2%', '4.35%')
    >>> format_percent(0.05, 0, sign=True), format_percent(-0.05, 0, sign=True)
    ('+5%', '-5%')
    """
    return _format(fraction, places, percent=True, sign=sign, name="fraction")


from ._words import amount_in_words, chinese_capitals, english_words  # noqa: E402

__all__ += ["amount_in_words", "chinese_capitals", "english_words", "grouped"]
__all__ += ["format_number", "format_percent"]


#: The largest amount (in minor units) a money column of :func:`decimal_column` holds as a
#: 64-bit integer before it is written as a decimal: ``2**63 - 1``.  A sum beyond it (e.g. the
#: total paid on a quadrillion-yuan claim at a high rate) is computed in exact Python integers by
#: :func:`sum_minor`, never wrapped into a negative number; :func:`decimal_column` refuses with
#: :class:`~repayplan.errors.InputError` what its 38 digits cannot hold.
MAX_EXACT_MINOR = 2**63 - 1


def sum_minor(minor: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Exact sums of int64 minor units along ``axis``: int64 when they fit, Python ints otherwise.

    :math:`\sum_k p_k` can pass the int64 range although every :math:`p_k` is within it; the
    sum is then taken in Python integers (an object array) so that it is never wrapped.

    >>> sum_minor(np.array([[1, 2, 3], [4, 5, 6]]))
    array([ 6, 15])
    >>> big = np.array([[2**62, 2**62, 2**62]], dtype=np.int64)     # 3 * 2**62 > 2**63 - 1
    >>> int(sum_minor(big)[0]) == 3 * 2**62
    True
    """
    a = np.asarray(minor)
    if a.dtype.kind not in "iu" and a.dtype != object:
        raise InputError("minor", a.dtype, "an array of whole minor units")
    n = a.shape[axis] if a.ndim else 1
    if a.dtype != object:
        top = int(np.abs(a).max(initial=0))
        if top * max(n, 1) <= MAX_EXACT_MINOR:  # no partial sum can leave int64
            return a.sum(axis=axis, dtype=np.int64)
    return a.astype(object).sum(axis=axis)


def decimal_column(minor, units: int = 2) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """Minor units as an exact column of amounts whose elements read back as ``Decimal``.

    With pyarrow installed an Arrow ``decimal128(38, units)`` array (vectorised: the int64
    amount is the low word of the 128-bit integer, its sign the high word; no Python object per
    amount), else an object array of ``Decimal``.  Amounts beyond int64 (Python ints from
    :func:`sum_minor`) go through ``Decimal`` one by one.

    Parameters
    ----------
    minor : array_like of int
        Whole minor units (int64, or an object array of Python ints).
    units : int
        Minor units of the currency (2: fen, cents).

    Returns
    -------
    pandas ExtensionArray or numpy.ndarray
        To be put in a DataFrame or Series; ``float(x)`` of an element is the float for analytics.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(decimal_column(np.array([12393566, -5]), 2))
    >>> s.iloc[0], s.iloc[1], s.astype(float).tolist()
    (Decimal('123935.66'), Decimal('-0.05'), [123935.66, -0.05])
    """
    import pandas as pd

    units = _check_units(units)
    a = np.asarray(minor)
    if a.dtype.kind not in "iu" and a.dtype != object:
        raise InputError("minor", a.dtype, "an array of whole minor units")
    a = a.reshape(-1)
    if a.dtype == object and any(abs(int(x)) >= 10**38 for x in a):
        raise InputError("minor", a, "amounts of at most 38 digits")
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is optional
        return decimals_array(a.astype(object), units)
    dtype = pd.ArrowDtype(pa.decimal128(38, units))
    if a.dtype == object:
        return pd.array([from_minor(int(x), units) for x in a], dtype=dtype)  # type: ignore[call-overload]
    v = a.astype(np.int64)
    words = np.empty((v.size, 2), dtype=np.int64)
    words[:, 0] = v
    np.right_shift(v, 63, out=words[:, 1])
    arr = pa.Array.from_buffers(pa.decimal128(38, units), v.size, [None, pa.py_buffer(words)])
    return pd.array(arr, dtype=dtype)


class Amount(Decimal):
    """An exact amount a user typed or reads (``Plan.down_payment``): a ``Decimal`` that reads like a number.

    A ``Decimal`` in every way (arithmetic gives plain ``Decimal``), with two differences that
    keep it what the amount was typed as: it prints as its digits (``repr`` is ``50000`` or
    ``1000.01``, not ``Decimal('1000.01')``), and it equals a float whose shortest text is the
    same number, as the library reads every float a user types (``Amount("16666.67")
    == 16666.67``, although the binary float is not exactly 16666.67).  A whole amount has no
    exponent (``Amount(50000.0)`` is ``50000``), any other keeps its digits without trailing
    zeros (``1000.010`` is ``1000.01``).

    The hash is ``Decimal``'s (equal Amounts and Decimals hash equal); an Amount equal to an
    inexact float by its text does not hash like that float, so do not mix the two as keys.

    Examples
    --------
    >>> a = Amount("1000.010")
    >>> a, str(a), a == Decimal("1000.01"), a == 1000.01, a + 1
    (1000.01, '1000.01', True, True, Decimal('1001.01'))
    >>> Amount(50000.0), f"{Amount(12345.6):,}", Amount(16666.67) == 16666.67
    (50000, '12,345.6', True)
    """

    __slots__ = ()

    def __new__(cls, value=0):
        d = as_decimal("value", value)  # a float by its repr; NaN, inf, text: InputError
        d = d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
        return super().__new__(cls, d)

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return format(Decimal(self), "f")

    @staticmethod
    def _as_typed(other):
        """A finite float as the Decimal of its shortest text; anything else unchanged."""
        if isinstance(other, float) and other == other and abs(other) != float("inf"):
            return Decimal(repr(other))
        return other

    def __eq__(self, other):
        if isinstance(other, float) and (other != other or abs(other) == float("inf")):
            return False
        return Decimal.__eq__(self, self._as_typed(other))

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    # the order agrees with the equality: Amount("16666.67") <= 16666.67 <= Amount("16666.67")
    def __lt__(self, other):
        return Decimal.__lt__(self, self._as_typed(other))

    def __le__(self, other):
        return Decimal.__le__(self, self._as_typed(other))

    def __gt__(self, other):
        return Decimal.__gt__(self, self._as_typed(other))

    def __ge__(self, other):
        return Decimal.__ge__(self, self._as_typed(other))

    __hash__ = Decimal.__hash__
