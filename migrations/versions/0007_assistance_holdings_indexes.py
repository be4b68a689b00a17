"""indexes for the overlap check of decisions: grants by household, statuses by declaration

Without them every decision read all the municipality's grants and statuses (a sequential scan that grows
with the years of grants kept); see benchmarks/README.md, "Applications and decisions".

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_benefit_grants_tenant_id_household_id"),
        "benefit_grants",
        ["tenant_id", "household_id"],
        schema="app",
    )
    op.create_index(
        op.f("ix_assistance_statuses_tenant_id_declaration_id"),
        "assistance_statuses",
        ["tenant_id", "declaration_id"],
        schema="app",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_assistance_statuses_tenant_id_declaration_id"),
        table_name="assistance_statuses",
        schema="app",
    )
    op.drop_index(op.f("ix_benefit_grants_tenant_id_household_id"), table_name="benefit_grants", schema="app")
