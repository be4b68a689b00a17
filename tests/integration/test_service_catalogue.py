"""The service catalogue's acts and reads against the real database (migrated, app_rw under RLS): the default
services listed with the ended ones apart, adding, changing and ending a service, each audited; codes unique
per municipality; a stale version is 409; only the head of service edits; a refused act leaves nothing;
what events and waiting lists use stays (the own price deliveries were counted at — a new one is dated —,
a step events are at, a list people wait in, the service itself); an ended service takes no new request;
another municipality's service is not there. Prices by date: tests/integration/test_service_prices.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from app.audit.models import ChangeLog
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.domains.services import catalogue_rules as rules
from app.domains.services.catalogue import (
    CODE_TAKEN,
    IN_USE,
    STALE,
    add_service_type,
    change_service_type,
    end_service_type,
    remove_service_type,
    service_catalogue,
    service_type_card,
    snapshot,
)
from app.domains.services.defaults import DEFAULT_SERVICES, ensure_default_services_sync
from app.domains.services.event_rules import ASSESSMENT, DECISION, DELIVERY, REQUESTED, SETTLEMENT
from app.domains.services.events import NOT_IN_FORCE, open_event, service_choices
from app.domains.services.models import QueueEntry, ServiceDelivery, ServiceEvent, ServiceType
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories.cases import actor_for, rows_of, run_act
from tests.factories.households import add_person
from tests.factories.staff import create_staff

D = Decimal
ON = dt.date(2026, 4, 15)
RESPITE: dict[str, Any] = {
    "code": "atelpa-2",
    "name_lv": "Atelpas brīdis bērniem ar invaliditāti",
    "name_en": "Respite care for children with disabilities",
    "legal_basis": "Saistošie noteikumi Nr. 7/2026, 4. p.",
    "funding": "municipal",
    "unit": "day",
    "price": "31,50",
    "keeps_waiting_list": "on",
    "valid_from": "01.01.2026",
    "steps": [REQUESTED, ASSESSMENT, DECISION, DELIVERY, SETTLEMENT],
    "documents": {REQUESTED: "application", ASSESSMENT: "needs_assessment, disability_certificate"},
}
RESPITE_DOCUMENTS = {REQUESTED: ["application"], ASSESSMENT: ["needs_assessment", "disability_certificate"]}


@pytest.fixture
def world(settings, rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    for tenant in (tenant_a, tenant_b):
        with sync_tenant_uow(rw_sessions, tenant) as s:
            ensure_default_services_sync(s, tenant)
    actors = {}
    for key, (tenant, role) in {
        "head": (tenant_a, "head_of_service"),
        "worker": (tenant_a, "social_worker"),
        "auditor": (tenant_a, "auditor"),
        "foreign_head": (tenant_b, "head_of_service"),
    }.items():
        user_id = create_staff(rw_sessions, {tenant: [role]}, full_name="Dace Kļaviņa")
        actors[key] = actor_for(tenant, user_id, role)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        ids = dict(s.execute(select(ServiceType.code, ServiceType.id)).tuples().all())
    return {"settings": settings, "a": tenant_a, "b": tenant_b, "actors": actors, "ids": ids}


def act(world: dict[str, Any], fn: Any, tenant: str = "a") -> Any:
    return run_act(world["settings"], world[tenant], fn)


def form_of(service: ServiceType, **changes: Any) -> dict[str, Any]:
    """A service's values as the form sends them back, with `changes`."""
    values = snapshot(service)
    values["documents"] = {step: ", ".join(kinds) for step, kinds in values["documents"].items()}
    return {**values, **changes}


def card(world: dict[str, Any], code: str, who: str = "head") -> Any:
    return act(world, lambda s: service_type_card(s, world["actors"][who], world["ids"][code], ON))


def audit(rw_sessions: Any, tenant: uuid.UUID, entity_id: uuid.UUID) -> list[Any]:
    query = (
        select(ChangeLog.action, ChangeLog.before, ChangeLog.after)
        .where(ChangeLog.entity_id == entity_id)
        .order_by(ChangeLog.occurred_at, ChangeLog.id)
    )
    return rows_of(rw_sessions, tenant, query)


def use(rw_sessions: Any, world: dict[str, Any], code: str, *, step: str, delivered: bool = False) -> None:
    """An event of the service at `step` (with a delivery) and a person waiting in its list."""
    tenant, user = world["a"], world["actors"]["head"].user_id
    person = add_person(rw_sessions, tenant, "Velta", "Kalniņa", dt.date(1938, 2, 2))
    with sync_tenant_uow(rw_sessions, tenant) as s:
        event = ServiceEvent(
            tenant_id=tenant,
            number=f"SP-2026/{uuid.uuid4().hex[:5]}",
            service_type_id=world["ids"][code],
            person_id=person,
            requested_on=dt.date(2026, 3, 2),
            step=step,
            created_by=user,
        )
        s.add(event)
        s.flush()
        if delivered:
            s.add(
                ServiceDelivery(
                    tenant_id=tenant,
                    event_id=event.id,
                    day=dt.date(2026, 3, 12),
                    units=D("4"),
                    recorded_by=user,
                )
            )
        now = dt.datetime.now(dt.UTC)
        s.add(
            QueueEntry(
                tenant_id=tenant,
                service_type_id=world["ids"][code],
                person_id=person,
                registered_at=now,
                state_since=now,
                created_by=user,
            )
        )


