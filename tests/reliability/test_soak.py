"""A bounded soak (about 45 s, loopback) with a faulty reviewer: the service keeps answering, no high-risk
decision is a silent approval, and memory and descriptors stay flat after warm-up.

Longer runs and the figures in docs/reliability.md: ``python bench/soak.py --seconds 300``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.reliability.soak import soak

pytestmark = [pytest.mark.slow]

SECONDS = float(os.environ.get("SOAK_SECONDS", "45"))
CONCURRENCY = 16


async def test_a_faulty_reviewer_never_turns_into_a_silent_approval(tmp_path: Path) -> None:
    report = await soak(tmp_path, seconds=SECONDS, concurrency=CONCURRENCY)
    figures = report.figures()
    print(json.dumps(figures))
    # Every fault kind was injected, and the reviewer really failed sometimes.
    assert set(report.faults) >= {"ok", "slow", "rate_limited", "server_error", "drop", "malformed"}
    assert report.fail_closed > 0 and report.reviewer_verdicts > 0
    # The service kept answering: every request got a 200 decision.
    assert report.transport_errors == 0
    assert set(report.statuses) == {200}, report.statuses
    # Every high-risk decision is the reviewer's verdict or the domain's fail-closed decision.
    assert report.silent_approvals == 0
    assert report.reviewer_verdicts + report.fail_closed == report.high_risk
    # Flat after warm-up: no growth beyond noise (a leak per request would show over ~1,000 requests).
    assert figures["rss_mib_end"] <= figures["rss_mib_after_warmup"] * 1.15 + 16, figures
    assert figures["fds_end"] <= figures["fds_after_warmup"] + CONCURRENCY, figures
    assert not report.leaked_key_in_log
