"""The token endpoint of the partner API: OAuth2 client credentials (RFC 6749 §4.4).

A form-encoded `grant_type=client_credentials`, the client authenticated by HTTP Basic or by
`client_id`/`client_secret` in the body (one of the two, RFC 6749 §2.3.1), and an optional `scope`
narrowing the client's scopes. The answer is an opaque bearer token (app/api/bearer.py), never cached.

Its errors are the RFC's (§5.2: `{"error": …, "error_description": …}` as `application/json`), not
problem details: OAuth2 client libraries read that shape. `error_description` is English, because the
RFC allows ASCII only there. No sign-in and no CSRF token (a cross-site form cannot read the answer, and
the client secret is the credential); rate-limited per address like every unauthenticated API call."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, unquote_plus

import msgspec
from litestar import Request, Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from app.api.bearer import CLIENT_BASIC_SCHEME, issue_token
from app.api.v1.responses import PROBLEM_JSON
from app.api.v1.schemas import ProblemDetails
from app.auth.api_clients import authenticate_api_client
from app.auth.principal import ApiClientRef
from app.auth.scopes import SCOPE_DESCRIPTIONS, parse_scope
from app.web.deps import resources

FORM = "application/x-www-form-urlencoded"
GRANT_TYPE = "client_credentials"
_FIELDS = ("grant_type", "scope", "client_id", "client_secret")
_MAX_FIELDS = 20
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="Atbalsts API", charset="UTF-8"'}

ErrorCode = Literal["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"]


class AccessTokenOut(msgspec.Struct):
    access_token: Annotated[str, msgspec.Meta(description="Send as `Authorization: Bearer <access_token>`.")]
    token_type: Literal["Bearer"]
    expires_in: Annotated[int, msgspec.Meta(description="Seconds the token stays valid.")]
    scope: Annotated[str, msgspec.Meta(description="The granted scopes, separated by spaces.")]


class OAuthErrorOut(msgspec.Struct, omit_defaults=True):
    """An error of the token endpoint, as RFC 6749 §5.2 defines it."""

    error: ErrorCode
    error_description: str | None = None


@dataclass
class _Refusal(Exception):
    error: ErrorCode
    description: str

    def response(self) -> Response[OAuthErrorOut]:
        status = 401 if self.error == "invalid_client" else 400
        headers = {**_NO_STORE, **(_CHALLENGE if status == 401 else {})}
        return Response(OAuthErrorOut(self.error, self.description), status_code=status, headers=headers)


def _form(body: bytes) -> dict[str, str]:
    """The request's parameters; each at most once (RFC 6749 §3.2)."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, errors="strict",
            max_num_fields=_MAX_FIELDS,
        )  # fmt: skip
    except (UnicodeDecodeError, ValueError):
        raise _Refusal("invalid_request", "The body is not a well-formed form-encoded request.") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise _Refusal("invalid_request", f"The parameter {key!r} is repeated.") from None
        form[key] = value
    return form


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise _Refusal("invalid_client", "Authenticate the client with HTTP Basic or in the body.")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _Refusal("invalid_client", "The Basic credentials are malformed.") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise _Refusal("invalid_client", "The Basic credentials are malformed.")
    return unquote_plus(client_id), unquote_plus(secret)


