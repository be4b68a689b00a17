"""The status hand-over over /api/v1/assistance-statuses: items per status holder on the day, cursor
pages, problem details for a bad date, cursor or limit, STATUS_EXPORT, each call audited, and generated
requests (schemathesis) that always get a documented answer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from tests.api.contract import check_generated
from tests.factories.decision_rows import decided_application, household
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

PATH = "/api/v1/assistance-statuses"
BASE = "http://127.0.0.1:8000"
PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def tax_office(rw_sessions, tenant_a) -> str:
    username = f"vid-{tenant_a.hex[-8:]}"
    create_staff(
        rw_sessions, {tenant_a: ["readonly_institution"]}, username=username, full_name="Ēriks Šmits"
    )
    return username


@pytest.fixture
def api(client, tax_office) -> Any:
    sign_in(client, tax_office)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


@pytest.fixture
def holders(rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"], tenant_b: ["benefit_officer"]})
    home = household(
        rw_sessions,
        tenant_a,
        officer,
        [
            {"first_name": "Jānis", "last_name": "Bērziņš", "personal_code": "01018010006"},
            {"first_name": "Anna", "last_name": "Bērziņa"},
            {"first_name": "Ģirts", "last_name": "Bērziņš"},
        ],
    )
    decided_application(rw_sessions, tenant_a, officer, home, kind="needy_status", amount=None, lines=[])
    other = household(rw_sessions, tenant_b, officer, [{"first_name": "Cits", "last_name": "Novads"}])
    decided_application(rw_sessions, tenant_b, officer, other, kind="needy_status", amount=None, lines=[])
    return {"home": home}


def exports(rw_sessions, tenant) -> int:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(ChangeLog)
                .where(ChangeLog.action == "benefits:status:export")
            )
            or 0
        )


def test_the_holders_on_the_day_page_by_page(api, holders, rw_sessions, tenant_a) -> None:
    first = api.get(PATH, params={"on": "2027-01-15", "limit": 2})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["on"] == "2027-01-15" and len(body["items"]) == 2 and body["next_cursor"]
    rest = api.get(PATH, params={"on": "2027-01-15", "limit": 2, "cursor": body["next_cursor"]}).json()
    items = body["items"] + rest["items"]
    assert rest["next_cursor"] is None
    assert sorted(i["first_name"] for i in items) == [
        "Anna",
        "Jānis",
        "Ģirts",
    ]  # not the other municipality's
    janis = next(i for i in items if i["first_name"] == "Jānis")
    assert janis == {
        "personal_code": "01018010006",
        "first_name": "Jānis",
        "last_name": "Bērziņš",
        "status": "needy",
        "valid_from": "2026-12-01",
        "valid_to": "2027-02-28",
        "municipality": "Ādažu novads",
    }
    assert exports(rw_sessions, tenant_a) == 2  # each call is an export
    assert api.get(PATH, params={"on": "2027-03-01"}).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"on": "15.01.2027"}, "on"),
        ({"on": "2027-02-30"}, "on"),
        ({"on": "0001-01-01"}, "on"),
        ({"cursor": "nav-kursors"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
    ],
)
def test_bad_input_is_problem_details_naming_the_field(
    api, holders, rw_sessions, tenant_a, params, field
) -> None:
    answer = api.get(PATH, params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].split(";")[0] == PROBLEM_JSON
    body = answer.json()
    assert body["status"] == 422 and any(e["field"] == field for e in body["errors"]), body
    assert exports(rw_sessions, tenant_a) == 0  # nothing handed over, nothing recorded


def test_without_the_permission_403_and_signed_out_401(client, holders, rw_sessions, tenant_a) -> None:
    assert client.get(PATH).status_code == 401
    username = f"acc-{tenant_a.hex[-8:]}"
    create_staff(rw_sessions, {tenant_a: ["accountant"]}, username=username)
    sign_in(client, username)
    answer = client.get(PATH)
    assert answer.status_code == 403 and answer.headers["content-type"].startswith(PROBLEM_JSON)


def test_the_operation_is_documented(client) -> None:
    operation = client.get("/api/schema/openapi.json").json()["paths"][PATH]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"on", "cursor", "limit"}
    assert "date" in str(params["on"]["schema"])
    assert {"401", "403", "422"} <= set(operation["responses"])


def test_generated_requests_get_documented_answers(api, holders) -> None:
    check_generated(api, PATH, "GET", base_url=BASE, max_examples=30)
