"""The `atbalsts` command: every operator task (design §9)."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType

from app.config import ROOT, Settings, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except RuntimeError as exc:
        sys.exit(f"atbalsts: {exc}")


def cmd_bootstrap_db(args: argparse.Namespace) -> None:
    from app import dbsetup

    name = dbsetup.bootstrap(_settings())
    print(f"roles ready; database {name!r} ready")


def cmd_migrate(args: argparse.Namespace) -> None:
    from app import dbsetup

    dbsetup.migrate(_settings(), args.revision)
    print(f"database at {args.revision}")


def cmd_seed(args: argparse.Namespace) -> None:
    if not args.demo:
        sys.exit("atbalsts seed: only --demo is available")
    from app.demo import load_demo_data

    print(load_demo_data(_settings()).render())


def cmd_create_user(args: argparse.Namespace) -> None:
    from sqlalchemy import select

    from app.auth.service import create_user, grant_membership
    from app.db import make_sync_engine, sync_session_factory, sync_tenant_uow
    from app.errors import InvalidInput
    from app.tenants.models import Tenant

    settings = _settings()
    password = args.password or os.environ.get("ATBALSTS_PASSWORD") or getpass.getpass("Password: ")
    engine = make_sync_engine(settings.runtime_url())
    sessions = sync_session_factory(engine)
    try:
        with sync_tenant_uow(sessions, None) as s:
            tenant_id = None
            if args.municipality:
                tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == args.municipality))
                if tenant_id is None:
                    sys.exit(f"atbalsts create-user: no municipality {args.municipality!r}")
            user = create_user(
                s,
                username=args.username,
                full_name=args.name,
                password=password,
                email=args.email,
                national_roles=args.national_role or [],
            )
        if tenant_id is not None:
            with sync_tenant_uow(sessions, tenant_id) as s:
                grant_membership(s, acting_user_id=None, user_id=user.id, roles=args.role or [])
    except InvalidInput as exc:
        sys.exit(f"atbalsts create-user: {exc.detail}")
    finally:
        engine.dispose()
    print(f"user {user.username} ready")


def cmd_api_client(args: argparse.Namespace) -> None:
    """Partner API clients (OAuth2 client credentials). National data the runtime role may only read: the
    platform administrator manages them here, as the maintenance role. A secret is printed once."""
    from app.auth import api_clients
    from app.db import make_sync_engine, sync_session_factory
    from app.errors import InvalidInput, NotFound

    engine = make_sync_engine(_settings().maint_url())
    sessions = sync_session_factory(engine)
    try:
        with sessions.begin() as s:
            if args.action == "create":
                issued = api_clients.create_api_client(
                    s, name=args.name, scopes=args.scope or [], municipalities=args.tenant or []
                )
            elif args.action == "rotate":
                issued = api_clients.rotate_api_client_secret(s, args.client_id)
            elif args.action == "disable":
                api_clients.disable_api_client(s, args.client_id)
                print(f"API client {args.client_id} disabled; its tokens no longer work")
                return
            else:
                for c in api_clients.api_client_list(s):
                    state = "active" if c.is_active else "disabled"
                    rotated = f" rotated {c.rotated_at:%Y-%m-%d}" if c.rotated_at else ""
                    print(
                        f"{c.client_id}  {c.name}  scopes={' '.join(c.scopes)}  "
                        f"municipalities={','.join(c.municipalities)}  {state}  "
                        f"created {c.created_at:%Y-%m-%d}{rotated}"
                    )
                return
    except InvalidInput as exc:
        sys.exit(f"atbalsts api-client: {exc.detail}")
    except NotFound as exc:
        sys.exit(f"atbalsts api-client: {exc.detail}")
    finally:
        engine.dispose()
    print(f"client_id:     {issued.client_id}")
    print(f"client_secret: {issued.secret}")
    print("The secret is shown only now: hand it to the partner over a safe channel.")


def _wait_for_signal() -> threading.Event:
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    return stop


def cmd_worker(args: argparse.Namespace) -> None:
    from workers.main import run_worker

    settings = _settings()
    run_worker(settings, _wait_for_signal(), threads=args.threads, relay=not args.no_relay)


def cmd_relay(args: argparse.Namespace) -> None:
    from workers.relay import run_relay

    run_relay(_settings(), _wait_for_signal())


def cmd_web(args: argparse.Namespace) -> None:
    """The web server alone (Granian, the production server; uvicorn with --dev)."""
    os.execvp(sys.executable, [sys.executable, *_web_command(args.host, args.port, args.workers, args.dev)])  # noqa: S606


def granian_args(factory: str, host: str, port: int, workers: int) -> list[str]:
    """Granian serving an app factory (also used by the benchmarks, so they measure what runs)."""
    return ["-m", "granian", "--interface", "asgi", "--factory", "--host", host, "--port", str(port),
            "--workers", str(workers), factory]  # fmt: skip


def _web_command(host: str, port: int, workers: int, dev: bool) -> list[str]:
    if dev:
        return ["-m", "uvicorn", "--factory", "app.main:create_served_app", "--host", host, f"--port={port}"]
    return granian_args("app.main:create_served_app", host, port, workers)


def cmd_run(args: argparse.Namespace) -> None:
    """Everything for a developer or a demo: embedded servers when no URLs are set, migrations, demo
    data, then the web server and a worker (with the outbox relay) until Ctrl-C."""
    from app import dbsetup
    from app.devservers import DATA_DIR, free_port, start_embedded, wait_for_port

    env = dict(os.environ)
    embedded = None
    if not env.get("DATABASE_URL") or not env.get("REDIS_URL"):
        print("Starting embedded PostgreSQL and Redis (data in .data/) …", flush=True)
        redis_port = 6390
        try:
            wait_for_port(redis_port, timeout=0.2)
            redis_port = free_port()  # 6390 is taken by something else
        except TimeoutError:
            pass
        embedded = start_embedded(DATA_DIR, redis_port=redis_port)
        env.setdefault("DATABASE_URL", embedded.database_url)
        env.setdefault("REDIS_URL", embedded.redis.url)
    mailbox = None
    if not env.get("SMTP_HOST"):
        from app.devmail import DevMailbox

        smtp_port = 1025
        try:
            wait_for_port(smtp_port, timeout=0.2)
            smtp_port = free_port()  # 1025 is taken by something else
        except TimeoutError:
            pass
        mailbox = DevMailbox(DATA_DIR / "mail", smtp_port).start()
        env.update(SMTP_HOST=mailbox.host, SMTP_PORT=str(smtp_port))
        print(f"E-mails are kept as .eml files in {mailbox.directory}", flush=True)
    settings = load_settings(env)
    children: list[subprocess.Popen[bytes]] = []
    try:
        dbsetup.bootstrap(settings)
        dbsetup.migrate(settings)
        from app.demo import load_demo_data

        summary = load_demo_data(settings)
        python = sys.executable
        children.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [python, *_web_command(args.host, args.port, 1, args.dev)],
                env=env,
                cwd=ROOT,
            )
        )
        children.append(subprocess.Popen([python, "-m", "app.cli", "worker"], env=env, cwd=ROOT))  # noqa: S603
        wait_for_port(args.port, timeout=60)
        print(summary.render())
        print(f"\n  Atbalsts runs at http://{args.host}:{args.port}  (Ctrl-C stops everything)\n", flush=True)
        stop = _wait_for_signal()
        while not stop.wait(1.0):
            if any(c.poll() is not None for c in children):
                print("a process stopped unexpectedly; shutting down", file=sys.stderr)
                break
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        if mailbox is not None:
            mailbox.stop()
        if embedded is not None:
            embedded.stop()
        print("stopped")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="atbalsts", description="Atbalsts social-services platform")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start everything (embedded servers when no URLs are set)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--dev", action="store_true", help="uvicorn instead of Granian")
    run.set_defaults(func=cmd_run)

    web = sub.add_parser("web", help="the web server only")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8000)
    web.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    web.add_argument("--dev", action="store_true")
    web.set_defaults(func=cmd_web)

    worker = sub.add_parser("worker", help="Dramatiq worker (with the outbox relay unless --no-relay)")
    worker.add_argument("--threads", type=int, default=4)
    worker.add_argument("--no-relay", action="store_true")
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("relay", help="the outbox relay alone").set_defaults(func=cmd_relay)
    sub.add_parser("bootstrap-db", help="create roles and the database (superuser URL)").set_defaults(
        func=cmd_bootstrap_db
    )
    migrate = sub.add_parser("migrate", help="apply migrations")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(func=cmd_migrate)

    seed = sub.add_parser("seed", help="load data")
    seed.add_argument("--demo", action="store_true", help="three demo municipalities (idempotent)")
    seed.set_defaults(func=cmd_seed)

    user = sub.add_parser("create-user", help="create or update a staff account")
    user.add_argument("username")
    user.add_argument("--name", required=True, help="full name")
    user.add_argument("--email")
    user.add_argument("--password", help="else $ATBALSTS_PASSWORD, else asked")
    user.add_argument("--municipality", help="municipality slug for the roles")
    user.add_argument("--role", action="append", help="role in that municipality (repeatable)")
    user.add_argument("--national-role", action="append", help="ministry_analyst or platform_admin")
    user.set_defaults(func=cmd_create_user)

    clients = sub.add_parser("api-client", help="partner API clients (OAuth2 client credentials)")
    actions = clients.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a new client; prints its id and secret once")
    create.add_argument("--name", required=True, help="the partner, e.g. the tax administration")
    create.add_argument("--scope", action="append", help="scope it may ask for (repeatable): statuses:read")
    create.add_argument("--tenant", action="append", help="municipality slug it acts for (repeatable)")
    rotate = actions.add_parser("rotate", help="a new secret; the old one and its tokens stop working")
    rotate.add_argument("client_id")
    disable = actions.add_parser("disable", help="the client and its tokens stop working")
    disable.add_argument("client_id")
    actions.add_parser("list", help="every client with its scopes and municipalities")
    clients.set_defaults(func=cmd_api_client)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command in ("web", "worker", "relay"):
        from app.logs import configure_logging

        configure_logging()
    args.func(args)


if __name__ == "__main__":
    main()
