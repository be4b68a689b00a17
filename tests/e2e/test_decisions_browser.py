"""A benefit officer in a real browser: receives a GMI application on a household's declaration, assesses
it, sees the amount with its explanation, opens the decision dialog (the other municipalities checked on
opening), is refused without reasons (in place, in Latvian, the reasons field focused) and registers the
decision — with no serious axe-core WCAG 2.1 A/AA violation in any state."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.applications import Member, catalogue, submitted_declaration
from tests.factories.households import add_household, add_person
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]
TODAY = dt.date.today()


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


def household_ground(sessions: sessionmaker[Session], tenant: uuid.UUID) -> dict[str, Any]:
    """Jānis and Anna (wages 100 a month), their submitted declaration, the default catalogue, an officer."""
    username = f"bo-{uuid.uuid4().hex[:8]}"
    officer = create_staff(
        sessions, {tenant: ["benefit_officer"]}, username=username, full_name="Inese Bērziņa"
    )
    janis = add_person(sessions, tenant, "Jānis", "Bērziņš", dt.date(1980, 4, 12))
    anna = add_person(sessions, tenant, "Anna", "Bērziņa", dt.date(1983, 9, 1))
    since = dt.date(2020, 1, 1)
    household = add_household(
        sessions, tenant, "Bērziņu ģimene", [(janis, "head", since, None), (anna, "spouse", since, None)]
    )
    declaration = submitted_declaration(
        sessions,
        tenant,
        officer,
        [Member(janis), Member(anna, "spouse", "employed", 42, wages=Decimal("100.00"))],
        declared_on=TODAY - dt.timedelta(days=2),
        household_id=household,
        housing=[("rent", Decimal("120.00"))],
    )
    return {
        "worker": Worker(username, PASSWORD, "Inese Bērziņa", "Ādažu novads"),
        "janis": janis,
        "declaration": declaration,
        "codes": catalogue(sessions, tenant),
    }


def receive_and_assess(page: Page, ground: dict[str, Any], code: str = "GMI") -> None:
    page.goto(f"/applications/new?person={ground['janis']}")
    page.get_by_label("Pabalsts vai statuss").select_option(str(ground["codes"][code]))
    page.get_by_role("button", name="Reģistrēt iesniegumu").click()
    expect(page).to_have_url(re.compile(r"/applications/[0-9a-f-]{36}$"))
    page.get_by_test_id("assess").click()
    expect(page.get_by_test_id("assessed")).to_be_visible()


def test_officer_assesses_and_decides_in_the_dialog(
    page: Page, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    ground = household_ground(rw_sessions, tenant_a)
    sign_in(page, ground["worker"])
    page.goto("/applications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iesniegumi")
    assert_accessible(page, "applications list (empty)")

    page.goto("/applications/new")
    page.get_by_label("Atrast iesniedzēju").fill("Bērziņš Jānis")
    page.get_by_role("link", name="Jānis Bērziņš").click()
    expect(page.get_by_test_id("applicant")).to_contain_text("Jānis Bērziņš")
    assert_accessible(page, "new application form")

    receive_and_assess(page, ground)
    expect(page.get_by_test_id("assessed-amount")).to_have_text("218,00\u00a0€")
    expect(page.locator("#assessment table.explanation")).to_contain_text("GMI")
    assert_accessible(page, "assessed application")

    page.get_by_test_id("open-decision").click()
    dialog = page.locator("#decide-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("decision-assessed-amount")).to_have_text("218,00\u00a0€")
    expect(dialog.locator("#others")).not_to_contain_text("Pārbauda citas pašvaldības")  # loaded on opening
    assert_accessible(page, "decision dialog")

    dialog.get_by_role("button", name="Reģistrēt lēmumu").click()
    expect(dialog.get_by_text("Norādiet lēmuma pamatojumu")).to_be_visible()
    expect(dialog.get_by_label("Pamatojums")).to_be_focused()
    assert_accessible(page, "decision dialog refused (422)")

    dialog.get_by_label("Pamatojums").fill("Mājsaimniecības ienākumi nepārsniedz GMI slieksni (MK 809).")
    dialog.get_by_role("button", name="Reģistrēt lēmumu").click()
    decision = page.get_by_test_id("decision")
    expect(decision).to_contain_text("LEM-")
    expect(decision).to_contain_text("Piešķirts")
    expect(page.get_by_test_id("grant")).to_contain_text("218,00\u00a0€")
    expect(page.get_by_test_id("application-status")).to_have_text("Lēmums pieņemts")
    expect(page.get_by_test_id("open-decision")).to_have_count(0)
    assert_accessible(page, "decided application")
