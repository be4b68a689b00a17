"""Import of persons and households (head of service): the upload form and the list of imports, and
each import's page with its progress bar, summary, error report (first rows here, all as CSV) and the
"Import" button once a dry run found no errors.

The job page's block `job` is what the progress bar polls (every second while the worker runs): a
finished job's block has no trigger, so the polling stops by itself, and that last answer also says
in the live status region how the run ended. The acts are in app/domains/people/importing.py."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Annotated, Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Response, Router, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import Body, FromPath
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.people.importing import (
    COMMITTED,
    FAILED,
    INVALID,
    STATUS_LABELS,
    VALID,
    ImportRefused,
    JobView,
    commit_import,
    describe,
    discard_import,
    import_errors,
    import_job,
    import_jobs_page,
    retry_import,
    start_import,
)
from app.domains.people.importing_read import COLUMNS, MAX_FILE_BYTES, MAX_ROWS, refuse
from app.i18n import N_, gettext
from app.pagination import decode_cursor
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.templating import language_of

PAGE = "imports/imports.html"
JOB = "imports/job.html"
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
# The body may be a little larger than the file (the form's other fields, the multipart framing); a file
# over the limit but within this gets the clear message, a larger body a plain 413.
MAX_BODY = MAX_FILE_BYTES + 1024 * 1024
FINISHED_MESSAGES = {
    VALID: N_("Checked: no errors found. You can now import the file."),
    INVALID: N_("Checked: the file has errors. Nothing was saved."),
    COMMITTED: N_("Import finished: the persons are saved."),
    FAILED: N_("The import failed. Nothing was saved."),
}


def may_import(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Not even the upload form for others; the acts check the permission again themselves."""
    user = connection.user
    if not isinstance(user, Actor) or not user.can(Permission.PERSON_IMPORT):
        raise PermissionDeniedException()


def _columns() -> list[tuple[str, str]]:
    return [(c.label, " · ".join(c.names)) for c in COLUMNS]


def _page_context(**values: Any) -> dict[str, Any]:
    return {
        "columns": _columns(),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
        "status_labels": STATUS_LABELS,
        "errors": [],
        "dry_run": True,
        **values,
    }


@get("/", name="imports")
async def imports_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    position = decode_cursor(request.query_params.get("after"))
    page = await import_jobs_page(db, actor, after=position)
    context = _page_context(page=page, paged=position is not None)
    if is_fragment(request, "jobs"):
        return HTMXBlockTemplate(template_name=PAGE, block_name="jobs", context=context)
    return Template(template_name=PAGE, context=context)


def _clean_filename(name: str) -> str:
    """The name without a client's path or control characters, shortened (keeping its extension) to
    what the job stores."""
    base = "".join(ch for ch in re.split(r"[\\/]", name)[-1] if ch.isprintable()).strip()
    stem, dot, extension = base.rpartition(".")
    if len(base) > 255 and dot and len(extension) <= 10:
        return stem[: 254 - len(extension)] + "." + extension
    return base[:255]


@post("/", name="imports.upload", status_code=200, request_max_body_size=MAX_BODY)
async def upload(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Upload
) -> Response[Any]:
    file = data.get("file")
    dry_run = bool(data.get("dry_run"))
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise ImportRefused(refuse(N_("Choose a file.")).problems)
        content = await file.read()
        job_id = await start_import(
            db, actor, filename=_clean_filename(file.filename), content=content, dry_run=dry_run
        )
    except ImportRefused as exc:
        lang = language_of(request)
        messages = [(p.column, describe(p, lang)) for p in exc.problems]
        if is_fragment(request):
            return HTMXBlockTemplate(
                template_name=PAGE,
                block_name="upload_form",
                context=_page_context(errors=messages, dry_run=dry_run, focus=True),
                status_code=422,
            )
        page = await import_jobs_page(db, actor, after=None)
        return Template(
            template_name=PAGE,
            context=_page_context(page=page, errors=messages, dry_run=dry_run, focus=True),
            status_code=422,
        )
    if is_fragment(request):
        return ClientRedirect(f"/imports/{job_id}")
    return Redirect(path=f"/imports/{job_id}", status_code=303)


