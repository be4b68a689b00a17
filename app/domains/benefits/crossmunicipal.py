"""The cross-municipality check (design §3: cross-tenant acts are narrow and audited; domain brief §4.3: a
client must not receive GMI or housing benefit in several municipalities at once).

For one application, the personal codes of its household (the declaration's members, else the applicant;
with their former codes) are looked up in the OTHER municipalities through the maintenance role
(BYPASSRLS), in a read-only transaction. What leaves the query is only "benefit X in municipality Y until
date Z" for GMI and housing-benefit grants active on the day: no names, codes, amounts or ids. Each check
is written to the acting municipality's change log (who, which application, how many hits). There is no
other entry point: nothing lists or browses another municipality's data."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text, tuple_, union
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.assistance.models import DeclarationMember
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.households.models import HouseholdMember
from app.domains.people.models import FormerPersonalCode, Person
from app.errors import NotFound
from app.i18n import N_, latvian_sort_key
from app.permissions import Permission
from app.tenants.models import Tenant

CHECKED_KINDS = ("gmi", "housing")
NO_SUCH_APPLICATION = N_("No such application.")


@dataclass(frozen=True)
class OtherBenefit:
    municipality: str
    benefit: str
    valid_to: dt.date


async def household_codes(session: AsyncSession, application: Application) -> set[str]:
    """The personal codes (current and former) of the application's household, read in the acting
    municipality: the declaration's members, or the applicant alone without a declaration."""
    if application.declaration_id is not None:
        persons = select(DeclarationMember.person_id).where(
            DeclarationMember.declaration_id == application.declaration_id
        )
    else:
        persons = select(Person.id).where(Person.id == application.applicant_id)
    current = select(Person.personal_code).where(Person.id.in_(persons), Person.personal_code.is_not(None))
    former = select(FormerPersonalCode.code).where(FormerPersonalCode.person_id.in_(persons))
    return {code for code in await session.scalars(union(current, former)) if code}


def _holders(codes: list[str], own: uuid.UUID, on: dt.date) -> ColumnElement[bool]:
    """ "The grant is held by one of the persons with these codes" over `BenefitGrant`: as its applicant,
    as a member of its household on `on`, or as a member of the declaration it was decided on."""
    matched = union(
        select(Person.tenant_id, Person.id).where(Person.personal_code.in_(codes), Person.tenant_id != own),
        select(FormerPersonalCode.tenant_id, FormerPersonalCode.person_id).where(
            FormerPersonalCode.code.in_(codes), FormerPersonalCode.tenant_id != own
        ),
    ).subquery()
    pairs = select(matched.c.tenant_id, matched.c.id)
    in_household = exists().where(
        HouseholdMember.tenant_id == BenefitGrant.tenant_id,
        HouseholdMember.household_id == BenefitGrant.household_id,
        tuple_(HouseholdMember.tenant_id, HouseholdMember.person_id).in_(pairs),
        HouseholdMember.joined_on <= on,
        or_(HouseholdMember.left_on.is_(None), HouseholdMember.left_on >= on),
    )
    declared = exists().where(
        Decision.tenant_id == BenefitGrant.tenant_id,
        Decision.id == BenefitGrant.decision_id,
        Application.tenant_id == Decision.tenant_id,
        Application.id == Decision.application_id,
        DeclarationMember.tenant_id == Application.tenant_id,
        DeclarationMember.declaration_id == Application.declaration_id,
        tuple_(DeclarationMember.tenant_id, DeclarationMember.person_id).in_(pairs),
    )
    return or_(tuple_(BenefitGrant.tenant_id, BenefitGrant.applicant_id).in_(pairs), in_household, declared)


async def _other_grants(
    maint: async_sessionmaker[AsyncSession], codes: list[str], own: uuid.UUID, on: dt.date
) -> list[OtherBenefit]:
    ends = func.least(BenefitGrant.valid_to, func.coalesce(BenefitGrant.ended_on, BenefitGrant.valid_to))
    stmt = (
        select(Tenant.name, BenefitType.name_lv, func.max(ends))
        .join(
            BenefitType,
            and_(
                BenefitType.tenant_id == BenefitGrant.tenant_id,
                BenefitType.id == BenefitGrant.benefit_type_id,
            ),
        )
        .join(Tenant, Tenant.id == BenefitGrant.tenant_id)
        .where(
            BenefitGrant.tenant_id != own,
            BenefitType.kind.in_(CHECKED_KINDS),
            BenefitGrant.valid_from <= on,
            ends >= on,
            _holders(codes, own, on),
        )
        .group_by(Tenant.name, BenefitType.name_lv)
    )
    async with maint() as session, session.begin():
        await session.execute(text("SET TRANSACTION READ ONLY"))
        rows = (await session.execute(stmt)).all()
    found = [OtherBenefit(municipality=r[0], benefit=r[1], valid_to=r[2]) for r in rows]
    return sorted(found, key=lambda b: (latvian_sort_key(b.municipality), latvian_sort_key(b.benefit)))


# The web app's maintenance sessions, set by its lifespan (app/main.py): the check is called from pages
# that hold only the request's own session.
_maintenance: list[async_sessionmaker[AsyncSession]] = []


def use_maintenance_sessions(factory: async_sessionmaker[AsyncSession] | None) -> None:
    """Sets (None: clears) the maintenance sessions the check uses when it is not given any."""
    _maintenance[:] = [factory] if factory is not None else []


async def check_other_municipalities(
    session: AsyncSession,
    actor: Actor,
    application_id: uuid.UUID,
    on: dt.date,
    *,
    maint: async_sessionmaker[AsyncSession] | None = None,
) -> list[OtherBenefit]:
    """GMI and housing benefits the application's household receives on `on` in other municipalities
    (APPLICATION_DECIDE or APPLICATION_VIEW). `maint` opens sessions as the maintenance role (default:
    the web app's); `session` is the acting municipality's, where the check is audited."""
    if not actor.can(Permission.APPLICATION_DECIDE):
        actor.require(Permission.APPLICATION_VIEW)
    maint = maint or (_maintenance[0] if _maintenance else None)
    if maint is None:
        raise RuntimeError("the cross-municipality check needs the maintenance sessions")
    assert actor.tenant_id is not None
    application = await session.get(Application, (actor.tenant_id, application_id))
    if application is None:
        raise NotFound(NO_SUCH_APPLICATION)
    codes = sorted(await household_codes(session, application))
    found = await _other_grants(maint, codes, actor.tenant_id, on) if codes else []
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="benefits:application:cross-check",
        entity_type="application",
        entity_id=application.id,
        after={"number": application.number, "on": on, "codes_checked": len(codes), "hits": len(found)},
    )
    return found
