"""Case files: one negotiation saved as TOML (for people) or JSON (for programs).

A :class:`Case` bundles everything a negotiation needs: the parties, the claim (stated, or
computed from the loan and its payment history), the borrower's cash flow (a seeded
projection or monthly data), the creditor's settings and the named candidate plans.
``Case.load(path)`` reads a file and reports *every* problem in it with its location;
``case.save(path)`` writes it back atomically, and saving then loading gives an equal case.

The schema (TOML; JSON has the same structure)
-----------------------------------------------
::

    format_version = 1                 # optional; this module reads version 1
    title = "..."                      # optional
    rules = "cn-bank"                  # the case's rule set; default the claim's
    notes = "..."                      # optional

    [borrower]                         # a Party: name (required), other_name,
    name = "华东精密机械有限公司"        # registration, address, representative
    other_name = "Huadong Precision Machinery Co., Ltd."
    discount_rate = 0.12               # optional: the borrower's side of the bargain
    going_concern_loss = 300000.00     # (repayplan.evaluate.Borrower)

    [creditor]                         # a Party, plus the creditor's settings
    name = "..."
    discount_rate = 0.06               # annual, as a fraction (default 0.06)
    [creditor.enforcement]             # the creditor's alternative to agreeing
    recovery_rate = 0.55               # (the quick form; ignored when [security] is
    delay_months = 18                  # given)
    costs = 60000.00

    [loan]                             # EITHER the loan and its history ...
    principal = 1200000.00             # every keyword of repayplan.Loan
    annual_rate = 0.0435
    periods = 12
    start = 2025-03-20
    method = "interest_only"
    penalty_markup = 0.5
    payments = [{date = 2025-04-20, amount = 4350.00}, ...]
    costs = [...]                      # optional, same form
    fees = [...]                       # optional, same form
    options = {grace = 3}              # optional further amortize keywords
    [claim]                            # ... and the date the claim is computed on
    as_of = 2026-06-30
    accelerated = 2026-01-05           # optional: the loan was declared due in full

    [claim]                            # OR the claim stated directly: every keyword
    principal = 1200000.00             # of repayplan.Claim (principal, annual_rate and
    annual_rate = 0.0435               # as_of required)
    as_of = 2026-06-30

    [cashflow]                         # EITHER a seeded projection (CashFlow.project) ...
    base = 38000.00
    months = 72
    start = "2026-07"                  # the first month, YYYY-MM
    trend = -0.15
    seasonality = [0.7, 0.6, ...]      # 12 weights summing to 12
    volatility = 0.25
    scenarios = 500
    seed = 2026                        # required: a saved case reloads to the same cash
    buffer = 150000.00
    minimum_cash = 60000.00
    [[cashflow.shocks]]                # every keyword of repayplan.Shock
    probability = 0.25
    impact = 0.35

    [cashflow]                         # ... OR monthly data from the first month on
    start = "2026-07"
    values = [45000.0, 47000.5, ...]   # one path; [[...], [...]] for scenarios
    buffer = 150000.00
    minimum_cash = 60000.00
    [cashflow.source]                  # optional: where the data came from
    kind = "history"                   # data, statement, accounts, history, projection
    description = "forecast from 36 months of history 2023-07..2026-06 (bank statement ...)"
    model = "ETS(A,Ad,A) on ln(cash), statsmodels ETSModel, ..."
    calibration = "conformal: band widened x1.24 from 6 rolling backtests ..."
    history_start = "2023-07"          # the history the forecast was fitted to
    history = [41000.0, ...]
    notes = ["..."]
    overrides = ["loss of main customer: cash -35% from 2027-03 (probability 100%)"]
    [cashflow.source.backtest]         # optional figures: coverage_90 = 0.9, mape = 0.08 ...

    [[plans]]                          # each candidate plan: a name and every
    name = "Bank proposal"             # keyword of repayplan.Plan
    term = 36

    [negotiation]                      # optional: how Case.negotiate / `repayplan
    objective = "nash"                 # suggest` search (objective, beta, seed)
    seed = 1
    [negotiation.constraints]          # any field of repayplan.negotiate.Constraints;
    max_term = 84                      # "none" lifts one that has a default
    min_dscr = "none"

    [security]                         # optional: the alternative built from what secures
    unsecured_recovery = 0.05          # the claim (Enforcement.from_security)
    scenarios = 1000
    seed = 17                          # required unless exact = true
    [security.procedure]               # any field of repayplan.security.Procedure
    lawyer_fee = 40000.00
    [[security.collateral]]            # every keyword of repayplan.Collateral
    name = "factory"
    kind = "real_estate"
    appraisal = 1650000.00
    [[security.guarantees]]            # every keyword of repayplan.Guarantee
    name = "Chen Jianguo"
    capacity = 600000.00

    [[meeting]]                        # optional record of the meeting: a table
    date = 2026-07-08                  # per entry; ``date`` is a date, the other
    text = "..."                       # values text, whole numbers or true/false

The full description is in ``docs/case-files.md``.

Numbers and money
-----------------
Money is exact.  In TOML an amount is written as a decimal literal (``1200000.00``) and
read with :class:`decimal.Decimal` (``tomllib.loads(..., parse_float=Decimal)``), so what
is written is what is read, digit for digit; a quoted string (``"1200000.00"``) is
accepted too.  JSON is read the same way (``json.loads(..., parse_float=Decimal)``), and
written with every Decimal (money, the claim's rates) as a string, because other programs
read JSON numbers as binary floats.  Rates, shares and cash-flow values that the library
holds as floats are written by their shortest ``repr``, which reads back to the same float.
:meth:`Case.dumps` writes TOML with `tomli-w <https://github.com/hukkin/tomli-w>`_: the same
document the reader takes, without comments (a small Decimal may come out with an exponent,
``1e-7``, which reads back to the same Decimal, digits and exponent).

Problems are reported with their location: ``plans[2]`` is the third ``[[plans]]`` table
(counting from 0), ``loan.payments[0].date`` the date of the first payment.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from decimal import Decimal
from html import escape
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import money
from .. import rules as _rules
from .._io import check_path, write_atomic
from .._validate import (
    MAX_DIGITS,
    as_decimal,
    check_amount,
    check_choice,
    check_date,
    check_fraction,
    check_int,
    check_text,
)
from ..cashflow import CashFlow, Shock
from ..claim import Claim, Loan
from ..errors import InputError, shorten
from ..evaluate import Borrower, Creditor, Enforcement
from ..negotiate import OBJECTIVES, Constraints
from ..plans import Plan

__all__ = ["Case", "CaseError", "Party", "Projection", "Settings", "FORMAT_VERSION", "FORMATS"]

#: The version of the case-file schema this module reads and writes.
FORMAT_VERSION = 1

#: File formats, by suffix.
FORMATS = {".toml": "toml", ".json": "json"}

_PARTY_KEYS = ("name", "other_name", "registration", "address", "representative", "account")
_BORROWER_KEYS = tuple(f.name for f in dataclasses.fields(Borrower))
_CREDITOR_KEYS = ("discount_rate", "enforcement")
_SETTINGS_KEYS = ("objective", "beta", "seed", "constraints")
_CONSTRAINT_KEYS = tuple(f.name for f in dataclasses.fields(Constraints))
_ENFORCEMENT_KEYS = ("recovery_rate", "delay_months", "costs")
_LOAN_KEYS = (
    "principal",
    "annual_rate",
    "periods",
    "start",
    "method",
    "frequency",
    "day_count",
    "penalty_rate",
    "penalty_markup",
    "rules",
    "currency",
    "signed",
    "product",
    "accrual_day_count",
    "options",
)
_LOAN_HISTORY = ("payments", "costs", "fees")
_CLAIM_AMOUNTS = (
    "principal",
    "overdue_principal",
    "interest",
    "overdue_interest",
    "penalty",
    "compound",
    "fees",
    "enforcement_costs",
    "credit",
)
_CLAIM_KEYS = _CLAIM_AMOUNTS + (
    "annual_rate",
    "penalty_rate",
    "penalty_markup",
    "as_of",
    "currency",
    "rules",
    "accrual_day_count",
    "contract_date",
    "maturity",
    "term_months",
    "product",
    "accelerated",
)
_PLAN_KEYS = tuple(f.name for f in dataclasses.fields(Plan))
_PROJECTION_KEYS = (
    "base",
    "months",
    "trend",
    "seasonality",
    "volatility",
    "scenarios",
    "shocks",
    "seed",
    "start",
    "buffer",
    "minimum_cash",
    "persistence",
    "currency",
)
_DATA_KEYS = ("start", "values", "buffer", "minimum_cash", "currency", "source")
#: Keys of [cashflow.source]: where monthly data came from (repayplan.cashflow.Provenance).
_SOURCE_KEYS = (
    "kind",
    "description",
    "model",
    "calibration",
    "history_start",
    "history",
    "backtest",
    "notes",
    "overrides",
)
_SHOCK_KEYS = tuple(f.name for f in dataclasses.fields(Shock))
_TOP_KEYS = (
    "format_version",
    "title",
    "contract",
    "rules",
    "notes",
    "borrower",
    "creditor",
    "loan",
    "claim",
    "cashflow",
    "plans",
    "negotiation",
    "meeting",
    "security",
)
_SECURITY_KEYS = (
    "collateral",
    "guarantees",
    "unsecured_recovery",
    "procedure",
    "scenarios",
    "seed",
    "exact",
)
_BIG = 10**12  # a stand-in whole for checking the parts of a claim one field at a time


# ----------------------------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------------------------
class CaseError(InputError):
    """A case file (or case data) has problems; every one is listed with its location.

    Parameters
    ----------
    problems : sequence of (location, message)
        ``("plans[2].term", "-6 is not a whole number from 1 to 1200")``.
    source : str
        The file (or ``"<string>"``) the problems are in.

    Examples
    --------
    >>> e = CaseError([("plans[2].term", "-6 is not a whole number from 1 to 1200")], "case.toml")
    >>> print(e)
    case.toml: plans[2].term: -6 is not a whole number from 1 to 1200
    """

    def __init__(self, problems, source: str = "<case>"):
        self.problems = tuple((str(loc), str(msg)) for loc, msg in problems)
        self.source = str(source)
        first_loc = self.problems[0][0] if self.problems else ""
        InputError.__init__(self, first_loc or self.source, self.source, "a valid case file")
        self.args = ("\n".join(self.lines()),)

    def lines(self) -> list[str]:
        """One line per problem: ``file: location: message``.

        >>> e = CaseError([("cashflow.seed", "is missing (required)"),
        ...                ("plans[0].term", "-6 is not a whole number from 1 to 1200")], "acme.toml")
        >>> e.lines()
        ['acme.toml: cashflow.seed: is missing (required)', 'acme.toml: plans[0].term: -6 is not a whole number from 1 to 1200']
        """
        src = _cut(self.source)
        return [
            f"{src}: {_cut(loc)}: {_cut(msg, 2000)}" if loc else f"{src}: {_cut(msg, 2000)}"
            for loc, msg in self.problems
        ]

    def __str__(self) -> str:
        return self.args[0]

    def __reduce__(self):
        return (type(self), (self.problems, self.source))


#: The longest case file read, in characters (a case with a hundred plans is some 30,000).
MAX_CASE_CHARS = 10_000_000
#: The deepest nesting of tables and arrays in a case file (the schema needs 4).
MAX_DEPTH = 32


class _LongNumber:
    """A JSON integer of more than :data:`MAX_DIGITS` digits, kept as text so that the field
    it is in reports it (converting it would fail, or take long, deep inside)."""

    def __init__(self, digits: str):
        self.digits = digits

    def __repr__(self) -> str:
        return f"<a number of {len(self.digits.lstrip('-')):,} digits>"

    __str__ = __repr__


def _json_int(text: str):
    return int(text) if len(text) <= MAX_DIGITS + 1 else _LongNumber(text)


def _long_number_line(text: str) -> str:
    m = re.search(r"\d{" + str(MAX_DIGITS + 1) + ",}", text)
    return f"line {text.count(chr(10), 0, m.start()) + 1}" if m else ""


def _walk(data) -> tuple[str | None, list[str]]:
    """The location of the first table or array nested deeper than :data:`MAX_DEPTH` (or
    None), and the locations of signalling NaNs; walked with a stack, so that a
    100,000-deep structure cannot overflow Python's own."""
    stack = [(data, "", 0)]
    snan = []
    while stack:
        value, loc, depth = stack.pop()
        if isinstance(value, Decimal) and value.is_snan():
            snan.append(loc)
            continue
        if isinstance(value, Mapping):
            items = [(_join(loc, str(k)), v) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [(f"{loc}[{i}]", v) for i, v in enumerate(value)]
        else:
            continue
        if depth >= MAX_DEPTH:
            return loc, snan
        stack.extend((v, k, depth + 1) for k, v in reversed(items))
    return None, snan


def _cut(text: str, width: int = 240) -> str:
    """A name or a message cut in the middle to ``width`` characters, saying how long it was."""
    if len(text) <= width:
        return text
    half = (width - 30) // 2
    return f"{text[:half]}…{text[-half:]} ({len(text):,} characters)"


def show_value(value) -> str:
    """A value as a person would have written it in the file (a long one cut in the middle)."""
    return _cut(_show_full(value))


def _show_full(value) -> str:
    if isinstance(value, Decimal):
        if value.is_finite() and abs(value.adjusted()) > 60:
            return str(value)  # 1E+999999, not a million zeros
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 800:
        return shorten(value)
    if isinstance(value, (_dt.date, pd.Period)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(show_value(v) for v in value[:6])
        return f"[{inner}{', ...' if len(value) > 6 else ''}]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {show_value(v)}" for k, v in list(value.items())[:6]) + "}"
    return repr(value)


def _join(loc: str, field_name: str) -> str:
    if not loc:
        return field_name
    if not field_name:
        return loc
    return f"{loc}{field_name}" if field_name.startswith("[") else f"{loc}.{field_name}"


class _Problems:
    """Problems found so far, each with its location."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []

    def add(self, loc: str, message: str) -> None:
        self.items.append((loc, message))

    def error(self, loc: str, e: Exception, *, value=None, rename=None) -> None:
        if isinstance(e, CaseError):
            for where, msg in e.problems:
                self.add(_join(loc, where), msg)
            return
        if isinstance(e, InputError):
            name = (rename or {}).get(e.field, e.field)
            msg = f"{show_value(e.value)} is not {e.allowed}"
            if e.hint:
                msg += f" ({e.hint})"
            self.add(_join(loc, name), msg)
        else:
            self.add(loc, f"{show_value(value)} is not valid ({type(e).__name__}: {e})")

    def __bool__(self) -> bool:
        return bool(self.items)


def _attempt(problems: _Problems, loc: str, make, *, value=None, rename=None):
    """``make()``, or None with the problem recorded at ``loc``."""
    try:
        return make()
    except (InputError, TypeError, ValueError, ArithmeticError) as e:
        problems.error(loc, e, value=value, rename=rename)
        return None


def _build(
    cls,
    kwargs: dict,
    loc: str,
    problems: _Problems,
    *,
    base=None,
    rename=None,
    skip=(),
    trials_only: bool = False,
):
    """``cls(**kwargs)``, checking each field alone first so that every bad field is reported.

    ``base(key)`` gives the other arguments of the one-field trial (defaults that cannot
    clash with the field, e.g. a long term when the grace is checked); fields in ``skip``
    depend on others and are checked only with all of them.
    """
    before = len(problems.items)
    for key, value in kwargs.items():
        if key in skip:
            continue
        trial = {**(base(key) if base else {}), key: value}
        _attempt(problems, loc, lambda t=trial: cls(**t), value=value, rename=rename)
    if len(problems.items) > before or trials_only:
        return None
    return _attempt(problems, loc, lambda: cls(**kwargs), rename=rename)


def _check_text(field_name: str, value, *, required: bool = False) -> str:
    """Text that can be written to a file (no lone surrogates); non-empty if required."""
    check_text(field_name, value)  # stored as given; the exports refuse NUL
    if required and not value.strip():
        raise InputError(field_name, value, "a non-empty name")
    return value


# ----------------------------------------------------------------------------------------
# value objects
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Party:
    """A party to the agreement: the borrower or the creditor.

    Parameters
    ----------
    name : str
        The party's name as it appears in the agreement (required).
    other_name : str
        The name in the other language of the agreement (an English name for a Chinese
        company, or the reverse).
    registration : str
        Registration number (统一社会信用代码, company number).
    address, representative : str
        Registered address; legal representative or signatory.
    account : str
        The party's bank account for the repayments (the borrower's account the
        instalments are paid from, or the creditor's account they are paid into).

    Examples
    --------
    >>> Party("华东精密机械有限公司", other_name="Huadong Precision Machinery Co., Ltd.").name
    '华东精密机械有限公司'
    """

    name: str
    other_name: str = ""
    registration: str = ""
    address: str = ""
    representative: str = ""
    account: str = ""

    def __post_init__(self):
        _check_text("name", self.name, required=True)
        for k in _PARTY_KEYS[1:]:
            _check_text(k, getattr(self, k))

    def replace(self, **changes) -> Party:
        """A copy with some fields changed.

        >>> Party("Acme Ltd").replace(representative="Zhang Wei")
        Party(name='Acme Ltd', other_name='', registration='', address='', representative='Zhang Wei', account='')
        """
        return dataclasses.replace(self, **changes)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Projection:
    """The specification of a projected cash flow, kept so that a case file stays small.

    The parameters are those of :meth:`repayplan.CashFlow.project`, stored exactly as
    given (numbers as :class:`~decimal.Decimal`); :meth:`cashflow` runs the projection.

    Parameters
    ----------
    base, months, trend, seasonality, volatility, scenarios, shocks, start, buffer,
    minimum_cash, persistence, currency
        As for :meth:`repayplan.CashFlow.project`.
    seed : int
        Required (a whole number >= 0): a case must reload to the same cash flow.

    Examples
    --------
    >>> p = Projection(base=38_000, months=24, trend=-0.15, start="2026-07", seed=1)
    >>> cf = p.cashflow()
    >>> float(cf.values[0, 12])           # 38,000 x (1 - 0.15), a year later
    32300.0
    >>> p.trend
    Decimal('-0.15')
    """

    base: Decimal
    months: int
    trend: Decimal = Decimal(0)
    seasonality: tuple | None = None
    volatility: Decimal = Decimal(0)
    scenarios: int = 1
    shocks: tuple = ()
    seed: int = 0
    start: pd.Period | None = None
    buffer: Decimal = Decimal(0)
    minimum_cash: Decimal = Decimal(0)
    persistence: Decimal = Decimal(0)
    currency: str = "CNY"

    def __post_init__(self):
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        for k in ("base", "trend", "volatility", "buffer", "minimum_cash", "persistence"):
            put(k, as_decimal(k, getattr(self, k)))
        if self.seasonality is not None:
            if isinstance(self.seasonality, (str, bytes, Mapping)) or not isinstance(
                self.seasonality, Sequence
            ):
                raise InputError(
                    "seasonality",
                    self.seasonality,
                    "12 weights for January..December, summing to 12",
                )
            put(
                "seasonality",
                tuple(as_decimal(f"seasonality[{i}]", w) for i, w in enumerate(self.seasonality)),
            )
        if isinstance(self.shocks, Shock):
            put("shocks", (self.shocks,))
        if isinstance(self.shocks, (str, bytes, Mapping)) or not isinstance(self.shocks, Sequence):
            raise InputError("shocks", self.shocks, "a list of repayplan.Shock")
        put("shocks", tuple(self.shocks))
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
            raise InputError(
                "seed",
                self.seed,
                "a whole number >= 0 (a saved case must reload to the same cash flow)",
            )
        put("seed", check_int("seed", self.seed, low=0))
        if self.start is not None:
            put("start", CashFlow([0.0], start=self.start).start)  # type: ignore[arg-type]  # a list is made an array
        if TYPE_CHECKING:  # set by object.__setattr__, not a dataclass field
            self._cashflow: CashFlow
        put("_cashflow", self._project())  # validates every argument

    def _project(self) -> CashFlow:
        return CashFlow.project(
            self.base,
            self.months,
            trend=self.trend,
            seasonality=None if self.seasonality is None else list(self.seasonality),
            volatility=self.volatility,
            scenarios=self.scenarios,
            shocks=list(self.shocks),
            seed=self.seed,
            start=self.start,
            buffer=self.buffer,
            minimum_cash=self.minimum_cash,
            persistence=self.persistence,
            currency=self.currency,
        )

    def cashflow(self) -> CashFlow:
        """The projected :class:`~repayplan.CashFlow` (computed once).

        The same seed gives the same cash, which is why a saved case reloads exactly:

        >>> p = Projection(base=38_000, months=12, volatility=0.2, scenarios=50, start="2026-07", seed=7)
        >>> p.cashflow().values.shape
        (50, 12)
        >>> p.cashflow() == Projection(base=38_000, months=12, volatility=0.2, scenarios=50,
        ...                            start="2026-07", seed=7).cashflow()
        True
        """
        return self._cashflow

    def replace(self, **changes) -> Projection:
        """A copy with some parameters changed (the projection is run again).

        >>> p = Projection(base=38_000, months=24, start="2026-07", seed=1)
        >>> float(p.replace(base=40_000).cashflow().values[0, 0])
        40000.0
        """
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Settings:
    """How the case is negotiated: the keywords of :func:`repayplan.negotiate` kept with it.

    Parameters
    ----------
    objective : {"nash", "creditor", "borrower", "waterfall"}
    beta : float
        The creditor's bargaining power for ``"nash"`` (0..1).
    seed : int, optional
        Seed of the search when the grid is sampled.
    constraints : Constraints, optional
        What a plan must satisfy; default :class:`repayplan.negotiate.Constraints`.

    Examples
    --------
    >>> from repayplan.negotiate import Constraints
    >>> Settings(seed=1, constraints=Constraints(max_term=84)).kwargs()["constraints"].max_term
    84
    """

    objective: str = "nash"
    beta: float = 0.5
    seed: int | None = None
    constraints: Constraints | None = None

    def __post_init__(self):
        check_choice("objective", self.objective, OBJECTIVES)
        object.__setattr__(self, "beta", check_fraction("beta", self.beta))
        if self.seed is not None:
            if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
                raise InputError("seed", self.seed, "a whole number >= 0")
            object.__setattr__(self, "seed", check_int("seed", self.seed, low=0))
        if self.constraints is not None and not isinstance(self.constraints, Constraints):
            raise InputError("constraints", self.constraints, "a repayplan.negotiate.Constraints")

    def kwargs(self) -> dict:
        """The keywords of :func:`repayplan.negotiate` (``constraints`` only when set).

        >>> Settings(objective="creditor", seed=3).kwargs()
        {'objective': 'creditor', 'beta': 0.5, 'seed': 3}
        """
        out = {"objective": self.objective, "beta": self.beta, "seed": self.seed}
        if self.constraints is not None:
            out["constraints"] = self.constraints
        return out

    def replace(self, **changes) -> Settings:
        """A copy with some settings changed.

        >>> Settings(seed=1).replace(objective="borrower")
        Settings(objective='borrower', beta=0.5, seed=1, constraints=None)
        """
        return dataclasses.replace(self, **changes)


# ----------------------------------------------------------------------------------------
# Case
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Case:
    """A negotiation: parties, claim, cash flow, creditor settings and candidate plans.

    Parameters
    ----------
    borrower : Party or str
        The borrower (a name is read as ``Party(name)``).
    creditor : Creditor
        The creditor's discount rate and enforcement alternative; its ``name`` is the
        creditor's name (taken from ``creditor_party`` when empty).
    claim : Claim
        What is owed; a claim built by :meth:`repayplan.Loan.claim` is saved as the loan
        and its payment history.
    cashflow : CashFlow or Projection
        The borrower's cash.  A :class:`Projection` is kept (``case.projection``) and
        saved as its specification; a CashFlow is saved as monthly data.
    plans : mapping of name to Plan, or sequence of named Plans
        The candidate plans, in order.  A plan without a name takes its key.
    creditor_party : Party or str, optional
        The creditor as a party to the agreement (address, representative ...);
        default ``Party(creditor.name)``.
    borrower_side : Borrower, optional
        The borrower's discount rate and going-concern loss (:class:`repayplan.evaluate.Borrower`)
        for the evaluation and the Nash bargain; default the library's.
    negotiation : Settings
        Objective, bargaining power, seed and constraints of :meth:`negotiate`.
    projection : Projection, optional
        The specification ``cashflow`` came from (checked to give the same cash).
    rules : str, optional
        Name of the rule set for the negotiation; default the claim's.
    title, notes : str
    contract : str
        The number of the loan contract the plan restructures (printed on the annex).
    meeting : sequence of mappings
        The record of the meeting (for the notebook): one mapping per entry, with an
        optional ``date`` (a date) and values that are text, numbers or booleans.

    Examples
    --------
    >>> from datetime import date
    >>> import repayplan as rp
    >>> case = Case(
    ...     borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
    ...     claim=rp.Claim(principal=100_000, annual_rate=0.05, as_of=date(2026, 6, 30)),
    ...     cashflow=Projection(base=5_000, months=36, start="2026-07", seed=1),
    ...     plans=[rp.Plan(term=24, name="24 months")])
    >>> Case.loads(case.dumps("toml")) == case
    True
    >>> case.schedule("24 months").payment
    Decimal('4387.14')
    """

    borrower: Party
    creditor: Creditor
    claim: Claim
    cashflow: CashFlow
    plans: Mapping = field(default_factory=dict)
    _: KW_ONLY
    creditor_party: Party | None = None
    borrower_side: Borrower | None = None
    negotiation: Settings = Settings()
    projection: Projection | None = None
    rules: str | None = None
    title: str = ""
    notes: str = ""
    meeting: tuple = ()
    contract: str = ""

    def __post_init__(self):
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        borrower = self.borrower
        if isinstance(borrower, str):
            borrower = Party(_check_text("borrower", borrower, required=True))
        if not isinstance(borrower, Party):
            raise InputError("borrower", self.borrower, "a repayplan.case.Party or a name")
        put("borrower", borrower)
        if not isinstance(self.creditor, Creditor):
            raise InputError("creditor", self.creditor, "a repayplan.Creditor")
        party = self.creditor_party
        if isinstance(party, str):
            party = Party(_check_text("creditor_party", party, required=True))
        if party is None:
            if not self.creditor.name:
                raise InputError(
                    "creditor.name",
                    self.creditor.name,
                    "the creditor's name (Creditor(name=...) or creditor_party=)",
                )
            party = Party(self.creditor.name)
        if not isinstance(party, Party):
            raise InputError(
                "creditor_party", self.creditor_party, "a repayplan.case.Party or a name"
            )
        if not self.creditor.name:
            put("creditor", self.creditor.replace(name=party.name))
        elif self.creditor.name != party.name:
            raise InputError(
                "creditor.name", self.creditor.name, f"the name of creditor_party ({party.name!r})"
            )
        put("creditor_party", party)
        if self.borrower_side is not None and not isinstance(self.borrower_side, Borrower):
            raise InputError("borrower_side", self.borrower_side, "a repayplan.evaluate.Borrower")
        if not isinstance(self.negotiation, Settings):
            raise InputError("negotiation", self.negotiation, "a repayplan.case.Settings")
        if not isinstance(self.claim, Claim):
            raise InputError("claim", self.claim, "a repayplan.Claim")
        path = self.creditor.enforcement.path
        if (
            path is not None and path.claim != self.claim
        ):  # enforcement from security runs on this claim
            put(
                "creditor",
                self.creditor.replace(
                    enforcement=Enforcement.from_security(
                        path.security,
                        self.claim,
                        seed=path.seed,
                        scenarios=path.scenarios,
                        procedure=path.procedure,
                        exact=path.exact,
                    )
                ),
            )
        cf = self.cashflow
        if isinstance(cf, Projection):
            if self.projection is not None and self.projection != cf:
                raise InputError("projection", self.projection, "the projection given as cashflow")
            put("projection", cf)
            cf = cf.cashflow()
        elif self.projection is not None:
            if not isinstance(self.projection, Projection):
                raise InputError("projection", self.projection, "a repayplan.case.Projection")
            if self.projection.cashflow() != cf:
                raise InputError(
                    "projection",
                    self.projection,
                    "the specification the cash flow was projected from",
                )
        if not isinstance(cf, CashFlow):
            raise InputError("cashflow", self.cashflow, "a repayplan.CashFlow or a Projection")
        if cf.currency != self.claim.currency:
            raise InputError(
                "cashflow.currency", cf.currency, f"the claim's currency ({self.claim.currency})"
            )
        put("cashflow", cf)
        put("plans", MappingProxyType(_named_plans(self.plans)))
        rules = self.claim.rules.name if self.rules is None else self.rules
        if not isinstance(rules, str):
            raise InputError(
                "rules", rules, "the name of a rule set: " + ", ".join(map(repr, _rules.names()))
            )
        _rules.get(rules)
        put("rules", rules)
        put("title", _check_text("title", self.title))
        put("contract", _check_text("contract", self.contract))
        put("notes", _check_text("notes", self.notes))
        put("meeting", _meeting_entries(self.meeting))

    # -- access ----------------------------------------------------------------------------
    @property
    def borrower_name(self) -> str:
        """The borrower's name, as in the agreement.

        >>> Case.sample().borrower_name
        '华东精密机械有限公司'
        """
        return self.borrower.name

    @property
    def creditor_name(self) -> str:
        """The creditor's name, as in the agreement.

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> case.creditor_name
        'First Bank'
        """
        return self.creditor.name

    @property
    def security(self):
        """The collateral and guarantees the creditor's alternative is built from, or ``None``.

        >>> [c.name for c in Case.sample().security.collateral]
        ['厂房及土地使用权 (factory and land)', '数控加工中心 (CNC machining line)']
        """
        path = self.creditor.enforcement.path
        return None if path is None else path.security

    def plan(self, name: str) -> Plan:
        """The plan of this name; an :class:`InputError` lists the names there are.

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> case.plan("24 months")
        Plan('24 months': term=24)
        >>> case.plan("36 months")
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: plan == '36 months', must be the name of a plan of the case ('12 months', '24 months')
        """
        if not isinstance(name, str) or name not in self.plans:
            have = ", ".join(repr(n) for n in self.plans) or "none"
            raise InputError("plan", name, f"the name of a plan of the case ({have})")
        return self.plans[name]

    def schedule(self, name: str):
        """The cent-exact schedule of the named plan on the case's claim.

        120,000.00 at 6 % over 12 months: ``120,000 × 0.005 / (1 − 1.005^−12) = 10,327.97``.

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> case.schedule("12 months").payment
        Decimal('10327.97')
        """
        return self.plan(name).schedule(self.claim)

    def evaluate(self, names=None, **kwargs):
        """:func:`repayplan.evaluate` of the named plans (default all), as a DataFrame.

        Keywords go to :func:`repayplan.evaluate`; the case's ``borrower_side`` is used
        unless one is given.  With 15,000.00 of cash a month, the coverage of the largest
        payments (10,327.99 and 5,318.58, the last ones) is 1.45 and 2.82:

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> case.evaluate()[["peak_payment", "total_paid", "min_dscr"]].round(2)
                  peak_payment  total_paid  min_dscr
        plan
        12 months     10327.99   123935.66      1.45
        24 months      5318.58   127643.39      2.82
        """
        from ..evaluate import evaluate

        if self.borrower_side is not None:
            kwargs.setdefault("borrower", self.borrower_side)
        plans = self._plan_list(names)
        return evaluate(plans, self.claim, self.cashflow, self.creditor, **kwargs)

    def compare(self, names=None, *, lang: str = "en"):
        """:func:`repayplan.compare` of the named plans (default all).

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> case.compare().formatted().loc[["Total paid", "Largest payment"]]
        plan               12 months   24 months
        Total paid       123,935.66*  127,643.39
        Largest payment    10,327.99   5,318.58*
        """
        from ..compare import compare

        plans = self._plan_list(names)
        return compare(
            plans,
            self.claim,
            self.cashflow,
            self.creditor,
            lang=lang,
            metrics=self.evaluate(names),
            constraints=getattr(self.negotiation, "constraints", None),
        )

    def negotiate(self, **overrides):
        """:func:`repayplan.negotiate` on the case, with its settings; keywords override them.

        The case's rule set, ``borrower_side`` and :class:`Settings` are used unless a
        keyword says otherwise.  Here the creditor's best plan among 6, 12 and 24 months
        for a borrower with 15,000.00 a month: six months asks 20,351.45 a month, more
        than the cash.

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> res = case.negotiate(space=rp.SearchSpace(term=[6, 12, 24]), objective="creditor")
        >>> res.best.term, res.candidates["term"].tolist()
        (24, [24, 12])
        """
        from ..negotiate import negotiate

        kwargs = {**self.negotiation.kwargs(), **overrides}
        if self.borrower_side is not None:
            kwargs.setdefault("borrower", self.borrower_side)
        if self.rules != self.claim.rules.name:
            kwargs.setdefault("rules", self.rules)
        return negotiate(self.claim, self.cashflow, self.creditor, **kwargs)

    def _plan_list(self, names) -> list[Plan]:
        if names is None:
            if not self.plans:
                raise InputError("plans", [], "at least one plan in the case")
            return list(self.plans.values())
        if isinstance(names, str):
            names = [names]
        if isinstance(names, Mapping) or not isinstance(
            names, (Sequence, set, frozenset, np.ndarray)
        ):
            raise InputError("names", names, "None, a plan's name or a list of names")
        return [self.plan(n) for n in names]

    def replace(self, **changes) -> Case:
        """A copy with some fields changed (validated again).

        A new ``cashflow`` that is a CashFlow drops the old projection.

        Examples
        --------
        >>> case = Case.sample()
        >>> case.replace(title="Renegotiation").title
        'Renegotiation'
        """
        if "cashflow" in changes and "projection" not in changes:
            changes["projection"] = None
        if "creditor" in changes and "creditor_party" not in changes:
            new = changes["creditor"]
            assert self.creditor_party is not None  # filled in from the creditor
            if isinstance(new, Creditor) and new.name and new.name != self.creditor_party.name:
                changes["creditor_party"] = self.creditor_party.replace(name=new.name)
        elif "creditor_party" in changes and "creditor" not in changes:
            new = changes["creditor_party"]
            name = new.name if isinstance(new, Party) else new
            if isinstance(name, str):
                changes["creditor"] = self.creditor.replace(name=name)
        return dataclasses.replace(self, **changes)

    def with_plan(self, plan: Plan, name: str | None = None) -> Case:
        """A copy with ``plan`` added (or replacing the plan of the same name).

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> bigger = case.with_plan(rp.Plan(term=18), name="18 months")
        >>> list(bigger.plans), list(case.plans)
        (['12 months', '24 months', '18 months'], ['12 months', '24 months'])
        >>> bigger.plans["18 months"]
        Plan('18 months': term=18)
        """
        if not isinstance(plan, Plan):
            raise InputError("plan", plan, "a repayplan.Plan")
        if name is not None and not isinstance(name, str):
            raise InputError("name", name, "None or text: the name of the plan")
        name = name or plan.name
        if not name:
            raise InputError("name", name, "a name for the plan")
        plans = dict(self.plans)
        plans[name] = plan.replace(name=name) if plan.name != name else plan
        return self.replace(plans=plans)

    # -- equality and display -------------------------------------------------------------
    def __eq__(self, other):
        if not isinstance(other, Case):
            return NotImplemented
        return (
            self.borrower == other.borrower
            and self.borrower_side == other.borrower_side
            and self.negotiation == other.negotiation
            and self.creditor_party == other.creditor_party
            and self.creditor == other.creditor
            and self.claim == other.claim
            and _same_loan(self.claim, other.claim)
            and self.cashflow == other.cashflow
            and self.projection == other.projection
            and list(self.plans.items()) == list(other.plans.items())
            and self.rules == other.rules
            and self.title == other.title
            and self.contract == other.contract
            and self.notes == other.notes
            and _same(self.meeting, other.meeting)
        )

    __hash__ = None  # type: ignore[assignment]  # unhashable on purpose: equality is by value

    def __repr__(self) -> str:
        u = self.claim.minor_units
        plans = ", ".join(repr(n) for n in self.plans) or "none"
        cash = "projected" if self.projection is not None else "data"
        title = f"{self.title!r}: " if self.title else ""
        return (
            f"Case({title}{self.borrower.name} owes {self.creditor.name} "
            f"{self.claim.total:,.{u}f} {self.claim.currency} as of {self.claim.as_of}; "
            f"cash flow {cash}, {self.cashflow.n_scenarios} x {self.cashflow.months} months "
            f"from {self.cashflow.start}; rules {self.rules!r}; plans: {plans})"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("Borrower", self.borrower.name),
            ("Creditor", self.creditor.name),
            ("Claim", repr(self.claim)),
            ("Cash flow", repr(self.cashflow)),
            ("Rules", self.rules),
        ]
        rows += [(f"Plan {n!r}", p.describe()) for n, p in self.plans.items()]
        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
        return f"<div><b>{escape(self.title or 'Case')}</b><table>{body}</table></div>"

    # -- files -----------------------------------------------------------------------------
    @classmethod
    def sample(cls) -> Case:
        """The sample case shipped with the package (``repayplan/data/sample_case.toml``).

        A mid-sized manufacturer, about 1.2 million yuan overdue to a bank branch under
        ``cn-bank``, with seasonal cash, falling orders and the risk of losing its main
        customer, and four candidate plans.

        Examples
        --------
        >>> case = Case.sample()
        >>> case.borrower.name, list(case.plans)
        ('华东精密机械有限公司', ['Bank proposal', 'Borrower proposal', 'Seasonal 48', 'Settlement'])
        """
        return cls.loads(sample_text(), "toml", source="sample_case.toml")

    @classmethod
    def load(cls, path, *, format: str | None = None) -> Case:
        """Read a case file (TOML or JSON, by suffix unless ``format`` is given).

        Raises
        ------
        CaseError
            The file cannot be read, is not valid TOML/JSON, or has problems; every
            problem is listed with its location (``plans[2].term: -6 is not ...``).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "huadong.toml"
        ...     Case.sample().save(path)
        ...     case = Case.load(path)
        >>> case == Case.sample(), list(case.plans)[:2]
        (True, ['Bank proposal', 'Borrower proposal'])
        """
        source = os.fspath(check_path(path))
        fmt = _format_of(source, format)
        try:
            size = os.path.getsize(source)
            if size > 4 * MAX_CASE_CHARS:  # refused before it is read into memory
                raise CaseError(
                    [
                        (
                            "",
                            f"is {size:,} bytes; a case file has at most {MAX_CASE_CHARS:,} "
                            "characters",
                        )
                    ],
                    source,
                )
            with open(source, "rb") as fh:
                raw = fh.read(4 * MAX_CASE_CHARS + 1)
        except OSError as e:
            raise CaseError([("", f"cannot read the file ({e.strerror or e})")], source) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise CaseError([("", f"is not UTF-8 text (byte {e.start})")], source) from None
        return cls.loads(text, fmt, source=source)

    @classmethod
    def loads(cls, text: str, format: str = "toml", *, source: str = "<string>") -> Case:
        """A case from the text of a case file.

        Parameters
        ----------
        text : str
            TOML or JSON text (see the module docstring for the schema).
        format : {"toml", "json"}
        source : str
            The name problems are reported under.

        Examples
        --------
        >>> text = '''
        ... [borrower]
        ... name = "Acme Ltd"
        ... [creditor]
        ... name = "First Bank"
        ... [claim]
        ... principal = 120000.00
        ... annual_rate = 0.06
        ... as_of = 2026-06-30
        ... [cashflow]
        ... base = 15000.00
        ... months = 24
        ... start = "2026-07"
        ... seed = 1
        ... [[plans]]
        ... name = "12 months"
        ... term = 12
        ... '''
        >>> case = Case.loads(text)
        >>> case
        Case(Acme Ltd owes First Bank 120,000.00 CNY as of 2026-06-30; cash flow projected,
             1 x 24 months from 2026-07; rules 'generic'; plans: '12 months')
        >>> case.claim.principal
        Decimal('120000.00')

        Every problem is reported at once, with its place in the file:

        >>> Case.loads(text.replace("term = 12", "term = -6").replace("seed = 1", ""),
        ...            source="acme.toml")
        Traceback (most recent call last):
        ...
        repayplan.case.CaseError: acme.toml: cashflow.seed: is missing (required)
        acme.toml: plans[0].term: -6 is not a whole number from 1 to 1200
        """
        if not isinstance(source, str):
            raise InputError("source", source, "text: the name problems are reported under")
        if not isinstance(text, str):
            raise InputError("text", type(text).__name__, "the text of a case file (str)")
        if not isinstance(format, str):
            raise InputError("format", format, "'toml' or 'json'")
        fmt = _format_of(source, format)
        if len(text) > MAX_CASE_CHARS:
            raise CaseError(
                [
                    (
                        "",
                        f"is {len(text):,} characters long; a case file has at most "
                        f"{MAX_CASE_CHARS:,}",
                    )
                ],
                source,
            )
        try:
            if fmt == "toml":
                import tomllib

                try:
                    data = tomllib.loads(text, parse_float=Decimal)
                except tomllib.TOMLDecodeError as e:
                    raise CaseError([("", f"is not valid TOML: {e}")], source) from None
                except ValueError:  # an integer too long for Python to convert (> 4,300 digits)
                    raise CaseError(
                        [
                            (
                                _long_number_line(text),
                                f"has a number of more than {MAX_DIGITS} digits",
                            )
                        ],
                        source,
                    ) from None
            else:
                try:
                    data = json.loads(text, parse_float=Decimal, parse_int=_json_int)
                except json.JSONDecodeError as e:
                    raise CaseError(
                        [("", f"is not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})")],
                        source,
                    ) from None
        except RecursionError:
            raise CaseError(
                [("", f"is nested more than {MAX_DEPTH} levels deep")], source
            ) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data, *, source: str = "<dict>") -> Case:
        """A case from the parsed structure of a case file (see the module docstring).

        Dates and amounts may be given as text, as JSON gives them:

        >>> case = Case.from_dict({
        ...     "borrower": {"name": "Acme Ltd"}, "creditor": {"name": "First Bank"},
        ...     "claim": {"principal": "120000.00", "annual_rate": "0.06", "as_of": "2026-06-30"},
        ...     "cashflow": {"start": "2026-07", "values": [15000.0] * 12},
        ...     "plans": [{"name": "12 months", "term": 12}]})
        >>> case.claim.as_of, case.cashflow.months, list(case.plans)
        (datetime.date(2026, 6, 30), 12, ['12 months'])
        """
        if not isinstance(source, str):
            raise InputError("source", source, "text: the name problems are reported under")
        deep, snan = _walk(data)
        if deep is not None:
            raise CaseError([(deep, f"is nested more than {MAX_DEPTH} levels deep")], source)
        if snan:  # it signals on any comparison, so it is reported before anything reads it
            raise CaseError([(loc, "sNaN is not a number") for loc in snan], source)
        problems = _Problems()
        case = _read_case(data, problems)
        if problems or case is None:
            raise CaseError(problems.items, source)
        return case

    def to_dict(self) -> dict:
        """The case as the structure of a case file (Decimals, dates, floats, text).

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> doc = case.to_dict()
        >>> doc["claim"]["principal"], doc["claim"]["as_of"], doc["plans"][1]
        (Decimal('120000.00'), datetime.date(2026, 6, 30), {'name': '24 months', 'method': 'level', 'term': 24})
        >>> Case.from_dict(doc) == case
        True
        """
        return _case_doc(self)

    def dumps(self, format: str = "toml") -> str:
        """The text of the case file, TOML (``"toml"``) or JSON (``"json"``).

        Amounts are written digit for digit (TOML decimal literals; JSON strings):

        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> toml = case.dumps()
        >>> print(toml[toml.index("[claim]"):toml.index("[cashflow]")].strip())
        [claim]
        as_of = 2026-06-30
        currency = "CNY"
        principal = 120000.00
        overdue_principal = 0.00
        interest = 0.00
        penalty = 0.00
        compound = 0.00
        fees = 0.00
        enforcement_costs = 0.00
        annual_rate = 0.06
        penalty_markup = 0
        >>> '"principal": "120000.00"' in case.dumps("json")
        True
        >>> Case.loads(case.dumps("json"), "json") == case == Case.loads(toml)
        True
        """
        if not isinstance(format, str) or format not in FORMATS.values():
            raise InputError("format", format, "'toml' or 'json'")
        fmt = _format_of("<string>", format)
        doc = self.to_dict()
        return _toml_dumps(doc) if fmt == "toml" else _json_dumps(doc)

    def save(self, path, *, format: str | None = None) -> None:
        """Write the case file atomically (a temporary file renamed over ``path``).

        The target is always either the old file, untouched, or the complete new one.

        Examples
        --------
        >>> from datetime import date
        >>> import repayplan as rp
        >>> case = Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...             claim=rp.Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 6, 30)),
        ...             cashflow=rp.CashFlow([15_000.0] * 24, start="2026-07"),
        ...             plans=[rp.Plan(term=12, name="12 months"), rp.Plan(term=24, name="24 months")])
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "acme.json"
        ...     case.save(path)                       # JSON, by the suffix
        ...     print(path.read_text(encoding="utf-8").splitlines()[:2])
        ...     print(Case.load(path) == case)
        ['{', '  "format_version": 1,']
        True
        """
        target = os.fspath(check_path(path))
        text = self.dumps(_format_of(target, format))
        write_atomic(target, text)


def sample_text() -> str:
    """The text of the shipped sample case file (with its comments)."""
    return (
        resources.files("repayplan").joinpath("data/sample_case.toml").read_text(encoding="utf-8")
    )


def _format_of(source: str, format: str | None) -> str:
    if format is not None:
        if not isinstance(format, str) or format not in FORMATS.values():
            raise InputError("format", format, "'toml' or 'json'")
        return format
    suffix = os.path.splitext(source)[1].lower()
    if suffix not in FORMATS:
        raise CaseError(
            [("", f"has the suffix {suffix or '(none)'!r}; a case file is .toml or .json")], source
        )
    return FORMATS[suffix]


def _named_plans(plans) -> dict[str, Plan]:
    if isinstance(plans, Mapping):
        items = list(plans.items())
    elif isinstance(plans, (str, bytes)) or not isinstance(plans, Sequence):
        raise InputError(
            "plans", plans, "a mapping of names to Plans, or a sequence of named Plans"
        )
    else:
        items = []
        for i, p in enumerate(plans):
            if not isinstance(p, Plan):
                raise InputError(f"plans[{i}]", p, "a repayplan.Plan")
            items.append((p.name, p))
    out: dict[str, Plan] = {}
    for i, (name, p) in enumerate(items):
        if not isinstance(p, Plan):
            raise InputError(f"plans[{i}]", p, "a repayplan.Plan")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"plans[{i}].name", name, "a non-empty name")
        _check_text(f"plans[{i}].name", name)
        if p.name and p.name != name:
            raise InputError(f"plans[{i}].name", p.name, f"the key it is listed under ({name!r})")
        if name in out:
            raise InputError(f"plans[{i}].name", name, "a name no other plan of the case has")
        out[name] = p if p.name else p.replace(name=name)
    return out


_SCALARS = (str, bool, int, Decimal)


def _meeting_entries(meeting) -> tuple:
    if isinstance(meeting, (str, bytes, Mapping)) or not isinstance(meeting, Sequence):
        raise InputError("meeting", meeting, "a list of entries (mappings)")
    return tuple(_meeting_entry(i, entry) for i, entry in enumerate(meeting))


def _meeting_entry(i: int, entry) -> MappingProxyType:
    if not isinstance(entry, Mapping):
        raise InputError(f"meeting[{i}]", entry, "a mapping (a [[meeting]] table)")
    clean = {}
    for k, v in entry.items():
        loc = f"meeting[{i}].{k}"
        if not isinstance(k, str) or not k:
            raise InputError(f"meeting[{i}]", k, "keys that are non-empty text")
        clean[k] = check_date(loc, v) if k == "date" else _meeting_value(loc, v)
    return MappingProxyType(clean)


def _meeting_value(loc: str, v):
    # Whole numbers only: JSON cannot tell a decimal from text, so an amount is recorded as
    # text ("50000.00") and read exactly wherever it is used.
    allowed = (
        "text, a whole number, true/false or a list of them (a date only under the key "
        "'date'; an amount as text, \"50000.00\")"
    )
    if isinstance(v, (list, tuple)):
        return tuple(_meeting_value(f"{loc}[{j}]", x) for j, x in enumerate(v))
    if isinstance(v, str):
        return _check_text(loc, v)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    raise InputError(loc, v, allowed)


def _same(a, b) -> bool:
    """Equal values, numbers compared by their decimal value (0.05 == Decimal('0.05'))."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        # keys as a set: the order of keyword options means nothing (and TOML writes tables last)
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    num = (int, float, Decimal, np.integer, np.floating)
    if (
        isinstance(a, num)
        and isinstance(b, num)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        try:
            return as_decimal("a", a) == as_decimal("b", b)
        except InputError:
            return False
    return type(a) is type(b) and a == b


def _same_loan(a: Claim, b: Claim) -> bool:
    if (a.loan is None) != (b.loan is None):
        return False
    if a.loan is None:
        return True
    la, lb = a.loan, b.loan
    for f in dataclasses.fields(Loan):
        x, y = getattr(la, f.name), getattr(lb, f.name)
        if f.name in ("method", "options"):
            if not _same(x, y):
                return False
        elif x != y:
            return False
    return a.history == b.history


# ----------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------
def _table(
    data, loc: str, problems: _Problems, keys: Sequence[str], *, required=(), what="a table"
):
    """``data`` as a dict with only ``keys``; unknown or missing keys are problems."""
    if not isinstance(data, Mapping):
        problems.add(loc, f"{show_value(data)} is not {what}")
        return None
    out = {}
    for k, v in data.items():
        if k not in keys:
            where = f"[{loc.split('[')[0]}]" if loc else "a case file"
            problems.add(
                _join(loc, str(k)), f"is not a key of {where}; allowed: " + ", ".join(keys)
            )
        else:
            out[k] = v
    for k in required:
        if k not in data:
            problems.add(_join(loc, k), "is missing (required)")
    return out


def _list_of_tables(data, loc: str, problems: _Problems) -> list:
    if not isinstance(data, list):
        problems.add(loc, f"{show_value(data)} is not an array of tables ([[{loc}]])")
        return []
    return data


def _read_case(data, problems: _Problems) -> Case | None:
    doc = _table(
        data,
        "",
        problems,
        _TOP_KEYS,
        required=("borrower", "creditor", "claim", "cashflow"),
        what="a case (a table)",
    )
    if doc is None:
        return None
    version = doc.get("format_version", FORMAT_VERSION)
    if (
        type(version) is not type(FORMAT_VERSION) or version != FORMAT_VERSION
    ):  # not bool, array, ...
        problems.add(
            "format_version",
            f"{show_value(version)} is not {FORMAT_VERSION} "
            "(the case-file format this version of repayplan reads)",
        )
    texts = {}
    for k in ("title", "notes", "contract"):
        if k in doc:
            texts[k] = _attempt(problems, "", lambda k=k: _check_text(k, doc[k]), value=doc[k])
    rules = doc.get("rules")
    if rules is not None:
        if _attempt(problems, "", lambda: _check_rule_name("rules", rules), value=rules) is None:
            rules = None
    borrower, side = (
        _read_borrower(doc["borrower"], problems) if "borrower" in doc else (None, None)
    )
    settings = _read_settings(doc.get("negotiation", {}), problems)
    creditor, party = (
        _read_creditor(doc["creditor"], problems) if "creditor" in doc else (None, None)
    )
    claim = _read_claim(doc, rules, problems)
    cashflow, projection = (
        _read_cashflow(doc["cashflow"], claim, problems) if "cashflow" in doc else (None, None)
    )
    plans = _read_plans(doc.get("plans", []), problems)
    if "security" in doc and claim is not None:  # the creditor's alternative from its security
        enforcement = _read_security(doc["security"], claim, problems)
        if enforcement is not None and creditor is not None:
            creditor = creditor.replace(enforcement=enforcement)
    meeting = [
        _attempt(problems, "", lambda i=i, m=m: _meeting_entry(i, m))
        for i, m in enumerate(_list_of_tables(doc.get("meeting", []), "meeting", problems))
    ]
    if problems:
        return None
    return _attempt(
        problems,
        "",
        lambda: Case(  # no problems: every part was read, none is None (hence the ignores)
            borrower,  # type: ignore[arg-type]
            creditor,  # type: ignore[arg-type]
            claim,  # type: ignore[arg-type]
            projection if projection is not None else cashflow,  # type: ignore[arg-type]
            plans,
            creditor_party=party,
            borrower_side=side,
            negotiation=settings,  # type: ignore[arg-type]
            rules=rules,
            title=texts.get("title") or "",
            contract=texts.get("contract") or "",
            notes=texts.get("notes") or "",
            meeting=tuple(meeting),
        ),
    )


def _check_rule_name(field_name: str, value) -> str:
    if not isinstance(value, str) or value not in _rules.names():
        raise InputError(field_name, value, "one of " + ", ".join(map(repr, _rules.names())))
    return value


def _party_table(data, loc: str, problems: _Problems, extra=()) -> dict | None:
    return _table(
        data,
        loc,
        problems,
        _PARTY_KEYS + tuple(extra),
        required=("name",),
        what=f'a table [{loc}] with name = "..."',
    )


def _read_party(tab: dict, loc: str, problems: _Problems) -> Party | None:
    party = {k: v for k, v in tab.items() if k in _PARTY_KEYS}
    if "name" not in party:
        return None
    return _build(Party, party, loc, problems, base=lambda k: {"name": "x"})


def _read_borrower(data, problems: _Problems):
    tab = _party_table(data, "borrower", problems, extra=_BORROWER_KEYS)
    if tab is None:
        return None, None
    side = None
    kw = {k: v for k, v in tab.items() if k in _BORROWER_KEYS}
    if kw:
        side = _build(Borrower, kw, "borrower", problems)
    return _read_party(tab, "borrower", problems), side


def _read_settings(data, problems: _Problems) -> Settings | None:
    tab = _table(data, "negotiation", problems, _SETTINGS_KEYS)
    if tab is None:
        return None
    kw = dict(tab)
    if "constraints" in kw:
        ctab = _table(kw["constraints"], "negotiation.constraints", problems, _CONSTRAINT_KEYS)
        if ctab is None:
            return None
        defaults = {f.name: f.default for f in dataclasses.fields(Constraints)}
        cw = {}
        for k, v in ctab.items():
            if isinstance(v, str) and v == "none" and defaults[k] is not None:
                v = None  # TOML has no null: "none" lifts a constraint that has a default
            if isinstance(defaults[k], bool) and not isinstance(v, bool):
                problems.add(
                    f"negotiation.constraints.{k}", f"{show_value(v)} is not true or false"
                )
                return None
            cw[k] = v
        kw["constraints"] = _build(Constraints, cw, "negotiation.constraints", problems)
        if kw["constraints"] is None:
            return None
    return _build(Settings, kw, "negotiation", problems)


def _read_creditor(data, problems: _Problems):
    tab = _party_table(data, "creditor", problems, extra=_CREDITOR_KEYS)
    if tab is None:
        return None, None
    party = _read_party(tab, "creditor", problems)
    enf_tab = _table(
        tab.get("enforcement", {}), "creditor.enforcement", problems, _ENFORCEMENT_KEYS
    )
    enforcement = (
        _build(Enforcement, enf_tab, "creditor.enforcement", problems)
        if enf_tab is not None
        else None
    )
    kw = {"discount_rate": tab["discount_rate"]} if "discount_rate" in tab else {}
    if enforcement is None or party is None:
        _build(Creditor, kw, "creditor", problems)
        return None, None
    creditor = _build(
        Creditor, {**kw, "enforcement": enforcement, "name": party.name}, "creditor", problems
    )
    return creditor, party


def _read_security(data, claim: Claim, problems: _Problems):
    """``[security]``: collateral, guarantees and the court procedure -> Enforcement.from_security."""
    from ..security import Collateral, Guarantee, Procedure, Security

    tab = _table(data, "security", problems, _SECURITY_KEYS)
    if tab is None:
        return None
    exact = tab.get("exact", False)
    if not isinstance(exact, bool):
        problems.add("security.exact", f"{show_value(exact)} is not true or false")
        return None
    if "seed" not in tab and not exact:
        problems.add(
            "security.seed", "is missing (required, so that the case reloads to the same scenarios)"
        )
    coll_keys = tuple(f.name for f in dataclasses.fields(Collateral))
    coll = []
    for i, c in enumerate(
        _list_of_tables(tab.get("collateral", []), "security.collateral", problems)
    ):
        loc = f"security.collateral[{i}]"
        ct = _table(c, loc, problems, coll_keys, required=("name", "appraisal", "kind"))
        if ct is not None:
            if isinstance(ct.get("sale_probabilities"), list):
                ct["sale_probabilities"] = tuple(ct["sale_probabilities"])
            if isinstance(ct.get("prior_claims"), list):  # one amount per earlier rank
                ct["prior_claims"] = tuple(ct["prior_claims"])
            coll.append(
                _build(
                    Collateral,
                    ct,
                    loc,
                    problems,
                    skip=("sale_probabilities", "lien_rank", "prior_claims"),
                    base=lambda k: {"name": "x", "appraisal": 1, "kind": "real_estate"},
                )
            )
    guar_keys = tuple(f.name for f in dataclasses.fields(Guarantee))
    guar = []
    for i, g in enumerate(
        _list_of_tables(tab.get("guarantees", []), "security.guarantees", problems)
    ):
        loc = f"security.guarantees[{i}]"
        gt = _table(g, loc, problems, guar_keys, required=("name", "capacity"))
        if gt is not None:
            guar.append(
                _build(Guarantee, gt, loc, problems, base=lambda k: {"name": "x", "capacity": 0})
            )
    proc_keys = tuple(f.name for f in dataclasses.fields(Procedure))
    pt = _table(tab.get("procedure", {}), "security.procedure", problems, proc_keys)
    proc = _build(Procedure, pt, "security.procedure", problems) if pt is not None else None
    kw = {k: tab[k] for k in ("unsecured_recovery",) if k in tab}
    if problems or None in coll or None in guar or proc is None:
        return None
    sec = _build(Security, {"collateral": coll, "guarantees": guar, **kw}, "security", problems)
    opts = {k: tab[k] for k in ("scenarios", "seed") if k in tab}
    if sec is None:
        return None
    return _attempt(
        problems,
        "security",
        lambda: Enforcement.from_security(sec, claim, procedure=proc, exact=exact, **opts),
    )


def _security_doc(path) -> dict:
    from ..security import KINDS, Procedure

    if not path.exact and not (isinstance(path.seed, int) and not isinstance(path.seed, bool)):
        raise InputError(
            "creditor.enforcement.path.seed",
            path.seed,
            "a whole-number seed (or exact=True), so that the saved case reloads to the same scenarios",
        )
    sec = path.security
    doc: dict = {"unsecured_recovery": sec.unsecured_recovery}
    if path.exact:
        doc["exact"] = True
    else:
        doc["scenarios"] = path.scenarios
        doc["seed"] = path.seed
    proc = {
        f.name: getattr(path.procedure, f.name)
        for f in dataclasses.fields(Procedure)
        if getattr(path.procedure, f.name) != f.default
    }
    if proc:
        doc["procedure"] = proc
    coll = []
    for c in sec.collateral:
        d = {
            "name": c.name,
            "kind": c.kind,
            "appraisal": c.appraisal,
            "lien_rank": c.lien_rank,
            "prior_claims": list(c.prior_ranks) if len(c.prior_ranks) > 1 else c.prior_claims,
        }
        for k in ("haircut", "time_to_sell", "sale_probabilities"):
            default = KINDS[c.kind][k]
            if getattr(c, k) != default:
                d[k] = list(c.sale_probabilities) if k == "sale_probabilities" else getattr(c, k)
        coll.append(d)
    if coll:
        doc["collateral"] = coll
    guar = [
        {
            "name": g.name,
            "kind": g.kind,
            "capacity": g.capacity,
            "recovery_rate": g.recovery_rate,
            "collection_months": g.collection_months,
        }
        for g in sec.guarantees
    ]
    if guar:
        doc["guarantees"] = guar
    return doc


def _read_amount_list(data, loc: str, problems: _Problems) -> list:
    rows = _list_of_tables(data, loc, problems)
    out = []
    for i, row in enumerate(rows):
        where = f"{loc}[{i}]"
        tab = _table(
            row,
            where,
            problems,
            ("date", "amount"),
            required=("date", "amount"),
            what="a table {date = YYYY-MM-DD, amount = ...}",
        )
        if tab is None or len(tab) < 2:
            continue
        day = _attempt(
            problems, where, lambda t=tab: check_date("date", t["date"]), value=tab["date"]
        )
        amount = _attempt(
            problems,
            where,
            lambda t=tab: check_amount("amount", t["amount"], allow_zero=True),
            value=tab["amount"],
        )
        if day is not None and amount is not None:
            out.append((day, tab["amount"]))
    return out


def _read_claim(doc, rules, problems: _Problems) -> Claim | None:
    if "claim" not in doc:
        return None
    if "loan" in doc:
        tab = _table(
            doc["claim"],
            "claim",
            problems,
            ("as_of", "accelerated"),
            required=("as_of",),
            what="a table [claim] with as_of = YYYY-MM-DD",
        )
        loan_tab = _table(
            doc["loan"],
            "loan",
            problems,
            _LOAN_KEYS + _LOAN_HISTORY,
            required=("principal", "annual_rate", "periods", "start"),
        )
        if tab is None or loan_tab is None:
            return None
        history = {
            k: _read_amount_list(loan_tab[k], f"loan.{k}", problems)
            for k in _LOAN_HISTORY
            if k in loan_tab
        }
        kw = {k: v for k, v in loan_tab.items() if k in _LOAN_KEYS}
        if "rules" not in kw and rules is not None:
            kw["rules"] = rules
        if "options" in kw:
            kw["options"] = _read_options(kw["options"], problems)
        if "method" in kw and isinstance(kw["method"], list):
            kw["method"] = tuple(kw["method"])
        if (
            "rules" in kw
            and _attempt(
                problems, "loan", lambda: _check_rule_name("rules", kw["rules"]), value=kw["rules"]
            )
            is None
        ):
            return None
        base = {"principal": 1, "annual_rate": 0, "periods": 1, "start": _dt.date(2000, 1, 1)}
        custom = () if isinstance(kw.get("method", ""), str) else ("method",)
        loan = _build(
            Loan, kw, "loan", problems, base=lambda k: dict(base), skip=("options",) + custom
        )
        if loan is None or problems:
            return None
        rename = {"as_of": "claim.as_of", "accelerate": "claim.accelerated"}
        return _attempt(problems, "", lambda: _loan_claim(loan, tab, history), rename=rename)
    tab = _table(
        doc["claim"], "claim", problems, _CLAIM_KEYS, required=("principal", "annual_rate", "as_of")
    )
    if tab is None:
        return None
    kw = dict(tab)
    if "rules" not in kw and rules is not None:
        kw["rules"] = rules
    if (
        "rules" in kw
        and _attempt(
            problems, "claim", lambda: _check_rule_name("rules", kw["rules"]), value=kw["rules"]
        )
        is None
    ):
        return None
    base = {
        "principal": _BIG,
        "interest": _BIG,
        "penalty": _BIG,
        "fees": _BIG,
        "annual_rate": 0,
        "as_of": _dt.date(2000, 1, 1),
    }
    return _build(Claim, kw, "claim", problems, base=lambda k: dict(base))


def _loan_claim(loan: Loan, tab: dict, history: dict) -> Claim:
    try:
        return loan.claim(
            tab["as_of"],
            history.get("payments", ()),
            costs=history.get("costs", ()),
            fees=history.get("fees", ()),
            accelerate=tab.get("accelerated"),
        )
    except InputError as e:
        # the loan reports its history as payments[i]; the file has them under [loan]
        if e.field.split("[")[0] in _LOAN_HISTORY:
            raise InputError("loan." + e.field, e.value, e.allowed, e.hint) from None
        raise


def _read_options(data, problems: _Problems):
    if not isinstance(data, Mapping):
        problems.add(
            "loan.options", f"{show_value(data)} is not a table of further amortize keywords"
        )
        return {}
    out = dict(data)
    loc = "loan.options"
    for k in ("fee", "payment"):  # amounts, written as text in JSON
        if isinstance(out.get(k), str):
            out[k] = _attempt(problems, loc, lambda k=k: as_decimal(k, out[k]), value=out[k])
    if isinstance(out.get("rate_changes"), Mapping):
        changes = {}
        for k, v in out["rate_changes"].items():
            try:
                period = int(k)
            except (TypeError, ValueError):
                problems.add(f"{loc}.rate_changes.{k}", "is not a period number")
                continue
            changes[period] = (
                _attempt(
                    problems, f"{loc}.rate_changes", lambda k=k, v=v: as_decimal(k, v), value=v
                )
                if isinstance(v, str)
                else v
            )
        out["rate_changes"] = changes
    if isinstance(out.get("holidays"), list):  # dates, written as text in JSON
        out["holidays"] = [
            _attempt(problems, f"{loc}.holidays", lambda i=i, d=d: check_date(f"[{i}]", d), value=d)
            for i, d in enumerate(out["holidays"])
        ]
    return out


def _read_cashflow(data, claim: Claim | None, problems: _Problems):
    if not isinstance(data, Mapping):
        problems.add("cashflow", f"{show_value(data)} is not a table [cashflow]")
        return None, None
    currency = claim.currency if claim is not None else "CNY"
    if "values" in data or "base" not in data:
        if "base" in data:
            problems.add("cashflow", "has both base (a projection) and values (data); give one")
            return None, None
        tab = _table(
            data,
            "cashflow",
            problems,
            _DATA_KEYS,
            required=("start", "values"),
            what="a table [cashflow] with base = ... (a projection) or values = [...] (data)",
        )
        if tab is None or "values" not in tab:
            return None, None
        values = _read_values(tab["values"], problems)
        kw = {k: v for k, v in tab.items() if k not in ("values", "source")}
        provenance = _read_source(tab["source"], problems) if "source" in tab else None
        kw.setdefault("currency", currency)
        before = len(problems.items)
        _build(
            CashFlow,
            kw,
            "cashflow",
            problems,
            base=lambda k: {"values": [0.0], "start": "2000-01"},
            trials_only=True,
        )
        if values is None or len(problems.items) > before:
            return None, None
        if "source" in tab and provenance is None:
            return None, None
        return _attempt(
            problems, "cashflow", lambda: CashFlow(values, **kw, provenance=provenance)
        ), None
    tab = _table(data, "cashflow", problems, _PROJECTION_KEYS, required=("base", "months", "seed"))
    if tab is None:
        return None, None
    kw = dict(tab)
    kw.setdefault("currency", currency)
    shocks = []
    for i, sh in enumerate(_list_of_tables(kw.pop("shocks", []), "cashflow.shocks", problems)):
        where = f"cashflow.shocks[{i}]"
        st = _table(sh, where, problems, _SHOCK_KEYS, required=("probability", "impact"))
        if st is not None:
            shocks.append(
                _build(Shock, st, where, problems, base=lambda k: {"probability": 0, "impact": 0})
            )
    before = len(problems.items)
    base = {"base": 1, "months": 1}
    _build(Projection, kw, "cashflow", problems, base=lambda k: dict(base), trials_only=True)
    if len(problems.items) > before or None in shocks:
        return None, None
    projection = _attempt(problems, "cashflow", lambda: Projection(**kw, shocks=tuple(shocks)))
    if projection is None:
        return None, None
    return projection.cashflow(), projection


def _read_source(data, problems: _Problems):
    """[cashflow.source]: a repayplan.cashflow.Provenance, numbers read back to the same float."""
    from ..cashflow import Provenance

    tab = _table(data, "cashflow.source", problems, _SOURCE_KEYS, required=("kind",))
    if tab is None or "kind" not in tab:
        return None
    kw = dict(tab)
    for k in ("history", "notes", "overrides"):
        if k in kw and not isinstance(kw[k], list):
            problems.add(f"cashflow.source.{k}", f"{show_value(kw[k])} is not an array")
            return None
    if "backtest" in kw and not isinstance(kw["backtest"], Mapping):
        problems.add("cashflow.source.backtest", f"{show_value(kw['backtest'])} is not a table")
        return None
    for k in ("history",):
        if k in kw:
            kw[k] = [
                float(x) if isinstance(x, (Decimal, int)) and not isinstance(x, bool) else x
                for x in kw[k]
            ]
    if "backtest" in kw:
        kw["backtest"] = {
            k: float(v) if isinstance(v, Decimal) else v for k, v in kw["backtest"].items()
        }
    return _attempt(problems, "cashflow.source", lambda: Provenance(**kw))


def _source_doc(p) -> dict:
    d: dict = {"kind": p.kind}
    for k in ("description", "model", "calibration"):
        if getattr(p, k):
            d[k] = getattr(p, k)
    if p.history:
        d["history_start"] = str(p.history_start)
        d["history"] = list(p.history)
    if p.backtest:
        d["backtest"] = dict(p.backtest)
    for k in ("notes", "overrides"):
        if getattr(p, k):
            d[k] = list(getattr(p, k))
    return d


def _read_values(values, problems: _Problems):
    """Monthly cash: a list of numbers (one path) or a list of equal-length lists."""
    loc = "cashflow.values"
    if not isinstance(values, list) or not values:
        problems.add(loc, f"{show_value(values)} is not a non-empty array of monthly cash")
        return None
    nested = isinstance(values[0], list)
    rows = values if nested else [values]
    ok = True
    for s, row in enumerate(rows):
        if not isinstance(row, list):
            problems.add(f"{loc}[{s}]", f"{show_value(row)} is not an array (one scenario per row)")
            ok = False
            continue
        if len(row) != len(rows[0]):
            problems.add(
                f"{loc}[{s}]", f"has {len(row)} months, not {len(rows[0])} like the first scenario"
            )
            ok = False
        for t, x in enumerate(row):
            where = f"{loc}[{s}][{t}]" if nested else f"{loc}[{t}]"
            if isinstance(x, bool) or not isinstance(x, (int, Decimal, float)):
                problems.add(where, f"{show_value(x)} is not a number (cash of the month)")
                ok = False
            elif not math.isfinite(x):
                problems.add(where, f"{show_value(x)} is not a finite amount of cash")
                ok = False
    if not ok:
        return None
    return np.array([[float(x) for x in row] for row in rows], dtype=np.float64)


def _read_plans(data, problems: _Problems) -> dict:
    out: dict = {}
    seen: set = set()
    for i, item in enumerate(_list_of_tables(data, "plans", problems)):
        loc = f"plans[{i}]"
        tab = _table(
            item,
            loc,
            problems,
            _PLAN_KEYS,
            required=("name",),
            what='a table [[plans]] with name = "..."',
        )
        if tab is None:
            continue
        kw = dict(tab)
        name = kw.get("name")
        if isinstance(name, str) and name in seen:
            problems.add(
                f"{loc}.name",
                f"{show_value(name)} is the name of an earlier plan; plan names must differ",
            )
            continue
        seen.add(name if isinstance(name, str) else None)
        if isinstance(kw.get("seasonal"), list):
            kw["seasonal"] = tuple(kw["seasonal"])
        plan = _build(
            Plan, kw, loc, problems, base=lambda k: {"term": 1200} if k == "grace" else {}
        )
        if plan is None:
            continue
        if not plan.name.strip():
            problems.add(f"{loc}.name", f"{show_value(plan.name)} is not a non-empty name")
        else:
            out[plan.name] = plan
    return out


# ----------------------------------------------------------------------------------------
# writing: the document
# ----------------------------------------------------------------------------------------
def _case_doc(case: Case) -> dict:
    doc: dict = {"format_version": FORMAT_VERSION}
    if case.title:
        doc["title"] = case.title
    if case.contract:
        doc["contract"] = case.contract
    doc["rules"] = case.rules
    if case.notes:
        doc["notes"] = case.notes
    doc["borrower"] = _party_doc(case.borrower)
    if case.borrower_side is not None:
        doc["borrower"]["discount_rate"] = case.borrower_side.discount_rate
        if case.borrower_side.going_concern_loss is not None:
            doc["borrower"]["going_concern_loss"] = case.borrower_side.going_concern_loss
    assert case.creditor_party is not None and case.rules is not None  # Case fills both in
    cred = _party_doc(case.creditor_party)
    cred["discount_rate"] = case.creditor.discount_rate
    e = case.creditor.enforcement
    if e.path is None:  # built from [security] otherwise
        cred["enforcement"] = {
            "recovery_rate": e.recovery_rate,
            "delay_months": e.delay_months,
            "costs": e.costs,
        }
    doc["creditor"] = cred
    claim = case.claim
    if claim.loan is not None:
        doc["loan"] = _loan_doc(claim, case.rules)
        doc["claim"] = {"as_of": claim.as_of}
        if claim.accelerated is not None:
            doc["claim"]["accelerated"] = claim.accelerated
    else:
        doc["claim"] = _claim_doc(claim, case.rules)
    doc["cashflow"] = _cashflow_doc(case)
    doc["plans"] = [_plan_doc(p) for p in case.plans.values()]
    doc["negotiation"] = _settings_doc(case.negotiation)
    if case.meeting:
        doc["meeting"] = [dict(m) for m in case.meeting]
    if e.path is not None:
        doc["security"] = _security_doc(e.path)
    return doc


def _settings_doc(s: Settings) -> dict:
    d: dict = {}
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    for k in ("objective", "beta", "seed"):
        if k == "objective" or getattr(s, k) != defaults[k]:
            d[k] = getattr(s, k)
    if s.constraints is not None:
        c: dict = {}
        for f in dataclasses.fields(Constraints):
            v = getattr(s.constraints, f.name)
            if v != f.default:
                c[f.name] = "none" if v is None else v
        d["constraints"] = c
    return d


def _party_doc(p: Party) -> dict:
    return {k: getattr(p, k) for k in _PARTY_KEYS if k == "name" or getattr(p, k)}


def _rules_name(rs, field_name: str) -> str:
    name = rs.name
    if name not in _rules.names() or _rules.get(name) != rs:
        raise InputError(
            field_name,
            rs,
            "a rule set shipped with repayplan (by name) to be saved",
            "a custom RuleSet cannot be written to a case file",
        )
    return name


def _penalty_doc(obj) -> dict:
    """The penalty as a markup when that states it exactly, else as a rate (and markup)."""
    if (
        obj.penalty_markup is not None
        and obj.annual_rate * (1 + obj.penalty_markup) == obj.penalty_rate
    ):
        return {"penalty_markup": obj.penalty_markup}
    out = {"penalty_rate": obj.penalty_rate}
    if obj.penalty_markup is not None:
        out["penalty_markup"] = obj.penalty_markup
    return out


def _loan_doc(claim: Claim, case_rules: str) -> dict:
    loan = claim.loan
    assert loan is not None  # called for a claim made from a loan
    units = loan.minor_units
    d: dict = {
        "principal": loan.principal,
        "annual_rate": loan.annual_rate,
        "periods": loan.periods,
        "start": loan.start,
    }
    if isinstance(loan.method, str):
        d["method"] = loan.method
    else:
        d["method"] = [_plain_number("loan.method", x) for x in loan.method]  # type: ignore[attr-defined]  # not a str: the amounts
    if loan.frequency != 12:
        d["frequency"] = loan.frequency
    if loan.day_count != "30/360":
        d["day_count"] = loan.day_count
    d.update(_penalty_doc(loan))
    rules = _rules_name(loan.rules, "loan.rules")
    if rules != case_rules:
        d["rules"] = rules
    d["currency"] = loan.currency
    if loan.signed != loan.start:
        d["signed"] = loan.signed
    if loan.product != "loan":
        d["product"] = loan.product
    if loan.accrual_day_count != loan.rules.accrual_day_count:
        d["accrual_day_count"] = loan.accrual_day_count
    if loan.options:
        d["options"] = {k: _option_value(f"loan.options.{k}", v) for k, v in loan.options.items()}
    for name, items in zip(_LOAN_HISTORY, claim.history, strict=True):
        if items or name == "payments":
            d[name] = [{"date": day, "amount": money.from_minor(a, units)} for day, a in items]
    return d


def _plain_number(loc: str, x):
    if isinstance(x, bool) or not isinstance(x, (int, float, Decimal, np.integer, np.floating)):
        raise InputError(loc, x, "numbers only, to be written to a case file")
    if isinstance(x, (np.integer, int)):
        return int(x)
    return as_decimal(loc, x) if isinstance(x, Decimal) else float(x)


def _option_value(loc: str, v):
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, Mapping):
        return {str(k): _option_value(f"{loc}.{k}", x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_option_value(f"{loc}[{i}]", x) for i, x in enumerate(v)]
    if isinstance(v, (_dt.date,)) and not isinstance(v, _dt.datetime):
        return v
    return _plain_number(loc, v)


def _claim_doc(claim: Claim, case_rules: str) -> dict:
    d: dict = {"as_of": claim.as_of, "currency": claim.currency}
    for k in _CLAIM_AMOUNTS:
        v = getattr(claim, k)
        if k == "overdue_interest" and v == claim.interest:
            continue
        if k == "credit" and not v:
            continue
        d[k] = v
    d["annual_rate"] = claim.annual_rate
    d.update(_penalty_doc(claim))
    rules = _rules_name(claim.rules, "claim.rules")
    if rules != case_rules:
        d["rules"] = rules
    if claim.accrual_day_count != claim.rules.accrual_day_count:
        d["accrual_day_count"] = claim.accrual_day_count
    for k in ("contract_date", "maturity", "term_months", "accelerated"):
        if getattr(claim, k) is not None:
            d[k] = getattr(claim, k)
    if claim.product != "loan":
        d["product"] = claim.product
    return d


def _cashflow_doc(case: Case) -> dict:
    p = case.projection
    if p is None:
        cf = case.cashflow
        d: dict = {"start": str(cf.start)}
        d["values"] = cf.values[0].tolist() if cf.n_scenarios == 1 else cf.values.tolist()
        d["buffer"] = cf.buffer
        d["minimum_cash"] = cf.minimum_cash
        if cf.provenance is not None:
            d["source"] = _source_doc(cf.provenance)
        return d
    d = {"base": p.base, "months": p.months}
    if p.start is not None:
        d["start"] = str(p.start)
    defaults = {f.name: f.default for f in dataclasses.fields(Projection)}
    for k in (
        "trend",
        "seasonality",
        "volatility",
        "persistence",
        "scenarios",
        "seed",
        "buffer",
        "minimum_cash",
    ):
        v = getattr(p, k)
        if k == "seed" or v != defaults[k]:
            d[k] = list(v) if k == "seasonality" else v
    if p.shocks:
        d["shocks"] = [_shock_doc(s) for s in p.shocks]
    return d


def _shock_doc(s: Shock) -> dict:
    d: dict = {"probability": s.probability, "impact": s.impact}
    defaults = {f.name: f.default for f in dataclasses.fields(Shock)}
    for k in ("start", "duration", "end", "per", "label"):
        v = getattr(s, k)
        if v != defaults[k]:
            d[k] = str(v) if isinstance(v, pd.Period) else v
    return d


def _plan_doc(p: Plan) -> dict:
    d: dict = {"name": p.name}
    for f in dataclasses.fields(Plan):
        if f.name in d:
            continue
        v = getattr(p, f.name)
        shown = f.name in ("method", "term") and not p.is_settlement  # the shape of a schedule
        if v is None or (v == f.default and not shown):
            continue
        d[f.name] = list(v) if isinstance(v, tuple) else v
    return d


# ----------------------------------------------------------------------------------------
# writing: TOML and JSON
# ----------------------------------------------------------------------------------------
def _toml_ready(v, loc: str):
    """``v`` in the types tomli-w writes, every number checked finite, named by ``loc`` if not.

    A Decimal with no fraction digits (``Decimal("1E+3")``, ``Decimal("7")``) becomes the TOML
    integer it was written as before (``1000``, ``7``); any other Decimal is handed to tomli-w,
    which writes its digits as they are (``120000.00``; ``1e-7`` for ``Decimal("1E-7")``), so the
    reader's ``parse_float=Decimal`` gives back the same Decimal, digit for digit.
    """
    if isinstance(v, bool) or isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise InputError(loc, v, "a finite number")
        exponent = v.as_tuple().exponent  # an int: v is finite
        return int(v) if isinstance(exponent, int) and exponent >= 0 else v
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(v):
            raise InputError(loc, v, "a finite number")
        return float(v)
    if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
        return v
    if isinstance(v, Mapping):
        return {str(k): _toml_ready(x, f"{loc}.{k}" if loc else str(k)) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_toml_ready(x, f"{loc}[{i}]") for i, x in enumerate(v)]
    raise InputError(loc, v, "a value that can be written to a case file")


def _toml_dumps(doc: dict) -> str:
    import tomli_w

    return "# repayplan case file (see repayplan.case for the schema)\n" + tomli_w.dumps(
        _toml_ready(doc, "")
    )


def _json_ready(v, loc: str):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise InputError(loc, v, "a finite number")
        return format(v, "f")
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(v):
            raise InputError(loc, v, "a finite number")
        return float(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _json_ready(x, f"{loc}.{k}") for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_ready(x, f"{loc}[{i}]") for i, x in enumerate(v)]
    raise InputError(loc, v, "a value that can be written to a case file")


def _json_dumps(doc: dict) -> str:
    return json.dumps(_json_ready(doc, ""), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
