"""What a browser submits for a page's form, unchanged: its form data set, read
from the HTML as the HTML standard builds it (checked boxes and radios only,
each select's selected options or else its first, disabled controls left out,
a text area's line breaks sent as CRLF). For tests that save a form back as
drawn and look at what was kept."""

from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, action: str | None):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.pairs: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.inside = self.action is None or a.get("action") == self.action
            return
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in SKIPPED_TYPES or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self.pairs.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self.select["multiple"]:
                chosen = options[:1]
            for o in chosen:
                value = o["text"].strip() if o["value"] is None else o["value"]
                self.pairs.append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A page's CRLF and CR are LF to a browser, which then drops the
            # newline just after <textarea> and sends each line break as CRLF.
            text = self.textarea["text"].replace("\r\n", "\n").replace("\r", "\n")
            text = text.removeprefix("\n").replace("\n", "\r\n")
            self.pairs.append((self.textarea["name"], text))
            self.textarea = None


def submitted(html: str, action: str | None = None, **changes: str) -> MultiDict:
    """The data a browser posts for the page's first POST form (or the one with
    this action), with `changes` typed over the fields they name."""
    reader = _FormReader(action)
    reader.feed(html)
    data = MultiDict(reader.pairs)
    assert data, "no POST form on the page"
    for name, value in changes.items():
        data.setlist(name, [value])
    return data
