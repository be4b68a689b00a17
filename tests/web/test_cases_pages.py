"""The case-file pages: the list and its filters, opening a case (422 in place, in Latvian), the case page
and its acts (edit with a stale version is 409, close and reopen, staff), the timeline (the two-click home
visit, 422, inline correction, 409, 403), the person tab, the activity report and its CSV; a restricted case
is "not there" on every page for those who may not see it; hostile input is never a 500; statement counts
of the screen reads are pinned."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import event, select, text

from app.audit.models import AccessLog, ChangeLog
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.domains.cases.models import Case, CaseAssignment, CaseEntry
from app.domains.cases.queries import case_card, case_list_page, person_cases_page
from app.domains.cases.service import assign_staff
from app.domains.cases.timeline_queries import timeline_page
from tests.factories.cases import (
    actor_for,
    add_household,
    add_person,
    make_case,
    make_entry,
    rows_of,
    run_act,
)
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}
TODAY = dt.date.today()
OPENED = TODAY - dt.timedelta(days=40)


def hx(target: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target}


@pytest.fixture
def staff(rw_sessions, tenant_a) -> dict[str, Any]:
    people = {
        "liga": ("social_worker", "Līga Kalniņa"),
        "juris": ("social_worker", "Juris Ozols"),
        "ilze": ("social_worker", "Ilze Bērziņa"),
        "head": ("head_of_service", "Dace Kļaviņa"),
        "accountant": ("accountant", "Uldis Liepa"),
    }
    found: dict[str, Any] = {}
    for key, (role, name) in people.items():
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        user_id = create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name=name)
        found[key] = {"username": username, "id": user_id, "actor": actor_for(tenant_a, user_id, role)}
    return found


@pytest.fixture
def person(rw_sessions, tenant_a) -> uuid.UUID:
    return add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš")


def as_(client: Any, staff: dict[str, Any], who: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, staff[who]["username"]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def form(client: Any, **fields: Any) -> dict[str, Any]:
    return {"_csrf_token": client.headers["x-csrftoken"], **fields}


def new_case(settings, tenant, staff, person, who: str = "liga", **kw: Any) -> uuid.UUID:
    kw.setdefault("opened_on", OPENED)
    return make_case(settings, tenant, staff[who]["actor"], person_id=person, **kw)


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([0-9a-f-]{36})"', html)


def entry_ids(html: str) -> list[str]:
    return re.findall(r'<article class="entry entry-\w+" id="entry-([0-9a-f-]{36})"', html)


def next_link(html: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next"', html)
    return match.group(1).replace("&amp;", "&") if match else None


# --- the list ---------------------------------------------------------------------------------------------


def test_my_cases_and_all_cases(client, settings, rw_sessions, tenant_a, staff, person) -> None:
    mine = new_case(settings, tenant_a, staff, person, title="Mana lieta")
    others = new_case(
        settings, tenant_a, staff, person, who="juris", responsible=staff["juris"]["id"], title="Cita"
    )
    as_(client, staff, "liga")
    page = client.get("/cases")
    assert page.status_code == 200
    assert rows(page.text) == [str(mine)]
    assert "Manas lietas" in page.text and 'aria-current="page">Manas lietas' in page.text
    assert rows(client.get("/cases?scope=all").text) == [str(others), str(mine)]
    assert "Jānis Bērziņš" in page.text and f'href="/persons/{person}"' in page.text


def test_an_empty_my_cases_points_to_all_cases(
    client, rw_sessions, settings, tenant_a, staff, person
) -> None:
    as_(client, staff, "head")
    page = client.get("/cases")
    assert rows(page.text) == [] and 'id="others-hint"' not in page.text  # no case at all: no hint
    case = new_case(settings, tenant_a, staff, person)
    page = client.get("/cases")
    assert rows(page.text) == [] and 'id="others-hint"' in page.text
    assert 'href="/cases?scope=all">Skatīt visas lietas, kuras drīkstat redzēt</a>' in page.text
    fragment = client.get("/cases?scope=mine&status=all", headers=hx("results"))
    assert 'id="others-hint"' in fragment.text and 'href="/cases?scope=all&amp;status=all"' in fragment.text
    assert 'id="others-hint"' not in client.get("/cases?scope=all").text
    # Who records no case work has no cases of their own: the list starts with all they may see.
    username = f"ro-{uuid.uuid4().hex[:6]}"
    staff["reader"] = {"username": username}
    create_staff(rw_sessions, {tenant_a: ["readonly_institution"]}, username=username)
    as_(client, staff, "reader")
    page = client.get("/cases")
    assert rows(page.text) == [str(case)] and 'aria-current="page">Visas lietas' in page.text


def test_filters_and_keyset_pages(client, settings, rw_sessions, tenant_a, staff, person) -> None:
    made = [new_case(settings, tenant_a, staff, person, title=f"Lieta {i}") for i in range(27)]
    violence = new_case(settings, tenant_a, staff, person, title="Drošība", types=("violence",))
    as_(client, staff, "liga")
    seen: list[str] = []
    url: str | None = "/cases?scope=all"
    pages = 0
    while url:
        answer = client.get(url, headers=hx("results") if pages % 2 else {})
        assert answer.status_code == 200
        seen += rows(answer.text)
        url = next_link(answer.text)
        pages += 1
    assert pages == 2 and len(seen) == 28 and set(seen) == {str(c) for c in [*made, violence]}
    assert rows(client.get("/cases?scope=all&type=violence").text) == [str(violence)]
    assert rows(client.get("/cases?scope=all&q=Droš").text) == [str(violence)]
    fragment = client.get("/cases?scope=all&type=violence", headers=hx("results"))
    assert "<html" not in fragment.text and 'id="results-summary"' in fragment.text
    assert fragment.headers["hx-push-url"] == "/cases?scope=all&type=violence"


@pytest.mark.parametrize("query", ["type=x", "status=%00", "q=" + "a" * 200, "after=%%%", "scope=everything"])
def test_bad_filters_are_never_a_500(client, staff, query) -> None:
    as_(client, staff, "liga")
    answer = client.get(f"/cases?{query}", headers=hx("results"))
    assert answer.status_code in (200, 422), answer.text


def test_the_list_is_three_statements_however_many_cases(
    settings, rw_sessions, tenant_a, staff, person
) -> None:
    household = add_household(rw_sessions, tenant_a, "Bērziņi", [(person, dt.date(2020, 1, 1), None)])
    for i in range(6):
        new_case(settings, tenant_a, staff, person, title=f"P{i}")
        make_case(settings, tenant_a, staff["liga"]["actor"], household_id=household, opened_on=OPENED)
    count, page = count_statements(
        settings, tenant_a, lambda s: case_list_page(s, staff["liga"]["actor"], mine=False)
    )
    assert count == 3 and len(page.rows) == 12
    assert {r.client.name for r in page.rows} == {"Jānis Bērziņš", "Bērziņi"}
    count, _ = count_statements(
        settings, tenant_a, lambda s: person_cases_page(s, staff["liga"]["actor"], person, on=TODAY)
    )
    assert count == 4  # the person's households, the page, the names, the labels


# --- opening ----------------------------------------------------------------------------------------------


def test_opening_a_case_from_the_person(client, rw_sessions, tenant_a, staff, person) -> None:
    as_(client, staff, "liga")
    tab = client.get(f"/persons/{person}/cases")
    assert tab.status_code == 200 and f'href="/cases/new?person={person}"' in tab.text
    page = client.get(f"/cases/new?person={person}")
    assert page.status_code == 200 and "Jānis Bērziņš" in page.text
    assert f'<option value="{staff["liga"]["id"]}" selected>' in page.text  # responsible: oneself
    answer = client.post(
        "/cases",
        data=form(
            client,
            person=str(person),
            title="Sociālā palīdzība",
            case_types=["social_assistance", "elderly_care"],
            responsible_user_id=str(staff["liga"]["id"]),
            opened_on=OPENED.strftime("%d.%m.%Y"),
            sensitive="on",
        ),
        headers=HX,
    )
    assert answer.status_code == 200 and answer.headers["hx-redirect"].startswith("/cases/")
    case = rows_of(rw_sessions, tenant_a, select(Case))[0][0]
    assert (case.person_id, case.sensitive, case.case_types) == (
        person,
        True,
        ["social_assistance", "elderly_care"],
    )
    assert answer.headers["hx-redirect"] == f"/cases/{case.id}"


def test_a_refused_case_form_comes_back_in_place_in_latvian(
    client, rw_sessions, tenant_a, staff, person
) -> None:
    as_(client, staff, "liga")
    answer = client.post(
        "/cases",
        data=form(client, person=str(person), title="", opened_on="31.02.2026", responsible_user_id="nobody"),
        headers=HX,
    )
    assert answer.status_code == 422
    assert answer.text.lstrip().startswith('<form id="new-case-form"')
    assert "Ievadiet lietas nosaukumu." in answer.text
    assert "Izvēlieties vismaz vienu lietas veidu." in answer.text
    assert "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi." in answer.text
    assert (
        'id="new-case-title" name="title" type="text" value="" autocomplete="off" maxlength="200" required'
        in answer.text
    )
    assert "autofocus" in answer.text and 'aria-invalid="true"' in answer.text
    assert rows_of(rw_sessions, tenant_a, select(Case.id)) == []


def test_no_case_for_a_client_of_another_municipality(client, rw_sessions, tenant_b, staff) -> None:
    foreign = add_person(rw_sessions, tenant_b, "Ārzemju", "Klients")
    as_(client, staff, "liga")
    assert client.get(f"/cases/new?person={foreign}").status_code == 404
    assert client.get("/cases/new").status_code == 404
    assert client.get("/cases/new?person=not-a-uuid").status_code == 404


# --- the case page ----------------------------------------------------------------------------------------


def test_the_case_page_shows_the_file_and_logs_the_view(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    case_id = new_case(
        settings, tenant_a, staff, person, title="Pabalsts", types=("social_assistance", "violence")
    )
    make_entry(
        settings, tenant_a, staff["liga"]["actor"], case_id, occurred_on=TODAY, findings="Mitrs dzīvoklis"
    )
    as_(client, staff, "liga")
    page = client.get(f"/cases/{case_id}?purpose=assessment")
    assert page.status_code == 200
    text_ = page.text
    assert "L-" in text_ and "Pabalsts" in text_ and "Sociālā palīdzība" in text_ and "Vardarbība" in text_
    assert f'href="/persons/{person}">Jānis Bērziņš</a>' in text_
    assert "Reģistrēt mājas vizīti" in text_ and "Mitrs dzīvoklis" in text_ and "1 st." in text_
    assert 'data-opens-dialog="close-case-dialog"' in text_ and 'id="upload-form"' in text_
    logged = rows_of(rw_sessions, tenant_a, select(AccessLog.person_id, AccessLog.purpose, AccessLog.context))
    number = rows_of(rw_sessions, tenant_a, select(Case.number))[0][0]
    assert (person, "assessment", f"case:{number}") in logged


def test_the_case_page_is_six_statements(settings, rw_sessions, tenant_a, staff, person) -> None:
    """The case (with visibility), the card's staff, the client's name, the timeline, the documents and the
    municipality's staff: independent of the number of entries."""
    case_id = new_case(settings, tenant_a, staff, person)
    for _ in range(5):
        make_entry(settings, tenant_a, staff["liga"]["actor"], case_id, occurred_on=TODAY)
    run_act(
        settings, tenant_a, lambda s: assign_staff(s, staff["liga"]["actor"], case_id, staff["juris"]["id"])
    )
    actor = staff["liga"]["actor"]

    async def read(session: Any) -> Any:
        from app.documents.queries import case_documents_page
        from app.domains.cases.access import access_case
        from app.domains.cases.queries import staff_choices

        case = await access_case(session, actor, case_id)
        card = await case_card(session, case)
        timeline = await timeline_page(session, actor, case_id)
        await case_documents_page(session, actor, case_id)
        await staff_choices(session, tenant_a)
        return card, timeline

    count, (card, timeline) = count_statements(settings, tenant_a, read)
    assert count == 6 and len(timeline.rows) == 5 and [s.full_name for s in card.assigned] == ["Juris Ozols"]


