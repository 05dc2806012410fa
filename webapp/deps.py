"""Named FastAPI dependencies: the runtime, one session per request (committed before the response),
and the current user from Mini App initData or a Bearer access JWT."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from core.auth.initdata import InitDataError, verify_init_data
from core.auth.tokens import AuthError, decode_access_token
from core.config import Settings
from core.runtime import Runtime
from core.users import repository as users_repo
from core.users.models import User
from core.users.service import ensure_user


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings_dep(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed after the endpoint returns and before the response is sent."""
    async with runtime.session_factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        await runtime.after_commit(session)


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


# The security schemes of the OpenAPI document. auto_error=False: each only reads its header; the dependency that uses
# it decides, and answers with the project's error body.
MINI_APP = APIKeyHeader(
    name="Authorization", scheme_name="MiniAppInitData", auto_error=False,
    description="`Authorization: tma <initData>`: the launch data Telegram signs for a Mini App (`auth_date` at most "
                "WEBAPP_INITDATA_TTL seconds old)",
)
ACCESS_TOKEN = HTTPBearer(
    scheme_name="AccessToken", bearerFormat="JWT", auto_error=False,
    description="`Authorization: Bearer <access JWT>` from POST /auth/exchange or /auth/refresh",
)
METRICS_TOKEN = HTTPBearer(scheme_name="MetricsToken", auto_error=False,
                           description="`Authorization: Bearer <METRICS_TOKEN>`, asked only when METRICS_TOKEN is set")
ADMIN_TOKEN = HTTPBearer(scheme_name="AdminToken", auto_error=False,
                         description="`Authorization: Bearer <ADMIN_TOKEN>`; the admin routes are off (404) without it")
TELEGRAM_SECRET = APIKeyHeader(
    name="X-Telegram-Bot-Api-Secret-Token", scheme_name="TelegramSecretToken", auto_error=False,
    description="WEBHOOK_SECRET, which Telegram sends with every update; the webhook is off (404) without it",
)
USER_SCHEMES = frozenset({MINI_APP.scheme_name, ACCESS_TOKEN.scheme_name})  # either one: the routes of CurrentUser


async def get_current_user(session: SessionDep, runtime: RuntimeDep,
                           authorization: Annotated[str | None, Security(MINI_APP)],
                           bearer: Annotated[HTTPAuthorizationCredentials | None, Security(ACCESS_TOKEN)]) -> User:
    """`Authorization: tma <initData>` (Mini App) or `Authorization: Bearer <access JWT>`."""
    settings = runtime.settings
    if bearer is not None:
        user_id = decode_access_token(bearer.credentials.strip(), settings.jwt_signing_key)
        user = await users_repo.get(session, user_id)
        if user is None:
            raise AuthError("user no longer exists")
        return user
    scheme, _, init_data = (authorization or "").partition(" ")
    if scheme.lower() == "tma" and init_data:
        data = verify_init_data(init_data.strip(), settings.bot_token, ttl_seconds=settings.webapp_initdata_ttl)
        assert data.user is not None  # verify_init_data guarantees it
        return await ensure_user(
            session, data.user.id, first_name=data.user.first_name or "", username=data.user.username,
            language_code=data.user.language_code, default_language=settings.default_language,
            default_timezone=settings.default_timezone, default_reminder_minutes=settings.reminder_default_minutes,
        )
    raise InitDataError("missing Authorization header (tma <initData> or Bearer <token>)")


CurrentUser = Annotated[User, Depends(get_current_user)]
