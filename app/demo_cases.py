"""Demo data for the case file: in every demo municipality a handful of cases of its synthetic persons,
with timeline entries (home visits with findings among them), assigned staff, a closed case, one
restricted case (violence), a document and a few register entries. Made through the real services, so
numbers, audit records and the access rules are what they would be.

Call after `app.demo.load_demo_data(settings)` (it needs the municipalities, the staff and the persons):

    from app.demo_cases import load_demo_cases
    load_demo_cases(settings)            # -> number of cases created (0 when they were there already)

Idempotent: a municipality that already has a case gets nothing more. Synchronous (it runs its own event
loop), like the rest of the demo loader."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor, TenantChoice
from app.config import Settings
from app.db import async_session_factory, make_async_engine, tenant_uow
from app.demo import MUNICIPALITIES, STAFF, staff_username
from app.documents.service import RegisterDraft, Upload, register_document, upload_document
from app.domains.cases.access import municipal_today
from app.domains.cases.models import Case
from app.domains.cases.rules import EntryDraft
from app.domains.cases.service import CaseDraft, assign_staff, close_case, open_case
from app.domains.cases.timeline import add_entry
from app.domains.people.models import Person
from app.permissions import Role
from app.tenants.models import Tenant

MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class _Entry:
    kind: str
    days_ago: int
    minutes: int | None
    subject: str
    body: str | None = None
    findings: str | None = None
    by_manager: bool = False


@dataclass(frozen=True)
class _Case:
    title: str
    types: tuple[str, ...]
    opened_days_ago: int
    entries: tuple[_Entry, ...]
    manager_responsible: bool = False
    assign_other: bool = False
    sensitive: bool = False
    closed: str | None = None  # the reason, when the case is closed


CASES = (
    _Case(
        "Garantētā minimālā ienākuma pabalsts",
        ("social_assistance",),
        95,
        (
            _Entry(
                "consultation",
                94,
                40,
                "Pirmreizēja konsultācija",
                "Klients lūdz izvērtēt GMI pabalsta piešķiršanu.",
            ),
            _Entry(
                "home_visit",
                80,
                75,
                "Mājas vizīte dzīvesvietā",
                "Apsekota dzīvesvieta kopā ar klientu.",
                "Dzīvoklis sakopts, apkure darbojas. "
                "Ledusskapī maz pārtikas; klients nestrādā kopš pavasara.",
            ),
            _Entry(
                "phone_call", 60, 10, "Zvans par trūkstošajiem dokumentiem", "Klients iesniegs izziņu no NVA."
            ),
            _Entry("note", 58, None, "Saņemta izziņa no NVA"),
        ),
    ),
    _Case(
        "Aprūpe mājās",
        ("elderly_care", "social_services"),
        200,
        (
            _Entry(
                "home_visit",
                190,
                90,
                "Aprūpes vajadzību izvērtēšana",
                None,
                "Kustības ierobežotas, pārvietojas ar staiguli. "
                "Nepieciešama palīdzība iepirkšanās un mājas uzkopšanā.",
                by_manager=True,
            ),
            _Entry(
                "meeting",
                150,
                60,
                "Tikšanās ar aprūpētāju",
                "Vienojas par apmeklējumiem divreiz nedēļā.",
                by_manager=True,
            ),
            _Entry(
                "home_visit", 20, 45, "Aprūpes kvalitātes pārbaude", None, "Klients apmierināts ar aprūpi."
            ),
        ),
        manager_responsible=True,
        assign_other=True,
    ),
    _Case(
        "Atbalsts ģimenei ar bērniem",
        ("child_and_family",),
        120,
        (
            _Entry(
                "meeting",
                118,
                60,
                "Starpinstitucionālā sanāksme",
                "Piedalās skola, bāriņtiesa un sociālais dienests.",
            ),
            _Entry("journal", 100, None, "Sociālās rehabilitācijas plāns sastādīts"),
            _Entry(
                "home_visit",
                30,
                60,
                "Ģimenes apmeklējums",
                None,
                "Bērni apmeklē skolu, mājās kārtība uzlabojusies.",
            ),
        ),
    ),
    _Case(
        "Vardarbība ģimenē",
        ("violence", "child_and_family"),
        45,
        (
            _Entry(
                "consultation",
                44,
                60,
                "Krīzes konsultācija",
                "Kliente ar bērniem uz laiku uzturas krīzes centrā.",
            ),
            _Entry(
                "phone_call",
                40,
                15,
                "Saziņa ar Valsts policiju",
                "Policija informēta; izteikts pagaidu aizsardzības lēmums.",
            ),
            _Entry(
                "home_visit",
                10,
                50,
                "Apmeklējums krīzes centrā",
                None,
                "Kliente drošībā; nepieciešama psihologa konsultācija.",
            ),
        ),
        assign_other=True,
        sensitive=True,
    ),
    _Case(
        "Atkarības mazināšana",
        ("addiction",),
        300,
        (
            _Entry("consultation", 299, 45, "Motivējošā intervija"),
            _Entry("meeting", 200, 30, "Rehabilitācijas programmas noslēgums"),
        ),
        closed="Rehabilitācijas programma pabeigta, mērķi sasniegti.",
    ),
    _Case(
        "Dzīvesvietas meklēšana",
        ("homelessness", "social_assistance"),
        14,
        (
            _Entry("consultation", 14, 30, "Patversmes piedāvājums", "Klients piekrīt nakšņot patversmē."),
            _Entry("phone_call", 3, 10, "Zvans par sociālo dzīvokli"),
        ),
    ),
)


def _actor(user_id: uuid.UUID, username: str, name: str, tenant: Tenant, role: Role) -> Actor:
    choice = TenantChoice(tenant.id, tenant.name, tenant.slug, (role.value,))
    return Actor.build(
        user_id=user_id, username=username, full_name=name, memberships=(choice,), tenant_id=tenant.id
    )


async def _load_municipality(session: AsyncSession, tenant: Tenant, users: dict[str, uuid.UUID]) -> int:
    if await session.scalar(select(Case.id).limit(1)) is not None:
        return 0
    persons = list(
        await session.scalars(select(Person.id).order_by(Person.name_norm, Person.id).limit(len(CASES)))
    )
    if len(persons) < len(CASES):
        return 0
    slug, names = tenant.slug, STAFF[tenant.slug]
    worker = _actor(
        users[staff_username(Role.SOCIAL_WORKER, slug)],
        staff_username(Role.SOCIAL_WORKER, slug),
        names[Role.SOCIAL_WORKER],
        tenant,
        Role.SOCIAL_WORKER,
    )
    manager = _actor(
        users[staff_username(Role.CASE_MANAGER, slug)],
        staff_username(Role.CASE_MANAGER, slug),
        names[Role.CASE_MANAGER],
        tenant,
        Role.CASE_MANAGER,
    )
    today = municipal_today()
    first_case: Case | None = None
    for spec, person_id in zip(CASES, persons, strict=True):
        responsible, other = (manager, worker) if spec.manager_responsible else (worker, manager)
        draft = CaseDraft(
            title=spec.title,
            case_types=list(spec.types),
            responsible_user_id=responsible.user_id,
            sensitive=spec.sensitive,
            opened_on=today - dt.timedelta(days=spec.opened_days_ago),
        )
        case = await open_case(session, responsible, draft, person_id=person_id, today=today)
        first_case = first_case or case
        if spec.assign_other:
            await assign_staff(session, responsible, case.id, other.user_id)
        for e in spec.entries:
            author = manager if e.by_manager else worker
            entry = EntryDraft(
                e.kind, today - dt.timedelta(days=e.days_ago), e.minutes, e.subject, e.body, e.findings
            )
            await add_entry(session, author, case.id, entry, today=today)
        if spec.closed:
            await close_case(
                session,
                responsible,
                case.id,
                closed_on=today - dt.timedelta(days=100),
                reason=spec.closed,
                version=None,
                today=today,
            )
    assert first_case is not None
    letter = (
        "Iesniegums\n\nLūdzu izvērtēt manas mājsaimniecības atbilstību trūcīgas mājsaimniecības statusam.\n"
    )
    await upload_document(
        session,
        worker,
        first_case.id,
        title="Klienta iesniegums",
        upload=Upload("iesniegums.txt", letter.encode()),
        max_bytes=MAX_BYTES,
    )
    for direction, days_ago, correspondent, subject, linked in (
        ("in", 60, "Nodarbinātības valsts aģentūra", "Izziņa par bezdarbnieka statusu", True),
        ("in", 12, "Valsts policija", "Informācija par izsaukumu", False),
        ("out", 55, "Klients", "Lēmums par GMI pabalsta piešķiršanu", True),
    ):
        registered = today - dt.timedelta(days=days_ago)
        await register_document(
            session,
            worker,
            RegisterDraft(
                direction=direction,
                registered_on=registered,
                document_date=registered,
                correspondent=correspondent,
                subject=subject,
                case_number=first_case.number if linked else "",
            ),
            upload=None,
            max_bytes=MAX_BYTES,
            today=today,
        )
    return len(CASES)


async def _load(settings: Settings) -> int:
    engine = make_async_engine(settings.runtime_url())
    factory = async_session_factory(engine)
    created = 0
    try:
        async with factory() as session:
            slugs = [m.slug for m in MUNICIPALITIES]
            tenants = list(await session.scalars(select(Tenant).where(Tenant.slug.in_(slugs))))
            wanted = [
                staff_username(r, t.slug) for t in tenants for r in (Role.SOCIAL_WORKER, Role.CASE_MANAGER)
            ]
            users = {
                u.username: u.id for u in await session.scalars(select(User).where(User.username.in_(wanted)))
            }
        for tenant in tenants:
            async with tenant_uow(factory, tenant.id) as session:
                created += await _load_municipality(session, tenant, users)
    finally:
        await engine.dispose()
    return created


def load_demo_cases(settings: Settings) -> int:
    """Loads the case-file demo data into every demo municipality without cases; returns the number of
    cases created."""
    return asyncio.run(_load(settings))
