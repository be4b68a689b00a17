"""The provider register pages through the real app: receiving an application (422 in place with Latvian
messages, then the page), the acts in place (review, register, change, exclude; refuse with 422), 409 on a
stale version, 403 without the permission, 404 for another municipality's application, the navigation
item; and the public search without sign-in, which shows no codes or contacts."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest

from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

TODAY = dt.date.today()


def hx(target: str = "") -> dict[str, str]:
    return {"HX-Request": "true", **({"HX-Target": target} if target else {})}


@pytest.fixture
def staff(rw_sessions, tenant_a, tenant_b) -> dict[str, tuple[str, uuid.UUID]]:
    users = {}
    for role, tenant, real_role in (
        ("head", tenant_a, "head_of_service"),
        ("manager", tenant_a, "case_manager"),
        ("worker", tenant_a, "social_worker"),
        ("stranger", tenant_b, "head_of_service"),
    ):
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        users[role] = (
            username,
            create_staff(rw_sessions, {tenant: [real_role]}, username=username, full_name=f"Ilze {role}"),
        )
    return users


def as_(client: Any, staff: dict[str, Any], role: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, staff[role][0]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def form(client: Any, **fields: Any) -> dict[str, Any]:
    return {"_csrf_token": client.headers["x-csrftoken"], **fields}


def received(client: Any, **given: Any) -> str:
    fields = {
        "provider_name": "SIA Gādība",
        "provider_kind": "legal_person",
        "provider_code": "40003999999",
        "contact": "info@gadiba.lv",
        "service_types": "Aprūpe mājās\nDienas centrs",
        "addresses": "Rīgas iela 1, Cēsis",
        "documents": "Iesniegums",
        "submitted_on": TODAY.strftime("%d.%m.%Y"),
        **given,
    }
    answer = client.post("/providers", data=form(client, **fields), headers=hx())
    assert answer.status_code == 200, answer.text
    path = answer.headers["HX-Redirect"]
    assert re.fullmatch(r"/providers/[0-9a-f-]{36}", path)
    return path


def version(page: str, form_id: str) -> str:
    match = re.search(rf'id="{form_id}".*?name="version" value="(\d+)"', page, re.S)
    assert match
    return match.group(1)


def test_receive_with_latvian_messages_then_review_and_register(client, staff) -> None:
    as_(client, staff, "head")
    page = client.get("/providers/new")
    assert page.status_code == 200 and "Pieņemt sniedzēja iesniegumu" in page.text
    refused = client.post(
        "/providers",
        data=form(client, provider_name="", provider_kind="legal_person", service_types="", addresses=""),
        headers=hx(),
    )
    assert refused.status_code == 422
    assert 'id="provider-form"' in refused.text and "<html" not in refused.text
    assert "Ievadiet sniedzēja nosaukumu." in refused.text
    assert "Ievadiet vismaz vienu pakalpojuma veidu, katru savā rindā." in refused.text
    path = received(client)
    shown = client.get(path)
    assert shown.status_code == 200
    assert f"SPR-{TODAY.year}/00001" in shown.text and "Dienas centrs" in shown.text
    reviewed = client.post(
        f"{path}/review", data=form(client, version=version(shown.text, "review-form")), headers=hx()
    )
    assert reviewed.status_code == 200 and reviewed.headers["HX-Redirect"] == path
    shown = client.get(path)
    assert "Izskatīšanā" in shown.text
    no_reason = client.post(
        f"{path}/decide",
        data=form(client, version=version(shown.text, "decide-form"), decided_on=TODAY.strftime("%d.%m.%Y"),
                  decision_reason="", outcome="refuse"),
        headers=hx(),
    )  # fmt: skip
    assert no_reason.status_code == 422 and "Ievadiet lēmuma pamatojumu." in no_reason.text
    done = client.post(
        f"{path}/decide",
        data=form(client, version=version(shown.text, "decide-form"), decided_on=TODAY.strftime("%d.%m.%Y"),
                  outcome="register"),
        headers=hx(),
    )  # fmt: skip
    assert done.status_code == 200
    shown = client.get(path)
    assert "Reģistrēts" in shown.text
    until = (TODAY.replace(year=TODAY.year + 5) - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    if not (TODAY.month == 2 and TODAY.day == 29):
        assert until in shown.text
    stale = client.post(
        f"{path}/change",
        data=form(client, version="1", service_types="Aprūpe mājās", addresses="Rīgas iela 1"),
        headers=hx(),
    )
    assert stale.status_code == 409
    changed = client.post(
        f"{path}/change",
        data=form(client, version=version(shown.text, "change-form"), service_types="Aprūpe mājās",
                  addresses="Rīgas iela 1, Cēsis\nLielā iela 2, Cēsis", contact=""),
        headers=hx(),
    )  # fmt: skip
    assert changed.status_code == 200
    shown = client.get(path)
    assert "Lielā iela 2, Cēsis" in shown.text and "Dienas centrs" not in shown.text
    out = client.post(
        f"{path}/exclude",
        data=form(client, version=version(shown.text, "exclude-form"), decided_on=TODAY.strftime("%d.%m.%Y"),
                  decision_reason="Pārkāpumi"),
        headers=hx(),
    )  # fmt: skip
    assert out.status_code == 200
    assert "Izslēgts" in client.get(path).text


def test_the_list_filters_and_the_nav_item(client, staff) -> None:
    as_(client, staff, "head")
    received(client, provider_name="Biedrība Atbalsts")
    listed = client.get("/providers")
    assert listed.status_code == 200 and "Biedrība Atbalsts" in listed.text
    assert 'href="/providers"' in listed.text  # the nav item
    pending = client.get("/providers?which=pending", headers=hx("results"))
    assert pending.status_code == 200 and "Biedrība Atbalsts" in pending.text
    assert pending.headers.get("HX-Push-Url") == "/providers?which=pending"
    none = client.get("/providers?which=excluded", headers=hx("results"))
    assert "Biedrība Atbalsts" not in none.text
    assert client.get("/providers?which=nonsense", headers=hx("results")).status_code == 422


def test_permissions_and_another_municipality(client, staff) -> None:
    as_(client, staff, "head")
    path = received(client)
    as_(client, staff, "manager")  # may view, not review
    shown = client.get(path)
    assert shown.status_code == 200 and 'id="review-form"' not in shown.text
    assert client.post(f"{path}/review", data=form(client), headers=hx()).status_code == 403
    assert client.get("/providers/new").status_code == 403
    as_(client, staff, "worker")
    assert client.get("/providers").status_code == 403
    assert 'href="/providers"' not in client.get("/").text
    as_(client, staff, "stranger")
    assert client.get(path).status_code == 404


def test_the_public_search_needs_no_sign_in_and_shows_no_codes(client, staff) -> None:
    as_(client, staff, "head")
    mark = uuid.uuid4().hex[:8]
    path = received(client, provider_name=f"Gādība {mark}", contact="slepens@gadiba.lv")
    shown = client.get(path)
    client.post(
        f"{path}/decide",
        data=form(client, version=version(shown.text, "decide-form"), decided_on=TODAY.strftime("%d.%m.%Y"),
                  outcome="register"),
        headers=hx(),
    )  # fmt: skip
    received(client, provider_name=f"Pieteikums {mark}")  # not decided
    client.cookies.clear()
    page = client.get(f"/public/providers?name={mark}")
    assert page.status_code == 200
    assert f"Gādība {mark}" in page.text and f"Pieteikums {mark}" not in page.text
    assert "Dienas centrs" in page.text and "Rīgas iela 1, Cēsis" in page.text
    assert "40003999999" not in page.text and "slepens@gadiba.lv" not in page.text
    part = client.get(f"/public/providers?name={mark}&service=nav+tāda", headers=hx("results"))
    assert part.status_code == 200 and "<html" not in part.text
    assert "Neviens reģistrēts sniedzējs neatbilst meklēšanas nosacījumiem." in part.text
    assert client.get("/providers", follow_redirects=False).status_code in (302, 303, 401)
