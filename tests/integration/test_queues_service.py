"""Waiting lists against the real database (migrated, app_rw under RLS): registering, positions with
priority and registration moments, offering, postponing with the place kept, admitting, removing with a
reason; the people who moved are told (by the channels they consented to) and the one offered a place is
told of the offer; refusals leave nothing behind; stale versions; permissions; other municipalities."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.services import queue_rules as rules
from app.domains.services.models import QueueEntry, ServiceType
from app.domains.services.queues import (
    ALREADY_IN_LIST,
    ANSWER_BY_NEEDED,
    NO_SUCH_SERVICE,
    PLACE_NEEDED,
    PRIORITY_REASON,
    SERVICE_ENDED,
    STALE,
    change_entry,
    register_entry,
    waiting_list,
)
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.notifications.models import NotificationMessage
from app.notifications.preference_models import ContactPreference
from tests.factories.households import add_person
from tests.factories.people import actor_for, run_act
from tests.factories.staff import create_staff

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 1)


def service_type(sessions: sessionmaker[Session], tenant: uuid.UUID, *, keeps_list: bool = True) -> uuid.UUID:
    with sync_tenant_uow(sessions, tenant) as s:
        row = ServiceType(
            tenant_id=tenant,
            code=f"AP-{uuid.uuid4().hex[:6]}",
            name_lv="Ilgstošas sociālās aprūpes institūcija",
            name_en="Long-term social care institution",
            legal_basis="SPSPL 9. p.",
            funding="municipal",
            unit="day",
            keeps_waiting_list=keeps_list,
            valid_from=dt.date(2020, 1, 1),
        )
        s.add(row)
        s.flush()
        return row.id


def consenting(sessions: sessionmaker[Session], tenant: uuid.UUID, person: uuid.UUID) -> uuid.UUID:
    """The person wants notices to their official e-address (by personal code), consent given."""
    with sync_tenant_uow(sessions, tenant) as s:
        s.add(
            ContactPreference(
                tenant_id=tenant, person_id=person, channels=["eaddress"], consent="given", consent_on=TODAY
            )
        )
    return person


@pytest.fixture
def ground(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, Any]:
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Ilze Kalniņa")
    people = [
        consenting(
            rw_sessions, tenant_a, add_person(rw_sessions, tenant_a, name, "Ozola", dt.date(1940, 1, 1))
        )
        for name in ("Anna", "Berta", "Cilda", "Dace")
    ]
    return {
        "service": service_type(rw_sessions, tenant_a),
        "worker": actor_for(tenant_a, "social_worker", user_id=worker),
        "accountant": actor_for(tenant_a, "accountant"),
        "people": people,
    }


def register(
    settings: Any, tenant: uuid.UUID, ground: dict[str, Any], person: uuid.UUID, **kw: Any
) -> QueueEntry:
    return run_act(
        settings,
        tenant,
        lambda s: register_entry(
            s, ground["worker"], person_id=person, service_type_id=ground["service"], **kw
        ),
    )


def listed(settings: Any, tenant: uuid.UUID, ground: dict[str, Any]) -> list[tuple[uuid.UUID, int]]:
    rows = run_act(settings, tenant, lambda s: waiting_list(s, ground["worker"], ground["service"]))
    return [(entry.person_id, position.number) for entry, position in rows]


def notices(sessions: sessionmaker[Session], tenant: uuid.UUID, event: str) -> list[tuple[uuid.UUID, str]]:
    with sync_tenant_uow(sessions, tenant) as s:
        rows = s.execute(
            select(NotificationMessage.person_id, NotificationMessage.text)
            .where(NotificationMessage.event == event)
            .order_by(NotificationMessage.created_at, NotificationMessage.id)
        ).all()
    return [(r[0], r[1]) for r in rows]


def test_priority_first_then_the_moment_of_registration(settings, rw_sessions, tenant_a, ground) -> None:
    anna, berta, cilda, dace = ground["people"]
    register(settings, tenant_a, ground, anna, registered_at=T0)
    register(settings, tenant_a, ground, berta, registered_at=T0 + dt.timedelta(days=2))
    register(
        settings, tenant_a, ground, cilda, priority=True, priority_reason="Persona ar I grupas invaliditāti"
    )
    # Dace applied before Berta, entered only now: she goes before Berta, who moves down and is told.
    register(settings, tenant_a, ground, dace, registered_at=T0 + dt.timedelta(days=1))
    assert listed(settings, tenant_a, ground) == [(cilda, 1), (anna, 2), (dace, 3), (berta, 4)]
    moved = notices(rw_sessions, tenant_a, "queue_position_changed")
    # Cilda's priority moved Anna and Berta down, Dace then moved Berta to the 4th place.
    assert sorted(p for p, _ in moved) == sorted([anna, berta, berta])
    last_to_berta = [text for p, text in moved if p == berta][-1]
    assert "4" in last_to_berta and "Ilgstošas sociālās aprūpes institūcija" in last_to_berta


def test_offer_postpone_and_admit_keep_and_free_places(settings, rw_sessions, tenant_a, ground) -> None:
    anna, berta, cilda, _ = ground["people"]
    first = register(settings, tenant_a, ground, anna, registered_at=T0)
    register(settings, tenant_a, ground, berta, registered_at=T0 + dt.timedelta(hours=1))
    register(settings, tenant_a, ground, cilda, registered_at=T0 + dt.timedelta(hours=2))

    def change(entry: QueueEntry, version: int, **kw: Any) -> QueueEntry:
        return run_act(
            settings,
            tenant_a,
            lambda s: change_entry(
                s, ground["worker"], entry.id, expected_version=version, today=TODAY, **kw
            ),
        )

    offered = change(
        first,
        1,
        state=rules.OFFERED,
        offered_place="Pansionāts “Liepas”",
        offer_answer_by=TODAY + dt.timedelta(7),
    )
    [(person, text)] = notices(rw_sessions, tenant_a, "place_offered")
    assert person == anna and "Pansionāts “Liepas”" in text
    postponed = change(offered, 2, state=rules.POSTPONED, reason="Slimnīcā līdz aprīlim")
    assert listed(settings, tenant_a, ground) == [(anna, 1), (berta, 2), (cilda, 3)]  # the place is kept
    assert postponed.offered_place is None and postponed.reason == "Slimnīcā līdz aprīlim"
    again = change(
        postponed, 3, state=rules.OFFERED, offered_place="Pansionāts “Liepas”", offer_answer_by=TODAY
    )
    change(again, 4, state=rules.ADMITTED)
    assert listed(settings, tenant_a, ground) == [(berta, 1), (cilda, 2)]
    assert sorted(p for p, _ in notices(rw_sessions, tenant_a, "queue_position_changed")) == sorted(
        [berta, cilda]
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = list(
            s.scalars(select(ChangeLog.action).where(ChangeLog.entity_id == first.id).order_by(ChangeLog.id))
        )
    assert actions == [
        "services:queue:register",
        "services:queue:offered",
        "services:queue:postponed",
        "services:queue:offered",
        "services:queue:admitted",
    ]


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"state": rules.OFFERED}, "offered_place", PLACE_NEEDED),
        ({"state": rules.OFFERED, "offered_place": "Liepas"}, "offer_answer_by", ANSWER_BY_NEEDED),
        ({"state": rules.REMOVED}, "state", rules.REASON_NEEDED),
        ({"state": rules.ADMITTED}, "state", rules.NOT_ALLOWED),
        ({"state": "lost"}, "state", rules.NOT_A_STATE),
    ],
)
def test_refused_changes_leave_the_entry_as_it_was(
    settings, rw_sessions, tenant_a, ground, given, field, message
):
    entry = register(settings, tenant_a, ground, ground["people"][0])
    with pytest.raises(InvalidInput) as refused:
        run_act(
            settings,
            tenant_a,
            lambda s: change_entry(s, ground["worker"], entry.id, expected_version=1, **given),
        )
    assert refused.value.errors[field] == [message]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        row = s.scalar(select(QueueEntry).where(QueueEntry.id == entry.id))
        assert row is not None and (row.state, row.version) == (rules.WAITING, 1)


def test_bad_registrations_write_nothing(settings, rw_sessions, tenant_a, ground) -> None:
    anna = ground["people"][0]
    plain = service_type(rw_sessions, tenant_a, keeps_list=False)
    ended = service_type(rw_sessions, tenant_a)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.execute(update(ServiceType).where(ServiceType.id == ended).values(valid_to=dt.date(2021, 12, 31)))
    cases = [
        ({"person_id": anna, "service_type_id": plain}, "service_type_id", NO_SUCH_SERVICE),
        ({"person_id": anna, "service_type_id": ended}, "service_type_id", SERVICE_ENDED),
        (
            {"person_id": anna, "service_type_id": ground["service"], "priority": True},
            "priority_reason",
            PRIORITY_REASON,
        ),
    ]
    for given, field, message in cases:
        with pytest.raises(InvalidInput) as refused:
            run_act(settings, tenant_a, lambda s, g=given: register_entry(s, ground["worker"], **g))
        assert refused.value.errors[field] == [message]
    register(settings, tenant_a, ground, anna)
    with pytest.raises(InvalidInput) as twice:
        register(settings, tenant_a, ground, anna)
    assert twice.value.errors == {"person_id": [ALREADY_IN_LIST]}
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(QueueEntry)) == 1


def test_stale_version_permissions_and_other_municipalities(
    settings, rw_sessions, tenant_a, tenant_b, ground
):
    entry = register(settings, tenant_a, ground, ground["people"][0])
    with pytest.raises(Conflict) as stale:
        run_act(
            settings,
            tenant_a,
            lambda s: change_entry(s, ground["worker"], entry.id, state=rules.WITHDRAWN, expected_version=7),
        )
    assert stale.value.detail == STALE
    with pytest.raises(Forbidden):
        run_act(settings, tenant_a, lambda s: waiting_list(s, ground["accountant"], ground["service"]))
    stranger = actor_for(tenant_b, "head_of_service")
    with pytest.raises(NotFound):
        run_act(
            settings,
            tenant_b,
            lambda s: change_entry(s, stranger, entry.id, state=rules.WITHDRAWN, expected_version=1),
        )
    assert run_act(settings, tenant_b, lambda s: waiting_list(s, stranger, ground["service"])) == []
