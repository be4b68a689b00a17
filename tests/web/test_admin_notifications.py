"""The delivery log page (head of service): messages with their attempts and last error in Latvian,
filters, keyset pages, "Retry" (CSRF, HTMX and plain), unusable contacts, permissions, other
municipalities, bad input."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.notifications.channels import PROVIDER_UNAVAILABLE
from app.notifications.labels import RETRIES_EXHAUSTED as GAVE_UP
from app.notifications.models import NotificationMessage, OutboxMessage
from tests.factories.notifications import add_contact, message_row, queue, received_variables
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true", "HX-Target": "results"}
PATH = "/admin/notifications"
BROKEN = received_variables(answer_by=None)  # a template variable missing


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr id="message-([0-9a-f-]{36})"', html)


def _next(html: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next"', html)
    return unquote(match.group(1).replace("&amp;", "&")) if match else None


def _set(sessions: sessionmaker[Session], tenant: uuid.UUID, message_id: uuid.UUID, **values: Any) -> None:
    with sync_tenant_uow(sessions, tenant) as s:
        s.execute(update(NotificationMessage).where(NotificationMessage.id == message_id).values(**values))


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> str:
    username = f"head-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Anita Ozola")
    return username


@pytest.fixture
def log(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> dict[str, uuid.UUID]:
    """A sent, a failed, a given-up, an unusable and a broken message in A; one message in B."""
    person = add_contact(rw_sessions, tenant_a, phone="67 000 000")
    ids = {
        "sent": queue(rw_sessions, tenant_a, person_id=person),
        "failed": queue(rw_sessions, tenant_a, address="otrs@example.lv"),
        "given_up": queue(rw_sessions, tenant_a, channel="sms", address="29123456"),
        "unusable": queue(rw_sessions, tenant_a, channel="sms", person_id=person),
        "broken": queue(
            rw_sessions, tenant_a, address="a@example.lv", variables=received_variables(answer_by=None)
        ),
        "foreign": queue(rw_sessions, tenant_b, address="svesais@example.lv"),
    }
    _set(rw_sessions, tenant_a, ids["sent"], status="sent", attempts=1, sent_at=func.now())
    _set(
        rw_sessions,
        tenant_a,
        ids["failed"],
        status="failed",
        attempts=2,
        last_error=PROVIDER_UNAVAILABLE,
        last_error_detail="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    _set(
        rw_sessions,
        tenant_a,
        ids["given_up"],
        status="given_up",
        attempts=11,
        last_error=GAVE_UP,
    )
    return ids


def test_the_head_of_service_sees_the_municipalitys_messages_in_latvian(client, head, log) -> None:
    sign_in(client, head)

    page = client.get(PATH)

    assert page.status_code == 200
    html = page.text
    assert 'href="/admin/notifications" aria-current="page">Piegādes žurnāls</a>' in html
    shown = _ids(html)
    assert sorted(shown) == sorted(str(log[k]) for k in ("sent", "failed", "given_up", "unusable", "broken"))
    assert str(log["foreign"]) not in html
    # The reasons, translated, and the provider's words as they came.
    assert "Piegādes pakalpojums pašlaik nav pieejams; sūtīšana tiks atkārtota." in html
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in html
    assert "Piegāde neizdevās pārāk daudz reižu, tāpēc tā tika pārtraukta." in html
    assert "Paziņojumu neizdevās sastādīt no veidnes; nekas netika nosūtīts." in html
    # "Retry" only where something can be sent again: the failed and the given-up message.
    retry_ids = re.findall(r'action="/admin/notifications/([0-9a-f-]{36})/retry"', html)
    assert sorted(retry_ids) == sorted([str(log["failed"]), str(log["given_up"])])
    # The unusable contact, with its reason for staff.
    section = html[html.index('id="problems-heading"') :]
    assert (
        "67 000 000" in section
        and "Tas ir fiksētā tīkla tālruņa numurs – uz to nevar nosūtīt īsziņas." in section
    )


def test_filters_answer_the_results_fragment_and_refuse_unknown_values(client, head, log) -> None:
    sign_in(client, head)

    sms = client.get(f"{PATH}?channel=sms&status=", headers=HX)
    given_up = client.get(f"{PATH}?status=given_up")
    bad = client.get(f"{PATH}?status=lost&channel=fax", headers=HX)

    assert sms.status_code == 200 and "<h1" not in sms.text
    assert sorted(_ids(sms.text)) == sorted([str(log["given_up"]), str(log["unusable"])])
    assert sms.headers.get("hx-push-url", "").endswith("/admin/notifications?channel=sms")
    assert _ids(given_up.text) == [str(log["given_up"])]
    assert bad.status_code == 422
    assert "Izvēlieties statusu no saraksta." in bad.text and "Izvēlieties kanālu no saraksta." in bad.text
    assert _ids(bad.text) == []


def test_pages_walk_every_message_once_newest_first(client, head, rw_sessions, tenant_a) -> None:
    ids = [queue(rw_sessions, tenant_a, address=f"k{n}@example.lv") for n in range(57)]
    sign_in(client, head)

    first = client.get(PATH)
    second_url = _next(first.text)
    assert second_url is not None
    second = client.get(second_url, headers=HX)

    assert len(_ids(first.text)) == 50 and len(_ids(second.text)) == 7
    assert _ids(first.text) + _ids(second.text) == [str(i) for i in reversed(ids)]
    assert _next(second.text) is None
    assert _ids(client.get(f"{PATH}?after=not-a-cursor").text) == _ids(first.text)


def test_retry_with_htmx_swaps_the_row_and_queues_a_new_outbox_message(
    client, head, log, rw_sessions, tenant_a
) -> None:
    sign_in(client, head)
    token = csrf_from(client.get(PATH).text)
    before = message_row(rw_sessions, tenant_a, log["given_up"]).outbox_id

    answer = client.post(
        f"{PATH}/{log['given_up']}/retry", data={"_csrf_token": token}, headers={"HX-Request": "true"}
    )

    assert answer.status_code == 200
    assert f'<tr id="message-{log["given_up"]}"' in answer.text and "Rindā" in answer.text
    assert f"/{log['given_up']}/retry" not in answer.text  # queued: no second "Retry"
    assert 'hx-swap-oob="innerHTML">Ziņojums ievietots rindā atkārtotai sūtīšanai.' in answer.text
    row = message_row(rw_sessions, tenant_a, log["given_up"])
    assert row.status == "queued" and row.outbox_id not in (None, before)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.get(OutboxMessage, (tenant_a, row.outbox_id)) is not None
        actions = s.scalars(select(ChangeLog.action).where(ChangeLog.entity_id == log["given_up"])).all()
    assert actions == ["notifications:message:retry"]


def test_retry_without_javascript_redirects_and_bad_retries_are_refused(
    client, head, log, rw_sessions, tenant_a
) -> None:
    sign_in(client, head)
    token = csrf_from(client.get(PATH).text)

    plain = client.post(f"{PATH}/{log['failed']}/retry", data={"_csrf_token": token}, follow_redirects=False)
    no_token = client.post(f"{PATH}/{log['given_up']}/retry", data={}, follow_redirects=False)
    again = client.post(
        f"{PATH}/{log['failed']}/retry", data={"_csrf_token": token}, headers={"HX-Request": "true"}
    )
    broken = client.post(f"{PATH}/{log['broken']}/retry", data={"_csrf_token": token})
    foreign = client.post(f"{PATH}/{log['foreign']}/retry", data={"_csrf_token": token})
    junk = client.post(f"{PATH}/not-an-id/retry", data={"_csrf_token": token})

    assert (plain.status_code, plain.headers["location"]) == (303, PATH)
    assert message_row(rw_sessions, tenant_a, log["failed"]).status == "queued"
    assert no_token.status_code == 403
    assert message_row(rw_sessions, tenant_a, log["given_up"]).status == "given_up"
    assert again.status_code == 409 and again.headers["hx-retarget"] == "#status"
    assert "Atkārtoti nosūtīt var tikai" in again.text
    assert broken.status_code == 409
    assert foreign.status_code == 404
    assert junk.status_code == 404


def test_other_roles_get_neither_the_page_nor_the_link_nor_the_retry(
    client, rw_sessions, tenant_a, log
) -> None:
    username = f"sw-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["social_worker"]}, username=username)
    sign_in(client, username)
    home = client.get("/")
    token = csrf_from(home.text)

    assert "/admin/notifications" not in home.text
    assert client.get(PATH).status_code == 403
    assert client.post(f"{PATH}/{log['failed']}/retry", data={"_csrf_token": token}).status_code == 403
    assert message_row(rw_sessions, tenant_a, log["failed"]).status == "failed"


def test_the_page_in_english(client, head, log) -> None:
    sign_in(client, head)
    token = csrf_from(client.get(PATH).text)
    client.post("/language", data={"lang": "en", "next": PATH, "_csrf_token": token})

    html = client.get(PATH).text

    assert '<h1 id="log-heading">Delivery log</h1>' in html
    assert "The delivery service is unavailable at the moment; sending will be retried." in html
    assert "Unusable contacts" in html
