"""Staff administration in one municipality: the head of service adds people, changes their roles and
removes them. Accounts are national (one person may work for several municipalities); every act here
changes only this municipality's memberships, plus the account itself when it is new."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth import rules
from app.auth.models import Membership, User
from app.auth.passwords import hash_password
from app.auth.principal import Actor
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import N_, latvian_sort_key
from app.permissions import ROLE_PERMISSIONS, Permission, permissions_for

# Roles that can manage staff: a municipality must always keep someone holding one of them.
MANAGER_ROLES = [r.value for r, granted in ROLE_PERMISSIONS.items() if Permission.USER_MANAGE in granted]
SELF_LOCKOUT = N_("You cannot take away your own right to manage staff; another head of service can do it.")
USERNAME_TAKEN = N_(
    "This user name is already taken. To add an existing account, enter the e-mail address registered for it."
)


@dataclass(frozen=True)
class StaffMember:
    user_id: uuid.UUID
    username: str
    full_name: str
    email: str | None
    roles: tuple[str, ...]
    is_active: bool


@dataclass(frozen=True)
class _NewStaff:
    username: str
    full_name: str
    email: str
    roles: list[str]
    password: str | None


def _validate(
    username: str, full_name: str, email: str, roles: Sequence[str], password: str | None
) -> _NewStaff:
    errors: rules.Errors = {}
    username = rules.clean_username(username, errors)
    full_name = rules.clean_full_name(full_name, errors)
    email = rules.clean_email(email, errors)
    chosen = rules.chosen_roles(roles, errors)
    rules.check_password(password, errors)
    if errors:
        raise InvalidInput(errors)
    return _NewStaff(username, full_name, email, chosen, password)


def _same_email(typed: str, registered: str | None) -> bool:
    """Case-insensitive, ignoring surrounding spaces; an account without an e-mail matches nothing. In
    constant time, so the answer's timing does not spell out the registered address."""
    if not registered or not registered.strip():
        return False
    return hmac.compare_digest(typed.strip().casefold().encode(), registered.strip().casefold().encode())


def _member_query(
    tenant_id: uuid.UUID | None,
) -> Select[uuid.UUID, str, str, str | None, list[str], bool]:
    # The tenant filter is explicit: the membership policy also shows a user their own memberships in
    # other municipalities, which are not this municipality's staff.
    return (
        select(User.id, User.username, User.full_name, User.email, Membership.roles, User.is_active)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id)
    )


async def list_staff(session: AsyncSession, actor: Actor) -> list[StaffMember]:
    """The municipality's staff in Latvian alphabetical order of their names."""
    actor.require(Permission.USER_MANAGE)
    rows = await session.execute(_member_query(actor.tenant_id))
    members = [StaffMember(u, n, f, e, tuple(r), a) for u, n, f, e, r, a in rows]
    return sorted(members, key=lambda m: latvian_sort_key(m.full_name))


