"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29

All tables of the platform. Timestamps are DateTime(timezone=True) (fanzha.db.base.UTCDateTime in the models);
money is BigInteger fen. Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=512), nullable=False),
        sa.Column("display_value", sa.String(length=512), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('confirmed', 'suspected', 'allowlisted')", name=op.f("ck_indicators_status")),
        sa.CheckConstraint("report_count >= 0", name=op.f("ck_indicators_report_count_nonneg")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_indicators_kind_value")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('desk_officer', 'warning_officer', 'bank_teller', 'analyst', 'admin')", name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "victims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=4), nullable=False),
        sa.Column("occupation", sa.String(length=64), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "age_band IN ('<18', '18-25', '26-35', '36-45', '46-55', '56-65', '65+')", name=op.f("ck_victims_age_band")
        ),
        sa.CheckConstraint("gender IN ('男', '女', '未知')", name=op.f("ck_victims_gender")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victims")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "action IN ('read', 'create', 'update', 'delete', 'export', 'import', 'login', 'login_failed')",
            name=op.f("ck_audit_log_action"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"], unique=False)
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("typology", sa.String(length=64), nullable=True),
        sa.Column("subtype", sa.String(length=128), nullable=True),
        sa.Column("amount_lost_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_recovered_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("victim_id", sa.Integer(), nullable=True),
        sa.Column("suspects_identified", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'investigating', 'solved', 'closed')", name=op.f("ck_cases_status")),
        sa.CheckConstraint("amount_lost_fen >= 0", name=op.f("ck_cases_amount_lost_nonneg")),
        sa.CheckConstraint("amount_recovered_fen >= 0", name=op.f("ck_cases_amount_recovered_nonneg")),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_cases_officer_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"], ["victims.id"], name=op.f("fk_cases_victim_id_victims"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_cases_case_no")),
    )
    op.create_index(op.f("ix_cases_officer_id"), "cases", ["officer_id"], unique=False)
    op.create_index("ix_cases_reported_at", "cases", ["reported_at"], unique=False)
    op.create_index("ix_cases_status", "cases", ["status"], unique=False)
    op.create_index("ix_cases_typology", "cases", ["typology"], unique=False)
    op.create_index(op.f("ix_cases_victim_id"), "cases", ["victim_id"], unique=False)
    op.create_table(
        "case_indicators",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_indicators_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_case_indicators_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "indicator_id", name=op.f("pk_case_indicators")),
    )
    op.create_index("ix_case_indicators_indicator_id", "case_indicators", ["indicator_id", "case_id"], unique=False)
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("payer_account", sa.String(length=64), nullable=True),
        sa.Column("payee_account", sa.String(length=64), nullable=True),
        sa.Column("payee_bank", sa.String(length=64), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_transfers_amount_nonneg")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_transfers_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index(op.f("ix_transfers_case_id"), "transfers", ["case_id"], unique=False)
    op.create_index(op.f("ix_transfers_payee_account"), "transfers", ["payee_account"], unique=False)
    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_key", sa.String(length=128), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subject_name", sa.String(length=128), nullable=True),
        sa.Column("subject_phone", sa.String(length=32), nullable=True),
        sa.Column("subject_age_band", sa.String(length=8), nullable=True),
        sa.Column("typology", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("indicator_kind", sa.String(length=16), nullable=True),
        sa.Column("indicator_value", sa.String(length=512), nullable=True),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("loss_avoided_fen", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("grade IN ('高', '中', '低')", name=op.f("ck_warnings_grade")),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('reached', 'fraud_confirmed', 'not_fraud', 'unreachable', 'money_sent')",
            name=op.f("ck_warnings_outcome"),
        ),
        sa.CheckConstraint(
            "source IN ('screening', 'bank', 'citizen_report', 'import', 'manual')", name=op.f("ck_warnings_source")
        ),
        sa.CheckConstraint("status IN ('new', 'in_progress', 'closed')", name=op.f("ck_warnings_status")),
        sa.CheckConstraint(
            "subject_age_band IS NULL OR subject_age_band IN ('<18', '18-25', '26-35', '36-45', '46-55', '56-65', '65+')",
            name=op.f("ck_warnings_subject_age_band"),
        ),
        sa.CheckConstraint("loss_avoided_fen >= 0", name=op.f("ck_warnings_loss_avoided_nonneg")),
        sa.ForeignKeyConstraint(
            ["assigned_to"], ["users.id"], name=op.f("fk_warnings_assigned_to_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_warnings_case_id_cases"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings")),
        sa.UniqueConstraint("external_key", name=op.f("uq_warnings_external_key")),
    )
    op.create_index(op.f("ix_warnings_assigned_to"), "warnings", ["assigned_to"], unique=False)
    op.create_index(op.f("ix_warnings_case_id"), "warnings", ["case_id"], unique=False)
    op.create_index("ix_warnings_created_at", "warnings", ["created_at"], unique=False)
    op.create_index("ix_warnings_status_due_at", "warnings", ["status", "due_at"], unique=False)
    op.create_table(
        "warning_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("loss_avoided_fen", sa.BigInteger(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('sms', 'call', 'visit', 'note')", name=op.f("ck_warning_actions_action")),
        sa.CheckConstraint("loss_avoided_fen >= 0", name=op.f("ck_warning_actions_loss_avoided_nonneg")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_warning_actions_officer_id_users")),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["warnings.id"], name=op.f("fk_warning_actions_warning_id_warnings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_actions")),
    )
    op.create_index(op.f("ix_warning_actions_officer_id"), "warning_actions", ["officer_id"], unique=False)
    op.create_index(op.f("ix_warning_actions_warning_id"), "warning_actions", ["warning_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_warning_actions_warning_id"), table_name="warning_actions")
    op.drop_index(op.f("ix_warning_actions_officer_id"), table_name="warning_actions")
    op.drop_table("warning_actions")
    op.drop_index("ix_warnings_status_due_at", table_name="warnings")
    op.drop_index("ix_warnings_created_at", table_name="warnings")
    op.drop_index(op.f("ix_warnings_case_id"), table_name="warnings")
    op.drop_index(op.f("ix_warnings_assigned_to"), table_name="warnings")
    op.drop_table("warnings")
    op.drop_index(op.f("ix_transfers_payee_account"), table_name="transfers")
    op.drop_index(op.f("ix_transfers_case_id"), table_name="transfers")
    op.drop_table("transfers")
    op.drop_index("ix_case_indicators_indicator_id", table_name="case_indicators")
    op.drop_table("case_indicators")
    op.drop_index(op.f("ix_cases_victim_id"), table_name="cases")
    op.drop_index("ix_cases_typology", table_name="cases")
    op.drop_index("ix_cases_status", table_name="cases")
    op.drop_index("ix_cases_reported_at", table_name="cases")
    op.drop_index(op.f("ix_cases_officer_id"), table_name="cases")
    op.drop_table("cases")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("victims")
    op.drop_table("users")
    op.drop_table("indicators")
