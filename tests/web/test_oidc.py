"""Staff sign-in through OpenID Connect.

The flow tests run against a real provider (oidc-provider-mock, a Flask app on a thread) that the
tests make stricter: it requires a nonce and, through two hooks, refuses a code whose PKCE verifier
does not match the S256 challenge sent at authorization. The browser is played by the Litestar
TestClient for the app and an httpx client for the provider's consent form.

ID-token validation is also tested on its own with tokens signed here, because the provider cannot
be made to issue a wrong nonce, audience or algorithm."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlparse

import flask
import httpx
import httpx2
import oidc_provider_mock
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey, RSAKey
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.auth.models import User
from app.auth.oidc import ClientConfig, OidcError, RelyingParty, TokenRejected
from app.config import Settings
from app.db import sync_tenant_uow
from app.main import create_app
from tests.factories.staff import create_staff

APP_URL = "http://127.0.0.1:8000"
Staff = tuple[uuid.UUID, str]  # user id, user name
SESSION_COOKIE = "atbalsts_session"


# --- the provider ------------------------------------------------------------------------------


@dataclasses.dataclass
class Provider:
    issuer: str
    http: httpx.Client
    pkce_checked: list[str]

    def set_user(self, sub: str, **claims: Any) -> None:
        assert self.http.put(f"/users/{sub}", json=claims).status_code == 204


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _enforce_pkce(app: flask.Flask) -> list[str]:
    """The mock ignores PKCE; these hooks make its token endpoint check it as a real provider would."""
    challenges: dict[str, tuple[str | None, str | None]] = {}
    checked: list[str] = []

    @app.after_request
    def remember_challenge(response: flask.Response) -> flask.Response:
        if flask.request.path == "/oauth2/authorize" and response.location:
            code = parse_qs(urlparse(response.location).query).get("code")
            if code:
                args = flask.request.args
                challenges[code[0]] = (args.get("code_challenge"), args.get("code_challenge_method"))
        return response

    @app.before_request
    def check_verifier() -> Any:
        if flask.request.path != "/oauth2/token":
            return None
        challenge, method = challenges.pop(flask.request.form.get("code", ""), (None, None))
        verifier = flask.request.form.get("code_verifier", "")
        if method != "S256" or not challenge or _s256(verifier) != challenge:
            return flask.jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
        checked.append(challenge)
        return None

    return checked


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        checked = _enforce_pkce(cast(flask.Flask, server.app))
        # The mock names itself after the Host it is reached at: always use this one address.
        issuer = f"http://127.0.0.1:{server.server_port}"
        with httpx.Client(base_url=issuer, timeout=10) as http:
            yield Provider(issuer=issuer, http=http, pkce_checked=checked)


@pytest.fixture
def oidc_settings(settings: Settings, provider: Provider) -> Settings:
    return dataclasses.replace(
        settings,
        oidc_issuer=provider.issuer,
        oidc_client_id="atbalsts-test",
        oidc_client_secret="atbalsts-test-secret",
        oidc_redirect_uri=f"{APP_URL}/auth/oidc/callback",
    )


@pytest.fixture
def oidc_client(oidc_settings: Settings) -> Iterator[TestClient[Any]]:
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as c:
        yield c


# --- the browser -------------------------------------------------------------------------------


def begin(client: TestClient[Any], next_: str = "/") -> str:
    start = client.get("/auth/oidc/login", params={"next": next_}, follow_redirects=False)
    assert start.status_code in (302, 303), start.text
    return str(start.headers["location"])


def authorize(provider: Provider, authorize_url: str, sub: str) -> str:
    """What a person does at the provider: open the consent form, submit it as `sub`."""
    assert authorize_url.startswith(provider.issuer + "/")
    assert provider.http.get(authorize_url).status_code == 200
    answer = provider.http.post(authorize_url, data={"sub": sub}, follow_redirects=False)
    assert answer.status_code in (302, 303), answer.text
    return str(answer.headers["location"])


def oidc_sign_in(client: TestClient[Any], provider: Provider, sub: str, next_: str = "/") -> Any:
    callback = authorize(provider, begin(client, next_), sub)
    assert callback.startswith(f"{APP_URL}/auth/oidc/callback?")
    return client.get(callback, follow_redirects=False)


def signed_in(client: TestClient[Any]) -> bool:
    return bool(client.get("/", follow_redirects=False).status_code == 200)


@pytest.fixture
def staff(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Staff:
    username = f"oidc-{uuid.uuid4().hex[:8]}"
    user_id = create_staff(
        rw_sessions, {tenant_a: ["social_worker"]}, username=username, full_name="Anna Liepa"
    )
    return user_id, username


def _user(rw_sessions: sessionmaker[Session], user_id: uuid.UUID) -> User:
    with sync_tenant_uow(rw_sessions, None) as s:
        user = s.get(User, user_id)
        assert user is not None
        return user


# --- the flow against the provider -------------------------------------------------------------


def test_staff_member_signs_in_linked_by_user_name(
    oidc_client: TestClient[Any],
    provider: Provider,
    staff: Staff,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    user_id, username = staff
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, preferred_username=username.upper(), name="Anna Liepa")
    checked_before = len(provider.pkce_checked)

    answer = oidc_sign_in(oidc_client, provider, sub, next_="/")

    assert answer.status_code in (302, 303), answer.text
    assert answer.headers["location"] == "/"
    home = oidc_client.get("/")
    assert home.status_code == 200
    assert "Ādažu novads" in home.text and "Anna Liepa" in home.text
    # The provider saw an S256 challenge and a matching verifier at its token endpoint.
    assert len(provider.pkce_checked) == checked_before + 1
    user = _user(rw_sessions, user_id)
    assert (user.oidc_issuer, user.oidc_subject) == (provider.issuer, sub)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        entries = s.scalars(select(ChangeLog).where(ChangeLog.entity_id == user_id)).all()
    link = [e for e in entries if e.action == "auth:user:link-oidc"]
    assert len(link) == 1 and link[0].after == {
        "oidc_issuer": provider.issuer,
        "oidc_subject": sub,
        "matched_by": "username",
    }
    assert any(e.action == "auth:session:sign-in" and e.after == {"method": "oidc"} for e in entries)


def test_second_sign_in_uses_the_issuer_and_subject_link(
    oidc_settings: Settings,
    provider: Provider,
    staff: Staff,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    user_id, username = staff
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, preferred_username=username)
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as first:
        assert oidc_sign_in(first, provider, sub).status_code in (302, 303)

    # The provider now calls the person something else: the stored (issuer, sub) link still holds.
    provider.set_user(sub, preferred_username="cits-vārds")
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as second:
        answer = oidc_sign_in(second, provider, sub, next_="//evil.example/")
        assert answer.status_code in (302, 303), answer.text
        assert answer.headers["location"] == "/"  # no open redirect through `next`
        assert "Anna Liepa" in second.get("/").text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = s.scalars(select(ChangeLog.action).where(ChangeLog.entity_id == user_id)).all()
    assert actions.count("auth:user:link-oidc") == 1
    assert actions.count("auth:session:sign-in") == 2


def test_next_page_is_kept_through_the_round_trip(
    oidc_client: TestClient[Any], provider: Provider, staff: Staff
) -> None:
    _, username = staff
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, preferred_username=username)
    answer = oidc_sign_in(oidc_client, provider, sub, next_="/?tab=cases")
    assert answer.headers["location"] == "/?tab=cases"


def test_unknown_identity_is_refused_in_latvian_without_a_session(
    oidc_client: TestClient[Any], provider: Provider
) -> None:
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(
        sub, preferred_username="nav-tada-darbinieka", email=f"{sub}@example.lv", email_verified=True
    )

    answer = oidc_sign_in(oidc_client, provider, sub)

    assert answer.status_code == 403
    assert "Jūsu identitātei neatbilst neviens darbinieka konts" in answer.text
    assert 'lang="lv"' in answer.text
    assert not signed_in(oidc_client)


def test_verified_email_links_an_account_but_an_unverified_one_does_not(
    oidc_settings: Settings, provider: Provider, staff: Staff, rw_sessions: sessionmaker[Session]
) -> None:
    user_id, _ = staff
    email = f"anna.{uuid.uuid4().hex[:6]}@adazi.lv"
    with sync_tenant_uow(rw_sessions, None) as s:
        s.execute(update(User).where(User.id == user_id).values(email=email))

    unverified = f"sub-{uuid.uuid4()}"
    provider.set_user(unverified, email=email.upper(), email_verified=False)
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as c:
        assert oidc_sign_in(c, provider, unverified).status_code == 403
    assert _user(rw_sessions, user_id).oidc_subject is None

    verified = f"sub-{uuid.uuid4()}"
    provider.set_user(verified, email=email.upper(), email_verified=True)
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as c:
        assert oidc_sign_in(c, provider, verified).status_code in (302, 303)
        assert signed_in(c)
    assert _user(rw_sessions, user_id).oidc_subject == verified


def test_inactive_account_is_refused(
    oidc_client: TestClient[Any], provider: Provider, staff: Staff, rw_sessions: sessionmaker[Session]
) -> None:
    user_id, username = staff
    with sync_tenant_uow(rw_sessions, None) as s:
        s.execute(update(User).where(User.id == user_id).values(is_active=False))
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, preferred_username=username)

    answer = oidc_sign_in(oidc_client, provider, sub)

    assert answer.status_code == 403
    assert "Jūsu konts ir bloķēts" in answer.text
    assert not signed_in(oidc_client)
    assert _user(rw_sessions, user_id).oidc_subject is None


def test_account_linked_to_another_identity_is_not_taken_over(
    oidc_settings: Settings, provider: Provider, staff: Staff, rw_sessions: sessionmaker[Session]
) -> None:
    user_id, username = staff
    first, second = f"sub-{uuid.uuid4()}", f"sub-{uuid.uuid4()}"
    provider.set_user(first, preferred_username=username)
    provider.set_user(second, preferred_username=username)
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as c:
        assert oidc_sign_in(c, provider, first).status_code in (302, 303)
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as c:
        answer = oidc_sign_in(c, provider, second)
        assert answer.status_code == 403
        assert "Jūsu konts ir sasaistīts ar citu identitāti" in answer.text
        assert not signed_in(c)
    assert _user(rw_sessions, user_id).oidc_subject == first


def test_tampered_replayed_or_foreign_state_is_refused(
    oidc_settings: Settings, provider: Provider, staff: Staff
) -> None:
    _, username = staff
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, preferred_username=username)
    expired = "Pieteikšanās pieprasījums ir novecojis vai nav derīgs"
    with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as victim:
        callback = authorize(provider, begin(victim), sub)
        parts = urlparse(callback)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}

        session_id = victim.cookies.get(SESSION_COOKIE)
        tampered = victim.get(
            f"/auth/oidc/callback?{urlencode({**params, 'state': params['state'] + 'x'})}",
            follow_redirects=False,
        )
        assert tampered.status_code == 400 and expired in tampered.text
        # Not signed in: a sign-in would have rotated the session id. (Asking for "/" here would
        # wipe the unauthenticated session, pending sign-in included: Litestar's SessionAuth does.)
        assert victim.cookies.get(SESSION_COOKIE) == session_id

        # A callback carried to another browser (login CSRF) finds no flow there.
        with TestClient(app=create_app(oidc_settings), base_url=APP_URL) as other:
            foreign = other.get(callback, follow_redirects=False)
            assert foreign.status_code == 400 and expired in foreign.text
            assert not signed_in(other)

        # The genuine answer still works once, and only once.
        assert victim.get(callback, follow_redirects=False).status_code in (302, 303)
        replay = victim.get(callback, follow_redirects=False)
        assert replay.status_code == 400 and expired in replay.text
        assert signed_in(victim)  # the replay did not undo the genuine sign-in


def test_code_from_another_sign_in_fails_pkce_at_the_provider(
    oidc_client: TestClient[Any], provider: Provider, staff: Staff
) -> None:
    """An injected code (here: one issued for another pending sign-in of the same browser) reaches the
    token endpoint with the wrong verifier, and the provider refuses it."""
    _, username = staff
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, preferred_username=username)
    first = parse_qs(urlparse(authorize(provider, begin(oidc_client), sub)).query)
    second = parse_qs(urlparse(authorize(provider, begin(oidc_client), sub)).query)
    checked_before = len(provider.pkce_checked)

    swapped = {"code": first["code"][0], "state": second["state"][0]}
    answer = oidc_client.get(f"/auth/oidc/callback?{urlencode(swapped)}", follow_redirects=False)

    assert answer.status_code == 401
    assert "Pieteikšanās ar identitātes pakalpojumu neizdevās" in answer.text
    assert len(provider.pkce_checked) == checked_before
    assert not signed_in(oidc_client)


def test_denial_at_the_provider_returns_to_the_sign_in_page(
    oidc_client: TestClient[Any], provider: Provider
) -> None:
    authorize_url = begin(oidc_client)
    state = parse_qs(urlparse(authorize_url).query)["state"][0]
    denied = provider.http.post(authorize_url, data={"action": "deny"}, follow_redirects=False)
    callback = str(denied.headers["location"])
    assert "error=access_denied" in callback

    # The mock leaves `state` out of its error redirect; RFC 6749 §4.1.2.1 requires it, so add it as
    # a conforming provider would. Without it the answer cannot be matched to a sign-in at all.
    without_state = oidc_client.get(callback, follow_redirects=False)
    assert without_state.status_code == 400
    answer = oidc_client.get(f"{callback}&{urlencode({'state': state})}", follow_redirects=False)

    assert answer.status_code == 401
    assert "Pieteikšanās ar identitātes pakalpojumu neizdevās" in answer.text
    assert not signed_in(oidc_client)


def test_session_id_changes_at_sign_in(
    oidc_client: TestClient[Any], provider: Provider, staff: Staff
) -> None:
    _, username = staff
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, preferred_username=username)
    oidc_client.get("/login")
    oidc_client.cookies.set(SESSION_COOKIE, "attacker-chosen-session-id")
    start = oidc_client.get("/auth/oidc/login", follow_redirects=False)
    pending = start.cookies.get(SESSION_COOKIE)  # the session holding the pending sign-in
    callback = authorize(provider, str(start.headers["location"]), sub)

    answer = oidc_client.get(callback, follow_redirects=False)

    assert answer.status_code in (302, 303)
    new = answer.cookies.get(SESSION_COOKIE)
    assert new and new not in (pending, "attacker-chosen-session-id", "null")


def test_unreachable_provider_is_a_clear_message_not_a_crash(settings: Settings) -> None:
    closed = dataclasses.replace(settings, oidc_issuer="http://127.0.0.1:9", oidc_client_id="atbalsts-test")
    with TestClient(app=create_app(closed), base_url=APP_URL) as c:
        answer = c.get("/auth/oidc/login", follow_redirects=False)
    assert answer.status_code == 503
    assert "Identitātes pakalpojums pašlaik nav pieejams" in answer.text


def test_routes_are_absent_when_not_configured(client: TestClient[Any]) -> None:
    assert client.get("/auth/oidc/login", follow_redirects=False).status_code == 404
    assert "/auth/oidc/login" not in client.get("/login").text


def test_sign_in_page_offers_the_provider_when_configured(oidc_client: TestClient[Any]) -> None:
    assert 'href="/auth/oidc/login?next=' in oidc_client.get("/login").text


# --- ID-token validation with tokens signed here ------------------------------------------------

ISSUER = "https://idp.example.lv/realms/adazi"
CLIENT_ID = "atbalsts"
NONCE = "nonce-123"
CONFIG = ClientConfig(
    issuer=ISSUER, client_id=CLIENT_ID, client_secret="s", redirect_uri=f"{APP_URL}/auth/oidc/callback"
)


class FakeIdp:
    """Discovery and JWKS served from memory through an httpx2 mock transport."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "use": "sig"})
        self.published: list[Any] = [self.key]
        self.hits = {"discovery": 0, "jwks": 0}
        self.issuer = ISSUER

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            self.hits["discovery"] += 1
            return httpx2.Response(
                200,
                json={
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/certs",
                },
            )
        if request.url.path.endswith("/certs"):
            self.hits["jwks"] += 1
            return httpx2.Response(200, json=KeySet(self.published).as_dict())
        return httpx2.Response(404)

    def sign(self, key: Any = None, alg: str = "RS256", **overrides: Any) -> str:
        key = key or self.key
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "person-1",
            "iat": now,
            "exp": now + 300,
            "nonce": NONCE,
            "preferred_username": "anna",
            **overrides,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode({"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg])

    def run(self, rp: RelyingParty, call: Any) -> Any:
        async def go() -> Any:
            async with httpx2.AsyncClient(transport=httpx2.MockTransport(self.handle)) as http:
                return await call(rp, http)

        return asyncio.run(go())

    def validate(self, token: str, nonce: str = NONCE, rp: RelyingParty | None = None) -> Any:
        return self.run(rp or RelyingParty(CONFIG), lambda rp, http: rp.validate_id_token(http, token, nonce))


@pytest.fixture
def idp() -> FakeIdp:
    return FakeIdp()


def test_a_valid_id_token_gives_the_identity(idp: FakeIdp) -> None:
    identity = idp.validate(idp.sign(email="anna@adazi.lv", email_verified=True))
    assert (identity.issuer, identity.subject, identity.preferred_username) == (ISSUER, "person-1", "anna")
    assert identity.email == "anna@adazi.lv" and identity.email_verified is True


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"nonce": "someone-elses-nonce"}, id="wrong-nonce"),
        pytest.param({"nonce": None}, id="no-nonce"),
        pytest.param({"aud": "another-client"}, id="wrong-audience"),
        pytest.param({"aud": ["another-client", "third"]}, id="audience-list-without-us"),
        pytest.param({"aud": [CLIENT_ID, "another-client"]}, id="several-audiences-without-azp"),
        pytest.param({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, id="azp-of-another"),
        pytest.param({"iss": "https://idp.example.lv/realms/other"}, id="wrong-issuer"),
        pytest.param({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, id="expired"),
        pytest.param({"iat": int(time.time()) + 3600}, id="issued-in-the-future"),
        pytest.param({"sub": None}, id="no-subject"),
    ],
)
def test_id_tokens_with_wrong_claims_are_rejected(idp: FakeIdp, overrides: dict[str, Any]) -> None:
    with pytest.raises(TokenRejected):
        idp.validate(idp.sign(**overrides))


