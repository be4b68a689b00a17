"""Acts on documents: uploading a file to a case, reading one back, registering incoming and outgoing
documents. A file is checked by its content (app/documents/rules.py) and stored with its SHA-256, its
bytes in `document_contents` in the same transaction as its metadata and the change log: a refused or
failed upload leaves nothing behind.

A document of a case is reachable only through the case's visibility (app/domains/cases/access.py):
a sensitive case's documents are NotFound for anyone who may not see the case."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_access, record_change
from app.auth.principal import Actor
from app.documents import rules
from app.documents.models import Document, DocumentContent, RegisterEntry
from app.documents.numbering import format_number, next_number
from app.documents.rules import DIRECTIONS
from app.domains.cases import rules as case_rules
from app.domains.cases.access import PURPOSES, access_case, log_case_view, visible_to
from app.domains.cases.models import Case
from app.domains.cases.queries import case_by_number
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

NO_SUCH_DOCUMENT = N_("No such document.")
__all__ = ["DIRECTIONS"]  # the register's directions, shown by the pages
# Registration numbers: ienākošais (IEN) and izejošais (IZN) dokuments, per year.
REGISTER_PREFIX = {"in": "IEN", "out": "IZN"}
REGISTER_SEQUENCE = {"in": "register_in", "out": "register_out"}
MAX_CORRESPONDENT = 200
MAX_REGISTER_SUBJECT = 300


@dataclass(frozen=True)
class Upload:
    """A file as received: the browser's name for it and at most `max_bytes + 1` of its bytes (the edge
    stops reading there: one byte more than the limit is enough to refuse it). None: no file chosen."""

    filename: str | None
    data: bytes | None


def _title(title: str, checked: rules.CheckedFile | None, errors: case_rules.Errors) -> str:
    """The typed title, or else the cleaned file name without its extension."""
    text = case_rules.clean_line(title, "title", case_rules.MAX_TITLE, errors, required=None)
    if not text and "title" not in errors and checked is not None:
        text = checked.filename.rsplit(".", 1)[0][: case_rules.MAX_TITLE]
    if not text and "title" not in errors and "file" not in errors:
        errors["title"] = [N_("Enter the document's title.")]
    return text


def _store(
    session: AsyncSession, actor: Actor, case: Case | None, title: str, checked: rules.CheckedFile
) -> Document:
    assert actor.tenant_id is not None
    document = Document(
        tenant_id=actor.tenant_id,
        case_id=case.id if case else None,
        person_id=case.person_id if case else None,
        title=title,
        filename=checked.filename,
        content_type=checked.file_type.content_type,
        size_bytes=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor.user_id,
    )
    session.add(document)
    return document


async def _flush_with_content(session: AsyncSession, actor: Actor, document: Document, data: bytes) -> None:
    await session.flush()  # the document row first: the content's key refers to it
    assert actor.tenant_id is not None
    session.add(DocumentContent(tenant_id=actor.tenant_id, id=document.id, content=data))
    await session.flush()


def _audit_upload(session: AsyncSession, actor: Actor, document: Document, case: Case | None) -> None:
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="documents:document:upload",
        entity_type="document",
        entity_id=document.id,
        after={
            "case": case.number if case else None,
            "title": document.title,
            "filename": document.filename,
            "content_type": document.content_type,
            "size_bytes": document.size_bytes,
            "sha256": document.sha256,
        },
    )


async def upload_document(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    title: str,
    upload: Upload,
    max_bytes: int,
) -> Document:
    """Stores a file in an open case the actor may see; 422 (nothing stored) for a missing, empty,
    too large or refused file."""
    case = await access_case(session, actor, case_id, permission=Permission.DOCUMENT_UPLOAD, lock="share")
    if case.closed_on is not None:
        raise Conflict(N_("The case is closed. Reopen it to add to it or change it."))
    errors: case_rules.Errors = {}
    checked = rules.check_file(upload.data, upload.filename, max_bytes, errors)
    text = _title(title, checked, errors)
    if errors or checked is None or upload.data is None:
        raise InvalidInput(errors)
    document = _store(session, actor, case, text, checked)
    await _flush_with_content(session, actor, document, upload.data)
    _audit_upload(session, actor, document, case)
    return document


def document_visible(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition "the actor may see this document": one of no case, or of a case they may see."""
    return or_(
        Document.case_id.is_(None),
        exists().where(Case.tenant_id == Document.tenant_id, Case.id == Document.case_id, visible_to(actor)),
    )


@dataclass(frozen=True)
class DocumentFile:
    id: uuid.UUID
    title: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    content: bytes


