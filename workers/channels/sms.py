"""Text messages through an HTTP gateway, and a simulator of that gateway for development and tests.

The gateway contract (what the simulator implements and the adapter relies on):
`POST {base_url}/messages` with `Authorization: Bearer <token>`, `Idempotency-Key: <message id>` and
JSON `{"to": "+3712…", "from": sender, "text": …, "reference": message id}`. 201 with `{"id": …}` when
accepted; a repeat of an accepted key answers 200 with the same body and `Idempotent-Replayed: true`.
400 `{"error": "invalid_recipient" | "invalid_request"}`, 401 bad token, 429/503 busy."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from app.config import Settings
from app.i18n import N_
from app.notifications.addresses import check_phone
from app.notifications.channels import DeliveryReceipt, OutgoingMessage, PermanentFailure
from workers.channels.http import REPLAYED_HEADER, post_idempotent

SMS = "sms"
TEXT_TOO_LONG = N_("The text message is too long to send.")
RECIPIENT_REFUSED = N_("The SMS gateway refused the phone number.")
MAX_SEGMENTS = 10  # a notice longer than this is a mistake in a template, not something to pay for

# GSM 03.38: the default alphabet (one septet each) and its extension table (escape + char, two septets).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def sms_segments(text: str) -> tuple[str, int]:
    """The encoding ("GSM-7" or "UCS-2") and the number of SMS parts `text` takes.

    GSM-7: 160 septets in one part, 153 per part when concatenated; extension characters take two
    septets and never straddle parts. Any other character (the Latvian ā č ē ģ ī ķ ļ ņ š ū ž among
    them) forces UCS-2: 70 UTF-16 units in one part, 67 per part; surrogate pairs are not split."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        costs = [2 if c in _GSM_EXTENDED else 1 for c in text]
        encoding, single, part = "GSM-7", 160, 153
    else:
        costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
        encoding, single, part = "UCS-2", 70, 67
    if sum(costs) <= single:
        return encoding, 1
    parts, used = 1, 0
    for cost in costs:
        if used + cost > part:
            parts, used = parts + 1, 0
        used += cost
    return encoding, parts


class HttpSmsGateway:
    """The `Channel` for text messages. Only the text goes out (a text message has no subject)."""

    name = SMS

    def __init__(self, base_url: str, token: str | None, sender: str, client: httpx.Client) -> None:
        self.url = base_url.rstrip("/") + "/messages"
        self.token, self.sender, self.client = token, sender, client

    def send(self, message: OutgoingMessage) -> DeliveryReceipt:
        to, reason = check_phone(message.recipient)
        if to is None:
            raise PermanentFailure(reason or RECIPIENT_REFUSED, repr(message.recipient)[:100])
        _, segments = sms_segments(message.text)
        if segments > MAX_SEGMENTS:
            raise PermanentFailure(TEXT_TOO_LONG, f"{segments} parts")
        reply, replayed = post_idempotent(
            self.client,
            self.url,
            token=self.token,
            message_id=message.message_id,
            body={"to": to, "from": self.sender, "text": message.text, "reference": str(message.message_id)},
            reasons={"invalid_recipient": RECIPIENT_REFUSED},
        )
        provider_id = reply.get("id")
        return DeliveryReceipt(
            channel=SMS,
            message_id=message.message_id,
            provider_id=str(provider_id) if provider_id is not None else None,
            segments=segments,
            replayed=replayed,
        )


# --- the simulator --------------------------------------------------------------------------------------


@dataclass
class SimulatedSms:
    id: str
    key: str
    to: str
    sender: str
    text: str
    segments: int


@dataclass
class SmsSimulator:
    """A real HTTP server on loopback speaking the gateway contract, keeping every accepted message.

    `fail_next(n)` makes the next n requests answer 503 (or another status) without accepting anything;
    `stall_next(n, s)` accepts the next n messages but answers only after s seconds (a reply lost to a
    client timeout); numbers in `unknown_numbers` are refused as no such subscriber."""

    token: str | None = "simulator-token"  # noqa: S105 - a test double's credential
    messages: list[SimulatedSms] = field(default_factory=list)
    requests: int = 0
    unknown_numbers: set[str] = field(default_factory=set)  # well-formed, but no such subscriber
    _by_key: dict[str, SimulatedSms] = field(default_factory=dict)
    _fail: list[int] = field(default_factory=list)
    _stall: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the simulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SmsSimulator:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                status, body, headers, delay = simulator._handle(
                    self.path,
                    dict(self.headers.items()),
                    self.rfile.read(int(self.headers["Content-Length"] or 0)),
                )
                if delay:
                    time.sleep(delay)
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    for name, value in {**headers, "Content-Type": "application/json"}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting (a stalled reply): nothing to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="sms-simulator", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def fail_next(self, n: int, status: int = 503) -> None:
        with self._lock:
            self._fail.extend([status] * n)

    def stall_next(self, n: int, seconds: float) -> None:
        with self._lock:
            self._stall.extend([seconds] * n)

    def sent_to(self, phone: str) -> list[str]:
        return [m.text for m in self.messages if m.to == phone]

    def _handle(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str], float]:
        headers = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            self.requests += 1
            if path.rstrip("/") != "/messages":
                return 404, {"error": "not_found"}, {}, 0
            if self._fail:
                return self._fail.pop(0), {"error": "unavailable"}, {}, 0
            if self.token and headers.get("authorization") != f"Bearer {self.token}":
                return 401, {"error": "unauthorised"}, {}, 0
            key = headers.get("idempotency-key", "")
            if key in self._by_key:
                known = self._by_key[key]
                return 200, {"id": known.id, "segments": known.segments}, {REPLAYED_HEADER: "true"}, 0
            try:
                body = json.loads(raw)
                to, text, sender = body["to"], body["text"], body["from"]
                if not (key and isinstance(text, str) and isinstance(sender, str) and isinstance(to, str)):
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                return 400, {"error": "invalid_request"}, {}, 0
            if check_phone(to)[0] != to or to in self.unknown_numbers:
                return 400, {"error": "invalid_recipient"}, {}, 0
            accepted = SimulatedSms(
                id=f"sim-{len(self.messages) + 1}",
                key=key,
                to=to,
                sender=sender,
                text=text,
                segments=sms_segments(text)[1],
            )
            self.messages.append(accepted)
            self._by_key[key] = accepted
            delay = self._stall.pop(0) if self._stall else 0
            return 201, {"id": accepted.id, "segments": accepted.segments}, {}, delay


def sms_channel(settings: Settings, client: httpx.Client) -> tuple[HttpSmsGateway, SmsSimulator | None]:
    """The configured gateway; without SMS_GATEWAY_URL a simulator started on loopback (development)."""
    if settings.sms_gateway_url:
        gateway = HttpSmsGateway(
            settings.sms_gateway_url, settings.sms_gateway_token, settings.sms_sender, client
        )
        return gateway, None
    simulator = SmsSimulator().start()
    return HttpSmsGateway(simulator.base_url, simulator.token, settings.sms_sender, client), simulator
