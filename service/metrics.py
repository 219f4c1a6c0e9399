"""Review metrics: an ``Observer`` that counts every recorded decision.

Why ``prometheus_client`` directly (and not an OTel ``MeterProvider`` with a Prometheus reader): the OTel
Prometheus exporter is not a dependency, ``prometheus_client`` renders the exact text format scrapers expect
with the names below (no unit-suffix rewriting), and a registry per app keeps tests isolated. When OTLP is
configured (``OTEL_EXPORTER_OTLP_*``), the same measurements are also recorded on OTel instruments of an
app-owned ``MeterProvider`` and pushed over OTLP. Each decision costs a few label look-ups, once. The gauges
(and the figures ``/metrics`` computes when scraped) reach OTLP as observable instruments whose callbacks read
what ``/metrics`` renders (``ReviewMetrics.observe``): they run on the exporter's thread at each collection, and
exist only when OTLP metrics are on.

Names, labels and meanings are documented in ``docs/operations.md``. Label values are bounded: the caller
supplies the fast model's name and version, so after ``MAX_FAST_MODELS`` distinct values the rest are
counted as ``other``.

Several worker processes (``oversight serve --workers N``, N > 1) share one port, and a scrape is answered by
whichever worker accepts it. ``prepare_multiprocess`` (called by ``serve``) then puts prometheus_client in its
multiprocess mode: each worker keeps its values in files of one fresh folder (``PROMETHEUS_MULTIPROC_DIR``), and
the app's registry renders the sums over every worker's files (``_EveryWorker``) instead of this process's own
values, so every scrape shows the whole service and counters never go back. With one process (the default, and
every in-process test) nothing of this applies: values live in the app's own registry, as before.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.metrics import CallbackOptions, Meter, Observation
from opentelemetry.metrics import Counter as OtelCounter
from opentelemetry.metrics import Histogram as OtelHistogram
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, multiprocess, values
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.metrics_core import Metric

from service.policy.decide import REASONS
from service.schemas import Decision
from service.telemetry import genai_usage_attributes
from service.vocabulary import ReviewerOutcomeKind

log = logging.getLogger("oversight.metrics")

MAX_FAST_MODELS = 100
STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
PRICES_ENV = "OVERSIGHT_MODEL_PRICES"
#: USD per million tokens (input, output, cache read, cache write), by model-name prefix. An estimate for the
#: cost counter only; override or extend with ``OVERSIGHT_MODEL_PRICES`` (JSON: {"prefix": [in, out, cr, cw]}).
DEFAULT_PRICES: dict[str, tuple[float, float, float, float]] = {
    "rules-": (0.0, 0.0, 0.0, 0.0),  # the embedded local reviewer
    "claude-opus-4": (5.0, 25.0, 0.5, 6.25),  # Opus 4.5 and later
    "claude-opus-4-0": (15.0, 75.0, 1.5, 18.75),  # Opus 4 and 4.1 list at three times that
    "claude-opus-4-2025": (15.0, 75.0, 1.5, 18.75),  # Opus 4's dated id, claude-opus-4-20250514
    "claude-opus-4-1": (15.0, 75.0, 1.5, 18.75),
    "claude-sonnet-4": (3.0, 15.0, 0.3, 3.75),
    "claude-haiku-4": (1.0, 5.0, 0.1, 1.25),
}
_STAGE_SUFFIX = re.compile(r"_\d+$")
_ERROR, _ABSTAIN = ReviewerOutcomeKind.error, ReviewerOutcomeKind.abstain
"""The reviewer outcomes of a decision no reviewer judged (compared by identity on the observer's hot path)."""
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus_client's switch to its multiprocess mode (read when it is first imported in a process)."""
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live[a-z]+_(\d+)\.db$")


def price_of(
    prices: Mapping[str, tuple[float, float, float, float]], model: str
) -> tuple[float, float, float, float] | None:
    """The prices of ``model``: those of the longest prefix of its name in ``prices``, None when none is."""
    best = max((p for p in prices if model.startswith(p)), key=len, default=None)
    return prices[best] if best is not None else None


@functools.lru_cache(maxsize=256)
def _stage(timing_key: str) -> str:
    """``review_1`` -> ``review``: a step that ran again is the same stage."""
    return _STAGE_SUFFIX.sub("", timing_key)


def otel_name(prom_name: str) -> tuple[str, str]:
    """The OTel instrument name and unit of a Prometheus family: dots for underscores, and a ``_seconds`` suffix
    becomes the unit ``s``, as the histograms' (``oversight_escalation_oldest_pending_age_seconds`` is
    ``oversight.escalation.oldest.pending.age`` in ``s``); otherwise the unit is ``1``, as the counters'. A
    counter's family name has no ``_total`` (prometheus_client adds it to the sample)."""
    if prom_name.endswith("_seconds"):
        return prom_name.removesuffix("_seconds").replace("_", "."), "s"
    return prom_name.replace("_", "."), "1"


Families = Callable[[], Iterable[Metric]]
"""What a Prometheus collector's ``collect`` returns: metric families with their samples."""


PRICES_ACCEPTED = (
    'a JSON object of [input, output, cache_read, cache_write] prices per model prefix, e.g. {"gpt-x": [1.25, 10]}'
)


def parse_prices(raw: str) -> dict[str, tuple[float, float, float, float]]:
    """``OVERSIGHT_MODEL_PRICES`` read; ValueError saying what is wrong when it is not ``PRICES_ACCEPTED``."""
    try:
        extra = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc.args[0] if exc.args else exc}") from None
    if not isinstance(extra, dict):
        raise ValueError("not a JSON object")
    table: dict[str, tuple[float, float, float, float]] = {}
    for prefix, given in extra.items():
        if not isinstance(given, list) or not 1 <= len(given) <= 4:
            raise ValueError(f"{prefix!r}: not a list of one to four prices")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in given):
            raise ValueError(f"{prefix!r}: a price that is not a number of 0 or more")
        vals = [float(v) for v in given] + [0.0] * 4
        table[str(prefix)] = (vals[0], vals[1], vals[2], vals[3])
    return table


