"""Acts on the case timeline: recording an entry (note, journal entry, home visit, consultation, call,
meeting, other activity) and correcting one (its author or the case's responsible worker; entries carry no
version column, so their last change time is the optimistic lock), and the activity report, a read with a
permission rule. As in service.py: permission, the case through `access.access_case`, the change log in the
same transaction, no commit. The change log holds an entry's facts, never its texts (see service.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.cases import rules
from app.domains.cases.access import access_case
from app.domains.cases.models import Case, CaseEntry
from app.domains.cases.queries import CASEWORK_ROLES, is_staff, user_names
from app.domains.cases.service import NOT_CASEWORKER, changes, require_open
from app.domains.cases.timeline_queries import activity_rows
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import N_, latvian_sort_key
from app.permissions import Permission

STALE_ENTRY = N_("Someone else changed this entry meanwhile. Reload the page to see the changes.")
NOT_AUTHOR = N_("Only the author of the entry or the case's responsible worker can change it.")


# --- the timeline -----------------------------------------------------------------------------------------


def _entry_facts(entry: CaseEntry) -> dict[str, Any]:
    return {
        "entry_kind": entry.kind,
        "occurred_on": entry.occurred_on,
        "duration_minutes": entry.duration_minutes,
        "staff_user_id": entry.staff_user_id,
        "subject": entry.subject,
        # The texts' sizes only (see the module's note): enough to see that they changed.
        "text_length": len(entry.body or ""),
        "findings_length": len(entry.findings or ""),
    }


async def _check_entry(
    session: AsyncSession,
    actor: Actor,
    case: Case,
    draft: rules.EntryDraft,
    today: dt.date,
    default_staff: uuid.UUID,
) -> tuple[rules.CleanEntry, uuid.UUID]:
    errors: rules.Errors = {}
    clean = rules.check_entry(draft, opened_on=case.opened_on, today=today, errors=errors)
    staff = draft.staff_user_id if isinstance(draft.staff_user_id, uuid.UUID) else default_staff
    if "staff_user_id" not in errors:
        assert actor.tenant_id is not None
        if not await is_staff(session, actor.tenant_id, staff, CASEWORK_ROLES):
            errors["staff_user_id"] = [NOT_CASEWORKER]
    if errors:
        raise InvalidInput(errors)
    return clean, staff


async def add_entry(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, draft: rules.EntryDraft, *, today: dt.date
) -> CaseEntry:
    """Records a note, journal entry, home visit, consultation, call, meeting or other activity."""
    # A shared lock: entries may be added side by side, but not while the case is being closed.
    case = await access_case(session, actor, case_id, permission=Permission.CASE_NOTE_ADD, lock="share")
    require_open(case)
    clean, staff = await _check_entry(session, actor, case, draft, today, actor.user_id)
    assert actor.tenant_id is not None
    entry = CaseEntry(
        tenant_id=actor.tenant_id,
        case_id=case.id,
        kind=clean.kind,
        occurred_on=clean.occurred_on,
        duration_minutes=clean.duration_minutes,
        staff_user_id=staff,
        subject=clean.subject,
        body=clean.body,
        findings=clean.findings,
        created_by=actor.user_id,
    )
    session.add(entry)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="cases:entry:add",
        entity_type="case_entry",
        entity_id=entry.id,
        after={"case": case.number, **_entry_facts(entry)},
    )
    return entry


def entry_stamp(entry: CaseEntry) -> str:
    """The optimistic-lock token of an entry (entries carry no version column): its last change time."""
    return (entry.updated_at or entry.created_at).isoformat()


async def edit_entry(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    entry_id: uuid.UUID,
    draft: rules.EntryDraft,
    *,
    stamp: str | None,
    today: dt.date,
) -> CaseEntry:
    """Corrects an entry: its author or the case's responsible worker; a stale `stamp` is 409."""
    case = await access_case(session, actor, case_id, permission=Permission.CASE_NOTE_ADD, lock="share")
    entry = await session.scalar(
        select(CaseEntry).where(CaseEntry.id == entry_id, CaseEntry.case_id == case.id).with_for_update()
    )
    if entry is None:
        raise NotFound(N_("No such entry."))
    if actor.user_id not in (entry.created_by, case.responsible_user_id):
        raise Forbidden(NOT_AUTHOR)
    require_open(case)
    if stamp is not None and stamp != entry_stamp(entry):
        raise Conflict(STALE_ENTRY)
    # No worker named: the entry keeps its own (not the corrector's).
    clean, staff = await _check_entry(session, actor, case, draft, today, entry.staff_user_id)
    before = _entry_facts(entry)
    old_texts = (entry.body, entry.findings)
    entry.kind, entry.occurred_on, entry.duration_minutes = (
        clean.kind,
        clean.occurred_on,
        clean.duration_minutes,
    )
    entry.staff_user_id, entry.subject, entry.body, entry.findings = (
        staff,
        clean.subject,
        clean.body,
        clean.findings,
    )
    old, new = changes(before, _entry_facts(entry))
    if new or old_texts != (entry.body, entry.findings):
        entry.updated_at = dt.datetime.now(dt.UTC)
        record_change(
            session,
            actor_user_id=actor.user_id,
            action="cases:entry:edit",
            entity_type="case_entry",
            entity_id=entry.id,
            before={"case": case.number, **old},
            after={"case": case.number, **new, "texts_changed": old_texts != (entry.body, entry.findings)},
        )
    await session.flush()
    return entry


# --- the activity report ----------------------------------------------------------------------------------


async def activity_report(
    session: AsyncSession, actor: Actor, *, user_id: uuid.UUID | None, first: dt.date, last: dt.date
) -> rules.ActivitySummary:
    """Entries and hours per activity kind and worker within [first, last] (dated days, both included),
    for one worker or (user_id None) all. One's own report is always allowed; anyone else's, or everyone's,
    needs ACTIVITY_REPORT_VIEW. Entries of cases the reader may not see are not counted."""
    actor.require(Permission.CASE_VIEW)
    if user_id != actor.user_id:
        actor.require(Permission.ACTIVITY_REPORT_VIEW)
    errors: rules.Errors = {}
    rules.check_report_period(first, last, errors)
    if errors:
        raise InvalidInput(errors)
    rows = await activity_rows(session, actor, first=first, last=last, user_id=user_id)
    names = await user_names(session, {r[0] for r in rows})
    return rules.summarise_activity(rows, names, sort_key=latvian_sort_key)
