"""The client register at national scale: the search design in SQL, and the person pages over HTTP.

    .venv/bin/python -m benchmarks.national_dataset --database-url $URL --create   # once
    .venv/bin/python -m benchmarks.people_bench                      # both parts, on $URL's database
    .venv/bin/python -m benchmarks.people_bench --only sql           # search designs only
    .venv/bin/python -m benchmarks.people_bench --only http --duration 10 --concurrency 8

`sql` (design §4): on the largest municipality (Rīga, 120 000 persons), as the app role `app_rw` with
`app.tenant_id` set by `set_config(..., true)` in each transaction as the app does, the latency of each search
shape: personal code by equality; name "starts with" as a range on `name_norm`, and for contrast as `LIKE
'x%'`; address "starts with" as a range on `address_norm`; substring `LIKE '%x%'` (which row-level security
keeps from being an index condition), for a common fragment and for one that matches nothing (the whole
municipality is read); and the client list's own `search_persons` as the app runs it. With EXPLAIN ANALYZE
of one term of each.

`http`: the app and the hello-world baseline under Granian with the same settings (benchmarks.http_bench's
servers, sign-in and closed-loop client): the person page over random persons of Rīga, the search as the
active search sends it (HX-Request, HX-Target: results) and as a full page, signed in as
`social_worker.riga`. Endpoints that do not exist yet are skipped with a message.

Prints tables and writes JSON to benchmarks/results/people-<time>.json. Nothing is dropped: the dataset stays.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from benchmarks import http_bench
from benchmarks.http_bench import (
    SERVERS,
    BenchContext,
    BenchError,
    Endpoint,
    RunSettings,
    bench_env,
    delete_sessions,
    libpq_url,
    run_async,
    session_cookies,
    sign_in,
    sign_out,
    sigterm_as_interrupt,
)
from benchmarks.loadgen import percentile
from benchmarks.national_dataset import BENCH_PASSWORD, BENCH_USERNAME, REFERENCE_DATE
from benchmarks.report import environment_info, render_table
from benchmarks.servers import ROOT, RunningServer, ServerError, start_server, stop_server, wait_ready

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/atbalsts_national"
MUNICIPALITY = "riga"  # the largest: 40 % of the country's persons
PAGE = 25
STREET_TYPES = frozenset({"iela", "gatve", "bulvāris", "prospekts", "dambis", "līnija"})

# --------------------------------------------------------------------------------------------------------
# Terms: drawn from the data, deterministically
# --------------------------------------------------------------------------------------------------------


@dataclass
class Terms:
    tenant_id: uuid.UUID
    persons: int
    person_ids: list[uuid.UUID]
    codes: list[str]
    name_prefixes: list[str]  # normalised, as stored in name_norm
    typed_prefixes: list[str]  # as people type them: "Bērz", "Kalniņ"
    address_prefixes: list[str]  # normalised, as stored in address_norm
    typed_addresses: list[str]  # "Brīvības 12"
    fragments: list[str]  # common substrings of names ("erzi", "zoli")
    absent: list[str] = field(default_factory=list)  # substrings no name contains


def upper_bound(prefix: str) -> str:
    """The smallest string after every string starting with `prefix` in code-point order (collation "C")."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def draw_terms(maint_conninfo: str, count: int, seed: int) -> Terms:
    """Terms from the municipality's own rows, read as the maintenance role in a read-only transaction."""
    import psycopg

    from app.domains.people.rules import normalise_name

    rng = random.Random(seed)
    with psycopg.connect(maint_conninfo) as conn:
        conn.execute("SET TRANSACTION READ ONLY")
        row = conn.execute("SELECT id FROM app.tenants WHERE slug = %s", (MUNICIPALITY,)).fetchone()
        if row is None:
            raise BenchError(
                f"no municipality {MUNICIPALITY!r}: load the dataset first "
                "(python -m benchmarks.national_dataset)"
            )
        tenant_id = row[0]
        people = conn.execute(
            "SELECT id, personal_code, last_name, first_name FROM app.persons "
            "WHERE tenant_id = %s ORDER BY id",
            (tenant_id,),
        ).fetchall()
        addresses = conn.execute(
            "SELECT address_norm, line FROM app.person_addresses "
            "WHERE tenant_id = %s AND valid_to IS NULL ORDER BY id",
            (tenant_id,),
        ).fetchall()
    if len(people) < 1000:
        raise BenchError(f"{MUNICIPALITY} has only {len(people)} persons: load the national dataset first")
    sample = rng.sample(people, min(count, len(people)))
    name_prefixes: list[str] = []
    typed_prefixes: list[str] = []
    fragments: list[str] = []
    for _, _, last, first in sample:
        norm_last = normalise_name(last)
        k = rng.choice((3, 4, 4, 5, 6))
        if rng.random() < 0.25:
            name_prefixes.append(normalise_name(last, first)[: len(norm_last) + 2])  # "berzins j"
        else:
            name_prefixes.append(norm_last[:k])
        typed_prefixes.append(last[:k])
        start = rng.randrange(1, max(2, len(norm_last) - 3))
        fragments.append(norm_last[start : start + 4])
    address_prefixes: list[str] = []
    typed_addresses: list[str] = []
    for norm, line in rng.sample(addresses, min(count, len(addresses))):
        words = norm.split(" ")
        address_prefixes.append(" ".join(words[: rng.choice((1, 2, 2, 3))]))
        # As typed in the search box: the street without its type word and the house ("Brīvības 12").
        street = " ".join(w for w in line.replace('"', "").split() if w.lower() not in STREET_TYPES)
        typed_addresses.append(street.split("-")[0] if rng.random() < 0.5 else street)
    absent = [f"q{rng.choice('xzw')}{rng.choice('jqx')}{n}" for n in range(count)]
    return Terms(
        tenant_id=tenant_id,
        persons=len(people),
        person_ids=[p[0] for p in rng.sample(people, min(count * 4, len(people)))],
        codes=[p[1] for p in sample],
        name_prefixes=name_prefixes,
        typed_prefixes=typed_prefixes,
        address_prefixes=address_prefixes,
        typed_addresses=typed_addresses,
        fragments=[f for f in fragments if len(f) == 4],
        absent=absent,
    )


