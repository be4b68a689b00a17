"""The data-control alerts page (/controls) for heads of service: each rule with its open alerts (the
rules not yet available say why), one rule's open alerts a page at a time, the latest runs, and
"Check now", which asks for a run of the rules (done by a worker within a minute or so)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.controls import rules
from app.domains.controls.queries import latest_runs, open_alerts_page, open_counts
from app.domains.controls.service import request_data_controls
from app.i18n import N_
from app.notifications.inbox import title_text
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.templating import language_of

PAGE = "controls/controls.html"
REQUESTED = N_("A check has been requested: the results appear here in a minute or two.")
ALREADY_WAITING = N_("A check is already waiting to run.")


def _url(rule: str, after: str | None = None) -> str:
    query = {"rule": rule, **({"after": after} if after else {})}
    return f"/controls?{urlencode(query)}"


@get("/controls", name="controls")
async def controls_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    counts = await open_counts(db, actor)
    asked = request.query_params.get("rule")
    chosen = (
        asked if asked in rules.RULES else next((c.info.key for c in counts if c.open), counts[0].info.key)
    )
    after = request.query_params.get("after")
    page = await open_alerts_page(db, actor, chosen, after=after)
    lang = language_of(request)
    context: dict[str, Any] = {
        "counts": counts,
        "chosen": rules.RULES[chosen],
        "page": page,
        "paged": after is not None,
        "first_url": _url(chosen),
        "next_url": _url(chosen, page.next_cursor) if page.next_cursor else None,
        "runs": await latest_runs(db, actor),
        "rule_names": {k: v.name for k, v in rules.RULES.items()},
        "alert_text": lambda a: title_text(lang, rules.alert_title(a.rule, a.details), a.details),
    }
    if is_fragment(request, "alerts"):
        return HTMXBlockTemplate(template_name=PAGE, block_name="alerts", context=context)
    return Template(template_name=PAGE, context=context)


@post("/controls/run", name="controls.run", status_code=200)
async def run_now(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Response[Any]:
    actor.require(Permission.CONTROL_VIEW)
    queued = await request_data_controls(db)
    if not request.htmx:
        return Redirect(path="/controls", status_code=303)
    return HTMXBlockTemplate(
        template_name=PAGE,
        block_name="status_oob",
        context={"message": REQUESTED if queued else ALREADY_WAITING},
    )


router = Router(path="/", route_handlers=[controls_page, run_now], include_in_schema=False)
