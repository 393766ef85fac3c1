"""Draw the app icons (PNG) from the shapes of static/icons/icon.svg, stdlib only.

Run once after changing the icon: ``.venv/bin/python scripts/make_icons.py``.
The PNGs are committed; phones want PNG icons to install a web app.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
BRAND = (0x7A, 0x1F, 0x14)
WHITE = (0xFF, 0xFF, 0xFF)
# The SVG's shapes on its 64-unit grid: a saw-tooth factory roof and a chimney.
FACTORY = [
    (14, 50),
    (14, 26),
    (22, 20),
    (22, 30),
    (30, 24),
    (30, 34),
    (38, 28),
    (38, 50),
]
CHIMNEY = [(42, 12), (49, 12), (49, 50), (42, 50)]


def inside_polygon(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    """Even-odd rule."""
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def inside_rounded_square(x: float, y: float, radius: float) -> bool:
    cx = min(max(x, radius), 64 - radius)
    cy = min(max(y, radius), 64 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def draw(size: int, *, maskable: bool) -> bytes:
    """One icon as PNG bytes; maskable icons fill the square and keep a safe zone."""
    samples = 3
    scale = 64 / size
    # A maskable icon may be cut to a circle: shrink the drawing into the middle 80 %.
    shrink, offset = (0.72, 64 * 0.14) if maskable else (1.0, 0.0)
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            totals = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * scale
                    y = (py + (sy + 0.5) / samples) * scale
                    if not maskable and not inside_rounded_square(x, y, 12):
                        continue
                    gx, gy = (x - offset) / shrink, (y - offset) / shrink
                    white = inside_polygon(gx, gy, FACTORY) or inside_polygon(
                        gx, gy, CHIMNEY
                    )
                    colour = WHITE if white else BRAND
                    for i in range(3):
                        totals[i] += colour[i]
                    totals[3] += 255
            n = samples * samples
            alpha = totals[3] // n
            if alpha:
                covered = totals[3] // 255
                row += bytes(t // covered for t in totals[:3]) + bytes([alpha])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    targets = {
        "icon-192.png": (192, False),
        "icon-512.png": (512, False),
        "icon-maskable-512.png": (512, True),
        "apple-touch-icon.png": (180, True),
    }
    for name, (size, maskable) in targets.items():
        (ICONS / name).write_bytes(draw(size, maskable=maskable))
        print(name, size)


if __name__ == "__main__":
    main()
