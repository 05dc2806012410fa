"""What Telegram answers, word for word: the table the sandbox's error texts are held to.

Each entry is (HTTP status, description) as api.telegram.org returns it. The conformance tests run the project's
bot and grammY into each case against the sandbox and compare what comes back with this table.
"""

from __future__ import annotations

INVALID_TOKEN = (401, "Unauthorized: invalid token specified")
CHAT_NOT_FOUND = (400, "Bad Request: chat not found")
TEXT_TOO_LONG = (400, "Bad Request: text is too long")  # sendMessage
EDIT_TOO_LONG = (400, "Bad Request: MESSAGE_TOO_LONG")  # editMessageText
UNSUPPORTED_PARSE_MODE = (400, "Bad Request: unsupported parse_mode")
BAD_REPLY_MARKUP = (400, "Bad Request: can't parse reply keyboard markup JSON object")
QUERY_TOO_OLD = (400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
WEBHOOK_NOT_HTTPS = (400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
WEBHOOK_PORT = (400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
WEBHOOK_RESERVED_IP = (400, "Bad Request: bad webhook: IP address 127.0.0.1 is reserved")

# the methods the sandbox added
ALBUM_EMPTY = (400, "Bad Request: there are no messages to send")
ALBUM_TOO_BIG = (400, "Bad Request: too many messages to send as an album")
ALBUM_DOCUMENT_MIXED = (400, "Bad Request: document can't be mixed with other media types")
POLL_TOO_FEW_OPTIONS = (400, "Bad Request: poll must have at least 2 option")
POLL_TOO_MANY_OPTIONS = (400, "Bad Request: poll can't have more than 12 options")
POLL_QUESTION_EMPTY = (400, "Bad Request: poll question must be non-empty")
POLL_CLOSED = (400, "Bad Request: poll has already been closed")
LIVE_PERIOD = (400, "Bad Request: wrong live location period specified")
LOCATION_NOT_LIVE = (400, "Bad Request: message can't be edited")
NOT_ENOUGH_RIGHTS_PRIVATE = (400, "Bad Request: method is available for supergroup and channel chats only")
CHAT_TITLE_EMPTY = (400, "Bad Request: title must be non-empty")
STICKER_SET_INVALID = (400, "Bad Request: STICKERSET_INVALID")
