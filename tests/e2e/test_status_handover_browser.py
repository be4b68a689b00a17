"""The status hand-over page in the browser: the day, the count, the download; no WCAG A/AA violation;
Latvian and English. With SCREENSHOTS=1 the pages are saved (SCREENSHOTS_DIR, default screenshots/)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, NewPage, Worker, axe_violations, describe, sign_in
from tests.factories.decision_rows import decided_application, household
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"),
]


def shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        outdir = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_OUTDIR)
        outdir.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(outdir / f"{name}.png"), animations="disabled", caret="hide")


@pytest.fixture
def officer(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Worker:
    username = f"bo-{tenant_a.hex[-8:]}"
    user = create_staff(
        rw_sessions, {tenant_a: ["benefit_officer"]}, username=username, full_name="Ilze Bērziņa"
    )
    people = [{"first_name": "Jānis", "last_name": "Bērziņš"}, {"first_name": "Anna", "last_name": "Bērziņa"}]
    home = household(rw_sessions, tenant_a, user, people)
    decided_application(rw_sessions, tenant_a, user, home, kind="needy_status", amount=None, lines=[])
    return Worker(username=username, password=PASSWORD, full_name="Ilze Bērziņa", municipality="Ādažu novads")


def test_the_hand_over_page_counts_and_downloads(new_page: NewPage, officer: Worker) -> None:
    page = new_page("lv-LV")
    sign_in(page, officer)
    page.goto("/assistance/statuses?on=15.01.2027")
    assert page.locator("h1").inner_text() == "Statusu nodošana"
    assert "2 personām ir statuss 15.01.2027." in page.locator(".results-summary").inner_text()
    assert axe_violations(page) == [], describe(axe_violations(page))
    shot(page, "handover-1-lv")

    with page.expect_download() as download:
        page.get_by_role("link", name="Lejupielādēt CSV (Excel)").click()
    assert download.value.suggested_filename == "statusi-2027-01-15.csv"

    page.locator("#f-on").fill("31.02.2027")
    page.get_by_role("button", name="Rādīt").click()
    assert page.locator("#f-on").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").is_visible()
    shot(page, "handover-2-bad-date-lv")


def test_the_hand_over_page_in_english(new_page: NewPage, officer: Worker) -> None:
    page = new_page("en-GB")
    sign_in(page, officer)
    page.goto("/assistance/statuses?on=2027-01-15")
    assert page.locator("h1").inner_text() == "Status hand-over"
    assert "2 persons hold a status" in page.locator(".results-summary").inner_text()
    shot(page, "handover-3-en")
