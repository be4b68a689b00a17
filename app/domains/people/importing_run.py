"""The worker's side of an import (sync SQLAlchemy): read the stored file, check every row against the
rules and the register, and — for a commit — save every person, address, household, membership and
audit entry in ONE transaction, with bulk statements.

Progress goes to the job row in short transactions of their own (`Progress`), so the page sees it while
the data transaction is still open; that transaction never touches the job row until its very end,
when it writes the outcome together with the data. A failure anywhere rolls the data back (nothing is
half-imported) and marks the job failed in a separate transaction; a crashed worker's transaction is
rolled back by PostgreSQL, and the redelivered message runs the job again from the start."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.people.importing import (
    COMMITTED,
    FAILED,
    FINISHED,
    INVALID,
    MAX_STORED_ERRORS,
    RUNNABLE,
    RUNNING,
    VALID,
    VALIDATING,
)
from app.domains.people.importing_read import FileRefused, Problem, open_table
from app.domains.people.importing_rows import ImportRow, check_together, parse_row
from app.domains.people.importing_store import plan_rows, register_problems, registered_persons, save_plan
from app.domains.people.models import ImportJob
from app.i18n import N_, TIMEZONE

log = structlog.get_logger()

Checkpoint = Callable[[str, int], None]


def riga_today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


def _lock_key(tenant_id: uuid.UUID) -> int:
    """One import at a time per municipality: a 64-bit advisory lock key from the tenant id."""
    return int.from_bytes(uuid.uuid5(tenant_id, "atbalsts:people:import").bytes[:8], "big", signed=True)


class Progress:
    """processed_rows / total_rows / status of one job, written in short transactions of their own every
    `every` rows (and at each change of phase). `checkpoint(phase, processed)` is called after each
    write: the tests' hook for a failure (or a crash) at a chosen point."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        tenant_id: uuid.UUID,
        job_id: uuid.UUID,
        *,
        every: int = 2000,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.sessions, self.tenant_id, self.job_id = sessions, tenant_id, job_id
        self.every, self.checkpoint = max(every, 1), checkpoint
        self.status, self.total, self.processed, self._written = VALIDATING, 0, 0, 0

    def start(self, status: str, total: int) -> None:
        self.status, self.total, self.processed = status, total, 0
        self._write()

    def advance(self, count: int = 1) -> None:
        self.processed += count
        if self.processed - self._written >= self.every:
            self._write()

    def flush(self) -> None:
        """The end of a phase: its last rows shown too."""
        if self.processed != self._written:
            self._write()

    def _write(self) -> None:
        with sync_tenant_uow(self.sessions, self.tenant_id) as session:
            session.execute(
                update(ImportJob)
                .where(ImportJob.id == self.job_id, ImportJob.status.in_(RUNNABLE))
                .values(
                    status=self.status,
                    total_rows=max(self.total, self.processed),
                    processed_rows=self.processed,
                    # While running, the summary holds only the time of this sign of life: a job that has
                    # given none for a while shows as stalled and may be started again.
                    summary=func.jsonb_build_object("heartbeat", func.now()),
                )
            )
        self._written = self.processed
        if self.checkpoint is not None:
            self.checkpoint(self.status, self.processed)


@dataclass
class Outcome:
    status: str
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    rows: int = 0


def run_import(
    sessions: sessionmaker[Session],
    *,
    tenant_id: uuid.UUID,
    job_id: uuid.UUID,
    user_id: uuid.UUID | None,
    claim: Callable[[Session], bool] | None = None,
    today: dt.date | None = None,
    progress_every: int = 2000,
    checkpoint: Checkpoint | None = None,
) -> str:
    """Run one job; returns its new status, or "duplicate" (`claim`, the worker's record of handled
    messages, says this message was handled already) or "skipped" (the job is not waiting for a run:
    finished, discarded, or done by another message). The claim is made in the data transaction, so a
    failed run leaves none and the retry goes ahead."""
    today = today or riga_today()
    progress = Progress(sessions, tenant_id, job_id, every=progress_every, checkpoint=checkpoint)
    try:
        with sync_tenant_uow(sessions, tenant_id, user_id) as session:
            session.execute(select(func.pg_advisory_xact_lock(_lock_key(tenant_id))))
            if claim is not None and not claim(session):
                return "duplicate"
            job = session.execute(
                select(ImportJob.status, ImportJob.dry_run, ImportJob.filename, ImportJob.content).where(
                    ImportJob.id == job_id
                )
            ).one_or_none()
            if job is None or job.status not in RUNNABLE or job.content is None:
                return "skipped"
            outcome = _process(
                session, job.filename, job.content, job.dry_run, progress, today, user_id, job_id
            )
            _finish(session, job_id, outcome)
            return outcome.status
    except Exception:
        log.exception("import failed", job_id=str(job_id))
        _mark_failed(sessions, tenant_id, job_id)
        raise


def _finish(session: Session, job_id: uuid.UUID, outcome: Outcome) -> None:
    values: dict[str, Any] = {
        "status": outcome.status,
        "total_rows": outcome.rows,
        "processed_rows": outcome.rows,
        "error_count": len(outcome.problems),
        "errors": [p.as_json() for p in outcome.problems[:MAX_STORED_ERRORS]],
        "summary": outcome.summary,
        "finished_at": func.now(),
    }
    if outcome.status in FINISHED:
        values["content"] = None
    session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def _mark_failed(sessions: sessionmaker[Session], tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
    try:
        with sync_tenant_uow(sessions, tenant_id) as session:
            session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id, ImportJob.status.in_(RUNNING))
                .values(status=FAILED, finished_at=func.now())
            )
    except Exception:  # the database itself may be what failed; the job then shows as still running
        log.exception("could not mark the import failed", job_id=str(job_id))


def _process(
    session: Session,
    filename: str,
    content: bytes,
    dry_run: bool,
    progress: Progress,
    today: dt.date,
    user_id: uuid.UUID | None,
    job_id: uuid.UUID,
) -> Outcome:
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    count = 0
    try:
        table = open_table(filename, content)
        progress.start(VALIDATING, table.estimated_rows)
        header = table.header
        for raw in table.rows():
            count += 1
            parsed, found = parse_row(raw, header, today=today)
            if parsed is not None:
                rows.append(parsed)
            problems.extend(found)
            progress.advance()
        progress.flush()
    except FileRefused as exc:
        return Outcome(INVALID, exc.problems, {"rows": count}, count)
    if count == 0:
        return Outcome(INVALID, [Problem(0, "", N_("The file has no rows with persons."))], {"rows": 0}, 0)
    problems.extend(check_together(rows, header))
    commit = not dry_run and not problems
    registered = registered_persons(session, rows, lock=commit)
    problems.extend(register_problems(session, rows, registered, header, lock=commit))
    problems.sort(key=lambda p: p.row)
    plan = plan_rows(rows, registered)
    summary: dict[str, Any] = {"rows": count, **plan.counts(), "errors": len(problems)}
    if problems:
        return Outcome(INVALID, problems, summary, count)
    if dry_run:
        return Outcome(VALID, [], summary, count)
    started = time.monotonic()
    save_plan(session, plan, filename, progress, user_id, job_id, summary)
    summary["seconds"] = round(time.monotonic() - started, 1)
    return Outcome(COMMITTED, [], summary, count)
