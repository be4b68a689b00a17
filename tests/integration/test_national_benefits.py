"""The benefits part of the national dataset at small scale (2 municipalities, 3 000 persons) in its own
database: declarations are what the app itself makes of the register and pass its checks, the app assesses
every one, the earlier decisions agree with the app's rules, numbers continue where the dataset left them,
and the benefits benchmark takes a few applications through the real services."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from psycopg.types.json import Jsonb
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncSession

import app.metadata  # noqa: F401  every model, so that the ORM resolves all foreign keys
from app import dbsetup
from app.auth.principal import Actor, TenantChoice
from app.config import Settings, load_settings
from app.db import async_session_factory, make_async_engine, make_sync_engine
from app.domains.assistance.assessment import assess_all, assess_declaration
from app.domains.assistance.declaration_rules import (
    RELATIONS,
    SOCIAL_STATUSES,
    HousingCostEntry,
    IncomeEntry,
    PropertyDraft,
    check_housing_costs,
    check_incomes,
    check_property,
)
from app.domains.assistance.service import start_declaration
from app.domains.benefits.defaults import DEFAULT_CATALOGUE
from benchmarks.national_benefits import WINDOW, ParameterBook
from benchmarks.national_dataset import (
    MunicipalityGenerator,
    load_national_dataset,
    selected_municipalities,
)

PERSONS, MUNICIPALITIES, SEED = 3_000, 2, 11
T = TypeVar("T")


@pytest.fixture(scope="module")
def settings(servers: dict[str, str]) -> Iterator[Settings]:
    """A database of its own (the shared test database has the demo municipalities, same slugs)."""
    name = f"atbalsts_test_benefits_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, **servers}
    env["DATABASE_URL"] = make_url(servers["DATABASE_URL"]).set(database=name).render_as_string(False)
    for key in ("RUNTIME_DATABASE_URL", "MIGRATOR_DATABASE_URL", "MAINT_DATABASE_URL"):
        env.pop(key, None)
    loaded = load_settings(env)
    dbsetup.bootstrap(loaded)
    dbsetup.migrate(loaded)
    try:
        load_national_dataset(loaded, persons=PERSONS, municipalities=MUNICIPALITIES, seed=SEED)
        yield loaded
    finally:
        dbsetup.drop_database(loaded, name)


@pytest.fixture(scope="module")
def maint(settings: Settings) -> Iterator[Engine]:
    engine = make_sync_engine(settings.maint_url())
    yield engine
    engine.dispose()


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _libpq(url: Any) -> str:
    return str(url.set(drivername="postgresql").render_as_string(hide_password=False))


def rolled_back(
    settings: Settings, tenant_id: uuid.UUID, acts: list[Callable[[AsyncSession], Awaitable[T]]]
) -> list[T]:
    """Each act in a session of its own as app_rw, bound to the municipality, rolled back afterwards."""

    async def go() -> list[T]:
        engine = make_async_engine(settings.runtime_url())
        factory = async_session_factory(engine)
        results = []
        try:
            for act in acts:
                async with factory() as session:
                    session.info["tenant_id"] = tenant_id
                    try:
                        results.append(await act(session))
                    finally:
                        await session.rollback()
        finally:
            await engine.dispose()
        return results

    return asyncio.run(go())


def social_worker(maint: Engine, tenant_id: uuid.UUID) -> Actor:
    user_id, username, name = _rows(
        maint,
        "SELECT u.id, u.username, u.full_name FROM app.users u JOIN app.memberships m ON m.user_id = u.id "
        "WHERE m.tenant_id = :t AND 'social_worker' = ANY(m.roles) ORDER BY u.username LIMIT 1",
        t=tenant_id,
    )[0]
    return Actor.build(
        user_id=user_id,
        username=username,
        full_name=name,
        tenant_id=tenant_id,
        memberships=(TenantChoice(tenant_id, "Pašvaldība", "p", ("social_worker",)),),
    )


def test_every_municipality_has_the_catalogue_and_a_tenth_of_households_declared(maint: Engine) -> None:
    codes = _rows(maint, "SELECT tenant_id, code FROM app.benefit_types")
    by_tenant: dict[uuid.UUID, set[str]] = defaultdict(set)
    for tenant, code in codes:
        by_tenant[tenant].add(code)
    assert len(by_tenant) == MUNICIPALITIES
    assert all(found == {e["code"] for e in DEFAULT_CATALOGUE} for found in by_tenant.values())
    households = _rows(maint, "SELECT count(*) FROM app.households")[0][0]
    declarations = _rows(maint, "SELECT household_id, status, declared_on FROM app.declarations")
    submitted = Counter(h for h, status, _ in declarations if status == "submitted")
    assert set(Counter(s for _, s, _ in declarations)) == {"submitted", "superseded"}
    assert max(submitted.values()) == 1  # one current declaration per household
    assert 0.06 < len(submitted) / households < 0.15
    current = {h: day for h, status, day in declarations if status == "submitted"}
    assert all(WINDOW[0] <= day <= WINDOW[1] for day in current.values())
    for household, status, day in declarations:
        if status == "superseded":
            assert day <= current[household] - dt.timedelta(days=180)


def test_declarations_hold_the_household_as_start_declaration_reads_it(
    settings: Settings, maint: Engine
) -> None:
    """The app's own `start_declaration` on the same applicant and date (rolled back) finds the same
    household and members, with the same relation, age, pension and disability."""
    members: dict[uuid.UUID, set[tuple[Any, ...]]] = defaultdict(set)
    for declaration_id, *values in _rows(
        maint,
        "SELECT declaration_id, person_id, relation, age, pensioner, disability_group "
        "FROM app.declaration_members",
    ):
        members[declaration_id].add(tuple(values))
    declarations = _rows(
        maint,
        "SELECT tenant_id, id, applicant_id, household_id, declared_on FROM app.declarations ORDER BY id",
    )
    by_tenant: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in declarations:
        by_tenant[row[0]].append(row)
    compared = 0
    for tenant_id, rows in by_tenant.items():
        actor = social_worker(maint, tenant_id)

        def act(row: Any, actor: Actor = actor) -> Callable[[AsyncSession], Awaitable[Any]]:
            async def go(session: AsyncSession) -> Any:
                made = await start_declaration(session, actor, row[2], declared_on=row[4], today=row[4])
                found = await session.execute(
                    text(
                        "SELECT person_id, relation, age, pensioner, disability_group "
                        "FROM app.declaration_members WHERE declaration_id = :d"
                    ),
                    {"d": made.id},
                )
                return made.household_id, {tuple(r) for r in found}

            return go

        for row, (household_id, made) in zip(
            rows, rolled_back(settings, tenant_id, [act(r) for r in rows]), strict=True
        ):
            assert household_id == row[3]
            assert made == members[row[1]], row
            compared += 1
    assert compared == len(declarations) > 50


def test_what_is_declared_passes_the_apps_checks(maint: Engine) -> None:
    declarations = {
        r[0]: r
        for r in _rows(
            maint,
            "SELECT id, declared_on, owns_dwelling, other_real_property, vehicles, land_hectares, savings, "
            "maintenance_contract, other_criterion_failed FROM app.declarations",
        )
    }
    members = _rows(
        maint, "SELECT id, declaration_id, relation, social_status, age FROM app.declaration_members"
    )
    applicants = Counter(d for _, d, relation, *_ in members if relation == "applicant")
    assert set(applicants) == set(declarations) and set(applicants.values()) == {1}
    assert {relation for _, _, relation, *_ in members} <= set(RELATIONS)
    statuses = {status for *_, status, _ in members}
    assert statuses <= set(SOCIAL_STATUSES) and {"employed", "unemployed", "pensioner", "child"} <= statuses
    incomes: dict[uuid.UUID, list[Any]] = defaultdict(list)
    member_declaration = {m[0]: m[1] for m in members}
    for member_id, code, month, amount, source in _rows(
        maint, "SELECT member_id, income_type, month, amount, source FROM app.declaration_incomes"
    ):
        incomes[member_id].append(IncomeEntry(code, month, amount, source))
    for member_id, entries in incomes.items():
        clean, errors = check_incomes(entries, declarations[member_declaration[member_id]][1])
        assert errors == {} and len(clean) == len(entries)
        assert all(isinstance(e.amount, Decimal) and e.amount > 0 for e in entries)
    costs: dict[uuid.UUID, list[HousingCostEntry]] = defaultdict(list)
    for declaration_id, item, amount, quantity in _rows(
        maint, "SELECT declaration_id, item, amount, quantity FROM app.declaration_housing_costs"
    ):
        costs[declaration_id].append(HousingCostEntry(item, amount, quantity))
    assert len(costs) == len(declarations)  # every household pays something for its dwelling
    for entries in costs.values():
        clean_costs, errors = check_housing_costs(entries)
        assert errors == {} and len(clean_costs) == len(entries)
    for _, _, owns, real, vehicles, land, savings, contract, other in declarations.values():
        _, errors = check_property(PropertyDraft(owns, real, vehicles, land, savings, contract, other or ""))
        assert errors == {}


def test_the_app_assesses_every_current_declaration(settings: Settings, maint: Engine) -> None:
    rows = _rows(maint, "SELECT tenant_id, id FROM app.declarations WHERE status = 'submitted'")
    results = []
    for tenant_id in {t for t, _ in rows}:
        ids = [d for t, d in rows if t == tenant_id]

        def act(declaration_id: uuid.UUID) -> Callable[[AsyncSession], Awaitable[Any]]:
            return lambda session: assess_all(session, declaration_id)

        results += rolled_back(settings, tenant_id, [act(d) for d in ids])
    gmi = [r["gmi"] for r in results]
    eligible = [c for c in gmi if c.eligible]
    assert 0.55 < len(eligible) / len(gmi) < 0.95  # most are below the GMI sum, some above
    assert all(c.amount > 0 and c.period_months in (1, 3) for c in eligible)
    assert any(r["housing"].eligible for r in results) and any(r["needy_status"].eligible for r in results)


def test_earlier_decisions_are_what_the_apps_rules_give(settings: Settings, maint: Engine) -> None:
    applications = _rows(
        maint,
        "SELECT a.tenant_id, a.declaration_id, b.kind, a.assessed_amount, a.assessed_eligible, "
        "a.assessed_period_months, a.explanation, a.received_on, d.outcome, d.amount, d.valid_from, "
        "d.valid_to, d.grant_id, d.id FROM app.applications a JOIN app.benefit_types b "
        "ON (b.tenant_id, b.id) = (a.tenant_id, a.benefit_type_id) "
        "JOIN app.decisions d ON (d.tenant_id, d.application_id) = (a.tenant_id, a.id)",
    )
    assert len(applications) > 20 and {r[2] for r in applications} == {"gmi", "needy_status"}
    grants = {
        r[0]: r[1:]
        for r in _rows(maint, "SELECT decision_id, id, amount, valid_from, valid_to FROM app.benefit_grants")
    }
    statuses = {
        r[0]: r[1:]
        for r in _rows(maint, "SELECT decision_id, kind, valid_from, valid_to FROM app.assistance_statuses")
    }
    current = dict(
        _rows(maint, "SELECT applicant_id, declared_on FROM app.declarations WHERE status = 'submitted'")
    )
    applicant_of = dict(_rows(maint, "SELECT id, applicant_id FROM app.declarations"))
    for tenant_id in {r[0] for r in applications}:
        mine = [r for r in applications if r[0] == tenant_id]

        def act(declaration_id: uuid.UUID, kind: str) -> Callable[[AsyncSession], Awaitable[Any]]:
            return lambda session: assess_declaration(session, declaration_id, kind)

        again = rolled_back(settings, tenant_id, [act(r[1], r[2]) for r in mine])
        for row, computed in zip(mine, again, strict=True):
            _, declaration, kind, amount, eligible, months, explanation, received = row[:8]
            outcome, granted, valid_from, valid_to, grant_id, decision_id = row[8:]
            assert (amount, eligible, months) == (
                computed.amount if computed.eligible else Decimal("0.00"),
                computed.eligible,
                computed.period_months,
            )
            assert explanation == computed.as_json()
            assert outcome == ("granted" if eligible else "refused")
            if outcome == "refused":
                assert decision_id not in grants and decision_id not in statuses and valid_from is None
                continue
            assert valid_from == received and valid_to < current[applicant_of[declaration]]
            if kind == "gmi":
                assert grants[decision_id][0] == grant_id and grants[decision_id][1] == granted == amount
                assert grants[decision_id][2:] == (valid_from, valid_to)
            else:
                assert granted is None and statuses[decision_id] == ("needy", valid_from, valid_to)


def test_numbers_continue_where_the_dataset_left_them(maint: Engine) -> None:
    used: dict[tuple[uuid.UUID, str, int], int] = defaultdict(int)
    for table, name in (
        ("declarations", "declaration"),
        ("applications", "applications"),
        ("decisions", "decisions"),
    ):
        for tenant, number in _rows(maint, f"SELECT tenant_id, number FROM app.{table}"):
            match = re.fullmatch(r"[A-Z]+-(\d{4})/(\d{5})", number)
            assert match, number
            key = (tenant, name, int(match[1]))
            used[key] = max(used[key], int(match[2]))
    sequences = {
        (t, name, year): last
        for t, name, year, last in _rows(
            maint, "SELECT tenant_id, name, year, last_value FROM app.number_sequences WHERE name <> 'case'"
        )
    }
    assert sequences == used


def test_the_benefits_part_is_deterministic_and_leaves_the_rest_alone(maint: Engine) -> None:
    with maint.connect() as conn:
        book = ParameterBook.read(conn.connection.driver_connection)
    riga = selected_municipalities(1)[0]

    def rows(parameters: ParameterBook | None) -> dict[str, list[Any]]:
        batches = list(MunicipalityGenerator(riga, 1_500, 3, parameters).batches(households_per_batch=100))
        return {table: [plain(r) for b in batches for r in b.rows[table]] for table in batches[0].rows}

    def plain(row: tuple[Any, ...]) -> tuple[Any, ...]:  # JSON columns are wrapped for COPY
        return tuple(v.obj if isinstance(v, Jsonb) else v for v in row)

    first, second, without = rows(book), rows(book), rows(None)
    assert first["declarations"] and first == second
    assert not without["declarations"] and not without["applications"]
    for table in ("persons", "households", "household_members", "person_flags", "cases"):
        assert without[table] == first[table]


def test_the_benefits_benchmark_takes_applications_through_the_services(settings: Settings) -> None:
    """benchmarks.benefits_bench at small scale: receive, compute and decide a few GMI applications as
    app_rw, then its own checks of what was written and a recomputation pass."""
    from benchmarks.benefits_bench import (
        StatementLog,
        check_written,
        draw_work,
        explain_statements,
        recompute_sample,
        run_batch,
        summarise,
    )

    work, held = draw_work(_libpq(settings.maint_url()), "GMI", 14, seed=2)
    assert held["candidates"] >= 14 and len({w.declaration_id for w in work}) == 14
    log = StatementLog()
    outcomes, wall = asyncio.run(run_batch(settings, work, code="GMI", concurrency=2, warmup=2, log=log))
    summary = summarise(outcomes, wall, 2)
    assert summary["succeeded"] == 12 and summary["errors"] == {}
    assert summary["acts"]["compute"]["statements_mean"] > 0
    written = check_written(_libpq(settings.maint_url()), outcomes, "GMI")
    assert written["ok"] and written["decisions_written"] == 12
    assert written["grants_written"] == summary["outcomes"].get("granted", 0)
    again = asyncio.run(recompute_sample(settings, work[2:], outcomes, "GMI", 6, seed=1))
    assert again["ok"] and again["sample"] == 6 and again["independent_formula_checked"] == 6
    statements = explain_statements(_libpq(settings.runtime_url()), log)
    assert any("plan" in s for s in statements)
    _, left = draw_work(_libpq(settings.maint_url()), "GMI", 1, seed=2)
    assert left["candidates"] == held["candidates"] - 14  # taken declarations are not drawn again
