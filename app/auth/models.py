"""Staff accounts (national: one person may work for several municipalities) and their memberships;
partner API clients and the municipalities each may act for."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.ids import uuid7
from app.models import Base, TenantOwned, Timestamped


class User(Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid7)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    national_roles: Mapped[list[str]] = mapped_column(
        ARRAY(String(50)), default=list, server_default=text("'{}'")
    )
    locale: Mapped[str] = mapped_column(String(5), default="lv", server_default="lv")


class Membership(Timestamped, TenantOwned, Base):
    """A user's roles in one municipality. Readable by its own user across tenants (sign-in lists
    them); written only inside the tenant."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(50)))


class ApiClient(Timestamped, Base):
    """A partner system's OAuth2 client (client credentials grant). National data: the runtime role only
    reads it (to authenticate); the platform administrator writes it through `atbalsts api-client`, as
    the maintenance role. The secret is kept only as a hash (`app/auth/api_clients.py`)."""

    __tablename__ = "api_clients"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid7)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)  # public, sent by the client
    secret_hash: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(50)), default=list, server_default=text("'{}'"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # Tokens issued before the last rotation are refused, so a leaked secret's tokens die with it.
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiClientMunicipality(Base):
    """A municipality an API client may act for. National like the client (one row names one client and
    one municipality, written only by the platform administrator), so the column is `municipality_id`,
    not `tenant_id`: it is not the municipality's own data under row-level security."""

    __tablename__ = "api_client_tenants"

    api_client_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("app.api_clients.id"), primary_key=True
    )
    municipality_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("app.tenants.id"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
