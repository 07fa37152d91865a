"""The case register's follow-up and statement import on SQLite, one core.

Targets (issue 19): ``reg.status(as_of)`` for 10,000 agreements with 36 payments each
within 2 s; the import of a 100,000-line statement within 10 s.

Setup (not timed): a case with a 48-month level plan (480,000.00 at 6 %) signed normally
through ``Register.sign`` on twelve signing dates; those agreements are then copied row for
row (agreement and its 48 cached instalments, the same case version) to 10,000 agreements,
and 36 payments each are inserted in bulk (360,000 rows).  A share of the agreements has an
irregular history: one instalment paid 5 days late (``late``), or payments stopping after
30 instalments (``stopped``).  Timed:

* ``status``: ``reg.status(as_of)`` on a fresh register object (no cached agreements), and
  again (agreements cached in the object), for 0 %, 2 % and 10 % irregular histories;
* the naive baseline: ``Agreement.status`` once per agreement (200 timed, scaled to 10,000);
* ``import``: ``reg.import_payments`` of a 100,000-line CSV statement (10 lines for each of
  10,000 agreements, new references), one transaction.

Before timing, 300 rows of the status at random and up to 300 irregular ones are checked
against ``Agreement.status`` with the same payments, every column.  The irregular agreements
are replayed together by :func:`repayplan.tracking.status_many` (the ledger's batch).  Run through ``python benchmarks/run.py bench_register`` (or directly).
"""

from __future__ import annotations

import datetime as _dt
import random
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

import repayplan as rp
from repayplan.register import Register

N = 10_000
PAID = 36
SIGNED = [date(2023, 1, 1 + d) for d in range(12)]


def _case() -> rp.Case:
    return rp.Case(
        borrower="Bench Ltd",
        creditor=rp.Creditor(0.06, name="Bench Bank"),
        claim=rp.Claim(
            principal=480_000, annual_rate=0.06, as_of=date(2023, 1, 1), rules="cn-bank"
        ),
        cashflow=rp.CashFlow([20_000.0] * 12, start="2023-01"),
        plans=[rp.Plan(term=48, name="48 months")],
        title="benchmark",
    )


def build(folder: Path, irregular: float, seed: int = 1) -> tuple[Path, date]:
    """A register of N agreements with PAID payments each; returns (path, as_of)."""
    from sqlalchemy import insert, select

    from repayplan.register.models import AgreementRow, Obligation, Payment

    path = folder / f"bench-{irregular:.2f}.sqlite"
    reg = Register(path, user="bench")
    cid = reg.save(_case())
    templates = [reg.sign(cid, "48 months", d) for d in SIGNED]
    rng = random.Random(seed)
    now = _dt.datetime(2026, 1, 1)
    with reg.engine.connect() as c:
        base = {r.id: r._asdict() for r in c.execute(select(AgreementRow.__table__))}
        obl = {}
        for o in c.execute(
            select(Obligation.__table__).order_by(Obligation.agreement_id, Obligation.seq)
        ):
            obl.setdefault(o.agreement_id, []).append(o._asdict())
    agreements, obligations, payments = [], [], []
    for n in range(1, N + 1):
        t = templates[(n - 1) % len(templates)]
        if n > len(templates):
            agreements.append({**base[t], "id": n})
            obligations += [{**o, "agreement_id": n} for o in obl[t]]
        kind = "exact"
        u = rng.random()
        if u < irregular * 0.8:
            kind = "late"
        elif u < irregular:
            kind = "stopped"
        for k, o in enumerate(obl[t][:PAID]):
            day = o["due_date"]
            if kind == "late" and k == 20:
                day = day + _dt.timedelta(days=5)
            if kind == "stopped" and k >= 30:
                break
            payments.append(
                {
                    "agreement_id": n,
                    "paid_on": day,
                    "amount": o["amount"],
                    "currency": "CNY",
                    "reference": f"P{n}-{k}",
                    "reverses": None,
                    "import_id": None,
                    "memo": "",
                    "created_at": now,
                    "created_by": "bench",
                }
            )
    with reg.engine.begin() as c:
        if agreements:
            c.execute(insert(AgreementRow), agreements)
            c.execute(insert(Obligation), obligations)
        c.execute(insert(Payment), payments)
    reg.close()
    # the PAID-th instalments fall due on 1..12 January 2026, the next ones in February
    return path, date(2026, 1, 20)


