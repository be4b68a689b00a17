"""A social worker opens a household in a real browser, finds a person with the picker, adds them and sees
them listed; a refused member shows the message next to the field with the focus on it; the person's
household tab. No serious WCAG 2.1 A/AA violation (axe-core) in any of these states."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.households import add_household, add_person, person_code, relate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
    ),
]
D = dt.date


def _no_violations(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


@pytest.fixture
def family(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, uuid.UUID]:
    people = {
        "janis": add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš", D(1980, 4, 12)),
        "karlis": add_person(rw_sessions, tenant_a, "Kārlis", "Bērziņš", D(2012, 1, 30)),
        "ede": add_person(rw_sessions, tenant_a, "Ede", "Liepiņa", D(1950, 2, 1)),
    }
    people["home"] = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [(people["janis"], "head", D(2010, 5, 1), None), (people["karlis"], "child", D(2012, 1, 30), None)],
    )
    relate(rw_sessions, tenant_a, people["karlis"], people["janis"], "parent")
    return people


def test_open_a_household_add_a_member_and_see_them_listed(
    page: Page, social_worker: Worker, family: dict[str, uuid.UUID], rw_sessions, tenant_a
) -> None:
    sign_in(page, social_worker)
    page.goto(f"/households/{family['home']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bērziņu ģimene")
    members = page.locator("#members table")
    expect(members).to_contain_text("Jānis Bērziņš")
    expect(members).not_to_contain_text("Ede Liepiņa")
    _no_violations(page, "household page")

    # A refused member: no person chosen, an impossible date. The messages sit by the fields, the focus
    # goes to the first one.
    form = page.locator("#add-member")
    form.get_by_label("Loma mājsaimniecībā").select_option("grandparent")
    form.get_by_label(re.compile("Sastāvā no")).fill("31.02.2024")
    form.get_by_role("button", name="Pievienot mājsaimniecībai").click()
    expect(page.locator("#member-q-error")).to_contain_text("Atrodiet personu")
    expect(page.locator("#member-joined-error")).to_have_text(
        "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi."
    )
    expect(page.locator("#member-q")).to_be_focused()
    _no_violations(page, "add member with errors")

    # The picker: the personal code finds Ede as she is typed; she is the only match, so chosen.
    code = person_code(rw_sessions, tenant_a, family["ede"])
    page.locator("#member-q").fill(f"{code[:6]}-{code[6:]}")
    candidate = page.locator("#member-candidates input[type=radio]")
    expect(candidate).to_have_count(1)
    expect(candidate).to_be_checked()
    expect(page.locator("#member-candidates")).to_contain_text("Ede Liepiņa")
    _no_violations(page, "picker with a match")
    page.locator("#member-joined").fill("01.03.2024")
    page.locator("#add-member").get_by_role("button", name="Pievienot mājsaimniecībai").click()

    expect(page.locator("#status")).to_contain_text("Pievienots")
    row = page.locator("#members tr", has_text="Ede Liepiņa")
    expect(row).to_contain_text("Vecvecāks")
    expect(row).to_contain_text("01.03.2024")
    expect(page.locator("#members-summary")).to_contain_text("3 locekļi")
    expect(page.locator("#members table")).to_be_focused()
    expect(page.locator("#member-q")).to_have_value("")  # a fresh form for the next one
    _no_violations(page, "member added")

    # The date picker: as of 2011 only Jānis; the address says so, and Back returns.
    page.locator("#members-on").fill("01.06.2011")
    page.locator("#members-on").press("Enter")
    expect(page).to_have_url(re.compile(r"\?on=2011-06-01$"))
    expect(page.locator("#members-summary")).to_contain_text("1 loceklis")

    # The new member's household tab names the household and shows her history.
    page.goto(f"/persons/{family['ede']}/household")
    expect(page.get_by_test_id("current-household")).to_have_text("Bērziņu ģimene")
    expect(page.locator("#history-heading")).to_have_text("Dalība mājsaimniecībās")
    _no_violations(page, "person's household tab")