def test_the_catalogue_with_the_ended_services_apart(world) -> None:
    worker = world["actors"]["worker"]
    catalogue = act(world, lambda s: service_catalogue(s, worker, ON))
    assert {s.code for s in catalogue.current} == {code for code, *_ in DEFAULT_SERVICES}
    assert catalogue.ended == [] and catalogue.current[0].name_lv == "Aprūpe mājās"  # Latvian order
    shelter = world["ids"]["PATVERSME"]
    act(
        world,
        lambda s: end_service_type(
            s, world["actors"]["head"], shelter, valid_to="31.03.2026", expected_version=1
        ),
    )
    catalogue = act(world, lambda s: service_catalogue(s, worker, ON))
    assert [s.code for s in catalogue.ended] == ["PATVERSME"] and shelter not in {
        s.id for s in catalogue.current
    }
    with pytest.raises(Forbidden):
        act(world, lambda s: service_catalogue(s, world["actors"]["auditor"], ON))


def test_adding_changing_and_ending_a_service_each_audited(world, rw_sessions) -> None:
    head = world["actors"]["head"]
    added = act(world, lambda s: add_service_type(s, head, RESPITE))
    assert (added.code, added.price, added.version) == ("ATELPA-2", D("31.50"), 1)
    assert added.documents == RESPITE_DOCUMENTS
    changed = act(
        world,
        lambda s: change_service_type(
            s, head, added.id, form_of(added, price="32", funding="state", documents={}), expected_version=1
        ),
    )
    assert (changed.price, changed.funding, changed.documents, changed.version) == (
        D("32.00"),
        "state",
        {},
        2,
    )
    same = act(world, lambda s: change_service_type(s, head, added.id, form_of(changed), expected_version=2))
    assert same.version == 2  # nothing changed: no new version, no audit row
    ended = act(
        world, lambda s: end_service_type(s, head, added.id, valid_to="30.06.2026", expected_version=2)
    )
    assert (ended.valid_to, ended.version) == (dt.date(2026, 6, 30), 3)
    log = audit(rw_sessions, world["a"], added.id)
    assert [a for a, _, _ in log] == [
        "services:service_type:create",
        "services:service_type:edit",
        "services:service_type:end",
    ]
    assert log[1][1] == {
        "code": "ATELPA-2",
        "price": "31.50",
        "funding": "municipal",
        "documents": RESPITE_DOCUMENTS,
    }
    assert log[1][2] == {"code": "ATELPA-2", "price": "32.00", "funding": "state", "documents": {}}
    assert log[2][2] == {"code": "ATELPA-2", "valid_to": "2026-06-30"}


def test_refusals_leave_nothing_behind(world, rw_sessions) -> None:
    head = world["actors"]["head"]
    with pytest.raises(InvalidInput) as taken:
        act(world, lambda s: add_service_type(s, head, {**RESPITE, "code": "dac", "price": "-1"}))
    assert taken.value.errors == {"code": [CODE_TAKEN], "price": [rules.NEGATIVE_PRICE]}
    with pytest.raises(Forbidden):
        act(world, lambda s: add_service_type(s, world["actors"]["worker"], RESPITE))
    count = select(func.count()).select_from(ServiceType)
    assert rows_of(rw_sessions, world["a"], count) == [(len(DEFAULT_SERVICES),)]
    # Codes are the municipality's own: another one may use the same.
    other = act(
        world,
        lambda s: add_service_type(s, world["actors"]["foreign_head"], {**RESPITE, "code": "DAC2"}),
        "b",
    )
    mine = act(world, lambda s: add_service_type(s, head, {**RESPITE, "code": "DAC2"}))
    assert other.code == mine.code == "DAC2"


def test_a_stale_form_and_another_municipality(world) -> None:
    head, dac = world["actors"]["head"], world["ids"]["DAC"]
    service = card(world, "DAC").service
    act(world, lambda s: change_service_type(s, head, dac, form_of(service, price="12"), expected_version=1))
    with pytest.raises(Conflict) as stale:
        act(
            world,
            lambda s: change_service_type(s, head, dac, form_of(service, price="13"), expected_version=1),
        )
    assert stale.value.detail == STALE
    with pytest.raises(Conflict):
        act(world, lambda s: end_service_type(s, head, dac, valid_to="30.06.2026", expected_version=1))
    stranger = world["actors"]["foreign_head"]
    with pytest.raises(NotFound):
        act(world, lambda s: service_type_card(s, stranger, dac, ON), "b")
    with pytest.raises(NotFound):
        act(
            world,
            lambda s: change_service_type(s, stranger, dac, form_of(service), expected_version=None),
            "b",
        )
    with pytest.raises(NotFound):
        act(world, lambda s: remove_service_type(s, stranger, dac, expected_version=None), "b")


