"""Citizen sign-in: OpenID Connect against the identity broker in front of the national login (design §6).

A separate flow from staff sign-in (`app/web/routes/oidc.py`): its own provider settings
(`CITIZEN_OIDC_*`), its own round-trip state and its own session shape. The ID token is validated by
the same relying party code (code flow with PKCE, nonce, issuer, audience, asymmetric signature); the
person is identified by the personal-code claim (`citizen_oidc_code_claim`) only.

The session then holds `{"citizen": {"code", "name", "at"}}` and nothing else: no `user_id`, so the
staff user loader (`app/web/deps.py: retrieve_actor`) finds no user and a citizen never gets a staff
`Actor`; and a staff session has no `citizen` entry, so staff never pass `provide_citizen`. Signing in
either way starts a new session id and drops the other kind of session."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx2
import structlog
from litestar import Request, Response, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromQuery
from litestar.response import Redirect

from app.auth.oidc import ClientConfig, OidcError, ProviderUnavailable, RelyingParty
from app.domains.citizen.records import normalise_code
from app.i18n import N_, gettext
from app.web.deps import resources
from app.web.errors import problem
from app.web.routes.auth import safe_next
from app.web.sessions import rotate_session
from app.web.templating import language_of

log = structlog.get_logger()

SESSION_KEY = "citizen"
FLOWS = "citizen_oidc_flows"
FLOW_TTL = 600  # seconds a browser may spend at the broker
MAX_FLOWS = 3
SESSION_SECONDS = 30 * 60  # a citizen's sign-in lasts this long, whatever the cookie's age
HTTP_TIMEOUT = 10.0
DEFAULT_NEXT = "/api/v1/citizen/me"

EXPIRED = N_("The sign-in request has expired or is not valid. Try again.")
FAILED = N_("Sign-in through the identity provider did not succeed. Try again.")
UNAVAILABLE = N_("The identity provider is not available at the moment. Try again later.")
NO_CODE = N_("The identity provider did not give a personal code.")
NOT_OFFERED = N_("Citizen sign-in is not offered here.")


@dataclass(frozen=True)
class Citizen:
    """A signed-in citizen: the personal code the broker vouched for, and the name it gave."""

    personal_code: str
    name: str | None


def citizen_of(request: Request[Any, Any, Any]) -> Citizen | None:
    session = request.scope.get("session")
    data = session.get(SESSION_KEY) if isinstance(session, dict) else None
    if not isinstance(data, dict):
        return None
    code, at = data.get("code"), data.get("at")
    if not isinstance(code, str) or not isinstance(at, int | float) or time.time() - at > SESSION_SECONDS:
        return None
    name = data.get("name")
    return Citizen(personal_code=code, name=name if isinstance(name, str) else None)


async def provide_citizen(request: Request[Any, Any, Any]) -> Citizen:
    """The signed-in citizen, or 401 (no session, a staff session, or an expired citizen sign-in)."""
    citizen = citizen_of(request)
    if citizen is None:
        raise NotAuthorizedException()
    return citizen


def citizen_config(request: Request[Any, Any, Any]) -> ClientConfig | None:
    s = resources(request).settings
    if not (s.citizen_oidc_issuer and s.citizen_oidc_client_id):
        return None
    return ClientConfig(
        issuer=s.citizen_oidc_issuer,
        client_id=s.citizen_oidc_client_id,
        client_secret=s.citizen_oidc_client_secret,
        redirect_uri=s.citizen_oidc_redirect_uri,
        scope="openid profile",
    )


def _relying_party(request: Request[Any, Any, Any]) -> RelyingParty | None:
    state = request.app.state
    rp = state.get("citizen_relying_party")
    if rp is None:
        config = citizen_config(request)
        if config is None:
            return None
        rp = state["citizen_relying_party"] = RelyingParty(config)
    return rp


def _live_flows(request: Request[Any, Any, Any]) -> dict[str, dict[str, Any]]:
    flows = request.session.get(FLOWS) if request.session else None
    now = time.time()
    return {k: v for k, v in (flows or {}).items() if isinstance(v, dict) and now - v.get("at", 0) < FLOW_TTL}


def _refuse(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    return problem(request, status, gettext(language_of(request), message))


@get("/citizen/login", exclude_from_auth=True, include_in_schema=False)
async def citizen_login(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Response[Any]:
    rp = _relying_party(request)
    if rp is None:
        return _refuse(request, 404, NOT_OFFERED)
    try:
        async with httpx2.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False) as http:
            auth = await rp.authorization_request(http)
    except OidcError as exc:
        log.warning("citizen oidc provider unusable", reason=str(exc))
        return _refuse(request, 503, UNAVAILABLE)
    flows = _live_flows(request)
    flows[auth.state] = {
        "nonce": auth.nonce,
        "verifier": auth.code_verifier,
        "next": safe_next(next or DEFAULT_NEXT),
        "at": time.time(),
    }
    kept = dict(sorted(flows.items(), key=lambda kv: kv[1]["at"])[-MAX_FLOWS:])
    request.set_session({**(request.session or {}), FLOWS: kept})
    return Redirect(path=auth.url)


@get("/citizen/callback", exclude_from_auth=True, include_in_schema=False)
async def citizen_callback(request: Request[Any, Any, Any]) -> Response[Any]:
    rp = _relying_party(request)
    if rp is None:
        return _refuse(request, 404, NOT_OFFERED)
    query = request.query_params
    state, code, error, iss = (query.get(k) for k in ("state", "code", "error", "iss"))
    flows = _live_flows(request)
    flow = flows.pop(state, None) if state else None
    rest = {k: v for k, v in (request.session or {}).items() if k != FLOWS}
    request.set_session({**rest, FLOWS: flows} if flows else rest)  # a state is good for one answer only
    if flow is None:
        log.info("citizen oidc callback without a matching flow")
        return _refuse(request, 400, EXPIRED)
    if error or not code:
        log.info("citizen oidc provider returned no code", error=error)
        return _refuse(request, 401, FAILED)
    if iss is not None and iss != rp.config.issuer:
        log.warning("citizen oidc callback from a foreign issuer", iss=iss)
        return _refuse(request, 400, FAILED)
    try:
        async with httpx2.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False) as http:
            identity = await rp.sign_in(http, code=code, code_verifier=flow["verifier"], nonce=flow["nonce"])
    except ProviderUnavailable as exc:
        log.warning("citizen oidc provider unavailable", reason=str(exc))
        return _refuse(request, 503, UNAVAILABLE)
    except OidcError as exc:
        log.warning("citizen oidc sign-in rejected", reason=str(exc))
        return _refuse(request, 401, FAILED)
    personal_code = normalise_code(identity.claims.get(resources(request).settings.citizen_oidc_code_claim))
    if personal_code is None:
        log.warning("citizen oidc identity without a personal code", sub=identity.subject)
        return _refuse(request, 403, NO_CODE)
    claims = identity.claims
    name = claims.get("name") or " ".join(
        str(p) for p in (claims.get("given_name"), claims.get("family_name")) if isinstance(p, str) and p
    )
    # A new session id, and nothing of an earlier (staff or citizen) session survives.
    rotate_session(request.scope)
    request.set_session(
        {SESSION_KEY: {"code": personal_code, "name": str(name)[:200] or None, "at": int(time.time())}}
    )
    log.info("citizen signed in", sub=identity.subject)
    return Redirect(path=flow["next"])


@post("/citizen/logout", exclude_from_auth=True, include_in_schema=False, status_code=204)
async def citizen_logout(request: Request[Any, Any, Any]) -> None:
    if citizen_of(request) is not None:
        request.clear_session()
