"""The case file's pure rules, read as a specification: case types, closing, timeline entries, the activity
report's period and arithmetic, the day cursor."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from app.domains.cases import rules
from app.pagination import decode_day_cursor, decode_id_cursor, encode_day_cursor, encode_id_cursor

TODAY = dt.date(2026, 3, 10)
OPENED = dt.date(2026, 1, 5)


def entry(**kw: object) -> rules.EntryDraft:
    values: dict[str, object] = {
        "kind": "home_visit",
        "occurred_on": dt.date(2026, 3, 1),
        "duration_minutes": 60,
        "subject": "Mājas vizīte",
    }
    values.update(kw)
    return rules.EntryDraft(**values)  # type: ignore[arg-type]


def check(draft: rules.EntryDraft) -> tuple[rules.CleanEntry, rules.Errors]:
    errors: rules.Errors = {}
    return rules.check_entry(draft, opened_on=OPENED, today=TODAY, errors=errors), errors


# --- the classifiers ----------------------------------------------------------------------------------------


def test_the_case_type_classifier_is_the_agreed_one() -> None:
    assert list(rules.CASE_TYPES) == [
        "social_assistance",
        "social_services",
        "child_and_family",
        "violence",
        "disability",
        "elderly_care",
        "addiction",
        "homelessness",
        "other",
    ]


def test_notes_are_records_and_everything_else_an_activity() -> None:
    assert {"note", "journal"} == rules.RECORD_KINDS
    assert {"home_visit", "consultation", "phone_call", "meeting", "other"} == rules.ACTIVITY_KINDS


def test_case_types_keep_the_classifier_order_without_duplicates() -> None:
    errors: rules.Errors = {}
    assert rules.chosen_case_types(["violence", "social_assistance", "violence"], errors) == [
        "social_assistance",
        "violence",
    ]
    assert errors == {}


@pytest.mark.parametrize(
    ("given", "message"),
    [([], "Choose at least one case type."), (["x"], "Choose case types from the list.")],
)
def test_case_types_must_come_from_the_classifier(given: list[str], message: str) -> None:
    errors: rules.Errors = {}
    rules.chosen_case_types(given, errors)
    assert errors == {"case_types": [message]}


# --- dates and durations as typed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"), [("5.1.2026", dt.date(2026, 1, 5)), ("2026-01-05", dt.date(2026, 1, 5))]
)
def test_days_are_read_dotted_or_iso(text: str, day: dt.date) -> None:
    assert rules.parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.2026", "There is no such day in the calendar"),
        ("2026-02-30", "There is no such day in the calendar"),
        ("32.01.2026", "There is no such day in the calendar"),
        ("yesterday", "Enter a date as dd.mm.yyyy"),
        ("\x00", "Enter a date as dd.mm.yyyy"),
        ("01.01.9999", "Enter a date between"),
        ("1.1.1899", "Enter a date between"),
    ],
)
def test_impossible_days_are_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rules.parse_day(text)


@pytest.mark.parametrize(("text", "minutes"), [("45", 45), ("1:30", 90), ("0", 0), ("24:00", 1440)])
def test_durations_are_minutes_or_hours_and_minutes(text: str, minutes: int) -> None:
    assert rules.parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["-5", "1,5", "1:75", "abc", "٣", "999999"])
def test_unreadable_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_minutes(text)


# --- opening and closing ----------------------------------------------------------------------------------


def test_a_case_cannot_be_opened_in_the_future() -> None:
    errors: rules.Errors = {}
    rules.check_opened_on(TODAY + dt.timedelta(days=1), TODAY, errors)
    assert errors == {"opened_on": ["The case cannot be opened on a future date."]}


def test_a_case_is_closed_on_or_after_its_opening_day_and_with_a_reason() -> None:
    errors: rules.Errors = {}
    rules.check_closing(OPENED, OPENED, "Mērķi sasniegti", TODAY, errors)
    assert errors == {}
    rules.check_closing(OPENED, OPENED - dt.timedelta(days=1), "", TODAY, errors)
    assert errors == {
        "closed_on": ["A case cannot be closed before the day it was opened."],
        "reason": ["Say why the case is closed."],
    }


def test_a_case_cannot_be_closed_in_the_future() -> None:
    errors: rules.Errors = {}
    rules.check_closing(OPENED, TODAY + dt.timedelta(days=1), "x", TODAY, errors)
    assert errors == {"closed_on": ["The case cannot be closed on a future date."]}


# --- timeline entries -------------------------------------------------------------------------------------


def test_a_home_visit_keeps_its_findings() -> None:
    clean, errors = check(entry(findings="  Dzīvoklis silts.\r\nPārtika ir.  "))
    assert errors == {}
    assert clean.findings == "Dzīvoklis silts.\nPārtika ir."


def test_other_kinds_have_no_findings() -> None:
    clean, errors = check(entry(kind="phone_call", findings="Nav"))
    assert errors == {} and clean.findings is None


def test_an_activity_needs_its_duration_but_a_note_does_not() -> None:
    assert check(entry(duration_minutes=None))[1] == {
        "duration_minutes": ["Enter how long the activity took, in minutes."]
    }
    assert check(entry(kind="note", duration_minutes=None))[1] == {}


@pytest.mark.parametrize("minutes", [-1, 0, 1441])
def test_an_activity_takes_from_one_minute_to_one_day(minutes: int) -> None:
    assert check(entry(duration_minutes=minutes))[1] == {
        "duration_minutes": ["An activity takes from 1 to 1440 minutes (one day)."]
    }
    assert check(entry(duration_minutes=1))[1] == {}


def test_a_note_may_take_no_time_but_not_more_than_a_day() -> None:
    assert check(entry(kind="note", duration_minutes=0))[1] == {}
    assert check(entry(kind="note", duration_minutes=1441))[1] == {
        "duration_minutes": ["The duration is from 0 to 1440 minutes (one day)."]
    }


def test_the_date_is_within_the_life_of_the_case() -> None:
    assert check(entry(occurred_on=OPENED))[1] == {}
    assert check(entry(occurred_on=TODAY))[1] == {}
    assert check(entry(occurred_on=TODAY + dt.timedelta(days=1)))[1] == {
        "occurred_on": ["The date cannot be in the future."]
    }
    assert check(entry(occurred_on=OPENED - dt.timedelta(days=1)))[1] == {
        "occurred_on": ["The date cannot be before the case was opened."]
    }


def test_every_problem_is_reported_at_once_with_the_edges_own() -> None:
    draft = entry(
        kind="dance",
        occurred_on=None,
        duration_minutes=None,
        subject=" ",
        body="x" * 20_001,
        unreadable={"occurred_on": ["Enter a date as dd.mm.yyyy."]},
    )
    errors = check(draft)[1]
    assert errors == {
        "kind": ["Choose the kind of entry from the list."],
        "occurred_on": ["Enter a date as dd.mm.yyyy."],
        "subject": ["Enter the subject."],
        "body": ["The text is too long (at most 20 000 characters)."],
    }


def test_texts_with_control_characters_are_refused() -> None:
    errors = check(entry(subject="Vizīte\x00", body="a\x07b"))[1]
    assert errors == {
        "subject": ["The text contains characters that cannot be stored."],
        "body": ["The text contains characters that cannot be stored."],
    }


def test_a_subject_is_one_line() -> None:
    clean, errors = check(entry(subject="  Mājas \n vizīte  "))
    assert errors == {} and clean.subject == "Mājas vizīte"


# --- the activity report ----------------------------------------------------------------------------------


def test_the_report_period_is_ordered_and_at_most_a_year() -> None:
    errors: rules.Errors = {}
    rules.check_report_period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), errors)
    assert errors == {}
    rules.check_report_period(dt.date(2025, 1, 1), dt.date(2026, 1, 2), errors)
    assert errors == {"to": ["The period can be at most one year long."]}
    errors = {}
    rules.check_report_period(dt.date(2025, 2, 1), dt.date(2025, 1, 1), errors)
    assert errors == {"to": ["The end date is before the start date."]}
    errors = {}
    rules.check_report_period(None, None, errors)
    assert set(errors) == {"from", "to"}


def test_hours_are_rounded_half_up_from_the_minutes() -> None:
    assert rules.hours(90) == Decimal("1.50")
    assert rules.hours(20) == Decimal("0.33")
    assert rules.hours(50) == Decimal("0.83")
    assert rules.hours(1) == Decimal("0.02")  # 0.01666… rounds up


def test_the_summary_adds_up_per_worker_and_kind() -> None:
    anna, juris = uuid.uuid4(), uuid.uuid4()
    rows = [
        (anna, "home_visit", 2, 150),
        (anna, "phone_call", 3, 20),
        (juris, "home_visit", 1, 45),
        (juris, "note", 4, 0),
    ]
    summary = rules.summarise_activity(rows, {anna: "Anna Ozola", juris: "Juris Āboliņš"})
    assert [w.name for w in summary.workers] == ["Anna Ozola", "Juris Āboliņš"]
    first = summary.workers[0]
    assert first.cells["home_visit"] == rules.ActivityCell(2, 150)
    assert first.cells["meeting"] == rules.ActivityCell(0, 0)
    assert first.total == rules.ActivityCell(5, 170) and first.total.hours == Decimal("2.83")
    assert summary.totals["home_visit"] == rules.ActivityCell(3, 195)
    assert summary.total == rules.ActivityCell(10, 215)
    # The grand total's hours come from the minutes, not from adding rounded cells.
    assert summary.total.hours == Decimal("3.58")


def test_the_spreadsheet_has_a_header_a_row_per_worker_and_the_totals() -> None:
    anna = uuid.uuid4()
    summary = rules.summarise_activity([(anna, "home_visit", 2, 90)], {anna: "Anna"})
    table = rules.activity_table(
        summary,
        [f"K{i}" for i in range(len(rules.ENTRY_KINDS))],
        ("Darbinieks", "ieraksti", "stundas", "Kopā"),
        "Kopā",
    )
    assert table[0][:3] == ["Darbinieks", "K0: ieraksti", "K0: stundas"]
    assert table[0][-2:] == ["Kopā: ieraksti", "Kopā: stundas"]
    home_visit = 1 + 2 * list(rules.ENTRY_KINDS).index("home_visit")
    assert table[1][0] == "Anna" and table[1][home_visit : home_visit + 2] == [2, Decimal("1.50")]
    assert table[-1][0] == "Kopā" and table[-1][-2:] == [2, Decimal("1.50")]
    assert len(table) == 3


# --- cursors ----------------------------------------------------------------------------------------------


def test_cursors_round_trip_and_garbage_means_the_first_page() -> None:
    some_id = uuid.uuid4()
    position = decode_day_cursor(encode_day_cursor(dt.date(2026, 2, 3), some_id))
    assert position is not None and (position.day, position.id) == (dt.date(2026, 2, 3), some_id)
    assert decode_id_cursor(encode_id_cursor(some_id)) == some_id
    for junk in ["", "x", "%%%", "a" * 500, encode_id_cursor(some_id)[:-3]]:
        assert decode_day_cursor(junk) is None
    assert decode_id_cursor("not-base64!") is None
