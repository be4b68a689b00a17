"""The means test of a stored declaration: its facts read into plain values, the legal parameters valid on
the date (with the municipality's values), and the pure rules. Reads only; callers (the declaration and
application services) check permissions and store `computation.as_json()` where they keep results."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.assistance.explain import Computation
from app.domains.assistance.facts import DeclarationFacts, HousingCostFacts, IncomeFacts, MemberFacts
from app.domains.assistance.models import (
    Declaration,
    DeclarationHousingCost,
    DeclarationIncome,
    DeclarationMember,
)
from app.domains.assistance.parameters import LegalParameters, load_parameters
from app.domains.assistance.rules import household_type
from app.domains.assistance.rules_benefits import gmi_benefit, housing_benefit
from app.domains.assistance.rules_status import low_income_status, needy_status
from app.errors import InvalidInput, NotFound
from app.i18n import N_

RULES: dict[str, Callable[[DeclarationFacts, LegalParameters], Computation]] = {
    "gmi": gmi_benefit,
    "housing": housing_benefit,
    "needy_status": needy_status,
    "low_income_status": low_income_status,
}
KINDS = tuple(RULES)

NO_DECLARATION = N_("No such declaration.")
NO_MEMBERS = N_("The declaration has no household members: add the household first.")
UNKNOWN_KIND = N_("Unknown kind of assessment.")

__all__ = [
    "KINDS",
    "DeclarationFacts",
    "assess_all",
    "assess_declaration",
    "compute",
    "declaration_facts",
    "parameters_for",
]


def compute(kind: str, facts: DeclarationFacts, params: LegalParameters) -> Computation:
    """The pure assessment `kind` (gmi, housing, needy_status, low_income_status) of the facts."""
    rule = RULES.get(kind)
    if rule is None:
        raise InvalidInput({"kind": [UNKNOWN_KIND]}, UNKNOWN_KIND)
    if not facts.members:
        raise InvalidInput({"members": [NO_MEMBERS]}, NO_MEMBERS)
    return rule(facts, params)


async def declaration_facts(session: AsyncSession, declaration_id: uuid.UUID) -> DeclarationFacts:
    """The declaration with its members (the applicant first), incomes and housing costs. Four reads;
    a declaration of another municipality is NotFound (RLS)."""
    declaration = await session.scalar(select(Declaration).where(Declaration.id == declaration_id))
    if declaration is None:
        raise NotFound(NO_DECLARATION)
    members = await session.scalars(
        select(DeclarationMember)
        .where(DeclarationMember.declaration_id == declaration_id)
        .order_by(
            (DeclarationMember.relation != "applicant"), DeclarationMember.created_at, DeclarationMember.id
        )
    )
    incomes = await session.scalars(
        select(DeclarationIncome)
        .where(DeclarationIncome.declaration_id == declaration_id)
        .order_by(DeclarationIncome.month, DeclarationIncome.id)
    )
    costs = await session.scalars(
        select(DeclarationHousingCost)
        .where(DeclarationHousingCost.declaration_id == declaration_id)
        .order_by(DeclarationHousingCost.item)
    )
    return DeclarationFacts(
        declared_on=declaration.declared_on,
        members=tuple(
            MemberFacts(
                age=m.age,
                pensioner=m.pensioner,
                disability_group=m.disability_group,
                social_status=m.social_status,
                relation=m.relation,
                member_id=m.id,
                person_id=m.person_id,
            )
            for m in members
        ),
        incomes=tuple(IncomeFacts(i.income_type, i.month, i.amount, i.member_id) for i in incomes),
        housing_costs=tuple(HousingCostFacts(c.item, c.amount, c.quantity) for c in costs),
        owns_dwelling=declaration.owns_dwelling,
        other_real_property=declaration.other_real_property,
        vehicles=declaration.vehicles,
        land_hectares=declaration.land_hectares,
        savings=declaration.savings,
        maintenance_contract=declaration.maintenance_contract,
        other_criterion_failed=declaration.other_criterion_failed,
        declaration_id=declaration.id,
        number=declaration.number,
        status=declaration.status,
    )


async def parameters_for(session: AsyncSession, facts: DeclarationFacts, on: dt.date) -> LegalParameters:
    """The parameters on `on`, set to the household's type (it picks the municipality's low-income
    threshold for that type, when it has one)."""
    params = await load_parameters(session, on)
    return params.for_household_type(household_type(facts.members, params.whole("child_age_limit")))


async def assess_declaration(
    session: AsyncSession, declaration_id: uuid.UUID, kind: str, on: dt.date | None = None
) -> Computation:
    """One assessment of a stored declaration on `on` (default: the declaration's date)."""
    if kind not in RULES:
        raise InvalidInput({"kind": [UNKNOWN_KIND]}, UNKNOWN_KIND)
    facts = await declaration_facts(session, declaration_id)
    params = await parameters_for(session, facts, on or facts.declared_on)
    return compute(kind, facts, params)


async def assess_all(session: AsyncSession, declaration_id: uuid.UUID) -> dict[str, Computation]:
    """Every assessment (gmi, housing, needy_status, low_income_status) on the declaration's date."""
    facts = await declaration_facts(session, declaration_id)
    params = await parameters_for(session, facts, facts.declared_on)
    return {kind: compute(kind, facts, params) for kind in KINDS}
