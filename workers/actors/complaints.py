"""Complaint deadline reminders on the workers: `send_complaint_reminders` (periodic, mornings) for every
municipality, each in its own transaction, as the app role bound to the municipality by row-level
security (app/domains/complaints/reminders.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.domains.complaints.reminders import send_complaint_reminders_sync
from workers.actors.controls import for_each_tenant, municipal_today
from workers.deps import WorkerDeps

COMPLAINT_REMINDERS = "send_complaint_reminders"


def complaint_reminders(deps: WorkerDeps, today: dt.date | None = None) -> dict[str, int]:
    day = today or municipal_today()
    return for_each_tenant(
        deps.sessions,
        COMPLAINT_REMINDERS,
        lambda session, _tenant: send_complaint_reminders_sync(session, day),
    )


def make_complaint_reminders(deps: WorkerDeps) -> Callable[[], dict[str, int]]:
    def send_complaint_reminders_actor() -> dict[str, int]:
        return complaint_reminders(deps)

    return send_complaint_reminders_actor
