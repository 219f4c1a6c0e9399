"""POST /v1/reviews, GET /v1/reviews (newest first, filtered), GET /v1/reviews/{review_id}."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from service import auth
from service.api._common import (
    DUPLICATE_REQUEST,
    ERROR_RESPONSES,
    RequestRoute,
    check_limits,
    in_flight,
    json_body,
    json_body_doc,
)
from service.deps import PrincipalDep, get_principal
from service.errors import Forbidden, RequestInvalid
from service.runtime import Runtime
from service.schemas import Decision, ReviewRequest
from service.store.base import DecisionQuery
from service.telemetry_http import incoming_context
from service.vocabulary import Domain, Verdict

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
        return decision_response(
            await runtime.review(body, principal.tenant, parent=incoming_context(request), key_id=principal.key_id)
        )


router.add_api_route(
    "",
    create_review,
    methods=["POST"],
    route_class_override=RequestRoute,
    response_class=Response,
    responses={**DECISION_RESPONSE, **ERROR_RESPONSES, **DUPLICATE_REQUEST},
    openapi_extra=json_body_doc(ReviewRequest),
)


class ReviewListQuery(BaseModel):
    """``GET /v1/reviews``'s filters. An unknown parameter is a 422: a misspelt filter would list everything."""

    model_config = ConfigDict(extra="forbid")

    domain: Domain | None = None
    verdict: Verdict | None = Field(default=None, description="The current verdict (the final one once resolved).")
    kind: Literal["answer", "action"] | None = None
    since: datetime | None = Field(
        default=None, description="Only decisions made at or after this time (`created_at`; ISO 8601)."
    )
    before: str | None = Field(
        default=None, pattern=r"^rev_[0-9a-f]{32}$", description="The next page: the previous page's `next_before`."
    )
    limit: int = Field(default=50, ge=1, le=200)
    tenant: str | None = Field(default=None, max_length=200, description="Only the open-mode admin may pick.")


class ReviewPage(BaseModel):
    """A page of decisions, most recently decided (``created_at``) first."""

    items: list[Decision]
    next_before: str | None = Field(description="Pass as `before` for the next page; null on the last page.")


@router.get("", response_model=ReviewPage, responses=ERROR_RESPONSES)
async def list_reviews(
    query: Annotated[ReviewListQuery, Query()], request: Request, principal: PrincipalDep
) -> ReviewPage:
    """The caller's tenant's decisions, most recently decided first: e.g. what was blocked in cyber since 9:00."""
    scope = auth.tenant_scope(principal)
    if query.tenant is not None and scope is not None and query.tenant != scope:
        raise Forbidden("a key sees its own tenant only", field="tenant")
    since = query.since
    if since is not None and since.tzinfo is None:
        raise RequestInvalid("give a time zone (e.g. 2026-12-04T09:00:00Z)", field="since")
    runtime: Runtime = request.app.state.runtime
    tenant = query.tenant if scope is None else scope
    if query.before is not None and await runtime.store.get_decision(query.before, tenant) is None:
        # A cursor that names no decision of the caller's (mistyped, from another store or tenant) matched nothing,
        # which read like the last page, or paged by another tenant's time: a poller went wrong without a word.
        raise RequestInvalid(
            f"no decision {query.before!r} to page from: pass a next_before this list gave", field="before"
        )
    items = await runtime.store.list_decisions(
        DecisionQuery(
            tenant=tenant,
            domain=query.domain.value if query.domain else None,
            verdict=query.verdict.value if query.verdict else None,
            kind=query.kind,
            since=since,
            before=query.before,
            limit=query.limit + 1,  # one more: is there a next page?
        )
    )
    more = len(items) > query.limit
    items = items[: query.limit]
    return ReviewPage(items=items, next_before=items[-1].review_id if more else None)


@router.get("/{review_id}", response_class=Response, responses={**DECISION_RESPONSE, **ERROR_RESPONSES})
async def get_review(review_id: str, request: Request, principal: PrincipalDep) -> Response:
    """The recorded decision; after an escalation is resolved, the final one."""
    runtime: Runtime = request.app.state.runtime
    tenant = None if principal.role == "admin" and principal.key_id is None else principal.tenant
    return decision_response(await runtime.get(review_id, tenant))
