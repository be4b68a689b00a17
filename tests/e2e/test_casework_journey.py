"""The social worker's day in one browser session, across the areas built separately: find a client by
personal code and by name, see the household, open the case, record a home visit, upload a document —
and the person's "who viewed" tab lists each of those views with the staff member and the purpose."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.cases import PDF
from tests.factories.households import add_household, add_person, person_code, relate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]


def test_find_a_client_see_the_household_record_a_visit_and_the_access_log_shows_it(
    page: Page, social_worker: Worker, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    mother = add_person(rw_sessions, tenant_a, "Ilze", "Ozoliņa", dt.date(1984, 3, 9))
    son = add_person(rw_sessions, tenant_a, "Mārtiņš", "Ozoliņš", dt.date(2011, 7, 21))
    add_household(
        rw_sessions,
        tenant_a,
        "Ozoliņu ģimene",
        [(mother, "head", dt.date(2015, 1, 1), None), (son, "child", dt.date(2015, 1, 1), None)],
    )
    relate(rw_sessions, tenant_a, son, mother, "parent")
    code = person_code(rw_sessions, tenant_a, mother)
    sign_in(page, social_worker)

    # By personal code (typed with a hyphen): exactly her.
    page.goto("/persons")
    search = page.get_by_label("Meklēt", exact=True)
    search.fill(f"{code[:6]}-{code[6:]}")
    expect(page.locator("#results .person-name")).to_have_text(["Ozoliņa Ilze"])
    # By name, without diacritics: mother and son.
    search.fill("ozolin")
    expect(page.locator("#results .person-name")).to_have_text(["Ozoliņa Ilze", "Ozoliņš Mārtiņš"])
    page.locator("#results").get_by_role("link", name="Ozoliņa Ilze").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ilze Ozoliņa")

    # The household tab: the family with its members and roles.
    page.get_by_role("link", name="Mājsaimniecība", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/persons/{mother}/household$"))
    tab = page.locator("#person-tab")
    expect(tab).to_contain_text("Ozoliņu ģimene")
    expect(tab).to_contain_text("Mārtiņš Ozoliņš")

    # A case, a home visit and a document.
    page.get_by_role("link", name="Lietas", exact=True).last.click()
    page.get_by_role("link", name="Atvērt lietu").click()
    page.get_by_label("Nosaukums").fill("Atbalsts ģimenei ar bērnu")
    page.get_by_label("Bērni un ģimene").check()
    page.get_by_role("button", name="Atvērt lietu").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    page.get_by_role("link", name="Reģistrēt mājas vizīti").click()
    form = page.locator("#entry-add-form")
    form.get_by_label("Ilgums").fill("45")
    form.get_by_label("Temats").fill("Mājas vizīte pie Ozoliņiem")
    form.get_by_label("Mājas vizītē konstatētais").fill("Dzīvoklis silts, bērns skolā.")
    form.get_by_role("button", name="Saglabāt").click()
    expect(page.locator("#timeline article.entry").first).to_contain_text("Mājas vizīte pie Ozoliņiem")
    documents = page.locator("#case-documents")
    documents.locator("#upload-file").set_input_files(
        files=[{"name": "Akts.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    documents.get_by_label("Nosaukums").fill("Apsekošanas akts")
    documents.get_by_role("button", name="Augšupielādēt").click()
    expect(page.locator("#status")).to_have_text("Dokuments augšupielādēts")

    # Who viewed her data: this worker, for case work, on each part that was opened.
    page.goto(f"/persons/{mother}/access")
    log = page.locator("#person-tab table")
    expect(log).to_contain_text(social_worker.full_name)
    expect(log).to_contain_text("Darbs ar lietu")
    for part in ("Pārskats", "Mājsaimniecība", "Lietas"):
        expect(log).to_contain_text(part)
    found = axe_violations(page)
    assert not found, describe(found)
