"""The /api/v1 surface: JSON, problem details, in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router

from app.api.bearer import ApiCSRFMiddleware, require_partner_scope
from app.api.v1.benefit_types import get_benefit_type, list_benefit_types
from app.api.v1.body import require_json_body
from app.api.v1.cases import create_entry, get_case, list_entries
from app.api.v1.citizen import (
    citizen_access_log,
    citizen_application,
    citizen_applications,
    citizen_decision_document,
    citizen_me,
    citizen_queue_entries,
    citizen_queue_entry,
    submit,
)
from app.api.v1.households import (
    add_member_api,
    create_household_api,
    get_household,
    get_person_household,
)
from app.api.v1.me import me
from app.api.v1.oauth import issue_access_token
from app.api.v1.persons import create_person, get_person, get_person_access_log, list_persons
from app.api.v1.provider_applications import (
    change_provider_application,
    get_provider_application,
    list_provider_applications,
    submit_provider_application,
)
from app.api.v1.providers import search_providers
from app.api.v1.rate_limit import enforce_rate_limit
from app.api.v1.statuses import list_assistance_statuses
from app.auth.citizen import citizen_callback, citizen_login, citizen_logout


async def before_api_request(request: Request[Any, Any, Any]) -> None:
    """429 over the client's rate limit, then 415 for a body that is not JSON."""
    await enforce_rate_limit(request)
    await require_json_body(request)


router = Router(
    path="/api/v1",
    route_handlers=[
        me,
        list_persons,
        create_person,
        get_person,
        get_person_access_log,
        get_case,
        list_entries,
        create_entry,
        create_household_api,
        get_household,
        add_member_api,
        get_person_household,
        list_assistance_statuses,
        list_benefit_types,
        get_benefit_type,
        search_providers,
        submit_provider_application,
        list_provider_applications,
        get_provider_application,
        change_provider_application,
        citizen_login,
        citizen_callback,
        citizen_logout,
        citizen_me,
        citizen_applications,
        citizen_application,
        citizen_decision_document,
        citizen_queue_entries,
        citizen_queue_entry,
        citizen_access_log,
        submit,
        issue_access_token,
    ],
    before_request=before_api_request,
    # Partners (bearer tokens) reach only the operations that name one of their scopes; the CSRF check
    # of the API lets bearer requests through (app/api/bearer.py).
    guards=[require_partner_scope],
    middleware=[ApiCSRFMiddleware],
)
