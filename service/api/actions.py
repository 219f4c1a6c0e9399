"""POST /v1/actions/reviews, GET /v1/actions/reviews/{review_id}: review a coding agent's proposed action;
POST .../withdraw, POST /v1/actions/ran and POST /v1/actions/turn-ended: the agent reports what became of escalated
ones."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from service import auth
from service.api._common import DUPLICATE_REQUEST, ERROR_RESPONSES, check_limits, in_flight
from service.deps import PrincipalDep, RuntimeDep, SettingsDep
from service.errors import Forbidden, NotFound, RequestInvalid
from service.escalations import service_of
from service.schemas import ActionReviewRequest, Decision, IdempotencyKey
from service.telemetry_http import incoming_context

router = APIRouter(prefix="/v1/actions", tags=["actions"])

TOOLS = ("shell", "write_file", "edit_file", "read_file", "http_request", "sandbox_grant")
_MCP = re.compile(r"^mcp:[^/\s]+/\S+$")
_DYNAMIC = re.compile(r"^dynamic:(?:[^/\s]+/)?[^/\s]\S*$")


REQUIRED = {"shell": "command", "write_file": "path", "edit_file": "path", "read_file": "path", "http_request": "url"}
"""The input each built-in tool cannot be reviewed without (a non-empty string)."""
_OPTIONAL_TEXT = {"write_file": ("content",), "edit_file": ("old", "new"), "http_request": ("method",)}
_GRANT_KEYS = ("read", "write", "network")


def check_tool(body: ActionReviewRequest) -> None:
    """The action vocabulary: the five built-in tools, ``sandbox_grant`` (the agent asks for a wider sandbox),
    ``mcp:<server>/<tool>``, or ``dynamic:[<namespace>/]<tool>`` (a tool the agent's host application defines and
    runs itself, such as a Codex dynamic tool); and the input a built-in tool needs. An action with nothing to
    review (a shell call without a command) is a 422 naming the field, never an approval of nothing."""
    tool = body.action.tool
    if tool not in TOOLS and not _MCP.match(tool) and not _DYNAMIC.match(tool):
        raise RequestInvalid(
            f"unknown tool {tool!r}: use one of {', '.join(TOOLS)}, mcp:<server>/<tool> or dynamic:<tool>",
            field="action.tool",
        )
    inp = body.action.input
    if (key := REQUIRED.get(tool)) is not None:
        value = inp.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RequestInvalid(f"{tool} needs input.{key}: a non-empty string", field=f"action.input.{key}")
    for key in _OPTIONAL_TEXT.get(tool, ()):
        if inp.get(key) is not None and not isinstance(inp[key], str):
            raise RequestInvalid(f"{tool}'s input.{key} must be a string", field=f"action.input.{key}")
    if body.asks_user and body.hold_ms is not None:
        raise RequestInvalid(
            "asks_user and hold_ms exclude each other: a held action waits for a reviewer, not for the user",
            field="asks_user",
        )
    if tool == "sandbox_grant" and not any(inp.get(k) for k in _GRANT_KEYS):
        raise RequestInvalid(
            "sandbox_grant needs at least one of input.read, input.write (folders) or input.network: true",
            field="action.input",
        )


@router.post("/reviews", response_model=Decision, responses={**ERROR_RESPONSES, **DUPLICATE_REQUEST})
async def create_action_review(
    body: ActionReviewRequest, request: Request, runtime: RuntimeDep, settings: SettingsDep, principal: PrincipalDep
) -> Decision:
    """Review one agent action (shell, file, network or MCP tool call): approve, block or escalate."""
    if principal.role == "reviewer":
        raise Forbidden("reviewer keys cannot submit reviews")
    check_tool(body)
    check_limits(body, settings)
    async with in_flight(request.app, principal):
        return await runtime.review(body, principal.tenant, parent=incoming_context(request), key_id=principal.key_id)


class WithdrawRequest(BaseModel):
    """Why the caller stopped waiting (optional)."""

    model_config = {"extra": "forbid"}

    note: str | None = Field(
        default=None, max_length=4000, description="Kept with the decision as the resolution's note."
    )


async def _action(review_id: str, runtime: RuntimeDep, tenant: str | None) -> Decision:
    decision = await runtime.get(review_id, tenant)
    if decision.kind != "action":
        raise NotFound(f"no action review {review_id!r}", field="review_id")
    return decision


@router.get("/reviews/{review_id}", response_model=Decision, responses=ERROR_RESPONSES)
async def get_action_review(review_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> Decision:
    """The recorded decision about an action; after an escalation is resolved, the final one."""
    return await _action(review_id, runtime, auth.tenant_scope(principal))


@router.post("/reviews/{review_id}/withdraw", response_model=Decision, responses=ERROR_RESPONSES)
async def withdraw_action_review(
    review_id: str, request: Request, runtime: RuntimeDep, principal: PrincipalDep, body: WithdrawRequest | None = None
) -> Decision:
    """The agent stopped waiting for a human (its hold ran out): a still-pending escalation is blocked now and
    recorded as expired by the caller's key, so the inbox and the record say the action did not run. Returns the
    final decision: if a human resolved it first, theirs; if nothing is pending, the decision as it is."""
    if principal.role == "reviewer":
        raise Forbidden("reviewer keys resolve escalations in the inbox; withdrawing is for the agent's key")
    tenant = auth.tenant_scope(principal)
    decision = await _action(review_id, runtime, tenant)
    return await service_of(request.app.state).withdraw(
        decision, tenant, auth.identity(principal), body.note if body else None
    )


class RanRequest(BaseModel):
    """The agent's report that an action it was told to ask about ran."""

    model_config = {"extra": "forbid"}

    request_id: IdempotencyKey = Field(description="The `id` the action review request was sent with.")
    agent: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._\-]+$",
        description="Whose prompt the user answered (`claude-code`); recorded as `resolved_by: agent-user:<agent>`.",
    )
    note: str | None = Field(default=None, max_length=4000, description="Kept with the decision as the note.")


