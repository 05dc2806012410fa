"""Named FastAPI dependencies: the runtime, one session per request (committed before the response),
and the current user from Mini App initData or a Bearer access JWT."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
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


async def get_current_user(request: Request, session: SessionDep, runtime: RuntimeDep) -> User:
    """`Authorization: tma <initData>` (Mini App) or `Authorization: Bearer <access JWT>`."""
    settings = runtime.settings
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "tma" and credentials:
        data = verify_init_data(credentials.strip(), settings.bot_token, ttl_seconds=settings.webapp_initdata_ttl)
        assert data.user is not None  # verify_init_data guarantees it
        return await ensure_user(
            session, data.user.id, first_name=data.user.first_name or "", username=data.user.username,
            language_code=data.user.language_code, default_language=settings.default_language,
            default_timezone=settings.default_timezone, default_reminder_minutes=settings.reminder_default_minutes,
        )
    if scheme == "bearer" and credentials:
        user_id = decode_access_token(credentials.strip(), settings.jwt_signing_key)
        user = await users_repo.get(session, user_id)
        if user is None:
            raise AuthError("user no longer exists")
        return user
    raise InitDataError("missing Authorization header (tma <initData> or Bearer <token>)")


CurrentUser = Annotated[User, Depends(get_current_user)]
