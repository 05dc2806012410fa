"""Bot API method table and the one entry point that runs a call: token → method → flood check → handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from sandbox.errors import ApiError
from sandbox.models import JSON, BotRecord
from sandbox.params import Params
from sandbox.schema import normalize, result_spec

if TYPE_CHECKING:
    from sandbox.service import Sandbox


@dataclass
class Call:
    sandbox: Sandbox
    bot: BotRecord
    params: Params
    request: Request | None = None

    def chat_id(self, name: str = "chat_id") -> int:
        """The chat a call addresses; "chat not found" for a private chat whose user never wrote to the bot."""
        return self.sandbox.require_chat(self.params.chat_id(name))


@dataclass
class Described:
    """A result Telegram returns with a description, like setWebhook's "Webhook was set"."""

    result: Any
    description: str


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class Method:
    name: str
    handler: Handler
    sends: bool  # counts against flood limits (and `fail_next`)


_METHODS: dict[str, Method] = {}


def api_method(name: str, *, sends: bool = False) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _METHODS[name.lower()] = Method(name, handler, sends)
        return handler

    return register


def accept(*names: str) -> None:
    """Methods the sandbox takes and ignores, answering `true` (close, logOut, unpinning...)."""
    async def accepted(call: Call) -> bool:
        return True

    for name in names:
        api_method(name)(accepted)


def method_names() -> list[str]:
    return sorted(m.name for m in _METHODS.values())


def _flood_chat(params: Params) -> int | None:
    try:
        return params.int_("chat_id")
    except ApiError:
        return None


async def execute(sandbox: Sandbox, token: str, method_name: str, params: Params,
                  request: Request | None = None) -> tuple[int, JSON]:
    """Run one Bot API call; returns (HTTP status, Telegram-shaped body)."""
    try:
        bot = sandbox.bot_from_token(token)
        method = _METHODS.get(method_name.lower())
        if method is None:
            raise ApiError(404, "Not Found")
        if method.sends:
            sandbox.flood.check(bot.id, _flood_chat(params))
        result = await method.handler(Call(sandbox, bot, params, request))
    except ApiError as exc:
        return exc.error_code, exc.body()
    if isinstance(result, Described):
        return 200, {"ok": True, "result": result.result, "description": result.description}
    return 200, {"ok": True, "result": normalize(result, result_spec(method.name))}
