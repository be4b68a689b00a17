"""The client register's pages: the list and its active search, registering (422 in Latvian, 409 with a
link to the person already registered), the person page and its forms (addresses, periods, the code
exchange, editing with a stale version), the "who viewed" tab and the access log every view writes, and
what another municipality's person looks like (not there)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from app.audit.models import AccessLog, ChangeLog
from app.db import sync_tenant_uow
from app.domains.people.models import Person, PersonAddress
from app.domains.people.rules import old_format_code
from tests.factories.people import insert_address, insert_persons, new_format_code, unique_code
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX_RESULTS = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture
def worker(client, social_worker) -> Any:
    assert sign_in(client, social_worker).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})"', html)


def _names(html: str) -> list[str]:
    return re.findall(r'class="person-name">([^<]+)</a>', html)


def _form(client: Any, **fields: str) -> dict[str, str]:
    return {"_csrf_token": client.headers["x-csrftoken"], **fields}


def _count(rw_sessions, tenant_id: uuid.UUID, model: Any, *where: Any) -> int:
    with sync_tenant_uow(rw_sessions, tenant_id) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _access(rw_sessions, tenant_id: uuid.UUID, person_id: uuid.UUID) -> list[tuple[str, str | None]]:
    with sync_tenant_uow(rw_sessions, tenant_id) as s:
        rows = s.execute(
            select(AccessLog.purpose, AccessLog.context)
            .where(AccessLog.person_id == person_id)
            .order_by(AccessLog.occurred_at, AccessLog.id)
        ).all()
    return [(r.purpose, r.context) for r in rows]


# --- the list and its search ---------------------------------------------------------------------------


def test_an_empty_register_says_so_and_offers_registration(worker) -> None:
    page = worker.get("/persons")
    assert page.status_code == 200
    assert "Reģistrā vēl nav nevienas personas." in page.text
    assert 'href="/persons/new"' in page.text
    assert 'aria-current="page">Klienti</a>' in page.text


def test_the_list_counts_the_register_and_pages_in_name_order(worker, rw_sessions, tenant_a) -> None:
    insert_persons(
        rw_sessions, tenant_a, [{"first_name": f"Vārds{i:02d}", "last_name": "Ozola"} for i in range(30)]
    )
    page = worker.get("/persons")
    assert "30 personas reģistrā" in page.text
    first = _names(page.text)
    assert len(first) == 25 and first == sorted(first)
    next_url = re.search(r'<a href="([^"]+)" rel="next"', page.text)
    assert next_url
    second = worker.get(unquote(next_url.group(1).replace("&amp;", "&")))
    assert len(_names(second.text)) == 5
    assert set(_names(second.text)).isdisjoint(first)


def test_active_search_answers_with_the_results_block_and_the_address_to_push(
    worker, rw_sessions, tenant_a
) -> None:
    insert_persons(
        rw_sessions,
        tenant_a,
        [{"first_name": "Jānis", "last_name": "Bērziņš"}, {"first_name": "Anna", "last_name": "Liepa"}],
    )
    answer = worker.get(
        "/persons", params={"q": "bērz", "mode": "auto", "purpose": "case_work"}, headers=HX_RESULTS
    )
    assert answer.status_code == 200
    assert "<html" not in answer.text and 'id="results"' in answer.text
    assert _names(answer.text) == ["Bērziņš Jānis"]
    assert "Atrasta 1 persona" in answer.text  # the summary, out of band for the live region
    # The pushed address carries only what was given, so Back and reload show the same results.
    assert unquote(answer.headers["hx-push-url"]) == "/persons?q=bērz"
    assert answer.headers["vary"] == "HX-Request"
    # Without htmx the same address is the whole page with the same results.
    page = worker.get("/persons?q=berzins%20janis")
    assert "<html" in page.text and _names(page.text) == ["Bērziņš Jānis"]
    assert 'value="berzins janis"' in page.text


def test_search_by_code_name_order_and_address(worker, rw_sessions, tenant_a) -> None:
    code = old_format_code(dt.date(1975, 11, 16), 997)
    [anna] = insert_persons(
        rw_sessions, tenant_a, [{"first_name": "Anna", "last_name": "Liepa", "personal_code": code}]
    )
    insert_address(rw_sessions, tenant_a, anna, "Brīvības iela 12-5", "Rīga")
    for typed in (code, f"{code[:6]}-{code[6:]}"):
        answer = worker.get("/persons", params={"q": typed}, headers=HX_RESULTS)
        assert _rows(answer.text) == [str(anna)]
    assert _rows(worker.get("/persons", params={"q": "anna liepa"}).text) == [str(anna)]
    found = worker.get("/persons", params={"q": "brīvības 12"}, headers=HX_RESULTS)
    assert _rows(found.text) == [str(anna)] and "Brīvības iela 12-5, Rīga" in found.text
    assert _rows(worker.get("/persons", params={"q": "Rīga", "mode": "address"}).text) == []
    nothing = worker.get("/persons", params={"q": "Neesošs"}, headers=HX_RESULTS)
    assert "Neviena persona netika atrasta." in nothing.text
    assert "/persons/new?last_name=Neeso%C5%A1s" in nothing.text  # offers to register the one searched for


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "x" * 5000},
        {"q": "%%%"},
        {"q": "1", "mode": "nonsense"},
        {"after": "not-a-cursor"},
        {"after": "A" * 5000},
        {"purpose": "curiosity"},
    ],
)
def test_hostile_search_input_is_never_a_500(worker, params) -> None:
    assert worker.get("/persons", params=params).status_code == 200
    assert worker.get("/persons", params=params, headers=HX_RESULTS).status_code == 200


# --- registering -----------------------------------------------------------------------------------------


def _register(client: Any, htmx: bool = False, **fields: str) -> Any:
    headers = {"HX-Request": "true", "HX-Target": "person-form"} if htmx else {}
    return client.post("/persons", data=_form(client, **fields), headers=headers, follow_redirects=False)


def test_registering_goes_to_the_new_persons_page(worker, rw_sessions, tenant_a) -> None:
    answer = _register(worker, first_name="Ģirts", last_name="Ķēniņš", personal_code=unique_code())
    assert answer.status_code == 303
    person_id = answer.headers["location"].rsplit("/", 1)[1]
    page = worker.get(answer.headers["location"])
    assert page.status_code == 200 and "Ģirts Ķēniņš" in page.text
    htmx = _register(worker, htmx=True, first_name="Zane", last_name="Ozola", personal_code=unique_code())
    assert htmx.status_code == 200 and htmx.headers["hx-redirect"].startswith("/persons/")
    assert _count(rw_sessions, tenant_a, Person) == 2
    assert person_id in {str(i) for i in _ids(rw_sessions, tenant_a)}


def _ids(rw_sessions, tenant_id: uuid.UUID) -> list[uuid.UUID]:
    with sync_tenant_uow(rw_sessions, tenant_id) as s:
        return list(s.scalars(select(Person.id)))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"personal_code": "161175-19998"}, "personal_code", "Personas koda kontrolcipars nav pareizs."),
        ({"personal_code": "310275-10000"}, "personal_code", "Personas kodā nav derīga dzimšanas datuma."),
        (
            {"personal_code": "32123456789", "birth_date": "31.12.9999"},
            "birth_date",
            "Dzimšanas datums nav iespējams.",
        ),
        (
            {"personal_code": "32123456789", "birth_date": "30.02.2001"},
            "birth_date",
            "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi.",
        ),
        ({"first_name": "An\x00na", "personal_code": "32123456789"}, "first_name", "nevar saglabāt"),
        (
            {"last_name": "L" * 101, "personal_code": "32123456789"},
            "last_name",
            "Ne vairāk kā 100 rakstzīmes.",
        ),
        ({"email": "nav-epasts", "personal_code": "32123456789"}, "email", "Ievadiet derīgu e-pasta adresi"),
        ({}, "personal_code", "Ievadiet personas kodu"),
    ],
)
def test_bad_input_is_422_in_latvian_next_to_the_field(
    worker, rw_sessions, tenant_a, fields, field, message
) -> None:
    data = {"first_name": "Anna", "last_name": "Liepa", "birth_date": "01.01.1990", **fields}
    answer = _register(worker, htmx=True, **data)
    assert answer.status_code == 422
    assert "<html" not in answer.text and 'id="person-form"' in answer.text
    error = re.search(rf'<p class="error" id="f-{field.replace("_", "-")}-error">([^<]*)</p>', answer.text)
    assert error and message in error.group(1), answer.text
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', answer.text)
    assert re.search(rf'name="{field}"[^>]*autofocus', answer.text)  # the first field in error
    assert _count(rw_sessions, tenant_a, Person) == 0
    assert _count(rw_sessions, tenant_a, ChangeLog, ChangeLog.action.startswith("people:")) == 0
    # Without JavaScript: the whole page, the same messages.
    page = _register(worker, **data)
    assert page.status_code == 422 and "<html" in page.text and message in page.text


def test_a_duplicate_code_is_409_with_a_link_to_the_person(worker, rw_sessions, tenant_a) -> None:
    code = unique_code()
    first = _register(worker, first_name="Anna", last_name="Liepa", personal_code=code)
    existing = first.headers["location"]
    answer = _register(
        worker, htmx=True, first_name="Cita", last_name="Persona", personal_code=f"{code[:6]}-{code[6:]}"
    )
    assert answer.status_code == 409
    assert "Šī persona jau ir reģistrēta —" in answer.text
    assert f'<a href="{existing}" data-testid="existing-person" autofocus>atvērt</a>' in answer.text
    assert 'value="Cita"' in answer.text  # what was typed stays
    assert _count(rw_sessions, tenant_a, Person) == 1


# --- the person page ------------------------------------------------------------------------------------


@pytest.fixture
def anna(rw_sessions, tenant_a) -> uuid.UUID:
    [person_id] = insert_persons(
        rw_sessions,
        tenant_a,
        [
            {
                "first_name": "Anna",
                "last_name": "Liepa",
                "personal_code": old_format_code(dt.date(1980, 5, 6), 3),
                "birth_date": dt.date(1980, 5, 6),
                "phone": "+37129123456",
                "citizenship": "LVA",
                "legal_status": "citizen",
            }
        ],
    )
    return person_id


def test_the_overview_shows_the_person_and_logs_the_view(worker, rw_sessions, tenant_a, anna) -> None:
    page = worker.get(f"/persons/{anna}")
    assert page.status_code == 200
    assert "Anna Liepa" in page.text and "060580-" in page.text
    assert "+371 29 123 456" in page.text and "Latvija" in page.text and "Latvijas pilsonis" in page.text
    assert 'data-tab="overview" aria-current="page"' in page.text
    worker.get(f"/persons/{anna}?purpose=assessment")
    assert _access(rw_sessions, tenant_a, anna) == [("case_work", "overview"), ("assessment", "overview")]
    # An unknown purpose is refused, not recorded as something else.
    assert worker.get(f"/persons/{anna}?purpose=curiosity").status_code == 422
    assert len(_access(rw_sessions, tenant_a, anna)) == 2


def test_the_chosen_purpose_is_carried_by_the_tab_links(worker, anna) -> None:
    page = worker.get(f"/persons/{anna}?purpose=benefit_decision")
    assert f'href="/persons/{anna}/access?purpose=benefit_decision"' in page.text
    assert '<option value="benefit_decision" selected>' in page.text


def test_a_tab_request_gets_the_tab_and_the_tab_bar(worker, anna) -> None:
    answer = worker.get(f"/persons/{anna}/access", headers={"HX-Request": "true", "HX-Target": "person-tab"})
    assert answer.status_code == 200 and "<html" not in answer.text
    assert 'id="person-tabs"' in answer.text and 'hx-swap-oob="true"' in answer.text
    assert 'data-tab="access" aria-current="page"' in answer.text


def test_who_viewed_lists_the_views_newest_first(worker, rw_sessions, tenant_a, anna) -> None:
    worker.get(f"/persons/{anna}?purpose=assessment")
    page = worker.get(f"/persons/{anna}/access")
    assert page.status_code == 200
    rows = re.findall(r'<tr data-id="[^"]+">(.*?)</tr>', page.text, re.S)
    assert len(rows) == 2
    assert "Kas skatījās" in rows[0] and "Līga Kalniņa" in rows[0]  # this view itself, first
    assert "Vajadzību vai ienākumu izvērtēšana" in rows[1] and "Pārskats" in rows[1]
    assert _access(rw_sessions, tenant_a, anna)[-1] == ("case_work", "access")


def test_another_municipalitys_person_is_not_there(worker, rw_sessions, tenant_b) -> None:
    [foreign] = insert_persons(rw_sessions, tenant_b, [{"first_name": "Dace", "last_name": "Ozola"}])
    for path in ("", "/edit", "/access"):
        assert worker.get(f"/persons/{foreign}{path}").status_code == 404
    assert worker.get(f"/persons/{uuid.uuid4()}").status_code == 404
    answer = worker.post(
        f"/persons/{foreign}/addresses",
        data=_form(worker, kind="declared", line="Zagļu iela 1", valid_from="01.01.2024"),
    )
    assert answer.status_code == 404
    with sync_tenant_uow(rw_sessions, tenant_b) as s:
        assert s.scalar(select(func.count()).select_from(PersonAddress)) == 0
    assert "Dace" not in worker.get("/persons?q=ozola").text


# --- forms on the person page ---------------------------------------------------------------------------


def _hx(target: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target}


def test_adding_an_address_replaces_the_section_and_hands_over(worker, rw_sessions, tenant_a, anna) -> None:
    insert_address(rw_sessions, tenant_a, anna, "Lielā iela 1", "Rīga", valid_from=dt.date(2020, 1, 1))
    answer = worker.post(
        f"/persons/{anna}/addresses",
        data=_form(
            worker, kind="declared", line="Jaunā iela 3-7", locality="Jelgava", valid_from="01.03.2024"
        ),
        headers=_hx("person-addresses"),
    )
    assert answer.status_code == 200 and "<html" not in answer.text
    assert 'id="person-addresses"' in answer.text and "Saglabāts" in answer.text
    assert "Jaunā iela 3-7, Jelgava" in answer.text
    assert "29.02.2024" in answer.text  # the previous one ended the day before
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        periods = sorted((a.valid_from, a.valid_to) for a in s.scalars(select(PersonAddress)))
    assert periods == [(dt.date(2020, 1, 1), dt.date(2024, 2, 29)), (dt.date(2024, 3, 1), None)]


def test_a_bad_address_is_422_in_place_with_latvian_messages(worker, rw_sessions, tenant_a, anna) -> None:
    answer = worker.post(
        f"/persons/{anna}/addresses",
        data=_form(worker, kind="declared", line="", postal_code="12345", valid_from="31.12.9999"),
        headers=_hx("person-addresses"),
    )
    assert answer.status_code == 422 and 'id="person-addresses"' in answer.text
    assert "Ievadiet ielu un māju" in answer.text
    assert "Pasta indekss ir LV- un četri cipari: LV-1010." in answer.text
    assert '<details class="disclosure" open>' in answer.text  # the form stays open
    assert 'value="12345"' in answer.text
    assert _count(rw_sessions, tenant_a, PersonAddress) == 0


def test_periods_are_added_and_ended(worker, rw_sessions, tenant_a, anna) -> None:
    added = worker.post(
        f"/persons/{anna}/flags",
        data=_form(worker, kind_detail="disability:II", valid_from="01.01.2024"),
        headers=_hx("person-flags"),
    )
    assert added.status_code == 200 and "Invaliditāte: II grupa" in added.text
    overlap = worker.post(
        f"/persons/{anna}/flags",
        data=_form(worker, kind_detail="disability:I", valid_from="01.06.2024"),
        headers=_hx("person-flags"),
    )
    assert overlap.status_code == 422 and "Periods pārklājas" in overlap.text
    flag_id = re.search(rf"/persons/{anna}/flags/([0-9a-f-]{{36}})/end", added.text)
    assert flag_id
    ended = worker.post(
        f"/persons/{anna}/flags/{flag_id.group(1)}/end",
        data=_form(worker, valid_to="31.05.2024"),
        headers=_hx("person-flags"),
    )
    assert ended.status_code == 200 and "31.05.2024" in ended.text


def test_an_old_code_is_exchanged_from_the_overview(worker, rw_sessions, tenant_a, anna) -> None:
    page = worker.get(f"/persons/{anna}")
    assert "Apmainīt pret jauna formāta personas kodu" in page.text
    new = new_format_code()
    answer = worker.post(
        f"/persons/{anna}/code", data=_form(worker, new_code=new, version="1"), headers=_hx("person-identity")
    )
    assert answer.status_code == 200
    assert f"{new[:6]}-{new[6:]}" in answer.text and "Iepriekšējie personas kodi" in answer.text
    assert 'id="person-header"' in answer.text  # the header shows the new code too
    # The old code still finds her.
    assert _rows(worker.get("/persons", params={"q": old_format_code(dt.date(1980, 5, 6), 3)}).text) == [
        str(anna)
    ]


# --- editing ---------------------------------------------------------------------------------------------


def _edit_fields(**changes: str) -> dict[str, str]:
    return {
        "first_name": "Anna",
        "last_name": "Liepa",
        "birth_date": "06.05.1980",
        "citizenship": "LVA",
        "legal_status": "citizen",
        "preferred_language": "lv",
        "phone": "29123456",
        "version": "1",
        **changes,
    }


def test_editing_saves_and_audits_before_and_after(worker, rw_sessions, tenant_a, anna) -> None:
    form = worker.get(f"/persons/{anna}/edit")
    assert form.status_code == 200 and 'name="version" value="1"' in form.text
    answer = worker.post(
        f"/persons/{anna}/edit",
        data=_form(worker, **_edit_fields(last_name="Kalniņa", email="anna@example.lv")),
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/persons/{anna}"
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        [entry] = s.scalars(select(ChangeLog).where(ChangeLog.action == "people:person:edit")).all()
    assert entry.before == {"email": None, "last_name": "Liepa"}
    assert entry.after == {"email": "anna@example.lv", "last_name": "Kalniņa"}


def test_a_stale_edit_is_409_and_keeps_what_was_typed(worker, rw_sessions, tenant_a, anna) -> None:
    assert (
        worker.post(
            f"/persons/{anna}/edit", data=_form(worker, **_edit_fields(last_name="Kalna"))
        ).status_code
        == 200
    )
    answer = worker.post(
        f"/persons/{anna}/edit",
        data=_form(worker, **_edit_fields(last_name="Ozola")),
        headers=_hx("person-form"),
    )
    assert answer.status_code == 409
    assert "Kāds cits pa to laiku mainīja šīs personas datus" in answer.text
    assert 'value="Ozola"' in answer.text and f'href="/persons/{anna}/edit"' in answer.text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(Person, (tenant_a, anna)).last_name == "Kalna"  # type: ignore[union-attr]


def test_a_role_that_may_only_view_gets_no_forms_and_no_acts(client, rw_sessions, tenant_a, anna) -> None:
    username = f"acc-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["accountant"]}, username=username)
    sign_in(client, username)
    token = csrf_from(client.get("/").text)
    page = client.get(f"/persons/{anna}")
    assert (
        page.status_code == 200
        and f"/persons/{anna}/edit" not in page.text
        and "Pievienot adresi" not in page.text
    )
    assert "Reģistrēt personu" not in client.get("/persons").text
    answer = client.post(f"/persons/{anna}/edit", data={"_csrf_token": token, **_edit_fields(last_name="X")})
    assert answer.status_code == 403
    assert client.get("/persons/new").status_code == 403


def test_the_forms_work_without_javascript(worker, rw_sessions, tenant_a, anna) -> None:
    bad = worker.post(f"/persons/{anna}/addresses", data=_form(worker, kind="declared", line="X iela 1"))
    assert bad.status_code == 422 and "<html" in bad.text and "Ievadiet sākuma datumu." in bad.text
    good = worker.post(
        f"/persons/{anna}/addresses",
        data=_form(worker, kind="actual", line="X iela 1", valid_from="01.01.2025"),
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == f"/persons/{anna}"
    assert "X iela 1" in worker.get(f"/persons/{anna}").text
    assert _count(rw_sessions, tenant_a, PersonAddress) == 1
