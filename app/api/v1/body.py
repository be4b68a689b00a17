"""Request bodies of /api/v1 are JSON: anything else is refused with 415 before it is parsed."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

JSON = "application/json"


def _has_body(request: Request[Any, Any, Any]) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length.strip() != "0") or "transfer-encoding" in request.headers


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """The API router's `before_request`: runs after authentication and CSRF, before the body is read.

    Without it Litestar parses any body as JSON whatever its content type: a form-encoded body would be
    "malformed JSON" (400), a JSON one labelled text/plain would be accepted. The problem details (title
    and translated detail) come from `app/web/errors.py`, as for every other HTTP error."""
    if "data" not in request.route_handler.parsed_fn_signature.parameters or not _has_body(request):
        return
    if request.content_type[0] != JSON:
        raise HTTPException(status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE)
