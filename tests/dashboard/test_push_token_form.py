"""The check form's push token: a user migrating a Kuma or Tianji monitor by
hand keeps its token, so the job changes only the host."""

import pytest

from support import NAME_ONLY, field_error, load_check

TOKEN = "hV3kQ9xLmP2sT7wZ4bN8cR1dF6gJ0yEa"


def edit(web, uuid: str, **changes):
    return web.post(f"/checks/{uuid}/edit", {**NAME_ONLY, **changes},
                    token_from=f"/checks/{uuid}/edit")


def test_a_new_check_keeps_the_token_typed_in(logged_in, app):
    r = logged_in.post(logged_in.at("checks/new"), {**NAME_ONLY, "push_token": f" {TOKEN} "})
    assert r.status_code == 302
    uuid = r.headers["Location"].rsplit("/", 1)[1]
    assert load_check(app, uuid).push_token == TOKEN
    assert logged_in.get(f"/api/push/{TOKEN}?status=up").status_code == 200


def test_the_details_page_shows_the_push_url_built_on_it(logged_in, new_check):
    uuid = new_check(push_token=TOKEN)
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    url = f"http://hb.test/api/push/{TOKEN}"
    assert f'<code id="url-push" class="copy-text">{url}</code>' in html
    assert f"http://hb.test/api/push/{uuid} reaches this check too" in html
    assert f"curl -fsS -m 10 --retry 5 -o /dev/null &#34;{url}&#34;" in html  # the snippets too
    assert f'<code id="url-ping" class="copy-text">http://hb.test/ping/{uuid}</code>' in html


def test_the_edit_form_shows_sets_and_clears_it(logged_in, app, new_check):
    uuid = new_check(push_token=TOKEN)
    assert f'value="{TOKEN}"' in logged_in.get(f"/checks/{uuid}/edit").get_data(as_text=True)
    assert edit(logged_in, uuid, push_token="tianji-token_16c").status_code == 302
    assert load_check(app, uuid).push_token == "tianji-token_16c"
    assert edit(logged_in, uuid, push_token="").status_code == 302
    assert load_check(app, uuid).push_token is None
    assert logged_in.get("/api/push/tianji-token_16c").status_code == 404


@pytest.mark.parametrize("token, needle", [("a/b", "may contain only"),
                                           ("x" * 129, "1 to 128 characters")])
def test_a_token_that_cannot_be_a_url_is_refused_on_the_field(logged_in, app, new_check,
                                                              token, needle):
    uuid = new_check()
    r = edit(logged_in, uuid, push_token=token)
    assert r.status_code == 422
    assert needle in field_error(r.get_data(as_text=True), "push_token")
    assert load_check(app, uuid).push_token is None


def test_a_token_another_check_has_is_refused_on_the_form(logged_in, app, new_check):
    new_check(name="first", push_token=TOKEN)
    second = new_check(name="second")
    r = edit(logged_in, second, push_token=TOKEN)
    assert r.status_code == 422 and "already in use by another check" in r.get_data(as_text=True)
    assert load_check(app, second).push_token is None


def test_rotating_from_the_dashboard_retires_the_kept_token(logged_in, new_check):
    uuid = new_check(push_token=TOKEN)
    r = logged_in.post(f"/checks/{uuid}/rotate", {"confirmed": "yes"}, token_from=f"/checks/{uuid}")
    new = r.headers["Location"].rsplit("/", 1)[1]
    assert logged_in.get(f"/api/push/{TOKEN}").status_code == 404
    html = logged_in.get(f"/checks/{new}").get_data(as_text=True)
    assert f'<code id="url-push" class="copy-text">http://hb.test/api/push/{new}</code>' in html
