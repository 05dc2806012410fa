"""structlog configuration: JSON in production, console otherwise; secrets are never logged by design
(no code path logs tokens, keys or message bodies), and a redaction processor guards common key names."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

REDACT_KEYS = {"token", "api_key", "password", "secret", "authorization", "static_token", "refresh_token",
               "access_token", "init_data", "key"}


def _redact(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if key.lower() in REDACT_KEYS:
            event[key] = "***"
    return event


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(message)s", force=True)
    # sqlalchemy at INFO would log SQL parameters (user data): keep it at WARNING whatever LOG_LEVEL is
    for noisy in ("aiogram.event", "httpx", "uvicorn.access", "sqlalchemy", "alembic", "celery.app.trace"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # plain tracebacks: rich's pretty tracebacks print local variables, which can hold secrets
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
