"""The cross-municipality check against a real database with two (three) municipalities: it finds the
household's GMI and housing benefits active on the day in the others — by personal code, also a former
one, as applicant, household member or declared member — says only "benefit X in municipality Y until Z",
and writes an audit record in the acting municipality."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import ChangeLog
from app.config import Settings
from app.db import async_session_factory, make_async_engine, sync_tenant_uow, tenant_uow
from app.domains.benefits.crossmunicipal import OtherBenefit, check_other_municipalities
from app.domains.benefits.models import BenefitGrant
from app.domains.households.models import Household, HouseholdMember
from app.domains.people.models import FormerPersonalCode, Person
from app.errors import Forbidden, NotFound
from tests.factories.cases import actor_for
from tests.factories.decision_rows import decided_application, household
from tests.factories.people import insert_persons, unique_code
from tests.factories.staff import create_staff

ON = dt.date(2027, 1, 15)


def check(settings: Settings, tenant: uuid.UUID, actor: Any, application_id: uuid.UUID) -> list[OtherBenefit]:
    """One check as a request makes it: the acting municipality's unit of work, the maintenance engine."""

    async def go() -> list[OtherBenefit]:
        rw = make_async_engine(settings.runtime_url())
        maint = make_async_engine(settings.maint_url())
        try:
            async with tenant_uow(async_session_factory(rw), tenant) as session:
                return await check_other_municipalities(
                    session, actor, application_id, ON, maint=async_session_factory(maint)
                )
        finally:
            await rw.dispose()
            await maint.dispose()

    return asyncio.run(go())


def grant_in(
    rw_sessions, tenant: uuid.UUID, user: uuid.UUID, people: list[dict[str, Any]], **kw: Any
) -> dict[str, Any]:
    home = kw.pop("home", None) or household(
        rw_sessions, tenant, user, people, declaration=kw.pop("declaration", True)
    )
    return {"home": home, **decided_application(rw_sessions, tenant, user, home, **kw)}


@pytest.fixture
def world(rw_sessions, make_tenant) -> dict[str, Any]:
    a, b, c = make_tenant("Ādažu novads"), make_tenant("Bauskas novads"), make_tenant("Cēsu novads")
    officer = create_staff(rw_sessions, {a: ["benefit_officer"]})
    other = create_staff(rw_sessions, {b: ["benefit_officer"], c: ["benefit_officer"]})
    codes = {name: unique_code() for name in ("applicant", "spouse", "child", "stranger")}
    application = grant_in(
        rw_sessions,
        a,
        officer,
        [
            {"first_name": "Jānis", "last_name": "Bērziņš", "personal_code": codes["applicant"]},
            {"first_name": "Anna", "last_name": "Bērziņa", "personal_code": codes["spouse"]},
            {"first_name": "Ģirts", "last_name": "Bērziņš", "personal_code": codes["child"]},
        ],
        grant=False,
    )
    return {"a": a, "b": b, "c": c, "officer": officer, "other": other, "codes": codes, **application}


