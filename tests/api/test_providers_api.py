"""The public search of the provider register over /api/v1: no sign-in, registrations in force of every
municipality, only the public fields, problem details for a malformed query."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from app.domains.providers.service import register_provider, submit_application
from tests.factories.people import actor_for, run_act
from tests.factories.staff import create_staff

TODAY = dt.date.today()


def _registered(settings: Any, rw_sessions: Any, tenant: uuid.UUID, **given: Any) -> Any:
    head = actor_for(
        tenant, "head_of_service", user_id=create_staff(rw_sessions, {tenant: ["head_of_service"]})
    )
    values: dict[str, Any] = {
        "provider_kind": "legal_person",
        "provider_code": "40003999999",
        "contact": "slepens@gadiba.lv",
        "service_types": ["Aprūpe mājās"],
        "addresses": ["Rīgas iela 1, Cēsis"],
        "submitted_on": TODAY,
        **given,
    }
    r = run_act(settings, tenant, lambda s: submit_application(s, head, **values))
    return run_act(settings, tenant, lambda s: register_provider(s, head, r.id, decided_on=TODAY))


def test_anyone_may_search_and_gets_only_public_fields(
    client, settings, rw_sessions, tenant_a, tenant_b
) -> None:
    mark = uuid.uuid4().hex[:8]
    a = _registered(settings, rw_sessions, tenant_a, provider_name=f"Gādība {mark}")
    _registered(settings, rw_sessions, tenant_b, provider_name=f"Rūpes {mark}", addresses=["Tirgus iela 3"])
    answer = client.get("/api/v1/providers", params={"name": mark})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["truncated"] is False
    assert [p["name"] for p in body["items"]] == [f"Gādība {mark}", f"Rūpes {mark}"]
    first = body["items"][0]
    assert set(first) == {
        "registration_number", "name", "kind", "service_types", "addresses", "municipality", "valid_from",
        "valid_until",
    }  # fmt: skip
    assert first["registration_number"] == a.number
    assert first["valid_until"] == a.valid_until.isoformat()
    assert "40003999999" not in answer.text and "slepens" not in answer.text
    only_b = client.get("/api/v1/providers", params={"name": mark, "place": "tirgus"}).json()
    assert [p["name"] for p in only_b["items"]] == [f"Rūpes {mark}"]


def test_a_too_long_query_is_a_problem(client) -> None:
    answer = client.get("/api/v1/providers", params={"name": "x" * 101})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
