"""Reads of means-test declarations for the pages: the declaration with its household, the income tables
(per member: rows per income type, columns per month, the monthly average; and the household's), the
property and the housing costs; a person's declarations; the facts a member is declared with.

Each read is a fixed number of statements (pinned in tests/integration/test_declarations_service.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.domains.assistance.declaration_rules import (
    HOUSING_ITEMS,
    IncomeRow,
    disability_group,
    income_rows,
    monthly_average,
)
from app.domains.assistance.incomes import declaration_months
from app.domains.assistance.models import (
    Declaration,
    DeclarationHousingCost,
    DeclarationIncome,
    DeclarationMember,
    HousingCostNorm,
    MunicipalHousingCostNorm,
)
from app.domains.households.queries import display_code
from app.domains.households.rules import age_on
from app.domains.people.models import Person, PersonFlag

MAX_DECLARATIONS = 100  # a person's list: decades of yearly declarations fit


@dataclass(frozen=True)
class MemberFacts:
    """What a member is declared with, read from the person's record on the declaration date."""

    person_id: uuid.UUID
    birth_date: dt.date | None
    age: int | None
    pensioner: bool
    disabled: bool
    disability_group: int | None


async def member_facts(
    session: AsyncSession, person_ids: Collection[uuid.UUID], on: dt.date
) -> dict[uuid.UUID, MemberFacts]:
    """Age, pension and disability on `on` of the given persons (of this municipality). Two statements.
    Flags are the person's periods (people domain); read here as the declaration's own snapshot."""
    if not person_ids:
        return {}
    ids = list(person_ids)
    births = dict(
        (await session.execute(select(Person.id, Person.birth_date).where(Person.id.in_(ids)))).all()
    )
    flags = await session.execute(
        select(PersonFlag.person_id, PersonFlag.kind, PersonFlag.detail)
        .where(
            PersonFlag.person_id.in_(ids),
            PersonFlag.valid_from <= on,
            or_(PersonFlag.valid_to.is_(None), PersonFlag.valid_to >= on),
        )
        .order_by(PersonFlag.valid_from.desc())
    )
    pensioners: set[uuid.UUID] = set()
    disabilities: dict[uuid.UUID, str | None] = {}
    for person_id, kind, detail in flags:
        if kind == "pensioner":
            pensioners.add(person_id)
        elif kind == "disability":
            disabilities.setdefault(person_id, detail)  # the latest period's group
    return {
        pid: MemberFacts(
            person_id=pid,
            birth_date=birth,
            age=age_on(birth, on),
            pensioner=pid in pensioners,
            disabled=pid in disabilities,
            disability_group=disability_group(disabilities.get(pid)),
        )
        for pid, birth in births.items()
    }


@dataclass(frozen=True)
class MemberCard:
    id: uuid.UUID
    person_id: uuid.UUID
    name: str
    personal_code: str | None
    birth_date: dt.date | None
    relation: str
    social_status: str
    pensioner: bool
    disability_group: int | None
    age: int | None
    regular: tuple[IncomeRow, ...]
    irregular: tuple[IncomeRow, ...]
    average: Decimal  # counted incomes per month

    @property
    def is_applicant(self) -> bool:
        return self.relation == "applicant"

    @property
    def has_incomes(self) -> bool:
        return bool(self.regular or self.irregular)


@dataclass(frozen=True)
class HousingCostLine:
    item: str
    label: str  # msgid
    amount: Decimal
    quantity: Decimal | None


@dataclass(frozen=True)
class DeclarationCard:
    id: uuid.UUID
    number: str
    applicant_id: uuid.UUID
    applicant_name: str
    household_id: uuid.UUID | None
    declared_on: dt.date
    status: str
    version: int
    owns_dwelling: bool
    other_real_property: int
    vehicles: int
    land_hectares: Decimal
    savings: Decimal
    maintenance_contract: bool
    other_criterion_failed: str | None
    created_at: dt.datetime
    created_by_name: str | None
    submitted_at: dt.datetime | None
    submitted_by_name: str | None
    members: tuple[MemberCard, ...]
    housing_costs: tuple[HousingCostLine, ...]
    regular_months: tuple[dt.date, ...]
    irregular_months: tuple[dt.date, ...]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def household_average(self) -> Decimal:
        return sum((m.average for m in self.members), Decimal(0))

    @property
    def average_per_person(self) -> Decimal:
        if not self.members:
            return Decimal("0.00")
        return (self.household_average / len(self.members)).quantize(Decimal("0.01"))

    @property
    def housing_total(self) -> Decimal:
        return sum((c.amount for c in self.housing_costs), Decimal(0))

    def member(self, member_id: uuid.UUID) -> MemberCard | None:
        return next((m for m in self.members if m.id == member_id), None)


_RELATION_ORDER = {"applicant": 0, "spouse": 1, "partner": 1, "child": 3, "parent": 2}


