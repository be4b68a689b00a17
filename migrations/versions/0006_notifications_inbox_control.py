"""notifications: client contact preferences and consent, staff notification settings, the staff inbox,
reminders sent; data-control alerts and runs

Every new table is tenant-owned with RLS enabled and forced.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "contact_preferences",
    "staff_notification_settings",
    "inbox_items",
    "reminders_sent",
    "control_alerts",
    "control_runs",
)


def _tenant_columns(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f(f"pk_{table}")),
    ]


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "contact_preferences",
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("channels", sa.ARRAY(sa.String(length=20)), server_default="{}", nullable=False),
        sa.Column("language", sa.String(length=2), server_default="lv", nullable=False),
        sa.Column("consent", sa.String(length=10), nullable=True),
        sa.Column("consent_on", sa.Date(), nullable=True),
        sa.Column("consent_recorded_by", sa.UUID(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.UUID(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _created_at(),
        *_tenant_columns("contact_preferences"),
        sa.CheckConstraint(
            "channels <@ ARRAY['email', 'sms', 'eaddress']::varchar[]",
            name=op.f("ck_contact_preferences_channels"),
        ),
        sa.CheckConstraint(
            "consent IS NULL OR consent IN ('given', 'withdrawn')",
            name=op.f("ck_contact_preferences_consent"),
        ),
        sa.CheckConstraint("language IN ('lv', 'en')", name=op.f("ck_contact_preferences_language")),
        sa.CheckConstraint(
            "(consent IS NULL) = (consent_on IS NULL)", name=op.f("ck_contact_preferences_consent_day")
        ),
        sa.ForeignKeyConstraint(
            ["consent_recorded_by"],
            ["app.users.id"],
            name=op.f("fk_contact_preferences_consent_recorded_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_contact_preferences_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["app.users.id"], name=op.f("fk_contact_preferences_updated_by_users")
        ),
        sa.UniqueConstraint(
            "tenant_id", "person_id", name=op.f("uq_contact_preferences_tenant_id_person_id")
        ),
        schema="app",
    )
    op.create_table(
        "staff_notification_settings",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("email_events", sa.ARRAY(sa.String(length=60)), server_default="{}", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        _created_at(),
        *_tenant_columns("staff_notification_settings"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app.users.id"], name=op.f("fk_staff_notification_settings_user_id_users")
        ),
        sa.UniqueConstraint(
            "tenant_id", "user_id", name=op.f("uq_staff_notification_settings_tenant_id_user_id")
        ),
        schema="app",
    )
    op.create_table(
        "inbox_items",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("dedup_key", sa.String(length=200), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        _created_at(),
        *_tenant_columns("inbox_items"),
        sa.ForeignKeyConstraint(["user_id"], ["app.users.id"], name=op.f("fk_inbox_items_user_id_users")),
        sa.UniqueConstraint(
            "tenant_id", "user_id", "dedup_key", name=op.f("uq_inbox_items_tenant_id_user_id_dedup_key")
        ),
        schema="app",
    )
    op.create_index(
        op.f("ix_inbox_items_tenant_id_user_id_id"),
        "inbox_items",
        ["tenant_id", "user_id", "id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        "ix_inbox_items_unread",
        "inbox_items",
        ["tenant_id", "user_id"],
        unique=False,
        schema="app",
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        *_tenant_columns("reminders_sent"),
        sa.UniqueConstraint(
            "tenant_id",
            "kind",
            "record_id",
            "period_end",
            name=op.f("uq_reminders_sent_tenant_id_kind_record_id_period_end"),
        ),
        schema="app",
    )
    op.create_table(
        "control_alerts",
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("record_kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.UUID(), nullable=False),
        sa.Column("responsible_user_id", sa.UUID(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column(
            "first_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        *_tenant_columns("control_alerts"),
        sa.ForeignKeyConstraint(
            ["responsible_user_id"],
            ["app.users.id"],
            name=op.f("fk_control_alerts_responsible_user_id_users"),
        ),
        schema="app",
    )
    op.create_index(
        op.f("ix_control_alerts_tenant_id_responsible_user_id"),
        "control_alerts",
        ["tenant_id", "responsible_user_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        "uq_control_alerts_open",
        "control_alerts",
        ["tenant_id", "rule", "record_id"],
        unique=True,
        schema="app",
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_table(
        "control_runs",
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hits", sa.Integer(), server_default="0", nullable=False),
        sa.Column("opened", sa.Integer(), server_default="0", nullable=False),
        sa.Column("resolved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failures", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        *_tenant_columns("control_runs"),
        schema="app",
    )
    op.create_index(
        op.f("ix_control_runs_tenant_id_started_at"),
        "control_runs",
        ["tenant_id", "started_at"],
        unique=False,
        schema="app",
    )
    for table in TABLES:
        grant_runtime(table)
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table, schema="app")  # drops its indexes and policy with it
