"""The benefit officer's whole path in a real browser, with the 2026 values the migration loads: a
household's declaration (Velta's old-age pension 400 € in each of the last 3 months; rent 250 € and heating
150 € a month) → a GMI application and a housing-benefit application, each assessed and decided → each
decision's PDF, rendered by the real worker, whose figures are the brief's formulas:

    GMI sum   = 187 + 131 × 3 = 580.00 (4 persons: first + each other)
    GMI       = 580.00 − 400.00 = 180.00 a month
    housing   = k × GMI sum + H − I, k = 1.5 (a household with working-age members)
              = 1.5 × 580.00 + (250.00 + 150.00) − 400.00 = 870.00 a month
                (rent under its norm 150 + 50 × 3 = 300, heating under 120 + 30 × 3 = 210)"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_session_factory
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.factories.applications import catalogue
from tests.factories.declarations import make_family
from tests.factories.staff import PASSWORD, create_staff
from tests.integration.workers.conftest import make_deps, private_broker
from workers.broker import PDF
from workers.main import start_worker
from workers.relay import relay_once

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "screenshots"))
NBSP = "\u00a0"


def shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True, animations="disabled")


@pytest.fixture
def maint_sessions(maint_engine: Engine) -> sessionmaker[Session]:
    """The relay's sessions; rows other tests left pending are not ours to send."""
    with maint_engine.begin() as conn:
        conn.execute(text("UPDATE app.outbox SET dispatched_at = now() WHERE dispatched_at IS NULL"))
    return sync_session_factory(maint_engine)


def declare(page: Page, person: uuid.UUID) -> None:
    page.goto(f"/persons/{person}/assistance")
    page.get_by_test_id("start-declaration").click()
    expect(page).to_have_url(re.compile(r"/declarations/[0-9a-f-]{36}$"))

    velta = page.locator("article.member-incomes", has_text="Velta Kalniņa")
    velta.get_by_test_id("edit-incomes").click()
    grid = page.locator("form.income-form")
    grid.locator("select[name=r0-type]").select_option("pension")
    amounts = grid.locator("tbody").first.locator("tr").first.locator("input.amount")
    for month in range(3):
        amounts.nth(month).fill("400")
    grid.get_by_role("button", name="Saglabāt ienākumus").click()
    expect(page.locator("#status")).to_have_text("Ienākumi saglabāti")

    page.get_by_test_id("edit-housing").click()
    page.locator("#cost-rent-amount").fill("250")
    page.locator("#cost-heating-amount").fill("150")
    page.get_by_role("button", name="Saglabāt mājokļa izdevumus").click()
    expect(page.get_by_test_id("housing-costs")).to_contain_text(f"400,00{NBSP}€")
    expect(page.get_by_test_id("result-gmi")).to_contain_text(f"180,00{NBSP}€")
    expect(page.get_by_test_id("result-housing")).to_contain_text(f"870,00{NBSP}€")
    shot(page, "1-declaration")

    page.locator("#submit-signed").check()
    page.get_by_test_id("submit-declaration").click()
    expect(page.get_by_test_id("declaration-status")).to_have_text("Iesniegta")


def apply_and_decide(
    page: Page, person: uuid.UUID, benefit: uuid.UUID, amount: str, reasons: str, until: dt.date | None = None
) -> str:
    page.goto(f"/applications/new?person={person}")
    page.get_by_label("Pabalsts vai statuss").select_option(str(benefit))
    page.get_by_role("button", name="Reģistrēt iesniegumu").click()
    expect(page).to_have_url(re.compile(r"/applications/[0-9a-f-]{36}$"))
    page.get_by_test_id("assess").click()
    expect(page.get_by_test_id("assessed-amount")).to_have_text(f"{amount}{NBSP}€")
    page.get_by_test_id("open-decision").click()
    dialog = page.locator("#decide-dialog")
    expect(dialog.locator("#others")).to_contain_text("Neviena cita pašvaldība")
    if until is not None:  # the housing benefit has no assessed period: the officer sets it
        dialog.get_by_label("Līdz").fill(until.strftime("%d.%m.%Y"))
    dialog.get_by_label("Pamatojums").fill(reasons)
    dialog.get_by_role("button", name="Reģistrēt lēmumu").click()
    expect(page.get_by_test_id("grant")).to_contain_text(f"{amount}{NBSP}€")
    shot(page, f"2-decided-{amount}")
    return page.url


def render_pdfs(settings: Settings, rw_sessions: sessionmaker[Session], maint: sessionmaker[Session]) -> None:
    deps = make_deps(settings, rw_sessions, smtp_port=1)  # nothing here is mailed
    with private_broker(settings.redis_url, deps) as broker:
        relay_once(maint, broker)
        worker = start_worker(broker, threads=1, worker_timeout=100)
        try:
            broker.join(PDF, timeout=60_000)
            worker.join()
        finally:
            worker.stop()


def pdf_text(page: Page, application_url: str, tmp_path: Path) -> str:
    page.goto(application_url)
    link = page.get_by_role("link", name="Lēmums (PDF)")
    response = page.request.get(link.get_attribute("href") or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / f"{uuid.uuid4().hex}.pdf"
    pdf.write_bytes(response.body())
    if os.environ.get("SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", pdf, SHOTS / pdf.stem], check=True
        )
    return subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.skipif(not Path("/usr/bin/pdftotext").exists(), reason="reading the PDF needs poppler-utils")
def test_declaration_to_gmi_and_housing_decisions_whose_pdfs_show_the_formulas(
    new_page: NewPage,
    settings: Settings,
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tmp_path: Path,
) -> None:
    username = f"officer-{uuid.uuid4().hex[:6]}"
    create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, username=username, full_name="Ilze Liepa")
    family = make_family(rw_sessions, tenant_a)
    codes = catalogue(rw_sessions, tenant_a)
    page = new_page("lv-LV")
    sign_in(page, Worker(username, PASSWORD, "Ilze Liepa", "Ādažu novads"))

    declare(page, family.janis)
    gmi = apply_and_decide(
        page,
        family.janis,
        codes["GMI"],
        "180,00",
        "Mājsaimniecības vidējie ienākumi ir zem GMI sliekšņa.",
    )
    housing = apply_and_decide(
        page,
        family.janis,
        codes["MP"],
        "870,00",
        "Mājokļa izdevumi pārsniedz ienākumu daļu.",
        until=dt.date.today() + dt.timedelta(days=90),
    )
    render_pdfs(settings, rw_sessions, maint_sessions)

    gmi_pdf = " ".join(pdf_text(page, gmi, tmp_path).split())
    for figure in ("580,00", "400,00", "180,00", "Jānis Bērziņš", "LEM-", "apstrīdēt"):
        assert figure in gmi_pdf, figure
    assert re.search(r"187,00.*131,00", gmi_pdf), "the thresholds of the GMI sum"

    housing_pdf = " ".join(pdf_text(page, housing, tmp_path).split())
    for figure in ("1,5", "580,00", "250,00", "150,00", "400,00", "870,00", "Mājokļa pabalsts"):
        assert figure in housing_pdf, figure
    assert dt.date.today().strftime("%d.%m.%Y") in housing_pdf
