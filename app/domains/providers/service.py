"""Acts on the register of social service providers (MK 385): receiving an application with its documents
(numbered "SPR-<year>/<n>"), taking it into review, registering it (valid five years from the decision) or
refusing it, changing a registration's service types and addresses, excluding a provider, and renewing a
registration by a new application that names it (`renews_id`; registering the new one marks the old one
"renewed").

Each act checks the permission, refuses with field messages before anything is written, checks the
version the form was shown with, audits in the caller's transaction, and never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.cases.access import municipal_today
from app.domains.controls.responsible import heads_of_service
from app.domains.providers import rules
from app.domains.providers.models import ProviderRegistration
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.notifications.events import publish
from app.permissions import Permission

NO_REGISTRATION = N_("No such provider application.")
STALE = N_("Someone else changed the provider application meanwhile. Reload the page and try again.")
NO_RENEWED = N_("Choose a registration in force or expired to renew.")
ALREADY_RENEWED = N_("This registration is already being renewed by another application.")

Registration = ProviderRegistration


def _snapshot(r: Registration) -> dict[str, Any]:
    return {
        "number": r.number,
        "provider_name": r.provider_name,
        "provider_kind": r.provider_kind,
        "service_types": list(r.service_types),
        "addresses": list(r.addresses),
        "submitted_on": r.submitted_on,
        "status": r.status,
        "renews_id": r.renews_id,
    }


def _audit(
    session: AsyncSession,
    actor: Actor | None,
    action: str,
    registration: Registration,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """`actor` None: the applicant through the e-services."""
    record_change(
        session,
        actor_user_id=actor.user_id if actor is not None else None,
        action=f"providers:registration:{action}",
        entity_type="provider_registration",
        entity_id=registration.id,
        before=before,
        after={k: v for k, v in after.items() if v is not None},
    )


async def access_registration(
    session: AsyncSession,
    actor: Actor,
    registration_id: uuid.UUID,
    *,
    permission: Permission = Permission.PROVIDER_VIEW,
    lock: bool = False,
) -> Registration:
    """The application (locked for update when `lock`), or NotFound; another municipality's is not found."""
    actor.require(permission)
    stmt = select(Registration).where(Registration.id == registration_id)
    registration = await session.scalar(stmt.with_for_update() if lock else stmt)
    if registration is None:
        raise NotFound(NO_REGISTRATION)
    return registration


