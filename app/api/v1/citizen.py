"""The citizen e-services over the API: a person's own applications, decisions, waiting-list places and
access log, across the municipalities where they are a client; and submitting complaints, submissions
and suggestions (anonymously where the law allows).

Identity: the citizen's session (`app/auth/citizen.py`, OpenID Connect through the identity broker),
never a staff `Actor`. The data: `app/domains/citizen/records.py` (one listed read-only cross-tenant
lookup by the personal code, then reads bound to each municipality and narrowed to the person)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol, TypeVar

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.api.v1.idempotency import IdempotencyKey, created_once
from app.api.v1.responses import ProblemOperation, problems
from app.auth.citizen import Citizen, citizen_of, provide_citizen
from app.domains.benefits.decision_pdf import PDF
from app.domains.benefits.rules import APPLICATION_STATUSES, OUTCOMES
from app.domains.cases.access import municipal_today
from app.domains.citizen.records import (
    ApplicationView,
    OwnRecord,
    find_own_records,
    own_access_log,
    own_applications,
    own_decision_document,
    own_queue_entries,
    tenant_reader,
)
from app.domains.complaints.queries import attachment_names
from app.domains.complaints.service import register
from app.domains.services import queue_rules
from app.errors import InvalidInput, NotFound
from app.i18n import N_, gettext
from app.tenants.models import Tenant
from app.web.deps import resources
from app.web.downloads import private_file
from app.web.templating import language_of

TAGS = ["citizen e-services"]
CITIZEN = {"citizen": Provide(provide_citizen)}
NO_MUNICIPALITY = N_("Choose the municipality: its ATVK code or short name.")
NO_SUCH_MUNICIPALITY = N_("There is no such municipality.")
NOT_FOUND = N_("There is nothing at this address.")
SIGNED_IN = {401: "Not signed in as a citizen, or the citizen sign-in has expired."}


def _maint(request: Request[Any, Any, Any]) -> async_sessionmaker[AsyncSession]:
    maint = resources(request).maint_sessions
    if maint is None:
        raise RuntimeError("the citizen e-services need the maintenance sessions")
    return maint


class _Identified(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


Own = TypeVar("Own", bound=_Identified)


def one_of(own: Iterable[Own], wanted: uuid.UUID) -> Own:
    """The citizen's own record with that id; 404 otherwise — another person's looks like none at all."""
    found = next((item for item in own if item.id == wanted), None)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


async def _records(request: Request[Any, Any, Any], citizen: Citizen) -> list[OwnRecord]:
    return await find_own_records(_maint(request), citizen.personal_code)


# --- the signed-in citizen ------------------------------------------------------------------------------


class CitizenMunicipalityOut(msgspec.Struct):
    id: uuid.UUID
    name: str


class CitizenOut(msgspec.Struct):
    name: str | None
    personal_code: Annotated[str, msgspec.Meta(description="As given by the national login, 11 digits.")]
    municipalities: Annotated[
        list[CitizenMunicipalityOut], msgspec.Meta(description="Where the citizen is a client.")
    ]


@get(
    "/citizen/me",
    summary="The signed-in citizen",
    description="Sign in at `/api/v1/citizen/login` (the national login through the identity broker).",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(401, describe=SIGNED_IN),
    operation_class=ProblemOperation,
)
async def citizen_me(request: Request[Any, Any, Any], citizen: NamedDependency[Citizen]) -> CitizenOut:
    records = await _records(request, citizen)
    return CitizenOut(
        name=citizen.name,
        personal_code=citizen.personal_code,
        municipalities=[CitizenMunicipalityOut(r.tenant_id, r.municipality) for r in records],
    )


# --- applications and decisions --------------------------------------------------------------------------


class DecisionOut(msgspec.Struct):
    id: uuid.UUID
    number: str
    outcome: str
    outcome_label: str
    decided_on: dt.date
    amount: Annotated[str | None, msgspec.Meta(description="Euros as a decimal string.")]
    valid_from: dt.date | None
    valid_to: dt.date | None
    reasons: str
    document: Annotated[
        str | None, msgspec.Meta(description="Address of the decision's PDF; null until it is ready.")
    ]


class HistoryOut(msgspec.Struct):
    on: dt.date
    event: Literal["received", "assessed", "decided"]
    label: str


class ApplicationOut(msgspec.Struct):
    id: uuid.UUID
    number: str
    municipality: str
    benefit: str
    received_on: dt.date
    channel: str
    status: str
    status_label: str
    decisions: list[DecisionOut]
    history: list[HistoryOut]


class ApplicationsOut(msgspec.Struct):
    items: list[ApplicationOut]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _application_out(lang: str, record: OwnRecord, a: ApplicationView) -> ApplicationOut:
    history = [HistoryOut(a.received_on, "received", gettext(lang, APPLICATION_STATUSES["received"]))]
    if a.assessed_at is not None:
        history.append(
            HistoryOut(a.assessed_at.date(), "assessed", gettext(lang, APPLICATION_STATUSES["assessed"]))
        )
    history += [
        HistoryOut(d.decided_on, "decided", gettext(lang, OUTCOMES.get(d.outcome, d.outcome)))
        for d in a.decisions
    ]
    return ApplicationOut(
        id=a.id,
        number=a.number,
        municipality=record.municipality,
        benefit=a.benefit_en if lang == "en" else a.benefit_lv,
        received_on=a.received_on,
        channel=a.channel,
        status=a.status,
        status_label=gettext(lang, APPLICATION_STATUSES.get(a.status, a.status)),
        decisions=[
            DecisionOut(
                id=d.id,
                number=d.number,
                outcome=d.outcome,
                outcome_label=gettext(lang, OUTCOMES.get(d.outcome, d.outcome)),
                decided_on=d.decided_on,
                amount=_amount(d.amount),
                valid_from=d.valid_from,
                valid_to=d.valid_to,
                reasons=d.reasons,
                document=f"/api/v1/citizen/decisions/{d.id}/document" if d.has_document else None,
            )
            for d in a.decisions
        ],
        history=sorted(history, key=lambda h: h.on),
    )


async def all_applications(request: Request[Any, Any, Any], citizen: Citizen) -> list[ApplicationOut]:
    lang = language_of(request)
    sessions = resources(request).sessions
    items: list[ApplicationOut] = []
    for record in await _records(request, citizen):
        async with tenant_reader(sessions, record.tenant_id) as db:
            items += [_application_out(lang, record, a) for a in await own_applications(db, record)]
    items.sort(key=lambda i: (i.received_on, i.number), reverse=True)
    return items


@get(
    "/citizen/applications",
    summary="My applications, decisions and their history",
    description="The signed-in citizen's own benefit applications in every municipality, newest first.",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(401, describe=SIGNED_IN),
    operation_class=ProblemOperation,
)
async def citizen_applications(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen]
) -> ApplicationsOut:
    return ApplicationsOut(items=await all_applications(request, citizen))


@get(
    "/citizen/applications/{application_id:uuid}",
    summary="One of my applications",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(401, 404, describe={**SIGNED_IN, 404: "No such application among the citizen's own."}),
    operation_class=ProblemOperation,
)
async def citizen_application(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen], application_id: FromPath[uuid.UUID]
) -> ApplicationOut:
    return one_of(await all_applications(request, citizen), application_id)


@get(
    "/citizen/decisions/{decision_id:uuid}/document",
    summary="The PDF of a decision on my application",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    media_type=PDF,
    responses=problems(
        401,
        404,
        describe={
            **SIGNED_IN,
            404: "No such decision on the citizen's own applications, or its PDF is not ready yet.",
        },
    ),
    operation_class=ProblemOperation,
)
async def citizen_decision_document(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen], decision_id: FromPath[uuid.UUID]
) -> Response[bytes]:
    sessions = resources(request).sessions
    for record in await _records(request, citizen):
        async with tenant_reader(sessions, record.tenant_id) as db:
            found = await own_decision_document(db, record, decision_id)
        if found is not None:
            return private_file(found.content, PDF, found.filename)
    raise NotFound(NOT_FOUND)


# --- waiting lists ----------------------------------------------------------------------------------------


class QueueEntryOut(msgspec.Struct):
    id: uuid.UUID
    municipality: str
    service: str
    provider: Annotated[
        str | None, msgspec.Meta(description="The provider whose list it is; null: the municipality's own.")
    ]
    registered_at: dt.datetime
    state: str
    state_label: str
    priority: bool
    position: Annotated[int | None, msgspec.Meta(description="1 = next; null when it holds no place.")]
    ahead: int | None
    explanation: Annotated[list[str], msgspec.Meta(description="Why the entry stands where it does.")]


class QueueEntriesOut(msgspec.Struct):
    items: list[QueueEntryOut]


async def all_queue_entries(request: Request[Any, Any, Any], citizen: Citizen) -> list[QueueEntryOut]:
    lang = language_of(request)
    sessions = resources(request).sessions
    items: list[QueueEntryOut] = []
    for record in await _records(request, citizen):
        async with tenant_reader(sessions, record.tenant_id) as db:
            views = await own_queue_entries(db, record)
        for q in views:
            position = q.position
            items.append(
                QueueEntryOut(
                    id=q.id,
                    municipality=record.municipality,
                    service=q.service_en if lang == "en" else q.service_lv,
                    provider=q.provider_name,
                    registered_at=q.registered_at,
                    state=q.state,
                    state_label=gettext(lang, queue_rules.STATE_LABELS.get(q.state, q.state)),
                    priority=q.priority,
                    position=position.number if position else None,
                    ahead=position.ahead if position else None,
                    explanation=[gettext(lang, m, **p) for m, p in position.explanation()]
                    if position
                    else [gettext(lang, queue_rules.NO_PLACE)],
                )
            )
    return items


@get(
    "/citizen/queue-entries",
    summary="My places in the waiting lists",
    description="Each of the citizen's waiting-list entries with its position now and why it is there.",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(401, describe=SIGNED_IN),
    operation_class=ProblemOperation,
)
async def citizen_queue_entries(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen]
) -> QueueEntriesOut:
    return QueueEntriesOut(items=await all_queue_entries(request, citizen))


@get(
    "/citizen/queue-entries/{entry_id:uuid}",
    summary="One of my waiting-list entries",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(401, 404, describe={**SIGNED_IN, 404: "No such entry among the citizen's own."}),
    operation_class=ProblemOperation,
)
async def citizen_queue_entry(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen], entry_id: FromPath[uuid.UUID]
) -> QueueEntryOut:
    return one_of(await all_queue_entries(request, citizen), entry_id)


# --- who viewed my data -----------------------------------------------------------------------------------


class CitizenAccessOut(msgspec.Struct):
    occurred_at: dt.datetime
    municipality: str
    roles: Annotated[list[str], msgspec.Meta(description="In which capacity the record was opened.")]
    purpose: Annotated[str, msgspec.Meta(description="Why the record was opened, e.g. `case_work`.")]


class CitizenAccessLogOut(msgspec.Struct):
    items: list[CitizenAccessOut]


@get(
    "/citizen/access-log",
    summary="Who viewed my data",
    description=(
        "Each time staff opened the citizen's record, newest first (at most 100 per municipality): when, "
        "in which municipality, in which role and why. Staff members are not named to the citizen."
    ),
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(401, describe=SIGNED_IN),
    operation_class=ProblemOperation,
)
async def citizen_access_log(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen]
) -> CitizenAccessLogOut:
    sessions = resources(request).sessions
    items: list[CitizenAccessOut] = []
    for record in await _records(request, citizen):
        async with tenant_reader(sessions, record.tenant_id) as db:
            views = await own_access_log(db, record)
        items += [CitizenAccessOut(v.occurred_at, v.municipality, list(v.roles), v.purpose) for v in views]
    items.sort(key=lambda v: v.occurred_at, reverse=True)
    return CitizenAccessLogOut(items=items)


# --- complaints, submissions and suggestions --------------------------------------------------------------


class SubmissionIn(msgspec.Struct, forbid_unknown_fields=True):
    """Fields are checked by the complaint rules, so a missing one is named in the reader's language."""

    municipality: (
        Annotated[str, msgspec.Meta(max_length=63, description="The municipality's ATVK code or short name.")]
        | None
    ) = None
    kind: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=20,
                description="`complaint`, `application` (a submission) or `suggestion`; only complaints "
                "and suggestions may be anonymous.",
            ),
        ]
        | None
    ) = None
    subject: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    text: Annotated[str, msgspec.Meta(max_length=20000)] | None = None
    anonymous: bool = False
    contact: (
        Annotated[
            str, msgspec.Meta(max_length=1000, description="Where to send the answer (not if anonymous).")
        ]
        | None
    ) = None
    attachments: Annotated[
        list[AttachmentIn], msgspec.Meta(max_length=5, description="Files sent along, at most 5.")
    ] = msgspec.field(default_factory=list)


