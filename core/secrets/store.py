"""The one store of per-user secrets (API keys, OAuth tokens, …) in ``user_secrets``.

A feature names its secret ("openai_api_key", "google_calendar_refresh_token") and this module seals it with
:class:`~core.crypto.SecretBox`, bound to :func:`secret_context`, so a ciphertext copied to another user or
name fails to open. Values never reach a log line: the store logs nothing, callers log the event without it.
Writes only flush; the unit of work that called them commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy import delete as delete_rows
from sqlalchemy.ext.asyncio import AsyncSession

from core.crypto import SecretBox
from core.users.models import UserSecret


def secret_context(user_id: int, name: str) -> str:
    """The associated data sealed with a user's secret; changing it would make every stored value unreadable."""
    return f"user:{user_id}:{name}"


def _one(user_id: int, name: str) -> ColumnElement[bool]:
    return and_(UserSecret.user_id == user_id, UserSecret.name == name)


async def put(session: AsyncSession, box: SecretBox, user_id: int, name: str, value: str) -> None:
    """Store or replace the user's secret ``name``, encrypted with the box's current key."""
    ciphertext, version = box.encrypt(value, context=secret_context(user_id, name))
    row = await session.scalar(select(UserSecret).where(_one(user_id, name)))
    if row is None:
        session.add(UserSecret(user_id=user_id, name=name, ciphertext=ciphertext, key_version=version))
    else:
        row.ciphertext, row.key_version = ciphertext, version  # updated_at follows by its onupdate
    await session.flush()


async def get(session: AsyncSession, box: SecretBox, user_id: int, name: str) -> str | None:
    """The secret in clear, or None when the user has none; raises SecretUnreadable when no held key opens it."""
    sealed = (await session.execute(
        select(UserSecret.ciphertext, UserSecret.key_version).where(_one(user_id, name))
    )).first()
    if sealed is None:
        return None
    return box.decrypt(sealed.ciphertext, sealed.key_version, context=secret_context(user_id, name))


async def exists(session: AsyncSession, user_id: int, name: str) -> bool:
    """Whether the user has the secret, without needing a key to open it."""
    return await session.scalar(select(UserSecret.id).where(_one(user_id, name))) is not None


async def delete(session: AsyncSession, user_id: int, name: str) -> bool:
    """Forget the user's secret; returns whether there was one."""
    removed = await session.scalar(delete_rows(UserSecret).where(_one(user_id, name)).returning(UserSecret.id))
    await session.flush()
    return removed is not None


# A user holds a handful of secrets: their names are read whole and filtered here, by one statement built once (an IN
# list of names is compiled again on every call). Every AI job asks this through the provider choice.
_NAMES_OF_USER = select(UserSecret.name).where(UserSecret.user_id == bindparam("user_id"))


async def names_present(session: AsyncSession, user_id: int, names: Iterable[str]) -> set[str]:
    """Which of ``names`` the user has a secret for (a settings screen shows "set" / "not set")."""
    wanted = set(names)
    return {name for name in await session.scalars(_NAMES_OF_USER, {"user_id": user_id}) if name in wanted}
