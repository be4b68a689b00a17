"""Acts on the case file: open, edit, close and reopen a case, assign and remove staff (the timeline's acts
are in timeline.py). Each act checks the permission, reaches the case through `access.access_case` (a case
the actor may not see is NotFound), locks the row it changes, writes the change log in the same transaction
and never commits.

The change log holds the facts of a timeline entry (kind, date, duration, worker, subject) but not its
texts: the audit viewer does not know who may read a restricted case, so a note's words stay in the case
file."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.cases import rules
from app.domains.cases.access import access_case
from app.domains.cases.models import Case, CaseAssignment
from app.domains.cases.queries import (
    CASE_VIEW_ROLES,
    household_labels,
    is_staff,
)
from app.domains.people.queries import person_names
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

STALE = N_("Someone else changed the case meanwhile. Reload the page to see the changes, then try again.")
CLOSED = N_("The case is closed. Reopen it to add to it or change it.")
NOT_CASEWORKER = N_("Choose a staff member of this municipality who does case work.")


@dataclass(frozen=True)
class CaseDraft:
    """A case's details as given; `unreadable` holds the edge's messages for fields it could not read."""

    title: str
    case_types: Sequence[str]
    responsible_user_id: uuid.UUID | None
    sensitive: bool = False
    opened_on: dt.date | None = None
    unreadable: Mapping[str, list[str]] = field(default_factory=dict)


def _snapshot(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "title": case.title,
        "case_types": list(case.case_types),
        "sensitive": case.sensitive,
        "responsible_user_id": case.responsible_user_id,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "close_reason": case.close_reason,
    }


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _check_version(case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise Conflict(STALE)


def require_open(case: Case) -> None:
    if case.closed_on is not None:
        raise Conflict(CLOSED)


async def _check_details(
    session: AsyncSession, actor: Actor, draft: CaseDraft, errors: rules.Errors
) -> tuple[str, list[str]]:
    title = rules.clean_line(
        draft.title, "title", rules.MAX_TITLE, errors, required=N_("Enter the case's title.")
    )
    types = rules.chosen_case_types(draft.case_types, errors)
    responsible = draft.responsible_user_id
    if "responsible_user_id" not in errors:
        if responsible is None:
            errors["responsible_user_id"] = [N_("Choose the responsible worker.")]
        elif actor.tenant_id is None or not await is_staff(session, actor.tenant_id, responsible):
            errors["responsible_user_id"] = [NOT_CASEWORKER]
    return title, types


# --- the case ---------------------------------------------------------------------------------------------


async def open_case(
    session: AsyncSession,
    actor: Actor,
    draft: CaseDraft,
    *,
    person_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    today: dt.date,
) -> Case:
    """Opens a case for a person or a household (exactly one), numbered "L-<year>/<n>" by its year."""
    actor.require(Permission.CASE_CREATE)
    if (person_id is None) == (household_id is None):
        raise InvalidInput({"client": [N_("A case is opened for one person or one household.")]})
    if person_id is not None and not await person_names(session, {person_id}):
        raise NotFound(N_("No such person."))
    if household_id is not None and not await household_labels(session, {household_id}):
        raise NotFound(N_("No such household."))
    errors: rules.Errors = {k: list(v) for k, v in draft.unreadable.items()}
    title, types = await _check_details(session, actor, draft, errors)
    rules.check_opened_on(draft.opened_on, today, errors)
    if errors:
        raise InvalidInput(errors)
    assert draft.opened_on is not None and actor.tenant_id is not None
    year = draft.opened_on.year
    value = await next_number(session, actor.tenant_id, rules.CASE_SEQUENCE, year)
    case = Case(
        tenant_id=actor.tenant_id,
        number=format_number(rules.CASE_NUMBER_PREFIX, year, value),
        person_id=person_id,
        household_id=household_id,
        title=title,
        case_types=types,
        responsible_user_id=draft.responsible_user_id,
        sensitive=draft.sensitive,
        opened_on=draft.opened_on,
    )
    session.add(case)
    await session.flush()
    after = _snapshot(case) | {"person_id": person_id, "household_id": household_id}
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="cases:case:open",
        entity_type="case",
        entity_id=case.id,
        after={k: v for k, v in after.items() if v is not None},
    )
    return case


async def edit_case(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, draft: CaseDraft, *, version: int | None
) -> Case:
    """Changes the title, types, sensitivity and responsible worker (CASE_EDIT; stale version: 409)."""
    case = await access_case(session, actor, case_id, permission=Permission.CASE_EDIT, lock="update")
    _check_version(case, version)
    errors: rules.Errors = {k: list(v) for k, v in draft.unreadable.items()}
    title, types = await _check_details(session, actor, draft, errors)
    if errors:
        raise InvalidInput(errors)
    before = _snapshot(case)
    case.title, case.case_types, case.sensitive = title, types, draft.sensitive
    case.responsible_user_id = draft.responsible_user_id
    old, new = changes(before, _snapshot(case))
    if new:
        case.version += 1
        record_change(
            session,
            actor_user_id=actor.user_id,
            action="cases:case:edit",
            entity_type="case",
            entity_id=case.id,
            before=old,
            after=new,
        )
    await session.flush()
    return case


async def close_case(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    closed_on: dt.date | None,
    reason: str,
    version: int | None,
    today: dt.date,
    unreadable: Mapping[str, list[str]] | None = None,
) -> Case:
    case = await access_case(session, actor, case_id, permission=Permission.CASE_EDIT, lock="update")
    _check_version(case, version)
    if case.closed_on is not None:
        raise Conflict(N_("The case is already closed."))
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    reason = rules.clean_line(reason, "reason", rules.MAX_REASON, errors, required=None)
    rules.check_closing(case.opened_on, closed_on, reason, today, errors)
    if errors:
        raise InvalidInput(errors)
    case.closed_on, case.close_reason = closed_on, reason
    case.version += 1
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="cases:case:close",
        entity_type="case",
        entity_id=case.id,
        after={"number": case.number, "closed_on": closed_on, "close_reason": reason},
    )
    await session.flush()
    return case


async def reopen_case(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, *, version: int | None
) -> Case:
    case = await access_case(session, actor, case_id, permission=Permission.CASE_EDIT, lock="update")
    _check_version(case, version)
    if case.closed_on is None:
        raise Conflict(N_("The case is open already."))
    before = {"number": case.number, "closed_on": case.closed_on, "close_reason": case.close_reason}
    case.closed_on, case.close_reason = None, None
    case.version += 1
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="cases:case:reopen",
        entity_type="case",
        entity_id=case.id,
        before=before,
        after={"number": case.number, "closed_on": None},
    )
    await session.flush()
    return case


# --- assigned staff ---------------------------------------------------------------------------------------


async def assign_staff(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, user_id: uuid.UUID | None
) -> None:
    """Gives another staff member the case (and so, for a sensitive case, the right to see it)."""
    case = await access_case(session, actor, case_id, permission=Permission.CASE_EDIT, lock="update")
    assert actor.tenant_id is not None
    if user_id is None:
        raise InvalidInput({"user_id": [N_("Choose a staff member.")]})
    if not await is_staff(session, actor.tenant_id, user_id, CASE_VIEW_ROLES):
        raise InvalidInput(
            {"user_id": [N_("Choose a staff member of this municipality who works with cases.")]}
        )
    if user_id == case.responsible_user_id:
        raise InvalidInput({"user_id": [N_("This staff member is the case's responsible worker.")]})
    existing = await session.scalar(
        select(CaseAssignment.id).where(CaseAssignment.case_id == case.id, CaseAssignment.user_id == user_id)
    )
    if existing is not None:
        raise InvalidInput({"user_id": [N_("This staff member is already assigned to the case.")]})
    assignment = CaseAssignment(tenant_id=actor.tenant_id, case_id=case.id, user_id=user_id)
    session.add(assignment)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:  # cannot happen under the case's row lock; kept as the database's last word
        raise InvalidInput({"user_id": [N_("This staff member is already assigned to the case.")]}) from None
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="cases:assignment:add",
        entity_type="case_assignment",
        entity_id=assignment.id,
        after={"case": case.number, "case_id": case.id, "user_id": user_id},
    )


async def unassign_staff(session: AsyncSession, actor: Actor, case_id: uuid.UUID, user_id: uuid.UUID) -> None:
    case = await access_case(session, actor, case_id, permission=Permission.CASE_EDIT, lock="update")
    assignment = await session.scalar(
        select(CaseAssignment).where(CaseAssignment.case_id == case.id, CaseAssignment.user_id == user_id)
    )
    if assignment is None:
        raise NotFound(N_("This staff member is not assigned to the case."))
    await session.execute(delete(CaseAssignment).where(CaseAssignment.id == assignment.id))
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="cases:assignment:remove",
        entity_type="case_assignment",
        entity_id=assignment.id,
        before={"case": case.number, "case_id": case.id, "user_id": user_id},
    )
