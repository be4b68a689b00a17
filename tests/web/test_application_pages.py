"""The application pages through the real app: the list, receiving an application (the person search, 422
in place in Latvian), the page with its assessment and explanation, the decision dialog (422 in place for
missing reasons and an overlapping period named by its dates, 403 without the decide permission, 409 on a
stale version or a second decision), the grant's stop dialog, the person's benefits and the expiring list."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.domains.benefits.models import Application, BenefitGrant, Decision
from tests.factories.applications import Member, catalogue, submitted_declaration
from tests.factories.cases import rows_of
from tests.factories.households import add_household, add_person
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

TODAY = dt.date.today()
RECEIVED = TODAY - dt.timedelta(days=3)
DECLARED = TODAY - dt.timedelta(days=5)


def hx(target: str = "") -> dict[str, str]:
    return {"HX-Request": "true", **({"HX-Target": target} if target else {})}


@pytest.fixture
def ground(rw_sessions, tenant_a) -> dict[str, Any]:
    janis = add_person(rw_sessions, tenant_a, "Jānis", "Bērziņš", dt.date(1980, 4, 12))
    anna = add_person(rw_sessions, tenant_a, "Anna", "Bērziņa", dt.date(1983, 9, 1))
    household = add_household(
        rw_sessions,
        tenant_a,
        "Bērziņu ģimene",
        [(janis, "head", dt.date(2020, 1, 1), None), (anna, "spouse", dt.date(2020, 1, 1), None)],
    )
    users = {}
    for role in ("benefit_officer", "social_worker"):
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        users[role] = (
            username,
            create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name="Inese Bērziņa"),
        )
    declaration = submitted_declaration(
        rw_sessions,
        tenant_a,
        users["benefit_officer"][1],
        [Member(janis), Member(anna, "spouse", "employed", 42, wages=Decimal("100.00"))],
        declared_on=DECLARED,
        household_id=household,
    )
    return {
        "janis": janis,
        "anna": anna,
        "declaration": declaration,
        "codes": catalogue(rw_sessions, tenant_a),
        "users": users,
    }


def as_(client: Any, ground: dict[str, Any], role: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, ground["users"][role][0]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def form(client: Any, **fields: Any) -> dict[str, Any]:
    return {"_csrf_token": client.headers["x-csrftoken"], **fields}


def received(client: Any, ground: dict[str, Any], code: str = "GMI", person: str = "janis") -> str:
    """An application through the form; its page's address."""
    answer = client.post(
        "/applications",
        data=form(
            client,
            person=str(ground[person]),
            benefit_type_id=str(ground["codes"][code]),
            declaration_id=str(ground["declaration"]),
            received_on=RECEIVED.strftime("%d.%m.%Y"),
            channel="in_person",
        ),
        headers=hx(),
    )
    assert answer.status_code == 200, answer.text
    return answer.headers["HX-Redirect"]


def assess(client: Any, address: str) -> str:
    page = client.get(address).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    answer = client.post(f"{address}/assess", data=form(client, version=version), headers=hx("assessment"))
    assert answer.status_code == 200 and answer.headers["HX-Redirect"].startswith(address)
    return client.get(address).text


def version_of(page: str) -> str:
    return re.search(r'id="decision-form".*?name="version" value="(\d+)"', page, re.S).group(1)  # type: ignore[union-attr]


def decision(client: Any, address: str, version: str, **fields: Any) -> Any:
    values = {
        "outcome": "granted",
        "amount": "218,00",
        "valid_from": RECEIVED.strftime("%d.%m.%Y"),
        "valid_to": "",
        "reasons": "Ienākumi nepārsniedz GMI slieksni.",
        "version": version,
    }
    values.update(fields)
    return client.post(f"{address}/decide", data=form(client, **values), headers=hx())


