"""The import through the worker: upload → outbox → relay → Redis → `run_import` actor; once per outbox
message; and a worker process killed in the middle of a commit leaves nothing behind, the job ready to
run again."""

from __future__ import annotations

import multiprocessing
import os
import signal
import uuid
from pathlib import Path

from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
from app.domains.households.models import Household, HouseholdMember
from app.domains.people.importing import RUN_IMPORT
from app.domains.people.importing_run import run_import
from app.domains.people.models import ImportJob, Person
from app.notifications.outbox import enqueue
from tests.factories.staff import create_staff
from tests.integration.test_import import synthetic_csv
from workers.broker import IMPORTS
from workers.main import start_worker
from workers.relay import relay_once

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "import" / "klienti.csv"


def upload(
    sessions: sessionmaker[Session],
    tenant: uuid.UUID,
    user: uuid.UUID,
    name: str,
    content: bytes,
    *,
    dry_run: bool,
) -> tuple[uuid.UUID, uuid.UUID]:
    """What `start_import` does (the web tests go through it): the job and its outbox message, in one
    transaction. Returns (job id, outbox id)."""
    with sync_tenant_uow(sessions, tenant, user) as s:
        job = ImportJob(tenant_id=tenant, created_by=user, filename=name, content=content, dry_run=dry_run)
        s.add(job)
        s.flush()
        outbox_id = enqueue(s, RUN_IMPORT, {"job_id": str(job.id), "user_id": str(user)})
        return job.id, outbox_id


def job_state(
    sessions: sessionmaker[Session], tenant: uuid.UUID, job_id: uuid.UUID
) -> tuple[str, int, int, bool]:
    with sync_tenant_uow(sessions, tenant) as s:
        row = s.execute(
            select(
                ImportJob.status,
                ImportJob.processed_rows,
                ImportJob.total_rows,
                ImportJob.content.is_not(None),
            ).where(ImportJob.id == job_id)
        ).one()
        return row[0], row[1], row[2], row[3]


def persons(sessions: sessionmaker[Session], tenant: uuid.UUID) -> int:
    with sync_tenant_uow(sessions, tenant) as s:
        return s.scalar(select(func.count()).select_from(Person)) or 0


def test_an_upload_is_checked_and_imported_by_the_worker_through_the_relay_and_redis(
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    maint_engine: Engine,
    broker: RedisBroker,
    tenant_a: uuid.UUID,
) -> None:
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]})
    job_id, outbox_id = upload(rw_sessions, tenant_a, head, "klienti.csv", SAMPLE.read_bytes(), dry_run=False)
    assert job_state(rw_sessions, tenant_a, job_id) == ("queued", 0, 0, True)

    assert relay_once(maint_sessions, broker) == 1
    worker = start_worker(broker, threads=2, worker_timeout=100)
    try:
        broker.join(IMPORTS, timeout=30_000)
        worker.join()
    finally:
        worker.stop()

    assert job_state(rw_sessions, tenant_a, job_id) == ("committed", 6, 6, False)
    assert persons(rw_sessions, tenant_a) == 6
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 2
    with maint_engine.connect() as conn:
        handled = conn.scalar(
            text("SELECT actor FROM app.processed_messages WHERE message_id = :m"), {"m": outbox_id}
        )
    assert handled == RUN_IMPORT


def test_the_actor_run_twice_for_one_message_imports_once(
    rw_sessions: sessionmaker[Session], broker: RedisBroker, tenant_a: uuid.UUID
) -> None:
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]})
    job_id, outbox_id = upload(rw_sessions, tenant_a, head, "klienti.csv", SAMPLE.read_bytes(), dry_run=False)
    actor = broker.get_actor(RUN_IMPORT)
    message = {"job_id": str(job_id), "user_id": str(head)}

    first = actor.fn(tenant_id=str(tenant_a), message_id=str(outbox_id), payload=message)
    again = actor.fn(tenant_id=str(tenant_a), message_id=str(outbox_id), payload=message)

    assert (first, again) == ("committed", "duplicate")
    assert persons(rw_sessions, tenant_a) == 6


def _commit_and_die(runtime_url: str, tenant: str, job: str, user: str, message: str) -> None:
    """In a child process: run the import and kill the process (SIGKILL, no clean-up of any kind) once
    every row is inserted, before the transaction commits."""
    from workers.idempotency import claim_message

    engine = make_sync_engine(runtime_url)

    def die(phase: str, processed: int) -> None:
        if phase == "committing" and processed == 3000:
            os.kill(os.getpid(), signal.SIGKILL)

    run_import(
        sync_session_factory(engine),
        tenant_id=uuid.UUID(tenant),
        job_id=uuid.UUID(job),
        user_id=uuid.UUID(user),
        claim=lambda s: claim_message(
            s, tenant_id=uuid.UUID(tenant), message_id=uuid.UUID(message), actor=RUN_IMPORT
        ),
        progress_every=1000,
        checkpoint=die,
    )


def test_a_worker_killed_in_the_middle_of_a_commit_leaves_nothing_and_the_message_runs_again(
    settings: Settings, rw_sessions: sessionmaker[Session], broker: RedisBroker, tenant_a: uuid.UUID
) -> None:
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]})
    job_id, outbox_id = upload(
        rw_sessions, tenant_a, head, "liels.csv", synthetic_csv(3000, household_every=2), dry_run=False
    )

    child = multiprocessing.get_context("spawn").Process(
        target=_commit_and_die,
        args=(settings.runtime_url().render_as_string(hide_password=False),
              str(tenant_a), str(job_id), str(head), str(outbox_id)),
    )  # fmt: skip
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL

    # PostgreSQL rolled the dead connection's transaction back: no person, household or membership; the
    # job still says where it was (its progress was committed apart), with its file.
    assert persons(rw_sessions, tenant_a) == 0
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 0
        assert s.scalar(select(func.count()).select_from(HouseholdMember)) == 0
    assert job_state(rw_sessions, tenant_a, job_id) == ("committing", 3000, 3000, True)

    # Redis redelivers the unacknowledged message to another worker: the claim died with the
    # transaction, so the run goes ahead, from the start.
    actor = broker.get_actor(RUN_IMPORT)
    result = actor.fn(
        tenant_id=str(tenant_a),
        message_id=str(outbox_id),
        payload={"job_id": str(job_id), "user_id": str(head)},
    )
    assert result == "committed"
    assert persons(rw_sessions, tenant_a) == 3000
    assert job_state(rw_sessions, tenant_a, job_id) == ("committed", 3000, 3000, False)
