"""The embedded Valkey server used when neither REDIS_URL nor a local Redis is there."""

import os

import redis

from webapp.alerts.queue import start_embedded


def test_it_starts_one_embedded_server_per_instance_folder(tmp_path):
    url = start_embedded(tmp_path)
    try:
        assert url == f"unix://{tmp_path}/valkey.sock"
        conn = redis.Redis.from_url(url)
        assert conn.ping()
        conn.set("k", "v")
        # A second process starting up finds the running server and shares it.
        assert start_embedded(tmp_path) == url
        assert redis.Redis.from_url(url).get("k") == b"v"
    finally:
        os.kill(int((tmp_path / "valkey.pid").read_text()), 15)
