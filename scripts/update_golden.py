"""Rewrite the golden files in tests/golden/ from what backcoach renders now: `make golden`.

The tests only compare; run this after reviewing the difference a failing golden test shows, and commit the files
with the change that made them differ. `--out DIR` writes them elsewhere (to compare without touching them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.golden_texts import GOLDEN, write_golden  # noqa: E402  (the tests' fixture patient)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GOLDEN, help="where to write them (default: tests/golden)")
    args = parser.parse_args()
    for path in write_golden(args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
