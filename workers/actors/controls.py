"""Data controls and reminders on the workers.

- `run_data_controls` (outbox-fed, one municipality): the rules after a change (`request_data_controls`),
  once per outbox message, skipped when a later run already saw the change.
- `run_data_controls_nightly` (periodic): the rules for every municipality, each in its own transaction.
- `send_expiry_reminders` (periodic, mornings): the status / benefit reminders for every municipality.

The one cross-municipality rule reads through a maintenance-role connection (BYPASSRLS) opened for the
length of the job only, like the outbox purge; everything else runs as the app role, bound to the
municipality by row-level security."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
from app.domains.controls.service import RUN_DATA_CONTROLS, load_scope, run_controls_sync
from app.i18n import TIMEZONE
from app.notifications.reminders import send_expiry_reminders_sync
from app.tenants.models import Tenant
from workers.deps import WorkerDeps
from workers.idempotency import claim_message

log = structlog.get_logger()

NIGHTLY_CONTROLS = "run_data_controls_nightly"
EXPIRY_REMINDERS = "send_expiry_reminders"


def municipal_today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


@contextmanager
def maintenance_sessions(deps: WorkerDeps) -> Iterator[sessionmaker[Session]]:
    engine = make_sync_engine(deps.settings.maint_url(), pool_size=1, max_overflow=0)
    try:
        yield sync_session_factory(engine)
    finally:
        engine.dispose()


def run_data_controls(
    deps: WorkerDeps,
    cross: sessionmaker[Session] | None,
    *,
    tenant_id: str,
    message_id: str,
    payload: dict[str, object],
    today: dt.date | None = None,
) -> str:
    """ "ran", "skipped" (a later run saw the change) or "duplicate" (this message was handled)."""
    tenant = uuid.UUID(tenant_id)
    with sync_tenant_uow(deps.sessions, tenant) as session:
        if not claim_message(
            session, tenant_id=tenant, message_id=uuid.UUID(message_id), actor=RUN_DATA_CONTROLS
        ):
            return "duplicate"
        # This message was sent after the change committed: a run that starts after now has seen it.
        received = session.scalar(select(func.clock_timestamp()))
        summary = run_controls_sync(
            session,
            load_scope(session, tenant, cross),
            today or municipal_today(),
            trigger="change",
            requested_at=received,
        )
    return "skipped" if summary is None else "ran"


def tenant_ids(sessions: sessionmaker[Session]) -> list[uuid.UUID]:
    """Every municipality (national data, readable without a tenant)."""
    with sessions() as session:
        return list(session.scalars(select(Tenant.id).order_by(Tenant.id)))


def for_each_tenant(
    sessions: sessionmaker[Session], job: str, work: Callable[[Session, uuid.UUID], object]
) -> dict[str, int]:
    """`work` for every municipality, each in its own transaction; one that fails is logged and the
    others go on. Raises at the end if any failed, so the job is retried (what succeeded is idempotent)."""
    done, failed = 0, []
    for tenant in tenant_ids(sessions):
        try:
            with sync_tenant_uow(sessions, tenant) as session:
                work(session, tenant)
            done += 1
        except Exception:
            log.exception("periodic job failed for a municipality", job=job, tenant=str(tenant))
            failed.append(tenant)
    if failed:
        raise RuntimeError(f"{job} failed for {len(failed)} municipalities")
    return {"municipalities": done}


def nightly_controls(
    deps: WorkerDeps, cross: sessionmaker[Session] | None, today: dt.date | None = None
) -> dict[str, int]:
    day = today or municipal_today()
    return for_each_tenant(
        deps.sessions,
        NIGHTLY_CONTROLS,
        lambda session, tenant: run_controls_sync(session, load_scope(session, tenant, cross), day),
    )


def expiry_reminders(deps: WorkerDeps, today: dt.date | None = None) -> dict[str, int]:
    day = today or municipal_today()
    return for_each_tenant(
        deps.sessions, EXPIRY_REMINDERS, lambda session, _tenant: send_expiry_reminders_sync(session, day)
    )


def make_run_data_controls(deps: WorkerDeps) -> Callable[..., str]:
    def run_data_controls_actor(*, tenant_id: str, message_id: str, payload: dict[str, object]) -> str:
        with maintenance_sessions(deps) as cross:
            return run_data_controls(deps, cross, tenant_id=tenant_id, message_id=message_id, payload=payload)

    return run_data_controls_actor


def make_nightly_controls(deps: WorkerDeps) -> Callable[[], dict[str, int]]:
    def run_data_controls_nightly_actor() -> dict[str, int]:
        with maintenance_sessions(deps) as cross:
            return nightly_controls(deps, cross)

    return run_data_controls_nightly_actor


def make_expiry_reminders(deps: WorkerDeps) -> Callable[[], dict[str, int]]:
    def send_expiry_reminders_actor() -> dict[str, int]:
        return expiry_reminders(deps)

    return send_expiry_reminders_actor
