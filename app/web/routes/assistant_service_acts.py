"""The acts on a granted assistant service's page (MK 316): adding and ending assistants, recording a
month's report, accepting it (with the pay) or rejecting it. The list and the grant's page with its request,
assessment and decision forms are in assistant_service.py. Refused forms come back in place (422)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Response, Router, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.services.assistant_work import (
    accept_report,
    add_assistant,
    end_assistant,
    record_report,
    reject_report,
)
from app.errors import InvalidInput
from app.i18n import N_
from app.web.routes.applications_common import read_day
from app.web.routes.assistant_service import grant_path, refused_again
from app.web.routes.case_forms import Form, first_error, go_to, one, read_uuid, read_version, today, values_of

ASSISTANT_FIELDS = (
    "personal_code",
    "first_name",
    "last_name",
    "phone",
    "agreement_on",
    "valid_from",
)
END_FIELDS = ("assignment_id", "valid_to")
REPORT_FIELDS = ("assistant_id", "month", "hours", "notes")
NOT_HOURS = N_("Enter the hours as a number, e.g. 12 or 12,5.")
CHOOSE_ASSISTANT = N_("Choose the assistant.")
NOT_A_MONTH = N_("Enter the month as mm.yyyy, e.g. 03.2026.")
_MONTH = re.compile(r"(\d{1,2})\.(\d{4})|(\d{4})-(\d{1,2})")


def _hours(values: dict[str, str], name: str, errors: dict[str, list[str]]) -> Decimal | None:
    raw = values[name].replace(" ", "").replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        errors[name] = [NOT_HOURS]
        return None
    return value


def _month(values: dict[str, str], name: str, errors: dict[str, list[str]]) -> dt.date | None:
    """ "03.2026" (or "2026-03") → 1 March 2026."""
    match = _MONTH.fullmatch(values[name].strip())
    if not values[name].strip():
        return None
    try:
        if match is None:
            raise ValueError
        month, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        return dt.date(int(year), int(month), 1)
    except ValueError:
        errors[name] = [NOT_A_MONTH]
        return None


@post("/assistant-service/{grant_id:uuid}/assistants", name="assistant_service.assistant", status_code=200)
async def assistant_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, ASSISTANT_FIELDS)
    errors: dict[str, list[str]] = {}
    agreement_on = read_day(values, "agreement_on", errors)
    valid_from = read_day(values, "valid_from", errors)
    try:
        if errors:
            raise InvalidInput(errors)
        await add_assistant(
            db,
            actor,
            grant_id,
            expected_version=read_version(one(data, "version")),
            personal_code=values["personal_code"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            phone=values["phone"],
            agreement_on=agreement_on,
            valid_from=valid_from,
            today=today(),
        )
    except InvalidInput as exc:
        return await refused_again(
            request,
            db,
            grant_id,
            actor,
            "assistants",
            assistant_form=values,
            assistant_errors=exc.errors,
            focus=first_error(exc.errors, ASSISTANT_FIELDS),
        )
    return go_to(request, grant_path(grant_id) + "#assistants")


@post(
    "/assistant-service/{grant_id:uuid}/assistants/end",
    name="assistant_service.assistant_end",
    status_code=200,
)
async def assistant_end_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, END_FIELDS)
    errors: dict[str, list[str]] = {}
    valid_to = read_day(values, "valid_to", errors)
    assignment = read_uuid(values["assignment_id"])
    if assignment is None:
        errors["assignment_id"] = [CHOOSE_ASSISTANT]
    try:
        if errors:
            raise InvalidInput(errors)
        assert assignment is not None
        await end_assistant(
            db,
            actor,
            grant_id,
            assignment,
            expected_version=read_version(one(data, "version")),
            valid_to=valid_to,
        )
    except InvalidInput as exc:
        return await refused_again(
            request,
            db,
            grant_id,
            actor,
            "assistants",
            end_form=values,
            end_errors=exc.errors,
            focus=first_error(exc.errors, END_FIELDS),
        )
    return go_to(request, grant_path(grant_id) + "#assistants")


@post("/assistant-service/{grant_id:uuid}/reports", name="assistant_service.report", status_code=200)
async def report_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, REPORT_FIELDS)
    errors: dict[str, list[str]] = {}
    month = _month(values, "month", errors)
    hours = _hours(values, "hours", errors)
    assistant = read_uuid(values["assistant_id"])
    try:
        if errors:
            raise InvalidInput(errors)
        await record_report(
            db,
            actor,
            grant_id,
            assistant_id=assistant,
            month=month,
            hours=hours,
            notes=values["notes"],
            today=today(),
        )
    except InvalidInput as exc:
        return await refused_again(
            request,
            db,
            grant_id,
            actor,
            "reports",
            report_form=values,
            report_errors=exc.errors,
            focus=first_error(exc.errors, REPORT_FIELDS),
        )
    return go_to(request, grant_path(grant_id) + "#reports")


async def _verdict(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    report_id: uuid.UUID,
    data: Form,
    accept: bool,
) -> Response[Any]:
    values = values_of(data, ("accepted_hours", "reason"))
    version = read_version(one(data, "version"))
    errors: dict[str, list[str]] = {}
    try:
        if accept:
            hours = _hours(values, "accepted_hours", errors)
            if errors:
                raise InvalidInput(errors)
            await accept_report(
                db, actor, grant_id, report_id, expected_version=version, accepted_hours=hours, today=today()
            )
        else:
            await reject_report(
                db,
                actor,
                grant_id,
                report_id,
                expected_version=version,
                reason=values["reason"],
                today=today(),
            )
    except InvalidInput as exc:
        return await refused_again(
            request,
            db,
            grant_id,
            actor,
            "reports",
            row_errors={report_id: exc.errors},
            row_form={report_id: values},
            focus=f"row-{report_id}",
        )
    return go_to(request, grant_path(grant_id) + "#reports")


@post(
    "/assistant-service/{grant_id:uuid}/reports/{report_id:uuid}/accept",
    name="assistant_service.report_accept",
    status_code=200,
)
async def report_accept_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    report_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    """Accepts a submitted report: all its hours, or the hours given."""
    return await _verdict(request, db, actor, grant_id, report_id, data, accept=True)


@post(
    "/assistant-service/{grant_id:uuid}/reports/{report_id:uuid}/reject",
    name="assistant_service.report_reject",
    status_code=200,
)
async def report_reject_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    report_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    """Rejects a submitted report with a reason."""
    return await _verdict(request, db, actor, grant_id, report_id, data, accept=False)


router = Router(
    path="/",
    route_handlers=[assistant_act, assistant_end_act, report_act, report_accept_act, report_reject_act],
    include_in_schema=False,
)
