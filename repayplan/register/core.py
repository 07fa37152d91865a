"""The case register: cases with every version, meetings, agreements, payments, notes, audit.

See :class:`Register`.  SQLAlchemy 2 over an SQLite file (default) or PostgreSQL; the schema
is created and migrated by Alembic when the register is opened.  Every write is one
transaction and leaves one audit entry; nothing is edited in place except a case's current
version number, which is the optimistic lock.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
import threading
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .. import money
from .._validate import (
    MAX_TEXT,
    as_decimal,
    check_choice,
    check_date,
    check_int,
    check_sequence,
    check_text,
)
from ..errors import InputError, RepayplanError

__all__ = [
    "Register",
    "ConflictError",
    "RegisterError",
    "ImportResult",
    "default_location",
    "ENV_VAR",
]

ENV_VAR = "REPAYPLAN_REGISTER"
"""The environment variable naming the register (a path or a database URL)."""

MIGRATIONS = Path(__file__).with_name("migrations")
_CHUNK = 500  # parameters per IN (...) query, well under SQLite's limit


class RegisterError(RepayplanError):
    """The register cannot be opened or used (the message never shows a password).

    >>> try:
    ...     Register("postgresql+psycopg://ana:s3cret@127.0.0.1:1/cases")
    ... except RegisterError as e:
    ...     print(str(e)[:71])
    cannot open the register postgresql+psycopg://ana:***@127.0.0.1:1/cases
    """


class ConflictError(RegisterError):
    """A case was saved by someone else since this version was read (optimistic check).

    Attributes
    ----------
    case_id : int
    base : int
        The version the rejected change was based on.
    current : int
        The version in the register now.

    Examples
    --------
    >>> e = ConflictError(4, base=2, current=3, by="bo")
    >>> print(e)
    case 4 was changed by bo since version 2 was read (now version 3); nothing was saved: reload the case, redo the change and save again

    :meth:`Register.save` shows two analysts meeting it.
    """

    def __init__(self, case_id: int, base: int, current: int, by: str = ""):
        self.case_id, self.base, self.current, self.by = case_id, base, current, by
        who = f" by {by}" if by else ""
        super().__init__(
            f"case {case_id} was changed{who} since version {base} was read (now version "
            f"{current}); nothing was saved: reload the case, redo the change and save again"
        )

    def __reduce__(self):
        return (type(self), (self.case_id, self.base, self.current, self.by))


@dataclass(frozen=True)
class ImportResult:
    """What an import of a statement did.

    Attributes
    ----------
    import_id : int or None
        The import's id (None when nothing was new).
    rows : int
        Lines read.
    booked : int
        Payments booked.
    skipped : tuple of str
        References seen before (in the register or earlier in the file), not booked again.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import date
    >>> import repayplan as rp
    >>> folder = tempfile.TemporaryDirectory()
    >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
    >>> cid = reg.save(rp.Case.sample())
    >>> aid = reg.sign(cid, plan="Bank proposal", signed=date(2026, 7, 15))
    >>> f = pathlib.Path(folder.name) / "july.csv"
    >>> _ = f.write_text(f"agreement,date,amount,reference\\n{aid},2026-07-15,100000.00,T-1\\n"
    ...                  f"{aid},2026-07-15,100000.00,T-1\\n", encoding="utf-8")
    >>> reg.import_payments(f)
    ImportResult(import_id=1, rows=2, booked=1, skipped=('T-1',))
    >>> reg.close(); folder.cleanup()
    """

    import_id: int | None
    rows: int
    booked: int
    skipped: tuple


def default_location() -> Path:
    """The per-user register file: ``$XDG_DATA_HOME/repayplan/register.sqlite``.

    ``~/.local/share`` when ``XDG_DATA_HOME`` is not set; ``%LOCALAPPDATA%`` on Windows.

    >>> default_location().name
    'register.sqlite'
    """
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "repayplan" / "register.sqlite"


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


def _json_default(v):
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    raise TypeError(type(v).__name__)


def _dumps(v) -> str:
    try:
        return json.dumps(v, ensure_ascii=False, sort_keys=True, default=_json_default)
    except (TypeError, ValueError):
        raise InputError(
            "value", type(v).__name__, "text, numbers, booleans, dates, lists and mappings of them"
        ) from None


def _id(field: str, value) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise InputError(field, value, "a whole number id")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return check_int(field, value, low=1, high=2**62)


def _text(field: str, value, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    check_text(field, value, max_length=max_length, allow_nul=False)
    if required and not value.strip():
        raise InputError(field, value, "non-empty text")
    return value


#: The longest user name, and the longest minutes of a meeting (markdown), in characters.
MAX_USER = 200
MAX_MINUTES = 200_000
#: The entities of the audit log.
AUDIT_ENTITIES = ("case", "agreement", "payments")


def _breach_doc(clauses) -> list:
    from ..tracking import ConsecutiveMisses, CumulativeShortfall, DaysPastDue

    keys = {
        ConsecutiveMisses: "consecutive_misses",
        DaysPastDue: "days_past_due",
        CumulativeShortfall: "shortfall",
    }
    out = []
    for c in clauses:
        fields = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in vars(c).items()}
        out.append([keys[type(c)], fields])
    return out


def _breach_read(doc) -> tuple:
    from ..tracking import ConsecutiveMisses, CumulativeShortfall, DaysPastDue

    kinds = {
        "consecutive_misses": ConsecutiveMisses,
        "days_past_due": DaysPastDue,
        "shortfall": CumulativeShortfall,
    }
    return tuple(kinds[k](**fields) for k, fields in doc)


class Register:
    """The case register: every case version, meeting, agreement and payment, kept.

    Parameters
    ----------
    url : str or path, optional
        An SQLite file (a path, or ``sqlite:///path``), created on first use with file mode
        0600, in WAL mode; or a PostgreSQL URL ``postgresql+psycopg://user:password@host/db``.
        Default: the environment variable ``REPAYPLAN_REGISTER``, else
        :func:`default_location`.  The schema is migrated (Alembic) when the register opens.
    user : str, optional
        Who is making the changes (the audit log); default the login name.

    Notes
    -----
    Every write is one transaction with one audit entry.  A case is saved as its case-file
    text (:meth:`repayplan.case.Case.dumps`); each save adds a version.  Saving a case that
    someone else saved since the version this register read raises :class:`ConflictError`
    (``UPDATE cases SET version = n + 1 WHERE id = ? AND version = n``): no change is ever
    silently lost.  Payments are never edited: a correction is a reversal (:meth:`reverse`).
    Follow-up (:meth:`status`) replays each agreement's payments with
    :meth:`repayplan.Agreement.status`, so the figures are the ledger's own.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import date
    >>> import repayplan as rp
    >>> folder = tempfile.TemporaryDirectory()
    >>> reg = Register(pathlib.Path(folder.name) / "register.sqlite", user="analyst")
    >>> case = rp.Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
    ...                claim=rp.Claim(principal=1_200, annual_rate=0.06, as_of=date(2026, 12, 1)),
    ...                cashflow=rp.CashFlow([1_000.0] * 6, start="2026-12"),
    ...                plans=[rp.Plan(method="equal_principal", term=2, name="2 months")])
    >>> cid = reg.save(case)
    >>> aid = reg.sign(cid, plan="2 months", signed=date(2026, 12, 1))
    >>> reg.pay(aid, date(2027, 1, 1), "606.00", reference="BANK-0001")  # 600 + 1,200 x 0.5 %
    1
    >>> row = reg.status(date(2027, 1, 5)).iloc[0]
    >>> row["state"], row["paid"], row["next_due"], row["next_amount"]
    ('performing', Decimal('606.00'), datetime.date(2027, 2, 1), Decimal('603.00'))
    >>> reg.close(); folder.cleanup()
    """

    def __init__(self, url=None, *, user: str | None = None):
        from sqlalchemy import create_engine, event
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, SQLAlchemyError

        self.user = (
            _user() if user is None else _text("user", user, required=True, max_length=MAX_USER)
        )
        raw = url if url is not None else (os.environ.get(ENV_VAR) or default_location())
        if isinstance(raw, os.PathLike) or (isinstance(raw, str) and "://" not in raw):
            if not str(raw).strip():
                raise InputError("url", raw, "a file path or a database URL")
            path = Path(raw).expanduser().resolve()
            self._prepare_file(path, default=url is None and not os.environ.get(ENV_VAR))
            u = make_url("sqlite://").set(database=str(path))
        elif isinstance(raw, str):
            try:
                u = make_url(raw)
            except ArgumentError:
                raise InputError(
                    "url",
                    _mask(raw),
                    "a file path or a database URL such as postgresql+psycopg://user@host/db",
                ) from None
            if u.get_backend_name() == "sqlite":
                if not u.database or u.database == ":memory:":
                    raise InputError("url", _mask(raw), "an SQLite file (the register is kept)")
                path = Path(u.database).expanduser().resolve()
                self._prepare_file(path, default=False)
                u = u.set(database=str(path))
            elif u.get_backend_name() == "postgresql":
                if u.get_driver_name() != "psycopg":
                    u = u.set(drivername="postgresql+psycopg")
            else:
                raise InputError("url", _mask(raw), "an SQLite file or a postgresql+psycopg:// URL")
        else:
            raise InputError("url", type(raw).__name__, "a file path or a database URL")
        self.url = u
        self.path = Path(u.database) if u.get_backend_name() == "sqlite" and u.database else None
        self._agreements: dict[int, object] = {}
        self._cases: dict[int, object] = {}
        self._seen: dict[int, int] = {}
        self._lock = threading.RLock()
        try:
            if self.path is not None:
                self.engine = create_engine(
                    u,
                    hide_parameters=True,
                    connect_args={"timeout": 30, "check_same_thread": False},
                )
                event.listen(self.engine, "connect", _sqlite_connect)
                event.listen(self.engine, "begin", _sqlite_begin)
            else:
                self.engine = create_engine(u, hide_parameters=True, pool_pre_ping=True)
            self._migrate()
        except SQLAlchemyError as e:
            raise RegisterError(
                f"cannot open the register {self.location}: "
                f"{_scrub(str(getattr(e, 'orig', None) or e), u)}"
            ) from None

    # -- opening ---------------------------------------------------------------------------
    @staticmethod
    def _prepare_file(path: Path, default: bool) -> None:
        if path.is_dir():
            raise InputError("url", str(path), "a file, not a folder")
        if not path.parent.exists():
            if not default and not path.parent.parent.exists():
                raise InputError("url", str(path), "a file in an existing folder")
            path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        if not path.exists():
            # created here with mode 0600 (SQLite gives its -wal and -shm files the same)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
        if current == head:
            return
        with self._begin_write() as conn:
            if conn.dialect.name == "postgresql":  # one migrator at a time on a shared server
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(190019)")
            if MigrationContext.configure(conn).get_current_revision() == head:
                return  # migrated by another process meanwhile
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @property
    def location(self) -> str:
        """Where the register is: the file, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Register({self.location!r}, user={self.user!r})"

    @property
    def revision(self) -> str | None:
        """The schema's Alembic revision (``"0001"``)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def _write(self, action: str, entity: str):
        """One transaction with its audit entry: ``with self._write(...) as (conn, log)``."""
        from sqlalchemy.exc import SQLAlchemyError

        from .models import Audit

        entry: dict = {"entity_id": None, "detail": ""}
        try:
            with self._lock, self._begin_write() as conn:
                yield conn, entry
                conn.execute(
                    Audit.__table__.insert().values(
                        at=_now(),
                        actor=self.user,
                        action=action,
                        entity=entity,
                        entity_id=entry["entity_id"],
                        detail=_dumps(entry["detail"])
                        if not isinstance(entry["detail"], str)
                        else entry["detail"],
                    )
                )
        except SQLAlchemyError as e:
            raise RegisterError(
                f"{action} {entity} failed, nothing was changed: "
                f"{_scrub(str(getattr(e, 'orig', None) or e), self.url)}"
            ) from None

    @contextmanager
    def _begin_write(self):
        """A write transaction (on SQLite ``BEGIN IMMEDIATE``: the write lock from the start,
        so that a read-then-write such as the version check is atomic)."""
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    def _read(self):
        return self.engine.connect()

    # -- cases -----------------------------------------------------------------------------
    def save(self, case, case_id=None, *, base=None, session=None, format: str = "toml") -> int:
        """Save a case: a new case, or a new version of case ``case_id`` (never an overwrite).

        Parameters
        ----------
        case : repayplan.case.Case
        case_id : int, optional
            Add a version to this case; default a new case.
        base : int, optional
            The version the change was made from; default the version this register last
            read or saved of the case (:meth:`case`, :meth:`save`).  When the case has been
            saved since, :class:`ConflictError` is raised and nothing is saved.
        session : mapping, optional
            The dashboard's view of the case (plans on the table, language), kept with the
            version.
        format : {"toml", "json"}
            How the case file text is stored.

        Returns
        -------
        int
            The case id.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> a = Register(pathlib.Path(folder.name) / "r.sqlite", user="ana")
        >>> b = Register(pathlib.Path(folder.name) / "r.sqlite", user="bo")
        >>> cid = a.save(rp.Case.sample())
        >>> _ = b.case(cid)                                  # both read version 1
        >>> a.save(rp.Case.sample().replace(notes="ana's change"), case_id=cid)
        1
        >>> b.save(rp.Case.sample().replace(notes="bo's change"), case_id=cid)
        Traceback (most recent call last):
        ...
        repayplan.register.core.ConflictError: case 1 was changed by ana since version 1 was read (now version 2); nothing was saved: reload the case, redo the change and save again
        >>> a.close(); b.close(); folder.cleanup()
        """
        from sqlalchemy import select, update

        from ..case import Case
        from .models import CaseRow, CaseVersion

        if not isinstance(case, Case):
            raise InputError("case", type(case).__name__, "a repayplan.case.Case")
        check_choice("format", format, ("toml", "json"))
        if base is not None:
            if case_id is None:
                raise InputError(
                    "base",
                    base,
                    "None for a new case (base is the version a change "
                    "of case case_id was made from)",
                )
            base = _id("base", base)
        if session is not None and not isinstance(session, Mapping):
            raise InputError(
                "session", session, "a mapping (the dashboard's view of the case), or None"
            )
        text = case.dumps(format)
        state = None if session is None else _dumps(dict(session))
        now = _now()
        labels = {"title": case.title, "borrower": case.borrower_name}
        if case_id is None:
            with self._write("save", "case") as (conn, log):
                cid = conn.execute(
                    CaseRow.__table__.insert().values(
                        version=1, created_at=now, updated_at=now, **labels
                    )
                ).inserted_primary_key[0]
                conn.execute(
                    CaseVersion.__table__.insert().values(
                        case_id=cid,
                        version=1,
                        format=format,
                        text=text,
                        session=state,
                        saved_at=now,
                        saved_by=self.user,
                    )
                )
                log.update(entity_id=cid, detail={"version": 1, "title": case.title})
            self._seen[cid] = 1
            return int(cid)
        cid = _id("case_id", case_id)
        base = self._seen.get(cid) if base is None else base
        with self._write("save", "case") as (conn, log):
            current = conn.execute(select(CaseRow.version).where(CaseRow.id == cid)).scalar()
            if current is None:
                raise self._unknown(conn, "case_id", cid)
            if base is not None and base != current:
                raise ConflictError(cid, base, current, self._saved_by(conn, cid, current))
            done = conn.execute(
                update(CaseRow)
                .where(CaseRow.id == cid, CaseRow.version == current)
                .values(version=current + 1, updated_at=now, **labels)
            )
            if done.rowcount != 1:  # saved by another process between the read and the update
                now_v = conn.execute(select(CaseRow.version).where(CaseRow.id == cid)).scalar()
                raise ConflictError(cid, current, now_v, self._saved_by(conn, cid, now_v))
            conn.execute(
                CaseVersion.__table__.insert().values(
                    case_id=cid,
                    version=current + 1,
                    format=format,
                    text=text,
                    session=state,
                    saved_at=now,
                    saved_by=self.user,
                )
            )
            log.update(entity_id=cid, detail={"version": current + 1, "base": current})
        self._seen[cid] = current + 1
        return cid

    @staticmethod
    def _saved_by(conn, cid: int, version) -> str:
        from sqlalchemy import select

        from .models import CaseVersion

        return (
            conn.execute(
                select(CaseVersion.saved_by).where(
                    CaseVersion.case_id == cid, CaseVersion.version == version
                )
            ).scalar()
            or ""
        )

    def _unknown(self, conn, field: str, value: int) -> InputError:
        from sqlalchemy import func, select

        from .models import AgreementRow, CaseRow, Payment

        table = {"case_id": CaseRow, "agreement_id": AgreementRow, "payment_id": Payment}[field]
        n = conn.execute(select(func.count()).select_from(table)).scalar()
        what = field.replace("_id", "")
        return InputError(field, value, f"the id of a {what} in the register ({n} there)")

    def version(self, case_id) -> int:
        """The current version number of a case.

        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> cid = reg.save(rp.Case.sample()); cid = reg.save(rp.Case.sample(), case_id=cid)
        >>> reg.version(cid)
        2
        >>> reg.close(); folder.cleanup()
        """
        from sqlalchemy import select

        from .models import CaseRow

        cid = _id("case_id", case_id)
        with self._read() as conn:
            v = conn.execute(select(CaseRow.version).where(CaseRow.id == cid)).scalar()
            if v is None:
                raise self._unknown(conn, "case_id", cid)
        return int(v)

    def _version_row(self, conn, cid: int, version=None):
        from sqlalchemy import select

        from .models import CaseRow, CaseVersion

        if version is None:
            v = conn.execute(select(CaseRow.version).where(CaseRow.id == cid)).scalar()
            if v is None:
                raise self._unknown(conn, "case_id", cid)
        else:
            v = check_int("version", version, low=1)
        row = conn.execute(
            select(CaseVersion).where(CaseVersion.case_id == cid, CaseVersion.version == v)
        ).first()
        if row is None:
            if conn.execute(select(CaseRow.id).where(CaseRow.id == cid)).first() is None:
                raise self._unknown(conn, "case_id", cid)
            raise InputError("version", version, f"a saved version of case {cid}")
        return row

    def case(self, case_id, version=None):
        """The case as saved (the latest version by default); remembers the version read.

        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> cid = reg.save(rp.Case.sample())
        >>> reg.case(cid) == rp.Case.sample()
        True
        >>> reg.case(7)
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: case_id == 7, must be the id of a case in the register (1 there)
        >>> reg.close(); folder.cleanup()
        """
        cid = _id("case_id", case_id)
        with self._read() as conn:
            row = self._version_row(conn, cid, version)
        case = self._load_text(row.id, row.text, row.format, f"case {cid} version {row.version}")
        if version is None:
            self._seen[cid] = row.version
        return case

    def _load_text(self, vid: int, text: str, fmt: str, source: str):
        from ..case import Case

        case = self._cases.get(vid)
        if case is None:
            case = Case.loads(text, fmt, source=source)
            self._cases[vid] = case
        return case

    def session(self, case_id, version=None) -> dict | None:
        """The dashboard state saved with a version (``save(..., session=...)``), or None."""
        cid = _id("case_id", case_id)
        with self._read() as conn:
            row = self._version_row(conn, cid, version)
        return None if row.session is None else json.loads(row.session)

    def versions(self, case_id) -> pd.DataFrame:
        """Every saved version of a case: ``version``, ``saved_at``, ``saved_by``, ``format``,
        ``text``.

        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite", user="ana")
        >>> cid = reg.save(rp.Case.sample())
        >>> _ = reg.save(rp.Case.sample().replace(notes="second visit"), case_id=cid)
        >>> reg.versions(cid)[["version", "saved_by", "format"]]
           version saved_by format
        0        1      ana   toml
        1        2      ana   toml
        >>> reg.close(); folder.cleanup()
        """
        from sqlalchemy import select

        from .models import CaseRow, CaseVersion

        cid = _id("case_id", case_id)
        with self._read() as conn:
            if conn.execute(select(CaseRow.id).where(CaseRow.id == cid)).first() is None:
                raise self._unknown(conn, "case_id", cid)
            rows = conn.execute(
                select(
                    CaseVersion.version,
                    CaseVersion.saved_at,
                    CaseVersion.saved_by,
                    CaseVersion.format,
                    CaseVersion.text,
                )
                .where(CaseVersion.case_id == cid)
                .order_by(CaseVersion.version)
            ).all()
        return pd.DataFrame(rows, columns=["version", "saved_at", "saved_by", "format", "text"])

    def cases(self) -> pd.DataFrame:
        """The cases: ``case``, ``title``, ``borrower``, ``version``, ``updated_at``,
        ``agreements``.

        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> _ = reg.save(rp.Case.sample())
        >>> reg.cases()[["case", "borrower", "version", "agreements"]]
           case      borrower  version  agreements
        0     1  华东精密机械有限公司        1           0
        >>> reg.close(); folder.cleanup()
        """
        from sqlalchemy import func, select

        from .models import AgreementRow, CaseRow

        n = (
            select(AgreementRow.case_id, func.count().label("n"))
            .group_by(AgreementRow.case_id)
            .subquery()
        )
        q = (
            select(
                CaseRow.id,
                CaseRow.title,
                CaseRow.borrower,
                CaseRow.version,
                CaseRow.updated_at,
                func.coalesce(n.c.n, 0),
            )
            .outerjoin(n, n.c.case_id == CaseRow.id)
            .order_by(CaseRow.id)
        )
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame(
            rows, columns=["case", "title", "borrower", "version", "updated_at", "agreements"]
        )

    # -- meetings and notes ----------------------------------------------------------------
    def meeting(
        self, case_id, entries=(), *, held_on=None, minutes: str = "", meeting_id=None
    ) -> int:
        """Record a meeting's minutes: the offers shown, made and accepted.

        Parameters
        ----------
        case_id : int
        entries : sequence of mappings
            The record (:attr:`repayplan.case.Case.meeting`, or the dashboard's
            ``MeetingRecord.entries()``): one mapping per offer.
        held_on : date, optional
            Default today.
        minutes : str
            The minutes as text (e.g. the dashboard's markdown minutes).
        meeting_id : int, optional
            Replace the minutes of this meeting of the case (a meeting still running);
            the audit log keeps each change.

        Returns
        -------
        int
            The meeting id.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from datetime import date
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> cid = reg.save(rp.Case.sample())
        >>> mid = reg.meeting(cid, [{"plan": "Bank proposal", "event": "shown"}],
        ...                   held_on=date(2026, 7, 8))
        >>> reg.meetings(cid)[["meeting", "held_on", "offers"]]
           meeting     held_on  offers
        0        1  2026-07-08       1
        >>> reg.close(); folder.cleanup()
        """
        from sqlalchemy import select, update

        from .models import CaseRow, CaseVersion, Meeting

        cid = _id("case_id", case_id)
        day = _dt.date.today() if held_on is None else check_date("held_on", held_on)
        if isinstance(entries, (str, bytes)) or not isinstance(entries, Sequence):
            raise InputError("entries", entries, "a sequence of mappings")
        for i, e in enumerate(entries):
            if not isinstance(e, Mapping):
                raise InputError(f"entries[{i}]", e, "a mapping")
        doc = _dumps([dict(e) for e in entries])
        _text("minutes", minutes, max_length=MAX_MINUTES)
        with self._write("meeting", "case") as (conn, log):
            if conn.execute(select(CaseRow.id).where(CaseRow.id == cid)).first() is None:
                raise self._unknown(conn, "case_id", cid)
            vid = conn.execute(
                select(CaseVersion.id)
                .join(
                    CaseRow,
                    (CaseRow.id == CaseVersion.case_id) & (CaseRow.version == CaseVersion.version),
                )
                .where(CaseRow.id == cid)
            ).scalar()
            if meeting_id is None:
                mid = conn.execute(
                    Meeting.__table__.insert().values(
                        case_id=cid,
                        case_version_id=vid,
                        held_on=day,
                        entries=doc,
                        minutes=minutes,
                        created_at=_now(),
                        created_by=self.user,
                    )
                ).inserted_primary_key[0]
            else:
                mid = _id("meeting_id", meeting_id)
                done = conn.execute(
                    update(Meeting)
                    .where(Meeting.id == mid, Meeting.case_id == cid)
                    .values(case_version_id=vid, entries=doc, minutes=minutes)
                )
                if done.rowcount != 1:
                    raise InputError("meeting_id", mid, f"the id of a meeting of case {cid}")
            log.update(entity_id=cid, detail={"meeting": mid, "offers": len(entries)})
        return int(mid)

    def meetings(self, case_id) -> pd.DataFrame:
        """The meetings of a case: ``meeting``, ``held_on``, ``offers`` (count), ``entries``
        (the record, a list of dicts), ``minutes``, ``created_by``; see :meth:`meeting`."""
        from sqlalchemy import select

        from .models import CaseRow, Meeting

        cid = _id("case_id", case_id)
        with self._read() as conn:
            if conn.execute(select(CaseRow.id).where(CaseRow.id == cid)).first() is None:
                raise self._unknown(conn, "case_id", cid)
            rows = conn.execute(
                select(
                    Meeting.id,
                    Meeting.held_on,
                    Meeting.entries,
                    Meeting.minutes,
                    Meeting.created_by,
                )
                .where(Meeting.case_id == cid)
                .order_by(Meeting.id)
            ).all()
        entries = [json.loads(r.entries) for r in rows]
        return pd.DataFrame(
            {
                "meeting": [r.id for r in rows],
                "held_on": [r.held_on for r in rows],
                "offers": [len(e) for e in entries],
                "entries": entries,
                "minutes": [r.minutes for r in rows],
                "created_by": [r.created_by for r in rows],
            }
        )

    def note(self, case_id, text: str, *, agreement_id=None) -> int:
        """Add a note to a case (or one of its agreements); returns the note id.

        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite", user="ana")
        >>> cid = reg.save(rp.Case.sample())
        >>> reg.note(cid, "called the CFO; a new order is coming")
        1
        >>> reg.notes(cid)[["note", "text", "created_by"]]
           note                                   text created_by
        0     1  called the CFO; a new order is coming        ana
        >>> reg.close(); folder.cleanup()
        """
        from sqlalchemy import select

        from .models import AgreementRow, CaseRow, Note

        cid = _id("case_id", case_id)
        _text("text", text, required=True)
        aid = None if agreement_id is None else _id("agreement_id", agreement_id)
        with self._write("note", "case") as (conn, log):
            if conn.execute(select(CaseRow.id).where(CaseRow.id == cid)).first() is None:
                raise self._unknown(conn, "case_id", cid)
            if (
                aid is not None
                and conn.execute(
                    select(AgreementRow.id).where(
                        AgreementRow.id == aid, AgreementRow.case_id == cid
                    )
                ).first()
                is None
            ):
                raise InputError("agreement_id", aid, f"the id of an agreement of case {cid}")
            nid = conn.execute(
                Note.__table__.insert().values(
                    case_id=cid,
                    agreement_id=aid,
                    text=text,
                    created_at=_now(),
                    created_by=self.user,
                )
            ).inserted_primary_key[0]
            log.update(entity_id=cid, detail={"note": nid})
        return int(nid)

    def notes(self, case_id) -> pd.DataFrame:
        """The notes of a case: ``note``, ``agreement``, ``text``, ``created_at``, ``created_by``."""
        from sqlalchemy import select

        from .models import CaseRow, Note

        cid = _id("case_id", case_id)
        with self._read() as conn:
            if conn.execute(select(CaseRow.id).where(CaseRow.id == cid)).first() is None:
                raise self._unknown(conn, "case_id", cid)
            rows = conn.execute(
                select(Note.id, Note.agreement_id, Note.text, Note.created_at, Note.created_by)
                .where(Note.case_id == cid)
                .order_by(Note.id)
            ).all()
        return pd.DataFrame(rows, columns=["note", "agreement", "text", "created_at", "created_by"])

    def audit(self, entity: str | None = None, entity_id=None) -> pd.DataFrame:
        """The audit log: ``at`` (UTC), ``actor``, ``action``, ``entity``, ``entity_id``, ``detail``.

        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite", user="ana")
        >>> cid = reg.save(rp.Case.sample())
        >>> reg.audit()[["actor", "action", "entity", "entity_id"]]
          actor action entity  entity_id
        0   ana   save   case          1
        >>> reg.close(); folder.cleanup()
        """
        from sqlalchemy import select

        from .models import Audit

        q = select(Audit.at, Audit.actor, Audit.action, Audit.entity, Audit.entity_id, Audit.detail)
        if entity is not None:
            q = q.where(Audit.entity == check_choice("entity", entity, AUDIT_ENTITIES))
        if entity_id is not None:
            q = q.where(Audit.entity_id == _id("entity_id", entity_id))
        with self._read() as conn:
            rows = conn.execute(q.order_by(Audit.id)).all()
        return pd.DataFrame(
            rows, columns=["at", "actor", "action", "entity", "entity_id", "detail"]
        )

    # -- agreements ------------------------------------------------------------------------
    def sign(
        self,
        case_id,
        plan: str,
        signed,
        *,
        version=None,
        grace_days: int = 0,
        penalty_rate=None,
        breach=None,
        overpayment: str = "next",
        name: str = "",
    ) -> int:
        """Sign an agreement on a plan of a case; returns the agreement id.

        The agreement is :class:`repayplan.Agreement` ``(case.plan(plan), case.claim,
        signed, ...)`` on the case version given (default the latest); its instalments are
        kept in the register for the follow-up.

        Parameters
        ----------
        case_id : int
        plan : str
            The name of a plan of the case.
        signed : date
            On or after the claim date.
        version : int, optional
        grace_days, penalty_rate, breach, overpayment, name
            As for :class:`repayplan.Agreement`.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from datetime import date
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> cid = reg.save(rp.Case.sample())
        >>> aid = reg.sign(cid, plan="Bank proposal", signed=date(2026, 7, 15), grace_days=5)
        >>> ag = reg.agreement(aid)
        >>> ag.grace_days, ag.signed, ag.plan.name
        (5, datetime.date(2026, 7, 15), 'Bank proposal')
        >>> reg.sign(cid, plan="Bank proposal", signed=date(2026, 1, 1))
        Traceback (most recent call last):
        ...
        repayplan.errors.InputError: signed == datetime.date(2026, 1, 1), must be a date on or after the claim date 2026-06-30
        >>> reg.close(); folder.cleanup()
        """
        from ..tracking import Agreement
        from .models import AgreementRow, Obligation

        cid = _id("case_id", case_id)
        _text("plan", plan)
        signed = check_date("signed", signed)
        _text("name", name)
        # the Agreement's own checks, before the case is read and parsed (which takes time)
        from ..tracking import OVERPAYMENT, read_clauses

        check_int("grace_days", grace_days, low=0, high=365)
        check_choice("overpayment", overpayment, OVERPAYMENT)
        read_clauses(breach)
        if penalty_rate is not None:
            as_decimal("penalty_rate", penalty_rate)
        with self._read() as conn:
            row = self._version_row(conn, cid, version)
        case = self._load_text(row.id, row.text, row.format, f"case {cid} version {row.version}")
        kwargs = {"grace_days": grace_days, "overpayment": overpayment, "name": name}
        if breach is not None:
            kwargs["breach"] = breach
        if penalty_rate is not None:
            kwargs["penalty_rate"] = penalty_rate
        ag = Agreement(case.plan(plan), case.claim, signed, **kwargs)
        terms = {
            "grace_days": ag.grace_days,
            "overpayment": ag.overpayment,
            "breach": _breach_doc(ag.breach),
            "penalty_rate": None if penalty_rate is None else str(ag.penalty_rate),
        }
        inst = ag.instalments()
        units = ag.minor_units
        amount = [money.to_minor(x, units) for x in inst["due"]]
        principal = [money.to_minor(x, units) for x in inst["principal"]]
        dues = [d.date() for d in pd.to_datetime(inst["due_date"])]
        simple = (
            ag.overpayment == "next"
            and ag.schedule.table["interest"].sum() == inst["interest"].sum()
        )
        obs = ag.status(ag.signed).observation
        now = _now()
        with self._write("sign", "agreement") as (conn, log):
            aid = conn.execute(
                AgreementRow.__table__.insert().values(
                    case_id=cid,
                    case_version_id=row.id,
                    plan=plan,
                    signed=ag.signed,
                    currency=ag.currency,
                    minor_units=units,
                    terms=_dumps(terms),
                    name=name,
                    instalments=len(inst),
                    principal=sum(principal),
                    simple=bool(simple),
                    observation_end=None if obs is None else obs.end,
                    created_at=now,
                    created_by=self.user,
                )
            ).inserted_primary_key[0]
            if len(inst):
                conn.execute(
                    Obligation.__table__.insert(),
                    [
                        {
                            "agreement_id": aid,
                            "seq": i,
                            "period": int(p),
                            "due_date": d,
                            "amount": a,
                            "principal": q,
                        }
                        for i, (p, d, a, q) in enumerate(
                            zip(inst["period"], dues, amount, principal, strict=True)
                        )
                    ],
                )
            log.update(
                entity_id=aid,
                detail={"case": cid, "version": row.version, "plan": plan, "signed": ag.signed},
            )
        self._agreements[int(aid)] = ag
        return int(aid)

    def _agreement_row(self, conn, aid: int):
        from sqlalchemy import select

        from .models import AgreementRow

        row = conn.execute(select(AgreementRow).where(AgreementRow.id == aid)).first()
        if row is None:
            raise self._unknown(conn, "agreement_id", aid)
        return row

    def agreement(self, agreement_id):
        """The :class:`repayplan.Agreement` signed (see :meth:`sign`)."""
        from sqlalchemy import select

        from ..tracking import Agreement
        from .models import CaseVersion

        aid = _id("agreement_id", agreement_id)
        ag = self._agreements.get(aid)
        if ag is not None:
            return ag
        with self._read() as conn:
            row = self._agreement_row(conn, aid)
            v = conn.execute(
                select(CaseVersion).where(CaseVersion.id == row.case_version_id)
            ).first()
        case = self._load_text(v.id, v.text, v.format, f"case {v.case_id} version {v.version}")
        terms = json.loads(row.terms)
        kwargs = {
            "grace_days": terms["grace_days"],
            "overpayment": terms["overpayment"],
            "breach": _breach_read(terms["breach"]),
            "name": row.name,
        }
        if terms.get("penalty_rate") is not None:
            kwargs["penalty_rate"] = Decimal(terms["penalty_rate"])
        ag = Agreement(case.plan(row.plan), case.claim, row.signed, **kwargs)
        self._agreements[aid] = ag
        return ag

    def agreements(self) -> pd.DataFrame:
        """The agreements: ``agreement``, ``case``, ``plan``, ``signed``, ``currency``,
        ``instalments``, ``name``."""
        from sqlalchemy import select

        from .models import AgreementRow

        with self._read() as conn:
            rows = conn.execute(
                select(
                    AgreementRow.id,
                    AgreementRow.case_id,
                    AgreementRow.plan,
                    AgreementRow.signed,
                    AgreementRow.currency,
                    AgreementRow.instalments,
                    AgreementRow.name,
                ).order_by(AgreementRow.id)
            ).all()
        return pd.DataFrame(
            rows, columns=["agreement", "case", "plan", "signed", "currency", "instalments", "name"]
        )

    # -- payments --------------------------------------------------------------------------
    def pay(
        self,
        agreement_id,
        date,
        amount,
        *,
        reference: str | None = None,
        currency: str | None = None,
        memo: str = "",
    ) -> int:
        """Book a payment received on an agreement; returns the payment id.

        Parameters
        ----------
        agreement_id : int
        date : date
            On or after the signing date.
        amount : number or text
            > 0, exact in the currency's minor units (``"606.00"``; 606.005 is refused).
        reference : str, optional
            The bank's reference; a reference booked before is refused (not booked twice).
        currency : str, optional
            Checked against the agreement's currency.
        memo : str

        Raises
        ------
        InputError
            An unknown agreement, a date before signing, an amount of zero or less or with
            too many decimals, another currency, a reference booked before.  Nothing is
            booked.
        """
        from sqlalchemy import select

        from .models import Payment

        aid = _id("agreement_id", agreement_id)
        day = check_date("date", date)
        _text("memo", memo)
        if reference is not None:
            _text("reference", reference, required=True)
        if currency is not None:
            _text("currency", currency, required=True, max_length=3)
        with self._write("pay", "agreement") as (conn, log):
            row = self._agreement_row(conn, aid)
            minor = self._check_payment(row, day, amount, currency)
            if reference is not None:
                seen = conn.execute(
                    select(Payment.id, Payment.agreement_id, Payment.paid_on).where(
                        Payment.reference == reference
                    )
                ).first()
                if seen is not None:
                    raise InputError(
                        "reference",
                        reference,
                        "a new reference (each payment is booked once)",
                        f"payment {seen.id} on agreement {seen.agreement_id} of "
                        f"{seen.paid_on} has it",
                    )
            pid = conn.execute(
                Payment.__table__.insert().values(
                    agreement_id=aid,
                    paid_on=day,
                    amount=minor,
                    currency=row.currency,
                    reference=reference,
                    memo=memo,
                    created_at=_now(),
                    created_by=self.user,
                )
            ).inserted_primary_key[0]
            log.update(
                entity_id=aid,
                detail={
                    "payment": pid,
                    "date": day,
                    "amount": str(money.from_minor(minor, row.minor_units)),
                    "reference": reference,
                },
            )
        return int(pid)

    @staticmethod
    def _check_payment(row, day: _dt.date, amount, currency, prefix: str = "") -> int:
        if day < row.signed:
            raise InputError(
                f"{prefix}date",
                day,
                f"a date on or after the signing date {row.signed} of agreement {row.id}",
            )
        if currency is not None and currency != row.currency:
            raise InputError(
                f"{prefix}currency", currency, f"the agreement's currency ({row.currency})"
            )
        d = as_decimal(f"{prefix}amount", amount)
        if d <= 0:
            raise InputError(
                f"{prefix}amount",
                amount,
                "an amount > 0",
                "a correction is a reversal (Register.reverse)",
            )
        return money.to_minor(d, row.minor_units, field=f"{prefix}amount", exact=True)

    def reverse(self, payment_id, *, memo: str = "") -> int:
        """Reverse a payment booked in error (never an edit); returns the reversal's id.

        The reversal is a payment of the opposite amount that names the payment it
        reverses; both then drop out of the follow-up.  Book the right payment anew.

        >>> import tempfile, pathlib
        >>> from datetime import date
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> cid = reg.save(rp.Case.sample())
        >>> aid = reg.sign(cid, plan="Bank proposal", signed=date(2026, 7, 15))
        >>> pid = reg.pay(aid, date(2026, 7, 15), "100000.00", reference="A-1")
        >>> rid = reg.reverse(pid, memo="booked on the wrong contract")
        >>> reg.payments(aid)[["payment", "amount", "reverses", "reversed_by"]]
           payment      amount  reverses  reversed_by
        0        1   100000.00      <NA>            2
        1        2  -100000.00         1         <NA>
        >>> reg.received(aid)
        []
        >>> reg.close(); folder.cleanup()
        """
        from sqlalchemy import select

        from .models import Payment

        pid = _id("payment_id", payment_id)
        _text("memo", memo)
        with self._write("reverse", "agreement") as (conn, log):
            p = conn.execute(select(Payment).where(Payment.id == pid)).first()
            if p is None:
                raise self._unknown(conn, "payment_id", pid)
            if p.reverses is not None:
                raise InputError("payment_id", pid, "a payment, not a reversal")
            done = conn.execute(select(Payment.id).where(Payment.reverses == pid)).scalar()
            if done is not None:
                raise InputError(
                    "payment_id", pid, "a payment not reversed yet", f"payment {done} reverses it"
                )
            rid = conn.execute(
                Payment.__table__.insert().values(
                    agreement_id=p.agreement_id,
                    paid_on=_dt.date.today(),
                    amount=-p.amount,
                    currency=p.currency,
                    reference=None,
                    reverses=pid,
                    memo=memo,
                    created_at=_now(),
                    created_by=self.user,
                )
            ).inserted_primary_key[0]
            log.update(entity_id=p.agreement_id, detail={"payment": pid, "reversal": rid})
        return int(rid)

    def payments(self, agreement_id) -> pd.DataFrame:
        """Everything booked on an agreement, reversals included: ``payment``, ``date``,
        ``amount`` (Decimal), ``reference``, ``reverses``, ``reversed_by``, ``import_id``,
        ``memo``, ``booked_at``, ``booked_by``; see :meth:`reverse`."""
        from sqlalchemy import select
        from sqlalchemy.orm import aliased

        from .models import Payment

        aid = _id("agreement_id", agreement_id)
        r = aliased(Payment)
        with self._read() as conn:
            row = self._agreement_row(conn, aid)
            rows = conn.execute(
                select(
                    Payment.id,
                    Payment.paid_on,
                    Payment.amount,
                    Payment.reference,
                    Payment.reverses,
                    r.id,
                    Payment.import_id,
                    Payment.memo,
                    Payment.created_at,
                    Payment.created_by,
                )
                .outerjoin(r, r.reverses == Payment.id)
                .where(Payment.agreement_id == aid)
                .order_by(Payment.paid_on, Payment.id)
            ).all()
        out = pd.DataFrame(
            rows,
            columns=[
                "payment",
                "date",
                "amount",
                "reference",
                "reverses",
                "reversed_by",
                "import_id",
                "memo",
                "booked_at",
                "booked_by",
            ],
        )
        out["amount"] = [money.from_minor(int(a), row.minor_units) for a in out["amount"]]  # type: ignore[assignment]  # a column of Decimals
        for c in ("reverses", "reversed_by", "import_id"):
            out[c] = out[c].astype("Int64")
        return out

    def received(self, agreement_id, as_of=None) -> list:
        """The payments the ledger replays: ``[(date, Decimal), ...]``, reversed ones left
        out, same-day payments added up (in date order; to ``as_of`` when given).

        ``reg.agreement(a).status(as_of, reg.received(a, as_of))`` is the follow-up of
        agreement ``a``, the figures of :meth:`status`.
        """
        aid = _id("agreement_id", agreement_id)
        end = None if as_of is None else check_date("as_of", as_of)
        with self._read() as conn:
            row = self._agreement_row(conn, aid)
            data = _received(conn, end, [aid])
        return [(d, money.from_minor(a, row.minor_units)) for _, d, a in data]

    def import_payments(self, path, *, columns: Mapping | None = None, sheet=0) -> ImportResult:
        """Book the payments of a bank statement (CSV or xlsx): one transaction, all or nothing.

        Parameters
        ----------
        path : str or path
            A ``.csv`` (UTF-8) or ``.xlsx`` file with a header line.
        columns : mapping, optional
            Which column of the file holds each field, e.g. ``{"agreement": "Contract",
            "date": "Value date", "amount": "Credit", "reference": "Bank ref"}``; default
            the columns ``agreement``, ``date``, ``amount``, ``reference`` (and optionally
            ``currency``, ``memo``).
        sheet : int or str
            The sheet of an xlsx file.

        Returns
        -------
        ImportResult
            Lines read, payments booked, references skipped because they were booked
            before (in the register, or earlier in the file).

        Raises
        ------
        InputError
            A file that cannot be read, a missing column, or a line with an unknown
            agreement, a date that is not a date or before signing, an amount that is not
            > 0 or has too many decimals, another currency, an empty reference: the field
            is named ``line N: column``; nothing is booked.
        """
        from sqlalchemy import select

        from .imports import read_statement
        from .models import AgreementRow, Import, Payment

        p, data, digest, names = read_statement(path, columns, sheet)
        ids = sorted({a for a in data["agreement"]})
        rows_by_id = {}
        with self._read() as conn:
            for i in range(0, len(ids), _CHUNK):
                for r in conn.execute(
                    select(
                        AgreementRow.id,
                        AgreementRow.signed,
                        AgreementRow.currency,
                        AgreementRow.minor_units,
                    ).where(AgreementRow.id.in_(ids[i : i + _CHUNK]))
                ):
                    rows_by_id[r.id] = r
        minor = self._statement_minor(data, rows_by_id, names, p.name)
        refs = data["reference"]
        now = _now()
        with self._write("import", "payments") as (conn, log):
            seen = set()
            for i in range(0, len(refs), _CHUNK):
                seen.update(
                    conn.execute(
                        select(Payment.reference).where(Payment.reference.in_(refs[i : i + _CHUNK]))
                    ).scalars()
                )
            keep, skipped = [], []
            for k, ref in enumerate(refs):
                if ref in seen:
                    skipped.append(ref)
                else:
                    seen.add(ref)
                    keep.append(k)
            if not keep:
                log.update(
                    detail={"source": p.name, "rows": len(refs), "booked": 0, "sha256": digest}
                )
                return ImportResult(None, len(refs), 0, tuple(skipped))
            iid = conn.execute(
                Import.__table__.insert().values(
                    source=p.name,
                    sha256=digest,
                    rows=len(refs),
                    booked=len(keep),
                    created_at=now,
                    created_by=self.user,
                )
            ).inserted_primary_key[0]
            memo = data["memo"]
            rows = [
                (
                    data["agreement"][k],
                    data["date"][k],
                    minor[k],
                    rows_by_id[data["agreement"][k]].currency,
                    refs[k],
                    None,
                    iid,
                    "" if memo is None else memo[k],
                    now,
                    self.user,
                )
                for k in keep
            ]
            _insert_payments(conn, rows)
            log.update(
                entity_id=iid,
                detail={"source": p.name, "rows": len(refs), "booked": len(keep), "sha256": digest},
            )
        return ImportResult(int(iid), len(refs), len(keep), tuple(skipped))

    def _statement_minor(self, data, rows_by_id, names, source: str) -> list:
        """Each line's amount in minor units, every line checked (see :meth:`_check_payment`).

        Plain decimals within the currency's places (``606.00``, ``1234.5``) on dates on or
        after signing, without a currency column, are read with integer arithmetic; any
        other line goes through the general checks, which name the problem."""
        import re

        plain = re.compile(r"\d{1,15}(?:\.(\d{1,6}))?")
        out = []
        currency = data["currency"]
        for k, aid in enumerate(data["agreement"]):
            r = rows_by_id.get(aid)
            where = f"line {data['line'][k]}: "
            if r is None:
                raise InputError(
                    where + names["agreement"],
                    aid,
                    "the id of an agreement in the register",
                    f"in {source}; nothing was booked",
                )
            a = data["amount"][k]
            m = plain.fullmatch(a) if isinstance(a, str) and currency is None else None
            if (
                m is not None
                and data["date"][k] >= r.signed
                and len(m.group(1) or "") <= r.minor_units
            ):
                whole, _, frac = a.partition(".")
                v = int(whole) * 10**r.minor_units + int(
                    (frac or "0").ljust(r.minor_units, "0") if r.minor_units else 0
                )
                if v > 0:
                    out.append(v)
                    continue
            try:
                cur = currency[k] if currency is not None else None
                out.append(self._check_payment(r, data["date"][k], a, cur or None, prefix=where))
            except InputError as e:
                field = e.field[len(where) :]
                raise InputError(
                    where + names.get(field, field),
                    e.value,
                    e.allowed,
                    f"in {source}; nothing was booked",
                ) from None
        return out

    # -- follow-up -------------------------------------------------------------------------
    def status(self, as_of, *, agreements=None) -> pd.DataFrame:
        """Where every agreement stands on ``as_of``: one row per agreement signed by then.

        Columns: ``agreement``, ``case``, ``borrower``, ``plan``, ``signed``, ``state``
        (``performing``, ``in_arrears``, ``breached``), ``paid``, ``arrears``,
        ``penalty``, ``balance``, ``days_past_due`` (of the oldest instalment due and
        unpaid), ``next_due`` and ``next_amount`` (the next instalment falling due after
        ``as_of`` with something left to pay), ``breach`` (the clause and why) and
        ``breach_date``, ``observation_end`` (end of the restructured-asset observation
        period, where the rule set has one), ``currency``.  Amounts are Decimals.

        Notes
        -----
        The figures are those of :meth:`repayplan.Agreement.status` with the payments of
        :meth:`received`.  The payments, instalments and agreements are read in three bulk
        queries.  An agreement whose instalments so far were each paid exactly, on or
        before its due date, with nothing due and unpaid, is read off its instalments
        without a replay (nothing can have accrued: the ledger's result is the schedule);
        every other agreement is replayed by the ledger.  The tests check both paths
        against :meth:`repayplan.Agreement.status`.
        """
        from .follow import status_frame

        day = check_date("as_of", as_of)
        only = (
            None
            if agreements is None
            else [
                _id(f"agreements[{i}]", a)
                for i, a in enumerate(check_sequence("agreements", agreements, "agreement ids"))
            ]
        )
        with self._read() as conn:
            return status_frame(self, conn, day, only)

    def due(self, as_of, within_days: int = 30) -> pd.DataFrame:
        """The agreements to follow up: in arrears or breached, or with an instalment due
        within ``within_days`` days after ``as_of``; the most overdue first.

        >>> import tempfile, pathlib
        >>> from datetime import date
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> case = rp.Case(borrower="Acme Ltd", creditor=rp.Creditor(0.06, name="First Bank"),
        ...                claim=rp.Claim(principal=1_200, annual_rate=0.06, as_of=date(2026, 12, 1)),
        ...                cashflow=rp.CashFlow([1_000.0] * 6, start="2026-12"),
        ...                plans=[rp.Plan(method="equal_principal", term=2, name="2 months")])
        >>> aid = reg.sign(reg.save(case), plan="2 months", signed=date(2026, 12, 1))
        >>> reg.due(date(2026, 12, 10), within_days=30)[["agreement", "next_due", "next_amount"]]
           agreement    next_due next_amount
        0          1  2027-01-01      606.00
        >>> len(reg.due(date(2026, 12, 10), within_days=7))
        0
        >>> reg.close(); folder.cleanup()
        """
        day = check_date("as_of", as_of)
        days = check_int("within_days", within_days, low=0, high=3660)
        st = self.status(day)
        if st.empty:
            return st
        horizon = day + _dt.timedelta(days=days)
        soon = st["next_due"].map(lambda d: d is not None and not pd.isna(d) and d <= horizon)
        late = st["state"] != "performing"
        owed = st["arrears"].map(lambda a: a > 0)
        out = st[soon | late | owed].copy()
        out = out.sort_values(
            ["days_past_due", "next_due", "agreement"], ascending=[False, True, True], kind="stable"
        )
        return out.reset_index(drop=True)

    # -- integrity -------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Check the register; returns the problems found (an empty list: all is well).

        The database's own check (SQLite ``PRAGMA integrity_check`` and
        ``foreign_key_check``), the schema at the head revision, and the register's rules:
        each case's version number is its latest saved version and its versions are 1..n;
        each agreement has its instalments; each import has all its payments; each reversal
        reverses a payment of the same agreement, of the opposite amount.

        >>> import tempfile, pathlib
        >>> import repayplan as rp
        >>> folder = tempfile.TemporaryDirectory()
        >>> reg = Register(pathlib.Path(folder.name) / "r.sqlite")
        >>> _ = reg.save(rp.Case.sample())
        >>> reg.check()
        []
        >>> reg.close(); folder.cleanup()
        """
        from .follow import integrity_problems

        with self._read() as conn:
            return integrity_problems(self, conn)


# -- helpers -------------------------------------------------------------------------------
_PAYMENT_COLUMNS = (
    "agreement_id",
    "paid_on",
    "amount",
    "currency",
    "reference",
    "reverses",
    "import_id",
    "memo",
    "created_at",
    "created_by",
)


def _insert_payments(conn, rows: list[tuple]) -> None:
    """Insert payment rows (in :data:`_PAYMENT_COLUMNS` order), parameterised.

    On SQLite straight through the driver's ``executemany`` with the values as SQLAlchemy
    stores them (ISO dates and times), which is several times faster than the ORM's
    per-row parameter processing for a statement of 100,000 lines; elsewhere through
    SQLAlchemy Core."""
    from .models import Payment

    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in _PAYMENT_COLUMNS)
        sql = f"INSERT INTO payments ({', '.join(_PAYMENT_COLUMNS)}) VALUES ({marks})"
        conn.exec_driver_sql(
            sql,
            [
                (
                    a,
                    d.isoformat(),
                    m,
                    c,
                    ref,
                    rev,
                    iid,
                    memo,
                    at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    by,
                )
                for a, d, m, c, ref, rev, iid, memo, at, by in rows
            ],
        )
    else:
        conn.execute(
            Payment.__table__.insert(), [dict(zip(_PAYMENT_COLUMNS, r, strict=True)) for r in rows]
        )


def _received(conn, end, only):
    """``[(agreement, date, minor), ...]``: payments not reversed, same day summed, sorted."""
    from .follow import received_rows

    return received_rows(conn, end, only)


def _mask(url: str) -> str:
    """A URL with its password replaced by ``***`` (never shown, never logged)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        if "@" in url and "://" in url:
            scheme, rest = url.split("://", 1)
            return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
        return url


def _scrub(text: str, url) -> str:
    """An error message without the URL's password."""
    pw = getattr(url, "password", None)
    text = " ".join(str(text).split())
    if pw:
        text = text.replace(str(pw), "***")
    return text


def _sqlite_connect(dbapi_conn, _record) -> None:
    # the driver's own transaction handling is switched off: _sqlite_begin starts each one
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn) -> None:
    # writes take the write lock at the start, so a read-then-write (the version check) is
    # atomic; reads take none (WAL: readers never wait for the writer)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")
