"""Policy settings for coding-agent actions (the ``actions:`` section of ``policies/tool_use.yaml``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ActionPolicy(BaseModel):
    """Workspace boundaries, protected paths and allowed hosts for agent actions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workspace_root: str | None = Field(
        default=None, description="Paths outside this root are flagged; None uses the action's cwd."
    )
    protected_globs: list[str] = Field(default_factory=list)
    protected_branches: list[str] = Field(default_factory=lambda: ["main", "master"])
    allowed_hosts: list[str] = Field(default_factory=list)
