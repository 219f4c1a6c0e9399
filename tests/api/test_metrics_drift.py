"""/metrics and /v1/drift over bursts of real reviews: a fast-model version change that shifts the
disagreement rate raises a drift alert (and posts it to the webhook); the same traffic without a shift does not.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.main import create_app
from service.reviewers.base import (
    ReviewerAbstained,
    ReviewerResult,
    ReviewerUnavailable,
    ReviewerVerdict,
    ReviewItem,
)
from service.settings import Settings
from service.vocabulary import Verdict

PROMPT = "I have had a headache for two days. What can I take?"
SAFE = "Paracetamol at the dose on the package usually helps; see a doctor if it lasts more than three days."
UNSAFE = "UNSAFE: take as many pills as you need until it stops."


class MarkerReviewer:
    """Rewrites outputs marked UNSAFE, abstains on ABSTAIN, is unreachable on DOWN, approves the rest."""

    provider = "fakevendor"
    model = "fake-reviewer-1"

    async def review(self, item: ReviewItem) -> ReviewerResult:
        if item.output.startswith("ABSTAIN"):
            raise ReviewerAbstained("refused to review", usage={"input_tokens": 50, "output_tokens": 5})
        if item.output.startswith("DOWN"):
            raise ReviewerUnavailable("503 after retries", attempts=4)
        if item.output.startswith("UNSAFE"):
            verdict = ReviewerVerdict(
                verdict=Verdict.rewrite, critique="Unsafe.", rewrite="See a doctor.", confidence=0.9
            )
        else:
            verdict = ReviewerVerdict(verdict=Verdict.approve, critique="Fine.", confidence=0.95)
        return ReviewerResult(
            verdict=verdict,
            provider=self.provider,
            model=self.model,
            usage={"input_tokens": 100, "output_tokens": 20, "cache_read_input_tokens": 60},
        )

    async def aclose(self) -> None:
        return None


class WebhookReceiver:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.posts.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/drift"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def drift_env(monkeypatch: pytest.MonkeyPatch, webhook: WebhookReceiver) -> WebhookReceiver:
    """Small-sample drift settings so a burst of a hundred reviews is enough for a test."""
    monkeypatch.setenv("OVERSIGHT_DRIFT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("OVERSIGHT_DRIFT_MIN_SAMPLES", "40")
    monkeypatch.setenv("OVERSIGHT_DRIFT_MIN_EVENTS", "5")
    monkeypatch.setenv("OVERSIGHT_DRIFT_EVAL_EVERY_S", "0.001")
    return webhook


def make_client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path / "data", audit_seed=0), reviewer=MarkerReviewer()))


def send(client: TestClient, output: str, version: str) -> dict[str, Any]:
    response = client.post(
        "/v1/reviews",
        json={
            "domain": "health",
            "messages": [{"role": "user", "content": PROMPT}],
            "output": output,
            "model": {"provider": "acme", "name": "fast-chat", "version": version},
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def burst(client: TestClient, version: str, n: int, unsafe_every: int) -> None:
    """``n`` reviews where every ``unsafe_every``-th answer is unsafe (a deterministic rate of 1/unsafe_every)."""
    for i in range(n):
        send(client, UNSAFE if i % unsafe_every == 0 else SAFE, version)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    return sum(v for (n, ls), v in metrics.items() if n == name and set(labels.items()) <= set(ls))


def series(drift: dict[str, Any], fast_model: str) -> dict[str, Any]:
    return next(s for s in drift["series"] if s["fast_model"] == fast_model)


def test_a_reviewer_outage_is_not_counted_as_the_fast_model_disagreeing(tmp_path: Path) -> None:
    # Every review escalated for reviewer_error counted as a disagreement of the fast model (8 of 8 in an outage):
    # a vendor outage raised a drift alert whose text blamed the fast model. No review judged those decisions.
    down = "DOWN " + SAFE
    with make_client(tmp_path) as client:
        for output in (SAFE, SAFE, UNSAFE, down, down, down, "ABSTAIN " + SAFE):
            send(client, output, "v1")
        decisions = [d for d in client.get("/v1/reviews", params={"limit": 50}).json()["items"]]
        assert sorted(d["reason"] for d in decisions).count("reviewer_error") == 3
        m = series(client.get("/v1/drift", params={"domain": "health"}).json(), "fast-chat@v1")["metrics"]
        assert (m["disagreement"]["n"], m["disagreement"]["count"]) == (3, 1)  # the judged ones: 1 of 3 rewritten
        assert m["refusal"]["n"] == 3  # QA M1: the others' class would come from the local analysis, not the reviewer
        metrics = samples(client.get("/metrics").text)
        assert value(metrics, "oversight_disagreements_total", fast_model="fast-chat@v1") == 1
        assert value(metrics, "oversight_reviews_total", fast_model="fast-chat@v1") == 7


def test_a_version_change_that_raises_disagreement_fires_a_drift_alert(
    tmp_path: Path, drift_env: WebhookReceiver
) -> None:
    with make_client(tmp_path) as client:
        burst(client, "v1", 60, unsafe_every=10)  # 10 % disagreement
        burst(client, "v2", 60, unsafe_every=2)  # 50 % after the fast model changed
        # The monitor may detect the shift while following the store, after the last response; once the alert is
        # on /v1/drift it is queued for announcing (ledger claim, then the counter), which `drain` waits for.
        announcer: Any = client.app.state.drift_announcer  # type: ignore[attr-defined]
        assert client.portal is not None
        deadline = time.monotonic() + 30
        while True:
            drift = client.get("/v1/drift").json()
            if any(a["metric"] == "disagreement" for a in drift["alerts"]) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        client.portal.call(announcer.drain)
        metrics = samples(client.get("/metrics").text)

    v1, v2 = series(drift, "fast-chat@v1"), series(drift, "fast-chat@v2")
    assert v1["metrics"]["disagreement"]["rate"] == pytest.approx(0.1)
    assert v2["metrics"]["disagreement"]["rate"] == pytest.approx(0.5)
    lo, hi = v2["metrics"]["disagreement"]["ci95"]
    assert lo < 0.5 < hi
    assert v2["baseline"] == "pinned:fast-chat@v1"  # the incumbent became the new version's baseline

    alerts = [a for a in drift["alerts"] if a["metric"] == "disagreement"]
    assert [(a["series"], a["direction"], a["kind"]) for a in alerts] == [
        ("health/fast-chat@v2", "up", "two_proportion")
    ]
    assert alerts[0]["p_adjusted"] < 0.001

    # /metrics tells the same story.
    assert value(metrics, "oversight_reviews_total", fast_model="fast-chat@v1") == 60
    assert value(metrics, "oversight_disagreements_total", fast_model="fast-chat@v1") == 6
    assert value(metrics, "oversight_disagreements_total", fast_model="fast-chat@v2") == 30
    assert value(metrics, "oversight_drift_alerts_total", metric="disagreement", fast_model="fast-chat@v2") == 1
    assert value(metrics, "oversight_drift_alerts_open") >= 1
    assert value(metrics, "oversight_drift_rate", fast_model="fast-chat@v2", metric="disagreement") == pytest.approx(
        0.5
    )

    # The webhook got the alert (posted from the event loop; drained when the app stopped).
    opened = [p for p in drift_env.posts if p["alert"]["metric"] == "disagreement" and p["alert"]["state"] == "open"]
    assert len(opened) == 1
    assert "fast-chat@v2" in opened[0]["text"] and "up" in opened[0]["text"]
    # QA L5: readable UTC times next to the epoch ones, and the baseline's n (v1's 60 decisions), in the body,
    # its text and on /v1/drift alike.
    posted = opened[0]["alert"]
    assert posted["baseline_n"] == alerts[0]["baseline_n"] == 60
    assert "(pinned:fast-chat@v1, n=60)" in opened[0]["text"]
    assert posted["detected_at_iso"] == alerts[0]["detected_at_iso"]
    assert posted["detected_at_iso"] == datetime.fromtimestamp(posted["detected_at"], UTC).isoformat(
        timespec="seconds"
    ).replace("+00:00", "Z")
    assert posted["updated_at_iso"].endswith("Z") and posted["closed_at_iso"] is None


def test_the_same_traffic_without_a_shift_raises_no_alert(tmp_path: Path, drift_env: WebhookReceiver) -> None:
    with make_client(tmp_path) as client:
        burst(client, "v1", 60, unsafe_every=10)
        burst(client, "v2", 60, unsafe_every=10)
        drift = client.get("/v1/drift").json()
        metrics = samples(client.get("/metrics").text)

    v2 = series(drift, "fast-chat@v2")["metrics"]["disagreement"]
    assert v2["tested"] is True and v2["p_value"] == pytest.approx(1.0)  # it was tested, and nothing changed
    assert drift["alerts"] == []
    assert drift_env.posts == []
    assert value(metrics, "oversight_drift_alerts_total") == 0
    assert value(metrics, "oversight_drift_alerts_open") == 0


def test_metrics_count_verdicts_reviewer_failures_tokens_and_stages(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        send(client, SAFE, "v1")
        send(client, UNSAFE, "v1")
        abstained = send(client, "ABSTAIN: whatever", "v1")
        down = send(client, "DOWN: whatever", "v1")
        response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    m = samples(response.text)

    # A reviewer failure in health fails closed (escalate): counted as the failure, not as a disagreement (no review
    # judged the fast model's answer).
    assert abstained["verdict"] == down["verdict"] == "escalate"
    assert value(m, "oversight_reviews_total", domain="health", verdict="approve") == 1
    assert value(m, "oversight_reviews_total", domain="health", verdict="rewrite") == 1
    assert value(m, "oversight_reviews_total", domain="health", verdict="escalate") == 2
    assert value(m, "oversight_disagreements_total", domain="health") == 1
    assert value(m, "oversight_reviewer_abstentions_total", reviewer="fakevendor:fake-reviewer-1") == 1
    assert value(m, "oversight_reviewer_errors_total", error="reviewer_unavailable") == 1
    # why each escalation happened, so on-call can tell a reviewer outage from a confidence drop
    assert value(m, "oversight_decision_reasons_total", verdict="escalate", reason="reviewer_abstain") == 1
    assert value(m, "oversight_decision_reasons_total", verdict="escalate", reason="reviewer_error") == 1
    assert value(m, "oversight_decision_reasons_total", verdict="approve", reason="reviewer_approved") == 1

    # Tokens by type; input counts every input token (the conventions' meaning).
    assert value(m, "oversight_reviewer_tokens_total", type="input") == 100 + 100 + 50
    assert value(m, "oversight_reviewer_tokens_total", type="output") == 20 + 20 + 5
    assert value(m, "oversight_reviewer_tokens_total", type="cache_read") == 120

    # Latency by stage: every review went through triage; only the flagged one through revise.
    assert value(m, "oversight_stage_duration_seconds_count", stage="triage") == 4
    assert value(m, "oversight_stage_duration_seconds_count", stage="revise") == 1
    assert value(m, "oversight_review_duration_seconds_count", domain="health") == 4


def test_a_baseline_can_be_pinned_before_a_rollout(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        send(client, SAFE, "v1")  # the version in production
        pinned = client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v1"})
        assert pinned.status_code == 200
        assert pinned.json() == {"health": {"fast-chat": {"fast_model": "fast-chat@v1", "source": "manual"}}}
        send(client, SAFE, "v2")
        drift = client.get("/v1/drift", params={"domain": "health"}).json()
        assert series(drift, "fast-chat@v2")["baseline"] == "pinned:fast-chat@v1"
        assert client.get("/v1/drift", params={"domain": "finance"}).json()["series"] == []
        assert client.delete("/v1/drift/pins/health").json() == {}


def test_each_fast_model_name_in_a_domain_is_pinned_on_its_own_and_kept_across_a_restart(tmp_path: Path) -> None:
    # QA H1: one pin per domain; pinning helper-bot@1 made fast-chat@* drift against helper-bot.
    with make_client(tmp_path) as client:
        send(client, SAFE, "v1")
        send(client, SAFE, "v2")
        client.post("/v1/reviews", json={"domain": "health", "messages": [{"role": "user", "content": PROMPT}],
                                         "output": SAFE, "model": {"name": "helper-bot", "version": "1"}})
        assert client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v1"}).status_code == 200
        both = client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "helper-bot@1"})
        assert both.status_code == 200, both.text
        assert both.json() == {"health": {
            "fast-chat": {"fast_model": "fast-chat@v1", "source": "manual"},
            "helper-bot": {"fast_model": "helper-bot@1", "source": "manual"},
        }}
        assert series(client.get("/v1/drift").json(), "fast-chat@v2")["baseline"] == "pinned:fast-chat@v1"
    with make_client(tmp_path) as client:
        assert set(client.get("/v1/drift").json()["pins"]["health"]) == {"fast-chat", "helper-bot"}
        left = client.delete("/v1/drift/pins/health", params={"name": "helper-bot"})
        assert left.json() == {"health": {"fast-chat": {"fast_model": "fast-chat@v1", "source": "manual"}}}
        assert series(client.get("/v1/drift").json(), "fast-chat@v2")["baseline"] == "pinned:fast-chat@v1"


def test_a_pin_must_name_a_fast_model_as_decisions_label_it(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        no_version = client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat"})
        assert no_version.status_code == 422 and no_version.json()["error"]["field"] == "fast_model"
        typo = client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v1", "zzz": 1})
        assert typo.status_code == 422 and typo.json()["error"]["field"] == "zzz"
        assert client.get("/v1/drift").json()["pins"] == {}  # nothing was pinned


def test_a_pin_of_a_version_never_seen_is_refused_unless_asked_for(tmp_path: Path) -> None:
    # A typo ("fast-chat@v11") was pinned without a word: every other version of the domain was then compared with
    # a baseline of no decisions, never tested, and the automatic pin stayed off.
    with make_client(tmp_path) as client:
        send(client, SAFE, "v1")
        typo = client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v11"})
        assert typo.status_code == 422, typo.text
        error = typo.json()["error"]
        assert error["field"] == "fast_model" and "fast-chat@v1" in error["message"]
        elsewhere = client.put("/v1/drift/pins", json={"domain": "finance", "fast_model": "fast-chat@v1"})
        assert elsewhere.status_code == 422 and "none yet" in elsewhere.json()["error"]["message"]
        assert client.get("/v1/drift").json()["pins"] == {}
        ahead = {"domain": "finance", "fast_model": "fast-chat@v2", "allow_unseen": True}  # before its traffic
        assert client.put("/v1/drift/pins", json=ahead).json() == {
            "finance": {"fast-chat": {"fast_model": "fast-chat@v2", "source": "manual"}}
        }


def test_workers_on_one_database_count_all_traffic_and_announce_an_alert_once(
    any_settings: Settings, drift_env: WebhookReceiver
) -> None:
    # Two workers or replicas (two apps on one SQLite file, or on one PostgreSQL database), each serving half of
    # the traffic: each one's /v1/drift counts all of it, both show the drift alert under one id, and the webhook
    # gets it once.
    def worker() -> TestClient:
        return TestClient(create_app(any_settings, reviewer=MarkerReviewer()))

    with worker() as one, worker() as two:
        for i in range(60):
            send((one, two)[i % 2], UNSAFE if i % 10 == 0 else SAFE, "v1")
        for i in range(60):
            send((one, two)[i % 2], UNSAFE if i % 2 == 0 else SAFE, "v2")

        def alert_ids(client: TestClient) -> list[str]:
            drift = client.get("/v1/drift").json()
            return [a["id"] for a in drift["alerts"] if a["metric"] == "disagreement"]

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (alert_ids(one) and alert_ids(one) == alert_ids(two)):
            time.sleep(0.05)
        views = [c.get("/v1/drift").json() for c in (one, two)]
        metrics = [samples(c.get("/metrics").text) for c in (one, two)]

    for view in views:
        for version, rate in (("v1", 0.1), ("v2", 0.5)):
            m = series(view, f"fast-chat@{version}")["metrics"]["disagreement"]
            assert (m["n"], m["rate"]) == (60, pytest.approx(rate))
    first, second = ([a for a in v["alerts"] if a["metric"] == "disagreement"] for v in views)
    assert [(a["series"], a["kind"]) for a in first] == [("health/fast-chat@v2", "two_proportion")]
    assert [a["id"] for a in first] == [a["id"] for a in second]
    opened = [p for p in drift_env.posts if p["alert"]["metric"] == "disagreement" and p["alert"]["state"] == "open"]
    assert [p["alert"]["id"] for p in opened] == [first[0]["id"]]
    counted = [value(m, "oversight_drift_alerts_total", metric="disagreement") for m in metrics]
    assert sorted(counted) == [0, 1]
    assert [value(m, "oversight_drift_alerts_open") for m in metrics] == [1, 1]


def test_a_restart_keeps_the_drift_windows_and_the_open_alert_without_posting_it_again(
    tmp_path: Path, drift_env: WebhookReceiver
) -> None:
    with make_client(tmp_path) as client:
        burst(client, "v1", 60, unsafe_every=10)
        burst(client, "v2", 60, unsafe_every=2)
        before = client.get("/v1/drift").json()
    assert [p["alert"]["state"] for p in drift_env.posts if p["alert"]["metric"] == "disagreement"] == ["open"]

    with make_client(tmp_path) as client:  # a new process on the same data directory
        after = client.get("/v1/drift").json()
        metrics = samples(client.get("/metrics").text)
    assert before["process"]["refilled"] == 0 and after["process"]["refilled"] == 120
    assert after["process"]["pid"] == os.getpid() and after["process"]["host"]

    for version in ("v1", "v2"):
        was, now = series(before, f"fast-chat@{version}"), series(after, f"fast-chat@{version}")
        assert now["metrics"]["disagreement"]["n"] == was["metrics"]["disagreement"]["n"] == 60
        assert now["metrics"]["disagreement"]["rate"] == was["metrics"]["disagreement"]["rate"]
    assert series(after, "fast-chat@v2")["baseline"] == "pinned:fast-chat@v1"
    alerts = [(a["series"], a["metric"], a["kind"]) for a in after["alerts"] if a["state"] == "open"]
    assert ("health/fast-chat@v2", "disagreement", "two_proportion") in alerts
    # Announced once, before the restart: not posted or counted again, but shown as open.
    assert [p["alert"]["state"] for p in drift_env.posts if p["alert"]["metric"] == "disagreement"] == ["open"]
    assert value(metrics, "oversight_drift_alerts_total") == 0
    assert value(metrics, "oversight_drift_alerts_open") >= 1
    assert value(metrics, "oversight_drift_rate", fast_model="fast-chat@v2", metric="disagreement") == pytest.approx(
        0.5
    )


def test_an_alert_detected_again_after_a_restart_keeps_the_id_and_time_it_was_announced_with(
    tmp_path: Path, drift_env: WebhookReceiver
) -> None:
    # The refill after a restart detects an open alert again. It was shown under a new id until the ledger's
    # answer renamed it, and always with the refill's detection time: an on-call engineer matching the page to
    # the dashboard saw an alert that looked new. Here the ledger says another worker announced it, earlier.
    key = ("health/fast-chat@v2", "disagreement", "two_proportion")
    with make_client(tmp_path) as client:
        burst(client, "v1", 60, unsafe_every=10)
        burst(client, "v2", 60, unsafe_every=2)
    announced_at = time.time() - 45.0
    with sqlite3.connect(tmp_path / "data" / "oversight.sqlite") as db:
        changed = db.execute(
            "UPDATE drift_alerts SET alert_id = 'drift-elsewhere-000001', opened_at = ? "
            "WHERE key = ? AND closed_at IS NULL",
            (announced_at, "|".join(key)),
        ).rowcount
    assert changed == 1

    with make_client(tmp_path) as client:
        after = [a for a in client.get("/v1/drift").json()["alerts"] if (a["series"], a["metric"], a["kind"]) == key]
    assert [(a["id"], a["detected_at"], a["state"]) for a in after] == [
        ("drift-elsewhere-000001", pytest.approx(announced_at, abs=0.001), "open")
    ]
    assert [p["alert"]["state"] for p in drift_env.posts if p["alert"]["metric"] == "disagreement"] == ["open"]


def test_with_replay_off_a_restart_starts_the_drift_windows_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with make_client(tmp_path) as client:
        burst(client, "v1", 5, unsafe_every=2)
        assert series(client.get("/v1/drift").json(), "fast-chat@v1")["metrics"]["disagreement"]["n"] == 5
    monkeypatch.setenv("OVERSIGHT_DRIFT_REPLAY_MAX", "0")
    with make_client(tmp_path) as client:
        assert client.get("/v1/drift").json()["series"] == []
    monkeypatch.setenv("OVERSIGHT_DRIFT_REPLAY_MAX", "3")  # a cap keeps the newest decisions
    with make_client(tmp_path) as client:
        assert series(client.get("/v1/drift").json(), "fast-chat@v1")["metrics"]["disagreement"]["n"] == 3


def test_damaged_stored_rows_are_skipped_not_fatal_to_the_refill_or_the_feed(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        burst(client, "v1", 4, unsafe_every=2)
    with sqlite3.connect(tmp_path / "data" / "oversight.sqlite") as db:  # two damaged rows
        db.execute("UPDATE decisions SET body = x'7b6e6f74' WHERE rowid = 1")
        db.execute("UPDATE decisions SET created_at = 'yesterday' WHERE rowid = 2")
    with make_client(tmp_path) as client:
        assert client.get("/readyz").status_code == 200
        drift = client.get("/v1/drift").json()
        assert drift["process"]["refilled"] == 2  # the two good ones
        assert series(drift, "fast-chat@v1")["metrics"]["disagreement"]["n"] == 2
        with sqlite3.connect(tmp_path / "data" / "oversight.sqlite") as db:  # a damaged row in what the feed reads
            db.execute(
                "INSERT INTO decisions SELECT 'rev_damaged', tenant, NULL, kind, domain, verdict, NULL, NULL, "
                "created_at, updated_at, x'7b6e6f74', NULL FROM decisions WHERE rowid = 4"
            )
        send(client, SAFE, "v1")  # and it counts the new traffic around it
        assert series(client.get("/v1/drift").json(), "fast-chat@v1")["metrics"]["disagreement"]["n"] == 3


def test_a_pin_made_through_the_api_survives_a_restart_and_reaches_another_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_DRIFT_PIN_SYNC_S", "0.05")
    with make_client(tmp_path) as one, make_client(tmp_path) as two:  # two workers on one data directory
        send(one, SAFE, "v1")
        send(one, SAFE, "v2")
        assert one.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v1"}).status_code == 200
        assert wait_for_pins(two, {"health": {"fast-chat": {"fast_model": "fast-chat@v1", "source": "manual"}}})
        assert two.delete("/v1/drift/pins/health").status_code == 200
        assert wait_for_pins(one, {})
        one.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v2"})
    with make_client(tmp_path) as restarted:
        assert restarted.get("/v1/drift").json()["pins"] == {"health": {"fast-chat": {"fast_model": "fast-chat@v2", "source": "manual"}}}


def test_a_configured_pin_does_not_undo_an_unpin_after_a_restart_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_DRIFT_PINS", "health=fast-chat@v1")
    with make_client(tmp_path) as client:
        assert client.get("/v1/drift").json()["pins"] == {"health": {"fast-chat": {"fast_model": "fast-chat@v1", "source": "manual"}}}
        client.delete("/v1/drift/pins/health")
    with make_client(tmp_path) as client:  # the same configuration: the unpin stands
        assert client.get("/v1/drift").json()["pins"] == {}
    monkeypatch.setenv("OVERSIGHT_DRIFT_PINS", "health=fast-chat@v2")
    with make_client(tmp_path) as client:  # a changed configuration is applied
        assert client.get("/v1/drift").json()["pins"] == {"health": {"fast-chat": {"fast_model": "fast-chat@v2", "source": "manual"}}}


def wait_for_pins(client: TestClient, expected: dict[str, Any], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if client.get("/v1/drift").json()["pins"] == expected:
            return True
        time.sleep(0.02)
    return False


def test_v1_drift_and_metrics_say_how_the_feed_is_doing_and_still_answer_when_it_fails(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        burst(client, "v1", 3, unsafe_every=2)
        feed = client.get("/v1/drift").json()["process"]["feed"]
        assert (feed["counted"], feed["errors"], feed["missing_positions"]) == (3, 0, 0)
        assert feed["position"] == 3 and feed["read_at"] is not None
        m = samples(client.get("/metrics").text)
        assert value(m, "oversight_drift_feed_errors_total") == 0
        assert abs(value(m, "oversight_drift_feed_read_timestamp_seconds") - time.time()) < 60

        db = tmp_path / "data" / "oversight.sqlite"
        with sqlite3.connect(db) as conn:  # the decisions cannot be read for a moment
            conn.execute("ALTER TABLE decisions RENAME TO decisions_away")
        broken = client.get("/v1/drift")
        assert broken.status_code == 200  # answered from what the monitor has
        assert series(broken.json(), "fast-chat@v1")["metrics"]["disagreement"]["n"] == 3
        assert broken.json()["process"]["feed"]["errors"] >= 1
        assert value(samples(client.get("/metrics").text), "oversight_drift_feed_errors_total") >= 1
        with sqlite3.connect(db) as conn:
            conn.execute("ALTER TABLE decisions_away RENAME TO decisions")
        send(client, SAFE, "v1")
        assert series(client.get("/v1/drift").json(), "fast-chat@v1")["metrics"]["disagreement"]["n"] == 4


def test_a_restart_long_after_a_rollout_keeps_the_pinned_version_as_a_baseline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A two-second window: the pinned version's traffic is more than two windows old at the restart, so the
    # refill cannot bring it back; its stored counts do.
    monkeypatch.setenv("OVERSIGHT_DRIFT_WINDOW_S", "2")
    monkeypatch.setenv("OVERSIGHT_DRIFT_BUCKET_S", "0.25")
    monkeypatch.setenv("OVERSIGHT_DRIFT_EVAL_EVERY_S", "0.001")
    with make_client(tmp_path) as client:
        client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v1", "allow_unseen": True})
        burst(client, "v1", 40, unsafe_every=10)
    time.sleep(4.5)
    with make_client(tmp_path) as client:
        burst(client, "v2", 5, unsafe_every=5)
        drift = client.get("/v1/drift").json()
    assert drift["process"]["refilled"] == 0  # nothing of v1 is within two windows any more
    assert series(drift, "fast-chat@v1")["lifetime_n"] == 40
    v2 = series(drift, "fast-chat@v2")
    assert v2["baseline"] == "pinned:fast-chat@v1"
    assert v2["metrics"]["disagreement"]["baseline_n"] == 40
    assert v2["metrics"]["disagreement"]["baseline_rate"] == pytest.approx(0.1)


def test_a_caller_naming_a_new_fast_model_each_time_cannot_grow_the_drift_series(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_DRIFT_MAX_FAST_MODELS", "3")
    with make_client(tmp_path) as client:
        for i in range(8):
            send(client, SAFE, f"v{i}")
        m = samples(client.get("/metrics").text)
        drift = client.get("/v1/drift", params={"domain": "health"}).json()
        other = client.get("/v1/drift", params={"fast_model": "other"}).json()
        # a version past the cap is found under "other", and an empty answer for it says so
        late = client.get("/v1/drift", params={"fast_model": "fast-chat@v7"}).json()
        never = client.get("/v1/drift", params={"fast_model": "fast-chat@v99", "domain": "finance"}).json()
    assert late["series"] == [] and "under fast_model='other' (in health)" in late["note"]
    assert never["series"] == [] and never["note"] == "no decision of fast-chat@v99 has been counted in finance"
    assert "note" not in other
    labelled = {dict(ls)["fast_model"] for (n, ls) in m if n == "oversight_drift_window_samples"}
    assert labelled == {"fast-chat@v0", "fast-chat@v1", "fast-chat@v2", "other"}
    assert value(m, "oversight_drift_window_samples", fast_model="other", metric="disagreement") == 5
    assert [s["fast_model"] for s in drift["series"]].count("other") == 1
    assert [s["fast_model"] for s in other["series"]] == ["other"]


def test_v1_drift_refuses_a_parameter_it_does_not_know_or_a_malformed_fast_model(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        send(client, SAFE, "v1")
        for params, field in (({"window_s": "10"}, "window_s"), ({"fast_model": ""}, "fast_model"),
                              ({"fast_model": "fast-chat"}, "fast_model"), ({"domain": "medical"}, "domain")):
            bad = client.get("/v1/drift", params=params)
            assert bad.status_code == 422 and bad.json()["error"]["field"] == field, (params, bad.text)
        assert len(client.get("/v1/drift", params={"fast_model": "fast-chat@v1"}).json()["series"]) == 1


def test_v1_drift_filters_every_version_of_a_name_and_a_bare_name_as_fast_model_is_explained(tmp_path: Path) -> None:
    # QA L5: ?fast_model=fast-chat was a 422 whose message was the raw regex.
    with make_client(tmp_path) as client:
        send(client, SAFE, "v1")
        send(client, SAFE, "v2")
        bad = client.get("/v1/drift", params={"fast_model": "fast-chat"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "fast_model"
        message = bad.json()["error"]["message"]
        assert "pattern" not in message and "name@version" in message and "name=fast-chat" in message, message
        versions = client.get("/v1/drift", params={"name": "fast-chat"}).json()
        assert sorted(s["fast_model"] for s in versions["series"]) == ["fast-chat@v1", "fast-chat@v2"]
        none = client.get("/v1/drift", params={"name": "helper-bot"}).json()
        assert none["series"] == [] and "helper-bot" in none["note"]


def test_unpinning_a_baseline_that_is_not_pinned_is_a_404(tmp_path: Path) -> None:
    # QA L5: DELETE /v1/drift/pins/finance with no pin answered 200 with the pin list, the same as a real unpin.
    with make_client(tmp_path) as client:
        send(client, SAFE, "v1")
        assert client.delete("/v1/drift/pins/finance").status_code == 404
        client.put("/v1/drift/pins", json={"domain": "health", "fast_model": "fast-chat@v1"})
        typo = client.delete("/v1/drift/pins/health", params={"name": "fast-chta"})
        assert typo.status_code == 404 and "fast-chta" in typo.json()["error"]["message"]
        assert client.delete("/v1/drift/pins/health", params={"name": "fast-chat"}).status_code == 200
        assert client.delete("/v1/drift/pins/health").status_code == 404  # nothing left


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"OVERSIGHT_DRIFT_PINS": "medical=fast-chat@v1"}, "OVERSIGHT_DRIFT_PINS='medical=fast-chat@v1': use DOMAIN="),
        ({"OVERSIGHT_DRIFT_PINS": "health=fast-chat@v1,finance=fast-chat"}, "'finance=fast-chat': use DOMAIN="),
        ({"OVERSIGHT_DRIFT_WINDOW_S": "30"}, "OVERSIGHT_DRIFT_WINDOW_S='30': the window (30 s) must be at least one"),
        # a window of 90 s in 60 s buckets was counted as 120 s while the config still showed 90
        ({"OVERSIGHT_DRIFT_WINDOW_S": "90"}, "the window (90 s) must be a whole number of buckets"),
    ],
)
def test_a_drift_setting_the_monitor_cannot_use_is_named_at_start_up(
    env: dict[str, str], needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: a traceback from inside the app (a bad domain, a window shorter than a bucket), or a pin without a
    # version accepted and never matching any decision.
    from service.api.observability import DriftSettings
    from service.settings import SettingsError, load_env_settings

    for name, text in env.items():
        monkeypatch.setenv(name, text)
    with pytest.raises(SettingsError) as err:
        load_env_settings(DriftSettings)
    assert needle in str(err.value)


def test_agent_actions_are_segmented_by_the_agent_that_proposed_them(tmp_path: Path) -> None:
    # An agent upgrade is the drift this is for: each agent version gets its own tool_use series.
    with make_client(tmp_path) as client:
        for version, commands in (("2.1.100", ["ls -la", "rm -rf ~"]), ("2.1.200", ["rm -rf ~"])):
            for command in commands:
                r = client.post("/v1/actions/reviews", json={
                    "action": {"tool": "shell", "input": {"command": command}, "cwd": "/home/dev/shop"},
                    "agent": {"name": "claude-code", "version": version},
                })
                assert r.status_code == 200, r.text
                assert r.json()["model"]["name"] == "claude-code" and r.json()["model"]["version"] == version
        m = samples(client.get("/metrics").text)
        drift = client.get("/v1/drift", params={"domain": "tool_use"}).json()
    assert value(m, "oversight_reviews_total", kind="action", fast_model="claude-code@2.1.100") == 2
    assert value(m, "oversight_reviews_total", kind="action", fast_model="claude-code@2.1.200") == 1
    assert value(m, "oversight_reviews_total", kind="action", fast_model="unknown@unknown") == 0
    assert {s["fast_model"] for s in drift["series"]} == {"claude-code@2.1.100", "claude-code@2.1.200"}


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("GPT 5 Instant", "2026-11"),
        ("claude-sonnet-4@vertex", "20250514"),
        # A scoped name, a version with a trailing space from a template, a blank name: the review API took them and
        # the monitor showed their series, but filtering or pinning them was a 422 (string_pattern_mismatch).
        ("@acme/fast-chat", "1"),
        ("fast-chat", "2026-11 "),
        ("   ", "1"),
    ],
)
def test_any_fast_model_a_review_can_name_can_be_filtered_and_pinned(
        tmp_path: Path, name: str, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    label = f"{name}@{version}"
    with make_client(tmp_path) as client:
        r = client.post("/v1/reviews", json={"domain": "health", "messages": [{"role": "user", "content": PROMPT}],
                                             "output": SAFE, "model": {"name": name, "version": version}})
        assert r.status_code == 200, r.text
        drift = client.get("/v1/drift", params={"fast_model": label})
        assert drift.status_code == 200, drift.text
        assert [s["fast_model"] for s in drift.json()["series"]] == [label]
        pinned = client.put("/v1/drift/pins", json={"domain": "health", "fast_model": label})
        assert pinned.status_code == 200, pinned.text
        assert pinned.json()["health"][name]["fast_model"] == label
    if label != label.strip():
        return  # OVERSIGHT_DRIFT_PINS strips its items: such a label is pinned through the API only
    # ... and from the environment, before the service has seen it
    monkeypatch.setenv("OVERSIGHT_DRIFT_PINS", f"health={label}")
    with make_client(tmp_path / "other") as client:
        assert client.get("/v1/drift").json()["pins"]["health"][name]["fast_model"] == label


def test_an_open_alert_no_process_holds_after_a_restart_is_closed_and_announced(
    tmp_path: Path, drift_env: WebhookReceiver
) -> None:
    # An alert opened and announced by a process that stopped in its clearing period; its evidence has left the
    # refill, so the restarted process does not detect it again. The sweep closes it in the ledger and posts the
    # close the channel has been waiting for, once.
    import asyncio

    key = "health/fast-chat@v2|disagreement|two_proportion"
    with make_client(tmp_path) as client:
        announcer = client.app.state.drift_announcer  # type: ignore[attr-defined]
        now = time.time()
        portal = client.portal
        assert portal is not None
        assert portal.call(announcer.ledger.claim_alert_open, key, "drift-old-000001", now - 700.0, 60.0) is None
        assert portal.call(announcer.sweep, now) == ["drift-old-000001"]
        assert portal.call(announcer.sweep, now + 60.0) == []
        portal.call(asyncio.sleep, 0.5)  # the webhook posts off the request path
        deadline = time.monotonic() + 10
        while not drift_env.posts and time.monotonic() < deadline:
            time.sleep(0.05)
    closes = [p["alert"] for p in drift_env.posts if p["alert"]["id"] == "drift-old-000001"]
    assert len(closes) == 1
    assert closes[0]["state"] == "closed" and closes[0]["close_reason"] == "abandoned"
    assert closes[0]["closed_at_iso"] == datetime.fromtimestamp(closes[0]["closed_at"], UTC).isoformat(
        timespec="seconds"
    ).replace("+00:00", "Z")
    assert (closes[0]["series"], closes[0]["metric"], closes[0]["kind"]) == (
        "health/fast-chat@v2", "disagreement", "two_proportion")
