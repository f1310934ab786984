"""Asking before an action that cannot be undone.

With JavaScript, app.js shows the question in a dialog (from the form's
data-confirm attributes) and posts `confirmed=yes`. Without it, the first post
arrives unconfirmed and gets the same question on a page of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request


@dataclass(frozen=True)
class Confirm:
    title: str    # "Delete this check?"
    message: str  # what happens, in a sentence or two
    ok: str       # the button that goes ahead: "Delete"


def confirmed() -> bool:
    return request.form.get("confirmed") == "yes"


def confirm_page(confirm: Confirm, cancel_url: str, keep: list[tuple[str, str]] | None = None):
    """The question as a page; its button posts back to the same URL,
    confirmed, with the fields in `keep` (name, value) posted again."""
    return render_template("confirm.html", confirm=confirm, action=request.path,
                           cancel_url=cancel_url, keep=keep or [])
