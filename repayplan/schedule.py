"""The amortization engine: cent-exact schedules, one loan or many at once.

:func:`amortize` builds the schedule of one loan; :func:`amortize_many` runs a
DataFrame of loans through the same kernel, vectorised across loans (the only Python
loop is over periods, where the arithmetic is sequential).  The scalar form calls the
batch kernel with a batch of one, so both give identical figures.

Conventions (see ``docs/concepts/rounding.md``)
------------------------------------------------
* Amounts are integer minor units inside; rates are read exactly as decimals
  (``0.0435`` is 435/10000, not its binary expansion).
* Interest of period *k* is ``balance * annual_rate / frequency`` (30/360), or
  ``balance * annual_rate * days / 360`` (ACT/360), ``/ 365`` (ACT/365F), split by
  year (ACT/ACT ISDA), computed exactly and rounded to minor units.
* The regular payment is rounded to minor units; the last payment absorbs the
  residual, so the closing balance is exactly zero.  Every row satisfies
  ``opening_balance - principal == closing_balance`` and
  ``payment == interest + principal``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pandas as pd

from . import money
from ._validate import (
    MAX_BATCH_MINOR,
    check_amount,
    check_bool,
    check_choice,
    check_date,
    check_int,
    check_loan_columns,
    check_rate,
)
from .errors import InputError

__all__ = ["Schedule", "amortize", "amortize_many", "METHODS", "GRACE_KINDS", "FREQUENCIES"]

#: The repayment structures of :func:`amortize`: ``"level"`` (annuity, 等额本息: one payment
#: ``P = B ρ / (1 − (1 + ρ)^−n)`` every period), ``"equal_principal"`` (等额本金: ``B / n`` of
#: principal a period plus interest on the falling balance) and ``"interest_only"`` (interest
#: every period, the principal with the last one).
METHODS = ("level", "equal_principal", "interest_only")
#: What the ``grace`` periods at the start of a schedule pay: ``"interest_only"`` (the interest
#: of the period, the balance stays) or ``"deferral"`` (nothing; the interest is capitalised,
#: shown as negative principal).
GRACE_KINDS = ("interest_only", "deferral")
#: Payments per year :func:`amortize` accepts: annual, semi-annual, quarterly, monthly,
#: fortnightly and weekly (as :data:`repayplan.calendar.FREQUENCIES`); the periodic rate of
#: a 30/360 schedule is ``annual_rate / frequency``.
FREQUENCIES = (1, 2, 4, 12, 26, 52)
MAX_PERIODS = 1200
_LEVEL, _EQUAL, _IONLY, _CUSTOM = 0, 1, 2, 3
_METHOD_CODE = {"level": _LEVEL, "equal_principal": _EQUAL, "interest_only": _IONLY}
_INT64_SAFE = 2**62
TABLE_COLUMNS = [
    "period", "date", "opening_balance", "payment", "interest", "principal", "closing_balance", "fee",
]


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False)
class Schedule:
    """A repayment schedule, exact to the minor unit.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per period: ``period`` (1-based), ``date`` (due date, ``NaT`` without a
        start date), ``opening_balance``, ``payment`` (interest + principal),
        ``interest``, ``principal`` (negative in a deferral period, when interest is
        capitalised), ``closing_balance`` and ``fee``; amounts are ``Decimal`` in
        currency units.
    payment : Decimal
        The regular payment: the level payment, or the first payment after grace for
        the other methods.
    total_interest, total_principal, total_fees, total_paid : Decimal
        Column sums; ``total_paid`` is payments plus fees, what the borrower pays.
    principal : Decimal
        The amount financed.
    currency : str
    minor_units : int
    terms : dict
        The arguments the schedule was built from.

    Notes
    -----
    Every row satisfies ``opening_balance − principal == closing_balance`` and
    ``payment == interest + principal`` exactly (in the default mode; see
    ``carry_precision`` in :func:`amortize`), the principal column sums to the amount
    financed and the last closing balance is zero.

    Examples
    --------
    A 12,000 yuan loan at 12 % a year over 12 months in equal principal instalments
    (等额本金) repays 1,000 yuan of principal a month; the interest on the falling balance is
    120, 110, …, 10 yuan, ``12 × 120 − 10 × (0 + 1 + … + 11) = 780`` yuan in all, and the
    last payment is ``1,000 + 10``.

    >>> from repayplan.schedule import amortize
    >>> s = amortize(12_000, 0.12, 12, method="equal_principal", start="2025-01-15")
    >>> s
    Schedule(equal_principal, 12 periods, payment 1120.00 CNY, total interest 780.00,
             total paid 12780.00)
    >>> cols = ["period", "date", "payment", "interest", "principal", "closing_balance"]
    >>> s.table.loc[[0, 1, 11], cols]
        period       date  payment interest principal closing_balance
    0        1 2025-02-15  1120.00   120.00   1000.00        11000.00
    1        2 2025-03-15  1110.00   110.00   1000.00        10000.00
    11      12 2026-01-15  1010.00    10.00   1000.00            0.00
    >>> s.periods, s.last_payment, s.total_paid
    (12, Decimal('1010.00'), Decimal('12780.00'))
    """

    table: pd.DataFrame
    payment: Decimal
    total_interest: Decimal
    total_principal: Decimal
    total_fees: Decimal
    total_paid: Decimal
    principal: Decimal
    currency: str = "CNY"
    minor_units: int = 2
    terms: dict = field(default_factory=dict)
    minor: pd.DataFrame | None = None

    @property
    def periods(self) -> int:
        """Number of rows (instalments) actually scheduled.

        A given payment that repays the loan early ends the schedule early: 10,000 at 6 %
        (0.5 % a month) with 4,000 a month is repaid in three instalments.

        >>> from repayplan.schedule import amortize
        >>> amortize(10_000, 0.06, None, payment=4_000).periods
        3
        """
        return len(self.table)

    @property
    def last_payment(self) -> Decimal:
        """The last payment, which absorbs the rounding residual (fees excluded).

        Of 10,000 at 6 % paid 4,000 a month: interest 50.00 leaves 6,050.00; interest
        30.25 leaves 2,080.25; its interest 10.40125 rounds to 10.40, so the last payment
        is ``2,080.25 + 10.40 = 2,090.65``.

        >>> from repayplan.schedule import amortize
        >>> amortize(10_000, 0.06, None, payment=4_000).last_payment
        Decimal('2090.65')
        """
        return self.table["payment"].iloc[-1]

    @property
    def payments(self) -> np.ndarray:
        """Payments plus fees per period, as float currency units (for analytics, not money).

        >>> from repayplan.schedule import amortize
        >>> amortize(12_000, 0.12, 3, method="equal_principal", fee=5).payments
        array([4125., 4085., 4045.])
        """
        m = self.minor
        return (m["payment"].to_numpy() + m["fee"].to_numpy()) / 10**self.minor_units

    def __repr__(self) -> str:
        t = self.terms
        return (
            f"Schedule({t.get('method', 'custom')}, {self.periods} periods, payment {self.payment} "
            f"{self.currency}, total interest {self.total_interest}, total paid {self.total_paid})"
        )

    def summary(self) -> pd.Series:
        """The headline figures as a Series.

        >>> from repayplan.schedule import amortize
        >>> amortize(12_000, 0.12, 12, method="equal_principal").summary()
        principal         12000.00
        payment            1120.00
        periods                 12
        total_interest      780.00
        total_fees            0.00
        total_paid        12780.00
        last_payment       1010.00
        Name: schedule, dtype: object
        """
        return pd.Series(
            {
                "principal": self.principal,
                "payment": self.payment,
                "periods": self.periods,
                "total_interest": self.total_interest,
                "total_fees": self.total_fees,
                "total_paid": self.total_paid,
                "last_payment": self.last_payment,
            },
            name="schedule",
        )

    def _repr_html_(self) -> str:
        head = self.summary().to_frame().to_html(header=False)
        rows = self.table if len(self.table) <= 24 else pd.concat([self.table.head(12), self.table.tail(12)])
        return f"<div><b>{self!r}</b>{head}{rows.to_html(index=False)}</div>".replace(
            "<b>Schedule", "<b>Schedule"
        )


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------
def amortize(
    principal,
    annual_rate,
    periods,
    *,
    frequency=12,
    method="level",
    compounding=None,
    start=None,
    day_count="30/360",
    rounding="half_up",
    payment=None,
    fee=None,
    grace=0,
    grace_kind="interest_only",
    amortization_periods=None,
    rate_changes=None,
    carry_precision=False,
    currency="CNY",
    minor_units=None,
    business_day="unadjusted",
    holidays=None,
    payment_basis="nominal",
) -> Schedule:
    """Amortization schedule of one loan, exact to the minor unit.

    Parameters
    ----------
    principal : number
        Amount financed, > 0 (Decimal, int, str or float read by its repr).
    annual_rate : number
        Annual nominal rate as a fraction (``0.0435``), from 0 to 1.
    periods : int or None
        Number of payments, 1..1200.  ``None`` only with ``payment=``: run until repaid.
    frequency : {1, 2, 4, 12, 26, 52}
        Payments per year.
    method : {"level", "equal_principal", "interest_only"} or sequence of amounts
        ``level`` (annuity, 等额本息), ``equal_principal`` (等额本金),
        ``interest_only`` (bullet at the end), or the payment of every period.
    compounding : int, optional
        Compounding periods per year when it differs from ``frequency`` (2 for Canadian
        mortgages); the periodic rate is then ``(1 + r/compounding)**(compounding/frequency) - 1``.
    start : date, optional
        Disbursement date; due dates follow the frequency with the end-of-month rule.
    day_count : {"30/360", "ACT/360", "ACT/365F", "ACT/ACT"}
        Under an actual-day count, each period's interest uses the actual days between
        due dates (``start`` is then required).
    rounding : str or mapping
        ``"half_up"`` (default), ``"half_even"``, ``"up"``, ``"down"``, or
        ``{"payment": mode, "interest": mode}``.
    payment : number, optional
        A given regular payment.
    fee : number, optional
        Flat fee each period, in its own column.
    grace, grace_kind : int, {"interest_only", "deferral"}
        Periods at the start that pay interest only, or pay nothing while interest is
        capitalised; the structure then runs over the remaining periods.
    amortization_periods : int, optional
        The level payment (or equal principal part) is computed over this many periods
        while the loan falls due after ``periods``: the remainder is a balloon paid with
        the last instalment.  Counted, like ``periods``, from the first period.
    rate_changes : mapping {period: annual_rate}, optional
        From that (1-based) period the new rate applies and the payment is recomputed
        over the remaining periods.  A given ``payment`` stays as given.
    carry_precision : bool
        Carry the balance unrounded (reduced by the unrounded payment less the unrounded
        interest); only the amounts shown are rounded.  Row identities then hold only
        approximately, as in the textbooks that use this convention.
    currency : str
        ISO code; sets the minor units (CNY 2, JPY 0).
    minor_units : int, optional
        Overrides the currency's minor units (0 for a table in whole yuan).
    business_day : {"unadjusted", "following", "modified_following", "preceding"}
        Rolling of due dates that fall on non-business days.
    holidays : str or iterable of dates, optional
        Holiday calendar for rolling: a country code ("CN", "US") or dates.
    payment_basis : {"nominal", "actual"}
        Under an actual-day count, the level payment is computed on the nominal periodic
        rate (``annual_rate / frequency``, the usual practice) or solved on the actual
        days so that the last payment equals the others up to rounding.

    Returns
    -------
    Schedule

    Notes
    -----
    The level payment on balance :math:`B` over :math:`n` periods at periodic rate
    :math:`\\rho` is

    .. math:: P = B \\frac{\\rho}{1 - (1 + \\rho)^{-n}}, \\qquad P = B / n \\text{ if } \\rho = 0,

    rounded to minor units.  Each period: interest :math:`I_k = \\mathrm{round}(B_{k-1}\\rho_k)`,
    principal :math:`P - I_k`, and :math:`B_k = B_{k-1} - (P - I_k)`; the last period pays
    :math:`B_{n-1} + I_n`.

    Examples
    --------
    What is the monthly payment needed to pay off a 1,000,000 yuan loan in 30 years at 4.9%
    (等额本息)?

    >>> import repayplan as rp
    >>> s = rp.amortize(1_000_000, 0.049, 360)
    >>> s.payment, s.total_interest
    (Decimal('5307.27'), Decimal('910615.12'))
    >>> bool(s.table["principal"].sum() == 1_000_000)
    True
    """
    spec = _LoanSpec.from_arguments(
        principal=principal, annual_rate=annual_rate, periods=periods, frequency=frequency,
        method=method, compounding=compounding, start=start, day_count=day_count,
        rounding=rounding, payment=payment, fee=fee, grace=grace, grace_kind=grace_kind,
        amortization_periods=amortization_periods, rate_changes=rate_changes,
        carry_precision=carry_precision, currency=currency, minor_units=minor_units,
        business_day=business_day, holidays=holidays, payment_basis=payment_basis,
    )
    batch = _Batch.from_specs([spec])
    res = _run(batch, keep_rows=True)
    _raise_custom_errors(res, batch, prefix="")
    if spec.periods is None and res.last_payment[0] > spec.payment_minor:
        u = spec.units
        first_interest = money.from_minor(res.table["interest"][0, spec.grace], u)
        raise InputError(
            "payment", payment,
            f"an amount that repays the loan within {MAX_PERIODS} periods (the first period's "
            f"interest alone is {first_interest})",
        )
    return _schedule_from_result(res, batch, 0, spec)


def amortize_many(loans: pd.DataFrame, *, rows: bool = False, rounding="half_up",
                  amounts: str = "decimal") -> pd.DataFrame:
    """Amortize many loans at once, vectorised across loans.

    Parameters
    ----------
    loans : pandas.DataFrame
        One row per loan with columns ``principal``, ``annual_rate``, ``periods`` and
        optionally ``method``, ``frequency``, ``compounding``, ``start``, ``day_count``,
        ``payment``, ``fee``, ``grace``, ``grace_kind``, ``amortization_periods``,
        ``currency``, ``minor_units``, ``carry_precision``.
    rows : bool
        ``False``: one row per loan (``payment``, ``periods``, ``total_interest``,
        ``total_fees``, ``total_paid``, ``last_payment``).  ``True``: every schedule row
        in long form, with a ``loan`` column holding the index label of ``loans``.
    rounding : str or mapping
        As in :func:`amortize`, for the whole batch.
    amounts : {"decimal", "minor"}
        ``"decimal"``: amounts as ``Decimal`` in currency units.  ``"minor"``: amounts as
        int64 minor units (fen, cents), for very large books where building a Python
        object per amount is the slowest part of the call.

    Returns
    -------
    pandas.DataFrame
        Identical, loan by loan, to :func:`amortize`.

    Examples
    --------
    >>> import pandas as pd, repayplan as rp
    >>> loans = pd.DataFrame({"principal": [100_000, 200_000], "annual_rate": [0.06, 0.075],
    ...                       "periods": [360, 180]})
    >>> rp.amortize_many(loans)[["payment", "total_interest"]]
       payment total_interest
    0   599.55      115838.45
    1  1854.02      133725.08
    """
    if not isinstance(loans, pd.DataFrame):
        raise InputError("loans", type(loans).__name__, "a pandas DataFrame with one row per loan")
    check_bool("rows", rows)
    missing = [c for c in ("principal", "annual_rate", "periods") if c not in loans.columns]
    if missing:
        raise InputError("loans.columns", list(loans.columns), f"columns including {missing}")
    check_loan_columns(loans, ints=("periods", "frequency", "grace", "amortization_periods", "compounding",
                                    "minor_units"),
                       amounts=("principal", "fee", "payment"), rates=("annual_rate",),
                       currencies=money.CURRENCIES)
    known = {
        "principal", "annual_rate", "periods", "method", "frequency", "compounding", "start",
        "day_count", "payment", "fee", "grace", "grace_kind", "amortization_periods",
        "currency", "minor_units", "carry_precision",
    }
    if len(loans) == 0:
        return pd.DataFrame(columns=["payment", "periods", "total_interest", "total_fees", "total_paid"])
    check_choice("amounts", amounts, ("decimal", "minor"))
    batch = _Batch.from_frame(loans, rounding=rounding, known=known)
    res = _run(batch, keep_rows=rows)
    _raise_custom_errors(res, batch, prefix="loans")
    return _frame_from_result(res, batch, loans.index, rows=rows, decimal=amounts == "decimal")


# --------------------------------------------------------------------------------------
# Validation of one loan's arguments
# --------------------------------------------------------------------------------------
@dataclass
class _LoanSpec:
    principal_minor: int
    rate: Decimal
    periods: int | None
    frequency: int
    method: str
    custom: list[int] | None
    absorb_last: bool
    compounding: int | None
    start: _dt.date | None
    day_count: str
    modes: dict
    payment_minor: int | None
    fee_minor: int
    grace: int
    grace_kind: str
    amortization_periods: int | None
    rate_changes: dict[int, Decimal]
    carry_precision: bool
    currency: str
    units: int
    business_day: str
    holidays: object
    payment_basis: str
    terms: dict

    @classmethod
    def from_arguments(cls, **kw) -> _LoanSpec:
        currency = kw["currency"]
        units = money.minor_units_for(currency, kw["minor_units"])
        modes = money.rounding_modes(kw["rounding"])
        p = check_amount("principal", kw["principal"])
        principal_minor = _exact_minor("principal", kw["principal"], p, units)
        rate = check_rate("annual_rate", kw["annual_rate"])
        frequency = check_choice("frequency", kw["frequency"], FREQUENCIES)
        method = kw["method"]
        custom = None
        absorb = False
        grace = check_int("grace", kw["grace"], low=0, high=MAX_PERIODS)
        if isinstance(method, str):
            check_choice("method", method, METHODS)
        elif isinstance(method, (Sequence, np.ndarray, pd.Series)) and not isinstance(method, str):
            vals = list(np.asarray(method, dtype=object).ravel())
            if not vals:
                raise InputError("method", method, "a method name or a non-empty sequence of payments")
            absorb = vals[-1] is None
            if absorb:
                vals[-1] = 0
            custom = [
                _exact_minor(f"method[{i}]", v, check_amount(f"method[{i}]", v, allow_zero=True), units)
                for i, v in enumerate(vals)
            ]
            method = "custom"
        else:
            raise InputError("method", method, "one of 'level', 'equal_principal', 'interest_only' or a sequence of payments")
        periods = kw["periods"]
        payment = kw["payment"]
        if custom is not None:
            if periods is not None and check_int("periods", periods, low=1, high=MAX_PERIODS) != len(custom) + grace:
                raise InputError("periods", periods, f"None or grace + the length of the payment vector ({grace + len(custom)})")
            periods = len(custom) + grace
            if periods > MAX_PERIODS:
                raise InputError("method", f"{periods} payments", f"at most {MAX_PERIODS} payments")
        elif periods is None:
            if payment is None:
                raise InputError("periods", None, "a whole number from 1 to 1200 (None only with payment=)")
        else:
            periods = check_int("periods", periods, low=1, high=MAX_PERIODS)
        payment_minor = None
        if payment is not None:
            if custom is not None:
                raise InputError("payment", payment, "None when method is a payment vector")
            payment_minor = _exact_minor("payment", payment, check_amount("payment", payment), units)
        fee_minor = 0
        if kw["fee"] is not None:
            fee_minor = _exact_minor("fee", kw["fee"], check_amount("fee", kw["fee"], allow_zero=True), units)
            if fee_minor > MAX_BATCH_MINOR:  # the fee column of the engine is int64
                raise InputError("fee", kw["fee"], f"a fee of at most {MAX_BATCH_MINOR:,} minor units a period")
        grace_kind = check_choice("grace_kind", kw["grace_kind"], GRACE_KINDS)
        if periods is not None and grace >= periods:
            raise InputError("grace", grace, f"fewer periods than the term ({periods})")
        amort = kw["amortization_periods"]
        if amort is not None:
            amort = check_int("amortization_periods", amort, low=1, high=100 * MAX_PERIODS)
            if periods is None or amort < periods:
                raise InputError("amortization_periods", amort, f"a whole number >= periods ({periods})")
            if method not in ("level", "equal_principal"):
                raise InputError("amortization_periods", amort, "used with method 'level' or 'equal_principal'")
        compounding = kw["compounding"]
        if compounding is not None:
            compounding = check_int("compounding", compounding, low=1, high=365)
        day_count = _normalize_day_count(kw["day_count"])
        if compounding is not None and compounding != frequency and day_count != "30/360":
            raise InputError("compounding", compounding, "None with an actual-day count (compounding applies with day_count='30/360')")
        start = None if kw["start"] is None else check_date("start", kw["start"])
        if day_count != "30/360" and start is None:
            raise InputError("start", None, f"a date: day_count {day_count!r} counts actual days between due dates")
        changes = {}
        rc = {} if kw["rate_changes"] is None else kw["rate_changes"]
        if not isinstance(rc, Mapping):
            raise InputError("rate_changes", rc, "a mapping {period: annual_rate}")
        for k, v in rc.items():
            kk = check_int("rate_changes period", k, low=1, high=periods if periods else MAX_PERIODS)
            changes[kk] = check_rate(f"rate_changes[{k}]", v)
        carry = check_bool("carry_precision", kw["carry_precision"])
        hol = kw["holidays"]  # checked here too: it is read only when a date is rolled
        if hol is not None and not ((isinstance(hol, str) and hol.strip()) or hasattr(hol, "weekend_workdays") or (
                isinstance(hol, (Iterable, np.ndarray)) and not isinstance(hol, (str, Mapping)))):
            raise InputError("holidays", hol, "None, a country or market code, or an iterable of dates")
        if isinstance(hol, str):  # an unknown code is refused even when no date is rolled
            from .calendar import is_business_day

            is_business_day(np.array(["2026-01-01"], dtype="datetime64[D]"), hol)
        if carry and custom is not None:
            raise InputError("carry_precision", True, "False when method is a payment vector")
        business_day = check_choice(
            "business_day", kw["business_day"], ("unadjusted", "following", "modified_following", "preceding")
        )
        basis = check_choice("payment_basis", kw["payment_basis"], ("nominal", "actual"))
        terms = {k: v for k, v in kw.items() if k != "method"}
        terms["method"] = method
        return cls(
            principal_minor=principal_minor, rate=rate, periods=periods, frequency=frequency,
            method=method, custom=custom, absorb_last=absorb, compounding=compounding, start=start,
            day_count=day_count, modes=modes, payment_minor=payment_minor, fee_minor=fee_minor,
            grace=grace, grace_kind=grace_kind, amortization_periods=amort, rate_changes=changes,
            carry_precision=carry, currency=currency.upper(), units=units,
            business_day=business_day, holidays=kw["holidays"], payment_basis=basis, terms=terms,
        )


def _exact_minor(field_name, raw, value: Decimal, units: int) -> int:
    scaled = value.scaleb(units)
    if scaled != scaled.to_integral_value():
        raise InputError(field_name, raw, f"an amount with at most {units} decimal places")
    return int(scaled)


def _normalize_day_count(dc) -> str:
    try:
        from .calendar import normalize_day_count
    except ImportError:  # pragma: no cover - calendar ships with the package
        normalize_day_count = None
    if normalize_day_count is not None:
        return normalize_day_count(dc)
    return check_choice("day_count", dc, ("30/360", "ACT/360", "ACT/365F", "ACT/ACT"))


# --------------------------------------------------------------------------------------
# The batch: arrays over loans
# --------------------------------------------------------------------------------------
@dataclass
class _Batch:
    n: int
    T: int                       # the longest schedule, in periods
    B0: np.ndarray               # principal, minor units
    N: np.ndarray                # periods (due date of the last payment)
    G: np.ndarray                # grace periods
    deferral: np.ndarray         # bool: grace capitalises interest
    M: np.ndarray                # amortization periods (>= N; balloon when > N)
    method: np.ndarray           # method code
    given: np.ndarray            # given regular payment (minor), -1 when none
    fee: np.ndarray              # fee per period (minor)
    RN: np.ndarray               # interest numerator per (loan, period): interest = B * RN / RD
    RD: int                      # common interest denominator of the batch
    PN: np.ndarray               # nominal periodic rate numerator per (loan, period), for payments
    PD: int                      # nominal periodic rate denominator
    changes: np.ndarray          # bool (loan, period): recompute the payment here
    custom: np.ndarray | None    # (loan, period) payment vector, minor
    dates: np.ndarray | None     # (loan, period) datetime64[D] due dates
    units: np.ndarray
    modes: dict
    carry: bool
    actual_basis: np.ndarray     # bool: solve the level payment on actual periodic rates
    dtype: object
    absorb: np.ndarray | None = None  # bool: the vector's last payment is whatever clears the loan

    @classmethod
    def from_specs(cls, specs: list[_LoanSpec]) -> _Batch:
        s = specs[0]
        n = len(specs)
        T = max((sp.periods if sp.periods is not None else MAX_PERIODS) for sp in specs)
        B0 = np.array([sp.principal_minor for sp in specs], dtype=object)
        N = np.array([sp.periods if sp.periods is not None else MAX_PERIODS for sp in specs], dtype=np.int64)
        G = np.array([sp.grace for sp in specs], dtype=np.int64)
        deferral = np.array([sp.grace_kind == "deferral" for sp in specs])
        M = np.array([sp.amortization_periods or (sp.periods or MAX_PERIODS) for sp in specs], dtype=np.int64)
        method = np.array([_CUSTOM if sp.custom is not None else _METHOD_CODE[sp.method] for sp in specs])
        given = np.array([-1 if sp.payment_minor is None else sp.payment_minor for sp in specs], dtype=object)
        fee = np.array([sp.fee_minor for sp in specs], dtype=object)
        custom = None
        if any(sp.custom is not None for sp in specs):
            custom = np.zeros((n, T), dtype=object)
            for i, sp in enumerate(specs):
                if sp.custom is not None:
                    custom[i, sp.grace : sp.grace + len(sp.custom)] = sp.custom
        # rates per period, exact decimals on a common scale
        rate_rows = []
        for sp in specs:
            row = [sp.rate] * T
            for k in sorted(sp.rate_changes):
                row[k - 1 :] = [sp.rate_changes[k]] * (T - k + 1)
            rate_rows.append(row)
        changes = np.zeros((n, T), dtype=bool)
        for i, sp in enumerate(specs):
            for k in sp.rate_changes:
                changes[i, k - 1] = True
        units = np.array([sp.units for sp in specs], dtype=np.int64)
        absorb = np.array([sp.absorb_last for sp in specs])
        starts = [sp.start for sp in specs]
        freq = np.array([sp.frequency for sp in specs], dtype=np.int64)
        comp = [sp.compounding for sp in specs]
        batch = cls._assemble(
            n=n, T=T, B0=B0, N=N, G=G, deferral=deferral, M=M, method=method, given=given, fee=fee,
            custom=custom, rate_rows=rate_rows, changes=changes, units=units, starts=starts,
            freq=freq, comp=comp, day_count=s.day_count, modes=s.modes, carry=s.carry_precision,
            business_day=s.business_day, holidays=s.holidays,
            actual_basis=np.array([sp.payment_basis == "actual" for sp in specs]),
        )
        batch.absorb = absorb
        return batch

    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, rounding, known) -> _Batch:
        # Validation is vectorised where the check is numeric; odd columns go row by row
        # through the same per-loan validation so the messages are identical.
        cols = set(df.columns)
        simple = cols <= {"principal", "annual_rate", "periods", "method", "frequency", "grace",
                          "grace_kind", "fee", "currency", "minor_units"}
        if not simple or _needs_rowwise(df):
            specs = []
            for pos, (_, row) in enumerate(df.iterrows()):
                kw = {c: row[c] for c in df.columns if c in known and not _is_missing(row[c])}
                kw.setdefault("rounding", rounding)
                try:
                    specs.append(_spec_from_row(kw))
                except InputError as e:
                    raise InputError(f"loans.{e.field}[{pos}]", e.value, e.allowed, e.hint) from None
            groups = {(sp.day_count, sp.carry_precision, sp.business_day, str(sp.holidays)) for sp in specs}
            if len(groups) > 1:
                raise InputError("loans", "mixed day_count/carry_precision", "one day count and carry mode per batch; split the frame")
            return cls.from_specs(specs)
        return cls._from_simple_frame(df, rounding)

    @classmethod
    def _from_simple_frame(cls, df: pd.DataFrame, rounding) -> _Batch:
        n = len(df)
        modes = money.rounding_modes(rounding)
        if "currency" in df:
            currency = df["currency"].astype(str).str.upper()
            bad_cur = ~currency.isin(list(money.CURRENCIES))
            if bad_cur.any():
                pos = int(np.flatnonzero(bad_cur.to_numpy())[0])
                try:
                    money.minor_units_for(df["currency"].iloc[pos])
                except InputError as e:
                    raise InputError(f"loans.currency[{pos}]", e.value, e.allowed) from None
            units = currency.map(money.CURRENCIES).to_numpy(np.int64)
        else:
            units = np.full(n, 2, np.int64)
        if "minor_units" in df:
            units = np.array([money.minor_units_for("CNY", int(u)) for u in df["minor_units"]], dtype=np.int64)
        principal = _numeric_column(df, "principal")
        rate = _numeric_column(df, "annual_rate")
        periods = _numeric_column(df, "periods")
        _check_vector(principal, "principal", (principal > 0), "a finite amount > 0")
        scaled = principal * 10.0**units
        pr_int = np.rint(scaled)
        _check_vector(principal, "principal", np.abs(scaled - pr_int) <= 1e-6 * np.maximum(1, np.abs(scaled)),
                      "an amount with at most the currency's decimal places")
        _check_vector(rate, "annual_rate", (rate >= 0) & (rate <= 1),
                      "a rate >= 0 and <= 1 a year, as a fraction")
        _check_vector(periods, "periods", (periods >= 1) & (periods <= MAX_PERIODS) & (periods == np.floor(periods)),
                      "a whole number from 1 to 1200")
        N = periods.astype(np.int64)
        T = int(N.max())
        freq = df["frequency"].to_numpy(np.int64) if "frequency" in df else np.full(n, 12, np.int64)
        _check_vector(freq, "frequency", np.isin(freq, FREQUENCIES), "one of 1, 2, 4, 12, 26, 52")
        if "method" in df:
            m = df["method"].astype(str)
            _check_vector(m.to_numpy(), "method", m.isin(METHODS).to_numpy(), "one of " + ", ".join(map(repr, METHODS)))
            method = m.map(_METHOD_CODE).to_numpy(np.int64)
        else:
            method = np.zeros(n, np.int64)
        G = df["grace"].to_numpy(np.int64) if "grace" in df else np.zeros(n, np.int64)
        _check_vector(G, "grace", (G >= 0) & (G < N), "a whole number >= 0 and below periods")
        if "grace_kind" in df:
            gk = df["grace_kind"].astype(str)
            _check_vector(gk.to_numpy(), "grace_kind", gk.isin(GRACE_KINDS).to_numpy(), "'interest_only' or 'deferral'")
            deferral = (gk == "deferral").to_numpy()
        else:
            deferral = np.zeros(n, bool)
        fee = np.zeros(n, np.int64)
        if "fee" in df:
            f = _numeric_column(df, "fee")
            _check_vector(f, "fee", f >= 0, "a finite amount >= 0")
            fee = np.rint(f * 10.0**units).astype(np.int64)
        # exact decimals of float rates: the fewest decimals that give the same float back,
        # which is what repr() prints and what the person typed
        dec = _float_decimals(rate)
        d = int(dec.max())
        rate_int = np.rint(rate * 10.0**dec).astype(np.int64) * (10 ** (d - dec))
        return cls._assemble_fast(
            n=n, T=T, B0=pr_int.astype(np.int64), N=N, G=G, deferral=deferral, method=method,
            fee=fee, rate_int=rate_int, rate_scale=10**d, units=units, freq=freq, modes=modes,
        )

    @classmethod
    def _assemble_fast(cls, *, n, T, B0, N, G, deferral, method, fee, rate_int, rate_scale, units,
                       freq, modes) -> _Batch:
        # 30/360 without dates or rate changes: the periodic rate is annual / frequency.
        lcm = int(np.lcm.reduce(np.unique(freq)))
        RD = rate_scale * lcm
        rn = rate_int * (lcm // freq)
        bound = int(B0.max()) * 2 * (1 + int(rn.max())) * _growth(rn / RD, G)
        dtype = np.int64 if bound < _INT64_SAFE else object
        RN = rn.astype(dtype)[:, None]
        return cls(
            n=n, T=T, B0=B0.astype(dtype), N=N, G=G, deferral=deferral, M=N.copy(), method=method,
            given=np.full(n, -1, dtype=dtype), fee=fee.astype(dtype), RN=RN, RD=RD, PN=RN, PD=RD,
            changes=np.zeros((n, 1), bool), custom=None, dates=None, units=units, modes=modes,
            carry=False, actual_basis=np.zeros(n, bool), dtype=dtype,
        )

    @classmethod
    def _assemble(cls, *, n, T, B0, N, G, deferral, M, method, given, fee, custom, rate_rows,
                  changes, units, starts, freq, comp, day_count, modes, carry, business_day,
                  holidays, actual_basis) -> _Batch:
        # Common exact scale for all rates in the batch.
        d = max(0, max(-(r.as_tuple().exponent) for row in rate_rows for r in set(row)))
        scale = 10**d
        rate_int = np.array([[int(r.scaleb(d)) for r in row] for row in rate_rows], dtype=object)
        lcm = int(np.lcm.reduce(np.unique(freq)))
        compounded = any(c is not None and c != f for c, f in zip(comp, freq, strict=True))
        if compounded:
            # periodic rate (1 + r/c)^(c/f) - 1, to 24 decimals (exact to far below a fen)
            PD = 10**24
            PN = np.empty((n, T), dtype=object)
            with localcontext() as ctx:
                ctx.prec = 60
                for i, row in enumerate(rate_rows):
                    c, f = comp[i] or int(freq[i]), int(freq[i])
                    cache = {}
                    for t, r in enumerate(row):
                        if r not in cache:
                            rho = (1 + r / c) ** (Decimal(c) / f) - 1
                            cache[r] = int(rho.scaleb(24).to_integral_value())
                        PN[i, t] = cache[r]
        else:
            PD = scale * lcm
            PN = rate_int * (lcm // freq)[:, None]
        dates = None
        if starts[0] is not None:
            if any(s is None for s in starts):
                raise InputError("start", None, "a date for every loan or for none")
            from .calendar import payment_dates_many

            st = np.array(starts, dtype="datetime64[D]")
            dates = np.empty((n, T), dtype="datetime64[D]")
            for f in np.unique(freq):
                sel = freq == f
                dates[sel] = payment_dates_many(st[sel], T, int(f), convention=business_day, holidays=holidays)
        if day_count == "30/360":
            RN, RD = PN, PD
        else:
            from .calendar import DAY_COUNT_DENOMINATOR, accrual_numerators

            prev = np.concatenate([np.array(starts, dtype="datetime64[D]")[:, None], dates[:, :-1]], axis=1)
            acc = accrual_numerators(prev, dates, day_count).astype(object)
            RN = rate_int * acc
            RD = scale * DAY_COUNT_DENOMINATOR[day_count]
        maxB = max(int(b) for b in B0)
        max_rn = max(int(x) for x in np.asarray(RN).ravel()) if np.size(RN) else 0
        growth_periods = np.where(method == _CUSTOM, N, G)
        bound = maxB * 2 * (1 + max_rn) * _growth(np.array([max_rn / RD]), growth_periods)
        if custom is not None:
            bound = max(bound, max(int(x) for x in custom.ravel()) * 4 * (1 + max_rn))
        bound = max(bound, max(int(x) for x in given) * 4 * (1 + max_rn))
        dtype = np.int64 if (bound < _INT64_SAFE and not compounded) else object
        RN = np.asarray(RN).astype(dtype)
        PN = np.asarray(PN).astype(dtype)
        return cls(
            n=n, T=T, B0=B0.astype(dtype), N=N, G=G, deferral=deferral, M=M, method=method,
            given=given.astype(dtype), fee=fee.astype(dtype), RN=RN, RD=RD, PN=PN, PD=PD,
            changes=changes, custom=None if custom is None else custom.astype(dtype), dates=dates,
            units=units, modes=modes, carry=carry, actual_basis=actual_basis, dtype=dtype,
        )


def _growth(rho, periods) -> int:
    """An upper bound on how many times a balance can grow by capitalisation."""
    rho = float(np.max(rho)) if np.size(rho) else 0.0
    k = int(np.max(periods)) if np.size(periods) else 0
    g = (1.0 + rho) ** (k + 1)
    return int(min(g, 1e30)) + 2


def _float_decimals(x: np.ndarray) -> np.ndarray:
    """Fewest decimals ``d`` such that ``round(x, d)`` gives back the same float (repr's digits)."""
    dec = np.full(x.shape, -1, dtype=np.int64)
    for d in range(0, 18):
        p = 10.0**d
        ok = (dec < 0) & (np.rint(x * p) / p == x)
        dec[ok] = d
        if (dec >= 0).all():
            break
    left = dec < 0
    if left.any():
        dec[left] = [max(0, -Decimal(repr(float(v))).as_tuple().exponent) for v in x[left]]
    return dec


def _numeric_column(df, name) -> np.ndarray:
    try:
        v = pd.to_numeric(df[name], errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        bad = pd.to_numeric(df[name], errors="coerce").isna()
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"loans.{name}[{pos}]", df[name].iloc[pos], "a number") from None
    bad = ~np.isfinite(v)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(f"loans.{name}[{pos}]", df[name].iloc[pos], "a finite number")
    return v


def _check_vector(values, name, ok, allowed):
    ok = np.asarray(ok)
    if not ok.all():
        pos = int(np.flatnonzero(~ok)[0])
        raise InputError(f"loans.{name}[{pos}]", np.asarray(values)[pos].item() if hasattr(np.asarray(values)[pos], "item") else values[pos], allowed)


def _needs_rowwise(df) -> bool:
    for c in ("principal", "annual_rate", "periods", "fee"):
        if c in df and df[c].dtype == object:
            return True
    return False


def _is_missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v)) if np.ndim(v) == 0 else False
    except (TypeError, ValueError):
        return False


