"""The declaration pages: the person's Assistance tab (listing, starting, a refused start in Latvian), the
declaration page with its household, income tables and computation; entering incomes inline (saved, or
refused in place with Latvian messages and nothing saved: a month outside the period, negative and
non-numeric amounts), a member not in the household, property and housing costs, submitting (then 409),
a stale version (409), who may see what, and hostile input that is never a 500."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domains.assistance.models import Declaration, DeclarationHousingCost, DeclarationIncome
from app.domains.assistance.queries import declaration_card
from app.domains.assistance.service import submit_declaration
from app.domains.people.models import Person
from app.web.routes.case_forms import today as riga_today
from tests.factories.cases import actor_for, rows_of, run_act
from tests.factories.declarations import Family, make_family, start
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

TODAY = riga_today()


def hx(target: str | None = None) -> dict[str, str]:
    return {"HX-Request": "true", **({"HX-Target": target} if target else {})}


def month_key(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def months_before(n: int) -> dt.date:
    index = TODAY.year * 12 + TODAY.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


REGULAR = [months_before(n) for n in (3, 2, 1)]


@pytest.fixture
def staff(rw_sessions, tenant_a) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, role in (
        ("officer", "benefit_officer"),
        ("accountant", "accountant"),
        ("readonly", "readonly_institution"),
    ):
        username = f"{key}-{uuid.uuid4().hex[:6]}"
        user_id = create_staff(rw_sessions, {tenant_a: [role]}, username=username, full_name=f"{key} Liepa")
        found[key] = {"username": username, "id": user_id, "actor": actor_for(tenant_a, user_id, role)}
    return found


@pytest.fixture
def family(rw_sessions, tenant_a) -> Family:
    return make_family(rw_sessions, tenant_a)


def as_(client: Any, staff: dict[str, Any], who: str) -> Any:
    client.cookies.clear()
    client.headers.pop("x-csrftoken", None)
    assert sign_in(client, staff[who]["username"]).status_code in (302, 303)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def form(client: Any, **fields: Any) -> dict[str, Any]:
    return {"_csrf_token": client.headers["x-csrftoken"], **fields}


def declaration_of(settings, tenant, staff, family) -> uuid.UUID:
    return start(settings, tenant, staff["officer"]["actor"], family.janis, TODAY)


def card(settings, tenant, declaration_id) -> Any:
    return run_act(settings, tenant, lambda s: declaration_card(s, declaration_id))


def member_id(settings, tenant, declaration_id, person_id) -> uuid.UUID:
    return next(m.id for m in card(settings, tenant, declaration_id).members if m.person_id == person_id)


def plain(text: str) -> str:
    """The page's text with the non-breaking spaces of Latvian amounts as plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def count(rw_sessions, tenant, model) -> int:
    return rows_of(rw_sessions, tenant, select(func.count()).select_from(model))[0][0]


# --- the person tab ---------------------------------------------------------------------------------------


def test_the_tab_starts_a_declaration_and_lists_it(
    client, settings, rw_sessions, tenant_a, staff, family
) -> None:
    as_(client, staff, "officer")
    page = client.get(f"/persons/{family.janis}/assistance")
    assert page.status_code == 200
    assert 'data-tab="assistance"' in page.text and ">Palīdzība<" in page.text
    assert "Vēl nav deklarāciju." in page.text
    answer = client.post(
        f"/persons/{family.janis}/declarations",
        data=form(client, declared_on=TODAY.strftime("%d.%m.%Y")),
        headers=hx(),
    )
    assert answer.status_code == 200
    declaration_id = rows_of(rw_sessions, tenant_a, select(Declaration.id))[0][0]
    assert answer.headers["hx-redirect"] == f"/declarations/{declaration_id}"
    listed = client.get(f"/persons/{family.anna}/assistance", headers=hx("person-tab"))
    assert f"D-{TODAY.year}/00001" in listed.text and "Melnraksts" in listed.text
    assert 'id="person-tabs"' in listed.text  # the tab bar out of band


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.02.2026", "Kalendārā nav tādas dienas"),
        ((TODAY + dt.timedelta(days=3)).strftime("%d.%m.%Y"), "Deklarācijas datums nevar būt nākotnē."),
        ("", "Ievadiet deklarācijas datumu."),
    ],
)
def test_a_refused_start_comes_back_in_latvian(
    client, rw_sessions, tenant_a, staff, family, value, message
) -> None:
    as_(client, staff, "officer")
    answer = client.post(
        f"/persons/{family.janis}/declarations", data=form(client, declared_on=value), headers=hx()
    )
    assert answer.status_code == 422
    assert message in answer.text and 'id="start-declaration"' in answer.text
    assert count(rw_sessions, tenant_a, Declaration) == 0
    plain = client.post(f"/persons/{family.janis}/declarations", data=form(client, declared_on=value))
    assert plain.status_code == 422 and message in plain.text and "<h1>Jānis Bērziņš</h1>" in plain.text


