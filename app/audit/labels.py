"""Readable names for the typed audit vocabulary (translated where shown).

An action, entity type, field, value or purpose without a label is shown by its typed name
("people:person:create"), so a new event is visible in the viewer the day it is first written."""

from __future__ import annotations

from app.documents.rules import DIRECTIONS
from app.domains.cases.rules import CASE_TYPES, ENTRY_KINDS
from app.domains.households.rules import MEMBER_ROLES, RELATIONSHIP_KINDS
from app.domains.people.rules import LEGAL_STATUSES, OTHER_ID_KINDS, SEXES
from app.i18n import N_
from app.permissions import ROLE_LABELS

# Areas are the first part of an action name: the viewer filters by them.
AREA_LABELS: dict[str, str] = {
    "people:": N_("Persons"),
    "cases:": N_("Cases"),
    "documents:": N_("Documents"),
    "auth:": N_("Sign-in and accounts"),
    "admin:": N_("Administration"),
}

ACTION_LABELS: dict[str, str] = {
    "people:person:create": N_("Person registered"),
    "people:person:edit": N_("Person's data changed"),
    "people:person:change-code": N_("Personal code changed"),
    "people:address:add": N_("Address added"),
    "people:address:end": N_("Address ended"),
    "people:flag:add": N_("Disability or pension period added"),
    "people:flag:end": N_("Disability or pension period ended"),
    "people:household:create": N_("Household created"),
    "people:household:edit": N_("Household changed"),
    "people:member:add": N_("Household member added"),
    "people:member:leave": N_("Household member left"),
    "people:member:edit": N_("Household membership corrected"),
    "people:relationship:add": N_("Relationship added"),
    "people:relationship:remove": N_("Relationship removed"),
    "people:import:commit": N_("Persons imported"),
    "cases:case:open": N_("Case opened"),
    "cases:case:edit": N_("Case changed"),
    "cases:case:close": N_("Case closed"),
    "cases:case:reopen": N_("Case reopened"),
    "cases:assignment:add": N_("Staff assigned to the case"),
    "cases:assignment:remove": N_("Staff removed from the case"),
    "cases:entry:add": N_("Case activity recorded"),
    "cases:entry:edit": N_("Case activity changed"),
    "documents:document:upload": N_("Document uploaded"),
    "documents:register:add": N_("Document registered"),
    "auth:session:sign-in": N_("Signed in"),
    "auth:session:switch-in": N_("Switched to this municipality"),
    "auth:session:sign-out": N_("Signed out"),
    "auth:user:link-oidc": N_("Account linked to the identity provider"),
    "admin:membership:grant": N_("Roles granted"),
    "admin:membership:change-roles": N_("Roles changed"),
    "admin:membership:revoke": N_("Removed from the municipality"),
    "admin:user:create": N_("Staff account created"),
    "admin:api-client:grant": N_("API client given access to the municipality"),
    "admin:api-client:rotate": N_("API client's secret replaced"),
    "admin:api-client:disable": N_("API client disabled"),
}

ENTITY_LABELS: dict[str, str] = {
    "person": N_("Person"),
    "household": N_("Household"),
    "household_member": N_("Household membership"),
    "relationship": N_("Relationship"),
    "person_address": N_("Address"),
    "person_flag": N_("Disability or pension period"),
    "import_job": N_("Import"),
    "case": N_("Case"),
    "case_assignment": N_("Case assignment"),
    "case_entry": N_("Case activity"),
    "document": N_("Document"),
    "register_entry": N_("Register entry"),
    "user": N_("Staff account"),
    "membership": N_("Roles in the municipality"),
    "api_client": N_("API client"),
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
    # households
    "household_id": N_("Household"),
    "related_person_id": N_("Related person"),
    "role": N_("Role in the household"),
    "joined_on": N_("Member from"),
    "left_on": N_("Until (last day)"),
    "inverse_kind": N_("Seen from the related person"),
    # persons (the client register)
    "other_id_kind": N_("Document"),
    "other_id": N_("Document number"),
    "citizenship": N_("Citizenship"),
    "legal_status": N_("Legal status"),
    "preferred_language": N_("Preferred language"),
    "phone": N_("Phone"),
    "died_on": N_("Date of death"),
    "person_id": N_("Person"),
    "line": N_("Street, house, flat"),
    "locality": N_("City, town or parish"),
    "postal_code": N_("Postal code"),
    "atvk": N_("ATVK code"),
    "valid_from": N_("From"),
    "valid_to": N_("To"),
    "detail": N_("Group or type"),
    # the case file (cases, timeline entries, documents, the register)
    "number": N_("Number"),
    "title": N_("Title"),
    "case_types": N_("Case types"),
    "sensitive": N_("Restricted access"),
    "responsible_user_id": N_("Responsible worker"),
    "opened_on": N_("Opened on"),
    "closed_on": N_("Closed on"),
    "close_reason": N_("Reason for closing"),
    "case": N_("Case"),
    "case_id": N_("Case identifier"),
    "entry_kind": N_("Kind"),
    "occurred_on": N_("Date"),
    "duration_minutes": N_("Duration (minutes)"),
    "staff_user_id": N_("Staff member"),
    "subject": N_("Subject"),
    "text_length": N_("Length of the text"),
    "findings_length": N_("Length of the findings"),
    "texts_changed": N_("Texts changed"),
    "filename": N_("File name"),
    "content_type": N_("File type"),
    "size_bytes": N_("Size (bytes)"),
    "sha256": N_("SHA-256 checksum"),
    "direction": N_("Direction"),
    "registered_on": N_("Registered on"),
    "document_date": N_("Document date"),
    "correspondent": N_("Sender or addressee"),
    "document_id": N_("Document"),
}

# Snapshot fields holding a staff account's id: shown as the person's name where they may be named.
USER_ID_FIELDS = frozenset({"user_id", "responsible_user_id", "staff_user_id"})

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
    "legal_status": LEGAL_STATUSES,
    "other_id_kind": OTHER_ID_KINDS,
    "sex": SEXES,
    "role": MEMBER_ROLES,
    "inverse_kind": RELATIONSHIP_KINDS,
    "roles": ROLE_LABELS,
    "national_roles": ROLE_LABELS,
    "method": SIGN_IN_METHOD_LABELS,
    "matched_by": MATCHED_BY_LABELS,
    "case_types": CASE_TYPES,
    "entry_kind": ENTRY_KINDS,
    "direction": DIRECTIONS,
}

# Why a person's record was opened (the access log's purpose).
PURPOSE_LABELS: dict[str, str] = {
    "api": N_("Read through the API"),
    "case_work": N_("Case work"),
    "assessment": N_("Needs or means assessment"),
    "benefit_decision": N_("Benefit decision"),
    "service_provision": N_("Service provision"),
    "supervision": N_("Supervision"),
    "data_subject_request": N_("The person's own request"),
}


def action_choices() -> list[tuple[str, str]]:
    """(value, label) for the action filter: each area, then its known actions, in a stable order."""
    choices: list[tuple[str, str]] = []
    for area, label in AREA_LABELS.items():
        choices.append((area, label))
        choices.extend((a, lbl) for a, lbl in ACTION_LABELS.items() if a.startswith(area))
    return choices