def test_a_restricted_case_is_not_there_for_others_on_every_page(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    secret = new_case(
        settings, tenant_a, staff, person, title="Vardarbība ģimenē", types=("violence",), sensitive=True
    )
    entry = make_entry(
        settings, tenant_a, staff["liga"]["actor"], secret, occurred_on=TODAY, subject="Slepena vizīte"
    )
    nowhere = uuid.uuid4()
    as_(client, staff, "head")

    def same(path: str, method: str = "get", **kw: Any) -> None:
        other_entry = uuid.uuid4()
        hidden = getattr(client, method)(path.format(case=secret, entry=entry), **kw)
        missing = getattr(client, method)(path.format(case=nowhere, entry=other_entry), **kw)
        assert hidden.status_code == missing.status_code == 404, (path, hidden.status_code)
        # The same answer, but for the address itself (the language switch returns to it).
        shown = hidden.text.replace(str(secret), "ID").replace(str(entry), "E")
        assert shown == missing.text.replace(str(nowhere), "ID").replace(str(other_entry), "E"), path

    same("/cases/{case}")
    same("/cases/{case}", headers=hx("timeline"))
    same("/cases/{case}/edit")
    same("/cases/{case}/close")
    same("/cases/{case}/entries/{entry}/edit")
    same("/cases/{case}/entries/{entry}", headers=HX)
    same("/cases/{case}/entries/new?kind=note", headers=HX)
    same(
        "/cases/{case}/entries", "post", data=form(client, kind="note", occurred_on="01.01.2026", subject="x")
    )
    same("/cases/{case}/entries/{entry}", "post", data=form(client, kind="note", subject="x"))
    same("/cases/{case}/close", "post", data=form(client, closed_on="01.01.2026", reason="x"))
    same("/cases/{case}/edit", "post", data=form(client, title="x"))
    same("/cases/{case}/reopen", "post", data=form(client))
    same("/cases/{case}/staff", "post", data=form(client, user_id=str(staff["head"]["id"])))
    for listing in (
        "/cases?scope=all",
        "/cases?scope=all&type=violence",
        f"/persons/{person}/cases",
        "/cases?q=Vardarb&scope=all",
    ):
        answer = client.get(listing)
        assert (
            answer.status_code == 200
            and str(secret) not in answer.text
            and "Vardarbība ģimenē" not in answer.text
        )
    report = client.get(f"/reports/activity?user={staff['liga']['id']}&from=01.01.2000&to=30.06.2001")
    assert report.status_code == 422  # over a year: refused before anything is read
    report = client.get(f"/reports/activity?user={staff['liga']['id']}")
    assert "Slepena" not in report.text
    assert "Šajā periodā darbības nav reģistrētas." in report.text, report.text.split("<main")[1]
    # Nothing was written about the hidden case: no access log for its client from this reader.
    readers = {
        r[0]
        for r in rows_of(
            rw_sessions, tenant_a, select(AccessLog.user_id).where(AccessLog.context.like("case:%"))
        )
    }
    assert staff["head"]["id"] not in readers


def test_the_assigned_worker_sees_the_restricted_case(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    secret = new_case(
        settings, tenant_a, staff, person, title="Vardarbība", types=("violence",), sensitive=True
    )
    as_(client, staff, "juris")
    assert client.get(f"/cases/{secret}").status_code == 404
    run_act(
        settings, tenant_a, lambda s: assign_staff(s, staff["liga"]["actor"], secret, staff["juris"]["id"])
    )
    page = client.get(f"/cases/{secret}")
    assert page.status_code == 200 and "Ierobežota pieejamība" in page.text
    assert str(secret) in client.get("/cases").text  # among "my cases" too


def test_a_stale_edit_is_409_in_the_status_region(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    case_id = new_case(settings, tenant_a, staff, person, title="Vecais")
    as_(client, staff, "liga")
    fields = {
        "title": "Jaunais",
        "case_types": ["social_services"],
        "responsible_user_id": str(staff["liga"]["id"]),
    }
    first = client.post(f"/cases/{case_id}/edit", data=form(client, version="1", **fields), headers=HX)
    assert first.status_code == 200 and first.headers["hx-redirect"] == f"/cases/{case_id}"
    stale = client.post(
        f"/cases/{case_id}/edit", data=form(client, version="1", **{**fields, "title": "Cits"}), headers=HX
    )
    assert stale.status_code == 409
    assert stale.headers["hx-retarget"] == "#status" and "Lietu pa to laiku mainīja kāds cits" in stale.text
    junk = client.post(f"/cases/{case_id}/edit", data=form(client, version="abc", **fields), headers=HX)
    assert junk.status_code == 409
    assert rows_of(rw_sessions, tenant_a, select(Case.title, Case.version))[0] == ("Jaunais", 2)


def test_edit_and_close_forms_come_back_in_place(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    as_(client, staff, "liga")
    bad = client.post(
        f"/cases/{case_id}/edit",
        data=form(
            client,
            version="1",
            title="x" * 201,
            case_types=["nope"],
            responsible_user_id=str(staff["accountant"]["id"]),
        ),
        headers=HX,
    )
    assert bad.status_code == 422 and bad.text.lstrip().startswith('<form id="edit-case-form"')
    assert "Teksts ir pārāk garš (ne vairāk kā 200 rakstzīmju)." in bad.text
    assert "Izvēlieties šīs pašvaldības darbinieku, kurš strādā ar klientu lietām." in bad.text
    closed = client.post(
        f"/cases/{case_id}/close",
        data=form(
            client, version="1", closed_on=(OPENED - dt.timedelta(days=1)).strftime("%d.%m.%Y"), reason=""
        ),
        headers=HX,
    )
    assert closed.status_code == 422 and closed.text.lstrip().startswith('<form id="close-case-form"')
    assert "Lietu nevar slēgt agrāk par dienu, kad tā tika atvērta." in closed.text
    assert "Norādiet lietas slēgšanas iemeslu." in closed.text
    ok = client.post(
        f"/cases/{case_id}/close",
        data=form(client, version="1", closed_on=TODAY.strftime("%d.%m.%Y"), reason="Mērķi sasniegti"),
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == f"/cases/{case_id}"
    page = client.get(f"/cases/{case_id}")
    assert "Slēgta" in page.text and "Mērķi sasniegti" in page.text
    assert 'id="entry-form"' not in page.text and 'id="upload-form"' not in page.text
    assert "Atvērt lietu no jauna" in page.text
    reopened = client.post(f"/cases/{case_id}/reopen", data=form(client, version="2"), headers=HX)
    assert reopened.status_code == 200
    assert rows_of(rw_sessions, tenant_a, select(Case.closed_on))[0][0] is None


def test_assigning_and_removing_staff(client, settings, rw_sessions, tenant_a, staff, person) -> None:
    case_id = new_case(settings, tenant_a, staff, person, sensitive=True)
    as_(client, staff, "liga")
    page = client.get(f"/cases/{case_id}")
    assert f'<option value="{staff["juris"]["id"]}"' in page.text
    assert f'<option value="{staff["accountant"]["id"]}"' not in page.text  # no access to cases at all
    added = client.post(
        f"/cases/{case_id}/staff",
        data=form(client, user_id=str(staff["juris"]["id"])),
        headers=hx("case-staff"),
    )
    assert added.status_code == 200 and "Juris Ozols" in added.text and "Darbinieks piesaistīts" in added.text
    again = client.post(
        f"/cases/{case_id}/staff",
        data=form(client, user_id=str(staff["juris"]["id"])),
        headers=hx("case-staff"),
    )
    assert again.status_code == 422 and 'id="case-staff"' in again.text
    junk = client.post(f"/cases/{case_id}/staff", data=form(client, user_id="\x00"), headers=hx("case-staff"))
    assert junk.status_code == 422 and "Izvēlieties darbinieku." in junk.text
    removed = client.post(
        f"/cases/{case_id}/staff/{staff['juris']['id']}/remove", data=form(client), headers=hx("case-staff")
    )
    assert removed.status_code == 200 and "Citi darbinieki nav piesaistīti." in removed.text
    assert rows_of(rw_sessions, tenant_a, select(CaseAssignment.id)) == []


def test_removing_oneself_from_a_restricted_case_leads_back_to_the_list(
    client, settings, tenant_a, staff, person
) -> None:
    case_id = new_case(settings, tenant_a, staff, person, sensitive=True)
    run_act(
        settings, tenant_a, lambda s: assign_staff(s, staff["liga"]["actor"], case_id, staff["juris"]["id"])
    )
    as_(client, staff, "juris")
    answer = client.post(
        f"/cases/{case_id}/staff/{staff['juris']['id']}/remove", data=form(client), headers=hx("case-staff")
    )
    assert answer.status_code == 200 and answer.headers["hx-redirect"] == "/cases"


# --- the timeline -----------------------------------------------------------------------------------------


def test_recording_a_home_visit_takes_two_clicks(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    as_(client, staff, "liga")
    page = client.get(f"/cases/{case_id}")
    # Click one: the button fetches the form with the kind, today and oneself already chosen.
    button = re.search(r'hx-get="([^"]+)"[^>]*data-testid="new-home_visit"', page.text)
    assert button is not None
    opened = client.get(button.group(1).replace("&amp;", "&"), headers=hx("entry-form"))
    assert opened.status_code == 200
    assert '<option value="home_visit" selected>' in opened.text
    assert f'value="{TODAY.strftime("%d.%m.%Y")}"' in opened.text
    assert re.search(r'name="duration_minutes"[^>]*autofocus', opened.text)
    # Click two: save (after typing the duration and the subject).
    saved = client.post(
        f"/cases/{case_id}/entries",
        data=form(
            client,
            kind="home_visit",
            occurred_on=TODAY.strftime("%d.%m.%Y"),
            duration_minutes="1:30",
            staff_user_id=str(staff["liga"]["id"]),
            subject="Vizīte mājās",
            findings="Apkure nedarbojas",
        ),
        headers=hx("entry-form"),
    )
    assert saved.status_code == 200
    assert (
        'id="timeline" class="timeline" aria-labelledby="timeline-heading" hx-swap-oob="true"' in saved.text
    )
    assert (
        "Vizīte mājās" in saved.text
        and "Apkure nedarbojas" in saved.text
        and "Ieraksts saglabāts" in saved.text
    )
    assert 'id="entry-add-form"' not in saved.text  # the panel closed
    entry = rows_of(rw_sessions, tenant_a, select(CaseEntry))[0][0]
    assert (entry.kind, entry.duration_minutes, entry.staff_user_id) == (
        "home_visit",
        90,
        staff["liga"]["id"],
    )


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        ({"occurred_on": "01.01.9999"}, ["Ievadiet datumu no 01.01.1900 līdz 31.12.2999."]),
        ({"occurred_on": (TODAY + dt.timedelta(days=1)).strftime("%d.%m.%Y")}, ["Datums nevar būt nākotnē."]),
        (
            {"occurred_on": (OPENED - dt.timedelta(days=1)).strftime("%d.%m.%Y")},
            ["Datums nevar būt agrāks par lietas atvēršanas dienu."],
        ),
        ({"duration_minutes": ""}, ["Norādiet, cik minūtes aizņēma darbība."]),
        ({"duration_minutes": "2000"}, ["Darbība ilgst no 1 līdz 1440 minūtēm (viena diennakts)."]),
        ({"duration_minutes": "0"}, ["Darbība ilgst no 1 līdz 1440 minūtēm (viena diennakts)."]),
        ({"occurred_on": "31.02.2026"}, ["Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi."]),
        (
            {"duration_minutes": "-5"},
            ["Ievadiet ilgumu minūtēs (piemēram, 45) vai stundās un minūtēs (1:30)."],
        ),
        ({"subject": "\x00"}, ["Tekstā ir rakstzīmes, kuras nevar saglabāt."]),
        ({"subject": "s" * 100_000}, ["Teksts ir pārāk garš (ne vairāk kā 200 rakstzīmju)."]),
        ({"kind": "party"}, ["Izvēlieties ieraksta veidu no saraksta."]),
        (
            {"staff_user_id": str(uuid.uuid4())},
            ["Izvēlieties šīs pašvaldības darbinieku, kurš strādā ar klientu lietām."],
        ),
    ],
)
def test_a_refused_entry_comes_back_in_place(
    client, settings, rw_sessions, tenant_a, staff, person, fields, messages
) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    as_(client, staff, "liga")
    values = {
        "kind": "home_visit",
        "occurred_on": TODAY.strftime("%d.%m.%Y"),
        "duration_minutes": "45",
        "subject": "Vizīte",
        **fields,
    }
    answer = client.post(f"/cases/{case_id}/entries", data=form(client, **values), headers=hx("entry-form"))
    assert answer.status_code == 422, answer.text
    assert answer.text.lstrip().startswith('<section id="entry-form"')
    for message in messages:
        assert message in answer.text
    assert rows_of(rw_sessions, tenant_a, select(CaseEntry.id)) == []


def test_the_timeline_pages_and_filters(client, settings, rw_sessions, tenant_a, staff, person) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    for i in range(23):
        make_entry(
            settings,
            tenant_a,
            staff["liga"]["actor"],
            case_id,
            kind="phone_call" if i % 2 else "note",
            occurred_on=OPENED + dt.timedelta(days=i),
            minutes=10,
            subject=f"E{i}",
        )
    as_(client, staff, "liga")
    first = client.get(f"/cases/{case_id}")
    ids = entry_ids(first.text)
    assert len(ids) == 20
    second = client.get(next_link(first.text) or "", headers=hx("timeline"))
    assert second.status_code == 200 and "<html" not in second.text
    assert len(entry_ids(second.text)) == 3 and not set(ids) & set(entry_ids(second.text))
    calls = client.get(f"/cases/{case_id}?kind=phone_call", headers=hx("timeline"))
    assert len(entry_ids(calls.text)) == 11 and "entry-note" not in calls.text
    assert len(entry_ids(client.get(f"/cases/{case_id}?kind=bogus").text)) == 20  # an unknown kind: no filter


def test_an_entry_is_corrected_inline_by_its_author(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    entry_id = make_entry(
        settings,
        tenant_a,
        staff["juris"]["actor"],
        case_id,
        occurred_on=TODAY,
        subject="Zvans",
        kind="phone_call",
        minutes=5,
    )
    as_(client, staff, "juris")
    edit = client.get(f"/cases/{case_id}/entries/{entry_id}/edit", headers=HX)
    assert (
        edit.status_code == 200
        and f'id="entry-{entry_id}"' in edit.text
        and 'class="entry editing"' in edit.text
    )
    stamp = re.search(r'name="stamp" value="([^"]+)"', edit.text).group(1)  # type: ignore[union-attr]
    values = {
        "kind": "phone_call",
        "occurred_on": TODAY.strftime("%d.%m.%Y"),
        "duration_minutes": "7",
        "staff_user_id": str(staff["juris"]["id"]),
        "subject": "Zvans klientam",
    }
    saved = client.post(
        f"/cases/{case_id}/entries/{entry_id}", data=form(client, stamp=stamp, **values), headers=HX
    )
    assert saved.status_code == 200 and "Zvans klientam" in saved.text and "Saglabāts" in saved.text
    stale = client.post(
        f"/cases/{case_id}/entries/{entry_id}", data=form(client, stamp=stamp, **values), headers=HX
    )
    assert stale.status_code == 409 and "Ierakstu pa to laiku mainīja kāds cits" in stale.text
    fresh = client.get(f"/cases/{case_id}/entries/{entry_id}/edit", headers=HX).text
    new_stamp = re.search(r'name="stamp" value="([^"]+)"', fresh).group(1)  # type: ignore[union-attr]
    bad = client.post(
        f"/cases/{case_id}/entries/{entry_id}",
        data=form(client, stamp=new_stamp, **{**values, "subject": ""}),
        headers=HX,
    )
    assert bad.status_code == 422 and "Ievadiet tematu." in bad.text
    cancel = client.get(f"/cases/{case_id}/entries/{entry_id}", headers=HX)
    assert cancel.status_code == 200 and 'class="entry entry-phone_call"' in cancel.text
    as_(client, staff, "ilze")  # neither the author nor responsible: sees the entry, may not correct it
    page = client.get(f"/cases/{case_id}")
    assert f"/entries/{entry_id}/edit" not in page.text
    refused = client.post(f"/cases/{case_id}/entries/{entry_id}", data=form(client, **values), headers=HX)
    assert refused.status_code == 403
    edits = rows_of(rw_sessions, tenant_a, select(ChangeLog.id).where(ChangeLog.action == "cases:entry:edit"))
    assert len(edits) == 1


# --- the person tab ---------------------------------------------------------------------------------------


def test_the_person_tab_lists_own_and_household_cases_by_activity(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    household = add_household(rw_sessions, tenant_a, "Bērziņu ģimene", [(person, dt.date(2020, 1, 1), None)])
    old = new_case(settings, tenant_a, staff, person, title="Vecā", opened_on=OPENED)
    family = make_case(
        settings,
        tenant_a,
        staff["liga"]["actor"],
        household_id=household,
        opened_on=OPENED + dt.timedelta(days=1),
        title="Ģimenes",
    )
    make_entry(settings, tenant_a, staff["liga"]["actor"], old, occurred_on=TODAY)
    other = add_person(rw_sessions, tenant_a, "Cits", "Klients")
    new_case(settings, tenant_a, staff, other, title="Svešā")
    as_(client, staff, "liga")
    tab = client.get(f"/persons/{person}/cases", headers=hx("person-tab"))
    assert tab.status_code == 200 and "<html" not in tab.text
    assert (
        rows(tab.text) == [str(old), str(family)] and "Bērziņu ģimene" in tab.text and "Svešā" not in tab.text
    )
    full = client.get(f"/persons/{person}/cases")
    assert "<html" in full.text and 'data-tab="cases" aria-current="page"' in full.text


# --- the activity report ----------------------------------------------------------------------------------


def _cells(html: str) -> list[tuple[str, str]]:
    """(entries, hours) of each cell of a report row."""
    return re.findall(r'<span class="count">(\d+)</span>.*?<span class="hours">([\d,.]+)<', html, re.S)


def _report_ground(settings, tenant_a, staff, person) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    liga, juris = staff["liga"]["actor"], staff["juris"]["actor"]
    day = TODAY - dt.timedelta(days=3)
    make_entry(settings, tenant_a, liga, case_id, kind="home_visit", occurred_on=day, minutes=90)
    make_entry(settings, tenant_a, liga, case_id, kind="home_visit", occurred_on=day, minutes=45)
    make_entry(settings, tenant_a, liga, case_id, kind="phone_call", occurred_on=day, minutes=10)
    make_entry(settings, tenant_a, liga, case_id, kind="note", occurred_on=day, minutes=None)
    make_entry(settings, tenant_a, juris, case_id, kind="home_visit", occurred_on=day, minutes=20)
    make_entry(
        settings, tenant_a, liga, case_id, kind="meeting", occurred_on=OPENED, minutes=600
    )  # before the period


def test_the_activity_report_counts_and_adds_hours(client, settings, tenant_a, staff, person) -> None:
    _report_ground(settings, tenant_a, staff, person)
    as_(client, staff, "head")
    first = (TODAY - dt.timedelta(days=10)).strftime("%d.%m.%Y")
    page = client.get(f"/reports/activity?from={first}&to={TODAY.strftime('%d.%m.%Y')}")
    assert page.status_code == 200
    body = page.text.split("<tbody>")[1]
    liga_row = re.search(r"<th scope=\"row\">Līga Kalniņa</th>(.*?)</tr>", body, re.S).group(1)  # type: ignore[union-attr]
    cells = _cells(liga_row)
    # note, journal, home visit, consultation, phone call, meeting, other, total: (entries, hours) each
    assert cells == [
        ("1", "0,00"),
        ("0", "0,00"),
        ("2", "2,25"),
        ("0", "0,00"),
        ("1", "0,17"),
        ("0", "0,00"),
        ("0", "0,00"),
        ("4", "2,42"),
    ]
    footer = page.text.split("<tfoot>")[1]
    assert _cells(footer)[-1] == ("5", "2,75")

    csv_answer = client.get(f"/reports/activity.csv?from={first}&to={TODAY.strftime('%d.%m.%Y')}")
    assert csv_answer.status_code == 200
    assert csv_answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''darbibu-parskats-" in csv_answer.headers["content-disposition"]
    assert csv_answer.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Darbinieks", "Piezīme: ieraksti", "Piezīme: stundas"]
    assert table[0][-2:] == ["Kopā: ieraksti", "Kopā: stundas"]
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["Līga Kalniņa"][-2:] == ["4", "2,42"] and by_name["Juris Ozols"][-2:] == ["1", "0,33"]
    assert by_name["Kopā"][-2:] == ["5", "2,75"]
    english = client.get(
        f"/reports/activity.csv?from={first}&to={TODAY.strftime('%d.%m.%Y')}",
        headers={"accept-language": "en"},
    )
    rows_en = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert rows_en[0][0] == "Staff member" and rows_en[-1][-1] == "2.75"


def test_a_worker_sees_only_their_own_report(client, settings, tenant_a, staff, person) -> None:
    _report_ground(settings, tenant_a, staff, person)
    as_(client, staff, "juris")
    own = client.get("/reports/activity")
    assert own.status_code == 200 and "Juris Ozols" in own.text and "Līga Kalniņa" not in own.text
    assert 'id="f-user"' not in own.text
    assert client.get(f"/reports/activity?user={staff['liga']['id']}").status_code == 403
    assert client.get(f"/reports/activity.csv?user={staff['liga']['id']}").status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=01.01.2024&to=31.03.2025", "Periods nevar būt garāks par vienu gadu."),
        ("from=10.03.2026&to=01.03.2026", "Beigu datums ir pirms sākuma datuma."),
        ("from=31.02.2026&to=01.03.2026", "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi."),
        ("from=vakar&to=01.03.2026", "Ievadiet datumu formātā dd.mm.gggg."),
        ("from=01.01.9999&to=02.01.9999", "Ievadiet datumu no 01.01.1900 līdz 31.12.2999."),
        ("from=01.03.2026", "Ievadiet perioda pēdējo dienu."),
        ("user=nobody&from=01.03.2026&to=02.03.2026", "Izvēlieties darbinieku no saraksta."),
    ],
)
def test_a_bad_report_period_is_422_in_latvian(client, staff, query, message) -> None:
    as_(client, staff, "head")
    for path in ("/reports/activity", "/reports/activity.csv"):
        answer = client.get(f"{path}?{query}")
        assert answer.status_code == 422 and message in answer.text, (path, answer.text[-2000:])


# --- helpers ----------------------------------------------------------------------------------------------


def count_statements(settings, tenant_id: uuid.UUID, read) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
    """Statements one read runs inside an already begun (tenant-bound) transaction."""

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


__all__ = ["sync_tenant_uow"]


def test_restricting_a_case_one_is_not_part_of_leads_back_to_the_list(
    client, settings, rw_sessions, tenant_a, staff, person
) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    as_(client, staff, "head")
    fields = {
        "version": "1",
        "title": "Vardarbība",
        "case_types": ["violence"],
        "responsible_user_id": str(staff["liga"]["id"]),
        "sensitive": "on",
    }
    answer = client.post(f"/cases/{case_id}/edit", data=form(client, **fields), headers=HX)
    assert answer.status_code == 200 and answer.headers["hx-redirect"] == "/cases"
    assert client.get(f"/cases/{case_id}").status_code == 404
    [(before, after)] = rows_of(
        rw_sessions,
        tenant_a,
        select(ChangeLog.before, ChangeLog.after).where(ChangeLog.action == "cases:case:edit"),
    )
    assert before["sensitive"] is False and after["sensitive"] is True


def test_a_household_case_names_the_household(client, rw_sessions, tenant_a, staff, person) -> None:
    household = add_household(rw_sessions, tenant_a, "Bērziņu ģimene", [(person, dt.date(2020, 1, 1), None)])
    as_(client, staff, "liga")
    page = client.get(f"/cases/new?household={household}")
    assert page.status_code == 200 and "Bērziņu ģimene" in page.text and "mājsaimniecība" in page.text
    answer = client.post(
        "/cases",
        data=form(
            client,
            household=str(household),
            title="Ģimenes atbalsts",
            case_types=["child_and_family"],
            responsible_user_id=str(staff["liga"]["id"]),
            opened_on=OPENED.strftime("%d.%m.%Y"),
        ),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    case_page = client.get(answer.headers["location"])
    assert f'href="/households/{household}">Bērziņu ģimene</a>' in case_page.text
    logged = {
        p
        for (p,) in rows_of(
            rw_sessions, tenant_a, select(AccessLog.person_id).where(AccessLog.context.like("case:%"))
        )
    }
    assert logged == {person}
    assert client.get(f"/cases/new?household={household}&person={person}").status_code == 404


def test_the_audit_viewer_reads_case_events_in_latvian(client, settings, tenant_a, staff, person) -> None:
    case_id = new_case(settings, tenant_a, staff, person)
    make_entry(
        settings, tenant_a, staff["liga"]["actor"], case_id, occurred_on=TODAY, staff=staff["juris"]["id"]
    )
    as_(client, staff, "head")
    page = client.get("/audit?action=cases:")
    assert page.status_code == 200
    for shown in ("Lieta atvērta", "Darbība lietā reģistrēta", "Atbildīgais darbinieks", "Līga Kalniņa"):
        assert shown in page.text, shown
    assert "Mājas vizīte" in page.text and "Juris Ozols" in page.text  # the kind's label, the worker's name
    assert f"<td>{staff['liga']['id']}</td>" not in page.text  # named, not shown as an id
