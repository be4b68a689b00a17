"""OpenID Connect relying party for staff sign-in: authorization code flow with PKCE (S256).

Framework-free: the caller passes an `httpx2.AsyncClient` for every network call and keeps the
per-browser values (state, nonce, code_verifier) itself. authlib supplies the OAuth pieces (random
tokens, the S256 challenge, the authorization URL, token-endpoint client authentication); joserfc
validates the ID token. Provider metadata and keys are cached per `RelyingParty` instance.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx2
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.integrations.httpx_client import OAuth2ClientAuth
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from app.config import Settings

T = TypeVar("T")

# Asymmetric only: an HMAC algorithm would let anyone holding the client secret mint ID tokens.
ALGORITHMS = ("RS256", "ES256", "PS256")


class OidcError(Exception):
    """The provider's answer cannot be trusted or used; the reason is for logs, never for users."""


class ProviderUnavailable(OidcError):
    """The provider did not answer or answered with an HTTP error: a fault outside the user's reach."""


class TokenRejected(OidcError):
    """The ID token failed validation (signature, algorithm or claims)."""


@dataclass(frozen=True)
class ClientConfig:
    issuer: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    scope: str = "openid profile email"
    leeway: int = 60  # seconds of clock skew tolerated on exp/iat
    cache_ttl: float = 3600.0  # provider metadata and keys

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientConfig | None:
        if not (settings.oidc_issuer and settings.oidc_client_id):
            return None
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            redirect_uri=settings.oidc_redirect_uri,
        )


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_endpoint_auth_methods: tuple[str, ...] = ("client_secret_basic",)


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what to remember until it comes back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    preferred_username: str | None
    email: str | None
    email_verified: bool
    claims: dict[str, Any] = field(repr=False)


@dataclass
class _Cached(Generic[T]):
    value: T
    at: float


