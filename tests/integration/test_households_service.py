"""Household acts against the real database (built by the migrations, as app_rw under RLS): each refusal
leaves nothing behind, each act writes its audit entry, relationships stay symmetric, and two concurrent
acts cannot put one person into two households for the same days."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AccessLog, ChangeLog
from app.db import async_session_factory, make_async_engine, sync_tenant_uow, tenant_uow
from app.domains.households import queries
from app.domains.households.access import open_household, open_household_on
from app.domains.households.models import Household, HouseholdMember, Relationship
from app.domains.households.relationships import add_relationship, remove_relationship
from app.domains.households.rules import is_symmetric
from app.domains.households.service import (
    MemberOfAnotherHousehold,
    NewMember,
    add_member,
    correct_membership,
    create_household,
    edit_household,
    end_membership,
)
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories.households import actor_for, add_household, add_person, relate

D = dt.date
TODAY = D(2026, 11, 23)
T = TypeVar("T")


def run(settings: Any, fn: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Runs `fn(factory)` on a fresh event loop with its own engine (asyncio.run per test)."""

    async def main() -> T:
        engine = make_async_engine(settings.runtime_url())
        try:
            return await fn(async_session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def act(settings: Any, tenant: uuid.UUID, fn: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """One business act in its own tenant unit of work (committed if it succeeds)."""

    async def one(factory: async_sessionmaker[AsyncSession]) -> T:
        async with tenant_uow(factory, tenant) as session:
            return await fn(session)

    return run(settings, one)


def count(sessions: sessionmaker[Session], tenant: uuid.UUID, model: Any, *where: Any) -> int:
    with sync_tenant_uow(sessions, tenant) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def changes(sessions: sessionmaker[Session], tenant: uuid.UUID, action: str) -> list[ChangeLog]:
    with sync_tenant_uow(sessions, tenant) as s:
        return list(s.scalars(select(ChangeLog).where(ChangeLog.action == action).order_by(ChangeLog.id)))


@pytest.fixture
def family(rw_sessions, tenant_a) -> dict[str, uuid.UUID]:
    return {
        "janis": add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš", D(1980, 4, 12)),
        "anna": add_person(rw_sessions, tenant_a, "Anna", "Bērziņa", D(1982, 9, 3)),
        "karlis": add_person(rw_sessions, tenant_a, "Kārlis", "Bērziņš", D(2012, 1, 30)),
        "ede": add_person(rw_sessions, tenant_a, "Ede", "Liepiņa", D(1950, 2, 1)),
    }


# --- households -----------------------------------------------------------------------------------------


def test_create_household_with_members_writes_rows_and_audit(settings, rw_sessions, tenant_a, family) -> None:
    actor = actor_for(tenant_a)
    members = [
        NewMember(family["janis"], "head", D(2010, 5, 1)),
        NewMember(family["karlis"], "child", D(2012, 1, 30)),
    ]
    household = act(
        settings,
        tenant_a,
        lambda s: create_household(
            s, actor, label="  Bērziņu ģimene ", note="Dzīvo Ādažos", members=members, today=TODAY
        ),
    )
    assert household.label == "Bērziņu ģimene"
    assert count(rw_sessions, tenant_a, HouseholdMember, HouseholdMember.household_id == household.id) == 2
    [created] = changes(rw_sessions, tenant_a, "people:household:create")
    assert created.entity_id == household.id and created.actor_user_id == actor.user_id
    assert created.after == {"label": "Bērziņu ģimene", "note": "Dzīvo Ādažos"}
    added = changes(rw_sessions, tenant_a, "people:member:add")
    assert [a.after["role"] for a in added] == ["head", "child"]
    assert added[1].after["joined_on"] == "2012-01-30" and added[1].after["left_on"] is None


def test_a_refused_member_leaves_no_household_behind(settings, rw_sessions, tenant_a, family) -> None:
    actor = actor_for(tenant_a)
    members = [
        NewMember(family["janis"], "head", D(2010, 5, 1)),
        NewMember(family["karlis"], "child", D(2011, 1, 1)),  # before Kārlis was born
    ]
    with pytest.raises(InvalidInput) as refused:
        act(settings, tenant_a, lambda s: create_household(s, actor, label="X", members=members, today=TODAY))
    assert refused.value.errors == {"members[1].joined_on": ["The person was not yet born on this date."]}
    for model in (Household, HouseholdMember, ChangeLog):
        assert count(rw_sessions, tenant_a, model) == 0, model.__tablename__


@pytest.mark.parametrize(("label", "field"), [("", "label"), ("x" * 201, "label"), ("\x00\x00", "label")])
def test_bad_labels_are_refused(settings, rw_sessions, tenant_a, label, field) -> None:
    with pytest.raises(InvalidInput) as refused:
        act(settings, tenant_a, lambda s: create_household(s, actor_for(tenant_a), label=label, today=TODAY))
    assert field in refused.value.errors
    assert count(rw_sessions, tenant_a, Household) == 0


def test_viewing_roles_cannot_create_or_edit(settings, rw_sessions, tenant_a) -> None:
    reader = actor_for(tenant_a, ("readonly_institution",))
    with pytest.raises(Forbidden):
        act(settings, tenant_a, lambda s: create_household(s, reader, label="X", today=TODAY))
    household = add_household(rw_sessions, tenant_a, "Ozolu ģimene")
    with pytest.raises(Forbidden):
        act(
            settings,
            tenant_a,
            lambda s: edit_household(s, reader, household, label="Y", note=None, version=1),
        )


def test_rename_bumps_the_version_and_a_stale_version_is_a_conflict(settings, rw_sessions, tenant_a) -> None:
    actor = actor_for(tenant_a)
    household = add_household(rw_sessions, tenant_a, "Ozolu ģimene")
    renamed = act(
        settings,
        tenant_a,
        lambda s: edit_household(
            s, actor, household, label="Ozolu un Liepu ģimene", note="Kopš 2020", version=1
        ),
    )
    assert renamed.version == 2 and renamed.label == "Ozolu un Liepu ģimene"
    [edit] = changes(rw_sessions, tenant_a, "people:household:edit")
    assert edit.before == {"label": "Ozolu ģimene", "note": None}
    assert edit.after == {"label": "Ozolu un Liepu ģimene", "note": "Kopš 2020"}
    with pytest.raises(Conflict):  # the form still says version 1
        act(
            settings, tenant_a, lambda s: edit_household(s, actor, household, label="Z", note=None, version=1)
        )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(Household, (tenant_a, household)).label == "Ozolu un Liepu ģimene"  # type: ignore[union-attr]
    assert len(changes(rw_sessions, tenant_a, "people:household:edit")) == 1


def test_another_municipalitys_household_is_not_found(settings, rw_sessions, tenant_a, tenant_b) -> None:
    theirs = add_household(rw_sessions, tenant_b, "Citu ģimene")
    person = add_person(rw_sessions, tenant_a, "Ilze", "Ozola", D(1990, 1, 1))
    actor = actor_for(tenant_a)
    with pytest.raises(NotFound):
        act(settings, tenant_a, lambda s: edit_household(s, actor, theirs, label="X", note=None, version=1))
    with pytest.raises(NotFound):
        act(
            settings,
            tenant_a,
            lambda s: add_member(
                s, actor, theirs, person_id=person, role="head", joined_on=TODAY, today=TODAY
            ),
        )
    with pytest.raises(NotFound):
        act(settings, tenant_a, lambda s: open_household(s, actor, theirs, on=TODAY))


# --- membership -----------------------------------------------------------------------------------------


def _add(settings: Any, tenant: uuid.UUID, household: uuid.UUID, person: uuid.UUID, **kw: Any) -> Any:
    args = {"role": "other", "joined_on": D(2020, 1, 1), "today": TODAY, **kw}
    return act(
        settings, tenant, lambda s: add_member(s, actor_for(tenant), household, person_id=person, **args)
    )


def test_already_a_member_over_an_overlapping_period(settings, rw_sessions, tenant_a, family) -> None:
    home = add_household(
        rw_sessions, tenant_a, "Bērziņu ģimene", [(family["janis"], "head", D(2010, 1, 1), None)]
    )
    with pytest.raises(InvalidInput) as refused:
        _add(settings, tenant_a, home, family["janis"], joined_on=D(2024, 1, 1))
    assert refused.value.errors == {
        "person_id": ["This person is already a member of this household over this period."]
    }
    assert count(rw_sessions, tenant_a, HouseholdMember) == 1
    assert changes(rw_sessions, tenant_a, "people:member:add") == []


def test_one_household_per_person_per_day_names_the_other(settings, rw_sessions, tenant_a, family) -> None:
    first = add_household(
        rw_sessions, tenant_a, "Liepiņu ģimene", [(family["ede"], "head", D(2000, 1, 1), D(2024, 6, 30))]
    )
    second = add_household(rw_sessions, tenant_a, "Bērziņu ģimene")
    with pytest.raises(MemberOfAnotherHousehold) as refused:
        _add(settings, tenant_a, second, family["ede"], role="grandparent", joined_on=D(2024, 6, 30))
    assert refused.value.household_id == first and refused.value.household_label == "Liepiņu ģimene"
    assert refused.value.errors == {
        "person_id": ["This person is a member of another household over this period."]
    }
    # The day after she left the first one, she may join the second.
    member = _add(settings, tenant_a, second, family["ede"], role="grandparent", joined_on=D(2024, 7, 1))
    assert member.joined_on == D(2024, 7, 1)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"joined_on": None}, "joined_on"),
        ({"joined_on": D(2020, 1, 2), "left_on": D(2020, 1, 1)}, "left_on"),
        ({"joined_on": D(9999, 12, 31)}, "joined_on"),
        ({"left_on": D(9999, 12, 31)}, "left_on"),
    ],
)
def test_implausible_memberships_are_refused(settings, rw_sessions, tenant_a, family, kw, field) -> None:
    home = add_household(rw_sessions, tenant_a, "Bērziņu ģimene")
    with pytest.raises(InvalidInput) as refused:
        _add(settings, tenant_a, home, family["janis"], **kw)
    assert list(refused.value.errors) == [field]
    assert count(rw_sessions, tenant_a, HouseholdMember) == 0


