"""The benefit catalogue pages: the list in force on a date and its filters (in Latvian first), one benefit
with its example amount, adding and changing a benefit (422 in place with Latvian messages, 409 on a stale
version), deactivating; who sees the menu link and who may edit; hostile input is never a 500."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import ChangeLog
from app.domains.benefits.catalogue import benefit_type_by_code
from app.domains.benefits.defaults import ensure_default_catalogue
from app.domains.benefits.models import BenefitType
from tests.factories.cases import actor_for, rows_of, run_act
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}

NEW: dict[str, Any] = {
    "code": "apbed",
    "kind": "other",
    "name_lv": "Apbedīšanas pabalsts",
    "name_en": "Funeral benefit",
    "legal_basis": "Saistošie noteikumi Nr. 3/2026, 9. p.",
    "valid_from": "01.01.2026",
    "valid_to": "",
    "requires_status": "none",
    "amount_rule": "fixed",
    "amount": "500,00",
    "per": "household",
    "frequency": "one_off",
    "payment_channel": "client",
    "reporting_category": "other",
    "residents_only": "on",
    "decision_days": "10",
}


def hx(target: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target}


@pytest.fixture
def staff(settings, rw_sessions, tenant_a) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, role in [
        ("head", "head_of_service"),
        ("officer", "benefit_officer"),
        ("reader", "readonly_institution"),
    ]:
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        user_id = create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name="Dace Kļaviņa")
        found[key] = {"username": username, "actor": actor_for(tenant_a, user_id, role)}

    async def seed(session: AsyncSession) -> dict[str, uuid.UUID]:
        await ensure_default_catalogue(session, tenant_a)
        head = found["head"]["actor"]
        return {
            code: (await benefit_type_by_code(session, head, code)).id for code in ("KRIZE", "KURIN", "GMI")
        }

    found["ids"] = run_act(settings, tenant_a, seed)
    return found


def as_(client: Any, staff: dict[str, Any], who: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, staff[who]["username"]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def form(client: Any, **fields: Any) -> dict[str, Any]:
    return {"_csrf_token": client.headers["x-csrftoken"], **fields}


def rows(html: str) -> list[str]:
    return re.findall(r'<span class="benefit-code">([A-Z0-9_-]+)</span>', html)


# --- the list ---------------------------------------------------------------------------------------------


def test_the_list_in_latvian_with_the_menu_link(client, staff) -> None:
    as_(client, staff, "officer")
    page = client.get("/benefits/catalogue")
    assert page.status_code == 200
    assert 'href="/benefits/catalogue" aria-current="page">Pabalstu katalogs</a>' in page.text
    assert rows(page.text) == ["DZIMS", "GMI", "KRIZE", "KURIN", "MAZN", "MP", "SKOLA", "TRUC", "VESEL"]
    assert (
        "Pabalsts krīzes situācijā" in page.text and "50 % no: valsts minimālā mēneša darba alga" in page.text
    )
    assert "Pievienot pabalstu" not in page.text  # the officer reads, the head of service edits
    assert "Pievienot pabalstu" in as_(client, staff, "head").get("/benefits/catalogue").text


def test_filters_and_the_date(client, staff) -> None:
    as_(client, staff, "officer")
    assert rows(client.get("/benefits/catalogue?kind=crisis").text) == ["KRIZE"]
    assert rows(client.get("/benefits/catalogue?q=kurin").text) == ["KURIN"]
    assert rows(client.get("/benefits/catalogue?q=pabalsts%20kr").text) == ["KRIZE"]
    assert rows(client.get("/benefits/catalogue?on=01.06.2022").text) == ["GMI", "MAZN", "MP", "TRUC"]
    fragment = client.get("/benefits/catalogue?kind=gmi", headers=hx("results"))
    assert "<html" not in fragment.text and rows(fragment.text) == ["GMI"]
    assert fragment.headers["hx-push-url"] == "/benefits/catalogue?kind=gmi"


@pytest.mark.parametrize("query", ["kind=x", "on=31.02.2026", "on=%00", "q=" + "a" * 200, "show=everything"])
def test_bad_filters_are_never_a_500(client, staff, query) -> None:
    as_(client, staff, "officer")
    answer = client.get(f"/benefits/catalogue?{query}", headers=hx("results"))
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:
        assert 'role="alert"' in answer.text


def test_who_may_see_the_catalogue(client, staff) -> None:
    as_(client, staff, "reader")
    assert "Pabalstu katalogs" not in client.get("/").text
    assert client.get("/benefits/catalogue").status_code == 403
    as_(client, staff, "officer")
    assert client.get("/benefits/catalogue/new").status_code == 403
    answer = client.post("/benefits/catalogue", data=form(client, **NEW))
    assert answer.status_code == 403


# --- one benefit --------------------------------------------------------------------------------------------


def test_a_benefit_page_shows_its_groups_and_an_example(client, staff) -> None:
    as_(client, staff, "officer")
    page = client.get(f"/benefits/catalogue/{staff['ids']['KRIZE']}")
    assert page.status_code == 200
    for heading in ("Pamatdati", "Kas var saņemt", "Apmērs", "Izmaksa un lēmums"):
        assert f">{heading}</h2>" in page.text
    assert "780,00" in page.text and "390,00" in page.text  # 50 % of the 2026 minimum wage
    assert "Mainīt" not in page.text
    fuel = client.get(f"/benefits/catalogue/{staff['ids']['KURIN']}").text
    assert "no 1 bērniem: 215,00" in fuel and "no 3 bērniem: 250,00" in fuel
    assert client.get(f"/benefits/catalogue/{uuid.uuid4()}").status_code == 404


def test_the_page_in_english(client, staff) -> None:
    as_(client, staff, "officer")
    client.cookies.set("atbalsts_lang", "en")
    page = client.get(f"/benefits/catalogue/{staff['ids']['KRIZE']}", headers={"accept-language": "en"})
    assert "Crisis benefit" in page.text and "Who may get it" in page.text


# --- adding and changing -----------------------------------------------------------------------------------


def test_adding_a_benefit(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head")
    page = client.get("/benefits/catalogue/new")
    assert page.status_code == 200
    for legend in ("Pamatdati", "Kas var saņemt", "Apmērs", "Izmaksa un lēmums"):
        assert f"<legend>{legend}</legend>" in page.text
    answer = client.post("/benefits/catalogue", data=form(client, **NEW), follow_redirects=False)
    assert answer.status_code == 303
    [(benefit_id, amount)] = rows_of(
        rw_sessions, tenant_a, select(BenefitType.id, BenefitType.amount).where(BenefitType.code == "APBED")
    )
    assert answer.headers["location"] == f"/benefits/catalogue/{benefit_id}" and str(amount) == "500.00"
    htmx = client.post("/benefits/catalogue", data=form(client, **{**NEW, "code": "APBED2"}), headers=HX)
    assert htmx.status_code == 200 and htmx.headers["hx-redirect"].startswith("/benefits/catalogue/")


def test_a_refused_form_comes_back_in_place_in_latvian(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head")
    bad = {
        **NEW,
        "code": "KRIZE",
        "amount": "-3",
        "valid_to": "01.01.2020",
        "target_groups": ["child", "aliens"],
    }
    answer = client.post("/benefits/catalogue", data=form(client, **bad), headers=HX)
    assert answer.status_code == 422
    assert "<html" not in answer.text and 'id="benefit-form"' in answer.text
    assert "Citam pašvaldības pabalstam jau ir šis kods." in answer.text
    assert "Beigu datums ir pirms sākuma datuma." in answer.text
    assert 'value="Apbedīšanas pabalsts"' in answer.text  # what was typed stays
    assert 'id="bt-code" name="code" type="text" value="KRIZE"' in answer.text and "autofocus" in answer.text
    whole = client.post("/benefits/catalogue", data=form(client, **bad))
    assert whole.status_code == 422 and "<html" in whole.text
    assert rows_of(rw_sessions, tenant_a, select(BenefitType.id).where(BenefitType.code == "APBED")) == []


def test_changing_a_benefit_and_a_stale_form(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head")
    crisis = staff["ids"]["KRIZE"]
    page = client.get(f"/benefits/catalogue/{crisis}/edit")
    assert page.status_code == 200 and 'name="version" value="1"' in page.text
    assert 'value="50"' in page.text and "Pabalsts krīzes situācijā" in page.text
    fields = {
        "code": "KRIZE",
        "kind": "crisis",
        "name_lv": "Pabalsts krīzes situācijā",
        "name_en": "Crisis benefit",
        "legal_basis": "Saistošie noteikumi Nr. 1/2026",
        "valid_from": "01.01.2025",
        "amount_rule": "actual_cost_capped",
        "cap": "200",
        "frequency": "one_off",
        "residents_only": "on",
        "tier_children_1": "",
        "tier_cap_1": "",
    }
    answer = client.post(
        f"/benefits/catalogue/{crisis}/edit", data=form(client, version="1", **fields), headers=HX
    )
    assert answer.status_code == 200 and answer.headers["hx-redirect"] == f"/benefits/catalogue/{crisis}"
    [(cap, version)] = rows_of(
        rw_sessions, tenant_a, select(BenefitType.cap, BenefitType.version).where(BenefitType.id == crisis)
    )
    assert (str(cap), version) == ("200.00", 2)
    stale = client.post(
        f"/benefits/catalogue/{crisis}/edit", data=form(client, version="1", **fields), headers=HX
    )
    assert stale.status_code == 409 and stale.headers["hx-retarget"] == "#status"
    refused = client.post(
        f"/benefits/catalogue/{crisis}/edit",
        data=form(client, version="2", **{**fields, "cap": ""}),
        headers=HX,
    )
    assert refused.status_code == 422 and "Šis lauks ir obligāts." in refused.text
    assert 'name="version" value="2"' in refused.text


def test_yearly_cap_tiers_through_the_form(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head")
    fuel = {
        **NEW,
        "code": "KURIN2",
        "amount_rule": "actual_cost_capped",
        "cap": "250",
        "min_claim": "50",
        "yearly_cap": "180",
        "tier_children_1": "3",
        "tier_cap_1": "250",
        "tier_children_2": "1",
        "tier_cap_2": "215",
    }
    assert client.post("/benefits/catalogue", data=form(client, **fuel), headers=HX).status_code == 200
    [(tiers,)] = rows_of(
        rw_sessions, tenant_a, select(BenefitType.yearly_cap_by_children).where(BenefitType.code == "KURIN2")
    )
    assert tiers == [{"children_from": 1, "cap": "215.00"}, {"children_from": 3, "cap": "250.00"}]
    bad = client.post(
        "/benefits/catalogue", data=form(client, **{**fuel, "code": "K3", "yearly_cap": ""}), headers=HX
    )
    assert (
        bad.status_code == 422
        and "Ievadiet arī gada maksimālo apmēru mājsaimniecībām bez bērniem." in bad.text
    )


def test_deactivating_and_reactivating(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head")
    gmi = staff["ids"]["GMI"]
    answer = client.post(f"/benefits/catalogue/{gmi}/deactivate", data=form(client, version="1"), headers=HX)
    assert answer.status_code == 200
    page = client.get(f"/benefits/catalogue/{gmi}")
    assert "Neaktīvs" in page.text and "Atjaunot" in page.text
    assert "GMI" not in rows(client.get("/benefits/catalogue").text)
    assert "GMI" in rows(client.get("/benefits/catalogue?show=all").text)
    again = client.post(f"/benefits/catalogue/{gmi}/deactivate", data=form(client, version="2"), headers=HX)
    assert again.status_code == 409
    assert client.post(
        f"/benefits/catalogue/{gmi}/reactivate", data=form(client, version="2")
    ).status_code in (200, 303)
    actions = rows_of(rw_sessions, tenant_a, select(ChangeLog.action).where(ChangeLog.entity_id == gmi))
    assert [a for (a,) in actions] == ["benefits:benefit_type:deactivate", "benefits:benefit_type:reactivate"]


@pytest.mark.parametrize(
    "changes",
    [
        {"code": "\x00"},
        {"amount": "1e400"},
        {"amount": "9" * 40},
        {"valid_from": "99.99.9999"},
        {"min_age": "-1"},
        {"target_groups": ["x" * 5000]},
        {"tier_children_1": "1" * 30, "tier_cap_1": "abc"},
        {"percent": "NaN", "amount_rule": "percent_of_threshold"},
    ],
)
def test_hostile_input_is_never_a_500(client, staff, changes) -> None:
    as_(client, staff, "head")
    answer = client.post("/benefits/catalogue", data=form(client, **{**NEW, **changes}), headers=HX)
    assert answer.status_code == 422, answer.text
