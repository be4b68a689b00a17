"""Notification texts: one subject, body and SMS per event and language, rendered before anything is queued.

Each event has Latvian (formal "Jūs") and English templates. The body is written once and rendered twice:
as plain text, and HTML-escaped into paragraphs for the e-mail's HTML part. A missing variable, an unknown
event or a value of the wrong type raises `TemplateError` naming the event, language and variable, so a
notice is never sent half filled. An unknown language falls back to Latvian.

SMS texts carry no names or case details (a phone is less private than a mailbox) and stay within two UCS-2
parts. Dates are dd.mm.yyyy, amounts "1 234,56 €" in Latvian (Babel, like the web pages)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_day, format_money, format_number


class TemplateError(Exception):
    """The notice cannot be composed; nothing should be sent."""

    def __init__(self, message: str, *, event: str, language: str, variable: str | None = None) -> None:
        super().__init__(message)
        self.event, self.language, self.variable = event, language, variable


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    sms_text: str


@dataclass(frozen=True)
class _Texts:
    subject: str
    body: str  # paragraphs separated by a blank line
    sms: str


class _WrongType(Exception):
    def __init__(self, expected: str, value: object) -> None:
        super().__init__(f"expected {expected}, got {type(value).__name__}")


_LV_SIGN = "\n\nAr cieņu\n{{ municipality }}"
_EN_SIGN = "\n\nKind regards\n{{ municipality }}"

TEMPLATES: dict[str, dict[str, _Texts]] = {
    "application_received": {
        "lv": _Texts(
            subject="Iesniegums Nr. {{ application_number }} saņemts",
            body="Labdien, {{ recipient_name }}!\n\n"
            "{{ received_on|date }} esam saņēmuši Jūsu iesniegumu Nr. {{ application_number }} "
            "({{ service_name }}). Lēmumu pieņemsim līdz {{ answer_by|date }}." + _LV_SIGN,
            sms="{{ municipality }}: Jūsu iesniegums Nr. {{ application_number }} saņemts. "
            "Lēmums līdz {{ answer_by|date }}.",
        ),
        "en": _Texts(
            subject="Application No. {{ application_number }} received",
            body="Dear {{ recipient_name }},\n\n"
            "On {{ received_on|date }} we received your application No. {{ application_number }} "
            "({{ service_name }}). We will decide on it by {{ answer_by|date }}." + _EN_SIGN,
            sms="{{ municipality }}: your application No. {{ application_number }} has been received. "
            "Decision by {{ answer_by|date }}.",
        ),
    },
    "application_decided": {
        "lv": _Texts(
            subject="Lēmums par iesniegumu Nr. {{ application_number }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "{{ decided_on|date }} pieņemts lēmums Nr. {{ decision_number }} par Jūsu iesniegumu "
            "Nr. {{ application_number }} ({{ service_name }}). Ar lēmumu varat iepazīties sociālajā "
            "dienestā vai e-pakalpojumu portālā. Lēmumu var apstrīdēt līdz {{ appeal_by|date }}." + _LV_SIGN,
            sms="{{ municipality }}: par Jūsu iesniegumu Nr. {{ application_number }} pieņemts lēmums. "
            "Apstrīdēt var līdz {{ appeal_by|date }}.",
        ),
        "en": _Texts(
            subject="Decision on application No. {{ application_number }}",
            body="Dear {{ recipient_name }},\n\n"
            "On {{ decided_on|date }} decision No. {{ decision_number }} was made on your application "
            "No. {{ application_number }} ({{ service_name }}). You can read it at the social service or "
            "in the e-services portal. The decision may be contested until {{ appeal_by|date }}." + _EN_SIGN,
            sms="{{ municipality }}: a decision has been made on your application "
            "No. {{ application_number }}. It may be contested until {{ appeal_by|date }}.",
        ),
    },
    "status_expiring": {
        "lv": _Texts(
            subject="Statusa derīgums beidzas {{ expires_on|date }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Jūsu statusa “{{ status_name }}” derīgums beidzas {{ expires_on|date }} "
            "({{ days_left|in_days }}). Ja statuss Jums joprojām nepieciešams, lūdzu, savlaicīgi "
            "iesniedziet jaunu iesniegumu." + _LV_SIGN,
            sms="{{ municipality }}: Jūsu statusa derīgums beidzas {{ expires_on|date }}. "
            "Lai to pagarinātu, iesniedziet jaunu iesniegumu.",
        ),
        "en": _Texts(
            subject="Your status expires on {{ expires_on|date }}",
            body="Dear {{ recipient_name }},\n\n"
            "Your status “{{ status_name }}” expires on {{ expires_on|date }} ({{ days_left|in_days }}). "
            "If you still need it, please submit a new application in good time." + _EN_SIGN,
            sms="{{ municipality }}: your status expires on {{ expires_on|date }}. "
            "Submit a new application to extend it.",
        ),
    },
    "benefit_expiring": {
        "lv": _Texts(
            subject="Pabalsta izmaksas termiņš beidzas {{ expires_on|date }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Jums piešķirtā pabalsta “{{ benefit_name }}” ({{ amount|money }} mēnesī) izmaksas "
            "termiņš beidzas {{ expires_on|date }} ({{ days_left|in_days }}). Lai pabalstu saņemtu arī "
            "turpmāk, lūdzu, savlaicīgi iesniedziet jaunu iesniegumu." + _LV_SIGN,
            sms="{{ municipality }}: Jūsu pabalsta izmaksas termiņš beidzas {{ expires_on|date }}. "
            "Lai to turpinātu, iesniedziet jaunu iesniegumu.",
        ),
        "en": _Texts(
            subject="Your benefit ends on {{ expires_on|date }}",
            body="Dear {{ recipient_name }},\n\n"
            "Your benefit “{{ benefit_name }}” ({{ amount|money }} a month) ends on "
            "{{ expires_on|date }} ({{ days_left|in_days }}). To keep receiving it, please submit a new "
            "application in good time." + _EN_SIGN,
            sms="{{ municipality }}: your benefit ends on {{ expires_on|date }}. "
            "Submit a new application to continue it.",
        ),
    },
    "queue_position_changed": {
        "lv": _Texts(
            subject="Jūsu vieta rindā: {{ position|number }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Jūsu vieta rindā “{{ queue_name }}” ir mainījusies. Pašlaik Jūs esat "
            "{{ position|number }}. rindā." + _LV_SIGN,
            sms="{{ municipality }}: Jūsu vieta rindā tagad ir {{ position|number }}.",
        ),
        "en": _Texts(
            subject="Your place in the queue: {{ position|number }}",
            body="Dear {{ recipient_name }},\n\n"
            "Your place in the queue “{{ queue_name }}” has changed. You are now number "
            "{{ position|number }}." + _EN_SIGN,
            sms="{{ municipality }}: you are now number {{ position|number }} in the queue.",
        ),
    },
    "place_offered": {
        "lv": _Texts(
            subject="Jums piedāvāta vieta: {{ place_name }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Rindā “{{ queue_name }}” ir pienākusi Jūsu kārta: Jums piedāvāta vieta “{{ place_name }}”. "
            "Lūdzu, apstipriniet vai atsakiet piedāvājumu līdz {{ answer_by|date }}. Ja līdz šim datumam "
            "atbildi nesaņemsim, vietu piedāvāsim nākamajam rindā." + _LV_SIGN,
            sms="{{ municipality }}: Jums piedāvāta vieta. Lūdzu, atbildiet līdz {{ answer_by|date }}.",
        ),
        "en": _Texts(
            subject="A place has been offered to you: {{ place_name }}",
            body="Dear {{ recipient_name }},\n\n"
            "Your turn has come in the queue “{{ queue_name }}”: you are offered a place at "
            "“{{ place_name }}”. Please accept or decline the offer by {{ answer_by|date }}. Without an "
            "answer by then the place will be offered to the next person in the queue." + _EN_SIGN,
            sms="{{ municipality }}: a place has been offered to you. Please reply by {{ answer_by|date }}.",
        ),
    },
    "complaint_deadline_near": {
        "lv": _Texts(
            subject="Sūdzības Nr. {{ complaint_number }} atbildes termiņš {{ deadline|date }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Atbilde uz sūdzību Nr. {{ complaint_number }} jāsniedz līdz {{ deadline|date }} "
            "({{ days_left|in_days }})." + _LV_SIGN,
            sms="{{ municipality }}: sūdzības Nr. {{ complaint_number }} atbildes termiņš "
            "{{ deadline|date }}.",
        ),
        "en": _Texts(
            subject="Complaint No. {{ complaint_number }} is due on {{ deadline|date }}",
            body="Dear {{ recipient_name }},\n\n"
            "The answer to complaint No. {{ complaint_number }} is due by {{ deadline|date }} "
            "({{ days_left|in_days }})." + _EN_SIGN,
            sms="{{ municipality }}: complaint No. {{ complaint_number }} is due on {{ deadline|date }}.",
        ),
    },
    "complaint_overdue": {
        "lv": _Texts(
            subject="Nokavēts sūdzības Nr. {{ complaint_number }} atbildes termiņš",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Atbildes termiņš sūdzībai Nr. {{ complaint_number }} beidzās {{ deadline|date }}, bet atbilde "
            "vēl nav sniegta. Lūdzu, sniedziet to nekavējoties." + _LV_SIGN,
            sms="{{ municipality }}: nokavēts sūdzības Nr. {{ complaint_number }} atbildes termiņš "
            "({{ deadline|date }}).",
        ),
        "en": _Texts(
            subject="Complaint No. {{ complaint_number }} is overdue",
            body="Dear {{ recipient_name }},\n\n"
            "The answer to complaint No. {{ complaint_number }} was due on {{ deadline|date }} and has not "
            "been given yet. Please answer it without delay." + _EN_SIGN,
            sms="{{ municipality }}: complaint No. {{ complaint_number }} is overdue "
            "(due {{ deadline|date }}).",
        ),
    },
    "provider_registration_expiring": {
        "lv": _Texts(
            subject="Sociālo pakalpojumu sniedzēja reģistrācija beidzas {{ expires_on|date }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Jūsu reģistrācija sociālo pakalpojumu sniedzēju reģistrā (Nr. {{ registration_number }}) "
            "beidzas {{ expires_on|date }} ({{ days_left|in_days }}). Lai turpinātu sniegt pakalpojumus, "
            "lūdzu, savlaicīgi iesniedziet dokumentus reģistrācijas pagarināšanai." + _LV_SIGN,
            sms="{{ municipality }}: Jūsu kā pakalpojumu sniedzēja reģistrācija beidzas "
            "{{ expires_on|date }}.",
        ),
        "en": _Texts(
            subject="Your social service provider registration expires on {{ expires_on|date }}",
            body="Dear {{ recipient_name }},\n\n"
            "Your entry in the register of social service providers (No. {{ registration_number }}) "
            "expires on {{ expires_on|date }} ({{ days_left|in_days }}). To keep providing services, please "
            "submit the documents for renewal in good time." + _EN_SIGN,
            sms="{{ municipality }}: your service provider registration expires on {{ expires_on|date }}.",
        ),
    },
    "decision_pdf_ready": {
        "lv": _Texts(
            subject="Lēmums Nr. {{ decision_number }} ir sagatavots",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Lēmums Nr. {{ decision_number }} ({{ decided_on|date }}) ir sagatavots un pieejams "
            "e-pakalpojumu portālā. Papīra eksemplāru varat saņemt sociālajā dienestā." + _LV_SIGN,
            sms="{{ municipality }}: lēmums Nr. {{ decision_number }} ir pieejams e-pakalpojumu portālā.",
        ),
        "en": _Texts(
            subject="Decision No. {{ decision_number }} is ready",
            body="Dear {{ recipient_name }},\n\n"
            "Decision No. {{ decision_number }} ({{ decided_on|date }}) is ready and available in the "
            "e-services portal. You can also collect a paper copy at the social service." + _EN_SIGN,
            sms="{{ municipality }}: decision No. {{ decision_number }} is available in the e-services "
            "portal.",
        ),
    },
    # To a staff member who asked for an event by e-mail (app/notifications/events.py): only the kind of
    # notice, never the client or the case; the details are in the app's inbox.
    "staff_notice": {
        "lv": _Texts(
            subject="Jauns paziņojums: {{ notice_kind }}",
            body="Labdien, {{ recipient_name }}!\n\n"
            "Sistēmā Atbalsts Jums ir jauns paziņojums ({{ notice_kind }}). Lai to izlasītu, atveriet "
            "sadaļu “Paziņojumi”." + _LV_SIGN,
            sms="{{ municipality }}: sistēmā Atbalsts Jums ir jauns paziņojums.",
        ),
        "en": _Texts(
            subject="New notification: {{ notice_kind }}",
            body="Dear {{ recipient_name }},\n\n"
            "You have a new notification in Atbalsts ({{ notice_kind }}). To read it, open the "
            "“Inbox” section." + _EN_SIGN,
            sms="{{ municipality }}: you have a new notification in Atbalsts.",
        ),
    },
}

EVENTS = tuple(TEMPLATES)


# Formatting: pure, per language; a value of the wrong type is a caller's mistake, reported by name.


def _date(language: str) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise _WrongType("a date", value)
        return format_day(value, language)

    return fmt


def _money(language: str) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, Decimal | int) or not Decimal(value).is_finite():
            raise _WrongType("a Decimal amount", value)
        return format_money(Decimal(value), language)

    return fmt


def _number(language: str) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _WrongType("a whole number", value)
        return format_number(value, language)

    return fmt


def _in_days(language: str) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _WrongType("a number of days (0 or more)", value)
        if language == "lv":
            if value in (0, 1):
                return ("šodien", "rīt")[value]
            # "pēc 21 dienas", "pēc 5 dienām": the singular after numbers ending in 1 (but not 11)
            return f"pēc {value} {'dienas' if value % 10 == 1 and value % 100 != 11 else 'dienām'}"
        if value in (0, 1):
            return ("today", "tomorrow")[value]
        return f"in {value} days"

    return fmt


@cache
def _environment(language: str, html: bool) -> SandboxedEnvironment:
    """Our own environment (not the web one): strict about undefined names, escaping only for HTML."""
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=html, keep_trailing_newline=False, auto_reload=False
    )
    env.filters.update(
        date=_date(language), money=_money(language), number=_number(language), in_days=_in_days(language)
    )
    return env


@cache
def _template(language: str, html: bool, source: str) -> jinja2.Template:
    return _environment(language, html).from_string(source)


@cache  # parsing the event's templates costs ~1.5 ms, on every notice queued
def required_variables(event: str) -> frozenset[str]:
    """The names every template of `event` (any language, any part) uses."""
    if event not in TEMPLATES:
        raise TemplateError(f"Unknown notification event {event!r}", event=event, language="")
    env = _environment(DEFAULT_LANGUAGE, False)
    names: set[str] = set()
    for texts in TEMPLATES[event].values():
        for source in (texts.subject, texts.body, texts.sms):
            names |= meta.find_undeclared_variables(env.parse(source))
    return frozenset(names)


@cache
def _formatted_variables(event: str) -> tuple[tuple[str, str], ...]:
    """(variable, filter) pairs such as ("expires_on", "date"), to check the values' types by name."""
    env = _environment(DEFAULT_LANGUAGE, False)
    pairs: set[tuple[str, str]] = set()
    for texts in TEMPLATES[event].values():
        for source in (texts.subject, texts.body, texts.sms):
            for node in env.parse(source).find_all(nodes.Filter):
                if isinstance(node.node, nodes.Name):
                    pairs.add((node.node.name, node.name))
    return tuple(sorted(pairs))


