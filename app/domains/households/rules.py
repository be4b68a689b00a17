"""Pure rules about households (mājsaimniecības) and family relationships: periods, overlaps, roles,
inverse kinds and plausibility. No database: the import checks its rows with the same functions the
service applies under its row lock.

A period's end is its last day, inclusive; an open end (None) means "until further notice"."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from app.i18n import N_

# Roles of a member in the household, as the social service records them (loma mājsaimniecībā).
MEMBER_ROLES: dict[str, str] = {
    "head": N_("Head of household"),
    "spouse": N_("Spouse"),
    "partner": N_("Partner"),
    "child": N_("Child"),
    "parent": N_("Parent"),
    "grandparent": N_("Grandparent"),
    "grandchild": N_("Grandchild"),
    "sibling": N_("Brother or sister"),
    "other_relative": N_("Other relative"),
    "other": N_("Other person"),
}

# What the related person is to the person (radniecība): each kind and the kind seen from the other side.
RELATIONSHIP_KINDS: dict[str, str] = {
    "parent": N_("Parent"),
    "child": N_("Child"),
    "spouse": N_("Spouse"),
    "partner": N_("Partner"),
    "guardian": N_("Guardian"),
    "ward": N_("Ward"),
    "sibling": N_("Brother or sister"),
    "other": N_("Other relationship"),
}
INVERSE_KIND: dict[str, str] = {
    "parent": "child",
    "child": "parent",
    "spouse": "spouse",
    "partner": "partner",
    "guardian": "ward",
    "ward": "guardian",
    "sibling": "sibling",
    "other": "other",
}
# Between two persons at most one of these holds (a parent is not also a sibling or a spouse); custody
# (guardian/ward) may be recorded alongside kinship, e.g. a grandparent who is also the guardian.
KINSHIP = frozenset({"parent", "child", "spouse", "partner", "sibling", "other"})
CUSTODY = frozenset({"guardian", "ward"})

# A second kinship (or custody) between the same two persons, by the kind already recorded: the message
# names it, as the one asked for is a different kind.
ALREADY_RELATED: dict[str, str] = {
    "parent": N_(
        "These persons already have another relationship recorded (parent). If it is wrong, remove it first."
    ),
    "child": N_(
        "These persons already have another relationship recorded (child). If it is wrong, remove it first."
    ),
    "spouse": N_(
        "These persons already have another relationship recorded (spouse). If it is wrong, remove it first."
    ),
    "partner": N_(
        "These persons already have another relationship recorded (partner). If it is wrong, remove it first."
    ),
    "sibling": N_(
        "These persons already have another relationship recorded (brother or sister). "
        "If it is wrong, remove it first."
    ),
    "other": N_(
        "These persons already have another relationship recorded (other relationship). "
        "If it is wrong, remove it first."
    ),
    "guardian": N_(
        "These persons already have a guardianship recorded (guardian). If it is wrong, remove it first."
    ),
    "ward": N_("These persons already have a guardianship recorded (ward). If it is wrong, remove it first."),
}

FIRST_DAY = dt.date(1900, 1, 1)
# Planned changes (a move at the end of next month) are recorded ahead; a year 9999 is a typing error.
MAX_DAYS_AHEAD = 366
LABEL_MAX = 200
NOTE_MAX = 2000


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included; `end` None is open."""

    start: dt.date
    end: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        return (other.end is None or self.start <= other.end) and (
            self.end is None or other.start <= self.end
        )


def latest_allowed_day(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=MAX_DAYS_AHEAD)


def _day_errors(day: dt.date, today: dt.date) -> list[str]:
    if day < FIRST_DAY:
        return [N_("The date is before 1900.")]
    if day > latest_allowed_day(today):
        return [N_("The date is more than a year ahead.")]
    return []