def test_who_sees_the_tab(client, settings, tenant_a, staff, family) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    as_(client, staff, "readonly")
    assert 'data-tab="assistance"' not in client.get(f"/persons/{family.janis}").text
    assert client.get(f"/persons/{family.janis}/assistance").status_code == 403
    assert client.get(f"/declarations/{declaration_id}").status_code == 403
    as_(client, staff, "accountant")  # may view, not change
    page = client.get(f"/declarations/{declaration_id}")
    assert page.status_code == 200 and "Ievadīt ienākumus" not in page.text
    assert 'data-testid="start-declaration"' not in client.get(f"/persons/{family.janis}/assistance").text
    refused = client.post(
        f"/declarations/{declaration_id}/property", data=form(client, vehicles="1"), headers=hx()
    )
    assert refused.status_code == 403
    assert client.get(f"/declarations/{uuid.uuid4()}").status_code == 404


# --- the declaration page ---------------------------------------------------------------------------------


def test_the_page_shows_household_incomes_and_computation(client, settings, tenant_a, staff, family) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    as_(client, staff, "officer")
    page = client.get(f"/declarations/{declaration_id}")
    assert page.status_code == 200
    text = page.text
    assert "Iztikas līdzekļu deklarācija" in text
    for name in ("Jānis Bērziņš", "Anna Bērziņa", "Roberts Bērziņš", "Velta Kalniņa"):
        assert name in text
    assert "Laulātais" in text and "Pensionārs" in text and "Invaliditātes II grupa" in text
    assert 'data-testid="computation"' in text
    assert 'data-testid="result-gmi"' in text and "Garantētā minimālā ienākuma pabalsts" in text
    assert REGULAR[0].strftime("%m.%Y") in text


def grid(
    client: Any, version: int, rows: list[dict[str, str]], irregular: list[dict[str, str]] = ()
) -> dict[str, Any]:  # type: ignore[assignment]
    fields: dict[str, Any] = {"version": str(version)}
    for i, row in enumerate(rows):
        fields[f"r{i}-type"] = row["type"]
        for month in REGULAR:
            fields[f"r{i}-{month_key(month)}"] = row.get(month_key(month), "")
        fields[f"r{i}-source"] = row.get("source", "")
    for i, row in enumerate(irregular):
        for key in ("type", "month", "amount", "source"):
            fields[f"i{i}-{key}"] = row.get(key, "")
    return form(client, **fields)


def test_entering_incomes_inline_updates_the_tables_and_the_computation(
    client, settings, rw_sessions, tenant_a, staff, family
) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    janis = member_id(settings, tenant_a, declaration_id, family.janis)
    as_(client, staff, "officer")
    opened = client.get(
        f"/declarations/{declaration_id}?edit=incomes&member={janis}", headers=hx(f"member-{janis}")
    )
    assert opened.status_code == 200 and f'id="incomes-form-{janis}"' in opened.text
    assert "<html" not in opened.text and 'name="r0-type"' in opened.text
    wages = {month_key(m): v for m, v in zip(REGULAR, ("900", "900,00", "1 000"), strict=True)}
    data = grid(
        client,
        1,
        [{"type": "wages", **wages, "source": "SIA Koks"}],
        [{"type": "property_sale", "month": month_key(months_before(6)), "amount": "1200"}],
    )
    saved = client.post(
        f"/declarations/{declaration_id}/members/{janis}/incomes", data=data, headers=hx(f"member-{janis}")
    )
    assert saved.status_code == 200
    assert saved.headers["hx-retarget"] == "#declaration" and saved.headers["hx-reswap"] == "outerHTML"
    assert "Ienākumi saglabāti" in saved.text
    assert "1 000,00 €" in plain(saved.text) and "SIA Koks" in saved.text
    assert "1 033,33 €" in plain(saved.text)  # (900 + 900 + 1000) / 3 + 1200 / 12
    assert count(rw_sessions, tenant_a, DeclarationIncome) == 4
    assert 'data-testid="result-gmi"' in saved.text  # the computation is redone
    # Without htmx: a redirect back to the member.
    again = client.post(
        f"/declarations/{declaration_id}/members/{janis}/incomes",
        data=grid(client, 2, []),
        follow_redirects=False,
    )
    assert again.status_code == 303 and again.headers["location"].endswith(f"#member-{janis}")
    assert count(rw_sessions, tenant_a, DeclarationIncome) == 0


