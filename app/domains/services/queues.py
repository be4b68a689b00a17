"""Waiting lists: registering a person, changing an entry's state, reading a list with its positions.

Every act is one transaction, audited, and checks QUEUE_MANAGE. An act that changes a list locks the
list's open entries first (in a stable order), so two acts on one list see each other's result and the
positions they announce are the real ones. People whose number changed because of the act are told
("queue position changed"), the person offered a place is told of the offer ("place offered"), each by
the channels they chose; the entry of the act itself gets no position notice (the worker tells them)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.cases.access import municipal_today
from app.domains.people.codes import display_code
from app.domains.people.models import Person
from app.domains.services import queue_rules as rules
from app.domains.services.models import QueueEntry, ServiceType
from app.domains.services.queue_providers import provider_choices
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.notifications.events import Localized, publish
from app.permissions import Permission

NO_SUCH_ENTRY = N_("No such waiting-list entry.")
NO_SUCH_SERVICE = N_("Choose a service that keeps a waiting list.")
NO_SUCH_PERSON = N_("Choose the person to register.")
SERVICE_ENDED = N_("The service is no longer provided: nobody new can join its waiting list.")
NO_SUCH_PROVIDER = N_("Choose a provider registered for this service, or the municipality's own list.")
ALREADY_IN_LIST = N_("The person is already in this waiting list.")
PRIORITY_REASON = N_("Give the reason for the priority (the rule that grants it).")
PLACE_NEEDED = N_("Name the place offered.")
ANSWER_BY_NEEDED = N_("Give the day by which the person must answer the offer.")
ANSWER_BY_PAST = N_("The day to answer cannot be in the past.")
FUTURE_REGISTRATION = N_("The registration cannot be in the future.")
STALE = N_("Someone else changed this entry meanwhile. Reload the page and try again.")
MAX_TEXT = 500


def _snapshot(entry: QueueEntry) -> dict[str, Any]:
    return {
        "service_type_id": entry.service_type_id,
        "provider_id": entry.provider_id,
        "person_id": entry.person_id,
        "registered_at": entry.registered_at,
        "priority": entry.priority,
        "priority_reason": entry.priority_reason,
        "state": entry.state,
        "reason": entry.reason,
        "offered_place": entry.offered_place,
        "offer_answer_by": entry.offer_answer_by,
    }


def _as_rule_entry(entry: QueueEntry) -> rules.QueueEntry:
    return rules.QueueEntry(entry.id, entry.registered_at, entry.priority, entry.state)


def _same_list(service_type_id: uuid.UUID, provider_id: uuid.UUID | None) -> list[Any]:
    provider = (
        QueueEntry.provider_id.is_(None) if provider_id is None else QueueEntry.provider_id == provider_id
    )
    return [QueueEntry.service_type_id == service_type_id, provider]


async def _lock_list(
    session: AsyncSession, service_type_id: uuid.UUID, provider_id: uuid.UUID | None
) -> list[QueueEntry]:
    """The list's open entries, locked in id order (so concurrent acts cannot deadlock each other)."""
    stmt = (
        select(QueueEntry)
        .where(*_same_list(service_type_id, provider_id), QueueEntry.state.in_(rules.HOLDS_PLACE))
        .order_by(QueueEntry.id)
        .with_for_update()
    )
    return list((await session.scalars(stmt)).all())


async def _service(session: AsyncSession, service_type_id: uuid.UUID | None) -> ServiceType | None:
    if service_type_id is None:
        return None
    service = await session.scalar(select(ServiceType).where(ServiceType.id == service_type_id))
    return service if service is not None and service.keeps_waiting_list else None


