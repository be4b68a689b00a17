"""Ground for the data-control, reminder and notification tests: benefit types, decisions, grants and
statuses as plain rows (the benefits services are tested on their own), persons with chosen personal codes
and contacts, municipality codes and settings, and a run of the rules in a tenant unit of work."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_session_factory, sync_tenant_uow
from app.domains.assistance.models import AssistanceStatus, Declaration, DeclarationMember
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.controls.service import RunSummary, load_scope, run_controls_sync
from app.domains.households.models import Household, HouseholdMember
from app.domains.people.models import Person, PersonAddress
from app.domains.people.rules import normalise_address, normalise_name
from app.ids import uuid7
from app.notifications.preference_models import ContactPreference
from app.tenants.models import Tenant

_serial = itertools.count(1)
_atvk = itertools.count(20)


def new_code() -> str:
    """A new-format personal code (32…), unique in the test run."""
    return f"32{uuid.uuid4().int % 10**9:09d}"


def free_atvk() -> str:
    """A municipality code of the ATVK 2021 shape (00 tt 000) no other test tenant has."""
    return f"00{next(_atvk):02d}000"


def set_tenant(maint: Engine, tenant_id: uuid.UUID, **values: Any) -> None:
    with maint.begin() as conn:
        conn.execute(update(Tenant).where(Tenant.id == tenant_id).values(**values))


def person(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    first: str = "Jānis",
    last: str = "Bērziņš",
    *,
    code: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str = "lv",
    atvk: str | None = None,
) -> uuid.UUID:
    """A person; with `atvk`, also a declared address in that territory since 2020."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        row = Person(
            tenant_id=tenant_id,
            id=uuid7(),
            personal_code=code or new_code(),
            first_name=first,
            last_name=last,
            name_norm=normalise_name(last, first),
            email=email,
            phone=phone,
            preferred_language=language,
        )
        s.add(row)
        s.flush()
        if atvk is not None:
            s.add(
                PersonAddress(
                    tenant_id=tenant_id,
                    person_id=row.id,
                    kind="declared",
                    line="Rīgas iela 1",
                    locality="Valmiera",
                    atvk=atvk,
                    address_norm=normalise_address("Rīgas iela 1", "Valmiera"),
                    valid_from=dt.date(2020, 1, 1),
                )
            )
        return row.id


def household(
    sessions: sessionmaker[Session], tenant_id: uuid.UUID, members: list[uuid.UUID], joined: dt.date
) -> uuid.UUID:
    with sync_tenant_uow(sessions, tenant_id) as s:
        h = Household(tenant_id=tenant_id, id=uuid7(), label="Mājsaimniecība")
        s.add(h)
        s.flush()
        for p in members:
            s.add(
                HouseholdMember(
                    tenant_id=tenant_id, household_id=h.id, person_id=p, role="head", joined_on=joined
                )
            )
        return h.id


def consent(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    person_id: uuid.UUID,
    channels: list[str],
    *,
    language: str = "lv",
    given: bool = True,
) -> None:
    with sync_tenant_uow(sessions, tenant_id) as s:
        s.add(
            ContactPreference(
                tenant_id=tenant_id,
                person_id=person_id,
                channels=channels,
                language=language,
                consent="given" if given else "withdrawn",
                consent_on=dt.date(2026, 1, 5),
            )
        )


def benefit_type(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    *,
    requires_status: str = "none",
    residents_only: bool = True,
    frequency: str = "monthly",
    name_lv: str = "Mājokļa pabalsts",
    name_en: str = "Housing benefit",
) -> uuid.UUID:
    with sync_tenant_uow(sessions, tenant_id) as s:
        row = BenefitType(
            tenant_id=tenant_id,
            id=uuid7(),
            code=f"B{next(_serial)}",
            name_lv=name_lv,
            name_en=name_en,
            kind="other",
            legal_basis="Saistošie noteikumi Nr. 1/2026",
            valid_from=dt.date(2020, 1, 1),
            requires_status=requires_status,
            residents_only=residents_only,
            amount_rule="fixed",
            amount=Decimal("100.00"),
            frequency=frequency,
        )
        s.add(row)
        s.flush()
        return row.id


def _decision(
    s: Session, tenant_id: uuid.UUID, officer: uuid.UUID, application_id: uuid.UUID | None, day: dt.date
) -> uuid.UUID:
    row = Decision(
        tenant_id=tenant_id,
        id=uuid7(),
        number=f"LEM-2026/{next(_serial):05d}",
        application_id=application_id,
        outcome="granted",
        reasons="Atbilst noteikumiem.",
        decided_on=day,
        decided_by=officer,
    )
    s.add(row)
    s.flush()
    return row.id


