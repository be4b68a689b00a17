"""Documents and the register against a real database: a file is stored with its bytes, SHA-256 and an
audit record in one transaction, a refused one leaves nothing; reads follow the case's visibility and are
written to the access log; registration numbers per direction and year."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AccessLog, ChangeLog
from app.documents.models import Document, DocumentContent, RegisterEntry
from app.documents.queries import case_documents_page, person_documents_page, register_page
from app.documents.service import RegisterDraft, Upload, read_document, register_document, upload_document
from app.domains.cases.models import Case
from app.domains.cases.service import close_case
from app.errors import Conflict, InvalidInput, NotFound
from tests.factories.cases import PDF, actor_for, add_household, add_person, make_case, rows_of, run_act
from tests.factories.staff import create_staff

TODAY = dt.date(2026, 3, 10)
LIMIT = 1024


@pytest.fixture
def world(settings, rw_sessions, tenant_a) -> dict[str, Any]:
    ids = {
        "liga": create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Līga Kalniņa"),
        "ilze": create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Ilze Bērziņa"),
        "auditor": create_staff(rw_sessions, {tenant_a: ["auditor"]}, full_name="Anna Lāce"),
    }
    roles = {"auditor": "auditor"}
    actors = {k: actor_for(tenant_a, v, roles.get(k, "social_worker")) for k, v in ids.items()}
    person = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš")
    liga = actors["liga"]
    plain = make_case(settings, tenant_a, liga, person_id=person, today=TODAY)
    secret = make_case(
        settings,
        tenant_a,
        liga,
        person_id=person,
        title="Vardarbība",
        types=("violence",),
        sensitive=True,
        today=TODAY,
    )
    return {
        "ids": ids,
        "actors": actors,
        "person": person,
        "plain": plain,
        "secret": secret,
        "settings": settings,
        "tenant": tenant_a,
    }


def act(world: dict[str, Any], fn: Any) -> Any:
    return run_act(world["settings"], world["tenant"], fn)


def upload(
    world: dict[str, Any],
    case_key: str,
    data: bytes | None,
    name: str = "Iesniegums.pdf",
    who: str = "liga",
    title: str = "",
) -> Any:
    return act(
        world,
        lambda s: upload_document(
            s, world["actors"][who], world[case_key], title=title, upload=Upload(name, data), max_bytes=LIMIT
        ),
    )


def counts(rw_sessions, tenant) -> tuple[int, int, int]:
    def n(model: Any, *where: Any) -> int:
        return rows_of(rw_sessions, tenant, select(func.count()).select_from(model).where(*where))[0][0]

    return n(Document), n(DocumentContent), n(ChangeLog, ChangeLog.entity_type == "document")


def test_an_upload_stores_bytes_hash_and_audit_together(world, rw_sessions, tenant_a) -> None:
    document = upload(world, "plain", PDF, "Iesniegums Bērziņš.pdf")
    assert counts(rw_sessions, tenant_a) == (1, 1, 1)
    stored = rows_of(
        rw_sessions,
        tenant_a,
        select(Document, DocumentContent.content).join(DocumentContent, DocumentContent.id == Document.id),
    )[0]
    row, content = stored
    assert content == PDF and row.sha256 == hashlib.sha256(PDF).hexdigest() and row.size_bytes == len(PDF)
    assert (row.title, row.filename, row.content_type) == (
        "Iesniegums Bērziņš",
        "Iesniegums Bērziņš.pdf",
        "application/pdf",
    )
    assert row.case_id == world["plain"] and row.person_id == world["person"] and row.id == document.id
    [after] = [
        a
        for (a,) in rows_of(
            rw_sessions, tenant_a, select(ChangeLog.after).where(ChangeLog.entity_type == "document")
        )
    ]
    assert after["sha256"] == row.sha256 and after["case"].startswith("L-2026/")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "Iesniegums.pdf"),  # a program, called a PDF
        (b"<svg xmlns='http://www.w3.org/2000/svg'>\x00</svg>", "bilde.png"),
        (PDF + b"\x00" * LIMIT, "liels.pdf"),  # one byte over is enough
        (b"", "tukss.pdf"),
        (None, None),
    ],
)
def test_a_refused_file_leaves_nothing_behind(world, rw_sessions, tenant_a, data, name) -> None:
    with pytest.raises(InvalidInput) as refused:
        upload(world, "plain", data, name)
    assert list(refused.value.errors) == ["file"]
    assert counts(rw_sessions, tenant_a) == (0, 0, 0)


def test_a_closed_case_takes_no_documents(world, rw_sessions, tenant_a) -> None:
    act(
        world,
        lambda s: close_case(
            s, world["actors"]["liga"], world["plain"], closed_on=TODAY, reason="x", version=None, today=TODAY
        ),
    )
    with pytest.raises(Conflict):
        upload(world, "plain", PDF)
    assert counts(rw_sessions, tenant_a)[0] == 0


def test_a_download_is_logged_and_a_restricted_one_is_not_there_for_others(
    world, rw_sessions, tenant_a
) -> None:
    secret_doc = upload(world, "secret", PDF, "Policijas ziņojums.pdf")
    plain_doc = upload(world, "plain", b"Teksts\n", "piezime.txt")
    got = act(world, lambda s: read_document(s, world["actors"]["liga"], secret_doc.id, purpose="assessment"))
    assert got.content == PDF and got.filename == "Policijas ziņojums.pdf"
    for who in ("ilze", "auditor"):
        for document_id in (secret_doc.id, uuid.uuid4()):
            with pytest.raises(NotFound) as refused:
                act(
                    world,
                    lambda s, who=who, document_id=document_id: read_document(
                        s, world["actors"][who], document_id
                    ),
                )
            assert refused.value.detail == "No such document."
        assert (
            act(world, lambda s, who=who: read_document(s, world["actors"][who], plain_doc.id)).content
            == b"Teksts\n"
        )
    logged = rows_of(
        rw_sessions,
        tenant_a,
        select(AccessLog.user_id, AccessLog.person_id, AccessLog.purpose, AccessLog.context),
    )
    # Liga's download of the restricted document is logged as a view of "a case" (no number, no document:
    # the person's "who viewed" list must not reveal it); the others' downloads name the plain document.
    assert (world["ids"]["liga"], world["person"], "assessment", "case") in set(logged)
    others = [r for r in logged if r[0] != world["ids"]["liga"]]
    assert others and all(str(plain_doc.id) in r[3] for r in others)
    assert not any(str(secret_doc.id) in r[3] for r in logged)


def test_document_lists_leave_out_restricted_cases(world, rw_sessions, tenant_a) -> None:
    household = add_household(
        rw_sessions, tenant_a, "Bērziņi", [(world["person"], dt.date(2020, 1, 1), None)]
    )
    family = make_case(
        world["settings"], tenant_a, world["actors"]["liga"], household_id=household, today=TODAY
    )
    world["family"] = family
    secret_doc = upload(world, "secret", PDF, "slepens.pdf")
    plain_doc = upload(world, "plain", PDF, "parasts.pdf")
    family_doc = upload(world, "family", PDF, "gimene.pdf")

    def lists(who: str) -> dict[str, set[uuid.UUID]]:
        actor = world["actors"][who]

        async def read(session: AsyncSession) -> dict[str, set[uuid.UUID]]:
            secret = await case_documents_page(session, actor, world["secret"])
            person = await person_documents_page(session, actor, world["person"], on=TODAY)
            return {"secret": {d.id for d in secret.rows}, "person": {d.id for d in person.rows}}

        return act(world, read)

    assert lists("liga") == {
        "secret": {secret_doc.id},
        "person": {secret_doc.id, plain_doc.id, family_doc.id},
    }
    assert lists("ilze") == {"secret": set(), "person": {plain_doc.id, family_doc.id}}


# --- the register -----------------------------------------------------------------------------------------


def reg(world: dict[str, Any], who: str = "liga", upload_: Upload | None = None, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "direction": "in",
        "registered_on": TODAY,
        "document_date": dt.date(2026, 3, 2),
        "correspondent": "Valsts policija",
        "subject": "Ziņojums",
    }
    values.update(kw)
    return act(
        world,
        lambda s: register_document(
            s, world["actors"][who], RegisterDraft(**values), upload=upload_, max_bytes=LIMIT, today=TODAY
        ),
    )


def test_register_numbers_run_per_direction_and_year(world, rw_sessions, tenant_a) -> None:
    numbers = [
        reg(world).number,
        reg(world, direction="out", correspondent="Jānis Bērziņš").number,
        reg(world).number,
        reg(world, registered_on=dt.date(2025, 12, 30), document_date=None).number,
    ]
    assert numbers == ["IEN-2026/00001", "IZN-2026/00001", "IEN-2026/00002", "IEN-2025/00001"]
    actions = rows_of(
        rw_sessions,
        tenant_a,
        select(ChangeLog.action, ChangeLog.after).where(ChangeLog.entity_type == "register_entry"),
    )
    assert len(actions) == 4 and {a for a, _ in actions} == {"documents:register:add"}
    assert actions[0][1]["correspondent"] == "Valsts policija"


def test_a_register_entry_links_a_case_by_number_with_its_file(world, rw_sessions, tenant_a) -> None:
    number = rows_of(rw_sessions, tenant_a, select(Case.number).where(Case.id == world["plain"]))[0][0]
    entry = reg(world, case_number=f" {number.lower()} ", upload_=Upload("vestule.pdf", PDF))
    assert entry.case_id == world["plain"] and entry.document_id is not None
    document = rows_of(rw_sessions, tenant_a, select(Document).where(Document.id == entry.document_id))[0][0]
    assert document.case_id == world["plain"] and document.title == "Ziņojums"


def test_a_restricted_case_number_is_unknown_to_others_and_its_entries_hidden(
    world, rw_sessions, tenant_a
) -> None:
    number = rows_of(rw_sessions, tenant_a, select(Case.number).where(Case.id == world["secret"]))[0][0]
    reg(world, case_number=number, subject="Slepens")
    reg(world, subject="Atklāts")
    for case_number in (number, "L-2099/99999"):
        with pytest.raises(InvalidInput) as refused:
            reg(world, who="ilze", case_number=case_number)
        assert refused.value.errors == {"case_number": ["There is no case with this number."]}

    def subjects(who: str) -> list[str]:
        page = act(world, lambda s: register_page(s, world["actors"][who]))
        return [r.subject for r in page.rows]

    assert sorted(subjects("liga")) == ["Atklāts", "Slepens"]
    assert subjects("ilze") == ["Atklāts"]


def test_a_refused_registration_spends_no_number(world, rw_sessions, tenant_a) -> None:
    with pytest.raises(InvalidInput) as refused:
        reg(
            world,
            correspondent="",
            registered_on=TODAY + dt.timedelta(days=1),
            upload_=Upload("x.pdf", b"MZ\x90"),
        )
    assert set(refused.value.errors) == {"correspondent", "registered_on", "file"}
    with pytest.raises(InvalidInput) as refused:
        reg(world, document_date=TODAY + dt.timedelta(days=1))
    assert refused.value.errors == {"document_date": ["The document cannot be dated after its registration."]}
    assert rows_of(rw_sessions, tenant_a, select(func.count()).select_from(RegisterEntry))[0][0] == 0
    assert reg(world).number == "IEN-2026/00001"


def test_the_register_filters_by_direction_period_and_correspondent(world) -> None:
    reg(world, correspondent="Valsts policija", registered_on=dt.date(2026, 1, 10), document_date=None)
    reg(
        world,
        correspondent="valsts probācijas dienests",
        direction="out",
        registered_on=dt.date(2026, 2, 10),
        document_date=None,
    )
    reg(world, correspondent="50% Atlaide SIA", registered_on=dt.date(2026, 3, 1), document_date=None)
    reg(world, correspondent="500 Kalni", registered_on=dt.date(2026, 3, 2), document_date=None)

    def who(**filters: Any) -> list[str]:
        page = act(world, lambda s: register_page(s, world["actors"]["liga"], **filters))
        return [r.correspondent for r in page.rows]

    assert who(correspondent="VALSTS") == ["valsts probācijas dienests", "Valsts policija"]
    assert who(correspondent="50%") == ["50% Atlaide SIA"]
    assert who(direction="out") == ["valsts probācijas dienests"]
    assert who(first=dt.date(2026, 2, 1), last=dt.date(2026, 3, 1)) == [
        "50% Atlaide SIA",
        "valsts probācijas dienests",
    ]
