"""foundation: tenants, staff, persons, audit, outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:24:05.140655
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("atvk_code", sa.String(length=7), nullable=False),
        sa.Column("settings", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("atvk_code", name=op.f("uq_tenants_atvk_code")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenants_slug")),
        schema="app",
    )
    op.create_table(
        "processed_messages",
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("message_id", sa.UUID(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_processed_messages_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "message_id", name=op.f("pk_processed_messages")),
        schema="app",
    )
    op.create_table(
        "users",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("oidc_issuer", sa.String(length=500), nullable=True),
        sa.Column("oidc_subject", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "national_roles",
            postgresql.ARRAY(sa.String(length=50)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("locale", sa.String(length=5), server_default="lv", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name=op.f("uq_users_oidc_issuer_oidc_subject")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        schema="app",
    )
    op.create_table(
        "access_log",
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.Column("context", sa.String(length=300), nullable=True),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_access_log_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_access_log")),
        schema="app",
    )
    op.create_index(
        op.f("ix_access_log_tenant_id_person_id_occurred_at"),
        "access_log",
        ["tenant_id", "person_id", "occurred_at"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "change_log",
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_user_id", sa.UUID(), nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("entity_type", sa.String(length=100), nullable=False),
        sa.Column("entity_id", sa.UUID(), nullable=True),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_change_log_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_change_log")),
        schema="app",
    )
    op.create_index(
        op.f("ix_change_log_tenant_id_entity_type_entity_id"),
        "change_log",
        ["tenant_id", "entity_type", "entity_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(length=50)), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_memberships_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app.users.id"], name=op.f("fk_memberships_user_id_users")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("tenant_id", "user_id", name=op.f("uq_memberships_tenant_id_user_id")),
        schema="app",
    )
    op.create_table(
        "outbox",
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["app.tenants.id"], name=op.f("fk_outbox_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_outbox")),
        schema="app",
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["created_at"],
        unique=False,
        schema="app",
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.create_table(
        "persons",
        sa.Column("personal_code", sa.String(length=12), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("name_norm", sa.String(length=201), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["app.tenants.id"], name=op.f("fk_persons_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_persons")),
        sa.UniqueConstraint("tenant_id", "personal_code", name=op.f("uq_persons_tenant_id_personal_code")),
        schema="app",
    )
    op.create_index(
        op.f("ix_persons_tenant_id_name_norm"),
        "persons",
        ["tenant_id", "name_norm"],
        unique=False,
        schema="app",
    )

    op.execute("GRANT USAGE ON SCHEMA app TO app_rw, app_maint")
    op.execute("GRANT SELECT ON app.alembic_version TO app_rw, app_maint")
    # National tables: readable by all; accounts are written by the app (lockout, profile), never deleted.
    grant_runtime("tenants", "SELECT")
    grant_runtime("users", "SELECT, INSERT, UPDATE")
    for table in ("memberships", "persons"):
        grant_runtime(table)
        enable_tenant_rls(table)
    # Logs and the outbox are append-only for the app role.
    for table in ("change_log", "access_log", "outbox", "processed_messages"):
        grant_runtime(table, "SELECT, INSERT")
        enable_tenant_rls(table)
    # Sign-in lists a user's municipalities before any tenant is bound: a user may read their own
    # memberships (and nothing else) across tenants.
    op.execute(
        "CREATE POLICY member_reads_own ON app.memberships FOR SELECT "
        "USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid)"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_persons_tenant_id_name_norm"), table_name="persons", schema="app")
    op.drop_table("persons", schema="app")
    op.drop_index(
        "ix_outbox_pending",
        table_name="outbox",
        schema="app",
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.drop_table("outbox", schema="app")
    op.drop_table("memberships", schema="app")
    op.drop_index(
        op.f("ix_change_log_tenant_id_entity_type_entity_id"), table_name="change_log", schema="app"
    )
    op.drop_table("change_log", schema="app")
    op.drop_index(
        op.f("ix_access_log_tenant_id_person_id_occurred_at"), table_name="access_log", schema="app"
    )
    op.drop_table("access_log", schema="app")
    op.drop_table("users", schema="app")
    op.drop_table("tenants", schema="app")
    op.drop_table("processed_messages", schema="app")
