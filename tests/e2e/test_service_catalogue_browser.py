"""The service catalogue in the browser (Latvian): the list and its tabs, a service's form refused in place
with the focus on the first message and then saved, and the read-only page of a social worker; no WCAG 2.1
A/AA violation of serious impact in any of these states. Screenshots go to screenshots/ with SCREENSHOTS=1
(see tests/e2e/screenshots.py), otherwise to the test's own directory."""

from __future__ import annotations

import os
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from app.db import sync_tenant_uow
from app.domains.services.defaults import ensure_default_services_sync
from app.domains.services.models import ServiceType
from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"),
]


@pytest.fixture
def workers(rw_sessions, tenant_a) -> dict[str, Worker]:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        ensure_default_services_sync(s, tenant_a)
        prices = {"APRUPE-MAJAS": "7.35", "DAC": "12.50", "GRUPU-MAJA": "1234.00", "ATELPA": "0"}
        for code, price in prices.items():
            s.execute(update(ServiceType).where(ServiceType.code == code).values(price=Decimal(price)))
    found = {}
    for role, name in (("head_of_service", "Dace Kļaviņa"), ("social_worker", "Līga Kalniņa")):
        username = f"{role[:4]}-{uuid.uuid4().hex[:6]}"
        create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name=name)
        found[role] = Worker(username, PASSWORD, name, "Ādažu novads")
    return found


def check(page: Page, outdir: Path, name: str) -> None:
    page.screenshot(path=str(outdir / f"services-catalogue-{name}.png"), full_page=True, caret="initial")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_catalogue_list_form_and_read_only_page(new_page, workers, tmp_path) -> None:
    outdir = DEFAULT_OUTDIR if os.environ.get("SCREENSHOTS") == "1" else tmp_path
    outdir.mkdir(parents=True, exist_ok=True)
    page = new_page("lv-LV")
    sign_in(page, workers["head_of_service"])
    page.get_by_role("link", name="Pakalpojumu katalogs").click()
    page.wait_for_url("**/services/catalogue")
    row = page.locator("tr[data-code=APRUPE-MAJAS]")
    assert row.locator("[data-testid=price]").inner_text() == "7,35\xa0€"
    check(page, outdir, "1-list-lv")

    page.get_by_role("link", name="Dienas aprūpes centrs").click()
    page.locator("#service-form").wait_for()
    check(page, outdir, "2-form-lv")

    page.locator("#st-price").fill("-3")
    page.locator("#st-docs-referral").fill("nosūtījums")
    page.locator("#st-to").fill("01.01.2001")
    page.get_by_role("button", name="Saglabāt izmaiņas").click()
    page.locator("#st-price-error").wait_for()
    expect(page.locator("#st-to")).to_be_focused()  # the first field with a message (after the swap settles)
    assert page.locator("#st-price-error").inner_text().strip() == "Cena nevar būt negatīva."
    check(page, outdir, "3-form-refused-lv")

    page.locator("#st-price").fill("13,20")
    page.locator("#st-to").fill("")
    with page.expect_navigation():  # htmx follows HX-Redirect with a full page load
        page.get_by_role("button", name="Saglabāt izmaiņas").click()
    assert page.locator("#st-price").input_value() == "13,20"

    page.goto("/services/catalogue")
    page.get_by_role("link", name="Pievienot pakalpojumu").click()
    page.locator("#service-form").wait_for()
    check(page, outdir, "5-new-lv")
    page.locator("#st-code").fill("drosibas-poga")
    page.locator("#st-name-lv").fill("Drošības pogas pakalpojums")
    page.locator("#st-name-en").fill("Safety-button service")
    page.locator("#st-legal").fill("Saistošie noteikumi Nr. 4/2026")
    page.locator("#st-funding").select_option("co_payment")
    page.locator("#st-unit").select_option("month")
    page.locator("#st-price").fill("5")
    page.locator("input[name=steps][value=referral]").uncheck()
    page.locator("#st-docs-requested").fill("application")
    with page.expect_navigation():
        page.get_by_role("button", name="Pievienot pakalpojumu").click()
    assert page.locator("h1").inner_text() == "DROSIBAS-POGA Drošības pogas pakalpojums"
    assert page.locator("#st-price").input_value() == "5,00"

    page.goto("/services/catalogue")
    page.get_by_role("link", name="Beigušies pakalpojumi").click()
    page.wait_for_url("**/services/catalogue?show=ended")
    page.get_by_text("Neviens pašvaldības pakalpojums nav beidzies.").wait_for()

    reader = new_page("lv-LV")
    sign_in(reader, workers["social_worker"])
    reader.goto("/services/catalogue")
    reader.get_by_role("link", name="Aprūpe mājās").click()
    reader.get_by_role("heading", name="Soļi un dokumenti").wait_for()
    assert reader.locator("#service-form").count() == 0
    check(reader, outdir, "4-read-only-lv")


def test_the_catalogue_fits_a_phone(new_page, workers) -> None:
    page = new_page("lv-LV")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, workers["head_of_service"])
    page.goto("/services/catalogue")
    service = page.locator("tr[data-code=DAC] a").get_attribute("href")
    for url in ("/services/catalogue", service, "/services/catalogue/new"):
        page.goto(str(url))
        width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= window, f"{url}: {width} px in a {window} px window"
