"""Screenshots of the main pages for people to look at (design reviews, the pull request, the manual).

    python -m tests.e2e.screenshots [OUTDIR]        # default: screenshots/ (git-ignored)

It runs tests/e2e/test_screenshots.py with SCREENSHOTS=1: the same fixtures as the browser tests (a
fresh database built by the migrations, the app under uvicorn, Debian's Chromium), so DATABASE_URL and
REDIS_URL are used when set and embedded servers start otherwise. Pictures are 1366x768, the most
common screen in the municipalities' offices."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.support import NewPage, Worker

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTDIR = ROOT / "screenshots"


def capture(new_page: NewPage, worker: Worker, outdir: Path) -> list[Path]:
    """Sign-in (lv), the sign-in error (lv), the home page (lv) and the home page (en), as PNG files."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def shot(page: Page, name: str) -> None:
        path = outdir / f"{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        written.append(path)

    page = new_page("lv-LV")
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    shot(page, "1-sign-in-lv")

    page.locator("#username").fill(worker.username)
    page.locator("#password").fill("nepareiza-parole")
    page.locator("main button[type=submit]").click()
    page.locator("#login-error").wait_for()
    shot(page, "2-sign-in-error-lv")

    page.locator("#password").fill(worker.password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")
    page.locator("[data-testid=count-persons]").wait_for()
    shot(page, "3-home-lv")

    page.locator("header button[name=lang][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.locator("[data-testid=count-persons]").wait_for()
    shot(page, "4-home-en")
    return written


def main(argv: list[str]) -> int:
    import pytest

    outdir = Path(argv[0]).resolve() if argv else DEFAULT_OUTDIR
    os.environ["SCREENSHOTS"] = "1"
    os.environ["SCREENSHOTS_DIR"] = str(outdir)
    # test_screenshots.py and each area's own test_<area>_screenshots.py
    tests = sorted(str(p) for p in Path(__file__).parent.glob("test_*screenshots.py"))
    status = int(pytest.main(["-q", "-p", "no:warnings", "--rootdir", str(ROOT), *tests]))
    if status == 0:
        for path in sorted(outdir.glob("*.png")):
            print(path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