def test_receive_assess_and_decide(client, settings, rw_sessions, tenant_a, ground) -> None:
    as_(client, ground, "benefit_officer")
    listing = client.get("/applications")
    assert (
        listing.status_code == 200 and "Iesniegumi" in listing.text and 'href="/applications"' in listing.text
    )

    # The person search, then the form for the chosen person.
    found = client.get("/applications/new?q=Bērziņš", headers=hx("pick-results"))
    assert found.status_code == 200 and f"/applications/new?person={ground['janis']}" in found.text
    page = client.get(f"/applications/new?person={ground['janis']}")
    assert "Garantētā minimālā ienākuma pabalsts" in page.text and "D-" in page.text

    # 422 in place, in Latvian.
    refused = client.post(
        "/applications",
        data=form(
            client, person=str(ground["janis"]), benefit_type_id="", received_on="31.02.2026", channel="x"
        ),
        headers=hx(),
    )
    assert refused.status_code == 422
    assert "Izvēlieties pabalstu no klasifikatora." in refused.text and "<html" not in refused.text
    assert rows_of(rw_sessions, tenant_a, select(Application)) == []

    address = received(client, ground)
    page = assess(client, address)
    assert "218,00\u00a0€" in page and "Tiesības ir" in page
    assert 'id="decide-dialog"' in page and 'hx-trigger="intersect once"' in page  # others checked on opening

    version = version_of(page)
    no_reasons = decision(client, address, version, reasons=" ")
    assert no_reasons.status_code == 422 and "Norādiet lēmuma pamatojumu" in no_reasons.text
    assert 'id="decision-form"' in no_reasons.text and rows_of(rw_sessions, tenant_a, select(Decision)) == []

    done = decision(client, address, version)
    assert done.status_code == 200 and done.headers["HX-Redirect"].startswith(address)
    page = client.get(address).text
    assert "LEM-" in page and "Piešķirts" in page and 'data-testid="grant"' in page
    assert 'id="decide-dialog"' not in page

    again = decision(client, address, version)
    assert again.status_code == 409 and "lēmums jau pieņemts" in again.text
    [grant] = rows_of(rw_sessions, tenant_a, select(BenefitGrant).order_by(BenefitGrant.id))
    grant = grant[0]
    assert grant.amount == Decimal("218.00")

    # The second member's application: the overlapping period is named.
    other = received(client, ground, person="anna")
    page = assess(client, other)
    clash = decision(client, other, version_of(page))
    assert clash.status_code == 422
    assert f"no {grant.valid_from:%d.%m.%Y} līdz {grant.valid_to:%d.%m.%Y}" in clash.text

    # Stopping the grant: a refused attempt in place, then the decision.
    stop = client.post(f"/grants/{grant.id}/stop", data=form(client, from_date="", reasons=""), headers=hx())
    assert stop.status_code == 422 and f'id="stop-{grant.id}-form"' in stop.text
    assert "Ievadiet perioda pirmo dienu." in stop.text
    day = (grant.valid_from + dt.timedelta(days=10)).strftime("%d.%m.%Y")
    stopped = client.post(
        f"/grants/{grant.id}/stop", data=form(client, from_date=day, reasons="Izbrauca."), headers=hx()
    )
    assert stopped.status_code == 200
    assert len(rows_of(rw_sessions, tenant_a, select(Decision))) == 2

    benefits = client.get(f"/persons/{ground['janis']}/benefits")
    assert benefits.status_code == 200 and "Piešķirtie pabalsti" in benefits.text and "GMI" in benefits.text
    expiring = client.get("/assistance/expiring?days=90")
    assert expiring.status_code == 200 and "Statusi un pabalsti, kuru termiņš beidzas" in expiring.text


def test_deciding_needs_the_permission_and_a_fresh_version(
    client, settings, rw_sessions, tenant_a, ground
) -> None:
    as_(client, ground, "benefit_officer")
    address = received(client, ground)
    page = assess(client, address)
    version = version_of(page)
    stale = decision(client, address, str(int(version) - 1))
    assert stale.status_code == 409 and "Kāds cits pa to laiku mainīja iesniegumu" in stale.text

    as_(client, ground, "social_worker")
    page = client.get(address).text
    assert 'id="decide-dialog"' not in page and "218,00\u00a0€" in page
    forbidden = decision(client, address, version)
    assert forbidden.status_code == 403
    assert client.get(f"{address}/decide").status_code == 403
    assert rows_of(rw_sessions, tenant_a, select(Decision)) == []


def test_hostile_input_is_never_a_500(client, ground) -> None:
    as_(client, ground, "benefit_officer")
    assert client.get(f"/applications/{uuid.uuid4()}").status_code == 404
    bad = client.get("/applications?status=<script>")
    assert bad.status_code == 200 and "<script>" not in bad.text.split("<main", 1)[1].replace(
        "&lt;script&gt;", ""
    )
    assert client.get("/applications?status=<script>", headers=hx("results")).status_code == 422
    assert client.get("/applications?after=%%%").status_code == 200
    assert client.get("/assistance/expiring?days=-5").status_code == 200
    address = received(client, ground)
    for amount in ("abc", "-1", "1e9", "12,345"):
        answer = decision(client, address, "1", outcome="partly_granted", amount=amount)
        assert answer.status_code in (409, 422)
    assert client.get(f"/grants/{uuid.uuid4()}/explode").status_code in (403, 404)
