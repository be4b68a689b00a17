"""Document pages: uploading to a case (multipart, htmx; a spoofed type, an empty file and an oversize one
are 422 in Latvian and store nothing), downloading (RFC 6266 name, nosniff, access log), the person's
Documents tab, and the document register (numbers, 422 in place, filters); restricted cases' documents
are "not there" for others."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from app.audit.models import AccessLog, ChangeLog
from app.documents.models import Document, DocumentContent, RegisterEntry
from app.domains.cases.models import Case
from app.main import create_app
from tests.factories.cases import PDF, actor_for, add_person, make_case, rows_of
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

TODAY = dt.date.today()
OPENED = TODAY - dt.timedelta(days=30)
SMALL = 4096


def hx(target: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target}


@pytest.fixture
def staff(rw_sessions, tenant_a) -> dict[str, Any]:
    found: dict[str, Any] = {"tenant": tenant_a}
    for key, role, name in [
        ("liga", "social_worker", "Līga Kalniņa"),
        ("ilze", "social_worker", "Ilze Bērziņa"),
    ]:
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        user_id = create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name=name)
        found[key] = {"username": username, "id": user_id, "actor": actor_for(tenant_a, user_id, role)}
    return found


@pytest.fixture
def ground(settings, rw_sessions, tenant_a, staff) -> dict[str, Any]:
    person = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš")
    liga = staff["liga"]["actor"]
    plain = make_case(settings, tenant_a, liga, person_id=person, opened_on=OPENED)
    secret = make_case(
        settings, tenant_a, liga, person_id=person, opened_on=OPENED, sensitive=True, title="Vardarbība"
    )
    return {"person": person, "plain": plain, "secret": secret}


@pytest.fixture
def small_client(settings) -> Iterator[TestClient[Any]]:
    """The app with a 4 KB upload limit."""
    app = create_app(dataclasses.replace(settings, max_upload_bytes=SMALL))
    with TestClient(app=app, base_url="http://127.0.0.1:8000") as c:
        yield c


def as_(client: Any, staff: dict[str, Any], who: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, staff[who]["username"]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    client.headers["x-atbalsts-tenant"] = str(staff["tenant"])  # as htmx sends it from every page
    return client


def upload(
    client: Any, case_id: uuid.UUID, data: bytes, name: str, title: str = "", htmx: bool = True
) -> Any:
    return client.post(
        f"/cases/{case_id}/documents",
        data={"_csrf_token": client.headers["x-csrftoken"], "title": title},
        files={"file": (name, data, "application/pdf")},
        headers=hx("case-documents") if htmx else {},
        follow_redirects=False,
    )


def stored(rw_sessions, tenant) -> tuple[int, int, int]:
    def n(model: Any, *where: Any) -> int:
        return rows_of(rw_sessions, tenant, select(func.count()).select_from(model).where(*where))[0][0]

    return n(Document), n(DocumentContent), n(ChangeLog, ChangeLog.action == "documents:document:upload")


def test_upload_and_download(client, rw_sessions, tenant_a, staff, ground) -> None:
    as_(client, staff, "liga")
    answer = upload(client, ground["plain"], PDF, "Iesniegums Bērziņš.pdf", title="Iesniegums")
    assert answer.status_code == 200, answer.text
    assert answer.text.lstrip().startswith('<section id="case-documents"')
    assert "Dokuments augšupielādēts" in answer.text and "Iesniegums Bērziņš.pdf" in answer.text
    href = re.search(r'href="(/documents/[0-9a-f-]{36}/download)"', answer.text).group(1)  # type: ignore[union-attr]
    got = client.get(href)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "private, no-store"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Iesniegums Berzins.pdf"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Iesniegums Bērziņš.pdf"
    contexts = [
        c
        for (c,) in rows_of(
            rw_sessions, tenant_a, select(AccessLog.context).where(AccessLog.person_id == ground["person"])
        )
    ]
    assert any(c.endswith(href.split("/")[2]) for c in contexts)
    page = client.get(f"/cases/{ground['plain']}")
    assert "Iesniegums" in page.text and href in page.text


def test_a_text_download_names_its_charset_once(client, staff, ground) -> None:
    as_(client, staff, "liga")
    answer = upload(client, ground["plain"], "Piezīme\n".encode(), "piezime.txt")
    href = re.search(r'href="(/documents/[0-9a-f-]{36}/download)"', answer.text).group(1)  # type: ignore[union-attr]
    got = client.get(href)
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.content.decode("utf-8") == "Piezīme\n"


def test_a_plain_form_upload_redirects_to_the_case(client, rw_sessions, tenant_a, staff, ground) -> None:
    """As a browser without JavaScript sends it: the token and the municipality are form fields."""
    as_(client, staff, "liga")
    token = client.headers.pop("x-csrftoken")
    client.headers.pop("x-atbalsts-tenant")
    answer = client.post(
        f"/cases/{ground['plain']}/documents",
        data={"_csrf_token": token, "_tenant": str(tenant_a), "title": ""},
        files={"file": ("piezime.txt", "Piezīme\n".encode(), "text/plain")},
        follow_redirects=False,
    )
    assert (
        answer.status_code == 303 and answer.headers["location"] == f"/cases/{ground['plain']}#case-documents"
    )
    assert stored(rw_sessions, tenant_a) == (1, 1, 1)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "Iesniegums.pdf", "Šāda veida datni nevar augšupielādēt."),
        (b"", "tukss.pdf", "Datne ir tukša."),
        (b"", "", "Izvēlieties augšupielādējamo datni."),  # the file input left empty
        (b"<?php system($_GET['c']); ?>\x00", "shell.php", "Šāda veida datni nevar augšupielādēt."),
    ],
)
def test_refused_files_are_422_in_place_and_store_nothing(
    client, rw_sessions, tenant_a, staff, ground, data, name, message
) -> None:
    as_(client, staff, "liga")
    answer = upload(client, ground["plain"], data, name)
    assert answer.status_code == 422
    assert answer.text.lstrip().startswith('<section id="case-documents"') and message in answer.text
    assert 'id="upload-file" name="file"' in answer.text and 'aria-invalid="true"' in answer.text
    assert stored(rw_sessions, tenant_a) == (0, 0, 0)


def test_an_oversize_file_is_422_and_stores_nothing(
    small_client, rw_sessions, tenant_a, staff, ground
) -> None:
    client = as_(small_client, staff, "liga")
    just_over = upload(client, ground["plain"], PDF + b"0" * (SMALL + 1 - len(PDF)), "liels.pdf")
    assert just_over.status_code == 422 and "Datne ir lielāka par atļauto apjomu." in just_over.text
    assert "ne vairāk kā 0 MB" not in just_over.text
    far_over = upload(client, ground["plain"], PDF + b"0" * (2 * 1024 * 1024), "milzigs.pdf")
    assert far_over.status_code == 422 and "Datne ir lielāka par atļauto apjomu." in far_over.text
    exactly = upload(client, ground["plain"], PDF + b"0" * (SMALL - len(PDF)), "tiesi.pdf")
    assert exactly.status_code == 200
    assert stored(rw_sessions, tenant_a) == (1, 1, 1)


def test_litestars_own_body_limit_is_raised_for_uploads(client, rw_sessions, tenant_a, staff, ground) -> None:
    """12 MB: above Litestar's default request limit (10 MB), below ours (20 MB)."""
    as_(client, staff, "liga")
    answer = upload(client, ground["plain"], PDF + b"0" * (12 * 1024 * 1024), "skenejums.pdf")
    assert answer.status_code == 200, answer.text[:500]
    assert rows_of(rw_sessions, tenant_a, select(Document.size_bytes))[0][0] == len(PDF) + 12 * 1024 * 1024


