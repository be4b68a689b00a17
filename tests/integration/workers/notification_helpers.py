"""Shared by the notification delivery and reliability tests: workers whose channels are real servers on
loopback (aiosmtpd for e-mail, the HTTP SMS gateway simulator) or the in-memory e-address simulator."""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.notifications.channels import Channel
from tests.integration.workers.conftest import SmtpSink
from workers.channels.eaddress import EAddressAdapter, EAddressSimulator
from workers.channels.email import SmtpEmailChannel
from workers.channels.sms import HttpSmsGateway, SmsSimulator
from workers.deps import WorkerDeps
from workers.smtp import SmtpMailer


def delivery_deps(
    settings: Settings,
    sessions: sessionmaker[Session],
    smtp_port: int,
    *,
    sms: SmsSimulator | None = None,
    eaddress: EAddressSimulator | None = None,
) -> WorkerDeps:
    """Deps whose channels are the given servers; SMTP with a short timeout so stalls end quickly."""
    mailer = SmtpMailer("127.0.0.1", smtp_port, timeout=10)
    channels: dict[str, Channel] = {"email": SmtpEmailChannel(mailer, settings.mail_from)}
    if sms is not None:
        channels["sms"] = HttpSmsGateway(sms.base_url, sms.token, "Atbalsts", httpx.Client(timeout=5))
    if eaddress is not None:
        channels["eaddress"] = EAddressAdapter("http://eaddress.simulator", eaddress.token, eaddress.client())
    return WorkerDeps(settings=settings, sessions=sessions, mailer=mailer, channels=channels)


@dataclass
class RefusingSink(SmtpSink):
    """An SMTP server that refuses some recipients with 550 (no such mailbox) at RCPT TO."""

    unknown: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@dataclass
class StallingSink(SmtpSink):
    """Holds the first DATA until `release` is set, then answers 451 without keeping the message: the
    client that sent it is meant to be dead by then (killed mid-send). Later ones are accepted."""

    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _first: bool = True

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._first:
            self._first = False
            self.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 4.3.0 Sender went away; message not accepted"
        return await super().handle_DATA(server, session, envelope)


def statuses(maint_engine: Engine, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, int]]:
    """(status, attempts) per notification id."""
    with maint_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, status, attempts FROM app.notification_messages WHERE id = ANY(:ids)"),
            {"ids": ids},
        ).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def outbox_ids(maint_engine: Engine, ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """The outbox id (the Message-ID) per notification id."""
    with maint_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, outbox_id FROM app.notification_messages WHERE id = ANY(:ids)"), {"ids": ids}
        ).all()
    return {r[0]: r[1] for r in rows}
