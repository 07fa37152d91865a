"""The amortization engine: cent-exact schedules, one loan or many at once.

:func:`amortize` builds the schedule of one loan; :func:`amortize_many` runs a
DataFrame of loans through the same kernel, vectorised across loans (the only Python
loop is over periods, where the arithmetic is sequential).  Both describe their loans to
:mod:`repayplan.kernel`, the engine's one internal interface (``plan_batch`` and the
portfolio call it too).  One plain loan runs in pure Python integers
(:func:`repayplan.kernel.run_one`, the batch's arithmetic term for term, tested equal to
it); everything else as a batch.  A :class:`Schedule` builds its DataFrames on first use.
The long form of :func:`amortize_many` (``rows=True``) holds int64 minor units unless a
caller asks for ``Decimal`` objects or Arrow decimals (``amounts=``).
The defaults of :func:`amortize` are listed once, in its signature
(:data:`AMORTIZE_DEFAULTS`).

Conventions (see ``docs/concepts/rounding.md``)
------------------------------------------------
* Amounts are integer minor units inside; rates are read exactly as decimals
  (``0.0435`` is 435/10000, not its binary expansion).
* Interest of period *k* is ``balance * annual_rate / frequency`` (``day_count="30/360"``:
  the nominal periodic rate, :data:`repayplan.kernel.PERIODIC_RATE`, not the 30/360 Bond
  Basis day count of :mod:`repayplan.calendar`), or
  ``balance * annual_rate * days / 360`` (ACT/360), ``/ 365`` (ACT/365F), split by
  year (ACT/ACT ISDA), computed exactly and rounded to minor units.
* The regular payment is rounded to minor units; the last payment absorbs the
  residual, so the closing balance is exactly zero.  Every row satisfies
  ``opening_balance - principal == closing_balance`` and
  ``payment == interest + principal``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import kernel, money
from ._validate import check_bool, check_choice
from .errors import InputError
from .kernel import (
    MAX_PERIODS,
    Batch,
    LoanSpec,
    Result,
    check_payment_vectors,
    run,
    run_one,
    scalar_ok,
)

__all__ = [
    "Schedule",
    "amortize",
    "amortize_many",
    "AMORTIZE_DEFAULTS",
    "METHODS",
    "GRACE_KINDS",
    "FREQUENCIES",
]

#: The repayment structures of :func:`amortize`: ``"level"`` (annuity, 等额本息: one payment
#: ``P = B ρ / (1 − (1 + ρ)^−n)`` every period), ``"equal_principal"`` (等额本金: ``B / n`` of
#: principal a period plus interest on the falling balance) and ``"interest_only"`` (interest
#: every period, the principal with the last one).
METHODS = kernel.METHODS
#: What the ``grace`` periods at the start of a schedule pay: ``"interest_only"`` (the interest
#: of the period, the balance stays) or ``"deferral"`` (nothing; the interest is capitalised,
#: shown as negative principal).
GRACE_KINDS = kernel.GRACE_KINDS
#: Payments per year :func:`amortize` accepts: annual, semi-annual, quarterly, monthly,
#: fortnightly and weekly (as :data:`repayplan.calendar.FREQUENCIES`); the periodic rate of
#: a 30/360 schedule is ``annual_rate / frequency``.
FREQUENCIES = kernel.FREQUENCIES
TABLE_COLUMNS = kernel.TABLE_COLUMNS
_AMOUNT_COLUMNS = ("opening_balance", "payment", "interest", "principal", "closing_balance", "fee")
_MINOR_COLUMNS = pd.Index(["period", *_AMOUNT_COLUMNS])


def _decimals(minor: np.ndarray, units: int) -> np.ndarray:
    """Minor units as an object array of exact Decimals, one Decimal per distinct amount.

    A schedule repeats amounts (the level payment, the fee, zeros, each closing balance as
    the next opening one), and a ``Decimal`` is immutable, so cells holding the same amount
    can share one object: ``np.unique`` finds the distinct amounts, each becomes
    ``Decimal(minor) * 10**-units`` (exact: an int64 has at most 19 digits, the context 40),
    and the inverse index spreads them back.  Python integers (amounts beyond int64) go
    through :func:`repayplan.money.decimals_array`.
    """
    if minor.dtype == object:
        return money.decimals_array(minor, units)
    uniq, inv = np.unique(minor, return_inverse=True)
    step = Decimal(1).scaleb(-units)
    out = np.empty(len(uniq), dtype=object)
    with localcontext(_EXACT):
        out[:] = [Decimal(x) * step for x in uniq.tolist()]
    return out[inv]


_EXACT = Context(prec=40)


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False, init=False)
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

    payment: Decimal
    total_interest: Decimal
    total_principal: Decimal
    total_fees: Decimal
    total_paid: Decimal
    principal: Decimal
    currency: str = "CNY"
    minor_units: int = 2
    terms: dict = field(default_factory=dict)
    # the rows: DataFrames given, or int64 minor-unit columns (and dates) from which the
    # DataFrames are built on first use, so a schedule whose table nobody reads costs nothing
    _table: pd.DataFrame | None = None
    _minor: pd.DataFrame | None = None
    _rows: dict | None = None
    _dates: np.ndarray | None = None

    def __init__(
        self,
        table=None,
        payment=None,
        total_interest=None,
        total_principal=None,
        total_fees=None,
        total_paid=None,
        principal=None,
        currency="CNY",
        minor_units=2,
        terms=None,
        minor=None,
        *,
        rows=None,
        dates=None,
    ):
        s = object.__setattr__
        for name, value in (
            ("payment", payment),
            ("total_interest", total_interest),
            ("total_principal", total_principal),
            ("total_fees", total_fees),
            ("total_paid", total_paid),
            ("principal", principal),
            ("currency", currency),
            ("minor_units", minor_units),
            ("terms", {} if terms is None else terms),
            ("_table", table),
            ("_minor", minor),
            ("_rows", rows),
            ("_dates", dates),
        ):
            s(self, name, value)

    @property
    def minor(self) -> pd.DataFrame:
        """The rows in int64 minor units (fen, cents): the same columns as :attr:`table`
        without ``date``.

        >>> from repayplan.schedule import amortize
        >>> amortize(1_000, 0.12, 2).minor[["payment", "interest"]].to_numpy().tolist()
        [[50751, 1000], [50751, 502]]
        """
        minor = self._minor
        if minor is None:
            r = self._rows
            assert r is not None  # a schedule holds its rows until the frame is made
            k = len(r["payment"])
            if all(r[c].dtype == np.int64 for c in _AMOUNT_COLUMNS):
                # one int64 block filled column by column: a seventh of the time of a frame
                # made from a dict of columns
                block = np.empty((k, 1 + len(_AMOUNT_COLUMNS)), dtype=np.int64)
                block[:, 0] = np.arange(1, k + 1)
                for j, c in enumerate(_AMOUNT_COLUMNS, 1):
                    block[:, j] = r[c]
                minor = pd.DataFrame(block, columns=_MINOR_COLUMNS, copy=False)
            else:  # Python integers beyond int64: object columns
                minor = pd.DataFrame({"period": np.arange(1, k + 1, dtype=np.int64), **r})
            object.__setattr__(self, "_minor", minor)
        return minor

    @property
    def table(self) -> pd.DataFrame:
        """One row per period, amounts as ``Decimal`` in currency units (see the class notes).

        >>> from repayplan.schedule import amortize
        >>> amortize(1_000, 0.12, 2).table[["period", "payment", "closing_balance"]]
           period payment closing_balance
        0       1  507.51          502.49
        1       2  507.51            0.00
        """
        table = self._table
        if table is None:
            r = self._rows if self._rows is not None else self.minor
            k = len(r["payment"])
            data = {"period": np.arange(1, k + 1, dtype=np.int64)}
            data["date"] = (
                self._dates
                if self._dates is not None
                else np.full(k, np.datetime64("NaT"), dtype="datetime64[ns]")
            )
            # the six amount columns in one conversion (a Decimal per distinct amount, shared
            # by the cells that hold it), then one DataFrame: no column-by-column insertion
            flat = np.concatenate([np.asarray(r[c]) for c in _AMOUNT_COLUMNS])
            dec = _decimals(flat, self.minor_units).reshape(len(_AMOUNT_COLUMNS), k)
            for j, c in enumerate(_AMOUNT_COLUMNS):
                data[c] = dec[j]
            table = pd.DataFrame(data)
            object.__setattr__(self, "_table", table)
        return table

    @property
    def periods(self) -> int:
        """Number of rows (instalments) actually scheduled.

        A given payment that repays the loan early ends the schedule early: 10,000 at 6 %
        (0.5 % a month) with 4,000 a month is repaid in three instalments.

        >>> from repayplan.schedule import amortize
        >>> amortize(10_000, 0.06, None, payment=4_000).periods
        3
        """
        if self._rows is not None:
            return len(self._rows["payment"])
        return len(self._table) if self._table is not None else len(self.minor)

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
        if self._rows is not None:
            return money.from_minor(int(self._rows["payment"][-1]), self.minor_units)
        return self.table["payment"].iloc[-1]

    @property
    def payments(self) -> np.ndarray:
        """Payments plus fees per period, as float currency units (for analytics, not money).

        >>> from repayplan.schedule import amortize
        >>> amortize(12_000, 0.12, 3, method="equal_principal", fee=5).payments
        array([4125., 4085., 4045.])
        """
        m = self._rows if self._rows is not None else self.minor
        return (np.asarray(m["payment"]) + np.asarray(m["fee"])) / 10**self.minor_units

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
        rows = (
            self.table
            if len(self.table) <= 24
            else pd.concat([self.table.head(12), self.table.tail(12)])
        )
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
    carry_precision : {False, True, "reconciled"}
        Carry the balance unrounded (reduced by the unrounded payment less the unrounded
        interest); only the amounts shown are rounded.  ``True``: each amount shown is
        rounded on its own (spreadsheets' PPMT/IPMT, numpy-financial), so a row need not
        read ``payment = interest + principal``.  ``"reconciled"``: the principal shown is
        the payment shown less the interest shown, as printed textbook tables do (the
        FHLBB 1935 Direct-Reduction schedule); the balance shown is still the carried one
        rounded.
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
    spec = LoanSpec.from_terms(
        principal=principal,
        annual_rate=annual_rate,
        periods=periods,
        frequency=frequency,
        method=method,
        compounding=compounding,
        start=start,
        day_count=day_count,
        rounding=rounding,
        payment=payment,
        fee=fee,
        grace=grace,
        grace_kind=grace_kind,
        amortization_periods=amortization_periods,
        rate_changes=rate_changes,
        carry_precision=carry_precision,
        currency=currency,
        minor_units=minor_units,
        business_day=business_day,
        holidays=holidays,
        payment_basis=payment_basis,
    )
    if scalar_ok(spec):
        batch, res = None, run_one(spec)  # one loan: pure Python integers, same arithmetic
    else:
        batch = Batch.from_specs([spec])
        res = run(batch, keep_rows=True)
        check_payment_vectors(res, batch, prefix="")
    if spec.periods is None and res.last_payment[0] > spec.payment_minor:
        u = spec.units
        assert res.table is not None  # run with its rows
        first_interest = money.from_minor(res.table["interest"][0, spec.grace], u)
        raise InputError(
            "payment",
            payment,
            f"an amount that repays the loan within {MAX_PERIODS} periods (the first period's "
            f"interest alone is {first_interest})",
        )
    return _schedule_from_result(res, batch, 0, spec)


#: The keyword defaults of :func:`amortize`, read from its signature: the one place they are
#: listed.  :func:`amortize_many` fills a frame's missing columns and cells from them, and
#: :func:`repayplan.plans.plan_batch` describes its plans with them.
AMORTIZE_DEFAULTS = MappingProxyType(
    {
        name: p.default
        for name, p in inspect.signature(amortize).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
)


def amortize_many(
    loans: pd.DataFrame, *, rows: bool = False, rounding="half_up", amounts: str | None = None
) -> pd.DataFrame:
    """Amortize many loans at once, vectorised across loans.

    Parameters
    ----------
    loans : pandas.DataFrame
        One row per loan with columns ``principal``, ``annual_rate``, ``periods`` and
        optionally any other keyword of :func:`amortize` (``rounding`` excepted):
        ``method``, ``frequency``, ``compounding``, ``start``, ``day_count``,
        ``business_day``, ``payment``, ``fee``, ``grace``, ``grace_kind``,
        ``amortization_periods``, ``rate_changes`` (a mapping per loan), ``currency``,
        ``minor_units``, ``payment_basis``, ``holidays`` and ``carry_precision`` (one value
        each per frame).  A missing cell takes the default of :func:`amortize`.  Every column
        mix is validated and run vectorised across loans, with the errors :func:`amortize`
        raises (named ``loans.<field>[<position>]``); payment vectors in ``method`` are
        validated loan by loan.
    rows : bool
        ``False``: one row per loan (``payment``, ``periods``, ``total_interest``,
        ``total_fees``, ``total_paid``, ``last_payment``).  ``True``: every schedule row
        in long form, with a ``loan`` column holding the index label of ``loans``.
    rounding : str or mapping
        As in :func:`amortize`, for the whole batch.
    amounts : {None, "minor", "decimal", "arrow"}
        How amounts are held.  ``None`` (the default): ``"minor"`` with ``rows=True`` and
        ``"decimal"`` without, so a long form of millions of rows builds no Python object
        per amount, and the one row per loan reads as exact decimals.

        * ``"minor"``: int64 minor units (fen, cents: 599.55 yuan is ``59955``); exact, 8 bytes
          an amount.  Divide by ``10 ** minor_units`` of the loan's currency for currency
          units (the currency's decimals, 0 for JPY, 2 for CNY).
        * ``"decimal"``: ``Decimal`` in currency units, one Python object per amount (about
          16 GB for the 18.6 million rows of 100,000 loans).
        * ``"arrow"``: exact decimals in currency units as
          ``pd.ArrowDtype(pa.decimal128(38, units))`` columns, made from the int64 minor
          units without a Python object per amount; an element read back is a ``Decimal``
          (mixed currencies share the largest number of decimals).  16 bytes an amount;
          needs pyarrow (``pip install 'repayplan[arrow]'``).

    Returns
    -------
    pandas.DataFrame
        Identical, loan by loan, to :func:`amortize`.  ``frame.attrs["amounts"]`` says which
        of the three the amount columns hold (``"minor"``, ``"decimal"`` or ``"arrow"``), so
        code can check before it adds minor units to currency units.

    Examples
    --------
    >>> import pandas as pd, repayplan as rp
    >>> loans = pd.DataFrame({"principal": [100_000, 200_000], "annual_rate": [0.06, 0.075],
    ...                       "periods": [360, 180]})
    >>> rp.amortize_many(loans)[["payment", "total_interest"]]
       payment total_interest
    0   599.55      115838.45
    1  1854.02      133725.08

    The long form holds int64 minor units unless asked for decimals.  The last payment of
    the first loan absorbs the rounding: ``100,000 + 115,838.45 − 359 × 599.55 = 600.00``.

    >>> long = rp.amortize_many(loans, rows=True)
    >>> long.loc[[0, 359, 360], ["loan", "period", "payment", "interest", "closing_balance"]]
         loan  period  payment  interest  closing_balance
    0       0       1    59955     50000          9990045
    359     0     360    60000       299                0
    360     1       1   185402    125000         19939598
    >>> rp.amortize_many(loans, rows=True, amounts="decimal")["payment"].iloc[359]
    Decimal('600.00')
    """
    if not isinstance(loans, pd.DataFrame):
        raise InputError("loans", type(loans).__name__, "a pandas DataFrame with one row per loan")
    check_bool("rows", rows)
    missing = [c for c in ("principal", "annual_rate", "periods") if c not in loans.columns]
    if missing:
        raise InputError("loans.columns", list(loans.columns), f"columns including {missing}")
    if amounts is not None:
        check_choice("amounts", amounts, ("decimal", "minor", "arrow"))
    if amounts == "arrow":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError(
                "amounts",
                amounts,
                "'decimal' or 'minor' ('arrow' needs pyarrow: pip install 'repayplan[arrow]')",
            ) from None
    if len(loans) == 0:
        # the same columns (and dtypes) as a frame of loans, with no rows
        one = pd.DataFrame({"principal": [1], "annual_rate": [0], "periods": [1]})
        out = amortize_many(one, rows=rows, rounding=rounding, amounts=amounts).iloc[:0]
        return out.set_axis(loans.index[:0]) if not rows else out.reset_index(drop=True)
    kind = ("minor" if rows else "decimal") if amounts is None else amounts
    parts = Batch.parts_from_frame(
        loans, rounding=rounding, defaults=AMORTIZE_DEFAULTS, dates=bool(rows)
    )
    # Arrow decimals: one scale for the frame (the most decimals any currency in it has)
    scale = max(int(b.units.max()) for _, b in parts) if kind == "arrow" else 0
    keep = (True if parts[0][1].carry else ("interest", "principal")) if rows else False
    if not rows:
        frames, order = [], []
        for pos, batch in parts:
            res = run(batch, keep_rows=False)
            check_payment_vectors(res, batch, prefix="loans")
            index = loans.index if len(parts) == 1 else loans.index[pos]
            frames.append(_frame_from_result(res, batch, index, kind=kind, scale=scale))
            order.append(pos)
        if len(frames) == 1:
            return _mark(frames[0], kind)
        # a few representation groups (see Batch.parts_from_frame): back in the frame's order
        return _mark(pd.concat(frames).iloc[np.argsort(np.concatenate(order), kind="stable")], kind)
    # the long form: each batch's rows gathered compactly as soon as it has run (its arrays
    # and the kernel's periods x loans store freed), then written once into the frame's order
    gathered = []
    while parts:
        pos, batch = parts.pop(0)
        res = run(batch, keep_rows=keep)
        check_payment_vectors(res, batch, prefix="loans")
        gathered.append((pos, _gather_rows(res, batch)))
        del res, batch
    if len(gathered) == 1:
        return _mark(_long_frame(gathered.pop()[1], loans.index, kind=kind, scale=scale), kind)
    _release_freed_memory()
    return _mark(_long_frame_of_parts(gathered, loans.index, kind=kind, scale=scale), kind)


def _mark(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Say on the frame what its amount columns hold: ``frame.attrs["amounts"]`` is
    ``"minor"`` (int64 minor units: fen, cents), ``"decimal"`` (``Decimal`` in currency units)
    or ``"arrow"`` (Arrow ``decimal128`` in currency units)."""
    frame.attrs["amounts"] = kind
    return frame


def _release_freed_memory() -> None:
    """Give the memory freed by the batches back to the operating system (glibc only).

    The batches' arrays of a few megabytes come from the C heap, and freed heap pages stay
    with the process, so the frame's columns would be allocated on top of them; glibc's
    ``malloc_trim(0)`` returns the free pages (measured on the 100,000-loan every-column
    book: 0.36 GB).  Elsewhere (macOS, Windows, musl) it does nothing.
    """
    if not _TRIM:
        import ctypes

        try:
            trim = ctypes.CDLL(None).malloc_trim
            trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError, TypeError):  # not glibc
            trim = None
        _TRIM.append(trim)
    if _TRIM[0] is not None:
        _TRIM[0](0)