async def staff_member(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> StaffMember:
    """One member of this municipality's staff; anyone else is not found, whether they exist or not."""
    actor.require(Permission.USER_MANAGE)
    row = (await session.execute(_member_query(actor.tenant_id).where(User.id == user_id))).one_or_none()
    if row is None:
        raise NotFound()
    return StaffMember(row[0], row[1], row[2], row[3], tuple(row[4]), row[5])


async def _membership(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> Membership:
    membership = await session.scalar(
        select(Membership).where(Membership.tenant_id == actor.tenant_id, Membership.user_id == user_id)
    )
    if membership is None:
        raise NotFound()
    return membership


async def _lock_managers(session: AsyncSession, actor: Actor) -> None:
    """Locks the memberships of those who may manage staff here, in one order, and checks the actor is
    still one of them. Two heads removing each other at the same moment are thus serialised: the
    second finds they no longer hold the right, so the municipality never ends up with nobody."""
    managers = await session.scalars(
        select(Membership.user_id)
        .where(Membership.tenant_id == actor.tenant_id, Membership.roles.overlap(MANAGER_ROLES))
        .order_by(Membership.id)
        .with_for_update()
    )
    if actor.user_id not in set(managers):
        raise Forbidden("no longer manages staff here")


async def add_staff_member(
    session: AsyncSession,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    email: str,
    roles: Sequence[str],
    password: str | None = None,
) -> uuid.UUID:
    """Gives a person roles here. A new user name creates the national account. An existing one is
    another municipality's colleague: only the e-mail registered for that account proves the head of
    service means that person, so it gets the membership only when the typed e-mail is that one (its
    name, e-mail and password are never changed here). Otherwise the user name is "taken", and nothing
    about the account (its name, its e-mail, where it works) is told."""
    actor.require(Permission.USER_MANAGE)
    data = _validate(username, full_name, email, roles, password)
    # Hashed before the lookup so that the time taken does not tell whether the account exists.
    password_hash = hash_password(data.password) if data.password else None
    user = await session.scalar(select(User).where(User.username == data.username))
    if user is not None:
        exists = await session.scalar(
            select(Membership.id).where(
                Membership.tenant_id == actor.tenant_id, Membership.user_id == user.id
            )
        )
        if exists:  # the staff list shows them already: this tells nothing new
            raise InvalidInput(
                {
                    "username": [
                        N_("This person already works in this municipality: change their roles in the list.")
                    ]
                }
            )
        if not _same_email(data.email, user.email):
            raise InvalidInput({"username": [USERNAME_TAKEN]})
    try:
        async with session.begin_nested():  # a lost race rolls back only this, and answers 409
            if user is None:
                user = User(
                    username=data.username,
                    full_name=data.full_name,
                    email=data.email,
                    password_hash=password_hash,
                )
                session.add(user)
                await session.flush()
                record_change(
                    session,
                    actor_user_id=actor.user_id,
                    action="admin:user:create",
                    entity_type="user",
                    entity_id=user.id,
                    after={
                        "username": user.username,
                        "full_name": user.full_name,
                        "email": user.email,
                        "password_set": password_hash is not None,
                    },
                )
            membership = Membership(tenant_id=actor.tenant_id, user_id=user.id, roles=list(data.roles))
            session.add(membership)
            await session.flush()
    except IntegrityError:
        raise Conflict(
            N_("Someone else changed this at the same moment. Reload the page and try again.")
        ) from None
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="admin:membership:grant",
        entity_type="membership",
        entity_id=membership.id,
        after={"user_id": user.id, "username": user.username, "roles": list(data.roles)},
    )
    return user.id


async def change_roles(session: AsyncSession, actor: Actor, user_id: uuid.UUID, roles: Sequence[str]) -> None:
    actor.require(Permission.USER_MANAGE)
    errors: dict[str, list[str]] = {}
    chosen = rules.chosen_roles(roles, errors)
    if not errors and user_id == actor.user_id and Permission.USER_MANAGE not in permissions_for(chosen):
        errors["roles"] = [SELF_LOCKOUT]
    if errors:
        raise InvalidInput(errors)
    await _lock_managers(session, actor)
    membership = await _membership(session, actor, user_id)
    before = list(membership.roles)
    if before == chosen:
        return
    membership.roles = chosen
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="admin:membership:change-roles",
        entity_type="membership",
        entity_id=membership.id,
        before={"user_id": user_id, "roles": before},
        after={"user_id": user_id, "roles": chosen},
    )


async def remove_staff_member(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> None:
    """Ends the person's work here: the membership goes, the national account and any other
    municipality's membership stay."""
    actor.require(Permission.USER_MANAGE)
    if user_id == actor.user_id:
        raise Conflict(SELF_LOCKOUT)
    await _lock_managers(session, actor)
    membership = await _membership(session, actor, user_id)
    before = {"user_id": user_id, "roles": list(membership.roles)}
    membership_id = membership.id
    await session.delete(membership)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="admin:membership:revoke",
        entity_type="membership",
        entity_id=membership_id,
        before=before,
    )
