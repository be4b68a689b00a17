"""The head of service administers staff in a real browser: the list, the add <dialog> (422 and
success), inline role editing, removal with confirmation — and axe-core finds no serious WCAG 2.1 A/AA
violation in any of these states."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in, unique
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
    ),
]


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Worker:
    username = unique("head")
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Ilze Bērziņa")
    for name in ("Anna Zīle", "Čaks Ivars"):
        create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name=name)
    return Worker(username=username, password=PASSWORD, full_name="Ilze Bērziņa", municipality="Ādažu novads")


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


def test_head_of_service_administers_staff(page: Page, head: Worker) -> None:
    sign_in(page, head)
    page.get_by_role("navigation").get_by_role("link", name="Darbinieki").click()
    expect(page).to_have_url(re.compile(r"/admin/staff$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Darbinieki")
    table = page.locator("#staff-table")
    expect(table.locator(".person-name")).to_have_text(["Anna Zīle", "Čaks Ivars", "Ilze Bērziņa"])
    assert_accessible(page, "staff list")

    # The dialog: opens as a modal, a bad form comes back (422) inside it with Latvian messages.
    opener = page.get_by_role("link", name="Pievienot darbinieku")
    opener.click()
    dialog = page.get_by_role("dialog", name="Pievienot darbinieku")
    expect(dialog).to_be_visible()
    assert_accessible(page, "add dialog open")
    username = unique("jauns")
    dialog.get_by_label("Lietotājvārds").fill(username)
    dialog.get_by_label("Vārds, uzvārds").fill("Jānis Ozols")
    dialog.get_by_label("E-pasts").fill("nav-epasts")
    dialog.get_by_role("button", name="Pievienot").click()
    expect(dialog.get_by_text("Ievadiet derīgu e-pasta adresi")).to_be_visible()
    expect(dialog.get_by_text("Izvēlieties vismaz vienu lomu.")).to_be_visible()
    expect(dialog.get_by_label("E-pasts")).to_be_focused()  # the first field in error
    expect(dialog.get_by_label("Lietotājvārds")).to_have_value(username)
    assert_accessible(page, "add dialog with errors (422)")

    # Cancel leaves nothing behind: reopened, the form has neither the typed values nor the messages.
    dialog.get_by_label("Sociālais darbinieks").check()
    dialog.get_by_role("button", name="Atcelt").click()
    expect(dialog).to_be_hidden()
    opener.click()
    expect(dialog).to_be_visible()
    for field in ("Lietotājvārds", "Vārds, uzvārds", "E-pasts", "Parole (nav obligāta)"):
        expect(dialog.get_by_label(field)).to_have_value("")
        expect(dialog.get_by_label(field)).not_to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Sociālais darbinieks")).not_to_be_checked()
    expect(dialog.locator(".error")).to_have_count(0)
    expect(dialog.get_by_label("Lietotājvārds")).to_be_focused()  # the first field, not the one in error
    assert_accessible(page, "add dialog reopened after cancel")
    # Escape cancels too.
    dialog.get_by_label("Lietotājvārds").fill("kaut-kas")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    opener.click()
    expect(dialog.get_by_label("Lietotājvārds")).to_have_value("")

    dialog.get_by_label("Lietotājvārds").fill(username)
    dialog.get_by_label("Vārds, uzvārds").fill("Jānis Ozols")
    dialog.get_by_label("E-pasts").fill("janis.ozols@adazi.lv")
    dialog.get_by_label("Sociālais darbinieks").check()
    dialog.get_by_label("Parole (nav obligāta)").fill("jauna-gara-parole-42")
    dialog.get_by_role("button", name="Pievienot").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_have_text("Pievienots")
    expect(table.locator(".person-name")).to_have_text(
        ["Anna Zīle", "Čaks Ivars", "Ilze Bērziņa", "Jānis Ozols"]
    )
    expect(opener).to_be_focused()  # the closed modal gives the focus back
    assert_accessible(page, "after adding, with the status message")

    # Reopened, the form is empty again; Cancel closes it without sending anything.
    opener.click()
    expect(dialog.get_by_label("Lietotājvārds")).to_have_value("")
    dialog.get_by_role("button", name="Atcelt").click()
    expect(dialog).to_be_hidden()

    # Inline role editing: the row becomes a form; no role is refused in the row; a save restores it.
    row = page.locator("tr", has_text="Jānis Ozols")
    row.get_by_role("link", name=re.compile("^Mainīt lomas")).click()
    roles = page.get_by_role("group", name="Lomas: Jānis Ozols")
    expect(roles).to_be_visible()
    expect(roles.get_by_role("checkbox").first).to_be_focused()
    assert_accessible(page, "inline role editing")
    roles.get_by_label("Sociālais darbinieks").uncheck()
    page.locator("tr.editing").get_by_role("button", name="Saglabāt").click()
    expect(page.locator("tr.editing").get_by_text("Izvēlieties vismaz vienu lomu.")).to_be_visible()
    assert_accessible(page, "inline role editing with an error (422)")
    roles.get_by_label("Gadījuma vadītājs").check()
    page.locator("tr.editing").get_by_role("button", name="Saglabāt").click()
    expect(page.locator("tr.editing")).to_have_count(0)
    expect(row).to_contain_text("Gadījuma vadītājs")
    expect(row.get_by_role("link", name=re.compile("^Mainīt lomas"))).to_be_focused()

    # Cancel puts the row back as it was.
    row.get_by_role("link", name=re.compile("^Mainīt lomas")).click()
    page.locator("tr.editing").get_by_role("link", name="Atcelt").click()
    expect(page.locator("tr.editing")).to_have_count(0)
    expect(row).to_contain_text("Gadījuma vadītājs")

    # Removal asks first; the list is then one shorter and says so.
    page.once("dialog", lambda confirm: confirm.accept())
    row.get_by_role("button", name=re.compile("^Noņemt")).click()
    expect(table.locator(".person-name")).to_have_text(["Anna Zīle", "Čaks Ivars", "Ilze Bērziņa"])
    expect(page.locator("#status")).to_have_text("Noņemts no pašvaldības darbiniekiem")
    assert_accessible(page, "after removing")


def test_escape_closes_the_add_dialog(page: Page, head: Worker) -> None:
    sign_in(page, head)
    page.goto("/admin/staff")
    page.get_by_role("link", name="Pievienot darbinieku").click()
    dialog = page.get_by_role("dialog", name="Pievienot darbinieku")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
