"""service prices by date: a service's new price from a day on, until the next one's day

`service_types.price` stays the price from the service's own first day; each row here is a new price from
its `valid_from`. Settlements price each delivery at the price in force on its day, so a price change no
longer needs a new service. The table is tenant-owned with RLS enabled and forced.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "service_prices"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("service_type_id", sa.UUID(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_service_prices_price")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_service_prices_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_type_id"],
            ["app.service_types.tenant_id", "app.service_types.id"],
            name=op.f("fk_service_prices_tenant_id_service_type_id_service_types"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_service_prices_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_prices")),
        sa.UniqueConstraint(
            "tenant_id",
            "service_type_id",
            "valid_from",
            name=op.f("uq_service_prices_tenant_id_service_type_id_valid_from"),
        ),
        schema="app",
    )
    grant_runtime(TABLE)
    enable_tenant_rls(TABLE)


def downgrade() -> None:
    op.drop_table(TABLE, schema="app")
