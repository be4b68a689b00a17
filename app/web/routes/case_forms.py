"""Helpers shared by the case-file pages (cases, timeline, documents, register, activity report):
reading posted forms, the municipality's today, redirects that htmx follows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect

from app.domains.cases.access import municipal_today

# Repeated fields (checkboxes) arrive as a list, single ones as a string.
FormData = dict[str, str | list[str]]
Form = Annotated[FormData, Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_FIELD = 25_000  # longer than any field may be; cut before any rule looks at it


def today() -> dt.date:
    """The municipalities' today (Europe/Riga), whatever the server's clock zone."""
    return municipal_today()


def dotted(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def many(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    values = value if isinstance(value, list) else [value]
    return [v[:MAX_FIELD] for v in values if isinstance(v, str)]


def one(data: Mapping[str, Any], key: str) -> str:
    values = many(data, key)
    return values[-1] if values else ""


def values_of(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    return {name: one(data, name) for name in names}


def read_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip()) if value.strip() else None
    except ValueError:
        return None


def read_version(value: str) -> int | None:
    """The version a form was shown with; None (no check) only when the field is missing altogether."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1


def go_to(request: HTMXRequest, path: str) -> Response[Any]:
    """After an act: htmx follows HX-Redirect (a full page load), a plain form the 303. A browser only
    scrolls when the new address differs from the current one by its #fragment alone, so the page
    the act came from is reloaded without the fragment instead."""
    if request.htmx:
        target, _, fragment = path.partition("#")
        current = urlsplit(request.htmx.current_url or "")
        if fragment and current.path == target and not current.query:
            return ClientRedirect(redirect_to=target)
        return ClientRedirect(redirect_to=path)
    return Redirect(path=path, status_code=303)


def first_error(errors: Mapping[str, Any], order: Iterable[str]) -> str | None:
    """The field that gets the focus after a refused form: the first with a message, in form order."""
    return next((name for name in order if name in errors), next(iter(errors), None))
