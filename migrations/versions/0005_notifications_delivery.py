"""notifications: the delivery log (notification_messages) and unusable contacts (contact_problems)

Both are tenant-owned with RLS enabled and forced. The app role may update a message (the worker
records each attempt on it) and a contact problem (found again, resolved), but both are kept: nothing
here is deleted by the app.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("notification_messages", "contact_problems")
_CHANNELS = "channel IN ('email', 'sms', 'eaddress')"


def upgrade() -> None:
    op.create_table(
        "contact_problems",
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(_CHANNELS, name=op.f("ck_contact_problems_channel")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_contact_problems_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_contact_problems_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app.users.id"], name=op.f("fk_contact_problems_user_id_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_contact_problems")),
        schema="app",
    )
    op.create_index(
        op.f("ix_contact_problems_tenant_id_found_at_id"),
        "contact_problems",
        ["tenant_id", "found_at", "id"],
        unique=False,
        schema="app",
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_index(
        op.f("ix_contact_problems_tenant_id_person_id_channel"),
        "contact_problems",
        ["tenant_id", "person_id", "channel"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "notification_messages",
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("sms_text", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("last_error_detail", sa.Text(), nullable=True),
        sa.Column("outbox_id", sa.UUID(), nullable=True),
        sa.Column("provider_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(_CHANNELS, name=op.f("ck_notification_messages_channel")),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'failed', 'given_up', 'unusable')",
            name=op.f("ck_notification_messages_status"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_notification_messages_attempts")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_notification_messages_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_notification_messages_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app.users.id"], name=op.f("fk_notification_messages_user_id_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_notification_messages")),
        schema="app",
    )
    op.create_index(
        op.f("ix_notification_messages_tenant_id_created_at_id"),
        "notification_messages",
        ["tenant_id", "created_at", "id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_notification_messages_tenant_id_person_id"),
        "notification_messages",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_notification_messages_tenant_id_status_created_at_id"),
        "notification_messages",
        ["tenant_id", "status", "created_at", "id"],
        unique=False,
        schema="app",
    )
    for table in TABLES:
        grant_runtime(table, "SELECT, INSERT, UPDATE")
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_table("notification_messages", schema="app")
    op.drop_table("contact_problems", schema="app")