def load_prices(raw: str | None = None) -> dict[str, tuple[float, float, float, float]]:
    """The price table: defaults updated by ``OVERSIGHT_MODEL_PRICES`` (``oversight serve`` refuses a bad one before
    it starts; here, in an app started another way, it is logged and ignored)."""
    prices = dict(DEFAULT_PRICES)
    raw = os.environ.get(PRICES_ENV) if raw is None else raw
    if raw:
        try:
            prices.update(parse_prices(raw))
        except ValueError as exc:
            log.error("%s is not %s (%s); ignored", PRICES_ENV, PRICES_ACCEPTED, exc)
    return prices


# -- several worker processes: prometheus_client's multiprocess mode --------------------------------------------
def multiprocess_dir() -> str | None:
    """The folder every process writes its metric values to, when this process runs in prometheus_client's
    multiprocess mode; None otherwise (values live in memory, in the app's registry).

    prometheus_client picks the mode once, when it is first imported: with ``PROMETHEUS_MULTIPROC_DIR`` set then,
    every Counter, Histogram and Gauge of the process keeps its values in that folder. A variable set after that
    import changes nothing in this process, so the mode is read from prometheus_client itself.
    """
    path = os.environ.get(MULTIPROC_ENV) or os.environ.get(MULTIPROC_ENV.lower())
    return path if path and getattr(values.ValueClass, "_multiprocess", False) else None


class _EveryWorker:
    """The review metrics of every worker process, summed, as this process's registry would show its own.

    Gauges follow their ``multiprocess_mode``. Only the ``ReviewMetrics`` instruments are shown, each in its own
    place, also before any worker has counted anything (a family without samples, as a registry shows it): the
    names are those of a single process. What the files lack is the ``_created`` samples, which describe one
    process's series.
    """

    def __init__(self, path: str, instruments: Sequence[MetricWrapperBase]) -> None:
        self._files = multiprocess.MultiProcessCollector(None, path=path)  # type: ignore[no-untyped-call]
        self._instruments = instruments

    def describe(self) -> Iterator[Metric]:
        for instrument in self._instruments:
            yield from instrument.describe()

    def collect(self) -> Iterator[Metric]:
        summed: dict[str, Metric] = {m.name: m for m in self._files.collect()}  # type: ignore[no-untyped-call]
        for empty in self.describe():
            yield summed.get(empty.name, empty)


