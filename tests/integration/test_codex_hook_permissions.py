"""The Codex ``PermissionRequest`` hook and the sandbox it is asked to widen: a real ``oversight serve`` on loopback and
the real ``oversight hook codex`` console script. ``approval_context`` (Codex's generated hook schema) says whether the
command keeps the turn's sandbox (``use_default``), runs outside it (``require_escalated``) or widens it for this
command (``with_additional_permissions`` + ``additional_permissions``). A request that widens the sandbox is never
answered ``allow``: the extra permissions are reviewed as a ``sandbox_grant`` (a block denies), and anything else is
left to Codex's own prompt."""

from __future__ import annotations

import subprocess
import uuid
from typing import Any

import orjson

from tests.integration.serve import OVERSIGHT, _env


def _permission(command: str, approval_context: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    """A ``PermissionRequest`` as Codex sends it (no ``tool_use_id``; ``approval_context`` is required there)."""
    payload: dict[str, Any] = {
        "session_id": f"sess-{uuid.uuid4().hex}",
        "transcript_path": None,
        "cwd": "/home/dev/shop",
        "hook_event_name": "PermissionRequest",
        "model": "gpt-5.5-codex",
        "permission_mode": "default",
        "turn_id": f"turn-{uuid.uuid4().hex[:8]}",
        "tool_name": "Bash",
        "tool_input": {"command": command},
        **extra,
    }
    if approval_context is not None:
        payload["approval_context"] = approval_context
    return payload


def _hook(payload: dict[str, Any], service: str, approve: str = "allow") -> subprocess.CompletedProcess[bytes]:
    """The hook set to allow what it approves (``--approve allow``): "never allowed" means something there."""
    return subprocess.run(
        [str(OVERSIGHT), "hook", "codex", "--approve", approve],
        input=orjson.dumps(payload),
        capture_output=True,
        env=_env(OVERSIGHT_URL=service),
        timeout=60,
    )


def _behavior(result: subprocess.CompletedProcess[bytes]) -> str:
    """What Codex does with a ``PermissionRequest`` hook's answer: ``allow``, ``deny`` or ask its user."""
    assert result.returncode == 0, result.stderr
    out = result.stdout.strip()
    if not out:
        return "ask the user"
    specific = orjson.loads(out)["hookSpecificOutput"]
    assert specific["hookEventName"] == "PermissionRequest"
    return str(specific["decision"]["behavior"])


def test_a_grant_of_write_to_root_and_network_is_denied_not_allowed(service: str) -> None:
    # The QA repro: `ls` is harmless, but it asks to stay sandboxed with write access to all of / plus the network.
    # Before: the command alone was reviewed and the hook answered allow, granting it all without a prompt.
    payload = _permission(
        "ls",
        {
            "sandbox_permissions": "with_additional_permissions",
            "additional_permissions": {"file_system": {"write": ["/"]}, "network": {"enabled": True}},
        },
    )
    result = _hook(payload, service)
    assert _behavior(result) == "deny"
    message = orjson.loads(result.stdout)["hookSpecificOutput"]["decision"]["message"]
    assert "sandbox_write_grant" in message and "write access to all of /" in message


def test_a_request_to_run_outside_the_sandbox_is_never_allowed(service: str) -> None:
    result = _hook(_permission("ls", {"sandbox_permissions": "require_escalated", "justification": "needs it"}), service)
    assert _behavior(result) == "ask the user"  # the command is fine: Codex's user decides about the sandbox
    # and a command that is blocked on its own is still denied
    blocked = _hook(_permission("rm -rf ~", {"sandbox_permissions": "require_escalated"}), service)
    assert _behavior(blocked) == "deny"


def test_an_approved_grant_is_left_to_the_user(service: str) -> None:
    # Network access alone is a medium finding: the review approves, but a grant is never given by Oversight (as
    # in the app-server proxy), so Codex asks its user.
    network = {"sandbox_permissions": "with_additional_permissions", "additional_permissions": {"network": {"enabled": True}}}
    assert _behavior(_hook(_permission("ls", network), service)) == "ask the user"
    workspace = {
        "sandbox_permissions": "with_additional_permissions",
        "additional_permissions": {"file_system": {"write": ["/home/dev/shop/build"]}},
    }
    assert _behavior(_hook(_permission("ls", workspace), service)) == "ask the user"


def test_a_request_that_does_not_say_what_it_asks_for_is_never_allowed(service: str) -> None:
    assert _behavior(_hook(_permission("ls", None), service)) == "ask the user"  # an older Codex: no approval_context
    unknown = {"sandbox_permissions": "something_new"}
    assert _behavior(_hook(_permission("ls", unknown), service)) == "ask the user"


def test_a_request_that_keeps_the_sandbox_is_still_allowed_when_approved(service: str) -> None:
    assert _behavior(_hook(_permission("ls -la", {"sandbox_permissions": "use_default"}), service)) == "allow"
    assert _behavior(_hook(_permission("rm -rf ~", {"sandbox_permissions": "use_default"}), service)) == "deny"


def test_by_default_an_approval_is_left_to_codex_and_its_user(service: str) -> None:
    # Oversight only takes permission away unless told to allow: Codex asks, as it was about to.
    keep = {"sandbox_permissions": "use_default"}
    assert _behavior(_hook(_permission("git status", keep), service, approve="normal")) == "ask the user"
    assert _behavior(_hook(_permission("rm -rf ~", keep), service, approve="normal")) == "deny"


def test_an_approval_with_a_finding_is_left_to_the_user(service: str) -> None:
    # Before: ``npm publish`` (approved, with a medium finding) was answered ``allow``, skipping Codex's prompt.
    keep = {"sandbox_permissions": "use_default"}
    assert _behavior(_hook(_permission("npm publish", keep), service)) == "ask the user"
    assert _behavior(_hook(_permission("git status", keep), service)) == "allow"
