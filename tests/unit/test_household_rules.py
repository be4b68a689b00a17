"""Household and relationship rules, read as a specification: periods with inclusive ends, one household
per person per day, inverse kinds, plausible parents, one current spouse."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from app.domains.households.rules import (
    INVERSE_KIND,
    MEMBER_ROLES,
    RELATIONSHIP_KINDS,
    Membership,
    Period,
    Related,
    age_on,
    clean_text,
    household_errors,
    inverse_kind,
    is_symmetric,
    membership_clash,
    overlapping_rows,
    period_errors,
    relationship_errors,
    role_errors,
)

D = dt.date
TODAY = D(2026, 11, 23)
HOME, OTHER = uuid.uuid4(), uuid.uuid4()
A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


# --- periods ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (Period(D(2020, 1, 1), D(2020, 12, 31)), Period(D(2021, 1, 1)), False),  # the next day: no overlap
        (Period(D(2020, 1, 1), D(2020, 12, 31)), Period(D(2020, 12, 31)), True),  # the last day is inclusive
        (Period(D(2020, 1, 1)), Period(D(2030, 1, 1), D(2030, 1, 2)), True),  # open ends run on
        (Period(D(2020, 6, 1), D(2020, 6, 1)), Period(D(2020, 1, 1), D(2020, 12, 31)), True),  # inside
        (Period(D(2021, 1, 1)), Period(D(2020, 1, 1), D(2020, 12, 31)), False),  # entirely before
        (Period(D(2020, 1, 1)), Period(D(2019, 1, 1)), True),  # two open periods always meet
    ],
)
def test_periods_overlap_with_inclusive_ends(first: Period, second: Period, overlap: bool) -> None:
    assert first.overlaps(second) is overlap
    assert second.overlaps(first) is overlap


def test_a_period_contains_its_first_and_last_day_only() -> None:
    period = Period(D(2024, 3, 1), D(2024, 3, 31))
    assert period.contains(D(2024, 3, 1)) and period.contains(D(2024, 3, 31))
    assert not period.contains(D(2024, 2, 29)) and not period.contains(D(2024, 4, 1))
    assert Period(D(2024, 3, 1)).contains(D(2999, 1, 1))


def test_a_plausible_period_has_no_messages() -> None:
    assert period_errors(D(2020, 1, 1), None, today=TODAY) == {}
    assert period_errors(D(2020, 1, 1), D(2020, 1, 1), today=TODAY) == {}  # a one-day stay
    assert period_errors(TODAY, TODAY + dt.timedelta(days=366), today=TODAY) == {}  # planned a year ahead


@pytest.mark.parametrize(
    ("joined", "left", "field", "message"),
    [
        (None, None, "joined_on", "Enter the date the person joined the household."),
        (D(2020, 5, 2), D(2020, 5, 1), "left_on", "The date of leaving is before the date of joining."),
        (D(9999, 12, 31), None, "joined_on", "The date is more than a year ahead."),
        (D(2020, 1, 1), D(9999, 12, 31), "left_on", "The date is more than a year ahead."),
        (TODAY + dt.timedelta(days=367), None, "joined_on", "The date is more than a year ahead."),
        (D(1899, 12, 31), None, "joined_on", "The date is before 1900."),
    ],
)
def test_implausible_periods_are_refused(
    joined: dt.date | None, left: dt.date | None, field: str, message: str
) -> None:
    assert period_errors(joined, left, today=TODAY)[field] == [message]


def test_nobody_joins_before_birth_or_after_death() -> None:
    born, died = D(2010, 6, 15), D(2025, 1, 1)
    assert period_errors(D(2010, 6, 14), None, today=TODAY, birth_date=born) == {
        "joined_on": ["The person was not yet born on this date."]
    }
    assert period_errors(D(2010, 6, 15), None, today=TODAY, birth_date=born) == {}  # a newborn joins at birth
    assert period_errors(D(2025, 1, 2), None, today=TODAY, died_on=died) == {
        "joined_on": ["The person had died before this date."]
    }


# --- one household per person per day -------------------------------------------------------------------


def test_no_clash_with_periods_that_do_not_overlap() -> None:
    earlier = Membership(OTHER, Period(D(2015, 1, 1), D(2019, 12, 31)), id=uuid.uuid4())
    assert membership_clash(HOME, Period(D(2020, 1, 1)), [earlier]) is None


def test_an_overlap_in_the_same_household_is_already_a_member() -> None:
    there = Membership(HOME, Period(D(2015, 1, 1)), id=uuid.uuid4())
    clash = membership_clash(HOME, Period(D(2020, 1, 1), D(2020, 2, 1)), [there])
    assert clash is not None and clash.kind == "same_household" and clash.existing == there
    assert clash.message == "This person is already a member of this household over this period."


def test_an_overlap_with_another_household_names_it() -> None:
    elsewhere = Membership(OTHER, Period(D(2019, 1, 1), D(2020, 1, 1)), id=uuid.uuid4(), household_label="X")
    clash = membership_clash(HOME, Period(D(2020, 1, 1)), [elsewhere])  # the shared day 01.01.2020
    assert clash is not None and clash.kind == "other_household"
    assert clash.existing.household_id == OTHER and clash.existing.household_label == "X"


def test_the_same_household_is_reported_before_another() -> None:
    existing = [
        Membership(OTHER, Period(D(2020, 1, 1)), id=uuid.uuid4()),
        Membership(HOME, Period(D(2020, 1, 1)), id=uuid.uuid4()),
    ]
    clash = membership_clash(HOME, Period(D(2021, 1, 1)), existing)
    assert clash is not None and clash.kind == "same_household"


def test_a_membership_being_corrected_does_not_clash_with_itself() -> None:
    own = Membership(HOME, Period(D(2020, 1, 1)), id=uuid.uuid4())
    assert membership_clash(HOME, Period(D(2019, 1, 1)), [own], ignore=own.id) is None
    assert membership_clash(HOME, Period(D(2019, 1, 1)), [own]) is not None


def test_overlapping_rows_of_a_batch_are_paired() -> None:
    rows = [
        ("row 1", Period(D(2020, 1, 1), D(2020, 6, 30))),
        ("row 2", Period(D(2020, 7, 1))),  # the day after: fine
        ("row 3", Period(D(2020, 6, 30), D(2020, 6, 30))),  # the last day of row 1
    ]
    assert sorted(map(sorted, overlapping_rows(rows))) == [["row 1", "row 3"]]
    assert overlapping_rows([("only", Period(D(2020, 1, 1)))]) == []


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(2000, 5, 10), D(2026, 5, 9), 25),
        (D(2000, 5, 10), D(2026, 5, 10), 26),
        (D(2004, 2, 29), D(2026, 2, 28), 21),  # not yet: the birthday is on 1 March in a common year
        (D(2004, 2, 29), D(2026, 3, 1), 22),
        (D(2026, 6, 1), D(2026, 5, 1), None),  # not yet born
        (None, D(2026, 5, 1), None),
    ],
)
def test_age_on_a_date_counts_full_years(born: dt.date | None, day: dt.date, age: int | None) -> None:
    assert age_on(born, day) == age


# --- household fields -----------------------------------------------------------------------------------


def test_household_label_is_required_trimmed_and_bounded() -> None:
    assert household_errors("  Bērziņu ģimene ", " ") == ({}, "Bērziņu ģimene", None)
    assert "label" in household_errors("   ", None)[0]
    assert household_errors("x" * 201, None)[0] == {"label": ["The name may have at most 200 characters."]}
    assert household_errors("Ok", "n" * 2001)[0] == {"note": ["The note may have at most 2000 characters."]}


def test_control_characters_never_reach_the_database() -> None:
    assert clean_text("Ozoli\x00ņu\x07 ģimene", max_length=50) == "Ozoliņu ģimene"
    assert clean_text("rinda 1\nrinda 2", max_length=50) == "rinda 1\nrinda 2"
    assert clean_text("\x00", max_length=5) is None


def test_roles_come_from_the_list() -> None:
    assert set(MEMBER_ROLES) == {
        *("head", "spouse", "partner", "child", "parent", "grandparent", "grandchild", "sibling"),
        *("other_relative", "other"),
    }
    assert role_errors("child") == {}
    assert role_errors("boss") == {"role": ["Choose a role from the list."]}
    assert role_errors(None) == {"role": ["Choose a role from the list."]}


# --- relationships ---------------------------------------------------------------------------------------


def test_every_kind_has_an_inverse_whose_inverse_is_itself() -> None:
    assert set(INVERSE_KIND) == set(RELATIONSHIP_KINDS)
    for kind in RELATIONSHIP_KINDS:
        assert inverse_kind(inverse_kind(kind)) == kind
    assert inverse_kind("parent") == "child" and inverse_kind("guardian") == "ward"
    assert inverse_kind("spouse") == "spouse" and inverse_kind("sibling") == "sibling"


def test_symmetry_is_checked_edge_by_edge() -> None:
    assert is_symmetric([(A, B, "parent"), (B, A, "child")])
    assert not is_symmetric([(A, B, "parent")])
    assert not is_symmetric([(A, B, "parent"), (B, A, "parent")])


def _errors(kind: str, **kw: object) -> dict[str, list[str]]:
    args: dict[str, object] = {"person_id": A, "related_person_id": B, "today": TODAY, **kw}
    return relationship_errors(kind, **args)  # type: ignore[arg-type]


def test_a_plausible_relationship_has_no_messages() -> None:
    assert _errors("parent", person_birth=D(2010, 1, 1), related_birth=D(1980, 1, 1)) == {}
    assert _errors("child", person_birth=D(1980, 1, 1), related_birth=D(2010, 1, 1)) == {}
    assert _errors("parent") == {}  # birth dates unknown: nothing to judge by


def test_unknown_kinds_missing_persons_and_oneself_are_refused() -> None:
    assert _errors("cousin") == {"kind": ["Choose a relationship from the list."]}
    assert _errors("parent", related_person_id=None) == {"related_person_id": ["Choose the related person."]}
    assert _errors("sibling", related_person_id=A) == {
        "related_person_id": ["A person cannot be related to themselves."]
    }


def test_a_parent_born_after_the_child_is_implausible() -> None:
    message = {"kind": ["A parent cannot be born after their child."]}
    assert _errors("parent", person_birth=D(1980, 1, 1), related_birth=D(2010, 1, 1)) == message
    assert _errors("child", person_birth=D(2010, 1, 1), related_birth=D(1980, 1, 1)) == message
    assert _errors("parent", person_birth=D(2000, 1, 1), related_birth=D(2000, 1, 1)) == message  # twins
    assert _errors("sibling", person_birth=D(1980, 1, 1), related_birth=D(2010, 1, 1)) == {}


def test_the_same_relationship_twice_is_refused() -> None:
    assert _errors("parent", person_relations=[Related(B, "parent")]) == {
        "kind": ["This relationship is already recorded."]
    }


def test_two_kinships_between_the_same_pair_are_refused_but_custody_may_be_added() -> None:
    sibling = [Related(B, "sibling")]
    assert _errors("parent", person_relations=sibling) == {
        "kind": [
            "These persons already have another relationship recorded (brother or sister). "
            "If it is wrong, remove it first."
        ]
    }
    assert _errors("parent", person_relations=[Related(B, "spouse")]) == {
        "kind": [
            "These persons already have another relationship recorded (spouse). "
            "If it is wrong, remove it first."
        ]
    }
    assert _errors("guardian", person_relations=[Related(B, "ward")]) == {
        "kind": [
            "These persons already have a guardianship recorded (ward). If it is wrong, remove it first."
        ]
    }
    assert _errors("guardian", person_relations=sibling) == {}  # an elder sister who is the guardian
    assert "kind" in _errors("ward", person_relations=[Related(B, "guardian")])
    assert _errors("parent", person_relations=[Related(C, "sibling")]) == {}  # another person


def test_one_current_spouse_each() -> None:
    assert _errors("spouse", person_relations=[Related(C, "spouse")]) == {
        "kind": ["This person already has a current spouse."]
    }
    assert _errors("spouse", related_relations=[Related(C, "spouse")]) == {
        "kind": ["The related person already has a current spouse."]
    }
    ended = [Related(C, "spouse", valid_to=D(2020, 1, 1))]  # divorced: no longer current
    assert _errors("spouse", person_relations=ended, related_relations=ended) == {}
    assert _errors("spouse", person_relations=[Related(C, "spouse")], valid_to=D(2019, 1, 1)) == {}
    assert _errors("partner", person_relations=[Related(C, "spouse")]) == {}


def test_relationship_dates_are_checked() -> None:
    assert _errors("spouse", valid_from=D(9999, 1, 1)) == {
        "valid_from": ["The date is more than a year ahead."]
    }
    assert _errors("spouse", valid_from=D(2020, 1, 2), valid_to=D(2020, 1, 1)) == {
        "valid_to": ["The end date is before the start date."]
    }


def test_demo_households_keep_the_rules() -> None:
    """The demo families: one household per person, parents born before their children, one spouse
    each, relationships symmetric, labels in Latvian ("Bērziņu ģimene")."""
    import random
    from types import SimpleNamespace

    from app.demo import synthetic_persons
    from app.demo_households import plan_households

    rows = list(synthetic_persons(random.Random(7), 600))
    persons = [SimpleNamespace(id=uuid.uuid4(), **r) for r in rows]
    births = {p.id: p.birth_date for p in persons}
    plan = plan_households(persons, uuid.uuid4(), random.Random(7), TODAY)
    assert len(plan.households) > 20
    per_person: dict[uuid.UUID, list[Period]] = {}
    for m in plan.members:
        assert (
            period_errors(m["joined_on"], m["left_on"], today=TODAY, birth_date=births[m["person_id"]]) == {}
        )
        per_person.setdefault(m["person_id"], []).append(Period(m["joined_on"], m["left_on"]))
    assert all(len(periods) == 1 for periods in per_person.values())
    edges = [(r["person_id"], r["related_person_id"], r["kind"]) for r in plan.relationships]
    assert is_symmetric(edges) and len(set(edges)) == len(edges)
    for person, related, kind in edges:
        if kind == "parent":
            assert births[related] < births[person]
    spouses: dict[uuid.UUID, int] = {}
    for person, _, kind in edges:
        if kind == "spouse":
            spouses[person] = spouses.get(person, 0) + 1
    assert set(spouses.values()) == {1}
    labels = [h["label"] for h in plan.households]
    assert any(label.endswith("u ģimene") for label in labels)
    assert not any(label.endswith(("š ģimene", "s ģimene")) for label in labels)  # never "Bērziņš ģimene"
