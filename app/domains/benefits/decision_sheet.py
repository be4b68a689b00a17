"""What a decision document shows, read in one place (sync SQLAlchemy: the worker renders with it, the web's
"render now" through `AsyncSession.run_sync`), and its HTML in the reader's language (Latvian by default:
the state language of the authority's decisions).

The explanation lines are stored language-neutral (app/domains/assistance/explain.py): here each label is
translated with its params, and each value formatted by its unit."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import jinja2
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.config import ROOT
from app.documents.pdf import FONT_FACES, PRINT_SANS, PRINT_SERIF
from app.domains.assistance.explain import Line, lines_from_json
from app.domains.assistance.models import DeclarationMember
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.domains.households.rules import MEMBER_ROLES
from app.domains.people.codes import display_code
from app.domains.people.models import Person, PersonAddress
from app.errors import NotFound
from app.i18n import N_, format_day, format_money, format_number, translations
from app.tenants.models import Tenant

TEMPLATE = "benefits/decision_pdf.html"
NO_SUCH_DECISION = N_("No such decision.")

RELATIONS: dict[str, str] = {"applicant": N_("Applicant"), **MEMBER_ROLES}
OUTCOMES: dict[str, str] = {
    "granted": N_("Grant"),
    "partly_granted": N_("Grant in part"),
    "refused": N_("Refuse to grant"),
    "changed": N_("Change the amount or period granted"),
    "stopped": N_("Stop granting"),
}
PER_FREQUENCY: dict[str, str] = {
    "monthly": N_("%(amount)s per month"),
    "one_off": N_("%(amount)s once"),
    "per_year": N_("%(amount)s per year"),
    "per_period": N_("%(amount)s for the period"),
}


@dataclass(frozen=True)
class Member:
    name: str
    personal_code: str
    relation: str  # a msgid


@dataclass(frozen=True)
class DecisionSheet:
    decision_id: uuid.UUID
    tenant_id: uuid.UUID
    number: str
    decided_on: dt.date
    outcome: str
    reasons: str
    amount: Decimal | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    municipality: str
    applicant_id: uuid.UUID
    applicant_name: str
    applicant_code: str
    applicant_address: str
    members: tuple[Member, ...]
    benefit_name: str
    benefit_kind: str
    frequency: str
    legal_basis: str
    explanation: tuple[Line, ...]
    officer_id: uuid.UUID
    officer_name: str
    application_number: str | None
    application_received_on: dt.date | None
    case_id: uuid.UUID | None
    document_id: uuid.UUID | None


def _origin(session: Session, decision: Decision) -> tuple[Application | None, BenefitGrant | None]:
    """The application the decision answers; for a change or stop of a grant, the grant and the application
    that first granted it (its household, declaration and case are the ones the decision is about)."""
    if decision.application_id is not None:
        return session.get(Application, (decision.tenant_id, decision.application_id)), None
    if decision.grant_id is None:
        return None, None
    grant = session.get(BenefitGrant, (decision.tenant_id, decision.grant_id))
    if grant is None:
        return None, None
    first = session.get(Decision, (decision.tenant_id, grant.decision_id))
    application = None
    if first is not None and first.application_id is not None:
        application = session.get(Application, (decision.tenant_id, first.application_id))
    return application, grant


def _address(session: Session, person_id: uuid.UUID, on: dt.date) -> str:
    row = session.execute(
        select(PersonAddress.line, PersonAddress.locality, PersonAddress.postal_code)
        .where(
            PersonAddress.person_id == person_id,
            PersonAddress.kind == "declared",
            PersonAddress.valid_from <= on,
            or_(PersonAddress.valid_to.is_(None), PersonAddress.valid_to >= on),
        )
        .order_by(PersonAddress.valid_from.desc())
        .limit(1)
    ).first()
    if row is None:
        return ""
    return ", ".join(part for part in (row.line, row.locality, row.postal_code) if part)


def _members(session: Session, declaration_id: uuid.UUID | None, applicant: Person) -> tuple[Member, ...]:
    """The declaration's members, the applicant first; without a declaration, the applicant alone."""
    applicant_member = Member(
        f"{applicant.first_name} {applicant.last_name}",
        display_code(applicant.personal_code) or "",
        "applicant",
    )
    if declaration_id is None:
        return (applicant_member,)
    rows = session.execute(
        select(
            Person.id, Person.first_name, Person.last_name, Person.personal_code, DeclarationMember.relation
        )
        .join(
            Person,
            and_(Person.tenant_id == DeclarationMember.tenant_id, Person.id == DeclarationMember.person_id),
        )
        .where(DeclarationMember.declaration_id == declaration_id)
        .order_by(Person.birth_date.nulls_last(), Person.last_name, Person.first_name)
    ).all()
    others = tuple(
        Member(f"{r.first_name} {r.last_name}", display_code(r.personal_code) or "", r.relation)
        for r in rows
        if r.id != applicant.id
    )
    return (applicant_member, *others)


