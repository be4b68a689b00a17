"""Screenshots of the case file (see tests/e2e/screenshots.py); skipped unless SCREENSHOTS=1."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.documents.service import RegisterDraft, Upload, register_document, upload_document
from app.domains.cases.service import assign_staff, close_case
from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.factories.cases import PDF, actor_for, add_household, add_person, make_case, make_entry, run_act
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SCREENSHOTS") != "1", reason="screenshots are taken with SCREENSHOTS=1"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"screenshots need Debian's Chromium at {CHROMIUM}"),
]


def _ground(
    settings: Settings, rw_sessions: sessionmaker[Session], tenant: uuid.UUID, worker_id: uuid.UUID
) -> dict[str, uuid.UUID]:
    manager_id = create_staff(rw_sessions, {tenant: ["case_manager"]}, full_name="Mārtiņš Kalniņš")
    head_id = create_staff(rw_sessions, {tenant: ["head_of_service"]}, full_name="Dace Kļaviņa")
    worker = actor_for(tenant, worker_id, "social_worker", name="Līga Ozoliņa")
    manager = actor_for(tenant, manager_id, "case_manager", name="Mārtiņš Kalniņš")
    today = dt.date.today()
    person = add_person(rw_sessions, tenant, "Jānis", "Bērziņš")
    others = [
        add_person(rw_sessions, tenant, f, last)
        for f, last in [("Anna", "Ozola"), ("Pēteris", "Kļaviņš"), ("Marta", "Ķēniņa")]
    ]
    household = add_household(rw_sessions, tenant, "Ozolu ģimene", [(others[0], dt.date(2019, 1, 1), None)])
    main = make_case(
        settings,
        tenant,
        worker,
        person_id=person,
        title="Garantētā minimālā ienākuma pabalsts",
        types=("social_assistance", "elderly_care"),
        opened_on=today - dt.timedelta(days=60),
    )
    run_act(settings, tenant, lambda s: assign_staff(s, worker, main, manager_id))
    make_entry(
        settings,
        tenant,
        worker,
        main,
        kind="consultation",
        occurred_on=today - dt.timedelta(days=58),
        minutes=40,
        subject="Pirmreizēja konsultācija",
        body="Klients lūdz izvērtēt GMI pabalsta piešķiršanu.",
    )
    make_entry(
        settings,
        tenant,
        worker,
        main,
        kind="home_visit",
        occurred_on=today - dt.timedelta(days=40),
        minutes=75,
        subject="Mājas vizīte dzīvesvietā",
        body="Apsekota dzīvesvieta kopā ar klientu.",
        findings="Dzīvoklis sakopts, apkure darbojas.\n"
        "Ledusskapī maz pārtikas; klients nestrādā kopš pavasara.",
    )
    make_entry(
        settings,
        tenant,
        manager,
        main,
        kind="phone_call",
        occurred_on=today - dt.timedelta(days=20),
        minutes=10,
        subject="Zvans par trūkstošajiem dokumentiem",
    )
    make_entry(
        settings,
        tenant,
        worker,
        main,
        kind="note",
        occurred_on=today - dt.timedelta(days=19),
        minutes=None,
        subject="Saņemta izziņa no NVA",
    )
    make_case(
        settings,
        tenant,
        worker,
        household_id=household,
        title="Atbalsts ģimenei ar bērniem",
        types=("child_and_family",),
        opened_on=today - dt.timedelta(days=100),
    )
    make_case(
        settings,
        tenant,
        worker,
        person_id=others[1],
        title="Vardarbība ģimenē",
        types=("violence",),
        sensitive=True,
        opened_on=today - dt.timedelta(days=30),
    )
    closed = make_case(
        settings,
        tenant,
        manager,
        person_id=others[2],
        title="Atkarības mazināšana",
        types=("addiction",),
        responsible=manager_id,
        opened_on=today - dt.timedelta(days=300),
    )
    run_act(
        settings,
        tenant,
        lambda s: close_case(
            s,
            manager,
            closed,
            closed_on=today - dt.timedelta(days=100),
            reason="Programma pabeigta",
            version=None,
            today=today,
        ),
    )

    async def paperwork(session):  # type: ignore[no-untyped-def]
        await upload_document(
            session,
            worker,
            main,
            title="Klienta iesniegums",
            upload=Upload("Iesniegums Bērziņš.pdf", PDF),
            max_bytes=10**6,
        )
        await upload_document(
            session,
            worker,
            main,
            title="NVA izziņa",
            upload=Upload("izzina.txt", "Izziņa\n".encode()),
            max_bytes=10**6,
        )
        for direction, days, who, subject in [
            ("in", 30, "Nodarbinātības valsts aģentūra", "Izziņa par bezdarbnieka statusu"),
            ("out", 18, "Jānis Bērziņš", "Lēmums par GMI pabalsta piešķiršanu"),
            ("in", 5, "Valsts policija", "Informācija par izsaukumu"),
        ]:
            day = today - dt.timedelta(days=days)
            await register_document(
                session,
                worker,
                RegisterDraft(direction, day, day, who, subject),
                upload=None,
                max_bytes=10**6,
                today=today,
            )

    run_act(settings, tenant, paperwork)
    return {"person": person, "main": main, "head": head_id}


def capture_cases(new_page: NewPage, worker: Worker, ids: dict[str, uuid.UUID], outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def shot(page: Page, name: str, full_page: bool = False) -> None:
        path = outdir / f"cases-{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="initial", full_page=full_page)
        written.append(path)

    page = new_page("lv-LV")
    sign_in(page, worker)
    page.goto("/cases?scope=all")
    shot(page, "1-list-lv")
    page.goto(f"/cases/{ids['main']}")
    shot(page, "2-case-lv", full_page=True)
    page.get_by_role("link", name="Reģistrēt mājas vizīti").click()
    page.locator("#entry-add-form").wait_for()
    shot(page, "3-home-visit-form-lv")
    page.locator("#entry-add-form").get_by_role("button", name="Saglabāt").click()
    page.get_by_text("Ievadiet tematu.").wait_for()
    shot(page, "4-home-visit-422-lv")
    page.goto(f"/cases/{ids['main']}")
    page.get_by_role("link", name="Slēgt lietu").click()
    page.get_by_role("dialog").wait_for()
    shot(page, "5-close-dialog-lv")
    page.goto(f"/persons/{ids['person']}/cases")
    shot(page, "6-person-cases-lv")
    page.goto("/register")
    shot(page, "7-register-lv")
    page.goto("/register/new")
    shot(page, "8-register-new-lv")
    page.goto(f"/persons/{ids['person']}/documents")
    shot(page, "9-person-documents-lv")
    first = (dt.date.today() - dt.timedelta(days=90)).strftime("%d.%m.%Y")
    page.goto(f"/reports/activity?from={first}&to={dt.date.today().strftime('%d.%m.%Y')}")
    shot(page, "10-activity-own-lv")

    english = new_page("en-GB")
    sign_in(english, worker)
    english.locator("header button[name=lang][value=en]").click()
    english.wait_for_function("document.documentElement.lang === 'en'")
    english.goto(f"/cases/{ids['main']}")
    shot(english, "11-case-en", full_page=True)
    return written


def test_case_screenshots(
    new_page: NewPage, settings: Settings, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    username = f"sw-{uuid.uuid4().hex[:6]}"
    worker_id = create_staff(
        rw_sessions, {tenant_a: ["social_worker"]}, username=username, full_name="Līga Ozoliņa"
    )
    ids = _ground(settings, rw_sessions, tenant_a, worker_id)
    worker = Worker(
        username=username, password=PASSWORD, full_name="Līga Ozoliņa", municipality="Ādažu novads"
    )
    outdir = Path(os.environ.get("SCREENSHOTS_DIR", DEFAULT_OUTDIR))
    written = capture_cases(new_page, worker, ids, outdir)
    # The head of service's view of everyone's activity.
    head_name = f"head-{uuid.uuid4().hex[:6]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=head_name, full_name="Dace Kļaviņa")
    page = new_page("lv-LV")
    sign_in(page, Worker(head_name, PASSWORD, "Dace Kļaviņa", "Ādažu novads"))
    first = (dt.date.today() - dt.timedelta(days=90)).strftime("%d.%m.%Y")
    page.goto(f"/reports/activity?from={first}&to={dt.date.today().strftime('%d.%m.%Y')}")
    path = outdir / "cases-12-activity-all-lv.png"
    page.screenshot(path=str(path), animations="disabled", caret="initial")
    written.append(path)
    assert all(p.exists() for p in written)
