"""audit indexes: keyset pages of the change log and the access log, newest first

Every index leads with tenant_id (the RLS condition and the Citus distribution column) and ends with
(occurred_at, id): the audit viewer reads a page as a backward scan of one of them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_change_log_tenant_id_occurred_at_id"),
        "change_log",
        ["tenant_id", "occurred_at", "id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_change_log_tenant_id_actor_user_id_occurred_at_id"),
        "change_log",
        ["tenant_id", "actor_user_id", "occurred_at", "id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_access_log_tenant_id_occurred_at_id"),
        "access_log",
        ["tenant_id", "occurred_at", "id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_access_log_tenant_id_user_id_occurred_at_id"),
        "access_log",
        ["tenant_id", "user_id", "occurred_at", "id"],
        unique=False,
        schema="app",
    )
    # Replaces (tenant_id, person_id, occurred_at): with id last, a person's access history is a keyset
    # page too (entries of one transaction share occurred_at).
    op.create_index(
        op.f("ix_access_log_tenant_id_person_id_occurred_at_id"),
        "access_log",
        ["tenant_id", "person_id", "occurred_at", "id"],
        unique=False,
        schema="app",
    )
    op.drop_index(
        op.f("ix_access_log_tenant_id_person_id_occurred_at"), table_name="access_log", schema="app"
    )


def downgrade() -> None:
    op.create_index(
        op.f("ix_access_log_tenant_id_person_id_occurred_at"),
        "access_log",
        ["tenant_id", "person_id", "occurred_at"],
        unique=False,
        schema="app",
    )
    for name, table in (
        ("ix_access_log_tenant_id_person_id_occurred_at_id", "access_log"),
        ("ix_access_log_tenant_id_user_id_occurred_at_id", "access_log"),
        ("ix_access_log_tenant_id_occurred_at_id", "access_log"),
        ("ix_change_log_tenant_id_actor_user_id_occurred_at_id", "change_log"),
        ("ix_change_log_tenant_id_occurred_at_id", "change_log"),
    ):
        op.drop_index(op.f(name), table_name=table, schema="app")
