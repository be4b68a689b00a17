"""Demo data for the means test and benefits: in every demo municipality, households of the households demo
declare their means, apply, and the officers decide, so the declaration, application, decision, expiring
and status hand-over pages have work in them. Made through the real services: numbers, the change log,
notices and the decision PDFs (queued for the worker) are what real use leaves behind.

Per municipality (the households and amounts drawn by a generator seeded with the demo seed and the slug):

- a family with children: GMI benefit granted;
- a person living alone, out of work: GMI benefit granted, the grant ending in 10–20 days;
- a working-age couple: needy status granted, expiring in 15–27 days;
- a pensioner living alone: low-income status, housing benefit and a health-care benefit granted;
- a couple earning above the needy threshold: needy status refused, with the reasons;
- a family: needy status assessed and housing benefit received, both waiting for the officer;
- a pensioner whose declaration is still a draft.

Every act is dated relative to the municipal today (`municipal_today`) and made in date order, so the
register numbers follow the dates. The income thresholds are published per year (the migration has them up
to 31.12.2026); a later day would rest on a threshold the law has not published yet, so when today is past
the last published year the declarations are dated on its last day, while the applications and decisions
stay relative to today and the lists still show current work.

Call after `app.demo.load_demo_data(settings)` has the persons and `load_demo_households` the households:

    from app.demo_assistance import load_demo_assistance
    load_demo_assistance(settings)            # -> number of declarations created (0 when there were some)

Idempotent: a municipality that already has a declaration gets nothing more. Synchronous (it runs its own
event loop), like the rest of the demo loader."""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import random
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import metadata as _metadata  # noqa: F401 - every model mapped: decisions refer to documents
from app.auth.models import User
from app.auth.principal import Actor, TenantChoice
from app.config import Settings
from app.db import async_session_factory, make_async_engine, tenant_uow
from app.demo import DEMO_SEED, MUNICIPALITIES, STAFF, staff_username
from app.domains.assistance.declaration_rules import (
    HousingCostEntry,
    IncomeEntry,
    PropertyDraft,
    monthly_average,
)
from app.domains.assistance.incomes import declaration_months
from app.domains.assistance.models import Declaration, DeclarationMember, LegalParameter
from app.domains.assistance.parameters import load_parameters
from app.domains.assistance.rules import low_income_threshold, threshold
from app.domains.assistance.service import (
    edit_member,
    set_housing_costs,
    set_incomes,
    set_property,
    start_declaration,
    submit_declaration,
)
from app.domains.benefits.models import Application, BenefitType
from app.domains.benefits.periods import add_months, period_of_months
from app.domains.benefits.service import assess_application, create_application
from app.domains.benefits.service_decisions import decide_application
from app.domains.cases.access import municipal_today
from app.domains.households.models import Household, HouseholdMember
from app.domains.households.rules import age_on
from app.domains.people.models import Person, PersonFlag
from app.domains.people.periods_service import add_flag
from app.i18n import TIMEZONE
from app.notifications.preferences import PreferenceDraft, save_contact_preferences
from app.permissions import Role
from app.tenants.models import Tenant

CENT = Decimal("0.01")
# The published threshold whose last day bounds the declaration dates (all thresholds end together).
THRESHOLD_KEY = "gmi_first"
# The state family benefit (ģimenes valsts pabalsts) by the number of children: declared, never counted.
FAMILY_BENEFIT = {1: Decimal("25.00"), 2: Decimal("100.00")}
FAMILY_BENEFIT_EACH_FROM_THREE = Decimal("75.00")
PENSION_AGE = 65

