"""HTTP benchmark: the real app and a hello-world baseline under Granian, measured over loopback.

    .venv/bin/python -m benchmarks.http_bench                 # everything, default settings
    .venv/bin/python -m benchmarks.http_bench --list          # the endpoints it knows
    .venv/bin/python -m benchmarks.http_bench --only home_signed_in --duration 30 --concurrency 16

One run: a scratch database (bootstrap, migrate, a dataset: the demo one by default), the app and
`benchmarks.hello` each under Granian with the same settings, then every endpoint in turn: a short
warm-up, then a closed loop of `--concurrency` clients for `--duration` seconds or `--requests` requests,
whichever ends first. Prints a table and writes JSON to benchmarks/results/. Servers are stopped and the
scratch database dropped at the end, also on errors and Ctrl-C. All traffic stays on 127.0.0.1.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import math
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urlsplit

import httpx

from benchmarks.loadgen import ClientKind, Measurement, RawHttpClient, httpx_requester, measure, percentile
from benchmarks.report import environment_info, render_table
from benchmarks.servers import (
    ROOT,
    RunningServer,
    ServerError,
    ServerSpec,
    start_server,
    stop_server,
    wait_ready,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from app.config import Settings

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/atbalsts_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"  # not 0 (dev) nor 9 (CI)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
SESSION_COOKIE = "atbalsts_session"  # app.main: SessionConfig(key=...)
SESSION_NAMESPACE = "atbalsts-sessions"  # app.main: RedisStore(namespace=...)
STAFF_USERNAME = "social_worker.riga"  # the largest demo municipality
MAX_ERRORS_PER_ENDPOINT = 100  # stop hammering an endpoint that is failing
SCHEMA_VERSION = 1

T = TypeVar("T")
ServerName = Literal["hello", "app"]
SessionKind = Literal["anonymous", "staff"]


class BenchError(RuntimeError):
    """A set-up step failed: the run stops (and cleans up) with this message."""


def libpq_url(url: URL) -> str:
    """A SQLAlchemy URL as a libpq connection string (psycopg), password included."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


