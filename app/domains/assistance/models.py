"""Social assistance: legal parameters (national, with municipal overrides), the means-test declaration
(MK 809) and the needy / low-income statuses granted on it.

Legal parameters and the national housing-cost norms are national reference data (no tenant, readable by
all, written only by migrations and the platform administrator); everything else is tenant-owned. Amounts
are `numeric(12,2)`, periods are `valid_from`/`valid_to` with `valid_to` the last day, inclusive."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.ids import uuid7
from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk

_PERIOD = "valid_to IS NULL OR valid_to >= valid_from"


class LegalParameter(Timestamped, Base):
    """One national parameter over a period: `key` names it (see `assistance/parameters.py`), `value` is a
    number (EUR, a percentage, a coefficient, months, hectares, a rounding quantum). Rows of one key tile
    time without overlap; the service refuses gaps and overlaps."""

    __tablename__ = "legal_parameters"
    __table_args__ = (
        UniqueConstraint("key", "valid_from"),
        CheckConstraint(_PERIOD, name="period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid7)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    legal_reference: Mapped[str] = mapped_column(String(300))  # "SPSPL 33. p. 1. d.; MK 809 …"
    unconfirmed: Mapped[bool] = mapped_column(Boolean, server_default="false")  # the brief could not confirm
    note: Mapped[str | None] = mapped_column(Text)


class HousingCostNorm(Timestamped, Base):
    """National minimum norm for one housing-cost item (MK 809 Annex 3): the monthly cap is
    (quantity_first + quantity_other × others) × unit_price. Items priced in euros use unit "EUR" and
    unit_price 1."""

    __tablename__ = "housing_cost_norms"
    __table_args__ = (
        UniqueConstraint("item", "valid_from"),
        CheckConstraint(_PERIOD, name="period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid7)
    item: Mapped[str] = mapped_column(String(40))  # rent, management, heating, hot_water, electricity, …
    unit: Mapped[str] = mapped_column(String(20))  # EUR, kWh, m3, …
    quantity_first: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    quantity_other: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    legal_reference: Mapped[str] = mapped_column(String(300))
    unconfirmed: Mapped[bool] = mapped_column(Boolean, server_default="false")


class MunicipalParameter(Timestamped, TenantOwned, Base):
    """A municipality's own value for a parameter (the low-income threshold, optionally per household
    type; more generous values), from its binding regulations. Wins over the national value on its dates."""

    __tablename__ = "municipal_parameters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key", "household_type", "valid_from"),
        CheckConstraint(_PERIOD, name="period"),
    )

    key: Mapped[str] = mapped_column(String(60))
    # "" = every household; otherwise a household type (working_age, single_parent, pensioners, …)
    household_type: Mapped[str] = mapped_column(String(30), server_default="")
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    legal_reference: Mapped[str] = mapped_column(String(300))  # "Saistošie noteikumi Nr. 12/2025, 3. p."
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class MunicipalHousingCostNorm(Timestamped, TenantOwned, Base):
    """A municipality's more generous norm for a housing-cost item (never below the national floor)."""

    __tablename__ = "municipal_housing_cost_norms"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item", "valid_from"),
        CheckConstraint(_PERIOD, name="period"),
    )

    item: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(20))
    quantity_first: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    quantity_other: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    legal_reference: Mapped[str] = mapped_column(String(300))


