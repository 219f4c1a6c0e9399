"""API keys, roles, tenants and console sessions.

A key looks like ``ovs_<key id: 16 hex>_<secret>``. Only the key id, tenant, role, name and a salted scrypt
hash of the secret are stored (``service.keystore``); the secret is compared in constant time. Roles:

- ``client``: submit reviews and read its own tenant's reviews;
- ``reviewer``: the console, escalations and resolving them;
- ``admin``: everything above plus managing keys (of its own tenant).

Every key belongs to one tenant and never sees another tenant's reviews or escalations. Clients send
``Authorization: Bearer <key>``; the console exchanges a key for a session cookie (HttpOnly,
SameSite=Strict) and sends ``X-CSRF-Token`` on every state-changing request.

With no active key at all the service runs *open*: every caller is the local admin, but only from a
loopback address (``OVERSIGHT_OPEN_MODE_REMOTE=true`` lifts that, for throwaway setups only).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import time
import unicodedata
from collections import deque
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, Field, field_validator

from service.deps import OPEN_PRINCIPAL, Principal, PrincipalDep, Role
from service.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from service.keystore import KeyRecord, Keystore, SessionRecord, open_keystore
from service.schemas import AGENT_USER, SYSTEM_TIMEOUT
from service.settings import Settings

log = logging.getLogger("oversight.auth")

ROLES: tuple[Role, ...] = ("client", "reviewer", "admin")
KEY_PREFIX = "ovs_"
SESSION_COOKIE = "oversight_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# scrypt at n=2**14, r=8 (16 MiB, tens of ms): slow for a guesser, and a verified key is cached below.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


# -- keys ---------------------------------------------------------------------------------------------
def hash_secret(secret: str, salt: bytes) -> bytes:
    """The stored hash of a key's secret."""
    return hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)


#: How the service names a resolver that is not a key holder (the time limit, the user at an agent's prompt) or
#: an unnamed key: a key's name may not start with them, or it could pass for one of those.
RESERVED_NAME_PREFIXES = (SYSTEM_TIMEOUT.partition(":")[0] + ":", AGENT_USER, "key:")


_INVISIBLE = ("Cc", "Cf", "Co", "Cs", "Zl", "Zp")  # control, format (zero-width ...), private use, line breaks

#: The words the console and the service's messages put in place of those resolvers ("Approved by the time limit",
#: "the user at claude-code's prompt", "a reviewer"): a key's name may not read as them either.
_RESERVED_WORDS = re.compile(
    r"(?:the\s+)?time\s*limit|a\s+reviewer|unknown|the\s+agent|the\s+user\b.*|.*['\u2019]s\s+prompt"
    r"|.*\bend\s+of\s+the\s+turn\b.*|\(?(?:\w+\s+)?automatically\)?"
)


def check_key_name(name: str | None) -> str | None:
    """``name`` without surrounding spaces; ``ValueError`` when it could pass for another resolver or be misread in
    a resolution record: blank, holding a control or invisible character ("\u200bsystem:timeout" displays as the
    time limit), ``local`` (the open-mode admin), or starting with a prefix the service names other resolvers by."""
    if name is None:
        return None
    for ch in name:
        if unicodedata.category(ch) in _INVISIBLE:
            raise ValueError(f"a key's name may not hold control or invisible characters (U+{ord(ch):04X})")
    name = name.strip()
    if not name:
        raise ValueError("a key's name may not be blank")
    # Compared in NFKC case-folded form, so compatibility look-alikes ("ｓystem:timeout", fullwidth) count too.
    folded = _fold(name)
    if folded == "local":
        raise ValueError("a key's name may not be 'local': the service names the open-mode admin so")
    if folded.startswith(RESERVED_NAME_PREFIXES):
        prefixes = ", ".join(f"'{p}'" for p in RESERVED_NAME_PREFIXES)
        raise ValueError(f"a key's name may not start with {prefixes}: the service names other resolvers so")
    if _RESERVED_WORDS.fullmatch(" ".join(folded.split())):
        raise ValueError(
            f"a key's name may not read as the words the console uses for another resolver ({name!r}: the time "
            "limit, the user at an agent's prompt, a reviewer, the agent, unknown)"
        )
    return name


