"""Service prices by date against the real database (migrated, app_rw under RLS): a new price from a day of
this month or later, with its history on the service's card and the price in force in the catalogue; a
second price on the same day replaces the first (audited as such); refusals field by field before the
version check, and nothing left behind; only the head of service sets prices, only in their municipality;
and a month whose price changed in its middle settled through `month_settlement` at both prices."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.benefits.catalogue_checks import REQUIRED
from app.domains.services import catalogue_rules as rules
from app.domains.services import event_rules as events
from app.domains.services.catalogue import (
    STALE,
    change_price,
    change_service_type,
    remove_service_type,
    service_catalogue,
    service_type_card,
    snapshot,
)
from app.domains.services.defaults import SPSPL_FROM, ensure_default_services_sync
from app.domains.services.event_rules import PricePeriod
from app.domains.services.events import month_settlement
from app.domains.services.models import ServiceDelivery, ServiceEvent, ServicePrice, ServiceType
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories.cases import actor_for, rows_of, run_act
from tests.factories.households import add_person
from tests.factories.staff import create_staff

D = Decimal
MARCH_10 = dt.date(2026, 3, 10)  # "today" while March is not settled yet
APRIL_15 = dt.date(2026, 4, 15)  # "today" once March is settled


@pytest.fixture
def world(settings, rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    for tenant in (tenant_a, tenant_b):
        with sync_tenant_uow(rw_sessions, tenant) as s:
            ensure_default_services_sync(s, tenant)
            s.execute(update(ServiceType).where(ServiceType.code == "APRUPE-MAJAS").values(price=D("7.35")))
    actors = {}
    for key, (tenant, role) in {
        "head": (tenant_a, "head_of_service"),
        "worker": (tenant_a, "social_worker"),
        "foreign_head": (tenant_b, "head_of_service"),
    }.items():
        user_id = create_staff(rw_sessions, {tenant: [role]}, full_name="Dace Kļaviņa")
        actors[key] = actor_for(tenant, user_id, role)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        ids = dict(s.execute(select(ServiceType.code, ServiceType.id)).tuples().all())
    return {"settings": settings, "a": tenant_a, "b": tenant_b, "actors": actors, "ids": ids}


def act(world: dict[str, Any], fn: Any, tenant: str = "a") -> Any:
    return run_act(world["settings"], world[tenant], fn)


def new_price(
    world: dict[str, Any],
    price_from: str,
    price: str,
    *,
    version: int | None,
    code: str = "APRUPE-MAJAS",
    today: dt.date = MARCH_10,
    who: str = "head",
) -> Any:
    actor, service = world["actors"][who], world["ids"][code]
    return act(
        world,
        lambda s: change_price(
            s, actor, service, price_from=price_from, price=price, expected_version=version, today=today
        ),
        "b" if who.startswith("foreign") else "a",
    )


def card(world: dict[str, Any], code: str = "APRUPE-MAJAS", on: dt.date = APRIL_15) -> Any:
    return act(world, lambda s: service_type_card(s, world["actors"]["worker"], world["ids"][code], on))


def log(rw_sessions: Any, world: dict[str, Any], code: str = "APRUPE-MAJAS") -> list[Any]:
    query = (
        select(ChangeLog.action, ChangeLog.before, ChangeLog.after)
        .where(ChangeLog.entity_id == world["ids"][code])
        .order_by(ChangeLog.occurred_at, ChangeLog.id)
    )
    return rows_of(rw_sessions, world["a"], query)


def prices(rw_sessions: Any, world: dict[str, Any]) -> list[tuple[dt.date, Decimal]]:
    query = select(ServicePrice.valid_from, ServicePrice.price).order_by(ServicePrice.valid_from)
    return [tuple(row) for row in rows_of(rw_sessions, world["a"], query)]


def test_a_new_price_from_a_day_with_its_history(world, rw_sessions) -> None:
    row = new_price(world, "16.03.2026", "7,80", version=1)
    assert (row.valid_from, row.price, row.created_by) == (
        dt.date(2026, 3, 16),
        D("7.80"),
        world["actors"]["head"].user_id,
    )
    found = card(world)
    assert found.service.version == 2 and found.service.price == D("7.35")  # its own price stays
    assert found.prices == [
        PricePeriod(SPSPL_FROM, dt.date(2026, 3, 15), D("7.35")),
        PricePeriod(dt.date(2026, 3, 16), None, D("7.80")),
    ]
    assert found.price_now.price == D("7.80")
    assert card(world, on=dt.date(2026, 3, 15)).price_now.price == D("7.35")
    # The catalogue shows each service's price in force on the day.
    worker, home_care = world["actors"]["worker"], world["ids"]["APRUPE-MAJAS"]
    assert act(world, lambda s: service_catalogue(s, worker, APRIL_15)).prices[home_care] == D("7.80")
    assert act(world, lambda s: service_catalogue(s, worker, MARCH_10)).prices[home_care] == D("7.35")
    assert act(world, lambda s: service_catalogue(s, worker, APRIL_15)).prices[world["ids"]["DAC"]] is None
    assert log(rw_sessions, world) == [
        (
            "services:service_type:price",
            {"code": "APRUPE-MAJAS", "price_from": "2026-03-16", "price": "7.35"},
            {"code": "APRUPE-MAJAS", "price_from": "2026-03-16", "price": "7.80"},
        )
    ]


def test_a_price_on_a_day_that_has_one_replaces_it(world, rw_sessions) -> None:
    new_price(world, "16.03.2026", "7,80", version=1)
    replaced = new_price(world, "16.03.2026", "7,90", version=2)
    assert (replaced.valid_from, replaced.price) == (dt.date(2026, 3, 16), D("7.90"))
    assert prices(rw_sessions, world) == [(dt.date(2026, 3, 16), D("7.90"))]
    assert card(world).service.version == 3
    new_price(world, "16.03.2026", "7.90", version=3)  # the same price again: nothing changes
    assert card(world).service.version == 3
    assert [(action, before, after) for action, before, after in log(rw_sessions, world)][1:] == [
        (
            "services:service_type:price-replace",
            {"code": "APRUPE-MAJAS", "price_from": "2026-03-16", "price": "7.80"},
            {"code": "APRUPE-MAJAS", "price_from": "2026-03-16", "price": "7.90"},
        )
    ]


def test_refusals_field_by_field_then_the_version_and_nothing_left_behind(world, rw_sessions) -> None:
    with pytest.raises(InvalidInput) as settled:
        new_price(world, "31.03.2026", "7,80", version=1, today=APRIL_15)
    assert settled.value.errors == {"price_from": [rules.PRICE_FROM_SETTLED]}
    with pytest.raises(InvalidInput) as empty:
        new_price(world, "", "-2", version=1)
    assert empty.value.errors == {"price_from": [REQUIRED], "price": [rules.NEGATIVE_PRICE]}
    # Checked before the version: a stale form with a wrong field gets the messages.
    with pytest.raises(InvalidInput) as stale_and_wrong:
        new_price(world, "16.03.2026", "", version=7)
    assert stale_and_wrong.value.errors == {"price": [REQUIRED]}
    with pytest.raises(Conflict) as stale:
        new_price(world, "16.03.2026", "7,80", version=7)
    assert stale.value.detail == STALE
    # Within the service's days: not after its last, not before its first.
    home_care, head = world["ids"]["APRUPE-MAJAS"], world["actors"]["head"]
    with sync_tenant_uow(rw_sessions, world["a"]) as s:
        s.execute(
            update(ServiceType).where(ServiceType.id == home_care).values(valid_to=dt.date(2026, 6, 30))
        )
    with pytest.raises(InvalidInput) as ended:
        new_price(world, "01.07.2026", "7,80", version=1)
    assert ended.value.errors == {"price_from": [rules.PRICE_FROM_AFTER_END]}
    with sync_tenant_uow(rw_sessions, world["a"]) as s:
        s.execute(
            update(ServiceType)
            .where(ServiceType.id == home_care)
            .values(valid_from=dt.date(2026, 5, 1), valid_to=None)
        )
    with pytest.raises(InvalidInput) as early:
        new_price(world, "30.04.2026", "7,80", version=1)
    assert early.value.errors == {"price_from": [rules.PRICE_FROM_BEFORE_SERVICE]}
    # Only the head of service, and only in their own municipality.
    with pytest.raises(Forbidden):
        new_price(world, "16.03.2026", "7,80", version=1, who="worker")
    with pytest.raises(NotFound):
        new_price(world, "16.03.2026", "7,80", version=None, who="foreign_head")
    assert prices(rw_sessions, world) == []
    assert card(world).service.version == 1 and log(rw_sessions, world) == []
    assert rows_of(rw_sessions, world["b"], select(func.count()).select_from(ServicePrice)) == [(0,)]
    # A service nothing uses is removed with its prices.
    new_price(world, "01.05.2026", "12", version=1, code="DAC")
    act(world, lambda s: remove_service_type(s, head, world["ids"]["DAC"], expected_version=2))
    assert prices(rw_sessions, world) == []
    assert log(rw_sessions, world, "DAC")[-1][1]["prices"] == [{"valid_from": "2026-05-01", "price": "12.00"}]


def granted_event(rw_sessions: Any, world: dict[str, Any], *days_units: tuple[dt.date, str]) -> uuid.UUID:
    """Home care granted at 25 % co-payment, with deliveries on the days given."""
    tenant, user = world["a"], world["actors"]["head"].user_id
    person = add_person(rw_sessions, tenant, "Velta", "Kalniņa", dt.date(1938, 2, 2))
    with sync_tenant_uow(rw_sessions, tenant) as s:
        event = ServiceEvent(
            tenant_id=tenant,
            number=f"SP-2026/{uuid.uuid4().hex[:5]}",
            service_type_id=world["ids"]["APRUPE-MAJAS"],
            person_id=person,
            requested_on=dt.date(2026, 2, 2),
            step=events.DELIVERY,
            outcome="granted",
            reasons="Pašaprūpes spējas ierobežotas.",
            decided_on=dt.date(2026, 2, 10),
            units_granted=D("40"),
            co_payment_percent=D("25"),
            provider_name="SIA “Aprūpe”",
            created_by=user,
        )
        s.add(event)
        s.flush()
        for day, units in days_units:
            s.add(
                ServiceDelivery(
                    tenant_id=tenant, event_id=event.id, day=day, units=D(units), recorded_by=user
                )
            )
        return event.id


def test_a_month_whose_price_changed_in_its_middle_is_settled_at_both_prices(world, rw_sessions) -> None:
    event = granted_event(
        rw_sessions,
        world,
        (dt.date(2026, 2, 23), "2"),
        (dt.date(2026, 3, 2), "4"),
        (dt.date(2026, 3, 9), "4.5"),
        (dt.date(2026, 3, 16), "4"),
        (dt.date(2026, 4, 1), "3"),
    )
    new_price(world, "16.03.2026", "7,80", version=1)
    worker = world["actors"]["worker"]

    def settled(month: dt.date) -> Any:
        return act(world, lambda s: month_settlement(s, worker, event, month))

    # March: 1–15 at 7.35 (8.5 h = 62.48), 16–31 at 7.80 (4 h = 31.20); 93.68, of it 25 % = 23.42.
    client, payer = settled(dt.date(2026, 3, 1))
    assert (client.amount, payer) == (D("23.42"), D("70.26"))
    assert [(line.label, line.value) for line in client.lines] == [
        (events.COST_PART, D("62.48")),
        (events.COST_PART, D("31.20")),
        (events.CO_PAYMENT, D("23.42")),
        (events.PAYER_SHARE, D("70.26")),
    ]
    assert [(line.params["from"], line.params["to"]) for line in client.lines[:2]] == [
        ("2026-03-01", "2026-03-15"),
        ("2026-03-16", "2026-03-31"),
    ]
    # The months under one price each keep the one line: February at 7.35, April at 7.80.
    february, _ = settled(dt.date(2026, 2, 1))
    april, _ = settled(dt.date(2026, 4, 1))
    assert (february.lines[0].label, february.lines[0].value) == (events.COST, D("14.70"))
    assert (april.lines[0].label, april.lines[0].value) == (events.COST, D("23.40"))
    # The own price deliveries were counted at is history now: a new price is dated.
    service = card(world).service
    with pytest.raises(InvalidInput) as refused:
        act(
            world,
            lambda s: change_service_type(
                s,
                world["actors"]["head"],
                service.id,
                {**snapshot(service), "price": "8"},
                expected_version=service.version,
            ),
        )
    assert refused.value.errors == {"price": [rules.PRICE_DATED]}
