"""A small SMTP server on loopback for tests: it accepts, fails or stalls, and records what it accepted.

Enough SMTP for Django's backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, no TLS). What it
does with each message is ``behaviour``:

- ``accept``: record the message, wait ``reply_delay`` seconds (a slow server), then answer 250;
- ``fail``: answer ``failure_reply`` (a 4xx or 5xx) without recording;
- ``stall``: answer nothing after the message until ``stop()``.

``stall_next`` makes only the next message stall. After ``hold_replies_from_now()`` an accepted
message gets its 250 only after ``release_replies()``. ``accepted`` lists the Message-IDs in the order they
were accepted; ``holding`` is set once a message is held, i.e. while its sender is inside the send
with the message already delivered.
"""

from __future__ import annotations

import socketserver
import threading
import time
from email import message_from_bytes


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        smtp: LoopbackSMTPServer = self.server.smtp
        self.reply("220 loopback ESMTP test server")
        while not smtp.stopping.is_set():
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 loopback")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.reply("250 OK")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            elif verb == b"DATA":
                self.reply("354 go ahead")
                if not self.receive_message(smtp):
                    return
            else:
                self.reply("502 not implemented")

    def receive_message(self, smtp: LoopbackSMTPServer) -> bool:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        message_id = message_from_bytes(b"".join(lines))["Message-ID"]
        behaviour = smtp.behaviour_for_next_message()
        if behaviour == "stall":
            smtp.stalled.set()
            smtp.stopping.wait(30)
            return False
        if behaviour == "fail":
            self.reply(smtp.failure_reply)
            return True
        held = smtp.hold_replies
        smtp.record(message_id)
        if held:
            smtp.holding.set()
            smtp.replies_released.wait(30)
        time.sleep(smtp.reply_delay)
        try:
            self.reply("250 queued")
        except OSError:  # the sender died meanwhile
            return False
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class LoopbackSMTPServer:
    def __init__(self):
        self.behaviour = "accept"
        self.failure_reply = "451 4.3.0 try again later"
        self.reply_delay = 0.0
        self.stall_next = False
        self.hold_replies = False
        self.replies_released = threading.Event()
        self.accepted: list[str] = []
        self.stalled = threading.Event()
        self.holding = threading.Event()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.smtp = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> LoopbackSMTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.replies_released.set()
        self._server.shutdown()
        self._server.server_close()

    def hold_replies_from_now(self) -> None:
        self.replies_released.clear()
        self.holding.clear()
        self.hold_replies = True

    def release_replies(self) -> None:
        self.hold_replies = False
        self.replies_released.set()

    def behaviour_for_next_message(self) -> str:
        with self._lock:
            if self.stall_next:
                self.stall_next = False
                return "stall"
            return self.behaviour

    def record(self, message_id: str) -> None:
        with self._lock:
            self.accepted.append(message_id)

    def accepted_count(self) -> int:
        with self._lock:
            return len(self.accepted)
