"""Helpers every migration uses for tenant tables and grants (design §3)."""

from __future__ import annotations

from alembic import op

TENANT_EXPR = "nullif(current_setting('app.tenant_id', true), '')::uuid"


def enable_tenant_rls(table: str) -> None:
    """ENABLE and FORCE row-level security with the one tenant policy for all commands.

    The `nullif` matters: after a transaction-local setting ends the value reads '' and ''::uuid fails."""
    op.execute(f"ALTER TABLE app.{table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE app.{table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON app.{table} "
        f"USING (tenant_id = {TENANT_EXPR}) WITH CHECK (tenant_id = {TENANT_EXPR})"
    )


def grant_runtime(table: str, privileges: str = "SELECT, INSERT, UPDATE, DELETE") -> None:
    """The app role gets only the DML it needs: never TRUNCATE, never REFERENCES."""
    op.execute(f"GRANT {privileges} ON app.{table} TO app_rw")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON app.{table} TO app_maint")
