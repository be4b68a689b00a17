"""Rules for staff accounts, the same whichever way an account is made (staff page, CLI, demo loader).

Each check adds a translatable message to `errors` under its field and returns the cleaned value."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.i18n import N_
from app.permissions import NationalRole, Role

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{2,149}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MIN_PASSWORD = 12
BAD_USERNAME = N_(
    "Use 3 to 150 characters: small Latin letters, digits and . _ - @, starting with a letter or digit."
)

Errors = dict[str, list[str]]


def clean_username(username: str, errors: Errors) -> str:
    username = username.strip().lower()
    if not username:
        errors["username"] = [N_("Enter a user name.")]
    elif not USERNAME.fullmatch(username):
        errors["username"] = [BAD_USERNAME]
    return username


def clean_full_name(full_name: str, errors: Errors) -> str:
    full_name = " ".join(full_name.split())
    if not full_name:
        errors["full_name"] = [N_("Enter the full name.")]
    elif len(full_name) > 200:
        errors["full_name"] = [N_("The full name is too long (at most 200 characters).")]
    return full_name


def clean_email(email: str, errors: Errors) -> str:
    email = email.strip()
    if not EMAIL.fullmatch(email) or len(email) > 254:
        errors["email"] = [N_("Enter a valid e-mail address, such as name@novads.lv.")]
    return email


def check_password(password: str | None, errors: Errors) -> None:
    """None means "no password": the person signs in through the identity provider."""
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = [N_("The password must be at least 12 characters long.")]


def chosen_roles(roles: Sequence[str], errors: Errors) -> list[str]:
    """Known municipal roles, without repeats, in the order of `Role`."""
    chosen = set(roles)
    if not chosen or chosen - {r.value for r in Role}:
        errors["roles"] = [N_("Choose at least one role.")]
    return [r.value for r in Role if r.value in chosen]


def check_national_roles(roles: Sequence[str], errors: Errors) -> list[str]:
    if any(r not in {n.value for n in NationalRole} for r in roles):
        errors["national_roles"] = [N_("Unknown or missing role.")]
    return list(roles)
