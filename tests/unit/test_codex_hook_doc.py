"""The Codex hook's configuration in ``docs/integrations.md`` must route to the hook every tool its mapping says the
hook reviews: a tool the matcher never lets through is a review that never happens."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def codex_section() -> str:
    doc = (ROOT / "docs" / "integrations.md").read_text()
    return doc.split("\n## Codex CLI\n", 1)[1].split("\n## ", 1)[0]


def test_the_pre_tool_use_matcher_routes_every_tool_the_hook_mapping_names() -> None:
    section = codex_section()
    toml = re.findall(r'\[\[hooks\.PreToolUse\]\]\nmatcher = "([^"]+)"', section)
    json = re.findall(r'"PreToolUse": \[\{"matcher": "([^"]+)"', section)
    assert len(toml) == 1 and toml == json  # the TOML and JSON snippets say the same
    mapping = section.split("\nMapping: ", 1)[1].split("\n\n", 1)[0]
    named = re.findall(r"`([^` ]+)`(?: \([^)]*\))? →", mapping)  # tool names (a patch's `Add File` → ... are not)
    tools = [name.replace("<server>", "github").replace("<tool>", "create_issue") for name in named]
    assert {"Bash", "apply_patch", "mcp__github__create_issue"} <= set(tools)
    assert [tool for tool in tools if not re.search(toml[0], tool)] == []
