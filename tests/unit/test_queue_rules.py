"""Waiting-list positions and state changes: priority first, then the moment of registration, the id as the
tie-break; postponed and offered entries keep their place; the explanation counts who is ahead and why."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest

from app.domains.services.queue_rules import (
    ADMITTED,
    AHEAD_REGISTERED_EARLIER,
    AHEAD_WITH_PRIORITY,
    FINAL_STATE,
    NOT_A_STATE,
    NOT_ALLOWED,
    OFFERED,
    POSITION,
    POSTPONED,
    REASON_NEEDED,
    REMOVED,
    SAME_STATE,
    STATES,
    WAITING,
    WITHDRAWN,
    QueueEntry,
    changed_positions,
    check_transition,
    position_of,
    positions,
)

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def entry(
    minutes: int, *, priority: bool = False, state: str = WAITING, key: int | None = None
) -> QueueEntry:
    return QueueEntry(
        id=uuid.UUID(int=key if key is not None else minutes + 1),
        registered_at=T0 + dt.timedelta(minutes=minutes),
        priority=priority,
        state=state,
    )


def numbers(entries: list[QueueEntry]) -> dict[int, int]:
    """Position number by the minute each entry registered at."""
    by_id = {e.id: e for e in entries}
    return {
        int((by_id[i].registered_at - T0).total_seconds() // 60): p.number
        for i, p in positions(entries).items()
    }


def test_first_come_first_served_without_priority() -> None:
    entries = [entry(30), entry(10), entry(20)]
    assert numbers(entries) == {10: 1, 20: 2, 30: 3}


def test_priority_goes_first_and_keeps_its_own_order() -> None:
    entries = [entry(10), entry(40, priority=True), entry(20), entry(50, priority=True)]
    assert numbers(entries) == {40: 1, 50: 2, 10: 3, 20: 4}


def test_postponed_and_offered_keep_their_place_closed_entries_hold_none() -> None:
    entries = [
        entry(10, state=POSTPONED),
        entry(20, state=OFFERED),
        entry(30, state=ADMITTED),
        entry(40, state=WITHDRAWN),
        entry(50, state=REMOVED),
        entry(60),
    ]
    assert numbers(entries) == {10: 1, 20: 2, 60: 3}
    assert position_of(entries, entries[2].id) is None
    mine = position_of(entries, entries[5].id)
    assert mine is not None and (mine.ahead, mine.ahead_postponed, mine.ahead_offered) == (2, 1, 1)


def test_equal_moments_are_ordered_by_id_so_the_order_never_changes() -> None:
    same = [entry(5, key=k) for k in (3, 1, 2)]
    assert [positions(same)[uuid.UUID(int=k)].number for k in (1, 2, 3)] == [1, 2, 3]
    shuffled = same[:]
    random.Random(7).shuffle(shuffled)
    assert positions(shuffled) == positions(same)


def test_the_explanation_says_how_many_ahead_have_priority() -> None:
    # "34th; 3 of those ahead have priority": 3 priority entries and 30 earlier registrations ahead.
    entries = [entry(1000 + m, priority=True) for m in range(3)] + [entry(m) for m in range(31)]
    last = entries[-1]
    mine = position_of(entries, last.id)
    assert mine is not None
    assert (mine.number, mine.ahead, mine.ahead_with_priority, mine.ahead_registered_earlier) == (
        34,
        33,
        3,
        30,
    )
    assert mine.explanation() == [
        (POSITION, {"position": 34}),
        (AHEAD_WITH_PRIORITY, {"count": 3}),
        (AHEAD_REGISTERED_EARLIER, {"count": 30}),
    ]


def test_the_first_in_line_is_explained_by_its_number_alone() -> None:
    first = entry(1, priority=True)
    mine = position_of([first, entry(0)], first.id)
    assert mine is not None and mine.explanation() == [(POSITION, {"position": 1})]


def test_a_priority_entry_has_only_priority_entries_ahead() -> None:
    entries = [entry(0), entry(1), entry(50, priority=True), entry(60, priority=True)]
    mine = position_of(entries, entries[3].id)
    assert mine is not None and (mine.number, mine.ahead_with_priority, mine.ahead_registered_earlier) == (
        2,
        1,
        0,
    )


def test_someone_ahead_leaving_moves_those_behind_up_and_only_them() -> None:
    entries = [entry(10), entry(20), entry(30), entry(40)]
    before = positions(entries)
    entries[1] = QueueEntry(entries[1].id, entries[1].registered_at, False, WITHDRAWN)
    after = positions(entries)
    assert changed_positions(before, after) == {
        entries[1].id: (2, None),
        entries[2].id: (3, 2),
        entries[3].id: (4, 3),
    }


@pytest.mark.parametrize(
    ("current", "new", "reason", "expected"),
    [
        (WAITING, OFFERED, None, []),
        (OFFERED, ADMITTED, None, []),
        (OFFERED, WAITING, None, []),  # the offer refused: back in line, same place
        (OFFERED, POSTPONED, None, []),
        (POSTPONED, OFFERED, None, []),
        (WAITING, REMOVED, "Persona pārcēlusies uz citu pašvaldību", []),
        (WAITING, REMOVED, "  ", [REASON_NEEDED]),
        (WAITING, ADMITTED, None, [NOT_ALLOWED]),  # admitted only after an offer
        (WAITING, WAITING, None, [SAME_STATE]),
        (ADMITTED, WAITING, None, [FINAL_STATE]),
        (WITHDRAWN, OFFERED, None, [FINAL_STATE]),
        (WAITING, "lost", None, [NOT_A_STATE]),
        (WAITING, None, None, [NOT_A_STATE]),
    ],
)
def test_state_changes(current: str, new: str | None, reason: str | None, expected: list[str]) -> None:
    assert check_transition(current, new, reason=reason) == expected


def test_every_state_has_its_transitions_and_closed_states_have_none() -> None:
    for state in STATES:
        assert check_transition(state, state)  # never a no-op
    assert {s for s in STATES if check_transition(s, WAITING) == [FINAL_STATE]} == {
        ADMITTED,
        WITHDRAWN,
        REMOVED,
    }
