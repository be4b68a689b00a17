"""One interface for every outside channel (e-mail, SMS, the official e-address).

A channel takes an `OutgoingMessage` and either returns a `DeliveryReceipt` or raises one of two failures:
`PermanentFailure` (the recipient or the message can never be delivered: record the reason for staff and
do not retry) or `TemporaryFailure` (the provider is down or busy: let the worker retry later). The
message id is the outbox id and doubles as the provider's idempotency key, so a retry never sends twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from app.i18n import N_


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: uuid.UUID  # the outbox id: the idempotency key towards the provider
    recipient: str  # e-mail address, E.164 phone number or personal code, as the channel expects
    subject: str
    text: str
    html: str | None = None
    language: str = "lv"


@dataclass(frozen=True)
class DeliveryReceipt:
    channel: str
    message_id: uuid.UUID
    provider_id: str | None = None  # the provider's own reference, for support requests
    segments: int = 1  # SMS parts billed; 1 for other channels
    replayed: bool = False  # the provider had already accepted this message id (a retry)


class ChannelFailure(Exception):
    """`reason` is an N_() msgid shown to staff; `detail` is the provider's own words, for the log."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} {detail}".strip())
        self.reason = reason
        self.detail = detail


class PermanentFailure(ChannelFailure):
    """Never deliverable as it stands (bad recipient, refused content, wrong credentials): do not retry."""


class TemporaryFailure(ChannelFailure):
    """The provider is unreachable, overloaded or failing: retry later with the same message id."""


PROVIDER_UNAVAILABLE = N_("The delivery service is unavailable at the moment; sending will be retried.")
PROVIDER_REFUSED = N_("The delivery service refused the message.")


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, message: OutgoingMessage) -> DeliveryReceipt: ...
