"""Key rotation: re-seal every per-user secret that an older master key sealed with the box's current key.

To rotate, set the new MASTER_ENCRYPTION_KEY with a higher MASTER_ENCRYPTION_KEY_VERSION, keep the old key in
MASTER_ENCRYPTION_PREVIOUS_KEYS, run this, commit; then the old key can go. It covers every name in
``user_secrets`` (whatever feature stored it) and the ICS feed tokens; a secret sealed in another table must be
added here. A value no held key opens is counted as unreadable and left as it is, so one bad row never stops
the run; values are never logged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TypeVar

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.calendar.feeds import TOKEN_NAME as ICS_TOKEN_NAME
from core.calendar.models import CalendarFeed
from core.crypto import SecretBox, SecretUnreadable
from core.secrets.store import secret_context
from core.users.models import UserSecret

log = structlog.get_logger(__name__)

BATCH = 500  # rows loaded at once, so a large table never sits in the session whole

_Row = TypeVar("_Row", UserSecret, CalendarFeed)


@dataclass
class RotationReport:
    """What one run did, by kind: the ``user_secrets`` name, or "ics_token" for the calendar feed tokens."""

    key_version: int
    rotated: Counter[str] = field(default_factory=Counter)
    unreadable: Counter[str] = field(default_factory=Counter)

    @property
    def total_rotated(self) -> int:
        return sum(self.rotated.values())

    @property
    def total_unreadable(self) -> int:
        return sum(self.unreadable.values())


async def rotate_all(session: AsyncSession, box: SecretBox) -> RotationReport:
    """Re-encrypt every secret sealed with a key version other than ``box.key_version``. Flushes; the caller
    commits (in one transaction, so a failed run leaves every row as it was)."""
    report = RotationReport(key_version=box.key_version)
    async for secret in _stale(session, UserSecret, UserSecret.id, box.key_version):
        resealed = _reseal(box, report, secret.user_id, secret.name, secret.ciphertext, secret.key_version)
        if resealed is not None:
            secret.ciphertext, secret.key_version = resealed
    async for feed in _stale(session, CalendarFeed, CalendarFeed.user_id, box.key_version):
        resealed = _reseal(box, report, feed.user_id, ICS_TOKEN_NAME, feed.token_ciphertext, feed.key_version)
        if resealed is not None:
            feed.token_ciphertext, feed.key_version = resealed
    await session.flush()
    log.info("secrets.rotated", key_version=box.key_version, rotated=dict(report.rotated),
             unreadable=dict(report.unreadable))
    return report


async def _stale(
    session: AsyncSession, model: type[_Row], key: InstrumentedAttribute[int], current: int
) -> AsyncIterator[_Row]:
    """The rows of ``model`` sealed with another key version, in ``key`` order, a batch at a time."""
    after: int | None = None
    while True:
        query = select(model).where(model.key_version != current).order_by(key).limit(BATCH)
        if after is not None:  # unreadable rows keep their old version: step past them, never select them again
            query = query.where(key > after)
        rows = list(await session.scalars(query))
        for row in rows:
            yield row
        await session.flush()
        if len(rows) < BATCH:
            return
        after = getattr(rows[-1], key.key)


def _reseal(
    box: SecretBox, report: RotationReport, user_id: int, name: str, ciphertext: bytes, version: int
) -> tuple[bytes, int] | None:
    """The value sealed again with the current key, or None (counted, logged without it) when it cannot be read."""
    context = secret_context(user_id, name)
    try:
        plaintext = box.decrypt(ciphertext, version, context=context)
    except SecretUnreadable:
        report.unreadable[name] += 1
        log.warning("secrets.rotation_unreadable", user_id=user_id, name=name, key_version=version)
        return None
    report.rotated[name] += 1
    return box.encrypt(plaintext, context=context)
