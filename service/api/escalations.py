"""GET /v1/escalations, GET /v1/escalations/{id}, POST /v1/escalations/{id}/resolve (reviewer, admin)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from service import auth
from service.api._common import ERROR_RESPONSES
from service.deps import PrincipalDep
from service.errors import Forbidden
from service.escalations import (
    CallbackStatus,
    EscalationDetail,
    EscalationPage,
    EscalationService,
    Order,
    ResolveRequest,
    Status,
    service_of,
)
from service.outbox import open_outbox
from service.schemas import Decision
from service.vocabulary import Domain

log = logging.getLogger("oversight.escalations")

router = APIRouter(prefix="/v1/escalations", tags=["escalations"])


async def get_escalations(request: Request) -> EscalationService:
    return service_of(request.app.state)


EscalationsDep = Annotated[EscalationService, Depends(get_escalations)]


_MAX_AGE_S = 10 * 365 * 86400


class EscalationListQuery(BaseModel):
    """``GET /v1/escalations``'s filters. An unknown parameter is a 422: a misspelt ``stauts=all`` would quietly
    list the pending items only."""

    model_config = ConfigDict(extra="forbid")

    status: Status = Field(default="pending", description="pending (default), resolved, expired or all.")
    domain: Domain | None = None
    tenant: str | None = Field(default=None, max_length=200, description="Only the open-mode admin may pick.")
    min_age_s: float | None = Field(
        default=None, ge=0, le=_MAX_AGE_S, allow_inf_nan=False, description="Only escalations at least this old."
    )
    max_age_s: float | None = Field(
        default=None, ge=0, le=_MAX_AGE_S, allow_inf_nan=False, description="Only escalations at most this old."
    )
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)
    order: Order = Field(
        default="oldest",
        description="oldest (default: oldest first; pending items an agent is holding first) or newest (newest "
        "first, by when they were escalated: the closed items a reviewer looks back on).",
    )

    @field_validator("max_age_s")
    @classmethod
    def _not_below_min(cls, value: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min_age_s")
        if value is not None and low is not None and value < low:
            raise ValueError(f"max_age_s ({value:g}) is below min_age_s ({low:g}): no escalation can match")
        return value


@router.get("", response_model=EscalationPage, responses=ERROR_RESPONSES)
async def list_escalations(
    request: Request,
    query: Annotated[EscalationListQuery, Query()],
    principal: PrincipalDep,
    escalations: EscalationsDep,
) -> EscalationPage:
    """Escalated reviews of the caller's tenant, oldest first (or newest first), with how many match."""
    auth.require_role(principal, "reviewer", "admin")
    scope = auth.tenant_scope(principal)
    if query.tenant is not None and scope is not None and query.tenant != scope:
        raise Forbidden("a key sees its own tenant only", field="tenant")
    return await escalations.page(
        query.tenant if scope is None else scope,
        status=query.status,
        domain=query.domain,
        min_age_s=query.min_age_s,
        max_age_s=query.max_age_s,
        limit=query.limit,
        offset=query.offset,
        order=query.order,
    )


@router.get("/{escalation_id}", response_model=EscalationDetail, responses=ERROR_RESPONSES)
async def get_escalation(escalation_id: str, principal: PrincipalDep, escalations: EscalationsDep) -> EscalationDetail:
    """One escalation with the conversation, the answer, the critique and the findings."""
    auth.require_role(principal, "reviewer", "admin")
    return await escalations.detail(escalation_id, auth.tenant_scope(principal))


@router.post("/{escalation_id}/resolve", response_model=Decision, responses=ERROR_RESPONSES)
async def resolve_escalation(
    escalation_id: str, body: ResolveRequest, principal: PrincipalDep, escalations: EscalationsDep
) -> Decision:
    """Approve, block or edit; resumes the review and returns its final decision."""
    auth.require_role(principal, "reviewer", "admin")
    return await escalations.resolve(escalation_id, auth.tenant_scope(principal), body, auth.identity(principal))


@router.post("/{escalation_id}/callback", response_model=CallbackStatus, responses=ERROR_RESPONSES)
async def redeliver_callback(
    escalation_id: str, principal: PrincipalDep, escalations: EscalationsDep
) -> CallbackStatus:
    """Send the review's callback again (admin): one that failed (the receiver was down longer than the retries), or
    was delivered to a receiver that lost it. Attempts start from zero; the delivery id is the same, so a receiver
    that de-duplicates ignores a copy it has. 409 while the callback is still pending; 404 without one."""
    auth.require_role(principal, "admin")
    return await escalations.redeliver_callback(escalation_id, auth.tenant_scope(principal))


def install(app: FastAPI) -> None:
    """Authentication, the escalation service, and the time-limit sweeper."""
    auth.install(app)

    async def startup(app: FastAPI) -> None:
        runtime = app.state.runtime
        cm = open_outbox(app.state.settings, pool=runtime.storage.pool)
        outbox = await cm.__aenter__()
        app.state.outbox_cm = cm
        service = EscalationService(runtime, app.state.settings, outbox)
        metrics = getattr(app.state, "metrics", None)
        if metrics is not None:
            service.on_callback_end = metrics.callback_ended
        app.state.escalations = service
        if service.settings.callback_secret is None:
            log.warning("OVERSIGHT_CALLBACK_SECRET is not set (or empty): escalation callbacks are sent unsigned")
        app.state.escalation_sweeper = asyncio.create_task(service.run_sweeper(), name="escalation sweeper")
        # Resolutions a stopped process accepted but did not record, once its claims have lapsed.
        app.state.escalation_interrupted = asyncio.create_task(
            service.run_interrupted(), name="interrupted resolutions"
        )
        # Delivers due callbacks, including those a previous process left pending.
        app.state.callback_outbox = asyncio.create_task(service.run_outbox(), name="callback outbox")

    async def shutdown(app: FastAPI) -> None:
        for name in ("escalation_sweeper", "escalation_interrupted", "callback_outbox"):
            task: asyncio.Task[None] | None = getattr(app.state, name, None)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        service: EscalationService | None = getattr(app.state, "escalations", None)
        if service is not None:
            try:
                await asyncio.wait_for(service.drain(), timeout=service.settings.callback_timeout_s)
            except TimeoutError:
                log.warning("callbacks still in flight at shut-down were left for the next start")
                service.abandon()
            await service.aclose()
        cm = getattr(app.state, "outbox_cm", None)
        if cm is not None:
            app.state.outbox_cm = None
            await cm.__aexit__(None, None, None)

    app.state.startup_hooks.append(startup)
    # Before auth's shutdown (which closes the keystore) and before the runtime closes.
    app.state.shutdown_hooks.insert(0, shutdown)
