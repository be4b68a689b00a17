"""Acts on means-test declarations (iztikas līdzekļu deklarācija, MK 809): start one for an applicant on a
date (the household on that date becomes its members), add, correct and remove members, set a member's
incomes, the property and the housing costs, submit it (the applicant signs, the worker certifies; then it
is read-only and supersedes the applicant's older ones) or discard a draft.

Each act checks the permission (APPLICATION_CREATE to write), locks the declaration row, refuses a stale
version (409) and a submitted declaration (409), writes the change log, and never commits: the caller's
transaction keeps all or nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.assistance import declaration_rules as rules
from app.domains.assistance.declaration_rules import (
    HousingCostEntry,
    IncomeEntry,
    Message,
    PropertyDraft,
)
from app.domains.assistance.models import (
    Declaration,
    DeclarationHousingCost,
    DeclarationIncome,
    DeclarationMember,
)
from app.domains.assistance.queries import MemberFacts, member_facts
from app.domains.households.queries import household_on, relationships_of
from app.domains.people.queries import person_names
from app.domains.people.service import locked_person
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

NUMBER_PREFIX = "D"
SEQUENCE = "declaration"

NO_SUCH_DECLARATION = N_("No such declaration.")
STALE = N_(
    "Someone else changed the declaration meanwhile. Reload the page to see the changes, then try again."
)
READ_ONLY = N_("The declaration is submitted and can no longer be changed. Start a new declaration instead.")
NOT_A_MEMBER = N_("This person is not a member of this declaration's household.")
NOT_IN_HOUSEHOLD = N_(
    "This person was not a member of the applicant's household on the declaration date. "
    "Record the household first (the person's Household tab), then add them."
)
ALREADY_MEMBER = N_("This person is already in the declaration.")
NO_SUCH_PERSON = N_("Choose a person registered in this municipality.")
STILL_A_DRAFT = N_(
    "Declaration %(number)s of this person is still a draft: continue it, or discard it first."
)
NEWER_SUBMITTED = N_("A newer declaration of this person (%(number)s) is already submitted.")
NOT_SIGNED = N_("Confirm that the applicant signed the declaration and that you accepted it.")


# --- reaching a declaration -------------------------------------------------------------------------------


async def locked_declaration(
    session: AsyncSession, actor: Actor, declaration_id: uuid.UUID, *, version: int | None
) -> Declaration:
    """The declaration, locked for the act: a draft at the version the form was shown with."""
    actor.require(Permission.APPLICATION_CREATE)
    declaration = await session.scalar(
        select(Declaration).where(Declaration.id == declaration_id).with_for_update()
    )
    if declaration is None:
        raise NotFound(NO_SUCH_DECLARATION)
    if declaration.status != "draft":
        raise Conflict(READ_ONLY)
    if version is not None and version != declaration.version:
        raise Conflict(STALE)
    return declaration


async def view_declaration(session: AsyncSession, actor: Actor, declaration_id: uuid.UUID) -> Declaration:
    """The declaration for reading (APPLICATION_VIEW); another municipality's is "not found"."""
    actor.require(Permission.APPLICATION_VIEW)
    declaration = await session.scalar(select(Declaration).where(Declaration.id == declaration_id))
    if declaration is None:
        raise NotFound(NO_SUCH_DECLARATION)
    return declaration


def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    declaration: Declaration,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=f"assistance:declaration:{action}",
        entity_type="declaration",
        entity_id=declaration.id,
        before=before,
        after={"number": declaration.number, **(after or {})},
    )


async def _member(
    session: AsyncSession, declaration: Declaration, member_id: uuid.UUID | None
) -> DeclarationMember:
    member = None
    if member_id is not None:
        member = await session.scalar(
            select(DeclarationMember).where(
                DeclarationMember.id == member_id, DeclarationMember.declaration_id == declaration.id
            )
        )
    if member is None:
        raise InvalidInput({"member_id": [NOT_A_MEMBER]})
    return member


