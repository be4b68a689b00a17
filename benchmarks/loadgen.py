"""The load generator: simulated users in a closed loop, with a minimal HTTP/1.1 client or httpx."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import httpx


class TransportFailure(Exception):
    """A request got no complete answer (connection refused or reset, timeout, malformed response)."""


# A requester sends one GET and returns the status once the whole body has been read.
Requester = Callable[[str], Awaitable[int]]
ClientKind = Literal["raw", "httpx"]


class RawHttpClient:
    """A minimal HTTP/1.1 keep-alive GET client on asyncio streams, one connection per simulated user.

    httpx costs the harness about ten times more CPU per request than this (measured: ~1 300 against
    ~14 000 hello-world requests/s on a 2-core machine), so with httpx the fast endpoints measure the
    client, not the server. GET only; reads Content-Length, chunked and close-delimited bodies."""

    def __init__(self, host: str, port: int, headers: dict[str, str], timeout_s: float) -> None:
        self._host, self._port, self._timeout = host, port, timeout_s
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._tail = f" HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode("latin-1")
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        try:
            async with asyncio.timeout(self._timeout):  # no extra task per request, unlike wait_for
                return await self._get(path)
        except (OSError, EOFError, TimeoutError, ValueError, IndexError, asyncio.LimitOverrunError) as exc:
            await self.aclose()  # the connection is in an unknown state: start afresh
            raise TransportFailure(type(exc).__name__) from exc

    async def _get(self, path: str) -> int:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port, limit=2**20)
        self._writer.write(b"GET " + path.encode("ascii") + self._tail)
        await self._writer.drain()
        status, keep_alive = await self._read_response(self._reader)
        if not keep_alive:
            await self.aclose()
        return status

    @staticmethod
    async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        length: int | None = None
        chunked = False
        keep_alive = True
        for line in head[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value
            elif name == "connection":
                keep_alive = value != "close"
        if chunked:
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await reader.readexactly(size + 2)
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
                pass
        elif length is not None:
            await reader.readexactly(length)
        elif status >= 200 and status not in (204, 304):
            await reader.read()  # delimited by the server closing the connection
            keep_alive = False
        return status, keep_alive

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def httpx_requester(client: httpx.AsyncClient, headers: Mapping[str, str]) -> Requester:
    extra = dict(headers)

    async def request(path: str) -> int:
        try:
            return (await client.get(path, headers=extra)).status_code  # .get() reads the whole body
        except httpx.HTTPError as exc:
            raise TransportFailure(type(exc).__name__) from exc

    return request


@dataclass
class Measurement:
    latencies_ns: list[int] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


async def measure(
    requesters: Sequence[Requester],
    paths: Sequence[str],
    *,
    expect_status: int,
    duration_s: float,
    max_requests: int,
    max_errors: int = 100,
) -> Measurement:
    """A closed loop: one simulated user per requester, each sending its next request when the last one
    was answered, until `duration_s` has passed or `max_requests` were sent (or too many errors). Latency
    runs from sending to the last byte of the body, for expected answers only; others count as errors."""
    result = Measurement()
    issued = 0
    start = time.perf_counter()
    deadline = start + duration_s
    step = len(requesters)

    async def user(offset: int, request: Requester) -> None:
        nonlocal issued
        i = offset
        while issued < max_requests and time.perf_counter() < deadline:
            if result.error_count >= max_errors:
                return
            issued += 1
            path = paths[i % len(paths)]
            i += step
            t0 = time.perf_counter_ns()
            try:
                status = await request(path)
            except TransportFailure as exc:
                result.errors[str(exc)] += 1
                continue
            elapsed = time.perf_counter_ns() - t0
            result.statuses[status] += 1
            if status == expect_status:
                result.latencies_ns.append(elapsed)
            else:
                result.errors[f"HTTP {status}"] += 1

    await asyncio.gather(*(user(n, r) for n, r in enumerate(requesters)))
    result.elapsed_s = time.perf_counter() - start
    return result


def percentile(sorted_values: Sequence[int], pct: float) -> float:
    """Nearest-rank percentile (the smallest value with at least pct % of values at or below it)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return float(sorted_values[rank - 1])
