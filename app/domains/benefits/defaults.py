"""The catalogue every municipality starts with (domain brief §1–3, §5): the two basic benefits (GMI, housing
benefit), the needy and low-income statuses, a crisis benefit, and a few common municipal benefits as
examples the head of service adjusts to the municipality's binding regulations.

`ensure_default_catalogue` adds the entries whose code the municipality does not have yet: safe to run
again, and it never changes an entry the municipality has edited."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.service import record_change
from app.domains.benefits.catalogue_checks import check_benefit_type
from app.domains.benefits.models import BenefitType

MK_809_FROM = dt.date(2021, 1, 1)  # MK 809 in force; the formulas of SPSPL 33 and 35 apply since
MUNICIPAL_FROM = dt.date(2025, 1, 1)
# A month under the Administrative Procedure Law; municipal service cards say 20–30 working days
# (domain brief §2.3, UNCONFIRMED): the municipality sets its own.
BASIC_DECISION_DAYS = 20

_BASIC: dict[str, Any] = {
    "means_tested": True,
    "residents_only": True,
    "per": "household",
    "payment_channel": "client",
    "decision_days": BASIC_DECISION_DAYS,
    "valid_from": MK_809_FROM,
}

DEFAULT_CATALOGUE: tuple[dict[str, Any], ...] = (
    {
        **_BASIC,
        "code": "GMI",
        "name_lv": "Garantētā minimālā ienākuma pabalsts",
        "name_en": "Guaranteed minimum income benefit",
        "kind": "gmi",
        "legal_basis": "SPSPL 33. p.; MK 809",
        "threshold": "gmi",
        "amount_rule": "formula",
        "frequency": "monthly",
        "reporting_category": "gmi",
    },
    {
        **_BASIC,
        "code": "MP",
        "name_lv": "Mājokļa pabalsts",
        "name_en": "Housing benefit",
        "kind": "housing",
        "legal_basis": "SPSPL 35. p.; MK 809",
        "threshold": "gmi",
        "amount_rule": "formula",
        "frequency": "monthly",
        "payment_channel": "provider",
        "reporting_category": "housing",
    },
    {
        **_BASIC,
        "code": "TRUC",
        "name_lv": "Trūcīgas mājsaimniecības statuss",
        "name_en": "Needy household status",
        "kind": "needy_status",
        "legal_basis": "SPSPL 33. p. 2. d.; MK 809",
        "threshold": "needy",
        "amount_rule": "none",
        "frequency": "per_period",
        "reporting_category": "none",
    },
    {
        **_BASIC,
        "code": "MAZN",
        "name_lv": "Maznodrošinātas mājsaimniecības statuss",
        "name_en": "Low-income household status",
        "kind": "low_income_status",
        "legal_basis": "SPSPL 33. p. 3. d.; MK 809; pašvaldības saistošie noteikumi",
        "threshold": "low_income",
        "amount_rule": "none",
        "frequency": "per_period",
        "reporting_category": "none",
    },
    {
        # Kuldīga: 50 % of the minimum wage for sudden hardship (domain brief §5.1): no means test.
        "code": "KRIZE",
        "name_lv": "Pabalsts krīzes situācijā",
        "name_en": "Crisis benefit",
        "kind": "crisis",
        "legal_basis": "SPSPL 1. p. 14. pants, 35. p. 2. d.; pašvaldības saistošie noteikumi",
        "valid_from": MUNICIPAL_FROM,
        "means_tested": False,
        "residents_only": True,
        "amount_rule": "percent_of_threshold",
        "percent": Decimal("50"),
        "percent_of": "minimum_wage",
        "per": "household",
        "frequency": "one_off",
        "payment_channel": "client",
        "reporting_category": "other",
        "decision_days": 10,
    },
    {
        "code": "VESEL",
        "name_lv": "Pabalsts veselības aprūpes izdevumu segšanai",
        "name_en": "Health care benefit",
        "kind": "means_tested",
        "legal_basis": "SPSPL 35. p. 2. d. 1. p.; pašvaldības saistošie noteikumi",
        "valid_from": MUNICIPAL_FROM,
        "requires_status": "needy_or_low_income",
        "means_tested": False,
        "residents_only": True,
        "amount_rule": "actual_cost_capped",
        "cap": Decimal("100"),
        "per": "household",
        "frequency": "per_year",
        "yearly_cap": Decimal("150"),
        "payment_channel": "client",
        "reporting_category": "health_care",
        "decision_days": 10,
    },
    {
        # Kuldīga's housing (fuel) benefit: receipts of at least 50 EUR; at most 180 / 215 / 250 EUR a
        # year by the number of children (domain brief §5.2).
        "code": "KURIN",
        "name_lv": "Pabalsts kurināmā iegādei",
        "name_en": "Fuel benefit",
        "kind": "means_tested",
        "legal_basis": "SPSPL 35. p. 2. d.; pašvaldības saistošie noteikumi",
        "valid_from": MUNICIPAL_FROM,
        "requires_status": "needy_or_low_income",
        "means_tested": False,
        "residents_only": True,
        "amount_rule": "actual_cost_capped",
        "cap": Decimal("250"),
        "min_claim": Decimal("50"),
        "per": "household",
        "frequency": "per_year",
        "yearly_cap": Decimal("180"),
        "yearly_cap_by_children": [
            {"children_from": 1, "cap": Decimal("215")},
            {"children_from": 3, "cap": Decimal("250")},
        ],
        "payment_channel": "provider",
        "reporting_category": "other",
        "decision_days": 10,
    },
    {
        "code": "SKOLA",
        "name_lv": "Pabalsts mācību piederumu iegādei",
        "name_en": "School supplies benefit",
        "kind": "means_tested",
        "legal_basis": "SPSPL 35. p. 2. d.; pašvaldības saistošie noteikumi",
        "valid_from": MUNICIPAL_FROM,
        "requires_status": "needy_or_low_income",
        "means_tested": False,
        "target_groups": ["child"],
        "min_age": 5,
        "residents_only": True,
        "amount_rule": "fixed",
        "amount": Decimal("50"),
        "per": "person",
        "frequency": "per_year",
        "times_per_year": 1,
        "payment_channel": "client",
        "reporting_category": "other",
        "decision_days": 10,
    },
    {
        # A voluntary-initiative benefit (not means-tested): per newborn (a child under one year).
        "code": "DZIMS",
        "name_lv": "Bērna piedzimšanas pabalsts",
        "name_en": "Childbirth benefit",
        "kind": "voluntary",
        "legal_basis": "Pašvaldības saistošie noteikumi",
        "valid_from": MUNICIPAL_FROM,
        "means_tested": False,
        "target_groups": ["child"],
        "max_age": 0,
        "residents_only": True,
        "amount_rule": "fixed",
        "amount": Decimal("200"),
        "per": "person",
        "frequency": "one_off",
        "payment_channel": "client",
        "reporting_category": "none",
        "decision_days": 10,
    },
)
BASIC_CODES = ("GMI", "MP", "TRUC", "MAZN", "KRIZE")


def default_rows(tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    """The default catalogue as checked column values; a default the checks refuse is a bug."""
    rows = []
    for raw in DEFAULT_CATALOGUE:
        values, errors = check_benefit_type(raw)
        if errors:
            raise ValueError(f"default benefit {raw['code']}: {errors}")
        rows.append({"tenant_id": tenant_id, "active": True, **values})
    return rows


def _statement(tenant_id: uuid.UUID) -> Insert:
    return (
        insert(BenefitType)
        .values(default_rows(tenant_id))
        .on_conflict_do_nothing(index_elements=["tenant_id", "code"])
        .returning(BenefitType.code)
    )


def _audit(session: AsyncSession | Session, created: list[str]) -> None:
    if created:
        record_change(
            session,
            actor_user_id=None,
            action="benefits:catalogue:seed",
            entity_type="benefit_catalogue",
            entity_id=None,
            after={"codes": sorted(created)},
        )


def _bound(session: AsyncSession | Session, tenant_id: uuid.UUID) -> None:
    if session.info.get("tenant_id") != tenant_id:
        raise RuntimeError("ensure_default_catalogue needs a session bound to the same municipality")


async def ensure_default_catalogue(session: AsyncSession, tenant_id: uuid.UUID) -> list[str]:
    """Adds the default entries the municipality lacks (by code); returns the codes added."""
    _bound(session, tenant_id)
    created = list(await session.scalars(_statement(tenant_id)))
    _audit(session, created)
    return created


def ensure_default_catalogue_sync(session: Session, tenant_id: uuid.UUID) -> list[str]:
    """The same for the synchronous callers (demo data, the CLI, workers)."""
    _bound(session, tenant_id)
    created = list(session.scalars(_statement(tenant_id)))
    _audit(session, created)
    return created
