"""Documents in the bot: a PDF sent in the chat is read with a progress message and becomes ready for questions;
a file that cannot be read gets its reason, and nothing is kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.documents import prompts
from core.documents.defaults import ROLE_PROMPTS
from core.documents.models import Chat, DocFile, FileBlock, RolePrompt, UserDocSettings
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.support.documents import facts_pdf
from tests.support.sandbox import SandboxClient


async def send_document(sandbox: SandboxClient, chat_id: int, name: str, data: bytes, mime: str,
                        language: str = "en") -> dict[str, Any]:
    r = await sandbox.http.post("/documents", data={"chat_id": str(chat_id), "language_code": language},
                                files={"file": (name, data, mime)})
    r.raise_for_status()
    result: dict[str, Any] = r.json()
    return result


class TestReading:
    async def test_a_pdf_becomes_ready_for_questions(self, bot_app: BotServices, sandbox: SandboxClient,
                                                     runtime: Runtime) -> None:
        sent = await send_document(sandbox, 6101, "Устав.pdf", facts_pdf(), "application/pdf", language="ru")
        reply = await sandbox.wait_for_text(6101, "готово к вопросам")
        assert reply["text"] == "📄 Устав.pdf — 5 страниц, готово к вопросам"
        assert reply["reply_to_message_id"] == sent["message_id"]  # the progress message, edited
        assert len(await sandbox.bot_messages(6101)) == 1
        async with runtime.read_only() as session:
            file = await session.scalar(select(DocFile))
            chat = await session.scalar(select(Chat))
        assert file is not None and (file.status, file.pages, file.user_id) == ("ready", 5, 6101)
        assert chat is not None and (chat.title, chat.tg_chat_id) == ("Устав.pdf", 6101)

    async def test_a_markdown_file_in_english(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await send_document(sandbox, 6102, "notes.md", b"# Warranty\n\nPumps: 24 months.\n", "text/markdown")
        reply = await sandbox.wait_for_text(6102, "ready for questions")
        assert reply["text"] == "📄 notes.md — 1 page, ready for questions"


class TestRefusals:
    async def test_a_password_protected_pdf_is_refused_and_nothing_is_kept(
            self, bot_app: BotServices, sandbox: SandboxClient, runtime: Runtime) -> None:
        await send_document(sandbox, 6103, "secret.pdf", facts_pdf(password="pw"), "application/pdf")
        reply = await sandbox.wait_for_text(6103, "password")
        assert reply["text"].startswith("The PDF is protected by a password.")
        async with runtime.read_only() as session:
            assert await session.scalar(select(func.count()).select_from(DocFile)) == 0
            assert await session.scalar(select(func.count()).select_from(Chat)) == 0

    async def test_an_empty_json_file(self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await send_document(sandbox, 6104, "data.json", b"{\"a\": ", "application/json", language="ru")
        await sandbox.wait_for_text(6104, "Файл повреждён")

    async def test_an_unsupported_document_still_gets_the_fallback_hint(self, bot_app: BotServices,
                                                                       sandbox: SandboxClient) -> None:
        await send_document(sandbox, 6105, "report.docx", b"PK\x03\x04", "application/octet-stream")
        await sandbox.wait_for_text(6105, "/help")


async def ready_document(sandbox: SandboxClient, chat_id: int, language: str = "ru") -> None:
    await send_document(sandbox, chat_id, "Устав.pdf", facts_pdf(), "application/pdf", language=language)
    await sandbox.wait_for_text(chat_id, "готово к вопросам" if language == "ru" else "ready for questions")


class TestQuestions:
    async def test_a_question_is_answered_with_citation_buttons_and_a_button_sends_the_region(
            self, bot_app: BotServices, sandbox: SandboxClient) -> None:
        await ready_document(sandbox, 6201)
        asked = await sandbox.say(6201, "Какой гарантийный срок на насосы?", language_code="ru")
        answer = await sandbox.wait_for_text(6201, "24 месяца")
        assert answer["reply_to_message_id"] == asked["message_id"]
        assert answer["text"].startswith("Локальный режим без ИИ")
        buttons = [b for row in answer["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons[0]["text"] == "[1] Устав.pdf, с. 2"
        await sandbox.press(6201, answer["message_id"], buttons[0]["callback_data"])
        photo = (await sandbox.wait_for(6201, lambda ms: any(m.get("photo") for m in ms)))[-1]
        assert photo["caption"] == "📄 Устав.pdf, с. 2"
        async with bot_app.runtime.read_only() as session:  # the picture is the cited block's region of the page
            block = await session.get(FileBlock, int(buttons[0]["callback_data"].split(":")[1]))
        assert block is not None and block.page == 2
        size = (photo["photo"][-1]["width"], photo["photo"][-1]["height"])
        w, h = round(595.2756 * 2), round(841.8898 * 2)  # A4 at the render scale
        expected = (int((block.x1 + 0.02) * w) + 1 - int((block.x0 - 0.02) * w),
                    int((block.y1 + 0.02) * h) + 1 - int((block.y0 - 0.02) * h))
        assert size == expected

    async def test_a_text_without_a_question_mark_is_still_a_note(self, bot_app: BotServices,
                                                                   sandbox: SandboxClient) -> None:
        await ready_document(sandbox, 6202, language="en")
        await sandbox.say(6202, "buy milk", language_code="en")
        await sandbox.wait_for_text(6202, "#1")

    async def test_a_question_with_no_document_is_an_item_as_before(self, bot_app: BotServices,
                                                                  sandbox: SandboxClient) -> None:
        await sandbox.say(6203, "what is the warranty?", language_code="en")
        await sandbox.wait_for_text(6203, "#1")


class TestCommands:
    async def test_docs_lists_the_chats_and_a_button_picks_one(self, bot_app: BotServices, sandbox: SandboxClient,
                                                               runtime: Runtime) -> None:
        await ready_document(sandbox, 6301, language="en")
        await send_document(sandbox, 6301, "notes.md", b"# Office\n\nThe office opens at nine.\n", "text/markdown")
        await sandbox.wait_for(6301, lambda ms: sum("ready for questions" in (m["text"] or "") for m in ms) == 2)
        await sandbox.say(6301, "/docs", language_code="en")
        listing = await sandbox.wait_for_text(6301, "Your documents and chats")
        assert "💬 notes.md (1 files)" in listing["text"] and "💬 Устав.pdf (1 files)" in listing["text"]
        assert "Questions now go to the chat “notes.md”." in listing["text"]
        buttons = [b for row in listing["reply_markup"]["inline_keyboard"] for b in row]
        pdf_button = next(b for b in buttons if "Устав" in b["text"])
        await sandbox.press(6301, listing["message_id"], pdf_button["callback_data"])
        await sandbox.say(6301, "What is the warranty period for valves?", language_code="en")
        await sandbox.wait_for_text(6301, "12 months")

    async def test_mode_and_role(self, bot_app: BotServices, sandbox: SandboxClient, runtime: Runtime) -> None:
        async with runtime.unit_of_work() as session:  # what migration 0010 seeds (the tables are emptied per test)
            for name, (description, content) in ROLE_PROMPTS.items():
                await prompts.add_version(session, RolePrompt, name, content, description, activate=True)
        await sandbox.say(6302, "/mode complex", language_code="en")
        await sandbox.wait_for_text(6302, "Reading mode: complex.")
        await sandbox.say(6302, "/mode fast", language_code="en")
        await sandbox.wait_for_text(6302, "The mode is simple or complex.")
        await sandbox.say(6302, "/role", language_code="en")
        picker = await sandbox.wait_for_text(6302, "Role: no role")
        buttons = {b["text"]: b["callback_data"] for row in picker["reply_markup"]["inline_keyboard"] for b in row}
        assert {"no role", "инженер", "экономист", "инженер по гарантии"} <= set(buttons)
        await sandbox.press(6302, picker["message_id"], buttons["экономист"])
        await sandbox.say(6302, "/role", language_code="en")
        await sandbox.wait_for_text(6302, "Role: экономист")
        await sandbox.say(6302, "/role astronaut", language_code="en")
        await sandbox.wait_for_text(6302, "There is no role “astronaut”")
        async with runtime.read_only() as session:
            prefs = await session.get(UserDocSettings, 6302)
        assert prefs is not None and prefs.model_profile == "complex"
