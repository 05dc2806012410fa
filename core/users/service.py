"""User rules: language from Telegram, settings changes."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.values import storable_text
from core.errors import DomainError
from core.users import repository
from core.users.models import User

SUPPORTED_LANGUAGES = ("ru", "en")


def language_from_telegram(code: str | None, default: str = "ru") -> str:
    if not code:
        return default
    base = code.split("-")[0].lower()
    if base in SUPPORTED_LANGUAGES:
        return base
    return "ru" if base in ("uk", "be", "kk") else "en"


async def ensure_user(session: AsyncSession, user_id: int, *, first_name: str = "", username: str | None = None,
                      language_code: str | None = None, default_language: str = "ru",
                      default_timezone: str = "Europe/Moscow", default_reminder_minutes: int = 15) -> User:
    user, _ = await repository.get_or_create(  # names come from Telegram: NUL and lone surrogates can be in them
        session, user_id, first_name=storable_text(first_name)[:255],
        username=storable_text(username)[:255] if username is not None else None,
        language=language_from_telegram(language_code, default_language), timezone=default_timezone,
        reminder_minutes=default_reminder_minutes,
    )
    return user


def set_language(user: User, language: str) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise DomainError("ERR_UNSUPPORTED_LANGUAGE", f"unsupported language {language!r}")
    user.language = language


MAX_TIMEZONE_LENGTH = 64  # the longest IANA name is 32 characters; the column holds 64


def set_timezone(user: User, tz: str) -> None:
    if len(tz) > MAX_TIMEZONE_LENGTH:  # not a zone; and the text echoes it: the start is enough
        raise DomainError("ERR_BAD_TIMEZONE", "unknown time zone", timezone=tz[:MAX_TIMEZONE_LENGTH] + "…")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name the file system refuses
        raise DomainError("ERR_BAD_TIMEZONE", f"unknown time zone {tz!r}", timezone=tz) from exc
    user.timezone = tz
