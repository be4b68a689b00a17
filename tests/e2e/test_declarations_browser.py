"""A benefit officer in a real browser: opens a client, starts a means-test declaration from the Assistance
tab, enters a member's incomes inline (a negative amount comes back in place in Latvian, the field
focused), saves them and sees the averages and the computed GMI, housing benefit and statuses with their
explanation — no serious axe-core WCAG 2.1 A/AA violation in any state; the page fits a phone screen.

With DECLARATION_SHOTS=<dir> it also saves screenshots (Latvian, English, 390 px wide)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, NewPage, Worker, axe_violations, describe, sign_in
from tests.factories.declarations import make_family
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]

SHOTS = os.environ.get("DECLARATION_SHOTS")


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_start_a_declaration_enter_incomes_and_see_the_computation(
    new_page: NewPage, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    username = f"officer-{uuid.uuid4().hex[:6]}"
    create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, username=username, full_name="Ilze Liepa")
    officer = Worker(
        username=username, password=PASSWORD, full_name="Ilze Liepa", municipality="Ādažu novads"
    )
    family = make_family(rw_sessions, tenant_a)
    page = new_page("lv-LV")
    sign_in(page, officer)

    # The client's Assistance tab: no declarations yet; start one for today.
    page.goto(f"/persons/{family.janis}")
    page.locator("#person-tabs").get_by_role("link", name="Palīdzība").click()
    expect(page.get_by_role("heading", name="Iztikas līdzekļu deklarācijas")).to_be_visible()
    expect(page.get_by_test_id("no-declarations")).to_be_visible()
    assert_accessible(page, "assistance tab (empty)")
    page.get_by_test_id("start-declaration").click()
    expect(page).to_have_url(re.compile(r"/declarations/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Iztikas līdzekļu deklarācija")
    household = page.locator("#declaration-household")
    for name in ("Jānis Bērziņš", "Anna Bērziņa", "Roberts Bērziņš", "Velta Kalniņa"):
        expect(household).to_contain_text(name)
    expect(page.get_by_test_id("result-gmi")).to_be_visible()
    assert_accessible(page, "new declaration")

    # Jānis's incomes: open the form in place.
    janis = page.locator("article.member-incomes", has_text="Jānis Bērziņš")
    janis.get_by_test_id("edit-incomes").click()
    grid = page.locator("form.income-form")
    expect(grid).to_be_visible()
    grid.locator("select[name=r0-type]").select_option("wages")
    amounts = grid.locator("tbody").first.locator("tr").first.locator("input.amount")
    amounts.nth(0).fill("620")
    amounts.nth(1).fill("-620")
    amounts.nth(2).fill("640,50")
    assert_accessible(page, "income form")
    grid.get_by_role("button", name="Saglabāt ienākumus").click()
    expect(page.get_by_text("Summa nevar būt negatīva.")).to_be_visible()
    expect(page.locator("form.income-form input[aria-invalid=true]")).to_be_focused()
    assert_accessible(page, "income form refused (422)")
    shot(page, "declaration-incomes-422-lv")

    page.locator("form.income-form input[aria-invalid=true]").fill("620")
    page.locator("form.income-form").get_by_role("button", name="Saglabāt ienākumus").click()
    expect(page.locator("#status")).to_have_text("Ienākumi saglabāti")
    janis = page.locator("article.member-incomes", has_text="Jānis Bērziņš")
    expect(janis.get_by_test_id("regular-incomes")).to_contain_text("Darba alga")
    expect(janis.get_by_test_id("member-average")).to_have_text(re.compile(r"626,83\s€"))
    expect(page.get_by_test_id("income-summary")).to_contain_text("626,83")
    expect(page.locator("form.income-form")).to_have_count(0)

    # The computation: each result with its explanation lines.
    gmi = page.get_by_test_id("result-gmi")
    expect(gmi).to_be_visible()
    gmi.locator("summary").click()
    expect(gmi.locator("table.explanation-lines tr").first).to_be_visible()
    for kind in ("housing", "needy_status", "low_income_status"):
        expect(page.get_by_test_id(f"result-{kind}")).to_be_visible()
    assert_accessible(page, "declaration with incomes and the computation")
    shot(page, "declaration-lv")

    # English, and a phone-sized screen: nothing scrolls the page sideways.
    page.locator("header button[name=lang][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Means-test declaration")
    shot(page, "declaration-en")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("header button[name=lang][value=lv]").click()
    page.wait_for_function("document.documentElement.lang === 'lv'")
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"the page is {width} px wide in a {window} px window"
    shot(page, "declaration-390-lv")
    page.goto(f"/persons/{family.janis}/assistance")
    expect(page.get_by_test_id("declaration-link")).to_have_count(1)
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window
    shot(page, "assistance-tab-390-lv")
