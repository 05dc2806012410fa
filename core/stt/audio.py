"""ffmpeg helpers: normalize any audio to 16 kHz mono (OGG/Opus or WAV), probe its duration, cut it in chunks.

ffmpeg and ffprobe run as subprocesses (``asyncio.create_subprocess_exec``, never a shell) on temporary
files, because some containers (m4a/mp4) cannot be read from a pipe.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from core.ai.errors import AudioError

AudioFormat = Literal["ogg", "wav"]
SAMPLE_RATE = 16_000
OPUS_BITRATE = "24k"
OPUS_BYTES_PER_SECOND = 4_000  # 24 kbit/s plus container overhead, rounded up
MIME = {"ogg": "audio/ogg", "wav": "audio/wav"}
_CODEC = {"ogg": ["-c:a", "libopus", "-b:a", OPUS_BITRATE, "-application", "voip"], "wav": ["-c:a", "pcm_s16le"]}


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


async def _run(args: list[str], *, time_limit: float) -> bytes:
    if not ffmpeg_available():
        raise AudioError("ffmpeg is not installed (apt-get install ffmpeg)")
    proc = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), time_limit)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AudioError(f"{Path(args[0]).name} took longer than {time_limit:.0f} s") from None
    if proc.returncode != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise AudioError(f"{Path(args[0]).name} failed: {tail[0][:300]}")
    return out


async def _write(path: Path, data: bytes) -> None:
    await asyncio.to_thread(path.write_bytes, data)


async def _read(path: Path) -> bytes:
    return await asyncio.to_thread(path.read_bytes)


async def convert(audio: bytes, *, fmt: AudioFormat = "ogg", time_limit: float = 300.0) -> bytes:
    """Any audio (or video with sound) → 16 kHz mono OGG/Opus or WAV."""
    if not audio:
        raise AudioError("the audio file is empty")
    with tempfile.TemporaryDirectory(prefix="stt-") as tmp:
        src, dst = Path(tmp) / "input", Path(tmp) / f"output.{fmt}"
        await _write(src, audio)
        await _run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src), "-vn",
                    "-ac", "1", "-ar", str(SAMPLE_RATE), *_CODEC[fmt], str(dst)], time_limit=time_limit)
        return await _read(dst)


async def probe_duration(audio: bytes, *, time_limit: float = 60.0) -> float:
    """Duration in seconds, from the container or, if it does not say, by decoding."""
    with tempfile.TemporaryDirectory(prefix="stt-") as tmp:
        src = Path(tmp) / "input"
        await _write(src, audio)
        out = await _run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                          "-of", "default=noprint_wrappers=1:nokey=1", str(src)], time_limit=time_limit)
        try:
            return max(0.0, float(out.decode().strip()))
        except ValueError:
            pass
        wav = await convert(audio, fmt="wav", time_limit=time_limit)
        return max(0.0, (len(wav) - 44) / (SAMPLE_RATE * 2))


MIN_PROBE_SCORE = 25  # below it ffprobe is guessing (a few random bytes can look like an MP3 frame)


async def is_audio(data: bytes, *, time_limit: float = 60.0) -> bool:
    """Whether ffprobe reads ``data`` as a file with a sound track (audio, or a video with sound)."""
    if not data:
        return False
    with tempfile.TemporaryDirectory(prefix="stt-") as tmp:
        src = Path(tmp) / "input"
        await _write(src, data)
        try:
            out = await _run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
                              "stream=codec_type:format=probe_score", "-of", "json", str(src)], time_limit=time_limit)
        except AudioError:
            return False
    try:
        found = json.loads(out)
        score = int(found.get("format", {}).get("probe_score", 0))
    except (ValueError, AttributeError):
        return False
    return score >= MIN_PROBE_SCORE and any(s.get("codec_type") == "audio" for s in found.get("streams", []))


async def split(audio: bytes, chunk_seconds: float, *, fmt: AudioFormat = "ogg", time_limit: float = 300.0
                ) -> list[bytes]:
    """Cut already-normalized audio into consecutive pieces of about ``chunk_seconds`` (no re-encoding)."""
    if chunk_seconds <= 0:
        raise ValueError("chunk_seconds must be positive")
    with tempfile.TemporaryDirectory(prefix="stt-") as tmp:
        src = Path(tmp) / f"input.{fmt}"
        await _write(src, audio)
        pattern = Path(tmp) / f"chunk-%05d.{fmt}"
        await _run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src),
                    "-f", "segment", "-segment_time", f"{chunk_seconds:.3f}", "-reset_timestamps", "1",
                    "-c", "copy", str(pattern)], time_limit=time_limit)
        paths = sorted(await asyncio.to_thread(lambda: list(Path(tmp).glob(f"chunk-*.{fmt}"))))
        return [await _read(p) for p in paths]