def same_name(records: list[KeyRecord], tenant: str, name: str | None) -> KeyRecord | None:
    """An active key of ``tenant`` already called ``name`` (ignoring case): two would resolve under one name."""
    if name is None:
        return None
    folded = _fold(name)
    return next(
        (r for r in records if r.active and r.tenant == tenant and r.name and _fold(r.name.strip()) == folded),
        None,
    )


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def new_key(tenant: str, role: Role, name: str | None = None) -> tuple[str, KeyRecord]:
    """A fresh key: the plaintext (shown once) and the record to store."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    name = check_key_name(name)
    if not tenant or len(tenant) > 200:
        raise ValueError("tenant must be 1-200 characters")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    record = KeyRecord(
        key_id=key_id,
        tenant=tenant,
        role=role,
        name=name,
        salt=salt,
        hash=hash_secret(secret, salt),
        created_at=time.time(),
    )
    return f"{KEY_PREFIX}{key_id}_{secret}", record


def parse_key(token: str) -> tuple[str, str] | None:
    """``(key id, secret)`` of a well-formed key, else None."""
    if not token.startswith(KEY_PREFIX) or len(token) < len(KEY_PREFIX) + 18:
        return None
    key_id, sep, secret = token[len(KEY_PREFIX) :].partition("_")
    if not sep or len(key_id) != 16 or not secret:
        return None
    return key_id, secret


def principal_of(record: KeyRecord) -> Principal:
    role: Role = record.role  # type: ignore[assignment]
    return Principal(tenant=record.tenant, role=role, key_id=record.key_id, name=record.name)


def identity(principal: Principal) -> str:
    """How a human is named in a resolution: the key's name, else its id."""
    if principal.key_id is None:
        return principal.name or "local"
    try:
        name = check_key_name(principal.name)
    except ValueError:  # a key named so before the check
        name = None
    return name or f"key:{principal.key_id}"


def reporting_key(principal: Principal) -> str | None:
    """The key an agent's report is checked against (an escalated action ran, a turn ended): a report closes only
    the escalations its own key requested. None for an admin's key, or with no keys: any of the tenant's."""
    return None if principal.role == "admin" else principal.key_id


def tenant_scope(principal: Principal) -> str | None:
    """The tenant a caller may see; None (every tenant) only for the open-mode local admin."""
    return None if principal.key_id is None and principal.role == "admin" else principal.tenant


def require_role(principal: Principal, *roles: Role) -> None:
    """Raise 403 unless the caller has one of the roles."""
    if principal.role not in roles:
        raise Forbidden(f"a {principal.role} key cannot do this (needs {' or '.join(roles)})")


@functools.lru_cache(maxsize=1024)
def _is_loopback(host: str | None) -> bool:
    if host in ("testclient", "localhost"):  # Starlette's TestClient: an in-process caller
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _addressed_to_loopback(request: Request, client: str | None) -> bool:
    """Whether the request's ``Host`` names this machine's loopback (``localhost``, ``*.localhost``, a loopback
    address). DNS rebinding gives a web page on ``evil.example`` a loopback client address and a matching
    ``Origin``; only the ``Host`` it sends still names ``evil.example``."""
    host = request.headers.get("host", "")
    if host == "testserver" and client == "testclient":  # Starlette's TestClient: an in-process caller
        return True
    return _loopback_name(host)


@functools.lru_cache(maxsize=256)
def _loopback_name(host: str) -> bool:
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return False
    return name == "localhost" or name.endswith(".localhost") or (name != "testclient" and _is_loopback(name))