def test_unknown_person_or_another_municipalitys_is_no_such_person(
    settings, rw_sessions, tenant_a, tenant_b
) -> None:
    home = add_household(rw_sessions, tenant_a, "Bērziņu ģimene")
    theirs = add_person(rw_sessions, tenant_b, "Citu", "Persona", D(1990, 1, 1))
    for person in (theirs, uuid.uuid4()):
        with pytest.raises(InvalidInput) as refused:
            _add(settings, tenant_a, home, person)
        assert refused.value.errors == {"person_id": ["No such person."]}


def test_member_leaves_and_the_period_can_be_corrected(settings, rw_sessions, tenant_a, family) -> None:
    home = add_household(rw_sessions, tenant_a, "Bērziņu ģimene")
    member = _add(settings, tenant_a, home, family["anna"], role="spouse", joined_on=D(2010, 5, 1))
    actor = actor_for(tenant_a)
    left = act(
        settings,
        tenant_a,
        lambda s: end_membership(s, actor, home, member.id, left_on=D(2025, 3, 31), today=TODAY),
    )
    assert left.left_on == D(2025, 3, 31)
    [leave] = changes(rw_sessions, tenant_a, "people:member:leave")
    assert leave.before["left_on"] is None and leave.after["left_on"] == "2025-03-31"

    with pytest.raises(InvalidInput) as refused:  # leaving before joining
        act(
            settings,
            tenant_a,
            lambda s: end_membership(s, actor, home, member.id, left_on=D(2009, 1, 1), today=TODAY),
        )
    assert refused.value.errors == {"left_on": ["The date of leaving is before the date of joining."]}

    fixed = act(
        settings,
        tenant_a,
        lambda s: correct_membership(
            s, actor, home, member.id, role="partner", joined_on=D(2011, 5, 1), left_on=None, today=TODAY
        ),
    )
    assert (fixed.role, fixed.joined_on, fixed.left_on) == ("partner", D(2011, 5, 1), None)
    [edit] = changes(rw_sessions, tenant_a, "people:member:edit")
    assert edit.before["role"] == "spouse" and edit.after["role"] == "partner"


