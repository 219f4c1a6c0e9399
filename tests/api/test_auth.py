"""API keys, roles, tenant isolation, console sessions and CSRF, open mode, and `oversight keys`."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.auth import SESSION_COOKIE, hash_secret, new_key, parse_key
from service.cli import app as cli
from service.main import create_app
from service.settings import Settings
from tests.api._helpers import SAFE_EDIT, URGENT, bearer, call, escalate, make_key, state
from tests.audit._helpers import mixed_sessions

STATIC = Path(__file__).resolve().parents[2] / "service" / "console"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def keys(client: TestClient) -> dict[str, str]:
    """client / reviewer / admin keys for tenants acme and globex."""
    return {
        f"{tenant}:{role}": make_key(client, tenant, role, name=f"{role}@{tenant}")
        for tenant in ("acme", "globex")
        for role in ("client", "reviewer", "admin")
    }


# -- keys ---------------------------------------------------------------------------------------------
def test_a_key_is_stored_as_a_salted_hash_only() -> None:
    key, record = new_key("acme", "client")
    _, record2 = new_key("acme", "client")
    parsed = parse_key(key)
    assert parsed is not None and parsed[0] == record.key_id
    secret = parsed[1]
    assert secret.encode() not in record.hash and secret.encode() not in record.salt
    assert record.salt != record2.salt
    assert hash_secret(secret, record.salt) == record.hash
    assert hash_secret(secret + "x", record.salt) != record.hash


def test_requests_without_a_valid_key_are_refused_once_keys_exist(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/v1/escalations").status_code == 401
    assert client.post("/v1/reviews", json=URGENT).status_code == 401
    bad = client.get("/v1/escalations", headers=bearer(keys["acme:reviewer"][:-2] + "xx"))
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    assert client.get("/v1/escalations", headers=bearer("not-a-key")).status_code == 401
    assert client.get("/v1/escalations", headers={"authorization": "Basic abc"}).status_code == 401
    assert client.get("/v1/escalations", headers=bearer(keys["acme:reviewer"])).status_code == 200
    assert client.get("/healthz").status_code == 200  # ops endpoints stay open


@pytest.mark.parametrize(
    ("method", "path", "body", "ctype", "checked"),
    [
        ("POST", "/v1/reviews", b'{"output":', "application/json", (422, "json_invalid")),
        ("POST", "/v1/keys", b"x", "text/plain", (415, "unsupported_media_type")),
        ("PUT", "/v1/drift/pins", b'{"a": 1, "a": 2}', "application/json", (422, "json_duplicate_key")),
        ("POST", "/v1/escalations/esc_x/resolve", b'{"action": "approve"} trailing', "application/json",
         (422, "json_invalid")),
    ],
)
def test_a_caller_without_a_key_gets_401_before_anything_about_its_body(
    client: TestClient, keys: dict[str, str], method: str, path: str, body: bytes, ctype: str,
    checked: tuple[int, str],
) -> None:
    # before: the body checks (415/422) answered first, and parsed up to the body limit for anyone
    anonymous = client.request(method, path, content=body, headers={"content-type": ctype})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthorized"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    admin = client.request(method, path, content=body, headers={"content-type": ctype, **bearer(keys["acme:admin"])})
    assert (admin.status_code, admin.json()["error"]["code"]) == checked


def test_roles(client: TestClient, keys: dict[str, str]) -> None:
    acme_client, acme_reviewer, acme_admin = (bearer(keys[f"acme:{r}"]) for r in ("client", "reviewer", "admin"))
    decision = escalate(client, acme_client)
    url = f"/v1/escalations/{decision['escalation_id']}"

    # a client submits and reads its reviews, but cannot see or resolve escalations
    assert client.get(f"/v1/reviews/{decision['review_id']}", headers=acme_client).status_code == 200
    assert client.get("/v1/escalations", headers=acme_client).status_code == 403
    assert client.get(url, headers=acme_client).status_code == 403
    assert client.post(f"{url}/resolve", json={"action": "approve"}, headers=acme_client).status_code == 403
    # a reviewer cannot submit reviews or manage keys
    assert client.post("/v1/reviews", json=URGENT, headers=acme_reviewer).status_code == 403
    assert client.post("/v1/keys", json={"role": "admin"}, headers=acme_reviewer).status_code == 403
    assert client.get("/v1/keys", headers=acme_reviewer).status_code == 403
    assert client.post("/v1/keys", json={"role": "client"}, headers=acme_client).status_code == 403
    # the reviewer resolves, named by its key
    final = client.post(f"{url}/resolve", json={"action": "block"}, headers=acme_reviewer).json()
    assert final["escalation"]["resolved_by"] == "reviewer@acme"
    # sending a callback again is the admin's (404 here: the review had no callback_url)
    assert client.post(f"{url}/callback", headers=acme_reviewer).status_code == 403
    assert client.post(f"{url}/callback", headers=acme_client).status_code == 403
    assert client.post(f"{url}/callback", headers=acme_admin).status_code == 404
    # an admin can do everything, including keys
    created = client.post("/v1/keys", json={"role": "client", "name": "ci"}, headers=acme_admin)
    assert created.status_code == 201
    body = created.json()
    assert body["tenant"] == "acme" and body["key"].startswith("ovs_")
    assert client.get("/v1/reviews/" + decision["review_id"], headers=bearer(body["key"])).status_code == 200
    listed = client.get("/v1/keys", headers=acme_admin).json()
    assert body["key_id"] in {k["key_id"] for k in listed} and all("key" not in k for k in listed)
    # times as every other resource gives them: ISO 8601 in UTC, not epoch seconds
    made = datetime.fromisoformat(body["created_at"])
    assert made.utcoffset() == timedelta(0) and abs(datetime.now(UTC) - made) < timedelta(minutes=5)
    assert body["revoked_at"] is None
    assert client.delete(f"/v1/keys/{body['key_id']}", headers=acme_admin).status_code == 204
    gone = next(k for k in client.get("/v1/keys", headers=acme_admin).json() if k["key_id"] == body["key_id"])
    assert datetime.fromisoformat(gone["revoked_at"]) >= made
    assert client.get("/v1/reviews/" + decision["review_id"], headers=bearer(body["key"])).status_code == 401


def test_audits_are_started_cancelled_and_resumed_by_client_and_admin_keys_only(
    client: TestClient, keys: dict[str, str]
) -> None:
    # An audit reviews every turn with the reviewer, as a client's reviews do: a reviewer key (a person working the
    # inbox) may read the tenant's audits but not start, cancel or resume one.
    acme = {r: bearer(keys[f"acme:{r}"]) for r in ("client", "reviewer", "admin")}
    upload = b"".join(json.dumps(s).encode() + b"\n" for s in mixed_sessions(1))
    ndjson = {"content-type": "application/x-ndjson"}
    refused = client.post("/v1/audits", content=upload, headers={**acme["reviewer"], **ndjson})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    job = client.post("/v1/audits", content=upload, headers={**acme["client"], **ndjson})
    assert job.status_code == 202, job.text
    url = f"/v1/audits/{job.json()['id']}"
    for action in ("cancel", "resume"):
        assert client.post(f"{url}/{action}", headers=acme["reviewer"]).status_code == 403
    assert client.get(url, headers=acme["reviewer"]).status_code == 200
    for role in ("client", "admin"):
        assert client.post(f"{url}/cancel", headers=acme[role]).status_code in (200, 409)
        assert client.post(f"{url}/resume", headers=acme[role]).status_code in (200, 409)


def test_no_cross_tenant_read_or_write_on_any_endpoint(client: TestClient, keys: dict[str, str]) -> None:
    acme = {r: bearer(keys[f"acme:{r}"]) for r in ("client", "reviewer", "admin")}
    globex = {r: bearer(keys[f"globex:{r}"]) for r in ("client", "reviewer", "admin")}
    decision = escalate(client, acme["client"], id="order-1")
    review_id, esc = decision["review_id"], decision["escalation_id"]

    for role in ("client", "reviewer", "admin"):
        assert client.get(f"/v1/reviews/{review_id}", headers=globex[role]).status_code == 404
        assert client.get(f"/v1/actions/reviews/{review_id}", headers=globex[role]).status_code == 404
    for role in ("reviewer", "admin"):
        h = globex[role]
        assert client.get("/v1/escalations", headers=h).json()["items"] == []
        assert client.get("/v1/escalations", params={"status": "all"}, headers=h).json()["items"] == []
        assert client.get("/v1/escalations", params={"tenant": "acme"}, headers=h).status_code == 403
        assert client.get(f"/v1/escalations/{esc}", headers=h).status_code == 404
        assert client.post(f"/v1/escalations/{esc}/resolve", json={"action": "approve"}, headers=h).status_code == 404
    # the same idempotency key in another tenant is another review
    other = client.post("/v1/reviews", json={**URGENT, "id": "order-1"}, headers=globex["client"]).json()
    assert other["review_id"] != review_id
    # keys: an admin sees and manages its own tenant's only
    acme_key_ids = {k["key_id"] for k in client.get("/v1/keys", headers=acme["admin"]).json()}
    globex_listing = client.get("/v1/keys", headers=globex["admin"]).json()
    assert {k["tenant"] for k in globex_listing} == {"globex"} and not acme_key_ids & {
        k["key_id"] for k in globex_listing
    }
    assert client.delete(f"/v1/keys/{next(iter(acme_key_ids))}", headers=globex["admin"]).status_code == 404
    assert client.post("/v1/keys", json={"role": "admin", "tenant": "acme"}, headers=globex["admin"]).status_code == 403
    # audits: a job, its report and its results are the tenant's own, also for another tenant's admin key
    upload = b"".join(json.dumps(s).encode() + b"\n" for s in mixed_sessions(1))
    job = client.post("/v1/audits", content=upload, headers={**acme["admin"], "content-type": "application/x-ndjson"})
    assert job.status_code == 202, job.text
    for path in ("", "/report", "/report?format=csv", "/results"):
        url = f"/v1/audits/{job.json()['id']}{path}"
        for role in ("client", "reviewer", "admin"):  # before: a globex admin read acme's logged sessions
            assert client.get(url, headers=globex[role]).status_code == 404, (url, role)
        assert client.get(url, headers=acme["admin"]).status_code in (200, 409), url
    # and acme's own reviewer still sees and resolves it
    assert [i["escalation_id"] for i in client.get("/v1/escalations", headers=acme["reviewer"]).json()["items"]] == [
        esc
    ]
    ok = client.post(
        f"/v1/escalations/{esc}/resolve", json={"action": "edit", "output": SAFE_EDIT}, headers=acme["reviewer"]
    )
    assert ok.status_code == 200
    assert client.get(f"/v1/reviews/{review_id}", headers=globex["admin"]).status_code == 404


# -- console sessions ---------------------------------------------------------------------------------
def _login(client: TestClient, key: str) -> dict[str, Any]:
    response = client.post("/console/api/login", json={"key": key})
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert (
        f"{SESSION_COOKIE}=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    body: dict[str, Any] = response.json()
    return body


def test_console_login_exchanges_a_key_for_a_cookie_session_with_csrf(client: TestClient, keys: dict[str, str]) -> None:
    decision = escalate(client, bearer(keys["acme:client"]))
    assert client.get("/console/api/session").status_code == 401
    session = _login(client, keys["acme:reviewer"])
    assert session["tenant"] == "acme" and session["role"] == "reviewer" and session["csrf"]
    assert client.get("/console/api/session").json()["csrf"] == session["csrf"]

    # reads work with the cookie alone; writes need the CSRF token, from the same origin
    assert len(client.get("/v1/escalations").json()["items"]) == 1
    url = f"/v1/escalations/{decision['escalation_id']}/resolve"
    assert client.post(url, json={"action": "block"}).status_code == 403
    assert client.post(url, json={"action": "block"}, headers={"x-csrf-token": "wrong"}).status_code == 403
    cross = {"x-csrf-token": session["csrf"], "origin": "https://evil.example"}
    refused = client.post(url, json={"action": "block"}, headers=cross)
    assert refused.status_code == 403 and "cross-site" in refused.json()["error"]["message"]  # not "wrong token"
    same = {"x-csrf-token": session["csrf"], "origin": "http://testserver"}
    assert client.post(url, json={"action": "block"}, headers=same).status_code == 200

    # log out: the cookie stops working
    assert client.post("/console/api/logout", headers={"x-csrf-token": session["csrf"]}).status_code == 204
    client.cookies.clear()
    assert client.get("/v1/escalations").status_code == 401


def test_console_refuses_client_keys_and_bad_keys(client: TestClient, keys: dict[str, str]) -> None:
    assert client.post("/console/api/login", json={"key": keys["acme:client"]}).status_code == 403
    assert client.post("/console/api/login", json={"key": "ovs_0000000000000000_nope"}).status_code == 401
    assert SESSION_COOKIE not in client.cookies


def test_revoking_a_key_ends_its_console_sessions(client: TestClient, keys: dict[str, str]) -> None:
    _login(client, keys["acme:reviewer"])
    assert client.get("/v1/escalations").status_code == 200
    key_id = parse_key(keys["acme:reviewer"])[0]  # type: ignore[index]
    assert client.delete(f"/v1/keys/{key_id}", headers=bearer(keys["acme:admin"])).status_code == 204
    assert client.get("/v1/escalations").status_code == 401


def test_console_is_served_without_any_cdn(client: TestClient) -> None:
    page = client.get("/console")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for name, kind in (("app.js", "javascript"), ("app.css", "css")):
        asset = client.get(f"/console/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"]
    for path in STATIC.iterdir():
        text = path.read_text()
        assert not re.search(r"https?://|(src|href|url)\(?=?[\"']?//", text), path.name  # nothing off-site


# -- open mode ----------------------------------------------------------------------------------------
def test_without_keys_the_service_is_open_on_localhost_only(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings)) as local:
        assert "RUNNING OPEN" in caplog.text
        decision = escalate(local)
        assert local.get("/v1/escalations").status_code == 200
        assert local.get("/console/api/session").json()["open"] is True
        cross = local.post(
            f"/v1/escalations/{decision['escalation_id']}/resolve",
            json={"action": "approve"},
            headers={"origin": "https://evil.example"},
        )
        assert cross.status_code == 403  # a web page cannot drive the open local service
    with TestClient(create_app(settings), client=("203.0.113.9", 4242)) as remote:
        refused = remote.get("/v1/escalations")
        assert refused.status_code == 401 and "localhost" in refused.json()["error"]["message"]
        assert remote.post("/v1/reviews", json=URGENT).status_code == 401


def test_open_mode_refuses_requests_addressed_to_another_name(settings: Settings) -> None:
    # DNS rebinding: a page on rebind.evil.example, its name rebound to 127.0.0.1, sends a loopback client
    # address and a matching Origin; only its Host names it. It read the inbox, approved escalations and created
    # the first admin key (locking the developer out).
    with TestClient(create_app(settings)) as c:
        decision = escalate(c)
        evil = {"host": "rebind.evil.example:8000", "origin": "http://rebind.evil.example:8000"}
        listed = c.get("/v1/escalations", headers=evil)
        assert listed.status_code == 403 and "rebound" in listed.json()["error"]["message"]
        url = f"/v1/escalations/{decision['escalation_id']}/resolve"
        assert c.post(url, json={"action": "approve"}, headers=evil).status_code == 403
        assert c.post("/v1/keys", json={"role": "admin", "name": "attacker"}, headers=evil).status_code == 403
        assert c.get("/v1/reviews/" + decision["review_id"], headers={"host": "10.0.0.5:8000"}).status_code == 403
        for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "console.localhost", "127.0.0.1"):
            assert c.get("/v1/escalations", headers={"host": host}).json()["items"], host
        assert c.get("/v1/escalations/" + decision["escalation_id"]).json()["status"] == "pending"
        assert c.get("/v1/keys").json() == []


def test_the_first_key_turns_open_mode_off(settings: Settings) -> None:
    with TestClient(create_app(settings)) as c:
        created = c.post("/v1/keys", json={"role": "admin", "tenant": "acme", "name": "ops"}).json()
        assert c.get("/v1/escalations").status_code == 401
        assert c.get("/v1/escalations", headers=bearer(created["key"])).status_code == 200


# -- CLI ----------------------------------------------------------------------------------------------
def test_cli_keys_create_prints_the_key_alone_and_it_works(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "reviewer", "--name", "ana"])
    assert created.exit_code == 0, created.output
    lines = created.stdout.splitlines()
    assert len(lines) == 1 and parse_key(lines[0]) is not None
    key = lines[0]
    key_id, secret = parse_key(key)  # type: ignore[misc]

    listed = runner.invoke(cli, ["keys", "list"])
    # (the whole secret: it may hold "_", and a one-letter tail of it can well be in the listing)
    assert key_id in listed.stdout and "reviewer" in listed.stdout and secret not in listed.stdout
    with TestClient(create_app(settings)) as c:
        assert c.get("/v1/escalations", headers=bearer(key)).status_code == 200
    assert runner.invoke(cli, ["keys", "revoke", key_id]).exit_code == 0
    with TestClient(create_app(settings)) as c:
        assert c.get("/v1/escalations", headers=bearer(key)).status_code == 401
    assert runner.invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "root"]).exit_code == 2


def test_a_key_revoked_from_the_cli_stops_working_on_a_running_service_at_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-request key lookups read the database the CLI writes: no cached or stale answer."""
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    with TestClient(create_app(settings)) as c:
        assert c.get("/v1/escalations").status_code == 200  # open mode: no key yet
        created = runner.invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "reviewer"])
        key = created.stdout.strip()
        assert c.get("/v1/escalations").status_code == 401  # the first key, made elsewhere, ends open mode
        for _ in range(3):
            assert c.get("/v1/escalations", headers=bearer(key)).status_code == 200
        revoked = runner.invoke(cli, ["keys", "revoke", parse_key(key)[0]])  # type: ignore[index]
        assert revoked.exit_code == 0
        assert c.get("/v1/escalations", headers=bearer(key)).status_code == 401
        # no active key left: still closed, not open to every local caller as admin (product QA: revoking the last
        # key, say after a leak, silently reopened the service); the CLI says so
        assert c.get("/v1/escalations").status_code == 401
        assert c.get("/console/api/session").status_code == 401
        assert "that was the last active key" in revoked.stderr and "does not go back to open mode" in revoked.stderr
        # a new key opens it again for its holder
        fresh = runner.invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "reviewer"]).stdout.strip()
        assert c.get("/v1/escalations", headers=bearer(fresh)).status_code == 200


