"""The routers that take only commands sit behind one check (bot.dispatcher): a plain text passes none of their
Command filters, a command still reaches them, and every app's commands are answered as before."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.filters import Command

from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient


def _group_commands(services: BotServices) -> set[str]:
    [group] = [r for r in services.dp.sub_routers if r.name == "commands"]
    names: set[str] = set()

    def walk(router: Any) -> None:
        for handler in router.message.handlers:
            for f in handler.filters or []:
                if isinstance(f.callback, Command):
                    names.update(str(c) for c in f.callback.commands)
        for sub in router.sub_routers:
            walk(sub)

    walk(group)
    return names


async def test_a_text_passes_no_command_filter_of_theirs(bot_app: BotServices, sandbox: SandboxClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = _group_commands(bot_app)
    assert {"start", "help", "minis", "key", "calendar", "remind", "ask", "today", "find"} <= theirs
    checked: list[set[str]] = []
    real = Command.__call__

    async def counting(self: Command, *args: Any, **kwargs: Any) -> Any:
        checked.append({str(c) for c in self.commands})
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Command, "__call__", counting)
    await sandbox.say(9401, "an idea for the balcony", language_code="en")
    assert (await sandbox.wait_for_text(9401, "#1"))["text"] == "Saved as note #1."
    assert not [names for names in checked if names & theirs]
    await sandbox.say(9401, "/help", language_code="en")
    await sandbox.wait_for(9401, lambda ms: len(ms) >= 2)
    assert [names for names in checked if names & theirs]  # a command goes through them
