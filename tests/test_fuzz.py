"""Property: no input makes any door answer 5xx, log an error, or leave its format.

Hypothesis sends random methods, paths (every ping URL and every route of
Flask's URL map, filled with real and random uuids, slugs and keys, plus
random segments), query strings, headers and bodies (JSON of every type,
lone surrogates written raw into the JSON text, deep nesting, huge strings
and numbers, bytes that are not UTF-8, forms and multipart) through the
whole WSGI stack (the ping door included), as a user with a valid API key
and existing checks, so that the deep code paths are reached.

Derandomized: each run tries the same cases, so a failure reproduces in CI
and locally alike; every bug found has a plain regression test in its area.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import urllib.parse
import uuid as uuidlib

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import overrides_from, own_project
from webapp import create_app
from webapp.core.models import Channel, Check
from webapp.db import db
from webapp.ping.routes import route

# The world (user, checks) is made once per test, not per example: hence the
# function-scoped fixture check is off.
FUZZ = dict(deadline=None, derandomize=True, database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture,
                                   HealthCheck.too_slow, HealthCheck.data_too_large])

# GET and POST reach the most code, so they come up most.
METHODS = ["GET", "POST"] * 4 + ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]
PING_TEMPLATES = ["/api/push/{token}", "/api/pings/", "/api/pings", "/ping/{uuid}",
                  "/ping/{uuid}/{action}", "/ping/{key}/{slug}", "/ping/{key}/{slug}/{action}",
                  "/ping/{text}/{text}/{text}/{text}"]
ACTIONS = ["start", "fail", "log", "0", "1", "255", "256", "-1", "99999999999999999999"]
FIELDS = ["name", "slug", "tags", "desc", "timeout", "grace", "schedule", "tz", "channels",
          "unique", "methods", "manual_resume", "max_runtime", "nag_period",
          "failure_threshold", "value_min", "value_max", "grace_to_end_of_day", "api_key",
          "kind", "value", "url", "headers"]
PARAMS = ["status", "msg", "value", "ping", "rid", "create", "service", "data", "tag",
          "seconds", "start", "end", "api_key", "q", "tags", "next"]
SURROGATE = "\x01SURROGATE\x01"  # replaced by a raw \ud800 escape in the JSON text

# Text that a real server could hand over: no surrogates (they cannot be sent).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
small_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
numbers = st.one_of(st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
                    st.floats(allow_nan=False, allow_infinity=False), st.just(10**4000))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, text, text.map(lambda s: s + SURROGATE),
              st.text(max_size=50).map(lambda s: s * 1000)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12)


class World:
    """The user, their key and their checks, as the fuzzer may find them."""

    def __init__(self, app, user):
        self.app = app
        self.user_id, self.key = user
        with app.app_context():
            self.project_id = own_project(self.user_id).id
            self.ping_key = own_project(self.user_id).ping_key
            db.session.add(Channel(project_id=self.project_id, kind="webhook", name="hook",
                                   value="http://127.0.0.1:9/hook"))
            db.session.commit()
            db.session.remove()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the checks (the fuzzer deletes and rotates them), and make a
        few again when too many are gone."""
        with self.app.app_context():
            rows = db.session.execute(sa.select(Check.uuid, Check.slug).where(
                Check.project_id == self.project_id)).all()
            codes = db.session.scalars(sa.select(Channel.code)).all()
            db.session.remove()
        if len(rows) < 2:
            client = self.app.test_client()
            for fields in ({"name": "nightly-backup", "timeout": 60, "grace": 30},
                           {"name": "cron-job", "schedule": "5 16 * * *", "tz": "Europe/Berlin"}):
                r = client.post("/api/v3/checks/", json=fields, headers={"X-Api-Key": self.key})
                assert r.status_code == 201, r.get_data()
                uuid = r.get_json()["uuid"]
                client.post(f"/ping/{uuid}", data=b"a body \xff")
                client.get(f"/api/push/{uuid}?status=down&msg=first")
            return self.refresh()
        self.uuids = [r.uuid for r in rows]
        self.slugs = [r.slug for r in rows]
        self.channels = list(codes)


def pick(world: World, name: str) -> st.SearchStrategy[str]:
    """One of the world's current values: read at draw time, as they change."""
    return st.integers(0, 7).map(lambda i: (values := getattr(world, name) or ["none"])[
        i % len(values)])


JUNK = st.one_of(
    small_text.map(lambda s: urllib.parse.quote(s, safe="")),
    st.sampled_from(["", "%00", "%ff", "%c0%af", "..", str(uuidlib.uuid4()),
                     "9223372036854775808", "-1", "0", "00000000-0000-0000-0000-000000000000",
                     "x" * 300]),
    st.integers().map(str))


