"""The benefit catalogue's acts and reads against a real database (as app_rw, under RLS): only the head of
service edits, codes are unique per municipality, a stale version is 409, every act is audited, a refused
act leaves nothing; the default catalogue is added once and never overwrites what a municipality changed."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.benefits.catalogue import (
    CatalogueFilter,
    amount_preview,
    benefit_type,
    benefit_type_by_code,
    benefit_types,
    create_benefit_type,
    deactivate_benefit_type,
    reactivate_benefit_type,
    update_benefit_type,
)
from app.domains.benefits.defaults import BASIC_CODES, DEFAULT_CATALOGUE, ensure_default_catalogue
from app.domains.benefits.models import BenefitType
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories.cases import actor_for, rows_of, run_act
from tests.factories.staff import create_staff

ON = dt.date(2026, 3, 10)
CRISIS: dict[str, Any] = {
    "code": "KRIZE2",
    "name_lv": "Pabalsts ārkārtas situācijā",
    "name_en": "Emergency benefit",
    "kind": "crisis",
    "legal_basis": "Saistošie noteikumi Nr. 5/2026, 7. p.",
    "valid_from": "01.01.2026",
    "amount_rule": "actual_cost_capped",
    "cap": "200",
    "frequency": "one_off",
    "residents_only": "on",
}


@pytest.fixture
def world(settings, rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    roles = {
        "head": (tenant_a, "head_of_service"),
        "officer": (tenant_a, "benefit_officer"),
        "readonly": (tenant_a, "readonly_institution"),
        "foreign_head": (tenant_b, "head_of_service"),
    }
    actors = {}
    for key, (tenant, role) in roles.items():
        user_id = create_staff(rw_sessions, {tenant: [role]}, full_name="Dace Kļaviņa")
        actors[key] = actor_for(tenant, user_id, role)
    return {"actors": actors, "settings": settings, "a": tenant_a, "b": tenant_b}


def act(world: dict[str, Any], fn: Any, tenant: str = "a") -> Any:
    return run_act(world["settings"], world[tenant], fn)


def audit(rw_sessions, tenant: uuid.UUID, entity_id: uuid.UUID | None = None) -> list[Any]:
    query = select(ChangeLog.action, ChangeLog.before, ChangeLog.after).order_by(
        ChangeLog.occurred_at, ChangeLog.id
    )
    if entity_id is not None:
        query = query.where(ChangeLog.entity_id == entity_id)
    return rows_of(rw_sessions, tenant, query.where(ChangeLog.action.like("benefits:%")))


def create(world: dict[str, Any], raw: dict[str, Any] | None = None, who: str = "head") -> BenefitType:
    return act(world, lambda s: create_benefit_type(s, world["actors"][who], raw or CRISIS))


# --- creating ----------------------------------------------------------------------------------------------


def test_the_head_of_service_adds_a_benefit_and_it_is_audited(world, rw_sessions, tenant_a) -> None:
    created = create(world)
    assert (created.code, created.cap, created.version, created.active) == (
        "KRIZE2",
        Decimal("200.00"),
        1,
        True,
    )
    [(action, before, after)] = audit(rw_sessions, tenant_a, created.id)
    assert action == "benefits:benefit_type:create" and before is None
    assert after["code"] == "KRIZE2" and after["cap"] == "200.00" and after["valid_from"] == "2026-01-01"


def test_only_the_catalogue_editor_may_add(world) -> None:
    with pytest.raises(Forbidden):
        create(world, who="officer")


def test_a_refused_benefit_leaves_nothing_behind(world, rw_sessions, tenant_a) -> None:
    with pytest.raises(InvalidInput) as refused:
        create(world, {**CRISIS, "cap": "-1", "valid_to": "01.01.2020"})
    assert set(refused.value.errors) == {"cap", "valid_to"}
    assert rows_of(rw_sessions, tenant_a, select(func.count()).select_from(BenefitType))[0][0] == 0
    assert audit(rw_sessions, tenant_a) == []


def test_codes_are_unique_in_a_municipality_not_across(world) -> None:
    create(world)
    with pytest.raises(InvalidInput) as taken:
        create(world, {**CRISIS, "code": "krize2"})
    assert taken.value.errors == {"code": ["Another benefit of the municipality already has this code."]}
    other = act(world, lambda s: create_benefit_type(s, world["actors"]["foreign_head"], CRISIS), tenant="b")
    assert other.code == "KRIZE2"


# --- changing ----------------------------------------------------------------------------------------------


def test_a_change_bumps_the_version_and_audits_only_what_changed(world, rw_sessions, tenant_a) -> None:
    created = create(world)
    head = world["actors"]["head"]
    changed = act(
        world, lambda s: update_benefit_type(s, head, created.id, {**CRISIS, "cap": "250,5"}, version=1)
    )
    assert (changed.cap, changed.version) == (Decimal("250.50"), 2)
    same = act(
        world, lambda s: update_benefit_type(s, head, created.id, {**CRISIS, "cap": "250.50"}, version=2)
    )
    assert same.version == 2  # nothing changed: no new version, no audit entry
    entries = audit(rw_sessions, tenant_a, created.id)
    assert [e[0] for e in entries] == ["benefits:benefit_type:create", "benefits:benefit_type:edit"]
    assert entries[1][1] == {"code": "KRIZE2", "cap": "200.00"}
    assert entries[1][2] == {"code": "KRIZE2", "cap": "250.50"}


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, rw_sessions, tenant_a) -> None:
    created = create(world)
    head = world["actors"]["head"]
    act(world, lambda s: update_benefit_type(s, head, created.id, {**CRISIS, "cap": "300"}, version=1))
    with pytest.raises(Conflict):
        act(world, lambda s: update_benefit_type(s, head, created.id, {**CRISIS, "cap": "100"}, version=1))
    cap = rows_of(rw_sessions, tenant_a, select(BenefitType.cap).where(BenefitType.id == created.id))[0][0]
    assert cap == Decimal("300.00")


def test_a_change_may_not_take_another_benefits_code(world) -> None:
    first = create(world)
    create(world, {**CRISIS, "code": "OTHER"})
    head = world["actors"]["head"]
    with pytest.raises(InvalidInput) as taken:
        act(world, lambda s: update_benefit_type(s, head, first.id, {**CRISIS, "code": "OTHER"}, version=1))
    assert "code" in taken.value.errors


def test_deactivating_and_reactivating(world, rw_sessions, tenant_a) -> None:
    created = create(world)
    head = world["actors"]["head"]
    off = act(world, lambda s: deactivate_benefit_type(s, head, created.id, version=1))
    assert (off.active, off.version) == (False, 2)
    with pytest.raises(Conflict):
        act(world, lambda s: deactivate_benefit_type(s, head, created.id, version=None))
    on = act(world, lambda s: reactivate_benefit_type(s, head, created.id, version=2))
    assert (on.active, on.version) == (True, 3)
    actions = [e[0] for e in audit(rw_sessions, tenant_a, created.id)]
    assert actions[-2:] == ["benefits:benefit_type:deactivate", "benefits:benefit_type:reactivate"]


# --- reading -----------------------------------------------------------------------------------------------


def test_the_list_in_force_on_a_date(world) -> None:
    head = world["actors"]["head"]
    create(world)
    create(world, {**CRISIS, "code": "OLD", "valid_from": "01.01.2024", "valid_to": "31.12.2025"})
    off = create(world, {**CRISIS, "code": "OFF", "name_lv": "Vecs pabalsts"})
    act(world, lambda s: deactivate_benefit_type(s, head, off.id, version=1))

    def codes(given: CatalogueFilter) -> list[str]:
        return [b.code for b in act(world, lambda s: benefit_types(s, head, given))]

    assert codes(CatalogueFilter()) == ["KRIZE2", "OFF", "OLD"]
    assert codes(CatalogueFilter(on=ON)) == ["KRIZE2"]
    assert codes(CatalogueFilter(on=dt.date(2025, 6, 1))) == ["OLD"]
    assert codes(CatalogueFilter(text="vecs")) == ["OFF"]
    assert codes(CatalogueFilter(text="kri")) == ["KRIZE2"]
    assert codes(CatalogueFilter(text="%")) == []
    assert codes(CatalogueFilter(kind="gmi")) == []


def test_who_may_read_and_what_is_not_theirs(world) -> None:
    created = create(world)
    officer = world["actors"]["officer"]
    assert act(world, lambda s: benefit_type(s, officer, created.id)).code == "KRIZE2"
    assert act(world, lambda s: benefit_type_by_code(s, officer, "krize2")).id == created.id
    with pytest.raises(Forbidden):
        act(world, lambda s: benefit_types(s, world["actors"]["readonly"]))
    foreign = world["actors"]["foreign_head"]
    with pytest.raises(NotFound):
        act(world, lambda s: benefit_type(s, foreign, created.id), tenant="b")


# --- the default catalogue ---------------------------------------------------------------------------------


def test_the_default_catalogue_is_added_once_and_keeps_what_was_changed(world, rw_sessions, tenant_a) -> None:
    head = world["actors"]["head"]

    async def seed(session: AsyncSession) -> list[str]:
        return await ensure_default_catalogue(session, tenant_a)

    added = act(world, seed)
    assert sorted(added) == sorted(raw["code"] for raw in DEFAULT_CATALOGUE)
    crisis = act(world, lambda s: benefit_type_by_code(s, head, "KRIZE"))
    act(
        world,
        lambda s: update_benefit_type(
            s, head, crisis.id, {**CRISIS, "code": "KRIZE", "kind": "crisis"}, version=1
        ),
    )
    assert act(world, seed) == []
    again = act(world, lambda s: benefit_type_by_code(s, head, "KRIZE"))
    assert again.amount_rule == "actual_cost_capped"  # the municipality's change stays
    in_force = [b.code for b in act(world, lambda s: benefit_types(s, head, CatalogueFilter(on=ON)))]
    assert set(BASIC_CODES) <= set(in_force)
    seeded = [e for e in audit(rw_sessions, tenant_a) if e[0] == "benefits:catalogue:seed"]
    assert len(seeded) == 1 and "GMI" in seeded[0][2]["codes"]
    with sync_tenant_uow(rw_sessions, world["b"]) as s:  # the other municipality has none of it
        assert s.scalar(select(func.count()).select_from(BenefitType)) == 0


def test_the_crisis_benefit_example_uses_the_minimum_wage_in_force(world, tenant_a) -> None:
    head = world["actors"]["head"]

    async def preview(session: AsyncSession) -> Any:
        await ensure_default_catalogue(session, tenant_a)
        crisis = await benefit_type_by_code(session, head, "KRIZE")
        gmi = await benefit_type_by_code(session, head, "GMI")
        return await amount_preview(session, crisis, ON), await amount_preview(session, gmi, ON)

    crisis, gmi = act(world, preview)
    assert crisis.amount == Decimal("390.00") and crisis.eligible
    assert any(line.value == Decimal("780.00") for line in crisis.lines)
    assert gmi is None
