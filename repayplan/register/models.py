"""The register's tables as SQLAlchemy 2 declarative models.

Amounts are integer minor units (``BigInteger``); dates are ``Date``; times are UTC.  The
schema is created and changed only by the Alembic migrations shipped in
``repayplan/register/migrations`` (applied when a register is opened); these models mirror
it, and ``tests/test_register.py`` checks that the two agree.

Nothing is ever updated in place except a case's current version number (the optimistic
lock): versions, payments, reversals, notes and audit entries are appended.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "CaseRow",
    "CaseVersion",
    "Meeting",
    "AgreementRow",
    "Obligation",
    "Import",
    "Payment",
    "Note",
    "Audit",
]


class Base(DeclarativeBase):
    """Declarative base of the register's models."""

    if TYPE_CHECKING:  # every model here is mapped to a Table (insert(), update() ...)
        __table__: ClassVar[Table]


class CaseRow(Base):
    """A case: its current version number (the optimistic lock) and labels for the picker."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    borrower: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[_dt.datetime] = mapped_column(DateTime)


class CaseVersion(Base):
    """One saved version of a case: the case file's text, never overwritten."""

    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_case_versions_case_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    session: Mapped[str | None] = mapped_column(Text, nullable=True)
    saved_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    saved_by: Mapped[str] = mapped_column(Text)


class Meeting(Base):
    """A meeting on a case: the minutes (offers shown, made, accepted) as JSON and as text."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    case_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_versions.id"), nullable=True
    )
    held_on: Mapped[_dt.date] = mapped_column(Date)
    entries: Mapped[str] = mapped_column(Text)
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(Text)


class AgreementRow(Base):
    """A signed agreement: the case version and plan it was built from, and its terms."""

    __tablename__ = "agreements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    case_version_id: Mapped[int] = mapped_column(ForeignKey("case_versions.id"))
    plan: Mapped[str] = mapped_column(Text)
    signed: Mapped[_dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    minor_units: Mapped[int] = mapped_column(Integer)
    terms: Mapped[str] = mapped_column(Text)  # JSON: grace_days, penalty_rate, breach, overpayment
    name: Mapped[str] = mapped_column(Text, default="")
    instalments: Mapped[int] = mapped_column(Integer)
    principal: Mapped[int] = mapped_column(BigInteger)
    simple: Mapped[bool] = mapped_column(Boolean)  # no capitalised interest, overpayments pay next
    observation_end: Mapped[_dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(Text)


class Obligation(Base):
    """An instalment of an agreement, cached at signing (from ``Agreement.instalments``)."""

    __tablename__ = "obligations"
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[_dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    principal: Mapped[int] = mapped_column(BigInteger)


class Import(Base):
    """One import of a statement: all its payments or none."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(Text)


class Payment(Base):
    """A payment received, or (``reverses`` set, amount negative) the reversal of one."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_agreement_paid_on", "agreement_id", "paid_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    paid_on: Mapped[_dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(Text, nullable=True, unique=True)
    reverses: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id"), nullable=True, unique=True
    )
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("imports.id"), nullable=True, index=True
    )
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(Text)


class Note(Base):
    """A note on a case (and optionally one of its agreements)."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(Text)


class Audit(Base):
    """Who changed what, and when: one row per write."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[_dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
