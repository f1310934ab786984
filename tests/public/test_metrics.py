"""Prometheus metrics: /projects/<code>/metrics/<read-only key>, its older
/checks/metrics/ form and the Authorization: Bearer form, read back with
prometheus_client's own parser.

The expectations follow Healthchecks' hc/integrations/prometheus/tests/test_metrics.py
(named in each test); upstream matches the text byte for byte, we parse it, as
prometheus_client writes `1.0` and no space between labels where Healthchecks
writes `1` and `, `: the same samples to any Prometheus.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess

import pytest
import requests
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from support import backdate, make_user, own_project
from webapp.core.models import ApiKey, Check
from webapp.db import db

HC_GAUGES = {"hc_check_up", "hc_check_started", "hc_check_grace", "hc_check_paused",
             "hc_tag_up", "hc_checks_total", "hc_checks_down_total"}
OURS = {"hb_check_last_ping_timestamp_seconds", "hb_check_last_duration_seconds",
        "hb_check_last_value"}


@pytest.fixture
def project(app, user):
    """(code, read-only key, read-write key) of alice's project."""
    with app.app_context():
        p = own_project(user[0])
        row, ro = ApiKey.issue(p, "prometheus", read_only=True)
        db.session.add(row)
        db.session.commit()
        code = p.code
    return code, ro, user[1]


@pytest.fixture
def alice(new_check):
    """Upstream's setUp: a check named "Alice Was Here" tagged foo."""
    return new_check(name="Alice Was Here", tags="foo", timeout=600, grace=600)


def scrape(client, project, url: str | None = None, **kwargs):
    code, ro, _ = project
    return client.get(url or f"/projects/{code}/metrics/{ro}", **kwargs)


def samples(response) -> dict[str, dict[tuple, float]]:
    """{metric: {(label, value) pairs: value}}, parsed by prometheus_client."""
    assert response.status_code == 200, response.get_data(as_text=True)
    out: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        assert family.type == "gauge", family.name
        for s in family.samples:
            out.setdefault(s.name, {})[tuple(sorted(s.labels.items()))] = s.value
    return out


def spec(uuid: str, name: str = "Alice Was Here", tags: str = "foo") -> tuple:
    return tuple(sorted({"name": name, "tags": tags,
                         "unique_key": hashlib.sha1(uuid.encode()).hexdigest()}.items()))


def test_it_works(client, project, alice):
    """test_it_works."""
    r = scrape(client, project)
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = samples(r)
    assert set(found) == HC_GAUGES  # never pinged: none of ours has a sample yet
    alice_spec = spec(alice)
    assert found["hc_check_up"] == {alice_spec: 1}
    assert found["hc_check_started"] == {alice_spec: 0}
    assert found["hc_check_paused"] == {alice_spec: 0}
    assert found["hc_check_grace"] == {alice_spec: 0}
    assert found["hc_tag_up"] == {(("tag", "foo"),): 1}
    assert found["hc_checks_total"] == {(): 1}
    assert found["hc_checks_down_total"] == {(): 0}


def test_its_unique_key_is_the_apis_and_the_uuid_is_nowhere(client, api, project, alice):
    body = scrape(client, project).get_data(as_text=True)
    assert alice not in body
    [shown] = api("get", "/checks/", key=project[1]).get_json()["checks"]
    assert f'unique_key="{shown["unique_key"]}"' in body


def test_it_escapes_newline_backslash_and_quote(app, client, project, alice):
    """test_it_escapes_newline. Our forms refuse a line break in a name; one
    stored before that rule (or by hand) is still escaped, not a broken scrape."""
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == alice))
        check.name, check.tags = 'Line 1\nLine2 "quoted"', "A\\C"
        db.session.commit()
    r = scrape(client, project)
    body = r.get_data(as_text=True)
    assert "Line 1\\nLine2 \\\"quoted\\\"" in body and "A\\\\C" in body
    assert samples(r)["hc_check_up"] == {spec(alice, 'Line 1\nLine2 "quoted"', "A\\C"): 1}


def test_it_checks_api_key_length(client, project, alice):
    """test_it_checks_api_key_length: not shaped like a key is a 400."""
    code, ro, _ = project
    for key in (ro + "R", ro[:-1], "R" * 32, "hb_" + "%00" * 40):
        assert client.get(f"/projects/{code}/metrics/{key}").status_code == 400, key


def test_it_checks_api_key(client, project, alice):
    """test_it_checks_api_key: a well-shaped key that is no key is a 403."""
    code, ro, _ = project
    wrong = "hb_" + "X" * 40
    assert client.get(f"/projects/{code}/checks/metrics/{wrong}").status_code == 403


def test_it_rejects_a_read_write_key(client, project, alice):
    """test_it_rejects_hashed_rw_key."""
    code, _, rw = project
    r = client.get(f"/projects/{code}/metrics/{rw}")
    assert r.status_code == 403 and "read-only" in r.get_data(as_text=True)


def test_another_projects_key_or_code_is_a_403(app, client, project, alice):
    """Upstream finds the project by the key alone; here the URL's project must be the key's."""
    bob_id, _ = make_user(app, "bob@example.com")
    with app.app_context():
        bobs = own_project(bob_id)
        row, bob_ro = ApiKey.issue(bobs, "ro", read_only=True)
        db.session.add(row)
        db.session.commit()
        bob_code = bobs.code
    code, ro, _ = project
    assert client.get(f"/projects/{code}/metrics/{bob_ro}").status_code == 403
    assert client.get(f"/projects/{bob_code}/metrics/{ro}").status_code == 403
    assert client.get(f"/projects/{bob_code}/metrics/{bob_ro}").status_code == 200


