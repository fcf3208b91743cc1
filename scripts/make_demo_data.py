"""Write realistic synthetic records into a home folder, through the store API.

python scripts/make_demo_data.py --home DIR --patients N --sessions M [--jobs J]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from backcoach.demo import make_demo_home
from backcoach.protocol import builtin_protocol
from backcoach.store import Home


def _chunk(args: tuple[str, int, int, int, int]) -> int:
    root, first, count, sessions, seed = args
    return len(make_demo_home(Home(Path(root)), builtin_protocol(), count, sessions, seed=seed, first=first))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=1, help="processes to write with")
    args = parser.parse_args()
    started = time.perf_counter()
    jobs = max(1, args.jobs)
    size = -(-args.patients // jobs)
    chunks = [
        (str(args.home), f, min(size, args.patients - f), args.sessions, args.seed)
        for f in range(0, args.patients, size)
    ]
    if jobs == 1:
        written = sum(map(_chunk, chunks))
    else:
        with ProcessPoolExecutor(jobs) as pool:
            written = sum(pool.map(_chunk, chunks))
    Home(args.home).index(rebuild=True)
    print(f"{written} patients × {args.sessions} sessions in {args.home} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
