"""`hb agent` over SSH against a real OpenSSH server (Debian's, started by the
test on 127.0.0.1): the facts come through one session per round with nothing
installed on the host; a host that cannot be reached, or refuses the key,
reports its checks down with why, not silence."""

from __future__ import annotations

import requests
import yaml

from support import free_port, hb


def write(tmp_path, file: str, **config) -> str:
    path = tmp_path / file
    path.write_text(yaml.safe_dump(config))
    return str(path)


def checks(web_process, key) -> dict[str, dict]:
    r = requests.get(f"{web_process}/api/v3/checks/", headers={"X-Api-Key": key}, timeout=10)
    return {c["name"]: c for c in r.json()["checks"]}


def last_msg(web_process, key, uuid) -> str:
    r = requests.get(f"{web_process}/api/v3/checks/{uuid}/pings/", headers={"X-Api-Key": key},
                     timeout=10)
    return r.json()["pings"][0]["msg"]


def test_a_host_is_read_over_ssh(app, web_process, user, sshd, tmp_path):
    port, key, _, login = sshd
    path = write(tmp_path, "agent.yaml", server=web_process, api_key=user[1], key=str(key),
                 known_hosts=str(tmp_path / "known_hosts"), thresholds={"disk": {"max": 99}},
                 targets=[{"name": "db1", "host": "127.0.0.1", "port": port, "user": login,
                           "processes": ["sshd", "no-such-daemon"], "mounts": ["/"]}])
    done = hb("agent", "--config", path, "--once")
    assert done.returncode == 0, done.stderr
    made = checks(web_process, user[1])
    assert set(made) == {"db1 cpu", "db1 load", "db1 memory", "db1 swap", "db1 disk /",
                         "db1 inodes /", "db1 process sshd", "db1 process no-such-daemon"}
    assert made["db1 disk /"]["tags"] == "agent host:db1 metric:disk"
    assert made["db1 disk /"]["value_max"] == 99.0 and made["db1 disk /"]["status"] == "up"
    assert made["db1 process sshd"]["status"] == "up"
    assert made["db1 process no-such-daemon"]["status"] == "down"
    assert "127.0.0.1" in (tmp_path / "known_hosts").read_text()  # remembered, as accept-new
    # Every mounted disk, when the file names none: found on the host.
    path = write(tmp_path, "all.yaml", server=web_process, api_key=user[1], key=str(key),
                 known_hosts=str(tmp_path / "known_hosts"),
                 targets=[{"name": "db2", "host": "127.0.0.1", "port": port, "user": login}])
    assert hb("agent", "--config", path, "--once").returncode == 0
    assert "db2 disk /" in checks(web_process, user[1])


def test_a_host_that_cannot_be_reached_reports_its_checks_down(app, web_process, user, sshd,
                                                               tmp_path):
    port, key, other_key, login = sshd
    target = {"name": "db1", "host": "127.0.0.1", "port": port, "user": login,
              "mounts": ["/"]}
    common = {"server": web_process, "api_key": user[1],
              "known_hosts": str(tmp_path / "known_hosts")}
    assert hb("agent", "--config", write(tmp_path, "ok.yaml", **common, key=str(key),
                                         targets=[target]), "--once").returncode == 0
    # A wrong key: every check of the host goes down, saying why.
    done = hb("agent", "--config", write(tmp_path, "wrong.yaml", **common, key=str(other_key),
                                         targets=[target]), "--once")
    assert done.returncode == 0, done.stderr
    made = checks(web_process, user[1])
    assert {c["status"] for c in made.values()} == {"down"}
    assert last_msg(web_process, user[1], made["db1 disk /"]["uuid"]) == (
        f"cannot reach 127.0.0.1:{port}: the key was refused")
    # Nothing listening: the connection's error.
    closed = {**target, "name": "db3", "port": free_port()}
    done = hb("agent", "--config", write(tmp_path, "closed.yaml", **common, key=str(key),
                                         targets=[closed]), "--once")
    assert done.returncode == 0, done.stderr
    made = checks(web_process, user[1])
    assert made["db3 cpu"]["status"] == "down"
    assert "cannot reach 127.0.0.1" in last_msg(web_process, user[1], made["db3 cpu"]["uuid"])
