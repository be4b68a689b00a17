"""E-mail behind the `Channel` interface: a real SMTP conversation through `workers.smtp`.

There is no e-mail simulator: development and tests talk SMTP to a local server (aiosmtpd; `atbalsts
run` starts one that keeps each message as an .eml file, see app/devmail.py). The Message-ID is the
outbox id, so should a crash between the server's "250" and our commit ever send a message twice, both
copies carry the same Message-ID and can be recognised as one.

SMTP replies map onto the channel failures: 5xx for the recipient → permanent, with a reason staff can
act on; any other 5xx → permanent, "refused"; 4xx, refused or broken connections and timeouts →
temporary, so the worker retries."""

from __future__ import annotations

import smtplib

from app.notifications.addresses import check_email
from app.notifications.channels import (
    PROVIDER_REFUSED,
    PROVIDER_UNAVAILABLE,
    DeliveryReceipt,
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)
from app.notifications.labels import MAILBOX_REFUSED
from workers.smtp import Mailer, compose_email

EMAIL = "email"


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else message
    return f"SMTP {code}: {text}"[:500]


class SmtpEmailChannel:
    """The `Channel` for e-mail: HTML and text alternatives, UTF-8 headers (RFC 2047) and bodies."""

    name = EMAIL

    def __init__(self, mailer: Mailer, mail_from: str) -> None:
        self.mailer, self.mail_from = mailer, mail_from

    def send(self, message: OutgoingMessage) -> DeliveryReceipt:
        to, reason = check_email(message.recipient)
        if to is None:
            raise PermanentFailure(reason or MAILBOX_REFUSED, repr(message.recipient)[:100])
        mail = compose_email(
            mail_from=self.mail_from,
            to=to,
            subject=message.subject,
            text=message.text,
            html=message.html,
            message_id=message.message_id,
        )
        try:
            self.mailer.send(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()), (550, b""))
            if 500 <= code < 600:
                raise PermanentFailure(MAILBOX_REFUSED, _reply(code, reply)) from exc
            raise TemporaryFailure(PROVIDER_UNAVAILABLE, _reply(code, reply)) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, other replies
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(PROVIDER_REFUSED, _reply(exc.smtp_code, exc.smtp_error)) from exc
            raise TemporaryFailure(PROVIDER_UNAVAILABLE, _reply(exc.smtp_code, exc.smtp_error)) from exc
        except (smtplib.SMTPException, OSError) as exc:  # refused or dropped connections, timeouts
            raise TemporaryFailure(PROVIDER_UNAVAILABLE, f"{type(exc).__name__}: {exc}"[:500]) from exc
        return DeliveryReceipt(
            channel=EMAIL, message_id=message.message_id, provider_id=str(mail["Message-ID"])
        )
