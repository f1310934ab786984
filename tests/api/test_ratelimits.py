"""The API is limited per key, and calls with a wrong key per client address."""


from support import make_user


def test_each_key_has_its_own_budget_across_the_whole_api(app, api, limits):
    limits(RATELIMIT_API="4 per minute")
    codes = [api("get", path).status_code
             for path in ("/checks/", "/channels/", "/checks/", "/channels/")]
    assert codes == [200] * 4
    r = api("get", "/checks/")
    assert r.status_code == 429
    body = r.get_json()
    wait = int(r.headers["Retry-After"])
    assert 50 <= wait <= 61 and body["error"].endswith(f"try again in {wait} s")
    _, other_key = make_user(app, "bob@example.com")
    assert api("get", "/checks/", key=other_key).status_code == 200


def test_wrong_keys_from_one_address_are_stopped(api, limits):
    limits(RATELIMIT_API_WRONG_KEY="3 per minute")
    answers = [api("get", "/checks/", key=f"hb_guess{i}") for i in range(5)]
    assert [r.status_code for r in answers] == [401, 401, 401, 429, 429]
    assert 50 <= int(answers[-1].headers["Retry-After"]) <= 61


def test_the_default_limits_never_slow_a_busy_script(api):
    """A script polling twice a second for a minute stays far below 1200/minute."""
    assert all(api("get", "/checks/").status_code == 200 for _ in range(120))


def test_a_key_in_the_json_body_has_its_own_budget_too(app, user, limits, client):
    """Healthchecks takes `api_key` in a JSON body: such calls were all counted
    under one empty key, so one script's calls used up every other's budget."""
    limits(RATELIMIT_API="2 per minute")
    _, other_key = make_user(app, "bob@example.com")

    def create(key: str, name: str) -> int:
        return client.post("/api/v3/checks/", json={"api_key": key, "name": name}).status_code

    assert [create(other_key, n) for n in ("a", "b", "c")] == [201, 201, 429]
    assert create(user[1], "d") == 201  # alice's key, in her body, is not bob's budget
