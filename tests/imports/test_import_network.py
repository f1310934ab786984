"""The dashboard's Healthchecks import against a site that misbehaves while it
answers: a connection closed before the end of its Content-Length, a stall in
the middle of the body, a body dripped out byte by byte. Each is a 400 with a
sentence saying what happened, never a 500, and none holds the web worker
longer than the import's deadline (3 × INTEGRATIONS_TIMEOUT per answer). And
the import page is rate-limited per user (RATELIMIT_IMPORT), as invitations are."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable

import pytest

from support import make_user, own_project, project_of
from webapp.db import db

HEADERS = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
           b"Content-Length: 1000\r\n\r\n")


class RawSite:
    """A TCP server on 127.0.0.1 that reads a request's head and hands the
    connection to `script`, which writes whatever bytes the test needs."""

    def __init__(self, script: Callable[[socket.socket], None]):
        self.script = script
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(4096)
                if not data:
                    return
                head += data
            with contextlib.suppress(OSError):  # the importer gave up and closed its end
                self.script(conn)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def raw_site():
    sites: list[RawSite] = []

    def start(script):
        sites.append(RawSite(script))
        return sites[-1]
    yield start
    for site in sites:
        site.close()


def import_from(web, code: str, url: str):
    return web.post(f"/projects/{code}/import", {"url": url, "api_key": "X" * 32},
                    token_from=f"/projects/{code}/import")


def test_an_answer_broken_off_before_its_end_is_refused_saying_so(app, logged_in, raw_site,
                                                                  snapshot):
    def broken(conn):  # 9 of the 1000 bytes it announced, then the connection closes
        conn.sendall(HEADERS + b'{"checks"')

    site = raw_site(broken)
    before = snapshot()
    r = import_from(logged_in, project_of(app)[1], site.url)
    html = r.get_data(as_text=True)
    assert r.status_code == 400, html
    assert "the connection to 127.0.0.1 broke off in the middle of its answer" in html
    assert snapshot() == before


def test_an_answer_that_stalls_midway_is_refused_saying_so(app, logged_in, raw_site,
                                                           monkeypatch):
    monkeypatch.setitem(app.config, "INTEGRATIONS_TIMEOUT", 0.5)
    release = threading.Event()

    def stalled(conn):  # the start of the body, then nothing
        conn.sendall(HEADERS + b'{"checks"')
        release.wait(10)

    site = raw_site(stalled)
    r = import_from(logged_in, project_of(app)[1], site.url)
    release.set()
    assert r.status_code == 400
    assert "127.0.0.1 stopped answering for 0.5 s in the middle of its answer" in \
        r.get_data(as_text=True)


def test_an_answer_dripped_out_is_cut_off_at_the_deadline(app, logged_in, raw_site,
                                                          monkeypatch, snapshot):
    # Each byte comes well within the per-read timeout, so only a deadline for
    # the whole answer stops it: 1000 bytes at 0.1 s would hold the worker 100 s.
    monkeypatch.setitem(app.config, "INTEGRATIONS_TIMEOUT", 0.5)
    release = threading.Event()

    def dripping(conn):
        conn.sendall(HEADERS)
        for _ in range(1000):
            if release.wait(0.1):
                return
            conn.sendall(b" ")

    site = raw_site(dripping)
    before = snapshot()
    started = time.monotonic()
    r = import_from(logged_in, project_of(app)[1], site.url)
    took = time.monotonic() - started
    release.set()
    assert r.status_code == 400
    assert "127.0.0.1 took more than 1.5 s to send its answer" in r.get_data(as_text=True)
    assert 1.5 <= took < 5
    assert snapshot() == before


def test_the_import_page_is_rate_limited_per_user(app, logged_in, hc, limits):
    """Each import holds a web worker while another site answers: one account
    must not be able to tie up the workers (as test_invitations'
    test_invitations_sent_are_rate_limited_per_user limits mails)."""
    limits(RATELIMIT_IMPORT="2 per minute")
    code = project_of(app)[1]
    statuses = [import_from(logged_in, code, hc.url).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(hc.requests) == 4  # two imports of two calls each; the third made none
    # The form itself is not counted, and another user has a budget of their own.
    assert logged_in.get(f"/projects/{code}/import").status_code == 200
    bob = make_user(app, "bob@example.com")[0]
    with app.app_context():
        bobs_code = own_project(bob).code
        db.session.remove()
    other = type(logged_in)(app.test_client())
    assert other.login("bob@example.com").status_code == 302
    assert import_from(other, bobs_code, hc.url).status_code == 200
