"""Complaints against the real database (built by the migrations, as app_rw under RLS): registering with a
number and the municipality's answer period, assigning, answering, closing; every refusal leaving nothing
behind; stale versions; permissions; another municipality seeing nothing; the deadline reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AccessLog, ChangeLog
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.domains.complaints import rules
from app.domains.complaints.models import Complaint
from app.domains.complaints.queries import complaint_card, complaint_list_page
from app.domains.complaints.reminders import DEADLINE_NEAR, OVERDUE, send_complaint_reminders_sync
from app.domains.complaints.service import (
    ONLY_SELF,
    answer_complaint,
    assign_complaint,
    close_complaint,
    register_complaint,
)
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.notifications.inbox_models import InboxItem
from app.pagination import decode_day_cursor
from tests.factories import controls as f
from tests.factories.households import add_person
from tests.factories.people import actor_for, run_act
from tests.factories.staff import create_staff

D = dt.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def ground(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, Any]:
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Ilze Kalniņa")
    other = create_staff(rw_sessions, {tenant_a: ["case_manager"]}, full_name="Pēteris Ozols")
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, full_name="Dace Vadītāja")
    accountant = create_staff(rw_sessions, {tenant_a: ["accountant"]})
    return {
        "client": add_person(rw_sessions, tenant_a, "Anna", "Liepiņa", D(1950, 5, 1)),
        "worker": actor_for(tenant_a, "social_worker", user_id=worker),
        "other": actor_for(tenant_a, "case_manager", user_id=other),
        "head": actor_for(tenant_a, "head_of_service", user_id=head),
        "accountant": actor_for(tenant_a, "accountant", user_id=accountant),
    }


def act(settings: Any, tenant: uuid.UUID, fn: Any) -> Any:
    return run_act(settings, tenant, fn)


def count(sessions: sessionmaker[Session], tenant: uuid.UUID, model: Any, *where: Any) -> int:
    with sync_tenant_uow(sessions, tenant) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def register(settings: Any, tenant: uuid.UUID, actor: Any, **given: Any) -> Complaint:
    values: dict[str, Any] = {
        "kind": "complaint",
        "channel": "post",
        "received_on": D(2026, 3, 2),
        "subject": "Par mājas aprūpi",
        "text": "Aprūpētāja divas reizes neieradās.",
        "submitter_name": "Anna Liepiņa",
        "submitter_contact": "Rīgas iela 1, Cēsis",
        "today": TODAY,
    }
    values.update(given)
    return act(settings, tenant, lambda s: register_complaint(s, actor, **values))


def test_registering_numbers_dates_and_audits(settings, rw_sessions, tenant_a, ground) -> None:
    first = register(settings, tenant_a, ground["worker"])
    second = register(settings, tenant_a, ground["worker"], person_id=ground["client"], submitter_name="")
    assert first.number == "S-2026/00001"
    assert second.number == "S-2026/00002"
    assert first.due_on == D(2026, 4, 2)
    assert first.status == "registered"
    assert second.person_id == ground["client"]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        entry = s.scalars(select(ChangeLog).where(ChangeLog.entity_id == first.id)).one()
        assert entry.action == "complaints:complaint:register"
        assert entry.actor_user_id == ground["worker"].user_id
        assert entry.after["number"] == "S-2026/00001"


def test_the_municipality_sets_a_longer_answer_period(settings, maint_engine, tenant_a, ground) -> None:
    f.set_tenant(maint_engine, tenant_a, settings={rules.ANSWER_MONTHS: 2})
    assert register(settings, tenant_a, ground["worker"]).due_on == D(2026, 5, 2)


def test_bad_input_writes_nothing_and_gives_the_number_back(settings, rw_sessions, tenant_a, ground) -> None:
    with pytest.raises(InvalidInput) as refused:
        register(settings, tenant_a, ground["worker"], kind="application", anonymous=True, submitter_name="")
    assert refused.value.errors == {"anonymous": [rules.NOT_ANONYMOUS]}
    with pytest.raises(InvalidInput) as refused:
        register(settings, tenant_a, ground["worker"], person_id=uuid.uuid4(), subject=" ")
    assert set(refused.value.errors) == {"person_id", "subject"}
    assert count(rw_sessions, tenant_a, Complaint) == 0
    assert count(rw_sessions, tenant_a, ChangeLog, ChangeLog.entity_type == "complaint") == 0
    assert register(settings, tenant_a, ground["worker"]).number == "S-2026/00001"


def test_an_anonymous_complaint_is_registered_without_contact_and_closes_unanswered(
    settings, tenant_a, ground
) -> None:
    c = register(
        settings, tenant_a, ground["worker"], anonymous=True, submitter_name="", submitter_contact="x@y.lv"
    )
    assert c.anonymous and c.submitter_contact is None
    closed = act(settings, tenant_a, lambda s: close_complaint(s, ground["worker"], c.id, today=TODAY))
    assert closed.status == "closed" and closed.closed_on == TODAY


def test_assign_answer_close(settings, rw_sessions, tenant_a, ground) -> None:
    c = register(settings, tenant_a, ground["worker"])
    head, worker = ground["head"], ground["worker"]
    assigned = act(
        settings,
        tenant_a,
        lambda s: assign_complaint(s, head, c.id, user_id=worker.user_id, expected_version=c.version),
    )
    assert assigned.status == "assigned" and assigned.assigned_to == worker.user_id
    with pytest.raises(Conflict):
        act(settings, tenant_a, lambda s: close_complaint(s, worker, c.id, expected_version=assigned.version))
    answered = act(
        settings,
        tenant_a,
        lambda s: answer_complaint(
            s,
            worker,
            c.id,
            answer="Pakalpojuma sniedzējs brīdināts.",
            answered_on=D(2026, 3, 9),
            expected_version=assigned.version,
            today=TODAY,
        ),
    )
    assert answered.status == "answered" and answered.answered_by == worker.user_id
    closed = act(
        settings,
        tenant_a,
        lambda s: close_complaint(s, worker, c.id, expected_version=answered.version, today=TODAY),
    )
    assert closed.status == "closed"
    with pytest.raises(Conflict):
        act(settings, tenant_a, lambda s: assign_complaint(s, head, c.id, user_id=worker.user_id))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = s.scalars(
            select(ChangeLog.action).where(ChangeLog.entity_id == c.id).order_by(ChangeLog.id)
        ).all()
    assert actions == [
        "complaints:complaint:register",
        "complaints:complaint:assign",
        "complaints:complaint:answer",
        "complaints:complaint:close",
    ]


def test_a_stale_version_is_refused_and_changes_nothing(settings, rw_sessions, tenant_a, ground) -> None:
    c = register(settings, tenant_a, ground["worker"])
    worker = ground["worker"]
    with pytest.raises(Conflict):
        act(
            settings,
            tenant_a,
            lambda s: assign_complaint(
                s, worker, c.id, user_id=worker.user_id, expected_version=c.version + 1
            ),
        )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalars(select(Complaint.status).where(Complaint.id == c.id)).one() == "registered"


def test_a_bad_answer_writes_nothing(settings, rw_sessions, tenant_a, ground) -> None:
    c = register(settings, tenant_a, ground["worker"])
    with pytest.raises(InvalidInput) as refused:
        act(
            settings,
            tenant_a,
            lambda s: answer_complaint(
                s, ground["worker"], c.id, answer="", answered_on=D(2026, 3, 1), today=TODAY
            ),
        )
    assert refused.value.errors == {"answer": [rules.NO_ANSWER], "answered_on": [rules.ANSWERED_BEFORE]}
    assert count(rw_sessions, tenant_a, ChangeLog, ChangeLog.entity_id == c.id) == 1


def test_permissions(settings, tenant_a, ground) -> None:
    c = register(settings, tenant_a, ground["worker"])
    with pytest.raises(Forbidden):
        register(settings, tenant_a, ground["accountant"])
    with pytest.raises(Forbidden):
        act(settings, tenant_a, lambda s: complaint_card(s, ground["accountant"], c.id, TODAY))
    # A worker takes a complaint over, but only a head of service gives it to someone else.
    other = ground["other"]
    with pytest.raises(Forbidden) as refused:
        act(settings, tenant_a, lambda s: assign_complaint(s, ground["worker"], c.id, user_id=other.user_id))
    assert refused.value.detail == ONLY_SELF
    taken = act(settings, tenant_a, lambda s: assign_complaint(s, other, c.id, user_id=other.user_id))
    assert taken.assigned_to == other.user_id
    # Only a worker who handles complaints may be given one.
    with pytest.raises(InvalidInput):
        act(
            settings,
            tenant_a,
            lambda s: assign_complaint(s, ground["head"], c.id, user_id=ground["accountant"].user_id),
        )


def test_another_municipality_sees_nothing(settings, rw_sessions, tenant_a, tenant_b, ground) -> None:
    c = register(settings, tenant_a, ground["worker"])
    stranger = create_staff(rw_sessions, {tenant_b: ["head_of_service"]})
    outsider = actor_for(tenant_b, "head_of_service", user_id=stranger)
    with pytest.raises(NotFound):
        act(settings, tenant_b, lambda s: complaint_card(s, outsider, c.id, TODAY))
    with pytest.raises(NotFound):
        act(settings, tenant_b, lambda s: close_complaint(s, outsider, c.id))
    page = act(settings, tenant_b, lambda s: complaint_list_page(s, outsider, today=TODAY))
    assert page.rows == ()


def test_the_list_filters_and_pages(settings, tenant_a, ground) -> None:
    worker = ground["worker"]
    made = [register(settings, tenant_a, worker, received_on=D(2026, 1, day)) for day in (5, 6, 7)]
    act(settings, tenant_a, lambda s: assign_complaint(s, worker, made[0].id, user_id=worker.user_id))
    first = act(settings, tenant_a, lambda s: complaint_list_page(s, worker, today=TODAY, limit=2))
    assert [r.id for r in first.rows] == [made[2].id, made[1].id]
    rest = act(
        settings,
        tenant_a,
        lambda s: complaint_list_page(
            s, worker, today=TODAY, limit=2, after=decode_day_cursor(first.next_cursor)
        ),
    )
    assert [r.id for r in rest.rows] == [made[0].id] and rest.next_cursor is None
    mine = act(settings, tenant_a, lambda s: complaint_list_page(s, worker, today=TODAY, mine=True))
    assert [r.id for r in mine.rows] == [made[0].id]
    late = act(
        settings, tenant_a, lambda s: complaint_list_page(s, worker, today=D(2026, 2, 7), overdue=True)
    )
    assert [r.id for r in late.rows] == [made[0].id, made[1].id]  # due 05.02 and 06.02; 07.02 is not late
    assert all(r.overdue for r in late.rows)


def test_deadline_reminders_once_each_to_the_worker_or_the_heads(
    settings, rw_sessions, tenant_a, ground
) -> None:
    worker, head = ground["worker"], ground["head"]
    soon = register(settings, tenant_a, worker, received_on=D(2026, 2, 12))  # due 12.03
    late = register(settings, tenant_a, worker, received_on=D(2026, 2, 1))  # due 01.03
    later = register(settings, tenant_a, worker, received_on=D(2026, 3, 9))  # due 09.04: not yet
    act(settings, tenant_a, lambda s: assign_complaint(s, worker, soon.id, user_id=worker.user_id))
    for expected in ((1, 1), (0, 0)):  # the second run (or the next day's) sends nothing again
        with sync_tenant_uow(rw_sessions, tenant_a) as s:
            summary = send_complaint_reminders_sync(s, TODAY)
        assert (summary.near, summary.overdue) == expected
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        items = s.execute(select(InboxItem.user_id, InboxItem.event, InboxItem.link, InboxItem.params)).all()
    got = {(i.user_id, i.event, i.link) for i in items}
    assert got == {
        (worker.user_id, DEADLINE_NEAR, f"/complaints/{soon.id}"),
        (head.user_id, OVERDUE, f"/complaints/{late.id}"),  # nobody assigned: the heads of service
    }
    near = next(i for i in items if i.event == DEADLINE_NEAR)
    assert near.params == {"complaint_number": soon.number, "deadline": "2026-03-12", "days_left": 2}
    assert later.id not in {i.link for i in items}


def test_viewing_a_clients_complaint_is_written_to_the_access_log(
    settings, rw_sessions, tenant_a, ground
) -> None:
    c = register(settings, tenant_a, ground["worker"], person_id=ground["client"], submitter_name="")
    card = act(settings, tenant_a, lambda s: complaint_card(s, ground["head"], c.id, TODAY))
    assert card.person_name == "Anna Liepiņa" and card.days_left == 23
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        logged = s.execute(
            select(AccessLog.user_id, AccessLog.context).where(AccessLog.person_id == ground["client"])
        )
        assert logged.all() == [(ground["head"].user_id, f"complaint {c.number}")]


def statements_of(settings: Any, tenant_id: uuid.UUID, read: Any) -> tuple[int, Any]:
    async def run() -> tuple[int, Any]:
        engine = make_async_engine(settings.runtime_url())
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        try:
            async with async_session_factory(engine)() as session:
                session.info["tenant_id"] = tenant_id
                await session.execute(text("select 1"))
                statements.clear()
                result = await read(session)
                return len(statements), result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_a_list_page_is_one_query_however_many_rows(settings, tenant_a, ground) -> None:
    worker = ground["worker"]
    for day in range(1, 8):
        c = register(settings, tenant_a, worker, received_on=D(2026, 1, day), person_id=ground["client"])
        act(settings, tenant_a, lambda s, c=c: assign_complaint(s, worker, c.id, user_id=worker.user_id))
    queries, page = statements_of(
        settings, tenant_a, lambda s: complaint_list_page(s, worker, today=TODAY, limit=5)
    )
    assert queries == 1 and len(page.rows) == 5 and page.next_cursor
    assert {r.submitter for r in page.rows} == {"Anna Liepiņa"} and {r.assigned_name for r in page.rows} == {
        "Ilze Kalniņa"
    }
