"""The transcription service as a process of its own (`secretary asr --port P`): the organizer's asr-service.

GET /health and POST /transcribe (multipart, field `file`) → {"text", "language", "duration_s", "provider"}, with the
platform's STT provider (STT_PROVIDER and its key). It keeps no state and needs no database, so speech recognition
scales apart from the bot: the workers send voice notes to it when ASR_URL names it. With ASR_TOKEN set it asks for
`Authorization: Bearer <ASR_TOKEN>`."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Security, UploadFile
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core.ai.factory import build_provider, platform_choice
from core.auth.tokens import AuthError
from core.config import Settings
from core.stt import audio
from core.stt.upload import TranscriptionOut, read_limited, transcribe_with
from webapp.api.v1.transcribe import ERRORS, file_chunks
from webapp.errors import install_error_handlers
from webapp.limits import UPLOAD_OVERHEAD, BodyLimitMiddleware
from webapp.openapi import errors, install_openapi

ASR_TOKEN = HTTPBearer(scheme_name="AsrToken", auto_error=False,
                       description="`Authorization: Bearer <ASR_TOKEN>`, asked only when ASR_TOKEN is set")


def create_asr_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="Secretary speech recognition", version="0.1.0")
    install_error_handlers(app)
    limits = [("/transcribe", settings.asr_max_bytes + UPLOAD_OVERHEAD)]
    app.add_middleware(BodyLimitMiddleware, limits=limits, default=settings.api_max_body_bytes)
    body_limits = BodyLimitMiddleware(app.router, limits=limits, default=settings.api_max_body_bytes)
    install_openapi(app, limit_for=body_limits.limit_for)
    choice = platform_choice(settings, "stt")

    def token(credentials: Annotated[HTTPAuthorizationCredentials | None, Security(ASR_TOKEN)]) -> None:
        if not settings.asr_token:
            return
        given = credentials.credentials.encode() if credentials is not None else b""
        if not hmac.compare_digest(given, settings.asr_token.encode()):
            raise AuthError("missing or wrong ASR token")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        """Ready; which provider answers, and whether it can transcribe at all (a key, or a local model)."""
        provider = build_provider(choice, settings)
        try:
            available = bool(getattr(provider, "stt_available", True))
        finally:
            await provider.aclose()
        return {"status": "ok", "provider": choice.provider, "stt_available": available,
                "ffmpeg": audio.ffmpeg_available()}

    secured = {401: "ERR_UNAUTHORIZED: ASR_TOKEN is set and the request does not carry it"}

    @app.post("/transcribe", dependencies=[Depends(token)], responses={**ERRORS, **errors(secured)})
    async def transcribe(file: Annotated[UploadFile, File()],
                         language: Annotated[str | None, Form(max_length=16)] = None) -> TranscriptionOut:
        data = await read_limited(file_chunks(file), settings.asr_max_bytes)
        result, _ = await transcribe_with(choice, settings, data, file.content_type, language=language or None)
        return result

    return app
