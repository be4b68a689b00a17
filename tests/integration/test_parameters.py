"""Legal parameters against a real database (as app_rw, under RLS): the national values the migration
loads (thresholds 2021–2026, 87.50 of 2023, unconfirmed flags, every key tiling time), the municipal
overrides winning on their dates and only in their municipality, and the service's refusals — nothing
written by a refused act, every act audited."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import ChangeLog
from app.domains.assistance.models import HousingCostNorm, LegalParameter, MunicipalParameter
from app.domains.assistance.parameters import (
    LegalParameters,
    MissingParameter,
    load_parameters,
    national_parameters,
)
from app.domains.assistance.parameters_service import (
    ABOVE_MAXIMUM,
    BELOW_NATIONAL_NORM,
    BELOW_NEEDY,
    NEGATIVE,
    NO_REFERENCE,
    UNKNOWN_HOUSEHOLD_TYPE,
    UNKNOWN_ITEM,
    UNKNOWN_KEY,
    set_municipal_housing_norm,
    set_municipal_parameter,
)
from app.domains.assistance.rules import LOW_INCOME_NATIONAL_MAX, low_income_threshold, threshold
from app.domains.assistance.rules_tiling import GAP_BEFORE, OVERLAP, ParameterPeriod, tiling_errors
from app.errors import Forbidden, InvalidInput
from tests.factories.cases import actor_for, rows_of, run_act
from tests.factories.staff import create_staff

D = Decimal


@pytest.fixture
def world(settings, rw_sessions, tenant_a, tenant_b) -> dict[str, Any]:
    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, full_name="Dace Kļaviņa")
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, full_name="Ilze Bērziņa")
    return {
        "settings": settings,
        "head": actor_for(tenant_a, head, "head_of_service"),
        "officer": actor_for(tenant_a, officer, "benefit_officer"),
        "tenant": tenant_a,
        "other": tenant_b,
    }


def load(
    world: dict[str, Any], on: dt.date, tenant: str = "tenant", household_type: str = ""
) -> LegalParameters:
    return run_act(world["settings"], world[tenant], lambda s: load_parameters(s, on, household_type))


def set_value(world: dict[str, Any], who: str = "head", **kw: Any) -> Any:
    values: dict[str, Any] = {
        "key": "low_income_first",
        "household_type": "",
        "value": D("595"),
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": None,
        "legal_reference": "Saistošie noteikumi Nr. 12/2025, 3. p.",
    }
    values.update(kw)

    async def act(session: AsyncSession) -> Any:
        row = await set_municipal_parameter(session, world[who], **values)
        return (row.key, row.household_type, row.value, row.valid_from, row.valid_to)

    return run_act(world["settings"], world["tenant"], act)


def count(rw_sessions, tenant, model) -> int:
    return rows_of(rw_sessions, tenant, select(func.count()).select_from(model))[0][0]


def audit(rw_sessions, tenant) -> list[tuple[str, Any, Any]]:
    """This area's change-log entries (staff set-up writes its own), oldest first."""
    query = (
        select(ChangeLog.action, ChangeLog.before, ChangeLog.after)
        .where(ChangeLog.action.like("assistance:%"))
        .order_by(ChangeLog.id)
    )
    return [tuple(r) for r in rows_of(rw_sessions, tenant, query)]


# --- national values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "gmi", "needy", "maximum"),
    [
        (dt.date(2021, 3, 1), ("109", "76"), ("272", "190"), ("436", "305")),
        (dt.date(2023, 6, 30), ("109", "76"), ("272", "190"), ("436", "305")),
        (dt.date(2023, 7, 1), ("125", "87.50"), ("313", "219"), ("501", "351")),
        (dt.date(2024, 5, 1), ("137", "96"), ("343", "240"), ("549", "384")),
        (dt.date(2025, 12, 31), ("166", "116"), ("377", "264"), ("604", "423")),
        (dt.date(2026, 1, 1), ("187", "131"), ("425", "298"), ("680", "476")),
        # After the published 2026 values end, they are derived from the (open-ended) 2026 median.
        (dt.date(2027, 3, 1), ("187", "131"), ("425", "298"), ("680", "476")),
    ],
)
def test_the_national_thresholds_by_date(world, on, gmi, needy, maximum) -> None:
    p = load(world, on)
    for kind, (first, other) in (("gmi", gmi), ("needy", needy), ("low_income_max", maximum)):
        found = threshold(kind, p)
        assert (found.first, found.other) == (D(first).quantize(D("0.01")), D(other).quantize(D("0.01"))), (
            kind
        )


