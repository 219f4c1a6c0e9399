"""Fixtures the API tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import CallbackReceiver


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    """A real HTTP server on loopback that records the callbacks it gets."""
    server = CallbackReceiver().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app on the embedded defaults for a whole module whose tests each send independent reviews (no ids,
    keys, escalations or counters that another test could see) and read only their decisions. Starting an app per
    case cost ~0.3 s of set-up and tear-down, most of those modules' time."""
    data: Path = tmp_path_factory.mktemp("shared") / "data"
    with TestClient(create_app(Settings(data_dir=data, audit_seed=0))) as c:
        yield c
