"""``oversight keys create|list|revoke``: manage API keys straight in the configured database.

The keys live in the store the service uses: the SQLite file of the data folder (``--data-dir``,
``OVERSIGHT_DATA_DIR``, default ``.oversight``), or PostgreSQL when ``OVERSIGHT_DATABASE_URL`` is set. A key
for a service started with ``serve --data-dir X`` is made with ``keys create --data-dir X``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal, cast, get_args

import typer

from service.cli_options import choices_metavar, one_of

keys_app = typer.Typer(
    help="Manage API keys (stored hashed; a key is shown once, at creation) in the service's store: give the "
    "same --data-dir (or OVERSIGHT_DATA_DIR / OVERSIGHT_DATABASE_URL) as the service.",
    no_args_is_help=True,
)

Role = Literal["client", "reviewer", "admin"]
"""The roles of ``service.auth.ROLES`` (a test keeps them equal), as choices for ``--role``."""

# The same option as ``serve --data-dir``; service.cli gives it its help text.
DataDirOption = Annotated[Path | None, typer.Option("--data-dir", metavar="FOLDER", file_okay=False)]


@keys_app.command("create")
def create(
    tenant: Annotated[str, typer.Option(metavar="TENANT", help="The tenant the key belongs to.")],
    role: Annotated[
        str,
        typer.Option(
            metavar=choices_metavar(get_args(Role)), callback=one_of(get_args(Role)), help="What the key may do."
        ),
    ],
    name: Annotated[
        str | None, typer.Option(metavar="NAME", help="Who or what holds the key (shown as the resolver).")
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Create a key and print it alone on stdout, once."""
    from service.auth import new_key, same_name
    from service.keystore import KeyRecord, open_keystore
    from service.settings import load_settings

    settings = load_settings(data_dir=data_dir)
    try:
        key, record = new_key(tenant, cast(Role, role), name)
    except ValueError as exc:
        typer.echo(f"oversight: {exc}", err=True)
        raise typer.Exit(2) from exc

    async def run() -> KeyRecord | None:
        async with open_keystore(settings) as store:
            taken = same_name(await store.list_keys(tenant), tenant, record.name)
            if taken is None:
                await store.add_key(record)
            return taken

    taken = asyncio.run(run())
    if taken is not None:
        typer.echo(f"oversight: key {taken.key_id} of tenant {tenant!r} is already named {taken.name!r}", err=True)
        raise typer.Exit(2)
    typer.echo(f"created key {record.key_id} ({role}, tenant {tenant}); it is not shown again", err=True)
    typer.echo(key)


@keys_app.command("list")
def list_keys(
    tenant: Annotated[str | None, typer.Option(metavar="TENANT", help="Only this tenant's keys.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """List keys (never their secrets)."""
    from service.keystore import KeyRecord, open_keystore
    from service.settings import load_settings

    settings = load_settings(data_dir=data_dir)

    async def run() -> list[KeyRecord]:
        async with open_keystore(settings) as store:
            return await store.list_keys(tenant)

    records = [r for r in asyncio.run(run()) if all_ or r.active]
    if not records:
        typer.echo("no keys", err=True)
        return
    typer.echo(f"{'KEY ID':<18}{'TENANT':<20}{'ROLE':<10}{'CREATED':<22}{'STATE':<10}NAME")
    for r in records:
        created = datetime.fromtimestamp(r.created_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
        state = "active" if r.active else "revoked"
        typer.echo(f"{r.key_id:<18}{r.tenant:<20}{r.role:<10}{created:<22}{state:<10}{r.name or ''}")


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(metavar="KEY_ID", help="The key id (from `oversight keys list`).")],
    data_dir: DataDirOption = None,
) -> None:
    """Revoke a key at once; its console sessions end with it."""
    from service.keystore import open_keystore
    from service.settings import load_settings

    settings = load_settings(data_dir=data_dir)

    async def run() -> tuple[bool, bool]:
        async with open_keystore(settings) as store:
            return await store.revoke_key(key_id, None), await store.has_active_keys()

    revoked, any_left = asyncio.run(run())
    if not revoked:  # a lookup that finds nothing is a usage error, as everywhere else in the CLI (exit 2)
        typer.echo(f"oversight: no active key {key_id!r} (`oversight keys list` shows them)", err=True)
        raise typer.Exit(2)
    typer.echo(f"revoked {key_id}", err=True)
    if not any_left:
        typer.echo(
            "oversight: that was the last active key: the service now refuses every request (401) until a key is "
            "created (`oversight keys create --tenant T --role admin` with this data dir). It does not go back to "
            "open mode.",
            err=True,
        )


def register(app: typer.Typer) -> None:
    """Add this feature's commands to the `oversight` command."""
    app.add_typer(keys_app, name="keys")
