"""The Jinja environment: i18n per request, Latvian formats for dates and money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection
from markupsafe import Markup

from app.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    format_day,
    format_money,
    format_number,
    negotiate,
    translations,
)
from app.permissions import ROLE_LABELS

LANG_COOKIE = "lang"


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The reader's language: their explicit choice (cookie), then Accept-Language, then Latvian."""
    cached = connection.scope.get("state", {}).get("atbalsts.lang")
    if cached:
        return str(cached)
    lang = negotiate(connection.headers.get("accept-language"), connection.cookies.get(LANG_COOKIE))
    connection.scope.setdefault("state", {})["atbalsts.lang"] = lang
    return lang


def _lang(context: Context) -> str:
    request = context.get("request")
    return language_of(request) if request is not None else DEFAULT_LANGUAGE


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translations(_lang(context)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translations(_lang(context)).ngettext(singular, plural, n)


@pass_context
def _date(context: Context, value: dt.date | dt.datetime | None, fmt: str = "dd.MM.yyyy") -> str:
    if value is None:
        return ""
    return format_day(value, _lang(context), fmt)


@pass_context
def _money(context: Context, value: Decimal | None) -> str:
    """1 234,56 € in Latvian."""
    if value is None:
        return ""
    return format_money(value, _lang(context))


@pass_context
def _number(context: Context, value: int | Decimal) -> str:
    return format_number(value, _lang(context))


@pass_context
def _current_lang(context: Context) -> str:
    return _lang(context)


@pass_context
def _current_actor(context: Context) -> Any:
    """The signed-in user, or None on public pages (where no auth ran)."""
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


@pass_context
def _tenant_field(context: Context) -> Markup:
    """The municipality a plain (non-htmx) form was shown for; acts refuse a mismatch (app/web/deps.py)."""
    actor = _current_actor(context)
    if actor is None or actor.tenant_id is None:
        return Markup("")
    return Markup('<input type="hidden" name="_tenant" value="{}">').format(actor.tenant_id)


def setup_environment(env: Environment) -> None:
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = _date
    env.filters["money"] = _money
    env.filters["number"] = _number
    env.globals["current_lang"] = _current_lang
    env.globals["languages"] = LANGUAGES
    env.globals["language_names"] = LANGUAGE_NAMES
    env.globals["current_actor"] = _current_actor
    env.globals["tenant_field"] = _tenant_field
    env.globals["role_labels"] = ROLE_LABELS
    env.trim_blocks = True
    env.lstrip_blocks = True
