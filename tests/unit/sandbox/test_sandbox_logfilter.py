"""Bot tokens never reach a log line through Bot API paths."""

from __future__ import annotations

import logging

from sandbox.logfilter import RedactBotTokens


def test_access_log_arguments_lose_the_token() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "POST", "/sandbox/bot123:AAH-secret_x/getUpdates", "1.1", 200), None)

    RedactBotTokens().filter(record)

    assert record.getMessage() == '127.0.0.1:5 - "POST /sandbox/bot<token>/getUpdates HTTP/1.1" 200'


def test_a_percent_encoded_colon_is_redacted_too() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s", ("GET /bot5%3ASECRET/getMe",), None)

    RedactBotTokens().filter(record)

    assert record.getMessage() == "GET /bot<token>/getMe"
