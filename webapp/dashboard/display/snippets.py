"""A check's push URLs in every form the server answers, and ready-to-paste snippets."""

from __future__ import annotations

from dataclasses import dataclass

from ...core.urls import ping_url, push_url
from ...web.urls import base_url


@dataclass(frozen=True)
class PushForm:
    key: str
    label: str
    url: str
    note: str


@dataclass(frozen=True)
class Snippet:
    key: str
    title: str
    code: str


def push_forms(uuid: str, slug: str = "", ping_key: str | None = None,
               push_token: str | None = None) -> list[PushForm]:
    """Each URL a job can call for this check, the ones this server serves;
    the push URL is built on the push token an imported check kept, if any."""
    base = base_url()
    url = push_url(base, push_token or uuid)
    note = ("GET, POST or HEAD. Add ?status=down to report a failure, "
            "&msg= for a message and &value= for a number.")
    if push_token:
        note += (" Its token is the one the imported monitor had, so the jobs keep"
                 f" their URL; {push_url(base, uuid)} reaches this check too."
                 " Rotating the token retires both.")
    forms = [
        PushForm("push", "Push URL (Uptime Kuma, Tianji)", url, note),
        PushForm("push-fail", "Report a failure", f"{url}?status=down&msg=failed",
                 "Puts the check down at once and alerts; the next success brings it back up."),
    ]
    forms.append(PushForm("ping", "Ping URL (Healthchecks)", ping_url(base, uuid),
                          "Append /fail for a failure, /start when a run begins, "
                          "or /<exit status> to report a script's exit code."))
    if slug and ping_key:
        forms.append(PushForm("ping-slug", "Ping URL by name (Healthchecks)",
                              ping_url(base, f"{ping_key}/{slug}"),
                              "The same, naming the check by its slug; the key is yours, "
                              "for all your checks."))
    if slug:
        forms.append(PushForm("legacy", "Report URL (original Heartbeats)",
                              f"{base}/api/pings/?service={slug}",
                              "With HTTP Basic auth (your email and an API key). "
                              "Add &data=<text> to report a failure with that text."))
    return forms


def push_snippets(url: str) -> list[Snippet]:
    """curl, Python, JavaScript, crontab and a shell wrapper, pre-filled with `url`."""
    return [
        Snippet("curl", "curl", "\n".join([
            f'curl -fsS -m 10 --retry 5 -o /dev/null "{url}"',
            f'curl -fsS -m 10 --retry 5 -o /dev/null "{url}?status=up&msg=OK&value=42"',
        ])),
        Snippet("python", "Python", "\n".join([
            "import requests",
            "",
            f'requests.post("{url}",',
            '              params={"status": "up", "msg": "OK"}, timeout=10)',
        ])),
        Snippet("javascript", "JavaScript", "\n".join([
            f'await fetch("{url}?status=up&msg=OK", {{ method: "POST" }});',
        ])),
        Snippet("crontab", "crontab", "\n".join([
            "# m h dom mon dow  command",
            f'30 2 * * *  /opt/backup.sh && curl -fsS -m 10 --retry 5 -o /dev/null "{url}"',
        ])),
        Snippet("shell", "Shell wrapper", "\n".join([
            "#!/bin/bash",
            "# Runs the job, then reports success or failure.",
            "./run-backup.sh",
            "if [ $? -eq 0 ]; then",
            f'  curl -fsS -m 10 --retry 5 -X POST "{url}?status=up&msg=backup-completed"',
            "else",
            f'  curl -fsS -m 10 --retry 5 -X POST "{url}?status=down&msg=backup-failed"',
            "fi",
        ])),
    ]
