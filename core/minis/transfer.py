"""Export of a user's whole collection and its all-or-nothing import (merge by name).

The exported document is user data: it is never logged, only counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import ConflictError
from core.minis import repository
from core.minis.errors import (
    ERR_DUPLICATE_NAME,
    ERR_IMPORT_INVALID,
    ERR_IMPORT_LIMITS,
    ERR_IMPORT_TOO_LARGE,
    MinisError,
)
from core.minis.rules import MAX_QTY, MAX_TYPE_TOTAL, Stage, check_forward, name_key, normalize_name
from core.minis.schemas import ImportResult, TransferDocument, TransferHistoryEvent, TransferType

log = structlog.get_logger(__name__)

FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_TYPES = 1000
MAX_IMPORT_HISTORY = 10_000  # events per type


@dataclass
class _Planned:
    """One type of the file (same-name entries merged): what to add to the user's collection."""

    name: str
    counts: dict[Stage, int] = field(default_factory=dict)
    history: list[TransferHistoryEvent] = field(default_factory=list)


async def export_data(session: AsyncSession, user_id: int) -> TransferDocument:
    types = await repository.list_types(session, user_id)
    events = await repository.user_events(session, user_id)
    return TransferDocument(version=FORMAT_VERSION, types=[
        TransferType(
            name=t.name,
            stage_counts={Stage(stage): count for stage, count in t.counts.items()},
            history=[TransferHistoryEvent(from_stage=Stage(e.from_stage) if e.from_stage else None,
                                          to_stage=Stage(e.to_stage), qty=e.qty, created_at=e.created_at)
                     for e in events.get(t.id, [])],
        )
        for t in types
    ])


async def import_data(session: AsyncSession, user_id: int, raw: bytes) -> ImportResult:
    """Merge a document into the user's collection: counts are added, history appended, new names created.

    Everything is checked before anything is written; any error leaves the collection as it was (the
    caller's transaction is rolled back).
    """
    if len(raw) > MAX_IMPORT_BYTES:
        raise MinisError(ERR_IMPORT_TOO_LARGE, f"an import is at most {MAX_IMPORT_BYTES} bytes")
    plan = _plan(_parse(raw))

    existing = await repository.types_by_key(session, user_id, list(plan))
    counters = await repository.lock_counters(session, [t.id for t in existing.values()])
    for key, mini_type in existing.items():
        current = sum(c.count for c in counters[mini_type.id].values())
        if current + sum(plan[key].counts.values()) > MAX_TYPE_TOTAL:
            raise MinisError(ERR_IMPORT_LIMITS, f"{plan[key].name!r} would hold more than {MAX_TYPE_TOTAL}")
    for key, mini_type in existing.items():
        for stage, qty in plan[key].counts.items():
            counters[mini_type.id][stage].count += qty
    await session.flush()
    new = {key: (p.name, p.counts) for key, p in plan.items() if key not in existing}
    created = await repository.insert_types(session, user_id, new)
    if created is None:
        raise ConflictError(ERR_DUPLICATE_NAME, "a type of this import was created meanwhile; try again")

    ids = {key: t.id for key, t in (existing | created).items()}
    await repository.insert_events(session, [
        {"type_id": ids[key], "from_stage": e.from_stage.value if e.from_stage else None,
         "to_stage": e.to_stage.value, "qty": e.qty, "created_at": e.created_at}
        for key, p in plan.items() for e in p.history
    ])
    await session.flush()
    log.info("minis.imported", user_id=user_id, types=len(plan), created=len(created), merged=len(existing))
    return ImportResult(imported_types=len(plan), created_types=len(created), merged_types=len(existing))


def _parse(raw: bytes) -> TransferDocument:
    try:
        document = TransferDocument.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise MinisError(ERR_IMPORT_INVALID, f"{where}: {first['msg']}") from None
    if document.version != FORMAT_VERSION:
        raise MinisError(ERR_IMPORT_INVALID, f"unsupported version {document.version}; expected {FORMAT_VERSION}")
    if len(document.types) > MAX_IMPORT_TYPES:
        raise MinisError(ERR_IMPORT_LIMITS, f"an import holds at most {MAX_IMPORT_TYPES} types")
    return document


def _plan(document: TransferDocument) -> dict[str, _Planned]:
    """Check every limit and rule, and merge same-name entries (ignoring case), before touching the database."""
    plan: dict[str, _Planned] = {}
    for index, entry in enumerate(document.types):
        where = f"types.{index}"
        try:
            name = normalize_name(entry.name)
        except MinisError as exc:
            raise MinisError(exc.code, f"{where}.name: {exc.message}") from None
        planned = plan.setdefault(name_key(name), _Planned(name))
        for stage, count in entry.stage_counts.items():
            if not 0 <= count <= MAX_QTY:
                raise MinisError(ERR_IMPORT_LIMITS, f"{where}.stage_counts.{stage}: must be 0..{MAX_QTY}")
            planned.counts[stage] = planned.counts.get(stage, 0) + count
        for number, event in enumerate(entry.history):
            _check_event(event, f"{where}.history.{number}")
        planned.history.extend(entry.history)
        if len(planned.history) > MAX_IMPORT_HISTORY:
            raise MinisError(ERR_IMPORT_LIMITS, f"{where}: at most {MAX_IMPORT_HISTORY} history events per type")
        if sum(planned.counts.values()) > MAX_TYPE_TOTAL:
            raise MinisError(ERR_IMPORT_LIMITS, f"{where}: more than {MAX_TYPE_TOTAL} miniatures")
    return plan


def _check_event(event: TransferHistoryEvent, where: str) -> None:
    if not 1 <= event.qty <= MAX_QTY:
        raise MinisError(ERR_IMPORT_LIMITS, f"{where}.qty: must be 1..{MAX_QTY}")
    if event.from_stage is None:
        if event.to_stage is not Stage.IN_BOX:
            raise MinisError(ERR_IMPORT_INVALID, f"{where}: an addition (no from_stage) goes to {Stage.IN_BOX}")
        return
    try:
        check_forward(event.from_stage, event.to_stage)
    except MinisError as exc:
        raise MinisError(ERR_IMPORT_INVALID, f"{where}: {exc.message}") from None

