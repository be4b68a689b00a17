"""E-mail as a channel: composing the message and handing it to an SMTP server."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    """Plain SMTP to a relay (the municipality's MTA, or a local catcher in development)."""

    def __init__(self, host: str, port: int, *, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def send(self, message: EmailMessage) -> None:
        # Any failure raises (refused connection, 4xx/5xx reply): the actor rolls back and Dramatiq retries.
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


def compose_email(
    *, mail_from: str, to: str, subject: str, text: str, html: str | None, message_id: uuid.UUID
) -> EmailMessage:
    """A UTF-8 message, text with an optional HTML alternative.

    The Message-ID comes from the outbox id, so should a crash between sending and committing ever
    resend a message, the copies carry the same Message-ID and mail clients can recognise them."""
    message = EmailMessage()  # the default policy encodes non-ASCII headers (RFC 2047) and bodies as UTF-8
    message["From"] = mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "atbalsts.invalid"
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message.set_content(text, charset="utf-8")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message
