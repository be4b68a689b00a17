"""The service catalogue pages through the real app, in Latvian first: the list with its menu link, prices
as "7,35 €" and the ended services on their own tab; adding a service, a refused form in place (422 with
Latvian messages, what was typed kept), changing one and a stale form (409), ending one; the prices by
date with the form of a new price from a day (refused in place, then set; 409 when stale), the own price
refused once deliveries were counted; read-only for a social worker, refused for the auditor; another
municipality's service is not there (404)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.cases.access import municipal_today
from app.domains.services.defaults import ensure_default_services_sync
from app.domains.services.models import ServiceDelivery, ServiceEvent, ServicePrice, ServiceType
from tests.factories.cases import rows_of
from tests.factories.households import add_person
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

HX = {"HX-Request": "true"}
NEW: dict[str, Any] = {
    "code": "drosibas-poga",
    "name_lv": "Drošības pogas pakalpojums",
    "name_en": "Safety-button service",
    "legal_basis": "Saistošie noteikumi Nr. 4/2026, 12. p.",
    "funding": "co_payment",
    "unit": "month",
    "price": "7,35",
    "valid_from": "01.01.2026",
    "valid_to": "",
    "steps": ["assessment", "delivery", "settlement"],
    "documents_requested": "application",
    "documents_assessment": "needs_assessment, doctor_statement",
}


@pytest.fixture
def ground(rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    for key, tenant in (("a", tenant_a), ("b", tenant_b)):
        with sync_tenant_uow(rw_sessions, tenant) as s:
            ensure_default_services_sync(s, tenant)
            ids[key] = dict(s.execute(select(ServiceType.code, ServiceType.id)).tuples().all())
    users = {}
    for role in ("head_of_service", "social_worker", "auditor"):
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name="Dace Kļaviņa")
        users[role] = username
    return {"ids": ids["a"], "foreign": ids["b"], "users": users}


def as_(client: Any, ground: dict[str, Any], role: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, ground["users"][role]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def post(client: Any, path: str, headers: dict[str, str] | None = HX, **fields: Any) -> Any:
    data = {"_csrf_token": client.headers["x-csrftoken"], **fields}
    return client.post(path, data=data, headers=headers, follow_redirects=False)


def codes(html: str) -> list[str]:
    return re.findall(r'data-testid="service-type" data-code="([A-Z0-9_-]+)"', html)


def form_of(client: Any, path: str) -> dict[str, Any]:
    """The fields of a service's form as the page shows them (steps: the checked, enabled boxes)."""
    html = client.get(path).text
    fields = dict(re.findall(r'<input id="st-[^"]+" name="(\w+)" (?:type="text" )?value="([^"]*)"', html))
    fields["steps"] = re.findall(r'name="steps" value="(\w+)" checked(?! disabled)', html)
    for name in ("funding", "unit"):
        match = re.search(rf'name="{name}".*?<option value="(\w+)" selected', html, re.S)
        fields[name] = match.group(1) if match else ""
    if 'name="keeps_waiting_list" checked' in html:
        fields["keeps_waiting_list"] = "on"
    version = re.search(r'name="version" value="(\d+)"', html)
    assert version
    return {**fields, "version": version.group(1)}


def test_the_list_in_latvian_with_the_menu_link(client, ground, rw_sessions, tenant_a) -> None:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.get_one(ServiceType, (tenant_a, ground["ids"]["APRUPE-MAJAS"])).price = Decimal("7.35")
    as_(client, ground, "social_worker")
    page = client.get("/services/catalogue")
    assert page.status_code == 200
    assert 'href="/services/catalogue" aria-current="page">Pakalpojumu katalogs</a>' in page.text
    assert codes(page.text)[:3] == ["APRUPE-MAJAS", "ATELPA", "DAC"]  # by the Latvian name
    row = page.text.split('data-code="APRUPE-MAJAS"')[1].split("</tr>")[0]
    assert "Aprūpe mājās" in row and "Pašvaldība un klienta līdzmaksājums" in row and "Stunda" in row
    assert re.search(r'data-testid="price">7,35\s€<', row) and "<td>Jā</td>" in row
    assert ">6</td>" in row  # steps
    krizes = page.text.split('data-code="KRIZES-CENTRS"')[1].split("</tr>")[0]
    assert "<td>Nē</td>" in krizes and "Cena nav noteikta" in krizes
    assert "Pievienot pakalpojumu" not in page.text  # a social worker reads; the head of service edits
    assert "Pievienot pakalpojumu" in as_(client, ground, "head_of_service").get("/services/catalogue").text