def _same_origin(request: Request) -> bool:
    """A browser's cross-site request carries a foreign Origin; refuse it for state changes."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


class Authenticator:
    """Turns a request into a ``Principal``; installed as ``app.state.authenticate``."""

    def __init__(self, keystore: Keystore, settings: Settings) -> None:
        self.keystore = keystore
        self.settings = settings
        self._pepper = secrets.token_bytes(32)
        # HMAC(token) -> key id of keys already verified by scrypt; revocation is still checked every time.
        self._verified: dict[bytes, str] = {}
        # Client address -> times of its recent failed key checks (bounded; see ``_throttle``).
        self._failures: dict[str, deque[float]] = {}
        # Client address -> key checks of its that are running scrypt now: they count against the limit too, so a
        # burst of simultaneous wrong keys cannot all run scrypt before the first failure is recorded.
        self._checking: dict[str, int] = {}
        # HMAC(token) -> the check of that token running now: simultaneous requests with one key share it (one
        # scrypt per key and process, also for a burst of first requests).
        self._running: dict[bytes, asyncio.Task[KeyRecord]] = {}

    def _throttle(self, client: str | None) -> None:
        """429 for a client address with too many failed key checks in the last minute.

        Guessing a key is hopeless (32 random bytes), but every wrong secret for a real key id costs an scrypt
        run; this bounds what one address can make the service spend. Keys this process has already verified
        are never throttled, so a well-behaved client behind the same address keeps working.
        """
        limit = self.settings.auth_failures_per_minute
        times = self._failures.get(client or "")
        running = self._checking.get(client or "", 0)
        if not limit or (times is None and running < limit):
            return
        now = time.monotonic()
        while times and times[0] <= now - 60.0:
            times.popleft()
        if len(times or ()) + running >= limit:
            retry = max(1, int(times[0] + 60.0 - now) + 1) if times else 1
            raise TooManyRequests(
                "too many failed key checks from this address; retry later", headers={"retry-after": str(retry)}
            )

    def _failed(self, client: str | None) -> None:
        if not self.settings.auth_failures_per_minute:
            return
        if len(self._failures) >= 10_000 and (client or "") not in self._failures:
            self._failures.pop(next(iter(self._failures)))  # the oldest address goes first
        self._failures.setdefault(client or "", deque()).append(time.monotonic())

    async def verify_key(self, token: str, client: str | None = None) -> KeyRecord:
        """The active key record for a full API key, or 401; 429 after too many failures from ``client``.

        A key this process has verified is checked for revocation only. Otherwise one check per token runs at a
        time, and requests with the same token while it runs share its answer; a client's checks that are running
        count against its failure limit, so a burst of simultaneous wrong keys runs scrypt ``limit`` times at most.
        """
        tag = hmac.digest(self._pepper, token.encode(), "sha256")
        if tag in self._verified:
            try:
                return await self._verify(token, tag)
            except Unauthorized:
                self._failed(client)
                raise
        task = self._running.get(tag)
        if task is None:
            self._throttle(client)
            address = client or ""
            self._checking[address] = self._checking.get(address, 0) + 1  # before any check of the burst starts
            task = asyncio.ensure_future(self._check(token, tag, client))
            self._running[tag] = task
            task.add_done_callback(lambda done: self._check_done(tag, address, done))
        return await asyncio.shield(task)

    async def _check(self, token: str, tag: bytes, client: str | None) -> KeyRecord:
        """One key check, counted in ``_checking`` from its start (``verify_key``) to its end (``_check_done``)."""
        try:
            return await self._verify(token, tag)
        except Unauthorized:
            self._failed(client)
            raise

    def _check_done(self, tag: bytes, address: str, task: asyncio.Task[KeyRecord]) -> None:
        if self._running.get(tag) is task:
            del self._running[tag]
        left = self._checking.get(address, 1) - 1
        if left > 0:
            self._checking[address] = left
        else:
            self._checking.pop(address, None)
        if not task.cancelled():
            task.exception()  # retrieved: every caller may have gone (client disconnects) before it ended

    async def _verify(self, token: str, tag: bytes) -> KeyRecord:
        parsed = parse_key(token)
        if parsed is None:
            raise Unauthorized("malformed API key", headers={"www-authenticate": "Bearer"})
        key_id, secret = parsed
        record = await self.keystore.get_key(key_id)
        if record is None or not record.active:
            raise Unauthorized("unknown or revoked API key", headers={"www-authenticate": "Bearer"})
        if self._verified.get(tag) != key_id:
            digest = await asyncio.to_thread(hash_secret, secret, record.salt)
            if not hmac.compare_digest(digest, record.hash):
                raise Unauthorized("unknown or revoked API key", headers={"www-authenticate": "Bearer"})
            if len(self._verified) > 10_000:
                self._verified.clear()
            self._verified[tag] = key_id
        return record

    async def session(self, token: str) -> tuple[SessionRecord, KeyRecord] | None:
        """The live session and its key for a cookie value, else None."""
        found = await self.keystore.get_session(_token_hash(token))
        if found is None or found.expires_at < time.time():
            return None
        record = await self.keystore.get_key(found.key_id)
        if record is None or not record.active:
            return None
        return found, record

    async def __call__(self, request: Request) -> Principal:
        header = request.headers.get("authorization")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("use Authorization: Bearer <key>", headers={"www-authenticate": "Bearer"})
            client = request.client.host if request.client else None
            return principal_of(await self.verify_key(token.strip(), client))
        cookie = request.cookies.get(SESSION_COOKIE)
        live = await self.session(cookie) if cookie else None
        if live is not None:
            session, record = live
            if request.method not in _SAFE_METHODS:
                sent = request.headers.get(CSRF_HEADER, "")
                if not _same_origin(request):
                    raise Forbidden("cross-site request refused")
                if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
                    raise Forbidden("missing or wrong CSRF token")
            return principal_of(record)
        if await self.keystore.has_keys():
            if cookie:
                raise Unauthorized("session expired; log in again")
            raise Unauthorized(
                "missing API key: send Authorization: Bearer <key>", headers={"www-authenticate": "Bearer"}
            )
        client = request.client.host if request.client else None
        if not (self.settings.open_mode_remote or _is_loopback(client)):
            raise Unauthorized("no API key is configured: open mode serves localhost only")
        if not (self.settings.open_mode_remote or _addressed_to_loopback(request, client)):
            host = request.headers.get("host", "")
            raise Forbidden(
                f"no API key is configured: open mode answers requests addressed to localhost, 127.0.0.1 or "
                f"[::1] only, not to {host[:100]!r} (a web page on another name may have rebound it to this "
                f"machine); create a key to serve other names"
            )
        if request.method not in _SAFE_METHODS and not _same_origin(request):
            raise Forbidden("cross-site request refused")
        return OPEN_PRINCIPAL

    # -- console sessions -----------------------------------------------------------------------------
    async def login(self, key: str, client: str | None = None) -> tuple[str, SessionRecord, KeyRecord]:
        """Exchange a reviewer or admin key for a session: (cookie value, session, key)."""
        record = await self.verify_key(key.strip(), client)
        if record.role not in ("reviewer", "admin"):
            raise Forbidden("client keys cannot use the console; use a reviewer or admin key")
        token = secrets.token_urlsafe(32)
        now = time.time()
        session = SessionRecord(
            token_hash=_token_hash(token),
            key_id=record.key_id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + self.settings.session_ttl_s,
        )
        await self.keystore.add_session(session)
        return token, session, record

    async def logout(self, token: str) -> None:
        await self.keystore.delete_session(_token_hash(token))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_authenticator(request: Request) -> Authenticator:
    auth: Authenticator | None = getattr(request.app.state, "authenticator", None)
    if auth is None:
        raise RuntimeError("auth not installed")
    return auth


async def _authenticator_dep(request: Request) -> Authenticator:
    # async: FastAPI runs a plain `def` dependency in a worker thread, which costs more than the lookup.
    return get_authenticator(request)


AuthenticatorDep = Annotated[Authenticator, Depends(_authenticator_dep)]


# -- key management API -------------------------------------------------------------------------------
class KeyCreate(BaseModel):
    """A new key for the caller's tenant."""

    role: Literal["client", "reviewer", "admin"]
    name: str | None = Field(default=None, max_length=200, description="Who or what holds the key.")
    tenant: str | None = Field(default=None, max_length=200, description="Defaults to the caller's tenant.")

    _name = field_validator("name")(check_key_name)


