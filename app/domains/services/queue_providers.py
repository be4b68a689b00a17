"""Whose places a waiting list is for: the municipality's own list of a service, or a provider's — a
provider registered in the municipality's provider register (in force on the day) for that service.
The lists of one service side by side, each with how many hold a place in it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.providers.models import ProviderRegistration
from app.domains.services import queue_rules as rules
from app.domains.services.models import QueueEntry, ServiceType
from app.i18n import latvian_sort_key


@dataclass(frozen=True)
class ListChoice:
    provider_id: uuid.UUID | None  # None: the municipality's own list
    provider_name: str | None
    holding: int  # entries holding a place


def offers(service: ServiceType, service_types: list[str]) -> bool:
    """Whether a registration's service types name the service (its Latvian or English name, either one
    containing the other, case and spacing aside): the register keeps service types as written."""
    names = {" ".join(n.split()).casefold() for n in (service.name_lv, service.name_en)}
    for written in service_types:
        item = " ".join(written.split()).casefold()
        if any(name in item or item in name for name in names if name and item):
            return True
    return False


async def provider_choices(
    session: AsyncSession, service: ServiceType, today: dt.date
) -> list[tuple[uuid.UUID, str]]:
    """The providers a list of `service` may be for: registered, in force on `today`, for the service."""
    r = ProviderRegistration
    rows = await session.execute(
        select(r.id, r.provider_name, r.service_types).where(r.status == "registered", r.valid_until >= today)
    )
    found = [(r[0], r[1]) for r in rows if offers(service, list(r[2]))]
    return sorted(found, key=lambda c: latvian_sort_key(c[1]))


async def service_lists(session: AsyncSession, service: ServiceType, today: dt.date) -> list[ListChoice]:
    """The municipality's own list first, then each provider's that holds places or may hold them."""
    counts = {
        provider: int(n)
        for provider, n in await session.execute(
            select(QueueEntry.provider_id, func.count())
            .where(QueueEntry.service_type_id == service.id, QueueEntry.state.in_(rules.HOLDS_PLACE))
            .group_by(QueueEntry.provider_id)
        )
    }
    names = dict(await provider_choices(session, service, today))
    missing = [p for p in counts if p is not None and p not in names]
    if missing:  # a provider no longer in force still has people waiting: its list stays visible
        names.update(
            (r[0], r[1])
            for r in await session.execute(
                select(ProviderRegistration.id, ProviderRegistration.provider_name).where(
                    ProviderRegistration.id.in_(missing)
                )
            )
        )
    providers = sorted(names.items(), key=lambda item: latvian_sort_key(item[1]))
    return [ListChoice(None, None, counts.get(None, 0))] + [
        ListChoice(pid, name, counts.get(pid, 0)) for pid, name in providers
    ]
