"""The benefit catalogue over /api/v1: the whole list (in force on a date, by kind), one benefit with its
rules as decimal strings, problem details for every refusal, another municipality's benefit answered as a
missing one; generated requests (schemathesis) get only documented answers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.benefits.catalogue import benefit_type_by_code, deactivate_benefit_type
from app.domains.benefits.defaults import DEFAULT_CATALOGUE, ensure_default_catalogue
from tests.api.contract import check_generated, half_real
from tests.factories.cases import actor_for, run_act
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

BASE = "http://127.0.0.1:8000"


@pytest.fixture
def world(client, settings, rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    found: dict[str, Any] = {"tenant": tenant_a}
    for key, tenant, role in [
        ("officer", tenant_a, "benefit_officer"),
        ("head", tenant_a, "head_of_service"),
        ("reader", tenant_a, "readonly_institution"),
        ("foreign", tenant_b, "head_of_service"),
    ]:
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        user_id = create_staff(rw_sessions, {tenant: [role]}, username=username)
        found[key] = {"username": username, "actor": actor_for(tenant, user_id, role)}

    async def seed(session: AsyncSession) -> dict[str, uuid.UUID]:
        await ensure_default_catalogue(session, tenant_a)
        head = found["head"]["actor"]
        dzims = await benefit_type_by_code(session, head, "DZIMS")
        await deactivate_benefit_type(session, head, dzims.id, version=1)
        return {
            code: (await benefit_type_by_code(session, head, code)).id for code in ("KRIZE", "KURIN", "GMI")
        }

    found["ids"] = run_act(settings, tenant_a, seed)
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
    assert body["status"] == status
    return body


def test_the_whole_catalogue_and_the_part_in_force(client, world) -> None:
    api = api_as(client, world, "officer")
    everything = api.get("/api/v1/benefit-types")
    assert everything.status_code == 200, everything.text
    codes = [b["code"] for b in everything.json()["items"]]
    assert codes == sorted(raw["code"] for raw in DEFAULT_CATALOGUE)
    in_force = [b["code"] for b in api.get("/api/v1/benefit-types?on=2026-03-10").json()["items"]]
    assert "DZIMS" not in in_force and "KRIZE" in in_force  # deactivated
    old = [b["code"] for b in api.get("/api/v1/benefit-types?on=2022-06-01").json()["items"]]
    assert old == ["GMI", "MAZN", "MP", "TRUC"]  # the municipal ones start in 2025
    assert [b["code"] for b in api.get("/api/v1/benefit-types?kind=crisis").json()["items"]] == ["KRIZE"]


def test_one_benefit_with_its_rules(client, world) -> None:
    api = api_as(client, world, "officer")
    fuel = api.get(f"/api/v1/benefit-types/{world['ids']['KURIN']}").json()
    assert fuel["amount"] == {
        "rule": "actual_cost_capped",
        "per": "household",
        "fixed": None,
        "percent": None,
        "percent_of": None,
        "cap": "250.00",
        "min_claim": "50.00",
        "yearly_cap": "180.00",
        "yearly_cap_by_children": [
            {"children_from": 1, "cap": "215.00"},
            {"children_from": 3, "cap": "250.00"},
        ],
        "times_per_year": None,
    }
    assert fuel["eligibility"]["requires_status"] == "needy_or_low_income"
    crisis = api.get(f"/api/v1/benefit-types/{world['ids']['KRIZE']}").json()
    assert (crisis["amount"]["percent"], crisis["amount"]["percent_of"]) == ("50", "minimum_wage")
    assert crisis["name_lv"] == "Pabalsts krīzes situācijā" and crisis["valid_from"] == "2025-01-01"


def test_refusals_are_problem_details(client, world) -> None:
    api = api_as(client, world, "foreign")
    problem(api.get(f"/api/v1/benefit-types/{world['ids']['GMI']}"), 404)  # another municipality's
    assert api.get("/api/v1/benefit-types").json() == {"items": []}
    api = api_as(client, world, "reader")
    problem(api.get("/api/v1/benefit-types"), 403)
    api = api_as(client, world, "officer")
    problem(api.get("/api/v1/benefit-types?on=31.02.2026"), 422)
    problem(api.get("/api/v1/benefit-types?kind=lottery"), 422)
    problem(api.get(f"/api/v1/benefit-types/{uuid.uuid4()}"), 404)
    api.cookies.clear()
    problem(api.get("/api/v1/benefit-types"), 401)


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/api/v1/benefit-types"), ("GET", "/api/v1/benefit-types/{benefit_type_id}")]
)
def test_generated_requests_get_documented_answers(client, world, method, path) -> None:
    api = api_as(client, world, "officer")
    real = list(world["ids"].values())
    check_generated(api, path, method, base_url=BASE, prepare=half_real("benefit_type_id", real))
