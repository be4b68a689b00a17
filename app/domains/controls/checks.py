"""The data-control rules' queries: one function per rule, `(session, scope, today) → hits`.

Each runs in the municipality's own transaction (row-level security binds it), except the one cross-
municipality check, which asks a narrow question through the maintenance connection and gets back only
the other municipalities' names. Who is told: the case's responsible worker; for a benefit, the
responsible worker of the application's case, else the officer who decided it; for a person, the
responsible worker of their (or their household's) newest open case; else nobody here, and the service
tells the heads of service."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.domains.assistance.models import AssistanceStatus, DeclarationMember
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.cases.models import Case, CaseEntry
from app.domains.controls import rules
from app.domains.controls.rules import Hit
from app.domains.households.models import HouseholdMember
from app.domains.people.models import Person, PersonAddress
from app.tenants.models import Tenant


@dataclass(frozen=True)
class ControlScope:
    """The municipality a run is for. `cross` opens maintenance sessions (BYPASSRLS) for the one
    cross-municipality rule; without it that rule cannot run."""

    tenant_id: uuid.UUID
    name: str
    atvk_code: str
    settings: dict[str, Any] = field(default_factory=dict)
    cross: sessionmaker[Session] | None = None


class RuleUnavailable(Exception):
    """The rule cannot run here (no data it needs, no cross-municipality connection)."""


Check = Callable[[Session, ControlScope, dt.date], list[Hit]]


def _member_on(today: dt.date, member: Any = HouseholdMember) -> Any:
    return and_(member.joined_on <= today, or_(member.left_on.is_(None), member.left_on >= today))


def _grant_active(today: dt.date) -> Any:
    return and_(
        BenefitGrant.valid_from <= today, func.coalesce(BenefitGrant.ended_on, BenefitGrant.valid_to) >= today
    )


def _grant_rows(today: dt.date) -> Any:
    """Active grants with the person, the benefit type and the responsible worker."""
    return (
        select(
            BenefitGrant.id,
            BenefitGrant.applicant_id,
            BenefitGrant.household_id,
            Person.first_name,
            Person.last_name,
            BenefitType.name_lv,
            BenefitType.name_en,
            func.coalesce(Case.responsible_user_id, Decision.decided_by).label("responsible"),
        )
        .join(BenefitType, BenefitType.id == BenefitGrant.benefit_type_id)
        .join(Person, Person.id == BenefitGrant.applicant_id)
        .outerjoin(Decision, Decision.id == BenefitGrant.decision_id)
        .outerjoin(Application, Application.id == Decision.application_id)
        .outerjoin(Case, Case.id == Application.case_id)
        .where(_grant_active(today))
    )


def _grant_hit(rule: str, row: Any, **details: Any) -> Hit:
    return Hit(
        rule=rule,
        record_kind="benefit_grant",
        record_id=row.id,
        responsible_user_id=row.responsible,
        details={
            "person": f"{row.first_name} {row.last_name}",
            "benefit": {"lv": row.name_lv, "en": row.name_en},
            **details,
        },
        link=f"/persons/{row.applicant_id}",
    )


def grant_without_status(session: Session, scope: ControlScope, today: dt.date) -> list[Hit]:
    """(a) A benefit requiring a needy / low-income status is paid today, but nobody of the household
    (the grant's applicant and today's members of its household) holds an accepted status today."""
    members = (
        select(HouseholdMember.person_id)
        .where(HouseholdMember.household_id == BenefitGrant.household_id, _member_on(today))
        .correlate(BenefitGrant)
    )
    declared = (
        select(DeclarationMember.declaration_id)
        .where(
            or_(
                DeclarationMember.person_id == BenefitGrant.applicant_id,
                DeclarationMember.person_id.in_(members),
            )
        )
        .correlate(BenefitGrant)
    )
    owned = or_(
        AssistanceStatus.applicant_id == BenefitGrant.applicant_id,
        AssistanceStatus.applicant_id.in_(members),
        AssistanceStatus.declaration_id.in_(declared),
    )
    accepted = or_(
        *(
            and_(BenefitType.requires_status == required, AssistanceStatus.kind.in_(kinds))
            for required, kinds in rules.ACCEPTED_STATUSES.items()
        )
    )
    valid_now = (
        exists()
        .where(owned, accepted, AssistanceStatus.valid_from <= today, AssistanceStatus.valid_to >= today)
        .correlate(BenefitGrant, BenefitType)
    )
    last_end = (
        select(func.max(AssistanceStatus.valid_to))
        .where(owned, accepted, AssistanceStatus.valid_to < today)
        .correlate(BenefitGrant, BenefitType)
        .scalar_subquery()
    )
    stmt = (
        _grant_rows(today)
        .add_columns(last_end.label("status_end"))
        .where(BenefitType.requires_status.in_(tuple(rules.ACCEPTED_STATUSES)), ~valid_now)
    )
    return [
        _grant_hit(
            rules.GRANT_WITHOUT_STATUS, row, status_end=row.status_end.isoformat() if row.status_end else None
        )
        for row in session.execute(stmt)
    ]


def resident_benefit_outside(session: Session, scope: ControlScope, today: dt.date) -> list[Hit]:
    """(d) A residents-only benefit is paid today, and the applicant's declared address today is in
    another municipality by its ATVK code (see rules.in_municipality). Without a declared address with a
    code nothing can be told, and nothing is raised."""
    grants = {row.id: row for row in session.execute(_grant_rows(today).where(BenefitType.residents_only))}
    if not grants:
        return []
    persons = {row.applicant_id for row in grants.values()}
    codes: dict[uuid.UUID, list[str | None]] = {}
    for person_id, atvk in session.execute(
        select(PersonAddress.person_id, PersonAddress.atvk).where(
            PersonAddress.person_id.in_(persons),
            PersonAddress.kind == "declared",
            PersonAddress.valid_from <= today,
            or_(PersonAddress.valid_to.is_(None), PersonAddress.valid_to >= today),
        )
    ):
        codes.setdefault(person_id, []).append(atvk)
    hits = []
    for row in grants.values():
        verdicts = [rules.in_municipality(code, scope.atvk_code) for code in codes.get(row.applicant_id, [])]
        if verdicts and False in verdicts and True not in verdicts:
            outside = sorted({c for c in codes[row.applicant_id] if c})
            hits.append(_grant_hit(rules.RESIDENT_BENEFIT_OUTSIDE, row, atvk=", ".join(outside)))
    return hits


def inactive_case(session: Session, scope: ControlScope, today: dt.date) -> list[Hit]:
    """(e) An open case whose last activity (or, without any, its opening) is more than N months ago,
    N the municipality's `inactive_case_months` (default 6)."""
    months = rules.setting(scope.settings, rules.INACTIVE_CASE_MONTHS)
    cutoff = rules.months_before(today, months)
    last = (
        select(func.max(CaseEntry.occurred_on))
        .where(CaseEntry.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )
    stmt = select(Case.id, Case.number, Case.opened_on, Case.responsible_user_id, last.label("last")).where(
        Case.closed_on.is_(None), func.coalesce(last, Case.opened_on) < cutoff
    )
    return [
        Hit(
            rule=rules.INACTIVE_CASE,
            record_kind="case",
            record_id=row.id,
            responsible_user_id=row.responsible_user_id,
            details={
                "number": row.number,
                "opened_on": row.opened_on.isoformat(),
                "last_activity": row.last.isoformat() if row.last else None,
                "months": months,
            },
            link=f"/cases/{row.id}",
        )
        for row in session.execute(stmt)
    ]


def person_responsibles(
    session: Session, person_ids: Collection[uuid.UUID], today: dt.date
) -> dict[uuid.UUID, uuid.UUID]:
    """Each person's worker: the responsible of the newest open case of the person or of a household the
    person is a member of today."""
    ids = list(person_ids)
    if not ids:
        return {}
    open_case = and_(Case.closed_on.is_(None), Case.responsible_user_id.is_not(None))
    member = (
        select(HouseholdMember.household_id, HouseholdMember.person_id)
        .where(HouseholdMember.person_id.in_(ids), _member_on(today))
        .subquery()
    )
    own = select(Case.person_id, Case.responsible_user_id, Case.opened_on, Case.id).where(
        open_case, Case.person_id.in_(ids)
    )
    of_household = (
        select(member.c.person_id, Case.responsible_user_id, Case.opened_on, Case.id)
        .join(member, member.c.household_id == Case.household_id)
        .where(open_case)
    )
    newest: dict[uuid.UUID, tuple[dt.date, uuid.UUID, uuid.UUID]] = {}
    for person_id, user_id, opened_on, case_id in [*session.execute(own), *session.execute(of_household)]:
        if person_id not in newest or (opened_on, case_id) > newest[person_id][:2]:
            newest[person_id] = (opened_on, case_id, user_id)
    return {person_id: value[2] for person_id, value in newest.items()}


def two_municipalities(session: Session, scope: ControlScope, today: dt.date) -> list[Hit]:
    """(b) A person (by personal code) is a household member today here and in another municipality.

    The cross-municipality part runs on the maintenance connection and returns only pairs (this
    municipality's person id, the other municipality's name); nothing else of the other municipality's
    data is read out. Each municipality's own run raises its own alert."""
    if scope.cross is None:
        raise RuleUnavailable("no cross-municipality connection")
    here, there = aliased(Person), aliased(Person)
    here_member, there_member = aliased(HouseholdMember), aliased(HouseholdMember)
    stmt = (
        select(here.id, Tenant.name)
        .select_from(here_member)
        .join(here, and_(here.tenant_id == here_member.tenant_id, here.id == here_member.person_id))
        .join(there, and_(there.personal_code == here.personal_code, there.tenant_id != here.tenant_id))
        .join(
            there_member,
            and_(there_member.tenant_id == there.tenant_id, there_member.person_id == there.id),
        )
        .join(Tenant, Tenant.id == there.tenant_id)
        .where(
            here_member.tenant_id == scope.tenant_id,
            here.personal_code.is_not(None),
            _member_on(today, here_member),
            _member_on(today, there_member),
        )
        .distinct()
    )
    with scope.cross() as maint:
        pairs = maint.execute(stmt).all()
    others: dict[uuid.UUID, set[str]] = {}
    for person_id, other in pairs:
        others.setdefault(person_id, set()).add(other)
    if not others:
        return []
    names = {
        r.id: f"{r.first_name} {r.last_name}"
        for r in session.execute(
            select(Person.id, Person.first_name, Person.last_name).where(Person.id.in_(list(others)))
        )
    }
    responsible = person_responsibles(session, list(others), today)
    return [
        Hit(
            rule=rules.TWO_MUNICIPALITIES,
            record_kind="person",
            record_id=person_id,
            responsible_user_id=responsible.get(person_id),
            details={"person": names.get(person_id, "—"), "other": sorted(other)},
            link=f"/persons/{person_id}",
        )
        for person_id, other in others.items()
    ]


def shared_iban(session: Session, scope: ControlScope, today: dt.date) -> list[Hit]:
    """(c) Not available: no bank account (IBAN) is stored anywhere until payments exist."""
    raise RuleUnavailable("no payments are recorded yet")


CHECKS: dict[str, Check] = {
    rules.GRANT_WITHOUT_STATUS: grant_without_status,
    rules.TWO_MUNICIPALITIES: two_municipalities,
    rules.SHARED_IBAN: shared_iban,
    rules.RESIDENT_BENEFIT_OUTSIDE: resident_benefit_outside,
    rules.INACTIVE_CASE: inactive_case,
}
