"""`hb agent` on this machine against a real server: each (target, metric) a
check made through the API with its thresholds, pinged with its value; a
process that is not running reports down; a threshold crossed sends an alert
mail through the real worker. The original Heartbeats agent's keys work."""

from __future__ import annotations

import subprocess

import requests
import yaml

from support import HB, hb, wait_until


def write(tmp_path, file: str = "agent.yaml", **config) -> str:
    path = tmp_path / file
    path.write_text(yaml.safe_dump(config))
    return str(path)


def checks(web_process, key) -> dict[str, dict]:
    r = requests.get(f"{web_process}/api/v3/checks/", headers={"X-Api-Key": key}, timeout=10)
    return {c["name"]: c for c in r.json()["checks"]}


def pings(web_process, key, uuid) -> list[dict]:
    r = requests.get(f"{web_process}/api/v3/checks/{uuid}/pings/", headers={"X-Api-Key": key},
                     timeout=10)
    return r.json()["pings"]


def test_one_round_makes_a_check_per_metric_and_pings_each(app, web_process, user, tmp_path):
    daemon = subprocess.Popen(["sleep", "60"])  # a process to find, by its name
    try:
        path = write(tmp_path, server=web_process, api_key=user[1], interval=600,
                     thresholds={"disk": {"max": 95}, "load": {"max": 64}},
                     targets=[{"name": "local", "processes": ["sleep", "no-such-daemon"],
                               "mounts": ["/"]}])
        done = hb("agent", "--config", path, "--once")
    finally:
        daemon.kill()
    assert done.returncode == 0, done.stderr
    made = checks(web_process, user[1])
    assert set(made) == {"local cpu", "local load", "local memory", "local swap", "local disk /",
                         "local inodes /", "local process sleep", "local process no-such-daemon"}
    disk = made["local disk /"]
    assert disk["tags"] == "agent host:local metric:disk"
    assert (disk["value_max"], disk["timeout"], disk["grace"]) == (95.0, 600, 600)
    assert made["local load"]["value_max"] == 64.0 and made["local cpu"]["value_max"] is None
    assert disk["status"] == "up"
    [ping] = pings(web_process, user[1], disk["uuid"])
    assert 0 < float(ping["value"]) <= 100 and ping["msg"] == "/ in use, %"
    assert made["local process sleep"]["status"] == "up"
    missing = made["local process no-such-daemon"]
    assert missing["status"] == "down"
    assert pings(web_process, user[1], missing["uuid"])[0]["msg"] == \
        "no-such-daemon is not running"
    # A second round updates the same checks: none is made twice.
    assert hb("agent", "--config", path, "--once").returncode == 0
    assert len(checks(web_process, user[1])) == 8


def test_a_threshold_crossed_sends_an_alert_mail(app, web_process, worker, user, mailbox,
                                                tmp_path):
    requests.post(f"{web_process}/api/v3/channels/", headers={"X-Api-Key": user[1]},
                  json={"kind": "email", "value": "ops@example.com"}, timeout=10)
    path = write(tmp_path, server=web_process, api_key=user[1],
                 thresholds={"disk": {"max": 0.001}},  # any disk is fuller than that
                 targets=[{"name": "web1", "mounts": ["/"]}])
    assert hb("agent", "--config", path, "--once").returncode == 0
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == "DOWN: web1 disk /"
    assert "above max 0.001" in mail.get_body(("plain",)).get_content()


def test_the_original_agents_keys_work(app, web_process, user, tmp_path):
    path = write(tmp_path, SERVICE="cert-sync", CHECK_INTERVAL_MIN=30, KEY="/root/.ssh/id_rsa",
                 server=web_process, api_key=user[1])
    done = hb("agent", "--config", path, "--once")
    assert done.returncode == 0, done.stderr
    made = checks(web_process, user[1])
    cpu = made["cert-sync local cpu"]
    assert cpu["tags"] == "agent host:local metric:cpu service:cert-sync"
    assert cpu["timeout"] == 1800


def test_the_example_config_is_read_and_bad_ones_are_said(app, web_process, user, tmp_path):
    done = hb("agent", "--print-example-config")
    example = yaml.safe_load(done.stdout)
    assert example["targets"] == [{"name": "local", "processes": ["cron", "sshd"],
                                   "mounts": ["/"]}]
    assert set(example["thresholds"]) == {"cpu", "load", "memory", "swap", "disk", "inodes"}
    path = write(tmp_path, **{**example, "server": web_process, "api_key": user[1],
                              "targets": [{"name": "local", "mounts": ["/"]}]})
    assert hb("agent", "--config", path, "--once").returncode == 0
    for i, (config, message) in enumerate([
        ({"server": web_process, "api_key": user[1], "colour": "red"}, b"unknown key 'colour'"),
        ({"server": web_process}, b"the server and an API key are needed"),
        ({"server": web_process, "api_key": user[1], "thresholds": {"disk": 90}},
         b"thresholds.disk must be {max: n} or {min: n}"),
        ({"server": web_process, "api_key": user[1],
          "targets": [{"name": "db1", "host": "10.0.0.5", "port": "ssh"}]},
         b"target db1 port must be a number"),
    ]):
        done = hb("agent", "--config", write(tmp_path, f"bad{i}.yaml", **config), "--once")
        assert done.returncode == 1 and message in done.stderr, (config, done.stderr)
    done = hb("agent", "--config", path, "--once",
              env={"HB_URL": "unused"})  # the file's server wins over the environment
    assert done.returncode == 0
    wrong_key = write(tmp_path, "wrong.yaml", server=web_process, api_key="wrong",
                      targets=[{"name": "local", "mounts": ["/"]}])
    done = hb("agent", "--config", wrong_key, "--once")
    assert done.returncode == 1 and b"the API answered 401" in done.stderr


def test_without_once_it_reports_every_interval(app, web_process, user, tmp_path):
    path = write(tmp_path, server=web_process, api_key=user[1], interval=10,
                 targets=[{"name": "local", "mounts": ["/"]}])
    agent = subprocess.Popen([str(HB), "agent", "--config", path], stderr=subprocess.PIPE)
    try:
        def rounds() -> int:
            made = checks(web_process, user[1])
            return len(pings(web_process, user[1], made["local cpu"]["uuid"])) \
                if "local cpu" in made else 0
        wait_until(lambda: rounds() >= 2, timeout=30)  # the second round, ~10 s on
        assert agent.poll() is None  # still looping
    finally:
        agent.terminate()
        agent.wait(timeout=10)
