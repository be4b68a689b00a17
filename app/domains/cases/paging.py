"""Keyset positions on a day and an id (the timeline, the register, a person's cases), newest first.

Like app/pagination.py's cursors: an opaque token that is only a position; one that does not decode is
treated as absent (the first page), and it is read under the reader's own tenant and visibility."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, tuple_

from app.pagination import Page

T = TypeVar("T")
_MAX_TOKEN = 80


@dataclass(frozen=True)
class DayPosition:
    day: dt.date
    id: uuid.UUID


def encode_day_cursor(day: dt.date, id_: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{day.isoformat()}|{id_}".encode()).decode().rstrip("=")


def decode_day_cursor(token: str | None) -> DayPosition | None:
    if not token or len(token) > _MAX_TOKEN:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        day_text, id_text = raw.split("|")
        return DayPosition(dt.date.fromisoformat(day_text), uuid.UUID(id_text))
    except ValueError:  # also binascii.Error and UnicodeDecodeError
        return None


def before(position: DayPosition, day: Any, id_: Any) -> ColumnElement[bool]:
    """`(day, id) < position`: one row comparison, an index range where (day, id) is indexed."""
    return tuple_(day, id_) < tuple_(position.day, position.id)


def day_page(rows: Sequence[T], limit: int, position: Callable[[T], tuple[dt.date, uuid.UUID]]) -> Page[T]:
    """`rows` were fetched with `limit + 1`: the extra one only tells that a next page exists."""
    shown = tuple(rows[:limit])
    more = len(rows) > limit and shown
    return Page(shown, encode_day_cursor(*position(shown[-1])) if more else None)


def encode_id_cursor(id_: uuid.UUID) -> str:
    """Lists in creation order need only the id: UUIDv7 ids are time-ordered."""
    return base64.urlsafe_b64encode(id_.bytes).decode().rstrip("=")


def decode_id_cursor(token: str | None) -> uuid.UUID | None:
    if not token or len(token) > _MAX_TOKEN:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return uuid.UUID(bytes=raw)
    except ValueError:
        return None


def id_page(rows: Sequence[T], limit: int, key: Callable[[T], uuid.UUID]) -> Page[T]:
    shown = tuple(rows[:limit])
    more = len(rows) > limit and shown
    return Page(shown, encode_id_cursor(key(shown[-1])) if more else None)
