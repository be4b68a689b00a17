"""service events: a person's case of a service (request → … → settlement) and its deliveries; the steps
and required documents of each service type

Both new tables are tenant-owned with RLS enabled and forced.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("service_events", "service_deliveries")


def upgrade() -> None:
    op.create_table(
        "service_events",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("service_type_id", sa.UUID(), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("step", sa.String(length=20), server_default="requested", nullable=False),
        sa.Column("documents", sa.ARRAY(sa.String(length=50)), server_default="{}", nullable=False),
        sa.Column("assessment", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("units_granted", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("co_payment_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("needy", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("provider_name", sa.String(length=300), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('granted', 'refused')", name=op.f("ck_service_events_outcome")
        ),
        sa.CheckConstraint(
            "step IN ('requested', 'assessment', 'decision', 'referral', 'delivery', 'settlement')",
            name=op.f("ck_service_events_step"),
        ),
        sa.CheckConstraint(
            "co_payment_percent IS NULL OR (co_payment_percent >= 0 AND co_payment_percent <= 100)",
            name=op.f("ck_service_events_co_payment"),
        ),
        sa.CheckConstraint("outcome IS NULL OR reasons IS NOT NULL", name=op.f("ck_service_events_reasons")),
        sa.CheckConstraint(
            "units_granted IS NULL OR units_granted > 0", name=op.f("ck_service_events_units_granted")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_service_events_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_service_events_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_type_id"],
            ["app.service_types.tenant_id", "app.service_types.id"],
            name=op.f("fk_service_events_tenant_id_service_type_id_service_types"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_service_events_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_events")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_service_events_tenant_id_number")),
        schema="app",
    )
    op.create_index(
        op.f("ix_service_events_tenant_id_person_id"),
        "service_events",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_service_events_tenant_id_service_type_id_completed_at"),
        "service_events",
        ["tenant_id", "service_type_id", "completed_at"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "service_deliveries",
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("units", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("units > 0", name=op.f("ck_service_deliveries_units")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app.users.id"], name=op.f("fk_service_deliveries_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["app.service_events.tenant_id", "app.service_events.id"],
            name=op.f("fk_service_deliveries_tenant_id_event_id_service_events"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_service_deliveries_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_deliveries")),
        schema="app",
    )
    op.create_index(
        op.f("ix_service_deliveries_tenant_id_event_id_day"),
        "service_deliveries",
        ["tenant_id", "event_id", "day"],
        unique=False,
        schema="app",
    )
    op.add_column(
        "service_types",
        sa.Column(
            "steps",
            sa.ARRAY(sa.String(length=20)),
            server_default="{requested,assessment,decision,delivery,settlement}",
            nullable=False,
        ),
        schema="app",
    )
    op.add_column(
        "service_types",
        sa.Column("documents", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        schema="app",
    )
    for table in TABLES:
        grant_runtime(table)
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_column("service_types", "documents", schema="app")
    op.drop_column("service_types", "steps", schema="app")
    op.drop_index(
        op.f("ix_service_deliveries_tenant_id_event_id_day"), table_name="service_deliveries", schema="app"
    )
    op.drop_table("service_deliveries", schema="app")
    op.drop_index(
        op.f("ix_service_events_tenant_id_service_type_id_completed_at"),
        table_name="service_events",
        schema="app",
    )
    op.drop_index(op.f("ix_service_events_tenant_id_person_id"), table_name="service_events", schema="app")
    op.drop_table("service_events", schema="app")
