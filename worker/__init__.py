"""Importing core first makes aiogram's types build on first use (core.lazy_models)."""

import core  # noqa: F401
