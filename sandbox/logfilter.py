"""Keep bot tokens out of log lines: Bot API paths (`/bot<token>/...`) carry them."""

from __future__ import annotations

import logging
import re

_TOKEN_IN_PATH = re.compile(r"/bot\d+(?::|%3[aA])[A-Za-z0-9_-]+")  # uvicorn logs ":" as %3A
REDACTED = "/bot<token>"


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(REDACTED, text)


class RedactBotTokens(logging.Filter):
    """Rewrites `/bot<digits>:<secret>` in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_token_redaction(*logger_names: str) -> None:
    """Add the filter to these loggers (default: uvicorn's access and error logs)."""
    for name in logger_names or ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactBotTokens) for f in logger.filters):
            logger.addFilter(RedactBotTokens())