def _member_row(
    declaration: Declaration,
    person_id: uuid.UUID,
    relation: str,
    facts: MemberFacts | None,
    status: str | None,
) -> DeclarationMember:
    age = facts.age if facts else None
    pensioner = bool(facts and facts.pensioner)
    disabled = bool(facts and facts.disabled)
    return DeclarationMember(
        tenant_id=declaration.tenant_id,
        declaration_id=declaration.id,
        person_id=person_id,
        relation=relation,
        social_status=status or rules.social_status(age, pensioner=pensioner, disabled=disabled),
        pensioner=pensioner,
        disability_group=facts.disability_group if facts else None,
        age=age,
    )


def _member_snapshot(member: DeclarationMember) -> dict[str, Any]:
    return {
        "member_id": member.id,
        "person_id": member.person_id,
        "relation": member.relation,
        "social_status": member.social_status,
        "pensioner": member.pensioner,
        "disability_group": member.disability_group,
        "age": member.age,
    }


# --- starting, submitting, discarding ---------------------------------------------------------------------


async def start_declaration(
    session: AsyncSession,
    actor: Actor,
    applicant_id: uuid.UUID,
    *,
    declared_on: dt.date | None,
    today: dt.date,
) -> Declaration:
    """A draft declaration numbered "D-<year>/<n>": the applicant, and everyone in their household on
    `declared_on` with the relation, age, pension and disability of that day (only the applicant when they
    lived in no recorded household). One draft per applicant at a time."""
    actor.require(Permission.APPLICATION_CREATE)
    await locked_person(session, applicant_id)  # serialises starts (one draft) and submits of this applicant
    errors = rules.check_declared_on(declared_on, today)
    if errors:
        raise InvalidInput(errors)
    assert declared_on is not None and actor.tenant_id is not None
    draft = await session.scalar(
        select(Declaration.number).where(
            Declaration.applicant_id == applicant_id, Declaration.status == "draft"
        )
    )
    if draft is not None:
        raise InvalidInput({"declared_on": [Message(STILL_A_DRAFT, number=draft)]})
    household = await household_on(session, applicant_id, declared_on)
    value = await next_number(session, actor.tenant_id, SEQUENCE, declared_on.year)
    declaration = Declaration(
        tenant_id=actor.tenant_id,
        number=format_number(NUMBER_PREFIX, declared_on.year, value),
        applicant_id=applicant_id,
        household_id=household.id if household else None,
        declared_on=declared_on,
        status="draft",
        owns_dwelling=False,
        other_real_property=0,
        vehicles=0,
        land_hectares=Decimal("0.00"),
        savings=Decimal("0.00"),
        maintenance_contract=False,
        created_by=actor.user_id,
        version=1,
    )
    session.add(declaration)
    await session.flush()
    relations = {applicant_id: "applicant"}
    if household is not None:
        kinship = {r.related_person_id: r.kind for r in await relationships_of(session, applicant_id)}
        roles = {m.person_id: m.role for m in household.members}
        for m in household.members:
            if m.person_id != applicant_id:
                relations[m.person_id] = rules.relation_to_applicant(
                    roles.get(applicant_id), m.role, kinship.get(m.person_id)
                )
    facts = await member_facts(session, relations, declared_on)
    members = [_member_row(declaration, pid, rel, facts.get(pid), None) for pid, rel in relations.items()]
    session.add_all(members)
    await session.flush()
    _audit(
        session,
        actor,
        "start",
        declaration,
        after={
            "applicant_id": applicant_id,
            "declared_on": declared_on,
            "household_id": declaration.household_id,
            "members": [_member_snapshot(m) for m in members],
        },
    )
    return declaration


async def submit_declaration(
    session: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    *,
    version: int | None,
    signed: bool,
    now: dt.datetime,
) -> Declaration:
    """The applicant signed the declaration and the worker certifies accepting it: from now on it is
    read-only, and the applicant's older submitted declarations are superseded."""
    found = await view_declaration(session, actor, declaration_id)
    await locked_person(session, found.applicant_id)
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    if not signed:
        raise InvalidInput({"signed": [NOT_SIGNED]})
    others = list(
        await session.scalars(
            select(Declaration)
            .where(
                Declaration.applicant_id == declaration.applicant_id,
                Declaration.status == "submitted",
                Declaration.id != declaration.id,
            )
            .order_by(Declaration.id)
            .with_for_update()
        )
    )
    newer = next((o for o in others if o.declared_on > declaration.declared_on), None)
    if newer is not None:
        raise InvalidInput({"signed": [Message(NEWER_SUBMITTED, number=newer.number)]})
    declaration.status = "submitted"
    declaration.submitted_at = now
    declaration.submitted_by = actor.user_id
    declaration.version += 1
    _audit(session, actor, "submit", declaration, after={"status": "submitted", "submitted_at": now})
    for older in others:
        older.status = "superseded"
        older.version += 1
        _audit(
            session,
            actor,
            "supersede",
            older,
            before={"status": "submitted"},
            after={"status": "superseded", "superseded_by": declaration.number},
        )
    await session.flush()
    return declaration