REASONS = {
    "GMI": (
        "Mājsaimniecības vidējie ienākumi mēnesī nesasniedz garantētā minimālā ienākuma slieksni. "
        "GMI pabalsts piešķirts kā starpība starp slieksni un ienākumiem (SPSPL 33. pants; MK 809)."
    ),
    "MP": (
        "Mājsaimniecība atbilst mājokļa pabalsta saņemšanas nosacījumiem; mājokļa izdevumi ņemti vērā "
        "normatīvu apmērā. Pabalsts tiek pārskaitīts pakalpojumu sniedzējiem (SPSPL 35. pants; MK 809)."
    ),
    "TRUC": (
        "Mājsaimniecības vidējie ienākumi mēnesī nepārsniedz trūcīgas mājsaimniecības ienākumu slieksni, "
        "un materiālais stāvoklis atbilst SPSPL 36. panta prasībām. Statuss piešķirts (SPSPL 33. panta "
        "otrā daļa; MK 809)."
    ),
    "MAZN": (
        "Mājsaimniecības vidējie ienākumi mēnesī nepārsniedz maznodrošinātas mājsaimniecības ienākumu "
        "slieksni, un materiālais stāvoklis atbilst prasībām. Statuss piešķirts (SPSPL 33. panta trešā "
        "daļa; pašvaldības saistošie noteikumi)."
    ),
    "VESEL": (
        "Mājsaimniecībai ir spēkā esošs maznodrošinātas mājsaimniecības statuss. Pabalsts piešķirts "
        "ārsta izrakstīto medikamentu iegādes izdevumu segšanai pēc iesniegtajiem čekiem."
    ),
}
REFUSED_NEEDY = (
    "Mājsaimniecības vidējie ienākumi mēnesī ({income} EUR) pārsniedz trūcīgas mājsaimniecības ienākumu "
    "slieksni ({limit} EUR). Trūcīgas mājsaimniecības statuss netiek piešķirts (SPSPL 33. panta otrā "
    "daļa; MK 809)."
)


def _lv(amount: Decimal) -> str:
    return f"{amount.quantize(CENT):.2f}".replace(".", ",")


