"""GET /healthz, GET /readyz."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.deps import RuntimeDep

router = APIRouter(tags=["ops"])

READY_TIMEOUT_S = 2.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Store or graph not ready."}})
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    """The store answers a query and the review graph is built."""
    try:
        # A database that hangs (a frozen primary, a partition) must not hang the probe: 2 s and it is not ready.
        await asyncio.wait_for(runtime.ready(), READY_TIMEOUT_S)
    except Exception as exc:
        # The one error shape (docs/api.md), with "status" kept for probes that read it, and retry-after as every
        # 503 of the service has.
        error: dict[str, Any] = {
            "code": "service_unavailable",
            "message": type(exc).__name__,
            "field": None,
            "details": [],
        }
        return JSONResponse({"status": "unavailable", "error": error}, status_code=503, headers={"retry-after": "5"})
    return JSONResponse({"status": "ready", "store": runtime.storage.backend, "policies": runtime.policies.version})
