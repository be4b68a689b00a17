"""Alembic environment: runs as `app_migrator`, creating every object as `app_owner`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from app.db import make_sync_engine
from app.metadata import metadata

config = context.config


def run_migrations_online() -> None:
    url = config.attributes.get("database_url")
    if url is None:
        from app.config import load_settings

        url = load_settings().migrator_url()
    engine = make_sync_engine(url)
    with engine.connect() as connection:
        connection.execute(text("SET ROLE app_owner"))
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS app"))
        connection.commit()
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema="app",
            include_schemas=True,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()


run_migrations_online()