def period_errors(
    joined_on: dt.date | None,
    left_on: dt.date | None,
    *,
    today: dt.date,
    birth_date: dt.date | None = None,
    died_on: dt.date | None = None,
) -> dict[str, list[str]]:
    """Messages by field ("joined_on", "left_on") for a membership period, empty when it is plausible:
    a start, an end not before it, no day before 1900 or more than a year ahead, not before the person
    was born, not starting after they died."""
    errors: dict[str, list[str]] = {}
    if joined_on is None:
        errors["joined_on"] = [N_("Enter the date the person joined the household.")]
    else:
        if found := _day_errors(joined_on, today):
            errors["joined_on"] = found
        elif birth_date is not None and joined_on < birth_date:
            errors["joined_on"] = [N_("The person was not yet born on this date.")]
        elif died_on is not None and joined_on > died_on:
            errors["joined_on"] = [N_("The person had died before this date.")]
    if left_on is not None:
        if found := _day_errors(left_on, today):
            errors["left_on"] = found
        elif joined_on is not None and left_on < joined_on:
            errors["left_on"] = [N_("The date of leaving is before the date of joining.")]
    return errors


def clean_text(value: str | None, *, max_length: int) -> str | None:
    """Trimmed text without control characters (a NUL cannot be stored); None when empty. Raises
    ValueError when it is longer than `max_length`."""
    if value is None:
        return None
    text = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    if len(text) > max_length:
        raise ValueError(text)
    return text or None


def household_errors(label: str | None, note: str | None) -> tuple[dict[str, list[str]], str, str | None]:
    """Messages by field for a household's label and note, and the cleaned values."""
    errors: dict[str, list[str]] = {}
    clean_label: str | None = None
    clean_note: str | None = None
    try:
        clean_label = clean_text(label, max_length=LABEL_MAX)
    except ValueError:
        errors["label"] = [N_("The name may have at most 200 characters.")]
    else:
        if clean_label is None:
            errors["label"] = [N_("Enter a name for the household, e.g. “Bērziņu ģimene”.")]
    try:
        clean_note = clean_text(note, max_length=NOTE_MAX)
    except ValueError:
        errors["note"] = [N_("The note may have at most 2000 characters.")]
    return errors, clean_label or "", clean_note


# --- membership overlaps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    """A person's membership as the overlap check needs it."""

    household_id: uuid.UUID
    period: Period
    id: uuid.UUID | None = None
    household_label: str = ""


@dataclass(frozen=True)
class MembershipClash:
    """Why a membership cannot be recorded: the person is already in this household over an overlapping
    period (`same_household`), or in another one (`other_household`, a person lives in one household of
    a municipality on any day)."""

    kind: Literal["same_household", "other_household"]
    existing: Membership

    @property
    def message(self) -> str:
        if self.kind == "same_household":
            return N_("This person is already a member of this household over this period.")
        return N_("This person is a member of another household over this period.")


def membership_clash(
    household_id: uuid.UUID,
    period: Period,
    existing: Iterable[Membership],
    *,
    ignore: uuid.UUID | None = None,
) -> MembershipClash | None:
    """The first of the person's `existing` memberships that `period` in `household_id` would overlap
    (one of this household first), or None. `ignore` is the membership being corrected."""
    other: MembershipClash | None = None
    for m in existing:
        if (ignore is not None and m.id == ignore) or not m.period.overlaps(period):
            continue
        if m.household_id == household_id:
            return MembershipClash("same_household", m)
        other = other or MembershipClash("other_household", m)
    return other


def overlapping_rows(periods: Iterable[tuple[str, Period]]) -> list[tuple[str, str]]:
    """For a batch (an import): the pairs of row keys whose periods overlap, e.g. the same person listed
    in two households for the same days. Rows are given as (key, period) of one person."""
    rows = sorted(periods, key=lambda r: r[1].start)
    found: list[tuple[str, str]] = []
    for i, (key, period) in enumerate(rows):
        for other_key, other in rows[i + 1 :]:
            if period.end is not None and other.start > period.end:
                break
            found.append((key, other_key))
    return found


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    """Full years on `day` (someone born on 29 February turns a year older on 1 March in common years)."""
    if birth_date is None or day < birth_date:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# --- relationships ---------------------------------------------------------------------------------------


