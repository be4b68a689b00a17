"""Server-side sessions in Redis, with a new session id at every sign-in (no session fixation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Message, Scope

_ROTATE = "atbalsts.rotate_session"
_NEW_ID = "atbalsts.new_session_id"


def rotate_session(scope: Scope) -> None:
    """Ask the backend to store this request's session under a fresh id and drop the old one."""
    scope.setdefault("state", {})[_ROTATE] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.get("state", {})
        if state.get(_ROTATE):
            if _NEW_ID not in state:
                state[_NEW_ID] = self.generate_session_id()
            return str(state[_NEW_ID])
        return super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: Any, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        if not scope_session and not connection.cookies.get(self.config.key):
            # Nothing to keep and nothing to clear: an anonymous page view, a health probe or a bot must
            # not leave a session in Redis (which runs with noeviction) or a cookie in the browser.
            return
        await super().store_in_message(scope_session, message, connection)
        old = connection.cookies.get(self.config.key)
        if connection.scope.get("state", {}).get(_ROTATE) and old and old != "null":
            await self.delete(old, store=self.config.get_store_from_app(connection.scope["app"]))


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