def segments(world: World) -> dict[str, st.SearchStrategy[str]]:
    """For each part of a URL, a real value of its kind or junk (built once per test)."""
    real = {
        "uuid": pick(world, "uuids"), "token": pick(world, "uuids"),
        "key": st.just(world.ping_key), "slug": pick(world, "slugs"),
        "code": pick(world, "channels"), "version": st.sampled_from(["1", "2", "3"]),
        "n": st.sampled_from(["1", "2", "3"]), "key_id": st.sampled_from(["1", "2"]),
        "action": st.sampled_from(ACTIONS),
    }
    return {name: st.one_of(strategy, strategy, JUNK) for name, strategy in real.items()}


def rule_templates(app) -> list[str]:
    """Every route of Flask's URL map, as a template of its variable parts."""
    templates = []
    for rule in app.url_map.iter_rules():
        templates.append(re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", rule.rule))
    return templates


@st.composite
def paths(draw, parts: dict, templates: list[str]) -> str:
    template = draw(st.sampled_from(templates))
    values = {name: draw(parts.get(name, JUNK))
              for name in re.findall(r"\{(\w+)\}", template)}
    path = template.format_map(values)
    if draw(st.integers(0, 9)) == 0:  # a random tail: an unknown URL under a known one
        path += "/" + urllib.parse.quote(draw(small_text), safe="/")
    return path or "/"


@st.composite
def queries(draw, world: World) -> str:
    pairs = draw(st.lists(st.tuples(
        st.one_of(st.sampled_from(PARAMS), small_text),
        st.one_of(text, numbers.map(str), st.sampled_from(
            ["up", "down", "ok", "fail", "1", "nan", "inf", "-inf", "1e999", "",
             str(uuidlib.uuid4()), "a%00b"]), pick(world, "slugs"), pick(world, "uuids"))),
        max_size=5))
    query = urllib.parse.urlencode(pairs)
    if draw(st.booleans()):  # raw bytes that are not UTF-8, and broken escapes
        query += "&" + draw(st.sampled_from(["msg=%ff%fe", "data=%c3", "service=%", "%zz=1",
                                             "status=%00", "=", "&&&", "value=1_000"]))
    return query


@st.composite
def bodies(draw) -> tuple[bytes | dict | None, str | None]:
    """(body, Content-Type): bytes as sent, or a dict the client encodes as a form."""
    kind = draw(st.sampled_from(["none", "json", "fields", "fields", "fields", "deep", "huge",
                                 "bytes", "form", "multipart"]))
    if kind == "none":
        return None, draw(st.sampled_from([None, "application/json"]))
    if kind in ("json", "fields"):
        if kind == "fields":
            document = draw(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))
        else:
            document = draw(json_values)
        raw = json.dumps(document, ensure_ascii=draw(st.booleans()))
        raw = raw.replace(json.dumps(SURROGATE)[1:-1], "\\ud800")
        return raw.encode("utf-8", "surrogatepass"), draw(st.sampled_from(
            ["application/json", "application/x-www-form-urlencoded", "text/plain", None]))
    if kind == "deep":
        depth = draw(st.sampled_from([30, 33, 100, 999, 1001, 5000, 50_000]))
        opener = draw(st.sampled_from(["[", '{"a":', '{"name":[']))
        return (opener * depth).encode(), "application/json"
    if kind == "huge":
        size = draw(st.sampled_from([1000, 99_999, 100_000, 100_001, 116_384, 116_385, 500_001]))
        return b'{"name": "' + b"n" * size + b'"}', "application/json"
    if kind == "bytes":
        return draw(st.binary(max_size=300)), draw(st.sampled_from(
            [None, "application/json", "application/octet-stream", "multipart/form-data",
             "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=latin1",
             "text/plain; charset=utf-16"]))
    form = draw(st.dictionaries(st.one_of(st.sampled_from(PARAMS + FIELDS), small_text),
                                st.one_of(text, st.just("v" * 600_000)), max_size=5))
    return form, "multipart/form-data" if kind == "multipart" else None


@st.composite
def headers(draw, world: World) -> dict[str, str]:
    """Header values a server would pass on: latin-1, no control characters."""
    value = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                  exclude_characters="\x7f"), max_size=60)
    out: dict[str, str] = {}
    # Mostly the valid key, so that the views behind the key check are reached.
    api_key = draw(st.sampled_from(["valid"] * 3 + ["junk", "none"]))
    if api_key != "none":
        out["X-Api-Key"] = world.key if api_key == "valid" else draw(value)
    auth = draw(st.sampled_from(["key"] * 3 + ["junk", "raw", "email"] + ["none"] * 12))
    if auth != "none":
        credentials = {
            "key": f"script:{world.key}",
            "junk": draw(value),
            # The right email with a wrong password: a (slow) scrypt, so rarely.
            "email": "alice@example.com:wrong password",
        }.get(auth)
        if credentials is None:
            out["Authorization"] = draw(st.sampled_from(["Basic", "Basic ===", "Bearer x",
                                                         "Basic " + "A" * 5000]))
        else:
            token = base64.b64encode(credentials.encode("utf-8", "replace")).decode()
            out["Authorization"] = f"Basic {token}"
    for name in draw(st.lists(st.sampled_from(["User-Agent", "Origin", "X-Forwarded-For",
                                               "HX-Request", "Accept", "Cookie"]),
                              max_size=3, unique=True)):
        out[name] = draw(value)
    return out


