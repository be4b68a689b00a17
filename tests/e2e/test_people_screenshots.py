"""Screenshots of the client register (see tests/e2e/screenshots.py); skipped unless SCREENSHOTS=1."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.people.models import FormerPersonalCode, PersonFlag
from app.domains.people.rules import old_format_code
from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.factories.people import insert_address, insert_persons

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SCREENSHOTS") != "1", reason="screenshots are taken with SCREENSHOTS=1"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"screenshots need Debian's Chromium at {CHROMIUM}"),
]

NAMES = [
    ("Jānis", "Bērziņš", dt.date(1975, 11, 16)),
    ("Ērika", "Bērziņa", dt.date(1982, 3, 4)),
    ("Kārlis", "Bērzkalns", dt.date(1958, 7, 21)),
    ("Anna", "Liepa", dt.date(1990, 1, 30)),
    ("Pēteris", "Ozols", dt.date(1949, 9, 9)),
    ("Žanna", "Vītola", dt.date(2001, 12, 24)),
    ("Ģirts", "Ķēniņš", dt.date(1967, 5, 5)),
    ("Olena", "Kovalenko", dt.date(1988, 2, 29)),
]


def seed(sessions: sessionmaker[Session], tenant_id: uuid.UUID) -> uuid.UUID:
    rows = [
        {
            "first_name": f,
            "last_name": n,
            "birth_date": b,
            "personal_code": old_format_code(b, i * 7),
            "sex": "F" if f.endswith("a") else "M",
        }
        for i, (f, n, b) in enumerate(NAMES)
    ]
    rows[0].update(personal_code="32579461005", phone="+37129123456", email="janis.berzins@example.lv")
    rows[0].update(citizenship="LVA", legal_status="citizen", preferred_language="lv")
    rows[-1].update(personal_code=None, other_id_kind="residence_permit", other_id="RP1234567")
    rows[-1].update(citizenship="UKR", legal_status="temporary_resident", preferred_language="ru")
    ids = insert_persons(sessions, tenant_id, rows)
    streets = ["Rīgas gatve 12-4", "Attekas iela 3", "Pirmā iela 10-21", "Gaujas iela 7", "Kadagas iela 1-15"]
    for i, person_id in enumerate(ids[1:6]):
        insert_address(sessions, tenant_id, person_id, streets[i], "Ādaži", valid_from=dt.date(2018, 3, 1))
    janis = ids[0]
    insert_address(
        sessions,
        tenant_id,
        janis,
        "Lielā iela 1-2",
        "Ādaži",
        valid_from=dt.date(2012, 5, 1),
        valid_to=dt.date(2024, 2, 29),
    )
    insert_address(sessions, tenant_id, janis, "Jaunā iela 3-7", "Ādaži", valid_from=dt.date(2024, 3, 1))
    insert_address(
        sessions,
        tenant_id,
        janis,
        "Baltezera iela 5",
        "Baltezers",
        kind="actual",
        valid_from=dt.date(2024, 6, 1),
    )
    with sync_tenant_uow(sessions, tenant_id) as s:
        s.add(
            FormerPersonalCode(
                tenant_id=tenant_id, person_id=janis, code="16117519997", replaced_on=dt.date(2023, 1, 10)
            )
        )
        s.add(
            PersonFlag(
                tenant_id=tenant_id,
                person_id=janis,
                kind="disability",
                detail="II",
                valid_from=dt.date(2022, 1, 1),
                valid_to=dt.date(2023, 12, 31),
            )
        )
        s.add(
            PersonFlag(
                tenant_id=tenant_id,
                person_id=janis,
                kind="disability",
                detail="I",
                valid_from=dt.date(2024, 1, 1),
            )
        )
    return janis


def capture_people(new_page: NewPage, worker: Worker, janis: uuid.UUID, outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def shot(page: Page, name: str, full_page: bool = True) -> None:
        path = outdir / f"people-{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="initial", full_page=full_page)
        written.append(path)

    page = new_page("lv-LV")
    sign_in(page, worker)
    page.goto("/persons")
    shot(page, "1-list-lv")

    page.get_by_label("Meklēt", exact=True).fill("bērz")
    page.locator("#results-summary").get_by_text("Atrastas 3 personas").wait_for()
    shot(page, "2-search-lv")

    page.goto(f"/persons/{janis}")
    shot(page, "3-person-lv")

    section = page.locator("#person-addresses")
    section.get_by_text("Pievienot adresi").click()
    section.get_by_label("Iela, māja, dzīvoklis").fill("")
    section.get_by_label("Pasta indekss").fill("12345")
    section.get_by_role("button", name="Pievienot").click()
    section.locator(".error").first.wait_for()
    shot(page, "4-address-errors-lv")

    page.goto("/persons/new")
    page.get_by_label("Vārds", exact=False).first.fill("Anna")
    page.get_by_label("Personas kods").fill("161175-19998")
    page.get_by_label("E-pasts").fill("nav-epasts")
    page.get_by_role("button", name="Reģistrēt").click()
    page.locator("#person-form .error").first.wait_for()
    shot(page, "5-new-form-errors-lv")

    page.goto("/persons/new")
    page.get_by_label("Vārds", exact=False).first.fill("Jānis")
    page.get_by_label("Uzvārds").fill("Bērziņš")
    page.get_by_label("Personas kods").fill("161175-19997")  # his former code
    page.get_by_role("button", name="Reģistrēt").click()
    page.locator("#person-conflict").wait_for()
    shot(page, "6-duplicate-conflict-lv")

    page.goto(f"/persons/{janis}/access")
    shot(page, "7-who-viewed-lv")

    page.goto(f"/persons/{janis}/edit")
    shot(page, "8-edit-lv")

    page.locator("header button[name=lang][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.goto(f"/persons/{janis}")
    shot(page, "9-person-en")
    page.goto("/persons?q=b%C4%93rz")
    shot(page, "10-search-en")
    page.goto("/persons/new")
    page.get_by_role("button", name="Register").click()
    page.locator("#person-form .error").first.wait_for()
    shot(page, "11-new-form-errors-en")
    return written


def test_people_screenshots(
    new_page: NewPage, social_worker: Worker, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    janis = seed(rw_sessions, tenant_a)
    outdir = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_OUTDIR)
    written = capture_people(new_page, social_worker, janis, outdir)
    assert all(p.stat().st_size > 10_000 for p in written)
