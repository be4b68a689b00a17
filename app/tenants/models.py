"""Municipalities. National data: not tenant-owned, readable by every session."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.ids import uuid7
from app.models import Base, Timestamped


class Tenant(Timestamped, Base):
    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid7)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    atvk_code: Mapped[str] = mapped_column(String(7), unique=True)  # ATVK classifier code
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
