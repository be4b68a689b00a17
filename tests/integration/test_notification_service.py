"""Queueing notifications against the real database (as app_rw, under RLS): what is stored for a good
address, an unusable one and a broken template; the outbox row in the caller's transaction; "Retry"."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import ChangeLog
from app.auth.models import User
from app.db import sync_tenant_uow
from app.errors import Conflict, Forbidden, NotFound
from app.notifications.addresses import EMAIL_INVALID, EMAIL_MISSING, PHONE_LANDLINE
from app.notifications.labels import EADDRESS_INVALID, TEMPLATE_FAILED
from app.notifications.models import ContactProblem, NotificationMessage, OutboxMessage
from app.notifications.service import (
    DELIVER_NOTIFICATION,
    queue_message,
    queue_message_sync,
    retry_message,
)
from tests.factories.cases import actor_for, run_act
from tests.factories.notifications import (
    NAME,
    add_contact,
    message_row,
    open_problems,
    queue,
    received_variables,
)
from tests.factories.staff import create_staff


def outbox_rows(rw_sessions: Any, tenant: uuid.UUID) -> list[OutboxMessage]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at)))
        for row in rows:
            s.expunge(row)
        return rows


def test_a_good_address_is_rendered_stored_and_queued_in_the_callers_transaction(
    settings, rw_sessions, tenant_a
) -> None:
    person = add_contact(rw_sessions, tenant_a, email=" Girts.Kenins@Example.LV ")

    async def act(session: AsyncSession) -> uuid.UUID:
        message = await queue_message(
            session,
            event="application_received",
            channel="email",
            language="lv",
            variables=received_variables(),
            person_id=person,
            link="/applications/1",
        )
        return message.id

    message_id = run_act(settings, tenant_a, act)

    row = message_row(rw_sessions, tenant_a, message_id)
    assert (row.status, row.attempts, row.last_error) == ("queued", 0, None)
    assert row.address == "Girts.Kenins@example.lv"  # the domain lower-cased, the mailbox as written
    assert row.subject == "Iesniegums Nr. S-2026/00042 saņemts"
    assert row.text is not None and f"Labdien, {NAME}!" in row.text and "01.04.2026" in row.text
    assert row.html is not None and row.html.startswith("<p>Labdien, Ģirts Ķēniņš!</p>")
    assert row.sms_text and "S-2026/00042" in row.sms_text
    assert row.link == "/applications/1"
    [outbox] = outbox_rows(rw_sessions, tenant_a)
    assert outbox.actor == DELIVER_NOTIFICATION
    assert outbox.payload == {"notification_id": str(message_id)}
    assert row.outbox_id == outbox.id
    assert open_problems(rw_sessions, tenant_a) == []


def test_nothing_is_left_when_the_callers_act_rolls_back(rw_sessions, tenant_a) -> None:
    person = add_contact(rw_sessions, tenant_a, email="bad@")
    with pytest.raises(RuntimeError, match="the act failed"), sync_tenant_uow(rw_sessions, tenant_a) as s:
        queue_message_sync(
            s, event="application_received", channel="email", language="lv", variables=received_variables()
        )
        queue_message_sync(
            s,
            event="application_received",
            channel="email",
            language="lv",
            variables=received_variables(),
            person_id=person,
        )
        s.flush()
        raise RuntimeError("the act failed")
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        for model in (NotificationMessage, ContactProblem, OutboxMessage):
            assert s.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize(
    ("email", "reason"),
    [("anna@@example.lv", EMAIL_INVALID), (None, EMAIL_MISSING), ("  ", EMAIL_MISSING)],
)
def test_an_unusable_email_is_stored_as_such_with_a_contact_problem_and_nothing_queued(
    rw_sessions, tenant_a, email: str | None, reason: str
) -> None:
    person = add_contact(rw_sessions, tenant_a, email=email)

    message_id = queue(rw_sessions, tenant_a, person_id=person)

    row = message_row(rw_sessions, tenant_a, message_id)
    assert (row.status, row.last_error, row.outbox_id) == ("unusable", reason, None)
    assert row.text is not None  # what would have been sent stays readable in the log
    assert outbox_rows(rw_sessions, tenant_a) == []
    [problem] = open_problems(rw_sessions, tenant_a)
    assert (problem.person_id, problem.channel, problem.reason) == (person, "email", reason)
    assert problem.address == (email.strip() or None if email else None)


def test_any_text_given_as_an_address_is_stored_cleaned_and_shortened(rw_sessions, tenant_a) -> None:
    message_id = queue(rw_sessions, tenant_a, address="x\x00y@example.lv" + "ā" * 100_000)

    row = message_row(rw_sessions, tenant_a, message_id)
    assert (row.status, row.last_error) == ("unusable", EMAIL_INVALID)
    assert row.address is not None and row.address.startswith("xy@example.lv") and len(row.address) == 320


def test_the_same_unusable_contact_found_again_stays_one_problem(rw_sessions, tenant_a) -> None:
    person = add_contact(rw_sessions, tenant_a, phone="67 123 456")

    for _ in range(3):
        queue(rw_sessions, tenant_a, channel="sms", person_id=person)

    [problem] = open_problems(rw_sessions, tenant_a)
    assert (problem.channel, problem.address, problem.reason) == ("sms", "67 123 456", PHONE_LANDLINE)
    assert problem.last_seen_at >= problem.found_at
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        statuses = s.scalars(select(NotificationMessage.status)).all()
    assert statuses == ["unusable"] * 3


def test_sms_and_eaddress_take_the_persons_phone_and_personal_code(rw_sessions, tenant_a) -> None:
    person = add_contact(rw_sessions, tenant_a, phone="+371 2912-3456", personal_code="32123456789")

    sms = message_row(rw_sessions, tenant_a, queue(rw_sessions, tenant_a, channel="sms", person_id=person))
    official = message_row(
        rw_sessions, tenant_a, queue(rw_sessions, tenant_a, channel="eaddress", person_id=person)
    )

    assert (sms.status, sms.address) == ("queued", "+37129123456")
    assert (official.status, official.address) == ("queued", "32123456789")
    assert len(outbox_rows(rw_sessions, tenant_a)) == 2


def test_an_explicit_address_wins_and_a_bad_personal_code_is_unusable(rw_sessions, tenant_a) -> None:
    row = message_row(
        rw_sessions, tenant_a, queue(rw_sessions, tenant_a, channel="eaddress", address="123456-00000")
    )
    assert (row.status, row.last_error) == ("unusable", EADDRESS_INVALID)


def test_a_staff_members_email_is_read_from_their_account(rw_sessions, tenant_a) -> None:
    user = create_staff(rw_sessions, {tenant_a: ["social_worker"]})
    with sync_tenant_uow(rw_sessions, None) as s:
        s.execute(update(User).where(User.id == user).values(email="ilze.berzina@adazi.lv"))

    row = message_row(rw_sessions, tenant_a, queue(rw_sessions, tenant_a, user_id=user, language="en"))

    assert (row.status, row.address, row.user_id, row.language) == (
        "queued",
        "ilze.berzina@adazi.lv",
        user,
        "en",
    )
    assert row.subject == "Application No. S-2026/00042 received"


@pytest.mark.parametrize(
    ("event", "variables", "mentioned"),
    [
        ("application_received", received_variables(answer_by=None), "answer_by"),
        ("application_received", received_variables(received_on="vakar"), "received_on"),
        ("no_such_event", {}, "no_such_event"),
    ],
)
def test_a_template_that_cannot_be_filled_is_stored_failed_without_content_and_not_queued(
    rw_sessions, tenant_a, event: str, variables: dict[str, Any], mentioned: str
) -> None:
    person = add_contact(rw_sessions, tenant_a)

    row = message_row(
        rw_sessions,
        tenant_a,
        queue(rw_sessions, tenant_a, event=event, variables=variables, person_id=person),
    )

    assert (row.status, row.last_error, row.outbox_id) == ("failed", TEMPLATE_FAILED, None)
    assert row.last_error_detail is not None and mentioned in row.last_error_detail
    assert (row.subject, row.text, row.html, row.sms_text) == (None, None, None, None)
    assert outbox_rows(rw_sessions, tenant_a) == []


def test_an_unknown_channel_is_a_programming_error(rw_sessions, tenant_a) -> None:
    with pytest.raises(ValueError, match="fax"), sync_tenant_uow(rw_sessions, tenant_a) as s:
        queue_message_sync(s, event="application_received", channel="fax", language="lv", variables={})


def test_an_unknown_language_falls_back_to_latvian(rw_sessions, tenant_a) -> None:
    row = message_row(
        rw_sessions, tenant_a, queue(rw_sessions, tenant_a, address="a@example.lv", language="de")
    )
    assert row.language == "lv" and row.subject == "Iesniegums Nr. S-2026/00042 saņemts"


# --- retry ------------------------------------------------------------------------------------------------


def _set_status(rw_sessions: Any, tenant: uuid.UUID, message_id: uuid.UUID, **values: Any) -> None:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        row = s.get(NotificationMessage, (tenant, message_id))
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)


def test_retry_queues_a_failed_message_again_with_a_new_outbox_message_and_audits_it(
    settings, rw_sessions, tenant_a
) -> None:
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]})
    message_id = queue(rw_sessions, tenant_a, address="a@example.lv")
    first_outbox = message_row(rw_sessions, tenant_a, message_id).outbox_id
    _set_status(rw_sessions, tenant_a, message_id, status="given_up", attempts=11, last_error="x")

    async def act(session: AsyncSession) -> uuid.UUID | None:
        return (
            await retry_message(session, actor_for(tenant_a, head, "head_of_service"), message_id)
        ).outbox_id

    new_outbox = run_act(settings, tenant_a, act)

    row = message_row(rw_sessions, tenant_a, message_id)
    assert (row.status, row.attempts, row.last_error) == ("queued", 11, None)
    assert new_outbox is not None and new_outbox != first_outbox and row.outbox_id == new_outbox
    outbox = outbox_rows(rw_sessions, tenant_a)
    assert [o.id for o in outbox] == [first_outbox, new_outbox]
    assert outbox[1].payload == {"notification_id": str(message_id)}
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        [entry] = s.scalars(select(ChangeLog).where(ChangeLog.entity_id == message_id)).all()
    assert (entry.action, entry.actor_user_id) == ("notifications:message:retry", head)
    assert entry.before == {"status": "given_up", "attempts": 11, "last_error": "x"}


def test_retry_is_refused_for_other_roles_other_statuses_and_messages_without_text(
    settings, rw_sessions, tenant_a, tenant_b
) -> None:
    head = actor_for(tenant_a, uuid.uuid4(), "head_of_service")
    worker = actor_for(tenant_a, uuid.uuid4(), "social_worker")
    queued = queue(rw_sessions, tenant_a, address="a@example.lv")
    broken = queue(
        rw_sessions, tenant_a, address="a@example.lv", variables=received_variables(answer_by=None)
    )
    foreign = queue(rw_sessions, tenant_b, address="a@example.lv")
    _set_status(rw_sessions, tenant_b, foreign, status="failed")

    def attempt(actor: Any, message_id: uuid.UUID) -> None:
        async def act(session: AsyncSession) -> None:
            await retry_message(session, actor, message_id)

        run_act(settings, tenant_a, act)

    with pytest.raises(Forbidden):
        attempt(worker, broken)
    with pytest.raises(Conflict):
        attempt(head, queued)  # not failed
    with pytest.raises(Conflict):
        attempt(head, broken)  # failed, but nothing to send
    with pytest.raises(NotFound):
        attempt(head, foreign)  # another municipality's
    with pytest.raises(NotFound):
        attempt(head, uuid.uuid4())
    assert len(outbox_rows(rw_sessions, tenant_a)) == 1
    assert message_row(rw_sessions, tenant_a, broken).status == "failed"