def test_a_correction_may_not_overlap_another_household(settings, rw_sessions, tenant_a, family) -> None:
    old = add_household(
        rw_sessions, tenant_a, "Liepiņu ģimene", [(family["anna"], "child", D(1982, 9, 3), D(2009, 12, 31))]
    )
    home = add_household(rw_sessions, tenant_a, "Bērziņu ģimene")
    member = _add(settings, tenant_a, home, family["anna"], role="spouse", joined_on=D(2010, 1, 1))
    with pytest.raises(MemberOfAnotherHousehold) as refused:
        act(
            settings,
            tenant_a,
            lambda s: correct_membership(
                s,
                actor_for(tenant_a),
                home,
                member.id,
                role="spouse",
                joined_on=D(2009, 6, 1),
                left_on=None,
                today=TODAY,
            ),
        )
    assert refused.value.household_id == old and refused.value.field == "joined_on"
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(HouseholdMember, (tenant_a, member.id)).joined_on == D(2010, 1, 1)  # type: ignore[union-attr]


def test_a_membership_of_another_household_is_not_found_here(settings, rw_sessions, tenant_a, family) -> None:
    home = add_household(rw_sessions, tenant_a, "A")
    other = add_household(rw_sessions, tenant_a, "B")
    member = _add(settings, tenant_a, other, family["janis"])
    with pytest.raises(NotFound):
        act(
            settings,
            tenant_a,
            lambda s: end_membership(s, actor_for(tenant_a), home, member.id, left_on=TODAY, today=TODAY),
        )


