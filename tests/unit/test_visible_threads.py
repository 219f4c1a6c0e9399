"""``service.policy.visible``'s cache of recent readings is shared by the event loop and the worker threads that
check long texts: concurrent readings must never fail (an eviction race failed one turn of a 2,000-turn audit)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest

from service.policy.visible import visible


@pytest.fixture
def switch_often() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads change hands as often as the interpreter allows: races show at once
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_texts_read_in_many_threads_at_once_all_read(switch_often: None) -> None:
    errors: list[str] = []
    read: list[int] = []

    def work(k: int) -> None:
        n = 0
        try:
            for i in range(5_000):
                text = f"thread {k} text {i} " + "x" * 80
                n += visible(text).text == text
        except Exception as exc:  # a failed reading is a failed review
            errors.append(repr(exc))
        read.append(n)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert read == [5_000] * 8
