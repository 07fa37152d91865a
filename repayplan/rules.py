"""Jurisdiction rule sets as data, payment allocation, and :func:`check`.

A :class:`RuleSet` holds what the law (or the contract) says about an overdue loan:
the order in which a partial payment is applied, the range of the penalty rate,
whether unpaid interest bears compound interest, the day count of daily accrual,
rate caps, extension limits and the flags that a restructuring raises.  Every rule
carries its legal citation (:class:`Rule`), so a finding can be shown to a borrower's
lawyer as it stands.

Three rule sets ship with the library (:func:`get`):

``"cn-bank"``
    Loans of Chinese banks: penalty rate the contract rate +30% to +50% and compound
    interest on unpaid interest at the penalty rate (银发〔2003〕251号), extension (展期)
    limits of 《贷款通则》 Art. 12, credit-card personalised instalments (个性化分期) of at
    most 60 months, and the restructured-asset observation period (2023).
``"cn-private"``
    Private lending (民间借贷): contract and overdue rates capped at four times the
    one-year LPR at the contract date (SPC private-lending provisions, 2020 revision,
    Arts. 25, 28), with the LPR table shipped in ``repayplan/data/lpr.csv``.
``"generic"``
    No legal caps; allocation order and penalty configurable (:func:`generic`).

Findings (:class:`Finding`) report; nothing is ever adjusted silently.  A hard rule
broken has severity ``"error"``; later stages use these as constraints.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from importlib import resources

import numpy as np
import pandas as pd

from . import _value as _v
from . import money
from ._memo import Memo
from ._validate import (
    MAX_BATCH_MINOR,
    as_decimal,
    check_bool,
    check_choice,
    check_date,
    check_int,
    check_like,
    check_rate,
    check_text,
)
from .calendar import add_months, months_between, normalize_day_count
from .errors import InputError, RuleViolation
from .money import percent as _pct

__all__ = [
    "KINDS",
    "SEVERITIES",
    "CIVIL_CODE_561",
    "Rule",
    "RuleSet",
    "Finding",
    "Allocation",
    "allocate",
    "normalize_order",
    "get",
    "names",
    "generic",
    "load_lpr",
    "lpr",
    "check",
]

#: The kinds of amount a payment can be applied to.
KINDS: tuple[str, ...] = ("costs", "fees", "penalty", "compound", "interest", "principal")

#: Severities of a finding, hardest first.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")

#: Civil Code Art. 561: costs of realising the claim, then interest, then the principal debt.
#: Penalty and compound interest count as interest; agreed fees rank with the costs.
CIVIL_CODE_561: tuple[tuple[str, ...], ...] = (
    ("costs", "fees"),
    ("penalty", "compound", "interest"),
    ("principal",),
)

_ALLOCATION_BY = ("class", "installment")
_MARKUP_TOLERANCE = Decimal("1e-9")  # float noise in e.g. 0.0435 * 1.3 (0.056549999999999996)
_CIVIL_CODE = (
    "《中华人民共和国民法典》第五百六十一条 (Civil Code of the PRC, Art. 561); within a class "
    "the debt due first is paid first (第五百六十条, Art. 560)"
)


# ----------------------------------------------------------------------------------------
# value objects
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One rule of a rule set, with the text it rests on.

    Parameters
    ----------
    id : str
        Short name, unique within its rule set (``"penalty-markup"``).
    citation : str
        The legal source, article included.
    text : str
        What the rule says, in a sentence.

    Examples
    --------
    The rule behind the penalty-rate range of Chinese bank loans:

    >>> rule = get("cn-bank").rule("penalty-markup")
    >>> rule.citation
    '《中国人民银行关于人民币贷款利率有关问题的通知》(银发〔2003〕251号) 三'
    >>> print(rule.text)
    The penalty rate of an overdue loan is the contract rate plus 30% to 50% of it, charged
    from the day the loan is overdue until it is repaid.

    A rule of your own, for a rule set of your own (see :class:`RuleSet`):

    >>> Rule("penalty-markup", "Credit policy 2024, §4.2", "Contract rate +30% to +50%.")
    Rule(id='penalty-markup', citation='Credit policy 2024, §4.2', text='Contract rate +30% to +50%.')
    """

    id: str
    citation: str
    text: str


@dataclass(frozen=True)
class Finding:
    """What :func:`check` found about a loan, claim or plan.

    Parameters
    ----------
    rule : str
        ``"<rule set>.<rule id>"``, e.g. ``"cn-bank.extension-limit"``.
    severity : {"error", "warning", "info"}
        ``"error"``: a hard rule is broken; ``"warning"``: a legal risk or a rule that
        could not be checked; ``"info"``: a flag (e.g. a restructured asset).
    citation : str
        The legal source.
    message : str
        What was found, with the figures.
    value, limit : Decimal or int, optional
        The figure checked and its limit (rates as fractions, terms in months), for a plan
        search that uses findings as constraints.

    Examples
    --------
    A loan at 4 % with a penalty rate of 7 % is charged ``7 / 4 − 1 = 75 %`` over the
    contract rate, above the +50 % that Chinese banks may charge:

    >>> from types import SimpleNamespace
    >>> [f] = check(SimpleNamespace(annual_rate=0.04, penalty_rate=0.07), ruleset="cn-bank")
    >>> f.rule, f.severity, f.hard, f.value, f.limit
    ('cn-bank.penalty-markup', 'error', True, Decimal('0.75'), Decimal('0.5'))
    >>> f.message
    'penalty rate 7.00% is the contract rate 4.00% +75.00%; allowed +30.00% to +50.00%'
    """

    rule: str
    severity: str
    citation: str
    message: str
    value: Decimal | int | Fraction | None = None
    limit: Decimal | int | Fraction | None = None

    @property
    def hard(self) -> bool:
        """True when a hard rule is broken (severity ``"error"``).

        A warning is a legal risk to look at, not a breach:

        >>> Finding("cn-private.transitional", "warning", "法释〔2020〕17号 第三十一条", "…").hard
        False
        """
        return self.severity == "error"

    def __str__(self) -> str:
        return f"[{self.severity}] {self.rule}: {self.message} ({self.citation})"


def _rule_tuple(name: str, value) -> tuple:
    try:
        rules = tuple(value)
    except TypeError:
        raise InputError(name, value, "a sequence of repayplan.rules.Rule") from None
    for r in rules:
        if not isinstance(r, Rule):
            raise InputError(name, r, "a sequence of repayplan.rules.Rule")
    return rules


def _markup_range(name: str, pr) -> tuple[Decimal, Decimal]:
    if isinstance(pr, (str, bytes, Mapping)) or not hasattr(pr, "__len__") or len(pr) != 2:
        raise InputError(name, pr, "None or a pair (low, high) of markups")
    low, high = (as_decimal(name, v) for v in pr)
    if not Decimal(0) <= low <= high:
        raise InputError(name, pr, "a pair (low, high) with 0 <= low <= high")
    return low, high


def _positive_multiple(name: str, value) -> Decimal:
    m = as_decimal(name, value)
    if m <= 0:
        raise InputError(name, value, "a multiple > 0")
    return m


def _extension_limits(name: str, value) -> tuple:
    return tuple(
        (
            None if t is None else check_int(f"{name}.max_term_months", t, low=1),
            None if s is None else Fraction(as_decimal(f"{name}.share", s)),
            None if c is None else check_int(f"{name}.cap_months", c, low=0),
        )
        for t, s, c in value
    )


