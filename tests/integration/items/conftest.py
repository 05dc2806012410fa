"""The items API: the real web app over the test database, Mini App users signed with the test bot token."""

from __future__ import annotations

import httpx
import pytest
from items_api_helpers import SignIn
from items_helpers import zone_near_noon

from core.runtime import Runtime
from core.users.models import User
from tests.conftest import TEST_BOT_TOKEN
from tests.fakes.initdata import tma_header
from tests.support.webapi import api, web_app  # noqa: F401 (fixtures)


@pytest.fixture
def sign_in(api: httpx.AsyncClient, runtime: Runtime) -> SignIn:  # noqa: F811 (the imported fixture)
    """``await sign_in(user_id, language="en")``: the headers of a Mini App user who exists, in a zone where it is
    about noon (so that "today" and "tomorrow" are far from midnight)."""

    async def make(user_id: int, language: str = "en", tz: str | None = None) -> dict[str, str]:
        headers = {**tma_header(TEST_BOT_TOKEN, user_id, language_code=language), "Accept-Language": language}
        (await api.get("/api/v1/me", headers=headers)).raise_for_status()
        async with runtime.unit_of_work() as session:
            user = await session.get(User, user_id)
            assert user is not None
            user.timezone = tz or zone_near_noon()
        return headers

    return make
