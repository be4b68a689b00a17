"""The development mailbox of `atbalsts run`: a real SMTP server that keeps each message as an .eml file."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from app.devmail import DevMailbox
from app.devservers import free_port


def test_each_accepted_message_is_kept_as_an_eml_file(tmp_path: Path) -> None:
    mailbox = DevMailbox(tmp_path / "mail", free_port()).start()
    try:
        message = EmailMessage()
        message["From"], message["To"] = "atbalsts@example.lv", "janis@example.lv"
        message["Subject"], message["Message-ID"] = "Lēmums Nr. LEM-2026/00001", "<0192/x@atbalsts.lv>"
        message.set_content("Labdien, Jānis Bērziņš!")
        with smtplib.SMTP(mailbox.host, mailbox.port, timeout=5) as client:
            client.send_message(message)
            client.send_message(message)
    finally:
        mailbox.stop()
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.name for f in files] == ["00001-0192_x_atbalsts.lv.eml", "00002-0192_x_atbalsts.lv.eml"]
    kept = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert isinstance(kept, EmailMessage)
    assert kept["Subject"] == "Lēmums Nr. LEM-2026/00001"
    assert kept.get_content().strip() == "Labdien, Jānis Bērziņš!"