def _observation(name: str, value) -> tuple[int, int]:
    periods, months = value
    return check_int(f"{name}.periods", periods, low=0), check_int(f"{name}.months", months, low=0)


class RuleSet(_v.Value):
    """A jurisdiction's rules for overdue loans, as data.

    Parameters
    ----------
    name : str
        ``"cn-bank"``, ``"cn-private"``, ``"generic"`` or your own.
    title : str
        One line saying what the rule set covers.
    rules : tuple of Rule
        The rules with their citations; :meth:`rule` looks one up by id.
    allocation_order : sequence of classes
        Classes of :data:`KINDS` in the order a payment is applied to them, each a kind or
        a tuple of kinds (see :func:`normalize_order`).  Default :data:`CIVIL_CODE_561`.
    allocation_by : {"class", "installment"}
        ``"class"``: the whole class first, oldest first within it (Art. 561);
        ``"installment"``: oldest instalment first, by class within it (an order some
        contracts agree, 逐期清偿).
    penalty_markup_range : (low, high), optional
        The allowed markup of the penalty rate over the contract rate (0.3, 0.5 for +30%
        to +50%); ``None``: no limit.
    default_penalty_markup : number
        Markup used when a loan states no penalty rate.
    compound_interest : bool
        Unpaid contract interest bears compound interest at the penalty rate.
    accrual_day_count : str
        Day count of daily penalty and compound accrual (``"ACT/360"``: daily rate is the
        annual rate / 360).
    rate_cap_lpr_multiple : number, optional
        Cap of the contract and overdue rates as a multiple of the one-year LPR at the
        contract date.
    rate_cap_since : date, optional
        Contracts signed before this date fall under transitional rules.
    lpr : sequence of (date, rate)
        One-year LPR table; a rate applies from its date to the next.
    extension_limits : sequence of (max_term_months, share, cap_months), optional
        Tiers by original term: the cumulative extension may not exceed ``share`` of the
        original term nor ``cap_months`` (``None``: no such bound; ``max_term_months``
        ``None``: any longer term).
    card_instalment_max_months : int, optional
        Longest personalised instalment plan for credit-card debt.
    observation : (periods, months), optional
        A restructured asset stays under observation for at least this many repayment
        periods and months.
    compound_rate : {"penalty", "contract"}
        Rate of compound interest on unpaid interest: the penalty rate throughout
        (``"penalty"``, the cn-bank default, 银发〔2003〕251号 三: 对不能按时支付的利息，按罚息
        利率计收复利), or the contract rate during the term and the penalty rate once the
        loan is overdue (``"contract"``, as many bank contracts agree).
    lpr_through : date, optional
        The last date the LPR table is known to cover (the last monthly fixing checked,
        changed or not); a cap looked up for a later date is a finding naming the date.
    rate_cap_before : number, optional
        For a contract made before ``rate_cap_since``: the cap of the rules then in force on
        interest up to that date (cn-private: 24 %, 法释〔2015〕18号 Arts. 26, 29); later
        interest is capped at ``rate_cap_lpr_multiple`` × the LPR at the claim date.

    Examples
    --------
    A bank's own house rules: the penalty rate is the contract rate +30 % to +50 %, as its
    credit policy says.  A loan at 4 % charged 7 % when overdue is ``7 / 4 − 1 = +75 %``
    over the contract rate, which the rule set reports with the policy's citation:

    >>> from types import SimpleNamespace
    >>> house = RuleSet("my-bank", title="House rules of a city commercial bank",
    ...                 rules=(Rule("penalty-markup", "Credit policy 2024, §4.2",
    ...                             "Penalty rate: contract rate +30% to +50%."),),
    ...                 penalty_markup_range=(0.3, 0.5), default_penalty_markup=0.5)
    >>> house
    RuleSet('my-bank')
    >>> for finding in check(SimpleNamespace(annual_rate=0.04, penalty_rate=0.07), ruleset=house):
    ...     print(finding)
    [error] my-bank.penalty-markup: penalty rate 7.00% is the contract rate 4.00% +75.00%;
    allowed +30.00% to +50.00% (Credit policy 2024, §4.2)
    """

    name: str = _v.field(check=_v.text(max_length=200, allow_empty=False))
    title: str = _v.field(default="", check=_v.text())
    rules: tuple[Rule, ...] = _v.field(default=(), check=_rule_tuple)
    allocation_order: tuple = _v.field(
        default=CIVIL_CODE_561, check=lambda _, v: normalize_order(v)
    )
    allocation_by: str = _v.field(default="class", check=_v.choice(*_ALLOCATION_BY))
    penalty_markup_range: tuple | None = _v.field(default=None, check=_v.optional(_markup_range))
    default_penalty_markup: Decimal = _v.field(
        default=Decimal(0), check=_v.number(0, "a markup >= 0", exact=True)
    )
    compound_interest: bool = _v.field(default=False, check=_v.flag)
    accrual_day_count: str = _v.field(
        default="ACT/360", check=lambda name, v: normalize_day_count(v, field=name)
    )
    rate_cap_lpr_multiple: Decimal | None = _v.field(
        default=None, check=_v.optional(_positive_multiple)
    )
    rate_cap_since: _dt.date | None = _v.field(default=None, check=_v.optional(_v.date))
    lpr: tuple = _v.field(default=(), check=lambda _, v: _normalize_lpr(v))
    extension_limits: tuple | None = _v.field(default=None, check=_v.optional(_extension_limits))
    card_instalment_max_months: int | None = _v.field(default=None, check=_v.optional(_v.int_in(1)))
    observation: tuple | None = _v.field(default=None, check=_v.optional(_observation))
    compound_rate: str = _v.field(default="penalty", check=_v.choice("penalty", "contract"))
    lpr_through: _dt.date | None = _v.field(default=None, check=_v.optional(_v.date))
    rate_cap_before: Decimal | None = _v.field(default=None, check=_v.optional(_v.rate(exact=True)))

    # -- lookup ---------------------------------------------------------------------------
    def rule(self, id: str) -> Rule:
        """The rule with this id, or a rule citing the rule set when it has none.

        >>> get("cn-bank").rule("card-instalments").citation
        '《商业银行信用卡业务监督管理办法》(银监会令2011年第2号) 第七十条'
        >>> get("generic").rule("rate-cap")
        Rule(id='rate-cap', citation="rule set 'generic'", text='')
        """
        check_text("id", id, max_length=200)
        for r in self.rules:
            if r.id == id:
                return r
        return Rule(id, f"rule set {self.name!r}", "")

    def with_lpr(self, rows, *, through=None) -> RuleSet:
        """A copy whose LPR table is extended (or corrected) by ``rows``.

        Parameters
        ----------
        rows : sequence of (date, rate) or DataFrame with columns ``date``, ``lpr_1y``
            New fixings; a date already in the table takes the new rate.  The table lists
            changes only: a month whose fixing is unchanged needs no row, only ``through``.
        through : date, optional
            The last monthly fixing the table now covers (changed or not); default the
            later of the current :attr:`lpr_through` and the last date of ``rows``.

        Examples
        --------
        >>> rs = get("cn-private").with_lpr([("2030-01-20", 0.025)])
        >>> rs.lpr_on("2030-02-01"), rs.lpr_through
        (Decimal('0.025'), datetime.date(2030, 1, 20))
        >>> rs.lpr_covers("2030-02-19"), rs.lpr_covers("2030-02-20")
        (True, False)
        """
        table = dict(self.lpr)
        new = _normalize_lpr(rows)
        table.update(new)
        if through is None:
            dates = [d for d in (self.lpr_through, new[-1][0] if new else None) if d is not None]
            through = max(dates) if dates else None
        return self.replace(lpr=tuple(sorted(table.items())), lpr_through=through)

    def lpr_covers(self, on) -> bool:
        """Whether the LPR table is known to cover ``on``.

        A fixing is in force until the next monthly one, so the table covers dates before
        one month after :attr:`lpr_through` (the last fixing checked; without it, the last
        row).  For a later date the cap uses the last fixing known, and :func:`check` says
        so with a finding naming the date.

        >>> rs = get("cn-private")
        >>> rs.lpr_through
        datetime.date(2026, 1, 20)
        >>> rs.lpr_covers("2026-02-19"), rs.lpr_covers("2030-01-01")
        (True, False)
        """
        day = check_date("on", on)
        last = self.lpr_through or (self.lpr[-1][0] if self.lpr else None)
        if last is None:
            return False
        return day < add_months(last, 1, eom=False)

    # -- rates ----------------------------------------------------------------------------
    def lpr_on(self, on) -> Decimal:
        """The one-year LPR in force on a date (see :func:`lpr`).

        The fixing of 20 May 2025 (3.00 %) is in force until the next one:

        >>> get("cn-private").lpr_on("2025-06-01")
        Decimal('0.0300')
        """
        return lpr(on, table=self.lpr)

    def rate_cap(self, contract_date) -> Decimal | None:
        """The highest contract or overdue rate the rule set supports, or None.

        Notes
        -----
        ``cap = rate_cap_lpr_multiple × LPR_1y(contract_date)``.

        Examples
        --------
        >>> get("cn-private").rate_cap("2025-06-01")       # 4 × 3.00 %
        Decimal('0.1200')
        """
        contract_date = check_date("contract_date", contract_date)
        if self.rate_cap_lpr_multiple is None:
            return None
        return self.rate_cap_lpr_multiple * self.lpr_on(contract_date)

    def markup_allowed(self, markup) -> bool:
        """Whether a penalty markup over the contract rate lies in the allowed range.

        The bounds are widened by 1e-9 so that float products such as ``0.0435 * 1.3``
        (``0.056549999999999996``) are read as the +30 % they mean.

        >>> rs = get("cn-bank")                           # +30 % to +50 %
        >>> rs.markup_allowed(0.3), rs.markup_allowed(0.0435 * 1.3 / 0.0435 - 1)
        (True, True)
        >>> rs.markup_allowed(0.6), get("generic").markup_allowed(0.6)
        (False, True)
        """
        if self.penalty_markup_range is None:
            return True
        low, high = self.penalty_markup_range
        m = as_decimal("penalty_markup", markup)
        return low - _MARKUP_TOLERANCE <= m <= high + _MARKUP_TOLERANCE

    def markup_text(self) -> str:
        """The allowed markup range in words.

        >>> print(get("cn-bank").markup_text())
        a markup from +30.00% to +50.00% over the contract rate under cn-bank
        (《中国人民银行关于人民币贷款利率有关问题的通知》(银发〔2003〕251号) 三)
        >>> get("generic").markup_text()
        'any markup >= 0'
        """
        if self.penalty_markup_range is None:
            return "any markup >= 0"
        low, high = self.penalty_markup_range
        return (
            f"a markup from +{_pct(low)} to +{_pct(high)} over the contract rate under "
            f"{self.name} ({self.rule('penalty-markup').citation})"
        )

    def __repr__(self) -> str:
        return f"RuleSet({self.name!r})"

    def _repr_html_(self) -> str:
        rows = pd.DataFrame(
            [dataclasses.asdict(r) for r in self.rules], columns=["id", "citation", "text"]
        )
        return f"<div><b>RuleSet {self.name}</b>: {self.title}{rows.to_html(index=False)}</div>"


