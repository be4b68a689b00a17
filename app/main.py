"""create_app(): plugins, middleware, routers — no logic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.security.session_auth import SessionAuth
from litestar.static_files import create_static_files_router
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import health
from app.api.bearer import ApiAuthMiddleware, openapi_components
from app.api.router import router as api_router
from app.api.v1.rate_limit import ApiRateLimit
from app.auth.throttle import LoginThrottle
from app.config import ROOT, Settings, load_settings
from app.db import async_session_factory, make_async_engine
from app.dbsetup import head_revision
from app.domains.benefits.crossmunicipal import use_maintenance_sessions
from app.web.deps import provide_actor, provide_db, retrieve_actor
from app.web.errors import EXCEPTION_HANDLERS
from app.web.headers import add_response_headers
from app.web.routes import (
    activity,
    admin,
    admin_notifications,
    applications,
    applications_decide,
    applications_lists,
    assistant_service_acts,
    audit,
    auth,
    case_acts,
    case_entries,
    cases,
    catalogue,
    citizen_complaints,
    citizen_portal,
    complaint_acts,
    complaints,
    decision_documents,
    declarations,
    declarations_acts,
    documents,
    home,
    imports,
    inbox,
    notification_preferences,
    oidc,
    people,
    provider_acts,
    provider_portal,
    provider_search,
    providers,
    register,
    status_handover,
)
from app.web.routes import assistant_service as assistant_service_pages
from app.web.routes import controls as control_pages
from app.web.routes import households as household_pages
from app.web.routes import parameters as parameter_pages
from app.web.routes import queues as queue_pages
from app.web.routes import service_catalogue as service_catalogue_pages
from app.web.routes import service_events as service_event_pages
from app.web.sessions import SessionConfig
from app.web.state import Resources
from app.web.templating import setup_environment

WEB = ROOT / "app" / "web"
PUBLIC = [
    "^/favicon.ico$",
    "^/login",
    "^/language",
    "^/static/",
    "^/health/",
    "^/api/schema",
    "^/auth/oidc/",
    "^/metrics$",
    "^/public/providers$",  # the public search of the provider register (no personal data)
    "^/api/v1/providers$",  # the same over the API
    "^/citizen$",  # the citizen's own page: its own sign-in, never a staff session
    "^/citizen/",  # … and the citizen's complaint form
    "^/provider(/|$)",  # the provider's own pages, signed in the citizen's way
]
# Request metrics per route template (not per URL: ids would explode the label space). /metrics is
# meant for the cluster's scraper; expose it only inside (infra/runbook.md).
PROMETHEUS = PrometheusConfig(
    app_name="atbalsts", prefix="atbalsts", group_path=True, exclude=["^/metrics$", "^/static/"]
)


class Metrics(PrometheusController):
    include_in_schema = False


async def refuse_pending_migrations(engine: AsyncEngine) -> None:
    """The app does not start against a schema older (or newer) than its code (design §9)."""
    async with engine.connect() as conn:
        current = (await conn.execute(text("SELECT version_num FROM app.alembic_version"))).scalar()
    expected = head_revision()
    if current != expected:
        raise RuntimeError(
            f"database schema is at {current}, the code needs {expected}: run `atbalsts migrate`"
        )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    redis = Redis.from_url(settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = make_async_engine(settings.runtime_url(), pool_size=10, max_overflow=10)
        await refuse_pending_migrations(engine)
        maint = make_async_engine(settings.maint_url(), pool_size=1, max_overflow=2)
        app.state.resources = Resources(
            settings=settings,
            engine=engine,
            sessions=async_session_factory(engine),
            redis=redis,
            throttle=LoginThrottle(redis, settings.login_max_failures, settings.login_lockout_seconds),
            maint_sessions=async_session_factory(maint),
            api_rate_limit=ApiRateLimit(redis, settings.api_rate_limit_per_minute),
        )
        use_maintenance_sessions(app.state.resources.maint_sessions)
        try:
            yield
        finally:
            use_maintenance_sessions(None)
            await engine.dispose()
            await maint.dispose()
            await redis.aclose()

    session_auth = SessionAuth[Any, Any](
        retrieve_user_handler=retrieve_actor,
        # Staff sessions, and on /api/ partner systems' bearer tokens (app/api/bearer.py).
        authentication_middleware_class=ApiAuthMiddleware,
        session_backend_config=SessionConfig(
            key="atbalsts_session",
            secure=settings.cookie_secure,
            httponly=True,
            samesite="lax",
            max_age=settings.session_max_age,
            renew_on_access=True,
        ),
        exclude=PUBLIC,
    )

    return Litestar(
        route_handlers=[
            auth.router,
            *([oidc.router] if settings.oidc_enabled else []),  # absent (404) unless configured
            home.router,
            audit.router,
            admin.router,
            admin_notifications.router,
            people.router,
            cases.router,
            case_acts.router,
            case_entries.router,
            documents.router(settings),
            register.router(settings),
            activity.router,
            household_pages.router,
            parameter_pages.router,
            imports.router,
            inbox.router,
            notification_preferences.router,
            control_pages.router,
            decision_documents.router,
            status_handover.router,
            applications.router,
            applications_decide.router,
            applications_lists.router,
            catalogue.router,
            complaints.router,
            queue_pages.router,
            citizen_portal.router,
            citizen_complaints.router,
            provider_portal.router,
            service_event_pages.router,
            service_catalogue_pages.router,
            assistant_service_pages.router,
            assistant_service_acts.router,
            complaint_acts.router,
            providers.router,
            provider_acts.router,
            provider_search.router,
            declarations.router,
            declarations_acts.router,
            health.router,
            health.favicon,
            Metrics,
            api_router,
            create_static_files_router(
                path="/static", directories=[WEB / "static"], name="static", include_in_schema=False
            ),
        ],
        dependencies={"actor": Provide(provide_actor), "db": Provide(provide_db)},
        lifespan=[lifespan],
        stores={"sessions": RedisStore(redis, namespace="atbalsts-sessions")},
        on_app_init=[session_auth.on_app_init],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.cookie_secure,
            cookie_samesite="lax",
            # /language only sets a display preference, and must work from pages no route matched (a 404
            # page is rendered without the CSRF middleware, so it has no token to send). /api/v1 has its
            # own check with these settings, which lets partners' bearer requests through
            # (app/api/bearer.py: ApiCSRFMiddleware).
            exclude=["^/health/", "^/language$", "^/api/v1/"],
        ),
        template_config=TemplateConfig(
            directory=WEB / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=lambda e: setup_environment(e.engine),
        ),
        plugins=[HTMXPlugin()],
        openapi_config=OpenAPIConfig(
            title="Atbalsts API",
            version="1.0.0",
            path="/api/schema",
            # Vendored Swagger UI (5.35.0): the docs must work without reaching a CDN.
            render_plugins=[
                SwaggerRenderPlugin(
                    path="/",
                    js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                    css_url="/static/vendor/swagger-ui/swagger-ui.css",
                    standalone_preset_js_url="/static/vendor/swagger-ui/swagger-ui-standalone-preset.js",
                    favicon="",
                )
            ],
            description="E-services and partner API of the Atbalsts social-services platform.",
            components=openapi_components(),
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[PROMETHEUS.middleware],
        before_send=[add_response_headers],
        debug=settings.debug,
    )


def create_served_app() -> Litestar:
    """The factory the web server imports: JSON logs, settings from the environment."""
    from app.logs import configure_logging

    configure_logging()
    return create_app()
