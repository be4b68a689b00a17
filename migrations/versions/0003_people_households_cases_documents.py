"""people, households, cases, documents: the client register and the electronic case file

Every new table is tenant-owned with RLS enabled and forced; children point at their parents through
composite (tenant_id, …) foreign keys. The normalised search keys use collation "C", so a name or address
prefix is a plain byte range of a btree index (a leakproof condition under RLS, design §4).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:18:32.585777
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.rls import enable_tenant_rls, grant_runtime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = (
    "households",
    "household_members",
    "relationships",
    "person_addresses",
    "person_flags",
    "former_personal_codes",
    "import_jobs",
    "number_sequences",
    "cases",
    "case_assignments",
    "case_entries",
    "documents",
    "document_contents",
    "document_register",
)


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_households_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_households")),
        schema="app",
    )
    op.create_table(
        "import_jobs",
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("dry_run", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="queued", nullable=False),
        sa.Column("total_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("processed_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("errors", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_import_jobs_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_import_jobs_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_import_jobs")),
        schema="app",
    )
    op.create_index(
        op.f("ix_import_jobs_tenant_id_created_at"),
        "import_jobs",
        ["tenant_id", "created_at"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "number_sequences",
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_number_sequences_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_number_sequences")),
        sa.UniqueConstraint(
            "tenant_id", "name", "year", name=op.f("uq_number_sequences_tenant_id_name_year")
        ),
        schema="app",
    )
    op.create_table(
        "cases",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("household_id", sa.UUID(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("case_types", postgresql.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column("responsible_user_id", sa.UUID(), nullable=True),
        sa.Column("sensitive", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.String(length=300), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("(person_id IS NULL) <> (household_id IS NULL)", name=op.f("ck_cases_one_client")),
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name=op.f("ck_cases_period")),
        sa.ForeignKeyConstraint(
            ["responsible_user_id"], ["app.users.id"], name=op.f("fk_cases_responsible_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "household_id"],
            ["app.households.tenant_id", "app.households.id"],
            name=op.f("fk_cases_tenant_id_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_cases_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["app.tenants.id"], name=op.f("fk_cases_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_cases")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_cases_tenant_id_number")),
        schema="app",
    )
    op.create_index(
        op.f("ix_cases_tenant_id_household_id"),
        "cases",
        ["tenant_id", "household_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_cases_tenant_id_person_id"), "cases", ["tenant_id", "person_id"], unique=False, schema="app"
    )
    op.create_index(
        op.f("ix_cases_tenant_id_responsible_user_id"),
        "cases",
        ["tenant_id", "responsible_user_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "former_personal_codes",
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("replaced_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_former_personal_codes_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_former_personal_codes_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_former_personal_codes")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_former_personal_codes_tenant_id_code")),
        schema="app",
    )
    op.create_table(
        "household_members",
        sa.Column("household_id", sa.UUID(), nullable=False),
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on", name=op.f("ck_household_members_period")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "household_id"],
            ["app.households.tenant_id", "app.households.id"],
            name=op.f("fk_household_members_tenant_id_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_household_members_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_household_members_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_household_members")),
        schema="app",
    )
    op.create_index(
        op.f("ix_household_members_tenant_id_household_id"),
        "household_members",
        ["tenant_id", "household_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_household_members_tenant_id_person_id"),
        "household_members",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "person_addresses",
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("line", sa.String(length=200), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("atvk", sa.String(length=7), nullable=True),
        sa.Column("address_norm", sa.String(length=310, collation="C"), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_person_addresses_period")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_person_addresses_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_person_addresses_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_person_addresses")),
        schema="app",
    )
    op.create_index(
        op.f("ix_person_addresses_tenant_id_address_norm"),
        "person_addresses",
        ["tenant_id", "address_norm"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_person_addresses_tenant_id_person_id"),
        "person_addresses",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "person_flags",
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=50), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_person_flags_period")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_person_flags_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_person_flags_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_person_flags")),
        schema="app",
    )
    op.create_index(
        op.f("ix_person_flags_tenant_id_person_id"),
        "person_flags",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "relationships",
        sa.Column("person_id", sa.UUID(), nullable=False),
        sa.Column("related_person_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("person_id <> related_person_id", name=op.f("ck_relationships_not_self")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_relationships_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "related_person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_relationships_tenant_id_related_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_relationships_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_relationships")),
        sa.UniqueConstraint(
            "tenant_id",
            "person_id",
            "related_person_id",
            "kind",
            name=op.f("uq_relationships_tenant_id_person_id_related_person_id_kind"),
        ),
        schema="app",
    )
    op.create_table(
        "case_assignments",
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["app.cases.tenant_id", "app.cases.id"],
            name=op.f("fk_case_assignments_tenant_id_case_id_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_case_assignments_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app.users.id"], name=op.f("fk_case_assignments_user_id_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_case_assignments")),
        sa.UniqueConstraint(
            "tenant_id", "case_id", "user_id", name=op.f("uq_case_assignments_tenant_id_case_id_user_id")
        ),
        schema="app",
    )
    op.create_index(
        op.f("ix_case_assignments_tenant_id_user_id"),
        "case_assignments",
        ["tenant_id", "user_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "case_entries",
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("staff_user_id", sa.UUID(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "duration_minutes IS NULL OR duration_minutes BETWEEN 0 AND 1440",
            name=op.f("ck_case_entries_duration"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_case_entries_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["app.users.id"], name=op.f("fk_case_entries_staff_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["app.cases.tenant_id", "app.cases.id"],
            name=op.f("fk_case_entries_tenant_id_case_id_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_case_entries_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_case_entries")),
        schema="app",
    )
    op.create_index(
        op.f("ix_case_entries_tenant_id_case_id_occurred_on_id"),
        "case_entries",
        ["tenant_id", "case_id", "occurred_on", "id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_case_entries_tenant_id_staff_user_id_occurred_on"),
        "case_entries",
        ["tenant_id", "staff_user_id", "occurred_on"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "documents",
        sa.Column("case_id", sa.UUID(), nullable=True),
        sa.Column("person_id", sa.UUID(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_documents_size")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["app.cases.tenant_id", "app.cases.id"],
            name=op.f("fk_documents_tenant_id_case_id_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "person_id"],
            ["app.persons.tenant_id", "app.persons.id"],
            name=op.f("fk_documents_tenant_id_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_documents_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["app.users.id"], name=op.f("fk_documents_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_documents")),
        schema="app",
    )
    op.create_index(
        op.f("ix_documents_tenant_id_case_id"),
        "documents",
        ["tenant_id", "case_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_documents_tenant_id_person_id"),
        "documents",
        ["tenant_id", "person_id"],
        unique=False,
        schema="app",
    )
    op.create_table(
        "document_contents",
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "id"],
            ["app.documents.tenant_id", "app.documents.id"],
            name=op.f("fk_document_contents_tenant_id_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_document_contents_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_document_contents")),
        schema="app",
    )
    op.create_table(
        "document_register",
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("correspondent", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("case_id", sa.UUID(), nullable=True),
        sa.Column("document_id", sa.UUID(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_document_register_direction")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app.users.id"], name=op.f("fk_document_register_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["app.cases.tenant_id", "app.cases.id"],
            name=op.f("fk_document_register_tenant_id_case_id_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id"],
            ["app.documents.tenant_id", "app.documents.id"],
            name=op.f("fk_document_register_tenant_id_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["app.tenants.id"], name=op.f("fk_document_register_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_document_register")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_document_register_tenant_id_number")),
        schema="app",
    )
    op.create_index(
        op.f("ix_document_register_tenant_id_case_id"),
        "document_register",
        ["tenant_id", "case_id"],
        unique=False,
        schema="app",
    )
    op.create_index(
        op.f("ix_document_register_tenant_id_registered_on_id"),
        "document_register",
        ["tenant_id", "registered_on", "id"],
        unique=False,
        schema="app",
    )
    op.add_column("persons", sa.Column("other_id_kind", sa.String(length=20), nullable=True), schema="app")
    op.add_column("persons", sa.Column("other_id", sa.String(length=40), nullable=True), schema="app")
    op.add_column("persons", sa.Column("citizenship", sa.String(length=3), nullable=True), schema="app")
    op.add_column("persons", sa.Column("legal_status", sa.String(length=30), nullable=True), schema="app")
    op.add_column(
        "persons",
        sa.Column("preferred_language", sa.String(length=2), server_default="lv", nullable=False),
        schema="app",
    )
    op.add_column("persons", sa.Column("phone", sa.String(length=30), nullable=True), schema="app")
    op.add_column("persons", sa.Column("email", sa.String(length=254), nullable=True), schema="app")
    op.add_column("persons", sa.Column("died_on", sa.Date(), nullable=True), schema="app")
    op.add_column("persons", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True), schema="app")
    op.add_column(
        "persons", sa.Column("version", sa.Integer(), server_default="1", nullable=False), schema="app"
    )
    op.create_unique_constraint(
        op.f("uq_persons_tenant_id_other_id_kind_other_id"),
        "persons",
        ["tenant_id", "other_id_kind", "other_id"],
        schema="app",
    )
    op.alter_column("persons", "name_norm", type_=sa.String(length=201, collation="C"), schema="app")
    for table in TABLES:
        grant_runtime(table)
        enable_tenant_rls(table)


def downgrade() -> None:
    op.drop_constraint(
        op.f("uq_persons_tenant_id_other_id_kind_other_id"), "persons", schema="app", type_="unique"
    )
    op.drop_column("persons", "version", schema="app")
    op.drop_column("persons", "updated_at", schema="app")
    op.drop_column("persons", "died_on", schema="app")
    op.drop_column("persons", "email", schema="app")
    op.drop_column("persons", "phone", schema="app")
    op.drop_column("persons", "preferred_language", schema="app")
    op.drop_column("persons", "legal_status", schema="app")
    op.drop_column("persons", "citizenship", schema="app")
    op.drop_column("persons", "other_id", schema="app")
    op.drop_column("persons", "other_id_kind", schema="app")
    op.alter_column("persons", "name_norm", type_=sa.String(length=201), schema="app")
    op.drop_index(
        op.f("ix_document_register_tenant_id_registered_on_id"), table_name="document_register", schema="app"
    )
    op.drop_index(
        op.f("ix_document_register_tenant_id_case_id"), table_name="document_register", schema="app"
    )
    op.drop_table("document_register", schema="app")
    op.drop_table("document_contents", schema="app")
    op.drop_index(op.f("ix_documents_tenant_id_person_id"), table_name="documents", schema="app")
    op.drop_index(op.f("ix_documents_tenant_id_case_id"), table_name="documents", schema="app")
    op.drop_table("documents", schema="app")
    op.drop_index(
        op.f("ix_case_entries_tenant_id_staff_user_id_occurred_on"), table_name="case_entries", schema="app"
    )
    op.drop_index(
        op.f("ix_case_entries_tenant_id_case_id_occurred_on_id"), table_name="case_entries", schema="app"
    )
    op.drop_table("case_entries", schema="app")
    op.drop_index(op.f("ix_case_assignments_tenant_id_user_id"), table_name="case_assignments", schema="app")
    op.drop_table("case_assignments", schema="app")
    op.drop_table("relationships", schema="app")
    op.drop_index(op.f("ix_person_flags_tenant_id_person_id"), table_name="person_flags", schema="app")
    op.drop_table("person_flags", schema="app")
    op.drop_index(
        op.f("ix_person_addresses_tenant_id_person_id"), table_name="person_addresses", schema="app"
    )
    op.drop_index(
        op.f("ix_person_addresses_tenant_id_address_norm"), table_name="person_addresses", schema="app"
    )
    op.drop_table("person_addresses", schema="app")
    op.drop_index(
        op.f("ix_household_members_tenant_id_person_id"), table_name="household_members", schema="app"
    )
    op.drop_index(
        op.f("ix_household_members_tenant_id_household_id"), table_name="household_members", schema="app"
    )
    op.drop_table("household_members", schema="app")
    op.drop_table("former_personal_codes", schema="app")
    op.drop_index(op.f("ix_cases_tenant_id_responsible_user_id"), table_name="cases", schema="app")
    op.drop_index(op.f("ix_cases_tenant_id_person_id"), table_name="cases", schema="app")
    op.drop_index(op.f("ix_cases_tenant_id_household_id"), table_name="cases", schema="app")
    op.drop_table("cases", schema="app")
    op.drop_table("number_sequences", schema="app")
    op.drop_index(op.f("ix_import_jobs_tenant_id_created_at"), table_name="import_jobs", schema="app")
    op.drop_table("import_jobs", schema="app")
    op.drop_table("households", schema="app")
