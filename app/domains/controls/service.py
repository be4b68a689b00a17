"""Running the data-control rules for one municipality and turning their hits into alerts.

A run takes a per-municipality lock, runs every available rule (each in a savepoint: a failing rule is
recorded and the others still run), then compares the hits with the open alerts: a new hit opens an
alert and puts an item in the responsible worker's inbox (the heads of service when nobody is
responsible), a hit found again only refreshes its alert, and an open alert of a rule that ran but no
longer finds it is resolved. Opening and resolving are written to the change log (by the system).

Runs come from the nightly schedule and from changes: `request_data_controls` (called by acts that may
change what the rules find — a decision, a household change) queues one `run_data_controls` message
for the municipality unless one is already waiting; a run requested before another run started is
skipped, since that run already saw the change (debouncing)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

from app.audit.service import record_change
from app.domains.controls import rules
from app.domains.controls.checks import CHECKS, ControlScope, RuleUnavailable
from app.domains.controls.models import ControlAlert, ControlRun
from app.domains.controls.responsible import Recipients
from app.ids import uuid7
from app.notifications.events import DATA_CONTROL_ALERT, publish_sync
from app.notifications.models import OutboxMessage
from app.notifications.outbox import enqueue
from app.tenants.models import Tenant

log = structlog.get_logger()

RUN_DATA_CONTROLS = "run_data_controls"
_LOCK = text("select pg_advisory_xact_lock(hashtextextended(:key, 0))")


@dataclass(frozen=True)
class RunSummary:
    run_id: uuid.UUID
    hits: int
    opened: int
    kept: int
    resolved: int
    failures: dict[str, str]


def load_scope(
    session: Session, tenant_id: uuid.UUID, cross: sessionmaker[Session] | None = None
) -> ControlScope:
    tenant = session.execute(
        select(Tenant.name, Tenant.atvk_code, Tenant.settings).where(Tenant.id == tenant_id)
    ).one()
    return ControlScope(tenant_id, tenant.name, tenant.atvk_code, dict(tenant.settings or {}), cross)


def _notify(session: Session, alert_id: uuid.UUID, hit: rules.Hit, user_ids: list[uuid.UUID]) -> None:
    publish_sync(
        session,
        DATA_CONTROL_ALERT,
        user_ids=user_ids,
        variables=dict(hit.details),
        link=hit.link,
        dedup_key=f"alert:{alert_id}",  # one item per alert and person told, however often it is seen
        title=rules.alert_title(hit.rule, hit.details),
    )


def run_controls_sync(
    session: Session,
    scope: ControlScope,
    today: dt.date,
    *,
    trigger: str = "schedule",
    requested_at: dt.datetime | None = None,
) -> RunSummary | None:
    """Run every rule for `scope`'s municipality in the caller's transaction (session bound to it).
    None when skipped: a run started after `requested_at` (the change) has already seen it."""
    if session.info.get("tenant_id") != scope.tenant_id:
        raise RuntimeError("a control run needs a session bound to its municipality")
    # One run per municipality at a time; a second waits, then finds whether it is still needed.
    session.execute(_LOCK, {"key": f"controls:{scope.tenant_id}"})
    if requested_at is not None and session.scalar(
        select(exists().where(ControlRun.started_at >= requested_at))
    ):
        return None
    started = session.scalar(select(func.clock_timestamp()))
    hits: list[rules.Hit] = []
    failures: dict[str, str] = {}
    ran: list[str] = []
    for key, info in rules.RULES.items():
        if not info.available:
            continue
        try:
            with session.begin_nested():
                found = CHECKS[key](session, scope, today)
        except RuleUnavailable as exc:
            failures[key] = f"unavailable: {exc}"
            continue
        except Exception as exc:  # one broken rule must not stop the others
            log.exception("data-control rule failed", rule=key, tenant=str(scope.tenant_id))
            failures[key] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        hits.extend(found)
        ran.append(key)

    open_alerts = session.execute(
        select(
            ControlAlert.id, ControlAlert.rule, ControlAlert.record_id, ControlAlert.responsible_user_id
        ).where(ControlAlert.resolved_at.is_(None))
    ).all()
    plan = rules.reconcile((rules.OpenAlert(a.id, a.rule, a.record_id) for a in open_alerts), hits, ran)
    recipients = Recipients(session, {h.responsible_user_id for h in hits})

    for hit in plan.new:
        alert = ControlAlert(
            tenant_id=scope.tenant_id,
            id=uuid7(),
            rule=hit.rule,
            record_kind=hit.record_kind,
            record_id=hit.record_id,
            responsible_user_id=recipients.responsible(hit.responsible_user_id),
            details=dict(hit.details),
            link=hit.link,
            first_seen_at=started,
            last_seen_at=started,
        )
        session.add(alert)
        session.flush()
        _notify(session, alert.id, hit, recipients.of(hit.responsible_user_id))
        record_change(
            session,
            actor_user_id=None,
            action="controls:alert:open",
            entity_type="control_alert",
            entity_id=alert.id,
            after={"rule": hit.rule, "record_kind": hit.record_kind, "record_id": hit.record_id},
        )

    stored = {a.id: a.responsible_user_id for a in open_alerts}
    for alert_id, hit in plan.seen:
        responsible = recipients.responsible(hit.responsible_user_id)
        values: dict[str, Any] = {"last_seen_at": started, "details": dict(hit.details), "link": hit.link}
        if responsible != stored[alert_id]:
            # Someone else is responsible now (the case changed hands): they are told too.
            values["responsible_user_id"] = responsible
            _notify(session, alert_id, hit, recipients.of(hit.responsible_user_id))
        session.execute(
            update(ControlAlert).where(ControlAlert.id == alert_id).values(**values),
            execution_options={"synchronize_session": False},
        )

    if plan.resolved:
        session.execute(
            update(ControlAlert)
            .where(ControlAlert.id.in_(plan.resolved), ControlAlert.resolved_at.is_(None))
            .values(resolved_at=started),
            execution_options={"synchronize_session": False},
        )
        for alert_id in plan.resolved:
            record_change(
                session,
                actor_user_id=None,
                action="controls:alert:resolve",
                entity_type="control_alert",
                entity_id=alert_id,
            )

    run = ControlRun(
        tenant_id=scope.tenant_id,
        id=uuid7(),
        trigger=trigger,
        started_at=started,
        finished_at=session.scalar(select(func.clock_timestamp())),
        hits=len(hits),
        opened=len(plan.new),
        resolved=len(plan.resolved),
        failures=failures,
    )
    session.add(run)
    session.flush()
    return RunSummary(run.id, len(hits), len(plan.new), len(plan.seen), len(plan.resolved), failures)


def request_data_controls_sync(session: Session) -> bool:
    """Ask for a run of the rules for the session's municipality after this transaction commits; False
    when one is already waiting to be sent (it will see this change too)."""
    waiting = session.scalar(
        select(
            exists().where(OutboxMessage.actor == RUN_DATA_CONTROLS, OutboxMessage.dispatched_at.is_(None))
        )
    )
    if waiting:
        return False
    enqueue(session, RUN_DATA_CONTROLS, {"trigger": "change"})
    return True


async def request_data_controls(session: AsyncSession) -> bool:
    """`request_data_controls_sync` for async services (decisions, household changes)."""
    return await session.run_sync(request_data_controls_sync)