def test_an_address_with_too_many_failed_key_checks_gets_429_but_verified_keys_keep_working(
    settings: Settings,
) -> None:
    limited = settings.model_copy(update={"auth_failures_per_minute": 3})
    with TestClient(create_app(limited)) as c:
        reviewer = make_key(c, "acme", "reviewer")
        admin = make_key(c, "acme", "admin")
        assert c.get("/v1/escalations", headers=bearer(reviewer)).status_code == 200  # verified once
        wrong = reviewer[:-2] + ("xx" if not reviewer.endswith("xx") else "yy")
        statuses = [c.post("/console/api/login", json={"key": wrong}).status_code for _ in range(3)]
        statuses.append(c.get("/v1/escalations", headers=bearer(wrong)).status_code)
        assert statuses == [401, 401, 401, 429]
        throttled = c.post("/console/api/login", json={"key": admin})  # a right key, never verified here
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
        assert throttled.json()["error"]["code"] == "too_many_requests"
        assert c.get("/v1/escalations", headers=bearer(reviewer)).status_code == 200  # already verified


def test_simultaneous_key_checks_run_scrypt_once_per_key_and_at_most_the_limit_for_wrong_ones(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from service import auth as auth_module
    from service.errors import TooManyRequests, Unauthorized

    runs: list[bytes] = []
    real_hash = auth_module.hash_secret

    def counting_hash(secret: str, salt: bytes) -> bytes:
        runs.append(salt)
        return real_hash(secret, salt)

    monkeypatch.setattr(auth_module, "hash_secret", counting_hash)
    limited = settings.model_copy(update={"auth_failures_per_minute": 3})
    with TestClient(create_app(limited)) as c:
        reviewer = make_key(c, "acme", "reviewer")
        authenticator = c.app.state.authenticate  # type: ignore[attr-defined]

        async def burst(tokens: list[str], address: str) -> list[object]:
            checks = (authenticator.verify_key(t, address) for t in tokens)
            return list(await asyncio.gather(*checks, return_exceptions=True))

        # 40 first requests with a right key at once: one scrypt, all answered
        runs.clear()
        answers = c.portal.call(burst, [reviewer] * 40, "10.0.0.1")  # type: ignore[union-attr]
        assert len(runs) == 1 and all(getattr(a, "role", None) == "reviewer" for a in answers)
        # 40 requests with one wrong secret at once: one scrypt, all refused
        runs.clear()
        wrong = reviewer[:-2] + ("xx" if not reviewer.endswith("xx") else "yy")
        answers = c.portal.call(burst, [wrong] * 40, "10.0.0.2")  # type: ignore[union-attr]
        assert len(runs) == 1 and all(isinstance(a, Unauthorized) for a in answers)
        # 40 different wrong secrets at once: scrypt runs up to the limit (3, one failure already counted); the
        # rest are 429 without it (before: all 40 ran scrypt, the limit only counted finished failures)
        runs.clear()
        prefix = reviewer.rsplit("_", 1)[0]
        guesses = [f"{prefix}_guess{i:02d}" + "x" * 36 for i in range(40)]
        answers = c.portal.call(burst, guesses, "10.0.0.2")  # type: ignore[union-attr]
        assert len(runs) <= 2, len(runs)
        assert sum(isinstance(a, TooManyRequests) for a in answers) >= 38


def test_the_failed_key_check_limit_can_be_turned_off(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"auth_failures_per_minute": 0}))) as c:
        make_key(c, "acme", "reviewer")
        assert {
            c.get("/v1/escalations", headers=bearer("ovs_0000000000000000_nope")).status_code for _ in range(30)
        } == {401}


