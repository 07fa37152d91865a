"""The engine kernel: the one internal interface every schedule goes through.

``amortize``, ``amortize_many`` (:mod:`repayplan.schedule`), ``Plan.schedule`` and
``plan_batch`` (:mod:`repayplan.plans`) and the portfolio (:mod:`repayplan.portfolio`) all
describe their loans to this module and run them here; nothing else computes a schedule.

The interface
-------------
* :class:`LoanSpec` — the validated terms of one loan (``LoanSpec.from_terms``).
* :class:`Batch` — many loans as arrays over loans: :meth:`Batch.from_specs` (validated
  specs), :meth:`Batch.from_frame` (a DataFrame, validated column by column, vectorised) and
  :meth:`Batch.from_arrays` (arrays already validated by the caller, e.g. the portfolio).
* :func:`run` — runs a batch period by period, vectorised across loans, into a
  :class:`Result` (totals per loan and, if asked, the rows as int64 minor units).
* :func:`check_payment_vectors` — the error of a payment vector that does not repay.
* :func:`exact_decimals` — the decimals a float was typed with (rates read exactly).

Money is int64 minor units throughout, bounded by :data:`MAX_AMOUNT_MINOR`; rates are exact
integer ratios ``RN / RD``.

One batch for every column mix
------------------------------
A frame whose loans share one rate representation (plain decimal rates, one accrual) runs on
one common scale ``RD``, in exact int64 arithmetic.  A frame that mixes representations
(float-noise rates read to 17 decimals beside plain ones, compounded rates, several day
counts) is still **one** batch: each loan keeps its own exact scale (``RD`` and ``PD`` are
arrays over loans, each rate in lowest terms), rate changes are applied when they fall due
and each period's due dates and day numerators are made when the loop reaches that period
(:class:`repayplan.calendar.DueDateColumns`), so nothing of shape (loans, periods) is built
for totals.  Such a batch of at least :data:`JIT_MIN_LOANS` loans runs through the compiled
loop of :mod:`repayplan.kernel_jit` (numba), bit-identical to the numpy loop.

What is not vectorised, and why:

* payment vectors in a ``method`` column are validated loan by loan (each is a sequence of
  Python objects) and run through :meth:`Batch.from_specs`;
* a rate-change mapping is read once per distinct mapping (a Python dict per cell);
* near a rounding tie the interest and the level payment are settled in exact Python
  integers or fractions, only for the entries concerned (the compiled loop settles the
  interest ties itself in 128-bit integers and sends a loan with a level-payment tie back
  to the numpy loop).

Two meanings of "30/360"
------------------------
The public keyword ``day_count="30/360"`` of :func:`repayplan.amortize` means the *nominal
periodic rate*: each period's interest is ``balance × annual_rate / frequency`` (月利率 =
年利率 / 12), whatever the number of days; the kernel calls this accrual
:data:`PERIODIC_RATE`.  The *30/360 Bond Basis day count* of
:func:`repayplan.calendar.accrual_numerators` (ISDA 2006 §4.16(f)) counts days of a period
between two dates; for whole periods between due dates on the same day of the month the two
agree, for a stub they do not.  The kernel never uses the Bond Basis count.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pandas as pd

from . import money
from ._validate import check_amount, check_choice, check_date, check_int, check_rate
from .errors import InputError

__all__ = [
    "LoanSpec",
    "Batch",
    "Result",
    "run",
    "run_one",
    "scalar_ok",
    "check_payment_vectors",
    "exact_decimals",
    "float_decimals",
    "METHOD_CODE",
    "MAX_AMOUNT_MINOR",
    "PERIODIC_RATE",
    "CARRY_MODES",
]

#: Repayment structures (see :data:`repayplan.schedule.METHODS`).
METHODS = ("level", "equal_principal", "interest_only")
#: Kinds of grace period (see :data:`repayplan.schedule.GRACE_KINDS`).
GRACE_KINDS = ("interest_only", "deferral")
#: Payments per year (see :data:`repayplan.schedule.FREQUENCIES`).
FREQUENCIES = (1, 2, 4, 12, 26, 52)
MAX_PERIODS = 1200
_LEVEL, _EQUAL, _IONLY, _CUSTOM = 0, 1, 2, 3
#: The integer code of each method name in a :class:`Batch` (a payment vector is code 3).
METHOD_CODE = {"level": _LEVEL, "equal_principal": _EQUAL, "interest_only": _IONLY}
#: The largest amount (principal, given payment, fee, vector entry) the engine accepts, in
#: minor units: ``10**17`` (a quadrillion yuan in fen; int64 ends at about ``9.2 * 10**18``).
#: Beyond it :class:`~repayplan.errors.InputError`, never a wrapped negative number.  Below
#: it a batch runs in int64; a batch whose balances or totals could pass ``2**62`` (huge
#: amounts at high rates over long terms, capitalised interest) runs in exact Python integers.
MAX_AMOUNT_MINOR = 10**17
#: The kernel's name for ``day_count="30/360"``: interest of a period is the balance times the
#: nominal periodic rate ``annual_rate / frequency`` (not the 30/360 Bond Basis day count).
PERIODIC_RATE = "periodic"
#: Values of ``carry_precision``: ``False`` (rounded rows: the balance carries the rounded
#: amounts), ``True`` (balance carried unrounded; every amount shown rounded on its own, as
#: spreadsheets' PPMT/IPMT do) and ``"reconciled"`` (balance carried unrounded; the principal
#: shown is the payment shown less the interest shown, as printed textbook tables do).
CARRY_MODES = (False, True, "reconciled")
_INT64_SAFE = 2**62
TABLE_COLUMNS = [
    "period",
    "date",
    "opening_balance",
    "payment",
    "interest",
    "principal",
    "closing_balance",
    "fee",
]


# --------------------------------------------------------------------------------------
# Validation of one loan's arguments
# --------------------------------------------------------------------------------------
@dataclass
class LoanSpec:
    """The validated terms of one loan, amounts in minor units (what ``amortize`` was given).

    Built by :meth:`from_terms` from every keyword of :func:`repayplan.schedule.amortize`
    (``AMORTIZE_DEFAULTS`` fills the ones a caller leaves out); each is checked through
    ``repayplan._validate``, so a bad value raises the error ``amortize`` raises.

    Examples
    --------
    >>> from repayplan.schedule import AMORTIZE_DEFAULTS
    >>> terms = dict(AMORTIZE_DEFAULTS, principal="1000.50", annual_rate=0.0435, periods=12)
    >>> spec = LoanSpec.from_terms(**terms)
    >>> spec.principal_minor, spec.rate, spec.accrual
    (100050, Decimal('0.0435'), 'periodic')
    >>> LoanSpec.from_terms(**dict(terms, principal="1000.505"))
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: principal == '1000.505', must be an amount with at most 2 decimal places
    """

    principal_minor: int
    rate: Decimal
    periods: int | None
    frequency: int
    method: str
    custom: list[int] | None
    absorb_last: bool
    compounding: int | None
    start: _dt.date | None
    accrual: str  # PERIODIC_RATE, or an actual-day count 'ACT/360', ...
    modes: dict
    payment_minor: int | None
    fee_minor: int
    grace: int
    grace_kind: str
    amortization_periods: int | None
    rate_changes: dict[int, Decimal]
    carry_precision: bool | str  # one of CARRY_MODES
    currency: str
    units: int
    business_day: str
    holidays: object
    payment_basis: str
    terms: dict

    @classmethod
    def from_terms(cls, **kw) -> LoanSpec:
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
                raise InputError(
                    "method", method, "a method name or a non-empty sequence of payments"
                )
            absorb = vals[-1] is None
            if absorb:
                vals[-1] = 0
            custom = [
                _exact_minor(
                    f"method[{i}]", v, check_amount(f"method[{i}]", v, allow_zero=True), units
                )
                for i, v in enumerate(vals)
            ]
            method = "custom"
        else:
            raise InputError(
                "method",
                method,
                "one of 'level', 'equal_principal', 'interest_only' or a sequence of payments",
            )
        periods = kw["periods"]
        payment = kw["payment"]
        if custom is not None:
            if (
                periods is not None
                and check_int("periods", periods, low=1, high=MAX_PERIODS) != len(custom) + grace
            ):
                # the vector and the term disagree: name the vector (the term is the usual given)
                raise InputError(
                    "method",
                    f"a vector of {len(custom)} payments",
                    f"{int(periods) - grace} payments (periods {periods} less grace {grace}), "
                    "or periods=None to take the term from the vector",
                )
            periods = len(custom) + grace
            if periods > MAX_PERIODS:
                raise InputError("method", f"{periods} payments", f"at most {MAX_PERIODS} payments")
        elif periods is None:
            if payment is None:
                raise InputError(
                    "periods", None, "a whole number from 1 to 1200 (None only with payment=)"
                )
        else:
            periods = check_int("periods", periods, low=1, high=MAX_PERIODS)
        payment_minor = None
        if payment is not None:
            if custom is not None:
                raise InputError("payment", payment, "None when method is a payment vector")
            payment_minor = _exact_minor(
                "payment", payment, check_amount("payment", payment), units
            )
        fee_minor = 0
        if kw["fee"] is not None:
            fee_minor = _exact_minor(
                "fee", kw["fee"], check_amount("fee", kw["fee"], allow_zero=True), units
            )
        grace_kind = check_choice("grace_kind", kw["grace_kind"], GRACE_KINDS)
        if periods is not None and grace >= periods:
            raise InputError("grace", grace, f"fewer periods than the term ({periods})")
        amort = kw["amortization_periods"]
        if amort is not None:
            amort = check_int("amortization_periods", amort, low=1, high=100 * MAX_PERIODS)
            if periods is None or amort < periods:
                raise InputError(
                    "amortization_periods", amort, f"a whole number >= periods ({periods})"
                )
            if method not in ("level", "equal_principal"):
                raise InputError(
                    "amortization_periods", amort, "used with method 'level' or 'equal_principal'"
                )
        compounding = kw["compounding"]
        if compounding is not None:
            compounding = check_int("compounding", compounding, low=1, high=365)
        day_count = _normalize_day_count(kw["day_count"])
        accrual = PERIODIC_RATE if day_count == "30/360" else day_count
        if compounding is not None and compounding != frequency and accrual != PERIODIC_RATE:
            raise InputError(
                "compounding",
                compounding,
                "None with an actual-day count (compounding applies with day_count='30/360')",
            )
        start = None if kw["start"] is None else check_date("start", kw["start"])
        if accrual != PERIODIC_RATE and start is None:
            raise InputError(
                "start",
                None,
                f"a date: day_count {day_count!r} counts actual days between due dates",
            )
        changes = {}
        rc = {} if kw["rate_changes"] is None else kw["rate_changes"]
        if not isinstance(rc, Mapping):
            raise InputError("rate_changes", rc, "a mapping {period: annual_rate}")
        for k, v in rc.items():
            kk = check_int(
                "rate_changes period", k, low=1, high=periods if periods else MAX_PERIODS
            )
            changes[kk] = check_rate(f"rate_changes[{k}]", v)
        carry = _carry_mode(kw["carry_precision"])
        hol = kw["holidays"]  # checked here too: it is read only when a date is rolled
        if hol is not None and not (
            (isinstance(hol, str) and hol.strip())
            or hasattr(hol, "weekend_workdays")
            or (isinstance(hol, (Iterable, np.ndarray)) and not isinstance(hol, (str, Mapping)))
        ):
            raise InputError(
                "holidays", hol, "None, a country or market code, or an iterable of dates"
            )
        if isinstance(hol, str):  # an unknown code is refused even when no date is rolled
            from .calendar import is_business_day

            is_business_day(np.array(["2026-01-01"], dtype="datetime64[D]"), hol)
        if carry and custom is not None:
            raise InputError("carry_precision", carry, "False when method is a payment vector")
        business_day = check_choice(
            "business_day",
            kw["business_day"],
            ("unadjusted", "following", "modified_following", "preceding"),
        )
        basis = check_choice("payment_basis", kw["payment_basis"], ("nominal", "actual"))
        terms = {k: v for k, v in kw.items() if k != "method"}
        terms["method"] = method
        return cls(
            principal_minor=principal_minor,
            rate=rate,
            periods=periods,
            frequency=frequency,
            method=method,
            custom=custom,
            absorb_last=absorb,
            compounding=compounding,
            start=start,
            accrual=accrual,
            modes=modes,
            payment_minor=payment_minor,
            fee_minor=fee_minor,
            grace=grace,
            grace_kind=grace_kind,
            amortization_periods=amort,
            rate_changes=changes,
            carry_precision=carry,
            currency=currency.upper(),
            units=units,
            business_day=business_day,
            holidays=kw["holidays"],
            payment_basis=basis,
            terms=terms,
        )


def _exact_minor(field_name, raw, value: Decimal, units: int) -> int:
    scaled = value.scaleb(units)
    if scaled != scaled.to_integral_value():
        raise InputError(field_name, raw, f"an amount with at most {units} decimal places")
    if abs(scaled) > MAX_AMOUNT_MINOR:
        raise InputError(
            field_name,
            raw,
            f"an amount up to {money.from_minor(MAX_AMOUNT_MINOR, units)} "
            f"(10**17 minor units, the engine's int64 bound)",
        )
    return int(scaled)


def _carry_mode(value):
    """``carry_precision`` as one of :data:`CARRY_MODES` (numpy booleans read as booleans)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str) and value == "reconciled":
        return value
    raise InputError("carry_precision", value, "False, True or 'reconciled'")


def _normalize_day_count(dc) -> str:
    try:
        from .calendar import normalize_day_count
    except ImportError:  # pragma: no cover - calendar ships with the package
        return check_choice("day_count", dc, ("30/360", "ACT/360", "ACT/365F", "ACT/ACT"))
    return normalize_day_count(dc)


