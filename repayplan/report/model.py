"""The annex's content model: :class:`Item`, :class:`Annex`, :func:`annex` and the clauses.

:func:`annex` reads a schedule (with its claim, plan, parties and agreement) once and
builds everything any format shows: the header items (parties, dates, the plan's terms),
the balance owed and its composition, the instalment table with its exact totals, the
totals in words, and the clauses (what was waived, the credit-card undertaking, the
consequence of a missed instalment, the security, other matters).  The renderers
(``html``, ``markdown``, ``csv``, ``xlsx``, ``pdf``) only lay an :class:`Annex` out; its
labels come from :mod:`repayplan.report.labels`, its figures' text from
:mod:`repayplan.report.formats`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import money
from .._validate import check_date
from ..errors import InputError
from .formats import (
    currency_name,
    currency_word,
    format_amount,
    format_date,
    format_money,
    format_rate,
    in_words,
)
from .labels import CYCLES, LABELS, METHOD_NAMES, check_lang, plan_name
from .safety import check_annex_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..claim import Claim
    from ..plans import Plan, PlanTerms
    from ..schedule import Schedule


_COLUMNS = (
    "period",
    "date",
    "opening_balance",
    "payment",
    "interest",
    "principal",
    "closing_balance",
    "fee",
)
AMOUNT_COLUMNS = frozenset(_COLUMNS[2:])
_TOTALLED = ("payment", "interest", "principal", "fee")


# -----------------------------------------------------------------------------------------
# Value objects
# -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One labelled value of the annex.

    ``value`` is typed (``Decimal`` for an amount, ``datetime.date``, ``int``, ``Decimal``
    rate or ``str``) for the xlsx; ``text`` is its display form in the annex's language.
    ``kind`` is one of ``"text"``, ``"amount"``, ``"date"``, ``"rate"``, ``"int"``.

    Examples
    --------
    The contract rate and the agreement date of an annex:

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> s = Plan(method="equal_principal", term=3).schedule(claim)
    >>> a = annex(s, claim=claim, agreement_date=date(2026, 12, 1))
    >>> items = {it.key: it for it in a.header}
    >>> items["contract_rate"]
    Item(key='contract_rate', label='Contract rate', value=Decimal('0.06'), text='6.00%', kind='rate')
    >>> items["agreement_date"].value, items["agreement_date"].text
    (datetime.date(2026, 12, 1), '1 Dec 2026')
    """

    key: str
    label: str
    value: Any  # by kind: Decimal (amount, rate), date, int or str
    text: str
    kind: str = "text"


@dataclass(frozen=True, eq=False)
class Annex:
    """The content of an agreement annex, ready for any renderer.

    Attributes
    ----------
    lang, currency, minor_units, title : str, str, int, str
    header : tuple of Item
        Parties, dates, rates, plan terms and waivers, in order.
    composition : tuple of Item
        The balance owed by part (``Claim.components()``, parts that are not zero) and its
        total; empty without a claim.
    table : pandas.DataFrame
        The instalment table with localized column headers: period (int), due date
        (``datetime.date`` or ``None``) and amounts (``Decimal``).
    columns : tuple of str
        The canonical keys of ``table``'s columns (``"period"``, ``"date"``, ...).
    totals : dict
        Exact column sums by key (``"payment"``, ``"interest"``, ``"principal"`` and
        ``"fee"`` when the table has fees).
    words : tuple of Item
        Totals in words (``value`` the amount, ``text`` the words).
    clauses : tuple of Item
        The clauses (``label`` the heading, ``text`` the sentence).
    labels : Mapping
        The language's labels (:data:`LABELS`).
    created : datetime
        When the annex was made (UTC, to the second): the PDF's creation date.

    Examples
    --------
    120,000.00 at 6 % repaid in three equal principal instalments of 40,000.00, with
    interest of 0.5 % on the falling balance: 600.00, 400.00 and 200.00, so 121,200.00 is
    payable in all.

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    >>> s = Plan(method="equal_principal", term=3).schedule(claim)
    >>> a = annex(s, claim=claim, borrower="Huadong Precision Manufacturing Co., Ltd.")
    >>> a
    Annex(en, CNY, 4 rows, total payable 121,200.00)
    >>> a.columns
    ('period', 'date', 'opening_balance', 'payment', 'interest', 'principal', 'closing_balance')
    >>> a.totals
    {'payment': Decimal('121200.00'), 'interest': Decimal('1200.00'), 'principal': Decimal('120000.00')}
    >>> a.words[0].label, a.words[0].text
    ('Total payable', 'CNY one hundred twenty-one thousand two hundred and 00/100')
    """

    lang: str
    currency: str
    minor_units: int
    title: str
    header: tuple
    composition: tuple
    table: pd.DataFrame
    columns: tuple
    totals: dict
    words: tuple
    clauses: tuple
    labels: Mapping = field(repr=False)
    created: _dt.datetime | None = field(default=None, repr=False)

    def amount_text(self, amount: Decimal) -> str:
        """An amount with thousands separators and the currency's decimals.

        >>> from decimal import Decimal
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> annex(s, lang="zh").amount_text(Decimal("1234567.5"))
        '1,234,567.50'
        """
        return format_amount(amount, self.minor_units)

    def date_text(self, day) -> str:
        """A date in the annex's language (empty for a missing date).

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> annex(s).date_text(date(2027, 1, 1)), annex(s, lang="zh").date_text(date(2027, 1, 1))
        ('1 Jan 2027', '2027年1月1日')
        >>> annex(s).date_text(None)
        ''
        """
        return format_date(day, self.lang)

    def cell_text(self, key: str, value) -> str:
        """The display text of one table cell, by the column's canonical key (:attr:`columns`).

        >>> from decimal import Decimal
        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> a = annex(s)
        >>> a.cell_text("payment", Decimal("40600")), a.cell_text("date", date(2027, 1, 1)), a.cell_text("period", 1)
        ('40,600.00', '1 Jan 2027', '1')
        """
        if key in AMOUNT_COLUMNS:
            return self.amount_text(value)
        if key == "date":
            return self.date_text(value)
        return str(value)

    def texts(self) -> list[str]:
        """Every text of the annex (for font coverage checks and tests).

        The title, the unit line, then each label and its text, then the column headers:

        >>> from datetime import date
        >>> from repayplan.claim import Claim
        >>> from repayplan.plans import Plan
        >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1))
        >>> s = Plan(method="equal_principal", term=3).schedule(claim)
        >>> annex(s, lang="zh").texts()[:2]
        ['附件：还款计划表', '金额单位：人民币元']
        """
        out = [
            self.title,
            self.labels["unit"].format(currency=currency_name(self.currency, self.lang)),
        ]
        for group in (self.header, self.composition, self.words, self.clauses):
            out += [x for it in group for x in (it.label, it.text)]
        out += list(self.table.columns)
        return out

    def __repr__(self) -> str:
        return (
            f"Annex({self.lang}, {self.currency}, {len(self.table)} rows, total payable "
            f"{self.amount_text(self.totals['payment'] + self.totals.get('fee', Decimal(0)))})"
        )

    def _repr_html_(self) -> str:
        from .html import html_body  # the renderer imports the model, not the other way round

        return html_body(self)


