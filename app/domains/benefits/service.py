"""Acts on applications for benefits and statuses: receiving one and assessing it (deciding is in
service_decisions.py, changing and stopping a grant in service_grants.py). Each act checks the
permission, refuses with field messages before anything is written, audits in the caller's transaction,
and never commits.

The assessment runs the benefit's formula: the means test of the declaration for GMI, housing benefit
and the statuses (assistance/assessment.py); the catalogue's amount rule for every other benefit
(catalogue_rules.py) — plus, for a benefit that requires a status, whether the household holds one."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.assistance.explain import Computation
from app.domains.assistance.models import Declaration, DeclarationMember
from app.domains.assistance.parameters import load_parameters
from app.domains.assistance.queries import member_facts
from app.domains.benefits import notices, rules
from app.domains.benefits.catalogue_rules import History, PersonFacts, benefit_computation
from app.domains.benefits.holdings import grants_held, household_persons, statuses_on
from app.domains.benefits.models import Application, BenefitType
from app.domains.benefits.periods import Period, granted_in_year
from app.domains.cases.access import municipal_today
from app.domains.households.models import HouseholdMember
from app.domains.people.models import Person
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

NO_APPLICATION = N_("No such application.")
STALE = N_("Someone else changed the application meanwhile. Reload the page and try again.")
ALREADY_DECIDED = N_("The application is already decided.")
NO_APPLICANT = N_("Choose the applicant.")
NO_BENEFIT = N_("Choose a benefit from the catalogue.")
NOT_IN_FORCE = N_("This benefit is not in force on the day the application was received.")
NO_RECEIVED_ON = N_("Enter the day the application was received.")
RECEIVED_IN_FUTURE = N_("The day the application was received cannot be in the future.")
NEEDS_DECLARATION = N_(
    "This benefit is means-tested: choose the household's submitted means-test declaration."
)
NOT_HOUSEHOLD_DECLARATION = N_("Choose a submitted declaration in which the applicant is declared.")
NO_CHANNEL = N_("Choose how the application was received.")
NOTE_TOO_LONG = N_("The note may be at most 2000 characters long.")
AMOUNT_NEGATIVE = N_("The requested amount cannot be negative.")


def _snapshot(a: Application) -> dict[str, Any]:
    return {
        "number": a.number,
        "applicant_id": a.applicant_id,
        "household_id": a.household_id,
        "benefit_type_id": a.benefit_type_id,
        "declaration_id": a.declaration_id,
        "received_on": a.received_on,
        "channel": a.channel,
        "requested_amount": a.requested_amount,
        "status": a.status,
    }


async def access_application(
    session: AsyncSession,
    actor: Actor,
    application_id: uuid.UUID,
    *,
    permission: Permission,
    lock: bool = False,
) -> Application:
    """The application (locked for update when `lock`), or NotFound; another municipality's is not found."""
    actor.require(permission)
    stmt = select(Application).where(Application.id == application_id)
    application = await session.scalar(stmt.with_for_update() if lock else stmt)
    if application is None:
        raise NotFound(NO_APPLICATION)
    return application


