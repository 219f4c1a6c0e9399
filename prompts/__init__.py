"""Reviewer prompt templates: versioned text, one per task and domain, shipped inside the package.

Layout (the shipped set lives next to this file; ``OVERSIGHT_PROMPT_DIR`` may point at a folder with the
same layout, whose files override the shipped ones one by one)::

    <task>/_base.md       role, rubric and output contract shared by every domain of the task,
                          then a ``<!-- user -->`` line, then the user-message template
    <task>/<domain>.md    what the reviewer must look for in this domain

``task`` is ``review`` or ``rewrite``; ``domain`` is one of :class:`service.vocabulary.Domain`. Each file
starts with a front-matter block holding a ``version:`` line::

    ---
    version: 2026.11.1
    ---

:func:`load_prompt` returns a :class:`PromptTemplate`. Its :attr:`~PromptTemplate.system` text is static
(base + domain guidance + the policy text rendered from the ``DomainPolicy`` rules): it contains nothing
from the request, so consecutive reviews in one domain send a byte-identical, cacheable prefix. Untrusted
material only enters through :meth:`PromptTemplate.render_user`, fenced with a per-request boundary.

The JSON schema of the verdict (:func:`verdict_schema`) is part of the prompt contract and lives here too.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from service.errors import ConfigurationError
from service.vocabulary import Domain

if TYPE_CHECKING:
    from service.policy.model import DomainPolicy
    from service.reviewers.base import ReviewItem

Task = Literal["review", "rewrite"]
TASKS: tuple[Task, ...] = ("review", "rewrite")
USER_SEPARATOR = "<!-- user -->"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<head>.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
_VERSION = re.compile(r"^version:[ \t]*[\"']?(?P<v>[A-Za-z0-9._+-]{1,64})[\"']?[ \t]*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_USER_FIELDS = frozenset({"domain", "kind", "notice", "signals", "material", "revision"})
_MAX_FINDING_MESSAGE = 300
_RULE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,200}")


class PromptError(ConfigurationError):
    """A prompt template is missing or invalid; names the file."""

    code = "prompt_invalid"


def shipped_prompt_dir() -> Path:
    """The prompt templates that ship inside the package."""
    return Path(str(files("prompts")))


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    version: str
    body: str


def _parse(path: Path) -> _Source:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"{path}: cannot read prompt template: {exc}") from exc
    m = _FRONT_MATTER.match(text)
    if m is None:
        raise PromptError(f"{path}:1: a prompt template must start with a front-matter block (--- ... ---)")
    v = _VERSION.search(m.group("head"))
    if v is None:
        raise PromptError(f"{path}:2: front matter needs a `version:` line (letters, digits, . _ + -)")
    body = text[m.end() :].replace("\r\n", "\n").strip("\n") + "\n"
    return _Source(path, v.group("v"), body)


@lru_cache(maxsize=256)
def _read(path: str, mtime_ns: int) -> _Source:  # mtime in the key: an edited file is re-read
    return _parse(Path(path))


def _locate(task: str, name: str, prompt_dir: Path | None) -> _Source:
    candidates = [prompt_dir / task / name] if prompt_dir is not None else []
    candidates.append(shipped_prompt_dir() / task / name)
    for path in candidates:
        try:
            stat = path.stat()
        except OSError:
            continue
        return _read(str(path), stat.st_mtime_ns)
    raise PromptError(f"{candidates[0]}: prompt template not found")


def render_policy(policy: DomainPolicy) -> str:
    """The domain policy as reviewer-readable text. Deterministic: same policy, same bytes."""
    t = policy.thresholds
    lines = [
        f"## Policy for domain `{policy.domain.value}` (version {policy.version})",
        "",
    ]
    if policy.description.strip():
        lines += [" ".join(policy.description.split()), ""]
    lines += [
        f"- A finding of severity `{t.block_severity.value}` or worse means the output must not be shown "
        "as is: propose `block` (or `rewrite` with a safe replacement, for answers).",
        f"- A finding of severity `{t.rewrite_severity.value}` or worse needs `rewrite`, `block` or `escalate`.",
        f"- If your confidence is below {t.min_confidence:g}, the service escalates to a human anyway; "
        "report your real confidence.",
        "",
        f"Rules (use these ids in `findings[].rule` when one applies; otherwise use `{policy.domain.value}.reviewer`):",
    ]
    if policy.rules:
        lines += [f"- `{r.id}` ({r.severity.value}): {' '.join(r.message.split())}" for r in policy.rules]
    else:
        lines.append("- (no deterministic rules in this domain)")
    return "\n".join(lines) + "\n"


def _as_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for p in content:
            if isinstance(p, dict):
                text = p.get("text")
                if isinstance(text, str):
                    parts.append(text)
            elif isinstance(p, str):
                parts.append(p)
        return "\n".join(parts)
    return json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)


def render_conversation(messages: list[dict[str, Any]]) -> str:
    """A chat conversation as ``role: text`` paragraphs (still untrusted: fence it)."""
    out = []
    for m in messages:
        role = str(m.get("role", "unknown"))
        name = m.get("name")
        who = f"{role} ({name})" if isinstance(name, str) and name else role
        out.append(f"{who}: {_as_text(m.get('content'))}")
    return "\n\n".join(out)


def _signals(item: ReviewItem) -> str:
    """What Oversight's own deterministic checks found, as trusted text: the class, rule ids and severities.

    A finding's message is not here: many quote the material (a path, a host, a parser error, the first words
    of a command), so they are fenced with it (``_findings``)."""
    lines = []
    a = item.analysis
    if a.response_class is not None:
        lines.append(
            f"- Detected response class: `{a.response_class.value}` (confidence {a.response_class_confidence:.2f})."
        )
    for n, f in enumerate(item.findings, 1):
        rule = f.rule if _RULE_ID.fullmatch(f.rule) else "(a rule id that is not a plain name)"
        lines.append(f"- Policy finding {n}: `{rule}` ({f.severity.value}); its message is in the `findings` block.")
    return "\n".join(lines) if lines else "- None."


def _findings(item: ReviewItem) -> str:
    """The findings' messages, numbered as in the signals (fenced: they may quote the material)."""
    return "\n".join(
        f"{n}. {f.rule}: {' '.join(f.message.split())[:_MAX_FINDING_MESSAGE]}" for n, f in enumerate(item.findings, 1)
    )