async def register_entry(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: uuid.UUID | None,
    service_type_id: uuid.UUID | None,
    provider_id: uuid.UUID | None = None,
    priority: bool = False,
    priority_reason: str | None = None,
    registered_at: dt.datetime | None = None,
    note: str | None = None,
) -> QueueEntry:
    """Puts the person in the list: at the end of their group (priority or not) unless an earlier moment
    of registration is given (an application received before, entered now)."""
    actor.require(Permission.QUEUE_MANAGE)
    assert actor.tenant_id is not None
    errors: dict[str, list[str]] = {}
    service = await _service(session, service_type_id)
    if service is None:
        errors["service_type_id"] = [NO_SUCH_SERVICE]
    elif service.valid_to is not None and service.valid_to < municipal_today():
        errors["service_type_id"] = [SERVICE_ENDED]
    person = await session.scalar(select(Person.id).where(Person.id == person_id)) if person_id else None
    if person is None:
        errors["person_id"] = [NO_SUCH_PERSON]
    reason = (priority_reason or "").strip()[:MAX_TEXT] or None
    if priority and reason is None:
        errors["priority_reason"] = [PRIORITY_REASON]
    now = dt.datetime.now(dt.UTC)
    if registered_at is not None and registered_at > now:
        errors["registered_at"] = [FUTURE_REGISTRATION]
    if (
        provider_id is not None
        and service is not None
        and provider_id not in dict(await provider_choices(session, service, municipal_today()))
    ):
        errors["provider_id"] = [NO_SUCH_PROVIDER]
    if errors:
        raise InvalidInput(errors)
    assert service is not None and person_id is not None
    open_entries = await _lock_list(session, service.id, provider_id)
    if any(e.person_id == person_id for e in open_entries):
        raise InvalidInput({"person_id": [ALREADY_IN_LIST]})
    entry = QueueEntry(
        tenant_id=actor.tenant_id,
        service_type_id=service.id,
        provider_id=provider_id,
        person_id=person_id,
        registered_at=registered_at or now,
        priority=priority,
        priority_reason=reason if priority else None,
        state=rules.WAITING,
        state_since=now,
        note=(note or "").strip() or None,
        created_by=actor.user_id,
    )
    session.add(entry)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="services:queue:register",
        entity_type="queue_entry",
        entity_id=entry.id,
        after=_snapshot(entry),
    )
    # An entry registered earlier (or with priority) moves those behind it down.
    before = rules.positions(_as_rule_entry(e) for e in open_entries)
    after = rules.positions(_as_rule_entry(e) for e in [*open_entries, entry])
    await _tell_moved(session, service, [*open_entries, entry], before, after, skip=entry.id)
    return entry


async def change_entry(
    session: AsyncSession,
    actor: Actor,
    entry_id: uuid.UUID,
    *,
    state: str | None,
    expected_version: int | None,
    reason: str | None = None,
    offered_place: str | None = None,
    offer_answer_by: dt.date | None = None,
    today: dt.date | None = None,
) -> QueueEntry:
    """Offer a place, admit, postpone (the place kept), return to waiting, withdraw or remove (with a
    reason). Refused with field messages; 404 for an entry of another municipality; 409 when stale."""
    actor.require(Permission.QUEUE_MANAGE)
    found = await session.scalar(select(QueueEntry).where(QueueEntry.id == entry_id))
    if found is None:
        raise NotFound(NO_SUCH_ENTRY)
    service = await session.scalar(select(ServiceType).where(ServiceType.id == found.service_type_id))
    assert service is not None
    open_entries = await _lock_list(session, found.service_type_id, found.provider_id)
    entry = next((e for e in open_entries if e.id == entry_id), None)
    if entry is None:  # closed meanwhile (or before): lock the row itself to read its state
        entry = await session.scalar(select(QueueEntry).where(QueueEntry.id == entry_id).with_for_update())
        assert entry is not None
    if expected_version is not None and expected_version != entry.version:
        raise Conflict(STALE)
    text = (reason or "").strip()[:MAX_TEXT] or None
    errors: dict[str, list[str]] = {}
    messages = rules.check_transition(entry.state, state, reason=text)
    if messages:
        errors["state"] = messages
    place = (offered_place or "").strip()[:300] or None
    if state == rules.OFFERED and not messages:
        if place is None:
            errors["offered_place"] = [PLACE_NEEDED]
        if offer_answer_by is None:
            errors["offer_answer_by"] = [ANSWER_BY_NEEDED]
        elif offer_answer_by < (today or municipal_today()):
            errors["offer_answer_by"] = [ANSWER_BY_PAST]
    if errors:
        raise InvalidInput(errors)
    assert state is not None
    before_snapshot = _snapshot(entry)
    before = rules.positions(_as_rule_entry(e) for e in open_entries)
    entry.state = state
    entry.state_since = dt.datetime.now(dt.UTC)
    entry.reason = text if state in (rules.REMOVED, rules.WITHDRAWN, rules.POSTPONED) else None
    entry.offered_place = place if state == rules.OFFERED else None
    entry.offer_answer_by = offer_answer_by if state == rules.OFFERED else None
    entry.version += 1
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=f"services:queue:{state}",
        entity_type="queue_entry",
        entity_id=entry.id,
        before=before_snapshot,
        after=_snapshot(entry),
    )
    after = rules.positions(_as_rule_entry(e) for e in open_entries)
    await _tell_moved(session, service, open_entries, before, after, skip=entry.id)
    if state == rules.OFFERED:
        assert place is not None and offer_answer_by is not None
        await publish(
            session,
            "place_offered",
            person_id=entry.person_id,
            variables={
                "queue_name": _name(service),
                "place_name": place,
                "answer_by": offer_answer_by,
            },
            dedup_key=f"offer:{entry.id}:{entry.version}",
        )
    return entry


