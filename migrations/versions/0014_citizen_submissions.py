"""what citizens send through the e-services: files attached to complaints, and the signed-in person who
submitted a provider application (so they can follow and update it)

The new table is tenant-owned with RLS enabled and forced.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaint_attachments",
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_complaint_attachments_size")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "complaint_id"],
            ["app.complaints.tenant_id", "app.complaints.id"],
            name=op.f("fk_complaint_attachments_tenant_id_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_complaint_attachments_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_complaint_attachments")),
        sa.UniqueConstraint(
            "tenant_id",
            "complaint_id",
            "position",
            name=op.f("uq_complaint_attachments_tenant_id_complaint_id_position"),
        ),
        schema="app",
    )
    grant_runtime("complaint_attachments")
    enable_tenant_rls("complaint_attachments")
    op.add_column(
        "provider_registrations",
        sa.Column("applicant_code", sa.String(length=11), nullable=True),
        schema="app",
    )
    op.create_index(
        op.f("ix_provider_registrations_tenant_id_applicant_code"),
        "provider_registrations",
        ["tenant_id", "applicant_code"],
        unique=False,
        schema="app",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_provider_registrations_tenant_id_applicant_code"),
        table_name="provider_registrations",
        schema="app",
    )
    op.drop_column("provider_registrations", "applicant_code", schema="app")
    op.drop_table("complaint_attachments", schema="app")
