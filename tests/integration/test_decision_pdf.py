"""The decision document against a real database: a Latvian PDF (PDF/A-3b) with the number, the amount
in Latvian format, the household, the explanation and the appeal information; stored as the applicant's
document with its SHA-256, linked from the decision and entered in the outgoing register, in the one
transaction; rendered once however often it is asked for; read back only with APPLICATION_VIEW."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import AccessLog, ChangeLog
from app.db import sync_tenant_uow
from app.documents.models import Document, DocumentContent, RegisterEntry
from app.domains.assistance.explain import Line
from app.domains.benefits.decision_pdf import (
    read_decision_document,
    render_decision_document,
    render_decision_now,
)
from app.domains.benefits.models import Decision
from app.errors import Forbidden, NotFound
from tests.factories.cases import actor_for, make_case, run_act
from tests.factories.decision_rows import decided_application, household
from tests.factories.people import insert_address, unique_code
from tests.factories.staff import create_staff

APPEAL = "Administratīvo aktu strīdu komisijā"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "decision.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(done.stdout.split())  # one line: sentences wrap at any word


def keep(pdf: bytes, name: str) -> None:
    """For looking at it: DECISION_PDF_SHOTS=/tmp/shots/h3b keeps the PDF there."""
    shots = os.environ.get("DECISION_PDF_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        (Path(shots) / f"{name}.pdf").write_bytes(pdf)


def pdf_meta(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "meta.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdfinfo", "-meta", str(source)], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def world(settings, rw_sessions, tenant_a) -> dict[str, Any]:
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, full_name="Ilze Bērziņa")
    accountant = create_staff(rw_sessions, {tenant_a: ["accountant"]}, full_name="Anna Lāce")
    worker = create_staff(rw_sessions, {tenant_a: ["readonly_institution"]}, full_name="Uldis Ozols")
    home = household(
        rw_sessions,
        tenant_a,
        officer,
        [
            {
                "first_name": "Jānis",
                "last_name": "Bērziņš",
                "personal_code": unique_code(dt.date(1980, 3, 1)),
                "birth_date": dt.date(1980, 3, 1),
            },
            {"first_name": "Anna", "last_name": "Bērziņa", "birth_date": dt.date(1982, 5, 1)},
            {"first_name": "Ģirts", "last_name": "Bērziņš", "birth_date": dt.date(2015, 9, 1)},
        ],
    )
    insert_address(rw_sessions, tenant_a, home.applicant_id, "Brīvības iela 12-5", "Ādaži")
    officer_actor = actor_for(tenant_a, officer, "benefit_officer", name="Ilze Bērziņa")
    case_id = make_case(
        settings, tenant_a, officer_actor, person_id=home.applicant_id, today=dt.date(2026, 11, 2)
    )
    made = decided_application(rw_sessions, tenant_a, officer, home, case_id=case_id)
    return {
        "tenant": tenant_a,
        "officer": officer_actor,
        "accountant": actor_for(tenant_a, accountant, "accountant"),
        "readonly": actor_for(tenant_a, worker, "readonly_institution"),
        "home": home,
        "case_id": case_id,
        **made,
    }


def render(rw_sessions, world: dict[str, Any], decision_id: uuid.UUID | None = None) -> uuid.UUID:
    with sync_tenant_uow(rw_sessions, world["tenant"]) as s:
        return render_decision_document(s, decision_id or world["decision_id"])


def stored(rw_sessions, tenant: uuid.UUID, document_id: uuid.UUID) -> tuple[Document, bytes]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        document = s.get(Document, (tenant, document_id))
        content = s.get(DocumentContent, (tenant, document_id))
        assert document is not None and content is not None
        return document, content.content


def test_the_pdf_says_in_latvian_what_was_decided_and_how_to_contest_it(rw_sessions, world, tmp_path) -> None:
    document_id = render(rw_sessions, world)
    _, pdf = stored(rw_sessions, world["tenant"], document_id)
    text = pdf_text(pdf, tmp_path)

    assert pdf.startswith(b"%PDF-")
    meta = pdf_meta(pdf, tmp_path)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta  # PDF/A-3b, as asked for
    assert f"Lēmums {world['decision_number']}" in meta  # the title, in the document's metadata
    number = world["decision_number"]
    assert f"Nr. {number}" in text
    assert "LĒMUMS" in text and f"Lēmums {number}" in text  # the title and the footer of each page
    assert "Ādažu novada pašvaldība" in text
    assert "16.11.2026" in text
    assert "Jānis Bērziņš" in text and "Anna Bērziņa" in text and "Ģirts Bērziņš" in text
    assert "Brīvības iela 12-5, Ādaži" in text
    assert "Garantētā minimālā ienākuma pabalsts" in text  # the catalogue's name
    assert "337,00 € mēnesī" in text  # Latvian money format, per month
    assert "no 01.12.2026 līdz 28.02.2027" in text
    assert "Piešķirt" in text
    assert "Mājsaimniecības ienākumi nepārsniedz" in text  # the reasons
    assert "SPSPL 33. p. 2. d." in text  # the explanation's legal references
    assert "(2)" in text  # a label's params filled in
    assert "3 mēneši" in text  # months counted in Latvian
    assert "Sociālo pakalpojumu un sociālās palīdzības likuma 33. pants" in text  # the legal basis
    assert APPEAL in text and "viena mēneša laikā" in text and "Administratīvajā rajona tiesā" in text
    assert "Ilze Bērziņa" in text  # the deciding officer signs

    keep(pdf, "decision-granted")


def test_page_one_renders_to_an_image(rw_sessions, world, tmp_path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    _, pdf = stored(rw_sessions, world["tenant"], render(rw_sessions, world))
    (tmp_path / "d.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "d.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    pages = list(tmp_path.glob("page*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 5_000


def test_the_document_is_stored_linked_and_registered_in_one_go(rw_sessions, world) -> None:
    document_id = render(rw_sessions, world)
    document, pdf = stored(rw_sessions, world["tenant"], document_id)
    number = world["decision_number"]

    assert document.title == f"Lēmums {number}"
    assert document.filename == f"lemums-{number.replace('/', '-')}.pdf"
    assert document.content_type == "application/pdf"
    assert document.sha256 == hashlib.sha256(pdf).hexdigest() and document.size_bytes == len(pdf)
    assert document.person_id == world["home"].applicant_id and document.case_id == world["case_id"]
    assert document.uploaded_by == world["officer"].user_id
    with sync_tenant_uow(rw_sessions, world["tenant"]) as s:
        assert s.get(Decision, (world["tenant"], world["decision_id"])).document_id == document_id
        entry = s.execute(select(RegisterEntry).where(RegisterEntry.number == number)).scalar_one()
        assert (entry.direction, entry.document_id, entry.case_id) == ("out", document_id, world["case_id"])
        assert entry.correspondent == "Jānis Bērziņš" and entry.registered_on == dt.date(2026, 11, 16)
        log = s.execute(
            select(ChangeLog).where(
                ChangeLog.action == "benefits:decision:document", ChangeLog.entity_id == world["decision_id"]
            )
        ).scalar_one()
        assert log.after["document_id"] == str(document_id) and log.after["sha256"] == document.sha256


def test_rendering_again_keeps_the_one_document(rw_sessions, world) -> None:
    first = render(rw_sessions, world)
    again = render(rw_sessions, world)
    assert again == first
    with sync_tenant_uow(rw_sessions, world["tenant"]) as s:
        count = s.scalar(
            select(func.count()).select_from(Document).where(Document.person_id == world["home"].applicant_id)
        )
        assert count == 1


def test_a_failed_render_leaves_nothing(rw_sessions, world, monkeypatch) -> None:
    def broken(html: str, **_: Any) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("app.domains.benefits.decision_pdf.render_pdf", broken)
    with pytest.raises(RuntimeError):
        render(rw_sessions, world)
    with sync_tenant_uow(rw_sessions, world["tenant"]) as s:
        assert s.get(Decision, (world["tenant"], world["decision_id"])).document_id is None
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == 0


def test_another_municipality_cannot_render_or_read_the_decision(
    rw_sessions, world, tenant_b, settings
) -> None:
    with pytest.raises(NotFound), sync_tenant_uow(rw_sessions, tenant_b) as s:
        render_decision_document(s, world["decision_id"])
    stranger = actor_for(tenant_b, world["officer"].user_id, "benefit_officer")
    with pytest.raises(NotFound):
        run_act(settings, tenant_b, lambda s: read_decision_document(s, stranger, world["decision_id"]))


def test_a_refusal_shows_no_amount_and_a_status_no_money(rw_sessions, world, tmp_path) -> None:
    refused = decided_application(
        rw_sessions,
        world["tenant"],
        world["officer"].user_id,
        world["home"],
        outcome="refused",
        amount=None,
        valid_from=None,
        valid_to=None,
        lines=[],
        reasons="Ienākumi pārsniedz slieksni.",
    )
    pdf = stored(rw_sessions, world["tenant"], render(rw_sessions, world, refused["decision_id"]))[1]
    keep(pdf, "decision-refused")
    text = pdf_text(pdf, tmp_path)
    assert "Atteikt piešķirt" in text and "Ienākumi pārsniedz slieksni." in text
    assert "€" not in text and "Apmērs" not in text

    status = decided_application(
        rw_sessions,
        world["tenant"],
        world["officer"].user_id,
        world["home"],
        kind="needy_status",
        amount=None,
        lines=[Line("Average monthly income per person", Decimal("150.00"), "EUR", "MK 809, 14. p.")],
        benefit_fields={
            "name_lv": "Trūcīgas mājsaimniecības statuss",
            "frequency": "per_period",
            "amount_rule": "none",
        },
    )
    pdf = stored(rw_sessions, world["tenant"], render(rw_sessions, world, status["decision_id"]))[1]
    keep(pdf, "decision-status")
    text = pdf_text(pdf, tmp_path)
    assert "Trūcīgas mājsaimniecības statuss" in text and "150,00 €" in text and "Apmērs" not in text


def test_staff_who_may_view_applications_download_it_and_the_reading_is_logged(
    settings, rw_sessions, world
) -> None:
    render(rw_sessions, world)
    got = run_act(
        settings,
        world["tenant"],
        lambda s: read_decision_document(s, world["accountant"], world["decision_id"]),
    )
    assert got.content.startswith(b"%PDF-") and got.number == world["decision_number"]
    with sync_tenant_uow(rw_sessions, world["tenant"]) as s:
        entry = s.execute(
            select(AccessLog).where(AccessLog.user_id == world["accountant"].user_id)
        ).scalar_one()
        assert entry.person_id == world["home"].applicant_id and entry.purpose == "benefit_decision"
        assert world["decision_number"] in (entry.context or "")
    with pytest.raises(Forbidden):
        run_act(
            settings,
            world["tenant"],
            lambda s: read_decision_document(s, world["readonly"], world["decision_id"]),
        )


def test_not_rendered_yet_says_so_and_render_now_makes_it(settings, rw_sessions, world) -> None:
    with pytest.raises(NotFound, match="being prepared"):
        run_act(
            settings,
            world["tenant"],
            lambda s: read_decision_document(s, world["officer"], world["decision_id"]),
        )
    with pytest.raises(Forbidden):
        run_act(
            settings,
            world["tenant"],
            lambda s: render_decision_now(s, world["accountant"], world["decision_id"]),
        )
    made = run_act(
        settings, world["tenant"], lambda s: render_decision_now(s, world["officer"], world["decision_id"])
    )
    again = run_act(
        settings, world["tenant"], lambda s: render_decision_now(s, world["officer"], world["decision_id"])
    )
    assert made == again
    got = run_act(
        settings, world["tenant"], lambda s: read_decision_document(s, world["officer"], world["decision_id"])
    )
    assert got.content.startswith(b"%PDF-")
