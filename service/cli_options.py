"""Option helpers shared by the CLI's commands."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import typer


def one_of(choices: Sequence[str]) -> Callable[[str | None], str | None]:
    """A ``typer.Option`` callback that accepts one of ``choices``: a wrong value is a usage error (exit 2) that
    lists them. (An option typed as a ``Literal`` or an ``Enum`` says "Value error, 'x' is not one of …" in typer
    0.29, pydantic's wording for a validator, not the user's mistake.)"""

    def check(value: str | None) -> str | None:
        if value is not None and value not in choices:
            shown = ", ".join(repr(c) for c in choices)
            raise typer.BadParameter(f"{value!r} is not one of {shown}.")
        return value

    return check


def choices_metavar(choices: Sequence[str]) -> str:
    """How ``--help`` shows the choices, as typer shows a ``Literal``'s: ``<client|reviewer|admin>``."""
    return "<" + "|".join(choices) + ">"
