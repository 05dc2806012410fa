"""The pipeline and the pure rules of Minis: stage order, names, quantities, limits."""

from __future__ import annotations

import enum
import re

from core.minis.errors import (
    ERR_INVALID_QTY,
    ERR_INVALID_STAGE,
    ERR_INVALID_STAGE_TRANSITION,
    ERR_NAME_REQUIRED,
    ERR_NAME_TOO_LONG,
    MinisError,
)


class Stage(enum.StrEnum):
    IN_BOX = "IN_BOX"
    BUILDING = "BUILDING"
    PRIMING = "PRIMING"
    PAINTING = "PAINTING"
    DONE = "DONE"

    @property
    def position(self) -> int:
        return STAGES.index(self)


STAGES: tuple[Stage, ...] = tuple(Stage)
STAGE_NAMES: tuple[str, ...] = tuple(stage.value for stage in STAGES)  # plain strings: hot paths skip Enum lookups

NAME_MAX_LENGTH = 100
# casefold() can turn one character into up to three ("ß" → "ss", "ΐ" → three code points)
NAME_KEY_MAX_LENGTH = 3 * NAME_MAX_LENGTH
MAX_QTY = 1_000_000  # per create/add/move request, per imported count and history event
MAX_TYPE_TOTAL = 1_000_000_000  # miniatures of one type over all stages (counters are 32-bit INTEGERs)

_SPACES = re.compile(r"\s+")


def normalize_name(raw: str) -> str:
    """The name as stored: trimmed, inner runs of whitespace collapsed to one space."""
    name = _SPACES.sub(" ", raw).strip()
    if not name:
        raise MinisError(ERR_NAME_REQUIRED, "a name is required")
    if len(name) > NAME_MAX_LENGTH:
        raise MinisError(ERR_NAME_TOO_LONG, f"a name is at most {NAME_MAX_LENGTH} characters")
    return name


def name_key(name: str) -> str:
    """What uniqueness, search and A–Z order compare: the name case-folded (Unicode-aware, the same on every
    database), with "ё" read as "е" as Russian writers do. Code point order of keys is alphabetical order."""
    return _SPACES.sub(" ", name).strip().casefold().replace("ё", "е")


def parse_stage(raw: str) -> Stage:
    try:
        return Stage(raw)
    except ValueError:
        raise MinisError(ERR_INVALID_STAGE, f"unknown stage {raw!r}; expected one of {', '.join(STAGES)}") from None


def check_qty(qty: int, *, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if not low <= qty <= MAX_QTY:
        raise MinisError(ERR_INVALID_QTY, f"quantity must be between {low} and {MAX_QTY}")
    return qty


def check_forward(from_stage: Stage, to_stage: Stage) -> None:
    """Moves go strictly forward, to any later stage."""
    if to_stage.position <= from_stage.position:
        raise MinisError(ERR_INVALID_STAGE_TRANSITION,
                         f"cannot move from {from_stage} to {to_stage}: moves only go forward")
