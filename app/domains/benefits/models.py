"""Benefits: the municipality's benefit catalogue, applications, registered decisions and the benefit
grants (periods of payment) they create, change or stop.

A grant is created, reduced or stopped only by a decision (`decision_id`, `ended_by_decision_id`): no
amount changes without a registered decision."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
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

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class BenefitType(Versioned, Timestamped, TenantOwned, Base):
    """One benefit of the municipality's catalogue (domain brief §5.2). `kind` ties the two basic
    benefits and the statuses to their formulas; every other benefit is described by its rules."""

    __tablename__ = "benefit_types"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
        CheckConstraint(
            "kind IN ('gmi', 'housing', 'needy_status', 'low_income_status', 'crisis', 'means_tested',"
            " 'voluntary', 'out_of_family_care', 'other')",
            name="kind",
        ),
        CheckConstraint(
            "amount_rule IN ('fixed', 'percent_of_threshold', 'formula', 'actual_cost_capped', 'none')",
            name="amount_rule",
        ),
        CheckConstraint("per IN ('person', 'household')", name="per"),
        CheckConstraint("frequency IN ('one_off', 'monthly', 'per_period', 'per_year')", name="frequency"),
        CheckConstraint("payment_channel IN ('client', 'provider', 'in_kind')", name="payment_channel"),
        CheckConstraint(
            "requires_status IN ('none', 'needy', 'low_income', 'needy_or_low_income')",
            name="requires_status",
        ),
    )

    code: Mapped[str] = mapped_column(String(30))  # GMI, MP, KRIZE, …
    name_lv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    legal_basis: Mapped[str] = mapped_column(String(300))  # act, article, binding-regulation number
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    requires_status: Mapped[str] = mapped_column(String(30), server_default="none")
    means_tested: Mapped[bool] = mapped_column(Boolean, server_default="false")
    threshold: Mapped[str | None] = mapped_column(String(20))  # gmi, needy, low_income, custom
    custom_threshold: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    target_groups: Mapped[list[str]] = mapped_column(ARRAY(String(30)), server_default="{}")
    min_age: Mapped[int | None] = mapped_column(Integer)  # age range of the persons counted, full years
    max_age: Mapped[int | None] = mapped_column(Integer)
    residents_only: Mapped[bool] = mapped_column(Boolean, server_default="true")
    amount_rule: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # fixed sum
    percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))  # of `percent_of` (threshold / min. wage)
    percent_of: Mapped[str | None] = mapped_column(String(30))
    cap: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # actual cost up to this, per payment
    min_claim: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # receipts must add up to at least this
    per: Mapped[str] = mapped_column(String(10), server_default="household")
    frequency: Mapped[str] = mapped_column(String(20))
    yearly_cap: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    times_per_year: Mapped[int | None] = mapped_column(Integer)
    # Higher yearly caps by the number of children: [{"children_from": 1, "cap": "215.00"}, …]
    yearly_cap_by_children: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    payment_channel: Mapped[str] = mapped_column(String(20), server_default="client")
    reporting_category: Mapped[str] = mapped_column(String(20), server_default="other")  # MK 324
    decision_days: Mapped[int | None] = mapped_column(Integer)  # decision deadline, working days
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")


class Application(Versioned, Timestamped, TenantOwned, Base):
    """A request for one benefit (or status) of the catalogue: received → assessed → decided, or
    withdrawn. Means-tested ones point at the declaration they are assessed on."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("applicant_id", "persons"),
        tenant_fk("household_id", "households"),
        tenant_fk("declaration_id", "declarations"),
        tenant_fk("benefit_type_id", "benefit_types"),
        tenant_fk("case_id", "cases"),
        Index(None, "tenant_id", "applicant_id"),
        Index(None, "tenant_id", "status", "received_on"),
        CheckConstraint("status IN ('received', 'assessed', 'decided', 'withdrawn')", name="status"),
    )

    number: Mapped[str] = mapped_column(String(30))  # "PA-2026/00042"
    applicant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    household_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    declaration_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    benefit_type_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    case_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20), server_default="in_person")  # in_person, e_service, post
    status: Mapped[str] = mapped_column(String(20), server_default="received")
    requested_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # actual cost claimed
    # The assessment: the computed amount (per month or once) and its explanation lines.
    assessed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    assessed_eligible: Mapped[bool | None] = mapped_column(Boolean)
    assessed_period_months: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class Decision(Timestamped, TenantOwned, Base):
    """A registered administrative decision: on an application (granted, partly granted, refused) or on an
    existing grant (changed, stopped). Carries its reasons, the explanation of the amount, and the PDF."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("application_id", "applications"),
        tenant_fk("grant_id", "benefit_grants", use_alter=True),
        tenant_fk("document_id", "documents"),
        Index(None, "tenant_id", "application_id"),
        CheckConstraint(
            "outcome IN ('granted', 'partly_granted', 'refused', 'changed', 'stopped')", name="outcome"
        ),
        CheckConstraint("length(btrim(reasons)) > 0", name="reasons"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="period"),
    )

    number: Mapped[str] = mapped_column(String(30))  # registration number, "LEM-2026/00042"
    application_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    grant_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # the grant changed or stopped
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    document_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # the PDF, once rendered


class BenefitGrant(Timestamped, TenantOwned, Base):
    """A benefit paid over a period (or once) by a decision. Grants of one benefit kind for one household
    (or person) do not overlap; reducing or stopping one ends it by a later decision."""

    __tablename__ = "benefit_grants"
    __table_args__ = (
        tenant_fk("decision_id", "decisions"),
        tenant_fk("ended_by_decision_id", "decisions"),
        tenant_fk("benefit_type_id", "benefit_types"),
        tenant_fk("applicant_id", "persons"),
        tenant_fk("household_id", "households"),
        Index(None, "tenant_id", "household_id"),  # the overlap check of a decision
        Index(None, "tenant_id", "applicant_id"),
        Index(None, "tenant_id", "valid_to"),
        CheckConstraint("valid_to >= valid_from", name="period"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    decision_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    benefit_type_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    applicant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    household_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # per month, or the one-off sum
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    payment_channel: Mapped[str] = mapped_column(String(20))
    payee: Mapped[str | None] = mapped_column(String(200))  # a provider paid directly (heat supplier…)
    ended_by_decision_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    ended_on: Mapped[date | None] = mapped_column(Date)  # last day paid after a stop; None: runs to valid_to
