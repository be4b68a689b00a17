"""The SMS gateway adapter against the gateway simulator over real HTTP on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from app.config import load_settings
from app.notifications.addresses import PHONE_LANDLINE
from app.notifications.channels import OutgoingMessage, PermanentFailure, TemporaryFailure
from workers.channels.sms import (
    RECIPIENT_REFUSED,
    TEXT_TOO_LONG,
    HttpSmsGateway,
    SmsSimulator,
    sms_channel,
    sms_segments,
)


@pytest.fixture
def simulator() -> Iterator[SmsSimulator]:
    sim = SmsSimulator().start()
    yield sim
    sim.stop()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


@pytest.fixture
def gateway(simulator: SmsSimulator, client: httpx.Client) -> HttpSmsGateway:
    return HttpSmsGateway(simulator.base_url, simulator.token, "Atbalsts", client)


def sms(text: str = "Atgādinām: mājas vizīte rīt plkst. 10.00.", to: str = "29 123 456") -> OutgoingMessage:
    return OutgoingMessage(message_id=uuid.uuid4(), recipient=to, subject="", text=text)


# --- segments (pure) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("GSM-7", 1)),
        ("a" * 160, ("GSM-7", 1)),
        ("a" * 161, ("GSM-7", 2)),
        ("a" * 306, ("GSM-7", 2)),
        ("a" * 307, ("GSM-7", 3)),
        ("€" * 80, ("GSM-7", 1)),  # extension characters take two septets
        ("€" * 81, ("GSM-7", 2)),
        ("a" * 152 + "€" + "a" * 152, ("GSM-7", 3)),  # 306 septets, but an escape pair never straddles parts
        ("ā" * 70, ("UCS-2", 1)),
        ("ā" * 71, ("UCS-2", 2)),
        ("Rīga" + "a" * 130, ("UCS-2", 2)),  # one Latvian letter turns the whole text into UCS-2
        ("ž" * 134, ("UCS-2", 2)),
        ("ž" * 135, ("UCS-2", 3)),
        ("😀" * 35, ("UCS-2", 1)),  # a surrogate pair is two UTF-16 units
        ("a" * 66 + "😀" + "a" * 66, ("UCS-2", 3)),  # 134 units, but a surrogate pair is never split
    ],
)
def test_segments(text: str, expected: tuple[str, int]) -> None:
    assert sms_segments(text) == expected


# --- the adapter over HTTP -------------------------------------------------------------------------------


def test_message_reaches_the_simulator_with_its_receipt(
    gateway: HttpSmsGateway, simulator: SmsSimulator
) -> None:
    message = sms("Labdien! Jūsu iesniegums ir saņemts un reģistrēts.")
    receipt = gateway.send(message)
    assert receipt.channel == "sms" and receipt.message_id == message.message_id
    assert receipt.segments == 1 and not receipt.replayed and receipt.provider_id == "sim-1"
    [sent] = simulator.messages
    assert (sent.to, sent.sender, sent.key) == ("+37129123456", "Atbalsts", str(message.message_id))
    assert sent.text == "Labdien! Jūsu iesniegums ir saņemts un reģistrēts."


def test_a_retry_with_the_same_id_is_not_sent_twice(gateway: HttpSmsGateway, simulator: SmsSimulator) -> None:
    message = sms()
    first, second = gateway.send(message), gateway.send(message)
    assert len(simulator.messages) == 1 and simulator.requests == 2
    assert second.replayed and second.provider_id == first.provider_id
    gateway.send(sms())  # a different message id is a different message
    assert len(simulator.messages) == 2


def test_503_is_temporary_and_the_retry_delivers_once(
    gateway: HttpSmsGateway, simulator: SmsSimulator
) -> None:
    simulator.fail_next(2)
    message = sms()
    for _ in range(2):
        with pytest.raises(TemporaryFailure):
            gateway.send(message)
    assert simulator.messages == []
    gateway.send(message)
    assert len(simulator.messages) == 1


def test_a_reply_lost_to_a_timeout_is_retried_without_a_second_sms(simulator: SmsSimulator) -> None:
    simulator.stall_next(1, 1.0)  # accepted, but the reply comes after the client stopped waiting
    message = sms()
    with httpx.Client(timeout=0.2) as impatient:
        gateway = HttpSmsGateway(simulator.base_url, simulator.token, "Atbalsts", impatient)
        with pytest.raises(TemporaryFailure):
            gateway.send(message)
        receipt = gateway.send(message)
    assert receipt.replayed and len(simulator.messages) == 1


def test_unreachable_gateway_is_temporary(client: httpx.Client) -> None:
    sim = SmsSimulator().start()
    url = sim.base_url
    sim.stop()  # nothing listens on that port any more
    with pytest.raises(TemporaryFailure):
        HttpSmsGateway(url, "t", "Atbalsts", client).send(sms())


def test_wrong_token_is_permanent(simulator: SmsSimulator, client: httpx.Client) -> None:
    with pytest.raises(PermanentFailure) as failure:
        HttpSmsGateway(simulator.base_url, "wrong", "Atbalsts", client).send(sms())
    assert "401" in failure.value.detail and simulator.messages == []


def test_gateway_refusing_the_number_is_permanent_with_a_reason(
    gateway: HttpSmsGateway, simulator: SmsSimulator
) -> None:
    simulator.unknown_numbers.add("+37129123456")  # well-formed, so only the gateway can tell
    with pytest.raises(PermanentFailure) as failure:
        gateway.send(sms())
    assert failure.value.reason == RECIPIENT_REFUSED and simulator.messages == []


def test_429_is_temporary(simulator: SmsSimulator, gateway: HttpSmsGateway) -> None:
    simulator.fail_next(1, status=429)
    with pytest.raises(TemporaryFailure):
        gateway.send(sms())
    assert simulator.messages == []


def test_landline_is_refused_before_any_request(gateway: HttpSmsGateway, simulator: SmsSimulator) -> None:
    with pytest.raises(PermanentFailure) as failure:
        gateway.send(sms(to="67 123 456"))
    assert failure.value.reason == PHONE_LANDLINE and simulator.requests == 0


def test_overlong_text_is_permanent(gateway: HttpSmsGateway, simulator: SmsSimulator) -> None:
    with pytest.raises(PermanentFailure) as failure:
        gateway.send(sms("ā" * 1000))
    assert failure.value.reason == TEXT_TOO_LONG and simulator.requests == 0


def test_simulator_answers_bad_requests_with_400(simulator: SmsSimulator, client: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {simulator.token}", "Idempotency-Key": "k1"}
    assert (
        client.post(f"{simulator.base_url}/messages", content=b"\x00not json", headers=auth).status_code
        == 400
    )
    bad_number = {"to": "67123456", "from": "A", "text": "x"}
    reply = client.post(f"{simulator.base_url}/messages", json=bad_number, headers=auth)
    assert reply.status_code == 400 and reply.json() == {"error": "invalid_recipient"}
    no_key = client.post(
        f"{simulator.base_url}/messages",
        json={"to": "+37129123456", "from": "A", "text": "x"},
        headers={"Authorization": auth["Authorization"]},
    )
    assert no_key.status_code == 400 and simulator.messages == []


def test_without_a_gateway_url_the_channel_is_the_simulator(client: httpx.Client) -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://x/y", "REDIS_URL": "redis://x"})
    channel, simulator = sms_channel(settings, client)
    assert simulator is not None
    try:
        channel.send(sms("Sveiki"))
        assert simulator.sent_to("+37129123456") == ["Sveiki"]
    finally:
        simulator.stop()
    configured = load_settings(
        {
            "DATABASE_URL": "postgresql://x/y",
            "REDIS_URL": "redis://x",
            "SMS_GATEWAY_URL": "https://sms.example/v1/",
            "SMS_GATEWAY_TOKEN": "t",
            "SMS_SENDER": "Ogre",
        }
    )
    channel, simulator = sms_channel(configured, client)
    assert simulator is None and channel.url == "https://sms.example/v1/messages" and channel.sender == "Ogre"
