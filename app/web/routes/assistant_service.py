"""Assistant-service pages (MK 316): the grants (/assistant-service, filters: status, expiring soon) with the
form registering a request by personal code, and a grant's page — the assessment with its explanation
(assessed again while undecided), the decision, the assistants and the monthly reports with the pay. The
acts on assistants and reports are in assistant_service_acts.py. Refused forms come back in place (422,
Latvian messages) and nothing is saved."""

from __future__ import annotations

import re
import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.assistance.explain import Line, lines_from_json
from app.domains.services import assistant_rules as rules
from app.domains.services.assistant import assess_request, decide_request, longest_end, request_service
from app.domains.services.assistant_queries import (
    EXPIRING_DAYS,
    REPORT_STATUSES,
    STATUSES,
    grant_card,
    grant_list,
)
from app.domains.services.assistant_work import hourly_rate_on
from app.errors import InvalidInput
from app.i18n import N_, gettext
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.applications_common import ExplainedLine, explain, read_day
from app.web.routes.case_forms import (
    Form,
    dotted,
    first_error,
    go_to,
    many,
    one,
    read_version,
    today,
    values_of,
)
from app.web.routes.queues import person_by_code
from app.web.templating import language_of

LIST = "services/assistant_grants.html"
PAGE = "services/assistant_grant.html"
REQUEST_FIELDS = ("personal_code", "requested_on", "purposes")
FLAGS = ("higher_intensity", "procedures", "special_care_opinion", "limitation")
DECISION_FIELDS = ("outcome", "reasons", "valid_from", "valid_to")
CHOOSE = N_("Choose from the list.")
_STATUS = re.compile("|".join(STATUSES))
LABELS: dict[str, Any] = {
    "grant_statuses": STATUSES,
    "report_statuses": REPORT_STATUSES,
    "purpose_labels": rules.PURPOSE_LABELS,
    "expiring_days": EXPIRING_DAYS,
}


def grant_path(grant_id: uuid.UUID) -> str:
    return f"/assistant-service/{grant_id}"


def _readable(lines: tuple[Line, ...], language: str) -> list[ExplainedLine]:
    """The explanation as the reader reads it; a purpose named in a line is a msgid, translated too."""
    translated = [
        Line(
            line.label,
            line.value,
            line.unit,
            line.reference,
            {k: gettext(language, v) if isinstance(v, str) else v for k, v in line.params.items()},
        )
        for line in lines
    ]
    return explain(translated, language)


def _assessment_values(data: Form | None) -> dict[str, Any]:
    if data is None:
        return {"purposes": [], **dict.fromkeys(FLAGS, False)}
    return {"purposes": many(data, "purposes"), **{f: one(data, f) == "1" for f in FLAGS}}


# --- the list and a new request ----------------------------------------------------------------------------


async def _list_context(request: HTMXRequest, db: AsyncSession, actor: Actor, **extra: Any) -> dict[str, Any]:
    filters = FilterForm(request.query_params, ("status", "expiring"))
    status = filters.text("status", _STATUS, CHOOSE)
    expiring = filters.values["expiring"] == "1"
    return {
        **LABELS,
        "filters": filters,
        "grants": await grant_list(db, actor, today=today(), status=status, expiring=expiring),
        "may_manage": actor.can(Permission.ASSISTANT_MANAGE),
        "form": {"requested_on": dotted(today()), **_assessment_values(None)},
        "errors": {},
        "focus": None,
        **extra,
    }


@get("/assistant-service", name="assistant_service.list")
async def grants_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    context = await _list_context(request, db, actor)
    if is_fragment(request, "results"):
        filters = context["filters"]
        return HTMXBlockTemplate(
            template_name=LIST,
            block_name="results",
            context=context,
            status_code=422 if filters.errors else 200,
            push_url=filters.url("/assistant-service"),
        )
    return Template(template_name=LIST, context=context)


@post("/assistant-service", name="assistant_service.request", status_code=200)
async def request_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    values = values_of(data, ("personal_code", "requested_on"))
    assessment = _assessment_values(data)
    errors: dict[str, list[str]] = {}
    person = await person_by_code(db, values["personal_code"], errors)
    requested_on = read_day(values, "requested_on", errors)
    try:
        if errors:
            raise InvalidInput(errors)
        grant = await request_service(
            db, actor, person_id=person, requested_on=requested_on, today=today(), **assessment
        )
    except InvalidInput as exc:
        await db.rollback()
        found = {("personal_code" if k == "person_id" else k): v for k, v in exc.errors.items()}
        context = await _list_context(
            request,
            db,
            actor,
            form={**values, **assessment},
            errors=found,
            focus=first_error(found, REQUEST_FIELDS),
        )
        return refused(request, context, page=LIST, block="request_form")
    return go_to(request, grant_path(grant.id))


