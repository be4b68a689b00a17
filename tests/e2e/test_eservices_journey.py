"""Issue 5's done-means in a real browser against the real app, with a real OpenID provider standing in
for the national login (synthetic personal codes):

- a citizen signs in, sees their application with its decision and their place in a waiting list with
  why, and files a complaint with a file attached; the head of service finds it with the file;
- a person applies to register a provider, the head of service reviews and registers it, and the
  applicant sees the registration with its five-year validity;
- a social worker runs a service event from the request to the month's settlement."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_tenant_uow
from app.devservers import free_port
from app.domains.services.defaults import ensure_default_services_sync
from app.domains.services.models import ServiceType
from app.main import create_app
from app.tenants.models import Tenant
from tests.api.test_citizen_api import PDF_BYTES, Provider, World
from tests.api.test_citizen_api import world as world  # the fixture, used by name
from tests.e2e.conftest import serving
from tests.e2e.support import CHROMIUM, VIEWPORT, Worker, sign_in
from tests.factories.people import unique_code
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "screenshots"))
TODAY = dt.date.today()


def shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"eservices-{name}.png"), full_page=True, animations="disabled")


@pytest.fixture(scope="module")
def oidc() -> Iterator[Provider]:
    import httpx

    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        issuer = f"http://127.0.0.1:{server.server_port}"
        with httpx.Client(base_url=issuer, timeout=10) as http:
            yield Provider(issuer=issuer, http=http)


@pytest.fixture(scope="module")
def eservices(settings: Settings, oidc: Provider) -> Iterator[str]:
    """The app configured for citizen sign-in through `oidc`, on a port the callback names."""
    port = free_port()
    configured = dataclasses.replace(
        settings,
        citizen_oidc_issuer=oidc.issuer,
        citizen_oidc_client_id="atbalsts-citizen-e2e",
        citizen_oidc_client_secret="atbalsts-citizen-e2e-secret",
        citizen_oidc_redirect_uri=f"http://127.0.0.1:{port}/api/v1/citizen/callback",
    )
    with serving(create_app(configured), port) as url:
        yield url


@pytest.fixture
def open_page(browser: Browser, eservices: str) -> Iterator[object]:
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=eservices, locale="lv-LV", viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Worker:
    username = f"head-{uuid.uuid4().hex[:6]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Inese Vadītāja")
    return Worker(username, PASSWORD, "Inese Vadītāja", "Ādažu novads")


def slug(rw_sessions: sessionmaker[Session], tenant: uuid.UUID) -> str:
    """Several test municipalities share a name: choose by the short name."""
    with sync_tenant_uow(rw_sessions, None) as s:
        return str(s.scalar(select(Tenant.slug).where(Tenant.id == tenant)))


def national_login(page: Page, oidc: Provider, start: str, **claims: str) -> None:
    """Through the broker's login: the test provider's form, then back to our page."""
    sub = f"sub-{uuid.uuid4()}"
    oidc.set_user(sub, **claims)
    page.locator(start).click()
    page.wait_for_url(f"{oidc.issuer}/**")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_citizen_follows_records_and_files_a_complaint(
    open_page,
    oidc: Provider,
    world: World,
    head: Worker,
    tmp_path: Path,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    page = open_page()
    page.goto("/citizen")
    national_login(
        page, oidc, "[data-testid=citizen-sign-in]", personal_code=world.code, name="Jānis Bērziņš"
    )
    page.wait_for_url("**/citizen")
    expect(page.get_by_test_id("citizen-name")).to_have_text("Jānis Bērziņš")
    row = page.get_by_test_id("my-application")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(world.own_application_number)
    expect(row).to_contain_text("120,00 €")
    expect(page.get_by_test_id("my-queue-entry")).to_contain_text("2. vieta rindā")
    shot(page, "citizen")

    page.get_by_test_id("complaint-link").first.click()
    page.wait_for_url("**/citizen/complaint")
    page.get_by_label("Pašvaldība").select_option(slug(rw_sessions, tenant_a))
    page.get_by_label("Veids").select_option("complaint")
    page.get_by_label("Temats").fill("Pakalpojums netiek sniegts")
    page.get_by_label("Saturs").fill("Aprūpētāja divas nedēļas nav ieradusies.")
    page.get_by_label("Adrese, e-pasts vai tālrunis atbildei").fill("janis@example.lv")
    program = tmp_path / "programma.exe"
    program.write_bytes(b"MZ\x90\x00" + bytes(range(256)))
    page.get_by_label("Pievienotās datnes").set_input_files(str(program))
    page.get_by_role("button", name="Nosūtīt").click()  # a program is refused; the text stays
    expect(page.locator("#complaint-form")).to_contain_text("Šāda veida datni nevar augšupielādēt")
    expect(page.get_by_label("Saturs")).to_have_value("Aprūpētāja divas nedēļas nav ieradusies.")
    shot(page, "complaint-refused")
    attachment = tmp_path / "grafiks.pdf"
    attachment.write_bytes(PDF_BYTES)
    page.get_by_label("Pievienotās datnes").set_input_files(str(attachment))
    page.get_by_role("button", name="Nosūtīt").click()
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_contain_text("Jūsu reģistrācijas numurs ir S-")
    expect(receipt).to_contain_text("grafiks.pdf")
    shot(page, "complaint-receipt")
    number = re.search(r"S-\d{4}/\d{5}", receipt.inner_text())
    assert number

    staff = open_page()
    sign_in(staff, head)
    staff.goto("/complaints")
    staff.get_by_role("link", name=number.group(0)).click()
    expect(staff.locator("h1")).to_contain_text(number.group(0))
    expect(staff.get_by_test_id("attachments")).to_contain_text("grafiks.pdf")
    expect(staff.locator("body")).to_contain_text("Jānis Bērziņš")


def test_provider_self_registers_and_is_approved(
    open_page, oidc: Provider, head: Worker, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    page = open_page()
    page.goto("/provider")
    national_login(
        page, oidc, "[data-testid=provider-sign-in]", personal_code=unique_code(), name="Laura Ozola"
    )
    page.wait_for_url("**/provider")
    page.get_by_test_id("provider-apply").click()
    page.get_by_label("Pašvaldība").select_option(slug(rw_sessions, tenant_a))
    page.get_by_role("button", name="Iesniegt").click()  # nothing filled in: the messages, in Latvian
    expect(page.locator("#provider-form")).to_contain_text("Ievadiet sniedzēja nosaukumu.")
    shot(page, "provider-refused")
    page.get_by_label("Sniedzējs").fill("SIA Ozola aprūpe")
    page.get_by_label("Reģistrācijas numurs vai personas kods").fill("40003555555")
    page.get_by_label("Pakalpojumu veidi").fill("Aprūpe mājās\nDienas aprūpes centrs")
    page.get_by_label("Pakalpojumu sniegšanas adreses").fill("Gaujas iela 5, Ādaži")
    page.get_by_label("Iesniegtie dokumenti").fill("Iesniegums; statūti")
    page.get_by_role("button", name="Iesniegt").click()
    page.wait_for_url(re.compile(r".*/provider/applications/[0-9a-f-]{36}$"))
    expect(page.get_by_test_id("provider-status")).to_have_text("Iesniegta")
    registration = page.url.rsplit("/", 1)[1]
    shot(page, "provider-submitted")

    staff = open_page()
    sign_in(staff, head)
    staff.goto(f"/providers/{registration}")
    staff.get_by_test_id("review").click()
    expect(staff.locator("#decide-form")).to_be_visible()
    staff.get_by_test_id("register").click()
    expect(staff.locator("#change-form")).to_be_visible()  # only a registration's scope may change

    page.reload()
    expect(page.get_by_test_id("provider-status")).to_have_text(re.compile("Reģistrēt"))
    until = (
        TODAY.replace(year=TODAY.year + 5) - dt.timedelta(days=1)
        if (TODAY.month, TODAY.day) != (2, 29)
        else None
    )
    if until:
        expect(page.get_by_test_id("provider-valid")).to_contain_text(until.strftime("%d.%m.%Y"))
    shot(page, "provider-registered")


def test_staff_run_a_service_event_to_settlement(
    open_page, head: Worker, world: World, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        ensure_default_services_sync(s, tenant_a)
        s.execute(update(ServiceType).where(ServiceType.code == "APRUPE-MAJAS").values(price="7.35"))
        service = s.scalar(select(ServiceType.id).where(ServiceType.code == "APRUPE-MAJAS"))
    page = open_page()
    sign_in(page, head)
    page.goto("/service-events")
    page.get_by_label("Personas kods").fill(world.code)
    page.get_by_label("Pakalpojums").select_option(str(service))
    page.get_by_label("Pieprasīts").fill(TODAY.strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Reģistrēt").click()
    page.wait_for_url(re.compile(r".*/service-events/[0-9a-f-]{36}$"))

    def complete(**fields: str) -> None:
        version = page.locator("input[name=version]").first
        before = version.input_value()
        for label, value in fields.items():
            page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Pabeigt soli").click()
        expect(version).not_to_have_value(before)  # the page came back with the next step

    complete()  # the request
    complete(**{"Konstatētās vajadzības": "Vajadzīga palīdzība mājas darbos."})
    page.locator("#st-outcome").select_option("granted")
    complete(
        **{
            "Pamatojums": "Pašaprūpes spējas ierobežotas.",
            "Vienības mēnesī": "40",
            "Līdzmaksājums, procenti": "25",
        }
    )
    complete(**{"Pakalpojuma sniedzējs": "SIA Ozola aprūpe"})
    page.get_by_label("Diena").fill(TODAY.strftime("%d.%m.%Y"))
    page.get_by_label("Vienības", exact=True).fill("10")
    page.get_by_role("button", name="Reģistrēt sniegšanu").click()
    expect(page.get_by_test_id("client-share")).to_have_text(re.compile("18,38"))
    expect(page.get_by_test_id("payer-share")).to_have_text(re.compile("55,12"))
    expect(page.locator("body")).to_contain_text("Sniegtās vienības × cena (10 × 7,35)")
    shot(page, "service-event-settlement")
