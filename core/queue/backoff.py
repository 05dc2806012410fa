"""Exponential backoff with full jitter."""

from __future__ import annotations

import random


def backoff_seconds(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based): uniform in [base*2^(n-1)/2, base*2^(n-1)], capped."""
    r = rng or random
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return ceiling / 2 + r.random() * ceiling / 2
