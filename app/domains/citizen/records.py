"""A citizen's own records in every municipality (design §3: cross-tenant acts are narrow and listed).

The listed cross-tenant act here is `find_own_records`: the personal code the identity broker vouched
for (the citizen's session, never a request parameter) is looked up in ALL municipalities through the
maintenance role (BYPASSRLS), in a read-only transaction, and what leaves it is only (municipality, the
person's id there). Everything else is read per municipality through the ordinary runtime role with that
municipality bound (row-level security applies), and every statement is narrowed to that person id: the
citizen reads only rows about themselves. Nothing lists or browses anyone else's data, and a record that
is not the citizen's looks exactly like one that does not exist (404)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.documents.models import Document, DocumentContent
from app.domains.benefits.models import Application, BenefitType, Decision
from app.domains.people.models import Person
from app.domains.people.queries import AccessView, person_access_history
from app.domains.providers.models import ProviderRegistration
from app.domains.services import queue_rules
from app.domains.services.models import QueueEntry, ServiceType
from app.tenants.models import Tenant

_CODE = re.compile(r"^\d{6}-?\d{5}$")


def normalise_code(raw: object) -> str | None:
    """A personal code as stored (11 digits, no hyphen), or None when the claim is not one."""
    if not isinstance(raw, str) or not _CODE.match(raw.strip()):
        return None
    return raw.strip().replace("-", "")


@dataclass(frozen=True)
class OwnRecord:
    """The citizen as a client of one municipality."""

    tenant_id: uuid.UUID
    municipality: str
    person_id: uuid.UUID


async def find_own_records(maint: async_sessionmaker[AsyncSession], personal_code: str) -> list[OwnRecord]:
    """The listed cross-tenant act: the municipalities where `personal_code` is a client, and the person's
    id in each. Read-only, maintenance role; only ids and municipality names leave it."""
    stmt = (
        select(Tenant.id, Tenant.name, Person.id)
        .join(Tenant, Tenant.id == Person.tenant_id)
        .where(Person.personal_code == personal_code)
        .order_by(Tenant.name)
    )
    async with maint() as session, session.begin():
        await session.execute(text("SET TRANSACTION READ ONLY"))
        rows = (await session.execute(stmt)).all()
    return [OwnRecord(tenant_id=r[0], municipality=r[1], person_id=r[2]) for r in rows]


@asynccontextmanager
async def tenant_reader(
    sessions: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID
) -> AsyncIterator[AsyncSession]:
    """A read-only session of the runtime role bound to one municipality (row-level security applies)."""
    async with sessions() as session:
        session.info["tenant_id"] = tenant_id
        session.info["user_id"] = None
        async with session.begin():
            await session.execute(text("SET TRANSACTION READ ONLY"))
            yield session


# --- applications and decisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionView:
    id: uuid.UUID
    number: str
    outcome: str
    decided_on: dt.date
    amount: Any
    valid_from: dt.date | None
    valid_to: dt.date | None
    reasons: str
    has_document: bool


@dataclass(frozen=True)
class ApplicationView:
    record: OwnRecord
    id: uuid.UUID
    number: str
    benefit_lv: str
    benefit_en: str
    received_on: dt.date
    channel: str
    status: str
    assessed_at: dt.datetime | None
    decisions: list[DecisionView] = field(default_factory=list)


async def own_applications(session: AsyncSession, record: OwnRecord) -> list[ApplicationView]:
    """The applications the citizen submitted in one municipality, newest first, with their decisions."""
    rows = (
        await session.execute(
            select(Application, BenefitType.name_lv, BenefitType.name_en)
            .join(
                BenefitType,
                (BenefitType.tenant_id == Application.tenant_id)
                & (BenefitType.id == Application.benefit_type_id),
            )
            .where(Application.tenant_id == record.tenant_id, Application.applicant_id == record.person_id)
            .order_by(Application.received_on.desc(), Application.number.desc())
        )
    ).all()
    ids = [r[0].id for r in rows]
    decisions: dict[uuid.UUID, list[DecisionView]] = {}
    if ids:
        for d in await session.scalars(
            select(Decision)
            .where(Decision.tenant_id == record.tenant_id, Decision.application_id.in_(ids))
            .order_by(Decision.decided_on, Decision.number)
        ):
            assert d.application_id is not None
            decisions.setdefault(d.application_id, []).append(
                DecisionView(
                    id=d.id,
                    number=d.number,
                    outcome=d.outcome,
                    decided_on=d.decided_on,
                    amount=d.amount,
                    valid_from=d.valid_from,
                    valid_to=d.valid_to,
                    reasons=d.reasons,
                    has_document=d.document_id is not None,
                )
            )
    return [
        ApplicationView(
            record=record,
            id=a.id,
            number=a.number,
            benefit_lv=name_lv,
            benefit_en=name_en,
            received_on=a.received_on,
            channel=a.channel,
            status=a.status,
            assessed_at=a.assessed_at,
            decisions=decisions.get(a.id, []),
        )
        for a, name_lv, name_en in rows
    ]


@dataclass(frozen=True)
class DecisionFile:
    filename: str
    content: bytes


async def own_decision_document(
    session: AsyncSession, record: OwnRecord, decision_id: uuid.UUID
) -> DecisionFile | None:
    """The PDF of a decision on one of the citizen's own applications; None when there is none (not
    rendered yet, not theirs, or no such decision: the caller cannot tell these apart)."""
    row = (
        await session.execute(
            select(Document.filename, DocumentContent.content)
            .select_from(Decision)
            .join(
                Application,
                (Application.tenant_id == Decision.tenant_id) & (Application.id == Decision.application_id),
            )
            .join(
                Document, (Document.tenant_id == Decision.tenant_id) & (Document.id == Decision.document_id)
            )
            .join(
                DocumentContent,
                (DocumentContent.tenant_id == Document.tenant_id) & (DocumentContent.id == Document.id),
            )
            .where(
                Decision.tenant_id == record.tenant_id,
                Decision.id == decision_id,
                Application.applicant_id == record.person_id,
            )
        )
    ).first()
    return DecisionFile(filename=row[0], content=row[1]) if row else None


# --- waiting lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueView:
    record: OwnRecord
    id: uuid.UUID
    service_lv: str
    service_en: str
    provider_name: str | None  # a provider's list; None: the municipality's own
    registered_at: dt.datetime
    priority: bool
    state: str
    position: queue_rules.Position | None


async def own_queue_entries(session: AsyncSession, record: OwnRecord) -> list[QueueView]:
    """The citizen's entries in the municipality's waiting lists, each with its position now. The
    position counts the other entries of the same list (their ids, dates and priority flags only, which
    never leave this function)."""
    own = (
        await session.execute(
            select(QueueEntry, ServiceType.name_lv, ServiceType.name_en, ProviderRegistration.provider_name)
            .join(
                ServiceType,
                (ServiceType.tenant_id == QueueEntry.tenant_id)
                & (ServiceType.id == QueueEntry.service_type_id),
            )
            .outerjoin(
                ProviderRegistration,
                (ProviderRegistration.tenant_id == QueueEntry.tenant_id)
                & (ProviderRegistration.id == QueueEntry.provider_id),
            )
            .where(QueueEntry.tenant_id == record.tenant_id, QueueEntry.person_id == record.person_id)
            .order_by(QueueEntry.registered_at)
        )
    ).all()
    result = []
    for entry, name_lv, name_en, provider_name in own:
        position = None
        if entry.state in queue_rules.HOLDS_PLACE:
            provider = (
                QueueEntry.provider_id.is_(None)
                if entry.provider_id is None
                else QueueEntry.provider_id == entry.provider_id
            )
            others = await session.execute(
                select(QueueEntry.id, QueueEntry.registered_at, QueueEntry.priority, QueueEntry.state).where(
                    QueueEntry.tenant_id == record.tenant_id,
                    QueueEntry.service_type_id == entry.service_type_id,
                    provider,
                    QueueEntry.state.in_(queue_rules.HOLDS_PLACE),
                )
            )
            position = queue_rules.position_of(
                (queue_rules.QueueEntry(r[0], r[1], r[2], r[3]) for r in others), entry.id
            )
        result.append(
            QueueView(
                record=record,
                id=entry.id,
                service_lv=name_lv,
                service_en=name_en,
                provider_name=provider_name,
                registered_at=entry.registered_at,
                priority=entry.priority,
                state=entry.state,
                position=position,
            )
        )
    return result


# --- who viewed my data ----------------------------------------------------------------------------------


async def own_access_log(session: AsyncSession, record: OwnRecord, limit: int = 100) -> list[AccessView]:
    """Who opened the citizen's record in one municipality, newest first: the municipality, the viewer's
    roles and the purpose (`person_access_history(for_citizen=True)`)."""
    page = await person_access_history(session, record.person_id, limit=limit, for_citizen=True)
    return list(page.rows)
