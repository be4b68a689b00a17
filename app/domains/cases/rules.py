"""Pure rules of the electronic case file (lieta): the case-type and activity classifiers, what a valid
case, closure, timeline entry and report period are, and the activity report's arithmetic.

Every check adds a translatable message under its field to `errors` and returns the cleaned value;
today's date is always an argument."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app import dates
from app.i18n import N_

Errors = dict[str, list[str]]

CASE_NUMBER_PREFIX = "L"  # "L-2026/00042"
CASE_SEQUENCE = "case"

# Case types (lietas veidi): a case may have several.
CASE_TYPES: dict[str, str] = {
    "social_assistance": N_("Social assistance"),
    "social_services": N_("Social services"),
    "child_and_family": N_("Children and family"),
    "violence": N_("Violence"),
    "disability": N_("Disability"),
    "elderly_care": N_("Care of the elderly"),
    "addiction": N_("Addiction"),
    "homelessness": N_("Homelessness"),
    "other": N_("Other"),
}

# Timeline entry kinds. Notes and journal entries are records; the others are activities with the
# client, and an activity always says how long it took (the activity report adds those minutes up).
ENTRY_KINDS: dict[str, str] = {
    "note": N_("Note"),
    "journal": N_("Journal entry"),
    "home_visit": N_("Home visit"),
    "consultation": N_("Consultation"),
    "phone_call": N_("Phone call"),
    "meeting": N_("Meeting"),
    "other": N_("Other activity"),
}
RECORD_KINDS = frozenset({"note", "journal"})
ACTIVITY_KINDS = frozenset(ENTRY_KINDS) - RECORD_KINDS
FINDINGS_KINDS = frozenset({"home_visit"})

MAX_TITLE = 200
MAX_SUBJECT = 200
MAX_TEXT = 20_000
MAX_REASON = 300
MAX_MINUTES = 1440  # one day
MAX_REPORT_DAYS = 366
EARLIEST = dt.date(1990, 1, 1)  # no case file of this platform starts earlier (migrated ones included)

_HOURS_MINUTES = re.compile(r"^(\d{1,2}):([0-5]\d)$")
# Control characters other than tab and line breaks: never part of a typed text; NUL cannot be stored.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Messages are translated where shown, without parameters: one per limit in use.
_TOO_LONG = {
    200: N_("The text is too long (at most 200 characters)."),
    300: N_("The text is too long (at most 300 characters)."),
    MAX_TEXT: N_("The text is too long (at most 20 000 characters)."),
}


def too_long(limit: int) -> str:
    return _TOO_LONG.get(limit, N_("The text is too long."))


# --- reading typed values -------------------------------------------------------------------------------


def parse_day(text: str) -> dt.date:
    """dd.mm.yyyy (as typed) or ISO (a date input, an API) within 1900..2999; raises ValueError (DateError)
    with a message id: not a date, no such day, or out of range."""
    return dates.parse_day(text, bounded=True)


def parse_minutes(text: str) -> int:
    """Minutes as a whole number ("90") or hours and minutes ("1:30"); raises ValueError."""
    value = text.strip()
    match = _HOURS_MINUTES.match(value)
    if match:
        return int(match[1]) * 60 + int(match[2])
    if not value.isascii() or not value.isdigit() or len(value) > 5:
        raise ValueError(N_("Enter the duration in minutes (for example 45) or as hours:minutes (1:30)."))
    return int(value)


def read_day(values: Mapping[str, str], name: str, errors: Errors) -> dt.date | None:
    """A form's date field: None when empty or unreadable (then with a message under `name`)."""
    raw = (values.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_day(raw)
    except ValueError as exc:
        errors[name] = [str(exc)]
        return None


def read_minutes(values: Mapping[str, str], name: str, errors: Errors) -> int | None:
    raw = (values.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_minutes(raw)
    except ValueError as exc:
        errors[name] = [str(exc)]
        return None


def clean_line(value: str | None, name: str, limit: int, errors: Errors, *, required: str | None) -> str:
    """A one-line text: inner whitespace collapsed. `required` is the message when it is empty."""
    text = " ".join((value or "").split())
    if _CONTROL.search(text):
        errors[name] = [N_("The text contains characters that cannot be stored.")]
    elif not text and required:
        errors[name] = [required]
    elif len(text) > limit:
        errors[name] = [too_long(limit)]
    return text


def clean_text(value: str | None, name: str, limit: int, errors: Errors) -> str | None:
    """A multi-line text: line breaks normalised, outer blank space removed; None when empty."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        errors[name] = [N_("The text contains characters that cannot be stored.")]
    elif len(text) > limit:
        errors[name] = [too_long(limit)]
    return text or None


# --- cases ------------------------------------------------------------------------------------------------


def chosen_case_types(values: Iterable[str], errors: Errors) -> list[str]:
    chosen = [v for v in CASE_TYPES if v in set(values)]  # classifier order, no duplicates
    unknown = set(values) - set(CASE_TYPES)
    if unknown:
        errors["case_types"] = [N_("Choose case types from the list.")]
    elif not chosen:
        errors["case_types"] = [N_("Choose at least one case type.")]
    return chosen


def check_opened_on(opened_on: dt.date | None, today: dt.date, errors: Errors) -> None:
    if "opened_on" in errors:
        return
    if opened_on is None:
        errors["opened_on"] = [N_("Enter the date the case was opened.")]
    elif opened_on > today:
        errors["opened_on"] = [N_("The case cannot be opened on a future date.")]
    elif opened_on < EARLIEST:
        errors["opened_on"] = [N_("The date is too far in the past.")]


def check_closing(
    opened_on: dt.date, closed_on: dt.date | None, reason: str, today: dt.date, errors: Errors
) -> None:
    if "closed_on" not in errors:
        if closed_on is None:
            errors["closed_on"] = [N_("Enter the date the case was closed.")]
        elif closed_on < opened_on:
            errors["closed_on"] = [N_("A case cannot be closed before the day it was opened.")]
        elif closed_on > today:
            errors["closed_on"] = [N_("The case cannot be closed on a future date.")]
    if not reason and "reason" not in errors:
        errors["reason"] = [N_("Say why the case is closed.")]


# --- timeline entries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryDraft:
    """A timeline entry as given. `unreadable` holds the messages of fields the edge could not read (a
    date that is no date), so that the act reports them together with its own."""

    kind: str
    occurred_on: dt.date | None
    duration_minutes: int | None
    subject: str
    body: str | None = None
    findings: str | None = None
    staff_user_id: object = None  # uuid.UUID | None: None means the acting user
    unreadable: Mapping[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CleanEntry:
    kind: str
    occurred_on: dt.date
    duration_minutes: int | None
    subject: str
    body: str | None
    findings: str | None


def check_entry(draft: EntryDraft, *, opened_on: dt.date, today: dt.date, errors: Errors) -> CleanEntry:
    """The pure part of a valid entry: kind, date within the case's life, duration, texts."""
    for name, messages in draft.unreadable.items():
        errors[name] = list(messages)
    kind = draft.kind
    if kind not in ENTRY_KINDS:
        errors["kind"] = [N_("Choose the kind of entry from the list.")]
    day = draft.occurred_on
    if "occurred_on" not in errors:
        if day is None:
            errors["occurred_on"] = [N_("Enter the date.")]
        elif day > today:
            errors["occurred_on"] = [N_("The date cannot be in the future.")]
        elif day < opened_on:
            errors["occurred_on"] = [N_("The date cannot be before the case was opened.")]
    minutes = draft.duration_minutes
    if "duration_minutes" not in errors:
        if minutes is None:
            if kind in ACTIVITY_KINDS:
                errors["duration_minutes"] = [N_("Enter how long the activity took, in minutes.")]
        elif kind in ACTIVITY_KINDS and not 1 <= minutes <= MAX_MINUTES:
            # An activity with the client took some time; 0 would count a visit that took none.
            errors["duration_minutes"] = [N_("An activity takes from 1 to 1440 minutes (one day).")]
        elif not 0 <= minutes <= MAX_MINUTES:
            errors["duration_minutes"] = [N_("The duration is from 0 to 1440 minutes (one day).")]
    subject = clean_line(draft.subject, "subject", MAX_SUBJECT, errors, required=N_("Enter the subject."))
    body = clean_text(draft.body, "body", MAX_TEXT, errors)
    findings = clean_text(draft.findings, "findings", MAX_TEXT, errors)
    if kind not in FINDINGS_KINDS:
        findings = None  # only a home visit has findings; a changed kind drops them
    return CleanEntry(kind, day or today, minutes, subject, body, findings)


# --- the activity report ---------------------------------------------------------------------------------


def check_report_period(first: dt.date | None, last: dt.date | None, errors: Errors) -> None:
    if "from" not in errors and first is None:
        errors["from"] = [N_("Enter the first day of the period.")]
    if "to" not in errors and last is None:
        errors["to"] = [N_("Enter the last day of the period.")]
    if first is None or last is None or errors:
        return
    if first > last:
        errors["to"] = [N_("The end date is before the start date.")]
    elif (last - first).days + 1 > MAX_REPORT_DAYS:
        errors["to"] = [N_("The period can be at most one year long.")]


@dataclass(frozen=True)
class ActivityCell:
    count: int
    minutes: int

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass(frozen=True)
class WorkerActivity:
    user_id: object  # uuid.UUID
    name: str
    cells: Mapping[str, ActivityCell]  # by entry kind; every kind present
    total: ActivityCell


@dataclass(frozen=True)
class ActivitySummary:
    kinds: tuple[str, ...]
    workers: tuple[WorkerActivity, ...]
    totals: Mapping[str, ActivityCell]
    total: ActivityCell


def hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals, half up (90 → 1.50, 20 → 0.33)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sum(cells: Iterable[ActivityCell]) -> ActivityCell:
    count = minutes = 0
    for cell in cells:
        count += cell.count
        minutes += cell.minutes
    return ActivityCell(count, minutes)


def summarise_activity(
    rows: Iterable[tuple[Any, str, int, int]],
    names: Mapping[Any, str],
    sort_key: Callable[[str], Any] | None = None,
) -> ActivitySummary:
    """rows: (worker id, kind, number of entries, minutes) → a table of every kind per worker with row and
    column totals. Hours are rounded per cell from the minutes (never summed from rounded hours)."""
    kinds = tuple(ENTRY_KINDS)
    by_worker: dict[Any, dict[str, ActivityCell]] = {}
    for user_id, kind, count, minutes in rows:
        cells = by_worker.setdefault(user_id, {})
        old = cells.get(kind, ActivityCell(0, 0))
        cells[kind] = ActivityCell(old.count + int(count), old.minutes + int(minutes or 0))
    workers = []
    for user_id, cells in by_worker.items():
        full = {k: cells.get(k, ActivityCell(0, 0)) for k in kinds}
        workers.append(WorkerActivity(user_id, names.get(user_id, ""), full, _sum(full.values())))
    key = sort_key or (lambda text: text)
    workers.sort(key=lambda w: (key(w.name), str(w.user_id)))
    totals = {k: _sum(w.cells[k] for w in workers) for k in kinds}
    return ActivitySummary(kinds, tuple(workers), totals, _sum(totals.values()))


def activity_table(
    summary: ActivitySummary, kind_labels: Sequence[str], headers: Sequence[str], totals_label: str
) -> list[list[str | int | Decimal]]:
    """The report as rows for a spreadsheet: a header row (worker, then entries and hours per kind, then
    the totals), a row per worker, and the totals row. `headers` = (worker, entries, hours, total)."""
    worker, entries, hours_label, total = headers
    head: list[str | int | Decimal] = [worker]
    for label in kind_labels:
        head += [f"{label}: {entries}", f"{label}: {hours_label}"]
    head += [f"{total}: {entries}", f"{total}: {hours_label}"]
    table = [head]
    for w in summary.workers:
        row: list[str | int | Decimal] = [w.name]
        for k in summary.kinds:
            row += [w.cells[k].count, w.cells[k].hours]
        row += [w.total.count, w.total.hours]
        table.append(row)
    last: list[str | int | Decimal] = [totals_label]
    for k in summary.kinds:
        last += [summary.totals[k].count, summary.totals[k].hours]
    last += [summary.total.count, summary.total.hours]
    table.append(last)
    return table
