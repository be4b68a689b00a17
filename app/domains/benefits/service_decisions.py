"""Deciding an assessed application: granted, partly granted or refused, with reasons, by a user with
the decide permission. A grant creates a benefit grant (or, for a status, the household's status) over a
period that may not overlap what the household already holds of the same kind — checked under a lock on
the household's persons (holdings.py). Every decision is registered ("LEM-<year>/<n>"), audited, and its
PDF rendered by a worker from the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.assistance.models import AssistanceStatus
from app.domains.benefits import notices, rules
from app.domains.benefits.holdings import grants_held, household_persons, lock_persons, statuses_held
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.benefits.periods import Existing, Period, first_clash, granted_in_year
from app.domains.benefits.service import (
    ALREADY_DECIDED,
    access_application,
    catalogue_amount,
    check_version,
)
from app.domains.cases.access import municipal_today
from app.errors import Conflict, InvalidInput
from app.i18n import N_
from app.notifications.outbox import enqueue
from app.permissions import Permission

NOT_ASSESSED = N_("Assess the application before deciding it.")
WITHDRAWN = N_("The application was withdrawn.")
OVERLAPS_GRANT = N_("The household already receives this benefit over an overlapping period.")
OVERLAPS_STATUS = N_("The household already holds a status over an overlapping period.")
TIMES_PER_YEAR = N_("The household has already received this benefit as many times this year as it may.")
YEARLY_CAP = N_("This amount would go over the benefit's yearly limit for the household.")
PDF_ACTOR = "render_decision_pdf"


class PeriodClash(InvalidInput):
    """The period overlaps one the household already holds. The message is generic; pages and the API
    name the existing period from `existing` (its dates, and the kind: "grant", "needy", "low_income")."""

    def __init__(self, existing: Existing) -> None:
        message = OVERLAPS_GRANT if existing.kind == "grant" else OVERLAPS_STATUS
        super().__init__({"valid_from": [message]})
        self.existing = existing


def decision_snapshot(d: Decision) -> dict[str, Any]:
    return {
        "number": d.number,
        "application_id": d.application_id,
        "grant_id": d.grant_id,
        "outcome": d.outcome,
        "amount": d.amount,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
        "decided_on": d.decided_on,
        "reasons": d.reasons,
    }


async def register_decision(
    session: AsyncSession,
    actor: Actor,
    *,
    outcome: str,
    reasons: str,
    decided_on: dt.date,
    application_id: uuid.UUID | None,
    grant_id: uuid.UUID | None = None,
    amount: Decimal | None = None,
    period: Period | None = None,
    explanation: list[dict[str, Any]] | None = None,
) -> Decision:
    """A numbered decision, audited, its PDF queued for the worker (the caller checked everything)."""
    assert actor.tenant_id is not None
    value = await next_number(session, actor.tenant_id, rules.DECISION_SEQUENCE, decided_on.year)
    decision = Decision(
        tenant_id=actor.tenant_id,
        number=format_number(rules.DECISION_PREFIX, decided_on.year, value),
        application_id=application_id,
        grant_id=grant_id,
        outcome=outcome,
        reasons=reasons,
        amount=amount,
        valid_from=period.valid_from if period else None,
        valid_to=period.valid_to if period else None,
        decided_on=decided_on,
        decided_by=actor.user_id,
        explanation=explanation or [],
    )
    session.add(decision)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:decision:register",
        entity_type="decision",
        entity_id=decision.id,
        after={k: v for k, v in decision_snapshot(decision).items() if v is not None},
    )
    enqueue(session, PDF_ACTOR, {"decision_id": str(decision.id)})
    return decision


async def _check_holdings(
    session: AsyncSession,
    application: Application,
    benefit: BenefitType,
    plan: rules.DecisionPlan,
    errors: rules.Errors,
) -> None:
    """Locks the household's persons, then refuses an overlapping period and what the yearly limits
    forbid (PeriodClash / InvalidInput)."""
    assert plan.period is not None
    persons = await household_persons(
        session,
        application.applicant_id,
        declaration_id=application.declaration_id,
        household_id=application.household_id,
        period=plan.period,
    )
    await lock_persons(session, persons)
    if benefit.kind in rules.STATUS_KINDS:
        clash = first_clash(plan.period, await statuses_held(session, persons))
        if clash is not None:
            raise PeriodClash(clash)
        return
    existing = await grants_held(session, benefit.id, persons, application.household_id)
    clash = first_clash(plan.period, existing)
    if clash is not None:
        raise PeriodClash(clash)
    year = plan.period.valid_from.year
    _, times = granted_in_year(existing, year, monthly=benefit.frequency == "monthly")
    if benefit.times_per_year is not None and times >= benefit.times_per_year:
        errors.setdefault("outcome", []).append(TIMES_PER_YEAR)
    capped = benefit.yearly_cap is not None or bool(benefit.yearly_cap_by_children)
    if capped and benefit.kind not in rules.MEANS_KINDS and plan.amount is not None:
        # The catalogue rule again, with what was granted meanwhile: what it still allows is the most.
        allowed = await catalogue_amount(session, application, benefit, application.received_on)
        if plan.amount > allowed.amount:
            errors.setdefault("amount", []).append(YEARLY_CAP)


async def decide_application(
    session: AsyncSession,
    actor: Actor,
    application_id: uuid.UUID,
    *,
    outcome: str | None,
    amount: Decimal | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    reasons: str | None,
    expected_version: int | None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Decision:
    """Registers the decision on an assessed application; a grant creates the benefit grant or the status.
    Refused with field messages (InvalidInput, PeriodClash), 409 when decided already or stale."""
    application = await access_application(
        session, actor, application_id, permission=Permission.APPLICATION_DECIDE, lock=True
    )
    # What happened to the application says more than a stale version: checked first.
    if application.status == "decided":
        raise Conflict(ALREADY_DECIDED)
    if application.status == "withdrawn":
        raise Conflict(WITHDRAWN)
    if application.status != "assessed":
        raise Conflict(NOT_ASSESSED)
    check_version(application, expected_version)
    benefit = await session.scalar(select(BenefitType).where(BenefitType.id == application.benefit_type_id))
    assert benefit is not None
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    assessed = rules.Assessed(
        kind=benefit.kind,
        frequency=benefit.frequency,
        amount=application.assessed_amount,
        eligible=application.assessed_eligible,
        period_months=application.assessed_period_months,
    )
    plan = rules.plan_decision(
        assessed,
        outcome=outcome,
        amount=amount,
        valid_from=valid_from,
        valid_to=valid_to,
        reasons=reasons,
        errors=errors,
    )
    if plan is None or errors:
        raise InvalidInput(errors)
    if plan.period is not None:
        await _check_holdings(session, application, benefit, plan, errors)
        if errors:
            raise InvalidInput(errors)
    decision = await register_decision(
        session,
        actor,
        outcome=plan.outcome,
        reasons=plan.reasons,
        decided_on=today or municipal_today(),
        application_id=application.id,
        amount=plan.amount,
        period=plan.period,
        explanation=application.explanation,
    )
    if plan.period is not None:
        await _grant(session, actor, application, benefit, decision, plan.period)
    application.status = "decided"
    application.version += 1
    await session.flush()
    await notices.application_decided(session, application, benefit, decision, actor.user_id)
    return decision


async def _grant(
    session: AsyncSession,
    actor: Actor,
    application: Application,
    benefit: BenefitType,
    decision: Decision,
    period: Period,
) -> None:
    assert actor.tenant_id is not None
    status_kind = rules.STATUS_KINDS.get(benefit.kind)
    if status_kind is not None:
        assert application.declaration_id is not None  # a status is always assessed on a declaration
        status = AssistanceStatus(
            tenant_id=actor.tenant_id,
            kind=status_kind,
            applicant_id=application.applicant_id,
            declaration_id=application.declaration_id,
            decision_id=decision.id,
            valid_from=period.valid_from,
            valid_to=period.valid_to,
            explanation=application.explanation,
        )
        session.add(status)
        await session.flush()
        record_change(
            session,
            actor_user_id=actor.user_id,
            action="assistance:status:grant",
            entity_type="assistance_status",
            entity_id=status.id,
            after={"kind": status_kind, "decision": decision.number, **_period_json(period)},
        )
        return
    assert decision.amount is not None
    grant = BenefitGrant(
        tenant_id=actor.tenant_id,
        decision_id=decision.id,
        benefit_type_id=benefit.id,
        applicant_id=application.applicant_id,
        household_id=application.household_id,
        amount=decision.amount,
        valid_from=period.valid_from,
        valid_to=period.valid_to,
        payment_channel=benefit.payment_channel,
    )
    session.add(grant)
    await session.flush()
    decision.grant_id = grant.id
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:grant:create",
        entity_type="benefit_grant",
        entity_id=grant.id,
        after={"decision": decision.number, "amount": grant.amount, **_period_json(period)},
    )


def _period_json(period: Period) -> dict[str, dt.date]:
    return {"valid_from": period.valid_from, "valid_to": period.valid_to}