# ----------------------------------------------------------------------------------------
# payment allocation
# ----------------------------------------------------------------------------------------
def normalize_order(order) -> tuple[tuple[str, ...], ...]:
    """An allocation order as a tuple of classes, each a tuple of kinds.

    Parameters
    ----------
    order : sequence
        Each item a kind (``"principal"``) or a sequence of kinds that form one class
        (``("penalty", "compound", "interest")``).  Every kind of :data:`KINDS` must appear
        exactly once.

    Examples
    --------
    >>> normalize_order(["costs", "fees", ("penalty", "compound", "interest"), "principal"])
    (('costs',), ('fees',), ('penalty', 'compound', 'interest'), ('principal',))
    """
    allowed = (
        "a sequence of classes naming each of " + ", ".join(map(repr, KINDS)) + " exactly once"
    )
    if isinstance(order, str) or not isinstance(order, Iterable):
        raise InputError("allocation_order", order, allowed)
    classes = []
    for item in order:
        kinds = (item,) if isinstance(item, str) else tuple(item)
        if not kinds:
            raise InputError("allocation_order", order, allowed)
        classes.append(kinds)
    flat = [k for c in classes for k in c]
    if sorted(flat) != sorted(KINDS):
        raise InputError("allocation_order", order, allowed)
    return tuple(classes)


@dataclass(frozen=True)
class Allocation:
    """How one payment was applied.

    Attributes
    ----------
    amount : Decimal
        The payment.
    applied : tuple of Decimal
        The amount applied to each bucket, in the order the buckets were given.
    unapplied : Decimal
        What was left after every bucket was paid (an overpayment, held for the payer).
    table : DataFrame
        The buckets (``kind``, ``due``, ``owed``) with ``applied`` and ``remaining``,
        in the order given, and ``rank``: the order in which they were paid.

    Notes
    -----
    ``sum(applied) + unapplied == amount`` exactly.

    Examples
    --------
    7,000.00 paid on 2,000.00 of costs, 1,234.56 of penalty interest, 5,000.00 of interest
    and 100,000.00 of principal (Civil Code Art. 561): the costs first, then the interest
    class (penalty, compound, interest in that order on the same date) takes the remaining
    ``7,000 − 2,000 = 5,000``: 1,234.56 of penalty and 3,765.44 of interest.

    >>> from datetime import date
    >>> a = allocate(7000, [("principal", date(2026, 1, 1), 100000),
    ...                     ("interest", date(2026, 1, 1), 5000),
    ...                     ("penalty", date(2026, 1, 1), "1234.56"),
    ...                     ("costs", date(2026, 2, 15), 2000)])
    >>> a.table
            kind        due       owed  applied  remaining  rank
    0  principal 2026-01-01  100000.00     0.00  100000.00     3
    1   interest 2026-01-01    5000.00  3765.44    1234.56     2
    2    penalty 2026-01-01    1234.56  1234.56       0.00     1
    3      costs 2026-02-15    2000.00  2000.00       0.00     0
    >>> sum(a.applied) + a.unapplied == a.amount
    True
    """

    amount: Decimal
    applied: tuple
    unapplied: Decimal
    table: pd.DataFrame = field(compare=False, repr=False)

    def by_kind(self) -> dict[str, Decimal]:
        """Applied amounts summed by kind, in :data:`KINDS` order.

        Two months of overdue interest and the principal, paid 1,500.00: the older
        interest first, then the newer (within the interest class the oldest is paid
        first, Art. 560), nothing to principal.

        >>> from datetime import date
        >>> a = allocate(1500, [("interest", date(2026, 1, 1), 1000),
        ...                     ("interest", date(2026, 2, 1), 1000),
        ...                     ("principal", date(2026, 1, 1), 50000)])
        >>> a.applied
        (Decimal('1000.00'), Decimal('500.00'), Decimal('0.00'))
        >>> a.by_kind()
        {'interest': Decimal('1500.00'), 'principal': Decimal('0.00')}
        """
        out = {}
        for k in KINDS:
            mask = self.table["kind"] == k
            if mask.any():
                out[k] = sum(self.table.loc[mask, "applied"], Decimal(0))
        return out


