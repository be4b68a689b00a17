"""Schema-driven requests (schemathesis) against the app in process: every answer must be as the OpenAPI
document says — never a 5xx, a documented status, content type and body. Shared by the API test modules."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def half_real(name: str, real: Sequence[object]) -> Callable[[Any], None]:
    """A `prepare` that puts one of the `real` ids into path parameter `name` for about half the cases
    (chosen by the generated value, so every run tries the same ones): the rest stay random."""

    def prepare(case: Any) -> None:
        given_id = (case.path_parameters or {}).get(name)
        if given_id is not None and real and zlib.crc32(str(given_id).encode()) % 2:
            case.path_parameters[name] = str(real[zlib.crc32(str(given_id).encode()) % len(real)])

    return prepare


def check_generated(
    client: Any,
    path: str,
    method: str,
    *,
    base_url: str,
    max_examples: int = 25,
    prepare: Callable[[Any], None] | None = None,
    openapi: dict[str, Any] | None = None,
) -> None:
    """Sends `max_examples` generated requests for the operation through `client` (signed in as the test
    needs) and validates each answer against the document."""
    document = openapi or client.get("/api/schema/openapi.json").json()
    operation = schemathesis.openapi.from_dict(document)[path][method]

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a failure is reproducible
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        if prepare is not None:
            prepare(case)
        sent = case.as_transport_kwargs(base_url=base_url)
        unexpected = set(sent) - {"method", "url", "headers", "json", "params", "cookies", "data"}
        assert not unexpected, unexpected
        data = sent.get("data")
        answer = client.request(
            sent["method"],
            sent["url"],
            headers=sent.get("headers") or None,
            params=sent.get("params") or None,
            json=sent.get("json"),
            data=data if isinstance(data, dict) else None,  # a form body (the token endpoint)
            content=data if isinstance(data, str | bytes) else None,
        )
        case.validate_response(answer, checks=CHECKS)

    run()
