"""Complaints, applications and suggestions (sūdzības, iesniegumi, priekšlikumi), the pure part: the kinds,
channels and states with their labels, the answer deadline, which state may follow which, and the checks
of a registration and an answer. Messages are English msgids, translated where shown; nothing here touches
the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from app.documents import rules as document_rules
from app.domains.benefits.periods import add_months
from app.i18n import N_

Errors = dict[str, list[str]]

SEQUENCE = "complaints"
PREFIX = "S"  # "S-2026/00042"
MAX_SUBJECT = 200
MAX_TEXT = 20_000
MAX_NAME = 200
MAX_CONTACT = 300
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

KINDS = {
    "complaint": N_("Complaint"),
    "application": N_("Submission"),  # iesniegums
    "suggestion": N_("Suggestion"),
}
# Anonymous submissions are accepted only where no answer is owed: complaints and suggestions.
ANONYMOUS_KINDS = ("complaint", "suggestion")
CHANNELS = {
    "in_person": N_("In person"),
    "post": N_("By post"),
    "email": N_("By e-mail"),
    "eservice": N_("E-service"),
}
STATUSES = {
    "registered": N_("Registered"),
    "assigned": N_("Assigned"),
    "answered": N_("Answered"),
    "closed": N_("Closed"),
}
OPEN = ("registered", "assigned")  # waiting for an answer: what the deadline and the overdue list are about

# Which act may move a complaint from which state (the state after it is in `next_status`).
ACTS: dict[str, tuple[str, ...]] = {
    "assign": ("registered", "assigned"),
    "answer": ("registered", "assigned"),
    "close": ("registered", "assigned", "answered"),
}

# Municipality settings (tenants.settings), with their defaults and bounds.
ANSWER_MONTHS = "complaint_answer_months"
REMINDER_DAYS = "complaint_reminder_days"
SETTING_DEFAULTS = {ANSWER_MONTHS: 1, REMINDER_DAYS: 5}
# Administrative Procedure Law art. 64: one month; extendable to four months at most.
SETTING_BOUNDS = {ANSWER_MONTHS: (1, 4), REMINDER_DAYS: (1, 30)}

NO_KIND = N_("Choose what was received: a complaint, a submission or a suggestion.")
NO_CHANNEL = N_("Choose how it was received.")
NO_RECEIVED_ON = N_("Enter the day it was received.")
RECEIVED_IN_FUTURE = N_("The day it was received cannot be in the future.")
NO_SUBJECT = N_("Enter the subject.")
SUBJECT_TOO_LONG = N_("The subject may be at most 200 characters long.")
NO_TEXT = N_("Enter the content of the submission.")
TEXT_TOO_LONG = N_("The text may be at most 20000 characters long.")
NO_SUBMITTER = N_("Enter who submitted it, or choose a client from the register.")
NAME_TOO_LONG = N_("The name may be at most 200 characters long.")
CONTACT_TOO_LONG = N_("The contact details may be at most 300 characters long.")
NOT_ANONYMOUS = N_("A submission that needs an answer cannot be anonymous.")
ANONYMOUS_WITH_NAME = N_("An anonymous submission has no submitter: remove the name or the client.")
TOO_MANY_ATTACHMENTS = N_("At most 5 files may be attached.")
ATTACHMENT_TOO_LARGE = N_("Each attached file may be at most 5 MB.")
NO_ANSWER = N_("Enter the answer.")
ANSWER_TOO_LONG = N_("The answer may be at most 20000 characters long.")
NO_ANSWERED_ON = N_("Enter the day of the answer.")
ANSWERED_BEFORE = N_("The answer cannot be dated before the day the submission was received.")
ANSWERED_IN_FUTURE = N_("The day of the answer cannot be in the future.")
NOT_NOW = N_("This cannot be done in the complaint's present state.")
ANSWER_FIRST = N_("The submitter is owed an answer: answer before closing.")


def setting(settings: Mapping[str, Any] | None, key: str) -> int:
    """A municipality's setting as a whole number within its bounds; the default when unset or unusable."""
    default = SETTING_DEFAULTS[key]
    raw = (settings or {}).get(key, default)
    if isinstance(raw, bool):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    low, high = SETTING_BOUNDS[key]
    return value if low <= value <= high else default


