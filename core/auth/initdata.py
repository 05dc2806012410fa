"""Telegram Mini App initData verification (HMAC against the bot token, plus an auth_date age check)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.utils.web_app import WebAppInitData, safe_parse_webapp_init_data

from core.db.values import is_bigint
from core.errors import DomainError


class InitDataError(DomainError):
    status_code = 401

    def __init__(self, message: str) -> None:
        super().__init__("ERR_UNAUTHORIZED", message)


def verify_init_data(
    init_data: str, bot_token: str, *, ttl_seconds: int, now: datetime | None = None
) -> WebAppInitData:
    try:
        data = safe_parse_webapp_init_data(bot_token, init_data)
    except ValueError as exc:
        raise InitDataError("initData signature is invalid") from exc
    auth_date = data.auth_date if data.auth_date.tzinfo else data.auth_date.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    if current - auth_date > timedelta(seconds=ttl_seconds):
        raise InitDataError("initData is too old")
    if auth_date - current > timedelta(minutes=5):
        raise InitDataError("initData is from the future")
    if data.user is None:
        raise InitDataError("initData has no user")
    if not is_bigint(data.user.id):  # correctly signed, yet no user id a BIGINT can hold
        raise InitDataError("initData has no valid user id")
    return data