@pytest.mark.parametrize(
    ("rows", "irregular", "message"),
    [
        ([{"type": "wages", month_key(REGULAR[0]): "-5"}], [], "Summa nevar būt negatīva."),
        (
            [{"type": "wages", month_key(REGULAR[1]): "simts"}],
            [],
            "Ievadiet summu kā skaitli eiro, piemēram, 450,00.",
        ),
        ([{"type": "", month_key(REGULAR[1]): "100"}], [], "Izvēlieties ienākumu veidu no saraksta."),
        (
            [],
            [{"type": "gift", "month": month_key(months_before(0)), "amount": "50"}],
            "ir ārpus deklarācijas perioda: neregulāros ienākumus deklarē par 12 mēnešiem",
        ),
        (
            [{"type": "wages", month_key(REGULAR[2]): "500"}],
            [{"type": "gift", "month": month_key(months_before(13)), "amount": "50"}],
            "ir ārpus deklarācijas perioda",
        ),
    ],
)
def test_bad_incomes_come_back_in_place_in_latvian_and_nothing_is_saved(
    client, settings, rw_sessions, tenant_a, staff, family, rows, irregular, message
) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    anna = member_id(settings, tenant_a, declaration_id, family.anna)
    as_(client, staff, "officer")
    answer = client.post(
        f"/declarations/{declaration_id}/members/{anna}/incomes",
        data=grid(client, 1, rows, irregular),
        headers=hx(f"member-{anna}"),
    )
    assert answer.status_code == 422
    assert message in answer.text and f'id="incomes-form-{anna}"' in answer.text
    assert 'aria-invalid="true"' in answer.text and "Ienākumi netika saglabāti" in answer.text
    assert count(rw_sessions, tenant_a, DeclarationIncome) == 0
    assert card(settings, tenant_a, declaration_id).version == 1
    plain = client.post(
        f"/declarations/{declaration_id}/members/{anna}/incomes", data=grid(client, 1, rows, irregular)
    )
    assert plain.status_code == 422 and message in plain.text and "<html" in plain.text


def test_a_member_not_in_the_household(client, settings, rw_sessions, tenant_a, staff, family) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    other = start(settings, tenant_a, staff["officer"]["actor"], family.neighbour, TODAY)
    stranger = member_id(settings, tenant_a, other, family.neighbour)
    as_(client, staff, "officer")
    added = client.post(
        f"/declarations/{declaration_id}/members",
        data=form(client, version="1", person_id=str(family.neighbour), relation="other"),
        headers=hx("declaration-household"),
    )
    assert added.status_code == 422
    assert "Šī persona deklarācijas datumā nebija iesniedzēja mājsaimniecības loceklis." in added.text
    incomes = client.post(
        f"/declarations/{declaration_id}/members/{stranger}/incomes",
        data=grid(client, 1, [{"type": "wages", month_key(REGULAR[0]): "10"}]),
        headers=hx(f"member-{stranger}"),
    )
    assert (
        incomes.status_code == 422
        and "Šī persona nav šīs deklarācijas mājsaimniecības loceklis." in incomes.text
    )
    assert count(rw_sessions, tenant_a, DeclarationIncome) == 0
    # Without a household, a person is added by personal code.
    anna_code = rows_of(rw_sessions, tenant_a, select(Person.personal_code).where(Person.id == family.anna))[
        0
    ][0]
    unknown = client.post(
        f"/declarations/{other}/members",
        data=form(client, version="1", personal_code="320000-00000", relation="partner"),
        headers=hx("declaration-household"),
    )
    assert (
        unknown.status_code == 422
        and "Šajā pašvaldībā nav reģistrēta persona ar šādu personas kodu." in unknown.text
    )
    ok = client.post(
        f"/declarations/{other}/members",
        data=form(client, version="1", personal_code=anna_code, relation="partner", social_status="employed"),
        headers=hx("declaration-household"),
    )
    assert ok.status_code == 200 and "Loceklis pievienots" in ok.text and "Anna Bērziņa" in ok.text


