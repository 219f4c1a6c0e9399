"""POST /v1/actions/turn-ended and the Claude Code ``Stop`` HTTP hook route: when the agent's turn ends, an escalation
put to the user's own permission prompt (``asks_user``) that is still pending was not approved there (a decline fires
no hook), so it closes as blocked instead of waiting a day in the reviewers' inbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.escalations import service_of
from service.main import create_app
from service.settings import Settings
from tests.api._helpers import bearer, call, hook_payload, make_key, state

TURN_ENDED = "/v1/actions/turn-ended"
PRE = "/v1/hooks/claude-code/pre-tool-use"
POST = "/v1/hooks/claude-code/post-tool-use"
STOP = "/v1/hooks/claude-code/stop"
CREDENTIALS = {"tool": "read_file", "input": {"path": "/home/dev/.aws/credentials"}}


def _escalated(client: TestClient, session: str | None, headers: dict[str, str] | None = None, **how: Any) -> dict[str, Any]:
    """A credential read (which escalates) sent with ``how`` (``asks_user``, ``hold_ms``, ``id``, ...)."""
    body: dict[str, Any] = {"action": CREDENTIALS, **how}
    if session is not None:
        body["context"] = {"session_id": session}
    r = client.post("/v1/actions/reviews", json=body, headers=headers or {})
    assert r.status_code == 200, r.text
    d: dict[str, Any] = r.json()
    assert d["verdict"] == "escalate", d
    return d


def _pending(client: TestClient, headers: dict[str, str] | None = None) -> set[str]:
    items = client.get("/v1/escalations", params={"status": "pending", "limit": 200}, headers=headers or {}).json()
    return {e["review_id"] for e in items["items"]}


def _resolved_count(client: TestClient, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "oversight_escalations_resolved_total" and sample.labels == labels:
                return sample.value
    return 0.0


def _turn_ended(client: TestClient, session: str, headers: dict[str, str] | None = None) -> list[str]:
    r = client.post(TURN_ENDED, json={"agent": "claude-code", "session_id": session}, headers=headers or {})
    assert r.status_code == 200, r.text
    closed: list[str] = r.json()["closed"]
    return closed


@pytest.fixture
def any_client(any_settings: Settings) -> Iterator[TestClient]:
    """The whole app on SQLite and on PostgreSQL."""
    with TestClient(create_app(any_settings)) as c:
        yield c


def test_a_turn_end_closes_the_sessions_escalations_still_at_the_users_prompt_as_blocked(any_client: TestClient) -> None:
    client = any_client
    declined = _escalated(client, "sess-a", asks_user=True, id="cc-declined")
    other_session = _escalated(client, "sess-b", asks_user=True)
    held = _escalated(client, "sess-a", hold_ms=600_000)  # a hook holding it for a reviewer: theirs to answer
    polled = _escalated(client, "sess-a")  # a caller waiting for the verdict (no asks_user): a reviewer's too
    no_session = _escalated(client, None, asks_user=True)
    approved = _escalated(client, "sess-a", asks_user=True, id="cc-approved")
    ran = client.post("/v1/actions/ran", json={"request_id": "cc-approved", "agent": "claude-code"}).json()
    assert ran["verdict"] == "approve"

    assert _turn_ended(client, "sess-a") == [declined["review_id"]]

    final = client.get(f"/v1/actions/reviews/{declined['review_id']}").json()
    assert final["verdict"] == "block"
    esc = final["escalation"]
    assert esc["status"] == "expired" and esc["action"] == "block"
    assert esc["resolved_by"] == "agent-user:claude-code"
    assert "turn ended without this call running" in esc["note"]
    assert "did not approve it at claude-code's own permission prompt" in esc["note"]
    assert "its run was not reported" in esc["note"] and "'local'" in esc["note"]  # the key that reported it
    # off the pending list, kept under expired
    pending = _pending(client)
    assert declined["review_id"] not in pending
    assert {other_session["review_id"], held["review_id"], polled["review_id"], no_session["review_id"]} <= pending
    expired = client.get("/v1/escalations", params={"status": "expired"}).json()["items"]
    assert declined["review_id"] in {e["review_id"] for e in expired}
    # a reviewer arriving later cannot approve a call that never ran
    late = client.post(f"/v1/escalations/{declined['escalation_id']}/resolve", json={"action": "approve"})
    assert late.status_code == 409 and late.json()["error"]["field"] == "escalation_id"
    assert "turn ended" in late.json()["error"]["message"]
    # the one the user approved and ran stays approved, by the user
    still = client.get(f"/v1/actions/reviews/{approved['review_id']}").json()
    assert still["verdict"] == "approve" and still["escalation"]["status"] == "resolved"
    assert still["escalation"]["resolved_by"] == "agent-user:claude-code"
    # the held and polled ones still wait for a reviewer
    for d in (held, polled, other_session):
        assert client.get(f"/v1/actions/reviews/{d['review_id']}").json()["verdict"] == "escalate"
    # counted as a withdrawal by the agent, not as a user's approval or a reviewer's block
    assert _resolved_count(client, domain="tool_use", action="block", closed_by="agent") == 1
    assert _resolved_count(client, domain="tool_use", action="block", closed_by="user") == 0
    assert _resolved_count(client, domain="tool_use", action="approve", closed_by="user") == 1
    # a second report closes nothing more; the other session's own report closes its item
    assert _turn_ended(client, "sess-a") == []
    assert _turn_ended(client, "sess-b") == [other_session["review_id"]]


def test_a_turn_end_never_approves_and_a_run_reported_late_keeps_the_block(client: TestClient) -> None:
    d = _escalated(client, "sess-late", asks_user=True, id="cc-late")
    assert _turn_ended(client, "sess-late") == [d["review_id"]]
    # a run report arriving after the turn ended does not turn the block into an approval
    after = client.post("/v1/actions/ran", json={"request_id": "cc-late", "agent": "claude-code"}).json()
    assert after["verdict"] == "block" and after["escalation"]["status"] == "expired"


def test_a_reviewers_answer_before_the_turn_ended_stands(client: TestClient) -> None:
    d = _escalated(client, "sess-r", asks_user=True)
    client.post(f"/v1/escalations/{d['escalation_id']}/resolve", json={"action": "approve", "note": "fine"})
    assert _turn_ended(client, "sess-r") == []
    final = client.get(f"/v1/actions/reviews/{d['review_id']}").json()
    assert final["verdict"] == "approve" and final["escalation"]["resolved_by"] == "local"


def test_only_escalations_from_before_the_report_are_closed(client: TestClient) -> None:
    # One already at the prompt of a next turn is not this turn's.
    d = _escalated(client, "sess-t", asks_user=True)
    service = service_of(state(client))
    earlier = datetime.fromisoformat(d["created_at"]) - timedelta(seconds=1)
    closed = call(client, lambda: service.turn_ended("default", None, "sess-t", "claude-code", "local", before=earlier))
    assert closed == [] and d["review_id"] in _pending(client)
    closed = call(client, lambda: service.turn_ended("default", None, "sess-t", "claude-code", "local",
                                                     before=datetime.now(UTC)))
    assert [c.review_id for c in closed] == [d["review_id"]]


def test_keys_reviewers_get_403_and_other_tenants_close_nothing(client: TestClient) -> None:
    keys = {f"{t}:{r}": bearer(make_key(client, t, r, name=f"{r}@{t}"))
            for t in ("acme", "globex") for r in ("client", "reviewer")}
    d = _escalated(client, "shared-session", keys["acme:client"], asks_user=True)
    # another tenant's agent with the same session id closes nothing of this tenant
    assert _turn_ended(client, "shared-session", keys["globex:client"]) == []
    assert d["review_id"] in _pending(client, keys["acme:reviewer"])
    # reviewers resolve in the inbox; the report is the agent's
    r = client.post(TURN_ENDED, json={"agent": "claude-code", "session_id": "shared-session"},
                    headers=keys["acme:reviewer"])
    assert r.status_code == 403
    stop = client.post(STOP, json={**hook_payload("Read", {}), "session_id": "shared-session",
                                   "hook_event_name": "Stop"}, headers=keys["acme:reviewer"])
    assert stop.status_code == 200 and stop.json() == {}
    assert d["review_id"] in _pending(client, keys["acme:reviewer"])
    # the tenant's own agent key closes it, named in the note
    assert _turn_ended(client, "shared-session", keys["acme:client"]) == [d["review_id"]]
    final = client.get(f"/v1/actions/reviews/{d['review_id']}", headers=keys["acme:client"]).json()
    assert final["verdict"] == "block" and "'client@acme'" in final["escalation"]["note"]
    assert client.post(TURN_ENDED, json={"agent": "claude-code", "session_id": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"agent": "claude-code", "session_id": "s", "approve": True}, "approve"),
        ({"agent": "claude-code"}, "session_id"),
        ({"agent": "claude-code", "session_id": ""}, "session_id"),
        ({"agent": "claude-code", "session_id": "   "}, "session_id"),
        ({"agent": "claude-code", "session_id": "s" * 201}, "session_id"),
        ({"agent": "claude-code", "session_id": 5}, "session_id"),
        ({"session_id": "s"}, "agent"),
        ({"agent": "a b", "session_id": "s"}, "agent"),
        ({"agent": "claude-code", "session_id": "s", "note": "n" * 4001}, "note"),
        ({"agent": "claude-code", "session_id": "s", "agent_id": ""}, "agent_id"),
        ({"agent": "claude-code", "session_id": "s", "agent_id": "a" * 201}, "agent_id"),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    d = _escalated(client, "s", asks_user=True)
    r = client.post(TURN_ENDED, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field
    assert d["review_id"] in _pending(client)


def test_a_note_given_is_kept(client: TestClient) -> None:
    d = _escalated(client, "sess-n", asks_user=True)
    r = client.post(TURN_ENDED, json={"agent": "claude-code", "session_id": "sess-n", "note": "session closed"})
    assert r.json() == {"closed": [d["review_id"]]}
    assert client.get(f"/v1/actions/reviews/{d['review_id']}").json()["escalation"]["note"] == "session closed"


def test_a_turn_end_closes_only_that_agents_escalations(any_client: TestClient) -> None:
    # One session: the main agent's call and two subagents' (their requests name the subagent's agent_id).
    main = _escalated(any_client, "sess-sub", asks_user=True)["review_id"]
    first = _escalated(any_client, "sess-sub", asks_user=True, agent={"agent_id": "agent-1"})["review_id"]
    second = _escalated(any_client, "sess-sub", asks_user=True, agent={"agent_id": "agent-2"})["review_id"]
    # The main turn ended while a background subagent may still have its prompt open: only the main agent's closes.
    assert _turn_ended(any_client, "sess-sub") == [main]
    assert _pending(any_client) >= {first, second}
    r = any_client.post(TURN_ENDED, json={"agent": "claude-code", "session_id": "sess-sub", "agent_id": "agent-1"})
    assert r.status_code == 200 and r.json() == {"closed": [first]}
    assert second in _pending(any_client)
    final = any_client.get(f"/v1/actions/reviews/{first}").json()
    assert final["verdict"] == "block" and final["escalation"]["resolved_by"] == "agent-user:claude-code"


# --- the Stop HTTP hook ------------------------------------------------------------------------------------
def _stop(session: str, **extra: Any) -> dict[str, Any]:
    return {
        "session_id": session,
        "transcript_path": "/nonexistent/transcript.jsonl",
        "cwd": "/home/dev/shop",
        "permission_mode": "default",
        "hook_event_name": "Stop",
        "stop_hook_active": False,
        "last_assistant_message": "Done.",
        **extra,
    }


def _asked(client: TestClient, payload: dict[str, Any]) -> str:
    """Send a pre-tool-use hook call that is answered ``ask``; its review id."""
    out = client.post(PRE, json=payload).json()["hookSpecificOutput"]
    assert out["permissionDecision"] == "ask", out
    review_id: str = out["additionalContext"].split()[-1].rstrip(".")
    return review_id


def test_the_stop_hook_closes_what_the_pre_tool_use_hook_put_to_the_prompt(client: TestClient) -> None:
    # The pre-tool-use hook answered "ask"; the user declined at the prompt (no event fires); the turn ended.
    declined = _asked(client, hook_payload("Read", {"file_path": "/home/dev/.aws/credentials"}, session_id="sess-hook"))
    approved_call = hook_payload("Read", {"file_path": "/home/dev/.ssh/id_rsa"}, session_id="sess-hook")
    approved = _asked(client, approved_call)
    client.post(POST, json={**approved_call, "hook_event_name": "PostToolUse", "tool_response": {"type": "text"}})
    other = _asked(client, hook_payload("Read", {"file_path": "/home/dev/.aws/credentials"}, session_id="sess-other"))
    assert _pending(client) == {declined, other}
    # a subagent ending does not end the turn; a body refused in what the report needs closes nothing
    assert client.post(STOP, json=_stop("sess-hook", hook_event_name="SubagentStop")).json() == {}
    assert client.post(STOP, content=b'{"session_id": "sess-hook", "session_id": "x", "hook_event_name": "Stop"}').json() == {}
    assert client.post(STOP, content=b'{"session_id": "sess-hook", "hook_event_name": "Stop\\u0000"}').json() == {}
    assert client.post(STOP, content=b"not json").json() == {}
    assert client.post(STOP, json={"hook_event_name": "Stop"}).json() == {}
    assert _pending(client) == {declined, other}
    # the model's last message may hold anything (a NUL): it is not what the report is about
    r = client.post(STOP, json=_stop("sess-hook", last_assistant_message="bytes \u0000 here"))
    assert r.status_code == 200 and r.json() == {}
    assert _pending(client) == {other}
    final = client.get(f"/v1/actions/reviews/{declined}").json()
    assert final["verdict"] == "block" and final["escalation"]["status"] == "expired"
    assert final["escalation"]["resolved_by"] == "agent-user:claude-code"
    assert client.get(f"/v1/actions/reviews/{approved}").json()["verdict"] == "approve"
    assert client.get(f"/v1/actions/reviews/{other}").json()["verdict"] == "escalate"


def test_a_post_tool_use_report_with_a_large_tool_output_still_closes_the_escalation(client: TestClient) -> None:
    # Before: a report over the body limit (256 KiB; a file read or a long stdout) was refused with a 413, which
    # the route answered {}; the call the user approved was then closed as blocked when the turn ended.
    call = hook_payload("Read", {"file_path": "/home/dev/.ssh/id_rsa"}, session_id="sess-big")
    approved = _asked(client, call)
    big = {"type": "text", "file": {"content": "x" * 600_000}}
    r = client.post(POST, json={**call, "hook_event_name": "PostToolUse", "tool_response": big})
    assert r.status_code == 200 and r.json() == {}
    assert approved not in _pending(client)
    client.post(STOP, json=_stop("sess-big"))
    final = client.get(f"/v1/actions/reviews/{approved}").json()
    assert final["verdict"] == "approve" and final["escalation"]["resolved_by"] == "agent-user:claude-code"
    # the other routes keep the limit: a review body that size is refused (the hook fails closed)
    denied = client.post(PRE, json={**call, "tool_input": {"file_path": "/w/a", "pad": "x" * 600_000}}).json()
    assert denied["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_subagent_stop_closes_that_subagents_calls_and_stop_leaves_them(client: TestClient) -> None:
    # Inside a subagent, Claude Code's hooks carry the parent's session_id and the subagent's own agent_id.
    main = _asked(client, hook_payload("Read", {"file_path": "/home/dev/.aws/credentials"}, session_id="sess-bg"))
    background = _asked(client, hook_payload("Read", {"file_path": "/home/dev/.aws/credentials"}, session_id="sess-bg",
                                             agent_id="a1b2c3", agent_type="general-purpose"))
    stored = client.get(f"/v1/actions/reviews/{background}").json()
    assert stored["escalation"]["status"] == "pending"
    # The main turn ends while the background subagent's prompt is still open: the subagent's call stays pending.
    assert client.post(STOP, json=_stop("sess-bg")).json() == {}
    assert _pending(client) == {background}
    assert client.get(f"/v1/actions/reviews/{main}").json()["verdict"] == "block"
    # Another subagent ending, or one that does not say which, closes nothing.
    assert client.post(STOP, json=_stop("sess-bg", hook_event_name="SubagentStop", agent_id="zzz")).json() == {}
    assert client.post(STOP, json=_stop("sess-bg", hook_event_name="SubagentStop")).json() == {}
    assert _pending(client) == {background}
    # Its own SubagentStop: every prompt of the subagent has been answered; the call was not approved there.
    assert client.post(STOP, json=_stop("sess-bg", hook_event_name="SubagentStop", agent_id="a1b2c3")).json() == {}
    assert _pending(client) == set()
    final = client.get(f"/v1/actions/reviews/{background}").json()
    assert final["verdict"] == "block" and final["escalation"]["resolved_by"] == "agent-user:claude-code"


def test_the_stop_hook_always_answers_an_empty_object(client: TestClient) -> None:
    too_big = b'{"session_id": "s", "hook_event_name": "Stop", "x": "' + b"a" * 3_000_000 + b'"}'
    for body in (too_big, b"", b"[]", b'{"session_id": 5}'):
        r = client.post(STOP, content=body)
        assert r.status_code == 200 and r.json() == {}, body[:40]
    r = client.post(STOP, json=_stop("s"), headers={"authorization": "Bearer ovs_unknown"})
    assert r.status_code == 200 and r.json() == {}


def test_an_agents_reports_close_only_the_escalations_its_own_key_requested(any_client: TestClient) -> None:
    # Each agent's key is within that agent's reach. A second agent of the tenant (or a prompt-injected one holding
    # its own key) reporting "the user approved it and it ran" for the first agent's call closed that escalation
    # as approved at the prompt; a turn end closed the other agent's escalations as blocked.
    client = any_client
    first = bearer(make_key(client, "acme", "client", "hook-one"))
    second = bearer(make_key(client, "acme", "client", "hook-two"))
    admin = bearer(make_key(client, "acme", "admin", "ops"))
    mine = _escalated(client, "sess-a", first, asks_user=True, id="cc-mine")
    report = {"request_id": "cc-mine", "agent": "claude-code"}
    refused = client.post("/v1/actions/ran", json=report, headers=second)
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "request_id", refused.text
    assert _turn_ended(client, "sess-a", second) == []
    assert mine["review_id"] in _pending(client, admin)

    # The hook routes: the second key's PostToolUse and Stop for the first key's call close nothing.
    read = hook_payload("Read", {"file_path": "/home/dev/.ssh/id_rsa"}, session_id="sess-h")
    assert client.post(PRE, json=read, headers=first).json()["hookSpecificOutput"]["permissionDecision"] == "ask"
    (hooked,) = _pending(client, admin) - {mine["review_id"]}
    client.post(POST, json={**read, "hook_event_name": "PostToolUse", "tool_response": {}}, headers=second)
    client.post(STOP, json={**read, "hook_event_name": "Stop", "stop_hook_active": False}, headers=second)
    assert _pending(client, admin) == {mine["review_id"], hooked}
    client.post(POST, json={**read, "hook_event_name": "PostToolUse", "tool_response": {}}, headers=first)
    assert client.get(f"/v1/actions/reviews/{hooked}", headers=admin).json()["verdict"] == "approve"

    # The requesting key's own report closes it; so may an admin's.
    ran = client.post("/v1/actions/ran", json={"request_id": "cc-mine", "agent": "claude-code"}, headers=first).json()
    assert ran["verdict"] == "approve" and ran["escalation"]["resolved_by"] == "agent-user:claude-code"
    other = _escalated(client, "sess-a", first, asks_user=True, id="cc-other")
    by_admin = client.post("/v1/actions/ran", json={"request_id": "cc-other", "agent": "claude-code"}, headers=admin)
    assert by_admin.status_code == 200 and by_admin.json()["verdict"] == "approve"
    assert other["review_id"] not in _pending(client, admin)
