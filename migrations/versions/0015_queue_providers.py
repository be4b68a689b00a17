"""a waiting list may be a provider's: queue entries name the provider register's registration

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_queue_entries_tenant_id_provider_id_provider_registrations"


def upgrade() -> None:
    op.create_foreign_key(
        FK,
        "queue_entries",
        "provider_registrations",
        ["tenant_id", "provider_id"],
        ["tenant_id", "id"],
        source_schema="app",
        referent_schema="app",
    )


def downgrade() -> None:
    op.drop_constraint(FK, "queue_entries", schema="app", type_="foreignkey")
