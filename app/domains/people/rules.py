"""Pure rules about persons: names, contacts, one person's validation, and reading a search text. The
personal code is in codes.py, addresses and periods in periods.py, field reading in fields.py; their
names are re-exported here, so `app.domains.people.rules` stays the one place to import rules from.

Everything here works on plain values and takes `today` as an argument: the web forms, the API and the
CSV/XLSX import validate one person with the same `validate_person`, without a database. Messages are
msgids (English, translated where the reader's language is known)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domains.people.codes import (
    InvalidPersonalCode,
    PersonalCode,
    display_code,
    looks_like_code,
    old_format_code,
    parse_personal_code,
)
from app.domains.people.countries import LATVIA, is_country
from app.domains.people.fields import (
    BAD_CHARACTERS,
    BAD_DATE,
    CHOOSE,
    FIRST_DAY,
    MAX_AHEAD,
    REQUIRED,
    TOO_LONG,
    Errors,
    Messages,
    fold_text,
    parse_day,
    read_choice,
    read_day,
    read_text,
    strip_unstorable,
)
from app.domains.people.periods import (
    ADDRESS_KINDS,
    FLAG_DETAILS,
    FLAG_KINDS,
    AddressData,
    FlagData,
    HandOver,
    Period,
    first_overlap,
    hand_over,
    normalise_address,
    overlaps,
    validate_address,
    validate_end,
    validate_flag,
)
from app.i18n import N_

__all__ = [  # the re-exported names (the import, the services and the routes use them from here)
    "ADDRESS_KINDS",
    "BAD_CHARACTERS",
    "BAD_DATE",
    "CHOOSE",
    "FIRST_DAY",
    "FLAG_DETAILS",
    "FLAG_KINDS",
    "MAX_AHEAD",
    "REQUIRED",
    "TOO_LONG",
    "AddressData",
    "FlagData",
    "HandOver",
    "InvalidPersonalCode",
    "Messages",
    "Period",
    "PersonalCode",
    "display_code",
    "first_overlap",
    "hand_over",
    "looks_like_code",
    "normalise_address",
    "old_format_code",
    "overlaps",
    "parse_day",
    "parse_personal_code",
    "read_day",
    "strip_unstorable",
    "validate_address",
    "validate_end",
    "validate_flag",
]

# --- vocabularies (stored values → labels, translated where shown) -------------------------------------

LEGAL_STATUSES: dict[str, str] = {
    "citizen": N_("Citizen of Latvia"),
    "non_citizen": N_("Non-citizen of Latvia"),
    "permanent_resident": N_("Permanent residence permit"),
    "temporary_resident": N_("Temporary residence permit"),
    "refugee": N_("Refugee"),
    "alternative_status": N_("Alternative status"),
    "stateless": N_("Stateless person"),
    "other": N_("Other"),
}
OTHER_ID_KINDS: dict[str, str] = {
    "passport": N_("Passport"),
    "residence_permit": N_("Residence permit"),
    "foreign_code": N_("Foreign personal code"),
    "other": N_("Other document"),
}
PREFERRED_LANGUAGES: dict[str, str] = {"lv": "Latviešu", "en": "English", "ru": "Русский"}
SEXES: dict[str, str] = {"M": N_("Male"), "F": N_("Female")}

ENTER_FIRST = N_("Enter the first name.")
ENTER_LAST = N_("Enter the last name.")
BAD_COUNTRY = N_("Choose the citizenship from the list (a country code such as LVA).")
BAD_PHONE = N_("Enter a phone number: 8 digits, or an international one starting with +.")


# --- names and search keys ------------------------------------------------------------------------------


def normalise_name(*parts: str) -> str:
    """Lower-case, without diacritics, single-spaced: 'Bērziņš Ēriks' → 'berzins eriks'. The stored key
    for "starts with" search as a btree range, which stays an index condition under RLS."""
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return re.sub(r"\s+", " ", fold_text(text)).strip()


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string greater than every string starting with `prefix`, in code-point order (what
    collation "C" compares for UTF-8): `x >= prefix AND x < bound` is "starts with" as a range, which an
    index can use under row-level security (LIKE cannot). None: no upper bound is needed."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            return prefix[:-1] + chr(last + 1)
        prefix = prefix[:-1]
    return None


# --- one person -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonData:
    """One person's identity and contacts, validated and normalised."""

    first_name: str
    last_name: str
    personal_code: str | None = None  # 11 digits
    other_id_kind: str | None = None
    other_id: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None
    citizenship: str | None = None
    legal_status: str | None = None
    preferred_language: str = "lv"
    phone: str | None = None
    email: str | None = None
    died_on: dt.date | None = None

    @property
    def name_norm(self) -> str:
        return normalise_name(self.last_name, self.first_name)


