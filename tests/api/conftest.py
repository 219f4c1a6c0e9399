"""Fixtures the API tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api._helpers import CallbackReceiver


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    """A real HTTP server on loopback that records the callbacks it gets."""
    server = CallbackReceiver().start()
    yield server
    server.stop()
