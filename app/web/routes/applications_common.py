"""What the application, decision and grant pages share: the label vocabularies, reading dates and amounts
from forms, and the explanation of a computed amount as the reader reads it (translated label with its
dates and numbers in the reader's format, the value with its unit, the legal reference)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar.plugins.htmx import HTMXRequest

from app.dates import DateError, parse_day
from app.domains.assistance.explain import Line
from app.domains.benefits import rules
from app.domains.benefits.periods import Existing
from app.i18n import N_, format_cents, format_day, format_money, format_number, gettext, translations
from app.web.templating import language_of

LABELS: dict[str, Any] = {
    "application_statuses": rules.APPLICATION_STATUSES,
    "outcomes": rules.OUTCOMES,
    "channels": rules.CHANNELS,
    "status_labels": rules.STATUS_LABELS,
}
_ISO_DAY = 10
CLASH_GRANT = N_(
    "The household already receives this benefit from %(valid_from)s to %(valid_to)s: "
    "choose a period that does not overlap it."
)
CLASH_STATUS = N_(
    "The household already holds a status (%(status)s) from %(valid_from)s to %(valid_to)s: "
    "choose a period that does not overlap it."
)


def read_day(values: Mapping[str, str], name: str, errors: rules.Errors) -> dt.date | None:
    raw = (values.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_day(raw, bounded=True)
    except DateError as exc:
        errors[name] = [str(exc)]
        return None


def read_amount(values: Mapping[str, str], name: str, errors: rules.Errors) -> Decimal | None:
    return rules.read_amount(values.get(name) or "", name, errors)


def amount_text(value: Decimal | None) -> str:
    """An amount as the form shows it back: 120,50."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


@dataclass(frozen=True)
class ExplainedLine:
    label: str
    value: str
    reference: str


_CENTS = -2


def _param(value: Any, language: str) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value.as_tuple().exponent == _CENTS:
        return format_cents(value, language)  # an amount in euros keeps its cents: "7,80", not "7,8"
    if isinstance(value, int | Decimal):
        return format_number(value, language)
    if isinstance(value, str) and len(value) == _ISO_DAY and value[4:5] == "-":
        try:
            return format_day(dt.date.fromisoformat(value), language)
        except ValueError:
            return value
    return value


def _value(line: Line, language: str) -> str:
    value = line.value
    if value is None or value == "" or isinstance(value, bool):
        return ""
    if line.unit == "months" and isinstance(value, int):
        return translations(language).ngettext("%(num)d month", "%(num)d months", value) % {"num": value}
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return translations(language).gettext(value)  # a short code, a msgid where it has one
        value = number
    if line.unit == "EUR":
        return format_money(Decimal(value), language)
    text = format_number(value, language)
    return f"{text} {line.unit}" if line.unit in ("%", "ha") else text


def explain(lines: Iterable[Line], language: str) -> list[ExplainedLine]:
    explained = []
    for line in lines:
        label = translations(language).gettext(line.label)
        if line.params:
            with contextlib.suppress(KeyError, ValueError, TypeError):  # a translation lost a placeholder
                label = label % {k: _param(v, language) for k, v in line.params.items()}
        explained.append(ExplainedLine(label, _value(line, language), line.reference))
    return explained


def clash_message(request: HTMXRequest, existing: Existing) -> str:
    """The message naming the period an overlapping one collides with, in the reader's language."""
    lang = language_of(request)
    dates = {
        "valid_from": format_day(existing.period.valid_from, lang),
        "valid_to": format_day(existing.period.valid_to, lang),
    }
    if existing.kind == "grant":
        return gettext(lang, CLASH_GRANT, **dates)
    status = gettext(lang, rules.STATUS_LABELS.get(existing.kind, existing.kind))
    return gettext(lang, CLASH_STATUS, status=status, **dates)


def benefit_label(request: HTMXRequest, benefit: Any) -> str:
    return f"{benefit.code} · {benefit.name(language_of(request))}"
