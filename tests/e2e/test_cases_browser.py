"""A social worker in a real browser: opens a case from the client's page, records a home visit in two
clicks (and sees a refused one come back with Latvian messages), uploads a document, and finds both in
the timeline and the documents list — with no serious axe-core WCAG 2.1 A/AA violation in any state."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.cases import PDF, add_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


def test_open_a_case_record_a_home_visit_and_upload(
    page: Page, social_worker: Worker, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    person = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš")
    sign_in(page, social_worker)

    # Open a case from the person's Cases tab.
    page.goto(f"/persons/{person}/cases")
    assert_accessible(page, "person cases tab (empty)")
    page.get_by_role("link", name="Atvērt lietu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atvērt lietu")
    page.get_by_label("Nosaukums").fill("Sociālā palīdzība ģimenei")
    page.get_by_label("Sociālā palīdzība").check()
    expect(page.get_by_label("Atbildīgais darbinieks")).to_have_value(re.compile(".+"))  # oneself
    page.get_by_role("button", name="Atvērt lietu").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sociālā palīdzība ģimenei")
    expect(page.get_by_test_id("case-client")).to_have_text("Jānis Bērziņš")
    assert_accessible(page, "case page")

    # Click one: the form, with the kind, today and oneself chosen, the cursor in the duration.
    page.get_by_role("link", name="Reģistrēt mājas vizīti").click()
    form = page.locator("#entry-add-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Veids")).to_have_value("home_visit")
    expect(form.get_by_label("Ilgums")).to_be_focused()
    expect(form.get_by_label("Mājas vizītē konstatētais")).to_be_visible()
    assert_accessible(page, "home visit form")

    # A refused attempt comes back in place, the first field in error focused.
    form.get_by_role("button", name="Saglabāt").click()
    expect(page.get_by_text("Norādiet, cik minūtes aizņēma darbība.")).to_be_visible()
    expect(page.get_by_text("Ievadiet tematu.")).to_be_visible()
    expect(page.locator("#entry-add-form").get_by_label("Ilgums")).to_be_focused()
    assert_accessible(page, "home visit form with errors (422)")

    form = page.locator("#entry-add-form")
    form.get_by_label("Ilgums").fill("1:30")
    form.get_by_label("Temats").fill("Vizīte dzīvesvietā")
    form.get_by_label("Mājas vizītē konstatētais").fill("Apkure nedarbojas, pārtikas pietiek.")
    # Click two: save.
    form.get_by_role("button", name="Saglabāt").click()
    entry = page.locator("#timeline article.entry").first
    expect(entry).to_contain_text("Vizīte dzīvesvietā")
    expect(entry).to_contain_text("Apkure nedarbojas")
    expect(entry).to_contain_text("1 st. 30 min")
    expect(page.locator("#status")).to_have_text("Ieraksts saglabāts")
    expect(page.locator("#entry-add-form")).to_have_count(0)
    expect(entry).to_be_focused()
    assert_accessible(page, "timeline after recording")

    # Upload a document.
    documents = page.locator("#case-documents")
    documents.locator("#upload-file").set_input_files(
        files=[{"name": "Iesniegums Bērziņš.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    documents.get_by_label("Nosaukums").fill("Klienta iesniegums")
    documents.get_by_role("button", name="Augšupielādēt").click()
    expect(page.locator("#status")).to_have_text("Dokuments augšupielādēts")
    listed = page.locator("#case-documents .documents li")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("Klienta iesniegums")
    expect(listed.first).to_contain_text("Iesniegums Bērziņš.pdf")
    assert_accessible(page, "documents after upload")

    # A spoofed file is refused in place.
    page.locator("#upload-file").set_input_files(
        files=[{"name": "rēķins.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 100}]
    )
    page.locator("#case-documents").get_by_role("button", name="Augšupielādēt").click()
    expect(page.get_by_text("Šāda veida datni nevar augšupielādēt.", exact=False)).to_be_visible()
    assert_accessible(page, "upload refused (422)")

    # Both are there after a reload too, and the case is on the person's tab.
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("Vizīte dzīvesvietā")
    expect(page.locator("#case-documents")).to_contain_text("Klienta iesniegums")
    page.get_by_role("link", name="Jānis Bērziņš").click()
    page.get_by_role("link", name="Lietas", exact=True).last.click()
    expect(page.locator("#person-tab")).to_contain_text("Sociālā palīdzība ģimenei")

    # The close dialog opens as a modal and is accessible.
    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Slēgt lietu").click()
    dialog = page.get_by_role("dialog", name="Slēgt lietu")
    expect(dialog).to_be_visible()
    assert_accessible(page, "close dialog")
