"""Households over /api/v1: create with members, read, add a member, a person's household on a date;
refusals as problem details naming the fields (and the other household), the access log, and generated
requests (schemathesis) that always get a documented answer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AccessLog, ChangeLog
from app.db import sync_tenant_uow
from app.domains.households.models import Household, HouseholdMember
from app.domains.households.rules import MEMBER_ROLES, age_on
from tests.api.contract import check_generated
from tests.factories.households import add_household, add_person
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

D = dt.date
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def api(client, social_worker) -> Any:
    sign_in(client, social_worker)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


@pytest.fixture
def family(rw_sessions, tenant_a) -> dict[str, uuid.UUID]:
    return {
        "janis": add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš", D(1980, 4, 12)),
        "karlis": add_person(rw_sessions, tenant_a, "Kārlis", "Bērziņš", D(2012, 1, 30)),
        "ede": add_person(rw_sessions, tenant_a, "Ede", "Liepiņa", D(1950, 2, 1)),
    }


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    return body


def test_the_role_list_of_the_contract_is_the_domains() -> None:
    from typing import get_args

    from app.api.v1.households import Role

    assert list(get_args(Role)) == list(MEMBER_ROLES)


def test_create_a_household_with_members_and_read_it(api, rw_sessions, tenant_a, family) -> None:
    answer = api.post(
        "/api/v1/households",
        json={
            "label": "Bērziņu ģimene",
            "note": "Ādaži",
            "members": [
                {"person_id": str(family["janis"]), "role": "head", "joined_on": "2010-05-01"},
                {"person_id": str(family["karlis"]), "role": "child", "joined_on": "2012-01-30"},
            ],
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["label"] == "Bērziņu ģimene" and body["version"] == 1
    assert {(m["first_name"], m["role"], m["joined_on"]) for m in body["members"]} == {
        ("Jānis", "head", "2010-05-01"),
        ("Kārlis", "child", "2012-01-30"),
    }
    assert all(len(m["personal_code"]) == 11 for m in body["members"])  # as the persons API gives codes
    read = api.get(f"/api/v1/households/{body['id']}")
    assert read.status_code == 200 and read.json() == body
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        acts = s.scalars(select(ChangeLog.action).where(ChangeLog.action.like("people:%"))).all()
        viewed = s.scalars(select(AccessLog.purpose).where(AccessLog.person_id == family["janis"])).all()
    assert sorted(acts) == ["people:household:create", "people:member:add", "people:member:add"]
    assert viewed and set(viewed) == {"api"}


def test_add_a_member_and_the_household_on_a_date(api, rw_sessions, tenant_a, family) -> None:
    home = add_household(
        rw_sessions, tenant_a, "Bērziņu ģimene", [(family["janis"], "head", D(2010, 5, 1), None)]
    )
    added = api.post(
        f"/api/v1/households/{home}/members",
        json={
            "person_id": str(family["karlis"]),
            "role": "child",
            "joined_on": "2012-01-30",
            "left_on": None,
        },
    )
    assert added.status_code == 201, added.text
    assert added.json()["household_id"] == str(home) and added.json()["left_on"] is None

    on = api.get(f"/api/v1/persons/{family['karlis']}/household", params={"on": "2020-06-01"})
    assert on.status_code == 200
    body = on.json()
    assert body["on"] == "2020-06-01" and body["household"]["label"] == "Bērziņu ģimene"
    ages = {m["first_name"]: m["age"] for m in body["household"]["members"]}
    assert ages == {"Jānis": 40, "Kārlis": 8}
    before = api.get(f"/api/v1/persons/{family['karlis']}/household", params={"on": "2011-01-01"}).json()
    assert before["household"] is None  # not born yet, not a member
    today = api.get(f"/api/v1/persons/{family['janis']}/household").json()
    assert today["household"]["id"] == str(home)
    assert {m["age"] for m in today["household"]["members"]} == {
        age_on(D(1980, 4, 12), D.fromisoformat(today["on"])),
        age_on(D(2012, 1, 30), D.fromisoformat(today["on"])),
    }


def test_a_member_of_another_household_is_refused_naming_it(api, rw_sessions, tenant_a, family) -> None:
    add_household(rw_sessions, tenant_a, "Liepiņu ģimene", [(family["ede"], "head", D(2000, 1, 1), None)])
    home = add_household(rw_sessions, tenant_a, "Bērziņu ģimene")
    answer = api.post(
        f"/api/v1/households/{home}/members",
        json={"person_id": str(family["ede"]), "role": "grandparent", "joined_on": "2024-01-01"},
        headers={"accept-language": "lv"},
    )
    body = _problem(answer, 422)
    assert body["errors"] == [
        {
            "field": "person_id",
            "message": "Šajā periodā persona jau ir reģistrēta citā mājsaimniecībā: Liepiņu ģimene.",
        }
    ]
    created = api.post(
        "/api/v1/households",
        json={
            "label": "Jauna",
            "members": [{"person_id": str(family["ede"]), "role": "head", "joined_on": "2024-01-01"}],
        },
        headers={"accept-language": "en"},
    )
    body = _problem(created, 422)
    assert body["errors"][0]["field"] == "members[0].person_id"
    assert "Liepiņu ģimene" in body["errors"][0]["message"]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalars(select(Household.label).where(Household.label == "Jauna")).all() == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"person_id": "not-a-uuid", "role": "head", "joined_on": "2024-01-01"}, None),  # Litestar's check
        ({"person_id": "JANIS", "role": "boss", "joined_on": "2024-01-01"}, None),
        ({"person_id": "JANIS", "role": "head", "joined_on": "2024-02-30"}, None),
        ({"person_id": "JANIS", "role": "head", "joined_on": "9999-12-31"}, "joined_on"),
        (
            {"person_id": "JANIS", "role": "head", "joined_on": "2024-01-02", "left_on": "2024-01-01"},
            "left_on",
        ),
        ({"person_id": "NOBODY", "role": "head", "joined_on": "2024-01-01"}, "person_id"),
    ],
)
def test_bad_members_are_422_naming_the_field(api, rw_sessions, tenant_a, family, payload, field) -> None:
    home = add_household(rw_sessions, tenant_a, "Bērziņu ģimene")
    ids = {"JANIS": str(family["janis"]), "NOBODY": str(uuid.uuid4())}
    payload = {**payload, "person_id": ids.get(payload["person_id"], payload["person_id"])}
    body = _problem(api.post(f"/api/v1/households/{home}/members", json=payload), 422)
    if field:
        assert [e["field"] for e in body["errors"]] == [field]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalars(select(HouseholdMember)).all() == []


def test_not_found_and_not_allowed(api, client, rw_sessions, tenant_a, tenant_b, family) -> None:
    theirs = add_household(rw_sessions, tenant_b, "Citu ģimene")
    _problem(api.get(f"/api/v1/households/{theirs}"), 404)
    _problem(api.get(f"/api/v1/households/{uuid.uuid4()}"), 404)
    _problem(api.get(f"/api/v1/persons/{uuid.uuid4()}/household"), 404)
    missing = api.post(
        f"/api/v1/households/{theirs}/members",
        json={"person_id": str(family["ede"]), "role": "other", "joined_on": "2024-01-01"},
    )
    _problem(missing, 404)
    _problem(api.get(f"/api/v1/persons/{family['ede']}/household", params={"on": "31.12.2024"}), 422)
    username = f"ro-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["readonly_institution"]}, username=username)
    sign_in(client, username)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    body = _problem(client.post("/api/v1/households", json={"label": "X"}), 403)
    assert body["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/households"),
        ("GET", "/api/v1/households/{household_id}"),
        ("POST", "/api/v1/households/{household_id}/members"),
        ("GET", "/api/v1/persons/{person_id}/household"),
    ],
)
def test_generated_requests_get_documented_answers(api, method, path) -> None:
    """Schema-driven requests, signed in with the CSRF header: never a 5xx, every answer as documented."""
    check_generated(api, path, method, base_url=BASE)
