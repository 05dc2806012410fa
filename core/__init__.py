"""The domain and the platform under every process. Importing it makes aiogram's Telegram types build lazily
(core.lazy_models): each process imports ``core`` before aiogram."""

from core import lazy_models

lazy_models.install()
