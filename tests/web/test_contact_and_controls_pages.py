"""The person page's "Contact" tab (preferences and consent: saved and logged, refused in place with
Latvian messages, stale is 409, read-only roles see no form, another municipality's person is not there,
hostile input is no 500) and the data-control alerts page (heads of service only; a restricted case's
alert shown without its number; "Check now" queues one run)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AccessLog, ChangeLog
from app.db import sync_tenant_uow
from app.domains.controls.service import RUN_DATA_CONTROLS
from app.notifications.models import ContactProblem, OutboxMessage
from app.notifications.preference_models import ContactPreference
from tests.factories import controls as f
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true", "HX-Target": "person-tab"}


@pytest.fixture
def users(rw_sessions, tenant_a) -> dict[str, dict[str, Any]]:
    found = {}
    for key, role in {
        "liga": "social_worker",
        "reader": "readonly_institution",
        "head": "head_of_service",
    }.items():
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        found[key] = {
            "username": username,
            "id": create_staff(rw_sessions, {tenant_a: [role]}, username=username),
        }
    return found


def as_(client: Any, users: dict[str, Any], who: str) -> str:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, users[who]["username"]).status_code in (302, 303)
    token = csrf_from(client.get("/").text)
    client.headers["x-csrftoken"] = token
    return token


def preference(rw_sessions, tenant: uuid.UUID, person: uuid.UUID) -> ContactPreference | None:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        return s.scalar(select(ContactPreference).where(ContactPreference.person_id == person))


def test_the_contact_tab_shows_contacts_problems_and_preferences(
    client, rw_sessions, tenant_a, users
) -> None:
    person = f.person(rw_sessions, tenant_a, email="janis@pasts.lv", phone="67123456")
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.add(
            ContactProblem(
                tenant_id=tenant_a,
                person_id=person,
                channel="email",
                address="janis@pasts.lv",
                reason="The mail server refused the e-mail address.",
            )
        )
    as_(client, users, "liga")
    page = client.get(f"/persons/{person}/contact")
    assert page.status_code == 200
    assert 'data-tab="contact" aria-current="page">Saziņa</a>' in page.text
    assert "janis@pasts.lv" in page.text and 'data-testid="contact-problems"' in page.text
    assert "fiksētā tīkla tālruņa" in page.text  # the phone cannot take SMS
    assert "Pa pastu vai klātienē" in page.text  # no channel, no consent yet: letters
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        contexts = list(s.scalars(select(AccessLog.context).where(AccessLog.person_id == person)))
    assert contexts == ["contact"]
    tab = client.get(f"/persons/{person}/contact", headers=HX)
    assert "<html" not in tab.text and 'hx-swap-oob="true"' in tab.text  # the tab bar marks the tab


def test_saving_preferences_records_consent_and_the_change_log(client, rw_sessions, tenant_a, users) -> None:
    person = f.person(rw_sessions, tenant_a, email="janis@pasts.lv", phone="29123456")
    token = as_(client, users, "liga")
    form = {
        "_csrf_token": token,
        "version": "0",
        "channels": ["email", "sms"],
        "language": "en",
        "consent": "given",
        "consent_on": "05.01.2026",
    }
    saved = client.post(f"/persons/{person}/contact", data=form, headers=HX)
    assert saved.status_code == 200 and "Saglabāts" in saved.text
    pref = preference(rw_sessions, tenant_a, person)
    assert pref is not None
    assert (pref.channels, pref.language, pref.consent, pref.consent_on) == (
        ["email", "sms"],
        "en",
        "given",
        dt.date(2026, 1, 5),
    )
    assert pref.consent_recorded_by == users["liga"]["id"] and pref.version == 1
    # Withdrawn later, without JavaScript: recorded anew; the channels need consent, so none are kept.
    later = {**form, "version": "1", "channels": [], "consent": "withdrawn", "consent_on": "01.11.2026"}
    answer = client.post(f"/persons/{person}/contact", data=later, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/persons/{person}/contact"
    pref = preference(rw_sessions, tenant_a, person)
    assert pref is not None and (pref.consent, pref.channels, pref.version) == ("withdrawn", [], 2)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        logged = list(
            s.scalars(
                select(ChangeLog)
                .where(ChangeLog.action == "people:contact:edit", ChangeLog.entity_id == person)
                .order_by(ChangeLog.id)
            )
        )
    assert [e.after["consent"] for e in logged] == ["given", "withdrawn"]
    assert logged[1].before["consent"] == "given"
    page = client.get(f"/persons/{person}/contact")
    assert "Piekrišana atsaukta 01.11.2026" in page.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"channels": "email"}, "channels", "piekrišana"),
        ({"channels": "sms", "consent": "given", "consent_on": "05.01.2026"}, "channel_sms", "tālruņa"),
        ({"consent": "given", "consent_on": "31.02.2026"}, "consent_on", "Tādas dienas"),
        ({"consent": "given", "consent_on": "01.01.2999"}, "consent_on", "nākotnē"),
        ({"language": "ru"}, "language", "latviešu vai angļu"),
    ],
)
def test_a_refused_form_comes_back_in_place(
    client, rw_sessions, tenant_a, users, fields: dict[str, str], field: str, message: str
) -> None:
    person = f.person(rw_sessions, tenant_a, email="janis@pasts.lv")  # no phone
    token = as_(client, users, "liga")
    answer = client.post(
        f"/persons/{person}/contact", data={"_csrf_token": token, "version": "0", **fields}, headers=HX
    )
    assert answer.status_code == 422
    assert "<html" not in answer.text and 'role="alert"' in answer.text
    assert message.lower() in answer.text.lower()
    assert 'aria-invalid="true"' in answer.text and "autofocus" in answer.text
    assert preference(rw_sessions, tenant_a, person) is None


def test_a_stale_form_is_a_conflict(client, rw_sessions, tenant_a, users) -> None:
    person = f.person(rw_sessions, tenant_a)
    token = as_(client, users, "liga")
    form = {"_csrf_token": token, "version": "0", "language": "en"}
    assert client.post(f"/persons/{person}/contact", data=form, headers=HX).status_code == 200
    stale = client.post(f"/persons/{person}/contact", data={**form, "language": "lv"}, headers=HX)
    assert stale.status_code == 409 and "Pārlādējiet" in stale.text
    pref = preference(rw_sessions, tenant_a, person)
    assert pref is not None and pref.language == "en"


def test_read_only_roles_see_no_form_and_cannot_save(client, rw_sessions, tenant_a, users) -> None:
    person = f.person(rw_sessions, tenant_a)
    token = as_(client, users, "reader")
    page = client.get(f"/persons/{person}/contact")
    assert page.status_code == 200 and 'id="contact-form"' not in page.text
    refused = client.post(
        f"/persons/{person}/contact", data={"_csrf_token": token, "version": "0"}, headers=HX
    )
    assert refused.status_code == 403
    assert preference(rw_sessions, tenant_a, person) is None


def test_another_municipalitys_person_is_not_there(client, rw_sessions, tenant_a, tenant_b, users) -> None:
    theirs = f.person(rw_sessions, tenant_b)
    token = as_(client, users, "liga")
    assert client.get(f"/persons/{theirs}/contact").status_code == 404
    assert (
        client.post(f"/persons/{theirs}/contact", data={"_csrf_token": token, "version": "0"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"version": "x" * 5000, "language": "\x00"},
        {"version": "-1", "channels": ["email"] * 200, "consent": "given", "consent_on": "9" * 400},
        {"version": "99999999999999999999999", "consent_on": "05.01.2026"},
    ],
)
def test_hostile_input_is_never_a_500(client, rw_sessions, tenant_a, users, fields: dict[str, Any]) -> None:
    person = f.person(rw_sessions, tenant_a)
    token = as_(client, users, "liga")
    answer = client.post(f"/persons/{person}/contact", data={"_csrf_token": token, **fields}, headers=HX)
    assert answer.status_code in (409, 422)


# --- the alerts page ---


def test_alerts_page_for_heads_of_service(client, rw_sessions, maint_engine, tenant_a, users) -> None:
    worker = users["liga"]["id"]
    client_id = f.person(rw_sessions, tenant_a, "Anna", "Liepiņa")
    open_case = f.case(
        rw_sessions, tenant_a, responsible=worker, person_id=client_id, opened_on=dt.date(2025, 1, 1)
    )
    secret = f.case(
        rw_sessions,
        tenant_a,
        responsible=worker,
        person_id=client_id,
        opened_on=dt.date(2025, 1, 1),
        sensitive=True,
    )
    f.run_rules(rw_sessions, maint_engine, tenant_a, dt.date.today())
    token = as_(client, users, "head")
    page = client.get("/controls?rule=inactive_case")
    assert page.status_code == 200
    assert 'href="/controls"' in client.get("/").text  # in the main navigation
    assert re.search(r'data-testid="count-inactive_case">2<', page.text)
    assert f'href="/cases/{open_case}"' in page.text
    assert f"/cases/{secret}" not in page.text and "ierobežotas piekļuves lieta" in page.text.lower()
    assert "Maksājumi" in page.text or "maksājum" in page.text  # the IBAN rule says why it waits
    fragment = client.get(
        "/controls?rule=two_municipalities", headers={"HX-Request": "true", "HX-Target": "alerts"}
    )
    assert "<html" not in fragment.text and 'id="alerts"' in fragment.text
    run = client.post("/controls/run", data={"_csrf_token": token}, headers={"HX-Request": "true"})
    assert run.status_code == 200 and 'id="status"' in run.text
    client.post("/controls/run", data={"_csrf_token": token}, headers={"HX-Request": "true"})
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        waiting = list(s.scalars(select(OutboxMessage).where(OutboxMessage.actor == RUN_DATA_CONTROLS)))
    assert len(waiting) == 1

    as_(client, users, "liga")  # the worker sees their alerts in the inbox, not this page
    assert client.get("/controls").status_code == 403
    assert 'href="/controls"' not in client.get("/").text
    assert len(re.findall(r'<tr id="inbox-item-', client.get("/inbox").text)) == 2