def test_finds_only_gmi_and_housing_active_on_the_day_in_other_municipalities(
    settings, rw_sessions, world
) -> None:
    a, b, c, codes = world["a"], world["b"], world["c"], world["codes"]
    # Bauska: the applicant gets GMI (to 28.02.2027) and, as a declared member, a housing benefit.
    grant_in(
        rw_sessions,
        b,
        world["other"],
        [{"first_name": "J", "last_name": "B", "personal_code": codes["applicant"]}],
    )
    grant_in(
        rw_sessions,
        b,
        world["other"],
        [
            {"first_name": "X", "last_name": "Y"},
            {"first_name": "A", "last_name": "B", "personal_code": codes["spouse"]},
        ],
        kind="housing",
        valid_to=dt.date(2027, 5, 31),
        benefit_fields={"name_lv": "Mājokļa pabalsts"},
    )
    # Not hits: an ended GMI, one starting after the day, a stopped one, another kind, a stranger's.
    child = household(
        rw_sessions,
        c,
        world["other"],
        [{"first_name": "J", "last_name": "B", "personal_code": codes["child"]}],
    )
    person: list[dict[str, Any]] = []
    grant_in(
        rw_sessions,
        c,
        world["other"],
        person,
        home=child,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    grant_in(
        rw_sessions,
        c,
        world["other"],
        person,
        home=child,
        valid_from=dt.date(2027, 2, 1),
        valid_to=dt.date(2027, 4, 30),
    )
    stopped = grant_in(rw_sessions, c, world["other"], person, home=child)
    with sync_tenant_uow(rw_sessions, c) as s:
        s.get(BenefitGrant, (c, stopped["grant_id"])).ended_on = dt.date(2027, 1, 10)
    grant_in(
        rw_sessions,
        c,
        world["other"],
        person,
        home=child,
        kind="crisis",
        benefit_fields={"name_lv": "Krīzes pabalsts"},
    )
    grant_in(
        rw_sessions,
        c,
        world["other"],
        [{"first_name": "S", "last_name": "T", "personal_code": codes["stranger"]}],
    )
    # The acting municipality's own grant is its own business, not a cross-municipality hit.
    grant_in(
        rw_sessions,
        a,
        world["officer"],
        [{"first_name": "J", "last_name": "B", "personal_code": unique_code()}],
    )

    officer = actor_for(a, world["officer"], "benefit_officer")
    found = check(settings, a, officer, world["application_id"])

    assert found == [
        OtherBenefit("Bauskas novads", "Garantētā minimālā ienākuma pabalsts", dt.date(2027, 2, 28)),
        OtherBenefit("Bauskas novads", "Mājokļa pabalsts", dt.date(2027, 5, 31)),
    ]
    assert [f.name for f in dataclasses.fields(OtherBenefit)] == ["municipality", "benefit", "valid_to"]
    with sync_tenant_uow(rw_sessions, a) as s:
        entry = s.execute(
            select(ChangeLog).where(
                ChangeLog.action == "benefits:application:cross-check",
                ChangeLog.entity_id == world["application_id"],
            )
        ).scalar_one()
    assert entry.actor_user_id == world["officer"]
    assert entry.after == {
        "number": world["application_number"],
        "on": ON.isoformat(),
        "codes_checked": 3,
        "hits": 2,
    }


def test_a_household_member_of_a_grant_under_a_former_code_is_found(settings, rw_sessions, world) -> None:
    b, codes = world["b"], world["codes"]
    # In Bauska the child has a new code (the one the application knows is its former one), is neither the
    # grant's applicant nor declared on it, but lives in the household the grant was made to.
    made = grant_in(
        rw_sessions, b, world["other"], [{"first_name": "P", "last_name": "Q"}], declaration=False
    )
    child = insert_persons(rw_sessions, b, [{"first_name": "Ģirts", "last_name": "Bērziņš"}])[0]
    with sync_tenant_uow(rw_sessions, b) as s:
        s.add(
            FormerPersonalCode(
                tenant_id=b, person_id=child, code=codes["child"], replaced_on=dt.date(2024, 7, 1)
            )
        )
        home = Household(tenant_id=b, label="Q")
        s.add(home)
        s.flush()
        member = HouseholdMember(
            tenant_id=b, household_id=home.id, person_id=child, role="child", joined_on=dt.date(2020, 1, 1)
        )
        s.add(member)
        s.get(BenefitGrant, (b, made["grant_id"])).household_id = home.id
    officer = actor_for(world["a"], world["officer"], "benefit_officer")
    found = check(settings, world["a"], officer, world["application_id"])
    assert found == [
        OtherBenefit("Bauskas novads", "Garantētā minimālā ienākuma pabalsts", dt.date(2027, 2, 28))
    ]

    # Once the child has left that household (before the day), the grant is no longer theirs.
    with sync_tenant_uow(rw_sessions, b) as s:
        s.get(HouseholdMember, (b, member.id)).left_on = dt.date(2027, 1, 1)
    assert check(settings, world["a"], officer, world["application_id"]) == []


def test_without_a_declaration_the_applicant_alone_is_checked(settings, rw_sessions, world) -> None:
    a, b = world["a"], world["b"]
    lone = grant_in(
        rw_sessions,
        a,
        world["officer"],
        [{"first_name": "L", "last_name": "V"}],
        declaration=False,
        grant=False,
    )
    assert lone["home"].declaration_id is None
    with sync_tenant_uow(rw_sessions, a) as s:
        code = s.get(Person, (a, lone["home"].applicant_id)).personal_code
    grant_in(
        rw_sessions,
        b,
        world["other"],
        [{"first_name": "L", "last_name": "V", "personal_code": code}],
        kind="housing",
        benefit_fields={"name_lv": "Mājokļa pabalsts"},
    )
    found = check(settings, a, actor_for(a, world["officer"], "social_worker"), lone["application_id"])
    assert [f.benefit for f in found] == ["Mājokļa pabalsts"]


def test_permission_and_municipality_are_checked(settings, rw_sessions, world) -> None:
    a, b = world["a"], world["b"]
    with pytest.raises(Forbidden):
        check(settings, a, actor_for(a, world["officer"], "readonly_institution"), world["application_id"])
    # Another municipality's application does not exist for the actor.
    with pytest.raises(NotFound):
        check(settings, b, actor_for(b, world["other"], "benefit_officer"), world["application_id"])
    with sync_tenant_uow(rw_sessions, a) as s:
        count = s.execute(
            select(ChangeLog).where(ChangeLog.action == "benefits:application:cross-check")
        ).all()
    assert count == []  # a refused check writes nothing


def test_nobody_to_look_up_finds_nothing_and_is_still_audited(settings, rw_sessions, world) -> None:
    a = world["a"]
    foreign = grant_in(
        rw_sessions,
        a,
        world["officer"],
        [
            {
                "first_name": "Olga",
                "last_name": "Ivanova",
                "personal_code": None,
                "other_id_kind": "passport",
                "other_id": "X123",
            }
        ],
        grant=False,
    )
    assert (
        check(settings, a, actor_for(a, world["officer"], "benefit_officer"), foreign["application_id"]) == []
    )
    with sync_tenant_uow(rw_sessions, a) as s:
        entry = s.execute(
            select(ChangeLog).where(ChangeLog.entity_id == foreign["application_id"])
        ).scalar_one()
    assert entry.after["hits"] == 0 and entry.after["codes_checked"] == 0


def test_amounts_are_never_part_of_the_answer(settings, rw_sessions, world) -> None:
    grant_in(
        rw_sessions,
        world["b"],
        world["other"],
        [{"first_name": "J", "last_name": "B", "personal_code": world["codes"]["applicant"]}],
        amount=Decimal("987.65"),
    )
    found = check(
        settings,
        world["a"],
        actor_for(world["a"], world["officer"], "benefit_officer"),
        world["application_id"],
    )
    assert len(found) == 1 and "987" not in repr(found)