def _check_notes(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        text = check_annex_text("notes", value)  # a str in, the same str out
        return (text,) if text is not None else ()
    if isinstance(value, Sequence):
        for i, v in enumerate(value):
            if not isinstance(v, str):
                raise InputError(f"notes[{i}]", v, "text (str)")
            check_annex_text(f"notes[{i}]", v)
        return tuple(value)
    raise InputError("notes", value, "text, a sequence of texts, or None")


# -----------------------------------------------------------------------------------------
# The content model
# -----------------------------------------------------------------------------------------
def annex(
    schedule,
    *,
    lang: str = "en",
    claim=None,
    plan=None,
    borrower: str | None = None,
    creditor: str | None = None,
    agreement_date=None,
    notes=None,
    title: str | None = None,
    default_clause: str | None = None,
    agreement=None,
    security=None,
    contract: str | None = None,
    borrower_party=None,
) -> Annex:
    """The content of the agreement annex for ``schedule``, in one structured object.

    Parameters
    ----------
    schedule : Schedule
        From :func:`repayplan.amortize` or :meth:`repayplan.Plan.schedule`.
    lang : {"en", "zh"}
        Language of the labels, dates and amounts in words.
    claim : Claim, optional
        What was owed: the balance and its composition, the currency, the penalty rate.
        Must be in the schedule's currency and, with a plan, the claim the schedule was
        made from.
    plan : Plan, optional
        The plan; default the one the schedule was made from (``schedule.terms["plan"]``).
    borrower, creditor : str, optional
        Names of the parties (user text: escaped and neutralised in every format).
    agreement_date : date, optional
        Date of signing.
    notes : str or sequence of str, optional
        Other matters agreed (Art. 70 item (六)), one clause each.
    title : str, optional
        Replaces the default title ("Annex: repayment schedule" / "附件：还款计划表").
    default_clause : str, optional
        The consequence of a missed instalment, replacing the default sentence (penalty
        interest at the claim's penalty rate, waivers revoked, acceleration).
    agreement : Agreement, optional
        The agreement the annex belongs to (its ``schedule``, plan and claim at signing
        are then the defaults).  The default clause is generated from it — penalty rate,
        grace days, day count, compound interest and the breach (acceleration) clauses —
        so the signed text states exactly what :meth:`repayplan.Agreement.status` charges.
    security : repayplan.Security, optional
        The collateral and guarantees that continue to secure the claim: one clause each,
        after the other matters (names escaped and neutralised like all user text).
    contract : str, optional
        The number of the loan contract the plan restructures.
    borrower_party : repayplan.case.Party, optional
        The borrower's registration number, legal representative, registered address and
        repayment account (its ``registration``, ``representative``, ``address`` and
        ``account``; empty fields are left out).

    Returns
    -------
    Annex

    Raises
    ------
    InputError
        An unknown language, a non-text name or note, a claim in another currency, a
        plan or claim that is not the one the schedule was made from.

    Notes
    -----
    The totals are exact column sums,
    ``totals[c] = sum(table[c])`` for ``c`` in payment, interest, principal (and fee), and
    the total payable is ``totals["payment"] + totals["fee"]`` (= ``schedule.total_paid``).
    The clauses state the items of 《商业银行信用卡业务监督管理办法》 Art. 70 (see the
    module docstring).

    Examples
    --------
    A 1.2 million yuan claim restructured over 24 months at 5 %, half the penalty waived:

    >>> from datetime import date
    >>> import repayplan as rp
    >>> claim = rp.Claim(principal=1_150_000, overdue_principal=150_000, interest=38_000,
    ...                  penalty=12_000, annual_rate=0.0435, penalty_markup=0.5,
    ...                  rules="cn-bank", as_of=date(2026, 12, 1))
    >>> s = rp.Plan(term=24, annual_rate=0.05, penalty_waiver=0.5).schedule(claim)
    >>> a = annex(s, lang="zh", claim=claim, borrower="华东精密制造有限公司")
    >>> a.totals["principal"], s.principal      # the schedule repays all that is owed
    (Decimal('1194000.00'), Decimal('1194000.00'))
    >>> a.words[0].label, a.words[0].text     # 24 x 52,382.44 in closed form, to the fen
    ('应还总额', '人民币壹佰贰拾伍万柒仟壹佰柒拾捌元伍角叁分')
    >>> list(a.table.columns[:4])
    ['期数', '还款日期', '期初本金余额', '应还金额']
    """
    from ..schedule import Schedule

    if not isinstance(schedule, Schedule):
        raise InputError(
            "schedule", schedule, "a repayplan Schedule (from amortize or Plan.schedule)"
        )
    lang = check_lang(lang)
    L = LABELS[lang]
    borrower = check_annex_text("borrower", borrower)
    creditor = check_annex_text("creditor", creditor)
    contract = check_annex_text("contract", contract)
    details = _party_details(borrower_party)
    title = check_annex_text("title", title)
    default_clause = check_annex_text("default_clause", default_clause)
    notes = _check_notes(notes)
    if agreement_date is not None:
        agreement_date = check_date("agreement_date", agreement_date)
    if agreement is not None:
        # read by its fields (report does not import tracking, which imports report)
        if not all(
            hasattr(agreement, a)
            for a in (
                "schedule",
                "breach",
                "penalty_rate",
                "grace_days",
                "claim_at_signing",
                "plan",
            )
        ):
            raise InputError("agreement", agreement, "a repayplan Agreement or None")
        if schedule is not agreement.schedule and not schedule.table.equals(
            agreement.schedule.table
        ):
            raise InputError("schedule", schedule, "the agreement's schedule (agreement.schedule)")
        plan = agreement.plan if plan is None else plan
        claim = agreement.claim_at_signing if claim is None else claim
    plan, claim, terms = _resolve_plan_claim(schedule, plan, claim)

    cur, units = schedule.currency, schedule.minor_units
    fm = lambda d: format_money(d, cur, units, lang)  # noqa: E731
    table, columns = _table(schedule, lang)
    totals = {k: sum(schedule.table[k], Decimal(0)) for k in _TOTALLED if k in columns}
    payable = totals["payment"] + totals.get("fee", Decimal(0))
    ctx = _Context(
        schedule=schedule,
        plan=plan,
        claim=claim,
        terms=terms,
        lang=lang,
        cur=cur,
        units=units,
        fm=fm,
    )

    header = [
        it
        for it in (
            text_item("contract", L, contract),
            text_item("creditor", L, creditor),
            text_item("borrower", L, borrower),
            *(text_item(k, L, v) for k, v in details),
            date_item("agreement_date", L, agreement_date, lang),
        )
        if it is not None
    ]
    header += _claim_items(ctx)
    header += _plan_items(ctx)

    composition = []
    if claim is not None:
        for key, amount in claim.components().items():
            if amount != 0 or key == "total":
                composition.append(
                    Item(key, L[key], amount, format_amount(amount, units), "amount")
                )

    words = []
    for key, amount in (
        ("total_payable", payable),
        ("total_principal", totals["principal"]),
        ("total_interest", totals["interest"]),
        ("total_fees", totals.get("fee")),
    ):
        if amount is None or (key == "total_fees" and amount == 0):
            continue
        text = in_words(amount, cur, lang)
        if text is not None:
            words.append(Item(key, L[key], amount, text, "amount"))

    clauses = _clauses(ctx, notes, default_clause, agreement)
    clauses += _security_clauses(ctx, security)
    return Annex(
        lang=lang,
        currency=cur,
        minor_units=units,
        title=title or L["title"],
        header=tuple(header),
        composition=tuple(composition),
        table=table,
        columns=columns,
        totals=totals,
        words=tuple(words),
        clauses=tuple(clauses),
        labels=L,
        created=_dt.datetime.now(_dt.UTC).replace(microsecond=0),
    )


def _party_details(party) -> list[tuple[str, str]]:
    """``(key, text)`` of the borrower's registration, representative, address and account."""
    if party is None:
        return []
    keys = ("registration", "representative", "address", "account")
    if not hasattr(party, "name"):
        raise InputError(
            "borrower_party",
            party,
            "a repayplan.case.Party (registration, representative, address, account) or None",
        )
    out = []
    for k in keys:
        v = check_annex_text(f"borrower_party.{k}", getattr(party, k, "") or None)
        if v:
            out.append((k, v))
    return out


@dataclass(frozen=True)
class _Context:
    schedule: Schedule
    plan: Plan | None
    claim: Claim | None
    terms: PlanTerms | None
    lang: str
    cur: str
    units: int
    fm: Callable[[Decimal], str]

    def pick(self, en: str, zh: str) -> str:
        return zh if self.lang == "zh" else en


def _resolve_plan_claim(schedule, plan, claim):
    from ..claim import Claim
    from ..plans import Plan

    made_from = schedule.terms.get("plan") if isinstance(schedule.terms, Mapping) else None
    if plan is None:
        plan = made_from if isinstance(made_from, Plan) else None
    elif not isinstance(plan, Plan):
        raise InputError("plan", plan, "a repayplan Plan or None")
    elif isinstance(made_from, Plan) and made_from != plan:
        raise InputError("plan", plan, f"the plan the schedule was made from ({made_from!r})")
    if claim is not None and not isinstance(claim, Claim):
        raise InputError("claim", claim, "a repayplan Claim or None")
    if claim is not None and claim.currency != schedule.currency:
        raise InputError("claim", claim, f"a claim in the schedule's currency {schedule.currency}")
    terms = None
    if claim is not None and plan is not None:
        terms = plan.terms(claim)
        owed = money.from_minor(terms.owed, terms.units)
        if owed != schedule.principal:
            raise InputError(
                "claim",
                claim,
                f"the claim the schedule was made from (under the plan this claim leaves "
                f"{owed} to repay; the schedule repays {schedule.principal})",
            )
    return plan, claim, terms


def _table(schedule, lang: str) -> tuple[pd.DataFrame, tuple]:
    src = schedule.table
    fees = "fee" in src.columns and any(v != 0 for v in src["fee"])
    columns = tuple(c for c in _COLUMNS if c in src.columns and (c != "fee" or fees))
    data: dict[str, list] = {}
    for c in columns:
        if c == "date":
            data[c] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in src["date"]]
        elif c == "period":
            data[c] = [int(p) for p in src["period"]]
        else:
            data[c] = [Decimal(v) for v in src[c]]
    L = LABELS[lang]
    frame = pd.DataFrame({L[f"col_{c}"]: data[c] for c in columns})
    return frame, columns


