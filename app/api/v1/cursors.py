"""Reading the `cursor` query parameter of the API's lists. A web page that gets a cursor it cannot read
starts again at the first page; an API client gets 422 instead, since silently returning the first page
again would make a client that loops over pages repeat them for ever."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.errors import InvalidInput
from app.i18n import N_

T = TypeVar("T")

BAD_CURSOR = N_(
    "The cursor is not valid: pass the next_cursor of the previous page unchanged, or leave it out for the "
    "first page."
)


def read_cursor(token: str | None, decode: Callable[[str | None], T | None]) -> T | None:
    """The position `token` names (decoded by the list's own decoder), None for the first page."""
    if not token:
        return None
    position = decode(token)
    if position is None:
        raise InvalidInput({"cursor": [BAD_CURSOR]})
    return position
