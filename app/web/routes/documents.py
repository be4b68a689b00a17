"""Documents of the case file: uploading to a case (multipart), downloading, and the person page's
Documents tab.

Uploads are read with a body limit of the configured maximum plus room for the form around the file
(Litestar's default limit, 10 MB, is below ours), so a file a little over the limit reaches the service,
which refuses it with a message in place (422); a body far beyond it is cut off by the framework (413)."""

from __future__ import annotations

import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.config import Settings
from app.documents import rules
from app.documents.queries import person_documents_page
from app.documents.service import Upload, read_document, upload_document
from app.domains.cases.access import access_case
from app.domains.people.service import open_person
from app.errors import InvalidInput
from app.i18n import N_
from app.pagination import decode_id_cursor
from app.permissions import Permission
from app.web.deps import resources
from app.web.downloads import private_file
from app.web.htmx import is_fragment
from app.web.routes.case_forms import first_error, go_to, today
from app.web.routes.cases import PAGE, case_context
from app.web.routes.people import render_person_tab

FORM_ROOM = 256 * 1024  # the other fields and the multipart framing around the file
UPLOADED = N_("Document uploaded")


async def read_upload(request: Request[Any, Any, Any], max_bytes: int) -> tuple[dict[str, str], Upload, bool]:
    """The posted form's text fields, the file (at most `max_bytes + 1` bytes of it: enough to refuse it),
    and whether the body was cut off for its size (then nothing of it is usable)."""
    try:
        form = await request.form()
    except ClientException:  # RequestEntityTooLarge, or a multipart body cut short
        return {}, Upload(None, None), True
    fields: dict[str, str] = {}
    upload = Upload(None, None)
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key == "file" and upload.data is None:
                upload = Upload(value.filename, await value.read(max_bytes + 1))
        elif isinstance(value, str):
            fields[key] = value[:25_000]
    return fields, upload, False


async def _upload_to_case(
    request: HTMXRequest, actor: Actor, db: AsyncSession, case_id: uuid.UUID
) -> Response[Any]:
    settings = resources(request).settings
    fields, upload, cut_off = await read_upload(request, settings.max_upload_bytes)
    title = fields.get("title", "")
    try:
        if cut_off:
            await access_case(db, actor, case_id, permission=Permission.DOCUMENT_UPLOAD)
            raise InvalidInput({"file": [rules.TOO_LARGE]})
        await upload_document(
            db, actor, case_id, title=title, upload=upload, max_bytes=settings.max_upload_bytes
        )
    except InvalidInput as exc:
        case = await access_case(db, actor, case_id)
        context = await case_context(
            request,
            db,
            actor,
            case,
            upload={"title": title},
            upload_errors=exc.errors,
            upload_focus=first_error(exc.errors, ("file", "title")),
        )
        if is_fragment(request):
            return _documents_block(context, 422)
        return Template(template_name=PAGE, context=context, status_code=422)
    if not is_fragment(request):
        return go_to(request, f"/cases/{case_id}#case-documents")
    case = await access_case(db, actor, case_id)
    context = await case_context(request, db, actor, case, message=UPLOADED, focus_documents=True)
    return _documents_block(context, 200, status=True)


def _documents_block(context: dict[str, Any], status_code: int, status: bool = False) -> Response[Any]:
    names = ["documents", "status_oob"] if status else ["documents"]
    return HTMXBlockTemplate(template_name=PAGE, block_names=names, context=context, status_code=status_code)


def upload_handler(settings: Settings) -> Any:
    """The upload route with the body limit of these settings."""

    async def upload_to_case(
        request: HTMXRequest,
        actor: NamedDependency[Actor],
        db: NamedDependency[AsyncSession],
        case_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        return await _upload_to_case(request, actor, db, case_id)

    return post(
        "/cases/{case_id:uuid}/documents",
        name="documents.upload",
        status_code=200,
        request_max_body_size=settings.max_upload_bytes + FORM_ROOM,
    )(upload_to_case)


@get("/documents/{document_id:uuid}/download", name="documents.download")
async def download_document(
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    document_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Response[bytes]:
    document = await read_document(db, actor, document_id, purpose=purpose)
    return private_file(document.content, document.content_type, document.filename)


@get("/persons/{person_id:uuid}/documents", name="person.documents")
async def person_documents_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Template:
    person = await open_person(db, actor, person_id, purpose=purpose, context="documents")
    actor.require(Permission.CASE_VIEW)
    after = decode_id_cursor(request.query_params.get("after"))
    page = await person_documents_page(db, actor, person_id, on=today(), after=after)
    base = f"/persons/{person_id}/documents"
    context = {
        "person": person,
        "page": page,
        "paged": after is not None,
        "first_url": base,
        "next_url": f"{base}?after={page.next_cursor}" if page.next_cursor else None,
    }
    return render_person_tab(request, "documents/person_documents.html", "documents", context)


def router(settings: Settings) -> Router:
    return Router(
        path="/",
        route_handlers=[upload_handler(settings), download_document, person_documents_tab],
        include_in_schema=False,
    )