def _spec_from_row(kw) -> _LoanSpec:
    full = dict(
        frequency=12, method="level", compounding=None, start=None, day_count="30/360",
        rounding="half_up", payment=None, fee=None, grace=0, grace_kind="interest_only",
        amortization_periods=None, rate_changes=None, carry_precision=False, currency="CNY",
        minor_units=None, business_day="unadjusted", holidays=None, payment_basis="nominal",
    )
    full.update(kw)
    for k in ("periods", "frequency", "grace", "compounding", "amortization_periods", "minor_units"):
        if isinstance(full.get(k), (float, np.floating)) and float(full[k]).is_integer():
            full[k] = int(full[k])
    return _LoanSpec.from_arguments(**full)


# --------------------------------------------------------------------------------------
# The kernel
# --------------------------------------------------------------------------------------
@dataclass
class _Result:
    rows: int
    payment: np.ndarray           # regular payment (minor)
    nrows: np.ndarray             # rows actually scheduled
    tot_interest: np.ndarray
    tot_principal: np.ndarray
    tot_payment: np.ndarray
    tot_fee: np.ndarray
    last_payment: np.ndarray
    custom_error: np.ndarray      # 0 ok, else residual (minor, + leaves outstanding, - overpays)
    custom_error_period: np.ndarray
    table: dict | None            # column -> (loan, period) arrays


