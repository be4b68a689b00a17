"""A social worker in a real browser runs the assistant service (MK 316): registers a request (refused in
place without a purpose, the first purpose focused), reads the hours' explanation, grants it, adds an
assistant, reports a month over the hours granted (refused in place) and within them, and accepts it with
the pay — with no serious axe-core WCAG 2.1 A/AA violation in any state."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.assistant_service import add_disability
from tests.factories.households import add_person, person_code
from tests.factories.people import unique_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]
TODAY = dt.date.today()


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


def test_a_request_granted_staffed_reported_and_paid(
    page: Page, social_worker: Worker, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    roberts = add_person(rw_sessions, tenant_a, "Roberts", "Ozols", dt.date(1990, 5, 5))
    add_disability(rw_sessions, tenant_a, roberts, "I", dt.date(2020, 1, 1), None)
    sign_in(page, social_worker)
    page.get_by_role("link", name="Asistenta pakalpojums").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asistenta pakalpojums")
    assert_accessible(page, "the list (empty)")

    page.get_by_label("Personas kods").fill(person_code(rw_sessions, tenant_a, roberts))
    page.get_by_role("button", name="Reģistrēt un izvērtēt").click()
    expect(page.locator("#as-purposes-error")).to_be_visible()
    expect(page.get_by_label("Strādā", exact=True)).to_be_focused()
    assert_accessible(page, "the request refused in place")
    page.get_by_label("Strādā", exact=True).check()
    page.get_by_label(re.compile("Pieaugušais: redzes")).check()
    page.get_by_role("button", name="Reģistrēt un izvērtēt").click()
    expect(page).to_have_url(re.compile(r"/assistant-service/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("grant-hours")).to_have_text("80")
    expect(page.get_by_role("cell", name="Mērķis: Strādā")).to_be_visible()
    assert_accessible(page, "the grant awaiting a decision")

    page.locator("#dc-outcome").select_option("granted")
    page.get_by_role("button", name="Pieņemt lēmumu").click()
    expect(page.get_by_label("Pamatojums")).to_be_focused()
    assert_accessible(page, "the decision refused in place")
    page.get_by_label("Pamatojums").fill("Strādā; kustību traucējumi.")
    page.get_by_role("button", name="Pieņemt lēmumu").click()
    expect(page.get_by_test_id("grant-status")).to_have_text("Piešķirts")

    page.get_by_label("Asistenta personas kods").fill(unique_code(dt.date(1985, 3, 3)))
    page.get_by_label("Vārds", exact=True).fill("Anita")
    page.get_by_label("Uzvārds").fill("Priede")
    page.get_by_role("button", name="Pievienot asistentu").click()
    expect(page.get_by_test_id("assistant")).to_contain_text("Anita Priede")

    form = page.locator("#report-form")
    form.get_by_label("Asistents").select_option(label="Anita Priede")
    form.get_by_label("Stundas", exact=True).fill("81")
    form.get_by_role("button", name="Reģistrēt pārskatu").click()
    expect(page.locator("#rp-hours-error")).to_contain_text("pārsniedz")
    expect(form.get_by_label("Stundas", exact=True)).to_be_focused()
    assert_accessible(page, "the report refused in place")
    form.get_by_label("Stundas", exact=True).fill("79,5")
    form.get_by_role("button", name="Reģistrēt pārskatu").click()
    expect(page.get_by_test_id("assistant-report")).to_contain_text("Gaida pieņemšanu")
    # The rate the month will be paid at: the legal parameter, read-only.
    expect(page.get_by_test_id("assistant-report").get_by_test_id("hourly-rate")).to_contain_text("4,50")
    page.get_by_test_id("assistant-report").get_by_role("button", name="Pieņemt").click()
    expect(page.get_by_test_id("report-pay")).to_have_text(re.compile(r"357,75\s€"))
    assert_accessible(page, "the grant with a paid month")
