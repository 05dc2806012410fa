"""In a group people talk to each other: only what is meant for the bot becomes an item (a mention of it, a reply
to it, a command), and in the group configured for forum topics every message does."""

from __future__ import annotations

from items_helpers import items_of

from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

GROUP = -100500
ALICE = 3601


async def said_in_group(sandbox: SandboxClient, text: str, **extra: object) -> None:
    await sandbox.say(GROUP, text, user_id=ALICE, language_code="en", **extra)


class TestGroupChat:
    async def test_chatter_is_not_taken_but_a_mention_or_a_reply_is(self, bot_app: BotServices,
                                                                    sandbox: SandboxClient) -> None:
        await said_in_group(sandbox, "who is bringing the cake?")
        await sandbox.say(GROUP, "I am", user_id=ALICE + 1, language_code="en")
        await said_in_group(sandbox, "@secretary_sandbox_bot buy candles")
        note = await sandbox.wait_for_text(GROUP, "#1")
        await said_in_group(sandbox, "and balloons", reply_to_message_id=note["message_id"])
        await sandbox.wait_for_text(GROUP, "#2")
        await said_in_group(sandbox, "/help")
        await sandbox.wait_for_text(GROUP, "What I can do")
        assert [i.title for i in await items_of(bot_app, ALICE)] == ["buy candles", "and balloons"]
        assert await items_of(bot_app, ALICE + 1) == []
        texts = [m["text"] for m in await sandbox.bot_messages(GROUP)]
        assert len(texts) == 3, texts  # the chatter got no answer at all (no item, no /help hint)

    async def test_a_photo_in_a_group_gets_no_help_hint(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300"
                            "010000050001a5f645400000000049454e44ae426082")
        r = await sandbox.http.post("/photos", data={"chat_id": str(GROUP - 1), "user_id": str(ALICE)},
                                    files={"file": ("cake.png", png, "image/png")})
        r.raise_for_status()
        await sandbox.say(GROUP - 1, "/help", user_id=ALICE, language_code="en")
        await sandbox.wait_for_text(GROUP - 1, "/status")
        assert len(await sandbox.bot_messages(GROUP - 1)) == 1


class TestTopicsGroup:
    async def test_every_message_in_the_configured_group_is_taken(self, bot_app: BotServices,
                                                                  sandbox: SandboxClient) -> None:
        bot_app.runtime.settings = bot_app.runtime.settings.model_copy(update={"telegram_group_id": GROUP - 2})
        await sandbox.say(GROUP - 2, "renew the passport", user_id=ALICE + 2, language_code="en")
        await sandbox.wait_for_text(GROUP - 2, "#1")
        assert [i.title for i in await items_of(bot_app, ALICE + 2)] == ["renew the passport"]
