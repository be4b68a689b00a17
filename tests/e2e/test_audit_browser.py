"""A head of service reads the audit logs in a real browser: filters as active search (URL pushed), the
next page swapped in with the focus on the new table, the bad-filter message, and no serious WCAG 2.1
A/AA violation (axe-core) in any of these states."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.audit import add_access, add_changes
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
    username = f"head-{uuid.uuid4().hex[:8]}"
    user_id = create_staff(
        rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Anita Ozola"
    )
    # More than one page (50), some with a before/after pair, and a person view in the access log.
    add_changes(rw_sessions, tenant_a, 55, actor_user_id=user_id)
    add_changes(
        rw_sessions,
        tenant_a,
        action="admin:membership:grant",
        entity_type="membership",
        actor_user_id=user_id,
        before={"roles": ["social_worker"]},
        after={"roles": ["social_worker", "case_manager"], "user_id": str(uuid.uuid4())},
    )
    add_access(rw_sessions, tenant_a, user_id=user_id, person_id=uuid.uuid4())
    return Worker(username=username, password=PASSWORD, full_name="Anita Ozola", municipality="Ādažu novads")


def _no_violations(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


def test_audit_pages_in_every_state(page: Page, head: Worker) -> None:
    sign_in(page, head)
    page.get_by_role("navigation", name="Galvenā navigācija").get_by_role("link", name="Audits").click()
    expect(page).to_have_url(re.compile(r"/audit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audits")
    _no_violations(page, "change log")

    page.locator("details summary").first.click()
    _no_violations(page, "change log with a disclosure open")

    # Active search: choosing an action swaps the results and pushes the URL, the form keeps the focus.
    action = page.get_by_label("Darbība")
    action.focus()
    action.select_option("admin:")
    expect(page).to_have_url(re.compile(r"/audit\?action=admin%3A$"))  # no empty fields in the address
    expect(page.locator("#results-summary")).to_contain_text("Parādīti 2 ieraksti")  # the grant and ours
    expect(action).to_be_focused()
    page.locator("tr.changed").first.wait_for(state="attached")
    # The before/after pair reads in words: role labels, not their typed names.
    page.locator("#results details summary").first.click()
    roles = page.locator("#results table.diff tr", has_text="Lomas").first
    expect(roles).to_contain_text("Sociālais darbinieks, Gadījuma vadītājs")
    expect(roles).not_to_contain_text("social_worker")
    _no_violations(page, "change log filtered")

    page.get_by_role("link", name="Notīrīt").click()
    expect(page).to_have_url(re.compile(r"/audit$"))
    next_page = page.get_by_role("link", name=re.compile("Nākamā lapa"))
    next_page.click()
    expect(page).to_have_url(re.compile(r"/audit\?after="))
    expect(page.locator("table.log")).to_be_focused()  # the link that had the focus was swapped out
    expect(page.get_by_role("link", name="Pirmā lapa")).to_be_visible()
    _no_violations(page, "change log, second page")

    page.get_by_label(re.compile("^No ")).fill("10.03.2026")
    page.get_by_label(re.compile("^Līdz ")).fill("01.03.2026")
    page.get_by_role("button", name="Rādīt").click()
    expect(page.get_by_role("alert")).to_contain_text("Beigu datums ir pirms sākuma datuma.")
    _no_violations(page, "change log with a bad period")

    page.get_by_role("link", name="Piekļuves žurnāls").click()
    expect(page).to_have_url(re.compile(r"/audit/access$"))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    _no_violations(page, "access log")


def test_the_menu_offers_no_audit_to_a_social_worker(page: Page, social_worker: Worker) -> None:
    sign_in(page, social_worker)
    expect(
        page.get_by_role("navigation", name="Galvenā navigācija").get_by_role("link", name="Audits")
    ).to_have_count(0)
