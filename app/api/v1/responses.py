"""The error responses of /api/v1 in the OpenAPI document, as they are really sent.

Every error under /api is RFC 9457 problem details (`app/web/errors.py`, `problem()`); each handler
lists the statuses it can give with `responses=problems(...)` and uses `operation_class=ProblemOperation`,
which drops Litestar's own error entries (see there)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIResponse, Operation

from app.api.v1.schemas import ProblemDetails

PROBLEM_JSON = "application/problem+json"

DESCRIPTIONS: dict[int, str] = {
    400: "The body is not well-formed JSON.",
    401: "Not signed in: no valid session.",
    403: "The signed-in user's roles in the municipality do not allow this.",
    404: "Not found: no such record in the user's municipality.",
    409: "The request conflicts with the current state.",
    413: "The body is larger than this operation accepts.",
    415: "The body is not sent as `application/json`.",
    422: "Invalid input; `errors` names the fields and what is wrong with them.",
    429: "Too many requests from this client this minute; the `Retry-After` header says when to try again.",
}


def problems(*statuses: int, describe: dict[int, str] | None = None) -> dict[int, ResponseSpec]:
    """`responses=` for a handler: each status as problem details, with the default or given description.
    Every operation may be rate-limited (429, app/api/v1/rate_limit.py)."""
    texts = {**DESCRIPTIONS, **(describe or {})}
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            media_type=PROBLEM_JSON,
            description=texts[status],
            generate_examples=False,
        )
        for status in sorted({*statuses, 429})
    }


def _is_problem(code: str, response: object) -> bool:
    return (
        not code.isdigit()
        or int(code) < 400
        or (isinstance(response, OpenAPIResponse) and set(response.content or {}) == {PROBLEM_JSON})
    )


@dataclass
class ProblemOperation(Operation):
    """An operation whose error responses are only those documented as problem details.

    Litestar adds a 400 in its own `{status_code, detail, extra}` JSON shape to every operation with a
    body or parameters (`create_error_responses` in litestar/_openapi/responses.py), and no handler or
    router option turns that off. The API never answers in that shape, so it is dropped here; where a 400
    can really happen (a malformed JSON body), `problems(400)` documents it."""

    def __post_init__(self) -> None:
        if self.responses:
            self.responses = {code: r for code, r in self.responses.items() if _is_problem(code, r)}
