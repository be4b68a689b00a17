"""The /api/v1 surface: JSON, problem details, in the OpenAPI document."""

from __future__ import annotations

from litestar import Router

from app.api.v1.body import require_json_body
from app.api.v1.me import me
from app.api.v1.persons import create_person, get_person

router = Router(
    path="/api/v1",
    route_handlers=[me, create_person, get_person],
    before_request=require_json_body,  # 415 for a body that is not JSON
)