def test_only_the_agents_own_tenant_withdraws_an_action_escalation_and_is_named(
    client: TestClient, keys: dict[str, str]
) -> None:
    acme_client, acme_reviewer = bearer(keys["acme:client"]), bearer(keys["acme:reviewer"])
    body = {"action": {"tool": "read_file", "input": {"path": "/home/dev/.aws/credentials"}}}
    decision = client.post("/v1/actions/reviews", json=body, headers=acme_client).json()
    assert decision["verdict"] == "escalate"
    url = f"/v1/actions/reviews/{decision['review_id']}/withdraw"
    for role in ("client", "admin"):  # another tenant does not even see it
        assert client.post(url, headers=bearer(keys[f"globex:{role}"])).status_code == 404
    # a reviewer works the inbox; withdrawing is the waiting agent's move
    assert client.post(url, headers=acme_reviewer).status_code == 403
    assert client.get("/v1/escalations", headers=acme_reviewer).json()["items"][0]["review_id"] == decision["review_id"]
    final = client.post(url, headers=acme_client).json()
    assert final["verdict"] == "block" and final["escalation"]["resolved_by"] == "client@acme"
    assert client.get("/v1/escalations", headers=acme_reviewer).json()["items"] == []


@pytest.mark.parametrize(
    "name",
    [
        "agent-user:claude-code",
        "system:timeout",
        "key:0123456789abcdef",
        " Agent-User:x",
        "\uff53ystem:timeout",  # a fullwidth s: the same name once NFKC-normalised
        "\uff33\uff39\uff33\uff34\uff25\uff2d:timeout",
    ],
)
def test_a_key_name_cannot_pass_for_the_time_limit_an_agents_user_or_another_key(
    client: TestClient, keys: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # Before: a reviewer key named "agent-user:claude-code" resolved escalations as "the user at claude-code's
    # prompt" (and was counted as closed_by="user" on /metrics).
    admin = bearer(keys["acme:admin"])
    refused = client.post("/v1/keys", json={"role": "reviewer", "name": name}, headers=admin)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "name"
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(settings.data_dir))
    cli_made = CliRunner().invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "reviewer", "--name", name])
    assert cli_made.exit_code == 2 and "may not start with" in cli_made.stderr
    # A key given such a name before this check resolves under its key id instead.
    old_key, record = new_key("acme", "reviewer")
    record = dataclasses.replace(record, name=name)
    call(client, state(client).authenticator.keystore.add_key, record)
    esc = escalate(client, headers=bearer(keys["acme:client"]))["escalation_id"]
    done = client.post(f"/v1/escalations/{esc}/resolve", json={"action": "block"}, headers=bearer(old_key))
    assert done.status_code == 200
    assert done.json()["escalation"]["resolved_by"] == f"key:{record.key_id}"