def _euros(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount between `low` and `high` euros, in cents."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _between(rng: random.Random, low: Decimal, high: Decimal, lo: int, hi: int) -> Decimal:
    """A point `lo`..`hi` percent of the way from `low` to `high`, in cents."""
    share = Decimal(rng.randint(lo, hi)) / 100
    return (low + (high - low) * share).quantize(CENT)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A working-hours moment of `day` on the municipal clock (never in the future)."""
    moment = dt.datetime.combine(day, dt.time(hour, 30), tzinfo=TIMEZONE)
    return min(moment, dt.datetime.now(dt.UTC))


def _regular(
    kind: str, monthly: Decimal, declared_on: dt.date, rng: random.Random, spread: int = 0
) -> list[IncomeEntry]:
    """A regular income over the declaration's three months, varying by up to `spread` euros a month
    around `monthly` while averaging exactly `monthly` (so the assessed amounts are the planned ones)."""
    delta = _euros(rng, 0, spread) if spread else Decimal(0)
    amounts = (monthly + delta, monthly - delta, monthly)
    months = declaration_months(declared_on, regular=True)
    return [IncomeEntry(kind, month, amount) for month, amount in zip(months, amounts, strict=True)]


def _irregular(
    kind: str, amounts: Sequence[Decimal], declared_on: dt.date, rng: random.Random
) -> list[IncomeEntry]:
    months = sorted(rng.sample(declaration_months(declared_on, regular=False), len(amounts)))
    return [IncomeEntry(kind, month, amount) for month, amount in zip(months, amounts, strict=True)]


def _family_benefit(children: int) -> Decimal:
    return FAMILY_BENEFIT.get(children, FAMILY_BENEFIT_EACH_FROM_THREE * children)


# --- who declares -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Home:
    """A household of the households demo (or a person living in none): whom a scenario is about."""

    applicant: uuid.UUID
    applicant_birth: dt.date
    household_id: uuid.UUID | None = None
    children: int = 0


async def _homes(session: AsyncSession, ref: dt.date, today: dt.date) -> dict[str, list[_Home]]:
    """Candidates by kind, in a stable order: families (a working-age couple with minor children),
    couples (a working-age couple alone), pensioners living alone, and working-age persons in no
    household. Households that changed lately are left out, so the household on any declaration date
    of the demo is the one the pages show today."""
    rows = await session.execute(
        select(
            HouseholdMember.household_id,
            HouseholdMember.person_id,
            HouseholdMember.role,
            HouseholdMember.joined_on,
            HouseholdMember.left_on,
            Person.birth_date,
            Person.personal_code,
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(Person, Person.id == HouseholdMember.person_id)
    )
    by_household: dict[uuid.UUID, list] = defaultdict(list)
    for r in rows:
        by_household[r.household_id].append(r)
    settled = ref - dt.timedelta(days=120)  # the earliest declaration is under 90 days before `ref`
    homes: dict[str, list[tuple[str, _Home]]] = defaultdict(list)
    for household_id, members in by_household.items():
        if any(m.left_on is not None and m.left_on >= settled for m in members):
            continue
        current = [m for m in members if m.left_on is None]
        if not current or any(m.joined_on > settled or m.birth_date is None for m in current):
            continue
        ages = {m.person_id: age_on(m.birth_date, ref) or 0 for m in current}
        heads = [m for m in current if m.role == "head"]
        spouses = [m for m in current if m.role == "spouse"]
        children = [m for m in current if m.role == "child"]
        if len(heads) != 1:
            continue
        head = heads[0]
        key = head.personal_code or str(head.person_id)
        if len(current) == 1 and ages[head.person_id] >= PENSION_AGE + 1:
            homes["pensioner"].append((key, _Home(head.person_id, head.birth_date, household_id)))
            continue
        if len(spouses) != 1 or len(current) != 2 + len(children):
            continue
        if not all(22 <= ages[m.person_id] <= 60 for m in (head, spouses[0])):
            continue
        if children and all(ages[c.person_id] < 17 for c in children):
            home = _Home(head.person_id, head.birth_date, household_id, len(children))
            homes["family"].append((key, home))
        elif not children:
            homes["couple"].append((key, _Home(head.person_id, head.birth_date, household_id)))
    alone = await session.execute(
        select(Person.id, Person.birth_date, Person.personal_code).where(
            Person.birth_date.is_not(None),
            ~exists().where(HouseholdMember.person_id == Person.id),
        )
    )
    for person_id, birth, code in alone:
        if birth is not None and 25 <= (age_on(birth, today) or 0) <= 58:
            homes["single"].append((code or str(person_id), _Home(person_id, birth)))
    return {kind: [home for _, home in sorted(found, key=lambda f: f[0])] for kind, found in homes.items()}


class _Picker:
    """Draws households for the scenarios without repeating one."""

    def __init__(self, homes: dict[str, list[_Home]], rng: random.Random) -> None:
        self.pools = {kind: rng.sample(found, len(found)) for kind, found in homes.items()}

    def take(self, *kinds: str) -> _Home | None:
        for kind in kinds:
            if self.pools.get(kind):
                return self.pools[kind].pop()
        return None


# --- acting -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Members:
    applicant: DeclarationMember
    partner: DeclarationMember | None
    children: tuple[DeclarationMember, ...]
    count: int


class _Municipality:
    """The demo's acts in one municipality: the social worker takes declarations and registers
    applications, the benefit officer assesses and decides."""

    def __init__(
        self,
        session: AsyncSession,
        worker: Actor,
        officer: Actor,
        today: dt.date,
        last_threshold_day: dt.date | None,
        rng: random.Random,
        benefits: dict[str, uuid.UUID],
    ) -> None:
        self.session = session
        self.worker = worker
        self.officer = officer
        self.today = today
        self.last = last_threshold_day
        self.rng = rng
        self.benefits = benefits
        self.declarations = 0
        # A few days' difference between the municipalities, so their registers do not mirror each other.
        self.shift = rng.randint(0, 3)

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago + self.shift)

    def declared(self, day: dt.date) -> dt.date:
        """A declaration date no later than the last day with published thresholds (see the docstring)."""
        return min(day, self.last) if self.last is not None else day

    # declarations

    async def start(self, home: _Home, on: dt.date) -> tuple[Declaration, _Members]:
        declaration = await start_declaration(
            self.session, self.worker, home.applicant, declared_on=on, today=on
        )
        self.declarations += 1
        rows = list(
            await self.session.scalars(
                select(DeclarationMember).where(DeclarationMember.declaration_id == declaration.id)
            )
        )
        applicant = next(m for m in rows if m.relation == "applicant")
        partner = next((m for m in rows if m.relation in ("spouse", "partner")), None)
        children = tuple(m for m in rows if m.relation == "child" and (m.age or 0) < 18)
        return declaration, _Members(applicant, partner, children, len(rows))

    async def member(
        self,
        declaration: Declaration,
        member: DeclarationMember,
        status: str | None,
        incomes: Sequence[IncomeEntry],
    ) -> None:
        if status is not None and status != member.social_status:
            await edit_member(
                self.session,
                self.worker,
                declaration.id,
                member.id,
                relation=member.relation,
                social_status=status,
                version=None,
            )
        if incomes:
            await set_incomes(self.session, self.worker, declaration.id, member.id, incomes, version=None)

    async def finish(
        self,
        declaration: Declaration,
        costs: Sequence[tuple[str, Decimal]],
        assets: PropertyDraft,
        *,
        submit: bool = True,
    ) -> None:
        if costs:
            entries = [HousingCostEntry(item, amount) for item, amount in costs]
            await set_housing_costs(self.session, self.worker, declaration.id, entries, version=None)
        await set_property(self.session, self.worker, declaration.id, assets, version=None)
        if submit:
            await submit_declaration(
                self.session,
                self.worker,
                declaration.id,
                version=None,
                signed=True,
                now=_at(declaration.declared_on, 11),
            )

    async def thresholds(
        self, on: dt.date, persons: int, pensioner_alone: bool = False
    ) -> dict[str, Decimal]:
        """The household's GMI, needy and low-income sums on `on`, for planning plausible incomes."""
        params = await load_parameters(self.session, on)
        kind = "single_pensioner" if pensioner_alone else "working_age"
        return {
            "gmi": threshold("gmi", params).total(persons),
            "needy": threshold("needy", params).total(persons),
            "low_income": low_income_threshold(params, kind).total(persons),
        }

    async def pensioner(self, home: _Home) -> None:
        """The old-age pension period, as the worker records it from the pension certificate."""
        held = await self.session.scalar(
            select(PersonFlag.id).where(
                PersonFlag.person_id == home.applicant, PersonFlag.kind == "pensioner"
            )
        )
        if held is None:
            birth = home.applicant_birth
            day = 28 if (birth.month, birth.day) == (2, 29) else birth.day
            since = dt.date(birth.year + PENSION_AGE, birth.month, day)
            flag = {"kind": "pensioner", "detail": "old_age", "valid_from": since}
            await add_flag(self.session, self.worker, home.applicant, flag, today=self.today)

    def housing(self, *extra: tuple[str, Decimal]) -> list[tuple[str, Decimal]]:
        rng = self.rng
        return [
            ("rent", _euros(rng, 140, 210)),
            ("heating", _euros(rng, 85, 135)),
            ("electricity", _euros(rng, 28, 46)),
            ("water", _euros(rng, 14, 24)),
            ("waste", _euros(rng, 6, 10)),
            *extra,
        ]

    # applications

    async def apply(
        self,
        home: _Home,
        code: str,
        received: dt.date,
        declaration: Declaration | None,
        *,
        channel: str = "in_person",
        requested: Decimal | None = None,
        note: str | None = None,
        actor: Actor | None = None,
    ) -> Application:
        return await create_application(
            self.session,
            actor or self.worker,
            applicant_id=home.applicant,
            benefit_type_id=self.benefits[code],
            received_on=received,
            declaration_id=declaration.id if declaration else None,
            requested_amount=requested,
            channel=channel,
            note=note,
            today=received,
        )

    async def consent(self, home: _Home, on: dt.date) -> None:
        """The client asks for notices to their official e-address (every person has one by personal
        code), so the demo's acts fill the delivery log through the worker and the e-address simulator."""
        draft = PreferenceDraft(channels=("eaddress",), language="lv", consent="given", consent_on=on)
        await save_contact_preferences(self.session, self.worker, home.applicant, draft, version=0)

    async def assess(self, application: Application, on: dt.date) -> Application:
        return await assess_application(self.session, self.officer, application.id, now=_at(on, 9))

    async def decide(
        self,
        application: Application,
        on: dt.date,
        reasons: str,
        *,
        outcome: str = "granted",
        valid_from: dt.date | None = None,
        valid_to: dt.date | None = None,
    ) -> None:
        await decide_application(
            self.session,
            self.officer,
            application.id,
            outcome=outcome,
            amount=None,
            valid_from=valid_from,
            valid_to=valid_to,
            reasons=reasons,
            expected_version=None,
            today=on,
        )

    # scenarios: each yields the day of its next act before making it

    async def family_gmi(self, home: _Home) -> AsyncIterator[dt.date]:
        """Two parents, one earning little, the other out of work: GMI benefit granted."""
        on = self.declared(self.day(46))
        yield on
        declaration, m = await self.start(home, on)
        sums = await self.thresholds(on, m.count)
        wages = _between(self.rng, Decimal(0), sums["gmi"], 45, 60)
        earner = m.partner or m.applicant
        income = _regular("wages", wages, on, self.rng, spread=25)
        if m.children:
            income += _regular("family_benefit", _family_benefit(len(m.children)), on, self.rng)
        await self.member(declaration, earner, "employed", income)
        if m.partner is not None:
            await self.member(declaration, m.applicant, "unemployed", [])
        assets = PropertyDraft(vehicles=1, savings=_euros(self.rng, 20, 90))
        await self.finish(declaration, self.housing(), assets)
        received = self.day(45)
        yield received
        await self.consent(home, received)
        application = await self.apply(home, "GMI", received, declaration)
        yield self.day(41)
        application = await self.assess(application, self.day(41))
        yield self.day(36)
        await self.decide(application, self.day(36), REASONS["GMI"], valid_from=received)

    async def single_gmi(self, home: _Home) -> AsyncIterator[dt.date]:
        """A person living alone, out of work, odd jobs now and then: GMI granted, ending within weeks."""
        ends = self.today + dt.timedelta(days=self.rng.randint(10, 20))
        received = add_months(ends + dt.timedelta(days=1), -3)  # the 3 months of GMI end on `ends`
        on = self.declared(received - dt.timedelta(days=1))
        yield on
        declaration, m = await self.start(home, on)
        jobs = [_euros(self.rng, 60, 110) for _ in range(2)]
        await self.member(
            declaration, m.applicant, "unemployed", _irregular("other_irregular", jobs, on, self.rng)
        )
        costs = [
            ("rent", _euros(self.rng, 85, 120)),
            ("heating", _euros(self.rng, 50, 75)),
            ("electricity", _euros(self.rng, 12, 20)),
        ]
        await self.finish(declaration, costs, PropertyDraft())
        yield received
        application = await self.apply(
            home, "GMI", received, declaration, note="Reģistrēts NVA kā bezdarbnieks."
        )
        yield received + dt.timedelta(days=5)
        application = await self.assess(application, received + dt.timedelta(days=5))
        yield received + dt.timedelta(days=9)
        await self.decide(application, received + dt.timedelta(days=9), REASONS["GMI"], valid_from=received)

    async def couple_needy(self, home: _Home) -> AsyncIterator[dt.date]:
        """One works, the other receives unemployment benefit: needy status, expiring in 2–4 weeks."""
        expires = self.today + dt.timedelta(days=self.rng.randint(15, 27))
        received = add_months(expires + dt.timedelta(days=1), -3)
        on = self.declared(received - dt.timedelta(days=2))
        yield on
        declaration, m = await self.start(home, on)
        sums = await self.thresholds(on, m.count)
        total = _between(self.rng, sums["gmi"], sums["needy"], 45, 65)
        wages = (total * Decimal("0.72")).quantize(CENT)
        await self.member(
            declaration, m.applicant, "employed", _regular("wages", wages, on, self.rng, spread=20)
        )
        if m.partner is not None:
            income = _regular("unemployment_benefit", total - wages, on, self.rng)
            if m.children:
                income += _regular("family_benefit", _family_benefit(len(m.children)), on, self.rng)
            await self.member(declaration, m.partner, "unemployed", income)
        costs = self.housing(("gas", _euros(self.rng, 8, 14)), ("telecom", _euros(self.rng, 12, 20)))
        await self.finish(declaration, costs, PropertyDraft(vehicles=1, savings=_euros(self.rng, 50, 200)))
        yield received
        application = await self.apply(home, "TRUC", received, declaration)
        yield received + dt.timedelta(days=6)
        application = await self.assess(application, received + dt.timedelta(days=6))
        yield received + dt.timedelta(days=12)
        # Months from a month's end can come out a day or two short of `expires`: never past the
        # assessed period (and never longer, should the assessment give more months).
        longest = period_of_months(received, application.assessed_period_months or 3).valid_to
        await self.decide(
            application,
            received + dt.timedelta(days=12),
            REASONS["TRUC"],
            valid_from=received,
            valid_to=min(expires, longest),
        )

    async def pensioner_low_income(self, home: _Home) -> AsyncIterator[dt.date]:
        """A pensioner above the needy threshold: low-income status, housing benefit, then a health-care
        benefit that the status opens."""
        on = self.declared(self.day(30))
        yield on
        await self.pensioner(home)
        declaration, m = await self.start(home, on)
        sums = await self.thresholds(on, 1, pensioner_alone=True)
        pension = _between(self.rng, sums["needy"], sums["low_income"], 30, 60)
        await self.member(declaration, m.applicant, "pensioner", _regular("pension", pension, on, self.rng))
        costs = [
            ("rent", _euros(self.rng, 100, 130)),
            ("heating", _euros(self.rng, 80, 110)),
            ("electricity", _euros(self.rng, 20, 24)),
            ("water", _euros(self.rng, 10, 12)),  # above the norm for one person: the page shows the cut
            ("waste", Decimal("6.20")),
        ]
        await self.finish(declaration, costs, PropertyDraft(savings=_euros(self.rng, 90, 240)))
        received = self.day(29)
        yield received
        status = await self.apply(home, "MAZN", received, declaration)
        housing = await self.apply(home, "MP", received, declaration)
        yield self.day(24)
        status = await self.assess(status, self.day(24))
        housing = await self.assess(housing, self.day(24))
        yield self.day(17)
        await self.decide(status, self.day(17), REASONS["MAZN"], valid_from=received)
        # The housing benefit's formula sets no period: granted for the status's months.
        months = status.assessed_period_months or 3
        until = period_of_months(received, months).valid_to
        await self.decide(housing, self.day(17), REASONS["MP"], valid_from=received, valid_to=until)
        yield self.day(8)
        health = await self.apply(
            home,
            "VESEL",
            self.day(8),
            None,
            requested=_euros(self.rng, 35, 95),
            note="Čeki par zālēm pievienoti.",
            actor=self.officer,
        )
        yield self.day(6)
        health = await self.assess(health, self.day(6))
        yield self.day(4)
        await self.decide(health, self.day(4), REASONS["VESEL"], valid_from=self.day(4))

    async def couple_refused(self, home: _Home) -> AsyncIterator[dt.date]:
        """Both earn: the income is above the needy threshold, and the status is refused."""
        on = self.declared(self.day(58))
        yield on
        declaration, m = await self.start(home, on)
        sums = await self.thresholds(on, m.count)
        total = (sums["needy"] * Decimal(self.rng.randint(135, 160)) / 100).quantize(CENT)
        first = (total * Decimal("0.58")).quantize(CENT) if m.partner else total
        entries = _regular("wages", first, on, self.rng, spread=30)
        await self.member(declaration, m.applicant, "employed", entries)
        if m.partner is not None:
            second = _regular("wages", total - first, on, self.rng, spread=15)
            await self.member(declaration, m.partner, "employed", second)
            entries += second
        await self.finish(
            declaration, self.housing(), PropertyDraft(vehicles=1, savings=_euros(self.rng, 150, 260))
        )
        received = self.day(57)
        yield received
        application = await self.apply(home, "TRUC", received, declaration, channel="post")
        yield self.day(52)
        application = await self.assess(application, self.day(52))
        yield self.day(47)
        income = monthly_average((e.income_type, Decimal(e.amount or 0)) for e in entries)
        reasons = REFUSED_NEEDY.format(income=_lv(income), limit=_lv(sums["needy"]))
        await self.decide(application, self.day(47), reasons, outcome="refused")

    async def family_pending(self, home: _Home) -> AsyncIterator[dt.date]:
        """A new declaration: the needy status assessed, the housing benefit just received."""
        on = self.declared(self.day(6))
        yield on
        declaration, m = await self.start(home, on)
        sums = await self.thresholds(on, m.count)
        wages = _between(self.rng, sums["gmi"], sums["needy"], 30, 50)
        await self.member(
            declaration, m.applicant, "employed", _regular("wages", wages, on, self.rng, spread=40)
        )
        if m.partner is not None:
            income = []
            if m.children:
                income = _regular("family_benefit", _family_benefit(len(m.children)), on, self.rng)
            await self.member(declaration, m.partner, "other", income)
        await self.finish(
            declaration, self.housing(), PropertyDraft(vehicles=1, savings=_euros(self.rng, 0, 80))
        )
        yield self.day(5)
        status = await self.apply(home, "TRUC", self.day(5), declaration, channel="e_service")
        yield self.day(3)
        await self.assess(status, self.day(3))
        yield self.day(2)
        await self.apply(home, "MP", self.day(2), declaration)

    async def pensioner_draft(self, home: _Home) -> AsyncIterator[dt.date]:
        """Started yesterday: the pension entered, the housing costs still to come."""
        on = self.declared(self.day(1))
        yield on
        await self.pensioner(home)
        declaration, m = await self.start(home, on)
        pension = _euros(self.rng, 360, 470)
        await self.member(declaration, m.applicant, "pensioner", _regular("pension", pension, on, self.rng))


# The scenarios and the households each prefers (the next kind when the first has none left).
SCENARIOS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("family_gmi", ("family", "couple")),
    ("family_pending", ("family", "couple")),
    ("couple_needy", ("couple", "family")),
    ("couple_refused", ("couple", "family")),
    ("pensioner_low_income", ("pensioner",)),
    ("pensioner_draft", ("pensioner",)),
    ("single_gmi", ("single",)),
)


