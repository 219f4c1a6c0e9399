"""Dependency aliases for the routes: resources built once in ``lifespan`` and kept on ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from service.runtime import Runtime
from service.settings import Settings

Role = Literal["client", "reviewer", "admin"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the tenant and role of their API key (or the open local principal)."""

    tenant: str
    role: Role
    key_id: str | None = None
    name: str | None = None


OPEN_PRINCIPAL = Principal(tenant="default", role="admin", key_id=None, name="local")


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_principal(request: Request) -> Principal:
    """The caller. Replaced by key authentication when keys exist (see ``service.auth``)."""
    authenticate = getattr(request.app.state, "authenticate", None)
    if authenticate is None:
        return OPEN_PRINCIPAL
    principal: Principal = await authenticate(request)
    return principal


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
