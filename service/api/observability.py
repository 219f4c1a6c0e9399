"""GET /metrics (Prometheus text), GET /v1/drift, and the drift baseline pins.

``install(app)`` builds, per app: the ``ReviewMetrics`` observer (plus an OTLP ``MeterProvider`` when
``OTEL_EXPORTER_OTLP_*`` is set), a ``DriftMonitor`` fed by a second observer, and the drift-alert webhook
(``OVERSIGHT_DRIFT_WEBHOOK_URL``). Both observers are appended to ``runtime.observers`` at start-up.

The drift monitor lives in the process: with several replicas each one sees its share of the traffic, and
``/v1/drift`` answers for the replica that serves it (``docs/operations.md``). At start-up it is refilled from
the stored decisions of its last two windows, so a restart does not empty it (``OVERSIGHT_DRIFT_REPLAY_MAX``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.deps import Principal, PrincipalDep
from service.drift import METRICS, DriftConfig, DriftMonitor
from service.drift_pins import PinSync, open_pin_store
from service.errors import Forbidden
from service.metrics import ReviewMetrics
from service.schemas import Decision
from service.store import DecisionStore
from service.telemetry import setup_metrics
from service.vocabulary import Domain

log = logging.getLogger("oversight.drift")

router = APIRouter(tags=["observability"])


class DriftSettings(BaseSettings):
    """``OVERSIGHT_DRIFT_*``: the drift monitor's knobs (defaults: ``service.drift.DriftConfig``)."""

    model_config = SettingsConfigDict(env_prefix="OVERSIGHT_DRIFT_", extra="ignore")

    webhook_url: str | None = Field(default=None, description="POST every alert (open and close) here.")
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    window_s: float | None = Field(default=None, gt=0)
    bucket_s: float | None = Field(default=None, gt=0)
    eval_every_s: float | None = Field(default=None, gt=0)
    alpha: float | None = Field(default=None, gt=0, lt=1)
    min_samples: int | None = Field(default=None, ge=1)
    min_events: int | None = Field(default=None, ge=0)
    cusum_delta: float | None = Field(default=None, gt=0, lt=1)
    cusum_min_baseline: int | None = Field(default=None, ge=1)
    pins: str = Field(default="", description="Baselines, e.g. 'health=gpt-x@2025-01,finance=gpt-x@2025-01'.")
    pin_sync_s: float = Field(
        default=30.0, gt=0, description="How often pins made through another process are picked up."
    )
    replay_max: int = Field(
        default=100_000,
        ge=0,
        description="At start-up, refill the windows from at most this many stored decisions (0: start empty).",
    )

    def config(self) -> DriftConfig:
        names = (
            "window_s",
            "bucket_s",
            "eval_every_s",
            "alpha",
            "min_samples",
            "min_events",
            "cusum_delta",
            "cusum_min_baseline",
        )
        overrides = {n: getattr(self, n) for n in names if getattr(self, n) is not None}
        return DriftConfig(**overrides)

    def pin_list(self) -> list[tuple[str, str]]:
        pins: list[tuple[str, str]] = []
        for item in self.pins.split(","):
            domain, sep, model = item.strip().partition("=")
            if sep and domain.strip() and model.strip():
                pins.append((Domain(domain.strip()).value, model.strip()))
        return pins


class DriftWebhook:
    """Posts drift alerts to a URL from the event loop, never blocking or failing the review that raised them.

    The body is JSON: ``{"type": "oversight.drift_alert", "text": <one line for chat tools>, "alert": {...}}``.
    Three attempts with back-off; failures are logged and dropped.
    """

    def __init__(
        self, url: str, *, timeout_s: float = 5.0, attempts: int = 3, client: httpx.AsyncClient | None = None
    ) -> None:
        self.url, self.attempts, self.timeout_s = url, attempts, timeout_s
        self._client = client  # created on first use, inside the running loop
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, alert: dict[str, Any]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            log.warning("drift alert %s not posted: no running event loop", alert.get("id"))
            return
        task = loop.create_task(self._post({"type": "oversight.drift_alert", "text": describe(alert), "alert": alert}))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, body: dict[str, Any]) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout_s)
        for attempt in range(1, self.attempts + 1):
            try:
                response = await self._client.post(self.url, json=body)
                if response.status_code < 500 and response.status_code != 429:
                    if response.status_code >= 400:
                        log.warning("drift webhook answered %s; alert not retried", response.status_code)
                    return
            except httpx.HTTPError as exc:
                log.warning("drift webhook attempt %d failed: %s", attempt, type(exc).__name__)
            if attempt < self.attempts:
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))
        log.error("drift alert %s dropped after %d attempts", body["alert"].get("id"), self.attempts)

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Wait (bounded) for posts in flight, then close the client."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()