def text_item(key, L, value):
    return None if value is None else Item(key, L[key], value, value, "text")


def date_item(key, L, value, lang):
    return None if value is None else Item(key, L[key], value, format_date(value, lang), "date")


def _rate_item(key, L, rate):
    return Item(key, L[key], Decimal(str(rate)), format_rate(rate), "rate")


def _amount_item(key, L, amount, ctx):
    return Item(key, L[key], amount, ctx.fm(amount), "amount")


def _claim_items(ctx: _Context) -> list[Item]:
    L = LABELS[ctx.lang]
    shown = f"人民币（{ctx.cur}）" if (ctx.lang == "zh" and ctx.cur == "CNY") else ctx.cur
    out = [Item("currency", L["currency"], ctx.cur, shown, "text")]
    c = ctx.claim
    if c is not None:
        out.insert(0, date_item("as_of", L, c.as_of, ctx.lang))
        out.append(_rate_item("contract_rate", L, c.annual_rate))
        out.append(_rate_item("penalty_rate", L, c.penalty_rate))
    return out


def _plan_rate(ctx: _Context):
    """The plan's annual rate, or ``None`` when the annex cannot know it."""
    if ctx.terms is not None:
        return ctx.terms.rate
    if ctx.plan is not None:
        return None if ctx.plan.annual_rate is None else Decimal(repr(ctx.plan.annual_rate))
    rate = ctx.schedule.terms.get("annual_rate")
    return None if rate is None else Decimal(str(rate))


