"""Acts on family relationships (radniecība): both directions written and removed together, so the graph
stays symmetric; each act locks both persons' rows (in id order) before reading what is recorded, so two
concurrent acts cannot give a person two current spouses."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.households.models import Relationship
from app.domains.households.rules import Related, inverse_kind, relationship_errors
from app.domains.households.service import NO_PERSON, lock_persons
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

NO_RELATIONSHIP = N_("No such relationship.")


async def _relations(
    session: AsyncSession, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Related]]:
    rows = await session.execute(
        select(
            Relationship.person_id, Relationship.related_person_id, Relationship.kind, Relationship.valid_to
        ).where(Relationship.person_id.in_(person_ids))
    )
    found: dict[uuid.UUID, list[Related]] = {pid: [] for pid in person_ids}
    for r in rows:
        found[r.person_id].append(Related(r.related_person_id, r.kind, r.valid_to))
    return found


async def add_relationship(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: uuid.UUID,
    related_person_id: uuid.UUID | None,
    kind: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    today: dt.date,
) -> Relationship:
    """Records that the related person is the person's `kind` (e.g. parent), and the inverse (the person
    is the related person's child) in the same transaction. Refused: see `rules.relationship_errors`.
    Returns the person's direction."""
    actor.require(Permission.PERSON_EDIT)
    ids = [person_id] + ([related_person_id] if related_person_id else [])
    persons = await lock_persons(session, ids)  # both, in id order: the spouse rule reads both sides
    if person_id not in persons:
        raise NotFound(NO_PERSON)
    if related_person_id is not None and related_person_id not in persons:
        raise InvalidInput({"related_person_id": [NO_PERSON]})
    relations = await _relations(session, ids)
    related = persons.get(related_person_id) if related_person_id else None
    errors = relationship_errors(
        kind,
        person_id=person_id,
        related_person_id=related_person_id,
        person_birth=persons[person_id].birth_date,
        related_birth=related.birth_date if related else None,
        valid_from=valid_from,
        valid_to=valid_to,
        person_relations=relations[person_id],
        related_relations=relations.get(related_person_id, []) if related_person_id else [],
        today=today,
    )
    if errors:
        raise InvalidInput(errors)
    assert related_person_id is not None
    mine = Relationship(
        tenant_id=actor.tenant_id,
        person_id=person_id,
        related_person_id=related_person_id,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    theirs = Relationship(
        tenant_id=actor.tenant_id,
        person_id=related_person_id,
        related_person_id=person_id,
        kind=inverse_kind(kind),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add_all([mine, theirs])
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:relationship:add",
        entity_type="relationship",
        entity_id=mine.id,
        after={
            "person_id": person_id,
            "related_person_id": related_person_id,
            "kind": kind,
            "inverse_kind": theirs.kind,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return mine


def _edge(person_id: uuid.UUID, related_person_id: uuid.UUID, kind: str) -> ColumnElement[bool]:
    return and_(
        Relationship.person_id == person_id,
        Relationship.related_person_id == related_person_id,
        Relationship.kind == kind,
    )


async def remove_relationship(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, relationship_id: uuid.UUID
) -> None:
    """Removes the relationship (one of `person_id`'s, either direction given) and its inverse."""
    actor.require(Permission.PERSON_EDIT)
    found = await session.scalar(select(Relationship).where(Relationship.id == relationship_id))
    if found is None or person_id not in (found.person_id, found.related_person_id):
        raise NotFound(NO_RELATIONSHIP)
    a, b, kind = found.person_id, found.related_person_id, found.kind
    before = {
        "person_id": a,
        "related_person_id": b,
        "kind": kind,
        "inverse_kind": inverse_kind(kind),
        "valid_from": found.valid_from,
        "valid_to": found.valid_to,
    }
    await lock_persons(session, [a, b])
    removed = await session.execute(
        delete(Relationship)
        .where(
            (
                (Relationship.person_id == a)
                & (Relationship.related_person_id == b)
                & (Relationship.kind == kind)
            )
            | (
                (Relationship.person_id == b)
                & (Relationship.related_person_id == a)
                & (Relationship.kind == inverse_kind(kind))
            )
        )
        .returning(Relationship.id)
        .execution_options(synchronize_session=False)
    )
    if not removed.scalars().all():  # removed by a concurrent act meanwhile
        raise NotFound(NO_RELATIONSHIP)
    session.expunge(found)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:relationship:remove",
        entity_type="relationship",
        entity_id=relationship_id,
        before=before,
    )
