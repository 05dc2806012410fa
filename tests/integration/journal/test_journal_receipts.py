"""A photo → a journal draft. Offline, tesseract reads a receipt drawn in the test (total, merchant, date, lines); with
OpenAI and Gemini (their local fakes, hit by the real SDKs) the photo goes to the model in the vendor's format with
the structured-output schema, and the model's answer becomes the draft. Oversized and non-image files are refused
before anything reads them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image
from receipt_images import EN_RECEIPT, RU_RECEIPT, cyrillic_font, receipt_png

from core.ai.errors import AIProviderError
from core.ai.gemini_provider import GeminiProvider
from core.ai.local_provider import LocalProvider
from core.ai.openai_provider import OpenAIProvider
from core.ai.retry import RetryPolicy
from core.journal.errors import JournalError
from core.journal.receipts import drafts_from_image
from tests.fakes.gemini_server import FakeGemini, fake_gemini  # noqa: F401
from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai  # noqa: F401
from tests.support.audio import require

DAY = dt.date(2025, 3, 20)
NO_RETRY = RetryPolicy(max_retries=0)


class TestOfflineOCR:
    """Without tesseract these skip locally and fail in CI (make system-deps installs it)."""

    @pytest.fixture(autouse=True)
    def tesseract(self) -> None:
        require("tesseract")

    async def test_an_english_receipt_gives_its_total_merchant_date_and_lines(self) -> None:
        [draft] = await drafts_from_image(LocalProvider(), receipt_png(EN_RECEIPT), language="en", day=DAY)
        assert (draft["amount"], draft["currency"], draft["date"]) == (7.75, "USD", "2025-03-14")
        assert (draft["place"], draft["extras"]) == ("BLUE BOTTLE COFFEE", {"merchant": "BLUE BOTTLE COFFEE"})
        assert draft["note"].splitlines() == ["Latte — 4.5", "Croissant — 3.25"]
        assert (draft["action"], draft["object"]) == ("bought", "drink")

    async def test_a_russian_receipt_is_read_too(self) -> None:
        [draft] = await drafts_from_image(LocalProvider(), receipt_png(RU_RECEIPT, cyrillic_font()), language="ru",
                                          day=DAY)
        assert (draft["amount"], draft["currency"], draft["date"], draft["place"]) == (
            430.0, "RUB", "2025-03-14", "ШОКОЛАДНИЦА")
        assert draft["note"].splitlines() == ["Капучино — 250", "Круассан — 180"]

    async def test_a_photo_without_a_receipt_says_so(self) -> None:
        blank = io.BytesIO()
        Image.new("RGB", (640, 480), (200, 180, 160)).save(blank, "JPEG")
        with pytest.raises(JournalError) as caught:
            await drafts_from_image(LocalProvider(), blank.getvalue(), language="ru", day=DAY)
        assert caught.value.code == "ERR_JOURNAL_IMAGE_UNREADABLE"


class TestRefusedFiles:
    @pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a photo", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                                      "текст".encode()])
    async def test_what_is_not_a_picture_is_refused_before_the_model_sees_it(
            self, data: bytes, fake_openai: FakeOpenAI) -> None:  # noqa: F811
        provider = OpenAIProvider("sk-test", base_url=fake_openai.base_url, timeout=5, retry=NO_RETRY)
        with pytest.raises(JournalError) as caught:
            await drafts_from_image(provider, data, language="en", day=DAY)
        await provider.aclose()
        assert caught.value.code == "ERR_JOURNAL_NOT_IMAGE" and fake_openai.requests == []

    async def test_a_photo_over_the_limit_is_too_large(self) -> None:
        with pytest.raises(JournalError) as caught:
            await drafts_from_image(LocalProvider(), receipt_png(EN_RECEIPT), language="en", day=DAY, max_bytes=1024)
        assert (caught.value.code, caught.value.status_code, caught.value.params) == (
            "ERR_JOURNAL_IMAGE_TOO_LARGE", 413, {"limit_mb": 1})


def model_reading(sent: bytes) -> Any:
    """The fake's vision: the picture must be the receipt drawn in the test, whole; it is answered as a model reads
    that receipt (structured output: the analyze schema, with the receipt's date and lines)."""

    def read(images: list[bytes]) -> dict[str, Any]:
        assert len(images) == 1
        with Image.open(io.BytesIO(images[0])) as seen, Image.open(io.BytesIO(sent)) as drawn:
            assert seen.size == drawn.size and seen.convert("RGB").tobytes() == drawn.convert("RGB").tobytes()
        return {"action": "bought", "object": "drink", "amount": 7.75, "unit": None, "currency": "usd",
                "people": [], "place": "Blue Bottle Coffee", "tags": ["coffee", "#Breakfast"],
                "summary": "Coffee and a croissant at Blue Bottle", "date": "2025-03-14",
                "items": [{"name": "Latte", "amount": 4.5}, {"name": "Croissant", "amount": 3.25}]}

    return read


class TestVision:
    @pytest.fixture
    async def openai(self, fake_openai: FakeOpenAI) -> AsyncIterator[OpenAIProvider]:  # noqa: F811
        provider = OpenAIProvider("sk-test", base_url=fake_openai.base_url, timeout=5, retry=NO_RETRY)
        yield provider
        await provider.aclose()

    @pytest.fixture
    async def gemini(self, fake_gemini: FakeGemini) -> AsyncIterator[GeminiProvider]:  # noqa: F811
        provider = GeminiProvider("AIza-test", base_url=fake_gemini.base_url, timeout=5, retry=NO_RETRY)
        yield provider
        await provider.aclose()

    def assert_receipt_draft(self, draft: dict[str, Any]) -> None:
        assert (draft["action"], draft["object"], draft["amount"], draft["currency"], draft["date"]) == (
            "bought", "drink", 7.75, "USD", "2025-03-14")
        assert (draft["title"], draft["place"], draft["tags"]) == (
            "Coffee and a croissant at Blue Bottle", "Blue Bottle Coffee", ["coffee", "breakfast"])
        assert draft["note"].splitlines() == ["Latte — 4.5", "Croissant — 3.25"]

    async def test_openai_sees_the_photo_and_answers_in_the_schema(self, openai: OpenAIProvider,
                                                                  fake_openai: FakeOpenAI) -> None:  # noqa: F811
        photo = receipt_png(EN_RECEIPT)
        fake_openai.vision = model_reading(photo)
        [draft] = await drafts_from_image(openai, photo, language="en", day=DAY, caption="breakfast")
        self.assert_receipt_draft(draft)
        [request] = fake_openai.requests
        schema = request.json["response_format"]["json_schema"]
        assert schema["strict"] is True and {"date", "items"} <= set(schema["schema"]["required"])
        user_turn = request.json["messages"][1]["content"]
        assert user_turn[0] == {"type": "text", "text": "breakfast"}
        assert user_turn[1]["image_url"]["url"].startswith("data:image/png;base64,")

    async def test_gemini_sees_the_photo_and_answers_in_the_schema(self, gemini: GeminiProvider,
                                                                  fake_gemini: FakeGemini) -> None:  # noqa: F811
        photo = receipt_png(EN_RECEIPT)
        fake_gemini.vision = model_reading(photo)
        [draft] = await drafts_from_image(gemini, photo, language="en", day=DAY)
        self.assert_receipt_draft(draft)
        [request] = fake_gemini.requests
        config = request.json["generationConfig"]
        assert config["responseMimeType"] == "application/json"
        assert {"date", "items"} <= set(config["responseSchema"]["properties"])
        parts = request.json["contents"][0]["parts"]
        assert parts[1]["inlineData"]["mime_type"] == "image/png"  # as google-genai sends it

    async def test_a_photo_that_is_no_receipt_is_read_as_what_it_shows(self, openai: OpenAIProvider,
                                                                       fake_openai: FakeOpenAI) -> None:  # noqa: F811
        fake_openai.vision = lambda images: {
            "action": "visited", "object": "place", "amount": None, "unit": None, "currency": None, "people": [],
            "place": "Hermitage Museum", "tags": ["museum"], "summary": "A day at the Hermitage", "date": None,
            "items": []}
        [draft] = await drafts_from_image(openai, receipt_png(["a photo of a museum hall"]), language="en", day=DAY)
        assert (draft["action"], draft["object"], draft["place"], draft["amount"], draft["date"]) == (
            "visited", "place", "Hermitage Museum", None, DAY.isoformat())

    async def test_an_answer_outside_the_schema_is_asked_again_then_refused(
            self, openai: OpenAIProvider, fake_openai: FakeOpenAI) -> None:  # noqa: F811
        fake_openai.enqueue(Reply.ok({"action": "bought"}), Reply.ok("not json"))
        with pytest.raises(AIProviderError) as caught:
            await drafts_from_image(openai, receipt_png(EN_RECEIPT), language="en", day=DAY)
        assert caught.value.code == "ERR_AI_BAD_OUTPUT" and len(fake_openai.requests) == 2
