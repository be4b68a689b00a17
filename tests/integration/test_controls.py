"""The data-control rules against real rows in two municipalities (migrated database, app role under RLS;
the cross-municipality rule through the maintenance role): what each rule finds and does not find, one
open alert per rule and record, an inbox item for the right worker (the heads of service as fallback),
resolution when the finding disappears, a failing rule leaving the others and its own alerts alone, and
the change-triggered runs debounced."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import ChangeLog
from app.db import sync_session_factory, sync_tenant_uow
from app.domains.controls import checks, rules
from app.domains.controls.models import ControlAlert, ControlRun
from app.domains.controls.service import RUN_DATA_CONTROLS, request_data_controls_sync
from app.notifications.inbox_models import InboxItem
from app.notifications.models import OutboxMessage
from tests.factories import controls as f
from tests.factories.staff import create_staff

TODAY = dt.date(2026, 11, 23)
D = dt.date


@pytest.fixture
def staff(rw_sessions, tenant_a, tenant_b) -> dict[str, uuid.UUID]:
    return {
        "worker": create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Līga Kalniņa"),
        "officer": create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, full_name="Inese Bērziņa"),
        "head": create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, full_name="Dace Kļaviņa"),
        "head_b": create_staff(rw_sessions, {tenant_b: ["head_of_service"]}, full_name="Ilze Pētersone"),
        "officer_b": create_staff(rw_sessions, {tenant_b: ["benefit_officer"]}, full_name="Jānis Vanags"),
    }


def alerts(rw_sessions, tenant: uuid.UUID, rule: str | None = None, *, open_only: bool = True) -> list[Any]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        stmt = select(ControlAlert)
        if rule:
            stmt = stmt.where(ControlAlert.rule == rule)
        if open_only:
            stmt = stmt.where(ControlAlert.resolved_at.is_(None))
        return list(s.scalars(stmt))


def inbox(rw_sessions, tenant: uuid.UUID, user: uuid.UUID) -> list[InboxItem]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        return list(s.scalars(select(InboxItem).where(InboxItem.user_id == user).order_by(InboxItem.id)))


# --- (a) benefit without the status it requires ------------------------------------------------------------


def test_benefit_paid_without_the_required_status(
    rw_sessions, maint_engine, tenant_a, tenant_b, staff
) -> None:
    needy_only = f.benefit_type(rw_sessions, tenant_a, requires_status="needy", name_lv="Ēdināšanas pabalsts")
    low_income = f.benefit_type(rw_sessions, tenant_a, requires_status="low_income")
    either = f.benefit_type(rw_sessions, tenant_a, requires_status="needy_or_low_income")
    plain = f.benefit_type(rw_sessions, tenant_a)
    officer, worker = staff["officer"], staff["worker"]

    def paid(person: uuid.UUID, benefit: uuid.UUID, **kw: Any) -> uuid.UUID:
        return f.grant(
            rw_sessions,
            tenant_a,
            person_id=person,
            benefit_type_id=benefit,
            officer=officer,
            valid_from=D(2026, 6, 1),
            valid_to=D(2026, 12, 31),
            **kw,
        )

    expired = f.person(rw_sessions, tenant_a, "Anna", "Liepiņa")
    f.status(
        rw_sessions,
        tenant_a,
        applicant_id=expired,
        officer=officer,
        valid_from=D(2026, 5, 1),
        valid_to=D(2026, 10, 31),
    )
    expired_case = f.case(
        rw_sessions, tenant_a, responsible=worker, person_id=expired, opened_on=D(2026, 10, 1)
    )
    g_expired = paid(expired, needy_only, case_id=expired_case)

    never = f.person(rw_sessions, tenant_a, "Pēteris", "Ozols")
    g_never = paid(never, either)

    # The status is the spouse's, on a declaration the grant's applicant is a member of: held.
    spouse, member = f.person(rw_sessions, tenant_a, "Ilze"), f.person(rw_sessions, tenant_a, "Juris")
    f.status(
        rw_sessions,
        tenant_a,
        applicant_id=spouse,
        officer=officer,
        valid_from=D(2026, 6, 1),
        valid_to=D(2026, 12, 31),
        members=(member,),
    )
    paid(member, needy_only)

    # A household member's status (the household of the grant, today) counts too.
    head, child = f.person(rw_sessions, tenant_a, "Ruta"), f.person(rw_sessions, tenant_a, "Toms")
    home = f.household(rw_sessions, tenant_a, [head, child], D(2020, 1, 1))
    f.status(
        rw_sessions,
        tenant_a,
        applicant_id=head,
        officer=officer,
        valid_from=D(2026, 6, 1),
        valid_to=D(2026, 12, 31),
    )
    paid(child, either, household_id=home)

    # A needy status does not meet a low-income requirement (the benefits domain's reading).
    needy = f.person(rw_sessions, tenant_a, "Zane")
    f.status(
        rw_sessions,
        tenant_a,
        applicant_id=needy,
        officer=officer,
        valid_from=D(2026, 6, 1),
        valid_to=D(2026, 12, 31),
    )
    g_low = paid(needy, low_income)

    stopped = f.person(rw_sessions, tenant_a, "Edgars")
    paid(stopped, needy_only, ended_on=D(2026, 11, 1))  # stopped by a decision: not paid any more
    paid(f.person(rw_sessions, tenant_a, "Baiba"), plain)  # requires nothing

    # The same situation in the other municipality is that municipality's alert only.
    other = f.person(rw_sessions, tenant_b, "Kārlis")
    g_b = f.grant(
        rw_sessions,
        tenant_b,
        person_id=other,
        benefit_type_id=f.benefit_type(rw_sessions, tenant_b, requires_status="needy"),
        officer=staff["officer_b"],
        valid_from=D(2026, 6, 1),
        valid_to=D(2026, 12, 31),
    )

    summary = f.run_rules(rw_sessions, maint_engine, tenant_a, TODAY)
    assert summary is not None and summary.failures == {}
    found = {a.record_id: a for a in alerts(rw_sessions, tenant_a, rules.GRANT_WITHOUT_STATUS)}
    assert set(found) == {g_expired, g_never, g_low}
    assert found[g_expired].details["status_end"] == "2026-10-31"
    assert found[g_expired].details["benefit"] == {"lv": "Ēdināšanas pabalsts", "en": "Housing benefit"}
    assert found[g_never].details["status_end"] is None
    assert found[g_expired].link == f"/persons/{expired}"
    # Told: the application's case worker, else the officer who decided.
    assert found[g_expired].responsible_user_id == worker
    assert found[g_never].responsible_user_id == officer
    titles = [i.title for i in inbox(rw_sessions, tenant_a, worker)]
    assert titles == [rules.alert_title(rules.GRANT_WITHOUT_STATUS, {"status_end": "2026-10-31"})]
    assert len(inbox(rw_sessions, tenant_a, officer)) == 2
    assert alerts(rw_sessions, tenant_b) == []  # B's data is B's run's business

    # Found again: nothing new, nobody told twice.
    again = f.run_rules(rw_sessions, maint_engine, tenant_a, TODAY)
    assert again is not None and (again.opened, again.kept, again.resolved) == (0, 3, 0)
    assert len(inbox(rw_sessions, tenant_a, officer)) == 2

    # The status renewed: the alert resolves itself, and that is logged.
    f.status(
        rw_sessions,
        tenant_a,
        applicant_id=expired,
        officer=officer,
        valid_from=D(2026, 11, 1),
        valid_to=D(2027, 4, 30),
    )
    third = f.run_rules(rw_sessions, maint_engine, tenant_a, TODAY)
    assert third is not None and third.resolved == 1
    assert {a.record_id for a in alerts(rw_sessions, tenant_a, rules.GRANT_WITHOUT_STATUS)} == {
        g_never,
        g_low,
    }
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = list(s.scalars(select(ChangeLog.action).where(ChangeLog.entity_type == "control_alert")))
    assert actions.count("controls:alert:open") == 3 and actions.count("controls:alert:resolve") == 1

    f.run_rules(rw_sessions, maint_engine, tenant_b, TODAY)
    assert [a.record_id for a in alerts(rw_sessions, tenant_b)] == [g_b]
    assert [i.user_id for i in inbox(rw_sessions, tenant_b, staff["officer_b"])] == [staff["officer_b"]]


# --- (b) one person in households of two municipalities ----------------------------------------------------


def test_household_member_in_two_municipalities(rw_sessions, maint_engine, tenant_a, tenant_b, staff) -> None:
    both, left_b, only_a = f.new_code(), f.new_code(), f.new_code()
    in_a = f.person(rw_sessions, tenant_a, "Māra", "Kalna", code=both)
    in_b = f.person(rw_sessions, tenant_b, "Māra", "Kalna", code=both)
    f.household(rw_sessions, tenant_a, [in_a], D(2025, 1, 1))
    f.household(rw_sessions, tenant_b, [in_b], D(2026, 3, 1))
    f.case(rw_sessions, tenant_a, responsible=staff["worker"], person_id=in_a, opened_on=D(2026, 10, 1))
    # Left the household in B before today: no longer in two at once.
    moved = f.person(rw_sessions, tenant_a, "Rūdolfs", code=left_b)
    f.household(rw_sessions, tenant_a, [moved], D(2025, 1, 1))
    with sync_tenant_uow(rw_sessions, tenant_b) as s:
        from app.domains.households.models import Household, HouseholdMember

        h = Household(tenant_id=tenant_b, label="Vecā")
        s.add(h)
        s.flush()
        gone = f.Person(
            tenant_id=tenant_b, personal_code=left_b, first_name="Rūdolfs", last_name="X", name_norm="x"
        )
        s.add(gone)
        s.flush()
        s.add(
            HouseholdMember(
                tenant_id=tenant_b,
                household_id=h.id,
                person_id=gone.id,
                role="head",
                joined_on=D(2024, 1, 1),
                left_on=D(2026, 6, 30),
            )
        )
    f.household(rw_sessions, tenant_a, [f.person(rw_sessions, tenant_a, code=only_a)], D(2025, 1, 1))

    f.run_rules(rw_sessions, maint_engine, tenant_a, TODAY)
    found = alerts(rw_sessions, tenant_a, rules.TWO_MUNICIPALITIES)
    assert [a.record_id for a in found] == [in_a]
    # Only the other municipality's name crosses over: no id, code or name of B's record.
    assert found[0].details == {"person": "Māra Kalna", "other": ["Bauskas novads"]}
    assert str(in_b) not in str(found[0].details)
    assert found[0].responsible_user_id == staff["worker"]
    assert [i.params["other"] for i in inbox(rw_sessions, tenant_a, staff["worker"])] == [["Bauskas novads"]]

    f.run_rules(rw_sessions, maint_engine, tenant_b, TODAY)
    found_b = alerts(rw_sessions, tenant_b, rules.TWO_MUNICIPALITIES)
    assert [(a.record_id, a.details["other"]) for a in found_b] == [(in_b, ["Ādažu novads"])]
    # Nobody responsible in B: its heads of service are told.
    assert found_b[0].responsible_user_id is None
    assert len(inbox(rw_sessions, tenant_b, staff["head_b"])) == 1

    # Without the cross-municipality connection the rule cannot run: recorded, and its alerts stay open.
    summary = f.run_rules(rw_sessions, None, tenant_a, TODAY)
    assert summary is not None and summary.failures[rules.TWO_MUNICIPALITIES].startswith("unavailable")
    assert [a.record_id for a in alerts(rw_sessions, tenant_a, rules.TWO_MUNICIPALITIES)] == [in_a]


# --- (c) the shared IBAN rule waits for payments ------------------------------------------------------------


def test_shared_iban_rule_is_registered_but_not_available(rw_sessions, maint_engine, tenant_a, staff) -> None:
    info = rules.RULES[rules.SHARED_IBAN]
    assert not info.available and info.unavailable_reason
    with pytest.raises(checks.RuleUnavailable):
        checks.shared_iban(None, None, TODAY)  # type: ignore[arg-type]
    summary = f.run_rules(rw_sessions, maint_engine, tenant_a, TODAY)
    assert summary is not None and rules.SHARED_IBAN not in summary.failures


# --- (d) residents' benefit, declared address elsewhere ----------------------------------------------------


def test_residents_benefit_with_the_declared_address_elsewhere(
    rw_sessions, maint_engine, tenant_a, staff
) -> None:
    code = f.free_atvk()  # "00tt000": the municipality; "00tt0xx": its towns and parishes
    f.set_tenant(maint_engine, tenant_a, atvk_code=code)
    residents = f.benefit_type(rw_sessions, tenant_a, residents_only=True)
    anyone = f.benefit_type(rw_sessions, tenant_a, residents_only=False)

    def paid(person: uuid.UUID, benefit: uuid.UUID = residents) -> uuid.UUID:
        return f.grant(
            rw_sessions,
            tenant_a,
            person_id=person,
            benefit_type_id=benefit,
            officer=staff["officer"],
            valid_from=D(2026, 1, 1),
            valid_to=D(2026, 12, 31),
        )

    paid(f.person(rw_sessions, tenant_a, "Iekšā", atvk=code[:4] + "010"))  # a parish of the municipality
    paid(f.person(rw_sessions, tenant_a, "Centrs", atvk=code))
    outside = paid(f.person(rw_sessions, tenant_a, "Ārā", "Projām", atvk="0001000"))
    paid(f.person(rw_sessions, tenant_a, "Bezadreses"))  # no declared address: nothing can be told
    paid(f.person(rw_sessions, tenant_a, "Citur", atvk="0001000"), anyone)  # not a residents' benefit

    f.run_rules(rw_sessions, maint_engine, tenant_a, TODAY)
    found = alerts(rw_sessions, tenant_a, rules.RESIDENT_BENEFIT_OUTSIDE)
    assert [a.record_id for a in found] == [outside]
    assert found[0].details["atvk"] == "0001000" and found[0].details["person"] == "Ārā Projām"


# --- (e) a case without activity ---------------------------------------------------------------------------


def test_case_without_activity_for_the_set_months(rw_sessions, maint_engine, make_tenant) -> None:
    tenant = make_tenant("Cēsu novads")
    worker = create_staff(rw_sessions, {tenant: ["social_worker"]})
    head = create_staff(rw_sessions, {tenant: ["head_of_service"]})
    gone = create_staff(rw_sessions, {tenant: ["social_worker"]})
    client = f.person(rw_sessions, tenant)
    quiet = f.case(rw_sessions, tenant, responsible=worker, person_id=client, opened_on=D(2026, 3, 1))
    stale = f.case(
        rw_sessions,
        tenant,
        responsible=worker,
        person_id=client,
        opened_on=D(2025, 1, 10),
        entries=((D(2026, 5, 22), worker),),
    )
    f.case(
        rw_sessions,
        tenant,
        responsible=worker,
        person_id=client,
        opened_on=D(2025, 1, 10),
        entries=((D(2025, 2, 1), worker), (D(2026, 9, 1), worker)),
    )
    f.case(
        rw_sessions,
        tenant,
        responsible=worker,
        person_id=client,
        opened_on=D(2024, 1, 1),
        closed_on=D(2024, 6, 1),
    )
    orphan = f.case(rw_sessions, tenant, responsible=gone, person_id=client, opened_on=D(2025, 1, 1))
    with sync_tenant_uow(rw_sessions, tenant) as s:  # the worker left the municipality
        from app.auth.models import Membership

        s.execute(Membership.__table__.delete().where(Membership.user_id == gone))

    f.run_rules(rw_sessions, maint_engine, tenant, TODAY)
    found = {a.record_id: a for a in alerts(rw_sessions, tenant, rules.INACTIVE_CASE)}
    assert set(found) == {quiet, stale, orphan}
    assert found[stale].details["last_activity"] == "2026-05-22" and found[stale].details["months"] == 6
    assert found[quiet].details["last_activity"] is None and found[quiet].link == f"/cases/{quiet}"
    assert found[orphan].responsible_user_id is None
    assert len(inbox(rw_sessions, tenant, worker)) == 2
    assert [i.link for i in inbox(rw_sessions, tenant, head)] == [f"/cases/{orphan}"]

    # A municipality that allows 12 months: only the case quiet since January 2025 is left; the others close.
    f.set_tenant(maint_engine, tenant, settings={rules.INACTIVE_CASE_MONTHS: 12})
    f.run_rules(rw_sessions, maint_engine, tenant, TODAY)
    assert {a.record_id for a in alerts(rw_sessions, tenant, rules.INACTIVE_CASE)} == {orphan}


# --- the framework -----------------------------------------------------------------------------------------


def test_a_failing_rule_leaves_the_others_and_its_own_alerts(
    rw_sessions, maint_engine, make_tenant, monkeypatch
) -> None:
    tenant = make_tenant("Valmieras novads")
    worker = create_staff(rw_sessions, {tenant: ["social_worker"]})
    f.case(
        rw_sessions,
        tenant,
        responsible=worker,
        person_id=f.person(rw_sessions, tenant),
        opened_on=D(2025, 1, 1),
    )
    f.run_rules(rw_sessions, maint_engine, tenant, TODAY)
    assert len(alerts(rw_sessions, tenant, rules.INACTIVE_CASE)) == 1

    def broken(*args: Any) -> list[rules.Hit]:
        raise ValueError("boom")

    monkeypatch.setitem(checks.CHECKS, rules.INACTIVE_CASE, broken)
    monkeypatch.setitem(checks.CHECKS, rules.GRANT_WITHOUT_STATUS, broken)
    summary = f.run_rules(rw_sessions, maint_engine, tenant, TODAY)
    assert summary is not None and summary.resolved == 0
    assert summary.failures[rules.INACTIVE_CASE] == "ValueError: boom"
    assert rules.RESIDENT_BENEFIT_OUTSIDE not in summary.failures
    assert len(alerts(rw_sessions, tenant, rules.INACTIVE_CASE)) == 1  # not resolved by a rule that failed
    with sync_tenant_uow(rw_sessions, tenant) as s:
        runs = list(s.scalars(select(ControlRun).order_by(ControlRun.started_at)))
    assert [r.opened for r in runs] == [1, 0] and set(runs[1].failures) >= {rules.INACTIVE_CASE}


def test_change_requests_are_debounced(rw_sessions, settings, maint_engine, make_tenant) -> None:
    from workers.actors.controls import run_data_controls
    from workers.deps import WorkerDeps

    tenant = make_tenant("Siguldas novads")
    with sync_tenant_uow(rw_sessions, tenant) as s:
        assert request_data_controls_sync(s) is True
        assert request_data_controls_sync(s) is False  # one waiting is enough
    with sync_tenant_uow(rw_sessions, tenant) as s:
        assert request_data_controls_sync(s) is False  # still waiting to be dispatched
        pending = list(s.scalars(select(OutboxMessage).where(OutboxMessage.actor == RUN_DATA_CONTROLS)))
    assert len(pending) == 1

    deps = WorkerDeps(settings=settings, sessions=rw_sessions, mailer=None)  # type: ignore[arg-type]
    cross = sync_session_factory(maint_engine)

    def deliver(message_id: uuid.UUID) -> str:
        return run_data_controls(
            deps, cross, tenant_id=str(tenant), message_id=str(message_id), payload={}, today=TODAY
        )

    first = pending[0].id
    assert deliver(first) == "ran"
    assert deliver(first) == "duplicate"  # the same outbox message again (a redelivery)
    # A message sent before a run started is covered by that run: a run now, then a stale message.
    stale = uuid.uuid4()
    with sync_tenant_uow(rw_sessions, tenant) as s:
        s.execute(
            ControlRun.__table__.insert().values(
                tenant_id=tenant,
                id=uuid.uuid4(),
                trigger="schedule",
                started_at=func.now() + dt.timedelta(minutes=5),
            )
        )
    assert deliver(stale) == "skipped"
    with sync_tenant_uow(rw_sessions, tenant) as s:
        assert (
            s.scalar(select(func.count()).select_from(ControlRun).where(ControlRun.trigger == "change")) == 1
        )