class KeyPublic(BaseModel):
    """A key as listed: never the secret."""

    key_id: str
    tenant: str
    role: str
    name: str | None
    created_at: datetime = Field(description="When the key was made (ISO 8601, UTC), as every resource's times.")
    revoked_at: datetime | None = Field(description="When it was revoked (ISO 8601, UTC); null while active.")


class KeyCreated(KeyPublic):
    key: str = Field(description="The key itself. Shown once; store it now.")


def _public(record: KeyRecord) -> dict[str, Any]:
    return {
        "key_id": record.key_id,
        "tenant": record.tenant,
        "role": record.role,
        "name": record.name,
        "created_at": _utc(record.created_at),
        "revoked_at": None if record.revoked_at is None else _utc(record.revoked_at),
    }


def _utc(epoch: float) -> datetime:
    """The keystore keeps epoch seconds; the API answers ISO 8601 times like every other resource."""
    return datetime.fromtimestamp(epoch, UTC)


keys_router = APIRouter(prefix="/v1/keys", tags=["keys"])


@keys_router.post("", response_model=KeyCreated, status_code=201)
async def create_key(body: KeyCreate, principal: PrincipalDep, auth: AuthenticatorDep) -> dict[str, Any]:
    """Create a key (admin). The response is the only time the key is shown."""
    require_role(principal, "admin")
    scope = tenant_scope(principal)
    tenant = body.tenant or principal.tenant
    if scope is not None and tenant != scope:
        raise Forbidden("an admin key manages keys of its own tenant only", field="tenant")
    taken = same_name(await auth.keystore.list_keys(tenant), tenant, body.name)
    if taken is not None:
        raise Conflict(f"key {taken.key_id} of tenant {tenant!r} is already named {taken.name!r}", field="name")
    key, record = new_key(tenant, body.role, body.name)
    await auth.keystore.add_key(record)
    return {**_public(record), "key": key}