# --------------------------------------------------------------------------------------------------------
# What is measured. Later benchmarks add entries here (see README: person page, search).
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchContext:
    """What an endpoint's `paths` callback may use to build its request paths before measuring."""

    settings: Settings
    # Server-side sessions the harness's own requests created (every cookieless request to the app stores
    # one in Redis, see README); deleted by id at the end.
    session_ids: set[str] = field(default_factory=set)

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows from a read-only transaction as the maintenance role (sees every municipality), e.g. ids
        of persons to spread requests over. For set-up only, never inside the measured loop."""
        import psycopg

        with psycopg.connect(libpq_url(self.settings.maint_url())) as conn:
            conn.execute("SET TRANSACTION READ ONLY")
            return [tuple(row) for row in conn.execute(sql, params or {}).fetchall()]


@dataclass(frozen=True)
class Endpoint:
    """One measured request. `paths`, when given, returns the paths to cycle through (one per request,
    already percent-encoded); otherwise every request goes to `path`. `headers` are sent with every
    request (`HX-Request: true` for an HTMX fragment). `expect_text` is checked once, before measuring, so
    a page that silently turned into an error page or a sign-in redirect is caught. `budget_p95_ms` is the
    latency target of its class (stack-notes §10: fragments 150 ms, staff pages 300 ms), shown in the
    report and enforced with --strict."""

    name: str
    label: str
    server: ServerName
    path: str = "/"
    session: SessionKind = "anonymous"
    headers: Mapping[str, str] = field(default_factory=dict)
    expect_status: int = 200
    expect_text: str | None = None
    paths: Callable[[BenchContext], Sequence[str]] | None = None
    budget_p95_ms: float | None = None


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("hello", "hello world GET /", "hello", "/", expect_text="Hello, world!"),
    Endpoint("health_live", "GET /health/live", "app", "/health/live", expect_text='"ok"'),
    Endpoint(
        "login_page", "GET /login (anonymous)", "app", "/login", expect_text="_csrf_token", budget_p95_ms=300
    ),
    Endpoint(
        "home_signed_in",
        "GET / (signed in, DB counts)",
        "app",
        "/",
        session="staff",
        expect_text='data-testid="count-persons"',
        budget_p95_ms=300,
    ),
)


# --------------------------------------------------------------------------------------------------------
# Servers, environment and database
# --------------------------------------------------------------------------------------------------------

SERVERS: dict[ServerName, ServerSpec] = {
    "hello": ServerSpec("hello", "benchmarks.hello:create_app", "/"),
    "app": ServerSpec("app", "app.main:create_served_app", "/health/ready"),
}


def session_cookies(cookies: httpx.Cookies) -> set[str]:
    return {c.value for c in cookies.jar if c.name == SESSION_COOKIE and c.value and c.value != "null"}


def delete_sessions(redis_url: str, session_ids: set[str]) -> None:
    """Best effort: removes the sessions the harness created, by id (the app's RedisStore namespace)."""
    if not session_ids:
        return
    import redis

    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(redis_url, socket_timeout=2)
        client.delete(*(f"{SESSION_NAMESPACE}:{sid}" for sid in session_ids))
        client.close()


def _require_loopback(kind: str, host: str | None) -> None:
    # No host means a Unix socket: local as well.
    if host is not None and host not in LOOPBACK_HOSTS:
        raise BenchError(f"{kind} must point at this machine (127.0.0.1), not {host!r}")


def bench_env(database_url: str, redis_url: str) -> dict[str, str]:
    from sqlalchemy.engine import make_url

    _require_loopback("DATABASE_URL", make_url(database_url).host)
    _require_loopback("REDIS_URL", urlsplit(redis_url).hostname)
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["REDIS_URL"] = redis_url
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    # The servers talk to loopback only; make sure no proxy setting reroutes anything.
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(proxy, None)
    return env


def database_name(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    name = make_url(settings.database_url).database
    if not name:
        raise BenchError("DATABASE_URL has no database name")
    return name


def load_demo_dataset(settings: Settings) -> dict[str, Any]:
    """The three demo municipalities of `atbalsts seed --demo` (idempotent)."""
    from app.demo import load_demo_data

    summary = load_demo_data(settings)
    return {"persons_by_municipality": {m.slug: m.persons for m in summary.municipalities}}


# Loaders run after migrations and return a description for the report. They must be idempotent, so that
# --keep-db can reuse an expensive dataset. The national-scale generator plugs in here (README).
DATASETS: dict[str, Callable[[Settings], dict[str, Any]]] = {"demo": load_demo_dataset}


def scratch_database_name(settings: Settings) -> str:
    """The database name, if the harness may drop it: only names containing "bench" qualify."""
    name = database_name(settings)
    if "bench" not in name:
        raise BenchError(f"refusing to drop {name!r}: use a database named *bench*, or --keep-db")
    return name


def drop_scratch_database(settings: Settings) -> None:
    from app import dbsetup

    dbsetup.drop_database(settings, scratch_database_name(settings))


def prepare_database(settings: Settings, *, fresh: bool, dataset: str) -> dict[str, Any]:
    """Bootstrap, migrate and load the dataset; with `fresh`, drop the (scratch) database first."""
    from app import dbsetup

    name = database_name(settings)
    if fresh:
        drop_scratch_database(settings)
    dbsetup.bootstrap(settings)
    dbsetup.migrate(settings)
    started = time.perf_counter()
    description = DATASETS[dataset](settings)
    return {
        "database": name,
        "dataset": dataset,
        "load_s": round(time.perf_counter() - started, 1),
        **description,
    }


# --------------------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------------------


def summarise(endpoint: Endpoint, m: Measurement, concurrency: int) -> dict[str, Any]:
    ordered = sorted(m.latencies_ns)
    ms = 1_000_000

    def lat(pct: float) -> float | None:
        value = percentile(ordered, pct)
        return None if math.isnan(value) else round(value / ms, 3)

    return {
        "name": endpoint.name,
        "label": endpoint.label,
        "server": endpoint.server,
        "method": "GET",
        "path": endpoint.path,
        "session": endpoint.session,
        "concurrency": concurrency,
        "budget_p95_ms": endpoint.budget_p95_ms,
        "within_budget": None
        if endpoint.budget_p95_ms is None or not ordered
        else percentile(ordered, 95) / ms <= endpoint.budget_p95_ms,
        "requests_ok": len(ordered),
        "errors": m.error_count,
        "error_kinds": dict(m.errors),
        "statuses": {str(k): v for k, v in sorted(m.statuses.items())},
        "duration_s": round(m.elapsed_s, 3),
        "rps": round(len(ordered) / m.elapsed_s, 1) if m.elapsed_s > 0 else None,
        "latency_ms": {
            "min": round(ordered[0] / ms, 3) if ordered else None,
            "mean": round(sum(ordered) / len(ordered) / ms, 3) if ordered else None,
            "p50": lat(50),
            "p90": lat(90),
            "p95": lat(95),
            "p99": lat(99),
            "max": round(ordered[-1] / ms, 3) if ordered else None,
        },
    }


def _form_csrf_token(page: str) -> str:
    match = re.search(r'<input[^>]*name="_csrf_token"[^>]*value="([^"]*)"', page)
    if match is None:
        raise BenchError("the sign-in form has no _csrf_token field")
    return html.unescape(match.group(1))


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> None:
    """The browser's way in: the form (CSRF cookie and field), then the POST; expects a redirect."""
    form = await client.get("/login")
    if form.status_code != 200:
        raise BenchError(f"GET /login answered {form.status_code}")
    response = await client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": "/",
            "_csrf_token": _form_csrf_token(form.text),
        },
    )
    if response.status_code not in (301, 302, 303) or SESSION_COOKIE not in client.cookies:
        raise BenchError(f"sign-in as {username} failed: HTTP {response.status_code}")