def test_adding_a_service(client, ground, rw_sessions, tenant_a) -> None:
    as_(client, ground, "head_of_service")
    page = client.get("/services/catalogue/new")
    assert page.status_code == 200
    for legend in ("Pamatdati", "Finansējums un cena", "Soļi un dokumenti"):
        assert f"<legend>{legend}</legend>" in page.text
    # The steps in their fixed order; the request and the decision cannot be unticked.
    assert re.findall(r'name="steps" value="(\w+)"', page.text) == [
        "requested", "assessment", "decision", "referral", "delivery", "settlement",
    ]  # fmt: skip
    assert 'value="requested" checked disabled' in page.text
    answer = post(client, "/services/catalogue", **NEW)
    assert answer.status_code == 200
    path = answer.headers["hx-redirect"]
    [(service_id, price, steps, documents)] = rows_of(
        rw_sessions,
        tenant_a,
        select(ServiceType.id, ServiceType.price, ServiceType.steps, ServiceType.documents).where(
            ServiceType.code == "DROSIBAS-POGA"
        ),
    )
    assert path == f"/services/catalogue/{service_id}" and price == Decimal("7.35")
    assert steps == ["requested", "assessment", "decision", "delivery", "settlement"]
    assert documents == {"requested": ["application"], "assessment": ["needs_assessment", "doctor_statement"]}
    shown = client.get(path).text
    assert 'value="7,35"' in shown and 'value="needs_assessment, doctor_statement"' in shown
    plain = post(client, "/services/catalogue", headers=None, **{**NEW, "code": "POGA2"})
    assert plain.status_code == 303 and plain.headers["location"].startswith("/services/catalogue/")


def test_a_refused_form_comes_back_in_place_in_latvian(client, ground, rw_sessions, tenant_a) -> None:
    as_(client, ground, "head_of_service")
    bad = {**NEW, "code": "dac", "price": "-1", "valid_to": "01.01.2020", "documents_referral": "x"}
    answer = post(client, "/services/catalogue", **bad)
    assert answer.status_code == 422 and "<html" not in answer.text and 'id="service-form"' in answer.text
    assert "Citam pašvaldības pakalpojumam jau ir šis kods." in answer.text
    assert "Cena nevar būt negatīva." in answer.text
    assert "Beigu datums ir pirms sākuma datuma." in answer.text
    assert "Pakalpojumam šī soļa nav" in answer.text  # documents for the referral it does not use
    assert 'value="Drošības pogas pakalpojums"' in answer.text  # what was typed stays
    assert 'id="st-code" name="code" type="text" value="dac"' in answer.text and "autofocus" in answer.text
    no_delivery = post(client, "/services/catalogue", **{**NEW, "steps": ["settlement"]})
    assert "Norēķins skaita sniegtās vienības" in no_delivery.text
    whole = post(client, "/services/catalogue", headers=None, **bad)
    assert whole.status_code == 422 and "<html" in whole.text
    found = rows_of(rw_sessions, tenant_a, select(ServiceType.id).where(ServiceType.code == "DROSIBAS-POGA"))
    assert found == []


