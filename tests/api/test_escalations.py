"""The escalation API: list, detail, resolve (approve / block / edit), callbacks, time limits, re-runs."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import socket
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service import escalations as escalations_mod
from service.api._common import check_limits
from service.main import create_app
from service.schemas import Decision, ReviewRequest
from service.settings import Settings
from tests.api._helpers import SAFE_EDIT, URGENT, CallbackReceiver, call, escalate, state

SECRET = "test-callback-secret"


@pytest.fixture
def esc_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"callback_secret": SecretStr(SECRET), "callback_backoff_s": 0.0, "callback_allow_private": True}
    )


@pytest.fixture
def app_client(esc_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(esc_settings)) as c:
        yield c


def thread_next(client: TestClient, review_id: str) -> tuple[str, ...]:
    runtime = state(client).runtime
    graph = getattr(runtime, "hitl_graph", runtime.graph)
    snapshot = call(client, graph.aget_state, {"configurable": {"thread_id": review_id}})
    return tuple(snapshot.next)


def drain(client: TestClient) -> None:
    call(client, state(client).escalations.drain)


def test_a_high_risk_review_escalates_and_waits_for_a_human(app_client: TestClient) -> None:
    decision = escalate(app_client)
    assert decision["escalation_id"] and decision["escalation"]["status"] == "pending"
    # Nothing to show while a human decides: a caller that displays `output` releases nothing.
    assert decision["output"] is None and decision["original_output"] == URGENT["output"]

    page = app_client.get("/v1/escalations").json()
    assert [i["escalation_id"] for i in page["items"]] == [decision["escalation_id"]]
    item = page["items"][0]
    assert item["headline"] == "health.urgent_symptoms_dismissed" and item["severity"] == "high"
    assert item["default_action"] == "block"

    detail = app_client.get(f"/v1/escalations/{decision['escalation_id']}").json()
    assert detail["waiting"] is True
    assert detail["messages"] == [{"role": "user", "content": URGENT["messages"][0]["content"], "name": None}]  # type: ignore[index]
    assert detail["decision"]["original_output"] == URGENT["output"]
    assert detail["decision"]["findings"][0]["evidence"]["text"] == "Probably nothing"
    assert detail["reason"] and detail["rewrite_severity"] == "high"
    assert thread_next(app_client, decision["review_id"]) == ("human",)


def test_blocking_finalises_the_original_review_and_ends_the_thread(app_client: TestClient) -> None:
    decision = escalate(app_client)
    esc = decision["escalation_id"]
    final = app_client.post(f"/v1/escalations/{esc}/resolve", json={"action": "block", "note": "urgent care"})
    assert final.status_code == 200, final.text
    assert final.json()["verdict"] == "block" and final.json()["output"] is None

    review = app_client.get(f"/v1/reviews/{decision['review_id']}").json()
    assert review["verdict"] == "block"
    assert review["escalation"]["status"] == "resolved"
    assert review["escalation"]["action"] == "block"
    assert review["escalation"]["resolved_by"] == "local"
    assert review["escalation"]["note"] == "urgent care"
    assert review["escalation"]["resolved_at"]
    assert thread_next(app_client, decision["review_id"]) == ()

    assert app_client.get("/v1/escalations").json()["items"] == []
    resolved = app_client.get("/v1/escalations", params={"status": "resolved"}).json()["items"]
    assert resolved[0]["resolution"]["action"] == "block" and resolved[0]["verdict"] == "block"


def test_approving_releases_the_original_answer(app_client: TestClient) -> None:
    decision = escalate(app_client)
    final = app_client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "approve"}).json()
    assert final["verdict"] == "approve" and final["output"] == URGENT["output"]
    assert final["disagreement"] is False


def test_an_edit_must_pass_the_policy_check_before_it_is_accepted(app_client: TestClient) -> None:
    decision = escalate(app_client)
    url = f"/v1/escalations/{decision['escalation_id']}/resolve"

    still_bad = app_client.post(url, json={"action": "edit", "output": "Nothing to worry about, sleep it off."})
    assert still_bad.status_code == 422
    error = still_bad.json()["error"]
    assert error["field"] == "output"
    assert [d["rule"] for d in error["details"]] == [
        "health.urgent_symptoms_dismissed",
        "health.urgent_symptoms_no_referral",
    ]
    assert thread_next(app_client, decision["review_id"]) == ("human",)  # still waiting

    final = app_client.post(url, json={"action": "edit", "output": SAFE_EDIT, "note": "emergency advice"}).json()
    assert final["verdict"] == "rewrite" and final["output"] == SAFE_EDIT
    assert app_client.get(f"/v1/reviews/{decision['review_id']}").json()["output"] == SAFE_EDIT


@pytest.mark.parametrize(
    "body",
    [
        {"action": "edit"},
        {"action": "edit", "output": "   "},
        # only zero-width and format characters: blank once read, but it passed the check and was released
        {"action": "edit", "output": "\u200b\u200d\u00ad"},
        {"action": "edit", "output": "\u200b"},
        {"action": "block", "output": "x"},
        {"action": "maybe"},
    ],
)
def test_malformed_resolutions_are_rejected_and_change_nothing(app_client: TestClient, body: dict[str, Any]) -> None:
    decision = escalate(app_client)
    response = app_client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json=body)
    assert response.status_code == 422
    assert app_client.get(f"/v1/reviews/{decision['review_id']}").json()["verdict"] == "escalate"


def test_a_second_resolution_is_refused_and_the_first_stands(app_client: TestClient) -> None:
    decision = escalate(app_client)
    url = f"/v1/escalations/{decision['escalation_id']}/resolve"
    assert app_client.post(url, json={"action": "block"}).status_code == 200
    again = app_client.post(url, json={"action": "approve"})
    assert again.status_code == 409 and "already resolved" in again.json()["error"]["message"]
    assert again.json()["error"]["message"].endswith("(blocked)")  # how, for the reviewer who lost the race
    assert app_client.get(f"/v1/reviews/{decision['review_id']}").json()["verdict"] == "block"


def test_unknown_escalation_is_404(app_client: TestClient) -> None:
    assert app_client.get("/v1/escalations/esc_nope").status_code == 404
    assert app_client.post("/v1/escalations/esc_nope/resolve", json={"action": "block"}).status_code == 404


def test_the_final_decision_is_posted_to_the_callback_signed_and_retried(
    app_client: TestClient, receiver: CallbackReceiver
) -> None:
    receiver.statuses.extend([503, 500])  # two failures, then 200
    decision = escalate(app_client, callback_url=receiver.url)
    final = app_client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block"}).json()
    drain(app_client)

    deliveries = receiver.wait_for(3)
    assert len(deliveries) == 3
    assert len({d.headers["x-oversight-delivery"] for d in deliveries}) == 1  # one delivery, retried
    last = deliveries[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), last.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(last.headers["x-oversight-signature"], expected)
    body = json.loads(last.body)
    assert body["review_id"] == decision["review_id"] and body["verdict"] == "block" == final["verdict"]
    assert body["escalation"]["status"] == "resolved"


def test_a_failed_callback_is_shown_and_can_be_sent_again(esc_settings: Settings, receiver: CallbackReceiver) -> None:
    # Before: a callback that spent its attempts (the receiver down longer than the retries) stayed failed in the
    # outbox, invisible outside the database, and nothing could send it again.
    settings = esc_settings.model_copy(update={"callback_max_attempts": 1})
    with TestClient(create_app(settings)) as client:
        decision = escalate(client, callback_url=receiver.url)
        eid = decision["escalation_id"]
        early = client.post(f"/v1/escalations/{eid}/callback")
        assert early.status_code == 409 and "not resolved yet" in early.json()["error"]["message"]
        receiver.statuses.append(503)
        client.post(f"/v1/escalations/{eid}/resolve", json={"action": "block"})
        drain(client)
        failed = client.get(f"/v1/escalations/{eid}").json()["callback"]
        assert (failed["status"], failed["attempts"], failed["last_error"]) == ("failed", 1, "HTTP 503")
        assert failed["settled_at"] is not None  # when it was given up on

        again = client.post(f"/v1/escalations/{eid}/callback")
        assert again.status_code == 200 and again.json()["status"] == "pending"
        assert again.json()["settled_at"] is None
        drain(client)
        delivered = client.get(f"/v1/escalations/{eid}").json()["callback"]
        assert delivered["status"] == "delivered"
        assert delivered["settled_at"] >= failed["settled_at"]  # when it arrived (ISO 8601 UTC sorts as text)
        plain = escalate(client)  # no callback_url
        client.post(f"/v1/escalations/{plain['escalation_id']}/resolve", json={"action": "block"})
        assert client.post(f"/v1/escalations/{plain['escalation_id']}/callback").status_code == 404

    deliveries = receiver.wait_for(2)
    assert len(deliveries) == 2 and len({d.headers["x-oversight-delivery"] for d in deliveries}) == 1
    assert json.loads(deliveries[-1].body)["review_id"] == decision["review_id"]


def test_a_callback_retry_is_sent_when_its_back_off_ends_not_at_the_next_outbox_poll(
    esc_settings: Settings, receiver: CallbackReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the outbox's poll an hour away, a 0.2 s back-off still delivers: the loop wakes when a retry is due."""
    monkeypatch.setattr(escalations_mod, "_OUTBOX_POLL_S", 3600.0)
    receiver.statuses.append(503)
    with TestClient(create_app(esc_settings.model_copy(update={"callback_backoff_s": 0.2}))) as client:
        decision = escalate(client, callback_url=receiver.url)
        client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block"})
        deliveries = receiver.wait_for(2)  # before: the retry waited for the next poll (5 s; here an hour)
        drain(client)
    assert len(deliveries) == 2 and json.loads(deliveries[1].body)["verdict"] == "block"


