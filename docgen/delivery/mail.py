"""E-mail delivery of finished documents (e.g. a debt-panel pack to the managers on the panel)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from docgen.config import Settings
from docgen.errors import DocgenError, InvalidInput, Problem


class DeliveryFailed(DocgenError):
    def __init__(self, message: str):
        super().__init__(message, code="delivery_failed", status=502, exit_code=9)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = "application/pdf"


def build_message(
    settings: Settings, to: Sequence[str], subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    bad = [addr for addr in to if "@" not in addr or any(c in addr for c in "\r\n,;<> ")]
    if not to or bad:
        problems = [Problem("to", f"not an e-mail address: {addr!r}") for addr in bad] or [
            Problem("to", "at least one recipient is needed")
        ]
        raise InvalidInput("cannot send: bad recipients", problems)
    msg = EmailMessage()
    msg["From"] = settings.smtp_sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or "localhost")
    msg.set_content(body)
    for item in attachments:
        maintype, _, subtype = item.mime.partition("/")
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype, filename=item.filename)
    return msg


def send_mail(
    settings: Settings, to: Sequence[str], subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> str:
    """Send through the configured SMTP server; returns the Message-ID. A server that refuses or
    cannot be reached is a DeliveryFailed naming the server, never a crash."""
    msg = build_message(settings, to, subject, body, attachments)
    server = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            refused = smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"mail server {server} did not accept the message: {exc}") from exc
    if refused:
        raise DeliveryFailed(f"mail server {server} refused: {', '.join(sorted(refused))}")
    return str(msg["Message-ID"])
