"""From a decision in the browser to the client's phone and mailbox: the officer records the client's
consent to e-mail and text messages on the contact tab, receives, assesses and decides a GMI application;
the outbox relay and a real Dramatiq worker (real Redis) deliver the notice to a real SMTP server and the
SMS gateway simulator; the head of service sees both as sent in the delivery log, and the officer's inbox
tells that the decision's PDF is ready."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_session_factory, sync_tenant_uow
from app.devservers import free_port
from app.domains.people.models import Person
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.e2e.test_decisions_browser import household_ground, receive_and_assess
from tests.factories.staff import PASSWORD, create_staff
from tests.integration.workers.conftest import SmtpSink, private_broker
from tests.integration.workers.notification_helpers import delivery_deps
from workers.broker import NOTIFICATIONS, PDF
from workers.channels.sms import SmsSimulator
from workers.main import start_worker
from workers.relay import relay_once

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]


@pytest.fixture
def maint_sessions(maint_engine: Engine) -> sessionmaker[Session]:
    """The relay's sessions; rows other tests left pending are not ours to send."""
    with maint_engine.begin() as conn:
        conn.execute(text("UPDATE app.outbox SET dispatched_at = now() WHERE dispatched_at IS NULL"))
    return sync_session_factory(maint_engine)


def record_consent(page: Page, person: uuid.UUID) -> None:
    page.goto(f"/persons/{person}/contact")
    page.get_by_label("E-pasts").check()
    page.get_by_label("Īsziņa").check()
    page.get_by_label("Piekrišana dota").check()
    page.get_by_label("Piekrišanas vai tās atsaukuma diena").fill(dt.date.today().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Saglabāt").click()
    expect(page.locator("#status")).to_contain_text("Saglabāts")


def decide(page: Page, ground: dict[str, Any]) -> str:
    receive_and_assess(page, ground)
    page.get_by_test_id("open-decision").click()
    dialog = page.locator("#decide-dialog")
    dialog.get_by_label("Pamatojums").fill("Ienākumi nepārsniedz GMI slieksni (MK 809).")
    dialog.get_by_role("button", name="Reģistrēt lēmumu").click()
    decision = page.get_by_test_id("decision")
    expect(decision).to_contain_text("LEM-")
    number = re.search(r"PA-\d{4}/\d{5}", page.locator("h1").inner_text())
    assert number is not None
    return number.group(0)


def test_a_decision_in_the_browser_reaches_the_clients_mailbox_and_phone(
    new_page: NewPage,
    settings: Settings,
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    ground = household_ground(rw_sessions, tenant_a)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.execute(
            update(Person)
            .where(Person.id == ground["janis"])
            .values(email="janis.berzins@pasts.lv", phone="29 123 456")
        )
    head_name = f"head-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=head_name, full_name="Dace Kļaviņa")

    officer = new_page("lv-LV")
    sign_in(officer, ground["worker"])
    record_consent(officer, ground["janis"])
    application_number = decide(officer, ground)

    smtp, sms = SmtpSink(free_port()).start(), SmsSimulator().start()
    try:
        deps = delivery_deps(settings, rw_sessions, smtp.port, sms=sms)
        with private_broker(settings.redis_url, deps) as broker:
            # "received" and "decided", each by e-mail and SMS, and the PDF to render.
            assert relay_once(maint_sessions, broker) == 5
            worker = start_worker(broker, threads=2, worker_timeout=100)
            try:
                broker.join(PDF, timeout=60_000)
                broker.join(NOTIFICATIONS, timeout=30_000)
                worker.join()
            finally:
                worker.stop()
    finally:
        smtp.stop()
        sms.stop()

    subjects = sorted(str(m["Subject"]) for m in smtp.received)
    assert subjects == [
        f"Iesniegums Nr. {application_number} saņemts",
        f"Lēmums par iesniegumu Nr. {application_number}",
    ]
    assert {str(m["To"]) for m in smtp.received} == {"janis.berzins@pasts.lv"}
    decided_mail = next(m for m in smtp.received if str(m["Subject"]).startswith("Lēmums"))
    body = decided_mail.get_body(("plain",))
    assert body is not None and "Labdien, Jānis Bērziņš!" in body.get_content()
    assert [m.to for m in sms.messages] == ["+37129123456", "+37129123456"]
    assert any(application_number in m.text and "lēmums" in m.text for m in sms.messages)

    head = new_page("lv-LV")
    sign_in(head, Worker(head_name, PASSWORD, "Dace Kļaviņa", ground["worker"].municipality))
    head.goto("/admin/notifications?event=application_decided")
    rows = head.locator("tbody tr[id^=message-]")
    expect(rows).to_have_count(2)
    for channel in ("E-pasts", "Īsziņa"):
        expect(rows.filter(has_text=channel)).to_contain_text("Nosūtīts")

    officer.goto("/inbox")
    expect(officer.locator("main")).to_contain_text("Lēmums Nr. LEM-")
    expect(officer.locator("main")).to_contain_text("ir sagatavots")