_TRIM: list = []  # glibc's malloc_trim once looked up (None where there is none)


# --------------------------------------------------------------------------------------
def _schedule_from_result(res: Result, b: Batch | None, i: int, spec: LoanSpec) -> Schedule:
    u = spec.units
    k = int(res.nrows[i])
    assert res.table is not None  # run with its rows
    rows = {}
    for c in ("opening_balance", "payment", "interest", "principal", "closing_balance"):
        a = res.table[c][i, :k]
        rows[c] = a if a.dtype == np.int64 or a.dtype == object else a.astype(np.int64)
    rows["fee"] = np.full(k, spec.fee_minor, dtype=np.int64)
    dates = None
    if spec.start is not None:
        dates = b.dates[i, :k] if b is not None else res.dates[:k]  # type: ignore[index]  # dated: both set
    # the totals are Python or numpy integers the engine made: Decimal(int).scaleb(-units) is
    # money.from_minor without its argument checks
    e = -u
    return Schedule(
        payment=Decimal(int(res.payment[i])).scaleb(e),
        total_interest=Decimal(int(res.tot_interest[i])).scaleb(e),
        total_principal=Decimal(int(res.tot_principal[i])).scaleb(e),
        total_fees=Decimal(int(res.tot_fee[i])).scaleb(e),
        total_paid=Decimal(int(res.tot_payment[i]) + int(res.tot_fee[i])).scaleb(e),
        principal=Decimal(spec.principal_minor).scaleb(e),
        currency=spec.currency,
        minor_units=u,
        terms=spec.terms,
        rows=rows,
        dates=dates,
    )


