"""Small pure pieces of the foundation."""

from __future__ import annotations

import time

from app.i18n import gettext, negotiate
from app.ids import uuid7
from app.permissions import Permission, Role, permissions_for
from app.web.routes.auth import safe_next


def test_uuid7_is_version_7_and_time_ordered() -> None:
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert first.version == 7 and second.version == 7
    assert first.variant == second.variant == "specified in RFC 4122"
    assert first < second
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 5_000


def test_only_the_decider_roles_may_decide() -> None:
    deciders = {r for r in Role if Permission.APPLICATION_DECIDE in permissions_for([r.value])}
    assert deciders == {Role.BENEFIT_OFFICER, Role.HEAD_OF_SERVICE}
    assert permissions_for(["no-such-role"]) == frozenset()
    assert Permission.PERSON_CREATE not in permissions_for([Role.READONLY_INSTITUTION.value])


def test_permission_names_follow_the_scheme() -> None:
    for permission in Permission:
        area, resource, action = permission.value.split(":")
        assert area and resource and action


def test_language_negotiation_prefers_choice_then_header_then_latvian() -> None:
    assert negotiate("en-GB,en;q=0.9", None) == "en"
    assert negotiate("en-GB", "lv") == "lv"
    assert negotiate("de-DE,fr", None) == "lv"
    assert negotiate(None, None) == "lv"


def test_latvian_catalogue_translates_and_falls_back_to_english() -> None:
    assert gettext("lv", "Sign in") == "Pieteikties"
    assert gettext("en", "Sign in") == "Sign in"
    assert gettext("lv", "Signed in as %(name)s", name="Ilze") == "Lietotājs: Ilze"


def test_next_must_stay_on_this_site() -> None:
    assert safe_next("/clients?q=1") == "/clients?q=1"
    for bad in ("https://evil.example", "//evil.example", "/\\evil", None, ""):
        assert safe_next(bad) == "/"


def test_every_message_has_a_latvian_translation() -> None:
    from babel.messages.pofile import read_po

    from app.i18n import LOCALE_DIR

    with (LOCALE_DIR / "lv" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="lv")
    missing = [
        m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert missing == []


def test_latvian_alphabetical_order() -> None:
    from app.i18n import latvian_sort_key

    words = [
        "Žagars",
        "Ābele",
        "Čakste",
        "Ģirts",
        "Apinis",
        "Šmits",
        "Cēsis",
        "Gailis",
        "Zīle",
        "Ķuze",
        "Kalns",
    ]
    expected = [
        "Ābele",
        "Apinis",
        "Cēsis",
        "Čakste",
        "Gailis",
        "Ģirts",
        "Kalns",
        "Ķuze",
        "Šmits",
        "Zīle",
        "Žagars",
    ]
    assert sorted(words, key=latvian_sort_key) == expected