# --------------------------------------------------------------------------------------------------------
# Part 1: the search designs in SQL, as the app role under row-level security
# --------------------------------------------------------------------------------------------------------

_COLUMNS = "id, first_name, last_name, personal_code, birth_date"


@dataclass(frozen=True)
class Design:
    name: str
    label: str
    sql: str
    params: Callable[[Terms], list[dict[str, Any]]]
    index_usable: bool  # can the search condition be an index condition under RLS?


DESIGNS: tuple[Design, ...] = (
    Design(
        "code_exact",
        "personal code, equality",
        f"SELECT {_COLUMNS} FROM app.persons WHERE tenant_id = %(t)s AND personal_code = %(term)s",
        lambda t: [{"term": c} for c in t.codes],
        True,
    ),
    Design(
        "name_prefix_range",
        "name starts with: range on name_norm",
        f"SELECT {_COLUMNS} FROM app.persons WHERE tenant_id = %(t)s "
        "AND name_norm >= %(term)s AND name_norm < %(bound)s ORDER BY name_norm, id LIMIT 25",
        lambda t: [{"term": p, "bound": upper_bound(p)} for p in t.name_prefixes],
        True,
    ),
    Design(
        "name_prefix_like",
        "name starts with: LIKE 'x%' (contrast)",
        f"SELECT {_COLUMNS} FROM app.persons WHERE tenant_id = %(t)s "
        "AND name_norm LIKE %(pattern)s ORDER BY name_norm, id LIMIT 25",
        lambda t: [{"pattern": p + "%"} for p in t.name_prefixes],
        False,
    ),
    Design(
        "address_prefix_range",
        "address starts with: range on address_norm",
        "SELECT p.id, p.first_name, p.last_name, a.line, a.locality FROM app.person_addresses a "
        "JOIN app.persons p ON p.tenant_id = a.tenant_id AND p.id = a.person_id "
        "WHERE a.tenant_id = %(t)s AND a.address_norm >= %(term)s AND a.address_norm < %(bound)s "
        "AND a.valid_to IS NULL ORDER BY a.address_norm, a.id LIMIT 25",
        lambda t: [{"term": p, "bound": upper_bound(p)} for p in t.address_prefixes],
        True,
    ),
    Design(
        "substring_common",
        "name contains: LIKE '%x%', common fragment",
        f"SELECT {_COLUMNS} FROM app.persons WHERE tenant_id = %(t)s "
        "AND name_norm LIKE %(pattern)s ORDER BY name_norm, id LIMIT 25",
        lambda t: [{"pattern": f"%{f}%"} for f in t.fragments],
        False,
    ),
    Design(
        "substring_absent",
        "name contains: LIKE '%x%', no match (reads all)",
        f"SELECT {_COLUMNS} FROM app.persons WHERE tenant_id = %(t)s "
        "AND name_norm LIKE %(pattern)s ORDER BY name_norm, id LIMIT 25",
        lambda t: [{"pattern": f"%{f}%"} for f in t.absent],
        False,
    ),
)


