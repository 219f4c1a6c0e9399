"""Audits over HTTP: upload, progress, report (JSON / HTML / CSV), per-turn results, restart."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from tests.audit._helpers import mixed_sessions


def _ndjson(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def _wait_done(client: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/v1/audits/{job_id}").json()
        if body["status"] == "done":
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def test_upload_ndjson_follow_progress_and_fetch_everything(client: TestClient) -> None:
    resp = client.post("/v1/audits?name=nightly", content=_ndjson(mixed_sessions(10)),
                       headers={"content-type": "application/x-ndjson"})
    assert resp.status_code == 202, resp.text
    job = resp.json()
    assert job["id"].startswith("aud_") and job["turns"] == 30 and job["sessions"] == 20
    assert resp.headers["location"] == f"/v1/audits/{job['id']}"
    done = _wait_done(client, job["id"])
    assert done["done"] == 30 and done["progress"] == 1.0
    # times are ISO 8601 in UTC, as everywhere else in the API (they were Unix floats)
    created, updated = (datetime.fromisoformat(done[k]) for k in ("created_at", "updated_at"))
    assert created.utcoffset() == timedelta(0) and created <= updated

    report = client.get(f"/v1/audits/{job['id']}/report").json()
    assert report["complete"] and report["job"]["name"] == "nightly"
    assert {s["by"].get("fast_model") for s in report["segments"] if list(s["by"]) == ["fast_model"]} == {
        "brisk@2026.03", "brisk@2026.05"}
    results = client.get(f"/v1/audits/{job['id']}/results")
    assert results.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in results.text.splitlines()]
    assert sorted(r["turn_id"] for r in lines) == sorted({r["turn_id"] for r in lines}) and len(lines) == 30
    # each turn says why it got its verdict (the decision table's reason code)
    assert all(r["reason"] for r in lines) and {r["reason"] for r in lines if r["verdict"] == "approve"} <= {
        "reviewer_approved", "low_risk_unreviewed", "reviewer_error_flagged", "reviewer_abstain_flagged"}
    csv = client.get(f"/v1/audits/{job['id']}/report?format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and len(csv.text.splitlines()) == 31
    assert csv.text.splitlines()[0].split(",")[:13] == ["seq", "turn_id", "session_id", "turn", "domain", "intent",
                                                       "locale", "tenant", "suite", "fast_model", "verdict", "reason",
                                                       "response_class"]
    page = client.get(f"/v1/audits/{job['id']}/report?format=html")
    assert page.headers["content-type"].startswith("text/html") and "<svg" in page.text


def test_two_files_in_one_upload_are_refused_naming_the_field(client: TestClient) -> None:
    # Only the last file was audited; the first one's sessions (a lethal-dose answer among them) vanished.
    files = [
        ("file", ("a.jsonl", _ndjson(mixed_sessions(1)), "application/x-ndjson")),
        ("file", ("b.jsonl", _ndjson(mixed_sessions(1)), "application/x-ndjson")),
    ]
    resp = client.post("/v1/audits", files=files)
    assert resp.status_code == 422
    assert resp.json()["error"]["field"] == "file"


def test_multipart_upload(client: TestClient) -> None:
    resp = client.post("/v1/audits", files={"file": ("s.jsonl", _ndjson(mixed_sessions(2)), "application/x-ndjson")})
    assert resp.status_code == 202, resp.text
    assert _wait_done(client, resp.json()["id"])["done"] == 6


def test_bad_uploads_name_the_problem(client: TestClient) -> None:
    empty = client.post("/v1/audits", content=b"", headers={"content-type": "application/x-ndjson"})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "request_invalid"
    junk = client.post("/v1/audits", content=b"{nope\n", headers={"content-type": "application/x-ndjson"})
    assert junk.status_code == 422
    assert junk.json()["error"]["details"][0]["line"] == 1
    assert client.get("/v1/audits/aud_missing").status_code == 404
    assert client.get("/v1/audits/aud_missing/report").status_code == 404


def test_a_restarted_app_finishes_open_jobs(tmp_path: Path, monkeypatch: Any) -> None:
    settings = Settings(data_dir=tmp_path / "data", audit_seed=0)
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "0")  # first app: accepts the job, works on nothing
    with TestClient(create_app(settings)) as first:
        job = first.post("/v1/audits", content=_ndjson(mixed_sessions(5)),
                         headers={"content-type": "application/x-ndjson"}).json()
        assert first.get(f"/v1/audits/{job['id']}").json()["done"] == 0
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "1")
    with TestClient(create_app(settings)) as second:
        assert _wait_done(second, job["id"])["done"] == job["turns"] == 16


def test_a_mistyped_baseline_model_is_a_422_naming_the_versions(client: TestClient) -> None:
    resp = client.post("/v1/audits?baseline_model=brisk@2026.5", content=_ndjson(mixed_sessions(2)),
                       headers={"content-type": "application/x-ndjson"})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["field"] == "baseline_model"
    assert "brisk@2026.5" in error["message"] and "brisk@2026.03, brisk@2026.05" in error["message"]
    good = client.post("/v1/audits?baseline_model=brisk@2026.05", content=_ndjson(mixed_sessions(2)),
                       headers={"content-type": "application/x-ndjson"})
    assert good.status_code == 202 and good.json()["options"]["baseline_model"] == "brisk@2026.05"


def test_a_cancelled_job_is_not_worked_after_a_restart_until_resumed(tmp_path: Path, monkeypatch: Any) -> None:
    settings = Settings(data_dir=tmp_path / "data", audit_seed=0)
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "0")  # accepts the job, works on nothing
    with TestClient(create_app(settings)) as first:
        job = first.post("/v1/audits", content=_ndjson(mixed_sessions(5)),
                         headers={"content-type": "application/x-ndjson"}).json()
        cancelled = first.post(f"/v1/audits/{job['id']}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert first.post(f"/v1/audits/{job['id']}/cancel").json()["status"] == "cancelled"  # idempotent
        assert first.post("/v1/audits/aud_nope/cancel").status_code == 404
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "1")
    with TestClient(create_app(settings)) as second:
        time.sleep(1.0)  # the workers' first look at the open jobs
        assert second.get(f"/v1/audits/{job['id']}").json()["done"] == 0
        resumed = second.post(f"/v1/audits/{job['id']}/resume")
        assert resumed.status_code == 200 and resumed.json()["status"] == "running"
        assert _wait_done(second, job["id"])["done"] == job["turns"]
        again = second.post(f"/v1/audits/{job['id']}/cancel")
        assert again.status_code == 409 and again.json()["error"]["field"] == "id"
