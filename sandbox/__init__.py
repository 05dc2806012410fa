"""Local Telegram Bot API emulator with a control API and a web chat page (dev, demo, tests)."""

from sandbox.app import DEFAULT_STATE_FILE, create_sandbox_app, create_standalone_app, run_standalone
from sandbox.logfilter import RedactBotTokens, install_token_redaction
from sandbox.service import Sandbox

__all__ = [
    "DEFAULT_STATE_FILE",
    "RedactBotTokens",
    "Sandbox",
    "create_sandbox_app",
    "create_standalone_app",
    "install_token_redaction",
    "run_standalone",
]
