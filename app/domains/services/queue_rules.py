"""Waiting lists for a service (type and, optionally, provider): who stands where, and why — pure rules.

The law gives no rule for the position (domain brief §6.4, UNCONFIRMED), so the order is the one the
municipal rules show and a person can check by hand:

1. entries with the priority flag before the others;
2. within each group, by the moment of registration;
3. the entry's id breaks a tie of equal moments (ids are time-ordered UUIDv7), so the order never changes
   between two readings.

Who holds a place: waiting, offered (the place is not given up until the person is admitted) and postponed
(Rīga binding regulation No. 3/2020, 11.1.2: a person who postpones keeps their place). Admitted, withdrawn
and removed entries hold none. A position is explained: "34th; 3 of those ahead have priority".

Changes of state are checked by `check_transition`; every change is audited by the service that makes it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import N_

WAITING = "waiting"
OFFERED = "offered"
POSTPONED = "postponed"
ADMITTED = "admitted"
WITHDRAWN = "withdrawn"
REMOVED = "removed"

STATES = (WAITING, OFFERED, POSTPONED, ADMITTED, WITHDRAWN, REMOVED)
HOLDS_PLACE = frozenset({WAITING, OFFERED, POSTPONED})
STATE_LABELS = {
    WAITING: N_("Waiting"),
    OFFERED: N_("Place offered"),
    POSTPONED: N_("Postponed, place kept"),
    ADMITTED: N_("Admitted"),
    WITHDRAWN: N_("Withdrawn"),
    REMOVED: N_("Removed from the list"),
}

# From each state, where an entry may go. A refused offer returns the entry to waiting with its place.
TRANSITIONS: dict[str, frozenset[str]] = {
    WAITING: frozenset({OFFERED, POSTPONED, WITHDRAWN, REMOVED}),
    OFFERED: frozenset({ADMITTED, POSTPONED, WAITING, WITHDRAWN, REMOVED}),
    POSTPONED: frozenset({WAITING, OFFERED, WITHDRAWN, REMOVED}),
    ADMITTED: frozenset(),
    WITHDRAWN: frozenset(),
    REMOVED: frozenset(),
}

NOT_A_STATE = N_("Choose a state from the list.")
FINAL_STATE = N_("The entry is closed (admitted, withdrawn or removed) and cannot change any more.")
NOT_ALLOWED = N_("The entry cannot go to this state from the one it is in.")
SAME_STATE = N_("The entry is in this state already.")
REASON_NEEDED = N_("Give the reason for removing the entry from the list.")

POSITION = N_("Number %(position)s in the list")
AHEAD_WITH_PRIORITY = N_("%(count)s of those ahead have priority")
AHEAD_REGISTERED_EARLIER = N_("%(count)s of those ahead registered earlier")
NO_PLACE = N_("The entry holds no place in the list")


@dataclass(frozen=True)
class QueueEntry:
    id: uuid.UUID
    registered_at: dt.datetime
    priority: bool
    state: str

    @property
    def holds_place(self) -> bool:
        return self.state in HOLDS_PLACE

    def order_key(self) -> tuple[bool, dt.datetime, uuid.UUID]:
        return (not self.priority, self.registered_at, self.id)


@dataclass(frozen=True)
class Position:
    """Where an entry stands: its number (1-based) and who is ahead of it, by why they are ahead."""

    entry_id: uuid.UUID
    number: int
    ahead: int
    ahead_with_priority: int
    ahead_offered: int
    ahead_postponed: int

    @property
    def ahead_registered_earlier(self) -> int:
        return self.ahead - self.ahead_with_priority

    def explanation(self) -> list[tuple[str, dict[str, int]]]:
        """(msgid, params) lines, translated where shown: "Number 34 in the list", "3 of those ahead have
        priority", "30 of those ahead registered earlier"; a zero count is left out."""
        lines: list[tuple[str, dict[str, int]]] = [(POSITION, {"position": self.number})]
        if self.ahead_with_priority:
            lines.append((AHEAD_WITH_PRIORITY, {"count": self.ahead_with_priority}))
        if self.ahead_registered_earlier:
            lines.append((AHEAD_REGISTERED_EARLIER, {"count": self.ahead_registered_earlier}))
        return lines


def positions(entries: Iterable[QueueEntry]) -> dict[uuid.UUID, Position]:
    """The position of every entry that holds a place, in one pass over the sorted list (O(n log n))."""
    ordered = sorted((e for e in entries if e.holds_place), key=QueueEntry.order_key)
    result: dict[uuid.UUID, Position] = {}
    with_priority = offered = postponed = 0
    for index, entry in enumerate(ordered):
        result[entry.id] = Position(
            entry_id=entry.id,
            number=index + 1,
            ahead=index,
            ahead_with_priority=with_priority,  # priority entries come first: all of them are ahead
            ahead_offered=offered,
            ahead_postponed=postponed,
        )
        with_priority += entry.priority
        offered += entry.state == OFFERED
        postponed += entry.state == POSTPONED
    return result


def position_of(entries: Iterable[QueueEntry], entry_id: uuid.UUID) -> Position | None:
    """The entry's position; None when it holds no place (admitted, withdrawn, removed) or is unknown."""
    return positions(entries).get(entry_id)


def check_transition(current: str, new: str | None, *, reason: str | None = None) -> list[str]:
    """The messages that refuse moving an entry from `current` to `new` (empty: allowed). Removing an
    entry from the list needs a reason, which the person is told."""
    if new not in TRANSITIONS:
        return [NOT_A_STATE]
    if not TRANSITIONS[current]:
        return [FINAL_STATE]
    if new == current:
        return [SAME_STATE]
    if new not in TRANSITIONS[current]:
        return [NOT_ALLOWED]
    if new == REMOVED and not (reason or "").strip():
        return [REASON_NEEDED]
    return []


def changed_positions(
    before: dict[uuid.UUID, Position], after: dict[uuid.UUID, Position]
) -> dict[uuid.UUID, tuple[int | None, int | None]]:
    """Entries whose number changed by an act (None: no place), for the "queue position changed"
    notices: moving up because someone ahead left is news to the person; the act's own entry is the
    caller's to tell."""
    changed: dict[uuid.UUID, tuple[int | None, int | None]] = {}
    for entry_id in sorted(before.keys() | after.keys()):  # a stable order for the notices
        old = before[entry_id].number if entry_id in before else None
        new = after[entry_id].number if entry_id in after else None
        if old != new:
            changed[entry_id] = (old, new)
    return changed