# --------------------------------------------------------------------------------------
# The batch: arrays over loans
# --------------------------------------------------------------------------------------
@dataclass
class Batch:
    """Many loans as arrays over loans: what :func:`run` computes on.

    Amounts are int64 minor units (Python integers only where a schedule could pass
    ``2**62``); the interest of loan ``i`` in period ``t`` is
    ``round(balance * RN[i, t] / RD)`` and the nominal periodic rate for level payments is
    ``PN[i, t] / PD``, exact integer ratios on one scale for the whole batch.  A second axis
    of length 1 means "the same every period".

    Examples
    --------
    >>> import pandas as pd
    >>> from repayplan.schedule import AMORTIZE_DEFAULTS
    >>> loans = pd.DataFrame({"principal": [120_000], "annual_rate": [0.06], "periods": [12]})
    >>> b = Batch.from_frame(loans, rounding="half_up", defaults=AMORTIZE_DEFAULTS)
    >>> int(b.RN[0, 0]), b.RD                                  # 6 / 1200 = 0.5 % a month
    (6, 1200)
    """

    n: int
    T: int  # the longest schedule, in periods
    B0: np.ndarray  # principal, minor units
    N: np.ndarray  # periods (due date of the last payment)
    G: np.ndarray  # grace periods
    deferral: np.ndarray  # bool: grace capitalises interest
    M: np.ndarray  # amortization periods (>= N; balloon when > N)
    method: np.ndarray  # method code
    given: np.ndarray  # given regular payment (minor), -1 when none
    fee: np.ndarray  # fee per period (minor)
    RN: np.ndarray  # interest numerator per (loan, period): interest = B * RN / RD
    RD: int | np.ndarray  # interest denominator: one for the batch, or one per loan
    PN: np.ndarray  # nominal periodic rate numerator per (loan, period), for payments
    PD: int | np.ndarray  # nominal periodic rate denominator (one, or one per loan)
    changes: np.ndarray  # bool (loan, period): recompute the payment here
    custom: np.ndarray | None  # (loan, period) payment vector, minor
    dates: np.ndarray | None  # (loan, period) datetime64[D] due dates
    units: np.ndarray
    modes: dict
    carry: bool | str  # one of CARRY_MODES
    actual_basis: np.ndarray  # bool: solve the level payment on actual periodic rates
    dtype: type  # np.int64, or object when amounts may pass int64
    absorb: np.ndarray | None = None  # bool: the vector's last payment is whatever clears the loan

    exact64: bool = True  # B * RN fits int64: interest in exact integer arithmetic
    # per-loan scales (a batch of mixed rate representations, see _per_loan_batch): RD and
    # PD are arrays over loans, RN / PN the rates of period 0, and ``stream`` what run needs
    # to make each later period's rates (rate changes, day counts) when it reaches it
    stream: dict | None = None

    @classmethod
    def from_specs(cls, specs: list[LoanSpec]) -> Batch:
        """A batch of validated loans (:meth:`LoanSpec.from_terms`), e.g. one for ``amortize``.

        >>> from repayplan.schedule import AMORTIZE_DEFAULTS
        >>> spec = LoanSpec.from_terms(principal=1200, annual_rate=0.12, periods=12,
        ...                            **AMORTIZE_DEFAULTS)
        >>> b = Batch.from_specs([spec])
        >>> b.n, b.T, int(b.B0[0]), int(b.RN[0, 0]), b.RD          # 1 % a month = 12 / 1200
        (1, 12, 120000, 12, 1200)
        """
        s = specs[0]
        n = len(specs)
        T = max((sp.periods if sp.periods is not None else MAX_PERIODS) for sp in specs)
        custom = None
        if any(sp.custom is not None for sp in specs):
            custom = np.zeros((n, T), dtype=object)
            for i, sp in enumerate(specs):
                if sp.custom is not None:
                    custom[i, sp.grace : sp.grace + len(sp.custom)] = sp.custom
        rate_int, rate_dec = zip(*(_decimal_parts(sp.rate) for sp in specs), strict=True)
        ch = [
            (i, k, *_decimal_parts(r))
            for i, sp in enumerate(specs)
            for k, r in sorted(sp.rate_changes.items())
        ]
        changes = tuple(np.array(c, dtype=object) for c in zip(*ch, strict=True)) if ch else None
        carry = {sp.carry_precision for sp in specs}
        if len(carry) > 1:
            raise InputError("carry_precision", sorted(map(str, carry)), "one carry mode per batch")
        batch = cls.from_arrays(
            principal=np.array([sp.principal_minor for sp in specs], dtype=np.int64),
            rate_int=np.array(rate_int, dtype=object),
            rate_dec=np.array(rate_dec, dtype=np.int64),
            periods=np.array(
                [sp.periods if sp.periods is not None else MAX_PERIODS for sp in specs],
                dtype=np.int64,
            ),
            frequency=np.array([sp.frequency for sp in specs], dtype=np.int64),
            method=np.array(
                [_CUSTOM if sp.custom is not None else METHOD_CODE[sp.method] for sp in specs]
            ),
            grace=np.array([sp.grace for sp in specs], dtype=np.int64),
            deferral=np.array([sp.grace_kind == "deferral" for sp in specs]),
            amortization=np.array(
                [sp.amortization_periods or (sp.periods or MAX_PERIODS) for sp in specs],
                dtype=np.int64,
            ),
            payment=np.array(
                [-1 if sp.payment_minor is None else sp.payment_minor for sp in specs],
                dtype=np.int64,
            ),
            fee=np.array([sp.fee_minor for sp in specs], dtype=np.int64),
            units=np.array([sp.units for sp in specs], dtype=np.int64),
            compounding=np.array([sp.compounding or 0 for sp in specs], dtype=np.int64),
            accrual=np.array([sp.accrual for sp in specs], dtype=object),
            starts=np.array(
                [
                    np.datetime64(sp.start, "D") if sp.start else np.datetime64("NaT")
                    for sp in specs
                ],
                dtype="datetime64[D]",
            ),
            business_day=np.array([sp.business_day for sp in specs], dtype=object),
            holidays=s.holidays,
            changes=changes,
            custom=custom,
            absorb=np.array([sp.absorb_last for sp in specs]),
            actual_basis=np.array([sp.payment_basis == "actual" for sp in specs]),
            carry=s.carry_precision,
            modes=s.modes,
        )
        return batch

    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, rounding, defaults) -> Batch:
        """A batch from a DataFrame of loans, validated column by column (vectorised).

        Columns are the keywords of :func:`repayplan.schedule.amortize` (``rounding`` is
        one per batch); a missing column or cell takes the value in ``defaults``.  A bad value
        raises the :class:`~repayplan.errors.InputError` that ``amortize`` raises for that
        loan, named ``loans.<field>[<position>]``.  Payment vectors in a ``method`` column
        are the one case validated loan by loan (each is a sequence of Python objects).

        >>> import pandas as pd
        >>> from repayplan.schedule import AMORTIZE_DEFAULTS
        >>> df = pd.DataFrame({"principal": [1200, 2400.5], "annual_rate": [0.12, 0.1 + 0.2],
        ...                    "periods": [12, 24]})
        >>> b = Batch.from_frame(df, rounding="half_up", defaults=AMORTIZE_DEFAULTS)
        >>> b.B0.tolist(), b.dtype.__name__                  # float noise keeps int64
        ([120000, 240050], 'int64')
        """
        if len(df) and "method" in df and not _all_str(df["method"]).all():
            specs = []
            for pos, row in enumerate(df.to_dict("records")):
                kw = {c: v for c, v in row.items() if c in defaults or c in _REQUIRED}
                kw = {c: v for c, v in kw.items() if not _is_missing(v)}
                kw["rounding"] = rounding
                try:
                    specs.append(_spec_from_row(kw, defaults))
                except InputError as e:
                    raise InputError(
                        f"loans.{e.field}[{pos}]", e.value, e.allowed, e.hint
                    ) from None
            return cls.from_specs(specs)
        cols = _frame_columns(
            df,
            rounding=rounding,
            defaults=defaults,
            scalar_check=lambda kw: _spec_from_row(kw, defaults),
        )
        return cls.from_arrays(**cols)

    @classmethod
    def parts_from_frame(
        cls, df: pd.DataFrame, *, rounding, defaults, dates: bool = True
    ) -> list[tuple[np.ndarray, Batch]]:
        """:meth:`from_frame` as ``(positions, batch)`` pairs: today one batch for the frame.

        Loans whose rates need different representations (plain decimal rates, float-noise
        rates read to 17 decimals, compounded rates, several day counts) once ran as separate
        batches; :meth:`from_arrays` now gives each loan its own exact scale, so every column
        mix runs as one batch, with one period loop.  The list form is kept for callers that
        iterate over parts.  ``dates=False`` skips the due dates that only rows would show.

        >>> import pandas as pd
        >>> from repayplan.schedule import AMORTIZE_DEFAULTS
        >>> df = pd.DataFrame({"principal": [1000, 1000, 1000], "annual_rate": [0.05, 0.1 + 0.2, 0.05],
        ...                    "periods": [12, 12, 12], "compounding": [None, None, 2]})
        >>> [(pos.tolist(), b.exact64) for pos, b in Batch.parts_from_frame(
        ...     df, rounding="half_up", defaults=AMORTIZE_DEFAULTS)]
        [([0, 1, 2], False)]
        """
        if len(df) and "method" in df and not _all_str(df["method"]).all():
            return [(np.arange(len(df)), cls.from_frame(df, rounding=rounding, defaults=defaults))]
        cols = _frame_columns(
            df,
            rounding=rounding,
            defaults=defaults,
            scalar_check=lambda kw: _spec_from_row(kw, defaults),
        )
        if not dates:
            # totals only: the nominal-rate loans need no due dates (actual-day ones do)
            cols["starts"] = np.where(
                cols["accrual"] == PERIODIC_RATE, np.datetime64("NaT"), cols["starts"]
            )
        return [(np.arange(len(df)), cls.from_arrays(**cols, due_dates=dates))]

    @classmethod
    def from_arrays(
        cls,
        *,
        principal,
        rate_int,
        rate_dec,
        periods,
        frequency=None,
        method=None,
        grace=None,
        deferral=None,
        amortization=None,
        payment=None,
        fee=None,
        units=None,
        compounding=None,
        accrual=None,
        starts=None,
        business_day=None,
        holidays=None,
        changes=None,
        custom=None,
        absorb=None,
        actual_basis=None,
        carry=False,
        modes=None,
        due_dates=True,
    ) -> Batch:
        """A batch from arrays over loans that the caller has validated.

        Amounts are int64 minor units; the rate of loan ``i`` is exactly
        ``rate_int[i] / 10**rate_dec[i]``; ``changes`` is ``(loan, period, rate_int, rate_dec)``
        arrays of rate changes (1-based periods); ``accrual`` holds :data:`PERIODIC_RATE` or an
        actual-day count per loan; ``starts`` the disbursement dates (``NaT`` for none).

        >>> import numpy as np
        >>> b = Batch.from_arrays(principal=np.array([100_000, 200_000]),
        ...                       rate_int=np.array([6, 435]), rate_dec=np.array([2, 4]),
        ...                       periods=np.array([12, 24]))
        >>> b.RN[:, 0].tolist(), b.RD                      # 0.06/12 and 0.0435/12 over 120,000
        ([600, 435], 120000)
        """
        n = len(principal)
        i64 = lambda a, v: np.full(n, v, np.int64) if a is None else np.asarray(a, dtype=np.int64)  # noqa: E731
        N = i64(periods, 0)
        T = int(N.max())
        freq = i64(frequency, 12)
        method = i64(method, _LEVEL)
        G = i64(grace, 0)
        deferral = np.zeros(n, bool) if deferral is None else np.asarray(deferral, bool)
        M = N.copy() if amortization is None else np.asarray(amortization, np.int64)
        given = i64(payment, -1)
        fee = i64(fee, 0)
        units = i64(units, 2)
        comp = i64(compounding, 0)
        modes = modes or money.rounding_modes("half_up")
        B0 = np.asarray(principal, dtype=np.int64)
        accrual = (
            np.full(n, PERIODIC_RATE, dtype=object)
            if accrual is None
            else np.asarray(accrual, dtype=object)
        )
        rate_dec = np.asarray(rate_dec, dtype=np.int64)
        if (
            _mixed_representation(rate_dec, changes, comp, freq, accrual)
            and not carry
            and not (actual_basis is not None and np.asarray(actual_basis, bool).any())
        ):
            # rates of several representations: each loan on its own exact scale, one batch
            return _per_loan_batch(
                cls,
                dict(
                    n=n,
                    N=N,
                    T=T,
                    freq=freq,
                    method=method,
                    G=G,
                    deferral=deferral,
                    M=M,
                    given=given,
                    fee=fee,
                    units=units,
                    comp=comp,
                    modes=modes,
                    B0=B0,
                    accrual=accrual,
                    rate_int=rate_int,
                    rate_dec=rate_dec,
                    starts=starts,
                    business_day=business_day,
                    holidays=holidays,
                    changes=changes,
                    custom=custom,
                    absorb=absorb,
                    actual_basis=actual_basis,
                    carry=carry,
                    due_dates=due_dates,
                ),
            )
        # exact rates on the batch's common scale 10**d
        d = int(rate_dec.max())
        if changes is not None:
            d = max(d, int(np.max(changes[3].astype(np.int64))))
        big = d > 18
        scale = 10**d

        def on_scale(ri, dec):
            dec = np.asarray(dec, dtype=np.int64)
            if big:
                return np.array(
                    [int(r) * 10 ** (d - int(e)) for r, e in zip(ri, dec, strict=True)],
                    dtype=object,
                )
            return np.asarray(ri).astype(np.int64) * (10 ** (d - dec))

        R = on_scale(rate_int, rate_dec)[:, None]
        ch_mask = np.zeros((n, 1), bool)
        if changes is not None:
            # forward-fill the rate from each change on (changes sorted by loan, then period)
            loan, period = changes[0].astype(np.int64), changes[1].astype(np.int64)
            order = np.lexsort((period, loan))
            loan, period = loan[order], period[order]
            cr = on_scale(changes[2][order], changes[3][order])
            idx = np.full((n, T), -1, np.int64)
            idx[loan, period - 1] = np.arange(len(loan))
            idx = np.maximum.accumulate(idx, axis=1)
            R = np.where(idx < 0, R, cr[np.maximum(idx, 0)])
            ch_mask = np.zeros((n, T), bool)
            ch_mask[loan, period - 1] = True
        Lp = int(np.lcm.reduce(np.unique(freq)))
        compounded = (comp > 0) & (comp != freq)
        if compounded.any():
            # periodic rate (1 + r/c)^(c/f) - 1 to 18 decimals (its error, below 10**-18 of the
            # balance, is far below a fen, and the numerators stay int64); the plain loans of
            # the batch are put on the same denominator.  One Decimal power per distinct
            # (rate, compounding, frequency), not per loan and period.
            PD = 10 ** max(18, d) * Lp
            per_f = np.array([(PD // scale) // int(f) for f in freq], dtype=object)[:, None]
            PN = R.astype(object) * per_f
            rows = np.flatnonzero(compounded)
            with localcontext() as ctx:
                ctx.prec = 60
                for c, f in {(int(comp[i]), int(freq[i])) for i in rows}:
                    sel = rows[(comp[rows] == c) & (freq[rows] == f)]
                    vals, inv = np.unique(
                        R[sel].astype(object) if R.dtype == object else R[sel], return_inverse=True
                    )
                    pns = []
                    for r0 in vals.tolist():
                        r = Decimal(int(r0)) / scale
                        rho = (1 + r / c) ** (Decimal(c) / f) - 1
                        pns.append(int((rho * PD).to_integral_value()))
                    PN[sel] = np.array(pns, dtype=object)[inv.reshape(R[sel].shape)]
            PN = _fit64(PN)
        else:
            PD = scale * Lp
            PN = _mul_exact(R, (Lp // freq)[:, None])
        periodic = accrual == PERIODIC_RATE
        dates = None
        if starts is not None and not np.isnat(starts).all():
            from .calendar import payment_dates_grid

            starts = np.asarray(starts, dtype="datetime64[D]")
            bd = "unadjusted" if business_day is None else np.asarray(business_day, dtype=object)
            has = ~np.isnat(starts)
            if has.all():
                # every frequency and convention in one grid (no per-subset copies)
                dates = payment_dates_grid(starts, T, freq, bd, holidays=holidays)
            else:
                dates = np.full((n, T), np.datetime64("NaT"), dtype="datetime64[D]")
                dates[has] = payment_dates_grid(
                    starts[has],
                    T,
                    freq[has],
                    bd if isinstance(bd, str) else bd[has],
                    holidays=holidays,
                )
        if periodic.all():
            RN, RD = PN, PD
        else:
            from .calendar import DAY_COUNT_DENOMINATOR, period_numerators

            dcs = sorted(set(accrual[~periodic]))
            L = int(np.lcm.reduce([Lp] + [DAY_COUNT_DENOMINATOR[dc] for dc in dcs]))
            RD = scale * L
            if len(dcs) == 1 and not periodic.any():
                # one day count for every loan (a group of parts_from_frame): made in place
                mult = period_numerators(starts, dates, dcs[0])
                if L != DAY_COUNT_DENOMINATOR[dcs[0]]:
                    mult *= L // DAY_COUNT_DENOMINATOR[dcs[0]]
            else:
                assert dates is not None, "a day count needs start dates (validated with the loans)"
                mult = np.zeros((n, T), dtype=np.int64)
                mult[periodic] = (L // Lp) * (Lp // freq[periodic])[:, None]
                for dc in dcs:
                    sel = accrual == dc
                    mult[sel] = period_numerators(starts[sel], dates[sel], dc) * (
                        L // DAY_COUNT_DENOMINATOR[dc]
                    )
            if compounded.any():  # compounding applies with the periodic rate only (validated)
                RD_all = _lcm(RD, PD)
                RN = np.where(
                    periodic[:, None],
                    PN.astype(object) * (RD_all // PD),
                    R.astype(object) * mult.astype(object) * (RD_all // RD),
                )
                RD = RD_all
            else:
                RN = _mul_exact(R, mult, factored=True, inplace=True)
        RN, PN = _fit64(RN), _fit64(PN)
        # the size of the numbers: amounts stay int64 unless capitalisation could grow a
        # balance past 2**62; the interest product B * RN uses exact int64 arithmetic when it
        # fits, else a float product checked near every rounding boundary (exact fallback)
        max_rn = (
            RN.max_abs()
            if isinstance(RN, _Factored)
            else max(int(np.max(RN)), -int(np.min(RN)))
            if np.size(RN)
            else 0
        )
        maxB = int(B0.max()) if n else 0
        # a payment vector or a given payment below the interest can grow a balance all term long
        growth_periods = np.where((method == _CUSTOM) | (given >= 0), N, G)
        grow = _growth(np.array([max_rn / RD]), growth_periods)
        # totals: at most T periods of interest on the largest balance
        big_amount = max(maxB, int(given.max()) if n else 0) * 4 * grow * (2 + T * max_rn / RD)
        dtype = np.int64 if big_amount < _INT64_SAFE else object
        exact64 = (
            RN.dtype != object
            and dtype is np.int64
            and max(maxB, int(given.max()), 1) * 4 * grow * (1 + max_rn) < _INT64_SAFE
            and RD < _INT64_SAFE
        )
        if custom is not None:
            custom = custom.astype(dtype)
        return cls(
            n=n,
            T=T,
            B0=B0.astype(dtype),
            N=N,
            G=G,
            deferral=deferral,
            M=M,
            method=method,
            given=given.astype(dtype),
            fee=fee.astype(dtype),
            RN=RN,
            RD=RD,
            PN=PN,
            PD=PD,
            changes=ch_mask,
            custom=custom,
            dates=dates,
            units=units,
            modes=modes,
            carry=carry,
            actual_basis=np.zeros(n, bool)
            if actual_basis is None
            else np.asarray(actual_basis, bool),
            dtype=dtype,
            absorb=absorb,
            exact64=exact64,
        )


_REQUIRED = ("principal", "annual_rate", "periods")


def _noisy_loans(rate_dec: np.ndarray, changes) -> np.ndarray:
    """Loans whose rate (or one of its changes) has more than 9 decimals (float noise)."""
    noisy = rate_dec > 9
    if changes is not None:
        ch_noisy = changes[3].astype(np.int64) > 9
        noisy[changes[0][ch_noisy].astype(np.int64)] = True
    return noisy


def _mixed_representation(rate_dec, changes, comp, freq, accrual) -> bool:
    """Whether the loans' rates need more than one representation: plain decimal rates
    beside float-noise or compounded rates, or more than one accrual (day count).  On one
    common scale such a batch would leave exact int64 arithmetic for every loan."""
    n = len(rate_dec)
    if n <= 1:
        return False
    comp_ = (comp > 0) & (comp != freq)
    noisy = _noisy_loans(rate_dec, changes)
    rep = np.where(comp_, 2, np.where(noisy, 1, 0))
    if (rep != rep[0]).any():
        return True
    return bool((accrual != accrual[0]).any())


def _per_loan_batch(cls, a: dict) -> Batch:
    """A :class:`Batch` whose loans each keep their own exact rate scale (one period loop).

    Loan ``i`` has the exponent ``e_i`` (the decimals of its rate and rate changes; at
    least 18 for a compounded rate) and

    .. math::

        \\rho_{i,t} = \\frac{PN_{i,t}}{PD_i},\\quad PD_i = 10^{e_i} f_i, \\qquad
        \\text{interest}_{i,t} = \\operatorname{round}\\Big(B\\,\\frac{R_{i,t}\\,
        m_{i,t}}{RD_i}\\Big)

    where, for the nominal periodic rate, ``R = PN``, ``m = 1`` and ``RD = PD``, and for
    an actual-day count ``R`` is the annual rate on ``10^{e_i}``, ``m`` the period's day
    numerator (:func:`repayplan.calendar.period_numerators`) and
    ``RD_i = 10^{e_i} D_{dc}`` (:data:`repayplan.calendar.DAY_COUNT_DENOMINATOR`).  A
    compounded loan's periodic rate ``(1 + r/c)^{c/f} - 1`` is kept to ``e_i`` decimals
    (``PD_i = 10^{e_i}``).  ``RD`` and ``PD`` are arrays over loans; nothing of shape
    (loans, periods) is made: :func:`run` applies the rate changes when they fall due and
    makes each period's due dates and day numerators as it reaches that period
    (:class:`repayplan.calendar.DueDateColumns`), and computes the interest through a
    float product checked near every rounding boundary (exact integers there).
    """
    n, N, T, freq, comp, accrual = a["n"], a["N"], a["T"], a["freq"], a["comp"], a["accrual"]
    B0, given, changes, starts = a["B0"], a["given"], a["changes"], a["starts"]
    rate_int, rate_dec = a["rate_int"], a["rate_dec"]
    compounded = (comp > 0) & (comp != freq)
    dec = rate_dec.copy()
    if changes is not None:
        np.maximum.at(dec, changes[0].astype(np.int64), changes[3].astype(np.int64))
    e = np.where(compounded, np.maximum(dec, 18), dec)
    big = int(e.max()) > 18

    def on_scale(ri, dd, ee):
        ri = np.asarray(ri)
        if ri.dtype == object and not big:
            ri = _fit64(ri)  # rate numerators read as Python integers: int64 when they fit
        if big or ri.dtype == object:
            return np.array(
                [int(r) * 10 ** (int(x) - int(y)) for r, y, x in zip(ri, dd, ee, strict=True)],
                dtype=object,
            )
        return ri.astype(np.int64) * (10 ** (ee - dd))

    def compound(R, sel):
        """The periodic rates of the compounded loans ``sel`` with annual rates ``R``: one
        Decimal power per distinct (rate, compounding, frequency, decimals)."""
        R = np.asarray(R)
        cols = [R, comp[sel], freq[sel], e[sel]]
        keys = np.stack(cols, axis=1) if R.dtype != object else np.stack(cols, axis=1).astype(str)
        uniq, inv = np.unique(keys, axis=0, return_inverse=True)
        first = np.zeros(len(uniq), np.int64)
        first[inv.reshape(-1)[::-1]] = np.arange(len(sel))[::-1]
        if R.dtype != object:
            vals = _compounded_rates(R[first], comp[sel[first]], freq[sel[first]], e[sel[first]])
        else:
            vals = np.array(
                [
                    _compounded_rate(
                        int(R[j]), int(comp[sel[j]]), int(freq[sel[j]]), int(e[sel[j]])
                    )
                    for j in first.tolist()
                ],
                dtype=object,
            )
        return vals[inv.reshape(-1)]

    R = on_scale(rate_int, rate_dec, e)
    periodic = accrual == PERIODIC_RATE
    fd = np.where(compounded, 1, freq)
    PD = _fit64(_pow10_times(e, fd))
    PN = R.copy()
    rows = np.flatnonzero(compounded)
    if rows.size:
        vals = _fit64(compound(R[rows], rows))
        if vals.dtype == object or PN.dtype == object:  # beyond int64: Python integers
            PN = _fit64(np.where(compounded, 0, PN).astype(object))
            PN[rows] = vals
            PN = _fit64(PN)
        else:
            PN = PN.astype(np.int64)  # a copy: R keeps the annual numerators
            PN[rows] = vals
    # each distinct accrual name once (factorized as the object array it is: a Series of
    # strings would first be converted to Arrow)
    acc_codes, acc_names = pd.factorize(np.asarray(accrual, dtype=object))
    den = np.array(
        [1 if x == PERIODIC_RATE else _day_denominator(x) for x in acc_names] + [1], np.int64
    )[acc_codes]
    W = np.where(periodic, fd, den)  # RD = 10**e * W before reduction
    base = np.where(periodic, PN, R) if PN is not R else R
    # each rate in lowest terms (0.05 beside a 17-decimal rate is 1/240 a month, not
    # 5·10**15 / 1.2·10**18): its products, and so the exact check of a tie, stay in int64
    base, RD, rd_parts = _lowest_terms_scaled(base, e, W, parts=True)
    # rate changes as events: (loan, 0-based period, new interest base, new nominal
    # numerator, new interest denominator)
    events = None
    if changes is not None:
        loan, period = changes[0].astype(np.int64), changes[1].astype(np.int64)
        order = np.lexsort((loan, period))
        loan, period = loan[order], period[order]
        cr = on_scale(changes[2][order], changes[3][order].astype(np.int64), e[loan])
        cpn = cr.copy()
        cc = np.flatnonzero(compounded[loan])
        if cc.size:
            cpn = cpn.astype(object)
            cpn[cc] = compound(cr[cc], loan[cc])
            cpn = _fit64(cpn)
        cbase, crd = _lowest_terms_scaled(
            _fit64(np.where(periodic[loan], cpn, cr)), e[loan], W[loan]
        )
        events = (loan, period - 1, cbase, _fit64(cpn), crd)
    dcode = np.where(periodic, 0, np.where(accrual == "ACT/ACT", 2, 1)).astype(np.int8)
    dates = None
    if a["due_dates"] and starts is not None and not np.isnat(starts).all():
        from .calendar import payment_dates_grid

        starts = np.asarray(starts, dtype="datetime64[D]")
        bd = a["business_day"]
        bd = "unadjusted" if bd is None else np.asarray(bd, dtype=object)
        has = ~np.isnat(starts)
        if has.all():
            dates = payment_dates_grid(starts, T, freq, bd, holidays=a["holidays"])
        else:
            dates = np.full((n, T), np.datetime64("NaT"), dtype="datetime64[D]")
            dates[has] = payment_dates_grid(
                starts[has],
                T,
                freq[has],
                bd if isinstance(bd, str) else bd[has],
                holidays=a["holidays"],
            )
    # the size of the numbers, from the largest rate a period can have
    rd_f = rd_parts["rd_f"] if rd_parts is not None else RD.astype(float)
    rmax = base.astype(float) / rd_f
    if events is not None:
        np.maximum.at(rmax, events[0], events[2].astype(float) / events[4].astype(float))
    days = 366 // freq + 31  # the most days a period can have (due dates rolled)
    num_max = np.where(dcode == 0, 1, np.where(dcode == 2, 366 * days, days))
    max_rate = float((rmax * num_max).max()) if n else 0.0
    maxB = int(B0.max()) if n else 0
    method = a["method"]
    growth_periods = np.where((method == _CUSTOM) | (given >= 0), N, a["G"])
    grow = _growth(np.array([max_rate]), growth_periods)
    big_amount = max(maxB, int(given.max()) if n else 0) * 4 * grow * (2 + T * max_rate)
    dtype = np.int64 if big_amount < _INT64_SAFE else object
    custom = a["custom"]
    if custom is not None:
        custom = custom.astype(dtype)
    stream = dict(
        base=base,
        pn=PN,
        events=events,
        dcode=dcode,
        starts=None if starts is None else np.asarray(starts, dtype="datetime64[D]"),
        freq=freq,
        business_day=a["business_day"],
        holidays=a["holidays"],
        rd_f=rd_f,  # RD as floats, once (the compiled loop reads them too)
        rd_limbs=None if rd_parts is None else (rd_parts["hi"], rd_parts["lo"]),
        # 10**e (e <= 22) and fd are exact doubles: their product is float(PD), rounded once
        pd_f=_POW10_F[e] * fd if int(e.max(initial=0)) <= 22 else None,
    )
    return cls(
        n=n,
        T=T,
        B0=B0.astype(dtype),
        N=N,
        G=a["G"],
        deferral=a["deferral"],
        M=a["M"],
        method=method,
        given=given.astype(dtype),
        fee=a["fee"].astype(dtype),
        RN=base[:, None],
        RD=RD,
        PN=PN[:, None],
        PD=PD,
        changes=np.zeros((n, 1), bool),
        custom=custom,
        dates=dates,
        units=a["units"],
        modes=a["modes"],
        carry=a["carry"],
        actual_basis=np.zeros(n, bool),
        dtype=dtype,
        absorb=a["absorb"],
        exact64=False,
        stream=stream,
    )


def _compounded_rate(r0: int, c: int, f: int, e: int) -> int:
    """``round(((1 + r/c)^(c/f) - 1) · 10**e)`` for the annual rate ``r = r0 / 10**e``.

    With ``c/f = p/q`` in lowest terms the power is ``Y^(1/q)``, ``Y = (1 + r/c)^p`` an
    integer power, and the ``q``-th root is two Newton steps from the double-precision root
    (each step doubles the digits: 16, 32, 64), at 50 significant digits — the same figure
    as the Decimal power at 60 digits except within 10**-30 of a rounding tie, in a tenth of
    the time.

    >>> _compounded_rate(5 * 10**16, 2, 12, 18)        # 5 % compounded half-yearly, monthly
    4123915465144271
    """
    import math

    g = math.gcd(c, f)
    p, q = c // g, f // g
    with localcontext() as ctx:
        ctx.prec = 50
        Y = (1 + Decimal(r0) / (Decimal(c) * Decimal(10) ** e)) ** p
        if q == 1:
            root = Y
        else:
            x = Decimal(float(Y) ** (1.0 / q))
            for _ in range(2):
                x = ((q - 1) * x + Y / x ** (q - 1)) / q
            root = x
        return int((root - 1).scaleb(e).to_integral_value())


#: ``float(10**k)`` for k = 0 … 22, every one exact.
_POW10_F = np.array([float(10**k) for k in range(23)])


#: Relative error allowed the extended-precision estimate of :func:`_compounded_rates`, in
#: units of ``np.finfo(np.longdouble).eps``: measured at most 3.1 on 10,000 rates (against
#: 60-digit Decimal powers); ten times that is taken.
_LD_ULPS = 32


def _compounded_rates(r0: np.ndarray, c: np.ndarray, f: np.ndarray, e: np.ndarray) -> np.ndarray:
    """:func:`_compounded_rate` of many (rate, compounding, frequency, decimals) at once.

    Each figure is first estimated in extended precision (``np.longdouble``: a 64-bit
    significand on x86-64), ``Z = expm1(c/f · log1p(r/c)) · 10**e``; where ``Z`` is further
    from a rounding boundary than ``_LD_ULPS`` units of its last place, its rounding is the
    exact one, and the others (and every figure where ``longdouble`` is a plain double) go
    through the exact Decimal power one by one.  Object array of Python integers.

    >>> _compounded_rates(np.array([5 * 10**16]), np.array([2]), np.array([12]), np.array([18]))
    array([4123915465144271], dtype=object)
    """
    n = len(r0)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    ld = np.longdouble
    eps = float(np.finfo(ld).eps)
    fits = (e <= 22) & (r0 >= 0)
    with np.errstate(all="ignore"):
        g = np.gcd(c, f)
        scale = np.array([ld(10) ** k for k in range(23)], dtype=ld)[np.minimum(e, 22)]
        x = r0.astype(ld) / (c.astype(ld) * scale)
        z = np.expm1((c // g).astype(ld) / (f // g).astype(ld) * np.log1p(x)) * scale
        k = np.floor(z + ld(0.5))
        frac = z + ld(0.5) - k
        tol = _LD_ULPS * eps * np.abs(z) + 1e-9
        ok = fits & np.isfinite(z) & (frac > tol) & (frac < 1 - tol) & (np.abs(z) < 2.0**62)
    out[ok] = k[ok].astype(np.int64).tolist()
    for j in np.flatnonzero(~ok).tolist():
        out[j] = _compounded_rate(int(r0[j]), int(c[j]), int(f[j]), int(e[j]))
    return out


def _lowest_terms_scaled(num: np.ndarray, e: np.ndarray, W: np.ndarray, *, parts: bool = False):
    """``num / (10**e × W)`` in lowest terms, exact: ``gcd(n, AB) = gcd(n, A) · gcd(n /
    gcd(n, A), B)``, so the reduction runs in int64 with ``A = 10**e <= 10**18``; the
    reduced denominator is int64 where it fits, else (those loans only) a Python integer.

    ``parts=True`` also returns what the compiled loop reads of the denominator, made from
    its two int64 factors ``A' W'`` without going through Python integers (None on the
    Python-integer path): ``rd_f`` (``A'`` is ``2**a 5**b``, ``b <= 18``, so ``A'`` and
    ``W'`` are exact doubles and their product is the correctly rounded denominator, as
    ``float(den)``), and the limbs ``hi · 2**62 + lo`` of :func:`repayplan.kernel_jit.run_loans`.

    >>> n, d, p = _lowest_terms_scaled(np.array([30000000000000004]), np.array([17]),
    ...                                np.array([36000]), parts=True)
    >>> int(d[0]) == int(p["hi"][0]) * 2**62 + int(p["lo"][0]), bool(float(d[0]) == p["rd_f"][0])
    (True, True)
    """
    num = np.asarray(num)
    if num.dtype == object or int(e.max(initial=0)) > 18:
        n2, den = _lowest_terms(num.astype(object), _pow10_times(e, W).astype(object))
        return (n2, den, None) if parts else (n2, den)
    A = 10 ** e.astype(np.int64)
    g1 = np.gcd(num, A)
    n1 = num // g1
    g2 = np.gcd(n1, W)
    n2 = n1 // g2
    A2, W2 = A // g1, W // g2
    rd_f = A2.astype(float) * W2.astype(float)
    fits = rd_f < 2.0**62
    if fits.all():
        den = A2 * W2
        info = dict(rd_f=rd_f, hi=np.zeros(len(den), np.int64), lo=den)
        return (n2, den, info) if parts else (n2, den)
    den = (A2 * np.where(fits, W2, 1)).astype(object)
    den[~fits] = A2[~fits].astype(object) * W2[~fits].astype(object)
    if not parts:
        return n2, den
    if int(W2.max()) >= 2**31:  # pragma: no cover - day-count denominators are small
        return n2, den, None
    # A' W' in base 2**62 with int64 products: A' = a1 2**31 + a0 (A' < 2**60, W' < 2**31)
    m31 = np.int64(2**31 - 1)
    p0 = (A2 & m31) * W2
    p1 = (A2 >> 31) * W2
    low = ((p1 & m31) << 31) + p0
    hi = (p1 >> 31) + (low >> 62)
    lo = low & np.int64(2**62 - 1)
    return n2, den, dict(rd_f=rd_f, hi=hi, lo=lo)


def _lowest_terms(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``num / den`` elementwise in lowest terms (``num >= 0``, ``den > 0``), exact."""
    if num.dtype == object or den.dtype == object:
        g = np.gcd(num.astype(object), den.astype(object))
        return _fit64(num.astype(object) // g), _fit64(den.astype(object) // g)
    g = np.gcd(num, den)
    return num // g, den // g


def _pow10_times(e: np.ndarray, f: np.ndarray) -> np.ndarray:
    """``10**e * f`` elementwise, exact: int64 where every value fits, else Python integers."""
    e = np.asarray(e, np.int64)
    f = np.asarray(f, np.int64)
    if e.size == 0:
        return np.zeros(0, np.int64)
    if int(e.max()) <= 18 and float((10.0 ** e.astype(float) * f).max()) < 9.2e18:
        return (10**e) * f
    out = np.empty(e.size, dtype=object)
    inv, keys = pd.factorize(e * 2**32 + f)  # each distinct pair once
    vals = np.array([10 ** (int(k) >> 32) * (int(k) & (2**32 - 1)) for k in keys], dtype=object)
    out[:] = vals[inv]
    return out


def _day_denominator(dc: str) -> int:
    from .calendar import DAY_COUNT_DENOMINATOR

    return DAY_COUNT_DENOMINATOR[dc]


def _take(cols: dict, idx: np.ndarray, n: int) -> dict:
    """The validated columns of the loans ``idx`` (rate changes renumbered)."""
    out = {}
    for k, v in cols.items():
        if k == "changes" and v is not None:
            where = np.full(n, -1, np.int64)
            where[idx] = np.arange(len(idx))
            loan = where[v[0].astype(np.int64)]
            keep = loan >= 0
            out[k] = (loan[keep].astype(object), *(a[keep] for a in v[1:])) if keep.any() else None
        elif isinstance(v, np.ndarray) and v.shape[:1] == (n,):
            out[k] = v[idx]
        else:
            out[k] = v
    return out


def _decimal_parts(r: Decimal) -> tuple[int, int]:
    """``(numerator, decimals)`` with ``r == numerator / 10**decimals`` exactly."""
    dec = max(0, -_exponent(r))
    return int(r.scaleb(dec)), dec


def _exponent(d: Decimal) -> int:
    """The exponent of a finite Decimal (``as_tuple()`` gives 'n', 'N' or 'F' for NaN and infinities)."""
    e = d.as_tuple().exponent
    if not isinstance(e, int):  # the TypeError that negating the letter raised before
        raise TypeError(f"{d} has no decimal exponent")
    return e


def _lcm(a: int, b: int) -> int:
    import math

    return a * b // math.gcd(a, b)


def _mul_exact(a: np.ndarray, b: np.ndarray, *, factored: bool = False, inplace: bool = False):
    """``a * b`` elementwise in int64 when no product can overflow; else, with ``factored``,
    the two int64 factors kept apart (:class:`_Factored`), or the product in Python integers.
    ``inplace``: ``b`` is a temporary of the caller, which an int64 product may overwrite."""
    if a.dtype != object and b.dtype != object:
        amax = max(int(np.max(a)), -int(np.min(a))) if a.size else 0
        bmax = max(int(np.max(b)), -int(np.min(b))) if b.size else 0
        if amax * bmax < 2**63:
            a, b = a.astype(np.int64, copy=False), b.astype(np.int64, copy=False)
            if inplace and b.shape == np.broadcast_shapes(a.shape, b.shape):
                b *= a  # ``b`` is the caller's temporary: no second grid
                return b
            return a * b
        if factored:
            return _Factored(a.astype(np.int64), b.astype(np.int64))
    return a.astype(object) * b.astype(object)


class _Factored:
    """Interest numerators ``RN = R * MULT`` kept as two int64 factors (their product would
    overflow int64: float-noise rates on an actual-day count).  Indexing gives the factors
    indexed alike; ``astype(float)`` their product in floating point; ``int(x[j])`` an exact
    element.  Only the float-checked interest path (exact fallback) reads it."""

    def __init__(self, R: np.ndarray, M: np.ndarray):
        self.R, self.M = R, M
        self.shape = np.broadcast_shapes(R.shape, M.shape)
        self.ndim = len(self.shape)
        self.dtype = np.dtype(object)
        self.size = int(np.prod(self.shape))

    def max_abs(self) -> int:
        return max(int(np.max(self.R)), -int(np.min(self.R))) * max(
            int(np.max(self.M)), -int(np.min(self.M))
        )

    def __getitem__(self, key):
        rkey = key
        if (
            self.R.ndim == 2
            and self.R.shape[1] == 1
            and self.M.ndim == 2
            and self.M.shape[1] > 1
            and isinstance(key, tuple)
        ):
            rows, cols = key
            rkey = (rows, 0) if isinstance(cols, (int, np.integer)) else (rows, slice(0, 1))
        r, m = self.R[rkey], self.M[key]
        if np.ndim(m) == 0:
            return int(r) * int(m)
        return _Factored(np.asarray(r), np.asarray(m))

    def astype(self, dtype):
        if dtype is float:
            return self.R.astype(float) * self.M.astype(float)
        return self.R.astype(object) * self.M.astype(object)

    def __int__(self):
        return int(self.R.ravel()[0]) * int(self.M.ravel()[0])

    def __len__(self):
        return self.shape[0]


def _fit64(a):
    """``a`` as int64 when every value fits, else as Python integers (object)."""
    if isinstance(a, _Factored):
        return a
    a = np.asarray(a)
    if a.dtype != object:
        return a.astype(np.int64, copy=False)
    if a.size == 0 or max(int(np.max(a)), -int(np.min(a))) < 2**63:
        return a.astype(np.int64)
    return a


def _growth(rho, periods) -> int:
    """An upper bound on how many times a balance can grow by capitalisation."""
    rho = float(np.max(rho)) if np.size(rho) else 0.0
    k = int(np.max(periods)) if np.size(periods) else 0
    g = (1.0 + rho) ** (k + 1)
    return int(min(g, 1e30)) + 2


def float_decimals(x: np.ndarray, *, long_digits: bool = True) -> np.ndarray:
    """Fewest decimals ``d`` such that ``round(x, d)`` gives back the same float (repr's digits).

    ``long_digits=False`` leaves the values that need more than 15 decimals at -1 (for a
    caller that reads their digits itself).

    >>> import numpy as np
    >>> float_decimals(np.array([0.06, 0.0435, 0.0435 + 0.0035, 0.1 + 0.2, 12.0])).tolist()
    [2, 4, 3, 17, 0]
    """
    x = np.asarray(x, dtype=float)
    dec = np.full(x.shape, -1, dtype=np.int64)
    for d in range(0, 16):
        p = 10.0**d
        ok = (dec < 0) & (np.rint(x * p) / p == x)
        dec[ok] = d
        if (dec >= 0).all():
            break
    if not long_digits:
        return dec
    left = dec < 0
    if left.any():
        vals, inv = np.unique(x[left], return_inverse=True)  # each distinct value once
        digits = [max(0, -_exponent(Decimal(repr(float(v))))) for v in vals]
        dec[left] = np.array(digits, dtype=np.int64)[inv.reshape(-1)]
    return dec


def exact_decimals(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floats as exact decimals ``numerator / 10**decimals``, read by their shortest repr.

    ``0.0435`` is 435/10⁴, what the person typed, not its binary expansion; a sum with float
    noise such as ``0.1 + 0.2`` (``0.30000000000000004``) is read exactly too, as
    30000000000000004/10¹⁷.  Numerators are int64 (object beyond 18 decimals).

    >>> import numpy as np
    >>> num, dec = exact_decimals(np.array([0.0435, 0.1 + 0.2]))
    >>> num.tolist(), dec.tolist()
    ([435, 30000000000000004], [4, 17])
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 1 and x.size > 256:
        # a book repeats its rates: read each distinct value once
        codes, uniq = pd.factorize(x, use_na_sentinel=False)
        if len(uniq) * 4 < x.size:
            num_u, dec_u = exact_decimals(np.asarray(uniq, dtype=float))
            return num_u[codes], dec_u[codes]
    dec = float_decimals(x, long_digits=False)
    num = np.zeros(x.shape, dtype=np.int64)
    short = dec >= 0
    num[short] = np.rint(x[short] * 10.0 ** dec[short]).astype(np.int64)
    if (~short).any():
        # more digits than a double multiplies exactly: each distinct value through its repr
        # (read once, here: float_decimals left them at -1)
        vals, inv = np.unique(x[~short], return_inverse=True)
        parts = [_decimal_parts(Decimal(repr(float(v)))) for v in vals]
        if max(p[1] for p in parts) > 18:
            num = num.astype(object)
        num[~short] = np.array([p[0] for p in parts], dtype=num.dtype)[inv]
        dec[~short] = np.array([p[1] for p in parts])[inv]
    return num, dec


def _frame_columns(df: pd.DataFrame, *, rounding, defaults, scalar_check, positions=None) -> dict:
    """Validate a frame of loans column by column into the arrays of :meth:`Batch.from_arrays`.

    Each check is vectorised; at the first row that fails any of them, that row is validated
    by ``scalar_check`` (the per-loan validation of ``amortize``), which raises the very
    error ``amortize`` would, renamed ``loans.<field>[<position>]``.
    """
    n = len(df)
    cols = set(df.columns)
    unknown = sorted(str(c) for c in cols - set(defaults) - set(_REQUIRED) - {"rounding"})
    if "rounding" in cols:
        raise InputError("loans.columns", "rounding", "rounding= as an argument, one per batch")
    bad = np.zeros(n, bool)
    del unknown  # extra columns are carried along by the caller and ignored here

    def fail(pos: int):
        row = df.iloc[pos].to_dict()
        kw = {}
        for c, v in row.items():
            if c not in defaults and c not in _REQUIRED:
                continue
            if isinstance(v, (np.bool_, np.integer, np.floating)):
                v = v.item()
            if not _is_missing(v):
                kw[c] = v
        kw["rounding"] = rounding
        where = int(positions[pos]) if positions is not None else pos
        try:
            scalar_check(kw)
        except InputError as e:
            raise InputError(f"loans.{e.field}[{where}]", e.value, e.allowed, e.hint) from None
        raise InputError(f"loans[{where}]", kw, "terms that amortize accepts")  # pragma: no cover

    def column(name):
        return df[name] if name in cols else None

    def missing(col):
        return np.zeros(n, bool) if col is None else col.isna().to_numpy()

    def whole(name, low, high):
        """A whole-number column: values (0 where missing) and the bad mask."""
        col = column(name)
        if col is None:
            return None, np.zeros(n, bool)
        miss = missing(col)
        if pd.api.types.is_bool_dtype(col.dtype):
            return np.zeros(n, np.int64), ~miss
        if pd.api.types.is_numeric_dtype(col.dtype):
            v = col.to_numpy(dtype=float, na_value=0.0)
            ok = np.isfinite(v) & (v == np.floor(v)) & (v >= low) & (v <= high)
            return np.where(ok, v, 0).astype(np.int64), ~ok & ~miss
        vals = np.zeros(n, np.int64)
        badm = np.zeros(n, bool)
        for i, x in enumerate(col.to_numpy(dtype=object)):
            if miss[i]:
                continue
            try:
                vals[i] = check_int(name, x, low=low, high=high)
            except InputError:
                badm[i] = True
        return vals, badm

    def choice(name, allowed, default):
        """A column of names: each distinct cell checked once (missing: ``default``)."""
        col = column(name)
        if col is None:
            return np.full(n, default, dtype=object), np.zeros(n, bool)
        codes, uniq = _factor(col)
        allowed = set(allowed)
        ok = [isinstance(u, str) and u in allowed for u in uniq]
        values = np.empty(len(uniq) + 1, dtype=object)
        values[:-1] = uniq
        values[-1] = default
        return values[codes], ~np.array(ok + [True], dtype=bool)[codes]

    # currency and minor units first: they give the decimals an amount may have
    cur = column("currency")
    units = np.full(n, money.minor_units_for(defaults["currency"]), np.int64)
    if cur is not None:
        # each distinct code once; a missing cell is the default currency
        cur_codes, cur_names = _factor(cur)
        known = [
            money.CURRENCIES.get(c.upper(), -1) if isinstance(c, str) else -1 for c in cur_names
        ]
        per = np.array(known + [money.minor_units_for(defaults["currency"])], np.int64)[cur_codes]
        bad |= per < 0
        units = np.where(per < 0, 2, per)
    mu, b_mu = whole("minor_units", 0, 8)
    if mu is not None:
        units = np.where(missing(column("minor_units")), units, mu)
        bad |= b_mu

    def amount(name, *, allow_zero, required):
        col = column(name)
        if col is None:
            return None, np.zeros(n, bool)
        miss = missing(col)
        badm = miss.copy() if required else np.zeros(n, bool)
        out = np.zeros(n, np.int64)
        if pd.api.types.is_bool_dtype(col.dtype):
            return out, ~miss | badm
        if pd.api.types.is_integer_dtype(col.dtype):
            v = col.to_numpy(dtype=np.int64)
            lim = MAX_AMOUNT_MINOR // 10**units
            ok = ((v > 0) | (allow_zero & (v == 0))) & (v <= lim)
            out = np.where(ok, v, 0) * 10**units
            return out, badm | ~ok
        if pd.api.types.is_float_dtype(col.dtype):
            v = col.to_numpy(dtype=float, na_value=np.nan)
            fin = np.isfinite(v)
            vv = np.where(fin, v, 0.0)
            ok = (
                fin & ((vv > 0) | (allow_zero & (vv == 0))) & (vv * 10.0**units <= MAX_AMOUNT_MINOR)
            )
            ok &= float_decimals(np.where(ok, vv, 0.0)) <= units
            out = np.where(ok, np.rint(vv * 10.0**units), 0).astype(np.int64)
            for j in np.flatnonzero(ok & (vv * 10.0**units > 2**52)):
                # beyond 2**52 a product of doubles can miss the unit: read its digits
                out[j] = int(Decimal(repr(float(vv[j]))).scaleb(int(units[j])))
            return out, badm | (~ok & ~miss)
        for i, x in enumerate(col.to_numpy(dtype=object)):
            if miss[i]:
                continue
            try:
                d = check_amount(name, x, allow_zero=allow_zero)
                out[i] = _exact_minor(name, x, d, int(units[i]))
            except InputError:
                badm[i] = True
        return out, badm

    B0, b = amount("principal", allow_zero=False, required=True)
    bad |= b
    pay, b = amount("payment", allow_zero=False, required=False)
    bad |= b
    given = (
        np.where(missing(column("payment")), -1, pay)
        if pay is not None
        else np.full(n, -1, np.int64)
    )
    fee, b = amount("fee", allow_zero=True, required=False)
    bad |= b
    fee = np.zeros(n, np.int64) if fee is None else np.where(missing(column("fee")), 0, fee)

    # the rate, read exactly
    rc = df["annual_rate"]
    if pd.api.types.is_float_dtype(rc.dtype) or pd.api.types.is_integer_dtype(rc.dtype):
        rv = rc.to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(rv) & (rv >= 0) & (rv <= 1)
        rate_int, rate_dec = exact_decimals(np.where(ok, rv, 0.0))
        bad |= ~ok
    else:
        rate_int = np.zeros(n, dtype=object)
        rate_dec = np.zeros(n, np.int64)
        for i, x in enumerate(rc.to_numpy(dtype=object)):
            try:
                rate_int[i], rate_dec[i] = _decimal_parts(check_rate("annual_rate", x))
            except InputError:
                bad[i] = True
    # periods: None (NaN) only with a payment: run until repaid
    N, b = whole("periods", 1, MAX_PERIODS)
    pmiss = missing(column("periods"))
    bad |= b | (pmiss & (given < 0))
    N = np.where(pmiss, MAX_PERIODS, N)
    freq, b = whole("frequency", 1, 52)
    freq = (
        np.full(n, defaults["frequency"], np.int64)
        if freq is None
        else np.where(missing(column("frequency")), defaults["frequency"], freq)
    )
    bad |= b | ~np.isin(freq, FREQUENCIES)
    meth, b = choice("method", METHODS, defaults["method"])
    bad |= b
    method = np.select(
        [meth == "equal_principal", meth == "interest_only"], [_EQUAL, _IONLY], _LEVEL
    )
    G, b = whole("grace", 0, MAX_PERIODS)
    gcol = column("grace")
    if gcol is not None and gcol.dtype.kind == "f" and np.isnan(gcol.to_numpy()).any():
        pos = int(np.flatnonzero(np.isnan(gcol.to_numpy()))[0])  # NaN is no grace period, not 0
        where = int(positions[pos]) if positions is not None else pos
        raise InputError(
            f"loans.grace[{where}]", float("nan"), "a whole number >= 0 (0 for no grace)"
        )
    G = np.zeros(n, np.int64) if G is None else np.where(missing(gcol), 0, G)
    bad |= b | ((G >= N) & ~pmiss)
    gk, b = choice("grace_kind", GRACE_KINDS, defaults["grace_kind"])
    bad |= b
    amort, b = whole("amortization_periods", 1, 100 * MAX_PERIODS)
    M = N.copy()
    if amort is not None:
        am = ~missing(column("amortization_periods"))
        bad |= b | (am & (pmiss | (amort < N) | (method == _IONLY)))
        M = np.where(am, amort, N)
    comp, b = whole("compounding", 1, 365)
    comp = (
        np.zeros(n, np.int64) if comp is None else np.where(missing(column("compounding")), 0, comp)
    )
    bad |= b
    # day counts: the public names and aliases, normalised once per distinct value
    accrual = np.full(n, PERIODIC_RATE, dtype=object)
    dcol = column("day_count")
    if dcol is not None:
        dmiss = missing(dcol)
        names: dict[object, str | None] = {}
        for v in pd.unique(dcol[~dmiss]):
            try:
                dc = _normalize_day_count(v)
                names[v] = PERIODIC_RATE if dc == "30/360" else dc
            except (InputError, TypeError):
                names[v] = None
        mapped = _distinct_map(dcol, names.get, PERIODIC_RATE)
        unknown = np.equal(mapped, None)  # type: ignore[call-overload]  # numpy's stubs omit None; elementwise on objects
        bad |= unknown & ~dmiss
        accrual = np.where(unknown, PERIODIC_RATE, mapped)
    actual = accrual != PERIODIC_RATE
    bad |= actual & (comp > 0) & (comp != freq)
    starts = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    scol = column("start")
    if scol is not None:
        smiss = missing(scol)
        if pd.api.types.is_datetime64_any_dtype(scol.dtype):
            starts = scol.to_numpy().astype("datetime64[D]")
        else:
            seen: dict[object, np.datetime64 | None] = {}
            for v in pd.unique(scol[~smiss]):
                try:
                    seen[v] = np.datetime64(check_date("start", v), "D")
                except (InputError, TypeError):
                    seen[v] = None
            vals = [
                seen.get(v) if not s else None
                for v, s in zip(scol.to_numpy(dtype=object), smiss, strict=True)
            ]
            bad |= np.array([x is None for x in vals]) & ~smiss
            starts = np.array(
                [np.datetime64("NaT") if x is None else x for x in vals], dtype="datetime64[D]"
            )
    bad |= actual & np.isnat(starts)
    bday, b = choice(
        "business_day",
        ("unadjusted", "following", "modified_following", "preceding"),
        defaults["business_day"],
    )
    bad |= b
    basis, b = choice("payment_basis", ("nominal", "actual"), defaults["payment_basis"])
    bad |= b
    holidays = defaults["holidays"]
    hcol = column("holidays")
    if hcol is not None:
        kinds = {repr(v) for v in hcol.to_numpy(dtype=object)}
        if len(kinds) > 1:
            raise InputError(
                "loans.holidays",
                sorted(kinds)[:3],
                "one holiday calendar per batch; split the frame",
            )
        holidays = hcol.iloc[0] if n else None
    carry = defaults["carry_precision"]
    ccol = column("carry_precision")
    if ccol is not None and n:
        modes = {
            _carry_mode(v) if not _is_missing(v) else defaults["carry_precision"]
            for v in pd.unique(ccol)
        }
        if len(modes) > 1:
            raise InputError(
                "loans.carry_precision", sorted(map(str, modes)), "one carry mode per batch"
            )
        carry = modes.pop()
    # rate changes: a column of mappings {period: rate}; each mapping is read on its own
    changes = None
    chcol = column("rate_changes")
    if chcol is not None:
        cells = chcol.to_numpy(dtype=object)
        pid_of: dict = {}  # equal mappings (the same step-up on many loans) are read once
        tables: list[list[tuple]] = []  # the parts of each distinct mapping
        loans: list[int] = []
        pids: list[int] = []
        present = np.flatnonzero(~chcol.isna().to_numpy())

        def read_mapping(m, term: int) -> int:
            """Read one mapping into ``tables``: its id there, -1 where it does not read."""
            try:
                tables.append(
                    [
                        (
                            check_int("rate_changes period", k, low=1, high=term),
                            *_decimal_parts(check_rate(f"rate_changes[{k}]", v)),
                        )
                        for k, v in m.items()
                    ]
                )
            except InputError:
                return -1
            return len(tables) - 1

        # each cell's items as a key, then each distinct (items, term) read once
        items = [tuple(m.items()) if type(m) is dict else None for m in cells[present]]
        plain = np.array([k is not None for k in items], dtype=bool)
        item_codes: np.ndarray | None
        try:
            item_codes = np.asarray(
                pd.factorize(pd.Series([k for k in items if k is not None], dtype=object))[0]
            )
        except TypeError:  # an unhashable rate in a mapping: one by one below
            item_codes = None
            plain[:] = False
        if item_codes is not None and plain.any():
            pi = present[plain]
            nonempty = np.array([bool(k) for k in items if k is not None], dtype=bool)
            pair = np.asarray(item_codes, np.int64) * (MAX_PERIODS + 1) + N[pi]
            pairs, first, inv = np.unique(pair, return_index=True, return_inverse=True)
            upid = np.full(len(pairs), -1, np.int64)
            for u, j in enumerate(first.tolist()):
                i = int(pi[j])
                # an empty mapping is no change (-3)
                upid[u] = read_mapping(cells[i], int(N[i])) if nonempty[j] else -3
            lp = upid[inv.reshape(-1)]
            bad[pi[lp == -1]] = True
            keep = lp >= 0
            loans.extend(pi[keep].tolist())
            pids.extend(lp[keep].tolist())
        for i in present[~plain].tolist():  # mappings that are not plain dicts
            m = cells[i]
            if type(m) is not dict and not isinstance(m, Mapping):
                bad[i] = True
                continue
            if not m:
                continue
            try:
                key = (tuple(m.items()), int(N[i]))
                hash(key)
            except TypeError:
                key = None
            pid = pid_of.get(key, -2) if key is not None else -2
            if pid == -2:
                pid = read_mapping(m, int(N[i]))
                if key is not None:
                    pid_of[key] = pid
            if pid < 0:
                bad[i] = True
                continue
            loans.append(i)
            pids.append(pid)
        if loans:
            # every loan's rows of its mapping, in loan order then mapping order
            o = np.argsort(np.asarray(loans, np.int64), kind="stable")
            loans = [loans[j] for j in o.tolist()]
            pids = [pids[j] for j in o.tolist()]
            counts = np.array([len(t) for t in tables], np.int64)
            offsets = np.cumsum(counts) - counts
            flat = [row for t in tables for row in t]
            pid_a = np.array(pids, np.int64)
            per = counts[pid_a]
            start = np.repeat(offsets[pid_a], per)
            within = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
            rows = start + within
            parts_cols = [np.array(c, dtype=object) for c in zip(*flat, strict=True)]
            if rows.size:
                changes = (
                    np.repeat(np.array(loans, dtype=object), per),
                    *(c[rows] for c in parts_cols),
                )
    if bad.any():
        fail(int(np.flatnonzero(bad)[0]))
    return dict(
        principal=B0,
        rate_int=rate_int,
        rate_dec=rate_dec,
        periods=N,
        frequency=freq,
        method=method,
        grace=G,
        deferral=gk == "deferral",
        amortization=M,
        payment=given,
        fee=fee,
        units=units,
        compounding=comp,
        accrual=accrual,
        starts=starts,
        business_day=bday,
        holidays=holidays,
        changes=changes,
        actual_basis=basis == "actual",
        carry=carry,
        modes=money.rounding_modes(rounding),
    )


def _distinct_map(col: pd.Series, fn, na) -> np.ndarray:
    """``fn(v)`` for each cell of ``col`` (``na`` where missing), computed once per distinct
    value (object array; see :func:`_factor`)."""
    codes, uniques = _factor(col)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [fn(u) for u in uniques]
    table[-1] = na
    return table[codes]


def _factor(col: pd.Series) -> tuple[np.ndarray, list]:
    """``(codes, uniques)`` of a column: each distinct cell once, ``-1`` where missing.

    Cells that cannot be hashed (lists, dicts) are each their own value.

    >>> codes, uniq = _factor(pd.Series(["level", None, "level", "x"]))
    >>> codes.tolist(), uniq
    ([0, -1, 0, 1], ['level', 'x'])
    """
    try:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
    except TypeError:
        cells = col.to_numpy(dtype=object)
        miss = np.array([_is_missing(v) for v in cells], dtype=bool)
        codes = np.where(miss, -1, np.arange(len(cells)))
        return codes, list(cells)
    return np.asarray(codes, dtype=np.intp), list(np.asarray(uniques, dtype=object))


def _all_str(col: pd.Series) -> np.ndarray:
    """Whether each cell of ``col`` is a ``str`` (vectorised for string dtypes; other
    columns decided once per distinct cell)."""
    if pd.api.types.is_string_dtype(col.dtype) and col.dtype != object:
        return ~col.isna().to_numpy()
    codes, uniq = _factor(col)
    table = np.array([isinstance(u, str) for u in uniq] + [False], dtype=bool)
    return table[codes]


def _is_missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v)) if np.ndim(v) == 0 else False
    except (TypeError, ValueError):
        return False


def _spec_from_row(kw, defaults) -> LoanSpec:
    full = dict(defaults)
    full.update(kw)
    for k in (
        "periods",
        "frequency",
        "grace",
        "compounding",
        "amortization_periods",
        "minor_units",
    ):
        if isinstance(full.get(k), (float, np.floating)) and float(full[k]).is_integer():
            full[k] = int(full[k])
    return LoanSpec.from_terms(**full)


# --------------------------------------------------------------------------------------
# The kernel
# --------------------------------------------------------------------------------------
@dataclass
class Result:
    """What :func:`run` returns: totals per loan and, when asked, the rows (minor units).

    ``table`` maps a column name to a ``(loan, period)`` array; a loan's rows are the
    first ``nrows[i]`` periods.

    Examples
    --------
    >>> import pandas as pd
    >>> from repayplan.schedule import AMORTIZE_DEFAULTS
    >>> loans = pd.DataFrame({"principal": [1_000], "annual_rate": [0.12], "periods": [2]})
    >>> res = run(Batch.from_frame(loans, rounding="half_up", defaults=AMORTIZE_DEFAULTS),
    ...           keep_rows=("payment", "interest"))
    >>> res.payment.tolist(), res.table["interest"].tolist()   # 1 % of 1,000.00, then of 502.49
    ([50751], [[1000, 502]])
    """

    rows: int
    payment: np.ndarray  # regular payment (minor)
    nrows: np.ndarray  # rows actually scheduled
    tot_interest: np.ndarray
    tot_principal: np.ndarray
    tot_payment: np.ndarray
    tot_fee: np.ndarray
    last_payment: np.ndarray
    custom_error: np.ndarray  # 0 ok, else residual (minor, + leaves outstanding, - overpays)
    custom_error_period: np.ndarray
    table: Mapping | None  # column -> (loan, period) arrays
    dates: np.ndarray | None = None  # due dates of a single loan run by run_one
    store: dict | None = None  # the kept columns as stored: periods × loans, sorted order
    inv: np.ndarray | None = None  # position of each loan (batch order) in the sorted order

    def gather(self, name: str, flat: np.ndarray) -> np.ndarray:
        """Column ``name`` at ``flat = period * n_loans + sorted position`` (one gather)."""
        assert self.store is not None  # run with its rows
        return self.store[name].ravel()[flat]


def _col(a, t):
    return a[:, t] if a.shape[1] > 1 else a[:, 0]


def run(b: Batch, *, keep_rows) -> Result:
    """Run the batch period by period, vectorised across loans.

    ``keep_rows``: ``False`` for totals only, ``True`` for every row column, or a collection
    of column names (``"opening_balance"``, ``"payment"``, ``"interest"``, ``"principal"``,
    ``"closing_balance"``) to keep only those.

    >>> import numpy as np
    >>> b = Batch.from_arrays(principal=np.array([1_200_000]), rate_int=np.array([0]),
    ...                       rate_dec=np.array([0]), periods=np.array([12]))
    >>> res = run(b, keep_rows=False)                          # 0 %: 12,000.00 / 12
    >>> res.payment.tolist(), res.tot_interest.tolist(), res.nrows.tolist()
    ([100000], [0], [12])

    Loans are sorted by term, longest first, so that at period ``t`` the loans still
    running are a prefix ``[:k]`` of the arrays (views, no copies).  A loan repaid early
    has a zero balance and contributes zeros from then on, so no mask is needed.

    A large batch of mixed representations (see :func:`_per_loan_batch`) runs through the
    compiled loop of :mod:`repayplan.kernel_jit` when numba is installed (same figures;
    loans it flags near a rounding tie run here again); payment vectors, carried precision,
    an actual-rate payment basis and amounts beyond int64 always run here.
    """
    if b.carry:
        return _run_carry(b, keep_rows=keep_rows)
    if _jit_ok(b):
        return _run_jit(b, keep_rows=keep_rows)
    return _run_numpy(b, keep_rows=keep_rows)


#: Batches of at least this many loans (of mixed representations) use the compiled loop.
#: Measured (``benchmarks/bench_amortize.py``): the compiled loop saves about 6 µs a loan
#: on the every-column book, and costs once per process about 0.9 s to import numba and
#: 0.5-1.4 s to load the cached machine code (9.5 s to compile it the first time ever);
#: below this size a one-off batch is faster through the numpy loop.
JIT_MIN_LOANS = 20_000


def _jit_ok(b: Batch) -> bool:
    s = b.stream
    if s is None or b.n < JIT_MIN_LOANS or b.dtype is not np.int64 or b.custom is not None:
        return False
    if s["base"].dtype != np.int64 or s["pn"].dtype != np.int64:
        return False
    if s["events"] is not None and (
        s["events"][2].dtype != np.int64 or s["events"][3].dtype != np.int64
    ):
        return False
    from . import kernel_jit

    return kernel_jit.available()


def _keep_cols(keep_rows) -> tuple[str, ...]:
    cols: tuple[str, ...] = (
        "opening_balance",
        "payment",
        "interest",
        "principal",
        "closing_balance",
    )
    if keep_rows and keep_rows is not True:
        cols = tuple(c for c in cols if c in set(keep_rows))
    return cols


def _run_jit(b: Batch, *, keep_rows) -> Result:
    """:func:`run` through the compiled loop (:func:`repayplan.kernel_jit.run_loans`)."""
    from . import kernel_jit

    s = b.stream
    assert s is not None
    n, T = b.n, b.T
    if keep_rows:  # the kept rows go in the kernel's order (longest term first)
        order = np.argsort(-b.N, kind="stable")
        inv = np.empty(n, np.int64)
        inv[order] = np.arange(n)
    else:  # totals only: no rows to place
        inv = np.zeros(n, np.int64)
    RD = np.asarray(b.RD)
    rd_f = s["rd_f"] if s.get("rd_f") is not None else RD.astype(float)
    small = rd_f < 2.0**62
    limbs = s.get("rd_limbs")
    if limbs is not None:  # made from the denominators' int64 factors
        rd64 = np.where(small, limbs[1], 0)
    elif RD.dtype == object:
        rd64 = np.zeros(n, np.int64)
        rd64[small] = RD[small].astype(np.int64)
    else:
        rd64 = np.where(small, RD, 0).astype(np.int64)
    args: dict = dict(
        B0=b.B0,
        N=b.N,
        G=b.G,
        deferral=b.deferral,
        M=b.M,
        method=b.method,
        given=b.given,
        base=s["base"],
        pn=s["pn"],
        rd64=rd64,
        rd_f=rd_f,
        rd=RD,
        pd_f=s["pd_f"] if s.get("pd_f") is not None else np.asarray(b.PD).astype(float),
        pd=np.asarray(b.PD),
        rd_limbs=limbs,
        dcode=s["dcode"],
        imode=b.modes["interest"],
        pmode=b.modes["payment"],
        pos=inv,
    )
    if s["events"] is not None:
        loan, t0, nb, npn, nrd = s["events"]
        o = np.lexsort((t0, loan))
        nrd_f = nrd[o].astype(float)
        args.update(
            ev_ptr=np.searchsorted(loan[o], np.arange(n + 1), side="left"),
            ev_t=t0[o],
            ev_base=nb[o],
            ev_pn=npn[o],
            ev_rd64=np.where(nrd_f < 2.0**62, nrd[o], 0).astype(np.int64),
            ev_rd_f=nrd_f,
            ev_rd=nrd[o],
        )
    else:
        z = np.zeros(1, np.int64)
        args.update(
            ev_ptr=np.zeros(n + 1, np.int64),
            ev_t=z,
            ev_base=z,
            ev_pn=z,
            ev_rd64=z,
            ev_rd_f=np.ones(1),
            ev_rd=np.ones(1, np.int64),
        )
    dcode = s["dcode"]
    if dcode.any():
        from .calendar import DueDateColumns

        starts = s["starts"]
        dated = ~np.isnat(starts)
        starts = np.where(dated, starts, starts[dated].min())
        bd = s["business_day"]
        bd = "unadjusted" if bd is None else bd
        tables = DueDateColumns(starts, T, s["freq"], bd, holidays=s["holidays"]).tables()
        tables["aa"] = dcode == 2
        args["dates"] = tables
    cols = _keep_cols(keep_rows)
    store = {c: np.zeros((T, n), dtype=np.int64) for c in cols} if keep_rows else None
    out = kernel_jit.run_loans(args, store, T, n)
    flagged = np.flatnonzero(out["flag"])
    if flagged.size:
        # the few loans near a tie the compiled loop cannot settle in int64: the numpy path
        sub = _sub_batch(b, flagged)
        r2 = _run_numpy(sub, keep_rows=keep_rows)
        for key, attr in (
            ("payment", "payment"),
            ("nrows", "nrows"),
            ("tot_interest", "tot_interest"),
            ("tot_principal", "tot_principal"),
            ("tot_payment", "tot_payment"),
            ("last_payment", "last_payment"),
        ):
            out[key][flagged] = getattr(r2, attr)
        if store is not None:
            assert r2.table is not None
            for c in cols:
                store[c][:, inv[flagged]] = 0
                store[c][: sub.T, inv[flagged]] = r2.table[c].T
    nrows = out["nrows"]
    return Result(
        rows=T,
        payment=out["payment"],
        nrows=nrows,
        tot_interest=out["tot_interest"],
        tot_principal=out["tot_principal"],
        tot_payment=out["tot_payment"],
        tot_fee=b.fee * nrows,
        last_payment=out["last_payment"],
        custom_error=np.zeros(n, np.int64),
        custom_error_period=np.full(n, -1, np.int64),
        table=None if store is None else _Unsorted(store, inv),
        store=store,
        inv=inv if keep_rows else None,
    )


def _sub_batch(b: Batch, idx: np.ndarray) -> Batch:
    """The loans ``idx`` of a per-loan batch as a batch of their own."""
    s = b.stream
    assert s is not None
    N = b.N[idx]
    T = int(N.max())
    take = lambda a: None if a is None else np.asarray(a)[idx]  # noqa: E731
    events = s["events"]
    if events is not None:
        where = np.full(b.n, -1, np.int64)
        where[idx] = np.arange(len(idx))
        keep = where[events[0]] >= 0
        events = (where[events[0]][keep], *(a[keep] for a in events[1:])) if keep.any() else None
    bd = s["business_day"]
    stream = dict(
        s,
        base=s["base"][idx],
        pn=s["pn"][idx],
        events=events,
        dcode=s["dcode"][idx],
        starts=take(s["starts"]),
        freq=s["freq"][idx],
        business_day=bd if bd is None or isinstance(bd, str) else np.asarray(bd)[idx],
        rd_f=take(s.get("rd_f")),
        pd_f=take(s.get("pd_f")),
        rd_limbs=None if s.get("rd_limbs") is None else tuple(a[idx] for a in s["rd_limbs"]),
    )
    return Batch(
        n=len(idx),
        T=T,
        B0=b.B0[idx],
        N=N,
        G=b.G[idx],
        deferral=b.deferral[idx],
        M=b.M[idx],
        method=b.method[idx],
        given=b.given[idx],
        fee=b.fee[idx],
        RN=b.RN[idx],
        RD=np.asarray(b.RD)[idx],
        PN=b.PN[idx],
        PD=np.asarray(b.PD)[idx],
        changes=b.changes[idx],
        custom=None,
        dates=None if b.dates is None else b.dates[idx, :T],
        units=b.units[idx],
        modes=b.modes,
        carry=b.carry,
        actual_basis=b.actual_basis[idx],
        dtype=b.dtype,
        absorb=take(b.absorb),
        exact64=False,
        stream=stream,
    )


def _run_numpy(b: Batch, *, keep_rows) -> Result:
    """:func:`run` with one numpy operation per step over the loans still running."""
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
    zero: np.ndarray = np.zeros(n, dtype=dt)
    bal = b.B0[order].copy()
    pay_reg: np.ndarray = np.where(given >= 0, given, 0).astype(dt)
    pay_first = pay_reg.copy()
    ep_part = zero.copy()
    first_reg = zero.copy()
    nrows = np.zeros(n, np.int64)
    tot_i, tot_p, tot_pay = zero.copy(), zero.copy(), zero.copy()
    last_pay = zero.copy()
    cerr = zero.copy()
    cerr_t = np.full(n, -1, np.int64)
    imode, pmode = b.modes["interest"], b.modes["payment"]
    # exact integer interest when the products fit int64, or when amounts are Python integers
    # anyway (object dtype: nothing can overflow); else the checked float product
    exact64 = b.exact64 or dt is object
    if dt is object and isinstance(RN, _Factored):
        RN = RN.astype(object)
    # per-loan denominators (mixed representations): sorted with the loans
    st = None if b.stream is None else _Stream(b.stream, order, np.asarray(b.RD)[order], T)
    has_equal = bool((method == _EQUAL).any())
    has_io = bool((method == _IONLY).any())
    has_custom = custom is not None
    has_grace = bool(G.any())
    has_changes = changes.shape[1] > 1 and bool(changes.any())
    computed = given < 0
    all_level = not (has_equal or has_io or has_custom)
    cols: tuple[str, ...] = (
        "opening_balance",
        "payment",
        "interest",
        "principal",
        "closing_balance",
    )
    # keep_rows: True keeps every column; a collection of names keeps only those (a batch
    # caller that needs two columns should not pay for five)
    if keep_rows and keep_rows is not True:
        cols = tuple(c for c in cols if c in set(keep_rows))
    # periods × loans: each period writes one contiguous row (a column of a loans × periods
    # array would be a strided write); transposed back at the end
    store: dict[str, np.ndarray] | None = (
        {c: np.zeros((T, n), dtype=dt) for c in cols} if keep_rows else None
    )
    view = _BatchView(b, order, RN)
    if st is not None:
        view.PN = st.pn[:, None]  # the live nominal rates, updated at each change
    for t in range(T):
        k = int(alive[t])
        if k == 0:
            break
        B = bal[:k]
        if st is not None:
            changed = st.advance(t, k)
            rn, rf = st.rates(t, k)
            if dt is object:
                interest = money.div_round(
                    B * rn.astype(object), st.rd[:k].astype(object), imode, nonneg=True
                )
            else:
                interest = st.interest(B, rn, rf, k, imode)
        else:
            changed = None
            rn = RN[:k, t] if RN.shape[1] > 1 else RN[:k, 0]
            interest = (
                money.div_round(B * rn, b.RD, imode, nonneg=True)
                if exact64
                else _interest_checked(B, rn, int(b.RD), imode)
            )
        # the regular payment: at the end of grace, and again at each rate change
        recompute = G[:k] == t
        if has_changes:
            recompute = recompute | ((G[:k] < t) & changes[:k, t])
        if changed is not None:
            recompute[changed] |= G[changed] < t
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
            if custom is not None:  # has_custom
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
        if store is not None:  # keep_rows
            for name, values in (
                ("opening_balance", B),
                ("payment", payment),
                ("interest", interest),
                ("principal", principal),
                ("closing_balance", new_bal),
            ):
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
    if custom is not None:  # has_custom
        # a vector that repaid the loan early must not go on asking for money
        rest = np.where(np.arange(T)[None, :] >= nrows[:, None], custom, 0).sum(axis=1)
        extra = (method == _CUSTOM) & (rest > 0) & (cerr_t < 0)
        cerr[extra] = -rest[extra]
        cerr_t[extra] = nrows[extra] - 1
    regular = np.where(method == _LEVEL, pay_first, first_reg)
    inv = np.empty(n, np.int64)
    inv[order] = np.arange(n)
    return Result(
        rows=T,
        payment=regular[inv],
        nrows=nrows[inv],
        tot_interest=tot_i[inv],
        tot_principal=tot_p[inv],
        tot_payment=tot_pay[inv],
        tot_fee=(fee * nrows)[inv],
        last_payment=last_pay[inv],
        custom_error=cerr[inv],
        custom_error_period=cerr_t[inv],
        table=None if store is None else _Unsorted(store, inv),
        store=store,
        inv=inv,
    )


class _Stream:
    """The rates of a per-loan batch (:func:`_per_loan_batch`), period by period, in the
    kernel's sorted order: rate changes applied when they fall due, and each period's day
    numerators made from that period's due dates (no (loans, periods) array)."""

    def __init__(self, s: dict, order: np.ndarray, RD: np.ndarray, T: int):
        n = len(order)
        self.base = s["base"][order].copy()  # interest numerator base (R, or PN)
        self.pn = s["pn"][order].copy()  # nominal periodic numerator, for level payments
        ev = s["events"]
        obj = np.asarray(RD).dtype == object or (ev is not None and ev[4].dtype == object)
        self.rd = np.asarray(RD).astype(object if obj else np.int64)  # copied: changes update it
        rd_f = self.rd.astype(float)
        self.rd_f = rd_f
        self.inv_rd = 1.0 / rd_f
        # int64 denominators where they fit (the exact check of a tie runs in int64 there)
        self.rd64_ok = rd_f < 2.0**62
        self.rd64 = np.where(self.rd64_ok, self.rd, 1).astype(np.int64)
        self.rfb = self.base.astype(float) * self.inv_rd
        dcode = s["dcode"][order]
        self.dc = dcode > 0 if dcode.any() else None
        self.aa = dcode == 2 if (dcode == 2).any() else None
        self.events = None
        if s["events"] is not None:
            where = np.empty(n, np.int64)
            where[order] = np.arange(n)
            loan, t0, nb, npn, nrd = s["events"]
            self.events = (where[loan], nb, npn, nrd)
            self.ptr = np.searchsorted(t0, np.arange(T + 1), side="left")
        if self.dc is not None:
            from .calendar import DueDateColumns

            starts = s["starts"][order]
            dc_start = starts[self.dc]
            # loans without a day count (and so maybe without a start) take any dated start
            starts = np.where(np.isnat(starts), dc_start.min(), starts)
            bd = s["business_day"]
            bd = "unadjusted" if bd is None else np.asarray(bd, dtype=object)[order]
            self.due = DueDateColumns(starts, T, s["freq"][order], bd, holidays=s["holidays"])
            self.prev = starts.view(np.int64).copy()
            if self.aa is not None:
                self.prev = np.where(self.aa, self.due.act_act(self.prev), self.prev)
            self.all_dc = bool(self.dc.all())

    def advance(self, t: int, k: int):
        """Apply the rate changes falling due at period ``t``; the loans changed (or None)."""
        if self.events is None or self.ptr[t] == self.ptr[t + 1]:
            return None
        sl = slice(int(self.ptr[t]), int(self.ptr[t + 1]))
        pos, nb, npn, nrd = (a[sl] for a in self.events)
        self.base[pos] = nb
        self.pn[pos] = npn
        self.rd[pos] = nrd
        f = nrd.astype(float)
        self.rd_f[pos] = f
        self.inv_rd[pos] = 1.0 / f
        self.rd64_ok[pos] = f < 2.0**62
        self.rd64[pos] = np.where(f < 2.0**62, nrd, 1).astype(np.int64)
        self.rfb[pos] = nb.astype(float) * self.inv_rd[pos]
        return pos

    def interest(self, B: np.ndarray, rn, rf: np.ndarray, k: int, mode: str) -> np.ndarray:
        """``round(B * rn / RD)`` of the first ``k`` loans: the float product ``B * rf``,
        rounded, and exact integers where it lies within its error of a rounding boundary
        (each loan's own tolerance ``1e-7 + 1e-12 |x|``, far above a double's error on a
        product of two factors).  The exact check runs in int64 where ``B * rn`` fits
        (``|x| RD < 2**61``), else in Python integers."""
        x = B.astype(float)
        x *= rf
        if mode in ("half_up", "half_even"):
            y = x + 0.5
            q = np.floor(y)
            d = y - q
        else:
            q = np.floor(x) if mode == "down" else np.ceil(x)
            d = x - np.floor(x)
        tol = x * 1e-12
        tol += 1e-7
        risky = d < tol
        risky |= d > 1 - tol
        risky |= x > 2**50
        out = q.astype(np.int64)
        js = np.flatnonzero(risky)
        if js.size:
            small = self.rd64_ok[js] & (x[js] * self.rd_f[js] < 2.0**61) & (B.dtype != object)
            for jj, exact64 in ((js[small], True), (js[~small], False)):
                if not jj.size:
                    continue
                r = rn[jj]
                if exact64:
                    if isinstance(r, _Factored):
                        num = B[jj].astype(np.int64) * r.R.astype(np.int64) * r.M
                    else:
                        num = B[jj].astype(np.int64) * r.astype(np.int64)
                    out[jj] = money.div_round(num, self.rd64[jj], mode, nonneg=True)
                else:
                    num = B[jj].astype(object) * r.astype(object)
                    den = np.asarray(self.rd)[jj].astype(object)
                    out[jj] = money.div_round(num, den, mode, nonneg=True).astype(np.int64)
        return out

    def rates(self, t: int, k: int):
        """The exact interest numerators (base × day numerator) and the float rates of the
        first ``k`` loans at period ``t``."""
        if self.dc is None:
            return self.base[:k], self.rfb[:k]
        cur = self.due.column(t, k)
        if self.aa is not None:  # the day count's serial: the day, or the ACT/ACT serial
            cur = np.where(self.aa[:k], self.due.act_act(cur), cur)
        mult = cur - self.prev[:k]
        self.prev[:k] = cur
        if self.all_dc:
            return _Factored(self.base[:k], mult), self.rfb[:k] * mult
        mult = np.where(self.dc[:k], mult, 1)
        return _Factored(self.base[:k], mult), self.rfb[:k] * mult


class _Unsorted(Mapping):
    """The kept columns as ``(loan, period)`` arrays in the batch's order, made on first use.

    The kernel stores rows periods × loans in its own (sorted) order; a caller that reads
    one column pays for that column only, and a long-form gather (``Result.gather``) reads
    the stored arrays directly, without this copy.
    """

    def __init__(self, store: dict, inv: np.ndarray):
        self._store, self._inv = store, inv
        self._done: dict = {}

    def __getitem__(self, name):
        if name not in self._done:
            self._done[name] = self._store[name][:, self._inv].T
        return self._done[name]

    def __iter__(self):
        return iter(self._store)

    def __len__(self):
        return len(self._store)


def _interest_checked(B: np.ndarray, rn: np.ndarray, RD: int, mode: str) -> np.ndarray:
    """``round(B * rn / RD)`` where the product may not fit int64 (float-noise rates, huge RD).

    The product is taken in floating point (relative error below 1e-15) and rounded; where
    the result lies within a hair of a rounding boundary, or is too large for a double to
    settle the last minor unit, it is recomputed exactly in Python integers.
    """
    x = B.astype(float)
    x *= rn.astype(float) / float(RD)
    tol = 1e-7 + float(x.max(initial=0.0)) * 1e-12  # well above the product's rounding error
    if mode in ("half_up", "half_even"):
        y = x + 0.5
        q = np.floor(y)
        d = y - q  # distance above the tie below
        risky = (d < tol) | (d > 1 - tol)
    else:
        q = np.floor(x) if mode == "down" else np.ceil(x)
        d = x - np.floor(x)
        risky = (d < tol) | (d > 1 - tol)
    if x.size and x.max() > 2**50:
        risky |= x > 2**50
    out = q.astype(B.dtype if B.dtype != object else np.int64)
    js = np.flatnonzero(risky)
    if js.size:
        # exact ties are common (whole-yuan balances at rates of few decimals): decide them in
        # Python integers, as one object-array operation
        num = B[js].astype(object) * (
            rn[js].astype(object) if not isinstance(rn, _Factored) else rn[js].astype(object)
        )
        out[js] = money.div_round(num, int(RD), mode, nonneg=True).astype(out.dtype)
    return out


@dataclass
class _BatchView:
    """The rate arrays of a batch in the kernel's (sorted) order."""

    b: Batch
    order: np.ndarray
    # the sorted interest numerators, when already made; None only until __post_init__
    RN: np.ndarray = None  # type: ignore[assignment]  # the default None is replaced in __post_init__

    def __post_init__(self):
        if self.RN is None:
            self.RN = self.b.RN[self.order]
        self.PN = self.RN if self.b.PN is self.b.RN else self.b.PN[self.order]
        self.RD, self.PD = self.b.RD, self.b.PD
        if np.ndim(self.RD) > 0:  # per-loan denominators, in the kernel's order
            self.RD = np.asarray(self.RD)[self.order]
        if np.ndim(self.PD) > 0:
            self.PD = np.asarray(self.PD)[self.order]

    def rd(self, i):
        """The interest denominator of sorted loan(s) ``i`` (float-ready array or int)."""
        return self.RD if np.ndim(self.RD) == 0 else np.asarray(self.RD)[i]

    def pd(self, i):
        """The nominal periodic rate denominator of sorted loan(s) ``i``."""
        return self.PD if np.ndim(self.PD) == 0 else np.asarray(self.PD)[i]


def _level_payment(
    v: _BatchView,
    idx: np.ndarray,
    B: np.ndarray,
    t: int,
    m: np.ndarray,
    mode: str,
    actual: np.ndarray,
):
    """Level payment for the loans ``idx`` (balance ``B``) over ``m`` periods from ``t``.

    Computed in binary floating point and checked: where the result lies within a
    hair of a rounding boundary (or the amount is too large for a double to settle
    the last minor unit) it is recomputed in exact rational arithmetic.
    """
    PN, RN = v.PN, v.RN
    pn = PN[idx, t] if PN.shape[1] > 1 else PN[idx, 0]
    out = np.empty(B.shape, dtype=object)
    Bf = B.astype(float)
    rho = pn.astype(float) / np.asarray(v.pd(idx)).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(rho == 0, Bf / m, Bf * rho / -np.expm1(-m * np.log1p(rho)))
    for j in np.flatnonzero(actual):
        # solve P so that sum_k P * prod_{j<=k} (1+rho_j)^-1 = B over the actual periodic rates
        cols = _actual_cols(v, int(idx[j]), t, int(m[j]))
        r = RN[idx[j], cols].astype(float) / float(v.rd(idx[j]))
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
        out[exact_zero] = money.div_round(
            B[exact_zero].astype(object), m[exact_zero].astype(object), mode
        )
    safe = ~exact_zero & ~risky
    if safe.any():
        xs = x[safe]
        q = np.floor(xs) if mode == "down" else np.ceil(xs) if mode == "up" else np.floor(xs + 0.5)
        out[safe] = q.astype(np.int64)  # half-even equals half-up away from an exact tie
    for j in np.flatnonzero(risky):
        out[j] = _level_payment_decimal(
            v, int(idx[j]), int(B[j]), t, int(m[j]), mode, bool(actual[j])
        )
    return out.astype(v.b.dtype)


def scalar_ok(spec: LoanSpec) -> bool:
    """Whether :func:`run_one` takes this loan (else it goes through a :class:`Batch`).

    The scalar path covers the rounded-row schedules with the nominal periodic rate: every
    method name, grace of both kinds, a given payment, a balloon, rate changes, fees and
    due dates.  Payment vectors, compounding, actual-day counts, carried precision and a
    level payment solved on the actual rate path (``payment_basis="actual"``) go through the
    batch.

    >>> from repayplan.schedule import AMORTIZE_DEFAULTS
    >>> scalar_ok(LoanSpec.from_terms(**dict(AMORTIZE_DEFAULTS, principal=1, annual_rate=0, periods=1)))
    True
    """
    return (
        spec.custom is None
        and spec.payment_basis == "nominal"  # "actual" solves on the rate path: the batch's
        and not spec.carry_precision
        and spec.accrual == PERIODIC_RATE
        and (spec.compounding is None or spec.compounding == spec.frequency)
    )


def run_one(spec: LoanSpec, *, dates: bool = True) -> Result:
    """One loan in pure Python integers: what :func:`run` gives for a batch of one.

    A single schedule is sequential arithmetic on a handful of integers; a Python loop does
    it without the per-period cost of numpy calls on arrays of length one.  The arithmetic
    is the batch's, term for term: interest ``round(B ρ)`` exactly on the rational ``ρ``,
    the level payment in floating point checked near every rounding boundary and then
    exact, the last payment clearing the balance.  The level loop of half-up interest, the
    usual schedule, computes only the balances (one multiply-add and one floor division a
    period, in a comprehension) and the rows follow from them with numpy.  Tests run both
    paths on the same loans (``tests/test_kernel.py``, ``tests/test_scalar_path.py``).

    >>> from repayplan.schedule import AMORTIZE_DEFAULTS
    >>> res = run_one(LoanSpec.from_terms(**dict(AMORTIZE_DEFAULTS, principal=1_000,
    ...                                          annual_rate=0.12, periods=2)))
    >>> int(res.payment[0]), res.table["interest"].tolist()
    (50751, [[1000, 502]])
    """
    import math

    f = spec.frequency
    N = spec.periods if spec.periods is not None else MAX_PERIODS
    G = spec.grace
    M = spec.amortization_periods or N
    method = METHOD_CODE[spec.method]
    deferral = spec.grace_kind == "deferral"
    imode, pmode = spec.modes["interest"], spec.modes["payment"]
    given = spec.payment_minor
    # the rate of each period as an exact ratio num / den, piecewise constant between changes
    rates = {1: _decimal_parts(spec.rate)}
    for k, r in spec.rate_changes.items():
        rates[k] = _decimal_parts(r)
    starts = sorted(rates)  # 1-based first periods of each rate
    div_round = money.div_round
    B0 = B = spec.principal_minor
    pay_reg = pay_first = given if given is not None else 0
    ep_part = 0
    ints: list[int] = []
    prins: list[int] = []
    # (interest, principal, their sums or None) runs: lists, and arrays of the hot loop
    parts: list[tuple] = []
    last = N - 1
    for s_idx, k0 in enumerate(starts):
        t0 = k0 - 1
        t1 = starts[s_idx + 1] - 1 if s_idx + 1 < len(starts) else N
        num, dec = rates[k0]
        den = 10**dec * f
        n2, d2 = 2 * num, 2 * den
        exact_half_up = imode == "half_up"
        t = t0
        while t < t1 and B > 0:
            if t < G:  # grace: interest only, or capitalised
                i = (B * n2 + den) // d2 if exact_half_up else div_round(B * num, den, imode)
                p = -i if deferral else 0
                if t == last:
                    p = B
                ints.append(i)
                prins.append(p)
                B -= p
                t += 1
                continue
            if t == G or t == t0:  # the payment, at the end of grace and at a change
                if method == _LEVEL and given is None:
                    pay_reg = _level_one(B, num, den, M - t, pmode, math)
                if t == G:
                    pay_first = pay_reg
                    if method == _EQUAL:
                        ep_part = div_round(B, M - t, pmode)
            P = pay_reg if method == _LEVEL else ep_part if method == _EQUAL else 0
            level = method == _LEVEL
            ia, pa = ints.append, prins.append
            stop = min(t1, last)
            if level and exact_half_up and t < stop:
                # the hot loop: the balances alone, one multiplication, one addition and one
                # floor division a period.  With rho = num/den and half-up interest
                # floor((2 B num + den) / (2 den)), B_k = B_{k-1} - P + that is, the integer
                # B - P moved inside the floor, floor((B (2 num + 2 den) + den - 2 P den) / 2 den).
                # A period whose payment would clear the balance (B_k <= 0) is not applied, as
                # in the loop below.
                b_in = B
                c1, c0 = n2 + d2, den - P * d2
                seg = [B := (B * c1 + c0) // d2 for _ in range(stop - t)]
                j = len(seg)
                # constant payment and rate: the balance is monotone (B_k - B_{k-1} = I_k - P,
                # and I_k grows with B_{k-1}), so it stays above 0 when its last value does
                if B <= 0:
                    j = next(x for x, v in enumerate(seg) if v <= 0)
                    del seg[j:]
                if j:
                    B = seg[-1]
                    wide = max(b_in, B) >= 2**52  # the extremes of a monotone run: its ends
                    bal = np.array(seg, dtype=object if wide else np.int64)
                    prin_seg = np.empty(j, dtype=bal.dtype)
                    prin_seg[0] = b_in - seg[0]
                    np.subtract(bal[:-1], bal[1:], out=prin_seg[1:])
                    parts.append((ints, prins, None))
                    # the run's totals in closed form: principal b_in - B, interest j P less it
                    parts.append((P - prin_seg, prin_seg, (j * P - (b_in - B), b_in - B)))
                    ints, prins = [], []
                    ia, pa = ints.append, prins.append
                else:
                    B = b_in
                t += j
            else:
                while t < stop:
                    i = (B * n2 + den) // d2 if exact_half_up else div_round(B * num, den, imode)
                    p = P - i if level else P
                    if p >= B:
                        break
                    ia(i)
                    pa(p)
                    B -= p
                    t += 1
            if t < t1:
                # the last period (or one whose payment would overpay) clears the balance
                ia((B * n2 + den) // d2 if exact_half_up else div_round(B * num, den, imode))
                pa(B)
                B = 0
                t += 1
        if B <= 0:
            break
    parts.append((ints, prins, None))
    tot_i = tot_p = k = 0
    for a, b_, sums in parts:
        k += len(a)
        if sums is None:
            tot_i += sum(a)
            tot_p += sum(b_)
        else:
            tot_i += sums[0]
            tot_p += sums[1]
    tot_pay = tot_i + tot_p
    big = max(abs(tot_pay) + abs(tot_i), B0) * 4 >= _INT64_SAFE or (
        deferral and G and B0 * 4 >= _INT64_SAFE
    )
    dt = object if big else np.int64
    intr = np.empty(k, dtype=dt)
    prin = np.empty(k, dtype=dt)
    at = 0
    for a, b_, _ in parts:
        if len(a):
            intr[at : at + len(a)] = a
            prin[at : at + len(a)] = b_
            at += len(a)
    closing = np.cumsum(prin)
    np.subtract(B0, closing, out=closing)
    opening = np.empty_like(closing)
    opening[0] = B0
    opening[1:] = closing[:-1]
    payment = intr + prin
    first_reg = int(payment[G]) if G < k else 0
    regular = pay_first if method == _LEVEL else first_reg
    arr = lambda v: np.array([v], dtype=dt)  # noqa: E731
    table = {
        "opening_balance": opening[None, :],
        "payment": payment[None, :],
        "interest": intr[None, :],
        "principal": prin[None, :],
        "closing_balance": closing[None, :],
    }
    due = None
    if dates and spec.start is not None:
        from .calendar import payment_dates_many

        due = payment_dates_many(
            np.array([spec.start], dtype="datetime64[D]"),
            N,
            f,
            convention=spec.business_day,
            holidays=spec.holidays,
        )[0]
    return Result(
        rows=N,
        payment=arr(regular),
        nrows=np.array([k]),
        tot_interest=arr(tot_i),
        tot_principal=arr(tot_p),
        tot_payment=arr(tot_pay),
        tot_fee=arr(spec.fee_minor * k),
        last_payment=arr(int(payment[-1])),
        custom_error=arr(0),
        custom_error_period=np.array([-1]),
        table=table,
        dates=due,
    )


def _level_one(B: int, num: int, den: int, m: int, mode: str, math) -> int:
    """The level payment of one loan, as :func:`_level_payment` computes it for a batch."""
    if num == 0:
        return money.div_round(B, m, mode)
    rho = num / den
    x = B * rho / -math.expm1(-m * math.log1p(rho))
    frac = x - math.floor(x)
    tol = 1e-7 + abs(x) * 1e-11
    risky = (
        abs(frac - 0.5) < tol
        if mode in ("half_up", "half_even")
        else (frac < tol or frac > 1 - tol)
    )
    if not risky and abs(x) <= 2**50:
        return int(
            math.floor(x)
            if mode == "down"
            else math.ceil(x)
            if mode == "up"
            else math.floor(x + 0.5)
        )
    r = Fraction(num, den)
    growth = (1 + r) ** m
    e = B * r * growth / (growth - 1)
    return int(money.div_round(e.numerator, e.denominator, mode))


def _actual_cols(v: _BatchView, i: int, t: int, m: int) -> np.ndarray:
    """The rate columns of periods ``t .. t+m-1`` of sorted loan ``i`` for a payment solved
    on actual rates: each period's own column while the loan has one (within its term and
    the batch's grid), then the last scheduled period's rate (a balloon's amortization
    periods beyond the term, a rate row of one column)."""
    last = min(int(v.b.N[v.order[i]]), v.RN.shape[1]) - 1
    return np.minimum(np.arange(t, t + m), max(last, 0))


def _level_payment_decimal(
    v: _BatchView, i: int, B: int, t: int, m: int, mode: str, actual: bool
) -> int:
    """The level payment in exact rational arithmetic, for the rare cases near a rounding tie.

    With :math:`\\rho = PN/PD` rational, :math:`P = B\\rho(1+\\rho)^m / ((1+\\rho)^m - 1)` is a
    ratio of integers, so an exact tie (``1000 * (1 + 0.0105/12) = 1000.875``) is seen as one.
    """
    if actual:
        total, disc = Fraction(0), Fraction(1)
        for col in _actual_cols(v, i, t, m).tolist():
            disc = disc / (1 + Fraction(int(v.RN[i, col]), int(v.rd(i))))
            total += disc
        x = B / total
    else:
        pn = v.PN[i, t] if v.PN.shape[1] > 1 else v.PN[i, 0]
        rho = Fraction(int(pn), int(v.pd(i)))
        growth = (1 + rho) ** m
        x = B * rho * growth / (growth - 1)
    return int(money.div_round(x.numerator, x.denominator, mode))


def _run_carry(b: Batch, *, keep_rows: bool) -> Result:
    """Textbook convention: the balance is carried unrounded; only shown amounts are rounded."""
    n, T = b.n, b.T
    bal = np.array([float(x) for x in b.B0])
    dt = object if b.dtype is object else np.int64
    tot = {k: np.zeros(n, dtype=dt) for k in ("i", "p", "pay")}
    nrows = np.zeros(n, np.int64)
    pay_u = np.array([float(x) if x >= 0 else 0.0 for x in b.given])
    ep_u = np.zeros(n)
    store = (
        {
            k: np.zeros((n, T), dtype=dt)
            for k in ("opening_balance", "payment", "interest", "principal", "closing_balance")
        }
        if keep_rows
        else None
    )
    first = np.zeros(n, dtype=dt)
    last_pay = np.zeros(n, dtype=dt)
    imode, pmode = b.modes["interest"], b.modes["payment"]
    done = np.zeros(n, bool)
    for t in range(T):
        active = ~done & (t < b.N)
        if not active.any():
            break
        rho = _col(b.RN, t).astype(float) / np.asarray(b.RD).astype(float)
        rho_nom = _col(b.PN, t).astype(float) / np.asarray(b.PD).astype(float)
        recompute = active & (
            (t == b.G) | (_col(b.changes, t) if b.changes.shape[1] > 1 else False)
        )
        recompute &= b.given < 0
        if recompute.any():
            m = (b.M - t)[recompute]
            r = rho_nom[recompute]
            with np.errstate(divide="ignore", invalid="ignore"):
                pay_u[recompute] = np.where(
                    r == 0, bal[recompute] / m, bal[recompute] * r / -np.expm1(-m * np.log1p(r))
                )
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
        if b.carry == "reconciled":
            # the principal shown is the payment shown less the interest shown, so every row
            # reads payment = interest + principal (FHLBB 1935, textbook tables)
            shown_p = shown_pay - shown_i
        else:
            shown_p = _round_float(p_u, "half_up")
        shown_open = _round_float(bal, "half_up")
        shown_close = _round_float(np.where(last, 0.0, new_bal), "half_up")
        for arr in (shown_i, shown_pay, shown_p, shown_open, shown_close):
            arr[~active] = 0
        if store is not None:  # keep_rows
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
    return Result(
        rows=T,
        payment=first,
        nrows=nrows,
        tot_interest=tot["i"],
        tot_principal=tot["p"],
        tot_payment=tot["pay"],
        tot_fee=b.fee * nrows,
        last_payment=last_pay,
        custom_error=zero,
        custom_error_period=np.full(n, -1),
        table=store,
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


def check_payment_vectors(res: Result, b: Batch, prefix: str):
    """Raise the error of the first payment vector (``method=[...]``) that does not repay.

    A vector that leaves money outstanding, or asks for more than is owed, is named with
    ``prefix`` (``"loans"`` gives ``loans.method[i]``).

    >>> from repayplan.schedule import AMORTIZE_DEFAULTS
    >>> spec = LoanSpec.from_terms(**dict(AMORTIZE_DEFAULTS, principal=100, annual_rate=0,
    ...                                   periods=None, method=[50, 40]))
    >>> b = Batch.from_specs([spec])
    >>> check_payment_vectors(run(b, keep_rows=False), b, prefix="")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: method == 'payment vector ending 40.00 at period 2', must be a vector that repays the loan: it leaves 10.00 outstanding (the last payment would need to be 50.00)
    """
    bad = np.flatnonzero(res.custom_error_period >= 0)
    if not bad.size:
        return
    custom = b.custom
    assert custom is not None, "only a payment vector (b.custom) has a custom error"
    i = int(bad[0])
    t = int(res.custom_error_period[i])
    u = int(b.units[i])
    resid = int(res.custom_error[i])
    where = f"{prefix}.method[{i}]" if prefix else "method"
    given = money.from_minor(custom[i, t], u)
    needed = money.from_minor(int(custom[i, t]) + resid, u)
    if resid > 0:
        raise InputError(
            where,
            f"payment vector ending {given} at period {t + 1}",
            f"a vector that repays the loan: it leaves {money.from_minor(resid, u)} outstanding "
            f"(the last payment would need to be {needed})",
        )
    raise InputError(
        where,
        f"payment {given} at period {t + 1}",
        f"no more than what is owed then ({needed}); the vector overpays by {money.from_minor(-resid, u)}",
    )