def _convert(a: np.ndarray, units, kind: str, scale: int):
    """Minor units ``a`` as the amounts of ``kind``; ``units`` is one int or one per element."""
    if kind == "minor":
        return np.asarray(a).astype(np.int64, copy=False)
    if kind == "arrow":
        return _arrow_decimals(a, units, scale)
    a = np.asarray(a)
    if np.ndim(units) == 0:
        return _decimals(a, int(units))
    out = np.empty(len(a), dtype=object)  # mixed currencies: one conversion per number of decimals
    for u in np.unique(units):
        at = units == u
        out[at] = _decimals(a[at], int(u))
    return out


def _frame_from_result(
    res: Result, b: Batch, index, *, kind: str = "decimal", scale: int = 0
) -> pd.DataFrame:
    """One row per loan of a batch's result: ``kind`` is ``amortize_many``'s ``amounts``,
    ``scale`` the Arrow decimals' scale.  (The long form: :func:`_gather_rows`.)"""
    units = b.units
    uu = int(units[0]) if bool((units == units[0]).all()) else units
    out = pd.DataFrame(index=index)
    out["payment"] = _convert(res.payment, uu, kind, scale)
    out["periods"] = res.nrows
    out["total_interest"] = _convert(res.tot_interest, uu, kind, scale)
    out["total_fees"] = _convert(res.tot_fee, uu, kind, scale)
    out["total_paid"] = _convert(res.tot_payment + res.tot_fee, uu, kind, scale)
    out["last_payment"] = _convert(res.last_payment, uu, kind, scale)
    return out