def test_property_and_housing_costs_inline(client, settings, rw_sessions, tenant_a, staff, family) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    as_(client, staff, "officer")
    opened = client.get(f"/declarations/{declaration_id}?edit=housing", headers=hx("declaration-housing"))
    assert (
        opened.status_code == 200
        and 'id="housing-form"' in opened.text
        and 'name="cost-rent-amount"' in opened.text
    )
    bad = client.post(
        f"/declarations/{declaration_id}/housing",
        data=form(client, version="1", **{"cost-rent-amount": "-10", "cost-heating-amount": "abc"}),
        headers=hx("declaration-housing"),
    )
    assert bad.status_code == 422 and "Summa nevar būt negatīva." in bad.text
    assert count(rw_sessions, tenant_a, DeclarationHousingCost) == 0
    good = client.post(
        f"/declarations/{declaration_id}/housing",
        data=form(client, version="1", **{"cost-rent-amount": "150", "cost-heating-amount": "60,40"}),
        headers=hx("declaration-housing"),
    )
    assert good.status_code == 200 and "210,40 €" in plain(good.text)
    prop = client.post(
        f"/declarations/{declaration_id}/property",
        data=form(client, version="2", vehicles="1", savings="-1", land_hectares="x"),
        headers=hx("declaration-property"),
    )
    assert (
        prop.status_code == 422
        and "Summa nevar būt negatīva." in prop.text
        and 'id="property-form"' in prop.text
    )
    prop = client.post(
        f"/declarations/{declaration_id}/property",
        data=form(client, version="2", vehicles="1", savings="300", owns_dwelling="on"),
        headers=hx("declaration-property"),
    )
    assert prop.status_code == 200 and "Īpašums saglabāts" in prop.text


def test_stale_versions_and_submitted_declarations_are_409(client, settings, tenant_a, staff, family) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    as_(client, staff, "officer")
    assert (
        client.post(
            f"/declarations/{declaration_id}/property",
            data=form(client, version="1", vehicles="1"),
            headers=hx(),
        ).status_code
        == 200
    )
    stale = client.post(
        f"/declarations/{declaration_id}/property", data=form(client, version="1", vehicles="2"), headers=hx()
    )
    assert stale.status_code == 409 and stale.headers["hx-retarget"] == "#status"
    assert "Kāds cits pa to laiku mainīja deklarāciju" in stale.text
    unsigned = client.post(
        f"/declarations/{declaration_id}/submit",
        data=form(client, version="2"),
        headers=hx("declaration-submit"),
    )
    assert unsigned.status_code == 422 and "Apstipriniet" in unsigned.text
    done = client.post(
        f"/declarations/{declaration_id}/submit", data=form(client, version="2", signed="on"), headers=hx()
    )
    assert (
        done.status_code == 200
        and "Deklarācija iesniegta" in done.text
        and "Ievadīt ienākumus" not in done.text
    )
    late = client.post(
        f"/declarations/{declaration_id}/property", data=form(client, vehicles="3"), headers=hx()
    )
    assert late.status_code == 409 and "Deklarācija ir iesniegta" in late.text
    assert card(settings, tenant_a, declaration_id).vehicles == 1


def test_discarding_goes_back_to_the_tab(client, settings, rw_sessions, tenant_a, staff, family) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    as_(client, staff, "officer")
    answer = client.post(
        f"/declarations/{declaration_id}/discard", data=form(client, version="1"), headers=hx()
    )
    assert answer.headers["hx-redirect"] == f"/persons/{family.janis}/assistance"
    assert count(rw_sessions, tenant_a, Declaration) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"version": "x" * 50, "r0-type": "wages"},
        {"version": "1", "r999-type": "wages", "r0-type": "\x00", "r0-9999-99": "1e999999"},
        {"version": "1", "i0-type": "gift", "i0-month": "2026-02-30", "i0-amount": "NaN"},
        {"version": "1", "r0-type": "wages", "r0-" + month_key(REGULAR[0]): "Infinity"},
        {"version": "-1", "i0-type": "gift", "i0-month": "0000-00", "i0-amount": "1" * 40},
    ],
)
def test_hostile_income_input_is_never_a_500(client, settings, tenant_a, staff, family, fields) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    janis = member_id(settings, tenant_a, declaration_id, family.janis)
    as_(client, staff, "officer")
    answer = client.post(
        f"/declarations/{declaration_id}/members/{janis}/incomes",
        data=form(client, **fields),
        headers=hx(f"member-{janis}"),
    )
    assert answer.status_code in (200, 409, 422), answer.text[:500]


def test_a_submitted_declaration_is_read_only_on_the_page(client, settings, tenant_a, staff, family) -> None:
    declaration_id = declaration_of(settings, tenant_a, staff, family)
    officer = staff["officer"]["actor"]
    run_act(
        settings,
        tenant_a,
        lambda s: submit_declaration(
            s, officer, declaration_id, version=None, signed=True, now=dt.datetime.now(dt.UTC)
        ),
    )
    as_(client, staff, "officer")
    page = client.get(f"/declarations/{declaration_id}?edit=property")
    assert page.status_code == 200
    assert 'id="property-form"' not in page.text and 'id="submit-form"' not in page.text
    assert 'data-testid="declaration-status"' in page.text
    assert "Iesniegtu deklarāciju vairs nevar mainīt" in page.text
