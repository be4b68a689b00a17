"""Screenshots of the audit viewer (see tests/e2e/screenshots.py); skipped unless SCREENSHOTS=1."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Table
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.people.models import Person
from app.domains.people.rules import normalise_name
from tests.e2e.screenshots import DEFAULT_OUTDIR
from tests.e2e.support import CHROMIUM, NewPage, Worker, sign_in
from tests.factories.audit import add_access, add_changes
from tests.factories.rows import insert_row
from tests.factories.staff import PASSWORD, create_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SCREENSHOTS") != "1", reason="screenshots are taken with SCREENSHOTS=1"
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"screenshots need Debian's Chromium at {CHROMIUM}"),
]

CLIENTS = [("Jānis", "Bērziņš"), ("Anna", "Ozola"), ("Pēteris", "Kalniņš"), ("Marija", "Liepiņa")]


def capture_audit(new_page: NewPage, head: Worker, outdir: Path) -> list[Path]:
    """The change log with one entry's before/after open, and the access log (lv)."""
    outdir.mkdir(parents=True, exist_ok=True)
    page = new_page("lv-LV")
    sign_in(page, head)
    page.goto("/audit")
    # Open an entry whose before/after has changed and unchanged fields, to show the highlighting.
    unchanged = page.locator("table.diff tbody tr:not(.changed)").first
    unchanged.locator("xpath=ancestor::details").evaluate("d => d.open = true")
    written = [outdir / "audit-1-changes-lv.png", outdir / "audit-2-access-lv.png"]
    page.screenshot(path=str(written[0]), animations="disabled", caret="hide", full_page=True)
    page.goto("/audit/access")
    page.locator("#results table").wait_for()
    page.screenshot(path=str(written[1]), animations="disabled", caret="hide")
    return written


def test_audit_screenshots(
    new_page: NewPage, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    head = create_staff(
        rw_sessions, {tenant_a: ["head_of_service"]}, username="a.ozola", full_name="Anita Ozola"
    )
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Līga Kalniņa")
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        persons = [
            insert_row(
                s.connection(),
                cast(Table, Person.__table__),
                tenant_a,
                first_name=first,
                last_name=last,
                name_norm=normalise_name(first, last),
            )
            for first, last in CLIENTS
        ]
    start = dt.datetime(2026, 11, 23, 9, 12, tzinfo=dt.UTC)
    for i, p in enumerate(persons):
        at = start + dt.timedelta(minutes=17 * i)
        add_changes(
            rw_sessions,
            tenant_a,
            action="people:person:create",
            entity_type="person",
            entity_id=p["id"],
            actor_user_id=worker,
            occurred_at=at,
            after={"first_name": p["first_name"], "last_name": p["last_name"], "personal_code": None},
        )
        add_access(
            rw_sessions, tenant_a, user_id=worker, person_id=p["id"], occurred_at=at + dt.timedelta(minutes=3)
        )
    add_changes(
        rw_sessions,
        tenant_a,
        action="admin:membership:grant",
        entity_type="membership",
        actor_user_id=head,
        occurred_at=start + dt.timedelta(hours=2),
        before={"roles": ["social_worker"], "user_id": str(worker)},
        after={"roles": ["social_worker", "case_manager"], "user_id": str(worker)},
    )
    outdir = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_OUTDIR)
    written = capture_audit(new_page, Worker("a.ozola", PASSWORD, "Anita Ozola", "Ādažu novads"), outdir)
    assert all(p.stat().st_size > 5_000 for p in written)
