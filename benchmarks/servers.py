"""Granian servers for benchmarks: started on a free loopback port, awaited, and always stopped."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.cli import granian_args
from app.devservers import free_port

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


class ServerError(RuntimeError):
    """A server did not start, or stopped on its own."""


@dataclass(frozen=True)
class ServerSpec:
    name: str
    factory: str  # module:callable, imported by Granian with --factory
    ready_path: str


@dataclass
class RunningServer:
    spec: ServerSpec
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def granian_command(factory: str, port: int, workers: int) -> list[str]:
    """The same command for the app and the baseline as `atbalsts web` uses."""
    return [sys.executable, *granian_args(factory, "127.0.0.1", port, workers)]


def _child_setup(cpus: frozenset[int] | None) -> Callable[[], None]:
    """Runs in the forked child before exec: optional CPU pinning, and on Linux a parent-death signal so
    a server does not outlive a harness that was killed outright."""

    def setup() -> None:
        if cpus:
            os.sched_setaffinity(0, cpus)
        if sys.platform == "linux":
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return setup


def start_server(
    spec: ServerSpec, env: dict[str, str], log_dir: Path, workers: int, cpus: frozenset[int] | None
) -> RunningServer:
    port = free_port()
    log_path = log_dir / f"{spec.name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            granian_command(spec.factory, port, workers),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Granian's workers are stopped with it
            preexec_fn=_child_setup(cpus),  # safe here: the harness has started no threads yet
        )
    return RunningServer(spec, port, process, log_path)


def wait_ready(server: RunningServer, timeout_s: float = START_TIMEOUT_S) -> httpx.Cookies:
    """Polls the ready path until it answers 200; returns the cookies the server set meanwhile (the
    caller may want to clean up sessions they stand for)."""
    deadline = time.monotonic() + timeout_s
    url = server.base_url + server.spec.ready_path
    with httpx.Client(timeout=2.0, trust_env=False) as client:  # keeps its cookies: one session at most
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerError(
                    f"{server.spec.name} server exited with {server.process.returncode}:\n{server.log_tail()}"
                )
            with contextlib.suppress(httpx.TransportError):
                if client.get(url).status_code == 200:
                    return httpx.Cookies(client.cookies)
            time.sleep(0.2)
    raise ServerError(f"{server.spec.name} server not ready after {timeout_s:.0f} s:\n{server.log_tail()}")


def stop_server(server: RunningServer) -> None:
    """SIGTERM to the server's process group, SIGKILL if it has not stopped in time."""
    process = server.process
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
