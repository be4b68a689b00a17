"""Whether a contact can be used by a channel: pure checks that normalise or give a reason.

Each check returns `(normalised, None)` or `(None, reason)`, the reason an N_() msgid shown to staff next
to the contact, so an unusable address is recorded as such instead of failing a worker again and again.
They accept any input (None, numbers, NUL bytes, megabytes of text) without raising."""

from __future__ import annotations

import re

from app.i18n import N_

EMAIL_MISSING = N_("No e-mail address is recorded.")
EMAIL_INVALID = N_("The e-mail address is not valid.")
PHONE_MISSING = N_("No phone number is recorded.")
PHONE_INVALID = N_("The phone number is not valid.")
PHONE_LANDLINE = N_("The phone number is a landline and cannot receive text messages.")
PHONE_NOT_MOBILE = N_("The phone number is not a mobile number and cannot receive text messages.")
PHONE_FOREIGN = N_("Text messages can be sent only to Latvian mobile numbers (+371 2…).")

_MAX_RAW = 320  # longer than any usable address: not worth parsing
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_PHONE_NOISE = re.compile(r"[\s().\-/]")


def check_email(raw: object) -> tuple[str | None, str | None]:
    """`vards.uzvards@Pasts.LV` → `vards.uzvards@pasts.lv`; a domain with diacritics (`ā.lv`) becomes its
    IDNA (xn--) form, which SMTP carries. The local part stays as written (mailboxes may be case-sensitive)
    and must be plain ASCII: SMTPUTF8 is not something a municipal relay can be relied on for."""
    if not isinstance(raw, str) or not raw.strip():
        return None, EMAIL_MISSING
    value = raw.strip()
    if len(value) > _MAX_RAW or "\x00" in value or value.count("@") != 1:
        return None, EMAIL_INVALID
    local, domain = value.split("@")
    if not 0 < len(local) <= 64 or not _LOCAL.fullmatch(local):
        return None, EMAIL_INVALID
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None, EMAIL_INVALID
    labels = ascii_domain.split(".")
    if (
        len(ascii_domain) > 253
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or not _TLD.fullmatch(labels[-1])
    ):
        return None, EMAIL_INVALID
    return f"{local}@{ascii_domain}", None


def check_phone(raw: object) -> tuple[str | None, str | None]:
    """A Latvian mobile number as E.164: `29 123 456`, `+371 2912-3456`, `00371 29123456` → `+37129123456`.

    Latvian numbers have 8 digits: mobiles start with 2, landlines with 6 (no text messages), 8 and 9 are
    toll-free and premium services. Numbers of other countries are refused for text messages."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not raw.strip():
        return None, PHONE_MISSING
    if len(raw) > 40:
        return None, PHONE_INVALID
    compact = _PHONE_NOISE.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+371"):
        national = compact[4:]
    elif compact.startswith("+"):
        if re.fullmatch(r"\+[1-9][0-9]{6,14}", compact):
            return None, PHONE_FOREIGN
        return None, PHONE_INVALID
    else:
        national = compact
    if not re.fullmatch(r"[0-9]{8}", national):
        return None, PHONE_INVALID
    if national[0] == "2":
        return "+371" + national, None
    if national[0] == "6":
        return None, PHONE_LANDLINE
    if national[0] in "89":
        return None, PHONE_NOT_MOBILE
    return None, PHONE_INVALID