async def _in_date_order(scenarios: Sequence[AsyncIterator[dt.date]]) -> None:
    """Runs the scenarios' acts interleaved by their days, so numbers follow the dates as they would."""
    queue: list[tuple[dt.date, int, AsyncIterator[dt.date]]] = []
    for n, scenario in enumerate(scenarios):
        first = await anext(scenario, None)
        if first is not None:
            heapq.heappush(queue, (first, n, scenario))
    while queue:
        day, n, scenario = heapq.heappop(queue)
        following = await anext(scenario, None)  # makes the act of `day`
        if following is not None:
            assert following >= day, "a scenario's acts go forward in time"
            heapq.heappush(queue, (following, n, scenario))


async def _last_threshold_day(session: AsyncSession) -> dt.date | None:
    """The last day with a published income threshold; None when the latest one is open-ended."""
    ends = list(
        await session.scalars(select(LegalParameter.valid_to).where(LegalParameter.key == THRESHOLD_KEY))
    )
    if not ends or any(end is None for end in ends):
        return None
    return max(end for end in ends if end is not None)


def _actor(user_id: uuid.UUID, tenant: Tenant, role: Role) -> Actor:
    choice = TenantChoice(tenant.id, tenant.name, tenant.slug, (role.value,))
    return Actor.build(
        user_id=user_id,
        username=staff_username(role, tenant.slug),
        full_name=STAFF[tenant.slug][role],
        memberships=(choice,),
        tenant_id=tenant.id,
    )