async def sign_out(client: httpx.AsyncClient) -> None:
    """Best effort: ends the server-side session so a run leaves nothing behind in Redis."""
    with contextlib.suppress(httpx.HTTPError, BenchError):
        form = await client.get("/login")
        await client.post("/logout", data={"_csrf_token": _form_csrf_token(form.text)})


@dataclass(frozen=True)
class RunSettings:
    concurrency: int
    duration_s: float
    max_requests: int
    warmup_s: float
    warmup_requests: int
    client: ClientKind
    timeout_s: float = 10.0


def cookie_header(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)


async def bench_endpoint(
    endpoint: Endpoint, server: RunningServer, ctx: BenchContext, run: RunSettings
) -> dict[str, Any]:
    """Sign in if needed and probe with httpx (cookies, CSRF form), then measure with the chosen client.
    The raw client sends the cookies the probe collected, as a returning browser would."""
    paths = list(endpoint.paths(ctx)) if endpoint.paths else [endpoint.path]
    if not paths:
        raise BenchError(f"{endpoint.name}: no paths to request")
    limits = httpx.Limits(max_connections=run.concurrency, max_keepalive_connections=run.concurrency)
    async with httpx.AsyncClient(
        base_url=server.base_url,
        limits=limits,
        timeout=run.timeout_s,
        trust_env=False,
        follow_redirects=False,
    ) as client:
        if endpoint.session == "staff":
            from app.demo import DEMO_PASSWORD

            await sign_in(client, STAFF_USERNAME, DEMO_PASSWORD)
        probe = await client.get(paths[0], headers=dict(endpoint.headers))
        if probe.status_code != endpoint.expect_status or (
            endpoint.expect_text is not None and endpoint.expect_text not in probe.text
        ):
            raise BenchError(
                f"{endpoint.name}: GET {paths[0]} answered {probe.status_code} without the expected content"
            )
        raw_clients: list[RawHttpClient] = []
        if run.client == "httpx":
            requesters = [httpx_requester(client, endpoint.headers)] * run.concurrency
        else:
            headers = {"Accept": "text/html,application/json;q=0.9,*/*;q=0.8", **endpoint.headers}
            if cookies := cookie_header(client):
                headers["Cookie"] = cookies
            raw_clients = [
                RawHttpClient("127.0.0.1", server.port, headers, run.timeout_s)
                for _ in range(run.concurrency)
            ]
            requesters = [c.get for c in raw_clients]
        try:
            await measure(
                requesters,
                paths,
                expect_status=endpoint.expect_status,
                duration_s=run.warmup_s,
                max_requests=run.warmup_requests,
            )
            result = await measure(
                requesters,
                paths,
                expect_status=endpoint.expect_status,
                duration_s=run.duration_s,
                max_requests=run.max_requests,
                max_errors=MAX_ERRORS_PER_ENDPOINT,
            )
        finally:
            for raw in raw_clients:
                await raw.aclose()
            if endpoint.session == "staff":
                await sign_out(client)
            ctx.session_ids.update(session_cookies(client.cookies))
    return summarise(endpoint, result, run.concurrency)


