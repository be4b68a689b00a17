"""The `run_import` actor: checks (and, for a commit, saves) one uploaded import file, once per outbox
message. The work is `app.domains.people.importing_run.run_import`; this is only its Dramatiq shape."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from app.domains.people.importing import RUN_IMPORT
from app.domains.people.importing_run import run_import
from workers.deps import WorkerDeps
from workers.idempotency import claim_message


def import_file(deps: WorkerDeps, *, tenant_id: str, message_id: str, payload: dict[str, Any]) -> str:
    """Returns the job's new status, "duplicate" or "skipped". An exception leaves nothing saved, marks
    the job failed and lets Dramatiq retry the message (the retry runs the job from the start)."""
    user = payload.get("user_id")
    tenant, outbox_id = uuid.UUID(tenant_id), uuid.UUID(message_id)
    return run_import(
        deps.sessions,
        tenant_id=tenant,
        job_id=uuid.UUID(payload["job_id"]),
        user_id=uuid.UUID(user) if user else None,
        claim=lambda session: claim_message(
            session, tenant_id=tenant, message_id=outbox_id, actor=RUN_IMPORT
        ),
    )


def make_import_file(deps: WorkerDeps) -> Callable[..., str]:
    def run_import_actor(*, tenant_id: str, message_id: str, payload: dict[str, Any]) -> str:
        return import_file(deps, tenant_id=tenant_id, message_id=message_id, payload=payload)

    return run_import_actor
