"""The audit viewer and restricted cases: a sensitive case is hidden from everyone but its responsible
worker and assigned staff (app/domains/cases/access.py), heads of service and auditors included. Its
change-log rows keep time, actor and action, and show nothing else; its number leaves the access log."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import event, select, text, update

from app.audit.models import ChangeLog
from app.audit.queries import access_log_page, change_log_page
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.documents.service import RegisterDraft, Upload, register_document, upload_document
from app.domains.cases.access import view_case
from app.domains.cases.models import Case
from app.domains.cases.service import assign_staff, unassign_staff
from tests.factories.audit import add_changes
from tests.factories.cases import PDF, actor_for, add_person, make_case, make_entry, run_act
from tests.factories.staff import create_staff
from tests.web.conftest import sign_in

REDACTED = "Ierobežotas pieejamības lietas dati"
SECRETS = (
    "Slepenā lieta Zaķis",  # the case's title
    "Slepena vizīte Zaķiem",  # an entry's subject
    "Slepens atzinums",  # a document's title
    "slepens-atzinums.pdf",  # its file name
    "Slepenais Sūtītājs",  # a register entry's correspondent
    "Slepenā vēstule",  # its subject
)
JURIS = "Juris Slepenais"  # assigned to the secret case and unassigned: named in the assignment snapshots
ORDINARY = ("Parastā lieta Ābele", "Parastā vizīte Ābelēm")
TODAY = dt.date.today()


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})"', html)


def _upload(settings, tenant, actor, case_id: uuid.UUID, title: str, name: str) -> None:  # type: ignore[no-untyped-def]
    async def act(session: Any) -> None:
        await upload_document(
            session, actor, case_id, title=title, upload=Upload(name, PDF), max_bytes=10_000
        )

    run_act(settings, tenant, act)


def _register(settings, tenant, actor, number: str, correspondent: str, subject: str) -> None:  # type: ignore[no-untyped-def]
    draft = RegisterDraft("in", TODAY, None, correspondent, subject, case_number=number)

    async def act(session: Any) -> None:
        await register_document(session, actor, draft, upload=None, max_bytes=10_000, today=TODAY)

    run_act(settings, tenant, act)


@pytest.fixture
def ground(settings, rw_sessions, tenant_a) -> dict[str, Any]:
    users: dict[str, Any] = {}
    for key, role, name in (
        ("liga", "social_worker", "Līga Kalniņa"),
        ("juris", "social_worker", "Juris Slepenais"),
        ("head", "head_of_service", "Dace Kļaviņa"),
        ("auditor", "auditor", "Ausma Revidente"),
        ("assigned_head", "head_of_service", "Maija Piesaistītā"),
    ):
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        user_id = create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name=name)
        users[key] = {"username": username, "id": user_id, "actor": actor_for(tenant_a, user_id, role)}
    liga = users["liga"]["actor"]
    person = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš")
    cases: dict[str, uuid.UUID] = {}
    for key, title, subject, sensitive in (
        ("secret", SECRETS[0], SECRETS[1], True),
        ("plain", ORDINARY[0], ORDINARY[1], False),
    ):
        case_id = make_case(settings, tenant_a, liga, person_id=person, title=title, sensitive=sensitive)
        make_entry(settings, tenant_a, liga, case_id, subject=subject, occurred_on=TODAY)
        cases[key] = case_id
    secret = cases["secret"]
    _upload(settings, tenant_a, liga, secret, SECRETS[2], SECRETS[3])
    [(number,)] = list(_rows(rw_sessions, tenant_a, select(Case.number).where(Case.id == secret)))
    _register(settings, tenant_a, liga, number, SECRETS[4], SECRETS[5])

    async def assign(session: Any, who: str) -> None:
        await assign_staff(session, liga, secret, users[who]["id"])

    async def unassign(session: Any) -> None:
        await unassign_staff(session, liga, secret, users["juris"]["id"])

    run_act(settings, tenant_a, lambda s: assign(s, "juris"))
    run_act(settings, tenant_a, unassign)  # the assignment row is gone: its log row names its case
    run_act(settings, tenant_a, lambda s: assign(s, "assigned_head"))
    return {"users": users, "cases": cases, "number": number}


def _rows(sessions, tenant, query) -> list[Any]:  # type: ignore[no-untyped-def]
    with sync_tenant_uow(sessions, tenant) as s:
        return list(s.execute(query))


def _case_rows(rw_sessions, tenant) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """The change-log rows of the case file, by entity type."""
    found: dict[str, set[str]] = {}
    for entry_id, kind in _rows(
        rw_sessions,
        tenant,
        select(ChangeLog.id, ChangeLog.entity_type).where(ChangeLog.action.startswith("cases:")),
    ) + _rows(
        rw_sessions,
        tenant,
        select(ChangeLog.id, ChangeLog.entity_type).where(ChangeLog.action.startswith("documents:")),
    ):
        found.setdefault(kind, set()).add(str(entry_id))
    return found


def _row_html(html: str) -> dict[str, str]:
    """Each row of the log's table: its HTML up to the next row (or the end of the page)."""
    return {chunk[:36]: chunk for chunk in html.split('<tr data-id="')[1:]}