def allocate(
    amount, buckets, order=None, *, by=None, currency="CNY", minor_units=None
) -> Allocation:
    """Apply a payment to what is owed, in a legal or agreed order, exact to the cent.

    Parameters
    ----------
    amount : number
        The payment, >= 0, with at most the currency's decimals.
    buckets : DataFrame or sequence of (kind, due, owed)
        What is owed: ``kind`` one of :data:`KINDS`, ``due`` the date it fell due (or
        ``None`` for "before everything"), ``owed`` the amount (>= 0).
    order : RuleSet, rule-set name or sequence of classes, optional
        The order of application; default Civil Code Art. 561 (:data:`CIVIL_CODE_561`).
        A rule set also gives ``by``.
    by : {"class", "installment"}, optional
        ``"class"`` (default): classes in order, the oldest first within a class (and, on
        the same date, the kinds in the order the class lists them); ``"installment"``:
        the oldest first, classes in order within a date.
    currency, minor_units : str, int
        Minor units of the amounts (CNY: 2).

    Returns
    -------
    Allocation

    Notes
    -----
    With the buckets sorted into paying order and :math:`C_j = \\sum_{i \\le j} o_i`
    the running total owed, bucket :math:`j` receives

    .. math:: a_j = \\min\\big(o_j, \\max(0, A - C_{j-1})\\big),

    in integer minor units, so :math:`\\sum_j a_j + u = A` exactly, with the unapplied
    rest :math:`u = \\max(0, A - C_n)`.  A partial payment is never lost.

    Examples
    --------
    A borrower owes 2,000.00 of enforcement costs, 5,000.00 of overdue interest, 1,234.56
    of penalty interest and 100,000.00 of principal, and pays 7,000.00.  Under Art. 561 the
    costs are paid first, then penalty and interest (one class), then principal:

    >>> from datetime import date
    >>> a = allocate(7000, [("principal", date(2026, 1, 1), 100000),
    ...                     ("interest", date(2026, 1, 1), 5000),
    ...                     ("penalty", date(2026, 1, 1), "1234.56"),
    ...                     ("costs", date(2026, 2, 15), 2000)])
    >>> [str(x) for x in a.applied], a.unapplied
    (['0.00', '3765.44', '1234.56', '2000.00'], Decimal('0.00'))
    """
    units = money.minor_units_for(currency, minor_units)
    if isinstance(order, (RuleSet, str)) or order is None:
        rs = get(order) if order is not None else None
        classes = rs.allocation_order if rs is not None else CIVIL_CODE_561
        by = by if by is not None else (rs.allocation_by if rs is not None else "class")
    else:
        classes = normalize_order(order)
        by = by if by is not None else "class"
    check_choice("by", by, _ALLOCATION_BY)
    total = money.to_minor(amount, units, field="amount", exact=True)
    if total < 0:
        raise InputError("amount", amount, "a payment >= 0")
    if total > MAX_BATCH_MINOR:  # allocated in int64 arrays
        raise InputError("amount", amount, f"a payment of at most {MAX_BATCH_MINOR:,} minor units")
    kinds, due, owed = _read_buckets(buckets, units)
    applied, rank = allocate_minor(total, kinds, due, owed, classes, by)
    unapplied = total - int(applied.sum())
    table = pd.DataFrame(
        {
            "kind": kinds,
            "due": due.astype("datetime64[s]"),
            "owed": money.decimals_array(owed, units),
            "applied": money.decimals_array(applied, units),
            "remaining": money.decimals_array(owed - applied, units),
            "rank": rank,
        }
    )
    return Allocation(
        amount=money.from_minor(total, units),
        applied=tuple(table["applied"]),
        unapplied=money.from_minor(unapplied, units),
        table=table,
    )


def allocate_minor(amount: int, kinds, due, owed, order=CIVIL_CODE_561, by: str = "class"):
    """Integer core of :func:`allocate`, for callers that hold minor units.

    Parameters
    ----------
    amount : int
        The payment in minor units, >= 0.
    kinds : array_like of str
        Kind of each bucket (one of :data:`KINDS`).
    due : array_like of datetime64[D]
        Due date of each bucket (``NaT`` sorts first).
    owed : array_like of int
        Owed minor units of each bucket, >= 0.
    order : tuple of classes
        A normalized order (:func:`normalize_order`).
    by : {"class", "installment"}

    Returns
    -------
    applied : ndarray of int64
        Minor units applied to each bucket, in input order.
    rank : ndarray of int64
        Position of each bucket in the paying order (0 first).
    """
    kinds = np.asarray(kinds, dtype=object)
    owed = np.asarray(owed, dtype=np.int64)
    n = len(owed)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    class_of, pos_of = {}, {}
    for c_i, cls in enumerate(order):
        for k_i, k in enumerate(cls):
            class_of[k], pos_of[k] = c_i, k_i
    unknown = [k for k in kinds if k not in class_of]
    if unknown:
        raise InputError("kind", unknown[0], "one of " + ", ".join(map(repr, KINDS)))
    ci = np.array([class_of[k] for k in kinds], dtype=np.int64)
    ki = np.array([pos_of[k] for k in kinds], dtype=np.int64)
    d = np.asarray(due, dtype="datetime64[D]")
    days = np.where(np.isnat(d), np.iinfo(np.int64).min, d.astype(np.int64))
    seq = np.arange(n)
    # np.lexsort sorts by the last key first.
    keys = (seq, ki, days, ci) if by == "class" else (seq, ki, ci, days)
    perm = np.lexsort(keys)
    o = owed[perm]
    before = np.cumsum(o) - o
    paid_sorted = np.minimum(o, np.maximum(0, amount - before))
    applied = np.empty(n, dtype=np.int64)
    applied[perm] = paid_sorted
    rank = np.empty(n, dtype=np.int64)
    rank[perm] = seq
    return applied, rank


def _read_buckets(buckets, units):
    if isinstance(buckets, pd.DataFrame):
        missing = {"kind", "due", "owed"} - set(buckets.columns)
        if missing:
            raise InputError(
                "buckets", list(buckets.columns), "a DataFrame with columns kind, due, owed"
            )
        rows = list(zip(buckets["kind"], buckets["due"], buckets["owed"], strict=True))
    else:
        if isinstance(buckets, (str, bytes, dict)):
            raise InputError("buckets", buckets, "a sequence of (kind, due, owed)")
        try:
            rows = [tuple(r) for r in buckets]
        except TypeError:
            raise InputError("buckets", buckets, "a sequence of (kind, due, owed)") from None
    kinds, due, owed = [], [], []
    for i, row in enumerate(rows):
        if len(row) != 3:
            raise InputError(f"buckets[{i}]", row, "a triple (kind, due, owed)")
        k, d, o = row
        check_choice(f"buckets[{i}].kind", k, KINDS)
        kinds.append(k)
        due.append(
            np.datetime64("NaT", "D")
            if d is None or d is pd.NaT
            else np.datetime64(check_date(f"buckets[{i}].due", d), "D")
        )
        v = money.to_minor(o, units, field=f"buckets[{i}].owed", exact=True)
        if v < 0 or v > MAX_BATCH_MINOR:
            raise InputError(
                f"buckets[{i}].owed",
                o,
                f"an amount >= 0 and at most {MAX_BATCH_MINOR:,} minor units",
            )
        owed.append(v)
    return (
        np.array(kinds, dtype=object),
        np.array(due, dtype="datetime64[D]"),
        np.array(owed, dtype=np.int64),
    )


