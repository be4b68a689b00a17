"""The means test of stored declarations (rows made directly through the models): the facts read back, the
four assessments on the declaration's date with the national values the migration loads and the
municipality's own values, another date on request, and the refusals (another municipality's declaration,
a declaration without members)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import sync_tenant_uow
from app.domains.assistance.assessment import assess_all, assess_declaration, declaration_facts
from app.domains.assistance.models import (
    Declaration,
    DeclarationHousingCost,
    DeclarationIncome,
    DeclarationMember,
)
from app.domains.assistance.parameters_service import set_municipal_parameter
from app.domains.assistance.rules import LOW_INCOME_BY_TYPE, LOW_INCOME_NATIONAL_MAX
from app.errors import InvalidInput, NotFound
from tests.factories.cases import actor_for, add_person, run_act
from tests.factories.staff import create_staff

D = Decimal
DECLARED = dt.date(2026, 3, 10)  # regular incomes: December 2025, January and February 2026
MONTHS = (dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1))


def make_declaration(
    rw_sessions,
    tenant: uuid.UUID,
    user: uuid.UUID,
    members: list[dict[str, Any]],
    *,
    incomes: list[tuple[int, str, dt.date, str]] = (),  # type: ignore[assignment]
    costs: dict[str, str] | None = None,
    declared_on: dt.date = DECLARED,
    **fields: Any,
) -> uuid.UUID:
    """A declaration with members ({first, relation, age, …}), incomes (member index, type, month,
    amount) and housing costs (item → monthly amount)."""
    people = [add_person(rw_sessions, tenant, m.pop("first"), "Kalniņš") for m in members]
    applicant = people[0] if people else add_person(rw_sessions, tenant, "Vientuļš", "Iesniedzējs")
    with sync_tenant_uow(rw_sessions, tenant) as s:
        declaration = Declaration(
            tenant_id=tenant,
            number=f"D-2026/{uuid.uuid4().int % 100000:05d}",
            applicant_id=applicant,
            declared_on=declared_on,
            created_by=user,
            **fields,
        )
        s.add(declaration)
        s.flush()
        rows = []
        for person, member in zip(people, members, strict=True):
            row = DeclarationMember(
                tenant_id=tenant,
                declaration_id=declaration.id,
                person_id=person,
                social_status=member.pop("social_status", "employed"),
                **member,
            )
            s.add(row)
            s.flush()
            rows.append(row.id)
        for index, income_type, month, amount in incomes:
            s.add(
                DeclarationIncome(
                    tenant_id=tenant,
                    declaration_id=declaration.id,
                    member_id=rows[index],
                    income_type=income_type,
                    month=month,
                    amount=D(amount),
                )
            )
        for item, amount in (costs or {}).items():
            s.add(
                DeclarationHousingCost(
                    tenant_id=tenant, declaration_id=declaration.id, item=item, amount=D(amount)
                )
            )
        return declaration.id


@pytest.fixture
def world(settings, rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, full_name="Dace Kļaviņa")
    return {"settings": settings, "head": head, "actor": actor_for(tenant_a, head, "head_of_service")}


@pytest.fixture
def family(world, rw_sessions, tenant_a) -> uuid.UUID:
    """Two adults and two children; 400 of wages a month, a family benefit (not counted), rent and heat."""
    return make_declaration(
        rw_sessions,
        tenant_a,
        world["head"],
        [
            {"first": "Jānis", "relation": "applicant", "age": 38},
            {"first": "Anna", "relation": "spouse", "age": 36, "social_status": "unemployed"},
            {"first": "Ilze", "relation": "child", "age": 9, "social_status": "child"},
            {"first": "Kārlis", "relation": "child", "age": 4, "social_status": "child"},
        ],
        incomes=[(0, "wages", m, "400") for m in MONTHS] + [(1, "family_benefit", m, "50") for m in MONTHS],
        costs={"rent": "250", "heating": "180"},
    )


def test_the_facts_of_a_declaration(world, family, tenant_a) -> None:
    facts = run_act(world["settings"], tenant_a, lambda s: declaration_facts(s, family))
    assert facts.declared_on == DECLARED and facts.persons == 4
    assert next(m.relation for m in facts.members) == "applicant"
    assert sorted(m.age for m in facts.members) == [4, 9, 36, 38]
    assert len(facts.incomes) == 6 and {c.item for c in facts.housing_costs} == {"rent", "heating"}
    assert facts.savings == D("0.00") and facts.number.startswith("D-2026/")


def test_all_four_assessments_on_the_declaration_date(world, family, tenant_a) -> None:
    results = run_act(world["settings"], tenant_a, lambda s: assess_all(s, family))
    assert set(results) == {"gmi", "housing", "needy_status", "low_income_status"}
    # GMI 2026: 187 + 131 × 3 = 580 − 400 = 180.00 for 3 months (the family benefit is not counted)
    assert (results["gmi"].amount, results["gmi"].period_months) == (D("180.00"), 3)
    # Housing: 1.5 × 580 = 870 + rent 250 (norm 150 + 50 × 3) + heat 180 (norm 120 + 30 × 3) − 400 = 900.00
    assert results["housing"].amount == D("900.00")
    # Needy: 400 ≤ 425 + 298 × 3 = 1319, a working-age member: 3 months
    assert results["needy_status"].eligible and results["needy_status"].period_months == 3
    low = results["low_income_status"]
    assert low.eligible and LOW_INCOME_NATIONAL_MAX in [line.label for line in low.lines]
    stored = results["gmi"].as_json()
    assert stored[-1] == {
        "label": "GMI benefit period",
        "value": 3,
        "unit": "months",
        "reference": "MK 809",
        "params": {},
    }


def test_another_date_uses_that_dates_values(world, family, tenant_a) -> None:
    # 2024: 137 + 96 × 3 = 425 − 400 = 25.00
    gmi = run_act(
        world["settings"], tenant_a, lambda s: assess_declaration(s, family, "gmi", dt.date(2024, 6, 1))
    )
    assert gmi.amount == D("25.00")


def test_the_municipal_threshold_for_the_household_type(world, rw_sessions, tenant_a) -> None:
    pensioner = make_declaration(
        rw_sessions,
        tenant_a,
        world["head"],
        [
            {
                "first": "Zenta",
                "relation": "applicant",
                "age": 78,
                "pensioner": True,
                "social_status": "pensioner",
            }
        ],
        incomes=[(0, "pension", m, "620") for m in MONTHS],
        savings=D("100"),
    )

    async def set_threshold(session: AsyncSession) -> None:
        for household_type, value in (("", "595"), ("single_pensioner", "640")):
            await set_municipal_parameter(
                session,
                world["actor"],
                key="low_income_first",
                household_type=household_type,
                value=D(value),
                valid_from=dt.date(2026, 1, 1),
                valid_to=None,
                legal_reference="Saistošie noteikumi Nr. 3/2026",
            )

    run_act(world["settings"], tenant_a, set_threshold)
    low = run_act(
        world["settings"], tenant_a, lambda s: assess_declaration(s, pensioner, "low_income_status")
    )
    # 620 ≤ 640 for a single pensioner (595 would refuse); no working-age member: 6 months
    assert low.eligible and low.period_months == 6
    assert LOW_INCOME_BY_TYPE in [line.label for line in low.lines]
    needy = run_act(world["settings"], tenant_a, lambda s: assess_declaration(s, pensioner, "needy_status"))
    assert not needy.eligible  # 620 > 425


def test_another_municipalitys_declaration_is_not_found(world, family, tenant_b) -> None:
    with pytest.raises(NotFound):
        run_act(world["settings"], tenant_b, lambda s: assess_declaration(s, family, "gmi"))


def test_a_declaration_without_members_or_an_unknown_kind_is_refused(
    world, family, rw_sessions, tenant_a
) -> None:
    empty = make_declaration(rw_sessions, tenant_a, world["head"], [])
    with pytest.raises(InvalidInput) as refused:
        run_act(world["settings"], tenant_a, lambda s: assess_declaration(s, empty, "gmi"))
    assert refused.value.errors == {
        "members": ["The declaration has no household members: add the household first."]
    }
    with pytest.raises(InvalidInput):
        run_act(world["settings"], tenant_a, lambda s: assess_declaration(s, family, "lottery"))
