"""The real bot against the sandbox (the fixtures of the bot tests)."""

from tests.integration.bot.conftest import bot_app, sandbox, sandbox_url  # noqa: F401
