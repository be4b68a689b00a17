"""The household page and the person's household tab, through the real app: Latvian pages, HTMX blocks,
422 with messages next to the fields, 409 on a stale rename, another municipality's household is 404,
read-only roles see no forms, and hostile input never gives a 500."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.households.models import Household, HouseholdMember, Relationship
from app.domains.households.rules import age_on
from app.i18n import TIMEZONE, gettext
from tests.factories.households import add_household, add_person, person_code, relate
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

D = dt.date
HX = {"HX-Request": "true"}


def lv(msgid: str) -> str:
    """The Latvian text of a message shared with other areas (its wording is theirs to change)."""
    text = gettext("lv", msgid)
    assert text != msgid, f"not translated: {msgid}"
    return text


def today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


@pytest.fixture
def family(rw_sessions, tenant_a) -> dict[str, uuid.UUID]:
    people = {
        "janis": add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš", D(1980, 4, 12)),
        "anna": add_person(rw_sessions, tenant_a, "Anna", "Bērziņa", D(1982, 9, 3)),
        "karlis": add_person(rw_sessions, tenant_a, "Kārlis", "Bērziņš", D(2012, 1, 30)),
        "ede": add_person(rw_sessions, tenant_a, "Ede", "Liepiņa", D(1950, 2, 1)),
    }
    people["home"] = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [
            (people["janis"], "head", D(2010, 5, 1), None),
            (people["karlis"], "child", D(2012, 1, 30), None),
            (people["anna"], "spouse", D(2010, 5, 1), D(2020, 12, 31)),
        ],
    )
    relate(rw_sessions, tenant_a, people["karlis"], people["janis"], "parent")
    return people


@pytest.fixture
def worker(client: TestClient[Any], social_worker: str) -> TestClient[Any]:
    """Signed in as a social worker; the CSRF header set as htmx sends it."""
    sign_in(client, social_worker)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def hx(target: str) -> dict[str, str]:
    return {**HX, "HX-Target": target}


def members(
    sessions: sessionmaker[Session], tenant: uuid.UUID, household: uuid.UUID
) -> list[HouseholdMember]:
    with sync_tenant_uow(sessions, tenant) as s:
        return list(s.scalars(select(HouseholdMember).where(HouseholdMember.household_id == household)))


def actions(sessions: sessionmaker[Session], tenant: uuid.UUID) -> list[str]:
    with sync_tenant_uow(sessions, tenant) as s:
        rows = s.scalars(select(ChangeLog.action).order_by(ChangeLog.id))
        return [a for a in rows if a.startswith("people:")]  # not the sign-in and the staff set-up


def error_near(html: str, field_id: str) -> str:
    """The message shown next to the field with this id (its element `<id>-error`)."""
    match = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert match, f"no message for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


# --- the household page ---------------------------------------------------------------------------------


def test_the_household_page_lists_todays_members_in_latvian(worker, family) -> None:
    page = worker.get(f"/households/{family['home']}")
    assert page.status_code == 200
    html = page.text
    assert "<h1" in html and "Bērziņu ģimene" in html
    assert "Jānis Bērziņš" in html and "Mājsaimniecības galva" in html
    assert f"({age_on(D(2012, 1, 30), today())} gadi)" in html  # Kārlis's age today
    assert "Anna Bērziņa" not in html.split('id="members"')[1].split("</table>")[0]  # left in 2020
    assert f"{today():%d.%m.%Y} mājsaimniecībā ir 2 locekļi" in html
    assert "Pievienot locekli" in html and "Radniecība starp locekļiem" in html


def test_members_on_another_date_and_past_members(worker, family) -> None:
    then = worker.get(f"/households/{family['home']}?on=2011-06-01").text
    assert "Anna Bērziņa" in then and "Kārlis Bērziņš" not in then.split('id="members"')[1]
    everyone = worker.get(f"/households/{family['home']}?past=1").text
    assert "Anna Bērziņa" in everyone and "bijušais loceklis" in everyone


def test_the_date_picker_gets_the_members_block_and_pushes_the_address(worker, family) -> None:
    answer = worker.get(f"/households/{family['home']}?on=01.06.2011&past=", headers=hx("members"))
    assert answer.status_code == 200
    assert "<html" not in answer.text and 'id="members"' in answer.text
    assert answer.headers["hx-push-url"] == f"/households/{family['home']}?on=2011-06-01"
    assert "01.06.2011 mājsaimniecībā ir 2 locekļi" in answer.text
    assert 'id="status"' in answer.text  # announced in the live region too


def test_a_bad_date_in_the_picker_is_422_with_a_message(worker, family) -> None:
    answer = worker.get(f"/households/{family['home']}?on=31.02.2026", headers=hx("members"))
    assert answer.status_code == 422
    assert "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi." in answer.text
    answer = worker.get(f"/households/{family['home']}?on=31-02-2026", headers=hx("members"))
    assert answer.status_code == 422
    assert "Ievadiet datumu formātā dd.mm.gggg." in answer.text


def test_a_household_without_current_members_says_so(worker, rw_sessions, tenant_a, family) -> None:
    empty = add_household(
        rw_sessions, tenant_a, "Tukša", [(family["ede"], "head", D(2000, 1, 1), D(2001, 1, 1))]
    )
    html = worker.get(f"/households/{empty}").text
    assert f"{today():%d.%m.%Y} šajā mājsaimniecībā nav neviena locekļa." in html


def test_another_municipalitys_household_is_404(worker, rw_sessions, tenant_b, family) -> None:
    other_person = add_person(rw_sessions, tenant_b, "Cits", "Cilvēks", D(1990, 1, 1))
    theirs = add_household(
        rw_sessions, tenant_b, "Citu ģimene", [(other_person, "head", D(2020, 1, 1), None)]
    )
    assert worker.get(f"/households/{theirs}").status_code == 404
    assert worker.get(f"/households/{uuid.uuid4()}").status_code == 404
    posted = worker.post(
        f"/households/{theirs}/members",
        data={"person_id": str(family["ede"]), "role": "other", "joined_on": "01.01.2024"},
        headers=hx("add-member"),
    )
    assert posted.status_code == 404
    assert worker.get(f"/persons/{other_person}/household").status_code == 404


# --- adding a member ------------------------------------------------------------------------------------


def test_adding_a_member_by_personal_code(worker, rw_sessions, tenant_a, family) -> None:
    code = person_code(rw_sessions, tenant_a, family["ede"])
    answer = worker.post(
        f"/households/{family['home']}/members",
        data={"member_q": f"{code[:6]}-{code[6:]}", "role": "grandparent", "joined_on": "01.03.2024"},
        headers=hx("add-member"),
    )
    assert answer.status_code == 200, answer.text
    assert 'id="members" class="members" hx-swap-oob="true"' in answer.text
    assert "Ede Liepiņa" in answer.text and "Vecvecāks" in answer.text and "Pievienots" in answer.text
    added = [m for m in members(rw_sessions, tenant_a, family["home"]) if m.person_id == family["ede"]]
    assert [(m.role, m.joined_on, m.left_on) for m in added] == [("grandparent", D(2024, 3, 1), None)]
    assert actions(rw_sessions, tenant_a) == ["people:member:add"]


def test_the_picker_offers_persons_by_name_or_code(worker, rw_sessions, tenant_a, family) -> None:
    found = worker.get("/households/candidates", params={"for": "member", "member_q": "Bērziņ"}, headers=HX)
    assert found.status_code == 200
    assert found.text.count('name="person_id"') == 3 and "Kārlis Bērziņš" in found.text
    code = person_code(rw_sessions, tenant_a, family["ede"])
    one = worker.get("/households/candidates", params={"for": "related", "related_q": code}, headers=HX)
    assert one.text.count('name="related_person_id"') == 1 and "checked" in one.text
    none = worker.get("/households/candidates", params={"for": "member", "member_q": "Zzzz"}, headers=HX)
    assert "Neviena persona neatbilst." in none.text


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        (
            {"role": "child", "joined_on": "01.01.2024"},
            "member-q",
            "Atrodiet personu pēc personas koda vai vārda un izvēlieties to no saraksta.",
        ),
        (
            {"pick": "ede", "role": "", "joined_on": "01.01.2024"},
            "member-role",
            "Izvēlieties lomu no saraksta.",
        ),
        (
            {"pick": "ede", "role": "other", "joined_on": "31.02.2024"},
            "member-joined",
            "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi.",
        ),
        (
            {"pick": "ede", "role": "other", "joined_on": "31.12.9999"},
            "member-joined",
            "Datums ir vairāk nekā gadu uz priekšu.",
        ),
        (
            {"pick": "ede", "role": "other", "joined_on": "02.01.2024", "left_on": "01.01.2024"},
            "member-left",
            "Aiziešanas datums ir pirms pievienošanās datuma.",
        ),
        (
            {"pick": "ede", "role": "other", "joined_on": "01.01.1949"},
            "member-joined",
            lv("The person was not yet born on this date."),
        ),
        (
            {"pick": "janis", "role": "head", "joined_on": "01.01.2024"},
            "member-q",
            "Šajā periodā persona jau ir reģistrēta šajā mājsaimniecībā.",
        ),
        (
            {"member_q": "010101-10000", "role": "other", "joined_on": "01.01.2024"},
            "member-q",
            "Šajā pašvaldībā nav reģistrēta persona ar šādu personas kodu.",
        ),
    ],
)
def test_refused_members_are_422_with_latvian_messages_and_nothing_saved(
    worker, rw_sessions, tenant_a, family, fields, field_id, message
) -> None:
    data = {k: v for k, v in fields.items() if k != "pick"}
    if "pick" in fields:
        data["person_id"] = str(family[fields["pick"]])
    before = members(rw_sessions, tenant_a, family["home"])
    answer = worker.post(f"/households/{family['home']}/members", data=data, headers=hx("add-member"))
    assert answer.status_code == 422
    assert "<html" not in answer.text and 'id="add-member"' in answer.text
    assert error_near(answer.text, field_id) == message
    assert "Veidlapā ir kļūdas" in answer.text
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', answer.text, re.S)
    assert re.search(rf'id="{field_id}"[^>]*autofocus', answer.text, re.S)  # the focus goes to it
    assert len(members(rw_sessions, tenant_a, family["home"])) == len(before)
    assert actions(rw_sessions, tenant_a) == []


def test_a_member_of_another_household_is_refused_with_a_link_to_it(
    worker, rw_sessions, tenant_a, family
) -> None:
    other = add_household(
        rw_sessions, tenant_a, "Liepiņu ģimene", [(family["ede"], "head", D(2000, 1, 1), None)]
    )
    answer = worker.post(
        f"/households/{family['home']}/members",
        data={"person_id": str(family["ede"]), "role": "grandparent", "joined_on": "01.01.2024"},
        headers=hx("add-member"),
    )
    assert answer.status_code == 422
    assert error_near(answer.text, "member-q") == (
        "Šajā periodā persona jau ir reģistrēta citā mājsaimniecībā: Liepiņu ģimene."
    )
    assert f'<a href="/households/{other}">Liepiņu ģimene</a>' in answer.text


def test_without_javascript_a_member_is_added_by_code_and_the_page_reloaded(
    worker, rw_sessions, tenant_a, family
) -> None:
    page = worker.get(f"/households/{family['home']}")
    code = person_code(rw_sessions, tenant_a, family["ede"])
    answer = worker.post(
        f"/households/{family['home']}/members",
        data={
            "_csrf_token": csrf_from(page.text),
            "member_q": code,
            "role": "other",
            "joined_on": "2024-01-01",
        },
        headers={"x-csrftoken": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/households/{family['home']}"
    refused = worker.post(
        f"/households/{family['home']}/members",
        data={"member_q": "Bērziņ", "role": "other", "joined_on": "01.01.2024"},
    )
    assert refused.status_code == 422 and "<html" in refused.text  # the whole page with the form
    assert error_near(refused.text, "member-q") == "Atbilst vairākas personas: izvēlieties vienu no saraksta."
    assert refused.text.count('type="radio" name="person_id"') == 3  # the matches to choose from


# --- correcting and leaving -----------------------------------------------------------------------------


def _member_id(sessions: Any, tenant: uuid.UUID, household: uuid.UUID, person: uuid.UUID) -> uuid.UUID:
    return next(m.id for m in members(sessions, tenant, household) if m.person_id == person)


def test_a_member_leaves(worker, rw_sessions, tenant_a, family) -> None:
    member = _member_id(rw_sessions, tenant_a, family["home"], family["janis"])
    form = worker.get(f"/households/{family['home']}/members/{member}/edit?mode=leave", headers=hx("members"))
    assert form.status_code == 200 and "Pēdējā diena mājsaimniecībā" in form.text
    assert f'value="{today():%d.%m.%Y}"' in form.text  # today offered
    answer = worker.post(
        f"/households/{family['home']}/members/{member}/leave",
        data={"left_on": "31.10.2026", "on": "2026-10-01"},
        headers=hx("members"),
    )
    assert answer.status_code == 200 and "31.10.2026" in answer.text and "Saglabāts" in answer.text
    [janis] = [m for m in members(rw_sessions, tenant_a, family["home"]) if m.person_id == family["janis"]]
    assert janis.left_on == D(2026, 10, 31)
    assert actions(rw_sessions, tenant_a) == ["people:member:leave"]


def test_a_correction_that_overlaps_is_422_in_the_row(worker, rw_sessions, tenant_a, family) -> None:
    member = _member_id(rw_sessions, tenant_a, family["home"], family["anna"])
    add_household(rw_sessions, tenant_a, "Annas jaunā", [(family["anna"], "head", D(2021, 1, 1), None)])
    answer = worker.post(
        f"/households/{family['home']}/members/{member}",
        data={"role": "spouse", "joined_on": "01.05.2010", "left_on": "", "past": "1"},
        headers=hx("members"),
    )
    assert answer.status_code == 422
    assert 'class="editing"' in answer.text and "Annas jaunā" in answer.text
    assert actions(rw_sessions, tenant_a) == []


# --- renaming ---------------------------------------------------------------------------------------------


def test_rename_and_a_stale_version_is_409(worker, rw_sessions, tenant_a, family) -> None:
    form = worker.get(f"/households/{family['home']}/edit", headers=hx("household-head"))
    assert 'name="version" value="1"' in form.text and "Mājsaimniecības nosaukums" in form.text
    saved = worker.post(
        f"/households/{family['home']}",
        data={"label": "Bērziņu un Liepiņu ģimene", "note": "", "version": "1"},
        headers=hx("household-head"),
    )
    assert saved.status_code == 200 and "Bērziņu un Liepiņu ģimene" in saved.text
    stale = worker.post(
        f"/households/{family['home']}",
        data={"label": "Cits nosaukums", "note": "", "version": "1"},
        headers=hx("household-head"),
    )
    assert stale.status_code == 409
    assert "Kāds cits pa to laiku mainīja šo mājsaimniecību" in stale.text
    empty = worker.post(
        f"/households/{family['home']}", data={"label": " ", "version": "2"}, headers=hx("household-head")
    )
    assert empty.status_code == 422
    assert error_near(empty.text, "household-label").startswith("Ievadiet mājsaimniecības nosaukumu")
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(Household, (tenant_a, family["home"])).label == "Bērziņu un Liepiņu ģimene"  # type: ignore[union-attr]


# --- relationships on the household page -----------------------------------------------------------------


def test_relationships_among_members_are_added_and_removed(worker, rw_sessions, tenant_a, family) -> None:
    page = worker.get(f"/households/{family['home']}?past=1").text
    assert "Radniecība starp locekļiem" in page
    added = worker.post(
        f"/households/{family['home']}/relationships",
        data={
            "related_person_id": str(family["anna"]),
            "kind": "parent",
            "rel_person_id": str(family["karlis"]),
            "past": "1",
        },
        headers=hx("relationships"),
    )
    assert added.status_code == 200 and "Anna Bērziņa" in added.text
    implausible = worker.post(
        f"/households/{family['home']}/relationships",
        data={
            "related_person_id": str(family["karlis"]),
            "kind": "parent",
            "rel_person_id": str(family["janis"]),
        },
        headers=hx("relationships"),
    )
    assert implausible.status_code == 422
    assert (
        error_near(implausible.text, "rel-kind")
        == "Starp šīm personām jau ir norādīta cita radniecība (bērns). "
        "Ja tā ir kļūdaina, vispirms noņemiet to."
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        rel = s.scalars(
            select(Relationship).where(
                Relationship.person_id == family["karlis"], Relationship.related_person_id == family["anna"]
            )
        ).one()
    removed = worker.post(
        f"/households/{family['home']}/relationships/{rel.id}/remove",
        data={"person_id": str(family["karlis"])},
        headers=hx("relationships"),
    )
    assert removed.status_code == 200 and "Noņemts" in removed.text
    assert actions(rw_sessions, tenant_a) == ["people:relationship:add", "people:relationship:remove"]


# --- the person's household tab -------------------------------------------------------------------------


def test_the_person_tab_shows_household_history_and_relationships(worker, family) -> None:
    page = worker.get(f"/persons/{family['karlis']}/household")
    assert page.status_code == 200
    html = page.text
    assert f'href="/households/{family["home"]}"' in html and "Bērziņu ģimene" in html
    assert "Dalība mājsaimniecībās" in html and "Bērns" in html
    assert "Jānis Bērziņš" in html and "Vecāks" in html  # Jānis is Kārlis's parent
    assert 'aria-current="page"' in html.split('data-tab="household"')[1][:40]
    tab = worker.get(f"/persons/{family['karlis']}/household", headers=hx("person-tab"))
    assert "<html" not in tab.text and "Dalība mājsaimniecībās" in tab.text
    gone = worker.get(f"/persons/{family['anna']}/household")
    assert f"{today():%d.%m.%Y} šī persona nav reģistrēta nevienā mājsaimniecībā." in gone.text
    then = worker.get(f"/persons/{family['anna']}/household?on=01.01.2015", headers=hx("household-now"))
    assert "Bērziņu ģimene" in then.text and then.headers["hx-push-url"].endswith("?on=2015-01-01")


def test_relationships_on_the_person_tab(worker, rw_sessions, tenant_a, family) -> None:
    base = f"/persons/{family['janis']}/relationships"
    myself = worker.post(
        base,
        data={"related_person_id": str(family["janis"]), "kind": "sibling"},
        headers=hx("person-relationships"),
    )
    assert myself.status_code == 422
    assert error_near(myself.text, "related-q") == "Persona nevar būt radniecīga pati sev."
    code = person_code(rw_sessions, tenant_a, family["anna"])
    added = worker.post(
        base,
        data={"related_q": code, "kind": "spouse", "valid_from": "01.05.2010"},
        headers=hx("person-relationships"),
    )
    assert added.status_code == 200 and "Anna Bērziņa" in added.text and "Laulātais" in added.text
    second = worker.post(
        base,
        data={"related_person_id": str(family["ede"]), "kind": "spouse"},
        headers=hx("person-relationships"),
    )
    assert error_near(second.text, "rel-kind") == "Šai personai jau ir laulātais."
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        rel = s.scalars(
            select(Relationship).where(
                Relationship.person_id == family["janis"], Relationship.kind == "spouse"
            )
        ).one()
    removed = worker.post(f"{base}/{rel.id}/remove", headers=hx("person-relationships"))
    assert removed.status_code == 200 and "Laulātais" not in removed.text.split('id="add-relationship"')[0]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalars(select(Relationship).where(Relationship.kind == "spouse")).all() == []


def test_create_a_household_with_this_person(worker, rw_sessions, tenant_a, family) -> None:
    base = f"/persons/{family['ede']}/household"
    missing = worker.post(
        base, data={"label": "", "role": "head", "joined_on": "01.01.2024"}, headers=hx("create-household")
    )
    assert missing.status_code == 422
    assert error_near(missing.text, "create-label").startswith("Ievadiet mājsaimniecības nosaukumu")
    created = worker.post(
        base,
        data={"label": "Liepiņu ģimene", "role": "head", "joined_on": "01.01.2024"},
        headers=hx("create-household"),
    )
    assert created.status_code == 200
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        new = s.scalars(select(Household).where(Household.label == "Liepiņu ģimene")).one()
    assert created.headers["hx-redirect"] == f"/households/{new.id}"
    again = worker.post(
        base,
        data={"label": "Vēl viena", "role": "head", "joined_on": "01.06.2024"},
        headers=hx("create-household"),
    )
    assert again.status_code == 422
    assert f'<a href="/households/{new.id}">Liepiņu ģimene</a>' in again.text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalars(select(Household).where(Household.label == "Vēl viena")).all() == []


# --- permissions and hostile input ------------------------------------------------------------------------


def test_a_read_only_role_sees_no_forms_and_cannot_act(client, rw_sessions, tenant_a, family) -> None:
    username = f"ro-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["readonly_institution"]}, username=username)
    sign_in(client, username)
    page = client.get(f"/households/{family['home']}")
    assert page.status_code == 200 and "Jānis Bērziņš" in page.text
    assert 'id="add-member"' not in page.text and "Mainīt nosaukumu" not in page.text
    tab = client.get(f"/persons/{family['janis']}/household")
    assert tab.status_code == 200 and 'id="add-relationship"' not in tab.text
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    refused = client.post(
        f"/households/{family['home']}/members",
        data={"person_id": str(family["ede"]), "role": "other", "joined_on": "01.01.2024"},
        headers=hx("add-member"),
    )
    assert refused.status_code == 403
    assert client.get(f"/households/{family['home']}/edit").status_code == 403


HOSTILE = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "31.12.9999",
    "9999-12-31",
    "99999-01-01",
    "-1",
    "🙂" * 300,
    "' OR 1=1 --",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_never_gives_a_server_error(worker, family, value) -> None:
    home = family["home"]
    member = uuid.uuid4()
    posts = [
        (
            f"/households/{home}/members",
            {"member_q": value, "person_id": value, "role": value, "joined_on": value, "left_on": value},
        ),
        (f"/households/{home}", {"label": value, "note": value, "version": value}),
        (f"/households/{home}/members/{member}", {"role": value, "joined_on": value, "left_on": value}),
        (f"/households/{home}/members/{member}/leave", {"left_on": value, "on": value}),
        (
            f"/households/{home}/relationships",
            {"related_person_id": value, "kind": value, "rel_person_id": value},
        ),
        (
            f"/persons/{family['janis']}/relationships",
            {"related_q": value, "kind": value, "valid_from": value},
        ),
        (f"/persons/{family['janis']}/household", {"label": value, "role": value, "joined_on": value}),
    ]
    for url, data in posts:
        answer = worker.post(url, data=data, headers=HX)
        assert answer.status_code < 500, (url, answer.status_code, answer.text[:300])
    short = value[:2000]  # a longer address is refused before it is sent
    for url, params in (
        (f"/households/{home}", {"on": short, "past": short}),
        ("/households/candidates", {"for": short, "member_q": short, "related_q": short}),
        (f"/persons/{family['janis']}/household", {"on": short}),
    ):
        assert worker.get(url, params=params).status_code < 500, url


def test_editing_a_former_member_shows_them_and_a_foreign_membership_is_404(
    worker, rw_sessions, tenant_a, family
) -> None:
    anna = _member_id(rw_sessions, tenant_a, family["home"], family["anna"])  # left in 2020
    form = worker.get(f"/households/{family['home']}/members/{anna}/edit", headers=hx("members"))
    assert form.status_code == 200 and 'class="editing"' in form.text and 'value="01.05.2010"' in form.text
    other = add_household(rw_sessions, tenant_a, "Cita", [(family["ede"], "head", D(2000, 1, 1), None)])
    ede = _member_id(rw_sessions, tenant_a, other, family["ede"])
    assert worker.get(f"/households/{family['home']}/members/{ede}/edit").status_code == 404
    moved = worker.post(
        f"/households/{family['home']}/members/{ede}/leave",
        data={"left_on": "01.01.2024"},
        headers=hx("members"),
    )
    assert moved.status_code == 404
    assert members(rw_sessions, tenant_a, other)[0].left_on is None
