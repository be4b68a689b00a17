"""the assistant's hourly rate as a dated national legal parameter

The assistant service's pay an hour with taxes (MK 316; domain brief §7) is no longer typed per agreement:
reports are paid at the `assistant_hourly_rate` in force on their month. 3.70 EUR under MK 942 until
30.06.2021, 4.50 EUR from 01.07.2021 [S48]; MK 316 was amended from 01.04.2023 (23-TA-336) with an amount
the brief could not confirm, so 4.50 is kept from that day marked unconfirmed, to be checked.

Revision ID: 0017
Revises: 0016
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "assistant_hourly_rate"
# The note is a msgid of app.domains.assistance.parameters.NATIONAL_NOTES (pages translate it).
RAISED = (
    "Raised from 01.04.2023 by an amendment of MK 316 (23-TA-336); the new amount is unconfirmed here: "
    "check it."
)
ROWS: tuple[tuple[str, str, str | None, str, bool, str | None], ...] = (
    ("3.70", "2021-01-01", "2021-06-30", "MK 942", False, None),
    ("4.50", "2021-07-01", "2023-03-31", "MK 316", False, None),
    ("4.50", "2023-04-01", None, "MK 316", True, RAISED),
)


def upgrade() -> None:
    from app.ids import uuid7

    parameters = sa.table(
        "legal_parameters",
        *(sa.column(c) for c in ("id", "key", "value", "valid_from", "valid_to", "legal_reference")),
        sa.column("unconfirmed"),
        sa.column("note"),
        schema="app",
    )
    op.bulk_insert(
        parameters,
        [
            {
                "id": uuid7(),
                "key": KEY,
                "value": Decimal(value),
                "valid_from": dt.date.fromisoformat(valid_from),
                "valid_to": dt.date.fromisoformat(valid_to) if valid_to else None,
                "legal_reference": reference,
                "unconfirmed": unconfirmed,
                "note": note,
            }
            for value, valid_from, valid_to, reference, unconfirmed, note in ROWS
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM app.legal_parameters WHERE key = :key").bindparams(key=KEY))
