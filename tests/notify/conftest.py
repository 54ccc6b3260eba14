"""A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, to which the outbox sends."""
from __future__ import annotations

import email
import socket
import threading
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The server's handler: keeps what it accepted; `mode` makes it refuse or misbehave."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.mode = "accept"  # accept | tempfail | reject | drop_after_accept
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "tempfail":
            return "451 4.3.0 Mailbox busy, try later"
        if self.mode == "reject":
            return "550 5.1.1 No such mailbox"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.mode == "drop_after_accept":
            # The server has the mail, but the client never hears "250": an ambiguous failure.
            server.transport.close()
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app):
    """A port the app mails to; the server is not started (call `.start()`), so tests can begin 'down'."""
    server = SmtpServer(free_port())
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                      MAIL_FROM="Trường Chính trị <lms@sonha.example.vn>", MAIL_TIMEOUT_SECONDS=5,
                      MAIL_RETRY_BASE_SECONDS=60)
    yield server
    server.stop()


@pytest.fixture
def mail_server(smtp_server):
    """The same, started."""
    smtp_server.start()
    return smtp_server
