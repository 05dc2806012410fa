"""structlog configuration: JSON in production, console otherwise; secrets are never logged by design
(no code path logs tokens, keys or message bodies), and a redaction processor guards common key names.

What users wrote can still ride inside an exception's text: pydantic puts the rejected value in `input_value=…`,
SQLAlchemy the statement's `[parameters: …]` (our engines hide them), PostgreSQL a key's or row's values in
`DETAIL: …`, asyncpg an argument in `invalid input for query argument $1: …`. :func:`hide_user_text` takes those
out; it runs over every string of a structlog event (the formatted traceback included) and over every record of the
standard library's logging (uvicorn, aiogram, Celery, SQLAlchemy), whatever handler and formatter print it."""

from __future__ import annotations

import logging
import re
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


_USER_TEXT_MARKERS = re.compile(r"input_value=|\[parameters: |DETAIL: |invalid input ")
_USER_TEXT = (
    (re.compile(r"input_value=[^\n]*, input_type=(\w+)"), r"input_value=<hidden>, input_type=\1"),
    (re.compile(r"input_value=(?!<hidden>, input_type=)[^\n]*"), "input_value=<hidden>"),
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: <hidden>]"),
    (re.compile(r"DETAIL: [^\n]*"), "DETAIL: <hidden>"),
    (re.compile(r"(invalid input (?:for query argument \$\d+|syntax for type [\w ]+|value for [\w ]+):)[^\n]*"),
     r"\1 <hidden>"),
)


def hide_user_text(text: str) -> str:
    """``text`` (an error message, a traceback) without the values users wrote that errors quote."""
    if not _USER_TEXT_MARKERS.search(text):
        return text
    for pattern, replacement in _USER_TEXT:
        text = pattern.sub(replacement, text)
    return text


def describe_error(exc: BaseException) -> str:
    """``Type: message`` of an exception, without user text: what a queue row keeps as its last error."""
    return hide_user_text(f"{type(exc).__name__}: {exc}")


def _hide_user_text(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = hide_user_text(value)
    return event


def _install_record_factory() -> None:
    """Every standard-library log record gets its message and traceback text through :func:`hide_user_text`, before
    any handler sees it (uvicorn and Celery install handlers and formatters of their own)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "hides_user_text", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to the handler to report
            return record
        hidden = hide_user_text(message)
        if hidden != message:  # only then: some formatters read the arguments (uvicorn's access lines)
            record.msg, record.args = hidden, None
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            record.exc_text = hide_user_text(_FORMATTER.formatException(record.exc_info))
        return record

    factory.hides_user_text = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_FORMATTER = logging.Formatter()


class _Stderr:
    """The process's standard error (file descriptor 2), looked up when a line is written: not a stream object kept
    from start-up, and not ``sys.stderr`` when a library (Celery) has swapped that for a proxy into its logging."""

    @staticmethod
    def _stream() -> Any:
        return sys.__stderr__ or sys.stderr

    def write(self, text: str) -> int:
        return int(self._stream().write(text))

    def flush(self) -> None:
        self._stream().flush()


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    logging.basicConfig(level=level.upper(), stream=_Stderr(), format="%(message)s", force=True)
    _install_record_factory()
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
            _hide_user_text,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]  # write + flush suffice
        cache_logger_on_first_use=True,
    )
