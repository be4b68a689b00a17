"""Reads of applications, decisions, grants and statuses for screens: the applications list (keyset pages
newest first), the application card, a person's benefits, and what expires soon. Each read checks the view
permission and is a fixed number of statements whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor
from app.domains.assistance.explain import Line, lines_from_json
from app.domains.assistance.models import AssistanceStatus, Declaration, DeclarationMember
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.benefits.periods import held
from app.domains.households.models import Household, HouseholdMember
from app.domains.people.models import Person
from app.domains.people.rules import display_code
from app.errors import NotFound
from app.i18n import N_
from app.pagination import DayPosition, Page, encode_day_cursor, older_than, page_of
from app.permissions import Permission

MAX_LIMIT = 100
MAX_ROWS = 200  # a person's applications, grants, statuses: far above any real record; bounds a screen
NO_APPLICATION = N_("No such application.")


@dataclass(frozen=True)
class BenefitName:
    id: uuid.UUID
    code: str
    name_lv: str
    name_en: str
    kind: str = ""
    frequency: str = ""

    def name(self, language: str) -> str:
        return self.name_lv if language == "lv" else self.name_en


def _benefit(r: Any) -> BenefitName:
    return BenefitName(r.benefit_type_id, r.code, r.name_lv, r.name_en, r.kind, r.frequency)


_BENEFIT_COLUMNS = (
    BenefitType.code,
    BenefitType.name_lv,
    BenefitType.name_en,
    BenefitType.kind,
    BenefitType.frequency,
)


# --- the list ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRow:
    id: uuid.UUID
    number: str
    received_on: dt.date
    status: str
    applicant_id: uuid.UUID
    applicant_name: str
    benefit: BenefitName
    assessed_amount: Decimal | None
    assessed_eligible: bool | None


async def application_list_page(
    session: AsyncSession,
    actor: Actor,
    *,
    status: str | None = None,
    applicant_id: uuid.UUID | None = None,
    after: DayPosition | None = None,
    limit: int = 25,
) -> Page[ApplicationRow]:
    """Applications, newest received first, optionally of one status or one applicant. One statement."""
    actor.require(Permission.APPLICATION_VIEW)
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = (
        select(
            Application.id,
            Application.number,
            Application.received_on,
            Application.status,
            Application.applicant_id,
            Application.benefit_type_id,
            Application.assessed_amount,
            Application.assessed_eligible,
            Person.first_name,
            Person.last_name,
            *_BENEFIT_COLUMNS,
        )
        .join(Person, Person.id == Application.applicant_id)
        .join(BenefitType, BenefitType.id == Application.benefit_type_id)
    )
    if status:
        stmt = stmt.where(Application.status == status)
    if applicant_id:
        stmt = stmt.where(Application.applicant_id == applicant_id)
    if after is not None:
        stmt = stmt.where(older_than(after, Application.received_on, Application.id))
    stmt = stmt.order_by(Application.received_on.desc(), Application.id.desc()).limit(limit + 1)
    rows = [
        ApplicationRow(
            r.id,
            r.number,
            r.received_on,
            r.status,
            r.applicant_id,
            f"{r.first_name} {r.last_name}",
            _benefit(r),
            r.assessed_amount,
            r.assessed_eligible,
        )
        for r in await session.execute(stmt)
    ]
    return page_of(rows, limit, lambda row: encode_day_cursor(row.received_on, row.id))


# --- decisions, grants, statuses --------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    id: uuid.UUID
    number: str
    outcome: str
    amount: Decimal | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    decided_on: dt.date
    decided_by: str
    reasons: str
    application_id: uuid.UUID | None
    grant_id: uuid.UUID | None
    document_id: uuid.UUID | None


@dataclass(frozen=True)
class GrantRow:
    id: uuid.UUID
    benefit: BenefitName
    applicant_id: uuid.UUID
    applicant_name: str
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date
    ended_on: dt.date | None
    decision_id: uuid.UUID
    decision_number: str
    application_id: uuid.UUID | None
    ended_by_decision_id: uuid.UUID | None

    @property
    def last_day(self) -> dt.date:
        """The last day the grant really holds (its end, or the day before it was stopped)."""
        return held(self.valid_from, self.valid_to, self.ended_on).valid_to

    @property
    def running(self) -> bool:
        return self.ended_by_decision_id is None

    def current_on(self, day: dt.date) -> bool:
        return self.running and self.last_day >= day


@dataclass(frozen=True)
class StatusRow:
    id: uuid.UUID
    kind: str
    applicant_id: uuid.UUID
    applicant_name: str
    valid_from: dt.date
    valid_to: dt.date
    decision_id: uuid.UUID
    decision_number: str
    application_id: uuid.UUID | None
    ended_by_decision_id: uuid.UUID | None

    @property
    def running(self) -> bool:
        return self.ended_by_decision_id is None

    def current_on(self, day: dt.date) -> bool:
        return self.running and self.valid_to >= day


async def _decisions(session: AsyncSession, where: Any) -> tuple[DecisionRow, ...]:
    rows = await session.execute(
        select(Decision, User.full_name)
        .join(User, User.id == Decision.decided_by)
        .where(where)
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
        .limit(MAX_ROWS)
    )
    return tuple(
        DecisionRow(
            d.id,
            d.number,
            d.outcome,
            d.amount,
            d.valid_from,
            d.valid_to,
            d.decided_on,
            name,
            d.reasons,
            d.application_id,
            d.grant_id,
            d.document_id,
        )
        for d, name in rows
    )


async def _grants(session: AsyncSession, where: Any) -> tuple[GrantRow, ...]:
    rows = await session.execute(
        select(
            BenefitGrant,
            Decision.number,
            Decision.application_id,
            Person.first_name,
            Person.last_name,
            *_BENEFIT_COLUMNS,
        )
        .join(Decision, Decision.id == BenefitGrant.decision_id)
        .join(Person, Person.id == BenefitGrant.applicant_id)
        .join(BenefitType, BenefitType.id == BenefitGrant.benefit_type_id)
        .where(where)
        .order_by(BenefitGrant.valid_from.desc(), BenefitGrant.id.desc())
        .limit(MAX_ROWS)
    )
    found = []
    for r in rows:
        g = r.BenefitGrant
        benefit = BenefitName(g.benefit_type_id, r.code, r.name_lv, r.name_en, r.kind, r.frequency)
        found.append(
            GrantRow(
                g.id,
                benefit,
                g.applicant_id,
                f"{r.first_name} {r.last_name}",
                g.amount,
                g.valid_from,
                g.valid_to,
                g.ended_on,
                g.decision_id,
                r.number,
                r.application_id,
                g.ended_by_decision_id,
            )
        )
    return tuple(found)


async def _statuses(session: AsyncSession, where: Any) -> tuple[StatusRow, ...]:
    rows = await session.execute(
        select(
            AssistanceStatus, Decision.number, Decision.application_id, Person.first_name, Person.last_name
        )
        .join(Decision, Decision.id == AssistanceStatus.decision_id)
        .join(Person, Person.id == AssistanceStatus.applicant_id)
        .where(where)
        .order_by(AssistanceStatus.valid_from.desc(), AssistanceStatus.id.desc())
        .limit(MAX_ROWS)
    )
    return tuple(
        StatusRow(
            s.id,
            s.kind,
            s.applicant_id,
            f"{first} {last}",
            s.valid_from,
            s.valid_to,
            s.decision_id,
            number,
            application_id,
            s.ended_by_decision_id,
        )
        for s, number, application_id, first, last in rows
    )


# --- the application card ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationCard:
    id: uuid.UUID
    number: str
    version: int
    status: str
    received_on: dt.date
    channel: str
    note: str | None
    requested_amount: Decimal | None
    applicant_id: uuid.UUID
    applicant_name: str
    applicant_code: str | None
    household_id: uuid.UUID | None
    household_label: str | None
    declaration_id: uuid.UUID | None
    declaration_number: str | None
    declaration_declared_on: dt.date | None
    benefit: BenefitName
    requires_status: str
    assessed_amount: Decimal | None
    assessed_eligible: bool | None
    assessed_period_months: int | None
    assessed_at: dt.datetime | None
    explanation: tuple[Line, ...]
    decisions: tuple[DecisionRow, ...] = ()
    grants: tuple[GrantRow, ...] = ()
    statuses: tuple[StatusRow, ...] = ()

    @property
    def decided(self) -> bool:
        return self.status == "decided"


async def application_card(session: AsyncSession, actor: Actor, application_id: uuid.UUID) -> ApplicationCard:
    """Everything the application page shows. Four statements: the application with its applicant,
    household, declaration and benefit; its decisions; the grants and the statuses they made."""
    actor.require(Permission.APPLICATION_VIEW)
    row = (
        await session.execute(
            select(
                Application,
                Person.first_name,
                Person.last_name,
                Person.personal_code,
                Household.label,
                Declaration.number.label("declaration_number"),
                Declaration.declared_on,
                BenefitType.requires_status,
                *_BENEFIT_COLUMNS,
            )
            .join(Person, Person.id == Application.applicant_id)
            .join(BenefitType, BenefitType.id == Application.benefit_type_id)
            .outerjoin(Household, Household.id == Application.household_id)
            .outerjoin(Declaration, Declaration.id == Application.declaration_id)
            .where(Application.id == application_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(NO_APPLICATION)
    a: Application = row.Application
    decisions = await _decisions(session, Decision.application_id == a.id)
    made = [d.id for d in decisions]
    grants = await _grants(session, BenefitGrant.decision_id.in_(made)) if made else ()
    statuses = await _statuses(session, AssistanceStatus.decision_id.in_(made)) if made else ()
    return ApplicationCard(
        id=a.id,
        number=a.number,
        version=a.version,
        status=a.status,
        received_on=a.received_on,
        channel=a.channel,
        note=a.note,
        requested_amount=a.requested_amount,
        applicant_id=a.applicant_id,
        applicant_name=f"{row.first_name} {row.last_name}",
        applicant_code=display_code(row.personal_code) if row.personal_code else None,
        household_id=a.household_id,
        household_label=row.label,
        declaration_id=a.declaration_id,
        declaration_number=row.declaration_number,
        declaration_declared_on=row.declared_on,
        benefit=BenefitName(a.benefit_type_id, row.code, row.name_lv, row.name_en, row.kind, row.frequency),
        requires_status=row.requires_status,
        assessed_amount=a.assessed_amount,
        assessed_eligible=a.assessed_eligible,
        assessed_period_months=a.assessed_period_months,
        assessed_at=a.assessed_at,
        explanation=lines_from_json(a.explanation or []),
        decisions=decisions,
        grants=grants,
        statuses=statuses,
    )


# --- a person's benefits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonBenefits:
    applications: tuple[ApplicationRow, ...] = ()
    grants: tuple[GrantRow, ...] = ()
    statuses: tuple[StatusRow, ...] = ()
    decisions: tuple[DecisionRow, ...] = field(default_factory=tuple)


async def person_benefits(session: AsyncSession, actor: Actor, person_id: uuid.UUID) -> PersonBenefits:
    """The person's applications and decisions, and the grants and statuses they or their households
    hold (as applicant, household member or declared member). Five statements."""
    actor.require(Permission.APPLICATION_VIEW)
    page = await application_list_page(session, actor, applicant_id=person_id, limit=MAX_LIMIT)
    households = select(HouseholdMember.household_id).where(HouseholdMember.person_id == person_id)
    grants = await _grants(
        session, or_(BenefitGrant.applicant_id == person_id, BenefitGrant.household_id.in_(households))
    )
    declared = select(DeclarationMember.declaration_id).where(DeclarationMember.person_id == person_id)
    statuses = await _statuses(
        session,
        or_(AssistanceStatus.applicant_id == person_id, AssistanceStatus.declaration_id.in_(declared)),
    )
    applications = select(Application.id).where(Application.applicant_id == person_id)
    decisions = await _decisions(session, Decision.application_id.in_(applications))
    return PersonBenefits(page.rows, grants, statuses, decisions)


# --- expiring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expiring:
    on: dt.date
    until: dt.date
    statuses: tuple[StatusRow, ...]
    grants: tuple[GrantRow, ...]


async def expiring(session: AsyncSession, actor: Actor, *, on: dt.date, days: int = 30) -> Expiring:
    """Statuses and benefit grants whose last day falls within `days` days from `on` (a stopped grant by
    the day it was stopped), soonest first. Two statements."""
    actor.require(Permission.APPLICATION_VIEW)
    until = on + dt.timedelta(days=max(0, days))
    statuses = await _statuses(
        session,
        and_(
            AssistanceStatus.valid_to >= on,
            AssistanceStatus.valid_to <= until,
            AssistanceStatus.ended_by_decision_id.is_(None),
        ),
    )
    last_day = func.least(BenefitGrant.valid_to, func.coalesce(BenefitGrant.ended_on, BenefitGrant.valid_to))
    grants = await _grants(
        session,
        and_(
            BenefitGrant.valid_to >= on,  # the index condition; the exact one follows
            last_day >= on,
            last_day <= until,
            BenefitGrant.ended_by_decision_id.is_(None),
            BenefitGrant.valid_from < BenefitGrant.valid_to,  # a one-off benefit does not "expire"
        ),
    )
    return Expiring(
        on,
        until,
        tuple(sorted(statuses, key=lambda s: (s.valid_to, s.applicant_name))),
        tuple(sorted(grants, key=lambda g: (g.last_day, g.applicant_name))),
    )


# --- choices for the application form ---------------------------------------------------------------------


async def benefit_choices(session: AsyncSession, on: dt.date) -> tuple[BenefitName, ...]:
    """The catalogue's benefits in force on `on`, by code. One statement."""
    rows = await session.execute(
        select(BenefitType.id.label("benefit_type_id"), *_BENEFIT_COLUMNS)
        .where(
            BenefitType.active,
            BenefitType.valid_from <= on,
            or_(BenefitType.valid_to.is_(None), BenefitType.valid_to >= on),
        )
        .order_by(BenefitType.code)
    )
    return tuple(_benefit(r) for r in rows)


