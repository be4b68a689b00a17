"""The audit viewer: the change log and the access log of one's own municipality, for the head of service
and the auditor; keyset pages that walk every entry once; filters; HTMX fragments; bad input is no 500."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import event, select, text

from app.audit.models import ChangeLog
from app.audit.queries import access_log_page, change_log_page
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.i18n import TIMEZONE
from app.pagination import Position, decode_cursor, encode_cursor
from tests.factories.audit import add_access, add_changes
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true", "HX-Target": "results"}


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})"', html)


def _next(html: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next"', html)
    return unquote(match.group(1).replace("&amp;", "&")) if match else None


@pytest.fixture
def head(rw_sessions, tenant_a) -> str:
    username = f"head-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Anita Ozola")
    return username


@pytest.fixture
def viewer(client, head) -> Any:
    assert sign_in(client, head).status_code in (302, 303)
    return client


def _all_change_ids(rw_sessions, tenant_id: uuid.UUID) -> set[str]:
    with sync_tenant_uow(rw_sessions, tenant_id) as s:
        return {str(i) for i in s.scalars(select(ChangeLog.id))}


def test_head_of_service_sees_their_municipality_only(viewer, rw_sessions, tenant_a, tenant_b) -> None:
    add_changes(rw_sessions, tenant_a, action="test:mine:create")
    add_changes(rw_sessions, tenant_b, action="test:foreign:create")
    page = viewer.get("/audit")
    assert page.status_code == 200
    assert "test:mine:create" in page.text  # no label: the typed name is shown
    assert "test:foreign:create" not in page.text
    assert set(_ids(page.text)) == _all_change_ids(rw_sessions, tenant_a)
    # Known actions read as Latvian labels; the sign-in is logged under the viewer's name.
    assert "Pieteicās" in page.text and "Anita Ozola" in page.text
    assert 'href="/audit" aria-current="page">Audits</a>' in page.text


def test_pages_walk_every_entry_exactly_once(viewer, rw_sessions, tenant_a) -> None:
    # 60 entries of one transaction share their time: only the id orders them.
    add_changes(rw_sessions, tenant_a, 60)
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=TIMEZONE)
    for i in range(55):
        add_changes(rw_sessions, tenant_a, occurred_at=start - dt.timedelta(minutes=i % 20))
    seen: list[str] = []
    url: str | None = "/audit"
    pages = 0
    while url:
        # Alternate full pages and HTMX fragments: both carry the same next link.
        answer = viewer.get(url, headers=HX if pages % 2 else {})
        assert answer.status_code == 200
        seen += _ids(answer.text)
        url = _next(answer.text)
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen))
    assert set(seen) == _all_change_ids(rw_sessions, tenant_a)


def test_filters_narrow_the_log(viewer, rw_sessions, tenant_a) -> None:
    other = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Pēteris Kalniņš")
    evening = dt.datetime(2026, 3, 9, 23, 30, tzinfo=TIMEZONE)  # 21:30 UTC: the 9th in Riga
    night = dt.datetime(2026, 3, 10, 0, 30, tzinfo=TIMEZONE)  # 22:30 UTC on the 9th: the 10th in Riga
    [person] = add_changes(
        rw_sessions,
        tenant_a,
        action="people:person:create",
        entity_type="person",
        actor_user_id=other,
        occurred_at=night,
        after={"first_name": "Jānis", "birth_date": "1984-03-07"},
    )
    [thing] = add_changes(rw_sessions, tenant_a, occurred_at=evening)

    def ids(query: str) -> set[str]:
        answer = viewer.get(f"/audit?{query}")
        assert answer.status_code == 200, answer.text
        return set(_ids(answer.text))

    assert ids("action=people:") == {str(person)}
    assert ids("action=people:person:create") == {str(person)}
    assert str(person) not in ids("action=admin:")
    assert ids("entity=thing") == {str(thing)}
    assert ids(f"user={other}") == {str(person)}
    assert ids("from=2026-03-10&to=2026-03-10") == {str(person)}
    assert ids("from=09.03.2026&to=09.03.2026") == {str(thing)}
    assert ids("from=2026-03-09&to=2026-03-10") == {str(person), str(thing)}
    page = viewer.get(f"/audit?user={other}").text
    assert f'<option value="{other}" selected>Pēteris Kalniņš</option>' in page
    # The entry reads in Latvian: label, time on the Riga clock, fields, dates as dd.mm.yyyy.
    assert "Persona reģistrēta" in page and "10.03.2026 00:30" in page
    assert "Vārds" in page and "Jānis" in page and "07.03.1984" in page
    assert '<tr class="changed">' in page


def test_results_are_a_fragment_for_htmx(viewer, rw_sessions, tenant_a) -> None:
    add_changes(rw_sessions, tenant_a, 3)
    fragment = viewer.get("/audit?entity=thing", headers=HX)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="results"')
    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert 'id="results-summary"' in fragment.text and 'hx-swap-oob="innerHTML"' in fragment.text
    assert "Parādīti 3 ieraksti" in fragment.text
    assert "HX-Request" in fragment.headers.get("vary", "")
    page = viewer.get("/audit?entity=thing")
    assert "<html" in page.text and "<form" in page.text and "hx-swap-oob" not in page.text
    assert 'hx-trigger="change, submit"' in page.text and 'hx-push-url="true"' in page.text


def test_a_social_worker_may_not_look(client, social_worker) -> None:
    sign_in(client, social_worker)
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/access").status_code == 403
    assert 'href="/audit"' not in client.get("/").text  # and the menu does not offer it


def test_the_auditor_may_look(client, rw_sessions, tenant_a) -> None:
    username = f"aud-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["auditor"]}, username=username)
    sign_in(client, username)
    assert client.get("/audit").status_code == 200
    assert client.get("/audit/access").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-02-30", "Ievadiet datumu formātā dd.mm.gggg."),
        ("to=vakar", "Ievadiet datumu formātā dd.mm.gggg."),
        ("from=2026-03-10&to=2026-03-01", "Beigu datums ir pirms sākuma datuma."),
        ("user=nav-uuid", "Izvēlieties darbinieku no saraksta."),
        ("entity=%3Cscript%3E", "Izvēlieties objekta veidu no saraksta."),
        ("action=DROP%20TABLE", "Izvēlieties darbību no saraksta."),
    ],
)
def test_bad_filters_give_a_latvian_message_not_a_500(viewer, query: str, message: str) -> None:
    page = viewer.get(f"/audit?{query}")
    assert page.status_code == 200 and message in page.text
    assert 'aria-invalid="true"' in page.text and "<script>" not in page.text
    fragment = viewer.get(f"/audit?{query}", headers=HX)
    assert fragment.status_code == 422 and message in fragment.text and 'role="alert"' in fragment.text


@pytest.mark.parametrize(
    "cursor", ["garbage", "%00%FF", "x" * 500, encode_cursor(dt.datetime(2026, 1, 1), uuid.uuid4())]
)
def test_a_garbage_cursor_shows_the_first_page(viewer, rw_sessions, tenant_a, cursor: str) -> None:
    add_changes(rw_sessions, tenant_a, 2)
    first = viewer.get("/audit")
    for path in ("/audit", "/audit/access"):
        answer = viewer.get(f"{path}?after={cursor}")
        assert answer.status_code == 200
    assert _ids(viewer.get(f"/audit?after={cursor}").text) == _ids(first.text)


def test_cursors_round_trip_and_reject_what_they_did_not_make() -> None:
    at = dt.datetime(2026, 3, 10, 0, 30, 1, 123456, tzinfo=TIMEZONE)
    id_ = uuid.uuid4()
    assert decode_cursor(encode_cursor(at, id_)) == Position(at, id_)
    naive = encode_cursor(dt.datetime(2026, 3, 10), id_)
    for token in (None, "", "garbage", "!!!!", naive, encode_cursor(at, id_)[:-3]):
        assert decode_cursor(token) is None


def test_access_log_lists_who_viewed_a_person(viewer, rw_sessions, tenant_a, tenant_b) -> None:
    viewer.headers["x-csrftoken"] = csrf_from(viewer.get("/").text)
    created = viewer.post("/api/v1/persons", json={"first_name": "Ģirts", "last_name": "Ķēniņš"})
    assert created.status_code == 201, created.text
    person_id = created.json()["id"]
    assert viewer.get(f"/api/v1/persons/{person_id}").status_code == 200
    stranger = uuid.uuid4()
    add_access(rw_sessions, tenant_a, user_id=uuid.uuid4(), person_id=stranger, purpose="case-review")
    add_access(rw_sessions, tenant_b, user_id=uuid.uuid4(), person_id=uuid.uuid4(), purpose="foreign")

    page = viewer.get("/audit/access")
    assert page.status_code == 200
    assert "Ģirts Ķēniņš" in page.text and "Anita Ozola" in page.text and "Skatīts caur API" in page.text
    assert "case-review" in page.text and "Nezināma persona" in page.text  # no such person: still listed
    assert "foreign" not in page.text
    assert len(_ids(page.text)) == 2

    only = viewer.get(f"/audit/access?person={person_id}")
    assert len(_ids(only.text)) == 1 and "case-review" not in only.text
    assert "Persona: <strong>Ģirts Ķēniņš</strong>" in only.text
    assert viewer.get("/audit/access?person=nav-uuid").status_code == 200
    assert viewer.get("/audit/access?person=nav-uuid", headers=HX).status_code == 422
    # The registration itself is in the change log, labelled.
    assert "Persona reģistrēta" in viewer.get("/audit?action=people:").text


def test_english_labels(viewer, rw_sessions, tenant_a) -> None:
    add_changes(rw_sessions, tenant_a, action="people:person:create", entity_type="person")
    page = viewer.get("/audit", headers={"accept-language": "en"})
    assert "Person registered" in page.text and "Change log" in page.text


def _count_statements(settings, tenant_id: uuid.UUID, read) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
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


def test_a_page_is_one_statement_however_many_actors(settings, rw_sessions, tenant_a) -> None:
    for i in range(12):
        actor = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name=f"Darbinieks {i}")
        add_changes(rw_sessions, tenant_a, 5, actor_user_id=actor)
    count, page = _count_statements(settings, tenant_a, lambda s: change_log_page(s, limit=50))
    assert count == 1 and len(page.rows) == 50 and page.next_cursor
    assert len({e.actor_name for e in page.rows}) == 10  # ten actors, five entries each, one join
    after = decode_cursor(page.next_cursor)
    count, _ = _count_statements(settings, tenant_a, lambda s: change_log_page(s, after=after, limit=50))
    assert count == 1


def test_an_access_page_is_two_statements_however_many_persons(settings, rw_sessions, tenant_a) -> None:
    for _ in range(30):
        add_access(rw_sessions, tenant_a, user_id=uuid.uuid4(), person_id=uuid.uuid4())
    count, page = _count_statements(settings, tenant_a, lambda s: access_log_page(s, limit=25))
    assert count == 2 and len(page.rows) == 25  # the page, then the persons' names in one batch
    count, empty = _count_statements(settings, tenant_a, lambda s: access_log_page(s, person_id=uuid.uuid4()))
    assert count == 1 and empty.rows == ()
