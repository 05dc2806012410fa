"""/calendar through the real bot and the sandbox: the feed address a person subscribes to, resetting it, and
connecting their own Google account (OAuth against the fake Google) so that new meetings land there."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from icalendar import Calendar
from sqlalchemy import select

from core.calendar.oauth import SECRET_NAME
from core.users.models import UserSecret
from secretary.bot import BotServices
from tests.fakes.google_calendar import FakeGoogle
from tests.support.sandbox import SandboxClient

FEED = re.compile(r"https?://\S+?/calendar/[\w-]+\.ics")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _link(message: dict[str, Any]) -> str:
    (url,) = [e["url"] for e in message["entities"] if e["type"] == "text_link"]
    return str(url)


class TestFeedAddress:
    async def test_calendar_shows_a_working_address_and_reset_replaces_it(
            self, bot_app: BotServices, sandbox: SandboxClient, client: httpx.AsyncClient) -> None:
        await sandbox.say(6101, "завтра в 15:00 встреча с Иваном", language_code="en")
        await sandbox.wait_for_text(6101, "#1 meeting")
        await sandbox.say(6101, "/calendar", language_code="en")
        shown = await sandbox.wait_for_text(6101, "Your calendar")
        assert "Google Calendar:" not in shown["text"] and not shown["reply_markup"]  # the feed only
        (url,) = FEED.findall(shown["text"])
        (event,) = Calendar.from_ical((await client.get(_path(url))).content).walk("VEVENT")
        assert str(event["SUMMARY"]) == "встреча с Иваном"

        await sandbox.say(6101, "/calendar reset", language_code="en")
        reset = await sandbox.wait_for_text(6101, "A new calendar address")
        (new_url,) = FEED.findall(reset["text"])
        assert new_url != url
        assert (await client.get(_path(url))).status_code == 404
        assert (await client.get(_path(new_url))).status_code == 200

    async def test_the_address_is_not_shown_in_a_group(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await sandbox.say(-1006102, "/calendar", user_id=6102)
        await sandbox.say(-1006102, "/remind", user_id=6102)
        await sandbox.wait_for_text(-1006102, "/remind")
        assert not any("calendar" in (m["text"] or "") for m in await sandbox.bot_messages(-1006102))


class TestGoogleConnect:
    async def test_connect_then_new_meetings_go_to_the_users_google_calendar(
            self, oauth_bot: BotServices, sandbox: SandboxClient, client: httpx.AsyncClient,
            fake_google: FakeGoogle) -> None:
        await sandbox.say(6201, "/calendar", language_code="en")
        shown = await sandbox.wait_for_text(6201, "connect your Google account")
        connect = _link(shown)
        to_google = await client.get(_path(connect))
        assert to_google.status_code == 302
        location = to_google.headers["location"]
        assert location.startswith(f"{fake_google.url}/o/oauth2/v2/auth?")
        query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        assert query["client_id"] == "client-1.apps.googleusercontent.com"
        assert query["redirect_uri"] == "http://127.0.0.1:8000/calendar/google/callback"
        assert (query["access_type"], query["scope"]) == ("offline", "https://www.googleapis.com/auth/calendar.events")

        fake_google.add_code("code-from-google", "ann@example.com")  # Ann says yes on Google's page
        back = await client.get("/calendar/google/callback",
                                params={"code": "code-from-google", "state": query["state"]})
        assert back.status_code == 200 and "connected" in back.text
        await sandbox.wait_for_text(6201, "Google Calendar connected")
        async with oauth_bot.runtime.session_factory() as s:
            secret = await s.scalar(select(UserSecret).where(UserSecret.user_id == 6201,
                                                             UserSecret.name == SECRET_NAME))
        (refresh_token,) = fake_google.refresh_tokens
        assert secret is not None and refresh_token.encode() not in secret.ciphertext

        await sandbox.say(6201, "tomorrow at 10:00 meeting with Bob", language_code="en")
        for _ in range(100):
            if fake_google.events("ann@example.com"):
                break
            await asyncio.sleep(0.05)
        (event,) = fake_google.events("ann@example.com")
        assert event["summary"].lower().startswith("meeting with bob")
        assert fake_google.token_requests[-1]["grant_type"] == "refresh_token"

        await sandbox.say(6201, "/calendar", language_code="en")
        await sandbox.wait_for_text(6201, "Google Calendar: connected")
        await sandbox.say(6201, "/calendar disconnect", language_code="en")
        await sandbox.wait_for_text(6201, "Google Calendar disconnected")

    async def test_a_forged_or_refused_callback_connects_nothing(
            self, oauth_bot: BotServices, client: httpx.AsyncClient, fake_google: FakeGoogle) -> None:
        forged = await client.get("/calendar/google/callback", params={"code": "x", "state": "not-a-state"})
        assert forged.status_code == 400
        denied = await client.get("/calendar/google/callback", params={"error": "access_denied", "state": "x"})
        assert denied.status_code == 400
        async with oauth_bot.runtime.session_factory() as s:
            assert await s.scalar(select(UserSecret).where(UserSecret.name == SECRET_NAME)) is None
