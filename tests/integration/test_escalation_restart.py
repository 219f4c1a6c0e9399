"""Restart durability: escalate, stop the app, start a new one on the same database, resolve.

Runs on SQLite and on PostgreSQL (``any_settings``): the pending escalation, the keys and the review's
callback URL all survive the restart; resolving finalises the original review, ends its thread and
notifies the callback exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import SAFE_EDIT, CallbackReceiver, bearer, call, escalate, make_key, state

SECRET = "restart-secret"


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    server = CallbackReceiver().start()
    yield server
    server.stop()


def _thread_next(client: TestClient, review_id: str) -> tuple[str, ...]:
    runtime = state(client).runtime
    graph = getattr(runtime, "hitl_graph", runtime.graph)
    return tuple(call(client, graph.aget_state, {"configurable": {"thread_id": review_id}}).next)


@pytest.mark.parametrize("action", ["block", "edit"])
def test_an_escalation_survives_a_restart_and_resolves_once(
    any_settings: Settings, receiver: CallbackReceiver, action: str
) -> None:
    settings = any_settings.model_copy(
        update={"callback_secret": SecretStr(SECRET), "callback_backoff_s": 0.0, "callback_allow_private": True}
    )

    with TestClient(create_app(settings)) as first:
        client_key = make_key(first, "acme", "client", "shop")
        reviewer_key = make_key(first, "acme", "reviewer", "ana")
        decision = escalate(first, bearer(client_key), callback_url=receiver.url)
    review_id, esc = decision["review_id"], decision["escalation_id"]

    with TestClient(create_app(settings)) as second:
        reviewer, client = bearer(reviewer_key), bearer(client_key)
        pending = second.get("/v1/escalations", headers=reviewer).json()["items"]
        assert [i["escalation_id"] for i in pending] == [esc]
        detail = second.get(f"/v1/escalations/{esc}", headers=reviewer).json()
        assert detail["waiting"] is True and detail["messages"][0]["role"] == "user"
        assert second.get(f"/v1/reviews/{review_id}", headers=client).json()["verdict"] == "escalate"

        body = {"action": action, "note": "after restart"}
        if action == "edit":
            body["output"] = SAFE_EDIT
        resolved = second.post(f"/v1/escalations/{esc}/resolve", json=body, headers=reviewer)
        assert resolved.status_code == 200, resolved.text

        final = second.get(f"/v1/reviews/{review_id}", headers=client).json()
        assert final["review_id"] == review_id
        assert final["verdict"] == ("block" if action == "block" else "rewrite")
        assert final["output"] == (None if action == "block" else SAFE_EDIT)
        assert final["escalation"]["status"] == "resolved"
        assert final["escalation"]["resolved_by"] == "ana"
        assert final["escalation"]["action"] == action
        assert _thread_next(second, review_id) == ()
        assert second.post(f"/v1/escalations/{esc}/resolve", json={"action": "approve"}, headers=reviewer).status_code == 409
        call(second, state(second).escalations.drain)

    deliveries = receiver.wait_for(1)
    assert len(deliveries) == 1
    delivered = deliveries[0]
    signature = "sha256=" + hmac.new(SECRET.encode(), delivered.body, hashlib.sha256).hexdigest()
    assert delivered.headers["x-oversight-signature"] == signature
    assert json.loads(delivered.body) == final

    # A third start sees the resolved state too.
    with TestClient(create_app(settings)) as third:
        assert third.get("/v1/escalations", headers=bearer(reviewer_key)).json()["items"] == []
        assert third.get(f"/v1/reviews/{review_id}", headers=bearer(client_key)).json()["verdict"] == final["verdict"]