@pytest.mark.parametrize(
    "name",
    ["the time limit", "Time  Limit", "the user at claude-code's prompt", "a reviewer", "unknown", "the agent",
     "codex, at the end of the turn (not approved at its prompt)", "blocked automatically"],
)
def test_a_key_name_cannot_read_as_the_words_the_console_uses_for_another_resolver(
    client: TestClient, keys: dict[str, str], name: str
) -> None:
    # Before: a reviewer key named "the time limit" was accepted, and its approvals read "Approved by the time
    # limit" in the inbox, and a late reviewer's 409 "escalation already resolved by the time limit".
    admin = bearer(keys["acme:admin"])
    refused = client.post("/v1/keys", json={"role": "reviewer", "name": name}, headers=admin)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "name", refused.json()
    assert "another resolver" in refused.json()["error"]["message"]
    # a name that only holds such a word is a name
    made = client.post("/v1/keys", json={"role": "reviewer", "name": f"{name.split()[-1]} desk 4"}, headers=admin)
    assert made.status_code == 201, made.json()


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (" ", "blank"),
        ("eve\nINFO escalation x resolved: approve by boss", "U+000A"),
        ("\u200bsystem:timeout", "U+200B"),
        ("ana\u202e", "U+202E"),
        ("Local", "'local'"),
    ],
)
def test_a_key_name_that_could_be_misread_in_a_resolution_is_refused(
    client: TestClient, keys: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch, name: str, why: str
) -> None:
    refused = client.post("/v1/keys", json={"role": "reviewer", "name": name}, headers=bearer(keys["acme:admin"]))
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "name", refused.json()
    assert why in refused.json()["error"]["message"]
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(settings.data_dir))
    cli_made = CliRunner().invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "reviewer", "--name", name])
    assert cli_made.exit_code == 2 and why in cli_made.stderr


