"""CLI commands for a feature (filled in by its issue)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the `oversight` command."""
    return None
