"""Baselines are pinned per (domain, fast-model name): another model in the same domain is not an upgrade.

QA (on-call H1): with one pin per domain, ``helper-bot@1`` (another product in ``health``) was tested against the
automatic pin ``fast-chat@2026-11`` and got a drift alert that stayed open for as long as it served.
"""

from __future__ import annotations

from typing import Any

from service.drift import DriftConfig, DriftMonitor, model_name

CFG = DriftConfig(window_s=600, bucket_s=60, eval_every_s=60, min_samples=30, min_events=3)


def _feed(m: DriftMonitor, fast_model: str, n: int, bad_every: int, t0: float, step: float = 1.0) -> float:
    t = t0
    for i in range(n):
        m.observe("health", fast_model, disagreement=i % bad_every == 0, response_class=None, ts=t)
        t += step
    return t


def test_the_model_name_is_the_label_before_its_last_at() -> None:
    assert model_name("fast-chat@2026-11") == "fast-chat"
    assert model_name("@acme/fast-chat@1") == "@acme/fast-chat"
    assert model_name("GPT 5 Instant@2026-11") == "GPT 5 Instant"
    assert model_name("other") == "other"


def test_another_model_in_the_domain_is_not_compared_with_the_first_ones_baseline() -> None:
    events: list[dict[str, Any]] = []
    m = DriftMonitor(CFG, on_alert=events.append)
    t = _feed(m, "fast-chat@2026-11", 180, 10, 0.0)  # ~10 % disagreement
    t = _feed(m, "fast-chat@2026-12", 100, 2, t)  # the upgrade: ~50 %
    t = _feed(m, "helper-bot@1", 80, 2, t)  # another product, same domain, ~50 % from the start
    m.evaluate(t)
    snap = m.snapshot(t)
    assert snap["pins"] == {"health": {"fast-chat": {"fast_model": "fast-chat@2026-11", "source": "auto"}}}
    series = {s["fast_model"]: s for s in snap["series"]}
    assert series["fast-chat@2026-12"]["baseline"] == "pinned:fast-chat@2026-11"
    assert series["helper-bot@1"]["baseline"] == "previous_window"  # its own history, not fast-chat's
    alerted = {a["series"] for a in events if a["state"] == "open"}
    assert "health/fast-chat@2026-12" in alerted
    assert "health/helper-bot@1" not in alerted


def test_a_new_series_of_another_name_does_not_move_an_automatic_baseline() -> None:
    m = DriftMonitor(CFG)
    t = _feed(m, "fast-chat@1", 200, 10, 0.0)
    t = _feed(m, "fast-chat@2", 10, 10, t)  # auto pin: fast-chat@1
    t = _feed(m, "fast-chat@2", 300, 10, t + 700)  # v2 takes over; v1 has stopped
    _feed(m, "third-bot@1", 5, 10, t)  # a new name arrives while the pin is automatic
    assert m.pins() == {("health", "fast-chat"): ("fast-chat@1", "auto")}


def test_manual_pins_are_per_name_and_unpinning_one_name_keeps_the_others() -> None:
    m = DriftMonitor(CFG)
    t = _feed(m, "fast-chat@1", 200, 10, 0.0)
    t = _feed(m, "fast-chat@2", 10, 10, t)
    t = _feed(m, "helper-bot@1", 40, 10, t)
    t = _feed(m, "helper-bot@2", 40, 10, t)
    m.pin_baseline("health", "helper-bot@1")
    assert m.pins() == {
        ("health", "fast-chat"): ("fast-chat@1", "auto"),  # a pin of another name leaves this one alone
        ("health", "helper-bot"): ("helper-bot@1", "manual"),
    }
    series = {s["fast_model"]: s for s in m.snapshot(t)["series"]}
    assert series["helper-bot@2"]["baseline"] == "pinned:helper-bot@1"
    assert series["fast-chat@2"]["baseline"] == "pinned:fast-chat@1"
    assert series["helper-bot@1"]["baseline"] == "previous_window"
    assert m.unpin_baseline("health", "helper-bot") == ["helper-bot@1"]
    assert m.unpin_baseline("health", "helper-bot") == []  # nothing left to unpin
    assert m.pins() == {("health", "fast-chat"): ("fast-chat@1", "auto")}
    assert m.unpin_baseline("health") == ["fast-chat@1"]  # no name: every pin of the domain
    assert m.pins() == {}