def test_two_active_keys_of_a_tenant_cannot_share_a_name(
    client: TestClient, keys: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = bearer(keys["acme:admin"])
    made = client.post("/v1/keys", json={"role": "reviewer", "name": "  Ana  "}, headers=admin)
    assert made.status_code == 201 and made.json()["name"] == "Ana"  # stored as shown in a resolution
    again = client.post("/v1/keys", json={"role": "reviewer", "name": "ana"}, headers=admin)
    assert again.status_code == 409 and again.json()["error"]["field"] == "name"
    assert made.json()["key_id"] in again.json()["error"]["message"]
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(settings.data_dir))
    cli_made = CliRunner().invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "admin", "--name", "ANA"])
    assert cli_made.exit_code == 2 and "already named" in cli_made.stderr
    # another tenant may use the name; so may a new key once the old one is revoked
    assert client.post("/v1/keys", json={"role": "reviewer", "name": "ana"},
                       headers=bearer(keys["globex:admin"])).status_code == 201
    assert client.delete(f"/v1/keys/{made.json()['key_id']}", headers=admin).status_code == 204
    assert client.post("/v1/keys", json={"role": "reviewer", "name": "ana"}, headers=admin).status_code == 201


def test_revoking_the_last_key_over_the_api_leaves_the_service_closed_and_logs_it(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings)) as c:
        admin = c.post("/v1/keys", json={"role": "admin", "tenant": "acme", "name": "ops"}).json()
        with caplog.at_level("WARNING", logger="oversight.auth"):
            assert c.delete(f"/v1/keys/{admin['key_id']}", headers=bearer(admin["key"])).status_code == 204
        assert c.get("/v1/escalations").status_code == 401  # not open mode again
        assert any("last active API key" in r.getMessage() for r in caplog.records), caplog.records
    with TestClient(create_app(settings)) as c:  # nor after a restart
        assert c.get("/v1/escalations").status_code == 401
