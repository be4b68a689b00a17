"""Liveness and readiness for the orchestrator."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get
from litestar.response import Redirect
from sqlalchemy import text

from app.web.deps import resources


@get("/live", exclude_from_auth=True, summary="The process runs")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", exclude_from_auth=True, summary="PostgreSQL and Redis answer")
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    res = resources(request)
    checks: dict[str, str] = {}
    try:
        async with res.engine.connect() as conn:
            await conn.execute(text("select 1"))
        checks["postgresql"] = "ok"
    except Exception as exc:  # any failure means "not ready"
        checks["postgresql"] = f"error: {type(exc).__name__}"
    try:
        await res.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return Response(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503
    )


router = Router(path="/health", route_handlers=[live, ready], include_in_schema=False)


@get("/favicon.ico", exclude_from_auth=True, include_in_schema=False, cache=86400)
async def favicon() -> Redirect:
    """Browsers ask for /favicon.ico on pages without an icon link (the API docs): answer, don't 404."""
    return Redirect(path="/static/favicon.svg", status_code=301)
