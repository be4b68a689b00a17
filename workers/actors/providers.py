"""Provider registration expiry reminders on the workers: `send_provider_reminders` (periodic, mornings)
for every municipality, each in its own transaction, as the app role bound to the municipality by
row-level security (app/domains/providers/reminders.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.domains.providers.reminders import send_provider_reminders_sync
from workers.actors.controls import for_each_tenant, municipal_today
from workers.deps import WorkerDeps

PROVIDER_REMINDERS = "send_provider_reminders"


def provider_reminders(deps: WorkerDeps, today: dt.date | None = None) -> dict[str, int]:
    day = today or municipal_today()
    return for_each_tenant(
        deps.sessions,
        PROVIDER_REMINDERS,
        lambda session, _tenant: send_provider_reminders_sync(session, day),
    )


def make_provider_reminders(deps: WorkerDeps) -> Callable[[], dict[str, int]]:
    def send_provider_reminders_actor() -> dict[str, int]:
        return provider_reminders(deps)

    return send_provider_reminders_actor
