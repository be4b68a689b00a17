"""Reminders of ending statuses and benefits: the daily job tells the client (by their channels) and the
responsible worker (inbox) N days before a needy / low-income status or a benefit's period ends, N the
municipality's `reminder_days` setting (default 14).

Once per record and period: `reminders_sent` keeps (kind, record, period end), so a second run the
same day, a retried message or the next day's run sends nothing again, while a period that was
extended (a new end) gets its own reminder. Any end within the next N days qualifies, so a day the job
did not run is caught up the next day. Nothing is sent for a period already followed by a newer one (a
renewed status, a continued benefit), for a grant stopped early, or for a one-off payment."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from app.domains.assistance.models import AssistanceStatus
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.cases.models import Case
from app.domains.controls import rules
from app.domains.controls.checks import person_responsibles
from app.domains.controls.responsible import Recipients
from app.notifications.events import Localized, localized_msgid, publish_sync
from app.notifications.inbox_models import ReminderSent
from app.tenants.models import Tenant

STATUS_EXPIRING = "status_expiring"
BENEFIT_EXPIRING = "benefit_expiring"


@dataclass(frozen=True)
class ReminderSummary:
    statuses: int
    benefits: int


def _claim(session: Session, kind: str, record_id: uuid.UUID, period_end: dt.date) -> bool:
    """Record that this reminder goes out now; False when it already went."""
    stmt = (
        insert(ReminderSent)
        .values(tenant_id=session.info["tenant_id"], kind=kind, record_id=record_id, period_end=period_end)
        .on_conflict_do_nothing(index_elements=["tenant_id", "kind", "record_id", "period_end"])
        .returning(ReminderSent.id)
    )
    return session.execute(stmt).first() is not None


def _not_reminded(kind: str, record_id: Any, period_end: Any) -> ColumnElement[bool]:
    return ~exists().where(
        ReminderSent.kind == kind, ReminderSent.record_id == record_id, ReminderSent.period_end == period_end
    )


def _ending_statuses(
    session: Session, today: dt.date, last: dt.date
) -> list[tuple[AssistanceStatus, uuid.UUID]]:
    newer = aliased(AssistanceStatus)
    followed = exists().where(
        newer.applicant_id == AssistanceStatus.applicant_id,
        newer.kind == AssistanceStatus.kind,
        newer.valid_from > AssistanceStatus.valid_to,
    )
    stmt = (
        select(AssistanceStatus, Decision.decided_by)
        .join(Decision, Decision.id == AssistanceStatus.decision_id)
        .where(
            AssistanceStatus.valid_to.between(today, last),
            AssistanceStatus.valid_from <= today,
            ~followed,
            _not_reminded(STATUS_EXPIRING, AssistanceStatus.id, AssistanceStatus.valid_to),
        )
        .order_by(AssistanceStatus.valid_to, AssistanceStatus.id)
    )
    return [(s, officer) for s, officer in session.execute(stmt).tuples()]


def _ending_grants(
    session: Session, today: dt.date, last: dt.date
) -> list[tuple[BenefitGrant, BenefitType, object]]:
    newer = aliased(BenefitGrant)
    followed = exists().where(
        newer.applicant_id == BenefitGrant.applicant_id,
        newer.benefit_type_id == BenefitGrant.benefit_type_id,
        newer.valid_from > BenefitGrant.valid_to,
    )
    stmt = (
        select(BenefitGrant, BenefitType, func.coalesce(Case.responsible_user_id, Decision.decided_by))
        .join(BenefitType, BenefitType.id == BenefitGrant.benefit_type_id)
        .join(Decision, Decision.id == BenefitGrant.decision_id)
        .outerjoin(Application, Application.id == Decision.application_id)
        .outerjoin(Case, Case.id == Application.case_id)
        .where(
            BenefitGrant.valid_to.between(today, last),
            BenefitGrant.valid_from <= today,
            BenefitGrant.ended_on.is_(None),
            BenefitType.frequency != "one_off",
            ~followed,
            _not_reminded(BENEFIT_EXPIRING, BenefitGrant.id, BenefitGrant.valid_to),
        )
        .order_by(BenefitGrant.valid_to, BenefitGrant.id)
    )
    return [(g, t, responsible) for g, t, responsible in session.execute(stmt).tuples()]


def send_expiry_reminders_sync(session: Session, today: dt.date) -> ReminderSummary:
    """Publish the reminders due in the session's municipality, in the caller's transaction."""
    settings = session.scalar(select(Tenant.settings).where(Tenant.id == session.info["tenant_id"]))
    days = rules.setting(settings, rules.REMINDER_DAYS)
    last = today + dt.timedelta(days=days)
    statuses = _ending_statuses(session, today, last)
    grants = _ending_grants(session, today, last)
    workers = person_responsibles(session, {s.applicant_id for s, _ in statuses}, today)
    recipients = Recipients(
        session,
        {*workers.values(), *(officer for _, officer in statuses), *(uuid_or_none(r) for _, _, r in grants)},
    )
    sent_statuses = 0
    for status, officer in statuses:
        if not _claim(session, STATUS_EXPIRING, status.id, status.valid_to):
            continue
        label = rules.STATUS_LABELS.get(status.kind, status.kind)
        publish_sync(
            session,
            STATUS_EXPIRING,
            person_id=status.applicant_id,
            user_ids=recipients.of(workers.get(status.applicant_id) or officer),
            variables={
                "status_name": localized_msgid(label),
                "expires_on": status.valid_to,
                "days_left": (status.valid_to - today).days,
            },
            link=f"/persons/{status.applicant_id}",
            dedup_key=f"{STATUS_EXPIRING}:{status.id}:{status.valid_to.isoformat()}",
        )
        sent_statuses += 1
    sent_grants = 0
    for grant, benefit, responsible in grants:
        if not _claim(session, BENEFIT_EXPIRING, grant.id, grant.valid_to):
            continue
        publish_sync(
            session,
            BENEFIT_EXPIRING,
            person_id=grant.applicant_id,
            user_ids=recipients.of(uuid_or_none(responsible)),
            variables={
                "benefit_name": Localized(lv=benefit.name_lv, en=benefit.name_en),
                "amount": grant.amount,
                "expires_on": grant.valid_to,
                "days_left": (grant.valid_to - today).days,
            },
            link=f"/persons/{grant.applicant_id}",
            dedup_key=f"{BENEFIT_EXPIRING}:{grant.id}:{grant.valid_to.isoformat()}",
        )
        sent_grants += 1
    return ReminderSummary(sent_statuses, sent_grants)


def uuid_or_none(value: object) -> uuid.UUID | None:
    return value if isinstance(value, uuid.UUID) else None