def _rate_text(ctx: _Context, rate) -> str:
    """The plan's rate, with the changes of a schedule built with ``rate_changes``."""
    text = format_rate(rate)
    changes = ctx.schedule.terms.get("rate_changes") if ctx.plan is None else None
    for period, new in sorted((changes or {}).items()):
        text += ctx.pick(
            f"; {format_rate(new)} from instalment {period}",
            f"；自第{period}期起{format_rate(new)}",
        )
    return text


def _frequency(ctx: _Context) -> int:
    return 12 if ctx.plan is not None else int(ctx.schedule.terms.get("frequency", 12))


def _instalment_rows(ctx: _Context) -> pd.DataFrame:
    t = ctx.schedule.table
    return t[t["period"] >= 1]


def _plan_items(ctx: _Context) -> list[Item]:
    L, s, p, pick = LABELS[ctx.lang], ctx.schedule, ctx.plan, ctx.pick
    i = 0 if ctx.lang == "en" else 1
    out = []
    if p is not None and p.name:
        out.append(text_item("plan_name", L, plan_name(p.name, ctx.lang)))
    if p is not None:
        method = structure_of(p)
    else:
        m = s.terms.get("method")
        method = m if isinstance(m, str) and m in METHOD_NAMES else "custom"
    out.append(Item("method", L["method"], method, METHOD_NAMES[method][i], "text"))
    freq = _frequency(ctx)
    cycle = CYCLES.get(freq, (f"{freq} times a year", f"每年{freq}次"))[i]
    out.append(Item("cycle", L["cycle"], cycle, cycle, "text"))
    rows = _instalment_rows(ctx)
    n = len(rows)
    if p is not None and not p.is_settlement:
        out.append(
            Item("term", L["term"], p.term, pick(f"{p.term} months", f"{p.term}个月"), "int")
        )
    out.append(Item("instalments", L["instalments"], n, str(n), "int"))
    if p is not None and p.grace:
        kind = pick(
            "interest only" if p.grace_kind == "interest_only" else "interest capitalised",
            "只付利息" if p.grace_kind == "interest_only" else "利息计入本金",
        )
        out.append(
            Item(
                "grace",
                L["grace"],
                p.grace,
                pick(f"{p.grace} months, {kind}", f"{p.grace}个月（{kind}）"),
                "int",
            )
        )
    elif p is None and s.terms.get("grace"):
        g = int(s.terms["grace"])
        out.append(Item("grace", L["grace"], g, pick(f"{g} periods", f"{g}期"), "int"))
    rate = _plan_rate(ctx)
    if rate is not None and not (p is not None and p.is_settlement):
        out.append(
            Item(
                "rate",
                L["rate"],
                Decimal(str(rate)),
                _rate_text(ctx, rate),
                "rate" if _rate_text(ctx, rate) == format_rate(rate) else "text",
            )
        )
    if p is not None and p.balloon:
        out.append(
            Item("balloon", L["balloon"], Decimal(repr(p.balloon)), format_rate(p.balloon), "rate")
        )
    if p is not None and p.step_up:
        out.append(
            Item("step_up", L["step_up"], Decimal(repr(p.step_up)), format_rate(p.step_up), "rate")
        )
    if p is not None and p.seasonal is not None:
        w = " / ".join(f"{x:g}" for x in p.seasonal)
        out.append(Item("seasonal", L["seasonal"], w, w, "text"))
    out.append(_amount_item("financed", L, s.principal, ctx))
    signing = _signing(ctx)
    if signing:
        out.append(_amount_item("signing", L, signing, ctx))
    if n and not (p is not None and p.is_settlement):
        out.append(_amount_item(_payment_key(ctx, rows), L, s.payment, ctx))
    if n:
        out.append(date_item("first_due", L, _first_date(rows), ctx.lang))
        out.append(date_item("last_due", L, _last_date(rows), ctx.lang))
    out = [it for it in out if it is not None]
    out += _waiver_items(ctx)
    return out