def _col(a, t):
    return a[:, t] if a.shape[1] > 1 else a[:, 0]


def _run(b: _Batch, *, keep_rows) -> _Result:
    """Run the batch period by period, vectorised across loans.

    Loans are sorted by term, longest first, so that at period ``t`` the loans still
    running are a prefix ``[:k]`` of the arrays (views, no copies).  A loan repaid early
    has a zero balance and contributes zeros from then on, so no mask is needed.
    """
    if b.carry:
        return _run_carry(b, keep_rows=keep_rows)
    n, T, dt = b.n, b.T, b.dtype
    order = np.argsort(-b.N, kind="stable")
    N = b.N[order]
    G = b.G[order]
    M = b.M[order]
    deferral = b.deferral[order]
    method = b.method[order]
    fee = b.fee[order]
    given = b.given[order]
    RN = b.RN[order]
    changes = b.changes[order]
    custom = None if b.custom is None else b.custom[order]
    actual = b.actual_basis[order]
    absorb = None if b.absorb is None else b.absorb[order]
    alive = np.searchsorted(-N, -np.arange(T), side="left")  # loans with N > t
    zero = np.zeros(n, dtype=dt)
    bal = b.B0[order].copy()
    pay_reg = np.where(given >= 0, given, 0).astype(dt)
    pay_first = pay_reg.copy()
    ep_part = zero.copy()
    first_reg = zero.copy()
    nrows = np.zeros(n, np.int64)
    tot_i, tot_p, tot_pay = zero.copy(), zero.copy(), zero.copy()
    last_pay = zero.copy()
    cerr = zero.copy()
    cerr_t = np.full(n, -1, np.int64)
    imode, pmode = b.modes["interest"], b.modes["payment"]
    has_equal = bool((method == _EQUAL).any())
    has_io = bool((method == _IONLY).any())
    has_custom = custom is not None
    has_grace = bool(G.any())
    has_changes = changes.shape[1] > 1 and bool(changes.any())
    computed = given < 0
    all_level = not (has_equal or has_io or has_custom)
    cols = ("opening_balance", "payment", "interest", "principal", "closing_balance")
    # keep_rows: True keeps every column; a collection of names keeps only those (a batch
    # caller that needs two columns should not pay for five)
    if keep_rows and keep_rows is not True:
        cols = tuple(c for c in cols if c in set(keep_rows))
    # periods × loans: each period writes one contiguous row (a column of a loans × periods
    # array would be a strided write); transposed back at the end
    store = {c: np.zeros((T, n), dtype=dt) for c in cols} if keep_rows else None
    view = _BatchView(b, order)
    for t in range(T):
        k = int(alive[t])
        if k == 0:
            break
        B = bal[:k]
        rn = RN[:k, t] if RN.shape[1] > 1 else RN[:k, 0]
        interest = money.div_round(B * rn, b.RD, imode, nonneg=True)
        # the regular payment: at the end of grace, and again at each rate change
        recompute = G[:k] == t
        if has_changes:
            recompute = recompute | ((G[:k] < t) & changes[:k, t])
        if recompute.any():
            sel = np.flatnonzero(recompute)
            lv = sel[(method[sel] == _LEVEL) & computed[sel]]
            if lv.size:
                pay_reg[lv] = _level_payment(view, lv, B[lv], t, (M[lv] - t), pmode, actual[lv])
            at_g = sel[G[sel] == t]
            pay_first[at_g] = pay_reg[at_g]
            if has_equal:
                eq = at_g[method[at_g] == _EQUAL]
                ep_part[eq] = money.div_round(B[eq], (M[eq] - t).astype(dt), pmode, nonneg=True)
        if all_level:
            principal = pay_reg[:k] - interest
        else:
            m = method[:k]
            principal = np.where(m == _LEVEL, pay_reg[:k] - interest, zero[:k])
            if has_equal:
                principal = np.where(m == _EQUAL, ep_part[:k], principal)
            if has_custom:
                cust = custom[:k, t]
                principal = np.where(m == _CUSTOM, cust - interest, principal)
        if has_grace:
            g = G[:k] > t
            principal = np.where(g, np.where(deferral[:k], -interest, 0), principal)
        else:
            g = None
        payoff = principal >= B
        if g is not None:
            payoff &= ~g
        if t == 0 or N[k - 1] == t + 1:
            payoff |= N[:k] == t + 1
        principal = np.where(payoff, B, principal)
        payment = interest + principal
        running = B > 0
        if has_custom:
            bad = running & payoff & (method[:k] == _CUSTOM) & (cust != payment) & (cerr_t[:k] < 0)
            if absorb is not None:
                bad &= ~(absorb[:k] & (N[:k] == t + 1))
            if bad.any():
                cerr[:k][bad] = (payment - cust)[bad]
                cerr_t[:k][bad] = t
        new_bal = B - principal
        if keep_rows:
            for name, values in (("opening_balance", B), ("payment", payment), ("interest", interest),
                                 ("principal", principal), ("closing_balance", new_bal)):
                if name in store:
                    store[name][t, :k] = values
        tot_i[:k] += interest
        tot_p[:k] += principal
        tot_pay[:k] += payment
        nrows[:k] += running
        fin = np.flatnonzero(payoff & running)
        last_pay[fin] = payment[fin]
        if has_grace:
            fr = G[:k] == t
            first_reg[:k][fr] = payment[fr]
        elif t == 0:
            first_reg[:k] = payment
        bal[:k] = new_bal
    if has_custom:
        # a vector that repaid the loan early must not go on asking for money
        rest = np.where(np.arange(T)[None, :] >= nrows[:, None], custom, 0).sum(axis=1)
        extra = (method == _CUSTOM) & (rest > 0) & (cerr_t < 0)
        cerr[extra] = -rest[extra]
        cerr_t[extra] = nrows[extra] - 1
    regular = np.where(method == _LEVEL, pay_first, first_reg)
    inv = np.empty(n, np.int64)
    inv[order] = np.arange(n)
    return _Result(
        rows=T, payment=regular[inv], nrows=nrows[inv], tot_interest=tot_i[inv],
        tot_principal=tot_p[inv], tot_payment=tot_pay[inv], tot_fee=(fee * nrows)[inv],
        last_payment=last_pay[inv], custom_error=cerr[inv], custom_error_period=cerr_t[inv],
        table=None if store is None else {c: v[:, inv].T for c, v in store.items()},
    )


