"""Settings, read once from the environment. Nothing else in the app reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent


def _role_url(admin: URL, user: str, password: str, drivername: str) -> URL:
    return admin.set(drivername=drivername, username=user, password=password)


@dataclass(frozen=True)
class Settings:
    """Everything configurable. `database_url` is the administrative URL (a superuser, used only by
    `bootstrap-db`); the app derives its role URLs from it unless they are given explicitly."""

    database_url: str
    redis_url: str
    secret_key: str = "dev-insecure-secret-change-me"  # noqa: S105 - overridden in any deployment
    app_db_password: str = "atbalsts-app"  # noqa: S105
    migrator_db_password: str = "atbalsts-migrator"  # noqa: S105
    maint_db_password: str = "atbalsts-maint"  # noqa: S105
    runtime_database_url: str | None = None
    migrator_database_url: str | None = None
    maint_database_url: str | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_from: str = "Atbalsts <noreply@atbalsts.lv>"
    # Outside channels; without a gateway URL the worker uses the channel's simulator.
    sms_gateway_url: str | None = None
    sms_gateway_token: str | None = None
    sms_sender: str = "Atbalsts"
    eaddress_gateway_url: str | None = None
    eaddress_gateway_token: str | None = None
    # Delivery of notifications: Dramatiq retries with exponential backoff, then the message is given up
    # (kept as a dead letter); dispatched outbox rows are purged after the retention period.
    notify_max_retries: int = 10
    notify_min_backoff_ms: int = 15_000
    notify_max_backoff_ms: int = 3_600_000
    outbox_retention_days: int = 7
    cookie_secure: bool = False
    session_max_age: int = 8 * 3600
    login_max_failures: int = 5
    login_lockout_seconds: int = 15 * 60
    api_rate_limit_per_minute: int = 600  # requests a client may make to /api/v1 in a minute
    api_token_ttl_seconds: int = 3600  # how long a partner's access token lasts (OAuth2 client credentials)
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_redirect_uri: str = "http://127.0.0.1:8000/auth/oidc/callback"
    # Citizens: the identity broker in front of the national login (design §6); the personal code is
    # read from the ID token claim named here.
    citizen_oidc_issuer: str | None = None
    citizen_oidc_client_id: str | None = None
    citizen_oidc_client_secret: str | None = None
    citizen_oidc_redirect_uri: str = "http://127.0.0.1:8000/api/v1/citizen/callback"
    citizen_oidc_code_claim: str = "personal_code"
    public_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    max_upload_bytes: int = 20 * 1024 * 1024  # documents uploaded to a case file
    extra: dict[str, str] = field(default_factory=dict)

    def _url(self, explicit: str | None, user: str, password: str, driver: str) -> URL:
        if explicit:
            return make_url(explicit).set(drivername=driver)
        return _role_url(make_url(self.database_url), user, password, driver)

    def runtime_url(self, *, sync: bool = False) -> URL:
        """The app role `app_rw`: DML only, subject to row-level security."""
        driver = "postgresql+psycopg"
        return self._url(self.runtime_database_url, "app_rw", self.app_db_password, driver)

    def migrator_url(self) -> URL:
        return self._url(
            self.migrator_database_url, "app_migrator", self.migrator_db_password, "postgresql+psycopg"
        )

    def maint_url(self) -> URL:
        """The BYPASSRLS role, for the few listed cross-tenant jobs (outbox relay, statistics)."""
        return self._url(self.maint_database_url, "app_maint", self.maint_db_password, "postgresql+psycopg")

    def admin_url(self) -> URL:
        return make_url(self.database_url).set(drivername="postgresql+psycopg")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    database_url = env.get("DATABASE_URL")
    redis_url = env.get("REDIS_URL")
    if not database_url or not redis_url:
        raise RuntimeError(
            "DATABASE_URL and REDIS_URL must be set "
            "(`atbalsts run` starts embedded servers when they are not)"
        )
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=env.get("SECRET_KEY", Settings.secret_key),
        app_db_password=env.get("APP_DB_PASSWORD", Settings.app_db_password),
        migrator_db_password=env.get("MIGRATOR_DB_PASSWORD", Settings.migrator_db_password),
        maint_db_password=env.get("MAINT_DB_PASSWORD", Settings.maint_db_password),
        runtime_database_url=env.get("RUNTIME_DATABASE_URL"),
        migrator_database_url=env.get("MIGRATOR_DATABASE_URL"),
        maint_database_url=env.get("MAINT_DATABASE_URL"),
        smtp_host=env.get("SMTP_HOST", Settings.smtp_host),
        smtp_port=int(env.get("SMTP_PORT", str(Settings.smtp_port))),
        mail_from=env.get("MAIL_FROM", Settings.mail_from),
        sms_gateway_url=env.get("SMS_GATEWAY_URL") or None,
        sms_gateway_token=env.get("SMS_GATEWAY_TOKEN") or None,
        sms_sender=env.get("SMS_SENDER") or Settings.sms_sender,
        eaddress_gateway_url=env.get("EADDRESS_GATEWAY_URL") or None,
        eaddress_gateway_token=env.get("EADDRESS_GATEWAY_TOKEN") or None,
        notify_max_retries=int(env.get("NOTIFY_MAX_RETRIES", str(Settings.notify_max_retries))),
        notify_min_backoff_ms=int(env.get("NOTIFY_MIN_BACKOFF_MS", str(Settings.notify_min_backoff_ms))),
        notify_max_backoff_ms=int(env.get("NOTIFY_MAX_BACKOFF_MS", str(Settings.notify_max_backoff_ms))),
        outbox_retention_days=int(env.get("OUTBOX_RETENTION_DAYS", str(Settings.outbox_retention_days))),
        cookie_secure=_bool(env.get("COOKIE_SECURE")),
        oidc_issuer=env.get("OIDC_ISSUER") or None,
        oidc_client_id=env.get("OIDC_CLIENT_ID") or None,
        oidc_client_secret=env.get("OIDC_CLIENT_SECRET") or None,
        oidc_redirect_uri=env.get("OIDC_REDIRECT_URI", Settings.oidc_redirect_uri),
        citizen_oidc_issuer=env.get("CITIZEN_OIDC_ISSUER") or None,
        citizen_oidc_client_id=env.get("CITIZEN_OIDC_CLIENT_ID") or None,
        citizen_oidc_client_secret=env.get("CITIZEN_OIDC_CLIENT_SECRET") or None,
        citizen_oidc_redirect_uri=env.get("CITIZEN_OIDC_REDIRECT_URI", Settings.citizen_oidc_redirect_uri),
        citizen_oidc_code_claim=env.get("CITIZEN_OIDC_CODE_CLAIM", Settings.citizen_oidc_code_claim),
        public_url=env.get("PUBLIC_URL", Settings.public_url),
        debug=_bool(env.get("DEBUG")),
        max_upload_bytes=int(env.get("MAX_UPLOAD_BYTES", str(Settings.max_upload_bytes))),
        api_rate_limit_per_minute=int(
            env.get("API_RATE_LIMIT_PER_MINUTE", str(Settings.api_rate_limit_per_minute))
        ),
        api_token_ttl_seconds=int(env.get("API_TOKEN_TTL_SECONDS", str(Settings.api_token_ttl_seconds))),
    )
