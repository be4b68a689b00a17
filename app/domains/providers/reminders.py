"""Provider registration expiry reminders, for the daily job: the municipality's heads of service get an
inbox item when a registration in force ends within `rules.REMINDER_DAYS` (60) days, so that the provider
can be asked to apply for re-registration in time. A registration already being renewed (a pending or
decided application names it) is not reminded about.

Once per registration and end day: `reminders_sent` keeps (kind, registration, valid_until), so a second
run, a retried message or the next day's run sends nothing again; a day the job did not run is caught up
the next day, since any end within the window qualifies."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from app.domains.controls.responsible import heads_of_service
from app.domains.providers import rules
from app.domains.providers.models import ProviderRegistration as Registration
from app.notifications.events import publish_sync
from app.notifications.inbox_models import ReminderSent

EXPIRING = "provider_registration_expiring"


def _claim(session: Session, record_id: uuid.UUID, end: dt.date) -> bool:
    """Record that this reminder goes out now; False when it already went."""
    stmt = (
        insert(ReminderSent)
        .values(tenant_id=session.info["tenant_id"], kind=EXPIRING, record_id=record_id, period_end=end)
        .on_conflict_do_nothing(index_elements=["tenant_id", "kind", "record_id", "period_end"])
        .returning(ReminderSent.id)
    )
    return session.execute(stmt).first() is not None


def send_provider_reminders_sync(session: Session, today: dt.date, days: int = rules.REMINDER_DAYS) -> int:
    """Publish the expiry reminders due in the session's municipality, in the caller's transaction; how
    many registrations were reminded about."""
    renewal = aliased(Registration)
    reminded = exists().where(
        ReminderSent.kind == EXPIRING,
        ReminderSent.record_id == Registration.id,
        ReminderSent.period_end == Registration.valid_until,
    )
    being_renewed = exists().where(renewal.renews_id == Registration.id, renewal.status != "refused")
    due = list(
        session.scalars(
            select(Registration)
            .where(
                Registration.status == "registered",
                Registration.valid_until.between(today, today + dt.timedelta(days=days)),
                ~reminded,
                ~being_renewed,
            )
            .order_by(Registration.valid_until, Registration.id)
        )
    )
    if not due:
        return 0
    heads = heads_of_service(session)
    sent = 0
    for registration in due:
        assert registration.valid_until is not None
        if not _claim(session, registration.id, registration.valid_until):
            continue
        publish_sync(
            session,
            EXPIRING,
            user_ids=heads,
            variables={
                "registration_number": registration.number,
                "expires_on": registration.valid_until,
                "days_left": (registration.valid_until - today).days,
            },
            link=f"/providers/{registration.id}",
            dedup_key=f"{EXPIRING}:{registration.id}:{registration.valid_until.isoformat()}",
        )
        sent += 1
    return sent
