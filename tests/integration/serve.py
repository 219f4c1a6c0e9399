"""Helpers for the integration tests of the console-script integrations (``oversight hook ...``,
``oversight codex-proxy``): the console script, a free port, a clean environment."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

OVERSIGHT = Path(sys.executable).parent / "oversight"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSIGHT_", "OTEL_"))}
    env.update(extra)
    return env
