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
from app.audit.presentation import field_changes, shown_value
from app.audit.queries import access_log_page, change_log_page, connected_user_names
from app.auth.principal import Actor
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.i18n import TIMEZONE
from app.pagination import Position, decode_cursor, encode_cursor
from tests.factories.audit import add_access, add_changes
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true", "HX-Target": "results"}
# The page reads' viewer: an auditor of no case (the pages redact restricted cases: test_audit_restricted.py).
_AUDITOR = Actor(
    user_id=uuid.uuid4(), username="auditor", full_name="Auditore", tenant_id=None, tenant_name=None
)


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})"', html)


def _diff_rows(html: str) -> list[tuple[str, str, str]]:
    """(field, before, after) of every before/after row on the page, as the reader sees them."""
    return re.findall(
        r'<th scope="row">([^<]*)(?:<span[^>]*>[^<]*</span>)?</th>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>',
        html,
    )


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
        ("from=2026-02-30", "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi."),
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
    person = {"first_name": "Ģirts", "last_name": "Ķēniņš", "personal_code": "161175-19997"}
    created = viewer.post("/api/v1/persons", json=person)
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
    # The test entries' snapshots name nobody: the page is the one statement, whatever its actors.
    count, page = _count_statements(
        settings, tenant_a, lambda s: change_log_page(s, viewer=_AUDITOR, action_prefix="test:")
    )
    assert count == 1 and len(page.rows) == 50 and page.next_cursor
    assert len({e.actor_name for e in page.rows}) == 10  # ten actors, five entries each, one join
    after = decode_cursor(page.next_cursor)
    count, _ = _count_statements(
        settings, tenant_a, lambda s: change_log_page(s, viewer=_AUDITOR, after=after, action_prefix="test:")
    )
    assert count == 1


def test_the_staff_named_in_snapshots_are_one_more_statement_however_many(
    settings, rw_sessions, tenant_a
) -> None:
    # Each factory grant is an "admin:membership:grant" entry whose snapshot names the account (user_id):
    # the +1 is their names, read in one batch for the whole page.
    workers = [
        create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name=f"Darbinieks {i}")
        for i in range(12)
    ]
    count, page = _count_statements(
        settings, tenant_a, lambda s: change_log_page(s, viewer=_AUDITOR, action_prefix="admin:")
    )
    assert count == 2 and len(page.rows) == 12
    assert {n for e in page.rows for n in e.user_names.values()} == {f"Darbinieks {i}" for i in range(12)}
    assert {u for e in page.rows for u in e.user_names} == set(workers)


def test_only_staff_connected_to_this_municipality_are_named(
    settings, rw_sessions, tenant_a, tenant_b
) -> None:
    member = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Šejiene Strādā")
    reader = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Reiz Skatījās")
    actor = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Reiz Mainīja")
    stranger = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Svešs Bauskā")
    add_access(rw_sessions, tenant_a, user_id=reader, person_id=uuid.uuid4())
    add_changes(rw_sessions, tenant_a, actor_user_id=actor)
    ids = {member, reader, actor, stranger, uuid.uuid4()}
    count, names = _count_statements(settings, tenant_a, lambda s: connected_user_names(s, ids))
    assert count == 1
    assert names == {member: "Šejiene Strādā", reader: "Reiz Skatījās", actor: "Reiz Mainīja"}
    _, in_b = _count_statements(settings, tenant_b, lambda s: connected_user_names(s, ids))
    assert set(in_b) == {reader, actor, stranger}  # their own municipality names them
    assert _count_statements(settings, tenant_a, lambda s: connected_user_names(s, set()))[0] == 0


def test_an_access_page_is_two_statements_however_many_persons(settings, rw_sessions, tenant_a) -> None:
    for _ in range(30):
        add_access(rw_sessions, tenant_a, user_id=uuid.uuid4(), person_id=uuid.uuid4())
    count, page = _count_statements(
        settings, tenant_a, lambda s: access_log_page(s, viewer=_AUDITOR, limit=25)
    )
    assert count == 2 and len(page.rows) == 25  # the page, then the persons' names in one batch
    count, empty = _count_statements(
        settings, tenant_a, lambda s: access_log_page(s, viewer=_AUDITOR, person_id=uuid.uuid4())
    )
    assert count == 1 and empty.rows == ()