def test_changing_a_service_and_a_stale_form(client, ground, rw_sessions, tenant_a) -> None:
    as_(client, ground, "head_of_service")
    dac = ground["ids"]["DAC"]
    path = f"/services/catalogue/{dac}"
    fields = form_of(client, path)
    assert fields["version"] == "1" and fields["code"] == "DAC" and fields["unit"] == "day"
    fields.update(price="12,5", documents_decision="decision_draft")
    answer = post(client, path, **fields)
    assert answer.status_code == 200 and answer.headers["hx-redirect"] == path
    [(price, documents, version)] = rows_of(
        rw_sessions,
        tenant_a,
        select(ServiceType.price, ServiceType.documents, ServiceType.version).where(ServiceType.id == dac),
    )
    assert (price, documents, version) == (Decimal("12.50"), {"decision": ["decision_draft"]}, 2)
    assert 'value="12,50"' in client.get(path).text
    stale = post(client, path, **fields)
    assert stale.status_code == 409 and stale.headers["hx-retarget"] == "#status"
    assert "Kāds cits pa to laiku mainīja šo pakalpojumu" in stale.text
    refused = post(client, path, **{**fields, "version": "2", "name_lv": ""})
    assert refused.status_code == 422 and "Šis lauks ir obligāts." in refused.text
    assert 'name="version" value="2"' in refused.text
    actions = rows_of(rw_sessions, tenant_a, select(ChangeLog.action).where(ChangeLog.entity_id == dac))
    assert [a for (a,) in actions] == ["services:service_type:edit"]


def test_ending_a_service_moves_it_to_the_ended_tab(client, ground) -> None:
    as_(client, ground, "head_of_service")
    shelter = ground["ids"]["PATVERSME"]
    refused = post(client, f"/services/catalogue/{shelter}/end", version="1", valid_to="")
    assert refused.status_code == 422 and "Norādiet pakalpojuma pēdējo dienu." in refused.text
    assert 'id="service-end"' in refused.text and "<html" not in refused.text
    ended = post(client, f"/services/catalogue/{shelter}/end", version="1", valid_to="31.01.2026")
    assert ended.status_code == 200
    assert "Vairs nav spēkā" in client.get(f"/services/catalogue/{shelter}").text
    assert "PATVERSME" not in codes(client.get("/services/catalogue").text)
    tab = client.get("/services/catalogue?show=ended", headers={**HX, "HX-Target": "results"})
    assert "<html" not in tab.text and codes(tab.text) == ["PATVERSME"]
    assert tab.headers["hx-push-url"] == "/services/catalogue?show=ended"
    # Nothing used it: it may be removed; a used one may not (the service's own tests).
    gone = post(client, f"/services/catalogue/{shelter}/remove", version="2")
    assert gone.status_code == 200 and gone.headers["hx-redirect"] == "/services/catalogue"
    assert client.get(f"/services/catalogue/{shelter}").status_code == 404


def test_a_social_worker_reads_and_may_not_change(client, ground) -> None:
    as_(client, ground, "social_worker")
    path = f"/services/catalogue/{ground['ids']['APRUPE-MAJAS']}"
    page = client.get(path)
    assert (
        page.status_code == 200
        and 'id="service-form"' not in page.text
        and 'id="service-end"' not in page.text
    )
    assert "Aprūpe mājās" in page.text and "Vajadzību izvērtēšana" in page.text
    assert client.get("/services/catalogue/new").status_code == 403
    assert post(client, path, version="1", **NEW).status_code == 403
    assert post(client, "/services/catalogue", **NEW).status_code == 403
    assert post(client, f"{path}/end", version="1", valid_to="31.12.2026").status_code == 403


def test_the_auditor_sees_no_catalogue(client, ground) -> None:
    as_(client, ground, "auditor")
    assert "Pakalpojumu katalogs" not in client.get("/").text
    assert client.get("/services/catalogue").status_code == 403
    assert post(client, "/services/catalogue", **NEW).status_code == 403