def _alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - os.kill would end the process there; keep its values
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a process of another user now has the id
        return True
    return True


def reap_dead_workers(path: str) -> list[int]:
    """``mark_process_dead`` for every process with live-gauge files in ``path`` that has exited; their ids.

    That drops the values of the ``live*`` gauges of a dead worker. Its counters and histograms stay in the sums:
    they were counted, and dropping them would make the counters go back.
    """
    pids = {int(m.group(1)) for name in os.listdir(path) if (m := _LIVE_GAUGE_FILE.match(name))}
    dead = sorted(pid for pid in pids if not _alive(pid))
    for pid in dead:
        with contextlib.suppress(OSError):  # gone already
            multiprocess.mark_process_dead(pid, path)  # type: ignore[no-untyped-call]
    return dead


def prepare_multiprocess(workers: int, *, reap_every_s: float = 1.0) -> Callable[[], None]:
    """Set up the metrics of ``serve --workers N`` in the process that starts the workers, before it starts them;
    returns the clean-up to call once every worker has stopped.

    With one worker nothing changes and the clean-up does nothing. With more: a fresh, empty folder for this run
    (``oversight-metrics-*`` in the temporary directory, ``TMPDIR``) is put in ``PROMETHEUS_MULTIPROC_DIR``, which
    the workers inherit (replacing any value it had: the files of another run would be counted again), and a
    thread calls ``mark_process_dead`` for workers that exited (uvicorn replaces a worker that dies, and every
    worker on SIGHUP). The clean-up stops the thread, removes the folder and restores the variable.
    """
    if workers <= 1:
        return lambda: None
    path = tempfile.mkdtemp(prefix="oversight-metrics-")
    before = {name: os.environ.pop(name, None) for name in (MULTIPROC_ENV, MULTIPROC_ENV.lower())}
    os.environ[MULTIPROC_ENV] = path
    stop = threading.Event()

    def reap() -> None:
        while not stop.wait(reap_every_s):
            try:
                dead = reap_dead_workers(path)
            except OSError as exc:  # pragma: no cover - the folder was removed under us
                log.warning("metrics of exited workers not dropped: %s", exc)
            else:
                if dead:
                    log.info("live gauges of exited workers %s dropped from /metrics", dead)

    reaper = threading.Thread(target=reap, name="oversight-metrics-reaper", daemon=True)
    reaper.start()
    log.info("%d workers: /metrics sums every worker's metrics (files in %s)", workers, path)

    def cleanup() -> None:
        stop.set()
        reaper.join()
        shutil.rmtree(path, ignore_errors=True)
        if os.environ.get(MULTIPROC_ENV) == path:
            del os.environ[MULTIPROC_ENV]
        for name, value in before.items():
            if value is not None:
                os.environ[name] = value

    return cleanup


@dataclass(slots=True)
class _Pair:
    """One measurement, written to the Prometheus instrument and (when OTLP is on) its OTel twin."""

    prom: Counter | Histogram
    otel: OtelCounter | OtelHistogram | None
    children: dict[tuple[tuple[str, str], ...], Any] = field(default_factory=dict)
    """Labelled children by label set: ``labels(**kw)`` validates and locks on every call (~5 us each)."""

    def add(self, labels: Mapping[str, str], value: float = 1.0) -> None:
        key = tuple(labels.items())
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = self.prom.labels(**labels)
        if isinstance(child, Histogram):
            child.observe(value)
        else:
            child.inc(value)
        if self.otel is not None:
            if isinstance(self.otel, OtelCounter):
                self.otel.add(value, dict(labels))
            else:
                self.otel.record(value, dict(labels))


