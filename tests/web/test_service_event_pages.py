"""The service-event pages through the real app: opening a request by personal code (422 in place), the
steps in order with the documents each needs, the decision refused in place then made, a delivery, and the
month's settlement with its explanation (a cost line for each price when it changed within the month);
403 without the permission."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from app.db import sync_tenant_uow
from app.domains.people.models import Person
from app.domains.services.defaults import ensure_default_services_sync
from app.domains.services.models import ServiceDelivery, ServiceEvent, ServicePrice, ServiceType
from tests.factories.households import add_person
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}
TODAY = dt.date.today()


@pytest.fixture
def ground(rw_sessions, tenant_a) -> dict[str, Any]:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        ensure_default_services_sync(s, tenant_a)
        s.execute(
            update(ServiceType)
            .where(ServiceType.code == "APRUPE-MAJAS")
            .values(price="7.35", documents={"assessment": ["needs_assessment"]})
        )
        service = s.scalar(select(ServiceType.id).where(ServiceType.code == "APRUPE-MAJAS"))
    users = {}
    for role in ("social_worker", "auditor"):
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name="Ilze Kalniņa")
        users[role] = username
    velta = add_person(rw_sessions, tenant_a, "Velta", "Kalniņa", dt.date(1938, 2, 2))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        code = s.scalar(select(Person.personal_code).where(Person.id == velta))
    return {"service": service, "users": users, "code": code, "person": velta}


def as_(client: Any, username: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, username).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def post(client: Any, path: str, **fields: str) -> Any:
    return client.post(path, data={"_csrf_token": client.headers["x-csrftoken"], **fields}, headers=HX)


def version(client: Any, path: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', client.get(path).text)
    assert match
    return match.group(1)


def test_from_the_request_to_the_months_settlement(client, ground) -> None:
    as_(client, ground["users"]["social_worker"])
    assert "Aprūpe mājās" in client.get("/service-events").text
    day = TODAY.strftime("%d.%m.%Y")
    bad = post(
        client, "/service-events", personal_code="1", service_type_id=str(ground["service"]), requested_on=day
    )
    assert bad.status_code == 422 and "Ievadiet personas kodu" in bad.text
    made = post(
        client,
        "/service-events",
        personal_code=ground["code"],
        service_type_id=str(ground["service"]),
        requested_on=day,
        documents="application",
    )
    assert made.status_code == 200
    path = made.headers["hx-redirect"]
    assert "Pieprasījums" in client.get(path).text

    assert post(client, f"{path}/step", version=version(client, path)).status_code == 200  # the request
    page = client.get(path).text
    assert "Vajadzību izvērtēšana" in page and "needs_assessment" in page  # the document still missing
    refused = post(client, f"{path}/step", version=version(client, path), finding="Vajadzīga palīdzība.")
    assert refused.status_code == 422 and "Vēl trūkst šim solim vajadzīgo dokumentu" in refused.text
    post(client, f"{path}/documents", version=version(client, path), documents="needs_assessment")
    post(client, f"{path}/step", version=version(client, path), finding="Vajadzīga palīdzība mājas darbos.")

    undecided = post(
        client, f"{path}/step", version=version(client, path), outcome="granted", units_granted="x"
    )
    assert undecided.status_code == 422 and "Ievadiet skaitli" in undecided.text
    decided = post(
        client,
        f"{path}/step",
        version=version(client, path),
        outcome="granted",
        reasons="Pašaprūpes spējas ierobežotas.",
        units_granted="40",
        co_payment_percent="25",
    )
    assert decided.status_code == 200
    post(client, f"{path}/step", version=version(client, path), provider_name="SIA “Aprūpe”")
    delivered = post(client, f"{path}/deliveries", day=day, units="10")
    assert delivered.status_code == 200
    page = client.get(path).text
    assert 'data-testid="client-share">18,38' in page  # 10 h × 7,35 € = 73,50 €; 25 % = 18,38 €
    assert 'data-testid="payer-share">55,12' in page
    assert "Klienta līdzmaksājums, 25 % no izmaksām" in page
    assert "Sniegtās vienības × cena (10 × 7,35)" in page


def test_without_the_permission(client, ground) -> None:
    as_(client, ground["users"]["auditor"])
    assert client.get("/service-events").status_code == 403


def test_a_month_whose_price_changed_shows_a_cost_line_for_each_price(
    client, ground, rw_sessions, tenant_a
) -> None:
    user = create_staff(rw_sessions, {tenant_a: ["social_worker"]})
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.add(
            ServicePrice(
                tenant_id=tenant_a,
                service_type_id=ground["service"],
                valid_from=dt.date(2026, 3, 16),
                price="7.85",
            )
        )
        event = ServiceEvent(
            tenant_id=tenant_a,
            number="SP-2026/00042",
            service_type_id=ground["service"],
            person_id=ground["person"],
            requested_on=dt.date(2026, 2, 2),
            step="delivery",
            outcome="granted",
            reasons="Pašaprūpes spējas ierobežotas.",
            decided_on=dt.date(2026, 2, 10),
            units_granted=40,
            co_payment_percent=25,
            provider_name="SIA “Aprūpe”",
            created_by=user,
        )
        s.add(event)
        s.flush()
        for day, units in ((2, "4"), (9, "4.5"), (16, "4")):
            s.add(
                ServiceDelivery(
                    tenant_id=tenant_a,
                    event_id=event.id,
                    day=dt.date(2026, 3, day),
                    units=units,
                    recorded_by=user,
                )
            )
    as_(client, ground["users"]["social_worker"])
    page = client.get(f"/service-events/{event.id}?month=03.2026").text
    table = page.split('<table class="explanation">')[1].split("</table>")[0]
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", c).replace("\xa0", " ").split())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)
    ]
    rows = [tuple(cells[i : i + 3]) for i in range(0, len(cells), 3)]
    assert rows == [
        ("Sniegtās vienības 01.03.2026–15.03.2026 × cena (8,5 × 7,35)", "62,48 €", "MK 275 (27.05.2003)"),
        ("Sniegtās vienības 16.03.2026–31.03.2026 × cena (4 × 7,85)", "31,40 €", "MK 275 (27.05.2003)"),
        ("Klienta līdzmaksājums, 25 % no izmaksām", "23,47 €", "MK 275 (27.05.2003)"),  # of 93,88 €
        ("Maksā pašvaldība vai valsts", "70,41 €", "MK 275 (27.05.2003)"),
    ]
    assert 'data-testid="client-share">23,47' in page and 'data-testid="payer-share">70,41' in page
    # A month under one price keeps the one line.
    february = client.get(f"/service-events/{event.id}?month=02.2026").text
    assert "Sniegtās vienības × cena (0 × 7,35)" in february