def _name(service: ServiceType) -> Localized:
    return Localized(lv=service.name_lv, en=service.name_en)


async def _tell_moved(
    session: AsyncSession,
    service: ServiceType,
    entries: list[QueueEntry],
    before: dict[uuid.UUID, rules.Position],
    after: dict[uuid.UUID, rules.Position],
    *,
    skip: uuid.UUID,
) -> None:
    persons = {e.id: e.person_id for e in entries}
    for entry_id, (_, new) in rules.changed_positions(before, after).items():
        if entry_id == skip or new is None:
            continue
        await publish(
            session,
            "queue_position_changed",
            person_id=persons[entry_id],
            variables={"queue_name": _name(service), "position": new},
        )


async def waiting_list(
    session: AsyncSession,
    actor: Actor,
    service_type_id: uuid.UUID,
    provider_id: uuid.UUID | None = None,
) -> list[tuple[QueueEntry, rules.Position]]:
    """The list's open entries in their order, each with its position and its explanation."""
    actor.require(Permission.QUEUE_VIEW)
    stmt = select(QueueEntry).where(
        *_same_list(service_type_id, provider_id), QueueEntry.state.in_(rules.HOLDS_PLACE)
    )
    entries = list((await session.scalars(stmt)).all())
    places = rules.positions(_as_rule_entry(e) for e in entries)
    return sorted(((e, places[e.id]) for e in entries), key=lambda pair: pair[1].number)


@dataclass(frozen=True)
class ListedEntry:
    entry: QueueEntry
    position: rules.Position
    person_name: str
    personal_code: str | None


async def waiting_list_page(
    session: AsyncSession, actor: Actor, service_type_id: uuid.UUID, provider_id: uuid.UUID | None = None
) -> tuple[ServiceType, list[ListedEntry]]:
    """The service and its list (the municipality's own, or `provider_id`'s), each entry with its person;
    404 for a service that keeps no list or is another municipality's."""
    service = await _service(session, service_type_id)
    if service is None:
        raise NotFound(NO_SUCH_SERVICE)
    listed = await waiting_list(session, actor, service.id, provider_id)
    ids = [entry.person_id for entry, _ in listed]
    people = {
        row.id: row
        for row in await session.execute(
            select(Person.id, Person.first_name, Person.last_name, Person.personal_code).where(
                Person.id.in_(ids)
            )
        )
    }
    return service, [
        ListedEntry(
            entry,
            position,
            f"{people[entry.person_id].first_name} {people[entry.person_id].last_name}",
            display_code(people[entry.person_id].personal_code),
        )
        for entry, position in listed
    ]


async def lists_overview(session: AsyncSession, actor: Actor) -> list[tuple[ServiceType, int]]:
    """The services that keep a waiting list, with how many hold a place in each."""
    actor.require(Permission.QUEUE_VIEW)
    counts = (
        select(QueueEntry.service_type_id, func.count().label("n"))
        .where(QueueEntry.state.in_(rules.HOLDS_PLACE))
        .group_by(QueueEntry.service_type_id)
        .subquery()
    )
    rows = await session.execute(
        select(ServiceType, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.service_type_id == ServiceType.id)
        .where(ServiceType.keeps_waiting_list.is_(True))
        .order_by(ServiceType.name_lv)
    )
    return [(service, int(n)) for service, n in rows.tuples()]


async def list_of_entry(
    session: AsyncSession, actor: Actor, entry_id: uuid.UUID
) -> tuple[uuid.UUID, uuid.UUID | None]:
    """The service and provider whose list the entry is in; 404 for an unknown entry or another
    municipality's."""
    actor.require(Permission.QUEUE_VIEW)
    found = (
        await session.execute(
            select(QueueEntry.service_type_id, QueueEntry.provider_id).where(QueueEntry.id == entry_id)
        )
    ).first()
    if found is None:
        raise NotFound(NO_SUCH_ENTRY)
    return found[0], found[1]
