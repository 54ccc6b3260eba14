"""E-mail: building a message from an outbox row, and sending it over SMTP (smtplib, standard library).

Settings: MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL (TLS from the first byte),
MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM, MAIL_TIMEOUT_SECONDS, and MAIL_CA_FILE (a CA bundle to trust
besides the system's, for a school's own mail server).

The sender sorts every SMTP failure into one of three kinds, because the outbox treats them apart:
- ServerUnavailable: no connection, TLS or log-in failed. Nothing was sent; no message is to blame,
  so no message spends an attempt (an hour-long outage marks nothing failed).
- TemporaryFailure: a 4xx answer, or the connection dropped while sending (then the server may have
  the mail: `ambiguous`). The message is retried later with the same Message-ID.
- PermanentFailure: a 5xx answer for this message. Retrying cannot help.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

from flask import current_app

from lms.core.db import db
from lms.core.models import User
from lms.core.notifications.models import OutboxMessage
from lms.core.notifications.rendering import absolute_url, is_notification_stem, render_stem, render_text


class MailError(Exception):
    """Base of the sender's failures; `str()` is what the outbox records."""


class ServerUnavailable(MailError):
    """The mail server could not be reached or refused our session (not any one message's fault)."""


class TemporaryFailure(MailError):
    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


class PermanentFailure(MailError):
    pass


def build_message(row: OutboxMessage) -> EmailMessage:
    """Render the row in its recipient's language (the account's current language, if it still exists)."""
    user = db.session.get(User, row.user_id) if row.user_id else None
    locale = user.locale if user is not None else row.locale
    rendered = render_stem(row.template, row.params or {}, locale=locale, link=absolute_url(row.link),
                           recipient_name=user.display_name if user is not None else "")
    body = rendered.body
    if is_notification_stem(row.template):  # reminders say where to turn them off
        footer = render_text("core/notifications/mail/footer.txt", {}, locale=locale,
                             link=absolute_url("/account/preferences"))
        body = body + "\n-- \n" + footer.strip() + "\n"
    config = current_app.config
    message = EmailMessage()
    name, address = parseaddr(config["MAIL_FROM"])
    message["From"] = formataddr((name or config["SITE_NAME"], address))
    message["To"] = row.to_address
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer
    message["Content-Language"] = locale
    message.set_content(body, charset="utf-8")
    return message


class SmtpSender:
    """One SMTP session, opened on the first message and reused; `close()` ends it."""

    def __init__(self, config) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.config.get("MAIL_CA_FILE"):
            context.load_verify_locations(cafile=self.config["MAIL_CA_FILE"])
        return context

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        host, port, timeout = cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), cfg["MAIL_TIMEOUT_SECONDS"]
        try:
            if cfg["MAIL_USE_SSL"]:
                connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=self._tls_context())
            else:
                connection = smtplib.SMTP(host, port, timeout=timeout)
            try:
                connection.ehlo()
                if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
                    connection.starttls(context=self._tls_context())
                    connection.ehlo()
                if cfg.get("MAIL_USERNAME"):
                    connection.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
            except BaseException:
                _quietly_close(connection)
                raise
        except (OSError, smtplib.SMTPException) as problem:
            raise ServerUnavailable(f"cannot open a session with {host}:{port}: {_describe(problem)}") from problem
        return connection

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; returns only when the server accepted it."""
        if self.connection is None:
            self.connection = self._connect()
        _, envelope_from = parseaddr(self.config["MAIL_FROM"])
        try:
            self.connection.send_message(message, from_addr=envelope_from, to_addrs=[message["To"]])
        except smtplib.SMTPRecipientsRefused as refused:
            code, text = next(iter(refused.recipients.values()))
            raise _by_code(code, f"recipient refused: {code} {_text(text)}") from refused
        except smtplib.SMTPResponseException as answer:  # sender refused, data refused, other replies
            self._drop()
            raise _by_code(answer.smtp_code, f"{answer.smtp_code} {_text(answer.smtp_error)}") from answer
        except (smtplib.SMTPServerDisconnected, OSError) as lost:
            # The data may have reached the server before the line dropped: the retry carries the
            # same Message-ID, so a duplicate can be recognised.
            self._drop()
            raise TemporaryFailure(f"connection lost while sending (the server may have the message): "
                                   f"{_describe(lost)}", ambiguous=True) from lost
        except smtplib.SMTPException as other:
            self._drop()
            raise TemporaryFailure(_describe(other)) from other

    def _drop(self) -> None:
        if self.connection is not None:
            _quietly_close(self.connection)
            self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
            _quietly_close(self.connection)
            self.connection = None


def _by_code(code: int, text: str) -> MailError:
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)


def _text(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _describe(problem: BaseException) -> str:
    return f"{type(problem).__name__}: {problem}"


def _quietly_close(connection: smtplib.SMTP) -> None:
    try:
        connection.close()
    except OSError:
        pass