def test_a_misspelt_inbox_filter_is_a_422_naming_it_not_the_pending_list(app_client: TestClient) -> None:
    escalate(app_client)
    r = app_client.get("/v1/escalations", params={"stauts": "all"})
    assert r.status_code == 422, r.text  # before: 200 with the pending items, as if the filter had been applied
    assert r.json()["error"]["field"] == "stauts"
    assert len(app_client.get("/v1/escalations", params={"status": "all"}).json()["items"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=pending&status=all", "status"),  # was 200: the last value won, listing everything
        ("min_age_s=100&max_age_s=1", "max_age_s"),  # was 200 with an empty list
        ("min_age_s=nan", "min_age_s"),  # was "Input should be less than or equal to 315360000"
        ("max_age_s=inf", "max_age_s"),
    ],
)
def test_an_inbox_filter_that_cannot_mean_one_thing_is_a_422_naming_it(
    app_client: TestClient, query: str, field: str
) -> None:
    escalate(app_client)
    r = app_client.get(f"/v1/escalations?{query}")
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field
    assert "less than or equal" not in r.json()["error"]["message"]


def test_a_callback_refused_with_4xx_is_not_retried(app_client: TestClient, receiver: CallbackReceiver) -> None:
    receiver.statuses.append(410)
    decision = escalate(app_client, callback_url=receiver.url)
    app_client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "approve"})
    drain(app_client)
    assert len(receiver.deliveries) == 1


