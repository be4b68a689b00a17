"""service catalogue and waiting lists

Both tables are tenant-owned with RLS enabled and forced.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("service_types", "queue_entries")


def upgrade() -> None:
    op.create_table(
        "service_types",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name_lv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("funding", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("keeps_waiting_list", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "funding IN ('state', 'municipal', 'co_payment')", name=op.f("ck_service_types_funding")
        ),
        sa.CheckConstraint(
            "unit IN ('hour', 'day', 'visit', 'month', 'service')", name=op.f("ck_service_types_unit")
        ),
        sa.CheckConstraint("price IS NULL OR price >= 0", name=op.f("ck_service_types_price")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_service_types_period")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_service_types_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_types")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_service_types_tenant_id_code")),
        schema="app",
    )
    op.create_table(
        "queue_entries",
        sa.Column("service_type_id", sa.UUID(), nullable=False),
        sa.Column("provider_id", sa.UUID(), nullable=True),
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("priority", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("priority_reason", sa.String(length=500), nullable=True),
        sa.Column("state", sa.String(length=20), server_default="waiting", nullable=False),
        sa.Column("state_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("offered_place", sa.String(length=300), nullable=True),
        sa.Column("offer_answer_by", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "(state = 'offered') = (offered_place IS NOT NULL AND offer_answer_by IS NOT NULL)",
            name=op.f("ck_queue_entries_offer"),
        ),
        sa.CheckConstraint(
            "state <> 'removed' OR reason IS NOT NULL", name=op.f("ck_queue_entries_removed_reason")
        ),
        sa.CheckConstraint(
            "state IN ('waiting', 'offered', 'postponed', 'admitted', 'withdrawn', 'removed')",
            name=op.f("ck_queue_entries_state"),
        ),
        sa.CheckConstraint(
            "(priority_reason IS NOT NULL) = priority", name=op.f("ck_queue_entries_priority_reason")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_queue_entries_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_queue_entries_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_type_id"],
            ["app.service_types.tenant_id", "app.service_types.id"],
            name=op.f("fk_queue_entries_tenant_id_service_type_id_service_types"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_queue_entries_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_queue_entries")),
        schema="app",
    )
    op.create_index(
        op.f("ix_queue_entries_tenant_id_person_id"),
        "queue_entries",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_queue_entries_tenant_id_service_type_id_person_id"),
        "queue_entries",
        [
            "tenant_id",
            "service_type_id",
            sa.literal_column("coalesce(provider_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
            "person_id",
        ],
        unique=True,
        schema="app",
        postgresql_where=sa.text("state IN ('waiting', 'offered', 'postponed')"),
    )
    op.create_index(
        op.f("ix_queue_entries_tenant_id_service_type_id_provider_id_registered_at"),
        "queue_entries",
        ["tenant_id", "service_type_id", "provider_id", "registered_at"],
        unique=False,
        schema="app",
    )
    for table in TABLES:
        grant_runtime(table)
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_index(
        op.f("ix_queue_entries_tenant_id_service_type_id_provider_id_registered_at"),
        table_name="queue_entries",
        schema="app",
    )
    op.drop_index(
        op.f("ix_queue_entries_tenant_id_service_type_id_person_id"),
        table_name="queue_entries",
        schema="app",
        postgresql_where=sa.text("state IN ('waiting', 'offered', 'postponed')"),
    )
    op.drop_index(op.f("ix_queue_entries_tenant_id_person_id"), table_name="queue_entries", schema="app")
    op.drop_table("queue_entries", schema="app")
    op.drop_table("service_types", schema="app")
