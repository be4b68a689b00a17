"""The import's side of the register (sync SQLAlchemy, inside the worker's one data transaction): which
rows name persons already registered (and may join an imported household), the plan of what to create,
and the bulk save — Core INSERTs of a thousand rows per statement, no ORM unit of work per row."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.orm import Session

from app.audit.models import ChangeLog
from app.audit.service import jsonable, record_change
from app.domains.households.models import Household, HouseholdMember
from app.domains.households.rules import Membership, Period, membership_clash
from app.domains.people.importing import COMMITTING
from app.domains.people.importing_read import Header, Problem
from app.domains.people.importing_rows import ImportRow
from app.domains.people.models import FormerPersonalCode, Person, PersonAddress
from app.i18n import N_
from app.ids import uuid7

BATCH = 1000  # rows per bulk statement (and per progress step while saving)
LOOKUP_CHUNK = 5000


class Reporter(Protocol):
    """Where the save reports its progress (`importing_run.Progress`)."""

    def start(self, status: str, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class Registered:
    id: uuid.UUID
    personal_code: str | None
    other_id_kind: str | None
    other_id: str | None
    name_norm: str


# --- the register: who is already there ---------------------------------------------------------------


def chunks(items: Sequence[Any], size: int = LOOKUP_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_REGISTERED_COLUMNS = (
    Person.id,
    Person.personal_code,
    Person.other_id_kind,
    Person.other_id,
    Person.name_norm,
)


def _as_registered(row: Any) -> Registered:
    return Registered(row.id, row.personal_code, row.other_id_kind, row.other_id, row.name_norm)


def registered_persons(
    session: Session, rows: Sequence[ImportRow], *, lock: bool
) -> dict[tuple[str, ...], Registered]:
    """The persons already registered that rows name, by the row's identities: ("code", c) through the
    current or a former code, ("other", kind, number). Equality lookups in chunks (index conditions
    under row-level security)."""
    codes = sorted({r.person.personal_code for r in rows if r.person.personal_code})
    others = sorted({(r.person.other_id_kind, r.person.other_id) for r in rows if r.person.other_id})
    found: dict[tuple[str, ...], Registered] = {}
    for chunk in chunks(codes):
        for row in session.execute(select(*_REGISTERED_COLUMNS).where(Person.personal_code.in_(chunk))):
            found[("code", row.personal_code)] = _as_registered(row)
        former = session.execute(
            select(FormerPersonalCode.code, *_REGISTERED_COLUMNS)
            .join(Person, Person.id == FormerPersonalCode.person_id)
            .where(FormerPersonalCode.code.in_(chunk))
        )
        for earlier in former:
            found.setdefault(("code", earlier.code), _as_registered(earlier))
    for chunk in chunks(others):
        query = select(*_REGISTERED_COLUMNS).where(
            tuple_(Person.other_id_kind, Person.other_id).in_(list(chunk))
        )
        for row in session.execute(query):
            found[("other", row.other_id_kind, row.other_id)] = _as_registered(row)
    if lock and found:
        # Linked persons get a membership: their rows are locked, in id order, as the household service
        # locks a person before checking their memberships, so neither act misses the other's.
        ids = sorted({p.id for p in found.values()})
        for chunk in chunks(ids):
            session.execute(
                select(Person.id).where(Person.id.in_(chunk)).order_by(Person.id).with_for_update()
            )
    return found


def identify(
    row: ImportRow, registered: dict[tuple[str, ...], Registered]
) -> tuple[Registered | None, str | None]:
    """The registered person this row is, or a message why it cannot be either new or that person."""
    person = row.person
    by_code = registered.get(("code", person.personal_code)) if person.personal_code else None
    by_other = (
        registered.get(("other", person.other_id_kind or "", person.other_id)) if person.other_id else None
    )
    if by_code and by_other and by_code.id != by_other.id:
        return None, N_(
            "The personal code and the other identifier belong to two different registered persons."
        )
    if by_code is None and by_other is not None and person.personal_code and by_other.personal_code:
        return None, N_("A person with this other identifier is registered with another personal code.")
    match = by_code or by_other
    if match is not None and match.name_norm != person.name_norm:
        return None, N_("A person with this identifier is already registered under another name.")
    return match, None


def register_problems(
    session: Session,
    rows: Sequence[ImportRow],
    registered: dict[tuple[str, ...], Registered],
    header: Header,
    *,
    lock: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    column = header.column("personal_code") or header.column("other_id")
    linked: dict[uuid.UUID, ImportRow] = {}
    for r in rows:
        match, message = identify(r, registered)
        if message is not None:
            problems.append(Problem(r.row, column, message))
        elif match is not None and r.household_key is not None:
            linked[match.id] = r
    if not linked:
        return problems
    # A registered person joining an imported household must not be in another household meanwhile.
    existing: dict[uuid.UUID, list[Membership]] = {}
    for chunk in chunks(sorted(linked)):
        query = select(
            HouseholdMember.person_id,
            HouseholdMember.household_id,
            HouseholdMember.joined_on,
            HouseholdMember.left_on,
            HouseholdMember.id,
        ).where(HouseholdMember.person_id.in_(chunk))
        for person_id, household_id, joined, left, member_id in session.execute(query):
            existing.setdefault(person_id, []).append(
                Membership(household_id, Period(joined, left), member_id)
            )
    new_household = uuid.UUID(int=0)  # not any stored household: a clash can only be with another one
    for person_id, r in linked.items():
        assert r.joined_on is not None
        clash = membership_clash(new_household, Period(r.joined_on, None), existing.get(person_id, ()))
        if clash is not None:
            problems.append(Problem(r.row, header.column("household_key"), clash.message))
    return problems


# --- the plan and the save --------------------------------------------------------------------------------


@dataclass
class Plan:
    rows: list[tuple[ImportRow, uuid.UUID, bool]]  # row, person id, new?
    households: dict[str, uuid.UUID]

    def counts(self) -> dict[str, int]:
        new = sum(1 for _, _, is_new in self.rows if is_new)
        members = sum(1 for r, _, _ in self.rows if r.household_key is not None)
        linked = sum(1 for r, _, is_new in self.rows if not is_new and r.household_key is not None)
        return {
            "new_persons": new,
            "existing_persons": len(self.rows) - new,
            "linked_persons": linked,
            "households": len(self.households),
            "memberships": members,
            "addresses": sum(1 for r, _, is_new in self.rows if is_new and r.address is not None),
        }


def plan_rows(rows: Sequence[ImportRow], registered: dict[tuple[str, ...], Registered]) -> Plan:
    planned: list[tuple[ImportRow, uuid.UUID, bool]] = []
    households: dict[str, uuid.UUID] = {}
    for r in rows:
        match, message = identify(r, registered)
        if message is None:
            planned.append((r, match.id, False) if match is not None else (r, uuid7(), True))
        if r.household_key is not None and r.household_key not in households:
            households[r.household_key] = uuid7()
    return Plan(planned, households)


def _table(model: type[Any]) -> Table:
    """The mapped class's table: Core bulk INSERTs (insertmanyvalues), no ORM unit of work per row."""
    return cast(Table, model.__table__)


