"""AI errors: a stable code (its text is in the ai and voice catalogs), and whether a retry could help."""

from __future__ import annotations

from typing import Any

from core.errors import DomainError

ERR_AI_UNAVAILABLE = "ERR_AI_UNAVAILABLE"  # provider down, 5xx, timeout, connection refused
ERR_AI_RATE_LIMITED = "ERR_AI_RATE_LIMITED"  # 429 after our retries (or a Retry-After we will not wait for)
ERR_AI_QUOTA = "ERR_AI_QUOTA"  # the account has no quota/credit left
ERR_AI_AUTH = "ERR_AI_AUTH"  # the API key was rejected
ERR_AI_REJECTED = "ERR_AI_REJECTED"  # any other 4xx: the request itself was refused
ERR_AI_BAD_OUTPUT = "ERR_AI_BAD_OUTPUT"  # the model's answer was not valid JSON / did not fit the schema
ERR_STT_UNAVAILABLE = "ERR_STT_UNAVAILABLE"  # no speech-to-text configured here
ERR_AUDIO_INVALID = "ERR_AUDIO_INVALID"  # ffmpeg could not read the audio

class AIProviderError(DomainError):
    """A provider call failed. ``retryable`` says whether the same call could succeed later."""

    status_code = 503

    def __init__(
        self,
        code: str,
        message: str = "",
        *,
        provider: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
        **params: Any,
    ) -> None:
        super().__init__(code, message, provider=provider, **params)
        self.provider = provider
        self.retryable = retryable
        self.retry_after = retry_after


class STTUnavailable(AIProviderError):
    """Speech-to-text is not set up; the message says how to enable it."""

    def __init__(self, message: str = "", *, provider: str = "local") -> None:
        super().__init__(ERR_STT_UNAVAILABLE, message or STT_HOWTO, provider=provider)


class AudioError(AIProviderError):
    """The audio could not be decoded or converted."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(ERR_AUDIO_INVALID, message, provider="ffmpeg")


STT_HOWTO = (
    "Speech-to-text is not available on this server. To enable it, either set STT_PROVIDER=openai "
    "(with OPENAI_API_KEY) or STT_PROVIDER=gemini (with GEMINI_API_KEY), or add your own key in the bot "
    "settings, or install faster-whisper (pip install faster-whisper) and set WHISPER_MODEL_PATH to a "
    "local Whisper model directory."
)
