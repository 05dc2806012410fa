"""Structured output: ask, validate with pydantic, ask again on garbage, then fail with a clear code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from pydantic import BaseModel

from core.ai.errors import ERR_AI_BAD_OUTPUT, AIProviderError
from core.ai.schemas import parse_output

log = structlog.get_logger(__name__)

M = TypeVar("M", bound=BaseModel)


async def ask_structured(
    fetch: Callable[[], Awaitable[str | None]],
    model: type[M],
    *,
    provider: str,
    what: str,
    bad_output_retries: int,
) -> M:
    """Call ``fetch`` (which returns the model's raw text) until its output validates as ``model``."""
    problem = ""
    for attempt in range(bad_output_retries + 1):
        raw = await fetch()
        try:
            return parse_output(model, raw)
        except ValueError as exc:
            problem = str(exc)
            # the raw output may quote the user's text: log only its size
            log.warning("ai.bad_output", provider=provider, what=what, attempt=attempt + 1, problem=problem,
                        raw_chars=len(raw or ""))
    raise AIProviderError(
        ERR_AI_BAD_OUTPUT, f"{provider} returned output that does not fit the {what} schema ({problem})",
        provider=provider,
    )
