"""Service events as pure rules: the configured steps in their fixed order, completing only the current
step with its documents, and the month's settlement to the cent with its explanation — each delivery at
the price in force on its day, one cost line for each price when the price changed within the month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.domains.assistance.explain import Computation
from app.domains.services.event_rules import (
    ASSESSMENT,
    CO_PAYMENT,
    COST,
    COST_PART,
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
    PriceChange,
    PricePeriod,
    check_complete,
    missing_documents,
    next_step,
    normalised_steps,
    price_on,
    price_periods,
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


# --- prices by date -----------------------------------------------------------------------------------------

CHANGES = (PriceChange(dt.date(2026, 5, 1), D("8.10")), PriceChange(dt.date(2026, 3, 16), D("7.80")))


def test_the_price_on_a_day_is_the_latest_change_from_that_day_or_before() -> None:
    assert price_on(dt.date(2026, 3, 15), D("7.35"), CHANGES) == D("7.35")  # the service's own price
    assert price_on(dt.date(2026, 3, 16), D("7.35"), CHANGES) == D("7.80")  # from its day on
    assert price_on(dt.date(2026, 4, 30), D("7.35"), CHANGES) == D("7.80")
    assert price_on(dt.date(2026, 5, 1), D("7.35"), CHANGES) == D("8.10")
    assert price_on(dt.date(2030, 1, 1), D("7.35"), CHANGES) == D("8.10")
    assert price_on(dt.date(2026, 5, 1), D("7.35"), ()) == D("7.35")


def test_the_prices_one_after_another() -> None:
    assert price_periods(dt.date(2026, 1, 1), D("7.35"), CHANGES) == [
        PricePeriod(dt.date(2026, 1, 1), dt.date(2026, 3, 15), D("7.35")),
        PricePeriod(dt.date(2026, 3, 16), dt.date(2026, 4, 30), D("7.80")),
        PricePeriod(dt.date(2026, 5, 1), None, D("8.10")),
    ]
    assert price_periods(dt.date(2026, 1, 1), None, ()) == [PricePeriod(dt.date(2026, 1, 1), None, None)]
    # A change on the service's first day replaces its own price.
    assert price_periods(dt.date(2026, 3, 16), D("7.35"), CHANGES[1:]) == [
        PricePeriod(dt.date(2026, 3, 16), None, D("7.80"))
    ]


def settle(
    deliveries: list[Delivery], changes: tuple[PriceChange, ...], *, needy: bool = False
) -> tuple[Computation, Decimal]:
    """March 2026 of home care at 7.35 € an hour (the service's own price), 25 % co-payment."""
    return settle_month(
        deliveries,
        dt.date(2026, 3, 1),
        price=D("7.35"),
        unit="hour",
        co_payment_percent=D("25"),
        needy=needy,
        changes=changes,
    )


def test_a_price_changed_in_the_middle_of_the_month_gives_a_cost_line_for_each_part() -> None:
    # 1–15 March at 7.35: 8.5 h = 62.475 → 62.48; 16–31 March at 7.80: 4 h = 31.20; together 93.68.
    # 25 % of 93.68 = 23.42; the municipality 70.26.
    deliveries = visits((2, "4"), (9, "4.5"), (16, "4")) + visits((1, "3"), month=4)
    client, payer = settle(deliveries, CHANGES)
    assert (client.amount, payer) == (D("23.42"), D("70.26"))
    assert [(line.label, line.value) for line in client.lines] == [
        (COST_PART, D("62.48")),
        (COST_PART, D("31.20")),
        (CO_PAYMENT, D("23.42")),
        (PAYER_SHARE, D("70.26")),
    ]
    assert [line.params for line in client.lines[:2]] == [
        {"from": "2026-03-01", "to": "2026-03-15", "units": D("8.5"), "price": D("7.35"), "unit": "hour"},
        {"from": "2026-03-16", "to": "2026-03-31", "units": D("4"), "price": D("7.80"), "unit": "hour"},
    ]


def test_each_parts_cost_is_rounded_to_cents_half_up_before_they_are_added() -> None:
    # 0.5 h × 7.35 = 3.675 → 3.68 and 0.5 h × 7.81 = 3.905 → 3.91: 7.59 (not 0.5 × 15.16 = 7.58).
    changes = (PriceChange(dt.date(2026, 3, 16), D("7.81")),)
    client, payer = settle(visits((2, "0.5"), (20, "0.5")), changes, needy=True)
    assert [line.value for line in client.lines] == [D("3.68"), D("3.91"), D("0.00"), D("7.59")]
    assert (client.amount, payer) == (D("0.00"), D("7.59"))
    assert client.lines[2].label == NEEDY_FREE


def test_a_change_on_the_first_of_the_month_prices_the_whole_month_as_before() -> None:
    # From 1 March at 7.80: one line, exactly as for a month under one price (10 × 7.80 = 78.00).
    changes = (PriceChange(dt.date(2026, 3, 1), D("7.80")),)
    client, _ = settle(visits((2, "4"), (30, "6")) + visits((28, "5"), month=2), changes)
    assert [(line.label, line.value) for line in client.lines] == [
        (COST, D("78.00")),
        (CO_PAYMENT, D("19.50")),
        (PAYER_SHARE, D("58.50")),
    ]
    assert client.lines[0].params == {"units": D("10"), "price": D("7.80"), "unit": "hour"}
    # The month before is still at the service's own price.
    before, _ = settle_month(
        visits((28, "5"), month=2),
        dt.date(2026, 2, 1),
        price=D("7.35"),
        unit="hour",
        co_payment_percent=D("25"),
        needy=False,
        changes=changes,
    )
    assert before.lines[0].params["price"] == D("7.35") and before.lines[0].value == D("36.75")


def test_deliveries_all_under_one_price_keep_the_one_line_although_the_price_changed() -> None:
    # The change on 16 March, but everything was delivered before it: one line at 7.35, as ever.
    client, _ = settle(visits((2, "4"), (9, "6")), CHANGES)
    assert [(line.label, line.value) for line in client.lines] == [
        (COST, D("73.50")),
        (CO_PAYMENT, D("18.38")),
        (PAYER_SHARE, D("55.12")),
    ]
    assert client.lines[0].params == {"units": D("10"), "price": D("7.35"), "unit": "hour"}
    # A change to the same price is no change; one back to it neither splits what is under one price.
    same = (PriceChange(dt.date(2026, 3, 10), D("7.35")),)
    assert [line.label for line in settle(visits((2, "4"), (20, "6")), same)[0].lines] == [
        COST,
        CO_PAYMENT,
        PAYER_SHARE,
    ]
    there_and_back = (PriceChange(dt.date(2026, 3, 10), D("9")), PriceChange(dt.date(2026, 3, 20), D("7.35")))
    lines = settle(visits((2, "4"), (25, "6")), there_and_back)[0].lines
    assert (lines[0].label, lines[0].value, len(lines)) == (COST, D("73.50"), 3)


def test_a_month_without_deliveries_shows_the_price_of_its_first_day() -> None:
    client, payer = settle([], CHANGES)
    assert (client.amount, payer) == (D("0.00"), D("0.00"))
    assert client.lines[0].label == COST and client.lines[0].params["price"] == D("7.35")
