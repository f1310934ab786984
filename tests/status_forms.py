"""Status pages made the way a person makes them: through the settings form
(shared by tests/public, tests/dashboard and tests/browser)."""

from __future__ import annotations

import re

FORM_ROW = re.compile(r'name="(checks-\d+)-check"[^>]*value="([^"]+)"')


def form_rows(html: str) -> dict[str, str]:
    """uuid -> the prefix of its row ("checks-3") in a status page form."""
    return {uuid: prefix for prefix, uuid in FORM_ROW.findall(html)}


def form_data(html: str, *, title: str, slug: str = "", description: str = "",
              tz: str = "UTC", tags: str = "", checks: dict[str, str] | None = None,
              names_only: dict[str, str] | None = None) -> dict[str, str]:
    """What the browser posts: `checks` ticked (uuid -> public name, "" for
    its own name); `names_only` given a public name but left unticked."""
    data = {"title": title, "slug": slug, "description": description, "tz": tz, "tags": tags}
    for uuid, prefix in form_rows(html).items():
        data[f"{prefix}-check"] = uuid
        if checks and uuid in checks:
            data[f"{prefix}-shown"] = "y"
            data[f"{prefix}-public_name"] = checks[uuid]
        elif names_only and uuid in names_only:
            data[f"{prefix}-public_name"] = names_only[uuid]
    return data


def make_status_page(web, code: str, **fields):
    """Post the new-page form as drawn for `code`'s project; the answer."""
    new = f"/projects/{code}/status-pages/new"
    html = web.get(new).get_data(as_text=True)
    return web.post(f"/projects/{code}/status-pages/", form_data(html, **fields), token_from=new)


def edit_status_page(web, code: str, page_id: int, **fields):
    url = f"/projects/{code}/status-pages/{page_id}/edit"
    html = web.get(url).get_data(as_text=True)
    return web.post(url, form_data(html, **fields), token_from=url)
