"""The service catalogue's rules as a specification: a service type read from a form (codes, names, funding,
unit, a price of 0 or more in euros and cents — never a float), its steps in their fixed order with the
request and the decision always in and the settlement only with the delivery and a price, the documents
each used step needs; what a change may not do to the events and waiting lists already using it; and a
new price from a day: this month or later, within the service's days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from app.dates import BAD_DATE, NO_SUCH_DATE
from app.domains.benefits.catalogue_checks import CENTS, CHOOSE, END_BEFORE_START, REQUIRED
from app.domains.services import catalogue_rules as r
from app.domains.services.event_rules import (
    ASSESSMENT,
    DECISION,
    DELIVERY,
    REFERRAL,
    REQUESTED,
    SETTLEMENT,
    STEP_NEEDED,
    STEPS,
    UNKNOWN_STEP,
)

D = Decimal
HOME_CARE: dict[str, Any] = {
    "code": "aprupe-majas",
    "name_lv": "Aprūpe  mājās",
    "name_en": "Home care",
    "legal_basis": "SPSPL 1. p.; Saistošie noteikumi Nr. 3/2026",
    "funding": "co_payment",
    "unit": "hour",
    "price": "7,35",
    "keeps_waiting_list": "on",
    "valid_from": "01.01.2026",
    "valid_to": "",
    "steps": [SETTLEMENT, DELIVERY, REFERRAL, DECISION, ASSESSMENT, REQUESTED],
    "documents": {
        REQUESTED: "application",
        ASSESSMENT: "needs_assessment, Doctor_statement, needs_assessment",
    },
}


def checked(**changes: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    return r.check_service_type({**HOME_CARE, **changes})


def test_a_service_as_the_form_gives_it() -> None:
    values, errors = checked()
    assert errors == {}
    assert values == {
        "code": "APRUPE-MAJAS",
        "name_lv": "Aprūpe mājās",
        "name_en": "Home care",
        "legal_basis": "SPSPL 1. p.; Saistošie noteikumi Nr. 3/2026",
        "funding": "co_payment",
        "unit": "hour",
        "price": D("7.35"),
        "keeps_waiting_list": True,
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": None,
        "steps": list(STEPS),
        "documents": {REQUESTED: ["application"], ASSESSMENT: ["needs_assessment", "doctor_statement"]},
    }


@pytest.mark.parametrize(
    ("typed", "price"),
    [("0", D("0.00")), ("7.35", D("7.35")), ("1 234,50 €", D("1234.50")), (D("12"), D("12.00")), ("", None)],
)
def test_a_price_is_zero_or_more_in_euros_and_cents(typed: Any, price: Decimal | None) -> None:
    values, errors = checked(price=typed, steps=[REQUESTED, DECISION], documents={})
    assert (values["price"], errors) == (price, {})


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", r.NEGATIVE_PRICE), ("7,355", CENTS), ("septiņi", None), ("1e3", None), ("99999999999", None)],
)
def test_a_wrong_price_is_refused_at_its_field(typed: str, message: str | None) -> None:
    values, errors = checked(price=typed)
    assert values["price"] is None and list(errors) == ["price"]
    if message:
        assert errors["price"] == [message]


def test_a_price_is_never_a_float() -> None:
    with pytest.raises(TypeError):
        checked(price=7.35)


def test_the_request_and_the_decision_are_in_every_service() -> None:
    values, errors = checked(steps=[ASSESSMENT], documents={})
    assert errors == {"steps": [STEP_NEEDED]}
    assert checked(steps=[REQUESTED, DECISION, "payment"], documents={}, price="")[1] == {
        "steps": [UNKNOWN_STEP]
    }
    values, errors = checked(steps=DECISION, documents={}, price="")  # one checkbox comes as a string
    assert errors == {"steps": [STEP_NEEDED]} and values["steps"] == [DECISION]


def test_the_settlement_needs_the_delivery_and_a_price() -> None:
    _, errors = checked(steps=[REQUESTED, DECISION, SETTLEMENT], documents={})
    assert errors == {"steps": [r.SETTLEMENT_NEEDS_DELIVERY]}
    _, errors = checked(price="")
    assert errors == {"price": [r.SETTLEMENT_NEEDS_PRICE]}
    values, errors = checked(price="", steps=[REQUESTED, ASSESSMENT, DECISION, DELIVERY])
    assert errors == {} and values["steps"] == [REQUESTED, ASSESSMENT, DECISION, DELIVERY]


def test_documents_are_short_codes_only_for_the_steps_used() -> None:
    _, errors = checked(steps=[REQUESTED, DECISION], price="")
    assert errors == {"documents_assessment": [r.STEP_NOT_USED]}
    _, errors = checked(documents={DECISION: "lēmuma projekts"})
    assert errors == {"documents_decision": [r.BAD_KIND]}
    values, errors = checked(documents={DECISION: "ārsta_izziņa; invaliditātes-apliecība", DELIVERY: " , "})
    assert errors == {} and values["documents"] == {DECISION: ["ārsta_izziņa", "invaliditātes-apliecība"]}
    _, errors = checked(documents={REQUESTED: ",".join(f"d{i}" for i in range(21))})
    assert errors == {"documents_requested": [r.TOO_MANY_KINDS]}


def test_codes_names_choices_and_dates() -> None:
    _, errors = checked(code="DAC 2", name_lv="", funding="eu", unit="week", valid_from="", valid_to="x")
    assert errors == {
        "code": [r.BAD_CODE],
        "name_lv": [REQUIRED],
        "funding": [CHOOSE],
        "unit": [CHOOSE],
        "valid_from": [REQUIRED],
        "valid_to": [BAD_DATE],
    }
    assert checked(valid_to="31.12.2025")[1] == {"valid_to": [END_BEFORE_START]}
    assert checked(name_en="x" * 201)[1] == {"name_en": ["At most 200 characters."]}


def test_every_message_field_is_in_the_form_order() -> None:
    assert set(r.FIELDS) >= {"price", "steps", *(f"documents_{s}" for s in STEPS)}


# --- a change against what uses the service -----------------------------------------------------------------

BEFORE = {"price": D("7.35"), "unit": "hour", "steps": list(STEPS), "keeps_waiting_list": True}


def test_nothing_uses_the_service_so_anything_may_change() -> None:
    after = {"price": D("8.00"), "unit": "visit", "steps": [REQUESTED, DECISION], "keeps_waiting_list": False}
    assert r.check_change(BEFORE, after, r.Usage()) == {}


def test_once_deliveries_were_counted_the_own_price_is_history_and_the_unit_stays() -> None:
    usage = r.Usage(events=1, deliveries=True)
    assert r.check_change(BEFORE, {**BEFORE, "price": D("8.00"), "unit": "day"}, usage) == {
        "price": [r.PRICE_DATED],  # a new price is set from a day on, under "Prices"
        "unit": [r.UNIT_SETTLED],
    }
    assert r.check_change(BEFORE, {**BEFORE, "price": None}, usage) == {"price": [r.PRICE_DATED]}
    assert r.check_change(BEFORE, {**BEFORE, "price": D("7.350")}, usage) == {}  # the same price
    assert r.check_change({**BEFORE, "price": None}, {**BEFORE, "price": D("7.35")}, usage) == {}  # first


def test_before_any_delivery_the_own_price_may_change_freely() -> None:
    usage = r.Usage(events=2, open_steps=frozenset({DELIVERY}), queue_entries=1)
    assert r.check_change(BEFORE, {**BEFORE, "price": D("8.00")}, usage) == {}
    assert r.check_change(BEFORE, {**BEFORE, "price": None}, usage) == {}


def test_a_step_events_are_at_stays_and_so_does_a_list_people_wait_in() -> None:
    usage = r.Usage(events=2, open_steps=frozenset({ASSESSMENT}), queue_entries=3, holding_places=1)
    after = {**BEFORE, "steps": [REQUESTED, DECISION, DELIVERY, SETTLEMENT], "keeps_waiting_list": False}
    assert r.check_change(BEFORE, after, usage) == {
        "steps": [r.STEP_IN_USE],
        "keeps_waiting_list": [r.LIST_IN_USE],
    }
    assert r.check_change(BEFORE, {**BEFORE, "steps": [REQUESTED, ASSESSMENT, DECISION]}, usage) == {}
    assert usage.used and not r.Usage().used


def test_ending_a_service() -> None:
    start = dt.date(2026, 1, 1)
    assert r.check_end(start, "30.06.2026") == (dt.date(2026, 6, 30), {})
    assert r.check_end(start, "") == (None, {"valid_to": [r.END_NEEDED]})
    assert r.check_end(start, "31.12.2025")[1] == {"valid_to": [END_BEFORE_START]}
    assert r.check_end(start, "31.02.2026")[1] == {"valid_to": [NO_SUCH_DATE]}
    on = dt.date(2026, 7, 1)
    assert r.ended(dt.date(2026, 6, 30), on) and not r.ended(None, on) and not r.ended(on, on)
    assert r.in_force(start, None, on) and not r.in_force(start, dt.date(2026, 6, 30), on)


# --- a new price from a day ---------------------------------------------------------------------------------

TODAY = dt.date(2026, 4, 15)  # the months before April 2026 are settled
SERVICE_DAYS: dict[str, Any] = {"valid_from": dt.date(2026, 1, 1), "valid_to": None, "today": TODAY}


def test_a_new_price_from_a_day_of_this_month_or_later() -> None:
    assert r.check_price_change("15.04.2026", "7,80", **SERVICE_DAYS) == (dt.date(2026, 4, 15), D("7.80"), {})
    assert r.check_price_change("1.4.2026", "0", **SERVICE_DAYS) == (dt.date(2026, 4, 1), D("0"), {})
    assert r.check_price_change("01.01.2027", D("8"), **SERVICE_DAYS)[2] == {}


def test_the_months_before_this_one_are_settled_and_keep_their_prices() -> None:
    day, _, errors = r.check_price_change("31.03.2026", "7,80", **SERVICE_DAYS)
    assert (day, errors) == (dt.date(2026, 3, 31), {"price_from": [r.PRICE_FROM_SETTLED]})


def test_a_new_price_is_within_the_services_days() -> None:
    later = {**SERVICE_DAYS, "valid_from": dt.date(2026, 5, 1)}
    assert r.check_price_change("30.04.2026", "7", **later)[2] == {
        "price_from": [r.PRICE_FROM_BEFORE_SERVICE]
    }
    assert r.check_price_change("01.05.2026", "7", **later)[2] == {}  # its first day
    ending = {**SERVICE_DAYS, "valid_to": dt.date(2026, 6, 30)}
    assert r.check_price_change("01.07.2026", "7", **ending)[2] == {"price_from": [r.PRICE_FROM_AFTER_END]}
    assert r.check_price_change("30.06.2026", "7", **ending)[2] == {}  # its last day


@pytest.mark.parametrize(
    ("typed_from", "typed_price", "errors"),
    [
        ("", "", {"price_from": [REQUIRED], "price": [REQUIRED]}),
        ("31.04.2026", "7,80", {"price_from": [NO_SUCH_DATE]}),
        ("aprīlis", "7,80", {"price_from": [BAD_DATE]}),
        ("15.04.2026", "-1", {"price": [r.NEGATIVE_PRICE]}),
        ("15.04.2026", "7,805", {"price": [CENTS]}),
    ],
)
def test_a_wrong_new_price_is_refused_at_its_field(typed_from: str, typed_price: str, errors: Any) -> None:
    assert r.check_price_change(typed_from, typed_price, **SERVICE_DAYS)[2] == errors
    assert set(errors) <= set(r.PRICE_FIELDS)


def test_a_new_price_is_never_a_float() -> None:
    with pytest.raises(TypeError):
        r.check_price_change("15.04.2026", 7.8, **SERVICE_DAYS)
