"""Publishing an event: to a client by the channels and language they chose (and consented to), and to
staff as inbox items (plus an e-mail for the events they asked for).

`publish` (async, for services) and `publish_sync` (workers) do the same, in the caller's transaction:

- **the client** (`person_id`): nothing is sent electronically without a given consent; otherwise one
  notice per chosen channel through `queue_message` (which renders, checks the address and queues it).
  A deceased person gets nothing. `recipient_name` and `municipality` are filled in when not given.
- **staff** (`user_ids`): an inbox item each, whose title is an English msgid with the event's variables
  as parameters (translated when shown). With a `dedup_key`, publishing the same item again is a no-op.
  A staff member who asked for the event by e-mail also gets a short e-mail that names only the kind of
  notice, never the client: work mail is forwarded and read on phones, the details stay in the app.

Variables are what the templates take (dates as dates, amounts as Decimal); a value that differs by
language is given as `Localized(lv=…, en=…)`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.service import jsonable
from app.auth.models import User
from app.domains.people.models import Person
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext
from app.notifications.inbox import add_inbox_item_sync, safe_link
from app.notifications.labels import EVENT_LABELS
from app.notifications.preference_models import ContactPreference, StaffNotificationSetting
from app.notifications.service import queue_message_sync
from app.tenants.models import Tenant

DATA_CONTROL_ALERT = "data_control_alert"
STAFF_NOTICE = "staff_notice"  # the e-mail telling a staff member that the inbox has a new item

# Events staff can receive, as the settings page lists them.
STAFF_EVENT_LABELS: dict[str, str] = {**EVENT_LABELS, DATA_CONTROL_ALERT: N_("Data-control alert")}

# The inbox title of each event: a msgid whose parameters are the event's variables.
STAFF_TITLES: dict[str, str] = {
    "application_received": N_("Application No. %(application_number)s received (%(service_name)s)"),
    "application_decided": N_("Decision No. %(decision_number)s on application No. %(application_number)s"),
    "status_expiring": N_("%(recipient_name)s: “%(status_name)s” expires on %(expires_on)s"),
    "benefit_expiring": N_("%(recipient_name)s: “%(benefit_name)s” ends on %(expires_on)s"),
    "queue_position_changed": N_("%(recipient_name)s is now number %(position)s in “%(queue_name)s”"),
    "place_offered": N_("%(recipient_name)s was offered a place: %(place_name)s"),
    "complaint_deadline_near": N_("Complaint No. %(complaint_number)s is due on %(deadline)s"),
    "complaint_overdue": N_("Complaint No. %(complaint_number)s is overdue (due %(deadline)s)"),
    "complaint_received": N_("No. %(complaint_number)s received through the e-services: %(subject)s"),
    "provider_application_received": N_(
        "Provider application No. %(registration_number)s received: %(provider_name)s"
    ),
    "provider_registration_expiring": N_(
        "Provider registration No. %(registration_number)s expires on %(expires_on)s"
    ),
    "decision_pdf_ready": N_("Decision No. %(decision_number)s is ready"),
    DATA_CONTROL_ALERT: N_("Data-control alert"),
}


@dataclass(frozen=True)
class Localized:
    """A variable whose text depends on the reader's language (a benefit's name, a status label)."""

    lv: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.lv


def localized_msgid(msgid: str) -> Localized:
    """A msgid translated into each notice language."""
    return Localized(**{lang: gettext(lang, msgid) for lang in ("lv", "en")})


def for_language(variables: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The variables as the templates take them in `language`."""
    return {k: v.in_language(language) if isinstance(v, Localized) else v for k, v in variables.items()}


def inbox_params(variables: Mapping[str, Any]) -> dict[str, Any]:
    """The variables as stored JSON: dates ISO, amounts as strings, Localized as {"lv": …, "en": …}."""
    return {
        k: {"lv": v.lv, "en": v.en} if isinstance(v, Localized) else jsonable(v) for k, v in variables.items()
    }


@dataclass(frozen=True)
class NoticePlan:
    """How a client is told: the channels (empty: by post or in person) and the language."""

    channels: tuple[str, ...]
    language: str
    name: str


