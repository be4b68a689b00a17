"""The assistant service (MK 316) as acts: a person's request with its assessment, and the decision. The
assistants of a grant and their monthly reports are in assistant_work.py.

The hours and the period come from the pure rules (assistant_rules.py); the age and the disability group are
read from the register on the request day, the disability period's end on the grant's first day. Each act
checks the permission, refuses with field messages before anything changes (a query would autoflush a
half-made change), checks the version the form was shown with, audits, and never commits.

Concurrency: grants of one person must not overlap, and one person has at most one undecided request — the
acts that could break that take the person's row lock first."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.cases.access import municipal_today
from app.domains.people.models import Person
from app.domains.services import assistant_rules as rules
from app.domains.services.assistant_models import (
    AssistantGrant,
)
from app.domains.services.assistant_queries import NO_SUCH_GRANT, applicant_on, disability_until
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

SEQUENCE = "assistant_grants"
PREFIX = "AP"

NO_SUCH_PERSON = N_("Choose the person to register.")
STALE = N_("Someone else changed this grant meanwhile. Reload the page and try again.")
REQUEST_DAY = N_("Give the day of the request; it cannot be in the future.")
NO_BIRTH_DATE = N_("The person's birth date is not in the register: the hours depend on the age.")
REQUEST_OPEN = N_("The person already has a request for the assistant service awaiting a decision.")
DECIDED = N_("The request has been decided: its assessment cannot change any more.")
OUTCOME_NEEDED = N_("Choose whether the service is granted or refused.")
REASONS_NEEDED = N_("Give the reasons for the decision.")
NOT_ELIGIBLE = N_("The assessment found the person not eligible: the request can only be refused.")
START_NEEDED = N_("Give the first day of the service.")
START_BEFORE_REQUEST = N_("The service cannot start before the day of the request.")
END_TOO_LATE = N_("The period ends at the latest with the disability period and within 3 years.")
END_BEFORE_START = N_("The last day must be after the first.")
OVERLAP = N_("The person already has the assistant service granted for part of this period.")


def _snapshot(grant: AssistantGrant) -> dict[str, Any]:
    return {
        "number": grant.number,
        "status": grant.status,
        "purposes": list(grant.purposes),
        "higher_intensity": grant.higher_intensity,
        "procedures": grant.procedures,
        "special_care_opinion": grant.special_care_opinion,
        "limitation": grant.limitation,
        "assessed_hours": grant.assessed_hours,
        "refusals": list(grant.refusals),
        "monthly_hours": grant.monthly_hours,
        "valid_from": grant.valid_from,
        "valid_to": grant.valid_to,
        "reasons": grant.reasons,
    }


def audit(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=f"services:assistant:{action}",
        entity_type="assistant_grant",
        entity_id=grant_id,
        before=before,
        after=after,
    )


async def _lock_person(session: AsyncSession, person_id: uuid.UUID) -> None:
    await session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


async def locked_grant(
    session: AsyncSession, actor: Actor, grant_id: uuid.UUID, version: int | None
) -> AssistantGrant:
    actor.require(Permission.ASSISTANT_MANAGE)
    grant = await session.scalar(
        select(AssistantGrant).where(AssistantGrant.id == grant_id).with_for_update()
    )
    if grant is None:
        raise NotFound(NO_SUCH_GRANT)
    if version is not None and version != grant.version:
        raise Conflict(STALE)
    return grant


# --- the request and its assessment ------------------------------------------------------------------------


async def _assessment(
    session: AsyncSession,
    person_id: uuid.UUID,
    day: dt.date,
    purposes: Iterable[str],
    *,
    higher_intensity: bool,
    procedures: bool,
    special_care_opinion: bool,
    limitation: bool,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    """The assessment's fields for the person on `day` (the hours with their explanation, the reasons the
    person is not eligible); messages about the input go to `errors`."""
    facts = await applicant_on(session, person_id, day)
    if facts.age is None:
        errors.setdefault("person_id", []).append(NO_BIRTH_DATE)
        return {}
    applicant = rules.Applicant(
        age=facts.age,
        disability_group=facts.disability_group,
        special_care_opinion=special_care_opinion,
        limitation=limitation,
    )
    child = facts.age < rules.CHILD_UNTIL_AGE
    chosen = [] if child else list(dict.fromkeys(p.strip() for p in purposes if p.strip()))
    computation, messages = rules.monthly_hours(
        applicant, chosen, higher_intensity=higher_intensity, procedures=procedures
    )
    wrong_input = [m for m in messages if m in (rules.NO_PURPOSE, rules.UNKNOWN_PURPOSE)]
    if wrong_input:
        errors["purposes"] = wrong_input
    return {
        "purposes": chosen,
        "higher_intensity": higher_intensity and not child,
        "procedures": procedures and child,
        "special_care_opinion": special_care_opinion and child,
        "limitation": limitation and not child,
        "age": facts.age,
        "disability_group": facts.disability_group,
        "assessed_hours": computation.amount,
        "explanation": computation.as_json(),
        "refusals": [m for m in messages if m not in wrong_input],
    }


async def request_service(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: uuid.UUID | None,
    requested_on: dt.date | None,
    purposes: Iterable[str] = (),
    higher_intensity: bool = False,
    procedures: bool = False,
    special_care_opinion: bool = False,
    limitation: bool = False,
    today: dt.date | None = None,
) -> AssistantGrant:
    """A person's request, numbered "AP-<year>/<n>", assessed at once: the hours a month with their
    explanation, and why the person is not eligible (if so). One undecided request per person."""
    actor.require(Permission.ASSISTANT_MANAGE)
    assert actor.tenant_id is not None
    errors: dict[str, list[str]] = {}
    if person_id is None or await session.scalar(select(Person.id).where(Person.id == person_id)) is None:
        raise InvalidInput({"person_id": [NO_SUCH_PERSON]})
    await _lock_person(session, person_id)
    if requested_on is None or requested_on > (today or municipal_today()):
        raise InvalidInput({"requested_on": [REQUEST_DAY]})
    open_request = await session.scalar(
        select(AssistantGrant.id).where(
            AssistantGrant.person_id == person_id, AssistantGrant.status == "requested"
        )
    )
    if open_request is not None:
        errors["person_id"] = [REQUEST_OPEN]
    fields = await _assessment(
        session,
        person_id,
        requested_on,
        purposes,
        higher_intensity=higher_intensity,
        procedures=procedures,
        special_care_opinion=special_care_opinion,
        limitation=limitation,
        errors=errors,
    )
    if errors:
        raise InvalidInput(errors)
    value = await next_number(session, actor.tenant_id, SEQUENCE, requested_on.year)
    grant = AssistantGrant(
        tenant_id=actor.tenant_id,
        number=format_number(PREFIX, requested_on.year, value),
        person_id=person_id,
        requested_on=requested_on,
        created_by=actor.user_id,
        **fields,
    )
    session.add(grant)
    await session.flush()
    audit(session, actor, grant.id, "request", None, _snapshot(grant))
    return grant


async def assess_request(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    *,
    expected_version: int | None,
    purposes: Iterable[str] = (),
    higher_intensity: bool = False,
    procedures: bool = False,
    special_care_opinion: bool = False,
    limitation: bool = False,
) -> AssistantGrant:
    """The assessment done again with corrected facts (purposes, intensity, the child's or adult's
    conditions), on the request day; only before the decision."""
    grant = await locked_grant(session, actor, grant_id, expected_version)
    if grant.status != "requested":
        raise Conflict(DECIDED)
    errors: dict[str, list[str]] = {}
    fields = await _assessment(
        session,
        grant.person_id,
        grant.requested_on,
        purposes,
        higher_intensity=higher_intensity,
        procedures=procedures,
        special_care_opinion=special_care_opinion,
        limitation=limitation,
        errors=errors,
    )
    if errors:
        raise InvalidInput(errors)
    before = _snapshot(grant)
    for name, value in fields.items():
        setattr(grant, name, value)
    grant.version += 1
    await session.flush()
    audit(session, actor, grant.id, "assess", before, _snapshot(grant))
    return grant


# --- the decision ------------------------------------------------------------------------------------------


def longest_end(start: dt.date, until: dt.date | None) -> dt.date:
    """The last day a grant from `start` may have (the disability period, at most 3 years)."""
    return rules.grant_period(start, until)[1]


async def decide_request(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    *,
    expected_version: int | None,
    outcome: str | None = None,
    reasons: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    today: dt.date | None = None,
) -> AssistantGrant:
    """Grants the service (from `valid_from` to `valid_to`, by default to the end the rules allow: the
    disability period, at most 3 years) with the hours assessed, or refuses it; always with reasons."""
    grant = await locked_grant(session, actor, grant_id, expected_version)
    if grant.status != "requested":
        raise Conflict(DECIDED)
    day = today or municipal_today()
    errors: dict[str, list[str]] = {}
    if outcome not in ("granted", "refused"):
        errors["outcome"] = [OUTCOME_NEEDED]
    text = (reasons or "").strip()
    if not text:
        errors["reasons"] = [REASONS_NEEDED]
    end: dt.date | None = None
    if outcome == "granted":
        if grant.refusals:
            errors["outcome"] = [NOT_ELIGIBLE]
        if valid_from is None:
            errors["valid_from"] = [START_NEEDED]
        elif valid_from < grant.requested_on:
            errors["valid_from"] = [START_BEFORE_REQUEST]
        else:
            await _lock_person(session, grant.person_id)
            limit = longest_end(valid_from, await disability_until(session, grant.person_id, valid_from))
            end = valid_to or limit
            if end <= valid_from:
                errors["valid_to"] = [END_BEFORE_START]
            elif end > limit:
                errors["valid_to"] = [END_TOO_LATE]
            elif await _overlapping(session, grant, valid_from, end):
                errors["valid_from"] = [OVERLAP]
    if errors:
        raise InvalidInput(errors)
    before = _snapshot(grant)
    grant.status = outcome or ""
    grant.reasons = text
    grant.decided_on = day
    grant.decided_by = actor.user_id
    if outcome == "granted":
        grant.valid_from, grant.valid_to, grant.monthly_hours = valid_from, end, grant.assessed_hours
    grant.version += 1
    await session.flush()
    audit(session, actor, grant.id, "decide", before, _snapshot(grant))
    return grant


async def _overlapping(session: AsyncSession, grant: AssistantGrant, start: dt.date, end: dt.date) -> bool:
    clash = await session.scalar(
        select(AssistantGrant.id).where(
            AssistantGrant.person_id == grant.person_id,
            AssistantGrant.id != grant.id,
            AssistantGrant.status == "granted",
            AssistantGrant.valid_from <= end,
            AssistantGrant.valid_to >= start,
        )
    )
    return clash is not None
