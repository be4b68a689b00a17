"""`atbalsts api-client`: the platform administrator creates a partner's client (the secret printed once,
only its hash stored), lists, rotates and disables clients; each act is in the change log of every
municipality the client acts for."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit.models import ChangeLog
from app.auth.api_clients import secret_matches
from app.auth.models import ApiClient
from app.cli import main
from app.db import sync_tenant_uow
from tests.factories.api_clients import slug_of


@pytest.fixture
def cli_env(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REDIS_URL", settings.redis_url)


def _issued(out: str) -> tuple[str, str]:
    client_id = re.search(r"client_id:\s+(\S+)", out)
    secret = re.search(r"client_secret:\s+(\S+)", out)
    assert client_id and secret, out
    return client_id.group(1), secret.group(1)


def _client(rw_sessions, client_id: str) -> ApiClient:
    with sync_tenant_uow(rw_sessions, None) as s:
        return s.scalars(select(ApiClient).where(ApiClient.client_id == client_id)).one()


def _actions(rw_sessions, tenant) -> list[str]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        return list(
            s.scalars(
                select(ChangeLog.action)
                .where(ChangeLog.entity_type == "api_client")
                .order_by(ChangeLog.occurred_at, ChangeLog.id)
            )
        )


def test_create_list_rotate_disable(
    cli_env, maint_engine, rw_sessions, tenant_a, tenant_b, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = slug_of(maint_engine, tenant_a), slug_of(maint_engine, tenant_b)
    main(["api-client", "create", "--name", "VID  nodokļu  administrācija", "--scope", "statuses:read",
          "--tenant", a, "--tenant", b])  # fmt: skip
    client_id, secret = _issued(capsys.readouterr().out)
    stored = _client(rw_sessions, client_id)
    assert stored.name == "VID nodokļu administrācija" and stored.scopes == ["statuses:read"]
    assert secret not in stored.secret_hash and secret_matches(stored.secret_hash, secret)
    assert stored.is_active and stored.rotated_at is None

    main(["api-client", "list"])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(client_id))
    assert "VID nodokļu administrācija" in line and "statuses:read" in line and "active" in line
    assert sorted(line.split("municipalities=")[1].split()[0].split(",")) == sorted([a, b])
    assert secret not in line

    main(["api-client", "rotate", client_id])
    same_id, new_secret = _issued(capsys.readouterr().out)
    rotated = _client(rw_sessions, client_id)
    assert same_id == client_id and new_secret != secret
    assert secret_matches(rotated.secret_hash, new_secret) and not secret_matches(rotated.secret_hash, secret)
    assert rotated.rotated_at is not None

    main(["api-client", "disable", client_id])
    assert "disabled" in capsys.readouterr().out
    assert not _client(rw_sessions, client_id).is_active
    main(["api-client", "list"])
    assert "disabled" in next(x for x in capsys.readouterr().out.splitlines() if x.startswith(client_id))

    expected = ["admin:api-client:grant", "admin:api-client:rotate", "admin:api-client:disable"]
    assert _actions(rw_sessions, tenant_a) == expected
    assert _actions(rw_sessions, tenant_b) == expected


def test_create_refuses_bad_input(cli_env, maint_engine, tenant_a) -> None:
    a = slug_of(maint_engine, tenant_a)
    with pytest.raises(SystemExit, match="scope"):
        main(["api-client", "create", "--name", "X", "--scope", "cases:write", "--tenant", a])
    with pytest.raises(SystemExit, match="scope"):
        main(["api-client", "create", "--name", "X", "--tenant", a])
    with pytest.raises(SystemExit, match="tenant"):
        main(["api-client", "create", "--name", "X", "--scope", "statuses:read", "--tenant", "nav-tadas"])
    with pytest.raises(SystemExit, match="tenant"):
        main(["api-client", "create", "--name", "X", "--scope", "statuses:read"])
    with pytest.raises(SystemExit, match="name"):
        main(["api-client", "create", "--name", "  ", "--scope", "statuses:read", "--tenant", a])
    with pytest.raises(SystemExit, match="no API client"):
        main(["api-client", "rotate", "atb-nav-tada"])
    with pytest.raises(SystemExit, match="no API client"):
        main(["api-client", "disable", "atb-nav-tada"])
