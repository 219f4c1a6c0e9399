"""What the analyser test modules share: a test policy, the workspace, and how a result is read."""

from __future__ import annotations

from service.policy.action_model import ActionPolicy
from service.policy.actions import ActionAnalysis, analyse_action
from service.vocabulary import Severity

POLICY = ActionPolicy(
    protected_globs=["**/.git/hooks/**", "**/.github/workflows/**", "~/.ssh/**", "~/.aws/**", "/etc/**"],
    allowed_hosts=["pypi.org", "files.pythonhosted.org", "registry.npmjs.org", "github.com", "api.github.com"],
)
CWD = "/home/dev/shop"


def shell(cmd: str, cwd: str = CWD) -> ActionAnalysis:
    return analyse_action("shell", {"command": cmd}, cwd, POLICY)


def found(a: ActionAnalysis) -> dict[str, Severity]:
    """rule → the highest severity it was raised with."""
    out: dict[str, Severity] = {}
    for f in a.findings:
        if f.rule not in out or f.severity.rank > out[f.rule].rank:
            out[f.rule] = f.severity
    return out


def approved(a: ActionAnalysis) -> bool:
    return not a.unparseable and all(f.severity.rank < Severity.high.rank for f in a.findings)


def blocked_as(cmd: str, rule: str, severity: Severity) -> None:
    """``cmd`` is found as ``rule`` at ``severity`` and not approved."""
    a = shell(cmd)
    assert found(a).get(rule) == severity, (cmd, found(a))
    assert not approved(a), cmd
