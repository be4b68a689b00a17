"""Staff accounts: sign-in, the acting user with their municipalities, account creation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.service import record_change
from app.auth import rules
from app.auth.models import Membership, User
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.auth.principal import Actor, TenantChoice
from app.auth.throttle import LoginThrottle
from app.errors import DomainError, InvalidInput
from app.i18n import N_, latvian_sort_key
from app.tenants.models import Tenant


class SignInFailed(DomainError):
    status_code = 401
    title = N_("Incorrect user name or password.")


class SignInLocked(DomainError):
    status_code = 429
    title = N_("Too many failed attempts. Try again in %(minutes)s min.")


async def authenticate(
    session: AsyncSession,
    throttle: LoginThrottle,
    username: str,
    password: str,
    *,
    address: str | None = None,
) -> User:
    """The same answer for an unknown user and a wrong password; locked after repeated failures for the
    name or from the client address."""
    username = username.strip().lower()
    if await throttle.is_locked(username, address):
        raise SignInLocked()
    user = await session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        await throttle.record_failure(username, address)
        raise SignInFailed()
    await throttle.reset(username)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def memberships_of(session: AsyncSession, user_id: uuid.UUID) -> tuple[TenantChoice, ...]:
    """The user's municipalities. Needs `session.info["user_id"]` = user_id (the membership policy)."""
    rows = await session.execute(
        select(Tenant.id, Tenant.name, Tenant.slug, Membership.roles)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user_id)
    )
    choices = [TenantChoice(tenant_id=t, name=n, slug=s, roles=tuple(r)) for t, n, s, r in rows]
    return tuple(sorted(choices, key=lambda c: latvian_sort_key(c.name)))


async def load_actor(session: AsyncSession, user_id: uuid.UUID, tenant_id: uuid.UUID | None) -> Actor | None:
    """The acting user in the chosen municipality; None when the account is gone or disabled. A tenant
    the user is not a member of is ignored (the actor then has no tenant). One statement: it runs on every
    request, so that a revoked role or a disabled account takes effect at once."""
    rows = (
        await session.execute(
            select(User.username, User.full_name, User.is_active, User.national_roles, User.locale)
            .add_columns(Tenant.id, Tenant.name, Tenant.slug, Membership.roles)
            .select_from(User)
            .outerjoin(Membership, Membership.user_id == User.id)  # RLS: only the user's own rows
            .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
            .where(User.id == user_id)
        )
    ).all()
    if not rows or not rows[0].is_active:
        return None
    first = rows[0]
    choices = [
        TenantChoice(tenant_id=r.id, name=r.name, slug=r.slug, roles=tuple(r.roles)) for r in rows if r.id
    ]
    return Actor.build(
        user_id=user_id,
        username=first.username,
        full_name=first.full_name,
        memberships=tuple(sorted(choices, key=lambda c: latvian_sort_key(c.name))),
        tenant_id=tenant_id,
        national_roles=tuple(first.national_roles),
        locale=first.locale,
    )


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str | None,
    email: str | None = None,
    national_roles: Sequence[str] = (),
    locale: str = "lv",
) -> User:
    """Creates the national account (sync: the CLI and demo loader run it), by the same rules as the
    staff page. Idempotent by user name: an existing account gets the new password and name."""
    errors: rules.Errors = {}
    username = rules.clean_username(username, errors)
    full_name = rules.clean_full_name(full_name, errors)
    if email is not None:
        email = rules.clean_email(email, errors)
    rules.check_password(password, errors)
    national_roles = rules.check_national_roles(national_roles, errors)
    if errors:
        raise InvalidInput(errors)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, full_name=full_name, email=email)
        session.add(user)
    user.full_name = full_name
    user.email = email
    user.locale = locale
    user.national_roles = list(national_roles)
    if password is not None:
        user.password_hash = hash_password(password)
    session.flush()
    return user