def test_the_published_values_equal_the_derived_ones_except_the_2023_gmi_other(world) -> None:
    published = ("gmi_first", "gmi_other", "needy_first", "needy_other", "low_income_max_first")
    for on in (dt.date(2023, 7, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1), dt.date(2026, 1, 1)):
        p = load(world, on)
        derived = LegalParameters(on=on, values={k: v for k, v in p.values.items() if k not in published})
        for kind in ("gmi", "needy", "low_income_max"):
            mine, theirs = threshold(kind, derived), threshold(kind, p)
            assert mine.first == theirs.first, (on, kind)
            if (on, kind) != (dt.date(2023, 7, 1), "gmi"):
                assert mine.other == theirs.other, (on, kind)
    july_2023 = load(world, dt.date(2023, 7, 1))
    assert july_2023.get("gmi_other").value == D("87.50")


def test_values_carry_references_and_unconfirmed_flags(world) -> None:
    p = load(world, dt.date(2026, 2, 1))
    assert p.get("savings_limit").value == D("272") and p.get("savings_limit").unconfirmed
    assert (
        p.get("other_person_coefficient").value == D("0.7")
        and not p.get("other_person_coefficient").unconfirmed
    )
    assert p.get("rounding_quantum").unconfirmed and p.get("regular_income_months").unconfirmed
    assert p.get("gmi_percent").value == D("22") and p.get("gmi_percent").legal_reference == "SPSPL 33. p."
    assert [p.get(k).value for k in ("vehicles_max", "vehicles_max_with_children", "land_max_hectares")] == [
        1,
        2,
        5,
    ]
    assert [p.get(k).value for k in ("status_period_months", "status_period_months_long")] == [3, 6]
    wages = {year: load(world, dt.date(year, 6, 1)).get("minimum_wage").value for year in (2024, 2025, 2026)}
    assert wages == {2024: D("700"), 2025: D("740"), 2026: D("780")}
    assert load(world, dt.date(2025, 6, 1)).get("income_median").unconfirmed
    assert p.housing_norms["rent"].unconfirmed and p.housing_norms["electricity"].unit == "kWh"


def test_housing_coefficients_by_date(world) -> None:
    keys = (
        "housing_coefficient_single_pensioner",
        "housing_coefficient_pensioners",
        "housing_coefficient_other",
    )
    crisis = load(world, dt.date(2022, 10, 1))
    assert [crisis.get(k).value for k in keys] == [3, 3, 3]
    permanent = load(world, dt.date(2023, 6, 1))
    assert [permanent.get(k).value for k in keys] == [D("2.5"), 2, D("1.5")]
    assert load(world, dt.date(2023, 5, 15)).get(keys[0]).unconfirmed
    with pytest.raises(MissingParameter) as missing:
        load(world, dt.date(2022, 6, 1)).get(keys[2])
    assert missing.value.key == keys[2] and missing.value.on == dt.date(2022, 6, 1)


def test_a_date_before_the_values_is_a_clear_error(world) -> None:
    p = load(world, dt.date(2019, 6, 1))
    with pytest.raises(MissingParameter) as missing:
        threshold("gmi", p)
    assert missing.value.status_code == 422 and missing.value.errors["parameters"]