PERSON_FIELDS = tuple(PersonData.__dataclass_fields__)
_NAME = re.compile(r"[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?")
_OTHER_ID = re.compile(r"[A-Z0-9][A-Z0-9./-]{2,39}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+")
_SEX_ALIASES = {"M": "M", "F": "F", "V": "M", "S": "F"}  # V/S: vīrietis/sieviete in Latvian exports


def normalise_phone(raw: str) -> str:
    """Latvian numbers (8 digits, with or without +371 / 00371) as +371XXXXXXXX; other countries' numbers
    in international form (+ and 7–15 digits). ValueError for anything else."""
    compact = re.sub(r"[\s().-]", "", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"[2-9]\d{7}", compact):
        return "+371" + compact
    if compact.startswith("+371"):
        if re.fullmatch(r"\+371[2-9]\d{7}", compact):
            return compact
        raise ValueError(raw)
    if re.fullmatch(r"\+[1-9]\d{6,14}", compact):
        return compact
    raise ValueError(raw)


def display_phone(phone: str | None) -> str:
    if phone and re.fullmatch(r"\+371\d{8}", phone):
        return f"+371 {phone[4:6]} {phone[6:9]} {phone[9:]}"
    return phone or ""


def _code(raw: Any, errors: Errors) -> PersonalCode | None:
    if raw is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = f"{raw:011d}"  # a spreadsheet cell that lost the code's leading zero
    value = read_text(raw, "personal_code", errors, None)
    if value is None:
        return None
    try:
        return parse_personal_code(value)
    except InvalidPersonalCode as exc:
        errors.add("personal_code", str(exc))
        return None