def inverse_kind(kind: str) -> str:
    """The kind seen from the other person: parent ↔ child, guardian ↔ ward, spouse ↔ spouse, …"""
    return INVERSE_KIND[kind]


@dataclass(frozen=True)
class Related:
    """One of a person's recorded relationships, as the checks need it."""

    related_person_id: uuid.UUID
    kind: str
    valid_to: dt.date | None = None

    def current(self, today: dt.date) -> bool:
        return self.valid_to is None or self.valid_to >= today


def relationship_errors(
    kind: str,
    *,
    person_id: uuid.UUID,
    related_person_id: uuid.UUID | None,
    person_birth: dt.date | None = None,
    related_birth: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    person_relations: Iterable[Related] = (),
    related_relations: Iterable[Related] = (),
    today: dt.date,
) -> dict[str, list[str]]:
    """Messages by field ("kind", "related_person_id", "valid_from", "valid_to") for recording that the
    related person is the person's `kind`; empty when it may be recorded.

    Refused: an unknown kind, oneself, the same relationship again, a second kinship between the same two
    persons (a parent who would also be a sibling), a parent born after the child (when both birth
    dates are known), and a second current spouse for either of them. `person_relations` are the
    person's recorded relationships, `related_relations` the related person's."""
    errors: dict[str, list[str]] = {}
    if kind not in RELATIONSHIP_KINDS:
        return {"kind": [N_("Choose a relationship from the list.")]}
    if related_person_id is None:
        return {"related_person_id": [N_("Choose the related person.")]}
    if related_person_id == person_id:
        return {"related_person_id": [N_("A person cannot be related to themselves.")]}
    for name, day in (("valid_from", valid_from), ("valid_to", valid_to)):
        if day is not None and (found := _day_errors(day, today)):
            errors[name] = found
    if valid_from and valid_to and valid_to < valid_from and "valid_to" not in errors:
        errors["valid_to"] = [N_("The end date is before the start date.")]

    mine = [r for r in person_relations if r.related_person_id == related_person_id]
    existing_kinds = {r.kind for r in mine}
    if kind in existing_kinds:
        errors["kind"] = [N_("This relationship is already recorded.")]
    elif (kind in KINSHIP and existing_kinds & KINSHIP) or (kind in CUSTODY and existing_kinds & CUSTODY):
        other = min(existing_kinds & (KINSHIP if kind in KINSHIP else CUSTODY))
        errors["kind"] = [ALREADY_RELATED[other]]
    elif person_birth and related_birth:
        parent_birth, child_birth = (
            (related_birth, person_birth) if kind == "parent" else (person_birth, related_birth)
        )
        if kind in ("parent", "child") and parent_birth >= child_birth:
            errors["kind"] = [N_("A parent cannot be born after their child.")]
    if kind == "spouse" and "kind" not in errors and (valid_to is None or valid_to >= today):
        if any(r.kind == "spouse" and r.current(today) for r in person_relations):
            errors["kind"] = [N_("This person already has a current spouse.")]
        elif any(r.kind == "spouse" and r.current(today) for r in related_relations):
            errors["kind"] = [N_("The related person already has a current spouse.")]
    return errors


def is_symmetric(edges: Iterable[tuple[uuid.UUID, uuid.UUID, str]]) -> bool:
    """Whether every (person, related, kind) has its inverse (related, person, inverse kind)."""
    present = set(edges)
    return all((b, a, INVERSE_KIND[k]) in present for a, b, k in present)


def role_errors(role: str | None) -> dict[str, list[str]]:
    return {} if role in MEMBER_ROLES else {"role": [N_("Choose a role from the list.")]}


def member_errors(
    role: str | None, joined_on: dt.date | None, left_on: dt.date | None, *, today: dt.date
) -> dict[str, list[str]]:
    """The checks of a membership that need no database: its role and its period."""
    return {**role_errors(role), **period_errors(joined_on, left_on, today=today)}


def labelled(choices: Mapping[str, str]) -> list[tuple[str, str]]:
    """(value, msgid) pairs for a select, in the declared order."""
    return list(choices.items())
