"""Sign-in, sign-out, CSRF, lockout, municipality switch."""

from __future__ import annotations

import uuid

from redis import Redis
from sqlalchemy import select

from app.audit.models import ChangeLog
from app.auth.throttle import LoginThrottle
from app.db import sync_tenant_uow
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in


def test_login_page_is_latvian_by_default(client) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert 'lang="lv"' in page.text
    assert "Pieteikties" in page.text and "Parole" in page.text


def test_social_worker_signs_in_and_sees_the_municipality(
    client, social_worker, rw_sessions, tenant_a
) -> None:
    answer = sign_in(client, social_worker)
    assert answer.status_code in (302, 303) and answer.headers["location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Ādažu novads" in home.text and "Līga Kalniņa" in home.text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = s.scalars(select(ChangeLog.action)).all()
    assert "auth:session:sign-in" in actions


def test_wrong_password_and_unknown_user_get_the_same_latvian_message(client, social_worker) -> None:
    wrong = sign_in(client, social_worker, "nepareiza-parole")
    unknown = sign_in(client, f"nav-tāda-{uuid.uuid4().hex[:8]}", "nepareiza-parole")
    assert wrong.status_code == unknown.status_code == 401
    message = "Nepareizs lietotājvārds vai parole."
    assert message in wrong.text and message in unknown.text
    assert client.get("/", follow_redirects=False).status_code in (302, 303)


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, social_worker) -> None:
    for _ in range(5):
        assert sign_in(client, social_worker, "nepareiza-parole").status_code == 401
    locked = sign_in(client, social_worker)
    assert locked.status_code == 429
    assert "Pārāk daudz neveiksmīgu mēģinājumu" in locked.text


def test_session_id_changes_at_sign_in(client, social_worker) -> None:
    client.get("/login")
    client.cookies.set("atbalsts_session", "attacker-chosen-session-id")
    answer = sign_in(client, social_worker)
    new = answer.cookies.get("atbalsts_session")
    assert new and new not in ("attacker-chosen-session-id", "null")


def test_post_without_csrf_is_refused(client, social_worker) -> None:
    client.get("/login")
    answer = client.post("/login", data={"username": social_worker, "password": "x"})
    assert answer.status_code == 403


def test_sign_out_ends_the_session(client, social_worker) -> None:
    sign_in(client, social_worker)
    home = client.get("/")
    out = client.post("/logout", data={"_csrf_token": csrf_from(home.text)}, follow_redirects=False)
    assert out.status_code in (302, 303)
    assert client.get("/", follow_redirects=False).status_code in (302, 303)


def test_unauthenticated_page_redirects_to_sign_in(client) -> None:
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code in (302, 303) and answer.headers["location"].startswith("/login")


def test_user_switches_between_own_municipalities_but_not_to_a_foreign_one(
    client, rw_sessions, tenant_a, tenant_b, make_tenant
) -> None:
    username = f"two-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["social_worker"], tenant_b: ["benefit_officer"]}, username=username)
    foreign = make_tenant("Cēsu novads")
    sign_in(client, username)
    home = client.get("/")
    token = csrf_from(home.text)
    first = "Ādažu novads" if "<h1>Ādažu novads" in home.text else "Bauskas novads"
    other = tenant_b if first == "Ādažu novads" else tenant_a
    switched = client.post("/switch-municipality", data={"tenant_id": str(other), "_csrf_token": token})
    assert switched.status_code == 200
    assert "<h1>" + ("Bauskas novads" if first == "Ādažu novads" else "Ādažu novads") in switched.text
    refused = client.post("/switch-municipality", data={"tenant_id": str(foreign), "_csrf_token": token})
    assert refused.status_code == 404
    garbage = client.post("/switch-municipality", data={"tenant_id": "nav-uuid", "_csrf_token": token})
    assert garbage.status_code == 404


def test_english_is_switchable(client) -> None:
    page = client.get("/login")
    answer = client.post(
        "/language", data={"lang": "en", "next": "/login", "_csrf_token": csrf_from(page.text)}
    )
    assert answer.status_code == 200
    assert 'lang="en"' in answer.text and "Sign in" in answer.text


