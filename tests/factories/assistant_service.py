"""The assistant service (MK 316) for tests: a disability period in the register, and a grant requested and
decided with the real services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Actor
from app.config import Settings
from app.db import sync_tenant_uow
from app.domains.people.models import PersonFlag
from app.domains.services.assistant import decide_request, request_service
from app.domains.services.assistant_work import add_assistant
from tests.factories.people import run_act


def add_disability(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    person_id: uuid.UUID,
    detail: str = "I",
    valid_from: dt.date = dt.date(2020, 1, 1),
    valid_to: dt.date | None = None,
) -> None:
    with sync_tenant_uow(sessions, tenant_id) as s:
        s.add(
            PersonFlag(
                tenant_id=tenant_id,
                person_id=person_id,
                kind="disability",
                detail=detail,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )


def granted(
    settings: Settings,
    tenant_id: uuid.UUID,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    requested_on: dt.date,
    valid_from: dt.date,
    purposes: tuple[str, ...] = ("work",),
    today: dt.date,
    **request: Any,
) -> Any:
    """An adult's request (work: 80 h a month) granted from `valid_from` to the longest end allowed."""
    grant = run_act(
        settings,
        tenant_id,
        lambda s: request_service(
            s,
            actor,
            person_id=person_id,
            requested_on=requested_on,
            purposes=purposes,
            limitation=True,
            today=today,
            **request,
        ),
    )
    return run_act(
        settings,
        tenant_id,
        lambda s: decide_request(
            s,
            actor,
            grant.id,
            expected_version=grant.version,
            outcome="granted",
            reasons="Atbilst MK 316 prasībām.",
            valid_from=valid_from,
            today=today,
        ),
    )


def assign(
    settings: Settings,
    tenant_id: uuid.UUID,
    actor: Actor,
    grant: Any,
    personal_code: str,
    *,
    valid_from: dt.date,
    today: dt.date,
    **names: str,
) -> Any:
    return run_act(
        settings,
        tenant_id,
        lambda s: add_assistant(
            s,
            actor,
            grant.id,
            expected_version=None,
            personal_code=personal_code,
            agreement_on=valid_from,
            valid_from=valid_from,
            today=today,
            **names,
        ),
    )
