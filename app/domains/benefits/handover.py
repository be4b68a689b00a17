"""The status hand-over (domain brief §2.3): needy and low-income statuses valid on a day, one row per
person holding them (each member of the status's declaration, and its applicant), for the municipality's
real-estate-tax administration and other institutions that grant relief by status.

Two shapes of the one query: keyset pages for the API, and a CSV file for Excel (UTF-8 with a BOM, `;`
separated, Latvian headers). Both need STATUS_EXPORT, and each export is written to the change log: what
was handed over, as of which day, how many rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select, and_, func, select, tuple_, union
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.assistance.models import AssistanceStatus, DeclarationMember
from app.domains.people.codes import display_code
from app.domains.people.models import Person
from app.i18n import N_, gettext, latvian_sort_key
from app.pagination import Page, decode_token, encode_token, page_of
from app.permissions import Permission
from app.tenants.models import Tenant

MAX_LIMIT = 500
STATUS_KINDS = {"needy": N_("Needy household"), "low_income": N_("Low-income household")}
CSV_COLUMNS = (
    N_("Personal code"),
    N_("First name"),
    N_("Last name"),
    N_("Status"),
    N_("Valid from"),
    N_("Valid to"),
    N_("Municipality"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class StatusHolder:
    status_id: uuid.UUID
    person_id: uuid.UUID
    personal_code: str | None  # 11 digits, no hyphen; None for a person identified otherwise
    first_name: str
    last_name: str
    kind: str  # needy | low_income
    valid_from: dt.date
    valid_to: dt.date
    municipality: str


@dataclass(frozen=True)
class HolderPosition:
    status_id: uuid.UUID
    person_id: uuid.UUID


def encode_holder_cursor(row: StatusHolder) -> str:
    return encode_token(row.status_id.bytes + row.person_id.bytes)


def decode_holder_cursor(token: str | None) -> HolderPosition | None:
    raw = decode_token(token)
    if raw is None or len(raw) != 32:
        return None
    return HolderPosition(uuid.UUID(bytes=raw[:16]), uuid.UUID(bytes=raw[16:]))


def _holders(tenant_id: uuid.UUID, on: dt.date) -> CompoundSelect[*tuple[Any, ...]]:
    """(status id, person id) for every person holding a status valid on `on`: the declaration's members
    and the applicant (who is normally one of them)."""
    valid = and_(
        AssistanceStatus.tenant_id == tenant_id,
        AssistanceStatus.valid_from <= on,
        AssistanceStatus.valid_to >= on,
    )
    members = select(
        AssistanceStatus.id.label("status_id"), DeclarationMember.person_id.label("person_id")
    ).join(
        DeclarationMember,
        and_(
            DeclarationMember.tenant_id == AssistanceStatus.tenant_id,
            DeclarationMember.declaration_id == AssistanceStatus.declaration_id,
        ),
    )
    applicants = select(AssistanceStatus.id, AssistanceStatus.applicant_id)
    return union(members.where(valid), applicants.where(valid))


def _select(tenant_id: uuid.UUID, on: dt.date) -> Select[*tuple[Any, ...]]:
    holders = _holders(tenant_id, on).subquery()
    return (
        select(
            AssistanceStatus.id,
            Person.id,
            Person.personal_code,
            Person.first_name,
            Person.last_name,
            AssistanceStatus.kind,
            AssistanceStatus.valid_from,
            AssistanceStatus.valid_to,
            Tenant.name,
        )
        .select_from(holders)
        .join(
            AssistanceStatus,
            and_(AssistanceStatus.tenant_id == tenant_id, AssistanceStatus.id == holders.c.status_id),
        )
        .join(Person, and_(Person.tenant_id == tenant_id, Person.id == holders.c.person_id))
        .join(Tenant, Tenant.id == AssistanceStatus.tenant_id)
    )


def _row(r: tuple[object, ...]) -> StatusHolder:
    return StatusHolder(*r)  # type: ignore[arg-type]


def _audit(session: AsyncSession, actor: Actor, on: dt.date, shape: str, rows: int, **extra: object) -> None:
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="benefits:status:export",
        entity_type="assistance_status",
        entity_id=None,
        after={"on": on, "format": shape, "rows": rows, **extra},
    )


async def statuses_page(
    session: AsyncSession,
    actor: Actor,
    on: dt.date,
    *,
    after: HolderPosition | None = None,
    limit: int = 100,
) -> Page[StatusHolder]:
    """One page of the hand-over, in (status, person) order; audited as an export of that page."""
    actor.require(Permission.STATUS_EXPORT)
    assert actor.tenant_id is not None
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = _select(actor.tenant_id, on)
    if after is not None:
        stmt = stmt.where(tuple_(AssistanceStatus.id, Person.id) > tuple_(after.status_id, after.person_id))
    stmt = stmt.order_by(AssistanceStatus.id, Person.id).limit(limit + 1)
    rows = [_row(tuple(r)) for r in await session.execute(stmt)]
    page = page_of(rows, limit, encode_holder_cursor)
    _audit(session, actor, on, "api", len(page.rows), continued=after is not None)
    return page


def _cell(value: str) -> str:
    """Text a spreadsheet would run as a formula is kept as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def holders_csv(rows: list[StatusHolder], language: str = "lv") -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the diacritics right), `;` between fields (the list
    separator of a Latvian Excel), ISO dates, personal codes with the hyphen (kept as text, leading zero
    and all)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([gettext(language, column) for column in CSV_COLUMNS])
    for r in rows:
        writer.writerow(
            [
                display_code(r.personal_code) or "",
                _cell(r.first_name),
                _cell(r.last_name),
                gettext(language, STATUS_KINDS.get(r.kind, r.kind)),
                r.valid_from.isoformat(),
                r.valid_to.isoformat(),
                _cell(r.municipality),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


async def statuses_csv(session: AsyncSession, actor: Actor, on: dt.date, language: str = "lv") -> bytes:
    """The whole hand-over as one CSV file, by name; audited. A municipality has at most some thousands
    of status holders, so the file is built in memory (about 100 bytes a row)."""
    actor.require(Permission.STATUS_EXPORT)
    assert actor.tenant_id is not None
    rows = [_row(tuple(r)) for r in await session.execute(_select(actor.tenant_id, on))]
    rows.sort(
        key=lambda r: (latvian_sort_key(f"{r.last_name} {r.first_name}"), r.personal_code or "", r.valid_from)
    )
    _audit(session, actor, on, "csv", len(rows))
    return holders_csv(rows, language)


async def count_holders(session: AsyncSession, actor: Actor, on: dt.date) -> int:
    """How many rows the hand-over on `on` has (the page says so before the download; not an export)."""
    actor.require(Permission.STATUS_EXPORT)
    assert actor.tenant_id is not None
    holders = _holders(actor.tenant_id, on).subquery()
    return int(await session.scalar(select(func.count()).select_from(holders)) or 0)