@dataclass
class _BatchView:
    """The rate arrays of a batch in the kernel's (sorted) order."""

    b: _Batch
    order: np.ndarray

    def __post_init__(self):
        self.RN = self.b.RN[self.order]
        self.PN = self.b.PN[self.order]
        self.RD, self.PD = self.b.RD, self.b.PD


def _level_payment(v: _BatchView, idx: np.ndarray, B: np.ndarray, t: int, m: np.ndarray, mode: str,
                   actual: np.ndarray):
    """Level payment for the loans ``idx`` (balance ``B``) over ``m`` periods from ``t``.

    Computed in binary floating point and checked: where the result lies within a
    hair of a rounding boundary (or the amount is too large for a double to settle
    the last minor unit) it is recomputed in exact rational arithmetic.
    """
    PN, RN = v.PN, v.RN
    pn = PN[idx, t] if PN.shape[1] > 1 else PN[idx, 0]
    out = np.empty(B.shape, dtype=object)
    Bf = B.astype(float)
    rho = pn.astype(float) / v.PD
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(rho == 0, Bf / m, Bf * rho / -np.expm1(-m * np.log1p(rho)))
    for j in np.flatnonzero(actual):
        # solve P so that sum_k P * prod_{j<=k} (1+rho_j)^-1 = B over the actual periodic rates
        r = RN[idx[j], t : t + int(m[j])].astype(float) / v.RD
        x[j] = Bf[j] / np.cumprod(1.0 / (1.0 + r)).sum()
    exact_zero = (pn == 0) & ~actual
    frac = x - np.floor(x)
    tol = 1e-7 + np.abs(x) * 1e-11
    if mode in ("half_up", "half_even"):
        risky = np.abs(frac - 0.5) < tol
    else:
        risky = (frac < tol) | (frac > 1 - tol)
    risky = (risky | (np.abs(x) > 2**50)) & ~exact_zero
    if exact_zero.any():
        out[exact_zero] = money.div_round(B[exact_zero].astype(object), m[exact_zero].astype(object), mode)
    safe = ~exact_zero & ~risky
    if safe.any():
        xs = x[safe]
        q = np.floor(xs) if mode == "down" else np.ceil(xs) if mode == "up" else np.floor(xs + 0.5)
        out[safe] = q.astype(np.int64)  # half-even equals half-up away from an exact tie
    for j in np.flatnonzero(risky):
        out[j] = _level_payment_decimal(v, int(idx[j]), int(B[j]), t, int(m[j]), mode, bool(actual[j]))
    return out.astype(v.b.dtype)