async def read_document(
    session: AsyncSession, actor: Actor, document_id: uuid.UUID, *, purpose: str = "case_work"
) -> DocumentFile:
    """A download: CASE_VIEW, the document's case visible to the actor (else NotFound, as for none), and
    the access log for the case's client (or the document's person)."""
    actor.require(Permission.CASE_VIEW)
    row = (
        await session.execute(
            select(Document, DocumentContent.content)
            .join(DocumentContent, DocumentContent.id == Document.id)
            .where(Document.id == document_id, Document.tenant_id == actor.tenant_id, document_visible(actor))
        )
    ).one_or_none()
    if row is None:
        raise NotFound(NO_SUCH_DOCUMENT)
    document, content = row
    detail = f"document:{document.id}"
    if document.case_id is not None:
        case = await access_case(session, actor, document.case_id)
        await log_case_view(session, actor, case, purpose=purpose, detail=detail)
    elif document.person_id is not None:
        record_access(
            session,
            user_id=actor.user_id,
            person_id=document.person_id,
            purpose=purpose if purpose in PURPOSES else "case_work",
            context=detail,
        )
    return DocumentFile(
        id=document.id,
        title=document.title,
        filename=document.filename,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        content=content,
    )


# --- the register -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterDraft:
    direction: str
    registered_on: dt.date | None
    document_date: dt.date | None
    correspondent: str
    subject: str
    case_number: str = ""
    unreadable: Mapping[str, list[str]] = field(default_factory=dict)


def _check_register_dates(draft: RegisterDraft, today: dt.date, errors: case_rules.Errors) -> None:
    if "registered_on" not in errors:
        if draft.registered_on is None:
            errors["registered_on"] = [N_("Enter the registration date.")]
        elif draft.registered_on > today:
            errors["registered_on"] = [N_("The date cannot be in the future.")]
        elif draft.registered_on < case_rules.EARLIEST:
            errors["registered_on"] = [N_("The date is too far in the past.")]
    if "document_date" not in errors and draft.document_date is not None:
        if draft.document_date > (draft.registered_on or today):
            errors["document_date"] = [N_("The document cannot be dated after its registration.")]
        elif draft.document_date < dt.date(1900, 1, 1):
            errors["document_date"] = [N_("The date is too far in the past.")]


async def register_document(
    session: AsyncSession,
    actor: Actor,
    draft: RegisterDraft,
    *,
    upload: Upload | None,
    max_bytes: int,
    today: dt.date,
) -> RegisterEntry:
    """Registers an incoming or outgoing document ("IEN-2026/00017", "IZN-…"), optionally linked to a case
    the actor may see (by its number) and with the document's file."""
    actor.require(Permission.REGISTER_EDIT)
    assert actor.tenant_id is not None
    errors: case_rules.Errors = {k: list(v) for k, v in draft.unreadable.items()}
    if draft.direction not in DIRECTIONS:
        errors["direction"] = [N_("Choose incoming or outgoing.")]
    _check_register_dates(draft, today, errors)
    correspondent = case_rules.clean_line(
        draft.correspondent,
        "correspondent",
        MAX_CORRESPONDENT,
        errors,
        required=N_("Enter the sender or the addressee."),
    )
    subject = case_rules.clean_line(
        draft.subject, "subject", MAX_REGISTER_SUBJECT, errors, required=N_("Enter the subject.")
    )
    case: Case | None = None
    number = " ".join(draft.case_number.split()).upper()
    if number:
        # A case the actor may not see answers exactly like a number no case has.
        case_id = await case_by_number(session, actor, number[:30])
        if case_id is None:
            errors["case_number"] = [N_("There is no case with this number.")]
        else:
            case = await access_case(session, actor, case_id, lock="share")
    checked = None
    if upload is not None and (upload.filename or upload.data):
        actor.require(Permission.DOCUMENT_UPLOAD)
        checked = rules.check_file(upload.data, upload.filename, max_bytes, errors)
    if errors:
        raise InvalidInput(errors)
    assert draft.registered_on is not None
    document = None
    if checked is not None and upload is not None and upload.data is not None:
        document = _store(session, actor, case, subject[: case_rules.MAX_TITLE], checked)
        await _flush_with_content(session, actor, document, upload.data)
        _audit_upload(session, actor, document, case)
    year = draft.registered_on.year
    value = await next_number(session, actor.tenant_id, REGISTER_SEQUENCE[draft.direction], year)
    entry = RegisterEntry(
        tenant_id=actor.tenant_id,
        direction=draft.direction,
        number=format_number(REGISTER_PREFIX[draft.direction], year, value),
        registered_on=draft.registered_on,
        document_date=draft.document_date,
        correspondent=correspondent,
        subject=subject,
        case_id=case.id if case else None,
        document_id=document.id if document else None,
        created_by=actor.user_id,
    )
    session.add(entry)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="documents:register:add",
        entity_type="register_entry",
        entity_id=entry.id,
        after={
            "number": entry.number,
            "direction": entry.direction,
            "registered_on": entry.registered_on,
            "document_date": entry.document_date,
            "correspondent": correspondent,
            "subject": subject,
            "case": case.number if case else None,
            "document_id": entry.document_id,
        },
    )
    return entry
