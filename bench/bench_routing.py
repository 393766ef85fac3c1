"""Routing speed: the district network and a generated city-size grid, A* vs Dijkstra.

Usage: .venv/bin/python bench/bench_routing.py [--grid-side 317] [--queries 200]

Prints, per network: load time (parse + graph + router), memory (tracemalloc peak
while loading, and the process's peak RSS), and p50/p95 milliseconds per full query
(snapping both ends, the search, directions) for A* and for Dijkstra on the same
random pairs. The district part needs ../shared/geodata and is skipped without it.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from geo.distance import LonLat  # noqa: E402
from geo.network import build_graph  # noqa: E402
from geo.network import is_walkable  # noqa: E402
from geo.osm import BBox  # noqa: E402
from geo.osm import read_osm  # noqa: E402
from geo.routing import Router  # noqa: E402

SKELETON = ROOT.parent / "shared" / "geodata" / "bishkek_west_arterials_skeleton.osm"
CONNECTORS = ROOT / "tour_data" / "interhelpo" / "connectors.osm"
DISTRICT_BOX: BBox = (74.545, 42.862, 74.580, 42.885)
GRID_ORIGIN: LonLat = (74.45, 42.80)
GRID_STEP_DEG = (0.00085, 0.00063)  # about 70 m each way at 42.8 N
WAY_SEGMENTS = 10


def load(paths: Sequence[Path]) -> Router:
    """Parse, build the graph and the router, without the per-process cache."""
    datas = [read_osm(path, keep_way=is_walkable) for path in paths]
    return Router(build_graph(datas))


def write_grid(path: Path, side: int, seed: int) -> int:
    """Write a jittered ``side`` x ``side`` street grid as OSM XML; return its nodes.

    Rows and columns are split into ways of ten segments with names and a mix of
    highway kinds; one way in fifty is a motorway (not walkable) and about 3% of
    the segments are left out, so shortest paths are not trivially straight.
    """
    rng = random.Random(seed)
    kinds = ["residential"] * 6 + ["tertiary", "secondary", "footway", "service"]
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n')
        for row in range(side):
            for col in range(side):
                lon = GRID_ORIGIN[0] + col * GRID_STEP_DEG[0] + rng.uniform(-1e-4, 1e-4)
                lat = GRID_ORIGIN[1] + row * GRID_STEP_DEG[1] + rng.uniform(-7e-5, 7e-5)
                out.write(f' <node id="{row * side + col + 1}" lat="{lat:.7f}"')
                out.write(f' lon="{lon:.7f}"/>\n')
        way_id = 0
        for axis in ("row", "col"):
            for line in range(side):
                for start in range(0, side - 1, WAY_SEGMENTS):
                    stop = min(start + WAY_SEGMENTS, side - 1)
                    ids = [
                        (line * side + i if axis == "row" else i * side + line) + 1
                        for i in range(start, stop + 1)
                    ]
                    way_id += 1
                    kind = "motorway" if rng.random() < 0.02 else rng.choice(kinds)
                    for piece in _pieces(ids, rng):
                        refs = "".join(f'<nd ref="{i}"/>' for i in piece)
                        out.write(f' <way id="{way_id}">{refs}')
                        out.write(f'<tag k="highway" v="{kind}"/>')
                        out.write(
                            f'<tag k="name" v="{axis.title()} {line} St"/></way>\n'
                        )
        out.write("</osm>\n")
    return side * side


def _pieces(ids: list[int], rng: random.Random) -> list[list[int]]:
    pieces, current = [], [ids[0]]
    for node in ids[1:]:
        if rng.random() < 0.03:
            pieces.append(current)
            current = [node]
        else:
            current.append(node)
    pieces.append(current)
    return [piece for piece in pieces if len(piece) > 1]


def rss_mb() -> float:
    """Resident memory of this process now (Linux), else its peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 1e6
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_load(paths: Sequence[Path]) -> tuple[Router, float, float, float]:
    """Return the router, its load time (s), the RSS it added and tracemalloc's peak.

    tracemalloc sees Python objects only (not GEOS's index), so both are given;
    it runs on a second load so that it does not slow the timed one.
    """
    gc.collect()
    before_mb = rss_mb()
    started = time.perf_counter()
    router = load(paths)
    load_s = time.perf_counter() - started
    added_mb = rss_mb() - before_mb
    tracemalloc.start()
    load(paths)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    return router, load_s, added_mb, peak / 1e6


def random_pairs(box: BBox, count: int, seed: int) -> list[tuple[LonLat, LonLat]]:
    """Random origin/destination pairs inside ``box``."""
    rng = random.Random(seed)

    def point() -> LonLat:
        return (rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3]))

    return [(point(), point()) for _ in range(count)]


def time_queries(
    route: Callable[[LonLat, LonLat], object], pairs: Sequence[tuple[LonLat, LonLat]]
) -> tuple[float, float]:
    """Return p50 and p95 milliseconds per query."""
    times_ms = []
    for orig, dest in pairs:
        started = time.perf_counter()
        route(orig, dest)
        times_ms.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times_ms, n=20, method="inclusive")
    return statistics.median(times_ms), cuts[18]


def bench(name: str, paths: Sequence[Path], box: BBox, queries: int) -> list[str]:
    """Load one network, run the same queries with A* and Dijkstra, return rows."""
    router, load_s, added_mb, peak_mb = time_load(paths)
    pairs = random_pairs(box, queries, seed=3)
    router.route(*pairs[0])  # warm up
    a50, a95 = time_queries(lambda o, d: router.route(o, d, method="astar"), pairs)
    d50, d95 = time_queries(lambda o, d: router.route(o, d, method="dijkstra"), pairs)
    graph = router.graph
    size = f"{graph.number_of_nodes():,} nodes / {graph.number_of_edges():,} edges"
    return [
        f"{name:<10} {size:<30} load {load_s:6.2f} s",
        f"{'':<10} memory: +{added_mb:.0f} MB RSS, tracemalloc peak {peak_mb:.0f} MB",
        f"{'':<10} A*       p50 {a50:8.2f} ms  p95 {a95:8.2f} ms   ({queries} queries)",
        f"{'':<10} Dijkstra p50 {d50:8.2f} ms  p95 {d95:8.2f} ms",
    ]


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid-side", type=int, default=317, help="317^2 = 100,489")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rows = []
    if SKELETON.is_file():
        rows += bench(
            "district", [SKELETON, CONNECTORS], DISTRICT_BOX, args.queries * 5
        )
    else:
        rows.append(f"district   skipped: {SKELETON} is not there")
    with tempfile.TemporaryDirectory() as folder:
        grid = Path(folder) / "grid.osm"
        nodes = write_grid(grid, args.grid_side, seed=1)
        mb = grid.stat().st_size / 1e6
        far = (
            GRID_ORIGIN[0] + (args.grid_side - 1) * GRID_STEP_DEG[0],
            GRID_ORIGIN[1] + (args.grid_side - 1) * GRID_STEP_DEG[1],
        )
        box = (GRID_ORIGIN[0], GRID_ORIGIN[1], far[0], far[1])
        rows.append(f"grid file  {nodes:,} nodes written, {mb:.1f} MB of OSM XML")
        rows += bench("grid", [grid], box, args.queries)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(f"process peak RSS {rss_mb:.0f} MB")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
