"""What the Minis API takes and gives (also the export/import document)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt, StrictStr, field_validator
from typing_extensions import TypedDict

from core.minis.rules import STAGE_NAMES, Stage

# --- requests ------------------------------------------------------------------------------------------
# Stages arrive as plain str and quantities as JSON integers: the service checks their values, so that a bad
# value gets its business code (ERR_INVALID_STAGE, ERR_INVALID_QTY) rather than a generic validation error.
# Counts are StrictInt: `true`, "3" or 2.0 is a validation error (422), never silently a number.


class TypeCreate(BaseModel):
    name: str
    quantity: StrictInt = 0


class AddRequest(BaseModel):
    qty: StrictInt


class MoveRequest(BaseModel):
    from_stage: str
    to_stage: str
    qty: StrictInt


# --- responses -----------------------------------------------------------------------------------------


class MiniTypeOut(TypedDict):
    """A type with its counters. A TypedDict, not a model: a list of a thousand of them is checked and
    serialized by pydantic-core in about a millisecond, ten times faster than building models."""

    id: int
    name: str
    stage_counts: Annotated[dict[str, int], Field(description="every stage, IN_BOX … DONE, always all five")]


def mini_type_out(type_id: int, name: str, counts: dict[str, int]) -> MiniTypeOut:
    return MiniTypeOut(id=type_id, name=name, stage_counts={stage: counts.get(stage, 0) for stage in STAGE_NAMES})


class HistoryGroupOut(BaseModel):
    from_stage: Stage | None = Field(description="null for miniatures added to IN_BOX")
    to_stage: Stage
    qty: int
    timestamp: datetime = Field(description="the first event of the group (UTC)")
    events: int = Field(description="how many events were merged into this group")


class ImportResult(BaseModel):
    imported_types: int
    created_types: int
    merged_types: int


# --- export / import document (version 1) --------------------------------------------------------------
# Imports are parsed with strict=True: numbers must be JSON integers, names JSON strings.
# Unknown keys (such as "id") are ignored.


class TransferHistoryEvent(BaseModel):
    from_stage: Stage | None
    to_stage: Stage
    qty: StrictInt
    created_at: datetime

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """An offset-less time is read as UTC."""
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TransferType(BaseModel):
    name: StrictStr
    stage_counts: dict[Stage, StrictInt] = Field(default_factory=dict)
    history: list[TransferHistoryEvent] = Field(default_factory=list)


class TransferDocument(BaseModel):
    version: StrictInt
    types: list[TransferType]
