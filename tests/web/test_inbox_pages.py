"""The staff inbox: only one's own notices, unread first, a keyset page at a time; mark one or all read
(CSRF, htmx with the badge out of band, or a plain form); opening a notice goes to its record; the badge
in the header on every page and its tiny fragment; the staff member's e-mail settings."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.db import sync_tenant_uow
from app.notifications.inbox import add_inbox_item_sync
from app.notifications.inbox_models import InboxItem
from app.notifications.preference_models import StaffNotificationSetting
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}


@pytest.fixture
def users(rw_sessions, tenant_a, tenant_b) -> dict[str, dict[str, Any]]:
    found = {}
    for key, tenants in {
        "liga": {tenant_a: ["social_worker"]},
        "juris": {tenant_a: ["social_worker"]},
        "two": {tenant_a: ["social_worker"], tenant_b: ["social_worker"]},
    }.items():
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        found[key] = {"username": username, "id": create_staff(rw_sessions, tenants, username=username)}
    return found


def add(
    rw_sessions, tenant: uuid.UUID, user: uuid.UUID, title: str, *, read: bool = False, **kw: Any
) -> uuid.UUID:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        add_inbox_item_sync(
            s,
            user_id=user,
            event=kw.pop("event", "decision_pdf_ready"),
            title=title,
            params=kw.pop("params", {}),
            link=kw.pop("link", "/cases"),
            dedup_key=kw.pop("dedup_key", None),
        )
        item = s.scalars(
            select(InboxItem).where(InboxItem.user_id == user).order_by(InboxItem.id.desc())
        ).first()
        assert item is not None
        if read:
            item.read_at = item.created_at
        return item.id


def as_(client: Any, users: dict[str, Any], who: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, users[who]["username"]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def ids(html: str) -> list[str]:
    return re.findall(r'<tr id="inbox-item-([0-9a-f-]{36})"', html)


def unread_in(html: str) -> int:
    match = re.search(r'id="inbox-badge"[^>]*data-unread="(\d+)"', html)
    assert match, "no badge"
    return int(match.group(1))


def test_own_notices_unread_first_and_the_badge(client, rw_sessions, tenant_a, users) -> None:
    liga = users["liga"]["id"]
    old_unread = add(
        rw_sessions,
        tenant_a,
        liga,
        "Decision No. %(decision_number)s is ready",
        params={"decision_number": "LEM-1"},
    )
    read = add(rw_sessions, tenant_a, liga, "Data-control alert", read=True)
    new_unread = add(rw_sessions, tenant_a, liga, "Data-control alert", event="data_control_alert")
    add(rw_sessions, tenant_a, users["juris"]["id"], "Data-control alert")  # someone else's
    as_(client, users, "liga")
    page = client.get("/inbox")
    assert page.status_code == 200
    assert ids(page.text) == [str(new_unread), str(old_unread), str(read)]
    assert "Lēmums Nr. LEM-1 ir sagatavots" in page.text or "LEM-1" in page.text
    home = client.get("/")
    # Every page: the link with the badge that loads itself and polls every 30 s.
    assert re.search(
        r'<a href="/inbox" class="inbox-link"[^>]*>[^<]*'
        r'<span id="inbox-badge"[^>]*hx-trigger="load, every 30s"',
        home.text,
    )
    badge = client.get("/inbox/badge")
    assert badge.status_code == 200 and unread_in(badge.text) == 2
    assert badge.headers["cache-control"] == "no-store" and "<html" not in badge.text
    assert ">2</span>" in badge.text


def test_mark_one_read_with_htmx_updates_the_badge_out_of_band(client, rw_sessions, tenant_a, users) -> None:
    liga = users["liga"]["id"]
    first = add(rw_sessions, tenant_a, liga, "Data-control alert")
    add(rw_sessions, tenant_a, liga, "Data-control alert")
    as_(client, users, "liga")
    answer = client.post(f"/inbox/{first}/read", headers=HX)
    assert answer.status_code == 200
    assert f'<tr id="inbox-item-{first}" class="read"' in answer.text
    assert 'hx-swap-oob="true"' in answer.text and unread_in(answer.text) == 1
    assert unread_in(client.get("/inbox/badge").text) == 1
    # Again: still read, still fine.
    assert client.post(f"/inbox/{first}/read", headers=HX).status_code == 200


def test_another_users_notice_is_not_there(client, rw_sessions, tenant_a, users) -> None:
    theirs = add(rw_sessions, tenant_a, users["juris"]["id"], "Data-control alert")
    as_(client, users, "liga")
    assert client.post(f"/inbox/{theirs}/read", headers=HX).status_code == 404
    assert client.post(f"/inbox/{theirs}/open", follow_redirects=False).status_code == 404
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(InboxItem, (tenant_a, theirs)).read_at is None  # type: ignore[union-attr]


def test_acts_need_the_csrf_token(client, rw_sessions, tenant_a, users) -> None:
    item = add(rw_sessions, tenant_a, users["liga"]["id"], "Data-control alert")
    as_(client, users, "liga")
    client.headers.pop("x-csrftoken")
    assert client.post(f"/inbox/{item}/read").status_code == 403
    assert client.post("/inbox/read-all").status_code == 403


def test_mark_all_read_and_open_without_javascript(client, rw_sessions, tenant_a, users) -> None:
    liga = users["liga"]["id"]
    one = add(rw_sessions, tenant_a, liga, "Data-control alert", link="/cases/x")
    add(rw_sessions, tenant_a, liga, "Data-control alert")
    as_(client, users, "liga")
    token = client.headers.pop("x-csrftoken")
    opened = client.post(f"/inbox/{one}/open", data={"_csrf_token": token}, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/cases/x"
    assert unread_in(client.get("/inbox/badge").text) == 1
    done = client.post("/inbox/read-all", data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/inbox"
    assert unread_in(client.get("/inbox/badge").text) == 0
    assert ">0<" not in client.get("/inbox/badge").text  # nothing shown when nothing is unread


def test_mark_all_read_with_htmx(client, rw_sessions, tenant_a, users) -> None:
    add(rw_sessions, tenant_a, users["liga"]["id"], "Data-control alert")
    as_(client, users, "liga")
    answer = client.post("/inbox/read-all", headers=HX)
    assert answer.status_code == 200 and 'id="inbox-items"' in answer.text
    assert unread_in(answer.text) == 0 and 'id="status" hx-swap-oob' in answer.text


def test_keyset_pages_unread_then_read(client, rw_sessions, tenant_a, users) -> None:
    liga = users["liga"]["id"]
    read = [add(rw_sessions, tenant_a, liga, "Data-control alert", read=True) for _ in range(20)]
    unread = [add(rw_sessions, tenant_a, liga, "Data-control alert") for _ in range(15)]
    as_(client, users, "liga")
    first = client.get("/inbox")
    shown = ids(first.text)
    assert shown == [str(i) for i in reversed(unread)] + [str(i) for i in reversed(read)][:15]
    link = re.search(r'<a href="(/inbox\?after=[^"]+)" rel="next"', first.text)
    assert link
    second = client.get(link.group(1), headers={**HX, "HX-Target": "inbox-items"})
    assert "<html" not in second.text
    assert ids(second.text) == [str(i) for i in reversed(read)][15:]
    assert ids(client.get("/inbox?after=not-a-cursor").text) == shown  # a bad cursor: the first page


def test_the_inbox_is_per_municipality(client, rw_sessions, tenant_a, tenant_b, users) -> None:
    two = users["two"]["id"]
    in_a = add(rw_sessions, tenant_a, two, "Data-control alert")
    in_b = add(rw_sessions, tenant_b, two, "Data-control alert")
    as_(client, users, "two")
    current = client.get("/inbox")
    assert len(ids(current.text)) == 1 and ids(current.text)[0] in (str(in_a), str(in_b))
    other = in_b if ids(current.text)[0] == str(in_a) else in_a
    assert client.post(f"/inbox/{other}/read", headers=HX).status_code == 404


def test_staff_email_settings(client, rw_sessions, tenant_a, users) -> None:
    as_(client, users, "liga")
    page = client.get("/me/notifications")
    assert page.status_code == 200 and 'name="email_events" value="status_expiring"' in page.text
    token = client.headers["x-csrftoken"]
    saved = client.post(
        "/me/notifications",
        data={"_csrf_token": token, "email_events": ["status_expiring", "data_control_alert"]},
        headers=HX,
    )
    assert saved.status_code == 200 and 'id="status" hx-swap-oob' in saved.text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        setting = s.scalar(
            select(StaffNotificationSetting).where(StaffNotificationSetting.user_id == users["liga"]["id"])
        )
    assert setting is not None and setting.email_events == ["status_expiring", "data_control_alert"]
    refused = client.post("/me/notifications", data={"_csrf_token": token, "email_events": ["birthday"]})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        setting = s.scalar(
            select(StaffNotificationSetting).where(StaffNotificationSetting.user_id == users["liga"]["id"])
        )
    assert setting is not None and setting.email_events == ["status_expiring", "data_control_alert"]