def _material(item: ReviewItem, boundary: str) -> str:
    from service.reviewers._fence import fence

    blocks = []
    if item.kind == "action":
        if item.goal:
            blocks.append(("goal", "The user's task, in the user's words", item.goal))
        if item.messages:
            blocks.append(("transcript", "The agent's session so far", render_conversation(item.messages)))
        action = json.dumps(item.action or {}, ensure_ascii=False, sort_keys=True, indent=2, default=str)
        # The action is the whole material: ``item.output`` is only its text form for the rules (not words the
        # agent wrote), so it is not shown a second time under another label.
        blocks.append(("action", "The proposed tool call (JSON)", action))
    else:
        if item.messages:
            blocks.append(
                ("conversation", "The conversation the fast model answered", render_conversation(item.messages))
            )
        elif item.prompt:
            blocks.append(("prompt", "What the fast model was asked", item.prompt))
        blocks.append(("output", "The fast model's answer under review", item.output))
    if item.findings:
        blocks.append(
            ("findings", "What Oversight's checks said (the messages may quote the material above)", _findings(item))
        )
    return "\n\n".join(f"{title}:\n{fence(label, text, boundary)}" for label, title, text in blocks)


def _substitute(template: str, values: dict[str, str]) -> str:
    """One pass over the template: substituted values are never re-scanned for placeholders."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """One loaded prompt: static system blocks plus a user-message template."""

    task: Task
    domain: Domain
    version: str
    base: str
    """First system block: role, rubric, output contract. Identical for every domain of the task."""
    guidance: str
    """Second system block: the domain's guidance and, when a policy was given, its rendered rules."""
    user_template: str
    sources: tuple[str, ...]

    @property
    def system(self) -> str:
        """The static system prompt (no request data, no boundary): ``base`` then ``guidance``."""
        return f"{self.base}\n{self.guidance}"

    def system_blocks(self) -> list[str]:
        """The system prompt as separately cacheable blocks, in order."""
        return [self.base, self.guidance]

    def render_user(self, item: ReviewItem, boundary: str) -> str:
        """The user message for ``item``: every piece of untrusted text fenced with ``boundary``."""
        from service.reviewers._fence import data_notice

        revision = (
            f"This is revision {item.revision}: the output below is a rewrite and must be checked again from scratch."
            if item.revision
            else "This is the first review of this output."
        )
        values = {
            "domain": item.domain.value,
            "kind": "agent action" if item.kind == "action" else "answer",
            "notice": data_notice(boundary),
            "signals": _signals(item),
            "material": _material(item, boundary),
            "revision": revision,
        }
        return _substitute(self.user_template, values)