def _restricted_rows(html: str) -> set[str]:
    """Ids of the rows showing the neutral line instead of their details."""
    return {entry_id for entry_id, row in _row_html(html).items() if REDACTED in row}


def _as(client: Any, ground: dict[str, Any], who: str) -> Any:
    client.cookies.clear()
    assert sign_in(client, ground["users"][who]["username"]).status_code in (302, 303)
    return client


@pytest.mark.parametrize("who", ["head", "auditor"])
def test_others_see_the_rows_of_a_restricted_case_without_its_details(
    client, rw_sessions, tenant_a, ground, who: str
) -> None:
    page = _as(client, ground, who).get("/audit")
    assert page.status_code == 200
    for secret in (*SECRETS, ground["number"], str(ground["cases"]["secret"])):
        assert secret not in page.text, secret
    # Every row of the case file is listed — the secret case's redacted, the ordinary one's in full.
    rows = _case_rows(rw_sessions, tenant_a)
    assert set().union(*rows.values()) <= set(_ids(page.text))
    restricted = _restricted_rows(page.text)
    # Opened + entry + document + register entry + assign, unassign, assign: seven rows of the secret case.
    assert len(restricted) == 7
    assert {kind for kind, ids in rows.items() if ids & restricted} == {
        "case",
        "case_entry",
        "document",
        "register_entry",
        "case_assignment",
    }
    for plain in ORDINARY:
        assert plain in page.text
    rows_html = _row_html(page.text)
    for entry_id in rows["case_assignment"]:
        assert JURIS not in rows_html[entry_id] and "Maija" not in rows_html[entry_id]
    # The row keeps its time, actor and action.
    assert page.text.count("Līga Kalniņa") >= 9
    # The entity filter is by type only: narrowing to cases still shows the secret one's rows redacted.
    cases_only = client.get("/audit?entity=case")
    assert len(_restricted_rows(cases_only.text)) == 1 and SECRETS[0] not in cases_only.text
    assert ORDINARY[0] in cases_only.text
    # An HTMX page of the results redacts the same way.
    fragment = client.get("/audit", headers={"HX-Request": "true", "HX-Target": "results"})
    assert len(_restricted_rows(fragment.text)) == 7
    assert not any(secret in fragment.text for secret in SECRETS)


def test_the_assigned_and_the_responsible_see_everything(
    client, settings, rw_sessions, tenant_a, ground
) -> None:
    page = _as(client, ground, "assigned_head").get("/audit")
    assert page.status_code == 200
    assert not _restricted_rows(page.text) and REDACTED not in page.text
    for secret in (*SECRETS, *ORDINARY, ground["number"]):
        assert secret in page.text, secret
    rows_html = _row_html(page.text)
    named = [rows_html[i] for i in _case_rows(rw_sessions, tenant_a)["case_assignment"]]
    assert sum(JURIS in row for row in named) == 2  # assigned, then unassigned
    # The responsible worker (no audit role of her own here: read directly) sees it unredacted too.
    liga = ground["users"]["liga"]["actor"]
    _, page_rows = _count(
        settings, tenant_a, lambda s: change_log_page(s, viewer=liga, action_prefix="cases:")
    )
    assert page_rows.rows and not any(e.restricted for e in page_rows.rows)


