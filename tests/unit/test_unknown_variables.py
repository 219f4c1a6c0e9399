"""A misspelt ``OVERSIGHT_*`` variable is named, not silently ignored (``oversight serve`` prints these lines)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from service.api.observability import DriftSettings
from service.audit.run import AuditSettings
from service.settings import Settings, unknown_variables

MODELS = [Settings, AuditSettings, DriftSettings]
ROOT = Path(__file__).resolve().parents[2]


def test_a_misspelt_variable_is_named_with_the_one_it_was_probably_meant_to_be() -> None:
    lines = unknown_variables(
        MODELS,
        {
            "OVERSIGHT_REVEIWER": "anthropic:claude-opus-4-6",
            "OVERSIGHT_MAX_CHAR": "5",
            "OVERSIGHT_AUDIT_WORKER": "4",
            "OVERSIGHT_SOMETHING_ELSE_ENTIRELY": "1",
            "OVERSIGHT_REVIEWER": "local",  # known ones are not named
            "OVERSIGHT_DRIFT_BUCKET_S": "60",
            "OVERSIGHT_MODEL_PRICES": "{}",
            "PATH": "/usr/bin",
        },
    )
    assert lines == [
        "OVERSIGHT_AUDIT_WORKER is not a setting Oversight reads: it is ignored (did you mean OVERSIGHT_AUDIT_WORKERS?)",
        "OVERSIGHT_MAX_CHAR is not a setting Oversight reads: it is ignored (did you mean OVERSIGHT_MAX_CHARS?)",
        "OVERSIGHT_REVEIWER is not a setting Oversight reads: it is ignored (did you mean OVERSIGHT_REVIEWER?)",
        "OVERSIGHT_SOMETHING_ELSE_ENTIRELY is not a setting Oversight reads: it is ignored",
    ]


def test_a_known_variable_in_lower_case_is_named() -> None:
    # The settings classes read any case, the hook and price variables capitals only: written in lower case, the
    # service took `oversight_reviewer` while `oversight_model_prices` and the hooks' `oversight_url` were ignored.
    lines = unknown_variables(MODELS, {"oversight_reviewer": "local", "Oversight_Model_Prices": "{}"})
    assert lines == [
        "Oversight_Model_Prices: write it OVERSIGHT_MODEL_PRICES; in lower or mixed case some commands read it and "
        "others do not",
        "oversight_reviewer: write it OVERSIGHT_REVIEWER; in lower or mixed case some commands read it and others "
        "do not",
    ]


def test_every_variable_the_docs_and_deploy_files_name_is_known() -> None:
    # A variable documented (or set by the shipped deploy files) but read by nothing would be warned about.
    named: set[str] = set()
    files = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(p for p in (ROOT / "deploy").rglob("*") if p.is_file())]
    for path in files:
        named |= set(re.findall(r"\bOVERSIGHT_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(errors="ignore")))
    named -= {"OVERSIGHT_AUDIT", "OVERSIGHT_DRIFT"}  # prefixes written as OVERSIGHT_AUDIT_*
    named -= {"OVERSIGHT_REVEIWER"}  # configuration.md's example of the warning
    assert len(named) > 40
    assert unknown_variables(MODELS, dict.fromkeys(named, "x")) == []


def test_an_otlp_endpoint_without_a_scheme_is_named() -> None:
    from service.telemetry import otlp_endpoint_problems

    lines = otlp_endpoint_problems(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "127.0.0.1:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://jaeger:4318/v1/traces",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://",
        }
    )
    assert [line.split("=", 1)[0] for line in lines] == [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    ]
    assert "is not an http:// or https:// URL with a host" in lines[0]
    assert otlp_endpoint_problems({"OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example:4318"}) == []


def test_an_unsupported_otlp_protocol_is_warned_about_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from service import telemetry

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grcp")
    monkeypatch.setattr(telemetry, "_WARNED_PROTOCOLS", set())
    with caplog.at_level(logging.WARNING, logger="oversight"):
        assert telemetry._protocol("TRACES") == telemetry._protocol("METRICS") == "http/protobuf"
    assert [r.getMessage() for r in caplog.records].count(
        "OTLP protocol 'grcp' is not supported by the Python exporter; using http/protobuf"
    ) == 1
