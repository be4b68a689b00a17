"""Demo data: three municipalities, a staff account for every role, synthetic persons.

Idempotent, so `atbalsts run` can load it at every start: tenants are matched by slug, accounts by
user name, memberships by (tenant, user), and a municipality that already has persons gets no more.
Every person is synthetic: names drawn from common Latvian names, personal codes generated."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from app.auth.models import Membership, User
from app.auth.passwords import verify_password
from app.auth.service import create_user, grant_membership
from app.config import Settings
from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
from app.domains.benefits.defaults import ensure_default_catalogue_sync
from app.domains.people.models import Person
from app.domains.people.rules import normalise_name, old_format_code
from app.domains.services.defaults import ensure_default_services_sync
from app.permissions import NationalRole, Role
from app.tenants.models import Tenant

DEMO_PASSWORD = "demo-parole-2026"  # noqa: S105 - published on purpose: printed at start-up
DEMO_SEED = 2026
NEW_FORMAT_SINCE = dt.date(2017, 7, 1)  # codes without a birth date are issued from this day
MULTI_USERNAME = "social_worker.vidzeme"
ADMIN_USERNAME = "platform_admin"
EMAIL_DOMAIN = "demo.atbalsts.lv"


@dataclass(frozen=True)
class DemoMunicipality:
    slug: str
    name: str
    atvk_code: str  # ATVK 2021: 00 + territory (01-19 state cities, 20-99 novadi) + 000
    persons: int


MUNICIPALITIES = (
    DemoMunicipality("riga", "Rīgas valstspilsēta", "0001000", 400),
    DemoMunicipality("valmiera", "Valmieras novads", "0054000", 250),
    DemoMunicipality("cesis", "Cēsu novads", "0026000", 180),
)

# Sign-in scheme: "<role>.<slug>", so the name says what the account can do and where.
STAFF: dict[str, dict[Role, str]] = {
    "riga": {
        Role.SOCIAL_WORKER: "Līga Ozoliņa",
        Role.CASE_MANAGER: "Mārtiņš Kalniņš",
        Role.BENEFIT_OFFICER: "Inese Bērziņa",
        Role.ACCOUNTANT: "Ģirts Vītols",
        Role.HEAD_OF_SERVICE: "Dace Kļaviņa",
        Role.READONLY_INSTITUTION: "Ēriks Šmits",
        Role.AUDITOR: "Sanita Ķēniņa",
    },
    "valmiera": {
        Role.SOCIAL_WORKER: "Zane Krūmiņa",
        Role.CASE_MANAGER: "Andris Zariņš",
        Role.BENEFIT_OFFICER: "Ieva Jansone",
        Role.ACCOUNTANT: "Uldis Liepa",
        Role.HEAD_OF_SERVICE: "Ilze Pētersone",
        Role.READONLY_INSTITUTION: "Kristaps Eglītis",
        Role.AUDITOR: "Anna Lāce",
    },
    "cesis": {
        Role.SOCIAL_WORKER: "Edgars Balodis",
        Role.CASE_MANAGER: "Kristīne Siliņa",
        Role.BENEFIT_OFFICER: "Jānis Vanags",
        Role.ACCOUNTANT: "Baiba Grīnberga",
        Role.HEAD_OF_SERVICE: "Aivars Kārkliņš",
        Role.READONLY_INSTITUTION: "Evija Strazda",
        Role.AUDITOR: "Pēteris Āboliņš",
    },
}
# A social worker shared by two neighbouring Vidzeme municipalities: shows switching between them.
MULTI_USER = (MULTI_USERNAME, "Māra Zvaigzne", Role.SOCIAL_WORKER, ("valmiera", "cesis"))
ADMIN_USER = (ADMIN_USERNAME, "Raivis Ķirsis")

# (masculine, feminine): the feminine form follows the grammatical gender, -š/-s/-is → -a/-e;
# surnames that are already nouns in -a/-e (Liepa, Zvaigzne) do not change.
SURNAMES = (
    ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozols", "Ozola"), ("Liepa", "Liepa"),
    ("Krūmiņš", "Krūmiņa"), ("Zariņš", "Zariņa"), ("Jansons", "Jansone"), ("Ozoliņš", "Ozoliņa"),
    ("Vītols", "Vītola"), ("Kļaviņš", "Kļaviņa"), ("Šmits", "Šmite"), ("Ķēniņš", "Ķēniņa"),
    ("Pētersons", "Pētersone"), ("Eglītis", "Eglīte"), ("Lācis", "Lāce"), ("Balodis", "Balode"),
    ("Kalējs", "Kalēja"), ("Grīnbergs", "Grīnberga"), ("Vanags", "Vanaga"), ("Siliņš", "Siliņa"),
    ("Dzenis", "Dzene"), ("Kārkliņš", "Kārkliņa"), ("Āboliņš", "Āboliņa"), ("Strazds", "Strazda"),
    ("Rozenbergs", "Rozenberga"), ("Circenis", "Circene"), ("Millers", "Millere"), ("Lapiņš", "Lapiņa"),
    ("Riekstiņš", "Riekstiņa"), ("Zvaigzne", "Zvaigzne"), ("Priede", "Priede"), ("Krastiņš", "Krastiņa"),
    ("Jēkabsons", "Jēkabsone"), ("Ivanovs", "Ivanova"), ("Petrovs", "Petrova"), ("Kuzņecovs", "Kuzņecova"),
    ("Sproģis", "Sproģe"), ("Gailis", "Gaile"), ("Auziņš", "Auziņa"), ("Putniņš", "Putniņa"),
    ("Upītis", "Upīte"), ("Freimanis", "Freimane"), ("Celmiņš", "Celmiņa"), ("Līcis", "Līce"),
    ("Skujiņš", "Skujiņa"), ("Rudzītis", "Rudzīte"), ("Grasis", "Grase"), ("Žagars", "Žagare"),
)  # fmt: skip

# First names by generation, so a child is not called Rasma nor a pensioner Markuss.
MALE_NAMES = {
    "older": ("Jānis", "Andris", "Juris", "Aivars", "Pēteris", "Valdis", "Imants", "Voldemārs", "Arvīds",
              "Uldis", "Guntis", "Ivars", "Gunārs", "Visvaldis", "Ojārs"),
    "middle": ("Jānis", "Andris", "Mārtiņš", "Ēriks", "Ģirts", "Kristaps", "Edgars", "Māris", "Raimonds",
               "Normunds", "Ainārs", "Gatis", "Artūrs", "Kārlis", "Roberts"),
    "younger": ("Jānis", "Mārtiņš", "Kristaps", "Roberts", "Dāvis", "Oskars", "Rihards", "Kārlis", "Emīls",
                "Markuss", "Gustavs", "Ričards", "Ēriks", "Artūrs", "Olivers"),
}  # fmt: skip
FEMALE_NAMES = {
    "older": ("Anna", "Rasma", "Vija", "Dzintra", "Ināra", "Gunta", "Aija", "Skaidrīte", "Ausma", "Biruta",
              "Ilga", "Mirdza", "Velta", "Maija", "Ilze"),
    "middle": ("Līga", "Ilze", "Zane", "Inese", "Dace", "Sanita", "Ieva", "Kristīne", "Inga", "Baiba",
               "Agita", "Evija", "Laura", "Iveta", "Santa"),
    "younger": ("Anna", "Elīza", "Marta", "Emīlija", "Sofija", "Alise", "Katrīna", "Madara", "Ieva", "Laura",
                "Paula", "Estere", "Amēlija", "Keita", "Līva"),
}  # fmt: skip


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    full_name: str
    role: str
    municipality: str  # the municipality's name, or "—" for a national account
    email: str


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    name: str
    atvk_code: str
    persons: int


@dataclass(frozen=True)
class DemoSummary:
    municipalities: tuple[DemoTenant, ...]
    sign_ins: tuple[DemoSignIn, ...]
    password: str
    created: bool  # False when everything was already there

    def render(self) -> str:
        """The start-up banner: where to sign in and as whom."""
        lines = ["Demo dati / demo data" + ("" if self.created else " (jau ielādēti / already loaded)")]
        for m in self.municipalities:
            lines.append(f"  {m.name} ({m.slug}, ATVK {m.atvk_code}): {m.persons} personas")
        lines.append(f"Parole visiem / password for all: {self.password}")
        # Adding an existing account to another municipality's staff asks for its registered e-mail.
        lines.append(f"E-pasts / e-mail: <lietotājs / user>@<slug>.{EMAIL_DOMAIN}")
        headers = ("lietotājs / user", "loma / role", "pašvaldība / municipality")
        rows = [(s.username, s.role, s.municipality) for s in self.sign_ins]
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(2)]
        for row in [headers, *rows]:
            lines.append(f"  {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}")
        return "\n".join(lines)


def staff_username(role: Role | str, slug: str) -> str:
    return f"{Role(role).value}.{slug}"


def demo_email(username: str) -> str:
    """`<role>.<slug>@<slug>.demo.atbalsts.lv` (the shared worker's "slug" is its region, vidzeme); the
    national admin has no municipality: `platform_admin@demo.atbalsts.lv`."""
    _, dot, place = username.rpartition(".")
    return f"{username}@{place}.{EMAIL_DOMAIN}" if dot else f"{username}@{EMAIL_DOMAIN}"


def load_demo_data(settings: Settings, *, seed: int = DEMO_SEED) -> DemoSummary:
    """Loads the demo municipalities, accounts and persons; safe to run again."""
    maint = make_sync_engine(settings.maint_url())
    runtime = make_sync_engine(settings.runtime_url())
    try:
        tenants, created = _ensure_tenants(maint)
        factory = sync_session_factory(runtime)
        with factory.begin() as session:  # users are national rows: no tenant to bind
            users, changed = _ensure_users(session)
            created |= changed
        counts: dict[str, int] = {}
        for m in MUNICIPALITIES:
            with sync_tenant_uow(factory, tenants[m.slug]) as session:
                created |= _ensure_memberships(session, m.slug, users)
                created |= _ensure_persons(session, tenants[m.slug], m, seed)
                created |= bool(ensure_default_catalogue_sync(session, tenants[m.slug]))
                created |= bool(ensure_default_services_sync(session, tenants[m.slug]))
                counts[m.slug] = session.scalar(select(func.count()).select_from(Person)) or 0
    finally:
        maint.dispose()
        runtime.dispose()
    # Households (with addresses) and case files build on the persons, the means tests and benefits on the
    # households; each loader skips a municipality that already has its data. Imported here: they import
    # this module.
    from app.demo_assistance import load_demo_assistance
    from app.demo_assistant_service import load_demo_assistant_service
    from app.demo_cases import load_demo_cases
    from app.demo_households import load_demo_households

    created |= any(load_demo_households(settings, seed=seed).values())
    created |= load_demo_cases(settings) > 0
    created |= load_demo_assistance(settings, seed=seed) > 0
    created |= load_demo_assistant_service(settings) > 0
    return DemoSummary(
        municipalities=tuple(DemoTenant(m.slug, m.name, m.atvk_code, counts[m.slug]) for m in MUNICIPALITIES),
        sign_ins=tuple(_sign_ins()),
        password=DEMO_PASSWORD,
        created=created,
    )


def _ensure_tenants(maint: Engine) -> tuple[dict[str, uuid.UUID], bool]:
    """Tenants are national data the runtime role may only read: created as the maintenance role."""
    factory = sync_session_factory(maint)
    created = False
    with factory.begin() as session:
        slugs = [m.slug for m in MUNICIPALITIES]
        existing = {t.slug: t.id for t in session.scalars(select(Tenant).where(Tenant.slug.in_(slugs)))}
        for m in MUNICIPALITIES:
            if m.slug not in existing:
                tenant = Tenant(slug=m.slug, name=m.name, atvk_code=m.atvk_code)
                session.add(tenant)
                session.flush()
                existing[m.slug] = tenant.id
                created = True
    return {m.slug: existing[m.slug] for m in MUNICIPALITIES}, created


def _accounts() -> Iterator[tuple[str, str, str, tuple[str, ...]]]:
    """(username, full name, e-mail, national roles) of every demo account."""
    for slug, staff in STAFF.items():
        for role, full_name in staff.items():
            username = staff_username(role, slug)
            yield username, full_name, demo_email(username), ()
    yield MULTI_USER[0], MULTI_USER[1], demo_email(MULTI_USER[0]), ()
    yield ADMIN_USER[0], ADMIN_USER[1], demo_email(ADMIN_USER[0]), (NationalRole.PLATFORM_ADMIN.value,)


def _ensure_users(session: Session) -> tuple[dict[str, uuid.UUID], bool]:
    users: dict[str, uuid.UUID] = {}
    changed = False
    for username, full_name, email, national_roles in _accounts():
        user = session.scalar(select(User).where(User.username == username))
        # Skipping an account that is already right keeps a second run from rewriting every row with a
        # fresh hash; a changed password is reset, so the printed one always works.
        if (
            user is None
            or user.full_name != full_name
            or user.email != email
            or list(user.national_roles) != list(national_roles)
            or not verify_password(user.password_hash, DEMO_PASSWORD)
        ):
            user = create_user(
                session,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                email=email,
                national_roles=national_roles,
            )
            changed = True
        users[username] = user.id
    return users, changed


def _ensure_memberships(session: Session, slug: str, users: dict[str, uuid.UUID]) -> bool:
    wanted = {users[staff_username(role, slug)]: [role.value] for role in STAFF[slug]}
    if slug in MULTI_USER[3]:
        wanted[users[MULTI_USER[0]]] = [MULTI_USER[2].value]
    have = {m.user_id: list(m.roles) for m in session.scalars(select(Membership))}
    changed = False
    for user_id, roles in wanted.items():
        if have.get(user_id) != roles:  # grant_membership audits every call: only call it for a change
            grant_membership(session, acting_user_id=None, user_id=user_id, roles=roles)
            changed = True
    return changed


def _ensure_persons(session: Session, tenant_id: uuid.UUID, m: DemoMunicipality, seed: int) -> bool:
    if session.scalar(select(Person.id).limit(1)) is not None:
        return False
    # One generator per municipality, so adding a municipality does not reshuffle the others.
    rows = list(synthetic_persons(random.Random(f"{seed}:{m.slug}"), m.persons))
    session.execute(insert(Person), [{"tenant_id": tenant_id, **row} for row in rows])
    return True


def synthetic_persons(rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    """Person rows with unique, valid personal codes. Births after 1 July 2017 get a new-format code
    (no date in it); of those born earlier about 8 % have switched to one, about 15 % in all."""
    first_day, last_day = dt.date(1930, 1, 1).toordinal(), dt.date(2024, 12, 31).toordinal()
    codes: set[str] = set()
    for _ in range(count):
        birth = dt.date.fromordinal(rng.randint(first_day, last_day))
        sex = rng.choice("MF")
        generation = "older" if birth.year < 1965 else "younger" if birth.year >= 1995 else "middle"
        first_name = rng.choice((MALE_NAMES if sex == "M" else FEMALE_NAMES)[generation])
        last_name = rng.choice(SURNAMES)[0 if sex == "M" else 1]
        new_format = birth >= NEW_FORMAT_SINCE or rng.random() < 0.08
        while True:
            if new_format:
                code = f"3{rng.randint(2, 9)}{rng.randrange(10**9):09d}"
            else:
                code = old_format_code(birth, rng.randrange(1000))
            if code not in codes:
                codes.add(code)
                break
        yield {
            "personal_code": code,
            "first_name": first_name,
            "last_name": last_name,
            "name_norm": normalise_name(last_name, first_name),
            "birth_date": birth,
            "sex": sex,
        }


def _sign_ins() -> Iterator[DemoSignIn]:
    names = {m.slug: m.name for m in MUNICIPALITIES}
    for slug, staff in STAFF.items():
        for role, full_name in staff.items():
            username = staff_username(role, slug)
            yield DemoSignIn(username, full_name, role.value, names[slug], demo_email(username))
    yield DemoSignIn(
        MULTI_USER[0],
        MULTI_USER[1],
        MULTI_USER[2].value,
        " + ".join(names[s] for s in MULTI_USER[3]),
        demo_email(MULTI_USER[0]),
    )
    yield DemoSignIn(
        ADMIN_USER[0], ADMIN_USER[1], NationalRole.PLATFORM_ADMIN.value, "—", demo_email(ADMIN_USER[0])
    )
