"""Cases over /api/v1: one case, its timeline in cursor pages, recording an entry; problem details for
every refusal, a restricted case answered exactly like a missing one, the access log with purpose "api";
and generated requests (schemathesis) get only documented answers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AccessLog
from app.domains.cases.models import Case, CaseEntry
from app.domains.cases.service import close_case
from tests.api.contract import check_generated, half_real
from tests.factories.cases import actor_for, add_person, make_case, make_entry, rows_of, run_act
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

TODAY = dt.date.today()
OPENED = TODAY - dt.timedelta(days=30)
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def world(client, settings, rw_sessions, tenant_a) -> dict[str, Any]:
    found: dict[str, Any] = {"tenant": tenant_a}
    for key, role in [("liga", "social_worker"), ("ilze", "social_worker"), ("accountant", "accountant")]:
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        user_id = create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name=key.title())
        found[key] = {"username": username, "id": user_id, "actor": actor_for(tenant_a, user_id, role)}
    person = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš")
    liga = found["liga"]["actor"]
    found["person"] = person
    found["plain"] = make_case(settings, tenant_a, liga, person_id=person, opened_on=OPENED)
    found["secret"] = make_case(settings, tenant_a, liga, person_id=person, opened_on=OPENED, sensitive=True)
    return found


def api_as(client: Any, world: dict[str, Any], who: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, world[who]["username"]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["title"]
    return body


def test_a_case_as_json_and_the_view_logged(client, world, rw_sessions, tenant_a) -> None:
    api = api_as(client, world, "liga")
    body = api.get(f"/api/v1/cases/{world['plain']}").json()
    number = rows_of(rw_sessions, tenant_a, select(Case.number).where(Case.id == world["plain"]))[0][0]
    assert body["number"] == number and body["client"] == {"kind": "person", "id": str(world["person"])}
    assert body["case_types"] == ["social_assistance"] and body["restricted"] is False
    assert body["opened_on"] == OPENED.isoformat() and body["version"] == 1
    assert body["responsible_user_id"] == str(world["liga"]["id"]) and body["assigned_user_ids"] == []
    logged = rows_of(rw_sessions, tenant_a, select(AccessLog.purpose, AccessLog.context))
    assert ("api", f"case:{number}") in logged


def test_a_restricted_case_is_a_404_like_a_missing_one(client, world) -> None:
    api = api_as(client, world, "ilze")
    for path in ("/api/v1/cases/{}", "/api/v1/cases/{}/entries"):
        hidden = problem(api.get(path.format(world["secret"])), 404)
        nowhere = uuid.uuid4()
        missing = problem(api.get(path.format(nowhere)), 404)
        assert {**hidden, "instance": ""} == {**missing, "instance": ""}
    payload = {"kind": "note", "occurred_on": TODAY.isoformat(), "subject": "x"}
    assert (
        problem(api.post(f"/api/v1/cases/{world['secret']}/entries", json=payload), 404)["detail"]
        == "Šādas lietas nav."
    )


def test_without_the_permission_it_is_403(client, world) -> None:
    api = api_as(client, world, "accountant")
    problem(api.get(f"/api/v1/cases/{world['plain']}"), 403)
    problem(
        api.post(
            f"/api/v1/cases/{world['plain']}/entries",
            json={"kind": "note", "occurred_on": TODAY.isoformat(), "subject": "x"},
        ),
        403,
    )


def test_the_timeline_in_cursor_pages(client, settings, world, tenant_a) -> None:
    liga = world["liga"]["actor"]
    for i in range(7):
        make_entry(
            settings,
            tenant_a,
            liga,
            world["plain"],
            kind="note" if i % 2 else "phone_call",
            minutes=None if i % 2 else 5,
            occurred_on=OPENED + dt.timedelta(days=i),
            subject=f"E{i}",
        )
    api = api_as(client, world, "liga")
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get(f"/api/v1/cases/{world['plain']}/entries", params=params).json()
        seen += [e["subject"] for e in body["entries"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == [f"E{i}" for i in reversed(range(7))]
    calls = api.get(f"/api/v1/cases/{world['plain']}/entries", params={"kind": "phone_call"}).json()
    assert [e["subject"] for e in calls["entries"]] == ["E6", "E4", "E2", "E0"]
    assert calls["entries"][0]["duration_minutes"] == 5 and calls["entries"][0]["kind"] == "phone_call"
    problem(api.get(f"/api/v1/cases/{world['plain']}/entries", params={"kind": "party"}), 422)
    problem(api.get(f"/api/v1/cases/{world['plain']}/entries", params={"limit": 0}), 422)
    for garbage in ("!!!", "xyz", "Zm9vfGJhcg"):  # not base64; too short; "foo|bar"
        bad = problem(api.get(f"/api/v1/cases/{world['plain']}/entries", params={"cursor": garbage}), 422)
        assert [e["field"] for e in bad["errors"]] == ["cursor"]


def test_recording_an_entry(client, world, rw_sessions, tenant_a) -> None:
    api = api_as(client, world, "liga")
    payload = {
        "kind": "home_visit",
        "occurred_on": TODAY.isoformat(),
        "duration_minutes": 50,
        "subject": "Vizīte",
        "findings": "Viss kārtībā",
    }
    answer = api.post(f"/api/v1/cases/{world['plain']}/entries", json=payload)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["kind"] == "home_visit" and body["staff_user_id"] == str(world["liga"]["id"])
    assert body["findings"] == "Viss kārtībā" and body["created_by"] == str(world["liga"]["id"])
    assert rows_of(rw_sessions, tenant_a, select(CaseEntry.duration_minutes))[0][0] == 50


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        (
            {"kind": "home_visit", "occurred_on": "2999-01-01", "subject": "x", "duration_minutes": 5},
            {"occurred_on"},
        ),
        ({"kind": "home_visit", "occurred_on": "{today}", "subject": "x"}, {"duration_minutes"}),
        (
            {"kind": "home_visit", "occurred_on": "{today}", "subject": "x", "duration_minutes": 0},
            {"duration_minutes"},
        ),
        (
            {"kind": "note", "occurred_on": "{today}", "subject": "x", "staff_user_id": str(uuid.uuid4())},
            {"staff_user_id"},
        ),
        ({"kind": "note", "occurred_on": "{today}", "subject": "x\u0000"}, {"subject"}),
        (
            {"kind": "note", "occurred_on": "{today}", "subject": "x", "duration_minutes": 5000},
            {"duration_minutes"},
        ),
        ({"kind": "note", "occurred_on": "{today}", "subject": ""}, {"subject"}),
        ({"kind": "dance", "occurred_on": "{today}", "subject": "x"}, {"kind"}),
        ({"kind": "note", "occurred_on": "{today}", "subject": "x", "extra": 1}, None),
        ([], None),
    ],
)
def test_invalid_entries_are_422_problems(client, world, rw_sessions, tenant_a, payload, fields) -> None:
    api = api_as(client, world, "liga")
    if isinstance(payload, dict):
        payload = {
            k: v.replace("{today}", TODAY.isoformat()) if isinstance(v, str) else v
            for k, v in payload.items()
        }
    body = problem(api.post(f"/api/v1/cases/{world['plain']}/entries", json=payload), 422)
    if fields:
        assert {e["field"] for e in body["errors"]} >= fields or any(f in str(body) for f in fields), body
    assert rows_of(rw_sessions, tenant_a, select(CaseEntry.id)) == []


def test_a_closed_case_is_a_409_and_other_refusals(client, settings, world, tenant_a) -> None:
    liga = world["liga"]["actor"]
    run_act(
        settings,
        tenant_a,
        lambda s: close_case(s, liga, world["plain"], closed_on=TODAY, reason="x", version=None, today=TODAY),
    )
    api = api_as(client, world, "liga")
    payload = {"kind": "note", "occurred_on": TODAY.isoformat(), "subject": "x"}
    assert (
        "slēgta" in problem(api.post(f"/api/v1/cases/{world['plain']}/entries", json=payload), 409)["detail"]
    )
    problem(
        api.post(
            f"/api/v1/cases/{world['plain']}/entries",
            content=b"kind=note",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        415,
    )
    problem(
        api.post(
            f"/api/v1/cases/{world['plain']}/entries",
            content=b"{",
            headers={"content-type": "application/json"},
        ),
        400,
    )
    del api.headers["x-csrftoken"]
    problem(api.post(f"/api/v1/cases/{world['plain']}/entries", json=payload), 403)
    api.cookies.clear()
    problem(api.get(f"/api/v1/cases/{world['plain']}"), 401)


OPERATIONS = [
    ("GET", "/api/v1/cases/{case_id}"),
    ("GET", "/api/v1/cases/{case_id}/entries"),
    ("POST", "/api/v1/cases/{case_id}/entries"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_generated_requests_get_documented_answers(client, world, method, path) -> None:
    api = api_as(client, world, "liga")
    check_generated(api, path, method, base_url=BASE, prepare=half_real("case_id", [world["plain"]]))