async def discard_declaration(
    session: AsyncSession, actor: Actor, declaration_id: uuid.UUID, *, version: int | None
) -> uuid.UUID:
    """Deletes a draft with everything entered in it (a submitted one stays); returns the applicant."""
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    applicant_id = declaration.applicant_id
    _audit(
        session,
        actor,
        "discard",
        declaration,
        before={"applicant_id": applicant_id, "declared_on": declaration.declared_on, "status": "draft"},
    )
    for model in (DeclarationIncome, DeclarationHousingCost, DeclarationMember):
        await session.execute(delete(model).where(model.declaration_id == declaration.id))
    await session.delete(declaration)
    await session.flush()
    return applicant_id


# --- members ----------------------------------------------------------------------------------------------


async def add_member(
    session: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    person_id: uuid.UUID | None,
    *,
    relation: str,
    social_status: str | None = None,
    version: int | None,
) -> DeclarationMember:
    """Adds a person of the household on the declaration date (one left out, or recorded since); when the
    applicant lives in no recorded household, any person of the municipality living with them."""
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    errors = rules.check_member_choice(relation, social_status or "other")
    if person_id is None or not await person_names(session, {person_id}):
        errors["person_id"] = [NO_SUCH_PERSON]
    if errors:
        raise InvalidInput(errors)
    assert person_id is not None
    present = await session.scalar(
        select(DeclarationMember.id).where(
            DeclarationMember.declaration_id == declaration.id, DeclarationMember.person_id == person_id
        )
    )
    if present is not None:
        raise InvalidInput({"person_id": [ALREADY_MEMBER]})
    if declaration.household_id is not None:
        household = await household_on(session, declaration.applicant_id, declaration.declared_on)
        if household is None or person_id not in {m.person_id for m in household.members}:
            raise InvalidInput({"person_id": [NOT_IN_HOUSEHOLD]})
    facts = await member_facts(session, {person_id}, declaration.declared_on)
    member = _member_row(declaration, person_id, relation, facts.get(person_id), social_status)
    session.add(member)
    declaration.version += 1
    await session.flush()
    _audit(session, actor, "member:add", declaration, after=_member_snapshot(member))
    return member


async def edit_member(
    session: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    member_id: uuid.UUID | None,
    *,
    relation: str,
    social_status: str,
    version: int | None,
) -> DeclarationMember:
    """Corrects a member's relation to the applicant and social status (the applicant stays the applicant)."""
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    member = await _member(session, declaration, member_id)
    applicant = member.relation == "applicant"
    errors = rules.check_member_choice(
        "applicant" if applicant else relation, social_status, applicant=applicant
    )
    if errors:
        raise InvalidInput(errors)
    before = _member_snapshot(member)
    if not applicant:
        member.relation = relation
    member.social_status = social_status
    after = _member_snapshot(member)
    if after != before:
        declaration.version += 1
        keys = [k for k in after if after[k] != before[k]]
        _audit(
            session,
            actor,
            "member:edit",
            declaration,
            before={"member_id": member.id, **{k: before[k] for k in keys}},
            after={"member_id": member.id, **{k: after[k] for k in keys}},
        )
    await session.flush()
    return member


async def remove_member(
    session: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    member_id: uuid.UUID | None,
    *,
    version: int | None,
) -> None:
    """Takes a member (and their incomes) out of the declaration; the applicant cannot be taken out."""
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    member = await _member(session, declaration, member_id)
    if member.relation == "applicant":
        raise InvalidInput({"member_id": [N_("The applicant cannot be removed from their own declaration.")]})
    snapshot = _member_snapshot(member)
    await session.execute(delete(DeclarationIncome).where(DeclarationIncome.member_id == member.id))
    await session.delete(member)
    declaration.version += 1
    await session.flush()
    _audit(session, actor, "member:remove", declaration, before=snapshot)


