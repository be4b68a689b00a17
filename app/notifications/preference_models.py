"""Who wants to be told what, and how: a client's channels, language and consent, and each staff member's
choice of the events that also reach them by e-mail (the in-app inbox always gets them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk

# The electronic channels a client may choose; none chosen means letters by post or in person.
CLIENT_CHANNELS = ("email", "sms", "eaddress")
NOTICE_LANGUAGES = ("lv", "en")


class ContactPreference(Versioned, Timestamped, TenantOwned, Base):
    """A client's notification channels and language, and their consent to electronic notices: given or
    withdrawn, on which day, recorded by which staff member. Nothing is sent electronically without a
    given consent; every change is in the change log."""

    __tablename__ = "contact_preferences"
    __table_args__ = (
        tenant_fk("person_id", "persons"),
        UniqueConstraint("tenant_id", "person_id"),
        CheckConstraint("channels <@ ARRAY['email', 'sms', 'eaddress']::varchar[]", name="channels"),
        CheckConstraint("language IN ('lv', 'en')", name="language"),
        CheckConstraint("consent IS NULL OR consent IN ('given', 'withdrawn')", name="consent"),
        CheckConstraint("(consent IS NULL) = (consent_on IS NULL)", name="consent_day"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(20)), server_default="{}")
    language: Mapped[str] = mapped_column(String(2), server_default="lv")
    consent: Mapped[str | None] = mapped_column(String(10))  # None: never asked
    consent_on: Mapped[date | None] = mapped_column(Date)
    consent_recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("app.users.id")
    )
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class StaffNotificationSetting(Timestamped, TenantOwned, Base):
    """The events a staff member also wants by e-mail in this municipality."""

    __tablename__ = "staff_notification_settings"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    email_events: Mapped[list[str]] = mapped_column(ARRAY(String(60)), server_default="{}")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
