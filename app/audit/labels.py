"""Readable names for the typed audit vocabulary (translated where shown).

An action, entity type, field, value or purpose without a label is shown by its typed name
("people:person:create"), so a new event is visible in the viewer the day it is first written."""

from __future__ import annotations

from app.i18n import N_
from app.permissions import ROLE_LABELS

# Areas are the first part of an action name: the viewer filters by them.
AREA_LABELS: dict[str, str] = {
    "people:": N_("Persons"),
    "auth:": N_("Sign-in and accounts"),
    "admin:": N_("Administration"),
}

ACTION_LABELS: dict[str, str] = {
    "people:person:create": N_("Person registered"),
    "auth:session:sign-in": N_("Signed in"),
    "auth:session:switch-in": N_("Switched to this municipality"),
    "auth:session:sign-out": N_("Signed out"),
    "auth:user:link-oidc": N_("Account linked to the identity provider"),
    "admin:membership:grant": N_("Roles granted"),
    "admin:membership:change-roles": N_("Roles changed"),
    "admin:membership:revoke": N_("Removed from the municipality"),
    "admin:user:create": N_("Staff account created"),
}

ENTITY_LABELS: dict[str, str] = {
    "person": N_("Person"),
    "user": N_("Staff account"),
    "membership": N_("Roles in the municipality"),
}

FIELD_LABELS: dict[str, str] = {
    "personal_code": N_("Personal code"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "birth_date": N_("Birth date"),
    "sex": N_("Sex"),
    "roles": N_("Roles"),
    "user_id": N_("User"),
    "method": N_("Sign-in method"),
    "from": N_("Came from"),
    "matched_by": N_("Matched by"),
    "oidc_issuer": N_("Identity provider"),
    "oidc_subject": N_("Identity at the provider"),
    "username": N_("User name"),
    "full_name": N_("Name"),
    "email": N_("E-mail"),
    "password_set": N_("Password set"),
}

# Snapshot fields holding a staff account's id: shown as the person's name where they may be named.
USER_ID_FIELDS = frozenset({"user_id"})

YES = N_("Yes")
NO = N_("No")

SIGN_IN_METHOD_LABELS: dict[str, str] = {
    "password": N_("Password"),
    "oidc": N_("Identity provider"),
}

MATCHED_BY_LABELS: dict[str, str] = {
    "username": N_("User name"),
    "email": N_("E-mail"),
}

# Labels of the typed values of a field (a list's items each), by field.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "roles": ROLE_LABELS,
    "national_roles": ROLE_LABELS,
    "method": SIGN_IN_METHOD_LABELS,
    "matched_by": MATCHED_BY_LABELS,
}

# Why a person's record was opened (the access log's purpose).
PURPOSE_LABELS: dict[str, str] = {
    "api": N_("Read through the API"),
}


def action_choices() -> list[tuple[str, str]]:
    """(value, label) for the action filter: each area, then its known actions, in a stable order."""
    choices: list[tuple[str, str]] = []
    for area, label in AREA_LABELS.items():
        choices.append((area, label))
        choices.extend((a, lbl) for a, lbl in ACTION_LABELS.items() if a.startswith(area))
    return choices