def grant(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    *,
    person_id: uuid.UUID,
    benefit_type_id: uuid.UUID,
    officer: uuid.UUID,
    valid_from: dt.date,
    valid_to: dt.date,
    household_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    ended_on: dt.date | None = None,
    amount: Decimal = Decimal("120.00"),
) -> uuid.UUID:
    """A grant by a decision on an application (linked to `case_id` when given)."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        application = Application(
            tenant_id=tenant_id,
            id=uuid7(),
            number=f"PA-2026/{next(_serial):05d}",
            applicant_id=person_id,
            household_id=household_id,
            benefit_type_id=benefit_type_id,
            case_id=case_id,
            received_on=valid_from,
            status="decided",
            created_by=officer,
        )
        s.add(application)
        s.flush()
        decision_id = _decision(s, tenant_id, officer, application.id, valid_from)
        row = BenefitGrant(
            tenant_id=tenant_id,
            id=uuid7(),
            decision_id=decision_id,
            benefit_type_id=benefit_type_id,
            applicant_id=person_id,
            household_id=household_id,
            amount=amount,
            valid_from=valid_from,
            valid_to=valid_to,
            payment_channel="client",
            ended_on=ended_on,
        )
        s.add(row)
        s.flush()
        return row.id


def status(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    *,
    applicant_id: uuid.UUID,
    officer: uuid.UUID,
    valid_from: dt.date,
    valid_to: dt.date,
    kind: str = "needy",
    members: tuple[uuid.UUID, ...] = (),
) -> uuid.UUID:
    """A status granted on a declaration whose members are the applicant and `members`."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        declaration = Declaration(
            tenant_id=tenant_id,
            id=uuid7(),
            number=f"D-2026/{next(_serial):05d}",
            applicant_id=applicant_id,
            declared_on=valid_from,
            status="submitted",
            created_by=officer,
        )
        s.add(declaration)
        s.flush()
        for i, member in enumerate((applicant_id, *members)):
            s.add(
                DeclarationMember(
                    tenant_id=tenant_id,
                    declaration_id=declaration.id,
                    person_id=member,
                    relation="applicant" if i == 0 else "spouse",
                    social_status="other",
                )
            )
        decision_id = _decision(s, tenant_id, officer, None, valid_from)
        row = AssistanceStatus(
            tenant_id=tenant_id,
            id=uuid7(),
            kind=kind,
            applicant_id=applicant_id,
            declaration_id=declaration.id,
            decision_id=decision_id,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        s.add(row)
        s.flush()
        return row.id


def run_rules(
    sessions: sessionmaker[Session], maint: Engine | None, tenant_id: uuid.UUID, today: dt.date
) -> RunSummary | None:
    cross = sync_session_factory(maint) if maint is not None else None
    with sync_tenant_uow(sessions, tenant_id) as s:
        return run_controls_sync(s, load_scope(s, tenant_id, cross), today)


def case(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    *,
    responsible: uuid.UUID | None,
    person_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    opened_on: dt.date = dt.date(2026, 1, 5),
    closed_on: dt.date | None = None,
    sensitive: bool = False,
    entries: tuple[tuple[dt.date, uuid.UUID], ...] = (),
) -> uuid.UUID:
    """A case as a plain row, with timeline entries (day, staff member)."""
    from app.domains.cases.models import Case, CaseEntry

    with sync_tenant_uow(sessions, tenant_id) as s:
        row = Case(
            tenant_id=tenant_id,
            id=uuid7(),
            number=f"L-2026/{next(_serial):05d}",
            person_id=person_id,
            household_id=household_id,
            title="Sociālā palīdzība",
            case_types=["social_assistance"],
            responsible_user_id=responsible,
            sensitive=sensitive,
            opened_on=opened_on,
            closed_on=closed_on,
            close_reason="Pabeigts" if closed_on else None,
        )
        s.add(row)
        s.flush()
        for day, staff in entries:
            s.add(
                CaseEntry(
                    tenant_id=tenant_id,
                    case_id=row.id,
                    kind="note",
                    occurred_on=day,
                    staff_user_id=staff,
                    subject="Piezīme",
                    created_by=staff,
                )
            )
        return row.id
