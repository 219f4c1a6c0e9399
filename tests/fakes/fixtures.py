"""Pytest fixtures for the fake model server. Import them into a test module::

    from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401

One server (uvicorn thread, free loopback port) is started per test session; ``model_server`` hands it to a
test with an empty script, no recorded requests and default behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.model_server import FakeModelServer


@pytest.fixture(scope="session")
def model_server_session() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def model_server(model_server_session: FakeModelServer) -> Iterator[FakeModelServer]:
    model_server_session.reset()
    yield model_server_session
    model_server_session.reset()