def test_several_audiences_need_us_as_authorized_party(idp: FakeIdp) -> None:
    identity = idp.validate(idp.sign(aud=[CLIENT_ID, "another-client"], azp=CLIENT_ID))
    assert identity.subject == "person-1"


def test_signatures_outside_the_allowlist_or_by_foreign_keys_are_rejected(idp: FakeIdp) -> None:
    # HMAC keyed with something an attacker may know (our client secret, the public key...).
    hmac = OctKey.import_key("a-shared-secret-that-is-long-enough-for-hs256", parameters={"kid": "rsa-1"})
    with pytest.raises(TokenRejected):
        idp.validate(idp.sign(key=hmac, alg="HS256"))
    # An unsigned token.
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": "rsa-1"}).encode()).rstrip(b"=")
    payload = idp.sign().split(".")[1].encode()
    with pytest.raises(TokenRejected):
        idp.validate(f"{header.decode()}.{payload.decode()}.")
    # A well-formed token signed by a key the provider does not publish, claiming its kid.
    impostor = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    with pytest.raises(TokenRejected):
        idp.validate(idp.sign(key=impostor))


def test_ec_keys_are_accepted(idp: FakeIdp) -> None:
    ec = ECKey.generate_key("P-256", parameters={"kid": "ec-1", "use": "sig"})
    idp.published.append(ec)
    assert idp.validate(idp.sign(key=ec, alg="ES256")).subject == "person-1"