def test_old_rows_without_the_case_id_are_found_by_the_case_number(
    client, rw_sessions, tenant_a, ground
) -> None:
    # An assignment removed before snapshots carried the case id: its row (and entity) are gone.
    [old] = add_changes(
        rw_sessions,
        tenant_a,
        action="cases:assignment:remove",
        entity_type="case_assignment",
        entity_id=uuid.uuid4(),
        before={"case": ground["number"], "user_id": str(ground["users"]["juris"]["id"])},
    )
    page = _as(client, ground, "auditor").get("/audit?action=cases:assignment:")
    assert str(old) in _restricted_rows(page.text)
    assert JURIS not in _row_html(page.text)[str(old)] and ground["number"] not in page.text


def test_the_access_log_names_no_restricted_case(client, settings, rw_sessions, tenant_a, ground) -> None:
    liga = ground["users"]["liga"]["actor"]
    plain = ground["cases"]["plain"]

    async def look(session: Any, case_id: uuid.UUID) -> None:
        await view_case(session, liga, case_id)

    run_act(settings, tenant_a, lambda s: look(s, ground["cases"]["secret"]))
    run_act(settings, tenant_a, lambda s: look(s, plain))
    [(plain_number,)] = _rows(rw_sessions, tenant_a, select(Case.number).where(Case.id == plain))
    page = _as(client, ground, "auditor").get("/audit/access")
    assert page.status_code == 200
    assert f"case:{plain_number}" in page.text and ground["number"] not in page.text
    assert "· case</span>" in page.text
    # A case made restricted after it was viewed: its number leaves the access log too.
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.execute(update(Case).where(Case.id == plain).values(sensitive=True))
    page = client.get("/audit/access")
    assert plain_number not in page.text and page.text.count("· case</span>") == 2
    # Its responsible worker still reads it.
    _, seen = _count(settings, tenant_a, lambda s: access_log_page(s, viewer=liga))
    assert f"case:{plain_number}" in {e.context for e in seen.rows}


def _count(settings, tenant_id: uuid.UUID, read) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    """Statements one read runs inside an already begun (tenant-bound) transaction."""

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


def test_the_case_check_is_one_statement_however_many_rows(settings, rw_sessions, tenant_a, ground) -> None:
    head = ground["users"]["head"]["actor"]
    liga = ground["users"]["liga"]["actor"]
    # The case file's rows name cases and staff: the page, the restricted cases among them, the names.
    count, page = _count(
        settings, tenant_a, lambda s: change_log_page(s, viewer=head, action_prefix="cases:")
    )
    assert count == 3 and sum(e.restricted for e in page.rows) == 5
    for _ in range(5):
        make_entry(
            settings, tenant_a, liga, ground["cases"]["secret"], subject="Vēl viena", occurred_on=TODAY
        )
        make_entry(settings, tenant_a, liga, ground["cases"]["plain"], subject="Vēl viena", occurred_on=TODAY)
    count, page = _count(
        settings, tenant_a, lambda s: change_log_page(s, viewer=head, action_prefix="cases:")
    )
    assert count == 3 and sum(e.restricted for e in page.rows) == 10
    restricted = [e for e in page.rows if e.restricted]
    assert all(e.before is None and e.after is None and e.entity_id is None for e in restricted)
    assert all(not e.user_names for e in restricted)
    # The access log: the page, the case numbers it names, the persons' names.
    count, _ = _count(settings, tenant_a, lambda s: access_log_page(s, viewer=head))
    assert count <= 3