async def _load_municipality(
    session: AsyncSession, tenant: Tenant, users: dict[str, uuid.UUID], seed: int
) -> int:
    if await session.scalar(select(Declaration.id).limit(1)) is not None:
        return 0
    worker_name = staff_username(Role.SOCIAL_WORKER, tenant.slug)
    officer_name = staff_username(Role.BENEFIT_OFFICER, tenant.slug)
    if worker_name not in users or officer_name not in users:
        return 0
    today = municipal_today()
    last = await _last_threshold_day(session)
    benefits = {code: id_ for code, id_ in await session.execute(select(BenefitType.code, BenefitType.id))}
    rng = random.Random(f"{seed}:{tenant.slug}:assistance")
    demo = _Municipality(
        session,
        _actor(users[worker_name], tenant, Role.SOCIAL_WORKER),
        _actor(users[officer_name], tenant, Role.BENEFIT_OFFICER),
        today,
        last,
        rng,
        benefits,
    )
    picker = _Picker(await _homes(session, min(today, last) if last else today, today), rng)
    scenarios = []
    for name, kinds in SCENARIOS:
        home = picker.take(*kinds)
        if home is not None:
            run: Callable[[_Home], AsyncIterator[dt.date]] = getattr(demo, name)
            scenarios.append(run(home))
    await _in_date_order(scenarios)
    return demo.declarations


async def _load(settings: Settings, seed: int) -> int:
    engine = make_async_engine(settings.runtime_url())
    factory = async_session_factory(engine)
    created = 0
    try:
        async with factory() as session:
            slugs = [m.slug for m in MUNICIPALITIES]
            tenants = list(await session.scalars(select(Tenant).where(Tenant.slug.in_(slugs))))
            wanted = [
                staff_username(r, t.slug) for t in tenants for r in (Role.SOCIAL_WORKER, Role.BENEFIT_OFFICER)
            ]
            users = {
                u.username: u.id for u in await session.scalars(select(User).where(User.username.in_(wanted)))
            }
        for tenant in tenants:
            async with tenant_uow(factory, tenant.id) as session:
                created += await _load_municipality(session, tenant, users, seed)
    finally:
        await engine.dispose()
    return created


def load_demo_assistance(settings: Settings, *, seed: int = DEMO_SEED) -> int:
    """Loads the means-test and benefit demo data into every demo municipality without declarations;
    returns the number of declarations created."""
    return asyncio.run(_load(settings, seed))
