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


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html" or response.status_code == 204:
            # One URL answers with a whole page or, to htmx, a fragment: caches
            # must keep the two apart.
            response.vary.add("HX-Request")
        return response
