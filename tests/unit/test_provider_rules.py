"""The provider register's pure rules (MK 385): five-year validity, states and acts, the computed expiry,
renewal, the line lists, and the checks of an application and a decision."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domains.providers import rules

D = dt.date
TODAY = D(2026, 3, 10)


@pytest.mark.parametrize(
    ("decided", "until"),
    [
        (D(2026, 3, 1), D(2031, 2, 28)),
        (D(2026, 1, 1), D(2030, 12, 31)),
        (D(2028, 2, 29), D(2033, 2, 27)),  # 29.02 → 28.02 five years on, the day before
    ],
)
def test_a_registration_is_valid_five_years_from_the_decision(decided: dt.date, until: dt.date) -> None:
    assert rules.valid_until(decided) == until


def test_which_act_follows_which_state() -> None:
    assert rules.may("review", "submitted") and not rules.may("review", "under_review")
    assert rules.may("register", "submitted") and rules.may("register", "under_review")
    assert rules.may("refuse", "under_review") and not rules.may("refuse", "registered")
    assert rules.may("change", "registered") and rules.may("exclude", "registered")
    for act in ("change", "exclude", "register"):
        for status in ("refused", "excluded", "renewed", "expired"):
            assert not rules.may(act, status)


def test_a_registration_past_its_validity_is_expired_and_may_be_renewed() -> None:
    assert rules.effective_status("registered", D(2026, 3, 10), TODAY) == "registered"
    assert rules.effective_status("registered", D(2026, 3, 9), TODAY) == "expired"
    assert rules.effective_status("excluded", D(2026, 3, 9), TODAY) == "excluded"
    assert rules.in_force("registered", TODAY, TODAY)
    assert rules.may_renew("registered", D(2026, 3, 9), TODAY)
    assert rules.may_renew("registered", D(2027, 1, 1), TODAY)
    assert not rules.may_renew("excluded", D(2027, 1, 1), TODAY)
    assert not rules.may_renew("submitted", None, TODAY)


def test_reminder_window_is_sixty_days() -> None:
    assert rules.reminder_due("registered", TODAY + dt.timedelta(days=60), TODAY)
    assert rules.reminder_due("registered", TODAY, TODAY)
    assert not rules.reminder_due("registered", TODAY + dt.timedelta(days=61), TODAY)
    assert not rules.reminder_due("registered", TODAY - dt.timedelta(days=1), TODAY)
    assert not rules.reminder_due("excluded", TODAY, TODAY)


def test_lines_are_stripped_deduplicated_and_kept_in_order() -> None:
    text = "  Aprūpe mājās \n\nDienas centrs\naprūpe   mājās\n Grupu māja"
    assert rules.lines(text) == ["Aprūpe mājās", "Dienas centrs", "Grupu māja"]
    assert rules.lines(None) == []


def _application(**given: object) -> rules.Errors:
    values: dict[str, object] = {
        "provider_name": "SIA Gādība",
        "provider_kind": "legal_person",
        "provider_code": "40003000000",
        "contact": "info@gadiba.lv",
        "service_types": ["Aprūpe mājās"],
        "addresses": ["Rīgas iela 1, Cēsis"],
        "documents": "Iesniegums; telpu atzinums",
        "submitted_on": D(2026, 3, 2),
        "today": TODAY,
    }
    values.update(given)
    errors: rules.Errors = {}
    rules.check_application(errors=errors, **values)  # type: ignore[arg-type]
    return errors


def test_a_complete_application_passes() -> None:
    assert _application() == {}


def test_an_application_names_the_provider_and_at_least_one_service_and_address() -> None:
    errors = _application(
        provider_name="", provider_kind="x", provider_code="", service_types=[], addresses=[]
    )
    assert errors == {
        "provider_name": [rules.NO_NAME],
        "provider_kind": [rules.NO_PROVIDER_KIND],
        "provider_code": [rules.NO_CODE],
        "service_types": [rules.NO_SERVICES],
        "addresses": [rules.NO_ADDRESSES],
    }


def test_application_limits_and_dates() -> None:
    errors = _application(
        provider_name="x" * 201,
        provider_code="1" * 21,
        service_types=["s" * 201],
        addresses=[f"a{i}" for i in range(51)],
        submitted_on=D(2026, 3, 11),
    )
    assert errors == {
        "provider_name": [rules.NAME_TOO_LONG],
        "provider_code": [rules.CODE_TOO_LONG],
        "service_types": [rules.SERVICE_TOO_LONG],
        "addresses": [rules.TOO_MANY],
        "submitted_on": [rules.SUBMITTED_IN_FUTURE],
    }
    assert _application(submitted_on=None) == {"submitted_on": [rules.NO_SUBMITTED_ON]}


def test_a_decision_is_dated_between_submission_and_today_and_a_refusal_gives_grounds() -> None:
    def check(decided: dt.date | None, reason: str = "", required: bool = False) -> rules.Errors:
        errors: rules.Errors = {}
        rules.check_decision(
            decided_on=decided,
            submitted_on=D(2026, 3, 2),
            reason=reason,
            reason_required=required,
            today=TODAY,
            errors=errors,
        )
        return errors

    assert check(D(2026, 3, 5)) == {}
    assert check(None) == {"decided_on": [rules.NO_DECIDED_ON]}
    assert check(D(2026, 3, 1)) == {"decided_on": [rules.DECIDED_BEFORE]}
    assert check(D(2026, 3, 11)) == {"decided_on": [rules.DECIDED_IN_FUTURE]}
    assert check(D(2026, 3, 5), required=True) == {"decision_reason": [rules.NO_REASON]}
    assert check(D(2026, 3, 5), "Neatbilst prasībām", required=True) == {}


def test_the_expiry_reminders_run_every_morning() -> None:
    from workers.actors.providers import PROVIDER_REMINDERS
    from workers.schedules import PERIODIC_JOBS

    [job] = [j for j in PERIODIC_JOBS if j.actor_name == PROVIDER_REMINDERS]
    assert job.schedule == "13 8 * * *"
