"""The waiting-list pages through the real app: the services with a list, registering by personal code (422
in place with Latvian messages), positions with their explanation, a state change refused in place and
then made, 403 without the permission, 404 for another municipality's list."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.db import sync_tenant_uow
from app.domains.services.defaults import ensure_default_services_sync
from app.domains.services.models import QueueEntry, ServiceType
from tests.factories.households import add_person
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}


@pytest.fixture
def ground(rw_sessions, tenant_a) -> dict[str, Any]:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        ensure_default_services_sync(s, tenant_a)
        home_care = s.scalar(select(ServiceType.id).where(ServiceType.code == "APRUPE-MAJAS"))
    users = {}
    for role in ("social_worker", "accountant"):
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name="Ilze Kalniņa")
        users[role] = username
    anna = add_person(rw_sessions, tenant_a, "Anna", "Ozola", dt.date(1940, 3, 4))
    berta = add_person(rw_sessions, tenant_a, "Berta", "Kalna", dt.date(1941, 5, 6))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        from app.domains.people.models import Person

        codes = dict(
            s.execute(select(Person.id, Person.personal_code).where(Person.id.in_([anna, berta]))).all()
        )
    return {"service": home_care, "users": users, "anna": codes[anna], "berta": codes[berta]}


def as_(client: Any, username: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, username).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def token(client: Any) -> str:
    return client.headers["x-csrftoken"]


def test_register_by_personal_code_and_see_positions_with_their_reasons(client, ground) -> None:
    as_(client, ground["users"]["social_worker"])
    overview = client.get("/queues")
    assert overview.status_code == 200 and "Aprūpe mājās" in overview.text
    assert 'href="/queues"' in overview.text  # the navigation item
    path = f"/queues/{ground['service']}"

    bad = client.post(path, data={"_csrf_token": token(client), "personal_code": "12"}, headers=HX)
    assert bad.status_code == 422 and "Ievadiet personas kodu" in bad.text and "<html" not in bad.text
    unknown = client.post(
        path, data={"_csrf_token": token(client), "personal_code": "010101-10000"}, headers=HX
    )
    assert unknown.status_code == 422 and "Nav klienta ar šo personas kodu" in unknown.text
    reasonless = client.post(
        path,
        data={"_csrf_token": token(client), "personal_code": ground["anna"], "priority": "1"},
        headers=HX,
    )
    assert reasonless.status_code == 422 and "Norādiet prioritātes pamatu" in reasonless.text

    first = client.post(
        path, data={"_csrf_token": token(client), "personal_code": ground["anna"]}, headers=HX
    )
    assert first.status_code == 200 and first.headers["hx-redirect"] == path
    second = client.post(
        path,
        data={
            "_csrf_token": token(client),
            "personal_code": ground["berta"],
            "priority": "1",
            "priority_reason": "I grupas invaliditāte",
        },
        headers=HX,
    )
    assert second.status_code == 200
    page = client.get(path).text
    rows = re.findall(r'data-testid="position">(\d+)</td>\s*<td><a href="/persons/[^"]+">([^<]+)</a>', page)
    assert rows == [("1", "Berta Kalna"), ("2", "Anna Ozola")]
    assert "2. vieta rindā; 1 no priekšā esošajiem ir prioritāte" in page


def test_a_state_change_is_refused_in_place_then_made(client, rw_sessions, tenant_a, ground) -> None:
    as_(client, ground["users"]["social_worker"])
    path = f"/queues/{ground['service']}"
    client.post(path, data={"_csrf_token": token(client), "personal_code": ground["anna"]}, headers=HX)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        entry = s.scalar(select(QueueEntry.id))
    act = f"/queue-entries/{entry}"
    refused = client.post(
        act, data={"_csrf_token": token(client), "version": "1", "state": "offered"}, headers=HX
    )
    assert refused.status_code == 422 and "Norādiet piedāvāto vietu" in refused.text
    assert 'id="queue-entries"' in refused.text and "<html" not in refused.text
    answer_by = (dt.date.today() + dt.timedelta(days=7)).strftime("%d.%m.%Y")
    made = client.post(
        act,
        data={
            "_csrf_token": token(client),
            "version": "1",
            "state": "offered",
            "offered_place": "Aprūpes birojs “Liepa”",
            "offer_answer_by": answer_by,
        },
        headers=HX,
    )
    assert made.status_code == 200 and made.headers["hx-redirect"] == path
    page = client.get(path).text
    assert "Piedāvāta vieta" in page and "Aprūpes birojs “Liepa”" in page
    stale = client.post(
        act, data={"_csrf_token": token(client), "version": "1", "state": "waiting"}, headers=HX
    )
    assert stale.status_code == 409


def test_without_the_permission_or_in_another_municipality(client, rw_sessions, tenant_b, ground) -> None:
    as_(client, ground["users"]["accountant"])
    assert client.get("/queues").status_code == 403
    assert 'href="/queues"' not in client.get("/").text
    stranger = f"sw-{uuid.uuid4().hex[:6]}"
    create_staff(rw_sessions, {tenant_b: ["social_worker"]}, username=stranger, full_name="Jānis Vanags")
    as_(client, stranger)
    assert client.get(f"/queues/{ground['service']}").status_code == 404


def _registered_provider(
    rw_sessions, tenant, name: str, services: list[str], valid_until: dt.date
) -> uuid.UUID:
    from app.domains.providers.models import ProviderRegistration

    with sync_tenant_uow(rw_sessions, tenant) as s:
        row = ProviderRegistration(
            tenant_id=tenant,
            number=f"SPR-2026/{uuid.uuid4().int % 100000:05d}",
            provider_name=name,
            provider_kind="legal_person",
            provider_code="40003000001",
            service_types=services,
            addresses=["Rīgas iela 1"],
            submitted_on=dt.date(2026, 1, 5),
            status="registered",
            decided_on=dt.date(2026, 1, 10),
            valid_from=dt.date(2026, 1, 10),
            valid_until=valid_until,
        )
        s.add(row)
        s.flush()
        return row.id


def test_a_providers_own_waiting_list(client, rw_sessions, tenant_a, ground) -> None:
    today = dt.date.today()
    gadiba = _registered_provider(
        rw_sessions, tenant_a, "SIA Gādība", ["aprūpe mājās"], today.replace(year=today.year + 1)
    )
    lapsed = _registered_provider(
        rw_sessions, tenant_a, "SIA Vecā", ["Aprūpe mājās"], today - dt.timedelta(days=1)
    )
    other = _registered_provider(
        rw_sessions, tenant_a, "SIA Cits", ["Dienas centrs"], today.replace(year=today.year + 1)
    )
    as_(client, ground["users"]["social_worker"])
    path = f"/queues/{ground['service']}"
    page = client.get(path).text
    tabs = re.findall(r'data-testid="list-tab"[^>]*>([^<]+)</a>', page)
    assert tabs == ["Pašvaldības saraksts (0)", "SIA Gādība (0)"]  # not the lapsed one, not another service's

    for refused_provider in (str(lapsed), str(other), "nav-id"):
        refused = client.post(
            path,
            data={
                "_csrf_token": token(client),
                "personal_code": ground["anna"],
                "provider": refused_provider,
            },
            headers=HX,
        )
        assert refused.status_code == 422, refused_provider
        assert "Izvēlieties šim pakalpojumam reģistrētu sniedzēju" in refused.text

    for provider in (str(gadiba), ""):  # Anna may wait for the provider's places and the municipality's
        made = client.post(
            path,
            data={"_csrf_token": token(client), "personal_code": ground["anna"], "provider": provider},
            headers=HX,
        )
        assert made.status_code == 200, made.text
    assert made.headers["hx-redirect"] == path
    provider_page = client.get(f"{path}?provider={gadiba}").text
    assert "SIA Gādība" in provider_page and provider_page.count('data-testid="queue-entry"') == 1
    tabs = re.findall(r'data-testid="list-tab"[^>]*>([^<]+)</a>', provider_page)
    assert tabs == ["Pašvaldības saraksts (1)", "SIA Gādība (1)"]
