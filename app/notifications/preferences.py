"""A client's contact preferences and consent (the person page's "Contact" tab), and a staff member's
notification settings (/me/notifications).

Rules for a client: channels are chosen among e-mail, text message and the official e-address (none:
letters by post or in person); electronic channels need the person's consent, recorded with its day and
the staff member who recorded it; a chosen channel must have a usable contact (a valid e-mail, a Latvian
mobile number, a personal code for the e-address). Every change is written to the change log."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.models import User
from app.auth.principal import Actor
from app.dates import DateError, parse_day
from app.domains.people.models import Person
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.notifications.events import STAFF_EVENT_LABELS
from app.notifications.models import ContactProblem
from app.notifications.preference_models import (
    CLIENT_CHANNELS,
    NOTICE_LANGUAGES,
    ContactPreference,
    StaffNotificationSetting,
)
from app.notifications.service import check_address
from app.permissions import Permission

Form = Mapping[str, str | list[str]]
Errors = dict[str, list[str]]

CONSENTS = {"given": N_("Consent given"), "withdrawn": N_("Consent withdrawn")}
UNKNOWN_CHANNEL = N_("Choose among the channels offered.")
UNKNOWN_LANGUAGE = N_("Choose Latvian or English.")
UNKNOWN_CONSENT = N_("Choose whether the consent is given or withdrawn.")
CONSENT_DAY_MISSING = N_("Enter the day the consent was given or withdrawn.")
CONSENT_DAY_FUTURE = N_("The day of the consent cannot be in the future.")
NEEDS_CONSENT = N_(
    "Electronic notices need the person's consent: record the consent, or choose no channel (letters)."
)
STALE = N_("Someone else changed these settings meanwhile. Reload the page and try again.")
NO_SUCH_PERSON = N_("No such person.")
UNKNOWN_EVENT = N_("Choose among the notices offered.")


def _all(data: Form, key: str) -> list[str]:
    value = data.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def _one(data: Form, key: str) -> str:
    values = _all(data, key)
    return values[-1].strip() if values else ""


@dataclass(frozen=True)
class PreferenceDraft:
    channels: tuple[str, ...]
    language: str
    consent: str | None  # given, withdrawn; None: never recorded
    consent_on: dt.date | None


def read_preferences(data: Form, today: dt.date) -> tuple[PreferenceDraft, Errors]:
    """The form as a draft, and the messages for what cannot be read (pure)."""
    errors: Errors = {}
    chosen = [c for c in _all(data, "channels") if c]
    if any(c not in CLIENT_CHANNELS for c in chosen):
        errors["channels"] = [UNKNOWN_CHANNEL]
    channels = tuple(c for c in CLIENT_CHANNELS if c in chosen)  # the offered order, once each
    language = _one(data, "language") or "lv"
    if language not in NOTICE_LANGUAGES:
        errors["language"] = [UNKNOWN_LANGUAGE]
    consent = _one(data, "consent") or None
    if consent is not None and consent not in CONSENTS:
        errors["consent"] = [UNKNOWN_CONSENT]
    consent_on = None
    raw_day = _one(data, "consent_on")
    if consent is not None:
        if not raw_day:
            errors["consent_on"] = [CONSENT_DAY_MISSING]
        else:
            try:
                consent_on = parse_day(raw_day, bounded=True)
            except DateError as exc:
                errors["consent_on"] = [str(exc)]
            else:
                if consent_on > today:
                    errors["consent_on"] = [CONSENT_DAY_FUTURE]
    if channels and consent != "given" and "channels" not in errors:
        errors["channels"] = [NEEDS_CONSENT]
    return PreferenceDraft(channels, language, consent, consent_on), errors


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactChannel:
    channel: str
    address: str | None  # as recorded on the person
    problem: str | None  # msgid: why the channel cannot use it


@dataclass(frozen=True)
class RecordedProblem:
    channel: str
    address: str | None
    reason: str  # msgid
    detail: str | None
    found_at: dt.datetime
    last_seen_at: dt.datetime


@dataclass(frozen=True)
class ContactSettings:
    person_id: uuid.UUID
    recorded: bool  # False: nothing chosen yet (the defaults are shown)
    channels: tuple[str, ...]
    language: str
    consent: str | None
    consent_on: dt.date | None
    consent_recorded_by: str | None  # the staff member's name
    updated_at: dt.datetime | None
    updated_by: str | None
    version: int  # 0 before the first save
    contacts: tuple[ContactChannel, ...]
    problems: tuple[RecordedProblem, ...]  # open contact problems the delivery found


async def _names(session: AsyncSession, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = await session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    return {r.id: r.full_name for r in rows}


async def contact_settings(session: AsyncSession, person_id: uuid.UUID) -> ContactSettings:
    """The tab's data: the preferences (or the defaults), the person's contacts as each channel sees
    them, and the open contact problems the delivery recorded."""
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFound(NO_SUCH_PERSON)
    pref = await session.scalar(select(ContactPreference).where(ContactPreference.person_id == person_id))
    raw = {"email": person.email, "sms": person.phone, "eaddress": person.personal_code}
    contacts = tuple(ContactChannel(c, raw[c], check_address(c, raw[c])[1]) for c in CLIENT_CHANNELS)
    problems = (
        await session.execute(
            select(ContactProblem)
            .where(ContactProblem.person_id == person_id, ContactProblem.resolved_at.is_(None))
            .order_by(ContactProblem.last_seen_at.desc())
            .limit(20)
        )
    ).scalars()
    recorded = tuple(
        RecordedProblem(p.channel, p.address, p.reason, p.detail, p.found_at, p.last_seen_at)
        for p in problems
    )
    if pref is None:
        language = person.preferred_language if person.preferred_language in NOTICE_LANGUAGES else "lv"
        return ContactSettings(
            person_id, False, (), language, None, None, None, None, None, 0, contacts, recorded
        )
    names = await _names(session, {pref.consent_recorded_by, pref.updated_by})
    return ContactSettings(
        person_id=person_id,
        recorded=True,
        channels=tuple(pref.channels),
        language=pref.language,
        consent=pref.consent,
        consent_on=pref.consent_on,
        consent_recorded_by=names.get(pref.consent_recorded_by) if pref.consent_recorded_by else None,
        updated_at=pref.updated_at,
        updated_by=names.get(pref.updated_by) if pref.updated_by else None,
        version=pref.version,
        contacts=contacts,
        problems=recorded,
    )


# --- acts -------------------------------------------------------------------------------------------------


def _snapshot(pref: ContactPreference) -> dict[str, object]:
    return {
        "channels": list(pref.channels),
        "language": pref.language,
        "consent": pref.consent,
        "consent_on": pref.consent_on,
    }


async def save_contact_preferences(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    draft: PreferenceDraft,
    *,
    version: int,
    errors: Errors | None = None,
) -> ContactPreference:
    """Store the client's choices. `version` is the one the form showed (0 for none yet): another save
    in between is a Conflict. A consent change records the actor and the day; the rest keeps them."""
    actor.require(Permission.PERSON_EDIT)
    assert actor.tenant_id is not None
    person = await session.scalar(select(Person).where(Person.id == person_id).with_for_update())
    if person is None:
        raise NotFound(NO_SUCH_PERSON)
    pref = await session.scalar(
        select(ContactPreference).where(ContactPreference.person_id == person_id).with_for_update()
    )
    if (pref.version if pref is not None else 0) != version:
        raise Conflict(STALE)
    found: Errors = {k: list(v) for k, v in (errors or {}).items()}
    if pref is not None and pref.consent is not None and draft.consent is None:
        found.setdefault("consent", []).append(UNKNOWN_CONSENT)  # a recorded consent is changed, not erased
    raw = {"email": person.email, "sms": person.phone, "eaddress": person.personal_code}
    for channel in draft.channels:  # each unusable channel's reason under its own checkbox
        reason = check_address(channel, raw[channel])[1]
        if reason is not None:
            found[f"channel_{channel}"] = [reason]
    if found:
        raise InvalidInput(found)
    now = dt.datetime.now(dt.UTC)
    before = _snapshot(pref) if pref is not None else None
    if pref is None:
        pref = ContactPreference(tenant_id=actor.tenant_id, person_id=person_id, version=0)
        session.add(pref)
    consent_changed = (pref.consent, pref.consent_on) != (draft.consent, draft.consent_on)
    pref.channels, pref.language = list(draft.channels), draft.language
    if consent_changed:
        pref.consent, pref.consent_on, pref.consent_recorded_by = (
            draft.consent,
            draft.consent_on,
            actor.user_id,
        )
    pref.updated_at, pref.updated_by = now, actor.user_id
    pref.version = (pref.version or 0) + 1
    after = _snapshot(pref)
    if consent_changed:
        after["consent_recorded_by"] = actor.user_id
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:contact:edit",
        entity_type="person",
        entity_id=person_id,
        before=before,
        after=after,
    )
    await session.flush()
    return pref


@dataclass(frozen=True)
class StaffSettings:
    email: str | None  # where e-mails would go; None: the account has no address
    email_events: tuple[str, ...]


async def staff_settings(session: AsyncSession, actor: Actor) -> StaffSettings:
    email = await session.scalar(select(User.email).where(User.id == actor.user_id))
    events = await session.scalar(
        select(StaffNotificationSetting.email_events).where(StaffNotificationSetting.user_id == actor.user_id)
    )
    return StaffSettings(email, tuple(events or ()))


def read_staff_settings(data: Form) -> tuple[tuple[str, ...], Errors]:
    chosen = [e for e in _all(data, "email_events") if e]
    if any(e not in STAFF_EVENT_LABELS for e in chosen):
        return (), {"email_events": [UNKNOWN_EVENT]}
    return tuple(e for e in STAFF_EVENT_LABELS if e in chosen), {}


async def save_staff_settings(
    session: AsyncSession, actor: Actor, email_events: tuple[str, ...]
) -> StaffNotificationSetting:
    """The events the actor also wants by e-mail in this municipality (the inbox gets all of them)."""
    if actor.tenant_id is None:
        raise NotFound()
    unknown = [e for e in email_events if e not in STAFF_EVENT_LABELS]
    if unknown:
        raise InvalidInput({"email_events": [UNKNOWN_EVENT]})
    setting = await session.scalar(
        select(StaffNotificationSetting)
        .where(StaffNotificationSetting.user_id == actor.user_id)
        .with_for_update()
    )
    before = {"email_events": list(setting.email_events)} if setting is not None else None
    if setting is None:
        setting = StaffNotificationSetting(tenant_id=actor.tenant_id, user_id=actor.user_id)
        session.add(setting)
    setting.email_events = list(email_events)
    setting.updated_at = dt.datetime.now(dt.UTC)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="notifications:settings:edit",
        entity_type="user",
        entity_id=actor.user_id,
        before=before,
        after={"email_events": list(email_events)},
    )
    await session.flush()
    return setting