# ----------------------------------------------------------------------------------------
# LPR
# ----------------------------------------------------------------------------------------
def load_lpr(path=None) -> pd.DataFrame:
    """The LPR table: ``date``, ``lpr_1y``, ``lpr_5y`` (Decimal fractions).

    Parameters
    ----------
    path : str or path-like, optional
        A CSV with columns ``date,lpr_1y[,lpr_5y]`` (``#`` lines are comments; a comment
        ``# verified_through: YYYY-MM-DD`` names the last monthly fixing checked, kept in
        ``frame.attrs["through"]``); default the table shipped in ``repayplan/data/lpr.csv``.

    Examples
    --------
    >>> t = load_lpr()
    >>> t.iloc[0]["date"].isoformat(), t.iloc[0]["lpr_1y"]
    ('2019-08-20', Decimal('0.0425'))
    """
    if path is None:
        text = resources.files("repayplan").joinpath("data/lpr.csv").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    if reader.fieldnames is None or not {"date", "lpr_1y"} <= set(reader.fieldnames):
        raise InputError("path", path, "a CSV with columns date, lpr_1y (and optionally lpr_5y)")
    out = []
    for i, row in enumerate(reader):
        out.append(
            {
                "date": check_date(f"lpr[{i}].date", row["date"]),
                "lpr_1y": check_rate(f"lpr[{i}].lpr_1y", row["lpr_1y"]),
                "lpr_5y": check_rate(f"lpr[{i}].lpr_5y", row["lpr_5y"])
                if row.get("lpr_5y")
                else None,
            }
        )
    frame = pd.DataFrame(out, columns=["date", "lpr_1y", "lpr_5y"]).sort_values(
        "date", ignore_index=True
    )
    marks = [
        ln.split(":", 1)[1].strip()
        for ln in text.splitlines()
        if ln.lstrip().startswith("#") and ln.lstrip("# ").startswith("verified_through:")
    ]
    frame.attrs["through"] = check_date("verified_through", marks[-1]) if marks else None
    return frame


def lpr(on, *, table=None, tenor: str = "1y") -> Decimal:
    """The LPR in force on a date.

    Parameters
    ----------
    on : date-like
    table : sequence of (date, rate) or DataFrame, optional
        Default: the shipped table (:func:`load_lpr`).
    tenor : {"1y", "5y"}
        The 5-year tenor only from the shipped or a DataFrame table.

    Notes
    -----
    The rate of the last fixing dated on or before ``on``.

    Examples
    --------
    >>> lpr("2025-05-19"), lpr("2025-05-20"), lpr("2025-05-20", tenor="5y")
    (Decimal('0.0310'), Decimal('0.0300'), Decimal('0.0350'))
    """
    check_choice("tenor", tenor, ("1y", "5y"))
    day = check_date("on", on)
    if table is None or isinstance(table, pd.DataFrame):
        frame = load_lpr() if table is None else table
        rows = tuple(
            (check_date("date", d), r)
            for d, r in zip(frame["date"], frame[f"lpr_{tenor}"], strict=True)
        )
    else:
        if tenor != "1y":
            raise InputError("tenor", tenor, "'1y' for a table of (date, rate) pairs")
        rows = _normalize_lpr(table)
    earlier = [r for d, r in rows if d <= day]
    if not earlier:
        first = rows[0][0].isoformat() if rows else "none"
        raise InputError("on", day, f"a date on or after the first LPR fixing ({first})")
    return earlier[-1]


def _normalize_lpr(rows) -> tuple:
    if isinstance(rows, pd.DataFrame):
        pairs = list(zip(rows["date"], rows["lpr_1y"], strict=True))
    elif isinstance(rows, Mapping):
        pairs = list(rows.items())
    elif isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
        raise InputError("lpr", rows, "a sequence of (date, one-year LPR) pairs or a DataFrame")
    else:
        pairs = list(rows)
    out = {}
    for i, pair in enumerate(pairs):
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise InputError(f"lpr[{i}]", pair, "a pair (date, one-year LPR as a fraction)")
        out[check_date(f"lpr[{i}].date", pair[0])] = check_rate(f"lpr[{i}].rate", pair[1])
    return tuple(sorted(out.items()))


# ----------------------------------------------------------------------------------------
# the shipped rule sets
# ----------------------------------------------------------------------------------------
_ALLOCATION_RULE = Rule(
    "allocation-order",
    _CIVIL_CODE,
    "A payment that does not cover everything goes to the costs of realising the claim, then "
    "interest (penalty and compound interest included), then principal, unless agreed otherwise.",
)

_CN_BANK = RuleSet(
    name="cn-bank",
    title="Loans of banks in the PRC",
    rules=(
        _ALLOCATION_RULE,
        Rule(
            "penalty-markup",
            "《中国人民银行关于人民币贷款利率有关问题的通知》(银发〔2003〕251号) 三",
            "The penalty rate of an overdue loan is the contract rate plus 30% to 50% of it, "
            "charged from the day the loan is overdue until it is repaid.",
        ),
        Rule(
            "compound-interest",
            "《中国人民银行关于人民币贷款利率有关问题的通知》(银发〔2003〕251号) 三",
            "Interest not paid when due bears compound interest at the penalty rate.",
        ),
        Rule(
            "accrual-day-count",
            "《中国人民银行关于人民币存贷款计结息问题的通知》(银发〔2005〕129号)",
            "Daily interest is the annual rate / 360 times the actual days (ACT/360).",
        ),
        Rule(
            "extension-limit",
            "《贷款通则》(中国人民银行令1996年第2号) 第十二条; terms per 第九条",
            "Cumulative extension (展期): a short-term loan (<= 1 year) at most the original term, a "
            "medium-term loan (1-5 years) at most half of it, a long-term loan at most 3 years.",
        ),
        Rule(
            "card-instalments",
            "《商业银行信用卡业务监督管理办法》(银监会令2011年第2号) 第七十条",
            "A personalised instalment agreement (个性化分期) on credit-card debt lasts at most 5 years.",
        ),
        Rule(
            "restructuring-observation",
            "《商业银行金融资产风险分类办法》(银保监会 中国人民银行令2023年第1号) 第二十条",
            "A restructured asset stays under observation from the first repayment date under the "
            "new terms for at least two consecutive repayment periods and at least one year.",
        ),
    ),
    penalty_markup_range=(Decimal("0.3"), Decimal("0.5")),
    default_penalty_markup=Decimal("0.5"),
    compound_interest=True,
    accrual_day_count="ACT/360",
    extension_limits=((12, 1, None), (60, Fraction(1, 2), None), (None, None, 36)),
    card_instalment_max_months=60,
    observation=(2, 12),
)

_PRIVATE_LENDING = "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》(法释〔2020〕17号)"

