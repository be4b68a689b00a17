"""The search of the client list (a page of persons in name order, with the current declared address).

Search under row-level security (design §4): only leakproof operators (equality, ranges) can be index
conditions below the policy, so every "starts with" is a range `key >= prefix AND key < bound` on a
stored normalised column with collation "C" (`persons.name_norm`, `person_addresses.address_norm`), and a
personal code is looked up by equality — never LIKE. Two statements, pinned in
tests/integration/test_people_service.py."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.people.models import FormerPersonalCode, Person, PersonAddress
from app.domains.people.queries import MAX_LIMIT, tenant_of
from app.domains.people.rules import SearchTerms, display_code, prefix_upper_bound, strip_unstorable
from app.pagination import decode_token, encode_token, page_of

COUNT_CAP = 1000  # a count above this is shown as "more than 1000": exact figures cost a scan


@dataclass(frozen=True)
class SearchRow:
    id: uuid.UUID
    first_name: str
    last_name: str
    name_norm: str
    personal_code: str | None  # display form
    other_id_kind: str | None
    other_id: str | None
    birth_date: dt.date | None
    died_on: dt.date | None
    address: str | None  # the current declared address
    found_by_former_code: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class SearchPage:
    rows: tuple[SearchRow, ...]
    next_cursor: str | None
    total: int  # a search's count stops at COUNT_CAP + 1
    terms: SearchTerms | None

    @property
    def total_capped(self) -> bool:
        return self.terms is not None and self.total > COUNT_CAP


@dataclass(frozen=True)
class NamePosition:
    name_norm: str
    id: uuid.UUID


_MAX_CURSOR = 1400  # a name key of 201 characters (up to 4 bytes each) and a UUID, base64


def encode_name_cursor(name_norm: str, id_: uuid.UUID) -> str:
    return encode_token(f"{name_norm}|{id_}".encode())


def decode_name_cursor(token: str | None) -> NamePosition | None:
    """The position after which the next page starts; a token that does not decode is no position (the
    first page). It is only a position, read under the reader's tenant: a forged one shows nothing more."""
    raw = decode_token(token, _MAX_CURSOR)
    try:
        name, id_text = raw.decode().rsplit("|", 1) if raw is not None else ("", "")
        if strip_unstorable(name) != name:
            return None
        return NamePosition(name, uuid.UUID(id_text))
    except ValueError:  # also UnicodeDecodeError
        return None


def _name_range(column: Any, prefix: str) -> ColumnElement[bool]:
    bound = prefix_upper_bound(prefix)
    lower = column >= prefix
    return and_(lower, column < bound) if bound is not None else lower


def _digits_bound(prefix: str) -> str | None:
    """The next digit string of the same length ("1611759" → "1611760"): a bound that compares the same
    under any collation, as the personal code column has the database's default one."""
    digits = list(prefix)
    for i in range(len(digits) - 1, -1, -1):
        if digits[i] != "9":
            digits[i] = str(int(digits[i]) + 1)
            return "".join(digits[: i + 1]) + "0" * (len(digits) - i - 1)
    return None


def _current(day: dt.date) -> ColumnElement[bool]:
    return and_(
        PersonAddress.valid_from <= day, or_(PersonAddress.valid_to.is_(None), PersonAddress.valid_to >= day)
    )


def _rows_statement(day: dt.date) -> Select[tuple[object, ...]]:
    """Persons with their current declared address (a lateral lookup per row, on the person index)."""
    declared = (
        select(PersonAddress.line, PersonAddress.locality)
        .where(
            PersonAddress.tenant_id == Person.tenant_id,
            PersonAddress.person_id == Person.id,
            PersonAddress.kind == "declared",
            _current(day),
        )
        .order_by(PersonAddress.valid_from.desc())
        .limit(1)
        .lateral("declared")
    )
    return select(
        Person.id,
        Person.first_name,
        Person.last_name,
        Person.name_norm,
        Person.personal_code,
        Person.other_id_kind,
        Person.other_id,
        Person.birth_date,
        Person.died_on,
        declared.c.line,
        declared.c.locality,
    ).outerjoin(declared, true())


