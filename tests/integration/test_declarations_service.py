"""The means-test declaration's acts against a real database (as app_rw, under RLS): starting one takes the
household on the date with relations, ages, pension and disability; incomes by month within the period
only; bad input (a month outside the period, a member not in the household, negative or non-numeric
amounts) is refused with a clear message and leaves nothing behind; stale versions and submitted
declarations are 409; submitting supersedes the older one; reads are pinned in statements."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from app.audit.models import ChangeLog
from app.db import async_session_factory, make_async_engine
from app.domains.assistance import service
from app.domains.assistance.declaration_rules import HousingCostEntry, IncomeEntry, Message, PropertyDraft
from app.domains.assistance.models import (
    Declaration,
    DeclarationHousingCost,
    DeclarationIncome,
    DeclarationMember,
)
from app.domains.assistance.queries import declaration_card, person_declarations
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories.cases import actor_for, rows_of, run_act
from tests.factories.declarations import Family, enter_incomes, make_family, start
from tests.factories.staff import create_staff

DECLARED = dt.date(2026, 3, 10)  # regular months 12.2025–02.2026, irregular 03.2025–02.2026
DEC, JAN, FEB = dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)


@pytest.fixture
def world(settings, rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, full_name="Ilze Liepa")
    accountant = create_staff(rw_sessions, {tenant_a: ["accountant"]}, full_name="Uldis Liepa")
    foreign = create_staff(rw_sessions, {tenant_b: ["benefit_officer"]}, full_name="Baiba Grīnberga")
    return {
        "settings": settings,
        "tenant": tenant_a,
        "officer": actor_for(tenant_a, officer, "benefit_officer"),
        "accountant": actor_for(tenant_a, accountant, "accountant"),
        "foreign": actor_for(tenant_b, foreign, "benefit_officer"),
        "family": make_family(rw_sessions, tenant_a),
    }


def act(world: dict[str, Any], fn: Any) -> Any:
    return run_act(world["settings"], world["tenant"], fn)


def card_of(world: dict[str, Any], declaration_id: uuid.UUID) -> Any:
    return act(world, lambda s: declaration_card(s, declaration_id))


def members_by_person(world: dict[str, Any], declaration_id: uuid.UUID) -> dict[uuid.UUID, Any]:
    return {m.person_id: m for m in card_of(world, declaration_id).members}


def count(rw_sessions, tenant, model, *where: Any) -> int:
    return rows_of(rw_sessions, tenant, select(func.count()).select_from(model).where(*where))[0][0]


def new_declaration(world: dict[str, Any], applicant: uuid.UUID | None = None) -> uuid.UUID:
    family: Family = world["family"]
    return start(world["settings"], world["tenant"], world["officer"], applicant or family.janis, DECLARED)


# --- starting ---------------------------------------------------------------------------------------------


def test_starting_takes_the_household_on_the_date_numbered_and_audited(world, rw_sessions, tenant_a) -> None:
    family: Family = world["family"]
    declaration_id = new_declaration(world)
    card = card_of(world, declaration_id)
    assert card.number == "D-2026/00001" and card.status == "draft" and card.version == 1
    assert card.household_id == family.household
    assert card.regular_months == (DEC, JAN, FEB)
    assert card.irregular_months[0] == dt.date(2025, 3, 1) and len(card.irregular_months) == 12
    by_person = {m.person_id: m for m in card.members}
    assert set(by_person) == {family.janis, family.anna, family.roberts, family.velta}
    janis, anna, roberts, velta = (
        by_person[p] for p in (family.janis, family.anna, family.roberts, family.velta)
    )
    assert (janis.relation, janis.age, janis.social_status) == ("applicant", 45, "other")
    assert (anna.relation, anna.age) == ("spouse", 42)
    assert (roberts.relation, roberts.age, roberts.social_status) == ("child", 11, "pupil")
    assert (velta.relation, velta.age, velta.social_status) == ("other_relative", 76, "pensioner")
    assert velta.pensioner and velta.disability_group == 2 and not anna.pensioner
    assert card.members[0].relation == "applicant"
    audit = rows_of(
        rw_sessions,
        tenant_a,
        select(ChangeLog.action, ChangeLog.after).where(ChangeLog.entity_type == "declaration"),
    )
    assert [a for a, _ in audit] == ["assistance:declaration:start"]
    assert audit[0][1]["number"] == "D-2026/00001" and len(audit[0][1]["members"]) == 4


def test_a_person_in_no_household_declares_alone(world) -> None:
    declaration_id = new_declaration(world, world["family"].neighbour)
    card = card_of(world, declaration_id)
    assert card.household_id is None
    assert [(m.relation, m.name) for m in card.members] == [("applicant", "Pēteris Ozols")]


def test_one_draft_at_a_time_and_no_future_date(world, rw_sessions, tenant_a) -> None:
    new_declaration(world)
    with pytest.raises(InvalidInput) as refused:
        new_declaration(world)
    message = refused.value.errors["declared_on"][0]
    assert isinstance(message, Message) and "D-2026/00001" in message
    assert message.in_language("lv").startswith("Deklarācija D-2026/00001")
    officer, person = world["officer"], world["family"].anna
    with pytest.raises(InvalidInput) as future:
        act(
            world,
            lambda s: service.start_declaration(
                s, officer, person, declared_on=DECLARED + dt.timedelta(days=1), today=DECLARED
            ),
        )
    assert future.value.errors == {"declared_on": ["The declaration date cannot be in the future."]}
    assert count(rw_sessions, tenant_a, Declaration) == 1


def test_who_may_start_and_see(world) -> None:
    family = world["family"]
    with pytest.raises(Forbidden):
        act(
            world,
            lambda s: service.start_declaration(
                s, world["accountant"], family.janis, declared_on=DECLARED, today=DECLARED
            ),
        )
    declaration_id = new_declaration(world)
    assert (
        act(world, lambda s: service.view_declaration(s, world["accountant"], declaration_id)).id
        == declaration_id
    )

    async def foreign(session: Any) -> Any:
        return await service.view_declaration(session, world["foreign"], declaration_id)

    with pytest.raises(NotFound):
        run_act(world["settings"], world["foreign"].tenant_id, foreign)


# --- incomes ----------------------------------------------------------------------------------------------


def test_incomes_by_month_and_the_averages(world) -> None:
    family = world["family"]
    declaration_id = new_declaration(world)
    members = members_by_person(world, declaration_id)
    rows = [("wages", DEC, "900"), ("wages", JAN, "900,00"), ("wages", FEB, "1 000")]
    rows += [("family_benefit", m, "25") for m in (DEC, JAN, FEB)]  # declared, not counted
    rows += [("property_sale", dt.date(2025, 6, 1), "1200.00"), ("wages", FEB, "")]  # blank: no income
    kept = enter_incomes(
        world["settings"], world["tenant"], world["officer"], declaration_id, members[family.janis].id, rows
    )
    assert kept == 7
    card = card_of(world, declaration_id)
    janis = card.member(members[family.janis].id)
    assert [r.income_type for r in janis.regular] == ["wages", "family_benefit"]
    assert janis.regular[0].amounts == {
        DEC: Decimal("900.00"),
        JAN: Decimal("900.00"),
        FEB: Decimal("1000.00"),
    }
    assert not janis.regular[1].counts
    assert [r.income_type for r in janis.irregular] == ["property_sale"]
    # (900 + 900 + 1000) / 3 + 1200 / 12 = 933.33 + 100
    assert janis.average == Decimal("1033.33")
    assert card.household_average == Decimal("1033.33") and card.average_per_person == Decimal("258.33")
    assert card.version == 2
    # Setting again replaces the member's incomes.
    enter_incomes(
        world["settings"],
        world["tenant"],
        world["officer"],
        declaration_id,
        janis.id,
        [("pension", JAN, "400")],
    )
    janis = card_of(world, declaration_id).member(janis.id)
    assert [(r.income_type, dict(r.amounts)) for r in janis.regular] == [
        ("pension", {JAN: Decimal("400.00")})
    ]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            ("wages", dt.date(2025, 11, 1), "500"),
            "month",
            "11.2025 is outside the declaration period: regular incomes are declared for the last 3 "
            "full months (12.2025, 01.2026, 02.2026).",
        ),
        (
            ("gift", dt.date(2026, 3, 1), "50"),
            "month",
            "03.2026 is outside the declaration period: irregular incomes are declared for the 12 months "
            "03.2025–02.2026.",
        ),
        (("wages", JAN, "-5"), "amount", "The amount cannot be negative."),
        (("wages", JAN, "piecsimt"), "amount", "Enter the amount as a number in euros, e.g. 450,00."),
        (
            ("wages", JAN, "12.345"),
            "amount",
            "Enter the amount in euros and cents: at most two digits after the comma.",
        ),
        (("wages", JAN, "5000000"), "amount", "The amount is too large: at most 999 999,99 €."),
        (("lottery", JAN, "10"), "income_type", "Choose an income type from the list."),
        (("wages", "2026-13", "10"), "month", "Choose a month from the list."),
    ],
)
def test_bad_incomes_are_refused_and_nothing_is_saved(
    world, rw_sessions, tenant_a, row, field, message
) -> None:
    family = world["family"]
    declaration_id = new_declaration(world)
    member = members_by_person(world, declaration_id)[family.anna]
    good = IncomeEntry("wages", DEC, "700")
    entries = [good, IncomeEntry(*row)]
    officer = world["officer"]
    with pytest.raises(InvalidInput) as refused:
        act(world, lambda s: service.set_incomes(s, officer, declaration_id, member.id, entries, version=1))
    assert refused.value.errors == {f"incomes.1.{field}": [message]}
    assert count(rw_sessions, tenant_a, DeclarationIncome) == 0
    assert card_of(world, declaration_id).version == 1
    assert count(rw_sessions, tenant_a, ChangeLog, ChangeLog.action.like("%incomes%")) == 0


def test_the_outside_month_message_in_latvian_names_the_months(world) -> None:
    declaration_id = new_declaration(world)
    member = members_by_person(world, declaration_id)[world["family"].anna]
    entries = [IncomeEntry("wages", dt.date(2025, 9, 1), "500")]
    with pytest.raises(InvalidInput) as refused:
        act(
            world,
            lambda s: service.set_incomes(
                s, world["officer"], declaration_id, member.id, entries, version=None
            ),
        )
    (message,) = refused.value.errors["incomes.0.month"]
    assert message.in_language("lv") == (
        "09.2025 ir ārpus deklarācijas perioda: regulāros ienākumus deklarē par pēdējiem 3 pilniem mēnešiem "
        "(12.2025, 01.2026, 02.2026)."
    )


def test_incomes_of_someone_not_in_this_declaration_are_refused(world, rw_sessions, tenant_a) -> None:
    family = world["family"]
    declaration_id = new_declaration(world)
    other = new_declaration(world, family.neighbour)
    stranger = members_by_person(world, other)[family.neighbour]
    entries = [IncomeEntry("wages", JAN, "500")]
    for member_id in (stranger.id, uuid.uuid4(), None):
        with pytest.raises(InvalidInput) as refused:
            act(
                world,
                lambda s, member_id=member_id: service.set_incomes(
                    s, world["officer"], declaration_id, member_id, entries, version=None
                ),
            )
        assert refused.value.errors == {
            "member_id": ["This person is not a member of this declaration's household."]
        }
    assert count(rw_sessions, tenant_a, DeclarationIncome) == 0


# --- members ----------------------------------------------------------------------------------------------


def test_members_come_from_the_household_on_the_date(world, rw_sessions, tenant_a) -> None:
    family = world["family"]
    officer = world["officer"]
    declaration_id = new_declaration(world)
    members = members_by_person(world, declaration_id)
    enter_incomes(
        world["settings"],
        tenant_a,
        officer,
        declaration_id,
        members[family.velta].id,
        [("pension", JAN, "450")],
    )

    with pytest.raises(InvalidInput) as outsider:
        act(
            world,
            lambda s: service.add_member(
                s, officer, declaration_id, family.neighbour, relation="other", version=None
            ),
        )
    assert outsider.value.errors["person_id"][0].startswith(
        "This person was not a member of the applicant's household"
    )
    with pytest.raises(InvalidInput) as twice:
        act(
            world,
            lambda s: service.add_member(
                s, officer, declaration_id, family.anna, relation="spouse", version=None
            ),
        )
    assert twice.value.errors == {"person_id": ["This person is already in the declaration."]}

    act(
        world,
        lambda s: service.remove_member(s, officer, declaration_id, members[family.velta].id, version=None),
    )
    assert count(rw_sessions, tenant_a, DeclarationIncome) == 0
    assert family.velta not in members_by_person(world, declaration_id)
    act(
        world,
        lambda s: service.add_member(
            s, officer, declaration_id, family.velta, relation="parent", version=None
        ),
    )
    velta = members_by_person(world, declaration_id)[family.velta]
    assert (velta.relation, velta.pensioner, velta.disability_group) == ("parent", True, 2)

    with pytest.raises(InvalidInput) as applicant:
        act(
            world,
            lambda s: service.remove_member(
                s, officer, declaration_id, members[family.janis].id, version=None
            ),
        )
    assert applicant.value.errors == {
        "member_id": ["The applicant cannot be removed from their own declaration."]
    }

    act(
        world,
        lambda s: service.edit_member(
            s,
            officer,
            declaration_id,
            members[family.anna].id,
            relation="partner",
            social_status="unemployed",
            version=None,
        ),
    )
    anna = members_by_person(world, declaration_id)[family.anna]
    assert (anna.relation, anna.social_status) == ("partner", "unemployed")
    with pytest.raises(InvalidInput) as bad:
        act(
            world,
            lambda s: service.edit_member(
                s, officer, declaration_id, anna.id, relation="applicant", social_status="rich", version=None
            ),
        )
    assert set(bad.value.errors) == {"relation", "social_status"}
    actions = rows_of(rw_sessions, tenant_a, select(ChangeLog.action).order_by(ChangeLog.id))
    assert [a for (a,) in actions if a.startswith("assistance:declaration:member")] == [
        "assistance:declaration:member:remove",
        "assistance:declaration:member:add",
        "assistance:declaration:member:edit",
    ]


def test_without_a_household_the_officer_adds_who_lives_together(world) -> None:
    family = world["family"]
    declaration_id = new_declaration(world, family.neighbour)
    act(
        world,
        lambda s: service.add_member(
            s,
            world["officer"],
            declaration_id,
            family.anna,
            relation="partner",
            social_status="employed",
            version=1,
        ),
    )
    members = members_by_person(world, declaration_id)
    assert (members[family.anna].relation, members[family.anna].social_status) == ("partner", "employed")
    with pytest.raises(InvalidInput) as nobody:
        act(
            world,
            lambda s: service.add_member(
                s, world["officer"], declaration_id, uuid.uuid4(), relation="other", version=None
            ),
        )
    assert nobody.value.errors == {"person_id": ["Choose a person registered in this municipality."]}


# --- property, housing costs ------------------------------------------------------------------------------


def test_property_and_housing_costs(world, rw_sessions, tenant_a) -> None:
    officer = world["officer"]
    declaration_id = new_declaration(world)
    draft = PropertyDraft(True, "1", "2", "1,5", "1 250,50", False, "  Nav reģistrējies NVA  ")
    act(world, lambda s: service.set_property(s, officer, declaration_id, draft, version=1))
    costs = [
        HousingCostEntry("rent", "120"),
        HousingCostEntry("heating", "80,5", "1,25"),
        HousingCostEntry("gas", ""),
    ]
    assert act(world, lambda s: service.set_housing_costs(s, officer, declaration_id, costs, version=2)) == 2
    card = card_of(world, declaration_id)
    assert (card.owns_dwelling, card.other_real_property, card.vehicles) == (True, 1, 2)
    assert (card.land_hectares, card.savings) == (Decimal("1.50"), Decimal("1250.50"))
    assert card.other_criterion_failed == "Nav reģistrējies NVA"
    assert [(c.item, c.amount, c.quantity) for c in card.housing_costs] == [
        ("rent", Decimal("120.00"), None),
        ("heating", Decimal("80.50"), Decimal("1.250")),
    ]
    assert card.housing_total == Decimal("200.50") and card.version == 3

    bad = PropertyDraft(False, "-1", "x", "1,234", "-5", False, "")
    with pytest.raises(InvalidInput) as refused:
        act(world, lambda s: service.set_property(s, officer, declaration_id, bad, version=3))
    assert set(refused.value.errors) == {"other_real_property", "vehicles", "land_hectares", "savings"}
    assert refused.value.errors["savings"] == ["The amount cannot be negative."]
    wrong = [
        HousingCostEntry("rent", "-1"),
        HousingCostEntry("yacht", "10"),
        HousingCostEntry("water", "", "3"),
    ]
    with pytest.raises(InvalidInput) as refused:
        act(world, lambda s: service.set_housing_costs(s, officer, declaration_id, wrong, version=3))
    assert refused.value.errors == {
        "costs.rent.amount": ["The amount cannot be negative."],
        "costs.yacht.amount": ["Choose a housing cost from the list."],
        "costs.water.amount": ["Enter the monthly amount of this cost."],
    }
    assert count(rw_sessions, tenant_a, DeclarationHousingCost) == 2
    assert card_of(world, declaration_id).savings == Decimal("1250.50")


# --- versions, submitting ---------------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict(world) -> None:
    officer = world["officer"]
    declaration_id = new_declaration(world)
    act(
        world,
        lambda s: service.set_property(s, officer, declaration_id, PropertyDraft(vehicles="1"), version=1),
    )
    with pytest.raises(Conflict) as stale:
        act(
            world,
            lambda s: service.set_property(
                s, officer, declaration_id, PropertyDraft(vehicles="2"), version=1
            ),
        )
    assert "changed the declaration meanwhile" in stale.value.detail
    assert card_of(world, declaration_id).vehicles == 1


def test_submitting_makes_it_read_only_and_supersedes_the_older_one(world, rw_sessions, tenant_a) -> None:
    family = world["family"]
    officer = world["officer"]
    now = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
    first = new_declaration(world)
    with pytest.raises(InvalidInput) as unsigned:
        act(world, lambda s: service.submit_declaration(s, officer, first, version=1, signed=False, now=now))
    assert unsigned.value.errors == {
        "signed": ["Confirm that the applicant signed the declaration and that you accepted it."]
    }
    act(world, lambda s: service.submit_declaration(s, officer, first, version=1, signed=True, now=now))
    card = card_of(world, first)
    assert card.status == "submitted" and card.submitted_at == now and card.submitted_by_name == "Ilze Liepa"
    member = card.members[0].id
    for attempt in (
        lambda s: service.set_incomes(
            s, officer, first, member, [IncomeEntry("wages", JAN, "1")], version=None
        ),
        lambda s: service.set_property(s, officer, first, PropertyDraft(), version=None),
        lambda s: service.remove_member(s, officer, first, member, version=None),
        lambda s: service.discard_declaration(s, officer, first, version=None),
    ):
        with pytest.raises(Conflict) as read_only:
            act(world, attempt)
        assert read_only.value.detail.startswith("The declaration is submitted")

    second = start(world["settings"], tenant_a, officer, family.janis, DECLARED + dt.timedelta(days=1))
    act(world, lambda s: service.submit_declaration(s, officer, second, version=None, signed=True, now=now))
    assert card_of(world, first).status == "superseded"
    assert card_of(world, second).status == "submitted"
    listed = act(world, lambda s: person_declarations(s, family.anna))
    assert [(r.number, r.status, r.member_count) for r in listed] == [
        ("D-2026/00002", "submitted", 4),
        ("D-2026/00001", "superseded", 4),
    ]


def test_discarding_a_draft_deletes_it(world, rw_sessions, tenant_a) -> None:
    declaration_id = new_declaration(world)
    member = members_by_person(world, declaration_id)[world["family"].janis]
    enter_incomes(
        world["settings"], tenant_a, world["officer"], declaration_id, member.id, [("wages", JAN, "10")]
    )
    applicant = act(
        world, lambda s: service.discard_declaration(s, world["officer"], declaration_id, version=2)
    )
    assert applicant == world["family"].janis
    for model in (Declaration, DeclarationMember, DeclarationIncome):
        assert count(rw_sessions, tenant_a, model) == 0
    new_declaration(world)  # a new draft is allowed again


# --- reads ------------------------------------------------------------------------------------------------


def statements_of(settings: Any, tenant_id: uuid.UUID, read: Any) -> tuple[int, Any]:
    async def run() -> tuple[int, Any]:
        engine = make_async_engine(settings.runtime_url())
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        try:
            async with async_session_factory(engine)() as session:
                session.info["tenant_id"] = tenant_id
                await session.execute(text("select 1"))
                statements.clear()
                result = await read(session)
                return len(statements), result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_reads_are_a_fixed_number_of_statements(world, tenant_a) -> None:
    family = world["family"]
    declaration_id = new_declaration(world)
    members = members_by_person(world, declaration_id)
    for person in (family.janis, family.anna):
        enter_incomes(
            world["settings"],
            tenant_a,
            world["officer"],
            declaration_id,
            members[person].id,
            [("wages", JAN, "10")],
        )
    n, card = statements_of(world["settings"], tenant_a, lambda s: declaration_card(s, declaration_id))
    assert n == 4 and len(card.members) == 4
    n, rows = statements_of(world["settings"], tenant_a, lambda s: person_declarations(s, family.janis))
    assert n == 1 and len(rows) == 1
