"""Read ``policies/<domain>.yaml`` into typed models; a bad file stops start-up with file, line and field."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from service.errors import ConfigurationError
from service.policy.bounds import PATTERN_TIMEOUT_S
from service.policy.model import PATTERN_FIELDS, DomainPolicy, PolicySet, deferral_problem
from service.policy.pattern_cache import CACHE
from service.reviewers.registry import known_providers, spec_problem
from service.vocabulary import Domain, Severity

log = logging.getLogger(__name__)


class PolicyError(ConfigurationError):
    """A policy file is unreadable or invalid."""

    code = "policy_invalid"

    def __init__(self, path: Path, line: int | None, field: str | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        if field:
            where += f": {field}"
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.field = path, line, field


def shipped_policy_dir() -> Path:
    """The policies that ship inside the package."""
    return Path(str(files("policies")))


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """Walk the composed YAML node tree along a pydantic error location; return a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
        if node is None:
            break
    return line


def _repeated_key(node: yaml.Node, where: list[int | str], seen: set[int]) -> tuple[list[int | str], int, int] | None:
    """The first key given twice in one mapping, in document order: (its field path, its line, the first one's line).

    ``yaml.safe_load`` keeps the last of a repeated key without a word, so a merge leftover (``risk_tier: high``
    then ``risk_tier: low``) would quietly change the policy; the JSON API refuses a repeated key for the same
    reason (``json_duplicate_key``).
    """
    if id(node) in seen:  # an alias repeats a node already walked (and could make a cycle)
        return None
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, str], int] = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                line = k.start_mark.line + 1
                if (k.tag, k.value) in first:
                    return [*where, k.value], line, first[(k.tag, k.value)]
                first[(k.tag, k.value)] = line
            label: int | str = k.value if isinstance(k, yaml.ScalarNode) else "?"
            if (found := _repeated_key(v, [*where, label], seen)) is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            if (found := _repeated_key(item, [*where, i], seen)) is not None:
                return found
    return None


def _repeated_rule_id(data: dict[str, Any]) -> tuple[int, str, int] | None:
    """The first rule whose ``id`` an earlier rule has: (its index, the id, the earlier rule's index)."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return None
    first: dict[str, int] = {}
    for i, rule in enumerate(rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if not isinstance(rule_id, str):
            continue
        if rule_id in first:
            return i, rule_id, first[rule_id]
        first[rule_id] = i
    return None


def _deferral_problem(data: dict[str, Any]) -> tuple[int, int, str] | None:
    """``model.deferral_problem`` on the file's rules as written (a rule whose ``id``, ``defers_to``, ``severity``
    or ``fixed_by_removal`` is not of its type is left to the schema's own error)."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return None
    known: list[tuple[str, list[str], int, bool]] = []
    for rule in rules:
        if not isinstance(rule, dict):
            return None
        rule_id, defers_to = rule.get("id"), rule.get("defers_to", [])
        fixed, severity = rule.get("fixed_by_removal", True), rule.get("severity")
        if not (isinstance(rule_id, str) and isinstance(defers_to, list) and isinstance(fixed, bool)):
            return None
        if not all(isinstance(d, str) for d in defers_to) or severity not in {s.value for s in Severity}:
            return None
        known.append((rule_id, defers_to, Severity(severity).rank, fixed))
    return deferral_problem(known)


def _nearest_key(loc: Sequence[int | str]) -> str | None:
    """The field name closest to the unknown key at ``loc`` in the model that holds it (``on_reviewer_eror`` →
    ``on_reviewer_error``), None when none is close."""
    import difflib
    import typing

    from pydantic import BaseModel

    model: Any = DomainPolicy
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            for c in candidates:  # list[Rule], Rule | None
                inner = [a for a in typing.get_args(c) if isinstance(a, type) and issubclass(a, BaseModel)]
                if inner:
                    model = inner[0]
                    break
        if model is None:
            return None
    near = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.75)
    return near[0] if near else None


