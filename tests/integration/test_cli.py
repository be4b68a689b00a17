"""The `atbalsts` command against the test database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Membership, User
from app.auth.passwords import verify_password
from app.cli import main
from app.db import sync_tenant_uow


@pytest.fixture
def cli_env(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REDIS_URL", settings.redis_url)


def test_bootstrap_and_migrate_are_idempotent(cli_env, capsys: pytest.CaptureFixture[str]) -> None:
    main(["bootstrap-db"])
    main(["migrate"])
    assert "database at head" in capsys.readouterr().out


def test_seed_and_create_user(cli_env, rw_sessions, capsys: pytest.CaptureFixture[str]) -> None:
    main(["seed", "--demo"])
    assert "demo-parole-2026" in capsys.readouterr().out
    main(["create-user", "ieva.liepa", "--name", "Ieva Liepa", "--password", "droša-parole-9",
          "--municipality", "valmiera", "--role", "case_manager"])  # fmt: skip
    with sync_tenant_uow(rw_sessions, None) as s:
        user = s.scalars(select(User).where(User.username == "ieva.liepa")).one()
        assert verify_password(user.password_hash, "droša-parole-9")
        s.info["user_id"] = user.id
    with sync_tenant_uow(rw_sessions, None, user_id=user.id) as s:
        roles = s.scalars(select(Membership.roles)).all()
    assert roles == [["case_manager"]]


def test_create_user_refuses_bad_input(cli_env) -> None:
    # The same account rules as the staff page (app/auth/rules.py): 12 characters at least.
    with pytest.raises(SystemExit, match="at least 12"):
        main(["create-user", "x.y", "--name", "X", "--password", "short-pass1"])
    with pytest.raises(SystemExit, match="username"):
        main(["create-user", "Ģirts Ķ", "--name", "X", "--password", "long-enough-12"])
    with pytest.raises(SystemExit, match="no municipality"):
        main(["create-user", "x.y", "--name", "X", "--password", "long-enough-1", "--municipality", "no"])
