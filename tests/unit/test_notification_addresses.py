"""Whether an e-mail address or a phone number is usable by a channel, and why not."""

from __future__ import annotations

import pytest

from app.i18n import gettext
from app.notifications import addresses as a


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("anna.berzina@Pasts.LV", "anna.berzina@pasts.lv"),
        ("  Anna+soc@inbox.lv \n", "Anna+soc@inbox.lv"),
        ("info@ķekava.lv", "info@xn--ekava-n5a.lv"),
    ],
)
def test_usable_email_is_normalised(raw: str, expected: str) -> None:
    assert a.check_email(raw) == (expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "anna.berzina",
        "anna@@pasts.lv",
        "anna@pasts",
        "anna@pasts.lv.",
        "anna@-pasts.lv",
        ".anna@pasts.lv",
        "an..na@pasts.lv",
        "anna bērziņa@pasts.lv",
        "anna@pasts.lv\x00",
        "anna@pa_sts.lv",
        "x" * 65 + "@pasts.lv",
        "anna@" + "a" * 10_000 + ".lv",
        "anna@pasts.123",
    ],
)
def test_unusable_email_gets_a_reason(raw: str) -> None:
    assert a.check_email(raw) == (None, a.EMAIL_INVALID)


@pytest.mark.parametrize("raw", [None, "", "   ", 42, b"a@b.lv"])
def test_missing_email(raw: object) -> None:
    assert a.check_email(raw) == (None, a.EMAIL_MISSING)


@pytest.mark.parametrize(
    "raw",
    [
        "29123456",
        "29 123 456",
        "2912-3456",
        "+371 29123456",
        "+371 2912 3456",
        "00371 29123456",
        "(+371) 29-123-456",
        "\u00a029123456",
        29123456,
    ],
)
def test_latvian_mobile_becomes_e164(raw: object) -> None:
    assert a.check_phone(raw) == ("+37129123456", None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("67123456", a.PHONE_LANDLINE),
        ("+371 67 123 456", a.PHONE_LANDLINE),
        ("80001234", a.PHONE_NOT_MOBILE),
        ("90001234", a.PHONE_NOT_MOBILE),
        ("+372 5123 4567", a.PHONE_FOREIGN),
        ("0037251234567", a.PHONE_FOREIGN),
        ("2912345", a.PHONE_INVALID),
        ("291234567", a.PHONE_INVALID),
        ("+371 2912345", a.PHONE_INVALID),
        ("41234567", a.PHONE_INVALID),
        ("2912345x", a.PHONE_INVALID),
        ("٢٩١٢٣٤٥٦", a.PHONE_INVALID),  # Arabic-Indic digits are digits to \d, not to a phone
        ("2912\x003456", a.PHONE_INVALID),
        ("2" * 10_000, a.PHONE_INVALID),
        ("+", a.PHONE_INVALID),
        (None, a.PHONE_MISSING),
        ("  ", a.PHONE_MISSING),
        (True, a.PHONE_MISSING),
    ],
)
def test_unusable_phone_gets_a_reason(raw: object, reason: str) -> None:
    assert a.check_phone(raw) == (None, reason)


def test_every_reason_has_a_latvian_translation() -> None:
    reasons = [
        a.EMAIL_MISSING,
        a.EMAIL_INVALID,
        a.PHONE_MISSING,
        a.PHONE_INVALID,
        a.PHONE_LANDLINE,
        a.PHONE_NOT_MOBILE,
        a.PHONE_FOREIGN,
    ]
    for reason in reasons:
        assert gettext("lv", reason) != reason, reason