def _row_layout(k: np.ndarray):
    """For loans of ``k`` rows each: the loan and the 0-based period of every row, and the
    first row of every loan."""
    offsets = np.cumsum(k) - k
    loan_pos = np.repeat(np.arange(len(k)), k)
    # 0, 1, ..., k_i - 1 for each loan, by one cumulative sum in place (no rows-long temporary):
    # ones, and at each loan's first row the step that brings the count back to 0
    t_idx = np.ones(len(loan_pos), dtype=np.int64)
    some = k > 0
    first, kk = offsets[some], k[some]
    if len(first):
        t_idx[first[1:]] = 1 - kk[:-1]
        t_idx[0] = 0
    np.cumsum(t_idx, out=t_idx)
    return loan_pos, t_idx, offsets


def _labels(index, loan_pos: np.ndarray):
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return loan_pos  # the labels are the positions: no copy
    return np.asarray(index)[loan_pos]


def _gather_rows(res: Result, b: Batch) -> dict:
    """A batch's rows in minor units, compact (``rows`` long, loan by loan, period by period).

    Each stored column is gathered once from the kernel's periods x loans arrays, which are
    then freed.  Without carried precision the kernel stores the interest and the principal
    only: the balances and the payment follow from them exactly (:func:`_rows_of`).
    """
    k = res.nrows.astype(np.int64)
    loan_pos, t_idx, _ = _row_layout(k)
    g: dict = {"k": k, "B0": b.B0, "fee": b.fee, "units": b.units}
    if b.carry:
        # carried precision: every shown column is its own rounding, gathered as stored
        assert res.table is not None  # run with its rows
        flat = loan_pos * res.table["payment"].shape[1] + t_idx
        for c in ("opening_balance", "payment", "interest", "principal", "closing_balance"):
            g[c] = res.table[c].ravel()[flat]
    else:
        assert res.inv is not None and res.store is not None  # run with its rows, sorted
        flat = t_idx * b.n
        flat += res.inv[loan_pos]
        g["interest"] = res.gather("interest", flat)
        res.store.pop("interest")  # each periods x loans array freed once gathered
        g["principal"] = res.gather("principal", flat)
        res.store.clear()
    del flat
    g["date"] = None
    if b.dates is not None:
        at = loan_pos * b.dates.shape[1]  # one rows-long index, made in place
        at += t_idx
        g["date"] = b.dates.ravel()[at]
        del at
    return g


