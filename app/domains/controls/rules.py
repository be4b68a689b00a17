"""Data controls, the pure part: what a hit is, the rules' names and messages, the settings they read,
how an address is matched to the municipality, and how a run's hits turn into opened, kept and resolved
alerts. No database here; `checks.py` finds the hits, `service.py` stores them."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.i18n import N_

# Rule keys (stored in control_alerts.rule).
GRANT_WITHOUT_STATUS = "grant_without_status"
TWO_MUNICIPALITIES = "two_municipalities"
SHARED_IBAN = "shared_iban"
RESIDENT_BENEFIT_OUTSIDE = "resident_benefit_outside"
INACTIVE_CASE = "inactive_case"

# Municipality settings (tenants.settings) the controls and reminders read, with their defaults and bounds.
REMINDER_DAYS = "reminder_days"
INACTIVE_CASE_MONTHS = "inactive_case_months"
SETTING_DEFAULTS = {REMINDER_DAYS: 14, INACTIVE_CASE_MONTHS: 6}
SETTING_BOUNDS = {REMINDER_DAYS: (1, 90), INACTIVE_CASE_MONTHS: (1, 60)}

# The statuses a benefit's `requires_status` accepts (the same reading as the benefits domain's
# REQUIRED_STATUSES: a low-income requirement is not met by a needy status unless the type says so).
ACCEPTED_STATUSES: dict[str, tuple[str, ...]] = {
    "needy": ("needy",),
    "low_income": ("low_income",),
    "needy_or_low_income": ("needy", "low_income"),
}
STATUS_LABELS = {"needy": N_("Needy household"), "low_income": N_("Low-income household")}


@dataclass(frozen=True)
class RuleInfo:
    key: str
    name: str  # msgid: the rule as the alerts page lists it
    explanation: str  # msgid: what it checks and what to do
    available: bool = True
    unavailable_reason: str | None = None  # msgid, when not available


RULES: dict[str, RuleInfo] = {
    GRANT_WITHOUT_STATUS: RuleInfo(
        GRANT_WITHOUT_STATUS,
        N_("Benefit paid without the required status"),
        N_(
            "A benefit that requires a needy or low-income status is being paid, but the household no "
            "longer holds that status. Check the status and, if needed, stop the benefit by a decision."
        ),
    ),
    TWO_MUNICIPALITIES: RuleInfo(
        TWO_MUNICIPALITIES,
        N_("Household member in two municipalities"),
        N_(
            "The person is a member of a household in this municipality and, at the same time, in another "
            "one. Only the other municipality's name is shown; agree with it which one supports the person."
        ),
    ),
    SHARED_IBAN: RuleInfo(
        SHARED_IBAN,
        N_("Payments to one account of unrelated clients"),
        N_("Payments of unrelated clients go to the same bank account (IBAN)."),
        available=False,
        unavailable_reason=N_("Available once payments are recorded: no bank account is stored yet."),
    ),
    RESIDENT_BENEFIT_OUTSIDE: RuleInfo(
        RESIDENT_BENEFIT_OUTSIDE,
        N_("Residents' benefit, address elsewhere"),
        N_(
            "A benefit only for the municipality's residents is paid, but the person's declared address "
            "today is in another municipality (by its ATVK code)."
        ),
    ),
    INACTIVE_CASE: RuleInfo(
        INACTIVE_CASE,
        N_("Case without activity"),
        N_("An open case has had no recorded activity for the set number of months. Record it or close it."),
    ),
}


@dataclass(frozen=True)
class Hit:
    """One finding: the rule, the record it is about (of this municipality), the worker to tell (None:
    the heads of service), plain details for the message, and where the record is shown."""

    rule: str
    record_kind: str
    record_id: uuid.UUID
    responsible_user_id: uuid.UUID | None
    details: Mapping[str, Any] = field(default_factory=dict)
    link: str | None = None


@dataclass(frozen=True)
class OpenAlert:
    id: uuid.UUID
    rule: str
    record_id: uuid.UUID


@dataclass(frozen=True)
class Reconciled:
    new: tuple[Hit, ...]  # no open alert yet: open one and tell the worker
    seen: tuple[tuple[uuid.UUID, Hit], ...]  # (open alert id, hit): found again
    resolved: tuple[uuid.UUID, ...]  # open alerts of the rules that ran that nothing found any more


def reconcile(open_alerts: Iterable[OpenAlert], hits: Iterable[Hit], ran: Iterable[str]) -> Reconciled:
    """Compare a run's hits with the open alerts. Only the rules that ran resolve alerts: a rule that failed
    or is unavailable leaves its alerts as they are. Two hits of one rule on one record count once."""
    ran_rules = set(ran)
    by_key = {(a.rule, a.record_id): a for a in open_alerts}
    new: dict[tuple[str, uuid.UUID], Hit] = {}
    seen: dict[tuple[str, uuid.UUID], tuple[uuid.UUID, Hit]] = {}
    for hit in hits:
        key = (hit.rule, hit.record_id)
        if key in by_key:
            seen.setdefault(key, (by_key[key].id, hit))
        else:
            new.setdefault(key, hit)
    resolved = tuple(a.id for k, a in by_key.items() if k not in seen and a.rule in ran_rules)
    return Reconciled(tuple(new.values()), tuple(seen.values()), resolved)


def setting(settings: Mapping[str, Any] | None, key: str) -> int:
    """A municipality's setting as a whole number within its bounds; the default when unset or unusable
    (a typo in a JSON setting must not stop the nightly run)."""
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


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it has no such day: 31.08 → 28.02)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def in_municipality(address_atvk: str | None, municipality_atvk: str | None) -> bool | None:
    """Whether an address's ATVK code lies in the municipality; None when it cannot be told.

    ATVK 2021 codes are 7 digits: "00", the territory (01–19 state cities, 20–99 novadi), then three
    digits for the unit inside it — "000" for the municipality itself, other values for its towns and
    parishes (Valmieras novads 0054000; its parishes 0054xxx). So an address whose code shares the first
    four digits with a municipality coded …000 is inside it. A municipality code not ending in 000 (older
    or test data) matches exactly. A missing or malformed address code tells nothing."""
    if not address_atvk or not municipality_atvk:
        return None
    if len(address_atvk) != 7 or not address_atvk.isdigit():
        return None
    if municipality_atvk.endswith("000") and len(municipality_atvk) == 7:
        return address_atvk[:4] == municipality_atvk[:4]
    return address_atvk == municipality_atvk


def alert_title(rule: str, details: Mapping[str, Any]) -> str:
    """The inbox title (a msgid) for an alert; its parameters are the alert's details."""
    if rule == GRANT_WITHOUT_STATUS:
        if details.get("status_end"):
            return N_("%(person)s: “%(benefit)s” is paid, but the required status ended on %(status_end)s")
        return N_("%(person)s: “%(benefit)s” is paid, but the household holds no required status")
    if rule == TWO_MUNICIPALITIES:
        return N_("%(person)s is also a household member in %(other)s")
    if rule == RESIDENT_BENEFIT_OUTSIDE:
        return N_("%(person)s: “%(benefit)s” is for residents, but the declared address is elsewhere")
    if rule == INACTIVE_CASE:
        if details.get("last_activity"):
            return N_("Case %(number)s has had no activity since %(last_activity)s")
        return N_("Case %(number)s has had no activity since it was opened on %(opened_on)s")
    return N_("Data control: %(rule)s")