@router.post("/ran", response_model=Decision, responses=ERROR_RESPONSES)
async def action_ran(body: RanRequest, request: Request, runtime: RuntimeDep, principal: PrincipalDep) -> Decision:
    """The agent reports that an action ran after its hook answered `ask`: the user approved it at the agent's own
    permission prompt. A still-pending escalation closes as approved by that user, so no reviewer is asked about
    something already done. Otherwise (approved, blocked, already resolved or withdrawn) the decision is returned
    as it is. 404 when no action review was sent with that `id`."""
    if principal.role == "reviewer":
        raise Forbidden("reviewer keys resolve escalations in the inbox; reporting a run is for the agent's key")
    decision = await runtime.store.find_by_request(principal.tenant, body.request_id)
    if decision is None or decision.kind != "action":
        raise NotFound(f"no action review was sent with id {body.request_id!r}", field="request_id")
    return await service_of(request.app.state).ran(
        decision,
        auth.tenant_scope(principal),
        body.agent,
        auth.identity(principal),
        body.note,
        key_id=auth.reporting_key(principal),
    )


class TurnEndedRequest(BaseModel):
    """The agent's report that its turn ended (Claude Code's ``Stop``): every prompt of the turn was answered."""

    model_config = {"extra": "forbid"}

    agent: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._\-]+$",
        description="Whose turn ended (`claude-code`); recorded as `resolved_by: agent-user:<agent>`.",
    )
    session_id: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"\S",
        description="The agent's session: the `context.session_id` its action reviews were sent with.",
    )
    agent_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Whose turn within the session ended (Claude Code's `agent_id`, on `SubagentStop`): only the "
        "escalations of action reviews sent with this `agent.agent_id` close. Absent: the main agent's turn, "
        "whose escalations are those sent without one (its subagents' are left to their own report).",
    )
    note: str | None = Field(default=None, max_length=4000, description="Kept with each closed decision as the note.")


class TurnEndedResult(BaseModel):
    """What the report closed."""

    closed: list[str] = Field(description="Review ids of the escalations closed as block (empty when none).")


@router.post("/turn-ended", response_model=TurnEndedResult, responses=ERROR_RESPONSES)
async def action_turn_ended(body: TurnEndedRequest, request: Request, principal: PrincipalDep) -> TurnEndedResult:
    """The agent's turn ended (Claude Code's `Stop` hook): every permission prompt of the turn has been answered, so
    a still-pending escalation of this session that was requested with `asks_user: true` was not approved at the
    prompt (the user declined, which fires no hook), or its run report was lost. Each closes as **block**, withdrawn
    (`expired`, `resolved_by: agent-user:<agent>`), instead of waiting for its time limit (1 h for the shipped tool-use policy) while a reviewer
    might approve a call that never ran. Escalations held for a reviewer (`hold_ms`), those without `asks_user`,
    other agents' of the session (a different `agent.agent_id`: a subagent's, for the main agent's report), and
    other sessions' or tenants' are untouched.

    It can never approve anything: the agent's key is within the agent's reach (a prompt-injected agent can read
    it), and the most this lets it do is close its own session's escalations as blocked, which is what withdrawing,
    or doing nothing until the time limit, does too. 403 for reviewer keys."""
    if principal.role == "reviewer":
        raise Forbidden("reviewer keys resolve escalations in the inbox; reporting a turn's end is for the agent's key")
    closed = await service_of(request.app.state).turn_ended(
        principal.tenant,
        auth.tenant_scope(principal),
        body.session_id,
        body.agent,
        auth.identity(principal),
        body.note,
        agent_id=body.agent_id,
        key_id=auth.reporting_key(principal),
    )
    return TurnEndedResult(closed=[d.review_id for d in closed])
