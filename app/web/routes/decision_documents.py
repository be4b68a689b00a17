"""The decision's PDF: downloading it (APPLICATION_VIEW, written to the applicant's access log), and
"render now" (APPLICATION_DECIDE) for when the worker has not made it yet."""

from __future__ import annotations

import uuid

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.benefits.decision_pdf import PDF, read_decision_document, render_decision_now
from app.web.downloads import private_file
from app.web.routes.case_forms import go_to


@get("/decisions/{decision_id:uuid}/document", name="decisions.document")
async def download_decision(
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    decision_id: FromPath[uuid.UUID],
) -> Response[bytes]:
    document = await read_decision_document(db, actor, decision_id)
    return private_file(document.content, PDF, document.filename)


@post("/decisions/{decision_id:uuid}/document", name="decisions.document.render", status_code=200)
async def render_decision(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    decision_id: FromPath[uuid.UUID],
) -> Response[object]:
    """Renders the PDF now (once: a decision that has it keeps it) and goes to it."""
    await render_decision_now(db, actor, decision_id)
    return go_to(request, f"/decisions/{decision_id}/document")


router = Router(path="/", route_handlers=[download_decision, render_decision], include_in_schema=False)
