"""CORS for the management API, as Healthchecks' `cors` decorator (hc/api/decorators.py):
browser code on any site may call it with an API key.

Every answer under /api/v<n>/ carries `Access-Control-Allow-Origin: *`, errors
too (a 401 or 404 the browser hides from the page helps no one), and the
status endpoint's. A preflight (OPTIONS) is a 204 naming the URL's methods and
the headers a call may send: X-Api-Key, and Content-Type for a JSON body.
Credentials are never involved (no cookies: the key is the credential), so
`*` is safe.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

API_PATH = re.compile(r"/api/v\d+/")
ALLOW_HEADERS = "X-Api-Key, Content-Type"
MAX_AGE = "600"  # Healthchecks' value: browsers may reuse a preflight for ten minutes


def cors_headers(response: Response) -> Response:
    if not API_PATH.match(request.path):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS" and response.status_code == 200:
        # Flask's automatic answer to OPTIONS: its Allow header lists the URL's
        # methods. A preflight's answer has no body, hence 204 (as Healthchecks).
        methods = response.headers.get("Allow", "")
        response.status_code = 204
        response.set_data(b"")
        response.headers["Access-Control-Allow-Methods"] = methods
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = MAX_AGE
    return response


def init_app(app: Flask) -> None:
    # On the app, not the blueprint: a URL no route matches (404), a method a
    # route does not take (405) and /api/v<n>/status/ are answered outside it.
    app.after_request(cors_headers)