def _problems(lang: str, stored: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(int(p.get("row") or 0), str(p.get("column") or ""), describe(p, lang)) for p in stored]


async def _job_context(
    request: Request[Any, Any, Any], actor: Actor, db: AsyncSession, job_id: uuid.UUID
) -> dict[str, Any]:
    job, first = await import_job(db, actor, job_id)
    return {
        "job": job,
        "problems": _problems(language_of(request), first),
        "status_labels": STATUS_LABELS,
    }


@get("/{job_id:uuid}", name="imports.job")
async def job_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    job_id: FromPath[uuid.UUID],
) -> Template:
    return Template(template_name=JOB, context=await _job_context(request, actor, db, job_id))


def _job_block(context: dict[str, Any], *, announce: str | None = None, status: int = 200) -> Template:
    names = ["job", "status_oob"] if announce else ["job"]
    return HTMXBlockTemplate(
        template_name=JOB, block_names=names, context={**context, "message": announce}, status_code=status
    )


@get("/{job_id:uuid}/progress", name="imports.progress")
async def job_progress(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    job_id: FromPath[uuid.UUID],
) -> Response[Any]:
    """The polled block. Its last answer (the job no longer running) ends the polling and tells the
    live region how the run ended."""
    if not is_fragment(request):
        return Redirect(path=f"/imports/{job_id}")
    context = await _job_context(request, actor, db, job_id)
    job: JobView = context["job"]
    return _job_block(context, announce=None if job.running else FINISHED_MESSAGES.get(job.status))


async def _after_act(
    request: HTMXRequest, actor: Actor, db: AsyncSession, job_id: uuid.UUID, message: str
) -> Response[Any]:
    if not is_fragment(request):
        return Redirect(path=f"/imports/{job_id}", status_code=303)
    # The button pressed is gone with the swap: the block's heading takes the focus.
    context = {**await _job_context(request, actor, db, job_id), "focus": True}
    return _job_block(context, announce=message)


@post("/{job_id:uuid}/commit", name="imports.commit", status_code=200)
async def commit(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    job_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await commit_import(db, actor, job_id)
    return await _after_act(request, actor, db, job_id, N_("The import has started."))


@post("/{job_id:uuid}/retry", name="imports.retry", status_code=200)
async def retry(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    job_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await retry_import(db, actor, job_id)
    return await _after_act(request, actor, db, job_id, N_("The import runs again."))


@post("/{job_id:uuid}/discard", name="imports.discard", status_code=200)
async def discard(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    job_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await discard_import(db, actor, job_id)
    return await _after_act(request, actor, db, job_id, N_("The file was discarded; nothing was imported."))


def _csv_cell(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula: such text gets a leading '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@get("/{job_id:uuid}/errors.csv", name="imports.errors")
async def errors_csv(
    request: Request[Any, Any, Any],
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    job_id: FromPath[uuid.UUID],
) -> Response[bytes]:
    """The whole error report, for Excel in Latvian (UTF-8 with a BOM, semicolons)."""
    lang = language_of(request)
    filename, stored = await import_errors(db, actor, job_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([gettext(lang, N_("Row")), gettext(lang, N_("Column")), gettext(lang, N_("Error"))])
    for row, column, message in _problems(lang, stored):
        writer.writerow([row or "", _csv_cell(column), _csv_cell(message)])
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", filename.rsplit(".", 1)[0])[:80] or "import"
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to every text/ type
        headers={"Content-Disposition": f'attachment; filename="{stem}-errors.csv"'},
    )


router = Router(
    path="/imports",
    route_handlers=[imports_page, upload, job_page, job_progress, commit, retry, discard, errors_csv],
    guards=[may_import],
    include_in_schema=False,
)
