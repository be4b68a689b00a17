"""Queueing notifications, and sending one again from the delivery log.

`queue_message` (and its twin `queue_message_sync` for workers) renders the notice, checks the address
and stores what it decided, in the caller's transaction (it never commits):

- **queued**: the message row and an outbox row for `deliver_notification`, both committed with the
  act or neither; the worker then delivers it once (workers/actors/notifications.py).
- **unusable**: the address is missing or not valid for the channel. The row keeps the reason for staff
  and a `contact_problems` row names the contact; nothing is queued, so no worker retries it in a loop.
- **failed**: the template could not be filled (a missing variable, a value of the wrong type, an
  unknown event). Nothing half-filled is stored or sent: the row keeps the error, no content.

Neither an unusable contact nor a broken template raises: a decision made in the UI is not undone
because its notice cannot go out. The act commits, and the delivery log shows what went wrong. Only a
caller's mistake that no data could cause (an unknown channel) raises `ValueError`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import structlog
from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.service import record_change
from app.auth.models import User
from app.auth.principal import Actor
from app.domains.people.codes import InvalidPersonalCode, parse_personal_code
from app.domains.people.models import Person
from app.errors import Conflict, NotFound
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_
from app.ids import uuid7
from app.notifications.addresses import check_email, check_phone
from app.notifications.labels import EADDRESS_INVALID, EADDRESS_MISSING, TEMPLATE_FAILED
from app.notifications.models import (
    CHANNELS,
    EADDRESS,
    EMAIL,
    FAILED,
    GIVEN_UP,
    QUEUED,
    SMS,
    UNUSABLE,
    ContactProblem,
    NotificationMessage,
)
from app.notifications.outbox import enqueue
from app.notifications.templates import TemplateError, render_message
from app.permissions import Permission

log = structlog.get_logger()

DELIVER_NOTIFICATION = "deliver_notification"
RETRYABLE = (FAILED, GIVEN_UP)
NOT_RETRYABLE = N_("Only a failed or given-up message can be sent again.")
NOTHING_TO_SEND = N_("This message has no text to send: its template could not be filled.")
MESSAGE_NOT_FOUND = N_("This message is not in the delivery log.")

_MAX_ADDRESS = 320


# --- pure parts -------------------------------------------------------------------------------------------


def check_address(channel: str, raw: object) -> tuple[str | None, str | None]:
    """The address normalised for `channel`, or the reason (an N_() msgid) it cannot be used."""
    if channel == EMAIL:
        return check_email(raw)
    if channel == SMS:
        return check_phone(raw)
    if not isinstance(raw, str) or not raw.strip():
        return None, EADDRESS_MISSING
    try:
        return parse_personal_code(raw.strip()[:40]).code, None
    except InvalidPersonalCode:
        return None, EADDRESS_INVALID


def _clip(raw: object) -> str | None:
    """What to keep of an unusable address: the text as given, shortened, without NUL bytes."""
    if raw is None:
        return None
    text = str(raw).replace("\x00", "").strip()[:_MAX_ADDRESS]
    return text or None


def _draft(
    tenant_id: uuid.UUID,
    *,
    event: str,
    channel: str,
    language: str,
    variables: Mapping[str, Any],
    person_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    raw_address: object,
    link: str | None,
) -> tuple[NotificationMessage, str | None]:
    """The message row as decided (not yet added), and the contact problem's reason if there is one."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {channel!r}")
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    address, problem = check_address(channel, raw_address)
    message = NotificationMessage(
        tenant_id=tenant_id,
        id=uuid7(),
        event=event[:60],
        channel=channel,
        person_id=person_id,
        user_id=user_id,
        address=address or _clip(raw_address),
        language=lang,
        link=link[:500] if link else None,
        attempts=0,
    )
    try:
        rendered = render_message(event, lang, variables)
    except TemplateError as exc:
        log.warning("notification template failed", notice_event=event, language=lang, error=str(exc))
        message.status, message.last_error, message.last_error_detail = FAILED, TEMPLATE_FAILED, str(exc)
        return message, problem
    message.subject, message.text, message.html = rendered.subject, rendered.text, rendered.html
    message.sms_text = rendered.sms_text
    if problem is not None:
        message.status, message.last_error = UNUSABLE, problem
    else:
        message.status = QUEUED
    return message, problem


def _contact_query(
    channel: str, person_id: uuid.UUID | None, user_id: uuid.UUID | None
) -> Select[Any] | None:
    """Where a recipient's address for `channel` is recorded: a person's e-mail, phone or personal code,
    a staff member's e-mail."""
    if person_id is not None:
        column = {EMAIL: Person.email, SMS: Person.phone, EADDRESS: Person.personal_code}[channel]
        return select(column).where(Person.id == person_id)
    if user_id is not None and channel == EMAIL:
        return select(User.email).where(User.id == user_id)
    return None


def _open_problem_query(message: NotificationMessage) -> Select[Any]:
    return select(ContactProblem).where(
        ContactProblem.resolved_at.is_(None),
        ContactProblem.channel == message.channel,
        *_same_recipient(message),
        ContactProblem.address.is_not_distinct_from(message.address),
    )


