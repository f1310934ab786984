"""Response headers every page gets: a strict Content-Security-Policy and friends.

The dashboard needs no inline script or style and talks only to its own
origin (htmx is vendored, no CDN, no external fonts), so the policy can say
exactly that; an injected <script> or style attribute is refused by the browser.
"""

from flask import Flask, Response

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


# Sent only when the site is served over https: browsers then refuse plain
# http for it for a year (not for subdomains, which may be other services).
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def served_over_https(app: Flask) -> bool:
    config = app.config
    return bool(config["SESSION_COOKIE_SECURE"]) or config["BASE_URL"].startswith("https://")


def headers_for(app: Flask) -> tuple[tuple[str, str], ...]:
    """The headers every answer of this app gets, Flask's and the ping door's."""
    return (*HEADERS, HSTS) if served_over_https(app) else HEADERS


def init_app(app: Flask) -> None:
    # Cookies that can be sent over plain http would give the session away to
    # anyone on the path, when the site itself is https.
    secure = served_over_https(app)
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    every_answer = headers_for(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        # A view may set its own; one pass over the headers rather than one
        # lookup per name, as every response comes through here.
        present = set(headers.keys(lower=True))
        for name, value in every_answer:
            if name.lower() not in present:
                headers.add(name, value)
        if response.mimetype == "text/html" or response.status_code == 204:
            # One URL answers with a whole page or, to htmx, a fragment: caches
            # must keep the two apart.
            response.vary.add("HX-Request")
        return response