def _bind(conn: Any, tenant_id: uuid.UUID) -> None:
    conn.execute("SELECT set_config('app.tenant_id', %s, true)", (str(tenant_id),))


def _latencies(ordered_ns: Sequence[int]) -> dict[str, float | None]:
    def at(pct: float) -> float | None:
        value = percentile(ordered_ns, pct)
        return None if math.isnan(value) else round(value / 1e6, 3)

    return {
        "p50": at(50),
        "p95": at(95),
        "p99": at(99),
        "max": round(ordered_ns[-1] / 1e6, 3) if ordered_ns else None,
    }


def _plan_summary(plan: list[str]) -> list[str]:
    """The lines that say how the rows were found: nodes, index and filter conditions, rows removed."""
    keep = ("Scan", "Index Cond", "Filter", "Rows Removed", "Limit", "Sort", "Join", "Execution Time", "Loop")
    return [line.rstrip() for line in plan if any(k in line for k in keep)]


def measure_designs(runtime_conninfo: str, terms: Terms, iterations: int) -> list[dict[str, Any]]:
    """Each design over `iterations` terms (after a warm-up of 20), one transaction per query as the app
    makes them: BEGIN, set_config('app.tenant_id', …, true), the query, COMMIT. One connection, one at a time:
    latency, not throughput."""
    import psycopg

    results = []
    with psycopg.connect(runtime_conninfo, autocommit=True) as conn:
        role = conn.execute(
            "SELECT current_user, (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user)"
        )
        user, bypass = role.fetchone() or ("?", True)
        if bypass:
            raise BenchError(f"the search must be measured as a role under RLS, not {user} (BYPASSRLS)")
        for design in DESIGNS:
            params = [{"t": terms.tenant_id, **p} for p in design.params(terms)]
            if not params:
                continue
            n = iterations if not design.name.endswith("absent") else max(20, iterations // 3)
            for p in params[:20]:
                with conn.transaction():
                    _bind(conn, terms.tenant_id)
                    conn.execute(design.sql, p).fetchall()
            lat: list[int] = []
            found = 0
            for i in range(n):
                p = params[i % len(params)]
                t0 = time.perf_counter_ns()
                with conn.transaction():
                    _bind(conn, terms.tenant_id)
                    rows = conn.execute(design.sql, p).fetchall()
                lat.append(time.perf_counter_ns() - t0)
                found += len(rows)
            with conn.transaction():
                _bind(conn, terms.tenant_id)
                plan = [r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + design.sql, params[0])]
            lat.sort()
            summary: dict[str, Any] = {
                "name": design.name,
                "label": design.label,
                "index_usable_under_rls": design.index_usable,
                "queries": n,
                "mean_rows": round(found / n, 1),
                "latency_ms": _latencies(lat),
                "explain_term": {k: v for k, v in params[0].items() if k != "t"},
                "plan": plan,
                "plan_summary": _plan_summary(plan),
            }
            results.append(summary)
            print(f"  {design.label}: p50 {summary['latency_ms']['p50']} ms, p95 "
                  f"{summary['latency_ms']['p95']} ms", flush=True)  # fmt: skip
    return results


