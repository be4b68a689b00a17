"""Screenshots of staff administration (see tests/e2e/screenshots.py); skipped unless SCREENSHOTS=1."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.auth.models import User
from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SCREENSHOTS") != "1", reason="screenshots are taken with SCREENSHOTS=1"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"screenshots need Debian's Chromium at {CHROMIUM}"),
]

STAFF = [
    ("j.berzins", "Jānis Bērziņš", ["social_worker"]),
    ("a.ozola", "Anna Ozola", ["case_manager", "social_worker"]),
    ("p.kalnins", "Pēteris Kalniņš", ["benefit_officer"]),
    ("z.vitola", "Žanna Vītola", ["accountant"]),
    ("e.cakste", "Edgars Čakste", ["auditor"]),
    ("i.krumina", "Inese Krūmiņa-Liepiņa", ["readonly_institution"]),
]


def capture_staff(new_page: NewPage, head: Worker, outdir: Path) -> list[Path]:
    """The list, the add dialog (open, with errors, saved), inline role editing (open, with an error),
    the form as its own page, and the list in English."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def shot(page: Page, name: str, full_page: bool = False) -> None:
        path = outdir / f"staff-{name}.png"
        # caret="hide" would leave style="" on every input, and htmx copying that attribute in a later
        # swap is refused by the Content-Security-Policy (a console error): keep the caret.
        page.screenshot(path=str(path), animations="disabled", caret="initial", full_page=full_page)
        written.append(path)

    page = new_page("lv-LV")
    sign_in(page, head)
    page.goto("/admin/staff")
    shot(page, "1-list-lv")

    page.get_by_role("link", name="Pievienot darbinieku").click()
    dialog = page.locator("#add-staff-dialog")
    dialog.wait_for()
    shot(page, "2-add-dialog-lv")

    dialog.locator("#staff-username").fill("Ilze Ozola")
    dialog.locator("#staff-full-name").fill("Ilze Ozola")
    dialog.locator("#staff-email").fill("ilze.ozola@")
    dialog.locator("#staff-password").fill("īsa")
    dialog.locator("button[type=submit]:not([form])").click()
    dialog.locator("#add-staff-errors").wait_for()
    shot(page, "3-add-errors-lv")

    dialog.locator("#staff-username").fill("i.ozola")
    dialog.locator("#staff-email").fill("ilze.ozola@adazi.lv")
    dialog.locator("input[value=social_worker]").check()
    dialog.locator("#staff-password").fill("gara-un-droša-parole")
    dialog.locator("button[type=submit]:not([form])").click()
    page.locator("#status", has_text="Pievienots").wait_for()
    shot(page, "4-added-lv")

    row = page.locator("tr", has_text="Pēteris Kalniņš")
    row.locator("a", has_text="Mainīt lomas").click()
    editing = page.locator("tr.editing")
    editing.wait_for()
    editing.scroll_into_view_if_needed()
    shot(page, "5-edit-roles-lv")

    editing.locator("input[type=checkbox]:checked").uncheck()
    editing.locator("button[type=submit]").click()
    editing.locator(".error").wait_for()
    editing.scroll_into_view_if_needed()
    shot(page, "6-edit-roles-error-lv")

    page.goto("/admin/staff/new")
    shot(page, "7-new-page-lv", full_page=True)

    page.locator("header button[name=lang][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.goto("/admin/staff")
    shot(page, "8-list-en")
    return written


def test_staff_screenshots(
    new_page: NewPage,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    make_tenant: Callable[[str], uuid.UUID],
) -> None:
    other = make_tenant("Ķekavas novads")
    create_staff(
        rw_sessions,
        {tenant_a: ["head_of_service"], other: ["social_worker"]},
        username="a.ozolina",
        full_name="Anita Ozoliņa",
    )
    for username, name, roles in STAFF:
        create_staff(rw_sessions, {tenant_a: roles}, username=username, full_name=name)
    with rw_sessions.begin() as s:  # the factory leaves the e-mail empty; a real list has them
        s.execute(
            update(User)
            .where(User.username.in_([u for u, _, _ in STAFF]))
            .values(email=User.username + "@adazi.lv")
        )
    head = Worker("a.ozolina", PASSWORD, "Anita Ozoliņa", "Ādažu novads")

    outdir = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_OUTDIR)
    written = capture_staff(new_page, head, outdir)
    assert len(written) == 8 and all(p.stat().st_size > 5_000 for p in written)