def check_version(application: Application, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != application.version:
        raise Conflict(STALE)


async def _household_of(session: AsyncSession, person_id: uuid.UUID, on: dt.date) -> uuid.UUID | None:
    rows = await session.scalars(
        select(HouseholdMember.household_id).where(
            HouseholdMember.person_id == person_id,
            HouseholdMember.joined_on <= on,
            or_(HouseholdMember.left_on.is_(None), HouseholdMember.left_on >= on),
        )
    )
    found = set(rows)
    return found.pop() if len(found) == 1 else None


async def _declaration_of(
    session: AsyncSession, applicant_id: uuid.UUID, declaration_id: uuid.UUID
) -> Declaration | None:
    """The declaration when it is submitted and the applicant is its applicant or one of its members."""
    member = select(DeclarationMember.id).where(
        DeclarationMember.declaration_id == Declaration.id, DeclarationMember.person_id == applicant_id
    )
    return await session.scalar(
        select(Declaration).where(
            Declaration.id == declaration_id,
            Declaration.status == "submitted",
            or_(Declaration.applicant_id == applicant_id, member.exists()),
        )
    )


@dataclass(frozen=True)
class _Checked:
    benefit: BenefitType | None
    declaration: Declaration | None


async def _check_new(
    session: AsyncSession,
    *,
    applicant_id: uuid.UUID | None,
    benefit_type_id: uuid.UUID | None,
    received_on: dt.date | None,
    declaration_id: uuid.UUID | None,
    requested_amount: Decimal | None,
    channel: str,
    note: str | None,
    today: dt.date,
    errors: rules.Errors,
) -> _Checked:
    if (
        applicant_id is None
        or await session.scalar(select(Person.id).where(Person.id == applicant_id)) is None
    ):
        errors.setdefault("applicant_id", []).append(NO_APPLICANT)
    if received_on is None:
        errors.setdefault("received_on", []).append(NO_RECEIVED_ON)
    elif received_on > today:
        errors.setdefault("received_on", []).append(RECEIVED_IN_FUTURE)
    benefit = None
    if benefit_type_id is not None:
        benefit = await session.scalar(select(BenefitType).where(BenefitType.id == benefit_type_id))
    if benefit is None:
        errors.setdefault("benefit_type_id", []).append(NO_BENEFIT)
    elif received_on is not None and not (
        benefit.active
        and benefit.valid_from <= received_on
        and (benefit.valid_to is None or received_on <= benefit.valid_to)
    ):
        errors.setdefault("benefit_type_id", []).append(NOT_IN_FORCE)
    declaration = None
    if declaration_id is not None and applicant_id is not None:
        declaration = await _declaration_of(session, applicant_id, declaration_id)
        if declaration is None:
            errors.setdefault("declaration_id", []).append(NOT_HOUSEHOLD_DECLARATION)
    elif benefit is not None and rules.needs_declaration(benefit.kind, benefit.means_tested):
        errors.setdefault("declaration_id", []).append(NEEDS_DECLARATION)
    if channel not in rules.CHANNELS:
        errors.setdefault("channel", []).append(NO_CHANNEL)
    if note is not None and len(note) > rules.MAX_NOTE:
        errors.setdefault("note", []).append(NOTE_TOO_LONG)
    if requested_amount is not None and requested_amount < 0:
        errors.setdefault("requested_amount", []).append(AMOUNT_NEGATIVE)
    return _Checked(benefit, declaration)


async def create_application(
    session: AsyncSession,
    actor: Actor,
    *,
    applicant_id: uuid.UUID | None,
    benefit_type_id: uuid.UUID | None,
    received_on: dt.date | None,
    declaration_id: uuid.UUID | None = None,
    requested_amount: Decimal | None = None,
    channel: str = "in_person",
    note: str | None = None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Application:
    """Registers an application ("PA-<year>/<n>"); a means-tested benefit rests on a submitted declaration
    of the applicant's household. `unreadable`: the edge's messages for fields it could not read."""
    actor.require(Permission.APPLICATION_CREATE)
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    note = (note or "").strip() or None
    checked = await _check_new(
        session,
        applicant_id=applicant_id,
        benefit_type_id=benefit_type_id,
        received_on=received_on,
        declaration_id=declaration_id,
        requested_amount=requested_amount,
        channel=channel,
        note=note,
        today=today or municipal_today(),
        errors=errors,
    )
    if errors:
        raise InvalidInput(errors)
    assert actor.tenant_id is not None and applicant_id and received_on and checked.benefit is not None
    household_id = checked.declaration.household_id if checked.declaration else None
    household_id = household_id or await _household_of(session, applicant_id, received_on)
    value = await next_number(session, actor.tenant_id, rules.APPLICATION_SEQUENCE, received_on.year)
    application = Application(
        tenant_id=actor.tenant_id,
        number=format_number(rules.APPLICATION_PREFIX, received_on.year, value),
        applicant_id=applicant_id,
        household_id=household_id,
        declaration_id=checked.declaration.id if checked.declaration else None,
        benefit_type_id=checked.benefit.id,
        received_on=received_on,
        channel=channel,
        status="received",
        requested_amount=requested_amount,
        note=note,
        created_by=actor.user_id,
    )
    session.add(application)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:application:create",
        entity_type="application",
        entity_id=application.id,
        after={k: v for k, v in _snapshot(application).items() if v is not None},
    )
    await notices.application_received(session, application, checked.benefit)
    return application


# --- assessment -------------------------------------------------------------------------------------------


async def _persons(session: AsyncSession, application: Application, period: Period) -> set[uuid.UUID]:
    return await household_persons(
        session,
        application.applicant_id,
        declaration_id=application.declaration_id,
        household_id=application.household_id,
        period=period,
    )


async def granted_this_year(
    session: AsyncSession, application: Application, benefit: BenefitType, on: dt.date
) -> tuple[Decimal, int]:
    """What the household was granted of this benefit in the calendar year of `on`, and how many times."""
    persons = await _persons(session, application, Period(dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)))
    existing = await grants_held(session, benefit.id, persons, application.household_id)
    return granted_in_year(existing, on.year, monthly=benefit.frequency == "monthly")


