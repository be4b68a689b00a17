"""The `render_decision_pdf` actor: renders a registered decision's PDF and stores it, once per outbox id.
The work is `app.domains.benefits.decision_pdf.render_decision_document`; this is only its Dramatiq shape."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from app.db import sync_tenant_uow
from app.domains.benefits.decision_pdf import RENDER_DECISION_PDF, render_decision_document
from workers.deps import WorkerDeps
from workers.idempotency import claim_message


def render_decision_pdf(
    deps: WorkerDeps, *, tenant_id: str, message_id: str, payload: dict[str, Any]
) -> str | None:
    """The document's id, or None when this outbox message was already handled. The claim, the document
    and the decision's link commit together: a failed render leaves nothing and Dramatiq retries it."""
    tenant = uuid.UUID(tenant_id)
    with sync_tenant_uow(deps.sessions, tenant) as session:
        if not claim_message(
            session, tenant_id=tenant, message_id=uuid.UUID(message_id), actor=RENDER_DECISION_PDF
        ):
            return None
        return str(render_decision_document(session, uuid.UUID(payload["decision_id"])))


def make_render_decision_pdf(deps: WorkerDeps) -> Callable[..., str | None]:
    def render_decision_pdf_actor(*, tenant_id: str, message_id: str, payload: dict[str, Any]) -> str | None:
        return render_decision_pdf(deps, tenant_id=tenant_id, message_id=message_id, payload=payload)

    return render_decision_pdf_actor
