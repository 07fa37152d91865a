"""The case register, against SQLite and a real PostgreSQL server (the same tests on both).

Oracles: :meth:`repayplan.Agreement.status` computed directly on the agreement built from the
case (the follow-up must show the ledger's own figures), hand-computed instalments
(1,200.00 at 6 % in two equal-principal instalments: 600 + 6.00 and 600 + 3.00), counts
of rows before and after a refused write (nothing changes), Alembic's own comparison of the
models with the migrated schema, and the database's own integrity checks.  Processes are
killed with SIGKILL in the middle of saves and imports to check what survives.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan.errors import InputError
from repayplan.register import ConflictError, Register, RegisterError
from repayplan.register.follow import STATUS_COLUMNS
from repayplan.tracking import ConsecutiveMisses, CumulativeShortfall, DaysPastDue

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ["sqlite", "postgresql"]


# ------------------------------------------------------------------------------------------
# the two backends
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg():
    sys.path.insert(0, str(Path(__file__).parent))
    from pg_server import Cluster

    cluster = Cluster().start()  # fails (never skips) when PostgreSQL is missing: see .ci/run
    yield cluster
    cluster.stop()


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    """A fresh, empty register location on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.sqlite")
        return
    pg = request.getfixturevalue("pg")
    made = pg.create_database()
    yield made
    pg.drop_database(made)


@pytest.fixture
def reg(url):
    r = Register(url, user="ana")
    yield r
    r.close()


def small_case(
    plans=None,
    *,
    currency="CNY",
    principal=1_200,
    as_of=date(2026, 12, 1),
    rules="cn-bank",
    title="Acme workout",
) -> rp.Case:
    plans = plans or [
        rp.Plan(method="equal_principal", term=2, name="2 months"),
        rp.Plan(term=12, name="12 months"),
    ]
    return rp.Case(
        borrower="Acme Ltd",
        creditor=rp.Creditor(0.06, name="First Bank"),
        claim=rp.Claim(
            principal=principal, annual_rate=0.06, as_of=as_of, rules=rules, currency=currency
        ),
        cashflow=rp.CashFlow([1_000.0] * 36, start=f"{as_of:%Y-%m}", currency=currency),
        plans=plans,
        title=title,
    )


def counts(reg) -> dict:
    from sqlalchemy import func, select

    from repayplan.register.models import Base

    with reg.engine.connect() as c:
        return {
            t.name: c.execute(select(func.count()).select_from(t)).scalar()
            for t in Base.metadata.sorted_tables
        }


def write_csv(path: Path, rows, header="agreement,date,amount,reference") -> Path:
    path.write_text(
        header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8"
    )
    return path


# ------------------------------------------------------------------------------------------
# opening, schema, files
# ------------------------------------------------------------------------------------------
def test_migrations_create_exactly_the_models(reg):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from repayplan.register.models import Base

    assert reg.revision == "0001"
    with reg.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    assert diff == []
    assert reg.check() == []


def test_reopening_keeps_everything_and_does_not_migrate_again(url):
    with Register(url, user="ana") as a:
        cid = a.save(small_case())
    with Register(url, user="bo") as b:
        assert b.case(cid) == small_case()
        assert b.revision == "0001" and b.check() == []


def test_sqlite_file_is_created_0600_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "reg.sqlite"
    with Register(path) as reg:
        reg.save(small_case())
        with reg.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        for f in tmp_path.joinpath("sub").iterdir():  # the file, and its -wal and -shm
            assert f.stat().st_mode & 0o777 == 0o600, f


def test_existing_file_permissions_are_kept(tmp_path):
    path = tmp_path / "reg.sqlite"
    Register(path).close()
    os.chmod(path, 0o640)
    with Register(path) as reg:
        reg.save(small_case())
    assert path.stat().st_mode & 0o777 == 0o640


def test_location_from_environment_and_per_user_default(tmp_path, monkeypatch):
    monkeypatch.setenv("REPAYPLAN_REGISTER", str(tmp_path / "env.sqlite"))
    with Register() as reg:
        assert reg.path == tmp_path / "env.sqlite"
    monkeypatch.delenv("REPAYPLAN_REGISTER")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with Register() as reg:
        assert reg.path == tmp_path / "xdg" / "repayplan" / "register.sqlite"
    assert (tmp_path / "xdg" / "repayplan").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("bad", ["", "mysql://u:secret@h/db", "sqlite://", 42])
def test_bad_location_is_an_input_error_without_the_password(bad):
    with pytest.raises(InputError) as e:
        Register(bad)
    assert "secret" not in str(e.value)


def test_password_never_printed(pg, caplog, capsys):
    url = pg.create_database()
    with caplog.at_level("DEBUG"):
        with Register(url) as reg:
            assert pg.password not in repr(reg) and pg.password not in reg.location
            reg.save(small_case())
        wrong = url.replace(pg.password, "not-the-password-42")
        with pytest.raises(RegisterError) as e:
            Register(wrong)
    out = capsys.readouterr()
    for text in (str(e.value), caplog.text, out.out, out.err):
        assert pg.password not in text and "not-the-password-42" not in text
    assert "password authentication failed" in str(e.value)