def measure_app_search(settings: Any, terms: Terms, iterations: int) -> list[dict[str, Any]]:
    """The client list's own read, `search_persons` (page and capped count), through the async engine
    and the tenant unit of work as a request makes it; skipped if the app has none (yet)."""
    try:
        from app.db import async_session_factory, make_async_engine, tenant_uow
        from app.domains.people.rules import search_terms
        from app.domains.people.search import search_persons
    except ImportError as exc:
        print(f"  app search: skipped, {exc}", flush=True)
        return []
    shapes = (
        ("app_search_name", "client list (search_persons): name", terms.typed_prefixes),
        ("app_search_code", "client list (search_persons): personal code", terms.codes),
        ("app_search_address", "client list (search_persons): address", terms.typed_addresses),
    )

    async def run() -> list[dict[str, Any]]:
        engine = make_async_engine(settings.runtime_url())
        factory = async_session_factory(engine)
        results = []
        try:
            for name, label, texts in shapes:
                parsed = [search_terms(q) for q in texts]
                lat: list[int] = []
                found = 0
                for i in range(20 + iterations):
                    q = parsed[i % len(parsed)]
                    t0 = time.perf_counter_ns()
                    async with tenant_uow(factory, terms.tenant_id) as session:
                        page = await search_persons(session, q, today=REFERENCE_DATE, limit=PAGE)
                    if i >= 20:
                        lat.append(time.perf_counter_ns() - t0)
                        found += len(page.rows)
                lat.sort()
                summary: dict[str, Any] = {
                    "name": name,
                    "label": label,
                    "queries": iterations,
                    "modes": sorted({q.mode for q in parsed if q is not None}),
                    "mean_rows": round(found / iterations, 1),
                    "latency_ms": _latencies(lat),
                }
                results.append(summary)
                print(f"  {label}: p50 {summary['latency_ms']['p50']} ms, p95 "
                      f"{summary['latency_ms']['p95']} ms", flush=True)  # fmt: skip
        finally:
            await engine.dispose()
        return results

    return asyncio.run(run())


def render_sql_table(rows: Sequence[dict[str, Any]]) -> str:
    header = ("search", "index cond. under RLS", "queries", "rows", "p50 ms", "p95 ms", "p99 ms")
    body = [
        (
            r["label"],
            "—" if "index_usable_under_rls" not in r else ("yes" if r["index_usable_under_rls"] else "no"),
            str(r["queries"]),
            str(r.get("mean_rows", "—")),
            *(f"{r['latency_ms'][k]:.2f}" for k in ("p50", "p95", "p99")),
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in (header, *body)) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in body]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------
# Part 2: HTTP
# --------------------------------------------------------------------------------------------------------

PERSON_TAB = 'id="person-tab"'  # the person page's tab region (people/person_base.html)
RESULT_ROW = 'data-id="'  # a row of the client list (people/list.html): an empty result cannot pass
ACTIVE_SEARCH = {"HX-Request": "true", "HX-Target": "results", "HX-Trigger": "q"}