def test_restricted_documents_are_not_there_for_others(client, rw_sessions, tenant_a, staff, ground) -> None:
    as_(client, staff, "liga")
    upload(client, ground["secret"], PDF, "ziņojums.pdf")
    secret_doc = rows_of(rw_sessions, tenant_a, select(Document.id))[0][0]
    upload(client, ground["plain"], PDF, "atklats.pdf")
    as_(client, staff, "ilze")
    hidden = client.get(f"/documents/{secret_doc}/download")
    nowhere = uuid.uuid4()
    missing = client.get(f"/documents/{nowhere}/download")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(str(secret_doc), "X") == missing.text.replace(str(nowhere), "X")
    tab = client.get(f"/persons/{ground['person']}/documents")
    assert tab.status_code == 200 and "atklats.pdf" in tab.text and "ziņojums" not in tab.text
    again = upload(client, ground["secret"], PDF, "x.pdf")
    assert again.status_code == 404
    assert stored(rw_sessions, tenant_a)[0] == 2


def test_the_person_documents_tab(client, staff, ground) -> None:
    as_(client, staff, "liga")
    upload(client, ground["plain"], PDF, "a.pdf", title="Iesniegums")
    tab = client.get(f"/persons/{ground['person']}/documents", headers=hx("person-tab"))
    assert tab.status_code == 200 and "<html" not in tab.text and "Iesniegums" in tab.text
    full = client.get(f"/persons/{ground['person']}/documents")
    assert 'data-tab="documents" aria-current="page"' in full.text
    assert client.get(f"/persons/{uuid.uuid4()}/documents").status_code == 404