def _level_payment_decimal(v: _BatchView, i: int, B: int, t: int, m: int, mode: str, actual: bool) -> int:
    """The level payment in exact rational arithmetic, for the rare cases near a rounding tie.

    With :math:`\\rho = PN/PD` rational, :math:`P = B\\rho(1+\\rho)^m / ((1+\\rho)^m - 1)` is a
    ratio of integers, so an exact tie (``1000 * (1 + 0.0105/12) = 1000.875``) is seen as one.
    """
    if actual:
        total, disc = Fraction(0), Fraction(1)
        for k in range(m):
            disc = disc / (1 + Fraction(int(v.RN[i, t + k]), v.RD))
            total += disc
        x = B / total
    else:
        pn = v.PN[i, t] if v.PN.shape[1] > 1 else v.PN[i, 0]
        rho = Fraction(int(pn), v.PD)
        growth = (1 + rho) ** m
        x = B * rho * growth / (growth - 1)
    return int(money.div_round(x.numerator, x.denominator, mode))


def _run_carry(b: _Batch, *, keep_rows: bool) -> _Result:
    """Textbook convention: the balance is carried unrounded; only shown amounts are rounded."""
    n, T = b.n, b.T
    bal = np.array([float(x) for x in b.B0])
    dt = object if b.dtype is object else np.int64
    tot = {k: np.zeros(n, dtype=dt) for k in ("i", "p", "pay")}
    nrows = np.zeros(n, np.int64)
    pay_u = np.array([float(x) if x >= 0 else 0.0 for x in b.given])
    ep_u = np.zeros(n)
    store = {k: np.zeros((n, T), dtype=dt) for k in ("opening_balance", "payment", "interest", "principal", "closing_balance")} if keep_rows else None
    first = np.zeros(n, dtype=dt)
    last_pay = np.zeros(n, dtype=dt)
    imode, pmode = b.modes["interest"], b.modes["payment"]
    done = np.zeros(n, bool)
    for t in range(T):
        active = ~done & (t < b.N)
        if not active.any():
            break
        rho = _col(b.RN, t).astype(float) / b.RD
        rho_nom = _col(b.PN, t).astype(float) / b.PD
        recompute = active & ((t == b.G) | (_col(b.changes, t) if b.changes.shape[1] > 1 else False))
        recompute &= b.given < 0
        if recompute.any():
            m = (b.M - t)[recompute]
            r = rho_nom[recompute]
            with np.errstate(divide="ignore", invalid="ignore"):
                pay_u[recompute] = np.where(r == 0, bal[recompute] / m, bal[recompute] * r / -np.expm1(-m * np.log1p(r)))
            eq = recompute & (b.method == _EQUAL) & (t == b.G)
            ep_u[eq] = bal[eq] / (b.M - t)[eq]
        i_u = bal * rho
        in_grace = t < b.G
        p_u = np.where(b.method == _EQUAL, ep_u, np.where(b.method == _IONLY, 0.0, pay_u - i_u))
        p_u = np.where(in_grace, np.where(b.deferral, -i_u, 0.0), p_u)
        last = (t == b.N - 1) | (~in_grace & (p_u >= bal))
        p_u = np.where(last, bal, p_u)
        new_bal = bal - p_u
        shown_i = _round_float(i_u, imode)
        shown_pay = _round_float(np.where(in_grace & b.deferral, 0.0, i_u + p_u), pmode)
        shown_p = _round_float(p_u, "half_up")
        shown_open = _round_float(bal, "half_up")
        shown_close = _round_float(np.where(last, 0.0, new_bal), "half_up")
        for arr in (shown_i, shown_pay, shown_p, shown_open, shown_close):
            arr[~active] = 0
        if keep_rows:
            store["opening_balance"][:, t] = shown_open
            store["payment"][:, t] = shown_pay
            store["interest"][:, t] = shown_i
            store["principal"][:, t] = shown_p
            store["closing_balance"][:, t] = shown_close
        tot["i"] += shown_i
        tot["p"] += shown_p
        tot["pay"] += shown_pay
        firsts = active & (t == b.G)
        first[firsts] = shown_pay[firsts]
        last_pay = np.where(active, shown_pay, last_pay)
        nrows += active
        bal = np.where(active, new_bal, bal)
        done |= active & last
    zero = np.zeros(n, dtype=dt)
    return _Result(
        rows=T, payment=first, nrows=nrows, tot_interest=tot["i"], tot_principal=tot["p"],
        tot_payment=tot["pay"], tot_fee=b.fee * nrows, last_payment=last_pay,
        custom_error=zero, custom_error_period=np.full(n, -1), table=store,
    )