def test_the_older_checks_metrics_url_works_too(client, project, alice):
    code, ro, _ = project
    assert samples(client.get(f"/projects/{code}/checks/metrics/{ro}"))["hc_checks_total"] \
        == {(): 1}


def test_authenticated_request_requires_bearer_token(client, project, alice):
    """test_authenticated_request_requires_bearer_token."""
    code, ro, _ = project
    for headers in ({}, {"Authorization": ro}, {"Authorization": "Basic " + ro},
                    {"Authorization": "Bearer "}, {"X-Api-Key": ro}):
        r = client.get(f"/projects/{code}/metrics/", headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_authenticated_request_accepts_bearer_token(client, project, alice):
    """test_authenticated_request_accepts_bearer_token; a wrong or read-write one is a 403."""
    code, ro, rw = project
    r = client.get(f"/projects/{code}/metrics/", headers={"Authorization": f"Bearer {ro}"})
    assert samples(r)["hc_checks_total"] == {(): 1}
    for key in (rw, "hb_" + "X" * 40):
        r = client.get(f"/projects/{code}/metrics/", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 403


def test_it_reports_hc_check_started(client, project, alice):
    """test_it_reports_hc_check_started."""
    client.get(f"/ping/{alice}/start")
    found = samples(scrape(client, project))
    assert found["hc_check_up"] == {spec(alice): 1}
    assert found["hc_check_started"] == {spec(alice): 1}


def test_it_reports_hc_check_paused(client, api, project, alice):
    """test_it_reports_hc_check_paused."""
    api("post", f"/checks/{alice}/pause")
    found = samples(scrape(client, project))
    assert found["hc_check_up"] == {spec(alice): 1}
    assert found["hc_check_paused"] == {spec(alice): 1}


def test_it_reports_hc_check_grace(app, client, project, alice):
    """test_it_reports_hc_check_grace: a 10-minute check pinged 15 minutes ago."""
    client.get(f"/ping/{alice}")
    backdate(app, alice, 15 * 60)
    found = samples(scrape(client, project))
    assert found["hc_check_up"] == {spec(alice): 1}
    assert found["hc_check_grace"] == {spec(alice): 1}


def test_a_down_check_downs_its_tags_and_the_count(client, project, new_check, alice):
    other = new_check(name="other", tags="foo bar")
    client.get(f"/ping/{other}/fail")
    found = samples(scrape(client, project))
    assert found["hc_check_up"] == {spec(alice): 1, spec(other, "other", "foo bar"): 0}
    assert found["hc_tag_up"] == {(("tag", "bar"),): 0, (("tag", "foo"),): 0}
    assert found["hc_checks_total"] == {(): 2} and found["hc_checks_down_total"] == {(): 1}


def test_ours_give_the_last_ping_its_duration_and_its_value(app, client, project, alice):
    client.get(f"/ping/{alice}/start")
    backdate(app, alice, 42)  # the run began 42 s ago
    assert client.get(f"/api/push/{alice}?value=17.5").status_code == 200
    found = samples(scrape(client, project))
    assert set(found) == HC_GAUGES | OURS
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == alice))
        last_ping = check.last_ping.timestamp()
    assert found["hb_check_last_ping_timestamp_seconds"] == {spec(alice): last_ping}
    [duration] = found["hb_check_last_duration_seconds"].values()
    assert 42 <= duration < 52
    assert found["hb_check_last_value"] == {spec(alice): 17.5}


def test_an_empty_project_scrapes_as_zero_checks(client, project):
    found = samples(scrape(client, project))
    assert found == {"hc_checks_total": {(): 0}, "hc_checks_down_total": {(): 0}}


def test_scrapes_are_not_rate_limited_but_wrong_keys_are(client, project, alice, limits):
    """Prometheus scrapes as often as it is told: a right key is never counted;
    wrong ones draw on the API's wrong-key budget per address."""
    limits(RATELIMIT_API="2 per minute", RATELIMIT_API_WRONG_KEY="3 per minute")
    assert [scrape(client, project).status_code for _ in range(20)] == [200] * 20
    code = project[0]
    wrong = [client.get(f"/projects/{code}/metrics/hb_{'X' * 40}").status_code
             for _ in range(4)]
    assert wrong == [403, 403, 403, 429]


def readme_block(language: str, marker: str) -> str:
    from support import ROOT

    text = (ROOT / "README.md").read_text()
    return next(b for b in re.findall(rf"```{language}\n(.*?)```", text, re.S) if marker in b)


def test_the_readmes_curl_line_and_scrape_config_work(app, project, alice, live_server):
    """The README's examples, run: its curl line as it stands (over real HTTP),
    and the path and credentials its scrape configuration gives Prometheus."""
    code, ro, _ = project
    [line] = [x for x in readme_block("bash", "/metrics/").splitlines() if x.startswith("curl")]
    env = {**os.environ, "READ_ONLY_KEY": ro, "BASE_URL": live_server, "PROJECT": code}
    out = subprocess.run(["bash", "-c", line + " --fail --silent --show-error"], env=env,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "hc_checks_total 1.0" in out.stdout

    config = readme_block("yaml", "scrape_configs")
    metrics_path = re.search(r"metrics_path: (\S+)", config)[1]
    assert re.search(r"authorization:\n\s+credentials: <read-only API key>", config)
    url = live_server + metrics_path.replace("<project-code>", code)
    # Prometheus sends `authorization.credentials` as "Authorization: Bearer <credentials>".
    r = requests.get(url, headers={"Authorization": f"Bearer {ro}"}, timeout=10)
    assert r.status_code == 200 and "hc_check_up{" in r.text
