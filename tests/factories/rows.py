"""Generic rows for any table, built from the table's own columns: the isolation tests walk every tenant
table through this, so a new table is covered the day it is created."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    insert,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from app.ids import uuid7
from app.metadata import metadata

# Tables whose check constraint needs exactly one of several optional references: the one to fill.
_REQUIRED_CHOICE = {"cases": "person_id"}
# Columns whose check constraint admits only certain values.
_CHECKED_VALUES = {
    ("document_register", "direction"): "in",
    ("benefit_types", "kind"): "other",
    ("benefit_types", "amount_rule"): "fixed",
    ("benefit_types", "frequency"): "one_off",
    ("decisions", "outcome"): "refused",
    ("assistance_statuses", "kind"): "needy",
    ("declaration_incomes", "month"): dt.date(2026, 1, 1),
    ("notification_messages", "channel"): "email",
    ("notification_messages", "status"): "queued",
    ("contact_problems", "channel"): "email",
    ("complaints", "kind"): "complaint",
    ("complaints", "channel"): "post",
    ("complaints", "status"): "registered",
    ("service_types", "funding"): "municipal",
    ("service_types", "unit"): "day",
    ("provider_registrations", "provider_kind"): "legal_person",
}


def tenant_tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if "tenant_id" in t.c]


def _value(column: Any) -> Any:
    t = column.type
    if isinstance(t, UUID):
        return uuid7()
    if isinstance(t, ARRAY):
        return ["x"]
    if isinstance(t, JSONB):
        return {"k": "v"}
    if isinstance(t, LargeBinary):
        return b"x"
    if isinstance(t, Boolean):
        return True
    if isinstance(t, Integer):
        return 1
    if isinstance(t, Numeric):
        return Decimal("1.00")
    if isinstance(t, DateTime):
        return dt.datetime.now(dt.UTC)
    if isinstance(t, Date):
        return dt.date(2026, 1, 1)
    if isinstance(t, String | Text):
        length = getattr(t, "length", None) or 20
        return uuid.uuid4().hex[: min(length, 12)]
    raise NotImplementedError(f"no generic value for {column}")


def insert_row(conn: Connection, table: Table, tenant_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    """Insert one row into `table` for `tenant_id` (through `conn`, whose role and tenant apply), creating
    the rows it references first. Returns the inserted values."""
    values: dict[str, Any] = {"tenant_id": tenant_id}
    for fk in table.foreign_key_constraints:
        target = fk.referred_table
        if target.name == "tenants":
            continue
        local = [c.name for c in fk.columns if c.name != "tenant_id"]
        if all(name in overrides for name in local):
            continue
        optional = all(table.c[name].nullable for name in local)
        if optional and _REQUIRED_CHOICE.get(table.name) not in local:
            continue  # optional references stay empty (a check may allow only one of them)
        parent = _insert_user(conn) if target.name == "users" else insert_row(conn, target, tenant_id)
        for elem in fk.elements:
            values[elem.parent.name] = parent[elem.column.name]
    for column in table.columns:
        if column.name in values or column.name in overrides:
            continue
        if column.nullable or column.server_default is not None:
            continue
        values[column.name] = _CHECKED_VALUES.get((table.name, column.name)) or _value(column)
    values.update(overrides)
    conn.execute(insert(table).values(**values))
    return values


def _insert_user(conn: Connection) -> dict[str, Any]:
    users = metadata.tables["app.users"]
    values = {"id": uuid7(), "username": f"u-{uuid.uuid4().hex[:12]}", "full_name": "Testa Lietotājs"}
    conn.execute(insert(users).values(**values))
    return values