# --- the household on a date ----------------------------------------------------------------------------


def test_household_on_a_date_lists_who_lived_there_then(settings, rw_sessions, tenant_a, family) -> None:
    home = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [
            (family["janis"], "head", D(2010, 5, 1), None),
            (family["anna"], "spouse", D(2010, 5, 1), D(2025, 3, 31)),
            (family["karlis"], "child", D(2012, 1, 30), None),
            (family["ede"], "grandparent", D(2026, 1, 1), None),
        ],
    )

    async def read(s: AsyncSession) -> tuple[Any, Any, Any]:
        return (
            await queries.household_on(s, family["karlis"], D(2025, 3, 31)),
            await queries.household_on(s, family["karlis"], D(2026, 2, 1)),
            await queries.household_on(s, family["anna"], D(2025, 4, 1)),
        )

    before, after, gone = act(settings, tenant_a, read)
    assert before.id == home and before.label == "Bērziņu ģimene"
    assert [(m.name, m.role, m.age) for m in before.members] == [
        ("Jānis Bērziņš", "head", 44),
        ("Anna Bērziņa", "spouse", 42),
        ("Kārlis Bērziņš", "child", 13),
    ]
    assert before.members[0].personal_code and before.members[0].personal_code[6] == "-"
    assert before.members[2].birth_date == D(2012, 1, 30)
    assert [m.name for m in after.members] == ["Jānis Bērziņš", "Kārlis Bērziņš", "Ede Liepiņa"]
    assert gone is None  # Anna left on 31.03.2025


