"""A chat message's text is read for dates once: the journal's routing and the items app share the reading (one
moment per update, ``now`` in the handler data)."""

from __future__ import annotations

from typing import Any

import pytest

from core.items import service
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


async def test_a_note_is_parsed_once(bot_app: BotServices, sandbox: SandboxClient,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = service.parse

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(service, "parse", counting)
    service.read.cache_clear()
    await sandbox.say(3301, "the blue notebook is on the second shelf", language_code="en")
    await sandbox.wait_for_text(3301, "#1")
    assert parsed == ["the blue notebook is on the second shelf"]  # routing asked (is it a plan?), the items app saved
