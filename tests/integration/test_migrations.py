"""The migrations are the only source of schema: they must match the models exactly (no drift), and
the app refuses to start against a schema at another revision."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from app.dbsetup import head_revision
from app.metadata import metadata


def _only_app_schema(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
    if type_ == "schema":
        return name == "app"
    return not (type_ == "table" and name == "alembic_version")


def test_models_and_migrations_do_not_drift(maint_engine: Engine) -> None:
    with maint_engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_schemas": True, "include_name": _only_app_schema, "compare_type": True},
        )
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_database_is_at_head(maint_engine: Engine) -> None:
    with maint_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table_schema": "app"})
        assert context.get_current_revision() == head_revision()


def test_app_refuses_a_schema_at_another_revision(settings) -> None:
    from app.db import make_async_engine
    from app.main import refuse_pending_migrations

    async def check() -> None:
        engine = make_async_engine(settings.runtime_url())
        try:
            await refuse_pending_migrations(engine)  # at head: fine
        finally:
            await engine.dispose()

    asyncio.run(check())

    import app.main as main_module

    original = main_module.head_revision
    main_module.head_revision = lambda: "9999_future"  # the code expects a newer schema
    try:
        with pytest.raises(RuntimeError, match="atbalsts migrate"):
            asyncio.run(check())
    finally:
        main_module.head_revision = original