def due_on(received_on: dt.date, settings: Mapping[str, Any] | None = None) -> dt.date:
    """The answer is due `complaint_answer_months` (default one month, Administrative Procedure Law
    art. 64) after the day received: the same day of the month, or the month's last day when shorter."""
    return add_months(received_on, setting(settings, ANSWER_MONTHS))


def may(act: str, status: str) -> bool:
    return status in ACTS.get(act, ())


NEXT_STATUS = {"assign": "assigned", "answer": "answered", "close": "closed"}


def may_close(status: str, *, anonymous: bool) -> bool:
    """An answered one closes; one still waiting closes only when no answer is owed (anonymous: the
    submitter cannot be answered)."""
    return status == "answered" or (status in OPEN and anonymous)


def overdue(status: str, due: dt.date, today: dt.date) -> bool:
    return status in OPEN and due < today


def days_left(due: dt.date, today: dt.date) -> int:
    return (due - today).days


def check_registration(
    *,
    kind: str,
    channel: str,
    received_on: dt.date | None,
    subject: str,
    text: str,
    anonymous: bool,
    has_person: bool,
    submitter_name: str,
    submitter_contact: str,
    today: dt.date,
    errors: Errors,
) -> None:
    """Field messages for a registration into `errors` (strings already stripped)."""

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if kind not in KINDS:
        add("kind", NO_KIND)
    if channel not in CHANNELS:
        add("channel", NO_CHANNEL)
    if received_on is None:
        if "received_on" not in errors:
            add("received_on", NO_RECEIVED_ON)
    elif received_on > today:
        add("received_on", RECEIVED_IN_FUTURE)
    if not subject:
        add("subject", NO_SUBJECT)
    elif len(subject) > MAX_SUBJECT:
        add("subject", SUBJECT_TOO_LONG)
    if not text:
        add("text", NO_TEXT)
    elif len(text) > MAX_TEXT:
        add("text", TEXT_TOO_LONG)
    if len(submitter_name) > MAX_NAME:
        add("submitter_name", NAME_TOO_LONG)
    if len(submitter_contact) > MAX_CONTACT:
        add("submitter_contact", CONTACT_TOO_LONG)
    if anonymous:
        if kind in KINDS and kind not in ANONYMOUS_KINDS:
            add("anonymous", NOT_ANONYMOUS)
        if has_person or submitter_name:
            add("anonymous", ANONYMOUS_WITH_NAME)
    elif not has_person and not submitter_name:
        add("submitter_name", NO_SUBMITTER)


def check_answer(
    *, answer: str, answered_on: dt.date | None, received_on: dt.date, today: dt.date, errors: Errors
) -> None:
    if not answer:
        errors.setdefault("answer", []).append(NO_ANSWER)
    elif len(answer) > MAX_TEXT:
        errors.setdefault("answer", []).append(ANSWER_TOO_LONG)
    if answered_on is None:
        if "answered_on" not in errors:
            errors.setdefault("answered_on", []).append(NO_ANSWERED_ON)
    elif answered_on < received_on:
        errors.setdefault("answered_on", []).append(ANSWERED_BEFORE)
    elif answered_on > today:
        errors.setdefault("answered_on", []).append(ANSWERED_IN_FUTURE)


def check_attachments(
    uploads: Sequence[tuple[str | None, bytes]], errors: Errors
) -> list[tuple[document_rules.CheckedFile, bytes]]:
    """The files sent with a submission that may be stored, each with its bytes; messages under
    "attachments" (how many) and "attachments.<n>" (which file, from 0). A caller reads at most
    `MAX_ATTACHMENT_BYTES + 1` bytes of a file, so a longer one arrives as exactly that many."""
    if len(uploads) > MAX_ATTACHMENTS:
        errors["attachments"] = [TOO_MANY_ATTACHMENTS]
        return []
    checked = []
    for n, (filename, data) in enumerate(uploads):
        found: Errors = {}
        file = document_rules.check_file(data, filename, MAX_ATTACHMENT_BYTES, found)
        if file is None:
            messages = found["file"]
            errors[f"attachments.{n}"] = [
                ATTACHMENT_TOO_LARGE if m == document_rules.TOO_LARGE else m for m in messages
            ]
        else:
            checked.append((file, data))
    return checked
