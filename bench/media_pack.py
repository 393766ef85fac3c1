"""What photos weigh, and what "Save this walk for offline" stores for a tour.

Usage: .venv/bin/python bench/media_pack.py [--photo-width 4000] [--narration-s 0]

Builds the guide on a scratch database and media folder, gives every stop of the
shipped tour one phone-sized test photo (made with Pillow: gradient, shapes and sensor
noise, so it compresses like a photo rather than a flat picture; a real photo of a
street usually comes out smaller) and, with --narration-s, a tone of that length as
each stop's English narration. Prints the bytes of each rendition, the 960 px budget,
and the offline pack: pages and data (every URL the service worker keeps, as sent
uncompressed), photos at a phone's size (960 px WebP) and the recordings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from tests.media_support import photo  # noqa: E402
from tests.media_support import tone_wav  # noqa: E402
from web.services.media_files import BUDGET_960_BYTES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photo-width", type=int, default=4000)
    parser.add_argument("--narration-s", type=float, default=0.0)
    args = parser.parse_args()
    width = args.photo_width
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE": f"{scratch}/guide.sqlite3",
                "MEDIA_ROOT": f"{scratch}/media",
                "SECRET_KEY": "bench",
            }
        )
        from web import get_tour
        from web.public.pwa import precache_urls
        from web.services import media
        from web.services.media import PhotoMeta

        meta = PhotoMeta({"en": "A test", "ru": "Тест"}, {}, "bench", "own")
        seconds = []
        with app.test_request_context():
            tour = get_tour()
            for index, stop in enumerate(tour.stops):
                data = photo(width, width * 3 // 4, seed=index)
                start = time.perf_counter()
                media.add_photo(tour.id, stop.id, data, meta)
                seconds.append(time.perf_counter() - start)
                if args.narration_s:
                    wav = tone_wav(args.narration_s)
                    media.set_recording(tour.id, stop.id, "en", wav)
            sizes: dict[tuple[int, str], list[int]] = {}
            for views in media.tour_photos(tour.id).values():
                for view in views:
                    for r in view.renditions:
                        sizes.setdefault((r["width"], r["format"]), []).append(
                            r["bytes"]
                        )
            urls = precache_urls()
        client = app.test_client()
        pages = sum(len(client.get(url).data) for url in urls)
        pack = client.get(
            f"/api/tours/{tour.id}/media-pack?lang=en&width=780"
        ).get_json()
    print(f"{tour.id}: {len(tour.stops)} stops, one {width} px test photo each")
    print(f"processing: median {statistics.median(seconds):.1f} s a photo")
    for (w, fmt), values in sorted(sizes.items()):
        print(
            f"  {w:>5} px {fmt:<5} median {statistics.median(values) / 1024:7.1f} KB"
            f"  max {max(values) / 1024:7.1f} KB"
        )
    at_960 = [max(v) for (w, _f), v in sizes.items() if w == 960]
    print(
        f"960 px budget {BUDGET_960_BYTES / 1024:.0f} KB:"
        f" {'met' if all(b <= BUDGET_960_BYTES for b in at_960) else 'NOT met'}"
    )
    mb = 1024 * 1024
    total = pages + pack["photo_bytes"] + pack["recording_bytes"]
    print(
        f"offline pack: pages and data {pages / mb:.2f} MB ({len(urls)} URLs, every"
        f" language, uncompressed), photos {pack['photo_bytes'] / mb:.2f} MB"
        f" ({len(pack['photos'])} at {pack['width']} px -> 960 px WebP), recordings"
        f" {pack['recording_bytes'] / mb:.2f} MB ({len(pack['recordings'])});"
        f" total {total / mb:.2f} MB"
    )


if __name__ == "__main__":
    main()
