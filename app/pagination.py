"""Keyset pagination (design §4): pages newest first on (timestamp, id), and an opaque cursor.

The cursor is only a position, not a permission: it is read under the reader's own tenant, so a forged
one shows nothing more; one that does not decode is treated as absent (the first page)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, tuple_

T = TypeVar("T")

_MAX_CURSOR = 120  # an ISO timestamp and a UUID, base64: about 90 characters


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: tuple[T, ...]
    next_cursor: str | None  # None on the last page


@dataclass(frozen=True)
class Position:
    at: dt.datetime
    id: uuid.UUID


def encode_cursor(at: dt.datetime, id_: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{id_}".encode()).decode().rstrip("=")


def decode_cursor(token: str | None) -> Position | None:
    if not token or len(token) > _MAX_CURSOR:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        at_text, id_text = raw.split("|")
        at = dt.datetime.fromisoformat(at_text)
        id_ = uuid.UUID(id_text)
    except ValueError:  # also binascii.Error and UnicodeDecodeError
        return None
    if at.tzinfo is None:
        return None
    return Position(at, id_)


def older_than(position: Position, at: Any, id_: Any) -> ColumnElement[bool]:
    """`(at, id) < (position)`: one row comparison, which PostgreSQL turns into an index range."""
    return tuple_(at, id_) < tuple_(position.at, position.id)


def page_of(rows: Sequence[T], limit: int, position: Callable[[T], tuple[dt.datetime, uuid.UUID]]) -> Page[T]:
    """`rows` were fetched with `limit + 1`: the extra one only tells that a next page exists."""
    shown = tuple(rows[:limit])
    more = len(rows) > limit and shown
    return Page(shown, encode_cursor(*position(shown[-1])) if more else None)
