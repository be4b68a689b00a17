"""A page shown for one municipality cannot act in another after a switch in another tab."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from app.db import sync_tenant_uow
from app.domains.people.models import Person
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in


def test_a_stale_page_is_refused_and_writes_nothing(client, rw_sessions, tenant_a, tenant_b) -> None:
    username = f"two-{uuid.uuid4().hex[:8]}"
    roles = ["head_of_service"]
    create_staff(rw_sessions, {tenant_a: roles, tenant_b: roles}, username=username)
    sign_in(client, username)
    home = client.get("/")
    token = csrf_from(home.text)
    current = tenant_a if "<h1>Ādažu novads" in home.text else tenant_b
    other = tenant_b if current == tenant_a else tenant_a
    assert f'"x-atbalsts-tenant": "{current}"' in home.text  # every htmx request says where it came from

    # Another tab switches the session to the other municipality...
    client.post("/switch-municipality", data={"tenant_id": str(other), "_csrf_token": token})
    # ...and this tab, still showing the first one, acts.
    stale = client.post(
        "/api/v1/persons",
        json={"first_name": "Anna", "last_name": "Liepa"},
        headers={"x-csrftoken": token, "x-atbalsts-tenant": str(current)},
    )
    assert stale.status_code == 409
    assert "citai pašvaldībai" in stale.json()["detail"]
    form = client.post(
        "/admin/staff",
        data={"_csrf_token": token, "_tenant": str(current), "username": "x", "full_name": "X"},
        headers={"HX-Request": "true"},
    )
    assert form.status_code == 409 and form.headers["HX-Retarget"] == "#status"
    for tenant in (tenant_a, tenant_b):
        with sync_tenant_uow(rw_sessions, tenant) as s:
            assert s.scalar(select(func.count()).select_from(Person)) == 0

    fresh = client.post(
        "/api/v1/persons",
        json={"first_name": "Anna", "last_name": "Liepa", "personal_code": "161175-19997"},
        headers={"x-csrftoken": token, "x-atbalsts-tenant": str(other)},
    )
    assert fresh.status_code == 201