def _payment_key(ctx: _Context, rows: pd.DataFrame) -> str:
    """``"regular_payment"`` when every instalment after grace but the last is the payment."""
    grace = ctx.plan.grace if ctx.plan is not None else int(ctx.schedule.terms.get("grace") or 0)
    after = rows[rows["period"] > grace]["payment"].iloc[:-1]
    return "regular_payment" if all(v == ctx.schedule.payment for v in after) else "first_payment"


def _first_date(rows):
    d = rows["date"].iloc[0]
    return None if pd.isna(d) else pd.Timestamp(d).date()


def _last_date(rows):
    d = rows["date"].iloc[-1]
    return None if pd.isna(d) else pd.Timestamp(d).date()


def _signing(ctx: _Context) -> Decimal:
    t = ctx.schedule.table
    zero = t[t["period"] == 0]
    return Decimal(0) if zero.empty else Decimal(zero["payment"].iloc[0])


def _waived(ctx: _Context) -> tuple[list[tuple[str, Decimal]], Decimal | None]:
    """Waived amounts by part (with a claim) and in total (``None``: not known)."""
    if ctx.terms is not None:
        parts = [
            (f"waived_{k}", money.from_minor(v, ctx.units))
            for k, v in ctx.terms.waived_parts.items()
        ]
        return [(k, v) for k, v in parts if v], money.from_minor(ctx.terms.waived, ctx.units)
    w = ctx.schedule.terms.get("waived") if ctx.plan is not None else None
    return [], (None if w is None else Decimal(w))


def _waiver_items(ctx: _Context) -> list[Item]:
    L = LABELS[ctx.lang]
    parts, total = _waived(ctx)
    out = [_amount_item(k, L, v, ctx) for k, v in parts]
    if total is not None:
        out.append(_amount_item("waived_total", L, total, ctx))
        if total and ctx.plan is not None:
            cond = (
                ctx.pick("on condition of performance", "以按约履行为条件")
                if ctx.plan.waivers_conditional
                else ctx.pick("unconditionally", "无条件")
            )
            out.append(Item("waiver_condition", L["waiver_condition"], cond, cond, "text"))
    return out


def _breach_zh(clause) -> str:
    """A breach clause of :mod:`repayplan.tracking` in Chinese (the English is ``describe()``)."""
    name = type(clause).__name__
    if name == "ConsecutiveMisses":
        text = f"连续{clause.count}期未在宽限期内足额还款"
        return text + ("，或末期未在宽限期内足额还款" if clause.final and clause.count > 1 else "")
    if name == "DaysPastDue":
        return f"任何一期款项逾期超过{clause.days}日"
    return f"累计未还金额超过累计应还金额的{format_rate(clause.share)}"


