"""The case model: :class:`Party`, :class:`Projection`, :class:`Settings` and :class:`Case`.

A case is validated when it is made, whether from Python or from a file; reading
(:mod:`repayplan.case.read`) and writing (:mod:`repayplan.case.write`) go through it.
:class:`CaseError` lists every problem of a case file with its location.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, field
from decimal import Decimal
from html import escape
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import _value as _v
from .. import rules as _rules
from .._validate import (
    as_decimal,
    check_date,
    check_int,
    check_text,
)
from ..cashflow import CashFlow, Shock
from ..claim import Claim, Loan
from ..errors import InputError, shorten
from ..evaluate import Borrower, Creditor, Enforcement
from ..money import format_number
from ..negotiate import OBJECTIVES, Constraints
from ..plans import Plan

__all__ = ["Case", "CaseError", "Party", "Projection", "Settings", "FORMAT_VERSION", "FORMATS"]

#: The version of the case-file schema this module reads and writes.
FORMAT_VERSION = 1

#: File formats, by suffix.
FORMATS = {".toml": "toml", ".json": "json"}

PARTY_KEYS = ("name", "other_name", "registration", "address", "representative", "account")


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


def party_text(field_name: str, value, *, required: bool = False) -> str:
    """Text that can be written to a file (no lone surrogates); non-empty if required."""
    check_text(field_name, value)  # stored as given; the exports refuse NUL
    if required and not value.strip():
        raise InputError(field_name, value, "a non-empty name")
    return value


# ----------------------------------------------------------------------------------------
# value objects
# ----------------------------------------------------------------------------------------
class Party(_v.Value):
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
    >>> Party("Acme Ltd").replace(representative="Zhang Wei")
    Party(name='Acme Ltd', other_name='', registration='', address='', representative='Zhang Wei', account='')
    """

    name: str = _v.field(check=lambda k, v: party_text(k, v, required=True))
    other_name: str = _v.field(default="", check=party_text)
    registration: str = _v.field(default="", check=party_text)
    address: str = _v.field(default="", check=party_text)
    representative: str = _v.field(default="", check=party_text)
    account: str = _v.field(default="", check=party_text)

    def __str__(self) -> str:
        return self.name


class Projection(_v.Value):
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
    >>> float(p.replace(base=40_000).cashflow().values[0, 0])   # run again
    40000.0
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

    def _check(self) -> None:
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


def _search_seed(name: str, value) -> int:
    """A search seed: a whole number >= 0 (not a bool, not a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(name, value, "a whole number >= 0")
    return check_int(name, value, low=0)


class Settings(_v.Value):
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
    >>> Settings(seed=1).replace(objective="borrower")
    Settings(objective='borrower', beta=0.5, seed=1, constraints=None)
    """

    objective: str = _v.field(default="nash", check=_v.choice(*OBJECTIVES))
    beta: float = _v.field(default=0.5, check=_v.fraction)
    seed: int | None = _v.field(default=None, check=_v.optional(_search_seed))
    constraints: Constraints | None = _v.field(
        default=None,
        check=_v.optional(_v.instance(Constraints, "a repayplan.negotiate.Constraints")),
    )

    def kwargs(self) -> dict:
        """The keywords of :func:`repayplan.negotiate` (``constraints`` only when set).

        >>> Settings(objective="creditor", seed=3).kwargs()
        {'objective': 'creditor', 'beta': 0.5, 'seed': 3}
        """
        out = {"objective": self.objective, "beta": self.beta, "seed": self.seed}
        if self.constraints is not None:
            out["constraints"] = self.constraints
        return out


# ----------------------------------------------------------------------------------------
# Case
# ----------------------------------------------------------------------------------------
class Case(_v.Value, eq=False):
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

    def _check(self) -> None:
        put = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        borrower = self.borrower
        if isinstance(borrower, str):
            borrower = Party(party_text("borrower", borrower, required=True))
        if not isinstance(borrower, Party):
            raise InputError("borrower", self.borrower, "a repayplan.case.Party or a name")
        put("borrower", borrower)
        if not isinstance(self.creditor, Creditor):
            raise InputError("creditor", self.creditor, "a repayplan.Creditor")
        party = self.creditor_party
        if isinstance(party, str):
            party = Party(party_text("creditor_party", party, required=True))
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
        put("title", party_text("title", self.title))
        put("contract", party_text("contract", self.contract))
        put("notes", party_text("notes", self.notes))
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
        return super().replace(**changes)

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
            f"{format_number(self.claim.total, u)} {self.claim.currency} as of {self.claim.as_of}; "
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
        from .read import load

        return load(path, format=format)

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
        repayplan.case.model.CaseError: acme.toml: cashflow.seed: is missing (required)
        acme.toml: plans[0].term: -6 is not a whole number from 1 to 1200
        """
        from .read import loads

        return loads(text, format, source=source)

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
        from .read import from_dict

        return from_dict(data, source=source)

    @classmethod
    def json_schema(cls) -> dict:
        """The JSON Schema of a case file, as pydantic writes it from :mod:`repayplan.case.schema`.

        For editors and other programs that write case files: the tables, their keys, which
        are required, which hold arrays of tables; unknown keys are refused
        (``additionalProperties: false``).  What a value may be is checked by the value
        objects (``{}`` here).

        Examples
        --------
        >>> s = Case.json_schema()
        >>> s["required"], s["additionalProperties"]
        (['borrower', 'creditor', 'claim', 'cashflow'], False)
        >>> s["$defs"]["PlanTable"]["required"], "term" in s["$defs"]["PlanTable"]["properties"]
        (['name'], True)
        """
        from .schema import json_schema

        return json_schema()

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
        from .write import to_dict

        return to_dict(self)

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
        from .write import dumps

        return dumps(self, format)

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
        from .write import save

        save(self, path, format=format)


def sample_text() -> str:
    """The text of the shipped sample case file (with its comments)."""
    return (
        resources.files("repayplan").joinpath("data/sample_case.toml").read_text(encoding="utf-8")
    )


def format_of(source: str, format: str | None) -> str:
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
        party_text(f"plans[{i}].name", name)
        if p.name and p.name != name:
            raise InputError(f"plans[{i}].name", p.name, f"the key it is listed under ({name!r})")
        if name in out:
            raise InputError(f"plans[{i}].name", name, "a name no other plan of the case has")
        out[name] = p if p.name else p.replace(name=name)
    return out


def _meeting_entries(meeting) -> tuple:
    if isinstance(meeting, (str, bytes, Mapping)) or not isinstance(meeting, Sequence):
        raise InputError("meeting", meeting, "a list of entries (mappings)")
    return tuple(meeting_entry(i, entry) for i, entry in enumerate(meeting))


def meeting_entry(i: int, entry) -> MappingProxyType:
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
        return party_text(loc, v)
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