def test_every_national_key_tiles_time_without_overlap_or_gap(rw_sessions, tenant_a) -> None:
    rows = rows_of(
        rw_sessions, tenant_a, select(LegalParameter.key, LegalParameter.valid_from, LegalParameter.valid_to)
    )
    assert len(rows) > 60
    for key, group in itertools.groupby(sorted(rows), key=lambda r: r[0]):
        assert tiling_errors(ParameterPeriod(r[1], r[2]) for r in group) == [], key
    norms = rows_of(
        rw_sessions,
        tenant_a,
        select(HousingCostNorm.item, HousingCostNorm.valid_from, HousingCostNorm.valid_to),
    )
    assert len(norms) == 15
    for item, group in itertools.groupby(sorted(norms), key=lambda r: r[0]):
        assert tiling_errors(ParameterPeriod(r[1], r[2]) for r in group) == [], item


# --- municipal overrides ----------------------------------------------------------------------------------


def test_the_municipal_threshold_wins_on_its_dates_and_only_in_its_municipality(
    world, rw_sessions, tenant_a
) -> None:
    set_value(world)
    set_value(world, key="low_income_other", value=D("416"))
    mine = low_income_threshold(load(world, dt.date(2026, 3, 1)))
    assert (mine.first, mine.other) == (D("595.00"), D("416.00"))
    before = low_income_threshold(load(world, dt.date(2025, 12, 31)))
    assert (before.first, before.other) == (D("604.00"), D("423.00"))
    assert before.lines[0].label == LOW_INCOME_NATIONAL_MAX
    other = low_income_threshold(load(world, dt.date(2026, 3, 1), tenant="other"))
    assert other.first == D("680.00") and other.lines[0].label == LOW_INCOME_NATIONAL_MAX
    entries = audit(rw_sessions, tenant_a)
    assert [a for a, _, _ in entries] == ["assistance:parameter:set"] * 2
    assert entries[0][2]["value"] == "595" and entries[0][2]["legal_reference"].startswith("Saistošie")


def test_a_threshold_for_a_household_type(world) -> None:
    set_value(world)
    set_value(world, household_type="single_pensioner", value=D("640"))
    p = load(world, dt.date(2026, 5, 1), household_type="single_pensioner")
    assert low_income_threshold(p).first == D("640.00")
    assert low_income_threshold(p, "working_age").first == D("595.00")


def test_an_open_ended_period_is_closed_the_day_before_the_next_and_audited(
    world, rw_sessions, tenant_a
) -> None:
    set_value(world, value=D("528"), valid_from=dt.date(2025, 1, 1))
    set_value(world, value=D("595"), valid_from=dt.date(2026, 1, 1))
    periods = rows_of(
        rw_sessions,
        tenant_a,
        select(MunicipalParameter.valid_from, MunicipalParameter.valid_to, MunicipalParameter.value).order_by(
            MunicipalParameter.valid_from
        ),
    )
    assert periods == [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31), D("528.0000")),
        (dt.date(2026, 1, 1), None, D("595.0000")),
    ]
    closing = rows_of(
        rw_sessions,
        tenant_a,
        select(ChangeLog.before, ChangeLog.after).where(ChangeLog.action == "assistance:parameter:close"),
    )
    assert closing == [({"valid_to": None}, {"valid_to": "2025-12-31"})]
    assert low_income_threshold(load(world, dt.date(2025, 7, 1))).first == D("528.00")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"valid_from": dt.date(2026, 1, 1)}, "valid_from", OVERLAP),  # the same start again
        ({"valid_from": dt.date(2025, 6, 1), "valid_to": dt.date(2026, 2, 1)}, "valid_to", OVERLAP),
        ({"valid_from": dt.date(2025, 6, 1), "valid_to": dt.date(2025, 11, 30)}, "valid_to", "gap"),
        ({"value": D("300")}, "value", BELOW_NEEDY),
        ({"value": D("680.01")}, "value", ABOVE_MAXIMUM),
        ({"key": "gmi_first"}, "key", UNKNOWN_KEY),
        ({"household_type": "aliens"}, "household_type", UNKNOWN_HOUSEHOLD_TYPE),
        ({"value": D("-1")}, "value", NEGATIVE),
        ({"legal_reference": "   "}, "legal_reference", NO_REFERENCE),
    ],
)
def test_refusals_write_nothing(world, rw_sessions, tenant_a, change, field, message) -> None:
    set_value(world)  # 01.01.2026, open-ended
    with pytest.raises(InvalidInput) as refused:
        set_value(world, **change)
    assert field in refused.value.errors
    if message != "gap":
        assert refused.value.errors[field] == [message]
    else:
        assert "no gap" in refused.value.errors[field][0]
    assert count(rw_sessions, tenant_a, MunicipalParameter) == 1
    assert len(audit(rw_sessions, tenant_a)) == 1