def _agreement_default_clause(ctx: _Context, ag, revoke: bool) -> str:
    """The consequence of a missed instalment, stated from the Agreement's own terms."""
    rs, pick = ag.rules, ctx.pick
    rate = format_rate(ag.penalty_rate)
    g = ag.grace_days
    dc = rs.accrual_day_count
    denom = {"ACT/360": "360", "ACT/365F": "365"}.get(dc)
    daily_en = (
        f"counted daily ({dc}: the annual rate / {denom} per actual day)"
        if denom
        else f"counted daily ({dc})"
    )
    daily_zh = f"按日计算（{dc}：日利率 = 年利率 / {denom}）" if denom else f"按日计算（{dc}）"
    if g:
        late_en = (
            f"An instalment not paid in full within {g} days after its due date is overdue; a payment "
            f"within those grace days counts as made on time and no penalty is charged on it. "
            f"Once the grace days pass, "
        )
        late_zh = (
            f"任何一期款项应于还款日后{g}日（宽限期）内足额支付，宽限期内还款视同按时还款，不计罚息；"
            f"宽限期届满仍未足额支付的，即为逾期，"
        )
    else:
        late_en, late_zh = (
            "An instalment not paid in full on its due date is overdue; ",
            "任何一期款项未于还款日足额支付的，即为逾期，",
        )
    pen_en = (
        f"the unpaid principal of the instalment bears penalty interest at {rate} a year from the "
        f"day after the due date until it is paid, {daily_en}"
    )
    pen_zh = f"该期未还本金自还款日次日起按年利率{rate}计收罚息至实际清偿之日，{daily_zh}"
    if not rs.compound_interest:
        comp_en, comp_zh = "; unpaid interest bears no compound interest", "；未付利息不计复利"
    elif rs.compound_rate == "contract":
        crate = format_rate(ag.terms.rate)
        comp_en = (
            f"; its unpaid interest bears compound interest at {crate} a year until the last due "
            f"date ({format_date(ag.maturity, 'en')}) and at {rate} a year after"
        )
        comp_zh = (
            f"；该期未付利息于末期还款日（{format_date(ag.maturity, 'zh')}）前按年利率{crate}、"
            f"其后按年利率{rate}计收复利"
        )
    else:
        comp_en = f"; its unpaid interest bears compound interest at {rate} a year, likewise"
        comp_zh = f"；该期未付利息按年利率{rate}计收复利"
    clauses = [c.describe() for c in ag.breach]
    if clauses:
        acc_en = (
            "; and if "
            + " or ".join(clauses)
            + " (each instalment counted as missed when not paid in "
            "full within its grace days), the Creditor may declare the whole outstanding balance due "
            "at once."
        )
        acc_zh = (
            "；出现下列情形之一的，债权人有权宣布全部未偿余额立即到期："
            + "；".join(_breach_zh(c) for c in ag.breach)
            + "。"
        )
    else:
        acc_en, acc_zh = ".", "。"
    return pick(
        late_en + pen_en + comp_en + ("; the waivers are revoked" if revoke else "") + acc_en,
        late_zh + pen_zh + comp_zh + ("；已减免款项恢复计收" if revoke else "") + acc_zh,
    )


