"""The ``oversight`` command: ``serve``, ``review``, ``policies check`` (and more as features land)."""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer
from pydantic import ValidationError

app = typer.Typer(
    name="oversight",
    help="A conservative cross-model reviewer between a fast model and its users.",
    no_args_is_help=True,
    add_completion=False,
)
policies_app = typer.Typer(help="Work with policy files.", no_args_is_help=True)
app.add_typer(policies_app, name="policies")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Folder for the SQLite file (OVERSIGHT_DATA_DIR).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Run the review service (embedded defaults: SQLite file, local reviewer, no key needed)."""
    import os

    import uvicorn

    if data_dir is not None:
        os.environ["OVERSIGHT_DATA_DIR"] = str(data_dir)
    from service.settings import get_settings

    settings = get_settings()
    _check_config(settings)
    uvicorn.run(
        "service.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )


def _check_config(settings: Any) -> None:
    """Fail before binding a port when the configuration cannot work (bad policy, missing key)."""
    from service.errors import ConfigurationError
    from service.policy.loader import load_policies
    from service.reviewers.pool import ReviewerPool

    try:
        policies = load_policies(settings.policy_dir)
        pool = ReviewerPool(policies, settings)
        asyncio.run(pool.aclose())
    except ConfigurationError as exc:
        typer.echo(f"oversight: {exc}", err=True)
        raise typer.Exit(2) from exc


def _error_record(line: int, exc: Exception) -> dict[str, Any]:
    if isinstance(exc, orjson.JSONDecodeError):
        return {"line": line, "error": {"code": "json_invalid", "message": str(exc), "field": None}}
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        code = "json_invalid" if first["type"] == "json_invalid" else "request_invalid"
        return {"line": line, "error": {"code": code, "message": first["msg"], "field": field}}
    code = getattr(exc, "code", "review_failed")
    return {"line": line, "error": {"code": code, "message": str(exc), "field": getattr(exc, "field", None)}}


async def _review_stream(
    source: IO[bytes], sink: IO[bytes], *, tenant: str, concurrency: int, total: int | None, show_progress: bool
) -> tuple[int, int]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from service.errors import OversightError
    from service.runtime import Runtime
    from service.schemas import ReviewRequest
    from service.settings import get_settings

    ok = bad = 0
    progress = Progress(
        TextColumn("reviewing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=not show_progress,
        transient=False,
        console=None,
    )
    async with Runtime.open(get_settings()) as runtime:

        async def one(number: int, raw: bytes) -> dict[str, Any]:
            try:
                request = ReviewRequest.model_validate_json(raw)
                decision = await runtime.review(request, tenant)
                return decision.model_dump(mode="json")
            except (ValidationError, OversightError, ValueError) as exc:
                return _error_record(number, exc)

        pending: deque[asyncio.Task[dict[str, Any]]] = deque()
        with progress:
            task_id = progress.add_task("review", total=total)

            def flush_one(result: dict[str, Any]) -> None:
                nonlocal ok, bad
                if "error" in result and "line" in result:
                    bad += 1
                else:
                    ok += 1
                sink.write(orjson.dumps(result) + b"\n")
                progress.advance(task_id)

            number = 0
            for raw in source:
                number += 1
                if not raw.strip():
                    continue
                pending.append(asyncio.create_task(one(number, raw)))
                # Keep a bounded window in flight; write results in input order.
                while len(pending) >= concurrency or (pending and pending[0].done()):
                    flush_one(await pending.popleft())
            while pending:
                flush_one(await pending.popleft())
        sink.flush()
    return ok, bad


@app.command()
def review(
    input: Annotated[
        Path | None, typer.Option("--input", "-i", help="JSONL of ReviewRequests (default stdin).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSONL of decisions (default stdout).")] = None,
    tenant: Annotated[str, typer.Option(help="Tenant the reviews are recorded under.")] = "default",
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="Reviews in flight at once.")] = 16,
) -> None:
    """Review requests offline: one request per line in, one decision per line out, in order.

    A bad line gives {"line": N, "error": {...}} in its place (N is 1-based) and the run goes on.
    """
    total = None
    if input is not None:
        with input.open("rb") as fh:
            total = sum(1 for line in fh if line.strip())
    source = input.open("rb") if input else sys.stdin.buffer
    sink = output.open("wb") if output else sys.stdout.buffer
    try:
        ok, bad = asyncio.run(
            _review_stream(
                source,
                sink,
                tenant=tenant,
                concurrency=concurrency,
                total=total,
                show_progress=input is not None and sys.stderr.isatty(),
            )
        )
    finally:
        if input:
            source.close()
        if output:
            sink.close()
    typer.echo(f"{ok} decided, {bad} bad lines", err=True)


@policies_app.command("check")
def policies_check(directory: Annotated[Path, typer.Argument(help="A folder of <domain>.yaml files.")]) -> None:
    """Validate a policy folder; exit 2 with file, line and field on the first problem."""
    from service.errors import ConfigurationError
    from service.policy.loader import load_policies

    try:
        policies = load_policies(directory)
    except ConfigurationError as exc:
        typer.echo(f"invalid: {exc}", err=True)
        raise typer.Exit(2) from exc
    for domain, policy in sorted(policies.policies.items()):
        typer.echo(f"ok  {domain.value:<9} version {policy.version:<12} {len(policy.rules)} rules")


def _register_features() -> None:
    """Feature modules add their commands through ``register(app)``."""
    import importlib

    for name in ("service.cli_keys", "service.cli_hook", "service.cli_audit", "service.cli_codex"):
        importlib.import_module(name).register(app)


_register_features()


def main() -> None:  # pragma: no cover - console entry
    app()
