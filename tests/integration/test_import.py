"""The import run against the real database: dry runs report per row in Latvian and save nothing; a
commit saves persons, addresses, households, memberships and audit entries all together, or — on any
failure, even at the very last row — nothing at all."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.households.models import Household, HouseholdMember
from app.domains.people.importing import describe
from app.domains.people.importing_run import run_import
from app.domains.people.models import ImportJob, Person, PersonAddress
from app.domains.people.rules import normalise_name, old_format_code
from app.i18n import gettext
from tests.factories.staff import create_staff

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def head(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> uuid.UUID:
    return create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, full_name="Ilze Bērziņa")


def new_job(
    sessions: sessionmaker[Session],
    tenant: uuid.UUID,
    user: uuid.UUID,
    name: str,
    content: bytes,
    *,
    dry_run: bool = True,
) -> uuid.UUID:
    """A job as the upload stores it (the upload itself is tested through the web)."""
    with sync_tenant_uow(sessions, tenant, user) as s:
        job = ImportJob(tenant_id=tenant, created_by=user, filename=name, content=content, dry_run=dry_run)
        s.add(job)
        s.flush()
        return job.id


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def run(
    sessions: sessionmaker[Session], tenant: uuid.UUID, job_id: uuid.UUID, user: uuid.UUID, **kw: Any
) -> str:
    return run_import(sessions, tenant_id=tenant, job_id=job_id, user_id=user, today=TODAY, **kw)


def job_row(sessions: sessionmaker[Session], tenant: uuid.UUID, job_id: uuid.UUID) -> ImportJob:
    with sync_tenant_uow(sessions, tenant) as s:
        job = s.get(ImportJob, (tenant, job_id))
        assert job is not None
        s.expunge(job)
        return job


def counts(sessions: sessionmaker[Session], tenant: uuid.UUID) -> dict[str, int]:
    with sync_tenant_uow(sessions, tenant) as s:
        return {
            "persons": s.scalar(select(func.count()).select_from(Person)) or 0,
            "addresses": s.scalar(select(func.count()).select_from(PersonAddress)) or 0,
            "households": s.scalar(select(func.count()).select_from(Household)) or 0,
            "members": s.scalar(select(func.count()).select_from(HouseholdMember)) or 0,
            "changes": s.scalar(
                select(func.count()).select_from(ChangeLog).where(ChangeLog.action.like("people:%"))
            )
            or 0,
        }


def allow_commit(sessions: sessionmaker[Session], tenant: uuid.UUID, job_id: uuid.UUID) -> None:
    """What "Import" on the page does to a checked job (tested through the web)."""
    with sync_tenant_uow(sessions, tenant) as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(dry_run=False, status="queued"))


def register(
    sessions: sessionmaker[Session], tenant: uuid.UUID, first: str, last: str, code: str
) -> uuid.UUID:
    with sync_tenant_uow(sessions, tenant) as s:
        person = Person(
            tenant_id=tenant,
            personal_code=code.replace("-", ""),
            first_name=first,
            last_name=last,
            name_norm=normalise_name(last, first),
        )
        s.add(person)
        s.flush()
        return person.id


NOTHING = {"persons": 0, "addresses": 0, "households": 0, "members": 0, "changes": 0}


def test_a_clean_file_is_checked_then_imported_with_households_addresses_and_audit(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, tenant_b: uuid.UUID, head: uuid.UUID
) -> None:
    job_id = new_job(rw_sessions, tenant_a, head, "klienti.csv", sample("klienti.csv"))

    assert run(rw_sessions, tenant_a, job_id, head) == "valid"
    job = job_row(rw_sessions, tenant_a, job_id)
    assert (job.status, job.total_rows, job.processed_rows, job.error_count, job.errors) == (
        "valid",
        6,
        6,
        0,
        [],
    )
    assert job.summary is not None
    keys = ("rows", "new_persons", "existing_persons", "households", "memberships")
    assert {k: job.summary[k] for k in keys} == {
        "rows": 6, "new_persons": 6, "existing_persons": 0, "households": 2, "memberships": 5,
    }  # fmt: skip
    assert job.content is not None  # kept for the commit
    assert counts(rw_sessions, tenant_a) == NOTHING  # a dry run saves nothing

    allow_commit(rw_sessions, tenant_a, job_id)
    assert run(rw_sessions, tenant_a, job_id, head) == "committed"
    job = job_row(rw_sessions, tenant_a, job_id)
    assert (job.status, job.content, job.error_count) == ("committed", None, 0)
    assert counts(rw_sessions, tenant_a) == {
        "persons": 6, "addresses": 5, "households": 2, "members": 5, "changes": 6 + 2 + 1,
    }  # fmt: skip
    assert counts(rw_sessions, tenant_b) == NOTHING

    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        janis = s.scalars(select(Person).where(Person.personal_code == "16117511004")).one()
        janis_fields = (janis.first_name, janis.last_name, janis.birth_date, janis.sex, janis.citizenship)
        assert (*janis_fields, janis.phone) == (
            "Jānis", "Bērziņš", dt.date(1975, 11, 16), "M", "LVA", "+37129123456",
        )  # fmt: skip
        assert janis.name_norm == "berzins janis"
        olena = s.scalars(select(Person).where(Person.personal_code == "32123456789")).one()
        assert (olena.citizenship, olena.birth_date, olena.email) == (
            "UKR",
            dt.date(1992, 4, 14),
            "olena@example.com",
        )
        address = s.scalars(select(PersonAddress).where(PersonAddress.person_id == olena.id)).one()
        assert (address.kind, address.line, address.locality, address.postal_code, address.valid_from) == (
            "declared", "Ozolu iela 3-7", "Ādaži", "LV-2164", TODAY,
        )  # fmt: skip
        households = {h.label: h for h in s.scalars(select(Household))}
        assert set(households) == {"Jānis Bērziņš, Brīvības iela 12-5", "Anna Ozola, Ozolu iela 3, dz. 7"}
        members = s.execute(
            select(Person.first_name, HouseholdMember.role, HouseholdMember.joined_on)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(HouseholdMember.household_id == households["Jānis Bērziņš, Brīvības iela 12-5"].id)
            .order_by(Person.first_name)
        ).all()
        assert [tuple(m) for m in members] == [
            ("Ilze", "spouse", dt.date(2015, 3, 1)),
            ("Jānis", "head", dt.date(2015, 3, 1)),
            ("Ēriks", "child", dt.date(2008, 7, 30)),
        ]
        summary = s.scalars(select(ChangeLog).where(ChangeLog.action == "people:import:commit")).one()
        assert (summary.entity_id, summary.actor_user_id) == (job_id, head)
        assert summary.after is not None and summary.after["new_persons"] == 6
        created = s.scalars(select(ChangeLog).where(ChangeLog.entity_id == janis.id)).one()
        assert created.action == "people:person:create" and created.actor_user_id == head
        household = households["Jānis Bērziņš, Brīvības iela 12-5"]
        assert created.after == {
            "personal_code": "16117511004", "first_name": "Jānis", "last_name": "Bērziņš",
            "birth_date": "1975-11-16", "household_id": str(household.id), "role": "head",
            "joined_on": "2015-03-01", "import_job": str(job_id),
        }  # fmt: skip
        entry = s.scalars(select(ChangeLog).where(ChangeLog.entity_id == household.id)).one()
        assert (entry.action, entry.after) == (
            "people:household:create",
            {"label": household.label, "members": 3, "import_job": str(job_id)},
        )


def test_a_malformed_file_gives_a_per_row_report_in_latvian_and_saves_nothing(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    job_id = new_job(rw_sessions, tenant_a, head, "kludas.csv", sample("kludas.csv"), dry_run=False)

    assert run(rw_sessions, tenant_a, job_id, head) == "invalid"

    job = job_row(rw_sessions, tenant_a, job_id)
    assert job.content is None and job.status == "invalid"
    report = [(p["row"], p["column"], describe(p, "lv")) for p in job.errors or []]
    assert report == [
        (2, "Personas kods", "Personas koda kontrolcipars nav pareizs."),
        (3, "Uzvārds", "Ievadiet uzvārdu."),
        (4, "Dzimšanas datums", "Kalendārā nav tādas dienas: pārbaudiet dienu un mēnesi."),
        (
            6,
            "Personas kods",
            "Šī persona ir arī mājsaimniecībā “B” 5. rindā: persona var būt tikai vienas "
            "mājsaimniecības loceklis.",
        ),
        (7, "Loma", "Mājsaimniecībai “B” jau ir galva (5. rinda)."),
        (8, "Personas kods", "Personas kodā ir 11 cipari: DDMMGG-CNNNN vai 32NNNN-NNNNN."),
        (8, "Loma", "Nezināma loma: rakstiet, piemēram, galva, laulātais, partneris, bērns, vecāks, cits."),
        (9, "Personas kods", "Šī persona mājsaimniecībā “B” norādīta divreiz (arī 7. rindā)."),
        (10, "Dzimums", "Rakstiet V vai S (M vai F)."),
        (
            11,
            "Mājsaimniecībā no",
            gettext("lv", "The person was not yet born on this date."),
        ),  # households' rule
    ]
    assert job.error_count == len(report)
    assert job.summary is not None and job.summary["rows"] == 10
    assert counts(rw_sessions, tenant_a) == NOTHING


def test_registered_persons_are_linked_and_a_different_name_is_an_error(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, tenant_b: uuid.UUID, head: uuid.UUID
) -> None:
    ilze = register(rw_sessions, tenant_a, "Ilze", "BĒRZIŅA", "020378-11018")  # same person: names fold alike
    register(rw_sessions, tenant_a, "Anna", "Kļaviņa", "050150-11030")  # the code is someone else's here
    register(rw_sessions, tenant_b, "Jānis", "Citādais", "161175-11004")  # another municipality: not seen

    job_id = new_job(rw_sessions, tenant_a, head, "klienti.csv", sample("klienti.csv"), dry_run=False)
    assert run(rw_sessions, tenant_a, job_id, head) == "invalid"
    job = job_row(rw_sessions, tenant_a, job_id)
    assert [(p["row"], p["column"], describe(p, "en")) for p in job.errors or []] == [
        (5, "Personas kods", "A person with this identifier is already registered under another name."),
    ]
    assert counts(rw_sessions, tenant_a)["persons"] == 2

    # Without that row: Ilze is linked into the new household, the others are created.
    fixed = sample("klienti.csv").decode("utf-8-sig").splitlines()
    del fixed[4]
    del fixed[4]  # Olena's household would then have no one registered-clean; drop her too
    job_id = new_job(rw_sessions, tenant_a, head, "klienti.csv", "\n".join(fixed).encode(), dry_run=False)
    assert run(rw_sessions, tenant_a, job_id, head) == "committed"
    job = job_row(rw_sessions, tenant_a, job_id)
    assert job.summary is not None
    assert (job.summary["new_persons"], job.summary["existing_persons"], job.summary["linked_persons"]) == (
        3,
        1,
        1,
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert (
            s.scalar(select(func.count()).select_from(Person).where(Person.personal_code == "02037811018"))
            == 1
        )
        role = s.scalar(select(HouseholdMember.role).where(HouseholdMember.person_id == ilze))
        assert role == "spouse"
        linked = s.scalars(
            select(ChangeLog.action).where(ChangeLog.after["person_id"].astext == str(ilze))
        ).all()
        assert linked == ["people:member:add"]
        assert (
            s.scalar(select(func.count()).select_from(PersonAddress).where(PersonAddress.person_id == ilze))
            == 0
        )

    # The same file once more: everyone is registered now, and already in a household.
    again = new_job(rw_sessions, tenant_a, head, "klienti.csv", "\n".join(fixed).encode())
    assert run(rw_sessions, tenant_a, again, head) == "invalid"
    job = job_row(rw_sessions, tenant_a, again)
    assert {(p["row"], describe(p, "lv")) for p in job.errors or []} == {
        (row, gettext("lv", "This person is a member of another household over this period."))
        for row in (2, 3, 4)
    }


def test_a_failure_at_the_last_row_saves_nothing_and_the_job_can_run_again(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    content = synthetic_csv(2500, household_every=3)
    job_id = new_job(rw_sessions, tenant_a, head, "liels.csv", content, dry_run=False)
    seen: list[tuple[str, int]] = []

    def crash_at_the_last_row(phase: str, processed: int) -> None:
        seen.append((phase, processed))
        if phase == "committing" and processed == 2500:  # every row inserted, not yet committed
            # The progress of the data transaction was visible meanwhile, in its own transactions.
            job = job_row(rw_sessions, tenant_a, job_id)
            assert (job.status, job.processed_rows, job.total_rows) == ("committing", 2500, 2500)
            raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError, match="the worker died"):
        run(rw_sessions, tenant_a, job_id, head, progress_every=1000, checkpoint=crash_at_the_last_row)

    assert counts(rw_sessions, tenant_a) == NOTHING
    job = job_row(rw_sessions, tenant_a, job_id)
    assert job.status == "failed" and job.content is not None  # kept for the retry
    assert ("validating", 1000) in seen and ("committing", 1000) in seen

    # The retry (Dramatiq's, or "Try again") runs the whole job again from the file.
    assert run(rw_sessions, tenant_a, job_id, head) == "committed"
    assert counts(rw_sessions, tenant_a)["persons"] == 2500
    assert job_row(rw_sessions, tenant_a, job_id).content is None


def test_a_person_registered_meanwhile_rolls_the_whole_commit_back(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    """The database's own unique constraint is the last line: a code registered by someone else between
    the check and the insert fails the statement, and the transaction takes everything back."""
    content = synthetic_csv(1500)
    job_id = new_job(rw_sessions, tenant_a, head, "liels.csv", content, dry_run=False)
    last_code = content.decode().strip().splitlines()[-1].split(";")[0]

    def someone_registers(phase: str, processed: int) -> None:
        if phase == "committing" and processed == 0:
            register(rw_sessions, tenant_a, "Cits", "Cilvēks", last_code)

    with pytest.raises(Exception, match="unique"):
        run(rw_sessions, tenant_a, job_id, head, progress_every=500, checkpoint=someone_registers)
    assert counts(rw_sessions, tenant_a) == {**NOTHING, "persons": 1}
    assert job_row(rw_sessions, tenant_a, job_id).status == "failed"
    # Run again, the check finds the person and reports the row instead.
    assert run(rw_sessions, tenant_a, job_id, head) == "invalid"


def test_windows_1257_csv_and_xlsx_exports_are_read_alike(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    for name in ("klienti-win1257.csv", "klienti.xlsx"):
        job_id = new_job(rw_sessions, tenant_a, head, name, sample(name), dry_run=False)
        assert run(rw_sessions, tenant_a, job_id, head) == "committed", job_row(
            rw_sessions, tenant_a, job_id
        ).errors
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        people = {p.personal_code: p for p in s.scalars(select(Person))}
        roles = dict(s.execute(select(HouseholdMember.person_id, HouseholdMember.role)).tuples().all())
    assert people["01066911064"].first_name == "Ģirts" and people["01066911064"].last_name == "Ķēniņš"
    assert people["28029011059"].sex == "F"
    # A code stored as a number lost its leading zero in the spreadsheet; it is padded back.
    valdis = people["03026112101"]
    assert (valdis.first_name, valdis.birth_date, valdis.phone) == (
        "Valdis",
        dt.date(1961, 2, 3),
        "+37129000001",
    )
    assert people["09096312114"].birth_date == dt.date(1963, 9, 9)  # a text date in the workbook
    assert people["32987654321"].birth_date == dt.date(2019, 10, 10)
    assert roles[valdis.id] == "head" and roles[people["09096312114"].id] == "spouse"
    assert roles[people["32987654321"].id] == "grandchild"


def test_file_level_problems_are_reported_without_rows(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = {
        "kolonnas.csv": ("Vārds;Uzvārds;Vecums\nJānis;Bērziņš;50\n".encode(), [
            (1, "Vecums", "Nezināma kolonna. Pārdēvējiet to par kādu no zemāk norādītajiem nosaukumiem "
                          "vai izdzēsiet."),
            (1, "", "Trūkst kolonnas “Personas kods”."),
        ]),
        "tukss.csv": ("Personas kods;Vārds;Uzvārds\n;;\n".encode(),
                      [(0, "", "Datnē nav nevienas rindas ar personām.")]),
        "daudz.csv": (synthetic_csv(6),
                      [(0, "", "Datnē ir vairāk nekā 5 rindu: sadaliet to mazākās datnēs.")]),
    }  # fmt: skip
    monkeypatch.setattr("app.domains.people.importing_read.MAX_ROWS", 5)
    for name, (content, expected) in cases.items():
        job_id = new_job(rw_sessions, tenant_a, head, name, content)
        assert run(rw_sessions, tenant_a, job_id, head) == "invalid"
        job = job_row(rw_sessions, tenant_a, job_id)
        assert [(p["row"], p["column"], describe(p, "lv")) for p in job.errors or []] == expected, name
        assert job.content is None


def test_a_job_runs_once_per_message_and_not_after_it_is_finished(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    job_id = new_job(rw_sessions, tenant_a, head, "klienti.csv", sample("klienti.csv"), dry_run=False)
    claims: list[bool] = []

    def claim_once(session: Session) -> bool:
        claims.append(True)
        return len(claims) == 1

    assert run(rw_sessions, tenant_a, job_id, head, claim=claim_once) == "committed"
    assert run(rw_sessions, tenant_a, job_id, head, claim=claim_once) == "duplicate"
    assert run(rw_sessions, tenant_a, job_id, head) == "skipped"  # another message, the job is finished
    assert counts(rw_sessions, tenant_a)["persons"] == 6


def letters(n: int) -> str:
    """0 → "a", 25 → "z", 26 → "ba": names must be letters only."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if n == 0:
            return word


