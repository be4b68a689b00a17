"""A means-test declaration as plain values: what the pure rules read (assessment.py fills it from the
database; tests build it by hand)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class MemberFacts:
    """A household member on the declaration date: `age` in full years (None: unknown, taken as an
    adult), pensioner, disability group (None: none), social status and relation as declared."""

    age: int | None = None
    pensioner: bool = False
    disability_group: int | None = None
    social_status: str = ""
    relation: str = ""
    member_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None

    @property
    def pensioner_or_disabled(self) -> bool:
        return self.pensioner or self.disability_group is not None


@dataclass(frozen=True)
class IncomeFacts:
    """One income of one member for one calendar month (`month` is its first day), after taxes."""

    income_type: str
    month: dt.date
    amount: Decimal
    member_id: uuid.UUID | None = None


@dataclass(frozen=True)
class HousingCostFacts:
    """A monthly housing cost of one item of the norms (EUR; `quantity` in the norm's unit, if known)."""

    item: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True)
class DeclarationFacts:
    declared_on: dt.date
    members: tuple[MemberFacts, ...]
    incomes: tuple[IncomeFacts, ...] = ()
    housing_costs: tuple[HousingCostFacts, ...] = ()
    owns_dwelling: bool = False
    other_real_property: int = 0
    vehicles: int = 0
    land_hectares: Decimal = Decimal("0")
    savings: Decimal = Decimal("0")
    maintenance_contract: bool = False
    other_criterion_failed: str | None = None  # why another (non-income) criterion is not met
    declaration_id: uuid.UUID | None = None
    number: str = ""
    status: str = ""

    @property
    def persons(self) -> int:
        return len(self.members)