def http_endpoints(terms: Terms) -> list[Endpoint]:
    searches = [f"/persons?q={quote(p)}" for p in terms.typed_prefixes]
    codes = [f"/persons?q={c}" for c in terms.codes]
    return [
        Endpoint("hello", "hello world GET /", "hello", "/", expect_text="Hello, world!"),
        Endpoint(
            "person_page",
            "GET /persons/{id} (Rīga, random persons)",
            "app",
            session="staff",
            expect_text=PERSON_TAB,
            paths=lambda ctx: [f"/persons/{pid}" for pid in terms.person_ids],
            budget_p95_ms=300,
        ),
        Endpoint(
            "search_fragment",
            "GET /persons?q=<name prefix> (HTMX fragment)",
            "app",
            session="staff",
            headers=ACTIVE_SEARCH,
            expect_text=RESULT_ROW,
            paths=lambda ctx: searches,
            budget_p95_ms=150,
        ),
        Endpoint(
            "search_code_fragment",
            "GET /persons?q=<personal code> (HTMX fragment)",
            "app",
            session="staff",
            headers=ACTIVE_SEARCH,
            expect_text=RESULT_ROW,
            paths=lambda ctx: codes,
            budget_p95_ms=150,
        ),
        Endpoint(
            "search_page",
            "GET /persons?q=<name prefix> (full page)",
            "app",
            session="staff",
            expect_text=RESULT_ROW,
            paths=lambda ctx: searches,
            budget_p95_ms=300,
        ),
    ]


