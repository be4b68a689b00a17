"""The demo loader against the real database: complete, valid, idempotent, and its accounts sign in."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.auth.models import Membership, User
from app.auth.passwords import verify_password
from app.config import Settings
from app.db import sync_tenant_uow
from app.demo import (
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    MULTI_USERNAME,
    MUNICIPALITIES,
    DemoSummary,
    demo_email,
    load_demo_data,
    staff_username,
)
from app.domains.people.models import Person
from app.domains.people.rules import parse_personal_code
from app.permissions import Role
from app.tenants.models import Tenant

SLUGS = [m.slug for m in MUNICIPALITIES]


@pytest.fixture(scope="module")
def demo(settings: Settings) -> DemoSummary:
    return load_demo_data(settings)


@pytest.fixture(scope="module")
def tenant_ids(demo: DemoSummary, maint_engine: Engine) -> dict[str, uuid.UUID]:
    with maint_engine.connect() as conn:
        rows = conn.execute(select(Tenant.slug, Tenant.id).where(Tenant.slug.in_(SLUGS))).all()
    return {slug: tid for slug, tid in rows}


def _counts(maint_engine: Engine) -> dict[str, int]:
    # The maintenance role bypasses RLS: totals over every tenant.
    with maint_engine.connect() as conn:
        return {
            model.__tablename__: conn.scalar(select(func.count()).select_from(model)) or 0
            for model in (Tenant, User, Membership, Person, ChangeLog)
        }


def test_three_municipalities(demo: DemoSummary, tenant_ids: dict[str, uuid.UUID]) -> None:
    assert set(tenant_ids) == {"riga", "valmiera", "cesis"}
    assert [m.slug for m in demo.municipalities] == SLUGS
    assert all(m.persons >= 150 for m in demo.municipalities)


def test_every_role_in_every_municipality(
    demo: DemoSummary, tenant_ids: dict[str, uuid.UUID], rw_sessions: sessionmaker[Session]
) -> None:
    for slug, tid in tenant_ids.items():
        with sync_tenant_uow(rw_sessions, tid) as session:
            rows = session.execute(select(User.username, Membership.roles).join(User)).all()
        by_user = {username: roles for username, roles in rows}
        for role in Role:
            assert by_user[staff_username(role, slug)] == [role.value], (slug, role)
        assert {r for roles in by_user.values() for r in roles} == {r.value for r in Role}
    assert {s.role for s in demo.sign_ins} >= {r.value for r in Role}


def test_the_shared_user_belongs_to_two_municipalities_and_the_admin_is_national(
    demo: DemoSummary, maint_engine: Engine
) -> None:
    with maint_engine.connect() as conn:
        shared = conn.execute(
            select(Tenant.slug).join(Membership).join(User).where(User.username == MULTI_USERNAME)
        ).scalars()
        assert sorted(shared) == ["cesis", "valmiera"]
        admin = conn.execute(
            select(User.id, User.national_roles).where(User.username == ADMIN_USERNAME)
        ).one()
        assert admin.national_roles == ["platform_admin"]
        assert conn.scalar(select(func.count()).where(Membership.user_id == admin.id)) == 0


def test_persons_are_valid_and_unique(
    demo: DemoSummary, tenant_ids: dict[str, uuid.UUID], rw_sessions: sessionmaker[Session]
) -> None:
    for tid in tenant_ids.values():
        with sync_tenant_uow(rw_sessions, tid) as session:
            persons = session.scalars(select(Person)).all()
        codes = [p.personal_code for p in persons]
        assert len(set(codes)) == len(codes)
        new_format = 0
        for p in persons:
            assert p.personal_code is not None
            parsed = parse_personal_code(p.personal_code)
            assert parsed.code == p.personal_code
            if parsed.is_new_format:
                new_format += 1
            else:
                assert parsed.birth_date == p.birth_date
            assert p.birth_date is not None and 1930 <= p.birth_date.year <= 2024
            assert p.sex in ("M", "F")
            if p.sex == "F":  # feminine surnames never keep the masculine ending
                assert not p.last_name.endswith(("s", "š")), p.last_name
        assert 0.08 <= new_format / len(persons) <= 0.25
        assert Counter(p.sex for p in persons)["F"] > len(persons) // 4
        assert any(ch in "āēīūčģķļņšž" for p in persons for ch in p.first_name + p.last_name)


def test_running_again_changes_nothing(demo: DemoSummary, maint_engine: Engine, settings: Settings) -> None:
    before = _counts(maint_engine)
    again = load_demo_data(settings)
    assert _counts(maint_engine) == before
    assert not again.created
    assert again.municipalities == demo.municipalities
    assert again.sign_ins == demo.sign_ins


def test_demo_users_can_sign_in(demo: DemoSummary, maint_engine: Engine) -> None:
    with maint_engine.connect() as conn:
        hashes = dict(conn.execute(select(User.username, User.password_hash)).all())
    for username in (staff_username(Role.SOCIAL_WORKER, "valmiera"), MULTI_USERNAME, ADMIN_USERNAME):
        assert verify_password(hashes[username], DEMO_PASSWORD)
        assert not verify_password(hashes[username], DEMO_PASSWORD + "x")
    assert {s.username for s in demo.sign_ins} <= set(hashes)


def test_demo_accounts_have_e_mail_addresses(demo: DemoSummary, maint_engine: Engine) -> None:
    """Adding an existing account to another municipality's staff asks for its registered e-mail."""
    with maint_engine.connect() as conn:
        emails = dict(conn.execute(select(User.username, User.email)).all())
    for slug in SLUGS:
        for role in Role:
            username = staff_username(role, slug)
            assert emails[username] == f"{username}@{slug}.demo.atbalsts.lv"
    assert emails[MULTI_USERNAME] == "social_worker.vidzeme@vidzeme.demo.atbalsts.lv"
    assert emails[ADMIN_USERNAME] == "platform_admin@demo.atbalsts.lv"
    assert {s.email for s in demo.sign_ins} == {emails[s.username] for s in demo.sign_ins}
    assert all(s.email == demo_email(s.username) for s in demo.sign_ins)
    assert "demo.atbalsts.lv" in demo.render()


def test_render_lists_every_sign_in_and_the_password(demo: DemoSummary) -> None:
    text = demo.render()
    assert DEMO_PASSWORD in text
    for sign_in in demo.sign_ins:
        assert sign_in.username in text
    assert "Valmieras novads" in text
