"""Translations: gettext catalogues (app/locale/<lang>/LC_MESSAGES/messages.po) compiled in memory at
start-up. Source strings are English; Latvian is the default UI language.

Services mark user-facing messages with `N_` and the web/API edge translates them with the request's
locale, so one service serves both languages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from app.config import ROOT

LOCALE_DIR = ROOT / "app" / "locale"
LANGUAGES = ("lv", "en")
LANGUAGE_NAMES = {"lv": "Latviešu", "en": "English"}  # each in its own language, never translated
DEFAULT_LANGUAGE = "lv"
# The municipalities' clock: times are shown in it, and a day in a date filter is its day.
TIMEZONE = ZoneInfo("Europe/Riga")


def N_(message: str) -> str:
    """Marks a string for extraction; translation happens where the reader's language is known."""
    return message


@cache
def translations(language: str) -> NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def gettext(language: str, message: str, **params: object) -> str:
    text = translations(language).gettext(message)
    return text % params if params else text


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """The user's preference, then Accept-Language, then Latvian."""
    if preferred in LANGUAGES:
        return preferred
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


# Latvian alphabetical order: Č Ģ Ķ Ļ Ņ Š Ž are letters of their own after their base letter, while the
# long vowels Ā Ē Ī Ū sort with the short ones (the order `lv-x-icu` gives, without depending on ICU).
_LV_SEPARATE = {"č": "c", "ģ": "g", "ķ": "k", "ļ": "l", "ņ": "n", "š": "s", "ž": "z"}
_LV_LONG = {"ā": "a", "ē": "e", "ī": "i", "ū": "u", "ō": "o"}


def latvian_sort_key(text: str) -> tuple[str, str]:
    primary = []
    for ch in text.casefold():
        if ch in _LV_SEPARATE:
            primary.append(_LV_SEPARATE[ch] + "\uffff")
        else:
            primary.append(_LV_LONG.get(ch, ch))
    return "".join(primary), text


BABEL_LOCALE = {"lv": "lv_LV", "en": "en_GB"}


def format_day(value: dt.date, language: str, fmt: str = "dd.MM.yyyy") -> str:
    """16.11.2026 in Latvian; a datetime on the municipalities' clock, with the time."""
    if isinstance(value, dt.datetime):
        return babel_dates.format_datetime(
            value, fmt + " HH:mm", tzinfo=TIMEZONE, locale=BABEL_LOCALE[language]
        )
    return babel_dates.format_date(value, fmt, locale=BABEL_LOCALE[language])


def format_money(value: Decimal, language: str) -> str:
    """1 234,56 € in Latvian."""
    return babel_numbers.format_currency(value, "EUR", locale=BABEL_LOCALE[language])


def format_cents(value: Decimal, language: str) -> str:
    """An amount with its two decimals and no currency sign: 1 234,50 in Latvian."""
    return babel_numbers.format_decimal(value, format="#,##0.00", locale=BABEL_LOCALE[language])


def format_number(value: int | Decimal, language: str) -> str:
    return babel_numbers.format_decimal(value, locale=BABEL_LOCALE[language])
