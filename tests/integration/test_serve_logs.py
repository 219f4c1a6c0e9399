"""``oversight serve``'s own log lines: at ``OVERSIGHT_LOG_LEVEL``, on stderr, each with its time, level and logger.

Before, only uvicorn's loggers were configured: the service's lines fell to Python's last-resort handler, which
prints warnings and worse as bare text, so an on-call engineer saw "circuit open" with no time on it and never
"circuit closed", at any level. The service here reviews through the official Anthropic SDK against the fake
vendor, which fails twice (the circuit opens), then answers (the probe closes it).
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply
from tests.integration.serve import OVERSIGHT, _env, _free_port

STAMPED = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "


def _review(url: str) -> dict[str, object]:
    body = {"domain": "health", "messages": [{"role": "user", "content": "How much ibuprofen can I take?"}],
            "output": "Up to 1,200 mg a day without a prescription; read the label."}
    request = urllib.request.Request(f"{url}/v1/reviews", data=orjson.dumps(body),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as r:
        decision: dict[str, object] = orjson.loads(r.read())
        return decision


@contextmanager
def _serve(tmp_path: Path, vendor: FakeModelServer, level: str) -> Iterator[tuple[str, Path]]:
    env = _env(OVERSIGHT_LOG_LEVEL=level, OVERSIGHT_REVIEWER="anthropic:claude-opus-4-6",
               ANTHROPIC_API_KEY="sk-ant-test", ANTHROPIC_BASE_URL=vendor.anthropic_base_url,
               OVERSIGHT_REVIEWER_CIRCUIT_FAILURES="2", OVERSIGHT_REVIEWER_CIRCUIT_OPEN_S="1",
               OVERSIGHT_REVIEWER_MAX_ATTEMPTS="1", OVERSIGHT_REVIEWER_MAX_ATTEMPT="3")
    with _serving(tmp_path, level, env) as served:
        yield served


@contextmanager
def _serving(tmp_path: Path, name: str, env: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """``oversight serve`` with ``env``, its output in ``serve-NAME.log``, until it answers /healthz."""
    port = _free_port()
    log = tmp_path / f"serve-{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(OVERSIGHT), "serve", "--port", str(port), "--data-dir", str(tmp_path / f"data-{name}")],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                if proc.poll() is not None:
                    pytest.fail(f"oversight serve exited: {log.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=1):
                        break
                except OSError:
                    time.sleep(0.1)
            yield url, log
        finally:
            proc.terminate()
            proc.wait(timeout=60)  # with a collector down, the exporters retry their last batch at exit


@pytest.mark.parametrize("level", ["info", "warning"])
def test_the_services_own_lines_are_logged_at_its_level_with_time_level_and_logger(
    tmp_path: Path, model_server: FakeModelServer, level: str  # noqa: F811
) -> None:
    model_server.script(Reply.server_error(503), Reply.server_error(503))
    with _serve(tmp_path, model_server, level) as (url, log):
        assert [_review(url)["reason"] for _ in range(2)] == ["reviewer_error", "reviewer_error"]  # now open
        time.sleep(1.2)
        assert _review(url)["verdict"] == "approve"  # the probe call is answered: closed
    text = log.read_text()
    opened = re.search(rf"^{STAMPED}WARNING oversight\.reviewers: reviewer anthropic:claude-opus-4-6 circuit open "
                       r"after 2 consecutive outage failures", text, re.M)
    assert opened is not None, text
    closed = re.search(rf"^{STAMPED}INFO oversight\.reviewers: reviewer anthropic:claude-opus-4-6 circuit closed",
                       text, re.M)
    reviewers = re.search(rf"^{STAMPED}INFO oversight: reviewers: health, finance, cyber, tool_use, general: "
                          r"anthropic:claude-opus-4-6$", text, re.M)
    # a misspelt variable is named at start-up, whatever the level, with the name it was probably meant to be
    assert ("oversight: warning: OVERSIGHT_REVIEWER_MAX_ATTEMPT is not a setting Oversight reads: it is ignored "
            "(did you mean OVERSIGHT_REVIEWER_MAX_ATTEMPTS?)") in text
    if level == "info":
        assert closed is not None and reviewers is not None, text
    else:  # the level holds for the service's lines too: warnings only
        assert closed is None and reviewers is None, text


def test_start_up_says_where_telemetry_goes_and_the_exporters_lines_are_stamped(tmp_path: Path) -> None:
    """On-call QA: the start-up log named the reviewers but not where traces and metrics go, and with the collector
    down the OTLP exporter's own lines ("Transient error … Max retries exceeded") came out as bare text, with no
    time, level or logger to correlate them by."""
    dead = _free_port()  # nothing listens here: the collector is down
    env = _env(OVERSIGHT_LOG_LEVEL="info", OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{dead}",
               OTEL_BSP_SCHEDULE_DELAY="100", OTEL_EXPORTER_OTLP_TIMEOUT="2", OTEL_METRIC_EXPORT_INTERVAL="500")
    with _serving(tmp_path, "otlp", env) as (url, log):
        _review(url)
        for _ in range(100):  # the first failed export (its retry is logged once a minute at most)
            if "opentelemetry" in log.read_text() or "export failed" in log.read_text():
                break
            time.sleep(0.1)
    text = log.read_text()
    target = re.escape(f"http://127.0.0.1:{dead}")
    assert re.search(rf"^{STAMPED}INFO oversight: telemetry: traces to OTLP {target}/v1/traces \(http/protobuf\), "
                     rf"metrics on /metrics \(Prometheus\) and to OTLP {target}/v1/metrics", text, re.M), text
    exporter = [line for line in text.splitlines() if "opentelemetry" in line or "Max retries" in line
                or "Transient error" in line]
    assert exporter, text
    assert all(re.match(rf"{STAMPED}(WARNING|ERROR) ", line) for line in exporter), exporter
