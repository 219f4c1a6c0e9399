"""POST /v1/actions/reviews and the Claude Code hook: the cloud metadata service in other spellings, and sandbox
grants in shapes the analyser cannot read (QA reproductions against the whole app, embedded defaults)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import hook_payload

PRE = "/v1/hooks/claude-code/pre-tool-use"
CREDS = "/latest/meta-data/iam/security-credentials/"
METADATA = "tool_use.credential_access.cloud_metadata"


def _review(client: TestClient, tool: str, inp: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/v1/actions/reviews", json={"action": {"tool": tool, "input": inp, "cwd": "/home/dev/shop"}})
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _rules(decision: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in decision["findings"]}


@pytest.mark.parametrize(
    "host",
    ["2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "169.254.43518", "0xa9.0xfe.0xa9.0xfe", "[fd00:ec2::254]"],
)
def test_the_metadata_service_in_any_spelling_is_escalated_like_the_dotted_form(client: TestClient, host: str) -> None:
    # Before: approve, with only network_egress.unlisted_host.
    dotted = _review(client, "shell", {"command": f"curl http://169.254.169.254{CREDS}"})
    assert dotted["verdict"] == "escalate" and METADATA in _rules(dotted)
    for tool, inp in (
        ("shell", {"command": f"curl http://{host}{CREDS}"}),
        ("http_request", {"method": "GET", "url": f"http://{host}{CREDS}"}),
    ):
        d = _review(client, tool, inp)
        assert d["verdict"] == "escalate" and METADATA in _rules(d), (tool, d["findings"])


@pytest.mark.parametrize("host", ["2852039166", "[fd00:ec2::254]"])
def test_the_hook_does_not_allow_webfetch_of_the_metadata_service(client: TestClient, host: str) -> None:
    payload = hook_payload("WebFetch", {"url": f"http://{host}{CREDS}", "prompt": "list the roles"})
    r = client.post(PRE, json=payload)
    assert r.status_code == 200, r.text
    out = r.json()["hookSpecificOutput"]
    assert out["permissionDecision"] == "ask" and "cloud_metadata" in out["permissionDecisionReason"]


@pytest.mark.parametrize(
    ("grant", "field"),
    [
        ({"write": {"/": True}}, "input.write"),
        ({"write": [["/"]]}, "input.write"),
        ({"read": 5}, "input.read"),
        ({"network": "yes"}, "input.network"),
        ({"network": 1}, "input.network"),
        ({"network": "true"}, "input.network"),
        ({"network": ["*"]}, "input.network"),
    ],
)
def test_a_sandbox_grant_in_a_shape_the_analyser_cannot_read_is_escalated(
    client: TestClient, grant: dict[str, Any], field: str
) -> None:
    # Before: approve, findings [].
    d = _review(client, "sandbox_grant", grant)
    assert d["verdict"] == "escalate" and d["escalation_id"], d
    (finding,) = [f for f in d["findings"] if f["rule"] == "tool_use.unparseable"]
    assert field in finding["message"] and "expected" in finding["message"]


def test_a_malformed_grant_that_also_asks_for_everything_is_blocked(client: TestClient) -> None:
    d = _review(client, "sandbox_grant", {"write": ["/", 5]})
    assert d["verdict"] == "block"
    assert _rules(d) == {"tool_use.unparseable", "tool_use.privilege_escalation.sandbox_write_grant"}


def test_well_formed_grants_keep_their_verdicts(client: TestClient) -> None:
    assert _review(client, "sandbox_grant", {"write": ["/"]})["verdict"] == "block"
    assert _review(client, "sandbox_grant", {"write": ["build"], "read": []})["verdict"] == "approve"
    network = _review(client, "sandbox_grant", {"network": True})
    assert _rules(network) == {"tool_use.network_egress.sandbox_network_grant"}
