"""A social worker signs in with a real browser: Latvian by default, keyboard-only, English on request,
and no serious WCAG 2.1 A/AA violation on the way (axe-core)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
    ),
]

WRONG_PASSWORD_LV = "Nepareizs lietotājvārds vai parole."


def test_social_worker_is_sent_to_sign_in_fails_then_signs_in(page: Page, social_worker: Worker) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pieteikties")

    page.get_by_label("Lietotājvārds").fill(social_worker.username)
    page.get_by_label("Parole").fill("nepareiza-parole")
    page.get_by_role("main").get_by_role("button", name="Pieteikties").click()

    expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD_LV)
    username = page.get_by_label("Lietotājvārds")
    expect(username).to_have_value(social_worker.username)  # kept, only the password is typed again
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_be_focused()  # and described by the error, so a screen reader reads it out

    page.get_by_label("Parole").fill(social_worker.password)
    page.get_by_role("main").get_by_role("button", name="Pieteikties").click()

    expect(page).to_have_url(re.compile(r"/$"))
    header = page.get_by_role("banner")
    expect(header.get_by_test_id("municipality")).to_have_text(social_worker.municipality)
    expect(header.get_by_test_id("user")).to_have_text(social_worker.full_name)
    expect(page.get_by_role("heading", level=1)).to_have_text(social_worker.municipality)
    expect(page.get_by_test_id("count-persons")).to_have_text("0")
    expect(page.get_by_test_id("count-staff")).to_have_text("1")
    expect(page.get_by_role("main")).to_contain_text("darbinieks")  # Latvian singular for one staff member


def test_keyboard_only_sign_in(page: Page, social_worker: Worker) -> None:
    page.goto("/login")

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Pāriet uz saturu")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link must be on screen"

    page.keyboard.press("Enter")  # follows the skip link past the header
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Lietotājvārds")).to_be_focused()

    page.keyboard.type(social_worker.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Parole")).to_be_focused()
    page.keyboard.type(social_worker.password)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("user")).to_have_text(social_worker.full_name)


def test_switching_the_language_to_english(page: Page) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pieteikties")

    page.get_by_role("button", name="EN", exact=True).click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Password")).to_be_visible()
    expect(page.get_by_role("button", name="EN", exact=True)).to_have_attribute("aria-current", "true")


def test_no_serious_accessibility_violations(page: Page, social_worker: Worker) -> None:
    page.goto("/login")
    found = axe_violations(page)
    assert not found, "sign-in page:\n" + describe(found)

    page.get_by_label("Lietotājvārds").fill(social_worker.username)
    page.get_by_label("Parole").fill("nepareiza-parole")
    page.get_by_role("main").get_by_role("button", name="Pieteikties").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found = axe_violations(page)
    assert not found, "sign-in page with the error:\n" + describe(found)

    sign_in(page, social_worker)
    expect(page.get_by_test_id("count-persons")).to_be_visible()
    found = axe_violations(page)
    assert not found, "home page:\n" + describe(found)
