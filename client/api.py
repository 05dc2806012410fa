"""The HTTP side: every call with the access token, refreshed once on a 401 (with the refresh token, which the
server rotates); errors as :class:`ApiError` (the server's code and message) or :class:`NotLoggedIn`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from client import session as store
from client.session import Session

TIMEOUT = httpx.Timeout(30.0, read=300.0)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class NotLoggedIn(Exception):
    """No login, or it was revoked or expired: `secretary-client login` again."""


@dataclass
class Event:
    id: int
    event: str
    data: dict[str, Any]


def _error(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
        return ApiError(response.status_code, str(body.get("code", "")), str(body.get("message", response.text)))
    except ValueError:
        return ApiError(response.status_code, f"HTTP_{response.status_code}", response.text[:200])


class Api:
    def __init__(self, session: Session, *, transport: httpx.BaseTransport | None = None) -> None:
        self.session = session
        self.http = httpx.Client(base_url=session.server_url.rstrip("/"), timeout=TIMEOUT, transport=transport)

    def close(self) -> None:
        self.http.close()

    # -- login ------------------------------------------------------------------------------------------------

    def exchange(self, static_token: str) -> dict[str, Any]:
        response = self.http.post("/auth/exchange", json={"static_token": static_token})
        if response.status_code != 200:
            raise _error(response)
        body: dict[str, Any] = response.json()
        self._keep(body)
        return body

    def refresh(self) -> None:
        if not self.session.refresh_token:
            raise NotLoggedIn()
        response = self.http.post("/auth/refresh", json={"refresh_token": self.session.refresh_token})
        if response.status_code != 200:
            self.session.access_token = self.session.refresh_token = ""
            store.save(self.session)
            raise NotLoggedIn()
        self._keep(response.json())

    def logout(self) -> None:
        if self.session.refresh_token:
            response = self.http.post("/auth/logout", json={"refresh_token": self.session.refresh_token})
            if response.status_code not in (200, 401, 422):
                raise _error(response)
        self.session.access_token = self.session.refresh_token = ""
        self.session.access_expires_at = 0.0
        self.session.active_chat_id = None
        store.save(self.session)

    def _keep(self, body: dict[str, Any]) -> None:
        self.session.access_token = str(body["access_token"])
        self.session.refresh_token = str(body.get("refresh_token") or self.session.refresh_token)
        self.session.access_expires_at = time.time() + float(body.get("expires_in", 0))
        store.save(self.session)

    # -- calls ------------------------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        if not self.session.logged_in:
            raise NotLoggedIn()
        if not self.session.access_token or time.time() > self.session.access_expires_at - 5:
            self.refresh()
        return {"Authorization": f"Bearer {self.session.access_token}"}

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, headers=self._headers(), **kwargs)
        if response.status_code == 401:  # expired or revoked access token: refresh once, then try again
            self.refresh()
            response = self.http.request(method, path, headers=self._headers(), **kwargs)
        if response.status_code == 401:
            raise NotLoggedIn()
        if response.status_code >= 400:
            raise _error(response)
        return response.json()

    def upload(self, path: Path) -> dict[str, Any]:
        with path.open("rb") as f:
            result: dict[str, Any] = self.request("POST", "/api/v1/files/upload",
                                                  files={"file": (path.name, f, _mime(path))})
            return result

    def stream(self, chat_id: int, after: int | None = None) -> Iterator[Event]:
        """The chat's answer as server-sent events; a dropped connection is resumed after the last event seen."""
        last = after
        for attempt in range(4):
            try:
                for event in self._stream_once(chat_id, last):
                    last = event.id
                    yield event
                return
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout):
                if attempt == 3:
                    raise
                time.sleep(0.5 * (attempt + 1))

    def _stream_once(self, chat_id: int, after: int | None) -> Iterator[Event]:
        headers = self._headers()
        if after is not None:
            headers["Last-Event-ID"] = str(after)
        with self.http.stream("GET", f"/api/v1/chats/{chat_id}/stream", headers=headers) as response:
            if response.status_code == 401:
                response.close()
                self.refresh()
                yield from self._stream_once(chat_id, after)
                return
            if response.status_code >= 400:
                response.read()
                raise _error(response)
            fields: dict[str, str] = {}
            for line in response.iter_lines():
                if not line:
                    if "event" in fields:
                        yield Event(int(fields.get("id", "0") or 0), fields["event"], json.loads(fields["data"]))
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")


_MIMES = {".pdf": "application/pdf", ".md": "text/markdown", ".markdown": "text/markdown", ".html": "text/html",
          ".htm": "text/html", ".json": "application/json"}


def _mime(path: Path) -> str:
    return _MIMES.get(path.suffix.lower(), "application/octet-stream")
