"""E-mail as an outbox message: the act schedules it, the `send_email` actor delivers it over SMTP."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.notifications.outbox import enqueue

SEND_EMAIL = "send_email"


def schedule_email(
    session: AsyncSession | Session, *, to: str, subject: str, text: str, html: str | None = None
) -> uuid.UUID:
    return enqueue(session, SEND_EMAIL, {"to": to, "subject": subject, "text": text, "html": html})
