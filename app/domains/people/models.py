"""Persons (klienti). The foundation keeps the core identity; the people domain grows it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped


class Person(Timestamped, TenantOwned, Base):
    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("tenant_id", "personal_code"),
        # Name "starts with" search as a range on a stored normalised column: a leakproof btree
        # condition, so it stays an index condition under RLS (design §4).
        Index(None, "tenant_id", "name_norm"),
    )

    personal_code: Mapped[str | None] = mapped_column(String(12))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    name_norm: Mapped[str] = mapped_column(String(201))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