def door(path: str) -> str:
    """Which door answers `path`, as the app's WSGI layers decide it."""
    found = route(urllib.parse.unquote(path, errors="replace").split("?")[0])
    if found is not None:
        return found.answer.__module__.rsplit(".", 1)[-1]
    return "api" if path.startswith("/api/") else "pages"


def assert_in_format(path: str, method: str, r) -> None:
    body = r.get_data()
    if path == "/health" and r.status_code == 503:
        # Its purpose: no worker runs in this test, so the sweep is stale.
        assert method == "HEAD" or "sweep" in json.loads(body)["stale"]
        return
    assert r.status_code < 500, (r.status_code, body[:300])
    assert b"Traceback" not in body and b"internal error" not in body
    if method == "HEAD" or r.status_code in (204, 304) or 300 <= r.status_code < 400:
        return  # no body to read, or a redirect whose body nobody reads
    if method == "OPTIONS" and r.status_code == 200 and not body:
        return  # Flask's own answer to OPTIONS: the Allow header
    which = door(path)
    if which == "push":
        answer = json.loads(body)
        # Tianji's answer, and a warning when the push was read otherwise than sent.
        assert (answer["ok"] is True and answer["message"] == "Push received successfully"
                and set(answer) <= {"ok", "message", "warning"}) or (
            answer["ok"] is False and answer["msg"] == answer["error"] and answer["msg"])
    elif which == "healthchecks":
        assert r.mimetype == "text/plain" and body
    elif which == "legacy":
        answer = json.loads(body)
        assert r.status_code == 200 or list(answer) == ["error"]
    elif which == "api":
        if r.status_code == 200 and r.mimetype == "text/plain":
            assert re.fullmatch(r"/api/v[123]/status/", path) and body == b"OK"
            return
        answer = json.loads(body)
        if r.status_code >= 400:
            assert list(answer) == ["error"] and isinstance(answer["error"], str)
    elif r.status_code >= 400:
        assert r.mimetype in ("text/html", "text/plain") and body


@pytest.fixture(scope="module")
def fuzz_app(app, settings):
    """The app on the session's database, without rate limits: thousands of
    requests from one address would otherwise be 429s (which are no bug), reach
    nothing behind them, and leave other tests' address over its limit."""
    return create_app({**overrides_from(settings), "RATELIMIT_ENABLED": False})


@pytest.fixture
def world(fuzz_app, user):
    return World(fuzz_app, user)


def send(app, world: World, caplog, method: str, path: str, query: str,
         body: tuple, extra: dict, length_lie: str | None) -> None:
    caplog.clear()
    data, content_type = body
    overrides = {"CONTENT_LENGTH": length_lie} if length_lie is not None else {}
    client = app.test_client()
    r = client.open(path, method=method, query_string=query or None, data=data,
                    content_type=content_type, headers=extra, environ_overrides=overrides)
    assert_in_format(path, method, r)
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert not errors, [rec.getMessage() for rec in errors]
    assert "Traceback" not in caplog.text


def fuzz(app, world, caplog, templates, examples):
    lies = st.one_of(st.none(), st.none(), st.sampled_from(
        ["0", "1", "-1", "abc", "999999999999", "116385", "  12 ", "1_0"]))

    @settings(max_examples=examples, **FUZZ)
    @given(st.sampled_from(METHODS), paths(segments(world), templates), queries(world),
           bodies(), headers(world), lies)
    def run(method, path, query, body, extra, lie):
        world.refresh()
        send(app, world, caplog, method, path, query, body, extra, lie)

    run()


def test_no_ping_url_answers_5xx_or_leaves_its_format(fuzz_app, world, caplog):
    templates = PING_TEMPLATES
    assert all(route(t.format(token="t", uuid=uuidlib.uuid4(), action="fail", key="k",
                              slug="s", text="x")) for t in templates)
    fuzz(fuzz_app, world, caplog, templates, 900)


def test_no_api_route_answers_5xx_or_leaves_its_format(fuzz_app, world, caplog):
    templates = [t for t in rule_templates(fuzz_app) if t.startswith("/api/")]
    assert "/api/v{version}/checks/{uuid}/pings/{n}/body" in templates
    fuzz(fuzz_app, world, caplog, templates, 1100)


def test_no_other_url_answers_5xx(fuzz_app, world, caplog):
    templates = [t for t in rule_templates(fuzz_app) if not t.startswith("/api/")]
    templates += ["/{text}", "/{text}/{text}", "/static/{text}"]
    fuzz(fuzz_app, world, caplog, templates, 300)


def test_the_pages_door_answers_a_413_as_a_page(app, client):
    r = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert r.status_code == 413 and r.mimetype == "text/html"
    assert "request too large: at most" in r.get_data(as_text=True).lower()
