"""Staff accounts made with the real services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker

from app.auth.service import create_user, grant_membership
from app.db import sync_tenant_uow

PASSWORD = "pareiza-parole-1"


def create_staff(
    sessions: sessionmaker[Session],
    tenant_roles: dict[uuid.UUID, Sequence[str]],
    *,
    username: str | None = None,
    full_name: str = "Ilze Bērziņa",
    password: str = PASSWORD,
) -> uuid.UUID:
    username = username or f"staff-{uuid.uuid4().hex[:10]}"
    with sync_tenant_uow(sessions, None) as s:
        user_id = create_user(s, username=username, full_name=full_name, password=password).id
    for tenant_id, roles in tenant_roles.items():
        with sync_tenant_uow(sessions, tenant_id) as s:
            grant_membership(s, acting_user_id=None, user_id=user_id, roles=roles)
    return user_id