@pytest.mark.parametrize("path", ["/audit", "/audit/access"])
def test_the_staff_filter_names_nobody_from_another_municipality(
    viewer, rw_sessions, tenant_a, tenant_b, path: str
) -> None:
    foreign = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Rīdzinieks Svešais")
    for user in (foreign, uuid.uuid4()):
        page = viewer.get(f"{path}?user={user}")
        assert page.status_code == 200
        assert "Izvēlieties darbinieku no saraksta." in page.text
        assert re.search(r'id="f-user" name="user" aria-invalid="true"', page.text)
        assert "Rīdzinieks Svešais" not in page.text and f'value="{user}"' not in page.text
        fragment = viewer.get(f"{path}?user={user}", headers=HX)
        assert fragment.status_code == 422 and "Izvēlieties darbinieku no saraksta." in fragment.text
        assert "Rīdzinieks Svešais" not in fragment.text and _ids(fragment.text) == []


def test_the_staff_filter_still_names_those_who_worked_here(viewer, rw_sessions, tenant_a, tenant_b) -> None:
    # No longer members here (if ever), but in this municipality's own logs: chosen in an older link.
    reader = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Aizgājusi Lasītāja")
    actor = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Aizgājis Darītājs")
    [entry] = add_changes(rw_sessions, tenant_a, actor_user_id=actor)
    add_access(rw_sessions, tenant_a, user_id=reader, person_id=uuid.uuid4())
    for path, user, name in (
        ("/audit", actor, "Aizgājis Darītājs"),
        ("/audit/access", reader, "Aizgājusi Lasītāja"),
    ):
        page = viewer.get(f"{path}?user={user}")
        assert page.status_code == 200 and "Izvēlieties darbinieku" not in page.text
        assert f'<option value="{user}" selected>{name}</option>' in page.text
        assert len(_ids(page.text)) == 1
        assert viewer.get(f"{path}?user={user}", headers=HX).status_code == 200
    assert _ids(viewer.get(f"/audit?user={actor}").text) == [str(entry)]


def test_before_and_after_read_as_words_and_names(viewer, rw_sessions, tenant_a, tenant_b) -> None:
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Pēteris Kalniņš")
    foreign = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Rīdzinieks Svešais")
    add_changes(
        rw_sessions,
        tenant_a,
        action="admin:membership:change-roles",
        entity_type="membership",
        before={"user_id": str(worker), "roles": ["social_worker"]},
        after={"user_id": str(worker), "roles": ["social_worker", "auditor", "stranger_role"]},
    )
    # A snapshot naming someone not connected here (written elsewhere, or forged): the id, not the name.
    add_changes(rw_sessions, tenant_a, entity_type="snapshot", after={"user_id": str(foreign)})
    add_changes(rw_sessions, tenant_a, entity_type="snapshot", after={"method": "password", "x": True})
    add_changes(rw_sessions, tenant_a, entity_type="snapshot", after={"method": "oidc", "x": False})
    add_changes(rw_sessions, tenant_a, entity_type="snapshot", after={"method": "carrier-pigeon"})

    rows = _diff_rows(viewer.get("/audit?entity=membership").text)
    assert ("Lietotājs", "Pēteris Kalniņš", "Pēteris Kalniņš") in rows
    assert ("Lomas", "Sociālais darbinieks", "Sociālais darbinieks, Auditors, stranger_role") in rows

    page = viewer.get("/audit?entity=snapshot").text
    rows = _diff_rows(page)
    assert ("Lietotājs", "—", str(foreign)) in rows and "Rīdzinieks Svešais" not in page
    methods = {after for field, _, after in rows if field == "Pieteikšanās veids"}
    assert methods == {"Parole", "Identitātes pakalpojums", "carrier-pigeon"}
    assert {after for field, _, after in rows if field == "x"} == {"Jā", "Nē"}
    assert not {"true", "false", "password", "oidc"} & {v for row in rows for v in row[1:]}

    english = _diff_rows(viewer.get("/audit?entity=membership", headers={"accept-language": "en"}).text)
    assert ("Roles", "Social worker", "Social worker, Auditor, stranger_role") in english


