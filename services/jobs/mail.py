"""Outgoing mail over SMTP to the office's relay (``GEOPORTAL_SMTP_HOST``/``_PORT``)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from geoportal.settings import Settings


def send(settings: Settings, to: str, subject: str, body: str, message_id: str) -> None:
    """Send one plain-text message; ``message_id`` is stable per job, so a retried job's
    duplicate (SMTP cannot be exactly-once) carries the same Message-ID and mail clients
    show it once."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        smtp.send_message(message)
