"""The worker program knows every table: an actor's Core statement or flush that touches a table whose
foreign keys point at a model no actor imported (app.tenants) would fail only in the real worker process,
never in a test process that has imported the whole app."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import workers.main
from app.models import Base
unresolved = []
for table in Base.metadata.tables.values():
    for fk in table.foreign_keys:
        try:
            fk.column
        except Exception as exc:
            unresolved.append(f"{table.name}: {exc}")
assert "app.tenants" in Base.metadata.tables, "app.tenants missing"
print("\\n".join(unresolved) or "ok")
"""


def test_a_fresh_worker_process_resolves_every_foreign_key() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