def _split_base(src: _Source) -> tuple[str, str]:
    if src.body.count(USER_SEPARATOR) != 1:
        raise PromptError(f"{src.path}: a _base.md template needs exactly one `{USER_SEPARATOR}` line")
    system, user = src.body.split(USER_SEPARATOR)
    unknown = set(_PLACEHOLDER.findall(user)) - _USER_FIELDS
    if unknown:
        raise PromptError(f"{src.path}: unknown placeholder(s) {sorted(unknown)}; known: {sorted(_USER_FIELDS)}")
    if "{{" in system:
        raise PromptError(f"{src.path}: the system part of a template takes no placeholders")
    if "material" not in _PLACEHOLDER.findall(user):
        raise PromptError(f"{src.path}: the user template must contain {{{{material}}}}")
    return system.strip("\n") + "\n", user.strip("\n") + "\n"


def load_prompt(
    task: str,
    domain: Domain | str,
    policy: DomainPolicy | None = None,
    *,
    prompt_dir: Path | None = None,
) -> PromptTemplate:
    """Load the template for ``task`` in ``domain`` (user folder first, then the shipped set).

    With ``policy`` the domain's rules are rendered into the second system block.
    Raises :class:`PromptError` (a ``ConfigurationError``) naming the file when a template is bad.
    """
    if task not in TASKS:
        raise PromptError(f"unknown prompt task {task!r}; known: {', '.join(TASKS)}")
    try:
        dom = Domain(domain)
    except ValueError as exc:
        raise PromptError(f"unknown domain {domain!r}") from exc
    if policy is not None and policy.domain is not dom:
        raise PromptError(f"policy for {policy.domain.value!r} given for a {dom.value!r} prompt")
    base_src = _locate(task, "_base.md", prompt_dir)
    dom_src = _locate(task, f"{dom.value}.md", prompt_dir)
    system, user = _split_base(base_src)
    if "{{" in dom_src.body:
        raise PromptError(f"{dom_src.path}: domain guidance takes no placeholders")
    guidance = dom_src.body
    if policy is not None:
        guidance = f"{guidance}\n{render_policy(policy)}"
    return PromptTemplate(
        task=task,
        domain=dom,
        version=f"{task}/{dom.value}@{dom_src.version}+base@{base_src.version}",
        base=system,
        guidance=guidance,
        user_template=user,
        sources=(str(base_src.path), str(dom_src.path)),
    )


def validate_prompts(prompt_dir: Path | None = None) -> list[str]:
    """Load every template once (start-up check); returns their versions. Raises :class:`PromptError`, also for
    a template in ``prompt_dir`` that nothing would read (:func:`unread_templates`)."""
    if prompt_dir is not None and (unread := unread_templates(prompt_dir)):
        raise PromptError("; ".join(unread))
    return [load_prompt(t, d, prompt_dir=prompt_dir).version for t in TASKS for d in Domain]


