"""A social worker in a real browser: searches the client list as they type, opens a person from the
results with the keyboard, adds an address (first refused with messages in place, then saved, the
previous one handed over), and goes Back to the same results — and axe-core finds no serious WCAG 2.1
A/AA violation in any of these states."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.people import insert_address, insert_persons

FROM = re.compile(r"^No\s*\*?$")  # the label, with the required mark

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
    ),
]


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


@pytest.fixture
def clients(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, uuid.UUID]:
    names = [("Jānis", "Bērziņš"), ("Ērika", "Bērziņa"), ("Anna", "Liepa"), ("Pēteris", "Ozols")]
    ids = insert_persons(
        rw_sessions,
        tenant_a,
        [{"first_name": f, "last_name": n, "birth_date": dt.date(1975, 11, 16)} for f, n in names],
    )
    insert_address(rw_sessions, tenant_a, ids[0], "Lielā iela 1-2", "Ādaži", valid_from=dt.date(2019, 5, 1))
    return {f"{f} {n}": i for (f, n), i in zip(names, ids, strict=True)}


def test_search_open_and_add_an_address(
    page: Page, social_worker: Worker, clients: dict[str, uuid.UUID]
) -> None:
    sign_in(page, social_worker)
    page.get_by_role("navigation", name="Galvenā navigācija").get_by_role("link", name="Klienti").click()
    expect(page).to_have_url(re.compile(r"/persons$"))
    expect(page.locator("#results-summary")).to_have_text("4 personas reģistrā")
    assert_accessible(page, "client list")

    # Active search: results change as one types, the address follows, the box keeps the focus.
    search = page.get_by_label("Meklēt", exact=True)
    search.fill("bērz")
    expect(page.locator("#results .person-name")).to_have_text(["Bērziņa Ērika", "Bērziņš Jānis"])
    expect(page).to_have_url(re.compile(r"/persons\?q=b%C4%93rz$"))
    expect(page.locator("#results-summary")).to_have_text("Atrastas 2 personas")
    expect(search).to_be_focused()
    search.fill("jānis bērziņš")
    expect(page.locator("#results .person-name")).to_have_text(["Bērziņš Jānis"])
    expect(page.locator("#results")).to_contain_text("Lielā iela 1-2, Ādaži")
    assert_accessible(page, "search results")

    # Open with the keyboard.
    link = page.locator("#results .person-name").first
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/persons/{clients['Jānis Bērziņš']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jānis Bērziņš")
    assert_accessible(page, "person page")

    # Add an address: refused first (messages in place, the form stays open), then saved.
    section = page.locator("#person-addresses")
    section.get_by_text("Pievienot adresi").click()
    section.get_by_label("Iela, māja, dzīvoklis").fill("")
    section.get_by_label(FROM).fill("31.02.2024")
    section.get_by_role("button", name="Pievienot").click()
    expect(section.get_by_text("Ievadiet ielu un māju (vai mājas nosaukumu) un dzīvokli.")).to_be_visible()
    expect(section.get_by_label("Iela, māja, dzīvoklis")).to_be_focused()
    expect(section.get_by_label(FROM)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "address form with errors (422)")

    section = page.locator("#person-addresses")
    section.get_by_label("Iela, māja, dzīvoklis").fill("Jaunā iela 3-7")
    section.get_by_label("Pilsēta, ciems vai pagasts").fill("Ādaži")
    section.get_by_label(FROM).fill("01.03.2024")
    section.get_by_role("button", name="Pievienot").click()
    expect(page.locator("#status")).to_have_text("Saglabāts")
    current = page.locator('#person-addresses .current-address[data-kind="declared"]')
    expect(current).to_contain_text("Jaunā iela 3-7, Ādaži")
    history = page.locator("#person-addresses table.history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("29.02.2024")  # the previous one ended the day before
    assert_accessible(page, "address saved")

    # The "who viewed" tab, then Back to the same search results.
    page.get_by_role("link", name="Kas skatījās").click()
    expect(page.locator('[data-tab="access"]')).to_have_attribute("aria-current", "page")
    expect(page.locator("#person-tab table.log tbody tr").first).to_contain_text("Līga Kalniņa")
    assert_accessible(page, "who viewed")
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/persons\?q="))
    expect(page.locator("#results .person-name")).to_have_text(["Bērziņš Jānis"])
