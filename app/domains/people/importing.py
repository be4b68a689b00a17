"""Importing persons and households from an incumbent system's export: the acts staff take on the web
(upload, commit, try again, discard) and the reads the import pages show.

The work itself runs in a Dramatiq worker (`importing_run.run_import`, actor `run_import`): an upload
stores the file in an `ImportJob` and schedules an outbox message in the same transaction; the worker
checks every row (a dry run) or checks and saves everything in one transaction (a commit), writing its
progress to the job in short transactions of its own so the page can show a progress bar.

Statuses: queued → validating → valid | invalid (a dry run); queued → validating → committing →
committed | invalid (a commit); any running state → failed when the worker fails (nothing is saved, the
file is kept, and the run can be tried again); valid → discarded. The file is dropped when the job is
finished (invalid, committed, discarded)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import cast, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONPATH
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor
from app.domains.people.importing_read import FileRefused, Problem, check_upload
from app.domains.people.models import ImportJob
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_, gettext
from app.notifications.outbox import enqueue
from app.pagination import Page, Position, encode_cursor, older_than, page_of
from app.permissions import Permission

RUN_IMPORT = "run_import"  # the actor's name, and the outbox rows' `actor`

QUEUED, VALIDATING, COMMITTING = "queued", "validating", "committing"
VALID, INVALID, COMMITTED, FAILED, DISCARDED = "valid", "invalid", "committed", "failed", "discarded"
RUNNING = frozenset({QUEUED, VALIDATING, COMMITTING})
RUNNABLE = RUNNING | {FAILED}  # what a worker run picks up (failed: a retry of the same message)
FINISHED = frozenset({INVALID, COMMITTED, DISCARDED})  # the file is gone
STATUS_LABELS = {
    QUEUED: N_("Waiting for the worker"),
    VALIDATING: N_("Checking rows"),
    COMMITTING: N_("Saving"),
    VALID: N_("Checked: no errors"),
    INVALID: N_("Has errors"),
    COMMITTED: N_("Imported"),
    FAILED: N_("Failed"),
    DISCARDED: N_("Discarded"),
}
# A running job that has not written its progress for this long is taken for stalled (its worker died
# and the message was not redelivered): the page says so and offers to start it again.
STALLED_AFTER = dt.timedelta(minutes=10)
MAX_STORED_ERRORS = 50_000  # the report keeps this many messages; error_count counts them all
SHOWN_ERRORS = 100


class ImportRefused(InvalidInput):
    """An upload refused as a whole (type, size, encoding, header): the problems with their parameters,
    and the msgids under "file" for generic handlers."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__({"file": [p.message for p in problems]})
        self.problems = problems


def describe(problem: dict[str, Any] | Problem, language: str) -> str:
    """A stored or fresh problem's message in `language`, with its parameters filled in."""
    data = problem.as_json() if isinstance(problem, Problem) else problem
    message = gettext(language, str(data.get("message", "")))
    params = data.get("params") or {}
    try:
        return message % params if params else message
    except (KeyError, ValueError, TypeError):  # a message changed since the report was stored
        return message


def _schedule(session: AsyncSession, job_id: uuid.UUID, actor: Actor) -> uuid.UUID:
    return enqueue(session, RUN_IMPORT, {"job_id": str(job_id), "user_id": str(actor.user_id)})


async def start_import(
    session: AsyncSession, actor: Actor, *, filename: str, content: bytes, dry_run: bool
) -> uuid.UUID:
    """Store an uploaded file as a job for the worker. The file's type, size and header are checked now
    (ImportRefused); its rows are the worker's."""
    actor.require(Permission.PERSON_IMPORT)
    try:
        check_upload(filename, content)
    except FileRefused as exc:
        raise ImportRefused(exc.problems) from None
    job = ImportJob(
        tenant_id=actor.tenant_id,
        created_by=actor.user_id,
        filename=filename,
        content=content,
        dry_run=dry_run,
        status=QUEUED,
    )
    session.add(job)
    await session.flush()
    _schedule(session, job.id, actor)
    return job.id


async def _locked(session: AsyncSession, job_id: uuid.UUID) -> tuple[str, bool, bool]:
    """(status, dry_run, has content) of the job, its row locked: two clicks act one after the other."""
    row = (
        await session.execute(
            select(ImportJob.status, ImportJob.dry_run, ImportJob.content.is_not(None))
            .where(ImportJob.id == job_id)
            .with_for_update()
        )
    ).one_or_none()
    if row is None:
        raise NotFound(N_("No such import."))
    return row[0], row[1], row[2]


async def commit_import(session: AsyncSession, actor: Actor, job_id: uuid.UUID) -> bool:
    """Save a checked file: the worker checks it again against the register as it is now, and saves it
    all or nothing. False when the commit was already asked for (a second click)."""
    actor.require(Permission.PERSON_IMPORT)
    status, dry_run, has_content = await _locked(session, job_id)
    if not dry_run and status in RUNNING:
        return False
    if status != VALID or not has_content:
        raise Conflict(N_("Only a file checked without errors can be imported."))
    await session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(dry_run=False, status=QUEUED, processed_rows=0, finished_at=None)
    )
    _schedule(session, job_id, actor)
    return True


