"""OAuth2 scopes of the partner API and the permissions each one grants (design §6).

A partner's access token carries scopes, never roles: the principal it becomes (`Actor.for_api_client`)
holds exactly the permissions of its scopes, and the services check those as for staff. Each API operation
a partner may call names its scope (`app/api/bearer.py: partner_access`); an operation naming none is
closed to partners whatever their scopes.

Scopes stay narrow and read-only on purpose. Reading persons or cases is left out until the access log
can name an API client as the reader (it records staff user ids, and a person sees it in the e-services)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.permissions import Permission

STATUSES_READ = "statuses:read"

SCOPE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    # The needy / low-income status hand-over (e.g. the real-estate-tax administration).
    STATUSES_READ: frozenset({Permission.STATUS_EXPORT}),
}
# Shown in the OpenAPI document (the OAuth2 flow's scopes) and by `atbalsts api-client list`.
SCOPE_DESCRIPTIONS: dict[str, str] = {
    STATUSES_READ: "Needy and low-income statuses valid on a day (the status hand-over).",
}
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


def permissions_for_scopes(scopes: Iterable[str]) -> frozenset[Permission]:
    """The union of what the scopes grant; an unknown scope grants nothing."""
    granted: set[Permission] = set()
    for scope in scopes:
        granted |= SCOPE_PERMISSIONS.get(scope, frozenset())
    return frozenset(granted)


def parse_scope(value: str) -> list[str] | None:
    """The scope tokens of a `scope` parameter (order kept, repeats dropped); None when it is not
    well-formed."""
    tokens = value.split(" ")
    if not all(_SCOPE_TOKEN.fullmatch(t) for t in tokens):
        return None
    return list(dict.fromkeys(tokens))


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    return [s for s in scopes if s not in SCOPE_PERMISSIONS]