def test_a_receiver_that_trickles_its_answer_cannot_hold_an_attempt_past_the_timeout(
    esc_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # Before: httpx's timeout applies to each read, so an answer sent a byte every 0.3 s kept one attempt open as
    # long as the receiver liked (and past the outbox's claim lease); OVERSIGHT_CALLBACK_TIMEOUT_S is per attempt.
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n")
            for _ in range(20):
                if stop.wait(0.3):
                    return
                with contextlib.suppress(OSError):
                    conn.sendall(b"x")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    settings = esc_settings.model_copy(update={"callback_timeout_s": 1.0, "callback_max_attempts": 1})
    try:
        with TestClient(create_app(settings)) as client:
            decision = escalate(client, callback_url=f"http://127.0.0.1:{port}/hook")
            client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "approve"})
            drain(client)
            metrics = client.get("/metrics").text
    finally:
        stop.set()
        listener.close()
    with sqlite3.connect(settings.sqlite_path) as conn:
        status, error = conn.execute(
            "SELECT status, last_error FROM callback_outbox WHERE review_id = ?", (decision["review_id"],)
        ).fetchone()
    assert (status, error) == ("failed", "no answer within 1 s")
    assert 'oversight_callbacks_total{outcome="failed"} 1.0' in metrics


def test_callbacks_to_private_addresses_are_refused_by_default(
    esc_settings: Settings, receiver: CallbackReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    guarded = esc_settings.model_copy(update={"callback_allow_private": False})
    with TestClient(create_app(guarded)) as client:
        # A literal private address (here loopback, in two spellings) is refused while the caller can hear it.
        for url in (receiver.url, f"http://0x7f000001:{receiver.port}/hook", "http://localhost/hook"):
            r = client.post("/v1/reviews", json={**URGENT, "callback_url": url})
            assert r.status_code == 422, url
            assert r.json()["error"]["field"] == "callback_url" and "OVERSIGHT_CALLBACK_ALLOW_PRIVATE" in r.text
        # A name is resolved when the callback is sent (and again each time): this machine's own name resolves
        # to a private address, so the decision is final but nothing is sent.
        host = socket.gethostname()
        decision = escalate(client, callback_url=f"http://{host}:{receiver.port}/hook")
        final = client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block"})
        drain(client)
    assert final.status_code == 200 and final.json()["verdict"] == "block"  # the decision itself is final
    assert receiver.deliveries == []
    assert "is not a public address" in caplog.text


def test_a_public_callback_address_or_name_is_accepted_at_request_time(esc_settings: Settings) -> None:
    guarded = esc_settings.model_copy(update={"callback_allow_private": False})
    for url in ("http://93.184.215.14/hook", "https://hooks.example.com/oversight"):
        check_limits(ReviewRequest.model_validate({**URGENT, "callback_url": url}), guarded)  # no error


async def test_public_destination() -> None:
    from service.escalations import public_destination

    assert not await public_destination("http://127.0.0.1:9/hook")
    assert not await public_destination("http://10.1.2.3/hook")
    assert not await public_destination("http://169.254.169.254/latest/meta-data")
    assert not await public_destination("http://[::1]/hook")
    assert not await public_destination("http://localhost/hook")
    assert await public_destination("http://93.184.215.14/hook")


def test_nobody_answering_applies_the_domains_default_action(
    app_client: TestClient, receiver: CallbackReceiver
) -> None:
    decision = escalate(app_client, callback_url=receiver.url)
    service = state(app_client).escalations

    assert call(app_client, service.sweep) == []  # within the time limit: still pending
    assert app_client.get(f"/v1/reviews/{decision['review_id']}").json()["verdict"] == "escalate"

    tomorrow = datetime.now(UTC) + timedelta(hours=25)  # health: 24 h, then block
    expired = call(app_client, service.sweep, tomorrow)
    assert [d.review_id for d in expired] == [decision["review_id"]]

    review = app_client.get(f"/v1/reviews/{decision['review_id']}").json()
    assert review["verdict"] == "block"
    assert review["escalation"]["status"] == "expired"
    assert review["escalation"]["resolved_by"] == "system:timeout"
    assert review["escalation"]["note"] == "Nobody answered within 24 h; the health policy's default action (block) applied."
    assert thread_next(app_client, decision["review_id"]) == ()
    assert app_client.get("/v1/escalations", params={"status": "expired"}).json()["items"][0]["status"] == "expired"
    drain(app_client)
    assert json.loads(receiver.wait_for(1)[0].body)["escalation"]["status"] == "expired"
    assert _resolved_count(app_client, domain="health", action="block", closed_by="time_limit") == 1


def _resolved_count(client: TestClient, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "oversight_escalations_resolved_total" and sample.labels == labels:
                return sample.value
    return 0.0


def test_the_resolved_escalations_metric_says_who_closed_them(app_client: TestClient) -> None:
    # On-call tells a worked inbox (human) from one left to the time limit or to agents that gave up waiting.
    by_human = escalate(app_client)
    app_client.post(f"/v1/escalations/{by_human['escalation_id']}/resolve", json={"action": "approve"})
    assert _resolved_count(app_client, domain="health", action="approve", closed_by="human") == 1
    held = app_client.post(
        "/v1/actions/reviews",
        json={"action": {"tool": "read_file", "input": {"path": "/home/dev/.aws/credentials"}}, "hold_ms": 1000},
    ).json()
    app_client.post(f"/v1/actions/reviews/{held['review_id']}/withdraw")
    assert _resolved_count(app_client, domain="tool_use", action="block", closed_by="agent") == 1
    assert _resolved_count(app_client, domain="tool_use", action="block", closed_by="time_limit") == 0
    # the user approved it at the agent's own prompt and it ran: closed by the user, not by a reviewer
    at_prompt = app_client.post(
        "/v1/actions/reviews",
        json={
            "id": "cc-1",
            "action": {"tool": "read_file", "input": {"path": "/home/dev/.aws/credentials"}},
            "asks_user": True,
        },
    ).json()
    assert at_prompt["verdict"] == "escalate"
    app_client.post("/v1/actions/ran", json={"request_id": "cc-1", "agent": "claude-code"})
    assert _resolved_count(app_client, domain="tool_use", action="approve", closed_by="user") == 1
    assert _resolved_count(app_client, domain="tool_use", action="approve", closed_by="human") == 0


def test_listing_filters_by_domain_and_age_and_pages(app_client: TestClient) -> None:
    first = escalate(app_client)
    second = escalate(app_client)
    page = app_client.get("/v1/escalations", params={"limit": 1}).json()
    assert [i["review_id"] for i in page["items"]] == [first["review_id"]]  # oldest first
    assert page["next_offset"] == 1
    page2 = app_client.get("/v1/escalations", params={"limit": 1, "offset": 1}).json()
    assert [i["review_id"] for i in page2["items"]] == [second["review_id"]] and page2["next_offset"] is None

    assert app_client.get("/v1/escalations", params={"domain": "finance"}).json()["items"] == []
    assert len(app_client.get("/v1/escalations", params={"domain": "health"}).json()["items"]) == 2
    assert app_client.get("/v1/escalations", params={"min_age_s": 3600}).json()["items"] == []
    assert len(app_client.get("/v1/escalations", params={"max_age_s": 3600}).json()["items"]) == 2
    assert app_client.get("/v1/escalations", params={"status": "bogus"}).status_code == 422


def test_closed_items_can_be_listed_newest_first_with_how_many_match(app_client: TestClient) -> None:
    # A reviewer looking back at what the team closed today wants the latest first, and how many there are.
    closed = []
    for _ in range(3):
        item = escalate(app_client)
        app_client.post(f"/v1/escalations/{item['escalation_id']}/resolve", json={"action": "block"})
        closed.append(item["review_id"])
    escalate(app_client)  # still pending: not among the resolved
    newest = app_client.get("/v1/escalations", params={"status": "resolved", "order": "newest", "limit": 2}).json()
    assert [i["review_id"] for i in newest["items"]] == closed[::-1][:2]
    assert newest["total"] == 3 and newest["total_exact"] is True
    assert newest["next_offset"] == 2 and newest["order"] == "newest"
    rest = app_client.get(
        "/v1/escalations", params={"status": "resolved", "order": "newest", "limit": 2, "offset": 2}
    ).json()
    assert [i["review_id"] for i in rest["items"]] == [closed[0]] and rest["total"] == 3
    oldest = app_client.get("/v1/escalations", params={"status": "resolved"}).json()
    assert [i["review_id"] for i in oldest["items"]] == closed and oldest["order"] == "oldest"
    assert app_client.get("/v1/escalations", params={"status": "all"}).json()["total"] == 4
    assert app_client.get("/v1/escalations", params={"domain": "finance"}).json()["total"] == 0
    bad = app_client.get("/v1/escalations", params={"order": "latest"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "order"


def test_detail_links_to_jaeger_when_configured(esc_settings: Settings) -> None:
    settings = esc_settings.model_copy(update={"jaeger_url": "http://jaeger.example:16686/"})
    with TestClient(create_app(settings)) as client:
        decision = escalate(client)
        detail = client.get(f"/v1/escalations/{decision['escalation_id']}").json()
    assert detail["trace_url"] == f"http://jaeger.example:16686/trace/{decision['trace_id']}"


def test_without_jaeger_there_is_no_trace_link(app_client: TestClient) -> None:
    decision = escalate(app_client)
    assert app_client.get(f"/v1/escalations/{decision['escalation_id']}").json()["trace_url"] is None


def test_re_running_the_resumed_node_after_a_crash_leaves_one_decision_and_one_callback(
    esc_settings: Settings, receiver: CallbackReceiver
) -> None:
    """The process dies inside ``finalize`` after the final save: finishing it later duplicates nothing."""
    app = create_app(esc_settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        decision = escalate(client, callback_url=receiver.url)
        store = app.state.runtime.store
        save = store.save_decision
        crashed: list[str] = []

        async def crash_after_final_save(d: Decision, tenant: str) -> None:
            await save(d, tenant)
            if d.escalation and d.escalation.status != "pending" and not crashed:
                crashed.append(d.review_id)
                raise RuntimeError("process died")

        store.save_decision = crash_after_final_save
        url = f"/v1/escalations/{decision['escalation_id']}/resolve"
        assert client.post(url, json={"action": "block", "note": "first"}).status_code == 500
        assert thread_next(client, decision["review_id"]) == ("finalize",)  # accepted, not finished
        count = call(client, store.count_decisions)

        # Someone tries again: the first resolution is finished (finalize re-runs), the second refused.
        again = client.post(url, json={"action": "approve"})
        assert again.status_code == 409
        drain(client)
        review = client.get(f"/v1/reviews/{decision['review_id']}").json()
        assert review["verdict"] == "block" and review["escalation"]["note"] == "first"
        assert call(client, store.count_decisions) == count
        assert thread_next(client, decision["review_id"]) == ()
        assert [json.loads(d.body)["verdict"] for d in receiver.wait_for(1)] == ["block"]
        assert client.post(url, json={"action": "approve"}).status_code == 409
        drain(client)
    assert len(receiver.deliveries) == 1


def test_a_callback_still_failing_at_shutdown_is_delivered_after_a_restart(
    esc_settings: Settings, receiver: CallbackReceiver
) -> None:
    """The callback outbox: a back-off in progress when the process stops is finished by the next process."""
    slow = esc_settings.model_copy(update={"callback_backoff_s": 3600.0})  # the retry would be an hour away
    receiver.statuses.append(503)
    with TestClient(create_app(slow)) as client:
        decision = escalate(client, callback_url=receiver.url)
        client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block"})
        drain(client)
        assert len(receiver.wait_for(1)) == 1  # the first attempt failed; the next one is not due yet
    # A new process on the same data: the pending callback is still owed. Make it due now (as an hour passing
    # would) and start the service: it is delivered once, with the same delivery id.
    outbox_row = _outbox_row(slow, decision["review_id"])
    assert outbox_row["status"] == "pending" and outbox_row["attempts"] == 1
    _make_due(slow, decision["review_id"])
    with TestClient(create_app(esc_settings)) as client:
        deliveries = receiver.wait_for(2)
        drain(client)
    assert len(deliveries) == 2
    assert deliveries[0].headers["x-oversight-delivery"] == deliveries[1].headers["x-oversight-delivery"]
    assert json.loads(deliveries[1].body)["verdict"] == "block"
    assert _outbox_row(slow, decision["review_id"])["status"] == "delivered"


def _outbox_row(settings: Settings, review_id: str) -> dict[str, Any]:
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM callback_outbox WHERE review_id = ?", (review_id,)).fetchone()
    return dict(row)


def _make_due(settings: Settings, review_id: str) -> None:
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute("UPDATE callback_outbox SET next_at = 0 WHERE review_id = ?", (review_id,))


def test_metrics_show_the_escalation_backlog_per_domain_and_its_oldest_age(app_client: TestClient) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    def backlog() -> dict[tuple[str, str], float]:
        text = app_client.get("/metrics").text
        return {
            (s.name, s.labels["domain"]): s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name.startswith(("oversight_escalations_pending", "oversight_escalation_oldest"))
        }

    empty = backlog()
    assert empty[("oversight_escalations_pending", "health")] == 0
    assert empty[("oversight_escalation_oldest_pending_age_seconds", "health")] == 0
    assert {d for _, d in empty} == {"health", "finance", "cyber", "tool_use", "general"}

    first, second = escalate(app_client), escalate(app_client)
    state(app_client).escalation_backlog.refreshed_at = None  # the store is read at most every 5 s
    waiting = backlog()
    assert waiting[("oversight_escalations_pending", "health")] == 2
    assert waiting[("oversight_escalations_pending", "cyber")] == 0
    assert 0 < waiting[("oversight_escalation_oldest_pending_age_seconds", "health")] < 60

    app_client.post(f"/v1/escalations/{first['escalation_id']}/resolve", json={"action": "block"})
    state(app_client).escalation_backlog.refreshed_at = None
    assert backlog()[("oversight_escalations_pending", "health")] == 1
    assert second["escalation_id"] != first["escalation_id"]


def test_a_resolution_stands_when_its_callback_cannot_be_made_due_and_the_callback_still_goes(
    app_client: TestClient, receiver: CallbackReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A locked SQLite file (another writer past the busy timeout) while the outbox is written after the resume:
    # before, the reviewer whose resolution was recorded got a 503, and a retry got 409 "already resolved".
    decision = escalate(app_client, callback_url=receiver.url)
    outbox = state(app_client).escalations.outbox
    real_release = outbox.release

    async def locked(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(outbox, "release", locked)
    monkeypatch.setattr(escalations_mod, "_ARM_GRACE_S", 0.0)
    final = app_client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block"})
    assert final.status_code == 200 and final.json()["verdict"] == "block"
    monkeypatch.setattr(outbox, "release", real_release)
    drain(app_client)  # the row armed before the resume is due after its grace period (0 here)
    deliveries = receiver.wait_for(1)
    assert json.loads(deliveries[0].body)["verdict"] == "block"


def test_an_outcome_that_cannot_be_written_back_at_once_is_retried_not_raised(
    app_client: TestClient, receiver: CallbackReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: "Task exception was never retrieved … database is locked", the row stayed claimed and was sent again
    # when the claim lapsed
    monkeypatch.setattr(escalations_mod, "_WRITE_BACK_PAUSES_S", (0.0, 0.0), raising=False)
    decision = escalate(app_client, callback_url=receiver.url)
    outbox = state(app_client).escalations.outbox
    real_finish = outbox.finish
    failures = [sqlite3.OperationalError("database is locked")]

    async def flaky(*args: Any, **kwargs: Any) -> None:
        if failures:
            raise failures.pop()
        await real_finish(*args, **kwargs)

    monkeypatch.setattr(outbox, "finish", flaky)
    app_client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block"})
    drain(app_client)
    receiver.wait_for(1)
    assert not failures
    shown = app_client.get(f"/v1/escalations/{decision['escalation_id']}").json()["callback"]
    assert shown["status"] == "delivered"


def test_a_resolution_a_stopped_process_accepted_but_did_not_record_is_finished_after_start_up(
    esc_settings: Settings, receiver: CallbackReceiver
) -> None:
    # The process dies between accepting the resolution (the thread waits at finalize) and recording it: before,
    # the inbox showed it pending, and its callback waited, until someone clicked it or its time limit ran out.
    app = create_app(esc_settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        decision = escalate(client, callback_url=receiver.url)
        store = app.state.runtime.store
        save = store.save_decision

        async def die_before_the_final_save(d: Decision, tenant: str) -> None:
            if d.escalation and d.escalation.status != "pending":
                raise RuntimeError("process died")
            await save(d, tenant)

        store.save_decision = die_before_the_final_save
        url = f"/v1/escalations/{decision['escalation_id']}/resolve"
        assert client.post(url, json={"action": "block", "note": "first"}).status_code == 500
        store.save_decision = save
        assert thread_next(client, decision["review_id"]) == ("finalize",)
        assert client.get(f"/v1/reviews/{decision['review_id']}").json()["escalation"]["status"] == "pending"

        assert call(client, state(client).escalations.finish_interrupted) == 1
        review = client.get(f"/v1/reviews/{decision['review_id']}").json()
        assert review["verdict"] == "block" and review["escalation"]["note"] == "first"
        assert call(client, state(client).escalations.finish_interrupted) == 0  # nothing left to finish
        drain(client)
    assert [json.loads(d.body)["verdict"] for d in receiver.wait_for(1)] == ["block"]


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_an_empty_callback_secret_is_unset_and_warned_about_never_an_empty_hmac_key(
    value: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A secret that did not render (`OVERSIGHT_CALLBACK_SECRET=$UNSET`) signed every callback with the key "",
    # which anyone can compute, and silenced the "unsigned" warning.
    monkeypatch.setenv("OVERSIGHT_CALLBACK_SECRET", value)
    settings = Settings(data_dir=tmp_path / "data")
    assert settings.callback_secret is None
    with caplog.at_level("WARNING"), TestClient(create_app(settings)):
        pass
    assert "OVERSIGHT_CALLBACK_SECRET is not set (or empty): escalation callbacks are sent unsigned" in caplog.text


def test_a_callback_secret_read_from_a_file_is_used_without_its_newline(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_CALLBACK_SECRET", SECRET + "\n")
    secret = Settings(data_dir=tmp_path / "data").callback_secret
    assert secret is not None and secret.get_secret_value() == SECRET


def test_a_time_limit_reads_in_the_units_it_is_set_in() -> None:
    # The sweep's note said "0 h 2 min" for a 150 s limit and "24 h 0 min" for a day.
    from service.escalations import time_span

    assert [time_span(s) for s in (86400, 5400, 3600, 150, 45, 0)] == ["24 h", "1 h 30 min", "1 h", "2 min 30 s", "45 s", "0 s"]


def test_the_reviewer_is_told_what_in_the_conversation_is_not_text(app_client: TestClient) -> None:
    # Only the text of content parts was shown: an image the user sent, a message's name, an assistant's tool calls
    # vanished without a trace, and a turn that was only an image showed as an empty bubble.
    messages = [
        {"role": "system", "content": "You are a careful assistant."},
        {"role": "assistant", "content": None, "name": "triage-bot", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\": \"chest\"}"}}
        ]},
        {"role": "user", "content": [
            {"type": "text", "text": "I have chest pain and can't breathe, what should I do?"},
            {"type": "image_url", "image_url": {"url": "https://img.example/ecg.png"}},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 5000}},
        ]},
    ]
    decision = escalate(app_client, messages=messages)
    shown = app_client.get(f"/v1/escalations/{decision['escalation_id']}").json()["messages"]
    assert shown[1]["name"] == "triage-bot"
    assert shown[1]["content"].startswith('[tool_calls: [{"id":"call_1","type":"function","function":{"name":"lookup"')
    assert shown[2]["content"].split("\n") == [
        "I have chest pain and can't breathe, what should I do?",
        "[image_url part: https://img.example/ecg.png]",
        "[image_url part: data:image/png;base64,\u2026]",
    ]
    assert shown[0] == {"role": "system", "content": "You are a careful assistant.", "name": None}


def test_the_total_stays_the_number_of_matches_on_a_page_past_the_end(app_client: TestClient) -> None:
    for _ in range(3):
        escalate(app_client)
    for offset in (0, 3, 4, 100):
        page = app_client.get("/v1/escalations", params={"offset": offset}).json()
        assert (page["total"], page["total_exact"]) == (3, True), offset