async def declaration_card(session: AsyncSession, declaration_id: uuid.UUID) -> DeclarationCard | None:
    """The declaration page. Four statements: the declaration (with the applicant and the staff names), the
    members, the incomes, the housing costs."""
    creator, submitter = aliased(User), aliased(User)
    row = (
        await session.execute(
            select(
                Declaration,
                Person.first_name,
                Person.last_name,
                creator.full_name.label("created_by_name"),
                submitter.full_name.label("submitted_by_name"),
            )
            .join(Person, Person.id == Declaration.applicant_id)
            .outerjoin(creator, creator.id == Declaration.created_by)
            .outerjoin(submitter, submitter.id == Declaration.submitted_by)
            .where(Declaration.id == declaration_id)
        )
    ).one_or_none()
    if row is None:
        return None
    d: Declaration = row[0]
    member_rows = (
        await session.execute(
            select(
                DeclarationMember,
                Person.first_name,
                Person.last_name,
                Person.personal_code,
                Person.birth_date,
            )
            .join(Person, Person.id == DeclarationMember.person_id)
            .where(DeclarationMember.declaration_id == declaration_id)
        )
    ).all()
    incomes = (
        await session.execute(
            select(
                DeclarationIncome.member_id,
                DeclarationIncome.income_type,
                DeclarationIncome.month,
                DeclarationIncome.amount,
                DeclarationIncome.source,
            ).where(DeclarationIncome.declaration_id == declaration_id)
        )
    ).all()
    costs = (
        await session.scalars(
            select(DeclarationHousingCost).where(DeclarationHousingCost.declaration_id == declaration_id)
        )
    ).all()
    by_member: dict[uuid.UUID, list[tuple[str, dt.date, Decimal, str | None]]] = {}
    for member_id, code, month, amount, source in incomes:
        by_member.setdefault(member_id, []).append((code, month, amount, source))
    members = []
    for m, first, last, personal_code, birth in member_rows:
        rows = income_rows(by_member.get(m.id, []))
        members.append(
            MemberCard(
                id=m.id,
                person_id=m.person_id,
                name=f"{first} {last}",
                personal_code=display_code(personal_code),
                birth_date=birth,
                relation=m.relation,
                social_status=m.social_status,
                pensioner=m.pensioner,
                disability_group=m.disability_group,
                age=m.age,
                regular=tuple(r for r in rows if r.regular),
                irregular=tuple(r for r in rows if not r.regular),
                average=monthly_average((c, a) for c, _, a, _ in by_member.get(m.id, [])),
            )
        )
    members.sort(key=lambda m: (_RELATION_ORDER.get(m.relation, 4), -(m.age or 0), m.name))
    items = list(HOUSING_ITEMS)
    return DeclarationCard(
        id=d.id,
        number=d.number,
        applicant_id=d.applicant_id,
        applicant_name=f"{row.first_name} {row.last_name}",
        household_id=d.household_id,
        declared_on=d.declared_on,
        status=d.status,
        version=d.version,
        owns_dwelling=d.owns_dwelling,
        other_real_property=d.other_real_property,
        vehicles=d.vehicles,
        land_hectares=d.land_hectares,
        savings=d.savings,
        maintenance_contract=d.maintenance_contract,
        other_criterion_failed=d.other_criterion_failed,
        created_at=d.created_at,
        created_by_name=row.created_by_name,
        submitted_at=d.submitted_at,
        submitted_by_name=row.submitted_by_name,
        members=tuple(members),
        housing_costs=tuple(
            HousingCostLine(c.item, HOUSING_ITEMS.get(c.item, c.item), c.amount, c.quantity)
            for c in sorted(costs, key=lambda c: items.index(c.item) if c.item in items else len(items))
        ),
        regular_months=declaration_months(d.declared_on, True),
        irregular_months=declaration_months(d.declared_on, False),
    )


@dataclass(frozen=True)
class DeclarationRow:
    """A line of a person's declarations list."""

    id: uuid.UUID
    number: str
    declared_on: dt.date
    status: str
    applicant_id: uuid.UUID
    applicant_name: str
    member_count: int
    submitted_at: dt.datetime | None


async def person_declarations(session: AsyncSession, person_id: uuid.UUID) -> tuple[DeclarationRow, ...]:
    """The declarations the person made or is a member of, newest first. One statement."""
    members = (
        select(func.count())
        .select_from(DeclarationMember)
        .where(DeclarationMember.declaration_id == Declaration.id)
        .scalar_subquery()
    )
    included = exists().where(
        and_(DeclarationMember.declaration_id == Declaration.id, DeclarationMember.person_id == person_id)
    )
    rows = await session.execute(
        select(
            Declaration.id,
            Declaration.number,
            Declaration.declared_on,
            Declaration.status,
            Declaration.applicant_id,
            Declaration.submitted_at,
            Person.first_name,
            Person.last_name,
            members.label("member_count"),
        )
        .join(Person, Person.id == Declaration.applicant_id)
        .where(or_(Declaration.applicant_id == person_id, included))
        .order_by(Declaration.declared_on.desc(), Declaration.created_at.desc(), Declaration.id.desc())
        .limit(MAX_DECLARATIONS)
    )
    return tuple(
        DeclarationRow(
            id=r.id,
            number=r.number,
            declared_on=r.declared_on,
            status=r.status,
            applicant_id=r.applicant_id,
            applicant_name=f"{r.first_name} {r.last_name}",
            member_count=int(r.member_count or 0),
            submitted_at=r.submitted_at,
        )
        for r in rows
    )


async def housing_units(session: AsyncSession, on: dt.date) -> dict[str, str]:
    """The unit each housing-cost norm counts in on `on` ("kWh", "m3"; "EUR" when it caps euros), the
    municipality's norm over the national one. Two statements."""
    units: dict[str, str] = {}
    for model in (HousingCostNorm, MunicipalHousingCostNorm):
        rows = await session.execute(
            select(model.item, model.unit).where(
                model.valid_from <= on, or_(model.valid_to.is_(None), model.valid_to >= on)
            )
        )
        units.update({item: unit for item, unit in rows})
    return units


async def latest_declaration_id(
    session: AsyncSession, applicant_id: uuid.UUID, *, status: str = "submitted"
) -> uuid.UUID | None:
    """The applicant's newest declaration in `status` (the one an application is assessed on). One
    statement."""
    return await session.scalar(
        select(Declaration.id)
        .where(Declaration.applicant_id == applicant_id, Declaration.status == status)
        .order_by(Declaration.declared_on.desc(), Declaration.created_at.desc())
        .limit(1)
    )
