"""Partner API clients are national data the runtime role may read (to authenticate a client) but never
write: creating, rotating and disabling a client is the platform administrator's act, as the maintenance
role (`atbalsts api-client`). A compromised web process can thus not mint itself a client or widen one."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import ProgrammingError

from app.auth.models import ApiClient, ApiClientMunicipality
from app.db import sync_tenant_uow
from app.ids import uuid7
from tests.factories.api_clients import create_client


@pytest.fixture
def partner(maint_engine, tenant_a):
    return create_client(maint_engine, [tenant_a])


def test_the_runtime_role_reads_clients_and_their_municipalities(rw_sessions, partner, tenant_a) -> None:
    with sync_tenant_uow(rw_sessions, None) as s:
        assert s.scalar(select(ApiClient.name).where(ApiClient.id == partner.id))
        bound = s.scalars(
            select(ApiClientMunicipality.municipality_id).where(
                ApiClientMunicipality.api_client_id == partner.id
            )
        ).all()
        assert bound == [tenant_a]


@pytest.mark.parametrize(
    "statement",
    [
        lambda p, t: insert(ApiClient).values(
            id=uuid7(),
            client_id=f"atb-{uuid7().hex[:12]}",
            secret_hash="sha256$x",
            name="Mānekļa klients",
            scopes=["statuses:read"],
        ),
        lambda p, t: (
            update(ApiClient).where(ApiClient.id == p.id).values(scopes=["statuses:read", "cases:read"])
        ),
        lambda p, t: update(ApiClient).where(ApiClient.id == p.id).values(secret_hash="sha256$zināms"),
        lambda p, t: update(ApiClient).where(ApiClient.id == p.id).values(is_active=True),
        lambda p, t: delete(ApiClient).where(ApiClient.id == p.id),
        lambda p, t: insert(ApiClientMunicipality).values(api_client_id=p.id, municipality_id=t),
        lambda p, t: (
            update(ApiClientMunicipality)
            .where(ApiClientMunicipality.api_client_id == p.id)
            .values(municipality_id=t)
        ),
        lambda p, t: delete(ApiClientMunicipality).where(ApiClientMunicipality.api_client_id == p.id),
    ],
)
def test_the_runtime_role_cannot_write_clients(rw_sessions, partner, tenant_a, tenant_b, statement) -> None:
    for tenant in (None, tenant_a):  # bound to a municipality or not: no difference
        with sync_tenant_uow(rw_sessions, tenant) as s:
            with pytest.raises(ProgrammingError, match="permission denied"):
                s.execute(statement(partner, tenant_b))
            s.rollback()
    with sync_tenant_uow(rw_sessions, None) as s:
        assert s.scalar(select(func.count()).select_from(ApiClient).where(ApiClient.id == partner.id)) == 1