def synthetic_csv(rows: int, *, household_every: int = 0) -> bytes:
    """`rows` valid, distinct persons (old-format codes), every `household_every` of them sharing a
    household, the first of each its head."""
    lines = ["Personas kods;Vārds;Uzvārds;Dzimums;Deklarētā adrese;Apdzīvotā vieta;Pasta indekss;"
             "Mājsaimniecības ID;Loma mājsaimniecībā;Mājsaimniecībā no"]  # fmt: skip
    start = dt.date(1940, 1, 1)
    for i in range(rows):
        code = old_format_code(start + dt.timedelta(days=i % 20_000), i // 20_000)
        household = role = joined = ""
        if household_every:
            household = f"H{i // household_every}"
            role = "galva" if i % household_every == 0 else "cits"
            joined = "01.01.2020"
        lines.append(
            f"{code[:6]}-{code[6:]};Jānis {letters(i).capitalize()};Bērziņš-{letters(i * 7).capitalize()};"
            f"{'VS'[i % 2]};Skolas iela {i % 200 + 1}-{i % 40 + 1};Ādaži;LV-2164;{household};{role};{joined}"
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.skipif(
    os.environ.get("IMPORT_SCALE") != "1", reason="the 50 000-row measurement: IMPORT_SCALE=1"
)
def test_fifty_thousand_rows_commit_in_well_under_a_minute(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    content = synthetic_csv(50_000, household_every=3)
    job_id = new_job(rw_sessions, tenant_a, head, "50000.csv", content, dry_run=False)
    started = time.monotonic()
    assert run(rw_sessions, tenant_a, job_id, head) == "committed"
    elapsed = time.monotonic() - started
    job = job_row(rw_sessions, tenant_a, job_id)
    print(
        f"\n50 000 rows: {elapsed:.1f} s in all, of which saving {job.summary and job.summary['seconds']} s"
    )
    assert counts(rw_sessions, tenant_a)["persons"] == 50_000
    assert elapsed < 45


def test_an_xlsx_with_a_real_date_cell_and_an_excel_serial_number(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Personas kods", "Vārds", "Uzvārds", "Dzimšanas datums"])
    sheet.append(["321111-22222", "Līga", "Zariņa", dt.datetime(1990, 5, 17)])
    sheet.append(["321111-22223", "Inga", "Zariņa", 33010])  # a date cell that lost its format
    buffer = io.BytesIO()
    workbook.save(buffer)
    job_id = new_job(rw_sessions, tenant_a, head, "datumi.xlsx", buffer.getvalue())
    assert run(rw_sessions, tenant_a, job_id, head) == "invalid"
    job = job_row(rw_sessions, tenant_a, job_id)
    assert [(p["row"], p["column"], describe(p, "lv")) for p in job.errors or []] == [
        (3, "Dzimšanas datums", "Ievadiet datumu formātā dd.mm.gggg."),
    ]


def test_persons_without_a_code_are_matched_by_their_other_identifier(
    rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, head: uuid.UUID
) -> None:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.add(
            Person(
                tenant_id=tenant_a,
                other_id_kind="passport",
                other_id="UA1234567",
                first_name="Olena",
                last_name="Kovalenko",
                name_norm=normalise_name("Kovalenko", "Olena"),
            )
        )
    content = (
        "Cita identifikatora veids;Cits identifikators;Personas kods;Vārds;Uzvārds;Dzimšanas datums;"
        "Mājsaimniecība;Loma\n"
        "pase;ua 1234567;;Olena;Kovalenko;14.04.1992;K;galva\n"
        "Uzturēšanās atļauja;RP7654321;;Taras;Kovalenko;01.02.2015;K;bērns\n"
        "pase;UA1234567;161175-11004;Jānis;Bērziņš;;;\n"
    ).encode()
    job_id = new_job(rw_sessions, tenant_a, head, "arzemnieki.csv", content, dry_run=False)
    assert run(rw_sessions, tenant_a, job_id, head) == "invalid"
    job = job_row(rw_sessions, tenant_a, job_id)
    # The third row repeats Olena's passport (the file check), the register check agrees it is hers.
    assert [(p["row"], describe(p, "en")) for p in job.errors or []] == [
        (4, "This person is already on row 2."),
        (4, "A person with this identifier is already registered under another name."),
    ]

    job_id = new_job(
        rw_sessions, tenant_a, head, "arzemnieki.csv", b"\n".join(content.split(b"\n")[:3]), dry_run=False
    )
    assert run(rw_sessions, tenant_a, job_id, head) == "committed"
    job = job_row(rw_sessions, tenant_a, job_id)
    assert job.summary is not None
    assert (job.summary["new_persons"], job.summary["linked_persons"], job.summary["memberships"]) == (
        1,
        1,
        2,
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        taras = s.scalars(select(Person).where(Person.first_name == "Taras")).one()
        assert (taras.other_id_kind, taras.other_id, taras.personal_code) == (
            "residence_permit",
            "RP7654321",
            None,
        )
        assert s.scalar(select(func.count()).select_from(Person)) == 2