def describe(alert: dict[str, Any]) -> str:
    """One line an on-call engineer can read in a chat channel."""
    if alert.get("state") == "closed":
        return f"Drift alert {alert.get('id')} closed ({alert.get('close_reason')}): {alert.get('metric')} on {alert.get('series')}"
    test = "CUSUM" if alert.get("kind") == "cusum" else f"two-proportion test, adjusted p={alert.get('p_adjusted'):.2g}"
    return (
        f"Drift: {alert.get('metric')} rate of {alert.get('series')} went {alert.get('direction')} to "
        f"{alert.get('current_rate', 0):.1%} vs {alert.get('baseline_rate') or 0:.1%} ({alert.get('baseline')}); "
        f"{test}, n={alert.get('n')}"
    )


class DriftObserver:
    """Feeds each recorded decision to the drift monitor, once per review (not again on escalation resume)."""

    def __init__(self, monitor: DriftMonitor, clock: Callable[[], float] = time.time) -> None:
        self.monitor, self.clock = monitor, clock

    def __call__(self, decision: Decision) -> None:
        if decision.escalation is not None and decision.escalation.status != "pending":
            return
        self.monitor.observe(
            decision.domain.value,
            decision.model.label(),
            disagreement=decision.disagreement,
            response_class=decision.response_class.value if decision.response_class is not None else None,
            ts=self.clock(),
        )


class _DriftCollector(Collector):
    """Exposes the current window rates on /metrics (computed at scrape time)."""

    def __init__(self, monitor: DriftMonitor, clock: Callable[[], float]) -> None:
        self.monitor, self.clock = monitor, clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        rate = GaugeMetricFamily(
            "oversight_drift_rate",
            "Current sliding-window rate per domain, fast model and metric.",
            labels=["domain", "fast_model", "metric"],
        )
        samples = GaugeMetricFamily(
            "oversight_drift_window_samples",
            "Events in the current window (the rate's denominator).",
            labels=["domain", "fast_model", "metric"],
        )
        for s in self.monitor.snapshot(self.clock())["series"]:
            for metric in METRICS:
                m = s["metrics"][metric]
                labels = [s["domain"], s["fast_model"], metric]
                samples.add_metric(labels, m["n"])
                if m["rate"] is not None:
                    rate.add_metric(labels, m["rate"])
        yield rate
        yield samples


async def replay_stored(monitor: DriftMonitor, store: DecisionStore, *, now: float, limit: int) -> int:
    """Feed ``monitor`` the stored decisions of its last two windows (the newest ``limit``), oldest first.

    Each decision is observed as it was when first recorded (``DecisionDigest.disagreement``) at its creation
    time, so a restarted process has the windows, baselines and alerts it would have had without the restart
    (CUSUM charts restart from these events). Returns how many decisions were replayed.
    """
    since = datetime.fromtimestamp(now - 2 * monitor.config.window_s, UTC)
    digests = await store.recent_digests(since, limit) if limit > 0 else []
    for d in digests:
        try:
            monitor.observe(
                d.domain,
                d.fast_model,
                disagreement=d.disagreement,
                response_class=d.response_class,
                ts=d.created_at.timestamp(),
            )
        except ValueError:  # a row this version cannot count (an unknown response class): skip it
            log.warning("drift replay skipped %s", d.review_id)
    return len(digests)


async def _keep_pins_in_sync(pins: PinSync, every_s: float) -> None:
    """Apply pins made through another process (another worker or replica) every ``every_s`` seconds."""
    while True:
        await asyncio.sleep(every_s)
        try:
            if await pins.sync():
                log.info("drift pins updated from the store: %s", pins.monitor.manual_pins())
        except Exception as exc:  # the store is down for a moment: keep the pins we have
            log.warning("drift pins not synced: %s", type(exc).__name__)