def _present(data: Any, path: Sequence[int | str]) -> bool:
    """``data`` (a mapping read from YAML) holds the dotted ``path`` (``escalation.default_action``)."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about ten times faster than the pure-Python one, which
matters for start-up: the shipped policies are ~300 KB of YAML, read twice), else PyYAML's own."""


_LOADED: dict[tuple[str, bytes], tuple[DomainPolicy, tuple[str, ...]]] = {}
"""Policies this process already read, by path and content hash, with what their reading warned of: a second app in
the same process (a test, a reload of an unchanged file) shares the validated, immutable model instead of parsing
and validating the YAML again (~80 ms a load of the shipped files)."""
_LOADED_MOST = 64


def load_policy_file(path: Path, *, warn: Callable[[str], None] | None = None) -> DomainPolicy:
    """Load and validate one policy file; ``warn`` (default: logged) hears of every rule pattern that runs under
    a time limit (``bounds.unbounded_repeats``), each time the file is loaded."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(path, None, None, f"cannot read: {exc.strerror}") from exc
    key = (str(path.resolve()), hashlib.sha256(raw).digest())
    loaded = _LOADED.get(key)
    if loaded is None:
        said: list[str] = []
        loaded = (_read_policy(path, raw, said.append), tuple(said))
        if len(_LOADED) >= _LOADED_MOST:
            _LOADED.clear()
        _LOADED[key] = loaded
    for warning in loaded[1]:
        (warn or log.warning)(warning)
    return loaded[0]


def _read_policy(path: Path, raw: bytes, warn: Callable[[str], None]) -> DomainPolicy:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PolicyError(
            path, line, None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from exc
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data: Any = yaml.load(text, Loader=_LOADER)  # a safe loader: libyaml's or PyYAML's
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyError(path, mark.line + 1 if mark else None, None, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(path, 1, None, "expected a mapping at the top level")
    if node is not None and (repeated := _repeated_key(node, [], set())) is not None:
        key_path, line, first_line = repeated
        raise PolicyError(
            path,
            line,
            ".".join(str(p) for p in key_path),
            f"key given twice (first on line {first_line}); remove one: YAML would quietly keep the last",
        )
    if (again := _repeated_rule_id(data)) is not None:
        i, rule_id, earlier = again
        raise PolicyError(
            path,
            _line_of(node, ["rules", i, "id"]),
            f"rules.{i}.id",
            f"duplicate rule id {rule_id!r} (rules.{earlier}.id, line {_line_of(node, ['rules', earlier, 'id'])})",
        )
    if (deferral := _deferral_problem(data)) is not None:
        i, j, message = deferral
        raise PolicyError(path, _line_of(node, ["rules", i, "defers_to", j]), f"rules.{i}.defers_to.{j}", message)
    try:
        policy = DomainPolicy.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key is the cause of the "Field required" of the key it was meant to be: name the typo first.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc: list[int | str] = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = (
            str(err["ctx"]["error"]) if err["type"] == "value_error" and "error" in err.get("ctx", {}) else err["msg"]
        )
        if err["type"] == "extra_forbidden" and loc and (near := _nearest_key(loc)) is not None:
            message = f"not a policy key; did you mean {near}?"
        head, sep, rest = message.partition(": ")
        named: list[int | str] = list(head.split(".")) if sep else []
        if named and err["type"] == "value_error" and _present(data, [*loc, *named]):
            # a check across fields that names the one it rejects (``thresholds``: ``block_severity: …``)
            loc, message = [*loc, *named], rest
        field = ".".join(str(p) for p in loc) or None
        raise PolicyError(path, _line_of(node, loc) if loc else None, field, message) from exc
    for key in ("reviewer", "fallback_reviewer"):
        spec = getattr(policy, key)
        why_not = None if spec is None else spec_problem(spec)
        if why_not is not None:
            raise PolicyError(
                path,
                _line_of(node, [key]),
                key,
                f"{why_not} {spec!r}; providers: {', '.join(known_providers())}"
                if why_not == "unknown reviewer"
                else f"{spec!r}: {why_not}",
            )
    if path.stem != policy.domain.value:
        raise PolicyError(path, _line_of(node, ["domain"]), "domain", f"file {path.name} declares {policy.domain}")
    for i, rule in enumerate(policy.rules):
        compiled = rule.compiled  # read every pattern now (``pattern_cache``); regexes compile on first use
        for key in PATTERN_FIELDS:
            for j, pattern in enumerate(getattr(compiled, key)):
                source = getattr(rule.match, key)[j]
                slow = pattern.guarded is not None
                ahead = _LEADING_LOOKAHEAD.match(source) is not None
                if not slow and not ahead and not _LEADING_LOOKBEHIND.match(source):
                    continue
                where = _line_of(node, ["rules", i, "match", key, j])
                said = f"{path}{f':{where}' if where else ''}: rule {rule.id} match.{key}[{j}]"
                warn(
                    f"{said} {pattern.source!r} repeats a broad class with no upper bound (+, *, {{n,}}), "
                    f"so one search can take time quadratic in the answer's length; it runs under a "
                    f"{PATTERN_TIMEOUT_S} s limit per search, and running out counts as a match. Bound the "
                    f"repeat ([^>]{{1,300}}, .{{0,200}}) to keep it fast"
                    if slow
                    else f"{said} {source[:60]!r}… starts with a look-ahead over a window, which reads that window "
                    f"again from every character of the answer (a first-aid rule written that way took 230 us an "
                    f"answer, 100x its neighbours). Write the two orders as sequences: "
                    f"'\\b(bite|snake)\\b.{{0,200}}?\\btourniquet\\b' and 'tourniquet\\b(?=.{{0,200}}?\\b(bite|snake))'"
                    if ahead
                    else f"{said} {source[:60]!r}… starts with a look-behind, which is tried at every character of "
                    f"the answer (3-4x the cost of the same pattern). Put it after the first word: "
                    f"'\\b(stop|skip)(?<!don''t stop)(?<!don''t skip)', not '(?<!don''t )\\b(stop|skip)'"
                )
    return policy


_LEADING_LOOKBEHIND = re.compile(r"(\\b)?\(\?<[!=]")
"""A pattern whose first step is a look-behind (after at most a word boundary): no literal prefix to scan for."""
_LEADING_LOOKAHEAD = re.compile(r"(\\b)?\(\?[=!][^)]{0,40}\{\d{0,4},\d{2,5}\}")
"""A pattern whose first step is a look-ahead over a window of characters (``(?=.{0,200}?…)``): the window is read
from every character (``\\A(?=…)`` is anchored: once per text)."""


def load_policies(directory: Path | None = None, *, warn: Callable[[str], None] | None = None) -> PolicySet:
    """Load every domain's policy; each domain must have exactly one file.

    A YAML file no domain reads (``money.yaml``) is ignored with a warning, given to ``warn`` (default: logged).
    """
    directory = directory or shipped_policy_dir()
    if not directory.is_dir():
        what = "is a file, not a folder of <domain>.yaml policies" if directory.exists() else "does not exist"
        raise PolicyError(directory, None, None, f"policy folder {what}")
    for stray in stray_policy_files(directory):
        (warn or log.warning)(
            f"{stray} is ignored: policies are named <domain>.yaml ({', '.join(d.value for d in Domain)})"
        )
    policies: dict[Domain, DomainPolicy] = {}
    for domain in Domain:
        path = directory / f"{domain.value}.yaml"
        if not path.exists():
            raise PolicyError(path, None, None, f"missing policy for domain {domain.value}")
        policies[domain] = load_policy_file(path, warn=warn)
    CACHE.save()  # what this process read of patterns no earlier one had (``pattern_cache``)
    return PolicySet(policies=policies, source=str(directory))


def stray_policy_files(directory: Path) -> list[Path]:
    """YAML files in a policy folder that no domain reads (``money.yaml``, ``finance.yml``): they are ignored."""
    names = {f"{d.value}.yaml" for d in Domain}
    return sorted(
        p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.name not in names and p.is_file()
    )