def test_a_gap_after_a_closed_period_is_refused(world) -> None:
    set_value(world, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30), value=D("528"))
    with pytest.raises(InvalidInput) as refused:
        set_value(world, valid_from=dt.date(2025, 8, 1), value=D("528"))
    assert refused.value.errors == {"valid_from": [GAP_BEFORE]}
    assert set_value(world, valid_from=dt.date(2025, 7, 1), value=D("528"))[3] == dt.date(2025, 7, 1)


def test_the_bounds_are_checked_on_every_date_the_period_covers(world) -> None:
    # 400 is above the 2025 needy threshold (377) but below the 2026 one (425).
    with pytest.raises(InvalidInput) as refused:
        set_value(world, valid_from=dt.date(2025, 6, 1), value=D("400"))
    assert refused.value.errors == {"value": [BELOW_NEEDY]}
    assert set_value(world, valid_from=dt.date(2025, 6, 1), valid_to=dt.date(2025, 12, 31), value=D("400"))


def test_only_the_head_of_service_sets_parameters(world, rw_sessions, tenant_a) -> None:
    with pytest.raises(Forbidden):
        set_value(world, who="officer")
    assert count(rw_sessions, tenant_a, MunicipalParameter) == 0


def test_a_more_generous_housing_norm(world, rw_sessions, tenant_a) -> None:
    async def norm(session: AsyncSession, **kw: Any) -> Any:
        values = {
            "item": "rent",
            "first_person": D("200"),
            "each_other": D("60"),
            "valid_from": dt.date(2026, 1, 1),
            "valid_to": None,
            "legal_reference": "Saistošie noteikumi Nr. 5/2026, 7. p.",
        }
        return await set_municipal_housing_norm(session, world["head"], **(values | kw))

    run_act(world["settings"], tenant_a, norm)
    rent = load(world, dt.date(2026, 2, 1)).housing_norms["rent"]
    assert rent.municipal and rent.cap(2) == D("320")  # 200 + 60 × 2
    assert load(world, dt.date(2026, 2, 1), tenant="other").housing_norms["rent"].cap(2) == D("250")
    for change, field, message in (
        ({"first_person": D("100"), "valid_from": dt.date(2027, 1, 1)}, "first_person", BELOW_NATIONAL_NORM),
        ({"item": "yacht", "valid_from": dt.date(2027, 1, 1)}, "item", UNKNOWN_ITEM),
        ({"valid_from": dt.date(2026, 1, 1)}, "valid_from", OVERLAP),
    ):
        with pytest.raises(InvalidInput) as refused:
            run_act(world["settings"], tenant_a, lambda s, change=change: norm(s, **change))
        assert refused.value.errors[field] == [message]
    assert [a for a, _, _ in audit(rw_sessions, tenant_a)] == ["assistance:housing_norm:set"]


def test_national_parameters_hold_no_municipal_values(world) -> None:
    set_value(world)
    national = run_act(
        world["settings"], world["tenant"], lambda s: national_parameters(s, dt.date(2026, 2, 1))
    )
    assert national.optional("low_income_first") is None and national.get("needy_first").value == D("425")
