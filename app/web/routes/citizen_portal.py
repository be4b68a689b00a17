"""The citizen's page (/citizen): signing in through the national login's broker, then the person's own
applications with their decisions and PDFs, and their places in the waiting lists with why — the same
records the citizen API gives (app/api/v1/citizen.py), for a person with a browser. Public: the page is
shown without a staff session and reads only the signed-in citizen's own records."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from app.api.v1.citizen import all_applications, all_queue_entries
from app.auth.citizen import citizen_config, citizen_of

PATH = "/citizen"


@get(PATH, name="citizen.portal")
async def citizen_portal(request: Request[Any, Any, Any]) -> Template:
    citizen = citizen_of(request)
    context: dict[str, Any] = {
        "citizen": citizen,
        "sign_in_offered": citizen_config(request) is not None,
        "applications": [],
        "queue_entries": [],
    }
    if citizen is not None:
        context["applications"] = await all_applications(request, citizen)
        context["queue_entries"] = await all_queue_entries(request, citizen)
    return Template(template_name="citizen/portal.html", context=context)


router = Router(path="/", route_handlers=[citizen_portal], include_in_schema=False)
