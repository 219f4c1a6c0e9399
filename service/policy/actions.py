"""The local half of an agent-action review: deterministic findings for one proposed tool call.

``analyse_action`` never calls a model and never raises. Tools:

- ``shell`` ``{"command"}`` — parsed with bashlex (:mod:`service.policy.shell`);
- ``write_file`` ``{"path","content"}`` / ``edit_file`` ``{"path","old","new"}`` — protected paths, CI config,
  git hooks, shell rc, secrets in the written text;
- ``read_file`` ``{"path"}`` — credential files;
- ``http_request`` ``{"method","url","body"}`` — unlisted hosts, secrets in the body;
- ``mcp:<server>/<tool>`` — string arguments inspected for commands, SQL, URLs, paths and secrets;
- ``dynamic:[<namespace>/]<tool>`` — a tool the agent's host defines and runs (a Codex dynamic tool): the same;
- ``sandbox_grant`` ``{"read": [...], "write": [...], "network", "scope"}`` — the agent asks for its sandbox to be
  widened (a Codex permission request): each folder judged by everything under it.

Claude Code's own shapes (``Bash``, ``Write``, ``Edit``, ``Read``, ``WebFetch``, ``mcp__server__tool`` with
``file_path``/``old_string``/``new_string``) are accepted as aliases.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.policy.action_model import ActionPolicy
from service.policy.alignment import check_alignment
from service.policy.shell import (
    TOP_LEVEL_CRITICAL,
    PathContext,
    ShellAnalyser,
    git_config_exec_keys,
    host_allowed,
    host_of,
    is_git_config_file,
    is_within,
    rule_category,
    sql_rules,
)
from service.schemas import Finding
from service.vocabulary import Risk, Severity

S = Severity

SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws_access_key", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("aws_secret_key", re.compile(r"(?i)aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}")),
    ("github_token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("anthropic_key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("openai_key", re.compile(r"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")),
    ("private_key", re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----")),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("stripe_key", re.compile(r"\b[rs]k_live_[0-9a-zA-Z]{24,}\b")),
    ("gitlab_token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("npm_token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
)
_PLACEHOLDER = re.compile(r"(?i)(x{6,}|your[_-]?(api[_-]?)?key|<[^>]*>|\.\.\.|example|dummy|placeholder|changeme)")

_SEND_VERBS = re.compile(
    r"(?i)(send|post|upload|email|mail|message|publish|share|comment|create_?issue|tweet|"
    r"webhook|notify|transfer|put|write_?remote|sms)"
)
_WRITE_VERBS = re.compile(
    r"(?i)(write|create|edit|save|append|update|put|patch|replace|insert|modify|move|rename|"
    r"mkdir|upload)"
)
_DELETE_VERBS = re.compile(r"(?i)(delete|remove|rm\b|unlink|destroy|drop|purge|wipe|truncate|clear)")
_CMD_KEYS = frozenset({"command", "cmd", "script", "shell", "bash", "commandline", "command_line", "args_string"})
_CODE_KEYS = frozenset({"code", "python", "source", "snippet"})
_SQL_KEYS = frozenset({"sql", "query", "statement", "statements", "sql_query", "sql_statement"})
# A value is read as SQL only when it starts like a statement (after comments), so a search ``query`` such as
# "how do I drop a table" stays text.
_SQL_START = re.compile(
    r"(?is)^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*"
    r"(with|select|insert|update|delete|drop|truncate|alter|create|grant|revoke|merge|replace|begin|set|call)\b"
)
_URL_KEYS = frozenset({"url", "uri", "endpoint", "href", "link", "webhook", "webhook_url", "target_url"})
_PATH_KEYS = frozenset(
    {
        "path",
        "file",
        "file_path",
        "filename",
        "filepath",
        "directory",
        "dir",
        "folder",
        "target",
        "destination",
        "dest",
        "src",
        "source_path",
        "item_path",
        "local_file_path",
        "paths",
        "files",
        "file_paths",
        "source",
        "sources",
        "destinations",
    }
)
# Path keys naming what a move/copy/rename tool takes from: its content goes elsewhere, so it is read.
_SOURCE_KEYS = frozenset({"source", "sources", "src", "source_path"})


@dataclass
class ActionAnalysis:
    """The deterministic analysis of one agent action."""

    findings: list[Finding] = field(default_factory=list)
    risk: Risk = Risk.low
    categories: set[str] = field(default_factory=set)
    unparseable: bool = False

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def find_secrets(text: str) -> list[tuple[str, str]]:
    """``(kind, match)`` for every API-key / private-key pattern in ``text`` (placeholders skipped)."""
    out: list[tuple[str, str]] = []
    for kind, rx in SECRET_PATTERNS:
        for m in rx.finditer(text):
            if kind != "private_key" and _PLACEHOLDER.search(m.group(0)):
                continue
            out.append((kind, m.group(0)))
    return out


def _redact(secret: str) -> str:
    return secret[:6] + "…" if len(secret) > 10 else "…"


def _normalise_tool(tool: str, inp: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    t = tool.strip()
    low = t.lower()
    if low in ("bash", "shell", "terminal", "terminalexecute", "run_shell", "exec", "local_shell", "powershell"):
        return "shell", {"command": inp.get("command") or inp.get("cmd") or ""}
    if low in ("write", "write_file", "create_file", "notebookedit"):
        return "write_file", {
            "path": inp.get("path") or inp.get("file_path") or inp.get("notebook_path") or "",
            "content": inp.get("content") or inp.get("new_source") or "",
        }
    if low in ("edit", "edit_file", "multiedit", "str_replace", "apply_patch"):
        new = inp.get("new") if inp.get("new") is not None else inp.get("new_string", "")
        if "edits" in inp and isinstance(inp["edits"], list):
            new = "\n".join(str(e.get("new_string", "")) for e in inp["edits"] if isinstance(e, dict))
        if low == "apply_patch":
            new = str(inp.get("patch") or inp.get("input") or "")
        return "edit_file", {"path": inp.get("path") or inp.get("file_path") or "", "new": new or ""}
    if low in ("read", "read_file", "view", "cat"):
        return "read_file", {"path": inp.get("path") or inp.get("file_path") or ""}
    if low in ("http_request", "webfetch", "fetch", "http", "web_fetch", "browse"):
        return "http_request", {
            "method": inp.get("method", "GET"),
            "url": inp.get("url") or "",
            "body": inp.get("body") or inp.get("data") or "",
            "headers": inp.get("headers"),
        }
    if low.startswith("mcp__"):
        parts = t.split("__")
        return f"mcp:{parts[1] if len(parts) > 1 else ''}/{'__'.join(parts[2:])}", inp
    return t, inp


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def analyse_action(
    tool: str,
    input: dict[str, Any],
    cwd: str | None,
    policy: ActionPolicy,
    *,
    goal: str | None = None,
    transcript_texts: Sequence[str] = (),
) -> ActionAnalysis:
    """Deterministic findings, risk tier and categories for one proposed agent action. Never raises."""
    inp = input if isinstance(input, dict) else {"value": input}
    name, inp = _normalise_tool(tool, inp)
    paths = PathContext(policy, cwd)
    an = ShellAnalyser(paths)
    action_text = ""
    try:
        if name == "shell":
            command = _as_text(inp.get("command", ""))
            action_text = command
            an.analyse(command)
        elif name in ("write_file", "edit_file"):
            path = _as_text(inp.get("path", ""))
            content = _as_text(inp.get("content" if name == "write_file" else "new", ""))
            action_text = f"{path}\n{content[:2000]}"
            _file_write(an, path, content)
        elif name == "read_file":
            path = _as_text(inp.get("path", ""))
            action_text = path
            an.check_read(path, "cat", path, None)
        elif name == "http_request":
            url = _as_text(inp.get("url", ""))
            body = _as_text(inp.get("body", "")) if inp.get("body") else ""
            headers = _as_text(inp.get("headers")) if inp.get("headers") else ""
            method = _as_text(inp.get("method", "GET")).upper()
            action_text = f"{method} {url}\n{body[:2000]}"
            _http(an, method, url, body, headers)
        elif name == "sandbox_grant":
            action_text = _as_text(inp)[:4000]
            _grant(an, inp)
        elif name.startswith("mcp:") or name:
            action_text = _as_text(inp)[:4000]
            _mcp(an, name, inp)
    except RecursionError:
        an._unparseable(action_text or tool, "nesting too deep")
    except Exception as exc:  # never crash a review; make it a human's call
        an._unparseable(action_text or tool, f"analyser error {type(exc).__name__}")
    findings = list(an.findings)
    if transcript_texts:
        try:
            findings.extend(check_alignment(action_text, goal, list(transcript_texts)))
        except Exception:
            pass
    return _summarise(findings, an.unparseable)


def _summarise(findings: list[Finding], unparseable: bool) -> ActionAnalysis:
    top = max((f.severity.rank for f in findings), default=-1)
    if top >= S.high.rank or unparseable:
        risk = Risk.high
    elif top >= S.medium.rank:
        risk = Risk.medium
    else:
        risk = Risk.low
    return ActionAnalysis(
        findings=findings,
        risk=risk,
        categories={rule_category(f.rule) for f in findings},
        unparseable=unparseable,
    )


# ---------------------------------------------------------------------------------------------------------------
# File writes
# ---------------------------------------------------------------------------------------------------------------


def _file_write(an: ShellAnalyser, path: str, content: str) -> None:
    an.check_write(path, path)
    resolved = an.paths.resolve(path, an.cwd) or path
    if is_git_config_file(resolved, an.paths.home) and (keys := git_config_exec_keys(content)):
        an.emit(
            "persistence",
            "git_config_exec",
            S.high,
            f"The git configuration written to {path} sets {', '.join(keys)}: git runs a command from it.",
            f"{path}: {keys[0]}",
        )
    secrets = find_secrets(content)
    if secrets:
        kinds = sorted({k for k, _ in secrets})
        env_file = re.search(r"(^|/)\.env(\.[\w-]+)?$", resolved, re.IGNORECASE) is not None and an.paths.in_workspace(
            resolved
        )
        an.emit(
            "credential_access",
            "secret_in_file",
            S.medium if env_file else S.high,
            f"Writes secret material ({', '.join(kinds)}) into {path}.",
            f"{path}: {_redact(secrets[0][1])}",
        )
    is_script = resolved.endswith((".sh", ".bash", ".zsh")) or content.startswith(
        ("#!/bin/sh", "#!/bin/bash", "#!/usr/bin/env bash")
    )
    if is_script and content.strip():
        _nested_downgraded(an, lambda sub: sub.analyse(content), f"The written script {path}")
    if resolved.endswith(".ipynb") and (shell := notebook_shell(content)):
        _nested_downgraded(an, lambda sub: sub.analyse(shell), f"A notebook cell in {path}")
    if re.search(r"(^|/)(Makefile|package\.json|setup\.py|pyproject\.toml|conftest\.py)$", resolved):
        for m in re.finditer(r"(curl|wget)[^\n|]*\|\s*(ba|z)?sh\b", content):
            an.emit(
                "remote_code_execution",
                "build_hook_pipe_to_shell",
                S.high,
                f"{path} pipes a download into a shell during the build.",
                m.group(0),
            )


_CELL_SHELL_MAGIC = re.compile(r"\A[ \t]*%%(?:bash|sh|script[ \t]+(?:ba|z)?sh)\b[^\n]*\n?")
_LINE_SHELL = re.compile(r"^[ \t]*(?:!|%sx\b|%system\b)(.+)$", re.MULTILINE)


def notebook_shell(content: str) -> str:
    """The shell a Jupyter notebook's code would run: ``!cmd`` / ``%system`` lines and ``%%bash`` cells.

    ``content`` is one cell's source (a notebook edit) or a whole ``.ipynb`` document (a write); for a document,
    only code cells count. Empty when there is none."""
    sources = [content]
    if content.lstrip().startswith("{"):
        try:
            doc = json.loads(content)
        except ValueError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("cells"), list):
            sources = []
            for cell in doc["cells"]:
                if isinstance(cell, dict) and cell.get("cell_type") == "code":
                    src = cell.get("source")
                    sources.append("".join(str(x) for x in src) if isinstance(src, list) else str(src or ""))
    out: list[str] = []
    for src in sources:
        if (magic := _CELL_SHELL_MAGIC.match(src)) is not None:
            out.append(src[magic.end() :])
        else:
            out.extend(m.group(1).strip() for m in _LINE_SHELL.finditer(src))
    return "\n".join(x for x in out if x.strip())


def _nested_downgraded(an: ShellAnalyser, run: Any, label: str) -> None:
    """Run ``run(sub)`` on a fresh analyser and copy its findings one severity level lower (not executed yet)."""
    sub = ShellAnalyser(an.paths)
    try:
        run(sub)
    except Exception:
        return
    lower = {S.critical: S.high, S.high: S.medium, S.medium: S.low, S.low: S.info, S.info: S.info}
    for f in sub.findings:
        if f.rule == "tool_use.unparseable":
            continue
        sev = lower[f.severity]
        cat, _, what = f.rule.removeprefix("tool_use.").partition(".")
        an.emit(cat, what, sev, f"{label}: {f.message}", f.evidence.text if f.evidence else label)


# ---------------------------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------------------------


def _http(an: ShellAnalyser, method: str, url: str, body: str, headers: str) -> None:
    evidence = f"{method} {url}"
    if url.lower().startswith("file://"):
        an.check_read(url[7:], "cat", evidence, None)
        return
    host = host_of(url)
    allowed = host_allowed(host, an.policy.allowed_hosts)
    writes = method.upper() not in ("GET", "HEAD", "OPTIONS")  # only these leave Oversight's own API unchanged
    if an.metadata_check([url], evidence, writes=writes):  # the host in any spelling (service.policy.net)
        return
    secrets = find_secrets(body) + find_secrets(url)
    env_like = len(re.findall(r"(?m)^[A-Z][A-Z0-9_]*(SECRET|TOKEN|KEY|PASSWORD)[A-Z0-9_]*=\S+", body)) >= 1
    if secrets or env_like:
        kinds = sorted({k for k, _ in secrets}) or ["environment variables"]
        an.emit(
            "credential_access",
            "exfiltration",
            S.high if allowed else S.critical,
            f"The request sends secret material ({', '.join(kinds)}) to {host}.",
            evidence,
        )
        return
    if not allowed:
        if method in ("POST", "PUT", "PATCH") and body:
            an.emit(
                "network_egress", "post_unlisted_host", S.medium, f"Sends data to an unlisted host ({host}).", evidence
            )
        else:
            an.emit("network_egress", "unlisted_host", S.medium, f"Contacts an unlisted host ({host}).", evidence)
    if headers and find_secrets(headers) and not allowed:
        an.emit("credential_access", "exfiltration", S.critical, f"Sends a credential header to {host}.", evidence)


# ---------------------------------------------------------------------------------------------------------------
# MCP and other tools
# ---------------------------------------------------------------------------------------------------------------


def _walk(value: Any, key: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    if depth > 6:
        return
    if isinstance(value, str):
        yield key.lower(), value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, str(k), depth + 1)
    elif isinstance(value, list | tuple):
        for v in value[:100]:
            yield from _walk(v, key, depth + 1)


def _mcp(an: ShellAnalyser, name: str, inp: dict[str, Any]) -> None:
    tool_name = name.split(":", 1)[-1].split("/", 1)[-1]  # mcp:<server>/<tool>, dynamic:[<namespace>/]<tool>
    sends = bool(_SEND_VERBS.search(tool_name))
    writes = bool(_WRITE_VERBS.search(tool_name))
    deletes = bool(_DELETE_VERBS.search(tool_name))
    db_tool = bool(re.search(r"(?i)(sql|query|database|\bdb\b)", name))  # its ``input`` may be SQL
    all_text = []
    for key, val in _walk(inp):
        if not val:
            continue
        all_text.append(val)
        if (key in _SQL_KEYS or (db_tool and key in ("input", "value"))) and _SQL_START.match(
            val
        ):  # besides what follows: an ``input`` may be read as a command as well
            sql_rules(an, val, f"{tool_name}: {val[:300]}")
        if key in _CMD_KEYS or (
            re.search(r"(?i)(exec|terminal|shell|run_command)", tool_name) and key in ("input", "args", "value")
        ):
            an.analyse(val)
        elif key in _CODE_KEYS and re.search(r"(?i)(python|code|exec|eval|run)", tool_name):
            an.inline_code(val, val[:400], 0)
        elif key in _URL_KEYS or (re.match(r"(?i)^(https?|ftp)://", val) and len(val) < 2048):
            host = host_of(val)
            an.metadata_check([val], val)  # the host in any spelling (service.policy.net)
            if not host_allowed(host, an.policy.allowed_hosts):
                an.emit("network_egress", "unlisted_host", S.medium, f"{tool_name} contacts {host}.", val)
        elif key in _PATH_KEYS and len(val) < 4096:
            if deletes:
                an.check_delete(val, True, f"{tool_name} {val}")
            elif writes and key not in _SOURCE_KEYS:
                an.check_write(val, f"{tool_name} {val}")
            else:
                an.check_read(val, "cat", f"{tool_name} {val}", None)
    if sends:
        joined = "\n".join(all_text)
        secrets = find_secrets(joined)
        if secrets:
            an.emit(
                "credential_access",
                "exfiltration",
                S.critical,
                f"{tool_name} sends secret material ({secrets[0][0]}).",
                f"{tool_name}: {_redact(secrets[0][1])}",
            )


# ---------------------------------------------------------------------------------------------------------------
# Sandbox grants
# ---------------------------------------------------------------------------------------------------------------

MAX_GRANT_PATHS = 100
GRANT_KEYS = ("read", "write", "network", "scope")
GRANT_SCOPES = ("turn", "session")
_GRANT_PATHS_SHAPE = 'a list of folder paths (strings), such as ["build", "/tmp/cache"]'


def _shape(value: Any) -> str:
    """What a JSON value is, for a message: ``an object``, ``a number (5)``, ``a string ('yes')``…"""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({_as_text(value)[:60]!r})" if value.strip() else "a blank string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return "null" if value is None else type(value).__name__


def _grant_paths(an: ShellAnalyser, key: str, value: Any) -> list[str]:
    """The folders of ``input.read`` / ``input.write``: a list of path strings (a single string is one path).
    Anything else in it, or more than ``MAX_GRANT_PATHS`` folders, is a grant that cannot be judged: a
    ``tool_use.unparseable`` finding naming the field; the paths that can be read are still judged."""
    if value is None:
        return []
    evidence = f"{key} {_as_text(value)}"
    if isinstance(value, str) and value.strip():
        return [value]
    if not isinstance(value, list | tuple):
        an.cannot_judge(
            evidence,
            f"sandbox_grant input.{key} is {_shape(value)}; expected {_GRANT_PATHS_SHAPE}. A grant the analyser "
            "cannot read is not approved: a human must review it.",
        )
        return []
    good = [v for v in value if isinstance(v, str) and v.strip()]
    bad = [v for v in value if not (isinstance(v, str) and v.strip())]
    if bad:
        an.cannot_judge(
            evidence,
            f"sandbox_grant input.{key} holds {_shape(bad[0])} among its folders; expected {_GRANT_PATHS_SHAPE}. "
            "A grant the analyser cannot read is not approved: a human must review it.",
        )
    if len(good) > MAX_GRANT_PATHS:
        an.cannot_judge(
            evidence,
            f"sandbox_grant input.{key} lists {len(good)} folders; only the first {MAX_GRANT_PATHS} are judged, "
            "so a human must review the rest.",
        )
    return good[:MAX_GRANT_PATHS]


def _grant_network(an: ShellAnalyser, value: Any) -> bool:
    """``input.network``: true asks for network access, false or absent does not; anything else (``"yes"``, ``1``,
    a list of hosts) is a grant that cannot be judged."""
    if value is None or isinstance(value, bool):
        return value is True
    an.cannot_judge(
        f"network {_as_text(value)}",
        f"sandbox_grant input.network is {_shape(value)}; expected true or false. A grant the analyser cannot "
        "read is not approved: a human must review it.",
    )
    return False


def _grant(an: ShellAnalyser, inp: dict[str, Any]) -> None:
    """The agent asks for a wider sandbox: folders it may read or write from now on, and network access. A grant
    covers everything under a folder, for the rest of the turn or the session, so a folder is judged by the
    most sensitive thing inside it, not only by its own name. A grant in any other shape than the documented one
    (``read``/``write``: lists of path strings; ``network``: a boolean; ``scope``: ``turn`` or ``session``; no
    other keys) is never approved: each field that cannot be read is a ``tool_use.unparseable`` finding."""
    paths = an.paths
    for key in inp:
        if key not in GRANT_KEYS:
            an.cannot_judge(
                f"{key} {_as_text(inp[key])}",
                f"sandbox_grant has an unknown field input.{key}; expected only {', '.join(GRANT_KEYS)}. A grant the "
                "analyser cannot read is not approved: a human must review it.",
            )
    raw_scope = inp.get("scope")
    if raw_scope is not None and (not isinstance(raw_scope, str) or raw_scope.lower() not in GRANT_SCOPES):
        an.cannot_judge(
            f"scope {_as_text(raw_scope)}",
            f'sandbox_grant input.scope is {_shape(raw_scope)}; expected "turn" or "session". A grant the '
            "analyser cannot read is not approved: a human must review it.",
        )
    scope = " for the rest of the session" if str(raw_scope or "").lower() == "session" else ""

    def everything(p: str) -> bool:  # the filesystem root, a top-level system folder, the home folder or above
        return p in TOP_LEVEL_CRITICAL or p == paths.home or is_within(paths.home, p)

    for raw in _grant_paths(an, "write", inp.get("write")):
        p = paths.resolve(raw, an.cwd) or raw
        evidence = f"write {raw}"
        if everything(p):
            an.emit(
                "privilege_escalation",
                "sandbox_write_grant",
                S.critical,
                f"Asks for write access to all of {raw}{scope}: that is no sandbox at all.",
                evidence,
            )
        elif is_within(paths.home + "/.ssh", p) or is_within(p, paths.home + "/.ssh"):
            an.emit(
                "persistence",
                "sandbox_write_grant",
                S.critical,
                f"Asks for write access{scope} to {raw}, where SSH keys and authorized_keys live.",
                evidence,
            )
        elif paths.covers_secrets(p):
            an.emit(
                "credential_access",
                "sandbox_write_grant",
                S.high,
                f"Asks for write access{scope} to {raw}, which holds credentials.",
                evidence,
            )
        else:  # the folder itself, as for a write to it: protected, system, persistence, outside the workspace
            an.classify_write(p, raw, evidence, verb=f"Asks for write access{scope} to")
    for raw in _grant_paths(an, "read", inp.get("read")):
        p = paths.resolve(raw, an.cwd) or raw
        evidence = f"read {raw}"
        if p == "/" or p == paths.home or is_within(paths.home, p):
            an.emit(
                "credential_access",
                "sandbox_read_grant",
                S.high,
                f"Asks to read all of {raw}{scope}, the user's credentials included.",
                evidence,
            )
        elif paths.covers_secrets(p):
            an.emit(
                "credential_access",
                "sandbox_read_grant",
                S.high,
                f"Asks to read {raw}{scope}, which holds credentials.",
                evidence,
            )
    if _grant_network(an, inp.get("network")):
        an.emit(
            "network_egress",
            "sandbox_network_grant",
            S.medium,
            f"Asks for network access{scope}: any host, not only the allowed ones.",
            "network",
        )
