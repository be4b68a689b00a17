"""The indicative dates the applicant's notices give: the answer within a month of receipt, the appeal
within a month of the decision taking effect (by post, the 7th day after it is sent)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domains.benefits.notices import answer_by, appeal_by

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [(D(2026, 3, 2), D(2026, 4, 2)), (D(2026, 1, 31), D(2026, 2, 28)), (D(2026, 12, 15), D(2027, 1, 15))],
)
def test_an_application_is_answered_within_a_calendar_month(received: dt.date, due: dt.date) -> None:
    assert answer_by(received) == due


@pytest.mark.parametrize(
    ("decided", "last_day"),
    [(D(2026, 3, 2), D(2026, 4, 9)), (D(2026, 1, 24), D(2026, 2, 28)), (D(2026, 12, 28), D(2027, 2, 4))],
)
def test_the_appeal_runs_a_month_from_the_day_the_decision_takes_effect(
    decided: dt.date, last_day: dt.date
) -> None:
    assert appeal_by(decided) == last_day