async def search_available(server: RunningServer, ctx: BenchContext) -> str | None:
    """None if the search answers as the benchmark expects (a fragment to the active search, a page
    otherwise); else why it is skipped."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10, trust_env=False) as client:
        await sign_in(client, BENCH_USERNAME, BENCH_PASSWORD)
        try:
            fragment = await client.get("/persons?q=Ber", headers=ACTIVE_SEARCH)
            page = await client.get("/persons?q=Ber")
        finally:
            await sign_out(client)
            ctx.session_ids.update(session_cookies(client.cookies))
    if fragment.status_code in (404, 405) or page.status_code in (404, 405):
        return f"GET /persons?q= answers {page.status_code}: the client list does not exist yet"
    if fragment.status_code != 200 or page.status_code != 200:
        return f"GET /persons?q= answers {fragment.status_code} (fragment) / {page.status_code} (page)"
    if "<html" in fragment.text.lower():
        return "the active search request got a full page, not a fragment (HX-Target: results)"
    if "<html" not in page.text.lower():
        return "GET /persons?q= without HTMX headers did not answer a full page"
    return None


async def bench_http(
    endpoints: Sequence[Endpoint], servers: dict[str, RunningServer], ctx: BenchContext, run: RunSettings
) -> tuple[list[dict[str, Any]], list[str]]:
    skipped: list[str] = []
    reason = await search_available(servers["app"], ctx)
    if reason:
        print(f"  search endpoints skipped: {reason}", flush=True)
        skipped = [e.name for e in endpoints if e.name.startswith("search")]
    results = []
    for endpoint in endpoints:
        if endpoint.name in skipped:
            continue
        print(f"  {endpoint.label} …", end="", flush=True)
        summary = await http_bench.bench_endpoint(endpoint, servers[endpoint.server], ctx, run)
        print(f" {summary['rps']} req/s, p50 {summary['latency_ms']['p50']} ms, "
              f"p95 {summary['latency_ms']['p95']} ms", flush=True)  # fmt: skip
        results.append(summary)
    return results, [f"{name}: {reason}" for name in skipped]


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.people_bench", description=__doc__.split("\n")[0])
    p.add_argument("--only", choices=("sql", "http"), help="one part only (default both)")
    p.add_argument("--iterations", type=int, default=300, help="SQL queries per search design (default 300)")
    p.add_argument("--duration", type=float, default=10.0, help="HTTP seconds per endpoint (default 10)")
    p.add_argument("--requests", type=int, default=50_000, help="HTTP requests per endpoint at most")
    p.add_argument("--concurrency", type=int, default=8, help="HTTP concurrent clients (default 8)")
    p.add_argument("--warmup", type=float, default=2.0, help="HTTP warm-up seconds per endpoint (default 2)")
    p.add_argument("--workers", type=int, default=1, help="Granian workers per server (default 1)")
    p.add_argument("--seed", type=int, default=1, help="seed for drawing search terms and persons")
    p.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/people-<time>.json)")
    args = p.parse_args(argv)
    for name in ("iterations", "requests", "concurrency", "workers"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    if not 0 < args.duration <= 600 or not 0 < args.warmup <= 600:
        p.error("--duration and --warmup must be in (0, 600] seconds")
    return args


def run(args: argparse.Namespace) -> int:
    from app.config import load_settings

    env = bench_env(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        os.environ.get("REDIS_URL", http_bench.DEFAULT_REDIS_URL),
    )
    settings = load_settings(env)
    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "benchmark": "people",
        "started_at": started.isoformat(timespec="seconds"),
        "database": settings.admin_url().database,
        "municipality": MUNICIPALITY,
    }
    print(f"Drawing search terms from {MUNICIPALITY} in {report['database']!r} …", flush=True)
    terms = draw_terms(libpq_url(settings.maint_url()), args.iterations, args.seed)
    report["persons_in_municipality"] = terms.persons
    report["environment"] = environment_info(
        libpq_url(settings.admin_url()), settings.redis_url, args.workers, None
    )
    exit_code = 0
    if args.only in (None, "sql"):
        print(f"Search designs as app_rw under RLS, {args.iterations} queries each:", flush=True)
        sql = measure_designs(libpq_url(settings.runtime_url()), terms, args.iterations)
        sql += measure_app_search(settings, terms, args.iterations)
        report["sql"] = sql
    if args.only in (None, "http"):
        report["http"], report["http_skipped"] = run_http(args, env, settings, terms, started)
        exit_code = 1 if any(r["errors"] for r in report["http"]) else 0
    report["environment"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    output: Path = args.output or RESULTS_DIR / f"people-{started:%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    if "sql" in report:
        print("\n" + render_sql_table(report["sql"]))
        for r in report["sql"]:
            if "plan_summary" in r:
                print(f"\n{r['label']} — EXPLAIN ANALYZE {r['explain_term']}:")
                print("\n".join("    " + line for line in r["plan_summary"]))
    if report.get("http"):
        print("\n" + render_table(report["http"]))
    for line in report.get("http_skipped", []):
        print(f"skipped {line}")
    print(f"\nJSON: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return exit_code


def run_http(
    args: argparse.Namespace, env: dict[str, str], settings: Any, terms: Terms, started: datetime
) -> tuple[list[dict[str, Any]], list[str]]:
    endpoints = http_endpoints(terms)
    run_settings = RunSettings(
        concurrency=args.concurrency,
        duration_s=args.duration,
        max_requests=args.requests,
        warmup_s=args.warmup,
        warmup_requests=1_000,
        client="raw",
    )
    log_dir = RESULTS_DIR / f"logs-people-{started:%Y%m%dT%H%M%SZ}"
    log_dir.mkdir(parents=True, exist_ok=True)
    servers: dict[str, RunningServer] = {}
    ctx = BenchContext(settings)
    try:
        for name in ("hello", "app"):
            servers[name] = start_server(SERVERS[name], env, log_dir, args.workers, None)
        for server in servers.values():
            ctx.session_ids.update(session_cookies(wait_ready(server)))
        print(
            f"HTTP: {args.concurrency} clients, {args.duration:g} s per endpoint after "
            f"{args.warmup:g} s warm-up, {args.workers} Granian worker(s) per server",
            flush=True,
        )
        (results, skipped), _ = run_async(bench_http(endpoints, servers, ctx, run_settings))
    finally:
        for server in servers.values():
            stop_server(server)
        delete_sessions(settings.redis_url, ctx.session_ids)
    return results, skipped


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with sigterm_as_interrupt():
            return run(args)
    except (BenchError, ServerError) as exc:
        print(f"\npeople_bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\npeople_bench: interrupted; servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
