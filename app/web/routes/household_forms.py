"""Shared by the household page and the person's household tab: reading form fields, the person picker,
the choice lists and the response helpers. Nothing here decides a rule; the services do."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from typing import Annotated, Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from app.dates import DateError, parse_day
from app.domains.households.rules import MEMBER_ROLES, RELATIONSHIP_KINDS
from app.domains.households.service import MemberOfAnotherHousehold
from app.domains.people.queries import person_id_by_code
from app.domains.people.rules import search_terms
from app.domains.people.search import SearchRow, search_persons
from app.errors import InvalidInput
from app.i18n import N_, TIMEZONE

Form = Annotated[dict[str, str | list[str]], Body(media_type=RequestEncodingType.URL_ENCODED)]

ROLE_CHOICES = list(MEMBER_ROLES.items())
KIND_CHOICES = list(RELATIONSHIP_KINDS.items())
PICKER_LIMIT = 8
CHOOSE_PERSON = N_("Find the person by personal code or name and choose them from the list.")
NOT_FOUND_BY_CODE = N_("No person with this personal code is registered in this municipality.")
SEVERAL_FOUND = N_("Several persons match: choose one from the list.")
SAVED = N_("Saved")
ADDED = N_("Added")
REMOVED = N_("Removed")


def today() -> dt.date:
    """The municipalities' day, whatever the server's zone."""
    return dt.datetime.now(TIMEZONE).date()


def one(data: dict[str, str | list[str]], key: str, max_length: int = 2000) -> str:
    """The field's last value as text, without control characters, at most `max_length` characters (a
    longer value is cut here and refused by the service's own length rule where one applies)."""
    value = data.get(key, "")
    text = value[-1] if isinstance(value, list) and value else value
    text = text if isinstance(text, str) else ""
    return "".join(ch for ch in text[: max_length + 1] if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


class FormReader:
    """Reads typed values from a posted form, keeping the text as typed for re-display and collecting a
    message per field that could not be read."""

    def __init__(self, data: dict[str, str | list[str]]) -> None:
        self.data = data
        self.values: dict[str, str] = {}
        self.errors: dict[str, list[str]] = {}

    def text(self, name: str, max_length: int = 2000) -> str:
        self.values[name] = one(self.data, name, max_length)
        return self.values[name]

    def day(self, name: str) -> dt.date | None:
        """ISO (a date input) or dd.mm.yyyy (typed); empty is None, and the service says if one is needed."""
        raw = self.text(name, 20).strip()
        if not raw:
            return None
        try:
            return parse_day(raw)
        except DateError as exc:
            self.errors[name] = [str(exc)]
            return None

    def uuid(self, name: str, message: str) -> uuid.UUID | None:
        raw = self.text(name, 40).strip()
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            self.errors[name] = [message]
            return None

    def integer(self, name: str) -> int:
        raw = self.text(name, 12).strip()
        return int(raw) if raw.isdigit() else -1

    def check(self, *also: dict[str, list[str]]) -> None:
        """Refuses the form when a field could not be read. The messages of `also` (checks that need no
        database) are shown with them for the other fields, so every mistake is marked at once."""
        if self.errors:
            for more in also:
                for field, messages in more.items():
                    self.errors.setdefault(field, messages)
            raise InvalidInput(self.errors)


async def candidates(session: AsyncSession, q: str, *, day: dt.date) -> tuple[SearchRow, ...]:
    """Persons matching the picker's text (a personal code, its start, or a name's start): the client
    list's own search, first few only."""
    terms = search_terms(q[:100])
    if terms is None:
        return ()
    found = await search_persons(session, terms, today=day, limit=PICKER_LIMIT)
    return found.rows


async def pick_person(
    session: AsyncSession, reader: FormReader, *, field: str, query_field: str, day: dt.date
) -> tuple[uuid.UUID | None, tuple[SearchRow, ...]]:
    """The person chosen in a picker: the radio `field` when one was chosen, else the text typed in
    `query_field` when it finds exactly one person (so the form works without JavaScript: type the code,
    press Save). Otherwise a message for `field`, and the candidates to choose from."""
    chosen = reader.uuid(field, CHOOSE_PERSON)
    q = reader.text(query_field, 100).strip()
    if chosen is not None or field in reader.errors:
        return chosen, await candidates(session, q, day=day) if q else ()
    if not q:
        reader.errors[field] = [CHOOSE_PERSON]
        return None, ()
    terms = search_terms(q)
    if terms is not None and terms.mode == "code" and len(terms.text) == 11:
        found_id = await person_id_by_code(session, terms.text)
        if found_id is not None:
            return found_id, ()
        reader.errors[field] = [NOT_FOUND_BY_CODE]
        return None, ()
    rows = await candidates(session, q, day=day)
    if len(rows) == 1:
        return rows[0].id, rows
    reader.errors[field] = [SEVERAL_FOUND if rows else CHOOSE_PERSON]
    return None, rows


def clash_of(exc: InvalidInput) -> dict[str, Any] | None:
    """The other household a refused membership collides with, for a message that links to it."""
    if isinstance(exc, MemberOfAnotherHousehold):
        return {"field": exc.field, "id": exc.household_id, "label": exc.household_label}
    return None


def blocks(
    template: str, names: list[str], status: int = 200, push_url: str | None = None, **context: Any
) -> HTMXBlockTemplate:
    return HTMXBlockTemplate(
        template_name=template,
        block_names=names,
        context=context,
        status_code=status,
        push_url=push_url,
    )


def base_context(**values: Any) -> dict[str, Any]:
    return {
        "role_choices": ROLE_CHOICES,
        "kind_choices": KIND_CHOICES,
        "role_labels": MEMBER_ROLES,
        "kind_labels": RELATIONSHIP_KINDS,
        "values": {},
        "errors": {},
        "clash": None,
        "candidates": (),
        **values,
    }