def _rows_of(g: dict, loan_pos: np.ndarray, offsets: np.ndarray):
    """The ``date`` and the six amount columns of gathered rows, one at a time (the gathered
    arrays are released as they are used)."""
    date = g.pop("date")
    yield (
        "date",
        (
            date
            if date is not None
            else np.full(len(loan_pos), np.datetime64("NaT"), dtype="datetime64[ns]")
        ),
    )
    del date
    if "payment" in g:  # carried precision: as stored
        for c in ("opening_balance", "payment", "interest", "principal", "closing_balance"):
            yield c, g.pop(c)
    else:
        interest, principal = g.pop("interest"), g.pop("principal")
        cs = np.cumsum(principal)
        before = np.where(offsets > 0, cs[np.maximum(offsets - 1, 0)], 0)
        closing = g["B0"][loan_pos]
        closing -= cs
        del cs
        closing += before[loan_pos]
        yield "opening_balance", closing + principal
        yield "payment", interest + principal
        yield "interest", interest
        del interest
        yield "principal", principal
        del principal
        yield "closing_balance", closing
        del closing
    yield "fee", g["fee"][loan_pos]


def _long_frame(g: dict, index, *, kind: str, scale: int) -> pd.DataFrame:
    """The long form of one batch's gathered rows."""
    units = g["units"]
    same = bool((units == units[0]).all())
    loan_pos, t_idx, offsets = _row_layout(g["k"])
    u_rows = int(units[0]) if same or kind == "minor" else units[loan_pos]
    data = {"loan": _labels(index, loan_pos), "period": t_idx}
    for name, col in _rows_of(g, loan_pos, offsets):
        data[name] = col if name == "date" else _convert(col, u_rows, kind, scale)
        del col
    t_idx += 1  # the period, 1-based (in place: the frame's column)
    return pd.DataFrame(data, copy=False)


