"""The delivery log in a real browser: filters and "Retry" through htmx under the Content-Security-Policy,
no WCAG A/AA violations; with SCREENSHOTS=1 the pages in Latvian and English are saved."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy import func, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.notifications.channels import PROVIDER_UNAVAILABLE
from app.notifications.labels import RETRIES_EXHAUSTED
from app.notifications.models import NotificationMessage
from tests.e2e.support import NewPage, Worker, axe_violations, describe, sign_in
from tests.factories.notifications import add_contact, message_row, queue, received_variables
from tests.factories.staff import PASSWORD, create_staff

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "screenshots"))  # /screenshots/ is git-ignored


def _set(sessions: sessionmaker[Session], tenant: uuid.UUID, message_id: uuid.UUID, **values: Any) -> None:
    with sync_tenant_uow(sessions, tenant) as s:
        s.execute(update(NotificationMessage).where(NotificationMessage.id == message_id).values(**values))


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Worker:
    username = f"head-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Dace Kļaviņa")
    return Worker(username=username, password=PASSWORD, full_name="Dace Kļaviņa", municipality="Ādažu novads")


@pytest.fixture
def log(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, uuid.UUID]:
    girts = add_contact(rw_sessions, tenant_a, phone="29 123 456", personal_code="32123456789")
    anna = add_contact(rw_sessions, tenant_a, first="Anna", last="Liepiņa", email="anna@", phone="67 000 000")
    ids = {
        "sent_email": queue(rw_sessions, tenant_a, person_id=girts),
        "sent_sms": queue(rw_sessions, tenant_a, channel="sms", person_id=girts),
        "queued": queue(rw_sessions, tenant_a, channel="eaddress", person_id=girts),
        "failed": queue(
            rw_sessions, tenant_a, event="application_decided", variables=_decided(), person_id=girts
        ),
        "given_up": queue(rw_sessions, tenant_a, channel="sms", address="20000000", language="en"),
        "unusable_email": queue(rw_sessions, tenant_a, person_id=anna),
        "unusable_sms": queue(rw_sessions, tenant_a, channel="sms", person_id=anna),
        "broken": queue(
            rw_sessions, tenant_a, address="a@example.lv", variables=received_variables(answer_by=None)
        ),
    }
    for key in ("sent_email", "sent_sms"):
        _set(
            rw_sessions,
            tenant_a,
            ids[key],
            status="sent",
            attempts=1,
            sent_at=func.now(),
            last_attempt_at=func.now(),
        )
    _set(
        rw_sessions,
        tenant_a,
        ids["failed"],
        status="failed",
        attempts=2,
        last_attempt_at=func.now(),
        last_error=PROVIDER_UNAVAILABLE,
        last_error_detail="SMTP 421: 4.7.0 Try again later",
    )
    _set(
        rw_sessions,
        tenant_a,
        ids["given_up"],
        status="given_up",
        attempts=11,
        last_attempt_at=func.now(),
        last_error=RETRIES_EXHAUSTED,
        last_error_detail='11 attempts; kept in the dead-letter queue. Last: HTTP 503: {"error": "busy"}',
    )
    return ids


def _decided() -> dict[str, Any]:
    import datetime as dt

    return {
        **received_variables(),
        "decision_number": "L-2026/00017",
        "decided_on": dt.date(2026, 3, 20),
        "appeal_by": dt.date(2026, 4, 20),
    }


def _shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"notifications-{name}.png"), full_page=True, animations="disabled")


def test_the_head_of_service_filters_the_log_and_sends_a_given_up_message_again(
    new_page: NewPage,
    head: Worker,
    log: dict[str, uuid.UUID],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    page = new_page("lv-LV")
    sign_in(page, head)
    page.get_by_role("link", name="Piegādes žurnāls").click()
    page.wait_for_url("**/admin/notifications")
    assert page.locator("tbody tr[id^=message-]").count() == len(log)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    _shot(page, "1-log-lv")

    page.locator("#f-channel").select_option("sms")
    page.wait_for_url("**/admin/notifications?channel=sms")
    page.locator("#results-summary", has_text="3").wait_for()
    assert page.locator("tbody tr[id^=message-]").count() == 3
    _shot(page, "2-filtered-sms-lv")

    row = page.locator(f"#message-{log['given_up']}")
    row.get_by_role("button", name="Sūtīt vēlreiz").click()
    page.locator("#status", has_text="Ziņojums ievietots rindā atkārtotai sūtīšanai.").wait_for()
    row.locator(".tag", has_text="Rindā").wait_for()
    assert row.get_by_role("button").count() == 0
    assert message_row(rw_sessions, tenant_a, log["given_up"]).status == "queued"
    _shot(page, "3-retried-lv")

    english = new_page("en-GB")
    sign_in(english, head)
    english.locator("button[lang=en]").click()
    english.goto("/admin/notifications")
    english.get_by_role("heading", name="Delivery log").wait_for()
    _shot(english, "4-log-en")
