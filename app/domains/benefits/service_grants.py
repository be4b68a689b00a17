"""Changing and stopping what a decision granted — only ever by a registered decision of its own
(outcome "changed" or "stopped"), never by editing the grant:

- a change lowers the amount from a day on: the old grant ends the day before (`ended_on`,
  `ended_by_decision_id`) and a new grant, made by the new decision, runs from that day to the old end;
- a stop ends the grant the day before the given day;
- a status is ended the same way: its period is cut to end the day before, and the ending decision noted.

Each act locks the grant (or status) row, so two officers cannot end the same one twice."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.assistance.models import AssistanceStatus
from app.domains.benefits import rules
from app.domains.benefits.models import BenefitGrant, Decision
from app.domains.benefits.periods import Period, held
from app.domains.benefits.service_decisions import register_decision
from app.domains.cases.access import municipal_today
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

NO_GRANT = N_("No such benefit grant.")
NO_STATUS = N_("No such status.")
GRANT_ENDED = N_("The benefit was stopped already.")
STATUS_ENDED = N_("The status was ended already.")


async def _locked_grant(session: AsyncSession, actor: Actor, grant_id: uuid.UUID) -> BenefitGrant:
    actor.require(Permission.APPLICATION_DECIDE)
    grant = await session.scalar(select(BenefitGrant).where(BenefitGrant.id == grant_id).with_for_update())
    if grant is None:
        raise NotFound(NO_GRANT)
    if grant.ended_by_decision_id is not None:
        raise Conflict(GRANT_ENDED)
    return grant


async def _origin(session: AsyncSession, decision_id: uuid.UUID) -> Decision:
    decision = await session.scalar(select(Decision).where(Decision.id == decision_id))
    assert decision is not None  # a composite foreign key holds it
    return decision


async def _end(
    session: AsyncSession, actor: Actor, grant: BenefitGrant, decision: Decision, from_date: dt.date
) -> None:
    """Ends the grant the day before `from_date` by `decision`, in the change log."""
    before = {"ended_on": grant.ended_on}
    grant.ended_on = rules.day_before(from_date)
    grant.ended_by_decision_id = decision.id
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:grant:end",
        entity_type="benefit_grant",
        entity_id=grant.id,
        before=before,
        after={"ended_on": grant.ended_on, "ended_by_decision_id": decision.id, "decision": decision.number},
    )


async def change_grant(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    *,
    from_date: dt.date | None,
    new_amount: Decimal | None,
    reasons: str | None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Decision:
    """A decision lowering the grant's amount from `from_date`: the old grant ends the day before, a new
    one runs from `from_date` to the old grant's end."""
    grant = await _locked_grant(session, actor, grant_id)
    period = held(grant.valid_from, grant.valid_to, grant.ended_on)
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    text = rules.clean_reasons(reasons, errors)
    rules.check_change(period, grant.amount, from_date=from_date, new_amount=new_amount, errors=errors)
    if errors:
        raise InvalidInput(errors)
    assert from_date is not None and new_amount is not None and actor.tenant_id is not None
    origin = await _origin(session, grant.decision_id)
    new_period = Period(from_date, period.valid_to)
    decision = await register_decision(
        session,
        actor,
        outcome="changed",
        reasons=text,
        decided_on=today or municipal_today(),
        application_id=origin.application_id,
        grant_id=grant.id,
        amount=new_amount,
        period=new_period,
        explanation=origin.explanation,
    )
    await _end(session, actor, grant, decision, from_date)
    successor = BenefitGrant(
        tenant_id=actor.tenant_id,
        decision_id=decision.id,
        benefit_type_id=grant.benefit_type_id,
        applicant_id=grant.applicant_id,
        household_id=grant.household_id,
        amount=new_amount,
        valid_from=new_period.valid_from,
        valid_to=new_period.valid_to,
        payment_channel=grant.payment_channel,
        payee=grant.payee,
    )
    session.add(successor)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:grant:create",
        entity_type="benefit_grant",
        entity_id=successor.id,
        after={
            "decision": decision.number,
            "replaces": grant.id,
            "amount": new_amount,
            "valid_from": new_period.valid_from,
            "valid_to": new_period.valid_to,
        },
    )
    return decision


async def stop_grant(
    session: AsyncSession,
    actor: Actor,
    grant_id: uuid.UUID,
    *,
    from_date: dt.date | None,
    reasons: str | None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Decision:
    """A decision stopping the grant from `from_date` (the last day paid is the day before)."""
    grant = await _locked_grant(session, actor, grant_id)
    period = held(grant.valid_from, grant.valid_to, grant.ended_on)
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    text = rules.clean_reasons(reasons, errors)
    rules.check_stop(period, from_date=from_date, errors=errors)
    if errors:
        raise InvalidInput(errors)
    assert from_date is not None
    origin = await _origin(session, grant.decision_id)
    decision = await register_decision(
        session,
        actor,
        outcome="stopped",
        reasons=text,
        decided_on=today or municipal_today(),
        application_id=origin.application_id,
        grant_id=grant.id,
        period=Period(from_date, period.valid_to),
    )
    await _end(session, actor, grant, decision, from_date)
    return decision


async def end_status(
    session: AsyncSession,
    actor: Actor,
    status_id: uuid.UUID,
    *,
    from_date: dt.date | None,
    reasons: str | None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Decision:
    """A decision ending a needy or low-income status from `from_date` (its last day is the day before)."""
    actor.require(Permission.APPLICATION_DECIDE)
    status = await session.scalar(
        select(AssistanceStatus).where(AssistanceStatus.id == status_id).with_for_update()
    )
    if status is None:
        raise NotFound(NO_STATUS)
    if status.ended_by_decision_id is not None:
        raise Conflict(STATUS_ENDED)
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    text = rules.clean_reasons(reasons, errors)
    rules.check_status_end(Period(status.valid_from, status.valid_to), from_date=from_date, errors=errors)
    if errors:
        raise InvalidInput(errors)
    assert from_date is not None
    origin = await _origin(session, status.decision_id)
    decision = await register_decision(
        session,
        actor,
        outcome="stopped",
        reasons=text,
        decided_on=today or municipal_today(),
        application_id=origin.application_id,
        period=Period(from_date, status.valid_to),
    )
    before = {"valid_to": status.valid_to}
    status.valid_to = rules.day_before(from_date)
    status.ended_by_decision_id = decision.id
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:status:end",
        entity_type="assistance_status",
        entity_id=status.id,
        before=before,
        after={"valid_to": status.valid_to, "ended_by_decision_id": decision.id, "decision": decision.number},
    )
    return decision