def unread_templates(prompt_dir: Path) -> list[str]:
    """The ``.md`` files of a user's prompt folder that no task or domain reads (``review/heatlh.md``,
    ``reviews/health.md``), each with the name it was probably meant to have. Such a file would be ignored
    without a word while the shipped template is sent in its place: the override the user wrote never applies.
    Other files (a README at the top, notes that are not ``.md``) are left alone."""
    names = ["_base", *(d.value for d in Domain)]
    problems: list[str] = []
    try:
        folders = sorted(p for p in prompt_dir.iterdir() if p.is_dir())
    except OSError as exc:
        return [f"{prompt_dir}: cannot read the prompt folder: {exc.strerror or exc}"]
    for folder in folders:
        try:
            templates = sorted(p for p in folder.iterdir() if p.suffix == ".md" and p.is_file())
        except OSError:
            continue
        if folder.name not in TASKS:
            if templates:
                near = difflib.get_close_matches(folder.name, TASKS, n=1, cutoff=0.6)
                hint = f"; did you mean {near[0]}/?" if near else f"; tasks are {', '.join(TASKS)}"
                problems.append(f"{folder}: no prompt task of this name, so its templates are never read{hint}")
            continue
        for path in templates:
            if path.stem not in names:
                near = difflib.get_close_matches(path.stem, names, n=1, cutoff=0.6)
                hint = f"did you mean {near[0]}.md?" if near else f"templates are {', '.join(n + '.md' for n in names)}"
                problems.append(f"{path}: no domain of this name, so it is never read; {hint}")
    return problems


# --------------------------------------------------------------------------- the verdict's JSON schema

_DROP_KEYS = frozenset({"title", "default", "maxLength", "minLength", "pattern", "format"})


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = defs[node["$ref"].rsplit("/", 1)[-1]]
            merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
            return _inline(merged, defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _strictify(node: Any, *, strict: bool) -> Any:
    if isinstance(node, list):
        return [_strictify(v, strict=strict) for v in node]
    if not isinstance(node, dict):
        return node
    node = {
        k: (
            {name: _strictify(sub, strict=strict) for name, sub in v.items()}
            if k == "properties" and isinstance(v, dict)
            else _strictify(v, strict=strict)
        )
        for k, v in node.items()
        if k not in _DROP_KEYS
    }
    # anyOf [X, null] with a scalar X -> X with a type list (what strict modes understand best);
    # nullable objects keep the documented anyOf form.
    any_of = node.get("anyOf")
    if isinstance(any_of, list) and len(any_of) == 2 and {"type": "null"} in any_of:
        other = next(o for o in any_of if o != {"type": "null"})
        if isinstance(other.get("type"), str) and other["type"] not in ("object", "array"):
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            merged = {**other, **rest, "type": [other["type"], "null"]}
            if "enum" in merged:
                merged["enum"] = [*merged["enum"], None]
            node = merged
    if node.get("type") == "object" and "properties" in node:
        node["additionalProperties"] = False
        if strict:
            node["required"] = list(node["properties"])
    return node


@lru_cache(maxsize=2)
def _verdict_schema_json(strict: bool) -> str:
    from service.reviewers.base import ReviewerVerdict

    raw = ReviewerVerdict.model_json_schema()
    inlined = _inline(raw, raw.get("$defs", {}))
    return json.dumps(_strictify(inlined, strict=strict), sort_keys=True)


def verdict_schema(*, strict: bool = True) -> dict[str, Any]:
    """JSON schema of :class:`~service.reviewers.base.ReviewerVerdict`, no ``$ref``.

    ``strict=True`` gives the OpenAI strict subset: every property required, ``additionalProperties:
    false`` everywhere, optional values nullable through type lists. Length limits are left to pydantic.
    Deterministic: the same bytes every call (part of the cached prompt prefix).
    """
    result: dict[str, Any] = json.loads(_verdict_schema_json(strict))
    return result


def repair_message(error: str) -> str:
    """What a reviewer is told when its verdict failed validation (one repair attempt)."""
    return (
        "Your verdict was not valid and was not recorded. Validation error:\n"
        f"{error[:2000]}\n"
        "Submit the complete verdict again, correcting the problem. Follow the schema exactly; do not add "
        "fields; `rewrite` must be null unless `verdict` is `rewrite`."
    )
