"""Display names of notification events, channels and delivery statuses (msgids, translated where shown),
and the reasons the delivery itself gives staff."""

from __future__ import annotations

from app.i18n import N_
from app.notifications.models import EADDRESS, EMAIL, FAILED, GIVEN_UP, QUEUED, SENT, SMS, UNUSABLE

EVENT_LABELS: dict[str, str] = {
    "application_received": N_("Application received"),
    "application_decided": N_("Decision on an application"),
    "status_expiring": N_("Status expiring"),
    "benefit_expiring": N_("Benefit ending"),
    "queue_position_changed": N_("Place in a queue changed"),
    "place_offered": N_("Place offered"),
    "complaint_deadline_near": N_("Complaint deadline near"),
    "complaint_overdue": N_("Complaint overdue"),
    "complaint_received": N_("Submission received through the e-services"),
    "provider_application_received": N_("Provider application received through the e-services"),
    "provider_registration_expiring": N_("Provider registration expiring"),
    "decision_pdf_ready": N_("Decision document ready"),
    "staff_notice": N_("Notice to a staff member"),
}

CHANNEL_LABELS: dict[str, str] = {
    EMAIL: N_("E-mail"),
    SMS: N_("Text message"),
    EADDRESS: N_("Official e-address"),
}

STATUS_LABELS: dict[str, str] = {
    QUEUED: N_("Queued"),
    SENT: N_("Sent"),
    FAILED: N_("Failed"),
    GIVEN_UP: N_("Given up"),
    UNUSABLE: N_("Unusable contact"),
}

# Reasons recorded on a message by the delivery itself (the channels give their own, see channels.py).
TEMPLATE_FAILED = N_("The notice could not be composed from its template; nothing was sent.")
RETRIES_EXHAUSTED = N_("Delivery failed too many times and was given up.")
UNEXPECTED_ERROR = N_("Delivery failed because of an error in the system; it will be retried.")
EADDRESS_MISSING = N_("No personal code is recorded.")
EADDRESS_INVALID = N_("An official e-address needs a valid personal code.")
MAILBOX_REFUSED = N_("The mail server refused the e-mail address.")