class RelyingParty:
    def __init__(self, config: ClientConfig, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._clock = clock
        self._metadata: _Cached[ProviderMetadata] | None = None
        self._keys: _Cached[KeySet] | None = None

    def _fresh(self, cached: _Cached[Any]) -> bool:
        return self._clock() - cached.at < self.config.cache_ttl

    async def _get_json(self, http: httpx2.AsyncClient, url: str) -> dict[str, Any]:
        try:
            response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            data = response.json()
        except httpx2.HTTPError as exc:
            raise ProviderUnavailable(f"GET {url}: {exc}") from exc
        except ValueError as exc:
            raise OidcError(f"GET {url}: not JSON") from exc
        if not isinstance(data, dict):
            raise OidcError(f"GET {url}: not a JSON object")
        return data

    async def metadata(self, http: httpx2.AsyncClient) -> ProviderMetadata:
        if self._metadata is not None and self._fresh(self._metadata):
            return self._metadata.value
        url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
        doc = await self._get_json(http, url)
        # Discovery §4.3: the document must name exactly the issuer we were configured with.
        if doc.get("issuer") != self.config.issuer:
            raise OidcError(f"discovery names issuer {doc.get('issuer')!r}, expected {self.config.issuer!r}")
        try:
            meta = ProviderMetadata(
                issuer=doc["issuer"],
                authorization_endpoint=str(doc["authorization_endpoint"]),
                token_endpoint=str(doc["token_endpoint"]),
                jwks_uri=str(doc["jwks_uri"]),
                token_endpoint_auth_methods=tuple(
                    doc.get("token_endpoint_auth_methods_supported") or ("client_secret_basic",)
                ),
            )
        except KeyError as exc:
            raise OidcError(f"discovery document lacks {exc}") from exc
        self._metadata = _Cached(meta, self._clock())
        return meta

    async def key_set(self, http: httpx2.AsyncClient, *, refresh: bool = False) -> KeySet:
        if not refresh and self._keys is not None and self._fresh(self._keys):
            return self._keys.value
        meta = await self.metadata(http)
        doc = await self._get_json(http, meta.jwks_uri)
        signing = [k for k in doc.get("keys") or [] if isinstance(k, dict) and k.get("use", "sig") == "sig"]
        try:
            keys = KeySet.import_key_set({"keys": signing})
        except (JoseError, ValueError, TypeError) as exc:
            raise OidcError(f"unusable JWKS: {exc}") from exc
        self._keys = _Cached(keys, self._clock())
        return keys

    async def authorization_request(self, http: httpx2.AsyncClient) -> AuthorizationRequest:
        meta = await self.metadata(http)
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        url = add_params_to_uri(
            meta.authorization_endpoint,
            [
                ("response_type", "code"),
                ("client_id", self.config.client_id),
                ("redirect_uri", self.config.redirect_uri),
                ("scope", self.config.scope),
                ("state", state),
                ("nonce", nonce),
                ("code_challenge", create_s256_code_challenge(verifier)),
                ("code_challenge_method", "S256"),
            ],
        )
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def _client_auth(self, meta: ProviderMetadata) -> OAuth2ClientAuth:
        if not self.config.client_secret:
            method = "none"  # a public client: PKCE is then its only proof
        elif "client_secret_basic" in meta.token_endpoint_auth_methods:
            method = "client_secret_basic"
        else:
            method = "client_secret_post"
        return OAuth2ClientAuth(self.config.client_id, self.config.client_secret, method)

    async def exchange_code(self, http: httpx2.AsyncClient, code: str, code_verifier: str) -> dict[str, Any]:
        """The token endpoint's answer for an authorization code; it must carry an ID token."""
        meta = await self.metadata(http)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.config.redirect_uri,
            "code_verifier": code_verifier,
        }
        try:
            response = await http.post(
                meta.token_endpoint,
                data=form,
                auth=self._client_auth(meta),
                headers={"Accept": "application/json"},
            )
        except httpx2.HTTPError as exc:
            raise ProviderUnavailable(f"token endpoint: {exc}") from exc
        if response.status_code >= 500:
            raise ProviderUnavailable(f"token endpoint answered {response.status_code}")
        try:
            token = response.json()
        except ValueError as exc:
            raise OidcError(f"token endpoint answered {response.status_code}, not JSON") from exc
        if response.status_code != 200 or not isinstance(token, dict) or "error" in token:
            error = token.get("error") if isinstance(token, dict) else None
            raise OidcError(f"token endpoint refused the code: {response.status_code} {error}")
        if not isinstance(token.get("id_token"), str):
            raise OidcError("token response has no id_token")
        return token

    async def validate_id_token(self, http: httpx2.AsyncClient, id_token: str, nonce: str) -> Identity:
        keys = await self.key_set(http)
        try:
            try:
                token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
            except InvalidKeyIdError:
                # The provider may have rotated its keys since we cached them: fetch once more.
                token = jwt.decode(id_token, await self.key_set(http, refresh=True), algorithms=ALGORITHMS)
            claims = token.claims
            jwt.JWTClaimsRegistry(
                leeway=self.config.leeway,
                iss={"essential": True, "value": self.config.issuer},
                aud={"essential": True, "value": self.config.client_id},
                sub={"essential": True},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(claims)
        except (JoseError, ValueError, KeyError, TypeError) as exc:  # malformed input raises the latter
            raise TokenRejected(f"{type(exc).__name__}: {exc}") from exc
        # Core §3.1.3.7: with several audiences the token must name us as its authorized party.
        aud, azp = claims["aud"], claims.get("azp")
        if (isinstance(aud, list) and len(aud) > 1 and azp is None) or (
            azp is not None and azp != self.config.client_id
        ):
            raise TokenRejected(f"azp {azp!r} does not name this client")
        username, email = claims.get("preferred_username"), claims.get("email")
        return Identity(
            issuer=claims["iss"],
            subject=claims["sub"],
            preferred_username=username if isinstance(username, str) and username.strip() else None,
            email=email if isinstance(email, str) and email.strip() else None,
            email_verified=claims.get("email_verified") is True,
            claims=claims,
        )

    async def sign_in(
        self, http: httpx2.AsyncClient, *, code: str, code_verifier: str, nonce: str
    ) -> Identity:
        """The callback's work: the code exchanged, the ID token validated, the identity returned."""
        token = await self.exchange_code(http, code, code_verifier)
        return await self.validate_id_token(http, token["id_token"], nonce)