def grant_membership(
    session: Session, *, acting_user_id: uuid.UUID | None, user_id: uuid.UUID, roles: Sequence[str]
) -> Membership:
    """Gives a user roles in the session's municipality (tenant-bound session), audited."""
    errors: rules.Errors = {}
    roles = rules.chosen_roles(roles, errors)
    if errors:
        raise InvalidInput(errors)
    tenant_id = session.info["tenant_id"]
    membership = session.scalar(
        select(Membership).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
    )
    before = {"roles": list(membership.roles)} if membership else None
    if membership is None:
        membership = Membership(tenant_id=tenant_id, user_id=user_id, roles=list(roles))
        session.add(membership)
    else:
        membership.roles = list(roles)
    session.flush()
    record_change(
        session,
        actor_user_id=acting_user_id,
        action="admin:membership:grant",
        entity_type="membership",
        entity_id=membership.id,
        before=before,
        after={"user_id": user_id, "roles": list(roles)},
    )
    return membership


class OidcAccountRefused(DomainError):
    """Sign-in through the identity provider cannot go on: no account is provisioned here (the
    municipalities grant access; we never create accounts from a token) or it cannot be used."""

    status_code = 403
    title = N_("No staff account matches your identity. Ask your municipality's administrator for access.")


async def user_for_oidc_identity(
    session: AsyncSession,
    *,
    issuer: str,
    subject: str,
    preferred_username: str | None,
    email: str | None,
    email_verified: bool,
) -> uuid.UUID:
    """The local account for an identity the provider vouched for. An account already linked by
    (issuer, subject) wins; otherwise an unlinked account with the same user name, or the same
    verified e-mail address, is linked now (audited in the user's first municipality). Refuses
    everything else. The caller commits; this may end the session's read-only transaction."""
    user = await session.scalar(select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject))
    if user is not None:
        if not user.is_active:
            raise OidcAccountRefused(N_("Your account has been disabled. Contact your administrator."))
        return user.id
    matched_by = "username"
    if preferred_username:
        user = await session.scalar(select(User).where(User.username == preferred_username.strip().lower()))
    if user is None and email and email_verified:
        matched_by = "email"
        found = (
            await session.scalars(
                select(User).where(func.lower(User.email) == email.strip().lower()).limit(2)
            )
        ).all()
        user = found[0] if len(found) == 1 else None  # a shared address identifies nobody
    if user is None:
        raise OidcAccountRefused()
    if not user.is_active:
        raise OidcAccountRefused(N_("Your account has been disabled. Contact your administrator."))
    if user.oidc_subject is not None:
        # Linked to another identity: taking it over by name would let a renamed or re-created
        # provider account inherit someone's access.
        raise OidcAccountRefused(
            N_("Your account is linked to another identity. Contact your administrator.")
        )

    # The link is audited in a municipality of the user's, like the sign-in itself: bind the user to
    # read their memberships, then the tenant for the write (binding happens at transaction start).
    await session.commit()
    session.info["user_id"] = user.id
    memberships = await memberships_of(session, user.id)
    if not memberships:
        raise OidcAccountRefused(
            N_("Your account has no access to any municipality. Contact your administrator.")
        )
    await session.commit()
    session.info["tenant_id"] = memberships[0].tenant_id
    try:
        linked = await session.execute(
            update(User)
            .where(User.id == user.id, User.oidc_subject.is_(None))
            .values(oidc_issuer=issuer, oidc_subject=subject)
        )
        if linked.rowcount != 1:  # type: ignore[attr-defined]
            raise OidcAccountRefused(
                N_("Your account is linked to another identity. Contact your administrator.")
            )
        record_change(
            session,
            actor_user_id=user.id,
            action="auth:user:link-oidc",
            entity_type="user",
            entity_id=user.id,
            before={"oidc_issuer": None, "oidc_subject": None},
            after={"oidc_issuer": issuer, "oidc_subject": subject, "matched_by": matched_by},
        )
        await session.flush()
    except IntegrityError:
        # The same identity was linked to another account a moment ago.
        await session.rollback()
        raise OidcAccountRefused() from None
    return user.id
