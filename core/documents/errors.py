"""Every error code of the documents app; each has its text in core/i18n/locales/documents/{ru,en}.po."""

from __future__ import annotations

from typing import Any

from core.errors import DomainError

ERR_DOC_UNSUPPORTED = "ERR_DOC_UNSUPPORTED"  # not a PDF, Markdown, HTML or JSON file
ERR_DOC_EMPTY = "ERR_DOC_EMPTY"
ERR_DOC_TOO_LARGE = "ERR_DOC_TOO_LARGE"  # 413
ERR_DOC_TOO_MANY_PAGES = "ERR_DOC_TOO_MANY_PAGES"
ERR_DOC_ENCRYPTED = "ERR_DOC_ENCRYPTED"
ERR_DOC_BROKEN = "ERR_DOC_BROKEN"  # a PDF PDFium cannot read, a text file that is not UTF-8, invalid JSON
ERR_DOC_NOT_FOUND = "ERR_DOC_NOT_FOUND"  # 404, also for another user's file
ERR_DOC_NOT_READY = "ERR_DOC_NOT_READY"  # 409: still being read, or reading it failed
ERR_CHAT_NOT_FOUND = "ERR_CHAT_NOT_FOUND"  # 404, also for another user's chat
ERR_CHAT_NO_FILES = "ERR_CHAT_NO_FILES"  # 409: a question in a chat without a ready document
ERR_CHAT_BUSY = "ERR_CHAT_BUSY"  # 409: the previous answer is still being written
ERR_DOC_NO_KEY = "ERR_DOC_NO_KEY"  # 403: no own key, and the operator does not lend the platform's
ERR_ROLE_NOT_FOUND = "ERR_ROLE_NOT_FOUND"  # 404
ERR_PROMPT_NOT_FOUND = "ERR_PROMPT_NOT_FOUND"  # 404 (admin)
ERR_PROMPT_NAME = "ERR_PROMPT_NAME"  # 400 (admin): not one of the four system prompts
ERR_QUESTION_EMPTY = "ERR_QUESTION_EMPTY"
ERR_PROFILE = "ERR_PROFILE"  # a model profile other than simple or complex
ERR_DOC_NO_TEXT = "ERR_DOC_NO_TEXT"  # the chat's documents have no text layer to search (scans)
ERR_DOC_EMPTY_ANSWER = "ERR_DOC_EMPTY_ANSWER"  # the model answered nothing
ERR_DOC_STILL_READING = "ERR_DOC_STILL_READING"  # 409: the chat's documents are still being read
ERR_DOC_INTERNAL = "ERR_DOC_INTERNAL"  # an answer failed for a reason of ours (a bug); the stream ends with it


class DocumentsError(DomainError):
    """A documents rule was broken; the HTTP status travels with the code."""

    def __init__(self, code: str, message: str = "", *, status: int = 400, **params: Any) -> None:
        super().__init__(code, message, **params)
        self.status_code = status


def not_found(code: str = ERR_DOC_NOT_FOUND, what: str = "file") -> DocumentsError:
    return DocumentsError(code, f"no such {what} among yours", status=404)
