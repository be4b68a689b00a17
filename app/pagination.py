"""Keyset pagination (design §4): pages newest first on (timestamp, id), (day, id) or the id alone
(UUIDv7 ids are time-ordered), and an opaque cursor.

The cursor is only a position, not a permission: it is read under the reader's own tenant, so a forged
one shows nothing more. One that does not decode is treated as absent (the first page) on web pages and
refused by the API (app/api/v1/cursors.py)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
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


@dataclass(frozen=True)
class DayPosition:
    day: dt.date
    id: uuid.UUID


def encode_token(raw: bytes) -> str:
    """A cursor's text: base64url without the padding."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, max_length: int = _MAX_CURSOR) -> bytes | None:
    """The bytes of a cursor; None when there is none, it is longer than any cursor is, or not base64."""
    if not token or len(token) > max_length:
        return None
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:  # also binascii.Error
        return None


def encode_cursor(at: dt.datetime, id_: uuid.UUID) -> str:
    return encode_token(f"{at.isoformat()}|{id_}".encode())


def decode_cursor(token: str | None) -> Position | None:
    raw = decode_token(token)
    try:
        at_text, id_text = raw.decode().split("|") if raw is not None else ("", "")
        at = dt.datetime.fromisoformat(at_text)
        id_ = uuid.UUID(id_text)
    except ValueError:  # also UnicodeDecodeError
        return None
    if at.tzinfo is None:
        return None
    return Position(at, id_)


def encode_day_cursor(day: dt.date, id_: uuid.UUID) -> str:
    return encode_token(f"{day.isoformat()}|{id_}".encode())


def decode_day_cursor(token: str | None) -> DayPosition | None:
    raw = decode_token(token)
    try:
        day_text, id_text = raw.decode().split("|") if raw is not None else ("", "")
        return DayPosition(dt.date.fromisoformat(day_text), uuid.UUID(id_text))
    except ValueError:  # also UnicodeDecodeError
        return None


def encode_id_cursor(id_: uuid.UUID) -> str:
    return encode_token(id_.bytes)


def decode_id_cursor(token: str | None) -> uuid.UUID | None:
    raw = decode_token(token)
    try:
        return uuid.UUID(bytes=raw) if raw is not None else None
    except ValueError:
        return None


def older_than(position: Position | DayPosition, at: Any, id_: Any) -> ColumnElement[bool]:
    """`(at, id) < position`: one row comparison, which PostgreSQL turns into an index range."""
    return tuple_(at, id_) < tuple_(*astuple(position))


def page_of(rows: Sequence[T], limit: int, cursor: Callable[[T], str]) -> Page[T]:
    """`rows` were fetched with `limit + 1`: the extra one only tells that a next page exists; `cursor`
    gives the position after a row (encode_cursor, encode_day_cursor or encode_id_cursor of its key)."""
    shown = tuple(rows[:limit])
    more = len(rows) > limit and shown
    return Page(shown, cursor(shown[-1]) if more else None)
