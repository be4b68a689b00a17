"""Tenant isolation, proven against the real database as the runtime role (design §3)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, ProgrammingError

from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
from app.metadata import metadata
from tests.factories.rows import insert_row, tenant_tables

TENANT_TABLES = [t.name for t in tenant_tables()]


def test_every_tenant_table_has_forced_rls_and_a_policy(rw_engine: Engine) -> None:
    with rw_engine.connect() as conn:
        tables = conn.execute(
            text(
                """
                SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                       EXISTS (SELECT 1 FROM pg_policies p
                               WHERE p.schemaname = 'app' AND p.tablename = c.relname
                                 AND p.policyname = 'tenant_isolation' AND p.cmd = 'ALL'
                                 AND p.qual LIKE '%app.tenant_id%' AND p.with_check LIKE '%app.tenant_id%')
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p')
                  AND EXISTS (SELECT 1 FROM pg_attribute a
                              WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                """
            )
        ).all()
    assert {row[0] for row in tables} == set(TENANT_TABLES), "models and database disagree"
    for name, enabled, forced, has_policy in tables:
        assert enabled and forced and has_policy, (
            f"{name}: RLS enabled={enabled} forced={forced} policy={has_policy}"
        )


def test_runtime_role_cannot_bypass_rls_and_has_no_dangerous_privileges(rw_engine: Engine) -> None:
    with rw_engine.connect() as conn:
        role = conn.execute(
            text(
                "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
                "FROM pg_roles WHERE rolname = current_user"
            )
        ).one()
        assert tuple(role) == (False, False, False, False)
        owned = conn.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'app' AND tableowner = current_user")
        ).scalar()
        assert owned == 0
        dangerous = conn.execute(
            text(
                """
                SELECT table_name, privilege_type FROM information_schema.role_table_grants
                WHERE grantee = 'app_rw' AND table_schema = 'app'
                  AND privilege_type IN ('TRUNCATE', 'REFERENCES', 'TRIGGER')
                """
            )
        ).all()
        assert dangerous == []
        definers = conn.execute(
            text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'app' AND p.prosecdef"
            )
        ).all()
        assert definers == []
        unsafe_views = conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'app' AND c.relkind = 'v' "
                "AND NOT coalesce('security_invoker=true' = ANY(c.reloptions), false)"
            )
        ).all()
        assert unsafe_views == []


def _refused(session, statement) -> bool:
    """True when the statement changes nothing: zero rows, or an error (policy or missing privilege)."""
    try:
        with session.begin_nested():
            result = session.execute(statement)
            return result.rowcount == 0
    except (ProgrammingError, DBAPIError):
        return True


@pytest.mark.parametrize("table_name", TENANT_TABLES)
def test_one_tenant_cannot_touch_anothers_rows(
    table_name: str, rw_sessions, tenant_a: uuid.UUID, tenant_b: uuid.UUID
) -> None:
    table = metadata.tables[f"app.{table_name}"]
    key = next(c for c in table.primary_key.columns if c.name != "tenant_id")

    with sync_tenant_uow(rw_sessions, tenant_b) as s:
        b_row = insert_row(s.connection(), table, tenant_b)
    where = table.c[key.name] == b_row[key.name]

    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.execute(select(func.count()).select_from(table).where(where)).scalar() == 0
        assert s.execute(select(func.count()).select_from(table)).scalar() == 0
        assert _refused(s, update(table).where(where).values(tenant_id=tenant_a))
        assert _refused(s, delete(table).where(where))
        # Writing a row that claims tenant B while bound to A is refused by WITH CHECK.
        with pytest.raises(DBAPIError), s.begin_nested():
            insert_row(s.connection(), table, tenant_b)

    with sync_tenant_uow(rw_sessions, tenant_b) as s:
        assert s.execute(select(func.count()).select_from(table).where(where)).scalar() == 1


@pytest.mark.parametrize("table_name", TENANT_TABLES)
def test_no_tenant_sees_nothing_and_writes_nothing(table_name: str, rw_sessions, tenant_a: uuid.UUID) -> None:
    table = metadata.tables[f"app.{table_name}"]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        insert_row(s.connection(), table, tenant_a)
    with sync_tenant_uow(rw_sessions, None) as s:
        assert s.execute(select(func.count()).select_from(table)).scalar() == 0
        with pytest.raises(DBAPIError), s.begin_nested():
            insert_row(s.connection(), table, tenant_a)


def test_pooled_connection_does_not_carry_the_tenant(settings, tenant_a: uuid.UUID) -> None:
    engine = make_sync_engine(settings.runtime_url(), pool_size=1, max_overflow=0)
    factory = sync_session_factory(engine)
    persons = metadata.tables["app.persons"]
    try:
        with sync_tenant_uow(factory, tenant_a) as s:
            insert_row(s.connection(), persons, tenant_a)
            pid_a = s.execute(text("select pg_backend_pid()")).scalar()
            assert s.execute(select(func.count()).select_from(persons)).scalar() == 1
        with sync_tenant_uow(factory, None) as s:
            assert s.execute(text("select pg_backend_pid()")).scalar() == pid_a
            assert s.execute(select(func.count()).select_from(persons)).scalar() == 0
            assert s.execute(text("select current_setting('app.tenant_id', true)")).scalar() == ""
    finally:
        engine.dispose()


def test_tenant_survives_a_commit_in_the_middle_of_a_session(
    rw_sessions, tenant_a: uuid.UUID, tenant_b: uuid.UUID
) -> None:
    persons = metadata.tables["app.persons"]
    with sync_tenant_uow(rw_sessions, tenant_b) as s:
        insert_row(s.connection(), persons, tenant_b)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        insert_row(s.connection(), persons, tenant_a)
        s.commit()  # ends the transaction that bound the tenant; the hook binds it again
        assert s.execute(select(func.count()).select_from(persons)).scalar() == 1
        assert s.execute(select(persons.c.tenant_id)).scalar() == tenant_a


def test_a_user_reads_their_own_memberships_across_tenants_and_no_one_elses(
    rw_sessions, tenant_a: uuid.UUID, tenant_b: uuid.UUID
) -> None:
    memberships = metadata.tables["app.memberships"]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        mine = insert_row(s.connection(), memberships, tenant_a)
        insert_row(s.connection(), memberships, tenant_a)  # another user's
    with sync_tenant_uow(rw_sessions, tenant_b) as s:
        insert_row(s.connection(), memberships, tenant_b, user_id=mine["user_id"])
    with sync_tenant_uow(rw_sessions, None, user_id=mine["user_id"]) as s:
        rows = s.execute(select(memberships.c.tenant_id)).scalars().all()
        assert sorted(rows) == sorted([tenant_a, tenant_b])
        # Reading is all: the user cannot change a membership without the tenant bound.
        assert _refused(s, delete(memberships).where(memberships.c.user_id == mine["user_id"]))
