"""Notification delivery throughput: a backlog of committed notices drained by the real worker processes.

    .venv/bin/python -m benchmarks.notifications_bench                  # 10 000, 1 process × 4 threads
    .venv/bin/python -m benchmarks.notifications_bench --processes 2 --threads 8
    .venv/bin/python -m benchmarks.notifications_bench --count 2000 --smtp-latency-ms 50

One run:

1. **Database**: drops and recreates the scratch database (the name must contain "bench"), bootstrap,
   migrate, then the demo's three municipalities with their synthetic persons (`app.demo`), nothing else
   of the demo data. Every person gets an e-mail address, a mobile number and a consented contact
   preference: 70 % by e-mail, 30 % by SMS (`--email-share`), some in English (`--english-share`).
2. **Acts**: `--count` notices published with `app.notifications.events.publish_sync`, the path a
   service takes (consent, language, template, address check, message row and outbox row), `--batch` per
   tenant transaction, round robin over the municipalities. Timed separately: this is not the drain.
3. **Channels**: a real SMTP server (aiosmtpd on loopback) that keeps every message, and the SMS gateway
   simulator (workers/channels/sms.py, HTTP on loopback); each can answer with a delay
   (`--smtp-latency-ms`, `--sms-latency-ms`).
4. **Drain**: `--processes` × `python -m app.cli worker --threads N` (the `atbalsts worker` command: the
   Dramatiq worker with the outbox relay in each process, or `--relay separate`: `atbalsts relay` in its
   own process), with SMTP_HOST/SMTP_PORT and SMS_GATEWAY_URL/SMS_GATEWAY_TOKEN pointing at the servers
   above. The harness polls the database as the maintenance role until every message is `sent`.
5. **Checks** (exit 1 if one fails): every message sent on the first attempt, none failed or given up;
   the SMTP server got exactly the e-mails, one per outbox id (Message-ID), with the subject and text
   stored (diacritics intact); the simulator got exactly the SMS, one per outbox id, no replays; one
   `processed_messages` row each; the Dramatiq queue and its dead letters empty.
6. **Report**: a table and JSON in benchmarks/results/notifications-<time>.json, worker logs next to it.
   Clean-up (also on errors, Ctrl-C, SIGTERM): workers stopped, servers closed, the broker's keys deleted
   from the Redis database (only keys of the worker's namespace), the scratch database dropped.

Needs local PostgreSQL and Redis: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/
atbalsts_bench_notify, a superuser that may create roles and databases) and REDIS_URL (default
redis://127.0.0.1:6379/12). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.http_bench import (
    BenchError,
    bench_env,
    database_name,
    drop_scratch_database,
    libpq_url,
    scratch_database_name,
    sigterm_as_interrupt,
)
from benchmarks.report import environment_info
from benchmarks.servers import ROOT

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller
    from sqlalchemy.orm import Session, sessionmaker

    from app.config import Settings
    from workers.channels.sms import SmsSimulator

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/atbalsts_bench_notify"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"  # 14 is http_bench's, 0 dev, 9 CI
# `atbalsts worker` always uses run_worker's default namespace; the Redis database keeps runs apart.
NAMESPACE = "atbalsts"
QUEUE = "notifications"  # workers.broker.NOTIFICATIONS
POLL_S = 0.25
STOP_TIMEOUT_S = 45.0  # the worker finishes the messages in hand (worker.stop(timeout=30 s))
SCHEMA_VERSION = 1
HARNESS = "notifications_bench"  # application_name of the harness's polling connection

# --------------------------------------------------------------------------------------------------------
# What is published: events of the client-facing catalogue with their variables (Latvian by default)
# --------------------------------------------------------------------------------------------------------

DAY = dt.date(2026, 11, 23)


def _variables(event: str, n: int) -> dict[str, Any]:
    """The variables of `event` for the n-th notice (distinct numbers, so messages differ)."""
    from app.notifications.events import Localized

    number = f"S-2026/{n:05d}"
    service = Localized(lv="Garantētā minimālā ienākuma pabalsts", en="Guaranteed minimum income benefit")
    if event == "application_received":
        return {
            "application_number": number,
            "service_name": service,
            "received_on": DAY,
            "answer_by": DAY + dt.timedelta(days=30),
        }
    if event == "application_decided":
        return {
            "application_number": number,
            "decision_number": f"L-2026/{n:05d}",
            "service_name": service,
            "decided_on": DAY,
            "appeal_by": DAY + dt.timedelta(days=31),
        }
    if event == "status_expiring":
        return {
            "status_name": Localized(lv="Trūcīgas personas statuss", en="Needy person status"),
            "expires_on": DAY + dt.timedelta(days=21),
            "days_left": 21,
        }
    if event == "benefit_expiring":
        return {
            "benefit_name": Localized(lv="Mājokļa pabalsts", en="Housing benefit"),
            "amount": Decimal("187.45") + n % 100,
            "expires_on": DAY + dt.timedelta(days=14),
            "days_left": 14,
        }
    if event == "queue_position_changed":
        return {
            "queue_name": Localized(lv="Sociālā dzīvokļa rinda", en="Social housing queue"),
            "position": 1 + n % 250,
        }
    return {"decision_number": f"L-2026/{n:05d}", "decided_on": DAY}  # decision_pdf_ready


EVENTS = (
    "application_received",
    "application_decided",
    "status_expiring",
    "benefit_expiring",
    "queue_position_changed",
    "decision_pdf_ready",
)


def ascii_slug(text: str) -> str:
    """ "Ģirts Ķēniņš" → "girts.kenins": e-mail local parts are ASCII (app.notifications.addresses)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return ".".join(part for part in plain.replace("-", " ").split() if part.isalnum())


