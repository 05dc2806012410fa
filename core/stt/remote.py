"""A transcription service elsewhere (``secretary asr`` at ASR_URL), called as the voice job would call a provider.

A service that cannot be reached, is too slow or answers 5xx raises ``ASRUnavailable`` (retryable): the voice job
fails, keeps its audio and runs again later, so a voice note waits while the service is down and is never lost. A file
the service refuses (4xx) raises the error it answered with, not retryable."""

from __future__ import annotations

import httpx

from core.ai.errors import AIProviderError
from core.ai.types import Transcript
from core.stt.upload import TranscriptionOut

ERR_ASR_UNAVAILABLE = "ERR_ASR_UNAVAILABLE"


class ASRUnavailable(AIProviderError):
    def __init__(self, message: str) -> None:
        super().__init__(ERR_ASR_UNAVAILABLE, message, provider="asr", retryable=True)


async def transcribe_remote(base_url: str, data: bytes, mime_type: str, *, language: str | None = None,
                            token: str = "", wait_s: float = 300.0,
                            transport: httpx.AsyncBaseTransport | None = None) -> tuple[Transcript, str]:
    """POST the audio to ``{base_url}/transcribe``; the transcript and the provider the service used."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    form = {"language": language} if language else {}
    try:
        async with httpx.AsyncClient(timeout=wait_s, transport=transport) as client:
            response = await client.post(f"{base_url.rstrip('/')}/transcribe", headers=headers, data=form,
                                         files={"file": ("audio", data, mime_type)})
    except httpx.HTTPError as exc:
        raise ASRUnavailable(f"the transcription service cannot be reached: {type(exc).__name__}") from exc
    if response.status_code >= 500:
        raise ASRUnavailable(f"the transcription service answered {response.status_code}")
    if response.status_code >= 400:
        code, message = _error(response)
        raise AIProviderError(code, message, provider="asr", retryable=False)
    result = TranscriptionOut.model_validate_json(response.content)
    return Transcript(text=result.text, language=result.language, duration_s=result.duration_s), result.provider


def _error(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body["code"]), str(body.get("message", ""))
    except (ValueError, KeyError, TypeError):
        return "ERR_AI_REJECTED", f"the transcription service answered {response.status_code}"
