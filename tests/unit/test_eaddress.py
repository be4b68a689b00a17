"""The official e-address adapter against its in-memory gateway simulator."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.config import load_settings
from app.notifications.channels import OutgoingMessage, PermanentFailure, TemporaryFailure
from workers.channels.eaddress import (
    BAD_RECIPIENT,
    NOT_ACTIVATED,
    EAddressAdapter,
    EAddressSimulator,
    eaddress_channel,
)

CODE = "161175-19997"


def notice(to: str = CODE) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=uuid.uuid4(),
        recipient=to,
        subject="Lēmums par pabalstu",
        text="Jums piešķirts garantētā minimālā ienākuma pabalsts.",
        html="<p>Jums piešķirts pabalsts.</p>",
    )


def adapter(sim: EAddressSimulator, token: str | None = None) -> EAddressAdapter:
    return EAddressAdapter("http://eaddress.test/api/", token or sim.token, sim.client())


def test_message_lands_in_the_persons_inbox() -> None:
    sim = EAddressSimulator()
    message = notice()
    receipt = adapter(sim).send(message)
    assert receipt.channel == "eaddress" and receipt.provider_id == "ea-1" and not receipt.replayed
    [kept] = sim.inbox["16117519997"]
    assert kept["subject"] == "Lēmums par pabalstu" and kept["html"] == "<p>Jums piešķirts pabalsts.</p>"
    assert kept["key"] == str(message.message_id) and kept["language"] == "lv"


def test_retry_with_the_same_id_is_delivered_once() -> None:
    sim = EAddressSimulator()
    message = notice()
    channel = adapter(sim)
    sim.fail_next(1)
    with pytest.raises(TemporaryFailure):
        channel.send(message)
    first, again = channel.send(message), channel.send(message)
    assert again.replayed and again.provider_id == first.provider_id
    assert len(sim.inbox["16117519997"]) == 1 and sim.requests == 3


def test_person_without_an_e_address_is_a_permanent_failure_with_a_reason() -> None:
    sim = EAddressSimulator(activated={"32579461005"})
    with pytest.raises(PermanentFailure) as failure:
        adapter(sim).send(notice())
    assert failure.value.reason == NOT_ACTIVATED and sim.inbox == {}
    adapter(sim).send(notice("325794-61005"))
    assert list(sim.inbox) == ["32579461005"]


@pytest.mark.parametrize("bad", ["161175-19998", "", "x" * 10_000, "1611751999\x00"])
def test_invalid_personal_code_is_refused_before_any_request(bad: str) -> None:
    sim = EAddressSimulator()
    with pytest.raises(PermanentFailure) as failure:
        adapter(sim).send(notice(bad))
    assert failure.value.reason == BAD_RECIPIENT and sim.requests == 0


def test_wrong_token_is_permanent() -> None:
    sim = EAddressSimulator()
    with pytest.raises(PermanentFailure) as failure:
        adapter(sim, token="wrong").send(notice())
    assert "401" in failure.value.detail and sim.inbox == {}


def test_configuration_chooses_gateway_or_simulator() -> None:
    base = {"DATABASE_URL": "postgresql://x/y", "REDIS_URL": "redis://x"}
    with httpx.Client() as client:
        channel, sim = eaddress_channel(load_settings(base), client)
        assert sim is not None
        channel.send(notice())
        assert list(sim.inbox) == ["16117519997"]
        configured = load_settings(
            {**base, "EADDRESS_GATEWAY_URL": "https://ea.example", "EADDRESS_GATEWAY_TOKEN": "t"}
        )
        channel, sim = eaddress_channel(configured, client)
        assert sim is None and channel.url == "https://ea.example/messages" and channel.token == "t"