def check_version(registration: Registration, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != registration.version:
        raise Conflict(STALE)


def _require_state(act: str, registration: Registration, today: dt.date) -> None:
    status = rules.effective_status(registration.status, registration.valid_until, today)
    if not rules.may(act, status):
        raise Conflict(rules.NOT_NOW)


def _unreadable(unreadable: dict[str, list[str]] | None) -> rules.Errors:
    return {k: list(v) for k, v in (unreadable or {}).items()}


async def submit_application(session: AsyncSession, actor: Actor, **fields: Any) -> Registration:
    """Staff receive an application (with the list of its documents) for the service types at the
    addresses it names; with `renews_id`, an application to renew that registration. The fields are
    `receive_application`'s."""
    actor.require(Permission.PROVIDER_REVIEW)
    assert actor.tenant_id is not None
    return await receive_application(session, actor.tenant_id, actor, **fields)


async def receive_application(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    actor: Actor | None,
    *,
    provider_name: str | None,
    provider_kind: str,
    provider_code: str | None,
    service_types: list[str],
    addresses: list[str],
    submitted_on: dt.date | None,
    contact: str | None = None,
    documents: str | None = None,
    renews_id: uuid.UUID | None = None,
    applicant_code: str | None = None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Registration:
    """The act for any channel: staff (`actor`) or the signed-in applicant through the e-services (`actor`
    None, `applicant_code` theirs); the caller has checked who may."""
    day = today or municipal_today()
    errors = _unreadable(unreadable)
    name = (provider_name or "").strip()
    code = (provider_code or "").strip()
    contact_text = (contact or "").strip()
    documents_text = (documents or "").strip()
    services = rules.lines("\n".join(service_types))
    places = rules.lines("\n".join(addresses))
    rules.check_application(
        provider_name=name,
        provider_kind=provider_kind,
        provider_code=code,
        contact=contact_text,
        service_types=services,
        addresses=places,
        documents=documents_text,
        submitted_on=submitted_on,
        today=day,
        errors=errors,
    )
    if renews_id is not None:
        renewed = await session.scalar(select(Registration).where(Registration.id == renews_id))
        if renewed is None or not rules.may_renew(renewed.status, renewed.valid_until, day):
            errors.setdefault("renews_id", []).append(NO_RENEWED)
        elif await session.scalar(
            select(Registration.id).where(
                Registration.renews_id == renews_id, Registration.status.in_(rules.PENDING)
            )
        ):
            errors.setdefault("renews_id", []).append(ALREADY_RENEWED)
    if errors:
        raise InvalidInput(errors)
    assert submitted_on is not None
    value = await next_number(session, tenant_id, rules.SEQUENCE, submitted_on.year)
    registration = Registration(
        tenant_id=tenant_id,
        number=format_number(rules.PREFIX, submitted_on.year, value),
        provider_name=name,
        provider_kind=provider_kind,
        provider_code=code,
        contact=contact_text or None,
        service_types=services,
        addresses=places,
        documents=documents_text or None,
        submitted_on=submitted_on,
        status="submitted",
        renews_id=renews_id,
        created_by=actor.user_id if actor is not None else None,
        applicant_code=applicant_code,
    )
    session.add(registration)
    await session.flush()
    _audit(session, actor, "submit", registration, None, _snapshot(registration))
    if actor is None:  # through the e-services: the reviewers learn of it from their inbox
        await publish(
            session,
            "provider_application_received",
            user_ids=await session.run_sync(heads_of_service),
            variables={
                "registration_number": registration.number,
                "provider_name": registration.provider_name,
            },
            link=f"/providers/{registration.id}",
        )
    return registration


async def start_review(
    session: AsyncSession,
    actor: Actor,
    registration_id: uuid.UUID,
    *,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Registration:
    """The reviewer takes the application into review."""
    registration = await access_registration(
        session, actor, registration_id, permission=Permission.PROVIDER_REVIEW, lock=True
    )
    check_version(registration, expected_version)
    _require_state("review", registration, today or municipal_today())
    before = {"status": registration.status, "reviewer_id": registration.reviewer_id}
    registration.status = rules.NEXT_STATUS["review"]
    registration.reviewer_id = actor.user_id
    registration.version += 1
    await session.flush()
    _audit(
        session,
        actor,
        "review",
        registration,
        before,
        {"number": registration.number, "status": registration.status, "reviewer_id": actor.user_id},
    )
    return registration


async def _decide(
    session: AsyncSession,
    actor: Actor,
    registration_id: uuid.UUID,
    act: str,
    *,
    decided_on: dt.date | None,
    reason: str | None,
    expected_version: int | None,
    today: dt.date | None,
    unreadable: dict[str, list[str]] | None,
) -> tuple[Registration, dict[str, Any], str]:
    registration = await access_registration(
        session, actor, registration_id, permission=Permission.PROVIDER_REVIEW, lock=True
    )
    day = today or municipal_today()
    check_version(registration, expected_version)
    _require_state(act, registration, day)
    errors = _unreadable(unreadable)
    reason_text = (reason or "").strip()
    rules.check_decision(
        decided_on=decided_on,
        submitted_on=registration.submitted_on if act != "exclude" else (registration.decided_on or day),
        reason=reason_text,
        reason_required=act in ("refuse", "exclude"),
        today=day,
        errors=errors,
    )
    if errors:
        raise InvalidInput(errors)
    before = {"status": registration.status, "valid_until": registration.valid_until}
    return registration, before, reason_text


async def register_provider(
    session: AsyncSession,
    actor: Actor,
    registration_id: uuid.UUID,
    *,
    decided_on: dt.date | None,
    expected_version: int | None = None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Registration:
    """Registers the provider for the application's service types and addresses, valid five years from the
    decision; a renewal's previous registration becomes "renewed"."""
    registration, before, _ = await _decide(
        session,
        actor,
        registration_id,
        "register",
        decided_on=decided_on,
        reason=None,
        expected_version=expected_version,
        today=today,
        unreadable=unreadable,
    )
    assert decided_on is not None
    registration.status = rules.NEXT_STATUS["register"]
    registration.decided_on = decided_on
    registration.decided_by = actor.user_id
    registration.valid_from = decided_on
    registration.valid_until = rules.valid_until(decided_on)
    registration.reviewer_id = registration.reviewer_id or actor.user_id
    registration.version += 1
    if registration.renews_id is not None:
        previous = await session.scalar(
            select(Registration).where(Registration.id == registration.renews_id).with_for_update()
        )
        if previous is not None and previous.status == "registered":
            previous.status = "renewed"
            previous.version += 1
            _audit(
                session,
                actor,
                "renewed",
                previous,
                {"status": "registered"},
                {"number": previous.number, "status": "renewed", "renewed_by": registration.number},
            )
    await session.flush()
    _audit(
        session,
        actor,
        "register",
        registration,
        before,
        {
            "number": registration.number,
            "status": registration.status,
            "decided_on": decided_on,
            "valid_from": registration.valid_from,
            "valid_until": registration.valid_until,
        },
    )
    return registration


async def refuse_application(
    session: AsyncSession,
    actor: Actor,
    registration_id: uuid.UUID,
    *,
    decided_on: dt.date | None,
    reason: str | None,
    expected_version: int | None = None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Registration:
    """Refuses the registration, with its grounds."""
    registration, before, reason_text = await _decide(
        session,
        actor,
        registration_id,
        "refuse",
        decided_on=decided_on,
        reason=reason,
        expected_version=expected_version,
        today=today,
        unreadable=unreadable,
    )
    registration.status = rules.NEXT_STATUS["refuse"]
    registration.decided_on = decided_on
    registration.decided_by = actor.user_id
    registration.decision_reason = reason_text
    registration.version += 1
    await session.flush()
    _audit(
        session,
        actor,
        "refuse",
        registration,
        before,
        {"number": registration.number, "status": registration.status, "decided_on": decided_on},
    )
    return registration


async def exclude_provider(
    session: AsyncSession,
    actor: Actor,
    registration_id: uuid.UUID,
    *,
    decided_on: dt.date | None,
    reason: str | None,
    expected_version: int | None = None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Registration:
    """Excludes the provider from the register (a registration in force), with the grounds."""
    registration, before, reason_text = await _decide(
        session,
        actor,
        registration_id,
        "exclude",
        decided_on=decided_on,
        reason=reason,
        expected_version=expected_version,
        today=today,
        unreadable=unreadable,
    )
    registration.status = rules.NEXT_STATUS["exclude"]
    registration.excluded_on = decided_on
    registration.decision_reason = reason_text
    registration.version += 1
    await session.flush()
    _audit(
        session,
        actor,
        "exclude",
        registration,
        before,
        {"number": registration.number, "status": registration.status, "excluded_on": decided_on},
    )
    return registration


async def change_registration(
    session: AsyncSession,
    actor: Actor,
    registration_id: uuid.UUID,
    *,
    service_types: list[str],
    addresses: list[str],
    contact: str | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Registration:
    """Changes a registration in force: its service types, addresses and contact details (the validity
    stays)."""
    registration = await access_registration(
        session, actor, registration_id, permission=Permission.PROVIDER_REVIEW, lock=True
    )
    check_version(registration, expected_version)
    _require_state("change", registration, today or municipal_today())
    errors: rules.Errors = {}
    services = rules.lines("\n".join(service_types))
    places = rules.lines("\n".join(addresses))
    contact_text = (contact or "").strip()
    rules.check_scope(service_types=services, addresses=places, errors=errors)
    if len(contact_text) > rules.MAX_CONTACT:
        errors.setdefault("contact", []).append(rules.CONTACT_TOO_LONG)
    if errors:
        raise InvalidInput(errors)
    before = {
        "service_types": list(registration.service_types),
        "addresses": list(registration.addresses),
        "contact_changed": False,
    }
    registration.service_types = services
    registration.addresses = places
    contact_changed = (registration.contact or "") != contact_text
    registration.contact = contact_text or None
    registration.version += 1
    await session.flush()
    _audit(
        session,
        actor,
        "change",
        registration,
        before,
        {
            "number": registration.number,
            "service_types": services,
            "addresses": places,
            "contact_changed": contact_changed,
        },
    )
    return registration