def notice_plan_sync(session: Session, person_id: uuid.UUID) -> NoticePlan | None:
    """The client's channels and language now; None for a person not in this municipality."""
    row = session.execute(
        select(
            Person.first_name,
            Person.last_name,
            Person.preferred_language,
            Person.died_on,
            ContactPreference.channels,
            ContactPreference.language,
            ContactPreference.consent,
        )
        .outerjoin(ContactPreference, ContactPreference.person_id == Person.id)
        .where(Person.id == person_id)
    ).first()
    if row is None:
        return None
    language = row.language or (row.preferred_language if row.preferred_language in LANGUAGES else None)
    consented = row.consent == "given" and row.died_on is None
    return NoticePlan(
        channels=tuple(row.channels or ()) if consented else (),
        language=language or DEFAULT_LANGUAGE,
        name=f"{row.first_name} {row.last_name}",
    )


def _municipality(session: Session) -> str:
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("publishing needs a tenant-bound session")
    return session.execute(select(Tenant.name).where(Tenant.id == tenant)).scalar_one()


def publish_sync(
    session: Session,
    event: str,
    *,
    person_id: uuid.UUID | None = None,
    user_ids: Iterable[uuid.UUID] = (),
    variables: Mapping[str, Any],
    link: str | None = None,
    dedup_key: str | None = None,
    title: str | None = None,
) -> None:
    """See the module docstring. `title` replaces the event's inbox title (a msgid over `variables`);
    `link` must be a path inside the app (anything else is dropped)."""
    link = safe_link(link)
    municipality = _municipality(session)
    if person_id is not None:
        plan = notice_plan_sync(session, person_id)
        if plan is not None and plan.channels:
            values = {"recipient_name": plan.name, "municipality": municipality, **variables}
            for channel in plan.channels:
                queue_message_sync(
                    session,
                    event=event,
                    channel=channel,
                    language=plan.language,
                    variables=for_language(values, plan.language),
                    person_id=person_id,
                    link=link,
                )
    recipients = list(dict.fromkeys(user_ids))
    if not recipients:
        return
    params = inbox_params(variables)
    inbox_title = title or STAFF_TITLES.get(event) or STAFF_TITLES[DATA_CONTROL_ALERT]
    added = [
        uid
        for uid in recipients
        if add_inbox_item_sync(
            session,
            user_id=uid,
            event=event,
            title=inbox_title,
            params=params,
            link=link,
            dedup_key=dedup_key,
        )
    ]
    _email_staff(session, event, added, municipality, link)


def _email_staff(
    session: Session, event: str, user_ids: list[uuid.UUID], municipality: str, link: str | None
) -> None:
    """The short e-mail for staff who asked for this event by e-mail (and have an address)."""
    if not user_ids:
        return
    rows = session.execute(
        select(User.id, User.full_name, User.locale)
        .join(StaffNotificationSetting, StaffNotificationSetting.user_id == User.id)
        .where(
            User.id.in_(user_ids),
            User.is_active.is_(True),
            User.email.is_not(None),
            StaffNotificationSetting.email_events.contains([event]),
        )
    ).all()
    kind = STAFF_EVENT_LABELS.get(event, STAFF_EVENT_LABELS[DATA_CONTROL_ALERT])
    for user_id, full_name, locale in rows:
        language = locale if locale in LANGUAGES else DEFAULT_LANGUAGE
        queue_message_sync(
            session,
            event=STAFF_NOTICE,
            channel="email",
            language=language,
            variables={
                "recipient_name": full_name,
                "municipality": municipality,
                "notice_kind": gettext(language, kind),
            },
            user_id=user_id,
            link=link,
        )


async def publish(
    session: AsyncSession,
    event: str,
    *,
    person_id: uuid.UUID | None = None,
    user_ids: Iterable[uuid.UUID] = (),
    variables: Mapping[str, Any],
    link: str | None = None,
    dedup_key: str | None = None,
    title: str | None = None,
) -> None:
    """`publish_sync` for async services: the same rows, in the caller's transaction."""
    users = tuple(user_ids)
    await session.run_sync(
        lambda sync: publish_sync(
            sync,
            event,
            person_id=person_id,
            user_ids=users,
            variables=variables,
            link=link,
            dedup_key=dedup_key,
            title=title,
        )
    )