async def catalogue_amount(
    session: AsyncSession, application: Application, benefit: BenefitType, on: dt.date
) -> Computation:
    """The catalogue's rules for the benefit: who it is for and how much, within the yearly limits.
    Residence is taken as met: the municipality's register holds its own residents (no address check)."""
    persons = await _persons(session, application, Period(on, on))
    facts = await member_facts(session, persons, on)
    members = [
        PersonFacts(birth_date=f.birth_date, pensioner=f.pensioner, disability=f.disabled)
        for f in facts.values()
    ]
    paid, times = await granted_this_year(session, application, benefit, on)
    parameters = await load_parameters(session, on)
    return benefit_computation(
        benefit,
        on=on,
        parameters=parameters.values,
        members=members,
        resident=True,
        statuses=None,  # the status a benefit requires is checked by `compute`, for every kind
        requested_amount=application.requested_amount,
        history=History(paid=paid, times=times),
    )


async def compute(session: AsyncSession, application: Application, benefit: BenefitType) -> Computation:
    """The application's assessment as of the day it was received (no writes)."""
    from app.domains.assistance.assessment import assess_declaration

    on = application.received_on
    means_test = rules.means_test_of(benefit.kind, benefit.threshold)
    means = None
    if means_test is not None and application.declaration_id is not None:
        means = await assess_declaration(session, application.declaration_id, means_test)
    own = None
    if benefit.kind not in rules.MEANS_KINDS:
        own = await catalogue_amount(session, application, benefit, on)
    held = []
    if benefit.requires_status != "none":
        held = await statuses_on(session, await _persons(session, application, Period(on, on)), on)
    has_status, line = rules.status_requirement(benefit.requires_status, held, on)
    return rules.combine(means, own, extra=(line,) if line else (), eligible=has_status)


async def assess_application(
    session: AsyncSession,
    actor: Actor,
    application_id: uuid.UUID,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Computes the amount, eligibility and period with their explanation and stores them ("assessed").
    Assessing again (a corrected declaration, a new status) replaces the earlier result until decided."""
    application = await access_application(
        session, actor, application_id, permission=Permission.APPLICATION_CREATE, lock=True
    )
    check_version(application, expected_version)
    if application.status in ("decided", "withdrawn"):
        raise Conflict(
            ALREADY_DECIDED if application.status == "decided" else N_("The application was withdrawn.")
        )
    benefit = await session.scalar(select(BenefitType).where(BenefitType.id == application.benefit_type_id))
    assert benefit is not None  # a composite foreign key holds it
    result = await compute(session, application, benefit)
    application.assessed_amount = result.amount.quantize(rules.CENT)
    application.assessed_eligible = result.eligible
    application.assessed_period_months = result.period_months
    application.explanation = result.as_json()
    application.assessed_at = now or dt.datetime.now(dt.UTC)
    application.status = "assessed"
    application.version += 1
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:application:assess",
        entity_type="application",
        entity_id=application.id,
        after={
            "number": application.number,
            "assessed_amount": application.assessed_amount,
            "assessed_eligible": result.eligible,
            "assessed_period_months": result.period_months,
        },
    )
    return application
