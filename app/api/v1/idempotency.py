"""`Idempotency-Key` on POSTs of /api/v1 (design §6): a client that sends a request again with the same
key gets the first answer instead of a second act.

Per (client, key) Redis keeps, for 24 hours, a fingerprint of the request body and the first successful
answer (status and JSON body). The same key with the same body: the stored answer again, marked
`Idempotent-Replayed: true`. The same key with another body: 422 (the key was used for something else).
While the first request is still being handled the key is reserved, and a parallel second one is told
409. A request that failed leaves nothing behind, so it can be sent again with the same key.

The client is the signed-in citizen (a hash of the personal code) or, for anonymous submissions, the
client's address: a key is never shared between clients. Without Redis the request simply runs once."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Response
from litestar.params import HeaderParameter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.errors import Conflict, InvalidInput
from app.i18n import N_

TTL_SECONDS = 24 * 3600
PENDING_SECONDS = 60
HEADER = "Idempotency-Key"

T = TypeVar("T")
# The header parameter of a POST that takes a key.
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name=HEADER, min_length=1, max_length=200, description="Makes a retry safe (24 hours)."),
]

KEY_REUSED = N_("This idempotency key was already used for a different request.")
IN_PROGRESS = N_("A request with this idempotency key is still being handled. Try again shortly.")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    replayed: bool = False


def fingerprint(data: Any) -> str:
    encoded = msgspec.json.encode(msgspec.to_builtins(data), order="sorted")
    return hashlib.sha256(encoded).hexdigest()


def _redis_key(client: str, key: str) -> str:
    digest = hashlib.sha256(f"{client}\x00{key}".encode()).hexdigest()
    return f"atbalsts:idempotency:{digest}"


async def once(
    redis: Redis | None,
    client: str,
    key: str | None,
    data: Any,
    act: Callable[[], Awaitable[Answer]],
) -> Answer:
    """Runs `act` at most once per (client, key) and body; see the module's docstring."""
    if key is None or redis is None:
        return await act()
    name, print_ = _redis_key(client, key), fingerprint(data)
    try:
        reserved = await redis.set(name, json.dumps({"fp": print_}), nx=True, ex=PENDING_SECONDS)
        stored = None if reserved else await redis.get(name)
    except RedisError:
        return await act()
    if not reserved:
        if stored is None:  # expired between the two calls: treat as in progress, the client retries
            raise Conflict(IN_PROGRESS)
        first = json.loads(stored)
        if first.get("fp") != print_:
            raise InvalidInput({HEADER: [KEY_REUSED]})
        if "status" not in first:
            raise Conflict(IN_PROGRESS)
        return Answer(status=int(first["status"]), body=first["body"], replayed=True)
    try:
        answer = await act()
    except BaseException:
        with contextlib.suppress(RedisError):
            await redis.delete(name)
        raise
    body = msgspec.to_builtins(answer.body)
    with contextlib.suppress(RedisError):
        await redis.set(
            name, json.dumps({"fp": print_, "status": answer.status, "body": body}), ex=TTL_SECONDS
        )
    return answer


async def created_once(
    redis: Redis | None,
    client: str,
    key: str | None,
    data: Any,
    make: Callable[[], Awaitable[T]],
    out: type[T],
) -> Response[T]:
    """201 with what `make` created, at most once per (client, key) and body; a replay is marked."""

    async def act() -> Answer:
        return Answer(status=201, body=msgspec.to_builtins(await make()))

    answer = await once(redis, client, key, data, act)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
    body = msgspec.convert(answer.body, out, strict=False)
    return Response(body, status_code=answer.status, headers=headers)
