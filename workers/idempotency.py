"""Exactly-once effects on top of at-least-once delivery, keyed by the outbox id (the message id)."""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.notifications.models import ProcessedMessage


def claim_message(session: Session, *, tenant_id: uuid.UUID, message_id: uuid.UUID, actor: str) -> bool:
    """Record in the actor's transaction that this message is handled; False if it already was.

    The row commits together with the effect's success, so a failed run leaves no claim and the retry
    goes ahead. Two concurrent runs of one message: the second INSERT waits on the first's uncommitted
    key, then finds the conflict (first committed) or claims it (first rolled back)."""
    stmt = (
        insert(ProcessedMessage)
        .values(tenant_id=tenant_id, message_id=message_id, actor=actor)
        .on_conflict_do_nothing(index_elements=["tenant_id", "message_id"])
        .returning(ProcessedMessage.message_id)
    )
    return session.execute(stmt).first() is not None