# --- a grant's page ----------------------------------------------------------------------------------------


async def _context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, grant_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    card = await grant_card(db, actor, grant_id)
    grant, lang = card.grant, language_of(request)
    assistants = {a.assistant_id: a.name for a in card.assignments}
    # The national hourly rate of each month a report waits for a verdict in, and of this month (the
    # report form): read-only, the rate accepting will pay at.
    this_month = today().replace(day=1)
    waiting = {r.report.month for r in card.reports if r.report.status == "submitted"}
    rates = {m: await hourly_rate_on(db, m) for m in sorted(waiting | {this_month})}
    reports = [
        {
            "row": r,
            "pay_lines": _readable(lines_from_json(r.report.pay_explanation or []), lang),
            "rate": rates.get(r.report.month),
        }
        for r in card.reports
    ]
    return {
        **LABELS,
        "card": card,
        "grant": grant,
        "explanation": _readable(lines_from_json(grant.explanation), lang),
        "longest_end": longest_end(grant.requested_on, card.disability_until),
        "reports": reports,
        "month_rate": rates[this_month],
        "assistant_choices": list(assistants.items()),
        "open_assignments": [
            (a.id, f"{a.name} · {dotted(a.valid_from)}–") for a in card.assignments if a.valid_to is None
        ],
        "may_manage": actor.can(Permission.ASSISTANT_MANAGE),
        "today": today(),
        "assessment_form": {"purposes": list(grant.purposes), **{f: getattr(grant, f) for f in FLAGS}},
        "decision_form": {"valid_from": dotted(grant.requested_on)},
        "assistant_form": {"agreement_on": dotted(today()), "valid_from": dotted(grant.valid_from)},
        "report_form": {"month": today().strftime("%m.%Y")},
        "assessment_errors": {},
        "decision_errors": {},
        "assistant_errors": {},
        "end_errors": {},
        "end_form": {},
        "report_errors": {},
        "row_errors": {},
        "row_form": {},
        "focus": None,
        **extra,
    }


@get("/assistant-service/{grant_id:uuid}", name="assistant_service.page")
async def grant_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
) -> Template:
    return Template(template_name=PAGE, context=await _context(request, db, actor, grant_id))


async def refused_again(
    request: HTMXRequest,
    db: AsyncSession,
    grant_id: uuid.UUID,
    actor: Actor,
    block: str,
    **extra: Any,
) -> Template:
    await db.rollback()
    context = await _context(request, db, actor, grant_id, **extra)
    return refused(request, context, page=PAGE, block=block)


@post("/assistant-service/{grant_id:uuid}/assessment", name="assistant_service.assess", status_code=200)
async def assess_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    assessment = _assessment_values(data)
    try:
        await assess_request(
            db, actor, grant_id, expected_version=read_version(one(data, "version")), **assessment
        )
    except InvalidInput as exc:
        return await refused_again(
            request,
            db,
            grant_id,
            actor,
            "assessment_form",
            assessment_form=assessment,
            assessment_errors=exc.errors,
            focus=first_error(exc.errors, ("purposes",)),
        )
    return go_to(request, grant_path(grant_id))


@post("/assistant-service/{grant_id:uuid}/decision", name="assistant_service.decide", status_code=200)
async def decide_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, DECISION_FIELDS)
    errors: dict[str, list[str]] = {}
    valid_from = read_day(values, "valid_from", errors)
    valid_to = read_day(values, "valid_to", errors)
    try:
        if errors:
            raise InvalidInput(errors)
        await decide_request(
            db,
            actor,
            grant_id,
            expected_version=read_version(one(data, "version")),
            outcome=values["outcome"] or None,
            reasons=values["reasons"],
            valid_from=valid_from,
            valid_to=valid_to,
            today=today(),
        )
    except InvalidInput as exc:
        return await refused_again(
            request,
            db,
            grant_id,
            actor,
            "decision_form",
            decision_form=values,
            decision_errors=exc.errors,
            focus=first_error(exc.errors, DECISION_FIELDS),
        )
    return go_to(request, grant_path(grant_id))


router = Router(
    path="/",
    route_handlers=[
        grants_page,
        request_act,
        grant_page,
        assess_act,
        decide_act,
    ],
    include_in_schema=False,
)
