"""Service events against the real database (migrated, app_rw under RLS): home care from the request to the
month's settlement — numbered, each step checked and audited, documents required per step, deliveries only
for a granted and referred service, the settlement to the cent and free for a needy household; a refusal
ends the event; stale versions; permissions; another municipality sees nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.services import event_rules as rules
from app.domains.services.defaults import ensure_default_services_sync
from app.domains.services.events import (
    CO_PAYMENT_RANGE,
    COMPLETED,
    FINDING_NEEDED,
    NOT_DELIVERING,
    PROVIDER_NEEDED,
    REASONS_NEEDED,
    STALE,
    UNITS_NEEDED,
    add_documents,
    complete_step,
    month_settlement,
    open_event,
    record_delivery,
)
from app.domains.services.models import ServiceType
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories import controls as f
from tests.factories.households import add_person
from tests.factories.people import actor_for, run_act
from tests.factories.staff import create_staff

D = Decimal
TODAY = dt.date(2026, 4, 15)


@pytest.fixture
def ground(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, Any]:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        ensure_default_services_sync(s, tenant_a)
        s.execute(
            update(ServiceType)
            .where(ServiceType.code == "APRUPE-MAJAS")
            .values(
                price=D("7.35"),
                steps=["requested", "assessment", "decision", "referral", "delivery", "settlement"],
                documents={"requested": ["application"], "assessment": ["needs_assessment"]},
            )
        )
        home_care = s.scalar(select(ServiceType.id).where(ServiceType.code == "APRUPE-MAJAS"))
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Ilze Kalniņa")
    return {
        "service": home_care,
        "worker": actor_for(tenant_a, "social_worker", user_id=worker),
        "client": add_person(rw_sessions, tenant_a, "Velta", "Kalniņa", dt.date(1938, 2, 2)),
    }


def act(settings: Any, tenant: uuid.UUID, fn: Any) -> Any:
    return run_act(settings, tenant, fn)


def opened(settings: Any, tenant: uuid.UUID, ground: dict[str, Any], **kw: Any) -> Any:
    return act(
        settings,
        tenant,
        lambda s: open_event(
            s,
            ground["worker"],
            person_id=ground["client"],
            service_type_id=ground["service"],
            requested_on=dt.date(2026, 3, 2),
            today=TODAY,
            **kw,
        ),
    )


def step(settings: Any, tenant: uuid.UUID, ground: dict[str, Any], event: Any, **kw: Any) -> Any:
    return act(
        settings,
        tenant,
        lambda s: complete_step(
            s, ground["worker"], event.id, expected_version=event.version, today=dt.date(2026, 3, 10), **kw
        ),
    )


def test_home_care_from_the_request_to_the_months_settlement(settings, rw_sessions, tenant_a, ground) -> None:
    event = opened(settings, tenant_a, ground)
    assert event.number == "SP-2026/00001" and event.step == rules.REQUESTED
    with pytest.raises(InvalidInput) as missing:
        step(settings, tenant_a, ground, event)
    assert missing.value.errors == {"documents": [rules.DOCUMENTS_MISSING]}
    event = act(
        settings,
        tenant_a,
        lambda s: add_documents(
            s, ground["worker"], event.id, ("application",), expected_version=event.version
        ),
    )
    event = step(settings, tenant_a, ground, event)
    assert event.step == rules.ASSESSMENT
    event = act(
        settings,
        tenant_a,
        lambda s: add_documents(
            s, ground["worker"], event.id, ("needs_assessment",), expected_version=event.version
        ),
    )
    with pytest.raises(InvalidInput) as no_finding:
        step(settings, tenant_a, ground, event)
    assert no_finding.value.errors == {"finding": [FINDING_NEEDED]}
    event = step(
        settings, tenant_a, ground, event, finding="Vajadzīga palīdzība mājas darbos 3 reizes nedēļā."
    )
    with pytest.raises(InvalidInput) as undecided:
        step(settings, tenant_a, ground, event, outcome="granted")
    assert undecided.value.errors == {
        "reasons": [REASONS_NEEDED],
        "units_granted": [UNITS_NEEDED],
        "co_payment_percent": [CO_PAYMENT_RANGE],
    }
    event = step(
        settings,
        tenant_a,
        ground,
        event,
        outcome="granted",
        reasons="Pašaprūpes spējas ierobežotas (SPSPL 9. p.).",
        units_granted=D("40"),
        co_payment_percent=D("25"),
    )
    assert (event.step, event.needy) == (rules.REFERRAL, False)
    with pytest.raises(InvalidInput) as early:
        act(
            settings,
            tenant_a,
            lambda s: record_delivery(
                s, ground["worker"], event.id, day=dt.date(2026, 3, 11), units=D("4"), today=TODAY
            ),
        )
    assert early.value.errors == {"day": [NOT_DELIVERING]}
    with pytest.raises(InvalidInput) as no_provider:
        step(settings, tenant_a, ground, event)
    assert no_provider.value.errors == {"provider_name": [PROVIDER_NEEDED]}
    event = step(settings, tenant_a, ground, event, provider_name="SIA “Aprūpe mājās”")
    assert event.step == rules.DELIVERY
    for day, units in ((12, "4"), (19, "4.5"), (26, "4")):
        act(
            settings,
            tenant_a,
            lambda s, d=day, u=units: record_delivery(
                s, ground["worker"], event.id, day=dt.date(2026, 3, d), units=D(u), today=TODAY
            ),
        )
    client, payer = act(
        settings, tenant_a, lambda s: month_settlement(s, ground["worker"], event.id, dt.date(2026, 3, 1))
    )
    assert (client.amount, payer) == (D("22.97"), D("68.91"))  # 12.5 h × 7.35 = 91.88; 25 %
    event = step(settings, tenant_a, ground, event)  # delivery done
    event = step(settings, tenant_a, ground, event)  # settled: complete
    assert event.completed_at is not None
    with pytest.raises(Conflict) as closed:
        step(settings, tenant_a, ground, event)
    assert closed.value.detail == COMPLETED
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = list(s.scalars(select(ChangeLog.action).where(ChangeLog.entity_id == event.id)))
    assert actions.count("services:event:delivery") == 3 and "services:event:step:decision" in actions


def test_a_needy_household_pays_nothing_and_a_refusal_ends_the_event(
    settings, rw_sessions, tenant_a, ground
) -> None:
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"]})
    f.status(
        rw_sessions,
        tenant_a,
        applicant_id=ground["client"],
        officer=officer,
        valid_from=dt.date(2026, 3, 1),
        valid_to=dt.date(2026, 5, 31),
    )
    event = opened(settings, tenant_a, ground, documents=("application", "needs_assessment"))
    event = step(settings, tenant_a, ground, event)
    event = step(settings, tenant_a, ground, event, finding="Vajadzīga aprūpe.")
    event = step(
        settings,
        tenant_a,
        ground,
        event,
        outcome="granted",
        reasons="Atbilst.",
        units_granted=D("20"),
        co_payment_percent=D("25"),
    )
    assert event.needy is True
    event = step(settings, tenant_a, ground, event, provider_name="SIA “Aprūpe”")
    act(
        settings,
        tenant_a,
        lambda s: record_delivery(
            s, ground["worker"], event.id, day=dt.date(2026, 3, 20), units=D("10"), today=TODAY
        ),
    )
    client, payer = act(
        settings, tenant_a, lambda s: month_settlement(s, ground["worker"], event.id, dt.date(2026, 3, 1))
    )
    assert (client.amount, payer) == (D("0.00"), D("73.50"))

    refused = opened(settings, tenant_a, ground, documents=("application", "needs_assessment"))
    refused = step(settings, tenant_a, ground, refused)
    refused = step(settings, tenant_a, ground, refused, finding="Pašaprūpe saglabāta.")
    refused = step(
        settings, tenant_a, ground, refused, outcome="refused", reasons="Nav vajadzības pēc aprūpes."
    )
    assert refused.completed_at is not None and refused.units_granted is None


def test_stale_permissions_and_other_municipalities(
    settings, rw_sessions, tenant_a, tenant_b, ground
) -> None:
    event = opened(settings, tenant_a, ground, documents=("application",))
    with pytest.raises(Conflict) as stale:
        act(
            settings,
            tenant_a,
            lambda s: complete_step(s, ground["worker"], event.id, expected_version=9, today=TODAY),
        )
    assert stale.value.detail == STALE
    with pytest.raises(Forbidden):
        act(
            settings,
            tenant_a,
            lambda s: add_documents(
                s, actor_for(tenant_a, "accountant"), event.id, ("x",), expected_version=1
            ),
        )
    stranger = actor_for(tenant_b, "social_worker")
    with pytest.raises(NotFound):
        act(settings, tenant_b, lambda s: month_settlement(s, stranger, event.id, dt.date(2026, 3, 1)))
