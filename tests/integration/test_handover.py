"""The status hand-over against a real database: one row per member of each needy or low-income status
valid on the day, only the municipality's own; keyset pages that cover every row once; a CSV Excel reads
(BOM, `;`, Latvian headers, codes kept as text, no formulas); STATUS_EXPORT; each export audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.benefits.handover import count_holders, decode_holder_cursor, statuses_csv, statuses_page
from app.errors import Forbidden
from tests.factories.cases import actor_for, run_act
from tests.factories.decision_rows import decided_application, household
from tests.factories.staff import create_staff

ON = dt.date(2027, 1, 15)


def status(rw_sessions, tenant, user, people, kind="needy_status", **kw: Any) -> dict[str, Any]:
    home = household(rw_sessions, tenant, user, people)
    made = decided_application(rw_sessions, tenant, user, home, kind=kind, amount=None, lines=[], **kw)
    return {"home": home, **made}


@pytest.fixture
def world(rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"], tenant_b: ["benefit_officer"]})
    family = status(
        rw_sessions,
        tenant_a,
        officer,
        [
            {"first_name": "Jānis", "last_name": "Bērziņš", "personal_code": "01018010006"},
            {"first_name": "Anna", "last_name": "Bērziņa"},
            {"first_name": "=cmd|' /C calc'!A0", "last_name": "Ābele"},
        ],
    )
    single = status(
        rw_sessions,
        tenant_a,
        officer,
        [{"first_name": "Žanis", "last_name": "Zariņš"}],
        kind="low_income_status",
        valid_from=dt.date(2027, 1, 1),
        valid_to=dt.date(2027, 6, 30),
    )
    # Not on the day: ended before it, starts after it; and another municipality's.
    status(
        rw_sessions,
        tenant_a,
        officer,
        [{"first_name": "Vecais", "last_name": "Statuss"}],
        valid_from=dt.date(2026, 6, 1),
        valid_to=dt.date(2026, 11, 30),
    )
    status(
        rw_sessions,
        tenant_a,
        officer,
        [{"first_name": "Nākamais", "last_name": "Statuss"}],
        valid_from=dt.date(2027, 2, 1),
        valid_to=dt.date(2027, 4, 30),
    )
    status(rw_sessions, tenant_b, officer, [{"first_name": "Cits", "last_name": "Novads"}])
    return {
        "tenant": tenant_a,
        "officer": actor_for(tenant_a, officer, "benefit_officer"),
        "family": family,
        "single": single,
    }


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_lists_each_holder_on_the_day_in_latvian_for_excel(settings, rw_sessions, world) -> None:
    body = run_act(settings, world["tenant"], lambda s: statuses_csv(s, world["officer"], ON))

    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    assert b"\r\n" in body
    rows = rows_of(body)
    assert rows[0] == [
        "Personas kods",
        "Vārds",
        "Uzvārds",
        "Statuss",
        "Spēkā no",
        "Spēkā līdz",
        "Pašvaldība",
    ]
    names = [(r[2], r[1]) for r in rows[1:]]
    # Latvian alphabetical order by last name: Ābele, Bērziņa, Bērziņš, Zariņš.
    assert names == [
        ("Ābele", "'=cmd|' /C calc'!A0"),
        ("Bērziņa", "Anna"),
        ("Bērziņš", "Jānis"),
        ("Zariņš", "Žanis"),
    ]
    janis = next(r for r in rows if r[1] == "Jānis")
    assert janis == [
        "010180-10006",
        "Jānis",
        "Bērziņš",
        "Trūcīga mājsaimniecība",
        "2026-12-01",
        "2027-02-28",
        "Ādažu novads",
    ]
    zanis = next(r for r in rows if r[1] == "Žanis")
    assert zanis[3:6] == ["Maznodrošināta mājsaimniecība", "2027-01-01", "2027-06-30"]
    with sync_tenant_uow(rw_sessions, world["tenant"]) as s:
        entry = s.execute(select(ChangeLog).where(ChangeLog.action == "benefits:status:export")).scalar_one()
    assert entry.actor_user_id == world["officer"].user_id
    assert entry.after == {"on": ON.isoformat(), "format": "csv", "rows": 4}


def test_pages_cover_every_holder_once_in_a_stable_order(settings, world) -> None:
    officer, tenant = world["officer"], world["tenant"]
    seen: list[tuple[uuid.UUID, uuid.UUID]] = []
    after = None
    for _ in range(10):
        page = run_act(settings, tenant, lambda s, a=after: statuses_page(s, officer, ON, after=a, limit=1))
        seen += [(r.status_id, r.person_id) for r in page.rows]
        if page.next_cursor is None:
            break
        after = decode_holder_cursor(page.next_cursor)
    assert len(seen) == len(set(seen)) == 4 and seen == sorted(seen)
    everything = run_act(settings, tenant, lambda s: statuses_page(s, officer, ON, limit=100))
    assert [(r.status_id, r.person_id) for r in everything.rows] == seen and everything.next_cursor is None
    assert {r.kind for r in everything.rows} == {"needy", "low_income"}
    assert run_act(settings, tenant, lambda s: count_holders(s, officer, ON)) == 4


def test_a_day_with_no_status_gives_the_headers_alone(settings, world) -> None:
    body = run_act(
        settings, world["tenant"], lambda s: statuses_csv(s, world["officer"], dt.date(2020, 1, 1))
    )
    assert len(rows_of(body)) == 1


def test_only_who_may_export_gets_it(settings, rw_sessions, world) -> None:
    accountant = actor_for(world["tenant"], world["officer"].user_id, "accountant")
    for act in (statuses_csv, statuses_page, count_holders):
        with pytest.raises(Forbidden):
            run_act(settings, world["tenant"], lambda s, act=act: act(s, accountant, ON))
    reader = actor_for(world["tenant"], world["officer"].user_id, "readonly_institution")
    assert len(rows_of(run_act(settings, world["tenant"], lambda s: statuses_csv(s, reader, ON)))) == 5
