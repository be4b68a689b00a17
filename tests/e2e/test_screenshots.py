"""Writes the screenshots of tests/e2e/screenshots.py; skipped unless SCREENSHOTS=1 (they are for people,
not a check). SCREENSHOTS_DIR chooses the folder, screenshots/ (git-ignored) by default."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Table
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.people.models import Person
from app.domains.people.rules import normalise_name
from tests.e2e.screenshots import DEFAULT_OUTDIR, capture
from tests.e2e.support import CHROMIUM, NewPage, Worker
from tests.factories.rows import insert_row
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SCREENSHOTS") != "1", reason="screenshots are taken with SCREENSHOTS=1"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"screenshots need Debian's Chromium at {CHROMIUM}"),
]

CLIENTS = [
    ("Jānis", "Bērziņš"),
    ("Anna", "Ozola"),
    ("Pēteris", "Kalniņš"),
    ("Marija", "Liepiņa"),
    ("Andris", "Jansons"),
    ("Inese", "Krūmiņa"),
    ("Edgars", "Vītols"),
]


def _clients(sessions: sessionmaker[Session], tenant_id: uuid.UUID) -> None:
    with sync_tenant_uow(sessions, tenant_id) as s:
        for first, last in CLIENTS:
            insert_row(
                s.connection(),
                cast(Table, Person.__table__),
                tenant_id,
                first_name=first,
                last_name=last,
                name_norm=normalise_name(first, last),
            )


def test_screenshots(
    new_page: NewPage,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    make_tenant: Callable[[str], uuid.UUID],
) -> None:
    # The fullest header: two municipalities (so the switcher shows), two roles, a long name. The user
    # starts in the first by name; "Ķekavas" follows "Ādažu" both in Latvian and in the C collation.
    other = make_tenant("Ķekavas novads")
    create_staff(
        rw_sessions,
        {tenant_a: ["social_worker", "case_manager"], other: ["social_worker"]},
        username="l.kalnina",
        full_name="Līga Kalniņa-Ozoliņa",
    )
    _clients(rw_sessions, tenant_a)
    create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, full_name="Ilze Bērziņa")
    worker = Worker("l.kalnina", PASSWORD, "Līga Kalniņa-Ozoliņa", "Ādažu novads")

    outdir = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_OUTDIR)
    written = capture(new_page, worker, outdir)
    assert [p.name for p in written] == [
        "1-sign-in-lv.png",
        "2-sign-in-error-lv.png",
        "3-home-lv.png",
        "4-home-en.png",
    ]
    assert all(p.stat().st_size > 5_000 for p in written)
