"""POST /v1/reviews, GET /v1/reviews/{review_id}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from service.api._common import (
    ERROR_RESPONSES,
    RequestRoute,
    check_limits,
    in_flight,
    json_body,
    json_body_doc,
)
from service.deps import PrincipalDep, get_principal
from service.errors import Forbidden
from service.runtime import Runtime
from service.schemas import Decision, ReviewRequest
from service.telemetry_http import incoming_context

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])

# The Decision is built and validated by the review itself; answering with its JSON directly skips FastAPI's
# second validation of the response model (documented the same way in OpenAPI).
DECISION_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"model": Decision, "description": "The decision."}}


def decision_response(decision: Decision) -> Response:
    # UTF-8 bytes from pydantic-core, serialised once when the decision was stored (``Decision.to_json``)
    return Response(decision.to_json(), media_type="application/json")


async def create_review(request: Request) -> Response:
    """Review one answer of a fast model and return the decision."""
    # The hottest route reads its body and caller itself rather than through FastAPI's parameters and dependencies
    # (same validation, errors and authentication; see ``RequestRoute`` and docs/benchmarks.md).
    principal = await get_principal(request)  # before the body, as a dependency would be: 401 wins over 422
    body = await json_body(request, ReviewRequest)
    if principal.role == "reviewer":
        raise Forbidden("reviewer keys cannot submit reviews")
    state = request.app.state
    check_limits(body, state.settings)
    runtime: Runtime = state.runtime
    async with in_flight(request.app, principal):
        return decision_response(await runtime.review(body, principal.tenant, parent=incoming_context(request)))


router.add_api_route(
    "",
    create_review,
    methods=["POST"],
    route_class_override=RequestRoute,
    response_class=Response,
    responses={**DECISION_RESPONSE, **ERROR_RESPONSES},
    openapi_extra=json_body_doc(ReviewRequest),
)


@router.get("/{review_id}", response_class=Response, responses={**DECISION_RESPONSE, **ERROR_RESPONSES})
async def get_review(review_id: str, request: Request, principal: PrincipalDep) -> Response:
    """The recorded decision; after an escalation is resolved, the final one."""
    runtime: Runtime = request.app.state.runtime
    tenant = None if principal.role == "admin" and principal.key_id is None else principal.tenant
    return decision_response(await runtime.get(review_id, tenant))