def _round_float(x: np.ndarray, mode: str) -> np.ndarray:
    # amounts already in minor units; a relative nudge of 1e-9 reads 2.675 (stored as
    # 2.67499999...) the way a person (and a spreadsheet's ROUND) reads it
    a = np.abs(x)
    nudge = a * 1e-12 + 1e-9
    if mode == "half_up":
        q = np.floor(a + 0.5 + nudge)
    elif mode == "down":
        q = np.floor(a + nudge)
    elif mode == "up":
        q = np.ceil(a - nudge)
    else:
        fl = np.floor(a)
        fr = a - fl
        tie = np.abs(fr - 0.5) <= nudge
        q = np.where(tie, fl + (fl % 2 == 1), np.floor(a + 0.5))
    return (np.sign(x) * q).astype(np.int64)


def _raise_custom_errors(res: _Result, b: _Batch, prefix: str):
    bad = np.flatnonzero(res.custom_error_period >= 0)
    if not bad.size:
        return
    i = int(bad[0])
    t = int(res.custom_error_period[i])
    u = int(b.units[i])
    resid = int(res.custom_error[i])
    where = f"{prefix}.method[{i}]" if prefix else "method"
    given = money.from_minor(b.custom[i, t], u)
    needed = money.from_minor(int(b.custom[i, t]) + resid, u)
    if resid > 0:
        raise InputError(
            where, f"payment vector ending {given} at period {t + 1}",
            f"a vector that repays the loan: it leaves {money.from_minor(resid, u)} outstanding "
            f"(the last payment would need to be {needed})",
        )
    raise InputError(
        where, f"payment {given} at period {t + 1}",
        f"no more than what is owed then ({needed}); the vector overpays by {money.from_minor(-resid, u)}",
    )