def email_share_picks(count: int, share: float) -> list[bool]:
    """True for the notices that go by e-mail: exactly round(count × share), spread evenly."""
    return [int((i + 1) * share + 0.5) > int(i * share + 0.5) for i in range(count)]


# --------------------------------------------------------------------------------------------------------
# The channels' servers
# --------------------------------------------------------------------------------------------------------


@dataclass
class CountingSmtpSink:
    """An SMTP server on loopback keeping every message as received (parsed only after the run, so the
    harness spends little CPU during it). aiosmtpd runs `handle_DATA` on its own event loop thread."""

    port: int
    latency_s: float = 0.0
    raw: list[bytes] = field(default_factory=list)
    sessions: int = 0
    controller: Controller | None = None

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sessions += 1  # one SMTP session per message is what workers/smtp.py does today
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.latency_s:
            await asyncio.sleep(self.latency_s)  # a slower relay; other sessions go on meanwhile
        self.raw.append(bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> CountingSmtpSink:
        from aiosmtpd.controller import Controller

        # A fixed server name: aiosmtpd would otherwise resolve the host's FQDN for every session.
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, server_hostname="bench.local"
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --------------------------------------------------------------------------------------------------------
# Set-up: contacts and preferences, then the acts
# --------------------------------------------------------------------------------------------------------


@dataclass
class Pools:
    """Per municipality, the persons who chose e-mail and those who chose SMS."""

    tenants: list[tuple[str, uuid.UUID]]  # (slug, id)
    email: dict[uuid.UUID, list[uuid.UUID]]
    sms: dict[uuid.UUID, list[uuid.UUID]]
    english: int


def load_dataset(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    seed: int,
    email_share: float,
    english_share: float,
) -> Pools:
    """The demo's three municipalities and their synthetic persons (`app.demo`: names, valid codes), but
    not the rest of the demo data: its acts could queue notifications of their own. Every person gets an
    e-mail address, a mobile number and a consented preference for one channel (e-mail for `email_share`
    of them, else SMS) and a language. Tenants as the maintenance role (the app role may only read them),
    the rest as the app role in one tenant transaction per municipality."""
    from sqlalchemy import insert, select

    from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
    from app.demo import MUNICIPALITIES, synthetic_persons
    from app.domains.people.models import Person
    from app.ids import uuid7
    from app.notifications.preference_models import ContactPreference
    from app.tenants.models import Tenant

    maint = make_sync_engine(settings.maint_url(), pool_size=1)
    try:
        with sync_session_factory(maint).begin() as s:
            tenants = [Tenant(slug=m.slug, name=m.name, atvk_code=m.atvk_code) for m in MUNICIPALITIES]
            s.add_all(tenants)
            s.flush()
            ids = [(t.slug, t.id) for t in tenants]
    finally:
        maint.dispose()
    pools = Pools(tenants=ids, email={}, sms={}, english=0)
    today = dt.date.today()
    for t, (m, (_slug, tenant_id)) in enumerate(zip(MUNICIPALITIES, ids, strict=True)):
        people = list(synthetic_persons(random.Random(f"{seed}:{m.slug}"), m.persons))
        picks = email_share_picks(len(people), email_share)
        english = {i for i in range(len(people)) if int((i + 1) * english_share) > int(i * english_share)}
        persons, preferences = [], []
        for i, person in enumerate(people):
            person_id, name = uuid7(), ascii_slug(f"{person['first_name']} {person['last_name']}")
            persons.append(
                {
                    **person,
                    "tenant_id": tenant_id,
                    "id": person_id,
                    "email": f"{name}.{t}{i:05d}@example.lv",
                    "phone": f"2{t}{i:06d}",  # 8 digits starting with 2: a Latvian mobile number
                }
            )
            preferences.append(
                {
                    "tenant_id": tenant_id,
                    "id": uuid7(),
                    "person_id": person_id,
                    "channels": ["email" if picks[i] else "sms"],
                    "language": "en" if i in english else "lv",
                    "consent": "given",
                    "consent_on": today,
                }
            )
            (pools.email if picks[i] else pools.sms).setdefault(tenant_id, []).append(person_id)
        pools.english += len(english)
        with sync_tenant_uow(sessions, tenant_id) as s:
            s.execute(insert(Person), persons)
            s.execute(insert(ContactPreference), preferences)
            if s.scalar(select(Tenant.name).where(Tenant.id == tenant_id)) is None:
                raise BenchError(f"the app role cannot read municipality {m.slug}")
    if not all(pools.email.get(tid) and pools.sms.get(tid) for _, tid in ids):
        raise BenchError("every municipality needs persons for both channels")
    return pools


@dataclass(frozen=True)
class Act:
    tenant_id: uuid.UUID
    person_id: uuid.UUID
    event: str
    n: int


def plan_acts(pools: Pools, count: int, email_share: float) -> list[Act]:
    """`count` notices: municipalities in turn, the channel mix exact, persons and events cycled."""
    picks = email_share_picks(count, email_share)
    cursors: Counter[tuple[uuid.UUID, bool]] = Counter()
    acts = []
    for n in range(count):
        tenant_id = pools.tenants[n % len(pools.tenants)][1]
        pool = (pools.email if picks[n] else pools.sms)[tenant_id]
        k = cursors[(tenant_id, picks[n])]
        cursors[(tenant_id, picks[n])] += 1
        acts.append(Act(tenant_id, pool[k % len(pool)], EVENTS[n % len(EVENTS)], n + 1))
    return acts


def commit_acts(sessions: sessionmaker[Session], acts: Sequence[Act], batch: int) -> dict[str, Any]:
    """Publish every act through `publish_sync`, `batch` per tenant transaction; timed."""
    from sqlalchemy import event

    from app.db import sync_tenant_uow
    from app.notifications.events import publish_sync

    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    by_tenant: dict[uuid.UUID, list[Act]] = {}
    for act in acts:
        by_tenant.setdefault(act.tenant_id, []).append(act)
    chunks = [group[i : i + batch] for group in by_tenant.values() for i in range(0, len(group), batch)]
    chunks.sort(key=lambda c: c[0].n)  # municipalities interleaved, as acts would arrive
    started = time.perf_counter()
    for chunk in chunks:
        with sync_tenant_uow(sessions, chunk[0].tenant_id) as s:
            for act in chunk:
                publish_sync(
                    s,
                    act.event,
                    person_id=act.person_id,
                    variables=_variables(act.event, act.n),
                    link=f"/persons/{act.person_id}",
                )
    elapsed = time.perf_counter() - started
    event.remove(engine, "before_cursor_execute", count)
    return {
        "notifications": len(acts),
        "transactions": len(chunks),
        "batch": batch,
        "seconds": round(elapsed, 2),
        "per_second": round(len(acts) / elapsed, 1),
        "statements": statements,
        "statements_per_notification": round(statements / len(acts), 2),
    }


# --------------------------------------------------------------------------------------------------------
# The database as the maintenance role (sees every municipality)
# --------------------------------------------------------------------------------------------------------

_PROGRESS = """
SELECT (SELECT count(*) FROM app.outbox WHERE dispatched_at IS NOT NULL),
       count(*) FILTER (WHERE status = 'sent'),
       count(*) FILTER (WHERE status = 'failed'),
       count(*) FILTER (WHERE status = 'given_up'),
       count(*) FILTER (WHERE status IN ('queued', 'unusable'))
FROM app.notification_messages
"""


@dataclass
class Sample:
    t: float  # seconds since the workers were started
    dispatched: int
    sent: int
    failed: int
    given_up: int
    waiting: int


def statuses(maint: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(maint) as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM app.notification_messages GROUP BY status"
        ).fetchall()
    return {str(status): int(n) for status, n in rows}


def delivery_facts(maint: str, spawned_at: datetime) -> dict[str, Any]:
    """Timings from the rows themselves (PostgreSQL's clock: now() is the transaction's start), attempts."""
    import psycopg

    with psycopg.connect(maint) as conn:
        conn.execute("SET TRANSACTION READ ONLY")
        first_dispatch, last_dispatch = conn.execute(
            "SELECT min(dispatched_at), max(dispatched_at) FROM app.outbox"
        ).fetchone() or (None, None)
        by_channel = conn.execute(
            "SELECT channel, count(*), min(sent_at), max(sent_at), max(attempts) "
            "FROM app.notification_messages GROUP BY channel ORDER BY channel"
        ).fetchall()
        attempts = conn.execute(
            "SELECT attempts, count(*) FROM app.notification_messages GROUP BY attempts ORDER BY attempts"
        ).fetchall()
        processed = conn.execute("SELECT count(*) FROM app.processed_messages").fetchone()
        outbox = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE dispatched_at IS NULL), coalesce(max(attempts), 0) "
            "FROM app.outbox"
        ).fetchone()
        problems = conn.execute("SELECT count(*) FROM app.contact_problems").fetchone()
    sent_times = [r[3] for r in by_channel if r[3] is not None]
    first_sent = min((r[2] for r in by_channel if r[2] is not None), default=None)
    last_sent = max(sent_times, default=None)

    def since_spawn(moment: datetime | None) -> float | None:
        return None if moment is None else round((moment - spawned_at).total_seconds(), 2)

    return {
        "first_dispatch_s": since_spawn(first_dispatch),
        "last_dispatch_s": since_spawn(last_dispatch),
        "first_sent_s": since_spawn(first_sent),
        "last_sent_s": since_spawn(last_sent),
        "by_channel": {
            str(ch): {"messages": int(n), "last_sent_s": since_spawn(last), "max_attempts": int(a or 0)}
            for ch, n, _first, last, a in by_channel
        },
        "attempts": {str(a): int(n) for a, n in attempts},
        "processed_messages": int(processed[0]) if processed else None,
        "outbox": {
            "rows": int(outbox[0]) if outbox else None,
            "not_dispatched": int(outbox[1]) if outbox else None,
            "max_relay_attempts": int(outbox[2]) if outbox else None,
        },
        "contact_problems": int(problems[0]) if problems else None,
    }


