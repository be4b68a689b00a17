"""Means-test declarations and benefits for the national dataset (`benchmarks.national_dataset`).

What a municipality gets besides its persons and households:

- the default benefit catalogue (`app.domains.benefits.defaults.default_rows`, the entries the app seeds);
- for ~10 % of households (more single parents and single pensioners, fewer couples) a SUBMITTED means-test
  declaration dated in the last four months of 2025: the household's members on that day, with the
  relation, age, pension and disability `start_declaration` would read from the register (relationships,
  household roles, flags), the social status an officer would correct it to (employed, unemployed); the
  monthly incomes of the 3 full months before the declaration month by plausible types (wages,
  unemployment benefit, old-age or disability pension, maintenance; the state family benefit, declared but
  not counted; now and then a gift in the 12-month period), aimed at a share of the household's GMI sum
  so that ~3 in 4 households are below it; housing costs by the kind of dwelling (a flat's rent or
  management fee, heating, hot water, electricity in kWh, water in m³, waste; a farmstead's solid fuel);
  property (the dwelling, a car, some land, savings; a few fail the asset test, which gives the 1-month
  period);
- for ~40 % of them the history before it: an earlier declaration 6 to 9 months before (superseded), with
  its GMI and needy-status applications assessed by the app's own rules (`assessment.compute`, the
  legal parameters of that day as the database holds them), decided (granted when eligible, else
  refused) and the GMI grant and needy status they gave, all ended before the current declaration;
- the `number_sequences` rows of the declaration, application and decision numbers it used, so the app
  numbers on from them.

No application rests on a current declaration: `benchmarks.benefits_bench` takes them through the app's
services. Deterministic like the rest: its own random generator per municipality
(`<seed>:<slug>:benefits`) and its own id stream, so the persons, households and cases are the same
rows whether or not this part runs. Without legal parameters (`ParameterBook`) no declaration is made.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from psycopg.types.json import Jsonb

from app.documents.numbering import format_number
from app.domains.assistance.assessment import compute
from app.domains.assistance.declaration_rules import (
    disability_group,
    relation_to_applicant,
    social_status,
)
from app.domains.assistance.facts import DeclarationFacts, HousingCostFacts, IncomeFacts, MemberFacts
from app.domains.assistance.incomes import declaration_months
from app.domains.assistance.parameters import HousingNorm, LegalParameters, ParameterValue
from app.domains.assistance.rules import household_type, threshold
from app.domains.assistance.service import NUMBER_PREFIX as DECLARATION_PREFIX
from app.domains.assistance.service import SEQUENCE as DECLARATION_SEQUENCE
from app.domains.benefits import rules as benefit_rules
from app.domains.benefits.defaults import default_rows
from app.domains.benefits.periods import add_months, period_of_months
from app.domains.households.rules import age_on

RIGA = ZoneInfo("Europe/Riga")
CENT = Decimal("0.01")
# Current declarations are dated in this window (before the dataset's reference date, 1 January 2026).
WINDOW = (dt.date(2025, 9, 1), dt.date(2025, 12, 19))
# Share of households of each type that have a submitted declaration: ~10 % in all, so that the national
# dataset (123 657 households) holds more than the 10 000 the benefits benchmark takes.
DECLARING = {
    "single": 0.08,
    "single_pensioner": 0.14,
    "pensioner_couple": 0.08,
    "couple": 0.05,
    "family": 0.08,
    "single_parent": 0.20,
    "three_generations": 0.10,
}
HISTORY_SHARE = 0.40
HISTORY_MONTHS = (6, 9)  # the earlier declaration this many months before: its periods end before
CATALOGUE_CODES = {"gmi": "GMI", "housing": "MP", "needy_status": "TRUC", "low_income_status": "MAZN"}
NIL = uuid.UUID(int=0)

GRANTED_REASONS = {
    "gmi": "Mājsaimniecības vidējie ienākumi ir zem garantētā minimālā ienākuma sliekšņa "
    "(SPSPL 33. pants, MK 809); pabalsts piešķirts par starpību.",
    "needy_status": "Mājsaimniecības ienākumi nepārsniedz trūcīgas mājsaimniecības ienākumu slieksni, "
    "materiālā stāvokļa kritēriji izpildīti (SPSPL 33., 36. pants).",
}
REFUSED_REASONS = {
    "gmi": "Mājsaimniecības vidējie ienākumi pārsniedz garantētā minimālā ienākuma slieksni.",
    "needy_status": "Mājsaimniecības ienākumi pārsniedz trūcīgas mājsaimniecības ienākumu slieksni.",
}
SHORT_PERIOD_REASONS = (
    "Nav reģistrējies Nodarbinātības valsts aģentūrā kā bezdarbnieks.",
    "Nav pildījis līdzdarbības pienākumus.",
)

# --------------------------------------------------------------------------------------------------------
# Tables (columns in the order of the rows below), parents before children
# --------------------------------------------------------------------------------------------------------

BENEFIT_TYPE_COLUMNS: tuple[str, ...] = (
    "tenant_id",
    "id",
    *(k for k in default_rows(NIL)[0] if k != "tenant_id"),  # every default has the same keys
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "benefit_types": BENEFIT_TYPE_COLUMNS,
    "declarations": (
        "tenant_id", "id", "number", "applicant_id", "household_id", "declared_on", "status",
        "owns_dwelling", "other_real_property", "vehicles", "land_hectares", "savings",
        "maintenance_contract", "other_criterion_failed", "created_by", "submitted_at", "submitted_by",
        "version",
    ),
    "declaration_members": (
        "tenant_id", "id", "declaration_id", "person_id", "relation", "social_status", "pensioner",
        "disability_group", "age",
    ),
    "declaration_incomes": (
        "tenant_id", "id", "declaration_id", "member_id", "income_type", "month", "amount", "source",
    ),
    "declaration_housing_costs": ("tenant_id", "id", "declaration_id", "item", "amount", "quantity"),
    "applications": (
        "tenant_id", "id", "number", "applicant_id", "household_id", "declaration_id", "benefit_type_id",
        "received_on", "channel", "status", "assessed_amount", "assessed_eligible",
        "assessed_period_months", "explanation", "assessed_at", "created_by", "version",
    ),
    "decisions": (
        "tenant_id", "id", "number", "application_id", "outcome", "reasons", "amount", "valid_from",
        "valid_to", "decided_on", "decided_by", "explanation",
    ),
    "benefit_grants": (
        "tenant_id", "id", "decision_id", "benefit_type_id", "applicant_id", "household_id", "amount",
        "valid_from", "valid_to", "payment_channel",
    ),
    "assistance_statuses": (
        "tenant_id", "id", "kind", "applicant_id", "declaration_id", "decision_id", "valid_from",
        "valid_to", "explanation",
    ),
}  # fmt: skip
# Written with the households' batches (benefit_types once per municipality, before them).
BATCH_TABLES = (
    "declarations",
    "declaration_members",
    "declaration_incomes",
    "declaration_housing_costs",
    "applications",
    "decisions",
    "benefit_grants",
    "assistance_statuses",
)
# A granted decision points at its grant (as `decide_application` leaves it); the two reference each other,
# so the loader sets it after both are written.
LINK_GRANTS = (
    "UPDATE app.decisions d SET grant_id = g.id FROM app.benefit_grants g "
    "WHERE g.tenant_id = %(t)s AND d.tenant_id = g.tenant_id AND d.id = g.decision_id"
)
Row = tuple[Any, ...]


# --------------------------------------------------------------------------------------------------------
# Legal parameters, as the database holds them
# --------------------------------------------------------------------------------------------------------


class ParameterBook:
    """The national legal parameters and housing-cost norms (all periods), read once; `on(day)` gives what
    `load_parameters` gives the app on that day for a municipality without its own values."""

    PARAMETERS_SQL = (
        "SELECT key, value, valid_from, valid_to, legal_reference, unconfirmed, note "
        "FROM app.legal_parameters"
    )
    NORMS_SQL = (
        "SELECT item, unit, quantity_first, quantity_other, unit_price, legal_reference, unconfirmed, "
        "valid_from, valid_to FROM app.housing_cost_norms"
    )

    def __init__(self, parameters: Sequence[Row], norms: Sequence[Row]) -> None:
        self._parameters = list(parameters)
        self._norms = list(norms)
        self._cache: dict[dt.date, LegalParameters] = {}

    @classmethod
    def read(cls, conn: Any) -> ParameterBook:
        """From a psycopg connection to a migrated database."""
        return cls(conn.execute(cls.PARAMETERS_SQL).fetchall(), conn.execute(cls.NORMS_SQL).fetchall())

    def on(self, day: dt.date) -> LegalParameters:
        found = self._cache.get(day)
        if found is None:

            def valid(start: dt.date, end: dt.date | None) -> bool:
                return start <= day and (end is None or end >= day)

            values = {
                key: ParameterValue(key, value, start, end, reference, unconfirmed, note)
                for key, value, start, end, reference, unconfirmed, note in self._parameters
                if valid(start, end)
            }
            norms = {
                item: HousingNorm(item, unit, first, other, price, reference, unconfirmed)
                for item, unit, first, other, price, reference, unconfirmed, start, end in self._norms
                if valid(start, end)
            }
            found = self._cache[day] = LegalParameters(
                on=day, values=values, national=values, housing_norms=norms
            )
        return found


# --------------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------------


class PersonLike(Protocol):
    """What the generator needs of a generated person (national_dataset._Person)."""

    id: uuid.UUID
    birth: dt.date
    flags: list[tuple[str, str, dt.date, dt.date | None]]  # (kind, detail, valid_from, valid_to)


@dataclass
class _Member:
    person_id: uuid.UUID
    relation: str
    age: int
    pensioner: bool
    pension_kind: str | None  # old_age | disability: which pension they get
    disabled: bool
    group: int | None
    id: uuid.UUID = NIL
    status: str = ""


@dataclass(frozen=True)
class _Declared:
    id: uuid.UUID
    facts: DeclarationFacts


def _cents(low: float, high: float, rng: random.Random) -> Decimal:
    return Decimal(rng.randint(round(low * 100), round(high * 100))) / 100


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


class BenefitsGenerator:
    """The benefits part of one municipality. `household` is called for every generated household, with its
    members (person, household role, joined on), and writes into the batch's rows."""

    def __init__(
        self,
        *,
        tenant_id: uuid.UUID,
        slug: str,
        seed: int,
        new_id: Callable[[], uuid.UUID],
        social_workers: Sequence[uuid.UUID],
        officers: Sequence[uuid.UUID],
        parameters: ParameterBook | None,
        today: dt.date,
    ) -> None:
        self.tenant_id = tenant_id
        self.rng = random.Random(f"{seed}:{slug}:benefits")
        self.new_id = new_id
        self.social_workers = list(social_workers)
        self.officers = list(officers)
        self.parameters = parameters
        self.today = today
        self.numbers: Counter[tuple[str, int]] = Counter()  # (sequence, year) → last number used
        self.declarations: Counter[str] = Counter()  # by status
        self.catalogue: list[Row] = []
        self.benefit_ids: dict[str, uuid.UUID] = {}
        self.payment_channels: dict[str, str] = {}
        for values in default_rows(tenant_id):
            type_id = new_id()
            self.catalogue.append((tenant_id, type_id, *(values[c] for c in BENEFIT_TYPE_COLUMNS[2:])))
            self.benefit_ids[values["code"]] = type_id
            self.payment_channels[values["code"]] = values["payment_channel"]
        # JSON columns go through COPY as jsonb.
        jsonb = [i for i, c in enumerate(BENEFIT_TYPE_COLUMNS) if c == "yearly_cap_by_children"]
        self.catalogue = [
            tuple(Jsonb(v) if i in jsonb else v for i, v in enumerate(row)) for row in self.catalogue
        ]

    # ---- numbers

    def _number(self, sequence: str, prefix: str, year: int) -> str:
        self.numbers[(sequence, year)] += 1
        return format_number(prefix, year, self.numbers[(sequence, year)])

    def sequences(self) -> list[tuple[str, int, int]]:
        """(sequence name, year, last value) of the numbers used."""
        return [(name, year, last) for (name, year), last in sorted(self.numbers.items())]

    # ---- households

    def household(
        self,
        rows: dict[str, list[Row]],
        kind: str,
        household_id: uuid.UUID,
        members: Sequence[tuple[PersonLike, str, dt.date]],
        line: str,
    ) -> None:
        """Maybe a submitted declaration of the household (its head the applicant), maybe its history."""
        if self.parameters is None or self.rng.random() >= DECLARING.get(kind, 0.08):
            return
        rng = self.rng
        head_joined = members[0][2]
        first = max(WINDOW[0], head_joined)
        if first > WINDOW[1]:
            return  # moved in too recently to have declared in the window
        declared_on = dt.date.fromordinal(rng.randint(first.toordinal(), WINDOW[1].toordinal()))
        head = members[0][0]
        if (age_on(head.birth, declared_on) or 0) < 18:
            return  # came of age since: the applicant must be an adult
        earlier: dt.date | None = None
        if rng.random() < HISTORY_SHARE:
            candidate = add_months(declared_on, -rng.randint(*HISTORY_MONTHS))
            if candidate >= head_joined and (age_on(head.birth, candidate) or 0) >= 18:
                earlier = candidate
        if earlier is not None:
            before = self._declaration(rows, household_id, members, earlier, line, "superseded")
            self._history(rows, household_id, head.id, before)
        self._declaration(rows, household_id, members, declared_on, line, "submitted")

    def _members_on(self, members: Sequence[tuple[PersonLike, str, dt.date]], on: dt.date) -> list[_Member]:
        """The household on `on` as `start_declaration` reads it: who had joined by then, what each is to
        the applicant (the head; recorded relationships match the roles), age, pension and disability."""
        kinship = {"spouse": "spouse", "partner": "partner", "child": "child", "parent": "parent"}
        found: list[_Member] = []
        for person, role, joined in members:
            if joined > on:
                continue
            age = age_on(person.birth, on)
            assert age is not None
            active = [f for f in person.flags if f[2] <= on and (f[3] is None or f[3] >= on)]
            pensions = [detail for kind, detail, _, _ in active if kind == "pensioner"]
            # The latest period's group, as member_facts takes it.
            disabilities = sorted(
                ((start, detail) for kind, detail, start, _ in active if kind == "disability")
            )
            detail = disabilities[-1][1] if disabilities else None
            relation = (
                "applicant" if role == "head" else relation_to_applicant("head", role, kinship.get(role))
            )
            found.append(
                _Member(
                    person_id=person.id,
                    relation=relation,
                    age=age,
                    pensioner=bool(pensions),
                    pension_kind=("disability" if "disability" in pensions else "old_age")
                    if pensions
                    else None,
                    disabled=detail is not None,
                    group=disability_group(detail),
                )
            )
        return found

    def _declaration(
        self,
        rows: dict[str, list[Row]],
        household_id: uuid.UUID,
        members: Sequence[tuple[PersonLike, str, dt.date]],
        on: dt.date,
        line: str,
        status: str,
    ) -> _Declared:
        rng, t = self.rng, self.tenant_id
        assert self.parameters is not None
        params = self.parameters.on(on)
        people = self._members_on(members, on)
        declaration_id = self.new_id()
        self.declarations[status] += 1
        worker = rng.choice(self.social_workers)
        incomes = self._incomes(people, on, params)
        costs = self._housing_costs(line)
        owns, vehicles, land, savings, contract, other = self._property(line, costs)
        at = dt.datetime.combine(on, dt.time(8, 30), RIGA) + dt.timedelta(minutes=rng.randint(0, 480))
        rows["declarations"].append((
            t, declaration_id, self._number(DECLARATION_SEQUENCE, DECLARATION_PREFIX, on.year),
            people[0].person_id, household_id, on, status, owns, 0, vehicles, land, savings, contract,
            other, worker, at.astimezone(dt.UTC), worker, 3 + len(people),
        ))  # fmt: skip
        for m in people:
            m.id = self.new_id()
            rows["declaration_members"].append((
                t, m.id, declaration_id, m.person_id, m.relation, m.status, m.pensioner, m.group, m.age,
            ))  # fmt: skip
        income_facts = []
        for index, code, month, amount, source in incomes:
            member_id = people[index].id
            rows["declaration_incomes"].append(
                (t, self.new_id(), declaration_id, member_id, code, month, amount, source)
            )
            income_facts.append(IncomeFacts(code, month, amount, member_id))
        for item, amount, quantity in costs:
            rows["declaration_housing_costs"].append(
                (t, self.new_id(), declaration_id, item, amount, quantity)
            )
        facts = DeclarationFacts(
            declared_on=on,
            members=tuple(
                MemberFacts(m.age, m.pensioner, m.group, m.status, m.relation, m.id, m.person_id)
                for m in people
            ),
            incomes=tuple(income_facts),
            housing_costs=tuple(HousingCostFacts(i, a, q) for i, a, q in costs),
            owns_dwelling=owns,
            vehicles=vehicles,
            land_hectares=land,
            savings=savings,
            maintenance_contract=contract,
            other_criterion_failed=other,
            declaration_id=declaration_id,
            status=status,
        )
        return _Declared(declaration_id, facts)

    # ---- what is declared

    def _incomes(
        self, people: list[_Member], on: dt.date, params: LegalParameters
    ) -> list[tuple[int, str, dt.date, Decimal, str | None]]:
        """(member index, type, month, amount, source). The counted regular income is aimed at a share of
        the household's GMI sum: none (22 %), below it (58 %) or above it (20 %); it is split among the
        earners, and each member gets its social status from what it earns."""
        rng = self.rng
        gmi_sum = threshold("gmi", params).total(len(people))
        roll = rng.random()
        share = 0.0 if roll < 0.22 else rng.uniform(0.1, 0.95) if roll < 0.80 else rng.uniform(1.05, 2.6)
        adults = [i for i, m in enumerate(people) if m.age >= 18]
        pensioners = [i for i in adults if people[i].pensioner]
        working = [i for i in adults if not people[i].pensioner]
        if share == 0 and pensioners:
            share = rng.uniform(0.3, 0.95)  # a pension is paid whatever else
        earners: list[tuple[int, str]] = [
            (i, "disability_pension" if people[i].pension_kind == "disability" else "pension")
            for i in pensioners
        ]
        for i in working:
            kind = rng.choices(("wages", "unemployment_benefit", "self_employment", ""), (45, 25, 3, 27))[0]
            if share > 0 and kind:
                earners.append((i, kind))
        if share > 0 and not earners:
            earners.append((working[0], rng.choice(("wages", "unemployment_benefit"))))
        children = [i for i, m in enumerate(people) if m.age < 18]
        if share > 0 and children and len(adults) == 1 and rng.random() < 0.35:
            earners.append((children[0], "maintenance"))  # from the other parent or the guarantee fund
        months = declaration_months(on, regular=True)
        incomes: list[tuple[int, str, dt.date, Decimal, str | None]] = []
        target = gmi_sum * Decimal(str(round(share, 4)))
        weights = [rng.uniform(0.5, 1.5) for _ in earners]
        sources = {
            "wages": "Darba devējs (VID dati)",
            "self_employment": "VID deklarācija",
            "pension": "VSAA",
            "disability_pension": "VSAA",
            "unemployment_benefit": "NVA",
            "maintenance": "Uzturlīdzekļu garantiju fonds",
        }
        for (index, code), weight in zip(earners, weights, strict=True):
            base = target * Decimal(str(round(weight / sum(weights), 4)))
            for month in months:
                amount = base * Decimal(str(round(rng.uniform(0.9, 1.1), 3))) if code == "wages" else base
                incomes.append((index, code, month, max(_money(amount), CENT), sources[code]))
        for index in children:
            if people[index].age < 16 and rng.random() < 0.9:  # state family benefit: declared, not counted
                incomes += [(index, "family_benefit", m, Decimal("25.00"), "VSAA") for m in months]
        if adults and rng.random() < 0.07:
            month = rng.choice(declaration_months(on, regular=False))
            incomes.append((adults[0], "gift", month, _cents(40, 300, rng), "Bankas konta izraksts"))
        earned = {index: code for index, code in earners}
        for i, m in enumerate(people):
            status = social_status(m.age, pensioner=m.pensioner, disabled=m.disabled)
            if status == "other":
                status = "employed" if earned.get(i) in ("wages", "self_employment") else "unemployed"
            m.status = status
        return incomes

    def _housing_costs(self, line: str) -> list[tuple[str, Decimal, Decimal | None]]:
        """(item, EUR a month, units a month): by the kind of dwelling the address says."""
        rng = self.rng
        farmstead = line.startswith('"')
        flat = "-" in line and not farmstead
        costs: list[tuple[str, Decimal, Decimal | None]] = []

        def kwh() -> None:
            amount = _cents(12, 48, rng)
            costs.append(("electricity", amount, Decimal(int(amount / Decimal("0.21")))))

        def water() -> None:
            amount = _cents(5, 18, rng)
            costs.append(("water", amount, (amount / Decimal("2.1")).quantize(Decimal("0.1"))))

        if flat:
            if rng.random() < 0.5:
                costs.append(("rent", _cents(60, 220, rng), None))
            else:
                costs.append(("management", _cents(15, 50, rng), None))
            if rng.random() < 0.65:
                costs.append(("heating", _cents(35, 140, rng), None))
            if rng.random() < 0.6:
                costs.append(("hot_water", _cents(8, 30, rng), None))
            kwh()
            water()
            costs.append(("waste", _cents(3, 9, rng), None))
            if rng.random() < 0.4:
                costs.append(("telecom", _cents(10, 25, rng), None))
        elif farmstead:
            kwh()
            costs.append(("solid_fuel", _cents(30, 95, rng), None))
            costs.append(("waste", _cents(4, 10, rng), None))
        else:
            kwh()
            if rng.random() < 0.5:
                costs.append(("heating", _cents(40, 120, rng), None))
            else:
                costs.append(("solid_fuel", _cents(30, 95, rng), None))
            water()
            costs.append(("waste", _cents(3, 9, rng), None))
        return costs

    def _property(
        self, line: str, costs: Sequence[tuple[str, Decimal, Decimal | None]]
    ) -> tuple[bool, int, Decimal, Decimal, bool, str | None]:
        """(owns the dwelling, vehicles, land ha, savings, maintenance contract, other failed criterion).
        Some fail the asset test (land, savings, cars), a few another criterion: the 1-month period."""
        rng = self.rng
        farmstead = line.startswith('"')
        owns = not any(item == "rent" for item, _, _ in costs)
        vehicles = rng.choices((0, 1, 2), (75, 22, 3))[0]
        land = _cents(0.5, 8, rng) if farmstead else Decimal("0.00")
        roll = rng.random()
        savings = (
            Decimal("0.00") if roll < 0.6 else _cents(10, 250, rng) if roll < 0.95 else _cents(300, 900, rng)
        )
        contract = rng.random() < 0.01
        other = rng.choice(SHORT_PERIOD_REASONS) if rng.random() < 0.02 else None
        return owns, vehicles, land, savings, contract, other

    # ---- the history on an earlier declaration

    def _history(
        self, rows: dict[str, list[Row]], household_id: uuid.UUID, applicant_id: uuid.UUID, before: _Declared
    ) -> None:
        """GMI and needy-status applications on the earlier declaration, assessed by the app's rules and
        decided by a benefit officer: a grant or a status when eligible, a refusal otherwise."""
        assert self.parameters is not None
        rng, t = self.rng, self.tenant_id
        facts = before.facts
        received = facts.declared_on
        base = self.parameters.on(received)
        params = base.for_household_type(household_type(facts.members, base.whole("child_age_limit")))
        worker, officer = rng.choice(self.social_workers), rng.choice(self.officers)
        for kind in ("gmi", "needy_status"):
            code = CATALOGUE_CODES[kind]
            result = benefit_rules.combine(compute(kind, facts, params))
            explanation = result.as_json()
            amount = result.amount.quantize(CENT)
            application_id, decision_id = self.new_id(), self.new_id()
            assessed_at = dt.datetime.combine(received, dt.time(11, 0), RIGA) + dt.timedelta(
                minutes=rng.randint(0, 300)
            )
            number = self._number(
                benefit_rules.APPLICATION_SEQUENCE, benefit_rules.APPLICATION_PREFIX, received.year
            )
            rows["applications"].append((
                t, application_id, number, applicant_id, household_id, before.id, self.benefit_ids[code],
                received, "in_person", "decided", amount, result.eligible, result.period_months,
                Jsonb(explanation), assessed_at.astimezone(dt.UTC), worker, 3,
            ))  # fmt: skip
            decided_on = min(
                received + dt.timedelta(days=rng.randint(5, 20)), self.today - dt.timedelta(days=1)
            )
            decision_number = self._number(
                benefit_rules.DECISION_SEQUENCE, benefit_rules.DECISION_PREFIX, decided_on.year
            )
            if not result.eligible or not result.period_months:
                rows["decisions"].append((
                    t, decision_id, decision_number, application_id, "refused", REFUSED_REASONS[kind], None,
                    None, None, decided_on, officer, Jsonb(explanation),
                ))  # fmt: skip
                continue
            period = period_of_months(received, result.period_months)
            granted = None if kind in benefit_rules.STATUS_KINDS else amount
            rows["decisions"].append((
                t, decision_id, decision_number, application_id, "granted", GRANTED_REASONS[kind], granted,
                period.valid_from, period.valid_to, decided_on, officer, Jsonb(explanation),
            ))  # fmt: skip
            if granted is None:
                rows["assistance_statuses"].append((
                    t, self.new_id(), benefit_rules.STATUS_KINDS[kind], applicant_id, before.id, decision_id,
                    period.valid_from, period.valid_to, Jsonb(explanation),
                ))  # fmt: skip
            else:
                rows["benefit_grants"].append((
                    t, self.new_id(), decision_id, self.benefit_ids[code], applicant_id, household_id,
                    granted, period.valid_from, period.valid_to, self.payment_channels[code],
                ))  # fmt: skip