class AttachmentIn(msgspec.Struct):
    filename: Annotated[str, msgspec.Meta(max_length=255, description="The file's name, e.g. `receipt.pdf`.")]
    content_base64: Annotated[
        str,
        msgspec.Meta(
            description="The file's bytes in base64 (RFC 4648). At most 5 MB each; PDF, JPEG, PNG, DOCX, "
            "XLSX, ODT or plain text, recognised by content."
        ),
    ]


class ReceiptOut(msgspec.Struct):
    number: Annotated[
        str, msgspec.Meta(description="The receipt (registration) number, e.g. `S-2026/00042`.")
    ]
    municipality: str
    kind: str
    received_on: dt.date
    answer_due_on: dt.date
    attachments: Annotated[list[str], msgspec.Meta(description="The names the attached files were kept as.")]


async def chosen_municipality(db: AsyncSession, key: str | None) -> Tenant:
    key = (key or "").strip()
    if not key:
        raise InvalidInput({"municipality": [NO_MUNICIPALITY]})
    tenant = await db.scalar(select(Tenant).where(or_(Tenant.atvk_code == key, Tenant.slug == key.lower())))
    if tenant is None:
        raise InvalidInput({"municipality": [NO_SUCH_MUNICIPALITY]})
    return tenant


NOT_BASE64 = N_("The file's content is not valid base64.")
MAX_BODY = 40 * 1024 * 1024  # five attachments of 5 MB in base64, and the text


