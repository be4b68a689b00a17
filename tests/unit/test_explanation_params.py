"""How an explanation line's parameters read: amounts keep their cents, counts do not gain any."""

from __future__ import annotations

from decimal import Decimal

from app.domains.assistance.explain import Line
from app.domains.services.event_rules import COST
from app.web.routes.applications_common import explain


def test_a_price_keeps_its_cents_and_units_stay_as_counted() -> None:
    line = Line(
        COST,
        Decimal("78.00"),
        "EUR",
        "MK 275",
        params={"units": Decimal("10"), "price": Decimal("7.80"), "unit": "hour"},
    )
    [lv] = explain([line], "lv")
    assert "(10 × 7,80)" in lv.label and lv.value.startswith("78,00")
    [en] = explain([line], "en")
    assert "(10 × 7.80)" in en.label
    big = Line(
        COST,
        Decimal("1234.50"),
        "EUR",
        "MK 275",
        params={"units": Decimal("8.5"), "price": Decimal("1234.50"), "unit": "day"},
    )
    assert "(8,5 × 1 234,50)" in explain([big], "lv")[0].label.replace("\u00a0", " ")
