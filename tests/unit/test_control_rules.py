"""The pure parts of data controls, preferences and the inbox: reconciling hits with open alerts, the
municipality settings, month arithmetic, ATVK matching, alert titles, the preferences form, inbox titles
and links."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from app.domains.controls import rules
from app.domains.controls.rules import Hit, OpenAlert, reconcile
from app.notifications.inbox import safe_link, title_text
from app.notifications.preferences import NEEDS_CONSENT, read_preferences

TODAY = dt.date(2026, 11, 23)


def hit(rule: str, record: uuid.UUID) -> Hit:
    return Hit(rule=rule, record_kind="case", record_id=record, responsible_user_id=None)


def test_reconcile_opens_keeps_and_resolves() -> None:
    a, b, c, d = (uuid.uuid4() for _ in range(4))
    open_alerts = [
        OpenAlert(uuid.uuid4(), rules.INACTIVE_CASE, a),  # found again
        OpenAlert(uuid.uuid4(), rules.INACTIVE_CASE, b),  # gone: resolved
        OpenAlert(uuid.uuid4(), rules.TWO_MUNICIPALITIES, c),  # its rule did not run: kept
    ]
    result = reconcile(
        open_alerts,
        [hit(rules.INACTIVE_CASE, a), hit(rules.INACTIVE_CASE, d), hit(rules.INACTIVE_CASE, d)],
        ran=[rules.INACTIVE_CASE],
    )
    assert [h.record_id for h in result.new] == [d]  # two hits on one record count once
    assert [(alert_id, h.record_id) for alert_id, h in result.seen] == [(open_alerts[0].id, a)]
    assert result.resolved == (open_alerts[1].id,)


def test_the_same_record_under_two_rules_is_two_alerts() -> None:
    record = uuid.uuid4()
    result = reconcile(
        [], [hit(rules.INACTIVE_CASE, record), hit(rules.GRANT_WITHOUT_STATUS, record)], ran=[]
    )
    assert len(result.new) == 2


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, 14),
        ({}, 14),
        ({"reminder_days": 30}, 30),
        ({"reminder_days": "21"}, 21),
        ({"reminder_days": 0}, 14),  # outside 1–90
        ({"reminder_days": 365}, 14),
        ({"reminder_days": "soon"}, 14),
        ({"reminder_days": True}, 14),
        ({"reminder_days": None}, 14),
    ],
)
def test_settings_fall_back_to_the_default_when_unusable(stored: dict | None, expected: int) -> None:
    assert rules.setting(stored, rules.REMINDER_DAYS) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 11, 23), 6, dt.date(2026, 5, 23)),
        (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2028, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 15), 12, dt.date(2025, 3, 15)),
        (dt.date(2026, 1, 31), 1, dt.date(2025, 12, 31)),
    ],
)
def test_months_before(day: dt.date, months: int, expected: dt.date) -> None:
    assert rules.months_before(day, months) == expected


@pytest.mark.parametrize(
    ("address", "municipality", "expected"),
    [
        ("0054000", "0054000", True),  # the municipality itself
        ("0054010", "0054000", True),  # a town or parish of it
        ("0056000", "0054000", False),  # another municipality
        ("0001000", "0054000", False),
        ("0054010", "0054010", True),  # a code not of the …000 shape matches exactly
        ("0054011", "0054010", False),
        (None, "0054000", None),  # nothing to tell
        ("", "0054000", None),
        ("54000", "0054000", None),
        ("00540AB", "0054000", None),
    ],
)
def test_address_in_municipality_by_atvk(
    address: str | None, municipality: str, expected: bool | None
) -> None:
    assert rules.in_municipality(address, municipality) is expected


def test_every_rule_has_a_title_that_renders_in_both_languages() -> None:
    details = {
        "person": "Anna Liepiņa",
        "benefit": {"lv": "Mājokļa pabalsts", "en": "Housing benefit"},
        "status_end": "2026-10-31",
        "other": ["Bauskas novads", "Cēsu novads"],
        "number": "L-2026/00042",
        "opened_on": "2026-01-05",
        "last_activity": "2026-03-01",
    }
    for rule in rules.RULES:
        lv = title_text("lv", rules.alert_title(rule, details), details)
        en = title_text("en", rules.alert_title(rule, details), details)
        assert "%(" not in lv and "%(" not in en
    assert "Housing benefit" in title_text(
        "en", rules.alert_title(rules.GRANT_WITHOUT_STATUS, details), details
    )
    assert "31.10.2026" in title_text("lv", rules.alert_title(rules.GRANT_WITHOUT_STATUS, details), details)
    two = title_text("en", rules.alert_title(rules.TWO_MUNICIPALITIES, details), details)
    assert "Bauskas novads, Cēsu novads" in two


def test_a_title_missing_a_parameter_still_shows() -> None:
    assert title_text("en", "Case %(number)s is quiet", {}) == "Case — is quiet"
    assert title_text("en", "Odd %(x)d", {"x": "text"}) == "Odd %(x)d"


@pytest.mark.parametrize(
    ("link", "kept"),
    [
        ("/cases/1", True),
        ("/persons/1?purpose=x", True),
        ("https://example.com", False),
        ("//example.com", False),
        ("/\\example.com", False),
        ("/a b", False),
        ("", False),
        (None, False),
        ("/" + "x" * 600, False),
    ],
)
def test_inbox_links_stay_inside_the_app(link: str | None, kept: bool) -> None:
    assert safe_link(link) == (link if kept else None)


def test_preferences_form_reading() -> None:
    draft, errors = read_preferences(
        {
            "channels": ["sms", "email", "sms"],
            "language": "en",
            "consent": "given",
            "consent_on": "05.01.2026",
        },
        TODAY,
    )
    assert errors == {}
    assert draft.channels == ("email", "sms") and draft.language == "en"
    assert (draft.consent, draft.consent_on) == ("given", dt.date(2026, 1, 5))

    _, errors = read_preferences({"channels": "email"}, TODAY)
    assert errors == {"channels": [NEEDS_CONSENT]}
    _, errors = read_preferences(
        {"channels": "email", "consent": "withdrawn", "consent_on": "1.1.2026"}, TODAY
    )
    assert errors == {"channels": [NEEDS_CONSENT]}

    _, errors = read_preferences(
        {"channels": "fax", "language": "ru", "consent": "maybe", "consent_on": "31.02.2026"}, TODAY
    )
    assert set(errors) == {"channels", "language", "consent", "consent_on"}
    _, errors = read_preferences({"consent": "given", "consent_on": "24.11.2026"}, TODAY)
    assert set(errors) == {"consent_on"}  # in the future
    _, errors = read_preferences({"consent": "given"}, TODAY)
    assert set(errors) == {"consent_on"}  # the day is needed
    draft, errors = read_preferences({}, TODAY)
    assert errors == {} and draft.channels == () and draft.consent is None  # letters only