def test_another_municipalitys_service_is_not_there(client, ground) -> None:
    as_(client, ground, "head_of_service")
    foreign = f"/services/catalogue/{ground['foreign']['DAC']}"
    assert client.get(foreign).status_code == 404
    assert post(client, foreign, version="1", **NEW).status_code == 404
    assert post(client, f"{foreign}/end", version="1", valid_to="31.12.2026").status_code == 404
    assert post(client, f"{foreign}/remove", version="1").status_code == 404
    assert client.get(f"/services/catalogue/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"code": "\x00"},
        {"price": "1e400"},
        {"price": "9" * 40},
        {"price": "NaN"},
        {"valid_from": "99.99.9999"},
        {"steps": ["x" * 5000]},
        {"documents_delivery": "a" * 20000},
        {"funding": "<script>"},
    ],
)
def test_hostile_input_is_never_a_500(client, ground, changes) -> None:
    as_(client, ground, "head_of_service")
    answer = post(client, "/services/catalogue", **{**NEW, **changes})
    assert answer.status_code == 422, answer.text


def test_the_list_in_english(client, ground, rw_sessions, tenant_a) -> None:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.get_one(ServiceType, (tenant_a, ground["ids"]["APRUPE-MAJAS"])).price = Decimal("1234.5")
    as_(client, ground, "social_worker")
    client.cookies.set("atbalsts_lang", "en")
    page = client.get("/services/catalogue", headers={"accept-language": "en"}).text
    row = page.split('data-code="APRUPE-MAJAS"')[1].split("</tr>")[0]
    assert "Home care" in row and "Municipality and the client's co-payment" in row
    assert "Hour" in row and "€1,234.50" in row


# --- prices by date -----------------------------------------------------------------------------------------