def test_household_queries_have_pinned_statement_counts(settings, rw_sessions, tenant_a, family) -> None:
    home = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [(family[k], "other", D(2020, 1, 1), None) for k in ("janis", "anna", "karlis", "ede")],
    )
    relate(rw_sessions, tenant_a, family["karlis"], family["janis"], "parent")
    relate(rw_sessions, tenant_a, family["janis"], family["anna"], "spouse")

    async def read(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
        counted: dict[str, int] = {}
        async with tenant_uow(factory, tenant_a) as s:
            statements: list[str] = []
            await s.connection()  # the tenant binding is not a read of ours

            def listen(*args: Any) -> None:
                statements.append(args[2])

            event.listen(s.sync_session.bind, "before_cursor_execute", listen)  # type: ignore[arg-type]
            try:
                card = await queries.household_card(s, home, on=TODAY)
                counted["card"], statements[:] = len(statements), []
                await queries.person_household(s, family["karlis"], TODAY)
                counted["tab"] = len(statements)
            finally:
                event.remove(s.sync_session.bind, "before_cursor_execute", listen)  # type: ignore[arg-type]
            assert card is not None and len(card.members) == 4
            assert {lk.kind for lk in card.relationships} == {"parent", "spouse"}  # each pair once
        return counted

    assert run(settings, read) == {"card": 3, "tab": 4}


def test_opening_a_household_logs_a_view_of_every_member_shown(
    settings, rw_sessions, tenant_a, family
) -> None:
    home = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [
            (family["janis"], "head", D(2010, 1, 1), None),
            (family["anna"], "spouse", D(2010, 1, 1), D(2020, 1, 1)),
        ],
    )
    actor = actor_for(tenant_a)
    card = act(settings, tenant_a, lambda s: open_household(s, actor, home, on=TODAY))
    assert [m.name for m in card.members] == ["Jānis Bērziņš"] and card.current_count == 1
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        logged = s.scalars(select(AccessLog.person_id).where(AccessLog.user_id == actor.user_id)).all()
    assert logged == [family["janis"]]
    with_past = act(settings, tenant_a, lambda s: open_household(s, actor, home, on=TODAY, include_past=True))
    assert [m.name for m in with_past.members] == ["Jānis Bērziņš", "Anna Bērziņa"]
    assert with_past.members[1].state_on(TODAY) == "past"
    nobody = act(settings, tenant_a, lambda s: open_household_on(s, actor, family["ede"], TODAY))
    assert nobody is None


# --- relationships --------------------------------------------------------------------------------------


