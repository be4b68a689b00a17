"""Partners on /api/v1: access tokens (OAuth2 client credentials, RFC 6749 §4.4) and bearer requests
(RFC 6750), next to staff sessions.

- A token is 256 random bits, opaque to the partner. Redis keeps, under the token's SHA-256 (never the
  token), the client's id, the granted scopes and the time of issue, for `api_token_ttl_seconds`.
- A request to /api/ with `Authorization: Bearer …` is authenticated by that token only, never by a
  cookie: `ApiAuthMiddleware` (the session authentication's middleware class) checks the header first.
  An unknown or expired token is 401 with `WWW-Authenticate: Bearer error="invalid_token"`. The client is
  read fresh from the database each time, so disabling it, rotating its secret or removing a municipality
  takes effect at once.
- The principal is an `Actor` for one municipality with exactly the permissions of the token's scopes
  (app/auth/scopes.py). A client bound to one municipality acts for it; one bound to several names it
  with the `X-Atbalsts-Tenant` header (id or slug). A municipality it is not bound to is 403.
- Each operation open to partners names its scope (`partner_access`); `require_partner_scope`, a guard on
  the API router, refuses every other operation, and a token without the scope, with 403 and
  `WWW-Authenticate: Bearer error="insufficient_scope"`.
- CSRF protects the cookie session: a request authenticated by a bearer token carries no ambient
  credential a third-party page could make the browser send, so `ApiCSRFMiddleware` lets it through;
  every other unsafe request to the API needs the CSRF token as before."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException, ServiceUnavailableException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AuthenticationResult
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi.spec import Components, OAuthFlow, OAuthFlows, SecurityScheme
from litestar.security.session_auth.middleware import SessionAuthMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.auth.api_clients import ClientPrincipal, client_principal
from app.auth.principal import Actor, ApiClientRef, TenantChoice
from app.auth.scopes import SCOPE_DESCRIPTIONS
from app.errors import Forbidden
from app.i18n import N_
from app.web.deps import TENANT_HEADER, resources

TOKEN_PATH = "/api/v1/oauth/token"  # noqa: S105 - an address
_TOKEN_KEY = "atbalsts:api-token:"  # noqa: S105 - a Redis key prefix
PARTNER_SCOPES = "partner_scopes"  # handler opt: the scopes an operation needs from a partner
# OpenAPI security scheme names; "sessionCookie" is the one Litestar's SessionAuth declares.
SESSION_SCHEME = "sessionCookie"
OAUTH_SCHEME = "partnerOAuth"
CLIENT_BASIC_SCHEME = "clientBasic"

INVALID_TOKEN = N_("The access token is not valid or has expired. Get a new one from the token endpoint.")
INSUFFICIENT_SCOPE = N_("The access token's scopes do not allow this operation.")
NOT_BOUND = N_("This API client may not act for that municipality.")
NAME_MUNICIPALITY = N_(
    "This API client acts for several municipalities: name one in the X-Atbalsts-Tenant header."
)
NO_MUNICIPALITY = N_("This API client may not act for any municipality.")


# --- tokens ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenGrant:
    api_client_id: uuid.UUID
    scopes: frozenset[str]
    issued_at: float


def _key(token: str) -> str:
    return _TOKEN_KEY + hashlib.sha256(token.encode()).hexdigest()


async def issue_token(redis: Redis, client: ApiClientRef, scopes: Iterable[str], ttl: int) -> str:
    token = secrets.token_urlsafe(32)
    grant = {"client": str(client.id), "scopes": sorted(scopes), "iat": time.time()}
    try:
        await redis.set(_key(token), json.dumps(grant), ex=ttl)
    except RedisError as exc:  # no token store: the partner retries later (503), nothing is half-issued
        raise ServiceUnavailableException() from exc
    return token


async def read_token(redis: Redis, token: str) -> TokenGrant | None:
    try:
        raw = await redis.get(_key(token))
    except RedisError as exc:  # the token cannot be checked now: 503, not "invalid token"
        raise ServiceUnavailableException() from exc
    if raw is None:
        return None
    try:
        grant = json.loads(raw)
        return TokenGrant(uuid.UUID(grant["client"]), frozenset(grant["scopes"]), float(grant["iat"]))
    except (ValueError, KeyError, TypeError):
        return None


# --- refusals --------------------------------------------------------------------------------------------


class InvalidToken(NotAuthorizedException):
    """401 for a bearer token that is unknown, expired or no longer good (RFC 6750 §3.1)."""

    problem_detail = INVALID_TOKEN

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class InsufficientScope(PermissionDeniedException):
    """403 for a valid token without the operation's scope (RFC 6750 §3.1)."""

    problem_detail = INSUFFICIENT_SCOPE

    def __init__(self, needed: Sequence[str]) -> None:
        challenge = 'Bearer error="insufficient_scope"'
        if needed:
            challenge += f', scope="{" ".join(needed)}"'
        super().__init__(headers={"WWW-Authenticate": challenge})


