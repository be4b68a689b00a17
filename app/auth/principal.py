"""Who is acting: passed explicitly to every service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.auth.scopes import permissions_for_scopes
from app.errors import Forbidden
from app.i18n import N_
from app.permissions import Permission, permissions_for


@dataclass(frozen=True)
class TenantChoice:
    tenant_id: uuid.UUID
    name: str
    slug: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class ApiClientRef:
    """A partner system authenticated by an access token (`app/api/bearer.py`)."""

    id: uuid.UUID  # app.api_clients.id
    client_id: str  # the public client identifier
    name: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class Actor:
    """Staff member in one municipality, or (with `api_client`) a partner system acting for one through
    the API. A partner has no user account: its `user_id` is the client's id (ids are UUIDv7 of separate
    tables, never a user's), its permissions are exactly those of its token's scopes, and the change log
    records it as the acting client (`app/audit/service.py: record_change`)."""

    user_id: uuid.UUID
    username: str
    full_name: str
    tenant_id: uuid.UUID | None
    tenant_name: str | None
    roles: tuple[str, ...] = ()
    national_roles: tuple[str, ...] = ()
    memberships: tuple[TenantChoice, ...] = ()
    locale: str = "lv"
    permissions: frozenset[Permission] = field(default_factory=frozenset)
    api_client: ApiClientRef | None = None

    @classmethod
    def build(
        cls,
        *,
        user_id: uuid.UUID,
        username: str,
        full_name: str,
        memberships: tuple[TenantChoice, ...],
        tenant_id: uuid.UUID | None,
        national_roles: tuple[str, ...] = (),
        locale: str = "lv",
    ) -> Actor:
        # The chosen municipality, or — when the user was removed from it meanwhile — their first other
        # one (pages left open for the old one are refused by the municipality check on every act).
        current = next(
            (m for m in memberships if m.tenant_id == tenant_id), memberships[0] if memberships else None
        )
        roles = current.roles if current else ()
        return cls(
            user_id=user_id,
            username=username,
            full_name=full_name,
            tenant_id=current.tenant_id if current else None,
            tenant_name=current.name if current else None,
            roles=roles,
            national_roles=national_roles,
            memberships=memberships,
            locale=locale,
            permissions=permissions_for(roles),
        )

    @classmethod
    def for_api_client(cls, client: ApiClientRef, municipality: TenantChoice) -> Actor:
        return cls(
            user_id=client.id,
            username=f"api-client:{client.client_id}",
            full_name=client.name,
            tenant_id=municipality.tenant_id,
            tenant_name=municipality.name,
            memberships=(municipality,),
            permissions=permissions_for_scopes(client.scopes),
            api_client=client,
        )

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise Forbidden(
                N_("Your roles in this municipality do not allow this."), missing=permission.value
            )
