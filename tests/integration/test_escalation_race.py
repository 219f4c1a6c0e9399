"""Two processes on one database resolve the same escalation at the same moment: exactly one wins.

``oversight serve --workers 2`` on the SQLite default, or two replicas on PostgreSQL: each has its own event
loop, its own connections and its own in-process locks. Two apps, each in its own ``TestClient`` (a thread
with its own event loop), stand in for them here. Several escalations are raced, each by two reviewers
released by one barrier: every race must end with one ``200``, one ``409``, one final decision (by the
winner) and one callback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import URGENT, CallbackReceiver, bearer, call, escalate, make_key, state

RACES = 6


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    server = CallbackReceiver().start()
    yield server
    server.stop()


def test_two_processes_resolving_one_escalation_give_one_resolution(
    any_settings: Settings, receiver: CallbackReceiver
) -> None:
    settings = any_settings.model_copy(
        update={"callback_secret": SecretStr("race"), "callback_backoff_s": 0.0, "callback_allow_private": True}
    )
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        client = bearer(make_key(first, "acme", "client", "shop"))
        reviewers = [bearer(make_key(first, "acme", "reviewer", name)) for name in ("ana", "bo")]
        escalations = [escalate(first, client, callback_url=receiver.url) for _ in range(RACES)]

        for decision in escalations:
            esc = decision["escalation_id"]
            barrier = threading.Barrier(2)

            def resolve(
                app: TestClient, headers: dict[str, str], action: str, esc: str = esc, barrier: Any = barrier
            ) -> Any:
                barrier.wait()
                return app.post(f"/v1/escalations/{esc}/resolve", json={"action": action}, headers=headers)

            with ThreadPoolExecutor(2) as pool:
                a = pool.submit(resolve, first, reviewers[0], "approve")
                b = pool.submit(resolve, second, reviewers[1], "block")
                answers = [a.result(), b.result()]

            codes = sorted(r.status_code for r in answers)
            assert codes == [200, 409], [r.text for r in answers]
            winner = next(r.json() for r in answers if r.status_code == 200)
            loser = next(r.json() for r in answers if r.status_code == 409)
            assert loser["error"]["code"] == "conflict"
            # Both processes now read the same single resolution: the winner's.
            for app in (first, second):
                final = app.get(f"/v1/reviews/{decision['review_id']}", headers=client).json()
                assert final["verdict"] == winner["verdict"]
                assert final["escalation"]["resolved_by"] == winner["escalation"]["resolved_by"]
                assert final["escalation"]["status"] == "resolved"

        for app in (first, second):
            call(app, state(app).escalations.drain)

    deliveries = receiver.wait_for(RACES)
    assert len(deliveries) == RACES  # one callback per escalation, not one per resolver


def test_two_processes_sent_one_escalating_request_id_keep_one_paused_thread(any_settings: Settings) -> None:
    # Both store the pending review; the second insert loses on the request id and returns the first's decision.
    # Before, the loser's checkpointed thread stayed behind, paused for ever, with nothing pointing at it.
    apps = [TestClient(create_app(any_settings)) for _ in range(2)]
    with apps[0] as one, apps[1] as two, ThreadPoolExecutor(2) as pool:
        for n in range(RACES):
            gate = threading.Barrier(2)

            def send(client: TestClient, n: int = n, gate: threading.Barrier = gate) -> dict[str, Any]:
                gate.wait()
                response = client.post("/v1/reviews", json={**URGENT, "id": f"race-{n}"})
                assert response.status_code == 200, response.text
                body: dict[str, Any] = response.json()
                return body

            first, second = pool.map(send, (one, two))
            assert first["review_id"] == second["review_id"] and first["verdict"] == "escalate"
        checkpointer = state(one).runtime.storage.checkpointer
        threads = {c.config["configurable"]["thread_id"] for c in call(one, _all_checkpoints, checkpointer)}
    assert len(threads) == RACES


async def _all_checkpoints(checkpointer: Any) -> list[Any]:
    return [c async for c in checkpointer.alist(None)]
