"""The register of social service providers (MK 385), the pure part: provider kinds and states with their
labels, the five-year validity (point 4), which act may follow which state, and the checks of an
application, a decision and a change. Messages are English msgids, translated where shown; nothing here
touches the database.

States: submitted → under_review → registered | refused; registered → (changed: stays registered) |
excluded | renewed (a new application that renews it was registered). A registered one whose
`valid_until` has passed is expired: a state computed from the day, not stored, so that nothing has to
run for it to be true."""

from __future__ import annotations

import datetime as dt

from app.domains.benefits.periods import add_months
from app.i18n import N_

Errors = dict[str, list[str]]

SEQUENCE = "provider_registrations"
PREFIX = "SPR"  # "SPR-2026/00042"
VALID_YEARS = 5  # MK 385 point 4
REMINDER_DAYS = 60  # the expiry reminder goes this many days before `valid_until`
MAX_NAME = 200
MAX_CODE = 20
MAX_CONTACT = 300
MAX_SERVICE = 200
MAX_ADDRESS = 300
MAX_ITEMS = 50
MAX_TEXT = 20_000

PROVIDER_KINDS = {
    "state": N_("State institution"),
    "municipal": N_("Municipal institution"),
    "legal_person": N_("Legal person"),
    "natural_person": N_("Natural person"),
}
STATUSES = {
    "submitted": N_("Submitted"),
    "under_review": N_("Under review"),
    "registered": N_("Registered"),
    "refused": N_("Refused"),
    "excluded": N_("Excluded"),
    "renewed": N_("Renewed"),
    "expired": N_("Expired"),  # computed: registered and past `valid_until`
}
STORED_STATUSES = tuple(s for s in STATUSES if s != "expired")
PENDING = ("submitted", "under_review")

# Which act may move an application or registration from which state.
ACTS: dict[str, tuple[str, ...]] = {
    "review": ("submitted",),
    "register": ("submitted", "under_review"),
    "refuse": ("submitted", "under_review"),
    "change": ("registered",),
    "exclude": ("registered",),
}
NEXT_STATUS = {"review": "under_review", "register": "registered", "refuse": "refused", "exclude": "excluded"}

NO_NAME = N_("Enter the provider's name.")
NAME_TOO_LONG = N_("The name may be at most 200 characters long.")
NO_PROVIDER_KIND = N_("Choose the kind of provider.")
NO_CODE = N_("Enter the provider's registration number or personal code.")
CODE_TOO_LONG = N_("The registration number may be at most 20 characters long.")
CONTACT_TOO_LONG = N_("The contact details may be at most 300 characters long.")
NO_SERVICES = N_("Enter at least one service type, one per line.")
SERVICE_TOO_LONG = N_("A service type may be at most 200 characters long.")
NO_ADDRESSES = N_("Enter at least one address where the services are provided, one per line.")
ADDRESS_TOO_LONG = N_("An address may be at most 300 characters long.")
TOO_MANY = N_("At most 50 lines are allowed.")
DOCUMENTS_TOO_LONG = N_("The list of documents may be at most 20000 characters long.")
NO_SUBMITTED_ON = N_("Enter the day the application was submitted.")
SUBMITTED_IN_FUTURE = N_("The day of submission cannot be in the future.")
NO_DECIDED_ON = N_("Enter the day of the decision.")
DECIDED_BEFORE = N_("The decision cannot be dated before the application was submitted.")
DECIDED_IN_FUTURE = N_("The day of the decision cannot be in the future.")
NO_REASON = N_("Enter the grounds of the decision.")
REASON_TOO_LONG = N_("The grounds may be at most 20000 characters long.")
NOT_NOW = N_("This cannot be done in the application's present state.")


def valid_until(decided_on: dt.date) -> dt.date:
    """The last day of a registration decided on `decided_on`: five years (MK 385 point 4), the day
    before the same date five years later (01.03.2026 → 28.02.2031)."""
    return add_months(decided_on, 12 * VALID_YEARS) - dt.timedelta(days=1)


def may(act: str, status: str) -> bool:
    return status in ACTS.get(act, ())


def effective_status(status: str, valid_until_day: dt.date | None, today: dt.date) -> str:
    """The stored state, or "expired" for a registration whose validity has ended."""
    if status == "registered" and valid_until_day is not None and valid_until_day < today:
        return "expired"
    return status


