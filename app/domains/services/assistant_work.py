"""The assistants of a granted assistant service (MK 316) and their monthly reports: adding an assistant
to a grant (found by personal code, or registered by name) under an agreement, ending their work, recording
a month's hours, and accepting them with the pay — at the hourly rate in force on the month, the national
legal parameter `assistant_hourly_rate` — or rejecting them.

A report is checked against the grant by the rules (assistant_rules.check_report): the month within the
grant's period, and the hours of all the grant's assistants that month not over the hours granted. Reports
of one grant are recorded under the grant's row lock, so two reports of one month cannot both fit into the
hours that are left. Acts follow assistant.py: permission, every message before any change, version,
audit, no commit."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.assistance.parameters import MissingParameter, ParameterValue, national_parameters
from app.domains.benefits.periods import ONE_DAY, add_months
from app.domains.cases.access import municipal_today
from app.domains.people.models import Person
from app.domains.people.queries import person_id_by_code
from app.domains.people.rules import InvalidPersonalCode, parse_personal_code
from app.domains.services import assistant_rules as rules
from app.domains.services.assistant import audit, locked_grant
from app.domains.services.assistant_models import Assistant, AssistantAssignment, AssistantReport
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

MAX_HOURS = Decimal("744")  # the hours of a 31-day month
CENT = Decimal("0.01")

NOT_GRANTED = N_("Assistants and reports are recorded for a granted service only.")
CODE_NEEDED = N_("Enter the assistant's personal code, e.g. 120480-11023.")
NAME_NEEDED = N_("Give the assistant's name and surname: they are not in the client register.")
OWN_ASSISTANT = N_("The person cannot be their own assistant.")
AGREEMENT_NEEDED = N_("Give the day the agreement was signed; it cannot be in the future.")
ASSIGNMENT_START = N_("The assistant starts within the grant's period, on or after the agreement.")
ALREADY_ASSISTS = N_("This assistant already works on this grant in that period.")
NO_SUCH_ASSIGNMENT = N_("No such assistant on this grant.")
ALREADY_ENDED = N_("The assistant's work on this grant has already ended.")
END_NEEDED = N_("Give the last day of work, from the first day to the end of the grant.")
REPORTED_AFTER = N_("The assistant has reported hours for a later month: end the work after it.")
MONTH_NEEDED = N_("Give the month, e.g. 03.2026; it cannot be in the future.")
HOURS_NEEDED = N_("Give the hours, a positive number.")
NOT_ACTIVE = N_("The assistant does not work on this grant in that month.")
DUPLICATE_MONTH = N_("The assistant has already reported this month.")
NO_SUCH_REPORT = N_("No such report.")
REPORT_DECIDED = N_("The report has already been accepted or rejected.")
REPORT_STALE = N_("Someone else changed this report meanwhile. Reload the page and try again.")
ACCEPTED_RANGE = N_("The hours accepted are more than 0 and at most the hours reported.")
REJECT_REASON = N_("Give the reason the report is rejected.")
NO_RATE = N_(
    "No hourly rate of the assistant's pay is in force on the report's month. "
    "Check the legal parameters valid on that date."
)
RATE_KEY = "assistant_hourly_rate"


def _in_cents(value: Decimal | None, most: Decimal) -> bool:
    """A positive number of at most two decimals, not over `most` (the columns keep two)."""
    return value is not None and value.is_finite() and value == value.quantize(CENT) and 0 < value <= most


# --- assistants on a grant ---------------------------------------------------------------------------------


async def _assistant_by_code(
    session: AsyncSession, raw_code: str, first_name: str, last_name: str, errors: dict[str, list[str]]
) -> tuple[Assistant | None, dict[str, Any]]:
    """The municipality's assistant with this personal code, or the fields of a new one (names from the
    client register when the person is there)."""
    try:
        code = parse_personal_code(raw_code).code
    except InvalidPersonalCode:
        errors["personal_code"] = [CODE_NEEDED]
        return None, {}
    existing = await session.scalar(select(Assistant).where(Assistant.personal_code == code))
    if existing is not None:
        return existing, {}
    person_id = await person_id_by_code(session, code)
    if person_id is not None:
        query = select(Person.first_name, Person.last_name).where(Person.id == person_id)
        names = (await session.execute(query)).one()
        return None, {
            "person_id": person_id,
            "first_name": names.first_name,
            "last_name": names.last_name,
            "personal_code": code,
        }
    first, last = first_name.strip()[:100], last_name.strip()[:100]
    if not first or not last:
        errors["first_name"] = [NAME_NEEDED]
    return None, {"person_id": None, "first_name": first, "last_name": last, "personal_code": code}


async def add_assistant(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    *,
    expected_version: int | None,
    personal_code: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    agreement_on: dt.date | None,
    valid_from: dt.date | None,
    today: dt.date | None = None,
) -> AssistantAssignment:
    """An assistant starts work on a granted service from `valid_from` under an agreement (the pay is at
    the national hourly rate of each month); the assistant is found by personal code (among the
    municipality's assistants, then in the client register) or registered by name."""
    grant = await locked_grant(session, actor, grant_id, expected_version)
    assert actor.tenant_id is not None
    if grant.status != "granted" or grant.valid_from is None or grant.valid_to is None:
        raise InvalidInput({"personal_code": [NOT_GRANTED]})
    day = today or municipal_today()
    errors: dict[str, list[str]] = {}
    assistant, new_fields = await _assistant_by_code(session, personal_code, first_name, last_name, errors)
    assistant_person = assistant.person_id if assistant else new_fields.get("person_id")
    if assistant_person is not None and assistant_person == grant.person_id:
        errors["personal_code"] = [OWN_ASSISTANT]
    if agreement_on is None or agreement_on > day:
        errors["agreement_on"] = [AGREEMENT_NEEDED]
    if (
        valid_from is None
        or not grant.valid_from <= valid_from <= grant.valid_to
        or (agreement_on is not None and valid_from < agreement_on)
    ):
        errors["valid_from"] = [ASSIGNMENT_START]
    elif assistant is not None:
        clash = await session.scalar(
            select(AssistantAssignment.id).where(
                AssistantAssignment.grant_id == grant.id,
                AssistantAssignment.assistant_id == assistant.id,
                or_(AssistantAssignment.valid_to.is_(None), AssistantAssignment.valid_to >= valid_from),
            )
        )
        if clash is not None:
            errors["personal_code"] = [ALREADY_ASSISTS]
    if errors:
        raise InvalidInput(errors)
    assert valid_from is not None and agreement_on is not None
    if assistant is None:
        assistant = Assistant(tenant_id=actor.tenant_id, phone=phone.strip()[:30] or None, **new_fields)
        session.add(assistant)
        await session.flush()
    assignment = AssistantAssignment(
        tenant_id=actor.tenant_id,
        grant_id=grant.id,
        assistant_id=assistant.id,
        agreement_on=agreement_on,
        valid_from=valid_from,
        created_by=actor.user_id,
    )
    session.add(assignment)
    grant.version += 1
    await session.flush()
    audit(
        session,
        actor,
        grant.id,
        "assistant:add",
        None,
        {
            "assignment_id": assignment.id,
            "assistant_id": assistant.id,
            "agreement_on": agreement_on,
            "valid_from": valid_from,
        },
    )
    return assignment


async def end_assistant(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    assignment_id: uuid.UUID,
    *,
    expected_version: int | None,
    valid_to: dt.date | None,
) -> AssistantAssignment:
    """The assistant's last day of work on the grant; months after it must have no report."""
    grant = await locked_grant(session, actor, grant_id, expected_version)
    assignment = await session.scalar(
        select(AssistantAssignment).where(
            AssistantAssignment.id == assignment_id, AssistantAssignment.grant_id == grant.id
        )
    )
    if assignment is None:
        raise NotFound(NO_SUCH_ASSIGNMENT)
    if assignment.valid_to is not None:
        raise Conflict(ALREADY_ENDED)
    if (
        valid_to is None
        or valid_to < assignment.valid_from
        or (grant.valid_to is not None and valid_to > grant.valid_to)
    ):
        raise InvalidInput({"valid_to": [END_NEEDED]})
    later = await session.scalar(
        select(AssistantReport.id).where(
            AssistantReport.assignment_id == assignment.id,
            AssistantReport.month > valid_to,
            AssistantReport.status != "rejected",
        )
    )
    if later is not None:
        raise InvalidInput({"valid_to": [REPORTED_AFTER]})
    assignment.valid_to = valid_to
    grant.version += 1
    await session.flush()
    audit(
        session,
        actor,
        grant.id,
        "assistant:end",
        {"assignment_id": assignment.id, "valid_to": None},
        {"assignment_id": assignment.id, "valid_to": valid_to},
    )
    return assignment


# --- monthly reports ---------------------------------------------------------------------------------------


async def hourly_rate_on(session: AsyncSession, month: dt.date) -> ParameterValue | None:
    """The national hourly rate (with taxes) in force on the month's first day; None when none is."""
    day = month.replace(day=1)
    try:
        return (await national_parameters(session, day)).get(RATE_KEY)
    except MissingParameter:
        return None


def _month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - ONE_DAY


async def record_report(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    *,
    assistant_id: uuid.UUID | None,
    month: dt.date | None,
    hours: Decimal | None,
    notes: str | None = None,
    today: dt.date | None = None,
) -> AssistantReport:
    """The hours an assistant worked on the grant in a month: within the grant's period, while the
    assistant works on it, and — with the other assistants' hours of that month — not over the hours
    granted. A rejected report of the month is replaced; any other is a duplicate."""
    grant = await locked_grant(session, actor, grant_id, None)
    assert actor.tenant_id is not None
    if grant.status != "granted" or grant.valid_from is None or grant.valid_to is None:
        raise InvalidInput({"month": [NOT_GRANTED]})
    assert grant.monthly_hours is not None
    day = today or municipal_today()
    errors: dict[str, list[str]] = {}
    first = month.replace(day=1) if month else None
    if first is None or first > day:
        errors["month"] = [MONTH_NEEDED]
    if not _in_cents(hours, MAX_HOURS):
        errors["hours"] = [HOURS_NEEDED]
    assignment = None
    if first is not None and assistant_id is not None:
        assignment = await session.scalar(
            select(AssistantAssignment)
            .where(
                AssistantAssignment.grant_id == grant.id,
                AssistantAssignment.assistant_id == assistant_id,
                AssistantAssignment.valid_from <= _month_end(first),
                or_(AssistantAssignment.valid_to.is_(None), AssistantAssignment.valid_to >= first),
            )
            .order_by(AssistantAssignment.valid_from.desc())
            .limit(1)
        )
    if assignment is None and "month" not in errors:
        errors["assistant_id"] = [NOT_ACTIVE]
    existing = None
    if first is not None and hours is not None and not errors:
        existing = await session.scalar(
            select(AssistantReport).where(
                AssistantReport.grant_id == grant.id,
                AssistantReport.assistant_id == assistant_id,
                AssistantReport.month == first,
            )
        )
        if existing is not None and existing.status != "rejected":
            errors["month"] = [DUPLICATE_MONTH]
        others = await session.scalar(
            select(
                func.coalesce(
                    func.sum(func.coalesce(AssistantReport.accepted_hours, AssistantReport.hours)), 0
                )
            ).where(
                AssistantReport.grant_id == grant.id,
                AssistantReport.month == first,
                AssistantReport.assistant_id != assistant_id,
                AssistantReport.status != "rejected",
            )
        )
        left = grant.monthly_hours - Decimal(others or 0)
        for message in rules.check_report(hours, left, first, (grant.valid_from, grant.valid_to)):
            errors.setdefault("month" if message == rules.MONTH_OUTSIDE else "hours", []).append(message)
    if errors:
        raise InvalidInput(errors)
    assert first is not None and hours is not None and assignment is not None and assistant_id is not None
    text = (notes or "").strip()[:2000] or None
    if existing is not None:  # a rejected report sent again
        existing.assignment_id, existing.hours, existing.notes = assignment.id, hours, text
        existing.status, existing.reason = "submitted", None
        existing.decided_on, existing.decided_by = None, None
        existing.submitted_by = actor.user_id
        existing.version += 1
        report = existing
    else:
        report = AssistantReport(
            tenant_id=actor.tenant_id,
            grant_id=grant.id,
            assistant_id=assistant_id,
            assignment_id=assignment.id,
            month=first,
            hours=hours,
            notes=text,
            submitted_by=actor.user_id,
        )
        session.add(report)
    await session.flush()
    audit(
        session,
        actor,
        grant.id,
        "report",
        None,
        {"report_id": report.id, "assistant_id": assistant_id, "month": first, "hours": hours},
    )
    return report


async def _locked_report(
    session: AsyncSession, actor: Actor, grant_id: uuid.UUID, report_id: uuid.UUID, version: int | None
) -> AssistantReport:
    actor.require(Permission.ASSISTANT_MANAGE)
    report = await session.scalar(
        select(AssistantReport)
        .where(AssistantReport.id == report_id, AssistantReport.grant_id == grant_id)
        .with_for_update()
    )
    if report is None:
        raise NotFound(NO_SUCH_REPORT)
    if report.status != "submitted":
        raise Conflict(REPORT_DECIDED)
    if version is not None and version != report.version:
        raise Conflict(REPORT_STALE)
    return report


async def accept_report(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    report_id: uuid.UUID,
    *,
    expected_version: int | None,
    accepted_hours: Decimal | None = None,
    today: dt.date | None = None,
) -> AssistantReport:
    """Accepts the report (all its hours, or fewer) and computes the month's pay at the hourly rate in
    force on the month's first day (the legal parameter), with its explanation; the report keeps the rate.
    No rate in force that month is a message, nothing is changed."""
    report = await _locked_report(session, actor, grant_id, report_id, expected_version)
    hours = report.hours if accepted_hours is None else accepted_hours
    if not _in_cents(hours, report.hours):
        raise InvalidInput({"accepted_hours": [ACCEPTED_RANGE]})
    found = await hourly_rate_on(session, report.month)
    if found is None:
        raise InvalidInput({"hourly_rate": [NO_RATE]})
    rate = found.value.quantize(CENT)  # the parameter keeps 4 decimals; the rate is in cents, as stored
    pay = rules.month_pay_explained(
        hours, rate, reference=found.legal_reference, unconfirmed=found.unconfirmed
    )
    report.status, report.accepted_hours, report.hourly_rate = "accepted", hours, rate
    report.pay, report.pay_explanation = pay.amount, pay.as_json()
    report.decided_on, report.decided_by = today or municipal_today(), actor.user_id
    report.version += 1
    await session.flush()
    audit(
        session,
        actor,
        grant_id,
        "report:accept",
        {"report_id": report.id, "status": "submitted"},
        {"report_id": report.id, "status": "accepted", "hours": hours, "rate": rate, "pay": pay.amount},
    )
    return report


async def reject_report(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    report_id: uuid.UUID,
    *,
    expected_version: int | None,
    reason: str | None,
    today: dt.date | None = None,
) -> AssistantReport:
    """Rejects the report with a reason; the assistant may report the month again."""
    report = await _locked_report(session, actor, grant_id, report_id, expected_version)
    text = (reason or "").strip()[:2000]
    if not text:
        raise InvalidInput({"reason": [REJECT_REASON]})
    report.status, report.reason = "rejected", text
    report.decided_on, report.decided_by = today or municipal_today(), actor.user_id
    report.version += 1
    await session.flush()
    audit(
        session,
        actor,
        grant_id,
        "report:reject",
        {"report_id": report.id, "status": "submitted"},
        {"report_id": report.id, "status": "rejected", "reason": text},
    )
    return report
