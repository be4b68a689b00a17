"""The services every municipality starts with (domain brief §6.2–6.3, SPSPL Section 1): the common social
services, who funds them and their unit, and which keep a waiting list. Prices are the municipality's
(binding regulations), so none is set here.

`ensure_default_services_sync` adds the codes the municipality does not have yet: safe to run again, and it
never changes a service the municipality has edited."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.audit.service import record_change
from app.domains.services.event_rules import STEPS
from app.domains.services.models import ServiceType

SPSPL_FROM = dt.date(2003, 1, 1)
SPSPL_1 = "SPSPL 1. p."

# code, Latvian name, English name, funding, unit, keeps a waiting list
DEFAULT_SERVICES: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("APRUPE-MAJAS", "Aprūpe mājās", "Home care", "co_payment", "hour", True),
    ("DAC", "Dienas aprūpes centrs", "Day care centre", "municipal", "day", True),
    ("GRUPU-MAJA", "Grupu māja (dzīvoklis)", "Group home (flat)", "co_payment", "month", True),
    (
        "ILGSTOSA-APRUPE",
        "Ilgstošas sociālās aprūpes un sociālās rehabilitācijas institūcija",
        "Long-term social care and social rehabilitation institution",
        "co_payment",
        "day",
        True,
    ),
    ("KRIZES-CENTRS", "Krīzes centrs", "Crisis centre", "municipal", "day", False),
    ("PATVERSME", "Patversme un naktspatversme", "Shelter and night shelter", "municipal", "day", False),
    ("ATELPA", "Atelpas brīža pakalpojums", "Respite care", "municipal", "day", True),
    ("GIMENES-ASISTENTS", "Ģimenes asistents", "Family assistant", "municipal", "hour", True),
)


def default_rows(tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    return [
        {
            "tenant_id": tenant_id,
            "code": code,
            "name_lv": name_lv,
            "name_en": name_en,
            "legal_basis": SPSPL_1,
            "funding": funding,
            "unit": unit,
            "keeps_waiting_list": keeps_list,
            "valid_from": SPSPL_FROM,
            # Social services are given by a provider (the municipality's own institution or one it buys
            # from): every default service has the referral step.
            "steps": list(STEPS),
        }
        for code, name_lv, name_en, funding, unit, keeps_list in DEFAULT_SERVICES
    ]


def ensure_default_services_sync(session: Session, tenant_id: uuid.UUID) -> list[str]:
    """Adds the default services the municipality lacks (by code); returns the codes added."""
    if session.info.get("tenant_id") != tenant_id:
        raise RuntimeError("ensure_default_services needs a session bound to the same municipality")
    statement = (
        insert(ServiceType)
        .values(default_rows(tenant_id))
        .on_conflict_do_nothing(index_elements=["tenant_id", "code"])
        .returning(ServiceType.code)
    )
    created = list(session.scalars(statement))
    if created:
        record_change(
            session,
            actor_user_id=None,
            action="services:catalogue:seed",
            entity_type="service_catalogue",
            entity_id=None,
            after={"codes": sorted(created)},
        )
    return created
