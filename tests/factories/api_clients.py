"""Partner API clients made with the real service, as the maintenance role (as `atbalsts api-client` does)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Engine, select

from app.auth.api_clients import IssuedSecret, create_api_client
from app.auth.scopes import STATUSES_READ
from app.db import sync_session_factory
from app.tenants.models import Tenant


def slug_of(maint_engine: Engine, tenant_id: uuid.UUID) -> str:
    with maint_engine.connect() as conn:
        return str(conn.execute(select(Tenant.slug).where(Tenant.id == tenant_id)).scalar_one())


def create_client(
    maint_engine: Engine,
    tenants: Sequence[uuid.UUID],
    *,
    scopes: Sequence[str] = (STATUSES_READ,),
    name: str = "Nekustamā īpašuma nodokļu administrācija",
) -> IssuedSecret:
    slugs = [slug_of(maint_engine, t) for t in tenants]
    with sync_session_factory(maint_engine).begin() as s:
        return create_api_client(s, name=name, scopes=scopes, municipalities=slugs)