class Declaration(Versioned, Timestamped, TenantOwned, Base):
    """A means-test declaration (iztikas līdzekļu deklarācija, MK 809): the household on `declared_on`,
    each member's incomes by month, property and savings, housing costs. Regular incomes cover the 3 full
    months before the month of `declared_on`, irregular ones the 12 months before it.

    draft → submitted (signed by the applicant, certified by the worker; then read-only) → superseded."""

    __tablename__ = "declarations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("applicant_id", "persons"),
        tenant_fk("household_id", "households"),
        Index(None, "tenant_id", "applicant_id"),
        Index(None, "tenant_id", "household_id"),
    )

    number: Mapped[str] = mapped_column(String(30))  # "D-2026/00042"
    applicant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    household_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # None: a person living alone
    declared_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), server_default="draft")  # draft, submitted, superseded
    # Property (MK 809; SPSPL 36): the dwelling, other real property, vehicles, land, a maintenance contract.
    owns_dwelling: Mapped[bool] = mapped_column(Boolean, server_default="false")
    other_real_property: Mapped[int] = mapped_column(Integer, server_default="0")
    vehicles: Mapped[int] = mapped_column(Integer, server_default="0")
    land_hectares: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    savings: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")  # all members' balances
    maintenance_contract: Mapped[bool] = mapped_column(Boolean, server_default="false")
    other_criterion_failed: Mapped[str | None] = mapped_column(String(300))  # why a 1-month period applies
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class DeclarationMember(Timestamped, TenantOwned, Base):
    """A household member as declared: the person, the relation to the applicant and the social status
    on the declaration date (employed, unemployed, pensioner, disabled, pupil, child, other)."""

    __tablename__ = "declaration_members"
    __table_args__ = (
        tenant_fk("declaration_id", "declarations", ondelete="CASCADE"),
        tenant_fk("person_id", "persons"),
        UniqueConstraint("tenant_id", "declaration_id", "person_id"),
        Index(None, "tenant_id", "person_id"),
    )

    declaration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    relation: Mapped[str] = mapped_column(String(20))  # applicant, spouse, partner, child, parent, other
    social_status: Mapped[str] = mapped_column(String(20))
    pensioner: Mapped[bool] = mapped_column(Boolean, server_default="false")
    disability_group: Mapped[int | None] = mapped_column(Integer)
    age: Mapped[int | None] = mapped_column(Integer)  # full years on the declaration date


class DeclarationIncome(Timestamped, TenantOwned, Base):
    """One income of one member for one calendar month (`month` is its first day), after taxes. The type
    decides whether it counts, and over which period (regular: 3 months, irregular: 12)."""

    __tablename__ = "declaration_incomes"
    __table_args__ = (
        tenant_fk("declaration_id", "declarations", ondelete="CASCADE"),
        tenant_fk("member_id", "declaration_members", ondelete="CASCADE"),
        Index(None, "tenant_id", "declaration_id"),
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("extract(day from month) = 1", name="month"),
    )

    declaration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    member_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    income_type: Mapped[str] = mapped_column(String(40))  # see assistance/incomes.py
    month: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    source: Mapped[str | None] = mapped_column(String(100))  # employer, VSAA, NVA, bank statement…


class DeclarationHousingCost(Timestamped, TenantOwned, Base):
    """A monthly housing cost from the bills (average over the bills supplied), per item of the norms."""

    __tablename__ = "declaration_housing_costs"
    __table_args__ = (
        tenant_fk("declaration_id", "declarations", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "declaration_id", "item"),
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity"),
    )

    declaration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    item: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # EUR per month
    quantity: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 3)
    )  # units per month, when the norm counts units


class AssistanceStatus(Timestamped, TenantOwned, Base):
    """Needy (trūcīga) or low-income (maznodrošināta) status of a household over a period, granted by a
    registered decision on a declaration. Periods of one household do not overlap (checked under a lock)."""

    __tablename__ = "assistance_statuses"
    __table_args__ = (
        tenant_fk("declaration_id", "declarations"),
        tenant_fk("applicant_id", "persons"),
        tenant_fk("decision_id", "decisions"),
        tenant_fk("ended_by_decision_id", "decisions"),
        Index(None, "tenant_id", "valid_to"),
        Index(None, "tenant_id", "declaration_id"),  # statuses held by a declaration's members
        Index(None, "tenant_id", "applicant_id"),
        CheckConstraint("valid_to >= valid_from", name="period"),
        CheckConstraint("kind IN ('needy', 'low_income')", name="kind"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    applicant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    declaration_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))  # its members hold the status
    decision_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    ended_by_decision_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
