"""The change log's before/after snapshots as the reader sees them: one row per field, every value as
text in the reader's language. Pure functions: the names of the staff a snapshot mentions are looked
up beforehand, in one batch, by app/audit/queries.py."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.audit.labels import FIELD_LABELS, NO, USER_ID_FIELDS, VALUE_LABELS, YES

Translate = Callable[[str], str]
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class FieldChange:
    """One key of a before/after pair, as text ("" when absent)."""

    key: str
    label: str
    before: str
    after: str
    changed: bool


def _untranslated(message: str) -> str:
    return message


def shown_value(
    key: str,
    value: Any,
    *,
    translate: Translate = _untranslated,
    user_names: Mapping[uuid.UUID, str] | None = None,
) -> str:
    """A snapshot value as text: yes/no, labelled roles and sign-in methods, a staff member's name for
    their id (the id itself when they may not be named), dates as dd.mm.yyyy; anything else as stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return translate(YES if value else NO)
    if isinstance(value, list):
        return ", ".join(shown_value(key, v, translate=translate, user_names=user_names) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if key in USER_ID_FIELDS:
        try:
            return (user_names or {}).get(uuid.UUID(text), text)
        except ValueError:
            return text
    labels = VALUE_LABELS.get(key, {})
    if text in labels:
        return translate(labels[text])
    day = _ISO_DAY.match(text)
    return f"{day[3]}.{day[2]}.{day[1]}" if day else text


def field_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    translate: Translate = _untranslated,
    user_names: Mapping[uuid.UUID, str] | None = None,
) -> tuple[FieldChange, ...]:
    """Every key of either snapshot, alphabetically (JSONB keeps no order), marking the ones that differ."""
    before, after = before or {}, after or {}

    def text(key: str, value: Any) -> str:
        return shown_value(key, value, translate=translate, user_names=user_names)

    return tuple(
        FieldChange(
            key,
            translate(FIELD_LABELS[key]) if key in FIELD_LABELS else key,
            text(key, before.get(key)),
            text(key, after.get(key)),
            before.get(key) != after.get(key),
        )
        for key in sorted(before.keys() | after.keys())
    )
