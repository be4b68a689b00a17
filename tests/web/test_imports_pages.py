"""The import pages: who may use them, uploads (accepted, and refused with 422 and Latvian messages,
nothing stored), the job page's progress block and its end, the commit button, the error report as CSV,
the list's keyset pages, other municipalities' jobs."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, event, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.people.importing import RUN_IMPORT
from app.domains.people.importing_run import run_import
from app.domains.people.models import ImportJob, Person
from app.notifications.models import OutboxMessage
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
HX = {"HX-Request": "true"}


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> tuple[str, uuid.UUID]:
    username = f"head-{uuid.uuid4().hex[:8]}"
    user_id = create_staff(
        rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Ilze Bērziņa"
    )
    return username, user_id


def signed_in(client: TestClient[Any], username: str) -> str:
    """Signs in; the CSRF token from the import page."""
    sign_in(client, username)
    page = client.get("/imports")
    assert page.status_code == 200, page.text
    return csrf_from(page.text)


def post_file(
    client: TestClient[Any], token: str, name: str, content: bytes, *, dry_run: bool = True, htmx: bool = True
) -> Any:
    data = {"_csrf_token": token, **({"dry_run": "1"} if dry_run else {})}
    headers = {**HX, "x-csrftoken": token} if htmx else {}
    return client.post(
        "/imports",
        data=data,
        files={"file": (name, content, "text/csv")},
        headers=headers,
        follow_redirects=False,
    )


def jobs(sessions: sessionmaker[Session], tenant: uuid.UUID) -> list[ImportJob]:
    with sync_tenant_uow(sessions, tenant) as s:
        found = list(s.scalars(select(ImportJob).order_by(ImportJob.created_at)))
        s.expunge_all()
        return found


def outbox(sessions: sessionmaker[Session], tenant: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
    with sync_tenant_uow(sessions, tenant) as s:
        return [
            (a, p)
            for a, p in s.execute(
                select(OutboxMessage.actor, OutboxMessage.payload).order_by(OutboxMessage.created_at)
            )
        ]


def work(sessions: sessionmaker[Session], tenant: uuid.UUID, job_id: uuid.UUID, user: uuid.UUID) -> str:
    """What the worker does with the job's message (tested through the broker in tests/integration)."""
    return run_import(sessions, tenant_id=tenant, job_id=job_id, user_id=user)


def test_only_the_head_of_service_may_import(
    client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, social_worker: str
) -> None:
    sign_in(client, social_worker)
    assert client.get("/imports").status_code == 403
    token = csrf_from(client.get("/login").text)
    response = post_file(client, token, "klienti.csv", (DATA / "klienti.csv").read_bytes())
    assert response.status_code == 403
    assert jobs(rw_sessions, tenant_a) == []
    assert "/imports" not in client.get("/").text  # not in the navigation either


