"""The means-test and benefits demo (app/demo_assistance.py) against the real database: every demo
municipality gets declarations, decided applications with grants and statuses, a status expiring soon,
work waiting for the officer and a draft, all made through the services; loading again adds nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.config import Settings
from app.db import sync_tenant_uow
from app.demo import MUNICIPALITIES, load_demo_data
from app.demo_assistance import load_demo_assistance
from app.domains.assistance.models import AssistanceStatus, Declaration
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.cases.access import municipal_today
from app.notifications.models import OutboxMessage
from app.tenants.models import Tenant


@pytest.fixture(scope="module")
def tenants(settings: Settings, maint_engine: Engine) -> dict[str, uuid.UUID]:
    load_demo_data(settings)  # loads the assistance demo last (or finds it there from an earlier test)
    slugs = [m.slug for m in MUNICIPALITIES]
    with maint_engine.connect() as conn:
        return dict(conn.execute(select(Tenant.slug, Tenant.id).where(Tenant.slug.in_(slugs))).all())


def _rows(sessions: sessionmaker[Session], tenant: uuid.UUID, stmt: Any) -> list[Any]:
    with sync_tenant_uow(sessions, tenant) as s:
        return list(s.execute(stmt).all())


def test_every_municipality_has_means_tests_and_decisions(
    tenants: dict[str, uuid.UUID], rw_sessions: sessionmaker[Session]
) -> None:
    today = municipal_today()
    assert len(tenants) == len(MUNICIPALITIES)
    for slug, tenant in tenants.items():
        declarations = [s for (s,) in _rows(rw_sessions, tenant, select(Declaration.status))]
        assert declarations.count("submitted") >= 5 and declarations.count("draft") == 1, slug
        applications = _rows(
            rw_sessions,
            tenant,
            select(BenefitType.code, Application.status).join(
                BenefitType, BenefitType.id == Application.benefit_type_id
            ),
        )
        assert {status for _, status in applications} & {"received", "assessed"}, slug
        decisions = _rows(rw_sessions, tenant, select(Decision.outcome, Decision.reasons))
        assert {outcome for outcome, _ in decisions} == {"granted", "refused"}, slug
        assert all(reasons.strip() for _, reasons in decisions)
        grants = _rows(
            rw_sessions,
            tenant,
            select(BenefitType.code, BenefitGrant.amount).join(
                BenefitType, BenefitType.id == BenefitGrant.benefit_type_id
            ),
        )
        codes = [code for code, _ in grants]
        assert codes.count("GMI") == 2 and "MP" in codes and all(amount > 0 for _, amount in grants), slug
        statuses = _rows(rw_sessions, tenant, select(AssistanceStatus.kind, AssistanceStatus.valid_to))
        assert {kind for kind, _ in statuses} == {"needy", "low_income"}, slug
        soon = [kind for kind, valid_to in statuses if today <= valid_to <= today + dt.timedelta(days=30)]
        assert soon == ["needy"], slug
        # Every decision's PDF waits for the worker, as after a real decision.
        queued = _rows(
            rw_sessions, tenant, select(OutboxMessage.id).where(OutboxMessage.actor == "render_decision_pdf")
        )
        assert len(queued) == len(decisions), slug


def test_loading_again_creates_nothing(
    tenants: dict[str, uuid.UUID], settings: Settings, maint_engine: Engine
) -> None:
    def counts() -> dict[str, int]:
        with maint_engine.connect() as conn:  # the maintenance role sees every municipality
            return {
                m.__tablename__: conn.scalar(select(func.count()).select_from(m)) or 0
                for m in (Declaration, Application, Decision, BenefitGrant, AssistanceStatus, ChangeLog)
            }

    before = counts()
    assert load_demo_assistance(settings) == 0
    assert counts() == before
