"""What actors need, passed in explicitly: the settings, the app-role sessions and the outside channels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.notifications.channels import Channel
from workers.smtp import Mailer, SmtpMailer


@dataclass(frozen=True)
class WorkerDeps:
    settings: Settings
    # Sessions on the `app_rw` engine: actors act for one tenant, under row-level security.
    sessions: sessionmaker[Session]
    mailer: Mailer
    # The notification channels by name; None: built from the settings on first use
    # (workers/actors/notifications.py). Tests pass simulators here.
    channels: Mapping[str, Channel] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, sessions: sessionmaker[Session]) -> WorkerDeps:
        return cls(
            settings=settings, sessions=sessions, mailer=SmtpMailer(settings.smtp_host, settings.smtp_port)
        )