def test_an_upload_stores_the_job_and_its_message_together_and_goes_to_the_job_page(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    content = (DATA / "klienti.csv").read_bytes()

    response = post_file(client, token, "C:\\Eksports\\klienti.csv", content)

    assert response.status_code == 200
    (job,) = jobs(rw_sessions, tenant_a)
    assert response.headers["HX-Redirect"] == f"/imports/{job.id}"
    assert (job.filename, job.content, job.dry_run, job.status, job.created_by) == (
        "klienti.csv", content, True, "queued", head[1],
    )  # fmt: skip
    assert outbox(rw_sessions, tenant_a) == [(RUN_IMPORT, {"job_id": str(job.id), "user_id": str(head[1])})]

    # Without htmx: a plain form post and a redirect; "dry run" unticked means check and import.
    plain = post_file(
        client, token, "klienti.xlsx", (DATA / "klienti.xlsx").read_bytes(), dry_run=False, htmx=False
    )
    assert plain.status_code == 303
    second = jobs(rw_sessions, tenant_a)[1]
    assert plain.headers["location"] == f"/imports/{second.id}" and second.dry_run is False


@pytest.mark.parametrize(
    ("name", "content", "messages"),
    [
        ("atskaite.pdf", b"%PDF-1.7 ...", ["Tiek pieņemtas tikai CSV un XLSX datnes."]),
        ("tukss.csv", b"", ["Datne ir tukša."]),
        ("klienti.csv", "Vārds;Vecums\nJānis;50\n".encode(),
         ["Vecums: Nezināma kolonna.", "Trūkst kolonnas “Uzvārds”.", "Trūkst kolonnas “Personas kods”."]),
        ("klienti.csv", b"x" * (20 * 1024 * 1024 + 10), ["Datne ir lielāka par 20 MB."]),
        ("klienti.csv", b"Vards\x00;Uzvards", ["Datnē ir bināri dati (NUL rakstzīmes): tā nav CSV datne."]),
    ],
)  # fmt: skip
def test_a_refused_upload_is_422_with_latvian_messages_in_the_form_and_stores_nothing(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
    name: str,
    content: bytes,
    messages: list[str],
) -> None:
    token = signed_in(client, head[0])
    response = post_file(client, token, name, content)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="upload-form"')
    assert 'aria-invalid="true"' in response.text and "autofocus" in response.text
    plain = re.sub(r"<[^>]+>", "", response.text)
    for message in messages:
        assert message in plain
    assert jobs(rw_sessions, tenant_a) == [] and outbox(rw_sessions, tenant_a) == []

    page = post_file(client, token, name, content, htmx=False)  # the whole page, without JavaScript
    assert page.status_code == 422 and "<h1>" in page.text and messages[0].split(":")[0] in page.text


def test_hostile_uploads_never_fail_with_500(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    headers = {**HX, "x-csrftoken": token}
    no_file = client.post(
        "/imports", data={"file": "ne fails"}, files={"cits": ("a.txt", b"x", "text/plain")}, headers=headers
    )
    assert no_file.status_code == 422 and "Izvēlieties datni." in no_file.text
    not_multipart = client.post("/imports", data={"file": "ne fails"}, headers=headers)
    assert 400 <= not_multipart.status_code < 500
    odd_name = post_file(client, token, "\x00" + "ā" * 400 + ".csv", (DATA / "klienti.csv").read_bytes())
    assert odd_name.status_code == 200
    (job,) = jobs(rw_sessions, tenant_a)
    assert job.filename.endswith("āāā.csv") and len(job.filename) == 255 and "\x00" not in job.filename
    too_big = client.post(
        "/imports", files={"file": ("x.csv", b"x" * (22 * 1024 * 1024), "text/csv")}, headers=headers
    )
    assert too_big.status_code == 413
    assert client.get("/imports/not-a-uuid").status_code == 404
    assert client.get("/imports?after=%00%00garbage").status_code == 200


def test_the_job_page_polls_its_progress_block_until_the_run_ends_and_then_says_so(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    post_file(client, token, "klienti.csv", (DATA / "klienti.csv").read_bytes())
    (job,) = jobs(rw_sessions, tenant_a)

    page = client.get(f"/imports/{job.id}")
    assert page.status_code == 200
    assert f'hx-get="/imports/{job.id}/progress" hx-trigger="every 1s"' in page.text
    assert "<progress" in page.text and "Gaida, kad sāksies apstrāde" in page.text

    # Half-way through, as the worker's progress transactions leave it.
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.execute(
            update(ImportJob)
            .where(ImportJob.id == job.id)
            .values(status="validating", total_rows=6, processed_rows=3)
        )
    block = client.get(f"/imports/{job.id}/progress", headers=HX)
    assert block.status_code == 200
    assert block.text.lstrip().startswith('<section id="job"') and 'hx-trigger="every 1s"' in block.text
    progress = re.search(r"<progress[^>]*>", block.text)
    assert progress is not None
    for attribute in (
        'max="6"',
        'value="3"',
        'aria-valuenow="3"',
        'aria-valuemax="6"',
        'aria-valuetext="3 no 6 rindām"',
    ):
        assert attribute in progress.group(0)
    assert 'id="status"' not in block.text  # nothing to announce yet

    assert work(rw_sessions, tenant_a, job.id, head[1]) == "valid"
    done = client.get(f"/imports/{job.id}/progress", headers=HX)
    assert "hx-trigger" not in done.text  # the polling stops
    assert (
        '<div id="status" hx-swap-oob="innerHTML">'
        "Pārbaude pabeigta: kļūdu nav. Tagad datni var importēt.</div>" in done.text
    )
    assert "Jaunas personas" in done.text and "Importēt datni" in done.text

    # The progress address without htmx is the job page.
    assert client.get(f"/imports/{job.id}/progress", follow_redirects=False).status_code in (
        301,
        302,
        303,
        307,
    )


def test_commit_after_a_clean_dry_run_schedules_the_import_once(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    post_file(client, token, "klienti.csv", (DATA / "klienti.csv").read_bytes())
    (job,) = jobs(rw_sessions, tenant_a)
    headers = {**HX, "x-csrftoken": token}
    assert client.post(f"/imports/{job.id}/commit", headers=headers).status_code == 409  # not checked yet

    work(rw_sessions, tenant_a, job.id, head[1])
    response = client.post(f"/imports/{job.id}/commit", headers=headers)
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.text and "Imports ir sākts." in response.text
    again = client.post(f"/imports/{job.id}/commit", headers=headers)  # a double click
    assert again.status_code == 200
    assert [a for a, _ in outbox(rw_sessions, tenant_a)] == [RUN_IMPORT, RUN_IMPORT]  # upload + one commit

    assert work(rw_sessions, tenant_a, job.id, head[1]) == "committed"
    page = client.get(f"/imports/{job.id}")
    assert "Personas un mājsaimniecības ir saglabātas." in page.text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 6
    assert client.post(f"/imports/{job.id}/commit", headers=headers).status_code == 409


def test_a_file_with_errors_shows_the_first_errors_and_offers_all_of_them_as_csv(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    lines = ["Personas kods;Vārds;Uzvārds", *['12345;=HYPERLINK("x");Bērziņš' for _ in range(150)]]
    post_file(client, token, "kļūdas.csv", "\n".join(lines).encode())
    (job,) = jobs(rw_sessions, tenant_a)
    assert work(rw_sessions, tenant_a, job.id, head[1]) == "invalid"

    page = client.get(f"/imports/{job.id}")
    assert "Pirmās 100 no 300 kļūdām." in page.text
    assert page.text.count('<tr><td class="num">') == 100
    assert "Datnē ir 300 kļūdas. Nekas netika saglabāts" in page.text
    assert "Importēt datni" not in page.text

    download = client.get(f"/imports/{job.id}/errors.csv")
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == 'attachment; filename="k_das-errors.csv"'
    assert download.content.startswith(b"\xef\xbb\xbf")  # Excel then reads it as UTF-8
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Rinda", "Kolonna", "Kļūda"]
    assert len(rows) == 301
    assert rows[1][:2] == ["2", "Vārds"]
    assert rows[2] == ["2", "Personas kods", "Personas kodā ir 11 cipari: DDMMGG-CNNNN vai 32NNNN-NNNNN."]

    # A cell that a spreadsheet would run as a formula is written as text.
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.execute(
            update(ImportJob)
            .where(ImportJob.id == job.id)
            .values(errors=[{"row": 1, "column": "=1+1", "message": "@SUM(A1)"}])
        )
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/imports/{job.id}/errors.csv").text.lstrip("\ufeff")), delimiter=";"
        )
    )
    assert rows[1] == ["1", "'=1+1", "'@SUM(A1)"]


def test_the_list_is_keyset_paginated_newest_first_and_other_municipalities_jobs_are_not_found(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    other = create_staff(rw_sessions, {tenant_b: ["head_of_service"]})
    with sync_tenant_uow(rw_sessions, tenant_b, other) as s:
        foreign = ImportJob(tenant_id=tenant_b, created_by=other, filename="bauska.csv", content=b"x")
        s.add(foreign)
    with sync_tenant_uow(rw_sessions, tenant_a, head[1]) as s:
        s.add_all(
            ImportJob(tenant_id=tenant_a, created_by=head[1], filename=f"fails-{i:02d}.csv")
            for i in range(30)
        )
    token = signed_in(client, head[0])

    first = client.get("/imports")
    names = re.findall(r">(fails-\d\d\.csv)<", first.text)
    assert len(names) == 25 and "bauska.csv" not in first.text
    cursor = re.search(r'href="/imports\?after=([^"]+)" rel="next"', first.text)
    assert cursor is not None
    rest = client.get(f"/imports?after={cursor.group(1)}", headers={**HX, "HX-Target": "jobs"})
    assert rest.text.lstrip().startswith('<div id="jobs">')
    assert len(re.findall(r">(fails-\d\d\.csv)<", rest.text)) == 5
    assert set(names).isdisjoint(re.findall(r">(fails-\d\d\.csv)<", rest.text))

    assert client.get(f"/imports/{foreign.id}").status_code == 404
    assert client.get(f"/imports/{foreign.id}/errors.csv").status_code == 404
    headers = {**HX, "x-csrftoken": token}
    assert client.post(f"/imports/{foreign.id}/discard", headers=headers).status_code == 404


@contextmanager
def statements_on(engine: Engine, table: str) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if table in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_job_page_and_the_list_read_the_jobs_in_one_statement_without_the_file(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    post_file(client, token, "klienti.csv", (DATA / "klienti.csv").read_bytes())
    (job,) = jobs(rw_sessions, tenant_a)
    engine = client.app.state.resources.engine.sync_engine
    for address in (f"/imports/{job.id}", "/imports", f"/imports/{job.id}/progress"):
        with statements_on(engine, "import_jobs") as seen:
            assert client.get(address, headers=HX if "progress" in address else {}).status_code == 200
        assert len(seen) == 1, address
        assert "import_jobs.content," not in seen[0] and "import_jobs.content " not in seen[0]


def test_discarding_a_checked_file_drops_it(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    post_file(client, token, "klienti.csv", (DATA / "klienti.csv").read_bytes())
    (job,) = jobs(rw_sessions, tenant_a)
    work(rw_sessions, tenant_a, job.id, head[1])
    response = client.post(f"/imports/{job.id}/discard", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    (job,) = jobs(rw_sessions, tenant_a)
    assert (job.status, job.content) == ("discarded", None)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.execute(text("SELECT count(*) FROM app.persons")).scalar() == 0


def test_a_stalled_run_can_be_started_again_and_a_failed_one_too(
    client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    head: tuple[str, uuid.UUID],
) -> None:
    token = signed_in(client, head[0])
    headers = {**HX, "x-csrftoken": token}
    post_file(client, token, "klienti.csv", (DATA / "klienti.csv").read_bytes(), dry_run=False)
    (job,) = jobs(rw_sessions, tenant_a)
    assert client.post(f"/imports/{job.id}/retry", headers=headers).status_code == 409  # just queued

    def set_state(status: str, minutes_ago: int) -> None:
        with sync_tenant_uow(rw_sessions, tenant_a) as s:
            s.execute(
                update(ImportJob)
                .where(ImportJob.id == job.id)
                .values(
                    status=status,
                    summary=func.jsonb_build_object(
                        "heartbeat", func.now() - text(f"interval '{minutes_ago} minutes'")
                    ),
                )
            )

    set_state("committing", 2)  # a sign of life two minutes ago: still working
    page = client.get(f"/imports/{job.id}")
    assert "Sākt vēlreiz" not in page.text and 'hx-trigger="every 1s"' in page.text
    assert client.post(f"/imports/{job.id}/retry", headers=headers).status_code == 409

    set_state("committing", 11)  # the worker died and the message was not redelivered
    page = client.get(f"/imports/{job.id}")
    assert "vairāk nekā 10 minūtes" in page.text and "Sākt vēlreiz" in page.text
    response = client.post(f"/imports/{job.id}/retry", headers=headers)
    assert response.status_code == 200 and "Imports tiek palaists atkārtoti." in response.text
    assert [a for a, _ in outbox(rw_sessions, tenant_a)] == [RUN_IMPORT, RUN_IMPORT]
    assert work(rw_sessions, tenant_a, job.id, head[1]) == "committed"

    # A failed run offers "Try again" (without htmx: a redirect back to the page).
    post_file(client, token, "klienti.csv", (DATA / "klienti.csv").read_bytes(), dry_run=False)
    failed = jobs(rw_sessions, tenant_a)[1]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.execute(update(ImportJob).where(ImportJob.id == failed.id).values(status="failed"))
    page = client.get(f"/imports/{failed.id}")
    assert "Mēģināt vēlreiz" in page.text
    assert 'data-testid="summary"' not in page.text  # a failed run has no summary to show
    again = client.post(f"/imports/{failed.id}/retry", data={"_csrf_token": token}, follow_redirects=False)
    assert again.status_code == 303
    assert jobs(rw_sessions, tenant_a)[1].status == "queued"
