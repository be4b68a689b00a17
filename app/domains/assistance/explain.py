"""The explanation every computed amount carries: lines of (what, value, legal reference).

A line's `label` is an English msgid with `%(name)s` placeholders filled from `params`; it is translated
where it is shown (page, PDF, API), so the stored explanation is language-neutral. Values are Decimals
(amounts, coefficients, percentages) or ints (persons, months) or short codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Value = Decimal | int | str | None


@dataclass(frozen=True)
class Line:
    label: str  # msgid, e.g. "GMI threshold for each other person (%(n)s)"
    value: Value = None
    unit: str = ""  # "EUR", "%", "months", "ha", "" (a count or a coefficient)
    reference: str = ""  # "MK 809, 14. p.", "SPSPL 33. p. 2. d."
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        value = str(self.value) if isinstance(self.value, Decimal) else self.value
        return {
            "label": self.label,
            "value": value,
            "unit": self.unit,
            "reference": self.reference,
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Line:
        value = data.get("value")
        if isinstance(value, str) and data.get("unit") in ("EUR", "%", "ha", "coefficient"):
            value = Decimal(value)
        return cls(
            label=data["label"],
            value=value,
            unit=data.get("unit", ""),
            reference=data.get("reference", ""),
            params=data.get("params") or {},
        )


@dataclass(frozen=True)
class Computation:
    """A result with its reasons: `amount` is 0 when there is no entitlement; `eligible` says whether the
    test passed; `period_months` is the period the result grants (statuses, GMI), when it has one."""

    amount: Decimal
    eligible: bool
    lines: tuple[Line, ...]
    period_months: int | None = None

    def as_json(self) -> list[dict[str, Any]]:
        return [line.as_json() for line in self.lines]


def lines_from_json(data: list[dict[str, Any]]) -> tuple[Line, ...]:
    return tuple(Line.from_json(item) for item in data)
