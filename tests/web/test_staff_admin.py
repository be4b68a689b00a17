"""Staff administration by the head of service: list, add (new and existing accounts), change roles,
remove; bad input, permissions, other municipalities, self-lockout, audit, CSRF."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.auth.admin import add_staff_member
from app.auth.models import Membership, User
from app.auth.principal import Actor
from app.db import sync_tenant_uow
from app.errors import Forbidden
from app.main import create_app
from tests.factories.staff import PASSWORD, create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}
NEW_PASSWORD = "jauna-gara-parole-42"


@dataclass(frozen=True)
class Head:
    username: str
    user_id: uuid.UUID


KNOWN_ATTRIBUTES = {
    *("id", "class", "name", "value", "type", "href", "method", "action", "for", "form", "scope", "colspan"),
    *("checked", "autofocus", "required", "novalidate", "maxlength", "autocomplete", "autocapitalize"),
    *("spellcheck", "tabindex"),
}


def attribute_names(html: str) -> set[str]:
    """Every attribute name in a fragment; a glued pair ("checkedautofocus") shows up as unknown."""
    names: set[str] = set()

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            names.update(name for name, _ in attrs)

    Collector().feed(html)
    return {n for n in names if not n.startswith(("hx-", "aria-", "data-"))}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Head:
    username = unique("head")
    user_id = create_staff(
        rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Ilze Bērziņa"
    )
    return Head(username, user_id)


def token_for(client: TestClient[Any], head: Head) -> str:
    """Signs the head of service in; the CSRF token from the staff page."""
    sign_in(client, head.username)
    page = client.get("/admin/staff")
    assert page.status_code == 200
    return csrf_from(page.text)


def memberships(sessions: sessionmaker[Session], tenant: uuid.UUID) -> dict[uuid.UUID, list[str]]:
    with sync_tenant_uow(sessions, tenant) as s:
        rows = s.execute(select(Membership.user_id, Membership.roles).where(Membership.tenant_id == tenant))
        return {user_id: list(roles) for user_id, roles in rows}


def actions(sessions: sessionmaker[Session], tenant: uuid.UUID) -> list[str]:
    with sync_tenant_uow(sessions, tenant) as s:
        return list(s.scalars(select(ChangeLog.action).order_by(ChangeLog.occurred_at, ChangeLog.id)))


def change(sessions: sessionmaker[Session], tenant: uuid.UUID, action: str) -> ChangeLog:
    """The one `action` entry someone made (the factories grant their roles as nobody)."""
    with sync_tenant_uow(sessions, tenant) as s:
        entries = s.scalars(
            select(ChangeLog).where(ChangeLog.action == action, ChangeLog.actor_user_id.is_not(None))
        ).all()
    assert len(entries) == 1, f"expected one {action} entry, found {len(entries)}"
    return entries[0]


def user_named(sessions: sessionmaker[Session], username: str) -> User | None:
    with sessions() as s:
        return s.scalar(select(User).where(User.username == username))


def new_member(token: str, **overrides: Any) -> dict[str, Any]:
    form = {
        "username": unique("jauns"),
        "full_name": "Jānis Ozols",
        "email": "janis.ozols@adazi.lv",
        "roles": ["social_worker", "case_manager"],
        "password": NEW_PASSWORD,
        "_csrf_token": token,
    }
    return {**form, **overrides}


def test_head_of_service_lists_the_staff_in_latvian_order(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, tenant_b
) -> None:
    for name in ("Zane Ozola", "Čaks Ivars", "Cēzars Liepa", "Ābele Anna"):
        create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name=name)
    create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Citas Pašvaldības Darbinieks")
    sign_in(client, head.username)

    page = client.get("/admin/staff")

    assert page.status_code == 200
    assert '<a href="/admin/staff" aria-current="page">Darbinieki</a>' in page.text
    names = re.findall(r'<span class="person-name">([^<]+)</span>', page.text)
    assert names == ["Ābele Anna", "Cēzars Liepa", "Čaks Ivars", "Ilze Bērziņa", "Zane Ozola"]
    assert "Sociālais darbinieks" in page.text and "Dienesta vadītājs" in page.text
    assert 'id="add-staff-dialog"' in page.text  # the add form waits in a <dialog>
    # The hint says how an existing account is added: with the e-mail registered for it.
    assert "norādiet tā lietotājvārdu un tam reģistrēto e-pasta adresi" in page.text


def test_head_adds_a_new_user_who_can_then_sign_in(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, settings
) -> None:
    token = token_for(client, head)
    form = new_member(token)

    answer = client.post("/admin/staff", data=form, headers=HX)

    assert answer.status_code == 200
    assert "<html" not in answer.text
    assert answer.text.lstrip().startswith('<form id="add-staff-form"')  # a fresh form for the next one
    assert 'value="' + form["username"] not in answer.text
    assert '<section id="staff-table"' in answer.text and 'hx-swap-oob="true"' in answer.text
    assert "Jānis Ozols" in answer.text
    assert '<div id="status" hx-swap-oob="innerHTML">Pievienots</div>' in answer.text
    user = user_named(rw_sessions, form["username"])
    assert user is not None and user.email == "janis.ozols@adazi.lv" and user.full_name == "Jānis Ozols"
    assert memberships(rw_sessions, tenant_a)[user.id] == ["social_worker", "case_manager"]
    created = change(rw_sessions, tenant_a, "admin:user:create")
    assert created.actor_user_id == head.user_id and created.entity_id == user.id
    assert created.after == {
        "username": form["username"],
        "full_name": "Jānis Ozols",
        "email": "janis.ozols@adazi.lv",
        "password_set": True,
    }
    granted = change(rw_sessions, tenant_a, "admin:membership:grant")
    assert granted.after and granted.after["roles"] == ["social_worker", "case_manager"]

    with TestClient(app=create_app(settings), base_url="http://127.0.0.1:8000") as other:
        assert sign_in(other, form["username"], NEW_PASSWORD).status_code in (302, 303)
        home = other.get("/")
        assert "Ādažu novads" in home.text and "Jānis Ozols" in home.text
        assert "/admin/staff" not in home.text  # a social worker has no staff page in the menu


def registered(sessions: sessionmaker[Session], user_id: uuid.UUID, email: str | None) -> None:
    """The e-mail the account was registered with (the factory registers none)."""
    with sessions.begin() as s:
        s.execute(update(User).where(User.id == user_id).values(email=email))


def test_an_existing_user_name_is_taken_without_its_registered_e_mail(
    client: TestClient[Any],
    head: Head,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
) -> None:
    username = unique("peteris")
    user_id = create_staff(
        rw_sessions, {tenant_b: ["benefit_officer"]}, username=username, full_name="Pēteris Kalniņš"
    )
    registered(rw_sessions, user_id, "Peteris.Kalnins@bauska.lv")
    token = token_for(client, head)
    before = actions(rw_sessions, tenant_a)

    for email in ("cits@adazi.lv", "peteris.kalnins@bauska.lv.lv", "kalnins@bauska.lv"):
        form = new_member(token, username=username, full_name="Kāds Cits", email=email, roles=["auditor"])
        refused = client.post("/admin/staff", data=form, headers=HX)
        assert refused.status_code == 422
        assert refused.text.lstrip().startswith('<form id="add-staff-form"')
        assert "Šis lietotājvārds jau ir aizņemts." in refused.text
        assert re.search(r'id="staff-username"[^>]*aria-invalid="true"[^>]*autofocus', refused.text)
        # Nothing about the account: not its name, not its e-mail, not where it works.
        for secret in ("Pēteris Kalniņš", "bauska.lv", "Bauskas"):
            assert secret not in refused.text.replace(email, "")
        assert f'value="{email}"' in refused.text  # what was typed stays
    page = client.post("/admin/staff", data=new_member(token, username=username.upper()))  # without htmx
    assert page.status_code == 422 and "Šis lietotājvārds jau ir aizņemts." in page.text
    assert "Pēteris Kalniņš" not in page.text

    assert user_id not in memberships(rw_sessions, tenant_a)
    assert actions(rw_sessions, tenant_a) == before
    user = user_named(rw_sessions, username)
    assert (
        user is not None and user.full_name == "Pēteris Kalniņš" and user.email == "Peteris.Kalnins@bauska.lv"
    )

    # An account registered without an e-mail cannot be claimed by any.
    registered(rw_sessions, user_id, None)
    nobody = client.post("/admin/staff", data=new_member(token, username=username), headers=HX)
    assert nobody.status_code == 422 and "Šis lietotājvārds jau ir aizņemts." in nobody.text


def test_adding_an_existing_account_with_its_e_mail_only_grants_roles_here(
    client: TestClient[Any],
    head: Head,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
    settings,
) -> None:
    username = unique("peteris")
    user_id = create_staff(
        rw_sessions, {tenant_b: ["benefit_officer"]}, username=username, full_name="Pēteris Kalniņš"
    )
    registered(rw_sessions, user_id, "Peteris.Kalnins@bauska.lv")
    token = token_for(client, head)

    # The registered e-mail, in other letters and with spaces: it is the account. Another name and
    # password typed in: none of it may reach the existing account.
    answer = client.post(
        "/admin/staff",
        data=new_member(
            token,
            username=username.upper(),
            full_name="Kāds Cits",
            email="  peteris.kalnins@BAUSKA.LV ",
            roles=["social_worker"],
        ),
        headers=HX,
    )

    assert answer.status_code == 200, answer.text
    assert '<div id="status" hx-swap-oob="innerHTML">Pievienots</div>' in answer.text
    assert "Pēteris Kalniņš" in answer.text  # now one of the staff here: the list names them
    assert memberships(rw_sessions, tenant_a)[user_id] == ["social_worker"]
    assert memberships(rw_sessions, tenant_b) == {user_id: ["benefit_officer"]}
    user = user_named(rw_sessions, username)
    assert user is not None and user.full_name == "Pēteris Kalniņš"
    assert user.email == "Peteris.Kalnins@bauska.lv"
    assert actions(rw_sessions, tenant_b) == ["admin:membership:grant"]  # the factory's, nothing new
    assert "admin:user:create" not in actions(rw_sessions, tenant_a)
    assert change(rw_sessions, tenant_a, "admin:membership:grant").after == {
        "user_id": str(user_id),
        "username": username,
        "roles": ["social_worker"],
    }
    with TestClient(app=create_app(settings), base_url="http://127.0.0.1:8000") as other:
        assert sign_in(other, username, NEW_PASSWORD).status_code == 401
        assert sign_in(other, username, PASSWORD).status_code in (302, 303)

    again = client.post(
        "/admin/staff", data=new_member(token, username=username, email="cits@adazi.lv"), headers=HX
    )
    assert again.status_code == 422
    assert "Šis cilvēks jau strādā šajā pašvaldībā" in again.text


def test_existing_and_new_accounts_take_the_same_password_hashing(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_b: uuid.UUID, monkeypatch
) -> None:
    """The password is hashed before the account is looked up, whatever comes next: the time taken does
    not tell an existing user name from a new one before the answer does."""
    import app.auth.admin as admin

    hashed: list[str] = []
    real = admin.hash_password
    monkeypatch.setattr(admin, "hash_password", lambda password: hashed.append(password) or real(password))
    taken = unique("aiznemts")
    create_staff(rw_sessions, {tenant_b: ["social_worker"]}, username=taken)
    token = token_for(client, head)
    for username in (taken, unique("jauns")):
        client.post("/admin/staff", data=new_member(token, username=username), headers=HX)
    assert hashed == [NEW_PASSWORD, NEW_PASSWORD]


def test_bad_input_answers_422_with_latvian_messages_and_saves_nothing(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    token = token_for(client, head)
    before = actions(rw_sessions, tenant_a)
    bad = new_member(
        token, username="Nav Derīgs!", full_name="  ", email="nav-epasts", roles=["dictator"], password="īsa"
    )

    fragment = client.post("/admin/staff", data=bad, headers=HX)

    assert fragment.status_code == 422
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith('<form id="add-staff-form"')
    for message in (
        "Izmantojiet 3–150 rakstzīmes",
        "Ievadiet vārdu un uzvārdu.",
        "Ievadiet derīgu e-pasta adresi",
        "Izvēlieties vismaz vienu lomu.",
        "Parolē jābūt vismaz 12 rakstzīmēm.",
    ):
        assert message in fragment.text
    assert 'value="Nav Derīgs!"' in fragment.text  # what was typed stays, except the password
    assert "īsa" not in fragment.text
    assert re.search(r'id="staff-username"[^>]*aria-invalid="true"[^>]*autofocus', fragment.text)
    assert attribute_names(fragment.text) <= KNOWN_ATTRIBUTES

    page = client.post("/admin/staff", data=bad)  # without htmx: the form's own page
    assert page.status_code == 422 and "<html" in page.text and "Ievadiet vārdu un uzvārdu." in page.text

    assert user_named(rw_sessions, "nav derīgs!") is None
    assert actions(rw_sessions, tenant_a) == before


def test_head_changes_roles_inline(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Anna Zīle")
    token = token_for(client, head)

    editing = client.get(f"/admin/staff/{worker}/roles", headers=HX)
    assert editing.status_code == 200 and editing.text.lstrip().startswith(f'<tr id="staff-{worker}"')
    assert re.search(r'value="social_worker" form="roles-[^"]+"\s+checked', editing.text)
    assert attribute_names(editing.text) <= KNOWN_ATTRIBUTES
    cancelled = client.get(f"/admin/staff/{worker}", headers=HX)
    assert cancelled.status_code == 200 and "Mainīt lomas" in cancelled.text

    saved = client.post(
        f"/admin/staff/{worker}/roles",
        data={"roles": ["benefit_officer", "social_worker"], "_csrf_token": token},
        headers=HX,
    )

    assert saved.status_code == 200
    assert saved.text.lstrip().startswith(f'<tr id="staff-{worker}"')
    assert "Pabalstu speciālists" in saved.text
    assert '<div id="status" hx-swap-oob="innerHTML">Saglabāts</div>' in saved.text  # a change: "Saved"
    assert memberships(rw_sessions, tenant_a)[worker] == ["social_worker", "benefit_officer"]
    entry = change(rw_sessions, tenant_a, "admin:membership:change-roles")
    assert entry.actor_user_id == head.user_id
    assert entry.before == {"user_id": str(worker), "roles": ["social_worker"]}
    assert entry.after == {"user_id": str(worker), "roles": ["social_worker", "benefit_officer"]}

    empty = client.post(f"/admin/staff/{worker}/roles", data={"_csrf_token": token}, headers=HX)
    assert empty.status_code == 422 and "Izvēlieties vismaz vienu lomu." in empty.text
    assert attribute_names(empty.text) <= KNOWN_ATTRIBUTES
    assert memberships(rw_sessions, tenant_a)[worker] == ["social_worker", "benefit_officer"]


def test_without_javascript_the_forms_are_pages_that_redirect(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Anna Zīle")
    token = token_for(client, head)

    form_page = client.get("/admin/staff/new")
    assert form_page.status_code == 200 and "<html" in form_page.text and "hx-post" not in form_page.text
    added = client.post("/admin/staff", data=new_member(token), follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/admin/staff"

    roles_page = client.get(f"/admin/staff/{worker}/roles")
    assert roles_page.status_code == 200 and "<html" in roles_page.text and "Mainīt lomas" in roles_page.text
    saved = client.post(
        f"/admin/staff/{worker}/roles",
        data={"roles": "case_manager", "_csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert memberships(rw_sessions, tenant_a)[worker] == ["case_manager"]

    removed = client.post(
        f"/admin/staff/{worker}/remove", data={"_csrf_token": token}, follow_redirects=False
    )
    assert removed.status_code == 303 and worker not in memberships(rw_sessions, tenant_a)


def test_head_removes_a_member_here_only(
    client: TestClient[Any],
    head: Head,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
) -> None:
    worker = create_staff(
        rw_sessions, {tenant_a: ["social_worker"], tenant_b: ["case_manager"]}, full_name="Marija Liepiņa"
    )
    token = token_for(client, head)

    answer = client.post(f"/admin/staff/{worker}/remove", data={"_csrf_token": token}, headers=HX)

    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<section id="staff-table"')
    assert "Marija Liepiņa" not in answer.text
    assert "Noņemts no pašvaldības darbiniekiem" in answer.text
    assert worker not in memberships(rw_sessions, tenant_a)
    assert memberships(rw_sessions, tenant_b)[worker] == ["case_manager"]
    with rw_sessions() as s:
        assert s.get(User, worker) is not None  # the account stays
    entry = change(rw_sessions, tenant_a, "admin:membership:revoke")
    assert entry.actor_user_id == head.user_id
    assert entry.before == {"user_id": str(worker), "roles": ["social_worker"]} and entry.after is None

    again = client.post(f"/admin/staff/{worker}/remove", data={"_csrf_token": token}, headers=HX)
    assert again.status_code == 404


def test_a_head_cannot_take_away_their_own_right_to_manage_staff(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    token = token_for(client, head)
    page = client.get("/admin/staff")
    assert f'action="/admin/staff/{head.user_id}/remove"' not in page.text  # no button for oneself

    removed = client.post(f"/admin/staff/{head.user_id}/remove", data={"_csrf_token": token})
    assert removed.status_code == 409
    assert "Jūs nevarat atņemt sev tiesības pārvaldīt darbiniekus" in removed.text

    demoted = client.post(
        f"/admin/staff/{head.user_id}/roles",
        data={"roles": "social_worker", "_csrf_token": token},
        headers=HX,
    )
    assert demoted.status_code == 422
    assert "Jūs nevarat atņemt sev tiesības pārvaldīt darbiniekus" in demoted.text
    assert memberships(rw_sessions, tenant_a)[head.user_id] == ["head_of_service"]

    widened = client.post(
        f"/admin/staff/{head.user_id}/roles",
        data={"roles": ["head_of_service", "auditor"], "_csrf_token": token},
        headers=HX,
    )
    assert widened.status_code == 200
    assert memberships(rw_sessions, tenant_a)[head.user_id] == ["head_of_service", "auditor"]


def test_staff_of_another_municipality_are_not_found(
    client: TestClient[Any],
    head: Head,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
) -> None:
    foreign = create_staff(rw_sessions, {tenant_b: ["social_worker"]}, full_name="Svešs Darbinieks")
    token = token_for(client, head)

    for target in (foreign, uuid.uuid4()):
        assert client.get(f"/admin/staff/{target}", headers=HX).status_code == 404
        assert client.get(f"/admin/staff/{target}/roles").status_code == 404
        changed = client.post(
            f"/admin/staff/{target}/roles", data={"roles": "auditor", "_csrf_token": token}, headers=HX
        )
        assert changed.status_code == 404
        removed = client.post(f"/admin/staff/{target}/remove", data={"_csrf_token": token}, headers=HX)
        assert removed.status_code == 404
    assert memberships(rw_sessions, tenant_b) == {foreign: ["social_worker"]}
    assert foreign not in memberships(rw_sessions, tenant_a)


def test_a_social_worker_may_not_administer_staff(
    client: TestClient[Any], social_worker: str, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    sign_in(client, social_worker)
    home = client.get("/")
    assert "/admin/staff" not in home.text
    token = csrf_from(home.text)
    worker = next(iter(memberships(rw_sessions, tenant_a)))

    assert client.get("/admin/staff").status_code == 403
    assert client.get("/admin/staff/new").status_code == 403
    assert client.post("/admin/staff", data=new_member(token)).status_code == 403
    assert client.post(f"/admin/staff/{worker}/remove", data={"_csrf_token": token}).status_code == 403
    assert memberships(rw_sessions, tenant_a) == {worker: ["social_worker"]}


def test_the_acts_themselves_check_the_permission() -> None:
    """Routes are guarded, but another caller (the API, a script) reaches the service directly."""
    worker = Actor(
        user_id=uuid.uuid4(), username="sw", full_name="Līga", tenant_id=uuid.uuid4(), tenant_name="Ādaži"
    )
    with pytest.raises(Forbidden):
        asyncio.run(
            add_staff_member(
                cast(AsyncSession, None),
                worker,
                username="jauns",
                full_name="Jauns",
                email="j@adazi.lv",
                roles=["social_worker"],
            )
        )


def test_changes_need_the_csrf_token(
    client: TestClient[Any], head: Head, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    token = token_for(client, head)
    form = new_member(token)
    del form["_csrf_token"]

    refused = client.post("/admin/staff", data=form, headers=HX)
    assert refused.status_code == 403
    assert user_named(rw_sessions, form["username"]) is None
    forged = client.post(f"/admin/staff/{head.user_id}/remove", data={"_csrf_token": "forged"})
    assert forged.status_code == 403

    # htmx sends the token in a header (set once on <body>), not in the form.
    accepted = client.post("/admin/staff", data=form, headers={**HX, "x-csrftoken": token})
    assert accepted.status_code == 200 and user_named(rw_sessions, form["username"]) is not None