async def retry_import(session: AsyncSession, actor: Actor, job_id: uuid.UUID) -> None:
    """Run a failed or stalled job again from the start (nothing of the failed run was saved). Should
    the stalled run still be alive after all, the new one waits for it (one import per municipality at
    a time) and then finds the job done."""
    actor.require(Permission.PERSON_IMPORT)
    status, _, has_content = await _locked(session, job_id)
    job, _ = await import_job(session, actor, job_id, with_errors=0)
    if not (status == FAILED or job.stalled) or not has_content:
        raise Conflict(N_("Only a failed or stalled import can be tried again."))
    await session.execute(
        update(ImportJob).where(ImportJob.id == job_id).values(status=QUEUED, processed_rows=0)
    )
    _schedule(session, job_id, actor)


async def discard_import(session: AsyncSession, actor: Actor, job_id: uuid.UUID) -> None:
    """Give up a checked or failed file without importing it; the file is deleted."""
    actor.require(Permission.PERSON_IMPORT)
    status, _, _ = await _locked(session, job_id)
    if status not in (VALID, FAILED):
        raise Conflict(N_("Only a checked or failed import can be discarded."))
    await session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(status=DISCARDED, content=None, finished_at=func.now())
    )


# --- reads for the pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    id: uuid.UUID
    filename: str
    dry_run: bool
    status: str
    total_rows: int
    processed_rows: int
    error_count: int
    summary: dict[str, Any]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    created_by: str

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def last_sign_of_life(self) -> dt.datetime:
        beat = self.summary.get("heartbeat") if self.running else None
        try:
            return dt.datetime.fromisoformat(beat) if isinstance(beat, str) else self.created_at
        except ValueError:
            return self.created_at

    @property
    def stalled(self) -> bool:
        return self.running and dt.datetime.now(dt.UTC) - self.last_sign_of_life > STALLED_AFTER

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


_JOB_COLUMNS = (
    ImportJob.id,
    ImportJob.filename,
    ImportJob.dry_run,
    ImportJob.status,
    ImportJob.total_rows,
    ImportJob.processed_rows,
    ImportJob.error_count,
    ImportJob.summary,
    ImportJob.created_at,
    ImportJob.finished_at,
    User.full_name,
)


def _view(row: Any) -> JobView:
    return JobView(
        id=row.id,
        filename=row.filename,
        dry_run=row.dry_run,
        status=row.status,
        total_rows=row.total_rows,
        processed_rows=row.processed_rows,
        error_count=row.error_count,
        summary=row.summary or {},
        created_at=row.created_at,
        finished_at=row.finished_at,
        created_by=row.full_name,
    )


async def import_jobs_page(
    session: AsyncSession, actor: Actor, *, after: Position | None, limit: int = 25
) -> Page[JobView]:
    """The municipality's imports, newest first (the file itself is never read here)."""
    actor.require(Permission.PERSON_IMPORT)
    query = select(*_JOB_COLUMNS).join(User, User.id == ImportJob.created_by)
    if after is not None:
        query = query.where(older_than(after, ImportJob.created_at, ImportJob.id))
    query = query.order_by(ImportJob.created_at.desc(), ImportJob.id.desc()).limit(limit + 1)
    rows = [_view(r) for r in (await session.execute(query)).all()]
    return page_of(rows, limit, lambda j: encode_cursor(j.created_at, j.id))


async def import_job(
    session: AsyncSession, actor: Actor, job_id: uuid.UUID, *, with_errors: int = SHOWN_ERRORS
) -> tuple[JobView, list[dict[str, Any]]]:
    """One job and the first `with_errors` messages of its report, in one statement."""
    actor.require(Permission.PERSON_IMPORT)
    path = cast(literal(f"$[0 to {max(with_errors - 1, 0)}]"), JSONPATH)
    first = func.jsonb_path_query_array(ImportJob.errors, path).label("first_errors")
    row = (
        await session.execute(
            select(*_JOB_COLUMNS, first)
            .join(User, User.id == ImportJob.created_by)
            .where(ImportJob.id == job_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(N_("No such import."))
    return _view(row), (list(row.first_errors or []) if with_errors else [])


async def import_errors(
    session: AsyncSession, actor: Actor, job_id: uuid.UUID
) -> tuple[str, list[dict[str, Any]]]:
    """The file name and the whole error report, for the CSV download."""
    actor.require(Permission.PERSON_IMPORT)
    row = (
        await session.execute(select(ImportJob.filename, ImportJob.errors).where(ImportJob.id == job_id))
    ).one_or_none()
    if row is None:
        raise NotFound(N_("No such import."))
    return row[0], list(row[1] or [])
