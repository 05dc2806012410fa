"""Helpers for the STT tests: run a tool, read an audio file's properties with ffprobe."""

from __future__ import annotations

import asyncio
import json
import subprocess
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

Synth = Callable[..., Awaitable[bytes]]
OPUS_OGG = ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg", "-"]


async def run(*args: str) -> bytes:
    proc = await asyncio.create_subprocess_exec(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out


async def probe(audio: bytes) -> dict[str, str]:
    """Codec, sample rate, channels and duration of an audio file, read by ffprobe."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe"
        path.write_bytes(audio)
        out = await run("ffprobe", "-v", "error", "-show_entries",
                         "stream=codec_name,sample_rate,channels:format=duration,format_name", "-of", "json",
                         str(path))
    data = json.loads(out)
    stream = data["streams"][0]
    return {"codec": stream["codec_name"], "sample_rate": stream["sample_rate"],
            "channels": str(stream["channels"]), "format": data["format"]["format_name"],
            "duration": data["format"]["duration"]}