class EscalationBacklog(Collector):
    """``oversight_escalations_pending`` and the oldest one's age, per domain, read from the store.

    The store is asked at most every ``every_s`` seconds (``refresh``, awaited by ``/metrics`` before it
    renders); ``collect`` only reads the last answer. The figures cover every tenant and every process on the
    database, so replicas on one PostgreSQL report the same values: aggregate them with ``max``, not ``sum``.
    """

    def __init__(self, clock: Callable[[], float], every_s: float = 5.0) -> None:
        self.clock, self.every_s = clock, every_s
        self.backlog: dict[str, tuple[int, datetime]] = {}
        self.refreshed_at: float | None = None

    async def refresh(self, store: DecisionStore) -> None:
        now = self.clock()
        if self.refreshed_at is not None and now - self.refreshed_at < self.every_s:
            return
        try:
            self.backlog = await store.escalation_backlog()
            self.refreshed_at = now
        except Exception as exc:  # /metrics still answers, with the last figures
            log.warning("escalation backlog not read: %s", type(exc).__name__)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pending = GaugeMetricFamily(
            "oversight_escalations_pending",
            "Escalated reviews waiting for a human, every tenant (the same on every replica: use max).",
            labels=["domain"],
        )
        age = GaugeMetricFamily(
            "oversight_escalation_oldest_pending_age_seconds",
            "How long the oldest pending escalation has waited (0 when none is pending).",
            labels=["domain"],
        )
        now = self.clock()
        for domain in Domain:  # every domain, 0 when empty: alerts and panels see zero rather than no data
            n, oldest = self.backlog.get(domain.value, (0, None))
            pending.add_metric([domain.value], n)
            age.add_metric([domain.value], max(0.0, now - oldest.timestamp()) if oldest is not None else 0.0)
        yield pending
        yield age


