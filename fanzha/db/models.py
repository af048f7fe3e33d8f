"""All tables of the platform (see /tmp/interfaces.md "Database and platform").

Money is integer fen (``BigInteger``), never float. Timestamps are timezone-aware UTC (``UTCDateTime``).
Enumerated columns are plain strings guarded by CHECK constraints; the allowed values are the tuples below.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fanzha.db.base import Base, UTCDateTime, utcnow

ROLES = ("desk_officer", "warning_officer", "bank_teller", "analyst", "admin")
AGE_BANDS = ("<18", "18-25", "26-35", "36-45", "46-55", "56-65", "65+")
GENDERS = ("男", "女", "未知")
CASE_STATUSES = ("open", "investigating", "solved", "closed")
INDICATOR_STATUSES = ("confirmed", "suspected", "allowlisted")
WARNING_SOURCES = ("screening", "bank", "citizen_report", "import", "manual")
WARNING_GRADES = ("高", "中", "低")
WARNING_STATUSES = ("new", "in_progress", "closed")
WARNING_OUTCOMES = ("reached", "fraud_confirmed", "not_fraud", "unreachable", "money_sent")
ACTION_KINDS = ("sms", "call", "visit", "note")
AUDIT_ACTIONS = ("read", "create", "update", "delete", "export", "import", "login", "login_failed")


def _in(column: str, values: tuple[str, ...], *, nullable: bool = False) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    expr = f"{column} IN ({quoted})"
    return f"{column} IS NULL OR {expr}" if nullable else expr


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="tokens")


class Victim(Base):
    """Sensitive personal data: every read and write goes through the audit log; masked in logs and exports."""

    __tablename__ = "victims"
    __table_args__ = (
        CheckConstraint(_in("age_band", AGE_BANDS), name="age_band"),
        CheckConstraint(_in("gender", GENDERS), name="gender"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(128))
    age_band: Mapped[str] = mapped_column(String(8))
    gender: Mapped[str] = mapped_column(String(4), default="未知")
    occupation: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint("amount_lost_fen >= 0", name="amount_lost_nonneg"),
        CheckConstraint("amount_recovered_fen >= 0", name="amount_recovered_nonneg"),
        Index("ix_cases_reported_at", "reported_at"),
        Index("ix_cases_typology", "typology"),
        Index("ix_cases_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), unique=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(64))
    typology: Mapped[str | None] = mapped_column(String(64))
    subtype: Mapped[str | None] = mapped_column(String(128))
    amount_lost_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    narrative: Mapped[str] = mapped_column(Text, default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    victim_id: Mapped[int | None] = mapped_column(ForeignKey("victims.id", ondelete="SET NULL"), index=True)
    suspects_identified: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    officer: Mapped[User | None] = relationship()
    victim: Mapped[Victim | None] = relationship()
    indicator_links: Mapped[list[CaseIndicator]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )
    transfers: Mapped[list[Transfer]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True, order_by="Transfer.id"
    )


class Indicator(Base):
    """The indicator register: one row per (kind, normalised value)."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("kind", "value"),
        CheckConstraint(_in("status", INDICATOR_STATUSES), name="status"),
        CheckConstraint("report_count >= 0", name="report_count_nonneg"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(512))
    display_value: Mapped[str] = mapped_column(String(512), default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="suspected")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)

    case_links: Mapped[list[CaseIndicator]] = relationship(back_populates="indicator", passive_deletes=True)


class CaseIndicator(Base):
    __tablename__ = "case_indicators"
    __table_args__ = (Index("ix_case_indicators_indicator_id", "indicator_id", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str | None] = mapped_column(String(32))

    case: Mapped[Case] = relationship(back_populates="indicator_links")
    indicator: Mapped[Indicator] = relationship(back_populates="case_links")


class Transfer(Base):
    __tablename__ = "transfers"
    __table_args__ = (CheckConstraint("amount_fen >= 0", name="amount_nonneg"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    payer_account: Mapped[str | None] = mapped_column(String(64))
    payee_account: Mapped[str | None] = mapped_column(String(64), index=True)
    payee_bank: Mapped[str | None] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped[Case] = relationship(back_populates="transfers")


class Warning(Base):
    """A 预警劝阻 lead (logic in fanzha.cases.warnings, owned by W2)."""

    __tablename__ = "warnings"
    __table_args__ = (
        CheckConstraint(_in("source", WARNING_SOURCES), name="source"),
        CheckConstraint(_in("grade", WARNING_GRADES), name="grade"),
        CheckConstraint(_in("status", WARNING_STATUSES), name="status"),
        CheckConstraint(_in("outcome", WARNING_OUTCOMES, nullable=True), name="outcome"),
        CheckConstraint(_in("subject_age_band", AGE_BANDS, nullable=True), name="subject_age_band"),
        CheckConstraint("loss_avoided_fen >= 0", name="loss_avoided_nonneg"),
        Index("ix_warnings_status_due_at", "status", "due_at"),
        Index("ix_warnings_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    grade: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16), default="new")
    subject_name: Mapped[str | None] = mapped_column(String(128))
    subject_phone: Mapped[str | None] = mapped_column(String(32))
    subject_age_band: Mapped[str | None] = mapped_column(String(8))
    typology: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    indicator_kind: Mapped[str | None] = mapped_column(String(16))
    indicator_value: Mapped[str | None] = mapped_column(String(512))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(32))
    loss_avoided_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)

    assignee: Mapped[User | None] = relationship()
    case: Mapped[Case | None] = relationship()
    actions: Mapped[list[WarningAction]] = relationship(
        back_populates="warning", cascade="all, delete-orphan", passive_deletes=True, order_by="WarningAction.at"
    )


class WarningAction(Base):
    __tablename__ = "warning_actions"
    __table_args__ = (
        CheckConstraint(_in("action", ACTION_KINDS), name="action"),
        CheckConstraint("loss_avoided_fen >= 0", name="loss_avoided_nonneg"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    loss_avoided_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    warning: Mapped[Warning] = relationship(back_populates="actions")
    officer: Mapped[User] = relationship()


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="action"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")


__all__ = [
    "ACTION_KINDS",
    "AGE_BANDS",
    "AUDIT_ACTIONS",
    "CASE_STATUSES",
    "GENDERS",
    "INDICATOR_STATUSES",
    "ROLES",
    "WARNING_GRADES",
    "WARNING_OUTCOMES",
    "WARNING_SOURCES",
    "WARNING_STATUSES",
    "ApiToken",
    "AuditLog",
    "Base",
    "Case",
    "CaseIndicator",
    "Indicator",
    "Transfer",
    "User",
    "Victim",
    "Warning",
    "WarningAction",
]