def _part_column(g: dict, name: str, loan_pos: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Column ``name`` of one batch's gathered rows (see :func:`_rows_of`)."""
    if name == "date":
        d = g["date"]
        return (
            d if d is not None else np.full(len(loan_pos), np.datetime64("NaT"), "datetime64[ns]")
        )
    if name == "fee":
        return g["fee"][loan_pos]
    if name in g:  # stored: the interest and the principal, or every column carried
        return g[name]
    if name == "payment":
        return g["interest"] + g["principal"]
    cs = np.cumsum(g["principal"])
    before = np.where(offsets > 0, cs[np.maximum(offsets - 1, 0)], 0)
    closing = g["B0"][loan_pos]
    closing -= cs
    del cs
    closing += before[loan_pos]
    if name == "opening_balance":
        closing += g["principal"]
    return closing


def _long_frame_of_parts(gathered: list, index, *, kind: str, scale: int) -> pd.DataFrame:
    """The long form of several batches, written straight into the frame's row order.

    Each batch's rows land at their final positions (loan by loan in the frame's order,
    period by period) in columns allocated once: no concatenation and no un-sorting copy.
    The columns are written one at a time, and each batch's gathered arrays are released as
    soon as the last column that needs them is written (the balances and the payment before
    the interest and the principal they are made of).  ``gathered`` holds
    ``(positions, rows)`` pairs.
    """
    n = len(index)
    k = np.zeros(n, dtype=np.int64)
    units = np.zeros(n, dtype=np.int64)
    for pos, g in gathered:
        k[pos] = g["k"]
        units[pos] = g["units"]
    loan_pos, t_idx, offsets = _row_layout(k)
    total = len(t_idx)
    dated = any(g["date"] is not None for _, g in gathered)
    same = bool((units == units[0]).all())
    data: dict = {"loan": _labels(index, loan_pos), "period": t_idx}
    for c in TABLE_COLUMNS[1:]:
        data[c] = None  # the frame's column order; filled below in the order of need
    for name in (
        "date",
        "opening_balance",
        "payment",
        "closing_balance",
        "interest",
        "principal",
        "fee",
    ):
        out = None
        for pos, g in gathered:
            lp, tp, offp = _row_layout(g["k"])
            dest = np.repeat(offsets[pos], g["k"])
            dest += tp
            del tp
            col = _part_column(g, name, lp, offp)
            if out is None or (col.dtype == object and out.dtype != object):
                # Due dates are days; pandas holds them in seconds, so they are written as
                # seconds (no copy when the frame is made).  Python integers (beyond int64)
                # widen the column.
                dt = ("datetime64[s]" if dated else "datetime64[ns]") if name == "date" else None
                out = np.empty(total, dtype=dt or col.dtype) if out is None else out.astype(object)
            out[dest] = col
            del col, dest, lp, offp
        for _, g in gathered:
            g.pop(name, None)
        _release_freed_memory()  # the gathered arrays no column needs any more
        assert out is not None  # every batch has rows
        if name != "date":
            u_rows = int(units[0]) if same or kind == "minor" else units[loan_pos]
            out = _convert(out, u_rows, kind, scale)
        data[name] = out
        del out
    gathered.clear()
    t_idx += 1
    return pd.DataFrame(data, copy=False)


def _arrow_decimals(minor, units, scale: int):
    """Minor units as an exact Arrow ``decimal128(38, scale)`` column, without Python objects.

    A decimal128 is a 128-bit two's-complement integer of units ``10**-scale``: the int64
    amount (scaled up to ``scale`` decimals) is its low word and its sign the high word.
    Amounts held as Python integers (a batch beyond int64) go through ``Decimal``.
    """
    import pyarrow as pa

    dtype = pd.ArrowDtype(pa.decimal128(38, scale))
    a = np.asarray(minor)
    up = scale - np.asarray(units, dtype=np.int64)
    if a.dtype == object or (
        np.any(up) and np.abs(a).max(initial=0) >= 2**62 // 10 ** int(np.max(up))
    ):
        dec = [
            money.from_minor(int(x), scale) for x in (a.astype(object) * 10 ** up.astype(object))
        ]
        return pd.array(dec, dtype=dtype)  # type: ignore[call-overload]  # pandas-stubs: no ArrowDtype overload
    # the 16-byte words are written in place: the low word the (scaled) amount, the high its sign
    words = np.empty((a.size, 2), dtype=np.int64)
    low = words[:, 0]
    low[:] = a
    if np.any(up):
        low *= 10**up
    np.right_shift(low, 63, out=words[:, 1])
    arr = pa.Array.from_buffers(pa.decimal128(38, scale), a.size, [None, pa.py_buffer(words)])
    return pd.array(arr, dtype=dtype)