async def bench_all(
    endpoints: Sequence[Endpoint],
    servers: dict[ServerName, RunningServer],
    ctx: BenchContext,
    run: RunSettings,
) -> list[dict[str, Any]]:
    results = []
    for endpoint in endpoints:
        print(f"  {endpoint.label} …", end="", flush=True)
        summary = await bench_endpoint(endpoint, servers[endpoint.server], ctx, run)
        print(f" {summary['rps']} req/s, p95 {summary['latency_ms']['p95']} ms", flush=True)
        results.append(summary)
    return results


async def _cancel_on_sigterm(coro: Coroutine[Any, Any, T]) -> T:
    """Inside the event loop SIGTERM cancels the measurement (its `finally` blocks close connections and
    sign out); outside it, `sigterm_as_interrupt` applies again."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    outer = signal.getsignal(signal.SIGTERM)
    installed = False
    if task is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
            installed = True
    try:
        return await coro
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGTERM)  # resets the handler to SIG_DFL …
            signal.signal(signal.SIGTERM, outer)  # … so put the outer one back


def run_async(coro: Coroutine[Any, Any, T]) -> tuple[T, str]:
    """Runs the measurement on uvloop when it is installed (less client CPU per request)."""
    try:
        import uvloop
    except ImportError:
        factory, name = None, "asyncio"
    else:
        factory, name = uvloop.new_event_loop, "uvloop"
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(_cancel_on_sigterm(coro)), name
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.http_bench", description=__doc__.split("\n")[0])
    p.add_argument("--duration", type=float, default=10.0, help="seconds measured per endpoint (default 10)")
    p.add_argument("--requests", type=int, default=50_000, help="at most this many per endpoint (50 000)")
    p.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per endpoint (default 2)")
    p.add_argument("--warmup-requests", type=int, default=1_000, help="at most this many warm-up requests")
    p.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="load generator: raw HTTP/1.1 on asyncio streams (default) or httpx.AsyncClient",
    )
    p.add_argument("--workers", type=int, default=1, help="Granian workers per server (default 1)")
    p.add_argument("--only", help="comma-separated endpoint names (see --list)")
    p.add_argument("--dataset", choices=sorted(DATASETS), default="demo", help="data to load (default demo)")
    p.add_argument("--strict", action="store_true", help="exit 1 when an endpoint misses its p95 budget")
    p.add_argument("--list", action="store_true", help="list the endpoints and exit")
    p.add_argument(
        "--keep-db",
        action="store_true",
        help="reuse the database if it exists and keep it afterwards (default: fresh, dropped at the end)",
    )
    p.add_argument(
        "--pin",
        action="store_true",
        help="pin the servers to CPU 0 and the harness to the other CPUs (needs two or more)",
    )
    p.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/http-<time>.json)")
    args = p.parse_args(argv)
    for name in ("duration", "warmup"):
        if not 0 < getattr(args, name) <= 600:
            p.error(f"--{name} must be in (0, 600] seconds")
    for name in ("requests", "warmup_requests", "concurrency", "workers"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.concurrency > 256:
        p.error("--concurrency must be at most 256")
    return args


def select_endpoints(only: str | None) -> list[Endpoint]:
    if not only:
        return list(ENDPOINTS)
    by_name = {e.name: e for e in ENDPOINTS}
    wanted = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise BenchError(f"unknown endpoint(s) {', '.join(unknown)}; known: {', '.join(by_name)}")
    return [by_name[n] for n in wanted]


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the `finally` blocks stop the servers and drop the database (while
    the event loop runs, `_cancel_on_sigterm` takes over)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> int:
    from app.config import load_settings

    endpoints = select_endpoints(args.only)
    env = bench_env(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    )
    settings = load_settings(env)
    if not args.keep_db:
        scratch_database_name(settings)  # refuse before anything runs, and so before any clean-up
    cpus: frozenset[int] | None = None
    if args.pin:
        available = sorted(os.sched_getaffinity(0))
        if len(available) < 2:
            raise BenchError("--pin needs at least two CPUs")
        cpus = frozenset(available[:1])
    run_settings = RunSettings(
        concurrency=args.concurrency,
        duration_s=args.duration,
        max_requests=args.requests,
        warmup_s=args.warmup,
        warmup_requests=args.warmup_requests,
        client=args.client,
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    started = datetime.now(UTC)
    log_dir = RESULTS_DIR / f"logs-{started:%Y%m%dT%H%M%SZ}"
    log_dir.mkdir()
    servers: dict[ServerName, RunningServer] = {}
    drop_at_end = False
    info: dict[str, Any] = {}
    dataset: dict[str, Any] = {}
    ctx = BenchContext(settings)
    try:
        print(f"Preparing {database_name(settings)!r}: bootstrap, migrate, {args.dataset} data …", flush=True)
        drop_at_end = not args.keep_db
        dataset = prepare_database(settings, fresh=not args.keep_db, dataset=args.dataset)
        info = environment_info(libpq_url(settings.admin_url()), settings.redis_url, args.workers, cpus)
        for name in dict.fromkeys(e.server for e in endpoints):
            servers[name] = start_server(SERVERS[name], env, log_dir, args.workers, cpus)
        for server in servers.values():
            ctx.session_ids.update(session_cookies(wait_ready(server)))
            print(f"{server.spec.name} server ready at {server.base_url}", flush=True)
        if cpus:
            os.sched_setaffinity(0, set(os.sched_getaffinity(0)) - cpus)
        print(
            f"Measuring: {run_settings.concurrency} clients, {run_settings.duration_s:g} s or "
            f"{run_settings.max_requests:,} requests per endpoint, after {run_settings.warmup_s:g} s warm-up",
            flush=True,
        )
        results, loop_name = run_async(bench_all(endpoints, servers, ctx, run_settings))
        info["client"] = {
            "kind": run_settings.client,
            "event_loop": loop_name,
            "model": "closed loop, one process, one keep-alive connection per simulated user",
        }
    finally:
        for server in servers.values():
            stop_server(server)
        delete_sessions(settings.redis_url, ctx.session_ids)
        if drop_at_end:
            with contextlib.suppress(Exception):
                drop_scratch_database(settings)
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report = {
        "schema": SCHEMA_VERSION,
        "benchmark": "http",
        "started_at": started.isoformat(timespec="seconds"),
        "settings": {
            "concurrency": run_settings.concurrency,
            "duration_s": run_settings.duration_s,
            "max_requests": run_settings.max_requests,
            "warmup_s": run_settings.warmup_s,
            "warmup_requests": run_settings.warmup_requests,
            "granian_workers": args.workers,
            "client": run_settings.client,
            "percentiles": "nearest rank, over successful requests",
        },
        "environment": info,
        "dataset": dataset,
        "results": results,
    }
    output: Path = args.output or RESULTS_DIR / f"http-{started:%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print()
    print(render_table(results))
    print(f"\nJSON: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    print(f"Server logs: {log_dir.relative_to(ROOT)}")
    missed = [r["name"] for r in results if r["within_budget"] is False]
    if missed:
        print(f"p95 budget missed: {', '.join(missed)}")
    return 1 if any(r["errors"] for r in results) or (args.strict and missed) else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for e in ENDPOINTS:
            print(f"{e.name:<16} {e.server:<6} {e.session:<10} {e.label}")
        return 0
    try:
        with sigterm_as_interrupt():
            return run(args)
    except (BenchError, ServerError) as exc:
        print(f"\nhttp_bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nhttp_bench: interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
