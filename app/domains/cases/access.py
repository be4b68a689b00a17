"""The one way to reach a case (design §6, conventions #5).

A sensitive case (a violence victim's, for instance) is visible only to its responsible worker and the
staff assigned to it. Everyone else, whatever their roles, is answered exactly as for a case that does
not exist: the same NotFound, and the case is missing from every list, count, search, timeline,
document list and download. So every read of cases — here, in queries.py and in app/documents — filters
with `visible_to(actor)`, and every view of one case goes through `view_case`, which also writes the
access log for the case's client (for a household's case: each current member)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_access
from app.auth.principal import Actor
from app.domains.cases.models import Case, CaseAssignment
from app.domains.households.models import HouseholdMember
from app.errors import NotFound
from app.i18n import N_, TIMEZONE
from app.permissions import Permission

NO_SUCH_CASE = N_("No such case.")
# Why a case was opened (the access log's purpose); the people domain's purposes plus the API's.
PURPOSES = ("case_work", "assessment", "benefit_decision", "service_provision", "supervision", "api")


def municipal_today() -> dt.date:
    """Today on the municipalities' clock (Europe/Riga), whatever the server's zone."""
    return dt.datetime.now(TIMEZONE).date()


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition "the actor may see this case" over `Case`: this municipality's, and not
    sensitive, or the actor is its responsible worker, or assigned to it. Without a municipality: none."""
    if actor.tenant_id is None:
        return false()
    assigned = exists().where(
        CaseAssignment.tenant_id == Case.tenant_id,
        CaseAssignment.case_id == Case.id,
        CaseAssignment.user_id == actor.user_id,
    )
    return and_(
        Case.tenant_id == actor.tenant_id,
        or_(Case.sensitive.is_(False), Case.responsible_user_id == actor.user_id, assigned),
    )


def hidden_from(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition "the actor may not see this case" over `Case`: `visible_to` negated, NULL-safe
    (a restricted case without a responsible worker makes `visible_to` NULL, not false). For readers
    that must leave out or redact what a case they may not see would tell: the audit viewer."""
    return visible_to(actor).is_not(true())


async def access_case(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    permission: Permission = Permission.CASE_VIEW,
    lock: str | None = None,
) -> Case:
    """The case if the actor may see it (and holds `permission` as well as CASE_VIEW), else NotFound.
    Writes no access log: acts use this, with `lock` "update" to lock the row they change or "share"
    to keep it from changing meanwhile; views use `view_case`."""
    actor.require(Permission.CASE_VIEW)
    if permission is not Permission.CASE_VIEW:
        actor.require(permission)
    stmt = select(Case).where(Case.id == case_id, visible_to(actor))
    if lock is not None:
        stmt = stmt.with_for_update(read=lock == "share", of=Case)
    case = (await session.execute(stmt)).scalar_one_or_none()
    if case is None:
        raise NotFound(NO_SUCH_CASE)
    return case


async def client_person_ids(session: AsyncSession, case: Case, on: dt.date) -> list[uuid.UUID]:
    """Whose data a view of the case shows: the person, or the household's members on `on`."""
    if case.person_id is not None:
        return [case.person_id]
    rows = await session.scalars(
        select(HouseholdMember.person_id)
        .where(
            HouseholdMember.household_id == case.household_id,
            HouseholdMember.joined_on <= on,
            or_(HouseholdMember.left_on.is_(None), HouseholdMember.left_on >= on),
        )
        .order_by(HouseholdMember.person_id)
        .distinct()
    )
    return list(rows)


async def log_case_view(
    session: AsyncSession, actor: Actor, case: Case, *, purpose: str = "case_work", detail: str | None = None
) -> None:
    """The access log for one view of the case: one row per client person, context "case:<number>".

    A restricted case is logged as plain "case": the person's "who viewed" list is read by staff (and
    citizens) who may not know that the case exists, and its number alone would tell them."""
    today = municipal_today()
    context = "case" if case.sensitive else f"case:{case.number}" + (f" {detail}" if detail else "")
    for person_id in await client_person_ids(session, case, today):
        record_access(
            session,
            user_id=actor.user_id,
            person_id=person_id,
            purpose=purpose if purpose in PURPOSES else "case_work",
            context=context[:300],
        )


async def view_case(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    purpose: str = "case_work",
    detail: str | None = None,
) -> Case:
    """Every view of a case: permission, visibility (NotFound for "not yours" as for "not there") and the
    access log, in the request's transaction."""
    case = await access_case(session, actor, case_id)
    await log_case_view(session, actor, case, purpose=purpose, detail=detail)
    return case


def _case_number(word: str) -> str | None:
    kind, _, value = word.partition(":")
    return value if kind == "case" and value else None


async def redact_access_contexts(
    session: AsyncSession, actor: Actor, contexts: Iterable[str | None]
) -> dict[str, str]:
    """Access-log contexts as `actor` may read them: "case:<number> …" of a case hidden from the actor
    (made restricted after it was viewed) becomes plain "case". One statement, none without case numbers.
    Returns {context: shown context} for the contexts that change."""
    words = {c: c.split(" ") for c in contexts if c}
    numbers = {n for parts in words.values() for w in parts if (n := _case_number(w))}
    if not numbers:
        return {}
    hidden = set(
        await session.scalars(select(Case.number).where(Case.number.in_(numbers), hidden_from(actor)))
    )
    return {
        context: "case" for context, parts in words.items() if any(_case_number(w) in hidden for w in parts)
    }
