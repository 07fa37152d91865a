"""Portfolio scale: a standard offer menu measured for every account of a delinquent book.

A workout team faces thousands of overdue accounts at once.  :func:`evaluate` measures a few
offer templates (:class:`~repayplan.plans.Plan`) on every account of a book with the model and
metrics of :func:`repayplan.evaluate` (see :mod:`repayplan.evaluate`), vectorised across
accounts × offers × scenarios; :func:`suggest` picks each account's best offer.  Both take a
pandas DataFrame, or a ``dask.dataframe.DataFrame`` that is processed partition by partition
(on a laptop's cores or on a Dask cluster) with identical results.

The book
--------
One row per account; the columns of :data:`ACCOUNT_COLUMNS` (more are allowed and ignored):
the claim as of ``as_of`` (``principal``, ``interest``, ``penalty``, ``fees`` in currency
units, ``annual_rate`` the contract rate as a fraction), the borrower's cash available for debt
service (``cash_mean`` in the first month after ``as_of``, ``cash_trend`` a year,
``cash_volatility``) and the creditor's alternative (``recovery_rate``, ``enforcement_costs``,
``enforcement_delay_months``).  ``cash_buffer`` and ``minimum_cash`` are optional (default 0).
So is each account's security, one collateral item and one guarantee (:data:`SECURITY_COLUMNS`):
an account with an appraisal or a guarantee is enforced along the path of
:meth:`repayplan.Enforcement.from_security` (:func:`repayplan.security.values_many`, exact on
the claim; a default part-way on :data:`SECURED_GRID` owed amounts, interpolated), with its
``recovery_rate`` as the share of the debtor's other assets; the others keep the quick form.

Bad rows (a negative balance, a missing rate, a down payment larger than what an account owes)
do not stop the run: each is reported once in the ``errors`` table with its ``account_id``, its
index label and the reason, and every other account is processed.  Nothing is dropped
silently: ``len(accounts) == accounts in results + len(errors)``.

Cash scenarios
--------------
Account *a*'s cash in month *k* = 1..H after its claim date, scenario *s*, is the projection of
:meth:`repayplan.CashFlow.project` (no seasonality, no shocks)

.. math::

    \\text{cf}_{a,s,k} = m_a (1 + g_a)^{(k-1)/12}\\,
        \\exp(\\sigma_a Z_{j(a,s),k} - \\sigma_a^2 / 2),
    \\qquad \\sigma_a^2 = \\ln(1 + \\text{vol}_a^2),

with :math:`m_a` = ``cash_mean``, :math:`g_a` = ``cash_trend`` and ``vol`` = ``cash_volatility``
(so each month's cash has mean :math:`m_a (1+g_a)^{(k-1)/12}` and coefficient of variation
``vol``).  :math:`Z` is a pool of :data:`POOL_PATHS` independent standard-normal paths drawn
once from ``seed`` (month by month, so a longer horizon extends the paths without changing
them); account *a* uses the ``scenarios`` distinct paths
:math:`j(a,s) = (o_a + s\\,t_a) \\bmod` :data:`POOL_PATHS`, where the offset :math:`o_a` and the
odd stride :math:`t_a` are a hash of ``(seed, account_id)``.  An account's scenarios therefore
depend only on ``seed`` and its own id, never on the other rows or on how the book is
partitioned, which is what makes the Dask results identical to the pandas ones.  Two accounts
share on average ``scenarios**2 / POOL_PATHS`` paths (0.25 at the default 64), so the
Monte-Carlo errors of different accounts are nearly independent.

Use :func:`scenario_cash` to see the paths of some accounts, and
``rp.evaluate(offers, claim, rp.CashFlow(paths[a], start=DEFAULT_PROJECTION_START), creditor)``
(:data:`repayplan.cashflow.DEFAULT_PROJECTION_START`: an undated projection) to look at one
account in full: the figures are the same.

How the work is done
--------------------
The engine schedules every offer for up to 16,384 accounts in one batch per offer; the
scenarios then run in blocks of a few thousand accounts, month by month, so that one month of
a block (scenarios × accounts) stays in the CPU cache; the arithmetic is that of
:mod:`repayplan.evaluate` (its :func:`~repayplan.evaluate.plan_values`,
:func:`~repayplan.evaluate.scenario_outcomes`, :func:`~repayplan.evaluate.coverage`), with the
accounts as the last, innermost axis.  Python loops run over offers, blocks and months only.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import threading
import warnings
import weakref
from dataclasses import dataclass
from fractions import Fraction
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from . import money
from . import security as _security
from ._validate import as_decimal, check_choice, check_fraction, check_int, check_rate
from .errors import InputError
from .evaluate import (
    METRICS,
    Borrower,
    coverage,
    irr_of_payments,
    plan_names,
    plan_values,
    scenario_outcomes,
)
from .plans import Plan

__all__ = [
    "ACCOUNT_COLUMNS",
    "SECURITY_COLUMNS",
    "POOL_PATHS",
    "RESULT_COLUMNS",
    "MONEY_COLUMNS",
    "SUGGEST_COLUMNS",
    "ERROR_COLUMNS",
    "PortfolioResult",
    "evaluate",
    "suggest",
    "scenario_cash",
    "standard_offers",
    "synthetic_book",
    "worker_config",
    "local_cluster",
    "WORKER_MALLOC",
    "WORKER_PRELOAD",
]

#: The columns of a book: name -> (meaning, what is allowed).  ``cash_buffer`` and
#: ``minimum_cash`` may be left out (0).
ACCOUNT_COLUMNS = {
    "account_id": ("the account's identifier (seeds its cash scenarios)", "present (not missing)"),
    "principal": ("unpaid principal, overdue or not", "an amount > 0"),
    "interest": ("unpaid contract interest", "an amount >= 0"),
    "penalty": ("penalty interest, compound interest included", "an amount >= 0"),
    "fees": ("fees and costs already charged", "an amount >= 0"),
    "annual_rate": (
        "contract rate, a fraction (0.0435)",
        "a rate >= 0 and <= 1 a year, as a fraction",
    ),
    "as_of": ("the claim date", "a date"),
    "cash_mean": (
        "expected cash for debt service in the first month after as_of",
        "an amount >= 0",
    ),
    "cash_trend": (
        "annual growth of that cash (-0.1: 10% less a year)",
        "a fraction > -1 and <= 10",
    ),
    "cash_volatility": (
        "coefficient of variation of monthly cash (0.25)",
        "a fraction from 0 to 5",
    ),
    "recovery_rate": ("share of the claim that enforcement recovers", "a fraction from 0 to 1"),
    "enforcement_costs": ("costs of enforcement, paid out of the recovery", "an amount >= 0"),
    "enforcement_delay_months": ("months until enforcement pays", "a whole number from 0 to 600"),
    "cash_buffer": ("opening cash before the first month (optional, 0)", "an amount >= 0"),
    "minimum_cash": ("operating cash the borrower must keep (optional, 0)", "an amount >= 0"),
}
_REQUIRED = tuple(k for k in ACCOUNT_COLUMNS if k not in ("cash_buffer", "minimum_cash"))
#: Optional columns of a book: one collateral item and one guarantee per account, name ->
#: (meaning, what is allowed) (:data:`repayplan.security.SECURITY_COLUMNS`).  An account with
#: an appraisal or a guarantee is enforced along the path of
#: :func:`repayplan.security.values_many` instead of the quick form; empty cells mean none.
SECURITY_COLUMNS = _security.SECURITY_COLUMNS

#: Standard-normal paths in the seeded pool that accounts draw their scenarios from.
POOL_PATHS = 1 << 14

_METRIC_COLUMNS = [m for m in METRICS if m != "rule_findings"]
#: Columns of :func:`evaluate`'s results: one row per account × offer.
RESULT_COLUMNS = ["account_id", "offer", "claim_total", *_METRIC_COLUMNS]
#: The result columns that are amounts owed or paid: exact, ``Decimal`` elements of an
#: Arrow ``decimal128`` column made from the minor units (see ``docs/concepts/money.md``);
#: present values and expectations stay floats.
MONEY_COLUMNS = ("claim_total", "peak_payment", "total_paid", "total_waived")
#: Columns of :func:`suggest`'s results: one row per account.
SUGGEST_COLUMNS = [
    "account_id",
    "action",
    "offer",
    "objective",
    "binding",
    "claim_total",
    *_METRIC_COLUMNS,
]
#: Columns of the ``errors`` table: one row per account that could not be processed.
ERROR_COLUMNS = ["account_id", "index", "field", "value", "reason"]

_AMOUNT_LIMIT = 10**13  # currency units; keeps every amount exact in a float and in int64 fen
_UNSUPPORTED = ("balloon", "step_up", "seasonal")
_CELLS = 200_000  # accounts × scenarios in one block of work (a month of it stays in cache)
_ENGINE_BATCH = 16_384  # accounts per engine batch (its per-period loop costs per call)


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PortfolioResult:
    """What :func:`evaluate` and :func:`suggest` return: ``results`` and ``errors``.

    Attributes
    ----------
    results : pandas.DataFrame or dask.dataframe.DataFrame
        The metrics (columns :data:`RESULT_COLUMNS` or :data:`SUGGEST_COLUMNS`).
    errors : pandas.DataFrame or dask.dataframe.DataFrame
        One row per account that could not be processed (columns :data:`ERROR_COLUMNS`).

    Unpacks as a pair: ``results, errors = rp.portfolio.evaluate(book, offers)``.  For a Dask
    book both are lazy; :meth:`compute` computes them together (with a progress bar) and
    returns a result of pandas frames.

    Examples
    --------
    >>> book = synthetic_book(3, seed=1)
    >>> results, errors = evaluate(book, standard_offers()[:1], scenarios=4, progress=False)
    >>> len(results), len(errors)          # 3 accounts x 1 offer, no bad row
    (3, 0)
    """

    results: pd.DataFrame | Any  # Any: a dask DataFrame while lazy
    errors: pd.DataFrame | Any
    progress: bool = dataclasses.field(default=True, repr=False)

    def __iter__(self):
        return iter((self.results, self.errors))

    @property
    def is_lazy(self) -> bool:
        return _is_dask(self.results)

    def compute(self, progress: bool | None = None) -> PortfolioResult:
        """Both tables as pandas frames (computed in one pass for a Dask book)."""
        if progress is not None and not isinstance(progress, (bool, np.bool_)):
            raise InputError("progress", progress, "None, True or False")
        if not self.is_lazy:
            return self
        show = self.progress if progress is None else progress
        results, errors = _dask_compute([self.results, self.errors], show)
        return PortfolioResult(results, errors, progress=show)

    def __repr__(self) -> str:
        if self.is_lazy:
            return (
                f"PortfolioResult(lazy, {self.results.npartitions} partitions; "
                f"call .compute() for the tables)"
            )
        n_acc = self.results["account_id"].nunique() if len(self.results) else 0
        return f"PortfolioResult({len(self.results):,} rows for {n_acc:,} accounts, {len(self.errors):,} errors)"

    def _repr_html_(self) -> str:
        if self.is_lazy:
            return f"<div>{escape(repr(self))}</div>"
        head = self.results.head(10).to_html(index=False, float_format=money.format_number)
        errs = self.errors.head(10).to_html(index=False) if len(self.errors) else "<p>no errors</p>"
        return f"<div><b>{escape(repr(self))}</b>{head}<b>errors</b>{errs}</div>"


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------
def standard_offers() -> list[Plan]:
    """A standard menu of three offers for an overdue commercial loan.

    A short plan that waives half the penalty interest, a three-year plan, and a five-year
    plan with six months of interest-only grace; all at the contract rate, waivers
    conditional on performance.

    Examples
    --------
    >>> [p.name for p in standard_offers()]
    ['24m, half penalty waived', '36m level', '60m, 6m grace']
    """
    return [
        Plan(term=24, penalty_waiver=0.5, kind="restructuring", name="24m, half penalty waived"),
        Plan(term=36, kind="restructuring", name="36m level"),
        Plan(term=60, grace=6, kind="restructuring", name="60m, 6m grace"),
    ]


def synthetic_book(
    n: int, seed: int = 0, *, as_of=_dt.date(2026, 12, 1), bad_rows: int = 0
) -> pd.DataFrame:
    """A seeded synthetic book of overdue loans to mid-sized manufacturers (CNY).

    Parameters
    ----------
    n : int
        Number of accounts, at most 10,000,000.
    seed : int
        The same seed gives the same book.
    as_of : date
        The latest claim date; accounts' claim dates fall in the 180 days before it.
    bad_rows : int
        How many rows to spoil (every other one a negative principal, the rest a missing
        rate), spread through the book, for trying out the ``errors`` table.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ACCOUNT_COLUMNS`, ids ``"A0000000"``, ``"A0000001"`` …

    Notes
    -----
    Principal is lognormal around 1.2M CNY; contract rates 3.45%–7.5%; 1 to 12 months
    overdue, interest accrued at the contract rate and penalty interest at +50% on it;
    monthly cash for debt service 2%–10% of principal with trends around -5% a year and
    volatility 5%–30%, and up to two months of it in hand; enforcement recovers 30%–70% after 12–30 months at a cost of 2%–8%
    of principal.  Amounts are whole fen.

    Examples
    --------
    >>> book = synthetic_book(1_000, seed=1)
    >>> book.shape, book["account_id"].iloc[0]
    ((1000, 15), 'A0000000')
    >>> bool((book["principal"] > 0).all()), bool(synthetic_book(1_000, seed=1).equals(book))
    (True, True)
    """
    n = check_int("n", n, low=0, high=10_000_000)  # some 2 GB of columns: a typo beyond, not a book
    bad_rows = check_int("bad_rows", bad_rows, low=0, high=n)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    as_of = np.datetime64(_as_date("as_of", as_of), "D")
    fen = lambda x: np.rint(x * 100.0) / 100.0  # noqa: E731  whole fen, built exactly
    principal = fen(np.exp(rng.normal(np.log(1_200_000), 0.6, n)).clip(50_000, 50_000_000))
    rate = rng.integers(345, 751, n) / 10_000
    overdue = rng.integers(1, 13, n)
    interest = fen(principal * rate / 12 * overdue)
    penalty = fen(interest * 0.5 * (overdue + 1) / 2)
    fees = fen(rng.integers(0, 20_000, n) * 1.0)
    cash_mean = fen(principal * rng.uniform(0.02, 0.10, n))
    book = pd.DataFrame(
        {
            "account_id": "A" + pd.Series(np.arange(n)).astype(str).str.zfill(7),
            "principal": principal,
            "interest": interest,
            "penalty": penalty,
            "fees": fees,
            "annual_rate": rate,
            "as_of": pd.to_datetime(as_of - rng.integers(0, 181, n).astype("timedelta64[D]")),
            "cash_mean": cash_mean,
            "cash_trend": np.round(rng.normal(-0.05, 0.1, n).clip(-0.5, 0.3), 4),
            "cash_volatility": np.round(rng.uniform(0.05, 0.30, n), 4),
            "recovery_rate": np.round(rng.uniform(0.3, 0.7, n), 3),
            "enforcement_costs": fen(principal * rng.uniform(0.02, 0.08, n)),
            "enforcement_delay_months": rng.integers(12, 31, n),
            "cash_buffer": fen(cash_mean * rng.uniform(0, 2, n)),
            "minimum_cash": np.zeros(n),
        }
    )
    if bad_rows:
        where = np.linspace(0, n - 1, bad_rows).round().astype(int)
        book.loc[where[::2], "principal"] = -book.loc[where[::2], "principal"]
        book.loc[where[1::2], "annual_rate"] = np.nan
    return book


def evaluate(
    accounts,
    offers,
    *,
    discount_rate: float = 0.06,
    borrower: Borrower | None = None,
    scenarios: int = 64,
    seed: int = 0,
    currency: str = "CNY",
    chunk: int | None = None,
    progress: bool = True,
) -> PortfolioResult:
    """Measure every offer on every account, vectorised across accounts × offers × scenarios.

    Parameters
    ----------
    accounts : pandas.DataFrame or dask.dataframe.DataFrame
        The book: one row per account with the columns of :data:`ACCOUNT_COLUMNS`.
    offers : sequence of Plan
        The offer templates.  ``annual_rate=None`` keeps each account's contract rate.
        Balloon, step-up and seasonal shaping are not supported here (use
        :func:`repayplan.evaluate` per account for those).
    discount_rate : float
        The creditor's annual discount rate (monthly at ``discount_rate / 12``).
    borrower : Borrower, optional
        The borrower's discount rate and going-concern loss (``None`` there: 20% of each
        account's claim); default ``Borrower()``.
    scenarios : int
        Cash-flow scenarios per account (1 to 4096; see the module docstring).
    seed : int
        Seeds the pool of paths; with ``account_id`` it fixes each account's scenarios.
    currency : str
        The book's currency (its minor units: CNY 2, JPY 0).
    chunk : int, optional
        Accounts per block of work (memory bound); results do not depend on it.
    progress : bool
        Show a progress bar (tqdm) over the accounts; for a Dask book, while computing.

    Returns
    -------
    PortfolioResult
        ``results``: one row per account × offer (accounts in book order, offers in the given
        order) with ``account_id``, ``offer`` (the plan's name or ``plan 1``…), ``claim_total``
        and the metrics of :func:`repayplan.evaluate` with the same names and meanings
        (``rule_findings`` aside: rule sets are checked per claim, not here).  ``errors``: one
        row per account that could not be processed.

    Notes
    -----
    The model is that of :mod:`repayplan.evaluate`, per account: payments :math:`p_k` of the
    offer's cent-exact schedule (the engine runs all accounts of a block through one batch per
    offer), default at the first month with a payment due where
    :math:`\\text{buffer} + \\sum_{j \\le k} \\text{cf}_{s,j} - \\sum_{j \\le k} p_j < \\text{minimum}`,
    and ``expected_npv`` the mean over scenarios of :math:`\\sum_{j<k} p_j v^j +
    v^{\\max(k-1,0)}(R\\,o_{k-1} - C)v^D` (the contractual NPV without default).  The only
    Python loops are over offers, blocks of accounts and months.

    Examples
    --------
    A book of 200 accounts, two of them spoiled, and the standard menu: 198 × 3 rows, and
    the creditor's expected recovery from each offer across the book.

    >>> import repayplan as rp
    >>> import repayplan.portfolio
    >>> book = rp.portfolio.synthetic_book(200, seed=3, bad_rows=2)
    >>> res = rp.portfolio.evaluate(book, rp.portfolio.standard_offers(), progress=False)
    >>> res.results.shape, len(res.errors)
    ((594, 20), 2)
    >>> print(res.errors[["account_id", "field"]].to_string(index=False))
    account_id       field
      A0000000   principal
      A0000199 annual_rate
    >>> res.results.groupby("offer", sort=False)["expected_npv"].sum().round(-3)
    offer
    24m, half penalty waived    243310000.0
    36m level                   278871000.0
    60m, 6m grace               315455000.0
    Name: expected_npv, dtype: float64
    """
    params = _params(offers, discount_rate, borrower, scenarios, seed, currency, chunk)
    if _is_dask(accounts):
        _check_columns(accounts.columns)
        results = accounts.map_partitions(
            _evaluate_part, params, False, meta=_evaluate_part(accounts._meta, params, False)
        )
        errors = accounts.map_partitions(
            _errors_part, params, meta=_errors_part(accounts._meta, params)
        )
        return PortfolioResult(results, errors, progress=progress)
    frame = _as_frame(accounts)
    book = _prepare(frame, params)  # validated once, for the results and the errors
    with _bar(len(frame), progress) as bar:
        results = _evaluate_part(frame, params, bar, book)
    return PortfolioResult(results, book.errors, progress=progress)


def suggest(
    accounts,
    offers=None,
    *,
    objective: str = "creditor",
    constraints=None,
    beta: float = 0.5,
    discount_rate: float = 0.06,
    borrower: Borrower | None = None,
    scenarios: int = 64,
    seed: int = 0,
    currency: str = "CNY",
    chunk: int | None = None,
    progress: bool = True,
) -> PortfolioResult:
    """The best offer for every account, by an objective within constraints.

    Parameters
    ----------
    accounts : pandas.DataFrame or dask.dataframe.DataFrame
        As for :func:`evaluate`.
    offers : sequence of Plan, optional
        The menu; default :func:`standard_offers`.
    objective : {"creditor", "nash", "borrower"}
        As in :func:`repayplan.negotiate`: the creditor's expected NPV; the Nash product
        :math:`(C - C_0)^{\\beta}(B_0 - B)^{1-\\beta}`; or the lightest burden.
    constraints : Constraints, optional
        Default ``rp.Constraints()`` (DSCR of 1.2 on the 5th percentile of cash, expected NPV
        at least the enforcement NPV).  ``hard_rules`` is not checked per account here:
        check the offer templates against the rule set once with :func:`repayplan.rules.check`.
    beta : float
        The creditor's bargaining power for ``"nash"``.
    discount_rate, borrower, scenarios, seed, currency, chunk, progress
        As for :func:`evaluate`.

    Returns
    -------
    PortfolioResult
        ``results``: one row per account (columns :data:`SUGGEST_COLUMNS`): ``action``
        ``"offer"`` with the chosen ``offer``, its ``objective`` value and metrics, or
        ``"enforce"`` when no offer meets the constraints, with ``binding`` naming the
        constraints that no offer met (metrics of an offer are then missing).  Ties go to the
        offer listed first.  ``errors`` as for :func:`evaluate`.

    Examples
    --------
    >>> import repayplan as rp
    >>> import repayplan.portfolio
    >>> book = rp.portfolio.synthetic_book(300, seed=5)
    >>> best, errors = rp.portfolio.suggest(book, progress=False)
    >>> best["action"].value_counts().sort_index().to_dict()
    {'enforce': 112, 'offer': 188}
    >>> best.loc[best["action"] == "offer", "offer"].value_counts().to_dict()
    {'60m, 6m grace': 90, '36m level': 85, '24m, half penalty waived': 13}
    >>> best.loc[best["action"] == "enforce", "binding"].iloc[0]     # no offer is affordable enough
    'min_dscr'
    """
    from .negotiate import Constraints

    check_choice("objective", objective, ("creditor", "nash", "borrower"))
    beta = check_fraction("beta", beta)
    constraints = Constraints() if constraints is None else constraints
    if not isinstance(constraints, Constraints):
        raise InputError("constraints", constraints, "a repayplan.Constraints")
    offers = standard_offers() if offers is None else offers
    params = _params(offers, discount_rate, borrower, scenarios, seed, currency, chunk)
    choose = (objective, constraints, beta)
    if _is_dask(accounts):
        _check_columns(accounts.columns)
        results = accounts.map_partitions(
            _suggest_part,
            params,
            choose,
            False,
            meta=_suggest_part(accounts._meta, params, choose, False),
        )
        errors = accounts.map_partitions(
            _errors_part, params, meta=_errors_part(accounts._meta, params)
        )
        return PortfolioResult(results, errors, progress=progress)
    frame = _as_frame(accounts)
    book = _prepare(frame, params)
    with _bar(len(frame), progress) as bar:
        results = _suggest_part(frame, params, choose, bar, book)
    return PortfolioResult(results, book.errors, progress=progress)


def scenario_cash(accounts, months: int, *, scenarios: int = 64, seed: int = 0) -> np.ndarray:
    """The cash scenarios :func:`evaluate` uses, for the accounts of a (small) pandas book.

    Parameters
    ----------
    accounts : pandas.DataFrame
        Rows with at least ``account_id``, ``cash_mean``, ``cash_trend``, ``cash_volatility``.
    months : int
        Months 1..``months`` after each account's claim date.
    scenarios, seed : int
        As for :func:`evaluate`.

    Returns
    -------
    ndarray, shape (accounts, scenarios, months)
        Row ``a`` is ready for ``rp.CashFlow(paths[a], start=DEFAULT_PROJECTION_START)`` (an
        undated projection) and :func:`repayplan.evaluate`.

    Examples
    --------
    >>> import pandas as pd
    >>> acc = pd.DataFrame({"account_id": ["X1"], "cash_mean": [50_000.0], "cash_trend": [-0.1],
    ...                     "cash_volatility": [0.0]})
    >>> scenario_cash(acc, 13, scenarios=2)[0, :, [0, 12]].tolist()   # a year later: 10% less
    [[50000.0, 50000.0], [45000.0, 45000.0]]
    """
    if not isinstance(accounts, pd.DataFrame):
        raise InputError("accounts", type(accounts).__name__, "a pandas DataFrame")
    months = check_int("months", months, low=1, high=1200)
    scenarios = check_int("scenarios", scenarios, low=1, high=4096)
    seed = check_int("seed", seed, low=0)
    cols = ("account_id", "cash_mean", "cash_trend", "cash_volatility")
    missing = [c for c in cols if c not in accounts.columns]
    if missing:
        raise InputError("accounts.columns", list(accounts.columns), f"columns including {missing}")
    good, problems = _validate(accounts, cols)
    if len(problems):
        first = problems.iloc[0]
        label = accounts.index[int(first["pos"])]
        raise InputError(f"accounts.{first['field']}[{label!r}]", first["value"], first["allowed"])
    pool = _pool(seed, months)
    cf = _cash(good, np.arange(len(accounts)), pool, scenarios, seed)  # months × S × A
    return np.ascontiguousarray(cf.transpose(2, 1, 0))


# --------------------------------------------------------------------------------------
# Parameters and validation
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Params:
    offers: tuple
    names: tuple
    discount_rate: float
    borrower: Borrower
    scenarios: int
    seed: int
    units: int
    chunk: int | None
    horizon: int


def _params(offers, discount_rate, borrower, scenarios, seed, currency, chunk) -> _Params:
    if isinstance(offers, Plan):
        offers = [offers]
    if isinstance(offers, (str, bytes)) or not hasattr(offers, "__iter__"):
        raise InputError("offers", offers, "a list of repayplan.Plan")
    offers = list(offers)
    if not offers:
        raise InputError("offers", offers, "at least one repayplan.Plan")
    for i, p in enumerate(offers):
        if not isinstance(p, Plan):
            raise InputError(f"offers[{i}]", p, "a repayplan.Plan")
        for name in _UNSUPPORTED:
            value = getattr(p, name)
            if value is not None and value != 0:
                raise InputError(
                    f"offers[{i}].{name}",
                    value,
                    f"{'None' if name == 'seasonal' else '0'} in a portfolio offer "
                    "(evaluate shaped plans per account with repayplan.evaluate)",
                )
        if isinstance(p.settlement_by, _dt.date):
            raise InputError(
                f"offers[{i}].settlement_by",
                p.settlement_by,
                "a number of months after each account's claim date in a portfolio offer",
            )
    borrower = Borrower() if borrower is None else borrower
    if not isinstance(borrower, Borrower):
        raise InputError("borrower", type(borrower).__name__, "a repayplan.Borrower")
    horizon = max(_settlement_month(p) if p.is_settlement else p.term for p in offers)
    return _Params(
        offers=tuple(offers),
        names=tuple(plan_names(offers)),
        discount_rate=float(check_rate("discount_rate", discount_rate)),
        borrower=borrower,
        scenarios=check_int("scenarios", scenarios, low=1, high=4096),
        seed=check_int("seed", seed, low=0),
        units=money.minor_units_for(currency),
        chunk=None if chunk is None else check_int("chunk", chunk, low=1),
        horizon=max(horizon, 1),
    )


def _settlement_month(p: Plan) -> int:
    return 1 if p.settlement_by is None else int(p.settlement_by)  # type: ignore[arg-type]  # offers checked: not a date


def _is_dask(obj) -> bool:
    return type(obj).__module__.split(".")[0] == "dask" and hasattr(obj, "map_partitions")


def _as_frame(accounts) -> pd.DataFrame:
    if not isinstance(accounts, pd.DataFrame):
        raise InputError(
            "accounts", type(accounts).__name__, "a pandas or dask DataFrame, one row per account"
        )
    _check_columns(accounts.columns)
    return accounts


def _check_columns(columns):
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise InputError(
            "accounts.columns", list(columns), f"columns including {missing} (see ACCOUNT_COLUMNS)"
        )


def _as_date(field, value) -> _dt.date:
    from ._validate import check_date

    return check_date(field, value)


def _numbers(col: pd.Series) -> np.ndarray:
    """A column as float64, NaN where a value is missing or not a number (reported, not coerced)."""
    if pd.api.types.is_bool_dtype(col.dtype):
        return np.full(len(col), np.nan)
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _decimals(x: np.ndarray) -> np.ndarray:
    """Fewest decimals that give each float back (what the person typed); 99 for non-finite."""
    from .kernel import float_decimals

    out = np.full(x.shape, 99, dtype=np.int64)
    ok = np.isfinite(x) & (np.abs(x) < 1e15)
    if ok.any():
        out[ok] = float_decimals(x[ok])
    return out


def _validate(df: pd.DataFrame, columns, units: int = 2):
    """Vectorised checks of the book's columns.

    Returns the clean arrays of every row (bad rows hold harmless values) and a table of the
    problems: one row per failing (row, column), in column order.
    """
    n = len(df)
    data, problems = {}, []

    def fail(name, bad, raw, allowed=None):
        if bad.any():
            pos = np.flatnonzero(bad)
            shown = pd.Series(raw.iloc[pos].tolist(), dtype=object).map(repr)  # the bad rows only
            allowed = allowed or _allowed_text(name, units)
            problems.append(
                pd.DataFrame(
                    {
                        "pos": pos,
                        "order": list(ACCOUNT_COLUMNS).index(name),
                        "field": name,
                        "value": shown.to_numpy(dtype=object),
                        "allowed": allowed,
                    }
                )
            )

    for name in columns:
        if name not in ACCOUNT_COLUMNS:
            continue
        if name not in df.columns:  # an optional column left out
            data[name] = np.zeros(n)
            continue
        col = raw = df[name]
        if name == "account_id":
            bad = col.isna().to_numpy()
            fail(name, bad, raw)
            data[name] = col
            continue
        if name == "as_of":
            dates = pd.to_datetime(col, errors="coerce")
            bad = dates.isna().to_numpy().copy()
            # a number is not a date (pandas would read 4.35 as nanoseconds after 1970-01-01)
            if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
                bad = np.ones(n, bool)
            elif col.dtype == object:
                bad |= pd.to_numeric(col, errors="coerce").notna().to_numpy()
            fail(name, bad, raw)
            data[name] = dates
            continue
        x = _numbers(col)
        finite = np.isfinite(x)
        if name in (
            "principal",
            "interest",
            "penalty",
            "fees",
            "cash_mean",
            "enforcement_costs",
            "cash_buffer",
            "minimum_cash",
        ):
            ok = finite & ((x > 0) if name == "principal" else (x >= 0)) & (_decimals(x) <= units)
            huge = ok & (x >= _AMOUNT_LIMIT)
            fail(
                name,
                huge,
                raw,
                f"an amount below {_AMOUNT_LIMIT:,} (beyond it fen are not exact in a float)",
            )
            ok &= ~huge
        elif name == "annual_rate":
            ok = finite & (x >= 0) & (x <= 1)
        elif name == "cash_trend":
            ok = finite & (x > -1) & (x <= 10)
        elif name == "cash_volatility":
            ok = finite & (x >= 0) & (x <= 5)
        elif name == "recovery_rate":
            ok = finite & (x >= 0) & (x <= 1)
        else:  # enforcement_delay_months
            ok = finite & (x >= 0) & (x <= 600) & (x == np.floor(x))
        fail(name, ~ok, raw)
        data[name] = np.where(ok, x, 0.0)
    if columns is ACCOUNT_COLUMNS and any(
        k in df.columns for k in SECURITY_COLUMNS
    ):  # each account's security
        sec, sec_problems = _security.security_cells(df, units)
        data.update({"sec_" + k: v for k, v in sec.items()})
        if len(sec_problems):
            order = 1000 + sec_problems["field"].map(list(SECURITY_COLUMNS).index).to_numpy(
                dtype=np.int64
            )
            problems.append(sec_problems.assign(order=order))
    table = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(
            {
                "pos": np.array([], np.int64),
                "order": np.array([], np.int64),
                "field": pd.Series([], dtype=object),
                "value": pd.Series([], dtype=object),
                "allowed": pd.Series([], dtype=object),
            }
        )
    )
    return data, table


def _allowed_text(field: str, units: int) -> str:
    allowed = ACCOUNT_COLUMNS[field][1]
    if allowed.startswith("an amount"):
        allowed += f" with at most {units} decimal places"
    return allowed


# --------------------------------------------------------------------------------------
# Preparation of a partition: validation, terms of every offer for every account
# --------------------------------------------------------------------------------------
@dataclass
class _Book:
    """The valid accounts of a partition as arrays (minor units for amounts)."""

    frame: pd.DataFrame  # the valid rows
    data: dict
    cents: dict  # principal, interest, penalty, fees as int64 minor units
    terms: list  # per offer: dict of arrays over the valid rows
    errors: pd.DataFrame


def _prepare(df: pd.DataFrame, p: _Params) -> _Book:
    data, problems = _validate(df, ACCOUNT_COLUMNS, p.units)
    scale = 10**p.units
    cents = {
        k: np.rint(data[k] * scale).astype(np.int64)
        for k in ("principal", "interest", "penalty", "fees")
    }
    bad_data = np.zeros(len(df), bool)
    bad_data[problems["pos"].to_numpy()] = True
    terms, offer_problems = [], []
    for j, plan in enumerate(p.offers):
        t, bad = _offer_terms(plan, cents, p.units)
        terms.append(t)
        bad &= ~bad_data
        if bad.any():
            pos = np.flatnonzero(bad)
            owed = pd.Series(t["owed"][pos].tolist(), dtype=object).map(
                lambda m: str(money.from_minor(m, p.units))
            )
            asked = pd.Series(t["signing"][pos].tolist(), dtype=object).map(
                lambda m: str(money.from_minor(m, p.units))
            )
            offer_problems.append(
                pd.DataFrame(
                    {
                        "pos": pos,
                        "order": len(ACCOUNT_COLUMNS) + j,
                        "field": f"offers[{j}].down_payment",
                        "value": repr(plan.down_payment),
                        "reason": (
                            f"offers[{j}] ({p.names[j]}) asks "
                            + asked
                            + " at signing (down payment"
                            + ("" if plan.capitalize_arrears else " and arrears")
                            + "), must be less than what the account owes after waivers ("
                            + owed
                            + ")"
                        ).to_numpy(),
                    }
                )
            )
    table = (
        pd.concat([problems, *offer_problems], ignore_index=True) if offer_problems else problems
    )
    errors = _error_table(df, table, p.units)
    keep = np.ones(len(df), bool)
    keep[table["pos"].to_numpy(dtype=np.int64)] = False
    sel = np.flatnonzero(keep)
    data = {k: (v.iloc[sel] if isinstance(v, pd.Series) else v[sel]) for k, v in data.items()}
    cents = {k: v[sel] for k, v in cents.items()}
    terms = [{k: (v[sel] if isinstance(v, np.ndarray) else v) for k, v in t.items()} for t in terms]
    return _Book(frame=df.iloc[sel], data=data, cents=cents, terms=terms, errors=errors)


def _error_table(df: pd.DataFrame, table: pd.DataFrame, units: int) -> pd.DataFrame:
    """One row per bad account: the first problem's field and value, every reason."""
    if "reason" not in table:
        table = table.assign(
            reason=pd.Series(np.full(len(table), None, dtype=object), index=table.index)
        )
    if len(table):
        missing = table["reason"].isna()
        table.loc[missing, "reason"] = (
            table.loc[missing, "field"]
            + " == "
            + table.loc[missing, "value"]
            + ", must be "
            + table.loc[missing, "allowed"]
        )
    table = table.sort_values(["pos", "order"], kind="stable")
    grouped = table.groupby("pos", sort=True)
    first = grouped.first()
    reasons = grouped["reason"].agg("; ".join)
    pos = first.index.to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "account_id": df["account_id"].iloc[pos].reset_index(drop=True),
            "index": pd.Series(df.index[pos]),
            "field": pd.Series(first["field"].to_numpy(), dtype=str),
            "value": pd.Series(first["value"].to_numpy(), dtype=str),
            "reason": pd.Series(reasons.to_numpy(), dtype=str),
        }
    )


def _fraction(value) -> Fraction:
    return Fraction(as_decimal("fraction", value))


def _share(cents: np.ndarray, frac) -> np.ndarray:
    """round_half_up(cents × frac), exactly (as :func:`repayplan.plans.apply_terms`)."""
    f = _fraction(frac)
    if f == 0:
        return np.zeros_like(cents)
    if cents.size and int(cents.max()) * f.numerator >= 2**62:
        out = money.div_round(cents.astype(object) * f.numerator, f.denominator)
        return out.astype(np.int64)
    return money.div_round(cents * f.numerator, f.denominator, nonneg=True)


def _offer_terms(plan: Plan, c: dict, units: int):
    """:func:`repayplan.plans.apply_terms` for every account at once (minor units)."""
    w_pen = _share(c["penalty"], plan.penalty_waiver)
    w_int = _share(c["interest"], plan.interest_waiver)
    w_hair = _share(c["principal"], plan.haircut)
    owed = c["principal"] + c["interest"] + c["penalty"] + c["fees"] - w_pen - w_int - w_hair
    arrears = c["interest"] - w_int + c["penalty"] - w_pen + c["fees"]
    down = money.to_minor(as_decimal("down_payment", plan.down_payment), units)
    n = len(owed)
    if plan.is_settlement:
        disc = _share(np.maximum(owed, 0), plan.settlement_discount)
        after = owed - disc
        m = _settlement_month(plan)
        return (
            {
                "owed": after,
                "waived": w_pen + w_int + w_hair + disc,
                "signing": after if m == 0 else np.zeros(n, np.int64),
                "financed": np.zeros(n, np.int64) if m == 0 else after,
                "down": 0,
                "settlement": m,
            },
            np.zeros(n, bool),
        )
    signing = np.asarray(down + (0 if plan.capitalize_arrears else arrears), dtype=np.int64)
    signing = np.broadcast_to(signing, (n,)).copy()
    financed = owed - signing
    bad = financed <= 0
    return (
        {
            "owed": owed,
            "waived": w_pen + w_int + w_hair,
            "signing": signing,
            "financed": financed,
            "down": down,
            "settlement": None,
        },
        bad,
    )


# --------------------------------------------------------------------------------------
# Schedules: every account of a block through the engine, one batch per offer
# --------------------------------------------------------------------------------------
def _schedules(
    plan: Plan, t: dict, rate: np.ndarray, H: int, units: int, pay: np.ndarray, bal: np.ndarray
) -> np.ndarray:
    """Payments and balances (minor units, accounts × (H+1)) written into ``pay`` and ``bal``
    (no fresh arrays: a worker's heap is reused); returns the month of the last payment."""
    from .kernel import METHOD_CODE, Batch, exact_decimals, run

    n = len(t["owed"])
    pay.fill(0)
    pay[:, 0] = t["signing"]
    bal[:] = (t["owed"] - t["signing"])[:, None]
    if t["settlement"] is not None:
        m = t["settlement"]
        if m > 0:
            pay[:, m] = t["financed"]
        bal[:, m:] = 0
        return np.full(n, m, dtype=np.int64)
    if plan.annual_rate is not None:
        rate_int, rate_dec = exact_decimals(np.full(n, float(plan.annual_rate)))
    else:
        rate_int, rate_dec = exact_decimals(rate)
    T = plan.term
    batch = Batch.from_arrays(
        principal=t["financed"],
        rate_int=rate_int,
        rate_dec=rate_dec,
        periods=np.full(n, T, np.int64),
        grace=np.full(n, plan.grace, np.int64),
        deferral=np.full(n, plan.grace_kind == "deferral"),
        method=np.full(n, METHOD_CODE[plan.method], np.int64),
        units=np.full(n, units, np.int64),
    )
    res = run(batch, keep_rows=("payment", "closing_balance"))
    assert res.table is not None  # run with its rows
    pay[:, 1 : T + 1] = res.table["payment"]  # int64 already: assigned without a copy
    bal[:, 1 : T + 1] = res.table["closing_balance"]
    bal[:, T + 1 :] = 0
    return res.nrows.astype(np.int64)


# --------------------------------------------------------------------------------------
# Cash scenarios
# --------------------------------------------------------------------------------------
_POOLS: dict = {}


def _pool(seed: int, months: int) -> np.ndarray:
    """Standard normals, months × POOL_PATHS, month by month (a longer pool extends a shorter one)."""
    key = (seed, months)
    if key not in _POOLS:
        if len(_POOLS) > 8:
            _POOLS.clear()
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
        _POOLS[key] = rng.standard_normal((months, POOL_PATHS))
    return _POOLS[key]


_M1, _M2, _GOLD = (
    np.uint64(0xBF58476D1CE4E5B9),
    np.uint64(0x94D049BB133111EB),
    np.uint64(0x9E3779B97F4A7C15),
)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of each value."""
    x = x.copy()
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def _paths(account_ids: pd.Series, scenarios: int, seed: int) -> np.ndarray:
    """Pool rows of each account's scenarios: distinct, fixed by (seed, account_id)."""
    text = np.asarray(account_ids.astype(str).to_numpy(), dtype=object)
    key = pd.util.hash_array(text) if len(text) else np.array([], np.uint64)
    with np.errstate(over="ignore"):
        a = _mix(key ^ _mix(np.array([seed], np.uint64) + _GOLD))
        b = _mix(a + _GOLD)
    mask = np.uint64(POOL_PATHS - 1)
    offset = (a & mask).astype(np.int64)
    stride = ((b & mask) | np.uint64(1)).astype(np.int64)  # odd: a permutation of the pool
    return (offset[:, None] + np.arange(scenarios)[None, :] * stride[:, None]) & (POOL_PATHS - 1)


class _Projection:
    """The cash model of some accounts: which pool paths, and the factors of each month.

    Month *k*'s cash is :math:`F_{a,k} \\exp(\\sigma_a Z_{k, j(a,s)})` with
    :math:`F_{a,k} = m_a (1+g_a)^{k/12} e^{-\\sigma_a^2/2}` (*k* = 0 for the first month), laid
    out scenarios × accounts.
    """

    def __init__(self, data: dict, sel: np.ndarray, pool: np.ndarray, scenarios: int, seed: int):
        ids = data["account_id"].iloc[sel]
        self.pool = pool
        self.rows = np.ascontiguousarray(_paths(pd.Series(ids), scenarios, seed).T)  # S × A
        H, A = pool.shape[0], len(sel)
        # (1 + g_a)^(k/12), H × A, from two whole arrays: numpy's vectorised power then runs on
        # every element alike (a broadcast operand sends part of them through another loop
        # whose last bit differs, which made an account's figures depend on its block)
        growth, power = np.empty((H, A)), np.empty((H, A))
        growth[:] = (1.0 + data["cash_trend"][sel])[None, :]
        power[:] = (np.arange(H) / 12.0)[:, None]
        np.power(growth, power, out=growth)
        self.sigma = np.sqrt(np.log1p(data["cash_volatility"][sel] ** 2))
        self.factor = (
            data["cash_mean"][sel][None, :]
            * growth
            * np.exp(-0.5 * self.sigma * self.sigma)[None, :]
        )

    def month(self, k: int, out: np.ndarray) -> np.ndarray:
        """Cash of month k (0-based) into ``out``, scenarios × accounts."""
        np.take(
            self.pool[k], self.rows, out=out, mode="clip"
        )  # rows are in range; "clip" skips buffering
        out *= self.sigma
        np.exp(out, out=out)
        out *= self.factor[k]
        return out


def _cash(data: dict, sel: np.ndarray, pool: np.ndarray, scenarios: int, seed: int) -> np.ndarray:
    """Cash of accounts ``sel``, months × scenarios × accounts."""
    proj = _Projection(data, sel, pool, scenarios, seed)
    out = np.empty((pool.shape[0], scenarios, len(sel)))
    for k in range(pool.shape[0]):
        proj.month(k, out[k])
    return out


def _quantile_sorted(x: np.ndarray, q: float) -> np.ndarray:
    """The ``q`` quantile along the last axis of sorted ``x`` (numpy's default 'linear' method)."""
    n = x.shape[-1]
    pos = q * (n - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, n - 1)
    g = pos - lo
    a, b = x[..., lo], x[..., hi]
    return a + (b - a) * g if g < 0.5 else b - (b - a) * (1 - g)


# --------------------------------------------------------------------------------------
# The work on one partition
# --------------------------------------------------------------------------------------
class _ErrorsSeen:
    """What this process has just prepared of a partition, for the partition's other task.

    A Dask partition's results and its errors are two tasks on the same (immutable) frame,
    run in either order; the first validates it and leaves what the other needs here (by a
    weak reference to the frame, with its shape and the parameters), so the frame is not
    validated again: the results task leaves the errors table (small: the bad rows only), the
    errors task the prepared book (as large as the partition: a second cache of few entries,
    each taken out by the results task that uses it).  At most ``size`` entries are kept.
    """

    def __init__(self, size: int = 256):
        self.size, self.lock = size, threading.Lock()
        self.entries: dict[int, tuple] = {}  # id(frame) -> (weak reference, shape, params, errors)

    def put(self, df: pd.DataFrame, p: _Params, value) -> None:
        with self.lock:
            live = {k: e for k, e in self.entries.items() if e[0]() is not None}
            while len(live) >= self.size:
                live.pop(next(iter(live)))
            live[id(df)] = (weakref.ref(df), df.shape, p, value)
            self.entries = live

    def get(self, df: pd.DataFrame, p: _Params, *, take: bool = False):
        with self.lock:
            e = self.entries.pop(id(df), None) if take else self.entries.get(id(df))
        if e is None or e[0]() is not df or e[1] != df.shape:
            return None
        try:
            same = bool(e[2] == p)
        except (TypeError, ValueError):  # parameters that do not compare: validate again
            same = False
        return e[3] if same else None


_ERRORS_SEEN = _ErrorsSeen()
_BOOKS_SEEN = _ErrorsSeen(size=4)


def _evaluate_part(df: pd.DataFrame, p: _Params, bar, book: _Book | None = None) -> pd.DataFrame:
    if book is None:  # a Dask partition: prepared by its errors task, or here for it
        book = _BOOKS_SEEN.get(df, p, take=True)
        if book is None:
            book = _prepare(df, p)
            _ERRORS_SEEN.put(df, p, book.errors)
    blocks = _blocks(book, p, bar)
    if not blocks:
        return _empty_results(df, p.units)
    O = len(p.offers)  # noqa: E741
    out = pd.DataFrame(
        {
            "account_id": book.data["account_id"]
            .iloc[np.repeat(np.arange(len(book.frame)), O)]
            .reset_index(drop=True),
            "offer": pd.Series(
                np.tile(np.array(p.names, dtype=object), len(book.frame)), dtype=str
            ),
        }
    )
    for col in RESULT_COLUMNS[2:]:
        values = np.concatenate([blk[col] for blk in blocks])
        out[col] = money.decimal_column(values, p.units) if col in MONEY_COLUMNS else values
    return out


def _errors_part(df: pd.DataFrame, p: _Params) -> pd.DataFrame:
    seen = _ERRORS_SEEN.get(df, p)
    if seen is not None:
        return seen.copy()
    book = _prepare(df, p)
    _BOOKS_SEEN.put(df, p, book)  # for the results task of this partition, if it follows
    return book.errors


def _suggest_part(df: pd.DataFrame, p: _Params, choose, bar, book=None) -> pd.DataFrame:
    long = _evaluate_part(df, p, bar, book)
    return _choose(long, len(p.offers), *choose)


def _empty_results(df: pd.DataFrame, units: int) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "account_id": df["account_id"].iloc[:0].reset_index(drop=True),
            "offer": pd.Series([], dtype=str),
        }
    )
    for c in RESULT_COLUMNS[2:]:
        if c in MONEY_COLUMNS:
            out[c] = pd.Series(money.decimal_column(np.zeros(0, np.int64), units))
        else:
            out[c] = pd.Series([], dtype=np.int64 if c == "term" else float)
    return out


def _blocks(book: _Book, p: _Params, bar) -> list[dict]:
    """The partition in blocks: the engine runs on large batches, the scenarios in cache-sized ones."""
    n = len(book.frame)
    if n == 0:
        return []
    H, S = p.horizon, p.scenarios
    step = min(n, p.chunk or max(16, _CELLS // S))
    batch = step * max(1, _ENGINE_BATCH // step)
    pool = _pool(p.seed, H)
    cash_buf, start_buf = np.empty(step * S), np.empty(step * S)  # one month of a block, reused
    out = []
    for a in range(0, n, batch):
        big = np.arange(a, min(n, a + batch))
        plans = _plan_arrays(book, big, p)
        for b in range(0, len(big), step):
            part = slice(b, min(len(big), b + step))
            out.append(
                _block(
                    book,
                    big[part],
                    {k: v[:, part] for k, v in plans.items()},
                    p,
                    pool,
                    cash_buf,
                    start_buf,
                )
            )
            if bar is not None and bar is not False:
                bar.update(part.stop - part.start)
    return out


def _plan_arrays(book: _Book, sel: np.ndarray, p: _Params) -> dict:
    """Every offer's schedule for the accounts ``sel``, one engine batch per offer (minor units,
    offers × accounts × months, the engine's layout)."""
    O, H, A = len(p.offers), p.horizon, len(sel)  # noqa: E741
    pays = np.empty((O, A, H + 1), dtype=np.int64)
    bals = np.empty((O, A, H + 1), dtype=np.int64)
    terms = np.empty((O, A), dtype=np.int64)
    waived = np.empty((O, A), dtype=np.int64)
    rate = book.data["annual_rate"][sel]
    for j, plan in enumerate(p.offers):
        t = {k: (v[sel] if isinstance(v, np.ndarray) else v) for k, v in book.terms[j].items()}
        terms[j] = _schedules(plan, t, rate, H, p.units, pays[j], bals[j])  # in place
        waived[j] = t["waived"]
    return {"pays": pays, "bals": bals, "terms": terms, "waived": waived}


def _block(
    book: _Book, sel: np.ndarray, plans: dict, p: _Params, pool: np.ndarray, cash_buf, start_buf
) -> dict:
    """Every offer on the accounts ``sel`` (arrays offers × months × accounts): the result columns."""
    d, c = book.data, book.cents
    A, O, H, S = len(sel), len(p.offers), p.horizon, p.scenarios  # noqa: E741
    scale = 10.0**p.units
    # offers × months × accounts, in currency units (a transposing division into fresh arrays)
    pays = np.empty((O, H + 1, A))
    np.divide(plans["pays"].transpose(0, 2, 1), scale, out=pays)
    owed_after = np.empty((O, H + 1, A))
    np.divide(plans["bals"].transpose(0, 2, 1), scale, out=owed_after)
    terms, waived = plans["terms"], plans["waived"] / scale
    for j, plan in enumerate(p.offers):
        if plan.waivers_conditional:  # revoked on default: owed again
            owed_after[j] += waived[j]
    rate = d["annual_rate"][sel]
    total = (c["principal"][sel] + c["interest"][sel] + c["penalty"][sel] + c["fees"][sel]) / scale
    b = p.borrower
    g_loss = total * 0.2 if b.going_concern_loss is None else float(b.going_concern_loss)
    v = 1.0 / (1.0 + p.discount_rate / 12.0)
    w = 1.0 / (1.0 + b.discount_rate / 12.0)
    values = plan_values(
        pays,
        owed_after,
        total,
        v=v,
        recovery=d["recovery_rate"][sel],
        costs=d["enforcement_costs"][sel],
        delay=d["enforcement_delay_months"][sel],
        w=w,
        going_concern_loss=g_loss,
    )
    if "sec_has_collateral" in d:
        _secured_values(values, d, c, sel, pays, owed_after, v, p)
    proj = _Projection(d, sel, pool, S, p.seed)
    cf_k, cash = cash_buf[: A * S].reshape(S, A), start_buf[: A * S].reshape(S, A)
    mean_cf, q5 = np.empty((H, A)), np.empty((H, A))

    def months():  # month by month, in buffers that stay in cache
        cash[:] = d["cash_buffer"][sel]
        yield cash, None
        for k in range(H):
            proj.month(k, cf_k)
            np.add(cash, cf_k, out=cash)
            yield cash, cf_k
            mean_cf[k] = cf_k.mean(axis=0)
            if S > 1:  # a contiguous copy sorted in place: twice as fast as np.sort on the view
                by_account = np.ascontiguousarray(cf_k.T)
                by_account.sort(axis=1)
                q5[k] = _quantile_sorted(by_account, 0.05)
            else:
                q5[k] = cf_k[0]

    outcome = scenario_outcomes(months(), pays, d["minimum_cash"][sel], values)
    cover = coverage(pays, mean_cf, q5, values["disc"], terms, values["creditor_npv"])
    offer_rate = np.array([np.nan if pl.annual_rate is None else pl.annual_rate for pl in p.offers])
    guess = np.where(np.isnan(offer_rate)[:, None], rate[None, :], offer_rate[:, None])
    rep = lambda x: np.repeat(np.asarray(x), O)  # noqa: E731  one value per account, each offer's row
    flat = lambda x: np.asarray(x).T.reshape(-1)  # noqa: E731  offers × accounts, account by account
    expected = outcome["expected_npv"]
    return {
        "claim_total": rep(
            c["principal"][sel] + c["interest"][sel] + c["penalty"][sel] + c["fees"][sel]
        ),
        "creditor_npv": flat(values["creditor_npv"]),
        "expected_npv": flat(expected),
        "enforcement_npv": rep(values["enforcement_npv"]),
        "margin": flat(expected - values["enforcement_npv"]),
        "recovery_rate": flat(expected / total),
        "irr": flat(irr_of_payments(pays, total, guess)),
        "default_probability": flat(outcome["default_probability"]),
        "min_dscr": flat(cover["min_dscr"]),
        "dscr_p5": flat(cover["dscr_p5"]),
        "months_short": flat(outcome["months_short"]),
        "burden": flat(cover["burden"]),
        # what the borrower pays and the creditor gives up: exact, from the minor units
        "peak_payment": flat(plans["pays"].max(axis=2)),
        "total_paid": flat(plans["pays"].sum(axis=2)),
        "total_waived": flat(plans["waived"]),
        "term": flat(terms),
        "borrower_cost": flat(outcome["borrower_cost"]),
        "borrower_alternative": rep(values["borrower_alternative"]),
    }


#: owed amounts per secured account on which the enforcement path is valued for a default
#: part-way through a plan (the claim's total and evenly spaced points below and above it)
SECURED_GRID = 33


def _secured_values(
    values: dict, d: dict, c: dict, sel: np.ndarray, pays, owed_after, v: float, p: _Params
):
    r"""Put the enforcement path of the secured accounts of a block in ``values``, in place.

    ``enforcement_npv`` is :func:`repayplan.security.values_many` on the claim, exactly; a
    default in month *k* enforces on :math:`o_{k-1}`, valued on :data:`SECURED_GRID` owed
    amounts per account (0 to the claim's total, and on to the most any offer leaves owed)
    and interpolated linearly, as :meth:`repayplan.security.EnforcementPath.value` does on
    its grid: :math:`\sum_{j<k} p_j v^j + v^{\max(k-1,0)} V_a(o_{k-1})`.
    """
    idx = np.flatnonzero(d["sec_has_collateral"][sel] | d["sec_has_guarantee"][sel])
    if not len(idx):
        return
    rows_of = sel[idx]
    scale = 10**p.units
    rows = {
        "as_of": d["as_of"].iloc[rows_of].to_numpy(dtype="datetime64[D]"),
        "annual_rate": d["annual_rate"][rows_of],
        "recovery_rate": d["recovery_rate"][rows_of],
        **{k: c[k][rows_of] for k in ("principal", "interest", "penalty", "fees")},
        **{k[4:]: v_[rows_of] for k, v_ in d.items() if k.startswith("sec_")},
    }
    total = rows["principal"] + rows["interest"] + rows["penalty"] + rows["fees"]
    proc = _security.Procedure()
    # the grid: G1 points from 0 to the total, G2 from it to the most owed (cents)
    G1 = (SECURED_GRID + 1) // 2
    G2 = SECURED_GRID - G1 + 1
    owed_prev = np.concatenate(
        [np.broadcast_to(total / scale, owed_after[:, :1, idx].shape), owed_after[:, :-1, idx]],
        axis=1,
    )  # offers × months × secured
    top = np.maximum(np.ceil(owed_prev.max(axis=(0, 1)) * scale).astype(np.int64), total + 1)
    f1, f2 = np.linspace(0.0, 1.0, G1), np.linspace(0.0, 1.0, G2)[1:]
    grid = np.concatenate(
        [
            np.rint(total[:, None] * f1[None, :]),
            np.rint(total[:, None] + (top - total)[:, None] * f2[None, :]),
        ],
        axis=1,
    ).astype(np.int64)
    n, G = len(idx), grid.shape[1]
    rep = {k: np.repeat(v_, G, axis=0) for k, v_ in rows.items()}
    rep["owed"] = grid.reshape(-1)
    on_grid = _security.values_rows(rep, proc, p.discount_rate, p.units).reshape(n, G)
    values["enforcement_npv"][idx] = on_grid[:, G1 - 1]  # the grid point on the claim's total
    # piecewise linear in what is owed, between the grid points of each account
    x = np.rint(np.maximum(owed_prev, 0.0) * scale)  # whole minor units, as the schedules
    t = total.astype(float)
    lo_part = x <= t
    pos = np.where(
        lo_part, x / np.maximum(t, 1.0) * (G1 - 1), (G1 - 1) + (x - t) / (top - t) * (G2 - 1)
    )
    pos = np.clip(pos, 0.0, G - 1.0)
    j = np.minimum(np.floor(pos).astype(np.int64), G - 2)
    cols = np.arange(n)
    g_lo = grid[cols, j].astype(float)
    g_hi = grid[cols, j + 1].astype(float)
    v_lo, v_hi = on_grid[cols, j], on_grid[cols, j + 1]
    frac = np.where(g_hi > g_lo, (x - g_lo) / np.maximum(g_hi - g_lo, 1.0), 0.0)
    ev = v_lo + (v_hi - v_lo) * np.clip(frac, 0.0, 1.0)
    ev = np.where(x == t, on_grid[:, G1 - 1], ev)  # the claim itself: exact
    H1 = pays.shape[1]
    k = np.arange(H1)[None, :, None]
    pv = pays[:, :, idx] * v**k
    cum = np.concatenate([np.zeros_like(pv[:, :1]), np.cumsum(pv, axis=1)[:, :-1]], axis=1)
    values["default_value"][:, :, idx] = cum + v ** np.maximum(k - 1, 0) * ev


def _choose(long: pd.DataFrame, O: int, objective: str, constraints, beta: float) -> pd.DataFrame:  # noqa: E741
    """The best feasible offer per account, vectorised over the accounts × offers table."""
    from .negotiate import score as objective_score

    A = len(long) // O
    checks = constraints.checks(long, np.zeros(len(long), bool))
    checks.pop("hard_rules", None)  # rule sets are not checked per account (see suggest)
    ok = {k: v.reshape(A, O) for k, v in checks.items()}
    feasible = np.logical_and.reduce(list(ok.values())) if ok else np.ones((A, O), bool)
    score = objective_score(long, objective, beta).reshape(A, O)
    key = np.where(feasible, score, -np.inf)
    top = key.max(axis=1, initial=-np.inf)
    best = np.argmax(feasible & (key == top[:, None]), axis=1)
    any_ok = feasible.any(axis=1)
    rows = np.arange(A) * O + best
    chosen = long.iloc[rows].reset_index(drop=True).astype({"term": float})
    metric_cols = [
        c for c in _METRIC_COLUMNS if c not in ("enforcement_npv", "borrower_alternative")
    ]
    chosen.loc[~any_ok, metric_cols] = np.nan
    binding = np.full(A, "", dtype=object)
    for name, ok_c in ok.items():
        none = ~ok_c.any(axis=1) & ~any_ok
        binding[none] = binding[none] + np.where(binding[none] == "", "", ", ") + name
    binding[~any_ok & (binding == "")] = "no single offer meets every constraint"
    out = pd.DataFrame(
        {
            "account_id": chosen["account_id"],
            "action": pd.Series(np.where(any_ok, "offer", "enforce").astype(object), dtype=str),
            "offer": chosen["offer"].where(any_ok),
            "objective": np.where(any_ok, score[np.arange(A), best], np.nan)
            if A
            else np.array([], float),
            "binding": pd.Series(binding, dtype=str),
        }
    )
    for col in SUGGEST_COLUMNS[5:]:
        out[col] = chosen[col].to_numpy()
    return out


# --------------------------------------------------------------------------------------
# Progress bars and Dask
# --------------------------------------------------------------------------------------
class _NoBar:
    def update(self, n):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _bar(total: int, progress: bool):
    if not isinstance(progress, (bool, np.bool_)):
        raise InputError("progress", progress, "True or False")
    if not progress:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency of the portfolio extra
        warnings.warn(
            "progress=True needs tqdm (pip install tqdm); running without a progress bar",
            stacklevel=3,
        )
        return _NoBar()
    return tqdm(total=total, unit="account", desc="repayplan.portfolio")


def _dask_compute(collections, progress: bool):
    """Compute dask collections together; a tqdm bar over tasks (local) or partitions (cluster)."""
    import dask

    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        client = None
    if client is not None:
        from distributed import as_completed

        parts = [list(c.to_delayed()) for c in collections]
        futures = client.compute([d for ps in parts for d in ps])
        with _bar(len(futures), progress) as bar:
            for _ in as_completed(futures):
                bar.update(1)
        values = client.gather(futures)
        out, i = [], 0
        for c, ps in zip(collections, parts, strict=True):
            chunk = values[i : i + len(ps)]
            i += len(ps)
            out.append(pd.concat(chunk, ignore_index=True) if chunk else c._meta)
        return out
    if not progress:
        return [x.reset_index(drop=True) for x in dask.compute(*collections)]
    from dask.callbacks import Callback

    class _Tasks(Callback):
        def _start_state(self, dsk, state):
            self._bar = _bar(len(dsk), True)

        def _posttask(self, key, result, dsk, state, worker_id):
            self._bar.update(1)

        def _finish(self, dsk, state, errored):
            self._bar.close() if hasattr(self._bar, "close") else None

    with _Tasks():
        return [x.reset_index(drop=True) for x in dask.compute(*collections)]


# --------------------------------------------------------------------------------------
# Workers: the configuration under which a worker runs a partition as fast as pandas
# --------------------------------------------------------------------------------------
#: glibc's malloc settings for a worker process (bytes): the mmap threshold fixed at 32 MiB
#: (glibc's ceiling for its dynamic threshold) and 64 MiB kept at the top of the heap when
#: it is trimmed (``M_TOP_PAD``), so that a partition's temporaries reuse pages already
#: mapped instead of faulting fresh ones in; memory beyond it is still given back.
WORKER_MALLOC = {"MALLOC_MMAP_THRESHOLD_": 32 * 2**20, "MALLOC_TOP_PAD_": 64 * 2**20}


def worker_config(*, profile: bool = False) -> dict:
    """The Dask settings under which the portfolio's workers run as fast as pandas per core.

    distributed starts every worker process with ``MALLOC_TRIM_THRESHOLD_=65536`` (its
    ``distributed.nanny.pre-spawn-environ`` setting, so that freed memory goes back to the
    system).  Setting a malloc tunable switches off glibc's dynamic mmap threshold, and with a
    trim threshold of 64 KiB and no pad every array a partition frees at the top of the heap
    is unmapped and page-faulted in again by the next one: measured here, a worker faulted
    some 180,000 pages per 10,000 accounts against under 2,000 in a plain process and spent
    2 to 2.4 times pandas' CPU (with the settings below, 0.99 times pandas' CPU in the
    quietest run on a shared 2-core machine, 0.75 to 1.07 times in the others; see
    ``docs/howto/dask.md``).  The settings returned keep trimming on but fix the mmap
    threshold at 32 MiB and keep 64 MiB at the top of the heap (glibc's ``M_MMAP_THRESHOLD`` and
    ``M_TOP_PAD``, see ``mallopt(3)``; :data:`WORKER_MALLOC`), through the same documented
    ``pre-spawn-environ`` setting; and they switch off the workers' statistical profiler
    (``distributed.worker.profile.enabled``), which samples the running task every 10 ms;
    and they preload :mod:`repayplan.dask_worker` in each worker (imports, then
    ``gc.freeze()``: the worker's long-lived objects out of the garbage collector's scans).

    Parameters
    ----------
    profile : bool
        Keep distributed's profiler on (the dashboard's "Profile" page needs it).

    Returns
    -------
    dict
        For ``dask.config.set(...)`` before the cluster's worker processes start (or for the
        workers' ``distributed.yaml``); :func:`local_cluster` applies it.  A variable already
        set in the environment of the process that starts the workers takes precedence.

    Examples
    --------
    >>> for key, value in worker_config().items():
    ...     print(key, value)
    distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_ 33554432
    distributed.nanny.pre-spawn-environ.MALLOC_TOP_PAD_ 67108864
    distributed.worker.profile.enabled False
    distributed.worker.preload ['repayplan.dask_worker']
    """
    if not isinstance(profile, (bool, np.bool_)):
        raise InputError("profile", profile, "True or False")
    out: dict = {
        f"distributed.nanny.pre-spawn-environ.{k}": str(v) for k, v in WORKER_MALLOC.items()
    }
    out["distributed.worker.profile.enabled"] = bool(profile)
    try:  # the preloads already configured, and ours after them
        import dask

        preload = list(dask.config.get("distributed.worker.preload", []) or [])
    except ImportError:  # pragma: no cover - dask is installed with the portfolio's extras
        preload = []
    if WORKER_PRELOAD not in preload:
        preload.append(WORKER_PRELOAD)
    out["distributed.worker.preload"] = preload
    return out


#: The preload module of the portfolio's workers (:mod:`repayplan.dask_worker`: imports,
#: then ``gc.freeze()``), listed in ``distributed.worker.preload`` by :func:`worker_config`.
WORKER_PRELOAD = "repayplan.dask_worker"


def local_cluster(n_workers: int | None = None, *, profile: bool = False, **kwargs):
    """A Dask ``LocalCluster`` of worker processes set up for the portfolio.

    One thread per worker process (the work is numpy code that holds the GIL for short
    stretches: processes scale, threads do not) and the settings of :func:`worker_config`.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes; default one per core.
    profile : bool
        As for :func:`worker_config`.
    **kwargs
        Passed on to ``distributed.LocalCluster`` (``dashboard_address``, ``memory_limit``…);
        ``processes`` and ``threads_per_worker`` are set here.

    Returns
    -------
    distributed.LocalCluster
        Use it as a context manager, with a ``distributed.Client`` on it.

    Examples
    --------
    >>> import os
    >>> from distributed import Client
    >>> with local_cluster(1, dashboard_address=None) as cluster, Client(cluster) as client:
    ...     env = client.run(os.environ.get, "MALLOC_TOP_PAD_")
    ...     book = synthetic_book(100, seed=1)
    ...     import dask.dataframe as dd
    ...     res = evaluate(dd.from_pandas(book, npartitions=2), standard_offers(), progress=False)
    ...     results, errors = res.compute()
    >>> list(env.values()), len(results), len(errors)
    (['67108864'], 300, 0)
    """
    import dask
    from distributed import LocalCluster

    if n_workers is not None:
        n_workers = check_int("n_workers", n_workers, low=1, high=4096)
    for name in ("processes", "threads_per_worker"):
        if name in kwargs:
            raise InputError(name, kwargs[name], "left out: local_cluster sets it")
    with dask.config.set(worker_config(profile=profile)):
        return LocalCluster(n_workers=n_workers, processes=True, threads_per_worker=1, **kwargs)
