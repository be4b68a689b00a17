"""partner API clients (OAuth2 client credentials) bound to municipalities, with scopes

`api_clients` and `api_client_tenants` are national: the runtime role reads them to authenticate a client
and build its principal, and may not write them (the platform administrator manages clients with
`atbalsts api-client`, as the maintenance role). The change log names the API client that acted
(`actor_client_id`), as it names the staff member (`actor_user_id`).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.rls import grant_runtime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "scopes", postgresql.ARRAY(sa.String(length=50)), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_clients_client_id")),
        schema="app",
    )
    op.create_table(
        "api_client_tenants",
        sa.Column("api_client_id", sa.UUID(), nullable=False),
        sa.Column("municipality_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_client_id"],
            ["app.api_clients.id"],
            name=op.f("fk_api_client_tenants_api_client_id_api_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["app.tenants.id"],
            name=op.f("fk_api_client_tenants_municipality_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("api_client_id", "municipality_id", name=op.f("pk_api_client_tenants")),
        schema="app",
    )
    op.add_column("change_log", sa.Column("actor_client_id", sa.UUID(), nullable=True), schema="app")
    # Read-only for the app role: it authenticates clients, it never creates, rotates or disables one.
    for table in ("api_clients", "api_client_tenants"):
        grant_runtime(table, "SELECT")


def downgrade() -> None:
    op.drop_column("change_log", "actor_client_id", schema="app")
    op.drop_table("api_client_tenants", schema="app")
    op.drop_table("api_clients", schema="app")
