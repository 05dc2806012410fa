"""aiogram's types and methods stay unbuilt after import (core.lazy_models) and every one of them still builds, and
validates, when first used — in a fresh interpreter, so that no earlier import in the test process decides
the outcome."""

from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = r"""
import json, sys
import core  # first, as every package of the product does
import aiogram.methods as M
import aiogram.types as T
from aiogram.methods import SendMessage
from core import lazy_models

after_import = lazy_models.deferred()
methods = [getattr(M, name) for name in M.__all__]
methods = [cls for cls in methods if isinstance(cls, type) and issubclass(cls, M.TelegramMethod)
           and cls is not M.TelegramMethod]
methods_built = sum(1 for cls in methods if cls.__pydantic_complete__)
update = T.Update.model_validate({
    "update_id": 7,
    "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "A"}, "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "ok", "callback_data": "c"}]]}},
})
method = SendMessage(chat_id=5, text="x", reply_markup=T.InlineKeyboardMarkup(
    inline_keyboard=[[T.InlineKeyboardButton(text="a", url="https://example.org")]]))
response_type = M.Response[T.Message]
response_deferred = not response_type.__pydantic_complete__
response = response_type.model_validate({"ok": True, "result": {"message_id": 3, "date": 0, "text": "sent",
                                                                 "chat": {"id": 5, "type": "private"}}})
failed = []
for module, name in [(T, n) for n in T.__all__] + [(M, n) for n in M.__all__]:
    cls = getattr(module, name)  # each builds on its own, with the names its module imports only for type checkers
    if isinstance(cls, type) and hasattr(cls, "model_rebuild") and not cls.__pydantic_complete__:
        try:
            cls.model_rebuild()
        except Exception as exc:
            failed.append(f"{name}: {exc}")
print(json.dumps({
    "after_import": after_import, "methods": len(methods), "methods_built": methods_built,
    "text": update.message.text, "sender": update.message.from_user.first_name,
    "button": update.message.reply_markup.inline_keyboard[0][0].callback_data,
    "markup": method.model_dump(exclude_none=True)["reply_markup"],
    "response": [response_deferred, response.result.text], "left": lazy_models.deferred(), "failed": failed,
}))
"""


def test_aiogram_types_are_built_on_first_use_and_all_of_them_build() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["after_import"] > 300  # aiogram has ~400 types; none was built at import
    assert out["methods"] > 150 and out["methods_built"] == 0  # nor any of its ~170 methods
    assert out["text"] == "hi" and out["sender"] == "A" and out["button"] == "c"
    assert out["markup"] == {"inline_keyboard": [[{"text": "a", "url": "https://example.org"}]]}
    assert out["response"] == [True, "sent"]  # Response[Message] too: built on the first reply it reads
    assert out["failed"] == [] and out["left"] == 0
