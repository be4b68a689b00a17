"""The client register's acts and reads against a real database built by the migrations, as app_rw under
row-level security: registration (duplicates, conflicts naming the existing person), edits with optimistic
locking, the personal code exchange, address hand-over, disability and pension periods, the audit rows
each act writes (and does not write when it fails), search and its index use, the access history."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from app.audit.models import AccessLog, ChangeLog
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.domains.people.models import FormerPersonalCode, Person, PersonAddress, PersonFlag
from app.domains.people.periods_service import add_address, add_flag, end_flag
from app.domains.people.queries import person_access_history, person_card
from app.domains.people.rules import old_format_code, search_terms
from app.domains.people.search import (
    _rows_statement,
    decode_name_cursor,
    name_search_condition,
    search_persons,
)
from app.domains.people.service import (
    NewPerson,
    change_personal_code,
    edit_person,
    open_person,
    register_person,
)
from app.errors import Conflict, Forbidden, InvalidInput
from tests.factories.people import (
    actor_for,
    insert_address,
    insert_persons,
    new_format_code,
    run_act,
    unique_code,
)
from tests.factories.staff import create_staff

TODAY = dt.date(2026, 11, 23)


def _count(rw_sessions, tenant_id: uuid.UUID, model: Any, *where: Any) -> int:
    with sync_tenant_uow(rw_sessions, tenant_id) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _register(settings, tenant_id: uuid.UUID, **fields: Any) -> uuid.UUID:
    fields.setdefault("first_name", "Anna")
    fields.setdefault("last_name", "Liepa")
    actor = actor_for(tenant_id)

    async def act(s):  # type: ignore[no-untyped-def]
        return (await register_person(s, actor, fields, today=TODAY)).id

    return run_act(settings, tenant_id, act)


def _changes(rw_sessions, tenant_id: uuid.UUID, action: str) -> list[ChangeLog]:
    with sync_tenant_uow(rw_sessions, tenant_id) as s:
        return list(s.scalars(select(ChangeLog).where(ChangeLog.action == action).order_by(ChangeLog.id)))


# --- registration ------------------------------------------------------------------------------------------


def test_registration_stores_the_normalised_code_and_the_date_it_carries(
    settings, rw_sessions, tenant_a
) -> None:
    person_id = _register(
        settings,
        tenant_a,
        first_name="Jānis",
        last_name="Bērziņš",
        personal_code="161175-19997",
        phone="29 123 456",
        email="Janis@Example.LV",
        legal_status="citizen",
        preferred_language="ru",
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        person = s.get(Person, (tenant_a, person_id))
        assert person is not None
        assert person.personal_code == "16117519997"
        assert person.birth_date == dt.date(1975, 11, 16)
        assert person.name_norm == "berzins janis"
        assert (person.phone, person.email) == ("+37129123456", "Janis@example.lv")
        assert (person.citizenship, person.legal_status, person.preferred_language) == (
            "LVA",
            "citizen",
            "ru",
        )
    [entry] = _changes(rw_sessions, tenant_a, "people:person:create")
    assert entry.entity_id == person_id and entry.after is not None
    assert entry.after["personal_code"] == "16117519997" and entry.after["birth_date"] == "1975-11-16"


def test_a_new_format_code_needs_the_birth_date(settings, rw_sessions, tenant_a) -> None:
    code = new_format_code()
    with pytest.raises(InvalidInput) as refused:
        _register(settings, tenant_a, personal_code=code)
    assert list(refused.value.errors) == ["birth_date"]
    person_id = _register(settings, tenant_a, personal_code=code, birth_date="05.03.2019")
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(Person, (tenant_a, person_id)).birth_date == dt.date(2019, 3, 5)  # type: ignore[union-attr]


def test_a_foreigner_is_registered_with_another_identifier(settings, rw_sessions, tenant_a) -> None:
    person_id = _register(
        settings,
        tenant_a,
        first_name="Olena",
        last_name="Kovalenko",
        other_id_kind="residence_permit",
        other_id="rp 1234567",
        birth_date="1990-04-01",
        citizenship="UKR",
        legal_status="temporary_resident",
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        person = s.get(Person, (tenant_a, person_id))
        assert person is not None and person.personal_code is None
        assert (person.other_id_kind, person.other_id, person.citizenship) == (
            "residence_permit",
            "RP1234567",
            "UKR",
        )
    with pytest.raises(Conflict) as duplicate:
        _register(
            settings, tenant_a, other_id_kind="residence_permit", other_id="RP1234567", birth_date="1.1.1990"
        )
    assert duplicate.value.existing == ("person", person_id)


def test_without_code_or_identifier_nothing_is_registered(settings, rw_sessions, tenant_a) -> None:
    with pytest.raises(InvalidInput) as refused:
        _register(settings, tenant_a, birth_date="01.01.1990")
    assert "personal_code" in refused.value.errors
    assert _count(rw_sessions, tenant_a, Person) == 0
    assert _count(rw_sessions, tenant_a, ChangeLog) == 0


def test_a_duplicate_code_names_the_existing_person_and_writes_nothing(
    settings, rw_sessions, tenant_a
) -> None:
    code = unique_code()
    first = _register(settings, tenant_a, personal_code=code)
    for typed in (code, f"{code[:6]}-{code[6:]}", f" {code[:6]} - {code[6:]} "):
        with pytest.raises(Conflict) as conflict:
            _register(settings, tenant_a, first_name="Cita", personal_code=typed)
        assert conflict.value.existing == ("person", first)
    assert _count(rw_sessions, tenant_a, Person) == 1
    assert len(_changes(rw_sessions, tenant_a, "people:person:create")) == 1


def test_the_same_code_in_another_municipality_is_another_client(settings, tenant_a, tenant_b) -> None:
    code = unique_code()
    assert _register(settings, tenant_a, personal_code=code) != _register(
        settings, tenant_b, personal_code=code
    )


def test_registration_with_a_bad_address_leaves_no_person(settings, rw_sessions, tenant_a) -> None:
    actor = actor_for(tenant_a)
    data = NewPerson("Zane", "Krūmiņa", personal_code=unique_code())

    async def act(s):  # type: ignore[no-untyped-def]
        await register_person(
            s,
            actor,
            data,
            today=TODAY,
            declared_address={"line": "Brīvības iela 1", "valid_from": "31.02.2020"},
        )

    with pytest.raises(InvalidInput) as refused:
        run_act(settings, tenant_a, act)
    assert list(refused.value.errors) == ["address_valid_from"]
    assert _count(rw_sessions, tenant_a, Person) == 0


def test_registration_with_the_declared_address(settings, rw_sessions, tenant_a) -> None:
    actor = actor_for(tenant_a)
    address = {
        "line": "Brīvības iela 12-5",
        "locality": "Rīga",
        "postal_code": "1010",
        "valid_from": "01.02.2021",
    }

    async def act(s):  # type: ignore[no-untyped-def]
        person = await register_person(
            s,
            actor,
            NewPerson("Zane", "Krūmiņa", personal_code=unique_code()),
            today=TODAY,
            declared_address=address,
        )
        return person.id

    person_id = run_act(settings, tenant_a, act)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        [row] = s.scalars(select(PersonAddress).where(PersonAddress.person_id == person_id)).all()
    assert (row.kind, row.postal_code, row.address_norm, row.valid_to) == (
        "declared",
        "LV-1010",
        "brivibas 12-5 riga",
        None,
    )


def test_a_role_without_the_permission_registers_nobody(settings, rw_sessions, tenant_a) -> None:
    actor = actor_for(tenant_a, "accountant")

    async def act(s):  # type: ignore[no-untyped-def]
        await register_person(s, actor, NewPerson("Anna", "Liepa", personal_code=unique_code()), today=TODAY)

    with pytest.raises(Forbidden):
        run_act(settings, tenant_a, act)
    assert _count(rw_sessions, tenant_a, Person) == 0


# --- editing -----------------------------------------------------------------------------------------------


def _edit(settings, tenant_id: uuid.UUID, person_id: uuid.UUID, version: int | None, **fields: Any) -> int:
    actor = actor_for(tenant_id)

    async def act(s):  # type: ignore[no-untyped-def]
        person = await edit_person(s, actor, person_id, fields, version=version, today=TODAY)
        return person.version

    return run_act(settings, tenant_id, act)


def test_an_edit_records_only_what_changed_and_bumps_the_version(settings, rw_sessions, tenant_a) -> None:
    code = unique_code()
    person_id = _register(settings, tenant_a, personal_code=code, phone="29123456")
    base = {"first_name": "Anna", "last_name": "Liepa-Ozola", "personal_code": code, "phone": "29123456"}
    assert _edit(settings, tenant_a, person_id, 1, **base, email="anna@example.lv") == 2
    [entry] = _changes(rw_sessions, tenant_a, "people:person:edit")
    assert entry.before == {"email": None, "last_name": "Liepa"}
    assert entry.after == {"email": "anna@example.lv", "last_name": "Liepa-Ozola"}
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(Person, (tenant_a, person_id)).name_norm == "liepa-ozola anna"  # type: ignore[union-attr]
    # Nothing changed: no entry, no new version.
    assert _edit(settings, tenant_a, person_id, 2, **base, email="anna@example.lv") == 2
    assert len(_changes(rw_sessions, tenant_a, "people:person:edit")) == 1


def test_a_stale_version_is_a_conflict_and_changes_nothing(settings, rw_sessions, tenant_a) -> None:
    code = unique_code()
    person_id = _register(settings, tenant_a, personal_code=code)
    _edit(settings, tenant_a, person_id, 1, first_name="Anna", last_name="Kalna", personal_code=code)
    with pytest.raises(Conflict) as stale:
        _edit(settings, tenant_a, person_id, 1, first_name="Annija", last_name="Liepa", personal_code=code)
    assert "meanwhile" in stale.value.detail
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        person = s.get(Person, (tenant_a, person_id))
        assert person is not None and (person.first_name, person.last_name, person.version) == (
            "Anna",
            "Kalna",
            2,
        )
    assert len(_changes(rw_sessions, tenant_a, "people:person:edit")) == 1


def test_an_edit_cannot_take_another_persons_identifier(settings, tenant_a) -> None:
    other = _register(
        settings, tenant_a, other_id_kind="passport", other_id="LV1234567", birth_date="1.1.1980"
    )
    mine = _register(settings, tenant_a, personal_code=unique_code())
    with pytest.raises(Conflict) as conflict:
        _edit(
            settings,
            tenant_a,
            mine,
            1,
            first_name="Anna",
            last_name="Liepa",
            other_id_kind="passport",
            other_id="LV1234567",
        )
    assert conflict.value.existing == ("person", other)


def test_an_edit_keeps_the_code_and_checks_the_birth_date_against_it(settings, tenant_a) -> None:
    code = old_format_code(dt.date(1980, 5, 6), 11)
    person_id = _register(settings, tenant_a, personal_code=code)
    with pytest.raises(InvalidInput) as refused:
        _edit(settings, tenant_a, person_id, 1, first_name="Anna", last_name="Liepa", birth_date="07.05.1980")
    assert refused.value.errors == {"birth_date": ["The birth date does not match the personal code."]}


# --- the personal code exchange ---------------------------------------------------------------------------


def test_an_old_code_is_exchanged_once_and_still_finds_the_person(settings, rw_sessions, tenant_a) -> None:
    old = unique_code()
    person_id = _register(settings, tenant_a, personal_code=old)
    new = new_format_code()
    actor = actor_for(tenant_a)

    async def change(s, code: str, version: int):  # type: ignore[no-untyped-def]
        return (await change_personal_code(s, actor, person_id, code, version=version, today=TODAY)).version

    with pytest.raises(InvalidInput):  # the new code must be in the new format
        run_act(settings, tenant_a, lambda s: change(s, unique_code(), 1))
    assert run_act(settings, tenant_a, lambda s: change(s, new[:6] + "-" + new[6:], 1)) == 2
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(Person, (tenant_a, person_id)).personal_code == new  # type: ignore[union-attr]
        [former] = s.scalars(select(FormerPersonalCode)).all()
    assert (former.code, former.person_id, former.replaced_on) == (old, person_id, TODAY)
    [entry] = _changes(rw_sessions, tenant_a, "people:person:change-code")
    assert (entry.before, entry.after) == ({"personal_code": old}, {"personal_code": new})
    with pytest.raises(InvalidInput):  # only once
        run_act(settings, tenant_a, lambda s: change(s, new_format_code(), 2))
    with pytest.raises(Conflict) as again:  # the old code cannot be registered for someone else
        _register(settings, tenant_a, first_name="Cita", personal_code=old)
    assert again.value.existing == ("person", person_id)

    async def find(s):  # type: ignore[no-untyped-def]
        return await search_persons(s, search_terms(old), today=TODAY)

    page = run_act(settings, tenant_a, find)
    assert [(r.id, r.found_by_former_code) for r in page.rows] == [(person_id, True)]


# --- addresses and periods --------------------------------------------------------------------------------


def _add_address(settings, tenant_id: uuid.UUID, person_id: uuid.UUID, **data: Any) -> uuid.UUID:
    actor = actor_for(tenant_id)

    async def act(s):  # type: ignore[no-untyped-def]
        return (await add_address(s, actor, person_id, data, today=TODAY)).id

    return run_act(settings, tenant_id, act)


def _addresses(
    rw_sessions, tenant_id: uuid.UUID, person_id: uuid.UUID
) -> list[tuple[str, str, dt.date, Any]]:
    with sync_tenant_uow(rw_sessions, tenant_id) as s:
        rows = s.scalars(
            select(PersonAddress)
            .where(PersonAddress.person_id == person_id)
            .order_by(PersonAddress.valid_from)
        )
        return [(a.kind, a.line, a.valid_from, a.valid_to) for a in rows]


def test_a_new_declared_address_ends_the_current_one_the_day_before(settings, rw_sessions, tenant_a) -> None:
    person_id = _register(settings, tenant_a, personal_code=unique_code())
    _add_address(settings, tenant_a, person_id, kind="declared", line="Lielā iela 1", valid_from="01.01.2020")
    _add_address(settings, tenant_a, person_id, kind="actual", line="Mazā iela 2", valid_from="01.06.2022")
    _add_address(settings, tenant_a, person_id, kind="declared", line="Jaunā iela 3", valid_from="01.03.2024")
    assert _addresses(rw_sessions, tenant_a, person_id) == [
        ("declared", "Lielā iela 1", dt.date(2020, 1, 1), dt.date(2024, 2, 29)),
        ("actual", "Mazā iela 2", dt.date(2022, 6, 1), None),  # the other kind is left alone
        ("declared", "Jaunā iela 3", dt.date(2024, 3, 1), None),
    ]
    assert len(_changes(rw_sessions, tenant_a, "people:address:add")) == 3
    [ended] = _changes(rw_sessions, tenant_a, "people:address:end")
    assert ended.after == {"valid_to": "2024-02-29"}


def test_an_address_that_would_overlap_changes_nothing(settings, rw_sessions, tenant_a) -> None:
    person_id = _register(settings, tenant_a, personal_code=unique_code())
    _add_address(settings, tenant_a, person_id, kind="declared", line="Lielā iela 1", valid_from="01.01.2020")
    before = _addresses(rw_sessions, tenant_a, person_id)
    for start, end in (("01.01.2020", None), ("01.06.2019", None), ("01.06.2019", "01.02.2020")):
        with pytest.raises(InvalidInput) as refused:
            _add_address(
                settings,
                tenant_a,
                person_id,
                kind="declared",
                line="Cita iela 9",
                valid_from=start,
                valid_to=end,
            )
        assert list(refused.value.errors) == ["valid_from"]
    assert _addresses(rw_sessions, tenant_a, person_id) == before
    assert len(_changes(rw_sessions, tenant_a, "people:address:add")) == 1
    # A closed earlier period that touches nothing is history, and is kept.
    _add_address(
        settings,
        tenant_a,
        person_id,
        kind="declared",
        line="Vecā iela 5",
        valid_from="1.1.2015",
        valid_to="31.12.2019",
    )
    assert len(_addresses(rw_sessions, tenant_a, person_id)) == 2


def test_disability_periods_never_overlap_and_end(settings, rw_sessions, tenant_a) -> None:
    person_id = _register(settings, tenant_a, personal_code=unique_code())
    actor = actor_for(tenant_a)

    async def add(s, **data):  # type: ignore[no-untyped-def]
        return (await add_flag(s, actor, person_id, data, today=TODAY)).id

    first = run_act(
        settings, tenant_a, lambda s: add(s, kind="disability", detail="II", valid_from="01.01.2023")
    )
    with pytest.raises(InvalidInput):
        run_act(settings, tenant_a, lambda s: add(s, kind="disability", detail="I", valid_from="01.01.2024"))
    # Another kind may run at the same time.
    run_act(settings, tenant_a, lambda s: add(s, kind="pensioner", detail="old_age", valid_from="01.01.2024"))
    with pytest.raises(InvalidInput):  # the end before the start
        run_act(settings, tenant_a, lambda s: end_flag(s, actor, person_id, first, "31.12.2022", today=TODAY))
    run_act(settings, tenant_a, lambda s: end_flag(s, actor, person_id, first, "31.12.2023", today=TODAY))
    run_act(settings, tenant_a, lambda s: add(s, kind="disability", detail="I", valid_from="01.01.2024"))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        flags = s.scalars(select(PersonFlag).order_by(PersonFlag.kind, PersonFlag.valid_from)).all()
    assert [(f.kind, f.detail, f.valid_from, f.valid_to) for f in flags] == [
        ("disability", "II", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        ("disability", "I", dt.date(2024, 1, 1), None),
        ("pensioner", "old_age", dt.date(2024, 1, 1), None),
    ]
    assert len(_changes(rw_sessions, tenant_a, "people:flag:add")) == 3
    assert len(_changes(rw_sessions, tenant_a, "people:flag:end")) == 1


# --- search ------------------------------------------------------------------------------------------------


def _search(settings, tenant_id: uuid.UUID, text_: str, mode: str = "auto", **kw: Any):  # type: ignore[no-untyped-def]
    async def read(s):  # type: ignore[no-untyped-def]
        return await search_persons(s, search_terms(text_, mode), today=TODAY, **kw)

    return run_act(settings, tenant_id, read)


@pytest.fixture
def register_of_names(rw_sessions, tenant_a) -> dict[str, uuid.UUID]:
    names = [
        ("Jānis", "Bērziņš"),
        ("Ēriks", "Bērziņš"),
        ("Jana", "Berzina"),
        ("Anna", "Bērzkalne"),
        ("Bērziņš", "Kalniņš"),  # a first name that is someone else's last name
        ("Zane", "Ozola"),
    ]
    ids = insert_persons(rw_sessions, tenant_a, [{"first_name": f, "last_name": n} for f, n in names])
    return {f"{f} {n}": i for (f, n), i in zip(names, ids, strict=True)}


def test_name_search_starts_with_ignoring_case_and_diacritics(settings, tenant_a, register_of_names) -> None:
    names = lambda page: [r.name for r in page.rows]  # noqa: E731
    assert names(_search(settings, tenant_a, "bērz")) == [
        "Jana Berzina",
        "Ēriks Bērziņš",
        "Jānis Bērziņš",
        "Anna Bērzkalne",
    ]
    assert names(_search(settings, tenant_a, "BERZINS JA")) == ["Jānis Bērziņš"]
    # First name first finds the person too; both word orders are searched.
    assert names(_search(settings, tenant_a, "jānis bērziņš")) == ["Jānis Bērziņš"]
    assert names(_search(settings, tenant_a, "berzins")) == ["Ēriks Bērziņš", "Jānis Bērziņš"]
    assert names(_search(settings, tenant_a, "kalnins berzins")) == ["Bērziņš Kalniņš"]
    # Each word is the start of a name word, in either order; a single word is the last name's start.
    assert names(_search(settings, tenant_a, "berz ja")) == ["Jana Berzina", "Jānis Bērziņš"]
    assert names(_search(settings, tenant_a, "jāni bērz")) == ["Jānis Bērziņš"]
    assert names(_search(settings, tenant_a, "berz_ %")) == []
    assert _search(settings, tenant_a, "nav tadu").rows == ()


def test_search_pages_walk_every_match_once_in_name_order(settings, rw_sessions, tenant_a) -> None:
    # Many with the same name: only the id orders them, and the cursor carries it.
    insert_persons(rw_sessions, tenant_a, [{"first_name": "Anna", "last_name": "Ozola"} for _ in range(23)])
    insert_persons(
        rw_sessions, tenant_a, [{"first_name": f"Ance{i}", "last_name": "Ozola"} for i in range(4)]
    )
    seen: list[uuid.UUID] = []
    cursor = None
    for _ in range(10):
        page = _search(settings, tenant_a, "ozola", after=decode_name_cursor(cursor), limit=10)
        assert page.total == 27
        seen.extend(r.id for r in page.rows)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 27


def test_code_search_with_or_without_hyphen_and_by_its_start(settings, rw_sessions, tenant_a) -> None:
    code = old_format_code(dt.date(1975, 11, 16), 999)
    [mine] = insert_persons(
        rw_sessions, tenant_a, [{"first_name": "Anna", "last_name": "Liepa", "personal_code": code}]
    )
    insert_persons(
        rw_sessions,
        tenant_a,
        [
            {
                "first_name": "Cits",
                "last_name": "Cilvēks",
                "personal_code": old_format_code(dt.date(1980, 11, 16), 1),
            }
        ],
    )
    for typed in (code, f"{code[:6]}-{code[6:]}"):
        assert [r.id for r in _search(settings, tenant_a, typed).rows] == [mine]
    assert [r.name for r in _search(settings, tenant_a, "161175").rows] == ["Anna Liepa"]
    assert len(_search(settings, tenant_a, "1611").rows) == 0  # four digits: no code (an address number)
    assert len(_search(settings, tenant_a, "1611", "code").rows) == 2


def test_address_search_finds_current_addresses_only(settings, rw_sessions, tenant_a) -> None:
    now, moved, other = insert_persons(
        rw_sessions,
        tenant_a,
        [
            {"first_name": "Anna", "last_name": "Liepa"},
            {"first_name": "Pēteris", "last_name": "Ozols"},
            {"first_name": "Ilze", "last_name": "Kļava"},
        ],
    )
    insert_address(rw_sessions, tenant_a, now, "Brīvības iela 12-5")
    insert_address(rw_sessions, tenant_a, moved, "Brīvības iela 12-7", valid_to=dt.date(2023, 1, 31))
    insert_address(rw_sessions, tenant_a, other, "Brīvības gatve 120", kind="actual")
    page = _search(settings, tenant_a, "brīvības 12")
    assert [r.name for r in page.rows] == ["Ilze Kļava", "Anna Liepa"]
    assert page.rows[1].address == "Brīvības iela 12-5, Rīga"  # the current declared address is shown
    assert [r.name for r in _search(settings, tenant_a, "Brīvības iela 12-5").rows] == ["Anna Liepa"]
    assert [r.name for r in _search(settings, tenant_a, "brivibas", "address").rows] == [
        "Ilze Kļava",
        "Anna Liepa",
    ]


def test_another_municipalitys_persons_are_never_found(settings, rw_sessions, tenant_a, tenant_b) -> None:
    code = unique_code()
    insert_persons(
        rw_sessions, tenant_b, [{"first_name": "Anna", "last_name": "Liepa", "personal_code": code}]
    )
    assert _search(settings, tenant_a, "liepa").rows == ()
    assert _search(settings, tenant_a, code).rows == ()
    assert _search(settings, tenant_a, "", "auto").total == 0


def _statements(settings, tenant_id: uuid.UUID, read) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    async def run() -> tuple[int, Any]:
        engine = make_async_engine(settings.runtime_url())
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        try:
            async with async_session_factory(engine)() as session:
                session.info["tenant_id"] = tenant_id
                await session.execute(text("select 1"))  # begins: the tenant binding is not the read's
                statements.clear()
                result = await read(session)
                return len(statements), result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_reads_run_a_fixed_number_of_statements(settings, rw_sessions, tenant_a) -> None:
    ids = insert_persons(
        rw_sessions, tenant_a, [{"first_name": f"Anna{i}", "last_name": "Liepa"} for i in range(30)]
    )
    for person_id in ids:
        insert_address(rw_sessions, tenant_a, person_id, f"Liepu iela {person_id.int % 90}")
    count, page = _statements(
        settings, tenant_a, lambda s: search_persons(s, search_terms("liepa"), today=TODAY)
    )
    assert count == 2 and len(page.rows) == 25 and all(r.address for r in page.rows)
    count, _ = _statements(settings, tenant_a, lambda s: search_persons(s, None, today=TODAY))
    assert count == 2
    count, card = _statements(settings, tenant_a, lambda s: person_card(s, ids[0]))
    assert count == 4 and len(card.addresses) == 1


def test_name_search_is_an_index_range_under_row_level_security(rw_sessions, tenant_a) -> None:
    """As app_rw, under the tenant policy: both bounds of the prefix are Index Conds on the name index
    (a LIKE could not be one: it is not leakproof, so it would be a filter over the whole municipality)."""
    insert_persons(
        rw_sessions, tenant_a, [{"first_name": f"Vārds{i}", "last_name": "Bērziņš"} for i in range(50)]
    )
    stmt = (
        _rows_statement(TODAY)
        .where(Person.tenant_id == tenant_a, name_search_condition(search_terms("bērz")))  # type: ignore[arg-type]
        .order_by(Person.name_norm, Person.id)
        .limit(26)
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(text("select current_user")) == "app_rw"
        s.execute(text("set local enable_seqscan = off"))
        compiled = stmt.compile(dialect=s.get_bind().dialect)
        plan = [row[0] for row in s.connection().exec_driver_sql(f"explain {compiled}", compiled.params)]
    at = next(i for i, line in enumerate(plan) if "ix_persons_tenant_id_name_norm" in line)
    assert "Index Scan" in plan[at] or "Index Only Scan" in plan[at], plan
    index_cond = plan[at + 1]
    assert "Index Cond" in index_cond, plan
    assert "(name_norm)::text >= 'berz'" in index_cond and "(name_norm)::text < 'ber{'" in index_cond, plan


# --- who viewed ---------------------------------------------------------------------------------------------


def test_every_view_is_logged_and_the_citizen_sees_roles_not_names(settings, rw_sessions, tenant_a) -> None:
    [person_id] = insert_persons(rw_sessions, tenant_a, [{"first_name": "Anna", "last_name": "Liepa"}])
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Līga Kalniņa")
    actor = actor_for(tenant_a, "social_worker", user_id=worker)
    run_act(
        settings,
        tenant_a,
        lambda s: open_person(s, actor, person_id, purpose="assessment", context="overview"),
    )
    run_act(settings, tenant_a, lambda s: open_person(s, actor, person_id, context="household"))
    with pytest.raises(InvalidInput):  # the log says why, truthfully: an unknown purpose is refused
        run_act(settings, tenant_a, lambda s: open_person(s, actor, person_id, purpose="curiosity"))
    assert _count(rw_sessions, tenant_a, AccessLog, AccessLog.person_id == person_id) == 2

    staff = run_act(settings, tenant_a, lambda s: person_access_history(s, person_id, limit=1))
    assert [(v.staff_name, v.purpose, v.context) for v in staff.rows] == [
        ("Līga Kalniņa", "case_work", "household")
    ]
    assert staff.next_cursor is not None
    from app.pagination import decode_cursor

    older = run_act(
        settings,
        tenant_a,
        lambda s: person_access_history(s, person_id, after=decode_cursor(staff.next_cursor)),
    )
    assert [(v.purpose, v.context) for v in older.rows] == [
        ("assessment", "overview")
    ] and older.next_cursor is None

    citizen = run_act(settings, tenant_a, lambda s: person_access_history(s, person_id, for_citizen=True))
    assert {v.staff_name for v in citizen.rows} == {None}
    assert {(v.municipality, v.roles) for v in citizen.rows} == {("Ādažu novads", ("social_worker",))}
