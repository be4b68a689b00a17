"""The development mailbox `atbalsts run` starts when no `SMTP_HOST` is set: a real SMTP server (aiosmtpd)
on loopback that keeps every message it accepts as an .eml file in `.data/mail/`, so that the worker's
e-mails are a real SMTP conversation and can be opened in any mail reader. Never used in production."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class MailDrop:
    """aiosmtpd's handler: one file per accepted message, named by its arrival order and Message-ID."""

    directory: Path
    count: int = field(default=0)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        content: bytes = envelope.original_content or envelope.content
        match = re.search(rb"^Message-ID:\s*<([^>]+)>", content, re.IGNORECASE | re.MULTILINE)
        name = _UNSAFE.sub("_", match.group(1).decode(errors="replace"))[:80] if match else "message"
        (self.directory / f"{self.count:05d}-{name}.eml").write_bytes(content)
        return "250 Message accepted for delivery"


class DevMailbox:
    def __init__(self, directory: Path, port: int, host: str = "127.0.0.1") -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory, self.host, self.port = directory, host, port
        self._controller = Controller(MailDrop(directory), hostname=host, port=port)

    def start(self) -> DevMailbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
