"""The assistant-service demo (app/demo_assistant_service.py) against the real database: every demo
municipality gets a granted service with an assistant and an accepted month, and a child's request waiting
for the decision, all made through the services; loading again adds nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_tenant_uow
from app.demo import MUNICIPALITIES, load_demo_data
from app.demo_assistant_service import load_demo_assistant_service
from app.domains.services.assistant_models import AssistantAssignment, AssistantGrant, AssistantReport
from app.tenants.models import Tenant


@pytest.fixture(scope="module")
def tenants(settings: Settings, maint_engine: Engine) -> dict[str, uuid.UUID]:
    load_demo_data(settings)  # loads the assistant-service demo last (or finds it from an earlier test)
    slugs = [m.slug for m in MUNICIPALITIES]
    with maint_engine.connect() as conn:
        return dict(conn.execute(select(Tenant.slug, Tenant.id).where(Tenant.slug.in_(slugs))).all())


def test_every_municipality_has_a_grant_an_assistant_and_a_paid_month(
    tenants: dict[str, uuid.UUID], rw_sessions: sessionmaker[Session]
) -> None:
    assert len(tenants) == len(MUNICIPALITIES)
    for slug, tenant in tenants.items():
        with sync_tenant_uow(rw_sessions, tenant) as s:
            grants = sorted(s.execute(select(AssistantGrant.status, AssistantGrant.monthly_hours)).all())
            assistants = s.scalar(select(func.count()).select_from(AssistantAssignment))
            reports = s.execute(
                select(AssistantReport.status, AssistantReport.pay, AssistantReport.hourly_rate)
            ).all()
        assert [status for status, _ in grants] == ["granted", "requested"], slug
        assert grants[0].monthly_hours == 80 and assistants == 1, slug
        # 72 h × 4,50 €, the legal parameter's rate in force last month
        assert [(r.status, str(r.pay), str(r.hourly_rate)) for r in reports] == [
            ("accepted", "324.00", "4.50")
        ], slug


def test_loading_again_creates_nothing(tenants: dict[str, uuid.UUID], settings: Settings) -> None:
    assert load_demo_assistant_service(settings) == 0
