"""One mapping of errors for the whole app: problem details (RFC 9457) under /api, pages elsewhere.

Domain errors carry translatable messages; they are translated here, in the request's language."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError

from app.errors import Conflict, DomainError, InvalidInput
from app.i18n import N_, gettext
from app.web.templating import language_of

log = structlog.get_logger()

TITLES = {
    400: N_("Bad request"),
    401: N_("Sign-in required"),
    403: N_("Access denied"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Request too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid input"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}


DETAILS = {
    401: N_("Sign in first."),
    403: N_("This request is not allowed: a permission or the CSRF token is missing."),
    404: N_("There is nothing at this address."),
    405: N_("This method is not allowed at this address."),
    413: N_("The request is too large."),
    415: N_("The request body has a media type this address does not accept."),
    429: N_("Too many requests. Try again later."),
    503: N_("The service is briefly unavailable. Try again in a minute."),
}


# Where a record named by a conflict lives: (page, API address) by entity type.
EXISTING_RECORDS = {"person": ("/persons/{id}", "/api/v1/persons/{id}")}
OPEN_EXISTING = N_("Open the existing record")


def existing_links(exc: DomainError) -> tuple[str, str] | None:
    """(page, API address) of the record a conflict names, if it names one of a known type."""
    existing = exc.existing if isinstance(exc, Conflict) else None
    if existing is None or existing[0] not in EXISTING_RECORDS:
        return None
    page, api = EXISTING_RECORDS[existing[0]]
    return page.format(id=existing[1]), api.format(id=existing[1])


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/")


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[Any]:
    lang = language_of(request)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": gettext(lang, TITLES.get(status, "Error")),
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra or {})  # RFC 9457 extension members, e.g. `existing`
    return Response(
        body,
        status_code=status,
        media_type="application/problem+json",
        headers={"Content-Language": lang, **(headers or {})},
    )


def _html(
    request: Request[Any, Any, Any], status: int, detail: str | None, link: str | None = None
) -> Response[Any]:
    lang = language_of(request)
    if request.headers.get("hx-request") and status != 422:
        # An HTMX request that failed: say so in the page's live status region instead of swapping an
        # error page into the target (a 422 carries its form block and swaps normally).
        message = detail or gettext(lang, TITLES.get(status, "Error"))
        more = f' <a href="{escape(link)}">{escape(gettext(lang, OPEN_EXISTING))}</a>' if link else ""
        return Response(
            f'<span class="status-error">{escape(message)}{more}</span>',
            status_code=status,
            media_type=MediaType.HTML,
            headers={"HX-Retarget": "#status", "HX-Reswap": "innerHTML"},
        )
    return Template(
        template_name="errors/error.html",
        context={
            "status": status,
            "title": gettext(lang, TITLES.get(status, "Error")),
            "detail": detail,
            "link": link,
        },
        status_code=status,
        media_type=MediaType.HTML,
    )


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    lang = language_of(request)
    detail = gettext(lang, exc.detail)
    links = existing_links(exc)
    if _is_api(request):
        errors = None
        if isinstance(exc, InvalidInput):
            errors = [{"field": f, "message": gettext(lang, m)} for f, ms in exc.errors.items() for m in ms]
            detail = gettext(lang, N_("The request has invalid or missing fields."))
        extra = {"existing": links[1]} if links else None
        return problem(request, exc.status_code, detail, errors, extra=extra)
    return _html(request, exc.status_code, detail, links[0] if links else None)


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's own body/query validation: 422 naming the fields (it answers 400 by default)."""
    lang = language_of(request)
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            errors.append(
                {
                    "field": str(item.get("key") or item.get("source") or "body"),
                    "message": str(item.get("message", "")),
                }
            )
    if _is_api(request):
        return problem(request, 422, gettext(lang, N_("The request has invalid or missing fields.")), errors)
    return _html(request, 422, gettext(lang, N_("The request has invalid or missing fields.")))


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, NotAuthorizedException) and not _is_api(request):
        if request.headers.get("hx-request"):
            return Response(b"", status_code=401, headers={"HX-Redirect": "/login"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?{urlencode({'next': target})}")
    headers = {k: v for k, v in (exc.headers or {}).items()}
    if _is_api(request):
        # The framework's own details are English internals ("no session data found"): say it in the
        # reader's language instead; our own refusals carry their message (`problem_detail`).
        message = getattr(exc, "problem_detail", None) or DETAILS.get(status)
        detail = gettext(language_of(request), message) if message else None
        return problem(request, status, detail, headers=headers)
    return _html(request, status, None)


def handle_unstorable(request: Request[Any, Any, Any], exc: DataError) -> Response[Any]:
    """Input the database refuses to store (a NUL character, a number or date out of range): the
    request's transaction has rolled back, so nothing was written; tell the user what kind of problem."""
    log.info("input refused by the database", path=request.url.path, error=type(exc.orig).__name__)
    lang = language_of(request)
    detail = gettext(lang, N_("The input contains characters or values that cannot be stored."))
    if _is_api(request):
        return problem(request, 422, detail)
    return _html(request, 422, detail)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", path=request.url.path)
    if _is_api(request):
        return problem(request, HTTP_500_INTERNAL_SERVER_ERROR)
    return _html(request, HTTP_500_INTERNAL_SERVER_ERROR, None)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: handle_domain_error,
    ValidationException: handle_validation,
    DataError: handle_unstorable,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
