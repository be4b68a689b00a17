"""What applications and decisions tell people, through `app.notifications.events` (in the act's
transaction, so a notice exists exactly when the act committed):

- the applicant: "application received" (with the date the answer is due) and "decision taken" (with the
  last day to appeal), by the channels they consented to;
- staff: the officer who registered the application hears when someone else decided it; the deciding
  officer hears when the decision's PDF is ready (it is rendered by a worker after the act).

The dates are indicative, for the notice only; the decision document carries the legal wording."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.domains.benefits.models import Application, BenefitType, Decision
from app.domains.benefits.periods import add_months
from app.notifications.events import Localized, publish, publish_sync

# Administrative Procedure Law, art. 64: an application is answered within one month.
ANSWER_WITHIN_MONTHS = 1
# A decision may be appealed within one month of taking effect (APL art. 76, 79); a notice sent by post
# takes effect on the 7th day (Notification Law, art. 8), the latest of the ways it may be sent.
NOTIFIED_AFTER_DAYS = 7
APPEAL_WITHIN_MONTHS = 1


def answer_by(received_on: dt.date) -> dt.date:
    return add_months(received_on, ANSWER_WITHIN_MONTHS)


def appeal_by(decided_on: dt.date) -> dt.date:
    return add_months(decided_on + dt.timedelta(days=NOTIFIED_AFTER_DAYS), APPEAL_WITHIN_MONTHS)


def _benefit_name(benefit: BenefitType) -> Localized:
    return Localized(lv=benefit.name_lv, en=benefit.name_en)


async def application_received(session: AsyncSession, application: Application, benefit: BenefitType) -> None:
    await publish(
        session,
        "application_received",
        person_id=application.applicant_id,
        variables={
            "application_number": application.number,
            "received_on": application.received_on,
            "service_name": _benefit_name(benefit),
            "answer_by": answer_by(application.received_on),
        },
        link=f"/applications/{application.id}",
    )


async def application_decided(
    session: AsyncSession,
    application: Application,
    benefit: BenefitType,
    decision: Decision,
    decided_by: uuid.UUID | None,
) -> None:
    staff = [] if application.created_by == decided_by else [application.created_by]
    await publish(
        session,
        "application_decided",
        person_id=application.applicant_id,
        user_ids=staff,
        variables={
            "application_number": application.number,
            "decision_number": decision.number,
            "decided_on": decision.decided_on,
            "service_name": _benefit_name(benefit),
            "appeal_by": appeal_by(decision.decided_on),
        },
        link=f"/applications/{application.id}",
        dedup_key=f"decided:{decision.id}",
    )


def decision_pdf_ready(session: Session, decision: Decision) -> None:
    """To the deciding officer's inbox; the applicant already heard of the decision itself."""
    publish_sync(
        session,
        "decision_pdf_ready",
        user_ids=[decision.decided_by],
        variables={"decision_number": decision.number, "decided_on": decision.decided_on},
        link=f"/decisions/{decision.id}/document",
        dedup_key=f"pdf:{decision.id}",
    )
