"""Notification templates: every event in both languages, escaping, strictness and the Latvian fallback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.notifications.templates import EVENTS, TemplateError, render_message, required_variables
from workers.channels.sms import sms_segments

HOSTILE = "<script>alert('x')</script>"

SAMPLE = {
    "recipient_name": "Jānis Bērziņš",
    "municipality": "Ādažu novada Sociālais dienests",
    "application_number": "SD/2025/0117",
    "decision_number": "LM/2025/0042",
    "complaint_number": "S/2025/0007",
    "registration_number": "PS-2019-0311",
    "service_name": "garantētā minimālā ienākuma pabalsts",
    "status_name": "trūcīgas mājsaimniecības statuss",
    "benefit_name": "mājokļa pabalsts",
    "queue_name": "sociālā dzīvokļa rinda",
    "place_name": "Gaujas ielā 12–3",
    "received_on": dt.date(2025, 3, 4),
    "answer_by": dt.date(2025, 4, 3),
    "decided_on": dt.date(2025, 3, 20),
    "appeal_by": dt.date(2025, 4, 20),
    "expires_on": dt.date(2025, 5, 1),
    "deadline": dt.date(2025, 6, 9),
    "days_left": 5,
    "position": 12,
    "amount": Decimal("1234.56"),
    "notice_kind": "statusa derīguma beigas",
}


def sample(event: str, **overrides: object) -> dict[str, object]:
    return {name: SAMPLE[name] for name in required_variables(event)} | overrides


def test_the_issue_events_are_all_there() -> None:
    assert set(EVENTS) >= {
        "application_received",
        "application_decided",
        "status_expiring",
        "benefit_expiring",
        "queue_position_changed",
        "place_offered",
        "complaint_deadline_near",
        "complaint_overdue",
        "provider_registration_expiring",
        "decision_pdf_ready",
    }


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_event_renders_completely(event: str, language: str) -> None:
    message = render_message(event, language, sample(event))
    assert message.subject and message.text and message.html and message.sms_text
    for part in (message.subject, message.text, message.html, message.sms_text):
        assert "{{" not in part and "}}" not in part and "None" not in part
    assert "\n" not in message.subject and "\n" not in message.sms_text
    assert SAMPLE["recipient_name"] in message.text
    assert SAMPLE["recipient_name"] in message.html
    assert SAMPLE["recipient_name"] not in message.sms_text  # no names in a text message
    assert message.html.startswith("<p>") and message.html.endswith("</p>")
    assert sms_segments(message.sms_text)[1] <= 2


@pytest.mark.parametrize("event", EVENTS)
def test_languages_differ_and_latvian_is_formal(event: str) -> None:
    lv = render_message(event, "lv", sample(event))
    en = render_message(event, "en", sample(event))
    assert lv.text != en.text and lv.subject != en.subject
    assert lv.text.startswith("Labdien, Jānis Bērziņš!")
    assert "Ar cieņu\nĀdažu novada Sociālais dienests" in lv.text
    assert " tu " not in lv.text.lower() and " tev" not in lv.text.lower()


def test_latvian_formats_and_diacritics_are_intact() -> None:
    message = render_message("benefit_expiring", "lv", sample("benefit_expiring", days_left=21))
    assert "01.05.2025" in message.subject
    assert "1\xa0234,56\xa0€" in message.text
    assert "pēc 21 dienas" in message.text
    assert "“mājokļa pabalsts”" in message.text and "Ādažu" in message.sms_text
    assert "“mājokļa pabalsts”" in message.html
    english = render_message("benefit_expiring", "en", sample("benefit_expiring"))
    assert "€1,234.56" in english.text and "in 5 days" in english.text and "01.05.2025" in english.text


@pytest.mark.parametrize(
    ("days", "lv", "en"),
    [(0, "šodien", "today"), (1, "rīt", "tomorrow"), (11, "pēc 11 dienām", "in 11 days")],
)
def test_days_left_wording(days: int, lv: str, en: str) -> None:
    assert (
        f"({lv})" in render_message("status_expiring", "lv", sample("status_expiring", days_left=days)).text
    )
    assert (
        f"({en})" in render_message("status_expiring", "en", sample("status_expiring", days_left=days)).text
    )


def test_html_escapes_hostile_input_but_text_keeps_it_verbatim() -> None:
    variables = sample("place_offered", recipient_name=HOSTILE, place_name='"><img src=x onerror=alert(1)>')
    message = render_message("place_offered", "lv", variables)
    assert "<script>" not in message.html and "<img" not in message.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in message.html
    assert HOSTILE in message.text  # plain text is not HTML: no entities for the reader to puzzle over
    assert "<img" in message.subject


def test_subject_cannot_be_split_into_headers() -> None:
    variables = sample("decision_pdf_ready", decision_number="7\r\nBcc: all@example.com\x00")
    message = render_message("decision_pdf_ready", "en", variables)
    assert "\r" not in message.subject and "\n" not in message.subject and "\x00" not in message.subject
    assert "\x00" not in message.text


@pytest.mark.parametrize("language", ["lv", "en"])
def test_missing_variable_fails_naming_it(language: str) -> None:
    variables = sample("application_decided")
    del variables["appeal_by"]
    with pytest.raises(TemplateError) as caught:
        render_message("application_decided", language, variables)
    assert caught.value.variable == "appeal_by"
    assert caught.value.event == "application_decided" and caught.value.language == language
    assert "appeal_by" in str(caught.value) and "application_decided" in str(caught.value)
    assert f"({language})" in str(caught.value)


def test_none_counts_as_missing_and_all_missing_are_listed() -> None:
    variables = sample("complaint_overdue", deadline=None)
    del variables["complaint_number"]
    with pytest.raises(TemplateError, match="complaint_number, deadline"):
        render_message("complaint_overdue", "lv", variables)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("expires_on", "2025-05-01"),
        ("expires_on", dt.datetime(2025, 5, 1, 12)),
        ("amount", 12.5),
        ("amount", Decimal("NaN")),
        ("days_left", -1),
        ("days_left", True),
    ],
)
def test_wrong_types_fail_naming_the_variable(name: str, value: object) -> None:
    with pytest.raises(TemplateError) as caught:
        render_message("benefit_expiring", "en", sample("benefit_expiring", **{name: value}))
    assert caught.value.variable == name and name in str(caught.value)


def test_unknown_event_fails_clearly() -> None:
    with pytest.raises(TemplateError, match="Unknown notification event 'birthday'"):
        render_message("birthday", "lv", SAMPLE)
    with pytest.raises(TemplateError):
        required_variables("birthday")


@pytest.mark.parametrize("language", ["ru", "", "LV", "de\x00"])
def test_unknown_language_falls_back_to_latvian(language: str) -> None:
    assert render_message("decision_pdf_ready", language, sample("decision_pdf_ready")) == render_message(
        "decision_pdf_ready", "lv", sample("decision_pdf_ready")
    )


def test_extra_variables_are_ignored_and_huge_values_render() -> None:
    variables = sample("queue_position_changed", recipient_name="Ā" * 100_000, unrelated=object())
    message = render_message("queue_position_changed", "lv", variables)
    assert "Pašlaik Jūs esat 12. rindā." in message.text
    assert sms_segments(message.sms_text)[1] <= 2