def _clauses(
    ctx: _Context, notes: tuple[str, ...], default_clause: str | None, agreement=None
) -> list[Item]:
    L, s, p, c, pick, fm = LABELS[ctx.lang], ctx.schedule, ctx.plan, ctx.claim, ctx.pick, ctx.fm
    out = []
    # (一) balance owed, composition, currency
    if c is not None:
        words = in_words(c.total, ctx.cur, ctx.lang)
        w_en = f" ({words})" if words else ""
        w_zh = f"（大写：{words}）" if words else ""
        text = pick(
            f"As of {format_date(c.as_of, 'en')} the Borrower owes {fm(c.total)}{w_en}, made up as "
            f'set out under "{L["claim"]}". All amounts are in {ctx.cur}.',
            f"截至{format_date(c.as_of, 'zh')}，借款人欠款合计{fm(c.total)}{w_zh}，其构成见"
            f"“{L['claim']}”。本协议所有金额的币种为{currency_word(ctx.cur, 'zh')}。",
        )
    else:
        text = pick(
            f"The Borrower repays {fm(s.principal)} under this plan. All amounts are in {ctx.cur}.",
            f"借款人按本计划偿还{fm(s.principal)}。本协议所有金额的币种为"
            f"{currency_word(ctx.cur, 'zh')}。",
        )
    out.append(Item("balance", L["clause_balance"], None, text))

    # (二) cycle, method, currency, dates and amounts
    rows = _instalment_rows(ctx)
    n, signing = len(rows), _signing(ctx)
    i = 0 if ctx.lang == "en" else 1
    freq = _frequency(ctx)
    cycle = CYCLES.get(freq, (f"{freq} times a year", f"每年{freq}次"))[i]
    parts_en, parts_zh = [], []
    if signing:
        when_en = (
            f"on signing ({format_date(_signing_date(ctx), 'en')})"
            if _signing_date(ctx)
            else "on signing"
        )
        when_zh = (
            f"签约时（{format_date(_signing_date(ctx), 'zh')}）" if _signing_date(ctx) else "签约时"
        )
        parts_en.append(f"{fm(signing)} is payable {when_en}.")
        parts_zh.append(f"{when_zh}应支付{fm(signing)}。")
    if n:
        first, last = _first_date(rows), _last_date(rows)
        span_en = (
            f" The first falls due on {format_date(first, 'en')}, the last on {format_date(last, 'en')}."
            if first
            else ""
        )
        span_zh = (
            f"首期还款日为{format_date(first, 'zh')}，末期还款日为{format_date(last, 'zh')}。"
            if first
            else ""
        )
        if p is not None and p.is_settlement:
            parts_en.append(
                f"The Borrower pays {fm(rows['payment'].iloc[-1])} in one payment in {ctx.cur}, "
                f"due as the schedule below states.{span_en}"
            )
            parts_zh.append(
                f"借款人以{currency_word(ctx.cur, 'zh')}一次性支付{fm(rows['payment'].iloc[-1])}，"
                f"还款日期见下表。{span_zh}"
            )
        else:
            method = METHOD_NAMES[_method_key(ctx)]
            parts_en.append(
                f"Repayment is {cycle}, by {method[0]}, in {n} instalments in {ctx.cur}, on the "
                f"due dates and in the amounts of the schedule below.{span_en}"
            )
            parts_zh.append(
                f"借款人{cycle}还款，还款方式为{method[1]}，共{n}期，以"
                f"{currency_word(ctx.cur, 'zh')}支付，各期还款日期和金额见下表。{span_zh}"
            )
    out.append(
        Item("repayment", L["clause_repayment"], None, pick(" ".join(parts_en), "".join(parts_zh)))
    )

    # (三) interest and fees while the plan runs
    rate = _plan_rate(ctx)
    fee_total = sum(s.table["fee"], Decimal(0)) if "fee" in s.table.columns else Decimal(0)
    if p is not None and p.is_settlement:
        i_en = "The settlement amount bears no interest."
        i_zh = "一次性结清金额不再计收利息。"
    elif rate is None:
        i_en = "The outstanding balance bears interest at the rate stated in the schedule, included in each instalment."
        i_zh = "未偿余额按本计划表所列利息计息，利息包含在每期还款金额中。"
    elif rate == 0:
        i_en, i_zh = "The outstanding balance bears no interest.", "未偿余额不计利息。"
    else:
        dc = "30/360" if p is not None else str(s.terms.get("day_count", "30/360"))
        changes = (
            sorted((ctx.schedule.terms.get("rate_changes") or {}).items()) if p is None else []
        )
        ch_en = "".join(f", and at {format_rate(r)} a year from instalment {k}" for k, r in changes)
        ch_zh = "".join(f"，自第{k}期起按年利率{format_rate(r)}计息" for k, r in changes)
        i_en = (
            f"The outstanding balance bears interest at {format_rate(rate)} a year{ch_en} ({dc}), "
            f"included in each instalment."
        )
        i_zh = f"未偿余额按年利率{format_rate(rate)}计息{ch_zh}（{dc}），利息包含在每期还款金额中。"
    if fee_total:
        f_en = f" A fee is payable with the instalments as the schedule states ({fm(fee_total)} in all)."
        f_zh = f"另按计划表收取费用，合计{fm(fee_total)}。"
    else:
        f_en, f_zh = " No annual fee or other fee is charged.", "不收取年费及其他费用。"
    stop_en = (
        " While the Borrower keeps to this plan, no penalty interest or compound interest accrues."
    )
    stop_zh = "借款人按本计划履行期间，停止计收罚息和复利。"
    out.append(
        Item(
            "interest",
            L["clause_interest"],
            None,
            pick(i_en + f_en + stop_en, i_zh + f_zh + stop_zh),
        )
    )

    # what was waived
    parts, total = _waived(ctx)
    if total:
        names = {
            "waived_penalty": ("penalty and compound interest", "罚息、复利"),
            "waived_interest": ("contract interest", "利息"),
            "waived_principal": ("principal", "本金"),
            "waived_settlement": ("as a settlement discount", "一次性结清减让"),
        }
        if parts:
            listed_en = ", ".join(
                f"{fm(v)} of {names[k][0]}"
                if k != "waived_settlement"
                else f"{fm(v)} {names[k][0]}"
                for k, v in parts
            )
            listed_zh = "、".join(f"{names[k][1]}{fm(v)}" for k, v in parts)
            w_en = f"The Creditor waives {listed_en}; {fm(total)} in all."
            w_zh = f"债权人减免{listed_zh}，合计{fm(total)}。"
        else:
            w_en, w_zh = f"The Creditor waives {fm(total)}.", f"债权人减免{fm(total)}。"
        if p is not None and p.waivers_conditional:
            w_en += (
                " The waivers are conditional on the Borrower's full and punctual performance of this "
                "plan: if the Borrower defaults, they are revoked and the waived amounts fall due again."
            )
            w_zh += "上述减免以借款人按期足额履行本计划为条件；借款人违约的，减免撤销，已减免款项恢复计收。"
        else:
            w_en += " The waivers are unconditional."
            w_zh += "上述减免不附条件。"
    else:
        w_en, w_zh = "Nothing is waived.", "本计划不减免任何款项。"
    if total is not None:  # a bare schedule (no plan) says nothing about waivers
        out.append(Item("waivers", L["clause_waivers"], None, pick(w_en, w_zh)))

    # (四) credit cards
    if c is not None and c.product == "credit_card":
        out.append(
            Item(
                "card",
                L["clause_card"],
                None,
                pick(
                    "Until everything due under this instalment agreement is repaid, the cardholder undertakes not "
                    "to apply to any bank for a credit card.",
                    "在本个性化分期还款协议相关款项全部结清前，持卡人承诺不向任何银行申领信用卡。",
                ),
            )
        )

    # (五) consequence of a missed instalment
    if default_clause is not None:
        d_text = default_clause
    elif agreement is not None:
        revoke = bool(total) and p is not None and p.waivers_conditional
        d_text = _agreement_default_clause(ctx, agreement, revoke)
    else:
        pen_en = (
            f"at the penalty rate of {format_rate(c.penalty_rate)} a year"
            if c is not None
            else "at the penalty rate of the original contract"
        )
        pen_zh = (
            f"按年利率{format_rate(c.penalty_rate)}" if c is not None else "按原合同约定的罚息利率"
        )
        revoke = bool(total) and p is not None and p.waivers_conditional
        d_text = pick(
            f"An instalment not paid in full on its due date is overdue: the overdue amount bears penalty "
            f"interest {pen_en} from the day after the due date until it is paid"
            + ("; the waivers are revoked" if revoke else "")
            + "; and the Creditor may declare the whole outstanding balance due at once.",
            f"任何一期款项未于还款日足额支付的，即为逾期，逾期款项自还款日次日起{pen_zh}计收罚息至实际清偿之日"
            + ("；已减免款项恢复计收" if revoke else "")
            + "；债权人有权宣布全部未偿余额立即到期。",
        )
    out.append(Item("default", L["clause_default"], None, d_text))

    # (六) other matters
    for k, note in enumerate(notes):
        out.append(Item(f"note_{k + 1}", L["clause_other"], None, note))
    return out


