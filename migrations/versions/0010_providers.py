"""register of social service providers (MK 385)

The new table is tenant-owned with RLS enabled and forced: each municipality keeps the provider
applications it receives and decides. The public search reads registered rows through the maintenance
role in a read-only transaction (app/domains/providers/queries.py).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "provider_registrations"
INDEXES = (
    ("status", "valid_until"),
    ("provider_code",),
    ("renews_id",),
)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("provider_name", sa.String(length=200), nullable=False),
        sa.Column("provider_kind", sa.String(length=20), nullable=False),
        sa.Column("provider_code", sa.String(length=20), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("service_types", postgresql.ARRAY(sa.String(length=200)), nullable=False),
        sa.Column("addresses", postgresql.ARRAY(sa.String(length=300)), nullable=False),
        sa.Column("documents", sa.Text(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="submitted", nullable=False),
        sa.Column("reviewer_id", sa.UUID(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("excluded_on", sa.Date(), nullable=True),
        sa.Column("renews_id", sa.UUID(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "provider_kind IN ('state', 'municipal', 'legal_person', 'natural_person')",
            name=op.f("ck_provider_registrations_provider_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('submitted', 'under_review', 'registered', 'refused', 'excluded', 'renewed')",
            name=op.f("ck_provider_registrations_status"),
        ),
        sa.CheckConstraint(
            "cardinality(service_types) > 0 AND cardinality(addresses) > 0",
            name=op.f("ck_provider_registrations_scope"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('registered', 'excluded', 'renewed') "
            "OR (valid_from IS NOT NULL AND valid_until IS NOT NULL AND decided_on IS NOT NULL)",
            name=op.f("ck_provider_registrations_registered"),
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until > valid_from", name=op.f("ck_provider_registrations_validity")
        ),
        sa.CheckConstraint(
            "status <> 'refused' OR decision_reason IS NOT NULL",
            name=op.f("ck_provider_registrations_refused"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["app.users.id"], name=op.f("fk_provider_registrations_reviewer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["app.users.id"], name=op.f("fk_provider_registrations_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_provider_registrations_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "renews_id"],
            ["app.provider_registrations.tenant_id", "app.provider_registrations.id"],
            name=op.f("fk_provider_registrations_tenant_id_renews_id_provider_registrations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_provider_registrations_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_provider_registrations")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_provider_registrations_tenant_id_number")),
        schema="app",
    )
    for columns in INDEXES:
        op.create_index(
            op.f(f"ix_{TABLE}_tenant_id_{'_'.join(columns)}"),
            TABLE,
            ["tenant_id", *columns],
            unique=False,
            schema="app",
        )
    grant_runtime(TABLE)
    enable_tenant_rls(TABLE)


def downgrade() -> None:
    for columns in INDEXES:
        op.drop_index(op.f(f"ix_{TABLE}_tenant_id_{'_'.join(columns)}"), table_name=TABLE, schema="app")
    op.drop_table(TABLE, schema="app")
