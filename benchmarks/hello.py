"""The baseline: a Litestar hello world served by Granian with the same settings as the real app.

Its figures are the ceiling of the harness and server on the machine at hand, so the app's figures can be
read as "how much of that our middleware, sessions, database and templates take"."""

from __future__ import annotations

from litestar import Litestar, MediaType, get


@get("/", media_type=MediaType.TEXT)
async def hello() -> str:
    return "Hello, world!"


def create_app() -> Litestar:
    """Granian imports this factory (`--factory benchmarks.hello:create_app`), as it does the real app's."""
    return Litestar(route_handlers=[hello])
