"""The low-risk audit sample is decided by the request, not by a random draw per call: an audit re-run or resumed
picks the same turns (a platform team saw 395 of 10,720 turns switch between reviewed and unreviewed between two
runs of one audit)."""

from __future__ import annotations

from typing import Any

from service.runtime import _Sampler


def turn(n: int) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": f"Name my cat, take {n}"}], "output": f"Whiskers {n} is fine."}


def test_the_same_requests_are_sampled_on_every_run_in_any_order() -> None:
    requests = [turn(n) for n in range(5000)]
    first = [_Sampler(None)(0.02, r) for r in requests]
    second = [_Sampler(None)(0.02, r) for r in reversed(requests)][::-1]
    assert first == second
    assert 60 <= sum(first) <= 140  # about 2 % of 5,000


def test_a_request_id_decides_and_a_seed_picks_another_sample() -> None:
    a, b = turn(1), turn(1)
    a["id"], b["id"] = "turn-7", "turn-7"
    assert _Sampler(None)(0.5, a) == _Sampler(None)(0.5, b)
    requests = [turn(n) for n in range(2000)]
    assert [_Sampler(1)(0.1, r) for r in requests] != [_Sampler(2)(0.1, r) for r in requests]
    assert [_Sampler(1)(0.1, r) for r in requests] == [_Sampler(1)(0.1, r) for r in requests]


def test_rates_of_zero_and_one() -> None:
    assert not any(_Sampler(None)(0.0, turn(n)) for n in range(200))
    assert all(_Sampler(None)(1.0, turn(n)) for n in range(200))
