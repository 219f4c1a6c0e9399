"""POST /v1/reviews, GET /v1/reviews/{review_id}."""

from __future__ import annotations

from fastapi import APIRouter, Request

from service.api._common import ERROR_RESPONSES, check_limits, in_flight
from service.deps import PrincipalDep, RuntimeDep, SettingsDep
from service.errors import Forbidden
from service.schemas import Decision, ReviewRequest
from service.telemetry_http import incoming_context

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])


@router.post("", response_model=Decision, responses=ERROR_RESPONSES)
async def create_review(
    body: ReviewRequest, request: Request, runtime: RuntimeDep, settings: SettingsDep, principal: PrincipalDep
) -> Decision:
    """Review one answer of a fast model and return the decision."""
    if principal.role == "reviewer":
        raise Forbidden("reviewer keys cannot submit reviews")
    check_limits(body, settings)
    async with in_flight(request.app, principal):
        return await runtime.review(body, principal.tenant, parent=incoming_context(request))


@router.get("/{review_id}", response_model=Decision, responses=ERROR_RESPONSES)
async def get_review(review_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> Decision:
    """The recorded decision; after an escalation is resolved, the final one."""
    return await runtime.get(review_id, None if principal.role == "admin" and principal.key_id is None else principal.tenant)
