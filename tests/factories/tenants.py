"""Tenants are national data: created through the maintenance role, as the platform administrator does."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, insert

from app.ids import uuid7
from app.tenants.models import Tenant


def create_tenant(maint_engine: Engine, name: str = "Testa novads") -> uuid.UUID:
    tid = uuid7()
    with maint_engine.begin() as conn:
        conn.execute(
            insert(Tenant).values(
                id=tid, slug=f"t-{tid.hex[-12:]}", name=name, atvk_code=str(tid.int % 9_000_000 + 1_000_000)
            )
        )
    return tid
