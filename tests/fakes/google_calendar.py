"""A local fake of the Google Calendar v3 REST API and Google's OAuth token endpoint, served on 127.0.0.1 with
a random port and hit by the real google-api-python-client (through ``GOOGLE_API_BASE``).

Events: insert / get / list / patch / update / delete on ``/calendar/v3/calendars/{id}/events[/{eventId}]``,
answering like Google: an insert with an id that exists (even a deleted one) is 409 ``duplicate``; a deleted
event stays with ``status: cancelled`` (a second delete is 410, a patch with ``status: confirmed`` brings it
back); ids must be base32hex, 5–1024 characters.

Tokens (``/token``): the service-account JWT grant, the authorization-code grant (codes added with
:meth:`FakeGoogle.add_code`) and the refresh-token grant. Calendar calls need a Bearer token it issued.

Faults, in order, for the next calendar calls: :meth:`fail` (HTTP status), :meth:`time_out` (no answer within
the client's timeout; with ``after_apply`` the change is made first, so only the answer is lost);
:meth:`fail_always` until :meth:`recover`.

    async def test_x(fake_google: FakeGoogle) -> None:
        fake_google.fail(500, times=2)
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import secrets
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
SERVICE_ACCOUNT_EMAIL = "secretary@fake-project.iam.gserviceaccount.com"


@dataclass
class Fault:
    kind: str  # "error" | "hang"
    status: int = 500
    after_apply: bool = False


@dataclass
class Call:
    method: str
    path: str
    event_id: str | None
    body: Any = None
    status: int = 0


@dataclass
class FakeGoogle:
    hang_seconds: float = 5.0
    calendars: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    sticky: Fault | None = None
    access_tokens: dict[str, str] = field(default_factory=dict)  # token -> principal (an email)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> principal
    codes: dict[str, str] = field(default_factory=dict)  # authorization code -> principal
    port: int = 0
    _runner: web.AppRunner | None = None

    # --- scripting -------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    def fail(self, status: int = 500, *, times: int = 1) -> None:
        self.faults.extend(Fault("error", status) for _ in range(times))

    def time_out(self, *, times: int = 1, after_apply: bool = False) -> None:
        self.faults.extend(Fault("hang", after_apply=after_apply) for _ in range(times))

    def fail_always(self, status: int = 500) -> None:
        self.sticky = Fault("error", status)

    def recover(self) -> None:
        self.faults.clear()
        self.sticky = None

    def add_code(self, code: str, principal: str) -> None:
        self.codes[code] = principal

    def revoke(self, principal: str) -> None:
        self.refresh_tokens = {rt: p for rt, p in self.refresh_tokens.items() if p != principal}
        self.access_tokens = {at: p for at, p in self.access_tokens.items() if p != principal}

    # --- what a test looks at --------------------------------------------------------------------------

    def events(self, calendar_id: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        events = self.calendars.get(calendar_id, {}).values()
        return [e for e in events if include_deleted or e["status"] != "cancelled"]

    def event(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        return self.calendars.get(calendar_id, {}).get(event_id)

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- server ----------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        base = "/calendar/v3/calendars/{calendar}/events"
        app.router.add_post("/token", self._token)
        app.router.add_post(base, self._insert)
        app.router.add_get(base, self._list)
        app.router.add_route("*", base + "/{event}", self._event)
        self._runner = web.AppRunner(app, shutdown_timeout=0.2, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- tokens ----------------------------------------------------------------------------------------

    def _issue(self, principal: str) -> str:
        token = "ya29.fake-" + secrets.token_urlsafe(12)
        self.access_tokens[token] = principal
        return token

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append(form)
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            claims = _jwt_claims(form.get("assertion", ""))
            if claims.get("iss") != SERVICE_ACCOUNT_EMAIL:
                return _oauth_error("invalid_grant")
            return web.json_response({"access_token": self._issue(SERVICE_ACCOUNT_EMAIL), "expires_in": 3600,
                                      "token_type": "Bearer"})
        if grant == "authorization_code":
            principal = self.codes.pop(form.get("code", ""), None)
            if principal is None or not form.get("client_secret"):
                return _oauth_error("invalid_grant")
            refresh = "1//fake-" + secrets.token_urlsafe(12)
            self.refresh_tokens[refresh] = principal
            return web.json_response({"access_token": self._issue(principal), "expires_in": 3600,
                                      "refresh_token": refresh, "token_type": "Bearer",
                                      "scope": "https://www.googleapis.com/auth/calendar.events"})
        if grant == "refresh_token":
            principal = self.refresh_tokens.get(form.get("refresh_token", ""))
            if principal is None:
                return _oauth_error("invalid_grant")
            return web.json_response({"access_token": self._issue(principal), "expires_in": 3600,
                                      "token_type": "Bearer"})
        return _oauth_error("unsupported_grant_type")

    # --- calendar --------------------------------------------------------------------------------------

    async def _prelude(self, request: web.Request, call: Call) -> tuple[str, Fault | None, web.Response | None]:
        """Auth, then the scripted fault; returns the calendar id the call is about."""
        self.calls.append(call)
        principal = self.access_tokens.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if principal is None:
            return "", None, _error(401, "authError", "Invalid Credentials")
        calendar = request.match_info["calendar"]
        calendar = principal if calendar == "primary" else calendar
        fault = self.faults.popleft() if self.faults else self.sticky
        if fault is None:
            return calendar, None, None
        if fault.kind == "error":
            return calendar, None, _error(fault.status, "backendError", "Backend Error")
        if not fault.after_apply:
            await asyncio.sleep(self.hang_seconds)
            return calendar, None, _error(503, "backendError", "too late")
        return calendar, fault, None

    async def _answer(self, call: Call, fault: Fault | None, response: web.Response) -> web.Response:
        if fault is not None:  # the change is made; the answer never comes in time
            await asyncio.sleep(self.hang_seconds)
        call.status = response.status
        return response

    async def _insert(self, request: web.Request) -> web.Response:
        body = await request.json()
        call = Call("insert", request.path, body.get("id"), body)
        calendar, fault, refused = await self._prelude(request, call)
        if refused is not None:
            call.status = refused.status
            return refused
        events = self.calendars.setdefault(calendar, {})
        event_id = body.get("id") or base64.b32hexencode(secrets.token_bytes(10)).decode().lower()
        if not EVENT_ID.match(event_id):
            return await self._answer(call, fault, _error(400, "invalid", "Invalid resource id value."))
        if "start" not in body or "end" not in body:
            return await self._answer(call, fault, _error(400, "required", "Missing end time."))
        if event_id in events:
            return await self._answer(call, fault, _error(409, "duplicate", "The requested identifier already exists."))
        events[event_id] = {**body, "id": event_id, "status": body.get("status", "confirmed"), "kind": "calendar#event"}
        return await self._answer(call, fault, web.json_response(events[event_id]))

    async def _list(self, request: web.Request) -> web.Response:
        call = Call("list", request.path, None)
        calendar, fault, refused = await self._prelude(request, call)
        if refused is not None:
            return refused
        show_deleted = request.query.get("showDeleted") == "true"
        items = self.events(calendar, include_deleted=show_deleted)
        return await self._answer(call, fault, web.json_response({"kind": "calendar#events", "items": items}))

    async def _event(self, request: web.Request) -> web.Response:
        event_id = request.match_info["event"]
        body = await request.json() if request.can_read_body else None
        method = {"GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete"}.get(request.method, "?")
        call = Call(method, request.path, event_id, body)
        calendar, fault, refused = await self._prelude(request, call)
        if refused is not None:
            call.status = refused.status
            return refused
        event = self.calendars.get(calendar, {}).get(event_id)
        if event is None:
            return await self._answer(call, fault, _error(404, "notFound", "Not Found"))
        if method == "get":
            return await self._answer(call, fault, web.json_response(event))
        if method == "delete":
            if event["status"] == "cancelled":
                return await self._answer(call, fault, _error(410, "deleted", "Resource has been deleted"))
            event["status"] = "cancelled"
            return await self._answer(call, fault, web.Response(status=204))
        if method in ("patch", "update"):
            if method == "update":
                event.clear()
                event.update({"id": event_id, "status": "confirmed"})
            event.update({k: v for k, v in (body or {}).items() if k != "id"})
            return await self._answer(call, fault, web.json_response(event))
        return _error(405, "methodNotAllowed", "Method not allowed")


def _error(status: int, reason: str, message: str) -> web.Response:
    body = {"error": {"code": status, "message": message,
                      "errors": [{"domain": "global", "reason": reason, "message": message}]}}
    return web.json_response(body, status=status)


def _oauth_error(error: str) -> web.Response:
    return web.json_response({"error": error, "error_description": error}, status=400)


def _jwt_claims(assertion: str) -> dict[str, Any]:
    """The claims of a JWT (the fake trusts the signature: it checks who, not crypto)."""
    try:
        payload = assertion.split(".")[1]
        result: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return result
    except (IndexError, ValueError):
        return {}


def write_service_account(path: Path, token_uri: str) -> Path:
    """A service-account key file like the one Google Cloud gives, with a fresh RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "fake-project", "private_key_id": "fake-key-1",
        "private_key": pem, "client_email": SERVICE_ACCOUNT_EMAIL, "client_id": "1234567890",
        "token_uri": token_uri,
    }))
    return path


@pytest.fixture
async def fake_google() -> AsyncIterator[FakeGoogle]:
    server = FakeGoogle()
    await server.start()
    yield server
    await server.stop()
