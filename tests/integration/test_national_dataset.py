"""The national dataset generator at small scale (3 municipalities, 2 000 persons) in its own database:
the counts, valid codes, plausible households, symmetric relationships, tenant isolation, and re-runs."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine, make_url

from app import dbsetup
from app.auth.models import Membership, User
from app.auth.passwords import verify_password
from app.config import Settings, load_settings
from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
from app.domains.cases.models import Case, CaseEntry
from app.domains.households.models import Household, HouseholdMember, Relationship
from app.domains.people.models import Person, PersonAddress
from app.domains.people.rules import AddressData, normalise_name, parse_personal_code
from benchmarks.national_dataset import (
    BENCH_PASSWORD,
    BENCH_USERNAME,
    NEW_FORMAT_SINCE,
    REFERENCE_DATE,
    DatasetError,
    LoadReport,
    MunicipalityGenerator,
    load_national_dataset,
    plan,
    selected_municipalities,
    tenant_id_for,
)

PERSONS, MUNICIPALITIES, SEED = 2_000, 3, 7


@pytest.fixture(scope="module")
def national(servers: dict[str, str]) -> Iterator[tuple[Settings, LoadReport]]:
    """A database of its own: the shared test database has the demo municipalities (same slugs)."""
    name = f"atbalsts_test_national_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, **servers}
    env["DATABASE_URL"] = make_url(servers["DATABASE_URL"]).set(database=name).render_as_string(False)
    for key in ("RUNTIME_DATABASE_URL", "MIGRATOR_DATABASE_URL", "MAINT_DATABASE_URL"):
        env.pop(key, None)
    settings = load_settings(env)
    dbsetup.bootstrap(settings)
    dbsetup.migrate(settings)
    try:
        yield (
            settings,
            load_national_dataset(settings, persons=PERSONS, municipalities=MUNICIPALITIES, seed=SEED),
        )
    finally:
        dbsetup.drop_database(settings, name)


@pytest.fixture(scope="module")
def maint(national: tuple[Settings, LoadReport]) -> Iterator[Engine]:
    engine = make_sync_engine(national[0].maint_url())
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def tenants(maint: Engine) -> dict[str, uuid.UUID]:
    with maint.connect() as conn:
        return {slug: tid for slug, tid in conn.execute(text("SELECT slug, id FROM app.tenants"))}


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def test_persons_per_municipality_follow_the_plan(
    national: tuple[Settings, LoadReport], maint: Engine, tenants: dict[str, uuid.UUID]
) -> None:
    expected = {m.slug: n for m, n in plan(PERSONS, MUNICIPALITIES)}
    assert list(expected) == ["riga", "daugavpils", "jelgava"]
    counts = dict(
        _rows(
            maint,
            "SELECT t.slug, count(*) FROM app.persons p JOIN app.tenants t ON t.id = p.tenant_id GROUP BY 1",
        )
    )
    assert counts == expected
    assert sum(counts.values()) == PERSONS
    assert counts["riga"] > counts["daugavpils"] > counts["jelgava"]
    report = national[1]
    assert [m.status for m in report.municipalities] == ["loaded"] * 3
    assert report.rows["persons"] == PERSONS and report.rows["households"] > PERSONS / 4
    assert set(tenants) == set(expected)
    assert tenants["riga"] == tenant_id_for(SEED, selected_municipalities(1)[0])


def test_the_full_plan_puts_forty_per_cent_in_riga() -> None:
    full = plan(300_000, 43)
    assert len(full) == 43 and sum(n for _, n in full) == 300_000
    assert full[0][0].slug == "riga" and full[0][1] == 120_000
    assert len({m.atvk_code for m, _ in full}) == 43 and all(n > 0 for _, n in full)


def test_every_personal_code_is_valid_and_unique_in_the_country(maint: Engine) -> None:
    persons = _rows(maint, "SELECT personal_code, birth_date FROM app.persons")
    codes = [code for code, _ in persons]
    assert all(codes) and len(set(codes)) == len(codes)  # unique across municipalities too
    new_format = 0
    for code, birth in persons:
        parsed = parse_personal_code(code)
        assert parsed.code == code
        if parsed.is_new_format:
            new_format += 1
        else:
            assert parsed.birth_date == birth and birth < NEW_FORMAT_SINCE
        if birth >= NEW_FORMAT_SINCE:
            assert parsed.is_new_format
    assert 0.05 < new_format / len(persons) < 0.3
    former = _rows(
        maint,
        "SELECT f.code, p.birth_date, p.personal_code FROM app.former_personal_codes f "
        "JOIN app.persons p ON (p.tenant_id, p.id) = (f.tenant_id, f.person_id)",
    )
    assert former  # ~8 % of those born before July 2017 switched to a new code
    current_codes = set(codes)
    for code, birth, current in former:
        assert parse_personal_code(code).birth_date == birth
        assert parse_personal_code(current).is_new_format
        assert code not in current_codes


def test_search_keys_are_those_the_app_computes(maint: Engine) -> None:
    for last, first, norm in _rows(maint, "SELECT last_name, first_name, name_norm FROM app.persons"):
        assert norm == normalise_name(last, first)
    addresses = _rows(
        maint, "SELECT line, locality, postal_code, address_norm, atvk FROM app.person_addresses"
    )
    for line, locality, postal, norm, atvk in addresses:
        # the key the app stores for an address it records
        assert (
            norm == AddressData("declared", line, locality, postal, atvk, REFERENCE_DATE, None).address_norm
        )
        assert postal[:3] == "LV-" and len(postal) == 7 and postal[3:].isdigit()
        assert atvk in {m.atvk_code for m in selected_municipalities(MUNICIPALITIES)}


def test_households_have_plausible_members(maint: Engine) -> None:
    members = _rows(
        maint,
        "SELECT m.household_id, m.role, p.birth_date, p.id FROM app.household_members m "
        "JOIN app.persons p ON (p.tenant_id, p.id) = (m.tenant_id, m.person_id)",
    )
    by_household: dict[uuid.UUID, list[tuple[str, dt.date]]] = {}
    for household, role, birth, _ in members:
        by_household.setdefault(household, []).append((role, birth))
    assert len({pid for *_, pid in members}) == len(members) == PERSONS  # everyone in exactly one household
    sizes = [len(m) for m in by_household.values()]
    assert max(sizes) <= 8 and 2.0 < sum(sizes) / len(sizes) < 3.0
    assert {len(m) for m in by_household.values()} >= {1, 2, 3, 4}
    for household in by_household.values():
        roles = [role for role, _ in household]
        assert roles.count("head") == 1
        head_birth = next(b for r, b in household if r == "head")
        for role, birth in household:
            age = (REFERENCE_DATE - birth).days / 365.25
            if role == "child":
                assert age < 18 and birth > head_birth
            elif role in ("head", "spouse", "partner"):
                assert age >= 18
            elif role == "parent":  # a grandparent living with their adult child
                assert birth < head_birth
    # A household shares its declared address.
    lines = _rows(
        maint,
        "SELECT count(DISTINCT a.line) FROM app.household_members m JOIN app.person_addresses a "
        "ON (a.tenant_id, a.person_id) = (m.tenant_id, m.person_id) "
        "WHERE a.kind = 'declared' AND a.valid_to IS NULL GROUP BY m.household_id",
    )
    assert {n for (n,) in lines} == {1}
    flags = dict(_rows(maint, "SELECT kind, count(*) FROM app.person_flags GROUP BY kind"))
    assert PERSONS * 0.05 < flags["disability"] < PERSONS * 0.2
    assert PERSONS * 0.1 < flags["pensioner"] < PERSONS * 0.4


def test_values_come_from_the_apps_classifiers(maint: Engine) -> None:
    from app.domains.cases.rules import CASE_TYPES, ENTRY_KINDS
    from app.domains.households.rules import MEMBER_ROLES, RELATIONSHIP_KINDS
    from app.domains.people.rules import ADDRESS_KINDS, FLAG_DETAILS, LEGAL_STATUSES, PREFERRED_LANGUAGES

    def values(sql: str) -> set[Any]:
        return {tuple(r) if len(r) > 1 else r[0] for r in _rows(maint, sql)}

    assert values("SELECT DISTINCT role FROM app.household_members") <= set(MEMBER_ROLES)
    assert values("SELECT DISTINCT kind FROM app.relationships") <= set(RELATIONSHIP_KINDS)
    assert values("SELECT DISTINCT kind FROM app.person_addresses") == set(ADDRESS_KINDS)
    assert values("SELECT DISTINCT legal_status FROM app.persons") <= set(LEGAL_STATUSES)
    assert values("SELECT DISTINCT preferred_language FROM app.persons") <= set(PREFERRED_LANGUAGES)
    for kind, detail in values("SELECT DISTINCT kind, detail FROM app.person_flags"):
        assert detail in FLAG_DETAILS[kind]
    assert values("SELECT DISTINCT unnest(case_types) FROM app.cases") <= set(CASE_TYPES)
    assert values("SELECT DISTINCT kind FROM app.case_entries") <= set(ENTRY_KINDS)


def test_relationships_are_symmetric(maint: Engine) -> None:
    inverse = {"parent": "child", "child": "parent", "spouse": "spouse", "partner": "partner"}
    rows = _rows(maint, "SELECT tenant_id, person_id, related_person_id, kind FROM app.relationships")
    assert rows and {kind for *_, kind in rows} == set(inverse)
    stored = set(rows)
    for tenant, person, related, kind in rows:
        assert (tenant, related, person, inverse[kind]) in stored
    gaps = _rows(
        maint,
        "SELECT count(*) FROM app.relationships r JOIN app.persons me ON (me.tenant_id, me.id) = "
        "(r.tenant_id, r.person_id) JOIN app.persons parent ON (parent.tenant_id, parent.id) = "
        "(r.tenant_id, r.related_person_id) WHERE r.kind = 'parent' "
        "AND parent.birth_date > me.birth_date - interval '17 years'",
    )
    assert gaps == [(0,)]


def test_cases_have_timelines_inside_their_period(maint: Engine) -> None:
    cases = _rows(maint, "SELECT id, opened_on, closed_on, number FROM app.cases")
    assert cases
    entries = _rows(maint, "SELECT case_id, occurred_on FROM app.case_entries")
    periods = {cid: (opened, closed or REFERENCE_DATE) for cid, opened, closed, _ in cases}
    assert {cid for cid, _ in entries} == set(periods)
    for cid, day in entries:
        assert periods[cid][0] <= day <= periods[cid][1]
    sequences = _rows(
        maint, "SELECT tenant_id, year, last_value FROM app.number_sequences WHERE name = 'case'"
    )
    numbers = _rows(maint, "SELECT tenant_id, number FROM app.cases")
    assert sum(last for *_, last in sequences) == len(numbers)


def test_rows_are_visible_only_within_their_municipality(
    national: tuple[Settings, LoadReport], tenants: dict[str, uuid.UUID]
) -> None:
    expected = {m.slug: n for m, n in plan(PERSONS, MUNICIPALITIES)}
    engine = make_sync_engine(national[0].runtime_url())  # app_rw, subject to row-level security
    sessions = sync_session_factory(engine)
    try:
        riga_person = None
        for slug, tid in tenants.items():
            with sync_tenant_uow(sessions, tid) as s:
                assert s.scalar(select(func.count()).select_from(Person)) == expected[slug]
                assert s.scalar(select(func.count()).where(Person.tenant_id != tid)) == 0
                for model in (Household, HouseholdMember, Relationship, PersonAddress, Case, CaseEntry):
                    assert (
                        s.scalar(select(func.count()).select_from(model).where(model.tenant_id != tid)) == 0
                    )
                if slug == "riga":
                    riga_person = s.scalar(select(Person.id).limit(1))
                    user = s.scalar(select(User).where(User.username == BENCH_USERNAME))
                    assert user is not None and verify_password(user.password_hash, BENCH_PASSWORD)
                    roles = s.scalar(select(Membership.roles).where(Membership.user_id == user.id))
                    assert roles == ["social_worker"]
        with sync_tenant_uow(sessions, tenants["jelgava"]) as s:
            assert s.get(Person, (tenants["riga"], riga_person)) is None
        with sync_tenant_uow(sessions, None) as s:
            assert s.scalar(select(func.count()).select_from(Person)) == 0
    finally:
        engine.dispose()


def test_a_second_run_changes_nothing_and_a_different_one_is_refused(
    national: tuple[Settings, LoadReport], maint: Engine
) -> None:
    settings = national[0]
    count_sql = "SELECT (SELECT count(*) FROM app.persons), (SELECT count(*) FROM app.users)"
    before = _rows(maint, count_sql)
    again = load_national_dataset(settings, persons=PERSONS, municipalities=MUNICIPALITIES, seed=SEED)
    assert [m.status for m in again.municipalities] == ["already loaded"] * 3 and again.rows == {}
    for kwargs in ({"persons": PERSONS + 10}, {"seed": SEED + 1}):
        args = {"persons": PERSONS, "municipalities": MUNICIPALITIES, "seed": SEED, **kwargs}
        with pytest.raises(DatasetError, match="already holds other data"):
            load_national_dataset(settings, **args)
    assert _rows(maint, count_sql) == before


def test_a_municipality_is_the_same_whatever_else_is_generated() -> None:
    riga = selected_municipalities(1)[0]

    def first_rows(seed: int) -> list[tuple[Any, ...]]:
        batch = next(MunicipalityGenerator(riga, 300, seed).batches(households_per_batch=50))
        return batch.rows["persons"][:20]

    assert first_rows(3) == first_rows(3)
    assert first_rows(3) != first_rows(4)


def test_the_search_benchmark_runs_as_the_app_role_on_the_dataset(
    national: tuple[Settings, LoadReport],
) -> None:
    """benchmarks.people_bench's SQL part at small scale: it draws terms from Rīga, runs every design under
    RLS, and the exact code lookup is an index condition (the figures themselves come from the full run)."""
    from benchmarks.people_bench import DESIGNS, draw_terms, measure_app_search, measure_designs

    settings = national[0]
    terms = draw_terms(settings.maint_url().set(drivername="postgresql").render_as_string(False), 20, 1)
    assert terms.persons == plan(PERSONS, MUNICIPALITIES)[0][1]
    # What the HTTP part types into the search box: surname beginnings, street and house, whole codes.
    assert all(isinstance(p, str) and 3 <= len(p) <= 6 for p in terms.typed_prefixes)
    assert all(any(ch.isdigit() for ch in a) and " " in a for a in terms.typed_addresses)
    assert all(len(c) == 11 and c.isdigit() for c in terms.codes)
    assert all(len(f) == 4 for f in terms.fragments) and len(terms.person_ids) == 80
    results = measure_designs(
        settings.runtime_url().set(drivername="postgresql").render_as_string(False), terms, 3
    )
    assert [r["name"] for r in results] == [d.name for d in DESIGNS]
    by_name = {r["name"]: r for r in results}
    assert by_name["code_exact"]["mean_rows"] == 1.0
    assert by_name["substring_absent"]["mean_rows"] == 0.0
    assert any("Index Cond" in line and "personal_code" in line for line in by_name["code_exact"]["plan"])
    assert all(r["latency_ms"]["p50"] is not None for r in results)
    app_rows = measure_app_search(settings, terms, 3)  # the client list's own read, as a request runs it
    assert [r["name"] for r in app_rows] == ["app_search_name", "app_search_code", "app_search_address"]
    assert {m for r in app_rows for m in r["modes"]} == {"name", "code", "address"}
    assert all(r["mean_rows"] > 0 for r in app_rows)