def _credentials(request: Request[Any, Any, Any], form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization")
    in_body = "client_id" in form or "client_secret" in form
    if header is not None and in_body:
        raise _Refusal("invalid_request", "Use one client authentication method, not two.")
    if header is not None:
        return _basic_credentials(header)
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if not client_id or secret is None:
        raise _Refusal("invalid_client", "The client is not authenticated.")
    return client_id, secret


def _granted(client: ApiClientRef, requested: str | None) -> list[str]:
    """The scopes asked for (all the client's when none), each of which the client must hold."""
    if requested is None or requested == "":
        if not client.scopes:
            raise _Refusal("invalid_scope", "The client holds no scope.")
        return sorted(client.scopes)
    scopes = parse_scope(requested)
    if scopes is None:
        raise _Refusal("invalid_scope", "The scope parameter is malformed.")
    if not set(scopes) <= client.scopes:
        raise _Refusal("invalid_scope", "The client does not hold every scope asked for.")
    return sorted(scopes)


async def _issue(request: Request[Any, Any, Any]) -> AccessTokenOut:
    if request.content_type[0] != FORM:
        raise _Refusal("invalid_request", f"Send the parameters as {FORM}.")
    form = _form(await request.body())
    grant_type = form.get("grant_type")
    if not grant_type:
        raise _Refusal("invalid_request", "The grant_type parameter is missing.")
    if grant_type != GRANT_TYPE:
        raise _Refusal("unsupported_grant_type", f"Only {GRANT_TYPE} is supported.")
    client_id, secret = _credentials(request, form)
    res = resources(request)
    async with res.sessions() as db:
        client = await authenticate_api_client(db, client_id, secret)
    if client is None:
        raise _Refusal("invalid_client", "Unknown client, wrong secret or disabled client.")
    scopes = _granted(client, form.get("scope"))
    ttl = res.settings.api_token_ttl_seconds
    token = await issue_token(res.redis, client, scopes, ttl)
    return AccessTokenOut(
        access_token=token,
        token_type="Bearer",  # noqa: S106 - the token type's name
        expires_in=ttl,
        scope=" ".join(scopes),
    )


def _oauth_error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=OAuthErrorOut, description=description, generate_examples=False)


@dataclass
class TokenOperation(Operation):
    """The form-encoded request body, which the handler reads itself (Litestar would answer a malformed
    one in its own error shape, and the RFC fixes this endpoint's)."""

    def __post_init__(self) -> None:
        properties: dict[str, Any] = {
            "grant_type": Schema(type=OpenAPIType.STRING, enum=[GRANT_TYPE]),
            "scope": Schema(
                type=OpenAPIType.STRING,
                description="Space-separated scopes, a subset of the client's; default: all of them. "
                f"Known scopes: {', '.join(sorted(SCOPE_DESCRIPTIONS))}.",
            ),
            "client_id": Schema(type=OpenAPIType.STRING, description="Unless sent with HTTP Basic."),
            "client_secret": Schema(type=OpenAPIType.STRING, description="Unless sent with HTTP Basic."),
        }
        self.request_body = RequestBody(
            required=True,
            content={
                FORM: OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.OBJECT, properties=properties, required=["grant_type"])
                )
            },
        )


@post(
    "/oauth/token",
    summary="An access token for a partner system (OAuth2 client credentials)",
    description=(
        "RFC 6749 §4.4. Form-encoded `grant_type=client_credentials`; the client authenticates with HTTP "
        "Basic (client id and secret) or with `client_id` and `client_secret` in the body. `scope` may "
        "narrow the client's scopes. Errors follow RFC 6749 §5.2 (`error`, `error_description`), not "
        "problem details; a rate-limited request (429) is answered with problem details like every API call."
    ),
    tags=["oauth"],
    status_code=200,
    response_description="The access token.",
    exclude_from_auth=True,
    opt={"exclude_from_csrf": True},
    security=[{CLIENT_BASIC_SCHEME: []}, {}],
    responses={
        400: _oauth_error(
            "`invalid_request` (not form-encoded, a parameter missing or repeated, two client authentication "
            "methods), `unsupported_grant_type` or `invalid_scope`."
        ),
        401: _oauth_error(
            "`invalid_client`: no, malformed or wrong client credentials, or a disabled client; with "
            "`WWW-Authenticate: Basic`."
        ),
        429: ResponseSpec(
            data_container=ProblemDetails,
            media_type=PROBLEM_JSON,
            description="Too many requests from this address this minute; `Retry-After` says when to retry.",
            generate_examples=False,
        ),
    },
    operation_class=TokenOperation,
)
async def issue_access_token(request: Request[Any, Any, Any]) -> Response[AccessTokenOut]:
    try:
        token = await _issue(request)
    except _Refusal as refusal:
        return refusal.response()  # type: ignore[return-value]
    return Response(token, headers=_NO_STORE)
