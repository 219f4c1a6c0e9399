"""A request may carry an integer past 64 bits (a number in an agent's tool input): an escalation of it must still
be checkpointed, listed, resolved and survive a restart, on either store."""

from __future__ import annotations

import copy

from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import URGENT

BIG = 123456789012345678901234567890


def test_an_escalated_action_with_a_huge_integer_is_held_for_a_human_and_resolvable(any_settings: Settings) -> None:
    action = {"action": {"tool": "read_file", "input": {"path": "/home/x9/.aws/credentials", "n": BIG}}}
    answer = copy.deepcopy(URGENT)
    answer["messages"][0]["seq"] = BIG
    with TestClient(create_app(any_settings)) as client:
        held = client.post("/v1/actions/reviews", json=action)  # before: 500, and nothing reached the inbox
        assert held.status_code == 200, held.text
        escalated = client.post("/v1/reviews", json=answer)
        assert escalated.status_code == 200, escalated.text
        ids = [held.json()["escalation_id"], escalated.json()["escalation_id"]]
        assert all(ids)
    with TestClient(create_app(any_settings)) as client:  # a restart: the held reviews are read back
        pending = {e["escalation_id"] for e in client.get("/v1/escalations").json()["items"]}
        assert set(ids) <= pending
        detail = client.get(f"/v1/escalations/{ids[0]}").json()
        assert detail["action"]["input"]["n"] == BIG
        done = client.post(f"/v1/escalations/{ids[0]}/resolve", json={"action": "block"})
        assert done.status_code == 200 and done.json()["verdict"] == "block"
        done = client.post(f"/v1/escalations/{ids[1]}/resolve", json={"action": "approve"})
        assert done.status_code == 200 and done.json()["output"] == URGENT["output"]


def test_a_number_past_pythons_digit_limit_is_a_json_error_in_the_clients_words(client: TestClient) -> None:
    r = client.post("/v1/reviews", content=b'{"output": "x", "timeout_ms": ' + b"1" * 4301 + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "json_invalid"
    assert error["message"] == "invalid JSON: a number has more than 4300 digits"  # no sys.set_int_max_str_digits()
