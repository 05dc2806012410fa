"""Function calling, the same for every cloud provider: the tools a model may call, its calls, and their results.

A :class:`ToolChat` holds one conversation in the vendor's own format (``CloudProvider.start_tools``): ``step()``
asks the model, which answers with text or with calls; ``reply()`` gives it the calls' results (text and images)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.ai.schemas import JsonSchema

if TYPE_CHECKING:
    from core.ai.base import CloudProvider


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: JsonSchema  # our JSON Schema subset (core.ai.schemas): an object with properties


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ToolStep:
    text: str
    calls: list[ToolCall] = field(default_factory=list)


@dataclass(frozen=True)
class ToolResult:
    call: ToolCall
    text: str
    images: list[bytes] = field(default_factory=list)  # PNG/JPEG shown to the model with the result


class ToolChat:
    """One function-calling conversation with a cloud model."""

    def __init__(self, provider: CloudProvider, system: list[str], user: str, images: list[bytes],
                 tools: list[ToolSpec], model: str) -> None:
        self.provider = provider
        self.system = system
        self.tools = tools
        self.model = model
        self.turns: list[Any] = provider._user_turn(user, images)

    async def step(self) -> ToolStep:
        turn, step = await self.provider._tool_step(self.system, self.turns, self.tools, self.model)
        self.turns.append(turn)
        return step

    def reply(self, results: list[ToolResult]) -> None:
        self.turns.extend(self.provider._tool_results(results))
