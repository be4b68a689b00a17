"""One idempotent JSON POST to a provider, with its outcome mapped onto the channel failures."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.notifications.channels import (
    PROVIDER_REFUSED,
    PROVIDER_UNAVAILABLE,
    PermanentFailure,
    TemporaryFailure,
)

REPLAYED_HEADER = "Idempotent-Replayed"


def post_idempotent(
    client: httpx.Client,
    url: str,
    *,
    token: str | None,
    message_id: uuid.UUID,
    body: dict[str, Any],
    reasons: dict[str, str] | None = None,
) -> tuple[dict[str, Any], bool]:
    """POST `body` with `Idempotency-Key: message_id`; the provider's JSON reply and whether it was a replay.

    429, 5xx, timeouts and connection errors are temporary (retry with the same key: the provider
    answers a repeat with the first outcome). Any other 4xx is permanent; the provider's `error` code
    picks a staff-facing reason from `reasons` when it is a known one."""
    headers = {"Idempotency-Key": str(message_id)}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = client.post(url, json=body, headers=headers)
    except httpx.TransportError as exc:  # timeouts, refused connections, broken replies
        raise TemporaryFailure(PROVIDER_UNAVAILABLE, f"{type(exc).__name__}: {exc}") from exc
    detail = f"HTTP {response.status_code}: {response.text[:500]}"
    if response.status_code == 429 or response.status_code >= 500:
        raise TemporaryFailure(PROVIDER_UNAVAILABLE, detail)
    if response.status_code >= 400:
        code = _error_code(response)
        raise PermanentFailure((reasons or {}).get(code, PROVIDER_REFUSED), detail)
    if response.status_code not in (200, 201, 202):
        # A redirect or an odd success: nothing says the message was taken; better retry than lose it.
        raise TemporaryFailure(PROVIDER_UNAVAILABLE, detail)
    try:
        reply = response.json()
    except ValueError:
        reply = {}
    replayed = response.headers.get(REPLAYED_HEADER, "").lower() == "true"
    return (reply if isinstance(reply, dict) else {}), replayed


def _error_code(response: httpx.Response) -> str:
    try:
        reply = response.json()
    except ValueError:
        return ""
    return str(reply.get("error", "")) if isinstance(reply, dict) else ""