def install(app: FastAPI, *, clock: Callable[[], float] = time.time) -> None:
    """Create metrics, drift monitor and webhook for ``app``; attach the observers when the runtime starts."""
    settings = DriftSettings()
    meter_provider = setup_metrics()
    metrics = ReviewMetrics(meter=meter_provider.get_meter("oversight") if meter_provider else None)
    webhook = DriftWebhook(settings.webhook_url, timeout_s=settings.webhook_timeout_s) if settings.webhook_url else None

    replaying = False

    def on_alert(alert: dict[str, Any]) -> None:
        if replaying:
            # Found again in stored history at start-up: it was announced (counted, posted) before the restart.
            log.info("restored from stored decisions: %s", describe(alert))
            metrics.drift_open.set(len(monitor.open_alerts()))
            return
        log.warning("%s", describe(alert))
        metrics.drift_alert(alert, len(monitor.open_alerts()))
        if webhook is not None:
            webhook(alert)

    # CUSUM designs (an exact ARL computation, up to ~1 s for a fresh baseline) run off the event loop.
    designer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oversight-cusum-design")
    monitor = DriftMonitor(settings.config(), on_alert=on_alert, designer=designer)
    metrics.registry.register(_DriftCollector(monitor, clock))
    backlog = EscalationBacklog(clock)
    metrics.registry.register(backlog)
    app.state.escalation_backlog = backlog
    app.state.metrics = metrics
    app.state.drift = monitor
    app.state.drift_clock = clock
    app.state.drift_webhook = webhook
    app.state.drift_process = {"host": socket.gethostname(), "pid": os.getpid(), "started_at": None, "refilled": 0}

    async def start(app: FastAPI) -> None:
        nonlocal replaying
        app.state.drift_process["started_at"] = datetime.fromtimestamp(clock(), UTC).isoformat()
        # Pins first: the refill then charts every version against the baseline it had before the restart.
        pins_cm = open_pin_store(app.state.settings, pool=app.state.runtime.storage.pool)
        pin_store = await pins_cm.__aenter__()
        app.state.drift_pins_cm = pins_cm
        app.state.drift_pins = pins = PinSync(monitor, pin_store)
        for domain, model in settings.pin_list():
            if await pin_store.seed_default(domain, model):
                log.info("drift baseline of %s pinned to %s (OVERSIGHT_DRIFT_PINS)", domain, model)
        await pins.sync()
        app.state.drift_pin_sync = asyncio.create_task(_keep_pins_in_sync(pins, settings.pin_sync_s))
        if settings.replay_max:
            started, replaying = time.perf_counter(), True
            try:
                n = await replay_stored(monitor, app.state.runtime.store, now=clock(), limit=settings.replay_max)
            except Exception:
                # Reviews matter more than drift history: serve, with whatever the refill got to.
                log.exception("drift windows not refilled from stored decisions; they fill from new traffic")
            else:
                app.state.drift_process["refilled"] = n
                log.info(
                    "drift windows refilled from %d stored decisions in %.2f s (%d alerts open)",
                    n,
                    time.perf_counter() - started,
                    len(monitor.open_alerts()),
                )
            finally:
                replaying = False
        app.state.runtime.observers.extend([metrics, DriftObserver(monitor, clock)])

    async def stop(app: FastAPI) -> None:
        task = getattr(app.state, "drift_pin_sync", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        pins_cm = getattr(app.state, "drift_pins_cm", None)
        if pins_cm is not None:
            app.state.drift_pins_cm = None
            await pins_cm.__aexit__(None, None, None)
        if webhook is not None:
            await webhook.drain()
        if meter_provider is not None:
            await asyncio.to_thread(meter_provider.shutdown)  # a last OTLP export, off the loop
        designer.shutdown(wait=False, cancel_futures=True)

    app.state.startup_hooks.append(start)
    app.state.shutdown_hooks.append(stop)


# -- routes --------------------------------------------------------------------------------------------------
def _ops_only(principal: Principal) -> None:
    # Drift numbers aggregate every tenant's traffic: client keys do not see them.
    if principal.role == "client":
        raise Forbidden("drift data needs an admin or reviewer key")


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text exposition of the review metrics."""
    metrics: ReviewMetrics = request.app.state.metrics
    await request.app.state.escalation_backlog.refresh(request.app.state.runtime.store)
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/drift")
async def get_drift(
    request: Request,
    principal: PrincipalDep,
    domain: Domain | None = Query(default=None),
    fast_model: str | None = Query(default=None, description="name@version"),
) -> dict[str, Any]:
    """Disagreement and response-class rates per domain × fast model, with 95 % intervals and open alerts."""
    _ops_only(principal)
    monitor: DriftMonitor = request.app.state.drift
    snap = monitor.snapshot(request.app.state.drift_clock())
    if domain is not None or fast_model is not None:

        def keep(item: dict[str, Any]) -> bool:
            return (domain is None or item["domain"] == domain.value) and (
                fast_model is None or item["fast_model"] == fast_model
            )

        snap["series"] = [s for s in snap["series"] if keep(s)]
        snap["alerts"] = [a for a in snap["alerts"] if keep(a)]
        snap["recently_closed"] = [a for a in snap["recently_closed"] if keep(a)]
    # The monitor is per process: say which one answered and what it was refilled from at start-up.
    snap["process"] = request.app.state.drift_process
    return snap


class PinRequest(BaseModel):
    """Use ``fast_model`` as the baseline of every other fast-model version in ``domain``."""

    domain: Domain
    fast_model: str = Field(min_length=1, max_length=301, description="name@version")


def _admin_only(principal: Principal) -> None:
    if principal.role != "admin":
        raise Forbidden("pinning a drift baseline needs an admin key")


@router.put("/v1/drift/pins")
async def pin_baseline(body: PinRequest, request: Request, principal: PrincipalDep) -> dict[str, Any]:
    """Pin a domain's baseline fast-model version (e.g. before rolling out a new one)."""
    _admin_only(principal)
    monitor: DriftMonitor = request.app.state.drift
    # Stored before it is applied and answered: it survives a restart and reaches the other processes.
    await request.app.state.drift_pins.pin(body.domain.value, body.fast_model, principal.key_id or principal.name)
    pins: dict[str, Any] = monitor.snapshot(request.app.state.drift_clock())["pins"]
    return pins


@router.delete("/v1/drift/pins/{domain}")
async def unpin_baseline(domain: Domain, request: Request, principal: PrincipalDep) -> dict[str, Any]:
    """Go back to previous-window baselines for a domain."""
    _admin_only(principal)
    monitor: DriftMonitor = request.app.state.drift
    await request.app.state.drift_pins.unpin(domain.value)
    pins: dict[str, Any] = monitor.snapshot(request.app.state.drift_clock())["pins"]
    return pins
