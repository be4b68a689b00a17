"""Typed permissions ("<area>:<resource>:<action>") and the roles that grant them (design §6).

Services check permissions; routes only translate. A role name is stable data stored in memberships."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    PERSON_VIEW = "people:person:view"
    PERSON_CREATE = "people:person:create"
    PERSON_EDIT = "people:person:edit"
    PERSON_IMPORT = "people:person:import"
    CASE_VIEW = "cases:case:view"
    CASE_CREATE = "cases:case:create"
    CASE_EDIT = "cases:case:edit"  # close, reopen, change the responsible worker and assigned staff
    CASE_NOTE_ADD = "cases:note:add"  # any timeline entry: note, journal, home visit, consultation, call
    DOCUMENT_UPLOAD = "documents:document:upload"
    REGISTER_EDIT = "documents:register:edit"
    ACTIVITY_REPORT_VIEW = "cases:activity:report"  # every worker's activity report (own is always allowed)
    APPLICATION_VIEW = "assistance:application:view"
    APPLICATION_CREATE = "assistance:application:create"
    APPLICATION_DECIDE = "assistance:application:decide"
    PARAMETER_EDIT = "assistance:parameter:edit"  # the municipality's legal parameters and housing norms
    STATUS_EXPORT = "assistance:status:export"  # the needy / low-income status hand-over (CSV, API)
    CATALOGUE_EDIT = "benefits:catalogue:edit"  # the municipality's benefit catalogue
    PAYMENT_VIEW = "payments:payment:view"
    PAYMENT_RUN = "payments:payment:run"
    REPORT_VIEW = "reports:report:view"
    AUDIT_VIEW = "audit:log:view"
    USER_MANAGE = "admin:user:manage"
    OUTBOX_VIEW = "admin:outbox:view"
    NOTIFICATION_SEND = "notifications:message:send"
    CONTROL_VIEW = "controls:alert:view"  # the data-control alerts of the whole municipality
    COMPLAINT_VIEW = "complaints:complaint:view"
    COMPLAINT_HANDLE = "complaints:complaint:handle"  # register, take over, answer, close
    COMPLAINT_ASSIGN = "complaints:complaint:assign"  # give a complaint to any worker
    QUEUE_VIEW = "services:queue:view"  # waiting lists and positions
    QUEUE_MANAGE = "services:queue:manage"  # register, offer a place, admit, postpone, withdraw, remove
    SERVICE_EVENT_VIEW = "services:event:view"  # service events, deliveries, settlements
    SERVICE_EVENT_MANAGE = "services:event:manage"  # open, complete steps, record deliveries
    ASSISTANT_VIEW = "services:assistant:view"  # assistant service (MK 316): grants, assistants, reports
    ASSISTANT_MANAGE = "services:assistant:manage"  # request, assess, decide, assistants, monthly reports
    PROVIDER_VIEW = "providers:registration:view"  # the provider register's applications and registrations
    PROVIDER_REVIEW = "providers:registration:review"  # receive, review, register, refuse, change, exclude


class Role(StrEnum):
    SOCIAL_WORKER = "social_worker"
    CASE_MANAGER = "case_manager"
    BENEFIT_OFFICER = "benefit_officer"
    ACCOUNTANT = "accountant"
    HEAD_OF_SERVICE = "head_of_service"
    READONLY_INSTITUTION = "readonly_institution"
    AUDITOR = "auditor"


class NationalRole(StrEnum):
    MINISTRY_ANALYST = "ministry_analyst"
    PLATFORM_ADMIN = "platform_admin"


P = Permission
_COMPLAINTS = {P.COMPLAINT_VIEW, P.COMPLAINT_HANDLE}
_ASSISTANT_SERVICE = {P.ASSISTANT_VIEW, P.ASSISTANT_MANAGE}  # with the service events' permissions
_QUEUES = {P.QUEUE_VIEW, P.QUEUE_MANAGE, P.SERVICE_EVENT_VIEW, P.SERVICE_EVENT_MANAGE} | _ASSISTANT_SERVICE
_CASEWORK = {
    P.PERSON_VIEW,
    P.PERSON_CREATE,
    P.PERSON_EDIT,
    P.CASE_VIEW,
    P.CASE_CREATE,
    P.CASE_EDIT,
    P.CASE_NOTE_ADD,
    P.DOCUMENT_UPLOAD,
    P.REGISTER_EDIT,
    P.NOTIFICATION_SEND,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SOCIAL_WORKER: frozenset(
        _CASEWORK | _COMPLAINTS | _QUEUES | {P.APPLICATION_VIEW, P.APPLICATION_CREATE}
    ),
    Role.CASE_MANAGER: frozenset(
        _CASEWORK
        | _COMPLAINTS
        | _QUEUES
        | {P.APPLICATION_VIEW, P.APPLICATION_CREATE, P.REPORT_VIEW, P.ACTIVITY_REPORT_VIEW}
        | {P.PROVIDER_VIEW}
    ),
    Role.BENEFIT_OFFICER: frozenset(
        _CASEWORK
        | {P.APPLICATION_VIEW, P.APPLICATION_CREATE, P.APPLICATION_DECIDE, P.PAYMENT_VIEW, P.STATUS_EXPORT}
    ),
    Role.ACCOUNTANT: frozenset(
        {P.PERSON_VIEW, P.APPLICATION_VIEW, P.PAYMENT_VIEW, P.PAYMENT_RUN, P.SERVICE_EVENT_VIEW}
        | {P.ASSISTANT_VIEW}
    ),
    Role.HEAD_OF_SERVICE: frozenset(
        _CASEWORK
        | {P.APPLICATION_VIEW, P.APPLICATION_CREATE, P.APPLICATION_DECIDE, P.PAYMENT_VIEW, P.REPORT_VIEW}
        | {P.AUDIT_VIEW, P.USER_MANAGE, P.OUTBOX_VIEW, P.PERSON_IMPORT, P.ACTIVITY_REPORT_VIEW}
        | {P.PARAMETER_EDIT}
        | {P.CATALOGUE_EDIT, P.STATUS_EXPORT}
        | {P.CONTROL_VIEW}
        | _COMPLAINTS
        | {P.COMPLAINT_ASSIGN}
        | _QUEUES
        | {P.PROVIDER_VIEW, P.PROVIDER_REVIEW}
    ),
    Role.READONLY_INSTITUTION: frozenset({P.PERSON_VIEW, P.CASE_VIEW, P.STATUS_EXPORT}),
    Role.AUDITOR: frozenset(
        {P.PERSON_VIEW, P.CASE_VIEW, P.APPLICATION_VIEW, P.PAYMENT_VIEW, P.AUDIT_VIEW, P.PROVIDER_VIEW}
    ),
}


def permissions_for(roles: list[str] | tuple[str, ...]) -> frozenset[Permission]:
    """Union of the permissions of the given roles; unknown role names grant nothing."""
    granted: set[Permission] = set()
    for name in roles:
        try:
            granted |= ROLE_PERMISSIONS[Role(name)]
        except ValueError:
            continue
    return frozenset(granted)


def _label(text: str) -> str:  # extraction marker (keyword _label)
    return text


# Display names for the catalogues (translated where shown).
ROLE_LABELS: dict[str, str] = {
    Role.SOCIAL_WORKER: _label("Social worker"),
    Role.CASE_MANAGER: _label("Case manager"),
    Role.BENEFIT_OFFICER: _label("Benefit officer"),
    Role.ACCOUNTANT: _label("Accountant"),
    Role.HEAD_OF_SERVICE: _label("Head of service"),
    Role.READONLY_INSTITUTION: _label("Read-only institution"),
    Role.AUDITOR: _label("Auditor"),
    NationalRole.MINISTRY_ANALYST: _label("Ministry analyst"),
    NationalRole.PLATFORM_ADMIN: _label("Platform administrator"),
}