# --------------------------------------------------------------------------------------
# Results as Schedules and frames
# --------------------------------------------------------------------------------------
def _schedule_from_result(res: _Result, b: _Batch, i: int, spec: _LoanSpec) -> Schedule:
    u = int(b.units[i])
    k = int(res.nrows[i])
    minor = pd.DataFrame({
        "period": np.arange(1, k + 1, dtype=np.int64),
        **{c: res.table[c][i, :k].astype(np.int64) if b.dtype is not object else res.table[c][i, :k]
           for c in ("opening_balance", "payment", "interest", "principal", "closing_balance")},
        "fee": np.full(k, int(b.fee[i]), dtype=np.int64),
    })
    table = pd.DataFrame({"period": minor["period"]})
    table["date"] = b.dates[i, :k] if b.dates is not None else pd.Series([pd.NaT] * k, dtype="datetime64[ns]")
    for c in ("opening_balance", "payment", "interest", "principal", "closing_balance", "fee"):
        table[c] = money.decimals_array(minor[c].to_numpy(dtype=object), u)
    f = money.from_minor
    return Schedule(
        table=table,
        payment=f(res.payment[i], u),
        total_interest=f(res.tot_interest[i], u),
        total_principal=f(res.tot_principal[i], u),
        total_fees=f(res.tot_fee[i], u),
        total_paid=f(int(res.tot_payment[i]) + int(res.tot_fee[i]), u),
        principal=f(b.B0[i], u),
        currency=spec.currency,
        minor_units=u,
        terms=spec.terms,
        minor=minor,
    )


