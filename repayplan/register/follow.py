"""The register's follow-up: every agreement's status in bulk, and the integrity check.

:func:`status_frame` reads agreements, instalments and payments in three queries.  The
agreements that have nothing to replay (every instalment so far paid exactly, on or before
its due date, nothing due and unpaid) are read off their instalments with array arithmetic;
all the others are replayed by :meth:`repayplan.Agreement.status`, the one ledger.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from .. import money

__all__ = ["STATUS_COLUMNS", "received_rows", "status_frame", "status_row", "integrity_problems"]

STATUS_COLUMNS = ["agreement", "case", "borrower", "plan", "signed", "state", "paid", "arrears",
                  "penalty", "balance", "days_past_due", "next_due", "next_amount", "breach",
                  "breach_date", "observation_end", "currency"]
"""The columns of :meth:`repayplan.register.Register.status`."""


def _day_text(col):
    from sqlalchemy import String, cast

    return cast(col, String)


def _days(values) -> np.ndarray:
    """ISO date texts (or dates) as datetime64[D]."""
    if not len(values):
        return np.array([], dtype="datetime64[D]")
    return np.array([str(v)[:10] for v in values], dtype="datetime64[D]")


def received_rows(conn, end, only):
    """``[(agreement, date, minor), ...]``: payments not reversed, same day summed, sorted."""
    rows = _received_raw(conn, end, only)
    return [(a, _dt.date.fromisoformat(str(d)[:10]), int(m)) for a, d, m in rows]


def _received_raw(conn, end, only):
    from sqlalchemy import BigInteger, cast, exists, func, select
    from sqlalchemy.orm import aliased

    from .models import Payment

    r = aliased(Payment)
    day = _day_text(Payment.paid_on)
    q = (select(Payment.agreement_id, day, cast(func.sum(Payment.amount), BigInteger))
         .where(Payment.reverses.is_(None), ~exists().where(r.reverses == Payment.id)))
    if end is not None:
        q = q.where(Payment.paid_on <= end)
    if only is not None and len(only) <= 500:
        q = q.where(Payment.agreement_id.in_(list(only)))
    q = q.group_by(Payment.agreement_id, Payment.paid_on).order_by(Payment.agreement_id,
                                                                    Payment.paid_on)
    rows = conn.execute(q).all()
    if only is not None and len(only) > 500:
        keep = set(only)
        rows = [x for x in rows if x[0] in keep]
    return rows


def status_row(st, agreement: int, case: int, borrower: str, plan: str, signed) -> dict:
    """One row of :meth:`Register.status` from a :class:`repayplan.Status`."""
    table = st.table
    as_of = np.datetime64(st.as_of, "D")
    due = table["due_date"].to_numpy().astype("datetime64[D]")
    out = table["outstanding"].to_numpy()
    ahead = np.flatnonzero((due > as_of) & np.array([o > 0 for o in out], dtype=bool))
    nxt = int(ahead[0]) if ahead.size else None
    dpd = table["days_past_due"].to_numpy()
    return {
        "agreement": agreement, "case": case, "borrower": borrower, "plan": plan, "signed": signed,
        "state": st.state, "paid": st.paid, "arrears": st.arrears, "penalty": st.penalty,
        "balance": st.balance, "days_past_due": int(dpd.max()) if dpd.size else 0,
        "next_due": None if nxt is None else due[nxt].astype(_dt.date),
        "next_amount": None if nxt is None else out[nxt],
        "breach": "" if st.breach is None else str(st.breach),
        "breach_date": None if st.breach is None else st.breach.date,
        "observation_end": None if st.observation is None else st.observation.end,
        "currency": st.currency,
    }


def status_frame(reg, conn, as_of: _dt.date, only) -> pd.DataFrame:
    """The rows of :meth:`Register.status` (see there)."""
    from sqlalchemy import select

    from .models import AgreementRow, CaseRow, Obligation

    q = (select(AgreementRow.id, AgreementRow.case_id, CaseRow.borrower, AgreementRow.plan,
                AgreementRow.signed, AgreementRow.currency, AgreementRow.minor_units,
                AgreementRow.instalments, AgreementRow.principal, AgreementRow.simple,
                AgreementRow.observation_end)
         .join(CaseRow, CaseRow.id == AgreementRow.case_id)
         .where(AgreementRow.signed <= as_of).order_by(AgreementRow.id))
    agr = conn.execute(q).all()
    if only is not None:
        keep = set(only)
        missing = sorted(keep - {a.id for a in agr})
        if missing:
            raise reg._unknown(conn, "agreement_id", missing[0]) if not _exists(conn, missing[0]) \
                else _not_signed(missing[0], as_of)
        agr = [a for a in agr if a.id in keep]
    if not agr:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    ids = np.array([a.id for a in agr], dtype=np.int64)
    n_inst = np.array([a.instalments for a in agr], dtype=np.int64)
    simple = np.array([bool(a.simple) for a in agr], dtype=bool)
    oq = (select(Obligation.agreement_id, _day_text(Obligation.due_date), Obligation.amount,
                 Obligation.principal).order_by(Obligation.agreement_id, Obligation.seq))
    if only is not None and len(only) <= 500:
        oq = oq.where(Obligation.agreement_id.in_(ids.tolist()))
    obl = conn.execute(oq).all()
    o_aid = np.array([o[0] for o in obl], dtype=np.int64)
    o_due = _days([o[1] for o in obl])
    o_amt = np.array([o[2] for o in obl], dtype=np.int64)
    o_pr = np.array([o[3] for o in obl], dtype=np.int64)
    pays = _received_raw(conn, as_of, None if only is None else ids.tolist())
    p_aid = np.array([p[0] for p in pays], dtype=np.int64)
    p_day = _days([p[1] for p in pays])
    p_amt = np.array([int(p[2]) for p in pays], dtype=np.int64)
    inside = np.isin(p_aid, ids)
    p_aid, p_day, p_amt = p_aid[inside], p_day[inside], p_amt[inside]
    o_in = np.isin(o_aid, ids)
    o_aid, o_due, o_amt, o_pr = o_aid[o_in], o_due[o_in], o_amt[o_in], o_pr[o_in]

    # the instalments and payments of agreement i are o[o_start[i]:o_start[i] + n_inst[i]]
    # and p[p_start[i]:p_start[i] + k[i]] (both sorted by agreement, then by date)
    o_start = np.searchsorted(o_aid, ids, "left")
    p_start = np.searchsorted(p_aid, ids, "left")
    k = np.searchsorted(p_aid, ids, "right") - p_start
    g = np.searchsorted(ids, p_aid)
    rank = np.arange(len(p_aid)) - p_start[g]
    within = rank < n_inst[g]
    j = np.where(within, o_start[g] + rank, 0)
    prev = np.where(rank > 0, j - 1, j)
    fits = (within & (p_amt == o_amt[j]) & (p_day <= o_due[j])
            & ((rank == 0) | (p_day > o_due[prev])))
    bad = np.bincount(g[~fits], minlength=len(ids)) > 0
    nxt = o_start + k
    has_next = k < n_inst
    nxt_due = np.where(has_next, o_due[np.minimum(nxt, len(o_due) - 1)] if len(o_due) else
                       np.datetime64("NaT"), np.datetime64("NaT", "D"))
    fast = simple & ~bad & (~has_next | (nxt_due > np.datetime64(as_of, "D")))

    paid = np.zeros(len(ids), dtype=np.int64)
    np.add.at(paid, g, p_amt)
    pr_paid = np.zeros(len(ids), dtype=np.int64)
    np.add.at(pr_paid, g[within], o_pr[j[within]])
    balance = np.array([a.principal for a in agr], dtype=np.int64) - pr_paid
    nxt_amt = np.where(has_next, o_amt[np.minimum(nxt, len(o_amt) - 1)] if len(o_amt) else 0, 0)

    rows = []
    slow_pays: dict[int, list] = {}
    for i in np.flatnonzero(~fast):
        s, e = p_start[i], p_start[i] + k[i]
        slow_pays[int(ids[i])] = list(zip(p_day[s:e].astype(_dt.date).tolist(),
                                          p_amt[s:e].tolist(), strict=True))
    for i, a in enumerate(agr):
        u = a.minor_units
        if fast[i]:
            rows.append({
                "agreement": a.id, "case": a.case_id, "borrower": a.borrower, "plan": a.plan,
                "signed": a.signed, "state": "performing", "paid": money.from_minor(int(paid[i]), u),
                "arrears": money.from_minor(0, u), "penalty": money.from_minor(0, u),
                "balance": money.from_minor(int(balance[i]), u), "days_past_due": 0,
                "next_due": nxt_due[i].astype(_dt.date) if has_next[i] else None,
                "next_amount": money.from_minor(int(nxt_amt[i]), u) if has_next[i] else None,
                "breach": "", "breach_date": None, "observation_end": a.observation_end,
                "currency": a.currency})
        else:
            ag = reg.agreement(a.id)
            pairs = [(d, money.from_minor(m, u)) for d, m in slow_pays[a.id]]
            st = ag.status(as_of, pairs)
            rows.append(status_row(st, a.id, a.case_id, a.borrower, a.plan, a.signed))
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def _exists(conn, aid: int) -> bool:
    from sqlalchemy import select

    from .models import AgreementRow

    return conn.execute(select(AgreementRow.id).where(AgreementRow.id == aid)).first() is not None


def _not_signed(aid: int, as_of):
    from ..errors import InputError

    return InputError("as_of", as_of, f"a date on or after the signing of agreement {aid}")


def integrity_problems(reg, conn) -> list[str]:
    """The problems :meth:`Register.check` finds (see there)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import aliased

    from .models import AgreementRow, CaseRow, CaseVersion, Import, Obligation, Payment

    problems: list[str] = []
    if conn.dialect.name == "sqlite":
        res = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
        if res != ["ok"]:
            problems += [f"sqlite integrity_check: {r}" for r in res]
        for r in conn.exec_driver_sql("PRAGMA foreign_key_check").all():
            problems.append(f"foreign key: table {r[0]} row {r[1]} refers to a missing {r[2]}")
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from .core import _MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    rev = MigrationContext.configure(conn).get_current_revision()
    if rev != head:
        problems.append(f"schema at revision {rev}, not {head}")
    v = (select(CaseVersion.case_id, func.max(CaseVersion.version).label("top"),
                func.count().label("n")).group_by(CaseVersion.case_id).subquery())
    for cid, version, top, n in conn.execute(
            select(CaseRow.id, CaseRow.version, v.c.top, v.c.n).outerjoin(v, v.c.case_id == CaseRow.id)):
        if top != version or n != version:
            problems.append(f"case {cid}: version {version}, but {n or 0} version(s) saved "
                            f"(latest {top})")
    o = (select(Obligation.agreement_id, func.count().label("n"))
         .group_by(Obligation.agreement_id).subquery())
    for aid, want, n in conn.execute(select(AgreementRow.id, AgreementRow.instalments, o.c.n)
                                     .outerjoin(o, o.c.agreement_id == AgreementRow.id)):
        if (n or 0) != want:
            problems.append(f"agreement {aid}: {n or 0} instalment(s) kept, {want} agreed")
    pi = (select(Payment.import_id, func.count().label("n")).where(Payment.import_id.is_not(None))
          .group_by(Payment.import_id).subquery())
    for iid, booked, n in conn.execute(select(Import.id, Import.booked, pi.c.n)
                                       .outerjoin(pi, pi.c.import_id == Import.id)):
        if (n or 0) != booked:
            problems.append(f"import {iid}: {n or 0} payment(s) kept, {booked} booked")
    orphan = conn.execute(select(Payment.import_id).where(Payment.import_id.is_not(None))
                          .where(~Payment.import_id.in_(select(Import.id))).distinct()).scalars().all()
    for iid in orphan:
        problems.append(f"payments of import {iid}, which is not recorded")
    p = aliased(Payment)
    for rid, ra, ramt, pa, pamt, prev in conn.execute(
            select(Payment.id, Payment.agreement_id, Payment.amount, p.agreement_id, p.amount,
                   p.reverses).join(p, p.id == Payment.reverses)):
        if ra != pa or ramt != -pamt or prev is not None:
            problems.append(f"reversal {rid} does not mirror the payment it reverses")
    neg = conn.execute(select(Payment.id).where(Payment.reverses.is_(None), Payment.amount <= 0)).scalars().all()
    for pid in neg:
        problems.append(f"payment {pid}: an amount <= 0 that reverses nothing")
    return problems