def load_sheet(session: Session, decision_id: uuid.UUID, *, lock: bool = False) -> DecisionSheet:
    """Everything the document shows, read under the session's tenant; NotFound for another's decision.
    `lock` takes the decision's row for update (two renders of one decision then run one after the other)."""
    stmt = select(Decision).where(Decision.id == decision_id)
    if lock:
        stmt = stmt.with_for_update()
    decision = session.execute(stmt).scalar_one_or_none()
    if decision is None:
        raise NotFound(NO_SUCH_DECISION)
    application, grant = _origin(session, decision)
    applicant_id = application.applicant_id if application else grant.applicant_id if grant else None
    benefit_type_id = application.benefit_type_id if application else grant.benefit_type_id if grant else None
    if applicant_id is None or benefit_type_id is None:
        raise NotFound(NO_SUCH_DECISION)
    applicant = session.get(Person, (decision.tenant_id, applicant_id))
    benefit = session.get(BenefitType, (decision.tenant_id, benefit_type_id))
    tenant = session.get(Tenant, decision.tenant_id)
    officer = session.get(User, decision.decided_by)
    assert applicant is not None and benefit is not None and tenant is not None and officer is not None
    return DecisionSheet(
        decision_id=decision.id,
        tenant_id=decision.tenant_id,
        number=decision.number,
        decided_on=decision.decided_on,
        outcome=decision.outcome,
        reasons=decision.reasons,
        amount=decision.amount,
        valid_from=decision.valid_from,
        valid_to=decision.valid_to,
        municipality=tenant.name,
        applicant_id=applicant.id,
        applicant_name=f"{applicant.first_name} {applicant.last_name}",
        applicant_code=display_code(applicant.personal_code) or applicant.other_id or "",
        applicant_address=_address(session, applicant.id, decision.decided_on),
        members=_members(session, application.declaration_id if application else None, applicant),
        benefit_name=benefit.name_lv,
        benefit_kind=benefit.kind,
        frequency=benefit.frequency,
        legal_basis=benefit.legal_basis,
        explanation=lines_from_json(decision.explanation or []),
        officer_id=officer.id,
        officer_name=officer.full_name,
        application_number=application.number if application else None,
        application_received_on=application.received_on if application else None,
        case_id=application.case_id if application else None,
        document_id=decision.document_id,
    )


# --- the HTML ---------------------------------------------------------------------------------------------


_GENITIVE = {
    "novads": "novada",
    "valstspilsēta": "valstspilsētas",
    "pilsēta": "pilsētas",
    "pagasts": "pagasta",
}


def municipality_genitive(name: str) -> str:
    """ "Ādažu novads" → "Ādažu novada", "Rīgas valstspilsēta" → "Rīgas valstspilsētas": the form the
    name takes before "pašvaldība". A name of another shape is left as it is."""
    head, _, last = name.rpartition(" ")
    if last.lower() in _GENITIVE:
        return f"{head} {_GENITIVE[last.lower()]}".strip()
    return name


def _number(value: Any, language: str) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | Decimal):
        return format_number(value, language)
    try:
        return format_number(Decimal(str(value)), language)
    except (InvalidOperation, ValueError):
        return str(value)


def line_value(line: Line, language: str) -> str:
    """A line's value as read: money in euros, percentages, months, hectares, counts, coefficients."""
    value = line.value
    if value is None or value == "":
        return ""
    if isinstance(value, str) and line.unit not in ("EUR", "%", "ha", "coefficient", "months", ""):
        return value
    if line.unit == "EUR":
        return format_money(Decimal(str(value)), language)
    if line.unit == "%":
        return f"{_number(value, language)} %"
    if line.unit == "ha":
        return f"{_number(value, language)} ha"
    if line.unit == "months" and isinstance(value, int):
        return translations(language).ngettext("%(num)d month", "%(num)d months", value) % {"num": value}
    if isinstance(value, str) and not value.replace(".", "", 1).lstrip("-").isdigit():
        return translations(language).gettext(value)  # a short code, a msgid where it has one
    return _number(value, language)


def line_label(line: Line, language: str) -> str:
    """The translated label with its params filled in (numbers in the reader's format)."""
    text = translations(language).gettext(line.label)
    if not line.params:
        return text
    params = {
        k: _number(v, language) if isinstance(v, int | Decimal) and not isinstance(v, bool) else v
        for k, v in line.params.items()
    }
    try:
        return text % params
    except (KeyError, ValueError, TypeError):
        return text


@cache
def _environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "app" / "web" / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda value: format_day(value, language) if value else ""
    env.filters["money"] = lambda value: format_money(value, language) if value is not None else ""
    env.globals.update(
        line_label=lambda line: line_label(line, language),
        line_value=lambda line: line_value(line, language),
        font_faces=FONT_FACES,
        print_sans=PRINT_SANS,
        print_serif=PRINT_SERIF,
        relations=RELATIONS,
        outcomes=OUTCOMES,
        per_frequency=PER_FREQUENCY,
    )
    return env


def decision_html(sheet: DecisionSheet, language: str = "lv") -> str:
    template = _environment(language).get_template(TEMPLATE)
    return template.render(
        sheet=sheet,
        lang=language,
        authority=municipality_genitive(sheet.municipality),
        is_status=sheet.benefit_kind in ("needy_status", "low_income_status"),
    )