def test_core_import_does_not_load_sqlalchemy():
    code = (
        "import sys, repayplan as rp; assert 'sqlalchemy' not in sys.modules; "
        "R = rp.Register; assert 'sqlalchemy' not in sys.modules; print(R.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Register"


# ------------------------------------------------------------------------------------------
# cases and versions
# ------------------------------------------------------------------------------------------
def test_every_save_is_a_new_version_never_an_overwrite(reg):
    first = small_case()
    cid = reg.save(first)
    second = first.replace(notes="second visit: the borrower brings the order book")
    assert reg.save(second, case_id=cid) == cid
    v = reg.versions(cid)
    assert v["version"].tolist() == [1, 2]
    assert rp.Case.loads(v["text"][0]) == first and rp.Case.loads(v["text"][1]) == second
    assert reg.case(cid) == second and reg.case(cid, version=1) == first
    assert reg.version(cid) == 2
    assert reg.cases()["version"].tolist() == [2]
    assert reg.audit("case", cid)["action"].tolist() == ["save", "save"]


def test_json_format_and_session_state_are_kept(reg):
    cid = reg.save(small_case(), format="json", session={"table": ["2 months"], "lang": "zh"})
    assert reg.versions(cid)["format"].tolist() == ["json"]
    assert json.loads(reg.versions(cid)["text"][0])["title"] == "Acme workout"
    assert reg.session(cid) == {"table": ["2 months"], "lang": "zh"}


def test_two_analysts_get_a_conflict_not_a_silent_overwrite(url):
    a, b = Register(url, user="ana"), Register(url, user="bo")
    try:
        cid = a.save(small_case())
        assert b.case(cid).title == "Acme workout"
        a.save(small_case(title="ana's version"), case_id=cid)
        before = counts(b)
        with pytest.raises(ConflictError) as e:
            b.save(small_case(title="bo's version"), case_id=cid)
        assert (e.value.base, e.value.current, e.value.by) == (1, 2, "ana")
        assert "changed by ana since version 1" in str(e.value)
        assert counts(b) == before
        # explicit base: the same check
        with pytest.raises(ConflictError):
            b.save(small_case(title="bo's version"), case_id=cid, base=1)
        b.case(cid)  # bo reloads, sees ana's version, and can save on top of it
        b.save(small_case(title="bo on top"), case_id=cid)
        assert a.versions(cid)["saved_by"].tolist() == ["ana", "ana", "bo"]
    finally:
        a.close()
        b.close()


def test_unknown_case_is_an_input_error_changing_nothing(reg):
    reg.save(small_case())
    before = counts(reg)
    for call in (
        lambda: reg.save(small_case(), case_id=99),
        lambda: reg.case(99),
        lambda: reg.versions(99),
        lambda: reg.sign(99, "2 months", date(2026, 12, 1)),
        lambda: reg.note(99, "x"),
        lambda: reg.meeting(99, []),
    ):
        with pytest.raises(InputError) as e:
            call()
        assert e.value.field == "case_id" and e.value.value == 99
    with pytest.raises(InputError) as e:
        reg.save("not a case")
    assert e.value.field == "case"
    with pytest.raises(InputError) as e:
        reg.case(1, version=5)
    assert e.value.field == "version"
    assert counts(reg) == before


# ------------------------------------------------------------------------------------------
# meetings, notes, audit
# ------------------------------------------------------------------------------------------
def test_meetings_keep_the_minutes_and_can_be_updated_while_running(reg):
    cid = reg.save(small_case())
    entries = [
        {"date": date(2026, 12, 1), "plan": "2 months", "event": "shown", "term": 2},
        {"plan": "12 months", "event": "accepted", "accepted": True},
    ]
    mid = reg.meeting(cid, entries[:1], held_on=date(2026, 12, 1), minutes="# Minutes")
    reg.meeting(
        cid, entries, held_on=date(2026, 12, 1), minutes="# Minutes\n2 offers", meeting_id=mid
    )
    m = reg.meetings(cid)
    assert m["meeting"].tolist() == [mid] and m["offers"].tolist() == [2]
    assert m["entries"][0][0] == {
        "date": "2026-12-01",
        "plan": "2 months",
        "event": "shown",
        "term": 2,
    }
    assert m["minutes"][0].endswith("2 offers")
    assert reg.audit("case", cid)["action"].tolist() == ["save", "meeting", "meeting"]
    with pytest.raises(InputError):
        reg.meeting(cid, [{"x": object()}])
    with pytest.raises(InputError) as e:
        reg.meeting(cid, [], meeting_id=77)
    assert e.value.field == "meeting_id"


def test_notes_and_audit_say_who_did_what(reg):
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    reg.note(cid, "called the CFO", agreement_id=aid)
    n = reg.notes(cid)
    assert n["text"].tolist() == ["called the CFO"] and n["agreement"].tolist() == [aid]
    assert n["created_by"].tolist() == ["ana"]
    log = reg.audit()
    assert log["action"].tolist() == ["save", "sign", "note"]
    assert set(log["actor"]) == {"ana"}
    assert all(isinstance(t, _dt.datetime) for t in log["at"])
    with pytest.raises(InputError):
        reg.note(cid, "   ")


# ------------------------------------------------------------------------------------------
# agreements and payments
# ------------------------------------------------------------------------------------------
def test_sign_builds_the_agreement_of_the_case(reg):
    case = small_case()
    cid = reg.save(case)
    aid = reg.sign(
        cid,
        plan="12 months",
        signed=date(2026, 12, 15),
        grace_days=3,
        breach={"days_past_due": 45},
        penalty_rate=0.08,
        name="workout 17",
    )
    direct = rp.Agreement(
        case.plan("12 months"),
        case.claim,
        date(2026, 12, 15),
        grace_days=3,
        breach={"days_past_due": 45},
        penalty_rate=0.08,
        name="workout 17",
    )
    fresh = Register(
        reg.url.render_as_string(hide_password=False) if reg.path is None else reg.path
    )
    try:
        ag = fresh.agreement(aid)  # rebuilt from the stored case text and terms
    finally:
        fresh.close()
    assert ag == direct
    pd.testing.assert_frame_equal(ag.instalments(), direct.instalments())
    assert reg.agreements()["plan"].tolist() == ["12 months"]


def test_two_month_plan_by_hand(reg):
    # 1,200.00 at 6 % in two equal-principal instalments: 600 + 1,200 x 0.5 % and 600 + 600 x 0.5 %
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    reg.pay(aid, date(2027, 1, 1), "606.00", reference="B1")
    row = reg.status(date(2027, 1, 10)).iloc[0]
    assert (row["state"], row["paid"], row["arrears"], row["balance"]) == (
        "performing",
        Decimal("606.00"),
        Decimal("0.00"),
        Decimal("600.00"),
    )
    assert (row["next_due"], row["next_amount"], row["days_past_due"]) == (
        date(2027, 2, 1),
        Decimal("603.00"),
        0,
    )
    # the second is missed: on 10 March it is 37 days past due, and (the last one) a breach
    row = reg.status(date(2027, 3, 10)).iloc[0]
    assert (row["state"], row["arrears"], row["days_past_due"], row["next_due"]) == (
        "breached",
        Decimal("603.00"),
        37,
        None,
    )
    assert row["breach_date"] == date(2027, 2, 2) and "instalment 2" in row["breach"]


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda r, a: r.pay(99, date(2027, 1, 1), 10), "agreement_id"),
        (lambda r, a: r.pay(a, date(2026, 11, 30), 10), "date"),
        (lambda r, a: r.pay(a, date(2027, 1, 1), "10.005"), "amount"),
        (lambda r, a: r.pay(a, date(2027, 1, 1), 0), "amount"),
        (lambda r, a: r.pay(a, date(2027, 1, 1), -5), "amount"),
        (lambda r, a: r.pay(a, date(2027, 1, 1), "ten"), "amount"),
        (lambda r, a: r.pay(a, "2027-13-01", 10), "date"),
        (lambda r, a: r.pay(a, date(2027, 1, 1), 10, currency="USD"), "currency"),
        (lambda r, a: r.pay(a, date(2027, 1, 1), 10, reference="B1"), "reference"),
        (lambda r, a: r.pay(a, date(2027, 1, 1), 10, reference=""), "reference"),
        (lambda r, a: r.reverse(99), "payment_id"),
        (lambda r, a: r.agreement(99), "agreement_id"),
        (lambda r, a: r.payments(99), "agreement_id"),
        (lambda r, a: r.status(date(2027, 1, 1), agreements=[99]), "agreement_id"),
        (lambda r, a: r.status("yesterday"), "as_of"),
        (lambda r, a: r.due(date(2027, 1, 1), within_days=-1), "within_days"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(reg, call, field):
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    reg.pay(aid, date(2027, 1, 1), 606, reference="B1")
    before = counts(reg)
    with pytest.raises(InputError) as e:
        call(reg, aid)
    assert e.value.field == field
    assert counts(reg) == before


def test_reversal_is_an_entry_not_an_edit(reg):
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    wrong = reg.pay(aid, date(2027, 1, 1), "660.00", reference="B1")
    rid = reg.reverse(wrong, memo="typo")
    reg.pay(aid, date(2027, 1, 1), "606.00", reference="B1-corrected")
    p = reg.payments(aid)
    assert p["amount"].tolist() == [
        Decimal("660.00"),
        Decimal("-660.00"),
        Decimal("606.00"),
    ] or sorted(p["amount"].tolist()) == sorted(
        [Decimal("660.00"), Decimal("-660.00"), Decimal("606.00")]
    )
    assert p.set_index("payment").loc[wrong, "reversed_by"] == rid
    assert reg.received(aid) == [(date(2027, 1, 1), Decimal("606.00"))]
    with pytest.raises(InputError):
        reg.reverse(wrong)  # once only
    with pytest.raises(InputError):
        reg.reverse(rid)  # a reversal is not reversed
    assert reg.check() == []


def test_same_day_payments_are_added_up_for_the_ledger(reg):
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    reg.pay(aid, date(2027, 1, 1), "303.00", reference="B1")
    reg.pay(aid, date(2027, 1, 1), "303.00", reference="B2")
    assert reg.received(aid) == [(date(2027, 1, 1), Decimal("606.00"))]
    assert reg.status(date(2027, 1, 5)).iloc[0]["state"] == "performing"


# ------------------------------------------------------------------------------------------
# imports
# ------------------------------------------------------------------------------------------
def test_import_csv_books_each_reference_once(reg, tmp_path):
    cid = reg.save(small_case())
    a1 = reg.sign(cid, "2 months", date(2026, 12, 1))
    a2 = reg.sign(cid, "12 months", date(2026, 12, 1))
    f = write_csv(
        tmp_path / "jan.csv",
        [(a1, "2027-01-01", "606.00", "T-1"), (a2, "2027-01-01", "103.28", "T-2")],
    )
    r = reg.import_payments(f)
    assert (r.rows, r.booked, r.skipped) == (2, 2, ())
    # the next statement overlaps: T-2 again, and a new one
    g = write_csv(
        tmp_path / "feb.csv",
        [(a2, "2027-01-01", "103.28", "T-2"), (a1, "2027-02-01", "603.00", "T-3")],
    )
    r = reg.import_payments(g)
    assert (r.booked, r.skipped) == (1, ("T-2",))
    assert reg.import_payments(g).booked == 0  # the same file twice books nothing
    assert len(reg.payments(a1)) == 2 and len(reg.payments(a2)) == 1
    assert reg.status(date(2027, 2, 5)).set_index("agreement").loc[a1, "balance"] == Decimal("0.00")
    assert reg.check() == []


def test_import_xlsx_with_a_column_mapping(reg, tmp_path):
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    f = tmp_path / "bank.xlsx"
    pd.DataFrame(
        {
            "Contract": [aid, aid],
            "Value date": [pd.Timestamp("2027-01-01"), pd.Timestamp("2027-02-01")],
            "Credit": [606.0, 603.0],
            "Bank ref": ["X1", "X2"],
            "Ccy": ["CNY", "CNY"],
        }
    ).to_excel(f, index=False)
    r = reg.import_payments(
        f,
        columns={
            "agreement": "Contract",
            "date": "Value date",
            "amount": "Credit",
            "reference": "Bank ref",
            "currency": "Ccy",
        },
    )
    assert r.booked == 2
    assert reg.received(aid) == [
        (date(2027, 1, 1), Decimal("606.00")),
        (date(2027, 2, 1), Decimal("603.00")),
    ]


@pytest.mark.parametrize(
    "rows, field",
    [
        (
            [("{a}", "2027-01-01", "606.00", "T-1"), ("99", "2027-01-02", "1.00", "T-2")],
            "line 3: agreement",
        ),
        (
            [("{a}", "2027-01-01", "606.00", "T-1"), ("{a}", "2026-11-01", "1.00", "T-2")],
            "line 3: date",
        ),
        (
            [("{a}", "2027-01-01", "606.00", "T-1"), ("{a}", "01/02/2027", "1.00", "T-2")],
            "line 3: date",
        ),
        ([("{a}", "2027-01-01", "606.001", "T-1")], "line 2: amount"),
        ([("{a}", "2027-01-01", "-606.00", "T-1")], "line 2: amount"),
        ([("{a}", "2027-01-01", "606.00", "")], "line 2: reference"),
        ([("x", "2027-01-01", "606.00", "T-1")], "line 2: agreement"),
    ],
)
def test_a_bad_line_books_nothing(reg, tmp_path, rows, field):
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    f = write_csv(tmp_path / "st.csv", [tuple(c.format(a=aid) for c in r) for r in rows])
    before = counts(reg)
    with pytest.raises(InputError) as e:
        reg.import_payments(f)
    assert e.value.field == field
    assert counts(reg) == before


def test_another_currency_in_the_statement_is_refused(reg, tmp_path):
    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    f = write_csv(
        tmp_path / "st.csv",
        [(aid, "2027-01-01", "606.00", "T-1", "USD")],
        header="agreement,date,amount,reference,currency",
    )
    with pytest.raises(InputError) as e:
        reg.import_payments(f)
    assert e.value.field == "line 2: currency" and e.value.value == "USD"
    assert reg.payments(aid).empty


@pytest.mark.parametrize(
    "content, name, field",
    [
        (b"agreement,date,amount\n1,2027-01-01,606\n", "st.csv", "column 'reference'"),
        (b"\xff\xfe\x00garbage", "st.csv", "path"),
        (b"not a zip", "st.xlsx", "path"),
        (b"", "st.csv", "path"),
        (b"a,b\n", "st.txt", "path"),
    ],
)
def test_malformed_statement_files(reg, tmp_path, content, name, field):
    f = tmp_path / name
    f.write_bytes(content)
    before = counts(reg)
    with pytest.raises(InputError) as e:
        reg.import_payments(f)
    assert e.value.field == field
    assert counts(reg) == before
    with pytest.raises(InputError) as e:
        reg.import_payments(tmp_path / "missing.csv")
    assert e.value.field == "path"


def test_text_is_stored_as_given_parameterised(reg, tmp_path):
    evil = "Robert'); DROP TABLE payments;--"
    cid = reg.save(small_case(title=evil))
    reg.note(cid, evil)
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    reg.pay(aid, date(2027, 1, 1), 606, reference=evil)
    assert reg.cases()["title"].tolist() == [evil] and reg.notes(cid)["text"].tolist() == [evil]
    assert reg.payments(aid)["reference"].tolist() == [evil]
    assert reg.check() == []


# ------------------------------------------------------------------------------------------
# follow-up: the ledger's own figures
# ------------------------------------------------------------------------------------------
def expected_row(ag: rp.Agreement, as_of: date, pays) -> dict:
    """The oracle: Agreement.status on the same agreement and payments, read independently."""
    s = ag.status(as_of, pays)
    t = s.table
    later = t[(t["due_date"] > pd.Timestamp(as_of)) & (t["outstanding"] > 0)]
    return {
        "state": s.state,
        "paid": s.paid,
        "arrears": s.arrears,
        "penalty": s.penalty,
        "balance": s.balance,
        "days_past_due": int(t["days_past_due"].max()),
        "next_due": None if later.empty else later["due_date"].iloc[0].date(),
        "next_amount": None if later.empty else later["outstanding"].iloc[0],
        "breach": "" if s.breach is None else str(s.breach),
        "breach_date": None if s.breach is None else s.breach.date,
        "observation_end": None if s.observation is None else s.observation.end,
    }


PLANS = [
    rp.Plan(method="equal_principal", term=6, name="ep6"),
    rp.Plan(term=12, name="lv12"),
    rp.Plan(term=9, grace=2, name="grace"),
    rp.Plan(term=8, down_payment=200, name="down"),
    rp.Plan(term=10, grace=2, grace_kind="deferral", name="deferral"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def follow_reg(request, tmp_path_factory):
    # the bulk status is one SQL query (window functions, date comparisons): both backends
    where = (
        tmp_path_factory.mktemp("follow") / "r.sqlite"
        if request.param == "sqlite"
        else request.getfixturevalue("pg").create_database()
    )
    r = Register(where, user="ana")
    case = small_case(PLANS, principal=12_000)
    cid = r.save(case)
    yield r, cid, case
    r.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.sampled_from([p.name for p in PLANS]),
    grace=st.sampled_from([0, 3]),
    overpayment=st.sampled_from(["next", "principal"]),
    kinds=st.lists(
        st.sampled_from(["exact", "early", "late", "partial", "skip", "over"]),
        min_size=0,
        max_size=12,
    ),
    horizon=st.integers(0, 420),
)
def test_status_equals_the_ledger(follow_reg, plan, grace, overpayment, kinds, horizon):
    reg, cid, case = follow_reg
    if overpayment == "principal" and plan == "deferral":
        overpayment = "next"
    signed = date(2026, 12, 1)
    aid = reg.sign(cid, plan, signed, grace_days=grace, overpayment=overpayment)
    ag = reg.agreement(aid)
    inst = ag.instalments()
    as_of = signed + _dt.timedelta(days=horizon)
    for i, kind in enumerate(kinds[: len(inst)]):
        due_day, amount = inst["due_date"].iloc[i].date(), inst["due"].iloc[i]
        day = {
            "exact": due_day,
            "early": due_day - _dt.timedelta(days=3),
            "late": due_day + _dt.timedelta(days=10),
            "partial": due_day,
            "over": due_day,
        }.get(kind)
        if kind == "skip" or day > as_of or day < signed:
            continue
        pay = {"partial": amount / 2, "over": amount + 50}.get(kind, amount)
        reg.pay(aid, day, pay.quantize(Decimal("0.01")))
    got = reg.status(as_of, agreements=[aid]).iloc[0].to_dict()
    want = expected_row(ag, as_of, reg.received(aid, as_of))
    assert {k: got[k] for k in want} == want
    assert got["currency"] == "CNY" and got["case"] == cid


def test_status_of_many_agreements_in_one_call_equals_each_alone(follow_reg):
    reg, cid, _ = follow_reg
    as_of = date(2027, 6, 20)
    every = reg.status(as_of)
    assert list(every.columns) == STATUS_COLUMNS
    assert len(every) == len(reg.agreements())
    for _, row in every.iterrows():
        ag = reg.agreement(row["agreement"])
        want = expected_row(ag, as_of, reg.received(row["agreement"], as_of))
        assert {k: row[k] for k in want} == want


CLAUSES = {
    "default": None,
    "dpd30": (DaysPastDue(30),),
    "three_or_dpd45": (ConsecutiveMisses(3, final=False), DaysPastDue(45)),
    "shortfall": (CumulativeShortfall("0.2"),),
}  # the last one replays alone


def pay_history(reg, aid, ag, kinds, as_of, signed):
    """Pay the agreement's instalments as ``kinds`` says (on time, early, late, part, ...)."""
    inst = ag.instalments()
    for i, kind in enumerate(kinds[: len(inst)]):
        due_day, amount = inst["due_date"].iloc[i].date(), inst["due"].iloc[i]
        day = {
            "exact": due_day,
            "early": due_day - _dt.timedelta(days=3),
            "late": due_day + _dt.timedelta(days=10),
            "very_late": due_day + _dt.timedelta(days=50),
            "partial": due_day,
            "over": due_day,
        }.get(kind)
        if kind == "skip" or day > as_of or day < signed:
            continue
        pay = {"partial": amount / 2, "over": amount + 50}.get(kind, amount)
        reg.pay(aid, day, pay.quantize(Decimal("0.01")))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    books=st.lists(
        st.tuples(
            st.sampled_from([p.name for p in PLANS]),
            st.sampled_from([0, 3]),
            st.sampled_from(["next", "next", "principal"]),
            st.sampled_from(list(CLAUSES)),
            st.integers(0, 40),
            st.lists(
                st.sampled_from(
                    ["exact", "exact", "early", "late", "very_late", "partial", "skip", "over"]
                ),
                min_size=0,
                max_size=12,
            ),
        ),
        min_size=2,
        max_size=6,
    ),
    horizon=st.integers(0, 420),
)
def test_status_of_irregular_books_in_one_call_equals_each_alone(follow_reg, books, horizon):
    # several irregular agreements at once: the batch replay groups them by rule set and
    # grace days, pads their schedules, and must still give every row as Agreement.status
    reg, cid, _ = follow_reg
    as_of = date(2026, 12, 1) + _dt.timedelta(days=horizon + 40)
    aids = []
    for plan, grace, overpayment, clause, late_by, kinds in books:
        if overpayment == "principal" and plan == "deferral":
            overpayment = "next"
        signed = date(2026, 12, 1) + _dt.timedelta(days=late_by)
        aid = reg.sign(
            cid, plan, signed, grace_days=grace, overpayment=overpayment, breach=CLAUSES[clause]
        )
        pay_history(reg, aid, reg.agreement(aid), kinds, as_of, signed)
        aids.append(aid)
    got = reg.status(as_of, agreements=aids).set_index("agreement")
    for aid in aids:
        want = expected_row(reg.agreement(aid), as_of, reg.received(aid, as_of))
        assert {k: got.loc[aid, k] for k in want} == want, aid


@settings(max_examples=40, deadline=None)
@given(
    books=st.lists(
        st.tuples(
            st.sampled_from(range(len(PLANS))),
            st.sampled_from([0, 5]),
            st.sampled_from(list(CLAUSES)),
            st.sampled_from(["cn-bank", "generic"]),
            st.lists(st.tuples(st.integers(0, 400), st.integers(1, 3_000)), max_size=10),
        ),
        min_size=1,
        max_size=5,
    ),
    horizon=st.integers(0, 450),
)
def test_status_many_equals_status_of_each(books, horizon):
    # no register: arbitrary dated amounts against agreements of two rule sets
    from repayplan.tracking import status_many

    start = date(2026, 12, 1)
    as_of = start + _dt.timedelta(days=horizon)
    ags, pays = [], []
    for k, grace, clause, rules, items in books:
        claim = rp.Claim(principal=12_000, annual_rate=0.06, as_of=start, rules=rules)
        ags.append(
            rp.Agreement(
                PLANS[k], claim, grace_days=grace, breach=CLAUSES[clause] or (ConsecutiveMisses(2),)
            )
        )
        days = {}
        for d, a in items:
            if d <= horizon:
                days[start + _dt.timedelta(days=d)] = Decimal(a)
        pays.append(sorted(days.items()))
    got = status_many(ags, as_of, pays)
    fen = [[(d, int(a * 100)) for d, a in p] for p in pays]
    pd.testing.assert_frame_equal(status_many(ags, as_of, fen, minor=True), got)
    for i, (ag, p) in enumerate(zip(ags, pays, strict=True)):
        s = ag.status(as_of, p)
        t = s.table
        later = t[(t["due_date"] > pd.Timestamp(as_of)) & (t["outstanding"] > 0)]
        row = got.iloc[i]
        assert (row["state"], row["paid"], row["arrears"], row["penalty"], row["balance"]) == (
            s.state,
            s.paid,
            s.arrears,
            s.penalty,
            s.balance,
        )
        assert row["days_past_due"] == int(t["days_past_due"].max())
        assert row["next_due"] == (None if later.empty else later["due_date"].iloc[0].date())
        assert row["next_amount"] == (None if later.empty else later["outstanding"].iloc[0])
        assert row["breach"] == s.breach and row["observation"] == s.observation


def test_status_many_refuses_what_status_refuses():
    from repayplan.tracking import status_many

    claim = rp.Claim(principal=12_000, annual_rate=0.06, as_of=date(2026, 12, 1))
    ag = rp.Agreement(PLANS[0], claim)
    with pytest.raises(InputError) as e:
        status_many([ag], date(2027, 1, 5), [])
    assert e.value.field == "payments"
    with pytest.raises(InputError) as e:
        status_many([ag, "x"], date(2027, 1, 5), [[], []])
    assert e.value.field == "agreements[1]"
    with pytest.raises(InputError) as e:
        status_many([ag], date(2026, 11, 5), [[]])
    assert e.value.field == "as_of"
    with pytest.raises(InputError) as e:  # a statement imported twice, as Agreement.status
        status_many([ag], date(2027, 1, 5), [[(date(2027, 1, 1), 100), (date(2027, 1, 1), 100)]])
    assert (
        e.value.field == "payments[0][1]"
    )  # the first agreement's second payment, as with minor=True
    for bad, field in [
        ([(date(2027, 1, 1), 1.5)], "payments[0][0].amount"),
        ([(date(2027, 1, 1), -1)], "payments[0][0].amount"),
        ([(date(2026, 11, 30), 1)], "payments[0][0].date"),
        ([(date(2027, 1, 6), 1)], "payments[0][0].date"),
        ([("2027-01-01", 1)], "payments[0][0].date"),
        ([(date(2027, 1, 1),)], "payments[0][0]"),
        (5, "payments[0]"),
        ([(date(2027, 1, 1), 7), (date(2027, 1, 1), 7)], "payments[0][1]"),
    ]:
        with pytest.raises(InputError) as e:
            status_many([ag], date(2027, 1, 5), [bad], minor=True)
        assert e.value.field == field, bad


def test_due_lists_arrears_and_what_falls_due(reg):
    cid = reg.save(small_case())
    on_time = reg.sign(cid, "2 months", date(2026, 12, 1))
    late = reg.sign(cid, "2 months", date(2026, 12, 1))
    later = reg.sign(cid, "2 months", date(2027, 1, 20))
    reg.pay(on_time, date(2027, 1, 1), 606)
    d = reg.due(date(2027, 1, 10), within_days=30)
    assert d["agreement"].tolist() == [late, on_time]  # 9 days past due first; then 1 Feb
    assert d["days_past_due"].tolist() == [9, 0]
    assert reg.due(date(2027, 1, 10), within_days=0)["agreement"].tolist() == [late]
    assert later not in reg.status(date(2027, 1, 10))["agreement"].tolist()  # not signed yet
    assert reg.status(date(2026, 11, 1)).empty


def test_follow_up_in_another_currency(reg):
    cid = reg.save(small_case(currency="JPY", principal=120_000, rules="generic"))
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    reg.pay(aid, date(2027, 1, 1), 60_600)
    with pytest.raises(InputError):
        reg.pay(aid, date(2027, 1, 2), "1.5")  # no minor units in yen
    row = reg.status(date(2027, 1, 5)).iloc[0]
    assert row["currency"] == "JPY" and row["paid"] == Decimal("60600")
    assert row["next_amount"] == Decimal("60300")


# ------------------------------------------------------------------------------------------
# integrity and crashes
# ------------------------------------------------------------------------------------------
def test_integrity_check_finds_tampering(reg):
    from sqlalchemy import delete, update

    from repayplan.register.models import CaseRow, Obligation

    cid = reg.save(small_case())
    aid = reg.sign(cid, "2 months", date(2026, 12, 1))
    with reg.engine.begin() as c:
        c.execute(delete(Obligation).where(Obligation.agreement_id == aid, Obligation.seq == 1))
        c.execute(update(CaseRow).values(version=5))
    problems = reg.check()
    assert any(f"agreement {aid}: 1 instalment(s) kept, 2 agreed" in p for p in problems)
    assert any(p.startswith(f"case {cid}: version 5") for p in problems)


CHILD = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    import repayplan as rp
    from repayplan.register import Register

    url, kind, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    reg = Register(url, user="robot")
    case = rp.Case.sample()
    cid = reg.save(case)
    aid = reg.sign(cid, "Bank proposal", date(2026, 7, 15))
    print("ready", aid, flush=True)
    n = 0
    while True:
        n += 1
        if kind == "save":
            reg.save(case.replace(notes=f"save {n}"), case_id=cid)
        else:
            f = folder / f"st{n}.csv"
            lines = "".join(f"{aid},2026-08-{1 + i % 28:02d},1.00,R{n}-{i}\\n" for i in range(4000))
            f.write_text("agreement,date,amount,reference\\n" + lines)
            reg.import_payments(f)
        print("committed", n, flush=True)
""")


@pytest.mark.parametrize("kind", ["save", "import"])
def test_killed_process_loses_nothing_committed(url, tmp_path, kind):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, kind, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout.readline().startswith("ready"), proc.stderr.read()
        committed = 0
        deadline = time.monotonic() + 60
        while committed < 3 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            m = re.fullmatch(r"committed (\d+)", line.strip())
            if m:
                committed = int(m.group(1))
        time.sleep(0.05 if kind == "save" else 0.15)  # in the middle of the next write
        proc.send_signal(signal.SIGKILL)
        rest = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    # the kill may cut the child's last line short ("committ", "committed "): read whole lines only
    done = [re.fullmatch(r"committed (\d+)", x.strip()) for x in rest.splitlines()]
    committed = max([committed] + [int(m.group(1)) for m in done if m])
    assert committed >= 3
    with Register(url) as reg:
        assert reg.check() == []
        if kind == "save":
            assert reg.version(1) >= committed + 1  # every save reported is there
            assert reg.versions(1)["version"].tolist() == list(range(1, reg.version(1) + 1))
        else:
            p = reg.payments(1)
            per_import = p.groupby("import_id").size()
            assert len(per_import) >= committed
            assert (per_import == 4000).all()  # whole imports only


# ------------------------------------------------------------------------------------------
# the command line
# ------------------------------------------------------------------------------------------
def test_cli_register_round_trip(tmp_path, capsys):
    from repayplan.cli import main

    db = str(tmp_path / "r.sqlite")
    case_file = tmp_path / "case.toml"
    small_case().save(case_file)
    assert main(["register", "init", "--db", db]) == 0
    assert main(["register", "save", str(case_file), "--db", db, "--user", "ana"]) == 0
    assert main(["register", "save", str(case_file), "--db", db, "--case", "1", "--base", "1"]) == 0
    assert main(["register", "save", str(case_file), "--db", db, "--case", "1", "--base", "1"]) == 1
    assert "changed by" in capsys.readouterr().err
    assert (
        main(
            [
                "register",
                "sign",
                "--db",
                db,
                "--case",
                "1",
                "--plan",
                "2 months",
                "--signed",
                "2026-12-01",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "register",
                "pay",
                "--db",
                db,
                "--agreement",
                "1",
                "--date",
                "2027-01-01",
                "--amount",
                "606.00",
                "--reference",
                "B1",
            ]
        )
        == 0
    )
    st = write_csv(
        tmp_path / "st.csv",
        [(1, "2027-02-01", "603.00", "B1"), (1, "2027-02-01", "603.00", "B2")],
        header="Contract,Day,Credit,Ref",
    )
    assert (
        main(
            [
                "register",
                "import-payments",
                str(st),
                "--db",
                db,
                "--map",
                "agreement=Contract",
                "--map",
                "date=Day",
                "--map",
                "amount=Credit",
                "--map",
                "reference=Ref",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "booked 1 of 2 line(s); 1 seen before" in out
    assert main(["register", "status", "--db", db, "--as-of", "2027-02-05"]) == 0
    out = capsys.readouterr().out
    assert "performing" in out and "1,209.00" in out  # 606.00 + 603.00
    assert (
        main(
            [
                "register",
                "due",
                "--db",
                db,
                "--as-of",
                "2027-02-05",
                "-o",
                str(tmp_path / "due.xlsx"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "register",
                "export",
                "--db",
                db,
                "--what",
                "status",
                "--as-of",
                "2027-02-05",
                "-o",
                str(tmp_path / "status.csv"),
            ]
        )
        == 0
    )
    back = pd.read_csv(tmp_path / "status.csv", dtype=str)
    assert back.loc[0, "paid"] == "1209.00" and back.loc[0, "balance"] == "0.00"
    assert main(["register", "list", "--db", db]) == 0
    assert "Acme workout" in capsys.readouterr().out
    assert (
        main(
            [
                "register",
                "pay",
                "--db",
                db,
                "--agreement",
                "9",
                "--date",
                "2027-01-01",
                "--amount",
                "1",
            ]
        )
        == 1
    )
    assert "agreement_id" in capsys.readouterr().err


def test_cli_hides_the_password(capsys):
    from repayplan.cli import main

    assert main(["register", "list", "--db", "postgresql+psycopg://u:s3cr3t-pw@127.0.0.1:1/x"]) == 1
    err = capsys.readouterr().err
    assert "cannot open the register" in err and "s3cr3t-pw" not in err and "***" in err


def test_exported_text_cannot_become_a_formula(reg, tmp_path):
    from openpyxl import load_workbook

    from repayplan.register.cli import write_table

    cid = reg.save(small_case(title='=HYPERLINK("http://x","y")'))
    f = write_table(reg.cases(), str(tmp_path / "cases.xlsx"))
    cell = load_workbook(f).active["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'
    g = write_table(reg.cases(), str(tmp_path / "cases.csv"))
    assert "'=HYPERLINK" in Path(g).read_text(encoding="utf-8")
    assert cid == 1


# ------------------------------------------------------------------------------------------
# the dashboard kept in the register
# ------------------------------------------------------------------------------------------
class Clock:
    def __init__(self):
        self.t = _dt.datetime(2026, 12, 1, 10, 0)

    def __call__(self):
        self.t += _dt.timedelta(minutes=1)
        return self.t


TABLE = ["2 months", "12 months"]


def test_dashboard_autosaves_every_change_and_restores_it(tmp_path):
    from repayplan.notebook.persist import RegisterDashboard

    path = tmp_path / "r.sqlite"
    one = RegisterDashboard(small_case(), plans=TABLE, register=path, clock=Clock())
    reg = Register(path)
    try:
        cid = one.case_id
        v = reg.version(cid)
        one.dashboard.columns[1].controls["term"].value = "18"
        assert reg.version(cid) == v + 1
        assert "saved: case 1" in one.message.value
        assert reg.case(cid).plan("12 months").term == 18
        assert reg.session(cid)["table"] == TABLE
        # the minutes: the offers shown are stored with the meeting
        m = reg.meetings(cid)
        assert len(m) == 1 and m["offers"][0] == len(reg.case(cid).meeting) > 0
        assert "12 months" in m["minutes"][0]
        # nothing changed, nothing saved
        one.dashboard.columns[1].controls["term"].value = "18"
        assert reg.version(cid) == v + 1
        # a reload (the notebook runs again on the same case) restores the session
        two = RegisterDashboard(small_case(), plans=TABLE, register=path, clock=Clock())
        assert two.case_id == cid
        assert two.dashboard.session.slots[1].plan.term == 18
        assert [s.name for s in two.dashboard.session.slots] == TABLE
        assert "restored case 1" in two.message.value or "saved: case 1" in two.message.value
        two.close()
    finally:
        one.close()
        reg.close()


def test_two_dashboards_on_one_case_conflict_instead_of_overwriting(tmp_path):
    from repayplan.notebook.persist import RegisterDashboard

    path = tmp_path / "r.sqlite"
    a = RegisterDashboard(small_case(), plans=TABLE, register=path, clock=Clock())
    b = RegisterDashboard(small_case(), plans=TABLE, register=path, clock=Clock())
    reg = Register(path)
    try:
        assert a.case_id == b.case_id
        a.dashboard.columns[0].controls["term"].value = "3"
        before = reg.versions(a.case_id)
        b.dashboard.columns[0].controls["term"].value = "4"
        assert "NOT SAVED" in b.message.value and "was changed" in b.message.value
        assert len(reg.versions(a.case_id)) == len(before)
        assert reg.case(a.case_id).plan("2 months").term == 3
    finally:
        a.close()
        b.close()
        reg.close()


def test_case_picker_opens_another_case(tmp_path):
    from repayplan.notebook.persist import RegisterDashboard

    path = tmp_path / "r.sqlite"
    with Register(path) as reg:
        other = reg.save(
            small_case(
                title="Other borrower case",
                plans=[rp.Plan(term=6, name="six"), rp.Plan(term=9, name="nine")],
            ),
            session={"table": ["nine", "six"], "lang": "zh"},
        )
    d = RegisterDashboard(small_case(), plans=TABLE, register=path, clock=Clock())
    try:
        assert other in [v for _, v in d.picker.options] and d.case_id in [
            v for _, v in d.picker.options
        ]
        d.open(other)
        assert d.case_id == other and d.dashboard.session.names == ["nine", "six"]
        assert d.dashboard.session.lang == "zh"
        assert d.tabs.children[0] is d.dashboard.widget
        d.dashboard.columns[0].controls["term"].value = "10"
        with Register(path) as reg:
            assert reg.case(other).plan("nine").term == 10
    finally:
        d.close()


def test_dashboard_works_without_a_register(monkeypatch):
    from repayplan.notebook.persist import RegisterDashboard

    monkeypatch.delenv("REPAYPLAN_REGISTER", raising=False)
    d = RegisterDashboard(small_case(), plans=TABLE)
    assert d.register is None and "no case register" in d.message.value
    d.dashboard.columns[0].controls["term"].value = "3"
    assert d.dashboard.session.slots[0].plan.term == 3
    assert "REPAYPLAN_REGISTER" in d.followup.summary.value


def test_followup_tab_lists_agreements_due_and_in_arrears(tmp_path):
    from repayplan.notebook.followup import FollowUp

    with Register(tmp_path / "r.sqlite") as reg:
        cid = reg.save(small_case(title="<b>bold</b>"))
        late = reg.sign(cid, "2 months", date(2026, 12, 1))
        fine = reg.sign(cid, "2 months", date(2026, 12, 1))
        reg.pay(fine, date(2027, 1, 1), 606)
        tab = FollowUp(reg, today=date(2027, 1, 10))
        assert tab.frame["agreement"].tolist() == [late, fine]
        assert "1 in arrears" in tab.summary.value and "2 agreement(s)" in tab.summary.value
        assert tab.table.value.count("<tr class=") == 2
        tab.within.value = 0
        tab.refresh()
        assert tab.frame["agreement"].tolist() == [late]
