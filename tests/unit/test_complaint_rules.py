"""The complaint rules as a specification: the answer is due one month after the day received (Administrative
Procedure Law art. 64) unless the municipality set another period; which acts each state allows; who may
be anonymous; what a registration and an answer must contain."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domains.complaints import rules
from app.i18n import gettext

D = dt.date
TODAY = D(2026, 3, 10)


def test_the_answer_is_due_one_month_after_the_day_received() -> None:
    assert rules.due_on(D(2026, 3, 10)) == D(2026, 4, 10)


def test_a_month_ending_shorter_gives_its_last_day() -> None:
    assert rules.due_on(D(2026, 1, 31)) == D(2026, 2, 28)
    assert rules.due_on(D(2028, 1, 31)) == D(2028, 2, 29)


def test_the_municipality_may_set_a_longer_period_up_to_four_months() -> None:
    assert rules.due_on(D(2026, 3, 10), {rules.ANSWER_MONTHS: 2}) == D(2026, 5, 10)
    assert rules.due_on(D(2026, 3, 10), {rules.ANSWER_MONTHS: "4"}) == D(2026, 7, 10)


@pytest.mark.parametrize("bad", [0, 5, -1, "two", None, True, 1.5j])
def test_an_unusable_setting_falls_back_to_one_month(bad: object) -> None:
    assert rules.due_on(D(2026, 3, 10), {rules.ANSWER_MONTHS: bad}) == D(2026, 4, 10)


def test_reminder_days_default_to_five() -> None:
    assert rules.setting({}, rules.REMINDER_DAYS) == 5
    assert rules.setting({rules.REMINDER_DAYS: 10}, rules.REMINDER_DAYS) == 10


@pytest.mark.parametrize(
    ("act", "allowed"),
    [
        ("assign", {"registered", "assigned"}),
        ("answer", {"registered", "assigned"}),
        ("close", {"registered", "assigned", "answered"}),
    ],
)
def test_each_act_is_allowed_only_in_its_states(act: str, allowed: set[str]) -> None:
    assert {s for s in rules.STATUSES if rules.may(act, s)} == allowed


def test_nothing_is_done_to_a_closed_complaint() -> None:
    assert not any(rules.may(act, "closed") for act in rules.ACTS)


def test_only_an_answered_or_anonymous_complaint_closes() -> None:
    assert rules.may_close("answered", anonymous=False)
    assert not rules.may_close("assigned", anonymous=False)
    assert rules.may_close("assigned", anonymous=True)
    assert not rules.may_close("closed", anonymous=True)


def test_overdue_only_while_waiting_for_an_answer() -> None:
    assert rules.overdue("assigned", D(2026, 3, 9), TODAY)
    assert not rules.overdue("assigned", TODAY, TODAY)
    assert not rules.overdue("answered", D(2026, 3, 1), TODAY)


def check(**given: object) -> rules.Errors:
    values: dict[str, object] = {
        "kind": "complaint",
        "channel": "post",
        "received_on": D(2026, 3, 9),
        "subject": "Par mājas aprūpi",
        "text": "Aprūpētāja neieradās.",
        "anonymous": False,
        "has_person": False,
        "submitter_name": "Anna Liepiņa",
        "submitter_contact": "",
        "today": TODAY,
    }
    values.update(given)
    errors: rules.Errors = {}
    rules.check_registration(errors=errors, **values)  # type: ignore[arg-type]
    return errors


def test_a_complete_registration_passes() -> None:
    assert check() == {}
    assert check(submitter_name="", has_person=True) == {}


def test_a_registration_needs_its_fields() -> None:
    errors = check(kind="x", channel="fax", received_on=None, subject="", text="", submitter_name="")
    assert errors == {
        "kind": [rules.NO_KIND],
        "channel": [rules.NO_CHANNEL],
        "received_on": [rules.NO_RECEIVED_ON],
        "subject": [rules.NO_SUBJECT],
        "text": [rules.NO_TEXT],
        "submitter_name": [rules.NO_SUBMITTER],
    }


def test_not_received_in_the_future() -> None:
    assert check(received_on=D(2026, 3, 11)) == {"received_on": [rules.RECEIVED_IN_FUTURE]}


def test_complaints_and_suggestions_may_be_anonymous_submissions_may_not() -> None:
    assert check(anonymous=True, submitter_name="") == {}
    assert check(kind="suggestion", anonymous=True, submitter_name="") == {}
    assert check(kind="application", anonymous=True, submitter_name="") == {
        "anonymous": [rules.NOT_ANONYMOUS]
    }


def test_an_anonymous_one_names_nobody() -> None:
    assert check(anonymous=True) == {"anonymous": [rules.ANONYMOUS_WITH_NAME]}


def test_long_fields_are_refused() -> None:
    errors = check(
        subject="x" * 201, text="x" * 20_001, submitter_name="x" * 201, submitter_contact="x" * 301
    )
    assert set(errors) == {"subject", "text", "submitter_name", "submitter_contact"}


def test_an_answer_needs_its_text_and_a_day_between_receiving_and_today() -> None:
    errors: rules.Errors = {}
    rules.check_answer(answer="", answered_on=None, received_on=D(2026, 3, 1), today=TODAY, errors=errors)
    assert errors == {"answer": [rules.NO_ANSWER], "answered_on": [rules.NO_ANSWERED_ON]}
    for day, message in ((D(2026, 2, 28), rules.ANSWERED_BEFORE), (D(2026, 3, 11), rules.ANSWERED_IN_FUTURE)):
        errors = {}
        rules.check_answer(
            answer="Atbilde", answered_on=day, received_on=D(2026, 3, 1), today=TODAY, errors=errors
        )
        assert errors == {"answered_on": [message]}


def test_messages_read_in_latvian() -> None:
    assert gettext("lv", rules.NO_SUBJECT) != rules.NO_SUBJECT
    assert gettext("lv", rules.STATUSES["registered"]) != "Registered"
