"""Sign-in, sign-out, municipality switch and language choice."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.models import User
from app.auth.principal import Actor
from app.auth.service import SignInFailed, SignInLocked, authenticate, memberships_of
from app.db import tenant_uow
from app.errors import NotFound
from app.i18n import LANGUAGES, N_, gettext
from app.web.deps import resources
from app.web.sessions import rotate_session
from app.web.templating import LANG_COOKIE, language_of

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would let a phishing link bounce through our sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request[Any, Any, Any],
    *,
    error: str | None = None,
    username: str = "",
    next_: str = "/",
    status: int = 200,
    params: dict[str, object] | None = None,
) -> Template:
    return Template(
        template_name="auth/login.html",
        context={
            "error": gettext(language_of(request), error, **(params or {})) if error else None,
            "username": username,
            "next": next_,
            "oidc_enabled": resources(request).settings.oidc_enabled,
        },
        status_code=status,
    )


@get("/login", name="login", exclude_from_auth=True)
async def login_page(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Template:
    return _login_page(request, next_=safe_next(next))


async def start_session(
    request: Request[Any, Any, Any], db: AsyncSession, user_id: uuid.UUID, method: str
) -> str | None:
    """Signs the user in: a fresh session id, the first municipality chosen, an audit entry there.
    Returns an error message id when the account has nowhere to work."""
    db.info["user_id"] = user_id
    memberships = await memberships_of(db, user_id)
    national_roles = await db.scalar(select(User.national_roles).where(User.id == user_id))
    if not memberships and not national_roles:
        return N_("Your account has no access to any municipality. Contact your administrator.")
    tenant_id = memberships[0].tenant_id if memberships else None
    rotate_session(request.scope)
    request.set_session({"user_id": str(user_id), "tenant_id": str(tenant_id) if tenant_id else None})
    if tenant_id is not None:
        await audit_session_event(request, tenant_id, user_id, "auth:session:sign-in", {"method": method})
    return None


async def audit_session_event(
    request: Request[Any, Any, Any],
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    action: str,
    after: dict[str, Any],
) -> None:
    """Session events go to the change log of the municipality they concern (it is tenant-owned)."""
    async with tenant_uow(resources(request).sessions, tenant_id, user_id) as db:
        record_change(
            db, actor_user_id=user_id, action=action, entity_type="user", entity_id=user_id, after=after
        )


@post("/login", name="login.submit", exclude_from_auth=True)
async def login_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    res = resources(request)
    username = (data.get("username") or "").strip()
    password = data.get("password") or ""
    next_ = safe_next(data.get("next"))
    if not username or not password:
        return _login_page(
            request,
            error=N_("Enter your user name and password."),
            username=username,
            next_=next_,
            status=422,
        )
    async with res.sessions() as db:
        try:
            address = request.client.host if request.client else None
            user = await authenticate(db, res.throttle, username, password, address=address)
            await db.commit()
        except (SignInFailed, SignInLocked) as exc:
            minutes = -(-res.throttle.lockout_seconds // 60)
            return _login_page(
                request, error=exc.title, username=username, next_=next_, status=exc.status_code,
                params={"minutes": minutes} if isinstance(exc, SignInLocked) else None,
            )  # fmt: skip
        error = await start_session(request, db, user.id, "password")
    if error:
        return _login_page(request, error=error, username=username, next_=next_, status=403)
    return Redirect(path=next_)


@post("/logout", name="logout")
async def logout(request: Request[Any, Any, Any], actor: NamedDependency[Actor]) -> Redirect:
    if actor.tenant_id is not None:
        await audit_session_event(request, actor.tenant_id, actor.user_id, "auth:session:sign-out", {})
    request.clear_session()
    return Redirect(path="/login")


@post("/switch-municipality", name="switch_tenant")
async def switch_tenant(
    request: Request[Any, Any, Any], actor: NamedDependency[Actor], data: Form
) -> Redirect:
    """Another municipality of the user's; a foreign or unknown one answers like a missing page."""
    try:
        wanted = uuid.UUID(data.get("tenant_id", ""))
    except ValueError:
        raise NotFound() from None
    if wanted not in {m.tenant_id for m in actor.memberships}:
        raise NotFound()
    request.set_session({"user_id": str(actor.user_id), "tenant_id": str(wanted)})
    # Recorded where the user now works: that municipality's auditor sees who came in and when.
    await audit_session_event(
        request, wanted, actor.user_id, "auth:session:switch-in", {"from": actor.tenant_name}
    )
    return Redirect(path="/")


@post("/language", name="language", exclude_from_auth=True)
async def set_language(request: Request[Any, Any, Any], data: Form) -> Redirect:
    lang = data.get("lang", "")
    response = Redirect(path=safe_next(data.get("next")))
    if lang in LANGUAGES:
        response.cookies.append(
            Cookie(key=LANG_COOKIE, value=lang, max_age=365 * 86400, samesite="lax", httponly=True)
        )
    return response


router = Router(
    path="/",
    route_handlers=[login_page, login_submit, logout, switch_tenant, set_language],
    include_in_schema=False,
)
