"""Benchmark reports: the table printed after a run and the environment recorded with the figures."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def render_table(results: Sequence[dict[str, Any]]) -> str:
    header = ("endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "p95 budget")
    rows = [
        (
            r["label"],
            f"{r['requests_ok']:,}",
            str(r["errors"]),
            _fmt(r["rps"], 0),
            _fmt(r["latency_ms"]["p50"]),
            _fmt(r["latency_ms"]["p95"]),
            _fmt(r["latency_ms"]["p99"]),
            _fmt(r["latency_ms"]["max"]),
            "—"
            if r["budget_p95_ms"] is None
            else f"{r['budget_p95_ms']:g} {'ok' if r['within_budget'] else 'MISSED'}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "| " + " | ".join((first, *rest)) + " |"

    separator = "|" + "|".join(("-" * (widths[0] + 2), *("-" * (w + 1) + ":" for w in widths[1:]))) + "|"
    return "\n".join((line(header), separator, *(line(row) for row in rows)))


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def _cpu_model() -> str | None:
    with contextlib.suppress(OSError):
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                return row.split(":", 1)[1].strip()
    return platform.processor() or None


def _service_versions(postgres_conninfo: str, redis_url: str) -> dict[str, str | None]:
    import psycopg
    import redis

    versions: dict[str, str | None] = {"postgresql": None, "redis": None}
    with contextlib.suppress(Exception), psycopg.connect(postgres_conninfo) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        versions["postgresql"] = str(row[0]) if row else None
    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(redis_url, socket_timeout=2)
        versions["redis"] = str(client.info("server").get("redis_version"))
        client.close()
    return versions


def environment_info(
    postgres_conninfo: str, redis_url: str, workers: int, cpus: frozenset[int] | None
) -> dict[str, Any]:
    """What a reader needs to judge the figures: code version, machine, load, software versions."""
    status = _git("--no-optional-locks", "status", "--porcelain")  # read-only: never touches the index
    return {
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "server": {
            "command": "python -m granian --interface asgi --factory --host 127.0.0.1 --port <free> "
            f"--workers {workers} <factory>",
            "pinned_cpus": sorted(cpus) if cpus else None,
        },
        "versions": {
            d: _version(d) for d in ("granian", "litestar", "httpx", "sqlalchemy", "psycopg", "uvloop")
        },
        "services": _service_versions(postgres_conninfo, redis_url),
    }
