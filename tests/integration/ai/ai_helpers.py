"""Constants shared by the AI integration tests (imported as a top-level module, like minis_helpers)."""

from __future__ import annotations

from core.ai.retry import RetryPolicy

OPENAI_KEY = "sk-test-openai-0123456789abcdef"
GEMINI_KEY = "AIza-test-gemini-0123456789abcdef"
TIMEOUT = 0.3  # seconds: a hanging fake fails fast
FAST = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.05, max_retry_after=5.0)
TASK = {"kind": "task", "topic": "Задачи", "confidence": 0.92, "tags": ["дом"]}