@dataclass(frozen=True)
class DeclarationChoice:
    id: uuid.UUID
    number: str
    declared_on: dt.date


async def declaration_choices(session: AsyncSession, person_id: uuid.UUID) -> tuple[DeclarationChoice, ...]:
    """The submitted declarations the person made or is declared in, newest first. One statement."""
    included = select(DeclarationMember.declaration_id).where(DeclarationMember.person_id == person_id)
    rows = await session.execute(
        select(Declaration.id, Declaration.number, Declaration.declared_on)
        .where(
            Declaration.status == "submitted",
            or_(Declaration.applicant_id == person_id, Declaration.id.in_(included)),
        )
        .order_by(Declaration.declared_on.desc(), Declaration.id.desc())
        .limit(20)
    )
    return tuple(DeclarationChoice(r.id, r.number, r.declared_on) for r in rows)


async def grant_of(session: AsyncSession, actor: Actor, grant_id: uuid.UUID) -> GrantRow:
    actor.require(Permission.APPLICATION_VIEW)
    found = await _grants(session, BenefitGrant.id == grant_id)
    if not found:
        raise NotFound(N_("No such benefit grant."))
    return found[0]


async def status_of(session: AsyncSession, actor: Actor, status_id: uuid.UUID) -> StatusRow:
    actor.require(Permission.APPLICATION_VIEW)
    found = await _statuses(session, AssistanceStatus.id == status_id)
    if not found:
        raise NotFound(N_("No such status."))
    return found[0]
