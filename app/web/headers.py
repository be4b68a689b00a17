"""Response headers every answer carries: caching keyed on HX-Request, and the browser's own defences."""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send

# Pages load only our own scripts and styles: no inline script, no inline style attribute, no CDN. An
# injected <script> or on*= attribute therefore does not run even if escaping ever fails.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
# Swagger UI boots from an inline script; the docs page holds no personal data.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)

_COMMON = [
    # Pages and their HTMX fragments share URLs: caches must key on HX-Request (design §5).
    (b"vary", b"HX-Request"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]


def response_headers(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"].startswith("/api/schema") else PAGE_CSP

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *_COMMON,
                    (b"content-security-policy", csp.encode()),
                ]
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