def _household_label(members: list[ImportRow]) -> str:
    """The head (or the first member listed) and the address: "Jānis Bērziņš, Brīvības iela 12-5"."""
    lead = next((m for m in members if m.role == "head"), members[0])
    label = lead.name
    if lead.address is not None:
        label = f"{label}, {lead.address.line}"
    return label[:200]


def save_plan(
    session: Session,
    plan: Plan,
    filename: str,
    progress: Reporter,
    user_id: uuid.UUID | None,
    job_id: uuid.UUID,
    summary: dict[str, Any],
) -> None:
    tenant = session.info["tenant_id"]
    progress.start(COMMITTING, len(plan.rows))

    def audit(action: str, entity_type: str, entity_id: uuid.UUID, after: dict[str, Any]) -> dict[str, Any]:
        return {
            "tenant_id": tenant,
            "id": uuid7(),
            "actor_user_id": user_id,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "before": None,
            "after": jsonable({**after, "import_job": job_id}),
        }

    members_of: dict[str, list[ImportRow]] = {}
    for r, _, _ in plan.rows:
        if r.household_key is not None:
            members_of.setdefault(r.household_key, []).append(r)
    households = []
    household_audit = []
    for key, household_id in plan.households.items():
        label = _household_label(members_of[key])
        households.append(
            {
                "tenant_id": tenant,
                "id": household_id,
                "label": label,
                "note": f"{filename}: {key}",
                "version": 1,
            }
        )
        household_audit.append(
            audit(
                "people:household:create",
                "household",
                household_id,
                {"label": label, "members": len(members_of[key])},
            )
        )
    for chunk in chunks(households, BATCH):
        session.execute(insert(_table(Household)), list(chunk))
    for chunk in chunks(household_audit, BATCH):
        session.execute(insert(_table(ChangeLog)), list(chunk))

    for chunk in chunks(plan.rows, BATCH):
        persons, addresses, members, entries = [], [], [], []
        for r, person_id, is_new in chunk:
            p = r.person
            member_id = uuid7() if r.household_key is not None else None
            joins = plan.households[r.household_key] if r.household_key is not None else None
            if member_id is not None:
                members.append(
                    {
                        "tenant_id": tenant, "id": member_id, "household_id": joins,
                        "person_id": person_id, "role": r.role, "joined_on": r.joined_on, "left_on": None,
                    }
                )  # fmt: skip
            membership = {"household_id": joins, "role": r.role, "joined_on": r.joined_on}
            if not is_new:
                # A registered person joining an imported household: the one change to their record.
                if member_id is not None:
                    entries.append(
                        audit(
                            "people:member:add",
                            "household_member",
                            member_id,
                            {"person_id": person_id, **membership},
                        )
                    )
                continue
            persons.append(
                {
                    "tenant_id": tenant, "id": person_id, "personal_code": p.personal_code,
                    "other_id_kind": p.other_id_kind, "other_id": p.other_id, "first_name": p.first_name,
                    "last_name": p.last_name, "name_norm": p.name_norm, "birth_date": p.birth_date,
                    "sex": p.sex, "citizenship": p.citizenship, "legal_status": p.legal_status,
                    "preferred_language": p.preferred_language, "phone": p.phone, "email": p.email,
                    "died_on": p.died_on, "version": 1,
                }
            )  # fmt: skip
            # One entry per new person, its household membership included (bulk: no entry per membership).
            after = {"personal_code": p.personal_code, "first_name": p.first_name, "last_name": p.last_name,
                     "birth_date": p.birth_date}  # fmt: skip
            entries.append(
                audit("people:person:create", "person", person_id, after | (membership if member_id else {}))
            )
            if r.address is not None:
                a = r.address
                addresses.append(
                    {
                        "tenant_id": tenant, "id": uuid7(), "person_id": person_id, "kind": a.kind,
                        "line": a.line, "locality": a.locality, "postal_code": a.postal_code, "atvk": a.atvk,
                        "address_norm": a.address_norm, "valid_from": a.valid_from, "valid_to": a.valid_to,
                    }
                )  # fmt: skip
        for table, values in ((Person, persons), (PersonAddress, addresses), (HouseholdMember, members),
                              (ChangeLog, entries)):  # fmt: skip
            if values:
                session.execute(insert(_table(table)), values)
        progress.advance(len(chunk))
    progress.flush()
    record_change(
        session,
        actor_user_id=user_id,
        action="people:import:commit",
        entity_type="import_job",
        entity_id=job_id,
        after={"filename": filename, **{k: v for k, v in summary.items() if k != "errors"}},
    )
    session.flush()
