"""Bot API parameters, read the way Telegram reads them: query string, JSON, urlencoded or multipart.

In form bodies, objects and arrays (reply_markup, entities...) arrive as JSON strings and numbers as text;
files arrive as parts, named after the parameter or referenced as "attach://<part name>".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from sandbox.errors import BAD_REPLY_MARKUP, ApiError


@dataclass
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


@dataclass
class Params:
    values: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def str_(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def int_(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"field \"{name}\" must be of type Integer") from None

    def required_int(self, name: str, empty_error: str) -> int:
        value = self.int_(name)
        if value is None:
            raise ApiError.bad_request(empty_error)
        return value

    def float_(self, name: str, default: float | None = None) -> float | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"field \"{name}\" must be of type Float") from None

    def bool_(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    def json_(self, name: str) -> Any:
        """An object/array parameter; form bodies carry it as a JSON string."""
        value = self.values.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                if name == "reply_markup":
                    raise ApiError.bad_request(BAD_REPLY_MARKUP) from None
                raise ApiError.bad_request(f"can't parse {name.replace('_', ' ')} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int:
        value = self.values.get(name)
        if value in (None, ""):
            raise ApiError.bad_request(f"{name} is empty")
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ApiError.bad_request("chat not found") from None

    def file(self, name: str) -> Upload | str | None:
        """An uploaded part, or the string given (a file_id or URL) for an InputFile parameter."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            part = self.files.get(value.removeprefix("attach://"))
            if part is None:
                raise ApiError.bad_request("wrong HTTP URL specified")  # Telegram's answer to a bad attach
            return part
        return value if isinstance(value, str) and value else None


async def read_params(request: Request) -> Params:
    values: dict[str, Any] = dict(request.query_params)
    files: dict[str, Upload] = {}
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        body = await request.body()
        if body.strip():
            try:
                data = json.loads(body)
            except json.JSONDecodeError:
                raise ApiError.bad_request("can't parse JSON object") from None
            if not isinstance(data, dict):
                raise ApiError.bad_request("can't parse JSON object")
            values.update(data)
    elif "multipart/form-data" in content_type or "application/x-www-form-urlencoded" in content_type:
        form = await request.form(max_files=100, max_fields=1000)
        for key, item in form.multi_items():
            if isinstance(item, UploadFile):
                files[key] = Upload(await item.read(), item.filename, item.content_type)
            else:
                values[key] = item
        await form.close()
    return Params(values, files)
