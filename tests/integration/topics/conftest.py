"""The real bot against the sandbox, with a forum supergroup as TELEGRAM_GROUP_ID."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.runtime import Runtime
from secretary.bot import BotServices
from tests.integration.topics.topics_helpers import GROUP_ID


@pytest.fixture
def forum(runtime: Runtime) -> int:
    """Notes go to the forum group; its 20-a-minute limit is lifted so that the tests stay fast."""
    runtime.settings = runtime.settings.model_copy(update={
        "telegram_group_id": GROUP_ID, "outbox_group_per_minute": 100_000, "topic_confirm_ttl": 600,
    })
    return GROUP_ID


@pytest.fixture
async def forum_bot(forum: int, bot_app: BotServices) -> AsyncIterator[BotServices]:  # noqa: F811
    yield bot_app