def _edges(sessions: sessionmaker[Session], tenant: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    with sync_tenant_uow(sessions, tenant) as s:
        rows = s.execute(select(Relationship.person_id, Relationship.related_person_id, Relationship.kind))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_relationships_are_written_and_removed_in_both_directions(
    settings, rw_sessions, tenant_a, family
) -> None:
    actor = actor_for(tenant_a)

    def add(person: str, related: str, kind: str) -> Any:
        return act(
            settings,
            tenant_a,
            lambda s: add_relationship(
                s, actor, person_id=family[person], related_person_id=family[related], kind=kind, today=TODAY
            ),
        )

    add("karlis", "janis", "parent")
    add("karlis", "anna", "parent")
    add("janis", "anna", "spouse")
    guardian = add("karlis", "ede", "guardian")
    edges = _edges(rw_sessions, tenant_a)
    assert len(edges) == 8 and is_symmetric(edges)
    assert (family["janis"], family["karlis"], "child") in edges
    assert (family["ede"], family["karlis"], "ward") in edges
    [first, *_] = changes(rw_sessions, tenant_a, "people:relationship:add")
    assert first.after["kind"] == "parent" and first.after["inverse_kind"] == "child"

    # Removed from either person's side, both directions go.
    act(settings, tenant_a, lambda s: remove_relationship(s, actor, family["ede"], guardian.id))
    edges = _edges(rw_sessions, tenant_a)
    assert len(edges) == 6 and is_symmetric(edges)
    assert not any(family["ede"] in e[:2] for e in edges)
    [removed] = changes(rw_sessions, tenant_a, "people:relationship:remove")
    assert removed.before["kind"] == "guardian" and removed.entity_id == guardian.id
    with pytest.raises(NotFound):  # someone else's relationship, through this person's page
        act(settings, tenant_a, lambda s: remove_relationship(s, actor, family["ede"], guardian.id))


@pytest.mark.parametrize(
    ("person", "related", "kind", "field", "message"),
    [
        ("janis", "janis", "sibling", "related_person_id", "A person cannot be related to themselves."),
        ("ede", "karlis", "parent", "kind", "A parent cannot be born after their child."),
        ("karlis", "janis", "parent", "kind", "This relationship is already recorded."),
        ("janis", "karlis", "child", "kind", "This relationship is already recorded."),  # the inverse of it
        (
            "karlis",
            "janis",
            "sibling",
            "kind",
            "These persons already have another relationship recorded (parent). "
            "If it is wrong, remove it first.",
        ),
        ("janis", "ede", "spouse", "kind", "This person already has a current spouse."),
        ("ede", "anna", "spouse", "kind", "The related person already has a current spouse."),
        ("janis", "ede", "cousin", "kind", "Choose a relationship from the list."),
    ],
)
def test_refused_relationships_write_nothing(
    settings, rw_sessions, tenant_a, family, person, related, kind, field, message
) -> None:
    relate(rw_sessions, tenant_a, family["karlis"], family["janis"], "parent")
    relate(rw_sessions, tenant_a, family["janis"], family["anna"], "spouse")
    before = _edges(rw_sessions, tenant_a)
    with pytest.raises(InvalidInput) as refused:
        act(
            settings,
            tenant_a,
            lambda s: add_relationship(
                s,
                actor_for(tenant_a),
                person_id=family[person],
                related_person_id=family[related],
                kind=kind,
                today=TODAY,
            ),
        )
    assert refused.value.errors == {field: [message]}
    assert sorted(_edges(rw_sessions, tenant_a)) == sorted(before)
    assert changes(rw_sessions, tenant_a, "people:relationship:add") == []


def test_a_graph_built_by_many_acts_stays_symmetric(settings, rw_sessions, tenant_a) -> None:
    people = [add_person(rw_sessions, tenant_a, f"P{i}", "Kalns", D(1940 + 15 * i, 1, 1)) for i in range(5)]
    actor = actor_for(tenant_a)

    async def build(session_factory: async_sessionmaker[AsyncSession]) -> list[Any]:
        made = []
        for i in range(4):  # a line of generations, siblings beside, a guardian, then some removed
            for person, related, kind in (
                (people[i + 1], people[i], "parent"),
                (people[i], people[(i + 2) % 5], "other"),
            ):
                async with tenant_uow(session_factory, tenant_a) as s:
                    with contextlib.suppress(InvalidInput):
                        made.append(
                            await add_relationship(
                                s, actor, person_id=person, related_person_id=related, kind=kind, today=TODAY
                            )
                        )
        for rel in made[::2]:
            async with tenant_uow(session_factory, tenant_a) as s:
                await remove_relationship(s, actor, rel.person_id, rel.id)
        return made

    made = run(settings, build)
    edges = _edges(rw_sessions, tenant_a)
    assert len(made) >= 6 and len(edges) == 2 * (len(made) - len(made[::2]))
    assert is_symmetric(edges)


# --- concurrency ----------------------------------------------------------------------------------------


def test_two_concurrent_adds_of_one_person_to_two_households_one_wins(
    settings, rw_sessions, tenant_a, family
) -> None:
    """The first act holds the person's row lock with its membership written but not committed; the
    second act, started meanwhile, waits for the lock, then sees the committed membership and is refused.
    Without the lock both would read "no membership" and both would insert."""
    first = add_household(rw_sessions, tenant_a, "Pirmā mājsaimniecība")
    second = add_household(rw_sessions, tenant_a, "Otrā mājsaimniecība")
    person = family["ede"]
    actor = actor_for(tenant_a)

    async def race(factory: async_sessionmaker[AsyncSession]) -> tuple[list[object], float]:
        holding = asyncio.Event()

        async def slow(household: uuid.UUID) -> object:
            async with tenant_uow(factory, tenant_a) as s:
                member = await add_member(
                    s, actor, household, person_id=person, role="head", joined_on=D(2020, 1, 1), today=TODAY
                )
                holding.set()
                await asyncio.sleep(0.6)  # keeps the lock, the membership uncommitted
                return member

        async def eager(household: uuid.UUID) -> tuple[object, float]:
            await holding.wait()
            started = time.monotonic()
            try:
                async with tenant_uow(factory, tenant_a) as s:
                    return (
                        await add_member(
                            s,
                            actor,
                            household,
                            person_id=person,
                            role="head",
                            joined_on=D(2024, 1, 1),
                            today=TODAY,
                        ),
                        time.monotonic() - started,
                    )
            except InvalidInput as exc:
                return exc, time.monotonic() - started

        a, (b, waited) = await asyncio.gather(slow(first), eager(second))
        return [a, b], waited

    (won, lost), waited = run(settings, race)
    assert isinstance(won, HouseholdMember) and won.household_id == first
    assert isinstance(lost, MemberOfAnotherHousehold) and lost.household_id == first
    assert waited > 0.3  # it really waited for the first act's lock
    assert count(rw_sessions, tenant_a, HouseholdMember, HouseholdMember.person_id == person) == 1


def test_simultaneous_adds_exactly_one_wins(settings, rw_sessions, tenant_a, family) -> None:
    households = [add_household(rw_sessions, tenant_a, f"M{i}") for i in range(4)]
    person = family["anna"]
    actor = actor_for(tenant_a)

    async def race(factory: async_sessionmaker[AsyncSession]) -> list[object]:
        async def attempt(household: uuid.UUID) -> object:
            try:
                async with tenant_uow(factory, tenant_a) as s:
                    return await add_member(
                        s,
                        actor,
                        household,
                        person_id=person,
                        role="spouse",
                        joined_on=D(2020, 1, 1),
                        today=TODAY,
                    )
            except InvalidInput as exc:
                return exc

        return list(await asyncio.gather(*(attempt(h) for h in households)))

    outcomes = run(settings, race)
    assert sum(isinstance(o, HouseholdMember) for o in outcomes) == 1
    assert sum(isinstance(o, MemberOfAnotherHousehold) for o in outcomes) == 3
    assert count(rw_sessions, tenant_a, HouseholdMember) == 1
    assert len(changes(rw_sessions, tenant_a, "people:member:add")) == 1


def test_a_refused_create_leaves_nothing_even_when_the_caller_carries_on(
    settings, rw_sessions, tenant_a, family
) -> None:
    """The page catches the refusal and shows the form again in the same transaction, which then commits:
    the household row written before the member was refused must be gone (a savepoint)."""
    add_household(rw_sessions, tenant_a, "Liepiņu ģimene", [(family["ede"], "head", D(2000, 1, 1), None)])
    actor = actor_for(tenant_a)

    async def carry_on(s: AsyncSession) -> None:
        with pytest.raises(MemberOfAnotherHousehold):
            await create_household(
                s,
                actor,
                label="Vēl viena",
                members=[NewMember(family["ede"], "head", D(2024, 1, 1))],
                today=TODAY,
            )

    act(settings, tenant_a, carry_on)  # commits
    assert count(rw_sessions, tenant_a, Household) == 1
    assert changes(rw_sessions, tenant_a, "people:household:create") == []


def test_demo_households_load_once(rw_sessions, tenant_a) -> None:
    import random

    from sqlalchemy import insert

    from app.demo import synthetic_persons
    from app.demo_households import ensure_demo_households
    from app.domains.people.models import Person

    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        rows = [{"tenant_id": tenant_a, **r} for r in synthetic_persons(random.Random(3), 300)]
        s.execute(insert(Person), rows)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        created = ensure_demo_households(s, tenant_a)
    assert created > 5
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert ensure_demo_households(s, tenant_a) == 0  # a second run adds nothing
    assert count(rw_sessions, tenant_a, Household) == created
    edges = _edges(rw_sessions, tenant_a)
    assert edges and is_symmetric(edges)