def price_rows(html: str) -> list[str]:
    """The price history's rows as their text: "01.01.2003 Spēkā 7,35 €"."""
    rows = re.findall(r'<tr data-testid="price-period">(.*?)</tr>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).replace("\xa0", " ").split()) for row in rows]


def priced(rw_sessions: Any, tenant_a: uuid.UUID, ground: dict[str, Any]) -> str:
    """Home care at 7,35 € from its first day; its page's address."""
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        s.get_one(ServiceType, (tenant_a, ground["ids"]["APRUPE-MAJAS"])).price = Decimal("7.35")
    return f"/services/catalogue/{ground['ids']['APRUPE-MAJAS']}"


def test_a_new_price_from_a_day(client, ground, rw_sessions, tenant_a) -> None:
    path = priced(rw_sessions, tenant_a, ground)
    as_(client, ground, "head_of_service")
    page = client.get(path).text
    assert 'id="h-prices">Cenas</h2>' in page and price_rows(page) == ["01.01.2003 Spēkā 7,35 €"]
    assert 'id="price-form"' in page and '<label for="pr-from">Jaunā cena no</label>' in page
    # Refused in place, in Latvian, with what was typed and the focus on the first field with a message.
    last_month = (municipal_today().replace(day=1) - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    refused = post(client, f"{path}/price", version="1", price_from=last_month, price="")
    assert refused.status_code == 422 and "<html" not in refused.text
    assert refused.text.lstrip().startswith('<section id="service-prices"')
    assert "Mēneši pirms šī ir norēķināti pēc savām cenām" in refused.text
    assert "Šis lauks ir obligāts." in refused.text
    assert f'id="pr-from" name="price_from" type="text" value="{last_month}"' in refused.text
    assert re.search(r'id="pr-from"[^>]*autofocus', refused.text)
    wrong = post(client, f"{path}/price", version="1", price_from="31.02.2026", price="-1")
    assert "Cena nevar būt negatīva." in wrong.text and wrong.status_code == 422
    whole = post(client, f"{path}/price", headers=None, version="1", price_from=last_month, price="7,80")
    assert whole.status_code == 422 and "<html" in whole.text and 'id="service-form"' in whole.text
    assert rows_of(rw_sessions, tenant_a, select(ServicePrice.id)) == []
    # Set from today: the history, the price in force on the page and in the list.
    today = municipal_today()
    answer = post(client, f"{path}/price", version="1", price_from=today.strftime("%d.%m.%Y"), price="7,80")
    assert answer.status_code == 200 and answer.headers["hx-redirect"] == path
    page = client.get(path).text
    assert price_rows(page) == ["01.01.2003 7,35 €", f"{today:%d.%m.%Y} Spēkā 7,80 €"]
    assert 'name="version" value="2"' in page
    row = client.get("/services/catalogue").text.split('data-code="APRUPE-MAJAS"')[1].split("</tr>")[0]
    assert re.search(r'data-testid="price">7,80\s€<', row)
    # A stale form is 409 in the status region; nothing more is set.
    stale = post(client, f"{path}/price", version="1", price_from=today.strftime("%d.%m.%Y"), price="9")
    assert stale.status_code == 409 and stale.headers["hx-retarget"] == "#status"
    actions = rows_of(
        rw_sessions,
        tenant_a,
        select(ChangeLog.action).where(ChangeLog.entity_id == ground["ids"]["APRUPE-MAJAS"]),
    )
    assert [a for (a,) in actions] == ["services:service_type:price"]
    assert rows_of(rw_sessions, tenant_a, select(ServicePrice.price)) == [(Decimal("7.80"),)]


def test_the_own_price_deliveries_were_counted_at_points_to_the_prices(
    client, ground, rw_sessions, tenant_a
) -> None:
    path = priced(rw_sessions, tenant_a, ground)
    user = create_staff(rw_sessions, {tenant_a: ["social_worker"]})
    person = add_person(rw_sessions, tenant_a, "Velta", "Kalniņa", dt.date(1938, 2, 2))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        event = ServiceEvent(
            tenant_id=tenant_a,
            number="SP-2026/00077",
            service_type_id=ground["ids"]["APRUPE-MAJAS"],
            person_id=person,
            requested_on=dt.date(2026, 3, 2),
            step="delivery",
            created_by=user,
        )
        s.add(event)
        s.flush()
        s.add(
            ServiceDelivery(
                tenant_id=tenant_a,
                event_id=event.id,
                day=dt.date(2026, 3, 12),
                units=Decimal(4),
                recorded_by=user,
            )
        )
    as_(client, ground, "head_of_service")
    fields = form_of(client, path)
    assert "sadaļā “Cenas”" in client.get(path).text  # the price field's hint
    refused = post(client, path, **{**fields, "price": "8"})
    assert refused.status_code == 422
    assert "tā paliek cena no pakalpojuma pirmās dienas. Jauno cenu norādiet sadaļā “Cenas”" in refused.text
    assert re.search(r'id="st-price"[^>]*autofocus', refused.text)


def test_a_social_worker_reads_the_prices_and_may_not_set_one(client, ground, rw_sessions, tenant_a) -> None:
    path = priced(rw_sessions, tenant_a, ground)
    as_(client, ground, "social_worker")
    page = client.get(path).text
    assert price_rows(page) == ["01.01.2003 Spēkā 7,35 €"] and 'id="price-form"' not in page
    assert re.search(r'data-testid="price">7,35\s€<', page)
    today = municipal_today().strftime("%d.%m.%Y")
    assert post(client, f"{path}/price", version="1", price_from=today, price="8").status_code == 403
    as_(client, ground, "head_of_service")
    foreign = f"/services/catalogue/{ground['foreign']['APRUPE-MAJAS']}/price"
    assert post(client, foreign, version="1", price_from=today, price="8").status_code == 404
    assert rows_of(rw_sessions, tenant_a, select(ServicePrice.id)) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"price_from": "\x00", "price": "1"},
        {"price_from": "99.99.9999", "price": "1e400"},
        {"price_from": "1" * 5000, "price": "NaN"},
        {"price": "7"},
        {},
    ],
)
def test_a_hostile_new_price_is_never_a_500(client, ground, fields) -> None:
    as_(client, ground, "head_of_service")
    path = f"/services/catalogue/{ground['ids']['DAC']}/price"
    assert post(client, path, version="1", **fields).status_code == 422