@keys_router.get("", response_model=list[KeyPublic])
async def list_keys(principal: PrincipalDep, auth: AuthenticatorDep) -> list[dict[str, Any]]:
    """The tenant's keys (admin), without secrets."""
    require_role(principal, "admin")
    return [_public(r) for r in await auth.keystore.list_keys(tenant_scope(principal))]


@keys_router.delete("/{key_id}", status_code=204)
async def revoke_key(key_id: str, principal: PrincipalDep, auth: AuthenticatorDep) -> Response:
    """Revoke a key (admin); its console sessions end with it."""
    require_role(principal, "admin")
    if not await auth.keystore.revoke_key(key_id, tenant_scope(principal)):
        raise NotFound(f"no active key {key_id!r}", field="key_id")
    if not await auth.keystore.has_active_keys():
        log.warning(
            "the last active API key (%s) was revoked: every request is refused (401) until a key is created with "
            "`oversight keys create`; the service does not go back to open mode",
            key_id,
        )
    return Response(status_code=204)


# -- wiring -------------------------------------------------------------------------------------------
_BANNER = """
************************************************************************************
*  OVERSIGHT IS RUNNING OPEN: no API key is configured.                            *
*  Every caller from localhost is the admin of tenant 'default'; other hosts get   *
*  401. Create a key to turn authentication on:                                    *
*      oversight keys create --tenant <tenant> --role admin                        *
*  with the service's own --data-dir (or OVERSIGHT_DATA_DIR / _DATABASE_URL).      *
************************************************************************************"""


def install(app: FastAPI) -> None:
    """Open the keystore at start-up and make every ``PrincipalDep`` authenticate (idempotent)."""
    if getattr(app.state, "auth_installed", False):
        return
    app.state.auth_installed = True
    app.include_router(keys_router)

    async def startup(app: FastAPI) -> None:
        runtime = app.state.runtime
        settings: Settings = app.state.settings
        cm = open_keystore(settings, pool=runtime.storage.pool)
        keystore = await cm.__aenter__()
        app.state.keystore_cm = cm
        auth = Authenticator(keystore, settings)
        app.state.authenticator = auth
        app.state.authenticate = auth
        if not await keystore.has_keys():
            log.warning(_BANNER)
            if settings.open_mode_remote:
                log.warning("OVERSIGHT_OPEN_MODE_REMOTE=true: open mode also serves remote callers")

    async def shutdown(app: FastAPI) -> None:
        cm = getattr(app.state, "keystore_cm", None)
        if cm is not None:
            app.state.keystore_cm = None
            await cm.__aexit__(None, None, None)

    app.state.startup_hooks.insert(0, startup)
    app.state.shutdown_hooks.append(shutdown)
