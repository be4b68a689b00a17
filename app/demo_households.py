"""Demo households for the demo municipalities: families made of the synthetic persons of app/demo.py
who share a surname (a couple of plausible ages, their children, sometimes a grown-up child who has
moved out), and some pensioners living alone; with the relationships between them.

Idempotent: a municipality that has any household gets none. Called after the persons are loaded:

    from app.demo_households import load_demo_households
    load_demo_households(settings)            # or ensure_demo_households(session, tenant_id) per tenant
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
from app.demo import DEMO_SEED, MUNICIPALITIES, SURNAMES
from app.domains.households.models import Household, HouseholdMember, Relationship
from app.domains.households.rules import inverse_kind
from app.domains.people.models import Person, PersonAddress
from app.domains.people.periods import normalise_address
from app.ids import uuid7
from app.tenants.models import Tenant

# "The Bērziņš family" is "Bērziņu ģimene": the genitive plural, irregular for the -is names.
GENITIVE_PLURAL = {
    "Bērziņš": "Bērziņu", "Kalniņš": "Kalniņu", "Ozols": "Ozolu", "Liepa": "Liepu", "Krūmiņš": "Krūmiņu",
    "Zariņš": "Zariņu", "Jansons": "Jansonu", "Ozoliņš": "Ozoliņu", "Vītols": "Vītolu", "Kļaviņš": "Kļaviņu",
    "Šmits": "Šmitu", "Ķēniņš": "Ķēniņu", "Pētersons": "Pētersonu", "Eglītis": "Eglīšu", "Lācis": "Lāču",
    "Balodis": "Baložu", "Kalējs": "Kalēju", "Grīnbergs": "Grīnbergu", "Vanags": "Vanagu", "Siliņš": "Siliņu",
    "Dzenis": "Dzeņu", "Kārkliņš": "Kārkliņu", "Āboliņš": "Āboliņu", "Strazds": "Strazdu",
    "Rozenbergs": "Rozenbergu", "Circenis": "Circeņu", "Millers": "Milleru", "Lapiņš": "Lapiņu",
    "Riekstiņš": "Riekstiņu", "Zvaigzne": "Zvaigžņu", "Priede": "Priežu", "Krastiņš": "Krastiņu",
    "Jēkabsons": "Jēkabsonu", "Ivanovs": "Ivanovu", "Petrovs": "Petrovu", "Kuzņecovs": "Kuzņecovu",
    "Sproģis": "Sproģu", "Gailis": "Gaiļu", "Auziņš": "Auziņu", "Putniņš": "Putniņu", "Upītis": "Upīšu",
    "Freimanis": "Freimaņu", "Celmiņš": "Celmiņu", "Līcis": "Līču", "Skujiņš": "Skujiņu",
    "Rudzītis": "Rudzīšu", "Grasis": "Grašu", "Žagars": "Žagaru",
}  # fmt: skip
_FAMILY = {name: pair[0] for pair in SURNAMES for name in pair}  # any form → the masculine form


@dataclass
class _Plan:
    households: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)


def _years_after(day: dt.date, years: int) -> dt.date:
    return dt.date(day.year + years, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


def plan_households(persons: list[Any], tenant_id: uuid.UUID, rng: random.Random, today: dt.date) -> _Plan:
    """Households for `persons` (rows with id, first_name, last_name, birth_date, sex): pure, so the
    plausibility of what the demo shows is tested without a database."""
    plan = _Plan()
    used: set[uuid.UUID] = set()
    by_family: dict[str, list[Any]] = defaultdict(list)
    for p in persons:
        if p.birth_date and p.last_name in _FAMILY:
            by_family[_FAMILY[p.last_name]].append(p)

    def household(label: str) -> uuid.UUID:
        hid = uuid7()
        plan.households.append({"tenant_id": tenant_id, "id": hid, "label": label})
        return hid

    def member(hid: uuid.UUID, p: Any, role: str, joined: dt.date, left: dt.date | None = None) -> None:
        used.add(p.id)
        plan.members.append(
            {
                "tenant_id": tenant_id,
                "id": uuid7(),
                "household_id": hid,
                "person_id": p.id,
                "role": role,
                "joined_on": joined,
                "left_on": left,
            }
        )

    def relate(person: Any, related: Any, kind: str) -> None:
        for a, b, k in ((person, related, kind), (related, person, inverse_kind(kind))):
            plan.relationships.append(
                {
                    "tenant_id": tenant_id,
                    "id": uuid7(),
                    "person_id": a.id,
                    "related_person_id": b.id,
                    "kind": k,
                }
            )

    for surname in sorted(by_family):
        group = sorted(by_family[surname], key=lambda p: (p.birth_date, str(p.id)))
        men = [p for p in group if p.sex == "M" and 1945 <= p.birth_date.year <= 1998]
        women = [p for p in group if p.sex == "F" and 1945 <= p.birth_date.year <= 1998]
        rng.shuffle(men)
        for man in men:
            wife = next(
                (w for w in women if w.id not in used and abs(w.birth_date.year - man.birth_date.year) <= 8),
                None,
            )
            if wife is None or man.id in used:
                continue
            younger = max(man.birth_date, wife.birth_date)
            since = min(_years_after(younger, rng.randint(22, 30)), today)
            children = [
                c
                for c in group
                if c.id not in used and 20 <= c.birth_date.year - younger.year <= 40 and c.birth_date <= today
            ][:3]
            hid = household(f"{GENITIVE_PLURAL.get(surname, surname)} ģimene")
            member(hid, man, "head", since)
            member(hid, wife, "spouse", since)
            relate(man, wife, "spouse")
            for child in children:
                grown_up = _years_after(child.birth_date, 20)
                moved_out = grown_up if grown_up < today and rng.random() < 0.5 else None
                joined = max(child.birth_date, since)
                if moved_out is not None and moved_out < joined:
                    moved_out = None
                member(hid, child, "child", joined, moved_out)
                relate(child, man, "parent")
                relate(child, wife, "parent")
    # Some pensioners live alone.
    for p in persons:
        if p.id not in used and p.birth_date and p.birth_date.year < 1950 and rng.random() < 0.3:
            hid = household(f"{p.first_name} {p.last_name} (viena persona)")
            member(hid, p, "head", min(_years_after(p.birth_date, 60), today))
    return plan


def ensure_demo_households(session: Session, tenant_id: uuid.UUID, *, seed: int = DEMO_SEED) -> int:
    """Households for one municipality (the session bound to it); the number created, 0 when it had any."""
    if session.scalar(select(Household.id).limit(1)) is not None:
        return 0
    persons = list(
        session.execute(
            select(Person.id, Person.first_name, Person.last_name, Person.birth_date, Person.sex).order_by(
                Person.name_norm, Person.id
            )
        )
    )
    rng = random.Random(f"{seed}:{tenant_id}")
    plan = plan_households(persons, tenant_id, rng, dt.date.today())
    addresses = plan_addresses(persons, plan, tenant_id, rng, _locality(session, tenant_id))
    for model, rows in (
        (Household, plan.households),
        (HouseholdMember, plan.members),
        (Relationship, plan.relationships),
        (PersonAddress, addresses),
    ):
        if rows:
            session.execute(insert(model), rows)
    return len(plan.households)


STREETS = (
    "Brīvības iela", "Rīgas iela", "Dārza iela", "Skolas iela", "Lielā iela", "Pils iela", "Ausekļa iela",
    "Raiņa iela", "Liepu iela", "Ezera iela", "Meža iela", "Stacijas iela", "Zvaigžņu iela",
    "Jāņa Poruka iela",
    "Krišjāņa Barona iela", "Miera iela", "Ūdens iela", "Kalēju iela", "Vienības gatve", "Lāčplēša iela",
)  # fmt: skip
_LOCALITIES = {"riga": ("Rīga", "LV-10"), "valmiera": ("Valmiera", "LV-42"), "cesis": ("Cēsis", "LV-41")}


def _locality(session: Session, tenant_id: uuid.UUID) -> tuple[str, str]:
    slug = session.scalar(select(Tenant.slug).where(Tenant.id == tenant_id)) or ""
    return _LOCALITIES.get(slug, ("Rīga", "LV-10"))


def plan_addresses(
    persons: list[Any], plan: _Plan, tenant_id: uuid.UUID, rng: random.Random, locality: tuple[str, str]
) -> list[dict[str, Any]]:
    """A declared address for everyone: one per household (its current members live there), one of
    their own for the rest; from the first day of this year, so address search finds them all."""
    town, postal_prefix = locality
    since = dt.date(dt.date.today().year, 1, 1)
    home_of: dict[Any, Any] = {}
    for member in plan.members:
        if member.get("left_on") is None:
            home_of.setdefault(member["person_id"], member["household_id"])
    lines: dict[Any, tuple[str, str]] = {}
    rows = []
    for person in persons:
        key = home_of.get(person.id, person.id)
        if key not in lines:
            flat = f"-{rng.randint(1, 60)}" if rng.random() < 0.7 else ""
            line = f"{rng.choice(STREETS)} {rng.randint(1, 120)}{flat}"
            lines[key] = (line, f"{postal_prefix}{rng.randint(0, 99):02d}")
        line, postal = lines[key]
        rows.append(
            {
                "tenant_id": tenant_id,
                "id": uuid7(),
                "person_id": person.id,
                "kind": "declared",
                "line": line,
                "locality": town,
                "postal_code": postal,
                "address_norm": normalise_address(line, town),
                "valid_from": since,
            }
        )
    return rows


def load_demo_households(settings: Settings, *, seed: int = DEMO_SEED) -> dict[str, int]:
    """Households in every demo municipality that has none yet: {slug: households created}."""
    engine = make_sync_engine(settings.runtime_url())
    try:
        factory = sync_session_factory(engine)
        with factory.begin() as session:  # tenants are national rows, readable by the runtime role
            slugs = [m.slug for m in MUNICIPALITIES]
            tenants = {t.slug: t.id for t in session.scalars(select(Tenant).where(Tenant.slug.in_(slugs)))}
        created: dict[str, int] = {}
        for slug, tenant_id in tenants.items():
            with sync_tenant_uow(factory, tenant_id) as session:
                created[slug] = ensure_demo_households(session, tenant_id, seed=seed)
        return created
    finally:
        engine.dispose()
