"""Benefit rows inserted through the models (not through the deciding service): a catalogue entry, a
declaration with its members, an application, a decision, a grant, a status. For the tests of what reads
decisions — the PDF, the cross-municipality check, the status hand-over."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.assistance.explain import Line
from app.domains.assistance.models import AssistanceStatus, Declaration, DeclarationMember
from app.domains.benefits.models import Application, BenefitGrant, BenefitType, Decision
from app.ids import uuid7
from tests.factories.people import insert_persons

_serial = itertools.count(1)

GMI_LINES = [
    Line("GMI threshold for the first person", Decimal("200.00"), "EUR", "SPSPL 33. p. 2. d."),
    Line(
        "GMI threshold for each other person (%(n)s)",
        Decimal("140.00"),
        "EUR",
        "SPSPL 33. p. 2. d.",
        {"n": 2},
    ),
    Line("Household's total income", Decimal("143.00"), "EUR", "MK 809, 14. p."),
    Line("Benefit per month", Decimal("337.00"), "EUR", "SPSPL 33. p. 3. d."),
    Line("Period", 3, "months", "SPSPL 33. p. 4. d."),
]


def _number(prefix: str) -> str:
    return f"{prefix}-2026/{next(_serial):05d}"


def benefit_type(s: Session, tenant_id: uuid.UUID, **fields: Any) -> BenefitType:
    values: dict[str, Any] = {
        "code": f"B{next(_serial)}",
        "name_lv": "Garantētā minimālā ienākuma pabalsts",
        "name_en": "Guaranteed minimum income benefit",
        "kind": "gmi",
        "legal_basis": "Sociālo pakalpojumu un sociālās palīdzības likuma 33. pants; MK 809",
        "valid_from": dt.date(2023, 1, 1),
        "amount_rule": "formula",
        "frequency": "monthly",
    }
    values.update(fields)
    row = BenefitType(tenant_id=tenant_id, **values)
    s.add(row)
    s.flush()
    return row


@dataclass
class Household:
    applicant_id: uuid.UUID
    member_ids: list[uuid.UUID] = field(default_factory=list)
    declaration_id: uuid.UUID | None = None


def household(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    people: list[dict[str, Any]],
    *,
    declared_on: dt.date = dt.date(2026, 11, 2),
    declaration: bool = True,
) -> Household:
    """Persons (the first is the applicant) and, with `declaration`, a submitted declaration naming them."""
    ids = insert_persons(sessions, tenant_id, people)
    result = Household(applicant_id=ids[0], member_ids=ids)
    if not declaration:
        return result
    relations = ["applicant", "spouse", "child", "child", "parent", "other"]
    with sync_tenant_uow(sessions, tenant_id) as s:
        row = Declaration(
            tenant_id=tenant_id,
            number=_number("D"),
            applicant_id=ids[0],
            declared_on=declared_on,
            status="submitted",
            created_by=user_id,
        )
        s.add(row)
        s.flush()
        for i, person_id in enumerate(ids):
            s.add(
                DeclarationMember(
                    tenant_id=tenant_id,
                    declaration_id=row.id,
                    person_id=person_id,
                    relation=relations[min(i, len(relations) - 1)],
                    social_status="unemployed",
                )
            )
        result.declaration_id = row.id
    return result


def decided_application(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    home: Household,
    *,
    kind: str = "gmi",
    outcome: str = "granted",
    amount: Decimal | None = Decimal("337.00"),
    valid_from: dt.date | None = dt.date(2026, 12, 1),
    valid_to: dt.date | None = dt.date(2027, 2, 28),
    lines: list[Line] | None = None,
    case_id: uuid.UUID | None = None,
    benefit_fields: dict[str, Any] | None = None,
    grant: bool = True,
    reasons: str = "Mājsaimniecības ienākumi nepārsniedz garantētā minimālā ienākuma slieksni.",
) -> dict[str, Any]:
    """A catalogue entry, an application on the household's declaration, its decision, and (for a grant
    of a benefit) the grant it made. Returns their ids and numbers."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        benefit = benefit_type(s, tenant_id, kind=kind, **(benefit_fields or {}))
        application = Application(
            tenant_id=tenant_id,
            number=_number("PA"),
            applicant_id=home.applicant_id,
            declaration_id=home.declaration_id,
            benefit_type_id=benefit.id,
            case_id=case_id,
            received_on=dt.date(2026, 11, 2),
            status="decided",
            created_by=user_id,
        )
        s.add(application)
        s.flush()
        explanation = [line.as_json() for line in (GMI_LINES if lines is None else lines)]
        decision = Decision(
            tenant_id=tenant_id,
            number=_number("LEM"),
            application_id=application.id,
            outcome=outcome,
            reasons=reasons,
            amount=amount,
            valid_from=valid_from,
            valid_to=valid_to,
            decided_on=dt.date(2026, 11, 16),
            decided_by=user_id,
            explanation=explanation,
        )
        s.add(decision)
        s.flush()
        grant_id = None
        if grant and outcome in ("granted", "partly_granted") and valid_from and valid_to:
            if kind in ("needy_status", "low_income_status"):
                assert home.declaration_id is not None
                status = AssistanceStatus(
                    tenant_id=tenant_id,
                    kind="needy" if kind == "needy_status" else "low_income",
                    applicant_id=home.applicant_id,
                    declaration_id=home.declaration_id,
                    decision_id=decision.id,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
                s.add(status)
                s.flush()
                grant_id = status.id
            else:
                row = BenefitGrant(
                    tenant_id=tenant_id,
                    id=uuid7(),
                    decision_id=decision.id,
                    benefit_type_id=benefit.id,
                    applicant_id=home.applicant_id,
                    amount=amount or Decimal("0"),
                    valid_from=valid_from,
                    valid_to=valid_to,
                    payment_channel="client",
                )
                s.add(row)
                s.flush()
                grant_id = row.id
        return {
            "benefit_type_id": benefit.id,
            "benefit_name": benefit.name_lv,
            "application_id": application.id,
            "application_number": application.number,
            "decision_id": decision.id,
            "decision_number": decision.number,
            "grant_id": grant_id,
        }