# --- incomes, property, housing costs ---------------------------------------------------------------------


async def set_incomes(
    session: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    member_id: uuid.UUID | None,
    entries: Sequence[IncomeEntry],
    *,
    version: int | None,
) -> int:
    """Replaces a member's incomes with `entries` (type, month, amount after taxes): each month must be in
    the declaration period of its type; an entry without an amount is no income. Returns the rows kept."""
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    member = await _member(session, declaration, member_id)
    clean, errors = rules.check_incomes(entries, declaration.declared_on)
    if errors:
        raise InvalidInput(errors)
    old = (
        await session.execute(
            select(DeclarationIncome.income_type, DeclarationIncome.month, DeclarationIncome.amount).where(
                DeclarationIncome.member_id == member.id
            )
        )
    ).all()
    await session.execute(delete(DeclarationIncome).where(DeclarationIncome.member_id == member.id))
    session.add_all(
        DeclarationIncome(
            tenant_id=declaration.tenant_id,
            declaration_id=declaration.id,
            member_id=member.id,
            income_type=c.income_type,
            month=c.month,
            amount=c.amount,
            source=c.source,
        )
        for c in clean
    )
    declaration.version += 1
    await session.flush()

    def listed(rows: Sequence[Any]) -> list[list[Any]]:
        return sorted([r[0], r[1], r[2]] for r in rows)

    _audit(
        session,
        actor,
        "incomes:set",
        declaration,
        before={"member_id": member.id, "incomes": listed(old)},
        after={
            "member_id": member.id,
            "incomes": listed([(c.income_type, c.month, c.amount) for c in clean]),
        },
    )
    return len(clean)


_PROPERTY_FIELDS = (
    "owns_dwelling",
    "other_real_property",
    "vehicles",
    "land_hectares",
    "savings",
    "maintenance_contract",
    "other_criterion_failed",
)


async def set_property(
    session: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    draft: PropertyDraft,
    *,
    version: int | None,
) -> Declaration:
    """The dwelling, other real property, vehicles, land, savings, a maintenance contract, and why another
    criterion fails (which shortens a status to one month)."""
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    clean, errors = rules.check_property(draft)
    if clean is None:
        raise InvalidInput(errors)
    before = {k: getattr(declaration, k) for k in _PROPERTY_FIELDS}
    after = clean.as_dict()
    changed = [k for k in _PROPERTY_FIELDS if before[k] != after[k]]
    if changed:
        for key in changed:
            setattr(declaration, key, after[key])
        declaration.version += 1
        _audit(
            session,
            actor,
            "property:set",
            declaration,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    await session.flush()
    return declaration


async def set_housing_costs(
    session: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    entries: Sequence[HousingCostEntry],
    *,
    version: int | None,
) -> int:
    """Replaces the monthly housing costs (per item of the norms: amount, optional quantity of units)."""
    declaration = await locked_declaration(session, actor, declaration_id, version=version)
    clean, errors = rules.check_housing_costs(entries)
    if errors:
        raise InvalidInput(errors)
    old = (
        await session.execute(
            select(
                DeclarationHousingCost.item, DeclarationHousingCost.amount, DeclarationHousingCost.quantity
            )
            .where(DeclarationHousingCost.declaration_id == declaration.id)
            .order_by(DeclarationHousingCost.item)
        )
    ).all()
    await session.execute(
        delete(DeclarationHousingCost).where(DeclarationHousingCost.declaration_id == declaration.id)
    )
    session.add_all(
        DeclarationHousingCost(
            tenant_id=declaration.tenant_id,
            declaration_id=declaration.id,
            item=c.item,
            amount=c.amount,
            quantity=c.quantity,
        )
        for c in clean
    )
    declaration.version += 1
    await session.flush()
    _audit(
        session,
        actor,
        "housing:set",
        declaration,
        before={"costs": [list(r) for r in old]},
        after={"costs": sorted([c.item, c.amount, c.quantity] for c in clean)},
    )
    return len(clean)
