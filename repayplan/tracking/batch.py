"""Many agreements at once (a case register): :func:`figures_many` and :func:`status_many`.

Agreements with the ledger's batch terms are replayed together by
:func:`repayplan.ledger.figures` and judged by the same clauses as
:meth:`~repayplan.tracking.agreement.Agreement.status`; any other
agreement is replayed alone.  Every figure equals what the single-agreement path gives.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from .. import ledger as _ledger
from .. import money
from .._validate import check_bool, check_date, check_sequence
from ..errors import InputError
from .agreement import Agreement, Status, first_breach, ledger_of, observation_of, read_payments
from .clauses import ConsecutiveMisses, DaysPastDue, History

__all__ = [
    "figures_many",
    "status_many",
]


# ----------------------------------------------------------------------------------------
# many agreements at once (a case register)
# ----------------------------------------------------------------------------------------
_FIGURES = (
    "principal",
    "overdue_principal",
    "interest",
    "overdue_interest",
    "penalty",
    "compound",
    "credit",
    "arrears",
)


def figures_many(agreements, as_of, payments) -> pd.DataFrame:
    """What is owed under many agreements on one date, by the one ledger, batched.

    Agreements with the default terms of the ledger's batch (overpayments to the next
    instalments, ``accrual_rounding="exact"``, compound interest at the penalty rate) are
    grouped by rule set, grace days and currency and replayed together by
    :func:`repayplan.ledger.replay_many`; any other is replayed alone by
    :meth:`Agreement.ledger`.  Both give :func:`repayplan.ledger.figures` exactly.

    Parameters
    ----------
    agreements : sequence of Agreement
    as_of : date
        On or after every signing date.
    payments : sequence of payment lists
        One per agreement, as for :meth:`Agreement.status`.

    Returns
    -------
    DataFrame
        One row per agreement (in the order given): ``principal``, ``overdue_principal``,
        ``interest``, ``overdue_interest``, ``penalty``, ``compound``, ``credit``,
        ``arrears`` as Decimals.

    Examples
    --------
    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> figures_many([ag, ag], date(2027, 4, 15), [paid, []])[["penalty", "arrears"]]
      penalty   arrears
    0  154.71  20950.00
    1  622.85  42100.00
    """
    day = check_date("as_of", as_of)
    ags = check_sequence("agreements", agreements, "Agreements")
    pays = check_sequence("payments", payments, "payment lists, one per agreement")
    if len(pays) != len(ags):
        raise InputError("payments", len(pays), f"one payment list per agreement ({len(ags)})")
    for i, ag in enumerate(ags):
        if not isinstance(ag, Agreement):
            raise InputError(f"agreements[{i}]", ag, "a repayplan Agreement")
        if day < ag.signed:
            raise InputError(
                "as_of", day, f"a date on or after the signing date {ag.signed} of agreements[{i}]"
            )
    read = [
        read_payments(p, ag.signed, day, ag.minor_units, f"payments[{i}]")
        for i, (ag, p) in enumerate(zip(ags, pays, strict=True))
    ]
    out: dict[str, list] = {k: [None] * len(ags) for k in _FIGURES}
    groups: dict = {}
    for i, ag in enumerate(ags):
        rs = ag.rules
        if (
            ag.overpayment == "next"
            and ag.accrual_rounding == "exact"
            and (not rs.compound_interest or rs.compound_rate == "penalty")
        ):
            key = (
                rs.allocation_order,
                rs.allocation_by,
                rs.compound_interest,
                rs.accrual_day_count,
                ag.grace_days,
                ag.minor_units,
            )
            groups.setdefault(key, []).append(i)
        else:
            f = _ledger.figures(ledger_of(ag, day, read[i]), day)
            f["arrears"] = int(
                np.where(f["due_now"], ledger_of(ag, day, read[i]).outstanding(), 0).sum()
            )
            for k in _FIGURES:
                out[k][i] = money.from_minor(f[k], ag.minor_units)
    far = np.datetime64("9999-12-31", "D")
    for (order, by, compound, dc, grace, units), idx in groups.items():
        n = max(len(ags[i]._rows["due"]) for i in idx)
        e = max(1, max(len(read[i]) for i in idx))
        b = len(idx)
        due = np.full((b, n), far, dtype="datetime64[D]")
        interest, interest_full, principal = (np.zeros((b, n), dtype=np.int64) for _ in range(3))
        payable = np.zeros((b, n), dtype=bool)
        dates = np.full((b, e), np.datetime64("NaT", "D"), dtype="datetime64[D]")
        amounts = np.zeros((b, e), dtype=np.int64)
        for r, i in enumerate(idx):
            rows = ags[i]._rows
            m = len(rows["due"])
            due[r, :m] = rows["due"]
            if m < n:  # padding after the last due date, strictly increasing
                due[r, m:] = far - np.arange(n - m, 0, -1)
            interest[r, :m], interest_full[r, :m] = rows["interest"], rows["interest_full"]
            principal[r, :m], payable[r, :m] = rows["principal"], rows["payable"]
            for j, (d, a) in enumerate(read[i]):
                dates[r, j], amounts[r, j] = np.datetime64(d, "D"), a
        first = ags[idx[0]]
        terms = _ledger.Terms(
            first.penalty_rate,
            first.terms.rate,
            compound,
            "penalty",
            dc,
            order,
            by,
            "next",
            grace,
            "exact",
            units,
        )
        res = _ledger.replay_many(
            start=np.array([np.datetime64(ags[i].signed, "D") for i in idx]),
            due=due,
            interest=interest,
            principal=principal,
            penalty_rate=[ags[i].penalty_rate for i in idx],
            terms=terms,
            as_of=day,
            pay_dates=dates,
            pay_amounts=amounts,
            interest_full=interest_full,
            payable=payable,
        )
        for k in _FIGURES:
            vals = money.decimals_array(np.asarray(res[k]), units)
            for r, i in enumerate(idx):
                out[k][i] = vals[r]
    return pd.DataFrame(out, columns=list(_FIGURES))


_STATUS_MANY = (
    "state",
    "paid",
    "arrears",
    "penalty",
    "balance",
    "days_past_due",
    "next_due",
    "next_amount",
    "breach",
    "observation",
)


def _status_fields(st: Status) -> dict:
    """The columns of :func:`status_many` read off one :class:`Status`."""
    table = st.table
    as_of = np.datetime64(st.as_of, "D")
    due = table["due_date"].to_numpy().astype("datetime64[D]")
    out = table["outstanding"].to_numpy()
    ahead = np.flatnonzero((due > as_of) & np.array([o > 0 for o in out], dtype=bool))
    nxt = int(ahead[0]) if ahead.size else None
    dpd = table["days_past_due"].to_numpy()
    return {
        "state": st.state,
        "paid": st.paid,
        "arrears": st.arrears,
        "penalty": st.penalty,
        "balance": st.balance,
        "days_past_due": int(dpd.max()) if dpd.size else 0,
        "next_due": None if nxt is None else due[nxt].astype(_dt.date),
        "next_amount": None if nxt is None else out[nxt],
        "breach": st.breach,
        "observation": st.observation,
    }


def _batchable(ag: Agreement) -> bool:
    """The terms :func:`repayplan.ledger.replay_many` covers, and clauses judged by due and
    paid-in-full days alone (a cumulative shortfall needs the ledger's running totals)."""
    rs = ag.rules
    return (
        ag.overpayment == "next"
        and ag.accrual_rounding == "exact"
        and (not rs.compound_interest or rs.compound_rate == "penalty")
        and all(isinstance(c, (ConsecutiveMisses, DaysPastDue)) for c in ag.breach)
    )


def _read_minor(items, signed: _dt.date, as_of: _dt.date, name: str) -> tuple:
    """Payments already in minor units, ``((date, int), ...)``, by the rules of
    :func:`read_payments`: dates from the signing date to ``as_of``, whole amounts >= 0,
    none listed twice."""
    try:
        items = list(() if items is None else items)
    except TypeError:
        raise InputError(name, items, "a sequence of (date, minor units) pairs") from None
    out, seen = [], set()
    for j, pair in enumerate(items):
        where = f"{name}[{j}]"
        try:
            day, amount = pair
        except (TypeError, ValueError):
            raise InputError(where, pair, "a (date, minor units) pair") from None
        if not isinstance(day, _dt.date) or isinstance(day, _dt.datetime):
            raise InputError(f"{where}.date", day, "a datetime.date")
        if not signed <= day <= as_of:
            raise InputError(
                f"{where}.date", day, f"a date from the signing date {signed} to {as_of}"
            )
        if (
            isinstance(amount, (bool, np.bool_))
            or not isinstance(amount, (int, np.integer))
            or amount < 0
        ):
            raise InputError(f"{where}.amount", amount, "a whole number of minor units, 0 or more")
        amount = int(amount)
        if (day, amount) in seen and amount > 0:
            raise InputError(
                where,
                (day.isoformat(), amount),
                "a payment not already listed",
                "if both were received, give them as one payment of the sum",
            )
        seen.add((day, amount))
        out.append((day, amount))
    return tuple(out)


def status_many(agreements, as_of, payments, *, minor: bool = False) -> pd.DataFrame:
    """The headline of :meth:`Agreement.status` for many agreements on one date, batched.

    Agreements with the terms of the ledger's batch (overpayments to the next instalments,
    ``accrual_rounding="exact"``, compound interest at the penalty rate) and breach clauses
    :class:`ConsecutiveMisses` or :class:`DaysPastDue` are grouped by rule set, grace days
    and currency and replayed together by :func:`repayplan.ledger.replay_many`; from each
    instalment's unpaid amount and the day it was paid in full the state, the breach and
    the observation period are judged by the same clauses as :meth:`Agreement.status`.
    Any other agreement is replayed alone by :meth:`Agreement.status`.  Every figure equals
    what :meth:`Agreement.status` gives (the tests check it).

    Parameters
    ----------
    agreements : sequence of Agreement
    as_of : date
        On or after every signing date.
    payments : sequence of payment lists
        One per agreement, as for :meth:`Agreement.status`.
    minor : bool
        The amounts are whole minor units (``(date, int)`` pairs, as a register keeps
        them) rather than amounts in the currency; default False.

    Returns
    -------
    DataFrame
        One row per agreement (in the order given): ``state``, ``paid``, ``arrears``,
        ``penalty``, ``balance`` (Decimals, as :class:`Status`), ``days_past_due`` (of the
        oldest instalment unpaid), ``next_due`` and ``next_amount`` (the first instalment
        not yet due with something unpaid, or None), ``breach`` (:class:`Breach` or None)
        and ``observation`` (:class:`Observation` or None).

    Examples
    --------
    The history of :class:`Breach`'s example, and the same agreement with nothing paid (its
    first instalment, due 1 January, is 104 days past due on 15 April):

    >>> from datetime import date
    >>> from repayplan.claim import Claim
    >>> from repayplan.plans import Plan
    >>> claim = Claim(principal=120_000, annual_rate=0.06, as_of=date(2026, 12, 1), rules="cn-bank")
    >>> ag = Agreement(Plan(method="equal_principal", term=12), claim)
    >>> paid = [(date(2027, 1, 1), 10_600), (date(2027, 2, 1), 10_550)]
    >>> s = status_many([ag, ag], date(2027, 4, 15), [paid, []])
    >>> s[["state", "arrears", "penalty", "days_past_due", "next_due"]]
          state   arrears penalty  days_past_due    next_due
    0  breached  20950.00  154.71             45  2027-05-01
    1  breached  42100.00  622.85            104  2027-05-01
    >>> s.loc[0, "breach"].date, s.loc[1, "breach"].date
    (datetime.date(2027, 4, 2), datetime.date(2027, 2, 2))

    The same payments in fen, as a register keeps them:

    >>> fen = [(date(2027, 1, 1), 1_060_000), (date(2027, 2, 1), 1_055_000)]
    >>> status_many([ag], date(2027, 4, 15), [fen], minor=True).loc[0, "penalty"]
    Decimal('154.71')
    """
    day = check_date("as_of", as_of)
    ags = check_sequence("agreements", agreements, "Agreements")
    pays = check_sequence("payments", payments, "payment lists, one per agreement")
    if len(pays) != len(ags):
        raise InputError("payments", len(pays), f"one payment list per agreement ({len(ags)})")
    for i, ag in enumerate(ags):
        if not isinstance(ag, Agreement):
            raise InputError(f"agreements[{i}]", ag, "a repayplan Agreement")
        if day < ag.signed:
            raise InputError(
                "as_of", day, f"a date on or after the signing date {ag.signed} of agreements[{i}]"
            )
    minor = check_bool("minor", minor)
    rows: list = [None] * len(ags)
    read: list = [None] * len(ags)
    groups: dict = {}
    for i, ag in enumerate(ags):
        if minor:
            read[i] = _read_minor(pays[i], ag.signed, day, f"payments[{i}]")
        if _batchable(ag):
            if not minor:
                read[i] = read_payments(pays[i], ag.signed, day, ag.minor_units, f"payments[{i}]")
            rs = ag.rules
            key = (
                rs.allocation_order,
                rs.allocation_by,
                rs.compound_interest,
                rs.accrual_day_count,
                ag.grace_days,
                ag.minor_units,
            )
            groups.setdefault(key, []).append(i)
        elif minor:
            u = ag.minor_units
            rows[i] = _status_fields(
                ag.status(day, [(d, money.from_minor(a, u)) for d, a in read[i]])
            )
        else:
            rows[i] = _status_fields(ag.status(day, pays[i]))
    end = np.datetime64(day, "D")
    far = np.datetime64("9999-12-31", "D")
    for (order, by, compound, dc, grace, units), idx in groups.items():
        n = max(len(ags[i]._rows["due"]) for i in idx)
        e = max(1, max(len(read[i]) for i in idx))
        b = len(idx)
        due = np.full((b, n), far, dtype="datetime64[D]")
        interest, interest_full, principal = (np.zeros((b, n), dtype=np.int64) for _ in range(3))
        payable = np.zeros((b, n), dtype=bool)
        dates = np.full((b, e), np.datetime64("NaT", "D"), dtype="datetime64[D]")
        amounts = np.zeros((b, e), dtype=np.int64)
        for r, i in enumerate(idx):
            ro = ags[i]._rows
            m = len(ro["due"])
            due[r, :m] = ro["due"]
            if m < n:  # padding after the last due date, strictly increasing
                due[r, m:] = far - np.arange(n - m, 0, -1)
            interest[r, :m], interest_full[r, :m] = ro["interest"], ro["interest_full"]
            principal[r, :m], payable[r, :m] = ro["principal"], ro["payable"]
            if read[i]:
                dates[r, : len(read[i])] = [np.datetime64(d, "D") for d, _ in read[i]]
                amounts[r, : len(read[i])] = [a for _, a in read[i]]
        first = ags[idx[0]]
        terms = _ledger.Terms(
            first.penalty_rate,
            first.terms.rate,
            compound,
            "penalty",
            dc,
            order,
            by,
            "next",
            grace,
            "exact",
            units,
        )
        res = _ledger.replay_many(
            start=np.array([np.datetime64(ags[i].signed, "D") for i in idx]),
            due=due,
            interest=interest,
            principal=principal,
            penalty_rate=[ags[i].penalty_rate for i in idx],
            terms=terms,
            as_of=day,
            pay_dates=dates,
            pay_amounts=amounts,
            interest_full=interest_full,
            payable=payable,
        )
        gap = np.timedelta64(grace, "D")
        f = lambda x, u=units: money.from_minor(int(x), u)  # noqa: E731
        for r, i in enumerate(idx):
            ag = ags[i]
            ro = ag._rows
            m = len(ro["due"])
            p = ro["payable"]
            d = ro["due"]
            g = d + gap
            out = res["outstanding"][r, :m]
            paid_on = res["paid_on"][r, :m]
            open_ = out != 0
            due_now = d <= end
            dpd = np.where(due_now & open_, (end - d).astype(np.int64), 0)[p]
            ahead = np.flatnonzero(p & ~due_now & open_)
            judged = g[p] < end
            h = History(
                period=ro["period"][p],
                due_day=d[p],
                grace_day=g[p],
                paid_on=paid_on[p],
                missed=judged & (np.isnat(paid_on[p]) | (paid_on[p] > g[p])),
                judged=judged,
                short_unpaid=None,
                short_due=None,
                as_of=end,
                units=units,
            )
            breach = first_breach(ag, h)
            pen = int(res["penalty"][r])
            late = bool((p & due_now & (g < end) & open_).any()) or pen > 0
            rows[i] = {
                "state": "breached"
                if breach is not None
                else ("in_arrears" if late else "performing"),
                "paid": f(sum(a for _, a in read[i])),
                "arrears": f(res["arrears"][r]),
                "penalty": f(pen),
                "balance": f(int(res["principal"][r]) - int(ro["capitalised"][~due_now].sum())),
                "days_past_due": int(dpd.max()) if dpd.size else 0,
                "next_due": d[ahead[0]].astype(_dt.date) if ahead.size else None,
                "next_amount": f(out[ahead[0]]) if ahead.size else None,
                "breach": breach,
                "observation": observation_of(h, ag.rules, day),
            }
    return pd.DataFrame(rows, columns=list(_STATUS_MANY))
