"""The register of social service providers (MK 385 of 27.06.2017): an application with its documents is
reviewed and decided; a registration covers the service types and the actual service addresses it names
and is valid five years from the decision; it may be changed, excluded, or renewed by a new application.

Tenant-owned: the national register is kept by the Ministry of Welfare in SPOLIS, but here each
municipality keeps the applications it receives and reviews (its staff review and decide; the app role may
write only tenant tables, national tables are read-only reference data). The public search reads the
registered rows of every municipality through a narrow read (`queries.public_search`)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class ProviderRegistration(Versioned, Timestamped, TenantOwned, Base):
    """One application and, once registered, the registration it became (number, validity, scope)."""

    __tablename__ = "provider_registrations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("renews_id", "provider_registrations"),
        Index(None, "tenant_id", "status", "valid_until"),  # the lists, the public search, the reminders
        Index(None, "tenant_id", "provider_code"),
        Index(None, "tenant_id", "renews_id"),
        Index(None, "tenant_id", "applicant_code"),
        CheckConstraint(
            "provider_kind IN ('state', 'municipal', 'legal_person', 'natural_person')", name="provider_kind"
        ),
        CheckConstraint(
            "status IN ('submitted', 'under_review', 'registered', 'refused', 'excluded', 'renewed')",
            name="status",
        ),
        CheckConstraint("cardinality(service_types) > 0 AND cardinality(addresses) > 0", name="scope"),
        CheckConstraint(
            "status NOT IN ('registered', 'excluded', 'renewed') "
            "OR (valid_from IS NOT NULL AND valid_until IS NOT NULL AND decided_on IS NOT NULL)",
            name="registered",
        ),
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="validity"),
        CheckConstraint("status <> 'refused' OR decision_reason IS NOT NULL", name="refused"),
    )

    number: Mapped[str] = mapped_column(String(30))  # "SPR-2026/00042"
    provider_name: Mapped[str] = mapped_column(String(200))
    provider_kind: Mapped[str] = mapped_column(String(20))
    provider_code: Mapped[str] = mapped_column(String(20))  # registration number or personal code: staff only
    contact: Mapped[str | None] = mapped_column(String(300))  # staff only
    service_types: Mapped[list[str]] = mapped_column(ARRAY(String(200)))
    addresses: Mapped[list[str]] = mapped_column(ARRAY(String(300)))
    documents: Mapped[str | None] = mapped_column(Text)  # the documents submitted with the application
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), server_default="submitted")
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)  # refusal or exclusion grounds
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    excluded_on: Mapped[date | None] = mapped_column(Date)
    renews_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # the registration it renews
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    # The personal code of whoever submitted it through the e-services (signed in): they follow and update it.
    applicant_code: Mapped[str | None] = mapped_column(String(11))
