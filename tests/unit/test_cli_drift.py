"""`oversight drift`: a running service's drift monitor as a compact table (series, open alerts, pins), its
answer as is with --json, and exit 2 with one line when the service cannot be reached or refuses (QA L5: there was
no such command; /v1/drift's JSON or Grafana were the only views).

The service is the real app on a loopback port (uvicorn in a thread), fed a version change that opens a drift
alert.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from service.cli import app as cli
from service.main import create_app
from service.settings import Settings
from tests.api._helpers import free_port, make_key, serving
from tests.api.test_metrics_drift import PROMPT, SAFE, UNSAFE, MarkerReviewer


def drift(*args: str, **env: str) -> Any:
    base = {"OVERSIGHT_URL": "", "OVERSIGHT_API_KEY": "", "COLUMNS": "200"}
    return CliRunner().invoke(cli, ["drift", *args], env={**base, **env})


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A service whose health/fast-chat@v2 disagrees five times as often as v1 did: an open drift alert."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OVERSIGHT_DRIFT_MIN_SAMPLES", "40")
        mp.setenv("OVERSIGHT_DRIFT_MIN_EVENTS", "5")
        mp.setenv("OVERSIGHT_DRIFT_EVAL_EVERY_S", "0.001")
        data = tmp_path_factory.mktemp("data")
        app = create_app(Settings(data_dir=data, audit_seed=0), reviewer=MarkerReviewer())
        with serving(app) as url, httpx.Client(base_url=url, timeout=30) as client:
            for version, unsafe_every in (("v1", 10), ("v2", 2)):
                for i in range(60):
                    answer = UNSAFE if i % unsafe_every == 0 else SAFE
                    review = {
                        "domain": "health",
                        "messages": [{"role": "user", "content": PROMPT}],
                        "output": answer,
                        "model": {"provider": "acme", "name": "fast-chat", "version": version},
                    }
                    assert client.post("/v1/reviews", json=review).status_code == 200
            deadline = time.monotonic() + 30
            while not client.get("/v1/drift").json()["alerts"]:
                assert time.monotonic() < deadline, "no drift alert opened"
                time.sleep(0.05)
            yield url


def test_the_table_shows_each_series_the_open_alert_with_its_utc_time_and_the_pins(service: str) -> None:
    result = drift("--url", service)
    assert result.exit_code == 0, result.output
    out = result.stdout
    answer = httpx.get(f"{service}/v1/drift").json()
    alert = next(a for a in answer["alerts"] if a["metric"] == "disagreement" and a["kind"] == "two_proportion")

    series, alerts, pins = out.split("\n\n")[1:4]
    rows = {line.split()[1]: line for line in series.splitlines()[1:]}
    assert series.splitlines()[0].split() == ["DOMAIN", "FAST", "MODEL", "N", "DISAGREEMENT", "REFUSAL", "BASELINE",
                                              "TESTED"]
    assert set(rows) == {"fast-chat@v1", "fast-chat@v2"}
    # the window's n, disagreement and refusal against their baselines, the baseline, and whether it was tested
    assert re.search(r"health\s+fast-chat@v2\s+60\s+50\.0% vs 10\.0%\s+0\.0% vs 0\.0%\s+pinned:fast-chat@v1\s+", rows[
        "fast-chat@v2"])
    assert "disagreement yes (p=" in rows["fast-chat@v2"]  # refusal: never a refusal, so too few events to test
    assert "refusal no: insufficient_events" in rows["fast-chat@v2"]
    assert re.search(r"health\s+fast-chat@v1\s+60\s+10\.0% vs -\s+.*previous_window\s+no: insufficient_samples",
                     rows["fast-chat@v1"])

    assert alerts.startswith(f"Open alerts ({len(answer['alerts'])}):")
    line = next(x for x in alerts.splitlines() if x.startswith(alert["id"]))
    assert "health/fast-chat@v2" in line and "disagreement" in line
    assert "50.0% (n=60)" in line and "10.0% (n=60)" in line and "pinned:fast-chat@v1" in line  # current vs baseline
    assert alert["detected_at_iso"] in line and re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", line)
    assert "two_proportion, up" in line

    assert pins.splitlines()[0] == "Pins:"
    assert re.search(r"health\s+fast-chat\s+fast-chat@v1\s+auto", pins)


def test_json_prints_the_services_answer_as_it_came(service: str) -> None:
    result = drift("--json", "--domain", "health", "--name", "fast-chat", OVERSIGHT_URL=service)  # the env's URL
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {s["fast_model"] for s in answer["series"]} == {"fast-chat@v1", "fast-chat@v2"}
    assert answer["alerts"] and answer["alerts"][0]["detected_at_iso"].endswith("Z")


def test_filters_reach_the_service_and_its_note_is_shown(service: str) -> None:
    result = drift("--url", service, "--fast-model", "fast-chat@v9")
    assert result.exit_code == 0, result.output
    assert "note: no decision of fast-chat@v9 has been counted" in result.stdout
    assert "no series" in result.stdout and "Open alerts: none" in result.stdout


def test_an_unreachable_service_is_one_line_and_exit_2() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = drift("--url", url, "--timeout", "5")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"oversight: the service at {url} is unreachable (")
    assert "--url or OVERSIGHT_URL" in result.stderr and "Traceback" not in result.output


def test_the_api_key_comes_from_oversight_api_key_and_a_refusal_says_which_key_is_needed(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app = create_app(Settings(data_dir=tmp_path / "data", audit_seed=0))
    with TestClient(app) as client:  # keys made in the app's store; then the app is served for the command
        reviewer = make_key(client, "ops", "reviewer")
        tenant = make_key(client, "acme", "client")
    with serving(create_app(Settings(data_dir=tmp_path / "data", audit_seed=0))) as url:
        missing = drift("--url", url)
        assert missing.exit_code == 2 and "answered HTTP 401" in missing.stderr
        assert "set OVERSIGHT_API_KEY to an admin or reviewer key" in missing.stderr
        client_key = drift("--url", url, OVERSIGHT_API_KEY=tenant)
        assert client_key.exit_code == 2 and "HTTP 403: drift data needs an admin or reviewer key" in client_key.stderr
        ok = drift("--url", url, OVERSIGHT_API_KEY=f"{reviewer}\n")  # a key read from a secret file ends in one
        assert ok.exit_code == 0, ok.output
        assert "Open alerts: none" in ok.stdout and "Pins: none" in ok.stdout
