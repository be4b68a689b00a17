"""Screenshots of the household pages (see tests/e2e/screenshots.py); skipped unless SCREENSHOTS=1."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session, sessionmaker

from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.factories.households import add_household, add_person, person_code, relate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SCREENSHOTS") != "1", reason="screenshots are taken with SCREENSHOTS=1"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"screenshots need Debian's Chromium at {CHROMIUM}"),
]
D = dt.date


def capture_households(
    new_page: NewPage, worker: Worker, people: dict[str, uuid.UUID], code: str, outdir: Path
) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def shot(page: Page, name: str, full_page: bool = True) -> None:
        path = outdir / f"households-{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="initial", full_page=full_page)
        written.append(path)

    page = new_page("lv-LV")
    sign_in(page, worker)
    page.goto(f"/households/{people['home']}?past=1")
    shot(page, "1-household-lv")

    form = page.locator("#add-member")
    form.locator("#member-role").select_option("grandparent")
    form.locator("#member-joined").fill("31.12.9999")
    form.get_by_role("button", name="Pievienot mājsaimniecībai").click()
    page.locator("#member-q-error").wait_for()
    page.locator("#add-member").scroll_into_view_if_needed()
    shot(page, "2-add-member-errors-lv", full_page=False)

    page.locator("#member-q").fill("Liep")
    page.locator("#member-candidates li").first.wait_for()
    page.locator("#member-joined").fill("")
    page.locator("#member-candidates input[type=radio]").first.check()
    page.locator("#member-joined").fill("01.03.2024")
    page.locator("#add-member").scroll_into_view_if_needed()
    shot(page, "3-picker-lv", full_page=False)

    page.locator("#add-member").get_by_role("button", name="Pievienot mājsaimniecībai").click()
    page.locator("#status", has_text="Pievienots").wait_for()
    shot(page, "4-member-added-lv")

    page.locator("#members tr", has_text="Jānis Bērziņš").get_by_role(
        "link", name="Atzīmēt aiziešanu"
    ).click()
    page.locator("tr.editing").wait_for()
    shot(page, "5-member-leaves-lv", full_page=False)

    page.goto(f"/persons/{people['karlis']}/household")
    shot(page, "6-person-tab-lv")

    page.locator("#related-q").fill(code)
    page.locator("#related-candidates li").first.wait_for()
    page.locator("#rel-kind").select_option("parent")
    page.locator("#add-relationship").get_by_role("button", name="Pievienot radniecību").click()
    page.locator("#rel-kind-error").wait_for()
    page.locator("#add-relationship").scroll_into_view_if_needed()
    shot(page, "7-relationship-error-lv", full_page=False)

    page.locator("header button[name=lang][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.goto(f"/households/{people['home']}")
    shot(page, "8-household-en")
    return written


def test_households_screenshots(
    new_page: NewPage, social_worker: Worker, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    people = {
        "janis": add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš", D(1980, 4, 12)),
        "inese": add_person(rw_sessions, tenant_a, "Inese", "Bērziņa", D(1983, 11, 2)),
        "karlis": add_person(rw_sessions, tenant_a, "Kārlis", "Bērziņš", D(2012, 1, 30)),
        "liene": add_person(rw_sessions, tenant_a, "Liene", "Bērziņa", D(2016, 8, 14)),
        "anna": add_person(rw_sessions, tenant_a, "Anna", "Ozola", D(1982, 9, 3)),
        "ede": add_person(rw_sessions, tenant_a, "Ede", "Liepiņa", D(1950, 2, 1)),
        "arvids": add_person(rw_sessions, tenant_a, "Arvīds", "Liepiņš", D(1948, 7, 19)),
        "marta": add_person(rw_sessions, tenant_a, "Marta", "Kalniņa", D(2020, 3, 5)),
    }
    people["home"] = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [
            (people["janis"], "head", D(2010, 5, 1), None),
            (people["inese"], "spouse", D(2014, 6, 1), None),
            (people["karlis"], "child", D(2012, 1, 30), None),
            (people["liene"], "child", D(2016, 8, 14), None),
            (people["anna"], "partner", D(2010, 5, 1), D(2013, 12, 31)),
        ],
    )
    for child in ("karlis", "liene"):
        relate(rw_sessions, tenant_a, people[child], people["janis"], "parent")
    relate(rw_sessions, tenant_a, people["liene"], people["inese"], "parent")
    relate(rw_sessions, tenant_a, people["karlis"], people["anna"], "parent")
    relate(rw_sessions, tenant_a, people["janis"], people["inese"], "spouse")
    relate(rw_sessions, tenant_a, people["liene"], people["karlis"], "sibling")
    outdir = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_OUTDIR)
    code = person_code(rw_sessions, tenant_a, people["marta"])  # born after Kārlis: not his parent
    written = capture_households(new_page, social_worker, people, code, outdir)
    assert len(written) == 8 and all(p.stat().st_size > 5_000 for p in written)
