"""Domain errors. Services raise these; `app/web/errors.py` maps them once to HTML and problem details."""

from __future__ import annotations

import uuid


class DomainError(Exception):
    status_code = 400
    title = "Bad request"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFound(DomainError):
    """Also what "not yours" looks like: a foreign tenant's or a restricted record."""

    status_code = 404
    title = "Not found"


class Forbidden(DomainError):
    status_code = 403
    title = "Forbidden"

    def __init__(self, detail: str = "", *, missing: str | None = None) -> None:
        super().__init__(detail)
        self.missing = missing  # the permission, for logs; the user sees only `detail`


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"

    def __init__(self, detail: str = "", *, existing: tuple[str, uuid.UUID] | None = None) -> None:
        super().__init__(detail)
        # The record the request collides with (entity type, id), e.g. ("person", id) for a personal code
        # already registered: pages link to it and problem details give its address.
        self.existing = existing


class InvalidInput(DomainError):
    """Field-level messages, already translated for the user: {"personal_code": ["…"]}."""

    status_code = 422
    title = "Invalid input"

    def __init__(self, errors: dict[str, list[str]], detail: str = "") -> None:
        super().__init__(detail or "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors
