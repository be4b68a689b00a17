"""Publishing events (real database, app role under RLS): a client is told only with a given consent, by
each chosen channel, in the chosen language; staff get inbox items (deduplicated) and, when they asked,
an e-mail naming only the kind of notice; the expiry reminders go out once per record and period."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from app.auth.models import User
from app.db import async_session_factory, make_async_engine, sync_tenant_uow, tenant_uow
from app.domains.controls import rules
from app.domains.people.models import Person
from app.i18n import gettext
from app.notifications.events import Localized, publish, publish_sync
from app.notifications.inbox_models import InboxItem, ReminderSent
from app.notifications.models import NotificationMessage
from app.notifications.preference_models import StaffNotificationSetting
from app.notifications.reminders import send_expiry_reminders_sync
from tests.factories import controls as f
from tests.factories.staff import create_staff

TODAY = dt.date(2026, 11, 23)
D = dt.date
EXPIRING = {
    "status_name": Localized(lv="Trūcīga mājsaimniecība", en="Needy household"),
    "expires_on": D(2026, 12, 3),
    "days_left": 10,
}


def messages(rw_sessions, tenant: uuid.UUID, **where: Any) -> list[NotificationMessage]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        stmt = select(NotificationMessage).filter_by(**where).order_by(NotificationMessage.channel)
        return list(s.scalars(stmt))


def items(rw_sessions, tenant: uuid.UUID, user: uuid.UUID) -> list[InboxItem]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        return list(s.scalars(select(InboxItem).where(InboxItem.user_id == user).order_by(InboxItem.id)))


def test_a_consenting_client_is_told_by_each_chosen_channel_in_their_language(rw_sessions, tenant_a) -> None:
    client = f.person(rw_sessions, tenant_a, "Jānis", "Bērziņš", email="janis@pasts.lv", phone="29123456")
    f.consent(rw_sessions, tenant_a, client, ["email", "sms"], language="en")
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        publish_sync(s, "status_expiring", person_id=client, variables=EXPIRING, link="/persons/x")
    sent = messages(rw_sessions, tenant_a, person_id=client)
    assert [(m.channel, m.status, m.language, m.address) for m in sent] == [
        ("email", "queued", "en", "janis@pasts.lv"),
        ("sms", "queued", "en", "+37129123456"),
    ]
    email = sent[0]
    assert email.text is not None and "Dear Jānis Bērziņš" in email.text and "“Needy household”" in email.text
    assert "Kind regards\nĀdažu novads" in email.text  # the municipality, filled in
    assert email.outbox_id is not None


@pytest.mark.parametrize("case", ["no preferences", "withdrawn", "no channel", "deceased"])
def test_no_electronic_notice_without_consent_and_a_channel(rw_sessions, tenant_a, case: str) -> None:
    client = f.person(rw_sessions, tenant_a, email="anna@pasts.lv", phone="29123456")
    if case == "withdrawn":
        f.consent(rw_sessions, tenant_a, client, ["email"], given=False)
    elif case == "no channel":
        f.consent(rw_sessions, tenant_a, client, [])
    elif case == "deceased":
        f.consent(rw_sessions, tenant_a, client, ["email"])
        with sync_tenant_uow(rw_sessions, tenant_a) as s:
            s.execute(update(Person).where(Person.id == client).values(died_on=D(2026, 10, 1)))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        publish_sync(s, "status_expiring", person_id=client, variables=EXPIRING)
    assert messages(rw_sessions, tenant_a, person_id=client) == []


def test_an_unusable_contact_is_logged_not_sent(rw_sessions, tenant_a) -> None:
    client = f.person(rw_sessions, tenant_a, phone="67123456")  # a landline
    f.consent(rw_sessions, tenant_a, client, ["sms"])
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        publish_sync(s, "status_expiring", person_id=client, variables=EXPIRING)
    [sms] = messages(rw_sessions, tenant_a, person_id=client)
    assert sms.status == "unusable" and sms.outbox_id is None


def test_staff_get_one_inbox_item_and_an_email_only_if_they_asked(rw_sessions, tenant_a) -> None:
    asked = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Līga Kalniņa")
    quiet = create_staff(rw_sessions, {tenant_a: ["social_worker"]})
    with sync_tenant_uow(rw_sessions, None) as s:
        s.execute(update(User).where(User.id.in_([asked, quiet])).values(email="darbs@novads.lv"))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.add(StaffNotificationSetting(tenant_id=tenant_a, user_id=asked, email_events=["status_expiring"]))
    variables = {**EXPIRING, "recipient_name": "Jānis Bērziņš"}
    for _ in range(2):  # published twice (a retried job): still one item each, one e-mail
        with sync_tenant_uow(rw_sessions, tenant_a) as s:
            publish_sync(
                s,
                "status_expiring",
                user_ids=[asked, quiet, asked],
                variables=variables,
                link="/persons/abc",
                dedup_key="status_expiring:1:2026-12-03",
            )
    [item] = items(rw_sessions, tenant_a, asked)
    assert item.link == "/persons/abc" and item.read_at is None
    assert item.params["status_name"] == {"lv": "Trūcīga mājsaimniecība", "en": "Needy household"}
    assert item.params["expires_on"] == "2026-12-03"
    assert len(items(rw_sessions, tenant_a, quiet)) == 1
    [mail] = messages(rw_sessions, tenant_a, user_id=asked)
    assert (mail.event, mail.channel, mail.address) == ("staff_notice", "email", "darbs@novads.lv")
    assert mail.text is not None and f"({gettext('lv', 'Status expiring')})" in mail.text
    assert "Jānis Bērziņš" not in (mail.text or "") + (mail.subject or "")  # never the client
    assert messages(rw_sessions, tenant_a, user_id=quiet) == []


def test_links_outside_the_app_are_dropped(rw_sessions, tenant_a) -> None:
    user = create_staff(rw_sessions, {tenant_a: ["social_worker"]})
    for link in ("https://evil.example/x", "//evil.example", "/ok\\..", "javascript:alert(1)"):
        with sync_tenant_uow(rw_sessions, tenant_a) as s:
            publish_sync(
                s, "decision_pdf_ready", user_ids=[user], variables={"decision_number": "1"}, link=link
            )
    assert {i.link for i in items(rw_sessions, tenant_a, user)} == {None}


def test_async_publish_writes_in_the_callers_transaction(settings, rw_sessions, tenant_a) -> None:
    user = create_staff(rw_sessions, {tenant_a: ["social_worker"]})

    async def go(fail: bool) -> None:
        engine = make_async_engine(settings.runtime_url())
        try:
            async with tenant_uow(async_session_factory(engine), tenant_a) as session:
                await publish(
                    session, "decision_pdf_ready", user_ids=[user], variables={"decision_number": "LEM-1"}
                )
                if fail:
                    raise RuntimeError("the act failed")
        finally:
            await engine.dispose()

    with pytest.raises(RuntimeError):
        asyncio.run(go(fail=True))
    assert items(rw_sessions, tenant_a, user) == []  # rolled back with the act
    asyncio.run(go(fail=False))
    assert [i.params for i in items(rw_sessions, tenant_a, user)] == [{"decision_number": "LEM-1"}]


def test_expiry_reminders_go_once_per_record_and_period(rw_sessions, maint_engine, make_tenant) -> None:
    tenant = make_tenant("Talsu novads")
    officer = create_staff(rw_sessions, {tenant: ["benefit_officer"]})
    worker = create_staff(rw_sessions, {tenant: ["social_worker"]})
    client = f.person(rw_sessions, tenant, "Ruta", "Zariņa", email="ruta@pasts.lv")
    f.consent(rw_sessions, tenant, client, ["email"])
    f.case(rw_sessions, tenant, responsible=worker, person_id=client, opened_on=D(2026, 10, 1))

    def status(valid_to: dt.date, person: uuid.UUID = client) -> uuid.UUID:
        return f.status(
            rw_sessions,
            tenant,
            applicant_id=person,
            officer=officer,
            valid_from=D(2026, 6, 1),
            valid_to=valid_to,
        )

    soon = status(TODAY + dt.timedelta(days=10))
    later_client = f.person(rw_sessions, tenant, "Vēlāk")
    later = status(TODAY + dt.timedelta(days=20), later_client)
    renewed_client = f.person(rw_sessions, tenant, "Atjaunots")
    status(TODAY + dt.timedelta(days=5), renewed_client)
    f.status(
        rw_sessions,
        tenant,
        applicant_id=renewed_client,
        officer=officer,
        valid_from=TODAY + dt.timedelta(days=6),
        valid_to=D(2027, 6, 1),
    )

    monthly = f.benefit_type(rw_sessions, tenant, name_lv="Mājokļa pabalsts", name_en="Housing benefit")
    once = f.benefit_type(rw_sessions, tenant, frequency="one_off")

    def grant(benefit: uuid.UUID, valid_to: dt.date, **kw: Any) -> uuid.UUID:
        return f.grant(
            rw_sessions,
            tenant,
            person_id=client,
            benefit_type_id=benefit,
            officer=officer,
            valid_from=D(2026, 6, 1),
            valid_to=valid_to,
            amount=Decimal("87.50"),
            **kw,
        )

    ending = grant(monthly, TODAY + dt.timedelta(days=3))
    grant(once, TODAY + dt.timedelta(days=3))
    grant(monthly, TODAY + dt.timedelta(days=4), ended_on=TODAY)  # stopped: nothing to remind of

    with sync_tenant_uow(rw_sessions, tenant) as s:
        summary = send_expiry_reminders_sync(s, TODAY)
    assert (summary.statuses, summary.benefits) == (1, 1)
    sent = messages(rw_sessions, tenant, person_id=client)
    assert sorted(m.event for m in sent) == ["benefit_expiring", "status_expiring"]
    benefit_mail = next(m for m in sent if m.event == "benefit_expiring")
    assert (
        benefit_mail.text is not None
        and "87,50\xa0€" in benefit_mail.text
        and "pēc 3 dienām" in benefit_mail.text
    )
    # The responsible worker: the case's for the status; the deciding officer for the grant (no case).
    assert [i.event for i in items(rw_sessions, tenant, worker)] == ["status_expiring"]
    assert [i.event for i in items(rw_sessions, tenant, officer)] == ["benefit_expiring"]

    with sync_tenant_uow(rw_sessions, tenant) as s:  # the same day again, or a retried job
        again = send_expiry_reminders_sync(s, TODAY)
    assert (again.statuses, again.benefits) == (0, 0)
    assert len(messages(rw_sessions, tenant, person_id=client)) == 2

    # A longer reminder period reaches the status 20 days ahead; an extended period is reminded anew.
    f.set_tenant(maint_engine, tenant, settings={rules.REMINDER_DAYS: 30})
    from app.domains.assistance.models import AssistanceStatus

    with sync_tenant_uow(rw_sessions, tenant) as s:
        s.execute(
            update(AssistanceStatus)
            .where(AssistanceStatus.id == soon)
            .values(valid_to=TODAY + dt.timedelta(days=12))
        )
        third = send_expiry_reminders_sync(s, TODAY)
    assert third.statuses == 2
    with sync_tenant_uow(rw_sessions, tenant) as s:
        reminded = {(r.record_id, r.period_end) for r in s.scalars(select(ReminderSent))}
    assert (later, TODAY + dt.timedelta(days=20)) in reminded
    assert (soon, TODAY + dt.timedelta(days=12)) in reminded and (
        ending,
        TODAY + dt.timedelta(days=3),
    ) in reminded