def test_counts_refresh_as_an_htmx_fragment(client, social_worker) -> None:
    sign_in(client, social_worker)
    fragment = client.get("/", headers={"HX-Request": "true", "HX-Target": "counts"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<ul class="stats" id="counts"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers.get("vary", "")
    page = client.get("/")
    assert "<html" in page.text and 'id="counts"' in page.text


def test_many_names_tried_from_one_address_are_slowed_down(settings) -> None:
    import asyncio

    from redis.asyncio import Redis as AsyncRedis

    address = f"203.0.113.7-{uuid.uuid4().hex[:8]}"  # unique: the test shares Redis with others

    async def scenario() -> list[bool]:
        redis = AsyncRedis.from_url(settings.redis_url)
        throttle = LoginThrottle(redis, max_failures=5, lockout_seconds=60, max_failures_per_address=3)
        try:
            seen = []
            for _ in range(3):
                name = f"spray-{uuid.uuid4().hex[:8]}"
                seen.append(await throttle.is_locked(name, address))
                await throttle.record_failure(name, address)
            # A name that has never failed is refused from this address, and allowed from another.
            fresh = f"fresh-{uuid.uuid4().hex[:8]}"
            seen += [
                await throttle.is_locked(fresh, address),
                await throttle.is_locked(fresh, "198.51.100.1"),
            ]
            return seen
        finally:
            await redis.aclose()

    assert asyncio.run(scenario()) == [False, False, False, True, False]


def test_a_failed_htmx_request_reports_in_the_status_region(client, social_worker) -> None:
    sign_in(client, social_worker)
    answer = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert answer.status_code == 404
    assert answer.headers["HX-Retarget"] == "#status" and answer.headers["HX-Reswap"] == "innerHTML"
    assert answer.text == '<span class="status-error">Nav atrasts</span>'
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "<html" in page.text and "Nav atrasts" in page.text


def test_sign_in_returns_to_the_page_asked_for(client, social_worker) -> None:
    answer = client.get("/?tab=x&y=1", follow_redirects=False)
    assert answer.headers["location"] == "/login?next=%2F%3Ftab%3Dx%26y%3D1"
    login = client.get(answer.headers["location"])
    assert 'name="next" value="/?tab=x&amp;y=1"' in login.text


def test_anonymous_requests_store_no_session(client, settings) -> None:
    redis = Redis.from_url(settings.redis_url)
    before = set(redis.scan_iter("atbalsts-sessions*"))
    for path in ("/health/live", "/health/ready", "/login", "/static/css/app.css"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert "atbalsts_session" not in answer.cookies
    assert set(redis.scan_iter("atbalsts-sessions*")) == before
    redis.close()


def test_pages_carry_a_strict_content_security_policy(client) -> None:
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text and " style=" not in page.text


def test_the_home_page_costs_four_statements(client, social_worker) -> None:
    """Pinned (design §1): bind + load the user with memberships, bind + the counts in one round trip."""
    from sqlalchemy import event

    sign_in(client, social_worker)
    engine = client.app.state.resources.engine.sync_engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 4, statements


def test_a_page_no_route_matches_still_carries_the_headers_and_switches_language(client) -> None:
    missing = client.get("/favicon-that-is-not-here.ico")
    assert missing.status_code == 404
    assert "content-security-policy" in missing.headers and missing.headers["x-frame-options"] == "DENY"
    answer = client.post("/language", data={"lang": "en", "next": "/nowhere?x=1"}, follow_redirects=False)
    assert answer.status_code in (302, 303) and answer.headers["location"] == "/nowhere?x=1"


def test_session_events_are_audited_where_they_happen(client, rw_sessions, tenant_a, tenant_b) -> None:
    username = f"two-{uuid.uuid4().hex[:8]}"
    user_id = create_staff(
        rw_sessions, {tenant_a: ["social_worker"], tenant_b: ["social_worker"]}, username=username
    )
    sign_in(client, username)
    home = client.get("/")
    token = csrf_from(home.text)
    first = tenant_a if "<h1>Ādažu novads" in home.text else tenant_b
    other = tenant_b if first == tenant_a else tenant_a
    client.post("/switch-municipality", data={"tenant_id": str(other), "_csrf_token": token})
    client.post("/logout", data={"_csrf_token": token})

    def actions(tenant):  # type: ignore[no-untyped-def]
        with sync_tenant_uow(rw_sessions, tenant) as s:
            return s.scalars(select(ChangeLog.action).where(ChangeLog.actor_user_id == user_id)).all()

    assert sorted(actions(first)) == ["auth:session:sign-in"]
    assert sorted(actions(other)) == ["auth:session:sign-out", "auth:session:switch-in"]


def test_a_national_account_signs_in_to_the_national_view(client, settings, rw_sessions, tenant_a) -> None:
    from app.auth.service import create_user

    username = f"admin-{uuid.uuid4().hex[:8]}"
    with sync_tenant_uow(rw_sessions, None) as s:
        create_user(s, username=username, full_name="Raivis Ķirsis", password="pareiza-parole-1",
                    national_roles=["platform_admin"])  # fmt: skip
    assert sign_in(client, username).status_code in (302, 303)
    home = client.get("/")
    assert "Valsts līmeņa skats" in home.text and "Ādažu novads" in home.text
    assert "Platformas administrators" in home.text


def test_removed_from_the_current_municipality_falls_back_to_another(
    client, rw_sessions, tenant_a, tenant_b
) -> None:
    from sqlalchemy import delete

    from app.auth.models import Membership

    username = f"two-{uuid.uuid4().hex[:8]}"
    user_id = create_staff(
        rw_sessions, {tenant_a: ["social_worker"], tenant_b: ["social_worker"]}, username=username
    )
    sign_in(client, username)
    home = client.get("/")
    first = tenant_a if "<h1>Ādažu novads" in home.text else tenant_b
    with sync_tenant_uow(rw_sessions, first) as s:
        s.execute(delete(Membership).where(Membership.user_id == user_id))
    again = client.get("/")
    assert ("<h1>Bauskas novads" if first == tenant_a else "<h1>Ādažu novads") in again.text


def test_the_favicon_is_answered(client) -> None:
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
