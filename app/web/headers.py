"""Response headers every answer carries: caching keyed on HX-Request, and the browser's own defences."""

from __future__ import annotations

from litestar.types import Message, Scope

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


async def add_response_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook, so it covers every answer, including a 404 for a path no route matches
    (route middleware never sees those)."""
    if message["type"] != "http.response.start":
        return
    csp = DOCS_CSP if scope["path"].startswith("/api/schema") else PAGE_CSP
    message["headers"] = [*message.get("headers", []), *_COMMON, (b"content-security-policy", csp.encode())]
