"""`hb run` and `hb ping` against a real server (gunicorn in a process of its
own), with real commands. runitor's behaviour is the model for `hb run`: a
start with a run id, the exit status with the same id, the output's tail as
the body sized by the server's Ping-Body-Limit, and the command's own exit
status whatever the monitor does (runitor's README, "Exit status", and its
`-no-start-ping`, `-no-output-in-ping` options)."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy as sa

from support import free_port, hb, ping_key_of
from webapp.core.models import Check, Ping
from webapp.db import db

PY = sys.executable


def pings(app, uuid) -> list[Ping]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Ping).join(Check, Check.id == Ping.check_id)
                                  .where(Check.uuid == uuid).order_by(Ping.n)).all()
        db.session.expunge_all()
        db.session.remove()
    return list(rows)


def check_of(app, uuid) -> Check:
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        db.session.expunge_all()
        db.session.remove()
    return check


def test_a_succeeding_command_is_a_run_with_its_output(app, web_process, new_check):
    uuid = new_check()
    done = hb("run", "--url", web_process, "--uuid", uuid, "--",
              "sh", "-c", "echo hello; sleep 0.3; echo oops >&2")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"hello\n" and done.stderr == b"oops\n"  # passed through as they came
    start, end = pings(app, uuid)
    assert (start.kind, end.kind, end.exitstatus) == ("start", "success", 0)
    assert start.rid == end.rid and len(start.rid) == 36
    assert end.body == b"hello\noops\n"
    assert end.duration is not None and 0.3 <= end.duration < 5
    assert check_of(app, uuid).status == "up"


def test_a_failing_command_keeps_its_status_and_reports_it(app, web_process, new_check):
    uuid = new_check()
    done = hb("run", "--url", web_process, "--uuid", uuid, "--msg", "nightly run", "--",
              "sh", "-c", "echo disk full >&2; exit 3")
    assert done.returncode == 3
    _, end = pings(app, uuid)
    assert (end.kind, end.exitstatus, end.body, end.msg) == ("fail", 3, b"disk full\n",
                                                             "nightly run")
    assert check_of(app, uuid).status == "down"


def test_a_command_over_its_timeout_is_killed_and_reported(app, web_process, new_check):
    uuid = new_check()
    started = time.monotonic()
    done = hb("run", "--url", web_process, "--uuid", uuid, "--timeout", "1", "--",
              "sh", "-c", "echo working; exec sleep 30")
    assert done.returncode == 124
    assert time.monotonic() - started < 10
    _, end = pings(app, uuid)
    assert (end.kind, end.exitstatus) == ("fail", 124)
    assert end.body == b"working\n\nhb: killed after 1 s (--timeout)\n"
    assert b"hb: killed after 1 s (--timeout)" in done.stderr


def test_a_noisy_command_sends_the_last_bytes_the_server_keeps(app, web_process, new_check):
    uuid = new_check()
    limit = app.config["PING_BODY_LIMIT"]
    script = "import sys; sys.stdout.write('x' * 300000 + 'THE END\\n')"
    done = hb("run", "--url", web_process, "--uuid", uuid, "--", PY, "-c", script)
    assert done.returncode == 0 and len(done.stdout) == 300008  # all of it, to our stdout
    _, end = pings(app, uuid)
    assert len(end.body) == limit and end.body.endswith(b"xxTHE END\n")


def test_the_command_s_status_survives_a_monitor_that_is_down(app, new_check):
    gone = f"http://127.0.0.1:{free_port()}"  # nothing listens: the server is stopped
    started = time.monotonic()
    done = hb("run", "--url", gone, "--uuid", new_check(), "--", "sh", "-c", "exit 7")
    assert done.returncode == 7
    assert time.monotonic() - started < 15  # the retries are bounded
    assert done.stderr.count(b"hb: warning: ") == 2  # the start and the end, each said once
    assert b"not sent after 4 tries" in done.stderr


def test_retries_carry_a_ping_past_a_passing_failure(app, new_check):
    """A 503 once, then the server: the ping arrives on the retry."""
    answered = []

    class Flaky(BaseHTTPRequestHandler):
        def do_GET(self):
            answered.append(self.path)
            self.send_response(503 if len(answered) == 1 else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = hb("ping", "--url", f"http://127.0.0.1:{server.server_port}",
                  "--uuid", "5f0c3c1e-8c3c-4d8a-9b1a-2f7c1e4a9d10")
    finally:
        server.shutdown()
    assert done.returncode == 0
    assert answered == ["/ping/5f0c3c1e-8c3c-4d8a-9b1a-2f7c1e4a9d10"] * 2


def test_a_slug_with_create_makes_the_check(app, web_process, user, api):
    key = ping_key_of(app)
    done = hb("run", "--url", web_process, "--slug", "db-dump", "--ping-key", key, "--create",
              "--no-output", "--", "true")
    assert done.returncode == 0, done.stderr
    [made] = api("get", "/checks/?slug=db-dump").get_json()["checks"]
    start, end = pings(app, made["uuid"])
    assert (start.kind, end.kind, end.body) == ("start", "success", None)


def test_runitor_s_environment_works_unchanged(app, web_process, new_check):
    uuid = new_check()
    done = hb("run", "--no-start", "--", "true",
              env={"HC_API_URL": f"{web_process}/ping", "CHECK_UUID": uuid})
    assert done.returncode == 0, done.stderr
    [end] = pings(app, uuid)  # no start signal
    assert (end.kind, end.exitstatus) == ("success", 0)


def test_hb_ping_speaks_both_dialects(app, web_process, new_check):
    uuid = new_check()
    done = hb("ping", "--uuid", uuid, "--status", "down", "--msg", "disk full",
              env={"HB_URL": web_process})
    assert done.returncode == 0, done.stderr
    assert check_of(app, uuid).status == "down"
    done = hb("ping", "--url", web_process, "--token", uuid, "--value", "42", "--msg", "ok")
    assert done.returncode == 0, done.stderr
    fail, push = pings(app, uuid)
    assert (fail.kind, fail.msg) == ("fail", "disk full")
    assert (push.kind, push.value, push.msg) == ("success", 42.0, "ok")
    assert check_of(app, uuid).status == "up"
    # A wrong uuid is an answer (404), not a retry: said, and a failing exit.
    done = hb("ping", "--url", web_process, "--uuid", "5f0c3c1e-8c3c-4d8a-9b1a-2f7c1e4a9d10")
    assert done.returncode == 1 and b"answered 404" in done.stderr


def test_hb_says_what_it_needs(app):
    done = hb("run", "--", "true")
    assert done.returncode == 2 and b"name the check: --uuid" in done.stderr
    done = hb("run", "--uuid", "u", "--create", "--", "true")
    assert done.returncode == 2 and b"--create needs a slug" in done.stderr
    done = hb("ping", "--uuid", "u", "--value", "3")
    assert done.returncode == 2 and b"--value is for the push dialect" in done.stderr
    done = hb("run", "--slug", "s", "--url", "http://127.0.0.1:9", "--", "true")
    assert done.returncode == 2 and b"a slug needs the project's ping key" in done.stderr


def test_a_settings_file_stands_in_for_the_environment(app, web_process, api, tmp_path):
    settings = tmp_path / "hb.yaml"
    settings.write_text(f"url: {web_process}\nping_key: {ping_key_of(app)}\n")
    done = hb("run", "--slug", "from-file", "--create", "--", "true",
              env={"HB_CONFIG": str(settings)})
    assert done.returncode == 0, done.stderr
    assert [c["slug"] for c in api("get", "/checks/").get_json()["checks"]] == ["from-file"]
    # A variable that is set wins over the file.
    done = hb("ping", "--slug", "from-file", env={"HB_CONFIG": str(settings),
                                                  "HB_URL": f"http://127.0.0.1:{free_port()}"})
    assert done.returncode == 1 and b"not sent after 4 tries" in done.stderr
    settings.write_text("server: x\n")
    done = hb("ping", "--slug", "x", env={"HB_CONFIG": str(settings)})
    assert done.returncode == 1 and b"the file takes url, ping_key, api_key" in done.stderr


def test_the_command_reads_hb_s_stdin(app, web_process, new_check):
    uuid = new_check()
    done = hb("run", "--url", web_process, "--uuid", uuid, "--", "sh", "-c", "read line; "
              "echo \"got $line\"", input=b"rows to load\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"got rows to load\n"
    assert pings(app, uuid)[-1].body == b"got rows to load\n"