_CN_PRIVATE = RuleSet(
    name="cn-private",
    title="Private lending in the PRC (民间借贷)",
    rules=(
        _ALLOCATION_RULE,
        Rule(
            "rate-cap",
            f"{_PRIVATE_LENDING} 第二十五条",
            "Interest above four times the one-year LPR at the time the contract is made is not "
            "supported.",
        ),
        Rule(
            "overdue-rate-cap",
            f"{_PRIVATE_LENDING} 第二十八条、第二十九条",
            "An agreed overdue rate is supported up to four times the one-year LPR at the contract "
            "date; overdue interest, liquidated damages and other fees together likewise. With no "
            "overdue rate agreed, the contract rate applies from the day the loan is overdue.",
        ),
        Rule(
            "old-rate-cap",
            "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》(法释〔2015〕18号) 第二十六条、第二十九条",
            "Before 2020-08-20: interest and overdue interest up to 24% a year are supported.",
        ),
        Rule(
            "transitional",
            f"{_PRIVATE_LENDING} 第三十一条",
            "For a contract made before 2020-08-20, interest up to 2020-08-19 follows the rules then "
            "in force; from 2020-08-20 the cap is four times the LPR at the time of suing.",
        ),
        Rule(
            "lpr-table",
            "中国人民银行公告〔2019〕第15号; 全国银行间同业拆借中心 monthly LPR",
            "The one-year LPR is published on the 20th of each month.",
        ),
    ),
    default_penalty_markup=Decimal(0),
    compound_interest=False,
    accrual_day_count="ACT/360",
    rate_cap_lpr_multiple=Decimal(4),
    rate_cap_since=_dt.date(2020, 8, 20),
    rate_cap_before=Decimal("0.24"),
    lpr=(),
)

_GENERIC = RuleSet(
    name="generic",
    title="No legal caps; allocation order and penalty as agreed",
    rules=(
        Rule(
            "allocation-order",
            "as agreed in the contract (default: costs, interest, principal)",
            "Payments go to costs, then interest, then principal, oldest first, unless configured.",
        ),
    ),
    default_penalty_markup=Decimal(0),
    compound_interest=False,
    accrual_day_count="ACT/360",
)

_REGISTRY: dict[str, RuleSet] = {}


def _registry() -> dict[str, RuleSet]:
    if not _REGISTRY:
        table = load_lpr()
        _REGISTRY["cn-bank"] = _CN_BANK
        _REGISTRY["cn-private"] = _CN_PRIVATE.with_lpr(table, through=table.attrs.get("through"))
        _REGISTRY["generic"] = _GENERIC
    return _REGISTRY


def names() -> tuple[str, ...]:
    """Names of the shipped rule sets (each one :func:`get` returns).

    >>> names()
    ('cn-bank', 'cn-private', 'generic')
    """
    return tuple(_registry())


def get(name) -> RuleSet:
    """The rule set of this name (a :class:`RuleSet` is returned as it is).

    Examples
    --------
    >>> get("cn-bank").penalty_markup_range
    (Decimal('0.3'), Decimal('0.5'))
    >>> get("cn-bank").rule("extension-limit").citation
    '《贷款通则》(中国人民银行令1996年第2号) 第十二条; terms per 第九条'
    """
    if isinstance(name, RuleSet):
        return name
    reg = _registry()
    if not isinstance(name, str) or name not in reg:
        raise InputError("rules", name, "one of " + ", ".join(map(repr, reg)) + " or a RuleSet")
    return reg[name]


def generic(**changes) -> RuleSet:
    """The generic rule set with some fields configured.

    Examples
    --------
    Penalty at the contract rate + 20 % to + 100 %, compound interest, and an order agreed
    in the contract that pays principal before interest:

    >>> rs = generic(penalty_markup_range=(0.2, 1), default_penalty_markup=0.2,
    ...              compound_interest=True,
    ...              allocation_order=["costs", "fees", "principal", "interest", "penalty", "compound"])
    >>> rs.allocation_order[2], rs.compound_interest
    (('principal',), True)
    """
    return get("generic").replace(**changes)


# ----------------------------------------------------------------------------------------
# check
# ----------------------------------------------------------------------------------------
def check(plan_or_loan, claim=None, ruleset=None, *, strict: bool = False) -> list[Finding]:
    """What the rule set says about a loan, a claim or a proposed plan.

    Parameters
    ----------
    plan_or_loan : Loan, Claim or plan-like object
        Read by attributes, so any object with them works:
        ``annual_rate``, ``penalty_rate`` (rates; a plan's ``annual_rate`` ``None`` keeps
        the claim's), ``term`` (months of a plan, counted from the claim date),
        ``frequency`` (payments a year), ``product`` (``"credit_card"`` for card debt),
        ``kind`` (``"extension"``, the default, or ``"restructuring"`` / ``"refinancing"``,
        to which the 展期 limit does not apply), ``signed`` (contract date).
        Besides :class:`~repayplan.claim.Loan` and :class:`~repayplan.claim.Claim`, an
        object with ``term`` is read as a plan, one with ``total`` and ``as_of`` as a
        claim, any other as a loan.
    claim : Claim, optional
        The claim a plan restructures: its date, rates, original maturity and term
        (``maturity``, ``term_months``) and product.
    ruleset : RuleSet or name, optional
        Default: the ``rules`` of the object or of the claim, else ``"generic"``.
    strict : bool
        Raise :class:`~repayplan.errors.RuleViolation` (listing every hard finding) instead
        of returning when the object breaks a hard rule; for scripts that must not go on
        with an unlawful plan.

    Returns
    -------
    list of Finding
        Sorted by severity (errors first).  An empty list: nothing to report.

    Notes
    -----
    * Penalty markup: :math:`m = r_p / r - 1` must lie in ``penalty_markup_range``.
    * Rate caps: :math:`r \\le k \\cdot LPR_{1y}(t_0)` and :math:`r_p \\le k \\cdot LPR_{1y}(t_0)`
      with :math:`t_0` the contract date (a plan that sets a new rate is a new agreement,
      dated on the claim date unless it has ``signed``).
    * Extension: with original term :math:`T` months and maturity :math:`M`, a plan ending
      on :math:`E = \\text{as\\_of} + \\text{term}` extends the loan by
      :math:`E - M` (in months), which may not exceed ``share × T`` nor ``cap_months``
      of the tier :math:`T` falls in.

    Examples
    --------
    A private loan at 18 % signed on 2023-09-01, when the one-year LPR was 3.45 %:

    >>> from types import SimpleNamespace
    >>> loan = SimpleNamespace(annual_rate=0.18, penalty_rate=0.18, signed="2023-09-01")
    >>> [f.rule for f in check(loan, ruleset="cn-private")]
    ['cn-private.rate-cap', 'cn-private.overdue-rate-cap']
    >>> check(loan, ruleset="cn-private")[0].limit
    Decimal('0.1380')
    >>> check(loan, ruleset="cn-private", strict=True)
    Traceback (most recent call last):
    ...
    repayplan.errors.RuleViolation: cn-private.rate-cap: ...
    """
    check_like("plan_or_loan", plan_or_loan, ("annual_rate",), "a Loan, a Claim or a Plan")
    if claim is not None:  # read by its fields (a stub with as_of will do), never imported
        check_like("claim", claim, ("as_of",), "None or a Claim (what is owed as of a date)")
    check_bool("strict", strict)
    rs_source = (
        ruleset
        if ruleset is not None
        else (getattr(plan_or_loan, "rules", None) or getattr(claim, "rules", None) or "generic")
    )
    rs = get(rs_source)
    # the findings are a pure function of the object, the claim and the rule set: an update
    # of the dashboard (evaluate, compare, the findings shown) asks for each plan's once
    findings = _FINDINGS.get(plan_or_loan, claim, rs)
    if findings is None:
        findings = tuple(_evaluate_rules(plan_or_loan, claim, rs))
        _FINDINGS.put(plan_or_loan, claim, rs, value=findings)
    findings = list(findings)
    hard = [f for f in findings if f.hard]
    if strict and hard:
        raise RuleViolation("; ".join(f"{f.rule}: {f.message} ({f.citation})" for f in hard))
    return findings


