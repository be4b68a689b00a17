"""The decision's PDF over the web: /decisions/{id}/document downloads it for staff who may view
applications (logged), says "being prepared" before it exists; POST renders it now (decide permission)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AccessLog
from app.db import sync_tenant_uow
from app.domains.benefits.decision_pdf import render_decision_document
from tests.factories.decision_rows import decided_application, household
from tests.factories.staff import create_staff
from tests.web.conftest import client, csrf_from, sign_in  # noqa: F401 - the shared client fixture


@pytest.fixture
def made(rw_sessions, tenant_a) -> dict[str, Any]:
    officer = create_staff(
        rw_sessions,
        {tenant_a: ["benefit_officer"]},
        username=f"bo-{tenant_a.hex[-8:]}",
        full_name="Ilze Bērziņa",
    )
    for role in ("accountant", "readonly_institution"):
        create_staff(rw_sessions, {tenant_a: [role]}, username=f"{role[:3]}-{tenant_a.hex[-8:]}")
    home = household(rw_sessions, tenant_a, officer, [{"first_name": "Jānis", "last_name": "Bērziņš"}])
    return {"tenant": tenant_a, "home": home, **decided_application(rw_sessions, tenant_a, officer, home)}


def as_user(client, who: str, tenant) -> Any:  # noqa: F811
    sign_in(client, f"{who}-{tenant.hex[-8:]}")
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def test_download_gives_the_pdf_and_logs_the_reading(client, rw_sessions, made) -> None:  # noqa: F811
    with sync_tenant_uow(rw_sessions, made["tenant"]) as s:
        render_decision_document(s, made["decision_id"])
    web = as_user(client, "acc", made["tenant"])
    answer = web.get(f"/decisions/{made['decision_id']}/document")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    number = made["decision_number"].replace("/", "-")
    assert f"lemums-{number}.pdf" in answer.headers["content-disposition"]
    assert answer.headers["cache-control"] == "private, no-store"
    with sync_tenant_uow(rw_sessions, made["tenant"]) as s:
        logged = (
            s.execute(select(AccessLog).where(AccessLog.person_id == made["home"].applicant_id))
            .scalars()
            .all()
        )
    assert [e.purpose for e in logged] == ["benefit_decision"]


def test_before_it_is_rendered_the_page_says_so_and_render_now_makes_it(client, made) -> None:  # noqa: F811
    web = as_user(client, "bo", made["tenant"])
    waiting = web.get(f"/decisions/{made['decision_id']}/document")
    assert waiting.status_code == 404 and "tiek sagatavots" in waiting.text
    rendered = web.post(f"/decisions/{made['decision_id']}/document", follow_redirects=False)
    assert rendered.status_code == 303
    assert rendered.headers["location"] == f"/decisions/{made['decision_id']}/document"
    assert web.get(rendered.headers["location"]).content.startswith(b"%PDF-")


def test_who_may_not_view_applications_gets_403_and_render_now_needs_decide(client, made) -> None:  # noqa: F811
    web = as_user(client, "rea", made["tenant"])
    assert web.get(f"/decisions/{made['decision_id']}/document").status_code == 403
    web = as_user(client, "acc", made["tenant"])
    assert web.post(f"/decisions/{made['decision_id']}/document").status_code == 403


def test_an_unknown_decision_is_404(client, made) -> None:  # noqa: F811
    web = as_user(client, "bo", made["tenant"])
    assert web.get(f"/decisions/{made['home'].applicant_id}/document").status_code == 404