def _frame_from_result(res: _Result, b: _Batch, index, *, rows: bool, decimal: bool = True) -> pd.DataFrame:
    units = b.units
    same = bool((units == units[0]).all())

    def conv(a, u):
        if not decimal:
            return np.asarray(a).astype(np.int64)
        if same:
            return money.decimals_array(a, int(units[0]))
        return np.array([money.from_minor(x, int(v)) for x, v in zip(a, u, strict=True)], dtype=object)

    if not rows:
        out = pd.DataFrame(index=index)
        out["payment"] = conv(res.payment, units)
        out["periods"] = res.nrows
        out["total_interest"] = conv(res.tot_interest, units)
        out["total_fees"] = conv(res.tot_fee, units)
        out["total_paid"] = conv(res.tot_payment + res.tot_fee, units)
        out["last_payment"] = conv(res.last_payment, units)
        return out
    k = res.nrows
    mask = np.arange(res.table["payment"].shape[1])[None, :] < k[:, None]
    loan_pos = np.repeat(np.arange(b.n), k)
    data = {"loan": np.asarray(index)[loan_pos], "period": (np.nonzero(mask)[1] + 1).astype(np.int64)}
    data["date"] = b.dates[mask] if b.dates is not None else np.full(mask.sum(), np.datetime64("NaT"), dtype="datetime64[ns]")
    u_rows = units[loan_pos]
    for c in ("opening_balance", "payment", "interest", "principal", "closing_balance"):
        data[c] = conv(res.table[c][mask], u_rows)
    data["fee"] = conv(np.repeat(b.fee, k), u_rows)
    return pd.DataFrame(data)
