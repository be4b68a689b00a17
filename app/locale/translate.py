"""Maintains the catalogues: `python -m app.locale.translate` extracts messages and merges them into
lv/ and en/ messages.po, keeping existing translations. English is the source language."""

from __future__ import annotations

import subprocess
import sys

from app.config import ROOT

LOCALE = ROOT / "app" / "locale"


def main() -> None:
    pot = LOCALE / "messages.pot"
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run(  # noqa: S603
        [
            *pybabel,
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "_label",
            "--no-location",
            "--omit-header",
            "--sort-output",
            "-o",
            str(pot),
            str(ROOT / "app"),
        ],
        check=True,
    )
    for lang in ("lv", "en"):
        po = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        subprocess.run(  # noqa: S603
            [*pybabel, command, "-i", str(pot), "-d", str(LOCALE), "-l", lang, "--no-wrap"],
            check=True,
        )


if __name__ == "__main__":
    main()
