"""Dependencies in the dashboard: the check form's Depends on picker, and the
check page's links to the checks it depends on and to those depending on it.
The API's side (and what is sent while a parent is down) is
tests/alerts/test_dependencies.py."""

import html as html_lib
import re

from browser_form import submitted

from support import field_error


def form_page(web, path: str) -> str:
    r = web.get(path)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def drawn(html: str) -> str:
    """The uuids the form says it drew as parents (its hidden depends_on_shown)."""
    tag = re.search(r'<input[^>]*name="depends_on_shown"[^>]*>', html)
    assert tag, "the form names no drawn parents"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


def offered(html: str) -> dict[str, tuple[str, bool]]:
    """The picker's options: uuid -> (name shown, whether it is selected)."""
    select = re.search(r'<select[^>]*id="depends_on"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no Depends on picker"
    options = re.finditer(r'<option([^>]*)>([^<]*)</option>', select.group(1))
    return {re.search(r'value="([^"]+)"', m.group(1)).group(1):
            (html_lib.unescape(m.group(2)), " selected" in m.group(1)) for m in options}


def edit(web, uuid: str, parents: list[str] | None, **changes: str):
    """Submit the edit form as the browser drew it, with `parents` chosen in
    the picker (None: as drawn) and `changes` typed over other fields."""
    path = f"/checks/{uuid}/edit"
    data = submitted(form_page(web, path), path, **changes)
    if parents is not None:
        data.setlist("depends_on", parents)
    return web.client.post(path, data=data)


def depends_on(api, uuid: str) -> list[str]:
    r = api("get", f"/checks/{uuid}")
    assert r.status_code == 200
    return r.get_json()["depends_on"]


def test_the_form_offers_the_other_checks_by_name_and_stores_the_chosen_parent(
        logged_in, api, new_check):
    host, db_ = new_check(name="backup-host"), new_check(name="db")
    app_ = new_check(name="app")
    page = form_page(logged_in, f"/checks/{app_}/edit")
    assert offered(page) == {host: ("backup-host", False), db_: ("db", False)}  # not itself
    assert set(drawn(page).split(",")) == {host, db_}
    hint = re.search(r'<p class="hint" id="depends_on-hint">([^<]+)</p>', page)
    assert hint and "the parent's alert lists them" in html_lib.unescape(hint.group(1))
    assert 'aria-describedby="depends-on-how depends_on-hint"' in page

    r = edit(logged_in, app_, [host])
    assert r.status_code == 302, r.get_data(as_text=True)
    assert depends_on(api, app_) == [host]
    # Drawn again with the parent chosen.
    assert offered(form_page(logged_in, f"/checks/{app_}/edit"))[host] == ("backup-host", True)


def test_clearing_the_choice_clears_the_parents(logged_in, api, new_check):
    host, db_ = new_check(name="backup-host"), new_check(name="db")
    app_ = new_check(name="app", depends_on=[host, db_])
    assert offered(form_page(logged_in, f"/checks/{app_}/edit")) == {
        host: ("backup-host", True), db_: ("db", True)}
    assert edit(logged_in, app_, None).status_code == 302  # saved as drawn: both kept
    assert depends_on(api, app_) == [host, db_]
    assert edit(logged_in, app_, [db_]).status_code == 302
    assert depends_on(api, app_) == [db_]
    assert edit(logged_in, app_, []).status_code == 302
    assert depends_on(api, app_) == []


def test_a_parent_the_form_did_not_draw_is_kept(logged_in, api, new_check):
    host = new_check(name="backup-host")
    app_ = new_check(name="app")
    page = form_page(logged_in, f"/checks/{app_}/edit")
    # Meanwhile, through the API: a new check, made app's parent.
    late = new_check(name="late-host")
    assert api("post", f"/checks/{app_}", json={"depends_on": [late]}).status_code == 200
    data = submitted(page, f"/checks/{app_}/edit", depends_on=host)
    assert logged_in.client.post(f"/checks/{app_}/edit", data=data).status_code == 302
    assert sorted(depends_on(api, app_)) == sorted([host, late])
    # A post naming no drawn list at all (a form of before the picker) leaves
    # the parents alone.
    data = submitted(page, f"/checks/{app_}/edit")
    data.pop("depends_on_shown")
    assert logged_in.client.post(f"/checks/{app_}/edit", data=data).status_code == 302
    assert sorted(depends_on(api, app_)) == sorted([host, late])


def test_a_loop_is_refused_on_the_field_by_name_and_changes_nothing(logged_in, api, new_check):
    host = new_check(name="backup-host")
    db_ = new_check(name="db", depends_on=[host])
    app_ = new_check(name="app", depends_on=[db_])
    r = edit(logged_in, host, [app_], tags="prod")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert field_error(page, "depends_on") == (
        "Would make a loop: backup-host → app → db → backup-host.")
    assert "Please correct the fields marked below." in page
    assert offered(page)[app_] == ("app", True)  # what was chosen stays chosen, to change
    check = api("get", f"/checks/{host}").get_json()
    assert (check["depends_on"], check["tags"]) == ([], "")
    assert (depends_on(api, db_), depends_on(api, app_)) == ([host], [db_])


def test_a_check_cannot_be_made_its_own_parent(logged_in, api, new_check):
    new_check(name="backup-host")
    app_ = new_check(name="app")
    r = edit(logged_in, app_, [app_], name="renamed")  # not offered; a hand-made post
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert field_error(page, "depends_on") == "A check cannot depend on itself."
    # The page drawn again names the check as stored, not as the refused post had it.
    assert f'<a href="/checks/{app_}">app</a>' in page
    check = api("get", f"/checks/{app_}").get_json()
    assert (check["name"], check["depends_on"]) == ("app", [])


def test_a_new_check_gets_its_parents_and_one_deleted_meanwhile_is_refused(
        logged_in, api, new_check):
    host, gone = new_check(name="backup-host"), new_check(name="old-host")
    new = logged_in.at("checks/new")
    page = form_page(logged_in, new)
    assert offered(page) == {host: ("backup-host", False), gone: ("old-host", False)}
    assert api("delete", f"/checks/{gone}").status_code == 200
    data = submitted(page, new, name="app")
    data.setlist("depends_on", [host, gone])
    r = logged_in.client.post(new, data=data)
    assert r.status_code == 422
    assert field_error(r.get_data(as_text=True), "depends_on") == (
        f"No check '{gone}' in this project.")
    assert [c["name"] for c in api("get", "/checks/").get_json()["checks"]] == ["backup-host"]

    data.setlist("depends_on", [host])
    r = logged_in.client.post(new, data=data)
    assert r.status_code == 302
    assert depends_on(api, r.headers["Location"].rsplit("/", 1)[1]) == [host]


def test_the_check_page_links_its_parents_and_the_checks_depending_on_it(logged_in, new_check):
    host, db_ = new_check(name="backup-host"), new_check(name="db")
    app_ = new_check(name="app", depends_on=[host, db_])
    report = new_check(name="report", depends_on=[app_])

    def link(uuid, name):
        return f'<a href="/checks/{uuid}">{name}</a>'

    page = logged_in.get(f"/checks/{app_}").get_data(as_text=True)
    assert (f"<dt>Depends on</dt><dd>{link(host, 'backup-host')}, {link(db_, 'db')}</dd>"
            in page)
    assert f"<dt>Checks that depend on it</dt><dd>{link(report, 'report')}</dd>" in page

    page = logged_in.get(f"/checks/{host}").get_data(as_text=True)
    assert f"<dt>Checks that depend on it</dt><dd>{link(app_, 'app')}</dd>" in page
    assert "<dt>Depends on</dt>" not in page

    page = logged_in.get(f"/checks/{report}").get_data(as_text=True)
    assert f"<dt>Depends on</dt><dd>{link(app_, 'app')}</dd>" in page
    assert "<dt>Checks that depend on it</dt>" not in page