def _evaluate_rules(plan_or_loan, claim, rs: RuleSet) -> list[Finding]:
    """Every rule of ``rs`` on the object (what :func:`check` returns, before ``strict``)."""
    ctx = _Context.build(plan_or_loan, claim, rs)
    findings: list[Finding] = []
    for rule in (
        _check_penalty_markup,
        _check_rate_caps,
        _check_extension,
        _check_card_instalments,
        _flag_restructuring,
    ):
        findings.extend(rule(ctx))
    findings.extend(_check_product_term(ctx, claim))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: order[f.severity])


#: Findings of recent :func:`check` calls (:class:`repayplan._memo.Memo`); findings are frozen
#: and each call gets its own list.
_FINDINGS = Memo(maxsize=1024)


@dataclass(frozen=True)
class _Context:
    rs: RuleSet
    what: str  # "loan", "claim" or "plan"
    annual_rate: Decimal | None
    penalty_rate: Decimal | None
    signed: _dt.date | None
    new_agreement: bool
    as_of: _dt.date | None
    term: int | None
    frequency: int | None
    product: str
    kind: str
    maturity: _dt.date | None
    original_term: int | None
    excess: Decimal | None = None
    penalty: Decimal | None = None
    fees: Decimal | None = None

    @classmethod
    def build(cls, obj, claim, rs) -> _Context:
        def rate(src, name):
            v = getattr(src, name, None)
            return None if v is None else as_decimal(name, v)

        def day(src, name):
            v = getattr(src, name, None)
            return None if v is None else check_date(name, v)

        # read by attributes (no import of claim.py, which imports this module)
        if hasattr(obj, "periods") and hasattr(obj, "schedule"):
            what = "loan"
        elif hasattr(obj, "total") and hasattr(obj, "as_of") and hasattr(obj, "overdue_principal"):
            what = "claim"
        elif hasattr(obj, "term"):
            what = "plan"
        elif hasattr(obj, "total") and hasattr(obj, "as_of"):
            what = "claim"
        else:
            what = "loan"
        annual, penalty = rate(obj, "annual_rate"), rate(obj, "penalty_rate")
        new_agreement = what == "plan" and annual is not None
        if what == "plan" and annual is None and claim is not None:
            annual = rate(claim, "annual_rate")
        if what == "plan" and penalty is None and claim is not None and not new_agreement:
            penalty = rate(claim, "penalty_rate")
        signed = day(obj, "signed") or day(obj, "contract_date")
        if signed is None and what == "loan":
            signed = day(obj, "start")
        as_of = day(claim, "as_of") if claim is not None else day(obj, "as_of")
        if signed is None and what == "plan":
            signed = (
                as_of
                if new_agreement
                else (day(claim, "contract_date") if claim is not None else None)
            )
        term = getattr(obj, "term", None) if what == "plan" else None
        if what == "plan" and getattr(obj, "is_settlement", False):
            # a settlement ends with its one payment, not after the (unused) term
            by = getattr(obj, "settlement_by", None)
            by = 1 if by is None else by
            if isinstance(by, _dt.date) and claim is not None:
                base = day(claim, "as_of")
                by = (
                    (by.year - base.year) * 12
                    + by.month
                    - base.month
                    + (1 if by.day > base.day else 0)
                )
            term = by if isinstance(by, int) else term
        term = None if term is None else check_int("term", term, low=0)
        freq = getattr(obj, "frequency", None)
        freq = None if freq is None else check_int("frequency", freq, low=1)
        product = getattr(obj, "product", None) or getattr(claim, "product", None) or "loan"
        kind = getattr(obj, "kind", None) or "extension"
        src = obj if what == "loan" else claim
        maturity = day(src, "maturity") if src is not None else None
        original = getattr(src, "term_months", None) if src is not None else None
        original = None if original is None else check_int("term_months", original, low=1)
        amounts = {}
        if what == "claim":
            for name in ("excess_interest", "penalty", "fees", "enforcement_costs"):
                v = getattr(obj, name, None)
                amounts[name] = None if v is None else as_decimal(name, v)
            if amounts["fees"] is not None and amounts["enforcement_costs"] is not None:
                amounts["fees"] -= amounts["enforcement_costs"]  # agreed fees, not costs
        return cls(
            rs,
            what,
            annual,
            penalty,
            signed,
            new_agreement,
            as_of,
            term,
            freq,
            product,
            kind,
            maturity,
            original,
            amounts.get("excess_interest"),
            amounts.get("penalty"),
            amounts.get("fees"),
        )


def _finding(
    ctx: _Context, rule_id: str, severity: str, message: str, value=None, limit=None
) -> Finding:
    return Finding(
        f"{ctx.rs.name}.{rule_id}", severity, ctx.rs.rule(rule_id).citation, message, value, limit
    )


def _check_penalty_markup(ctx: _Context):
    rs = ctx.rs
    if rs.penalty_markup_range is None or ctx.penalty_rate is None or ctx.annual_rate is None:
        return
    if ctx.annual_rate == 0:
        if ctx.penalty_rate > 0:
            yield _finding(
                ctx,
                "penalty-markup",
                "warning",
                "the contract rate is 0, so the penalty rate cannot be read as a markup",
            )
        return
    markup = ctx.penalty_rate / ctx.annual_rate - 1
    if not rs.markup_allowed(markup):
        low, high = rs.penalty_markup_range
        yield _finding(
            ctx,
            "penalty-markup",
            "error",
            f"penalty rate {_pct(ctx.penalty_rate)} is the contract rate {_pct(ctx.annual_rate)} "
            f"{'+' if markup >= 0 else '-'}{_pct(abs(markup))}; allowed +{_pct(low)} to +{_pct(high)}",
            value=markup,
            limit=high if markup > high else low,
        )


