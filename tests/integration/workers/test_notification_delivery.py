"""The delivery log end to end: act → message + outbox → relay → Redis → `deliver_notification` → a real
SMTP server, the SMS gateway simulator over HTTP, the e-address simulator; and what each outcome leaves
on the message row."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from dramatiq import Retry
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_tenant_uow
from app.devservers import free_port
from app.domains.people.models import Person
from app.notifications.channels import PROVIDER_UNAVAILABLE
from app.notifications.labels import MAILBOX_REFUSED, RETRIES_EXHAUSTED
from app.notifications.models import ContactProblem, NotificationMessage
from app.notifications.service import DELIVER_NOTIFICATION
from tests.factories.notifications import NAME, add_contact, message_row, open_problems, queue
from tests.integration.workers.conftest import SmtpSink, drain, private_broker
from tests.integration.workers.notification_helpers import RefusingSink, delivery_deps
from workers.actors.notifications import deliver_notification, notification_given_up
from workers.channels.eaddress import NOT_ACTIVATED, EAddressSimulator
from workers.channels.sms import RECIPIENT_REFUSED, SmsSimulator
from workers.deps import WorkerDeps
from workers.relay import relay_once


@pytest.fixture
def sms() -> Iterator[SmsSimulator]:
    simulator = SmsSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def eaddress() -> EAddressSimulator:
    return EAddressSimulator()


@pytest.fixture
def notify_deps(
    settings: Settings,
    rw_sessions: sessionmaker[Session],
    smtp: SmtpSink,
    sms: SmsSimulator,
    eaddress: EAddressSimulator,
) -> WorkerDeps:
    return delivery_deps(settings, rw_sessions, smtp.port, sms=sms, eaddress=eaddress)


def run(
    deps: WorkerDeps, tenant: uuid.UUID, notification_id: uuid.UUID, outbox_id: uuid.UUID | None = None
) -> str:
    """One run of the actor's function, as the worker calls it; for the message's current outbox message
    unless another is named."""
    if outbox_id is None:
        outbox_id = message_row(deps.sessions, tenant, notification_id).outbox_id
    assert deps.channels is not None and outbox_id is not None
    return deliver_notification(
        deps,
        deps.channels,
        tenant_id=str(tenant),
        message_id=str(outbox_id),
        payload={"notification_id": str(notification_id)},
    )


def test_an_email_sms_and_eaddress_notice_reach_their_servers_through_the_outbox(
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    notify_deps: WorkerDeps,
    settings: Settings,
    smtp: SmtpSink,
    sms: SmsSimulator,
    eaddress: EAddressSimulator,
    tenant_a: uuid.UUID,
) -> None:
    person = add_contact(rw_sessions, tenant_a, phone="29 123 456", personal_code="32123456789")
    ids = {
        ch: queue(rw_sessions, tenant_a, channel=ch, person_id=person) for ch in ("email", "sms", "eaddress")
    }

    with private_broker(settings.redis_url, notify_deps) as broker:
        assert relay_once(maint_sessions, broker) == 3
        drain(broker)

    rows = {ch: message_row(rw_sessions, tenant_a, i) for ch, i in ids.items()}
    assert {ch: (r.status, r.attempts, r.last_error) for ch, r in rows.items()} == {
        ch: ("sent", 1, None) for ch in ids
    }
    assert all(r.sent_at is not None and r.last_attempt_at is not None for r in rows.values())

    [mail] = smtp.received
    assert smtp.outbox_ids() == [rows["email"].outbox_id]
    assert rows["email"].provider_id == mail["Message-ID"]
    assert mail["Subject"] == "Iesniegums Nr. S-2026/00042 saņemts"
    assert mail["To"] == "girts.kenins@example.lv"
    text_part, html_part = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text_part is not None and html_part is not None
    assert f"Labdien, {NAME}!" in text_part.get_content()
    assert f"<p>Labdien, {NAME}!</p>" in html_part.get_content()

    [text_message] = sms.messages
    assert (text_message.to, text_message.key) == ("+37129123456", str(rows["sms"].outbox_id))
    assert text_message.text == rows["sms"].sms_text
    assert rows["sms"].provider_id == text_message.id

    [official] = eaddress.inbox["32123456789"]
    assert official["subject"] == rows["eaddress"].subject and official["html"] == rows["eaddress"].html
    assert official["key"] == str(rows["eaddress"].outbox_id)


def test_the_actor_run_twice_for_one_outbox_message_sends_once(
    rw_sessions: sessionmaker[Session], notify_deps: WorkerDeps, smtp: SmtpSink, tenant_a: uuid.UUID
) -> None:
    message_id = queue(rw_sessions, tenant_a, address="a@example.lv")
    outbox_id = message_row(rw_sessions, tenant_a, message_id).outbox_id

    outcomes = [run(notify_deps, tenant_a, message_id, outbox_id) for _ in range(2)]

    assert outcomes == ["sent", "duplicate"]
    assert smtp.outbox_ids() == [outbox_id]
    assert message_row(rw_sessions, tenant_a, message_id).attempts == 1


def test_a_temporary_failure_is_recorded_then_retried_until_it_is_sent(
    settings: Settings, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    port = free_port()  # nothing listens yet
    deps = delivery_deps(settings, rw_sessions, port)
    message_id = queue(rw_sessions, tenant_a, address="a@example.lv")
    outbox_id = message_row(rw_sessions, tenant_a, message_id).outbox_id

    with pytest.raises(Retry):
        run(deps, tenant_a, message_id, outbox_id)
    failed = message_row(rw_sessions, tenant_a, message_id)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, PROVIDER_UNAVAILABLE)
    assert failed.last_error_detail and "ConnectionRefusedError" in failed.last_error_detail

    sink = SmtpSink(port).start()
    try:
        assert run(deps, tenant_a, message_id, outbox_id) == "sent"  # the claim was rolled back: retried
    finally:
        sink.stop()
    sent = message_row(rw_sessions, tenant_a, message_id)
    assert (sent.status, sent.attempts, sent.last_error, sent.last_error_detail) == ("sent", 2, None, None)
    assert sink.outbox_ids() == [outbox_id]


def test_a_refused_mailbox_is_given_up_at_once_and_becomes_a_contact_problem(
    settings: Settings, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    sink = RefusingSink(free_port(), unknown={"nav.tada@example.lv"}).start()
    try:
        deps = delivery_deps(settings, rw_sessions, sink.port)
        person = add_contact(rw_sessions, tenant_a, email="nav.tada@example.lv")
        message_id = queue(rw_sessions, tenant_a, person_id=person)
        outbox_id = message_row(rw_sessions, tenant_a, message_id).outbox_id

        assert run(deps, tenant_a, message_id, outbox_id) == "given_up"
        assert run(deps, tenant_a, message_id, outbox_id) == "duplicate"  # not retried
    finally:
        sink.stop()

    row = message_row(rw_sessions, tenant_a, message_id)
    assert (row.status, row.attempts, row.last_error) == ("given_up", 1, MAILBOX_REFUSED)
    assert row.last_error_detail and row.last_error_detail.startswith("SMTP 550")
    [problem] = open_problems(rw_sessions, tenant_a)
    assert (problem.person_id, problem.channel, problem.reason) == (person, "email", MAILBOX_REFUSED)
    assert sink.received == []


def test_gateway_refusals_are_given_up_with_the_gateways_reason(
    rw_sessions: sessionmaker[Session],
    notify_deps: WorkerDeps,
    sms: SmsSimulator,
    eaddress: EAddressSimulator,
    tenant_a: uuid.UUID,
) -> None:
    sms.unknown_numbers.add("+37120000000")
    eaddress.activated = set()  # nobody has activated an e-address
    person = add_contact(rw_sessions, tenant_a, phone="20000000", personal_code="32123456789")
    texted = queue(rw_sessions, tenant_a, channel="sms", person_id=person)
    official = queue(rw_sessions, tenant_a, channel="eaddress", person_id=person)

    for message_id in (texted, official):
        assert run(
            notify_deps, tenant_a, message_id, message_row(rw_sessions, tenant_a, message_id).outbox_id
        ) == ("given_up")

    assert message_row(rw_sessions, tenant_a, texted).last_error == RECIPIENT_REFUSED
    assert message_row(rw_sessions, tenant_a, official).last_error == NOT_ACTIVATED
    reasons = sorted((p.channel, p.reason) for p in open_problems(rw_sessions, tenant_a))
    assert reasons == [("eaddress", NOT_ACTIVATED), ("sms", RECIPIENT_REFUSED)]
    assert sms.messages == []


def test_a_busy_gateway_is_a_temporary_failure(
    rw_sessions: sessionmaker[Session], notify_deps: WorkerDeps, sms: SmsSimulator, tenant_a: uuid.UUID
) -> None:
    sms.fail_next(1)
    message_id = queue(rw_sessions, tenant_a, channel="sms", address="29123456")
    outbox_id = message_row(rw_sessions, tenant_a, message_id).outbox_id

    with pytest.raises(Retry):
        run(notify_deps, tenant_a, message_id, outbox_id)
    assert run(notify_deps, tenant_a, message_id, outbox_id) == "sent"
    assert [m.key for m in sms.messages] == [str(outbox_id)]


def test_a_delivery_resolves_the_recipients_open_problems_on_that_channel(
    rw_sessions: sessionmaker[Session], notify_deps: WorkerDeps, tenant_a: uuid.UUID
) -> None:
    person = add_contact(rw_sessions, tenant_a, email="vecs@", phone="67000000")
    queue(rw_sessions, tenant_a, person_id=person)  # unusable e-mail
    queue(rw_sessions, tenant_a, channel="sms", person_id=person)  # landline
    assert len(open_problems(rw_sessions, tenant_a)) == 2
    with sync_tenant_uow(rw_sessions, tenant_a) as s:  # the person's e-mail corrected
        s.execute(update(Person).where(Person.id == person).values(email="jauns@example.lv"))
    message_id = queue(rw_sessions, tenant_a, person_id=person)

    assert (
        run(notify_deps, tenant_a, message_id, message_row(rw_sessions, tenant_a, message_id).outbox_id)
        == "sent"
    )

    [left] = open_problems(rw_sessions, tenant_a)
    assert left.channel == "sms"
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        resolved = s.scalars(select(ContactProblem).where(ContactProblem.resolved_at.is_not(None))).all()
    assert [(p.channel, p.address) for p in resolved] == [("email", "vecs@")]


def test_an_older_outbox_message_does_nothing_once_the_message_was_handed_to_a_newer_one(
    rw_sessions: sessionmaker[Session], notify_deps: WorkerDeps, smtp: SmtpSink, tenant_a: uuid.UUID
) -> None:
    message_id = queue(rw_sessions, tenant_a, address="a@example.lv")
    old_outbox = message_row(rw_sessions, tenant_a, message_id).outbox_id
    with sync_tenant_uow(rw_sessions, tenant_a) as s:  # what "Retry" does to the row
        s.execute(
            update(NotificationMessage)
            .where(NotificationMessage.id == message_id)
            .values(status="failed", outbox_id=uuid.uuid4())
        )

    assert run(notify_deps, tenant_a, message_id, old_outbox) == "superseded"
    assert smtp.received == []


def test_the_retries_exhausted_hook_gives_the_message_up_once(
    rw_sessions: sessionmaker[Session], notify_deps: WorkerDeps, maint_engine: Engine, tenant_a: uuid.UUID
) -> None:
    message_id = queue(rw_sessions, tenant_a, address="a@example.lv")
    outbox_id = message_row(rw_sessions, tenant_a, message_id).outbox_id
    data = {
        "actor_name": DELIVER_NOTIFICATION,
        "kwargs": {
            "tenant_id": str(tenant_a),
            "message_id": str(outbox_id),
            "payload": {"notification_id": str(message_id)},
        },
    }

    assert notification_given_up(notify_deps, data, {"retries": 10, "max_retries": 10}) is True
    assert notification_given_up(notify_deps, data, {"retries": 10, "max_retries": 10}) is False

    row = message_row(rw_sessions, tenant_a, message_id)
    assert (row.status, row.last_error) == ("given_up", RETRIES_EXHAUSTED)
    assert row.last_error_detail and row.last_error_detail.startswith("11 attempts")
