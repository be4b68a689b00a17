"""The provider's own side of the register (MK 385) through the e-services: a person signed in through the
national login submits an application for a provider in a municipality, follows it and the registration it
became, and updates what may still change — everything while it waits for review, the documents and the
contact while it is reviewed, the contact once registered (a change of service types or addresses of a
registration is a decision of the municipality: `service.change_registration`).

The applicant is the personal code the identity broker vouched for (`applicant_code`), never a staff
`Actor`. The listed cross-tenant act here is `own_registrations`: one read-only lookup by that code across
municipalities; everything else runs in a session bound to one municipality (row-level security)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.domains.cases.access import municipal_today
from app.domains.providers import rules
from app.domains.providers.models import ProviderRegistration as Registration
from app.domains.providers.service import NO_REGISTRATION, _audit, check_version
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.tenants.models import Tenant

# What the applicant may still change in each state (the effective one: a lapsed registration is "expired").
EDITABLE: dict[str, tuple[str, ...]] = {
    "submitted": ("contact", "documents", "service_types", "addresses"),
    "under_review": ("contact", "documents"),
    "registered": ("contact",),
}


@dataclass(frozen=True)
class OwnRegistration:
    tenant_id: uuid.UUID
    municipality: str
    id: uuid.UUID
    number: str
    provider_name: str
    status: str  # effective: "expired" once the validity has passed
    submitted_on: dt.date
    valid_from: dt.date | None
    valid_until: dt.date | None


async def own_registrations(
    maint: async_sessionmaker[AsyncSession], applicant_code: str, today: dt.date
) -> list[OwnRegistration]:
    """The listed cross-tenant act: every application the person submitted, in any municipality, newest
    first (read-only)."""
    stmt = (
        select(
            Registration.tenant_id,
            Tenant.name,
            Registration.id,
            Registration.number,
            Registration.provider_name,
            Registration.status,
            Registration.submitted_on,
            Registration.valid_from,
            Registration.valid_until,
        )
        .join(Tenant, Tenant.id == Registration.tenant_id)
        .where(Registration.applicant_code == applicant_code)
        .order_by(Registration.submitted_on.desc(), Registration.number.desc())
    )
    async with maint() as session, session.begin():
        await session.execute(text("SET TRANSACTION READ ONLY"))
        rows = (await session.execute(stmt)).all()
    return [
        OwnRegistration(
            r[0], r[1], r[2], r[3], r[4], rules.effective_status(r[5], r[8], today), r[6], r[7], r[8]
        )
        for r in rows
    ]


async def own_registration(
    session: AsyncSession, applicant_code: str, registration_id: uuid.UUID, *, lock: bool = False
) -> Registration:
    """The person's own application in the session's municipality, or NotFound (also another's)."""
    stmt = select(Registration).where(
        Registration.id == registration_id, Registration.applicant_code == applicant_code
    )
    found = await session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise NotFound(NO_REGISTRATION)
    return found


NO_LONGER = N_("This can no longer be changed here: ask the municipality.")


async def update_own_registration(
    session: AsyncSession,
    applicant_code: str,
    registration_id: uuid.UUID,
    *,
    expected_version: int | None,
    contact: str | None = None,
    documents: str | None = None,
    service_types: list[str] | None = None,
    addresses: list[str] | None = None,
    today: dt.date | None = None,
) -> Registration:
    """Changes what the applicant may still change (None: leave as it is); a field that may no longer
    change gets a message, and nothing is written."""
    registration = await own_registration(session, applicant_code, registration_id, lock=True)
    check_version(registration, expected_version)
    day = today or municipal_today()
    status = rules.effective_status(registration.status, registration.valid_until, day)
    editable = EDITABLE.get(status)
    if editable is None:
        raise Conflict(rules.NOT_NOW)
    services = registration.service_types if service_types is None else rules.lines("\n".join(service_types))
    places = registration.addresses if addresses is None else rules.lines("\n".join(addresses))
    wanted: dict[str, object] = {"service_types": services, "addresses": places}
    if contact is not None:
        wanted["contact"] = contact.strip() or None
    if documents is not None:
        wanted["documents"] = documents.strip() or None
    changed = {k: v for k, v in wanted.items() if getattr(registration, k) != v}
    errors: rules.Errors = {k: [NO_LONGER] for k in changed if k not in editable}
    rules.check_changes(
        contact=str(changed.get("contact") or ""),
        documents=str(changed.get("documents") or ""),
        errors=errors,
    )
    if "service_types" in changed or "addresses" in changed:
        rules.check_scope(service_types=list(services), addresses=list(places), errors=errors)
    if errors:
        raise InvalidInput(errors)
    if not changed:
        return registration
    before = {k: getattr(registration, k) for k in changed}
    for key, value in changed.items():
        setattr(registration, key, value)
    registration.version += 1
    await session.flush()
    _audit(session, None, "update_by_applicant", registration, before, dict(changed))
    return registration
