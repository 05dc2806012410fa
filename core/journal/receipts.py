"""A photo → journal drafts. A cloud provider (OpenAI, Gemini) looks at it itself (vision, structured output); the
offline ``local`` provider reads it with a real OCR: Debian's ``tesseract-ocr`` with Russian and English (installed by
``make system-deps``), run as a program. From a receipt's text: the total, the merchant, the date and the lines.

Before anything reads it, a photo is checked: at most the size limit (ERR_JOURNAL_IMAGE_TOO_LARGE) and a picture Pillow
can open, of a sane pixel count (ERR_JOURNAL_NOT_IMAGE)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import shutil
import warnings
from dataclasses import dataclass, field
from typing import Any

import structlog
from PIL import Image, ImageOps, UnidentifiedImageError

from core.ai.provider import AIProvider
from core.ai.types import AnalysisItem, EntryAnalysis
from core.journal import reading
from core.journal.errors import JournalError, PhotoTooLarge

log = structlog.get_logger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # JOURNAL_PHOTO_MAX_BYTES's default
MAX_PIXELS = 40_000_000  # a larger picture is a decompression bomb, not a photo
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"})
OCR_LANGUAGES = "rus+eng"
OCR_TIMEOUT = 30.0
MAX_ITEMS = 30


@dataclass(frozen=True)
class CheckedImage:
    format: str  # Pillow's name: JPEG, PNG…
    mime_type: str
    width: int
    height: int


def check_image(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedImage:
    """The photo's format and size, or the JournalError a user is told (too large; not a picture)."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(max_bytes)
    if not data:
        raise JournalError("ERR_JOURNAL_NOT_IMAGE", "an empty file is not a photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt, width, height = image.format or "", image.width, image.height
                image.verify()  # the whole file decodes as its format says
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise JournalError("ERR_JOURNAL_NOT_IMAGE", "the file is not a picture") from None
    if fmt not in IMAGE_FORMATS or width * height > MAX_PIXELS or min(width, height) < 8:
        raise JournalError("ERR_JOURNAL_NOT_IMAGE", "the file is not a photo this app reads")
    return CheckedImage(fmt, Image.MIME.get(fmt, "image/jpeg"), width, height)


# --- OCR (offline) ------------------------------------------------------------------------------------------------

def ocr_available() -> bool:
    return shutil.which("tesseract") is not None


def _prepared(data: bytes) -> bytes:
    """Grey, upright and large enough for tesseract (it reads text about 30 px high best)."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened).convert("L")
    if image.width < 1_200:
        factor = min(3.0, 1_200 / image.width)
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
    image = ImageOps.autocontrast(image)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def ocr(data: bytes) -> str:
    """The text tesseract reads in the picture (Russian and English)."""
    if not ocr_available():
        raise JournalError("ERR_JOURNAL_OCR_UNAVAILABLE", "tesseract is not installed here")
    prepared = await asyncio.to_thread(_prepared, data)
    process = await asyncio.create_subprocess_exec(
        "tesseract", "stdin", "stdout", "-l", OCR_LANGUAGES, "--psm", "6",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(OCR_TIMEOUT):
            out, _err = await process.communicate(prepared)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise JournalError("ERR_JOURNAL_ANALYSIS_FAILED", "the OCR took too long") from None
    if process.returncode != 0:
        log.warning("journal.ocr_failed", returncode=process.returncode)
        raise JournalError("ERR_JOURNAL_ANALYSIS_FAILED", "the OCR failed")
    return out.decode("utf-8", errors="replace")


# --- a receipt's text -----------------------------------------------------------------------------------------------

_TOTAL_RE = re.compile(r"\b(итог[оа]?|всего|к\s+оплате|сумма\s+к\s+оплате|total|amount\s+due|grand\s+total|"
                       r"balance\s+due|sum)\b", re.IGNORECASE)
_NOT_ITEM_RE = re.compile(r"\b(ндс|vat|tax|налог|сдача|change|наличн|cash|карт|card|безнал|скидк|discount|"
                          r"subtotal|подытог|чек|receipt|касс|смена|инн|кпп|фн|фд|фп|тел|phone|www|http)",
                          re.IGNORECASE)
_AMOUNT_RE = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,](\d{2}))?(?![\d.,]*\d)\s*"
                        r"(?:₽|руб\.?|р\.|rub|\$|€|usd|eur)?\s*$", re.IGNORECASE)
_DATE_RES = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"), ("d", "m", "y")),
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{2})\b"), ("d", "m", "y2")),
]
_CURRENCIES = [(re.compile(r"₽|\bруб|\bRUB\b|\d\s?р\.", re.IGNORECASE), "RUB"), (re.compile(r"\$|\bUSD\b"), "USD"),
               (re.compile(r"€|\bEUR\b"), "EUR")]
_HEADER_SKIP_RE = re.compile(r"^(кассовый\s+)?чек\b|^receipt\b|^добро пожаловать|^welcome|^спасибо|^thank",
                             re.IGNORECASE)
_LETTERS_RE = re.compile(r"[^\W\d_]{3,}")


@dataclass
class Receipt:
    total: float | None = None
    currency: str | None = None
    merchant: str | None = None
    date: str | None = None  # YYYY-MM-DD
    items: list[AnalysisItem] = field(default_factory=list)
    text: str = ""


def _amount_at_end(line: str) -> float | None:
    match = _AMOUNT_RE.search(line.strip())
    if not match:
        return None
    whole = re.sub(r"[ \u00a0]", "", match.group(1))
    value = float(f"{whole}.{match.group(2) or '00'}")
    return value if value < 1e10 else None


def _date_in(text: str, today: dt.date) -> str | None:
    for pattern, order in _DATE_RES:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            year = int(parts["y"]) if "y" in parts else 2000 + int(parts["y2"])
            try:
                day = dt.date(year, int(parts["m"]), int(parts["d"]))
            except ValueError:
                continue
            if today.replace(year=today.year - 20) <= day <= today + dt.timedelta(days=1):
                return day.isoformat()
    return None


def read_receipt(text: str, *, today: dt.date) -> Receipt:
    """The total (the line that says so, else the largest amount), the merchant (the first line of words at the
    top), the date and the lines with an amount between them."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    receipt = Receipt(text="\n".join(lines), date=_date_in(text, today))
    receipt.currency = next((code for pattern, code in _CURRENCIES if pattern.search(text)), None)
    total_at = None
    for index, line in enumerate(lines):
        if _TOTAL_RE.search(line) and (amount := _amount_at_end(line)) is not None:
            receipt.total, total_at = amount, index
            break
    for line in lines[:5]:
        if _LETTERS_RE.search(line) and not _HEADER_SKIP_RE.search(line) and _amount_at_end(line) is None \
                and _date_in(line, today) is None:
            receipt.merchant = line.strip(" -*=_.,:;")[:120] or None
            break
    for line in lines[:total_at] if total_at is not None else lines:
        amount = _amount_at_end(line)
        name = _AMOUNT_RE.sub("", line).strip(" .:-*=x×")
        if amount is not None and _LETTERS_RE.search(name) and not _NOT_ITEM_RE.search(name) \
                and not _TOTAL_RE.search(name):
            receipt.items.append(AnalysisItem(name=name[:120], amount=amount))
    if receipt.total is None and receipt.items:
        receipt.total = round(sum(i.amount or 0 for i in receipt.items), 2)
    receipt.items = receipt.items[:MAX_ITEMS]
    return receipt


def _from_analysis(analysis: EntryAnalysis) -> Receipt:
    return Receipt(total=analysis.amount, currency=analysis.currency, merchant=analysis.place, date=analysis.date,
                   items=analysis.items[:MAX_ITEMS], text=analysis.summary)


def receipt_draft(receipt: Receipt, analysis: EntryAnalysis, *, day: dt.date) -> dict[str, Any]:
    """One entry for a receipt: bought (what its lines say: food, drinks…) at the merchant, for the total, that day;
    the lines in the note."""
    lines = "\n".join(f"{item.name} — {item.amount:g}" if item.amount is not None else item.name
                      for item in receipt.items)
    words = " ".join(item.name for item in receipt.items) or receipt.text
    clause = receipt.merchant or analysis.summary or words[:200]
    draft = reading.draft(clause[:200], analysis, day=day, context_action="bought")
    action = draft["action"] if draft["action"] in ("bought", "spent", "paid", "ate", "drank") else "bought"
    obj = reading.object_of(f"{words} {analysis.object}", action)
    title = analysis.summary.strip() if not analysis.is_heuristic and analysis.summary.strip() else \
        (receipt.merchant or draft["title"])
    draft.update(action=action, object=obj, title=title[:200], note=(lines or analysis.summary or "")[:1_000],
                 amount=receipt.total, currency=receipt.currency if receipt.total is not None else None,
                 place=receipt.merchant or draft["place"], date=receipt.date or day.isoformat())
    if receipt.merchant:
        draft["extras"] = {"merchant": receipt.merchant[:120]}
    return draft


async def drafts_from_image(provider: AIProvider, image: bytes, *, language: str, day: dt.date,
                            caption: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> list[dict[str, Any]]:
    """A photo (a receipt, a product, a place) → the entries it proposes. Cloud providers look at it themselves;
    offline, tesseract reads the receipt's text. Raises JournalError for a photo over the limit, a file that is not a
    picture, and (offline) a photo with no readable receipt."""
    check_image(image, max_bytes=max_bytes)
    if provider.name != "local":
        analysis = await provider.analyze_entry(caption, language=language, image=image)
        if analysis.items or analysis.amount is not None:  # a receipt, or something with a price
            return [receipt_draft(_from_analysis(analysis), analysis, day=day)]
        draft = reading.draft((caption or analysis.summary)[:1_000], analysis, day=day)  # a place, a meal, a thing
        return [{**draft, "date": analysis.date or draft["date"]}]
    text = await ocr(image)
    receipt = read_receipt(text, today=day)
    log.info("journal.receipt_read", chars=len(text), items=len(receipt.items), total=receipt.total is not None,
             merchant=receipt.merchant is not None, date=receipt.date is not None)
    if receipt.total is None and not caption.strip():
        raise JournalError("ERR_JOURNAL_IMAGE_UNREADABLE", "no receipt could be read in the photo")
    words = " ".join([caption, receipt.merchant or "", *(item.name for item in receipt.items)]).strip()
    analysis = await provider.analyze_entry(words or caption, language=language)
    analysis = analysis.model_copy(update={"amount": None, "currency": None, "place": None})
    return [receipt_draft(receipt, analysis, day=day)]


async def drafts_from_images(provider: AIProvider, images: list[bytes], *, language: str, day: dt.date,
                             caption: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> list[dict[str, Any]]:
    """An album (several photos of one note) → each photo read alone, as ``drafts_from_image`` reads one (an album of
    receipts: an entry each); a photo that cannot be read is left out. When none of them can be, an album's caption
    is read with its first photo; without one, the first photo's error is raised."""
    if len(images) == 1:
        return await drafts_from_image(provider, images[0], language=language, day=day, caption=caption,
                                       max_bytes=max_bytes)
    drafts: list[dict[str, Any]] = []
    problem: JournalError | None = None
    for image in images:
        try:
            drafts += await drafts_from_image(provider, image, language=language, day=day, max_bytes=max_bytes)
        except JournalError as exc:
            problem = problem or exc
    if drafts or not images:
        return drafts
    if caption.strip():
        return await drafts_from_image(provider, images[0], language=language, day=day, caption=caption,
                                       max_bytes=max_bytes)
    assert problem is not None  # every photo failed
    raise problem


def starter_draft(caption: str, *, day: dt.date) -> dict[str, Any]:
    """The entry a user fills in by hand (the card's Edit) when a note's photo could not be read: a purchase that day,
    titled by the caption."""
    return {"action": "bought", "object": "other", "title": caption.strip()[:200], "note": caption.strip()[:1_000],
            "amount": None, "currency": None, "people": [], "place": None, "tags": [], "date": day.isoformat()}
