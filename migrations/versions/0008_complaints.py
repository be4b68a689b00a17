"""complaints, submissions and suggestions received by the social service

The new table is tenant-owned with RLS enabled and forced.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("status", "due_on"),
    ("assigned_to",),
    ("received_on",),
    ("person_id",),
)


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), server_default="in_person", nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("submitter_name", sa.String(length=200), nullable=True),
        sa.Column("submitter_contact", sa.String(length=300), nullable=True),
        sa.Column("assigned_to", sa.UUID(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="registered", nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by", sa.UUID(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.UUID(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('complaint', 'application', 'suggestion')", name=op.f("ck_complaints_kind")
        ),
        sa.CheckConstraint(
            "channel IN ('in_person', 'post', 'email', 'eservice')", name=op.f("ck_complaints_channel")
        ),
        sa.CheckConstraint(
            "status IN ('registered', 'assigned', 'answered', 'closed')", name=op.f("ck_complaints_status")
        ),
        sa.CheckConstraint("due_on >= received_on", name=op.f("ck_complaints_due")),
        sa.CheckConstraint("status <> 'answered' OR answer IS NOT NULL", name=op.f("ck_complaints_answered")),
        sa.CheckConstraint(
            "NOT anonymous OR (person_id IS NULL AND submitter_name IS NULL AND kind <> 'application')",
            name=op.f("ck_complaints_anonymous"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to"], ["app.users.id"], name=op.f("fk_complaints_assigned_to_users")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["app.users.id"], name=op.f("fk_complaints_answered_by_users")
        ),
        sa.ForeignKeyConstraint(["closed_by"], ["app.users.id"], name=op.f("fk_complaints_closed_by_users")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_complaints_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_complaints_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_complaints_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_complaints_tenant_id_number")),
        schema="app",
    )
    for columns in INDEXES:
        op.create_index(
            op.f(f"ix_complaints_tenant_id_{'_'.join(columns)}"),
            "complaints",
            ["tenant_id", *columns],
            unique=False,
            schema="app",
        )
    grant_runtime("complaints")
    enable_tenant_rls("complaints")


def downgrade() -> None:
    for columns in INDEXES:
        op.drop_index(
            op.f(f"ix_complaints_tenant_id_{'_'.join(columns)}"), table_name="complaints", schema="app"
        )
    op.drop_table("complaints", schema="app")
