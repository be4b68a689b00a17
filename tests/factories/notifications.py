"""Persons with contacts, and notifications queued with the real service, for the delivery tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.people.models import Person
from app.domains.people.rules import normalise_name
from app.notifications.models import ContactProblem, NotificationMessage
from app.notifications.service import queue_message_sync
from tests.factories.people import unique_code

NAME = "Ģirts Ķēniņš"


def received_variables(**overrides: Any) -> dict[str, Any]:
    """Everything the `application_received` templates need."""
    return {
        "recipient_name": NAME,
        "application_number": "S-2026/00042",
        "service_name": "Garantētā minimālā ienākuma pabalsts",
        "received_on": dt.date(2026, 3, 2),
        "answer_by": dt.date(2026, 4, 1),
        "municipality": "Ādažu novada Sociālais dienests",
        **overrides,
    }


def add_contact(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    *,
    email: str | None = "girts.kenins@example.lv",
    phone: str | None = "29123456",
    personal_code: str | None = None,
    first: str = "Ģirts",
    last: str = "Ķēniņš",
) -> uuid.UUID:
    person_id = uuid.uuid4()
    with sync_tenant_uow(sessions, tenant_id) as s:
        s.execute(
            insert(Person).values(
                tenant_id=tenant_id,
                id=person_id,
                first_name=first,
                last_name=last,
                name_norm=normalise_name(last, first),
                personal_code=personal_code or unique_code(),
                email=email,
                phone=phone,
            )
        )
    return person_id


def queue(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    *,
    event: str = "application_received",
    channel: str = "email",
    language: str = "lv",
    variables: dict[str, Any] | None = None,
    **kwargs: Any,
) -> uuid.UUID:
    """One committed act that queues one notice; the message's id."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        message = queue_message_sync(
            s,
            event=event,
            channel=channel,
            language=language,
            variables=received_variables() if variables is None else variables,
            **kwargs,
        )
        return message.id


def message_row(
    sessions: sessionmaker[Session], tenant_id: uuid.UUID, message_id: uuid.UUID
) -> NotificationMessage:
    with sync_tenant_uow(sessions, tenant_id) as s:
        row = s.get(NotificationMessage, (tenant_id, message_id))
        assert row is not None
        s.expunge(row)
        return row


def open_problems(sessions: sessionmaker[Session], tenant_id: uuid.UUID) -> list[ContactProblem]:
    with sync_tenant_uow(sessions, tenant_id) as s:
        rows = list(s.scalars(select(ContactProblem).where(ContactProblem.resolved_at.is_(None))))
        for row in rows:
            s.expunge(row)
        return rows
