"""The provider register against the real database (built by the migrations, as app_rw under RLS):
receiving an application with a number, review, registration for five years, refusal, change, exclusion,
renewal; every refusal leaving nothing behind; stale versions; permissions; another municipality seeing
nothing; the public search across municipalities (only what is public); the expiry reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.db import async_session_factory, make_async_engine, sync_tenant_uow
from app.domains.providers import rules
from app.domains.providers.models import ProviderRegistration
from app.domains.providers.queries import public_search, registration_card, registration_list_page
from app.domains.providers.reminders import EXPIRING, send_provider_reminders_sync
from app.domains.providers.service import (
    ALREADY_RENEWED,
    NO_RENEWED,
    change_registration,
    exclude_provider,
    refuse_application,
    register_provider,
    start_review,
    submit_application,
)
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.notifications.inbox_models import InboxItem
from tests.factories.people import actor_for, run_act
from tests.factories.staff import create_staff

D = dt.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def ground(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> dict[str, Any]:
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, full_name="Dace Vadītāja")
    head_b = create_staff(rw_sessions, {tenant_b: ["head_of_service"]}, full_name="Jānis Bērziņš")
    return {
        "head": actor_for(tenant_a, "head_of_service", user_id=head),
        "head_b": actor_for(tenant_b, "head_of_service", user_id=head_b),
        "manager": actor_for(tenant_a, "case_manager"),
        "worker": actor_for(tenant_a, "social_worker"),
    }


def act(settings: Any, tenant: uuid.UUID, fn: Any) -> Any:
    return run_act(settings, tenant, fn)


def count(sessions: sessionmaker[Session], tenant: uuid.UUID, model: Any, *where: Any) -> int:
    with sync_tenant_uow(sessions, tenant) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def submit(settings: Any, tenant: uuid.UUID, actor: Any, **given: Any) -> ProviderRegistration:
    values: dict[str, Any] = {
        "provider_name": "SIA Gādība",
        "provider_kind": "legal_person",
        "provider_code": "40003000000",
        "contact": "info@gadiba.lv",
        "service_types": ["Aprūpe mājās", "Dienas centrs pieaugušajiem"],
        "addresses": ["Rīgas iela 1, Cēsis"],
        "documents": "Iesniegums; telpu atzinums",
        "submitted_on": D(2026, 3, 2),
        "today": TODAY,
    }
    values.update(given)
    return act(settings, tenant, lambda s: submit_application(s, actor, **values))


DECIDED = D(2026, 3, 5)


def registered(
    settings: Any, tenant: uuid.UUID, actor: Any, decided: dt.date = DECIDED, **given: Any
) -> ProviderRegistration:
    r = submit(settings, tenant, actor, **given)
    return act(settings, tenant, lambda s: register_provider(s, actor, r.id, decided_on=decided, today=TODAY))


def test_an_application_is_numbered_reviewed_and_registered_for_five_years(
    settings, rw_sessions, tenant_a, ground
) -> None:
    head = ground["head"]
    first = submit(settings, tenant_a, head)
    assert first.number == "SPR-2026/00001" and first.status == "submitted"
    reviewed = act(settings, tenant_a, lambda s: start_review(s, head, first.id, expected_version=1))
    assert reviewed.status == "under_review" and reviewed.reviewer_id == head.user_id
    done = act(
        settings,
        tenant_a,
        lambda s: register_provider(
            s, head, first.id, decided_on=D(2026, 3, 5), expected_version=2, today=TODAY
        ),
    )
    assert done.status == "registered"
    assert (done.valid_from, done.valid_until) == (D(2026, 3, 5), D(2031, 3, 4))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = list(
            s.scalars(
                select(ChangeLog.action)
                .where(ChangeLog.entity_id == first.id)
                .order_by(ChangeLog.occurred_at, ChangeLog.id)
            )
        )
    assert actions == [
        "providers:registration:submit",
        "providers:registration:review",
        "providers:registration:register",
    ]


def test_refusals_write_nothing_and_the_number_is_not_used(settings, rw_sessions, tenant_a, ground) -> None:
    head = ground["head"]
    with pytest.raises(InvalidInput) as refused:
        submit(settings, tenant_a, head, provider_name=" ", service_types=[" "], addresses=[])
    assert set(refused.value.errors) == {"provider_name", "service_types", "addresses"}
    with pytest.raises(Forbidden):
        submit(settings, tenant_a, ground["manager"])
    assert count(rw_sessions, tenant_a, ProviderRegistration) == 0
    assert count(rw_sessions, tenant_a, ChangeLog, ChangeLog.entity_type == "provider_registration") == 0
    assert submit(settings, tenant_a, head).number == "SPR-2026/00001"


def test_a_refusal_needs_grounds_and_ends_the_application(settings, tenant_a, ground) -> None:
    head = ground["head"]
    r = submit(settings, tenant_a, head)
    with pytest.raises(InvalidInput) as refused:
        act(
            settings,
            tenant_a,
            lambda s: refuse_application(s, head, r.id, decided_on=TODAY, reason="", today=TODAY),
        )
    assert refused.value.errors == {"decision_reason": [rules.NO_REASON]}
    done = act(
        settings,
        tenant_a,
        lambda s: refuse_application(
            s, head, r.id, decided_on=TODAY, reason="Nav telpu atzinuma", today=TODAY
        ),
    )
    assert done.status == "refused" and done.valid_until is None
    with pytest.raises(Conflict):
        act(settings, tenant_a, lambda s: register_provider(s, head, r.id, decided_on=TODAY, today=TODAY))


def test_a_stale_version_is_a_conflict_and_changes_nothing(settings, tenant_a, ground) -> None:
    head = ground["head"]
    r = submit(settings, tenant_a, head)
    act(settings, tenant_a, lambda s: start_review(s, head, r.id, expected_version=1))
    with pytest.raises(Conflict):
        act(
            settings,
            tenant_a,
            lambda s: register_provider(s, head, r.id, decided_on=TODAY, expected_version=1, today=TODAY),
        )
    card = act(settings, tenant_a, lambda s: registration_card(s, head, r.id, TODAY))
    assert card.status == "under_review" and card.version == 2


def test_change_and_exclusion_of_a_registration(settings, rw_sessions, tenant_a, ground) -> None:
    head = ground["head"]
    r = registered(settings, tenant_a, head)
    changed = act(
        settings,
        tenant_a,
        lambda s: change_registration(
            s,
            head,
            r.id,
            service_types=["Aprūpe mājās"],
            addresses=["Rīgas iela 1, Cēsis", "Lielā iela 2, Cēsis"],
            expected_version=r.version,
            today=TODAY,
        ),
    )
    assert changed.status == "registered" and changed.valid_until == r.valid_until
    assert changed.addresses == ["Rīgas iela 1, Cēsis", "Lielā iela 2, Cēsis"]
    with pytest.raises(InvalidInput):
        act(
            settings,
            tenant_a,
            lambda s: change_registration(s, head, r.id, service_types=[], addresses=["x"]),
        )
    with pytest.raises(InvalidInput) as refused:
        act(
            settings,
            tenant_a,
            lambda s: exclude_provider(s, head, r.id, decided_on=D(2026, 3, 4), reason="x", today=TODAY),
        )
    assert refused.value.errors == {"decided_on": [rules.DECIDED_BEFORE]}
    out = act(
        settings,
        tenant_a,
        lambda s: exclude_provider(s, head, r.id, decided_on=TODAY, reason="Pārkāpumi", today=TODAY),
    )
    assert out.status == "excluded" and out.excluded_on == TODAY
    with pytest.raises(Conflict):
        act(
            settings,
            tenant_a,
            lambda s: change_registration(s, head, r.id, service_types=["a"], addresses=["b"]),
        )


def test_renewal_replaces_the_registration(settings, tenant_a, ground) -> None:
    head = ground["head"]
    old = registered(settings, tenant_a, head, decided=D(2021, 4, 1), submitted_on=D(2021, 3, 1))
    assert old.valid_until == D(2026, 3, 31)
    with pytest.raises(InvalidInput) as refused:
        submit(settings, tenant_a, head, renews_id=uuid.uuid4())
    assert refused.value.errors == {"renews_id": [NO_RENEWED]}
    new = submit(settings, tenant_a, head, renews_id=old.id)
    with pytest.raises(InvalidInput) as refused:
        submit(settings, tenant_a, head, renews_id=old.id)
    assert refused.value.errors == {"renews_id": [ALREADY_RENEWED]}
    done = act(
        settings, tenant_a, lambda s: register_provider(s, head, new.id, decided_on=TODAY, today=TODAY)
    )
    assert done.status == "registered"
    card = act(settings, tenant_a, lambda s: registration_card(s, head, old.id, TODAY))
    assert card.status == "renewed" and card.renewed_by_id == new.id and not card.may_renew
    new_card = act(settings, tenant_a, lambda s: registration_card(s, head, new.id, TODAY))
    assert new_card.renews_number == old.number


def test_an_unrenewed_registration_expires_by_the_day(settings, tenant_a, ground) -> None:
    head = ground["head"]
    old = registered(settings, tenant_a, head, decided=D(2021, 3, 1), submitted_on=D(2021, 2, 1))
    card = act(settings, tenant_a, lambda s: registration_card(s, head, old.id, TODAY))
    assert card.status == "expired" and card.may_renew
    with pytest.raises(Conflict):
        act(
            settings,
            tenant_a,
            lambda s: exclude_provider(s, head, old.id, decided_on=TODAY, reason="x", today=TODAY),
        )
    page = act(settings, tenant_a, lambda s: registration_list_page(s, head, today=TODAY, which="expired"))
    assert [row.id for row in page.rows] == [old.id]


def test_who_may_view_and_review(settings, tenant_a, ground) -> None:
    r = submit(settings, tenant_a, ground["head"])
    card = act(settings, tenant_a, lambda s: registration_card(s, ground["manager"], r.id, TODAY))
    assert card.provider_code == "40003000000"
    with pytest.raises(Forbidden):
        act(settings, tenant_a, lambda s: start_review(s, ground["manager"], r.id))
    with pytest.raises(Forbidden):
        act(settings, tenant_a, lambda s: registration_card(s, ground["worker"], r.id, TODAY))


def test_another_municipality_sees_nothing(settings, tenant_a, tenant_b, ground) -> None:
    r = submit(settings, tenant_a, ground["head"])
    with pytest.raises(NotFound):
        act(settings, tenant_b, lambda s: registration_card(s, ground["head_b"], r.id, TODAY))
    with pytest.raises(NotFound):
        act(settings, tenant_b, lambda s: start_review(s, ground["head_b"], r.id))
    page = act(settings, tenant_b, lambda s: registration_list_page(s, ground["head_b"], today=TODAY))
    assert page.rows == ()


def test_the_list_filters_and_searches(settings, tenant_a, ground) -> None:
    head = ground["head"]
    pending = submit(settings, tenant_a, head, provider_name="Biedrība Atbalsts")
    done = registered(settings, tenant_a, head, service_types=["Krīzes centrs"])

    def ids(**given: Any) -> list[uuid.UUID]:
        page = act(settings, tenant_a, lambda s: registration_list_page(s, head, today=TODAY, **given))
        return [row.id for row in page.rows]

    assert set(ids()) == {pending.id, done.id}
    assert ids(which="pending") == [pending.id]
    assert ids(which="registered") == [done.id]
    assert ids(query="krīzes") == [done.id]
    assert ids(query="atbalsts") == [pending.id]


def public(settings: Any, **given: Any) -> Any:
    async def go() -> Any:
        engine = make_async_engine(settings.maint_url())
        try:
            return await public_search(async_session_factory(engine), today=TODAY, **given)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_the_public_search_lists_registrations_in_force_of_every_municipality(
    settings, tenant_a, tenant_b, ground
) -> None:
    mark = uuid.uuid4().hex[:8]
    a = registered(settings, tenant_a, ground["head"], provider_name=f"Gādība {mark}")
    registered(
        settings,
        tenant_b,
        ground["head_b"],
        provider_name=f"Rūpes {mark}",
        service_types=["Krīzes centrs"],
        addresses=["Tirgus iela 3"],
    )
    submit(settings, tenant_a, ground["head"], provider_name=f"Pieteikums {mark}")  # not decided: not shown
    old = registered(
        settings,
        tenant_a,
        ground["head"],
        decided=D(2021, 3, 1),
        submitted_on=D(2021, 2, 1),
        provider_name=f"Beidzies {mark}",
    )
    assert old.valid_until is not None and old.valid_until < TODAY
    found = public(settings, name=mark)
    assert [p.provider_name for p in found.providers] == [f"Gādība {mark}", f"Rūpes {mark}"]
    first = found.providers[0]
    assert first.number == a.number and first.service_types == ("Aprūpe mājās", "Dienas centrs pieaugušajiem")
    assert not hasattr(first, "provider_code") and not hasattr(first, "contact")
    assert [p.provider_name for p in public(settings, name=mark, place="tirgus").providers] == [
        f"Rūpes {mark}"
    ]
    assert [p.provider_name for p in public(settings, name=mark, service="dienas").providers] == [
        f"Gādība {mark}"
    ]
    assert public(settings, name=mark, limit=1).truncated


def test_expiry_reminders_go_once_to_the_heads_of_service(settings, rw_sessions, tenant_a, ground) -> None:
    head = ground["head"]
    soon = registered(
        settings, tenant_a, head, decided=D(2021, 4, 20), submitted_on=D(2021, 4, 1)
    )  # to 19.04.2026
    registered(
        settings, tenant_a, head, decided=D(2021, 6, 1), submitted_on=D(2021, 5, 1)
    )  # 31.05.2026: later
    renewing = registered(settings, tenant_a, head, decided=D(2021, 4, 1), submitted_on=D(2021, 3, 1))
    submit(settings, tenant_a, head, renews_id=renewing.id)  # being renewed: no reminder
    for expected in (1, 0):
        with sync_tenant_uow(rw_sessions, tenant_a) as s:
            assert send_provider_reminders_sync(s, TODAY) == expected
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        items = s.execute(select(InboxItem.user_id, InboxItem.event, InboxItem.link, InboxItem.params)).all()
    assert [(i.user_id, i.event, i.link) for i in items] == [
        (head.user_id, EXPIRING, f"/providers/{soon.id}")
    ]
    assert items[0].params["registration_number"] == soon.number
    assert items[0].params["expires_on"] == "2026-04-19"
