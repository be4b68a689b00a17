"""The assistant service (MK 316) against the real database (migrated, app_rw under RLS): an adult's request
assessed by purpose and intensity, decided for the disability period within 3 years, assistants added and
ended, monthly reports within the hours granted, accepted with the pay; a child's request, a refusal,
overlapping grants, stale versions, permissions, and another municipality seeing nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.domains.services import assistant_rules as rules
from app.domains.services.assistant import (
    DECIDED,
    END_TOO_LATE,
    NO_BIRTH_DATE,
    NOT_ELIGIBLE,
    OVERLAP,
    REASONS_NEEDED,
    REQUEST_OPEN,
    STALE,
    START_BEFORE_REQUEST,
    assess_request,
    decide_request,
    request_service,
)
from app.domains.services.assistant_models import Assistant, AssistantReport
from app.domains.services.assistant_queries import grant_card, grant_list
from app.domains.services.assistant_work import (
    DUPLICATE_MONTH,
    END_NEEDED,
    MONTH_NEEDED,
    NAME_NEEDED,
    NO_RATE,
    NOT_ACTIVE,
    NOT_GRANTED,
    OWN_ASSISTANT,
    REPORT_DECIDED,
    REPORTED_AFTER,
    accept_report,
    add_assistant,
    end_assistant,
    record_report,
    reject_report,
)
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.factories.assistant_service import add_disability, assign, granted
from tests.factories.households import add_person, person_code
from tests.factories.people import actor_for, run_act, unique_code
from tests.factories.staff import create_staff
from tests.security.test_tenancy import TENANT_TABLES

D = Decimal
TODAY = dt.date(2026, 4, 15)
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


@pytest.fixture
def ground(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, Any]:
    worker = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Ilze Kalniņa")
    adult = add_person(rw_sessions, tenant_a, "Roberts", "Ozols", dt.date(1990, 5, 5))
    add_disability(rw_sessions, tenant_a, adult, "II", dt.date(2024, 1, 1), dt.date(2027, 12, 31))
    return {"worker": actor_for(tenant_a, "social_worker", user_id=worker), "adult": adult}


def act(settings: Any, tenant: uuid.UUID, fn: Any) -> Any:
    return run_act(settings, tenant, fn)


def refused_with(settings: Any, tenant: uuid.UUID, fn: Any) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as refused:
        run_act(settings, tenant, fn)
    return refused.value.errors


def test_an_adults_request_from_the_assessment_to_the_months_pay(
    settings, rw_sessions, tenant_a, ground
) -> None:
    worker, adult = ground["worker"], ground["adult"]

    def request(s: Any) -> Any:
        return request_service(
            s,
            worker,
            person_id=adult,
            requested_on=dt.date(2026, 3, 2),
            purposes=["work", "volunteering"],
            higher_intensity=True,
            limitation=True,
            today=TODAY,
        )

    grant = act(settings, tenant_a, request)
    assert (grant.number, grant.status, grant.assessed_hours) == ("AP-2026/00001", "requested", D(160))
    assert (grant.age, grant.disability_group, grant.refusals) == (35, 2, [])
    assert [line["label"] for line in grant.explanation] == [
        rules.HOURS_PURPOSE,
        rules.HOURS_PURPOSE,
        rules.INTENSITY,
        rules.GRANTED,
    ]
    assert refused_with(settings, tenant_a, request) == {"person_id": [REQUEST_OPEN]}
    assert refused_with(
        settings,
        tenant_a,
        lambda s: assess_request(s, worker, grant.id, expected_version=grant.version, purposes=["knitting"]),
    ) == {"purposes": [rules.UNKNOWN_PURPOSE]}
    grant = act(
        settings,
        tenant_a,
        lambda s: assess_request(
            s, worker, grant.id, expected_version=grant.version, purposes=["school"], limitation=True
        ),
    )
    assert (grant.assessed_hours, grant.higher_intensity, grant.version) == (D(60), False, 2)

    def decide(**kw: Any) -> Any:
        return lambda s: decide_request(
            s, worker, grant.id, expected_version=grant.version, today=dt.date(2026, 3, 9), **kw
        )

    assert refused_with(settings, tenant_a, decide(outcome="granted", valid_from=MARCH)) == {
        "reasons": [REASONS_NEEDED],
        "valid_from": [START_BEFORE_REQUEST],
    }
    too_long = decide(
        outcome="granted", reasons="Strādā.", valid_from=dt.date(2026, 3, 10), valid_to=dt.date(2028, 1, 1)
    )
    assert refused_with(settings, tenant_a, too_long) == {"valid_to": [END_TOO_LATE]}
    grant = act(
        settings, tenant_a, decide(outcome="granted", reasons="Strādā.", valid_from=dt.date(2026, 3, 10))
    )
    # The disability period ends before the 3 years do.
    assert (grant.status, grant.valid_to, grant.monthly_hours) == ("granted", dt.date(2027, 12, 31), D(60))
    with pytest.raises(Conflict) as decided:
        act(settings, tenant_a, decide(outcome="refused", reasons="x"))
    assert decided.value.detail == DECIDED

    # Assistants: one named (not in the register), one from the register; never the person themself.
    named_code = unique_code(dt.date(1985, 1, 1))
    add = dict(expected_version=None, agreement_on=dt.date(2026, 3, 9))
    assert refused_with(
        settings,
        tenant_a,
        lambda s: add_assistant(
            s, worker, grant.id, personal_code=named_code, valid_from=dt.date(2026, 3, 10), today=TODAY, **add
        ),
    ) == {"first_name": [NAME_NEEDED]}
    own = person_code(rw_sessions, tenant_a, adult)
    assert refused_with(
        settings,
        tenant_a,
        lambda s: add_assistant(
            s, worker, grant.id, personal_code=own, valid_from=dt.date(2026, 3, 10), today=TODAY, **add
        ),
    ) == {"personal_code": [OWN_ASSISTANT]}
    first = assign(
        settings,
        tenant_a,
        worker,
        grant,
        named_code,
        valid_from=dt.date(2026, 3, 10),
        today=TODAY,
        first_name="Anita",
        last_name="Priede",
    )
    sister = add_person(rw_sessions, tenant_a, "Laura", "Ozola", dt.date(1994, 8, 8))
    second = assign(
        settings,
        tenant_a,
        worker,
        grant,
        person_code(rw_sessions, tenant_a, sister),
        valid_from=dt.date(2026, 3, 15),
        today=TODAY,
    )
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        names = {a.personal_code: (a.first_name, a.person_id) for a in s.scalars(select(Assistant))}
    assert names[named_code] == ("Anita", None) and (
        names[person_code(rw_sessions, tenant_a, sister)] == ("Laura", sister)
    )

    # Monthly reports: within the grant's period and its 60 hours a month, both assistants together.
    def report(assistant: Any, month: dt.date, hours: str) -> Any:
        return lambda s: record_report(
            s, worker, grant.id, assistant_id=assistant.assistant_id, month=month, hours=D(hours), today=TODAY
        )

    assert refused_with(settings, tenant_a, report(first, MARCH, "61")) == {"hours": [rules.OVER_GRANT]}
    made = act(settings, tenant_a, report(first, MARCH, "40"))
    assert refused_with(settings, tenant_a, report(first, MARCH, "5")) == {"month": [DUPLICATE_MONTH]}
    assert refused_with(settings, tenant_a, report(second, MARCH, "25")) == {"hours": [rules.OVER_GRANT]}
    other = act(settings, tenant_a, report(second, MARCH, "20"))
    assert refused_with(settings, tenant_a, report(first, dt.date(2026, 2, 1), "5")) == {
        "assistant_id": [NOT_ACTIVE]
    }
    assert refused_with(settings, tenant_a, report(first, dt.date(2026, 5, 1), "5")) == {
        "month": [MONTH_NEEDED]
    }
    assert refused_with(
        settings,
        tenant_a,
        lambda s: end_assistant(
            s, worker, grant.id, second.id, expected_version=None, valid_to=dt.date(2026, 2, 28)
        ),
    ) == {"valid_to": [END_NEEDED]}
    act(settings, tenant_a, report(second, APRIL, "10"))
    assert refused_with(
        settings,
        tenant_a,
        lambda s: end_assistant(
            s, worker, grant.id, second.id, expected_version=None, valid_to=dt.date(2026, 3, 31)
        ),
    ) == {"valid_to": [REPORTED_AFTER]}

    # Accepting computes the pay at the national rate in force on the month (the legal parameter: 4.50 from
    # 01.04.2023, unconfirmed); a rejected month may be reported again.
    accepted = act(
        settings,
        tenant_a,
        lambda s: accept_report(s, worker, grant.id, made.id, expected_version=made.version, today=TODAY),
    )
    assert (accepted.status, accepted.pay, accepted.hourly_rate) == ("accepted", D("180.00"), D("4.50"))
    assert [(line["label"], line["reference"]) for line in accepted.pay_explanation] == [
        (rules.PAY_HOURS, "MK 316"),
        (rules.PAY_RATE_UNCONFIRMED, "MK 316"),
        (rules.PAY_TOTAL, "MK 316"),
    ]
    with pytest.raises(Conflict) as again:
        act(settings, tenant_a, lambda s: accept_report(s, worker, grant.id, made.id, expected_version=None))
    assert again.value.detail == REPORT_DECIDED
    fewer = act(
        settings,
        tenant_a,
        lambda s: accept_report(
            s, worker, grant.id, other.id, expected_version=other.version, accepted_hours=D("12.25")
        ),
    )
    assert fewer.pay == D("55.13")  # 12.25 × 4.50 = 55.125, half up
    april = act(settings, tenant_a, report(first, APRIL, "30"))
    rejected = act(
        settings,
        tenant_a,
        lambda s: reject_report(
            s, worker, grant.id, april.id, expected_version=april.version, reason="Nav parakstīts."
        ),
    )
    assert rejected.status == "rejected"
    again_april = act(settings, tenant_a, report(first, APRIL, "28"))
    assert (again_april.id, again_april.status, again_april.hours) == (april.id, "submitted", D(28))

    card = act(settings, tenant_a, lambda s: grant_card(s, worker, grant.id))
    assert [a.name for a in card.assignments] == ["Anita Priede", "Laura Ozola"]
    assert [(r.report.month, r.assistant_name, r.report.status) for r in card.reports] == [
        (APRIL, "Laura Ozola", "submitted"),  # the latest month first, then by surname
        (APRIL, "Anita Priede", "submitted"),
        (MARCH, "Laura Ozola", "accepted"),
        (MARCH, "Anita Priede", "accepted"),
    ]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = list(s.scalars(select(ChangeLog.action).where(ChangeLog.entity_id == grant.id)))
    assert {
        "services:assistant:request",
        "services:assistant:assess",
        "services:assistant:decide",
        "services:assistant:assistant:add",
        "services:assistant:report",
        "services:assistant:report:accept",
        "services:assistant:report:reject",
    } <= set(actions)


def test_a_report_is_paid_at_the_hourly_rate_in_force_on_its_month(
    settings, rw_sessions, tenant_a, ground
) -> None:
    """The rate is the legal parameter `assistant_hourly_rate` on the month's first day: 3.70 under MK 942
    until 30.06.2021, 4.50 under MK 316 from 01.07.2021, and from 01.04.2023 (raised by an amendment, the
    amount unconfirmed) marked unconfirmed in the explanation. No rate in force (before 2021) is a message."""
    worker = ground["worker"]
    person = add_person(rw_sessions, tenant_a, "Kārlis", "Egle", dt.date(1980, 2, 2))
    add_disability(rw_sessions, tenant_a, person, "I", dt.date(2020, 1, 1), None)
    grant = granted(
        settings,
        tenant_a,
        worker,
        person,
        requested_on=dt.date(2020, 11, 2),
        valid_from=dt.date(2020, 11, 2),
        today=TODAY,
    )
    helper = assign(
        settings,
        tenant_a,
        worker,
        grant,
        unique_code(dt.date(1975, 3, 3)),
        valid_from=dt.date(2020, 11, 2),
        today=TODAY,
        first_name="Inga",
        last_name="Vītola",
    )

    def paid(month: dt.date) -> AssistantReport:
        made = act(
            settings,
            tenant_a,
            lambda s: record_report(
                s, worker, grant.id, assistant_id=helper.assistant_id, month=month, hours=D(10), today=TODAY
            ),
        )
        return act(
            settings,
            tenant_a,
            lambda s: accept_report(s, worker, grant.id, made.id, expected_version=made.version, today=TODAY),
        )

    def rate_line(report: AssistantReport) -> tuple[str, str, str]:
        line = (report.pay_explanation or [])[1]
        return line["label"], line["value"], line["reference"]

    may_2021 = paid(dt.date(2021, 5, 1))
    assert (may_2021.hourly_rate, may_2021.pay) == (D("3.70"), D("37.00"))
    assert rate_line(may_2021) == (rules.PAY_RATE, "3.70", "MK 942")
    june_2022 = paid(dt.date(2022, 6, 1))
    assert (june_2022.hourly_rate, june_2022.pay) == (D("4.50"), D("45.00"))
    assert rate_line(june_2022) == (rules.PAY_RATE, "4.50", "MK 316")
    may_2023 = paid(dt.date(2023, 5, 1))
    assert (may_2023.hourly_rate, may_2023.pay) == (D("4.50"), D("45.00"))
    assert rate_line(may_2023) == (rules.PAY_RATE_UNCONFIRMED, "4.50", "MK 316")

    # No rate is in force before 2021 (the first row): a message, and the report stays submitted.
    made = act(
        settings,
        tenant_a,
        lambda s: record_report(
            s,
            worker,
            grant.id,
            assistant_id=helper.assistant_id,
            month=dt.date(2020, 12, 1),
            hours=D(5),
            today=TODAY,
        ),
    )
    assert refused_with(
        settings,
        tenant_a,
        lambda s: accept_report(s, worker, grant.id, made.id, expected_version=made.version, today=TODAY),
    ) == {"hourly_rate": [NO_RATE]}
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(AssistantReport.status).where(AssistantReport.id == made.id)) == "submitted"


def test_a_child_under_five_is_refused_and_an_older_child_gets_100_hours(
    settings, rw_sessions, tenant_a, ground
) -> None:
    worker = ground["worker"]
    small = add_person(rw_sessions, tenant_a, "Elza", "Liepa", dt.date(2021, 6, 1))
    grant = act(
        settings,
        tenant_a,
        lambda s: request_service(
            s,
            worker,
            person_id=small,
            requested_on=dt.date(2026, 3, 2),
            special_care_opinion=True,
            purposes=["work"],  # not a child's: ignored
            today=TODAY,
        ),
    )
    assert (grant.refusals, grant.purposes, grant.assessed_hours) == ([rules.NOT_ELIGIBLE_CHILD], [], D(80))
    decide = dict(expected_version=grant.version, today=TODAY)
    assert refused_with(
        settings,
        tenant_a,
        lambda s: decide_request(
            s, worker, grant.id, outcome="granted", reasons="x", valid_from=TODAY, **decide
        ),
    ) == {"outcome": [NOT_ELIGIBLE]}
    refused = act(
        settings,
        tenant_a,
        lambda s: decide_request(
            s, worker, grant.id, outcome="refused", reasons="Bērnam nav 5 gadu.", **decide
        ),
    )
    assert (refused.status, refused.valid_from, refused.monthly_hours) == ("refused", None, None)
    assert refused_with(
        settings,
        tenant_a,
        lambda s: record_report(s, worker, grant.id, assistant_id=None, month=MARCH, hours=D(1), today=TODAY),
    ) == {"month": [NOT_GRANTED]}

    pupil = add_person(rw_sessions, tenant_a, "Marta", "Liepa", dt.date(2017, 1, 20))
    add_disability(rw_sessions, tenant_a, pupil, "child", dt.date(2022, 1, 1), dt.date(2027, 5, 31))
    child = granted(
        settings,
        tenant_a,
        worker,
        pupil,
        requested_on=dt.date(2026, 3, 2),
        valid_from=dt.date(2026, 4, 1),
        purposes=(),
        today=TODAY,
        special_care_opinion=True,
        procedures=True,
    )
    assert (child.monthly_hours, child.valid_to, child.procedures) == (D(100), dt.date(2027, 5, 31), True)


def test_grants_of_one_person_never_overlap(settings, rw_sessions, tenant_a, ground) -> None:
    worker, adult = ground["worker"], ground["adult"]
    first = granted(
        settings,
        tenant_a,
        worker,
        adult,
        requested_on=dt.date(2026, 1, 5),
        valid_from=dt.date(2026, 2, 1),
        today=TODAY,
    )
    assert first.valid_to == dt.date(2027, 12, 31)
    second = act(
        settings,
        tenant_a,
        lambda s: request_service(
            s,
            worker,
            person_id=adult,
            requested_on=dt.date(2026, 4, 1),
            purposes=["studies"],
            limitation=True,
            today=TODAY,
        ),
    )

    def decide(start: dt.date) -> Any:
        return lambda s: decide_request(
            s,
            worker,
            second.id,
            expected_version=second.version,
            outcome="granted",
            reasons="Studē.",
            valid_from=start,
            today=TODAY,
        )

    assert refused_with(settings, tenant_a, decide(dt.date(2026, 4, 1))) == {"valid_from": [OVERLAP]}
    later = act(settings, tenant_a, decide(dt.date(2028, 1, 1)))  # after the first; no disability recorded
    assert (later.valid_from, later.valid_to) == (dt.date(2028, 1, 1), dt.date(2030, 12, 31))

    rows = act(
        settings, tenant_a, lambda s: grant_list(s, worker, today=dt.date(2027, 11, 15), expiring=True)
    )
    assert [r.number for r in rows] == [first.number]
    rows = act(settings, tenant_a, lambda s: grant_list(s, worker, today=TODAY, status="granted"))
    assert [r.number for r in rows] == [later.number, first.number]


def test_stale_versions_permissions_missing_facts_and_other_municipalities(
    settings, rw_sessions, tenant_a, tenant_b, ground
) -> None:
    worker = ground["worker"]
    nameless = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš")  # no birth date
    assert refused_with(
        settings,
        tenant_a,
        lambda s: request_service(
            s, worker, person_id=nameless, requested_on=TODAY, purposes=["work"], limitation=True, today=TODAY
        ),
    ) == {"person_id": [NO_BIRTH_DATE]}
    grant = granted(
        settings,
        tenant_a,
        worker,
        ground["adult"],
        requested_on=dt.date(2026, 3, 2),
        valid_from=dt.date(2026, 3, 2),
        today=TODAY,
    )
    with pytest.raises(Conflict) as stale:
        act(
            settings,
            tenant_a,
            lambda s: add_assistant(
                s,
                worker,
                grant.id,
                expected_version=1,
                personal_code=unique_code(),
                first_name="A",
                last_name="B",
                agreement_on=TODAY,
                valid_from=TODAY,
                today=TODAY,
            ),
        )
    assert stale.value.detail == STALE
    with pytest.raises(Forbidden):
        act(
            settings,
            tenant_a,
            lambda s: request_service(
                s, actor_for(tenant_a, "accountant"), person_id=ground["adult"], requested_on=TODAY
            ),
        )
    assert act(settings, tenant_a, lambda s: grant_card(s, actor_for(tenant_a, "accountant"), grant.id))
    stranger = actor_for(tenant_b, "social_worker")
    with pytest.raises(NotFound):
        act(settings, tenant_b, lambda s: grant_card(s, stranger, grant.id))
    assert act(settings, tenant_b, lambda s: grant_list(s, stranger, today=TODAY)) == []
    # A refused act leaves nothing behind.
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(AssistantReport)) == 0


def statements_of(settings: Any, tenant_id: uuid.UUID, read: Any) -> tuple[int, Any]:
    async def run() -> tuple[int, Any]:
        engine = make_async_engine(settings.runtime_url())
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        try:
            async with async_session_factory(engine)() as session:
                session.info["tenant_id"] = tenant_id
                await session.execute(text("select 1"))
                statements.clear()
                result = await read(session)
                return len(statements), result
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_the_list_and_the_grants_page_are_a_fixed_number_of_queries(
    settings, rw_sessions, tenant_a, ground
) -> None:
    worker = ground["worker"]
    grant = granted(
        settings,
        tenant_a,
        worker,
        ground["adult"],
        requested_on=dt.date(2026, 1, 5),
        valid_from=dt.date(2026, 1, 5),
        today=TODAY,
    )
    for n, month in enumerate((dt.date(2026, 1, 1), dt.date(2026, 2, 1), MARCH)):
        helper = assign(
            settings,
            tenant_a,
            worker,
            grant,
            unique_code(),
            valid_from=max(month, dt.date(2026, 1, 5)),
            today=TODAY,
            first_name=f"A{n}",
            last_name="B",
        )
        act(
            settings,
            tenant_a,
            lambda s, h=helper, m=month: record_report(
                s, worker, grant.id, assistant_id=h.assistant_id, month=m, hours=D(10), today=TODAY
            ),
        )
    for person in range(3):
        other = add_person(rw_sessions, tenant_a, f"P{person}", "Liepa", dt.date(1980, 1, 1))
        act(
            settings,
            tenant_a,
            lambda s, o=other: request_service(
                s, worker, person_id=o, requested_on=TODAY, purposes=["work"], limitation=True, today=TODAY
            ),
        )
    queries, rows = statements_of(settings, tenant_a, lambda s: grant_list(s, worker, today=TODAY))
    assert queries == 1 and len(rows) == 4
    queries, card = statements_of(settings, tenant_a, lambda s: grant_card(s, worker, grant.id))
    assert queries == 5 and len(card.assignments) == 3 and len(card.reports) == 3


def test_the_new_tables_are_walked_by_the_isolation_tests() -> None:
    # tests/security/test_tenancy.py walks every tenant table of the metadata (two tenants, no tenant).
    assert {"assistant_grants", "assistants", "assistant_assignments", "assistant_reports"} <= set(
        TENANT_TABLES
    )