def _decode(attachments: list[AttachmentIn]) -> tuple[list[tuple[str | None, bytes]], dict[str, list[str]]]:
    """The attached files' bytes; messages for the ones whose content is not base64."""
    files: list[tuple[str | None, bytes]] = []
    errors: dict[str, list[str]] = {}
    for n, a in enumerate(attachments):
        try:
            files.append((a.filename, base64.b64decode(a.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            errors[f"attachments.{n}"] = [NOT_BASE64]
    return files, errors


def client_key(request: Request[Any, Any, Any], citizen: Citizen | None) -> str:
    if citizen is not None:
        return "citizen:" + hashlib.sha256(citizen.personal_code.encode()).hexdigest()
    return f"address:{request.client.host if request.client else 'unknown'}"


async def file_submission(
    request: Request[Any, Any, Any],
    citizen: Citizen | None,
    *,
    municipality: str | None,
    kind: str | None,
    subject: str | None,
    text: str | None,
    anonymous: bool,
    contact: str | None,
    attachments: list[tuple[str | None, bytes]],
    unreadable: dict[str, list[str]],
) -> ReceiptOut:
    """Registers a citizen's complaint, submission or suggestion in the chosen municipality as received
    through the e-service today, named after the signed-in citizen unless anonymous; one transaction."""
    res = resources(request)
    async with res.sessions() as db:
        tenant = await chosen_municipality(db, municipality)
        await db.commit()
    person_id, name = None, None
    if citizen is not None and not anonymous:
        own = [r for r in await _records(request, citizen) if r.tenant_id == tenant.id]
        person_id = own[0].person_id if own else None
        name = None if own else citizen.name or citizen.personal_code
    async with res.sessions() as db:
        db.info["tenant_id"] = tenant.id
        db.info["user_id"] = None
        complaint = await register(
            db,
            tenant_id=tenant.id,
            created_by=None,
            kind=(kind or "").strip(),
            channel="eservice",
            received_on=municipal_today(),
            subject=subject,
            text=text,
            person_id=person_id,
            submitter_name=name,
            submitter_contact=None if anonymous else contact,
            anonymous=anonymous,
            unreadable=unreadable,
            attachments=attachments,
        )
        receipt = ReceiptOut(
            number=complaint.number,
            municipality=tenant.name,
            kind=complaint.kind,
            received_on=complaint.received_on,
            answer_due_on=complaint.due_on,
            attachments=await attachment_names(db, complaint.id),
        )
        await db.commit()
    return receipt


@post(
    "/citizen/complaints",
    summary="Submit a complaint, submission or suggestion",
    description=(
        "Registered in the chosen municipality as received through the e-service today; the answer is its "
        "receipt number. Complaints and suggestions may be anonymous (no sign-in needed); otherwise the "
        "citizen signs in and is named as the submitter. Send an `Idempotency-Key` header to make a retry "
        "safe: the same key and body give the first answer again (for 24 hours)."
    ),
    tags=TAGS,
    exclude_from_auth=True,
    status_code=201,
    request_max_body_size=MAX_BODY,
    responses=problems(
        400,
        401,
        403,
        409,
        413,
        415,
        422,
        describe={
            401: "A submission with a name needs a citizen sign-in.",
            403: "The CSRF token is missing.",
            409: "A request with the same idempotency key is still being handled.",
            422: "Invalid input, or the idempotency key was used for another body; `errors` says which.",
        },
    ),
    operation_class=ProblemOperation,
)
async def submit(
    request: Request[Any, Any, Any], data: JSONBody[SubmissionIn], idempotency_key: IdempotencyKey = None
) -> Response[ReceiptOut]:
    citizen = citizen_of(request)
    if not data.anonymous and citizen is None:
        raise NotAuthorizedException()

    async def act() -> ReceiptOut:
        files, unreadable = _decode(data.attachments)
        return await file_submission(
            request,
            citizen,
            municipality=data.municipality,
            kind=data.kind,
            subject=data.subject,
            text=data.text,
            anonymous=data.anonymous,
            contact=data.contact,
            attachments=files,
            unreadable=unreadable,
        )

    client = client_key(request, citizen)
    return await created_once(resources(request).redis, client, idempotency_key, data, act, ReceiptOut)
