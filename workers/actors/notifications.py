"""Delivering the delivery log's messages: `deliver_notification`, and `notification_given_up` for the
messages whose retries ran out.

One run of `deliver_notification` for outbox message M and notification N:

1. In one tenant transaction: claim M (workers/idempotency.py) and lock N's row. Already claimed →
   a duplicate run, nothing to do. N no longer waiting for M (sent, given up, or handed to a newer
   outbox message by "Retry") → nothing to do either; the claim commits.
2. Send through N's channel, inside that transaction.
   - Accepted → N is `sent` (sent_at, provider_id), the claim and N commit together, and the recipient's
     open contact problems for the channel are resolved.
   - `PermanentFailure` → N is `given_up` with the reason; the claim commits, so it is not retried. A
     refused recipient also becomes a contact problem.
   - `TemporaryFailure` (or anything unexpected) → the transaction rolls back (no claim), the attempt
     is recorded on N in a transaction of its own (`failed`, attempts, last_error), and `Retry` is
     raised: Dramatiq retries with exponential backoff (settings NOTIFY_*).
3. Retries exhausted → Dramatiq dead-letters M (its `.XQ` queue) and sends `notification_given_up`,
   which marks N `given_up`. The row keeps the whole message: staff can send it again from the log.

The guarantee: a message is never lost, and it is sent once unless the worker dies (or the database
fails) after the provider accepted it and before step 2 commits. Then the retry sends it again: at
least once. E-mail copies carry the same Message-ID (the outbox id); the SMS and e-address gateways
take the outbox id as their idempotency key and answer the repeat without sending it twice."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import structlog
from dramatiq import Retry
from sqlalchemy import func, update

from app.db import sync_tenant_uow
from app.notifications.addresses import (
    EMAIL_INVALID,
    EMAIL_MISSING,
    PHONE_FOREIGN,
    PHONE_INVALID,
    PHONE_LANDLINE,
    PHONE_MISSING,
    PHONE_NOT_MOBILE,
)
from app.notifications.channels import (
    Channel,
    DeliveryReceipt,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)
from app.notifications.labels import MAILBOX_REFUSED, RETRIES_EXHAUSTED, UNEXPECTED_ERROR
from app.notifications.models import (
    EADDRESS,
    EMAIL,
    FAILED,
    GIVEN_UP,
    QUEUED,
    SENT,
    SMS,
    NotificationMessage,
)
from app.notifications.service import DELIVER_NOTIFICATION, record_problem_sync, resolve_problems_sync
from workers.channels.eaddress import BAD_RECIPIENT, NOT_ACTIVATED, eaddress_channel
from workers.channels.email import SmtpEmailChannel
from workers.channels.sms import RECIPIENT_REFUSED, sms_channel
from workers.deps import WorkerDeps
from workers.idempotency import claim_message

log = structlog.get_logger()

NOTIFICATION_GIVEN_UP = "notification_given_up"
WAITING = (QUEUED, FAILED)
# Permanent failures that say the contact itself is unusable (not the message, not the provider).
RECIPIENT_REASONS = frozenset(
    {
        MAILBOX_REFUSED,
        EMAIL_INVALID,
        EMAIL_MISSING,
        PHONE_INVALID,
        PHONE_MISSING,
        PHONE_LANDLINE,
        PHONE_NOT_MOBILE,
        PHONE_FOREIGN,
        RECIPIENT_REFUSED,
        NOT_ACTIVATED,
        BAD_RECIPIENT,
    }
)
_MAX_DETAIL = 2000


def default_channels(deps: WorkerDeps) -> dict[str, Channel]:
    """E-mail over the deps' SMTP mailer; SMS and the e-address through their gateways, or their
    simulators when no gateway URL is configured (development)."""
    client = httpx.Client(timeout=httpx.Timeout(20.0, connect=5.0))
    sms, sms_simulator = sms_channel(deps.settings, client)
    eaddress, eaddress_simulator = eaddress_channel(deps.settings, client)
    if sms_simulator is not None or eaddress_simulator is not None:
        log.info(
            "notification channels: simulators in use",
            sms=bool(sms_simulator),
            eaddress=bool(eaddress_simulator),
        )
    return {EMAIL: SmtpEmailChannel(deps.mailer, deps.settings.mail_from), SMS: sms, EADDRESS: eaddress}


class _Channels:
    """The deps' channels, or the default ones built on first use: a relay that declares the actors
    only to route messages never starts a simulator."""

    def __init__(self, deps: WorkerDeps) -> None:
        self._deps, self._built = deps, deps.channels
        self._lock = threading.Lock()

    def get(self) -> Mapping[str, Channel]:
        with self._lock:
            if self._built is None:
                self._built = default_channels(self._deps)
            return self._built


def outgoing(message: NotificationMessage, outbox_id: uuid.UUID) -> OutgoingMessage:
    if message.channel == SMS:
        return OutgoingMessage(
            message_id=outbox_id,
            recipient=message.address or "",
            subject="",
            text=message.sms_text or "",
            language=message.language,
        )
    return OutgoingMessage(
        message_id=outbox_id,
        recipient=message.address or "",
        subject=message.subject or "",
        text=message.text or "",
        html=message.html,
        language=message.language,
    )


def _sent(message: NotificationMessage, receipt: DeliveryReceipt) -> None:
    message.status, message.sent_at, message.provider_id = SENT, func.now(), receipt.provider_id
    message.attempts += 1
    message.last_attempt_at = func.now()
    message.last_error, message.last_error_detail = None, None


def _given_up(message: NotificationMessage, failure: PermanentFailure) -> None:
    message.status, message.last_error = GIVEN_UP, failure.reason
    message.last_error_detail = failure.detail[:_MAX_DETAIL] or None
    message.attempts += 1
    message.last_attempt_at = func.now()


def _record_failure(
    deps: WorkerDeps,
    tenant: uuid.UUID,
    notification_id: uuid.UUID,
    outbox_id: uuid.UUID,
    reason: str,
    detail: str,
) -> None:
    """The failed attempt, in its own transaction (the delivery's own rolled back). Best effort: when
    the database is what failed, the retry is what matters, and Dramatiq has it."""
    try:
        with sync_tenant_uow(deps.sessions, tenant) as session:
            session.execute(
                update(NotificationMessage)
                .where(
                    NotificationMessage.tenant_id == tenant,
                    NotificationMessage.id == notification_id,
                    NotificationMessage.outbox_id == outbox_id,
                    NotificationMessage.status.in_(WAITING),
                )
                .values(
                    status=FAILED,
                    attempts=NotificationMessage.attempts + 1,
                    last_error=reason,
                    last_error_detail=detail[:_MAX_DETAIL] or None,
                    last_attempt_at=func.now(),
                ),
                execution_options={"synchronize_session": False},
            )
    except Exception:
        log.exception("could not record a failed delivery attempt", notification_id=str(notification_id))


def deliver_notification(
    deps: WorkerDeps,
    channels: Mapping[str, Channel],
    *,
    tenant_id: str,
    message_id: str,
    payload: dict[str, Any],
) -> str:
    """Deliver the notification once; returns what happened: sent, given_up, duplicate or superseded."""
    tenant, outbox_id = uuid.UUID(tenant_id), uuid.UUID(message_id)
    notification_id = uuid.UUID(str(payload["notification_id"]))
    try:
        with sync_tenant_uow(deps.sessions, tenant) as session:
            if not claim_message(session, tenant_id=tenant, message_id=outbox_id, actor=DELIVER_NOTIFICATION):
                return "duplicate"
            message = session.get(NotificationMessage, (tenant, notification_id), with_for_update=True)
            if message is None or message.outbox_id != outbox_id or message.status not in WAITING:
                return "superseded"
            try:
                receipt = channels[message.channel].send(outgoing(message, outbox_id))
            except PermanentFailure as failure:
                _given_up(message, failure)
                if failure.reason in RECIPIENT_REASONS:
                    record_problem_sync(session, message, failure.reason, failure.detail or None)
                log.info("notification given up", notification_id=str(notification_id), reason=failure.reason)
                return GIVEN_UP
            _sent(message, receipt)
            resolve_problems_sync(session, message)
            return SENT
    except TemporaryFailure as failure:
        _record_failure(deps, tenant, notification_id, outbox_id, failure.reason, failure.detail)
        # Retry, not the failure itself: Dramatiq retries it the same way without logging a traceback.
        raise Retry(f"{failure.reason} {failure.detail}".strip()) from failure
    except Exception as exc:
        _record_failure(
            deps, tenant, notification_id, outbox_id, UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}"
        )
        raise


def notification_given_up(deps: WorkerDeps, message_data: dict[str, Any], retry_info: dict[str, Any]) -> bool:
    """Dramatiq's `on_retry_exhausted` hook: the outbox message is dead-lettered; its notification is
    given up, unless it was meanwhile sent or handed to a newer outbox message. True when it changed."""
    kwargs = message_data.get("kwargs") or {}
    tenant, outbox_id = uuid.UUID(kwargs["tenant_id"]), uuid.UUID(kwargs["message_id"])
    notification_id = uuid.UUID(str((kwargs.get("payload") or {})["notification_id"]))
    attempts = int(retry_info.get("retries", 0)) + 1
    with sync_tenant_uow(deps.sessions, tenant) as session:
        result = session.execute(
            update(NotificationMessage)
            .where(
                NotificationMessage.tenant_id == tenant,
                NotificationMessage.id == notification_id,
                NotificationMessage.outbox_id == outbox_id,
                NotificationMessage.status.in_(WAITING),
            )
            .values(
                status=GIVEN_UP,
                last_error=RETRIES_EXHAUSTED,
                last_error_detail=func.concat(
                    f"{attempts} attempts; kept in the dead-letter queue as {outbox_id}. Last: ",
                    func.coalesce(NotificationMessage.last_error_detail, ""),
                ),
            ),
            execution_options={"synchronize_session": False},
        )
    changed = bool(getattr(result, "rowcount", 0))
    log.warning(
        "notification given up after retries", notification_id=str(notification_id), attempts=attempts
    )
    return changed


def make_deliver_notification(deps: WorkerDeps) -> Callable[..., None]:
    channels = _Channels(deps)

    # The actors return None: Dramatiq keeps no results here (and warns about every discarded one).
    def deliver_notification_actor(*, tenant_id: str, message_id: str, payload: dict[str, Any]) -> None:
        outcome = deliver_notification(
            deps, channels.get(), tenant_id=tenant_id, message_id=message_id, payload=payload
        )
        log.debug("notification delivery", outcome=outcome, outbox_id=message_id)

    return deliver_notification_actor


def make_notification_given_up(deps: WorkerDeps) -> Callable[..., None]:
    def notification_given_up_actor(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
        notification_given_up(deps, message_data, retry_info)

    return notification_given_up_actor