def test_snapshot_values_as_text() -> None:
    someone = uuid.uuid4()
    names = {someone: "Anna Zīle"}
    assert shown_value("user_id", str(someone), user_names=names) == "Anna Zīle"
    assert shown_value("user_id", str(uuid.uuid4()), user_names=names) != "Anna Zīle"
    assert shown_value("user_id", "nav-uuid", user_names=names) == "nav-uuid"
    assert shown_value("roles", ["head_of_service", "x"]) == "Head of service, x"
    assert shown_value("password_set", True) == "Yes" and shown_value("password_set", False) == "No"
    assert shown_value("method", "oidc") == "Identity provider"
    assert shown_value("birth_date", "1984-03-07") == "07.03.1984"
    assert shown_value("personal_code", None) == ""
    assert shown_value("other", {"b": 1, "a": "ā"}) == '{"a": "ā", "b": 1}'
    [roles, user] = field_changes(
        {"roles": ["auditor"], "user_id": str(someone)},
        {"roles": ["auditor", "accountant"], "user_id": str(someone)},
        user_names=names,
    )
    assert (roles.label, roles.before, roles.after, roles.changed) == (
        "Roles",
        "Auditor",
        "Auditor, Accountant",
        True,
    )
    assert (user.label, user.before, user.after, user.changed) == ("User", "Anna Zīle", "Anna Zīle", False)


def test_the_pushed_address_leaves_out_empty_filters(viewer, rw_sessions, tenant_a) -> None:
    # The live filter sends every field; the address it pushes keeps only those that say something.
    answer = viewer.get("/audit?action=admin%3A&entity=&user=&from=&to=", headers=HX)
    assert answer.status_code == 200 and answer.headers["hx-push-url"] == "/audit?action=admin%3A"
    assert viewer.get("/audit?action=&entity=&user=&from=&to=", headers=HX).headers["hx-push-url"] == "/audit"
    invalid = viewer.get("/audit?action=&entity=&user=&from=vakar&to=", headers=HX)
    assert invalid.status_code == 422 and invalid.headers["hx-push-url"] == "/audit?from=vakar"
    person = uuid.uuid4()
    access = viewer.get(f"/audit/access?person={person}&user=&from=&to=", headers=HX)
    assert access.headers["hx-push-url"] == f"/audit/access?person={person}"
    # The next page's address keeps its position; a position that does not decode is left out.
    add_changes(rw_sessions, tenant_a, 55)
    next_url = _next(viewer.get("/audit?entity=thing").text)
    assert next_url is not None
    second = viewer.get(next_url.replace("entity=thing", "entity=thing&user=&from="), headers=HX)
    assert unquote(second.headers["hx-push-url"]) == next_url
    garbage = viewer.get("/audit?entity=thing&after=garbage&from=", headers=HX)
    assert garbage.headers["hx-push-url"] == "/audit?entity=thing"
    assert "hx-push-url" not in viewer.get("/audit?entity=&user=").headers  # a whole page: the real URL


def test_a_date_far_in_the_future_is_a_message_not_a_500(client, rw_sessions, tenant_a) -> None:
    from tests.factories.staff import create_staff
    from tests.web.conftest import sign_in

    username = f"hos-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username)
    sign_in(client, username)
    for path in ("/audit?to=31.12.9999", "/audit/access?to=31.12.9999", "/audit?from=0001-01-01"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "Ievadiet datumu no 01.01.1900 līdz 31.12.2999." in answer.text
