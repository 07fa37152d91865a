"""The register's follow-up: every agreement's status in bulk, and the integrity check.

:func:`status_frame` reads agreements, instalments and payments in three queries.  The
agreements that have nothing to replay (every instalment so far paid exactly, on or before
its due date, nothing due and unpaid) are read off their instalments with array arithmetic;
all the others are replayed together by :func:`repayplan.tracking.status_many` (the one
ledger's batch, :func:`repayplan.ledger.replay_many`; agreements on terms the batch does not
cover are replayed one by one by :meth:`repayplan.Agreement.status`).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from .. import money
from ..tracking import status_many

__all__ = ["STATUS_COLUMNS"]

STATUS_COLUMNS = [
    "agreement",
    "case",
    "borrower",
    "plan",
    "signed",
    "state",
    "paid",
    "arrears",
    "penalty",
    "balance",
    "days_past_due",
    "next_due",
    "next_amount",
    "breach",
    "breach_date",
    "observation_end",
    "currency",
]
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
    q = select(Payment.agreement_id, day, cast(func.sum(Payment.amount), BigInteger)).where(
        Payment.reverses.is_(None), ~exists().where(r.reverses == Payment.id)
    )
    if end is not None:
        q = q.where(Payment.paid_on <= end)
    if only is not None and len(only) <= 500:
        q = q.where(Payment.agreement_id.in_(list(only)))
    q = q.group_by(Payment.agreement_id, Payment.paid_on).order_by(
        Payment.agreement_id, Payment.paid_on
    )
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
        "agreement": agreement,
        "case": case,
        "borrower": borrower,
        "plan": plan,
        "signed": signed,
        "state": st.state,
        "paid": st.paid,
        "arrears": st.arrears,
        "penalty": st.penalty,
        "balance": st.balance,
        "days_past_due": int(dpd.max()) if dpd.size else 0,
        "next_due": None if nxt is None else due[nxt].astype(_dt.date),
        "next_amount": None if nxt is None else out[nxt],
        "breach": "" if st.breach is None else str(st.breach),
        "breach_date": None if st.breach is None else st.breach.date,
        "observation_end": None if st.observation is None else st.observation.end,
        "currency": st.currency,
    }


def _summary_query(as_of, only):
    """One row per agreement signed by ``as_of``: its labels, and what its payments so far
    are against its instalments (computed in the database: payments numbered in date order
    and matched with the instalment of the same rank)."""
    from sqlalchemy import and_, case, exists, func, literal, or_, select
    from sqlalchemy.orm import aliased

    from .models import AgreementRow, CaseRow, Obligation, Payment

    r = aliased(Payment)
    pay = (
        select(
            Payment.agreement_id.label("aid"),
            Payment.paid_on.label("day"),
            func.sum(Payment.amount).label("amount"),
        )
        .where(
            Payment.reverses.is_(None),
            ~exists().where(r.reverses == Payment.id),
            Payment.paid_on <= as_of,
        )
        .group_by(Payment.agreement_id, Payment.paid_on)
    )
    if only is not None:
        pay = pay.where(Payment.agreement_id.in_(only))
    paid = pay.cte("pay")
    ranked = select(
        paid.c.aid,
        paid.c.day,
        paid.c.amount,
        (func.row_number().over(partition_by=paid.c.aid, order_by=paid.c.day) - literal(1)).label(
            "seq"
        ),
    ).cte("ranked")
    o, q, n = aliased(Obligation), aliased(Obligation), aliased(Obligation)
    off = or_(
        o.seq.is_(None),
        ranked.c.amount != o.amount,
        ranked.c.day > o.due_date,
        and_(ranked.c.seq > 0, ranked.c.day <= q.due_date),
    )
    m = (
        select(
            ranked.c.aid,
            func.count().label("k"),
            func.sum(ranked.c.amount).label("paid"),
            func.sum(func.coalesce(o.principal, 0)).label("pr_paid"),
            func.sum(case((off, 1), else_=0)).label("bad"),
        )
        .select_from(ranked)
        .outerjoin(o, and_(o.agreement_id == ranked.c.aid, o.seq == ranked.c.seq))
        .outerjoin(q, and_(q.agreement_id == ranked.c.aid, q.seq == ranked.c.seq - 1))
        .group_by(ranked.c.aid)
    ).cte("m")
    k = func.coalesce(m.c.k, 0)
    qa = (
        select(
            AgreementRow.id,
            AgreementRow.case_id,
            CaseRow.borrower,
            AgreementRow.plan,
            AgreementRow.signed,
            AgreementRow.currency,
            AgreementRow.minor_units,
            AgreementRow.instalments,
            AgreementRow.principal,
            AgreementRow.simple,
            AgreementRow.observation_end,
            k.label("k"),
            func.coalesce(m.c.paid, 0).label("paid"),
            func.coalesce(m.c.pr_paid, 0).label("pr_paid"),
            func.coalesce(m.c.bad, 0).label("bad"),
            n.due_date.label("next_due"),
            n.amount.label("next_amount"),
        )
        .join(CaseRow, CaseRow.id == AgreementRow.case_id)
        .outerjoin(m, m.c.aid == AgreementRow.id)
        .outerjoin(n, and_(n.agreement_id == AgreementRow.id, n.seq == k))
        .where(AgreementRow.signed <= as_of)
        .order_by(AgreementRow.id)
    )
    if only is not None:
        qa = qa.where(AgreementRow.id.in_(only))
    return qa


def status_frame(reg, conn, as_of: _dt.date, only) -> pd.DataFrame:
    """The rows of :meth:`Register.status` (see there)."""
    agr = conn.execute(_summary_query(as_of, only)).all()
    if only is not None:
        missing = sorted(set(only) - {a.id for a in agr})
        if missing:
            raise (
                reg._unknown(conn, "agreement_id", missing[0])
                if not _exists(conn, missing[0])
                else _not_signed(missing[0], as_of)
            )
    if not agr:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    end = np.datetime64(as_of, "D")
    # nothing to replay: every payment so far was the instalment of its rank, paid on or
    # before its due date and after the previous one's, and nothing due is unpaid
    fast = [
        bool(a.simple)
        and int(a.bad) == 0
        and int(a.k) <= a.instalments
        and (a.next_due is None or np.datetime64(str(a.next_due)[:10], "D") > end)
        for a in agr
    ]
    slow = [a.id for a, f in zip(agr, fast, strict=True) if not f]
    pays: dict[int, list] = {}
    for i in range(0, len(slow), 500):
        for aid, day, minor in received_rows(conn, as_of, slow[i : i + 500]):
            pays.setdefault(aid, []).append((day, minor))
    ags = _agreements_of(reg, conn, slow)
    batch = status_many(
        [ags[aid] for aid in slow], as_of, [pays.get(aid, []) for aid in slow], minor=True
    )
    replayed = dict(zip(slow, batch.to_dict("records"), strict=True))
    rows = []
    for a, f in zip(agr, fast, strict=True):
        u = a.minor_units
        if f:
            nxt = None if a.next_due is None else _dt.date.fromisoformat(str(a.next_due)[:10])
            rows.append(
                {
                    "agreement": a.id,
                    "case": a.case_id,
                    "borrower": a.borrower,
                    "plan": a.plan,
                    "signed": a.signed,
                    "state": "performing",
                    "paid": money.from_minor(int(a.paid), u),
                    "arrears": money.from_minor(0, u),
                    "penalty": money.from_minor(0, u),
                    "balance": money.from_minor(int(a.principal) - int(a.pr_paid), u),
                    "days_past_due": 0,
                    "next_due": nxt,
                    "next_amount": None if nxt is None else money.from_minor(int(a.next_amount), u),
                    "breach": "",
                    "breach_date": None,
                    "observation_end": a.observation_end,
                    "currency": a.currency,
                }
            )
        else:
            s = replayed[a.id]
            b, obs = s["breach"], s["observation"]
            rows.append(
                {
                    "agreement": a.id,
                    "case": a.case_id,
                    "borrower": a.borrower,
                    "plan": a.plan,
                    "signed": a.signed,
                    "state": s["state"],
                    "paid": s["paid"],
                    "arrears": s["arrears"],
                    "penalty": s["penalty"],
                    "balance": s["balance"],
                    "days_past_due": s["days_past_due"],
                    "next_due": s["next_due"],
                    "next_amount": s["next_amount"],
                    "breach": "" if b is None else str(b),
                    "breach_date": None if b is None else b.date,
                    "observation_end": None if obs is None else obs.end,
                    "currency": ags[a.id].currency,
                }
            )
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def _agreements_of(reg, conn, ids) -> dict:
    """``{agreement id: Agreement}``, built once per distinct case version, plan, signing
    date and terms: agreements that share them have the same schedule and clauses, so one
    :class:`repayplan.Agreement` replays them all (only its label differs, which the status
    does not show)."""
    from sqlalchemy import select

    from .models import AgreementRow

    out: dict = {}
    built: dict = {}
    for i in range(0, len(ids), 500):
        q = select(
            AgreementRow.id,
            AgreementRow.case_version_id,
            AgreementRow.plan,
            AgreementRow.signed,
            AgreementRow.terms,
        ).where(AgreementRow.id.in_(ids[i : i + 500]))
        for aid, version, plan, signed, terms in conn.execute(q):
            key = (version, plan, str(signed)[:10], terms)
            if key not in built:
                built[key] = reg.agreement(aid)
            out[aid] = built[key]
    return out


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

    from .core import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    rev = MigrationContext.configure(conn).get_current_revision()
    if rev != head:
        problems.append(f"schema at revision {rev}, not {head}")
    v = (
        select(
            CaseVersion.case_id, func.max(CaseVersion.version).label("top"), func.count().label("n")
        )
        .group_by(CaseVersion.case_id)
        .subquery()
    )
    for cid, version, top, n in conn.execute(
        select(CaseRow.id, CaseRow.version, v.c.top, v.c.n).outerjoin(v, v.c.case_id == CaseRow.id)
    ):
        if top != version or n != version:
            problems.append(
                f"case {cid}: version {version}, but {n or 0} version(s) saved (latest {top})"
            )
    o = (
        select(Obligation.agreement_id, func.count().label("n"))
        .group_by(Obligation.agreement_id)
        .subquery()
    )
    for aid, want, n in conn.execute(
        select(AgreementRow.id, AgreementRow.instalments, o.c.n).outerjoin(
            o, o.c.agreement_id == AgreementRow.id
        )
    ):
        if (n or 0) != want:
            problems.append(f"agreement {aid}: {n or 0} instalment(s) kept, {want} agreed")
    pi = (
        select(Payment.import_id, func.count().label("n"))
        .where(Payment.import_id.is_not(None))
        .group_by(Payment.import_id)
        .subquery()
    )
    for iid, booked, n in conn.execute(
        select(Import.id, Import.booked, pi.c.n).outerjoin(pi, pi.c.import_id == Import.id)
    ):
        if (n or 0) != booked:
            problems.append(f"import {iid}: {n or 0} payment(s) kept, {booked} booked")
    orphan = (
        conn.execute(
            select(Payment.import_id)
            .where(Payment.import_id.is_not(None))
            .where(~Payment.import_id.in_(select(Import.id)))
            .distinct()
        )
        .scalars()
        .all()
    )
    for iid in orphan:
        problems.append(f"payments of import {iid}, which is not recorded")
    p = aliased(Payment)
    for rid, ra, ramt, pa, pamt, prev in conn.execute(
        select(
            Payment.id, Payment.agreement_id, Payment.amount, p.agreement_id, p.amount, p.reverses
        ).join(p, p.id == Payment.reverses)
    ):
        if ra != pa or ramt != -pamt or prev is not None:
            problems.append(f"reversal {rid} does not mirror the payment it reverses")
    neg = (
        conn.execute(select(Payment.id).where(Payment.reverses.is_(None), Payment.amount <= 0))
        .scalars()
        .all()
    )
    for pid in neg:
        problems.append(f"payment {pid}: an amount <= 0 that reverses nothing")
    return problems
