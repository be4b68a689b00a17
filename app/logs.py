"""Structured JSON logs (structlog) for the web and worker processes."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: int = logging.INFO, *, json: bool = True) -> None:
    """One line of JSON per event on stderr; stdlib loggers (uvicorn, dramatiq) go through the same
    renderer so an operator reads one format."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "alembic", "sqlalchemy.engine", "weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    handler.addFilter(_drop_discarded_result_warnings)


def _drop_discarded_result_warnings(record: logging.LogRecord) -> bool:
    """Actors return what they did (tests read it); Dramatiq, keeping no results, warns about each one."""
    return not (
        record.name.startswith("dramatiq.worker") and "returned a value that is not None" in record.msg
    )
