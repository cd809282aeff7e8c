"""A real SMTP server for the mail tests: aiosmtpd in a thread of the test process.

`smtp_server` (tests/conftest.py) starts one on a free port and points Django's SMTP
backend at it; a worker process gets `server.url` as EMAIL_URL. Every message the server
accepts is kept, parsed, in `server.messages`.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        assert body is not None, f"no {content_type} part"
        return str(body.get_content())

    def attachments(self) -> list[tuple[str, str, bytes]]:
        found = []
        for part in self.message.iter_attachments():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found.append((str(part.get_filename()), part.get_content_type(), payload))
        return found


@dataclass
class SmtpServer:
    """Accepts every message, or refuses every one with a 554 while `refuse` is set."""

    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    messages: list[Received] = field(default_factory=list)
    refuse: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.0.0 Transaction failed (the test refuses)"
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.messages)

    def start(self) -> Controller:
        controller = Controller(self, hostname=self.host, port=self.port)
        controller.start()
        return controller
