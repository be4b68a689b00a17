"""Means-tested benefits at national scale: a batch of applications received, assessed and decided.

    URL=postgresql://postgres@127.0.0.1:5432/atbalsts_bench_benefits
    .venv/bin/python -m benchmarks.national_dataset --database-url $URL --recreate     # 300 000 persons
    DATABASE_URL=$URL .venv/bin/python -m benchmarks.benefits_bench                    # 10 000 GMI
    .venv/bin/python -m benchmarks.benefits_bench --load --persons 300000 --municipalities 3
    .venv/bin/python -m benchmarks.benefits_bench --applications 2000 --concurrency 8 --benefit MP

On a database loaded by `benchmarks.national_dataset` (`--load` makes one itself, only in a database whose
name contains "bench"), it takes `--applications` submitted declarations that no application rests on yet
(drawn at random, all municipalities), and takes each through the app's own services as the web does, one
transaction per act, as the app role `app_rw` under row-level security (`tenant_uow`):

1. receive: `create_application` for the benefit (GMI by default; MP the housing benefit) on the
   declaration, received on the declaration date, by a social worker of the municipality;
2. compute: `assess_application` by the same worker: the means test of the declaration, stored with its
   explanation;
3. decide: `decide_application` by a benefit officer, a week or two later: granted with reasons when the
   assessment found a right to the benefit (the assessed amount, from the day received, for the assessed
   period; three months for MP, whose assessment sets none), refused with reasons otherwise.

`--concurrency` sessions (4) work at once, each taking the next application; a warm-up (`--warmup`, 50
more declarations) runs first and is not counted. Measured per act, from BEGIN to COMMIT: p50/p95/p99/max,
statements and their database time (SQLAlchemy cursor events); the whole batch: wall time and
applications per second. Then it checks what was written (every application decided; a grant for every
grant with the decision's amount and period; amounts Decimal in cents), recomputes a sample with the
app's `assess_declaration` and, for GMI, with an independent formula from the declaration's rows, and
EXPLAINs the statements that took the most database time.

Prints a table and writes JSON to benchmarks/results/benefits-<time>.json. The applications, decisions and
grants stay in the database (reload it for another full run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import datetime as dt
import json
import math
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.http_bench import BenchError, bench_env, libpq_url, sigterm_as_interrupt
from benchmarks.loadgen import percentile
from benchmarks.report import environment_info
from benchmarks.servers import ROOT

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/atbalsts_bench_benefits"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"  # unused by the acts; Settings wants one
ACTS = ("receive", "compute", "decide")
ACT_LABELS = {
    "receive": "receive: create_application",
    "compute": "compute: assess_application",
    "decide": "decide: decide_application",
    "application": "whole application (3 transactions)",
}
REASONS = {
    "granted": "Mājsaimniecības vidējie ienākumi ir zem sliekšņa; pabalsts piešķirts aprēķinātajā apmērā "
    "(SPSPL 33., 35. pants; MK 809).",
    "refused": "Mājsaimniecības vidējie ienākumi pārsniedz slieksni: tiesību uz pabalstu nav.",
}
HOUSING_MONTHS = 3  # the housing benefit's assessment sets no period: the officer gives one (as GMI's)
TOP_STATEMENTS = 8

# --------------------------------------------------------------------------------------------------------
# The work: declarations without an application, and who acts on them
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    user_id: uuid.UUID
    username: str
    full_name: str
    role: str


@dataclass(frozen=True)
class Work:
    tenant_id: uuid.UUID
    tenant_name: str
    slug: str
    declaration_id: uuid.UUID
    applicant_id: uuid.UUID
    declared_on: dt.date
    benefit_type_id: uuid.UUID
    clerk: Staff  # social worker: receives and assesses
    officer: Staff  # benefit officer: decides
    decide_after_days: int


def draw_work(maint_conninfo: str, code: str, count: int, seed: int) -> tuple[list[Work], dict[str, Any]]:
    """`count` submitted declarations without an application of the benefit, at random over the country,
    each with a social worker and a benefit officer of its municipality. Read as the maintenance role in a
    read-only transaction. Also returns what the database holds (for the report)."""
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(maint_conninfo) as conn:
        conn.execute("SET TRANSACTION READ ONLY")
        tenants = {
            tid: (name, slug) for tid, name, slug in conn.execute("SELECT id, name, slug FROM app.tenants")
        }
        benefit = {
            tid: bid
            for tid, bid in conn.execute(
                "SELECT tenant_id, id FROM app.benefit_types WHERE code = %s AND active", (code,)
            )
        }
        staff: dict[uuid.UUID, dict[str, list[Staff]]] = defaultdict(lambda: defaultdict(list))
        for tid, uid, username, full_name, roles in conn.execute(
            "SELECT m.tenant_id, u.id, u.username, u.full_name, m.roles FROM app.memberships m "
            "JOIN app.users u ON u.id = m.user_id WHERE u.is_active ORDER BY u.username"
        ):
            for role in roles:
                staff[tid][role].append(Staff(uid, username, full_name, role))
        candidates = conn.execute(
            "SELECT d.tenant_id, d.id, d.applicant_id, d.declared_on FROM app.declarations d "
            "WHERE d.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM app.applications a "
            "WHERE a.tenant_id = d.tenant_id AND a.declaration_id = d.id AND a.benefit_type_id = "
            "(SELECT b.id FROM app.benefit_types b WHERE b.tenant_id = d.tenant_id AND b.code = %s)) "
            "ORDER BY d.tenant_id, d.id",
            (code,),
        ).fetchall()
        held = dict(
            conn.execute(
                "SELECT 'persons', count(*) FROM app.persons UNION ALL "
                "SELECT 'households', count(*) FROM app.households UNION ALL "
                "SELECT 'submitted_declarations', count(*) FROM app.declarations WHERE status = 'submitted' "
                "UNION ALL SELECT 'applications', count(*) FROM app.applications UNION ALL "
                "SELECT 'decisions', count(*) FROM app.decisions UNION ALL "
                "SELECT 'benefit_grants', count(*) FROM app.benefit_grants UNION ALL "
                "SELECT 'assistance_statuses', count(*) FROM app.assistance_statuses"
            ).fetchall()
        )
    candidates = [c for c in candidates if c[0] in benefit]
    if len(candidates) < count:
        raise BenchError(
            f"only {len(candidates):,} submitted declarations have no {code} application yet, {count:,} "
            "wanted: reload the dataset (--load, or python -m benchmarks.national_dataset --recreate) or "
            "ask for fewer (--applications)"
        )
    work = []
    for tid, declaration_id, applicant_id, declared_on in rng.sample(candidates, count):
        roles = staff[tid]
        if not roles.get("social_worker") or not roles.get("benefit_officer"):
            raise BenchError(f"municipality {tenants[tid][1]} has no social worker or benefit officer")
        name, slug = tenants[tid]
        work.append(
            Work(
                tenant_id=tid,
                tenant_name=name,
                slug=slug,
                declaration_id=declaration_id,
                applicant_id=applicant_id,
                declared_on=declared_on,
                benefit_type_id=benefit[tid],
                clerk=rng.choice(roles["social_worker"]),
                officer=rng.choice(roles["benefit_officer"]),
                decide_after_days=rng.randint(5, 14),
            )
        )
    held["municipalities"] = len(tenants)
    held["candidates"] = len(candidates)
    return work, {k: int(v) for k, v in held.items()}


def actor_of(work: Work, staff: Staff) -> Any:
    from app.auth.principal import Actor, TenantChoice

    return Actor.build(
        user_id=staff.user_id,
        username=staff.username,
        full_name=staff.full_name,
        tenant_id=work.tenant_id,
        memberships=(TenantChoice(work.tenant_id, work.tenant_name, work.slug, (staff.role,)),),
    )


# --------------------------------------------------------------------------------------------------------
# Statements: counted per act, timed per statement text
# --------------------------------------------------------------------------------------------------------


@dataclass
class ActStats:
    statements: int = 0
    db_ns: int = 0


@dataclass
class StatementStats:
    count: int = 0
    total_ns: int = 0
    max_ns: int = 0
    slowest: tuple[Any, uuid.UUID | None] = (None, None)  # parameters and tenant of the slowest run


_current_act: contextvars.ContextVar[ActStats | None] = contextvars.ContextVar("act", default=None)
_current_tenant: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar("tenant", default=None)


class StatementLog:
    """SQLAlchemy cursor events on the engine: each statement's time goes to the act that runs it (the
    asyncio task's context reaches the driver's greenlet) and to the statement's own totals."""

    def __init__(self) -> None:
        self.by_text: dict[str, StatementStats] = defaultdict(StatementStats)
        self.recording = False

    def attach(self, sync_engine: Any) -> None:
        from sqlalchemy import event

        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)

    def _before(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        conn.info["bench_started"] = time.perf_counter_ns()

    def _after(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        elapsed = time.perf_counter_ns() - conn.info.pop("bench_started", time.perf_counter_ns())
        act = _current_act.get()
        if act is not None:
            act.statements += 1
            act.db_ns += elapsed
        if self.recording:
            stats = self.by_text[statement]
            stats.count += 1
            stats.total_ns += elapsed
            if elapsed >= stats.max_ns:
                stats.max_ns = elapsed
                stats.slowest = (parameters, _current_tenant.get())


# --------------------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    application_id: uuid.UUID | None = None
    decision_id: uuid.UUID | None = None
    outcome: str | None = None
    amount: Decimal | None = None
    ns: dict[str, int] = field(default_factory=dict)  # act → ns, BEGIN to COMMIT
    statements: dict[str, int] = field(default_factory=dict)
    db_ns: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@contextlib.asynccontextmanager
async def _act(factory: Any, work: Work, user: Staff, name: str, outcome: Outcome) -> AsyncIterator[Any]:
    """One act in a tenant unit of work of its own (committed on success), timed with its statements."""
    from app.db import tenant_uow

    stats = ActStats()
    token, tenant_token = _current_act.set(stats), _current_tenant.set(work.tenant_id)
    started = time.perf_counter_ns()
    try:
        async with tenant_uow(factory, work.tenant_id, user.user_id) as session:
            yield session
    finally:
        outcome.ns[name] = time.perf_counter_ns() - started
        outcome.statements[name] = stats.statements
        outcome.db_ns[name] = stats.db_ns
        _current_act.reset(token)
        _current_tenant.reset(tenant_token)


async def process(factory: Any, work: Work, code: str) -> Outcome:
    """Receive, compute, decide: three acts, three transactions, as three requests of the web."""
    from app.domains.benefits.periods import period_of_months
    from app.domains.benefits.service import assess_application, create_application
    from app.domains.benefits.service_decisions import decide_application

    result = Outcome()
    clerk, officer = actor_of(work, work.clerk), actor_of(work, work.officer)
    received = work.declared_on
    async with _act(factory, work, work.clerk, "receive", result) as session:
        application = await create_application(
            session,
            clerk,
            applicant_id=work.applicant_id,
            benefit_type_id=work.benefit_type_id,
            received_on=received,
            declaration_id=work.declaration_id,
            today=received,
        )
    result.application_id = application.id
    async with _act(factory, work, work.clerk, "compute", result) as session:
        assessed = await assess_application(
            session, clerk, application.id, expected_version=application.version
        )
    outcome = "granted" if assessed.assessed_eligible else "refused"
    valid_to = None
    if outcome == "granted" and code != "GMI" and not assessed.assessed_period_months:
        valid_to = period_of_months(received, HOUSING_MONTHS).valid_to
    async with _act(factory, work, work.officer, "decide", result) as session:
        decision = await decide_application(
            session,
            officer,
            application.id,
            outcome=outcome,
            amount=None,  # granted: the assessed amount
            valid_from=received if outcome == "granted" else None,
            valid_to=valid_to,
            reasons=REASONS[outcome],
            expected_version=assessed.version,
            today=received + dt.timedelta(days=work.decide_after_days),
        )
    result.decision_id, result.outcome, result.amount = decision.id, decision.outcome, decision.amount
    return result


async def run_batch(
    settings: Any,
    work: Sequence[Work],
    *,
    code: str,
    concurrency: int,
    warmup: int = 0,
    log: StatementLog | None = None,
    progress: bool = False,
) -> tuple[list[Outcome], float]:
    """The applications of `work` by `concurrency` sessions; the first `warmup` are not returned. Returns
    the outcomes (in the order of `work`) and the wall time of the measured part."""
    import app.metadata  # noqa: F401  every model, as the app loads them (foreign keys resolve)
    from app.db import async_session_factory, make_async_engine

    engine = make_async_engine(settings.runtime_url(), pool_size=concurrency, max_overflow=0)
    log = log or StatementLog()
    log.attach(engine.sync_engine)
    factory = async_session_factory(engine)

    async def run(items: Sequence[Work]) -> tuple[list[Outcome], float]:
        outcomes: list[Outcome | None] = [None] * len(items)
        next_index = iter(range(len(items)))
        done = [0]

        async def session_loop() -> None:
            for i in next_index:
                try:
                    outcomes[i] = await process(factory, items[i], code)
                except Exception as exc:  # counted and reported: one failure must not stop the batch
                    outcomes[i] = Outcome(error=f"{type(exc).__name__}: {exc}"[:300])
                done[0] += 1
                if progress and done[0] % 1000 == 0:
                    print(f"  … {done[0]:,} of {len(items):,}", flush=True)

        started = time.perf_counter()
        await asyncio.gather(*(session_loop() for _ in range(min(concurrency, max(len(items), 1)))))
        return [o for o in outcomes if o is not None], time.perf_counter() - started

    try:
        if warmup:
            await run(work[:warmup])
        log.recording = True
        return await run(work[warmup:])
    finally:
        log.recording = False
        await engine.dispose()


# --------------------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------------------


def _ms(ns: float) -> float | None:
    return None if math.isnan(ns) else round(ns / 1e6, 2)


def latency(values_ns: Sequence[int]) -> dict[str, float | None]:
    ordered = sorted(values_ns)
    return {
        "p50": _ms(percentile(ordered, 50)),
        "p95": _ms(percentile(ordered, 95)),
        "p99": _ms(percentile(ordered, 99)),
        "max": _ms(ordered[-1]) if ordered else None,
        "mean": _ms(statistics.fmean(ordered)) if ordered else None,
    }


def summarise(outcomes: Sequence[Outcome], wall_s: float, concurrency: int) -> dict[str, Any]:
    ok = [o for o in outcomes if o.error is None]
    acts: dict[str, Any] = {}
    for name in (*ACTS, "application"):
        values = [sum(o.ns.values()) if name == "application" else o.ns[name] for o in ok]
        statements = [sum(o.statements.values()) if name == "application" else o.statements[name] for o in ok]
        db = [sum(o.db_ns.values()) if name == "application" else o.db_ns[name] for o in ok]
        acts[name] = {
            "label": ACT_LABELS[name],
            "latency_ms": latency(values),
            "statements_mean": round(statistics.fmean(statements), 1) if statements else None,
            "db_ms_mean": _ms(statistics.fmean(db)) if db else None,
        }
    errors = Counter(o.error.split(":")[0] for o in outcomes if o.error)
    return {
        "applications": len(outcomes),
        "succeeded": len(ok),
        "errors": dict(errors),
        "error_examples": sorted({o.error for o in outcomes if o.error})[:5],
        "wall_s": round(wall_s, 2),
        "applications_per_s": round(len(ok) / wall_s, 1) if wall_s else None,
        "concurrency": concurrency,
        "outcomes": dict(Counter(o.outcome for o in ok)),
        "amount_granted_total": str(sum((o.amount or Decimal(0) for o in ok), Decimal("0.00"))),
        "acts": acts,
    }


def render_table(summary: dict[str, Any]) -> str:
    header = ("act (one transaction each)", "p50 ms", "p95 ms", "p99 ms", "max ms", "statements", "db ms")
    body = []
    for name in (*ACTS, "application"):
        a = summary["acts"][name]
        lat = a["latency_ms"]
        figures = [f"{lat[k]:.2f}" if lat[k] is not None else "—" for k in ("p50", "p95", "p99", "max")]
        body.append((a["label"], *figures, f"{a['statements_mean']}", f"{a['db_ms_mean']}"))
    widths = [max(len(r[i]) for r in (header, *body)) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in body]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------
# Checks: what was written, and a recomputation
# --------------------------------------------------------------------------------------------------------


def _cents(value: Any) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == -2


def check_written(maint_conninfo: str, outcomes: Sequence[Outcome], code: str) -> dict[str, Any]:
    """Every application decided once; a grant for every grant, with the decision's amount and the
    assessed period from the day received; no grant for a refusal; amounts Decimal in cents."""
    import psycopg

    from app.domains.benefits.periods import period_of_months

    ids = [o.application_id for o in outcomes if o.application_id is not None]
    problems: list[str] = []
    with psycopg.connect(maint_conninfo) as conn:
        conn.execute("SET TRANSACTION READ ONLY")
        applications = {
            r[0]: r
            for r in conn.execute(
                "SELECT id, status, assessed_amount, assessed_eligible, assessed_period_months, received_on "
                "FROM app.applications WHERE id = ANY(%s)",
                (ids,),
            )
        }
        decisions = conn.execute(
            "SELECT application_id, id, outcome, amount, valid_from, valid_to, grant_id FROM app.decisions "
            "WHERE application_id = ANY(%s)",
            (ids,),
        ).fetchall()
        grants = {
            r[0]: r
            for r in conn.execute(
                "SELECT decision_id, id, amount, valid_from, valid_to FROM app.benefit_grants "
                "WHERE decision_id = ANY(%s)",
                ([d[1] for d in decisions],),
            )
        }
    per_application = Counter(d[0] for d in decisions)
    if len(applications) != len(ids):
        problems.append(f"{len(ids) - len(applications)} applications not found")
    if any(n != 1 for n in per_application.values()) or len(per_application) != len(ids):
        problems.append("not exactly one decision per application")
    for app_id, (_, status, assessed, *_) in applications.items():
        if status != "decided":
            problems.append(f"application {app_id} is {status}")
        if not _cents(assessed):
            problems.append(f"application {app_id}: assessed amount {assessed!r} is not Decimal cents")
    for app_id, decision_id, outcome, amount, valid_from, valid_to, grant_id in decisions:
        _, _, assessed, eligible, months, received = applications[app_id]
        grant = grants.get(decision_id)
        if outcome == "granted":
            expected_to = period_of_months(received, months or HOUSING_MONTHS).valid_to
            if not eligible or grant is None or grant_id != grant[1]:
                problems.append(f"decision {decision_id}: granted without an eligible assessment or grant")
            elif not (_cents(amount) and amount == assessed == grant[2] and amount > 0):
                problems.append(
                    f"decision {decision_id}: amount {amount!r}, assessed {assessed!r}, grant {grant[2]!r}"
                )
            elif (valid_from, valid_to) != (received, expected_to) or (grant[3], grant[4]) != (
                received,
                expected_to,
            ):
                problems.append(f"decision {decision_id}: period {valid_from}–{valid_to}")
        elif outcome == "refused":
            if eligible or grant is not None or amount is not None:
                problems.append(f"decision {decision_id}: refused but eligible, or with a grant or amount")
        else:
            problems.append(f"decision {decision_id}: outcome {outcome}")
    outcomes_written = Counter(d[2] for d in decisions)
    return {
        "applications_written": len(applications),
        "decisions_written": len(decisions),
        "grants_written": len(grants),
        "outcomes_written": dict(outcomes_written),
        "problems": problems[:20],
        "problem_count": len(problems),
        "ok": not problems,
    }


def independent_gmi(
    declared_on: dt.date,
    persons: int,
    incomes: Sequence[tuple[str, dt.date, Decimal]],
    gmi_first: Decimal,
    gmi_other: Decimal,
) -> Decimal:
    """GMI = first + other × (persons − 1) − I, written again from MK 809 Annex 2 without the app's rules
    module: I is the monthly average of counted regular incomes over the 3 full months before the month
    of declaration plus counted irregular ones over 12, each type's average rounded to cents. Negative
    means no right to the benefit."""
    from app.domains.assistance.incomes import INCOME_TYPES

    def months_before(n: int) -> set[dt.date]:
        index = declared_on.year * 12 + declared_on.month - 1
        return {dt.date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(1, n + 1)}

    periods = {True: (months_before(3), Decimal(3)), False: (months_before(12), Decimal(12))}
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for code, month, amount in incomes:
        kind = INCOME_TYPES.get(code)
        if kind is not None and kind.counts and month in periods[kind.regular][0]:
            sums[code] += amount
    income = sum(
        (
            (total / periods[INCOME_TYPES[c].regular][1]).quantize(Decimal("0.01"), "ROUND_HALF_UP")
            for c, total in sums.items()
        ),
        Decimal("0.00"),
    )
    return gmi_first + gmi_other * (persons - 1) - income


async def recompute_sample(
    settings: Any, work: Sequence[Work], outcomes: Sequence[Outcome], code: str, sample: int, seed: int
) -> dict[str, Any]:
    """For a sample: the app's `assess_declaration` again (fresh sessions as app_rw), and for GMI the
    independent formula, against the stored assessment; also times the pure rules alone."""
    from sqlalchemy import select

    from app.db import async_session_factory, make_async_engine, tenant_uow
    from app.domains.assistance.assessment import compute, declaration_facts, parameters_for
    from app.domains.assistance.models import DeclarationIncome, LegalParameter
    from app.domains.benefits.models import Application

    kind = "gmi" if code == "GMI" else "housing"
    pairs = [(w, o) for w, o in zip(work, outcomes, strict=True) if o.error is None and o.application_id]
    chosen = random.Random(seed).sample(pairs, min(sample, len(pairs)))
    mismatches: list[str] = []
    pure_ns: list[int] = []
    independent = 0
    engine = make_async_engine(settings.runtime_url())
    factory = async_session_factory(engine)
    try:
        for w, o in chosen:
            async with tenant_uow(factory, w.tenant_id) as session:
                stored = await session.scalar(select(Application).where(Application.id == o.application_id))
                assert stored is not None
                facts = await declaration_facts(session, w.declaration_id)
                params = await parameters_for(session, facts, facts.declared_on)
                started = time.perf_counter_ns()
                again = compute(kind, facts, params)
                pure_ns.append(time.perf_counter_ns() - started)
                if not isinstance(stored.assessed_amount, Decimal):
                    mismatches.append(
                        f"{o.application_id}: assessed amount is {type(stored.assessed_amount)}"
                    )
                amount = again.amount if again.eligible else Decimal("0.00")
                if (amount, again.eligible, again.period_months) != (
                    stored.assessed_amount,
                    stored.assessed_eligible,
                    stored.assessed_period_months,
                ) or again.as_json() != stored.explanation:
                    mismatches.append(
                        f"{o.application_id}: recomputed {amount} ≠ stored {stored.assessed_amount}"
                    )
                if kind != "gmi":
                    continue
                rows = await session.execute(
                    select(LegalParameter.key, LegalParameter.value).where(
                        LegalParameter.key.in_(("gmi_first", "gmi_other")),
                        LegalParameter.valid_from <= facts.declared_on,
                        (LegalParameter.valid_to.is_(None)) | (LegalParameter.valid_to >= facts.declared_on),
                    )
                )
                published = {key: value for key, value in rows}
                if len(published) < 2:
                    continue  # no published thresholds on the date (derived from the median): not checked
                declared = select(
                    DeclarationIncome.income_type, DeclarationIncome.month, DeclarationIncome.amount
                )
                incomes = [
                    (code, month, amount)
                    for code, month, amount in await session.execute(
                        declared.where(DeclarationIncome.declaration_id == w.declaration_id)
                    )
                ]
                expected = independent_gmi(
                    facts.declared_on, facts.persons, incomes, published["gmi_first"], published["gmi_other"]
                )
                independent += 1
                if stored.assessed_eligible and stored.assessed_amount != expected.quantize(Decimal("0.01")):
                    mismatches.append(
                        f"{o.application_id}: independent GMI {expected} ≠ {stored.assessed_amount}"
                    )
                if not stored.assessed_eligible and expected > 0:
                    mismatches.append(
                        f"{o.application_id}: refused, the independent formula gives {expected}"
                    )
    finally:
        await engine.dispose()
    pure = sorted(pure_ns)
    return {
        "sample": len(chosen),
        "kind": kind,
        "independent_formula_checked": independent,
        "mismatches": mismatches[:20],
        "mismatch_count": len(mismatches),
        "pure_rules_us": {
            "p50": round(percentile(pure, 50) / 1e3, 1) if pure else None,
            "p95": round(percentile(pure, 95) / 1e3, 1) if pure else None,
        },
        "ok": not mismatches,
    }


# --------------------------------------------------------------------------------------------------------
# The statements that took the most time, with their plans
# --------------------------------------------------------------------------------------------------------


def _plan_summary(plan: Sequence[str]) -> list[str]:
    keep = ("Scan", "Index Cond", "Filter", "Rows Removed", "Join", "Sort", "Execution Time", "SubPlan")
    return [line.rstrip() for line in plan if any(k in line for k in keep)]


TENANT_ONLY = (
    "Index Cond: (tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)"
)


def whole_reads(plan: Sequence[str]) -> list[str]:
    """Tables a plan reads whole: a Seq Scan, or an index scan whose only condition is the municipality
    (RLS's tenant_id = …: every row of the municipality is read, then filtered)."""
    tables: set[str] = set()
    current = ""
    for line in plan:
        text = line.strip().removeprefix("->  ")
        if text.startswith(("Seq Scan on ", "Parallel Seq Scan on ")):
            tables.add(text.split(" on ")[1].split()[0])
        elif text.startswith(
            ("Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Parallel Bitmap Heap Scan")
        ):
            current = text.split(" on ")[1].split()[0]
        elif text == TENANT_ONLY and current:
            tables.add(current)
    return sorted(tables)


def explain_statements(runtime_conninfo: str, log: StatementLog) -> list[dict[str, Any]]:
    """Every statement the acts ran, by database time in all (as the acts waited for it: with other
    sessions' work interleaved); each SELECT with EXPLAIN ANALYZE of its slowest run, in a transaction
    rolled back, as app_rw with that run's municipality. `whole_reads` names the tables read whole."""
    import psycopg

    ranked = sorted(log.by_text.items(), key=lambda item: item[1].total_ns, reverse=True)
    found = []
    with psycopg.connect(runtime_conninfo) as conn:
        for text, stats in ranked:
            parameters, tenant = stats.slowest
            entry: dict[str, Any] = {
                "statement": " ".join(text.split())[:600],
                "calls": stats.count,
                "total_ms": round(stats.total_ns / 1e6, 1),
                "mean_ms": round(stats.total_ns / stats.count / 1e6, 3),
                "max_ms": round(stats.max_ns / 1e6, 2),
            }
            if text.lstrip().upper().startswith("SELECT") and isinstance(parameters, dict | tuple | list):
                try:
                    with conn.transaction(force_rollback=True):
                        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (str(tenant or ""),))
                        plan = [r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + text, parameters)]
                    entry["plan"] = plan
                    entry["plan_summary"] = _plan_summary(plan)
                    entry["whole_reads"] = whole_reads(plan)
                    timing = [line for line in plan if line.startswith("Execution Time")]
                    entry["execution_ms"] = float(timing[0].split()[2]) if timing else None
                except psycopg.Error as exc:
                    entry["plan_error"] = str(exc).strip()[:200]
            found.append(entry)
    return found


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.benefits_bench", description=__doc__.split("\n")[0]
    )
    p.add_argument("--applications", type=int, default=10_000, help="applications measured (10 000)")
    p.add_argument("--concurrency", type=int, default=4, help="sessions working at once (4)")
    p.add_argument("--warmup", type=int, default=50, help="applications first, not counted (50)")
    p.add_argument("--benefit", choices=("GMI", "MP"), default="GMI", help="catalogue code (GMI)")
    p.add_argument("--sample", type=int, default=300, help="applications recomputed to check (300)")
    p.add_argument("--seed", type=int, default=1, help="seed for drawing the declarations (1)")
    p.add_argument("--load", action="store_true", help="drop the database (a *bench* one) and load a dataset")
    p.add_argument("--persons", type=int, default=300_000, help="with --load: persons (300 000)")
    p.add_argument("--municipalities", type=int, default=43, help="with --load: municipalities (43)")
    p.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/benefits-<time>.json)")
    args = p.parse_args(argv)
    for name in ("applications", "concurrency", "persons", "municipalities"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    if args.warmup < 0 or args.sample < 0:
        p.error("--warmup and --sample cannot be negative")
    return args


def load_dataset(database_url: str, persons: int, municipalities: int) -> dict[str, Any]:
    """A fresh database loaded by the national dataset generator (only a database named *bench*)."""
    from app import dbsetup
    from benchmarks.national_dataset import load_national_dataset, settings_for

    settings = settings_for(database_url)
    name = settings.admin_url().database or ""
    if "bench" not in name:
        raise BenchError(f"refusing to drop {name!r}: --load only rebuilds a database whose name has 'bench'")
    print(f"Dropping, creating and migrating {name!r} …", flush=True)
    dbsetup.drop_database(settings, name)
    dbsetup.bootstrap(settings)
    dbsetup.migrate(settings)
    print(f"Loading {persons:,} persons into {municipalities} municipalities …", flush=True)
    report = load_national_dataset(
        settings, persons=persons, municipalities=municipalities, progress=lambda s: print(s, flush=True)
    )
    print(report.render(), flush=True)
    return {"seconds": round(report.seconds, 1), "rows": report.rows}


def run(args: argparse.Namespace) -> int:
    from app.config import load_settings

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = bench_env(database_url, os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    settings = load_settings(env)
    started = datetime_now()
    report: dict[str, Any] = {
        "benchmark": "benefits",
        "started_at": started.isoformat(timespec="seconds"),
        "database": settings.admin_url().database,
        "settings": {
            k: getattr(args, k)
            for k in ("applications", "concurrency", "warmup", "benefit", "sample", "seed")
        },
    }
    if args.load:
        report["load"] = load_dataset(database_url, args.persons, args.municipalities)
    maint = libpq_url(settings.maint_url())
    work, held = draw_work(maint, args.benefit, args.applications + args.warmup, args.seed)
    report["dataset_before"] = held
    report["environment"] = environment_info(libpq_url(settings.admin_url()), settings.redis_url, 1, None)
    report["environment"]["server"] = {"command": "in process: asyncio, SQLAlchemy async + psycopg 3"}
    print(
        f"{args.applications:,} {args.benefit} applications (+{args.warmup} warm-up) from "
        f"{held['candidates']:,} free submitted declarations in {held['municipalities']} municipalities; "
        f"{args.concurrency} sessions as app_rw under RLS, one transaction per act …",
        flush=True,
    )
    log = StatementLog()
    outcomes, wall = asyncio.run(
        run_batch(
            settings,
            work,
            code=args.benefit,
            concurrency=args.concurrency,
            warmup=args.warmup,
            log=log,
            progress=True,
        )
    )
    measured = work[args.warmup :]
    summary = summarise(outcomes, wall, args.concurrency)
    report["result"] = summary
    report["municipalities_in_batch"] = dict(Counter(w.slug for w in measured).most_common())
    print("Checking what was written …", flush=True)
    report["written"] = check_written(maint, outcomes, args.benefit)
    print(f"Recomputing {min(args.sample, len(outcomes))} of them …", flush=True)
    report["recomputed"] = asyncio.run(
        recompute_sample(settings, measured, outcomes, args.benefit, args.sample, args.seed)
    )
    report["statements"] = explain_statements(libpq_url(settings.runtime_url()), log)
    report["environment"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    output: Path = args.output or RESULTS_DIR / f"benefits-{started:%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print()
    print(render_table(summary))
    outcomes_text = ", ".join(f"{k} {v:,}" for k, v in sorted(summary["outcomes"].items()))
    print(
        f"\n{summary['succeeded']:,} of {summary['applications']:,} applications in "
        f"{summary['wall_s']:.1f} s with {args.concurrency} sessions: "
        f"{summary['applications_per_s']} applications/s ({outcomes_text}); "
        f"errors: {summary['errors'] or 'none'}"
    )
    written, again = report["written"], report["recomputed"]
    consistent = (
        "all consistent"
        if written["ok"]
        else f"{written['problem_count']} problems: {written['problems'][:3]}"
    )
    print(
        f"Written: {written['decisions_written']:,} decisions, {written['grants_written']:,} grants: "
        f"{consistent}"
    )
    equal = "all equal" if again["ok"] else f"{again['mismatch_count']} mismatches: {again['mismatches'][:3]}"
    print(
        f"Recomputed {again['sample']} ({again['independent_formula_checked']} also by the independent "
        f"formula): {equal}; pure rules p50 {again['pure_rules_us']['p50']} µs"
    )
    print("\nStatements with the most database time (as the acts waited for them):")
    for s in report["statements"][:TOP_STATEMENTS]:
        print(
            f"  {s['total_ms']:>9.1f} ms in {s['calls']:>6,} calls ({s['mean_ms']:.3f} ms each): "
            f"{s['statement'][:100]}"
        )
        for line in s.get("plan_summary", [])[:6]:
            print(f"      {line.strip()}")
    scans = [s for s in report["statements"] if s.get("whole_reads")]
    print(
        f"\nSELECTs whose plan reads a whole table or municipality ({len(scans)} of "
        f"{len(report['statements'])} statements):"
    )
    for s in scans:
        tables = ", ".join(s["whole_reads"])
        print(f"  {tables}: {s['execution_ms']} ms, {s['calls']:,} calls: {s['statement'][:80]}")
    print(f"\nJSON: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0 if not summary["errors"] and written["ok"] and again["ok"] else 1


def datetime_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with sigterm_as_interrupt():
            return run(args)
    except BenchError as exc:
        print(f"\nbenefits_bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nbenefits_bench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
