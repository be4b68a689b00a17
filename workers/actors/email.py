"""The `send_email` actor: delivers an outbox e-mail over SMTP, once per outbox id."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from app.db import sync_tenant_uow
from app.notifications.email import SEND_EMAIL
from workers.deps import WorkerDeps
from workers.idempotency import claim_message
from workers.smtp import compose_email


def send_email(deps: WorkerDeps, *, tenant_id: str, message_id: str, payload: dict[str, Any]) -> bool:
    """Send the e-mail unless this outbox message was already sent; True when it was sent now.

    The claim and the send share one tenant transaction: if SMTP fails, the exception rolls the claim
    back and propagates, and Dramatiq retries later."""
    outbox_id = uuid.UUID(message_id)
    with sync_tenant_uow(deps.sessions, uuid.UUID(tenant_id)) as session:
        if not claim_message(session, tenant_id=uuid.UUID(tenant_id), message_id=outbox_id, actor=SEND_EMAIL):
            return False
        deps.mailer.send(
            compose_email(
                mail_from=deps.settings.mail_from,
                to=payload["to"],
                subject=payload["subject"],
                text=payload["text"],
                html=payload.get("html"),
                message_id=outbox_id,
            )
        )
    return True


def make_send_email(deps: WorkerDeps) -> Callable[..., bool]:
    def send_email_actor(*, tenant_id: str, message_id: str, payload: dict[str, Any]) -> bool:
        return send_email(deps, tenant_id=tenant_id, message_id=message_id, payload=payload)

    return send_email_actor
