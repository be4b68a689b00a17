"""The decision document: a Latvian PDF of a registered decision, stored as a document of the applicant
(and of the application's case) in the same transaction that sets `decision.document_id`.

The act that decides schedules `render_decision_pdf` through the outbox (`schedule_decision_pdf`); the
worker renders it (workers/actors/decisions.py). `render_decision_now` is the fallback a page offers when
the worker has not got to it. Rendering twice gives one document: the decision's row is locked and a
decision that has its document is left as it is.

The document is also entered in the register of outgoing documents (it is sent to the applicant), under
the decision's own registration number: the register lists every outgoing document, and a second number
for the same decision would only confuse (an entry already made for the number gets the file linked)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.service import record_access, record_change
from app.auth.principal import Actor
from app.documents.models import Document, DocumentContent, RegisterEntry
from app.documents.pdf import render_pdf
from app.domains.benefits import notices
from app.domains.benefits.decision_sheet import NO_SUCH_DECISION, DecisionSheet, decision_html, load_sheet
from app.domains.benefits.models import Decision
from app.domains.cases.access import PURPOSES
from app.errors import NotFound
from app.i18n import N_, gettext
from app.notifications.outbox import enqueue
from app.permissions import Permission

RENDER_DECISION_PDF = "render_decision_pdf"
PDF = "application/pdf"
NOT_READY = N_("The decision's document is being prepared. Try again in a minute.")
MAX_SUBJECT = 300


def schedule_decision_pdf(session: AsyncSession | Session, decision_id: uuid.UUID) -> uuid.UUID:
    """In the deciding act's transaction: render the decision's PDF once it has committed."""
    return enqueue(session, RENDER_DECISION_PDF, {"decision_id": str(decision_id)})


def document_title(number: str, language: str = "lv") -> str:
    return gettext(language, N_("Decision %(number)s"), number=number)


def document_filename(number: str) -> str:
    """ "LEM-2026/00042" → "lemums-LEM-2026-00042.pdf" (no slash in a file name)."""
    return f"lemums-{number.replace('/', '-')}.pdf"


def _store(session: Session, sheet: DecisionSheet, pdf: bytes, user_id: uuid.UUID | None) -> Document:
    """The document, its bytes, the decision's link to it, the register entry and the change log."""
    title = document_title(sheet.number)
    document = Document(
        tenant_id=sheet.tenant_id,
        case_id=sheet.case_id,
        person_id=sheet.applicant_id,
        title=title,
        filename=document_filename(sheet.number),
        content_type=PDF,
        size_bytes=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=sheet.officer_id,  # the document is the deciding officer's, whoever rendered it
    )
    session.add(document)
    session.flush()
    session.add(DocumentContent(tenant_id=sheet.tenant_id, id=document.id, content=pdf))
    decision = session.get(Decision, (sheet.tenant_id, sheet.decision_id))
    assert decision is not None
    decision.document_id = document.id
    entry = session.execute(
        select(RegisterEntry).where(RegisterEntry.number == sheet.number).with_for_update()
    ).scalar_one_or_none()
    if entry is None:
        entry = RegisterEntry(
            tenant_id=sheet.tenant_id,
            direction="out",
            number=sheet.number,
            registered_on=sheet.decided_on,
            document_date=sheet.decided_on,
            correspondent=sheet.applicant_name[:200],
            subject=f"{title}: {sheet.benefit_name}"[:MAX_SUBJECT],
            case_id=sheet.case_id,
            document_id=document.id,
            created_by=sheet.officer_id,
        )
        session.add(entry)
    elif entry.document_id is None:
        entry.document_id = document.id
    session.flush()
    record_change(
        session,
        actor_user_id=user_id,
        action="benefits:decision:document",
        entity_type="decision",
        entity_id=sheet.decision_id,
        after={
            "number": sheet.number,
            "document_id": document.id,
            "sha256": document.sha256,
            "size_bytes": document.size_bytes,
            "register_entry": entry.number,
        },
    )
    notices.decision_pdf_ready(session, decision)
    return document


def render_decision_document(
    session: Session, decision_id: uuid.UUID, *, user_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Renders and stores the decision's PDF in the session's tenant and transaction (the caller owns
    it); returns the document's id. A decision that already has its document keeps it."""
    sheet = load_sheet(session, decision_id, lock=True)
    if sheet.document_id is not None:
        return sheet.document_id
    return _store(session, sheet, render_pdf(decision_html(sheet)), user_id).id


async def render_decision_now(session: AsyncSession, actor: Actor, decision_id: uuid.UUID) -> uuid.UUID:
    """The fallback "render now" (APPLICATION_DECIDE): the same act in the request's transaction, with
    the CPU-bound rendering in a worker thread so that the event loop goes on serving others."""
    actor.require(Permission.APPLICATION_DECIDE)
    sheet = await session.run_sync(lambda s: load_sheet(s, decision_id, lock=True))
    if sheet.document_id is not None:
        return sheet.document_id
    pdf = await anyio.to_thread.run_sync(lambda: render_pdf(decision_html(sheet)))
    document = await session.run_sync(lambda s: _store(s, sheet, pdf, actor.user_id))
    return document.id


@dataclass(frozen=True)
class DecisionFile:
    number: str
    filename: str
    content: bytes


async def read_decision_document(
    session: AsyncSession, actor: Actor, decision_id: uuid.UUID, *, purpose: str = "benefit_decision"
) -> DecisionFile:
    """The PDF for staff with APPLICATION_VIEW; reading it is written to the applicant's access log.
    NotFound for another municipality's decision, and (saying so) for one not rendered yet."""
    actor.require(Permission.APPLICATION_VIEW)
    decision = (
        await session.execute(select(Decision).where(Decision.id == decision_id))
    ).scalar_one_or_none()
    if decision is None:
        raise NotFound(NO_SUCH_DECISION)
    if decision.document_id is None:
        raise NotFound(NOT_READY)
    row = (
        await session.execute(
            select(Document.person_id, Document.filename, DocumentContent.content)
            .join(DocumentContent, DocumentContent.id == Document.id)
            .where(Document.id == decision.document_id)
        )
    ).one()
    if row.person_id is not None:
        record_access(
            session,
            user_id=actor.user_id,
            person_id=row.person_id,
            purpose=purpose if purpose in PURPOSES else "benefit_decision",
            context=f"decision:{decision.number} document:{decision.document_id}",
        )
    return DecisionFile(number=decision.number, filename=row.filename, content=row.content)
