"""assistant service (MK 316): grants, assistants and monthly reports

A grant is a person's request with its assessment (the facts and the explanation of the hours) and its
decision (granted for at most 3 years, or refused); assistants work on a grant for periods under an
agreement; each reports the hours of a month, accepted with the pay (at the national hourly rate of the
month, 0017) or rejected.
All four tables are tenant-owned with RLS enabled and forced.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("assistant_grants", "assistants", "assistant_assignments", "assistant_reports")


def upgrade() -> None:
    op.create_table(
        "assistant_grants",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("purposes", sa.ARRAY(sa.String(length=30)), server_default="{}", nullable=False),
        sa.Column("higher_intensity", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("procedures", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("special_care_opinion", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("limitation", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("disability_group", sa.Integer(), nullable=True),
        sa.Column("assessed_hours", sa.Numeric(precision=6, scale=2), server_default="0", nullable=False),
        sa.Column(
            "explanation", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("refusals", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="requested", nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("monthly_hours", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "(status = 'granted') = "
            "(valid_from IS NOT NULL AND valid_to IS NOT NULL AND monthly_hours IS NOT NULL)",
            name=op.f("ck_assistant_grants_granted"),
        ),
        sa.CheckConstraint(
            "status = 'requested' OR (reasons IS NOT NULL AND decided_on IS NOT NULL)",
            name=op.f("ck_assistant_grants_decided"),
        ),
        sa.CheckConstraint(
            "status IN ('requested', 'granted', 'refused')", name=op.f("ck_assistant_grants_status")
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to < valid_from + interval '3 years'",
            name=op.f("ck_assistant_grants_three_years"),
        ),
        sa.CheckConstraint("assessed_hours >= 0", name=op.f("ck_assistant_grants_assessed_hours")),
        sa.CheckConstraint(
            "monthly_hours IS NULL OR monthly_hours > 0", name=op.f("ck_assistant_grants_monthly_hours")
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_assistant_grants_period")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_assistant_grants_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["app.users.id"], name=op.f("fk_assistant_grants_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_assistant_grants_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_assistant_grants_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_assistant_grants")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_assistant_grants_tenant_id_number")),
        schema="app",
    )
    op.create_index(
        "ix_assistant_grants_one_request",
        "assistant_grants",
        ["tenant_id", "person_id"],
        unique=True,
        schema="app",
        postgresql_where=sa.text("status = 'requested'"),
    )
    op.create_index(
        op.f("ix_assistant_grants_tenant_id_person_id"),
        "assistant_grants",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_assistant_grants_tenant_id_status_valid_to"),
        "assistant_grants",
        ["tenant_id", "status", "valid_to"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "assistants",
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("personal_code", sa.String(length=12), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_assistants_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_assistants_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_assistants")),
        sa.UniqueConstraint("tenant_id", "personal_code", name=op.f("uq_assistants_tenant_id_personal_code")),
        schema="app",
    )
    op.create_table(
        "assistant_assignments",
        sa.Column("grant_id", sa.UUID(), nullable=False),
        sa.Column("assistant_id", sa.UUID(), nullable=False),
        sa.Column("agreement_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_assistant_assignments_period")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_assistant_assignments_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "assistant_id"],
            ["app.assistants.tenant_id", "app.assistants.id"],
            name=op.f("fk_assistant_assignments_tenant_id_assistant_id_assistants"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "grant_id"],
            ["app.assistant_grants.tenant_id", "app.assistant_grants.id"],
            name=op.f("fk_assistant_assignments_tenant_id_grant_id_assistant_grants"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_assistant_assignments_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_assistant_assignments")),
        schema="app",
    )
    op.create_index(
        op.f("ix_assistant_assignments_tenant_id_assistant_id"),
        "assistant_assignments",
        ["tenant_id", "assistant_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_assistant_assignments_tenant_id_grant_id"),
        "assistant_assignments",
        ["tenant_id", "grant_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "assistant_reports",
        sa.Column("grant_id", sa.UUID(), nullable=False),
        sa.Column("assistant_id", sa.UUID(), nullable=False),
        sa.Column("assignment_id", sa.UUID(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="submitted", nullable=False),
        sa.Column("accepted_hours", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("hourly_rate", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("pay", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("pay_explanation", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("submitted_by", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "(status = 'accepted') = "
            "(accepted_hours IS NOT NULL AND hourly_rate IS NOT NULL AND pay IS NOT NULL)",
            name=op.f("ck_assistant_reports_accepted"),
        ),
        sa.CheckConstraint(
            "status <> 'rejected' OR reason IS NOT NULL", name=op.f("ck_assistant_reports_rejected")
        ),
        sa.CheckConstraint(
            "status IN ('submitted', 'accepted', 'rejected')", name=op.f("ck_assistant_reports_status")
        ),
        sa.CheckConstraint(
            "accepted_hours IS NULL OR (accepted_hours > 0 AND accepted_hours <= hours)",
            name=op.f("ck_assistant_reports_accepted_hours"),
        ),
        sa.CheckConstraint("extract(day from month) = 1", name=op.f("ck_assistant_reports_month")),
        sa.CheckConstraint("hours > 0", name=op.f("ck_assistant_reports_hours")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["app.users.id"], name=op.f("fk_assistant_reports_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["app.users.id"], name=op.f("fk_assistant_reports_submitted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "assignment_id"],
            ["app.assistant_assignments.tenant_id", "app.assistant_assignments.id"],
            name=op.f("fk_assistant_reports_tenant_id_assignment_id_assistant_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "assistant_id"],
            ["app.assistants.tenant_id", "app.assistants.id"],
            name=op.f("fk_assistant_reports_tenant_id_assistant_id_assistants"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "grant_id"],
            ["app.assistant_grants.tenant_id", "app.assistant_grants.id"],
            name=op.f("fk_assistant_reports_tenant_id_grant_id_assistant_grants"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_assistant_reports_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_assistant_reports")),
        sa.UniqueConstraint(
            "tenant_id",
            "grant_id",
            "assistant_id",
            "month",
            name=op.f("uq_assistant_reports_tenant_id_grant_id_assistant_id_month"),
        ),
        schema="app",
    )
    op.create_index(
        op.f("ix_assistant_reports_tenant_id_grant_id_month"),
        "assistant_reports",
        ["tenant_id", "grant_id", "month"],
        unique=False,
        schema="app",
    )

    for table in TABLES:
        grant_runtime(table)
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table, schema="app")
