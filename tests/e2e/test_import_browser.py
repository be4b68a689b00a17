"""The head of service imports clients in a real browser, with a real worker (relay, Redis, Dramatiq)
behind the app: a refused upload (422), a file with errors and its report, a clean file checked, then
imported with the progress bar polling until it ends — and axe-core finds no serious WCAG 2.1 A/AA
violation in any of these states. With SCREENSHOTS=1 the states are also saved as pictures."""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_tenant_uow
from app.domains.people.models import Person
from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, Worker, axe_violations, describe, sign_in, unique
from tests.factories.staff import PASSWORD, create_staff
from tests.integration.test_import import synthetic_csv
from tests.integration.workers.conftest import purge_namespace, unique_namespace
from workers.main import run_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
    ),
]

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def worker_process(settings: Settings, maint_engine: Engine) -> Iterator[None]:
    """The worker program (relay and actors) in threads, on a private Redis namespace."""
    with maint_engine.begin() as conn:  # rows other tests left pending are not this worker's to send
        conn.execute(text("UPDATE app.outbox SET dispatched_at = now() WHERE dispatched_at IS NULL"))
    namespace = unique_namespace()
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(settings, stop), kwargs={"threads": 2, "namespace": namespace}, daemon=True
    )
    thread.start()
    yield
    stop.set()
    thread.join(60)
    purge_namespace(settings.redis_url, namespace)


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Worker:
    username = unique("head")
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Ilze Bērziņa")
    return Worker(username=username, password=PASSWORD, full_name="Ilze Bērziņa", municipality="Ādažu novads")


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert not found, f"{state}:\n" + describe(found)


def shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        outdir = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_OUTDIR)
        outdir.mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret (the default) injects a <style>, which the CSP refuses.
        page.screenshot(path=str(outdir / f"import-{name}.png"), full_page=True, caret="initial")


def upload(page: Page, path: Path, *, dry_run: bool = True) -> None:
    page.get_by_label("Datne (CSV vai XLSX)").set_input_files(str(path))
    checkbox = page.get_by_label("Tikai pārbaudīt datni (izmēģinājums)")
    checkbox.check() if dry_run else checkbox.uncheck()
    page.get_by_role("button", name="Augšupielādēt").click()


def test_head_of_service_imports_clients_with_a_report_and_a_progress_bar(
    page: Page,
    head: Worker,
    worker_process: None,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tmp_path: Path,
) -> None:
    sign_in(page, head)
    page.get_by_role("navigation").get_by_role("link", name="Imports").click()
    expect(page).to_have_url(re.compile(r"/imports$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Personu un mājsaimniecību imports")
    expect(page.get_by_text("Neviena datne vēl nav importēta.")).to_be_visible()
    assert_accessible(page, "empty import page")
    shot(page, "1-upload")

    # A file of another kind: 422, the form comes back with the message, the file field focused.
    pdf = tmp_path / "atskaite.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    upload(page, pdf)
    expect(page.locator("#upload-errors")).to_contain_text("Tiek pieņemtas tikai CSV un XLSX datnes.")
    expect(page.get_by_label("Datne (CSV vai XLSX)")).to_be_focused()
    assert_accessible(page, "refused upload (422)")
    shot(page, "2-refused")

    # A file with errors: the worker checks it; the page polls until the report is there.
    upload(page, DATA / "kludas.csv")
    expect(page).to_have_url(re.compile(r"/imports/[0-9a-f-]{36}$"))
    expect(page.locator("#job .import-status")).to_have_text("Ir kļūdas", timeout=30_000)
    expect(page.locator("#status")).to_have_text(
        "Pārbaude pabeigta: datnē ir kļūdas. Nekas netika saglabāts."
    )
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(10)
    expect(errors.first).to_contain_text("Personas koda kontrolcipars nav pareizs.")
    expect(page.get_by_role("link", name="Lejupielādēt visas kļūdas (CSV)")).to_be_visible()
    expect(page.get_by_role("button", name="Importēt datni")).to_have_count(0)
    assert_accessible(page, "report of a file with errors")
    shot(page, "3-errors")

    # A clean file: checked first (dry run), then imported on request.
    page.get_by_role("link", name=re.compile("Visi importi")).click()
    expect(page.locator("table.imports tbody tr")).to_have_count(1)
    upload(page, DATA / "klienti.csv")
    expect(page.locator("#job .import-status")).to_have_text("Pārbaudīts: kļūdu nav", timeout=30_000)
    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text("Jaunas personas")
    expect(summary.locator("dd").nth(1)).to_have_text("6")
    assert_accessible(page, "clean dry run")
    shot(page, "4-checked")

    page.get_by_role("button", name="Importēt datni").click()
    expect(page.get_by_role("heading", name=re.compile("Statuss"))).to_be_focused()
    expect(page.locator("#job .import-status")).to_have_text("Importēts", timeout=30_000)
    expect(page.locator("#status")).to_have_text("Imports pabeigts: personas ir saglabātas.")
    expect(page.locator("#import-progress")).to_have_count(0)
    assert page.locator("#job").get_attribute("hx-trigger") is None  # the polling stopped
    assert_accessible(page, "import finished")
    shot(page, "6-imported")

    # The persons are there.
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        janis = s.scalar(select(Person.id).where(Person.personal_code == "16117511004"))
    assert janis is not None
    page.goto(f"/persons/{janis}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jānis Bērziņš")
    page.goto("/imports")
    expect(page.locator("table.imports tbody tr")).to_have_count(2)  # the refused upload made no job
    expect(page.locator("table.imports tbody tr").first).to_contain_text("Importēts")
    shot(page, "7-list")

    if os.environ.get("SCREENSHOTS") == "1":
        # A file large enough to see the bar move, for the pictures only.
        big = tmp_path / "liels-eksports.csv"
        big.write_bytes(synthetic_csv(20_000, household_every=3))
        upload(page, big, dry_run=False)
        page.wait_for_function(
            "() => { const p = document.querySelector('#import-progress'); return p && p.value > 0 }",
            timeout=30_000,
        )
        assert_accessible(page, "progress bar")
        shot(page, "5-progress")
        expect(page.locator("#job .import-status")).to_have_text("Importēts", timeout=120_000)
