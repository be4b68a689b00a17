"""Staff sign-in through the municipality's OpenID provider (registered only when it is configured).

The browser round trip is bound to its session: state, nonce and PKCE verifier wait in the
server-side session, keyed by state, and are used once. Every failure ends on the sign-in page with
a translated message; the reason goes to the log."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import structlog
from litestar import Request, Response, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect

from app.auth.oidc import ClientConfig, OidcError, ProviderUnavailable, RelyingParty
from app.auth.service import OidcAccountRefused, user_for_oidc_identity
from app.i18n import N_
from app.web.deps import resources
from app.web.routes.auth import _login_page, safe_next, start_session

log = structlog.get_logger()

FLOWS = "oidc_flows"
FLOW_TTL = 600  # seconds a browser may spend at the provider
MAX_FLOWS = 3  # parallel sign-ins per session (several tabs); older ones are dropped
HTTP_TIMEOUT = 10.0

EXPIRED = N_("The sign-in request has expired or is not valid. Try again.")
FAILED = N_("Sign-in through the identity provider did not succeed. Try again.")
UNAVAILABLE = N_("The identity provider is not available at the moment. Try again later.")


def relying_party(request: Request[Any, Any, Any]) -> RelyingParty:
    """One per app, made on first use: it holds the provider's metadata and keys between requests."""
    state = request.app.state
    rp = state.get("oidc_relying_party")
    if rp is None:
        config = ClientConfig.from_settings(resources(request).settings)
        assert config is not None, "the router is registered only when OIDC is configured"
        rp = state["oidc_relying_party"] = RelyingParty(config)
    return rp


def _http() -> httpx2.AsyncClient:
    return httpx2.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False)


def _live_flows(request: Request[Any, Any, Any]) -> dict[str, dict[str, Any]]:
    flows = request.session.get(FLOWS) if request.session else None
    now = time.time()
    return {k: v for k, v in (flows or {}).items() if isinstance(v, dict) and now - v.get("at", 0) < FLOW_TTL}


def _store_flows(request: Request[Any, Any, Any], flows: dict[str, dict[str, Any]]) -> None:
    session = {k: v for k, v in (request.session or {}).items() if k != FLOWS}
    if flows:
        session[FLOWS] = flows
    if session:
        request.set_session(session)
    else:
        request.clear_session()


def _refuse(request: Request[Any, Any, Any], message: str, status: int, next_: str = "/") -> Response[Any]:
    return _login_page(request, error=message, next_=next_, status=status)


@get("/login", name="oidc.login", exclude_from_auth=True)
async def oidc_login(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Response[Any]:
    next_ = safe_next(next)
    try:
        async with _http() as http:
            auth = await relying_party(request).authorization_request(http)
    except OidcError as exc:
        log.warning("oidc provider unusable", reason=str(exc))
        return _refuse(request, UNAVAILABLE, 503, next_)
    flows = _live_flows(request)
    flows[auth.state] = {
        "nonce": auth.nonce,
        "verifier": auth.code_verifier,
        "next": next_,
        "at": time.time(),
    }
    _store_flows(request, dict(sorted(flows.items(), key=lambda kv: kv[1]["at"])[-MAX_FLOWS:]))
    return Redirect(path=auth.url)


@get("/callback", name="oidc.callback", exclude_from_auth=True)
async def oidc_callback(request: Request[Any, Any, Any]) -> Response[Any]:
    # Read from the query directly: `state` is a reserved handler parameter name in Litestar.
    query = request.query_params
    state, code, error, iss = (query.get(k) for k in ("state", "code", "error", "iss"))
    flows = _live_flows(request)
    flow = flows.pop(state, None) if state else None
    _store_flows(request, flows)  # a state is good for one answer only
    if flow is None:
        # Unknown state: forged, replayed, expired or begun in another browser (login CSRF).
        log.info("oidc callback without a matching flow")
        return _refuse(request, EXPIRED, 400)
    next_ = safe_next(flow.get("next"))
    rp = relying_party(request)
    if error or not code:
        log.info("oidc provider returned no code", error=error)
        return _refuse(request, FAILED, 401, next_)
    if iss is not None and iss != rp.config.issuer:  # RFC 9207: the answer came from another provider
        log.warning("oidc callback from a foreign issuer", iss=iss)
        return _refuse(request, FAILED, 400, next_)
    try:
        async with _http() as http:
            identity = await rp.sign_in(http, code=code, code_verifier=flow["verifier"], nonce=flow["nonce"])
    except ProviderUnavailable as exc:
        log.warning("oidc provider unavailable", reason=str(exc))
        return _refuse(request, UNAVAILABLE, 503, next_)
    except OidcError as exc:
        log.warning("oidc sign-in rejected", reason=str(exc))
        return _refuse(request, FAILED, 401, next_)

    res = resources(request)
    async with res.sessions() as db:
        try:
            user_id = await user_for_oidc_identity(
                db,
                issuer=identity.issuer,
                subject=identity.subject,
                preferred_username=identity.preferred_username,
                email=identity.email,
                email_verified=identity.email_verified,
            )
            await db.commit()
        except OidcAccountRefused as exc:
            log.info("oidc identity refused", iss=identity.issuer, sub=identity.subject, reason=exc.detail)
            return _refuse(request, exc.detail, exc.status_code, next_)
        refused = await start_session(request, db, user_id, "oidc")
    if refused:
        return _refuse(request, refused, 403, next_)
    return Redirect(path=next_)


router = Router(path="/auth/oidc", route_handlers=[oidc_login, oidc_callback], include_in_schema=False)
