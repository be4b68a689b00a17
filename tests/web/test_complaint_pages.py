"""The complaint pages through the real app: the list with its filters and the overdue view, registering
(422 in place with Latvian messages, then the page), the page's acts in place (assign, answer with 422,
close), 409 on a stale version, 403 without the permission, 404 for another municipality's complaint,
and the navigation item only for those who may see complaints."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.db import sync_tenant_uow
from app.domains.complaints.models import Complaint
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

TODAY = dt.date.today()


def hx(target: str = "") -> dict[str, str]:
    return {"HX-Request": "true", **({"HX-Target": target} if target else {})}


@pytest.fixture
def staff(rw_sessions, tenant_a, tenant_b) -> dict[str, tuple[str, uuid.UUID]]:
    users = {}
    for role, tenant in (
        ("social_worker", tenant_a),
        ("head_of_service", tenant_a),
        ("accountant", tenant_a),
        ("stranger", tenant_b),
    ):
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        real_role = "head_of_service" if role == "stranger" else role
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


def registered(client: Any, **given: Any) -> str:
    fields = {
        "kind": "complaint",
        "channel": "post",
        "received_on": TODAY.strftime("%d.%m.%Y"),
        "subject": "Par mājas aprūpi",
        "text": "Aprūpētāja neieradās.",
        "submitter_name": "Anna Liepiņa",
        "submitter_contact": "Rīgas iela 1",
        **given,
    }
    answer = client.post("/complaints", data=form(client, **fields), headers=hx())
    assert answer.status_code == 200, answer.text
    path = answer.headers["HX-Redirect"]
    assert re.fullmatch(r"/complaints/[0-9a-f-]{36}", path)
    return path


def version(page: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match
    return match.group(1)


def test_register_with_messages_in_latvian_then_the_page(client, staff) -> None:
    as_(client, staff, "social_worker")
    page = client.get("/complaints/new")
    assert page.status_code == 200
    assert "Reģistrēt sūdzību" in page.text
    refused = client.post(
        "/complaints",
        data=form(client, kind="application", channel="post", received_on="31.02.2026", subject="", text=""),
        headers=hx(),
    )
    assert refused.status_code == 422
    assert 'id="complaint-form"' in refused.text and "<html" not in refused.text
    assert "Ievadiet tematu." in refused.text
    assert "Ievadiet iesnieguma saturu." in refused.text
    assert "Ievadiet iesniedzēju vai izvēlieties klientu no reģistra." in refused.text
    path = registered(client)
    shown = client.get(path)
    assert shown.status_code == 200
    assert f"S-{TODAY.year}/00001" in shown.text
    assert "Par mājas aprūpi" in shown.text
    assert "Ņemt izpildē" in shown.text  # a worker takes it over


def test_the_list_filters_and_the_overdue_view(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "social_worker")
    path = registered(
        client, subject="Vecā sūdzība", received_on=(TODAY - dt.timedelta(days=62)).strftime("%d.%m.%Y")
    )
    registered(client, subject="Jaunā sūdzība")
    listed = client.get("/complaints")
    assert listed.status_code == 200
    assert "Vecā sūdzība" in listed.text and "Jaunā sūdzība" in listed.text
    late = client.get("/complaints?overdue=1", headers=hx("results"))
    assert late.status_code == 200
    assert "Vecā sūdzība" in late.text and "Jaunā sūdzība" not in late.text
    assert "Nokavēts" in late.text
    assert late.headers.get("HX-Push-Url") == "/complaints?overdue=1"
    bad = client.get("/complaints?status=nonsense", headers=hx("results"))
    assert bad.status_code == 422
    mine = client.get("/complaints?mine=1")
    assert "Vecā sūdzība" not in mine.text
    client.post(f"{path}/assign", data=form(client, assigned_to="me", version="1"), headers=hx())
    mine = client.get("/complaints?mine=1")
    assert "Vecā sūdzība" in mine.text


def test_assign_answer_close_in_place(client, staff) -> None:
    as_(client, staff, "social_worker")
    path = registered(client)
    as_(client, staff, "head_of_service")
    page = client.get(path).text
    assert "Ilze social_worker" in page  # in the worker choice
    stale = client.post(
        f"{path}/assign",
        data=form(client, assigned_to=str(staff["social_worker"][1]), version="7"),
        headers=hx(),
    )
    assert stale.status_code == 409
    wrong = client.post(
        f"{path}/assign",
        data=form(client, assigned_to=str(staff["accountant"][1]), version="1"),
        headers=hx(),
    )
    assert wrong.status_code == 422
    assert "Izvēlieties šīs pašvaldības darbinieku, kurš izskata sūdzības." in wrong.text
    done = client.post(
        f"{path}/assign",
        data=form(client, assigned_to=str(staff["social_worker"][1]), version="1"),
        headers=hx(),
    )
    assert done.status_code == 200 and done.headers["HX-Redirect"] == path
    as_(client, staff, "social_worker")
    page = client.get(path).text
    assert "Ilze social_worker" in page
    refused = client.post(
        f"{path}/answer", data=form(client, answer=" ", answered_on="", version=version(page)), headers=hx()
    )
    assert refused.status_code == 422
    assert 'id="answer-form"' in refused.text
    assert "Ievadiet atbildi." in refused.text and "Ievadiet atbildes dienu." in refused.text
    answered = client.post(
        f"{path}/answer",
        data=form(
            client,
            answer="Sniedzējs brīdināts.",
            answered_on=TODAY.strftime("%d.%m.%Y"),
            version=version(page),
        ),
        headers=hx(),
    )
    assert answered.status_code == 200, answered.text
    page = client.get(path).text
    assert "Sniedzējs brīdināts." in page
    closed = client.post(f"{path}/close", data=form(client, version=version(page)), headers=hx())
    assert closed.status_code == 200
    page = client.get(path).text
    assert "Slēgts" in page and 'id="close-form"' not in page and 'id="answer-form"' not in page


def test_permissions_and_other_municipalities(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "social_worker")
    path = registered(client)
    assert 'href="/complaints"' in client.get("/").text
    as_(client, staff, "accountant")
    assert 'href="/complaints"' not in client.get("/").text
    assert client.get("/complaints").status_code == 403
    assert client.get(path).status_code == 403
    assert client.post("/complaints", data=form(client, subject="x"), headers=hx()).status_code == 403
    as_(client, staff, "stranger")
    assert client.get(path).status_code == 404
    assert client.post(f"{path}/close", data=form(client, version="1"), headers=hx()).status_code == 404
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalars(select(Complaint.status)).all() == ["registered"]


def test_english_labels(client, staff) -> None:
    as_(client, staff, "social_worker")
    client.cookies.set("lang", "en")
    page = client.get("/complaints")
    assert "Complaints, submissions and suggestions" in page.text