def stored_messages(maint: str) -> dict[str, dict[str, Any]]:
    """What the delivery log stored, by outbox id: channel, address, subject, text, SMS text."""
    import psycopg

    with psycopg.connect(maint) as conn:
        rows = conn.execute(
            "SELECT outbox_id, channel, address, subject, text, sms_text FROM app.notification_messages"
        ).fetchall()
    return {
        str(r[0]): {"channel": r[1], "address": r[2], "subject": r[3], "text": r[4], "sms_text": r[5]}
        for r in rows
    }


# --------------------------------------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------------------------------------


@dataclass
class WorkerProcess:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def cpu_seconds(self) -> float | None:
        return _proc_cpu_seconds(self.process.pid)


def start_process(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> WorkerProcess:
    """`python -m app.cli <args>` (what the `atbalsts` script runs) in its own process group. Under
    `setpriv --pdeathsig` (exec'd, same pid) it also dies if the harness is killed outright; a
    `preexec_fn` would do the same but is unsafe here, as the servers' threads already run."""
    command = [sys.executable, "-m", "app.cli", *args]
    launcher = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*launcher, *command],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return WorkerProcess(name, command, process, log_path)


def stop_process(worker: WorkerProcess) -> int | None:
    """SIGTERM (the worker finishes what it holds and exits), SIGKILL if it takes too long."""
    process = worker.process
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    return process.returncode


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def _proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process (all its threads) so far, from /proc (any user's process)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends_cpu(admin: str, since: datetime) -> tuple[int, float]:
    """(count, CPU seconds) of the PostgreSQL backends the workers opened on this database since `since`
    (the harness's connections excluded); they live as long as the workers' pools. As the superuser:
    other roles see other roles' sessions without their start time."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        pids = [
            int(r[0])
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND application_name <> %s AND backend_start >= %s",
                (HARNESS, since),
            ).fetchall()
        ]
    seconds = [_proc_cpu_seconds(pid) for pid in pids]
    return len(pids), sum(s for s in seconds if s is not None)


def redis_cpu(redis_url: str) -> float | None:
    """CPU seconds the Redis server has used (the whole instance: other databases too)."""
    import redis

    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(redis_url, socket_timeout=5)
        try:
            info = client.info("cpu")
            return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])
        finally:
            client.close()
    return None


def purge_namespace(redis_url: str) -> int:
    """Delete the broker's keys (queues, dead letters, heartbeats, periodic-job marks) from our database."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(f"{NAMESPACE}:*"))
        if keys:
            client.delete(*keys)
        return len(keys)
    finally:
        client.close()


def queue_state(redis_url: str) -> dict[str, int]:
    """Sizes of the notification queue's keys (its list, delayed queue, dead letters, message hashes)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5, decode_responses=True)
    try:
        sizes: dict[str, int] = {}
        for key in client.scan_iter(f"{NAMESPACE}:{QUEUE}*"):
            kind = str(client.type(key))
            length = {"list": client.llen, "zset": client.zcard, "hash": client.hlen, "set": client.scard}
            size = length.get(kind)
            sizes[str(key).removeprefix(f"{NAMESPACE}:")] = int(size(key)) if size else -1
        return sizes
    finally:
        client.close()


# --------------------------------------------------------------------------------------------------------
# Checks after the drain
# --------------------------------------------------------------------------------------------------------


def _outbox_id(message_id: object) -> str:
    return str(message_id).strip().strip("<>").partition("@")[0]


def check_emails(raw: list[bytes], stored: dict[str, dict[str, Any]]) -> dict[str, Any]:
    expected = {k for k, v in stored.items() if v["channel"] == "email"}
    parser = BytesParser(policy=policy.default)
    ids: list[str] = []
    wrong_content: list[str] = []
    for data in raw:
        message = parser.parsebytes(data)
        assert isinstance(message, EmailMessage)
        key = _outbox_id(message["Message-ID"])
        ids.append(key)
        row = stored.get(key)
        if row is None:
            continue  # counted as unexpected
        body = message.get_body(("plain",))
        # The wire has CRLF line ends, and a base64 or 8bit body keeps them in the decoded text.
        text = body.get_content().replace("\r\n", "\n") if isinstance(body, EmailMessage) else ""
        differs = [
            name
            for name, got, want in (
                ("subject", str(message["Subject"]), row["subject"]),
                ("to", str(message["To"]), row["address"]),
                ("text", text.rstrip("\n"), (row["text"] or "").rstrip("\n")),
            )
            if got != want
        ]
        if differs:
            wrong_content.append(f"{key}: {', '.join(differs)}")
    unique = set(ids)
    return {
        "expected": len(expected),
        "received": len(raw),
        "unique_message_ids": len(unique),
        "duplicates": len(ids) - len(unique),
        "missing": len(expected - unique),
        "unexpected": len(unique - expected),
        "content_mismatches": len(wrong_content),
        "content_mismatch_examples": wrong_content[:5],
    }


def check_sms(simulator: SmsSimulator, stored: dict[str, dict[str, Any]]) -> dict[str, Any]:
    expected = {k for k, v in stored.items() if v["channel"] == "sms"}
    keys = [m.key for m in simulator.messages]
    unique = set(keys)
    wrong = [
        m.key
        for m in simulator.messages
        if m.key not in stored or m.text != stored[m.key]["sms_text"] or m.to != stored[m.key]["address"]
    ]
    return {
        "expected": len(expected),
        "requests": simulator.requests,
        "accepted": len(simulator.messages),
        "unique_keys": len(unique),
        "duplicates": len(keys) - len(unique),
        "replays": simulator.requests - len(simulator.messages),
        "missing": len(expected - unique),
        "unexpected": len(unique - expected),
        "content_mismatches": len(wrong),
        "content_mismatch_examples": wrong[:5],
    }


def failed_checks(
    count: int, final: dict[str, int], facts: dict[str, Any], emails: dict[str, Any], sms: dict[str, Any],
    queue: dict[str, int],
) -> list[str]:  # fmt: skip
    problems = []
    if final.get("sent", 0) != count or set(final) != {"sent"}:
        problems.append(f"statuses {final}, expected {count} sent")
    if set(facts["attempts"]) != {"1"}:
        problems.append(f"attempts {facts['attempts']}, expected 1 each")
    if facts["processed_messages"] != count:
        problems.append(f"{facts['processed_messages']} processed_messages rows, expected {count}")
    for name, result, seen in (("SMTP", emails, "received"), ("SMS", sms, "accepted")):
        if (
            result[seen] != result["expected"]
            or result["duplicates"]
            or result["missing"]
            or result["unexpected"]
        ):
            problems.append(f"{name}: {result[seen]} for {result['expected']} expected, {result}")
        if result["content_mismatches"]:
            problems.append(f"{name}: {result['content_mismatches']} messages differ from the stored text")
    if sms["replays"]:
        problems.append(f"SMS: {sms['replays']} repeated requests")
    leftovers = {k: v for k, v in queue.items() if v and not k.endswith(".msgs")}
    if leftovers:
        problems.append(f"Redis: messages left in {leftovers}")
    return problems


# --------------------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.notifications_bench", description=(__doc__ or "").split("\n")[0]
    )
    p.add_argument("--count", type=int, default=10_000, help="notifications to commit and drain (10 000)")
    p.add_argument("--email-share", type=float, default=0.7, help="share sent by e-mail, the rest SMS (0.7)")
    p.add_argument("--english-share", type=float, default=0.1, help="share of persons reading English (0.1)")
    p.add_argument("--batch", type=int, default=100, help="notifications per act transaction (100)")
    p.add_argument("--processes", type=int, default=1, help="worker processes (1)")
    p.add_argument(
        "--threads", type=int, default=4, help="threads per worker process (4, as `atbalsts worker`)"
    )
    p.add_argument(
        "--relay",
        choices=("embedded", "separate"),
        default="embedded",
        help="the outbox relay in each worker process (default, as `atbalsts worker`) or `atbalsts relay`",
    )
    p.add_argument("--smtp-latency-ms", type=float, default=0.0, help="SMTP server delay before 250 (0)")
    p.add_argument("--sms-latency-ms", type=float, default=0.0, help="SMS gateway delay before 201 (0)")
    p.add_argument("--timeout", type=float, default=900.0, help="give up draining after this many s (900)")
    p.add_argument("--seed", type=int, default=2026, help="random seed of the persons (2026)")
    p.add_argument("--keep-db", action="store_true", help="keep the scratch database afterwards (to inspect)")
    p.add_argument(
        "--output", type=Path, help="JSON file (default benchmarks/results/notifications-<time>.json)"
    )
    args = p.parse_args(argv)
    for name in ("count", "batch", "processes", "threads"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    for name in ("email_share", "english_share"):
        if not 0 <= getattr(args, name) <= 1:
            p.error(f"--{name.replace('_', '-')} must be between 0 and 1")
    if args.smtp_latency_ms < 0 or args.sms_latency_ms < 0 or args.timeout <= 0:
        p.error("latencies must be 0 or more, the timeout positive")
    return args


def _n(value: float | None, unit: str = "") -> str:
    """A figure for the table: thousands separated, "—" when it could not be measured."""
    if value is None:
        return "—"
    return (f"{value:,}" if isinstance(value, int) else f"{value:,.1f}") + unit


def render_report(report: dict[str, Any]) -> str:
    r, s = report["results"], report["settings"]
    acts, facts, cpu = report["acts"], r["facts"], r["cpu"]
    rows = [
        ("notifications (e-mail / SMS)",
         f"{_n(s['count'])} ({_n(r['emails']['expected'])} / {_n(r['sms']['expected'])})"),
        ("workers", f"{s['processes']} process(es) × {s['threads']} threads, relay {s['relay']}"),
        ("acts: publish_sync + commit",
         f"{_n(acts['seconds'], ' s')}, {_n(acts['per_second'], '/s')}, "
         f"{acts['statements_per_notification']} SQL statements per notification"),
        ("DRAIN: workers started → all sent", _n(r["drain_s"], " s")),
        ("throughput over the drain", _n(r["throughput_per_s"], " msg/s")),
        ("start → first dispatch", _n(facts["first_dispatch_s"], " s")),
        ("first dispatch → last sent", f"{_n(r['delivery_s'], ' s')} ({_n(r['delivery_per_s'], ' msg/s')})"),
        ("best 10 s window", _n(r["peak_10s_per_s"], " msg/s")),
        ("relay: first → last dispatch", _n(r["relay_s"], " s")),
        ("machine CPU busy during drain",
         f"{_n(cpu['machine_busy_pct'], ' %')} of {report['environment']['cpu_count']} CPUs"),
        ("CPU: workers / their PG backends",
         f"{_n(cpu['workers_s'], ' s')} / {_n(cpu['postgres_backends_s'], ' s')} "
         f"({_n(cpu['workers_ms_per_message'], ' ms')} per message in the workers)"),
        ("CPU: harness (servers) / Redis", f"{_n(cpu['harness_s'], ' s')} / {_n(cpu['redis_s'], ' s')}"),
        ("SMTP: received / unique Message-IDs",
         f"{_n(r['emails']['received'])} / {_n(r['emails']['unique_message_ids'])}"),
        ("SMS: accepted / requests", f"{_n(r['sms']['accepted'])} / {_n(r['sms']['requests'])}"),
        ("statuses", ", ".join(f"{k} {v:,}" for k, v in sorted(r["statuses"].items()))),
        ("attempts per message", ", ".join(f"{k}: {v:,}" for k, v in facts["attempts"].items())),
        ("checks", "ok" if not r["failed_checks"] else "FAILED: " + "; ".join(r["failed_checks"])),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows)


def peak_rate(samples: list[Sample], window_s: float = 10.0) -> float:
    best = 0.0
    j = 0
    for i, sample in enumerate(samples):
        while samples[j].t < sample.t - window_s:
            j += 1
        span = sample.t - samples[j].t
        if span >= window_s * 0.9 and i > j:
            best = max(best, (sample.sent - samples[j].sent) / span)
    if best == 0.0 and len(samples) > 1 and samples[-1].t > samples[0].t:  # a drain shorter than the window
        best = (samples[-1].sent - samples[0].sent) / (samples[-1].t - samples[0].t)
    return round(best, 1)


def drain(
    workers: list[WorkerProcess], maint: str, count: int, timeout: float, started: float
) -> tuple[list[Sample], float | None]:
    """Poll until every message is sent (or failed/given up beyond recovery, or the timeout); the samples
    and the seconds until all were sent (None if they were not)."""
    import psycopg

    samples: list[Sample] = []
    last_print = 0.0
    with psycopg.connect(maint, autocommit=True, application_name=HARNESS) as conn:
        while True:
            row = conn.execute(_PROGRESS).fetchone()
            assert row is not None
            now = time.perf_counter() - started
            sample = Sample(now, *(int(v) for v in row))
            samples.append(sample)
            if sample.sent >= count:
                return samples, now
            if sample.given_up and sample.sent + sample.given_up >= count:
                return samples, None  # nothing left that a retry could still send
            for worker in workers:
                if worker.process.poll() is not None:
                    raise BenchError(
                        f"{worker.name} exited with {worker.process.returncode}:\n{worker.log_tail()}"
                    )
            if now > timeout:
                return samples, None
            if now - last_print >= 5:
                last_print = now
                print(
                    f"  {now:6.1f} s  dispatched {sample.dispatched:>6,}  sent {sample.sent:>6,}/{count:,}"
                    f"  failed {sample.failed}  given up {sample.given_up}",
                    flush=True,
                )
            time.sleep(POLL_S)


def run(args: argparse.Namespace) -> int:
    from app import dbsetup
    from app.config import load_settings
    from app.db import make_sync_engine, sync_session_factory
    from app.devservers import free_port
    from workers.channels.sms import SmsSimulator

    env = bench_env(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    )
    settings: Settings = load_settings(env)
    scratch_database_name(settings)  # refuse a database not named *bench* before anything runs
    RESULTS_DIR.mkdir(exist_ok=True)
    started_at = datetime.now(UTC)
    log_dir = RESULTS_DIR / f"logs-notifications-{started_at:%Y%m%dT%H%M%SZ}"
    log_dir.mkdir()
    maint = libpq_url(settings.maint_url())
    smtp = CountingSmtpSink(free_port(), latency_s=args.smtp_latency_ms / 1000)
    sms = SmsSimulator()
    workers: list[WorkerProcess] = []
    exit_codes: dict[str, int | None] = {}
    dropped = False
    try:
        print(f"Preparing {database_name(settings)!r}: bootstrap, migrate, persons …", flush=True)
        drop_scratch_database(settings)
        dbsetup.bootstrap(settings)
        dbsetup.migrate(settings)
        stale = purge_namespace(settings.redis_url)
        import app.metadata  # noqa: F401  (every model, so Core statements resolve foreign keys)

        engine = make_sync_engine(settings.runtime_url(), pool_size=2)
        try:
            sessions = sync_session_factory(engine)
            pools = load_dataset(
                settings,
                sessions,
                seed=args.seed,
                email_share=args.email_share,
                english_share=args.english_share,
            )
            acts = plan_acts(pools, args.count, args.email_share)
            print(f"Committing {args.count:,} notifications, {args.batch} per transaction …", flush=True)
            act_figures = commit_acts(sessions, acts, args.batch)
        finally:
            engine.dispose()
        queued = statuses(maint)
        if queued != {"queued": args.count}:
            raise BenchError(f"after the acts the delivery log holds {queued}, expected {args.count} queued")
        print(f"  {act_figures['seconds']} s ({act_figures['per_second']:,}/s)", flush=True)

        smtp.start()
        sms.start()
        if args.sms_latency_ms:
            sms.stall_next(args.count, args.sms_latency_ms / 1000)
        worker_env = {
            **env,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMS_GATEWAY_URL": sms.base_url,
            "SMS_GATEWAY_TOKEN": sms.token or "",
        }
        info = environment_info(libpq_url(settings.admin_url()), settings.redis_url, args.processes, None)
        info.pop("server", None)
        info["versions"] = {
            d: _version(d) for d in ("dramatiq", "redis", "sqlalchemy", "psycopg", "aiosmtpd", "httpx")
        }
        info["postgresql_settings"] = _pg_settings(libpq_url(settings.admin_url()))
        worker_args = ["worker", "--threads", str(args.threads)]
        if args.relay == "separate":
            worker_args.append("--no-relay")

        print(
            f"Draining: {args.processes} × `atbalsts {' '.join(worker_args)}`"
            + (" + `atbalsts relay`" if args.relay == "separate" else ""),
            flush=True,
        )
        cpu_before, usage_before = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        redis_before = redis_cpu(settings.redis_url)
        spawned_at, started = datetime.now(UTC), time.perf_counter()
        for i in range(args.processes):
            workers.append(start_process(f"worker-{i + 1}", worker_args, worker_env, log_dir))
        if args.relay == "separate":
            workers.append(start_process("relay", ["relay"], worker_env, log_dir))
        samples, drain_s = drain(workers, maint, args.count, args.timeout, started)
        cpu_after, usage_after = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        worker_cpu = [w.cpu_seconds() for w in workers]
        backends, backends_s = backends_cpu(libpq_url(settings.admin_url()), spawned_at)
        redis_after = redis_cpu(settings.redis_url)
        time.sleep(1.0)  # a late duplicate would arrive now, not after the checks
        for worker in workers:
            exit_codes[worker.name] = stop_process(worker)

        final = statuses(maint)
        facts = delivery_facts(maint, spawned_at)
        stored = stored_messages(maint)
        emails = check_emails(smtp.raw, stored)
        sms_result = check_sms(sms, stored)
        queue = queue_state(settings.redis_url)
        problems = failed_checks(args.count, final, facts, emails, sms_result, queue)
        if drain_s is None:
            problems.insert(0, f"not drained within {args.timeout:g} s")
        problems += [
            f"{name} exited with {code}" for name, code in exit_codes.items() if code not in (0, None)
        ]
        info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

        busy, total = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
        harness = (usage_after.ru_utime - usage_before.ru_utime) + (
            usage_after.ru_stime - usage_before.ru_stime
        )
        workers_cpu = sum(c for c in worker_cpu if c is not None)
        first_dispatch = facts["first_dispatch_s"]
        delivery_s = (
            round(facts["last_sent_s"] - first_dispatch, 2)
            if facts["last_sent_s"] is not None and first_dispatch is not None
            else None
        )
        results = {
            "drain_s": None if drain_s is None else round(drain_s, 2),
            "throughput_per_s": None if not drain_s else round(args.count / drain_s, 1),
            "delivery_s": delivery_s,
            "delivery_per_s": None if not delivery_s else round(args.count / delivery_s, 1),
            "relay_s": None
            if facts["last_dispatch_s"] is None or first_dispatch is None
            else round(facts["last_dispatch_s"] - first_dispatch, 2),
            "peak_10s_per_s": peak_rate(samples),
            "statuses": final,
            "facts": facts,
            "emails": emails,
            "sms": sms_result,
            "smtp_sessions": smtp.sessions,
            "redis_queue": queue,
            "cpu": {
                "machine_busy_pct": round(100 * busy / total, 1) if total else None,
                "workers_s": round(workers_cpu, 1),
                "workers_by_process_s": [None if c is None else round(c, 1) for c in worker_cpu],
                "workers_ms_per_message": round(1000 * workers_cpu / args.count, 2),
                "harness_s": round(harness, 1),
                "postgres_backends": backends,
                "postgres_backends_s": round(backends_s, 1),
                "redis_s": None
                if redis_before is None or redis_after is None
                else round(redis_after - redis_before, 1),
            },
            "worker_exit_codes": exit_codes,
            "failed_checks": problems,
            "timeline": [
                {"t": round(x.t, 2), "dispatched": x.dispatched, "sent": x.sent, "failed": x.failed}
                for x in samples[:: max(1, round(1 / POLL_S))]  # about one a second
            ],
        }
        report = {
            "schema": SCHEMA_VERSION,
            "benchmark": "notifications",
            "started_at": started_at.isoformat(timespec="seconds"),
            "command": " ".join(["python -m benchmarks.notifications_bench", *(sys.argv[1:])]),
            "settings": {
                "count": args.count,
                "email_share": args.email_share,
                "english_share": args.english_share,
                "batch": args.batch,
                "processes": args.processes,
                "threads": args.threads,
                "relay": args.relay,
                "smtp_latency_ms": args.smtp_latency_ms,
                "sms_latency_ms": args.sms_latency_ms,
                "worker_command": workers[0].command[1:] if workers else None,
                "redis_url": settings.redis_url,
                "redis_keys_purged_before": stale,
                "mode": "backlog: every notification committed before the workers start",
            },
            "environment": info,
            "dataset": {
                "database": database_name(settings),
                "seed": args.seed,
                "municipalities": [slug for slug, _ in pools.tenants],
                "persons_email": sum(len(v) for v in pools.email.values()),
                "persons_sms": sum(len(v) for v in pools.sms.values()),
                "persons_english": pools.english,
            },
            "acts": act_figures,
            "results": results,
        }
    finally:
        for worker in workers:
            if worker.name not in exit_codes:
                exit_codes[worker.name] = stop_process(worker)
        smtp.stop()
        sms.stop()
        with contextlib.suppress(Exception):
            purge_namespace(settings.redis_url)
        if not args.keep_db:
            with contextlib.suppress(Exception):
                drop_scratch_database(settings)
                dropped = True
    output: Path = args.output or RESULTS_DIR / f"notifications-{started_at:%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print()
    print(render_report(report))
    print(f"\nJSON: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    print(f"Worker logs: {log_dir.relative_to(ROOT)}")
    if not dropped and not args.keep_db:
        print("note: the scratch database could not be dropped", file=sys.stderr)
    return 1 if results["failed_checks"] else 0


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _pg_settings(conninfo: str) -> dict[str, str]:
    import psycopg

    names = ("synchronous_commit", "fsync", "shared_buffers", "max_connections", "wal_level")
    with contextlib.suppress(Exception), psycopg.connect(conninfo) as conn:
        rows = conn.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", (list(names),))
        return {str(n): str(v) for n, v in rows.fetchall()}
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with sigterm_as_interrupt():
            return run(args)
    except BenchError as exc:
        print(f"\nnotifications_bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nnotifications_bench: interrupted; workers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
