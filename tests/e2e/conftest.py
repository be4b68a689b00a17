"""Browser tests: the real app served by uvicorn on loopback, driven by Debian's headless Chromium.

The app runs in a background thread with the test settings (its own database, built by the
migrations), so the browser goes through everything a user's would: sessions in Redis, CSRF, the
language cookie, the templates and the static files."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.devservers import free_port, wait_for_port
from app.main import create_app
from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, NewPage, Worker
from tests.factories.staff import PASSWORD, create_staff


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the main thread's signals belong to pytest
        pass


@contextmanager
def serving(app: Any, port: int | None = None) -> Iterator[str]:
    """`app` on http://127.0.0.1:<port> (a free one by default) in a background thread, lifespan
    included, until the block ends."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", access_log=False
    )
    server = _ThreadedServer(config)
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:  # set once the lifespan has run and the socket listens
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start under uvicorn; its log is above")
            time.sleep(0.05)
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[str]:
    """The app on http://127.0.0.1:<free port>; shut down (lifespan included) after the session."""
    with serving(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[NewPage]:
    """new_page(locale): a page in a fresh browser profile (no cookies) whose browser asks for `locale`."""
    contexts: list[BrowserContext] = []
    # Console errors (a script or style the Content-Security-Policy refused, a failed htmx swap, an
    # uncaught exception) fail the test that caused them: a page can look right and still be broken.
    errors: list[str] = []

    def make(locale: str = "lv-LV") -> Page:
        context = browser.new_context(base_url=live_server, locale=locale, viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console", lambda m: errors.append(m.text) if m.type == "error" and _unexpected(m.text) else None
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"browser console errors: {errors}"


def _unexpected(text: str) -> bool:
    # Tests provoke 4xx answers on purpose (wrong password, 422 forms); the browser logs each as an error.
    return "Failed to load resource: the server responded with a status of 4" not in text


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """A Latvian reader: the browser asks for Latvian, as the municipalities' machines do."""
    return new_page("lv-LV")


@pytest.fixture
def social_worker(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> Worker:
    username = f"sw-{tenant_a.hex[-8:]}"
    full_name = "Līga Kalniņa"
    create_staff(rw_sessions, {tenant_a: ["social_worker"]}, username=username, full_name=full_name)
    return Worker(username=username, password=PASSWORD, full_name=full_name, municipality="Ādažu novads")
