"""Service events as pure rules: the configured steps in their fixed order, completing only the current
step with its documents, and the month's settlement to the cent with its explanation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.domains.services.event_rules import (
    ASSESSMENT,
    CO_PAYMENT,
    COST,
    DECISION,
    DELIVERY,
    DOCUMENTS_MISSING,
    NEEDY_FREE,
    NOT_NEXT,
    PAYER_SHARE,
    REFERRAL,
    REFUSED_ENDS,
    REQUESTED,
    SETTLEMENT,
    STEP_NEEDED,
    UNKNOWN_STEP,
    Delivery,
    check_complete,
    missing_documents,
    next_step,
    normalised_steps,
    settle_month,
)

D = Decimal
HOME_CARE = (REQUESTED, ASSESSMENT, DECISION, REFERRAL, DELIVERY, SETTLEMENT)
DOCUMENTS = {REQUESTED: ["application"], ASSESSMENT: ["needs_assessment", "doctor_statement"]}


def test_steps_come_in_their_fixed_order_whatever_the_configuration_says() -> None:
    assert normalised_steps([SETTLEMENT, DECISION, REQUESTED, DELIVERY]) == (
        (REQUESTED, DECISION, DELIVERY, SETTLEMENT),
        [],
    )


@pytest.mark.parametrize(
    ("configured", "errors"),
    [([ASSESSMENT, DECISION], [STEP_NEEDED]), ([REQUESTED, DECISION, "payment"], [UNKNOWN_STEP])],
)
def test_bad_configurations_are_refused(configured: list[str], errors: list[str]) -> None:
    assert normalised_steps(configured)[1] == errors


def test_next_step_and_the_end() -> None:
    assert next_step(HOME_CARE, DECISION) == REFERRAL
    assert next_step((REQUESTED, DECISION), DECISION) is None


def test_a_step_completes_only_when_current_and_its_documents_are_there() -> None:
    assert missing_documents(DOCUMENTS, ASSESSMENT, ["needs_assessment"]) == ["doctor_statement"]
    assert check_complete(HOME_CARE, DOCUMENTS, ASSESSMENT, ASSESSMENT, ["needs_assessment"]) == [
        DOCUMENTS_MISSING
    ]
    assert (
        check_complete(HOME_CARE, DOCUMENTS, ASSESSMENT, ASSESSMENT, ["doctor_statement", "needs_assessment"])
        == []
    )
    assert check_complete(HOME_CARE, DOCUMENTS, ASSESSMENT, DECISION, []) == [NOT_NEXT]
    assert check_complete((REQUESTED, DECISION), DOCUMENTS, REFERRAL, REFERRAL, []) == [NOT_NEXT]
    assert check_complete(HOME_CARE, DOCUMENTS, REFERRAL, REFERRAL, [], refused=True) == [REFUSED_ENDS]


def visits(*days_units: tuple[int, str], month: int = 3) -> list[Delivery]:
    return [Delivery(dt.date(2026, month, day), D(units)) for day, units in days_units]


def test_the_month_is_units_times_price_with_the_clients_share() -> None:
    # 12.5 h × 7.35 € = 91.875 → 91.88; 25 % = 22.97; the municipality 68.91.
    deliveries = visits((2, "4"), (9, "4.5"), (16, "4")) + visits((30, "3"), month=4)
    client, payer = settle_month(
        deliveries,
        dt.date(2026, 3, 15),
        price=D("7.35"),
        unit="hour",
        co_payment_percent=D("25"),
        needy=False,
    )
    assert (client.amount, payer) == (D("22.97"), D("68.91"))
    assert [(line.label, line.value) for line in client.lines] == [
        (COST, D("91.88")),
        (CO_PAYMENT, D("22.97")),
        (PAYER_SHARE, D("68.91")),
    ]
    assert client.lines[0].params == {"units": D("12.5"), "price": D("7.35"), "unit": "hour"}
    assert client.lines[1].params == {"percent": D("25")}


def test_a_needy_client_pays_nothing() -> None:
    client, payer = settle_month(
        visits((2, "10")),
        dt.date(2026, 3, 1),
        price=D("7.35"),
        unit="hour",
        co_payment_percent=D("25"),
        needy=True,
    )
    assert (client.amount, payer) == (D("0.00"), D("73.50"))
    assert client.lines[1].label == NEEDY_FREE


def test_a_month_without_deliveries_costs_nothing() -> None:
    client, payer = settle_month(
        visits((2, "10"), month=2),
        dt.date(2026, 3, 1),
        price=D("7.35"),
        unit="hour",
        co_payment_percent=D("25"),
        needy=False,
    )
    assert (client.amount, payer) == (D("0.00"), D("0.00"))
