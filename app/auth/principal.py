"""Who is acting: passed explicitly to every service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

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
class Actor:
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

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise Forbidden(
                N_("Your roles in this municipality do not allow this."), missing=permission.value
            )
