"""What the gap modules (``test_actions_gaps_dec*.py``) share: the severities, the rules they name, and how a
look-alike is checked and a piece of inline code is put on a command line."""

from __future__ import annotations

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

L, M, H, C = Severity.low, Severity.medium, Severity.high, Severity.critical

CLOUD_DELETE = "tool_use.destructive_infra.cloud_delete"
DELETE_ALL = "tool_use.database_destruction.delete_all"
DELETE_ROWS = "tool_use.database_destruction.delete_rows"
UPDATE_ALL = "tool_use.database_destruction.update_all"
ROOT_OR_HOME = "tool_use.destructive_fs.root_or_home"
ENV_DUMP = "tool_use.credential_access.env_dump"
EXFILTRATION = "tool_use.credential_access.exfiltration"
CLOUD_SECRET = "tool_use.credential_access.cloud_secret"
READ_SECRET = "tool_use.credential_access.read_secret"
ADMIN_GRANT = "tool_use.privilege_escalation.cloud_admin_grant"
PUBLIC = "tool_use.privilege_escalation.public_access"
AUTORUN = "tool_use.persistence.autorun_config"
PM_HOOK = "tool_use.persistence.package_manager_hook"


def approved_without(cmd: str, *rules: str) -> None:
    """``cmd`` is approved and none of ``rules`` is among its findings."""
    a = shell(cmd)
    assert approved(a), (cmd, found(a))
    assert not set(rules) & set(found(a)), (cmd, found(a))


def py(body: str) -> str:
    """Python code fed to ``python3 -`` through a quoted here-doc."""
    return f"python3 - <<'EOF'\n{body}\nEOF"


def node(body: str) -> str:
    """Node code given to ``node -e`` in double quotes."""
    return f'node -e "{body}"'
