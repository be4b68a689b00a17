"""/api/v1/persons: search with cursor pages, registration (201, 409 naming the existing record, 422 in
the reader's language), one person (logged as an "api" view), and the person's access log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import AccessLog
from app.db import sync_tenant_uow
from app.domains.people.models import Person
from app.domains.people.rules import old_format_code
from tests.factories.people import insert_address, insert_persons, unique_code
from tests.web.conftest import csrf_from, sign_in


@pytest.fixture
def api(client, social_worker) -> Any:
    sign_in(client, social_worker)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return answer.json()  # type: ignore[no-any-return]


def test_registration_takes_every_field(api, rw_sessions, tenant_a) -> None:
    payload = {
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "other_id_kind": "residence_permit",
        "other_id": "rp 7654321",
        "birth_date": "1988-02-29",
        "sex": "F",
        "citizenship": "UKR",
        "legal_status": "temporary_resident",
        "preferred_language": "ru",
        "phone": "00 380 44 123 4567",
        "email": "olena@example.com",
    }
    answer = api.post("/api/v1/persons", json=payload)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["other_id"] == "RP7654321" and body["phone"] == "+380441234567"
    assert body["personal_code"] is None and body["version"] == 1
    assert body["addresses"] == [] and body["former_personal_codes"] == []
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        person = s.get(Person, (tenant_a, uuid.UUID(body["id"])))
        assert person is not None and person.name_norm == "kovalenko olena"


def test_a_duplicate_is_409_with_the_existing_records_address(api) -> None:
    code = unique_code()
    first = api.post(
        "/api/v1/persons", json={"first_name": "Anna", "last_name": "Liepa", "personal_code": code}
    )
    dashed = f"{code[:6]}-{code[6:]}"
    body = _problem(
        api.post(
            "/api/v1/persons", json={"first_name": "Cita", "last_name": "Persona", "personal_code": dashed}
        ),
        409,
    )
    assert body["existing"] == f"/api/v1/persons/{first.json()['id']}"
    assert body["detail"] == "Šī persona jau ir reģistrēta."


@pytest.mark.parametrize(
    ("payload", "field", "lv", "en"),
    [
        (
            {"personal_code": "161175-19998"},
            "personal_code",
            "Personas koda kontrolcipars nav pareizs.",
            "The personal code's check digit is wrong.",
        ),
        (
            {"personal_code": "32123456789", "birth_date": "9999-12-31"},
            "birth_date",
            "Dzimšanas datums nav iespējams.",
            "The birth date is impossible.",
        ),
        (
            {"personal_code": "32123456789", "birth_date": "2001-01-01", "first_name": "A\u0000B"},
            "first_name",
            "Tekstā ir rakstzīmes, ko nevar saglabāt (vadības rakstzīmes).",
            "The text contains characters that cannot be stored (control characters).",
        ),
        (
            {"birth_date": "2001-01-01"},
            "personal_code",
            "Ievadiet personas kodu vai, ja personai tā nav, citu identifikatoru (pasi, uzturēšanās "
            "atļauju…).",
            "Enter the personal code, or for a person without one, another identifier (passport, "
            "residence permit…).",
        ),
        (
            {"personal_code": unique_code(), "citizenship": "XYZ"},
            "citizenship",
            "Izvēlieties pilsonību no saraksta (valsts kods, piemēram, LVA).",
            "Choose the citizenship from the list (a country code such as LVA).",
        ),
    ],
)
def test_invalid_fields_are_422_in_the_readers_language(
    api, rw_sessions, tenant_a, payload, field, lv, en
) -> None:
    data = {"first_name": "Anna", "last_name": "Liepa", **payload}
    for language, message in (("lv", lv), ("en", en)):
        body = _problem(api.post("/api/v1/persons", json=data, headers={"accept-language": language}), 422)
        assert {"field": field, "message": message} in body["errors"]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_search_pages_with_a_cursor(api, rw_sessions, tenant_a) -> None:
    ids = insert_persons(
        rw_sessions, tenant_a, [{"first_name": f"Anna{i:02d}", "last_name": "Bērziņa"} for i in range(7)]
    )
    insert_persons(rw_sessions, tenant_a, [{"first_name": "Jānis", "last_name": "Ozols"}])
    insert_address(rw_sessions, tenant_a, ids[0], "Brīvības iela 1", "Rīga")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": "berzina", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/persons", params=params).json()
        assert page["total"] == 7 and page["total_capped"] is False
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [str(i) for i in ids]  # name order: Anna00…Anna06, each once
    first = api.get("/api/v1/persons", params={"q": "bērziņa anna00", "mode": "name"}).json()["items"]
    assert first[0]["declared_address"] == "Brīvības iela 1, Rīga"
    assert api.get("/api/v1/persons").json()["total"] == 8


def test_search_by_code_and_bad_parameters(api, rw_sessions, tenant_a) -> None:
    code = old_format_code(dt.date(1970, 1, 2), 55)
    [person] = insert_persons(
        rw_sessions, tenant_a, [{"first_name": "Ilze", "last_name": "Kļava", "personal_code": code}]
    )
    found = api.get("/api/v1/persons", params={"q": f"{code[:6]}-{code[6:]}"}).json()["items"]
    assert [p["id"] for p in found] == [str(person)] and found[0]["personal_code"] == code
    _problem(api.get("/api/v1/persons", params={"limit": 0}), 422)
    _problem(api.get("/api/v1/persons", params={"mode": "telepathy"}), 422)
    for garbage in ("garbage!!", "xyz", "AAAA", "Zm9vfGJhcg"):  # not base64; 3 zero bytes; "foo|bar"
        bad = _problem(api.get("/api/v1/persons", params={"cursor": garbage}), 422)
        assert [e["field"] for e in bad["errors"]] == ["cursor"]
        assert bad["errors"][0]["message"].startswith("Kursors nav derīgs")
    bad = _problem(api.get(f"/api/v1/persons/{person}/access-log", params={"cursor": "xyz"}), 422)
    assert [e["field"] for e in bad["errors"]] == ["cursor"]


def test_reading_a_person_is_logged_and_shown_in_the_access_log(api, rw_sessions, tenant_a) -> None:
    [person] = insert_persons(rw_sessions, tenant_a, [{"first_name": "Ilze", "last_name": "Kļava"}])
    body = api.get(f"/api/v1/persons/{person}").json()
    assert body["first_name"] == "Ilze" and body["periods"] == []
    log = api.get(f"/api/v1/persons/{person}/access-log").json()
    # Newest first: reading the log is itself a view.
    assert [(e["purpose"], e["context"]) for e in log["items"]] == [("api", "access"), ("api", "api")]
    assert {e["staff_name"] for e in log["items"]} == {"Līga Kalniņa"}
    assert log["items"][0]["roles"] == ["social_worker"]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(AccessLog).where(AccessLog.person_id == person)) == 2


def test_another_municipalitys_person_is_404(api, rw_sessions, tenant_b) -> None:
    [foreign] = insert_persons(rw_sessions, tenant_b, [{"first_name": "Dace", "last_name": "Ozola"}])
    _problem(api.get(f"/api/v1/persons/{foreign}"), 404)
    _problem(api.get(f"/api/v1/persons/{foreign}/access-log"), 404)
    assert api.get("/api/v1/persons", params={"q": "ozola"}).json()["items"] == []
