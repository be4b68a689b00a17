"""Ground for the application and decision tests: the default catalogue (made by the catalogue's own
seeding), a submitted means-test declaration written as rows (members, incomes by month, housing costs),
and a benefit officer's account. The acts under test are made with the real services."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.assistance.incomes import declaration_months
from app.domains.assistance.models import (
    Declaration,
    DeclarationHousingCost,
    DeclarationIncome,
    DeclarationMember,
)
from app.domains.benefits.defaults import ensure_default_catalogue_sync
from app.domains.benefits.models import BenefitType
from tests.factories.staff import create_staff

_serial = itertools.count(1)


def catalogue(sessions: sessionmaker[Session], tenant_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """The default catalogue; benefit type ids by code."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        ensure_default_catalogue_sync(s, tenant_id)
        return {code: id_ for code, id_ in s.execute(select(BenefitType.code, BenefitType.id))}


def officer(
    sessions: sessionmaker[Session], tenant_id: uuid.UUID, role: str = "benefit_officer"
) -> uuid.UUID:
    return create_staff(sessions, {tenant_id: [role]}, full_name="Inese Bērziņa")


@dataclass(frozen=True)
class Member:
    person_id: uuid.UUID
    relation: str = "applicant"
    social_status: str = "unemployed"
    age: int = 40
    pensioner: bool = False
    disability_group: int | None = None
    wages: Decimal = Decimal("0.00")  # per month over the 3 regular months


def submitted_declaration(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    created_by: uuid.UUID,
    members: Sequence[Member],
    *,
    declared_on: dt.date,
    household_id: uuid.UUID | None = None,
    housing: Sequence[tuple[str, Decimal]] = (),
    status: str = "submitted",
) -> uuid.UUID:
    """A declaration of `members` (the first is the applicant) as the declaration pages leave it."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        declaration = Declaration(
            tenant_id=tenant_id,
            number=f"D-{declared_on.year}/{90000 + next(_serial):05d}",
            applicant_id=members[0].person_id,
            household_id=household_id,
            declared_on=declared_on,
            status=status,
            created_by=created_by,
            submitted_at=dt.datetime.now(dt.UTC) if status == "submitted" else None,
            submitted_by=created_by if status == "submitted" else None,
        )
        s.add(declaration)
        s.flush()
        for m in members:
            member = DeclarationMember(
                tenant_id=tenant_id,
                declaration_id=declaration.id,
                person_id=m.person_id,
                relation=m.relation,
                social_status=m.social_status,
                pensioner=m.pensioner,
                disability_group=m.disability_group,
                age=m.age,
            )
            s.add(member)
            s.flush()
            if m.wages:
                for month in declaration_months(declared_on, regular=True):
                    s.add(
                        DeclarationIncome(
                            tenant_id=tenant_id,
                            declaration_id=declaration.id,
                            member_id=member.id,
                            income_type="wages",
                            month=month,
                            amount=m.wages,
                        )
                    )
        for item, amount in housing:
            s.add(
                DeclarationHousingCost(
                    tenant_id=tenant_id, declaration_id=declaration.id, item=item, amount=amount
                )
            )
        s.flush()
        return declaration.id