def in_force(status: str, valid_until_day: dt.date | None, today: dt.date) -> bool:
    return effective_status(status, valid_until_day, today) == "registered"


def may_renew(status: str, valid_until_day: dt.date | None, today: dt.date) -> bool:
    """A registration in force or expired may be renewed by a new application; excluded ones may not
    (that needs a fresh application, not a renewal)."""
    return effective_status(status, valid_until_day, today) in ("registered", "expired")


def lines(text: str | None) -> list[str]:
    """Non-empty stripped lines, duplicates dropped, first occurrence kept."""
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        item = " ".join(line.split())
        if item and item.casefold() not in {s.casefold() for s in seen}:
            seen[item] = None
    return list(seen)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def check_scope(*, service_types: list[str], addresses: list[str], errors: Errors) -> None:
    """A registration covers each service type (point 5) at each actual address (point 6)."""
    if not service_types:
        _add(errors, "service_types", NO_SERVICES)
    elif len(service_types) > MAX_ITEMS:
        _add(errors, "service_types", TOO_MANY)
    elif any(len(s) > MAX_SERVICE for s in service_types):
        _add(errors, "service_types", SERVICE_TOO_LONG)
    if not addresses:
        _add(errors, "addresses", NO_ADDRESSES)
    elif len(addresses) > MAX_ITEMS:
        _add(errors, "addresses", TOO_MANY)
    elif any(len(a) > MAX_ADDRESS for a in addresses):
        _add(errors, "addresses", ADDRESS_TOO_LONG)


def check_application(
    *,
    provider_name: str,
    provider_kind: str,
    provider_code: str,
    contact: str,
    service_types: list[str],
    addresses: list[str],
    documents: str,
    submitted_on: dt.date | None,
    today: dt.date,
    errors: Errors,
) -> None:
    """Field messages for an application into `errors` (strings already stripped)."""
    if not provider_name:
        _add(errors, "provider_name", NO_NAME)
    elif len(provider_name) > MAX_NAME:
        _add(errors, "provider_name", NAME_TOO_LONG)
    if provider_kind not in PROVIDER_KINDS:
        _add(errors, "provider_kind", NO_PROVIDER_KIND)
    if not provider_code:
        _add(errors, "provider_code", NO_CODE)
    elif len(provider_code) > MAX_CODE:
        _add(errors, "provider_code", CODE_TOO_LONG)
    check_changes(contact=contact, documents=documents, errors=errors)
    check_scope(service_types=service_types, addresses=addresses, errors=errors)
    if submitted_on is None:
        if "submitted_on" not in errors:
            _add(errors, "submitted_on", NO_SUBMITTED_ON)
    elif submitted_on > today:
        _add(errors, "submitted_on", SUBMITTED_IN_FUTURE)


def check_changes(*, contact: str, documents: str, errors: Errors) -> None:
    """The lengths of what an applicant changes (strings already stripped)."""
    if len(contact) > MAX_CONTACT:
        _add(errors, "contact", CONTACT_TOO_LONG)
    if len(documents) > MAX_TEXT:
        _add(errors, "documents", DOCUMENTS_TOO_LONG)


def check_decision(
    *,
    decided_on: dt.date | None,
    submitted_on: dt.date,
    reason: str,
    reason_required: bool,
    today: dt.date,
    errors: Errors,
) -> None:
    """A decision (register, refuse, exclude) is dated between the submission and today; refusing and
    excluding give their grounds."""
    if decided_on is None:
        if "decided_on" not in errors:
            _add(errors, "decided_on", NO_DECIDED_ON)
    elif decided_on < submitted_on:
        _add(errors, "decided_on", DECIDED_BEFORE)
    elif decided_on > today:
        _add(errors, "decided_on", DECIDED_IN_FUTURE)
    if reason_required and not reason:
        _add(errors, "decision_reason", NO_REASON)
    elif len(reason) > MAX_TEXT:
        _add(errors, "decision_reason", REASON_TOO_LONG)


def reminder_due(
    status: str, valid_until_day: dt.date | None, today: dt.date, days: int = REMINDER_DAYS
) -> bool:
    """A registration in force whose validity ends within `days` from today."""
    return (
        status == "registered"
        and valid_until_day is not None
        and today <= valid_until_day <= today + dt.timedelta(days=days)
    )
