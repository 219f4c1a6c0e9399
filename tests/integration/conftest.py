"""Fixtures of the integration tests: a real ``oversight serve`` on loopback (``service``)."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.integration.serve import OVERSIGHT, _env, _free_port


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    data = tmp_path_factory.mktemp("oversight-data")
    log = (data / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(OVERSIGHT), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(OVERSIGHT_DATA_DIR=str(data), OVERSIGHT_LOG_LEVEL="warning"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s to start
            if proc.poll() is not None:
                pytest.fail(f"oversight serve exited: {(data / 'serve.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("oversight serve did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


