"""Mini App launch data signed the way Telegram signs it.

secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token); hash = hex(HMAC_SHA256(secret_key, data_check_string)),
where data_check_string is every other field as "key=value", sorted by key, joined by newlines.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

WEBAPP_VERSION = "7.0"
THEME_PARAMS = {
    "bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999", "link_color": "#2481cc",
    "button_color": "#2481cc", "button_text_color": "#ffffff", "secondary_bg_color": "#efeff3",
    "header_bg_color": "#ffffff", "accent_text_color": "#2481cc", "section_bg_color": "#ffffff",
    "section_header_text_color": "#6d6d72", "subtitle_text_color": "#999999", "destructive_text_color": "#ff3b30",
}


def sign_init_data(bot_token: str, fields: dict[str, str]) -> str:
    """The initData query string for `fields` (values already strings), with Telegram's hash appended."""
    check_string = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret_key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret_key, check_string.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest}, quote_via=quote)


def build_init_data(bot_token: str, user: dict[str, Any], *, chat_type: str, chat_instance: str,
                    query_id: str | None = None, start_param: str | None = None,
                    auth_date: int | None = None) -> str:
    webapp_user = {k: user[k] for k in ("id", "first_name", "last_name", "username", "language_code") if user.get(k)}
    webapp_user["allows_write_to_pm"] = True
    fields = {
        "user": json.dumps(webapp_user, ensure_ascii=False, separators=(",", ":")),
        "chat_instance": chat_instance,
        "chat_type": chat_type,
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
    }
    if query_id:
        fields["query_id"] = query_id
    if start_param:
        fields["start_param"] = start_param
    return sign_init_data(bot_token, fields)


def launch_fragment(init_data: str) -> str:
    """What Telegram puts after '#' in a Mini App URL; telegram-web-app.js reads it from location.hash."""
    return urlencode(
        {
            "tgWebAppData": init_data,
            "tgWebAppVersion": WEBAPP_VERSION,
            "tgWebAppPlatform": "web",
            "tgWebAppThemeParams": json.dumps(THEME_PARAMS, separators=(",", ":")),
        },
        quote_via=quote,
    )