def test_keys_are_cached_and_refetched_once_for_an_unknown_kid(idp: FakeIdp) -> None:
    rp = RelyingParty(CONFIG)
    idp.validate(idp.sign(), rp=rp)
    idp.validate(idp.sign(), rp=rp)
    assert idp.hits == {"discovery": 1, "jwks": 1}

    rotated = RSAKey.generate_key(2048, parameters={"kid": "rsa-2", "use": "sig"})
    idp.published = [rotated]
    assert idp.validate(idp.sign(key=rotated), rp=rp).subject == "person-1"
    assert idp.hits["jwks"] == 2

    stranger = RSAKey.generate_key(2048, parameters={"kid": "nobody-knows"})
    with pytest.raises(TokenRejected):
        idp.validate(idp.sign(key=stranger), rp=rp)
    assert idp.hits["jwks"] == 3  # one refetch, then refused


def test_metadata_is_cached_for_its_ttl(idp: FakeIdp) -> None:
    now = [1000.0]
    rp = RelyingParty(dataclasses.replace(CONFIG, cache_ttl=60), clock=lambda: now[0])
    idp.run(rp, lambda rp, http: rp.metadata(http))
    now[0] += 59
    idp.run(rp, lambda rp, http: rp.metadata(http))
    assert idp.hits["discovery"] == 1
    now[0] += 2
    idp.run(rp, lambda rp, http: rp.metadata(http))
    assert idp.hits["discovery"] == 2


def test_discovery_naming_another_issuer_is_refused(idp: FakeIdp) -> None:
    idp.issuer = "https://evil.example"
    with pytest.raises(OidcError):
        idp.run(RelyingParty(CONFIG), lambda rp, http: rp.metadata(http))


def test_authorization_url_carries_state_nonce_and_an_s256_challenge(idp: FakeIdp) -> None:
    request = idp.run(RelyingParty(CONFIG), lambda rp, http: rp.authorization_request(http))
    query = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
    assert request.url.startswith(f"{ISSUER}/auth?")
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["state"] == request.state and query["nonce"] == request.nonce
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == _s256(request.code_verifier)
    assert 43 <= len(request.code_verifier) <= 128
    assert "openid" in query["scope"].split()