def check(path: Path, as_of: date, sample: int = 300) -> None:
    """Rows of reg.status equal Agreement.status on the same payments (raises if not):
    ``sample`` rows at random and as many of the irregular ones (not performing, or with
    something unpaid or past due), every column the status shows."""
    reg = Register(path)
    st = reg.status(as_of).set_index("agreement")
    rng = random.Random(2)
    odd = st.index[
        (st["state"] != "performing")
        | (st["arrears"] != 0)
        | (st["penalty"] != 0)
        | (st["days_past_due"] != 0)
    ].tolist()
    for aid in rng.sample(list(st.index), sample) + rng.sample(odd, min(sample, len(odd))):
        s = reg.agreement(aid).status(as_of, reg.received(aid, as_of))
        t = s.table
        later = t[(t["due_date"] > pd.Timestamp(as_of)) & (t["outstanding"] > 0)]
        row = st.loc[aid]
        want = (
            s.state,
            s.paid,
            s.arrears,
            s.penalty,
            s.balance,
            int(t["days_past_due"].max()),
            None if later.empty else later["due_date"].iloc[0].date(),
            None if later.empty else later["outstanding"].iloc[0],
            "" if s.breach is None else str(s.breach),
            None if s.breach is None else s.breach.date,
            None if s.observation is None else s.observation.end,
        )
        got = tuple(
            row[k]
            for k in (
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
            )
        )
        assert got == want, (aid, got, want)
    reg.close()


def timed(f, repeat: int = 3) -> tuple[float, float]:
    """Best (wall, CPU) seconds of ``f()``: the CPU time of this process (SQLite runs in it)
    is what one idle core would take, and stays meaningful on a busy machine."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        f()
        best = min(best, (time.perf_counter() - t, time.process_time() - c))
    return best


def main() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for irregular in (0.0, 0.02, 0.10):
            path, as_of = build(folder, irregular)
            check(path, as_of)
            fresh = timed(lambda p=path, d=as_of: Register(p).status(d), repeat=1)
            reg = Register(path)
            reg.status(as_of)
            cached = timed(lambda r=reg, d=as_of: r.status(d))
            states = reg.status(as_of)["state"].value_counts().to_dict()
            rows.append(
                {
                    "what": f"status, {irregular:.0%} irregular, fresh register",
                    "agreements": N,
                    "seconds": fresh[0],
                    "cpu_seconds": fresh[1],
                    "target": 2.0,
                    "note": ", ".join(f"{k} {v}" for k, v in sorted(states.items())),
                }
            )
            rows.append(
                {
                    "what": f"status, {irregular:.0%} irregular, agreements cached",
                    "agreements": N,
                    "seconds": cached[0],
                    "cpu_seconds": cached[1],
                    "target": 2.0,
                    "note": "",
                }
            )
            if irregular == 0.02:
                ids = random.Random(3).sample(range(1, N + 1), 200)
                pays = {a: reg.received(a, as_of) for a in ids}
                ags = {a: reg.agreement(a) for a in ids}
                t, c = time.perf_counter(), time.process_time()
                for a in ids:
                    ags[a].status(as_of, pays[a])
                per = (time.perf_counter() - t) / len(ids)
                cpu = (time.process_time() - c) / len(ids)
                rows.append(
                    {
                        "what": "naive: Agreement.status per agreement (200, scaled)",
                        "agreements": N,
                        "seconds": per * N,
                        "cpu_seconds": cpu * N,
                        "target": float("nan"),
                        "note": f"{cpu * 1e3:.1f} ms CPU each",
                    }
                )
            reg.close()
        # the import of a 100,000-line statement, onto the last register
        lines = ["agreement,date,amount,reference"]
        for n in range(1, 10_001):
            for k in range(10):
                lines.append(f"{n},2026-01-{12 + k:02d},{1 + k}.00,IMP-{n}-{k}")
        stmt = folder / "statement.csv"
        stmt.write_text("\n".join(lines) + "\n", encoding="utf-8")
        reg = Register(path)
        t, c = time.perf_counter(), time.process_time()
        res = reg.import_payments(stmt)
        took, cpu = time.perf_counter() - t, time.process_time() - c
        assert res.booked == 100_000 and reg.check() == []
        reg.close()
        rows.append(
            {
                "what": "import_payments, 100,000-line CSV",
                "agreements": 10_000,
                "seconds": took,
                "cpu_seconds": cpu,
                "target": 10.0,
                "note": f"booked {res.booked}",
            }
        )
    return rows


if __name__ == "__main__":
    import pandas as pd

    print(pd.DataFrame(main()).to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