_LIEN = {
    "real_estate": ("mortgage", "抵押"),
    "equipment": ("mortgage", "抵押"),
    "equity": ("pledge", "质押"),
    "receivables": ("pledge", "质押"),
    "deposits": ("pledge", "质押"),
}
_KIND_WORDS = {
    "real_estate": ("real estate", "不动产"),
    "equipment": ("equipment", "设备"),
    "equity": ("equity", "股权"),
    "receivables": ("receivables", "应收账款"),
    "deposits": ("deposits", "存款"),
}


def _security_clauses(ctx: _Context, security) -> list[Item]:
    """The annex's security block: each collateral item and guarantee continues to secure the claim.

    >>> import repayplan as rp
    >>> from datetime import date
    >>> claim = rp.Claim(principal=100_000, annual_rate=0.05, as_of=date(2026, 6, 30))
    >>> sec = rp.Security(collateral=[rp.Collateral("Workshop", appraisal=150_000, kind="real_estate",
    ...                                             lien_rank=2, prior_claims=40_000)],
    ...                   guarantees=[rp.Guarantee("Chen", capacity=50_000)])
    >>> a = annex(rp.Plan(term=12).schedule(claim), claim=claim, security=sec)
    >>> [it.text for it in a.clauses if it.key.startswith("security")]  # doctest: +NORMALIZE_WHITESPACE
    ['The second-ranking mortgage over Workshop (real estate, appraised at CNY 150,000.00; prior claims
      CNY 40,000.00) continues to secure the whole balance owed until it is repaid.',
     'Chen continues to guarantee the balance owed (joint and several liability, up to CNY 50,000.00).']
    """
    if security is None:
        return []
    from ..security import Security

    if not isinstance(security, Security):
        raise InputError("security", security, "a repayplan.Security")
    L, pick, fm = LABELS[ctx.lang], ctx.pick, ctx.fm
    ranks = {1: ("first", "第一顺位"), 2: ("second", "第二顺位"), 3: ("third", "第三顺位")}
    out = []
    for k, c in enumerate(security.collateral):
        name = check_annex_text("security.collateral.name", c.name)
        rank_en, rank_zh = ranks.get(c.lien_rank, (f"rank-{c.lien_rank}", f"第{c.lien_rank}顺位"))
        lien_en, lien_zh = _LIEN[c.kind]
        kind_en, kind_zh = _KIND_WORDS[c.kind]
        prior_en = f"; prior claims {fm(c.prior_claims)}" if c.prior_claims else ""
        prior_zh = f"，在先债权{fm(c.prior_claims)}" if c.prior_claims else ""
        text = pick(
            f"The {rank_en}-ranking {lien_en} over {name} ({kind_en}, appraised at {fm(c.appraisal)}"
            f"{prior_en}) continues to secure the whole balance owed until it is repaid.",
            f"{name}（{kind_zh}，评估价{fm(c.appraisal)}{prior_zh}）上设立的{rank_zh}{lien_zh}"
            f"继续担保全部欠款，至清偿之日止。",
        )
        out.append(Item(f"security_{k + 1}", L["clause_security"], None, text))
    for k, g in enumerate(security.guarantees):
        name = check_annex_text("security.guarantees.name", g.name)
        kind_en = "joint and several liability" if g.kind == "joint" else "general guarantee"
        kind_zh = "连带责任保证" if g.kind == "joint" else "一般保证"
        text = pick(
            f"{name} continues to guarantee the balance owed ({kind_en}, up to {fm(g.capacity)}).",
            f"{name}继续为全部欠款提供保证（{kind_zh}，最高{fm(g.capacity)}）。",
        )
        out.append(Item(f"security_g{k + 1}", L["clause_security"], None, text))
    return out


def structure_of(plan) -> str:
    """The key of the repayment structure a plan actually has (its method and its shaping).

    >>> from repayplan.plans import Plan
    >>> [structure_of(p) for p in (Plan(), Plan(seasonal=[0.5] * 6 + [1.5] * 6), Plan(balloon=0.3),
    ...                          Plan(step_up=0.05), Plan(method="equal_principal"), Plan(settlement_by=3))]
    ['level', 'seasonal', 'balloon', 'step_up', 'equal_principal', 'settlement']
    """
    if plan.is_settlement:
        return "settlement"
    if plan.method == "level":
        if plan.seasonal is not None:
            return "seasonal"
        if plan.balloon:
            return "balloon"
        if plan.step_up:
            return "step_up"
    return plan.method


def _method_key(ctx: _Context) -> str:
    if ctx.plan is not None:
        return structure_of(ctx.plan)
    m = ctx.schedule.terms.get("method")
    return m if isinstance(m, str) and m in METHOD_NAMES else "custom"


def _signing_date(ctx: _Context):
    t = ctx.schedule.table
    zero = t[t["period"] == 0]
    if zero.empty or pd.isna(zero["date"].iloc[0]):
        return None
    return pd.Timestamp(zero["date"].iloc[0]).date()


def total_cell(a: Annex, key: str) -> str:
    if key == "period":
        return a.labels["total"]
    if key in a.totals:
        return a.amount_text(a.totals[key])
    return ""
