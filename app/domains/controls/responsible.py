"""Who is told about a record: its responsible worker when they still work here, else the heads of
service. Shared by the data controls and the expiry reminders (sync: both run in workers)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Membership, User
from app.permissions import Role


def heads_of_service(session: Session) -> list[uuid.UUID]:
    """The municipality's active heads of service, in a stable order."""
    return list(
        session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.tenant_id == session.info["tenant_id"],
                Membership.roles.contains([Role.HEAD_OF_SERVICE.value]),
                User.is_active.is_(True),
            )
            .order_by(Membership.user_id)
        )
    )


def working_here(session: Session, user_ids: Collection[uuid.UUID | None]) -> set[uuid.UUID]:
    """Those of `user_ids` who are active members of this municipality now."""
    ids = [u for u in user_ids if u is not None]
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.tenant_id == session.info["tenant_id"],
                Membership.user_id.in_(ids),
                User.is_active.is_(True),
            )
        )
    )


class Recipients:
    """Resolves a record's responsible worker to the staff to tell, reading memberships once per run."""

    def __init__(self, session: Session, candidates: Collection[uuid.UUID | None]) -> None:
        self._here = working_here(session, candidates)
        self._heads: list[uuid.UUID] | None = None
        self._session = session

    def responsible(self, user_id: uuid.UUID | None) -> uuid.UUID | None:
        """The worker if they still work here, else None (the heads of service are told)."""
        return user_id if user_id in self._here else None

    def of(self, user_id: uuid.UUID | None) -> list[uuid.UUID]:
        if user_id is not None and user_id in self._here:
            return [user_id]
        if self._heads is None:
            self._heads = heads_of_service(self._session)
        return list(self._heads)