_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _clean(value: Any) -> Any:
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def _html(body: str) -> str:
    """Escaped body → paragraphs; single line breaks become <br>."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    escaped = [[Markup(line) for line in p.split("\n")] for p in paragraphs]  # noqa: S704 (already escaped)
    return "\n".join(Markup("<p>{}</p>").format(Markup("<br>\n").join(lines)) for lines in escaped)


def render_message(event: str, language: str, variables: Mapping[str, Any]) -> RenderedMessage:
    """Subject, plain text, HTML and SMS text for `event` in `language` (Latvian if unknown)."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if event not in TEMPLATES:
        raise TemplateError(f"Unknown notification event {event!r}", event=event, language=lang)
    missing = sorted(n for n in required_variables(event) if variables.get(n) is None)
    if missing:
        raise TemplateError(
            f"Notification {event!r} ({lang}) is missing variable(s): {', '.join(missing)}",
            event=event,
            language=lang,
            variable=missing[0],
        )
    filters = _environment(lang, False).filters
    for name, filter_name in _formatted_variables(event):
        try:
            filters[filter_name](variables[name])
        except _WrongType as exc:
            raise TemplateError(
                f"Notification {event!r} ({lang}): variable {name!r} has the wrong type: {exc}",
                event=event,
                language=lang,
                variable=name,
            ) from exc
    texts = TEMPLATES[event][lang]
    context = {name: _clean(value) for name, value in variables.items()}
    current = "subject"
    try:
        subject = _one_line(_template(lang, False, texts.subject).render(context))
        current = "text"
        text = _template(lang, False, texts.body).render(context)
        current = "html"
        html = _html(_template(lang, True, texts.body).render(context))
        current = "sms"
        sms = _one_line(_template(lang, False, texts.sms).render(context))
    except _WrongType as exc:
        raise TemplateError(
            f"Notification {event!r} ({lang}), {current}: a variable has the wrong type: {exc}",
            event=event,
            language=lang,
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"Notification {event!r} ({lang}), {current}: {exc.message or exc}", event=event, language=lang
        ) from exc
    return RenderedMessage(subject=subject, text=text, html=html, sms_text=sms)
