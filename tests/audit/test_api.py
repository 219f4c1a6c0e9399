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


DANGEROUS = Path(__file__).parent / "fixtures" / "claude-code-2x-dangerous.jsonl"  # 4 tool calls, all blocked


def test_max_actions_caps_the_tool_calls_reviewed_and_is_stored_with_the_job(tmp_path: Path,
                                                                             monkeypatch: Any) -> None:
    settings = Settings(data_dir=tmp_path / "data", audit_seed=0)
    upload = {"file": ("t.jsonl", DANGEROUS.read_bytes(), "application/x-ndjson")}
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "0")  # first app: accepts the job, works on nothing
    with TestClient(create_app(settings)) as first:
        resp = first.post("/v1/audits?max_actions=3", files=upload)
        assert resp.status_code == 202, resp.text
        job = resp.json()
        assert job["options"]["max_actions"] == 3 and job["actions"]["total"] == 3
        # a bad value is the one error body, naming the field (as the CLI's --max-actions, at least 0)
        for bad in ("-1", "lots", "2.5", "10000001", "99999999999999999999"):  # the 20 digits were a 500
            refused = first.post(f"/v1/audits?max_actions={bad}", files=upload)
            assert refused.status_code == 422, refused.text
            error = refused.json()["error"]
            assert (error["code"], error["field"]) == ("request_invalid", "max_actions"), error
        none = first.post("/v1/audits?max_actions=0", files=upload)
        assert none.status_code == 202 and none.json()["actions"]["total"] == 0
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "1")  # another process's workers take the job up: the stored cap
    with TestClient(create_app(settings)) as second:
        _wait_done(second, job["id"])
        report = second.get(f"/v1/audits/{job['id']}/report").json()
    actions = report["actions"]
    assert (actions["reviewed"], actions["over_cap"], actions["capped"], actions["max_actions"]) == (3, 1, True, 3)
    assert [a["line"] for a in actions["flagged"]] == [4, 6, 8]  # the first three in input order


def test_max_actions_is_part_of_what_an_idempotency_key_stands_for(client: TestClient) -> None:
    upload = {"file": ("t.jsonl", DANGEROUS.read_bytes(), "application/x-ndjson")}
    key = {"Idempotency-Key": "ci-1:actions"}
    first = client.post("/v1/audits?max_actions=2", files=upload, headers=key)
    assert first.status_code == 202, first.text
    assert client.post("/v1/audits?max_actions=2", files=upload, headers=key).status_code == 200  # a replay
    other = client.post("/v1/audits?max_actions=3", files=upload, headers=key)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
