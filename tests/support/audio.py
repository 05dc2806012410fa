"""Audio made at test time (no binary files in the repo): a sine tone or espeak-ng speech, encoded by ffmpeg like a
Telegram voice note (OGG/Opus, 48 kHz). Without ffmpeg/espeak-ng a test skips locally and fails in CI."""

from __future__ import annotations

import asyncio
import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

OPUS_OGG = ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg", "-"]


def require(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{tool} is required in CI (apt-get install -y ffmpeg espeak-ng)")
            pytest.skip(f"{tool} is not installed")


async def run(*args: str) -> bytes:
    proc = await asyncio.create_subprocess_exec(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out


async def tone(seconds: float, *, fmt: list[str] | None = None) -> bytes:
    """A stereo 48 kHz sine tone, OGG/Opus unless ``fmt`` says otherwise."""
    require("ffmpeg", "ffprobe")
    return await run("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                     "-i", f"sine=frequency=440:duration={seconds}", "-ac", "2", "-ar", "48000", *(fmt or OPUS_OGG))


async def speech(text: str, *, voice: str = "ru") -> bytes:
    """espeak-ng speaking ``text``, as a Telegram-like OGG/Opus voice note."""
    require("ffmpeg", "ffprobe", "espeak-ng")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        await run("espeak-ng", "-v", voice, "-w", str(wav), text)
        return await run("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(wav), "-ac", "1",
                         "-ar", "48000", *OPUS_OGG)


def audio_tools_present() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def wav_with_unknown_codec() -> bytes:
    """A WAV whose header names a codec no decoder has: ffprobe sees an audio stream, ffmpeg cannot convert it."""
    data = bytes(8000)
    fmt = struct.pack("<HHIIHH", 0x7777, 1, 8000, 8000, 1, 8)
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE"
            + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)