def _check_rate_caps(ctx: _Context):
    rs = ctx.rs
    if rs.rate_cap_lpr_multiple is None:
        return
    if ctx.signed is None:
        yield _finding(
            ctx,
            "rate-cap",
            "warning",
            "the contract date is not known, so the 4 x LPR cap could not be checked",
        )
        return
    lpr_date, basis = ctx.signed, "the contract date"
    if rs.rate_cap_since is not None and ctx.signed < rs.rate_cap_since:
        if ctx.as_of is None:
            yield _finding(
                ctx,
                "transitional",
                "warning",
                f"contract made on {ctx.signed} before {rs.rate_cap_since}: interest to "
                f"{rs.rate_cap_since - _dt.timedelta(days=1)} follows the rules then in force; "
                "give a claim (its date stands for the date of suing) to check the cap after",
            )
            return
        lpr_date, basis = ctx.as_of, "the claim date (standing for the date of suing)"
        yield _finding(
            ctx,
            "transitional",
            "warning",
            f"contract made on {ctx.signed} before {rs.rate_cap_since}: interest to "
            f"{rs.rate_cap_since - _dt.timedelta(days=1)} follows the rules then in force; "
            f"later interest is capped at 4 x LPR on {lpr_date}",
        )
    try:
        base = rs.lpr_on(lpr_date)
    except InputError:
        yield _finding(ctx, "rate-cap", "warning", f"no LPR fixing on or before {lpr_date}")
        return
    if not rs.lpr_covers(lpr_date):
        last = rs.lpr_through or rs.lpr[-1][0]
        yield _finding(
            ctx,
            "lpr-table",
            "warning",
            f"no LPR fixing is known for {lpr_date}: the table runs to the fixing of {last}; the "
            f"cap uses the last known one-year LPR {_pct(base)}. Extend the table "
            "(RuleSet.with_lpr or load_lpr(path)) with the fixings published since",
            value=lpr_date,
            limit=last,
        )
    cap = rs.rate_cap_lpr_multiple * base
    for rule_id, label, r in (
        ("rate-cap", "contract rate", ctx.annual_rate),
        ("overdue-rate-cap", "overdue (penalty) rate", ctx.penalty_rate),
    ):
        if r is not None and r > cap:
            what = "the plan's" if ctx.what == "plan" else "the"
            yield _finding(
                ctx,
                rule_id,
                "error",
                f"{what} {label} {_pct(r)} exceeds {_num(rs.rate_cap_lpr_multiple)} x LPR "
                f"{_pct(base)} = {_pct(cap)} on {lpr_date} ({basis}); interest above the cap is "
                "not supported by the courts",
                value=r,
                limit=cap,
            )
    if ctx.excess is not None and ctx.excess > 0:
        yield _finding(
            ctx,
            "rate-cap",
            "warning",
            f"the contract charges {ctx.excess} of interest, penalty and fees above "
            f"{_num(rs.rate_cap_lpr_multiple)} x LPR {_pct(base)} = {_pct(cap)}: the claim states "
            "the supported amounts, and this excess apart (excess_interest)",
            value=ctx.excess,
            limit=cap,
        )
    if ctx.fees and ctx.penalty and ctx.fees > 0 and ctx.penalty > 0:
        yield _finding(
            ctx,
            "overdue-rate-cap",
            "warning",
            f"overdue interest {ctx.penalty} and fees {ctx.fees} are claimed together: Art. 29 "
            f"supports them together up to {_num(rs.rate_cap_lpr_multiple)} x LPR "
            f"{_pct(base)} = {_pct(cap)} a year on the overdue amount",
            value=ctx.penalty + ctx.fees,
        )


def _check_extension(ctx: _Context):
    rs = ctx.rs
    if rs.extension_limits is None or ctx.what != "plan" or ctx.term is None:
        return
    if ctx.kind != "extension":
        return
    if ctx.maturity is None or ctx.original_term is None or ctx.as_of is None:
        yield _finding(
            ctx,
            "extension-limit",
            "warning",
            "the claim does not state the original maturity and term "
            "(maturity, term_months), so the extension limit could not be checked",
        )
        return
    end = add_months(ctx.as_of, ctx.term)
    if end <= ctx.maturity:
        return
    extension = months_between(ctx.maturity, end)
    limit = _extension_limit(rs.extension_limits, ctx.original_term)
    if limit is not None and extension > limit:
        tier = _tier_name(ctx.original_term)
        yield _finding(
            ctx,
            "extension-limit",
            "error",
            f"the plan ends on {end}, {_months_text(extension)} after the original maturity "
            f"{ctx.maturity}; a {tier} loan of {ctx.original_term} months may be extended by at "
            f"most {_months_text(limit)}",
            value=extension,
            limit=limit,
        )


def _check_card_instalments(ctx: _Context):
    rs = ctx.rs
    if rs.card_instalment_max_months is None or ctx.what != "plan" or ctx.term is None:
        return
    if ctx.product == "credit_card" and ctx.term > rs.card_instalment_max_months:
        yield _finding(
            ctx,
            "card-instalments",
            "error",
            f"a personalised instalment plan on credit-card debt of {ctx.term} months; at most "
            f"{rs.card_instalment_max_months} months are allowed",
            value=ctx.term,
            limit=rs.card_instalment_max_months,
        )


#: The 2024 working-capital loan measures (cited by the term-limit findings; see repayplan.books).
WORKING_CAPITAL_CITATION = "《流动资金贷款管理办法》(国家金融监督管理总局令2024年第2号)"
#: Their term limits in months: in principle, and with a long operating cash cycle.
WORKING_CAPITAL_LIMITS = (36, 60)


def working_capital_term(life: int) -> list[Finding]:
    """The finding on a working-capital loan that would run ``life`` months in all (2024 measures).

    Beyond 36 months a warning (it needs the long operating cash cycle on file), beyond 60
    an error; :func:`repayplan.books.term_limit_findings` counts the months.

    >>> [(f.severity, f.limit) for f in working_capital_term(40)], working_capital_term(36)
    ([('warning', 36)], [])
    """
    life = check_int("life", life, low=0)
    usual, longest = WORKING_CAPITAL_LIMITS
    cite = f"{WORKING_CAPITAL_CITATION} (贷款期限)"
    if life > longest:
        return [
            Finding(
                "working-capital.term-limit",
                "error",
                cite,
                f"the loan would run {life} months from its contract date; a working-capital "
                f"loan runs at most {longest} months even with a long operating cash cycle",
                value=life,
                limit=longest,
            )
        ]
    if life > usual:
        return [
            Finding(
                "working-capital.term-limit",
                "warning",
                cite,
                f"the loan would run {life} months from its contract date; a working-capital "
                f"loan runs at most {usual} months unless the operating cash cycle is long "
                f"(then {longest})",
                value=life,
                limit=usual,
            )
        ]
    return []


def _check_product_term(ctx: _Context, claim):
    """The term limits of the product (a working-capital loan: the 2024 measures), for a plan:
    the loan's whole life, from its contract date (else the claim date) to the plan's end."""
    if ctx.what != "plan" or ctx.product != "working_capital" or claim is None or ctx.term is None:
        return []
    as_of = ctx.as_of
    if as_of is None:  # a claim always states its date; nothing to count from without one
        return []
    start = getattr(claim, "contract_date", None)
    start = as_of if start is None else check_date("contract_date", start)
    elapsed = max(0, (as_of.year - start.year) * 12 + as_of.month - start.month)
    return working_capital_term(elapsed + ctx.term)


def _flag_restructuring(ctx: _Context):
    rs = ctx.rs
    if rs.observation is None or ctx.what != "plan":
        return
    periods, months = rs.observation
    span = months
    if ctx.frequency:
        span = max(Fraction(12 * periods, ctx.frequency), Fraction(months))
    yield _finding(
        ctx,
        "restructuring-observation",
        "info",
        f"a plan that changes the terms of an overdue loan makes it a restructured asset: it is "
        f"observed from the first repayment date under the new terms for at least {periods} "
        f"repayment periods and {months} months"
        + (f" (here {_months_text(span)})" if ctx.frequency else ""),
        limit=span,
    )


# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------
def _extension_limit(tiers, term: int) -> Fraction | None:
    for max_term, share, cap in tiers:
        if max_term is None or term <= max_term:
            bounds = []
            if share is not None:
                bounds.append(share * term)
            if cap is not None:
                bounds.append(Fraction(cap))
            return min(bounds) if bounds else None
    return None


def _tier_name(term: int) -> str:
    return "short-term" if term <= 12 else ("medium-term" if term <= 60 else "long-term")


def _months_text(m) -> str:
    m = Fraction(m)
    if m.denominator == 1:
        return f"{m.numerator} months"
    return f"{float(m):.1f} months"


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")
