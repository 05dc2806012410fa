"""Sign Telegram Mini App initData the way Telegram does (what aiogram's check_webapp_signature verifies)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode


def sign_init_data(bot_token: str, user: dict[str, Any], auth_date: int | None = None, *, ascii_json: bool = False,
                   **extra: Any) -> str:
    """A query string `user=…&auth_date=…&…&hash=…` signed with `bot_token`.

    `auth_date` defaults to now (Unix seconds). Extra fields (query_id, chat_type, …) are signed too;
    dicts and lists are sent as JSON, like Telegram does for `user` and `chat` (`ascii_json`: with `\\uXXXX`
    escapes, the only way to carry a lone surrogate).
    """
    fields: dict[str, str] = {
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=ascii_json),
    }
    for key, value in extra.items():
        fields[key] = json.dumps(value, separators=(",", ":")) if isinstance(value, dict | list) else str(value)
    data_check_string = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret_key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret_key, data_check_string.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def tma_header(bot_token: str, user_id: int, *, first_name: str = "Test", auth_date: int | None = None,
               **user_fields: Any) -> dict[str, str]:
    """`{"Authorization": "tma <initData>"}` for a user with this Telegram id."""
    user = {"id": user_id, "first_name": first_name, **user_fields}
    return {"Authorization": f"tma {sign_init_data(bot_token, user, auth_date)}"}
