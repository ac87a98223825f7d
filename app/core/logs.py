"""JSON logs on stderr, each line carrying the request id of the request that wrote it."""

from __future__ import annotations

import logging
import sys

from asgi_correlation_id import CorrelationIdFilter
from pythonjsonlogger.json import JsonFormatter


class _DropColorMessage(logging.Filter):
    """uvicorn adds an ANSI-coloured copy of each message; JSON readers want it once."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.pop("color_message", None)
        return True


def configure_logging(level: str = "INFO") -> None:
    """Replace the root handlers with one JSON handler (uvicorn's loggers included)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CorrelationIdFilter(uuid_length=32, default_value="-"))
    handler.addFilter(_DropColorMessage())
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{correlation_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "correlation_id": "request_id"},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # The driver logs every retry at WARNING during an outage; /readyz already says so.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
