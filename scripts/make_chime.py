"""Make the walk's arrival chime (static/audio/chime.wav) with the standard library.

Run after changing the sound: ``.venv/bin/python scripts/make_chime.py``. The WAV is
committed; every phone browser plays 16-bit PCM WAV, and at 16 kHz mono the
two-note chime stays under 25 KB, so the service worker keeps it offline cheaply.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "static" / "audio" / "chime.wav"
RATE = 16_000
# Two bell-like notes, a rising major sixth (E5 then C#6), each with a soft overtone.
NOTES = ((0.0, 659.25), (0.16, 1108.73))
LENGTH_S = 0.7
PEAK = 0.6  # of full scale: clear, not harsh


def sample(t: float) -> float:
    """The chime's amplitude at ``t`` seconds, between -1 and 1."""
    value = 0.0
    for start, freq in NOTES:
        if t < start:
            continue
        age = t - start
        attack = min(1.0, age / 0.005)  # 5 ms: no click at the onset
        decay = math.exp(-age * 6.0)
        value += (
            attack
            * decay
            * (
                math.sin(2 * math.pi * freq * age)
                + 0.3 * math.sin(2 * math.pi * 2.76 * freq * age)
            )
        )
    fade = min(1.0, (LENGTH_S - t) / 0.05)  # silent at the very end
    return value * fade / 1.3


def main() -> None:
    """Write the chime."""
    frames = bytearray()
    for i in range(int(LENGTH_S * RATE)):
        level = max(-1.0, min(1.0, sample(i / RATE) * PEAK))
        frames += struct.pack("<h", round(level * 32767))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(OUT), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    print(f"{OUT} {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