def validate_person(data: Mapping[str, Any], today: dt.date) -> tuple[PersonData | None, Messages]:
    """One person's fields (strings as typed or read from a file, dates, None) → the cleaned data, or None
    and the messages per field. Keys are PersonData's field names; others are ignored. No database: the
    uniqueness of the code and of the other identifier is the service's to check."""
    errors = Errors()
    first = read_text(data.get("first_name"), "first_name", errors, 100)
    last = read_text(data.get("last_name"), "last_name", errors, 100)
    for name, value in (("first_name", first), ("last_name", last)):
        if value is None and name not in errors:
            errors.add(name, ENTER_FIRST if name == "first_name" else ENTER_LAST)
        elif value is not None and not _NAME.fullmatch(value):
            errors.add(name, N_("A name may contain only letters, spaces, hyphens and apostrophes."))

    parsed = _code(data.get("personal_code"), errors)
    kind = read_choice(data.get("other_id_kind"), "other_id_kind", OTHER_ID_KINDS, errors)
    other_raw = read_text(data.get("other_id"), "other_id", errors, 40)
    other_id = re.sub(r"\s+", "", other_raw).upper() if other_raw else None
    if other_id is not None and not _OTHER_ID.fullmatch(other_id):
        errors.add("other_id", N_("3 to 40 Latin letters and digits (also . / -), as in the document."))
        other_id = None
    if other_raw and kind is None and "other_id_kind" not in errors:
        errors.add("other_id_kind", N_("Choose what kind of identifier this is."))
    if kind and other_raw is None and "other_id" not in errors:
        errors.add("other_id", N_("Enter the identifier's number."))
    if (
        parsed is None
        and other_raw is None
        and not {"personal_code", "other_id", "other_id_kind"} & errors.keys()
    ):
        errors.add(
            "personal_code",
            N_(
                "Enter the personal code, or for a person without one, another identifier (passport, "
                "residence permit…)."
            ),
        )

    birth = read_day(data.get("birth_date"), "birth_date", errors)
    if birth is not None and not FIRST_DAY <= birth <= today:
        errors.add("birth_date", N_("The birth date is impossible."))
        birth = None
    if parsed and parsed.birth_date:
        if birth and birth != parsed.birth_date:
            errors.add("birth_date", N_("The birth date does not match the personal code."))
        elif not FIRST_DAY <= parsed.birth_date <= today:
            errors.add("personal_code", N_("The personal code does not contain a valid birth date."))
        birth = birth or parsed.birth_date
    elif birth is None and not {"birth_date", "personal_code"} & errors.keys():
        # (A code in error may well carry the date once corrected: no message about it yet.)
        errors.add(
            "birth_date",
            N_("Enter the birth date: the personal code does not contain it.")
            if parsed
            else N_("Enter the birth date."),
        )

    sex_raw = read_text(data.get("sex"), "sex", errors, None)
    sex = _SEX_ALIASES.get(sex_raw.upper()) if sex_raw else None
    if sex_raw and sex is None:
        errors.add("sex", N_("Choose M or F."))

    status = read_choice(data.get("legal_status"), "legal_status", LEGAL_STATUSES, errors)
    citizenship = read_text(data.get("citizenship"), "citizenship", errors, None)
    if citizenship is not None:
        citizenship = citizenship.upper()
        if not is_country(citizenship):
            errors.add("citizenship", BAD_COUNTRY)
            citizenship = None
    if status == "citizen":
        if citizenship not in (None, LATVIA):
            errors.add("citizenship", N_("A citizen of Latvia has Latvian citizenship (LVA)."))
        citizenship = LATVIA
    elif status in ("non_citizen", "stateless") and citizenship is not None:
        errors.add("citizenship", N_("A non-citizen or stateless person has no citizenship: leave it empty."))

    language = read_choice(data.get("preferred_language"), "preferred_language", PREFERRED_LANGUAGES, errors)

    phone = read_text(data.get("phone"), "phone", errors, 30)
    if phone is not None:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors.add("phone", BAD_PHONE)
            phone = None

    email = read_text(data.get("email"), "email", errors, 254)
    if email is not None:
        if not _EMAIL.fullmatch(email):
            errors.add("email", N_("Enter a valid e-mail address."))
            email = None
        else:
            local, domain = email.rsplit("@", 1)
            email = f"{local}@{domain.lower()}"

    died = read_day(data.get("died_on"), "died_on", errors)
    if died is not None and (died > today or (birth is not None and died < birth) or died < FIRST_DAY):
        errors.add("died_on", N_("The date of death must be between the birth date and today."))

    if errors:
        return None, dict(errors)
    assert first is not None and last is not None  # no errors: both were given
    return (
        PersonData(
            first_name=first,
            last_name=last,
            personal_code=parsed.code if parsed else None,
            other_id_kind=kind if other_id else None,
            other_id=other_id,
            birth_date=birth,
            sex=sex,
            citizenship=citizenship,
            legal_status=status,
            preferred_language=language or "lv",
            phone=phone,
            email=email,
            died_on=died,
        ),
        {},
    )


@dataclass(frozen=True)
class SearchTerms:
    """What a search box text means: `mode` is code, other_id, address or name."""

    mode: str
    text: str  # the normalised text the ranges are built from
    alternatives: tuple[str, ...] = field(default=())  # name: other word orders tried as well


SEARCH_MODES = ("auto", "name", "code", "address", "other_id")


def search_terms(raw: str, mode: str = "auto") -> SearchTerms | None:
    """Reads a search text. In "auto": a personal code (whole or its start, with or without the hyphen)
    → code; one word with letters and digits ("LV1234567") → another identifier; words with a number
    ("brīvības 12") → address; anything else → name. Names are stored "last first": the text is tried
    as typed and, for two or more words, with its last word first ("jānis bērziņš" → "berzins janis"), so
    both orders people type find the person. None: nothing to search for."""
    text = re.sub(r"\s+", " ", strip_unstorable(raw or "")).strip()[:100]
    if mode not in SEARCH_MODES:
        mode = "auto"
    if not text:
        return None
    digits = looks_like_code(text)
    if mode == "code" or (mode == "auto" and digits is not None and len(digits) >= 6):
        if digits is None:
            return None
        return SearchTerms("code", digits)
    compact = re.sub(r"\s+", "", text).upper()
    if mode == "other_id" or (
        mode == "auto" and " " not in text and re.search(r"\d", text) and re.search(r"[A-Za-z]", text)
    ):
        return SearchTerms("other_id", compact) if compact else None
    if mode == "address" or (mode == "auto" and re.search(r"\d", text)):
        key = normalise_address(text)
        return SearchTerms("address", key) if key else None
    key = normalise_name(text)
    if not key:
        return None
    words = key.split(" ")
    alternatives = (" ".join([words[-1], *words[:-1]]),) if len(words) > 1 else ()
    return SearchTerms("name", key, alternatives)
