"""The AI layer: one provider interface (``core.ai.provider.AIProvider``) over the offline heuristics
(``local``), OpenAI and Gemini; typed results; retries; per-user keys; usage records.

Import what you need from the submodules; this package imports nothing heavy so that
``core.ai.models`` can be registered cheaply.
"""
