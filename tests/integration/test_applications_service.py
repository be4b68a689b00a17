"""Applications, assessments and decisions against the real database (built by the migrations, as app_rw
under RLS): a household's declaration taken to GMI and housing-benefit decisions; statuses; changing and
stopping a grant only by a decision; and every refusal leaving nothing behind."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.assistance.assessment import assess_declaration
from app.domains.assistance.models import AssistanceStatus
from app.domains.benefits import rules
from app.domains.benefits.models import Application, BenefitGrant, Decision
from app.domains.benefits.service import (
    NEEDS_DECLARATION,
    NOT_HOUSEHOLD_DECLARATION,
    assess_application,
    create_application,
)
from app.domains.benefits.service_decisions import PeriodClash, decide_application
from app.domains.benefits.service_grants import change_grant, end_status, stop_grant
from app.errors import Conflict, Forbidden, InvalidInput
from app.notifications.models import OutboxMessage
from tests.factories.applications import Member, catalogue, officer, submitted_declaration
from tests.factories.cases import run_act
from tests.factories.households import add_household, add_person
from tests.factories.people import actor_for

D = dt.date
TODAY = D(2026, 3, 10)
DECLARED = D(2026, 3, 2)


@pytest.fixture
def ground(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, Any]:
    """Jānis (unemployed) and Anna (wages 100 a month) in one household, their submitted declaration with
    housing costs, the default catalogue, a benefit officer and a social worker."""
    janis = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš", D(1980, 4, 12))
    anna = add_person(rw_sessions, tenant_a, "Anna", "Bērziņa", D(1983, 9, 1))
    household = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [(janis, "head", D(2020, 1, 1), None), (anna, "spouse", D(2020, 1, 1), None)],
    )
    decider = officer(rw_sessions, tenant_a)
    worker = officer(rw_sessions, tenant_a, "social_worker")
    declaration = submitted_declaration(
        rw_sessions,
        tenant_a,
        decider,
        [Member(janis), Member(anna, "spouse", "employed", 42, wages=Decimal("100.00"))],
        declared_on=DECLARED,
        household_id=household,
        housing=[("rent", Decimal("120.00")), ("electricity", Decimal("30.00"))],
    )
    return {
        "janis": janis,
        "anna": anna,
        "household": household,
        "declaration": declaration,
        "codes": catalogue(rw_sessions, tenant_a),
        "officer": actor_for(tenant_a, "benefit_officer", user_id=decider),
        "worker": actor_for(tenant_a, "social_worker", user_id=worker),
    }


def act(settings: Any, tenant: uuid.UUID, fn: Any) -> Any:
    return run_act(settings, tenant, fn)


def count(sessions: sessionmaker[Session], tenant: uuid.UUID, model: Any, *where: Any) -> int:
    with sync_tenant_uow(sessions, tenant) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def row(sessions: sessionmaker[Session], tenant: uuid.UUID, model: Any, *where: Any) -> Any:
    with sync_tenant_uow(sessions, tenant) as s:
        found = s.scalars(select(model).where(*where)).all()
        s.expunge_all()
        return found


def apply(settings: Any, tenant: uuid.UUID, g: dict[str, Any], code: str, **extra: Any) -> Application:
    values: dict[str, Any] = {
        "applicant_id": g["janis"],
        "benefit_type_id": g["codes"][code],
        "received_on": D(2026, 3, 5),
        "declaration_id": g["declaration"],
        "today": TODAY,
    }
    values.update(extra)
    return act(settings, tenant, lambda s: create_application(s, g["officer"], **values))


def assessed(settings: Any, tenant: uuid.UUID, g: dict[str, Any], code: str, **extra: Any) -> Application:
    application = apply(settings, tenant, g, code, **extra)
    return act(settings, tenant, lambda s: assess_application(s, g["officer"], application.id))


def decide(settings: Any, tenant: uuid.UUID, actor: Any, application: Application, **given: Any) -> Decision:
    values: dict[str, Any] = {
        "outcome": "granted",
        "amount": None,
        "valid_from": D(2026, 3, 5),
        "valid_to": None,
        "reasons": "Ienākumi nepārsniedz GMI slieksni.",
        "expected_version": application.version,
        "today": TODAY,
    }
    values.update(given)
    return act(settings, tenant, lambda s: decide_application(s, actor, application.id, **values))


def change(
    settings: Any, tenant: uuid.UUID, actor: Any, grant_id: uuid.UUID, day: dt.date, amount: Decimal
) -> Any:
    return act(
        settings,
        tenant,
        lambda s: change_grant(
            s, actor, grant_id, from_date=day, new_amount=amount, reasons="Ienākumi mainījās.", today=TODAY
        ),
    )


def stop(settings: Any, tenant: uuid.UUID, actor: Any, grant_id: uuid.UUID, day: dt.date) -> Any:
    return act(
        settings,
        tenant,
        lambda s: stop_grant(s, actor, grant_id, from_date=day, reasons="Izbrauca.", today=TODAY),
    )


def end(settings: Any, tenant: uuid.UUID, actor: Any, status_id: uuid.UUID, day: dt.date) -> Any:
    return act(
        settings,
        tenant,
        lambda s: end_status(s, actor, status_id, from_date=day, reasons="Mainījās.", today=TODAY),
    )


# --- receiving ----------------------------------------------------------------------------------------------


def test_an_application_is_numbered_and_audited(settings, rw_sessions, tenant_a, ground) -> None:
    application = apply(settings, tenant_a, ground, "GMI", channel="post", note="  Iesniegts pa pastu ")
    assert application.number == "PA-2026/00001" and application.status == "received"
    assert application.household_id == ground["household"] and application.note == "Iesniegts pa pastu"
    [created] = row(rw_sessions, tenant_a, ChangeLog, ChangeLog.action == "assistance:application:create")
    assert created.entity_id == application.id and created.after["number"] == "PA-2026/00001"
    assert apply(settings, tenant_a, ground, "KRIZE", declaration_id=None).number == "PA-2026/00002"


def test_a_means_tested_benefit_needs_the_households_submitted_declaration(
    settings, rw_sessions, tenant_a, ground
) -> None:
    with pytest.raises(InvalidInput) as missing:
        apply(settings, tenant_a, ground, "GMI", declaration_id=None)
    assert missing.value.errors == {"declaration_id": [NEEDS_DECLARATION]}
    draft = submitted_declaration(
        rw_sessions,
        tenant_a,
        ground["officer"].user_id,
        [Member(ground["janis"])],
        declared_on=DECLARED,
        status="draft",
    )
    stranger = add_person(rw_sessions, tenant_a, "Pēteris", "Ozols", D(1975, 5, 5))
    foreign = submitted_declaration(
        rw_sessions, tenant_a, ground["officer"].user_id, [Member(stranger)], declared_on=DECLARED
    )
    for declaration_id in (draft, foreign):
        with pytest.raises(InvalidInput) as wrong:
            apply(settings, tenant_a, ground, "GMI", declaration_id=declaration_id)
        assert wrong.value.errors == {"declaration_id": [NOT_HOUSEHOLD_DECLARATION]}
    with pytest.raises(InvalidInput) as early:  # the crisis benefit is in force from 2025
        apply(settings, tenant_a, ground, "KRIZE", declaration_id=None, received_on=D(2024, 6, 1))
    assert list(early.value.errors) == ["benefit_type_id"]
    assert count(rw_sessions, tenant_a, Application) == 0


def test_receiving_needs_the_create_permission(settings, tenant_a, ground) -> None:
    reader = actor_for(tenant_a, "auditor")
    with pytest.raises(Forbidden):
        act(settings, tenant_a, lambda s: create_application(s, reader, applicant_id=ground["janis"],
            benefit_type_id=ground["codes"]["KRIZE"], received_on=D(2026, 3, 5), today=TODAY))  # fmt: skip


# --- GMI and housing benefit --------------------------------------------------------------------------------


def test_gmi_from_declaration_to_decision(settings, rw_sessions, tenant_a, ground) -> None:
    application = assessed(settings, tenant_a, ground, "GMI")
    # 2026: 187 for the first person + 131 for the other − 100 of wages = 218 (domain brief §1.2–1.3).
    assert application.assessed_amount == Decimal("218.00") and application.assessed_eligible is True
    expected = act(settings, tenant_a, lambda s: assess_declaration(s, ground["declaration"], "gmi"))
    assert application.explanation == expected.as_json()
    assert application.assessed_period_months == expected.period_months == 3

    decision = decide(settings, tenant_a, ground["officer"], application)
    assert decision.number == "LEM-2026/00001" and decision.outcome == "granted"
    assert (decision.valid_from, decision.valid_to) == (D(2026, 3, 5), D(2026, 6, 4))
    [grant] = row(rw_sessions, tenant_a, BenefitGrant)
    assert grant.amount == Decimal("218.00") and grant.decision_id == decision.id
    assert (grant.household_id, grant.applicant_id) == (ground["household"], ground["janis"])
    assert decision.grant_id == grant.id
    [stored] = row(rw_sessions, tenant_a, Application, Application.id == application.id)
    assert stored.status == "decided"
    [queued] = row(rw_sessions, tenant_a, OutboxMessage, OutboxMessage.actor == "render_decision_pdf")
    assert queued.payload == {"decision_id": str(decision.id)}
    actions = {c.action for c in row(rw_sessions, tenant_a, ChangeLog)}
    assert {
        "assistance:decision:register",
        "assistance:grant:create",
        "assistance:application:assess",
    } <= actions


def test_housing_benefit_partly_granted(settings, rw_sessions, tenant_a, ground) -> None:
    application = assessed(settings, tenant_a, ground, "MP")
    expected = act(settings, tenant_a, lambda s: assess_declaration(s, ground["declaration"], "housing"))
    assert application.assessed_amount == expected.amount and expected.amount > 0
    lower = application.assessed_amount - Decimal("10.00")
    with pytest.raises(InvalidInput) as above:
        decide(settings, tenant_a, ground["officer"], application, outcome="partly_granted",
               amount=application.assessed_amount + 1, valid_to=D(2026, 5, 31))  # fmt: skip
    assert above.value.errors == {"amount": [rules.PARTLY_BELOW]}
    decision = decide(
        settings,
        tenant_a,
        ground["officer"],
        application,
        outcome="partly_granted",
        amount=lower,
        valid_to=D(2026, 5, 31),
    )
    [grant] = row(rw_sessions, tenant_a, BenefitGrant)
    assert decision.outcome == "partly_granted" and grant.amount == lower
    assert (grant.valid_from, grant.valid_to) == (D(2026, 3, 5), D(2026, 5, 31))


# --- bad input: nothing saved -------------------------------------------------------------------------------


def nothing_decided(sessions: sessionmaker[Session], tenant: uuid.UUID, application: Application) -> None:
    assert count(sessions, tenant, Decision) == 0 and count(sessions, tenant, BenefitGrant) == 0
    assert count(sessions, tenant, OutboxMessage, OutboxMessage.actor == "render_decision_pdf") == 0
    [stored] = row(sessions, tenant, Application, Application.id == application.id)
    assert stored.status == "assessed" and stored.version == application.version


def test_a_decision_without_reasons_saves_nothing(settings, rw_sessions, tenant_a, ground) -> None:
    application = assessed(settings, tenant_a, ground, "GMI")
    with pytest.raises(InvalidInput) as refused:
        decide(settings, tenant_a, ground["officer"], application, reasons="  \n ")
    assert refused.value.errors == {"reasons": [rules.NO_REASONS]}
    nothing_decided(rw_sessions, tenant_a, application)


def test_deciding_without_permission_stale_or_twice(settings, rw_sessions, tenant_a, ground) -> None:
    application = assessed(settings, tenant_a, ground, "GMI")
    with pytest.raises(Forbidden):
        decide(settings, tenant_a, ground["worker"], application)
    with pytest.raises(Conflict):
        decide(settings, tenant_a, ground["officer"], application, expected_version=application.version - 1)
    nothing_decided(rw_sessions, tenant_a, application)
    decide(settings, tenant_a, ground["officer"], application)
    with pytest.raises(Conflict) as twice:
        decide(settings, tenant_a, ground["officer"], application, expected_version=None)
    assert "already decided" in twice.value.detail
    assert count(rw_sessions, tenant_a, Decision) == 1


def test_an_overlapping_period_for_another_member_is_refused(settings, rw_sessions, tenant_a, ground) -> None:
    first = assessed(settings, tenant_a, ground, "GMI")
    decide(settings, tenant_a, ground["officer"], first)
    # Anna applies for the same household on the same declaration: the periods would overlap.
    second = assessed(settings, tenant_a, ground, "GMI", applicant_id=ground["anna"])
    with pytest.raises(PeriodClash) as clash:
        decide(settings, tenant_a, ground["officer"], second, valid_from=D(2026, 6, 1))
    assert clash.value.existing.period.valid_from == D(2026, 3, 5)
    assert clash.value.existing.period.valid_to == D(2026, 6, 4)
    assert count(rw_sessions, tenant_a, Decision) == 1 and count(rw_sessions, tenant_a, BenefitGrant) == 1
    decide(settings, tenant_a, ground["officer"], second, valid_from=D(2026, 6, 5))  # right after: fine
    assert count(rw_sessions, tenant_a, BenefitGrant) == 2


# --- statuses and status requirements -----------------------------------------------------------------------


def test_needy_status_and_a_benefit_that_requires_it(settings, rw_sessions, tenant_a, ground) -> None:
    health = assessed(
        settings, tenant_a, ground, "VESEL", declaration_id=None, requested_amount=Decimal("80.00")
    )
    assert health.assessed_eligible is False
    assert any("no valid needy or low-income status" in line["label"] for line in health.explanation)

    status_application = assessed(settings, tenant_a, ground, "TRUC")
    assert status_application.assessed_eligible is True and status_application.assessed_period_months
    decision = decide(settings, tenant_a, ground["officer"], status_application)
    [status] = row(rw_sessions, tenant_a, AssistanceStatus)
    assert status.kind == "needy" and status.decision_id == decision.id and status.valid_from == D(2026, 3, 5)
    assert decision.amount is None

    again = assessed(settings, tenant_a, ground, "MAZN")
    with pytest.raises(PeriodClash) as clash:  # one status at a time
        decide(settings, tenant_a, ground["officer"], again)
    assert clash.value.existing.kind == "needy"

    health = act(settings, tenant_a, lambda s: assess_application(s, ground["officer"], health.id))
    assert health.assessed_eligible is True and health.assessed_amount == Decimal("80.00")


def test_yearly_cap_is_kept_at_decision_time(settings, rw_sessions, tenant_a, ground) -> None:
    decide(settings, tenant_a, ground["officer"], assessed(settings, tenant_a, ground, "TRUC"))
    first = assessed(
        settings, tenant_a, ground, "VESEL", declaration_id=None, requested_amount=Decimal("100.00")
    )
    second = assessed(
        settings, tenant_a, ground, "VESEL", declaration_id=None, requested_amount=Decimal("100.00")
    )
    assert first.assessed_amount == second.assessed_amount == Decimal("100.00")
    decide(settings, tenant_a, ground["officer"], first, valid_from=D(2026, 3, 6))
    with pytest.raises(InvalidInput) as capped:  # 150 a year: 50 left
        decide(settings, tenant_a, ground["officer"], second, valid_from=D(2026, 3, 9))
    assert capped.value.errors == {
        "amount": ["This amount would go over the benefit's yearly limit for the household."]
    }
    decision = decide(settings, tenant_a, ground["officer"], second, valid_from=D(2026, 3, 9),
                      outcome="partly_granted", amount=Decimal("50.00"))  # fmt: skip
    assert (decision.valid_from, decision.valid_to) == (D(2026, 3, 9), D(2026, 3, 9))  # a single payment


# --- changing and stopping ----------------------------------------------------------------------------------


def test_reducing_and_stopping_a_grant_only_by_decisions(settings, rw_sessions, tenant_a, ground) -> None:
    decide(settings, tenant_a, ground["officer"], assessed(settings, tenant_a, ground, "GMI"))
    [grant] = row(rw_sessions, tenant_a, BenefitGrant)
    with pytest.raises(InvalidInput) as higher:
        change(settings, tenant_a, ground["officer"], grant.id, D(2026, 4, 1), Decimal("300.00"))
    assert higher.value.errors == {"new_amount": [rules.ONLY_LOWER]}
    with pytest.raises(Forbidden):
        stop(settings, tenant_a, ground["worker"], grant.id, D(2026, 4, 1))

    changed = change(settings, tenant_a, ground["officer"], grant.id, D(2026, 4, 1), Decimal("150.00"))
    assert (
        changed.outcome == "changed" and changed.grant_id == grant.id and changed.number == "LEM-2026/00002"
    )
    old, new = sorted(row(rw_sessions, tenant_a, BenefitGrant), key=lambda g: g.valid_from)
    assert (
        old.amount == Decimal("218.00")
        and old.ended_on == D(2026, 3, 31)
        and old.ended_by_decision_id == changed.id
    )
    assert new.amount == Decimal("150.00") and (new.valid_from, new.valid_to) == (
        D(2026, 4, 1),
        D(2026, 6, 4),
    )
    assert new.decision_id == changed.id and changed.application_id is not None

    with pytest.raises(Conflict):  # the old grant was ended by the change
        stop(settings, tenant_a, ground["officer"], old.id, D(2026, 5, 1))
    with pytest.raises(InvalidInput) as outside:
        stop(settings, tenant_a, ground["officer"], new.id, D(2026, 7, 1))
    assert outside.value.errors == {"from_date": [rules.DAY_OUTSIDE_GRANT]}
    stopped = stop(settings, tenant_a, ground["officer"], new.id, D(2026, 5, 1))
    [ended] = row(rw_sessions, tenant_a, BenefitGrant, BenefitGrant.id == new.id)
    assert (
        stopped.outcome == "stopped"
        and ended.ended_on == D(2026, 4, 30)
        and ended.ended_by_decision_id == stopped.id
    )
    assert count(rw_sessions, tenant_a, OutboxMessage, OutboxMessage.actor == "render_decision_pdf") == 3
    assert count(rw_sessions, tenant_a, ChangeLog, ChangeLog.action == "assistance:grant:end") == 2


def test_ending_a_status(settings, rw_sessions, tenant_a, ground) -> None:
    decide(settings, tenant_a, ground["officer"], assessed(settings, tenant_a, ground, "TRUC"))
    [status] = row(rw_sessions, tenant_a, AssistanceStatus)
    with pytest.raises(InvalidInput):
        end(settings, tenant_a, ground["officer"], status.id, status.valid_from)
    decision = end(settings, tenant_a, ground["officer"], status.id, D(2026, 4, 1))
    [ended] = row(rw_sessions, tenant_a, AssistanceStatus)
    assert ended.valid_to == D(2026, 3, 31) and ended.ended_by_decision_id == decision.id
    assert decision.outcome == "stopped"


def test_another_municipality_sees_nothing(settings, tenant_a, tenant_b, ground) -> None:
    application = assessed(settings, tenant_a, ground, "GMI")
    stranger = actor_for(tenant_b, "benefit_officer", user_id=ground["officer"].user_id)
    with pytest.raises(Exception) as hidden:
        act(settings, tenant_b, lambda s: assess_application(s, stranger, application.id))
    assert type(hidden.value).__name__ == "NotFound"