def _row(r: Any, former: set[uuid.UUID]) -> SearchRow:
    return SearchRow(
        id=r.id,
        first_name=r.first_name,
        last_name=r.last_name,
        name_norm=r.name_norm,
        personal_code=display_code(r.personal_code),
        other_id_kind=r.other_id_kind,
        other_id=r.other_id,
        birth_date=r.birth_date,
        died_on=r.died_on,
        address=", ".join(p for p in (r.line, r.locality) if p) or None,
        found_by_former_code=r.id in former,
    )


def _word_prefixes(text: str) -> ColumnElement[bool]:
    """Each word of `text` starts a word of the name, in order ("berz andr" → "berzins andris"): the first
    word as a range (the index condition), the rest as a pattern checked on the rows the range found."""
    first, *rest = text.split(" ")
    condition = _name_range(Person.name_norm, first)
    if not rest:
        return condition
    pattern = "% ".join(re.sub(r"([\\%_])", r"\\\1", w) for w in (first, *rest)) + "%"
    return and_(condition, Person.name_norm.like(pattern, escape="\\"))


def name_search_condition(terms: SearchTerms) -> ColumnElement[bool]:
    """Every word of the text starts a word of `name_norm` (last name first), in the order typed or with
    its last word first: a range on the first word's prefix each, so an index condition under RLS."""
    found = [_word_prefixes(p) for p in (terms.text, *terms.alternatives)]
    return or_(*found) if len(found) > 1 else found[0]


async def search_persons(
    session: AsyncSession,
    terms: SearchTerms | None,
    *,
    today: dt.date,
    after: NamePosition | None = None,
    limit: int = 25,
) -> SearchPage:
    """A page of the client list in name order (name_norm, id), filtered by the search terms (None: every
    person). Two statements: the page (rows with their current declared address) and the capped count."""
    tenant = tenant_of(session)
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = _rows_statement(today).where(Person.tenant_id == tenant)
    counted: Select[Any] = select(Person.id).where(Person.tenant_id == tenant)
    former_ids: set[uuid.UUID] = set()
    if terms is not None and terms.mode == "name":
        condition = name_search_condition(terms)
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "code" and len(terms.text) == 11:
        # Exact: the current code, or a former one (an exchanged old-format code still finds the person).
        former = select(FormerPersonalCode.person_id).where(
            FormerPersonalCode.tenant_id == tenant, FormerPersonalCode.code == terms.text
        )
        ids = set(await session.scalars(former))
        former_ids = ids
        condition = (
            or_(Person.personal_code == terms.text, Person.id.in_(ids))
            if ids
            else (Person.personal_code == terms.text)
        )
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "code":
        bound = _digits_bound(terms.text)
        condition = Person.personal_code >= terms.text
        if bound is not None:
            condition = and_(condition, Person.personal_code < bound)
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "other_id":
        condition = Person.other_id == terms.text
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "address":
        # The matching current addresses first (a range on the address index), then their persons in
        # name order: a rare address does not make the name index walk the whole municipality.
        matches = (
            select(PersonAddress.person_id)
            .where(
                PersonAddress.tenant_id == tenant,
                _name_range(PersonAddress.address_norm, terms.text),
                _current(today),
            )
            .distinct()
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        condition = Person.id.in_(select(matches.c.person_id))
        stmt, counted = stmt.where(condition), counted.where(condition)
    if after is not None:
        stmt = stmt.where(tuple_(Person.name_norm, Person.id) > tuple_(after.name_norm, after.id))
    stmt = stmt.order_by(Person.name_norm, Person.id).limit(limit + 1)
    found = [_row(r, former_ids) for r in (await session.execute(stmt)).all()]
    # The whole register is counted exactly (one index-only pass over the municipality); a search is
    # counted up to the cap, which is all the reader needs ("more than 1000: type more").
    capped = counted if terms is None else counted.limit(COUNT_CAP + 1)
    total = int(await session.scalar(select(func.count()).select_from(capped.subquery())) or 0)
    page = page_of(found, limit, lambda r: encode_name_cursor(r.name_norm, r.id))
    return SearchPage(page.rows, page.next_cursor, total, terms)
