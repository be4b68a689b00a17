"""Helpers for the browser tests: the browser we use, signing in, axe-core."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own downloads are not used
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
AXE = Path(__file__).with_name("vendor") / "axe.min.js"  # axe-core 4, MPL-2.0, from the npm registry
# WCAG 2.1 levels A and AA; axe's "best-practice" rules are advice, not the standard we are held to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

NewPage = Callable[..., Page]  # the new_page fixture: new_page(locale="lv-LV") -> Page


@dataclass(frozen=True)
class Worker:
    username: str
    password: str
    full_name: str
    municipality: str


def sign_in(page: Page, worker: Worker) -> None:
    page.goto("/login")
    page.locator("#username").fill(worker.username)
    page.locator("#password").fill(worker.password)
    page.locator("main form[action='/login'] button[type=submit]").click()
    page.wait_for_url("**/")


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations of the given impacts on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
        # govern (add_script_tag would insert an inline <script>, which the CSP rightly refuses).
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable list for the assertion message: rule, impact, help link, the first offending nodes."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
