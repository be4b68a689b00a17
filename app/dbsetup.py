"""Cluster and database set-up (`atbalsts bootstrap-db`) and migrations (`atbalsts migrate`).

Roles are cluster objects, so a superuser creates them once; everything inside the database comes from
the Alembic migrations, run as `app_migrator` acting as `app_owner`.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from app.config import ROOT, Settings

ROLES_SQL = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_owner') THEN
    CREATE ROLE app_owner NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_migrator') THEN
    CREATE ROLE app_migrator LOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_rw') THEN
    CREATE ROLE app_rw LOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_maint') THEN
    CREATE ROLE app_maint LOGIN BYPASSRLS;
  END IF;
END $$;
"""


def _conninfo(url: URL, database: str | None = None) -> str:
    """A libpq connection string from a SQLAlchemy URL (keeps `?host=/socket/dir`)."""
    u = url.set(drivername="postgresql")
    if database is not None:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


def bootstrap_roles(settings: Settings) -> None:
    admin = settings.admin_url()
    with psycopg.connect(_conninfo(admin, "postgres"), autocommit=True) as conn:
        conn.execute(ROLES_SQL)
        for role, password in (
            ("app_migrator", settings.migrator_db_password),
            ("app_rw", settings.app_db_password),
            ("app_maint", settings.maint_db_password),
        ):
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
            )
        conn.execute("ALTER ROLE app_rw NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE")
        conn.execute("GRANT app_owner TO app_migrator")


def create_database(settings: Settings, name: str | None = None) -> str:
    """Create the application database owned by `app_owner` if it does not exist; returns its name."""
    admin = settings.admin_url()
    name = name or admin.database or "atbalsts"
    with psycopg.connect(_conninfo(admin, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER app_owner").format(sql.Identifier(name)))
    with psycopg.connect(_conninfo(admin, name), autocommit=True) as conn:
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO app_migrator, app_rw, app_maint").format(
                sql.Identifier(name)
            )
        )
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    return name


def drop_database(settings: Settings, name: str) -> None:
    with psycopg.connect(_conninfo(settings.admin_url(), "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def bootstrap(settings: Settings) -> str:
    bootstrap_roles(settings)
    return create_database(settings)


def alembic_config(settings: Settings):
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = settings.migrator_url()
    return cfg


def migrate(settings: Settings, revision: str = "head") -> None:
    import logging

    from alembic import command

    logging.getLogger("alembic").setLevel(logging.WARNING)

    command.upgrade(alembic_config(settings), revision)


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(ROOT / "migrations")))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head