class _Bounded:
    """Label values as seen, capped at ``limit`` distinct ones (then ``other``)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.seen = limit, set[str]()

    def __call__(self, value: str) -> str:
        if value in self.seen:
            return value
        if len(self.seen) >= self.limit:
            return "other"
        self.seen.add(value)
        return value


class ReviewMetrics:
    """Counters and histograms over decisions; call it with each recorded ``Decision`` (an ``Observer``).

    ``registry`` is what ``/metrics`` renders (collectors added to it are rendered too). In one process it holds
    the instruments themselves. In prometheus_client's multiprocess mode (``multiprocess_dir``: ``serve
    --workers N``) the instruments write to this process's files and are in no registry; ``registry`` holds
    ``_EveryWorker`` in their place, the sums over every worker's files (this process's included, once).
    """

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        meter: Meter | None = None,
        prices: Mapping[str, tuple[float, float, float, float]] | None = None,
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.prices = dict(prices) if prices is not None else load_prices()
        self._fast_model = _Bounded(MAX_FAST_MODELS)
        self._reviewer = _Bounded(MAX_FAST_MODELS)
        self.multiprocess_dir = multiprocess_dir()
        r, m = (self.registry if self.multiprocess_dir is None else None), meter
        instruments: list[MetricWrapperBase] = []

        def counter(name: str, doc: str, labels: list[str], unit: str = "1") -> _Pair:
            otel = m.create_counter(name.replace("_", "."), unit=unit, description=doc) if m else None
            instruments.append(prom := Counter(name, doc, labels, registry=r))
            return _Pair(prom, otel)

        def histogram(name: str, doc: str, labels: list[str]) -> _Pair:
            otel_name = name.removesuffix("_seconds").replace("_", ".")
            otel = (
                m.create_histogram(
                    otel_name, unit="s", description=doc, explicit_bucket_boundaries_advisory=STAGE_BUCKETS
                )
                if m
                else None
            )
            instruments.append(prom := Histogram(name, doc, labels, buckets=STAGE_BUCKETS, registry=r))
            return _Pair(prom, otel)

        self.reviews = counter(
            "oversight_reviews",
            "Recorded review decisions. response_class is the fast model's answer's class, none when it has none (an "
            "agent action), unknown when no reviewer judged the answer or action (it erred or abstained).",
            ["domain", "kind", "verdict", "response_class", "fast_model", "reviewer"],
        )
        self.decision_reasons = counter(
            "oversight_decision_reasons",
            "Recorded review decisions by the decision table's reason (why escalate: low_confidence, "
            "reviewer_overlooked_finding, reviewer_error …).",
            ["domain", "verdict", "reason"],
        )
        self.disagreements = counter(
            "oversight_disagreements",
            "Decisions whose verdict is not approve (the drift signal), of those a reviewer judged.",
            ["domain", "fast_model", "reviewer"],
        )
        self.reviewer_errors = counter(
            "oversight_reviewer_errors", "Reviewer calls that ended in an error.", ["domain", "reviewer", "error"]
        )
        self.reviewer_abstentions = counter(
            "oversight_reviewer_abstentions",
            "Reviewer calls where the reviewer refused or was cut off.",
            ["domain", "reviewer"],
        )
        self.callbacks = counter(
            "oversight_callbacks",
            "Escalation callbacks that ended: delivered, failed (every attempt spent) or refused (a private address, "
            "a 3xx or 4xx answer).",
            ["outcome"],
        )
        self.escalations_resolved = counter(
            "oversight_escalations_resolved",
            "Escalations closed: by a human, by the user at the agent's prompt, by the domain's time limit, or by "
            "the agent (it stopped waiting, or its turn ended without the call running).",
            ["domain", "action", "closed_by"],
        )
        self.stage_seconds = histogram(
            "oversight_stage_duration_seconds", "Wall time of each review stage (graph node).", ["stage"]
        )
        self.review_seconds = histogram(
            "oversight_review_duration_seconds",
            "In-process review time: the sum of the stages before record.",
            ["domain", "kind"],
        )
        self.tokens = counter(
            "oversight_reviewer_tokens",
            "Reviewer tokens by type (input includes cached).",
            ["reviewer", "type"],
            unit="{token}",
        )
        self.cost = counter("oversight_reviewer_cost_usd", "Estimated reviewer cost in USD.", ["reviewer"], unit="USD")
        self.uncosted = counter(
            "oversight_reviewer_uncosted_calls",
            "Answered model-reviewer calls left out of the cost: the answer had no usage (no_usage), or the model "
            "has no price (no_price).",
            ["reviewer", "why"],
        )
        self._uncosted_warned: set[tuple[str, str]] = set()
        self.drift_alerts = counter(
            "oversight_drift_alerts", "Drift alerts opened.", ["domain", "fast_model", "metric", "kind"]
        )
        self.drift_webhook_failures = counter(
            "oversight_drift_webhook_failures",
            "Failed posts of drift alerts to OVERSIGHT_DRIFT_WEBHOOK_URL: retried (an attempt failed, another follows), "
            "dropped (every attempt failed, or shutdown came first: the alert or its close never reached the "
            "receiver) or refused (a 4xx answer, not retried).",
            ["outcome"],
        )
        self.spans_dropped = counter(
            "oversight_spans_dropped",
            "Spans lost before reaching the collector: the export queue was full (queue_full: the collector is slow "
            "or down), the processor had stopped (already_shutdown), or the exporter gave up on the batch "
            "(export_failed).",
            ["reason"],
        )
        self._stage_children: dict[str, Any] = {}
        # Every process counts the alerts open in the whole service (each follows every decision), so the workers
        # hold the same value, give or take a moment: not their sum but the highest (an alert any worker sees open
        # is open), over the workers alive (a worker that exited stops holding an alert open: reap_dead_workers).
        self.drift_open = Gauge(
            "oversight_drift_alerts_open", "Drift alerts currently open.", registry=r, multiprocess_mode="livemax"
        )
        instruments.append(self.drift_open)
        # Each process has its own breakers (service.bulkhead): with several workers, 1 when any live worker's
        # circuit for that reviewer is open (reviews reaching it fail at once as reviewer_circuit_open).
        self.circuit_open = Gauge(
            "oversight_reviewer_circuit_open",
            "1 while the reviewer's circuit is open (or half-open: one probe call let through), else 0.",
            ["provider", "model"],
            registry=r,
            multiprocess_mode="livemax",
        )
        instruments.append(self.circuit_open)
        if self.multiprocess_dir is not None:
            self.registry.register(_EveryWorker(self.multiprocess_dir, instruments))
        self._meter = meter
        # Over OTLP, the gauges are observed: read at each collection, from the Prometheus gauges themselves.
        for gauge in (self.drift_open, self.circuit_open):
            family = next(iter(gauge.describe()))
            self.observe(gauge.collect, family.name, family.documentation)

    # -- OTLP: what /metrics renders, observed at each collection ---------------------------------------------
    def observe(self, read: Families, name: str, description: str, *, counter: bool = False) -> None:
        """Push the family ``name`` that ``read`` returns over OTLP, as an observable gauge (``counter``: an
        observable counter, a family of ``_total`` samples) named by ``otel_name``, with the same labels as
        attributes; nothing without a meter (OTLP metrics off).

        ``read`` runs on the exporter's thread at each collection (``PeriodicExportingMetricReader``, and the
        last push at shutdown): it must only read values kept up to date elsewhere, never await the event loop
        or ask the database. In multiprocess mode a Prometheus gauge's ``collect`` gives this process's own
        value (the files' ``livemax`` is ``/metrics``'s business): each worker pushes its own, under its own
        ``service.instance.id``.
        """
        meter = self._meter
        if meter is None:
            return
        otel, unit = otel_name(name)
        sample = f"{name}_total" if counter else name

        def callback(options: CallbackOptions) -> Iterable[Observation]:
            return [Observation(s.value, dict(s.labels)) for f in read() for s in f.samples if s.name == sample]

        if counter:
            meter.create_observable_counter(otel, callbacks=[callback], unit=unit, description=description)
        else:
            meter.create_observable_gauge(otel, callbacks=[callback], unit=unit, description=description)

    # -- the observer -----------------------------------------------------------------------------------------
    def __call__(self, decision: Decision) -> None:
        escalation = decision.escalation
        if escalation is not None and escalation.status != "pending":
            # The final decision of a resumed escalation: the review itself was counted when it was recorded.
            self.escalations_resolved.add(
                {
                    "domain": decision.domain.value,
                    "action": escalation.action or "none",
                    "closed_by": escalation.closed_by or "none",
                }
            )
            return
        domain = decision.domain.value
        fast_model = self._fast_model(decision.model.label())
        reviewer = self._reviewer(f"{decision.reviewer.provider}:{decision.reviewer.model}")
        outcome = decision.reviewer_outcome
        kind = outcome.kind
        # No reviewer answered (it erred or abstained, and any fallback too): the verdict came from on_reviewer_error
        # (reason reviewer_error / reviewer_abstain …) or from a blocking finding alone. Answers and agent actions
        # alike, such a decision is counted with response_class="unknown" and not as a disagreement, so a reviewer
        # outage neither dips oversight:disagreement_ratio:rate1h (escalations in its denominator only) nor raises it
        # (the blocked ones left as its only decisions); an answer's class came from the local analysis, not from
        # the reviewer that classes the reviewed ones. The drift monitor leaves such decisions out of its rates too.
        unjudged = kind is _ERROR or kind is _ABSTAIN
        rc = "unknown" if unjudged else "none" if decision.response_class is None else decision.response_class.value
        self.reviews.add(
            {
                "domain": domain,
                "kind": decision.kind,
                "verdict": decision.verdict.value,
                "response_class": rc,
                "fast_model": fast_model,
                "reviewer": reviewer,
            }
        )
        reason = decision.reason if decision.reason in REASONS else "other"
        self.decision_reasons.add({"domain": domain, "verdict": decision.verdict.value, "reason": reason})
        if decision.disagreement and not unjudged:  # a reviewer outage is no fast-model drift
            self.disagreements.add({"domain": domain, "fast_model": fast_model, "reviewer": reviewer})
        self._failed(domain, reviewer, kind, outcome.error)
        first = outcome.fallback_from
        if first is not None:  # the primary failed before the fallback answered: its failure and its tokens count
            first_reviewer = self._reviewer(f"{first.provider}:{first.model}")
            self._failed(domain, first_reviewer, first.kind, first.error)
            self._costed(first.provider, first.model, first_reviewer, first.kind, first.attempts, first.usage)
        total = 0.0
        stages, children, otel = self.stage_seconds, self._stage_children, self.stage_seconds.otel
        for key, ms in decision.timings_ms.items():
            # the hot loop of the observer (one histogram per step): the child by timing key, no label dict
            child: Any = children.get(key)
            if child is None:
                # bounded: the stages times the revision budget (``review_2`` is stage ``review``)
                child = children[key] = stages.prom.labels(stage=_stage(key))
            child.observe(ms / 1000)
            if otel is not None:
                otel.record(ms / 1000, {"stage": _stage(key)})  # type: ignore[union-attr]
            total += ms
        self.review_seconds.add({"domain": domain, "kind": decision.kind}, total / 1000)
        self._costed(
            decision.reviewer.provider, decision.reviewer.model, reviewer, kind, outcome.attempts, outcome.usage
        )

    def callback_ended(self, outcome: str) -> None:
        """An escalation callback ended: ``delivered``, ``failed`` or ``refused``."""
        self.callbacks.add({"outcome": outcome})

    def _failed(self, domain: str, reviewer: str, kind: ReviewerOutcomeKind, error: str | None) -> None:
        if kind is ReviewerOutcomeKind.error:
            self.reviewer_errors.add({"domain": domain, "reviewer": reviewer, "error": error or "reviewer_error"})
        elif kind is ReviewerOutcomeKind.abstain:
            self.reviewer_abstentions.add({"domain": domain, "reviewer": reviewer})

    def _costed(
        self,
        provider: str,
        model: str,
        reviewer: str,
        kind: ReviewerOutcomeKind,
        attempts: int,
        usage: Mapping[str, int],
    ) -> None:
        """Count a reviewer call's tokens and cost; an answered model call that cannot be costed is counted as such
        (and logged once per reviewer), so a gateway that drops ``usage`` does not read as a cheaper month."""
        if usage:
            if self._usage(provider, model, reviewer, usage):
                return
            why = "no_price"
        elif provider == "local" or attempts < 1 or kind is ReviewerOutcomeKind.error:
            return  # offline rules, no call made, or a failed call (no answer, nothing billed that it could say)
        else:
            why = "no_usage"
        self.uncosted.add({"reviewer": reviewer, "why": why})
        if (reviewer, why) not in self._uncosted_warned:
            self._uncosted_warned.add((reviewer, why))
            log.warning(
                "reviewer %s:%s %s: oversight_reviewer_cost_usd leaves its calls out "
                "(counted in oversight_reviewer_uncosted_calls_total{why=%r})",
                provider,
                model,
                "answered without usage counts" if why == "no_usage" else "has no price (set OVERSIGHT_MODEL_PRICES)",
                why,
            )

    def _usage(self, provider: str, model: str, reviewer: str, usage: Mapping[str, int]) -> bool:
        """Add the tokens and the cost; False when the model has no price (tokens added, no cost)."""
        attrs = genai_usage_attributes(provider, usage)
        counts = {
            "input": attrs.get("gen_ai.usage.input_tokens", 0),
            "output": attrs.get("gen_ai.usage.output_tokens", 0),
            "cache_read": attrs.get("gen_ai.usage.cache_read.input_tokens", 0),
            "cache_creation": attrs.get("gen_ai.usage.cache_creation.input_tokens", 0),
        }
        for kind, n in counts.items():
            if n:
                self.tokens.add({"reviewer": reviewer, "type": kind}, n)
        price = self._price(model)
        if price is not None:
            uncached = max(0, counts["input"] - counts["cache_read"] - counts["cache_creation"])
            usd = (
                uncached * price[0]
                + counts["output"] * price[1]
                + counts["cache_read"] * price[2]
                + counts["cache_creation"] * price[3]
            ) / 1e6
            if usd:
                self.cost.add({"reviewer": reviewer}, usd)
        return price is not None

    def _price(self, model: str) -> tuple[float, float, float, float] | None:
        return price_of(self.prices, model)

    # -- drift alerts -----------------------------------------------------------------------------------------
    def drift_alert(self, alert: Mapping[str, Any], open_count: int) -> None:
        """Count an opened alert and track how many are open (called by the drift monitor's callback)."""
        if alert.get("state") == "open":
            self.drift_alerts.add(
                {
                    "domain": str(alert.get("domain")),
                    "fast_model": self._fast_model(str(alert.get("fast_model"))),
                    "metric": str(alert.get("metric")),
                    "kind": str(alert.get("kind")),
                }
            )
        self.drift_open.set(open_count)

    # -- lost spans ---------------------------------------------------------------------------------------------
    def span_loss(self, reason: str, count: int) -> None:
        """Spans were lost on the way to the collector (``telemetry.watch_span_loss``); any thread."""
        # bounded: the SDK's error.type values and export_failed
        self.spans_dropped.add({"reason": reason}, count)

    # -- reviewer circuits ------------------------------------------------------------------------------------
    def reviewer_circuit(self, provider: str, model: str, is_open: bool) -> None:
        """A reviewer's circuit breaker was built (closed), opened or closed (``Bulkheads.watch_circuits``)."""
        # bounded: one series per configured reviewer (policies and settings name them, not requests)
        self.circuit_open.labels(provider=provider, model=model).set(1 if is_open else 0)
