"""A phone-sized screen (390 × 844 CSS pixels): the client register, a person, a household and a case fit
the width. Nothing scrolls the page sideways: the main menu wraps, wide tables scroll inside their own
box and forms stack. With SMALL_SCREENSHOTS=<dir> the pages are also saved there to look at."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.factories.cases import actor_for, make_case, make_entry
from tests.factories.households import add_household, add_person, relate
from tests.factories.people import insert_address
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests need Debian's Chromium at {CHROMIUM}"),
]

PHONE = {"width": 390, "height": 844}


def test_the_main_pages_fit_a_phone_screen(
    new_page: NewPage, settings: Settings, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    username = f"phone-{uuid.uuid4().hex[:6]}"
    user_id = create_staff(
        rw_sessions, {tenant_a: ["social_worker"]}, username=username, full_name="Līga Kalniņa"
    )
    worker = Worker(
        username=username, password=PASSWORD, full_name="Līga Kalniņa", municipality="Ādažu novads"
    )
    janis = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš-Kalnozoliņš", dt.date(1975, 11, 16))
    anna = add_person(rw_sessions, tenant_a, "Anna Marija", "Bērziņa-Kalnozoliņa", dt.date(1980, 2, 3))
    insert_address(
        rw_sessions,
        tenant_a,
        janis,
        "Baltezera iela 125 k-3 - 47",
        "Garkalnes pagasts",
        valid_from=dt.date(2020, 1, 1),
    )
    household = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu-Kalnozoliņu ģimene",
        [(janis, "head", dt.date(2010, 1, 1), None), (anna, "spouse", dt.date(2010, 1, 1), None)],
    )
    relate(rw_sessions, tenant_a, janis, anna, "spouse")
    actor = actor_for(tenant_a, user_id, "social_worker", name="Līga Kalniņa")
    case = make_case(
        settings, tenant_a, actor, person_id=janis, title="Sociālā palīdzība un sociālie pakalpojumi ģimenei"
    )
    make_entry(settings, tenant_a, actor, case, kind="home_visit", minutes=45, subject="Mājas vizīte")

    page = new_page("lv-LV")
    page.set_viewport_size(PHONE)
    sign_in(page, worker)
    outdir = os.environ.get("SMALL_SCREENSHOTS")
    too_wide: dict[str, str] = {}
    for name, url in [
        ("persons", "/persons"),
        ("person", f"/persons/{janis}"),
        ("person-household", f"/persons/{janis}/household"),
        ("household", f"/households/{household}"),
        ("cases", "/cases"),
        ("case", f"/cases/{case}"),
    ]:
        page.goto(url)
        if outdir:
            Path(outdir).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{outdir}/{name}.png", full_page=True)
        page_width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        # The whole main menu is reachable: every link lies within the window (wrapped, not cut off).
        menu = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.mainnav a')]"
            ".map(a => a.getBoundingClientRect().right))"
        )
        if page_width > window or menu > window:
            too_wide[url] = f"page {page_width} px, menu to {menu} px in a {window} px window"
    assert too_wide == {}