# --- authentication --------------------------------------------------------------------------------------


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The token of an API request's `Authorization: Bearer` header ("" when the header has none);
    None when the request is not one (a page, a cookie session, no header)."""
    if not connection.scope["path"].startswith("/api/"):
        return None
    scheme, _, token = (connection.headers.get("authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def _municipality(principal: ClientPrincipal, named: str | None) -> TenantChoice:
    bound = principal.municipalities
    if named is not None:
        named = named.strip()
        found = next((m for m in bound if named in (str(m.tenant_id), m.slug)), None)
        if found is None:
            raise Forbidden(NOT_BOUND)
        return found
    if len(bound) == 1:
        return bound[0]
    raise Forbidden(NAME_MUNICIPALITY if bound else NO_MUNICIPALITY)


async def authenticate_partner(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> Actor:
    res = resources(connection)
    grant = await read_token(res.redis, token) if token else None
    if grant is None:
        raise InvalidToken()
    async with res.sessions() as db:
        principal = await client_principal(db, grant.api_client_id)
    if principal is None or (
        principal.rotated_at is not None and principal.rotated_at.timestamp() > grant.issued_at
    ):
        raise InvalidToken()
    # A scope taken from the client since the token was issued is gone from the token too.
    client = replace(principal.client, scopes=grant.scopes & principal.client.scopes)
    return Actor.for_api_client(client, _municipality(principal, connection.headers.get(TENANT_HEADER)))


class ApiAuthMiddleware(SessionAuthMiddleware):
    """The session authentication, except for API requests carrying a bearer token."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = bearer_token(connection)
        if token is None:
            return await super().authenticate_request(connection)
        return AuthenticationResult(user=await authenticate_partner(connection, token), auth=None)


def partner_of(connection: ASGIConnection[Any, Any, Any, Any]) -> ApiClientRef | None:
    user = connection.scope.get("user")
    return user.api_client if isinstance(user, Actor) else None


# --- authorisation per operation ------------------------------------------------------------------------


def partner_access(*scopes: str) -> dict[str, Any]:
    """Route handler arguments opening an operation to partners holding all of `scopes` (besides staff
    signed in with a session): the guard reads `opt`, the OpenAPI document shows `security`."""
    return {
        "security": [{SESSION_SCHEME: []}, {OAUTH_SCHEME: list(scopes)}],
        "opt": {PARTNER_SCOPES: tuple(scopes)},
    }


async def require_partner_scope(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard of the API router: a partner reaches only operations that name a scope its token holds."""
    client = partner_of(connection)
    if client is None:
        return
    needed: tuple[str, ...] = handler.opt.get(PARTNER_SCOPES, ())
    if not needed or not set(needed) <= client.scopes:
        raise InsufficientScope(needed)


class ApiCSRFMiddleware:
    """The CSRF check of /api/v1 (the API router's middleware): Litestar's own double-submit check with
    the app's CSRF settings — which exclude /api/v1 so that this one decides there — except for a request
    authenticated by a bearer token. It runs after authentication, so a made-up `Authorization` header
    gets nowhere: a bad token was already refused with 401."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._check: ASGIApp | None = None

    def _csrf(self, scope: Scope) -> ASGIApp:
        if self._check is None:
            config: CSRFConfig | None = scope["litestar_app"].csrf_config
            self._check = (
                self.app if config is None else CSRFMiddleware(self.app, replace(config, exclude=None))
            )
        return self._check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get("user")
        if isinstance(user, Actor) and user.api_client is not None:
            await self.app(scope, receive, send)
        else:
            await self._csrf(scope)(scope, receive, send)


def openapi_components() -> Components:
    """The partners' security schemes (the session cookie's comes from SessionAuth)."""
    return Components(
        security_schemes={
            OAUTH_SCHEME: SecurityScheme(
                type="oauth2",
                description=(
                    "Partner systems: OAuth2 client credentials. The platform administrator issues the "
                    "client (`atbalsts api-client create`) with its scopes and the municipalities it may act "
                    "for. Send the token as `Authorization: Bearer …`; a client bound to several "
                    "municipalities names one in the `X-Atbalsts-Tenant` header (its id or slug)."
                ),
                flows=OAuthFlows(
                    client_credentials=OAuthFlow(token_url=TOKEN_PATH, scopes=dict(SCOPE_DESCRIPTIONS))
                ),
            ),
            CLIENT_BASIC_SCHEME: SecurityScheme(
                type="http",
                scheme="basic",
                description="Client authentication at the token endpoint: the client id and secret.",
            ),
        }
    )
