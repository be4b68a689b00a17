"""The official electronic address (e-adrese) through a gateway adapter, and its simulator.

Gateway contract: `POST {base_url}/messages` with `Authorization: Bearer <token>`, `Idempotency-Key` and
JSON `{"recipient_code", "subject", "text", "html", "language"}`. 201 `{"id"}` when delivered to the
person's e-address; a repeated key answers 200 with the same body and `Idempotent-Replayed: true`.
422 `{"error": "not_activated"}` when the person has no active e-address, 400 for a bad request."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.config import Settings
from app.domains.people.codes import InvalidPersonalCode, parse_personal_code
from app.i18n import N_
from app.notifications.channels import DeliveryReceipt, OutgoingMessage, PermanentFailure
from workers.channels.http import REPLAYED_HEADER, post_idempotent

EADDRESS = "eaddress"
NOT_ACTIVATED = N_("The person has not activated an official e-address.")
BAD_RECIPIENT = N_("An official e-address needs a valid personal code.")
MAX_SUBJECT = 250


class EAddressAdapter:
    """The `Channel` for the official e-address; the recipient is the person's personal code."""

    name = EADDRESS

    def __init__(self, base_url: str, token: str | None, client: httpx.Client) -> None:
        self.url = base_url.rstrip("/") + "/messages"
        self.token, self.client = token, client

    def send(self, message: OutgoingMessage) -> DeliveryReceipt:
        try:
            code = parse_personal_code(message.recipient if isinstance(message.recipient, str) else "").code
        except InvalidPersonalCode as exc:
            raise PermanentFailure(BAD_RECIPIENT, str(exc)) from exc
        reply, replayed = post_idempotent(
            self.client,
            self.url,
            token=self.token,
            message_id=message.message_id,
            body={
                "recipient_code": code,
                "subject": message.subject[:MAX_SUBJECT],
                "text": message.text,
                "html": message.html,
                "language": message.language,
            },
            reasons={"not_activated": NOT_ACTIVATED, "invalid_recipient": BAD_RECIPIENT},
        )
        provider_id = reply.get("id")
        return DeliveryReceipt(
            channel=EADDRESS,
            message_id=message.message_id,
            provider_id=str(provider_id) if provider_id is not None else None,
            replayed=replayed,
        )


@dataclass
class EAddressSimulator:
    """The gateway in memory, served to the adapter through `httpx.MockTransport` (no socket needed).

    Keeps delivered messages per personal code; only codes in `activated` have an e-address (None: every
    valid code has one). `fail_next(n)` answers the next n requests with 503."""

    token: str | None = "simulator-token"  # noqa: S105 - a test double's credential
    activated: set[str] | None = None
    inbox: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: int = 0
    _by_key: dict[str, str] = field(default_factory=dict)
    _fail: int = 0

    def fail_next(self, n: int) -> None:
        self._fail += n

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle), **kwargs)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if request.method != "POST" or not request.url.path.rstrip("/").endswith("/messages"):
            return httpx.Response(404, json={"error": "not_found"})
        if self._fail:
            self._fail -= 1
            return httpx.Response(503, json={"error": "unavailable"})
        if self.token and request.headers.get("authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"error": "unauthorised"})
        key = request.headers.get("idempotency-key", "")
        if key in self._by_key:
            return httpx.Response(200, json={"id": self._by_key[key]}, headers={REPLAYED_HEADER: "true"})
        try:
            body = json.loads(request.content)
            code, text = body["recipient_code"], body["text"]
            if not (key and isinstance(code, str) and isinstance(text, str)):
                raise ValueError
            parse_personal_code(code)
        except InvalidPersonalCode:
            return httpx.Response(400, json={"error": "invalid_recipient"})
        except (ValueError, KeyError, TypeError):
            return httpx.Response(400, json={"error": "invalid_request"})
        if self.activated is not None and code not in self.activated:
            return httpx.Response(422, json={"error": "not_activated"})
        message_id = f"ea-{sum(len(v) for v in self.inbox.values()) + 1}"
        self.inbox.setdefault(code, []).append({**body, "id": message_id, "key": key})
        self._by_key[key] = message_id
        return httpx.Response(201, json={"id": message_id})


def eaddress_channel(
    settings: Settings, client: httpx.Client
) -> tuple[EAddressAdapter, EAddressSimulator | None]:
    """The configured gateway; without EADDRESS_GATEWAY_URL the in-memory simulator (development)."""
    if settings.eaddress_gateway_url:
        return EAddressAdapter(settings.eaddress_gateway_url, settings.eaddress_gateway_token, client), None
    simulator = EAddressSimulator()
    return EAddressAdapter("http://eaddress.simulator", simulator.token, simulator.client()), simulator
