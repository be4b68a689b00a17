"""Complaint deadline reminders, for the daily job: the assigned worker (the heads of service when nobody
is, or the worker left) gets an inbox item N days before an unanswered complaint is due, N the
municipality's `complaint_reminder_days` setting (default 5), and another once it is overdue.

Once per complaint, kind and deadline: `reminders_sent` keeps (kind, complaint, due day), so a second
run, a retried message or the next day's run sends nothing again. Any deadline within the next N days
qualifies, so a day the job did not run is caught up the next day; a complaint found already overdue
gets only the overdue reminder."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.domains.complaints import rules
from app.domains.complaints.models import Complaint
from app.domains.controls.responsible import Recipients
from app.notifications.events import publish_sync
from app.notifications.inbox_models import ReminderSent
from app.tenants.models import Tenant

DEADLINE_NEAR = "complaint_deadline_near"
OVERDUE = "complaint_overdue"


@dataclass(frozen=True)
class ComplaintReminderSummary:
    near: int
    overdue: int


def _claim(session: Session, kind: str, record_id: uuid.UUID, due: dt.date) -> bool:
    """Record that this reminder goes out now; False when it already went."""
    stmt = (
        insert(ReminderSent)
        .values(tenant_id=session.info["tenant_id"], kind=kind, record_id=record_id, period_end=due)
        .on_conflict_do_nothing(index_elements=["tenant_id", "kind", "record_id", "period_end"])
        .returning(ReminderSent.id)
    )
    return session.execute(stmt).first() is not None


def _due(session: Session, kind: str, *conditions: ColumnElement[bool]) -> list[Complaint]:
    reminded = exists().where(
        ReminderSent.kind == kind,
        ReminderSent.record_id == Complaint.id,
        ReminderSent.period_end == Complaint.due_on,
    )
    stmt = (
        select(Complaint)
        .where(Complaint.status.in_(rules.OPEN), ~reminded, *conditions)
        .order_by(Complaint.due_on, Complaint.id)
    )
    return list(session.scalars(stmt))


def send_complaint_reminders_sync(session: Session, today: dt.date) -> ComplaintReminderSummary:
    """Publish the complaint reminders due in the session's municipality, in the caller's transaction."""
    settings = session.scalar(select(Tenant.settings).where(Tenant.id == session.info["tenant_id"]))
    last = today + dt.timedelta(days=rules.setting(settings, rules.REMINDER_DAYS))
    near = _due(session, DEADLINE_NEAR, Complaint.due_on.between(today, last))
    late = _due(session, OVERDUE, Complaint.due_on < today)
    recipients = Recipients(session, {c.assigned_to for c in (*near, *late)})
    sent = {DEADLINE_NEAR: 0, OVERDUE: 0}
    for kind, complaints in ((DEADLINE_NEAR, near), (OVERDUE, late)):
        for complaint in complaints:
            if not _claim(session, kind, complaint.id, complaint.due_on):
                continue
            publish_sync(
                session,
                kind,
                user_ids=recipients.of(complaint.assigned_to),
                variables={
                    "complaint_number": complaint.number,
                    "deadline": complaint.due_on,
                    "days_left": rules.days_left(complaint.due_on, today),
                },
                link=f"/complaints/{complaint.id}",
                dedup_key=f"{kind}:{complaint.id}:{complaint.due_on.isoformat()}",
            )
            sent[kind] += 1
    return ComplaintReminderSummary(sent[DEADLINE_NEAR], sent[OVERDUE])