# --- the register -----------------------------------------------------------------------------------------


def register(client: Any, htmx: bool = False, file: tuple[str, bytes] | None = None, **fields: str) -> Any:
    values = {
        "_csrf_token": client.headers["x-csrftoken"],
        "direction": "in",
        "registered_on": TODAY.strftime("%d.%m.%Y"),
        "document_date": "",
        "correspondent": "Valsts policija",
        "subject": "Ziņojums par notikumu",
        "case_number": "",
        **fields,
    }
    files = (
        {"file": (file[0], file[1], "application/octet-stream")}
        if file
        else {"file": ("", b"", "application/octet-stream")}
    )
    return client.post(
        "/register",
        data=values,
        files=files,
        headers={"HX-Request": "true"} if htmx else {},
        follow_redirects=False,
    )


def test_registering_documents(client, rw_sessions, tenant_a, staff, ground) -> None:
    as_(client, staff, "liga")
    assert client.get("/register/new?direction=out").status_code == 200
    number = rows_of(rw_sessions, tenant_a, select(Case.number).where(Case.id == ground["plain"]))[0][0]
    first = register(client, case_number=number, file=("vestule.pdf", PDF))
    year = TODAY.year
    assert first.status_code == 303 and first.headers["location"] == f"/register?registered=IEN-{year}/00001"
    second = register(client, htmx=True, direction="out", correspondent="Jānis Bērziņš")
    assert (
        second.status_code == 200
        and second.headers["hx-redirect"] == f"/register?registered=IZN-{year}/00001"
    )
    listing = client.get(f"/register?registered=IEN-{year}/00001")
    assert f"Reģistrēts ar numuru IEN-{year}/00001." in listing.text
    assert f"IEN-{year}/00001" in listing.text and f"IZN-{year}/00001" in listing.text
    assert f'href="/cases/{ground["plain"]}">{number}</a>' in listing.text and "vestule.pdf" in listing.text
    fragment = client.get("/register?direction=out", headers=hx("results"))
    assert (
        "<html" not in fragment.text
        and "Jānis Bērziņš" in fragment.text
        and "Valsts policija" not in fragment.text
    )
    assert client.get("/register?correspondent=valsts").text.count("<tr data-id") == 1


def test_a_refused_registration_comes_back_in_place(client, rw_sessions, tenant_a, staff, ground) -> None:
    as_(client, staff, "liga")
    answer = register(
        client,
        htmx=True,
        correspondent="",
        registered_on="32.01.2026",
        case_number="L-1999/00001",
        file=("virus.exe", b"MZ\x90\x00"),
    )
    assert answer.status_code == 422
    assert answer.text.lstrip().startswith('<form id="register-form"')
    for message in [
        "Ievadiet sūtītāju vai adresātu.",
        "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi.",
        "Lietas ar šādu numuru nav.",
        "Šāda veida datni nevar augšupielādēt.",
    ]:
        assert message in answer.text
    assert rows_of(rw_sessions, tenant_a, select(func.count()).select_from(RegisterEntry))[0][0] == 0
    assert stored(rw_sessions, tenant_a)[0] == 0


def test_bad_register_filters_are_never_a_500(client, staff) -> None:
    as_(client, staff, "liga")
    for query in [
        "direction=sideways",
        "from=99.99.9999",
        "correspondent=%00",
        "after=garbage",
        "from=02.01.2026&to=01.01.2026",
    ]:
        answer = client.get(f"/register?{query}", headers=hx("results"))
        assert answer.status_code in (200, 422), query


def test_document_lists_and_the_register_are_one_statement_each(
    client, settings, staff, ground, tenant_a
) -> None:
    from app.documents.queries import case_documents_page, register_page
    from tests.web.test_cases_pages import count_statements

    as_(client, staff, "liga")
    for i in range(4):
        upload(client, ground["plain"], PDF, f"d{i}.pdf")
        register(client, subject=f"S{i}")
    liga = staff["liga"]["actor"]
    count, page = count_statements(
        settings, tenant_a, lambda s: case_documents_page(s, liga, ground["plain"])
    )
    assert count == 1 and len(page.rows) == 4
    count, page = count_statements(settings, tenant_a, lambda s: register_page(s, liga))
    assert count == 1 and len(page.rows) == 4