def test_what_events_and_lists_use_stays(world, rw_sessions) -> None:
    head, home_care = world["actors"]["head"], world["ids"]["APRUPE-MAJAS"]
    use(rw_sessions, world, "APRUPE-MAJAS", step=ASSESSMENT, delivered=True)
    found = card(world, "APRUPE-MAJAS")
    assert found.usage == rules.Usage(
        events=1, open_steps=frozenset({ASSESSMENT}), deliveries=True, queue_entries=1, holding_places=1
    )
    service = found.service
    # The first price may be set although deliveries were recorded (they were not priced yet) ...
    priced = act(
        world,
        lambda s: change_service_type(s, head, home_care, form_of(service, price="7,35"), expected_version=1),
    )
    # ... but not changed (it is their price: a new one is set from a day on, `change_price`), nor the unit,
    # nor a step an event is at, nor the list people wait in.
    with pytest.raises(InvalidInput) as refused:
        act(
            world,
            lambda s: change_service_type(
                s,
                head,
                home_care,
                form_of(
                    priced,
                    price="8",
                    unit="visit",
                    steps=[REQUESTED, DECISION, DELIVERY, SETTLEMENT],
                    keeps_waiting_list="",
                ),
                expected_version=2,
            ),
        )
    assert refused.value.errors == {
        "price": [rules.PRICE_DATED],
        "unit": [rules.UNIT_SETTLED],
        "steps": [rules.STEP_IN_USE],
        "keeps_waiting_list": [rules.LIST_IN_USE],
    }
    assert card(world, "APRUPE-MAJAS").service.price == D("7.35")
    with pytest.raises(Conflict) as used:
        act(world, lambda s: remove_service_type(s, head, home_care, expected_version=2))
    assert used.value.detail == IN_USE
    # A service nothing uses may be removed altogether.
    act(world, lambda s: remove_service_type(s, head, world["ids"]["KRIZES-CENTRS"], expected_version=1))
    codes = rows_of(
        rw_sessions, world["a"], select(ServiceType.code).where(ServiceType.code == "KRIZES-CENTRS")
    )
    assert codes == []
    assert (
        audit(rw_sessions, world["a"], world["ids"]["KRIZES-CENTRS"])[-1][0] == "services:service_type:remove"
    )


def test_an_ended_service_takes_no_new_request(world, rw_sessions) -> None:
    head, worker, dac = world["actors"]["head"], world["actors"]["worker"], world["ids"]["DAC"]
    person = add_person(rw_sessions, world["a"], "Jānis", "Bērziņš", dt.date(1950, 5, 5))
    act(world, lambda s: end_service_type(s, head, dac, valid_to="31.03.2026", expected_version=1))

    def request(day: dt.date) -> Any:
        return act(
            world,
            lambda s: open_event(
                s, worker, person_id=person, service_type_id=dac, requested_on=day, today=ON
            ),
        )

    with pytest.raises(InvalidInput) as refused:
        request(dt.date(2026, 4, 1))
    assert refused.value.errors == {"service_type_id": [NOT_IN_FORCE]}
    assert request(dt.date(2026, 3, 31)).step == REQUESTED  # a request made while it was in force
    choices = act(world, lambda s: service_choices(s, worker, ON))
    assert dac not in {c.id for c in choices} and len(choices) == len(DEFAULT_SERVICES) - 1


def count_statements(settings: Any, tenant_id: uuid.UUID, read: Any) -> int:
    """Statements one read runs inside an already begun (tenant-bound) transaction."""

    async def run() -> int:
        engine = make_async_engine(settings.runtime_url())
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        try:
            async with async_session_factory(engine)() as session:
                session.info["tenant_id"] = tenant_id
                await session.execute(text("select 1"))
                statements.clear()
                await read(session)
                return len(statements)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_the_reads_run_a_fixed_number_of_statements(world, rw_sessions) -> None:
    worker, a = world["actors"]["worker"], world["a"]
    use(rw_sessions, world, "DAC", step=DELIVERY, delivered=True)
    assert count_statements(world["settings"], a, lambda s: service_catalogue(s, worker, ON)) == 1
    # the service, its use (events by step, deliveries, list entries), the provider register, its prices
    read = lambda s: service_type_card(s, worker, world["ids"]["DAC"], ON)  # noqa: E731
    assert count_statements(world["settings"], a, read) == 6