def _same_recipient(message: NotificationMessage) -> tuple[ColumnElement[bool], ...]:
    """`=` or `IS NULL` rather than IS NOT DISTINCT FROM, which no index serves: the open problems are
    found through (tenant, person, channel) instead of reading all of the municipality's."""
    return tuple(
        column.is_(None) if value is None else column == value
        for column, value in (
            (ContactProblem.person_id, message.person_id),
            (ContactProblem.user_id, message.user_id),
        )
    )


def _problem(message: NotificationMessage, reason: str, detail: str | None) -> ContactProblem:
    return ContactProblem(
        tenant_id=message.tenant_id,
        id=uuid7(),
        person_id=message.person_id,
        user_id=message.user_id,
        channel=message.channel,
        address=message.address,
        reason=reason,
        detail=detail,
    )


def _seen_again(problem: ContactProblem, reason: str, detail: str | None) -> None:
    problem.reason, problem.detail, problem.last_seen_at = reason, detail, func.now()


def _tenant(session: AsyncSession | Session) -> uuid.UUID:
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("notifications need a tenant-bound session")
    return tenant


# --- async (web, API) -------------------------------------------------------------------------------------


async def queue_message(
    session: AsyncSession,
    *,
    event: str,
    channel: str,
    language: str,
    variables: dict[str, Any],
    person_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    address: str | None = None,
    link: str | None = None,
) -> NotificationMessage:
    """Render, check and store one notice in the caller's transaction (see the module docstring).

    Without `address`, the recipient's own contact for the channel is used: the person's e-mail, phone
    or personal code, or the staff member's e-mail. The same act as `queue_message_sync`, run on the
    async session's connection."""
    return await session.run_sync(
        lambda sync: queue_message_sync(
            sync,
            event=event,
            channel=channel,
            language=language,
            variables=variables,
            person_id=person_id,
            user_id=user_id,
            address=address,
            link=link,
        )
    )


async def retry_message(session: AsyncSession, actor: Actor, message_id: uuid.UUID) -> NotificationMessage:
    """Send a failed or given-up message again (the delivery log's "Retry"): a new outbox message, so
    the delivery starts afresh with a new Message-ID and idempotency key; the attempts count on."""
    actor.require(Permission.OUTBOX_VIEW)
    message = await session.get(NotificationMessage, (_tenant(session), message_id), with_for_update=True)
    if message is None:
        raise NotFound(MESSAGE_NOT_FOUND)
    if message.status not in RETRYABLE:
        raise Conflict(NOT_RETRYABLE)
    if message.text is None:
        raise Conflict(NOTHING_TO_SEND)
    before = {"status": message.status, "attempts": message.attempts, "last_error": message.last_error}
    message.status, message.last_error, message.last_error_detail = QUEUED, None, None
    message.outbox_id = enqueue(session, DELIVER_NOTIFICATION, {"notification_id": str(message.id)})
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="notifications:message:retry",
        entity_type="notification_message",
        entity_id=message.id,
        before=before,
        after={"status": QUEUED, "outbox_id": message.outbox_id},
    )
    return message


# --- sync (workers) ---------------------------------------------------------------------------------------


def queue_message_sync(
    session: Session,
    *,
    event: str,
    channel: str,
    language: str,
    variables: dict[str, Any],
    person_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    address: str | None = None,
    link: str | None = None,
) -> NotificationMessage:
    """`queue_message` for workers (sync SQLAlchemy); the same decisions, the same rows."""
    raw: object = address
    if raw is None:
        query = _contact_query(channel, person_id, user_id) if channel in CHANNELS else None
        raw = session.execute(query).scalar() if query is not None else None
    message, problem = _draft(
        _tenant(session),
        event=event,
        channel=channel,
        language=language,
        variables=variables,
        person_id=person_id,
        user_id=user_id,
        raw_address=raw,
        link=link,
    )
    session.add(message)
    if problem is not None:
        record_problem_sync(session, message, problem)
    if message.status == QUEUED:
        message.outbox_id = enqueue(session, DELIVER_NOTIFICATION, {"notification_id": str(message.id)})
    return message


def record_problem_sync(
    session: Session, message: NotificationMessage, reason: str, detail: str | None = None
) -> ContactProblem:
    existing: ContactProblem | None = session.execute(_open_problem_query(message)).scalars().first()
    if existing is not None:
        _seen_again(existing, reason, detail)
        return existing
    problem = _problem(message, reason, detail)
    session.add(problem)
    return problem


def resolve_problems_sync(session: Session, message: NotificationMessage) -> None:
    """The recipient was reached over this channel: their open problems for it are resolved."""
    if message.person_id is None and message.user_id is None:
        return
    session.execute(
        update(ContactProblem)
        .where(
            ContactProblem.resolved_at.is_(None),
            ContactProblem.channel == message.channel,
            *_same_recipient(message),
        )
        .values(resolved_at=func.now()),
        execution_options={"synchronize_session": False},
    )
