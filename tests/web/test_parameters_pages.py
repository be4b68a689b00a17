"""The legal-parameters page: the national values on a chosen date in Latvian (87,50 € of 2023, the
"unconfirmed" markers, references), the municipality's values and the head of service's forms (added →
the page on the new period; refused → 422 in place, in Latvian, nothing saved), who may see and add,
and hostile input never a 500."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domains.assistance.models import MunicipalHousingCostNorm, MunicipalParameter
from tests.factories.cases import rows_of
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

PAGE = "/assistance/parameters"
HX = {"HX-Request": "true"}


@pytest.fixture
def staff(rw_sessions, tenant_a) -> dict[str, str]:
    found = {}
    for role in ("head_of_service", "benefit_officer", "readonly_institution"):
        username = f"{role[:8]}-{uuid.uuid4().hex[:6]}"
        create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name="Dace Kļaviņa")
        found[role] = username
    return found


def as_(client: Any, staff: dict[str, str], role: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, staff[role]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def form(client: Any, **fields: str) -> dict[str, str]:
    values = {
        "key": "low_income_first",
        "household_type": "",
        "value": "595",
        "valid_from": "01.01.2026",
        "valid_to": "",
        "legal_reference": "Saistošie noteikumi Nr. 12/2025, 3. p.",
    }
    return {"_csrf_token": client.headers["x-csrftoken"], **values, **fields}


def count(rw_sessions, tenant, model) -> int:
    return rows_of(rw_sessions, tenant, select(func.count()).select_from(model))[0][0]


def test_the_national_values_on_a_date_in_latvian(client, staff) -> None:
    as_(client, staff, "benefit_officer")
    page = client.get(PAGE, params={"on": "01.09.2023"})
    assert page.status_code == 200
    html = page.text
    assert "Sociālās palīdzības parametri" in html and "Minimālo ienākumu sliekšņi 01.09.2023" in html
    assert "87,50\xa0€" in html and "125,00\xa0€" in html and "501,00\xa0€" in html
    assert "Publicētā vērtība" in html and "Neapstiprināts" in html
    assert 'data-key="savings_limit"' in html and "SPSPL 36. p. 1. d. 2. p." in html
    assert "piemēro valstī noteikto maksimumu" in html  # no municipal low-income threshold
    assert 'id="value-form"' not in html  # only the head of service adds values


def test_the_assistants_hourly_rate_is_a_dated_national_value(client, staff) -> None:
    as_(client, staff, "benefit_officer")
    row = r'data-key="assistant_hourly_rate".*?</tr>'
    may_2021 = re.search(row, client.get(PAGE, params={"on": "01.05.2021"}).text, re.S)
    assert may_2021 and "3,70\xa0€" in may_2021.group(0) and "MK 942" in may_2021.group(0)
    assert "Neapstiprināts" not in may_2021.group(0)
    now = re.search(row, client.get(PAGE, params={"on": "01.09.2023"}).text, re.S)
    assert now and "Asistenta atlīdzība stundā ar nodokļiem" in now.group(0)
    assert "4,50\xa0€" in now.group(0) and "MK 316" in now.group(0) and "Neapstiprināts" in now.group(0)
    assert "jaunā summa šeit nav apstiprināta" in now.group(0)


def test_after_the_published_values_the_thresholds_are_derived(client, staff) -> None:
    as_(client, staff, "benefit_officer")
    html = client.get(PAGE, params={"on": "2027-02-01"}).text
    assert "Aprēķināts no ienākumu mediānas" in html and "187,00\xa0€" in html


def test_an_unreadable_date_is_422_with_the_message(client, staff) -> None:
    as_(client, staff, "benefit_officer")
    page = client.get(PAGE, params={"on": "31.02.2026"})
    assert page.status_code == 422
    assert "Kalendārā nav tādas dienas" in page.text and 'value="31.02.2026"' in page.text


def test_the_head_of_service_adds_a_threshold(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head_of_service")
    assert 'id="value-form"' in client.get(PAGE).text
    added = client.post(PAGE, data=form(client), headers=HX)
    assert added.status_code == 200 and added.headers["HX-Redirect"] == f"{PAGE}?on=01.01.2026"
    page = client.get(f"{PAGE}?on=01.01.2026").text
    assert "Saistošie noteikumi Nr. 12/2025, 3. p." in page and "595,00\xa0€" in page
    assert "417,00\xa0€" in page  # the other person's value not set: 595 × 0.7 = 416.5 → 417
    # Without htmx: 303 to the same place.
    plain = client.post(
        PAGE, data=form(client, household_type="single_pensioner", value="640"), follow_redirects=False
    )
    assert plain.status_code == 303 and plain.headers["location"] == f"{PAGE}?on=01.01.2026"
    assert count(rw_sessions, tenant_a, MunicipalParameter) == 2


def test_a_refused_form_comes_back_in_place_in_latvian(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head_of_service")
    refused = client.post(
        PAGE,
        data=form(client, value="daudz", valid_from="31.02.2026", legal_reference=" "),
        headers={**HX, "HX-Target": "value-form"},
    )
    assert refused.status_code == 422
    html = refused.text
    assert html.lstrip().startswith("<form") and 'id="value-form"' in html
    assert "Ievadiet summu eiro" in html and "Ievadiet atsauci uz tiesību aktu" in html
    assert 'aria-invalid="true"' in html and "daudz" in html
    below = client.post(PAGE, data=form(client, value="300"), headers=HX)
    assert below.status_code == 422 and "nedrīkst būt zemāks par trūcīgas" in below.text
    unknown = client.post(PAGE, data=form(client, key="gmi_first"), headers=HX)
    assert unknown.status_code == 422 and "Izvēlieties parametru" in unknown.text
    assert count(rw_sessions, tenant_a, MunicipalParameter) == 0


def test_a_gap_is_refused(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head_of_service")
    client.post(
        PAGE, data=form(client, valid_from="01.01.2025", valid_to="30.06.2025", value="528"), headers=HX
    )
    gap = client.post(PAGE, data=form(client, valid_from="01.09.2025", value="528"), headers=HX)
    assert gap.status_code == 422 and "nedrīkst būt pārtraukuma" in gap.text
    assert count(rw_sessions, tenant_a, MunicipalParameter) == 1


def test_a_more_generous_housing_norm(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "head_of_service")
    data = {
        "_csrf_token": client.headers["x-csrftoken"],
        "item": "rent",
        "first_person": "200",
        "each_other": "60",
        "valid_from": "01.01.2026",
        "valid_to": "",
        "legal_reference": "Saistošie noteikumi Nr. 5/2026",
    }
    meaner = client.post(f"{PAGE}/norms", data={**data, "first_person": "100"}, headers=HX)
    assert meaner.status_code == 422 and "labvēlīgāka par valsts normu" in meaner.text
    added = client.post(f"{PAGE}/norms", data=data, headers=HX)
    assert added.status_code == 200 and added.headers["HX-Redirect"] == f"{PAGE}?on=01.01.2026"
    assert count(rw_sessions, tenant_a, MunicipalHousingCostNorm) == 1
    assert "Pašvaldības" in client.get(f"{PAGE}?on=02.01.2026").text


def test_who_may_see_and_add(client, staff, rw_sessions, tenant_a) -> None:
    as_(client, staff, "benefit_officer")
    assert client.post(PAGE, data=form(client), headers=HX).status_code == 403
    assert client.post(f"{PAGE}/norms", data=form(client), headers=HX).status_code == 403
    as_(client, staff, "readonly_institution")
    assert client.get(PAGE).status_code == 403
    assert count(rw_sessions, tenant_a, MunicipalParameter) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"value": "9" * 40},
        {"value": "1e9999"},
        {"valid_from": "\x00"},
        {"household_type": "x" * 5000},
        {"legal_reference": "ā" * 301},
        {"valid_to": "01.01.2020"},
        {"key": ""},
    ],
)
def test_hostile_input_is_never_a_500(client, staff, fields: dict[str, str]) -> None:
    as_(client, staff, "head_of_service")
    assert client.post(PAGE, data=form(client, **fields), headers=HX).status_code == 422


def test_the_page_in_english(client, staff) -> None:
    as_(client, staff, "benefit_officer")
    client.cookies.set("lang", "en")
    html = client.get(PAGE, params={"on": "01.01.2026"}).text
    assert (
        "Legal parameters" in html and "Minimum-income thresholds on 01/01/2026" in html
    ) or "01.01.2026" in html
    assert "Unconfirmed" in html and "Needy threshold" in html
